//! The report of `vpcverify diff` (its JSON contract: `vpcverify schema diff`).
//!
//! Owns: the report's shape and its summary. Must not touch: semantics, printing.

use super::changes::Change;
use super::classes::Class;
use super::scope::Scope;
use crate::model::{Blocked, Hop, Packet, proto};
use serde::Serialize;

/// Opened or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Gets through in AFTER, not in BEFORE.
    Opened,
    /// Gets through in BEFORE, not in AFTER.
    Closed,
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiffVerdict {
    /// Something opens or closes.
    Changed,
    /// Nothing does (for every pair asked, and the pairs not asked no change concerns).
    Unchanged,
    /// Nothing found, but some pair's answer is unknown.
    Unknown,
}

/// A packet in the JSON form of DESIGN.md §2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PacketJson {
    /// `tcp`, `udp`, `icmp`, `icmpv6` or a number.
    pub protocol: String,
    /// Source address.
    pub src_ip: String,
    /// Destination address.
    pub dst_ip: String,
    /// TCP/UDP source port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src_port: Option<u16>,
    /// TCP/UDP destination port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dst_port: Option<u16>,
    /// ICMP type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icmp_type: Option<u8>,
    /// ICMP code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icmp_code: Option<u8>,
}

impl From<&Packet> for PacketJson {
    fn from(p: &Packet) -> Self {
        let (ports, icmp) = (p.has_ports(), p.is_icmp());
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

/// A flow class that opens or closes, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Flow {
    /// Opened or closed.
    pub direction: Direction,
    /// The source class.
    pub from: String,
    /// The destination class.
    pub to: String,
    /// `tcp`, `udp`, `icmp`, … or `other` (every protocol but TCP, UDP, ICMP and ICMPv6).
    pub protocol: String,
    /// TCP/UDP destination ports (`N` or `N-M`) over which the change holds for the witness's
    /// addresses and source port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ports: Option<String>,
    /// The witness packet, as its source sends it.
    pub packet: PacketJson,
    /// Who sends it: an interface id, `internet`, or an on-premises gateway or attachment.
    pub sender: String,
    /// The request's path in the network where it gets through (AFTER when opened), as the
    /// simulator walks it.
    pub path: Vec<Hop>,
    /// The reply's path there (empty one way).
    pub return_path: Vec<Hop>,
    /// What drops it in the other network, as the simulator finds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<Blocked>,
    /// Why it does not get through in the other network when nothing there drops it (the
    /// sender does not exist there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absent: Option<String>,
    /// Changed resources on the path or at the drop.
    pub changes: Vec<String>,
    /// The built-in rules (`vpcverify check --builtin`) whose protected ports the flow reaches
    /// from the internet, each checked by the simulator on that port.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub protects: Vec<String>,
    /// True when the search for this pair's flows stopped at its bound (more may differ).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// Why a pair's answer is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Cause {
    /// The component (or `solver`, `budget`).
    pub id: String,
    /// Why.
    pub reason: String,
}

/// A pair whose answer in one direction is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct UnknownPair {
    /// The source class.
    pub from: String,
    /// The destination class.
    pub to: String,
    /// The direction asked.
    pub direction: Direction,
    /// Why.
    pub causes: Vec<Cause>,
}

/// A class of endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ClassJson {
    /// Its name.
    pub name: String,
    /// Its interfaces (empty for the internet, on-premises networks and services).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
}

/// A changed resource and which pairs it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ChangeJson {
    /// The change.
    #[serde(flatten)]
    pub change: Change,
    /// `global` (every pair is asked), `local` (the pairs with one of its classes), `reach` (the
    /// pairs with a class whose traffic can reach its VPC), `none`.
    pub scope: String,
}

/// How much was asked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PairCounts {
    /// Pairs of classes.
    pub total: usize,
    /// Pairs some change concerns, asked.
    pub asked: usize,
    /// Grouped questions (one class against many, DIFF-7) that settled pairs together.
    pub grouped_questions: usize,
    /// Pairs then asked on their own (those the grouped questions left open, and the pairs no
    /// group holds).
    pub asked_alone: usize,
    /// Candidate paths walked in BEFORE.
    pub paths_before: usize,
    /// Candidate paths walked in AFTER.
    pub paths_after: usize,
}

/// The whole report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DiffReport {
    /// Changed, unchanged or unknown.
    pub verdict: DiffVerdict,
    /// BEFORE, as read.
    pub before: String,
    /// AFTER, as read.
    pub after: String,
    /// The changed resources.
    pub changes: Vec<ChangeJson>,
    /// The endpoint classes.
    pub classes: Vec<ClassJson>,
    /// Pairs asked.
    pub pairs: PairCounts,
    /// Flows that get through in AFTER and not in BEFORE.
    pub opened: Vec<Flow>,
    /// Flows that get through in BEFORE and not in AFTER.
    pub closed: Vec<Flow>,
    /// Pairs whose answer is unknown.
    pub unknown: Vec<UnknownPair>,
}

impl DiffReport {
    pub(super) fn new(before: &str, after: &str, changes: Vec<Change>, classes: &[Class], scopes: Vec<Scope>) -> Self {
        DiffReport {
            verdict: DiffVerdict::Unchanged,
            before: before.to_owned(),
            after: after.to_owned(),
            changes: changes
                .into_iter()
                .zip(scopes)
                .map(|(change, s)| ChangeJson {
                    change,
                    scope: match s {
                        Scope::None => "none",
                        Scope::Global => "global",
                        Scope::Local { .. } => "local",
                        Scope::Reach(_) => "reach",
                    }
                    .to_owned(),
                })
                .collect(),
            classes: classes
                .iter()
                .map(|c| ClassJson {
                    name: c.name.clone(),
                    members: c.members.iter().map(|m| m.to_string()).collect(),
                })
                .collect(),
            pairs: PairCounts::default(),
            opened: Vec::new(),
            closed: Vec::new(),
            unknown: Vec::new(),
        }
    }

    pub(super) fn finish(&mut self) {
        self.verdict = if !self.opened.is_empty() || !self.closed.is_empty() {
            DiffVerdict::Changed
        } else if !self.unknown.is_empty() {
            DiffVerdict::Unknown
        } else {
            DiffVerdict::Unchanged
        };
    }
}
