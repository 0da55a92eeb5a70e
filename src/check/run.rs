//! Running a suite: every assertion is one [`crate::query::waypoint::run`] call, answered in
//! parallel on a local rayon pool (each worker thread has its own Z3 context, `smt::solve`). The
//! workers take the assertions in the suite's order, one at a time, and report each as it
//! finishes (`on_done`, for progress), so one slow assertion never hides the others; the results
//! are collected in the suite's order, so reports are deterministic whatever the scheduling.
//!
//! Budgets (`budget`): each assertion gets the per-assertion budget, bounding its whole question.
//! A total budget bounds the run: an assertion that starts gets at most what is left of it, and
//! once it is spent the assertions not yet started are unknown, with a cause `budget` naming the
//! total. An assertion that was not answered never gets a definite verdict.
//!
//! Statuses and exit precedence: an assertion **holds** when the verdict is the expected one, is
//! **violated** when it is the other one, is **unknown** when the engine answers unknown, and is
//! an **error** when the question cannot be answered (an endpoint that names nothing, an internal
//! inconsistency). The suite's outcome is the worst status in the order
//! error (exit 2) > violated (1) > unknown (3) > all hold (0): a definite violation is reported
//! even when another assertion is unknown, and a suite that could not be checked fully is never
//! a pass.

use super::budget::{Limit, Total};
use super::suite::{Assertion, Expect, Suite};
use crate::model::{ComponentKind, Network, NetworkIndex, PortRange, proto};
use crate::query::apart::Apart;
use crate::query::engine::ProtocolChoice;
use crate::query::waypoint::WaypointKind;
use crate::query::{QueryEcho, UnknownCause, Verdict, VerdictKind};
use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What became of one assertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The verdict is the expected one.
    Held,
    /// The verdict is the other one.
    Violated,
    /// The engine answered unknown (a construct that is not modelled, a solver timeout).
    Unknown,
    /// The question could not be answered.
    Error,
}

impl Status {
    /// Rank in the exit precedence: error > violated > unknown > held.
    fn rank(self) -> u8 {
        match self {
            Status::Held => 0,
            Status::Unknown => 1,
            Status::Violated => 2,
            Status::Error => 3,
        }
    }
}

/// The answer to one assertion.
#[derive(Debug, Clone)]
pub struct AssertionResult {
    /// Held, violated, unknown or error.
    pub status: Status,
    /// The query verdict (absent on error).
    pub verdict: Option<Verdict>,
    /// Why the question could not be answered (error).
    pub error: Option<String>,
    /// The SMT-LIB2 proof of a holding `unreachable` assertion, when proofs were asked for.
    pub proof: Option<String>,
    /// Wall-clock time of the query.
    pub elapsed: Duration,
    /// Set on a violation the baseline or an `[[ignore]]` entry accepts: it does not fail the run.
    pub accepted: Option<super::accept::Accepted>,
    /// For a question from `internet` that is answered reachable: the internet prefixes it is
    /// reached from (EXP-1..3).
    pub exposure: Option<crate::query::breadth::Exposure>,
    /// The finding's severity when it differs from its rule's (a built-in exposure rule's
    /// severity follows breadth, EXP-4).
    pub severity: Option<super::Severity>,
    /// What a configuration fact (VPCV-009, VPCV-010) says about its resource.
    pub fact: Option<String>,
    /// More about a violation: for an assertion over several port ranges (VPCV-012), every
    /// range a packet gets through on.
    pub note: Option<String>,
}

/// How to run a suite.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Worker threads; `None`: rayon's default (`RAYON_NUM_THREADS`, else one per core).
    pub jobs: Option<usize>,
    /// Keep the SMT-LIB2 proof of each holding `unreachable` assertion.
    pub want_proofs: bool,
    /// Wall-clock budget of each assertion; `None`: no limit.
    pub budget: Limit,
    /// Wall-clock budget of the whole run; `None`: no limit.
    pub total_budget: Limit,
}

/// Counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// All assertions.
    pub total: usize,
    /// Held.
    pub passed: usize,
    /// Violated.
    pub failed: usize,
    /// Unknown.
    pub unknown: usize,
    /// Errors.
    pub errors: usize,
    /// Violations the baseline or an `[[ignore]]` entry accepts (not counted in `failed`).
    #[serde(skip_serializing_if = "is_zero")]
    pub accepted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    /// The worst status (error > violated > unknown > held); `Held` for an empty run.
    pub fn worst(&self) -> Status {
        [
            (self.errors, Status::Error),
            (self.failed, Status::Violated),
            (self.unknown, Status::Unknown),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(_, s)| s)
        .max_by_key(|s| s.rank())
        .unwrap_or(Status::Held)
    }
}

