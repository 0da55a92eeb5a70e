//! `vpcverify query`: endpoints and filters in, a verdict with evidence out.
//!
//! The SMT engine answers over the whole header space; a reachable answer's witness is replayed
//! through the simulator before it is reported, and a disagreement is an internal error, never a
//! verdict (DESIGN.md §4).

use super::endpoint::{EndpointError, Role, resolve};
use super::evidence::{self, EvidenceError};
use super::verdict::{QueryEcho, UnknownCause, Verdict, VerdictKind};
use crate::model::endpoint::{Endpoint, External};
use crate::model::*;
use crate::sim;
use crate::smt::{self, Answer, Question, StartPoint, Witness};
use std::net::IpAddr;

/// True inside [`verdict_only`] on this thread.
pub(crate) use crate::smt::is_verdict_only;
/// Questions asked inside `f` on this thread are answered for their verdict alone, without the
/// blocking filters of an unreachable answer (SOLVE-9, `smt::verdict_only`).
pub use crate::smt::verdict_only;

/// The protocol a question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolChoice {
    /// Any protocol.
    All,
    /// One protocol number.
    One(u8),
}

impl ProtocolChoice {
    /// Parses `tcp`, `udp`, `icmp`, `icmpv6`, `all`, `-1` or a number.
    pub fn parse(text: &str) -> Result<Self, QueryError> {
        match Protocol::parse(text) {
            Ok(Protocol::All) => Ok(ProtocolChoice::All),
            Ok(Protocol::Number(n)) => Ok(ProtocolChoice::One(n)),
            Err(e) => Err(QueryError::Usage(e.to_string())),
        }
    }

    fn name(&self) -> String {
        match self {
            ProtocolChoice::All => "all".into(),
            ProtocolChoice::One(n) => proto::name(*n),
        }
    }
}

/// A question as the user asked it.
#[derive(Debug, Clone)]
pub struct QuerySpec {
    /// `--from`.
    pub from: String,
    /// `--to`.
    pub to: String,
    /// `--protocol`.
    pub protocol: ProtocolChoice,
    /// `--port`.
    pub port: Option<PortRange>,
    /// `--src-port`.
    pub src_port: Option<PortRange>,
    /// `--one-way`.
    pub one_way: bool,
    /// Keep an SMT-LIB2 proof when unreachable.
    pub want_proof: bool,
    /// Wall-clock budget of the whole question (walk, witness, replay, explanations); `None`:
    /// no limit.
    pub budget: Option<std::time::Duration>,
    /// `--through`: components every packet that gets through must cross (WAY-1); answered by
    /// [`super::waypoint::run`].
    pub through: Vec<String>,
    /// `--avoid`: components no packet that gets through may cross (WAY-1).
    pub avoid: Vec<String>,
}

/// What went wrong answering a question (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// An endpoint does not resolve.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The arguments do not make a question.
    #[error("{0}")]
    Usage(String),
    /// The SMT engine and the simulator disagree: a bug in vpcverify.
    #[error("internal inconsistency: {0}")]
    Inconsistent(String),
}

/// The verdict and, when asked and unreachable, the SMT-LIB2 proof.
#[derive(Debug, Clone)]
pub struct QueryResult {
    /// The verdict.
    pub verdict: Verdict,
    /// The proof text.
    pub proof: Option<String>,
}

/// Answers one question about a network (its waypoints aside: see [`super::waypoint::run`]).
pub fn run(net: &Network, ix: &NetworkIndex, spec: &QuerySpec) -> Result<QueryResult, QueryError> {
    run_with(net, ix, spec, None, &[])
}

/// Answers one question; with `goal`, the question whether a packet gets through on a path that
/// violates those waypoints (WAY-1), whose witness the simulator's replay must confirm violates
/// them too.
pub(crate) fn run_goal(
    net: &Network,
    ix: &NetworkIndex,
    spec: &QuerySpec,
    goal: Option<&Waypoints>,
) -> Result<QueryResult, QueryError> {
    run_with(net, ix, spec, goal, &[])
}

