//! The difference question of `vpcverify diff`: is there a packet that gets through (and back)
//! in one network and not in the other?
//!
//! Both networks' candidate paths are walked for the same question in collecting mode (every
//! path, none stopped at a witness; SEMANTICS.md §2-§5 as `walk` encodes them), each path kept as
//! a formula over the packet the source sends (its routing conditions and every filter's
//! `allows`, the same formulas the SMT-LIB2 proofs are made of). A branch the walk prunes is one
//! no packet of the question takes, so the disjunction of the paths, conjoined with the question's
//! packet space, is exactly the packets that get through. One solver then asks for a packet in
//! `reach_gets(p) ∧ ¬reach_not(p)`. Where a path relies on a filter the input does not settle or
//! reaches a construct that is not modelled (BOUND-1), the formulas are bounds: a difference is
//! reported only from the lower bound of the network where it gets through against the upper
//! bound of the other, and "no difference" only when the converse bounds agree; otherwise the
//! answer is unknown, naming what it rests on (BOUND-2). A solver that gives up (SOLVE-2) or a
//! spent budget (SOLVE-3) makes the answer unknown.
//!
//! Each difference is generalised to a flow class: the destination port range around the
//! witness's port over which the difference holds for the witness's addresses and source port
//! (asked of the solver, range by range), then that protocol and range are blocked and the
//! solver asked again, at most `max_flows` times (`truncated` says the bound cut it short).
//!
//! Must not touch: printing, the simulator (the caller replays every witness in `sim`).

use super::sym::*;
use super::walk::{PathFormula, Walk};
use super::{Question, StartPoint};
use crate::model::endpoint::Endpoint;
use crate::model::*;
use z3::ast::Bool;
use z3::{SatResult, Solver};

/// One network's side of a difference question.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The network.
    pub net: &'a Network,
    /// Its index.
    pub ix: &'a NetworkIndex,
    /// Where packets come from, resolved in this network.
    pub from: &'a Endpoint,
    /// Where they go, resolved in this network.
    pub to: &'a Endpoint,
}

/// The packet space both sides are asked about.
#[derive(Debug, Clone)]
pub struct DiffSpec {
    /// One protocol, or any.
    pub protocol: Option<u8>,
    /// Destination ports (TCP/UDP); any when `None`.
    pub dst_ports: Option<PortRange>,
    /// Source ports; a client's ephemeral port when `None` (J3).
    pub src_ports: Option<PortRange>,
    /// The request alone counts.
    pub one_way: bool,
    /// At most this many flows per direction.
    pub max_flows: usize,
    /// One family only (a change that can affect only it); both when `None`.
    pub family: Option<IpFamily>,
}

/// A packet that gets through on one side and not on the other, and its flow class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowDiff {
    /// The witness, as its source sends it.
    pub packet: Packet,
    /// Who sends it.
    pub start: StartPoint,
    /// The request's path on the side where it gets through (component ids).
    pub forward: Vec<String>,
    /// The reply's path there.
    pub reply: Vec<String>,
    /// The protocol of the class: the witness's, or `None` for every protocol other than TCP,
    /// UDP, ICMP and ICMPv6 (when the difference holds for all of them).
    pub protocol: Option<u8>,
    /// For TCP and UDP: the destination ports over which the difference holds for the witness's
    /// addresses and source port.
    pub dst_ports: Option<PortRange>,
}

/// The answer in one direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirAnswer {
    /// No packet gets through on the first side that does not on the second.
    Same,
    /// These flows do.
    Differs {
        /// The flow classes found.
        flows: Vec<FlowDiff>,
        /// True when `max_flows` cut the search short (more may differ).
        truncated: bool,
    },
    /// Not settled: some packets may or may not differ.
    Unknown {
        /// `(component id, why)`.
        causes: Vec<(String, String)>,
        /// The flow classes that differ for sure nonetheless (they rely on nothing unsettled).
        flows: Vec<FlowDiff>,
    },
}

/// Both directions for one pair of endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// Gets through after, not before.
    pub opened: DirAnswer,
    /// Gets through before, not after.
    pub closed: DirAnswer,
    /// Candidate paths walked (before, after).
    pub paths: (usize, usize),
}

