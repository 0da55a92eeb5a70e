//! The simulator's side of each comparison, written from SEMANTICS.md and DESIGN.md §2 without
//! looking at how the SMT engine encodes them: which starts a source address has, whether a
//! delivery reaches a question's destination, the packet space of a question (to sample it and
//! to check that a witness lies in it), and reports that show both interpreters' views.

use crate::differential::generate::{INTERNET_V4, INTERNET_V6, cidr_pool, offset};
use crate::differential::spec::to_toml;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::net::IpAddr;
use vpcverify::model::addr::ranges;
use vpcverify::model::endpoint::{Endpoint, External};
use vpcverify::model::*;
use vpcverify::sim::{self, LegOutcome, Place, Start, Status, Trace};
use vpcverify::smt::{Answer, Question, StartPoint, Witness};

/// A verdict in three words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Delivered (and back, round trip).
    Reachable,
    /// Dropped.
    Unreachable,
    /// Something not modelled lies on the path.
    Unknown,
}

/// The SMT engine's verdict.
pub fn smt_kind(a: &Answer) -> Kind {
    match a {
        Answer::Reachable(_) => Kind::Reachable,
        Answer::Unreachable { .. } => Kind::Unreachable,
        Answer::Unknown { .. } => Kind::Unknown,
    }
}

/// A trace's verdict.
pub fn sim_kind(s: &Status) -> Kind {
    match s {
        Status::Reachable => Kind::Reachable,
        Status::Unreachable(_) => Kind::Unreachable,
        Status::Unknown { .. } => Kind::Unknown,
    }
}

/// The simulator start of a witness.
pub fn start_of(w: &Witness) -> Start {
    match &w.start {
        StartPoint::Interface(x) => Start::Interface(x.clone()),
        StartPoint::Internet(_) => Start::Internet,
        StartPoint::OnPremises(g) => Start::OnPremises(g.clone()),
        StartPoint::OnPremisesVia(a) => Start::OnPremisesVia(a.clone()),
    }
}

/// The simulator's start for a point the SMT engine names.
pub fn start_point(p: &StartPoint) -> Start {
    match p {
        StartPoint::Interface(x) => Start::Interface(x.clone()),
        StartPoint::Internet(_) => Start::Internet,
        StartPoint::OnPremises(g) => Start::OnPremises(g.clone()),
        StartPoint::OnPremisesVia(a) => Start::OnPremisesVia(a.clone()),
    }
}

/// Where a packet with source `src` can start: the interface that holds it, or, for an address
/// no interface holds, an internet host and an on-premises host behind each virtual private
/// gateway (an address or block endpoint is reached "through whatever gateway routes it").
pub fn starts_for(net: &Network, ix: &NetworkIndex, src: &IpAddr) -> Vec<Start> {
    match ix.private_owner(src) {
        Some(AddressOwner::Interface(e)) => vec![Start::Interface(e.clone())],
        Some(AddressOwner::NatGateway(_)) => vec![],
        None => {
            let mut v = vec![Start::Internet];
            v.extend(net.vpn_gateways.keys().map(|g| Start::OnPremises(g.clone())));
            // ONP-5: and through each available VPN or Direct Connect gateway attachment.
            v.extend(
                net.tgw
                    .attachments
                    .values()
                    .filter(|a| a.onprem_kind().is_some() && a.is_available())
                    .map(|a| Start::OnPremisesVia(a.id.clone())),
            );
            v
        }
    }
}