/// [`run`], with the external sources in `exclude` (each a block minus its holes) left out of
/// the source endpoint (trusted prefixes, or regions an exposure search already found; EXP-1).
pub fn run_excluding(
    net: &Network,
    ix: &NetworkIndex,
    spec: &QuerySpec,
    exclude: &[(Cidr, Vec<Cidr>)],
) -> Result<QueryResult, QueryError> {
    run_with(net, ix, spec, None, exclude)
}

/// [`run_goal`] and [`run_excluding`] at once.
fn run_with(
    net: &Network,
    ix: &NetworkIndex,
    spec: &QuerySpec,
    goal: Option<&Waypoints>,
    exclude: &[(Cidr, Vec<Cidr>)],
) -> Result<QueryResult, QueryError> {
    let budget = spec.budget.map(smt::Budget::starting_now);
    let mut from = resolve(net, ix, &spec.from, Role::Source)?;
    from.exclude = exclude.to_vec();
    let to = resolve(net, ix, &spec.to, Role::Destination)?;
    let direct = answer(net, ix, spec, &from, &to, budget, goal)?;
    // SEMANTICS.md §5.12: an instance no packet reaches directly may be reached through the load
    // balancers in front of it; the question is asked again of their nodes, their connections
    // only to this instance.
    if direct.verdict.verdict != VerdictKind::Unreachable {
        return Ok(direct);
    }
    let Some(via) = through_load_balancers(net, ix, &spec.to, &to) else {
        return Ok(direct);
    };
    let lbs = via.1.join("`, `");
    let mut through = answer(net, ix, spec, &from, &via.0, budget, goal)?;
    match through.verdict.verdict {
        VerdictKind::Reachable => {
            // The load balancer the witness crossed.
            let crossed = through
                .verdict
                .path
                .iter()
                .flatten()
                .find(|h| h.kind == ComponentKind::LoadBalancer)
                .and_then(|h| net.elb.load_balancers.get(&h.id))
                .map_or(lbs, |lb| lb.name.clone());
            through.verdict.warnings.insert(
                0,
                format!(
                    "`{}` is not reached directly; it is reached through load balancer `{crossed}` (ELB-13; the path shows both connections; --port is the listener's)",
                    spec.to
                ),
            );
            Ok(through)
        }
        VerdictKind::Unknown => {
            through.verdict.warnings.insert(
                0,
                format!(
                    "`{}` is not reached directly; whether it is reached through load balancer `{lbs}` is unknown (ELB-13)",
                    spec.to
                ),
            );
            Ok(through)
        }
        VerdictKind::Unreachable => {
            let mut d = direct;
            d.verdict.blocked.extend(through.verdict.blocked);
            d.verdict.warnings.push(format!(
                "`{}` is reached neither directly nor through load balancer `{lbs}` (ELB-13; the load balancer path's blocking rules are listed too)",
                spec.to
            ));
            d.proof = None;
            Ok(d)
        }
    }
}

/// The nodes of the load balancers that have the instance `to` names among their targets, as a
/// destination restricted to those targets (ELB-9); `None` unless `text` names an instance
/// (`i-…` or its Name tag) that some load balancer with nodes in the input sends to. Also the
/// load balancers' names.
fn through_load_balancers(
    net: &Network,
    ix: &NetworkIndex,
    text: &str,
    to: &Endpoint,
) -> Option<(Endpoint, Vec<String>)> {
    if to.external.is_some() || to.through.is_some() || to.lb_targets.is_some() || to.address_filter.is_some() {
        return None;
    }
    let is_instance = to.interfaces.iter().all(|i| ix.instance_of(i).is_some())
        && (text.starts_with("i-") || net.instances.values().any(|i| name_tag(&i.tags) == Some(text)));
    if !is_instance || to.interfaces.is_empty() {
        return None;
    }
    let mut nodes = Vec::new();
    let mut names = Vec::new();
    for lb in net.elb.load_balancers.values().filter(|lb| !lb.nodes.is_empty()) {
        let serves = lb.listeners.iter().flat_map(|l| l.forwards.iter()).any(|tg| {
            net.elb.target_groups.get(tg).is_some_and(|g| {
                g.targets.iter().flatten().any(|t| {
                    crate::model::elb::resolve_target(net, g, t).is_ok_and(|at| to.interfaces.contains(&at.iface))
                })
            })
        });
        if serves {
            nodes.extend(lb.nodes.iter().cloned());
            names.push(lb.name.clone());
        }
    }
    if nodes.is_empty() {
        return None;
    }
    nodes.sort();
    nodes.dedup();
    let mut e = Endpoint::named(&to.label);
    e.interfaces = nodes;
    e.lb_targets = Some(to.interfaces.clone());
    Some((e, names))
}

