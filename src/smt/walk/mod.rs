//! The symbolic walk: SEMANTICS.md §2–§5 over a symbolic packet, one candidate path at a time.
//!
//! The walk is a depth-first enumeration of candidate paths. At each point where the concrete
//! walk would decide by looking at the packet (which route wins, which subnet holds the
//! destination, whether a gateway's address condition holds) it branches, asserting the branch
//! condition in an incremental solver and pruning branches no packet of the query can take.
//! Gateway conditions are branches whose failing side is a drop. Filters (network ACLs and
//! security groups) are not branched on: each becomes a *check*, a tracked assertion
//! `label => allows`, so that a complete path is satisfiable under all its labels iff some
//! packet passes every filter, and otherwise the unsat core names the filters that block it.
//!
//! Header rewriting (internet gateway 1:1 translation, NAT gateway and NAT instance source
//! translation) is expressed as bit-vector terms over the packet the source sends; the reply is
//! built from the request as delivered, so the whole round trip has one set of variables.

use super::filter::{acl_allows, acl_entries, groups_allow, references_allow};
use super::route::{Candidate, UnknownRoutes, candidates, never_forwarded, selection, settled_over};
use super::sym::*;
use super::{Question, StartPoint};
use record::describe_check;
pub(crate) use record::{PathEnd, PathRecord};
pub(crate) use rewrite::nat_port;
use rewrite::{external_label, gate_kind, reverse_matches, untranslate};

use super::solver::Guarded;
use crate::model::addr::ranges;
use crate::model::endpoint::External;
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use z3::SatResult;
use z3::ast::{Ast, BV, Bool};

mod bpa;
mod elb;
mod external;
mod gateway;
mod host;
mod onprem;
mod record;
mod rewrite;
mod shadow;
mod subnet;
mod terminal;
mod tgw;
mod waypoint;

/// Request or reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leg {
    Request,
    Reply,
}

/// A gateway through which a leg left or entered the modelled network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Gate {
    Igw(InternetGatewayId, VpcId),
    Eigw(EgressOnlyInternetGatewayId, VpcId),
    Vgw(VpnGatewayId, VpcId),
    Vpce(VpcEndpointId, VpcId),
    /// A transit gateway's VPN or Direct Connect gateway attachment (ONP-5).
    TgwOnprem(TgwAttachmentId, TransitGatewayId),
}

impl Gate {
    fn id(&self) -> &str {
        match self {
            Gate::TgwOnprem(a, _) => a.as_str(),
            Gate::Igw(g, _) => g.as_str(),
            Gate::Eigw(g, _) => g.as_str(),
            Gate::Vgw(g, _) => g.as_str(),
            Gate::Vpce(g, _) => g.as_str(),
        }
    }
}

/// Who translated a packet on the request leg.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Translator {
    Nat(NatGatewayId),
    Iface(NetworkInterfaceId),
}

#[derive(Clone)]
struct Record {
    by: Translator,
    before: SymPacket,
    after: SymPacket,
}

/// What a check is about, to explain it when it blocks.
#[derive(Debug, Clone)]
pub(crate) enum CheckInfo {
    Acl {
        acl: NetworkAclId,
        subnet: SubnetId,
        dir: Direction,
        /// SG-13: inbound on the request leg after a NAT gateway's translation, whether the ACL
        /// admits the packet with the source it had before.
        reassigned: Option<Bool>,
        /// SG-14: inbound on the reply leg, whether the packet is addressed to a NAT gateway's
        /// remapped port and the ACL admits the port the client used.
        remapped: Option<Bool>,
    },
    Groups {
        iface: NetworkInterfaceId,
        groups: Vec<SecurityGroupId>,
        dir: Direction,
        /// SG-13: inbound after a NAT gateway's translation, that gateway and whether the groups
        /// admit the packet with the source it had before.
        reassigned: Option<(NatGatewayId, Bool)>,
        /// SG-15: inbound after a NAT instance's translation, that interface and whether a rule
        /// naming a security group admits the packet with the source it had before.
        unpreserved: Option<(NetworkInterfaceId, Bool)>,
    },
}

/// A tracked filter on a path.
#[derive(Clone)]
pub(crate) struct Check {
    pub label: Bool,
    pub allows: Bool,
    pub pkt: SymPacket,
    pub leg: Leg,
    pub info: CheckInfo,
}

/// Where the request was delivered.
#[derive(Debug, Clone)]
enum Arrival {
    Iface(NetworkInterfaceId),
    External(Gate),
    Through,
}

/// Who sends a packet in `emit`.
#[derive(Debug, Clone)]
enum Sender {
    Iface(NetworkInterfaceId),
    Nat(NatGatewayId),
}

