//! Waypoints (SEMANTICS.md §9.3, WAY-1, WAY-2) in both interpreters, on random networks and
//! questions with a random waypoint (a NAT gateway, internet gateway, peering connection, subnet,
//! instance or interface of the network), asked as `through` and as `avoid`:
//!
//! - a violating witness of the SMT engine is delivered by the simulator, and the simulator's own
//!   crossing check finds that its path violates the waypoint;
//! - when the SMT engine finds no violating packet (the waypoint holds), no packet sampled from
//!   the question's space that the simulator delivers violates it on the simulator's path, and
//!   neither does the plain question's witness.

use crate::differential::agree::replayable_endpoints;
use crate::differential::generate::{GenSettings, blueprint, endpoint_text, query_plan, query_ports, query_protocol};
use crate::differential::oracle::*;
use crate::differential::{Tally, check};
use proptest::prelude::*;
use vpcverify::model::*;
use vpcverify::sim;
use vpcverify::smt::{self, Answer};

const SAMPLES: usize = 16;

/// The components of a network a waypoint can name, with their kinds, in a fixed order.
fn crossable(net: &Network) -> Vec<(String, ComponentKind)> {
    let mut v: Vec<(String, ComponentKind)> = Vec::new();
    v.extend(
        net.nat_gateways
            .keys()
            .map(|k| (k.to_string(), ComponentKind::NatGateway)),
    );
    v.extend(
        net.internet_gateways
            .keys()
            .map(|k| (k.to_string(), ComponentKind::InternetGateway)),
    );
    v.extend(
        net.vpc_peering_connections
            .keys()
            .map(|k| (k.to_string(), ComponentKind::VpcPeeringConnection)),
    );
    v.extend(net.subnets.keys().map(|k| (k.to_string(), ComponentKind::Subnet)));
    v.extend(net.instances.keys().map(|k| (k.to_string(), ComponentKind::Instance)));
    v.extend(
        net.network_interfaces
            .keys()
            .map(|k| (k.to_string(), ComponentKind::NetworkInterface)),
    );
    v
}

#[allow(clippy::too_many_arguments, reason = "one random question")]
fn waypoint_agrees(
    net: &Network,
    from: &str,
    to: &str,
    protocol: Option<u8>,
    dst_ports: Option<PortRange>,
    one_way: bool,
    seed: u64,
    tally: &Tally,
) -> Result<(), TestCaseError> {
    let ix = NetworkIndex::new(net);
    tally.network();
    let Some((from_ep, to_ep)) = replayable_endpoints(net, &ix, from, to) else {
        return Ok(());
    };
    let candidates = crossable(net);
    let Some((id, kind)) = candidates.get((seed as usize) % candidates.len().max(1)).cloned() else {
        return Ok(());
    };
    let dst_ports = dst_ports.filter(|_| protocol.is_none_or(proto::has_ports));
    let wp = Waypoint {
        id: id.clone(),
        kind,
        given: id.clone(),
        name: None,
    };
    let plain_q = question(
        &from_ep,
        &to_ep,
        vec![IpFamily::V4, IpFamily::V6],
        protocol,
        dst_ports,
        None,
        one_way,
    );
    let plain = smt::solve(net, &ix, &plain_q);
    for avoid in [false, true] {
        let goal = if avoid {
            Waypoints {
                through: Vec::new(),
                avoid: vec![wp.clone()],
            }
        } else {
            Waypoints {
                through: vec![wp.clone()],
                avoid: Vec::new(),
            }
        };
        let mut q = plain_q.clone();
        q.waypoints = Some(&goal);
        let ans = smt::solve(net, &ix, &q);
        tally.question();
        tally.verdict(smt_kind(&ans));
        let what = format!(
            "question {from} -> {to}, protocol {protocol:?}, ports {dst_ports:?}, one_way {one_way}, {} `{id}` ({kind})",
            if avoid { "avoid" } else { "through" }
        );
        let violates = |t: &sim::Trace| {
            let (missed, crossed) = sim::waypoint::violations(net, &t.request.hops, &goal);
            !missed.is_empty() || !crossed.is_empty()
        };
        match &ans {
            Answer::Reachable(w) => {
                let t = sim::trace(net, &ix, start_of(w), w.packet, one_way);
                tally.traces(1);
                prop_assert!(
                    reaches(net, &t, &from_ep, &to_ep) && violates(&t),
                    "{}",
                    report(
                        "the SMT engine's violating witness is not delivered on a violating path by the simulator",
                        &format!("{what}\n{}{}", show_answer(&ans), show_trace(&t)),
                        net
                    )
                );
            }
            Answer::Unreachable { .. } => {
                if let Answer::Reachable(w) = &plain {
                    let t = sim::trace(net, &ix, start_of(w), w.packet, one_way);
                    tally.traces(1);
                    prop_assert!(
                        !violates(&t),
                        "{}",
                        report(
                            "the SMT engine finds the waypoint held, but the plain witness's simulated path violates it",
                            &format!("{what}\n{}{}", show_answer(&plain), show_trace(&t)),
                            net
                        )
                    );
                }
                let space = Space::of(net, &ix, &plain_q);
                for (p, starts) in space.sample(&plain_q.families, SAMPLES, seed) {
                    for s in starts {
                        let t = sim::trace(net, &ix, s, p, one_way);
                        tally.traces(1);
                        prop_assert!(
                            !(reaches(net, &t, &from_ep, &to_ep) && violates(&t)),
                            "{}",
                            report(
                                &format!(
                                    "the SMT engine finds the waypoint held, but the simulator delivers {p} on a violating path"
                                ),
                                &format!("{what}\n{}{}", show_answer(&ans), show_trace(&t)),
                                net
                            )
                        );
                    }
                }
            }
            Answer::Unknown { .. } => {}
        }
    }
    Ok(())
}

/// Random networks, questions and waypoints: both interpreters agree on whether a path violates
/// them.
#[test]
fn waypoints_agree() {
    check(
        "waypoint::waypoints_agree",
        file!(),
        300,
        (blueprint(GenSettings::CI), query_plan()),
        |(b, qp), tally| {
            let net = b.build();
            let from = endpoint_text(&net, &qp.from);
            let to = endpoint_text(&net, &qp.to);
            waypoint_agrees(
                &net,
                &from,
                &to,
                query_protocol(&qp),
                query_ports(qp.dst_ports),
                qp.one_way,
                qp.seed,
                tally,
            )
        },
    );
}
