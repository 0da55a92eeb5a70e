//! The JSON contract: every JSON output carries `schema_version`, the published `schemas/*.json`
//! are what the output types generate (they cannot drift), and real outputs on the seed lab
//! validate against them.

use crate::common::{path, root, vpcverify};
use serde_json::Value;
use vpcverify::explain::schema::{Output, SCHEMA_VERSION, schema};

fn published(o: Output) -> String {
    let file = root().join("schemas").join(format!("{}.json", o.name()));
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

#[test]
fn published_schemas_are_what_the_types_generate() {
    for o in Output::ALL {
        assert_eq!(
            published(o),
            schema(o),
            "schemas/{}.json is stale: regenerate it with `vpcverify schema {} > schemas/{}.json`",
            o.name(),
            o.name(),
            o.name()
        );
        let out = vpcverify().args(["schema", o.name()]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(String::from_utf8(out.stdout).unwrap(), published(o));
    }
}

/// Runs vpcverify, checks its exit code, and validates its stdout against the published schema.
fn validates(o: Output, args: &[&str], code: i32) -> Value {
    let out = vpcverify().current_dir(root()).args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: Value = serde_json::from_str(&published(o)).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{args:?} does not match schemas/{}.json:\n{}",
        o.name(),
        errors.join("\n")
    );
    assert_eq!(doc["schema_version"], SCHEMA_VERSION, "{args:?}");
    doc
}

#[test]
fn seed_lab_outputs_validate_against_the_published_schemas() {
    let q = ["query", "specs/seed-lab.toml", "--format", "json"];
    let doc = validates(
        Output::Query,
        &[&q[..], &["--from", "internet", "--to", "web-server", "--port", "80"]].concat(),
        0,
    );
    assert_eq!(doc["verdict"], "reachable");
    let doc = validates(
        Output::Query,
        &[
            &q[..],
            &["--from", "internet", "--to", "db-server", "--protocol", "all"],
        ]
        .concat(),
        1,
    );
    assert_eq!(doc["verdict"], "unreachable");
    let t = ["trace", "specs/seed-lab.toml", "--format", "json"];
    validates(
        Output::Trace,
        &[&t[..], &["--from", "internet", "--to", "web-server", "--port", "80"]].concat(),
        0,
    );
    let doc = validates(
        Output::Trace,
        &[&t[..], &["--from", "web-server", "--to", "internet", "--port", "443"]].concat(),
        1,
    );
    assert_eq!(doc["verdict"], "unreachable");
    let doc = validates(
        Output::Check,
        &["check", "proofs/seed-lab.toml", "--builtin", "--format", "json", "-q"],
        1,
    );
    assert!(doc["summary"]["failed"].as_u64().unwrap() >= 1);
    validates(Output::Lint, &["lint", "specs/seed-lab.toml", "--format", "json"], 0);
    let doc = validates(
        Output::Fix,
        &[
            "fix",
            "specs/seed-lab.toml",
            "--format",
            "json",
            "--from",
            "db-server",
            "--to",
            "internet",
            "--port",
            "443",
            "--want",
            "reachable",
        ],
        0,
    );
    assert_eq!(doc["verdict"], "fixed");
    let moto = path("tests/fixtures/moto-sample");
    let doc = validates(Output::Lint, &["lint", moto.to_str().unwrap(), "--format", "json"], 0);
    assert!(doc["diagnostics"].is_array());
}

#[test]
fn a_document_of_another_version_does_not_validate() {
    let schema: Value = serde_json::from_str(&published(Output::Lint)).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let doc = serde_json::json!({"schema_version": SCHEMA_VERSION + 1, "source": "x", "errors": 0, "warnings": 0, "diagnostics": []});
    assert!(!validator.is_valid(&doc));
    let doc = serde_json::json!({"schema_version": SCHEMA_VERSION, "source": "x", "errors": 0, "warnings": 0, "diagnostics": []});
    assert!(validator.is_valid(&doc));
}
