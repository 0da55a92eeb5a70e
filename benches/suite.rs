//! A 100-assertion compliance suite: the first 100 questions of the subject (the anchors' known
//! answers, then random pairs of instances on their roles' ports, and the internet to web
//! servers), answered one after another on a loaded network.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use vpcverify::query::engine::{QuerySpec, run};

fn bench_suite(c: &mut Criterion) {
    for subject in common::subjects() {
        let (net, ix) = common::load(&subject.path);
        let specs: Vec<QuerySpec> = subject.questions.iter().take(100).map(common::spec).collect();
        let mut group = c.benchmark_group(format!("suite {}", subject.name));
        subject.configure(&mut group);
        group.throughput(Throughput::Elements(specs.len() as u64));
        group.bench_function("100 assertions", |b| {
            b.iter(|| {
                specs
                    .iter()
                    .filter(|s| run(black_box(&net), black_box(&ix), s).is_ok())
                    .count()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench_suite);
criterion_main!(benches);
