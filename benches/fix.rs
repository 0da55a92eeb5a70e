//! `vpcverify fix` (issue #23, SEMANTICS.md FIX-1..FIX-8): the search, the proof on the patched
//! network and (seed lab) the side effects, through `fix::run`: on the seed lab (the tutorial's
//! fix, `db-server -> internet` 443 made reachable, with and without side effects, and
//! `internet -> web-server` 22 made unreachable) and on the synthetic estates
//! (`VPCVERIFY_BENCH_SIZES`, see benches/common; the issue asks for 5,000 interfaces:
//! `VPCVERIFY_BENCH_SIZES=5000 VPCVERIFY_BENCH_TGW= cargo bench --bench fix`), where the
//! estate's closed question (`internet -> synth-web` 22) is made reachable and its open one (443)
//! unreachable, without side effects (a `diff` over an estate is benches/diff.rs's subject). The
//! outcome of each search (fixed, or stopped at its bound) is printed before it is timed.

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a question that is not answered is a broken checkout"
)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use vpcverify::fix::{self, FixVerdict, Limits, Want};

fn bench_fix(c: &mut Criterion) {
    for subject in common::subjects() {
        if subject.name.starts_with("synth-tgw") {
            continue;
        }
        let (net, ix) = common::load(&subject.path);
        let mut group = c.benchmark_group(format!("fix {}", subject.name));
        subject.configure(&mut group);
        // A fix asks several questions (and, with side effects, a diff): few, long samples.
        group.sample_size(10);
        let quiet = Limits {
            side_effects: false,
            ..Limits::default()
        };
        let mut cases = vec![
            (
                format!("{} -> {} reachable", subject.unreachable.from, subject.unreachable.to),
                common::spec(&subject.unreachable),
                Want::Reachable,
                quiet.clone(),
            ),
            (
                format!("{} -> {} unreachable", subject.reachable.from, subject.reachable.to),
                common::spec(&subject.reachable),
                Want::Unreachable,
                quiet.clone(),
            ),
        ];
        if !subject.large {
            cases.push((
                format!(
                    "{} -> {} reachable, with side effects",
                    subject.unreachable.from, subject.unreachable.to
                ),
                common::spec(&subject.unreachable),
                Want::Reachable,
                Limits::default(),
            ));
        }
        for (label, spec, want, limits) in cases {
            let r = fix::run(&net, &ix, &spec, want, &limits).expect("the fix search runs");
            eprintln!(
                "{}: {label}: {:?}, {} edit(s), {} round(s), bound hit: {}{}",
                subject.name,
                r.verdict,
                r.edits.len(),
                r.rounds,
                r.bound_hit,
                r.edits
                    .first()
                    .map(|e| format!(" (first: {})", e.text))
                    .unwrap_or_default()
            );
            // The seed lab's fixes are known; an estate's outcome is measured as it is (a search
            // may stop at its bound, which is part of what the bench reports).
            assert!(
                subject.large || matches!(r.verdict, FixVerdict::Fixed),
                "{label}: {:?}",
                r.verdict
            );
            group.bench_function(label, |b| {
                b.iter(|| fix::run(black_box(&net), black_box(&ix), black_box(&spec), want, &limits))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_fix);
criterion_main!(benches);
