//! Whether the input lists a kind of resource whole: a snapshot lists VPC endpoints only when it
//! holds `aws ec2 describe-vpc-endpoints` output (of the VPC's account and Region, in a nested
//! layout); a Terraform plan or state lists them whole; a spec does not say. Read by the built-in pack's configuration rules VPCV-014 and
//! VPCV-015 only: a VPC is never reported without an endpoint on an input that does not say.
//!
//! Plain data, like the rest of `model`. Must not touch: z3, JSON shapes, printing.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Whether, and where, the input lists a kind of resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    /// True when some input lists them.
    pub listed: bool,
    /// The snapshot files that list them; empty when the input lists them whole (a plan, a
    /// spec).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub listed_in: BTreeSet<String>,
}

impl Listed {
    /// Nothing listed.
    pub fn is_empty(&self) -> bool {
        !self.listed && self.listed_in.is_empty()
    }

    /// True when the input lists them for a resource read from `file`: listed whole, or by a file
    /// of the same account and Region (`scope`, as [`super::Network::scope_of`] gives it).
    pub fn covers(&self, net: &super::Network, file: &str) -> bool {
        let scope = net.scopes.get(file);
        self.listed && (self.listed_in.is_empty() || self.listed_in.iter().any(|f| net.scopes.get(f) == scope))
    }
}