/// Answers a question between resolved endpoints.
fn answer(
    net: &Network,
    ix: &NetworkIndex,
    spec: &QuerySpec,
    from: &Endpoint,
    to: &Endpoint,
    budget: Option<smt::Budget>,
    goal: Option<&Waypoints>,
) -> Result<QueryResult, QueryError> {
    let (from, to) = (from.clone(), to.clone());
    // A host's own private address never leaves it; its public address does (to the gateway
    // that maps it, VGW-5, IGW-2).
    let own_private = |e: &Endpoint| {
        e.address_filter.is_none_or(|f| {
            e.interfaces
                .iter()
                .filter_map(|i| net.network_interfaces.get(i))
                .any(|x| x.private_addresses().any(|a| f.contains(&a)))
        })
    };
    if from.interfaces.len() == 1
        && from.external.is_none()
        && to.interfaces == from.interfaces
        && to.external.is_none()
        && own_private(&to)
    {
        return Err(QueryError::Usage(format!(
            "`{}` and `{}` are the same network interface; a host's traffic to itself never leaves it",
            spec.from, spec.to
        )));
    }
    let protocol = match spec.protocol {
        ProtocolChoice::All => None,
        ProtocolChoice::One(n) => Some(n),
    };
    if spec.port.is_some() && protocol.is_some_and(|p| !proto::has_ports(p)) {
        return Err(QueryError::Usage(format!(
            "--port applies to tcp and udp, not to {}",
            spec.protocol.name()
        )));
    }
    // A listener (`lb:NAME:443`) fixes the destination port (SEMANTICS.md §5.12).
    let dst_ports = match (to.port, spec.port) {
        (Some(l), Some(asked)) if !asked.contains(l) => {
            return Err(QueryError::Usage(format!(
                "`{}` is the listener on port {l}, outside --port {asked}",
                spec.to
            )));
        }
        (Some(l), _) => Some(PortRange::single(l)),
        (None, asked) => asked,
    };
    let echo = QueryEcho {
        from: spec.from.clone(),
        to: spec.to.clone(),
        protocol: spec.protocol.name(),
        port: spec.port.map(|p| p.to_string()),
        src_port: spec.src_port.map(|p| p.to_string()),
        one_way: spec.one_way,
    };
    let mut warnings = Vec::new();
    let one_way = spec.one_way || to.through.is_some();
    if to.through.is_some() && !spec.one_way {
        warnings.push(format!(
            "`{}` forwards traffic: the question is whether requests reach it (one way)",
            spec.to
        ));
    }
    // A destination service whose prefix list is named without its entries (a Terraform plan's
    // AWS-managed list, when no data source reads its CIDRs): its addresses are not known, so
    // neither is the answer (SEMANTICS.md §6).
    if let Some(External::Service { prefix_list, .. }) = &to.external
        && to.interfaces.is_empty()
        && net.prefix_lists.get(prefix_list).is_some_and(|p| !p.entries_known)
    {
        let mut v = Verdict::new(VerdictKind::Unknown, echo);
        v.unknown.push(UnknownCause::new(
            prefix_list.to_string(),
            format!("the entries of prefix list `{prefix_list}` are not in the input"),
        ));
        return Ok(QueryResult {
            verdict: v,
            proof: None,
        });
    }
    let families = families(net, &from, &to, protocol);
    if families.is_empty() {
        let mut v = Verdict::new(VerdictKind::Unreachable, echo);
        v.blocked.push(Blocked::new(
            &spec.from,
            ComponentKind::NetworkInterface,
            None,
            "family",
            format!(
                "`{}` and `{}` share no address family (IPv4/IPv6) for this protocol",
                spec.from, spec.to
            ),
            "NO_PATH",
        ));
        return Ok(QueryResult {
            verdict: v,
            proof: None,
        });
    }
    let question = Question {
        from: &from,
        to: &to,
        protocol,
        dst_ports,
        src_ports: spec.src_port,
        one_way,
        families,
        want_proof: spec.want_proof,
        budget,
        faults: None,
        waypoints: goal,
    };
    let answer = smt::solve(net, ix, &question);
    let mut bounded = Vec::new();
    let mut verdict;
    let mut proof = None;
    match answer {
        Answer::Reachable(w) => {
            bounded = causes_of(&w.bounded, "the packet shown gets through without relying on it");
            // SOLVE-5: the witness must be a packet of the question.
            if let Some(why) = evidence::outside_question(net, ix, &question, &w.start, &w.packet) {
                return Err(QueryError::Inconsistent(format!(
                    "the SMT engine's witness {} is not a packet of the question: {why}",
                    w.packet
                )));
            }
            let through = to.through.as_ref().map(|t| t.0.as_str());
            let (path, return_path) = replay(net, ix, &w, one_way, through, to.lb_targets.as_deref())?;
            if let Some(g) = goal {
                super::waypoint::confirm_violation(net, &w.packet, &path, g)?;
            }
            verdict = Verdict::new(VerdictKind::Reachable, echo);
            verdict.packet = Some(w.packet);
            verdict.path = Some(path);
            verdict.return_path = Some(return_path);
            note_examples(net, &w.packet, &mut warnings);
        }
        Answer::Unreachable {
            blocked,
            proof: p,
            evidence,
            bounded: b,
            ..
        } => {
            bounded = causes_of(&b, "");
            match evidence::check_examples(net, ix, &evidence, one_way, budget.as_ref(), to.lb_targets.as_deref()) {
                Ok(()) => {
                    verdict = Verdict::new(VerdictKind::Unreachable, echo);
                    verdict.blocked = blocked;
                    proof = p;
                }
                Err(EvidenceError::Inconsistent(why)) => return Err(QueryError::Inconsistent(why)),
                Err(EvidenceError::Spent) => {
                    verdict = Verdict::new(VerdictKind::Unknown, echo);
                    verdict.unknown.push(UnknownCause::new("budget", format!(
                        "the budget of {} ran out while the examples of the blocking rules were replayed in the simulator",
                        budget.map(|b| b.shown()).unwrap_or_default()
                    )));
                    verdict.blocked = blocked;
                }
            }
        }
        Answer::Unknown {
            causes,
            blocked,
            examples,
        } => {
            verdict = Verdict::new(VerdictKind::Unknown, echo);
            verdict.unknown = causes
                .into_iter()
                .map(|(id, reason)| UnknownCause::new(id, reason))
                .collect();
            for (id, start, packet) in examples {
                // BOUND-2: the example's fate must depend on something in the simulator too.
                if to.through.is_none() {
                    let status = sim::bounded_status_to_targets(
                        net,
                        ix,
                        sim_start(&start),
                        packet,
                        one_way,
                        to.lb_targets.as_deref(),
                    );
                    if !matches!(status, sim::Status::Unknown { .. }) {
                        return Err(QueryError::Inconsistent(format!(
                            "the SMT engine found that the fate of {packet} depends on `{id}`, but the simulator {}",
                            sim_says(&status)
                        )));
                    }
                }
                for u in verdict.unknown.iter_mut().filter(|u| u.id == id) {
                    u.example = Some(packet);
                }
            }
            verdict.blocked = blocked;
        }
    }
    verdict.bounded = bounded;
    verdict.warnings = warnings;
    Ok(QueryResult { verdict, proof })
}

