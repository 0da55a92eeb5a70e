//! The solver every walk talks to: Z3's incremental solver behind a wall-clock budget and the
//! rule that a solver which gave up is never trusted again (SOLVE-1..4 of SEMANTICS.md).
//!
//! Owns: the budget of one question ([`Budget`]), the shadow of the solver's assertion stack
//! (so that a fresh solver can be rebuilt in the same state), the retry of a check that gave up,
//! and the test-only fault injection seam ([`Faults`]). Must not touch: what is asserted (the
//! walk decides that) or what a verdict means (`walk`, `analyze`).
//!
//! - SOLVE-1: a check that returned `unknown` (timeout, resource limit, interruption) poisons
//!   its solver: Z3's incremental solver may answer later checks wrongly after it gave up. The
//!   next check runs on a fresh solver rebuilt from the shadow stack.
//! - SOLVE-2: a check may use at most half of what is left of the budget; when it gives up, it is
//!   retried once on a fresh solver with the rest. What the retry cannot decide is `unknown`.
//! - SOLVE-3: once the budget is spent no check is made; the walk stops and the answer is
//!   `unknown`, naming the budget and how far the walk got.
//! - SOLVE-11: an exclusion the walk defers (an internet host is none of the estate's public
//!   addresses) is asserted, at the bottom of the stack and for the rest of the walk, as soon as
//!   a satisfiable check's model gives the variable one of the excluded addresses; the check is
//!   then made again. No satisfiable answer leaves this solver with such a model.

use std::net::IpAddr;
use std::time::{Duration, Instant};
use z3::ast::{BV, Bool};
use z3::{Model, Params, SatResult, Solver};

/// The wall-clock budget of one question, from the moment it was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// How long the question may take.
    pub limit: Duration,
    /// When it must be answered.
    pub deadline: Instant,
}

impl Budget {
    /// A budget of `limit` starting now.
    pub fn starting_now(limit: Duration) -> Self {
        Budget {
            limit,
            deadline: Instant::now() + limit,
        }
    }

    /// What is left, or `None` when the budget is spent.
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
    }

    /// The budget as people write it (`2s`, `500ms`).
    pub fn shown(&self) -> String {
        humantime::format_duration(self.limit).to_string()
    }
}

/// Test-only fault injection: make checks answer `unknown` as if the solver had given up.
#[doc(hidden)]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Make these checks (counted from 0 in each address family's walk) give up.
    pub at: Vec<u64>,
    /// Besides, make each check give up with probability `per_mille / 1000` (a deterministic
    /// pseudo-random sequence from `seed`).
    pub per_mille: u16,
    /// The seed of that sequence.
    pub seed: u64,
    /// After it gave up, a solver answers later checks arbitrarily (sat or unsat at random):
    /// the behaviour of Z3's incremental solver that SOLVE-1 guards against, made certain.
    pub corrupt: bool,
}

/// Counts of one question's solver use.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SolveStats {
    /// Checks asked for (each retry counts once more).
    pub checks: u64,
    /// Checks that gave up.
    pub gave_up: u64,
    /// Checks that gave up and were decided by the retry on a fresh solver (SOLVE-2).
    pub rescued: u64,
    /// Fresh solvers built after one gave up (SOLVE-1).
    pub rebuilt: u64,
    /// Deferred exclusions asserted because a model needed them (SOLVE-11).
    pub exclusions_asserted: u64,
}

/// Z3's incremental solver, guarded (SOLVE-1..3).
pub(crate) struct Guarded {
    solver: Solver,
    /// The assertions of each stack level, level 0 at the bottom.
    stack: Vec<Vec<Bool>>,
    /// The solver returned `unknown` since it was built: rebuild before the next check.
    poisoned: bool,
    budget: Option<Budget>,
    faults: Option<Faults>,
    rng: u64,
    pub stats: SolveStats,
    /// Why the last check that gave up did.
    reason: Option<String>,
    /// The budget ran out (SOLVE-3).
    pub spent: bool,
    /// Exclusions not yet asserted (SOLVE-11).
    deferred: Vec<Deferred>,
    /// The variables whose deferred exclusions have been asserted.
    asserted: Vec<BV>,
    /// The model of the last check, when it was satisfiable and its model was fetched.
    model: Option<Model>,
}

