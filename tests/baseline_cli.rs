//! Accepted findings end to end: `check --baseline` (a previous JSON or SARIF report: its
//! violations are unchanged and do not fail the run, new ones do), a suite's `[[ignore]]` entries
//! (with a reason; an expired one accepts nothing), and choosing built-in rules
//! (`--builtin-rules`, `--skip`), the `--severity` threshold. Dates are far in the past or the future, so the tests do not
//! depend on today's.

use crate::common::*;
use crate::sarif_cli::assert_valid_sarif;
use serde_json::Value;
use std::path::{Path, PathBuf};

const SEED: &str = "specs/seed-lab.toml";

/// One assertion that holds and one known violation (ssh is open to the web server).
const ONE_VIOLATED: &str = r#"
name = "edge"

[[assert]]
name = "http open"
from = "internet"
to = "web-server"
port = 80
expect = "reachable"

[[assert]]
name = "ssh closed"
from = "internet"
to = "web-server"
port = 22
expect = "unreachable"
"#;

/// A second violation, appended to [`ONE_VIOLATED`].
const SECOND: &str = r#"
[[assert]]
name = "https closed"
from = "internet"
to = "web-server"
port = 443
expect = "unreachable"
"#;

/// Runs `check ARGS…` in the repository root: (exit code, stdout, stderr).
fn check(args: &[&str]) -> (i32, String, String) {
    let out = vpcverify()
        .arg("check")
        .args(args)
        .arg("-q")
        .env_remove("CI")
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let f = dir.join(name);
    std::fs::write(&f, text).unwrap();
    f
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `(name, status, accepted-by)` of every violation.
fn violations(v: &Value) -> Vec<(String, Option<String>)> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "violated")
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_owned(),
                r["accepted"]["by"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn a_baseline_accepts_the_known_violation_and_not_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let one = write(dir.path(), "one.toml", ONE_VIOLATED);
    let (code, report, _) = check(&[SEED, s(&one), "--format", "json"]);
    assert_eq!(code, 1);
    let as_json = write(dir.path(), "baseline.json", &report);
    let (code, sarif, _) = check(&[SEED, s(&one), "--format", "sarif"]);
    assert_eq!(code, 1);
    let as_sarif = write(dir.path(), "baseline.sarif", &sarif);

    for baseline in [&as_json, &as_sarif] {
        // The known violation: accepted, exit 0.
        let (code, out, err) = check(&[SEED, s(&one), "--baseline", s(baseline), "--format", "json"]);
        assert_eq!(code, 0, "{err}");
        let v = json(&out);
        assert_eq!(
            violations(&v),
            vec![("ssh closed".to_owned(), Some("baseline".to_owned()))]
        );
        assert_eq!(v["summary"]["failed"], 0);
        assert_eq!(v["summary"]["accepted"], 1);

        // A second violation appears: it fails the run, the first stays accepted.
        let two = write(dir.path(), "two.toml", &format!("{ONE_VIOLATED}{SECOND}"));
        let (code, out, _) = check(&[SEED, s(&two), "--baseline", s(baseline), "--format", "json"]);
        assert_eq!(code, 1);
        assert_eq!(
            violations(&json(&out)),
            vec![
                ("ssh closed".to_owned(), Some("baseline".to_owned())),
                ("https closed".to_owned(), None)
            ]
        );
        let (code, out, _) = check(&[SEED, s(&two), "--baseline", s(baseline), "--format", "sarif"]);
        assert_eq!(code, 1);
        let log = json(&out);
        assert_valid_sarif(&log);
        let states: Vec<&str> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["baselineState"].as_str().unwrap())
            .collect();
        assert_eq!(states, vec!["unchanged", "new"]);

        // The text report says which is which.
        let (code, text, _) = check(&[SEED, s(&two), "--baseline", s(baseline)]);
        assert_eq!(code, 1);
        assert!(text.contains("accepted  ssh closed"), "{text}");
        assert!(text.contains("accepted (unchanged: in the baseline)"), "{text}");
        assert!(text.contains("VIOLATED  https closed"), "{text}");
        assert!(text.contains("1 passed, 1 failed, 0 unknown, 1 accepted"), "{text}");
    }
}