/// The address families both ends can use: the families a question between them asks (public
/// so that tests build the same question the engine does).
pub fn families(net: &Network, from: &Endpoint, to: &Endpoint, protocol: Option<u8>) -> Vec<IpFamily> {
    let mut out = Vec::new();
    for fam in [IpFamily::V4, IpFamily::V6] {
        if protocol == Some(proto::ICMP) && fam == IpFamily::V6
            || protocol == Some(proto::ICMPV6) && fam == IpFamily::V4
        {
            continue;
        }
        if side_has(net, from, fam) && (to.through.is_some() || side_has(net, to, fam)) {
            out.push(fam);
        }
    }
    out
}

fn side_has(net: &Network, e: &Endpoint, fam: IpFamily) -> bool {
    let iface = e
        .interfaces
        .iter()
        .filter_map(|i| net.network_interfaces.get(i))
        .any(|x| {
            x.private_addresses()
                .any(|a| IpFamily::of(&a) == fam && e.address_filter.is_none_or(|f| f.contains(&a)))
                || (fam == IpFamily::V4
                    && e.address_filter
                        .is_some_and(|f| x.public_addresses().any(|a| f.contains(&IpAddr::V4(a)))))
        });
    let ext = match &e.external {
        None => false,
        Some(External::Internet { .. }) => true,
        Some(External::Block(c)) => c.family() == fam,
        Some(External::Service { prefix_list, .. }) => net
            .prefix_lists
            .get(prefix_list)
            .is_some_and(|p| p.entries.iter().any(|c| c.family() == fam)),
        Some(External::OnPremises(g)) => net.vpn_gateways.get(g).is_some_and(|g| {
            let known = net.onprem.known_prefixes(g.id.as_str(), &g.onprem_cidrs);
            known.is_empty() || known.iter().any(|k| k.cidr.family() == fam)
        }),
        Some(External::OnPremNetwork { blocks, .. }) => blocks.iter().any(|c| c.family() == fam),
    };
    iface || ext
}

