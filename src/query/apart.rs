//! Questions settled on the model, without the solver (SEMANTICS.md §9.0b, SCREEN-1, SCREEN-2):
//! a request from a set of interfaces (or from the internet) that no packet can deliver to a
//! destination interface, for a reason read off the route tables and the destination's security
//! groups. The built-in pack asks hundreds of thousands of questions on a large estate, most of
//! them between VPCs that no route joins; these screens settle those before Z3 is asked.
//!
//! - SCREEN-1 (no delivery): outside the source's reach ([`super::reach`]) a packet enters a VPC
//!   only over the internet, addressed to a public IPv4 or an IPv6 address. A destination with
//!   neither, whose VPC is outside the reach of the source's VPCs, receives nothing from it; from
//!   the internet, a destination without either receives nothing.
//! - SCREEN-2 (not admitted): a request is delivered to a customer's interface only if one of the
//!   interface's groups has an inbound rule whose peer holds the packet's source address as the
//!   interface sees it (SG-1..SG-8). Those addresses are the sources' public IPv4 and IPv6
//!   addresses, the addresses of every component that translates (NAT gateways, managed and
//!   forwarding interfaces) and, when the destination's VPC is within the sources' reach, the
//!   sources' private addresses (and the translators' private ones). When no inbound rule that
//!   can match the question's protocol and destination ports names any of them, nothing is
//!   admitted. From the internet, whose hosts' addresses are public and outside every modelled
//!   block (SEMANTICS.md §4), only a rule naming a block (or a prefix list entry) that may hold
//!   such an address can admit a request.
//!
//! Either rule settles a question only when the input settles it and the engine would not leave
//! it unknown: nothing is decided for a network with a load balancer (it rewrites addresses) or a
//! gateway route table (ingress routing, RT-18, not modelled), for sources whose traffic may be
//! carried anywhere (a transit gateway, a virtual private gateway, a target or peer missing from
//! the input, see [`super::reach`]), a destination whose groups are missing or filter nothing
//! (SG-1a, SG-1b), a rule naming a prefix list whose entries are unknown, or an address known
//! only after apply. Nothing here is a verdict with evidence: callers use a settled question only where
//! they keep no evidence (the pack's screens, `check::screen`).
//!
//! Owns: those two rules and the address sets they read. Must not touch: z3, the simulator,
//! printing.

use super::endpoint::{Role, resolve};
use super::reach::{Graph, Reach, Translators};
use crate::model::*;
use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// Why a question needs no solver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// SCREEN-1: no packet from the sources is delivered to the destination.
    NoDelivery,
    /// SCREEN-2 (for some destination interface, SCREEN-1 for the others): the destination's
    /// groups admit no source address it can see.
    NotAdmitted,
}

impl Settled {
    /// The rule id.
    pub fn rule(self) -> &'static str {
        match self {
            Settled::NoDelivery => "SCREEN-1",
            Settled::NotAdmitted => "SCREEN-2",
        }
    }
}

/// A source set's facts, computed once per endpoint.
#[derive(Debug, Default)]
struct Sources {
    /// The VPCs of the interfaces.
    reach: Reach,
    /// Private addresses, sorted.
    private: Vec<IpAddr>,
    /// Public IPv4 and IPv6 addresses, sorted.
    public: Vec<IpAddr>,
    /// Some address is known only after apply.
    unsettled: bool,
    /// The interfaces.
    interfaces: BTreeSet<NetworkInterfaceId>,
}

/// The screens of one network.
#[derive(Debug)]
pub struct Apart {
    graph: Graph,
    /// A load balancer exists (nothing is settled).
    off: bool,
    translators: Translators,
    /// Every VPC's blocks (no internet host is inside one).
    vpc_blocks: Vec<Cidr>,
    /// The sources' facts by the text naming them (`None`: not settled by the screens).
    sources: Mutex<HashMap<String, Option<Arc<Sources>>>>,
}

/// True when some address of `sorted` lies in `c`.
fn any_in(sorted: &[IpAddr], c: &Cidr) -> bool {
    let first = c.first();
    let i = sorted.partition_point(|a| *a < first);
    sorted.get(i).is_some_and(|a| c.contains(a))
}

/// True when the interface has a public IPv4 (known or not) or an IPv6 address.
fn addressed_publicly(e: &NetworkInterface) -> bool {
    !e.ipv6.is_empty() || e.private_ipv4.iter().any(|p| p.public_ip.is_some())
}