/// A holder of destination addresses worth walking to.
#[derive(Debug, Clone)]
enum Holder {
    Iface(NetworkInterfaceId, Vec<IpAddr>),
    Nat(NatGatewayId, IpAddr),
}

impl Holder {
    fn addrs(&self) -> Vec<IpAddr> {
        match self {
            Holder::Iface(_, a) => a.clone(),
            Holder::Nat(_, a) => vec![*a],
        }
    }
}

#[derive(Clone)]
struct State {
    leg: Leg,
    pkt: SymPacket,
    lookups: u32,
    records: Vec<Record>,
    entry: Option<Gate>,
    start: StartPoint,
    dest_iface: Option<NetworkInterfaceId>,
    routing: Vec<Bool>,
    /// The branch conditions alone (`routing` also holds the filters when a proof is kept).
    branches: Vec<Bool>,
    checks: Vec<Check>,
    hops: Vec<String>,
    reply_from: Option<usize>,
    /// Filters the input does not settle that this path assumes admit the packet (BOUND-1).
    assumed: Vec<Assumption>,
    /// A load balancer's own connection is being walked; the client's request waits (ELB-4).
    lb: Option<Box<elb::LbStage>>,
}

/// A filter the input does not settle, assumed to admit the packets of a path (BOUND-1): the
/// packets that get past it only by that assumption are those satisfying `relied`.
#[derive(Clone)]
struct Assumption {
    id: String,
    reason: String,
    relied: Bool,
}

/// A path on which some packet gets through.
pub(crate) struct Found {
    pub packet: Packet,
    pub start: StartPoint,
    pub forward: Vec<String>,
    pub reply: Vec<String>,
}

/// What one walk concluded.
#[derive(Default)]
pub(crate) struct Results {
    pub found: Option<Found>,
    pub blocked: BTreeSet<Blocked>,
    pub unknown: BTreeSet<(String, String)>,
    pub proof_paths: Vec<Bool>,
    pub paths: usize,
    /// A packet each blocking entry drops, as its source sends it, where one was found.
    pub evidence: BTreeMap<Blocked, (StartPoint, Packet)>,
    /// The candidate path on which the budget ran out (SOLVE-3).
    pub spent_at: Option<usize>,
    /// For an unknown cause (by id), a packet whose fate depends on it, as its source sends it.
    pub examples: BTreeMap<String, (StartPoint, Packet)>,
    /// Constructs the input does not settle that lay on some candidate path but decide nothing
    /// there (BOUND-2), with why.
    pub bounded: BTreeSet<(String, String)>,
    /// In recording mode (the drop map): every candidate path, as it ended.
    pub records: Vec<PathRecord>,
    /// With `want_proof`: the branches no packet of the question takes (each its path's
    /// conditions and the branch condition), so that a proof covers them too.
    pub pruned: Vec<Bool>,
    /// With `want_proof`: each filter on the way, as a named constant, what it admits, and what
    /// it is.
    pub proof_checks: Vec<(Bool, Bool, String)>,
    /// In collecting mode ([`Walk::collect`]): every candidate path that can deliver, as
    /// formulas over the packet the source sends.
    pub collected: Vec<PathFormula>,
}

/// A candidate path as formulas (collecting mode, for `smt::diff`): the packets that get
/// through it are those satisfying `lower`; those that might (relying on a filter the input does
/// not settle, or reaching a construct that is not modelled, BOUND-1) satisfy `upper`. Without
/// such a filter or construct the two are the same formula.
pub(crate) struct PathFormula {
    pub start: StartPoint,
    pub forward: Vec<String>,
    pub reply: Vec<String>,
    pub lower: Bool,
    pub upper: Bool,
    /// `(id, why)` of what the path relies on; empty when `lower` is `upper`.
    pub relies: Vec<(String, String)>,
    /// The construct that is not modelled where the path ends, if it does (its id).
    pub ends_at: Option<String>,
}

/// The walk for one address family.
pub(crate) struct Walk<'a> {
    pub net: &'a Network,
    pub ix: &'a NetworkIndex,
    pub q: &'a Question<'a>,
    pub family: IpFamily,
    pub solver: Guarded,
    pub pkt0: SymPacket,
    pub space: Bool,
    pub results: Results,
    dest_ifaces: BTreeSet<NetworkInterfaceId>,
    /// A model of every assertion currently on the solver's stack, when one is known: a branch
    /// condition it satisfies is feasible without a solver call.
    // INVARIANT (model): `model`, if set, satisfies all assertions on the solver's stack.
    model: Option<z3::Model>,
    /// Recording mode (the drop map): every candidate path is recorded in `results.records`
    /// as it ends, without analysing it, and the walk does not stop at a witness.
    pub record: bool,
    /// Collecting mode: every path is walked (no stop at the first witness), each delivering one
    /// is kept as formulas in [`Results::collected`], drops are not explained.
    pub(crate) collect: bool,
}

