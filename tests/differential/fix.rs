//! Issue #23: every fix `vpcverify fix` would print, applied to the network, gives the wanted
//! verdict in both interpreters, on random networks and questions of the generator.
//!
//! For each case: the question's drop map on the network (its cells' example packets) and its
//! engine witness, then `fix::run` for the verdict the question does not have (a coin when it is
//! unknown). A fix found
//! is applied ([`fix::edit::apply_all`]); on the patched network the SMT engine must give the
//! wanted verdict, and the simulator, walking each packet independently: for `reachable` every
//! cell's example must be delivered (and back), for `unreachable` the original witness must not
//! be. The figures (fixes found, bounds hit, unknown) are printed for the closing note;
//! `FIX_DEBUG=1` also prints what stays blocked in each case without a fix, and why.

use crate::differential::agree::replayable_endpoints;
use crate::differential::check;
use crate::differential::generate::{GenSettings, blueprint, endpoint_text, query_plan, query_ports, query_protocol};
use crate::differential::oracle::*;
use proptest::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use vpcverify::fix::{self, FixVerdict, Limits, Want};
use vpcverify::model::*;
use vpcverify::query::VerdictKind;
use vpcverify::query::engine::{self, ProtocolChoice, QueryError, QuerySpec};
use vpcverify::sim;
use vpcverify::smt;

/// Outcomes over the run: fixed, already holding, not found within the bound, not found
/// otherwise, unknown.
static OUTCOMES: [AtomicU64; 5] = [const { AtomicU64::new(0) }; 5];

fn count(i: usize) {
    OUTCOMES[i].fetch_add(1, Ordering::Relaxed);
}

