//! VPC flow logs as data: which VPCs, subnets and network interfaces have a flow log, of which
//! traffic, and whether it is active. Read by the built-in pack's configuration rule VPCV-013
//! (CIS AWS Foundations 3.7 in v3.0.0, 3.9 in v1.4.0, 2.9 in v1.2.0; AWS FSBP EC2.6); flow logs
//! record traffic and change no forwarding decision, so neither `sim` nor `smt` reads them.
//!
//! Plain data, like the rest of `model`: ingest builds it (`describe-flow-logs` output, the
//! Terraform `aws_flow_log` resource, the spec's `flow_logs` key of a VPC). Must not touch: z3,
//! JSON shapes, printing.

use super::provenance::Provenance;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every flow log of the input, and whether the input lists flow logs at all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowLogs {
    /// True when the input says which flow logs exist (a snapshot with `describe-flow-logs`
    /// output, a Terraform plan or state, a spec that writes `flow_logs`); false when it does
    /// not, and a resource without a flow log here may still have one.
    pub listed: bool,
    /// The snapshot files that list flow logs (`describe-flow-logs` output): in a nested
    /// layout of several accounts and Regions, a VPC's flow logs are listed only when a file
    /// of its account and Region lists them. Empty for a plan or spec, which list them whole.
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub listed_in: std::collections::BTreeSet<String>,
    /// Flow logs by id (`fl-…`, a Terraform address, or the spec's `<vpc>/flow-log-<n>`).
    pub logs: BTreeMap<String, FlowLog>,
}

impl FlowLogs {
    /// Nothing listed and nothing known.
    pub fn is_empty(&self) -> bool {
        !self.listed && self.logs.is_empty()
    }

    /// The flow logs on `resource` (a VPC, subnet or network interface id).
    pub fn on<'a>(&'a self, resource: &'a str) -> impl Iterator<Item = &'a FlowLog> + 'a {
        self.logs.values().filter(move |l| l.resource == resource)
    }
}

/// Which traffic a flow log captures (`TrafficType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TrafficType {
    /// Accepted and rejected traffic.
    All,
    /// Accepted traffic only.
    Accept,
    /// Rejected traffic only.
    Reject,
}

impl TrafficType {
    /// `ALL`, `ACCEPT`, `REJECT` (any case).
    pub fn parse(text: &str) -> Option<TrafficType> {
        match text.to_ascii_uppercase().as_str() {
            "ALL" => Some(TrafficType::All),
            "ACCEPT" => Some(TrafficType::Accept),
            "REJECT" => Some(TrafficType::Reject),
            _ => None,
        }
    }

    /// `ALL`, `ACCEPT`, `REJECT`.
    pub fn name(self) -> &'static str {
        match self {
            TrafficType::All => "ALL",
            TrafficType::Accept => "ACCEPT",
            TrafficType::Reject => "REJECT",
        }
    }

    /// True when rejected traffic is captured (`ALL` or `REJECT`).
    pub fn captures_rejects(self) -> bool {
        matches!(self, TrafficType::All | TrafficType::Reject)
    }
}

/// One flow log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowLog {
    /// The id.
    pub id: String,
    /// What it is attached to: a VPC, subnet or network interface id (`ResourceId`), or a
    /// transit gateway or its attachment (which VPCV-013 does not count).
    pub resource: String,
    /// The traffic captured; `None` when the input does not say yet (a plan's value known only
    /// after apply).
    pub traffic_type: Option<TrafficType>,
    /// `FlowLogStatus` is `ACTIVE` (the only status AWS reports for an existing flow log);
    /// a plan's flow logs are active once applied.
    pub active: bool,
    /// Where it was read.
    pub provenance: Provenance,
}
