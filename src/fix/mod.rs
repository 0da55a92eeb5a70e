//! `vpcverify fix` (issue #23): the smallest change to the configuration the input already has
//! that makes a question answer the way the engineer wants, proven before it is shown.
//!
//! [`search`] proposes edits ([`edit`], FIX-1) from the drop map (`--want reachable`) or the
//! witness path (`--want unreachable`), round by round, each round asking the SMT engine again
//! on the patched network; minimal means fewest edits, then narrowest (FIX-2). A fix is shown
//! only when proven (FIX-6): the question re-asked of the patched network by `query` (SMT engine,
//! witness replayed in the simulator) gives the wanted verdict over the whole question, and every
//! packet the search started from, replayed in the simulator on the patched network, gets the
//! wanted fate. Its side effects (FIX-7) are `diff`'s comparison of the network and the patched
//! one (only the pairs the edits concern). When the fix of fewest edits has side effects, the
//! greedy search's fix, if it changes fewer other flows, is proven the same way and shown as an
//! alternative (FIX-14).
//!
//! Owns: the search, the proof and the report. Must not touch: z3 (only `smt` does), printing
//! (`explain::fix`). Layering: uses `query`, `diff` and `check` (`suite`: `check
//! --suggest-fixes` re-asks a suite's assertions on the patched network); used by `explain` and
//! `cli`. (`check` itself does not use it: `diff` already reads `check`'s built-in ports.)

pub mod acl;
pub mod edit;
pub mod language;
pub mod minimal;
pub mod route;
pub mod search;
pub mod suite;

use crate::diff::{self, DiffOptions, Input};
use crate::model::*;
use crate::query::endpoint::{EndpointError, Role, resolve};
use crate::query::engine::{QueryError, QuerySpec};
use crate::query::verdict::VerdictKind;
use crate::sim;
pub use edit::Edit;
use std::time::{Duration, Instant};

/// The verdict the fix must give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Want {
    /// Every packet of the question gets through (and back).
    Reachable,
    /// No packet of the question gets through.
    Unreachable,
}

/// Bounds of the search.
#[derive(Debug, Clone)]
pub struct Limits {
    /// At most this many edits (and rounds).
    pub max_edits: usize,
    /// Wall-clock bound of the whole search.
    pub time: Duration,
    /// Cells of each drop map.
    pub max_cells: usize,
    /// Compute side effects (a `diff` of the network and the patched one).
    pub side_effects: bool,
    /// Wall-clock bound of the search for fewer edits (FIX-13), within `time`.
    pub deepen_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_edits: 3,
            time: Duration::from_secs(120),
            max_cells: crate::smt::DEFAULT_MAX_CELLS,
            side_effects: true,
            deepen_time: Duration::from_secs(30),
        }
    }
}

/// What stops a fix (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixError {
    /// The question is not valid.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// An endpoint does not resolve.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The side effects could not be computed.
    #[error("side effects: {0}")]
    Diff(String),
}

/// How a fix search ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FixVerdict {
    /// The question already answers as wanted: nothing to change (exit 0).
    AlreadyHolds,
    /// A fix was found and proven (exit 0).
    Fixed,
    /// No fix within the bound (or no edit of the kinds a fix may make fits); the best partial
    /// is shown with what stays as it is and why (exit 1).
    NotFound,
    /// The answer depends on something not modelled, or the solver gave up (exit 3).
    Unknown,
}

/// One edit as reported.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, schemars::JsonSchema)]
pub struct EditReport {
    /// `add-acl-entry`, `remove-acl-entry`, `narrow-acl-entry`, `add-sg-rule`,
    /// `remove-sg-rule`, `narrow-sg-rule`, `add-route`, `replace-route`, `remove-route`,
    /// `associate-route-table` or `associate-network-acl`.
    pub kind: String,
    /// The ACL, security group, route table, or (associations) subnet.
    pub component: String,
    /// Filters: `inbound` or `outbound`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// ACL entries: the rule number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_number: Option<u16>,
    /// Filters: `allow` or `deny` (ACL entries; security group rules allow).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Filters: protocol name, or `all`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// TCP/UDP destination ports, `N` or `N-M`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ports: Option<String>,
    /// ICMP type, when one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icmp_type: Option<u8>,
    /// Filters: the remote block (ACL: source inbound, destination outbound; security group:
    /// the peer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// For a narrowed rule or entry: what replaces it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub narrowed_to: Vec<String>,
    /// Routes: the destination block (or prefix list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// Routes: the target (for `replace-route`, the new one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// `replace-route`: the target it replaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_target: Option<String>,
    /// Associations: the route table or ACL the subnet uses today.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub associated_from: Option<String>,
    /// Associations: the route table or ACL it will use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub associated_to: Option<String>,
    /// A sentence for people.
    pub text: String,
    /// The change in the input's own language: AWS CLI commands, a Terraform block or TOML lines.
    pub in_input_language: String,
}

