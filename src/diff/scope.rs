//! Which pairs of classes a change can concern: the footprint of the candidate paths.
//!
//! A packet between two interfaces crosses their interfaces, security groups, subnets, network
//! ACLs and subnet route tables, and beyond those only components that forward: gateways,
//! peering connections, transit gateways, and the subnets (with their ACLs and route tables) of
//! NAT gateways, forwarding interfaces and transit gateway attachments. So a change is *local*
//! when it touches only endpoints' own resources, and then it concerns only the pairs with an
//! endpoint among them:
//! - a security group no forwarder carries: the pairs whose destination carries it (an ingress
//!   rule changed), whose source carries it (an egress rule changed), or either;
//! - a customer interface or its instance: the pairs with its class on either side, and with a
//!   class whose groups have a rule naming one of its groups (membership decides such rules);
//! - a network ACL, a subnet, or a non-main route table without gateway associations, none of
//!   whose subnets (in either network) holds a forwarder: the pairs with a class in one of those
//!   subnets on either side;
//! - a change to tags alone: no pair.
//!
//! Any other change that belongs to one VPC (a gateway, a peering, a prefix list, a main or
//! gateway route table, a forwarder, an ACL or route table of a forwarder's subnet, …) concerns
//! the pairs with a class whose *reach* ([`super::reach`]: the VPCs its traffic and the replies
//! to it can consult, in either network) holds that VPC (a prefix list: a VPC whose routes,
//! groups or endpoints name it); one that can change how an AWS service resolves (a prefix list,
//! an endpoint) also concerns the pairs with a service. The rest (a VPC, a transit gateway, a
//! virtual private gateway, Block Public Access, …) is *global*: every pair is asked. Each step
//! over-approximates the candidate paths' footprint, so pruning never hides a change.
//!
//! Owns: that classification. Must not touch: semantics of forwarding, printing.

use super::changes::{Change, ChangeKind};
use super::classes::Class;
use super::restrict::{self, Addressing, Filter};
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

/// The pairs a change concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// No pair (tags only).
    None,
    /// Every pair.
    Global,
    /// Pairs with a class among these on either side: the classes whose reach holds the
    /// change's VPC.
    Reach(BTreeSet<usize>),
    /// Pairs whose source is among `src` or whose destination is among `dst` (class indices).
    Local {
        /// Source classes.
        src: BTreeSet<usize>,
        /// Destination classes.
        dst: BTreeSet<usize>,
    },
}

/// The union of the scopes of every change.
#[derive(Debug, Clone, Default)]
pub struct Footprint {
    /// Some change is global.
    pub global: bool,
    /// Source classes of local changes.
    pub src: BTreeSet<usize>,
    /// Destination classes of local changes.
    pub dst: BTreeSet<usize>,
    /// Local changes refined by the addresses they can affect ([`restrict`]).
    pub filtered: Vec<Filter>,
    /// The classes' addresses (DIFF-2 to DIFF-4); `None`: no refinement.
    pub addressing: Option<Addressing>,
}

impl Footprint {
    /// True when a change can concern the pair.
    pub fn concerns(&self, s: usize, d: usize) -> bool {
        let Some(a) = &self.addressing else {
            return self.global || self.src.contains(&s) || self.dst.contains(&d) || !self.filtered.is_empty();
        };
        if !a.deliverable(s, d) {
            return false;
        }
        self.global
            || self.src.contains(&s)
            || self.dst.contains(&d)
            || self.filtered.iter().any(|f| a.concerns(f, s, d))
    }

    /// The packets of the pair a change can affect (DIFF-6): `None` when no change concerns it,
    /// every packet when a change that is not refined does.
    pub fn header(&self, s: usize, d: usize) -> Option<restrict::Header> {
        let Some(a) = &self.addressing else {
            return self.concerns(s, d).then_some(restrict::Header::ALL);
        };
        if !a.deliverable(s, d) {
            return None;
        }
        if self.global || self.src.contains(&s) || self.dst.contains(&d) || a.off {
            return Some(restrict::Header::ALL);
        }
        self.filtered
            .iter()
            .filter(|f| a.concerns(f, s, d))
            .map(Filter::header)
            .reduce(restrict::Header::join)
    }

    /// True when some change concerns some pair.
    pub fn any(&self) -> bool {
        self.global || !self.src.is_empty() || !self.dst.is_empty() || !self.filtered.is_empty()
    }
}

