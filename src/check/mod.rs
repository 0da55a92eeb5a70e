//! `vpcverify check`: compliance assertion suites for CI.
//!
//! Owns: the suite format (DESIGN.md §2; `suite`), the built-in rule pack generated from a network
//! (`builtin`), running a suite's assertions in parallel through the query engine (`run`) within
//! a per-assertion and a total wall-clock budget (`budget`), and the data of a report (statuses, summary, exit precedence, finding fingerprints). Every question is
//! answered by [`crate::query::engine::run`]; nothing here decides reachability.
//!
//! Must not touch: z3, printing (text, JSON, JUnit and SARIF are rendered by `explain::check`),
//! command-line arguments.

pub mod accept;
pub mod budget;
pub mod builtin;
pub mod exposure;
pub mod run;
pub mod screen;
pub mod suite;

pub use accept::Accepted;
pub use run::{AssertionResult, Report, RunOptions, Status, Summary};
pub use suite::{Assertion, Expect, Fact, Ignore, Location, Rule, Screen, Severity, Suite, SuiteError};
