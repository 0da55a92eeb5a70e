//! `cargo run --release --example big_rules -- FILE ENTRIES RULES`: writes a one-file AWS snapshot
//! whose network ACL holds ENTRIES entries and whose security group holds RULES rules (see
//! `big_rules/snapshot.rs`), to time `vpcverify query FILE internet web --port 22` against its
//! `--timeout` (issue #18 item 1). For example 65000 entries and 5000 rules: about 10 MB.

#[path = "big_rules/snapshot.rs"]
mod snapshot;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, entries, rules] = args.as_slice() else {
        eprintln!("usage: big_rules FILE ENTRIES RULES");
        std::process::exit(2);
    };
    let (Ok(entries), Ok(rules)) = (entries.parse::<usize>(), rules.parse::<usize>()) else {
        eprintln!("big_rules: ENTRIES and RULES are counts");
        std::process::exit(2);
    };
    if let Err(e) = snapshot::write(std::path::Path::new(file), entries, rules) {
        eprintln!("big_rules: {file}: {e}");
        std::process::exit(2);
    }
}
