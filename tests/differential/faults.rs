//! A solver that gives up is never trusted (SOLVE-1..4): with checks made to answer `unknown` at
//! random (and the solver that gave up made to answer later checks arbitrarily, as Z3's
//! incremental solver may), every answer is the unbudgeted answer or `unknown`, never another
//! definite verdict; a witness still lies in the question's space and is delivered by the
//! simulator.

use crate::differential::agree::replayable_endpoints;
use crate::differential::generate::{GenSettings, blueprint, endpoint_text, query_plan, query_ports, query_protocol};
use crate::differential::oracle::*;
use crate::differential::{Tally, check};
use proptest::prelude::*;
use vpcverify::model::*;
use vpcverify::sim;
use vpcverify::smt::{self, Answer, Faults};

/// How faults are injected in one case.
#[derive(Debug, Clone)]
struct FaultPlan {
    per_mille: u16,
    at: Vec<u64>,
    seed: u64,
}

fn fault_plan() -> impl Strategy<Value = FaultPlan> {
    (
        prop_oneof![Just(0u16), 20u16..200, 200u16..700],
        proptest::collection::vec(0u64..40, 0..4),
        any::<u64>(),
    )
        .prop_map(|(per_mille, at, seed)| FaultPlan { per_mille, at, seed })
}

/// One network, one question, with and without faults.
#[allow(clippy::too_many_arguments, reason = "a question's fields and the fault plan")]
fn faults_never_flip(
    net: &Network,
    from: &str,
    to: &str,
    protocol: Option<u8>,
    dst_ports: Option<PortRange>,
    one_way: bool,
    plan: &FaultPlan,
    tally: &Tally,
) -> Result<(), TestCaseError> {
    let ix = NetworkIndex::new(net);
    tally.network();
    let Some((from_ep, to_ep)) = replayable_endpoints(net, &ix, from, to) else {
        return Ok(());
    };
    let dst_ports = dst_ports.filter(|_| protocol.is_none_or(proto::has_ports));
    let mut q = question(
        &from_ep,
        &to_ep,
        vec![IpFamily::V4, IpFamily::V6],
        protocol,
        dst_ports,
        None,
        one_way,
    );
    let clean = smt::solve(net, &ix, &q);
    q.faults = Some(Faults {
        at: plan.at.clone(),
        per_mille: plan.per_mille,
        seed: plan.seed,
        corrupt: true,
    });
    let (faulty, stats) = smt::solve_counted(net, &ix, &q);
    tally.question();
    tally.question();
    tally.verdict(smt_kind(&faulty));
    let what = format!(
        "question {from} -> {to}, protocol {protocol:?}, ports {dst_ports:?}, one_way {one_way}, faults {plan:?}, {stats:?}\nunbudgeted:\n{}with faults:\n{}",
        show_answer(&clean),
        show_answer(&faulty)
    );
    let (k0, k1) = (smt_kind(&clean), smt_kind(&faulty));
    prop_assert!(
        k1 == k0 || k1 == Kind::Unknown,
        "{}",
        report("a fault turned a verdict into another definite verdict", &what, net)
    );
    if let Answer::Reachable(w) = &faulty {
        let start = start_of(w);
        let space = Space::of(net, &ix, &q);
        prop_assert!(
            space.contains(net, &ix, &q, &start, &w.packet),
            "{}",
            report("with faults, the witness lies outside the question's space", &what, net)
        );
        let t = sim::trace(net, &ix, start, w.packet, one_way);
        tally.traces(1);
        prop_assert!(
            reaches(net, &t, &from_ep, &to_ep),
            "{}",
            report("with faults, the simulator does not deliver the witness", &what, net)
        );
    }
    Ok(())
}

/// Random networks, questions and injected give-ups: no verdict ever flips.
#[test]
fn injected_unknowns_never_flip_a_verdict() {
    check(
        "faults::injected_unknowns_never_flip_a_verdict",
        file!(),
        1000,
        (blueprint(GenSettings::CI), query_plan(), fault_plan()),
        |(b, qp, plan), tally| {
            let net = b.build();
            let from = endpoint_text(&net, &qp.from);
            let to = endpoint_text(&net, &qp.to);
            faults_never_flip(
                &net,
                &from,
                &to,
                query_protocol(&qp),
                query_ports(qp.dst_ports),
                qp.one_way,
                &plan,
                tally,
            )
        },
    );
}