const MAX_LOOKUPS: u32 = 16;

impl State {
    /// Records that this path assumes `id` admits the packets satisfying `relied` (BOUND-1).
    fn assume(&mut self, id: &str, reason: String, relied: Bool) {
        self.assumed.push(Assumption {
            id: id.to_owned(),
            reason,
            relied,
        });
    }
}

impl<'a> Walk<'a> {
    pub(crate) fn new(net: &'a Network, ix: &'a NetworkIndex, q: &'a Question<'a>, family: IpFamily) -> Self {
        let pkt0 = SymPacket::variables(family);
        let dest_ifaces = q.to.interfaces.iter().cloned().collect();
        let mut w = Walk {
            net,
            ix,
            q,
            family,
            solver: Guarded::new(q.budget, q.faults.clone()),
            pkt0,
            space: Bool::from_bool(true),
            results: Results::default(),
            dest_ifaces,
            model: None,
            record: false,
            collect: false,
        };
        w.space = w.packet_space();
        w
    }

    // ---------------------------------------------------------------- the question's packets

    fn fam_addrs(&self, eni: &NetworkInterface) -> Vec<IpAddr> {
        eni.private_addresses()
            .filter(|a| IpFamily::of(a) == self.family)
            .collect()
    }

    /// Addresses a destination interface answers on: private, public and IPv6 of the family.
    /// An internet host can only address public IPv4 and (global) IPv6 addresses.
    fn dest_addrs(&self, eni: &NetworkInterface) -> Vec<IpAddr> {
        let from_internet = matches!(self.q.from.external, Some(External::Internet { .. }));
        let mut v = match self.family {
            IpFamily::V4 if from_internet => Vec::new(),
            _ => self.fam_addrs(eni),
        };
        if self.family == IpFamily::V4 {
            v.extend(eni.public_addresses().map(IpAddr::V4));
        }
        v
    }

    /// Public internet addresses (SEMANTICS.md §4).
    fn internet_set(&self, x: &BV) -> Bool {
        let vpc_blocks: Vec<Cidr> = self.net.vpcs.values().flat_map(|v| v.cidrs().copied()).collect();
        match self.family {
            // The estate's public addresses: left to the solver when it defers their exclusion
            // (SOLVE-11).
            IpFamily::V4 if self.solver.defers(x) => all(&[
                in_any_cidr(x, ranges::non_public_v4().iter()).not(),
                in_any_cidr(x, vpc_blocks.iter()).not(),
            ]),
            IpFamily::V4 => all(&[
                in_any_cidr(x, ranges::non_public_v4().iter()).not(),
                in_any_cidr(x, vpc_blocks.iter()).not(),
                in_addrs(x, self.publics().iter()).not(),
            ]),
            IpFamily::V6 => all(&[
                in_cidr(x, &ranges::public_v6()),
                in_any_cidr(x, ranges::non_public_v6().iter()).not(),
                in_any_cidr(x, vpc_blocks.iter()).not(),
            ]),
        }
    }

    /// SOLVE-11: an internet host of the question is none of the estate's public addresses (§4);
    /// in a walk whose formulas are not kept (no proof, no drop map, no collection) that exclusion
    /// is handed to the solver, which asserts it only if a model needs it.
    fn defer_internet_exclusions(&mut self) {
        if self.family != IpFamily::V4 || self.q.want_proof || self.record || self.collect {
            return;
        }
        let internet = |e: &Option<External>| matches!(e, Some(External::Internet { .. }));
        let (src, dst) = (self.pkt0.src.clone(), self.pkt0.dst.clone());
        if internet(&self.q.from.external) {
            self.solver.defer_exclusion(&src, self.publics());
        }
        if internet(&self.q.to.external) {
            self.solver.defer_exclusion(&dst, self.publics());
            self.space = self.packet_space();
        }
    }

    /// Every public IPv4 address mapped in the network.
    pub(super) fn publics(&self) -> Vec<IpAddr> {
        self.ix.public_addresses().map(|a| IpAddr::V4(*a)).collect()
    }

    fn onprem_set(&self, x: &BV, vgw: &VpnGatewayId) -> Bool {
        let declared: Vec<Cidr> = self
            .net
            .vpn_gateways
            .get(vgw)
            .map(|g| {
                self.net
                    .onprem
                    .known_prefixes(g.id.as_str(), &g.onprem_cidrs)
                    .into_iter()
                    .map(|k| k.cidr)
                    .collect()
            })
            .unwrap_or_default();
        if declared.iter().any(|c| c.family() == self.family) {
            in_any_cidr(x, declared.iter())
        } else {
            let vpc_blocks: Vec<Cidr> = self.net.vpcs.values().flat_map(|v| v.cidrs().copied()).collect();
            in_any_cidr(x, vpc_blocks.iter()).not()
        }
    }

