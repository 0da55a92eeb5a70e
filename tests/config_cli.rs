//! `vpcverify.toml`: found from the working directory upward, flags win, `--config FILE`,
//! `--no-config`, an unknown key is an error naming the file, line and likely key.

use crate::common::{path, vpcverify};
use std::path::Path;

fn seed_lab() -> String {
    path("specs/seed-lab.toml").display().to_string()
}

/// A temporary tree with `vpcverify.toml` (holding `config`) at its root and an empty `a/b/`.
fn tree(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("vpcverify.toml"), config).unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    dir
}

fn run(cwd: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = vpcverify().current_dir(cwd).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn found_from_a_directory_below_and_said_so() {
    let dir = tree("[lint]\nformat = \"json\"\n");
    let (code, out, err) = run(&dir.path().join("a/b"), &["lint", &seed_lab()]);
    assert_eq!(code, Some(0), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("the file's format, json");
    assert_eq!(doc["errors"], 0);
    let file = dir.path().join("vpcverify.toml");
    assert!(
        err.contains(&format!(
            "vpcverify: note: defaults from {}: [lint] format",
            file.display()
        )),
        "{err}"
    );
}

#[test]
fn the_flag_wins_over_the_file() {
    let dir = tree("[lint]\nformat = \"json\"\n");
    let (code, out, err) = run(&dir.path().join("a"), &["lint", &seed_lab(), "--format", "text"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains(": ok: 0 errors"), "{out}");
    assert!(!err.contains("defaults from"), "no default was used: {err}");
}

#[test]
fn check_defaults_with_paths_relative_to_the_file() {
    let dir = tree("[check]\nformat = \"json\"\nreport = [\"junit=reports/out.xml\"]\njobs = 2\n");
    std::fs::create_dir(dir.path().join("reports")).unwrap();
    let suite = path("proofs/seed-lab.toml").display().to_string();
    let (code, out, err) = run(&dir.path().join("a/b"), &["check", &suite, "-q"]);
    assert_eq!(code, Some(1), "the seed lab's known violation: {err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(doc["summary"]["failed"].as_u64().unwrap() >= 1);
    let junit = std::fs::read_to_string(dir.path().join("reports/out.xml")).unwrap();
    assert!(junit.contains("<testsuites"), "{junit}");
    assert!(err.contains("[check] format, [check] jobs, [check] report"), "{err}");
}

#[test]
fn an_unknown_key_is_an_error_naming_file_line_and_likely_key() {
    let dir = tree("[check]\njobs = 2\nfromat = \"json\"\n");
    let (code, out, err) = run(&dir.path().join("a/b"), &["lint", &seed_lab()]);
    assert_eq!(code, Some(2));
    assert!(out.is_empty(), "{out}");
    let file = dir.path().join("vpcverify.toml");
    assert!(
        err.contains(&format!(
            "vpcverify: error: {}:3:1: unknown key `fromat` in [check]; did you mean `format`?",
            file.display()
        )),
        "{err}"
    );
}

#[test]
fn a_bad_value_is_an_error_naming_its_line() {
    let dir = tree("[query]\n\ntimeout = \"soon\"\n");
    let (code, _, err) = run(
        dir.path(),
        &["query", &seed_lab(), "--from", "internet", "--to", "web-server"],
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("vpcverify.toml:3:11: `timeout`:"), "{err}");
}

#[test]
fn no_config_skips_the_file_and_config_names_one() {
    let dir = tree("[lint]\nformat = \"yaml\"\n");
    let (code, _, err) = run(dir.path(), &["lint", &seed_lab()]);
    assert_eq!(code, Some(2), "the file is read: {err}");
    assert!(
        err.contains("`yaml` is not a format value here: `text`, `json`"),
        "{err}"
    );
    let (code, out, err) = run(dir.path(), &["lint", &seed_lab(), "--no-config"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains(": ok: 0 errors"), "{out}");
    let other = dir.path().join("a/other.toml");
    std::fs::write(&other, "[lint]\nformat = \"json\"\n").unwrap();
    let (code, out, err) = run(dir.path(), &["lint", &seed_lab(), "--config", other.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.trim_start().starts_with('{'), "{out}");
    let (code, _, err) = run(dir.path(), &["lint", &seed_lab(), "--config", "missing.toml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--config missing.toml: no such file"), "{err}");
}

#[test]
fn the_readme_example_is_a_valid_file() {
    let readme = std::fs::read_to_string(crate::common::root().join("README.md")).unwrap();
    let example = readme
        .split("## Configuration")
        .nth(1)
        .and_then(|s| s.split("```toml").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("the README's example vpcverify.toml");
    let dir = tree(example);
    let (code, out, err) = run(dir.path(), &["lint", &seed_lab()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains(": ok: 0 errors"), "{out}");
    assert!(err.contains("[lint] format, [lint] deny_warnings"), "{err}");
}

/// `[onprem]`: on-premises networks for every command; a `--onprem` of the same name wins, and a
/// value that is neither blocks nor a declaration is an error at its line.
#[test]
fn onprem_networks_from_the_file_and_the_flag_wins_by_name() {
    let vpn = path("tests/fixtures/moto-vpn").display().to_string();
    let ask = |cwd: &Path, extra: &[&str]| {
        let mut args = vec!["query", &vpn, "--from", "app-host", "--to", "dc", "--port", "443"];
        args.extend_from_slice(extra);
        run(cwd, &args)
    };
    // Without the file, `dc` names nothing.
    let bare = tempfile::tempdir().unwrap();
    assert_eq!(ask(bare.path(), &["--no-config"]).0, Some(2));
    // 10.99.0.0/16 is routed to the virtual private gateway; declared, it is reachable.
    let dir = tree("[onprem]\ndc = [\"10.99.0.0/16\"]\n");
    let (code, out, err) = ask(dir.path(), &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.starts_with("reachable"), "{out}");
    assert!(err.contains("[onprem] dc"), "{err}");
    // The flag's `dc` (a block no route sends to the gateway) replaces the file's.
    let (code, out, _) = ask(dir.path(), &["--onprem", "dc=172.31.0.0/16"]);
    assert_ne!(code, Some(0), "{out}");
    // A number is no network.
    let bad = tree("[lint]\n\n[onprem]\ndc = 42\n");
    let (code, _, err) = run(bad.path(), &["lint", &vpn]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("vpcverify.toml:4:6") && err.contains("onprem.dc"), "{err}");
}
