//! Encoding of route selection (SEMANTICS.md §6): for each route of a table, the condition on a
//! symbolic destination under which it is the one AWS uses — longest prefix (RT-11), then
//! `local` > static CIDR > prefix list > propagated on equal prefixes (RT-12, J6), the smaller
//! prefix-list id between two lists (J7), no propagated route when a local route matches (RT-8);
//! blackholes still win (J5); and, for a winner, which route would win without it (RT-22).

use super::sym::{all, any, in_cidr};
use crate::model::*;
use z3::ast::{BV, Bool};

/// One route as a candidate for one family (a prefix-list route yields one per entry, RT-13).
#[derive(Debug, Clone)]
pub(crate) struct Candidate<'a> {
    pub route: &'a Route,
    pub cidr: Cidr,
    /// 0 local, 1 static CIDR, 2 prefix list, 3 propagated.
    pub class: u8,
    /// The prefix list, for prefix-list routes.
    pub prefix_list: Option<&'a PrefixListId>,
    /// Position in the table, the last tie-breaker.
    pub index: usize,
}

impl Candidate<'_> {
    /// True iff `self` is preferred over `other` when both contain the destination and both are
    /// in the race: longest prefix (RT-11), then class (RT-12, J6), then prefix-list id (J7),
    /// then position. A strict total order, so exactly one candidate in the race wins. RT-8 is
    /// not part of it: it decides who is in the race (see [`selection`]).
    fn beats(&self, other: &Candidate<'_>) -> bool {
        (
            std::cmp::Reverse(self.cidr.prefix_len()),
            self.class,
            self.prefix_list,
            self.index,
        ) < (
            std::cmp::Reverse(other.cidr.prefix_len()),
            other.class,
            other.prefix_list,
            other.index,
        )
    }
}

/// The routes of a table for a family whose prefix list's entries are not known (RT-13a).
pub(crate) type UnknownRoutes<'a> = Vec<(&'a Route, &'a PrefixListId)>;

/// The candidates of a table for a family, and the routes whose prefix list's entries are
/// unknown (which may win for any destination of their family, or not: RT-13a).
pub(crate) fn candidates<'a>(
    net: &'a Network,
    table: &'a RouteTable,
    family: IpFamily,
) -> (Vec<Candidate<'a>>, UnknownRoutes<'a>) {
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for (index, route) in table.routes.iter().enumerate() {
        match &route.destination {
            RouteDestination::Cidr(c) => {
                if c.family() != family {
                    continue;
                }
                let class = if route.target == RouteTarget::Local {
                    0
                } else if route.origin.is_propagated() {
                    3
                } else {
                    1
                };
                out.push(Candidate {
                    route,
                    cidr: *c,
                    class,
                    prefix_list: None,
                    index,
                });
            }
            RouteDestination::PrefixList(id) => {
                let Some(pl) = net.prefix_lists.get(id) else { continue };
                if !pl.entries_known {
                    if pl.address_family.is_none_or(|f| f == family) {
                        unknown.push((route, id));
                    }
                    continue;
                }
                // A propagated route is propagated whatever its destination (RT-8, RT-12).
                let class = if route.origin.is_propagated() { 3 } else { 2 };
                for c in pl.entries.iter().filter(|c| c.family() == family) {
                    out.push(Candidate {
                        route,
                        cidr: *c,
                        class,
                        prefix_list: Some(id),
                        index,
                    });
                }
            }
        }
    }
    (out, unknown)
}

/// RT-13a: the routes whose prefix list's entries are unknown all lead where `winner` leads
/// (same target, same state), so whether one of them wins instead does not matter.
pub(crate) fn settled_over(winner: &Route, unknown: &UnknownRoutes<'_>) -> bool {
    unknown
        .iter()
        .all(|(r, _)| r.target == winner.target && r.state == winner.state)
}

/// For each candidate, whether it contains `dst`, and whether it is in the race for `dst`: it
/// contains it, and (a propagated route) no local route contains it too (RT-8).
fn race(cands: &[Candidate<'_>], dst: &BV) -> (Vec<Bool>, Vec<Bool>) {
    let matches: Vec<Bool> = cands.iter().map(|c| in_cidr(dst, &c.cidr)).collect();
    let local: Vec<Bool> = cands
        .iter()
        .zip(&matches)
        .filter(|(c, _)| c.class == 0)
        .map(|(_, m)| m.clone())
        .collect();
    let local_matches = any(&local);
    let in_race = cands
        .iter()
        .zip(&matches)
        .map(|(c, m)| {
            if c.class == 3 {
                all(&[m.clone(), local_matches.not()])
            } else {
                m.clone()
            }
        })
        .collect();
    (matches, in_race)
}

/// For each candidate, the condition under which it is selected for `dst`; and the condition
/// under which no route matches.
///
/// A candidate is in the race when it contains `dst`, except that a propagated route is out of
/// it when a local route contains `dst` too, whatever their lengths (RT-8). The winner is the
/// candidate in the race that no other candidate in the race [`Candidate::beats`].
pub(crate) fn selection<'a>(cands: &'a [Candidate<'a>], dst: &BV) -> (Vec<(&'a Candidate<'a>, Bool)>, Bool) {
    let (matches, in_race) = race(cands, dst);
    let mut winners = Vec::new();
    for (i, c) in cands.iter().enumerate() {
        let mut parts = vec![in_race[i].clone()];
        for (j, o) in cands.iter().enumerate() {
            if i != j && o.beats(c) && o.cidr.overlaps(&c.cidr) {
                parts.push(in_race[j].not());
            }
        }
        winners.push((c, all(&parts)));
    }
    let none = any(&matches).not();
    (winners, none)
}

/// RT-22: for the winning route `winner`, the condition under which each candidate of another
/// route is the runner-up, the one that would win without the winner: in the race (RT-8 decided
/// with the winner present) and beaten by no candidate in the race but the winner's own (a
/// prefix-list route's other entries are the same route).
pub(crate) fn runner_up<'a>(cands: &'a [Candidate<'a>], dst: &BV, winner: &Route) -> Vec<(&'a Candidate<'a>, Bool)> {
    let (_, in_race) = race(cands, dst);
    let mut out = Vec::new();
    let own = |c: &Candidate<'_>| std::ptr::eq(c.route, winner);
    for (j, c) in cands.iter().enumerate() {
        if own(c) {
            continue;
        }
        let mut parts = vec![in_race[j].clone()];
        for (k, o) in cands.iter().enumerate() {
            if k != j && !own(o) && o.beats(c) && o.cidr.overlaps(&c.cidr) {
                parts.push(in_race[k].not());
            }
        }
        out.push((c, all(&parts)));
    }
    out
}

/// RT-9: destinations AWS never forwards.
pub(crate) fn never_forwarded(family: IpFamily) -> Cidr {
    let text = match family {
        IpFamily::V4 => "169.254.168.0/22",
        IpFamily::V6 => "fd00:ec2::/32",
    };
    Cidr::parse(text).unwrap_or_else(|_| Cidr::any_v4())
}