    fn external_set(&self, x: &BV, e: &External) -> Bool {
        match e {
            External::Internet { .. } => self.internet_set(x),
            External::Block(c) => in_cidr(x, c),
            External::Service { prefix_list, .. } => match self.net.prefix_lists.get(prefix_list) {
                Some(pl) => in_any_cidr(x, pl.entries.iter()),
                None => Bool::from_bool(false),
            },
            External::OnPremises(g) => self.onprem_set(x, g),
            External::OnPremNetwork { blocks, .. } => in_any_cidr(x, blocks.iter()),
        }
    }

    /// The packets the question is about, as sent by the source (without the source address:
    /// each start adds its own, the interface's addresses or the external hosts' set).
    fn packet_space(&self) -> Bool {
        let p = &self.pkt0;
        let mut parts = Vec::new();
        // Destination side.
        let to = &self.q.to;
        if to.through.is_none() {
            let mut alts = Vec::new();
            let addrs: Vec<IpAddr> = to
                .interfaces
                .iter()
                .filter_map(|i| self.net.network_interfaces.get(i))
                .flat_map(|e| self.dest_addrs(e))
                .filter(|a| to.address_filter.is_none_or(|f| f.contains(a)))
                .collect();
            alts.push(in_addrs(&p.dst, addrs.iter()));
            if let Some(e) = &to.external {
                alts.push(self.external_set(&p.dst, e));
                if matches!(e, External::Service { .. }) && !to.also.is_empty() {
                    alts.push(in_any_cidr(&p.dst, to.also.iter()));
                }
            }
            parts.push(any(&alts));
        } else if let Some(f) = &to.address_filter {
            // An address of a forwarding component (a NAT gateway's Elastic IP): that address.
            parts.push(in_cidr(&p.dst, f));
        }
        // Protocol and ports.
        let family_ok = match self.family {
            IpFamily::V4 => p.proto.eq(u8c(proto::ICMPV6)).not(),
            IpFamily::V6 => p.proto.eq(u8c(proto::ICMP)).not(),
        };
        parts.push(family_ok);
        if let Some(n) = self.q.protocol {
            parts.push(p.proto.eq(u8c(n)));
        }
        let dports = self.q.dst_ports.unwrap_or(PortRange::ALL);
        let sports = self.q.src_ports.unwrap_or(PortRange::EPHEMERAL);
        parts.push(p.has_ports().ite(
            &all(&[
                p.dport.bvuge(u16c(dports.from())),
                p.dport.bvule(u16c(dports.to())),
                p.sport.bvuge(u16c(sports.from())),
                p.sport.bvule(u16c(sports.to())),
            ]),
            &all(&[p.sport.eq(u16c(0)), p.dport.eq(u16c(0))]),
        ));
        let echo = match self.family {
            IpFamily::V4 => 8,
            IpFamily::V6 => 128,
        };
        let icmp_fields = if self.one_way() {
            Bool::from_bool(true)
        } else {
            all(&[p.itype.eq(u8c(echo)), p.icode.eq(u8c(0))])
        };
        parts.push(
            p.is_icmp()
                .ite(&icmp_fields, &all(&[p.itype.eq(u8c(0)), p.icode.eq(u8c(0))])),
        );
        all(&parts)
    }

    fn one_way(&self) -> bool {
        self.q.one_way || self.q.to.through.is_some()
    }

    // ---------------------------------------------------------------- solver plumbing

    /// Explores `f` on the branch where `cond` holds, if some packet of the question can take it.
    fn branch(&mut self, st: &State, cond: Bool, f: impl FnOnce(&mut Self, State)) {
        if self.stopped() {
            return;
        }
        let simple = cond.simplify();
        if simple.as_bool() == Some(false) {
            return;
        }
        let known = simple.as_bool() == Some(true) || self.shown_by_model(&simple);
        self.solver.push();
        self.solver.assert(&simple);
        let feasible = known
            || match self.check_branch() {
                SatResult::Unsat => false,
                SatResult::Sat => true,
                // Undecided even on a fresh solver (SOLVE-2): not explored, since exploring every
                // branch no check could prune grows exponentially; the branch is unknown. When
                // the budget is spent the walk stops (SOLVE-3).
                SatResult::Unknown => {
                    if !self.solver.spent {
                        let n = self.results.paths + 1;
                        let why = self.solver.reason_unknown();
                        self.results.unknown.insert((
                            "solver".into(),
                            format!("the solver gave up deciding which packets take a branch before candidate path {n}, also on a fresh solver: {why}"),
                        ));
                    }
                    false
                }
            };
        if feasible {
            let mut next = st.clone();
            if simple.as_bool() != Some(true) {
                next.routing.push(simple.clone());
                next.branches.push(simple);
            }
            f(self, next);
        } else {
            self.record_pruned(st, simple);
        }
        self.solver.pop(1);
    }

