//! Route-selection reporting (SEMANTICS.md §6.1): which explanation code a drop at a subnet's
//! route table gets, chosen by the situation in the table, not by the drop alone. The lookup
//! itself is `route.rs`; this file only names what the walk found there.
//!
//! Must not: choose routes (that is `route::select`) or walk further than the table.
//!
//! Rules implemented here:
//! - RT-22: a blackhole winner (J5) whose runner-up is an active route that could carry the
//!   destination (the apt route): `MORE_SPECIFIC_ROUTE` when the winner's prefix is longer,
//!   `HIGHER_PRIORITY_ROUTE` when it is equal (RT-12); otherwise `BAD_STATE_ROUTE`.
//! - RT-23: no route matches, and the table has a route to a peering connection or a transit
//!   gateway that joins its VPC to the VPC holding the destination: `CANNOT_ROUTE`.
//! - RT-21: no route matches, and nothing joins the two VPCs: `DISCONNECTED_VPCS`.
//! - RT-24: the local route wins for an address outside every block of its VPC (a local route the
//!   input gives for a block the VPC does not hold): `VPC_LOCAL_ROUTE_CIDR_RESTRICTION`.

use super::walk::{Halt, Walker, dropped};
use crate::model::addr::ranges;
use crate::model::*;
use std::net::IpAddr;

/// `0.0.0.0/0 -> igw-1`, or `pl-1 (52.216.0.0/15) -> vpce-1` for a prefix-list route.
pub(super) fn route_label(route: &Route, matched: &Cidr) -> String {
    match &route.destination {
        RouteDestination::Cidr(c) => format!("{c} -> {}", route.target.id()),
        RouteDestination::PrefixList(pl) => format!("{pl} ({matched}) -> {}", route.target.id()),
    }
}

impl<'n> Walker<'n> {
    /// RT-22 / J5: the winning route of `table` is a blackhole. `runner_up` is the route that would
    /// win without it (none when a prefix list without entries might rank in between, RT-13a).
    pub(super) fn blackhole_drop(
        &self,
        table: &RouteTable,
        winner: (&Route, &Cidr),
        runner_up: Option<(&Route, Cidr)>,
        dst: &IpAddr,
    ) -> Halt {
        let (route, matched) = winner;
        let label = route_label(route, matched);
        if let Some((loser, loser_matched)) = runner_up
            && self.apt(table, loser, dst)
        {
            let (code, why) = if matched.prefix_len() > loser_matched.prefix_len() {
                ("MORE_SPECIFIC_ROUTE", "the more specific")
            } else {
                ("HIGHER_PRIORITY_ROUTE", "the higher-priority")
            };
            return dropped(
                &table.id,
                ComponentKind::RouteTable,
                None,
                route.destination.to_string(),
                format!(
                    "route {} in `{}` would carry {dst}, but {why} route {label} wins and is a blackhole, which drops it (RT-22)",
                    route_label(loser, &loser_matched),
                    table.id
                ),
                code,
            );
        }
        dropped(
            &table.id,
            ComponentKind::RouteTable,
            None,
            route.destination.to_string(),
            format!(
                "route {label} in `{}` is a blackhole: it wins for {dst} and drops it (J5)",
                table.id
            ),
            "BAD_STATE_ROUTE",
        )
    }

    /// RT-22: an active route that could carry `dst` towards its target: not one whose target
    /// would refuse the address for what it is (a peering connection for an address outside the
    /// peer VPC, PCX-7; an internet or egress-only gateway for an RFC 1918 or RFC 6598 address,
    /// IGW-6).
    fn apt(&self, table: &RouteTable, route: &Route, dst: &IpAddr) -> bool {
        if route.state == RouteState::Blackhole {
            return false;
        }
        match &route.target {
            RouteTarget::VpcPeeringConnection(p) => self.net.vpc_peering_connections.get(p).is_some_and(|c| {
                let peer = if c.requester == table.vpc {
                    &c.accepter
                } else {
                    &c.requester
                };
                self.net.vpcs.get(peer).is_some_and(|w| w.contains(dst))
            }),
            RouteTarget::InternetGateway(_) | RouteTarget::EgressOnlyInternetGateway(_) => {
                !ranges::igw_private_v4().iter().any(|c| c.contains(dst))
            }
            _ => true,
        }
    }