/// Traces from every start. The verdict is reachable if from some start the packet reaches
/// `to` (and back, round trip), else unknown if some trace is, else unreachable: the "exists a
/// path" reading of a question. A packet delivered somewhere else than `to` is unreachable as
/// far as the question goes.
pub fn sim_verdict(
    net: &Network,
    ix: &NetworkIndex,
    starts: &[Start],
    p: Packet,
    one_way: bool,
    from: &Endpoint,
    to: &Endpoint,
) -> (Kind, Vec<Trace>) {
    let traces: Vec<Trace> = starts
        .iter()
        .map(|s| sim::trace(net, ix, s.clone(), p, one_way))
        .collect();
    let kinds: BTreeSet<Kind> = traces
        .iter()
        .map(|t| match sim_kind(&t.status()) {
            Kind::Reachable if !reaches(net, t, from, to) => Kind::Unreachable,
            // BOUND-2: stopped by a filter the input does not settle; with every such filter
            // admitting the packet, it reaches `to` (unknown) or does not (unreachable).
            Kind::Unknown => {
                let a = sim::trace_admitting(net, ix, t.start.clone(), p, one_way);
                match sim_kind(&a.status()) {
                    _ if a.assumed.is_empty() => Kind::Unknown,
                    Kind::Reachable if reaches(net, &a, from, to) => Kind::Unknown,
                    Kind::Reachable | Kind::Unreachable => Kind::Unreachable,
                    Kind::Unknown => Kind::Unknown,
                }
            }
            k => k,
        })
        .collect();
    let kind = if kinds.contains(&Kind::Reachable) {
        Kind::Reachable
    } else if kinds.contains(&Kind::Unknown) {
        Kind::Unknown
    } else {
        Kind::Unreachable
    };
    (kind, traces)
}

/// A question for one family with the given protocol and port ranges.
pub fn question<'a>(
    from: &'a Endpoint,
    to: &'a Endpoint,
    families: Vec<IpFamily>,
    protocol: Option<u8>,
    dst_ports: Option<PortRange>,
    src_ports: Option<PortRange>,
    one_way: bool,
) -> Question<'a> {
    Question {
        from,
        to,
        protocol,
        dst_ports,
        src_ports,
        one_way,
        families,
        want_proof: false,
        budget: None,
        faults: None,
        waypoints: None,
    }
}

/// The ports of a packet as single-port ranges (`None` for protocols without ports).
pub fn pinned_ports(p: &Packet) -> (Option<PortRange>, Option<PortRange>) {
    if p.has_ports() {
        (Some(PortRange::single(p.dst_port)), Some(PortRange::single(p.src_port)))
    } else {
        (None, None)
    }
}

/// True iff a question pins every header field of `p`: all but the ICMP type and code of a
/// one-way ICMP packet (a round trip is asked of echo requests only, so those are pinned too).
pub fn exactly_pinned(p: &Packet, one_way: bool) -> bool {
    !(p.is_icmp() && one_way)
}

// ---------------------------------------------------------------- destinations and spaces

/// True iff `a` is an internet address (SEMANTICS.md §4): public, outside every modelled VPC
/// block, not a modelled public address.
pub fn is_internet(net: &Network, ix: &NetworkIndex, a: &IpAddr) -> bool {
    let in_vpc = net.vpcs.values().any(|v| v.contains(a));
    match a {
        IpAddr::V4(v) => {
            !in_vpc && !ranges::non_public_v4().iter().any(|c| c.contains(a)) && ix.public_owner(v).is_none()
        }
        IpAddr::V6(_) => {
            !in_vpc && ranges::public_v6().contains(a) && !ranges::non_public_v6().iter().any(|c| c.contains(a))
        }
    }
}

/// True iff a request delivered at `place` reached the question's destination `to`
/// (DESIGN.md §2: an interface it covers, or an external host through a gateway it allows).
pub fn delivered_to(net: &Network, place: &Place, to: &Endpoint) -> bool {
    match place {
        Place::Interface { id } => to.interfaces.contains(id),
        Place::Internet { gateway } => match &to.external {
            Some(External::Internet { via }) => via.as_ref().is_none_or(|v| v == gateway),
            Some(External::Block(_)) => true,
            Some(External::Service { via: None, .. }) => net
                .internet_gateways
                .contains_key(&InternetGatewayId::new(gateway.as_str())),
            _ => false,
        },
        Place::AwsService { endpoint } => match &to.external {
            Some(External::Service { via, .. }) => via.as_ref().is_none_or(|v| v == endpoint),
            Some(External::Block(_)) => true,
            _ => false,
        },
        Place::OnPremises { gateway } => match &to.external {
            Some(External::OnPremises(g)) => g == gateway,
            Some(External::Block(_)) | Some(External::OnPremNetwork { .. }) => true,
            _ => false,
        },
        Place::OnPremisesVia { .. } => matches!(
            &to.external,
            Some(External::Block(_)) | Some(External::OnPremNetwork { .. })
        ),
    }
}

/// Where the request of a trace was delivered, if it was.
pub fn request_place(t: &Trace) -> Option<&Place> {
    match &t.request.outcome {
        LegOutcome::Delivered { at, .. } => Some(at),
        _ => None,
    }
}

