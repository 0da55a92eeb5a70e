//! The cost of deciding both ways what the input does not settle (SEMANTICS.md §9.1, BOUND-1,
//! BOUND-2): the seed lab, and the same lab where the database group also admits tcp 5432 from a
//! prefix list whose entries are not in the input (`corp`). Each question is asked of both, so
//! the ratio is the cost of the unsettled rule on the path:
//! - web -> db 3306 one way: reachable either way; with `corp` the rule lies on the path and the
//!   witness is checked not to rely on it;
//! - web -> db 3306 round trip: unreachable either way (the public ACL drops the reply); with
//!   `corp` every path is refuted with the rule admitting;
//! - web -> db 5432 one way: unreachable in the lab; with `corp` unknown, with an example packet
//!   replayed in the simulator.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "benchmark setup: a network that does not load is a broken checkout"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use vpcverify::model::{NetworkIndex, PortRange};
use vpcverify::query::VerdictKind;
use vpcverify::query::engine::{ProtocolChoice, QuerySpec, run};

fn spec(port: u16, one_way: bool) -> QuerySpec {
    QuerySpec {
        from: "web-server".into(),
        to: "db-server".into(),
        protocol: ProtocolChoice::One(6),
        port: Some(PortRange::new(port, port).expect("a port")),
        src_port: None,
        one_way,
        want_proof: false,
        budget: None,
        through: Vec::new(),
        avoid: Vec::new(),
    }
}

fn bench_bounded(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let lab = std::fs::read_to_string(root.join("specs/seed-lab.toml")).expect("the seed lab");
    let corp = lab.replacen(
        r#"  { protocol = "tcp", ports = "3306", from = "10.0.1.0/24" },
]"#,
        r#"  { protocol = "tcp", ports = "3306", from = "10.0.1.0/24" },
  { protocol = "tcp", ports = "5432", from = "corp" },
]"#,
        1,
    ) + "\n[prefix_list.corp]\nid = \"pl-0corp\"\nprefix_list_name = \"corp\"\n";
    assert_ne!(lab, corp, "the database group's rules moved");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut group = c.benchmark_group("bounded");
    for (name, text) in [("lab", &lab), ("corp", &corp)] {
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, text).expect("written");
        let net = vpcverify::ingest::load(&path).expect("loads").network;
        let ix = NetworkIndex::new(&net);
        for (label, q, lab_says, corp_says) in [
            (
                "3306 one-way",
                spec(3306, true),
                VerdictKind::Reachable,
                VerdictKind::Reachable,
            ),
            (
                "3306",
                spec(3306, false),
                VerdictKind::Unreachable,
                VerdictKind::Unreachable,
            ),
            (
                "5432 one-way",
                spec(5432, true),
                VerdictKind::Unreachable,
                VerdictKind::Unknown,
            ),
        ] {
            let expected = if name == "lab" { lab_says } else { corp_says };
            assert_eq!(
                run(&net, &ix, &q).map(|r| r.verdict.verdict),
                Ok(expected),
                "{name} {label}"
            );
            group.bench_function(format!("{name} web -> db {label}"), |b| {
                b.iter(|| run(black_box(&net), black_box(&ix), black_box(&q)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_bounded);
criterion_main!(benches);
