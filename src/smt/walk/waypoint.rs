//! Waypoints in the symbolic walk (SEMANTICS.md §9.3, WAY-1..WAY-3): with `--through` or
//! `--avoid`, the question becomes "is there a delivered packet whose request path violates the
//! waypoints?". Each candidate path's components are fixed, so the path constraint is decided
//! per path: a complete path that does not violate them contributes no packet (its constraint
//! is `false`), one that does is solved as usual and its witness is the violation.
//!
//! Must not touch: the simulator's crossing check (`sim::waypoint`), which decides the same
//! question on the concrete replay independently.

use super::*;

impl Walk<'_> {
    /// The request's part of a path's hops.
    fn request_hops(st: &State) -> &[String] {
        let end = st.reply_from.unwrap_or(st.hops.len()).min(st.hops.len());
        st.hops.get(..end).unwrap_or_default()
    }

    /// WAY-1: the path constraint of a complete path. True when there are no waypoints, or when
    /// the request's path misses a `--through` component or crosses an `--avoid` component.
    pub(super) fn waypoint_constraint(&self, st: &State) -> Bool {
        let Some(g) = self.q.waypoints else {
            return Bool::from_bool(true);
        };
        let hops = Self::request_hops(st);
        let misses = g.through.iter().any(|w| !crosses(self.net, self.ix, hops, w));
        let enters = g.avoid.iter().any(|w| crosses(self.net, self.ix, hops, w));
        Bool::from_bool(misses || enters)
    }

    /// WAY-3: true when no continuation of this path can violate the waypoints: the request has
    /// already crossed every `--through` component and there is nothing to avoid, or the request
    /// is complete (the reply leg) and does not violate them. What happens further on the path
    /// (a construct that is not modelled) then decides nothing about the waypoints.
    pub(super) fn waypoints_settled(&self, st: &State) -> bool {
        let Some(g) = self.q.waypoints else {
            return false;
        };
        let hops = Self::request_hops(st);
        let all_crossed = g.through.iter().all(|w| crosses(self.net, self.ix, hops, w));
        match st.leg {
            Leg::Reply => all_crossed && !g.avoid.iter().any(|w| crosses(self.net, self.ix, hops, w)),
            Leg::Request => all_crossed && g.avoid.is_empty(),
        }
    }
}

/// WAY-2: whether a candidate path's component ids cross a waypoint. An instance is crossed at
/// any interface attached to it, a subnet at any interface or NAT gateway in it, a load balancer
/// at itself or any of its nodes; anything else at its own id.
fn crosses(net: &Network, ix: &NetworkIndex, hops: &[String], w: &Waypoint) -> bool {
    let iface = |h: &String| net.network_interfaces.get(&NetworkInterfaceId::new(h.as_str()));
    match w.kind {
        ComponentKind::Instance => hops.iter().any(|h| {
            ix.instance_of(&NetworkInterfaceId::new(h.as_str()))
                .is_some_and(|i| i.as_str() == w.id)
        }),
        ComponentKind::Subnet => hops.iter().any(|h| {
            iface(h).is_some_and(|e| e.subnet.as_str() == w.id)
                || net
                    .nat_gateways
                    .get(&NatGatewayId::new(h.as_str()))
                    .is_some_and(|n| n.subnet.as_str() == w.id)
        }),
        ComponentKind::LoadBalancer => {
            let nodes: Vec<&str> = net
                .elb
                .load_balancers
                .get(&w.id)
                .map(|lb| lb.nodes.iter().map(|n| n.as_str()).collect())
                .unwrap_or_default();
            hops.iter().any(|h| *h == w.id || nodes.contains(&h.as_str()))
        }
        _ => hops.contains(&w.id),
    }
}
