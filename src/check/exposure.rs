//! Exposure breadth in a run (EXP-1..4 of SEMANTICS.md): a question from `internet` that
//! expects `unreachable` and gets a packet through is asked again, through
//! [`crate::query::breadth`], for every internet prefix it is reached from, leaving out the
//! trusted prefixes (`trusted` in the suite, `--trusted`, `[check] trusted` in vpcverify.toml).
//! A violation reached only from trusted prefixes holds. A built-in exposure rule's finding
//! takes its severity from the breadth (EXP-4): critical when a high-risk port is open to every
//! internet address, low when only listed public prefixes reach it, the rule's own otherwise.
//!
//! Must not touch: z3, printing.

use super::run::{AssertionResult, RunOptions, Status, run_one_screened};
use super::suite::{Assertion, Expect, Severity, Suite};
use crate::model::{Cidr, Network, NetworkIndex};
use crate::query::apart::Apart;
use crate::query::breadth;
use std::sync::OnceLock;

/// How many prefixes a search finds at most before it says the list is cut short (EXP-3).
pub const BOUND: usize = 32;

/// What a run needs to search exposures: the trusted prefixes, the rules' ids, and the
/// network's address blocks (computed on first use, once).
#[derive(Debug)]
pub struct Context<'s> {
    trusted: &'s [Cidr],
    suite: &'s Suite,
    blocks: OnceLock<Vec<Cidr>>,
}

impl<'s> Context<'s> {
    /// The context of a suite's run.
    pub fn new(suite: &'s Suite) -> Self {
        Context {
            trusted: &suite.trusted,
            suite,
            blocks: OnceLock::new(),
        }
    }

    /// Answers one assertion, with its exposure when it is about the internet.
    /// `apart`: the run's screens decided on the model, for the port ranges of an assertion
    /// over several (`run::run_one_screened`).
    pub fn answer(
        &self,
        net: &Network,
        ix: &NetworkIndex,
        a: &Assertion,
        opts: &RunOptions,
        apart: Option<&Apart>,
    ) -> AssertionResult {
        let r = run_one_screened(net, ix, a, opts, apart);
        self.expose(net, ix, a, opts, r)
    }

    /// Adds to `r`, `a`'s answer, its exposure when it is a violation about the internet.
    pub fn expose(
        &self,
        net: &Network,
        ix: &NetworkIndex,
        a: &Assertion,
        opts: &RunOptions,
        mut r: AssertionResult,
    ) -> AssertionResult {
        let about_internet = a.from == "internet" && a.expect == Expect::Unreachable;
        if !about_internet || r.status != Status::Violated {
            return r;
        }
        // A built-in rule that is not about exposure (VPCV-004: anything reaching a default
        // group's member) takes nothing from the breadth but the trusted prefixes' exclusion
        // (EXP-2): without trusted prefixes, its finding is the witness alone. (On the
        // 20,000-interface estate, one search from a world-open member cost 20-26 s.)
        let rule = self.suite.rules.get(a.rule);
        if self.trusted.is_empty()
            && !a.screens.is_empty()
            && rule.is_some_and(|rule| !super::builtin::EXPOSURE_RULES.contains(&rule.id.as_str()))
        {
            return r;
        }
        let blocks = self.blocks.get_or_init(|| breadth::address_blocks(net));
        let spec = a.query_spec(false, opts.budget);
        let answered = r
            .verdict
            .clone()
            .map(|verdict| crate::query::engine::QueryResult { verdict, proof: None });
        let e = match breadth::sources(net, ix, &spec, self.trusted, blocks, BOUND, answered) {
            Ok(e) => e,
            Err(err) => {
                r.status = Status::Error;
                r.error = Some(err.to_string());
                r.verdict = None;
                return r;
            }
        };
        if e.prefixes.is_empty() {
            let mut v = e.last.verdict.clone();
            r.status = match v.verdict {
                crate::query::VerdictKind::Unreachable => Status::Held,
                _ => Status::Unknown,
            };
            v.warnings.push(format!(
                "reached from the internet only from trusted prefixes ({})",
                self.trusted
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            r.verdict = Some(v);
        } else {
            r.verdict = Some(e.first.verdict.clone());
            let rule = self.suite.rules.get(a.rule);
            r.severity = rule.and_then(|rule| severity(&rule.id, rule.severity, &e));
        }
        r.exposure = Some(e);
        r
    }
}

/// EXP-4: the severity of a built-in exposure finding, when it is not its rule's.
pub fn severity(rule_id: &str, base: Severity, e: &breadth::Exposure) -> Option<Severity> {
    if !super::builtin::EXPOSURE_RULES.contains(&rule_id) {
        return None;
    }
    let s = if e.world() && super::builtin::HIGH_RISK_RULES.contains(&rule_id) {
        Severity::Critical
    } else if e.complete && !e.world() {
        Severity::Low
    } else {
        base
    };
    (s != base).then_some(s)
}

/// One line for people: `from the whole internet`, `from 81.2.69.0/24 only`, or `from
/// 81.2.69.0/24, … and possibly more (the search stops after 8 prefixes)`.
pub fn describe(e: &breadth::Exposure) -> String {
    let whole = e.world();
    match (whole, e.complete) {
        (true, _) => format!("reachable from the whole internet ({})", e.shown()),
        (false, true) => format!("reachable from {} only", e.shown()),
        (false, false) if e.prefixes.len() >= e.bound => format!(
            "reachable from {} and possibly more (the search stops after {} prefixes, EXP-3)",
            e.shown(),
            e.bound
        ),
        (false, false) => format!(
            "reachable from {}; whether other prefixes reach it is unknown",
            e.shown()
        ),
    }
}