struct View<'a> {
    nets: [&'a Network; 2],
    class_of: BTreeMap<&'a NetworkInterfaceId, usize>,
    classes: &'a [Class],
    reach: Vec<super::reach::Reach>,
    forwarding_subnets: BTreeSet<SubnetId>,
}

/// The footprint of `changes` over `classes`, with each change's scope.
pub fn footprint(before: &Network, after: &Network, classes: &[Class], changes: &[Change]) -> (Footprint, Vec<Scope>) {
    let mut class_of = BTreeMap::new();
    for (i, c) in classes.iter().enumerate() {
        for m in &c.members {
            class_of.insert(m, i);
        }
    }
    let mut forwarding_subnets = BTreeSet::new();
    for net in [before, after] {
        for e in net.network_interfaces.values() {
            if !super::classes::is_endpoint(e) || !e.source_dest_check {
                forwarding_subnets.insert(e.subnet.clone());
            }
        }
        for n in net.nat_gateways.values() {
            forwarding_subnets.insert(n.subnet.clone());
        }
        for a in net.tgw.attachments.values() {
            forwarding_subnets.extend(a.subnets().iter().cloned());
        }
        for e in net.vpc_endpoints.values() {
            forwarding_subnets.extend(e.subnets.iter().cloned());
        }
    }
    let reach = super::reach::reach([before, after], classes);
    let v = View {
        nets: [before, after],
        class_of,
        classes,
        reach: reach.clone(),
        forwarding_subnets,
    };
    let mut fp = Footprint {
        addressing: Some(Addressing::new([before, after], classes, reach)),
        ..Footprint::default()
    };
    let mut scopes = Vec::new();
    for c in changes {
        let s = match v.scope(c) {
            Scope::Global => v.by_reach(c),
            s => s,
        };
        if let Some(f) = v.filter(c, &s) {
            fp.filtered.push(f);
            scopes.push(s);
            continue;
        }
        match &s {
            Scope::None => {}
            Scope::Global => fp.global = true,
            Scope::Reach(set) => {
                fp.src.extend(set.iter().copied());
                fp.dst.extend(set.iter().copied());
            }
            Scope::Local { src, dst } => {
                fp.src.extend(src.iter().copied());
                fp.dst.extend(dst.iter().copied());
            }
        }
        scopes.push(s);
    }
    (fp, scopes)
}

