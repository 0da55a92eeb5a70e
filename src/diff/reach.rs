//! How far a class's traffic can go: the VPCs whose resources a packet from or to one of its
//! endpoints (or the reply) can consult, in either network. [`super::scope`] uses it for changes
//! that are not local to endpoints (a gateway, a main route table, a prefix list, a forwarder):
//! such a change concerns only the pairs with a class whose reach holds the change's VPC.
//!
//! Why a pair's paths stay within the reach of its two classes (SEMANTICS.md §3–§5): a request
//! from S is routed by S's subnet route table; each hop leaves a VPC only through a target of a
//! route table of that VPC, and the reply from D starts at D's subnet route table, so both legs
//! stay within the closure of S's and D's VPCs under these steps, taken over BOTH networks' route
//! tables (a route AFTER adds makes new candidate paths):
//! - a NAT gateway, an instance or a network interface target: the VPC holding it, whose route
//!   tables route onwards (a forwarder);
//! - a peering connection: the peer VPC, where the packet is delivered to the holder of its
//!   destination (RT-5, PCX-7: no transit, no edge-to-edge). Only when the peer holds something
//!   that may forward (an interface other than a customer interface with the source/destination
//!   check on or a NAT gateway's, or an endpoint other than a gateway endpoint) are the peer's
//!   route tables followed too;
//! - an internet or egress-only internet gateway, a gateway endpoint: the packet leaves the
//!   modelled VPCs. Coming back in over the internet it is addressed to a public address, which
//!   the internet gateway of the VPC of its owner translates (IGW-2): the destination's own VPC
//!   on the request, the sender's (or the NAT gateway it used, which its routes reach) on the
//!   reply;
//! - a virtual private gateway (a route or route propagation), a transit gateway, or a target
//!   vpcverify does not interpret: everything (on-premises and transit gateway routing can lead
//!   anywhere).
//!
//! The internet and AWS services enter only through the other endpoint's VPC: their reach is
//! empty. On-premises classes reach everything. With a load balancer in either network, every
//! class reaches everything (a load balancer forwards to targets in other VPCs).
//!
//! Owns: that closure. Must not touch: the changes' own scopes ([`super::scope`]), semantics of
//! forwarding beyond the steps above, printing.

use super::classes::{Class, ClassKind, is_endpoint};
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

/// The VPCs a class's traffic can consult; `None`: any.
pub type Reach = Option<BTreeSet<VpcId>>;

/// Where a VPC's route tables lead.
#[derive(Default)]
struct Edges {
    /// Anywhere (a virtual private gateway, a transit gateway, an uninterpreted target).
    anywhere: bool,
    /// VPCs whose route tables are followed too (forwarders).
    forward: BTreeSet<VpcId>,
    /// Peer VPCs (delivered into; followed on only when they may forward).
    peers: BTreeSet<VpcId>,
}

struct Graph {
    edges: BTreeMap<VpcId, Edges>,
    forwarding: BTreeSet<VpcId>,
}

/// The reach of each class of `classes`, over both networks.
pub fn reach(nets: [&Network; 2], classes: &[Class]) -> Vec<Reach> {
    if nets.iter().any(|n| !n.elb.load_balancers.is_empty()) {
        return vec![None; classes.len()];
    }
    let g = Graph::new(nets);
    let mut memo: BTreeMap<BTreeSet<VpcId>, Reach> = BTreeMap::new();
    classes
        .iter()
        .map(|c| match &c.kind {
            ClassKind::External(text) if text == "internet" || text.starts_with("service:") => Some(BTreeSet::new()),
            ClassKind::External(_) => None,
            ClassKind::Interfaces => {
                let start: BTreeSet<VpcId> = c
                    .members
                    .iter()
                    .flat_map(|m| nets.iter().filter_map(move |n| n.network_interfaces.get(m)))
                    .map(|e| e.vpc.clone())
                    .chain(
                        c.subnet
                            .iter()
                            .flat_map(|s| nets.iter().filter_map(move |n| n.subnets.get(s)))
                            .map(|s| s.vpc.clone()),
                    )
                    .collect();
                memo.entry(start.clone()).or_insert_with(|| g.closure(start)).clone()
            }
        })
        .collect()
}

