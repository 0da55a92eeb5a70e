//! vpcverify proves reachability facts about AWS VPC networks before anyone sends a packet.
//!
//! ```text
//! ingest (native TOML spec | AWS describe-* JSON | Terraform plan/state JSON)
//!    -> model::Network            validated, ids resolved, every rule with its provenance
//!    -> sim    (concrete)         trace one packet: the executable reference semantics
//!    -> smt    (symbolic, Z3)     "exists a packet such that ..." over all header fields
//!    -> query                     endpoints + packet space -> Verdict; replays every witness in sim
//!    -> check                     assertion suites (and the built-in rule pack) run in parallel
//!    -> diff                      two networks compared: what a change opens and closes
//!    -> explain / cli             text, JSON, JUnit, SARIF; exit codes
//! ```
//!
//! The facts about AWS behaviour are in `SEMANTICS.md` (rule ids such as NACL-5, RT-7, J13).

#![forbid(unsafe_code)]

pub mod check;
pub mod cli;
pub mod diff;
pub mod explain;
pub mod fix;
pub mod ingest;
pub mod model;
pub mod query;
pub mod sim;
pub mod smt;