    /// No route of `table` matches `dst`: RT-21, RT-23, else `NO_ROUTE_TO_DESTINATION`.
    pub(super) fn no_route_drop(&self, table: &RouteTable, dst: &IpAddr) -> Halt {
        // RT-21: the destination lies in another VPC that nothing joins to this one.
        if let Some(w) = self.disconnected_vpc(&table.vpc, dst) {
            return dropped(
                &table.id,
                ComponentKind::RouteTable,
                None,
                "none",
                format!(
                    "no route in `{}` matches {dst}, an address of `{w}`, and no peering connection or transit gateway joins `{}` and `{w}`",
                    table.id, table.vpc
                ),
                "DISCONNECTED_VPCS",
            );
        }
        // RT-23: a route towards the component that joins the two VPCs, for other addresses.
        if let Some(r) = self.joining_route(table, dst) {
            return dropped(
                &table.id,
                ComponentKind::RouteTable,
                None,
                "none",
                format!(
                    "route {} -> {} in `{}` leads towards {dst}, but its destination does not contain it, and no other route matches (RT-23)",
                    r.destination,
                    r.target.id(),
                    table.id
                ),
                "CANNOT_ROUTE",
            );
        }
        dropped(
            &table.id,
            ComponentKind::RouteTable,
            None,
            "none",
            format!("no route in `{}` matches {dst}", table.id),
            "NO_ROUTE_TO_DESTINATION",
        )
    }

    /// RT-23: the first route of `table` (in input order) to a peering connection or transit
    /// gateway that joins the table's VPC to another VPC whose blocks hold `dst`.
    fn joining_route(&self, table: &'n RouteTable, dst: &IpAddr) -> Option<&'n Route> {
        let net = self.net;
        let holders: Vec<&VpcId> = net
            .vpcs
            .values()
            .filter(|w| w.id != table.vpc && w.contains(dst))
            .map(|w| &w.id)
            .collect();
        table.routes.iter().find(|r| match &r.target {
            RouteTarget::VpcPeeringConnection(p) => net.vpc_peering_connections.get(p).is_some_and(|c| {
                holders.iter().any(|w| {
                    (c.requester == table.vpc && &&c.accepter == w) || (c.accepter == table.vpc && &&c.requester == w)
                })
            }),
            RouteTarget::TransitGateway(t) => net
                .transit_gateways
                .get(t)
                .is_some_and(|t| t.vpcs.contains(&table.vpc) && holders.iter().any(|w| t.vpcs.contains(w))),
            _ => false,
        })
    }

    /// RT-21: a VPC other than `vpc` whose blocks hold `ip` and that no peering connection (in
    /// any state) and no transit gateway joins to `vpc`.
    fn disconnected_vpc(&self, vpc: &VpcId, ip: &IpAddr) -> Option<&'n VpcId> {
        let net = self.net;
        let joined = |w: &VpcId| {
            net.vpc_peering_connections
                .values()
                .any(|c| (&c.requester == vpc && &c.accepter == w) || (&c.requester == w && &c.accepter == vpc))
                || net
                    .transit_gateways
                    .values()
                    .any(|t| t.vpcs.contains(vpc) && t.vpcs.contains(w))
        };
        net.vpcs
            .values()
            .find(|w| &w.id != vpc && w.contains(ip) && !joined(&w.id))
            .map(|w| &w.id)
    }

    /// RT-24: the local route `route` of `table` won for `dst`, which lies outside every block of
    /// the table's VPC.
    pub(super) fn local_outside_vpc(&self, table: &RouteTable, route: &Route, dst: &IpAddr) -> Option<Halt> {
        if route.target != RouteTarget::Local || self.net.vpcs.get(&table.vpc).is_none_or(|v| v.contains(dst)) {
            return None;
        }
        Some(dropped(
            &table.id,
            ComponentKind::RouteTable,
            None,
            route.destination.to_string(),
            format!(
                "the local route {} in `{}` wins for {dst}, which lies outside every block of `{}`: a local route carries only addresses of its VPC (RT-24)",
                route.destination, table.id, table.vpc
            ),
            "VPC_LOCAL_ROUTE_CIDR_RESTRICTION",
        ))
    }
}
