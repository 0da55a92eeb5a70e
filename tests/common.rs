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
