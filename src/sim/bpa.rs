//! VPC Block Public Access at internet and egress-only internet gateways (SEMANTICS.md §5.10,
//! IGW-10, BPA-1..5): whether the account's mode, with the exclusions of the VPC and of the
//! subnet holding the packet's VPC-side address, lets the packet through the gateway.
//!
//! Owns: the concrete BPA decision. Must not touch: `smt` (the encoder decides on its own, in
//! `smt/walk/bpa.rs`), the gateways' address rules (`gateway`), which run before this check.
//! What the input leaves uncertain about BPA (BPA-6) reaches the walk as an unsupported entry on
//! the VPC, checked by `gateway` before this.

use super::walk::{Halt, LegKind, Walker, dropped};
use crate::model::*;
use std::net::IpAddr;

impl<'n> Walker<'n> {
    /// BPA-1..5: lets the packet through gateway `gateway` (of `kind`) of `vpc`, or drops it with
    /// `VPC_BLOCK_PUBLIC_ACCESS_ENABLED`. `inside` is the packet's address on the VPC side (the
    /// private source before translation on the way out, the private destination after
    /// translation on the way in); `outbound` says the packet leaves the VPC.
    pub(super) fn bpa_gate(
        &self,
        gateway: &str,
        kind: ComponentKind,
        vpc: &VpcId,
        inside: &IpAddr,
        outbound: bool,
    ) -> Result<(), Halt> {
        let Some(bpa) = &self.net.block_public_access else {
            return Ok(());
        };
        if bpa.mode == BpaMode::Off {
            return Ok(());
        }
        // A connection is initiated from inside when its request leaves the VPC here (or its
        // reply comes back here).
        let from_inside = (self.leg == LegKind::Request) == outbound;
        let subnet = self.subnet_holding(vpc, inside);
        // BPA-4: the most permissive exclusion of the VPC and of the subnet.
        let mut excluded: Option<&BpaExclusion> = None;
        if bpa.exclusions_allowed {
            for e in bpa.exclusions.values() {
                let applies = match &e.resource {
                    BpaResource::Vpc(v) => v == vpc,
                    BpaResource::Subnet(s) => Some(s) == subnet,
                };
                let better = match excluded {
                    None => true,
                    Some(old) => {
                        old.mode == BpaExclusionMode::AllowEgress && e.mode == BpaExclusionMode::AllowBidirectional
                    }
                };
                if applies && better {
                    excluded = Some(e);
                }
            }
        }
        let nat = matches!(self.ix.private_owner(inside), Some(AddressOwner::NatGateway(_)));
        let eigw = kind == ComponentKind::EgressOnlyInternetGateway;
        let (allowed, rule) = match (bpa.mode, excluded.map(|e| e.mode)) {
            (BpaMode::Off, _) => (true, "BPA-1"),
            (_, Some(BpaExclusionMode::AllowBidirectional)) => (true, "BPA-2"),
            (BpaMode::BlockBidirectional, Some(BpaExclusionMode::AllowEgress)) => (from_inside, "BPA-2"),
            (BpaMode::BlockBidirectional, None) => (false, "BPA-2"),
            (BpaMode::BlockIngress, _) => (from_inside && (nat || eigw), "BPA-3"),
        };
        if allowed {
            return Ok(());
        }
        let place = match subnet {
            Some(s) => format!("{inside} (subnet `{s}` of `{vpc}`)"),
            None => format!("{inside} (in `{vpc}`)"),
        };
        let why = match (bpa.mode, excluded) {
            (BpaMode::BlockBidirectional, Some(e)) => format!(
                "exclusion `{}` ({}) lets out only connections initiated from inside, and this one was initiated from the internet",
                e.id,
                e.mode.as_str()
            ),
            (BpaMode::BlockBidirectional, None) => {
                "no exclusion (allow-bidirectional or allow-egress) covers it".to_owned()
            }
            _ if from_inside => {
                "only connections of NAT gateways and egress-only internet gateways, initiated from inside, pass, and no allow-bidirectional exclusion covers it".to_owned()
            }
            _ => "traffic initiated from the internet is blocked, and no allow-bidirectional exclusion covers it".to_owned(),
        };
        Err(dropped(
            gateway,
            kind,
            Some(if outbound {
                Direction::Outbound
            } else {
                Direction::Inbound
            }),
            rule,
            format!(
                "VPC Block Public Access is `{}` in this account and Region: {place} — {why}",
                bpa.mode.as_str()
            ),
            "VPC_BLOCK_PUBLIC_ACCESS_ENABLED",
        ))
    }
}
