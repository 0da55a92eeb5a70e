//! The symbolic packet and the bit-vector building blocks: address constants, CIDR membership,
//! address sets as merged intervals.
//!
//! Widths are written once here: addresses 32 (IPv4) or 128 (IPv6) bits, ports 16, protocol and
//! ICMP type/code 8. A walk runs for one address family at a time.

use crate::model::addr::{ip_from_u128, ip_to_u128};
use crate::model::{Cidr, IpFamily, Packet, proto};
use std::net::IpAddr;
use z3::ast::{Ast, BV, Bool};

/// A packet header whose fields are bit-vector expressions over the query's variables.
#[derive(Clone, Debug)]
pub(crate) struct SymPacket {
    pub proto: BV,
    pub src: BV,
    pub dst: BV,
    pub sport: BV,
    pub dport: BV,
    pub itype: BV,
    pub icode: BV,
}

impl SymPacket {
    /// Fresh variables for the packet the source sends.
    pub fn variables(family: IpFamily) -> Self {
        let w = width(family);
        let tag = match family {
            IpFamily::V4 => "4",
            IpFamily::V6 => "6",
        };
        SymPacket {
            proto: BV::new_const("protocol", 8),
            src: BV::new_const(format!("src_ip{tag}"), w),
            dst: BV::new_const(format!("dst_ip{tag}"), w),
            sport: BV::new_const("src_port", 16),
            dport: BV::new_const("dst_port", 16),
            itype: BV::new_const("icmp_type", 8),
            icode: BV::new_const("icmp_code", 8),
        }
    }

    /// True iff the protocol is TCP or UDP.
    pub fn has_ports(&self) -> Bool {
        Bool::or(&[self.proto.eq(u8c(proto::TCP)), self.proto.eq(u8c(proto::UDP))])
    }

    /// True iff the protocol is ICMP or ICMPv6.
    pub fn is_icmp(&self) -> Bool {
        Bool::or(&[self.proto.eq(u8c(proto::ICMP)), self.proto.eq(u8c(proto::ICMPV6))])
    }
}

/// Address width in bits.
pub(crate) fn width(family: IpFamily) -> u32 {
    u32::from(family.bits())
}

/// An 8-bit constant.
pub(crate) fn u8c(v: u8) -> BV {
    BV::from_u64(u64::from(v), 8)
}

/// A 16-bit constant.
pub(crate) fn u16c(v: u16) -> BV {
    BV::from_u64(u64::from(v), 16)
}

/// A constant of `w` bits from a 128-bit value.
pub(crate) fn const_bits(v: u128, w: u32) -> BV {
    if w <= 64 {
        BV::from_u64(v as u64, w)
    } else {
        BV::from_str(w, &v.to_string()).unwrap_or_else(|| BV::from_u64(0, w))
    }
}

/// An address constant (of its family's width).
pub(crate) fn ip_const(ip: &IpAddr) -> BV {
    const_bits(ip_to_u128(ip), width(IpFamily::of(ip)))
}

/// `x` lies in `c` (false across families). Compares the top `prefix` bits, so `/0` needs no
/// mask and no shift overflows.
pub(crate) fn in_cidr(x: &BV, c: &Cidr) -> Bool {
    let w = x.get_size();
    if w != width(c.family()) {
        return Bool::from_bool(false);
    }
    let p = u32::from(c.prefix_len());
    if p == 0 {
        return Bool::from_bool(true);
    }
    let (net, _) = c.to_bits();
    let top = if w - p >= 128 { 0 } else { net >> (w - p) };
    x.extract(w - 1, w - p).eq(const_bits(top, p))
}

/// `x` lies in one of the blocks.
pub(crate) fn in_any_cidr<'a>(x: &BV, cidrs: impl IntoIterator<Item = &'a Cidr>) -> Bool {
    let parts: Vec<Bool> = cidrs.into_iter().map(|c| in_cidr(x, c)).collect();
    any(&parts)
}

/// `x` equals one of the addresses (of `x`'s width; others are ignored). Sorted and merged into
/// intervals so that large sets (a big security group's members) stay small.
pub(crate) fn in_addrs<'a>(x: &BV, addrs: impl IntoIterator<Item = &'a IpAddr>) -> Bool {
    let w = x.get_size();
    let mut vals: Vec<u128> = addrs
        .into_iter()
        .filter(|a| width(IpFamily::of(a)) == w)
        .map(ip_to_u128)
        .collect();
    vals.sort_unstable();
    vals.dedup();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < vals.len() {
        let lo = vals[i];
        let mut hi = lo;
        while i + 1 < vals.len() && vals[i + 1] == hi.wrapping_add(1) {
            i += 1;
            hi = vals[i];
        }
        parts.push(in_range(x, lo, hi));
        i += 1;
    }
    any(&parts)
}

/// `lo <= x <= hi` (unsigned).
pub(crate) fn in_range(x: &BV, lo: u128, hi: u128) -> Bool {
    let w = x.get_size();
    if lo == hi {
        x.eq(const_bits(lo, w))
    } else {
        Bool::and(&[x.bvuge(const_bits(lo, w)), x.bvule(const_bits(hi, w))])
    }
}