impl Graph {
    fn new(nets: [&Network; 2]) -> Self {
        let mut g = Graph {
            edges: BTreeMap::new(),
            forwarding: BTreeSet::new(),
        };
        for net in nets {
            for e in net.network_interfaces.values() {
                let plain = (is_endpoint(e) && e.source_dest_check) || e.interface_type == "nat_gateway";
                if !plain {
                    g.forwarding.insert(e.vpc.clone());
                }
            }
            for e in net.vpc_endpoints.values() {
                if e.endpoint_type != VpcEndpointType::Gateway {
                    g.forwarding.insert(e.vpc.clone());
                }
            }
            for rt in net.route_tables.values() {
                let edges = g.edges.entry(rt.vpc.clone()).or_default();
                if !rt.propagating_vgws.is_empty() {
                    edges.anywhere = true;
                }
                for r in &rt.routes {
                    Self::edge(nets, &rt.vpc, &r.target, edges);
                }
            }
        }
        g
    }

    fn edge(nets: [&Network; 2], vpc: &VpcId, target: &RouteTarget, edges: &mut Edges) {
        match target {
            RouteTarget::Local
            | RouteTarget::InternetGateway(_)
            | RouteTarget::EgressOnlyInternetGateway(_)
            | RouteTarget::VpcEndpoint(_) => {}
            RouteTarget::NatGateway(n) => {
                edges
                    .forward
                    .extend(nets.iter().filter_map(|x| x.nat_gateways.get(n)).map(|n| n.vpc.clone()));
            }
            RouteTarget::Instance(i) => {
                for x in nets {
                    for e in x.instances.get(i).iter().flat_map(|i| &i.network_interfaces) {
                        edges.forward.extend(
                            nets.iter()
                                .filter_map(|y| y.network_interfaces.get(e))
                                .map(|e| e.vpc.clone()),
                        );
                    }
                }
            }
            RouteTarget::NetworkInterface(e) => {
                edges.forward.extend(
                    nets.iter()
                        .filter_map(|x| x.network_interfaces.get(e))
                        .map(|e| e.vpc.clone()),
                );
            }
            RouteTarget::VpcPeeringConnection(p) => {
                edges.peers.extend(
                    nets.iter()
                        .filter_map(|x| x.vpc_peering_connections.get(p))
                        .filter_map(|c| c.peer_of(vpc).cloned()),
                );
            }
            RouteTarget::VpnGateway(_) | RouteTarget::TransitGateway(_) | RouteTarget::Unsupported { .. } => {
                edges.anywhere = true;
            }
        }
    }

    /// The VPCs reached from `start`, `None` for any.
    fn closure(&self, start: BTreeSet<VpcId>) -> Reach {
        let mut seen: BTreeSet<VpcId> = BTreeSet::new();
        let mut expanded: BTreeSet<VpcId> = BTreeSet::new();
        let mut todo: Vec<VpcId> = start.into_iter().collect();
        seen.extend(todo.iter().cloned());
        while let Some(v) = todo.pop() {
            if !expanded.insert(v.clone()) {
                continue;
            }
            let Some(e) = self.edges.get(&v) else { continue };
            if e.anywhere {
                return None;
            }
            for f in &e.forward {
                seen.insert(f.clone());
                if !expanded.contains(f) {
                    todo.push(f.clone());
                }
            }
            for p in &e.peers {
                seen.insert(p.clone());
                if self.forwarding.contains(p) && !expanded.contains(p) {
                    todo.push(p.clone());
                }
            }
        }
        Some(seen)
    }
}

