//! The synthetic estate generator of `examples/synth.rs` (shared with the benches): a small
//! estate lints clean, has exactly the interfaces asked for, is the same for the same seed, and
//! its named hosts answer as the benchmarks expect.

#[path = "../examples/synth/estate.rs"]
pub mod estate;

use crate::common::*;

fn generate(enis: usize, seed: u64) -> (tempfile::TempDir, estate::Snapshot) {
    let snapshot = estate::generate(&estate::Spec::new(enis, seed)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    snapshot.write(dir.path()).unwrap();
    (dir, snapshot)
}

#[test]
fn a_200_interface_estate_lints_with_no_errors_or_warnings() {
    let (dir, _) = generate(200, 7);
    vpcverify()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicates::str::contains("ok: 0 errors, 0 warnings"));
}

#[test]
fn the_estate_has_exactly_the_interfaces_asked_for() {
    for enis in [200, 457] {
        let (dir, _) = generate(enis, 3);
        let loaded = vpcverify::ingest::load(dir.path()).unwrap();
        assert_eq!(loaded.network.network_interfaces.len(), enis);
        assert!(loaded.network.instances.len() < enis);
        assert_eq!(loaded.network.vpcs.len(), estate::default_vpcs(enis));
    }
}

#[test]
fn the_same_seed_gives_the_same_snapshot_and_another_seed_another() {
    let a = estate::generate(&estate::Spec::new(300, 11)).unwrap();
    let b = estate::generate(&estate::Spec::new(300, 11)).unwrap();
    let c = estate::generate(&estate::Spec::new(300, 12)).unwrap();
    assert_eq!(a.files, b.files);
    assert_ne!(a.files, c.files);
}

#[test]
fn impossible_estates_are_errors_not_panics() {
    assert!(
        estate::generate(&estate::Spec {
            enis: 5,
            vpcs: 2,
            seed: 1
        })
        .is_err()
    );
    assert!(
        estate::generate(&estate::Spec {
            enis: 500,
            vpcs: 1,
            seed: 1
        })
        .is_err()
    );
    assert!(
        estate::generate(&estate::Spec {
            enis: 100_000,
            vpcs: 2,
            seed: 1
        })
        .is_err()
    );
}

#[test]
fn the_named_hosts_answer_as_the_benchmarks_expect() {
    let (dir, snapshot) = generate(400, 5);
    let expected = [0, 1, 0, 1, 0, 0, 0, 0];
    for (question, code) in snapshot.questions(expected.len(), 1).iter().zip(expected) {
        let mut cmd = vpcverify();
        cmd.arg("query").arg(dir.path());
        cmd.args([
            "--from",
            &question.from,
            "--to",
            &question.to,
            "--protocol",
            question.protocol,
        ]);
        if let Some(p) = question.port {
            cmd.args(["--port", &p.to_string()]);
        }
        cmd.assert().code(code);
    }
}

/// A directory is parsed keeping only the fields the loader reads, in parallel: it must lower to
/// exactly what the plain parse of every file gives.
#[test]
fn the_pruned_directory_load_equals_the_plain_parse() {
    let (estate_dir, _) = generate(300, 9);
    for dir in [path("tests/fixtures/moto-sample"), estate_dir.path().to_owned()] {
        let fast = vpcverify::ingest::aws::load_dir(&dir).unwrap();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let docs: Vec<_> = files
            .into_iter()
            .map(|p| {
                let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                (p.clone(), p.display().to_string(), v)
            })
            .collect();
        let plain = vpcverify::ingest::aws::load_files(&docs).unwrap();
        assert_eq!(fast.network, plain.network, "{}", dir.display());
        assert_eq!(fast.diagnostics, plain.diagnostics, "{}", dir.display());
    }
}
