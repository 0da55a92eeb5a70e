//! The symbolic engine: "is there a packet from A to B (on these ports) that is delivered, and
//! whose reply is delivered back?" over the whole header space, with Z3.
//!
//! Owns: the only `z3` imports of the crate. No z3 type appears in a public signature: questions
//! come in as model data, answers go out as packets, component ids and [`Blocked`] entries.
//! Implements SEMANTICS.md independently of `sim` (no shared decision code): `filter` encodes
//! the ACL and security group rules (NACL-4..7, SG-1..8), `route` the route selection (RT-8..14,
//! J5..J7), `walk` the forward and reply walk over every candidate path (§2-§5 of SEMANTICS.md;
//! `walk::subnet` inside a VPC, `walk::gateway` through gateways and translators), `analyze` the
//! witness and the blocking rules, `testing` folds encodings on concrete packets for the
//! differential tests, `diff` asks for a packet that gets through in one network and not in
//! another (`vpcverify diff`).
//! `testing` (hidden) lets the differential tests fold the header-match encodings on concrete
//! packets without importing z3.
//!
//! Must not touch: ingest, printing. Every witness is replayed through `sim` by `query` before
//! it is reported.

mod analyze;
pub mod breadth;
pub mod diff;
pub mod diff_group;
mod dropmap;
mod filter;
mod route;
mod solver;
mod sym;
#[doc(hidden)]
pub mod testing;
mod walk;

pub use dropmap::{DEFAULT_MAX_CELLS, DropCell, DropMap, PacketClass, drop_map};
pub use solver::Budget;
#[doc(hidden)]
pub use solver::{Faults, SolveStats};

thread_local! {
    static VERDICT_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with the questions it asks on this thread answered for their verdict alone
/// (SOLVE-9): a path the solver refutes, or that ends in a drop, is not analysed for its
/// blocking filters and example packets, so an unreachable answer's `blocked` list has only the
/// drops that end paths, and no evidence. The verdict (reachable with its witness, unreachable, unknown with its
/// causes) is decided exactly as otherwise: the analysis only explains paths already refuted.
/// For callers that keep nothing of an unreachable answer but the fact (the built-in pack's
/// wider questions and holding assertions). Each worker thread has its own Z3 context, so the
/// mode is per thread.
pub fn verdict_only<T>(f: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            VERDICT_ONLY.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(VERDICT_ONLY.with(|c| c.replace(true)));
    f()
}

/// True inside [`verdict_only`] on this thread.
pub(crate) fn is_verdict_only() -> bool {
    VERDICT_ONLY.with(std::cell::Cell::get)
}

/// The Z3 this binary runs on, as the linked library itself reports it (`Z3_get_full_version`,
/// e.g. `4.8.12.0`): the system library found at run time, or the one built in (`vendored-z3`).
pub fn z3_version() -> String {
    let full = z3::full_version();
    full.strip_prefix("Z3 ").unwrap_or(full).trim().to_owned()
}

use crate::model::endpoint::Endpoint;
use crate::model::*;
use std::collections::BTreeSet;
use z3::Solver;
use z3::ast::Bool;

/// A question for the engine, in model terms.
#[derive(Debug, Clone)]
pub struct Question<'a> {
    /// Where packets come from.
    pub from: &'a Endpoint,
    /// Where they must be delivered.
    pub to: &'a Endpoint,
    /// One protocol, or any.
    pub protocol: Option<u8>,
    /// Destination ports (TCP/UDP); any when `None`.
    pub dst_ports: Option<PortRange>,
    /// Source ports (TCP/UDP); 1024-65535 when `None` (a client's ephemeral port, J3).
    pub src_ports: Option<PortRange>,
    /// The request alone counts.
    pub one_way: bool,
    /// Address families to consider.
    pub families: Vec<IpFamily>,
    /// Keep the formulas needed to write an SMT-LIB proof of unreachability.
    pub want_proof: bool,
    /// The wall-clock budget of the whole question (SOLVE-2, SOLVE-3); `None`: no limit.
    pub budget: Option<Budget>,
    /// Waypoints (WAY-1): when given, the question is whether a packet gets through on a path
    /// that violates them (misses a `through` component or crosses an `avoid` one).
    pub waypoints: Option<&'a Waypoints>,
    /// Test-only: make chosen or random solver checks give up (SOLVE-1).
    #[doc(hidden)]
    pub faults: Option<Faults>,
}

/// Where a witness starts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum StartPoint {
    /// A modelled interface sends it.
    Interface(NetworkInterfaceId),
    /// An internet host sends it, entering through this gateway.
    Internet(String),
    /// An on-premises host behind this virtual private gateway sends it.
    OnPremises(VpnGatewayId),
    /// An on-premises host sends it into a transit gateway through this VPN or Direct Connect
    /// gateway attachment (ONP-5).
    OnPremisesVia(TgwAttachmentId),
}