/// Disjunction; `false` when empty.
pub(crate) fn any(parts: &[Bool]) -> Bool {
    match parts {
        [] => Bool::from_bool(false),
        [one] => one.clone(),
        _ => Bool::or(parts),
    }
}

/// Conjunction; `true` when empty.
pub(crate) fn all(parts: &[Bool]) -> Bool {
    match parts {
        [] => Bool::from_bool(true),
        [one] => one.clone(),
        _ => Bool::and(parts),
    }
}

/// If-then-else chain mapping `x` through `pairs` (`from -> to`); `x` itself when none applies.
pub(crate) fn map_addrs(x: &BV, pairs: &[(IpAddr, IpAddr)]) -> BV {
    pairs.iter().rev().fold(x.clone(), |acc, (from, to)| {
        x.eq(ip_const(from)).ite(&ip_const(to), &acc)
    })
}

/// Reads a bit-vector value out of a model as a 128-bit integer.
pub(crate) fn model_value(model: &z3::Model, x: &BV) -> Option<u128> {
    let v = model.eval(x, true)?;
    let w = v.get_size();
    if w <= 64 {
        return v.as_u64().map(u128::from);
    }
    let hi = v.extract(w - 1, 64).simplify().as_u64()?;
    let lo = v.extract(63, 0).simplify().as_u64()?;
    Some((u128::from(hi) << 64) | u128::from(lo))
}

/// Decodes the concrete packet of a model.
pub(crate) fn decode(model: &z3::Model, p: &SymPacket, family: IpFamily) -> Option<Packet> {
    let protocol = model_value(model, &p.proto)? as u8;
    let src_ip = ip_from_u128(family, model_value(model, &p.src)?);
    let dst_ip = ip_from_u128(family, model_value(model, &p.dst)?);
    let mut pk = Packet::other(protocol, src_ip, dst_ip);
    if proto::has_ports(protocol) {
        pk.src_port = model_value(model, &p.sport)? as u16;
        pk.dst_port = model_value(model, &p.dport)? as u16;
    } else if proto::is_icmp(protocol) {
        pk.icmp_type = model_value(model, &p.itype)? as u8;
        pk.icmp_code = model_value(model, &p.icode)? as u8;
    }
    Some(pk)
}

/// The constraint that the symbolic packet equals a concrete one (for replaying a packet through
/// the encoding without search).
pub(crate) fn equals_packet(p: &SymPacket, k: &Packet) -> Bool {
    all(&[
        p.proto.eq(u8c(k.protocol)),
        p.src.eq(ip_const(&k.src_ip)),
        p.dst.eq(ip_const(&k.dst_ip)),
        p.sport.eq(u16c(k.src_port)),
        p.dport.eq(u16c(k.dst_port)),
        p.itype.eq(u8c(k.icmp_type)),
        p.icode.eq(u8c(k.icmp_code)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use z3::{SatResult, Solver};

    fn valid(b: &Bool) -> bool {
        let s = Solver::new();
        s.assert(b.not());
        s.check() == SatResult::Unsat
    }

    #[test]
    fn cidr_membership_folds_on_constants() {
        let ip: IpAddr = "10.0.1.5".parse().unwrap();
        let x = ip_const(&ip);
        assert_eq!(
            in_cidr(&x, &Cidr::parse("10.0.0.0/16").unwrap()).simplify().as_bool(),
            Some(true)
        );
        assert_eq!(
            in_cidr(&x, &Cidr::parse("10.0.2.0/24").unwrap()).simplify().as_bool(),
            Some(false)
        );
        assert_eq!(
            in_cidr(&x, &Cidr::parse("0.0.0.0/0").unwrap()).simplify().as_bool(),
            Some(true)
        );
        assert_eq!(
            in_cidr(&x, &Cidr::parse("::/0").unwrap()).simplify().as_bool(),
            Some(false)
        );
        let v6: IpAddr = "2600:1f18::7".parse().unwrap();
        let y = ip_const(&v6);
        assert_eq!(
            in_cidr(&y, &Cidr::parse("2600:1f18::/32").unwrap())
                .simplify()
                .as_bool(),
            Some(true)
        );
        assert_eq!(
            in_cidr(&y, &Cidr::parse("2600:1f18::7/128").unwrap())
                .simplify()
                .as_bool(),
            Some(true)
        );
    }

    #[test]
    fn address_sets_merge_into_intervals() {
        let addrs: Vec<IpAddr> = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.9"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let x = BV::new_const("x", 32);
        let f = in_addrs(&x, addrs.iter());
        assert!(valid(&f.implies(in_cidr(&x, &Cidr::parse("10.0.0.0/28").unwrap()))));
        let s = Solver::new();
        s.assert(&f);
        s.assert(x.eq(ip_const(&"10.0.0.5".parse().unwrap())));
        assert_eq!(s.check(), SatResult::Unsat);
    }

    #[test]
    fn model_values_of_128_bits_round_trip() {
        let s = Solver::new();
        let x = BV::new_const("x6", 128);
        let ip: IpAddr = "2001:db8::dead:beef".parse().unwrap();
        s.assert(x.eq(ip_const(&ip)));
        assert_eq!(s.check(), SatResult::Sat);
        let m = s.get_model().unwrap();
        assert_eq!(model_value(&m, &x), Some(ip_to_u128(&ip)));
    }
}
