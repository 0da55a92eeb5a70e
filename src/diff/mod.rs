//! `vpcverify diff`: what a change opens and what it closes, before it is applied.
//!
//! Two networks (BEFORE and AFTER, any formats; or a Terraform plan's prior state and planned
//! values) are compared for every pair of endpoint classes ([`classes`]) that a changed resource
//! ([`changes`]) can concern ([`scope`]): the SMT engine asks for a packet that gets through (and
//! back) in AFTER and not in BEFORE (opened) and the converse (closed) in one solver per pair
//! (`smt::diff`); each difference is a flow class (source class, destination class, protocol,
//! destination ports) with a witness packet. Both directions' witnesses are replayed in the
//! simulator ([`replay`]): delivered where the engine says they get through (the path shown is
//! the simulator's), dropped in the other network (the blocking rule shown is the simulator's).
//! A disagreement is an internal error, never an answer. An answer either network leaves
//! unsettled (a construct not modelled, BOUND-1; the solver giving up, SOLVE-2; the budget,
//! SOLVE-3) is unknown for that pair, naming why.
//!
//! Owns: the comparison and its report. Must not touch: z3 (only `smt` does), printing
//! (`explain::diff` renders the report).

pub mod changes;
pub mod classes;
mod group;
pub mod reach;
pub mod replay;
pub mod report;
pub mod restrict;
pub mod scope;

use crate::model::{Network, NetworkIndex, PortRange, proto};
use crate::query::endpoint::{EndpointError, Role};
use crate::query::engine::ProtocolChoice;
use crate::smt::diff::{Comparison, DiffSpec, DirAnswer, Side};
use classes::Class;
pub use report::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What the user asked.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// `--from`: only these sources.
    pub from: Option<String>,
    /// `--to`: only these destinations.
    pub to: Option<String>,
    /// `--protocol`.
    pub protocol: ProtocolChoice,
    /// `--port`: destination ports.
    pub port: Option<PortRange>,
    /// `--one-way`.
    pub one_way: bool,
    /// At most this many flows per pair and direction.
    pub max_flows: usize,
    /// Wall-clock budget of each pair's question; `None`: no limit.
    pub budget: Option<std::time::Duration>,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Ask every pair, not only those a change concerns, each on its own, about every packet
    /// (to check the pruning and the grouping).
    pub all_pairs: bool,
    /// Ask the pairs that share a class in one grouped question first (DIFF-7); `false` (the
    /// default): every pair on its own.
    pub group: bool,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            from: None,
            to: None,
            protocol: ProtocolChoice::All,
            port: None,
            one_way: false,
            max_flows: 16,
            budget: None,
            jobs: 1,
            all_pairs: false,
            group: false,
        }
    }
}

/// One network, as read.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// What it was read from (a path; for a plan, `PLAN (prior state)` / `PLAN (planned)`).
    pub label: &'a str,
    /// The network.
    pub net: &'a Network,
    /// Its index.
    pub ix: &'a NetworkIndex,
}

/// What stops a diff (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// `--from`/`--to` do not resolve in either network.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The arguments do not make a question.
    #[error("{0}")]
    Usage(String),
    /// The SMT engine and the simulator disagree: a bug in vpcverify.
    #[error("internal inconsistency: {0}")]
    Inconsistent(String),
}