    /// True when the model kept from the last satisfiable check satisfies `cond`: some packet of
    /// the question is then known to take the branch, without a check.
    fn shown_by_model(&self, cond: &Bool) -> bool {
        self.model
            .as_ref()
            .and_then(|m| m.eval(cond, true))
            .and_then(|b| b.as_bool())
            == Some(true)
    }

    /// Checks the branch condition just asserted: a satisfiable check's model is kept (it shows
    /// later branches feasible without a check); an undecided one's is forgotten.
    fn check_branch(&mut self) -> SatResult {
        let r = self.solver.check();
        match r {
            SatResult::Sat => self.model = self.solver.get_model(),
            SatResult::Unknown => self.model = None,
            SatResult::Unsat => {}
        }
        r
    }

    /// A branch the solver refuted: with a proof asked for, the proof asserts that no packet
    /// takes it, so that a second solver re-checks the pruning too.
    fn record_pruned(&mut self, st: &State, cond: Bool) {
        if self.q.want_proof {
            let mut parts = st.branches.clone();
            parts.push(cond);
            self.results.pruned.push(all(&parts));
        }
    }

    /// Whether the solver proves that no packet of the question on this branch satisfies `cond`
    /// (a group of branches is then skipped with one check instead of one check each); `false`
    /// when some packet does or the solver cannot tell (the branches are then asked one by one,
    /// and report what they cannot decide). Recorded for the proof as a pruned branch is.
    fn refuted(&mut self, st: &State, cond: &Bool) -> bool {
        if self.stopped() {
            return false;
        }
        let simple = cond.simplify();
        let refuted = match simple.as_bool() {
            Some(b) => !b,
            None if self.shown_by_model(&simple) => false,
            None => {
                self.solver.push();
                self.solver.assert(&simple);
                let refuted = self.check_branch() == SatResult::Unsat;
                self.solver.pop(1);
                refuted
            }
        };
        if refuted {
            self.record_pruned(st, simple);
        }
        refuted
    }

    /// Adds a tracked filter to the path.
    fn add_check(&mut self, st: &mut State, allows: Bool, info: CheckInfo) {
        let label = Bool::fresh_const("check");
        let implication = label.implies(&allows);
        if self
            .model
            .as_ref()
            .and_then(|m| m.eval(&implication, true))
            .and_then(|b| b.as_bool())
            != Some(true)
        {
            self.model = None;
        }
        self.solver.assert(&implication);
        if self.collect {
            // Collecting mode (`smt::diff`): the path's formula must stand alone, outside this
            // walk's solver, so the filter goes in as what it admits.
            st.routing.push(allows.clone());
        } else if self.q.want_proof {
            // The proof names each filter, defined by its own assertion (`filter_…`), so that a
            // reader (or a test) can see which filter blocks which path, and drop one to see
            // packets get through.
            let fam = match self.family {
                IpFamily::V4 => "v4",
                IpFamily::V6 => "v6",
            };
            let named = Bool::new_const(format!("filter_{fam}_{}", self.results.proof_checks.len() + 1));
            self.results
                .proof_checks
                .push((named.clone(), allows.clone(), describe_check(&info, st.leg)));
            st.routing.push(named);
        }
        st.checks.push(Check {
            label,
            allows,
            pkt: st.pkt.clone(),
            leg: st.leg,
            info,
        });
    }

