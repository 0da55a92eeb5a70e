//! Issue #13: the drop map against the simulator, and never an empty explanation, on random
//! networks and questions of the generator.
//!
//! (a) Each cell of `smt::drop_map` is checked by the simulator: its example packet, and packets
//! sampled from the cell (the corners and middle of its port ranges, its address bounds where they
//! are packets of the question), are dropped by `trace` at exactly the cell's component and side.
//! (b) Every unreachable `query` verdict (with its drop map attached, as the CLI prints it) names
//! at least one blocking component with a rule and a reason.

use crate::differential::agree::replayable_endpoints;
use crate::differential::generate::{GenSettings, blueprint, endpoint_text, query_plan, query_ports, query_protocol};
use crate::differential::oracle::*;
use crate::differential::{Tally, check};
use proptest::prelude::*;
use std::net::IpAddr;
use vpcverify::model::*;
use vpcverify::query::VerdictKind;
use vpcverify::query::dropmap::{attach, drops_at};
use vpcverify::query::engine::{self, ProtocolChoice, QueryError, QuerySpec};
use vpcverify::sim;
use vpcverify::smt::{self, DropCell};

/// Packets of a cell to replay: the example, and variants at the corners and middle of the
/// cell's ranges.
fn samples(c: &DropCell, dst_q: PortRange, src_q: PortRange) -> Vec<Packet> {
    let mut out = vec![c.example];
    let k = &c.class;
    let mid = |a: u16, b: u16| a + (b - a) / 2;
    if c.example.has_ports() {
        let (dlo, dhi) = (k.dst_ports.0.max(dst_q.from()), k.dst_ports.1.min(dst_q.to()));
        let (slo, shi) = (k.src_ports.0.max(src_q.from()), k.src_ports.1.min(src_q.to()));
        if dlo <= dhi && slo <= shi {
            for d in [dlo, mid(dlo, dhi), dhi] {
                for s in [slo, shi] {
                    let mut p = c.example;
                    p.dst_port = d;
                    p.src_port = s;
                    out.push(p);
                }
            }
        }
    }
    // Addresses are not varied: a cell holds the packets of its box that take its candidate path,
    // and routing is by address (ports and protocols do not choose the path here).
    out.retain(|p| matches!(p.dst_ip, IpAddr::V4(_)) == matches!(c.example.dst_ip, IpAddr::V4(_)));
    out
}

/// (a) on one network and question.
#[allow(clippy::too_many_arguments, reason = "a question's fields")]
fn cells_agree(
    net: &Network,
    from: &str,
    to: &str,
    protocol: Option<u8>,
    dst_ports: Option<PortRange>,
    src_ports: Option<PortRange>,
    one_way: bool,
    tally: &Tally,
) -> Result<(), TestCaseError> {
    let ix = NetworkIndex::new(net);
    tally.network();
    let Some((from_ep, to_ep)) = replayable_endpoints(net, &ix, from, to) else {
        return Ok(());
    };
    let dst_ports = dst_ports.filter(|_| protocol.is_none_or(proto::has_ports));
    let q = question(
        &from_ep,
        &to_ep,
        vec![IpFamily::V4, IpFamily::V6],
        protocol,
        dst_ports,
        src_ports,
        one_way,
    );
    let map = smt::drop_map(net, &ix, &q, 8);
    tally.question();
    let space = Space::of(net, &ix, &q);
    let dq = dst_ports.unwrap_or(PortRange::ALL);
    let sq = src_ports.unwrap_or(PortRange::EPHEMERAL);
    for c in &map.cells {
        let start = start_point(&c.start);
        prop_assert!(
            space.contains(net, &ix, &q, &start, &c.example),
            "{}",
            report(
                "drop map: a cell's example is not a packet of the question",
                &format!("{from} -> {to}: {c:?}"),
                net
            )
        );
        for p in samples(c, dq, sq) {
            if !space.contains(net, &ix, &q, &start, &p) {
                continue;
            }
            let mut t = sim::trace(net, &ix, start.clone(), p, one_way);
            if matches!(t.status(), sim::Status::Unknown { .. }) {
                let admitting = sim::trace_admitting(net, &ix, start.clone(), p, one_way);
                if !admitting.assumed.is_empty() {
                    t = admitting;
                }
            }
            tally.traces(1);
            let at = match t.status() {
                sim::Status::Unreachable(b) => drops_at(net, &b, &c.blocked),
                _ => false,
            };
            prop_assert!(
                at,
                "{}",
                report(
                    &format!(
                        "drop map: the cell says `{}` ({:?}, rule {}) drops {p} first, the simulator does not",
                        c.blocked.id, c.blocked.direction, c.blocked.rule
                    ),
                    &format!("{from} -> {to} one_way {one_way}\ncell {c:?}\n{}", show_trace(&t)),
                    net
                )
            );
        }
    }
    Ok(())
}