/// Notes addresses that are examples (assigned at apply in a Terraform plan).
fn note_examples(net: &Network, p: &Packet, warnings: &mut Vec<String>) {
    for e in net.network_interfaces.values() {
        for a in &e.private_ipv4 {
            if a.assigned_at_apply && (IpAddr::V4(a.address) == p.src_ip || IpAddr::V4(a.address) == p.dst_ip) {
                warnings.push(format!(
                    "{} of `{}` is assigned at apply; this is an example",
                    a.address, e.id
                ));
            }
            if let Some(public) = a.public_ip.as_ref().filter(|x| x.assigned_at_apply)
                && (IpAddr::V4(public.address) == p.src_ip || IpAddr::V4(public.address) == p.dst_ip)
            {
                warnings.push(format!(
                    "public address {} of `{}` is assigned at apply; this is an example",
                    public.address, e.id
                ));
            }
        }
    }
}

/// Replays a witness through the simulator and checks that it agrees: the packet must get
/// through (and back), crossing the same route tables, gateways and interfaces the SMT engine's
/// path crosses. Returns the simulator's request and reply paths, which are concrete.
fn replay(
    net: &Network,
    ix: &NetworkIndex,
    w: &Witness,
    one_way: bool,
    through: Option<&str>,
    targets: Option<&[NetworkInterfaceId]>,
) -> Result<(Vec<Hop>, Vec<Hop>), QueryError> {
    let t = sim::trace_to_targets(net, ix, sim_start(&w.start), w.packet, one_way, targets);
    if let Some(id) = through {
        return replay_through(net, w, &t, id);
    }
    let status = t.status();
    if status != sim::Status::Reachable {
        return Err(QueryError::Inconsistent(format!(
            "the SMT engine found that {} gets through, but the simulator {}",
            w.packet,
            sim_says(&status)
        )));
    }
    let reply_hops = t.reply.map(|r| r.hops).unwrap_or_default();
    let smt_fwd = key_components(net, w.forward.iter().map(String::as_str));
    let sim_fwd = key_components(net, t.request.hops.iter().map(|h| h.id.as_str()));
    let smt_rev = key_components(net, w.reply.iter().map(String::as_str));
    let sim_rev = key_components(net, reply_hops.iter().map(|h| h.id.as_str()));
    if smt_fwd != sim_fwd || (!one_way && smt_rev != sim_rev) {
        return Err(QueryError::Inconsistent(format!(
            "the SMT engine and the simulator take different paths for {}: [{}] / [{}] versus [{}] / [{}]",
            w.packet,
            smt_fwd.join(", "),
            smt_rev.join(", "),
            sim_fwd.join(", "),
            sim_rev.join(", ")
        )));
    }
    Ok((t.request.hops, reply_hops))
}

