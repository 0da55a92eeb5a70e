//! The drop map of a `query` (issue #13): which packets of the question do not get through,
//! partitioned by where each class of them is dropped first, cell by cell (`smt::drop_map`);
//! each cell's example packet is replayed through the simulator (SOLVE-6), which must drop it
//! at the very component the cell names, and the replay gives the path up to the drop. A cell
//! the simulator drops elsewhere is left out, with a note (the verdict does not rest on it; the
//! differential tests hold the two interpreters to agreeing on it).
//!
//! Also the rule that an unreachable verdict never comes without an explanation: the blocking
//! entries of the cells join the verdict's `blocked` list, and a verdict with none says why
//! (SOLVE-7 of SEMANTICS.md).
//!
//! Must not touch: z3, printing.

use super::endpoint::{Role, resolve};
use super::engine::{ProtocolChoice, QueryError, QuerySpec};
use super::verdict::{DropCellReport, PacketClassReport, Verdict, VerdictKind};
use crate::model::addr::ip_to_u128;
use crate::model::endpoint::{Endpoint, External};
use crate::model::*;
use crate::sim;
use crate::smt::{self, DropCell, DropMap, PacketClass, Question, StartPoint};
use std::net::IpAddr;

/// Adds the drop map to a `query` verdict: for an unreachable one always, for a reachable one
/// when `reachable_too` (`--explain`), and never for an unknown one. At most `max_cells` cells.
pub fn attach(
    net: &Network,
    ix: &NetworkIndex,
    spec: &QuerySpec,
    v: &mut Verdict,
    max_cells: usize,
    reachable_too: bool,
) -> Result<(), QueryError> {
    match v.verdict {
        VerdictKind::Unknown => return Ok(()),
        VerdictKind::Reachable if !reachable_too => return Ok(()),
        _ => {}
    }
    // A question the engine refused before asking the solver (no shared family) has its answer.
    if v.blocked.iter().any(|b| b.rule == "family") {
        return Ok(());
    }
    let Some((map, from, to, one_way)) = compute(net, ix, spec, max_cells)? else {
        return Ok(());
    };
    let ranges = (
        spec.port.unwrap_or(PortRange::ALL),
        spec.src_port.unwrap_or(PortRange::EPHEMERAL),
    );
    let ends = (own_addresses(net, &from), own_addresses(net, &to));
    let mut cells = Vec::new();
    let mut left_out = Vec::new();
    for c in &map.cells {
        match replayed(net, ix, c, one_way, to.lb_targets.as_deref(), ranges, &ends) {
            Ok(cell) => cells.push(cell),
            Err(why) => left_out.push(why),
        }
    }
    if let Some(first) = left_out.first() {
        v.warnings.push(format!(
            "{} cell(s) of the drop map left out: {first} (an inconsistency between the two interpreters; please report it)",
            left_out.len()
        ));
    }
    if map.cut_short {
        v.drop_map_incomplete = Some(format!(
            "the map stops at {max_cells} cells; more packets of the question are dropped elsewhere (raise --max-cells)"
        ));
    } else if map.undecided {
        v.drop_map_incomplete =
            Some("the solver gave up (or the budget ran out) before the map was complete".to_owned());
    }
    if v.verdict == VerdictKind::Unreachable {
        // The blocking entries of the cells are blocking entries of the answer.
        for c in &cells {
            let known = v
                .blocked
                .iter()
                .any(|b| b.id == c.blocked.id && b.direction == c.blocked.direction && b.rule == c.blocked.rule);
            if !known {
                v.blocked.push(c.blocked.clone());
            }
        }
        // The main cell: the one whose packet got farthest.
        if v.path.is_none()
            && let Some(main) = cells
                .iter()
                .max_by_key(|c| (c.return_path.as_ref().map_or(0, |r| r.len() + 1), c.path.len()))
        {
            v.packet = Some(main.example);
            v.path = Some(main.path.clone());
            v.return_path = main.return_path.clone();
        }
    }
    v.drop_map = cells;
    if v.verdict == VerdictKind::Unreachable && v.blocked.is_empty() {
        v.blocked.push(nothing_to_drop(net, &from, &to, spec));
    }
    Ok(())
}

