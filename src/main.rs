//! The `vpcverify` binary: parse arguments, run the command, map its outcome to an exit code
//! (0 reachable / holds / clean, 1 unreachable / violated, 2 error, 3 unknown).

use clap::Parser;
use vpcverify::cli::{Cli, run};

fn main() {
    let code = match run(Cli::parse()) {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => {
            eprintln!("vpcverify: error: {e}");
            2
        }
    };
    // Output is already flushed; exiting here skips tearing down the solver's memory, which
    // the operating system reclaims at once anyway.
    std::process::exit(i32::from(code));
}
