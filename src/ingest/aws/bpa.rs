//! VPC Block Public Access in a snapshot (IGW-10, BPA-1..6): `describe-vpc-block-public-access-options`
//! (`VpcBlockPublicAccessOptions`, one object), `describe-vpc-block-public-access-exclusions`
//! (`VpcBlockPublicAccessExclusions`, a list), and the per-VPC and per-subnet
//! `BlockPublicAccessStates` of `describe-vpcs` / `describe-subnets`.
//!
//! Owns: reading these into [`BlockPublicAccess`], and BPA-6: what they leave uncertain (a mode
//! or an exclusion being changed, exclusions not in the snapshot, a VPC whose state says BPA is
//! on while the options are not in the snapshot) becomes an unsupported entry on each VPC it may
//! concern, so that internet and egress-only gateway traffic there answers unknown. Runs after
//! every resource list is lowered (it needs the subnets' VPCs).

use super::json::{Bad, Obj, R, describe};
use super::{Loc, Lower};
use crate::model::{
    BlockPublicAccess, BpaExclusion, BpaExclusionMode, BpaMode, BpaResource, Diagnostic, Provenance, Unsupported, VpcId,
};
use serde_json::Value;
use std::collections::BTreeMap;

/// What the documents said, gathered while the other lists are lowered.
#[derive(Debug, Default)]
pub(super) struct Gathered {
    /// `VpcBlockPublicAccessOptions` documents: file and value.
    pub options: Vec<(String, Value)>,
    /// `VpcBlockPublicAccessExclusions` lists: file and value.
    pub exclusions: Vec<(String, Value)>,
    /// Non-`off` `BlockPublicAccessStates` of VPCs and subnets: resource, mode, provenance.
    pub states: Vec<(String, String, Provenance)>,
}

fn mode_of(text: &str) -> R<BpaMode> {
    match text {
        "off" => Ok(BpaMode::Off),
        "block-bidirectional" => Ok(BpaMode::BlockBidirectional),
        "block-ingress" => Ok(BpaMode::BlockIngress),
        other => Err(Bad::invalid(format!(
            "`InternetGatewayBlockMode` is `{other}`, not one of off, block-bidirectional, block-ingress"
        ))),
    }
}

fn exclusion_mode_of(text: &str) -> R<BpaExclusionMode> {
    match text {
        "allow-bidirectional" => Ok(BpaExclusionMode::AllowBidirectional),
        "allow-egress" => Ok(BpaExclusionMode::AllowEgress),
        other => Err(Bad::invalid(format!(
            "`InternetGatewayExclusionMode` is `{other}`, not allow-bidirectional or allow-egress"
        ))),
    }
}

/// The VPC or subnet of an exclusion's `ResourceArn` (`arn:aws:ec2:<region>:<account>:vpc/vpc-…`
/// or `…:subnet/subnet-…`).
fn resource_of(arn: &str) -> R<BpaResource> {
    let tail = arn.rsplit(':').next().unwrap_or_default();
    match tail.split_once('/') {
        Some(("vpc", id)) if id.starts_with("vpc-") => Ok(BpaResource::Vpc(id.into())),
        Some(("subnet", id)) if id.starts_with("subnet-") => Ok(BpaResource::Subnet(id.into())),
        _ => Err(Bad::invalid(format!(
            "`ResourceArn` `{arn}` names neither a VPC (`…:vpc/vpc-…`) nor a subnet (`…:subnet/subnet-…`)"
        ))),
    }
}

/// An exclusion's state: `Some(true)` active, `Some(false)` no effect, `None` being changed.
fn exclusion_active(state: Option<&str>) -> Option<bool> {
    match state {
        None | Some("create-complete") | Some("update-complete") => Some(true),
        Some("create-failed") | Some("delete-complete") | Some("disable-complete") => Some(false),
        _ => None,
    }
}

impl Lower {
    /// Records a VPC's or subnet's `BlockPublicAccessStates` when it is not `off`.
    pub(super) fn bpa_state(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let mode = match o.obj("BlockPublicAccessStates")? {
            Some(b) => b.str("InternetGatewayBlockMode")?,
            None => None,
        };
        if let Some(mode) = mode
            .map(str::trim)
            // `bidirectional-access-allowed`: an earlier spelling of `off` (boto3 1.35 documents
            // `bidirectional-access-allowed`, `bidirectional-access-blocked`, `ingress-access-blocked`).
            .filter(|m| {
                !m.is_empty()
                    && !m.eq_ignore_ascii_case("off")
                    && !m.eq_ignore_ascii_case("bidirectional-access-allowed")
            })
        {
            self.bpa
                .states
                .push((loc.resource.to_owned(), mode.to_owned(), loc.provenance()));
        }
        Ok(())
    }

    /// The VPC of a VPC or subnet id.
    fn vpc_of_resource(&self, resource: &str) -> Option<VpcId> {
        if resource.starts_with("subnet-") {
            self.net.subnets.get(&resource.into()).map(|s| s.vpc.clone())
        } else {
            Some(VpcId::from(resource))
        }
    }

    /// Marks `vpcs` unsupported for BPA-6 with `reason`.
    fn bpa_uncertain(&mut self, vpcs: &[VpcId], reason: &str, provenance: &Provenance) {
        for v in vpcs {
            self.net.unsupported.push(Unsupported {
                component: v.to_string(),
                reason: format!("`{v}`: {reason} (BPA-6)"),
                provenance: provenance.clone(),
            });
        }
    }

