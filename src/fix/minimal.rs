//! Fewest edits for real (FIX-13): after the greedy search found a fix of `n` edits (or none
//! within the bound), every combination of fewer edits drawn from the candidate space is tried,
//! by iterative deepening: every single edit before any pair, every pair before any triple. The
//! candidate space at a network is what the search proposes there: for `--want reachable`, every
//! alternative for every cell of its drop map (and the greedy's merged edits); for `--want
//! unreachable`, every candidate on the witness path. A leaf is first replayed in the simulator
//! (the packets the search started from must get the wanted fate), and only then asked of the
//! SMT engine.
//!
//! What this proves: no fix of fewer edits exists *within the candidate space*, when the search
//! ran to its end (no candidate list cut at [`MAX_BRANCH`], no time bound met). It does not prove
//! that no smaller change of another shape exists (a rule of a wider block, a route to a target
//! the candidates do not name).
//!
//! Owns: the deepening. Must not touch: z3 (the engine is asked through `query`), printing.

use super::edit::{Edit, apply_all};
use super::search::{Ctx, block_candidates, cell_edits, merge};
use super::{FixError, Limits, Want};
use crate::model::*;
use crate::query::dropmap::compute;
use crate::query::verdict::VerdictKind;
use crate::sim;
use std::collections::HashMap;
use std::time::Instant;

/// At most this many candidates are tried at one network (narrowest first).
pub const MAX_BRANCH: usize = 10;

/// What the deepening found.
#[derive(Debug, Clone, Default)]
pub struct Fewest {
    /// A fix of fewer edits than the greedy one, if one exists in the candidate space.
    pub edits: Option<Vec<Edit>>,
    /// True when every combination of fewer edits was tried (no cut, no time bound).
    pub exhaustive: bool,
    /// Why it is not exhaustive.
    pub why_not: Option<String>,
}

enum Node {
    /// The wanted verdict holds over the whole question.
    Done,
    /// Not yet: the candidates here.
    Open(Vec<Edit>),
}

struct Deepen<'a> {
    net: &'a Network,
    ctx: &'a Ctx<'a>,
    want: Want,
    limits: &'a Limits,
    t0: Instant,
    replays: &'a [(sim::Start, Packet)],
    memo: HashMap<String, Option<Vec<Edit>>>,
    cut: bool,
    timed_out: bool,
}

/// Searches for a fix of fewer than `below` edits, fewest first; at one edit, the narrowest of
/// those that work.
pub(crate) fn fewest(
    net: &Network,
    ctx: &Ctx<'_>,
    want: Want,
    limits: &Limits,
    t0: Instant,
    replays: &[(sim::Start, Packet)],
    below: usize,
) -> Result<Fewest, FixError> {
    let mut d = Deepen {
        net,
        ctx,
        want,
        limits,
        t0,
        replays,
        memo: HashMap::new(),
        cut: false,
        timed_out: false,
    };
    for depth in 1..below {
        let mut path = Vec::new();
        if let Some(edits) = d.dfs(&mut path, depth)? {
            return Ok(Fewest {
                edits: Some(edits),
                exhaustive: !d.cut && !d.timed_out,
                why_not: d.why_not(),
            });
        }
        if d.timed_out {
            break;
        }
    }
    Ok(Fewest {
        edits: None,
        exhaustive: !d.cut && !d.timed_out,
        why_not: d.why_not(),
    })
}

