//! Build script: records what `vpcverify version` reports about the build (the git commit and
//! the target), and, for the `vendored-z3` feature on Linux, links the C++ runtime that the
//! vendored Z3 needs statically, so that the binary depends on nothing but the C library.
//!
//! Static C++ runtime: when `vendored-z3` is on and `CXXSTDLIB` is set to the empty string (which
//! also stops z3-sys from asking for a dynamic one), this script asks the C++ compiler
//! (`$CXX`, else `c++`) where its static runtime archives are (`-print-file-name`) and appends
//! them to the link line: `libc++.a` and `libc++abi.a` when `CXXFLAGS` has `-stdlib=libc++`
//! (clang with libc++, which Z3's C++20 `<format>` needs on Debian 12), else `libstdc++.a`.
//! Unwinding comes from libgcc_s, which every Rust binary on Linux links anyway.

use std::env;
use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target = env::var("TARGET").unwrap_or_else(|_| "unknown".to_owned());
    println!("cargo:rustc-env=VPCVERIFY_TARGET={target}");
    git_commit();
    static_cxx_runtime();
}

/// `VPCVERIFY_GIT_COMMIT`: the commit the build came from, `unknown` without git (a crate
/// tarball, a container build without `.git`). A `VPCVERIFY_GIT_COMMIT` in the environment wins,
/// so builds from an export can still say where they came from.
fn git_commit() {
    println!("cargo:rerun-if-env-changed=VPCVERIFY_GIT_COMMIT");
    let commit = match env::var("VPCVERIFY_GIT_COMMIT") {
        Ok(c) if !c.trim().is_empty() => c.trim().to_owned(),
        _ => from_git().unwrap_or_else(|| "unknown".to_owned()),
    };
    println!("cargo:rustc-env=VPCVERIFY_GIT_COMMIT={commit}");
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?;
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn from_git() -> Option<String> {
    let commit = git(&["rev-parse", "--short=12", "HEAD"])?;
    // Rebuild when HEAD moves: HEAD itself (a branch switch) and the branch it points at (a
    // commit). `--git-path` resolves both in a worktree too.
    for path in ["HEAD", "packed-refs"] {
        if let Some(p) = git(&["rev-parse", "--git-path", path]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(p) = git(&["rev-parse", "--git-path", &branch])
    {
        println!("cargo:rerun-if-changed={p}");
    }
    // Tracked files changed since the commit: say so, since the commit alone would then lie.
    let dirty = Command::new("git")
        .args(["diff-index", "--quiet", "HEAD", "--"])
        .status()
        .map(|s| !s.success())
        .unwrap_or(false);
    Some(if dirty { format!("{commit}-dirty") } else { commit })
}

fn static_cxx_runtime() {
    println!("cargo:rerun-if-env-changed=CXXSTDLIB");
    println!("cargo:rerun-if-env-changed=CXX");
    println!("cargo:rerun-if-env-changed=CXXFLAGS");
    let vendored = env::var_os("CARGO_FEATURE_VENDORED_Z3").is_some();
    let linux = env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux");
    if !vendored || !linux || env::var("CXXSTDLIB").ok().as_deref() != Some("") {
        return;
    }
    let cxx = env::var("CXX").unwrap_or_else(|_| "c++".to_owned());
    let libcxx = env::var("CXXFLAGS").is_ok_and(|f| f.contains("-stdlib=libc++"));
    let archives: &[&str] = if libcxx {
        &["libc++.a", "libc++abi.a"]
    } else {
        &["libstdc++.a"]
    };
    for name in archives {
        let found = Command::new(&cxx)
            .args([format!("-print-file-name={name}")])
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_owned());
        match found {
            // A compiler that does not know the file prints its bare name back.
            Some(p) if Path::new(&p).is_absolute() && Path::new(&p).exists() => {
                println!("cargo:rustc-link-arg={p}");
            }
            _ => {
                println!(
                    "cargo::error=vendored-z3 with CXXSTDLIB=\"\" links the C++ runtime statically, \
                     but `{cxx} -print-file-name={name}` found no {name}: install it (Debian: \
                     libc++-19-dev libc++abi-19-dev for clang-19) or unset CXXSTDLIB"
                );
            }
        }
    }
}
