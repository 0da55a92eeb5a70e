//! The SMT engine behind `vpcverify query`, one named test per construct it encodes (rule ids of
//! SEMANTICS.md, like `sim_rules.rs`, prefixed `q_`). Each builds a small
//! network and asks `query::engine::run`, which also replays every witness through the simulator
//! (a disagreement is `QueryError::Inconsistent`, which these tests treat as a failure).
//!
//! Reachable answers: the witness packet lies in the question's packet space and its path crosses
//! the expected components. Unreachable answers: the exact set of blocking components, directions
//! and rules (every blocker, not just one). Unknown answers: the component named.

use crate::common::*;
use std::net::IpAddr;
use vpcverify::model::{Cidr, Direction, Hop, Network, Packet, PortRange, proto};
use vpcverify::query::engine::{ProtocolChoice, QueryError, QuerySpec, run};
use vpcverify::query::{Verdict, VerdictKind};
use vpcverify::sim::{Start, Status};

// ---------------------------------------------------------------- asking

/// A question, built like the command line.
#[derive(Debug, Clone)]
struct Ask(QuerySpec);

fn ask(from: &str, to: &str) -> Ask {
    Ask(QuerySpec {
        from: from.into(),
        to: to.into(),
        protocol: ProtocolChoice::One(proto::TCP),
        port: None,
        src_port: None,
        one_way: false,
        want_proof: false,
        budget: None,
        through: Vec::new(),
        avoid: Vec::new(),
    })
}

impl Ask {
    /// `--protocol`.
    fn proto(mut self, p: &str) -> Self {
        self.0.protocol = ProtocolChoice::parse(p).unwrap();
        self
    }

    /// `--port N|N-M`.
    fn port(mut self, r: &str) -> Self {
        self.0.port = Some(PortRange::parse(r).unwrap());
        self
    }

    /// `--src-port N|N-M`.
    fn src_port(mut self, r: &str) -> Self {
        self.0.src_port = Some(PortRange::parse(r).unwrap());
        self
    }

    /// `--one-way`.
    fn one_way(mut self) -> Self {
        self.0.one_way = true;
        self
    }

    /// Asks; an error (an endpoint that does not resolve, or the SMT engine and the simulator
    /// disagreeing) fails the test.
    #[track_caller]
    fn on(&self, n: &Built) -> Verdict {
        match run(&n.net, &n.ix, &self.0) {
            Ok(r) => r.verdict,
            Err(e) => panic!("{:?}: {e}", self.0),
        }
    }

    /// Asks, expecting an error.
    #[track_caller]
    fn error_on(&self, n: &Built) -> QueryError {
        match run(&n.net, &n.ix, &self.0) {
            Ok(r) => panic!("expected an error, got {:#?}", r.verdict),
            Err(e) => e,
        }
    }
}

// ---------------------------------------------------------------- the packet space

/// Where a witness address may lie.
#[derive(Debug, Clone, Copy)]
enum Addrs<'a> {
    /// One of these addresses.
    Of(&'a [&'a str]),
    /// A public internet address outside every modelled VPC and public address (SEMANTICS.md §4).
    Internet,
    /// An address in this block.
    In(&'a str),
}

fn is_internet(net: &Network, ip: IpAddr) -> bool {
    let inside = |c: &str| Cidr::parse(c).unwrap().contains(&ip);
    let in_vpc = net.vpcs.values().flat_map(|v| v.cidrs()).any(|c| c.contains(&ip));
    let modelled_public = net.network_interfaces.values().any(|e| {
        e.private_ipv4
            .iter()
            .any(|p| p.public_ip.as_ref().is_some_and(|pb| IpAddr::V4(pb.address) == ip))
    }) || net
        .nat_gateways
        .values()
        .any(|n| n.addresses.iter().any(|a| a.public_ip.map(IpAddr::V4) == Some(ip)));
    let public = match ip {
        IpAddr::V4(_) => ![
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.0.0.0/24",
            "192.0.2.0/24",
            "192.168.0.0/16",
            "198.18.0.0/15",
            "198.51.100.0/24",
            "203.0.113.0/24",
            "224.0.0.0/4",
            "240.0.0.0/4",
        ]
        .iter()
        .any(|c| inside(c)),
        IpAddr::V6(_) => inside("2000::/3") && !inside("2001:db8::/32"),
    };
    public && !in_vpc && !modelled_public
}

#[track_caller]
fn assert_in(net: &Network, what: &str, ip: IpAddr, set: Addrs<'_>) {
    let ok = match set {
        Addrs::Of(list) => list.iter().any(|a| a.parse::<IpAddr>().unwrap() == ip),
        Addrs::Internet => is_internet(net, ip),
        Addrs::In(c) => Cidr::parse(c).unwrap().contains(&ip),
    };
    assert!(ok, "{what} {ip} is not in {set:?}");
}

/// Asserts the verdict is reachable and the witness lies in the question's packet space (its
/// protocol, `--port`, `--src-port` or 1024-65535, echo requests for ICMP round trips) with its
/// source in `src` and its destination in `dst`. Returns the witness.
#[track_caller]
fn witness(n: &Built, a: &Ask, v: &Verdict, src: Addrs<'_>, dst: Addrs<'_>) -> Packet {
    assert_eq!(v.verdict, VerdictKind::Reachable, "{v:#?}");
    let p = v.packet.unwrap();
    let q = &a.0;
    if let ProtocolChoice::One(n) = q.protocol {
        assert_eq!(p.protocol, n, "{p}");
    }
    assert_eq!(p.src_ip.is_ipv4(), p.dst_ip.is_ipv4(), "{p}");
    if p.has_ports() {
        let dports = q.port.unwrap_or(PortRange::ALL);
        assert!(dports.contains(p.dst_port), "{p}: destination port outside {dports}");
        let sports = q.src_port.unwrap_or(PortRange::EPHEMERAL);
        assert!(sports.contains(p.src_port), "{p}: source port outside {sports}");
    } else {
        assert_eq!((p.src_port, p.dst_port), (0, 0), "{p}");
    }
    if p.is_icmp() && !q.one_way {
        let echo = if p.protocol == proto::ICMP { 8 } else { 128 };
        assert_eq!(
            (p.icmp_type, p.icmp_code),
            (echo, 0),
            "{p}: a round trip is asked of echo only"
        );
    }
    assert_in(&n.net, "source", p.src_ip, src);
    assert_in(&n.net, "destination", p.dst_ip, dst);
    assert!(v.blocked.is_empty() && v.unknown.is_empty(), "{v:#?}");
    if !q.one_way {
        // A round trip implies its request alone: asked one way, the engine finds a witness too,
        // and the simulator confirms it (without a reply leg to hide a disagreement).
        let one = a.clone().one_way().on(n);
        assert_eq!(one.verdict, VerdictKind::Reachable, "one way: {one:#?}");
    }
    p
}

/// The ids along a path.
fn ids(hops: &Option<Vec<Hop>>) -> Vec<&str> {
    hops.as_deref()
        .unwrap_or_default()
        .iter()
        .map(|h| h.id.as_str())
        .collect()
}

/// Asserts the request and reply paths' component ids, in order.
#[track_caller]
fn assert_paths(v: &Verdict, path: &[&str], return_path: &[&str]) {
    assert_eq!(ids(&v.path), path, "request path\n{v:#?}");
    assert_eq!(ids(&v.return_path), return_path, "reply path\n{v:#?}");
}

/// The rule recorded at the hop of `id` on a path (the first such hop, in direction order).
fn rule_at<'a>(hops: &'a Option<Vec<Hop>>, id: &str) -> Option<&'a str> {
    hops.as_deref()
        .unwrap_or_default()
        .iter()
        .find(|h| h.id == id)
        .and_then(|h| h.rule.as_deref())
}

/// Asserts the verdict is unreachable, blocked by exactly these `(id, direction, rule)` entries
/// (`direction` `""` when none), in any order.
#[track_caller]
fn assert_blocked_by(v: &Verdict, expected: &[(&str, &str, &str)]) {
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    let mut got: Vec<(String, String, String)> = v
        .blocked
        .iter()
        .map(|b| {
            (
                b.id.clone(),
                b.direction.map(|d| d.to_string()).unwrap_or_default(),
                b.rule.clone(),
            )
        })
        .collect();
    got.sort();
    let mut want: Vec<(String, String, String)> = expected
        .iter()
        .map(|(i, d, r)| ((*i).to_owned(), (*d).to_owned(), (*r).to_owned()))
        .collect();
    want.sort();
    assert_eq!(got, want, "{:#?}", v.blocked);
    assert!(v.packet.is_none() && v.path.is_none(), "{v:#?}");
}

/// Where the simulator drops one concrete packet: `(id, direction, rule, code)`.
#[track_caller]
fn sim_drop(n: &Built, start: Start, p: Packet, one_way: bool) -> (String, String, String, String) {
    let t = vpcverify::sim::trace(&n.net, &n.ix, start, p, one_way);
    match t.status() {
        Status::Unreachable(b) => (
            b.id,
            b.direction.map(|d| d.to_string()).unwrap_or_default(),
            b.rule,
            b.code,
        ),
        other => panic!("the simulator does not drop {p}: {other:?}"),
    }
}

/// Asserts that the simulator drops a packet of the question where the SMT engine says some
/// candidate path is blocked: the two interpreters agree on the component, direction and rule.
#[track_caller]
fn assert_sim_agrees(n: &Built, v: &Verdict, start: Start, p: Packet) {
    let drop = sim_drop(n, start, p, v.query.one_way);
    let named = v.blocked.iter().any(|b| {
        (
            b.id.as_str(),
            b.direction.map(|d| d.to_string()).unwrap_or_default(),
            b.rule.as_str(),
            b.code.as_str(),
        ) == (drop.0.as_str(), drop.1.clone(), drop.2.as_str(), drop.3.as_str())
    });
    assert!(
        named,
        "the simulator drops {p} at {drop:?}, which the query does not name: {:#?}",
        v.blocked
    );
}

fn from_eni(eni: &str) -> Start {
    Start::Interface(eni.into())
}

/// Asserts the verdict is unknown because of exactly these components.
#[track_caller]
fn assert_unknown_at(v: &Verdict, ids: &[&str]) {
    assert_eq!(v.verdict, VerdictKind::Unknown, "{v:#?}");
    let got: Vec<&str> = v.unknown.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(got, ids, "{v:#?}");
}

// ---------------------------------------------------------------- networks

/// `vpc-a` 10.0.0.0/16: `subnet-a` 10.0.1.0/24 with `eni-a` 10.0.1.10 and `subnet-b` 10.0.2.0/24
/// with `eni-b` 10.0.2.10; both carry `sg-open` (everything in and out). Default ACLs (allow
/// all) and the main route table (local only).
fn two_subnets() -> Net {
    Net::new()
        .vpc("vpc-a", "10.0.0.0/16")
        .subnet("subnet-a", "vpc-a", "10.0.1.0/24")
        .subnet("subnet-b", "vpc-a", "10.0.2.0/24")
        .sg("sg-open", "vpc-a")
        .sg_in("sg-open", "all", "", "0.0.0.0/0")
        .sg_in("sg-open", "all", "", "::/0")
        .sg_out("sg-open", "all", "", "0.0.0.0/0")
        .sg_out("sg-open", "all", "", "::/0")
        .eni("eni-a", "subnet-a", "10.0.1.10", &["sg-open"])
        .eni("eni-b", "subnet-b", "10.0.2.10", &["sg-open"])
}

/// [`two_subnets`] with a custom ACL `acl-b` on `subnet-b` (no entries yet: `*` denies).
fn acl_b() -> Net {
    two_subnets().acl("acl-b", "vpc-a", &["subnet-b"])
}

/// The lab with the public subnet's ACL also allowing inbound replies (tcp 1024-65535).
fn open_lab() -> Net {
    lab().acl_entry("acl-public", 130, "in", "allow", "tcp", "1024-65535", "0.0.0.0/0")
}

// ---------------------------------------------------------------- §7 network ACLs

#[test]
fn q_nacl_4_first_match_in_rule_order_interleaved_allow_deny() {
    // Entries listed out of order; inbound: 90 deny 1500, 100 allow 1000-2000, 110 deny 3000 from
    // subnet-a, 120 allow 3000 from anywhere; then the default `*`.
    let n = acl_b()
        .acl_entry("acl-b", 100, "in", "allow", "tcp", "1000-2000", "0.0.0.0/0")
        .acl_entry("acl-b", 120, "in", "allow", "tcp", "3000", "0.0.0.0/0")
        .acl_entry("acl-b", 90, "in", "deny", "tcp", "1500", "0.0.0.0/0")
        .acl_entry("acl-b", 110, "in", "deny", "tcp", "3000", "10.0.1.0/24")
        .acl_entry("acl-b", 100, "out", "allow", "all", "", "0.0.0.0/0")
        .build();
    // 1500: rule 90 denies before rule 100 allows.
    let v = ask("eni-a", "eni-b").port("1500").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, "10.0.2.10", 1500));
    assert_blocked_by(&v, &[("acl-b", "inbound", "90")]);
    // 1400-1600: everything but 1500 is allowed by 100.
    let a = ask("eni-a", "eni-b").port("1400-1600");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
    assert_ne!(p.dst_port, 1500);
    assert_eq!(rule_at(&v.path, "acl-b"), Some("100"));
    // 3000 from subnet-a: rule 110 denies although 120 would allow.
    let v = ask("eni-a", "eni-b").port("3000").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, "10.0.2.10", 3000));
    assert_blocked_by(&v, &[("acl-b", "inbound", "110")]);
    // 2001-4000: 3000 by 110, the rest by the default rule: both are named.
    let v = ask("eni-a", "eni-b").port("2001-4000").on(&n);
    assert_blocked_by(&v, &[("acl-b", "inbound", "110"), ("acl-b", "inbound", "*")]);
    // 2000-2500: only 2000 gets through.
    let a = ask("eni-a", "eni-b").port("2000-2500");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
    assert_eq!(p.dst_port, 2000);
}

#[test]
fn q_nacl_4_default_deny_without_star_entry() {
    let n = acl_b()
        .acl_entry("acl-b", 100, "out", "allow", "all", "", "0.0.0.0/0")
        .build();
    let v = ask("eni-a", "eni-b").port("22").on(&n);
    assert_blocked_by(&v, &[("acl-b", "inbound", "*")]);
    let v = ask("eni-a", "eni-b").proto("all").on(&n);
    assert_blocked_by(&v, &[("acl-b", "inbound", "*")]);
    // A listed `*` entry (32767) reads like the implicit one.
    let n = acl_b()
        .acl_entry("acl-b", 100, "out", "allow", "all", "", "0.0.0.0/0")
        .acl_entry("acl-b", 32767, "in", "deny", "all", "", "0.0.0.0/0")
        .build();
    let v = ask("eni-a", "eni-b").port("22").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, "10.0.2.10", 22));
    assert_blocked_by(&v, &[("acl-b", "inbound", "*")]);
}