/// A suite, the network it ran on, and one result per assertion in the suite's order.
#[derive(Debug, Clone)]
pub struct Report {
    /// The suite (with the built-in pack appended when asked).
    pub suite: Suite,
    /// The network file, as the user named it.
    pub network: String,
    /// One per assertion, in order.
    pub results: Vec<AssertionResult>,
    /// Wall-clock time of the whole run.
    pub elapsed: Duration,
    /// True when the run was compared with a baseline (`check --baseline`).
    pub baselined: bool,
}

impl Report {
    /// Counts by status.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            total: self.results.len(),
            ..Summary::default()
        };
        for r in &self.results {
            match r.status {
                Status::Held => s.passed += 1,
                Status::Violated if r.accepted.is_some() => s.accepted += 1,
                Status::Violated => s.failed += 1,
                Status::Unknown => s.unknown += 1,
                Status::Error => s.errors += 1,
            }
        }
        s
    }

    /// The assertions with their results, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&Assertion, &AssertionResult)> {
        self.suite.assertions.iter().zip(self.results.iter())
    }
}

/// Why a suite could not be run at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// The worker pool could not be started.
    #[error("cannot start {jobs} worker threads: {message}")]
    Pool {
        /// How many were asked for (0: the default).
        jobs: usize,
        /// Why.
        message: String,
    },
}

/// Runs every assertion of `suite` on the network. `on_done` is called from the worker threads
/// as each assertion finishes, in completion order, with the assertion and its result (for
/// progress); the report keeps the suite's order.
pub fn run(
    net: &Network,
    ix: &NetworkIndex,
    suite: Suite,
    network: &str,
    opts: &RunOptions,
    on_done: &(dyn Fn(&Assertion, &AssertionResult) + Sync),
) -> Result<Report, RunError> {
    let started = Instant::now();
    let total = opts.total_budget.and_then(|limit| Total::starting_at(limit, started));
    let jobs = opts.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("vpcverify-check-{i}"))
        .build()
        .map_err(|e| RunError::Pool {
            jobs,
            message: e.to_string(),
        })?;
    // Each worker takes the next assertion in the suite's order until none is left: the first
    // assertions are answered first, whatever their cost, and a total budget that runs out leaves
    // the last ones unanswered.
    let next = AtomicUsize::new(0);
    let assertions = &suite.assertions;
    let ctx = super::exposure::Context::new(&suite);
    let screens = super::screen::Screens::default();
    let alike = Alike::default();
    let answered: Vec<Vec<(usize, AssertionResult)>> = pool.broadcast(|_| {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(a) = assertions.get(i) else { break };
            let r = alike.answer(a, opts, || answer(net, ix, a, opts, total.as_ref(), &ctx, &screens));
            on_done(a, &r);
            mine.push((i, r));
        }
        mine
    });
    let mut slots: Vec<Option<AssertionResult>> = vec![None; assertions.len()];
    for (i, r) in answered.into_iter().flatten() {
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(r);
        }
    }
    let results = slots
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| AssertionResult {
                status: Status::Error,
                verdict: None,
                error: Some("internal error: no worker answered this assertion".into()),
                proof: None,
                elapsed: Duration::ZERO,
                accepted: None,
                exposure: None,
                severity: None,
                fact: None,
                note: None,
            })
        })
        .collect();
    Ok(Report {
        suite,
        network: network.to_owned(),
        results,
        elapsed: started.elapsed(),
        baselined: false,
    })
}

/// A class's verdict, once asked: the interface it was decided on, and the result.
type ClassCell = std::sync::Arc<std::sync::OnceLock<(String, AssertionResult)>>;

/// The verdicts of the run's classes of alike questions (PACK-1, `check::builtin::alike`): the
/// first assertion of a class to be taken is asked, and the others get its result. Never with
/// proofs asked for (a holding assertion's proof must be its own question's).
#[derive(Debug, Default)]
struct Alike {
    classes: std::sync::Mutex<std::collections::HashMap<u32, ClassCell>>,
}

