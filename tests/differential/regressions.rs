//! Disagreements the differential tests found, one named test each (`r_<slug>`), on the minimal
//! network saved as a spec under `tests/fixtures/regressions/<slug>.toml`. Each comment says
//! what disagreed and which interpreter SEMANTICS.md proved wrong; the fix is in the commit that
//! added the test.

#![allow(dead_code, unused_imports, reason = "helpers for the regression tests below")]

use crate::common::path;
use crate::differential::agree::{pinned_packet_agrees, pinned_verdicts};
use crate::differential::oracle::Kind;
use crate::differential::spec::load;
use crate::differential::{Tally, agree};
use std::net::IpAddr;
use vpcverify::model::*;

/// A fixture network, loaded through the spec loader and `ingest::finish`.
fn fixture(slug: &str) -> Network {
    let file = path(&format!("tests/fixtures/regressions/{slug}.toml"));
    load(&std::fs::read_to_string(&file).unwrap())
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn tcp(src: &str, sport: u16, dst: &str, dport: u16) -> Packet {
    Packet::with_ports(proto::TCP, ip(src), sport, ip(dst), dport)
}

/// Asserts both interpreters' verdicts on a pinned packet, then the whole property (a) on it.
#[track_caller]
fn assert_pinned(net: &Network, p: Packet, one_way: bool, expected: Kind) {
    assert_eq!(
        pinned_verdicts(net, p, one_way),
        (expected, expected),
        "SMT engine, simulator"
    );
    pinned_packet_agrees(net, p, one_way, &Tally::default()).unwrap();
}

/// Runs property (b) on one question.
#[allow(dead_code, reason = "for regressions found by (b)")]
fn assert_question(net: &Network, from: &str, to: &str, protocol: Option<u8>, one_way: bool) {
    agree::question_agrees(net, from, to, protocol, None, None, one_way, 0, &Tally::default()).unwrap();
}