/// A flow the fix opens or closes beyond the question.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct SideEffect {
    /// `opened` or `closed`.
    pub change: crate::diff::Direction,
    /// Source class.
    pub from: String,
    /// Destination class.
    pub to: String,
    /// Protocol.
    pub protocol: String,
    /// Destination ports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ports: Option<String>,
    /// A sentence: `also opens: internet → subnet-public tcp 1024-65535`.
    pub text: String,
}

/// What remains as it was, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Remaining {
    /// Where it is dropped (reachable) or the end it reaches (unreachable).
    pub at: Blocked,
    /// Why no edit fits.
    pub why: String,
}

/// The proof a shown fix carries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Proof {
    /// The verdict `query` gives on the patched network (SMT engine, witness replayed in the
    /// simulator).
    pub query_verdict: VerdictKind,
    /// Packets replayed in the simulator on the patched network, each with the wanted fate.
    pub simulator_replays: usize,
    /// The wanted verdict holds for every packet of the question: nothing of it is dropped
    /// (`--want reachable`) or gets through (`--want unreachable`), and no part of it depends on
    /// a construct the input does not settle.
    pub whole_space: bool,
    /// FIX-13: no fix of fewer edits exists within the candidate space (every smaller
    /// combination was tried); false when the search was cut or ran out of time.
    pub fewest_proven: bool,
    /// Constructs the input does not settle on which the fate of some packets of the question
    /// depends in the patched network (BOUND-2): the fix says nothing of those packets.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unsettled: Vec<String>,
}

/// The report of `vpcverify fix`.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct FixReport {
    /// How it ended.
    pub verdict: FixVerdict,
    /// The question.
    pub query: crate::query::verdict::QueryEcho,
    /// The verdict wanted.
    pub want: Want,
    /// The language the edits are written in: `spec`, `aws-cli` or `terraform`.
    pub language: String,
    /// The edits of the fix (or of the best partial).
    pub edits: Vec<EditReport>,
    /// The proof (a fix only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<Proof>,
    /// Flows beyond the question that the fix opens or closes.
    pub side_effects: Vec<SideEffect>,
    /// False when side effects were not computed (`--no-side-effects`).
    pub side_effects_computed: bool,
    /// Side effects not known (pairs `diff` answers unknown for).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub side_effects_unknown: Vec<String>,
    /// What stays blocked (or still gets through) in the best partial, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remaining: Vec<Remaining>,
    /// True when the search stopped at its bound.
    pub bound_hit: bool,
    /// Rounds of the search.
    pub rounds: usize,
    /// Why the answer is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
    /// Notes.
    pub warnings: Vec<String>,
    /// FIX-14: a fix of more edits but fewer side effects than the primary one, already found by
    /// the search (the greedy search's fix) and proven exactly as the primary; empty when the
    /// primary has no side effect or none such was found. `check --suggest-fixes` keeps only the
    /// primary (the alternative is not asked of the suite's other assertions).
    pub alternatives: Vec<Alternative>,
    /// The edits as data, to apply (not serialised).
    #[serde(skip)]
    #[schemars(skip)]
    pub applied: Vec<Edit>,
}