/// [`two_subnets`] where `subnet-a` has its own ACL `acl-a` (allowing everything, or nothing)
/// and `subnet-b` has none in the input: the VPC's default ACL is gone.
fn no_acl_b(open: bool) -> Built {
    let mut n = two_subnets().acl("acl-a", "vpc-a", &["subnet-a"]);
    if open {
        for dir in ["in", "out"] {
            n = n.acl_entry("acl-a", 100, dir, "allow", "all", "", "0.0.0.0/0");
        }
    }
    n.without_acl("acl-a-default").build()
}

#[test]
fn q_nacl_1_subnet_without_acl_is_unknown_in_both_interpreters() {
    // SEMANTICS.md §7: no ACL in the input for `subnet-b` is unknown there, never a proof.
    let n = no_acl_b(true);
    assert!(n.ix.network_acl_of(&"subnet-b".into()).is_none());
    let v = ask("eni-a", "eni-b").port("443").on(&n);
    assert_unknown_at(&v, &["subnet-b"]);
    let t = n.trace_eni("eni-a", tcp("10.0.1.10", 49152, "10.0.2.10", 443));
    assert_unknown(&t, "subnet-b");
    // The other way the path leaves `subnet-b` first.
    assert_unknown_at(&ask("eni-b", "eni-a").port("443").on(&n), &["subnet-b"]);
    assert_unknown(
        &n.trace_eni("eni-b", tcp("10.0.2.10", 49152, "10.0.1.10", 443)),
        "subnet-b",
    );
    // Unknown only where the answer depends on it (BOUND-2): `acl-a` denying everything out of
    // `subnet-a` drops the request, and into it the reply, whatever `subnet-b`'s ACL would do;
    // the answer names `subnet-b` as not deciding it.
    let n = no_acl_b(false);
    let v = ask("eni-a", "eni-b").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, "10.0.2.10", 443));
    assert_blocked_by(&v, &[("acl-a", "inbound", "*"), ("acl-a", "outbound", "*")]);
    assert!(v.unknown.is_empty(), "{:?}", v.unknown);
    assert_eq!(
        v.bounded.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        ["subnet-b"],
        "{:?}",
        v.bounded
    );
    let p = tcp("10.0.1.10", 49152, "10.0.2.10", 443);
    let s = vpcverify::sim::bounded_status(&n.net, &n.ix, from_eni("eni-a"), p, false);
    assert!(matches!(&s, Status::Unreachable(b) if b.id == "acl-a"), "{s:?}");
}

#[test]
fn q_nacl_5_acl_ports_are_destination_ports() {
    // Inbound: 90 denies tcp 1024-65535 (destination ports: the request to 22 is not concerned),
    // 100 allows 22. Outbound: the reply goes to the client's source port, 1024-65535 only.
    let n = acl_b()
        .acl_entry("acl-b", 90, "in", "deny", "tcp", "1024-65535", "0.0.0.0/0")
        .acl_entry("acl-b", 100, "in", "allow", "tcp", "22", "0.0.0.0/0")
        .acl_entry("acl-b", 100, "out", "allow", "tcp", "1024-65535", "0.0.0.0/0")
        .build();
    let a = ask("eni-a", "eni-b").port("22");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
    assert_eq!(rule_at(&v.path, "acl-b"), Some("100"));
    assert_eq!(rule_at(&v.return_path, "acl-b"), Some("100"));
    // A client port below 1024: the reply's destination port is not allowed out.
    let v = ask("eni-a", "eni-b").port("22").src_port("100-200").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 150, "10.0.2.10", 22));
    assert_blocked_by(&v, &[("acl-b", "outbound", "*")]);
    // Destination 2000 hits rule 90 inbound.
    let v = ask("eni-a", "eni-b").port("2000").on(&n);
    assert_blocked_by(&v, &[("acl-b", "inbound", "90")]);
}

/// `two_subnets` with IPv6: `vpc-a` 2600:1f18:1:100::/56, `eni-a` 2600:1f18:1:101::10, `eni-b`
/// 2600:1f18:1:102::10.
fn dual_stack() -> Net {
    two_subnets()
        .vpc_v6("vpc-a", "2600:1f18:1:100::/56")
        .subnet_v6("subnet-a", "2600:1f18:1:101::/64")
        .subnet_v6("subnet-b", "2600:1f18:1:102::/64")
        .eni_v6("eni-a", "2600:1f18:1:101::10")
        .eni_v6("eni-b", "2600:1f18:1:102::10")
}

#[test]
fn q_nacl_7_ipv4_rules_never_match_ipv6() {
    let n = dual_stack()
        .acl("acl-b", "vpc-a", &["subnet-b"])
        .acl_entry("acl-b", 100, "in", "allow", "all", "", "0.0.0.0/0")
        .acl_entry("acl-b", 100, "out", "allow", "all", "", "0.0.0.0/0")
        .build();
    let a = ask("eni-a", "eni-b").port("22");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
    // IPv6 only: the request and its reply are both denied by `*`.
    let v = ask("2600:1f18:1:101::10", "2600:1f18:1:102::10").port("22").on(&n);
    assert_sim_agrees(
        &n,
        &v,
        from_eni("eni-a"),
        tcp("2600:1f18:1:101::10", 49152, "2600:1f18:1:102::10", 22),
    );
    assert_blocked_by(&v, &[("acl-b", "inbound", "*"), ("acl-b", "outbound", "*")]);
    // The other way round: IPv6 entries never match IPv4.
    let n = dual_stack()
        .acl("acl-b", "vpc-a", &["subnet-b"])
        .acl_entry("acl-b", 100, "in", "allow", "all", "", "::/0")
        .acl_entry("acl-b", 100, "out", "allow", "all", "", "::/0")
        .build();
    let a = ask("eni-a", "eni-b").port("22");
    let v = a.on(&n);
    witness(
        &n,
        &a,
        &v,
        Addrs::Of(&["2600:1f18:1:101::10"]),
        Addrs::Of(&["2600:1f18:1:102::10"]),
    );
    let v = ask("10.0.1.10", "10.0.2.10").port("22").on(&n);
    assert_blocked_by(&v, &[("acl-b", "inbound", "*"), ("acl-b", "outbound", "*")]);
}

#[test]
fn q_nacl_8_j25_same_subnet_bypasses_acls() {
    let n = two_subnets()
        .acl("acl-deny", "vpc-a", &["subnet-a", "subnet-b"])
        .eni("eni-a2", "subnet-a", "10.0.1.11", &["sg-open"])
        .build();
    let a = ask("eni-a", "eni-a2").port("5432");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.1.11"]));
    assert_paths(
        &v,
        &["eni-a", "sg-open", "subnet-a", "sg-open", "eni-a2"],
        &["eni-a2", "sg-open", "subnet-a", "sg-open", "eni-a"],
    );
    // Across subnets the same ACL denies the request leaving subnet-a and entering subnet-b, and
    // the reply leaving subnet-b and entering subnet-a: all four are named.
    let v = ask("eni-a", "eni-b").port("5432").on(&n);
    assert_blocked_by(
        &v,
        &[
            ("acl-deny", "inbound", "*"),
            ("acl-deny", "inbound", "*"),
            ("acl-deny", "outbound", "*"),
            ("acl-deny", "outbound", "*"),
        ],
    );
    let said = |dir: Direction, subnet: &str, reply: bool| {
        v.blocked.iter().any(|b| {
            b.direction == Some(dir) && b.reason.contains(&format!("`{subnet}`")) && b.reason.contains("reply") == reply
        })
    };
    assert!(said(Direction::Outbound, "subnet-a", false), "{:#?}", v.blocked);
    assert!(said(Direction::Inbound, "subnet-b", false), "{:#?}", v.blocked);
    assert!(said(Direction::Outbound, "subnet-b", true), "{:#?}", v.blocked);
    assert!(said(Direction::Inbound, "subnet-a", true), "{:#?}", v.blocked);
}

#[test]
fn q_nacl_9_stateless_replies_need_their_own_rule() {
    let base = acl_b().acl_entry("acl-b", 100, "in", "allow", "tcp", "443", "10.0.1.0/24");
    let n = base.clone().build();
    let v = ask("eni-a", "eni-b").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, "10.0.2.10", 443));
    assert_blocked_by(&v, &[("acl-b", "outbound", "*")]);
    assert!(v.blocked[0].reason.contains("reply"), "{}", v.blocked[0].reason);
    let a = ask("eni-a", "eni-b").port("443").one_way();
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
    assert!(v.return_path.as_deref().unwrap_or_default().is_empty());
    let n = base
        .acl_entry("acl-b", 200, "out", "allow", "tcp", "1024-65535", "10.0.1.0/24")
        .build();
    let a = ask("eni-a", "eni-b").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
    assert_eq!(rule_at(&v.return_path, "acl-b"), Some("200"));
}

// ---------------------------------------------------------------- §7 security groups

#[test]
fn q_sg_4_union_of_groups() {
    let n = two_subnets()
        .sg("sg-ssh", "vpc-a")
        .sg_in("sg-ssh", "tcp", "22", "10.0.0.0/16")
        .sg("sg-web", "vpc-a")
        .sg_in("sg-web", "tcp", "80", "10.0.0.0/16")
        .eni("eni-c", "subnet-b", "10.0.2.30", &["sg-ssh", "sg-web"])
        .build();
    for (port, via) in [("22", "sg-ssh"), ("80", "sg-web")] {
        let a = ask("eni-a", "eni-c").port(port);
        let v = a.on(&n);
        witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.30"]));
        assert!(ids(&v.path).contains(&via), "{:?}", ids(&v.path));
    }
    let a = ask("eni-a", "eni-c").port("22-80");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.30"]));
    assert!(p.dst_port == 22 || p.dst_port == 80, "{p}");
    let v = ask("eni-a", "eni-c").port("23-79").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, "10.0.2.30", 50));
    assert_blocked_by(&v, &[("sg-ssh", "inbound", "sg-ssh, sg-web")]);
}

/// `vpc-a` 10.0.0.0/16 with an internet gateway (main table 0/0 -> `igw-a`, default ACL):
/// `eni-web` 10.0.1.10 (public 54.0.1.10, `sg-web`: tcp 80 and 443 from anywhere, all out) and
/// `eni-other` 10.0.1.40 (`sg-open`) in `subnet-a` 10.0.1.0/24; `eni-db` 10.0.2.20 (public
/// 54.0.2.20, `sg-db`: tcp 3306 from `sg-web`, all out) in `subnet-b` 10.0.2.0/24.
fn groups_net() -> Net {
    Net::new()
        .vpc("vpc-a", "10.0.0.0/16")
        .subnet("subnet-a", "vpc-a", "10.0.1.0/24")
        .subnet("subnet-b", "vpc-a", "10.0.2.0/24")
        .igw("igw-a", "vpc-a")
        .route("rtb-a-main", "0.0.0.0/0", "igw-a")
        .sg("sg-open", "vpc-a")
        .sg_in("sg-open", "all", "", "0.0.0.0/0")
        .sg_out("sg-open", "all", "", "0.0.0.0/0")
        .sg("sg-web", "vpc-a")
        .sg_in("sg-web", "tcp", "80", "0.0.0.0/0")
        .sg_in("sg-web", "tcp", "443", "0.0.0.0/0")
        .sg_out("sg-web", "all", "", "0.0.0.0/0")
        .sg("sg-db", "vpc-a")
        .sg_in("sg-db", "tcp", "3306", "sg-web")
        .sg_out("sg-db", "all", "", "0.0.0.0/0")
        .eni("eni-web", "subnet-a", "10.0.1.10", &["sg-web"])
        .public_ip("eni-web", "54.0.1.10")
        .eni("eni-other", "subnet-a", "10.0.1.40", &["sg-open"])
        .eni("eni-db", "subnet-b", "10.0.2.20", &["sg-db"])
        .public_ip("eni-db", "54.0.2.20")
}

#[test]
fn q_sg_7_group_reference_matches_members_private_addresses_only() {
    let n = groups_net().build();
    // The database answers on its private and its public address; only the private one works: by
    // the public one the packet hairpins through the internet gateway and arrives from the web
    // server's public address, which is no member's private address.
    let a = ask("eni-web", "eni-db").port("3306");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.20"]));
    assert_paths(
        &v,
        &[
            "eni-web",
            "sg-web",
            "rtb-a-main",
            "acl-a-default",
            "acl-a-default",
            "sg-db",
            "eni-db",
        ],
        &[
            "eni-db",
            "sg-db",
            "rtb-a-main",
            "acl-a-default",
            "acl-a-default",
            "sg-web",
            "eni-web",
        ],
    );
    let v = ask("eni-web", "54.0.2.20").port("3306").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-web"), tcp("10.0.1.10", 49152, "54.0.2.20", 3306));
    assert_blocked_by(&v, &[("sg-db", "inbound", "sg-db")]);
    assert!(v.blocked[0].reason.contains("54.0.1.10:"), "{}", v.blocked[0].reason);
    // A host without the group is not a member. Its two candidate paths are blocked at different
    // places: the private address by the group, the public one already at the internet gateway
    // (the host has no public address).
    let v = ask("eni-other", "eni-db").port("3306").on(&n);
    assert_sim_agrees(
        &n,
        &v,
        from_eni("eni-other"),
        tcp("10.0.1.40", 49152, "54.0.2.20", 3306),
    );
    assert_blocked_by(&v, &[("sg-db", "inbound", "sg-db"), ("igw-a", "outbound", "IGW-5")]);
}

#[test]
fn q_sg_8_prefix_list_peers() {
    let n = groups_net()
        .prefix_list("pl-corp", "corp", &["52.94.0.0/22", "10.0.1.0/28"], true)
        .sg_in("sg-db", "tcp", "22", "pl-corp")
        .build();
    // From the internet: only the list's public block.
    let a = ask("internet", "eni-db").port("22");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::In("52.94.0.0/22"), Addrs::Of(&["54.0.2.20"]));
    assert_eq!(ids(&v.path)[..2], [p.src_ip.to_string().as_str(), "igw-a"]);
    // From inside: 10.0.1.10 is in the list's 10.0.1.0/28, 10.0.1.40 is not.
    let a = ask("eni-web", "eni-db").port("22");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.20"]));
    let v = ask("eni-other", "10.0.2.20").port("22").on(&n);
    assert_blocked_by(&v, &[("sg-db", "inbound", "sg-db")]);
}