    /// Builds [`BlockPublicAccess`] from what was gathered (see the module header).
    pub(super) fn block_public_access(&mut self) {
        let g = std::mem::take(&mut self.bpa);
        let all_vpcs: Vec<VpcId> = self.net.vpcs.keys().cloned().collect();
        let vpc_of = |net: &crate::model::Network, r: &BpaResource| -> Option<VpcId> {
            match r {
                BpaResource::Vpc(v) => Some(v.clone()),
                BpaResource::Subnet(s) => net.subnets.get(s).map(|s| s.vpc.clone()),
            }
        };
        let mut options: Option<BlockPublicAccess> = None;
        for (file, value) in &g.options {
            let loc = Loc {
                file,
                resource: "VpcBlockPublicAccessOptions",
            };
            if options.is_some() {
                self.diags.push(
                    Diagnostic::error(
                        "duplicate-resource",
                        "`VpcBlockPublicAccessOptions` appears twice in the snapshot: only the first is used",
                    )
                    .in_file(file.as_str()),
                );
                continue;
            }
            let read = (|| -> R<(BpaMode, Option<String>, bool)> {
                let o = Obj::of(value, "VpcBlockPublicAccessOptions")?;
                let mode = mode_of(o.req_str("InternetGatewayBlockMode")?)?;
                let state = o.str("State")?.map(str::to_owned);
                let allowed = o.str("ExclusionsAllowed")? != Some("not-allowed");
                Ok((mode, state, allowed))
            })();
            let Some((mode, state, exclusions_allowed)) = self.entry(loc, read, "Block Public Access options skipped")
            else {
                continue;
            };
            let provenance = loc.provenance();
            if state.as_deref() == Some("update-in-progress") {
                self.bpa_uncertain(
                    &all_vpcs,
                    "the account's VPC Block Public Access mode is being changed (`update-in-progress`)",
                    &provenance,
                );
            }
            options = Some(BlockPublicAccess {
                mode,
                exclusions_allowed,
                exclusions: BTreeMap::new(),
                provenance,
            });
        }
        let mut exclusions: BTreeMap<String, BpaExclusion> = BTreeMap::new();
        for (file, value) in &g.exclusions {
            let Value::Array(items) = value else {
                self.diags.push(
                    Diagnostic::error(
                        "wrong-type",
                        format!(
                            "`VpcBlockPublicAccessExclusions` should be a list, not {}: skipped",
                            describe(value)
                        ),
                    )
                    .in_file(file.as_str()),
                );
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                let pos = format!("VpcBlockPublicAccessExclusions[{i}]");
                let Some((o, id)) = self.open(file, &pos, item, "ExclusionId", "Block Public Access exclusion") else {
                    continue;
                };
                let loc = Loc { file, resource: id };
                let read = (|| -> R<(BpaResource, BpaExclusionMode, Option<&str>)> {
                    let resource = resource_of(o.req_str("ResourceArn")?)?;
                    let mode = exclusion_mode_of(o.req_str("InternetGatewayExclusionMode")?)?;
                    Ok((resource, mode, o.str("State")?))
                })();
                let Some((resource, mode, state)) = self.entry(loc, read, "Block Public Access exclusion skipped")
                else {
                    continue;
                };
                match exclusion_active(state) {
                    Some(true) => {
                        exclusions.insert(
                            id.to_owned(),
                            BpaExclusion {
                                id: id.to_owned(),
                                resource,
                                mode,
                                provenance: loc.provenance(),
                            },
                        );
                    }
                    Some(false) => {}
                    None => {
                        let vpcs: Vec<VpcId> = vpc_of(&self.net, &resource).into_iter().collect();
                        self.bpa_uncertain(
                            &vpcs,
                            &format!(
                                "Block Public Access exclusion `{id}` is in state `{}`, so whether it applies is not known",
                                state.unwrap_or_default()
                            ),
                            &loc.provenance(),
                        );
                    }
                }
            }
        }
        match options {
            Some(mut bpa) => {
                if bpa.mode != BpaMode::Off && g.exclusions.is_empty() && bpa.exclusions_allowed {
                    let provenance = bpa.provenance.clone();
                    self.bpa_uncertain(
                        &all_vpcs,
                        &format!(
                            "VPC Block Public Access is `{}` but the snapshot has no `describe-vpc-block-public-access-exclusions` output, which says what it exempts",
                            bpa.mode.as_str()
                        ),
                        &provenance,
                    );
                }
                // The account's mode is off, yet `describe-vpcs` / `describe-subnets` say BPA is
                // on somewhere: the outputs were taken at different times.
                if bpa.mode == BpaMode::Off {
                    for (resource, mode, provenance) in &g.states {
                        let vpcs: Vec<VpcId> = self.vpc_of_resource(resource).into_iter().collect();
                        self.bpa_uncertain(
                            &vpcs,
                            &format!(
                                "`{resource}` has VPC Block Public Access `{mode}` while the account's options say `off`: the outputs disagree"
                            ),
                            provenance,
                        );
                    }
                }
                bpa.exclusions = exclusions;
                self.net.block_public_access = Some(bpa);
            }
            None => {
                // Per-resource states without the account's options: on, but how is not known.
                for (resource, mode, provenance) in &g.states {
                    let vpcs: Vec<VpcId> = self.vpc_of_resource(resource).into_iter().collect();
                    self.bpa_uncertain(
                        &vpcs,
                        &format!(
                            "`{resource}` has VPC Block Public Access `{mode}`, but the snapshot has no `describe-vpc-block-public-access-options` (and `-exclusions`) output, which says what it blocks"
                        ),
                        provenance,
                    );
                }
                if !exclusions.is_empty() {
                    self.diags.push(Diagnostic::warning(
                        "bpa-without-options",
                        "Block Public Access exclusions without `describe-vpc-block-public-access-options`: the account's mode is taken to be off",
                    ));
                }
            }
        }
    }
}
