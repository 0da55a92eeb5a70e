//! Issue #18 item 2: no input file silently skipped. An entry of a snapshot directory named
//! `*.json` that is a dangling symbolic link, a FIFO, a directory or a device is refused with an
//! error naming it (exit 2), never left out while the question is answered without its resources;
//! nothing blocks on a FIFO or reads a device without end. Bytes that are not UTF-8 in a spec or a
//! JSON file are an error at their line, not replaced.

use crate::common::*;
use std::path::Path;
use std::time::Duration;

const MOTO: &str = "tests/fixtures/moto-sample";
/// The sample's web instance: from the internet on tcp 22 the answer depends on a prefix list
/// and is unknown; on tcp 80 it is definite.
const WEB: &str = "i-39f0d1445034b1351";

/// `query` on `network` from the internet to the sample's web instance on tcp 80, bounded so that
/// a read that blocks fails the test instead of hanging it. Returns (exit code, stdout, stderr).
fn query(network: &Path) -> (i32, String, String) {
    let out = vpcverify()
        .arg("query")
        .arg(network)
        .args(["--from", "internet", "--to", WEB, "--port", "80"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The untouched sample answers definitely (so that the cases below differ by the bad entry only).
fn sample_answers_definitely() {
    let (code, stdout, stderr) = query(&path(MOTO));
    assert!(code == 0 || code == 1, "{code}: {stdout}{stderr}");
}

/// Adds `name` made by `make` to a copy of the sample and checks that `query` refuses it, exit 2,
/// naming the entry and saying `what`, with nothing on stdout.
fn refused(name: &str, make: impl FnOnce(&Path), what: &str) {
    sample_answers_definitely();
    let dir = copy_fixture_dir(MOTO);
    let entry = dir.path().join(name);
    make(&entry);
    let (code, stdout, stderr) = query(dir.path());
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let shown = entry.display().to_string();
    assert!(stderr.contains(&format!("{shown}: cannot read: ")), "{stderr}");
    assert!(stderr.contains(what), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_named_like_input_is_refused_naming_it() {
    refused(
        "describe-gone.json",
        |p| std::os::unix::fs::symlink("describe-nowhere.json", p).unwrap(),
        "it is a symbolic link that does not lead to a file",
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_input_is_refused_without_blocking() {
    refused(
        "describe-pipe.json",
        |p| {
            let made = std::process::Command::new("mkfifo").arg(p).status().unwrap();
            assert!(made.success(), "mkfifo {}", p.display());
        },
        "it is a FIFO (named pipe), not a regular file",
    );
}

#[test]
fn a_directory_named_like_input_is_refused_naming_it() {
    refused(
        "describe-x.json",
        |p| {
            std::fs::create_dir(p).unwrap();
            // Even holding a real snapshot file, it is not read as one.
            std::fs::copy(path(MOTO).join("describe-vpcs.json"), p.join("describe-vpcs.json")).unwrap();
        },
        "it is a directory, not a regular file",
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_device_is_refused_without_reading_it() {
    refused(
        "describe-zero.json",
        |p| std::os::unix::fs::symlink("/dev/zero", p).unwrap(),
        "it is a character device, not a regular file",
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_given_as_the_network_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("snapshot.json");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let (code, stdout, stderr) = query(&fifo);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!("{}: cannot read: it is a FIFO (named pipe)", fifo.display())),
        "{stderr}"
    );
}

#[test]
fn a_spec_with_bytes_that_are_not_utf8_is_refused_at_their_line() {
    let mut text = std::fs::read(path("specs/seed-lab.toml")).unwrap();
    // A Latin-1 `é` in a comment on line 3 (as an editor saving in Latin-1 writes it).
    let third = text.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(1).unwrap().0 + 1;
    let mut line: Vec<u8> = b"# caf\xe9\n".to_vec();
    line.extend(text.split_off(third));
    text.extend(line);
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.toml");
    std::fs::write(&spec, &text).unwrap();
    let out = vpcverify().arg("lint").arg(&spec).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:3:6: invalid UTF-8 (byte 0xe9)", spec.display())),
        "{stderr}"
    );
}

#[test]
fn a_describe_file_with_bytes_that_are_not_utf8_is_refused_at_their_line() {
    let dir = copy_fixture_dir(MOTO);
    let file = dir.path().join("describe-vpcs.json");
    let text = std::fs::read_to_string(&file).unwrap();
    // The first owner id (line 4 of the file) ends in a Latin-1 byte.
    let at = text.find("123456789012").unwrap() + 11;
    let line = text[..at].matches('\n').count() + 1;
    let mut bytes = text.as_bytes()[..at].to_vec();
    bytes.push(0xe9);
    bytes.extend(&text.as_bytes()[at + 1..]);
    std::fs::write(&file, &bytes).unwrap();
    let (code, stdout, stderr) = query(dir.path());
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains(&format!("{}:{line}:", file.display())), "{stderr}");
    assert!(
        stderr.contains("invalid JSON") && stderr.contains("unicode"),
        "{stderr}"
    );
}