/// The question in the engine's terms, and its drop map; `None` when the engine asks nothing.
pub(crate) fn compute(
    net: &Network,
    ix: &NetworkIndex,
    spec: &QuerySpec,
    max_cells: usize,
) -> Result<Option<(DropMap, Endpoint, Endpoint, bool)>, QueryError> {
    let from = resolve(net, ix, &spec.from, Role::Source)?;
    let to = resolve(net, ix, &spec.to, Role::Destination)?;
    let protocol = match spec.protocol {
        ProtocolChoice::All => None,
        ProtocolChoice::One(n) => Some(n),
    };
    let dst_ports = match (to.port, spec.port) {
        (Some(l), _) => Some(PortRange::single(l)),
        (None, asked) => asked,
    };
    let one_way = spec.one_way || to.through.is_some();
    let families = super::engine::families(net, &from, &to, protocol);
    if families.is_empty() {
        return Ok(None);
    }
    let q = Question {
        from: &from,
        to: &to,
        protocol,
        dst_ports,
        src_ports: spec.src_port,
        one_way,
        families,
        want_proof: false,
        budget: spec.budget.map(smt::Budget::starting_now),
        faults: None,
        // The drop map is of the whole question: packets that do not get through at all.
        waypoints: None,
    };
    let map = smt::drop_map(net, ix, &q, max_cells);
    Ok(Some((map, from.clone(), to.clone(), one_way)))
}

/// The simulator's start for a start point.
pub(crate) fn sim_start(start: &StartPoint) -> sim::Start {
    match start {
        StartPoint::Interface(x) => sim::Start::Interface(x.clone()),
        StartPoint::Internet(_) => sim::Start::Internet,
        StartPoint::OnPremises(g) => sim::Start::OnPremises(g.clone()),
        StartPoint::OnPremisesVia(a) => sim::Start::OnPremisesVia(a.clone()),
    }
}

/// Replays a cell's example through the simulator: it must be dropped at the cell's component,
/// on the cell's side; the replay's hops are the cell's path.
fn replayed(
    net: &Network,
    ix: &NetworkIndex,
    c: &DropCell,
    one_way: bool,
    targets: Option<&[NetworkInterfaceId]>,
    ranges: (PortRange, PortRange),
    ends: &(Vec<IpAddr>, Vec<IpAddr>),
) -> Result<DropCellReport, String> {
    let start = sim_start(&c.start);
    let mut t = sim::trace_to_targets(net, ix, start.clone(), c.example, one_way, targets);
    if matches!(t.status(), sim::Status::Unknown { .. }) {
        let admitting = sim::trace_admitting_to_targets(net, ix, start, c.example, one_way, targets);
        if !admitting.assumed.is_empty() {
            t = admitting;
        }
    }
    match t.status() {
        sim::Status::Unreachable(b) if drops_at(net, &b, &c.blocked) => {}
        other => {
            let says = match other {
                sim::Status::Reachable => "delivers it".to_owned(),
                sim::Status::Unreachable(b) => format!("drops it at `{}` ({}, rule {})", b.id, b.reason, b.rule),
                sim::Status::Unknown { component, reason } => format!("answers unknown at `{component}` ({reason})"),
            };
            return Err(format!(
                "the SMT engine's drop map says `{}` ({}, rule {}) drops {} first, but the simulator {says}",
                c.blocked.id,
                c.blocked.direction.map(|d| d.to_string()).unwrap_or_default(),
                c.blocked.rule,
                c.example
            ));
        }
    }
    let reply_drop = t
        .reply
        .as_ref()
        .is_some_and(|r| matches!(r.outcome, sim::LegOutcome::Dropped { .. }));
    Ok(DropCellReport {
        class: class_report(&c.class, ranges, ends),
        blocked: c.blocked.clone(),
        leg: if reply_drop { "reply" } else { "request" }.to_owned(),
        example: c.example,
        path: t.request.hops.clone(),
        return_path: t.reply.filter(|_| reply_drop).map(|r| r.hops),
    })
}