fn unsettled_addresses(e: &NetworkInterface) -> bool {
    e.private_ipv4
        .iter()
        .any(|p| p.assigned_at_apply || p.public_ip.as_ref().is_some_and(|x| x.assigned_at_apply))
}

/// The inbound rules of `d`'s groups that can match a request of `protocol` (any when `None`) to a
/// destination port in `ports` (any when empty); `None` when `d` has no groups or one is missing
/// from the input (SG-1, SG-1a, SG-1b: not settled here).
fn candidate_rules<'n>(
    net: &'n Network,
    d: &NetworkInterface,
    protocol: Option<u8>,
    ports: &[PortRange],
) -> Option<Vec<&'n SecurityGroupRule>> {
    if d.groups.is_empty() {
        return None;
    }
    let mut rules = Vec::new();
    for g in &d.groups {
        rules.extend(&net.security_groups.get(g)?.ingress);
    }
    rules.retain(|r| match (r.protocol, protocol) {
        (Protocol::Number(n), Some(p)) if n != p => false,
        // The destination port a source sends is the one every hop sees (translations rewrite
        // addresses and source ports only, and no load balancer is in the way).
        (Protocol::Number(n), Some(_)) if proto::has_ports(n) && !ports.is_empty() => match r.l4 {
            L4Match::Ports(x) => ports.iter().any(|q| x.from() <= q.to() && q.from() <= x.to()),
            _ => true,
        },
        _ => true,
    });
    Some(rules)
}

/// True when block `c` may hold an internet host's address: a public address (SEMANTICS.md §4)
/// outside every block of `vpc_blocks`.
fn may_hold_internet_host(c: &Cidr, vpc_blocks: &[Cidr]) -> bool {
    use crate::model::addr::ranges;
    let outside = |blocks: &[Cidr]| !blocks.iter().any(|b| b.contains_cidr(c));
    let public = match c.family() {
        IpFamily::V4 => outside(ranges::non_public_v4()),
        IpFamily::V6 => ranges::public_v6().overlaps(c) && outside(ranges::non_public_v6()),
    };
    public && outside(vpc_blocks)
}

/// SCREEN-2 from the internet: an internet host's address is public and outside every modelled
/// block (§4), so a rule naming a group (which matches its members' private and IPv6 addresses,
/// SG-7) never admits it, nor does a rule naming a block of private addresses or within a VPC's;
/// only a rule naming a block (or a prefix list entry) that may hold an internet host can.
fn admits_no_internet_host(
    net: &Network,
    d: &NetworkInterface,
    protocol: Option<u8>,
    ports: &[PortRange],
    vpc_blocks: &[Cidr],
) -> bool {
    candidate_rules(net, d, protocol, ports).is_some_and(|rules| {
        rules.iter().all(|r| match &r.peer {
            SecurityGroupPeer::SecurityGroup { .. } => true,
            SecurityGroupPeer::Cidr { cidr } => !may_hold_internet_host(cidr, vpc_blocks),
            SecurityGroupPeer::PrefixList { id } => match net.prefix_lists.get(id) {
                None => true,
                Some(pl) if !pl.entries_known => false,
                Some(pl) => !pl.entries.iter().any(|c| may_hold_internet_host(c, vpc_blocks)),
            },
        })
    })
}

impl Apart {
    /// The screens of `net`.
    pub fn new(net: &Network) -> Self {
        Apart {
            graph: Graph::new(&[net]),
            off: !net.elb.load_balancers.is_empty() || net.route_tables.values().any(|t| !t.gateways.is_empty()),
            translators: Translators::of(&[net]),
            vpc_blocks: net.vpcs.values().flat_map(|v| v.cidrs().copied()).collect(),
            sources: Mutex::new(HashMap::new()),
        }
    }

