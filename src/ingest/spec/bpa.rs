//! The spec's `[block_public_access]` table: VPC Block Public Access of the account and Region
//! (IGW-10, BPA-1..5; `specs/README.md`).
//!
//! ```toml
//! [block_public_access]
//! mode = "block-bidirectional"   # off | block-bidirectional | block-ingress
//! exclusions_allowed = true      # optional; false: an Organization forbids exclusions
//!
//! [[block_public_access.exclusion]]
//! vpc = "lab"                    # or subnet = "public": exactly one, by name or id
//! mode = "allow-egress"          # allow-bidirectional | allow-egress
//! id = "vpcbpa-exclude-web"      # optional; derived from the position otherwise
//! ```
//!
//! Owns: reading that table into [`BlockPublicAccess`]. Every problem is an error diagnostic at
//! the offending key; the table (or exclusion) it spoils is left out. A spec declares what is in
//! effect, so nothing here is uncertain (BPA-6 has no spec side).

use super::read::{Fields, type_name};
use super::{Kind, Lower};
use crate::model::*;
use std::collections::BTreeMap;
use toml::de::DeValue;

/// The top-level table's name.
pub(super) const TABLE: &str = "block_public_access";

impl<'t> Lower<'_, 't> {
    /// First pass: keeps the table for [`Self::block_public_access`].
    pub(super) fn collect_bpa(&mut self, value: &'t toml::Spanned<DeValue<'t>>) {
        match value.get_ref() {
            DeValue::Table(t) => self.bpa = Some((t, value.span().start)),
            other => self.cx.error(
                "wrong-type",
                "",
                value.span().start,
                format!("`{TABLE}` must be a table, as in `[{TABLE}]`, not {}", type_name(other)),
            ),
        }
    }

    /// Second pass, after the VPCs and subnets: the mode and the exclusions.
    pub(super) fn block_public_access(&mut self) {
        let Some((table, at)) = self.bpa else { return };
        let f = Fields::new(
            self.cx,
            TABLE,
            "`[block_public_access]`",
            table,
            at,
            &["mode", "exclusions_allowed", "exclusion"],
        );
        let mode = match f.req_str("mode") {
            Some(_) => f.choice("mode", &["off", "block-bidirectional", "block-ingress"]),
            None => None,
        };
        let mode = match mode {
            Some(Some("off")) => BpaMode::Off,
            Some(Some("block-bidirectional")) => BpaMode::BlockBidirectional,
            Some(Some("block-ingress")) => BpaMode::BlockIngress,
            _ => return,
        };
        let exclusions_allowed = f.bool("exclusions_allowed", true);
        let mut exclusions = BTreeMap::new();
        for (i, (t, eat)) in f.tables("exclusion").unwrap_or_default().into_iter().enumerate() {
            let fallback = format!("vpcbpa-exclude-{}", i + 1);
            let e = Fields::new(
                self.cx,
                &fallback,
                "a Block Public Access exclusion",
                t,
                eat,
                &["vpc", "subnet", "mode", "id"],
            );
            let resource = match (e.has("vpc"), e.has("subnet")) {
                (true, false) => self.req_ref(&e, "vpc", Kind::Vpc).map(BpaResource::Vpc),
                (false, true) => self.req_ref(&e, "subnet", Kind::Subnet).map(BpaResource::Subnet),
                _ => {
                    e.error(
                        eat,
                        "a Block Public Access exclusion names exactly one of `vpc` and `subnet`",
                    );
                    None
                }
            };
            let emode = match e.req_str("mode") {
                Some(_) => match e.choice("mode", &["allow-bidirectional", "allow-egress"]) {
                    Some(Some("allow-bidirectional")) => Some(BpaExclusionMode::AllowBidirectional),
                    Some(Some("allow-egress")) => Some(BpaExclusionMode::AllowEgress),
                    _ => None,
                },
                None => None,
            };
            let id = e
                .str("id")
                .map(|(s, _)| s.trim().to_owned())
                .unwrap_or(fallback.clone());
            let (Some(resource), Some(emode)) = (resource, emode) else {
                continue;
            };
            if exclusions.contains_key(&id) {
                e.error(eat, format!("Block Public Access exclusion id `{id}` is used twice"));
                continue;
            }
            exclusions.insert(
                id.clone(),
                BpaExclusion {
                    id: id.clone(),
                    resource,
                    mode: emode,
                    provenance: self.cx.provenance(&id, eat),
                },
            );
        }
        self.net.block_public_access = Some(BlockPublicAccess {
            mode,
            exclusions_allowed,
            exclusions,
            provenance: self.cx.provenance(TABLE, at),
        });
    }
}