/// A packet that gets through, and the components its path crosses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    /// The packet as the source sends it.
    pub packet: Packet,
    /// Who sends it.
    pub start: StartPoint,
    /// Component ids of the request's path, in order.
    pub forward: Vec<String>,
    /// Component ids of the reply's path (empty when one-way).
    pub reply: Vec<String>,
    /// `(component id, why)`: constructs the input does not settle that the walk met before
    /// finding this packet, which does not rely on them (BOUND-2).
    pub bounded: Vec<(String, String)>,
}

/// A packet that a blocking entry drops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The entry, as in the answer's `blocked` list.
    pub blocked: Blocked,
    /// Who sends the packet.
    pub start: StartPoint,
    /// The packet as its source sends it.
    pub packet: Packet,
}

/// The engine's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Some packet gets through (and its reply back).
    Reachable(Witness),
    /// No packet does.
    Unreachable {
        /// Every component that blocks some candidate path, with rule and reason.
        blocked: Vec<Blocked>,
        /// A self-contained SMT-LIB2 problem whose unsatisfiability is the proof (when asked).
        proof: Option<String>,
        /// Number of candidate paths examined.
        paths: usize,
        /// For blocking entries where one was found: a packet of the question that the entry
        /// drops, as its source sends it (the query replays it through the simulator).
        evidence: Vec<Evidence>,
        /// `(component id, why)`: constructs the input does not settle that lay on some
        /// candidate path but decide nothing (BOUND-2).
        bounded: Vec<(String, String)>,
    },
    /// The answer depends on something not modelled, or the solver gave up.
    Unknown {
        /// `(component id, reason)`.
        causes: Vec<(String, String)>,
        /// Blocking components found on the other paths.
        blocked: Vec<Blocked>,
        /// For causes (by component id) where one was found: a packet whose fate depends on
        /// it, as its source sends it, and who sends it (BOUND-2).
        examples: Vec<(String, StartPoint, Packet)>,
    },
}

/// Sets Z3's global parameters, once per process, before this thread's first context is made.
fn global_params() {
    // The walk uses Z3's incremental solver (push/pop, assumptions); the default tactic of the
    // non-incremental one is never used, but building it costs ~5 ms per solver in Z3 4.8.
    static TACTIC: std::sync::Once = std::sync::Once::new();
    TACTIC.call_once(|| z3::set_global_param("tactic.default_tactic", "smt"));
}

/// Makes the calling thread's Z3 context now (several milliseconds), so that a command can make it
/// while its network loads on other threads, ahead of its first question on this thread.
pub fn warm_up() {
    global_params();
    let _ = Bool::from_bool(true);
}

/// Answers a question. Runs in the calling thread's Z3 context (each thread has its own, so
/// questions can be answered in parallel on different threads).
pub fn solve(net: &Network, ix: &NetworkIndex, q: &Question<'_>) -> Answer {
    solve_counted(net, ix, q).0
}

/// [`solve`], with the counts of the solver's work (checks, give-ups, rescues by a fresh
/// solver): for measurements and tests.
#[doc(hidden)]
pub fn solve_counted(net: &Network, ix: &NetworkIndex, q: &Question<'_>) -> (Answer, SolveStats) {
    global_params();
    let mut blocked: BTreeSet<Blocked> = BTreeSet::new();
    let mut evidence: std::collections::BTreeMap<Blocked, (StartPoint, Packet)> = Default::default();
    let mut unknown: BTreeSet<(String, String)> = BTreeSet::new();
    let mut examples: std::collections::BTreeMap<String, (StartPoint, Packet)> = Default::default();
    let mut bounded: BTreeSet<(String, String)> = BTreeSet::new();
    let mut proof_parts: Vec<Bool> = Vec::new();
    let mut proof_checks: Vec<(Bool, Bool, String)> = Vec::new();
    let mut pruned = 0;
    let mut paths = 0;
    let mut stats = SolveStats::default();
    for family in &q.families {
        let mut walk = walk::Walk::new(net, ix, q, *family);
        walk.run();
        let s = walk.solver.stats;
        stats.checks += s.checks;
        stats.gave_up += s.gave_up;
        stats.rescued += s.rescued;
        stats.rebuilt += s.rebuilt;
        stats.exclusions_asserted += s.exclusions_asserted;
        let spent = walk.solver.spent;
        let r = walk.results;
        bounded.extend(r.bounded);
        if let Some(f) = r.found {
            // BOUND-2: what made other paths unknown does not decide a reachable answer.
            let solver_side = |id: &str| id == "budget" || id == "solver";
            bounded.extend(unknown.into_iter().chain(r.unknown).filter(|(id, _)| !solver_side(id)));
            let w = Witness {
                packet: f.packet,
                start: f.start,
                forward: f.forward,
                reply: f.reply,
                bounded: bounded.into_iter().collect(),
            };
            return (Answer::Reachable(w), stats);
        }
        if spent {
            // SOLVE-3: what was found so far is kept as context, the verdict is unknown.
            let at = r.spent_at.unwrap_or(r.paths + 1);
            let shown = q.budget.map(|b| b.shown()).unwrap_or_default();
            unknown.insert((
                "budget".into(),
                format!(
                    "the budget of {shown} ran out on candidate path {at} ({family}); {} path(s) were decided before it",
                    r.paths
                ),
            ));
            blocked.extend(r.blocked);
            break;
        }
        blocked.extend(r.blocked);
        for (b, e) in r.evidence {
            evidence.entry(b).or_insert(e);
        }
        unknown.extend(r.unknown);
        for (id, e) in r.examples {
            examples.entry(id).or_insert(e);
        }
        paths += r.paths;
        if q.want_proof {
            // Every candidate path, and every branch the walk pruned: the proof covers the whole
            // question, not only the paths enumerated.
            pruned += r.pruned.len();
            let branches: Vec<Bool> = r.proof_paths.iter().chain(r.pruned.iter()).cloned().collect();
            proof_parts.push(sym::all(&[walk.space.clone(), sym::any(&branches)]));
            proof_checks.extend(r.proof_checks);
        }
    }
    if !unknown.is_empty() {
        let answer = Answer::Unknown {
            causes: unknown.into_iter().collect(),
            blocked: blocked.into_iter().collect(),
            examples: examples
                .into_iter()
                .map(|(id, (start, packet))| (id, start, packet))
                .collect(),
        };
        return (answer, stats);
    }
    let proof = q
        .want_proof
        .then(|| proof_text(q, &proof_parts, &proof_checks, paths, pruned));
    let evidence = evidence
        .into_iter()
        .map(|(blocked, (start, packet))| Evidence { blocked, start, packet })
        .collect();
    let answer = Answer::Unreachable {
        blocked: blocked.into_iter().collect(),
        proof,
        paths,
        evidence,
        bounded: bounded.into_iter().collect(),
    };
    (answer, stats)
}

