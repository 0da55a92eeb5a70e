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

use super::filter::{acl_allows, acl_entries, groups_allow};
use super::route::{Candidate, candidates, never_forwarded, selection};
use super::sym::*;
use super::{Question, StartPoint};

use crate::model::addr::ranges;
use crate::model::endpoint::External;
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use z3::ast::{Ast, BV, Bool};
use z3::{SatResult, Solver};

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
}

impl Gate {
    fn id(&self) -> &str {
        match self {
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
    },
    Groups {
        iface: NetworkInterfaceId,
        groups: Vec<SecurityGroupId>,
        dir: Direction,
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
    checks: Vec<Check>,
    hops: Vec<String>,
    reply_from: Option<usize>,
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
}

/// The walk for one address family.
pub(crate) struct Walk<'a> {
    pub net: &'a Network,
    pub ix: &'a NetworkIndex,
    pub q: &'a Question<'a>,
    pub family: IpFamily,
    pub solver: Solver,
    pub pkt0: SymPacket,
    pub space: Bool,
    pub results: Results,
    dest_ifaces: BTreeSet<NetworkInterfaceId>,
    /// A model of every assertion currently on the solver's stack, when one is known: a branch
    /// condition it satisfies is feasible without a solver call.
    // INVARIANT (model): `model`, if set, satisfies all assertions on the solver's stack.
    model: Option<z3::Model>,
    /// The public IPv4 addresses and Elastic IPs mapped in each VPC (IGW-2), in address order:
    /// computed once per walk (the walk asks for them at every internet crossing).
    publics_by_vpc: BTreeMap<VpcId, Vec<IpAddr>>,
}

const MAX_LOOKUPS: u32 = 16;

impl<'a> Walk<'a> {
    pub(crate) fn new(net: &'a Network, ix: &'a NetworkIndex, q: &'a Question<'a>, family: IpFamily) -> Self {
        let pkt0 = SymPacket::variables(family);
        let dest_ifaces = q.to.interfaces.iter().cloned().collect();
        let mut w = Walk {
            net,
            ix,
            q,
            family,
            solver: Solver::new(),
            pkt0,
            space: Bool::from_bool(true),
            results: Results::default(),
            dest_ifaces,
            model: None,
            publics_by_vpc: BTreeMap::new(),
        };
        for a in ix.public_addresses() {
            let owner_vpc = match ix.public_owner(a).map(|(o, _)| o) {
                Some(AddressOwner::Interface(e)) => net.network_interfaces.get(e).map(|e| &e.vpc),
                Some(AddressOwner::NatGateway(n)) => net.nat_gateways.get(n).map(|n| &n.vpc),
                None => None,
            };
            if let Some(vpc) = owner_vpc {
                w.publics_by_vpc.entry(vpc.clone()).or_default().push(IpAddr::V4(*a));
            }
        }
        if let Some(ms) = q.timeout_ms {
            // A per-check timeout on the solver (a timeout in a `Config` would need a second Z3
            // context, which costs as much as the whole question on a small network).
            let mut params = z3::Params::new();
            params.set_u32("timeout", ms);
            w.solver.set_params(&params);
        }
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
            IpFamily::V4 => {
                let publics: Vec<IpAddr> = self.ix.public_addresses().map(|a| IpAddr::V4(*a)).collect();
                all(&[
                    in_any_cidr(x, ranges::non_public_v4().iter()).not(),
                    in_any_cidr(x, vpc_blocks.iter()).not(),
                    in_addrs(x, publics.iter()).not(),
                ])
            }
            IpFamily::V6 => all(&[
                in_cidr(x, &ranges::public_v6()),
                in_any_cidr(x, ranges::non_public_v6().iter()).not(),
                in_any_cidr(x, vpc_blocks.iter()).not(),
            ]),
        }
    }

    fn onprem_set(&self, x: &BV, vgw: &VpnGatewayId) -> Bool {
        let declared: Vec<Cidr> = self
            .net
            .vpn_gateways
            .get(vgw)
            .map(|g| g.onprem_cidrs.clone())
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
        if self.results.found.is_some() {
            return;
        }
        let simple = cond.simplify();
        if simple.as_bool() == Some(false) {
            return;
        }
        let known = simple.as_bool() == Some(true)
            || self
                .model
                .as_ref()
                .and_then(|m| m.eval(&simple, true))
                .and_then(|b| b.as_bool())
                == Some(true);
        self.solver.push();
        self.solver.assert(&simple);
        let feasible = known
            || match self.solver.check() {
                SatResult::Unsat => false,
                SatResult::Sat => {
                    self.model = self.solver.get_model();
                    true
                }
                SatResult::Unknown => {
                    self.model = None;
                    true
                }
            };
        if feasible {
            let mut next = st.clone();
            if simple.as_bool() != Some(true) {
                next.routing.push(simple);
            }
            f(self, next);
        }
        self.solver.pop(1);
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
        self.solver.assert(implication);
        if self.q.want_proof {
            st.routing.push(allows.clone());
        }
        st.checks.push(Check {
            label,
            allows,
            pkt: st.pkt.clone(),
            leg: st.leg,
            info,
        });
    }

    /// The security groups of `iface` in `dir` as a tracked check (SG-4). Packets that only a rule
    /// naming a prefix list with unknown entries could admit make the answer unknown there (§7);
    /// the path goes on for the packets the other rules admit.
    fn groups_check(&mut self, st: &mut State, iface: &NetworkInterfaceId, groups: &[SecurityGroupId], dir: Direction) {
        let g = groups_allow(self.net, self.ix, groups, dir, &st.pkt);
        for (pl, maybe) in g.unknown {
            let cond = all(&[g.allows.not(), maybe]);
            self.branch(st, cond, |w, st| {
                w.unknown(
                    st,
                    pl.as_str(),
                    &format!("a security group rule of `{iface}` references prefix list `{pl}`, whose entries are not in the input"),
                )
            });
        }
        let info = CheckInfo::Groups {
            iface: iface.clone(),
            groups: groups.to_vec(),
            dir,
        };
        self.add_check(st, g.allows, info);
    }

    fn labels(st: &State) -> Vec<Bool> {
        st.checks.iter().map(|c| c.label.clone()).collect()
    }

    // ---------------------------------------------------------------- relevance

