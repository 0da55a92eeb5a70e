//! The answer to a `trace` or `query`: the verdict, the packet, the paths, the blocking rules.
//! Its serde form is the JSON contract of DESIGN.md §2.

use crate::model::{Blocked, Hop, Packet, proto};
use serde::{Serialize, Serializer};

/// Reachable, unreachable or unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VerdictKind {
    /// Some packet gets there (and its reply back): exit 0.
    Reachable,
    /// No packet does: exit 1.
    Unreachable,
    /// The answer depends on something not modelled, or the solver gave up: exit 3.
    Unknown,
}

/// The question, echoed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct QueryEcho {
    /// `--from` as given.
    pub from: String,
    /// `--to` as given.
    pub to: String,
    /// Protocol name (`tcp`, `udp`, `icmp`, `icmpv6`, `all`, or a number).
    pub protocol: String,
    /// Destination port or range as given (`443`, `0-65535`); absent when not applicable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// Source port or range, when pinned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src_port: Option<String>,
    /// True when only the request leg counts.
    pub one_way: bool,
}

/// A component the answer depends on that the model does not interpret (or, in
/// [`Verdict::bounded`], one that lay on the way but decides nothing, BOUND-2).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct UnknownCause {
    /// Its id.
    pub id: String,
    /// Why it makes the answer unknown.
    pub reason: String,
    /// A packet of the question, as its source sends it, whose fate depends on this component
    /// (BOUND-2), where one was found.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ser_packet")]
    #[schemars(with = "Option<PacketJson>")]
    pub example: Option<Packet>,
}

impl UnknownCause {
    /// A cause without an example packet.
    pub fn new(id: impl Into<String>, reason: impl Into<String>) -> Self {
        UnknownCause {
            id: id.into(),
            reason: reason.into(),
            example: None,
        }
    }
}

/// The full answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Verdict {
    /// Reachable, unreachable or unknown.
    pub verdict: VerdictKind,
    /// The question.
    pub query: QueryEcho,
    /// The packet as the source sends it (reachable; for `trace` always).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ser_packet")]
    #[schemars(with = "Option<PacketJson>")]
    pub packet: Option<Packet>,
    /// The request's path (reachable; for `trace`, up to the drop).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<Vec<Hop>>,
    /// The reply's path (reachable round trips; for `trace`, up to the drop).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_path: Option<Vec<Hop>>,
    /// Every component that blocks some candidate path (unreachable).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<Blocked>,
    /// What the answer depends on that is not modelled (unknown).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<UnknownCause>,
    /// Constructs the input does not settle (or the model does not interpret) that lay on some
    /// candidate path but do not decide this answer, with why (BOUND-2).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bounded: Vec<UnknownCause>,
    /// Notes for the reader (example addresses, choices made for a representative packet, …).
    pub warnings: Vec<String>,
    /// With `--through` or `--avoid`: whether every packet that gets through keeps to the
    /// waypoints (WAY-1..WAY-4), with the violating witness when one does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waypoint: Option<super::waypoint::WaypointVerdict>,
    /// The name each component id of this answer is known by (`Name` tag, spec name, Terraform
    /// address, load balancer name), where it says more than the id.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub names: std::collections::BTreeMap<String, String>,
    /// The drop map (`query`, unreachable; reachable with `--explain`): the packets of the
    /// question that do not get through, partitioned by where each class is dropped first,
    /// each cell with an example packet, its path up to the drop and the blocking rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub drop_map: Vec<DropCellReport>,
    /// Set when the drop map is incomplete: why (the bound on cells was met, or the solver gave
    /// up); the cells shown are still right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_map_incomplete: Option<String>,
}

/// One cell of the drop map: a class of packets of the question dropped first at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DropCellReport {
    /// The class: the packets of the question within these bounds.
    pub class: PacketClassReport,
    /// Where they are dropped first, by which rule, with the Reachability Analyzer code.
    pub blocked: Blocked,
    /// `request` or `reply`: the leg on which they are dropped.
    pub leg: String,
    /// One packet of the class, as its source sends it.
    #[serde(serialize_with = "ser_one_packet")]
    #[schemars(with = "PacketJson")]
    pub example: Packet,
    /// The example's request path, up to the drop (or delivery, for a reply drop), as `trace`
    /// shows it.
    pub path: Vec<Hop>,
    /// The example's reply path up to the drop (reply drops only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_path: Option<Vec<Hop>>,
}

/// The bounds of a drop map cell, each inclusive; the cell is the packets of the question within
/// them that take its candidate path (a packet within them that takes another path is in another
/// path's cell). The fields a protocol does not have are absent. Port ranges are within the
/// question's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PacketClassReport {
    /// `ipv4` or `ipv6`.
    pub family: String,
    /// A protocol name (`tcp`), or a range of protocol numbers other than TCP, UDP, ICMP and
    /// ICMPv6 (`0-5`).
    pub protocol: String,
    /// Source addresses, a block or `FIRST-LAST` (within the question's sources).
    pub src: String,
    /// Destination addresses, a block or `FIRST-LAST` (within the question's destinations).
    pub dst: String,
    /// Source ports, `FIRST-LAST` (TCP, UDP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src_ports: Option<String>,
    /// Destination ports, `FIRST-LAST` (TCP, UDP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dst_ports: Option<String>,
    /// ICMP types, `FIRST-LAST`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icmp_types: Option<String>,
    /// ICMP codes, `FIRST-LAST`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icmp_codes: Option<String>,
    /// A short text for people (`tcp 1000-1023`): the bounds that narrow the question.
    pub text: String,
}

impl Verdict {
    /// A verdict with no evidence yet.
    pub fn new(verdict: VerdictKind, query: QueryEcho) -> Self {
        Verdict {
            verdict,
            query,
            packet: None,
            path: None,
            return_path: None,
            blocked: Vec::new(),
            unknown: Vec::new(),
            bounded: Vec::new(),
            warnings: Vec::new(),
            waypoint: None,
            names: Default::default(),
            drop_map: Vec::new(),
            drop_map_incomplete: None,
        }
    }
}

/// The packet in the JSON form of DESIGN.md §2: protocol by name, ports for TCP/UDP, ICMP type
/// and code for ICMP.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct PacketJson {
    protocol: String,
    src_ip: String,
    dst_ip: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    src_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dst_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    icmp_type: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    icmp_code: Option<u8>,
}

impl From<&Packet> for PacketJson {
    fn from(p: &Packet) -> Self {
        let ports = p.has_ports();
        let icmp = p.is_icmp();
        PacketJson {
            protocol: proto::name(p.protocol),
            src_ip: p.src_ip.to_string(),
            dst_ip: p.dst_ip.to_string(),
            src_port: ports.then_some(p.src_port),
            dst_port: ports.then_some(p.dst_port),
            icmp_type: icmp.then_some(p.icmp_type),
            icmp_code: icmp.then_some(p.icmp_code),
        }
    }
}

fn ser_one_packet<S: Serializer>(p: &Packet, s: S) -> Result<S::Ok, S::Error> {
    PacketJson::from(p).serialize(s)
}

pub(crate) fn ser_packet<S: Serializer>(p: &Option<Packet>, s: S) -> Result<S::Ok, S::Error> {
    match p {
        Some(p) => PacketJson::from(p).serialize(s),
        None => s.serialize_none(),
    }
}