/// An exclusion handed over by the walk to be asserted only when a model needs it (SOLVE-11):
/// `var` takes none of `excluded` (sorted).
struct Deferred {
    var: BV,
    excluded: Vec<IpAddr>,
}

impl Guarded {
    pub(crate) fn new(budget: Option<Budget>, faults: Option<Faults>) -> Self {
        let rng = faults.as_ref().map(|f| f.seed ^ 0x9e37_79b9_7f4a_7c15).unwrap_or(0);
        Guarded {
            solver: Solver::new(),
            stack: vec![Vec::new()],
            poisoned: false,
            budget,
            faults,
            rng,
            stats: SolveStats::default(),
            reason: None,
            spent: false,
            deferred: Vec::new(),
            asserted: Vec::new(),
            model: None,
        }
    }

    /// Defers the exclusion of `excluded` from the values of `var` (SOLVE-11): the walk's
    /// questions mean it, but asserting it costs a comparison per address up front, and most
    /// models never come near them. Only for IPv4 addresses (32-bit variables); another is left
    /// to the walk to write out.
    pub(crate) fn defer_exclusion(&mut self, var: &BV, mut excluded: Vec<IpAddr>) {
        if var.get_size() != 32 || self.defers(var) {
            return;
        }
        excluded.sort_unstable();
        excluded.dedup();
        self.deferred.push(Deferred {
            var: var.clone(),
            excluded,
        });
    }

    /// Whether `var` has a deferred exclusion, asserted yet or not: it then never takes an
    /// excluded address in an answer of this solver.
    pub(crate) fn defers(&self, var: &BV) -> bool {
        self.deferred.iter().any(|d| d.var == *var) || self.asserted.iter().any(|v| v == var)
    }

    pub(crate) fn push(&mut self) {
        self.model = None;
        self.solver.push();
        self.stack.push(Vec::new());
    }

    pub(crate) fn pop(&mut self, n: u32) {
        self.model = None;
        self.solver.pop(n);
        for _ in 0..n {
            if self.stack.len() > 1 {
                self.stack.pop();
            }
        }
    }

    pub(crate) fn assert(&mut self, b: &Bool) {
        self.model = None;
        self.solver.assert(b);
        if let Some(level) = self.stack.last_mut() {
            level.push(b.clone());
        }
    }

    /// `check()` without assumptions.
    pub(crate) fn check(&mut self) -> SatResult {
        self.check_assumptions(&[])
    }

    /// A check that is either decided by a solver that never gave up, or `Unknown`; a
    /// satisfiable one has a model within every deferred exclusion (SOLVE-11).
    pub(crate) fn check_assumptions(&mut self, assumptions: &[Bool]) -> SatResult {
        let r = self.check_once(assumptions);
        if r == SatResult::Sat && !self.deferred.is_empty() && self.model_needs_deferred() {
            self.assert_deferred();
            return self.check_once(assumptions);
        }
        r
    }

    /// Whether the last check's model gives a deferred variable an excluded address (or cannot
    /// be read: then the exclusions are asserted, to be safe). Keeps the model for `get_model`.
    fn model_needs_deferred(&mut self) -> bool {
        let Some(m) = self.solver.get_model() else {
            return true;
        };
        let needs = self.deferred.iter().any(|d| {
            let value = m.eval(&d.var, true).and_then(|v| v.as_u64());
            match value.and_then(|v| u32::try_from(v).ok()) {
                Some(v) => d.excluded.binary_search(&IpAddr::V4(v.into())).is_ok(),
                None => true,
            }
        });
        self.model = Some(m);
        needs
    }

    /// Asserts every deferred exclusion at the bottom of the stack, for the rest of the walk: the
    /// solver is rebuilt with them (SOLVE-11).
    fn assert_deferred(&mut self) {
        for d in std::mem::take(&mut self.deferred) {
            let excluded = super::sym::in_addrs(&d.var, d.excluded.iter()).not();
            self.stack[0].push(excluded);
            self.asserted.push(d.var);
            self.stats.exclusions_asserted += 1;
        }
        self.fresh_solver();
    }

