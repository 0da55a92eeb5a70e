//! The repository stands alone (issue 15): every rule id that the code, the README or DESIGN.md
//! cites is defined in SEMANTICS.md, and no tracked file refers to a Markdown document that the
//! repository does not hold (the team's references live outside it).

use crate::common::root;
use std::collections::BTreeSet;
use std::path::Path;

/// The text files of the repository the checks read: sources, tests, benches, examples, docs,
/// specs, suites, fixture notes. Fixture data (JSON) is left out.
fn files() -> Vec<std::path::PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = entry.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if name.starts_with('.') || name == "target" || name == "data" {
                continue;
            }
            if p.is_dir() {
                walk(&p, out);
            } else if ["rs", "md", "toml"]
                .iter()
                .any(|e| p.extension().is_some_and(|x| x == *e))
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root(), &mut out);
    out.sort();
    out
}

/// The rule ids a text cites: `RT-11`, `NACL-1a`, `SG-1b`, `J25`, `BOUND-2`, `SOLVE-6`, ….
fn rule_ids(text: &str) -> BTreeSet<String> {
    const FAMILIES: &[&str] = &[
        "RT", "NACL", "SG", "IGW", "NGW", "NI", "PCX", "GWE", "IFE", "SUB", "VGW", "V6", "LL", "PL", "BOUND", "SOLVE",
        "TGW", "BPA", "NET", "ONP", "QUOTA", "ELB", "WAY", "EXP", "FIX", "PACK", "DIFF",
    ];
    let bytes = text.as_bytes();
    let mut out = BTreeSet::new();
    let word_start = |i: usize| i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'-');
    for (i, _) in text.char_indices() {
        if !word_start(i) {
            continue;
        }
        let rest = &text[i..];
        let prefixed = FAMILIES
            .iter()
            .filter_map(|f| {
                rest.strip_prefix(f)
                    .and_then(|r| r.strip_prefix('-'))
                    .map(|r| (f.len() + 1, r))
            })
            .chain(rest.strip_prefix('J').map(|r| (1, r)));
        for (skip, r) in prefixed {
            let digits = r.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                continue;
            }
            let mut end = skip + digits;
            if r.as_bytes().get(digits).is_some_and(|b| b.is_ascii_lowercase())
                && !r.as_bytes().get(digits + 1).is_some_and(|b| b.is_ascii_alphanumeric())
            {
                end += 1;
            }
            if rest.as_bytes().get(end).is_some_and(|b| b.is_ascii_alphanumeric()) {
                continue;
            }
            out.insert(rest[..end].to_owned());
        }
    }
    out
}

#[test]
fn every_cited_rule_id_is_defined_in_semantics() {
    let semantics = std::fs::read_to_string(root().join("SEMANTICS.md")).unwrap();
    let defined = rule_ids(&semantics);
    let mut missing: Vec<String> = Vec::new();
    let mut cited = 0;
    for file in files() {
        let rel = file.strip_prefix(root()).unwrap().display().to_string();
        if !(rel.starts_with("src/") || rel == "README.md" || rel == "DESIGN.md") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for id in rule_ids(&text) {
            cited += 1;
            if !defined.contains(&id) {
                missing.push(format!("{rel}: {id}"));
            }
        }
    }
    assert!(
        cited > 100,
        "the scan found only {cited} citations: is it reading the sources?"
    );
    assert!(
        missing.is_empty(),
        "rule ids cited but not defined in SEMANTICS.md:\n{}",
        missing.join("\n")
    );
}

#[test]
fn no_file_refers_to_a_document_outside_the_repository() {
    let mut dangling = Vec::new();
    // A bare name (`NOTES.md`, "see its NOTES.md") is fine when the repository holds such a file.
    let names: BTreeSet<String> = files()
        .iter()
        .filter_map(|f| f.file_name().and_then(|n| n.to_str()).map(str::to_owned))
        .collect();
    for file in files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let rel = file.strip_prefix(root()).unwrap().display().to_string();
        for (n, line) in text.lines().enumerate() {
            for word in line.split(|c: char| !(c.is_ascii_alphanumeric() || "._/-".contains(c))) {
                let Some(stem) = word.strip_suffix(".md") else { continue };
                if stem.is_empty() || word.starts_with("http") {
                    continue;
                }
                let here = file.parent().unwrap().join(word);
                let bare = !word.contains('/') && names.contains(word);
                if !(root().join(word).is_file() || here.is_file() || bare) {
                    dangling.push(format!("{rel}:{}: {word}", n + 1));
                }
            }
        }
    }
    assert!(
        dangling.is_empty(),
        "references to documents the repository does not hold:\n{}",
        dangling.join("\n")
    );
}

#[test]
fn the_rule_id_scan_reads_ids_as_they_are_written() {
    let ids = rule_ids("RT-11, NACL-1a; (SG-1b) J25 and BOUND-2. Not: MJ25, RT-, X-RT-3x, J2x1");
    assert_eq!(
        ids.into_iter().collect::<Vec<_>>(),
        ["BOUND-2", "J25", "NACL-1a", "RT-11", "SG-1b"]
    );
}

/// The README's synopsis of each command names exactly the options `vpcverify CMD --help` has
/// (`--color` and `--help`, which every command takes, aside).
#[test]
fn the_readme_synopsis_matches_each_commands_options() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block = readme
        .split("## Commands")
        .nth(1)
        .and_then(|s| s.split("```text").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("the README's Commands block");
    let flags = |text: &str| -> BTreeSet<String> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .filter(|w| w.starts_with("--") && w.len() > 2)
            .map(str::to_owned)
            .collect()
    };
    // "# every command: [--aws-ip-ranges FILE]" on the first line.
    let global: BTreeSet<String> = block
        .lines()
        .filter_map(|l| l.split("# every command:").nth(1))
        .flat_map(flags)
        .collect();
    assert!(global.contains("--aws-ip-ranges"), "{block}");
    for command in ["lint", "trace", "query", "check", "diff", "fix", "version"] {
        let synopsis: String = block
            .split(&format!("vpcverify {command}"))
            .skip(1)
            .map(|s| s.split("vpcverify ").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" ");
        let mut documented = flags(&synopsis);
        documented.extend(global.iter().cloned());
        let out = crate::common::vpcverify().args([command, "--help"]).output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        let options: BTreeSet<String> = help
            .lines()
            .map(str::trim_start)
            .filter(|l| l.starts_with('-'))
            .flat_map(|l| flags(l.split("  ").next().unwrap_or_default()))
            .filter(|f| f != "--color" && f != "--help")
            .collect();
        assert_eq!(
            documented, options,
            "`vpcverify {command}`: README synopsis versus --help"
        );
    }
}