/// One network's reachable packets for one family, as bounds.
pub(super) struct Reach {
    pub(super) lower: Bool,
    pub(super) upper: Bool,
    /// The question's packet space (conjoined in `lower` and `upper`).
    pub(super) space: Bool,
    pub(super) paths: Vec<PathFormula>,
    relies: Vec<(String, String)>,
    pub(super) hard: Vec<(String, String)>,
    pub(super) count: usize,
}

pub(super) fn reach(side: &Side<'_>, spec: &DiffSpec, family: IpFamily, budget: Option<super::Budget>) -> Reach {
    let q = Question {
        from: side.from,
        to: side.to,
        protocol: spec.protocol,
        dst_ports: spec.dst_ports,
        src_ports: spec.src_ports,
        one_way: spec.one_way,
        families: vec![family],
        want_proof: true,
        budget,
        faults: None,
        waypoints: None,
    };
    let mut walk = Walk::new(side.net, side.ix, &q, family);
    walk.collect = true;
    walk.run();
    let space = walk.space.clone();
    let mut hard: Vec<(String, String)> = walk
        .results
        .unknown
        .iter()
        .filter(|(id, _)| id == "solver" || id == "budget")
        .cloned()
        .collect();
    if walk.solver.spent {
        hard.push((
            "budget".into(),
            format!("the budget ran out walking the candidate paths ({family})"),
        ));
    }
    // Unknowns the walk records outside a path (none expected in collecting mode besides the
    // solver's) are kept as hard causes too.
    hard.extend(
        walk.results
            .unknown
            .iter()
            .filter(|(id, _)| id != "solver" && id != "budget")
            .cloned(),
    );
    let paths = std::mem::take(&mut walk.results.collected);
    let lower: Vec<Bool> = paths.iter().map(|p| p.lower.clone()).collect();
    let upper: Vec<Bool> = paths.iter().map(|p| p.upper.clone()).collect();
    let relies: Vec<(String, String)> = paths.iter().flat_map(|p| p.relies.iter().cloned()).collect();
    Reach {
        lower: all(&[space.clone(), any(&lower)]),
        upper: all(&[space.clone(), any(&upper)]),
        space,
        paths,
        relies,
        hard,
        count: walk.results.paths,
    }
}

/// An internet host is an address that is public in both networks: a public address one of them
/// assigns (a NAT gateway's Elastic IP the change removes, an instance's new public address) or a
/// VPC block one of them holds is no internet host, on either side, so that a change of address
/// ownership does not show as flows to or from "the internet" at that address.
pub(super) fn common_external(before: &Side<'_>, after: &Side<'_>, family: IpFamily) -> Bool {
    let p = SymPacket::variables(family);
    let mut owned: Vec<std::net::IpAddr> = Vec::new();
    let mut blocks: Vec<Cidr> = Vec::new();
    for s in [before, after] {
        owned.extend(s.ix.public_addresses().map(|a| std::net::IpAddr::V4(*a)));
        blocks.extend(s.net.vpcs.values().flat_map(|v| v.cidrs().copied()));
    }
    owned.retain(|a| IpFamily::of(a) == family);
    blocks.retain(|c| c.family() == family);
    let is_internet = |e: &Endpoint| matches!(e.external, Some(crate::model::endpoint::External::Internet { .. }));
    let foreign = |x: &z3::ast::BV| all(&[in_addrs(x, owned.iter()).not(), in_any_cidr(x, blocks.iter()).not()]);
    let mut parts = Vec::new();
    if is_internet(before.from) || is_internet(after.from) {
        // Only the hosts outside: a source that is an interface of the class is never internet.
        let own: Vec<std::net::IpAddr> = [before, after]
            .iter()
            .flat_map(|s| s.from.interfaces.iter().filter_map(|i| s.net.network_interfaces.get(i)))
            .flat_map(|e| e.private_addresses().collect::<Vec<_>>())
            .collect();
        parts.push(any(&[foreign(&p.src), in_addrs(&p.src, own.iter())]));
    }
    if is_internet(before.to) || is_internet(after.to) {
        // An address an AWS service's list holds in one network only is that service's there:
        // it is asked about as the service (whose addresses are both networks', `Endpoint::also`),
        // not as an internet host.
        if let Some(moved) = moved_service_addresses(before.net, after.net, &p.dst) {
            parts.push(moved.not());
        }
        let own: Vec<std::net::IpAddr> = [before, after]
            .iter()
            .flat_map(|s| s.to.interfaces.iter().filter_map(|i| s.net.network_interfaces.get(i)))
            .flat_map(|e| {
                e.private_addresses()
                    .chain(e.public_addresses().map(std::net::IpAddr::V4))
                    .collect::<Vec<_>>()
            })
            .collect();
        parts.push(any(&[foreign(&p.dst), in_addrs(&p.dst, own.iter())]));
    }
    all(&parts)
}

