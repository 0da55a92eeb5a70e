//! How far a class's traffic can go: the VPCs whose resources a packet from or to one of its
//! endpoints (or the reply) can consult, in either network. [`super::scope`] uses it for changes
//! that are not local to endpoints (a gateway, a main route table, a prefix list, a forwarder):
//! such a change concerns only the pairs with a class whose reach holds the change's VPC.
//!
//! Why a pair's paths stay within the reach of its two classes, and which steps the closure
//! takes: [`crate::query::reach`]. Here it is taken over BOTH networks' route tables (a route
//! AFTER adds makes new candidate paths).
//!
//! The internet and AWS services enter only through the other endpoint's VPC: their reach is
//! empty. On-premises classes reach everything. With a load balancer in either network, every
//! class reaches everything (a load balancer forwards to targets in other VPCs).
//!
//! Owns: the reach of each class and the VPCs of each change. Must not touch: the changes' own
//! scopes ([`super::scope`]), semantics of forwarding, printing.

use super::classes::{Class, ClassKind};
use crate::model::*;
use crate::query::reach::Graph;
pub use crate::query::reach::Reach;
use std::collections::{BTreeMap, BTreeSet};

/// The reach of each class of `classes`, over both networks.
pub fn reach(nets: [&Network; 2], classes: &[Class]) -> Vec<Reach> {
    if nets.iter().any(|n| !n.elb.load_balancers.is_empty()) {
        return vec![None; classes.len()];
    }
    let g = Graph::new(&nets);
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
