//! What the benches share: the networks they run on (the seed lab and synthetic estates made by
//! `examples/synth/estate.rs` in a temporary directory), loading, and the questions asked.
//!
//! `VPCVERIFY_BENCH_SIZES` (default `1000,5000,20000`) chooses the synthetic estates' sizes in
//! interfaces; `VPCVERIFY_BENCH_SIZES=` runs the seed lab alone. `VPCVERIFY_BENCH_TGW` (default
//! `20000`) does the same for the transit-gateway estate of `examples/synth/tgw.rs` (100 spoke
//! VPCs, three accounts, two Regions, peered transit gateways).

#![allow(dead_code, reason = "each bench uses part of this module")]
#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "benchmark setup: a network that does not load is a broken checkout"
)]

#[path = "../../examples/synth/estate.rs"]
pub mod estate;
#[path = "../../examples/synth/tgw.rs"]
pub mod tgw;

/// The allocator of the `vpcverify` binary (`src/main.rs`), so that the benches measure what it
/// does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use estate::Question;
use std::path::{Path, PathBuf};
use std::time::Duration;
use vpcverify::model::validate::validate;
use vpcverify::model::{Network, NetworkIndex, PortRange, Severity};
use vpcverify::query::engine::{ProtocolChoice, QuerySpec};

/// The seed of every synthetic estate the benches generate.
pub const SEED: u64 = 1;

/// A network to benchmark on.
pub struct Subject {
    /// `seed-lab`, `synth-1k`, …
    pub name: String,
    /// What `ingest::load` reads.
    pub path: PathBuf,
    /// Keeps a generated estate on disk while the bench runs.
    _dir: Option<tempfile::TempDir>,
    /// A reachable point question.
    pub reachable: Question,
    /// An unreachable point question.
    pub unreachable: Question,
    /// A compliance suite's questions (at least 1000).
    pub questions: Vec<Question>,
    /// True for the synthetic estates (fewer, longer samples).
    pub large: bool,
}

impl Subject {
    /// Criterion settings for this network: the default for the seed lab, 10 samples for
    /// estates (a 20k-interface load takes about a second).
    pub fn configure<M: criterion::measurement::Measurement>(&self, g: &mut criterion::BenchmarkGroup<'_, M>) {
        if self.large {
            g.sample_size(10);
            g.warm_up_time(Duration::from_millis(500));
            g.measurement_time(Duration::from_secs(5));
        }
    }
}

fn q(from: &str, to: &str, protocol: &'static str, port: Option<u16>) -> Question {
    Question {
        from: from.into(),
        to: to.into(),
        protocol,
        port,
        expect: None,
    }
}

/// The seed lab and the synthetic estates, smallest first.
pub fn subjects() -> Vec<Subject> {
    subjects_sized("1000,5000,20000")
}

/// As [`subjects`], with `default` (comma-separated interface counts) when
/// `VPCVERIFY_BENCH_SIZES` is not set.
pub fn subjects_sized(default: &str) -> Vec<Subject> {
    let seed_questions = [
        q("internet", "web-server", "tcp", Some(80)),
        q("internet", "web-server", "tcp", Some(8080)),
        q("db-server", "internet", "tcp", Some(443)),
        q("web-server", "internet", "tcp", Some(443)),
        q("db-server", "service:s3", "tcp", Some(443)),
        q("web-server", "db-server", "icmp", None),
        q("web-server", "db-server", "tcp", Some(3306)),
        q("internet", "db-server", "tcp", Some(22)),
    ];
    let mut out = vec![Subject {
        name: "seed-lab".into(),
        path: Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/seed-lab.toml"),
        _dir: None,
        reachable: q("internet", "web-server", "tcp", Some(80)),
        unreachable: q("db-server", "internet", "tcp", Some(443)),
        questions: seed_questions.iter().cycle().take(1000).cloned().collect(),
        large: false,
    }];
    let sizes = std::env::var("VPCVERIFY_BENCH_SIZES").unwrap_or_else(|_| default.into());
    for n in sizes.split(',').filter_map(|s| s.trim().parse::<usize>().ok()) {
        let snapshot = estate::generate(&estate::Spec::new(n, SEED)).expect("the estate generates");
        let dir = tempfile::tempdir().expect("a temporary directory");
        snapshot.write(dir.path()).expect("the estate is written");
        let name = if n % 1000 == 0 {
            format!("synth-{}k", n / 1000)
        } else {
            format!("synth-{n}")
        };
        out.push(Subject {
            name,
            path: dir.path().to_owned(),
            _dir: Some(dir),
            reachable: q("internet", estate::WEB, "tcp", Some(443)),
            unreachable: q("internet", estate::WEB, "tcp", Some(22)),
            questions: snapshot.questions(1000, SEED),
            large: true,
        });
    }
    let sizes = std::env::var("VPCVERIFY_BENCH_TGW").unwrap_or_else(|_| "20000".into());
    for n in sizes.split(',').filter_map(|s| s.trim().parse::<usize>().ok()) {
        let spec = tgw::Spec::for_enis(n, 100, SEED);
        let snapshot = tgw::generate(&spec).expect("the estate generates");
        let dir = tempfile::tempdir().expect("a temporary directory");
        snapshot.write(dir.path()).expect("the estate is written");
        out.push(Subject {
            name: format!("synth-tgw-{}", spec.enis()),
            path: dir.path().to_owned(),
            _dir: Some(dir),
            // Across the peering (both gateways, both legs), and between isolated spokes.
            reachable: q(
                &tgw::spoke_host("us-east-1", 1, 0),
                &tgw::shared_host("eu-west-1"),
                "tcp",
                Some(443),
            ),
            unreachable: q(
                &tgw::spoke_host("us-east-1", 1, 0),
                &tgw::spoke_host("us-east-1", 2, 0),
                "tcp",
                Some(443),
            ),
            questions: tgw::questions(&spec, 1000, SEED),
            large: true,
        });
    }
    out
}

/// Loads and validates a network as `vpcverify query` does (errors are fatal), and indexes it.
pub fn load(path: &Path) -> (Network, NetworkIndex) {
    let loaded = vpcverify::ingest::load(path).expect("the network loads");
    let mut diags = loaded.diagnostics.clone();
    diags.extend(validate(&loaded.network));
    assert!(
        diags.iter().all(|d| d.severity != Severity::Error),
        "{} has errors",
        path.display()
    );
    let ix = NetworkIndex::new(&loaded.network);
    (loaded.network, ix)
}

/// The query spec of a question.
pub fn spec(question: &Question) -> QuerySpec {
    QuerySpec {
        from: question.from.clone(),
        to: question.to.clone(),
        protocol: ProtocolChoice::parse(question.protocol).expect("a protocol"),
        port: question.port.map(|p| PortRange::new(p, p).expect("a port")),
        src_port: None,
        one_way: false,
        want_proof: false,
        budget: None,
        through: Vec::new(),
        avoid: Vec::new(),
    }
}
