//! The JSON contract's version and its JSON Schemas, generated from the output types (schemars).
//!
//! Owns: [`SCHEMA_VERSION`], the top-level `schema_version` every JSON output carries, and the
//! schema of each output (`vpcverify schema query|trace|check|lint`, published as
//! `schemas/*.json`). Must not touch: the outputs themselves, which `verdict`, `check` and
//! `diagnostics` render.
//!
//! Versioning: an additive change (a new optional key, a new enum value a reader may skip) keeps
//! the version; a breaking one (a key removed, renamed or retyped, a meaning changed) bumps it.

use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator, json_schema};

/// The version of the JSON outputs' shape: an integer, bumped on a breaking change only.
pub const SCHEMA_VERSION: u32 = 1;

/// Which JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// `query --format json`.
    Query,
    /// `trace --format json`.
    Trace,
    /// `check --format json` (and `--report json=FILE`).
    Check,
    /// `lint --format json`.
    Lint,
    /// `diff --format json`.
    Diff,
    /// `fix --format json`.
    Fix,
}

impl Output {
    /// Every output, in the order of the published files.
    pub const ALL: [Output; 6] = [
        Output::Query,
        Output::Trace,
        Output::Check,
        Output::Lint,
        Output::Diff,
        Output::Fix,
    ];

    /// The command's name, and the stem of its published schema file (`schemas/NAME.json`).
    pub fn name(self) -> &'static str {
        match self {
            Output::Query => "query",
            Output::Trace => "trace",
            Output::Check => "check",
            Output::Lint => "lint",
            Output::Diff => "diff",
            Output::Fix => "fix",
        }
    }
}

/// The `schema_version` field's schema: the integer this build writes, and no other.
pub(crate) fn version_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "integer",
        "const": SCHEMA_VERSION,
        "description": "The version of this document's shape: additive changes keep it, breaking ones bump it."
    })
}

/// The JSON Schema (draft 2020-12) of one output, pretty-printed, ending with a newline.
pub fn schema(output: Output) -> String {
    // What vpcverify writes (the serialize contract: a key skipped when empty is not required).
    let generator = SchemaSettings::draft2020_12().for_serialize().into_generator();
    let mut schema = match output {
        Output::Query | Output::Trace => generator.into_root_schema_for::<super::verdict::VerdictReport<'static>>(),
        Output::Check => generator.into_root_schema_for::<super::check::JsonReport<'static>>(),
        Output::Lint => generator.into_root_schema_for::<super::diagnostics::LintReport<'static>>(),
        Output::Diff => generator.into_root_schema_for::<super::diff::DiffJson<'static>>(),
        Output::Fix => generator.into_root_schema_for::<super::fix::FixJson<'static>>(),
    };
    schema.insert(
        "title".to_owned(),
        format!("vpcverify {} --format json", output.name()).into(),
    );
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_requires_this_version() {
        for o in Output::ALL {
            let v: serde_json::Value = serde_json::from_str(&schema(o)).unwrap();
            assert_eq!(
                v["properties"]["schema_version"]["const"],
                SCHEMA_VERSION,
                "{}",
                o.name()
            );
            assert!(
                v["required"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|k| k == "schema_version")),
                "{}",
                o.name()
            );
        }
    }
}