impl Alike {
    /// `a`'s result: `ask()`'s when `a` has no class or is the first of its class, else its
    /// class's, with a note naming the interface it was decided on when it does not hold.
    fn answer(&self, a: &Assertion, opts: &RunOptions, ask: impl FnOnce() -> AssertionResult) -> AssertionResult {
        let Some(class) = a.alike.filter(|_| !opts.want_proofs) else {
            return ask();
        };
        let cell = {
            let mut classes = self.classes.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            classes.entry(class).or_default().clone()
        };
        let mut mine = false;
        let (decided_on, r) = cell.get_or_init(|| {
            mine = true;
            // The interface asked: the one the rule is about.
            let on = match a.to.as_str() {
                "internet" => a.from.clone(),
                _ => a.to.clone(),
            };
            (on, ask())
        });
        let mut r = r.clone();
        if mine {
            return r;
        }
        r.elapsed = Duration::ZERO;
        if r.status != Status::Held {
            let before = r.note.take().map(|n| format!("{n}; ")).unwrap_or_default();
            r.note = Some(format!(
                "{before}decided on {decided_on}, which is alike for this question (same subnet and addressing, the same \
                 security group rules for these packets: PACK-1); the witness shown is {decided_on}'s"
            ));
        }
        r
    }
}

/// Answers one assertion within the run's budgets.
fn answer(
    net: &Network,
    ix: &NetworkIndex,
    a: &Assertion,
    opts: &RunOptions,
    total: Option<&Total>,
    ctx: &super::exposure::Context<'_>,
    screens: &super::screen::Screens,
) -> AssertionResult {
    let Some(total) = total else {
        return screened(net, ix, a, opts, screens)
            .unwrap_or_else(|| compact(a, quickly_then_explained(net, ix, a, opts, ctx, screens)));
    };
    let Some((budget, by_total)) = total.cap(opts.budget) else {
        return not_answered(a, total.spent_reason());
    };
    let capped = RunOptions { budget, ..*opts };
    if let Some(r) = screened(net, ix, a, &capped, screens) {
        return r;
    }
    let mut r = compact(a, quickly_then_explained(net, ix, a, &capped, ctx, screens));
    if by_total && let (Some(v), Some(left)) = (r.verdict.as_mut(), budget) {
        for cause in v.unknown.iter_mut().filter(|c| c.id == "budget") {
            cause.reason = total.ran_out_reason(left, &cause.reason);
        }
    }
    r
}

/// An assertion one of whose wider questions is unreachable: it holds, unasked
/// (`check::screen`). No verdict is kept: the pack's holding assertions are not printed.
fn screened(
    net: &Network,
    ix: &NetworkIndex,
    a: &Assertion,
    opts: &RunOptions,
    screens: &super::screen::Screens,
) -> Option<AssertionResult> {
    let started = Instant::now();
    screens
        .settle(net, ix, a, opts)
        .then(|| held_unasked(started.elapsed()))
}

/// A pack's assertion that holds unasked (a wider question, or the model, settles it): no
/// verdict is kept.
fn held_unasked(elapsed: Duration) -> AssertionResult {
    AssertionResult {
        status: Status::Held,
        verdict: None,
        error: None,
        proof: None,
        elapsed,
        accepted: None,
        exposure: None,
        severity: None,
        fact: None,
        note: None,
    }
}

/// A built-in pack's assertion (one with wider questions) is asked for its verdict alone first
/// (SOLVE-9). When it holds, that is its answer (it keeps no verdict, as [`compact`] leaves it).
/// When a packet gets through, that answer is the explained one too (the walk stops at the
/// witness, and a reachable answer shows its packet and paths, never the filters of the paths
/// refuted before it): it is kept, with its exposure. Otherwise (an unknown) it is asked again
/// with its answer explained (the blocking filters), so that the finding reads as it would
/// otherwise. Never with proofs asked for, nor for an assertion without wider questions (a
/// user's suite keeps every verdict) or with waypoints.
fn quickly_then_explained(
    net: &Network,
    ix: &NetworkIndex,
    a: &Assertion,
    opts: &RunOptions,
    ctx: &super::exposure::Context<'_>,
    screens: &super::screen::Screens,
) -> AssertionResult {
    let apart = Some(screens.apart(net));
    if a.screens.is_empty()
        || opts.want_proofs
        || a.expect != Expect::Unreachable
        || a.fact.is_some()
        || !a.through.is_empty()
        || !a.avoid.is_empty()
    {
        return ctx.answer(net, ix, a, opts, apart);
    }
    let r = crate::query::engine::verdict_only(|| run_one_screened(net, ix, a, opts, apart));
    match r.status {
        Status::Held => AssertionResult { verdict: None, ..r },
        Status::Violated if r.verdict.as_ref().is_some_and(|v| v.verdict == VerdictKind::Reachable) => {
            ctx.expose(net, ix, a, opts, r)
        }
        _ => ctx.answer(net, ix, a, opts, apart),
    }
}