/// `x` lies in an AWS-managed prefix list in one network and not in the other (`None`: no such
/// list).
fn moved_service_addresses(before: &Network, after: &Network, x: &z3::ast::BV) -> Option<Bool> {
    let mut parts = Vec::new();
    for (id, b) in &before.prefix_lists {
        let Some(a) = after.prefix_lists.get(id) else { continue };
        if b.owner == PrefixListOwner::AwsManaged && b.entries != a.entries {
            parts.push(in_any_cidr(x, b.entries.iter()).xor(in_any_cidr(x, a.entries.iter())));
        }
    }
    (!parts.is_empty()).then(|| any(&parts))
}

pub(super) fn families(protocol: Option<u8>) -> Vec<IpFamily> {
    [IpFamily::V4, IpFamily::V6]
        .into_iter()
        .filter(|f| match f {
            IpFamily::V4 => protocol != Some(proto::ICMPV6),
            IpFamily::V6 => protocol != Some(proto::ICMP),
        })
        .collect()
}

/// Compares one pair of endpoints between `before` and `after`: what is opened, what is closed.
pub fn compare(before: &Side<'_>, after: &Side<'_>, spec: &DiffSpec, budget: Option<super::Budget>) -> Comparison {
    static TACTIC: std::sync::Once = std::sync::Once::new();
    TACTIC.call_once(|| z3::set_global_param("tactic.default_tactic", "smt"));
    let mut opened: Vec<DirAnswer> = Vec::new();
    let mut closed: Vec<DirAnswer> = Vec::new();
    let mut paths = (0, 0);
    for family in families(spec.protocol)
        .into_iter()
        .filter(|f| spec.family.is_none_or(|x| x == *f))
    {
        let b = reach(before, spec, family, budget);
        let a = reach(after, spec, family, budget);
        paths.0 += b.count;
        paths.1 += a.count;
        let common = common_external(before, after, family);
        opened.push(direction(&a, &b, spec, family, &common));
        closed.push(direction(&b, &a, spec, family, &common));
    }
    Comparison {
        opened: merge(opened),
        closed: merge(closed),
        paths,
    }
}

fn merge(parts: Vec<DirAnswer>) -> DirAnswer {
    let mut flows = Vec::new();
    let mut truncated = false;
    let mut causes = Vec::new();
    for p in parts {
        match p {
            DirAnswer::Same => {}
            DirAnswer::Differs { flows: f, truncated: t } => {
                flows.extend(f);
                truncated |= t;
            }
            DirAnswer::Unknown { causes: c, flows: f } => {
                causes.extend(c);
                flows.extend(f);
            }
        }
    }
    if !causes.is_empty() {
        causes.sort();
        causes.dedup();
        return DirAnswer::Unknown { causes, flows };
    }
    if flows.is_empty() {
        DirAnswer::Same
    } else {
        DirAnswer::Differs { flows, truncated }
    }
}