/// True iff the trace is reachable, its request reached `to`, and (for a source naming its
/// internet gateway) it entered through that gateway.
pub fn reaches(net: &Network, t: &Trace, from: &Endpoint, to: &Endpoint) -> bool {
    let via_ok = match (&t.start, &from.external) {
        (Start::Internet, Some(External::Internet { via: Some(g) })) => t.request.hops.iter().any(|h| &h.id == g),
        _ => true,
    };
    t.status() == Status::Reachable && via_ok && request_place(t).is_some_and(|p| delivered_to(net, p, to))
}

/// Addresses worth sampling in a block: its first and last address, the ones next to them, one
/// in the middle.
fn block_samples(c: &Cidr) -> Vec<IpAddr> {
    let size_bits = u32::from(c.family().bits()) - u32::from(c.prefix_len());
    let mut v = vec![c.first(), c.last(), offset(c, 1)];
    if size_bits >= 2 {
        v.push(offset(c, 1u128 << (size_bits.min(120) - 1)));
        v.push(offset(c, (1u128 << size_bits.min(120)) - 2));
    }
    v
}

/// Every CIDR block the network names (rules, routes, lists, subnets, VPCs, on premises).
fn blocks_involved(net: &Network) -> Vec<Cidr> {
    let mut v = cidr_pool(net);
    for acl in net.network_acls.values() {
        v.extend(acl.entries.iter().map(|e| e.cidr));
    }
    for g in net.security_groups.values() {
        for r in g.ingress.iter().chain(&g.egress) {
            if let SecurityGroupPeer::Cidr { cidr } = &r.peer {
                v.push(*cidr);
            }
        }
    }
    for rt in net.route_tables.values() {
        for r in &rt.routes {
            if let RouteDestination::Cidr(c) = r.destination {
                v.push(c);
            }
        }
    }
    for pl in net.prefix_lists.values() {
        v.extend(pl.entries.iter().copied());
    }
    for g in net.vpn_gateways.values() {
        v.extend(g.onprem_cidrs.iter().copied());
    }
    let mut seen = BTreeSet::new();
    v.retain(|c| seen.insert(*c));
    v
}

/// Candidate internet addresses: the usual hosts, and the samples of every block involved,
/// filtered by [`is_internet`].
fn internet_samples(net: &Network, ix: &NetworkIndex) -> Vec<IpAddr> {
    let mut v: Vec<IpAddr> = INTERNET_V4
        .iter()
        .chain(INTERNET_V6.iter())
        .filter_map(|a| a.parse().ok())
        .collect();
    for c in blocks_involved(net) {
        v.extend(block_samples(&c));
    }
    v.retain(|a| is_internet(net, ix, a));
    let mut seen = BTreeSet::new();
    v.retain(|a| seen.insert(*a));
    v
}

/// Addresses of an external endpoint (source or destination side).
fn external_samples(net: &Network, ix: &NetworkIndex, e: &External) -> Vec<IpAddr> {
    match e {
        External::Internet { .. } => internet_samples(net, ix),
        External::Block(c) => block_samples(c),
        External::Service { prefix_list, .. } => net
            .prefix_lists
            .get(prefix_list)
            .map(|pl| pl.entries.iter().flat_map(block_samples).collect())
            .unwrap_or_default(),
        External::OnPremises(g) => {
            let declared: Vec<Cidr> = net
                .vpn_gateways
                .get(g)
                .map(|g| {
                    net.onprem
                        .known_prefixes(g.id.as_str(), &g.onprem_cidrs)
                        .into_iter()
                        .map(|k| k.cidr)
                        .collect()
                })
                .unwrap_or_default();
            let mut v: Vec<IpAddr> = declared.iter().flat_map(block_samples).collect();
            // A family without declared blocks: any address outside the VPC blocks.
            for fam in [IpFamily::V4, IpFamily::V6] {
                if !declared.iter().any(|c| c.family() == fam) {
                    v.extend(internet_samples(net, ix).into_iter().filter(|a| IpFamily::of(a) == fam));
                }
            }
            v
        }
        External::OnPremNetwork { blocks, .. } => blocks.iter().flat_map(block_samples).collect(),
    }
}

