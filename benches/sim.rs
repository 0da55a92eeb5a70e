//! Packets per second through `sim::trace` on the tutorial's seed lab (`specs/seed-lab.toml`):
//! a round trip that is reachable (internet -> web server, tcp 80) and one that is dropped (the
//! database server to the internet on tcp 443: the reply to the NAT gateway meets the public
//! subnet's ACL). Each iteration walks one request and, where it gets through, its reply.

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a missing seed lab is a broken checkout"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use vpcverify::model::NetworkIndex;
use vpcverify::query::trace::{TraceRequest, prepare};
use vpcverify::sim;

fn request(from: &str, to: &str, port: u16) -> TraceRequest {
    TraceRequest {
        from: from.into(),
        to: to.into(),
        protocol: "tcp".into(),
        port: Some(port),
        src_port: None,
        src_ip: None,
        dst_ip: None,
        one_way: false,
    }
}

fn bench_trace(c: &mut Criterion) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/seed-lab.toml");
    let loaded = vpcverify::ingest::load(&file).expect("specs/seed-lab.toml loads");
    let net = loaded.network;
    let ix = NetworkIndex::new(&net);
    let cases = [
        (
            "reachable internet -> web-server tcp 80",
            request("internet", "web-server", 80),
            true,
        ),
        (
            "dropped db-server -> internet tcp 443",
            request("db-server", "internet", 443),
            false,
        ),
    ];
    let mut group = c.benchmark_group("sim::trace seed-lab");
    group.throughput(Throughput::Elements(1));
    for (name, req, reachable) in cases {
        let prepared = prepare(&net, &ix, &req)
            .expect("the seed lab endpoints resolve")
            .expect("the packet is known");
        let t = sim::trace(&net, &ix, prepared.start.clone(), prepared.packet, false);
        assert_eq!(t.status() == sim::Status::Reachable, reachable, "{name}: {t:#?}");
        group.bench_function(name, |b| {
            b.iter(|| {
                sim::trace(
                    black_box(&net),
                    black_box(&ix),
                    prepared.start.clone(),
                    black_box(prepared.packet),
                    false,
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_trace);
criterion_main!(benches);