/// The VPCs a changed resource belongs to, in either network, and whether it can change how an
/// AWS service endpoint resolves (a prefix list, an endpoint); `None` when it is not one VPC's
/// (a VPC itself, a transit gateway, a virtual private gateway, Block Public Access, …).
pub fn change_vpcs(nets: [&Network; 2], collection: &str, id: &str) -> Option<(BTreeSet<VpcId>, bool)> {
    let mut out = BTreeSet::new();
    let mut services = false;
    for net in nets {
        match collection {
            "subnets" => out.extend(net.subnets.get(&SubnetId::new(id)).map(|x| x.vpc.clone())),
            "route_tables" => out.extend(net.route_tables.get(&RouteTableId::new(id)).map(|x| x.vpc.clone())),
            "network_acls" => out.extend(net.network_acls.get(&NetworkAclId::new(id)).map(|x| x.vpc.clone())),
            "security_groups" => out.extend(
                net.security_groups
                    .get(&SecurityGroupId::new(id))
                    .map(|x| x.vpc.clone()),
            ),
            "network_interfaces" => out.extend(
                net.network_interfaces
                    .get(&NetworkInterfaceId::new(id))
                    .map(|x| x.vpc.clone()),
            ),
            "instances" => {
                for e in net
                    .instances
                    .get(&InstanceId::new(id))
                    .iter()
                    .flat_map(|i| &i.network_interfaces)
                {
                    out.extend(
                        nets.iter()
                            .filter_map(|n| n.network_interfaces.get(e))
                            .map(|e| e.vpc.clone()),
                    );
                }
            }
            "internet_gateways" => out.extend(
                net.internet_gateways
                    .get(&InternetGatewayId::new(id))
                    .iter()
                    .flat_map(|g| g.vpcs.iter().cloned()),
            ),
            "egress_only_internet_gateways" => out.extend(
                net.egress_only_internet_gateways
                    .get(&EgressOnlyInternetGatewayId::new(id))
                    .iter()
                    .flat_map(|g| g.vpcs.iter().cloned()),
            ),
            "nat_gateways" => out.extend(net.nat_gateways.get(&NatGatewayId::new(id)).map(|x| x.vpc.clone())),
            "vpc_peering_connections" => {
                if let Some(c) = net.vpc_peering_connections.get(&VpcPeeringConnectionId::new(id)) {
                    out.insert(c.requester.clone());
                    out.insert(c.accepter.clone());
                }
            }
            "vpc_endpoints" => {
                services = true;
                out.extend(net.vpc_endpoints.get(&VpcEndpointId::new(id)).map(|x| x.vpc.clone()));
            }
            "prefix_lists" => {
                services = true;
                out.extend(referencing(net, &PrefixListId::new(id)));
            }
            _ => return None,
        }
    }
    // A resource found in neither network (no VPC to tie it to) is not pruned.
    if out.is_empty() && collection != "prefix_lists" {
        return None;
    }
    Some((out, services))
}

/// The VPCs with a route, a security group rule or an endpoint naming prefix list `p`.
fn referencing(net: &Network, p: &PrefixListId) -> BTreeSet<VpcId> {
    let mut out = BTreeSet::new();
    for rt in net.route_tables.values() {
        if rt
            .routes
            .iter()
            .any(|r| matches!(&r.destination, RouteDestination::PrefixList(x) if x == p))
        {
            out.insert(rt.vpc.clone());
        }
    }
    for sg in net.security_groups.values() {
        if sg
            .ingress
            .iter()
            .chain(&sg.egress)
            .any(|r| matches!(&r.peer, SecurityGroupPeer::PrefixList { id } if id == p))
        {
            out.insert(sg.vpc.clone());
        }
    }
    for e in net.vpc_endpoints.values() {
        if e.prefix_list.as_ref() == Some(p) {
            out.insert(e.vpc.clone());
        }
    }
    out
}