/// FIX-14: another proven fix, with more edits than the primary but fewer side effects.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct Alternative {
    /// Its edits.
    pub edits: Vec<EditReport>,
    /// Its proof (FIX-6), as the primary's; `fewest_proven` is false.
    pub proof: Proof,
    /// Flows beyond the question it opens or closes (FIX-7).
    pub side_effects: Vec<SideEffect>,
    /// Its side effects not known.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub side_effects_unknown: Vec<String>,
    /// The edits as data, to apply (not serialised).
    #[serde(skip)]
    #[schemars(skip)]
    pub applied: Vec<Edit>,
}

/// Finds, proves and reports a fix for `spec` on `net`.
pub fn run(
    net: &Network,
    ix: &NetworkIndex,
    spec: &QuerySpec,
    want: Want,
    limits: &Limits,
) -> Result<FixReport, FixError> {
    let t0 = Instant::now();
    let from = resolve(net, ix, &spec.from, Role::Source)?;
    let to = resolve(net, ix, &spec.to, Role::Destination)?;
    let one_way = spec.one_way || to.through.is_some();
    let ctx = search::Ctx {
        spec,
        from,
        to,
        one_way,
    };
    let before = crate::query::engine::run(net, ix, spec)?.verdict;
    let mut report = FixReport {
        verdict: FixVerdict::NotFound,
        query: before.query.clone(),
        want,
        language: language(net).to_owned(),
        edits: Vec::new(),
        proof: None,
        side_effects: Vec::new(),
        side_effects_computed: false,
        side_effects_unknown: Vec::new(),
        remaining: Vec::new(),
        bound_hit: false,
        rounds: 0,
        unknown: None,
        warnings: Vec::new(),
        alternatives: Vec::new(),
        applied: Vec::new(),
    };
    let found = match want {
        Want::Reachable => search::reachable(net, &ctx, limits, t0)?,
        Want::Unreachable => {
            if before.verdict == VerdictKind::Unreachable {
                report.verdict = FixVerdict::AlreadyHolds;
                return Ok(report);
            }
            search::unreachable(net, &ctx, limits, t0)?
        }
    };
    if want == Want::Reachable && found.complete && found.edits.is_empty() {
        report.verdict = FixVerdict::AlreadyHolds;
        return Ok(report);
    }
    report.rounds = found.rounds;
    if let Some(u) = &found.unknown {
        report.bound_hit = found.bound_hit;
        report.remaining = remaining(&found);
        report.verdict = FixVerdict::Unknown;
        report.unknown = Some(u.clone());
        return Ok(report);
    }
    // FIX-13: fewer edits than the greedy search found, if any exist in the candidate space.
    let mut found = found;
    let mut fewest_proven = found.complete && found.edits.len() <= 1;
    // The greedy fix, kept in case the deepened one fails its proof.
    let mut greedy: Option<search::Found> = None;
    if !fewest_proven {
        let below = if found.complete {
            found.edits.len()
        } else {
            limits.max_edits + 1
        };
        let deepen = Limits {
            time: limits.deepen_time.min(limits.time.saturating_sub(t0.elapsed())),
            ..limits.clone()
        };
        let f = minimal::fewest(net, &ctx, want, &deepen, Instant::now(), &found.replays, below)?;
        fewest_proven = f.exhaustive;
        if let Some(edits) = f.edits {
            greedy = found.complete.then(|| found.clone());
            found.edits = edits;
            found.complete = true;
            found.bound_hit = false;
            found.remaining.clear();
        }
        if let Some(why) = f.why_not
            && found.complete
        {
            report.warnings.push(format!(
                "fewest edits not proven (FIX-13): {why}; a fix of fewer edits may exist"
            ));
        }
    }
    report.remaining = remaining(&found);
    report.bound_hit = found.bound_hit;
    let mut patched = edit::apply_all(net, &found.edits);
    let mut pix = NetworkIndex::new(&patched);
    if found.complete {
        let mut proven = prove(&before, &patched, &pix, &ctx, want, &found, limits)?;
        match (&proven, greedy.take()) {
            (Err(why), Some(g)) => {
                // The fewer edits fail their proof: the greedy fix, if it passes, is shown instead.
                report.warnings.push(format!(
                    "a fix of fewer edits failed its proof and is not shown ({why}); the greedy search's fix is shown instead"
                ));
                fewest_proven = false;
                found = g;
                patched = edit::apply_all(net, &found.edits);
                pix = NetworkIndex::new(&patched);
                proven = prove(&before, &patched, &pix, &ctx, want, &found, limits)?;
            }
            // Kept for FIX-14.
            (_, g) => greedy = g,
        }
        match proven {
            Ok(mut proof) => {
                proof.fewest_proven = fewest_proven;
                report.verdict = FixVerdict::Fixed;
                report.proof = Some(proof);
            }
            Err(why) => {
                // FIX-6: a fix that fails its proof is never shown.
                report
                    .warnings
                    .push(format!("a candidate fix failed its proof and is not shown: {why}"));
                return Ok(report);
            }
        }
    }
    report.edits = found.edits.iter().map(|e| report_edit(net, e)).collect();
    report.applied = found.edits.clone();
    if limits.side_effects && !found.edits.is_empty() {
        (report.side_effects, report.side_effects_unknown) = side_effects(net, ix, &patched, &pix, &ctx)?;
        report.side_effects_computed = true;
        if let Some(g) = greedy
            && report.verdict == FixVerdict::Fixed
            && !report.side_effects.is_empty()
        {
            report
                .alternatives
                .extend(alternative(net, ix, &before, &ctx, want, &g, limits, &report)?);
        }
    }
    Ok(report)
}

