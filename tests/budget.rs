//! Budgets and a solver that gives up (SOLVE-1..6): one give-up is rescued by a fresh solver;
//! two in a row make the answer unknown or leave it as it was, never another definite verdict;
//! real tiny budgets on a generated estate give the untimed verdict or `unknown` naming the
//! budget; `--timeout` takes durations and refuses 0.

use crate::common::*;
use crate::synth_estate::estate;
use vpcverify::model::endpoint::Endpoint;
use vpcverify::model::*;
use vpcverify::query::engine::{self, ProtocolChoice, QuerySpec};
use vpcverify::query::{Role, VerdictKind, resolve};
use vpcverify::smt::{self, Answer, Faults, Question};

fn kind(a: &Answer) -> &'static str {
    match a {
        Answer::Reachable(_) => "reachable",
        Answer::Unreachable { .. } => "unreachable",
        Answer::Unknown { .. } => "unknown",
    }
}

fn seed_lab() -> Network {
    vpcverify::ingest::load(&path("specs/seed-lab.toml")).unwrap().network
}

fn ask<'a>(from: &'a Endpoint, to: &'a Endpoint, port: Option<u16>, faults: Option<Faults>) -> Question<'a> {
    Question {
        from,
        to,
        protocol: Some(proto::TCP),
        dst_ports: port.map(PortRange::single),
        src_ports: None,
        one_way: false,
        families: vec![IpFamily::V4, IpFamily::V6],
        want_proof: false,
        budget: None,
        faults,
        waypoints: None,
    }
}

/// The seed lab's questions with both verdicts among them.
const QUESTIONS: [(&str, &str, u16); 4] = [
    ("internet", "web-server", 80),
    ("internet", "web-server", 22),
    ("db-server", "internet", 443),
    ("web-server", "db-server", 3306),
];

#[test]
fn one_give_up_is_rescued_by_a_fresh_solver_and_the_answer_is_unchanged() {
    let net = seed_lab();
    let ix = NetworkIndex::new(&net);
    let mut rescued = 0;
    for (from, to, port) in QUESTIONS {
        let f = resolve(&net, &ix, from, Role::Source).unwrap();
        let t = resolve(&net, &ix, to, Role::Destination).unwrap();
        let (clean, clean_stats) = smt::solve_counted(&net, &ix, &ask(&f, &t, Some(port), None));
        assert_eq!(clean_stats.gave_up, 0);
        for k in 0..clean_stats.checks {
            let faults = Faults {
                at: vec![k],
                corrupt: true,
                ..Faults::default()
            };
            let (a, stats) = smt::solve_counted(&net, &ix, &ask(&f, &t, Some(port), Some(faults)));
            assert_eq!(kind(&a), kind(&clean), "{from} -> {to} {port}, give-up at check {k}");
            // Check k of each address family's walk that has one gave up, and each was rescued.
            assert_eq!(
                (stats.rescued, stats.rebuilt),
                (stats.gave_up, stats.gave_up),
                "{from} -> {to} {port}, check {k}"
            );
            rescued += stats.rescued;
        }
    }
    assert!(rescued > 20, "{rescued}");
}

#[test]
fn two_give_ups_in_a_row_give_unknown_or_the_same_verdict_never_the_other() {
    let net = seed_lab();
    let ix = NetworkIndex::new(&net);
    let mut unknown = 0;
    for (from, to, port) in QUESTIONS {
        let f = resolve(&net, &ix, from, Role::Source).unwrap();
        let t = resolve(&net, &ix, to, Role::Destination).unwrap();
        let (clean, clean_stats) = smt::solve_counted(&net, &ix, &ask(&f, &t, Some(port), None));
        for k in 0..clean_stats.checks {
            let faults = Faults {
                at: vec![k, k + 1],
                corrupt: true,
                ..Faults::default()
            };
            let a = smt::solve(&net, &ix, &ask(&f, &t, Some(port), Some(faults)));
            match &a {
                Answer::Unknown { causes, .. } => {
                    unknown += 1;
                    assert!(
                        causes.iter().any(|(id, why)| id == "solver" && why.contains("gave up")),
                        "{causes:?}"
                    );
                }
                other => assert_eq!(
                    kind(other),
                    kind(&clean),
                    "{from} -> {to} {port}, give-ups at {k}, {}",
                    k + 1
                ),
            }
        }
    }
    // Among them the give-ups on a path's own check and on its witness (SOLVE-4).
    assert!(unknown >= QUESTIONS.len(), "{unknown}");
}

#[test]
fn a_satisfiable_path_whose_witness_cannot_be_extracted_is_unknown_not_dropped() {
    let net = seed_lab();
    let ix = NetworkIndex::new(&net);
    let f = resolve(&net, &ix, "internet", Role::Source).unwrap();
    let t = resolve(&net, &ix, "web-server", Role::Destination).unwrap();
    let (clean, stats) = smt::solve_counted(&net, &ix, &ask(&f, &t, Some(80), None));
    assert_eq!(kind(&clean), "reachable");
    // Every check from the one that found the path satisfiable gives up, twice: the witness
    // cannot be extracted.
    let found_at = (0..stats.checks)
        .rev()
        .find(|k| {
            let faults = Faults {
                at: (*k..stats.checks * 2 + 2).collect(),
                ..Faults::default()
            };
            let a = smt::solve(&net, &ix, &ask(&f, &t, Some(80), Some(faults)));
            matches!(&a, Answer::Unknown { causes, .. } if causes.iter().any(|(_, why)| why.contains("witness")))
        })
        .expect("some give-up leaves a satisfiable path without a witness");
    assert!(found_at > 0);
}