#[test]
fn q_sg_8_prefix_list_without_entries_is_unknown_unless_another_rule_allows() {
    let n = groups_net()
        .prefix_list("pl-corp", "corp", &[], false)
        .sg_in("sg-db", "tcp", "22", "pl-corp")
        .build();
    let v = ask("eni-other", "eni-db").port("22").on(&n);
    assert_unknown_at(&v, &["pl-corp"]);
    // Another rule of the same group allows 3306 from the web server: the unknown list does not
    // matter, and no rule can allow 8080 whatever the list holds.
    let a = ask("eni-web", "eni-db").port("3306");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.20"]));
    let v = ask("eni-web", "10.0.2.20").port("8080").on(&n);
    assert_blocked_by(&v, &[("sg-db", "inbound", "sg-db")]);
}

/// The ids of the constructs a verdict names as not deciding it (BOUND-2).
fn bounded_ids(v: &Verdict) -> Vec<&str> {
    v.bounded.iter().map(|u| u.id.as_str()).collect()
}

#[test]
fn q_bound_2_unknown_prefix_list_rule_is_decided_both_ways() {
    // `sg-db` admits ssh from `pl-corp`, whose entries are not in the input.
    let n = groups_net()
        .prefix_list("pl-corp", "corp", &[], false)
        .sg_in("sg-db", "tcp", "22", "pl-corp")
        .build();
    // The answer depends on the list: unknown, naming it and a packet whose fate depends on it,
    // which the simulator stops at the list and delivers when the list admits it.
    let v = ask("eni-other", "eni-db").port("22").on(&n);
    assert_unknown_at(&v, &["pl-corp"]);
    let p = v.unknown[0].example.expect("an example packet");
    assert_eq!((p.dst_port, p.dst_ip), (22, "10.0.2.20".parse().unwrap()), "{p}");
    let stop = vpcverify::sim::status(&n.net, &n.ix, from_eni("eni-other"), p, false);
    assert!(
        matches!(&stop, Status::Unknown { component, .. } if component == "pl-corp"),
        "{stop:?}"
    );
    let admit = vpcverify::sim::trace_admitting(&n.net, &n.ix, from_eni("eni-other"), p, false);
    assert_eq!(admit.status(), Status::Reachable, "{admit:#?}");
    assert_eq!(rule_at(&Some(admit.request.hops.clone()), "pl-corp"), Some("BOUND-1"));
    // A custom ACL on the database's subnet refuses ssh: whatever the list holds, no packet
    // gets through. Definite, blocked by the ACL, the list named as not deciding it.
    let closed = groups_net()
        .prefix_list("pl-corp", "corp", &[], false)
        .sg_in("sg-db", "tcp", "22", "pl-corp")
        .acl("acl-b", "vpc-a", &["subnet-b"])
        .acl_entry("acl-b", 100, "in", "allow", "tcp", "3306", "0.0.0.0/0")
        .acl_entry("acl-b", 100, "out", "allow", "tcp", "1024-65535", "0.0.0.0/0")
        .build();
    let v = ask("eni-other", "eni-db").port("22").on(&closed);
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    // (By the database's public address the request does not leave: `eni-other` has none, and
    // the group admits nothing from outside, list or not.)
    assert_blocked_by(
        &v,
        &[
            ("acl-b", "inbound", "*"),
            ("igw-a", "outbound", "IGW-5"),
            ("sg-db", "inbound", "sg-db"),
        ],
    );
    assert_eq!(bounded_ids(&v), ["pl-corp"], "{v:#?}");
    assert_sim_agrees(
        &closed,
        &v,
        from_eni("eni-other"),
        tcp("10.0.1.40", 49152, "10.0.2.20", 22),
    );
    let s = vpcverify::sim::bounded_status(
        &closed.net,
        &closed.ix,
        from_eni("eni-other"),
        tcp("10.0.1.40", 49152, "10.0.2.20", 22),
        false,
    );
    assert!(matches!(&s, Status::Unreachable(b) if b.id == "acl-b"), "{s:?}");
    // A packet that gets through without the list: reachable, the list named as not deciding.
    let v = ask("eni-web", "eni-db").on(&n);
    assert_eq!(v.verdict, VerdictKind::Reachable, "{v:#?}");
    assert_eq!(v.packet.map(|p| p.dst_port), Some(3306), "{v:#?}");
    assert_eq!(bounded_ids(&v), ["pl-corp"], "{v:#?}");
    // A port the list's rule does not cover: the list is not on the way at all.
    let v = ask("eni-other", "eni-db").port("8080").on(&n);
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    assert!(v.bounded.is_empty(), "{v:#?}");
}

#[test]
fn q_bound_2_managed_interface_without_groups_behind_a_closed_acl_is_unreachable() {
    // A Lambda interface without groups (SG-1b) in a subnet whose ACL admits nothing: whatever
    // the interface would do, the ACL drops the request.
    let n = open_lab()
        .eni("eni-fn", "subnet-private", "10.0.2.30", &[])
        .managed("eni-fn", "lambda", true)
        .acl("acl-private", "vpc-lab", &["subnet-private"])
        .build();
    let v = ask("eni-web", "eni-fn").port("443").on(&n);
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    // The reply would be dropped leaving the subnet too.
    assert_blocked_by(&v, &[("acl-private", "inbound", "*"), ("acl-private", "outbound", "*")]);
    assert_eq!(bounded_ids(&v), ["eni-fn"], "{v:#?}");
    // Sent by the interface itself, the request is dropped leaving its subnet (and the reply
    // would be dropped entering it), to the web server's private and public address alike.
    let v = ask("eni-fn", "eni-web").port("443").on(&n);
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    let entries: std::collections::BTreeSet<_> = v
        .blocked
        .iter()
        .map(|b| (b.id.as_str(), b.direction.map(|d| d.to_string()), b.rule.as_str()))
        .collect();
    assert_eq!(
        entries,
        [
            ("acl-private", Some("inbound".to_owned()), "*"),
            ("acl-private", Some("outbound".to_owned()), "*")
        ]
        .into(),
        "{v:#?}"
    );
    assert_eq!(bounded_ids(&v), ["eni-fn"], "{v:#?}");
}

#[test]
fn q_bound_2_unsupported_route_target_decides_only_what_it_can_win() {
    // The private subnet routes 192.168.0.0/16 to a local gateway, which is not modelled.
    let n = open_lab().route("rtb-private", "192.168.0.0/16", "lgw-0123").build();
    // A destination that route cannot win: definite, whatever the local gateway does.
    let a = ask("eni-db", "internet").port("443").one_way();
    let v = a.on(&n);
    assert_eq!(v.verdict, VerdictKind::Reachable, "{v:#?}");
    let v = ask("eni-db", "eni-web").port("3306").on(&n);
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    // One it wins: unknown, naming the gateway and a packet that reaches it.
    let v = ask("eni-db", "192.168.1.10").port("443").one_way().on(&n);
    assert_unknown_at(&v, &["lgw-0123"]);
    let p = v.unknown[0].example.expect("an example packet");
    assert_eq!(p.dst_ip, "192.168.1.10".parse::<IpAddr>().unwrap(), "{p}");
    // And when the security group already drops everything it would carry: unreachable, the
    // gateway named as not deciding it.
    let n = open_lab()
        .route("rtb-private", "192.168.0.0/16", "lgw-0123")
        .sg("sg-closed", "vpc-lab")
        .eni("eni-closed", "subnet-private", "10.0.2.40", &["sg-closed"])
        .build();
    let v = ask("eni-closed", "192.168.1.10").port("443").one_way().on(&n);
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    assert_blocked_by(&v, &[("sg-closed", "outbound", "sg-closed")]);
    assert_eq!(bounded_ids(&v), ["lgw-0123"], "{v:#?}");
}

/// The lab with an internet-facing Network Load Balancer interface `eni-nlb` (10.0.1.50, public
/// 54.0.0.50) in the public subnet, carrying `groups`.
fn nlb(groups: &[&str]) -> Built {
    open_lab()
        .eni("eni-nlb", "subnet-public", "10.0.1.50", groups)
        .managed("eni-nlb", "network_load_balancer", true)
        .public_ip("eni-nlb", "54.0.0.50")
        .build()
}

#[test]
fn q_sg_1a_network_load_balancer_without_groups_filters_nothing() {
    // Before SG-1a this was unreachable (SG-1: no group allows nothing), a wrong definite verdict.
    let n = nlb(&[]);
    let a = ask("internet", "eni-nlb").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Internet, Addrs::Of(&["54.0.0.50"]));
    assert_eq!(rule_at(&v.path, "eni-nlb"), Some("SG-1a"), "{v:#?}");
    // From the load balancer to a target, on a port the target admits.
    let a = ask("eni-nlb", "eni-web").port("80");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.50"]), Addrs::Of(&["10.0.1.10"]));
    // The ACL still filters.
    let v = ask("internet", "eni-nlb").port("25").on(&n);
    assert_blocked_by(&v, &[("acl-public", "inbound", "*")]);
}

#[test]
fn q_sg_1a_network_load_balancer_with_groups_is_filtered_by_them() {
    let n = nlb(&["sg-web"]);
    let a = ask("internet", "eni-nlb").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Internet, Addrs::Of(&["54.0.0.50"]));
    let v = ask("internet", "eni-nlb").port("22").on(&n);
    assert_sim_agrees(&n, &v, Start::Internet, tcp(HOST, 49152, "54.0.0.50", 22));
    assert_blocked_by(&v, &[("sg-web", "inbound", "sg-web")]);
}

#[test]
fn q_sg_1b_managed_interface_without_groups_is_unknown() {
    for (kind, managed) in [("lambda", true), ("interface", true), ("gateway_load_balancer", false)] {
        let n = open_lab()
            .eni("eni-fn", "subnet-private", "10.0.2.30", &[])
            .managed("eni-fn", kind, managed)
            .build();
        assert_unknown_at(&ask("eni-web", "eni-fn").port("443").on(&n), &["eni-fn"]);
        assert_unknown_at(&ask("eni-fn", "eni-web").port("443").on(&n), &["eni-fn"]);
    }
    // A customer's own interface without groups allows nothing, as before (SG-1).
    let n = open_lab().eni("eni-bare", "subnet-private", "10.0.2.30", &[]).build();
    let v = ask("eni-web", "eni-bare").port("443").on(&n);
    assert_blocked_by(&v, &[("eni-bare", "inbound", "no security groups")]);
    let t = n.trace_eni("eni-web", tcp("10.0.1.10", 49152, "10.0.2.30", 443));
    assert_blocked(
        &t,
        "eni-bare",
        vpcverify::model::ComponentKind::NetworkInterface,
        "SG-1",
    );
}

#[test]
fn q_j14_reference_to_missing_group_matches_nothing() {
    let n = groups_net().sg_in("sg-db", "tcp", "6379", "sg-gone").build();
    // Both candidate paths (to the private address, and by the public one through the internet
    // gateway) are blocked by the group, each named with its own example.
    let v = ask("eni-web", "eni-db").port("6379").on(&n);
    assert_blocked_by(&v, &[("sg-db", "inbound", "sg-db"), ("sg-db", "inbound", "sg-db")]);
    assert!(
        v.blocked.iter().any(|b| b.reason.contains("10.0.1.10:")),
        "{:#?}",
        v.blocked
    );
    assert!(
        v.blocked.iter().any(|b| b.reason.contains("54.0.1.10:")),
        "{:#?}",
        v.blocked
    );
}

#[test]
fn q_sg_11_replies_are_tracked() {
    // sg-db allows nothing outbound and sg-web nothing inbound from the database: the reply
    // passes both anyway; the database cannot start a connection to the web server.
    let mut n = groups_net();
    n.net.security_groups.get_mut(&"sg-db".into()).unwrap().egress.clear();
    let n = n.sg_in("sg-web", "tcp", "22", "10.0.9.0/24").build();
    let a = ask("eni-web", "eni-db").port("3306");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.20"]));
    assert_eq!(rule_at(&v.return_path, "sg-db"), Some("SG-11"));
    assert_eq!(rule_at(&v.return_path, "sg-web"), Some("SG-11"));
    let v = ask("eni-db", "10.0.1.10").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-db"), tcp("10.0.2.20", 49152, "10.0.1.10", 443));
    assert_blocked_by(&v, &[("sg-db", "outbound", "sg-db")]);
    // By id, the web server's public address is a second candidate path, blocked at the same group.
    let v = ask("eni-db", "eni-web").port("443").on(&n);
    assert_blocked_by(&v, &[("sg-db", "outbound", "sg-db"), ("sg-db", "outbound", "sg-db")]);
    // With an outbound rule it can; the reply needs no inbound rule of sg-db.
    let n = Net { net: n.net.clone() }
        .sg_out("sg-db", "tcp", "443", "10.0.1.0/24")
        .build();
    let a = ask("eni-db", "eni-web").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::Of(&["10.0.1.10"]));
}

// ---------------------------------------------------------------- §6 routes

/// One subnet `subnet-a` (table `rtb-a`, local only) with `eni-a` 10.0.1.10 (public 54.0.1.10,
/// `sg-open`), an internet gateway `igw-a` and a virtual private gateway `vgw-a` (on premises
/// 192.168.0.0/16, and 93.184.216.0/24 and 198.51.100.0/24 learnt over BGP, ONP-1), both without
/// routes yet.
fn routing_net() -> Net {
    Net::new()
        .vpc("vpc-a", "10.0.0.0/16")
        .subnet("subnet-a", "vpc-a", "10.0.1.0/24")
        .igw("igw-a", "vpc-a")
        .route_table("rtb-a", "vpc-a", &["subnet-a"])
        .sg("sg-open", "vpc-a")
        .sg_in("sg-open", "all", "", "0.0.0.0/0")
        .sg_out("sg-open", "all", "", "0.0.0.0/0")
        .eni("eni-a", "subnet-a", "10.0.1.10", &["sg-open"])
        .public_ip("eni-a", "54.0.1.10")
        .vgw(
            "vgw-a",
            "vpc-a",
            &["192.168.0.0/16", "93.184.216.0/24", "198.51.100.0/24"],
        )
}

/// The route `rtb-a` used on the request path.
fn rtb_rule(v: &Verdict) -> Option<&str> {
    rule_at(&v.path, "rtb-a")
}