/// FIX-14: the greedy search's fix, when the primary fix (fewer edits) has side effects: proven
/// exactly as the primary (FIX-6), its side effects computed (FIX-7), and kept only when it has
/// fewer of them and no more unknown ones.
#[allow(clippy::too_many_arguments, reason = "the same context the primary's proof uses")]
fn alternative(
    net: &Network,
    ix: &NetworkIndex,
    before: &crate::query::verdict::Verdict,
    ctx: &search::Ctx<'_>,
    want: Want,
    greedy: &search::Found,
    limits: &Limits,
    primary: &FixReport,
) -> Result<Option<Alternative>, FixError> {
    if !greedy.complete || greedy.edits.is_empty() || greedy.edits == primary.applied {
        return Ok(None);
    }
    let patched = edit::apply_all(net, &greedy.edits);
    let pix = NetworkIndex::new(&patched);
    let Ok(proof) = prove(before, &patched, &pix, ctx, want, greedy, limits)? else {
        return Ok(None);
    };
    let (side_effects, side_effects_unknown) = side_effects(net, ix, &patched, &pix, ctx)?;
    if side_effects.len() >= primary.side_effects.len()
        || side_effects_unknown.len() > primary.side_effects_unknown.len()
    {
        return Ok(None);
    }
    Ok(Some(Alternative {
        edits: greedy.edits.iter().map(|e| report_edit(net, e)).collect(),
        proof,
        side_effects,
        side_effects_unknown,
        applied: greedy.edits.clone(),
    }))
}

fn remaining(found: &search::Found) -> Vec<Remaining> {
    found
        .remaining
        .iter()
        .map(|(at, why)| Remaining {
            at: at.clone(),
            why: why.clone(),
        })
        .collect()
}

/// FIX-6: the patched network answers as wanted, in the SMT engine over the whole question and
/// in the simulator for every packet the search started from.
fn prove(
    before: &crate::query::verdict::Verdict,
    patched: &Network,
    pix: &NetworkIndex,
    ctx: &search::Ctx<'_>,
    want: Want,
    found: &search::Found,
    limits: &Limits,
) -> Result<Result<Proof, String>, FixError> {
    let v = crate::query::engine::run(patched, pix, ctx.spec)?.verdict;
    let wanted = match want {
        Want::Reachable => VerdictKind::Reachable,
        Want::Unreachable => VerdictKind::Unreachable,
    };
    if v.verdict != wanted {
        return Ok(Err(format!("`query` on the patched network answers {:?}", v.verdict)));
    }

    if want == Want::Reachable {
        match crate::query::dropmap::compute(patched, pix, ctx.spec, limits.max_cells)? {
            Some((map, ..)) if map.cells.is_empty() && !map.undecided => {}
            _ => return Ok(Err("the patched network still drops part of the question".into())),
        }
    }
    // BOUND-2: what the input does not settle, before or after the edits, stays unsettled (a fix
    // changes ACLs, security groups, routes and associations, never such a construct).
    let mut unsettled: Vec<String> = Vec::new();
    for b in before.unknown.iter().chain(&before.bounded).chain(&v.bounded) {
        let s = format!("`{}` ({})", b.id, b.reason);
        if !unsettled.contains(&s) {
            unsettled.push(s);
        }
    }
    let whole = unsettled.is_empty();
    for (start, p) in &found.replays {
        let t = sim::trace_to_targets(
            patched,
            pix,
            start.clone(),
            *p,
            ctx.one_way,
            ctx.to.lb_targets.as_deref(),
        );
        let ok = matches!(
            (want, t.status()),
            (Want::Reachable, sim::Status::Reachable) | (Want::Unreachable, sim::Status::Unreachable(_))
        );
        if !ok {
            return Ok(Err(format!(
                "the simulator does not give {p} the wanted fate on the patched network"
            )));
        }
    }
    Ok(Ok(Proof {
        query_verdict: v.verdict,
        simulator_replays: found.replays.len(),
        whole_space: whole,
        fewest_proven: false,
        unsettled,
    }))
}