/// The issue's question on a generated estate: `internet` -> the web servers' VPC, tcp 22.
#[test]
fn tiny_real_budgets_give_the_untimed_verdict_or_unknown_naming_the_budget() {
    let (dir, _) = crate::synth_estate::generate(300, 5);
    let net = vpcverify::ingest::load(dir.path()).unwrap().network;
    let ix = NetworkIndex::new(&net);
    let web = resolve(&net, &ix, estate::WEB, Role::Destination).unwrap();
    let vpc = net.network_interfaces[&web.interfaces[0]].vpc.to_string();
    let spec = |to: &str, port: u16, budget: Option<std::time::Duration>| QuerySpec {
        from: "internet".into(),
        to: to.into(),
        protocol: ProtocolChoice::One(proto::TCP),
        port: Some(PortRange::single(port)),
        src_port: None,
        one_way: false,
        want_proof: false,
        budget,
        through: Vec::new(),
        avoid: Vec::new(),
    };
    let mut unknown = 0;
    let mut runs = 0;
    for (to, port) in [(vpc.as_str(), 22), (estate::WEB, 443), (estate::WEB, 22)] {
        let untimed = engine::run(&net, &ix, &spec(to, port, None)).unwrap().verdict;
        for ms in [1, 1, 1, 1, 1, 2, 3, 5, 10, 30] {
            let v = engine::run(&net, &ix, &spec(to, port, Some(std::time::Duration::from_millis(ms))))
                .unwrap()
                .verdict;
            runs += 1;
            if v.verdict == VerdictKind::Unknown {
                unknown += 1;
                assert!(
                    v.unknown
                        .iter()
                        .any(|u| u.id == "budget" && u.reason.contains(&format!("{ms}ms"))),
                    "{:?}",
                    v.unknown
                );
            } else {
                assert_eq!(v.verdict, untimed.verdict, "{to} {port} at {ms}ms");
                assert_eq!(v.packet, untimed.packet, "{to} {port} at {ms}ms: the witness");
            }
        }
    }
    // The estate is big enough for 1 ms not to suffice for every question.
    assert!(unknown > 0 && runs == 30, "{unknown} of {runs}");
}

#[test]
fn timeout_takes_durations_and_none_and_refuses_zero() {
    let run = |t: &str| {
        vpcverify()
            .args([
                "query",
                "specs/seed-lab.toml",
                "--from",
                "db-server",
                "--to",
                "internet",
                "--port",
                "443",
            ])
            .args(["--timeout", t])
            .current_dir(path("."))
            .assert()
    };
    for ok in ["none", "30s", "2500ms", "1m", "5"] {
        run(ok)
            .code(1)
            .stdout(predicates::str::contains("unreachable: tcp from `db-server`"));
    }
    run("0")
        .code(2)
        .stderr(predicates::str::contains("write `none` for no limit"));
    run("0s").code(2).stderr(predicates::str::contains("zero budget"));
    run("soon").code(2).stderr(predicates::str::contains("not a duration"));
    run("1ns")
        .code(3)
        .stdout(predicates::str::contains("not decided:"))
        .stdout(predicates::str::contains("budget: the budget of 1ns ran out"));
}

fn unreachable_parts(a: &Answer) -> (usize, usize, usize) {
    match a {
        Answer::Unreachable {
            blocked,
            paths,
            evidence,
            ..
        } => (blocked.len(), *paths, evidence.len()),
        other => panic!("expected unreachable, got {}", kind(other)),
    }
}

/// SOLVE-9: asked for its verdict alone, an unreachable answer is the same verdict over the
/// same candidate paths, without the example packets of its blocking entries, and with fewer
/// solver checks; and an answer's candidate paths are those of its address families together.
#[test]
fn a_verdict_asked_alone_is_the_same_verdict_without_its_evidence() {
    let net = seed_lab();
    let ix = NetworkIndex::new(&net);
    let f = resolve(&net, &ix, "internet", Role::Source).unwrap();
    let t = resolve(&net, &ix, "web-server", Role::Destination).unwrap();
    let q = ask(&f, &t, Some(8080), None);
    let (full, full_stats) = smt::solve_counted(&net, &ix, &q);
    let (alone, alone_stats) = engine::verdict_only(|| smt::solve_counted(&net, &ix, &q));
    let (full_blocked, full_paths, full_evidence) = unreachable_parts(&full);
    let (_, alone_paths, alone_evidence) = unreachable_parts(&alone);
    assert!(full_blocked > 0 && full_evidence > 0, "{full:?}");
    assert_eq!(alone_evidence, 0, "{alone:?}");
    assert_eq!(alone_paths, full_paths);
    assert!(
        alone_stats.checks < full_stats.checks,
        "{} checks alone, {} explained",
        alone_stats.checks,
        full_stats.checks
    );
    // The two families' paths add up.
    let per_family: usize = [IpFamily::V4, IpFamily::V6]
        .into_iter()
        .map(|family| {
            let q = Question {
                families: vec![family],
                ..ask(&f, &t, Some(8080), None)
            };
            unreachable_parts(&smt::solve(&net, &ix, &q)).1
        })
        .sum();
    assert!(full_paths > 0);
    assert_eq!(full_paths, per_family);
}

