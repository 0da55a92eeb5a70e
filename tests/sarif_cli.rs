//! `vpcverify check --format sarif` as GitHub code scanning reads it: every report validates
//! against the SARIF 2.1.0 schema (vendored from the `serde-sarif` crate, see
//! `tests/fixtures/sarif/NOTES.md`); artifact URIs are relative to the repository root (`.git`
//! found upward from the suite, or `--source-root`), carry `uriBaseId` `%SRCROOT%` and are
//! percent-encoded, so that they resolve from the root whatever the working directory and the
//! file names; a built-in finding on a `describe-*` input points at the interface's line; the
//! run's `automationDetails.id` comes from the suite's name or `--sarif-category`, not its path.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const SCHEMA: &str = "tests/fixtures/sarif/sarif-schema-2.1.0.json";
/// The interface of moto-sample's `web` group.
const WEB_ENI: &str = "eni-4e74616edd4b03e99";

/// Validates a SARIF log against the 2.1.0 schema; panics with every error.
pub fn assert_valid_sarif(log: &Value) {
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path(SCHEMA)).unwrap()).unwrap();
    // The published schema's `language` patterns have a stray `]`, a literal `]` in ECMAScript's
    // lenient (Annex B) reading but not a valid `regex` format for `jsonschema`'s meta-schema
    // check: the same pattern with the `]` escaped (the file itself stays as published).
    let fixed = escape_stray_bracket(&mut schema);
    assert_eq!(fixed, 2, "the schema's known erratum moved");
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "not valid SARIF 2.1.0:\n{}", errors.join("\n"));
}

/// Escapes the stray `]` of the `language` patterns; returns how many it fixed.
fn escape_stray_bracket(v: &mut Value) -> usize {
    const STRAY: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        Value::Object(m) => m
            .iter_mut()
            .map(|(k, x)| {
                if k == "pattern" && x == STRAY {
                    *x = Value::from(r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\]?$");
                    1
                } else {
                    escape_stray_bracket(x)
                }
            })
            .sum(),
        Value::Array(a) => a.iter_mut().map(escape_stray_bracket).sum(),
        _ => 0,
    }
}

/// A repository in a temp dir (a `.git` directory is all `check` looks for): the moto sample,
/// edited so that the `web` group lets ssh in from anywhere (a VPCV-001 finding), under
/// `net dir #1/`, and a suite `suites/my suite #2.toml` naming it, with one violated assertion.
fn repository() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let net = repo.join("net dir #1");
    std::fs::create_dir_all(&net).unwrap();
    for entry in std::fs::read_dir(path("tests/fixtures/moto-sample")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".json") {
            continue;
        }
        let mut text = std::fs::read_to_string(entry.path()).unwrap();
        // moto's web group admits ssh from a prefix list only; open it to the internet.
        if name == "describe-security-groups.json" {
            let from = "\"ToPort\": 22,\n          \"UserIdGroupPairs\": [],\n          \"IpRanges\": [],";
            assert!(text.contains(from));
            text = text.replacen(
                from,
                "\"ToPort\": 22,\n          \"UserIdGroupPairs\": [],\n          \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}],",
                1,
            );
        }
        if name == "describe-security-group-rules.json" {
            let from = "\"PrefixListId\": \"pl-4153c4e2ed93e04bb\",";
            assert!(text.contains(from));
            text = text.replacen(from, "\"CidrIpv4\": \"0.0.0.0/0\",", 1);
        }
        std::fs::write(net.join(&name), text).unwrap();
    }
    let suites = repo.join("suites");
    std::fs::create_dir_all(&suites).unwrap();
    std::fs::write(
        suites.join("my suite #2.toml"),
        format!(
            r#"name = "edge"
network = "../net dir #1"

[[assert]]
name = "no ssh to web"
from = "internet"
to = "{WEB_ENI}"
port = 22
expect = "unreachable"
"#
        ),
    )
    .unwrap();
    (dir, repo)
}

/// Runs `check ARGS…` in `cwd`: (exit code, SARIF log).
fn sarif(cwd: &Path, args: &[&str]) -> (i32, Value) {
    let out = vpcverify()
        .arg("check")
        .args(args)
        .args(["--format", "sarif", "-q"])
        .env_remove("CI")
        .current_dir(cwd)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let log = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), log)
}

fn locations(log: &Value) -> Vec<(String, &Value)> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                &r["locations"][0]["physicalLocation"],
            )
        })
        .collect()
}

/// The file a location names, resolved from `root` as code scanning does.
fn resolve(root: &Path, loc: &Value) -> PathBuf {
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%", "{loc}");
    let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
    assert!(!uri.contains(' ') && !uri.contains('#'), "not percent-encoded: {uri}");
    let decoded = percent_encoding::percent_decode_str(uri).decode_utf8().unwrap();
    root.join(decoded.as_ref())
}