impl Deepen<'_> {
    fn why_not(&self) -> Option<String> {
        if self.timed_out {
            Some("the time bound was met before every smaller combination of edits was tried".into())
        } else if self.cut {
            Some(format!(
                "at some network more than {MAX_BRANCH} candidate edits existed and only the {MAX_BRANCH} narrowest were tried"
            ))
        } else {
            None
        }
    }

    /// A fix of exactly `depth` more edits after `path`, narrowest first at each level.
    fn dfs(&mut self, path: &mut Vec<Edit>, depth: usize) -> Result<Option<Vec<Edit>>, FixError> {
        if self.t0.elapsed() > self.limits.time {
            self.timed_out = true;
            return Ok(None);
        }
        let here = apply_all(self.net, path);
        if depth == 0 {
            if !self.replays_ok(&here) {
                return Ok(None);
            }
            return Ok(match self.expand(&here, path)? {
                Some(Node::Done) => Some(path.clone()),
                _ => None,
            });
        }
        let Some(Node::Open(cands)) = self.expand(&here, path)? else {
            // Done with fewer edits (found at a smaller depth already) or a dead end.
            return Ok(None);
        };
        let mut best: Option<Vec<Edit>> = None;
        for c in cands {
            if path.contains(&c) {
                continue;
            }
            path.push(c);
            let r = self.dfs(path, depth - 1)?;
            path.pop();
            if let Some(fix) = r {
                // One edit: the narrowest that works; deeper: the first found (narrowest first).
                if depth > 1 || !path.is_empty() {
                    return Ok(Some(fix));
                }
                let width = |f: &[Edit]| f.iter().map(Edit::breadth).sum::<f64>();
                if best.as_ref().is_none_or(|b| width(&fix) < width(b)) {
                    best = Some(fix);
                }
            }
            if self.timed_out {
                break;
            }
        }
        Ok(best)
    }

    /// The packets the search started from get the wanted fate in the simulator (a cheap test
    /// before the SMT engine is asked).
    fn replays_ok(&self, net: &Network) -> bool {
        let ix = NetworkIndex::new(net);
        self.replays.iter().all(|(start, p)| {
            let t = sim::trace_to_targets(
                net,
                &ix,
                start.clone(),
                *p,
                self.ctx.one_way,
                self.ctx.to.lb_targets.as_deref(),
            );
            matches!(
                (self.want, t.status()),
                (Want::Reachable, sim::Status::Reachable) | (Want::Unreachable, sim::Status::Unreachable(_))
            )
        })
    }

    /// `Some(Done)`, `Some(Open(candidates))`, or `None` (unknown, or no candidate).
    fn expand(&mut self, net: &Network, path: &[Edit]) -> Result<Option<Node>, FixError> {
        let key = format!("{path:?}");
        if let Some(m) = self.memo.get(&key) {
            return Ok(m.clone().map(|c| if c.is_empty() { Node::Done } else { Node::Open(c) }));
        }
        let ix = NetworkIndex::new(net);
        let node = match self.want {
            Want::Reachable => self.expand_reachable(net, &ix)?,
            Want::Unreachable => self.expand_unreachable(net, &ix)?,
        };
        let node = node.map(|n| match n {
            Node::Open(mut c) => {
                if c.len() > MAX_BRANCH {
                    self.cut = true;
                    c.truncate(MAX_BRANCH);
                }
                Node::Open(c)
            }
            Node::Done => Node::Done,
        });
        self.memo.insert(
            key,
            node.as_ref().map(|n| match n {
                Node::Done => Vec::new(),
                Node::Open(c) => c.clone(),
            }),
        );
        Ok(node)
    }

    fn expand_reachable(&self, net: &Network, ix: &NetworkIndex) -> Result<Option<Node>, FixError> {
        let Some((map, ..)) = compute(net, ix, self.ctx.spec, self.limits.max_cells)? else {
            return Ok(None);
        };
        if map.undecided {
            return Ok(None);
        }
        if map.cells.is_empty() {
            let v = crate::query::engine::run(net, ix, self.ctx.spec)?.verdict;
            return Ok((v.verdict == VerdictKind::Reachable).then_some(Node::Done));
        }
        let mut firsts = Vec::new();
        let mut rest: Vec<Edit> = Vec::new();
        for c in &map.cells {
            let Ok(alternatives) = cell_edits(net, ix, net, c, self.ctx) else {
                continue;
            };
            let mut alternatives = alternatives
                .into_iter()
                .filter(|e| super::search::progress(net, c, self.ctx, e).is_some());
            if let Some(f) = alternatives.next() {
                firsts.push(f);
            }
            rest.extend(alternatives);
        }
        // The greedy's own choices (merged) first, then every other alternative, narrowest first.
        let mut cands = merge(firsts.clone());
        let merged = cands.len();
        for e in firsts.into_iter().chain(rest) {
            if !cands.contains(&e) {
                cands.push(e);
            }
        }
        cands[merged..].sort_by(|a, b| a.breadth().total_cmp(&b.breadth()));
        Ok((!cands.is_empty()).then_some(Node::Open(cands)))
    }

    fn expand_unreachable(&self, net: &Network, ix: &NetworkIndex) -> Result<Option<Node>, FixError> {
        let v = crate::query::engine::run(net, ix, self.ctx.spec)?.verdict;
        match v.verdict {
            VerdictKind::Unreachable => Ok(Some(Node::Done)),
            VerdictKind::Unknown => Ok(None),
            VerdictKind::Reachable => {
                let (Some(packet), Some(path)) = (v.packet, v.path) else {
                    return Ok(None);
                };
                let mut cands = block_candidates(net, &path, &packet, self.ctx);
                cands.sort_by(|a, b| a.breadth().total_cmp(&b.breadth()));
                cands.dedup();
                Ok((!cands.is_empty()).then_some(Node::Open(cands)))
            }
        }
    }
}