    /// The facts of the interfaces `text` names as a source; `None` for anything else (an
    /// external endpoint, an error).
    fn sources(&self, net: &Network, ix: &NetworkIndex, text: &str) -> Option<Arc<Sources>> {
        if let Some(s) = self.sources.lock().unwrap_or_else(PoisonError::into_inner).get(text) {
            return s.clone();
        }
        let s = resolve(net, ix, text, Role::Source)
            .ok()
            .filter(|e| e.external.is_none() && !e.interfaces.is_empty())
            .map(|from| {
                let mut s = Sources::default();
                let mut vpcs = BTreeSet::new();
                for e in from.interfaces.iter().filter_map(|i| net.network_interfaces.get(i)) {
                    vpcs.insert(e.vpc.clone());
                    s.unsettled |= unsettled_addresses(e);
                    s.private.extend(e.private_addresses());
                    s.public.extend(e.public_addresses().map(IpAddr::V4));
                    s.public.extend(e.ipv6.iter().map(|x| IpAddr::V6(*x)));
                }
                s.private.sort_unstable();
                s.public.sort_unstable();
                s.reach = self.graph.closure(vpcs);
                s.interfaces = from.interfaces.into_iter().collect();
                Arc::new(s)
            });
        self.sources
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(text.to_owned(), s.clone());
        s
    }

    /// Why no request of the question (`from` to `to`, endpoints as the user writes them, of
    /// `protocol` when given, to a destination port in one of `ports` when some are given) is
    /// delivered, when the model settles it; `None` when the solver must be asked.
    pub fn settle(
        &self,
        net: &Network,
        ix: &NetworkIndex,
        from: &str,
        to: &str,
        protocol: Option<u8>,
        ports: &[PortRange],
    ) -> Option<Settled> {
        if self.off {
            return None;
        }
        let to = resolve(net, ix, to, Role::Destination).ok()?;
        if to.external.is_some() || to.through.is_some() || to.lb_targets.is_some() || to.interfaces.is_empty() {
            return None;
        }
        let dests: Vec<&NetworkInterface> = to
            .interfaces
            .iter()
            .map(|i| net.network_interfaces.get(i))
            .collect::<Option<_>>()?;
        if from.trim().eq_ignore_ascii_case("internet") {
            let mut worst = Settled::NoDelivery;
            for d in dests {
                if !addressed_publicly(d) {
                    continue;
                }
                if !admits_no_internet_host(net, d, protocol, ports, &self.vpc_blocks) {
                    return None;
                }
                worst = Settled::NotAdmitted;
            }
            return Some(worst);
        }
        let src = self.sources(net, ix, from)?;
        if dests.iter().any(|d| src.interfaces.contains(&d.id)) {
            return None;
        }
        let mut worst = Settled::NoDelivery;
        // Traffic that may be carried anywhere (a transit gateway, a virtual private gateway, a
        // target not interpreted) meets what the engine leaves unknown: ask it.
        let reach = src.reach.as_ref()?;
        for d in dests {
            let private_path = reach.contains(&d.vpc);
            if !private_path && !addressed_publicly(d) {
                continue;
            }
            let rules = candidate_rules(net, d, protocol, ports);
            if rules.is_some_and(|rules| self.admits_none(net, ix, &src, &rules, private_path)) {
                worst = Settled::NotAdmitted;
                continue;
            }
            return None;
        }
        Some(worst)
    }

    /// SCREEN-2: none of `rules` (the inbound rules of a destination's groups that can match the
    /// question's packets, [`candidate_rules`]) names a source address the destination can see
    /// on a request from `src`.
    fn admits_none(
        &self,
        net: &Network,
        ix: &NetworkIndex,
        src: &Sources,
        rules: &[&SecurityGroupRule],
        private_path: bool,
    ) -> bool {
        if src.unsettled || self.translators.unsettled {
            return false;
        }
        let seen = |c: &Cidr| {
            any_in(&src.public, c)
                || any_in(&self.translators.public, c)
                || (private_path && (any_in(&src.private, c) || any_in(&self.translators.private, c)))
        };
        let seen_address = |a: &IpAddr| {
            let has = |v: &[IpAddr]| v.binary_search(a).is_ok();
            has(&src.public)
                || has(&self.translators.public)
                || (private_path && (has(&src.private) || has(&self.translators.private)))
        };
        !rules.iter().any(|r| match &r.peer {
            SecurityGroupPeer::Cidr { cidr } => seen(cidr),
            SecurityGroupPeer::PrefixList { id } => match net.prefix_lists.get(id) {
                None => false,
                Some(pl) if !pl.entries_known => true,
                Some(pl) => pl.entries.iter().any(seen),
            },
            SecurityGroupPeer::SecurityGroup { id, .. } => ix.members_of(id).iter().any(|m| {
                net.network_interfaces
                    .get(m)
                    .is_none_or(|m| unsettled_addresses(m) || m.private_addresses().any(|a| seen_address(&a)))
            }),
        })
    }
}
