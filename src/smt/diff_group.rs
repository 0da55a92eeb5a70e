//! The grouped difference question of `vpcverify diff` (SEMANTICS.md §9.5, DIFF-7): one class
//! at one end, the other end ranging over many interface classes at once.
//!
//! Instead of one question per pair of classes, both networks are walked once (per family) from
//! the fixed class to the union of the candidate classes (or from the union to the fixed class),
//! in collecting mode as for a pair (`super::diff`). Every candidate path is then attributed to
//! the candidate class it belongs to: the interface it is delivered to (its request path's last
//! hop) when the destinations vary, the interface it starts from when the sources vary. A path
//! that cannot be attributed (it ends at a construct that is not modelled) counts for every
//! class, as an upper bound only. A symbolic class selector `k` then picks one candidate class,
//! and one solver asks for a packet and a `k` such that, for class `k`, the packet may get through
//! in one network while it surely does not in the other (upper bound of one against the lower
//! bound of the other, both directions), the packet's varying address being an address of class
//! `k`. That formula holds every packet the pair's own question could report as opened, closed
//! or unknown, so UNSAT settles every remaining class's pair as unchanged; on SAT the witness's
//! `k` is a class whose pair must be asked exactly (the caller asks it as before); it is excluded
//! and the solver asked again.
//!
//! Owns: the grouped question. Must not touch: printing, the simulator, the per-pair answer (the
//! caller asks every pair this leaves open with `super::diff::compare`).

use super::diff::{DiffSpec, Reach, Side, common_external, families, reach};
use super::sym::*;
use crate::model::*;
use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use z3::ast::{BV, Bool};
use z3::{SatResult, Solver};

/// Which end of the question ranges over the candidate classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Vary {
    /// The sources vary; the destination is fixed.
    Source,
    /// The destinations vary; the source is fixed.
    Destination,
}

/// The candidate classes (indices into `members`, each a class's interfaces in either network)
/// whose pair with the fixed end may differ between `before` and `after` and must be asked on its
/// own; the others are unchanged. `None`: the grouped question was not settled (the solver gave
/// up, the budget ran out, the walk met something it cannot take as a bound): every pair must be
/// asked on its own. `before`/`after` hold the fixed end and the union of the members.
pub fn candidates(
    before: &Side<'_>,
    after: &Side<'_>,
    vary: Vary,
    members: &[Vec<NetworkInterfaceId>],
    spec: &DiffSpec,
    budget: Option<super::Budget>,
) -> Option<BTreeSet<usize>> {
    static TACTIC: std::sync::Once = std::sync::Once::new();
    TACTIC.call_once(|| z3::set_global_param("tactic.default_tactic", "smt"));
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (k, m) in members.iter().enumerate() {
        for i in m {
            owner.insert(i.as_str(), k);
        }
    }
    let mut out = BTreeSet::new();
    for family in families(spec.protocol)
        .into_iter()
        .filter(|f| spec.family.is_none_or(|x| x == *f))
    {
        let b = reach(before, spec, family, budget);
        let a = reach(after, spec, family, budget);
        if !a.hard.is_empty() || !b.hard.is_empty() {
            return None;
        }
        let (ab, bb) = (
            by_class(&b, vary, &owner, members.len()),
            by_class(&a, vary, &owner, members.len()),
        );
        let p = SymPacket::variables(family);
        let sel = BV::new_const("diff_group_class", 32);
        let mut terms = Vec::new();
        for (k, class) in members.iter().enumerate() {
            let (bl, bu) = (&ab.lower[k], &ab.upper[k]);
            let (al, au) = (&bb.lower[k], &bb.upper[k]);
            if bu.is_empty() && au.is_empty() {
                // No path of this class in either network: nothing gets through in either.
                continue;
            }
            let (bl, bu) = (all(&[b.space.clone(), any(bl)]), all(&[b.space.clone(), any(bu)]));
            let (al, au) = (all(&[a.space.clone(), any(al)]), all(&[a.space.clone(), any(au)]));
            let differs = any(&[all(&[au, bl.not()]), all(&[bu, al.not()])]);
            let addrs = class_addresses(before, after, vary, class, family);
            let at = match vary {
                Vary::Destination => in_addrs(&p.dst, addrs.iter()),
                Vary::Source => in_addrs(&p.src, addrs.iter()),
            };
            terms.push(all(&[sel.eq(BV::from_u64(k as u64, 32)), at, differs]));
        }
        if terms.is_empty() {
            continue;
        }
        let common = common_external(before, after, family);
        let s = Solver::new();
        s.assert(&common);
        s.assert(any(&terms));
        for k in &out {
            s.assert(sel.eq(BV::from_u64(*k as u64, 32)).not());
        }
        loop {
            if budget.is_some_and(|b| b.remaining().is_none()) {
                return None;
            }
            match s.check() {
                SatResult::Unsat => break,
                SatResult::Unknown => return None,
                SatResult::Sat => {}
            }
            let k = s
                .get_model()
                .and_then(|m| m.eval(&sel, true))
                .and_then(|v| v.as_u64())
                .and_then(|k| usize::try_from(k).ok())
                .filter(|k| *k < members.len())?;
            out.insert(k);
            s.assert(sel.eq(BV::from_u64(k as u64, 32)).not());
        }
    }
    Some(out)
}

/// One network's paths, by candidate class: each class's lower and upper path formulas.
struct ByClass {
    lower: Vec<Vec<Bool>>,
    upper: Vec<Vec<Bool>>,
}

fn by_class(r: &Reach, vary: Vary, owner: &HashMap<&str, usize>, n: usize) -> ByClass {
    let mut out = ByClass {
        lower: vec![Vec::new(); n],
        upper: vec![Vec::new(); n],
    };
    for path in &r.paths {
        let at = match vary {
            Vary::Destination => path.forward.last().map(String::as_str),
            Vary::Source => match &path.start {
                super::StartPoint::Interface(x) => Some(x.as_str()),
                _ => None,
            },
        };
        match at.and_then(|x| owner.get(x)) {
            Some(k) => {
                out.lower[*k].push(path.lower.clone());
                out.upper[*k].push(path.upper.clone());
            }
            // Not attributable: an upper bound of every class (its lower bound is no packet).
            None => {
                for u in &mut out.upper {
                    u.push(path.upper.clone());
                }
            }
        }
    }
    out
}

/// The addresses the varying end of class `members` can have on the packet its source sends:
/// a destination's private, public and IPv6 addresses; a source's private and IPv6 addresses
/// (in either network).
fn class_addresses(
    before: &Side<'_>,
    after: &Side<'_>,
    vary: Vary,
    members: &[NetworkInterfaceId],
    family: IpFamily,
) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = Vec::new();
    for side in [before, after] {
        for e in members.iter().filter_map(|m| side.net.network_interfaces.get(m)) {
            out.extend(e.private_addresses());
            if vary == Vary::Destination {
                out.extend(e.public_addresses().map(IpAddr::V4));
            }
        }
    }
    out.retain(|a| IpFamily::of(a) == family);
    out.sort();
    out.dedup();
    out
}
