//! Grouping the pairs `diff` asks (SEMANTICS.md §9.5, DIFF-7): one question per class at one
//! end, the other end ranging over all the interface classes it is paired with.
//!
//! The pairs left after pruning (DIFF-1 to DIFF-6) share their classes: a change to a group's
//! inbound rules concerns its members' classes as destinations against many sources; a change
//! to a route table, the classes in its subnets as sources against many destinations. Pairs are
//! gathered under the class (and the packets asked, DIFF-6) that most of them share, largest
//! first; each gathering of two or more pairs with interface classes at the varying end is asked
//! once (`smt::diff_group::candidates`), which names the pairs that may differ. Only those are
//! asked on their own, exactly as without grouping (the same question, flows, witnesses and
//! replay, in the same order): a pair the grouped question settles has no flow and no unknown
//! answer of its own, so the report is the one every pair asked alone would give.
//!
//! Owns: the gathering. Must not touch: z3 (only `smt` does), the per-pair question.

use super::classes::{Class, ClassKind};
use super::{DiffOptions, Input};
use crate::model::IpFamily;
use crate::model::endpoint::Endpoint;
use crate::query::endpoint::Role;
use crate::smt::diff::{DiffSpec, Side};
use crate::smt::diff_group::{Vary, candidates};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The packets asked, as a key: protocol, destination ports, family.
type SpecKey = (Option<u8>, Option<(u16, u16)>, Option<IpFamily>);

/// A gathering's key: the end that varies, the fixed class, the packets asked.
type GatherKey = (Vary, usize, SpecKey);

fn spec_key(s: &DiffSpec) -> SpecKey {
    (s.protocol, s.dst_ports.map(|p| (p.from(), p.to())), s.family)
}

/// A gathering: the fixed class, which end varies, and the pairs (indices into the pair list).
struct Gathering {
    vary: Vary,
    fixed: usize,
    pairs: Vec<usize>,
}

/// What grouping left to ask one pair at a time.
pub(super) struct Settled {
    /// For each pair of the list: it must be asked on its own.
    pub ask: Vec<bool>,
    /// Grouped questions asked.
    pub groups: usize,
}

/// Which of `pairs` (source index, destination index, packets) must still be asked on their own.
pub(super) fn settle(
    before: Input<'_>,
    after: Input<'_>,
    sources: &[Class],
    dests: &[Class],
    pairs: &[(usize, usize, DiffSpec)],
    opts: &DiffOptions,
) -> Settled {
    let interfaces = |c: &Class| c.kind == ClassKind::Interfaces && !c.members.is_empty();
    let mut keyed: BTreeMap<GatherKey, Vec<usize>> = BTreeMap::new();
    for (i, (si, di, spec)) in pairs.iter().enumerate() {
        // Classes narrowed by --from/--to may share members: such a pair is asked on its own.
        if sources[*si].members.iter().any(|m| dests[*di].members.contains(m)) {
            continue;
        }
        if interfaces(&dests[*di]) {
            keyed
                .entry((Vary::Destination, *si, spec_key(spec)))
                .or_default()
                .push(i);
        }
        if interfaces(&sources[*si]) {
            keyed.entry((Vary::Source, *di, spec_key(spec))).or_default().push(i);
        }
    }
    // Largest first (ties in key order): each pair joins the first gathering that holds it.
    let mut order: Vec<(&GatherKey, &Vec<usize>)> = keyed.iter().collect();
    order.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    let mut taken = vec![false; pairs.len()];
    let mut gatherings = Vec::new();
    for ((vary, fixed, _), members) in order {
        let free: Vec<usize> = members.iter().copied().filter(|i| !taken[*i]).collect();
        if free.len() < 2 {
            continue;
        }
        for i in &free {
            taken[*i] = true;
        }
        gatherings.push(Gathering {
            vary: *vary,
            fixed: *fixed,
            pairs: free,
        });
    }
    let ask: Mutex<Vec<bool>> = Mutex::new(taken.iter().map(|t| !t).collect());
    let next = AtomicUsize::new(0);
    let jobs = opts.jobs.clamp(1, 64).min(gatherings.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(g) = gatherings.get(i) else { break };
                    let open = ask_gathering(before, after, sources, dests, pairs, g, opts);
                    if let Ok(mut v) = ask.lock() {
                        for p in open {
                            v[p] = true;
                        }
                    }
                }
            });
        }
    });
    Settled {
        ask: ask.into_inner().unwrap_or_else(|_| vec![true; pairs.len()]),
        groups: gatherings.len(),
    }
}

/// The pairs of `g` the grouped question leaves open (all of them when it is not settled).
fn ask_gathering(
    before: Input<'_>,
    after: Input<'_>,
    sources: &[Class],
    dests: &[Class],
    pairs: &[(usize, usize, DiffSpec)],
    g: &Gathering,
    opts: &DiffOptions,
) -> Vec<usize> {
    let varying: Vec<&Class> = g
        .pairs
        .iter()
        .map(|i| match g.vary {
            Vary::Destination => &dests[pairs[*i].1],
            Vary::Source => &sources[pairs[*i].0],
        })
        .collect();
    let members: Vec<Vec<crate::model::NetworkInterfaceId>> = varying.iter().map(|c| c.members.clone()).collect();
    // A path is attributed to the class of its interface: the classes must not share one.
    let mut all: Vec<&crate::model::NetworkInterfaceId> = members.iter().flatten().collect();
    let n = all.len();
    all.sort();
    all.dedup();
    if all.len() != n {
        return g.pairs.clone();
    }
    let union = |input: Input<'_>| -> Endpoint {
        let mut e = Endpoint::named("the grouped classes");
        e.interfaces = members
            .iter()
            .flatten()
            .filter(|m| input.net.network_interfaces.contains_key(*m))
            .cloned()
            .collect();
        e.interfaces.sort();
        e.interfaces.dedup();
        e
    };
    let ends = |input: Input<'_>| -> (Endpoint, Endpoint) {
        match g.vary {
            Vary::Destination => (
                sources[g.fixed].endpoint(input.net, input.ix, Role::Source),
                union(input),
            ),
            Vary::Source => (
                union(input),
                dests[g.fixed].endpoint(input.net, input.ix, Role::Destination),
            ),
        }
    };
    let (bf, mut bt) = ends(before);
    let (af, mut at) = ends(after);
    super::both_services(&mut bt, &mut at, before.net, after.net);
    let b = Side {
        net: before.net,
        ix: before.ix,
        from: &bf,
        to: &bt,
    };
    let a = Side {
        net: after.net,
        ix: after.ix,
        from: &af,
        to: &at,
    };
    let spec = &pairs[g.pairs[0]].2;
    let budget = opts.budget.map(crate::smt::Budget::starting_now);
    match candidates(&b, &a, g.vary, &members, spec, budget) {
        Some(open) => open.into_iter().map(|k| g.pairs[k]).collect(),
        None => g.pairs.clone(),
    }
}
