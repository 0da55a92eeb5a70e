//! The drop map (issue #13): the packets of a question that do not get through, partitioned by
//! where each class of them is dropped first along its candidate path, cell by cell, by the
//! solver (never by sampling).
//!
//! A walk in recording mode lists every candidate path with its branch conditions, its filters
//! in order and how it ends. On a path with filters `c1..cn`, the packets dropped first by `ci`
//! are those of the path admitted by `c1..c(i-1)` and refused by `ci` (for a network ACL, split
//! further by the entry that is their first match, NACL-4); a path ending in a drop drops there
//! the packets every filter admits. Each such *stage* is explored by asking for a packet of it
//! outside the cells found so far, then growing a box around it (protocol, both addresses, both
//! ports, ICMP type and code, one field at a time, each bound by binary search) as far as every
//! packet of the question in the box is still dropped there, which the solver checks. The box is
//! a cell; it is blocked and the solver asked again, until no packet is left or the bound on
//! cells is met (then the map says it was cut short).
//!
//! Must not touch: printing, the simulator (the query replays each cell's example through it).
//! Rule ids: the codes of SEMANTICS.md §10 (SG-12..SG-15) as `analyze` gives them.

use super::filter::{acl_entries, acl_entry_matches};
use super::solver::Guarded;
use super::sym::*;
use super::walk::{CheckInfo, Leg, PathEnd, PathRecord, Walk};
use super::{Question, StartPoint};
use crate::model::addr::ip_from_u128;
use crate::model::*;
use std::net::IpAddr;
use z3::SatResult;
use z3::ast::{BV, Bool};

/// The drop map of a question.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DropMap {
    /// The cells, in the order found (candidate path by candidate path, along each path).
    pub cells: Vec<DropCell>,
    /// The bound on cells was met while packets not in any cell were still dropped.
    pub cut_short: bool,
    /// The solver gave up (or the budget ran out) before the map was complete.
    pub undecided: bool,
}

/// A class of packets of the question dropped first at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropCell {
    /// Where, and by which rule.
    pub blocked: Blocked,
    /// Who sends the packets.
    pub start: StartPoint,
    /// One packet of the class, as its source sends it.
    pub example: Packet,
    /// The class.
    pub class: PacketClass,
    /// The candidate path it lies on (1-based, per address family).
    pub path: usize,
    /// Dropped on the reply leg.
    pub reply: bool,
}

/// A box of packet headers (inclusive bounds); the packets of the question in it that take the
/// cell's candidate path belong to the cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketClass {
    /// The address family.
    pub family: IpFamily,
    /// Protocol numbers; a range that is not a single TCP, UDP, ICMP or ICMPv6 covers only other
    /// protocols.
    pub protocols: (u8, u8),
    /// Source addresses.
    pub src: (IpAddr, IpAddr),
    /// Destination addresses.
    pub dst: (IpAddr, IpAddr),
    /// Source ports (TCP, UDP).
    pub src_ports: (u16, u16),
    /// Destination ports (TCP, UDP).
    pub dst_ports: (u16, u16),
    /// ICMP types.
    pub icmp_types: (u8, u8),
    /// ICMP codes.
    pub icmp_codes: (u8, u8),
}

/// The default bound on cells.
pub const DEFAULT_MAX_CELLS: usize = 32;

/// Where a stage's packets are dropped.
enum StageAt<'r> {
    Check(usize),
    End(&'r Blocked),
}