/// True iff `a` is an address of external endpoint `e` (the same sets, as predicates).
fn in_external(net: &Network, ix: &NetworkIndex, e: &External, a: &IpAddr) -> bool {
    match e {
        External::Internet { .. } => is_internet(net, ix, a),
        External::Block(c) => c.contains(a),
        External::Service { prefix_list, .. } => net
            .prefix_lists
            .get(prefix_list)
            .is_some_and(|pl| pl.entries.iter().any(|c| c.contains(a))),
        External::OnPremises(g) => {
            let declared: Vec<Cidr> = net
                .vpn_gateways
                .get(g)
                .map(|g| {
                    net.onprem
                        .known_prefixes(g.id.as_str(), &g.onprem_cidrs)
                        .into_iter()
                        .map(|k| k.cidr)
                        .collect()
                })
                .unwrap_or_default();
            if declared.iter().any(|c| c.family() == IpFamily::of(a)) {
                declared.iter().any(|c| c.contains(a))
            } else {
                !net.vpcs.values().any(|v| v.contains(a))
            }
        }
        External::OnPremNetwork { blocks, .. } => blocks.iter().any(|c| c.contains(a)),
    }
}

/// The addresses a source interface sends from under a question: its private addresses in the
/// endpoint's block, or whose public address is in it.
fn source_addresses(x: &NetworkInterface, from: &Endpoint) -> Vec<IpAddr> {
    x.private_ipv4
        .iter()
        .filter(|p| {
            from.address_filter.is_none_or(|f| {
                f.contains(&IpAddr::V4(p.address))
                    || p.public_ip
                        .as_ref()
                        .is_some_and(|pb| f.contains(&IpAddr::V4(pb.address)))
            })
        })
        .map(|p| IpAddr::V4(p.address))
        .chain(
            x.ipv6
                .iter()
                .map(|a| IpAddr::V6(*a))
                .filter(|a| from.address_filter.is_none_or(|f| f.contains(a))),
        )
        .collect()
}

/// The addresses a destination interface is addressed by under a question: private and IPv6
/// ones (an internet host never addresses a private IPv4, §4), public IPv4, all within the
/// endpoint's block.
fn destination_addresses(y: &NetworkInterface, to: &Endpoint, from_internet: bool) -> Vec<IpAddr> {
    let mut v: Vec<IpAddr> = y
        .private_addresses()
        .filter(|a| !(from_internet && a.is_ipv4()))
        .collect();
    v.extend(y.public_addresses().map(IpAddr::V4));
    v.retain(|a| to.address_filter.is_none_or(|f| f.contains(a)));
    v
}

/// The packets a question is about (DESIGN.md §2), as candidate values per field.
#[derive(Debug, Clone)]
pub struct Space {
    /// Source addresses with their starts.
    pub sources: Vec<(IpAddr, Vec<Start>)>,
    /// Destination addresses.
    pub dsts: Vec<IpAddr>,
    /// The protocol asked, or `None` for any.
    pub protocol: Option<u8>,
    /// Destination ports.
    pub dports: PortRange,
    /// Source ports.
    pub sports: PortRange,
    /// Request only.
    pub one_way: bool,
}

impl Space {
    /// The space of a question.
    pub fn of(net: &Network, ix: &NetworkIndex, q: &Question<'_>) -> Space {
        let mut sources: Vec<(IpAddr, Vec<Start>)> = Vec::new();
        for x in q.from.interfaces.iter().filter_map(|i| net.network_interfaces.get(i)) {
            for a in source_addresses(x, q.from) {
                sources.push((a, vec![Start::Interface(x.id.clone())]));
            }
        }
        if let Some(e) = &q.from.external {
            let starts: Vec<Start> = match e {
                External::Internet { .. } => vec![Start::Internet],
                External::OnPremises(g) => vec![Start::OnPremises(g.clone())],
                _ => {
                    let mut v = vec![Start::Internet];
                    v.extend(net.vpn_gateways.keys().map(|g| Start::OnPremises(g.clone())));
                    v
                }
            };
            for a in external_samples(net, ix, e) {
                sources.push((a, starts.clone()));
            }
        }
        let from_internet = matches!(q.from.external, Some(External::Internet { .. }));
        let mut dsts: Vec<IpAddr> =
            q.to.interfaces
                .iter()
                .filter_map(|i| net.network_interfaces.get(i))
                .flat_map(|y| destination_addresses(y, q.to, from_internet))
                .collect();
        if let Some(e) = &q.to.external {
            dsts.extend(external_samples(net, ix, e));
        }
        let mut seen = BTreeSet::new();
        dsts.retain(|a| seen.insert(*a));
        Space {
            sources,
            dsts,
            protocol: q.protocol,
            dports: q.dst_ports.unwrap_or(PortRange::ALL),
            sports: q.src_ports.unwrap_or(PortRange::EPHEMERAL),
            one_way: q.one_way,
        }
    }

