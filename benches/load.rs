//! Load and validate: `ingest::load`, `model::validate` and the index, as `vpcverify lint` and
//! every question pay them, and a hit of the snapshot cache that replaces all three (with the
//! input-hash memo, and with every input file hashed again), on the seed lab and on synthetic
//! estates of growing size; for a snapshot directory, also the load with each file read whole into
//! one parse (`aws::load_dir_blocks(dir, None)`, the loader before the block read of issue #17).

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use vpcverify::model::NetworkIndex;
use vpcverify::model::validate::validate;

#[allow(
    clippy::expect_used,
    reason = "benchmark setup: a cache that cannot be written is a broken machine"
)]
fn bench_load(c: &mut Criterion) {
    for subject in common::subjects() {
        let mut group = c.benchmark_group(format!("load+validate {}", subject.name));
        subject.configure(&mut group);
        let (net, _) = common::load(&subject.path);
        group.throughput(Throughput::Elements(net.network_interfaces.len() as u64));
        group.bench_function("ingest::load", |b| {
            b.iter(|| vpcverify::ingest::load(black_box(&subject.path)).map(|l| l.network.vpcs.len()))
        });
        if subject.path.is_dir() {
            group.bench_function("aws::load_dir, each file whole", |b| {
                b.iter(|| {
                    vpcverify::ingest::aws::load_dir_blocks(black_box(&subject.path), None)
                        .map(|l| l.network.vpcs.len())
                })
            });
        }
        group.bench_function("validate", |b| b.iter(|| validate(black_box(&net)).len()));
        group.bench_function("NetworkIndex::new", |b| b.iter(|| NetworkIndex::new(black_box(&net))));
        // A warm snapshot cache (issue #17): the input files' hashes from the memo (they are
        // unchanged), read, check and decode the cache file.
        let cache = tempfile::tempdir().expect("a temporary directory");
        let options = vpcverify::ingest::LoadOptions {
            cache: vpcverify::ingest::cache::CacheOptions {
                dir: Some(cache.path().to_path_buf()),
                min_bytes: 0,
                verbose: false,
            },
            ..Default::default()
        };
        vpcverify::ingest::cache::load(&subject.path, &options, &options.cache)
            .expect("the first load writes the cache");
        group.bench_function("ingest::cache::load (hit)", |b| {
            b.iter(|| {
                vpcverify::ingest::cache::load(black_box(&subject.path), &options, &options.cache)
                    .map(|(s, _)| s.loaded.network.vpcs.len())
            })
        });
        // The same hit with every input file hashed again (the memo removed first), as before
        // the memo (`ingest::memo`).
        let forget = || {
            for e in std::fs::read_dir(cache.path()).expect("the cache directory").flatten() {
                if e.path()
                    .extension()
                    .is_some_and(|x| x == vpcverify::ingest::memo::EXTENSION)
                {
                    std::fs::remove_file(e.path()).expect("a memo file can be removed");
                }
            }
        };
        group.bench_function("ingest::cache::load (hit, inputs hashed)", |b| {
            b.iter_batched(
                forget,
                |()| {
                    vpcverify::ingest::cache::load(black_box(&subject.path), &options, &options.cache)
                        .map(|(s, _)| s.loaded.network.vpcs.len())
                },
                criterion::BatchSize::PerIteration,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, bench_load);
criterion_main!(benches);