#[test]
fn every_printed_fix_gives_the_wanted_verdict_in_both_interpreters() {
    check(
        "fix::proven",
        file!(),
        120,
        (blueprint(GenSettings::CI), query_plan(), any::<bool>()),
        |(b, qp, reachable), tally| {
            let net = b.build();
            let ix = NetworkIndex::new(&net);
            tally.network();
            let protocol = query_protocol(&qp);
            let port = query_ports(qp.dst_ports).filter(|_| protocol.is_none_or(proto::has_ports));
            let from = endpoint_text(&net, &qp.from);
            let to = endpoint_text(&net, &qp.to);
            let Some((from_ep, to_ep)) = replayable_endpoints(&net, &ix, &from, &to) else {
                return Ok(());
            };
            let spec = QuerySpec {
                from: from.clone(),
                to: to.clone(),
                protocol: protocol.map_or(ProtocolChoice::All, ProtocolChoice::One),
                port,
                src_port: query_ports(qp.src_ports),
                one_way: qp.one_way,
                want_proof: false,
                budget: None,
                through: Vec::new(),
                avoid: Vec::new(),
            };
            let before = match engine::run(&net, &ix, &spec) {
                Ok(r) => r.verdict,
                Err(QueryError::Inconsistent(why)) => return Err(TestCaseError::fail(why)),
                Err(_) => return Ok(()),
            };
            tally.question();
            tally.verdict(match before.verdict {
                VerdictKind::Reachable => Kind::Reachable,
                VerdictKind::Unreachable => Kind::Unreachable,
                VerdictKind::Unknown => Kind::Unknown,
            });
            // The verdict the question does not have (a coin when it is unknown): a fix is
            // needed.
            let reachable = match before.verdict {
                VerdictKind::Reachable => false,
                VerdictKind::Unreachable => true,
                VerdictKind::Unknown => reachable,
            };
            // The question the engine asks: only the families both ends can use (an on-premises
            // network known by IPv4 blocks only is not asked about IPv6).
            let q = question(
                &from_ep,
                &to_ep,
                engine::families(&net, &from_ep, &to_ep, protocol),
                protocol,
                spec.port,
                spec.src_port,
                qp.one_way,
            );
            let cells = smt::drop_map(&net, &ix, &q, 8).cells;
            let want = if reachable { Want::Reachable } else { Want::Unreachable };
            let limits = Limits {
                side_effects: false,
                time: std::time::Duration::from_secs(30),
                ..Limits::default()
            };
            let r = match fix::run(&net, &ix, &spec, want, &limits) {
                Ok(r) => r,
                Err(fix::FixError::Query(QueryError::Inconsistent(why))) => return Err(TestCaseError::fail(why)),
                Err(e) => return Err(TestCaseError::fail(format!("fix failed: {e}"))),
            };
            match r.verdict {
                FixVerdict::Fixed => count(0),
                FixVerdict::AlreadyHolds => count(1),
                FixVerdict::NotFound if r.bound_hit => count(2),
                FixVerdict::NotFound => count(3),
                FixVerdict::Unknown => count(4),
            }
            if std::env::var_os("FIX_DEBUG").is_some() && r.verdict == FixVerdict::NotFound {
                for m in &r.remaining {
                    eprintln!("REMAINING {:?} {} :: {}", m.at.kind, m.at.rule, m.why);
                }
            }
            if r.verdict != FixVerdict::Fixed {
                // Nothing printed as a fix: only a partial, which claims nothing.
                prop_assert!(r.proof.is_none());
                return Ok(());
            }
            let patched = fix::edit::apply_all(&net, &r.applied);
            let pix = NetworkIndex::new(&patched);
            let after = engine::run(&patched, &pix, &spec)
                .map_err(|e| TestCaseError::fail(format!("on the patched network: {e}")))?
                .verdict;
            let wanted = if reachable {
                VerdictKind::Reachable
            } else {
                VerdictKind::Unreachable
            };
            prop_assert_eq!(
                after.verdict,
                wanted,
                "{}",
                report(
                    "fix: the SMT engine does not give the wanted verdict",
                    &format!("{spec:?}\n{:?}", r.applied),
                    &net
                )
            );
            if reachable {
                for c in &cells {
                    let t = sim::trace(&patched, &pix, start_point(&c.start), c.example, qp.one_way);
                    tally.traces(1);
                    let ok = match t.status() {
                        sim::Status::Reachable => true,
                        // A packet whose fate the input does not settle: the fix said so.
                        sim::Status::Unknown { .. } => !r.proof.as_ref().is_some_and(|p| p.whole_space),
                        sim::Status::Unreachable(_) => false,
                    };
                    prop_assert!(
                        ok,
                        "{}",
                        report(
                            "fix: the simulator still drops a packet of the question",
                            &format!("{spec:?}\n{:?}\ncell {c:?}\n{}", r.applied, show_trace(&t)),
                            &net
                        )
                    );
                }
            } else if let (Some(p), Some(path)) = (before.packet, before.path.as_ref()) {
                let start = match path.first() {
                    Some(h) if h.kind == ComponentKind::NetworkInterface => {
                        sim::Start::Interface(NetworkInterfaceId::new(&h.id))
                    }
                    _ => sim::Start::Internet,
                };
                let t = sim::trace(&patched, &pix, start, p, qp.one_way);
                tally.traces(1);
                prop_assert!(
                    !matches!(t.status(), sim::Status::Reachable),
                    "{}",
                    report(
                        "fix: the simulator still delivers the witness",
                        &format!("{spec:?}\n{:?}\n{}", r.applied, show_trace(&t)),
                        &net
                    )
                );
            }
            Ok(())
        },
    );
    eprintln!(
        "differential::fix outcomes: {} fixed, {} already held, {} stopped at the bound, {} no fix of the kinds allowed, {} unknown",
        OUTCOMES[0].load(Ordering::Relaxed),
        OUTCOMES[1].load(Ordering::Relaxed),
        OUTCOMES[2].load(Ordering::Relaxed),
        OUTCOMES[3].load(Ordering::Relaxed),
        OUTCOMES[4].load(Ordering::Relaxed),
    );
}