/// Packets in `gets` and not in `not`, one family.
fn direction(gets: &Reach, not: &Reach, spec: &DiffSpec, family: IpFamily, common: &Bool) -> DirAnswer {
    if !gets.hard.is_empty() || !not.hard.is_empty() {
        let mut causes = gets.hard.clone();
        causes.extend(not.hard.iter().cloned());
        return DirAnswer::Unknown {
            causes,
            flows: Vec::new(),
        };
    }
    let p = SymPacket::variables(family);
    // Surely differs: gets through for sure on one side, cannot on the other.
    let sure = all(&[gets.lower.clone(), not.upper.not(), common.clone()]);
    let s = Solver::new();
    s.assert(&sure);
    let mut flows = Vec::new();
    loop {
        match s.check() {
            SatResult::Unsat => break,
            SatResult::Unknown => {
                return DirAnswer::Unknown {
                    causes: vec![(
                        "solver".into(),
                        format!(
                            "the solver gave up comparing the two networks ({family}): {}",
                            s.get_reason_unknown().unwrap_or_default()
                        ),
                    )],
                    flows: Vec::new(),
                };
            }
            SatResult::Sat => {}
        }
        if flows.len() >= spec.max_flows {
            return DirAnswer::Differs { flows, truncated: true };
        }
        let Some(model) = s.get_model() else {
            return DirAnswer::Unknown {
                causes: vec![(
                    "solver".into(),
                    "the solver found a difference but gave no packet".into(),
                )],
                flows: Vec::new(),
            };
        };
        let Some(packet) = decode(&model, &p, family) else {
            return DirAnswer::Unknown {
                causes: vec![(
                    "solver".into(),
                    "the solver's difference packet could not be read".into(),
                )],
                flows: Vec::new(),
            };
        };
        let Some(path) = gets
            .paths
            .iter()
            .find(|f| model.eval(&f.lower, true).and_then(|b| b.as_bool()) == Some(true))
        else {
            return DirAnswer::Unknown {
                causes: vec![(
                    "solver".into(),
                    format!("no candidate path delivers the difference packet {packet}"),
                )],
                flows: Vec::new(),
            };
        };
        let (protocol, dst_ports, block) = generalise(&sure, &p, &packet);
        flows.push(FlowDiff {
            packet,
            start: path.start.clone(),
            forward: path.forward.clone(),
            reply: path.reply.clone(),
            protocol,
            dst_ports,
        });
        s.assert(block.not());
    }
    // Nothing surely differs; "the same" needs the converse bounds too.
    if gets.relies.is_empty() && not.relies.is_empty() {
        return if flows.is_empty() {
            DirAnswer::Same
        } else {
            DirAnswer::Differs {
                flows,
                truncated: false,
            }
        };
    }
    let maybe = Solver::new();
    maybe.assert(all(&[gets.upper.clone(), not.lower.not(), common.clone()]));
    maybe.assert(same_fate(gets, not).not());
    for f in &flows {
        let (_, _, block) = generalise(&sure, &p, &f.packet);
        maybe.assert(block.not());
    }
    match maybe.check() {
        SatResult::Unsat if flows.is_empty() => DirAnswer::Same,
        SatResult::Unsat => DirAnswer::Differs {
            flows,
            truncated: false,
        },
        _ => {
            let mut causes: Vec<(String, String)> = gets.relies.clone();
            causes.extend(not.relies.iter().cloned());
            causes.sort();
            causes.dedup();
            // The flows found differ for sure (lower bound on one side, outside the upper bound
            // on the other): they stand, beside the packets left unsettled.
            DirAnswer::Unknown { causes, flows }
        }
    }
}

/// LL-1: a packet for one of the host's link-local services (the Amazon DNS server, instance
/// metadata, time sync) is answered by the host, outside every route and filter, as the input
/// cannot settle. A packet whose path ends there in both networks has the same fate in both,
/// whatever it is: no difference, known or unknown.
fn same_fate(gets: &Reach, not: &Reach) -> Bool {
    // The walk's LL-1 branch ends at the service's address, citing LL-1.
    let host_service = |p: &&PathFormula| {
        p.ends_at
            .as_ref()
            .is_some_and(|id| p.relies.iter().any(|(x, why)| x == id && why.contains("(LL-1)")))
    };
    let mut parts = Vec::new();
    for g in gets.paths.iter().filter(host_service) {
        for n in not.paths.iter().filter(host_service).filter(|p| p.ends_at == g.ends_at) {
            parts.push(all(&[g.upper.clone(), n.upper.clone()]));
        }
    }
    any(&parts)
}

