//! Which pairs a local change can concern, by the addresses on the packets it can affect
//! (SEMANTICS.md §9.5, DIFF-2 to DIFF-4): the refinement of [`super::scope`]'s local scopes.
//!
//! A pair (S, D) can differ only if some packet between them gets through in one network; and a
//! packet's fate differs only if some hop of its path evaluates a changed item on a header that
//! the old or the new version matches. So:
//! - DIFF-2: a pair of two interface classes whose destination has no public IPv4 address and
//!   no IPv6 address, in either network, and whose destination's VPC is outside the source's
//!   reach ([`super::reach`]) has no packet delivered in either network (outside its reach it is
//!   addressed only over the internet, which needs a public address): it is never asked.
//! - DIFF-3: a security group rule change concerns, of the pairs its scope names, only those
//!   where a packet can carry an address that one of the changed rules (old or new) names: for
//!   an inbound rule, the source address the destination sees (the source's private addresses
//!   when the destination is within its reach, its public and IPv6 addresses, and the addresses
//!   of every component that translates: NAT gateways and managed interfaces); for an outbound
//!   rule, the destination address the source sends to (the destination's private addresses
//!   when within reach, its public and IPv6 addresses). A rule every packet can match (another
//!   group, a prefix list whose entries are unknown) or an external endpoint on the far side
//!   leaves the pair concerned.
//! - DIFF-4: a route change in a (local) route table concerns only packets whose destination,
//!   at a lookup in that table, lies in the changed route's destination (old or new) and is not
//!   covered by an unchanged route of the table more specific than every changed route holding
//!   it (longest prefix match then picks an unchanged route, the same in both networks). The
//!   lookups in the table are the request's of a source in its subnets (destination: where the
//!   source sends) and the reply's of a destination in its subnets (destination: the source
//!   address it saw).
//!
//! - DIFF-6: the question of a pair that only such changes concern is asked only of the packets
//!   the changed items match: the protocol and destination ports of the changed rules, the
//!   family of the changed blocks (one box holding them all). The protocol and the destination
//!   port a source sends are those every hop sees (translations rewrite addresses and source
//!   ports only, without a load balancer).
//!
//! Each rule over-approximates the addresses a packet can carry at that hop, so a pair left out
//! has the same fate in both networks. None applies when a load balancer exists (it rewrites
//! addresses and ports).
//!
//! Owns: the per-class address sets and the filters. Must not touch: semantics of forwarding
//! beyond the above, printing.

use super::classes::{Class, ClassKind};
use super::reach::Reach;
use crate::model::*;
use std::collections::BTreeSet;
use std::net::IpAddr;

/// Addresses a changed item matches: any, or those in these blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocks {
    /// Every address (a rule naming a group is resolved to its members; an unknown prefix list).
    Any,
    /// Those in one of the blocks.
    In(Vec<Cidr>),
}

impl Blocks {
    fn hit(&self, ip: &IpAddr) -> bool {
        match self {
            Blocks::Any => true,
            Blocks::In(v) => v.iter().any(|c| c.contains(ip)),
        }
    }
}

/// The addresses a route change affects in one table (DIFF-4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affected {
    /// Destinations of the changed routes, old and new; `None`: any.
    changed: Option<Vec<Cidr>>,
    /// Unchanged CIDR routes of the table.
    kept: Vec<Cidr>,
}

impl Affected {
    fn hit(&self, ip: &IpAddr) -> bool {
        let Some(changed) = &self.changed else { return true };
        changed.iter().filter(|c| c.contains(ip)).any(|c| {
            !self
                .kept
                .iter()
                .any(|k| k.prefix_len() > c.prefix_len() && k.contains(ip))
        })
    }
}

/// The packets a change can affect, as one box over the request's header as its source sends
/// it (protocol, destination ports, family): outside it, no packet's fate differs (DIFF-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// One protocol, or any.
    pub protocol: Option<u8>,
    /// TCP/UDP destination ports (with `protocol` TCP or UDP), or any.
    pub ports: Option<PortRange>,
    /// One family, or both.
    pub family: Option<IpFamily>,
}

