//! `cargo run --release --example budget -- NETWORK FROM TO PORT RUNS BUDGET...`: asks one tcp
//! question RUNS times under each wall-clock budget (`1ms`, `10ms`, `100ms`, `none`, …) and
//! prints how many answers were definite and how many unknown, and how many solver checks gave
//! up and were rescued by the retry on a fresh solver (SEMANTICS.md SOLVE-1, SOLVE-2). Then the
//! cost of the evidence checks (SOLVE-5, SOLVE-6): the untimed question through `smt::solve`
//! alone and through `query::engine::run`, which also replays the witness or every blocking
//! entry's example packet in the simulator.

#![allow(clippy::print_stdout, reason = "a measurement tool")]

use std::time::{Duration, Instant};
use vpcverify::model::{IpFamily, NetworkIndex, PortRange, proto};
use vpcverify::query::engine::{self, ProtocolChoice, QuerySpec};
use vpcverify::query::{Role, resolve};
use vpcverify::sim;
use vpcverify::smt::{self, Answer, Budget, Question};

fn main() {
    if let Err(e) = run() {
        eprintln!("budget: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [network, from, to, port, runs, budgets @ ..] = args.as_slice() else {
        return Err("usage: budget NETWORK FROM TO PORT RUNS BUDGET...".into());
    };
    let port: u16 = port.parse().map_err(|e| format!("PORT: {e}"))?;
    let runs: usize = runs.parse().map_err(|e| format!("RUNS: {e}"))?;
    let loaded = vpcverify::ingest::load(std::path::Path::new(network)).map_err(|e| e.to_string())?;
    let net = loaded.network;
    let ix = NetworkIndex::new(&net);
    let f = resolve(&net, &ix, from, Role::Source).map_err(|e| e.to_string())?;
    let t = resolve(&net, &ix, to, Role::Destination).map_err(|e| e.to_string())?;
    let question = |budget: Option<Budget>| Question {
        from: &f,
        to: &t,
        protocol: Some(proto::TCP),
        dst_ports: Some(PortRange::single(port)),
        src_ports: None,
        one_way: false,
        families: vec![IpFamily::V4, IpFamily::V6],
        want_proof: false,
        budget,
        faults: None,
        waypoints: None,
    };
    println!("budget  runs  reachable  unreachable  unknown  checks  gave-up  rescued  median-ms");
    for b in budgets {
        let limit = match b.as_str() {
            "none" => None,
            t => Some(humantime::parse_duration(t).map_err(|e| format!("{t}: {e}"))?),
        };
        let (mut reach, mut unreach, mut unknown, mut checks, mut gave_up, mut rescued) = (0, 0, 0, 0, 0, 0);
        let mut times: Vec<Duration> = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            let (a, s) = smt::solve_counted(&net, &ix, &question(limit.map(Budget::starting_now)));
            times.push(started.elapsed());
            match a {
                Answer::Reachable(_) => reach += 1,
                Answer::Unreachable { .. } => unreach += 1,
                Answer::Unknown { .. } => unknown += 1,
            }
            checks += s.checks;
            gave_up += s.gave_up;
            rescued += s.rescued;
        }
        times.sort();
        let median = times.get(times.len() / 2).copied().unwrap_or_default();
        println!(
            "{b:>6}  {runs:>4}  {reach:>9}  {unreach:>11}  {unknown:>7}  {checks:>6}  {gave_up:>7}  {rescued:>7}  {:>9.1}",
            median.as_secs_f64() * 1000.0
        );
    }
    // The evidence checks' cost: the same untimed question, solve alone and the whole query.
    let started = Instant::now();
    let answer = smt::solve(&net, &ix, &question(None));
    let solve = started.elapsed();
    let entries = match &answer {
        Answer::Unreachable { evidence, blocked, .. } => {
            format!("{} blocking entries, {} example packets", blocked.len(), evidence.len())
        }
        Answer::Reachable(_) => "a witness".into(),
        Answer::Unknown { .. } => "unknown".into(),
    };
    // What SOLVE-6 adds: one simulator trace per example packet.
    if let Answer::Unreachable { evidence, .. } = &answer {
        let started = Instant::now();
        let mut dropped = 0;
        for e in evidence {
            let start = match &e.start {
                smt::StartPoint::Interface(x) => sim::Start::Interface(x.clone()),
                smt::StartPoint::Internet(_) => sim::Start::Internet,
                smt::StartPoint::OnPremises(g) => sim::Start::OnPremises(g.clone()),
                smt::StartPoint::OnPremisesVia(a) => sim::Start::OnPremisesVia(a.clone()),
            };
            if matches!(
                sim::trace(&net, &ix, start, e.packet, false).status(),
                sim::Status::Unreachable(_)
            ) {
                dropped += 1;
            }
        }
        println!(
            "replaying the {} example packets in the simulator: {:.2} ms ({dropped} dropped)",
            evidence.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    let spec = QuerySpec {
        from: from.clone(),
        to: to.clone(),
        protocol: ProtocolChoice::One(proto::TCP),
        port: Some(PortRange::single(port)),
        src_port: None,
        one_way: false,
        want_proof: false,
        budget: None,
        through: Vec::new(),
        avoid: Vec::new(),
    };
    let started = Instant::now();
    let verdict = engine::run(&net, &ix, &spec).map_err(|e| e.to_string())?.verdict;
    let whole = started.elapsed();
    println!(
        "untimed: smt::solve {:.1} ms ({entries}); query (solve + evidence checks) {:.1} ms, verdict {:?}",
        solve.as_secs_f64() * 1000.0,
        whole.as_secs_f64() * 1000.0,
        verdict.verdict
    );
    Ok(())
}