    /// A check on the current solver, retried once on a fresh one if it gives up (SOLVE-1, 2).
    fn check_once(&mut self, assumptions: &[Bool]) -> SatResult {
        self.model = None;
        if self.poisoned {
            self.rebuild();
        }
        let Some(first) = self.allowance(true) else {
            return SatResult::Unknown;
        };
        let r = self.raw_check(assumptions, first);
        if r != SatResult::Unknown {
            return r;
        }
        self.poisoned = true;
        // SOLVE-2: once more, on a fresh solver, with all that is left.
        let Some(rest) = self.allowance(false) else {
            return SatResult::Unknown;
        };
        self.rebuild();
        let r = self.raw_check(assumptions, rest);
        if r == SatResult::Unknown {
            self.poisoned = true;
        } else {
            self.stats.rescued += 1;
        }
        r
    }

    /// The timeout of the next attempt, in milliseconds (`Some(None)`: no limit), or `None` when
    /// the budget is spent. A first attempt gets half of what is left.
    fn allowance(&mut self, first: bool) -> Option<Option<u32>> {
        let Some(b) = self.budget else {
            return Some(None);
        };
        let left = b.remaining().map(|d| if first { d / 2 } else { d });
        match left.map(|d| d.as_millis()) {
            Some(ms) if ms >= 1 => Some(Some(u32::try_from(ms).unwrap_or(u32::MAX))),
            _ => {
                self.spent = true;
                self.reason = Some(format!("the budget of {} ran out", b.shown()));
                None
            }
        }
    }

    fn raw_check(&mut self, assumptions: &[Bool], timeout_ms: Option<u32>) -> SatResult {
        self.stats.checks += 1;
        let n = self.stats.checks - 1;
        if let Some((at, per_mille, corrupt)) = self
            .faults
            .as_ref()
            .map(|f| (f.at.contains(&n), f.per_mille, f.corrupt))
        {
            let inject = at || (per_mille > 0 && self.next_random() % 1000 < u64::from(per_mille));
            if inject {
                self.stats.gave_up += 1;
                self.reason = Some("injected fault".into());
                return SatResult::Unknown;
            }
            if corrupt && self.poisoned {
                // A solver that gave up, still used (what SOLVE-1 forbids): arbitrary answers.
                return if self.next_random().is_multiple_of(2) {
                    SatResult::Sat
                } else {
                    SatResult::Unsat
                };
            }
        }
        if let Some(ms) = timeout_ms {
            let mut params = Params::new();
            params.set_u32("timeout", ms);
            self.solver.set_params(&params);
        }
        let r = self.solver.check_assumptions(assumptions);
        if r == SatResult::Unknown {
            self.stats.gave_up += 1;
            self.reason = Some(self.solver.get_reason_unknown().unwrap_or_else(|| "unknown".into()));
            if self.budget.is_some_and(|b| b.remaining().is_none()) {
                self.spent = true;
            }
        }
        r
    }

    fn next_random(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.rng.max(1);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A fresh solver holding the same assertions at the same stack levels (SOLVE-1).
    fn rebuild(&mut self) {
        self.fresh_solver();
        self.stats.rebuilt += 1;
    }

    fn fresh_solver(&mut self) {
        self.model = None;
        let s = Solver::new();
        for (i, level) in self.stack.iter().enumerate() {
            if i > 0 {
                s.push();
            }
            for b in level {
                s.assert(b);
            }
        }
        self.solver = s;
        self.poisoned = false;
    }

    /// The model of the last check, which was satisfiable.
    pub(crate) fn get_model(&mut self) -> Option<Model> {
        if self.poisoned {
            return None;
        }
        self.model.take().or_else(|| self.solver.get_model())
    }

    /// The unsat core of the last check, which was unsatisfiable.
    pub(crate) fn get_unsat_core(&self) -> Vec<Bool> {
        self.solver.get_unsat_core()
    }

    /// Why the last check that gave up did.
    pub(crate) fn reason_unknown(&self) -> String {
        self.reason.clone().unwrap_or_else(|| "unknown".into())
    }
}
