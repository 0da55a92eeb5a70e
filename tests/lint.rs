//! `vpcverify lint` end to end.

use crate::common::*;

#[test]
fn lint_on_a_missing_path_exits_2_naming_it() {
    vpcverify()
        .args(["lint", "no/such/file.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no/such/file.toml"));
}