/// The SMT-LIB2 text of a proof: one definition per filter (`filter_…`, what it admits), then
/// the question's packet space conjoined with the disjunction, over every candidate path and
/// every branch the walk pruned, of the path's conditions and its filters. Unsatisfiable iff no
/// packet gets through.
fn proof_text(
    q: &Question<'_>,
    parts: &[Bool],
    checks: &[(Bool, Bool, String)],
    paths: usize,
    pruned: usize,
) -> String {
    // Each assertion is written by Z3 on its own (declarations gathered once), so that each
    // stands on its own lines under its comment.
    let mut decls: Vec<String> = Vec::new();
    let mut body = String::new();
    let mut write = |comment: &str, b: &Bool| {
        let s = Solver::new();
        s.assert(b);
        let text = s.to_smt2();
        for line in text.lines() {
            if line.starts_with("(declare-") && !decls.iter().any(|d| d == line) {
                decls.push(line.to_owned());
            }
        }
        let assertion: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("(assert"))
            .take_while(|l| !l.starts_with("(check-sat"))
            .collect();
        body.push_str(&format!("; {comment}\n{}\n", assertion.join("\n")));
    };
    for (named, allows, what) in checks {
        write(&format!("filter: {what}"), &named.eq(allows));
    }
    write(
        "the question: its packet space, and some candidate path or pruned branch that a packet takes with every filter on it admitting it",
        &sym::any(parts),
    );
    let mut out = String::new();
    out.push_str(&format!(
        "; vpcverify proof: no packet from `{}` to `{}` gets through{}.\n",
        q.from.label,
        q.to.label,
        if q.one_way { " (request only)" } else { " and back" }
    ));
    out.push_str(&format!(
        "; The last assertion is the question's packet space conjoined with the disjunction over the walk's whole\n\
         ; decision tree: the {paths} candidate path(s) it enumerated (each: its routing and gateway conditions and its\n\
         ; filters) and the {pruned} branch(es) it pruned because no packet of the question takes them (each: the\n\
         ; conditions that lead there). Each filter is a named constant `filter_...`, defined by its own assertion\n\
         ; as what it admits (SEMANTICS.md). The problem is unsatisfiable: check it with any SMT-LIB2 solver\n\
         ; (`z3 file.smt2`, `cvc5 file.smt2`). Delete the definition of a filter that blocks a path and it is\n\
         ; satisfiable: its model is a packet that filter alone stops.\n"
    ));
    out.push_str("(set-logic QF_BV)\n");
    for d in &decls {
        out.push_str(d);
        out.push('\n');
    }
    out.push_str(&body);
    out.push_str("(check-sat)\n");
    out
}

/// Re-checks an SMT-LIB2 proof written by `--emit-smt2` with a fresh solver: `Ok(true)` iff it
/// is unsatisfiable (the proof holds), `Ok(false)` if satisfiable, an error if the solver cannot
/// decide it. Lets tests (and users without a `z3` binary) confirm a proof independently of the
/// walk that produced it.
pub fn recheck_proof(smt2: &str) -> Result<bool, String> {
    let s = Solver::new();
    s.from_string(smt2);
    match s.check() {
        z3::SatResult::Unsat => Ok(true),
        z3::SatResult::Sat => Ok(false),
        z3::SatResult::Unknown => Err(s.get_reason_unknown().unwrap_or_else(|| "unknown".into())),
    }
}
