//! Waypoints on a concrete path (SEMANTICS.md §9.3, WAY-1, WAY-2): which `--through`
//! components a request's hops miss and which `--avoid` components they cross. The query uses it
//! to confirm the SMT engine's waypoint verdicts on the simulator's own replay.
//!
//! Must not touch: the symbolic walk's crossing check (`smt::walk::waypoint`); this one reads the
//! hops' kinds and the components' own membership lists, independently.

use crate::model::*;

/// WAY-2: whether concrete hops cross a waypoint. An instance is crossed at one of its network
/// interfaces; a subnet at a network interface or NAT gateway in it; a load balancer at its own
/// hop or one of its nodes; any other component at its own hop.
pub fn crosses(net: &Network, hops: &[Hop], w: &Waypoint) -> bool {
    hops.iter().any(|h| match (w.kind, h.kind) {
        (ComponentKind::Instance, ComponentKind::NetworkInterface) => net
            .instances
            .get(&InstanceId::new(w.id.as_str()))
            .is_some_and(|i| i.network_interfaces.iter().any(|x| x.as_str() == h.id)),
        (ComponentKind::Instance, _) => h.kind == ComponentKind::Instance && h.id == w.id,
        (ComponentKind::Subnet, ComponentKind::NetworkInterface) => net
            .network_interfaces
            .get(&NetworkInterfaceId::new(h.id.as_str()))
            .is_some_and(|e| e.subnet.as_str() == w.id),
        (ComponentKind::Subnet, ComponentKind::NatGateway) => net
            .nat_gateways
            .get(&NatGatewayId::new(h.id.as_str()))
            .is_some_and(|n| n.subnet.as_str() == w.id),
        (ComponentKind::Subnet, _) => false,
        (ComponentKind::LoadBalancer, ComponentKind::NetworkInterface) => net
            .elb
            .load_balancers
            .get(&w.id)
            .is_some_and(|lb| lb.nodes.iter().any(|n| n.as_str() == h.id)),
        (_, ComponentKind::SecurityGroup | ComponentKind::Internet | ComponentKind::OnPremises) => false,
        _ => h.id == w.id,
    })
}

/// WAY-1: how a request's hops violate the waypoints, if they do: the `--through` components
/// they miss and the `--avoid` components they cross, by id.
pub fn violations(net: &Network, hops: &[Hop], g: &Waypoints) -> (Vec<String>, Vec<String>) {
    let missed = g
        .through
        .iter()
        .filter(|w| !crosses(net, hops, w))
        .map(|w| w.id.clone())
        .collect();
    let crossed = g
        .avoid
        .iter()
        .filter(|w| crosses(net, hops, w))
        .map(|w| w.id.clone())
        .collect();
    (missed, crossed)
}
