//! Issue #17: the snapshot cache. A changed, added or removed input file misses; a corrupt or
//! foreign cache file is ignored with a warning and the answer is still right; `--no-cache`
//! writes nothing; a hit gives back exactly the network a load gives.

use crate::common::*;
use crate::synth_estate::estate;
use std::path::{Path, PathBuf};

/// A small synthetic estate in a temporary directory.
fn estate_dir() -> tempfile::TempDir {
    let snapshot = estate::generate(&estate::Spec::new(200, 5)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    snapshot.write(dir.path()).unwrap();
    dir
}

/// `query --verbose` internet -> the web server on tcp 443, caching into `cache` whatever the
/// input's size; returns (exit code, stdout, stderr).
fn ask(net: &Path, cache: &Path, extra: &[&str]) -> (i32, String, String) {
    let out = vpcverify()
        .env("VPCVERIFY_CACHE_MIN_BYTES", "0")
        .args([
            "query",
            "--verbose",
            "--from",
            "internet",
            "--to",
            estate::WEB,
            "--port",
            "443",
        ])
        .arg("--cache-dir")
        .arg(cache)
        .args(extra)
        .arg(net)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The snapshot files in `cache` (not the input-hash memos beside them).
fn snapshots(cache: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(cache)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "vpcv-snapshot"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn status_line(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.starts_with("vpcverify: snapshot cache:"))
        .unwrap_or_else(|| panic!("no cache status line in:\n{stderr}"))
}

#[test]
fn the_second_command_hits_and_one_changed_byte_misses() {
    let net = estate_dir();
    let cache = tempfile::tempdir().unwrap();
    let (code, first_out, err) = ask(net.path(), cache.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(status_line(&err).contains("miss, wrote"), "{err}");
    assert_eq!(snapshots(cache.path()).len(), 1);

    let (code, out, err) = ask(net.path(), cache.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(status_line(&err).contains("hit"), "{err}");
    assert_eq!(out, first_out, "a hit answers exactly as the load did");

    // One byte of one file: a space of the indentation becomes a newline (the same document,
    // other bytes).
    let file = net.path().join("describe-subnets.json");
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.iter().position(|&b| b == b' ').unwrap();
    bytes[at] = b'\n';
    std::fs::write(&file, &bytes).unwrap();
    let (code, out, err) = ask(net.path(), cache.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(status_line(&err).contains("miss, wrote"), "{err}");
    assert_eq!(out, first_out);
    assert_eq!(snapshots(cache.path()).len(), 2, "a new snapshot beside the old one");
}

/// The counts of files hashed and of files whose hash the memo gave, from `--verbose`.
fn hashed_and_remembered(stderr: &str) -> (usize, usize) {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("vpcverify: load: hash"))
        .unwrap_or_else(|| panic!("no load line in:\n{stderr}"));
    let number_before = |what: &str| -> usize {
        let end = line.find(what).unwrap_or_else(|| panic!("no `{what}` in {line}"));
        line[..end]
            .trim_end()
            .rsplit([' ', '(', ';'])
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    (number_before(" files hashed"), number_before(" unchanged since hashed"))
}

/// Sets every file of `dir` to the same old modification time (so that none is racily clean).
fn age_files(dir: &Path, secs: u64) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let f = std::fs::File::options().append(true).open(e.path()).unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
            .unwrap();
    }
}

/// Issue #17: a hit does not hash unchanged input files again (their hash is remembered by
/// their metadata, `ingest::memo`); a file whose bytes changed but whose size and modification
/// time were put back (`touch -d`) has a new status-change time, so it is hashed again and the
/// cache misses: the answer follows the new bytes.
#[cfg(unix)]
#[test]
fn unchanged_files_are_not_hashed_again_and_a_restored_mtime_does_not_hide_a_change() {
    let net = estate_dir();
    age_files(net.path(), 1_600_000_000);
    let cache = tempfile::tempdir().unwrap();
    let (code, first_out, err) = ask(net.path(), cache.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let files = hashed_and_remembered(&err).0;
    assert!(files > 5, "{err}");
    // The memo may have been written in the clock tick in which the files' status last changed;
    // then they are hashed again once ("racily clean") and remembered after that.
    let mut remembered = false;
    for _ in 0..3 {
        std::thread::sleep(std::time::Duration::from_millis(20));
        let (code, out, err) = ask(net.path(), cache.path(), &[]);
        assert_eq!(code, 0, "{err}");
        assert!(status_line(&err).contains("hit"), "{err}");
        assert_eq!(out, first_out);
        if hashed_and_remembered(&err) == (0, files) {
            remembered = true;
            break;
        }
    }
    assert!(remembered, "unchanged files are not hashed again");

    // One byte of `describe-internet-gateways.json` changes: the last character of the id of
    // the internet gateway the answer goes through, so that the routes to it name a gateway the
    // snapshot no longer has. Size and modification time are put back.
    let igw = first_out
        .split_whitespace()
        .find(|w| w.starts_with("igw-"))
        .unwrap()
        .to_owned();
    let file = net.path().join("describe-internet-gateways.json");
    let before = std::fs::metadata(&file).unwrap();
    let mut text = std::fs::read_to_string(&file).unwrap();
    let end = text.find(&format!("\"InternetGatewayId\": \"{igw}\"")).unwrap()
        + "\"InternetGatewayId\": \"".len()
        + igw.len();
    let other = if text[..end].ends_with('0') { "1" } else { "0" };
    text.replace_range(end - 1..end, other);
    std::fs::write(&file, &text).unwrap();
    let f = std::fs::File::options().append(true).open(&file).unwrap();
    f.set_modified(before.modified().unwrap()).unwrap();
    let after = std::fs::metadata(&file).unwrap();
    assert_eq!(
        (after.len(), after.modified().unwrap()),
        (before.len(), before.modified().unwrap())
    );

    let (code, out, err) = ask(net.path(), cache.path(), &[]);
    assert!(status_line(&err).contains("miss, wrote"), "{err}");
    assert_eq!(hashed_and_remembered(&err), (1, files - 1), "{err}");
    assert_ne!(out, first_out, "{out}");
    assert_ne!(code, 0, "{out}\n{err}");
}

#[test]
fn an_added_or_removed_file_misses_and_the_answer_follows_the_input() {
    let net = estate_dir();
    let cache = tempfile::tempdir().unwrap();
    let (code, _, err) = ask(net.path(), cache.path(), &[]);
    assert_eq!(code, 0, "{err}");

    // An added file, even one that adds nothing: a miss.
    std::fs::write(net.path().join("extra.json"), "{\"Vpcs\": []}\n").unwrap();
    let (code, _, err) = ask(net.path(), cache.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(status_line(&err).contains("miss, wrote"), "{err}");

    // A removed file: without `describe-internet-gateways` the web server's address is no longer
    // mapped by an internet gateway, so the answer is unreachable (IGW-2), not the cached
    // reachable.
    std::fs::remove_file(net.path().join("describe-internet-gateways.json")).unwrap();
    let (code, out, err) = ask(net.path(), cache.path(), &[]);
    assert!(status_line(&err).contains("miss, wrote"), "{err}");
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.starts_with("unreachable") && out.contains("IGW-2"), "{out}");
}

#[test]
fn a_corrupt_cache_file_is_ignored_with_a_warning_and_replaced() {
    let net = estate_dir();
    let cache = tempfile::tempdir().unwrap();
    let (_, first_out, _) = ask(net.path(), cache.path(), &[]);
    let file = snapshots(cache.path()).pop().unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x5a;
    std::fs::write(&file, &bytes).unwrap();

    let (code, out, err) = ask(net.path(), cache.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: ignoring the snapshot cache file") && err.contains("checksum mismatch"),
        "{err}"
    );
    assert_eq!(out, first_out, "the answer of a load, not of the corrupt file");
    assert!(status_line(&err).contains("miss, wrote"), "{err}");
    let (_, _, err) = ask(net.path(), cache.path(), &[]);
    assert!(status_line(&err).contains("hit"), "replaced by a good one: {err}");
}

#[test]
fn a_foreign_or_truncated_cache_file_is_not_trusted() {
    let net = estate_dir();
    let cache = tempfile::tempdir().unwrap();
    ask(net.path(), cache.path(), &[]);
    let file = snapshots(cache.path()).pop().unwrap();
    let good = std::fs::read(&file).unwrap();

    std::fs::write(&file, b"{\"Vpcs\": []}").unwrap();
    let (code, _, err) = ask(net.path(), cache.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("not a vpcverify snapshot cache file"), "{err}");

    std::fs::write(&file, &good[..good.len() / 2]).unwrap();
    let (code, _, err) = ask(net.path(), cache.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("truncated"), "{err}");
}

#[test]
fn no_cache_reads_and_writes_nothing() {
    let net = estate_dir();
    let cache = tempfile::tempdir().unwrap();
    let out = vpcverify()
        .env("VPCVERIFY_CACHE_MIN_BYTES", "0")
        .env("VPCVERIFY_CACHE_DIR", cache.path())
        .args([
            "query",
            "--no-cache",
            "--verbose",
            "--from",
            "internet",
            "--to",
            estate::WEB,
            "--port",
            "443",
        ])
        .arg(net.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(status_line(&err).contains("disabled"), "{err}");
    assert!(snapshots(cache.path()).is_empty());
    // The environment variable alone does cache.
    let out = vpcverify()
        .env("VPCVERIFY_CACHE_MIN_BYTES", "0")
        .env("VPCVERIFY_CACHE_DIR", cache.path())
        .args(["lint", "--verbose"])
        .arg(net.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(snapshots(cache.path()).len(), 1);
}

#[test]
fn a_small_input_is_not_cached_by_default() {
    let cache = tempfile::tempdir().unwrap();
    vpcverify()
        .env_remove("VPCVERIFY_CACHE_MIN_BYTES")
        .args(["lint", "--verbose", "--cache-dir"])
        .arg(cache.path())
        .arg(path("specs/seed-lab.toml"))
        .assert()
        .code(0)
        .stderr(predicates::str::contains("snapshot cache: not used: the input is"));
    assert!(snapshots(cache.path()).is_empty());
}

#[test]
fn lint_answers_the_same_from_the_cache() {
    let net = estate_dir();
    let cache = tempfile::tempdir().unwrap();
    let lint = || {
        vpcverify()
            .env("VPCVERIFY_CACHE_MIN_BYTES", "0")
            .args(["lint", "--format", "json", "--cache-dir"])
            .arg(cache.path())
            .arg(net.path())
            .output()
            .unwrap()
    };
    let (a, b) = (lint(), lint());
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(snapshots(cache.path()).len(), 1);
    assert_eq!(a.stdout, b.stdout);
}

/// A hit gives back the very network, ingest diagnostics and validation a load gives: on the
/// estates, the bundled specs and fixtures of each format.
#[test]
fn a_hit_is_the_network_a_load_gives() {
    let estate = estate_dir();
    let tgw = tempfile::tempdir().unwrap();
    crate::synth_estate::tgw::generate(&crate::synth_estate::tgw::Spec::for_enis(300, 4, 2))
        .unwrap()
        .write(tgw.path())
        .unwrap();
    let inputs: Vec<PathBuf> = vec![
        estate.path().to_path_buf(),
        tgw.path().to_path_buf(),
        path("specs/seed-lab.toml"),
        path("tests/fixtures/moto-sample"),
        path("tests/fixtures/moto-tgw"),
        path("tests/fixtures/onprem"),
        // Edge-associated route tables, addresses known only after apply, load balancers, VPN,
        // Block Public Access: each shape the cache writes without field names.
        path("tests/fixtures/aws/merged.json"),
        path("tests/fixtures/terraform/seed-lab.plan.json"),
        path("tests/fixtures/terraform/tgw.plan.json"),
        path("tests/fixtures/moto-elb"),
        path("tests/fixtures/moto-vpn"),
        path("tests/fixtures/bpa/network.json"),
    ];
    for input in &inputs {
        assert!(input.exists(), "{input:?}");
        let cache = tempfile::tempdir().unwrap();
        let options = vpcverify::ingest::LoadOptions {
            cache: vpcverify::ingest::cache::CacheOptions {
                dir: Some(cache.path().to_path_buf()),
                min_bytes: 0,
                verbose: false,
            },
            ..Default::default()
        };
        let (miss, r1) = vpcverify::ingest::cache::load(input, &options, &options.cache).unwrap();
        let (hit, r2) = vpcverify::ingest::cache::load(input, &options, &options.cache).unwrap();
        assert!(
            matches!(r1.status, vpcverify::ingest::cache::CacheStatus::Written(_)),
            "{input:?}: {:?}",
            r1.status
        );
        assert!(
            matches!(r2.status, vpcverify::ingest::cache::CacheStatus::Hit(_)),
            "{input:?}: {:?}",
            r2.status
        );
        assert_eq!(hit.loaded.network, miss.loaded.network, "{input:?}");
        assert_eq!(hit.loaded.diagnostics, miss.loaded.diagnostics, "{input:?}");
        assert_eq!(hit.loaded.source, miss.loaded.source, "{input:?}");
        assert_eq!(hit.validation, miss.validation, "{input:?}");
        assert_eq!(hit.index, miss.index, "{input:?}");
        // And both are what a load without the cache gives.
        let direct = vpcverify::ingest::load_with(input, &Default::default()).unwrap();
        assert_eq!(hit.loaded.network, direct.network, "{input:?}");
        assert_eq!(
            hit.validation,
            vpcverify::model::validate::validate(&direct.network),
            "{input:?}"
        );
        assert_eq!(
            hit.index,
            vpcverify::model::NetworkIndex::new(&direct.network),
            "{input:?}"
        );
    }
}
