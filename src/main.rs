//! The `vpcverify` binary: parse arguments, run the command, map its outcome to an exit code
//! (0 reachable / holds / clean, 1 unreachable / violated, 2 error, 3 unknown).

use clap::Parser;
use std::process::ExitCode;
use vpcverify::cli::{Cli, run};

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(e) => {
            eprintln!("vpcverify: error: {e}");
            ExitCode::from(2)
        }
    }
}
