//! Route selection in one route table for one destination address (SEMANTICS.md §6).
//!
//! Rules implemented here:
//! - RT-9: addresses in 169.254.168.0/22 and fd00:ec2::/32 are never forwarded.
//! - RT-10: only routes of the destination's address family are candidates.
//! - RT-13: a prefix-list route stands for one route per entry; a list missing from the input
//!   matches nothing. RT-13a: a list whose entries are not known makes the lookup unknown, unless
//!   every such route leads where the known winner leads.
//! - RT-11: the longest matching prefix wins.
//! - RT-12, J6: among equal prefixes, `local` first, then static routes to a CIDR, then prefix-list
//!   routes, then propagated routes; J7: between two prefix-list routes, the smaller list id wins
//!   (then input order, for anything AWS would not allow twice).
//! - RT-8: a propagated route never wins over a matching local route, whatever its length.
//! - J5: the winner may be a blackhole; the caller drops the packet (no fall-through).
//! - RT-22: the lookup also names the runner-up, the route that would win without the winner
//!   (the caller decides what it means for the explanation code).

use crate::model::{Cidr, IpFamily, Network, PrefixListId, Route, RouteDestination, RouteTable, RouteTarget};
use std::net::IpAddr;

/// The outcome of a lookup.
#[derive(Debug, Clone)]
pub(super) enum Lookup<'n> {
    /// This route wins; `matched` is the block that contains the destination (for a prefix-list
    /// route, the entry).
    Route {
        /// The winning route (possibly a blackhole, J5).
        route: &'n Route,
        /// The CIDR block that matched.
        matched: Cidr,
        /// Prefix lists without entries whose routes might win instead but lead to the same
        /// target (RT-13a).
        over: Vec<PrefixListId>,
        /// The route that would win without the winner, and its matching block (RT-22): the next
        /// in the same order, in the same race (RT-8 as decided with the winner present).
        runner_up: Option<(&'n Route, Cidr)>,
    },
    /// No route of the destination's family contains it.
    NoRoute,
    /// RT-9: the destination lies in a range AWS never forwards; the range.
    NeverForwarded(&'static str),
    /// A candidate prefix list's entries are not in the input.
    Unknown(PrefixListId),
}

/// Tie-break rank among equal prefixes (RT-12, J6): lower wins.
fn rank(route: &Route) -> u8 {
    if route.target == RouteTarget::Local {
        0
    } else if route.origin.is_propagated() {
        3
    } else {
        match route.destination {
            RouteDestination::Cidr(_) => 1,
            RouteDestination::PrefixList(_) => 2,
        }
    }
}

fn is_local(route: &Route) -> bool {
    route.target == RouteTarget::Local
}

/// The destination block of `route` that contains `dst` (the longest one for a prefix list), or
/// whether the route's list is unknown.
enum RouteMatch {
    Contains(Cidr),
    Misses,
    Unknown(PrefixListId),
}

fn route_match(net: &Network, route: &Route, dst: &IpAddr) -> RouteMatch {
    let family = IpFamily::of(dst);
    match &route.destination {
        RouteDestination::Cidr(c) => {
            if c.family() == family && c.contains(dst) {
                RouteMatch::Contains(*c)
            } else {
                RouteMatch::Misses
            }
        }
        RouteDestination::PrefixList(id) => match net.prefix_lists.get(id) {
            None => RouteMatch::Misses,
            Some(list) if !list.entries_known => {
                // RT-10: a list of the other family is not a candidate; an unknown family might be.
                if list.address_family.is_some_and(|f| f != family) {
                    RouteMatch::Misses
                } else {
                    RouteMatch::Unknown(id.clone())
                }
            }
            Some(list) => list
                .entries
                .iter()
                .filter(|c| c.family() == family && c.contains(dst))
                .max_by_key(|c| c.prefix_len())
                .map_or(RouteMatch::Misses, |c| RouteMatch::Contains(*c)),
        },
    }
}

/// The prefix-list id of a route, for the J7 tie-break (empty for CIDR routes).
fn list_id(route: &Route) -> &str {
    match &route.destination {
        RouteDestination::PrefixList(id) => id.as_str(),
        RouteDestination::Cidr(_) => "",
    }
}

/// RT-9's ranges, parsed once per process (a lookup happens at every hop).
fn never_forwarded() -> &'static [(&'static str, Cidr)] {
    static CELL: std::sync::OnceLock<Vec<(&'static str, Cidr)>> = std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        ["169.254.168.0/22", "fd00:ec2::/32"]
            .into_iter()
            .filter_map(|r| Cidr::parse(r).ok().map(|c| (r, c)))
            .collect()
    })
}

/// Selects the route for `dst` in `table` (SEMANTICS.md §6).
pub(super) fn select<'n>(net: &'n Network, table: &'n RouteTable, dst: &IpAddr) -> Lookup<'n> {
    // RT-9.
    for (range, block) in never_forwarded() {
        if block.contains(dst) {
            return Lookup::NeverForwarded(range);
        }
    }
    let mut candidates: Vec<(usize, &Route, Cidr)> = Vec::new();
    let mut unknown: Vec<(&Route, PrefixListId)> = Vec::new();
    for (position, route) in table.routes.iter().enumerate() {
        match route_match(net, route, dst) {
            RouteMatch::Contains(c) => candidates.push((position, route, c)),
            RouteMatch::Misses => {}
            RouteMatch::Unknown(id) => unknown.push((route, id)),
        }
    }
    let mut race = ranked(candidates).into_iter();
    let known = race.next();
    let runner_up = race.next();
    // RT-13a: a route whose list's entries are not known may win or not; when every such route
    // leads where the known winner leads (same target, same state), either way the packet goes
    // there: the lookup is settled. Otherwise it is unknown.
    if !unknown.is_empty() {
        let settled = match &known {
            Some((best, _)) => unknown
                .iter()
                .all(|(r, _)| r.target == best.target && r.state == best.state),
            None => false,
        };
        if !settled {
            return Lookup::Unknown(unknown.swap_remove(0).1);
        }
    }
    match known {
        Some((route, matched)) => Lookup::Route {
            route,
            matched,
            over: unknown.into_iter().map(|(_, id)| id).collect(),
            runner_up,
        },
        None => Lookup::NoRoute,
    }
}

/// The known candidates in the race, best first (RT-8, RT-11, RT-12, J6, J7): the first wins.
fn ranked(mut candidates: Vec<(usize, &Route, Cidr)>) -> Vec<(&Route, Cidr)> {
    // RT-8: with a matching local route, propagated routes are out of the race.
    if candidates.iter().any(|(_, r, _)| is_local(r)) {
        candidates.retain(|(_, r, _)| !r.origin.is_propagated());
    }
    // RT-11 then RT-12 / J6 then J7 then input order.
    candidates.sort_by(|(pa, ra, ca), (pb, rb, cb)| {
        cb.prefix_len()
            .cmp(&ca.prefix_len())
            .then(rank(ra).cmp(&rank(rb)))
            .then(list_id(ra).cmp(list_id(rb)))
            .then(pa.cmp(pb))
    });
    candidates
        .into_iter()
        .map(|(_, route, matched)| (route, matched))
        .collect()
}