impl Header {
    /// Every packet.
    pub const ALL: Header = Header {
        protocol: None,
        ports: None,
        family: None,
    };

    /// The smallest box holding both.
    pub fn join(self, o: Header) -> Header {
        let protocol = if self.protocol == o.protocol {
            self.protocol
        } else {
            None
        };
        Header {
            protocol,
            ports: match (protocol, self.ports, o.ports) {
                (Some(_), Some(a), Some(b)) => PortRange::new(a.from().min(b.from()), a.to().max(b.to())),
                _ => None,
            },
            family: if self.family == o.family { self.family } else { None },
        }
    }

    /// The box of packets a security group rule matches: its protocol and ports, and the
    /// family of its block (a named group or a prefix list: either).
    fn of_rule(r: &SecurityGroupRule) -> Header {
        let protocol = match r.protocol {
            Protocol::All => None,
            Protocol::Number(n) => Some(n),
        };
        Header {
            protocol,
            ports: match (protocol, &r.l4) {
                (Some(n), L4Match::Ports(p)) if proto::has_ports(n) => Some(*p),
                _ => None,
            },
            family: match &r.peer {
                SecurityGroupPeer::Cidr { cidr } => Some(cidr.family()),
                _ => None,
            },
        }
    }
}

/// A local change's refinement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// A security group's rules changed (DIFF-3).
    Group {
        /// Classes carrying it.
        members: BTreeSet<usize>,
        /// Changed inbound rules' peers (`None`: no inbound rule changed).
        ingress: Option<Blocks>,
        /// Changed outbound rules' peers.
        egress: Option<Blocks>,
        /// The packets the changed rules match.
        header: Header,
    },
    /// A local route table's routes changed (DIFF-4).
    Route {
        /// Classes in its subnets (either network).
        classes: BTreeSet<usize>,
        /// What the change affects.
        affected: Affected,
        /// The packets it can affect (the changed blocks' family).
        header: Header,
    },
}

/// A class's addresses over both networks.
#[derive(Debug, Clone, Default)]
struct ClassAddrs {
    /// An external class: any address.
    any: bool,
    /// Private IPv4 addresses.
    private: Vec<IpAddr>,
    /// Public IPv4 and IPv6 addresses (addressable from outside the VPC).
    public: Vec<IpAddr>,
    /// The members' VPCs.
    vpcs: BTreeSet<VpcId>,
}

/// What the filters need of the two networks.
#[derive(Debug, Clone)]
pub struct Addressing {
    classes: Vec<ClassAddrs>,
    reach: Vec<Reach>,
    /// Private addresses of translating components (NAT gateways, managed interfaces).
    translators_private: Vec<IpAddr>,
    /// Their public addresses.
    translators_public: Vec<IpAddr>,
    /// A load balancer exists: no filter applies.
    pub off: bool,
}

impl Addressing {
    /// The addressing of `classes` over both networks, with each class's reach.
    pub fn new(nets: [&Network; 2], classes: &[Class], reach: Vec<Reach>) -> Self {
        let mut out = Addressing {
            classes: Vec::with_capacity(classes.len()),
            reach,
            translators_private: Vec::new(),
            translators_public: Vec::new(),
            off: nets.iter().any(|n| !n.elb.load_balancers.is_empty()),
        };
        for c in classes {
            let mut a = ClassAddrs {
                any: c.kind != ClassKind::Interfaces,
                ..ClassAddrs::default()
            };
            for net in nets {
                for e in c.members.iter().filter_map(|m| net.network_interfaces.get(m)) {
                    a.vpcs.insert(e.vpc.clone());
                    a.private.extend(e.private_ipv4.iter().map(|p| IpAddr::V4(p.address)));
                    a.public.extend(e.public_addresses().map(IpAddr::V4));
                    a.public.extend(e.ipv6.iter().map(|x| IpAddr::V6(*x)));
                }
            }
            out.classes.push(a);
        }
        let t = crate::query::reach::Translators::of(&nets);
        out.translators_private = t.private;
        out.translators_public = t.public;
        out
    }

