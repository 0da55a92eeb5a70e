//! The screens decided on the model (SEMANTICS.md §9.0b, SCREEN-1 and SCREEN-2,
//! `query::apart`) never settle a question the engine answers otherwise: on random networks of the
//! differential generator, and on its transit gateway topologies, every question from an
//! interface, a subnet, a VPC or the internet to an interface that a screen settles is answered
//! `unreachable` by the SMT engine (whose every witness the simulator replays). Both rules must
//! fire during a run, so that the property cannot hold by never being tested.

use crate::differential::generate::{GenSettings, blueprint};
use crate::differential::tgw::{add_tgw, tgw_plan};
use crate::differential::{Tally, check};
use proptest::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use vpcverify::model::*;
use vpcverify::query::VerdictKind;
use vpcverify::query::apart::{Apart, Settled};
use vpcverify::query::engine::{ProtocolChoice, QuerySpec, run};

/// Questions settled by each rule, over a test's cases.
#[derive(Default)]
struct Fired {
    no_delivery: AtomicU64,
    not_admitted: AtomicU64,
}

impl Fired {
    fn report(&self, name: &str) {
        eprintln!(
            "{name}: {} questions settled by SCREEN-1, {} by SCREEN-2, each answered unreachable by the engine",
            self.no_delivery.load(Ordering::Relaxed),
            self.not_admitted.load(Ordering::Relaxed)
        );
    }
}

/// Every question the screens settle on `net` (at most `limit` of them, from a position given by
/// `seed`) is unreachable in the engine.
fn settled_are_unreachable(
    net: &Network,
    seed: u64,
    limit: usize,
    fired: &Fired,
    tally: &Tally,
) -> Result<(), TestCaseError> {
    let ix = NetworkIndex::new(net);
    let apart = Apart::new(net);
    let mut sources: Vec<String> = vec!["internet".to_owned()];
    sources.extend(net.vpcs.keys().map(ToString::to_string));
    sources.extend(net.subnets.keys().map(ToString::to_string));
    sources.extend(net.network_interfaces.keys().map(ToString::to_string));
    let mut settled = Vec::new();
    for from in &sources {
        for to in net.network_interfaces.keys().map(ToString::to_string) {
            for (protocol, port) in [
                (None, None),
                (Some(proto::TCP), None),
                (Some(proto::UDP), None),
                (Some(proto::TCP), PortRange::new(443, 443)),
                (Some(proto::TCP), PortRange::new(20, 1024)),
                (Some(proto::UDP), PortRange::new(53, 53)),
            ] {
                if let Some(s) = apart.settle(net, &ix, from, &to, protocol, port.as_slice()) {
                    settled.push((from.clone(), to.clone(), protocol, port, s));
                }
            }
        }
    }
    if settled.is_empty() {
        return Ok(());
    }
    let start = usize::try_from(seed % settled.len() as u64).unwrap_or(0);
    for (from, to, protocol, port, s) in settled.iter().cycle().skip(start).take(limit.min(settled.len())) {
        match s {
            Settled::NoDelivery => fired.no_delivery.fetch_add(1, Ordering::Relaxed),
            Settled::NotAdmitted => fired.not_admitted.fetch_add(1, Ordering::Relaxed),
        };
        let spec = QuerySpec {
            from: from.clone(),
            to: to.clone(),
            protocol: protocol.map_or(ProtocolChoice::All, ProtocolChoice::One),
            port: *port,
            src_port: None,
            one_way: false,
            want_proof: false,
            budget: None,
            through: Vec::new(),
            avoid: Vec::new(),
        };
        tally.question();
        let r = run(net, &ix, &spec).map_err(|e| TestCaseError::fail(format!("{from} -> {to}: {e}")))?;
        prop_assert_eq!(
            r.verdict.verdict,
            VerdictKind::Unreachable,
            "{} settled {} -> {} ({:?} {:?}) but the engine says {:?}: {:?}",
            s.rule(),
            from,
            to,
            protocol,
            port,
            r.verdict.verdict,
            r.verdict.unknown
        );
    }
    Ok(())
}

#[test]
fn screens_settle_only_unreachable_questions() {
    let fired = Fired::default();
    check(
        "apart::screens_settle_only_unreachable_questions",
        file!(),
        200,
        (blueprint(GenSettings::CI), any::<u64>()),
        |(b, seed), tally| {
            tally.network();
            settled_are_unreachable(&b.build(), seed, 6, &fired, tally)
        },
    );
    fired.report("apart::screens_settle_only_unreachable_questions");
    assert!(fired.no_delivery.load(Ordering::Relaxed) > 0, "SCREEN-1 never fired");
    assert!(fired.not_admitted.load(Ordering::Relaxed) > 0, "SCREEN-2 never fired");
}

#[test]
fn screens_settle_only_unreachable_questions_with_transit_gateways() {
    let fired = Fired::default();
    check(
        "apart::screens_settle_only_unreachable_questions_with_transit_gateways",
        file!(),
        100,
        (blueprint(GenSettings::CI), tgw_plan(), any::<u64>()),
        |(b, t, seed), tally| {
            let mut net = b.build();
            add_tgw(&mut net, &t);
            tally.network();
            settled_are_unreachable(&net, seed, 6, &fired, tally)
        },
    );
    fired.report("apart::screens_settle_only_unreachable_questions_with_transit_gateways");
}
