//! `vpcverify version`: what this binary is, for a bug report: the crate version, the Z3 it runs
//! on (as the linked library reports it, and whether it is built in or the system's), the git
//! commit it was built from and the cargo features it was built with.
//!
//! Owns: that report, in text and JSON. Must not touch: anything else (`--version` alone is
//! clap's and prints the crate version).

use super::{CliError, Outcome, TextOrJson, emit};
use clap::Args;
use serde::Serialize;

/// `vpcverify version`.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Output format (default: text).
    #[arg(long, value_enum)]
    pub format: Option<TextOrJson>,
}

/// What `vpcverify version` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildInfo {
    /// 1; bumped by a breaking change of this object.
    pub schema_version: u32,
    /// The crate version (`Cargo.toml`).
    pub version: &'static str,
    /// The git commit of the build (12 hex digits, `-dirty` when tracked files had changed), or
    /// `unknown` when it was built without git (a crate tarball).
    pub commit: &'static str,
    /// The Z3 linked.
    pub z3: Z3Info,
    /// The cargo features the binary was built with.
    pub features: Vec<&'static str>,
    /// The target triple.
    pub target: &'static str,
}

/// The Z3 linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Z3Info {
    /// As the library reports it at run time, e.g. `4.8.12.0`.
    pub version: String,
    /// `static` (built from source into the binary, feature `vendored-z3`) or `system` (the
    /// shared library found at run time).
    pub linked: &'static str,
}

impl BuildInfo {
    /// This binary's.
    pub fn current() -> Self {
        let vendored = cfg!(feature = "vendored-z3");
        BuildInfo {
            schema_version: 1,
            version: env!("CARGO_PKG_VERSION"),
            commit: env!("VPCVERIFY_GIT_COMMIT"),
            z3: Z3Info {
                version: crate::smt::z3_version(),
                linked: if vendored { "static" } else { "system" },
            },
            features: if vendored { vec!["vendored-z3"] } else { Vec::new() },
            target: env!("VPCVERIFY_TARGET"),
        }
    }

    /// For people: one `key: value` line each.
    pub fn render_text(&self) -> String {
        let features = if self.features.is_empty() {
            "none".to_owned()
        } else {
            self.features.join(", ")
        };
        let linked = match self.z3.linked {
            "static" => "built in",
            _ => "system library",
        };
        format!(
            "vpcverify {}\ncommit:   {}\nz3:       {} ({linked})\nfeatures: {features}\ntarget:   {}\n",
            self.version, self.commit, self.z3.version, self.target
        )
    }

    /// One JSON object.
    pub fn render_json(&self) -> Result<String, CliError> {
        serde_json::to_string_pretty(self)
            .map(|s| s + "\n")
            .map_err(|e| CliError::Output(e.to_string()))
    }
}

/// Runs `vpcverify version`.
pub fn run(args: &VersionArgs) -> Result<Outcome, CliError> {
    let info = BuildInfo::current();
    let text = match args.format.unwrap_or(TextOrJson::Text) {
        TextOrJson::Text => info.render_text(),
        TextOrJson::Json => info.render_json()?,
    };
    emit(&text)?;
    Ok(Outcome::Success)
}
