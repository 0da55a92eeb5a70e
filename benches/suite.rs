//! A 100-assertion compliance suite through `check::run` (assertions answered in parallel on a
//! rayon pool, one Z3 context per worker): the first 100 questions of the subject (on the synth
//! estates, the named hosts' known answers, then random pairs of instances on their roles' ports
//! and the internet to web servers) on a loaded network. 1,000 assertions as a whole process are
//! timed with `hyperfine` (README, "Performance").

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a suite that does not parse is a bug here"
)]

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use vpcverify::check::{RunOptions, Suite};

fn bench_suite(c: &mut Criterion) {
    for subject in common::subjects() {
        let (net, ix) = common::load(&subject.path);
        let questions: Vec<_> = subject.questions.iter().take(100).cloned().collect();
        let text = common::estate::suite_toml(&questions);
        let suite = Suite::parse("bench.toml", Path::new("."), "bench", &text).expect("the suite parses");
        let mut group = c.benchmark_group(format!("check {}", subject.name));
        subject.configure(&mut group);
        group.throughput(Throughput::Elements(suite.assertions.len() as u64));
        group.bench_function("100 assertions", |b| {
            b.iter(|| {
                vpcverify::check::run::run(
                    black_box(&net),
                    black_box(&ix),
                    suite.clone(),
                    "bench",
                    &RunOptions::default(),
                    &|_, _| {},
                )
                .map(|r| r.summary().total)
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench_suite);
criterion_main!(benches);