/// A reply to an internet host leaves through an internet gateway onto the internet, where every
/// VPC's public addresses are a branch of their own (IGW-2). The host's address is none of them,
/// so they are refuted all at once (SOLVE-10, SOLVE-11): the number of checks does not grow with
/// the estate's VPCs, and the exclusion of the estate's addresses is never written out.
#[test]
fn an_internet_question_asks_no_more_checks_on_an_estate_of_more_vpcs() {
    let mut counts = Vec::new();
    for enis in [400, 2000] {
        let (dir, _) = crate::synth_estate::generate(enis, 5);
        let net = vpcverify::ingest::load(dir.path()).unwrap().network;
        let ix = NetworkIndex::new(&net);
        let f = resolve(&net, &ix, "internet", Role::Source).unwrap();
        let t = resolve(&net, &ix, estate::WEB, Role::Destination).unwrap();
        let (a, stats) = smt::solve_counted(&net, &ix, &ask(&f, &t, Some(443), None));
        assert_eq!(kind(&a), "reachable", "{enis} interfaces");
        assert_eq!(stats.exclusions_asserted, 0, "{enis} interfaces");
        counts.push((net.vpcs.len(), stats.checks));
    }
    assert!(counts[0].0 < counts[1].0, "{counts:?}");
    assert_eq!(counts[0].1, counts[1].1, "(VPCs, checks): {counts:?}");
}

/// SOLVE-11: an internet host is none of the estate's public addresses (§4). When a security
/// group admits only such an address (the NAT gateway's Elastic IP), the deferred exclusion is
/// asserted as soon as a model gives the host that address, and the answer, its candidate paths
/// and its blocking entries are those of the walk that writes the exclusion out (a proof's).
#[test]
fn a_host_only_an_estate_address_could_be_is_no_internet_host_with_the_exclusion_deferred() {
    let nat_eip = "52.70.151.36";
    let text = std::fs::read_to_string(path("specs/seed-lab.toml")).unwrap().replace(
        r#"{ protocol = "tcp", ports = "80", from = "0.0.0.0/0" }"#,
        &format!(r#"{{ protocol = "tcp", ports = "80", from = "{nat_eip}/32" }}"#),
    );
    assert!(text.contains(&format!("{nat_eip}/32")));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lab.toml");
    std::fs::write(&file, text).unwrap();
    let net = vpcverify::ingest::load(&file).unwrap().network;
    let ix = NetworkIndex::new(&net);
    let f = resolve(&net, &ix, "internet", Role::Source).unwrap();
    let t = resolve(&net, &ix, "web-server", Role::Destination).unwrap();
    let (deferred, stats) = smt::solve_counted(&net, &ix, &ask(&f, &t, Some(80), None));
    let written_out = Question {
        want_proof: true,
        ..ask(&f, &t, Some(80), None)
    };
    let (written, written_stats) = smt::solve_counted(&net, &ix, &written_out);
    assert_eq!((stats.exclusions_asserted, written_stats.exclusions_asserted), (1, 0));
    match (&deferred, &written) {
        (
            Answer::Unreachable { blocked, paths, .. },
            Answer::Unreachable {
                blocked: blocked_w,
                paths: paths_w,
                proof: Some(proof),
                ..
            },
        ) => {
            assert_eq!(blocked, blocked_w);
            assert_eq!(paths, paths_w);
            let ids: Vec<(&str, &str)> = blocked.iter().map(|b| (b.id.as_str(), b.rule.as_str())).collect();
            // IPv6: the web server has no IPv6 address (V6-2); IPv4: its group admits no host.
            assert_eq!(ids, [("eni-web-server", "V6-2"), ("sg-WebDMZ", "sg-WebDMZ")]);
            assert_eq!(smt::recheck_proof(proof), Ok(true));
        }
        (a, b) => panic!("expected unreachable twice, got {} and {}", kind(a), kind(b)),
    }
    // Port 443 is still open to the world: reachable from a host that is none of the estate's
    // addresses, with nothing asserted.
    let (open, stats) = smt::solve_counted(&net, &ix, &ask(&f, &t, Some(443), None));
    let Answer::Reachable(w) = &open else {
        panic!("expected reachable, got {}", kind(&open))
    };
    let estate: Vec<std::net::IpAddr> = ix.public_addresses().map(|a| std::net::IpAddr::V4(*a)).collect();
    assert!(!estate.contains(&w.packet.src_ip), "{:?}", w.packet);
    assert_eq!(stats.exclusions_asserted, 0);
}