/// Compares `before` and `after`.
pub fn run(before: Input<'_>, after: Input<'_>, opts: &DiffOptions) -> Result<DiffReport, DiffError> {
    let protocol = match opts.protocol {
        ProtocolChoice::All => None,
        ProtocolChoice::One(n) => Some(n),
    };
    if opts.port.is_some() && protocol.is_some_and(|p| !proto::has_ports(p)) {
        return Err(DiffError::Usage(format!(
            "--port applies to tcp and udp, not to {}",
            proto::name(protocol.unwrap_or(0))
        )));
    }
    let changes = changes::changes(before.net, after.net);
    let all = classes::classes(before.net, before.ix, after.net, after.ix);
    let sides = [(before.net, before.ix), (after.net, after.ix)];
    let sources = match &opts.from {
        Some(t) => classes::narrow(&all, t, Role::Source, sides)?,
        None => all.clone(),
    };
    let dests = match &opts.to {
        Some(t) => classes::narrow(&all, t, Role::Destination, sides)?,
        None => all.clone(),
    };
    // Narrowed classes are matched to the scope's class indices by name of their members.
    let (fp, scopes) = scope::footprint(before.net, after.net, &all, &changes);
    let index_of = |c: &Class| -> Option<usize> {
        all.iter()
            .position(|a| a.kind == c.kind && (c.members.is_empty() || c.members.iter().all(|m| a.members.contains(m))))
    };
    // Unnarrowed, the classes are `all` itself.
    let src_ix: Vec<Option<usize>> = match opts.from {
        None => (0..sources.len()).map(Some).collect(),
        Some(_) => sources.iter().map(index_of).collect(),
    };
    let dst_ix: Vec<Option<usize>> = match opts.to {
        None => (0..dests.len()).map(Some).collect(),
        Some(_) => dests.iter().map(index_of).collect(),
    };
    let spec = DiffSpec {
        protocol,
        dst_ports: opts.port,
        src_ports: None,
        one_way: opts.one_way,
        max_flows: opts.max_flows.max(1),
        family: None,
    };
    let mut pairs: Vec<(usize, usize, DiffSpec)> = Vec::new();
    let mut total = 0;
    for (si, s) in sources.iter().enumerate() {
        if !s.can_send {
            continue;
        }
        for (di, d) in dests.iter().enumerate() {
            if (s.is_external() && d.is_external()) || (s.kind == d.kind && s.members == d.members) {
                continue;
            }
            total += 1;
            let header = match (src_ix[si], dst_ix[di]) {
                _ if opts.all_pairs => Some(restrict::Header::ALL),
                (Some(a), Some(b)) => fp.header(a, b),
                // A narrowed external class not among the classes: asked whenever anything changed.
                _ => fp.any().then_some(restrict::Header::ALL),
            };
            if let Some(q) = header.and_then(|h| narrowed(&spec, h)) {
                pairs.push((si, di, q));
            }
        }
    }
    // DIFF-7: the pairs a grouped question leaves open, each then asked on its own. A load
    // balancer (which rewrites addresses and ports on the way) keeps every pair on its own.
    let balanced = [before.net, after.net].iter().any(|n| !n.elb.load_balancers.is_empty());
    let settled = if opts.group && !opts.all_pairs && !balanced {
        group::settle(before, after, &sources, &dests, &pairs, opts)
    } else {
        group::Settled {
            ask: vec![true; pairs.len()],
            groups: 0,
        }
    };
    let alone: Vec<usize> = (0..pairs.len()).filter(|i| settled.ask[*i]).collect();
    let results: Mutex<Vec<(usize, Result<PairResult, DiffError>)>> = Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    let jobs = opts.jobs.clamp(1, 64).min(alone.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = alone.get(n) else { break };
                    let Some((si, di, spec)) = pairs.get(i) else { break };
                    let r = pair(before, after, &sources[*si], &dests[*di], spec, opts);
                    if let Ok(mut v) = results.lock() {
                        v.push((i, r));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(i, _)| *i);
    let mut report = DiffReport::new(before.label, after.label, changes, &all, scopes);
    report.pairs.total = total;
    report.pairs.asked = pairs.len();
    report.pairs.grouped_questions = settled.groups;
    report.pairs.asked_alone = alone.len();
    for (_, r) in results {
        let mut r = r?;
        // Within a pair, by protocol and first port: the solver's witness order is not stable.
        let key = |f: &Flow| {
            let first = f
                .ports
                .as_deref()
                .and_then(|p| p.split('-').next())
                .and_then(|p| p.parse::<u32>().ok());
            (f.protocol.clone(), first)
        };
        r.opened.sort_by_key(key);
        r.closed.sort_by_key(key);
        report.pairs.paths_before += r.paths.0;
        report.pairs.paths_after += r.paths.1;
        report.opened.extend(r.opened);
        report.closed.extend(r.closed);
        report.unknown.extend(r.unknown);
    }
    attribute(&mut report);
    report.finish();
    Ok(report)
}

/// `spec` narrowed to the packets a change can affect (DIFF-6); `None` when none of them is
/// asked about.
fn narrowed(spec: &DiffSpec, h: restrict::Header) -> Option<DiffSpec> {
    let mut out = spec.clone();
    if let Some(p) = h.protocol {
        if spec.protocol.is_some_and(|q| q != p) {
            return None;
        }
        out.protocol = Some(p);
    }
    if let Some(r) = h.ports {
        out.dst_ports = match spec.dst_ports {
            Some(u) => Some(PortRange::new(u.from().max(r.from()), u.to().min(r.to()))?),
            None => Some(r),
        };
    }
    out.family = h.family;
    Some(out)
}

struct PairResult {
    opened: Vec<Flow>,
    closed: Vec<Flow>,
    unknown: Vec<UnknownPair>,
    paths: (usize, usize),
}

fn pair(
    before: Input<'_>,
    after: Input<'_>,
    s: &Class,
    d: &Class,
    spec: &DiffSpec,
    opts: &DiffOptions,
) -> Result<PairResult, DiffError> {
    let (bf, bt) = (
        s.endpoint(before.net, before.ix, Role::Source),
        d.endpoint(before.net, before.ix, Role::Destination),
    );
    let (af, mut at) = (
        s.endpoint(after.net, after.ix, Role::Source),
        d.endpoint(after.net, after.ix, Role::Destination),
    );
    let mut bt = bt;
    both_services(&mut bt, &mut at, before.net, after.net);
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
    let budget = opts.budget.map(crate::smt::Budget::starting_now);
    let Comparison { opened, closed, paths } = crate::smt::diff::compare(&b, &a, spec, budget);
    let one_way = spec.one_way;
    let mut out = PairResult {
        opened: Vec::new(),
        closed: Vec::new(),
        unknown: Vec::new(),
        paths,
    };
    for (answer, dir, gets, not) in [
        (opened, Direction::Opened, after, before),
        (closed, Direction::Closed, before, after),
    ] {
        let (flows, truncated, causes) = match answer {
            DirAnswer::Same => continue,
            DirAnswer::Differs { flows, truncated } => (flows, truncated, Vec::new()),
            DirAnswer::Unknown { causes, flows } => (flows, false, causes),
        };
        for f in flows {
            let flow = replay::flow(gets, not, s, d, dir, &f, one_way, truncated)?;
            match dir {
                Direction::Opened => out.opened.push(flow),
                Direction::Closed => out.closed.push(flow),
            }
        }
        if !causes.is_empty() {
            out.unknown.push(UnknownPair {
                from: s.name.clone(),
                to: d.name.clone(),
                direction: dir,
                causes: causes.into_iter().map(|(id, reason)| Cause { id, reason }).collect(),
            });
        }
    }
    Ok(out)
}

/// A service is both networks' addresses of its list on both sides: an AWS-managed list whose
/// entries differ (AWS changed them between two snapshots) moves addresses in or out of the
/// service, and both networks must be asked about the same packets (SEMANTICS.md §9.5, DIFF-5).
fn both_services(
    bt: &mut crate::model::endpoint::Endpoint,
    at: &mut crate::model::endpoint::Endpoint,
    before: &Network,
    after: &Network,
) {
    at.also = service_entries(bt, before);
    bt.also = service_entries(at, after);
}

/// The entries of the prefix list a service endpoint stands for in `net` (none for another
/// endpoint).
fn service_entries(e: &crate::model::endpoint::Endpoint, net: &Network) -> Vec<crate::model::Cidr> {
    match &e.external {
        Some(crate::model::endpoint::External::Service { prefix_list, .. }) => net
            .prefix_lists
            .get(prefix_list)
            .map(|p| p.entries.clone())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Names on each flow the changed resources its path or its drop mentions.
fn attribute(report: &mut DiffReport) {
    let ids: Vec<String> = report
        .changes
        .iter()
        .filter(|c| c.scope != "none")
        .map(|c| c.change.id.clone())
        .collect();
    for f in report.opened.iter_mut().chain(report.closed.iter_mut()) {
        let mentions = |id: &str| {
            f.path
                .iter()
                .chain(&f.return_path)
                .any(|h| h.id == id || h.detail.contains(id) || h.rule.as_deref().is_some_and(|r| r.contains(id)))
                || f.blocked
                    .as_ref()
                    .is_some_and(|b| b.id == id || b.reason.contains(id) || b.rule.contains(id))
        };
        f.changes = ids.iter().filter(|id| mentions(id)).cloned().collect();
    }
}