    /// The security groups of `iface` in `dir` as a tracked check (SG-4). A rule naming a prefix
    /// list with unknown entries is assumed to admit what its other fields match (BOUND-1): the
    /// path goes on, and the packets only such a rule admits are recorded as relying on it.
    ///
    /// An interface without groups (§7, SG-1, SG-1a, SG-1b): a Network Load Balancer's filters
    /// nothing and the state goes on unchecked; a plain customer interface's allows nothing; any
    /// other (requester-managed, or of another type) is assumed to admit every packet (BOUND-1).
    fn groups_check(&mut self, mut st: State, eni: &NetworkInterface, dir: Direction) -> Option<State> {
        let iface = &eni.id;
        let groups = eni.groups.as_slice();
        if groups.is_empty() {
            match eni.interface_type.as_str() {
                "network_load_balancer" => return Some(st),
                "interface" if !eni.requester_managed => {}
                other => {
                    let managed = if eni.requester_managed {
                        " requester-managed"
                    } else {
                        ""
                    };
                    st.assume(
                        iface.as_str(),
                        format!(
                            "`{iface}` is a{managed} network interface of type `{other}` with no security group; AWS documents no filtering for it that the input settles (SG-1b)"
                        ),
                        Bool::from_bool(true),
                    );
                    return Some(st);
                }
            }
        }
        let mut g = groups_allow(self.net, self.ix, groups, dir, &st.pkt);
        let known = g.allows.clone();
        for (pl, maybe) in std::mem::take(&mut g.unknown) {
            // Only where some packet of the path could rely on the rule (BOUND-1).
            let relied = all(&[known.not(), maybe.clone()]);
            let labels = Self::labels(&st);
            self.solver.push();
            self.solver.assert(&relied);
            let possible = self.solver.check_assumptions(&labels) != SatResult::Unsat;
            // Packets of the question the rule would concern, all dropped before they get here.
            let concerned = !possible && self.solver.check() != SatResult::Unsat;
            self.solver.pop(1);
            let reason = format!(
                "a security group rule of `{iface}` references prefix list `{pl}`, whose entries are not in the input"
            );
            if concerned {
                self.results.bounded.insert((
                    pl.to_string(),
                    format!("{reason}; the packets that rule concerns are dropped before they get there"),
                ));
            }
            if !possible {
                continue;
            }
            st.assume(pl.as_str(), reason, relied);
            g.allows = any(&[g.allows, maybe]);
        }
        let reassigned = if dir == Direction::Inbound && st.leg == Leg::Request {
            st.records.iter().find_map(|r| match &r.by {
                Translator::Nat(n) => {
                    let mut before = st.pkt.clone();
                    before.src = r.before.src.clone();
                    Some((n.clone(), groups_allow(self.net, self.ix, groups, dir, &before).allows))
                }
                Translator::Iface(_) => None,
            })
        } else {
            None
        };
        let unpreserved = if dir == Direction::Inbound && st.leg == Leg::Request {
            st.records.iter().find_map(|r| match &r.by {
                Translator::Iface(y) => {
                    let mut before = st.pkt.clone();
                    before.src = r.before.src.clone();
                    Some((y.clone(), references_allow(self.net, self.ix, groups, dir, &before)))
                }
                Translator::Nat(_) => None,
            })
        } else {
            None
        };
        let info = CheckInfo::Groups {
            iface: iface.clone(),
            groups: groups.to_vec(),
            dir,
            reassigned,
            unpreserved,
        };
        self.add_check(&mut st, g.allows, info);
        Some(st)
    }

    fn labels(st: &State) -> Vec<Bool> {
        st.checks.iter().map(|c| c.label.clone()).collect()
    }

    // ---------------------------------------------------------------- relevance

    /// Interfaces and NAT gateways that can receive on this leg: the destination's interfaces on
    /// the request leg; the source and every translator of the request on the reply leg.
    fn receivers(&self, st: &State) -> Vec<Holder> {
        if let Some(h) = self.lb_holders(st, true) {
            return h;
        }
        let mut out = Vec::new();
        match st.leg {
            Leg::Request => {
                for id in &self.dest_ifaces {
                    if let Some(e) = self.net.network_interfaces.get(id) {
                        out.push(Holder::Iface(id.clone(), self.fam_addrs(e)));
                    }
                }
            }
            Leg::Reply => {
                if let StartPoint::Interface(x) = &st.start
                    && let Some(e) = self.net.network_interfaces.get(x)
                {
                    out.push(Holder::Iface(x.clone(), self.fam_addrs(e)));
                }
                out.extend(self.translators(st));
            }
        }
        out
    }

    /// Interfaces and NAT gateways that can be the source of a packet on this leg.
    fn senders(&self, st: &State) -> Vec<Holder> {
        if let Some(h) = self.lb_holders(st, false) {
            return h;
        }
        let mut out = Vec::new();
        let own = match st.leg {
            Leg::Request => match &st.start {
                StartPoint::Interface(x) => Some(x.clone()),
                _ => None,
            },
            Leg::Reply => st.dest_iface.clone(),
        };
        if let Some(x) = own
            && let Some(e) = self.net.network_interfaces.get(&x)
        {
            out.push(Holder::Iface(x, self.fam_addrs(e)));
        }
        out.extend(self.translators(st));
        out
    }

    fn translators(&self, st: &State) -> Vec<Holder> {
        let mut out = Vec::new();
        for r in &st.records {
            match &r.by {
                Translator::Nat(n) => {
                    if let Some(a) = self.net.nat_gateways.get(n).and_then(|g| g.primary_address()) {
                        out.push(Holder::Nat(n.clone(), IpAddr::V4(a.private_ip)));
                    }
                }
                Translator::Iface(y) => {
                    if let Some(e) = self.net.network_interfaces.get(y) {
                        out.push(Holder::Iface(y.clone(), self.fam_addrs(e)));
                    }
                }
            }
        }
        out
    }

