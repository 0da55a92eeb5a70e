//! Packets per second through `sim::trace`: on the tutorial's seed lab (`specs/seed-lab.toml`) a
//! round trip that is reachable (internet -> web server, tcp 80) and one that is dropped (the
//! database server to the internet on tcp 443: the reply to the NAT gateway meets the public
//! subnet's ACL); on the synthetic estates, the internet to a web server (tcp 443, reachable),
//! an application server to the internet through a NAT gateway (tcp 443, reachable) and the
//! internet to a web server on tcp 22 (dropped by its security group). Each iteration walks one
//! request and, where it gets through, its reply: `sim::trace` records every hop with its
//! description, `sim::status` walks the same way and returns the verdict alone.

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: endpoints that do not resolve are a broken checkout"
)]

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
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
    use common::estate::{APP, WEB};
    for subject in common::subjects() {
        let (net, ix) = common::load(&subject.path);
        let cases = if subject.large {
            vec![
                ("reachable internet -> web tcp 443", request("internet", WEB, 443), true),
                (
                    "reachable app -> internet tcp 443 (NAT)",
                    request(APP, "internet", 443),
                    true,
                ),
                ("dropped internet -> web tcp 22", request("internet", WEB, 22), false),
            ]
        } else {
            vec![
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
            ]
        };
        let mut group = c.benchmark_group(format!("sim {}", subject.name));
        group.throughput(Throughput::Elements(1));
        for (name, req, reachable) in cases {
            let prepared = prepare(&net, &ix, &req)
                .expect("the endpoints resolve")
                .expect("the packet is known");
            let t = sim::trace(&net, &ix, prepared.start.clone(), prepared.packet, false);
            assert_eq!(t.status() == sim::Status::Reachable, reachable, "{name}: {t:#?}");
            group.bench_function(format!("status {name}"), |b| {
                b.iter(|| {
                    sim::status(
                        black_box(&net),
                        black_box(&ix),
                        prepared.start.clone(),
                        black_box(prepared.packet),
                        false,
                    )
                })
            });
            group.bench_function(format!("trace {name}"), |b| {
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
}

criterion_group!(benches, bench_trace);
criterion_main!(benches);
