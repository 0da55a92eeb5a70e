//! Exposure breadth (EXP-1..3 of SEMANTICS.md): from which internet addresses a destination
//! is reached, computed by the engine, not read from rules. Ask for a source that gets
//! through; widen its address to the largest prefix no block of the network cuts (EXP-2,
//! `smt::breadth`); replay the prefix's first and last internet addresses in the simulator;
//! exclude the prefix and ask again, until no source is left (the list is then complete) or
//! the bound is reached (it is not, and says so, EXP-3).
//!
//! Must not touch: z3 directly, printing.

use super::engine::{self, QueryError, QueryResult, QuerySpec};
use super::verdict::VerdictKind;
use crate::model::addr::ranges;
use crate::model::*;
use crate::sim;
use std::net::IpAddr;

/// The internet prefixes that reach a destination.
#[derive(Debug, Clone)]
pub struct Exposure {
    /// Each prefix found, in the order found: its internet addresses reach, but for those in
    /// the blocks of `holes` inside it that are not found too.
    pub prefixes: Vec<Cidr>,
    /// Blocks inside a found prefix that were searched on their own and not found: their
    /// addresses do not reach (when complete).
    pub holes: Vec<Cidr>,
    /// True when the engine proved that no other internet source reaches (the list is all).
    pub complete: bool,
    /// The bound on the number of prefixes searched.
    pub bound: usize,
    /// The answer of the first question (a reachable one, with its witness, when a prefix was
    /// found), and of the last one (unreachable when complete, unknown when the engine could
    /// not decide).
    pub first: QueryResult,
    /// The last answer.
    pub last: QueryResult,
}

impl Exposure {
    /// True when some prefix is the whole address space of its family (`0.0.0.0/0`, `::/0`):
    /// every internet address outside the trusted ones reaches.
    pub fn world(&self) -> bool {
        self.prefixes.iter().any(|p| p.prefix_len() == 0)
    }

    /// The found prefixes that no other found prefix holds: `0.0.0.0/0`, or `81.2.69.0/24,
    /// 203.0.113.0/24`, then the holes not reached (`except 3.5.0.0/19`).
    pub fn shown(&self) -> String {
        let top: Vec<String> = self
            .prefixes
            .iter()
            .filter(|p| !self.prefixes.iter().any(|q| q != *p && q.contains_cidr(p)))
            .map(ToString::to_string)
            .collect();
        format!("{}{}", top.join(", "), holes_text(&self.holes))
    }
}

/// ` except A, B, C, D and N more block(s)`: the first four holes, and how many more; empty
/// without holes.
fn holes_text(holes: &[Cidr]) -> String {
    if holes.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = holes.iter().take(4).map(ToString::to_string).collect();
    let more = holes.len().saturating_sub(4);
    let mut s = format!(" except {}", shown.join(", "));
    if more > 0 {
        s.push_str(&format!(" and {more} more block(s)"));
    }
    s
}

/// The blocks of the network that may cut a prefix of sources (EXP-2): compute once per
/// network.
pub fn address_blocks(net: &Network) -> Vec<Cidr> {
    crate::smt::breadth::address_blocks(net)
}

/// Searches the internet prefixes from which `spec` (a question from `internet`) is reachable,
/// never counting `trusted`; at most `bound` prefixes. `blocks` is [`address_blocks`];
/// `answered` the answer to `spec` itself, when already asked.
pub fn sources(
    net: &Network,
    ix: &NetworkIndex,
    spec: &QuerySpec,
    trusted: &[Cidr],
    blocks: &[Cidr],
    bound: usize,
    answered: Option<QueryResult>,
) -> Result<Exposure, QueryError> {
    let mut exclude: Vec<(Cidr, Vec<Cidr>)> = trusted.iter().map(|t| (*t, Vec::new())).collect();
    let mut prefixes: Vec<Cidr> = Vec::new();
    let never: Vec<IpAddr> = ix.public_addresses().map(|a| IpAddr::V4(*a)).collect();
    let mut first: Option<QueryResult> = None;
    // The answer to the question itself, when it was asked without exclusions.
    let mut answered = answered.filter(|_| trusted.is_empty());
    loop {
        let r = match answered.take() {
            Some(r) => r,
            // Once a prefix is found, each further answer gives only its witness's source or
            // the fact that none is left: asked for its verdict alone (SOLVE-9).
            None if first.is_some() => engine::verdict_only(|| engine::run_excluding(net, ix, spec, &exclude))?,
            None => engine::run_excluding(net, ix, spec, &exclude)?,
        };
        let done = |first: Option<QueryResult>, last: QueryResult, prefixes: Vec<Cidr>, complete: bool| {
            // The holes of the found regions that no found prefix covers.
            let mut holes: Vec<Cidr> = exclude
                .iter()
                .skip(trusted.len())
                .flat_map(|(_, h)| h.iter().copied())
                .filter(|h| !prefixes.iter().any(|p| p.contains_cidr(h)))
                .filter(|h| !trusted.iter().any(|t| t.contains_cidr(h)))
                .collect();
            holes.sort();
            holes.dedup();
            Exposure {
                holes: if complete { holes } else { Vec::new() },
                prefixes,
                complete,
                bound,
                first: first.unwrap_or_else(|| last.clone()),
                last,
            }
        };
        match r.verdict.verdict {
            VerdictKind::Unreachable => return Ok(done(first, r, prefixes, true)),
            VerdictKind::Unknown => return Ok(done(first, r, prefixes, false)),
            VerdictKind::Reachable => {}
        }
        let Some(packet) = r.verdict.packet else {
            return Err(QueryError::Inconsistent("a reachable answer without its packet".into()));
        };
        if exclude
            .iter()
            .any(|(c, holes)| c.contains(&packet.src_ip) && !holes.iter().any(|h| h.contains(&packet.src_ip)))
        {
            return Err(QueryError::Inconsistent(format!(
                "the SMT engine's witness {packet} comes from an excluded prefix"
            )));
        }
        if prefixes.len() == bound {
            return Ok(done(first, r, prefixes, false));
        }
        let (p, holes) = crate::smt::breadth::generalise(packet.src_ip, blocks, &never);
        let mut avoid: Vec<Cidr> = exclude.iter().map(|(c, _)| *c).collect();
        avoid.extend(holes.iter().copied());
        check_ends(net, ix, spec, &p, &avoid, packet)?;
        prefixes.push(p);
        exclude.push((p, holes));
        first.get_or_insert(r);
    }
}

