//! Shared test helpers.

use assert_cmd::Command;
use std::path::PathBuf;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the repository root.
pub fn path(rel: &str) -> PathBuf {
    root().join(rel)
}

/// The `vpcverify` binary, with colour off.
pub fn vpcverify() -> Command {
    let mut c = Command::cargo_bin("vpcverify").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// A copy of the fixture directory `rel` in a fresh temporary directory, for tests that break or
/// rename one of its files. The copy holds the directory's files only (not subdirectories).
pub fn copy_fixture_dir(rel: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(path(rel)).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    dir
}

/// Reads a JSON file, lets `edit` change it, and writes it back.
pub fn edit_json(file: &std::path::Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(file, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}