    /// True iff `p`, sent from `start`, is a packet of the question `q` this space describes.
    pub fn contains(&self, net: &Network, ix: &NetworkIndex, q: &Question<'_>, start: &Start, p: &Packet) -> bool {
        let src_ok = match start {
            Start::Interface(x) => {
                q.from.interfaces.contains(x)
                    && net
                        .network_interfaces
                        .get(x)
                        .is_some_and(|e| source_addresses(e, q.from).contains(&p.src_ip))
            }
            Start::Internet => match &q.from.external {
                Some(e @ (External::Internet { .. } | External::Block(_))) => in_external(net, ix, e, &p.src_ip),
                _ => false,
            },
            Start::OnPremises(g) => match &q.from.external {
                Some(e @ External::OnPremises(h)) => g == h && in_external(net, ix, e, &p.src_ip),
                Some(e @ (External::Block(_) | External::OnPremNetwork { .. })) => in_external(net, ix, e, &p.src_ip),
                _ => false,
            },
            Start::OnPremisesVia(_) => match &q.from.external {
                Some(e @ (External::Block(_) | External::OnPremNetwork { .. })) => in_external(net, ix, e, &p.src_ip),
                _ => false,
            },
        };
        let from_internet = matches!(q.from.external, Some(External::Internet { .. }));
        let dst_ok =
            q.to.interfaces
                .iter()
                .filter_map(|i| net.network_interfaces.get(i))
                .any(|y| destination_addresses(y, q.to, from_internet).contains(&p.dst_ip))
                || q.to
                    .external
                    .as_ref()
                    .is_some_and(|e| in_external(net, ix, e, &p.dst_ip));
        let family_ok = match IpFamily::of(&p.src_ip) {
            IpFamily::V4 => p.protocol != proto::ICMPV6,
            IpFamily::V6 => p.protocol != proto::ICMP,
        } && q.families.contains(&IpFamily::of(&p.src_ip));
        let proto_ok = self.protocol.is_none_or(|n| n == p.protocol);
        let fields_ok = if p.has_ports() {
            self.dports.contains(p.dst_port) && self.sports.contains(p.src_port) && p.icmp_type == 0 && p.icmp_code == 0
        } else if p.is_icmp() {
            p.src_port == 0 && p.dst_port == 0 && (self.one_way || sim::is_echo_request(p))
        } else {
            p.src_port == 0 && p.dst_port == 0 && p.icmp_type == 0 && p.icmp_code == 0
        };
        src_ok && dst_ok && family_ok && proto_ok && fields_ok
    }