    fn holder_subnet(&self, h: &Holder) -> Option<SubnetId> {
        match h {
            Holder::Iface(id, _) => self.net.network_interfaces.get(id).map(|e| e.subnet.clone()),
            Holder::Nat(id, _) => self.net.nat_gateways.get(id).map(|n| n.subnet.clone()),
        }
    }

    fn holder_vpc(&self, h: &Holder) -> Option<VpcId> {
        self.holder_subnet(h)
            .and_then(|s| self.net.subnets.get(&s).map(|x| x.vpc.clone()))
    }

    /// Private-to-public mappings of holders in a VPC (IGW-2).
    fn public_pairs(&self, holders: &[Holder], vpc: &VpcId) -> Vec<(IpAddr, IpAddr)> {
        let mut pairs = Vec::new();
        for h in holders {
            if self.holder_vpc(h).as_ref() != Some(vpc) {
                continue;
            }
            match h {
                Holder::Iface(id, _) => {
                    if let Some(e) = self.net.network_interfaces.get(id) {
                        for p in &e.private_ipv4 {
                            if let Some(pb) = &p.public_ip {
                                pairs.push((IpAddr::V4(p.address), IpAddr::V4(pb.address)));
                            }
                        }
                    }
                }
                Holder::Nat(id, _) => {
                    if let Some(n) = self.net.nat_gateways.get(id) {
                        for a in &n.addresses {
                            if let Some(pb) = a.public_ip {
                                pairs.push((IpAddr::V4(a.private_ip), IpAddr::V4(pb)));
                            }
                        }
                    }
                }
            }
        }
        pairs.sort();
        pairs.dedup();
        pairs
    }

    fn unsupported(&self, id: &str) -> Option<String> {
        self.net
            .unsupported
            .iter()
            .find(|u| u.component == id)
            .map(|u| u.reason.clone())
    }

    fn gateway_route_table(&self, gateway: &str) -> Option<RouteTableId> {
        self.ix.edge_route_tables(gateway).first().map(|(_, rt)| rt.clone())
    }

    // ---------------------------------------------------------------- starts

    /// Walks every candidate path of the question.
    pub(crate) fn run(&mut self) {
        self.defer_internet_exclusions();
        self.explain_unaddressable();
        // Z3 4.8's first push on a solver that holds no assertion costs milliseconds (it sets up
        // its non-incremental solver first); one trivial assertion avoids that.
        self.solver.assert(&Bool::from_bool(true));
        self.solver.push();
        let space = self.space.clone();
        self.solver.assert(&space);
        if self.solver.check() == SatResult::Unsat {
            self.solver.pop(1);
            return;
        }
        self.model = self.solver.get_model();
        let blank = State {
            leg: Leg::Request,
            pkt: self.pkt0.clone(),
            lookups: 0,
            records: Vec::new(),
            entry: None,
            start: StartPoint::Interface(NetworkInterfaceId::new("")),
            dest_iface: None,
            routing: Vec::new(),
            branches: Vec::new(),
            checks: Vec::new(),
            hops: Vec::new(),
            reply_from: None,
            assumed: Vec::new(),
            lb: None,
        };
        let sources: Vec<NetworkInterfaceId> = self.q.from.interfaces.clone();
        for x in sources {
            let Some(eni) = self.net.network_interfaces.get(&x) else {
                continue;
            };
            let mut addrs = self.fam_addrs(eni);
            if let Some(f) = &self.q.from.address_filter {
                let translated: Vec<IpAddr> = eni
                    .private_ipv4
                    .iter()
                    .filter(|p| {
                        p.public_ip
                            .as_ref()
                            .is_some_and(|pb| f.contains(&IpAddr::V4(pb.address)))
                    })
                    .map(|p| IpAddr::V4(p.address))
                    .collect();
                addrs.retain(|a| f.contains(a) || translated.contains(a));
            }
            if addrs.is_empty() {
                continue;
            }
            let mut st = blank.clone();
            st.start = StartPoint::Interface(x.clone());
            let cond = in_addrs(&self.pkt0.src, addrs.iter());
            // LL-1: a packet for one of the host's link-local services is not modelled. It never
            // reaches a forwarding component (`--to nat-…`): no candidate path there.
            let services = self.host_services(&eni.vpc);
            for (a, service) in services.iter().filter(|_| self.q.to.through.is_none()) {
                let id = a.to_string();
                let reason = format!(
                    "{a} is {service}, answered for `{x}` by its host, not through the VPC's routes, and not filtered by security groups or network ACLs (NACL-13); whether it answers depends on settings the input lacks, so it is not modelled (LL-1)"
                );
                let c = all(&[cond.clone(), in_addrs(&self.pkt0.dst, [a])]);
                self.branch(&st, c, |w, st| w.unknown(st, &id, &reason));
            }
            let routed = in_addrs(&self.pkt0.dst, services.iter().map(|(a, _)| a)).not();
            self.branch(&st, all(&[cond, routed]), |w, st| w.emit(st, Sender::Iface(x)));
        }
        if let Some(ext) = self.q.from.external.clone() {
            self.start_external(&blank, &ext);
        }
        self.solver.pop(1);
        self.model = None;
    }