/// A holding assertion of the built-in pack (one with wider questions) keeps no verdict: on a
/// large estate there are hundreds of thousands, each verdict with its blocking components,
/// and a holding assertion prints only its name. One that holds because only trusted prefixes
/// reach (EXP-2) keeps it: its warning says so.
fn compact(a: &Assertion, mut r: AssertionResult) -> AssertionResult {
    if r.status == Status::Held && !a.screens.is_empty() && r.proof.is_none() && r.exposure.is_none() {
        r.verdict = None;
    }
    r
}

/// An assertion that was not asked: unknown, because of `reason`.
fn not_answered(a: &Assertion, reason: String) -> AssertionResult {
    let mut v = Verdict::new(
        VerdictKind::Unknown,
        QueryEcho {
            from: a.from.clone(),
            to: a.to.clone(),
            protocol: match a.protocol {
                ProtocolChoice::All => "all".to_owned(),
                ProtocolChoice::One(n) => proto::name(n),
            },
            port: a.port.map(|p| p.to_string()),
            src_port: a.src_port.map(|p| p.to_string()),
            one_way: a.one_way,
        },
    );
    v.unknown.push(UnknownCause::new("budget", reason));
    AssertionResult {
        status: Status::Unknown,
        verdict: Some(v),
        error: None,
        proof: None,
        elapsed: Duration::ZERO,
        accepted: None,
        exposure: None,
        severity: None,
        fact: None,
        note: None,
    }
}

/// Answers one assertion with the per-assertion budget of `opts`.
pub fn run_one(net: &Network, ix: &NetworkIndex, a: &Assertion, opts: &RunOptions) -> AssertionResult {
    run_one_screened(net, ix, a, opts, None)
}

/// [`run_one`], with the run's screens decided on the model (`query::apart`, SCREEN-1 and
/// SCREEN-2) offered each port range of an assertion over several before the engine is asked.
pub fn run_one_screened(
    net: &Network,
    ix: &NetworkIndex,
    a: &Assertion,
    opts: &RunOptions,
    apart: Option<&Apart>,
) -> AssertionResult {
    let started = Instant::now();
    if let Some(f) = &a.fact {
        let (status, text) = match f {
            super::Fact::Holds(t) => (Status::Held, t),
            super::Fact::Violated(t) => (Status::Violated, t),
            super::Fact::Unknown(t) => (Status::Unknown, t),
        };
        return AssertionResult {
            status,
            verdict: None,
            error: None,
            proof: None,
            elapsed: started.elapsed(),
            accepted: None,
            exposure: None,
            severity: None,
            fact: Some(text.clone()),
            note: None,
        };
    }
    if !a.more_ports.is_empty() {
        return over_ports(net, ix, a, opts, started, apart);
    }
    let want_proof = opts.want_proofs && a.expect == Expect::Unreachable;
    let answer = crate::query::waypoint::run(net, ix, &a.query_spec(want_proof, opts.budget));
    let elapsed = started.elapsed();
    match answer {
        Err(e) => AssertionResult {
            status: Status::Error,
            verdict: None,
            error: Some(e.to_string()),
            proof: None,
            elapsed,
            accepted: None,
            exposure: None,
            severity: None,
            fact: None,
            note: None,
        },
        Ok(result) => {
            let reachability = match (result.verdict.verdict, a.expect) {
                (_, Expect::Any) => Status::Held,
                (VerdictKind::Unknown, _) => Status::Unknown,
                (VerdictKind::Reachable, Expect::Reachable) | (VerdictKind::Unreachable, Expect::Unreachable) => {
                    Status::Held
                }
                _ => Status::Violated,
            };
            // WAY-1: an assertion with waypoints holds only when they hold too.
            let waypoints = match result.verdict.waypoint.as_ref().map(|w| w.result) {
                None | Some(WaypointKind::Held) => Status::Held,
                Some(WaypointKind::Violated) => Status::Violated,
                Some(WaypointKind::Unknown) => Status::Unknown,
            };
            let status = if waypoints.rank() > reachability.rank() {
                waypoints
            } else {
                reachability
            };
            AssertionResult {
                status,
                proof: if status == Status::Held { result.proof } else { None },
                verdict: Some(result.verdict),
                error: None,
                elapsed,
                accepted: None,
                exposure: None,
                severity: None,
                fact: None,
                note: None,
            }
        }
    }
}

