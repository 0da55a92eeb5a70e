//! `vpcverify --version` and `vpcverify version` (issue #22): what a bug report needs to carry.

use crate::common::{root, vpcverify};

fn json() -> serde_json::Value {
    let out = vpcverify().args(["version", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `Z3_FULL_VERSION` of a `z3_version.h`, e.g. `4.8.12.0`.
fn header_version(header: &str) -> Option<String> {
    let text = std::fs::read_to_string(header).ok()?;
    let line = text.lines().find(|l| l.contains("Z3_FULL_VERSION"))?;
    let quoted = line.split('"').nth(1)?;
    Some(quoted.trim_start_matches("Z3 ").to_owned())
}

#[test]
fn dash_dash_version_is_the_crate_version() {
    let out = vpcverify().arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("vpcverify {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn the_json_names_the_version_the_linked_z3_and_the_features() {
    let v = json();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    let z3 = v["z3"]["version"].as_str().unwrap();
    let parts: Vec<u32> = z3.split('.').map(|p| p.parse().unwrap()).collect();
    assert_eq!(parts.len(), 4, "{z3}");
    assert!(parts[0] >= 4, "{z3}");
    let target = v["target"].as_str().unwrap();
    assert!(target.contains(std::env::consts::ARCH), "{target}");
    if cfg!(feature = "vendored-z3") {
        assert_eq!(v["z3"]["linked"], "static");
        assert_eq!(v["features"], serde_json::json!(["vendored-z3"]));
        // Built from z3-src's sources, never the system's 4.8 series.
        assert!(parts[0] >= 5 || (parts[0] == 4 && parts[1] >= 13), "{z3}");
    } else {
        assert_eq!(v["z3"]["linked"], "system");
        assert_eq!(v["features"], serde_json::json!([]));
        // The library found at run time is the one whose header the build compiled against.
        if let Some(h) = header_version("/usr/include/z3_version.h") {
            assert_eq!(z3, h);
        }
    }
}

#[test]
fn the_commit_is_the_checkouts_head() {
    let v = json();
    let commit = v["commit"].as_str().unwrap();
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8(o.stdout).unwrap().trim().to_owned());
    match head {
        // Built from this checkout: its HEAD, `-dirty` when tracked files differed at build time.
        Some(head) => assert!(
            commit == head || commit == format!("{head}-dirty"),
            "commit {commit}, HEAD {head}"
        ),
        None => assert_eq!(commit, "unknown"),
    }
}

#[test]
fn the_text_says_the_same_as_the_json() {
    let v = json();
    let out = vpcverify().arg("version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let z3 = v["z3"]["version"].as_str().unwrap();
    let linked = if v["z3"]["linked"] == "static" {
        "built in"
    } else {
        "system library"
    };
    let features = if cfg!(feature = "vendored-z3") {
        "vendored-z3"
    } else {
        "none"
    };
    assert_eq!(
        text,
        format!(
            "vpcverify {}\ncommit:   {}\nz3:       {z3} ({linked})\nfeatures: {features}\ntarget:   {}\n",
            env!("CARGO_PKG_VERSION"),
            v["commit"].as_str().unwrap(),
            v["target"].as_str().unwrap()
        )
    );
}