#[test]
fn drop_map_cells_are_dropped_where_they_say() {
    check(
        "dropmap::cells",
        file!(),
        150,
        (blueprint(GenSettings::CI), query_plan()),
        |(b, qp), tally| {
            let net = b.build();
            let from = endpoint_text(&net, &qp.from);
            let to = endpoint_text(&net, &qp.to);
            cells_agree(
                &net,
                &from,
                &to,
                query_protocol(&qp),
                query_ports(qp.dst_ports),
                query_ports(qp.src_ports),
                qp.one_way,
                tally,
            )
        },
    );
}

#[test]
fn no_unreachable_verdict_has_an_empty_explanation() {
    check(
        "dropmap::explained",
        file!(),
        150,
        (blueprint(GenSettings::CI), query_plan()),
        |(b, qp), tally| {
            let net = b.build();
            let ix = NetworkIndex::new(&net);
            tally.network();
            let protocol = match query_protocol(&qp) {
                Some(n) => ProtocolChoice::One(n),
                None => ProtocolChoice::All,
            };
            let port = query_ports(qp.dst_ports).filter(|_| query_protocol(&qp).is_none_or(proto::has_ports));
            let spec = QuerySpec {
                from: endpoint_text(&net, &qp.from),
                to: endpoint_text(&net, &qp.to),
                protocol,
                port,
                src_port: query_ports(qp.src_ports),
                one_way: qp.one_way,
                want_proof: false,
                budget: None,
                through: Vec::new(),
                avoid: Vec::new(),
            };
            let mut r = match engine::run(&net, &ix, &spec) {
                Ok(r) => r,
                Err(QueryError::Inconsistent(why)) => {
                    return Err(TestCaseError::fail(format!("internal inconsistency: {why}")));
                }
                Err(_) => return Ok(()),
            };
            tally.question();
            tally.verdict(match r.verdict.verdict {
                VerdictKind::Reachable => Kind::Reachable,
                VerdictKind::Unreachable => Kind::Unreachable,
                VerdictKind::Unknown => Kind::Unknown,
            });
            if let Err(e) = attach(&net, &ix, &spec, &mut r.verdict, 4, false) {
                prop_assert!(
                    !matches!(e, QueryError::Inconsistent(_)),
                    "{}",
                    report(
                        "drop map inconsistent with the simulator",
                        &format!("{spec:?}: {e}"),
                        &net
                    )
                );
            }
            let v = &r.verdict;
            if v.verdict == VerdictKind::Unreachable {
                prop_assert!(
                    !v.blocked.is_empty()
                        && v.blocked
                            .iter()
                            .all(|b| !b.id.is_empty() && !b.rule.is_empty() && !b.reason.is_empty()),
                    "{}",
                    report(
                        "an unreachable verdict explains nothing",
                        &format!("{spec:?}\n{v:?}"),
                        &net
                    )
                );
            }
            Ok(())
        },
    );
}