#[test]
fn q_rt_11_longest_prefix_match() {
    let n = routing_net()
        .route("rtb-a", "0.0.0.0/0", "igw-a")
        .route("rtb-a", "93.184.216.0/24", "vgw-a")
        .build();
    let a = ask("eni-a", HOST).port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&[HOST]));
    assert_eq!(rtb_rule(&v), Some("93.184.216.0/24 -> vgw-a"));
    assert_paths(
        &v,
        &["eni-a", "sg-open", "rtb-a", "acl-a-default", "vgw-a", HOST],
        &[HOST, "vgw-a", "acl-a-default", "sg-open", "eni-a"],
    );
    let a = ask("eni-a", "93.184.217.1").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["93.184.217.1"]));
    assert_eq!(rtb_rule(&v), Some("0.0.0.0/0 -> igw-a"));
    // To "internet": delivered through the internet gateway only, so the witness avoids the /24.
    let a = ask("eni-a", "internet").port("443");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Internet);
    assert!(!Cidr::parse("93.184.216.0/24").unwrap().contains(&p.dst_ip), "{p}");
}

#[test]
fn q_rt_8_local_beats_propagated() {
    let n = routing_net()
        .subnet("subnet-b", "vpc-a", "10.0.2.0/24")
        .eni("eni-b", "subnet-b", "10.0.2.10", &["sg-open"])
        .propagated_route("rtb-a", "10.0.2.0/24", "vgw-a")
        .propagated_route("rtb-a-main", "10.0.1.0/24", "vgw-a")
        .build();
    let a = ask("eni-a", "eni-b").port("22");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
    assert_eq!(rtb_rule(&v), Some("10.0.0.0/16 -> local"));
    assert_eq!(rule_at(&v.return_path, "rtb-a-main"), Some("10.0.0.0/16 -> local"));
    assert!(!ids(&v.path).contains(&"vgw-a") && !ids(&v.return_path).contains(&"vgw-a"));
}

#[test]
fn q_rt_12_equal_prefix_priority() {
    // Static over propagated.
    let n = routing_net()
        .propagated_route("rtb-a", "93.184.216.0/24", "vgw-a")
        .route("rtb-a", "93.184.216.0/24", "igw-a")
        .build();
    let a = ask("eni-a", HOST).port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&[HOST]));
    assert_eq!(rtb_rule(&v), Some("93.184.216.0/24 -> igw-a"));
    // Prefix list over propagated.
    let n = routing_net()
        .prefix_list("pl-x", "x", &["93.184.216.0/24"], true)
        .propagated_route("rtb-a", "93.184.216.0/24", "vgw-a")
        .route("rtb-a", "pl-x", "igw-a")
        .build();
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&[HOST]));
    assert_eq!(rtb_rule(&v), Some("pl-x (93.184.216.0/24) -> igw-a"));
    // Static over prefix list.
    let n = routing_net()
        .prefix_list("pl-x", "x", &["93.184.216.0/24"], true)
        .route("rtb-a", "pl-x", "vgw-a")
        .route("rtb-a", "93.184.216.0/24", "igw-a")
        .build();
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&[HOST]));
    assert_eq!(rtb_rule(&v), Some("93.184.216.0/24 -> igw-a"));
}

#[test]
fn q_rt_13_prefix_list_routes() {
    let n = routing_net()
        .prefix_list("pl-x", "x", &["93.184.216.0/24", "198.51.100.0/24"], true)
        .route("rtb-a", "0.0.0.0/0", "igw-a")
        .route("rtb-a", "pl-x", "vgw-a")
        .build();
    // Each entry is a route: the /24 beats 0.0.0.0/0.
    let a = ask("eni-a", "93.184.216.0/24").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::In("93.184.216.0/24"));
    assert_eq!(rtb_rule(&v), Some("pl-x (93.184.216.0/24) -> vgw-a"));
    assert!(ids(&v.path).contains(&"vgw-a"));
    // To the internet the list's blocks go on premises: the witness avoids them.
    let a = ask("eni-a", "internet").port("443");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Internet);
    assert!(!Cidr::parse("93.184.216.0/24").unwrap().contains(&p.dst_ip), "{p}");
    assert_eq!(rtb_rule(&v), Some("0.0.0.0/0 -> igw-a"));
}

#[test]
fn q_rt_13_prefix_list_route_with_unknown_entries_is_unknown() {
    let n = routing_net()
        .prefix_list("pl-x", "x", &[], false)
        .route("rtb-a", "0.0.0.0/0", "igw-a")
        .route("rtb-a", "pl-x", "vgw-a")
        .build();
    let v = ask("eni-a", "internet").port("443").on(&n);
    assert_unknown_at(&v, &["pl-x"]);
}

#[test]
fn q_rt_13a_unknown_prefix_list_route_to_the_same_target_is_settled() {
    // The moto sample's shape: `pl-x` (entries unknown) and the default route both lead to the
    // internet gateway. Whether the list holds the destination or not, the packet goes there.
    let n = routing_net()
        .prefix_list("pl-x", "x", &[], false)
        .route("rtb-a", "0.0.0.0/0", "igw-a")
        .route("rtb-a", "pl-x", "igw-a")
        .build();
    let a = ask("eni-a", "internet").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Internet);
    assert!(v.unknown.is_empty(), "{v:#?}");
    let hop = v.path.as_ref().unwrap().iter().find(|h| h.id == "rtb-a").unwrap();
    assert!(
        hop.detail.contains("`pl-x`") && hop.detail.contains("RT-13a"),
        "{hop:?}"
    );
    // A destination no known route covers: the list's route may carry it or nothing does.
    let n = routing_net()
        .subnet("subnet-b", "vpc-a", "10.0.2.0/24")
        .eni("eni-b", "subnet-b", "10.0.2.10", &["sg-open"])
        .prefix_list("pl-x", "x", &[], false)
        .route("rtb-a", "pl-x", "igw-a")
        .build();
    assert_unknown_at(&ask("eni-a", "internet").port("443").on(&n), &["pl-x"]);
    // Inside the VPC the local route wins unless the list holds a longer match, which would
    // take the packet to the gateway instead: unknown.
    assert_unknown_at(&ask("eni-a", "eni-b").port("443").on(&n), &["pl-x"]);
}

#[test]
fn q_j7_prefix_list_tie_smaller_id_wins() {
    let n = routing_net()
        .prefix_list("pl-b", "b", &["93.184.216.0/24"], true)
        .prefix_list("pl-a", "a", &["93.184.216.0/24"], true)
        .route("rtb-a", "pl-b", "igw-a")
        .route("rtb-a", "pl-a", "vgw-a")
        .build();
    let a = ask("eni-a", HOST).port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&[HOST]));
    assert_eq!(rtb_rule(&v), Some("pl-a (93.184.216.0/24) -> vgw-a"));
}

#[test]
fn q_j5_blackhole_wins_and_drops() {
    let n = routing_net()
        .route("rtb-a", "0.0.0.0/0", "igw-a")
        .blackhole("rtb-a", "93.184.216.0/24", "nat-gone")
        .build();
    let v = ask("eni-a", HOST).port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, HOST, 443));
    assert_blocked_by(&v, &[("rtb-a", "", "93.184.216.0/24")]);
    // RT-22: the 0/0 route to the internet gateway would carry it; the blackhole is more specific.
    assert_eq!(v.blocked[0].code, "MORE_SPECIFIC_ROUTE");
    // The rest of the internet is fine: the witness avoids the blackholed block.
    let a = ask("eni-a", "93.184.0.0/16").port("443");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::In("93.184.0.0/16"));
    assert!(!Cidr::parse("93.184.216.0/24").unwrap().contains(&p.dst_ip), "{p}");
}

#[test]
fn q_rt_14a_active_route_to_missing_target_is_unknown() {
    // The input says `active` but has no `nat-gone`: incomplete, not a blackhole (RT-14a).
    let n = routing_net().route("rtb-a", "0.0.0.0/0", "nat-gone").build();
    let v = ask("eni-a", "internet").port("443").on(&n);
    assert_unknown_at(&v, &["nat-gone"]);
    assert!(v.unknown[0].reason.contains("not in the input"), "{v:#?}");
    // Every missing target kind names itself.
    for target in [
        "tgw-gone",
        "igw-gone",
        "vgw-gone",
        "pcx-gone",
        "vpce-gone",
        "eni-gone",
        "i-gone",
    ] {
        let n = routing_net().route("rtb-a", "0.0.0.0/0", target).build();
        assert_unknown_at(&ask("eni-a", "internet").port("443").on(&n), &[target]);
    }
    // The same route marked `blackhole` by the input drops (RT-14, J5).
    let n = routing_net().blackhole("rtb-a", "0.0.0.0/0", "tgw-gone").build();
    let v = ask("eni-a", "internet").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, HOST, 443));
    assert_blocked_by(&v, &[("rtb-a", "", "0.0.0.0/0")]);
    assert_eq!(v.blocked[0].code, "BAD_STATE_ROUTE");
}

#[test]
fn q_rt_14a_missing_gateway_after_an_acl_that_denies_is_unreachable() {
    // Unknown only where the answer depends on it: the outbound ACL of the subnet already drops
    // every packet towards a gateway, missing or not (SEMANTICS.md §6 rule 5).
    let n = routing_net()
        .acl("acl-a", "vpc-a", &["subnet-a"])
        .route("rtb-a", "0.0.0.0/0", "tgw-gone")
        .build();
    let v = ask("eni-a", "internet").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, HOST, 443));
    assert_blocked_by(&v, &[("acl-a", "outbound", "*")]);
    // A NAT gateway may lie in the sender's own subnet: no ACL before it, unknown.
    let n = routing_net()
        .acl("acl-a", "vpc-a", &["subnet-a"])
        .route("rtb-a", "0.0.0.0/0", "nat-gone")
        .build();
    assert_unknown_at(&ask("eni-a", "internet").port("443").on(&n), &["nat-gone"]);
}

#[test]
fn q_rt_no_route() {
    let n = routing_net().build();
    let v = ask("eni-a", "internet").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, HOST, 443));
    assert_blocked_by(&v, &[("rtb-a", "", "none")]);
    assert_eq!(v.blocked[0].code, "NO_ROUTE_TO_DESTINATION");
    // The reply's lookup counts too: the request reaches on premises, the way back has no route.
    let n = routing_net()
        .route("rtb-a", "192.168.0.0/16", "vgw-a")
        .subnet("subnet-b", "vpc-a", "10.0.2.0/24")
        .eni("eni-b", "subnet-b", "10.0.2.10", &["sg-open"])
        .build();
    let a = ask("eni-a", "vgw-a").port("22");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::In("192.168.0.0/16"));
    let v = ask("eni-b", "vgw-a").port("22").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-b"), tcp("10.0.2.10", 49152, "192.168.1.1", 22));
    assert_blocked_by(&v, &[("rtb-a-main", "", "none")]);
}

#[test]
fn q_s2_routing_loop() {
    // An appliance whose own subnet routes everything back to it.
    let n = routing_net()
        .subnet("subnet-fw", "vpc-a", "10.0.9.0/24")
        .route_table("rtb-fw", "vpc-a", &["subnet-fw"])
        .eni("eni-fw", "subnet-fw", "10.0.9.10", &["sg-open"])
        .check_off("eni-fw")
        .route("rtb-a", "0.0.0.0/0", "eni-fw")
        .route("rtb-fw", "0.0.0.0/0", "eni-fw")
        .build();
    let v = ask("eni-a", "internet").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, HOST, 443));
    assert_blocked_by(&v, &[("rtb-fw", "", "16 lookups")]);
    assert_eq!(v.blocked[0].code, "ROUTING_LOOP");
}

// ---------------------------------------------------------------- §5.4 NAT instances

/// The lab with a NAT instance `i-nat` (`eni-nat` 10.0.1.5, public 54.0.0.5, `sg-nat`: tcp 443
/// in from the private subnet, tcp 443 out) as the private subnet's default route.
fn nat_instance_lab(check: bool) -> Net {
    let mut n = open_lab()
        .sg("sg-nat", "vpc-lab")
        .sg_in("sg-nat", "tcp", "443", "10.0.2.0/24")
        .sg_out("sg-nat", "tcp", "443", "0.0.0.0/0")
        .eni("eni-nat", "subnet-public", "10.0.1.5", &["sg-nat"])
        .public_ip("eni-nat", "54.0.0.5")
        .instance("i-nat", &["eni-nat"]);
    n.net
        .route_tables
        .get_mut(&"rtb-private".into())
        .unwrap()
        .routes
        .clear();
    n = n.route("rtb-private", "0.0.0.0/0", "i-nat");
    if !check {
        n = n.check_off("eni-nat");
    }
    n
}

#[test]
fn q_ni_2_source_dest_check_on_forwarding() {
    let n = nat_instance_lab(true).build();
    let v = ask("eni-db", "internet").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-db"), tcp("10.0.2.20", 49152, HOST, 443));
    assert_blocked_by(&v, &[("eni-nat", "inbound", "NI-2")]);
    assert_eq!(v.blocked[0].code, "ENI_SOURCE_DEST_CHECK_RESTRICTION");
}

#[test]
fn q_ni_4_nat_instance_masquerades_and_its_reply_returns() {
    let n = nat_instance_lab(false).build();
    let a = ask("eni-db", "internet").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::Internet);
    let dst = v.packet.unwrap().dst_ip.to_string();
    assert_paths(
        &v,
        &[
            "eni-db",
            "sg-db",
            "rtb-private",
            "acl-lab-default",
            "acl-public",
            "sg-nat",
            "eni-nat",
            "sg-nat",
            "rtb-public",
            "acl-public",
            "igw-lab",
            &dst,
        ],
        &[
            &dst,
            "igw-lab",
            "acl-public",
            "sg-nat",
            "eni-nat",
            "sg-nat",
            "rtb-public",
            "acl-public",
            "acl-lab-default",
            "sg-db",
            "eni-db",
        ],
    );
    // Its group admits 443 only, in and out: port 80 is blocked there both ways.
    let v = ask("eni-db", "internet").port("80").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-db"), tcp("10.0.2.20", 49152, HOST, 80));
    assert_blocked_by(&v, &[("sg-nat", "inbound", "sg-nat"), ("sg-nat", "outbound", "sg-nat")]);
}

// ---------------------------------------------------------------- §5.3 NAT gateway