/// EXP-2's cross-check: the first and last internet addresses of `p` (outside `exclude`) get
/// through in the simulator too, with the witness's other header fields.
fn check_ends(
    net: &Network,
    ix: &NetworkIndex,
    spec: &QuerySpec,
    p: &Cidr,
    exclude: &[Cidr],
    witness: Packet,
) -> Result<(), QueryError> {
    let (lo, width) = p.to_bits();
    let family = p.family();
    let bits = match family {
        IpFamily::V4 => 32u32,
        IpFamily::V6 => 128,
    };
    let shift = bits.saturating_sub(u32::from(width));
    let size_minus_one = match shift {
        0 => 0,
        s if s >= 128 => u128::MAX,
        s => (1u128 << s) - 1,
    };
    let hi = lo.saturating_add(size_minus_one);
    for end in [
        first_public(family, lo, hi, true, net, ix, exclude),
        first_public(family, lo, hi, false, net, ix, exclude),
    ]
    .into_iter()
    .flatten()
    {
        let packet = Packet { src_ip: end, ..witness };
        let t = sim::trace(net, ix, sim::Start::Internet, packet, spec.one_way);
        if t.status() != sim::Status::Reachable {
            return Err(QueryError::Inconsistent(format!(
                "{} is reached from {} (EXP-2), but the simulator does not deliver {packet}",
                spec.to, p
            )));
        }
    }
    Ok(())
}

/// The first (or last) internet address between `lo` and `hi`, trying a few from that end.
fn first_public(
    family: IpFamily,
    lo: u128,
    hi: u128,
    from_low: bool,
    net: &Network,
    ix: &NetworkIndex,
    exclude: &[Cidr],
) -> Option<IpAddr> {
    let vpc_blocks: Vec<Cidr> = net.vpcs.values().flat_map(|v| v.cidrs().copied()).collect();
    let is_internet = |ip: &IpAddr| {
        let outside = |c: &Cidr| !c.contains(ip);
        let public = match family {
            IpFamily::V4 => ranges::non_public_v4().iter().all(outside),
            IpFamily::V6 => ranges::public_v6().contains(ip) && ranges::non_public_v6().iter().all(outside),
        };
        let own = match ip {
            IpAddr::V4(a) => ix.public_addresses().any(|x| x == a),
            IpAddr::V6(_) => false,
        };
        public && !own && vpc_blocks.iter().all(outside) && exclude.iter().all(outside)
    };
    // Step through the range by large strides first: the ends of 0.0.0.0/0 are not public.
    let span = hi - lo;
    let steps: Vec<u128> = (0..64u32).map(|k| if k == 0 { 0 } else { span >> (64 - k) }).collect();
    steps
        .into_iter()
        .map(|d| if from_low { lo + d } else { hi - d })
        .map(|b| ip_from_u128(family, b))
        .find(|ip| is_internet(ip))
}

use crate::model::addr::ip_from_u128;

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(n: usize) -> Vec<Cidr> {
        (0..n).map(|i| format!("3.{i}.0.0/16").parse().unwrap()).collect()
    }

    #[test]
    fn holes_past_four_are_counted_not_listed() {
        assert_eq!(holes_text(&[]), "");
        assert_eq!(
            holes_text(&blocks(4)),
            " except 3.0.0.0/16, 3.1.0.0/16, 3.2.0.0/16, 3.3.0.0/16"
        );
        assert_eq!(
            holes_text(&blocks(6)),
            " except 3.0.0.0/16, 3.1.0.0/16, 3.2.0.0/16, 3.3.0.0/16 and 2 more block(s)"
        );
    }
}
