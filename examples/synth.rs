//! `cargo run --release --example synth -- --enis N --out DIR [--vpcs N] [--seed S]`: writes a
//! synthetic AWS `describe-*` snapshot of a large organisation's estate (hub-and-spoke peering,
//! public and private subnets per Availability Zone, NAT gateways, gateway endpoints, network ACLs
//! and security groups of about 20 rules, prefix lists) with exactly N network interfaces, for
//! benchmarks. The same arguments always write the same files. See `examples/synth/estate.rs`.
//!
//! `--tgw` writes the transit-gateway estate instead (`examples/synth/tgw.rs`): three accounts,
//! two Regions, `--spokes` spoke VPCs (default 100) on one transit gateway per Region, the two
//! gateways peered, in the nested layout `accounts/<account-id>/<region>/`.

#[path = "synth/estate.rs"]
mod estate;
#[path = "synth/tgw.rs"]
mod tgw;

use std::path::PathBuf;

const USAGE: &str = "usage: synth --enis N --out DIR [--vpcs N] [--seed S] [--suite N]
       synth --tgw --enis N --out DIR [--spokes N] [--seed S] [--suite N]
  --enis N    network interfaces in the estate (NAT gateways' included; with --tgw, rounded up
              to a whole number of hosts per VPC)
  --out DIR   directory to write the describe-*.json files into (created if missing)
  --vpcs N    VPCs, one hub and N-1 spokes (default: one per 500 interfaces, 2 to 200)
  --tgw       the transit-gateway estate: 3 accounts, 2 Regions, peered transit gateways
  --spokes N  with --tgw: spoke VPCs (default 100, 2 to 254)
  --seed S    generator seed (default 1)
  --suite N   also write DIR/suite.toml, a `vpcverify check` suite of N assertions";

struct Args {
    enis: usize,
    out: PathBuf,
    vpcs: Option<usize>,
    seed: u64,
    suite: Option<usize>,
    tgw: bool,
    spokes: Option<usize>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut enis, mut out, mut vpcs, mut seed, mut suite) = (None, None, None, 1u64, None);
    let (mut tgw, mut spokes) = (false, None);
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        if flag == "--tgw" {
            tgw = true;
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = |v: &str| v.parse::<u64>().map_err(|_| format!("{flag}: `{v}` is not a number"));
        match flag.as_str() {
            "--enis" => enis = Some(number(&value)? as usize),
            "--out" => out = Some(PathBuf::from(value)),
            "--vpcs" => vpcs = Some(number(&value)? as usize),
            "--seed" => seed = number(&value)?,
            "--suite" => suite = Some(number(&value)? as usize),
            "--spokes" => spokes = Some(number(&value)? as usize),
            _ => return Err(format!("unknown argument `{flag}`")),
        }
    }
    Ok(Args {
        enis: enis.ok_or("--enis is required")?,
        out: out.ok_or("--out is required")?,
        vpcs,
        seed,
        suite,
        tgw,
        spokes,
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
    if args.tgw {
        return transit_gateway_estate(&args);
    }
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

/// `--tgw`: the transit-gateway estate.
fn transit_gateway_estate(args: &Args) {
    let spec = tgw::Spec::for_enis(args.enis, args.spokes.unwrap_or(100), args.seed);
    let written = tgw::generate(&spec).and_then(|snapshot| {
        snapshot.write(&args.out)?;
        match args.suite {
            Some(n) => {
                let file = args.out.join("suite.toml");
                let text = estate::suite_toml(&tgw::questions(&spec, n, spec.seed));
                std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))
            }
            None => Ok(()),
        }
    });
    match written {
        Ok(()) => eprintln!(
            "synth: wrote {} interfaces in {} spoke VPCs and 2 shared-services VPCs, 3 accounts, 2 Regions (seed {}) to {}",
            spec.enis(),
            spec.spokes,
            spec.seed,
            args.out.display()
        ),
        Err(e) => {
            eprintln!("synth: {e}");
            std::process::exit(2);
        }
    }
}