    /// True when a packet from class `s` can be delivered to class `d` privately (no public
    /// address needed): `d`'s VPC is within `s`'s reach, or either is external.
    fn private_path(&self, s: usize, d: usize) -> bool {
        let (Some(sa), Some(da)) = (self.classes.get(s), self.classes.get(d)) else {
            return true;
        };
        if sa.any || da.any {
            return true;
        }
        match self.reach.get(s) {
            Some(Some(r)) => da.vpcs.iter().any(|v| r.contains(v)),
            _ => true,
        }
    }

    /// DIFF-2: a packet from `s` can be delivered to `d` in either network.
    pub fn deliverable(&self, s: usize, d: usize) -> bool {
        if self.off {
            return true;
        }
        let Some(da) = self.classes.get(d) else { return true };
        da.any || !da.public.is_empty() || self.private_path(s, d)
    }

    /// Some source address `d` can see on a packet from `s` is `hit`.
    fn source_seen(&self, s: usize, d: usize, hit: impl Fn(&IpAddr) -> bool) -> bool {
        let Some(sa) = self.classes.get(s) else { return true };
        if sa.any {
            return true;
        }
        sa.public.iter().any(&hit)
            || self.translators_public.iter().any(&hit)
            || (self.private_path(s, d) && (sa.private.iter().any(&hit) || self.translators_private.iter().any(&hit)))
    }

    /// Some destination address `s` can send to for `d` is `hit`.
    fn dest_sent(&self, s: usize, d: usize, hit: impl Fn(&IpAddr) -> bool) -> bool {
        let Some(da) = self.classes.get(d) else { return true };
        if da.any {
            return true;
        }
        da.public.iter().any(&hit) || (self.private_path(s, d) && da.private.iter().any(&hit))
    }

    /// The pair (s, d) is concerned by a change refined by `f`.
    pub fn concerns(&self, f: &Filter, s: usize, d: usize) -> bool {
        match f {
            Filter::Group {
                members,
                ingress,
                egress,
                ..
            } => {
                if self.off {
                    return members.contains(&s) || members.contains(&d);
                }
                let inbound =
                    members.contains(&d) && ingress.as_ref().is_some_and(|b| self.source_seen(s, d, |ip| b.hit(ip)));
                let outbound =
                    members.contains(&s) && egress.as_ref().is_some_and(|b| self.dest_sent(s, d, |ip| b.hit(ip)));
                inbound || outbound
            }
            Filter::Route { classes, affected, .. } => {
                if self.off {
                    return classes.contains(&s) || classes.contains(&d);
                }
                (classes.contains(&s) && self.dest_sent(s, d, |ip| affected.hit(ip)))
                    || (classes.contains(&d) && self.source_seen(s, d, |ip| affected.hit(ip)))
            }
        }
    }
}

impl Filter {
    /// The packets the change can affect.
    pub fn header(&self) -> Header {
        match self {
            Filter::Group { header, .. } | Filter::Route { header, .. } => *header,
        }
    }
}

/// The blocks a rule's peer names, over both networks.
fn peer_blocks(nets: [&Network; 2], peer: &SecurityGroupPeer, out: &mut Vec<Cidr>) -> bool {
    match peer {
        SecurityGroupPeer::Cidr { cidr } => out.push(*cidr),
        SecurityGroupPeer::PrefixList { id } => {
            for net in nets {
                match net.prefix_lists.get(id) {
                    Some(p) if p.entries_known => out.extend(p.entries.iter().copied()),
                    _ => return false,
                }
            }
        }
        SecurityGroupPeer::SecurityGroup { id, .. } => {
            for net in nets {
                for e in net.network_interfaces.values().filter(|e| e.groups.contains(id)) {
                    out.extend(e.private_addresses().map(Cidr::host));
                }
            }
        }
    }
    true
}

