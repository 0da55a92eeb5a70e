//! One point question, reachable and unreachable, through `query::engine::run` (endpoint
//! resolution, the SMT walk, the witness replayed in the simulator) on a loaded network: the
//! seed lab and synthetic estates of growing size. The whole process, loading included, is
//! timed with `hyperfine` (README, "Performance").

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use vpcverify::query::VerdictKind;
use vpcverify::query::engine::run;

fn bench_query(c: &mut Criterion) {
    for subject in common::subjects() {
        let (net, ix) = common::load(&subject.path);
        let mut group = c.benchmark_group(format!("query {}", subject.name));
        subject.configure(&mut group);
        for (label, question, expected) in [
            ("reachable", &subject.reachable, VerdictKind::Reachable),
            ("unreachable", &subject.unreachable, VerdictKind::Unreachable),
        ] {
            let spec = common::spec(question);
            let verdict = run(&net, &ix, &spec).map(|r| r.verdict.verdict);
            assert_eq!(verdict, Ok(expected), "{}: {question:?}", subject.name);
            let name = format!(
                "{label} {} -> {} {}",
                question.from,
                question.to,
                question.port.unwrap_or(0)
            );
            group.bench_function(name, |b| {
                b.iter(|| run(black_box(&net), black_box(&ix), black_box(&spec)))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_query);
criterion_main!(benches);