/// The simulator's drop is the cell's: the same component (or a security group and the interface
/// it is on), on the same side.
pub fn drops_at(net: &Network, sim_blocked: &Blocked, cell: &Blocked) -> bool {
    let on_iface = |g: &str, i: &str| {
        net.network_interfaces
            .get(&NetworkInterfaceId::new(i))
            .is_some_and(|e| e.groups.iter().any(|x| x.as_str() == g))
    };
    let same = sim_blocked.id == cell.id || on_iface(&sim_blocked.id, &cell.id) || on_iface(&cell.id, &sim_blocked.id);
    same && (sim_blocked.direction == cell.direction || sim_blocked.direction.is_none() || cell.direction.is_none())
}

fn family_name(f: IpFamily) -> &'static str {
    match f {
        IpFamily::V4 => "ipv4",
        IpFamily::V6 => "ipv6",
    }
}

fn range_text<T: PartialEq + std::fmt::Display>(lo: T, hi: T) -> String {
    if lo == hi { lo.to_string() } else { format!("{lo}-{hi}") }
}

/// An address range as a block when it is one (`10.0.1.0/24`), else `FIRST-LAST`.
fn addr_text(lo: &IpAddr, hi: &IpAddr, family: IpFamily) -> String {
    let (a, b) = (ip_to_u128(lo), ip_to_u128(hi));
    let bits = u32::from(family.bits());
    let size = b.wrapping_sub(a).wrapping_add(1);
    if size != 0 && size.is_power_of_two() && a % size == 0 {
        let len = bits - size.trailing_zeros();
        return format!("{lo}/{len}");
    }
    if size == 0 {
        return format!("{lo}/0");
    }
    range_text(*lo, *hi)
}

/// The class as the report shows it: port ranges cut to the question's.
fn class_report(
    c: &PacketClass,
    (dst_q, src_q): (PortRange, PortRange),
    (srcs, dsts): &(Vec<IpAddr>, Vec<IpAddr>),
) -> PacketClassReport {
    let (plo, phi) = c.protocols;
    let single = plo == phi && (proto::has_ports(plo) || proto::is_icmp(plo));
    let protocol = if single { proto::name(plo) } else { range_text(plo, phi) };
    let cut = |(lo, hi): (u16, u16), q: PortRange| (lo.max(q.from()), hi.min(q.to()));
    let ports = single && proto::has_ports(plo);
    let icmp = single && proto::is_icmp(plo);
    let dst_ports = cut(c.dst_ports, dst_q);
    let src_ports = cut(c.src_ports, src_q);
    // An address range is worth showing when it narrows the question: not every address, and
    // not every private address of an interface endpoint.
    let full_addr = |(lo, hi): &(IpAddr, IpAddr), own: &[IpAddr]| {
        let (a, b) = (ip_to_u128(lo), ip_to_u128(hi));
        let holds = |x: &IpAddr| IpFamily::of(x) == c.family && (a..=b).contains(&ip_to_u128(x));
        a == 0 && b == max_addr(c.family)
            || own.iter().any(|x| IpFamily::of(x) == c.family)
                && own.iter().filter(|x| IpFamily::of(x) == c.family).all(holds)
    };
    let mut text = if single {
        protocol.clone()
    } else {
        format!("protocols {protocol} (other than tcp, udp, icmp)")
    };
    if ports {
        text.push_str(&format!(" {}", range_text(dst_ports.0, dst_ports.1)));
        if src_ports != (src_q.from(), src_q.to()) {
            text.push_str(&format!(" from port {}", range_text(src_ports.0, src_ports.1)));
        }
    }
    if icmp && c.icmp_types != (0, 255) {
        text.push_str(&format!(" type {}", range_text(c.icmp_types.0, c.icmp_types.1)));
        if c.icmp_codes != (0, 255) {
            text.push_str(&format!(" code {}", range_text(c.icmp_codes.0, c.icmp_codes.1)));
        }
    }
    if !full_addr(&c.src, srcs) {
        text.push_str(&format!(" from {}", addr_text(&c.src.0, &c.src.1, c.family)));
    }
    if !full_addr(&c.dst, dsts) {
        text.push_str(&format!(" to {}", addr_text(&c.dst.0, &c.dst.1, c.family)));
    }
    if c.family == IpFamily::V6 {
        text.push_str(" (IPv6)");
    }
    PacketClassReport {
        family: family_name(c.family).to_owned(),
        protocol,
        src: addr_text(&c.src.0, &c.src.1, c.family),
        dst: addr_text(&c.dst.0, &c.dst.1, c.family),
        src_ports: ports.then(|| range_text(src_ports.0, src_ports.1)),
        dst_ports: ports.then(|| range_text(dst_ports.0, dst_ports.1)),
        icmp_types: icmp.then(|| range_text(c.icmp_types.0, c.icmp_types.1)),
        icmp_codes: icmp.then(|| range_text(c.icmp_codes.0, c.icmp_codes.1)),
        text,
    }
}

