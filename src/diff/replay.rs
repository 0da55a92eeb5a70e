//! Every difference the SMT engine finds is replayed in the simulator before it is reported:
//! the witness must be delivered (and its reply back) in the network where the engine says it
//! gets through, and dropped in the other. The path and the blocking rule shown are the
//! simulator's. A disagreement is an internal error (DESIGN.md §4), never an answer.
//!
//! Also: the built-in rules a newly opened flow from the internet breaks (VPCV-001..003, the
//! ports `check --builtin` protects), each confirmed by the simulator on the protected port.
//!
//! Owns: that replay. Must not touch: z3, printing.

use super::classes::Class;
use super::report::{Direction, Flow, PacketJson};
use super::{DiffError, Input};
use crate::model::*;
use crate::sim::{self, Start, Status};
use crate::smt::StartPoint;
use crate::smt::diff::FlowDiff;

fn sim_start(s: &StartPoint) -> Start {
    match s {
        StartPoint::Interface(x) => Start::Interface(x.clone()),
        StartPoint::Internet(_) => Start::Internet,
        StartPoint::OnPremises(g) => Start::OnPremises(g.clone()),
        StartPoint::OnPremisesVia(a) => Start::OnPremisesVia(a.clone()),
    }
}

fn sender(s: &StartPoint) -> String {
    match s {
        StartPoint::Interface(x) => x.to_string(),
        StartPoint::Internet(_) => "internet".into(),
        StartPoint::OnPremises(g) => g.to_string(),
        StartPoint::OnPremisesVia(a) => a.to_string(),
    }
}

/// Whether the sender exists in `net`.
fn present(net: &Network, s: &StartPoint) -> bool {
    match s {
        StartPoint::Interface(x) => net.network_interfaces.contains_key(x),
        StartPoint::Internet(_) => true,
        StartPoint::OnPremises(g) => net.vpn_gateways.contains_key(g),
        StartPoint::OnPremisesVia(a) => net.tgw.attachments.contains_key(a),
    }
}

/// What the simulator says of `packet` in `net`: BOUND-2 both ways.
fn status(net: &Input<'_>, start: &StartPoint, packet: Packet, one_way: bool) -> Status {
    sim::bounded_status(net.net, net.ix, sim_start(start), packet, one_way)
}

fn says(s: &Status) -> String {
    match s {
        Status::Reachable => "delivers it".into(),
        Status::Unreachable(b) => format!("drops it at `{}` ({})", b.id, b.rule),
        Status::Unknown { component, reason } => format!("cannot tell at `{component}`: {reason}"),
    }
}

/// The flow's report, after replaying its witness: delivered in `gets`, dropped in `not`.
#[allow(clippy::too_many_arguments, reason = "one private step of the diff")]
pub(super) fn flow(
    gets: Input<'_>,
    not: Input<'_>,
    s: &Class,
    d: &Class,
    dir: Direction,
    f: &FlowDiff,
    one_way: bool,
    truncated: bool,
) -> Result<Flow, DiffError> {
    let (gname, nname) = match dir {
        Direction::Opened => ("AFTER", "BEFORE"),
        Direction::Closed => ("BEFORE", "AFTER"),
    };
    let trace = sim::trace(gets.net, gets.ix, sim_start(&f.start), f.packet, one_way);
    let st = trace.status();
    if st != Status::Reachable {
        return Err(DiffError::Inconsistent(format!(
            "the SMT engine found that {} from `{}` gets through in {gname} ({}) and not in {nname}, but the simulator {} in {gname}",
            f.packet,
            sender(&f.start),
            gets.label,
            says(&st)
        )));
    }
    let (blocked, absent) = if present(not.net, &f.start) {
        match status(&not, &f.start, f.packet, one_way) {
            Status::Unreachable(b) => (Some(b), None),
            other => {
                return Err(DiffError::Inconsistent(format!(
                    "the SMT engine found that {} from `{}` gets through in {gname} and not in {nname} ({}), but the simulator {} in {nname}",
                    f.packet,
                    sender(&f.start),
                    not.label,
                    says(&other)
                )));
            }
        }
    } else {
        (None, Some(format!("`{}` does not exist in {nname}", sender(&f.start))))
    };
    let path = trace.request.hops.clone();
    let return_path = trace.reply.as_ref().map(|r| r.hops.clone()).unwrap_or_default();
    let protocol = match f.protocol {
        Some(n) => proto::name(n),
        None => "other".into(),
    };
    let protects = if dir == Direction::Opened && s.name == "internet" {
        protected(&gets, &not, f, one_way)
    } else {
        Vec::new()
    };
    Ok(Flow {
        direction: dir,
        from: s.name.clone(),
        to: d.name.clone(),
        protocol,
        ports: f.dst_ports.map(|p| p.to_string()),
        packet: PacketJson::from(&f.packet),
        sender: sender(&f.start),
        path,
        return_path,
        blocked,
        absent,
        changes: Vec::new(),
        protects,
        truncated,
    })
}

/// The built-in rules whose protected port lies in the flow's range, where the simulator
/// confirms the witness on that port gets through in `gets` and not in `not`.
fn protected(gets: &Input<'_>, not: &Input<'_>, f: &FlowDiff, one_way: bool) -> Vec<String> {
    let Some(range) = f.dst_ports else {
        return Vec::new();
    };
    let mut ports: Vec<(u16, &str)> = vec![(22, "VPCV-001")];
    if f.packet.protocol == proto::TCP || f.packet.protocol == proto::UDP {
        ports.push((3389, "VPCV-002"));
    }
    if f.packet.protocol == proto::TCP {
        ports.extend(
            crate::check::builtin::DATABASE_PORTS
                .iter()
                .map(|(p, _)| (*p, "VPCV-003")),
        );
    }
    if f.packet.protocol != proto::TCP {
        ports.retain(|(p, _)| *p == 3389);
    }
    let mut out: Vec<String> = Vec::new();
    for (port, rule) in ports {
        if !range.contains(port) || out.iter().any(|r| r.starts_with(rule)) {
            continue;
        }
        let mut p = f.packet;
        p.dst_port = port;
        let opened = status(gets, &f.start, p, one_way) == Status::Reachable
            && (!present(not.net, &f.start) || matches!(status(not, &f.start, p, one_way), Status::Unreachable(_)));
        if opened {
            out.push(format!("{rule} (port {port})"));
        }
    }
    out
}