#[test]
fn q_ngw_2_nat_gateway_translation_and_reply() {
    let n = open_lab().build();
    let a = ask("eni-db", "internet").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::Internet);
    let dst = v.packet.unwrap().dst_ip.to_string();
    assert_paths(
        &v,
        &[
            "eni-db",
            "sg-db",
            "rtb-private",
            "acl-lab-default",
            "acl-public",
            "nat-lab",
            "rtb-public",
            "acl-public",
            "igw-lab",
            &dst,
        ],
        &[
            &dst,
            "igw-lab",
            "acl-public",
            "nat-lab",
            "rtb-public",
            "acl-public",
            "acl-lab-default",
            "sg-db",
            "eni-db",
        ],
    );
}

#[test]
fn q_ngw_2_nat_port_for_a_source_port_below_1024() {
    // The reply comes back to nat_port(100) = 1124, which acl-public admits inbound (130), and is
    // restored to port 100 on its way to the database, which acl-public's outbound rules (80, 443,
    // 1024-65535) do not allow.
    let n = open_lab().build();
    let v = ask("eni-db", "internet").port("443").src_port("100").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-db"), tcp("10.0.2.20", 100, HOST, 443));
    assert_blocked_by(&v, &[("acl-public", "outbound", "*")]);
    assert!(v.blocked[0].reason.contains("reply"), "{}", v.blocked[0].reason);
    // A range that also holds ephemeral ports: the witness takes one of them.
    let a = ask("eni-db", "internet").port("443").src_port("100-1100");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::Internet);
    assert!(p.src_port >= 1024, "{p}");
    // With the reply allowed out to the private subnet, port 100 works too.
    let n = open_lab()
        .acl_entry("acl-public", 140, "out", "allow", "all", "", "10.0.0.0/16")
        .build();
    let a = ask("eni-db", "internet").port("443").src_port("100");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::Internet);
    assert_eq!(p.src_port, 100);
    assert_eq!(rule_at(&v.return_path, "acl-public"), Some("130"));
}

#[test]
fn q_ngw_3_no_inbound_initiated_connection() {
    let n = open_lab().build();
    // Its Elastic IP is translated by the internet gateway and refused at the NAT gateway.
    let v = ask("internet", "54.0.0.100").port("443").on(&n);
    assert_sim_agrees(&n, &v, Start::Internet, tcp(HOST, 49152, "54.0.0.100", 443));
    assert_blocked_by(&v, &[("nat-lab", "inbound", "NGW-3")]);
    // By id, the question is whether anything from the internet reaches it: any destination is
    // a candidate, its Elastic IP among them.
    let v = ask("internet", "nat-lab").on(&n);
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    assert!(
        v.blocked.iter().any(|b| b.id == "nat-lab" && b.rule == "NGW-3"),
        "{:#?}",
        v.blocked
    );
    // And nothing behind it can be reached from the internet.
    let v = ask("internet", "eni-db").port("3306").on(&n);
    assert_blocked_by(&v, &[("eni-db", "inbound", "IGW-2")]);
}

#[test]
fn q_ngw_4_protocols() {
    let n = open_lab()
        .acl_entry("acl-public", 200, "in", "allow", "all", "", "10.0.0.0/16")
        .acl_entry("acl-public", 200, "out", "allow", "all", "", "0.0.0.0/0")
        .build();
    // ESP (50) is not carried.
    let v = ask("eni-db", "internet").proto("50").one_way().on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-db"), other(50, "10.0.2.20", HOST));
    assert_blocked_by(&v, &[("nat-lab", "inbound", "NGW-4")]);
    assert_eq!(v.blocked[0].code, "PROTOCOL_RESTRICTION");
    // UDP and ICMP are.
    let a = ask("eni-db", "internet").proto("udp").port("53").one_way();
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::Internet);
    let a = ask("eni-db", "internet").proto("icmp").one_way();
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::Internet);
}

#[test]
fn q_ngw_5_nat_subnet_acl_applies_to_replies() {
    // The tutorial's finding: the reply to the NAT gateway's ephemeral port is dropped entering
    // the public subnet.
    let n = lab().build();
    let v = ask("eni-db", "internet").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-db"), tcp("10.0.2.20", 49152, HOST, 443));
    assert_blocked_by(&v, &[("acl-public", "inbound", "*")]);
    assert!(v.blocked[0].reason.contains("reply"), "{}", v.blocked[0].reason);
    let a = ask("eni-db", "internet").port("443").one_way();
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::Internet);
}

#[test]
fn q_ngw_8_ipv4_only() {
    let n = open_lab()
        .vpc_v6("vpc-lab", "2600:1f18:7:100::/56")
        .subnet_v6("subnet-private", "2600:1f18:7:102::/64")
        .eni_v6("eni-db", "2600:1f18:7:102::20")
        .route("rtb-private", "::/0", "nat-lab")
        .sg_out("sg-db", "all", "", "::/0")
        .acl_entry("acl-public", 150, "in", "allow", "all", "", "::/0")
        .build();
    let v = ask("2600:1f18:7:102::20", "internet").port("443").on(&n);
    assert_sim_agrees(
        &n,
        &v,
        from_eni("eni-db"),
        tcp("2600:1f18:7:102::20", 49152, "2606:4700::1", 443),
    );
    assert_blocked_by(&v, &[("nat-lab", "inbound", "NGW-8")]);
    assert_eq!(v.blocked[0].code, "PROTOCOL_RESTRICTION");
}

#[test]
fn q_ngw_1_private_nat_gateway_has_no_way_out() {
    let mut lab = open_lab();
    lab.net.nat_gateways.get_mut(&"nat-lab".into()).unwrap().addresses[0].public_ip = None;
    let n = lab.build();
    let v = ask("eni-db", "internet").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-db"), tcp("10.0.2.20", 49152, HOST, 443));
    assert_blocked_by(&v, &[("igw-lab", "outbound", "IGW-5")]);
}

// ---------------------------------------------------------------- §5.2 internet gateway

#[test]
fn q_igw_2_one_to_one_translation() {
    let n = open_lab().build();
    // In: the internet addresses the public IP; the server sees its private one.
    let a = ask("internet", "eni-web").port("80");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Internet, Addrs::Of(&["54.0.0.10"]));
    let src = p.src_ip.to_string();
    assert_paths(
        &v,
        &[&src, "igw-lab", "acl-public", "sg-web", "eni-web"],
        &["eni-web", "sg-web", "rtb-public", "acl-public", "igw-lab", &src],
    );
    // Out: the server's private address leaves as its public one.
    let a = ask("eni-web", "internet").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Internet);
}

#[test]
fn q_igw_5_no_public_ip() {
    let n = open_lab()
        .eni("eni-nopub", "subnet-public", "10.0.1.50", &["sg-web"])
        .build();
    let v = ask("eni-nopub", "internet").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-nopub"), tcp("10.0.1.50", 49152, HOST, 443));
    assert_blocked_by(&v, &[("igw-lab", "outbound", "IGW-5")]);
    assert_eq!(v.blocked[0].code, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS");
    // And no internet host can address it.
    let v = ask("internet", "eni-nopub").port("80").on(&n);
    assert_blocked_by(&v, &[("eni-nopub", "inbound", "IGW-2")]);
}

#[test]
fn q_igw_6_rfc1918_filters_both_ways() {
    let n = open_lab().build();
    let v = ask("eni-web", "172.16.5.5").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-web"), tcp("10.0.1.10", 49152, "172.16.5.5", 443));
    assert_blocked_by(&v, &[("igw-lab", "outbound", "IGW-6")]);
    assert_eq!(v.blocked[0].code, "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS");
    let v = ask("192.168.1.1", "eni-web").port("80").on(&n);
    assert_sim_agrees(&n, &v, Start::Internet, tcp("192.168.1.1", 49152, "54.0.0.10", 80));
    assert_blocked_by(&v, &[("igw-lab", "inbound", "IGW-6")]);
    assert_eq!(v.blocked[0].code, "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS");
    // 100.64.0.0/10 (RFC 6598) too.
    let v = ask("eni-web", "100.64.1.1").port("443").on(&n);
    assert_blocked_by(&v, &[("igw-lab", "outbound", "IGW-6")]);
}

#[test]
fn q_j13_hairpin_within_a_vpc_by_public_ip() {
    let n = open_lab()
        .eni("eni-api", "subnet-public", "10.0.1.20", &["sg-web"])
        .public_ip("eni-api", "54.0.0.20")
        .build();
    let a = ask("eni-web", "54.0.0.20").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["54.0.0.20"]));
    assert_paths(
        &v,
        &[
            "eni-web",
            "sg-web",
            "rtb-public",
            "acl-public",
            "igw-lab",
            "54.0.0.20",
            "igw-lab",
            "acl-public",
            "sg-web",
            "eni-api",
        ],
        &[
            "eni-api",
            "sg-web",
            "rtb-public",
            "acl-public",
            "igw-lab",
            "54.0.0.10",
            "igw-lab",
            "acl-public",
            "sg-web",
            "eni-web",
        ],
    );
}

/// Two VPCs with internet gateways and no peering: `vpc-a` 10.1.0.0/16 with `eni-a` 10.1.1.10
/// (public 54.0.1.10) and `vpc-b` 10.2.0.0/16 with `eni-b` 10.2.1.10 (public 54.0.2.10).
fn two_vpcs() -> Net {
    let mut n = Net::new();
    for (x, o) in [("a", 1), ("b", 2)] {
        let vpc = format!("vpc-{x}");
        let sg = format!("sg-{x}");
        let eni = format!("eni-{x}");
        n = n
            .vpc(&vpc, &format!("10.{o}.0.0/16"))
            .subnet(&format!("subnet-{x}"), &vpc, &format!("10.{o}.1.0/24"))
            .igw(&format!("igw-{x}"), &vpc)
            .route(&format!("rtb-{x}-main"), "0.0.0.0/0", &format!("igw-{x}"))
            .sg(&sg, &vpc)
            .sg_in(&sg, "tcp", "22", "0.0.0.0/0")
            .sg_out(&sg, "all", "", "0.0.0.0/0")
            .eni(&eni, &format!("subnet-{x}"), &format!("10.{o}.1.10"), &[&sg])
            .public_ip(&eni, &format!("54.0.{o}.10"));
    }
    n
}

#[test]
fn q_j13_between_two_vpcs_over_the_internet() {
    let n = two_vpcs().build();
    // Only the public address is routed between them (the private one hits IGW-6).
    let a = ask("eni-a", "eni-b").port("22");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.1.1.10"]), Addrs::Of(&["54.0.2.10"]));
    assert_paths(
        &v,
        &[
            "eni-a",
            "sg-a",
            "rtb-a-main",
            "acl-a-default",
            "igw-a",
            "54.0.2.10",
            "igw-b",
            "acl-b-default",
            "sg-b",
            "eni-b",
        ],
        &[
            "eni-b",
            "sg-b",
            "rtb-b-main",
            "acl-b-default",
            "igw-b",
            "54.0.1.10",
            "igw-a",
            "acl-a-default",
            "sg-a",
            "eni-a",
        ],
    );
    let v = ask("eni-a", "10.2.1.10").port("22").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.1.1.10", 49152, "10.2.1.10", 22));
    assert_blocked_by(&v, &[("igw-a", "outbound", "IGW-6")]);
}

// ---------------------------------------------------------------- §5.7 egress-only gateway, IPv6

/// `vpc-6` (10.6.0.0/16, 2600:1f18:6:100::/56), `subnet-6` with `eni-6` 10.6.1.10 and
/// 2600:1f18:6:101::10 (`sg-6`: all out, tcp 22 in from anywhere); the main table sends ::/0 to
/// the egress-only gateway `eigw-6`.
fn v6_net() -> Net {
    Net::new()
        .vpc("vpc-6", "10.6.0.0/16")
        .vpc_v6("vpc-6", "2600:1f18:6:100::/56")
        .subnet("subnet-6", "vpc-6", "10.6.1.0/24")
        .subnet_v6("subnet-6", "2600:1f18:6:101::/64")
        .eigw("eigw-6", "vpc-6")
        .route("rtb-6-main", "::/0", "eigw-6")
        .sg("sg-6", "vpc-6")
        .sg_out("sg-6", "all", "", "::/0")
        .sg_out("sg-6", "all", "", "0.0.0.0/0")
        .sg_in("sg-6", "tcp", "22", "::/0")
        .sg_in("sg-6", "tcp", "22", "0.0.0.0/0")
        .eni("eni-6", "subnet-6", "10.6.1.10", &["sg-6"])
        .eni_v6("eni-6", "2600:1f18:6:101::10")
}

#[test]
fn q_v6_1_egress_only_gateway_outbound_yes_inbound_no_ipv6_only() {
    let n = v6_net().build();
    let a = ask("eni-6", "internet").port("443");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["2600:1f18:6:101::10"]), Addrs::Internet);
    let dst = p.dst_ip.to_string();
    assert_paths(
        &v,
        &["eni-6", "sg-6", "rtb-6-main", "acl-6-default", "eigw-6", &dst],
        &[&dst, "eigw-6", "acl-6-default", "sg-6", "eni-6"],
    );
    // From the internet: IPv4 has no public address to aim at, IPv6 is refused by the gateway.
    let v = ask("internet", "eni-6").port("22").on(&n);
    assert_sim_agrees(
        &n,
        &v,
        Start::Internet,
        tcp("2606:4700::1", 49152, "2600:1f18:6:101::10", 22),
    );
    assert_blocked_by(&v, &[("eni-6", "inbound", "IGW-2"), ("eigw-6", "inbound", "V6-1")]);
    // Nor from another VPC over the internet (J13): the egress-only gateway refuses it too.
    let n = v6_net()
        .vpc("vpc-x", "10.7.0.0/16")
        .vpc_v6("vpc-x", "2600:1f18:8:100::/56")
        .subnet("subnet-x", "vpc-x", "10.7.1.0/24")
        .subnet_v6("subnet-x", "2600:1f18:8:101::/64")
        .igw("igw-x", "vpc-x")
        .route("rtb-x-main", "::/0", "igw-x")
        .eni("eni-x", "subnet-x", "10.7.1.10", &["sg-x-default"])
        .eni_v6("eni-x", "2600:1f18:8:101::10")
        .build();
    let v = ask("2600:1f18:8:101::10", "eni-6").port("22").on(&n);
    assert_sim_agrees(
        &n,
        &v,
        from_eni("eni-x"),
        tcp("2600:1f18:8:101::10", 49152, "2600:1f18:6:101::10", 22),
    );
    assert_blocked_by(&v, &[("eigw-6", "inbound", "V6-1")]);
    // IPv4 routed to it is dropped.
    let n = v6_net().route("rtb-6-main", "0.0.0.0/0", "eigw-6").build();
    let v = ask("eni-6", HOST).port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-6"), tcp("10.6.1.10", 49152, HOST, 443));
    assert_blocked_by(&v, &[("eigw-6", "outbound", "V6-1")]);
    assert_eq!(v.blocked[0].code, "PROTOCOL_RESTRICTION");
}

