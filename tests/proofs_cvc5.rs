//! Issue #13 point 7: a proof covers the whole question, and a second solver re-checks it. The
//! SMT-LIB2 file `query --emit-smt2` writes for an unreachable seed-lab question is `unsat` under
//! cvc5 (not Z3: `.ci/run` installs cvc5 from PyPI in a venv and names it in
//! `VPCVERIFY_CVC5_VENV`); with the definition of the filter that blocks the remaining packets
//! deleted it is `sat`, and with the definition of a filter that only shadows another deleted it
//! stays `unsat`.

use crate::common::{path, vpcverify};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The venv's `python3` that imports cvc5: `VPCVERIFY_CVC5_VENV`, else CI's cache location.
fn cvc5_python() -> Option<PathBuf> {
    let venv = match std::env::var_os("VPCVERIFY_CVC5_VENV") {
        Some(v) => PathBuf::from(v),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cache/vpcverify-ci/cvc5venv-1.4.2"),
    };
    let python = venv.join("bin/python3");
    python.is_file().then_some(python)
}

fn cvc5(python: &Path, file: &Path) -> String {
    let out = Command::new(python)
        .arg(path("tests/fixtures/proofs/cvc5_check.py"))
        .arg(file)
        .output()
        .unwrap();
    assert!(out.status.success(), "cvc5: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// The proof without the assertion under the comment line starting with `comment`.
fn without(proof: &str, comment: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    let mut removed = 0;
    for line in proof.lines() {
        if line.starts_with("; ") && !line.starts_with("; vpcverify") {
            skipping = line.starts_with(comment);
            removed += usize::from(skipping);
        } else if line.starts_with("(check-sat") {
            skipping = false;
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert_eq!(removed, 1, "no single assertion under `{comment}` in\n{proof}");
    out
}

#[test]
fn an_unreachable_seed_lab_proof_is_unsat_under_cvc5_and_sat_without_its_blocking_filter() {
    let Some(python) = cvc5_python() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the second-solver test: set VPCVERIFY_CVC5_VENV to a venv with cvc5 (.ci/run does)"
        );
        eprintln!("second-solver test skipped: no venv with cvc5 (set VPCVERIFY_CVC5_VENV)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("proof.smt2");
    let status = vpcverify()
        .args([
            "query",
            "specs/seed-lab.toml",
            "--from",
            "web-server",
            "--to",
            "db-server",
        ])
        .args(["--one-way", "--port", "1000-1100", "--emit-smt2"])
        .arg(&file)
        .current_dir(path(""))
        .output()
        .unwrap()
        .status;
    assert_eq!(status.code(), Some(1));
    let proof = std::fs::read_to_string(&file).unwrap();
    // The file covers the branches the walk pruned too.
    assert!(proof.contains("branch(es) it pruned"), "{proof}");
    assert_eq!(cvc5(&python, &file), "unsat");
    assert_eq!(vpcverify::smt::recheck_proof(&proof), Ok(true));
    // Without the definition of the database's security group, ports 1024-1100 get through.
    let open = dir.path().join("open.smt2");
    std::fs::write(&open, without(&proof, "; filter: security groups [sg-DBSG]")).unwrap();
    assert_eq!(cvc5(&python, &open), "sat");
    // Without the public ACL's outbound definition the group still refuses every port.
    let shadowed = dir.path().join("shadowed.smt2");
    std::fs::write(
        &shadowed,
        without(&proof, "; filter: network ACL acl-public-acl outbound"),
    )
    .unwrap();
    assert_eq!(cvc5(&python, &shadowed), "unsat");
}

#[test]
fn a_round_trip_proof_with_pruned_branches_is_unsat_under_cvc5() {
    let Some(python) = cvc5_python() else {
        assert!(std::env::var_os("CI").is_none(), "CI must run the second-solver test");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("proof.smt2");
    let out = vpcverify()
        .args([
            "query",
            "specs/seed-lab.toml",
            "--from",
            "web-server",
            "--to",
            "internet",
        ])
        .args(["--protocol", "all", "--emit-smt2"])
        .arg(&file)
        .current_dir(path(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(cvc5(&python, &file), "unsat");
    // The reply's way in through the public ACL is what stops the web and HTTPS replies.
    let proof = std::fs::read_to_string(&file).unwrap();
    let open = dir.path().join("open.smt2");
    std::fs::write(
        &open,
        without(
            &proof,
            "; filter: network ACL acl-public-acl inbound at subnet-public (reply)",
        ),
    )
    .unwrap();
    assert_eq!(cvc5(&python, &open), "sat");
}