    /// Up to `n` packets of the space, with their starts: boundary values first (ports 0, 1023,
    /// 1024, 65535 and the range ends; each protocol; first and last addresses of the blocks),
    /// then pseudo-random combinations drawn with `seed`.
    pub fn sample(&self, families: &[IpFamily], n: usize, seed: u64) -> Vec<(Packet, Vec<Start>)> {
        let mut rng = SplitMix(seed);
        let mut out: Vec<(Packet, Vec<Start>)> = Vec::new();
        let pairs: Vec<(&(IpAddr, Vec<Start>), &IpAddr)> = self
            .sources
            .iter()
            .flat_map(|s| self.dsts.iter().map(move |d| (s, d)))
            .filter(|((s, _), d)| s.is_ipv4() == d.is_ipv4() && s != *d && families.contains(&IpFamily::of(s)))
            .collect();
        if pairs.is_empty() {
            return out;
        }
        let port_values = |r: &PortRange| -> Vec<u16> {
            let mut v: Vec<u16> = [r.from(), r.to(), 0, 1023, 1024, 65535, 22, 80, 443, 49152]
                .into_iter()
                .filter(|p| r.contains(*p))
                .collect();
            v.dedup();
            v
        };
        let dports = port_values(&self.dports);
        let sports = port_values(&self.sports);
        for k in 0..n {
            let ((src, starts), dst) = pairs[if k < pairs.len() { k } else { rng.below(pairs.len()) }];
            let v4 = src.is_ipv4();
            let protocols: Vec<u8> = match self.protocol {
                Some(p) => vec![p],
                None => vec![proto::TCP, proto::UDP, if v4 { proto::ICMP } else { proto::ICMPV6 }, 50],
            };
            let protocol = protocols[rng.below(protocols.len())];
            let p = if proto::has_ports(protocol) {
                let pick = |rng: &mut SplitMix, values: &[u16], r: &PortRange| -> u16 {
                    if rng.below(3) == 0 {
                        r.from() + (rng.next() % (u64::from(r.to() - r.from()) + 1)) as u16
                    } else {
                        values[rng.below(values.len())]
                    }
                };
                let dport = pick(&mut rng, &dports, &self.dports);
                let sport = pick(&mut rng, &sports, &self.sports);
                Packet::with_ports(protocol, *src, sport, *dst, dport)
            } else if proto::is_icmp(protocol) {
                let echo = if v4 { 8 } else { 128 };
                let kinds = [(echo, 0), (0, 0), (3, 4), (11, 0), (echo, 1)];
                let (t, c) = if self.one_way {
                    kinds[rng.below(kinds.len())]
                } else {
                    (echo, 0)
                };
                Packet::icmp(protocol, *src, *dst, t, c)
            } else {
                Packet::other(protocol, *src, *dst)
            };
            if (protocol == proto::ICMP && !v4) || (protocol == proto::ICMPV6 && v4) {
                continue;
            }
            out.push((p, starts.clone()));
        }
        out
    }
}

/// A small deterministic generator for sampling (SplitMix64).
#[derive(Debug, Clone)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next value.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

// ---------------------------------------------------------------- reports

/// One line per hop of a leg.
fn leg_lines(out: &mut String, name: &str, leg: &sim::Leg) {
    let _ = writeln!(out, "    {name} {}:", leg.packet);
    for h in &leg.hops {
        let _ = writeln!(out, "      {} ({}) {}", h.id, h.kind, h.detail);
    }
    let _ = writeln!(out, "      => {:?}", leg.outcome);
}

/// A trace, readable.
pub fn show_trace(t: &Trace) -> String {
    let mut out = format!("  sim from {:?}: {:?}\n", t.start, t.status());
    leg_lines(&mut out, "request", &t.request);
    if let Some(r) = &t.reply {
        leg_lines(&mut out, "reply", r);
    }
    out
}

/// An SMT answer, readable.
pub fn show_answer(a: &Answer) -> String {
    match a {
        Answer::Reachable(w) => format!(
            "  smt: reachable with {} from {:?}\n    forward {:?}\n    reply {:?}\n",
            w.packet, w.start, w.forward, w.reply
        ),
        Answer::Unreachable { blocked, paths, .. } => {
            let mut s = format!("  smt: unreachable ({paths} paths)\n");
            for b in blocked {
                let _ = writeln!(s, "    blocked at {} ({}) rule {}: {}", b.id, b.kind, b.rule, b.reason);
            }
            s
        }
        Answer::Unknown { causes, blocked, .. } => {
            let mut s = format!("  smt: unknown {causes:?}\n");
            for b in blocked {
                let _ = writeln!(s, "    blocked at {} ({}) rule {}", b.id, b.kind, b.rule);
            }
            s
        }
    }
}

/// The failure report of a comparison: what disagreed, both sides, and the network as a spec.
///
/// With `DIFFERENTIAL_DUMP=DIR` set, the network is also written to `DIR/last-failure.toml` with
/// the report as its comment (each failing run overwrites it, so after shrinking it holds the
/// minimal network): the start of a fixture under `tests/fixtures/regressions/`.
pub fn report(what: &str, sides: &str, net: &Network) -> String {
    if let Ok(dir) = std::env::var("DIFFERENTIAL_DUMP") {
        let text = crate::differential::spec::to_toml_with(net, &format!("{what}\n{sides}"));
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(std::path::Path::new(&dir).join("last-failure.toml"), text);
    }
    format!("{what}\n{sides}\n--- network (spec) ---\n{}", to_toml(net))
}
