//! Names beside ids in answers (DESIGN.md §2): the verdict's `names` map, from the network's
//! [`Names`] index, for every component id the answer mentions. Must not touch: printing.

use super::verdict::Verdict;
use crate::model::{Names, Network};

/// Fills `v.names` with the display name of every id on its paths, blocking entries, unknown
/// causes and waypoints, where it has one that says more than the id.
/// The names are looked up id by id ([`Names::of`]), not read from the whole network's index,
/// which a point question would otherwise build for a handful of ids.
pub fn annotate(v: &mut Verdict, net: &Network) {
    let mut ids: Vec<&str> = Vec::new();
    let hops = v.path.iter().chain(v.return_path.iter()).flatten();
    ids.extend(hops.map(|h| h.id.as_str()));
    ids.extend(v.blocked.iter().map(|b| b.id.as_str()));
    ids.extend(v.unknown.iter().chain(v.bounded.iter()).map(|u| u.id.as_str()));
    if let Some(w) = &v.waypoint {
        ids.extend(
            w.path
                .iter()
                .chain(w.return_path.iter())
                .flatten()
                .map(|h| h.id.as_str()),
        );
        ids.extend(w.blocked.iter().map(|b| b.id.as_str()));
        ids.extend(w.through.iter().chain(w.avoid.iter()).map(|x| x.id.as_str()));
    }
    let names = Names::of(net, ids.iter().copied());
    let found: Vec<(String, String)> = ids
        .into_iter()
        .filter_map(|id| names.display_name(id).map(|n| (id.to_owned(), n.to_owned())))
        .collect();
    v.names.extend(found);
}