/// Computes the drop map of a question, at most `max_cells` cells. Runs in the calling thread's
/// Z3 context.
pub fn drop_map(net: &Network, ix: &NetworkIndex, q: &Question<'_>, max_cells: usize) -> DropMap {
    let mut out = DropMap::default();
    for family in &q.families {
        let mut walk = Walk::new(net, ix, q, *family);
        walk.record = true;
        walk.run();
        if walk.solver.spent || walk.results.unknown.iter().any(|(id, _)| id == "solver") {
            out.undecided = true;
        }
        let records = std::mem::take(&mut walk.results.records);
        let mut s = Guarded::new(q.budget, None);
        s.assert(&Bool::from_bool(true));
        s.assert(&walk.space);
        for (n, r) in records.iter().enumerate() {
            let mut stages: Vec<(Bool, StageAt<'_>)> = Vec::new();
            // Cells are relative to their candidate path: a box holds the packets in it that
            // take this path (packets in it that take another are another path's business).
            let routing = all(&r.routing);
            // The path's routing conditions, asserted once for all its stages: they hold the
            // question's large address sets (an internet host is none of the estate's public
            // addresses), which the solver then takes in once, not at every cell's check.
            s.push();
            s.assert(&routing);
            let mut prefix = r.routing.clone();
            for (i, c) in r.checks.iter().enumerate() {
                let mut cond = prefix.clone();
                cond.push(c.allows.not());
                stages.push((all(&cond), StageAt::Check(i)));
                prefix.push(c.allows.clone());
            }
            if let PathEnd::Dropped(b) = &r.end {
                stages.push((all(&prefix), StageAt::End(b)));
            }
            for (cond, at) in stages {
                let mut blocks: Vec<Bool> = Vec::new();
                loop {
                    if s.spent {
                        out.undecided = true;
                        return out;
                    }
                    s.push();
                    s.assert(&cond);
                    s.assert(&any(&blocks).not());
                    let found = s.check();
                    let model = if found == SatResult::Sat { s.get_model() } else { None };
                    s.pop(1);
                    let Some(model) = model else {
                        if found == SatResult::Unknown {
                            out.undecided = true;
                        }
                        break;
                    };
                    if out.cells.len() >= max_cells {
                        out.cut_short = true;
                        return out;
                    }
                    let Some(seed) = decode(&model, &walk.pkt0, *family) else {
                        out.undecided = true;
                        break;
                    };
                    let (refined, blocked) = refine(&walk, r, &at, &cond, &model);
                    let class = grow(&mut s, &walk.pkt0, &routing, &refined, &seed, *family);
                    let boxed = class_bool(&walk.pkt0, &class);
                    let example =
                        preferred_example(&mut s, &walk, r, &all(&[refined.clone(), boxed.clone()])).unwrap_or(seed);
                    let reply = match at {
                        StageAt::Check(i) => r.checks.get(i).is_some_and(|c| c.leg == Leg::Reply),
                        StageAt::End(_) => r
                            .checks
                            .last()
                            .is_some_and(|c| c.leg == Leg::Reply && blocked.direction != Some(Direction::Outbound)),
                    };
                    blocks.push(boxed);
                    out.cells.push(DropCell {
                        blocked,
                        start: r.start.clone(),
                        example,
                        class,
                        path: n + 1,
                        reply,
                    });
                }
            }
            s.pop(1);
        }
    }
    out
}

fn eval_true(model: &z3::Model, b: &Bool) -> bool {
    model.eval(b, true).and_then(|x| x.as_bool()) == Some(true)
}

/// The stage's condition narrowed to what decides its rule and code at the model's packet, and
/// the blocking entry it gives.
fn refine(w: &Walk<'_>, r: &PathRecord, at: &StageAt<'_>, cond: &Bool, model: &z3::Model) -> (Bool, Blocked) {
    let c = match at {
        StageAt::End(b) => return (cond.clone(), (*b).clone()),
        StageAt::Check(i) => match r.checks.get(*i) {
            Some(c) => c,
            None => return (cond.clone(), fallback()),
        },
    };
    let these = if c.leg == Leg::Reply {
        "these replies"
    } else {
        "these packets"
    };
    match &c.info {
        CheckInfo::Acl {
            acl,
            subnet,
            dir,
            reassigned,
            remapped,
        } => {
            let Some(table) = w.net.network_acls.get(acl) else {
                let b = Blocked::new(
                    subnet,
                    ComponentKind::Subnet,
                    Some(*dir),
                    "none",
                    format!("subnet `{subnet}` has no network ACL, so nothing crosses its boundary"),
                    "SUBNET_ACL_RESTRICTION",
                );
                return (cond.clone(), b);
            };
            let entries = acl_entries(table, *dir, w.family);
            let mut none_before: Vec<Bool> = Vec::new();
            let mut chosen: Option<(Bool, Option<&NetworkAclEntry>)> = None;
            for e in &entries {
                let m = acl_entry_matches(e, &c.pkt);
                if eval_true(model, &m) {
                    let mut parts = none_before.clone();
                    parts.push(m);
                    chosen = Some((all(&parts), Some(e)));
                    break;
                }
                none_before.push(m.not());
            }
            let (first, entry) = chosen.unwrap_or_else(|| (all(&none_before), None));
            let mut parts = vec![cond.clone(), first];
            let mut code = "SUBNET_ACL_RESTRICTION";
            if let Some(before) = reassigned {
                if eval_true(model, before) {
                    code = "NGW_SOURCE_ADDRESS_REASSIGN";
                    parts.push(before.clone());
                } else {
                    parts.push(before.not());
                }
            }
            if let Some(remap) = remapped.as_ref().filter(|_| code == "SUBNET_ACL_RESTRICTION") {
                if eval_true(model, remap) {
                    code = "REMAP_EPHEMERAL_PORT";
                    parts.push(remap.clone());
                } else {
                    parts.push(remap.not());
                }
            }
            let (rule, reason) = match entry {
                Some(e) => (
                    e.rule_label(),
                    format!(
                        "{dir} rule {} ({}) of network ACL `{acl}` on `{subnet}` denies {these}",
                        e.rule_label(),
                        e.label()
                    ),
                ),
                None => (
                    "*".to_owned(),
                    format!(
                        "no {dir} rule of network ACL `{acl}` on `{subnet}` allows {these}, so the default rule * denies them"
                    ),
                ),
            };
            let reason = match code {
                "NGW_SOURCE_ADDRESS_REASSIGN" => {
                    format!("{reason}; it would admit the source a NAT gateway replaced by its own address")
                }
                "REMAP_EPHEMERAL_PORT" => {
                    format!("{reason}; it would admit the port the client used, which the NAT gateway remapped")
                }
                _ => reason,
            };
            let b = Blocked::new(acl, ComponentKind::NetworkAcl, Some(*dir), rule, reason, code);
            (all(&parts), b)
        }
        CheckInfo::Groups {
            iface,
            groups,
            dir,
            reassigned,
            unpreserved,
        } => {
            let mut parts = vec![cond.clone()];
            let ruleless = !groups.is_empty()
                && groups.iter().all(|g| {
                    w.net.security_groups.get(g).is_some_and(|sg| {
                        if *dir == Direction::Inbound {
                            sg.ingress.is_empty()
                        } else {
                            sg.egress.is_empty()
                        }
                    })
                });
            let names = groups.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(" or ");
            let mut code = if ruleless {
                "SG_HAS_NO_RULES"
            } else {
                "ENI_SG_RULES_MISMATCH"
            };
            let mut reason = if groups.is_empty() {
                format!("`{iface}` has no security group, so it allows no {dir} traffic")
            } else if ruleless {
                format!("{names} on `{iface}` have no {dir} rule at all")
            } else {
                format!("no {dir} rule of {names} on `{iface}` allows {these}")
            };
            if !ruleless && let Some((n, before)) = reassigned {
                if eval_true(model, before) {
                    code = "NGW_SOURCE_ADDRESS_REASSIGN";
                    reason = format!(
                        "{names} on `{iface}` refuse these packets with NAT gateway `{n}`'s address as their source, but would admit the source they had before"
                    );
                    parts.push(before.clone());
                } else {
                    parts.push(before.not());
                }
            }
            if code == "ENI_SG_RULES_MISMATCH"
                && let Some((y, before)) = unpreserved
            {
                if eval_true(model, before) {
                    code = "SG_REFERENCES_NOT_PRESERVED";
                    reason = format!(
                        "{names} on `{iface}` admit the original source by a rule naming a security group, but these packets were forwarded by `{y}` (a NAT instance), which does not carry the source's security group membership (SG-15)"
                    );
                    parts.push(before.clone());
                } else {
                    parts.push(before.not());
                }
            }
            let (id, kind, rule) = match groups.first() {
                Some(g) => (
                    g.to_string(),
                    ComponentKind::SecurityGroup,
                    groups.iter().map(|g| g.to_string()).collect::<Vec<_>>().join(", "),
                ),
                None => (
                    iface.to_string(),
                    ComponentKind::NetworkInterface,
                    "no security groups".to_owned(),
                ),
            };
            (all(&parts), Blocked::new(id, kind, Some(*dir), rule, reason, code))
        }
    }
}

fn fallback() -> Blocked {
    Blocked::new("", ComponentKind::NetworkInterface, None, "", "", "NO_PATH")
}

/// The fields of a box, in the order they are grown.
const DPORT: usize = 0;
const SPORT: usize = 1;
const ITYPE: usize = 2;
const ICODE: usize = 3;
const DST: usize = 4;
const SRC: usize = 5;
const PROTO: usize = 6;

fn field(p: &SymPacket, f: usize) -> &BV {
    match f {
        DPORT => &p.dport,
        SPORT => &p.sport,
        ITYPE => &p.itype,
        ICODE => &p.icode,
        DST => &p.dst,
        SRC => &p.src,
        _ => &p.proto,
    }
}

fn max_of(f: usize, family: IpFamily) -> u128 {
    match f {
        DPORT | SPORT => u128::from(u16::MAX),
        DST | SRC => match family {
            IpFamily::V4 => u128::from(u32::MAX),
            IpFamily::V6 => u128::MAX,
        },
        _ => u128::from(u8::MAX),
    }
}

/// Bounds of the seven fields, and whether the protocol range covers only "other" protocols.
#[derive(Clone, Copy)]
struct Bounds {
    lo: [u128; 7],
    hi: [u128; 7],
    other: bool,
}

fn bounds_bool(p: &SymPacket, b: &Bounds) -> Bool {
    let r = |f: usize| in_range(field(p, f), b.lo[f], b.hi[f]);
    let mut parts = vec![
        r(PROTO),
        r(SRC),
        r(DST),
        p.has_ports().implies(all(&[r(SPORT), r(DPORT)])),
        p.is_icmp().implies(all(&[r(ITYPE), r(ICODE)])),
    ];
    if b.other {
        parts.push(p.has_ports().not());
        parts.push(p.is_icmp().not());
    }
    all(&parts)
}

fn class_bool(p: &SymPacket, c: &PacketClass) -> Bool {
    bounds_bool(p, &bounds_of(c))
}

fn bounds_of(c: &PacketClass) -> Bounds {
    let a = |x: &IpAddr| crate::model::addr::ip_to_u128(x);
    let mut lo = [0u128; 7];
    let mut hi = [0u128; 7];
    lo[PROTO] = u128::from(c.protocols.0);
    hi[PROTO] = u128::from(c.protocols.1);
    lo[SRC] = a(&c.src.0);
    hi[SRC] = a(&c.src.1);
    lo[DST] = a(&c.dst.0);
    hi[DST] = a(&c.dst.1);
    lo[SPORT] = u128::from(c.src_ports.0);
    hi[SPORT] = u128::from(c.src_ports.1);
    lo[DPORT] = u128::from(c.dst_ports.0);
    hi[DPORT] = u128::from(c.dst_ports.1);
    lo[ITYPE] = u128::from(c.icmp_types.0);
    hi[ITYPE] = u128::from(c.icmp_types.1);
    lo[ICODE] = u128::from(c.icmp_codes.0);
    hi[ICODE] = u128::from(c.icmp_codes.1);
    let other = c.protocols.0 != c.protocols.1 || !is_named(c.protocols.0);
    Bounds { lo, hi, other }
}

fn is_named(p: u8) -> bool {
    proto::has_ports(p) || proto::is_icmp(p)
}

/// Grows a box around `seed` while every packet of the question in it that takes the path
/// (`routing`) satisfies `cond`.
fn grow(s: &mut Guarded, p: &SymPacket, routing: &Bool, cond: &Bool, seed: &Packet, family: IpFamily) -> PacketClass {
    let a = |x: &IpAddr| crate::model::addr::ip_to_u128(x);
    let mut v = [0u128; 7];
    v[PROTO] = u128::from(seed.protocol);
    v[SRC] = a(&seed.src_ip);
    v[DST] = a(&seed.dst_ip);
    v[SPORT] = u128::from(seed.src_port);
    v[DPORT] = u128::from(seed.dst_port);
    v[ITYPE] = u128::from(seed.icmp_type);
    v[ICODE] = u128::from(seed.icmp_code);
    let mut b = Bounds {
        lo: v,
        hi: v,
        other: !is_named(seed.protocol),
    };
    s.push();
    s.assert(routing);
    s.assert(&cond.not());
    let fields: &[usize] = if is_named(seed.protocol) {
        &[DPORT, SPORT, ITYPE, ICODE, DST, SRC]
    } else {
        &[DPORT, SPORT, ITYPE, ICODE, DST, SRC, PROTO]
    };
    for &f in fields {
        if f == DST || f == SRC {
            // Addresses grow as blocks (the structure of routes and rules): the largest block
            // around the seed's address that holds.
            let (lo, hi) = widest_block(s, p, &b, f, v[f], family);
            b.lo[f] = lo;
            b.hi[f] = hi;
            continue;
        }
        let max = max_of(f, family);
        // Lower bound: the least `lo` whose box is still all dropped here.
        b.lo[f] = least(s, p, &b, f, v[f]);
        b.hi[f] = greatest(s, p, &b, f, v[f], max);
    }
    s.pop(1);
    let ip = |x: u128| ip_from_u128(family, x);
    let n8 = |x: u128| u8::try_from(x).unwrap_or(u8::MAX);
    let n16 = |x: u128| u16::try_from(x).unwrap_or(u16::MAX);
    PacketClass {
        family,
        protocols: (n8(b.lo[PROTO]), n8(b.hi[PROTO])),
        src: (ip(b.lo[SRC]), ip(b.hi[SRC])),
        dst: (ip(b.lo[DST]), ip(b.hi[DST])),
        src_ports: (n16(b.lo[SPORT]), n16(b.hi[SPORT])),
        dst_ports: (n16(b.lo[DPORT]), n16(b.hi[DPORT])),
        icmp_types: (n8(b.lo[ITYPE]), n8(b.hi[ITYPE])),
        icmp_codes: (n8(b.lo[ICODE]), n8(b.hi[ICODE])),
    }
}

/// True iff no packet of the question in the box escapes the stage (the solver holds the
/// negated stage condition). A check the solver gives up on counts as escaping.
fn holds(s: &mut Guarded, p: &SymPacket, b: &Bounds) -> bool {
    s.push();
    s.assert(&bounds_bool(p, b));
    let r = s.check();
    s.pop(1);
    r == SatResult::Unsat
}

/// The block of prefix length `len` holding `v`, as bounds.
fn block(v: u128, len: u32, family: IpFamily) -> (u128, u128) {
    let bits = u32::from(family.bits());
    let host_bits = bits - len.min(bits);
    let host = if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    let max = max_of(DST, family);
    ((v & !host) & max, (v | host) & max)
}

/// The shortest prefix length (largest block) around `v` for field `f` whose box holds.
fn widest_block(s: &mut Guarded, p: &SymPacket, b: &Bounds, f: usize, v: u128, family: IpFamily) -> (u128, u128) {
    let bits = u32::from(family.bits());
    let mut t = *b;
    let mut try_len = |len: u32, s: &mut Guarded| {
        let (lo, hi) = block(v, len, family);
        t.lo[f] = lo;
        t.hi[f] = hi;
        holds(s, p, &t)
    };
    if try_len(0, s) {
        return block(v, 0, family);
    }
    // Invariant: `bad` fails, `good` holds (the single address holds: it is the seed's).
    let (mut bad, mut good) = (0u32, bits);
    while good - bad > 1 {
        let mid = bad + (good - bad) / 2;
        if try_len(mid, s) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    block(v, good, family)
}

/// The least lower bound in `[0, seed]` for field `f` (monotone: a smaller bound is a larger
/// box).
fn least(s: &mut Guarded, p: &SymPacket, b: &Bounds, f: usize, seed: u128) -> u128 {
    let mut t = *b;
    t.lo[f] = 0;
    if holds(s, p, &t) {
        return 0;
    }
    // Invariant: `bad` fails, `good` holds.
    let (mut bad, mut good) = (0, seed);
    while good - bad > 1 {
        let mid = bad + (good - bad) / 2;
        t.lo[f] = mid;
        if holds(s, p, &t) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    good
}

/// The greatest upper bound in `[seed, to]` for field `f`.
fn greatest(s: &mut Guarded, p: &SymPacket, b: &Bounds, f: usize, seed: u128, to: u128) -> u128 {
    let mut t = *b;
    t.hi[f] = to;
    if holds(s, p, &t) {
        return to;
    }
    let (mut good, mut bad) = (seed, to);
    while bad - good > 1 {
        let mid = good + (bad - good) / 2;
        t.hi[f] = mid;
        if holds(s, p, &t) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    good
}

/// A packet of the cell that reads like real traffic (the witness preferences of `analyze`).
fn preferred_example(s: &mut Guarded, w: &Walk<'_>, r: &PathRecord, cell: &Bool) -> Option<Packet> {
    s.push();
    s.assert(cell);
    let mut pushed = 0;
    if s.check() == SatResult::Sat {
        for group in super::analyze::preferences(w, &r.start) {
            for pref in group {
                s.push();
                s.assert(&pref);
                if s.check() == SatResult::Sat {
                    pushed += 1;
                    break;
                }
                s.pop(1);
            }
        }
    }
    let out = if s.check() == SatResult::Sat {
        s.get_model().and_then(|m| decode(&m, &w.pkt0, w.family))
    } else {
        None
    };
    s.pop(pushed + 1);
    out
}