    /// Destinations no internet host can address (no public IPv4 / no IPv6): say so, since the
    /// question's packet space is then empty for that family.
    fn explain_unaddressable(&mut self) {
        let Some(ext) = self.q.from.external.clone() else {
            return;
        };
        if matches!(ext, External::Internet { .. }) {
            let dests: Vec<NetworkInterfaceId> = self.dest_ifaces.iter().cloned().collect();
            for y in dests {
                let Some(eni) = self.net.network_interfaces.get(&y) else {
                    continue;
                };
                let unaddressable = match self.family {
                    IpFamily::V4 => eni.public_addresses().next().is_none(),
                    IpFamily::V6 => eni.ipv6.is_empty(),
                };
                if unaddressable && let Some(b) = self.internal_lb(eni) {
                    self.results.blocked.insert(b);
                } else if unaddressable {
                    let (rule, what) = match self.family {
                        IpFamily::V4 => ("IGW-2", "no public IPv4 address or Elastic IP"),
                        IpFamily::V6 => ("V6-2", "no IPv6 address"),
                    };
                    self.results.blocked.insert(Blocked::new(
                        &y,
                        ComponentKind::NetworkInterface,
                        Some(Direction::Inbound),
                        rule,
                        format!("`{y}` has {what}, so no internet host can address it"),
                        "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
                    ));
                }
            }
        }
    }

    fn delivered_request(&mut self, mut st: State, at: Arrival) {
        if self.one_way() {
            return self.complete(st);
        }
        let p = st.pkt.clone();
        let itype = p
            .proto
            .eq(u8c(proto::ICMP))
            .ite(&u8c(0), &p.proto.eq(u8c(proto::ICMPV6)).ite(&u8c(129), &p.itype));
        st.pkt = SymPacket {
            proto: p.proto.clone(),
            src: p.dst.clone(),
            dst: p.src.clone(),
            sport: p.dport.clone(),
            dport: p.sport.clone(),
            itype,
            icode: p.icode.clone(),
        };
        st.leg = Leg::Reply;
        st.lookups = 0;
        st.reply_from = Some(st.hops.len());
        match at {
            Arrival::Iface(y) => self.emit(st, Sender::Iface(y)),
            Arrival::External(gate) => {
                st.hops.push(external_label(&gate));
                match gate {
                    Gate::Igw(g, v) => self.internet_in(st, &v, &g),
                    Gate::Eigw(g, v) => self.eigw_in(st, &v, &g),
                    Gate::Vgw(g, v) => {
                        st.hops.push(g.to_string());
                        self.enter_vpc(st, &v, None)
                    }
                    Gate::Vpce(e, v) => {
                        st.hops.push(e.to_string());
                        self.enter_vpc(st, &v, None)
                    }
                    Gate::TgwOnprem(a, _) => self.tgw_onprem_in(st, &a),
                }
            }
            Arrival::Through => self.complete(st),
        }
    }

    fn delivered_reply(&mut self, st: State) {
        // The reply must arrive as the exact reverse of what the source sent (§1).
        let p0 = &self.pkt0;
        let p = &st.pkt;
        let exact = all(&[
            p.src.eq(&p0.dst),
            p.dst.eq(&p0.src),
            p0.has_ports()
                .implies(all(&[p.sport.eq(&p0.dport), p.dport.eq(&p0.sport)])),
        ]);
        let who = match &st.start {
            StartPoint::Interface(x) => x.to_string(),
            StartPoint::Internet(g) => g.to_string(),
            StartPoint::OnPremises(g) => g.to_string(),
            StartPoint::OnPremisesVia(a) => a.to_string(),
        };
        let b = Blocked::new(
            who.clone(),
            ComponentKind::NetworkInterface,
            Some(Direction::Inbound),
            "J2",
            format!(
                "the reply reaches `{who}` with other addresses or ports than the request it answers (a translation on the way was not undone)"
            ),
            "NO_PATH",
        );
        self.branch(&st, exact.not(), |w, st| w.dropped(st, b));
        self.branch(&st, exact, |w, st| w.complete(st));
    }
}