/// An assertion over several port ranges (`port` and `more_ports`), each decided as its own
/// question: violated when a packet gets through on any (the first such range's verdict, with
/// every such range listed in the note), else unknown when one is unknown, else held. An
/// error on any range is the assertion's error. The ranges are asked by halves first: the
/// smallest range holding a run of them (`20-445` for the first ten of EC2.19's) answered
/// unreachable settles them all (its packets include theirs); otherwise the run is split in
/// two and each half asked the same way, down to single ranges.
fn over_ports(
    net: &Network,
    ix: &NetworkIndex,
    a: &Assertion,
    opts: &RunOptions,
    started: Instant,
    apart: Option<&Apart>,
) -> AssertionResult {
    let mut reached: Vec<String> = Vec::new();
    let mut first: Option<AssertionResult> = None;
    let mut unknown: Option<AssertionResult> = None;
    let mut held: Option<AssertionResult> = None;
    let mut ranges: Vec<PortRange> = a.port.iter().chain(a.more_ports.iter()).copied().collect();
    ranges.sort_by_key(|r| (r.from(), r.to()));
    // The ranges are told apart by verdict alone (SOLVE-9): the answer kept is the first
    // violating range's, whose witness is the same either way; a kept unknown or holding range is
    // asked again at the end with its answer explained, unless the caller asked for the verdict
    // alone too, or for proofs (a proof is its own question's).
    let explain_after = !opts.want_proofs && !crate::query::engine::is_verdict_only();
    let protocol_number = match a.protocol {
        ProtocolChoice::All => None,
        ProtocolChoice::One(n) => Some(n),
    };
    let ask = |port: PortRange| {
        // A range the model settles (SCREEN-1, SCREEN-2) holds unasked; it keeps no verdict.
        if !opts.want_proofs
            && a.through.is_empty()
            && a.avoid.is_empty()
            && apart.is_some_and(|x| x.settle(net, ix, &a.from, &a.to, protocol_number, &[port]).is_some())
        {
            return held_unasked(Duration::ZERO);
        }
        let one = Assertion {
            port: Some(port),
            more_ports: Vec::new(),
            ..a.clone()
        };
        if explain_after {
            crate::query::engine::verdict_only(|| run_one(net, ix, &one, opts))
        } else {
            run_one(net, ix, &one, opts)
        }
    };
    // (first range of the run, the range asked, its answer)
    let mut decided: Vec<(PortRange, PortRange, AssertionResult)> = Vec::new();
    let mut runs: Vec<&[PortRange]> = vec![&ranges];
    while let Some(run) = runs.pop() {
        let (Some(lo), Some(hi)) = (run.first(), run.last()) else {
            continue;
        };
        let Some(hull) = PortRange::new(lo.from(), hi.to()) else {
            continue;
        };
        let r = ask(hull);
        if run.len() > 1 && r.status != Status::Held && r.status != Status::Error {
            let (left, right) = run.split_at(run.len() / 2);
            runs.push(right);
            runs.push(left);
            continue;
        }
        decided.push((*lo, hull, r));
    }
    decided.sort_by_key(|(p, _, _)| (p.from(), p.to()));
    let mut unknown_asked = None;
    let mut held_asked = None;
    for (port, asked, r) in decided {
        match r.status {
            Status::Error => {
                return AssertionResult {
                    elapsed: started.elapsed(),
                    ..r
                };
            }
            Status::Violated => {
                reached.push(port.to_string());
                first.get_or_insert(r);
            }
            Status::Unknown => {
                unknown_asked.get_or_insert(asked);
                unknown.get_or_insert(r);
            }
            Status::Held => {
                held_asked.get_or_insert(asked);
                held.get_or_insert(r);
            }
        }
    }
    let protocol = match a.protocol {
        ProtocolChoice::All => "all".to_owned(),
        ProtocolChoice::One(n) => proto::name(n),
    };
    let mut r = match (first, unknown, held) {
        (Some(mut r), _, _) => {
            r.note = Some(format!("reachable on {protocol} {}", reached.join(", ")));
            r
        }
        (None, Some(r), _) | (None, None, Some(r)) => {
            match unknown_asked
                .or(held_asked)
                .filter(|_| explain_after && r.verdict.is_some())
            {
                Some(port) => run_one(
                    net,
                    ix,
                    &Assertion {
                        port: Some(port),
                        more_ports: Vec::new(),
                        ..a.clone()
                    },
                    opts,
                ),
                None => r,
            }
        }
        (None, None, None) => not_answered(a, "no port range to ask".to_owned()),
    };
    r.elapsed = started.elapsed();
    r
}