/// The private addresses (IPv4 and IPv6) of an endpoint's interfaces.
fn own_addresses(net: &Network, e: &Endpoint) -> Vec<IpAddr> {
    e.interfaces
        .iter()
        .filter_map(|i| net.network_interfaces.get(i))
        .flat_map(|x| x.private_addresses())
        .filter(|a| e.address_filter.is_none_or(|f| f.contains(a)))
        .collect()
}

fn max_addr(f: IpFamily) -> u128 {
    match f {
        IpFamily::V4 => u128::from(u32::MAX),
        IpFamily::V6 => u128::MAX,
    }
}

/// SOLVE-7: an unreachable verdict with no packet dropped anywhere has no packet at all: the
/// question's packet space is empty. Says why, from the model.
fn nothing_to_drop(net: &Network, from: &Endpoint, to: &Endpoint, spec: &QuerySpec) -> Blocked {
    let from_internet = matches!(from.external, Some(External::Internet { .. }));
    let dests: Vec<&NetworkInterface> = to
        .interfaces
        .iter()
        .filter_map(|i| net.network_interfaces.get(i))
        .collect();
    if from_internet && let Some(e) = dests.first() {
        // The internet gateway of the destination's VPC is where such a packet would enter.
        let publics = dests
            .iter()
            .any(|e| e.public_addresses().next().is_some() || !e.ipv6.is_empty());
        let reason = if publics {
            format!(
                "`{}` is a private address: an internet host can send only to the public IPv4 addresses, Elastic IPs and IPv6 addresses of `{}`, which the internet gateway maps (IGW-2)",
                spec.to, e.vpc
            )
        } else {
            format!(
                "`{}` has no public IPv4 address, Elastic IP or IPv6 address, so no internet host can address it (IGW-2)",
                spec.to
            )
        };
        let igw = net.internet_gateways.values().find(|g| g.vpcs.contains(&e.vpc));
        let (id, kind) = match igw {
            Some(g) => (g.id.to_string(), ComponentKind::InternetGateway),
            None => (e.id.to_string(), ComponentKind::NetworkInterface),
        };
        return Blocked::new(
            id,
            kind,
            Some(Direction::Inbound),
            "IGW-2",
            reason,
            "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
        );
    }
    let reason = if dests.is_empty() && to.external.is_none() && to.through.is_none() {
        format!(
            "no network interface, gateway or route of the network holds or leads to `{}`: no packet of the question has anywhere to go",
            spec.to
        )
    } else {
        format!(
            "no packet of the question exists: `{}` and `{}` leave no source address, destination address or port to send from and to",
            spec.from, spec.to
        )
    };
    Blocked::new(
        &spec.to,
        ComponentKind::NetworkInterface,
        Some(Direction::Inbound),
        "SOLVE-7",
        reason,
        "NO_PATH",
    )
}