impl View<'_> {
    /// DIFF-3, DIFF-4: a local change to a group's rules or a route table's routes, refined by
    /// the addresses it can affect.
    fn filter(&self, c: &Change, s: &Scope) -> Option<Filter> {
        let Scope::Local { src, dst } = s else { return None };
        if c.change != ChangeKind::Modified {
            return None;
        }
        let only = |allowed: &[&str]| c.fields.iter().all(|f| allowed.contains(&f.as_str()) || f == "tags");
        let classes: BTreeSet<usize> = src.union(dst).copied().collect();
        match c.collection.as_str() {
            "security_groups" if only(&["ingress", "egress"]) => {
                restrict::group_filter(self.nets, &SecurityGroupId::new(&c.id), &classes)
            }
            "route_tables" if only(&["routes"]) => {
                restrict::route_filter(self.nets, &RouteTableId::new(&c.id), &classes)
            }
            _ => None,
        }
    }

    /// A change that is not local: the pairs with a class whose reach holds its VPC.
    fn by_reach(&self, c: &Change) -> Scope {
        let Some((vpcs, services)) = super::reach::change_vpcs(self.nets, &c.collection, &c.id) else {
            return Scope::Global;
        };
        let set: BTreeSet<usize> = self
            .classes
            .iter()
            .zip(&self.reach)
            .enumerate()
            .filter(|(_, (class, reach))| {
                (services && class.kind != super::classes::ClassKind::Interfaces)
                    || reach.as_ref().is_none_or(|r| !r.is_disjoint(&vpcs))
            })
            .map(|(i, _)| i)
            .collect();
        if set.len() == self.classes.len() {
            Scope::Global
        } else {
            Scope::Reach(set)
        }
    }

    fn scope(&self, c: &Change) -> Scope {
        if c.change == ChangeKind::Modified && c.fields.iter().all(|f| f == "tags") && !c.fields.is_empty() {
            return Scope::None;
        }
        match c.collection.as_str() {
            "security_groups" => self.group(c),
            "network_interfaces" => self.interfaces(&[NetworkInterfaceId::new(&c.id)]),
            "instances" => {
                let id = InstanceId::new(&c.id);
                let ifaces: Vec<NetworkInterfaceId> = self
                    .nets
                    .iter()
                    .filter_map(|n| n.instances.get(&id))
                    .flat_map(|i| i.network_interfaces.iter().cloned())
                    .collect();
                self.interfaces(&ifaces)
            }
            "network_acls" => {
                let id = NetworkAclId::new(&c.id);
                let subnets: Vec<SubnetId> = self
                    .nets
                    .iter()
                    .filter_map(|n| n.network_acls.get(&id))
                    .flat_map(|a| a.subnets.iter().cloned())
                    .collect();
                self.subnets(&subnets)
            }
            "route_tables" => {
                let id = RouteTableId::new(&c.id);
                let tables: Vec<&RouteTable> = self.nets.iter().filter_map(|n| n.route_tables.get(&id)).collect();
                if tables.iter().any(|t| t.main || !t.gateways.is_empty()) {
                    return Scope::Global;
                }
                let subnets: Vec<SubnetId> = tables.iter().flat_map(|t| t.subnets.iter().cloned()).collect();
                self.subnets(&subnets)
            }
            "subnets" => self.subnets(&[SubnetId::new(&c.id)]),
            _ => Scope::Global,
        }
    }

    fn both(&self, classes: BTreeSet<usize>) -> Scope {
        Scope::Local {
            src: classes.clone(),
            dst: classes,
        }
    }

    fn group(&self, c: &Change) -> Scope {
        let g = SecurityGroupId::new(&c.id);
        let mut members = BTreeSet::new();
        for net in self.nets {
            for e in net.network_interfaces.values().filter(|e| e.groups.contains(&g)) {
                match self.class_of.get(&e.id) {
                    Some(i) if !self.classes[*i].forwarder => {
                        members.insert(*i);
                    }
                    _ => return Scope::Global,
                }
            }
            // A group of an endpoint or a load balancer filters traffic it forwards.
            if net.vpc_endpoints.values().any(|e| e.groups.contains(&g)) {
                return Scope::Global;
            }
        }
        let only = |f: &str| c.change == ChangeKind::Modified && c.fields.iter().all(|x| x == f || x == "tags");
        if only("ingress") {
            Scope::Local {
                src: BTreeSet::new(),
                dst: members,
            }
        } else if only("egress") {
            Scope::Local {
                src: members,
                dst: BTreeSet::new(),
            }
        } else {
            self.both(members)
        }
    }

    fn interfaces(&self, ids: &[NetworkInterfaceId]) -> Scope {
        let mut set = BTreeSet::new();
        let mut groups: BTreeSet<SecurityGroupId> = BTreeSet::new();
        for id in ids {
            for net in self.nets {
                if let Some(e) = net.network_interfaces.get(id) {
                    if !super::classes::is_endpoint(e) || !e.source_dest_check {
                        return Scope::Global;
                    }
                    groups.extend(e.groups.iter().cloned());
                }
            }
            match self.class_of.get(id) {
                Some(i) => {
                    set.insert(*i);
                }
                None => return Scope::Global,
            }
        }
        // Rules that name one of its groups: membership decides them.
        for net in self.nets {
            for sg in net.security_groups.values() {
                let names = sg.ingress.iter().chain(&sg.egress).any(|r| match &r.peer {
                    SecurityGroupPeer::SecurityGroup { id, .. } => groups.contains(id),
                    _ => false,
                });
                if names {
                    for e in net.network_interfaces.values().filter(|e| e.groups.contains(&sg.id)) {
                        match self.class_of.get(&e.id) {
                            Some(i) => {
                                set.insert(*i);
                            }
                            None => return Scope::Global,
                        }
                    }
                }
            }
        }
        self.both(set)
    }

    fn subnets(&self, subnets: &[SubnetId]) -> Scope {
        if subnets.iter().any(|s| self.forwarding_subnets.contains(s)) {
            return Scope::Global;
        }
        let set: BTreeSet<usize> = self
            .classes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.subnet.as_ref().is_some_and(|s| subnets.contains(s)))
            .map(|(i, _)| i)
            .collect();
        self.both(set)
    }
}