    /// Interfaces and NAT gateways that can receive on this leg: the destination's interfaces on
    /// the request leg; the source and every translator of the request on the reply leg.
    fn receivers(&self, st: &State) -> Vec<Holder> {
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
        self.explain_unaddressable();
        // Z3 4.8's first push on a solver that holds no assertion costs milliseconds (it sets up
        // its non-incremental solver first); one trivial assertion avoids that.
        self.solver.assert(Bool::from_bool(true));
        self.solver.push();
        self.solver.assert(&self.space);
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
            checks: Vec::new(),
            hops: Vec::new(),
            reply_from: None,
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
            self.branch(&st, cond, |w, st| w.emit(st, Sender::Iface(x)));
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
                if unaddressable {
                    let (rule, what) = match self.family {
                        IpFamily::V4 => ("IGW-2", "no public IPv4 address or Elastic IP"),
                        IpFamily::V6 => ("V6-2", "no IPv6 address"),
                    };
                    self.results.blocked.insert(Blocked {
                        id: y.to_string(),
                        kind: ComponentKind::NetworkInterface,
                        direction: Some(Direction::Inbound),
                        rule: rule.into(),
                        reason: format!("`{y}` has {what}, so no internet host can address it"),
                        code: "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS".into(),
                    });
                }
            }
        }
    }

    /// The external starts of the source: each is about the external hosts' addresses only (an
    /// endpoint that also covers interfaces starts from them too, with their own addresses).
    fn start_external(&mut self, blank: &State, ext: &External) {
        let hosts = self.external_set(&self.pkt0.src, ext);
        let vpcs: Vec<VpcId> = self.net.vpcs.keys().cloned().collect();
        let via_internet = match ext {
            External::Internet { via } => Some(via.clone()),
            External::Block(_) => Some(None),
            _ => None,
        };
        if let Some(via) = via_internet {
            // When the question's destinations are interfaces, the packet space allows only their
            // addresses: a VPC that maps none of them has an unsatisfiable entry condition, and
            // is skipped without asking the solver.
            let to = &self.q.to;
            let candidates: Option<Vec<IpAddr>> = (to.through.is_none() && to.external.is_none()).then(|| {
                to.interfaces
                    .iter()
                    .filter_map(|i| self.net.network_interfaces.get(i))
                    .flat_map(|e| self.dest_addrs(e))
                    .filter(|a| to.address_filter.is_none_or(|f| f.contains(a)))
                    .collect()
            });
            for v in &vpcs {
                if let Some(g) = self.ix.internet_gateway_of(v).cloned() {
                    if via.as_ref().is_some_and(|x| x != g.as_str()) {
                        continue;
                    }
                    // `addressed_to` of a destination among the candidates.
                    let reachable = match &candidates {
                        None => true,
                        Some(c) => {
                            let in_blocks = self.net.vpcs.get(v).is_some_and(|x| {
                                c.iter()
                                    .any(|a| x.cidrs().any(|b| b.family() == self.family && b.contains(a)))
                            });
                            let mapped = self.family == IpFamily::V4
                                && self.public_addresses_in(v).iter().any(|p| c.contains(p));
                            in_blocks || mapped
                        }
                    };
                    if !reachable {
                        continue;
                    }
                    let mut st = blank.clone();
                    st.start = StartPoint::Internet(g.to_string());
                    st.entry = Some(Gate::Igw(g.clone(), v.clone()));
                    st.hops.push("internet".into());
                    let v2 = v.clone();
                    let cond = all(&[hosts.clone(), self.addressed_to(&self.pkt0.dst, v)]);
                    self.branch(&st, cond, |w, st| w.internet_in(st, &v2, &g));
                } else if self.family == IpFamily::V6
                    && let Some(g) = self.ix.egress_only_gateway_of(v).cloned()
                {
                    if via.as_ref().is_some_and(|x| x != g.as_str()) {
                        continue;
                    }
                    let vpc = self.net.vpcs.get(v);
                    let cidrs: Vec<Cidr> = vpc.map(|x| x.cidrs_v6.clone()).unwrap_or_default();
                    let mut st = blank.clone();
                    st.start = StartPoint::Internet(g.to_string());
                    let cond = all(&[hosts.clone(), in_any_cidr(&self.pkt0.dst, cidrs.iter())]);
                    self.branch(&st, cond, |w, st| {
                        w.dropped(
                            st,
                            Blocked {
                                id: g.to_string(),
                                kind: ComponentKind::EgressOnlyInternetGateway,
                                direction: Some(Direction::Inbound),
                                rule: "V6-1".into(),
                                reason: format!("egress-only internet gateway `{g}` admits no connection initiated from the internet, and the VPC has no internet gateway"),
                                code: "NO_PATH".into(),
                            },
                        )
                    });
                }
            }
        }
        let vgws: Vec<(VpnGatewayId, VpcId)> = match ext {
            External::OnPremises(g) => self
                .net
                .vpn_gateways
                .get(g)
                .map(|x| x.vpcs.iter().map(|v| (g.clone(), v.clone())).collect())
                .unwrap_or_default(),
            External::Block(_) => self
                .net
                .vpn_gateways
                .values()
                .flat_map(|g| g.vpcs.iter().map(|v| (g.id.clone(), v.clone())).collect::<Vec<_>>())
                .collect(),
            _ => Vec::new(),
        };
        for (g, v) in vgws {
            let mut st = blank.clone();
            st.start = StartPoint::OnPremises(g.clone());
            st.entry = Some(Gate::Vgw(g.clone(), v.clone()));
            st.hops.push("on-premises".into());
            self.branch(&st, hosts.clone(), |w, st| w.vgw_in(st, &v, &g));
        }
    }

    // ---------------------------------------------------------------- §3 emit, arrive

    fn emit(&mut self, mut st: State, sender: Sender) {
        let (subnet_id, id) = match &sender {
            Sender::Iface(x) => match self.net.network_interfaces.get(x) {
                Some(e) => (e.subnet.clone(), x.to_string()),
                None => return,
            },
            Sender::Nat(n) => match self.net.nat_gateways.get(n) {
                Some(g) => (g.subnet.clone(), n.to_string()),
                None => return,
            },
        };
        st.hops.push(id);
        if let Sender::Iface(x) = &sender
            && let Some(eni) = self.net.network_interfaces.get(x)
        {
            if st.leg == Leg::Request {
                self.groups_check(&mut st, x, &eni.groups, Direction::Outbound);
            }
            if eni.source_dest_check {
                let own = self.fam_addrs(eni);
                let is_own = in_addrs(&st.pkt.src, own.iter());
                let blocked = Blocked {
                    id: x.to_string(),
                    kind: ComponentKind::NetworkInterface,
                    direction: Some(Direction::Outbound),
                    rule: "NI-2".into(),
                    reason: format!(
                        "`{x}` has source/destination check enabled and the packet's source is not one of its addresses"
                    ),
                    code: "ENI_SOURCE_DEST_CHECK_RESTRICTION".into(),
                };
                self.branch(&st, is_own.not(), |w, st| w.dropped(st, blocked));
                let sender2 = sender.clone();
                self.branch(&st, is_own, move |w, st| w.emit_from_subnet(st, &sender2, &subnet_id));
                return;
            }
        }
        self.emit_from_subnet(st, &sender, &subnet_id);
    }

    /// §3 steps 3-5: same-subnet delivery, else the route table.
    fn emit_from_subnet(&mut self, st: State, sender: &Sender, subnet_id: &SubnetId) {
        let Some(subnet) = self.net.subnets.get(subnet_id) else {
            return;
        };
        let block = match self.family {
            IpFamily::V4 => subnet.cidr_v4,
            IpFamily::V6 => subnet.cidr_v6,
        };
        let in_subnet = block
            .map(|c| in_cidr(&st.pkt.dst, &c))
            .unwrap_or_else(|| Bool::from_bool(false));
        let sender_id = match sender {
            Sender::Iface(x) => x.to_string(),
            Sender::Nat(n) => n.to_string(),
        };
        let holders: Vec<Holder> = self
            .receivers(&st)
            .into_iter()
            .filter(|h| self.holder_subnet(h).as_ref() == Some(subnet_id))
            .filter(|h| match h {
                Holder::Iface(y, _) => y.as_str() != sender_id,
                Holder::Nat(n, _) => n.as_str() != sender_id,
            })
            .collect();
        let mut held = Vec::new();
        for h in holders {
            let c = in_addrs(&st.pkt.dst, h.addrs().iter());
            held.push(c.clone());
            self.branch(&st, all(&[in_subnet.clone(), c]), |w, st| w.take(st, &h));
        }
        // Addresses other hosts of the subnet hold end there (no candidate path); a NAT gateway's
        // address refuses requests at the subnet (§3 step 3, NGW-3).
        let (ifaces, nats) = self.occupants(subnet_id, &sender_id);
        if st.leg == Leg::Request {
            for (n, a) in &nats {
                let b = Blocked {
                    id: subnet_id.to_string(),
                    kind: ComponentKind::Subnet,
                    direction: None,
                    rule: "NGW-3".into(),
                    reason: format!("the destination is the address of NAT gateway `{n}`, which accepts no connection"),
                    code: "NO_DESTINATION".into(),
                };
                let c = all(&[in_subnet.clone(), st.pkt.dst.eq(ip_const(a))]);
                self.branch(&st, c, |w, st| w.dropped(st, b));
            }
        }
        let occupied: Vec<IpAddr> = ifaces.into_iter().chain(nats.into_iter().map(|n| n.1)).collect();
        let none = all(&[
            in_subnet.clone(),
            any(&held).not(),
            in_addrs(&st.pkt.dst, occupied.iter()).not(),
        ]);
        let nobody = Blocked {
            id: subnet_id.to_string(),
            kind: ComponentKind::Subnet,
            direction: None,
            rule: "J25".into(),
            reason: format!("no network interface in subnet `{subnet_id}` holds the destination address"),
            code: "NO_DESTINATION".into(),
        };
        self.branch(&st, none, |w, st| w.dropped(st, nobody));
        let sid = subnet_id.clone();
        self.branch(&st, in_subnet.not(), |w, st| w.route(st, &sid));
    }

    /// The private addresses (of this family) held in a subnet by interfaces other than `except`,
    /// and by NAT gateways other than `except`.
    fn occupants(&self, s: &SubnetId, except: &str) -> (Vec<IpAddr>, Vec<(NatGatewayId, IpAddr)>) {
        let ifaces = self
            .ix
            .interfaces_in(s)
            .iter()
            .filter(|x| x.as_str() != except)
            .filter_map(|x| self.net.network_interfaces.get(x))
            .flat_map(|e| self.fam_addrs(e))
            .collect();
        let nats = self
            .net
            .nat_gateways
            .values()
            .filter(|n| &n.subnet == s && n.id.as_str() != except)
            .flat_map(|n| n.addresses.iter().map(|a| (n.id.clone(), IpAddr::V4(a.private_ip))))
            .filter(|(_, a)| IpFamily::of(a) == self.family)
            .collect();
        (ifaces, nats)
    }

    /// A holder takes the packet addressed to it.
    fn take(&mut self, st: State, h: &Holder) {
        match h {
            Holder::Iface(y, _) => self.arrive(st, y),
            Holder::Nat(n, _) => self.nat_reply(st, n),
        }
    }

    /// §3 `arrive`: the packet's destination is one of Y's addresses.
    fn arrive(&mut self, mut st: State, y: &NetworkInterfaceId) {
        let Some(eni) = self.net.network_interfaces.get(y) else {
            return;
        };
        st.hops.push(y.to_string());
        match st.leg {
            Leg::Request => {
                if !self.dest_ifaces.contains(y) {
                    return;
                }
                self.groups_check(&mut st, y, &eni.groups, Direction::Inbound);
                st.dest_iface = Some(y.clone());
                self.delivered_request(st, Arrival::Iface(y.clone()));
            }
            Leg::Reply => {
                if let Some(rec) = st
                    .records
                    .iter()
                    .rev()
                    .find(|r| r.by == Translator::Iface(y.clone()))
                    .cloned()
                {
                    // A NAT instance undoes its masquerade (NI-4) and forwards.
                    let matches = reverse_matches(&st.pkt, &rec.after);
                    let blocked = Blocked {
                        id: y.to_string(),
                        kind: ComponentKind::NetworkInterface,
                        direction: Some(Direction::Inbound),
                        rule: "NI-4".into(),
                        reason: format!("the reply reaching `{y}` does not match the connection it translated"),
                        code: "NO_PATH".into(),
                    };
                    self.branch(&st, matches.not(), |w, st| w.dropped(st, blocked));
                    let untranslated = untranslate(&st.pkt, &rec.before);
                    let y2 = y.clone();
                    self.branch(&st, matches, move |w, mut st| {
                        st.pkt = untranslated;
                        w.emit(st, Sender::Iface(y2))
                    });
                } else if st.start == StartPoint::Interface(y.clone()) {
                    self.delivered_reply(st);
                }
            }
        }
    }

    // ---------------------------------------------------------------- §6 route lookup

    fn route(&mut self, mut st: State, from: &SubnetId) {
        let Some(rt_id) = self.ix.route_table_of(from).cloned() else {
            // Every VPC has a main route table: one missing from the input is not modelled.
            return self.unknown(
                st,
                from.as_str(),
                &format!("subnet `{from}` has no route table in the input (its VPC's main route table is missing)"),
            );
        };
        st.lookups += 1;
        if st.lookups > MAX_LOOKUPS {
            let b = Blocked {
                id: rt_id.to_string(),
                kind: ComponentKind::RouteTable,
                direction: None,
                rule: "16 lookups".into(),
                reason: format!("the packet was routed more than {MAX_LOOKUPS} times: a routing loop"),
                code: "ROUTING_LOOP".into(),
            };
            return self.dropped(st, b);
        }
        st.hops.push(rt_id.to_string());
        let Some(table) = self.net.route_tables.get(&rt_id) else {
            return;
        };
        // §6 step 1 (RT-9) comes before the candidates (step 2), whose prefix lists may be unknown.
        let rt9 = in_cidr(&st.pkt.dst, &never_forwarded(self.family));
        let b9 = Blocked {
            id: rt_id.to_string(),
            kind: ComponentKind::RouteTable,
            direction: None,
            rule: "RT-9".into(),
            reason: format!("AWS never forwards packets to {} (RT-9)", never_forwarded(self.family)),
            code: "NO_ROUTE_TO_DESTINATION".into(),
        };
        self.branch(&st, rt9.clone(), |w, st| w.dropped(st, b9));
        let cands = match candidates(self.net, table, self.family) {
            Ok(c) => c,
            Err(pl) => {
                return self.branch(&st, rt9.not(), |w, st| {
                    w.unknown(
                        st,
                        pl.as_str(),
                        "a route's destination prefix list has entries not in the input",
                    )
                });
            }
        };
        let dst = st.pkt.dst.clone();
        let (winners, none) = selection(&cands, &dst);
        for (c, cond) in winners {
            self.branch(&st, all(&[rt9.not(), cond]), |w, st| w.take_route(st, from, &rt_id, c));
        }
        let b = Blocked {
            id: rt_id.to_string(),
            kind: ComponentKind::RouteTable,
            direction: None,
            rule: "none".into(),
            reason: format!("route table `{rt_id}` has no route for the destination"),
            code: "NO_ROUTE_TO_DESTINATION".into(),
        };
        self.branch(&st, all(&[rt9.not(), none]), |w, st| w.dropped(st, b));
    }

    fn take_route(&mut self, mut st: State, from: &SubnetId, rt: &RouteTableId, c: &Candidate<'_>) {
        let route = c.route;
        if route.state == RouteState::Blackhole {
            let b = Blocked {
                id: rt.to_string(),
                kind: ComponentKind::RouteTable,
                direction: None,
                rule: route.destination.to_string(),
                reason: format!(
                    "the matching route {} -> {} in `{rt}` is a blackhole: its target is missing or not available",
                    route.destination,
                    route.target.id()
                ),
                code: "BAD_STATE_ROUTE".into(),
            };
            return self.dropped(st, b);
        }
        let vpc = match self.net.subnets.get(from) {
            Some(s) => s.vpc.clone(),
            None => return,
        };
        match &route.target {
            RouteTarget::Local => self.local(st, from, &vpc),
            RouteTarget::InternetGateway(g) => {
                self.acl(&mut st, from, Direction::Outbound);
                self.igw_out(st, &vpc, g);
            }
            RouteTarget::EgressOnlyInternetGateway(g) => {
                self.acl(&mut st, from, Direction::Outbound);
                self.eigw_out(st, &vpc, g);
            }
            RouteTarget::NatGateway(n) => self.nat_request(st, from, n),
            RouteTarget::Instance(i) => {
                if let Some(y) = self.net.instances.get(i).and_then(|x| x.primary_interface()).cloned() {
                    self.appliance(st, from, &y)
                }
            }
            RouteTarget::NetworkInterface(y) => {
                let y = y.clone();
                self.appliance(st, from, &y)
            }
            RouteTarget::VpcPeeringConnection(p) => {
                self.acl(&mut st, from, Direction::Outbound);
                self.peering(st, &vpc, p);
            }
            RouteTarget::VpcEndpoint(e) => {
                self.acl(&mut st, from, Direction::Outbound);
                self.endpoint_out(st, &vpc, e);
            }
            RouteTarget::VpnGateway(g) => {
                self.acl(&mut st, from, Direction::Outbound);
                self.vgw_out(st, &vpc, g);
            }
            RouteTarget::TransitGateway(t) => {
                self.acl(&mut st, from, Direction::Outbound);
                let reason = self
                    .unsupported(t.as_str())
                    .unwrap_or_else(|| format!("transit gateway `{t}` routing is not modelled"));
                self.unknown(st, t.as_str(), &reason);
            }
            RouteTarget::Unsupported { field, id } => {
                self.acl(&mut st, from, Direction::Outbound);
                self.unknown(st, id, &format!("route target `{id}` ({field}) is not modelled"));
            }
        }
    }

    /// The ACL of a subnet in one direction, as a tracked check.
    fn acl(&mut self, st: &mut State, subnet: &SubnetId, dir: Direction) {
        let Some(acl_id) = self.ix.network_acl_of(subnet).cloned() else {
            let info = CheckInfo::Acl {
                acl: NetworkAclId::new(""),
                subnet: subnet.clone(),
                dir,
            };
            self.add_check(st, Bool::from_bool(false), info);
            return;
        };
        let Some(acl) = self.net.network_acls.get(&acl_id) else {
            return;
        };
        st.hops.push(acl_id.to_string());
        let entries = acl_entries(acl, dir, self.family);
        let allows = acl_allows(&entries, &st.pkt);
        self.add_check(
            st,
            allows,
            CheckInfo::Acl {
                acl: acl_id,
                subnet: subnet.clone(),
                dir,
            },
        );
    }

    /// Subnets of a VPC that hold some receiver of this leg.
    fn receiving_subnets(&self, st: &State, vpc: &VpcId) -> Vec<(SubnetId, Vec<Holder>)> {
        let mut by_subnet: BTreeMap<SubnetId, Vec<Holder>> = BTreeMap::new();
        for h in self.receivers(st) {
            if self.holder_vpc(&h).as_ref() == Some(vpc)
                && let Some(s) = self.holder_subnet(&h)
            {
                by_subnet.entry(s).or_default().push(h);
            }
        }
        by_subnet.into_iter().collect()
    }

    fn subnet_block(&self, s: &SubnetId) -> Option<Cidr> {
        self.net.subnets.get(s).and_then(|x| match self.family {
            IpFamily::V4 => x.cidr_v4,
            IpFamily::V6 => x.cidr_v6,
        })
    }

    /// The packet enters a VPC (from a subnet, a gateway or a peering) and goes to the subnet
    /// holding its destination; `acl_out` is the sender's subnet when it crosses out of one.
    fn enter_vpc(&mut self, st: State, vpc: &VpcId, acl_out: Option<&SubnetId>) {
        let mut targets = self.receiving_subnets(&st, vpc);
        if st.leg == Leg::Request && self.wide_destination() {
            // The destination may be an address nobody (or a NAT gateway) holds: every subnet is a
            // candidate, where it is dropped (§5.1, `arrive_subnet`).
            for s in self.ix.subnets_of(vpc) {
                if !targets.iter().any(|(t, _)| t == s) {
                    targets.push((s.clone(), Vec::new()));
                }
            }
        }
        let blocks: Vec<Cidr> = self
            .ix
            .subnets_of(vpc)
            .iter()
            .filter_map(|s| self.subnet_block(s))
            .collect();
        let in_some_subnet = in_any_cidr(&st.pkt.dst, blocks.iter());
        for (s, holders) in targets {
            if Some(&s) == acl_out {
                continue;
            }
            let Some(block) = self.subnet_block(&s) else { continue };
            let cond = in_cidr(&st.pkt.dst, &block);
            let from = acl_out.cloned();
            self.branch(&st, cond, |w, mut st| {
                if let Some(f) = &from {
                    w.acl(&mut st, f, Direction::Outbound);
                }
                w.acl(&mut st, &s, Direction::Inbound);
                w.deliver_in_subnet(st, &s, &holders)
            });
        }
        let b = Blocked {
            id: vpc.to_string(),
            kind: ComponentKind::Vpc,
            direction: None,
            rule: "RT-5".into(),
            reason: format!("the destination lies in no subnet of `{vpc}`"),
            code: "NO_DESTINATION".into(),
        };
        self.branch(&st, in_some_subnet.not(), |w, st| w.dropped(st, b));
    }

    /// The question's destinations are not only addresses of its destination interfaces: a block
    /// (which may hold addresses nobody holds), or anything behind a forwarding component.
    fn wide_destination(&self) -> bool {
        self.q.to.through.is_some() || matches!(self.q.to.external, Some(External::Block(_)))
    }

    fn deliver_in_subnet(&mut self, st: State, s: &SubnetId, holders: &[Holder]) {
        let mut held = Vec::new();
        for h in holders {
            let c = in_addrs(&st.pkt.dst, h.addrs().iter());
            held.push(c.clone());
            self.branch(&st, c, |w, st| w.take(st, h));
        }
        // Other hosts' addresses end there (no candidate path); a NAT gateway refuses requests.
        let (ifaces, nats) = self.occupants(s, "");
        if st.leg == Leg::Request {
            for (n, a) in &nats {
                let c = st.pkt.dst.eq(ip_const(a));
                self.branch(&st, c, |w, st| w.nat_reply(st, n));
            }
        }
        let occupied: Vec<IpAddr> = ifaces.into_iter().chain(nats.into_iter().map(|n| n.1)).collect();
        held.push(in_addrs(&st.pkt.dst, occupied.iter()));
        let b = Blocked {
            id: s.to_string(),
            kind: ComponentKind::Subnet,
            direction: None,
            rule: "RT-5".into(),
            reason: format!("no network interface in subnet `{s}` holds the destination address"),
            code: "NO_DESTINATION".into(),
        };
        self.branch(&st, any(&held).not(), |w, st| w.dropped(st, b));
    }

    // ---------------------------------------------------------------- §5 targets

    /// §5.1 the local route.
    fn local(&mut self, st: State, from: &SubnetId, vpc: &VpcId) {
        self.enter_vpc(st, vpc, Some(from));
    }

    /// §5.2 internet gateway, outbound.
    fn igw_out(&mut self, mut st: State, vpc: &VpcId, g: &InternetGatewayId) {
        // Step 2: Block Public Access, or a gateway route table on the gateway.
        if let Some(reason) = self.unsupported(vpc.as_str()) {
            return self.unknown(st, vpc.as_str(), &reason);
        }
        // §5.2 outbound step 2: a gateway route table on G is not modelled either way.
        if let Some(rt) = self.gateway_route_table(g.as_str()) {
            return self.unknown(
                st,
                rt.as_str(),
                &format!("gateway route table `{rt}` on `{g}` (ingress routing, RT-18) is not modelled"),
            );
        }
        st.hops.push(g.to_string());
        let gate = Gate::Igw(g.clone(), vpc.clone());
        match self.family {
            IpFamily::V4 => {
                let private = in_any_cidr(&st.pkt.dst, ranges::igw_private_v4().iter());
                let b = Blocked {
                    id: g.to_string(),
                    kind: ComponentKind::InternetGateway,
                    direction: Some(Direction::Outbound),
                    rule: "IGW-6".into(),
                    reason: format!(
                        "internet gateway `{g}` does not forward to private (RFC 1918 / RFC 6598) destinations"
                    ),
                    code: "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS".into(),
                };
                self.branch(&st, private.clone(), |w, st| w.dropped(st, b));
                let senders = self.senders(&st);
                let pairs = self.public_pairs(&senders, vpc);
                let privates: Vec<IpAddr> = pairs.iter().map(|p| p.0).collect();
                let mapped = in_addrs(&st.pkt.src, privates.iter());
                let b = Blocked {
                    id: g.to_string(),
                    kind: ComponentKind::InternetGateway,
                    direction: Some(Direction::Outbound),
                    rule: "IGW-5".into(),
                    reason: format!(
                        "internet gateway `{g}` drops the packet: its source has no public IPv4 or Elastic IP"
                    ),
                    code: "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS".into(),
                };
                self.branch(&st, all(&[private.not(), mapped.not()]), |w, st| w.dropped(st, b));
                self.branch(&st, all(&[private.not(), mapped]), move |w, mut st| {
                    st.pkt.src = map_addrs(&st.pkt.src, &pairs);
                    w.onto_internet(st, gate)
                });
            }
            IpFamily::V6 => {
                let own = self.sender_v6_addrs(&st, vpc);
                let ok = in_addrs(&st.pkt.src, own.iter());
                let b = Blocked {
                    id: g.to_string(),
                    kind: ComponentKind::InternetGateway,
                    direction: Some(Direction::Outbound),
                    rule: "IGW-6".into(),
                    reason: format!("internet gateway `{g}` rejects a source that is not an IPv6 address of the VPC"),
                    code: "GATEWAY_REJECTS_SPOOFED_TRAFFIC".into(),
                };
                self.branch(&st, ok.not(), |w, st| w.dropped(st, b));
                self.branch(&st, ok, move |w, st| w.onto_internet(st, gate));
            }
        }
    }

    fn sender_v6_addrs(&self, st: &State, vpc: &VpcId) -> Vec<IpAddr> {
        self.senders(st)
            .iter()
            .filter(|h| self.holder_vpc(h).as_ref() == Some(vpc))
            .flat_map(|h| h.addrs())
            .filter(|a| a.is_ipv6())
            .collect()
    }

    /// §5.2 step 5: on the internet, into a modelled VPC or out to an external host.
    ///
    /// Every public IPv4 mapped in a modelled VPC, and every address of a modelled IPv6 block,
    /// enters that VPC, whoever holds it (not only the question's receivers): only the rest of
    /// the internet is external.
    fn onto_internet(&mut self, st: State, gate: Gate) {
        let mut conds = Vec::new();
        let vpcs: Vec<VpcId> = self.net.vpcs.keys().cloned().collect();
        for v in vpcs {
            let cond = match self.family {
                IpFamily::V4 => {
                    let publics = self.public_addresses_in(&v);
                    if publics.is_empty() {
                        continue;
                    }
                    in_addrs(&st.pkt.dst, publics.iter())
                }
                IpFamily::V6 => {
                    let blocks: Vec<Cidr> = self.net.vpcs.get(&v).map(|x| x.cidrs_v6.clone()).unwrap_or_default();
                    if blocks.is_empty() {
                        continue;
                    }
                    in_any_cidr(&st.pkt.dst, blocks.iter())
                }
            };
            conds.push(cond.clone());
            let entry = self.ix.internet_gateway_of(&v).cloned();
            let eigw = self.ix.egress_only_gateway_of(&v).cloned();
            let leg = st.leg;
            self.branch(&st, cond, |w, st| match (entry, eigw) {
                (Some(g), _) => w.internet_in(st, &v, &g),
                (None, Some(e)) if w.family == IpFamily::V6 && leg == Leg::Reply => w.eigw_in(st, &v, &e),
                (None, Some(e)) if w.family == IpFamily::V6 => {
                    let b = Blocked {
                        id: e.to_string(),
                        kind: ComponentKind::EgressOnlyInternetGateway,
                        direction: Some(Direction::Inbound),
                        rule: "V6-1".into(),
                        reason: format!("egress-only internet gateway `{e}` admits no connection initiated from the internet, and `{v}` has no internet gateway"),
                        code: "NO_PATH".into(),
                    };
                    w.dropped(st, b)
                }
                (None, _) => {
                    let b = Blocked {
                        id: v.to_string(),
                        kind: ComponentKind::Vpc,
                        direction: Some(Direction::Inbound),
                        rule: "IGW-3".into(),
                        reason: format!("`{v}` has no internet gateway, so nothing from the internet enters it"),
                        code: "NO_PATH".into(),
                    };
                    w.dropped(st, b)
                }
            });
        }
        // Addresses the internet carries into a modelled VPC are no external host, even when no
        // receiver of this leg holds them (§4, §5.2 step 5): those packets end elsewhere.
        let modelled = match self.family {
            IpFamily::V4 => {
                let publics: Vec<IpAddr> = self.ix.public_addresses().map(|a| IpAddr::V4(*a)).collect();
                in_addrs(&st.pkt.dst, publics.iter())
            }
            IpFamily::V6 => {
                let blocks: Vec<Cidr> = self.net.vpcs.values().flat_map(|v| v.cidrs_v6.clone()).collect();
                in_any_cidr(&st.pkt.dst, blocks.iter())
            }
        };
        self.branch(&st, all(&[any(&conds).not(), modelled.not()]), |w, st| {
            w.delivered_external(st, gate)
        });
    }

    /// The Elastic IPs of the NAT gateways of a VPC, with the private addresses they map to.
    fn nat_eips(&self, vpc: &VpcId) -> Vec<(IpAddr, IpAddr, NatGatewayId)> {
        let mut out = Vec::new();
        for n in self.net.nat_gateways.values().filter(|n| &n.vpc == vpc) {
            for a in &n.addresses {
                if let Some(pb) = a.public_ip {
                    out.push((IpAddr::V4(pb), IpAddr::V4(a.private_ip), n.id.clone()));
                }
            }
        }
        out
    }

    /// Every public IPv4 mapped in a VPC (interfaces and NAT gateways), IGW-2.
    fn vpc_publics(&self, vpc: &VpcId) -> Vec<IpAddr> {
        let mut out: Vec<IpAddr> = self
            .net
            .network_interfaces
            .values()
            .filter(|e| &e.vpc == vpc)
            .flat_map(|e| e.public_addresses().map(IpAddr::V4).collect::<Vec<_>>())
            .collect();
        out.extend(self.nat_eips(vpc).into_iter().map(|p| p.0));
        out
    }

    /// §4: a request from the internet enters the VPC whose internet gateway maps its
    /// destination: a public IPv4 mapped in `vpc`, or an address of its IPv6 blocks. A private
    /// IPv4 of `vpc` is taken to its gateway too, which refuses it (the simulator's decision in
    /// `internet_request`). Anything else never reaches `vpc`'s gateway.
    fn addressed_to(&self, dst: &BV, vpc: &VpcId) -> Bool {
        let blocks: Vec<Cidr> = self
            .net
            .vpcs
            .get(vpc)
            .map(|v| v.cidrs().filter(|c| c.family() == self.family).copied().collect())
            .unwrap_or_default();
        let publics = match self.family {
            IpFamily::V4 => self.public_addresses_in(vpc),
            IpFamily::V6 => Vec::new(),
        };
        any(&[in_addrs(dst, publics.iter()), in_any_cidr(dst, blocks.iter())])
    }

    /// Every public IPv4 or Elastic IP mapped to a private address of an interface or NAT gateway
    /// in `vpc` (IGW-2).
    fn public_addresses_in(&self, vpc: &VpcId) -> Vec<IpAddr> {
        self.publics_by_vpc.get(vpc).cloned().unwrap_or_default()
    }

    /// §5.2 internet gateway, inbound.
    fn internet_in(&mut self, mut st: State, vpc: &VpcId, g: &InternetGatewayId) {
        if let Some(reason) = self.unsupported(vpc.as_str()) {
            return self.unknown(st, vpc.as_str(), &reason);
        }
        if let Some(rt) = self.gateway_route_table(g.as_str()) {
            return self.unknown(
                st,
                rt.as_str(),
                &format!("gateway route table `{rt}` on `{g}` (ingress routing, RT-18) is not modelled"),
            );
        }
        st.hops.push(g.to_string());
        match self.family {
            IpFamily::V4 => {
                let private_src = in_any_cidr(&st.pkt.src, ranges::igw_private_v4().iter());
                let b = Blocked {
                    id: g.to_string(),
                    kind: ComponentKind::InternetGateway,
                    direction: Some(Direction::Inbound),
                    rule: "IGW-6".into(),
                    reason: format!(
                        "internet gateway `{g}` drops inbound packets from private (RFC 1918 / RFC 6598) sources"
                    ),
                    code: "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS".into(),
                };
                self.branch(&st, private_src.clone(), |w, st| w.dropped(st, b));
                let receivers = self.receivers(&st);
                let pairs: Vec<(IpAddr, IpAddr)> = self
                    .public_pairs(&receivers, vpc)
                    .into_iter()
                    .map(|(a, b)| (b, a))
                    .collect();
                let publics: Vec<IpAddr> = pairs.iter().map(|p| p.0).collect();
                let mapped = in_addrs(&st.pkt.dst, publics.iter());
                // Public addresses of the VPC that no receiver holds: the packet ends at another
                // host (no candidate path), or at a NAT gateway, which refuses requests (NGW-3).
                let known = in_addrs(&st.pkt.dst, self.vpc_publics(vpc).iter());
                let b = Blocked {
                    id: g.to_string(),
                    kind: ComponentKind::InternetGateway,
                    direction: Some(Direction::Inbound),
                    rule: "IGW-2".into(),
                    reason: format!(
                        "internet gateway `{g}` maps no public address of the VPC to the destination (it has no public IPv4 or Elastic IP)"
                    ),
                    code: "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS".into(),
                };
                // A private destination is not routed on the internet at all: no candidate path.
                let private_dst = in_any_cidr(&st.pkt.dst, ranges::igw_private_v4().iter());
                self.branch(
                    &st,
                    all(&[private_src.not(), known.not(), private_dst.not()]),
                    |w, st| w.dropped(st, b),
                );
                let v2 = vpc.clone();
                self.branch(&st, all(&[private_src.not(), mapped]), move |w, mut st| {
                    st.pkt.dst = map_addrs(&st.pkt.dst, &pairs);
                    w.enter_vpc(st, &v2, None)
                });
                if st.leg == Leg::Request {
                    for (eip, private, n) in self.nat_eips(vpc) {
                        let Some(subnet) = self.net.nat_gateways.get(&n).map(|x| x.subnet.clone()) else {
                            continue;
                        };
                        let to_nat = all(&[private_src.not(), st.pkt.dst.eq(ip_const(&eip))]);
                        self.branch(&st, to_nat, move |w, mut st| {
                            st.pkt.dst = ip_const(&private);
                            w.acl(&mut st, &subnet, Direction::Inbound);
                            w.nat_reply(st, &n)
                        });
                    }
                }
            }
            IpFamily::V6 => {
                let blocks: Vec<Cidr> = self.net.vpcs.get(vpc).map(|x| x.cidrs_v6.clone()).unwrap_or_default();
                let inside = in_any_cidr(&st.pkt.dst, blocks.iter());
                let b = Blocked {
                    id: g.to_string(),
                    kind: ComponentKind::InternetGateway,
                    direction: Some(Direction::Inbound),
                    rule: "IGW-2".into(),
                    reason: format!("the destination is not in an IPv6 block of `{vpc}`"),
                    code: "IGW_DESTINATION_ADDRESS_IN_VPC_CIDRS".into(),
                };
                self.branch(&st, inside.not(), |w, st| w.dropped(st, b));
                let v2 = vpc.clone();
                self.branch(&st, inside, move |w, st| w.enter_vpc(st, &v2, None));
            }
        }
    }

    /// §5.7 egress-only internet gateway, outbound.
    fn eigw_out(&mut self, mut st: State, vpc: &VpcId, g: &EgressOnlyInternetGatewayId) {
        st.hops.push(g.to_string());
        let drop = |w: &mut Self, st: State, rule: &str, reason: String, code: &str| {
            let b = Blocked {
                id: g.to_string(),
                kind: ComponentKind::EgressOnlyInternetGateway,
                direction: Some(Direction::Outbound),
                rule: rule.into(),
                reason,
                code: code.into(),
            };
            w.dropped(st, b)
        };
        if self.family == IpFamily::V4 {
            return drop(
                self,
                st,
                "V6-1",
                format!("egress-only internet gateway `{g}` carries IPv6 only"),
                "PROTOCOL_RESTRICTION",
            );
        }
        if st.leg == Leg::Reply {
            return drop(
                self,
                st,
                "V6-1",
                format!(
                    "egress-only internet gateway `{g}` carries only connections initiated from inside the VPC, and this is the reply to one initiated from outside"
                ),
                "NO_PATH",
            );
        }
        let own = self.sender_v6_addrs(&st, vpc);
        let ok = in_addrs(&st.pkt.src, own.iter());
        let reason =
            format!("egress-only internet gateway `{g}` rejects a source that is not an IPv6 address of the VPC");
        self.branch(&st, ok.not(), |w, st| {
            drop(w, st, "V6-1", reason, "GATEWAY_REJECTS_SPOOFED_TRAFFIC")
        });
        let gate = Gate::Eigw(g.clone(), vpc.clone());
        self.branch(&st, ok, move |w, st| w.onto_internet(st, gate));
    }

    /// §5.7 egress-only internet gateway, inbound (replies only).
    fn eigw_in(&mut self, mut st: State, vpc: &VpcId, g: &EgressOnlyInternetGatewayId) {
        st.hops.push(g.to_string());
        self.enter_vpc(st, vpc, None);
    }

    /// §5.3 NAT gateway, request leg.
    fn nat_request(&mut self, mut st: State, from: &SubnetId, n: &NatGatewayId) {
        let Some(nat) = self.net.nat_gateways.get(n) else {
            return;
        };
        let drop = |w: &mut Self, st: State, rule: &str, reason: String, code: &str| {
            let b = Blocked {
                id: n.to_string(),
                kind: ComponentKind::NatGateway,
                direction: Some(Direction::Inbound),
                rule: rule.into(),
                reason,
                code: code.into(),
            };
            w.dropped(st, b)
        };
        if st.leg == Leg::Reply {
            return drop(
                self,
                st,
                "NGW-3",
                format!("the reply is routed to NAT gateway `{n}`, which did not carry the request (asymmetric path)"),
                "NO_PATH",
            );
        }
        if nat.subnet != *from {
            self.acl(&mut st, from, Direction::Outbound);
            self.acl(&mut st, &nat.subnet, Direction::Inbound);
        }
        st.hops.push(n.to_string());
        if self.q.to.through.as_ref().is_some_and(|t| t.0 == n.as_str()) {
            return self.delivered_request(st, Arrival::Through);
        }
        if self.family == IpFamily::V6 {
            return drop(
                self,
                st,
                "NGW-8",
                format!("NAT gateway `{n}` translates IPv4 only"),
                "PROTOCOL_RESTRICTION",
            );
        }
        let Some(primary) = nat.primary_address().map(|a| a.private_ip) else {
            return drop(
                self,
                st,
                "NGW-6",
                format!("NAT gateway `{n}` has no address"),
                "BAD_STATE",
            );
        };
        let vpc_blocks: Vec<Cidr> = self
            .net
            .vpcs
            .get(&nat.vpc)
            .map(|v| v.cidrs_v4.clone())
            .unwrap_or_default();
        let in_vpc = in_any_cidr(&st.pkt.src, vpc_blocks.iter());
        let reason = format!("NAT gateway `{n}` only translates traffic from its own VPC (no edge-to-edge routing)");
        self.branch(&st, in_vpc.not(), |w, st| {
            drop(w, st, "NGW-7", reason, "NGW_REQUIRES_SOURCE_IN_VPC")
        });
        let p = &st.pkt;
        let proto_ok = any(&[
            p.proto.eq(u8c(proto::TCP)),
            p.proto.eq(u8c(proto::UDP)),
            p.proto.eq(u8c(proto::ICMP)),
        ]);
        let reason = format!("NAT gateway `{n}` forwards TCP, UDP and ICMP only");
        self.branch(&st, all(&[in_vpc.clone(), proto_ok.not()]), |w, st| {
            drop(w, st, "NGW-4", reason, "PROTOCOL_RESTRICTION")
        });
        let n2 = n.clone();
        self.branch(&st, all(&[in_vpc, proto_ok]), move |w, mut st| {
            let before = st.pkt.clone();
            let mut after = before.clone();
            after.src = ip_const(&IpAddr::V4(primary));
            after.sport = before.has_ports().ite(&nat_port(&before.sport), &before.sport);
            st.records.push(Record {
                by: Translator::Nat(n2.clone()),
                before,
                after: after.clone(),
            });
            st.pkt = after;
            w.emit(st, Sender::Nat(n2))
        });
    }

    /// §5.3 NAT gateway, reply leg: the packet is addressed to the NAT gateway.
    fn nat_reply(&mut self, mut st: State, n: &NatGatewayId) {
        st.hops.push(n.to_string());
        let blocked = |reason: String| Blocked {
            id: n.to_string(),
            kind: ComponentKind::NatGateway,
            direction: Some(Direction::Inbound),
            rule: "NGW-3".into(),
            reason,
            code: "NO_PATH".into(),
        };
        let rec = st
            .records
            .iter()
            .rev()
            .find(|r| r.by == Translator::Nat(n.clone()))
            .cloned();
        let Some(rec) = rec.filter(|_| st.leg == Leg::Reply) else {
            return self.dropped(
                st,
                blocked(format!("NAT gateway `{n}` accepts no connection addressed to it")),
            );
        };
        let matches = reverse_matches(&st.pkt, &rec.after);
        let b = blocked(format!(
            "the packet reaching NAT gateway `{n}` is not a reply to a connection it translated"
        ));
        self.branch(&st, matches.not(), |w, st| w.dropped(st, b));
        let untranslated = untranslate(&st.pkt, &rec.before);
        let n2 = n.clone();
        self.branch(&st, matches, move |w, mut st| {
            st.pkt = untranslated;
            w.emit(st, Sender::Nat(n2))
        });
    }

    /// §5.4 an instance or interface as route target: NAT instance or appliance.
    fn appliance(&mut self, mut st: State, from: &SubnetId, y: &NetworkInterfaceId) {
        let Some(eni) = self.net.network_interfaces.get(y) else {
            return;
        };
        let drop = |w: &mut Self, st: State, rule: &str, reason: String, code: &str| {
            let b = Blocked {
                id: y.to_string(),
                kind: ComponentKind::NetworkInterface,
                direction: Some(Direction::Inbound),
                rule: rule.into(),
                reason,
                code: code.into(),
            };
            w.dropped(st, b)
        };
        let own = self.fam_addrs(eni);
        let is_own = in_addrs(&st.pkt.dst, own.iter());
        if st.leg == Leg::Reply {
            let reason =
                format!("the reply is routed through `{y}`, which did not translate the request (asymmetric path)");
            self.branch(&st, is_own.not(), |w, st| drop(w, st, "NI-4", reason, "NO_PATH"));
            let y2 = y.clone();
            let subnet = eni.subnet.clone();
            self.branch(&st, is_own, move |w, mut st| {
                if subnet != *from {
                    w.acl(&mut st, from, Direction::Outbound);
                    w.acl(&mut st, &subnet, Direction::Inbound);
                }
                w.arrive(st, &y2)
            });
            return;
        }
        if eni.subnet != *from {
            self.acl(&mut st, from, Direction::Outbound);
            self.acl(&mut st, &eni.subnet, Direction::Inbound);
        }
        st.hops.push(y.to_string());
        self.groups_check(&mut st, y, &eni.groups, Direction::Inbound);
        let y2 = y.clone();
        self.branch(&st, is_own.clone(), move |w, mut st| {
            if w.dest_ifaces.contains(&y2) {
                st.dest_iface = Some(y2.clone());
                w.delivered_request(st, Arrival::Iface(y2))
            }
        });
        if eni.source_dest_check {
            let reason = format!("`{y}` has source/destination check enabled, so it drops traffic not addressed to it");
            self.branch(&st, is_own.not(), |w, st| {
                drop(w, st, "NI-2", reason, "ENI_SOURCE_DEST_CHECK_RESTRICTION")
            });
            return;
        }
        let masq = match self.family {
            IpFamily::V4 => eni.primary_ipv4().map(IpAddr::V4),
            IpFamily::V6 => eni.ipv6.first().map(|a| IpAddr::V6(*a)),
        };
        let Some(masq) = masq else {
            let reason = format!(
                "`{y}` has no {} address to translate the forwarded packet to",
                self.family
            );
            self.branch(&st, is_own.not(), |w, st| drop(w, st, "NI-4", reason, "NO_PATH"));
            return;
        };
        let y3 = y.clone();
        self.branch(&st, is_own.not(), move |w, mut st| {
            let before = st.pkt.clone();
            let mut after = before.clone();
            after.src = ip_const(&masq);
            after.sport = before.has_ports().ite(&nat_port(&before.sport), &before.sport);
            st.records.push(Record {
                by: Translator::Iface(y3.clone()),
                before,
                after: after.clone(),
            });
            st.pkt = after;
            w.emit(st, Sender::Iface(y3))
        });
    }

    /// §5.5 peering.
    fn peering(&mut self, mut st: State, vpc: &VpcId, p: &VpcPeeringConnectionId) {
        let Some(pcx) = self.net.vpc_peering_connections.get(p) else {
            return;
        };
        st.hops.push(p.to_string());
        if self.q.to.through.as_ref().is_some_and(|t| t.0 == p.as_str()) {
            return self.delivered_request(st, Arrival::Through);
        }
        let Some(peer) = pcx.peer_of(vpc).cloned() else {
            let b = Blocked {
                id: p.to_string(),
                kind: ComponentKind::VpcPeeringConnection,
                direction: None,
                rule: "PCX-1".into(),
                reason: format!("peering connection `{p}` does not join `{vpc}`"),
                code: "NO_PATH".into(),
            };
            return self.dropped(st, b);
        };
        let Some(w_vpc) = self.net.vpcs.get(&peer) else {
            return self.unknown(
                st,
                peer.as_str(),
                &format!("peer vpc `{peer}` of `{p}` is not in the input"),
            );
        };
        let blocks: Vec<Cidr> = w_vpc.cidrs().filter(|c| c.family() == self.family).copied().collect();
        let inside = in_any_cidr(&st.pkt.dst, blocks.iter());
        // Outside the peer's blocks: into a third modelled VPC is transit (PCX-5), anywhere else
        // would use the peer's gateways (PCX-6); the peering refuses both (PCX-7).
        let others: Vec<Cidr> = self
            .net
            .vpcs
            .values()
            .filter(|v| v.id != peer)
            .flat_map(|v| v.cidrs().copied())
            .filter(|c| c.family() == self.family)
            .collect();
        let elsewhere = in_any_cidr(&st.pkt.dst, others.iter());
        let refuse = |rule: &str, reason: String| Blocked {
            id: p.to_string(),
            kind: ComponentKind::VpcPeeringConnection,
            direction: Some(Direction::Outbound),
            rule: rule.into(),
            reason,
            code: "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR".into(),
        };
        let transit = refuse(
            "PCX-5",
            format!(
                "peering connection `{p}` only carries traffic to addresses of `{peer}`: peering is not transitive"
            ),
        );
        let edge = refuse(
            "PCX-6",
            format!(
                "peering connection `{p}` only carries traffic to addresses of `{peer}`: no edge-to-edge routing through the peer's gateways"
            ),
        );
        self.branch(&st, all(&[inside.not(), elsewhere.clone()]), |w, st| {
            w.dropped(st, transit)
        });
        self.branch(&st, all(&[inside.not(), elsewhere.not()]), |w, st| w.dropped(st, edge));
        self.branch(&st, inside, move |w, st| w.enter_vpc(st, &peer, None));
    }

    /// §5.6 gateway endpoint.
    fn endpoint_out(&mut self, mut st: State, vpc: &VpcId, e: &VpcEndpointId) {
        let Some(ep) = self.net.vpc_endpoints.get(e) else {
            return;
        };
        st.hops.push(e.to_string());
        if ep.endpoint_type != VpcEndpointType::Gateway {
            return self.unknown(
                st,
                e.as_str(),
                &format!(
                    "endpoint `{e}` of type {:?} as a route target is not modelled",
                    ep.endpoint_type
                ),
            );
        }
        if self.q.to.through.as_ref().is_some_and(|t| t.0 == e.as_str()) {
            return self.delivered_request(st, Arrival::Through);
        }
        let drop = |w: &mut Self, st: State, rule: &str, reason: String, code: &str| {
            let b = Blocked {
                id: e.to_string(),
                kind: ComponentKind::VpcEndpoint,
                direction: Some(Direction::Outbound),
                rule: rule.into(),
                reason,
                code: code.into(),
            };
            w.dropped(st, b)
        };
        if self.family == IpFamily::V6 {
            return drop(
                self,
                st,
                "J18",
                format!("gateway endpoint `{e}` is modelled for IPv4 only"),
                "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
            );
        }
        let p = &st.pkt;
        let proto_ok = any(&[
            p.proto.eq(u8c(proto::TCP)),
            all(&[p.proto.eq(u8c(proto::ICMP)), p.itype.eq(u8c(8))]),
        ]);
        let reason = format!("gateway endpoint `{e}` accepts only TCP and ICMP echo requests");
        self.branch(&st, proto_ok.not(), |w, st| {
            drop(w, st, "GWE-8", reason, "VPCE_GATEWAY_PROTOCOL_RESTRICTION")
        });
        // GWE-7: only from the endpoint's own VPC; a route to it from another VPC carries nothing.
        let from_vpc = if ep.vpc == *vpc {
            let blocks: Vec<Cidr> = self.net.vpcs.get(vpc).map(|v| v.cidrs_v4.clone()).unwrap_or_default();
            in_any_cidr(&st.pkt.src, blocks.iter())
        } else {
            Bool::from_bool(false)
        };
        let reason = format!(
            "gateway endpoint `{e}` only carries traffic from its own VPC `{}` (GWE-7)",
            ep.vpc
        );
        self.branch(&st, all(&[proto_ok.clone(), from_vpc.not()]), |w, st| {
            drop(w, st, "GWE-7", reason, "NO_PATH")
        });
        let gate = Gate::Vpce(e.clone(), vpc.clone());
        self.branch(&st, all(&[proto_ok, from_vpc]), move |w, st| {
            w.delivered_external(st, gate)
        });
    }

    /// §5.8 virtual private gateway, outbound.
    fn vgw_out(&mut self, mut st: State, vpc: &VpcId, g: &VpnGatewayId) {
        st.hops.push(g.to_string());
        let blocks: Vec<Cidr> = self
            .net
            .vpcs
            .get(vpc)
            .map(|v| v.cidrs().copied().collect())
            .unwrap_or_default();
        let from_vpc = in_any_cidr(&st.pkt.src, blocks.iter());
        let b = Blocked {
            id: g.to_string(),
            kind: ComponentKind::VpnGateway,
            direction: Some(Direction::Outbound),
            rule: "VGW-3".into(),
            reason: format!("virtual private gateway `{g}` only carries traffic from addresses of its VPC"),
            code: "VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS".into(),
        };
        self.branch(&st, from_vpc.not(), |w, st| w.dropped(st, b));
        let gate = Gate::Vgw(g.clone(), vpc.clone());
        self.branch(&st, from_vpc, move |w, st| w.delivered_external(st, gate));
    }

    /// §5.8 virtual private gateway, inbound.
    fn vgw_in(&mut self, mut st: State, vpc: &VpcId, g: &VpnGatewayId) {
        if let Some(rt) = self.gateway_route_table(g.as_str()) {
            return self.unknown(
                st,
                rt.as_str(),
                &format!("gateway route table `{rt}` on `{g}` (RT-18) is not modelled"),
            );
        }
        // VGW-3: only to a private address of an interface of the VPC (or of a NAT gateway there,
        // J12, whose requests `nat_reply` refuses); this is what keeps on premises from reaching
        // past the VPC (PCX-6).
        let held: Vec<IpAddr> = self
            .net
            .network_interfaces
            .values()
            .filter(|e| &e.vpc == vpc)
            .flat_map(|e| self.fam_addrs(e))
            .chain(
                self.net
                    .nat_gateways
                    .values()
                    .filter(|n| &n.vpc == vpc)
                    .flat_map(|n| n.addresses.iter().map(|a| IpAddr::V4(a.private_ip))),
            )
            .collect();
        let ok = in_addrs(&st.pkt.dst, held.iter());
        let b = Blocked {
            id: g.to_string(),
            kind: ComponentKind::VpnGateway,
            direction: Some(Direction::Inbound),
            rule: "VGW-3".into(),
            reason: format!(
                "virtual private gateway `{g}` only carries traffic to private addresses of network interfaces in `{vpc}`"
            ),
            code: "VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS".into(),
        };
        self.branch(&st, ok.not(), |w, st| w.dropped(st, b));
        st.hops.push(g.to_string());
        self.branch(&st, ok, |w, st| w.enter_vpc(st, vpc, None));
    }

    // ---------------------------------------------------------------- deliveries

    fn delivered_external(&mut self, st: State, gate: Gate) {
        match st.leg {
            Leg::Request => {
                let Some(ext) = &self.q.to.external else { return };
                let ours = match (ext, &gate) {
                    (External::Internet { via }, Gate::Igw(..) | Gate::Eigw(..)) => {
                        via.as_deref().is_none_or(|v| v == gate.id())
                    }
                    (External::Block(_), _) => true,
                    (External::Service { via, .. }, Gate::Vpce(e, _)) => via.as_ref().is_none_or(|v| v == e),
                    (External::Service { via: None, .. }, Gate::Igw(..)) => true,
                    (External::OnPremises(g), Gate::Vgw(x, _)) => g == x,
                    _ => false,
                };
                if ours {
                    self.delivered_request(st, Arrival::External(gate));
                }
            }
            Leg::Reply => {
                if st.entry.as_ref().map(Gate::id) == Some(gate.id()) {
                    self.delivered_reply(st);
                } else {
                    let b = Blocked {
                        id: gate.id().to_owned(),
                        kind: gate_kind(&gate),
                        direction: Some(Direction::Outbound),
                        rule: "asymmetric".into(),
                        reason: format!(
                            "the reply leaves through `{}`, not through `{}` where the request came in",
                            gate.id(),
                            st.entry.as_ref().map(Gate::id).unwrap_or("-")
                        ),
                        code: "NO_PATH".into(),
                    };
                    self.dropped(st, b);
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
        };
        let b = Blocked {
            id: who.clone(),
            kind: ComponentKind::NetworkInterface,
            direction: Some(Direction::Inbound),
            rule: "J2".into(),
            reason: format!(
                "the reply reaches `{who}` with other addresses or ports than the request it answers (a translation on the way was not undone)"
            ),
            code: "NO_PATH".into(),
        };
        self.branch(&st, exact.not(), |w, st| w.dropped(st, b));
        self.branch(&st, exact, |w, st| w.complete(st));
    }

    // ---------------------------------------------------------------- terminals

    /// A complete candidate path: satisfiable under all its checks iff some packet gets through.
    fn complete(&mut self, st: State) {
        self.results.paths += 1;
        if self.q.want_proof {
            self.results.proof_paths.push(all(&st.routing));
        }
        let labels = Self::labels(&st);
        match self.solver.check_assumptions(&labels) {
            SatResult::Sat => {
                if let Some(packet) = super::analyze::witness(self, &labels, &st.start) {
                    let split = st.reply_from.unwrap_or(st.hops.len());
                    let (f, r) = st.hops.split_at(split.min(st.hops.len()));
                    self.results.found = Some(Found {
                        packet,
                        start: st.start.clone(),
                        forward: f.to_vec(),
                        reply: r.to_vec(),
                    });
                }
            }
            SatResult::Unsat => super::analyze::blocking_checks(self, &st.checks),
            SatResult::Unknown => {
                let why = self.solver.get_reason_unknown().unwrap_or_else(|| "unknown".into());
                self.results
                    .unknown
                    .insert(("solver".into(), format!("the solver gave up: {why}")));
            }
        }
    }

    /// The path ends in a drop: the dropping component blocks it, and so does every check on
    /// the way that alone admits no packet of the path.
    fn dropped(&mut self, st: State, mut b: Blocked) {
        self.results.paths += 1;
        if let Some(p) = super::analyze::example(self, &[], None) {
            b.reason = format!("{}; e.g. {p}", b.reason);
        }
        self.results.blocked.insert(b);
        let labels = Self::labels(&st);
        if !labels.is_empty() && self.solver.check_assumptions(&labels) == SatResult::Unsat {
            super::analyze::blocking_checks(self, &st.checks);
        }
    }

    /// The path reaches something not modelled: unknown, unless a check before it already
    /// blocks every packet.
    fn unknown(&mut self, st: State, id: &str, reason: &str) {
        self.results.paths += 1;
        let labels = Self::labels(&st);
        match self.solver.check_assumptions(&labels) {
            SatResult::Unsat => super::analyze::blocking_checks(self, &st.checks),
            _ => {
                self.results.unknown.insert((id.to_owned(), reason.to_owned()));
            }
        }
    }
}

/// `nat_port` of SEMANTICS.md §5.3: ports from 1024 are kept, lower ones move up by 1024.
pub(crate) fn nat_port(p: &BV) -> BV {
    p.bvuge(u16c(1024)).ite(p, &p.bvadd(u16c(1024)))
}

/// The packet is the reply to `after` (a translated request): addresses and ports swapped.
fn reverse_matches(p: &SymPacket, after: &SymPacket) -> Bool {
    all(&[
        p.proto.eq(&after.proto),
        p.dst.eq(&after.src),
        p.src.eq(&after.dst),
        p.has_ports()
            .implies(all(&[p.dport.eq(&after.sport), p.sport.eq(&after.dport)])),
    ])
}

/// Undoes a source translation on a reply: its destination becomes the original source.
fn untranslate(p: &SymPacket, before: &SymPacket) -> SymPacket {
    let mut q = p.clone();
    q.dst = before.src.clone();
    q.dport = p.has_ports().ite(&before.sport, &p.dport);
    q
}

fn gate_kind(g: &Gate) -> ComponentKind {
    match g {
        Gate::Igw(..) => ComponentKind::InternetGateway,
        Gate::Eigw(..) => ComponentKind::EgressOnlyInternetGateway,
        Gate::Vgw(..) => ComponentKind::VpnGateway,
        Gate::Vpce(..) => ComponentKind::VpcEndpoint,
    }
}

fn external_label(g: &Gate) -> String {
    match g {
        Gate::Igw(..) | Gate::Eigw(..) => "internet".into(),
        Gate::Vgw(..) => "on-premises".into(),
        Gate::Vpce(..) => "aws-service".into(),
    }
}