/// Rules of one list in one version and not in the other (content, not provenance).
fn changed_rules<'a>(before: &'a [SecurityGroupRule], after: &'a [SecurityGroupRule]) -> Vec<&'a SecurityGroupRule> {
    let key = |r: &SecurityGroupRule| (r.protocol, r.l4, r.peer.clone());
    let bk: Vec<_> = before.iter().map(key).collect();
    let ak: Vec<_> = after.iter().map(key).collect();
    before
        .iter()
        .filter(|r| !ak.contains(&key(r)))
        .chain(after.iter().filter(|r| !bk.contains(&key(r))))
        .collect()
}

fn blocks_of(nets: [&Network; 2], rules: &[&SecurityGroupRule]) -> Option<Blocks> {
    if rules.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for r in rules {
        if !peer_blocks(nets, &r.peer, &mut out) {
            return Some(Blocks::Any);
        }
    }
    Some(Blocks::In(out))
}

/// DIFF-3: the filter of a change to group `g` whose members are the classes `members`, when
/// only its rules (and tags) changed; `None` otherwise.
pub fn group_filter(nets: [&Network; 2], g: &SecurityGroupId, members: &BTreeSet<usize>) -> Option<Filter> {
    let (b, a) = (nets[0].security_groups.get(g)?, nets[1].security_groups.get(g)?);
    if b.vpc != a.vpc || b.name != a.name {
        return None;
    }
    let ingress = changed_rules(&b.ingress, &a.ingress);
    let egress = changed_rules(&b.egress, &a.egress);
    let header = ingress
        .iter()
        .chain(&egress)
        .map(|r| Header::of_rule(r))
        .reduce(Header::join)
        .unwrap_or(Header::ALL);
    Some(Filter::Group {
        members: members.clone(),
        ingress: blocks_of(nets, &ingress),
        egress: blocks_of(nets, &egress),
        header,
    })
}

/// DIFF-4: the filter of a change to route table `t` whose subnets hold the classes `classes`,
/// when only its routes (and tags) changed; `None` otherwise.
pub fn route_filter(nets: [&Network; 2], t: &RouteTableId, classes: &BTreeSet<usize>) -> Option<Filter> {
    let (b, a) = (nets[0].route_tables.get(t)?, nets[1].route_tables.get(t)?);
    if b.vpc != a.vpc || b.main != a.main || b.subnets != a.subnets || b.gateways != a.gateways {
        return None;
    }
    if b.propagating_vgws != a.propagating_vgws {
        return None;
    }
    let key = |r: &Route| (r.destination.clone(), r.target.clone(), r.state, r.origin.clone());
    let bk: Vec<_> = b.routes.iter().map(key).collect();
    let ak: Vec<_> = a.routes.iter().map(key).collect();
    let mut changed = Some(Vec::new());
    let mut kept = Vec::new();
    for r in b.routes.iter().chain(&a.routes) {
        let same = bk.contains(&key(r)) && ak.contains(&key(r));
        match (&r.destination, same) {
            (RouteDestination::Cidr(c), true) => kept.push(*c),
            (RouteDestination::PrefixList(_), true) => {}
            (RouteDestination::Cidr(c), false) => {
                if let Some(v) = changed.as_mut() {
                    v.push(*c);
                }
            }
            (RouteDestination::PrefixList(p), false) => {
                for net in nets {
                    match (net.prefix_lists.get(p), changed.as_mut()) {
                        (Some(l), Some(v)) if l.entries_known => v.extend(l.entries.iter().copied()),
                        _ => changed = None,
                    }
                }
            }
        }
    }
    let family = match &changed {
        Some(v) if !v.is_empty() && v.iter().all(|c| c.family() == v[0].family()) => Some(v[0].family()),
        _ => None,
    };
    Some(Filter::Route {
        classes: classes.clone(),
        affected: Affected { changed, kept },
        header: Header {
            protocol: None,
            ports: None,
            family,
        },
    })
}