#[test]
fn q_ipv6_end_to_end_through_an_internet_gateway() {
    let n = v6_net()
        .igw("igw-6", "vpc-6")
        .route_table("rtb-6", "vpc-6", &["subnet-6"])
        .route("rtb-6", "::/0", "igw-6")
        .build();
    let a = ask("internet", "eni-6").port("22");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Internet, Addrs::Of(&["2600:1f18:6:101::10"]));
    let src = p.src_ip.to_string();
    assert_paths(
        &v,
        &[&src, "igw-6", "acl-6-default", "sg-6", "eni-6"],
        &["eni-6", "sg-6", "rtb-6", "acl-6-default", "igw-6", &src],
    );
    // Between two subnets by IPv6 address.
    let n = dual_stack().build();
    let a = ask("2600:1f18:1:101::10", "eni-b").port("22");
    let v = a.on(&n);
    witness(
        &n,
        &a,
        &v,
        Addrs::Of(&["2600:1f18:1:101::10"]),
        Addrs::Of(&["2600:1f18:1:102::10"]),
    );
    assert_eq!(rule_at(&v.path, "rtb-a-main"), Some("2600:1f18:1:100::/56 -> local"));
}

#[test]
fn q_j2_reply_by_another_gateway_does_not_return() {
    // Requests from the internet enter by the internet gateway, replies leave by the egress-only
    // gateway: one way only.
    let n = v6_net().igw("igw-6", "vpc-6").build();
    let a = ask("internet", "2600:1f18:6:101::10").port("22").one_way();
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Internet, Addrs::Of(&["2600:1f18:6:101::10"]));
    let v = ask("internet", "2600:1f18:6:101::10").port("22").on(&n);
    assert_sim_agrees(
        &n,
        &v,
        Start::Internet,
        tcp("2606:4700::1", 49152, "2600:1f18:6:101::10", 22),
    );
    assert_blocked_by(&v, &[("eigw-6", "outbound", "V6-1")]);
}

// ---------------------------------------------------------------- §5.5 peering

/// A <-> B and A <-> C; B routes C's block and everything else to the A-B peering. `vpc-a` has an
/// internet gateway, a NAT gateway and an S3 gateway endpoint.
fn peering_net() -> Net {
    Net::new()
        .vpc("vpc-a", "10.1.0.0/16")
        .vpc("vpc-b", "10.2.0.0/16")
        .vpc("vpc-c", "10.3.0.0/16")
        .subnet("subnet-a", "vpc-a", "10.1.1.0/24")
        .subnet("subnet-b", "vpc-b", "10.2.1.0/24")
        .subnet("subnet-c", "vpc-c", "10.3.1.0/24")
        .pcx("pcx-ab", "vpc-a", "vpc-b")
        .pcx("pcx-ac", "vpc-a", "vpc-c")
        .igw("igw-a", "vpc-a")
        .nat("nat-a", "subnet-a", "10.1.1.100", Some("54.0.1.100"))
        .prefix_list("pl-s3", "com.amazonaws.us-east-1.s3", &["52.216.0.0/15"], true)
        .gateway_endpoint("vpce-s3", "vpc-a", "pl-s3", &["rtb-a-main"])
        .route("rtb-a-main", "10.2.0.0/16", "pcx-ab")
        .route("rtb-a-main", "10.3.0.0/16", "pcx-ac")
        .route("rtb-a-main", "0.0.0.0/0", "igw-a")
        .route("rtb-b-main", "10.1.0.0/16", "pcx-ab")
        .route("rtb-b-main", "10.3.0.0/16", "pcx-ab")
        .route("rtb-b-main", "0.0.0.0/0", "pcx-ab")
        .route("rtb-c-main", "10.1.0.0/16", "pcx-ac")
        .sg_in("sg-a-default", "all", "", "10.0.0.0/8")
        .sg_in("sg-c-default", "all", "", "10.0.0.0/8")
        .eni("eni-a", "subnet-a", "10.1.1.10", &["sg-a-default"])
        .public_ip("eni-a", "54.0.1.10")
        .eni("eni-b", "subnet-b", "10.2.1.10", &["sg-b-default"])
        .eni("eni-c", "subnet-c", "10.3.1.10", &["sg-c-default"])
}

#[test]
fn q_pcx_7_peering_delivers_into_the_peer_vpc() {
    let n = peering_net().build();
    let a = ask("eni-b", "eni-a").port("22");
    let v = a.on(&n);
    // The public address would leave B by the peering too, where A's block does not hold it.
    witness(&n, &a, &v, Addrs::Of(&["10.2.1.10"]), Addrs::Of(&["10.1.1.10"]));
    assert_paths(
        &v,
        &[
            "eni-b",
            "sg-b-default",
            "rtb-b-main",
            "acl-b-default",
            "pcx-ab",
            "acl-a-default",
            "sg-a-default",
            "eni-a",
        ],
        &[
            "eni-a",
            "sg-a-default",
            "rtb-a-main",
            "acl-a-default",
            "pcx-ab",
            "acl-b-default",
            "sg-b-default",
            "eni-b",
        ],
    );
}

#[test]
fn q_pcx_5_no_transit() {
    let n = peering_net().build();
    let v = ask("eni-b", "eni-c").port("22").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-b"), tcp("10.2.1.10", 49152, "10.3.1.10", 22));
    assert_blocked_by(&v, &[("pcx-ab", "outbound", "PCX-5")]);
    assert_eq!(v.blocked[0].code, "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR");
}

#[test]
fn q_pcx_6_no_edge_to_edge_through_the_peers_gateways() {
    let n = peering_net().build();
    // A's internet gateway and NAT gateway.
    let v = ask("eni-b", "internet").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-b"), tcp("10.2.1.10", 49152, HOST, 443));
    assert_blocked_by(&v, &[("pcx-ab", "outbound", "PCX-6")]);
    // Even a route straight to A's NAT gateway: it serves its own VPC only (NGW-7).
    let n2 = Net { net: n.net.clone() }
        .route("rtb-b-main", "93.184.216.0/24", "nat-a")
        .build();
    let v = ask("eni-b", HOST).port("443").on(&n2);
    assert_sim_agrees(&n2, &v, from_eni("eni-b"), tcp("10.2.1.10", 49152, HOST, 443));
    assert_blocked_by(&v, &[("nat-a", "inbound", "NGW-7")]);
    assert_eq!(v.blocked[0].code, "NGW_REQUIRES_SOURCE_IN_VPC");
    // A's gateway endpoint.
    let v = ask("eni-b", "service:s3").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-b"), tcp("10.2.1.10", 49152, "52.216.0.1", 443));
    assert_blocked_by(&v, &[("pcx-ab", "outbound", "PCX-6")]);
}

#[test]
fn q_pcx_3_inactive_peering_is_a_blackhole() {
    let n = peering_net().pcx_status("pcx-ab", "pending-acceptance").build();
    let v = ask("eni-b", "eni-a").port("22").on(&n);
    assert_blocked_by(
        &v,
        &[("rtb-b-main", "", "10.1.0.0/16"), ("rtb-b-main", "", "0.0.0.0/0")],
    );
    assert!(
        v.blocked.iter().all(|b| b.code == "BAD_STATE_ROUTE"),
        "{:#?}",
        v.blocked
    );
}

// ---------------------------------------------------------------- §5.6 gateway endpoints

fn endpoint_lab() -> Net {
    open_lab()
        .prefix_list("pl-s3", "com.amazonaws.us-east-1.s3", &["52.216.0.0/15"], true)
        .gateway_endpoint("vpce-s3", "vpc-lab", "pl-s3", &["rtb-private"])
}

#[test]
fn q_gwe_2_gateway_endpoint_reachable() {
    let n = endpoint_lab().build();
    for to in ["service:s3", "pl-s3", "vpce-s3"] {
        let a = ask("eni-db", to).port("443");
        let v = a.on(&n);
        let p = witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::In("52.216.0.0/15"));
        let dst = p.dst_ip.to_string();
        assert_paths(
            &v,
            &["eni-db", "sg-db", "rtb-private", "acl-lab-default", "vpce-s3", &dst],
            &[&dst, "vpce-s3", "acl-lab-default", "sg-db", "eni-db"],
        );
        assert_eq!(
            rule_at(&v.path, "rtb-private"),
            Some("pl-s3 (52.216.0.0/15) -> vpce-s3")
        );
    }
    // A subnet whose table has no endpoint route reaches the service's public addresses through
    // the internet gateway (GWE-3), not through the endpoint.
    let a = ask("eni-web", "service:s3").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::In("52.216.0.0/15"));
    assert!(ids(&v.path).contains(&"igw-lab") && !ids(&v.path).contains(&"vpce-s3"));
    let v = ask("eni-web", "vpce-s3").port("443").on(&n);
    assert_blocked_by(&v, &[]);
}

#[test]
fn q_gwe_8_tcp_and_icmp_echo_only() {
    let n = endpoint_lab().build();
    let v = ask("eni-db", "service:s3").proto("udp").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-db"), udp("10.0.2.20", 49152, "52.216.0.1", 443));
    assert_blocked_by(&v, &[("vpce-s3", "outbound", "GWE-8")]);
    assert_eq!(v.blocked[0].code, "VPCE_GATEWAY_PROTOCOL_RESTRICTION");
    let a = ask("eni-db", "service:s3").proto("icmp");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::In("52.216.0.0/15"));
    // Other ICMP types are not accepted, even one way.
    let v = ask("eni-db", "service:s3").proto("icmp").one_way().on(&n);
    assert_eq!(v.verdict, VerdictKind::Reachable, "{v:#?}");
    assert_eq!(v.packet.unwrap().icmp_type, 8);
}

#[test]
fn q_gwe_7_not_from_a_peered_vpc() {
    let base = endpoint_lab()
        .vpc("vpc-p", "10.9.0.0/16")
        .subnet("subnet-p", "vpc-p", "10.9.1.0/24")
        .pcx("pcx-lp", "vpc-lab", "vpc-p")
        .route("rtb-private", "10.9.0.0/16", "pcx-lp")
        .eni("eni-p", "subnet-p", "10.9.1.10", &["sg-p-default"]);
    // Routed to the peering: the service's addresses are not in the lab's block.
    let n = base.clone().route("rtb-p-main", "pl-s3", "pcx-lp").build();
    let v = ask("eni-p", "service:s3").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-p"), tcp("10.9.1.10", 49152, "52.216.0.1", 443));
    assert_blocked_by(&v, &[("pcx-lp", "outbound", "PCX-6")]);
    // Routed straight to the lab's endpoint: it serves its own VPC only.
    let n = base.route("rtb-p-main", "pl-s3", "vpce-s3").build();
    let v = ask("eni-p", "service:s3").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-p"), tcp("10.9.1.10", 49152, "52.216.0.1", 443));
    assert_blocked_by(&v, &[("vpce-s3", "outbound", "GWE-7")]);
}

#[test]
fn q_ife_5_interface_endpoints_are_interfaces_with_groups() {
    let n = open_lab()
        .sg("sg-vpce", "vpc-lab")
        .sg_in("sg-vpce", "tcp", "443", "10.0.0.0/16")
        .interface_endpoint(
            "vpce-api",
            "vpc-lab",
            "com.amazonaws.us-east-1.execute-api",
            "subnet-private",
            "eni-vpce",
            "10.0.2.50",
            &["sg-vpce"],
        )
        .build();
    let a = ask("eni-db", "vpce-api").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::Of(&["10.0.2.50"]));
    assert_paths(
        &v,
        &["eni-db", "sg-db", "subnet-private", "sg-vpce", "eni-vpce"],
        &["eni-vpce", "sg-vpce", "subnet-private", "sg-db", "eni-db"],
    );
    let v = ask("eni-db", "vpce-api").port("80").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-db"), tcp("10.0.2.20", 49152, "10.0.2.50", 80));
    assert_blocked_by(&v, &[("sg-vpce", "inbound", "sg-vpce")]);
    // From another subnet, its subnet's ACLs apply like to any interface.
    let a = ask("eni-web", "vpce-api").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.50"]));
    assert!(ids(&v.path).contains(&"acl-public"), "{:?}", ids(&v.path));
}

// ---------------------------------------------------------------- §5.8 virtual private gateway

fn vpn_net() -> Net {
    peering_net()
        .vgw("vgw-a", "vpc-a", &["192.168.0.0/16"])
        .route("rtb-a-main", "192.168.0.0/16", "vgw-a")
        .sg_in("sg-a-default", "tcp", "22", "192.168.0.0/16")
}

#[test]
fn q_vgw_3_from_and_to_on_premises() {
    let n = vpn_net().build();
    let a = ask("vgw-a", "eni-a").port("22");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::In("192.168.0.0/16"), Addrs::Of(&["10.1.1.10"]));
    assert_eq!(
        p.src_ip.to_string(),
        "192.168.0.1",
        "the first host of the on-premises block"
    );
    let src = p.src_ip.to_string();
    assert_paths(
        &v,
        &[&src, "vgw-a", "acl-a-default", "sg-a-default", "eni-a"],
        &["eni-a", "sg-a-default", "rtb-a-main", "acl-a-default", "vgw-a", &src],
    );
    let a = ask("eni-a", "vgw-a").port("22");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.1.1.10"]), Addrs::In("192.168.0.0/16"));
    // An on-premises block as the source: also tried through the internet gateway, where RFC 1918
    // sources are refused; the virtual private gateway carries it.
    let a = ask("192.168.7.0/24", "eni-a").port("22");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::In("192.168.7.0/24"), Addrs::Of(&["10.1.1.10"]));
    // No edge-to-edge: on premises cannot reach B through A's gateway, nor B on premises.
    let v = ask("vgw-a", "eni-b").port("22").on(&n);
    assert_sim_agrees(
        &n,
        &v,
        Start::OnPremises("vgw-a".into()),
        tcp("192.168.1.5", 49152, "10.2.1.10", 22),
    );
    assert_blocked_by(&v, &[("vgw-a", "inbound", "VGW-3")]);
    let n = Net { net: n.net.clone() }
        .route("rtb-b-main", "192.168.0.0/16", "pcx-ab")
        .build();
    let v = ask("eni-b", "vgw-a").port("22").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-b"), tcp("10.2.1.10", 49152, "192.168.1.5", 22));
    assert_blocked_by(&v, &[("pcx-ab", "outbound", "PCX-6")]);
}

// ---------------------------------------------------------------- not modelled: unknown

