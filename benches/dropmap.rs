//! The drop map (issue #13, SEMANTICS.md SOLVE-8) of an unreachable question through
//! `query::dropmap::attach` (the recording walk, the cells found and grown by the solver, each
//! example replayed in the simulator), after `query::engine::run`: on the seed lab (the range
//! question `web-server -> db-server` one-way on 1000-1100, two cells, and the subject's
//! unreachable question) and on the synthetic estates (`VPCVERIFY_BENCH_SIZES`, see
//! benches/common). The time of `run` alone is in benches/query.rs.

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a question that is not answered is a broken checkout"
)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use vpcverify::model::PortRange;
use vpcverify::query::VerdictKind;
use vpcverify::query::dropmap::attach;
use vpcverify::query::engine::run;

fn bench_dropmap(c: &mut Criterion) {
    for subject in common::subjects() {
        let (net, ix) = common::load(&subject.path);
        let mut group = c.benchmark_group(format!("drop map {}", subject.name));
        subject.configure(&mut group);
        let mut specs = vec![(
            format!("{} -> {}", subject.unreachable.from, subject.unreachable.to),
            common::spec(&subject.unreachable),
        )];
        if subject.name == "seed-lab" {
            let mut range = common::spec(&common::estate::Question {
                from: "web-server".into(),
                to: "db-server".into(),
                protocol: "tcp",
                port: None,
                expect: None,
            });
            range.port = PortRange::parse("1000-1100").ok();
            range.one_way = true;
            specs.push(("web-server -> db-server 1000-1100 one-way".into(), range));
        }
        for (label, spec) in specs {
            let base = run(&net, &ix, &spec).expect("the question is answered");
            assert_eq!(base.verdict.verdict, VerdictKind::Unreachable, "{label}");
            let mut v = base.verdict.clone();
            attach(&net, &ix, &spec, &mut v, 32, false).expect("the drop map is consistent");
            eprintln!(
                "{}: {label}: {} cell(s){}",
                subject.name,
                v.drop_map.len(),
                v.drop_map_incomplete
                    .as_deref()
                    .map(|w| format!(" ({w})"))
                    .unwrap_or_default()
            );
            group.bench_function(label, |b| {
                b.iter(|| {
                    let mut v = base.verdict.clone();
                    attach(black_box(&net), black_box(&ix), black_box(&spec), &mut v, 32, false)
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_dropmap);
criterion_main!(benches);
