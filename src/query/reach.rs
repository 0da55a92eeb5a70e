//! How far traffic can go: the VPCs whose resources a packet from a set of VPCs (or the reply to
//! it) can consult, over the route tables of one network or of two (`diff` takes both, so that
//! routes AFTER adds count). `diff` uses it to leave out pairs no change can concern (DIFF-1,
//! DIFF-2), `check` to settle the built-in pack's questions on the model (SCREEN-1).
//!
//! Why paths stay within the reach (SEMANTICS.md §3–§5): a request from S is routed by S's subnet
//! route table; each hop leaves a VPC only through a target of a route table of that VPC, and the
//! reply from D starts at D's subnet route table, so both legs stay within the closure of S's and
//! D's VPCs under these steps:
//! - a NAT gateway, an instance or a network interface target: the VPC holding it, whose route
//!   tables route onwards (a forwarder);
//! - a peering connection: the peer VPC, where the packet is delivered to the holder of its
//!   destination (RT-5, PCX-7: no transit, no edge-to-edge). Only when the peer holds something
//!   that may forward (an interface other than a customer interface with the source/destination
//!   check on or a NAT gateway's, or an endpoint other than a gateway endpoint) are the peer's
//!   route tables followed too;
//! - an internet or egress-only internet gateway, a gateway endpoint: the packet leaves the
//!   modelled VPCs. Coming back in over the internet it is addressed to a public address, which
//!   the internet gateway of the VPC of its owner translates (IGW-2);
//! - a virtual private gateway (a route or route propagation), a transit gateway, an endpoint
//!   other than a gateway endpoint as a route's target (a Gateway Load Balancer endpoint hands the
//!   packet to appliances that may be anywhere), a target vpcverify does not interpret or that is
//!   missing from the input (RT-14a), a route to a prefix list whose entries are unknown
//!   (RT-13a): everything (on-premises and transit gateway routing can lead anywhere, and the
//!   engine leaves the others unknown).
//!
//! A load balancer forwards to targets in other VPCs: callers treat a network with one as
//! reaching everywhere.
//!
//! Owns: that closure. Must not touch: semantics of forwarding beyond the steps above, printing.

use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// The VPCs traffic can consult; `None`: any.
pub type Reach = Option<BTreeSet<VpcId>>;

/// An interface is an endpoint of its own (a customer interface).
pub fn is_endpoint(e: &NetworkInterface) -> bool {
    e.interface_type == "interface" && !e.requester_managed
}

/// Where a VPC's route tables lead.
#[derive(Debug, Default)]
struct Edges {
    /// Anywhere (a virtual private gateway, a transit gateway, an uninterpreted target).
    anywhere: bool,
    /// VPCs whose route tables are followed too (forwarders).
    forward: BTreeSet<VpcId>,
    /// Peer VPCs (delivered into; followed on only when they may forward).
    peers: BTreeSet<VpcId>,
}

/// The VPCs' route-table edges, over one or two networks.
#[derive(Debug)]
pub struct Graph {
    edges: BTreeMap<VpcId, Edges>,
    forwarding: BTreeSet<VpcId>,
}

impl Graph {
    /// The edges of `nets`' route tables (one network, or both of a comparison).
    pub fn new(nets: &[&Network]) -> Self {
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
                    Self::edge(net, &rt.vpc, &r.target, edges);
                    // A route to a prefix list whose entries are unknown leaves which route a
                    // lookup picks unknown (RT-13a): treated as leading anywhere.
                    if let RouteDestination::PrefixList(p) = &r.destination
                        && net.prefix_lists.get(p).is_none_or(|l| !l.entries_known)
                    {
                        edges.anywhere = true;
                    }
                }
            }
        }
        g
    }

    /// The edge of a route of `own` in `vpc`. A target missing from `own` may
    /// lead anywhere (the engine leaves such a route unknown, RT-14a).
    fn edge(own: &Network, vpc: &VpcId, target: &RouteTarget, edges: &mut Edges) {
        let interfaces_vpcs = |ids: &[NetworkInterfaceId]| -> Option<Vec<VpcId>> {
            if ids.is_empty() {
                return None;
            }
            ids.iter()
                .map(|e| own.network_interfaces.get(e).map(|e| e.vpc.clone()))
                .collect()
        };
        let found: Option<Vec<VpcId>> = match target {
            RouteTarget::Local | RouteTarget::InternetGateway(_) | RouteTarget::EgressOnlyInternetGateway(_) => {
                Some(Vec::new())
            }
            RouteTarget::VpcEndpoint(e) => own
                .vpc_endpoints
                .get(e)
                .filter(|e| e.endpoint_type == VpcEndpointType::Gateway)
                .map(|_| Vec::new()),
            RouteTarget::NatGateway(n) => own.nat_gateways.get(n).map(|n| vec![n.vpc.clone()]),
            RouteTarget::Instance(i) => own
                .instances
                .get(i)
                .and_then(|i| interfaces_vpcs(&i.network_interfaces)),
            RouteTarget::NetworkInterface(e) => interfaces_vpcs(std::slice::from_ref(e)),
            RouteTarget::VpcPeeringConnection(p) => {
                // A connection or peer VPC missing from the input may lead anywhere.
                match own.vpc_peering_connections.get(p).and_then(|c| c.peer_of(vpc)) {
                    Some(w) if own.vpcs.contains_key(w) => {
                        edges.peers.insert(w.clone());
                        Some(Vec::new())
                    }
                    _ => None,
                }
            }
            RouteTarget::VpnGateway(_) | RouteTarget::TransitGateway(_) | RouteTarget::Unsupported { .. } => None,
        };
        match found {
            Some(vpcs) => edges.forward.extend(vpcs),
            None => edges.anywhere = true,
        }
    }

    /// The VPCs reached from `start`, `None` for any.
    pub fn closure(&self, start: BTreeSet<VpcId>) -> Reach {
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

/// The addresses of every component that translates (NAT gateways, interfaces managed by AWS or
/// with the source/destination check off): a packet can bear them as its source after crossing
/// one (DIFF-3, SCREEN-2).
#[derive(Debug, Default)]
pub struct Translators {
    /// Private IPv4 addresses, sorted.
    pub private: Vec<IpAddr>,
    /// Public IPv4 and IPv6 addresses, sorted.
    pub public: Vec<IpAddr>,
    /// Some address is known only after apply.
    pub unsettled: bool,
}

impl Translators {
    /// The translators of `nets`.
    pub fn of(nets: &[&Network]) -> Self {
        let mut out = Translators::default();
        for net in nets {
            for n in net.nat_gateways.values() {
                for x in &n.addresses {
                    out.unsettled |= x.assigned_at_apply;
                    out.private.push(IpAddr::V4(x.private_ip));
                    out.public.extend(x.public_ip.map(IpAddr::V4));
                }
            }
            for e in net
                .network_interfaces
                .values()
                .filter(|e| !is_endpoint(e) || !e.source_dest_check)
            {
                out.unsettled |= e
                    .private_ipv4
                    .iter()
                    .any(|p| p.assigned_at_apply || p.public_ip.as_ref().is_some_and(|x| x.assigned_at_apply));
                out.private.extend(e.private_ipv4.iter().map(|p| IpAddr::V4(p.address)));
                out.public.extend(e.public_addresses().map(IpAddr::V4));
                out.public.extend(e.ipv6.iter().map(|x| IpAddr::V6(*x)));
            }
        }
        out.private.sort_unstable();
        out.public.sort_unstable();
        out
    }
}