#[test]
fn an_ignore_accepts_a_violation_until_it_expires() {
    let dir = tempfile::tempdir().unwrap();
    let ignore = |expires: &str| {
        format!(
            "{ONE_VIOLATED}\n[[ignore]]\nrule = \"ssh closed\"\nfrom = \"internet\"\nreason = \"the bastion, until the VPN\"\n{expires}\n"
        )
    };
    // No date, a date far ahead: accepted, exit 0.
    for expires in ["", "expires = \"2999-12-31\"", "expires = 2999-12-31"] {
        let f = write(dir.path(), "ignored.toml", &ignore(expires));
        let (code, out, err) = check(&[SEED, s(&f), "--format", "json"]);
        assert_eq!(code, 0, "{expires}: {err}");
        let v = json(&out);
        assert_eq!(
            violations(&v),
            vec![("ssh closed".to_owned(), Some("ignore".to_owned()))]
        );
        assert_eq!(v["results"][1]["accepted"]["reason"], "the bastion, until the VPN");
    }
    let f = write(dir.path(), "ignored.toml", &ignore("expires = \"2999-12-31\""));
    let (code, out, _) = check(&[SEED, s(&f), "--format", "sarif"]);
    assert_eq!(code, 0);
    let log = json(&out);
    assert_valid_sarif(&log);
    let sup = &log["runs"][0]["results"][0]["suppressions"][0];
    assert_eq!(sup["kind"], "inSource");
    assert_eq!(sup["justification"], "the bastion, until the VPN (until 2999-12-31)");

    // Expired: the violation fails the run again, and a note says why.
    let f = write(dir.path(), "expired.toml", &ignore("expires = \"2000-01-01\""));
    let (code, out, err) = check(&[SEED, s(&f), "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(violations(&json(&out)), vec![("ssh closed".to_owned(), None)]);
    assert!(err.contains("expired on 2000-01-01"), "{err}");

    // An entry for another endpoint accepts nothing.
    let other = format!("{ONE_VIOLATED}\n[[ignore]]\nrule = \"ssh closed\"\nfrom = \"db-server\"\nreason = \"x\"\n");
    let f = write(dir.path(), "other.toml", &other);
    assert_eq!(check(&[SEED, s(&f)]).0, 1);

    // A built-in rule by its id.
    let f = write(
        dir.path(),
        "builtin.toml",
        &format!("{ONE_VIOLATED}\n[[ignore]]\nrule = \"VPCV-001\"\nreason = \"bastion\"\n"),
    );
    let (code, out, _) = check(&[SEED, s(&f), "--builtin", "--format", "json"]);
    let v = json(&out);
    let builtin: Vec<_> = violations(&v)
        .into_iter()
        .filter(|(n, _)| n.starts_with("VPCV-001"))
        .collect();
    assert!(!builtin.is_empty());
    assert!(
        builtin.iter().all(|(_, by)| by.as_deref() == Some("ignore")),
        "{builtin:?}"
    );
    assert_eq!(code, 1, "the suite's own violation and VPCV-005 still fail");
}

#[test]
fn bad_ignores_and_baselines_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for (entry, message) in [
        ("rule = \"ssh closed\"", "missing field `reason`"),
        (
            "rule = \"ssh closed\"\nreason = \"x\"\nexpires = \"2024-02-30\"",
            "expected a date YYYY-MM-DD",
        ),
        ("rule = \"ssh closed\"\nreason = \"  \"", "`reason` is empty"),
        (
            "rule = \"ssh closed\"\nreason = \"x\"\nuntil = \"2024-01-01\"",
            "unknown field `until`",
        ),
    ] {
        let f = write(
            dir.path(),
            "bad.toml",
            &format!("{ONE_VIOLATED}\n[[ignore]]\n{entry}\n"),
        );
        let (code, _, err) = check(&[SEED, s(&f)]);
        assert_eq!(code, 2, "{entry}");
        assert!(err.contains("bad.toml:") && err.contains(message), "{entry}: {err}");
    }
    let one = write(dir.path(), "one.toml", ONE_VIOLATED);
    for (name, text, message) in [
        ("broken.json", "{", "not a JSON or SARIF report"),
        ("other.json", "{\"x\": 1}", "not a vpcverify report"),
    ] {
        let f = write(dir.path(), name, text);
        let (code, _, err) = check(&[SEED, s(&one), "--baseline", s(&f)]);
        assert_eq!(code, 2);
        assert!(err.contains(name) && err.contains(message), "{err}");
    }
    let (code, _, err) = check(&[SEED, s(&one), "--baseline", "no-such-baseline.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-baseline.json"), "{err}");
}

#[test]
fn built_in_rules_can_be_chosen_and_skipped() {
    let rules_of = |args: &[&str]| {
        let mut all = vec![SEED];
        all.extend(args);
        all.extend(["--format", "json"]);
        let (_, out, err) = check(&all);
        let v = json(&out);
        let mut ids: Vec<String> = v["results"]
            .as_array()
            .unwrap_or_else(|| panic!("{err}"))
            .iter()
            .map(|r| r["rule"]["id"].as_str().unwrap().to_owned())
            .collect();
        ids.dedup();
        ids
    };
    let all = rules_of(&["--builtin"]);
    // The seed lab's default groups have no members: no VPCV-004 assertion; one VPC: no
    // VPCV-012 assertion.
    assert_eq!(
        all,
        vec![
            "VPCV-001", "VPCV-002", "VPCV-003", "VPCV-005", "VPCV-007", "VPCV-008", "VPCV-009", "VPCV-010", "VPCV-011",
            "VPCV-013"
        ]
    );
    assert_eq!(
        rules_of(&["--builtin-rules", "VPCV-001,VPCV-003"]),
        vec!["VPCV-001", "VPCV-003"]
    );
    assert_eq!(
        rules_of(&["--builtin", "--skip", "VPCV-001,VPCV-005,VPCV-008,VPCV-010"]),
        vec!["VPCV-002", "VPCV-003", "VPCV-007", "VPCV-009", "VPCV-011", "VPCV-013"]
    );
    let (code, _, err) = check(&[SEED, "--builtin", "--skip", "VPCV-999"]);
    assert_eq!(code, 2);
    assert!(err.contains("--skip: no built-in rule `VPCV-999`"), "{err}");
}

#[test]
fn a_severity_threshold_accepts_the_less_severe_violations() {
    // The seed lab's suite and pack: one medium violation (the database's https), two critical
    // ones (VPCV-001: a high rule, but SSH open to every internet address is critical, EXP-4),
    // two high ones (VPCV-008, port 22 is not authorised) and two medium configuration facts
    // (VPCV-009 the default group's rules, VPCV-010 the public subnet's auto-assigned addresses).
    let run = |level: &str| {
        let (code, out, _) = check(&[
            SEED,
            "proofs/seed-lab.toml",
            "--builtin",
            "--severity",
            level,
            "--format",
            "json",
        ]);
        let v = json(&out);
        let accepted: Vec<String> = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["accepted"]["by"] == "severity")
            .map(|r| r["rule"]["severity"].as_str().unwrap().to_owned())
            .collect();
        (code, v["summary"]["failed"].as_u64().unwrap(), accepted)
    };
    let m = || "medium".to_owned();
    let h = || "high".to_owned();
    assert_eq!(run("low"), (1, 7, vec![]));
    assert_eq!(run("medium"), (1, 7, vec![]));
    assert_eq!(run("high"), (1, 4, vec![m(), m(), m()]));
    assert_eq!(run("critical"), (1, 2, vec![m(), h(), h(), m(), m()]));
    let (code, _, err) = check(&[SEED, "--builtin", "--severity", "severe"]);
    assert_eq!(code, 2);
    assert!(err.contains("severe"), "{err}");
}