/// The flow class of a witness: its protocol and, for TCP and UDP, the widest destination port
/// range around its port over which `diff` holds for the witness's addresses and source port
/// (found by doubling steps and checked by the solver: no packet of the range, with those
/// fields, falls outside `diff`). Protocols other than TCP, UDP, ICMP and ICMPv6 are one class
/// when the difference holds for every one of them. Also the formula that blocks the class.
fn generalise(diff: &Bool, p: &SymPacket, k: &Packet) -> (Option<u8>, Option<PortRange>, Bool) {
    // Every field but the one generalised keeps the witness's value (ICMP type and code too: the
    // question's space pins them for other protocols).
    let fixed_addrs = all(&[
        p.src.eq(ip_const(&k.src_ip)),
        p.dst.eq(ip_const(&k.dst_ip)),
        p.itype.eq(u8c(k.icmp_type)),
        p.icode.eq(u8c(k.icmp_code)),
    ]);
    let n = k.protocol;
    if proto::has_ports(n) {
        let fixed = all(&[fixed_addrs.clone(), p.proto.eq(u8c(n)), p.sport.eq(u16c(k.src_port))]);
        // Every port in [lo, hi] differs iff no port there is outside `diff`.
        let holds = |lo: u16, hi: u16| -> bool {
            let s = Solver::new();
            s.assert(&fixed);
            s.assert(p.dport.bvuge(u16c(lo)));
            s.assert(p.dport.bvule(u16c(hi)));
            s.assert(diff.not());
            s.check() == SatResult::Unsat
        };
        let d = k.dst_port;
        let hi = widen(d, |x| holds(d, x), true);
        let lo = widen(d, |x| holds(x, d), false);
        let range = PortRange::new(lo, hi).unwrap_or(PortRange::single(d));
        let block = all(&[
            p.proto.eq(u8c(n)),
            p.dport.bvuge(u16c(range.from())),
            p.dport.bvule(u16c(range.to())),
        ]);
        return (Some(n), Some(range), block);
    }
    if n != proto::ICMP && n != proto::ICMPV6 {
        let others = all(&[p.has_ports().not(), p.is_icmp().not()]);
        let s = Solver::new();
        s.assert(&fixed_addrs);
        s.assert(p.sport.eq(u16c(0)));
        s.assert(p.dport.eq(u16c(0)));
        s.assert(&others);
        s.assert(diff.not());
        if s.check() == SatResult::Unsat {
            return (None, None, others);
        }
    }
    (Some(n), None, p.proto.eq(u8c(n)))
}

/// The farthest port from `d` (upwards or downwards) for which `ok` holds of the whole stretch,
/// `ok(d)` being known true: galloping, then bisection.
fn widen(d: u16, ok: impl Fn(u16) -> bool, up: bool) -> u16 {
    let limit = if up { u16::MAX } else { 0 };
    let step_to = |from: u16, by: u32| -> u16 {
        if up {
            (u32::from(from) + by).min(u32::from(u16::MAX)) as u16
        } else {
            u32::from(from).saturating_sub(by) as u16
        }
    };
    if d == limit || !ok(step_to(d, 1)) {
        return d;
    }
    let mut good = step_to(d, 1);
    let mut step = 2u32;
    // Gallop until a failing stretch or the end.
    let bad = loop {
        let next = step_to(d, step);
        if ok(next) {
            good = next;
            if next == limit {
                return limit;
            }
            step *= 2;
        } else {
            break next;
        }
    };
    // Bisect between good (ok) and bad (not ok).
    let (mut g, mut b) = (u32::from(good), u32::from(bad));
    while g.abs_diff(b) > 1 {
        let mid = if up { g + (b - g) / 2 } else { b + (g - b) / 2 };
        if ok(mid as u16) {
            g = mid;
        } else {
            b = mid;
        }
    }
    g as u16
}
