//! Integration tests: one test binary (libz3 linked once), one module per purpose.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "test code")]

/// Issue #26: the AWS CLI's documented example outputs as a corpus: each read right or, if invalid
/// in the documentation, refused naming the file; recognised but unmodelled commands warned of.
mod aws_cli_examples;
/// Accepted findings: `--baseline` of a JSON or SARIF report, `[[ignore]]` entries and their
/// expiry, `--builtin-rules`, `--skip` and `--severity`.
mod baseline_cli;
/// The generator of a snapshot with a huge network ACL and security group (issue #18 item 1),
/// shared with `examples/big_rules.rs` and `benches/big_rules.rs`.
#[path = "../examples/big_rules/snapshot.rs"]
#[allow(dead_code, reason = "shared with the example; not every item is used here")]
mod big_rules;
/// Issue #18 item 1: a huge generated ACL and group answered within the budget or `unknown`
/// naming it (exit 3), never a verdict once it is spent.
mod big_rules_cli;
/// VPC Block Public Access end to end: options, exclusions, uncertain inputs (BPA-1..6).
mod bpa_cli;
/// Budgets and a solver that gives up: rescued by a fresh solver, never a flipped verdict,
/// tiny real budgets on an estate, `--timeout` parsing.
mod budget;
/// Issue #17: the snapshot cache: hits, misses on any change of the input, corrupt and foreign
/// cache files ignored with a warning, `--no-cache`.
mod cache_cli;
/// `vpcverify check` end to end: bundled suites, exit precedence, JUnit/SARIF counts, bad suites,
/// the built-in rule pack, proofs, snapshots.
mod check_cli;
/// Issue 25: one network per emitted explanation code, blocked and fixed.
mod codes;
/// `scripts/collect-aws-snapshot` against moto's server driven by the AWS CLI: lint and a query on
/// what it collected.
mod collector;
/// Shared helpers: paths to bundled fixtures, editable copies of them, running the binary, a
/// builder for small networks.
#[allow(dead_code, reason = "shared helpers; not every module uses each")]
mod common;
/// `vpcverify.toml`: found upward, flags win, `--config`, `--no-config`, unknown keys.
mod config_cli;
/// `vpcverify diff` end to end (issue #14): the acceptance networks and plans, exit codes, formats.
mod diff_cli;
/// Differential and metamorphic property tests: the simulator and the SMT engine agree on random
/// networks, questions and packets; fixtures of the disagreements found (`r_*`).
mod differential;
/// The repository stands alone: every rule id the code and the README cite is defined in
/// SEMANTICS.md, and no file refers to a document outside the repository.
mod docs;
/// Issue #16: load balancers on the path (ELB-1..ELB-12) on a moto-generated web service.
mod elb;
/// Issue #13: the drop map (cells, rules, examples, partial paths, the bound, `--explain`) and
/// no unreachable verdict that explains nothing on the bundled specs and fixtures.
mod explanations;
/// Issue #23: `vpcverify fix` end to end: the tutorial's fix on the seed lab, both directions,
/// the input's languages, exit codes, each fix applied and asked again.
mod fix_cli;
/// Issue #23: the route, association and ACL entry removal/narrowing edits, fewest edits by
/// deepening, Terraform inline security group rules.
mod fix_kinds;
/// Property tests: the AWS loader never panics on arbitrary bytes or AWS-shaped JSON.
mod fuzz_aws;
/// Issue #18 item 5: the real fixtures of the three loaders with fields deleted, duplicated,
/// retyped and swapped: no panic, and what loads lints and answers a question or errs clearly.
mod fuzz_mutate;
/// Native spec loader fuzzed (proptest) with arbitrary text and spec-shaped documents: never panics.
mod fuzz_spec;
/// Property tests: the Terraform loader never panics on JSON with Terraform's vocabulary.
mod fuzz_terraform;
/// The network index against its definition, lookup by lookup (issue #17 builds it from sorted
/// lists).
mod index;
/// The AWS `describe-*` loader: the moto sample, a merged real-AWS snapshot, malformed inputs.
mod ingest_aws;
/// Issue #17: a snapshot read in blocks gives what reading each file whole gives, errors included.
mod ingest_blocks;
/// AWS's IP ranges as the entries of AWS-managed S3 and DynamoDB lists: shipped copy,
/// `--aws-ip-ranges`, input first, the lint line, bad files.
mod ingest_ip_ranges;
/// Native spec loader: the bundled specs' structure, the implicit objects, the format's rules.
mod ingest_spec;
/// The Terraform loader: the seed lab as plan/state/tfstate, modules, deletes, ambiguity, versions.
mod ingest_terraform;
mod internet_hosts;
/// `vpcverify lint`: exit codes and findings on bundled specs, the moto sample and broken inputs.
mod lint;
/// Issue #13 points 4 and 6: names beside ids; typos and bad flag values answered for people.
mod names_cli;
/// On-premises networks over VPN end to end (ONP-1..ONP-4): static routes, undeclared
/// destinations, declared networks as endpoints, tunnels down.
mod onprem_cli;
/// One test per on-premises rule (ONP-1..ONP-4) on small built networks, both interpreters.
mod onprem_rules;
/// Issue 24: the built-in pack on plans, each rule both ways; exposure breadth and trusted
/// prefixes.
mod pack;
/// Issue #13 point 7: `--emit-smt2` proofs re-checked by a second solver (cvc5), and satisfiable
/// once a blocking filter's definition is deleted.
mod proofs_cvc5;
/// `vpcverify query` end to end: the seed lab, what query finds that trace misses, proofs, snapshots.
mod query_cli;
/// The SMT engine behind `query`: one named test per construct, verdicts, witnesses, every blocker.
mod query_rules;
/// `lint` past AWS's quotas (QUOTA-1..4): entries per ACL, rules per group, groups per
/// interface, routes per table.
mod quota;
/// The README's examples are real output: each is compared with what its command prints.
mod readme;
/// `check --format sarif` for code scanning: the SARIF 2.1.0 schema, URIs relative to the
/// repository root and percent-encoded, resources located in `describe-*` files, the category.
mod sarif_cli;
/// The JSON contract: `schema_version`, the published JSON Schemas equal the generated ones, real
/// outputs validate against them.
mod schema_cli;
/// The simulator: one named test per rule id it implements, each on a small built network.
mod sim_rules;
/// `sim::status` (no hop records) answers as `sim::trace` does, on bundled specs and an estate.
mod sim_status;
/// The synthetic estate generator (`examples/synth.rs`): lints clean, exact size, deterministic.
mod synth_estate;
/// The seed lab as a Terraform plan, state and tfstate: the same verdicts as the native spec.
mod terraform_cli;
/// Issue #11: nested multi-account snapshot layouts and transit gateways (TGW-1..TGW-9) in both
/// interpreters, on the moto hub-and-spoke fixture.
mod tgw;
/// `vpcverify trace` end to end: exit codes, JSON fields and text on the bundled networks.
mod trace_cli;
/// `query::trace`: the representative packet's documented choices and the verdict it builds.
mod trace_packet;
/// Issue #18 item 2: snapshot entries that are not regular files (dangling links, FIFOs,
/// directories, devices) and bytes that are not UTF-8 are errors naming the file, exit 2.
mod unreadable;
/// Issue #22: `--version` and `vpcverify version`: the crate version, the Z3 actually linked, the
/// git commit and the build features, in text and JSON.
mod version_cli;
/// Issue #13 point 5: waypoints (`--through`, `--avoid`, suite keys) on the seed lab and the
/// peering spec.
mod waypoint_cli;