/// A fingerprint of a violation that stays the same across runs while the finding does (SARIF
/// `partialFingerprints`): a hash of the rule id, the assertion, the components involved (the AWS
/// ids along a witness's path and return path, or every blocking component with its direction and
/// rule) and the packet class (protocol, the ports asked about, one-way or round trip). External
/// hosts' addresses, the witness's exact ports and timings are left out: they may change from one
/// run to the next without the finding changing.
pub fn fingerprint(rule_id: &str, a: &Assertion, v: &Verdict) -> String {
    let mut components: Vec<String> = match v.verdict {
        VerdictKind::Reachable => v
            .path
            .iter()
            .chain(v.return_path.iter())
            .flatten()
            .filter(|h| {
                !matches!(
                    h.kind,
                    ComponentKind::Internet | ComponentKind::OnPremises | ComponentKind::AwsService
                )
            })
            .map(|h| h.id.clone())
            .collect(),
        VerdictKind::Unreachable | VerdictKind::Unknown => v
            .blocked
            .iter()
            .map(|b| {
                let direction = b.direction.map(|d| d.to_string()).unwrap_or_default();
                format!("{}:{direction}:{}", b.id, b.rule)
            })
            .chain(v.unknown.iter().map(|u| u.id.clone()))
            .collect(),
    };
    components.sort();
    components.dedup();
    let protocol = v
        .packet
        .map(|p| proto::name(p.protocol))
        .unwrap_or_else(|| v.query.protocol.clone());
    let class = format!(
        "{protocol}|{}|{}|{}",
        v.query.port.as_deref().unwrap_or("*"),
        v.query.src_port.as_deref().unwrap_or("*"),
        if a.one_way { "one-way" } else { "round-trip" }
    );
    let key = [rule_id, &a.slug, &a.from, &a.to, &components.join(","), &class].join("\u{1f}");
    // FNV-1a, 64 bits, twice with different offsets: stable across Rust releases and platforms,
    // unlike `std`'s hasher.
    format!(
        "{:016x}{:016x}",
        fnv1a(key.as_bytes(), 0xcbf2_9ce4_8422_2325),
        fnv1a(key.as_bytes(), 0x8422_2325_cbf2_9ce4)
    )
}

/// The fingerprint of a configuration fact's violation: its rule and resource (the assertion).
pub fn fact_fingerprint(rule_id: &str, a: &Assertion) -> String {
    let key = [rule_id, &a.slug, &a.from].join("\u{1f}");
    format!(
        "{:016x}{:016x}",
        fnv1a(key.as_bytes(), 0xcbf2_9ce4_8422_2325),
        fnv1a(key.as_bytes(), 0x8422_2325_cbf2_9ce4)
    )
}

fn fnv1a(bytes: &[u8], offset: u64) -> u64 {
    bytes
        .iter()
        .fold(offset, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_is_error_then_violated_then_unknown() {
        let s = |failed, unknown, errors| Summary {
            total: 5,
            passed: 1,
            failed,
            unknown,
            errors,
            accepted: 0,
        };
        assert_eq!(s(0, 0, 0).worst(), Status::Held);
        assert_eq!(s(0, 2, 0).worst(), Status::Unknown);
        assert_eq!(s(1, 2, 0).worst(), Status::Violated);
        assert_eq!(s(1, 2, 1).worst(), Status::Error);
    }

    #[test]
    fn fnv_is_the_reference_function() {
        // FNV-1a 64 of "a" (reference value).
        assert_eq!(fnv1a(b"a", 0xcbf2_9ce4_8422_2325), 0xaf63_dc4c_8601_ec8c);
    }
}
