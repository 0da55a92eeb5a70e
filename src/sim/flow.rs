//! Connections: the reply to a packet, port preservation at NAT devices, and the translations a
//! request leg records for its reply leg to undo (SEMANTICS.md §1, §2, §5.3, §5.4).
//!
//! Rules implemented here:
//! - §1 (**decision**): the reply swaps addresses and ports; ICMP echo request (8, or 128 for
//!   ICMPv6) is answered by an echo reply (0, or 129), code 0; other ICMP types have no reply;
//!   other protocols reply with the same protocol and swapped addresses.
//! - NGW-2, NI-4, J3 (**decision**): `nat_port(x) = x` if x ≥ 1024, else `1024 + x`.
//! - §2: a translation `(translator, before, after)` is undone by a reply that is the exact reverse
//!   of `after`; undoing restores the destination address and port of `before`'s source.

use crate::model::{NatGatewayId, NetworkInterfaceId, Packet, proto};
use serde::Serialize;

/// ICMP echo request / reply type numbers.
const ECHO_REQUEST_V4: u8 = 8;
const ECHO_REPLY_V4: u8 = 0;
const ECHO_REQUEST_V6: u8 = 128;
const ECHO_REPLY_V6: u8 = 129;

/// True iff `p` is an ICMP or ICMPv6 echo request (code 0).
pub fn is_echo_request(p: &Packet) -> bool {
    match p.protocol {
        proto::ICMP => p.icmp_type == ECHO_REQUEST_V4 && p.icmp_code == 0,
        proto::ICMPV6 => p.icmp_type == ECHO_REQUEST_V6 && p.icmp_code == 0,
        _ => false,
    }
}

/// The reply a receiver sends to `p` as it arrived (§1): addresses and ports swapped, an echo
/// reply for an echo request. `None` for ICMP other than echo request: it has no reply.
pub fn reply_to(p: &Packet) -> Option<Packet> {
    if p.is_icmp() {
        if !is_echo_request(p) {
            return None;
        }
        let reply_type = if p.protocol == proto::ICMP {
            ECHO_REPLY_V4
        } else {
            ECHO_REPLY_V6
        };
        return Some(Packet::icmp(p.protocol, p.dst_ip, p.src_ip, reply_type, 0));
    }
    Some(Packet {
        protocol: p.protocol,
        src_ip: p.dst_ip,
        dst_ip: p.src_ip,
        src_port: p.dst_port,
        dst_port: p.src_port,
        icmp_type: p.icmp_type,
        icmp_code: p.icmp_code,
    })
}

/// The source port a NAT gateway or NAT instance gives a translated TCP/UDP packet
/// (**decision**: port preservation, remapped into 1024-65535, J3).
pub fn nat_port(x: u16) -> u16 {
    if x >= 1024 { x } else { 1024 + x }
}

/// Who made a translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Translator {
    /// A NAT gateway (§5.3).
    NatGateway(NatGatewayId),
    /// A NAT instance or appliance interface that masquerades (§5.4).
    Interface(NetworkInterfaceId),
}

/// A source translation made on the request leg (NAT gateway, NAT instance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Translation {
    /// Who translated.
    pub translator: Translator,
    /// The packet before.
    pub before: Packet,
    /// The packet after.
    pub after: Packet,
}

impl Translation {
    /// True iff `reply` is the exact reverse of the translated packet (addresses, protocol and,
    /// for TCP/UDP, ports).
    pub fn is_reversed_by(&self, reply: &Packet) -> bool {
        let a = &self.after;
        let addresses = reply.protocol == a.protocol && reply.src_ip == a.dst_ip && reply.dst_ip == a.src_ip;
        let ports = !reply.has_ports() || (reply.src_port == a.dst_port && reply.dst_port == a.src_port);
        addresses && ports
    }

    /// The reply with the translation undone: its destination goes back to the original source.
    pub fn undo(&self, reply: &Packet) -> Packet {
        let mut p = *reply;
        p.dst_ip = self.before.src_ip;
        if p.has_ports() {
            p.dst_port = self.before.src_port;
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nat_port_preserves_high_ports_and_lifts_low_ones() {
        assert_eq!(nat_port(49152), 49152);
        assert_eq!(nat_port(1024), 1024);
        assert_eq!(nat_port(1023), 2047);
        assert_eq!(nat_port(0), 1024);
    }

    #[test]
    fn replies_swap_and_echo_is_answered() {
        let a = "10.0.0.1".parse().unwrap();
        let b = "10.0.0.2".parse().unwrap();
        let tcp = Packet::with_ports(proto::TCP, a, 49152, b, 443);
        assert_eq!(reply_to(&tcp), Some(Packet::with_ports(proto::TCP, b, 443, a, 49152)));
        let ping = Packet::icmp(proto::ICMP, a, b, 8, 0);
        assert_eq!(reply_to(&ping), Some(Packet::icmp(proto::ICMP, b, a, 0, 0)));
        assert_eq!(reply_to(&Packet::icmp(proto::ICMP, a, b, 3, 4)), None);
    }
}
