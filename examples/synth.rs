//! `cargo run --release --example synth -- --enis N --out DIR [--vpcs N] [--seed S]`: writes a
//! synthetic AWS `describe-*` snapshot of a large organisation's estate (hub-and-spoke peering,
//! public and private subnets per Availability Zone, NAT gateways, gateway endpoints, network ACLs
//! and security groups of about 20 rules, prefix lists) with exactly N network interfaces, for
//! benchmarks. The same arguments always write the same files. See `examples/synth/estate.rs`.

#[path = "synth/estate.rs"]
mod estate;

use std::path::PathBuf;

const USAGE: &str = "usage: synth --enis N --out DIR [--vpcs N] [--seed S] [--suite N]
  --enis N   network interfaces in the estate (NAT gateways' included)
  --out DIR  directory to write the describe-*.json files into (created if missing)
  --vpcs N   VPCs, one hub and N-1 spokes (default: one per 500 interfaces, 2 to 200)
  --seed S   generator seed (default 1)
  --suite N  also write DIR/suite.toml, a `vpcverify check` suite of N assertions";

struct Args {
    enis: usize,
    out: PathBuf,
    vpcs: Option<usize>,
    seed: u64,
    suite: Option<usize>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut enis, mut out, mut vpcs, mut seed, mut suite) = (None, None, None, 1u64, None);
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = |v: &str| v.parse::<u64>().map_err(|_| format!("{flag}: `{v}` is not a number"));
        match flag.as_str() {
            "--enis" => enis = Some(number(&value)? as usize),
            "--out" => out = Some(PathBuf::from(value)),
            "--vpcs" => vpcs = Some(number(&value)? as usize),
            "--seed" => seed = number(&value)?,
            "--suite" => suite = Some(number(&value)? as usize),
            _ => return Err(format!("unknown argument `{flag}`")),
        }
    }
    Ok(Args {
        enis: enis.ok_or("--enis is required")?,
        out: out.ok_or("--out is required")?,
        vpcs,
        seed,
        suite,
    })
}

fn main() {
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("synth: {e}");
            }
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    let spec = estate::Spec {
        enis: args.enis,
        vpcs: args.vpcs.unwrap_or_else(|| estate::default_vpcs(args.enis)),
        seed: args.seed,
    };
    let written = estate::generate(&spec).and_then(|snapshot| {
        snapshot.write(&args.out)?;
        match args.suite {
            Some(n) => {
                let file = args.out.join("suite.toml");
                let text = estate::suite_toml(&snapshot.questions(n, spec.seed));
                std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))
            }
            None => Ok(()),
        }
    });
    match written {
        Ok(()) => eprintln!(
            "synth: wrote {} interfaces in {} VPCs (seed {}) to {}",
            spec.enis,
            spec.vpcs,
            spec.seed,
            args.out.display()
        ),
        Err(e) => {
            eprintln!("synth: {e}");
            std::process::exit(2);
        }
    }
}
