//! The README's examples are real output: each shown output is compared with what the command
//! it belongs to prints today (normalising only timings, the order in which parallel assertions
//! finish, and temporary paths), so the README cannot drift.

use crate::common::{edit_json, path, root, vpcverify};

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// The body of the first ```text block after `anchor`, each line with `indent` removed.
fn shown_after(anchor: &str, indent: &str) -> Vec<String> {
    let text = readme();
    let after = text
        .split_once(anchor)
        .unwrap_or_else(|| panic!("the README no longer has `{anchor}`"))
        .1;
    let block = after
        .split_once("```text\n")
        .and_then(|(_, b)| b.split_once("```"))
        .unwrap_or_else(|| panic!("no text block after `{anchor}`"))
        .0;
    block
        .lines()
        .map(|l| l.strip_prefix(indent).unwrap_or(l).to_owned())
        .filter(|l| !l.trim().is_empty())
        .collect()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn the_opening_query_example() {
    let shown = shown_after(
        "cargo run --release -- query specs/seed-lab.toml --from db-server --to internet --port 443",
        "",
    );
    let out = vpcverify()
        .current_dir(root())
        .args([
            "query",
            "specs/seed-lab.toml",
            "--from",
            "db-server",
            "--to",
            "internet",
            "--port",
            "443",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let real: Vec<String> = stdout(&out)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    assert_eq!(shown, real, "README.md's first example versus `vpcverify query`");
}

#[test]
fn the_prefix_list_from_ip_ranges_line() {
    let shown = shown_after("`lint` says, for each list filled this way", "");
    assert_eq!(shown.len(), 1);
    // A Terraform plan naming the S3 endpoint's list without its entries: the seed lab's plan
    // without `prior_state`, as `plan.json` in the working directory.
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    std::fs::copy(path("tests/fixtures/terraform/seed-lab.plan.json"), &plan).unwrap();
    edit_json(&plan, |v| {
        v.as_object_mut().unwrap().remove("prior_state");
    });
    let out = vpcverify()
        .current_dir(dir.path())
        .args(["lint", "plan.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let real = stdout(&out);
    assert!(
        real.lines().any(|l| l == shown[0]),
        "README.md shows\n{}\n`lint` prints\n{real}",
        shown[0]
    );
}

#[test]
fn the_nested_snapshot_summary() {
    let text = readme();
    let shown = "(24 files; 2 accounts: 111111111111, 222222222222; 2 regions: eu-west-1, us-east-1)";
    assert!(
        text.contains(&format!("`snap/ {shown}`")),
        "the README's nested example changed"
    );
    let out = vpcverify()
        .current_dir(root())
        .args(["lint", "tests/fixtures/nested"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).starts_with(&format!("tests/fixtures/nested/ {shown}")),
        "{}",
        stdout(&out)
    );
}

/// `[ 8/10] ok        name (0.09s)` without its position and time, which vary from run to run.
fn progress_key(line: &str) -> String {
    let rest = line.split_once("] ").map_or(line, |(_, r)| r);
    match (rest.find(" ("), rest.find("s)")) {
        (Some(a), Some(b)) if b > a => format!("{}{}", &rest[..a], &rest[b + 2..]),
        _ => rest.to_owned(),
    }
}

#[test]
fn the_progress_lines() {
    let shown = shown_after("- **Progress.**", "  ");
    let out = vpcverify()
        .current_dir(root())
        .args(["check", "proofs/seed-lab.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    let real: Vec<String> = err.lines().map(progress_key).collect();
    let total = err.lines().count();
    let mut compared = 0;
    for line in &shown {
        // `...` elides lines; the UNKNOWN line is of a run whose total budget ran out.
        if line == "..." || line.contains("] UNKNOWN") {
            continue;
        }
        assert!(
            line.contains(&format!("/{total}] ")),
            "`{line}`: the suite has {total} assertions"
        );
        assert!(
            real.contains(&progress_key(line)),
            "README.md shows `{line}`; `check proofs/seed-lab.toml` writes\n{err}"
        );
        compared += 1;
    }
    assert!(compared >= 3, "{shown:?}");
}

#[test]
fn the_configuration_note_and_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vpcverify.toml"),
        "[check]\nformat = \"json\"\njobs = 2\n",
    )
    .unwrap();
    let suite = path("proofs/seed-lab.toml");
    let out = vpcverify()
        .current_dir(dir.path())
        .arg("check")
        .arg(&suite)
        .arg("-q")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    let shown = shown_after("the file and the keys\nit used", "");
    assert!(
        err.lines().any(|l| l == shown[0]),
        "README.md shows\n{}\nvpcverify writes\n{err}",
        shown[0]
    );

    std::fs::write(
        dir.path().join("vpcverify.toml"),
        "[check]\njobs = 2\nfromat = \"json\"\n",
    )
    .unwrap();
    let out = vpcverify()
        .current_dir(dir.path())
        .arg("lint")
        .arg(path("specs/seed-lab.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let shown = shown_after("and the key it most likely meant", "");
    // The README cuts the list of keys short with `…`.
    let head = shown[0].split('…').next().unwrap();
    assert!(
        err.lines().any(|l| l.starts_with(head)),
        "README.md shows\n{}\nvpcverify writes\n{err}",
        shown[0]
    );
}

#[test]
fn the_waypoint_example() {
    let shown = shown_after("the database's HTTPS requests leave through the NAT gateway", "  ");
    let out = vpcverify()
        .current_dir(root())
        .args([
            "query",
            "specs/seed-lab.toml",
            "--from",
            "db-server",
            "--to",
            "internet",
            "--port",
            "443",
            "--one-way",
            "--through",
            "nat-instance",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let mut real: Vec<String> = vec![
        "$ vpcverify query specs/seed-lab.toml --from db-server --to internet --port 443 --one-way --through nat-instance"
            .to_owned(),
    ];
    real.extend(
        stdout(&out)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(4)
            .map(str::to_owned),
    );
    assert_eq!(shown, real, "README.md's waypoint example versus `vpcverify query`");
}

#[test]
fn the_fix_example() {
    let shown = shown_after(
        "$ vpcverify fix specs/seed-lab.toml --from db-server --to internet --port 443 --want reachable",
        "",
    );
    let out = vpcverify()
        .current_dir(root())
        .args([
            "fix",
            "specs/seed-lab.toml",
            "--from",
            "db-server",
            "--to",
            "internet",
            "--port",
            "443",
            "--want",
            "reachable",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let real: Vec<String> = stdout(&out)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    assert_eq!(shown, real, "README.md's fix example versus `vpcverify fix`");
}