#[test]
fn q_rt_18_gateway_route_table_is_unknown() {
    let n = open_lab()
        .route_table("rtb-edge", "vpc-lab", &[])
        .edge_associate("rtb-edge", "igw-lab")
        .build();
    let v = ask("internet", "eni-web").port("80").on(&n);
    assert_unknown_at(&v, &["rtb-edge"]);
    // Outbound too (SEMANTICS.md §5.2 outbound step 2).
    let v = ask("eni-web", "internet").port("443").on(&n);
    assert_unknown_at(&v, &["rtb-edge"]);
    let v = ask("eni-web", "internet").port("443").one_way().on(&n);
    assert_unknown_at(&v, &["rtb-edge"]);
}

#[test]
fn q_igw_10_block_public_access_is_unknown() {
    let n = open_lab()
        .unsupported("vpc-lab", "VPC Block Public Access is on, which is not modelled")
        .build();
    let v = ask("internet", "eni-web").port("80").on(&n);
    assert_unknown_at(&v, &["vpc-lab"]);
    let v = ask("eni-web", "internet").port("443").on(&n);
    assert_unknown_at(&v, &["vpc-lab"]);
    // Traffic that never meets the internet gateway is unaffected.
    let a = ask("eni-web", "eni-db").port("3306");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.20"]));
}

#[test]
fn q_s5_9_transit_gateway_is_unknown() {
    let mut n = routing_net().route("rtb-a", "0.0.0.0/0", "tgw-1");
    n.net.transit_gateways.insert(
        "tgw-1".into(),
        vpcverify::model::TransitGateway {
            id: "tgw-1".into(),
            vpcs: vec!["vpc-a".into()],
            tags: Default::default(),
            provenance: Default::default(),
        },
    );
    let n = n.build();
    let v = ask("eni-a", "internet").port("443").on(&n);
    assert_unknown_at(&v, &["tgw-1"]);
}

// ---------------------------------------------------------------- forwarding components as `--to`

#[test]
fn q_through_a_nat_gateway_the_question_ends_there() {
    // The private subnet sends only 172.16.0.0/12 to the NAT gateway; the public subnet cannot send
    // it on (IGW-6), but the question is only whether requests reach the NAT gateway.
    let mut l = open_lab();
    l.net
        .route_tables
        .get_mut(&"rtb-private".into())
        .unwrap()
        .routes
        .clear();
    let n = l.route("rtb-private", "172.16.0.0/12", "nat-lab").build();
    let a = ask("eni-db", "nat-lab").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::In("172.16.0.0/12"));
    assert_paths(
        &v,
        &[
            "eni-db",
            "sg-db",
            "rtb-private",
            "acl-lab-default",
            "acl-public",
            "nat-lab",
        ],
        &[],
    );
    assert!(v.warnings.iter().any(|w| w.contains("one way")), "{:?}", v.warnings);
    // By its Elastic IP: that address, reached from behind it.
    let n = open_lab().build();
    let a = ask("eni-db", "54.0.0.100").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::Of(&["54.0.0.100"]));
    assert_eq!(ids(&v.path).last(), Some(&"nat-lab"));
    // From the web server, whose subnet routes to the internet gateway: the request reaches the
    // NAT gateway's Elastic IP over the internet and is refused there; it is never forwarded.
    let v = ask("eni-web", "54.0.0.100").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-web"), tcp("10.0.1.10", 49152, "54.0.0.100", 443));
    assert_blocked_by(&v, &[("nat-lab", "inbound", "NGW-3")]);
}

#[test]
fn q_j13_block_holding_an_elastic_ip_is_not_an_external_host() {
    // 54.0.0.100/31 holds the NAT gateway's Elastic IP and one unmodelled internet address: the
    // first is carried back into the VPC (and refused, NGW-3), the second is an external host.
    let n = open_lab().build();
    let a = ask("eni-web", "54.0.0.100/31").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["54.0.0.101"]));
    let v = ask("eni-web", "54.0.0.100/32").port("443").on(&n);
    assert_blocked_by(&v, &[("nat-lab", "inbound", "NGW-3")]);
}

#[test]
fn q_rt_subnet_without_route_table_is_unknown() {
    // The main route table missing from the input: same-subnet traffic needs none, the rest is
    // unknown, like the simulator says.
    let mut n = two_subnets().eni("eni-a2", "subnet-a", "10.0.1.11", &["sg-open"]);
    n.net.route_tables.clear();
    let n = n.build();
    let v = ask("eni-a", "eni-b").port("22").on(&n);
    assert_unknown_at(&v, &["subnet-a"]);
    let a = ask("eni-a", "eni-a2").port("22");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.1.11"]));
}

// ---------------------------------------------------------------- the question's packet space

#[test]
fn q_protocol_all_witness_prefers_tcp() {
    let n = two_subnets().build();
    let a = ask("eni-a", "eni-b").proto("all");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
    assert_eq!((p.protocol, p.src_port, p.dst_port), (proto::TCP, 49152, 443), "{p}");
    // Where only UDP passes, UDP; only ICMP, an echo request; only ESP, ESP.
    for (protocol, number) in [("udp", proto::UDP), ("icmp", proto::ICMP), ("50", 50)] {
        let n = acl_b()
            .acl_entry("acl-b", 100, "in", "allow", protocol, "", "0.0.0.0/0")
            .acl_entry("acl-b", 100, "out", "allow", protocol, "", "0.0.0.0/0")
            .build();
        let v = a.on(&n);
        let p = witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
        assert_eq!(p.protocol, number, "{p}");
    }
    // A group that admits only echo requests: an ICMP witness, its reply tracked (SG-11).
    let n = two_subnets()
        .sg("sg-ping", "vpc-a")
        .sg_in("sg-ping", "icmp", "8", "10.0.0.0/16")
        .eni("eni-c", "subnet-b", "10.0.2.30", &["sg-ping"])
        .build();
    let a = ask("eni-a", "eni-c").proto("all");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.30"]));
    assert_eq!((p.protocol, p.icmp_type), (proto::ICMP, 8), "{p}");
    // Nothing passes: every protocol is blocked by the same rule.
    let a = ask("eni-a", "eni-b").proto("all");
    let n = acl_b().build();
    let v = a.on(&n);
    assert_blocked_by(&v, &[("acl-b", "inbound", "*"), ("acl-b", "outbound", "*")]);
}

#[test]
fn q_icmp_round_trip_only_for_echo() {
    // Echo requests in, echo replies out: a round trip.
    let n = acl_b()
        .acl_entry("acl-b", 100, "in", "allow", "icmp", "8", "0.0.0.0/0")
        .acl_entry("acl-b", 100, "out", "allow", "icmp", "0", "0.0.0.0/0")
        .build();
    let a = ask("eni-a", "eni-b").proto("icmp");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
    assert_eq!((p.icmp_type, p.icmp_code), (8, 0));
    assert_eq!(rule_at(&v.return_path, "acl-b"), Some("100"));
    // Echo replies denied on the way back.
    let n = acl_b()
        .acl_entry("acl-b", 100, "in", "allow", "icmp", "", "0.0.0.0/0")
        .acl_entry("acl-b", 100, "out", "allow", "icmp", "3", "0.0.0.0/0")
        .build();
    let v = a.on(&n);
    assert_blocked_by(&v, &[("acl-b", "outbound", "*")]);
    // Only destination-unreachable messages in: no round trip is asked of them, one way they pass.
    let n = acl_b()
        .acl_entry("acl-b", 100, "in", "allow", "icmp", "3", "0.0.0.0/0")
        .acl_entry("acl-b", 100, "out", "allow", "icmp", "", "0.0.0.0/0")
        .build();
    let v = a.on(&n);
    assert_blocked_by(&v, &[("acl-b", "inbound", "*")]);
    let a = ask("eni-a", "eni-b").proto("icmp").one_way();
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
    assert_eq!(p.icmp_type, 3, "{p}");
    // ICMPv6 echo is type 128.
    let n = dual_stack().build();
    let a = ask("eni-a", "eni-b").proto("icmpv6");
    let v = a.on(&n);
    let p = witness(
        &n,
        &a,
        &v,
        Addrs::Of(&["2600:1f18:1:101::10"]),
        Addrs::Of(&["2600:1f18:1:102::10"]),
    );
    assert_eq!((p.protocol, p.icmp_type), (proto::ICMPV6, 128));
}

#[test]
fn q_port_and_src_port_ranges_cut_the_space() {
    // In: tcp 8000-8100 from subnet-a. Out (the reply, to the client's port): 40000-50000.
    let n = acl_b()
        .acl_entry("acl-b", 100, "in", "allow", "tcp", "8000-8100", "10.0.1.0/24")
        .acl_entry("acl-b", 100, "out", "allow", "tcp", "40000-50000", "10.0.1.0/24")
        .build();
    let a = ask("eni-a", "eni-b").port("7990-8005");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
    assert!((8000..=8005).contains(&p.dst_port), "{p}");
    assert!((40000..=50000).contains(&p.src_port), "{p}");
    let v = ask("eni-a", "eni-b").port("7000-7999").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, "10.0.2.10", 7500));
    assert_blocked_by(&v, &[("acl-b", "inbound", "*")]);
    let a = ask("eni-a", "eni-b").port("8080").src_port("1024-40000");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
    assert_eq!(p.src_port, 40000);
    let v = ask("eni-a", "eni-b").port("8080").src_port("50001-65535").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 60000, "10.0.2.10", 8080));
    assert_blocked_by(&v, &[("acl-b", "outbound", "*")]);
    // Without --src-port the client's port is 1024-65535: 100 is never chosen, even though the
    // request would pass.
    let v = ask("eni-a", "eni-b").port("8080").src_port("100").on(&n);
    assert_blocked_by(&v, &[("acl-b", "outbound", "*")]);
}

#[test]
fn q_one_way_asks_about_the_request_only() {
    // The reply is denied by acl-b outbound.
    let n = acl_b()
        .acl_entry("acl-b", 100, "in", "allow", "all", "", "0.0.0.0/0")
        .build();
    let v = ask("eni-a", "eni-b").port("22").on(&n);
    assert_blocked_by(&v, &[("acl-b", "outbound", "*")]);
    let a = ask("eni-a", "eni-b").port("22").one_way();
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
    assert_paths(
        &v,
        &[
            "eni-a",
            "sg-open",
            "rtb-a-main",
            "acl-a-default",
            "acl-b",
            "sg-open",
            "eni-b",
        ],
        &[],
    );
    // A request blocked going in is blocked one way too, and only the request's blocker is named.
    let n = acl_b().build();
    let v = ask("eni-a", "eni-b").port("22").one_way().on(&n);
    assert_blocked_by(&v, &[("acl-b", "inbound", "*")]);
}

// ---------------------------------------------------------------- endpoints

#[test]
fn q_endpoints_by_id_subnet_vpc_group_cidr_name_and_gateway() {
    let n = open_lab()
        .tag_name("i-db", "db-server")
        .tag_name("subnet-private", "private")
        .build();
    let out = |from: &str| {
        let a = ask(from, "internet").port("443");
        let v = a.on(&n);
        witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::Internet);
    };
    for from in [
        "i-db",
        "eni-db",
        "subnet-private",
        "db-server",
        "private",
        "10.0.2.20",
        "10.0.2.0/24",
    ] {
        out(from);
    }
    // A VPC: any of its interfaces.
    let a = ask("vpc-lab", "internet").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10", "10.0.2.20"]), Addrs::Internet);
    // A security group: its members, addressed from the internet by their public addresses.
    let a = ask("internet", "sg-web").port("80");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Internet, Addrs::Of(&["54.0.0.10"]));
    // A CIDR outside the VPCs: external hosts in it.
    let a = ask("10.0.2.0/24", "93.184.216.0/24").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::In("93.184.216.0/24"));
    // An internet gateway: the internet, through that gateway.
    let a = ask("eni-web", "igw-lab").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Internet);
    assert!(ids(&v.path).contains(&"igw-lab"));
    let a = ask("igw-lab", "eni-web").port("80");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Internet, Addrs::Of(&["54.0.0.10"]));
    // Errors: unknown names, a service as a source, an egress-only gateway as a source.
    for (from, to) in [
        ("nobody", "internet"),
        ("service:s3", "eni-db"),
        ("eni-db", "service:dynamodb"),
    ] {
        let e = ask(from, to).error_on(&n);
        assert!(matches!(e, QueryError::Endpoint(_)), "{from} -> {to}: {e}");
    }
}

// ---------------------------------------------------------------- addresses nobody holds

#[test]
fn q_rt_9_link_local_service_range_never_forwarded() {
    let n = routing_net().route("rtb-a", "0.0.0.0/0", "igw-a").build();
    // An address of the range at which no documented service answers (those are LL-1).
    let v = ask("eni-a", "169.254.168.10").proto("udp").port("53").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), udp("10.0.1.10", 49152, "169.254.168.10", 53));
    assert_blocked_by(&v, &[("rtb-a", "", "RT-9")]);
    assert_eq!(v.blocked[0].code, "NO_ROUTE_TO_DESTINATION");
}

/// LL-1: the host's link-local services are unknown, naming the address, as in the simulator.
#[test]
fn q_ll_1_link_local_services_are_unknown() {
    let n = routing_net().route("rtb-a", "0.0.0.0/0", "igw-a").build();
    for dst in ["169.254.169.253", "169.254.169.254", "169.254.169.123", "10.0.0.2"] {
        let v = ask("eni-a", dst).proto("udp").port("53").on(&n);
        assert_unknown_at(&v, &[dst]);
    }
}

#[test]
fn q_j25_rt_5_addresses_nobody_holds() {
    let n = two_subnets()
        .nat("nat-a", "subnet-a", "10.0.1.100", None)
        .eni("eni-a2", "subnet-a", "10.0.1.11", &["sg-open"])
        .build();
    // In the sender's own subnet: unused, broadcast, a NAT gateway's address (J25, NGW-3).
    let v = ask("eni-a", "10.0.1.99").port("22").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, "10.0.1.99", 22));
    assert_blocked_by(&v, &[("subnet-a", "", "J25")]);
    assert_eq!(v.blocked[0].code, "NO_POSSIBLE_DESTINATION");
    let v = ask("eni-a", "10.0.1.255").port("22").on(&n);
    assert_blocked_by(&v, &[("subnet-a", "", "J25")]);
    let v = ask("eni-a", "10.0.1.100").port("22").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, "10.0.1.100", 22));
    assert_blocked_by(&v, &[("subnet-a", "", "NGW-3")]);
    // In another subnet, after its inbound ACL; and in no subnet at all (RT-5).
    let v = ask("eni-b", "10.0.1.99").port("22").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-b"), tcp("10.0.2.10", 49152, "10.0.1.99", 22));
    assert_blocked_by(&v, &[("subnet-a", "", "RT-5")]);
    let v = ask("eni-b", "10.0.1.100").port("22").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-b"), tcp("10.0.2.10", 49152, "10.0.1.100", 22));
    assert_blocked_by(&v, &[("nat-a", "inbound", "NGW-3")]);
    let v = ask("eni-a", "10.0.200.5").port("22").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, "10.0.200.5", 22));
    assert_blocked_by(&v, &[("vpc-a", "", "RT-5")]);
    // A block of both: the held address is reachable.
    let a = ask("eni-b", "10.0.1.8/29").port("22");
    let v = a.on(&n);
    witness(
        &n,
        &a,
        &v,
        Addrs::Of(&["10.0.2.10"]),
        Addrs::Of(&["10.0.1.10", "10.0.1.11"]),
    );
}

