//! Load and validate: `ingest::load`, `model::validate` and the index, as `vpcverify lint` and
//! every question pay them, on the seed lab and on synthetic estates of growing size.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use vpcverify::model::NetworkIndex;
use vpcverify::model::validate::validate;

fn bench_load(c: &mut Criterion) {
    for subject in common::subjects() {
        let mut group = c.benchmark_group(format!("load+validate {}", subject.name));
        subject.configure(&mut group);
        let (net, _) = common::load(&subject.path);
        group.throughput(Throughput::Elements(net.network_interfaces.len() as u64));
        group.bench_function("ingest::load", |b| {
            b.iter(|| vpcverify::ingest::load(black_box(&subject.path)).map(|l| l.network.vpcs.len()))
        });
        group.bench_function("validate", |b| b.iter(|| validate(black_box(&net)).len()));
        group.bench_function("NetworkIndex::new", |b| b.iter(|| NetworkIndex::new(black_box(&net))));
        group.finish();
    }
}

criterion_group!(benches, bench_load);
criterion_main!(benches);
