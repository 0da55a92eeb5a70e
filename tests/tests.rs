//! Integration tests: one test binary (libz3 linked once), one module per purpose.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "test code")]

/// Shared helpers: paths to bundled fixtures, running the binary.
#[allow(dead_code, reason = "shared helpers; not every module uses each")]
mod common;
/// Native spec loader fuzzed (proptest) with arbitrary text and spec-shaped documents: never panics.
mod fuzz_spec;
/// Native spec loader: the bundled specs' structure, the implicit objects, the format's rules.
mod ingest_spec;
/// `vpcverify lint`: exit codes and findings on bundled specs, the moto sample and broken inputs.
mod lint;