// ---------------------------------------------------------------- more than one blocker

#[test]
fn q_every_blocker_acl_and_group_both_deny() {
    // acl-b admits nothing and eni-c's group admits only 22: for port 80 both are named, for
    // port 22 only the ACL (both ways).
    let n = acl_b()
        .sg("sg-ssh", "vpc-a")
        .sg_in("sg-ssh", "tcp", "22", "10.0.0.0/16")
        .eni("eni-c", "subnet-b", "10.0.2.30", &["sg-ssh"])
        .build();
    let v = ask("eni-a", "eni-c").port("80").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-a"), tcp("10.0.1.10", 49152, "10.0.2.30", 80));
    assert_blocked_by(
        &v,
        &[
            ("acl-b", "inbound", "*"),
            ("acl-b", "outbound", "*"),
            ("sg-ssh", "inbound", "sg-ssh"),
        ],
    );
    let v = ask("eni-a", "eni-c").port("22").on(&n);
    assert_blocked_by(&v, &[("acl-b", "inbound", "*"), ("acl-b", "outbound", "*")]);
    // When neither alone blocks but together they do, both are named too: the ACL admits only
    // 80, the group only 22.
    let n = acl_b()
        .acl_entry("acl-b", 100, "in", "allow", "tcp", "80", "0.0.0.0/0")
        .acl_entry("acl-b", 100, "out", "allow", "all", "", "0.0.0.0/0")
        .sg("sg-ssh", "vpc-a")
        .sg_in("sg-ssh", "tcp", "22", "10.0.0.0/16")
        .eni("eni-c", "subnet-b", "10.0.2.30", &["sg-ssh"])
        .build();
    let v = ask("eni-a", "eni-c").port("1-1000").on(&n);
    assert_blocked_by(&v, &[("acl-b", "inbound", "*"), ("sg-ssh", "inbound", "sg-ssh")]);
}

#[test]
fn q_pcx_4_pcx_8_replies_need_a_route_back() {
    // A routes nothing back to B: the reply to B's address follows A's 0.0.0.0/0 to its
    // internet gateway, which refuses a private destination.
    let mut p = peering_net();
    p.net
        .route_tables
        .get_mut(&"rtb-a-main".into())
        .unwrap()
        .routes
        .retain(|r| r.target != vpcverify::model::RouteTarget::VpcPeeringConnection("pcx-ab".into()));
    let n = p.build();
    let v = ask("eni-b", "10.1.1.10").port("22").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-b"), tcp("10.2.1.10", 49152, "10.1.1.10", 22));
    assert_blocked_by(&v, &[("igw-a", "outbound", "IGW-6")]);
    assert!(v.blocked[0].reason.contains("10.2.1.10"), "{}", v.blocked[0].reason);
    let a = ask("eni-b", "10.1.1.10").port("22").one_way();
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.2.1.10"]), Addrs::Of(&["10.1.1.10"]));
}

// ---------------------------------------------------------------- translations combined

#[test]
fn q_ngw_1_j12_private_nat_gateway_to_on_premises() {
    // A private NAT gateway has no way to the internet, but translates towards a virtual private
    // gateway (J12: with its private address), and the reply comes back through it.
    let mut lab = open_lab()
        .vgw("vgw-lab", "vpc-lab", &["192.168.0.0/16"])
        .route("rtb-public", "192.168.0.0/16", "vgw-lab")
        .acl_entry("acl-public", 140, "in", "allow", "all", "", "192.168.0.0/16")
        .acl_entry("acl-public", 140, "out", "allow", "all", "", "192.168.0.0/16")
        .acl_entry("acl-public", 150, "out", "allow", "all", "", "10.0.0.0/16");
    lab.net.nat_gateways.get_mut(&"nat-lab".into()).unwrap().addresses[0].public_ip = None;
    let n = lab.build();
    let a = ask("eni-db", "vgw-lab").port("22");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::In("192.168.0.0/16"));
    assert_eq!(
        p.dst_ip.to_string(),
        "192.168.0.1",
        "the first host of the on-premises block"
    );
    let dst = p.dst_ip.to_string();
    assert_paths(
        &v,
        &[
            "eni-db",
            "sg-db",
            "rtb-private",
            "acl-lab-default",
            "acl-public",
            "nat-lab",
            "rtb-public",
            "acl-public",
            "vgw-lab",
            &dst,
        ],
        &[
            &dst,
            "vgw-lab",
            "acl-public",
            "nat-lab",
            "rtb-public",
            "acl-public",
            "acl-lab-default",
            "sg-db",
            "eni-db",
        ],
    );
    let v = ask("eni-db", "internet").port("443").on(&n);
    assert_blocked_by(&v, &[("igw-lab", "outbound", "IGW-5")]);
}

#[test]
fn q_j13_ngw_2_hairpin_through_a_nat_gateway() {
    // The database reaches the web server's public address through the NAT gateway and the
    // internet gateway; the web server answers the NAT gateway's Elastic IP.
    let n = open_lab().build();
    let a = ask("eni-db", "54.0.0.10").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::Of(&["54.0.0.10"]));
    assert_paths(
        &v,
        &[
            "eni-db",
            "sg-db",
            "rtb-private",
            "acl-lab-default",
            "acl-public",
            "nat-lab",
            "rtb-public",
            "acl-public",
            "igw-lab",
            "54.0.0.10",
            "igw-lab",
            "acl-public",
            "sg-web",
            "eni-web",
        ],
        &[
            "eni-web",
            "sg-web",
            "rtb-public",
            "acl-public",
            "igw-lab",
            "54.0.0.100",
            "igw-lab",
            "acl-public",
            "nat-lab",
            "rtb-public",
            "acl-public",
            "acl-lab-default",
            "sg-db",
            "eni-db",
        ],
    );
}

#[test]
fn q_ni_4_nat_instance_ipv6_and_as_a_destination() {
    // IPv6 through the NAT instance: masqueraded to its IPv6 address, and back.
    let n = nat_instance_lab(false)
        .vpc_v6("vpc-lab", "2600:1f18:7:100::/56")
        .subnet_v6("subnet-private", "2600:1f18:7:102::/64")
        .subnet_v6("subnet-public", "2600:1f18:7:101::/64")
        .eni_v6("eni-db", "2600:1f18:7:102::20")
        .eni_v6("eni-nat", "2600:1f18:7:101::5")
        .route("rtb-private", "::/0", "i-nat")
        .route("rtb-public", "::/0", "igw-lab")
        .sg_out("sg-db", "all", "", "::/0")
        .sg_in("sg-nat", "tcp", "443", "2600:1f18:7:102::/64")
        .sg_out("sg-nat", "tcp", "443", "::/0")
        .acl_entry("acl-public", 150, "in", "allow", "all", "", "::/0")
        .acl_entry("acl-public", 150, "out", "allow", "all", "", "::/0")
        .build();
    let a = ask("2600:1f18:7:102::20", "internet").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["2600:1f18:7:102::20"]), Addrs::Internet);
    assert!(ids(&v.path).contains(&"eni-nat") && ids(&v.return_path).contains(&"eni-nat"));
    // Addressed itself, the NAT instance is an ordinary destination (§5.4 step 3).
    let n = nat_instance_lab(false).build();
    let a = ask("eni-db", "eni-nat").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::Of(&["10.0.1.5"]));
    assert_paths(
        &v,
        &[
            "eni-db",
            "sg-db",
            "rtb-private",
            "acl-lab-default",
            "acl-public",
            "sg-nat",
            "eni-nat",
        ],
        &[
            "eni-nat",
            "sg-nat",
            "rtb-public",
            "acl-public",
            "acl-lab-default",
            "sg-db",
            "eni-db",
        ],
    );
}

#[test]
fn q_igw_5_public_mapping_is_per_private_address() {
    // Only the secondary address has an Elastic IP: it is the one that reaches the internet, and
    // the one the internet reaches.
    let n = open_lab()
        .eni("eni-two", "subnet-public", "10.0.1.60", &["sg-web"])
        .secondary_ip("eni-two", "10.0.1.61", Some("54.0.0.61"))
        .build();
    let a = ask("eni-two", "internet").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.61"]), Addrs::Internet);
    let a = ask("internet", "eni-two").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Internet, Addrs::Of(&["54.0.0.61"]));
    let v = ask("10.0.1.60", "internet").port("443").on(&n);
    assert_sim_agrees(&n, &v, from_eni("eni-two"), tcp("10.0.1.60", 49152, HOST, 443));
    assert_blocked_by(&v, &[("igw-lab", "outbound", "IGW-5")]);
}

#[test]
fn q_ni_4_appliance_between_two_subnets() {
    // subnet-a sends subnet-b's block to an appliance (check off) in a third subnet, which
    // masquerades; the reply comes back to the appliance and is restored.
    let n = two_subnets()
        .subnet("subnet-fw", "vpc-a", "10.0.9.0/24")
        .route_table("rtb-a", "vpc-a", &["subnet-a"])
        .route("rtb-a", "10.0.2.0/24", "eni-fw")
        .route_table("rtb-fw", "vpc-a", &["subnet-fw"])
        .eni("eni-fw", "subnet-fw", "10.0.9.10", &["sg-open"])
        .check_off("eni-fw")
        .build();
    let a = ask("eni-a", "eni-b").port("22");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.1.10"]), Addrs::Of(&["10.0.2.10"]));
    let path = [
        "sg-open",
        "acl-a-default",
        "acl-a-default",
        "sg-open",
        "eni-fw",
        "sg-open",
        "rtb-fw",
        "acl-a-default",
        "acl-a-default",
        "sg-open",
    ];
    let mut fwd = vec!["eni-a"];
    fwd.extend(path);
    fwd.insert(2, "rtb-a");
    fwd.push("eni-b");
    let mut back = vec!["eni-b"];
    back.extend(path);
    back.insert(2, "rtb-a-main");
    back.push("eni-a");
    assert_paths(&v, &fwd, &back);
}

#[test]
fn q_ngw_3_reply_routed_to_a_nat_gateway_that_did_not_translate() {
    // The web server's subnet sends everything to a NAT gateway: requests from the internet get
    // in, but their replies go to a NAT gateway that made no translation (asymmetric path).
    let mut l = open_lab();
    l.net.route_tables.get_mut(&"rtb-public".into()).unwrap().routes.clear();
    let n = l
        .subnet("subnet-nat", "vpc-lab", "10.0.3.0/24")
        .route_table("rtb-nat", "vpc-lab", &["subnet-nat"])
        .route("rtb-nat", "0.0.0.0/0", "igw-lab")
        .route("rtb-public", "0.0.0.0/0", "nat-lab2")
        .nat("nat-lab2", "subnet-nat", "10.0.3.100", Some("54.0.0.200"))
        .build();
    let v = ask("internet", "eni-web").port("80").on(&n);
    assert_sim_agrees(&n, &v, Start::Internet, tcp(HOST, 49152, "54.0.0.10", 80));
    assert_blocked_by(&v, &[("nat-lab2", "inbound", "NGW-3")]);
    // One way, the request is fine.
    let a = ask("internet", "eni-web").port("80").one_way();
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Internet, Addrs::Of(&["54.0.0.10"]));
}

#[test]
fn q_j18_gateway_endpoint_ipv4_only() {
    let mut n = open_lab()
        .vpc_v6("vpc-lab", "2600:1f18:7:100::/56")
        .subnet_v6("subnet-private", "2600:1f18:7:102::/64")
        .eni_v6("eni-db", "2600:1f18:7:102::20")
        .sg_out("sg-db", "all", "", "::/0")
        .prefix_list(
            "pl-s3",
            "com.amazonaws.us-east-1.s3",
            &["52.216.0.0/15", "2600:1fa0::/40"],
            true,
        );
    n.net.prefix_lists.get_mut(&"pl-s3".into()).unwrap().address_family = None;
    let n = n
        .gateway_endpoint("vpce-s3", "vpc-lab", "pl-s3", &["rtb-private"])
        .build();
    let v = ask("2600:1f18:7:102::20", "service:s3").port("443").on(&n);
    assert_sim_agrees(
        &n,
        &v,
        from_eni("eni-db"),
        tcp("2600:1f18:7:102::20", 49152, "2600:1fa0::1", 443),
    );
    assert_blocked_by(&v, &[("vpce-s3", "outbound", "J18")]);
    let a = ask("eni-db", "service:s3").port("443");
    let v = a.on(&n);
    witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::In("52.216.0.0/15"));
}

#[test]
fn q_gwe_7_through_a_nat_gateway_of_the_same_vpc() {
    // Only the public subnet's table has the endpoint route: the database gets there through the
    // NAT gateway, whose address is the VPC's own.
    let n = open_lab()
        .prefix_list("pl-s3", "com.amazonaws.us-east-1.s3", &["52.216.0.0/15"], true)
        .gateway_endpoint("vpce-s3", "vpc-lab", "pl-s3", &["rtb-public"])
        .build();
    let a = ask("eni-db", "service:s3").port("443");
    let v = a.on(&n);
    let p = witness(&n, &a, &v, Addrs::Of(&["10.0.2.20"]), Addrs::In("52.216.0.0/15"));
    let dst = p.dst_ip.to_string();
    assert_paths(
        &v,
        &[
            "eni-db",
            "sg-db",
            "rtb-private",
            "acl-lab-default",
            "acl-public",
            "nat-lab",
            "rtb-public",
            "acl-public",
            "vpce-s3",
            &dst,
        ],
        &[
            &dst,
            "vpce-s3",
            "acl-public",
            "nat-lab",
            "rtb-public",
            "acl-public",
            "acl-lab-default",
            "sg-db",
            "eni-db",
        ],
    );
}
