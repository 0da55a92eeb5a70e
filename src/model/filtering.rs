//! The filters of the network: network ACLs and their entries (NACL-1..NACL-6), security groups
//! and their rules (SG-1..SG-6), and the direction and action words they share. Plain data, split
//! from `network` by concern; re-exported from `model`. Must not touch: how a filter decides (the
//! simulator and the SMT encoder each do that on their own).

use super::addr::{Cidr, L4Match, Protocol, proto};
use super::ids::*;
use super::network::Tags;
use super::provenance::Provenance;
use serde::{Deserialize, Serialize};

/// Inbound (ingress) or outbound (egress).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Traffic entering the subnet or interface.
    Inbound,
    /// Traffic leaving the subnet or interface.
    Outbound,
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        })
    }
}

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleAction {
    /// Allow.
    Allow,
    /// Deny.
    Deny,
}

/// A network ACL (§3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkAcl {
    /// `acl-…`.
    pub id: NetworkAclId,
    /// Owning VPC.
    pub vpc: VpcId,
    /// True for the VPC's default ACL: subnets without an explicit association use it (NACL-1).
    pub is_default: bool,
    /// Associated subnets.
    pub subnets: Vec<SubnetId>,
    /// Entries of both directions, in input order (evaluation sorts by rule number, NACL-4).
    pub entries: Vec<NetworkAclEntry>,
    /// Tags.
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

/// Rule numbers at or above this are the `*` default deny entries AWS lists (32767 IPv4,
/// 32768 IPv6, NACL-4).
pub const NACL_DEFAULT_RULE_NUMBER: u16 = 32767;

/// One numbered network ACL entry (NACL-5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkAclEntry {
    /// 1..=32766 for user entries; 32767/32768 for the listed default deny entries.
    pub rule_number: u16,
    /// Inbound entries match the source address, outbound entries the destination address.
    pub direction: Direction,
    /// Allow or deny.
    pub action: RuleAction,
    /// Protocol (`-1` = all).
    pub protocol: Protocol,
    /// Destination ports or ICMP type/code, normalised (NACL-6).
    pub l4: L4Match,
    /// The one CIDR block (IPv4 or IPv6) of the entry.
    pub cidr: Cidr,
    /// Where it was read; `item` is the rule number.
    pub provenance: Provenance,
}

impl NetworkAclEntry {
    /// `*` for the default entries, else the number.
    pub fn rule_label(&self) -> String {
        if self.rule_number >= NACL_DEFAULT_RULE_NUMBER {
            "*".to_owned()
        } else {
            self.rule_number.to_string()
        }
    }

    /// A console-style line: `100 TCP 22 0.0.0.0/0 ALLOW`.
    pub fn label(&self) -> String {
        let action = match self.action {
            RuleAction::Allow => "ALLOW",
            RuleAction::Deny => "DENY",
        };
        let rule: &dyn std::fmt::Display = if self.rule_number >= NACL_DEFAULT_RULE_NUMBER {
            &"*"
        } else {
            &self.rule_number
        };
        let protocol = match self.protocol {
            Protocol::All => "ALL".to_owned(),
            Protocol::Number(n) => proto::name(n).to_uppercase(),
        };
        format!("{rule} {protocol} {} {} {action}", self.l4, self.cidr)
    }
}

/// A security group (§4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroup {
    /// `sg-…`.
    pub id: SecurityGroupId,
    /// `GroupName` (`default` for the VPC's default group).
    pub name: String,
    /// Owning VPC.
    pub vpc: VpcId,
    /// Description.
    pub description: String,
    /// Inbound rules (sources).
    pub ingress: Vec<SecurityGroupRule>,
    /// Outbound rules (destinations).
    pub egress: Vec<SecurityGroupRule>,
    /// Tags.
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

/// One security group rule with exactly one peer (SG-6; a permission with several sources is
/// expanded into one rule per source at ingest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroupRule {
    /// Protocol (`-1` = all).
    pub protocol: Protocol,
    /// Destination ports or ICMP type/code, normalised (SG-6).
    pub l4: L4Match,
    /// The source (inbound) or destination (outbound).
    pub peer: SecurityGroupPeer,
    /// Rule description.
    pub description: Option<String>,
    /// Where it was read; `item` is the rule id or index.
    pub provenance: Provenance,
}

/// The peer of a security group rule (SG-6, SG-7, SG-8).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SecurityGroupPeer {
    /// An IPv4 or IPv6 block.
    Cidr {
        /// The block.
        cidr: Cidr,
    },
    /// Every entry of a prefix list.
    PrefixList {
        /// The list.
        id: PrefixListId,
    },
    /// The private addresses of the interfaces in a group (SG-7), possibly across a peering.
    SecurityGroup {
        /// The referenced group.
        id: SecurityGroupId,
        /// The peering the reference crosses, if AWS printed one.
        peering: Option<VpcPeeringConnectionId>,
    },
}

impl std::fmt::Display for SecurityGroupPeer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecurityGroupPeer::Cidr { cidr } => write!(f, "{cidr}"),
            SecurityGroupPeer::PrefixList { id } => write!(f, "{id}"),
            SecurityGroupPeer::SecurityGroup { id, .. } => write!(f, "{id}"),
        }
    }
}

impl SecurityGroupRule {
    /// A console-style line: `tcp 443 from 0.0.0.0/0`.
    pub fn label(&self, direction: Direction) -> String {
        let word = match direction {
            Direction::Inbound => "from",
            Direction::Outbound => "to",
        };
        format!("{} {} {word} {}", self.protocol, self.l4, self.peer)
    }
}
