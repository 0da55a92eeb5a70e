//! `aws_vpc_block_public_access_options` and `aws_vpc_block_public_access_exclusion`: VPC Block
//! Public Access of the plan's account and Region (IGW-10, BPA-1..6, SEMANTICS.md §5.10).
//!
//! Owns: lowering them into [`BlockPublicAccess`]. A plan without the options resource has BPA
//! off, as the plan is the whole network it describes. A mode or exclusion mode unknown until
//! apply is BPA-6: the VPCs it may concern are recorded unsupported (internet and egress-only
//! gateway traffic there answers unknown). An exclusion's `vpc_id` / `subnet_id` resolve like
//! any reference (`need`).

use super::vpc::need;
use super::{Kind, Lx, Obj, Val};
use crate::model::{
    BlockPublicAccess, BpaExclusion, BpaExclusionMode, BpaMode, BpaResource, SubnetId, Unsupported, VpcId,
};
use std::collections::BTreeMap;

/// Records BPA-6 on `vpcs`.
fn uncertain(lx: &mut Lx<'_>, vpcs: Vec<VpcId>, address: &str, what: &str) {
    for v in vpcs {
        lx.net.unsupported.push(Unsupported {
            component: v.to_string(),
            reason: format!("`{v}`: {what} of `{address}` is unknown until apply (BPA-6)"),
            provenance: crate::model::Provenance::resource(lx.file, address),
        });
    }
}

/// Lowers the options and the exclusions (after VPCs and subnets).
pub fn block_public_access(lx: &mut Lx<'_>) {
    let options: Vec<_> = lx.of_type("aws_vpc_block_public_access_options").collect();
    let Some(first) = options.first().copied() else {
        return;
    };
    if options.len() > 1 {
        lx.warn(
            "duplicate-resource",
            &first.address,
            format!(
                "the plan has {} `aws_vpc_block_public_access_options`; an account has one setting per Region: only `{}` is used",
                options.len(),
                first.address
            ),
        );
    }
    let all_vpcs: Vec<VpcId> = lx.net.vpcs.keys().cloned().collect();
    let o = Obj::of(first);
    let mode = match o.s("internet_gateway_block_mode") {
        Val::Known(m) => match m.as_str() {
            "off" => BpaMode::Off,
            "block-bidirectional" => BpaMode::BlockBidirectional,
            "block-ingress" => BpaMode::BlockIngress,
            other => {
                lx.error(
                    "invalid-value",
                    &first.address,
                    format!(
                        "`{}`: `internet_gateway_block_mode` is `{other}`, not off, block-bidirectional or block-ingress",
                        first.address
                    ),
                );
                return;
            }
        },
        Val::Unknown => {
            uncertain(lx, all_vpcs, &first.address, "the Block Public Access mode");
            BpaMode::Off
        }
        Val::Absent => {
            lx.error(
                "missing-field",
                &first.address,
                format!("`{}` sets no `internet_gateway_block_mode`", first.address),
            );
            return;
        }
    };
    let mut exclusions = BTreeMap::new();
    for e in lx.of_type("aws_vpc_block_public_access_exclusion").collect::<Vec<_>>() {
        let eo = Obj::of(e);
        let resource = if eo.s("subnet_id") != Val::Absent {
            need(lx, e, eo, &["subnet_id"], &[Kind::Subnet]).map(|s| BpaResource::Subnet(SubnetId::new(s)))
        } else {
            need(lx, e, eo, &["vpc_id"], &[Kind::Vpc]).map(|v| BpaResource::Vpc(VpcId::new(v)))
        };
        let Some(resource) = resource else { continue };
        let vpc = match &resource {
            BpaResource::Vpc(v) => Some(v.clone()),
            BpaResource::Subnet(s) => lx.net.subnets.get(s).map(|s| s.vpc.clone()),
        };
        let emode = match eo.s("internet_gateway_exclusion_mode") {
            Val::Known(m) if m == "allow-bidirectional" => BpaExclusionMode::AllowBidirectional,
            Val::Known(m) if m == "allow-egress" => BpaExclusionMode::AllowEgress,
            Val::Known(other) => {
                lx.error(
                    "invalid-value",
                    &e.address,
                    format!(
                        "`{}`: `internet_gateway_exclusion_mode` is `{other}`, not allow-bidirectional or allow-egress",
                        e.address
                    ),
                );
                continue;
            }
            Val::Unknown => {
                uncertain(lx, vpc.into_iter().collect(), &e.address, "the exclusion mode");
                continue;
            }
            Val::Absent => {
                lx.error(
                    "missing-field",
                    &e.address,
                    format!("`{}` sets no `internet_gateway_exclusion_mode`", e.address),
                );
                continue;
            }
        };
        let id = lx.id(&e.address);
        exclusions.insert(
            id.clone(),
            BpaExclusion {
                id,
                resource,
                mode: emode,
                provenance: lx.prov(e),
            },
        );
    }
    lx.net.block_public_access = Some(BlockPublicAccess {
        mode,
        exclusions_allowed: true,
        exclusions,
        provenance: lx.prov(first),
    });
}