/// FIX-7: flows the fix opens or closes beyond the question, by `diff` between the network and
/// the patched one (only the pairs of endpoint classes the edited components concern).
fn side_effects(
    net: &Network,
    ix: &NetworkIndex,
    patched: &Network,
    pix: &NetworkIndex,
    ctx: &search::Ctx<'_>,
) -> Result<(Vec<SideEffect>, Vec<String>), FixError> {
    let mut effects = Vec::new();
    let mut unknown = Vec::new();
    let opts = DiffOptions {
        max_flows: 8,
        budget: ctx.spec.budget,
        ..DiffOptions::default()
    };
    let d = diff::run(
        Input {
            label: "NETWORK",
            net,
            ix,
        },
        Input {
            label: "patched",
            net: patched,
            ix: pix,
        },
        &opts,
    )
    .map_err(|e| FixError::Diff(e.to_string()))?;
    for f in d.opened.iter().chain(d.closed.iter()) {
        if in_question(net, ix, ctx, f) {
            continue;
        }
        let word = match f.direction {
            crate::diff::Direction::Opened => "also opens",
            crate::diff::Direction::Closed => "also closes",
        };
        let ports = f.ports.as_deref().map(|p| format!(" {p}")).unwrap_or_default();
        let at = f.changes.first().map(|c| format!(" (at `{c}`)")).unwrap_or_default();
        effects.push(SideEffect {
            change: f.direction,
            from: f.from.clone(),
            to: f.to.clone(),
            protocol: f.protocol.clone(),
            ports: f.ports.clone(),
            text: format!("{word}: {} → {} {}{ports}{at}", f.from, f.to, f.protocol),
        });
    }
    for u in &d.unknown {
        unknown.push(format!(
            "{} → {}: {}",
            u.from,
            u.to,
            u.causes
                .iter()
                .map(|c| format!("`{}`: {}", c.id, c.reason))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    Ok((effects, unknown))
}

/// The flow's witness is a packet of the question: from the question's source to its
/// destination, on its protocol and ports.
fn in_question(net: &Network, ix: &NetworkIndex, ctx: &search::Ctx<'_>, f: &crate::diff::Flow) -> bool {
    let p = &f.packet;
    let Ok(src) = p.src_ip.parse::<std::net::IpAddr>() else {
        return false;
    };
    let Ok(dst) = p.dst_ip.parse::<std::net::IpAddr>() else {
        return false;
    };
    let protocol_ok = match ctx.spec.protocol {
        crate::query::engine::ProtocolChoice::All => true,
        crate::query::engine::ProtocolChoice::One(n) => proto::name(n) == p.protocol,
    };
    let port_ok = match (ctx.spec.port, p.dst_port) {
        (Some(q), Some(d)) => q.contains(d),
        _ => true,
    };
    let owns = |e: &crate::model::endpoint::Endpoint, ip: &std::net::IpAddr, sender: Option<&str>| {
        let iface = e.interfaces.iter().any(|i| {
            sender.is_none_or(|s| s == i.as_str())
                && net.network_interfaces.get(i).is_some_and(|x| {
                    x.has_private_address(ip) || x.public_addresses().any(|a| std::net::IpAddr::V4(a) == *ip)
                })
        });
        let outside = ix.private_owner(ip).is_none()
            && match ip {
                std::net::IpAddr::V4(v4) => ix.public_owner(v4).is_none(),
                std::net::IpAddr::V6(_) => true,
            };
        iface
            || match &e.external {
                Some(crate::model::endpoint::External::Internet { .. }) => {
                    outside && sender.is_none_or(|s| s == "internet")
                }
                Some(crate::model::endpoint::External::Block(c)) => c.contains(ip),
                Some(_) => outside,
                None => false,
            }
    };
    protocol_ok && port_ok && owns(&ctx.from, &src, Some(f.sender.as_str())) && owns(&ctx.to, &dst, None)
}

/// The language of the input, from the provenance of its resources: `spec` (a native TOML
/// spec), `terraform` (a plan or state: Terraform addresses), or `aws-cli` (a describe-*
/// snapshot).
pub fn language(net: &Network) -> &'static str {
    let Some(p) = net
        .network_acls
        .values()
        .map(|a| &a.provenance)
        .chain(net.vpcs.values().map(|v| &v.provenance))
        .find(|p| !p.implicit)
    else {
        return "aws-cli";
    };
    if p.file.to_ascii_lowercase().ends_with(".toml") {
        "spec"
    } else if p.resource.starts_with("aws_") || p.resource.starts_with("module.") || p.resource.contains(".aws_") {
        "terraform"
    } else {
        "aws-cli"
    }
}

/// An edit as reported, in the input's language.
pub fn report_edit(net: &Network, e: &Edit) -> EditReport {
    let lang = language(net);
    let mut r = EditReport {
        kind: e.kind().to_owned(),
        component: e.component().to_owned(),
        text: e.text(net),
        in_input_language: language::in_language(net, e, lang),
        ..EditReport::default()
    };
    let mut filter = |direction: Direction, protocol: Protocol, l4: L4Match, cidr: String, action: &str| {
        r.direction = Some(direction);
        r.action = Some(action.to_owned());
        r.protocol = Some(protocol.to_string());
        r.cidr = Some(cidr);
        match l4 {
            L4Match::Ports(p) => r.ports = Some(p.to_string()),
            L4Match::Icmp { icmp_type, .. } => r.icmp_type = icmp_type,
            L4Match::Any => {}
        }
    };
    match e {
        Edit::AddAclEntry { entry, .. } | Edit::RemoveAclEntry { entry, .. } | Edit::NarrowAclEntry { entry, .. } => {
            filter(
                entry.direction,
                entry.protocol,
                entry.l4,
                entry.cidr.to_string(),
                language::action_word(entry.action),
            );
            r.rule_number = Some(entry.rule_number);
            if let Edit::NarrowAclEntry { into, .. } = e {
                r.narrowed_to = into.iter().map(NetworkAclEntry::label).collect();
            }
        }
        Edit::AddSgRule { direction, rule, .. }
        | Edit::RemoveSgRule { direction, rule, .. }
        | Edit::NarrowSgRule { direction, rule, .. } => {
            filter(*direction, rule.protocol, rule.l4, rule.peer.to_string(), "allow");
            if let Edit::NarrowSgRule { into, .. } = e {
                r.narrowed_to = into.iter().map(|x| x.label(*direction)).collect();
            }
        }
        Edit::AddRoute { route, .. } | Edit::RemoveRoute { route, .. } => {
            r.destination = Some(route.destination.to_string());
            r.target = Some(route.target.id().to_owned());
        }
        Edit::ReplaceRoute { route, target, .. } => {
            r.destination = Some(route.destination.to_string());
            r.target = Some(target.id().to_owned());
            r.replaced_target = Some(route.target.id().to_owned());
        }
        Edit::AssociateRouteTable { from, to, .. } => {
            r.associated_from = Some(from.to_string());
            r.associated_to = Some(to.to_string());
        }
        Edit::AssociateNetworkAcl { from, to, .. } => {
            r.associated_from = Some(from.to_string());
            r.associated_to = Some(to.to_string());
        }
    }
    r
}
