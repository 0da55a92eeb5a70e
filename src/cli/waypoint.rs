//! `query --through` and `--avoid` (SEMANTICS.md §9.3, WAY-1..WAY-4).

use clap::Args;

/// The waypoint flags of `query`.
#[derive(Debug, Clone, Default, Args)]
pub struct WaypointArgs {
    /// A component every packet that gets through must cross on its way (an id or name of an
    /// instance, interface, subnet, NAT gateway, peering connection, transit gateway or
    /// attachment, gateway, endpoint, VPN connection or load balancer); repeatable. A packet that
    /// gets through without crossing it violates the waypoint: exit 1, with that packet and its
    /// path.
    #[arg(long, value_name = "COMPONENT")]
    pub through: Vec<String>,
    /// A component no packet that gets through may cross; repeatable. A packet that gets through
    /// crossing it violates the waypoint: exit 1, with that packet and its path.
    #[arg(long, value_name = "COMPONENT")]
    pub avoid: Vec<String>,
}

/// The outcome of a question with waypoints: held exit 0, violated 1, unknown 3 (WAY-4);
/// `None` without waypoints.
pub(crate) fn outcome(v: &crate::query::Verdict) -> Option<super::Outcome> {
    use crate::query::waypoint::WaypointKind;
    v.waypoint.as_ref().map(|w| match w.result {
        WaypointKind::Held => super::Outcome::Success,
        WaypointKind::Violated => super::Outcome::Failure,
        WaypointKind::Unknown => super::Outcome::Unknown,
    })
}