/// The simulator's start for the SMT engine's.
fn sim_start(start: &StartPoint) -> sim::Start {
    match start {
        StartPoint::Interface(x) => sim::Start::Interface(x.clone()),
        StartPoint::Internet(_) => sim::Start::Internet,
        StartPoint::OnPremises(g) => sim::Start::OnPremises(g.clone()),
        StartPoint::OnPremisesVia(a) => sim::Start::OnPremisesVia(a.clone()),
    }
}

/// The constructs that decide nothing (BOUND-2), as causes, each reason followed by `why`.
fn causes_of(bounded: &[(String, String)], why: &str) -> Vec<UnknownCause> {
    bounded
        .iter()
        .map(|(id, reason)| {
            let reason = if why.is_empty() {
                reason.clone()
            } else {
                format!("{reason}; {why}")
            };
            UnknownCause::new(id.clone(), reason)
        })
        .collect()
}

/// What the simulator did with a packet that did not get through.
fn sim_says(status: &sim::Status) -> String {
    match status {
        sim::Status::Unreachable(b) => format!("drops it at `{}` ({})", b.id, b.reason),
        sim::Status::Unknown { component, reason } => format!("answers unknown at `{component}` ({reason})"),
        sim::Status::Reachable => "delivers it".into(),
    }
}

/// The replay of a question about a component that forwards traffic (`--to nat-…`, `pcx-…`):
/// it asks whether requests reach that component, so the simulator's request must reach it too
/// (cross it, or stop there) by the same way; what happens to the packet after it is not asked.
/// Returns the simulator's request path up to the component.
fn replay_through(net: &Network, w: &Witness, t: &sim::Trace, id: &str) -> Result<(Vec<Hop>, Vec<Hop>), QueryError> {
    let hops = &t.request.hops;
    let stopped_there = match &t.request.outcome {
        sim::LegOutcome::Dropped { blocked } => blocked.id == id,
        sim::LegOutcome::Unknown { component, .. } => component == id,
        sim::LegOutcome::Delivered { .. } => false,
    };
    let upto = match hops.iter().position(|h| h.id == id) {
        Some(i) => i + 1,
        None if stopped_there => hops.len(),
        None => {
            return Err(QueryError::Inconsistent(format!(
                "the SMT engine found that {} reaches `{id}`, but the simulator {} before it",
                w.packet,
                sim_says(&t.status())
            )));
        }
    };
    let path = hops.get(..upto).unwrap_or_default().to_vec();
    let before = |ids: Vec<&str>| key_components(net, ids.into_iter().take_while(|h| *h != id));
    let smt_fwd = before(w.forward.iter().map(String::as_str).collect());
    let sim_fwd = before(path.iter().map(|h| h.id.as_str()).collect());
    if smt_fwd != sim_fwd {
        return Err(QueryError::Inconsistent(format!(
            "the SMT engine and the simulator take different paths to `{id}` for {}: [{}] versus [{}]",
            w.packet,
            smt_fwd.join(", "),
            sim_fwd.join(", ")
        )));
    }
    Ok((path, Vec::new()))
}

/// The ids of the route tables, gateways, peering connections, endpoints and interfaces on a
/// path, in order, without repeats in a row: what both interpreters must agree on.
fn key_components<'a>(net: &Network, ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        let key = net.route_tables.contains_key(&RouteTableId::new(id))
            || net.internet_gateways.contains_key(&InternetGatewayId::new(id))
            || net
                .egress_only_internet_gateways
                .contains_key(&EgressOnlyInternetGatewayId::new(id))
            || net.nat_gateways.contains_key(&NatGatewayId::new(id))
            || net
                .vpc_peering_connections
                .contains_key(&VpcPeeringConnectionId::new(id))
            || net.vpc_endpoints.contains_key(&VpcEndpointId::new(id))
            || net.vpn_gateways.contains_key(&VpnGatewayId::new(id))
            || net.onprem.vpn_connections.contains_key(id)
            || net.network_interfaces.contains_key(&NetworkInterfaceId::new(id));
        if key && out.last().map(String::as_str) != Some(id) {
            out.push(id.to_owned());
        }
    }
    out
}
