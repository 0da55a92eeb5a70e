//! `vpcverify diff` on the synthetic estates (issue #14): a copy with one security group rule
//! changed (the web group's first ingress rule opened to a wider port range) and a copy with one
//! route changed (a subnet route table's default route removed), each against the original,
//! through `diff::run` (change detection, classes, pair pruning, the SMT difference question,
//! the simulator's replay), each pair on its own and with the grouped questions (`--group`,
//! DIFF-7). Loading is outside the measurement; the whole process is timed with
//! `farm-bench` (README, "Comparing two networks"). Sizes: `VPCVERIFY_BENCH_SIZES` as for the
//! other benches, default `200` (the seed lab and a 200-interface estate: a diff asks every pair a
//! change concerns, so the large estates take minutes a sample).

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a diff that fails is a broken checkout"
)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use vpcverify::diff::{DiffOptions, Input, run};
use vpcverify::model::*;

/// The estate with one security group rule changed: the first ingress rule with a port range of
/// the group with the most members gets its upper port raised by one.
fn one_group_rule(net: &Network) -> Option<Network> {
    let mut out = net.clone();
    let mut counts: std::collections::BTreeMap<&SecurityGroupId, usize> = Default::default();
    for e in net.network_interfaces.values() {
        for g in &e.groups {
            *counts.entry(g).or_default() += 1;
        }
    }
    let (g, _) = counts.into_iter().max_by_key(|(_, n)| *n)?;
    let group = out.security_groups.get_mut(g)?;
    let rule = group
        .ingress
        .iter_mut()
        .find(|r| matches!(r.l4, L4Match::Ports(p) if p.to() < 65535))?;
    if let L4Match::Ports(p) = rule.l4 {
        rule.l4 = L4Match::Ports(PortRange::new(p.from(), p.to() + 1)?);
    }
    Some(out)
}

/// The estate with one route changed: the first non-local route of the first route table that
/// is associated with subnets and is not a main table is removed.
fn one_route(net: &Network) -> Option<Network> {
    let mut out = net.clone();
    let rt = out
        .route_tables
        .values_mut()
        .find(|t| !t.main && !t.subnets.is_empty() && t.routes.iter().any(|r| r.target != RouteTarget::Local))?;
    let i = rt.routes.iter().position(|r| r.target != RouteTarget::Local)?;
    rt.routes.remove(i);
    Some(out)
}

fn bench_diff(c: &mut Criterion) {
    for subject in common::subjects_sized("200") {
        let (net, ix) = common::load(&subject.path);
        let mut group = c.benchmark_group(format!("diff {}", subject.name));
        subject.configure(&mut group);
        let opts = DiffOptions {
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            ..DiffOptions::default()
        };
        for (label, changed) in [("one group rule", one_group_rule(&net)), ("one route", one_route(&net))] {
            let Some(after) = changed else { continue };
            let aix = NetworkIndex::new(&after);
            let before = Input {
                label: "before",
                net: &net,
                ix: &ix,
            };
            let after_in = Input {
                label: "after",
                net: &after,
                ix: &aix,
            };
            let report = run(before, after_in, &opts).expect("the diff runs");
            eprintln!(
                "diff {} {label}: {} change(s), {} of {} pairs asked, {} opened, {} closed, {} unknown",
                subject.name,
                report.changes.len(),
                report.pairs.asked,
                report.pairs.total,
                report.opened.len(),
                report.closed.len(),
                report.unknown.len()
            );
            group.bench_function(label, |b| {
                b.iter(|| run(black_box(before), black_box(after_in), black_box(&opts)))
            });
            let grouped = DiffOptions {
                group: true,
                ..opts.clone()
            };
            group.bench_function(format!("{label}, grouped"), |b| {
                b.iter(|| run(black_box(before), black_box(after_in), black_box(&grouped)))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_diff);
criterion_main!(benches);
