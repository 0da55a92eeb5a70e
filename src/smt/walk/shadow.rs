//! Route-selection reporting in the symbolic walk (SEMANTICS.md §6.1): the explanation code of a
//! drop at a subnet's route table, by the situation in the table. The selection itself is
//! `smt::route`; this file branches only on what names the drop.
//!
//! Must not: share decision code with the simulator (its own `sim::shadow` decides the same from
//! SEMANTICS.md), or walk further than the table.
//!
//! Rules implemented here:
//! - RT-22: a blackhole winner whose runner-up is an active route that could carry the destination:
//!   `MORE_SPECIFIC_ROUTE` (longer winner) or `HIGHER_PRIORITY_ROUTE` (equal prefix); otherwise
//!   `BAD_STATE_ROUTE` (J5).
//! - RT-23: no route matches, the VPCs are joined, and a route of the table leads to the peering
//!   connection or transit gateway joining them: `CANNOT_ROUTE`.
//! - RT-24: the local route wins for an address outside every block of its VPC:
//!   `VPC_LOCAL_ROUTE_CIDR_RESTRICTION`.

use super::super::route::{Candidate, runner_up};
use super::super::sym::*;
use super::{State, Walk};
use crate::model::addr::ranges;
use crate::model::*;
use z3::ast::{BV, Bool};