#[test]
fn a_report_from_a_subdirectory_validates_and_its_uris_resolve_from_the_repository_root() {
    let (_dir, repo) = repository();
    let (code, log) = sarif(&repo.join("suites"), &["my suite #2.toml", "--builtin"]);
    assert_eq!(code, 1);
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap();
    assert!(base.starts_with("file:///") && base.ends_with("/repo/"), "{base}");
    let locs = locations(&log);
    let ids: Vec<&str> = locs.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "edge/no-ssh-to-web",
            "VPCV-001",
            "VPCV-008",
            "VPCV-009",
            "VPCV-009",
            "VPCV-009",
            "VPCV-010",
            "VPCV-010",
            "VPCV-010",
            "VPCV-010",
            "VPCV-010",
            "VPCV-010",
            "VPCV-010"
        ]
    );
    // The suite's finding: its assertion's line in the suite.
    let (_, suite_loc) = &locs[0];
    assert_eq!(suite_loc["artifactLocation"]["uri"], "suites/my%20suite%20%232.toml");
    assert_eq!(resolve(&repo, suite_loc), repo.join("suites/my suite #2.toml"));
    assert_eq!(suite_loc["region"]["startLine"], 4);
    // The built-in finding: the interface's line in describe-network-interfaces.json.
    let (_, eni_loc) = &locs[1];
    assert_eq!(
        eni_loc["artifactLocation"]["uri"],
        "net%20dir%20%231/describe-network-interfaces.json"
    );
    let file = resolve(&repo, eni_loc);
    let text = std::fs::read_to_string(&file).unwrap();
    let line = eni_loc["region"]["startLine"].as_u64().unwrap() as usize;
    let column = eni_loc["region"]["startColumn"].as_u64().unwrap() as usize;
    let at = text.lines().nth(line - 1).unwrap();
    assert!(at.contains("\"NetworkInterfaceId\""), "line {line}: {at}");
    assert_eq!(&at[column - 1..], format!("\"{WEB_ENI}\","), "line {line}: {at}");
}

#[test]
fn source_root_overrides_the_repository_found_from_git() {
    let (_dir, repo) = repository();
    let (code, log) = sarif(
        &repo,
        &["suites/my suite #2.toml", "--builtin", "--source-root", "net dir #1"],
    );
    assert_eq!(code, 1);
    assert_valid_sarif(&log);
    let locs = locations(&log);
    // The suite is outside that root: an absolute file URI, no base.
    let suite_uri = locs[0].1["artifactLocation"]["uri"].as_str().unwrap();
    assert!(
        suite_uri.starts_with("file:///") && suite_uri.ends_with("/repo/suites/my%20suite%20%232.toml"),
        "{suite_uri}"
    );
    assert!(locs[0].1["artifactLocation"]["uriBaseId"].is_null());
    assert_eq!(locs[1].1["artifactLocation"]["uri"], "describe-network-interfaces.json");
    assert_eq!(
        resolve(&repo.join("net dir #1"), locs[1].1),
        repo.join("net dir #1/describe-network-interfaces.json")
    );

    let out = vpcverify()
        .args([
            "check",
            "suites/my suite #2.toml",
            "--format",
            "sarif",
            "--source-root",
            "nowhere",
        ])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--source-root nowhere"));
}

#[test]
fn the_category_is_the_suite_name_whatever_the_file_is_called_or_the_flag() {
    let (_dir, repo) = repository();
    let suites = repo.join("suites");
    let (_, log) = sarif(&suites, &["my suite #2.toml"]);
    assert_eq!(log["runs"][0]["automationDetails"]["id"], "vpcverify/edge/");
    std::fs::rename(suites.join("my suite #2.toml"), suites.join("renamed.toml")).unwrap();
    let (_, log) = sarif(&suites, &["renamed.toml"]);
    assert_eq!(log["runs"][0]["automationDetails"]["id"], "vpcverify/edge/");
    let (_, log) = sarif(&suites, &["renamed.toml", "--sarif-category", "network/prod"]);
    assert_eq!(log["runs"][0]["automationDetails"]["id"], "network/prod/");
    assert_valid_sarif(&log);
}

#[test]
fn the_bundled_reports_validate() {
    for args in [
        vec!["specs/seed-lab.toml", "proofs/seed-lab.toml", "--builtin"],
        vec!["tests/fixtures/check/small.toml"],
        vec!["tests/fixtures/moto-sample", "--builtin"],
    ] {
        let (_, log) = sarif(&root(), &args);
        assert_valid_sarif(&log);
    }
}