impl Walk<'_> {
    /// RT-22 / J5: `winner` (a blackhole) wins under the branch `st` is on. `ranked` says whether
    /// a runner-up is meaningful (no route to a prefix list without entries might rank between).
    pub(super) fn blackhole_drop(
        &mut self,
        st: State,
        table: &RouteTable,
        cands: &[Candidate<'_>],
        winner: &Candidate<'_>,
        ranked: bool,
    ) {
        let route = winner.route;
        let rt = &table.id;
        let mut shadowing = Vec::new();
        if ranked {
            for (c, cond) in runner_up(cands, &st.pkt.dst, route) {
                let Some(apt) = self.apt(table, c.route, &st.pkt.dst) else {
                    continue;
                };
                let cond = all(&[cond, apt]);
                shadowing.push(cond.clone());
                let (code, why) = if winner.cidr.prefix_len() > c.cidr.prefix_len() {
                    ("MORE_SPECIFIC_ROUTE", "the more specific")
                } else {
                    ("HIGHER_PRIORITY_ROUTE", "the higher-priority")
                };
                let b = Blocked::new(
                    rt,
                    ComponentKind::RouteTable,
                    None,
                    route.destination.to_string(),
                    format!(
                        "route {} -> {} in `{rt}` would carry the destination, but {why} route {} -> {} wins and is a blackhole, which drops it (RT-22)",
                        c.route.destination,
                        c.route.target.id(),
                        route.destination,
                        route.target.id()
                    ),
                    code,
                );
                self.branch(&st, cond, |w, st| w.dropped(st, b));
            }
        }
        let b = Blocked::new(
            rt,
            ComponentKind::RouteTable,
            None,
            route.destination.to_string(),
            format!(
                "the matching route {} -> {} in `{rt}` is a blackhole: its target is gone or not available",
                route.destination,
                route.target.id()
            ),
            "BAD_STATE_ROUTE",
        );
        self.branch(&st, any(&shadowing).not(), |w, st| w.dropped(st, b));
    }

    /// RT-22: the condition under which `route` could carry the destination towards its target
    /// (`None`: never, a blackhole): a peering connection only for an address of the peer VPC
    /// (PCX-7), an internet or egress-only gateway only for an address outside RFC 1918 and
    /// RFC 6598 space (IGW-6).
    fn apt(&self, table: &RouteTable, route: &Route, dst: &BV) -> Option<Bool> {
        if route.state == RouteState::Blackhole {
            return None;
        }
        Some(match &route.target {
            RouteTarget::VpcPeeringConnection(p) => {
                let c = self.net.vpc_peering_connections.get(p)?;
                let peer = if c.requester == table.vpc {
                    &c.accepter
                } else {
                    &c.requester
                };
                let blocks = self.family_blocks(peer);
                in_any_cidr(dst, blocks.iter())
            }
            RouteTarget::InternetGateway(_) | RouteTarget::EgressOnlyInternetGateway(_) => match self.family {
                IpFamily::V4 => in_any_cidr(dst, ranges::igw_private_v4().iter()).not(),
                IpFamily::V6 => Bool::from_bool(true),
            },
            _ => Bool::from_bool(true),
        })
    }

    /// The blocks of `vpc` of the walk's family.
    fn family_blocks(&self, vpc: &VpcId) -> Vec<Cidr> {
        self.net
            .vpcs
            .get(vpc)
            .map(|v| v.cidrs().filter(|c| c.family() == self.family).copied().collect())
            .unwrap_or_default()
    }

    /// RT-23: no route matched and RT-21 did not apply (`cond`): for each route of `table` to a
    /// peering connection or transit gateway joining its VPC to others, in input order, the
    /// destinations in those VPCs that no earlier such route claims drop with `CANNOT_ROUTE`
    /// naming it; the rest with `NO_ROUTE_TO_DESTINATION`.
    pub(super) fn no_route_drop(&mut self, st: &State, table: &RouteTable, cond: Bool) {
        let rt = &table.id;
        let mut claimed: Vec<Bool> = Vec::new();
        for r in &table.routes {
            let joined: Vec<&VpcId> = match &r.target {
                RouteTarget::VpcPeeringConnection(p) => match self.net.vpc_peering_connections.get(p) {
                    Some(c) if c.requester == table.vpc => vec![&c.accepter],
                    Some(c) if c.accepter == table.vpc => vec![&c.requester],
                    _ => Vec::new(),
                },
                RouteTarget::TransitGateway(t) => match self.net.transit_gateways.get(t) {
                    Some(t) if t.vpcs.contains(&table.vpc) => t.vpcs.iter().filter(|w| **w != table.vpc).collect(),
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            let blocks: Vec<Cidr> = joined
                .iter()
                .filter(|w| **w != &table.vpc)
                .flat_map(|w| self.family_blocks(w))
                .collect();
            if blocks.is_empty() {
                continue;
            }
            let here = in_any_cidr(&st.pkt.dst, blocks.iter());
            let mut parts = vec![cond.clone(), here.clone()];
            parts.extend(claimed.iter().map(|c| c.not()));
            claimed.push(here);
            let b = Blocked::new(
                rt,
                ComponentKind::RouteTable,
                None,
                "none",
                format!(
                    "route {} -> {} in `{rt}` leads towards the destination, but its destination does not contain it, and no other route matches (RT-23)",
                    r.destination,
                    r.target.id()
                ),
                "CANNOT_ROUTE",
            );
            self.branch(st, all(&parts), |w, st| w.dropped(st, b));
        }
        let b = Blocked::new(
            rt,
            ComponentKind::RouteTable,
            None,
            "none",
            format!("route table `{rt}` has no route for the destination"),
            "NO_ROUTE_TO_DESTINATION",
        );
        let mut parts = vec![cond];
        parts.extend(claimed.iter().map(|c| c.not()));
        self.branch(st, all(&parts), |w, st| w.dropped(st, b));
    }

    /// RT-24: the local route `route` of `table` won; the destinations outside every block of the
    /// table's VPC drop there, the others go on to the VPC (§5.1).
    pub(super) fn local_route(&mut self, st: State, table: &RouteTable, route: &Route, from: &SubnetId, vpc: &VpcId) {
        let Some(v) = self.net.vpcs.get(&table.vpc) else {
            return self.local(st, from, vpc);
        };
        let blocks: Vec<Cidr> = v.cidrs().copied().collect();
        let inside = in_any_cidr(&st.pkt.dst, blocks.iter());
        let rt = &table.id;
        let b = Blocked::new(
            rt,
            ComponentKind::RouteTable,
            None,
            route.destination.to_string(),
            format!(
                "the local route {} in `{rt}` wins for a destination outside every block of `{}`: a local route carries only addresses of its VPC (RT-24)",
                route.destination, table.vpc
            ),
            "VPC_LOCAL_ROUTE_CIDR_RESTRICTION",
        );
        self.branch(&st, inside.not(), |w, st| w.dropped(st, b));
        let vpc = vpc.clone();
        let from = from.clone();
        self.branch(&st, inside, move |w, st| w.local(st, &from, &vpc));
    }
}
