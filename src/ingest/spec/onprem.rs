//! The spec's `[[onprem]]` tables: on-premises networks behind a virtual private gateway, whose
//! prefixes no configuration lists (BGP-learned over a VPN or Direct Connect; SEMANTICS.md
//! §5.12, ONP-1 and ONP-4).
//!
//! ```toml
//! [[onprem]]
//! name = "corp"
//! cidrs = ["192.168.0.0/16", "172.20.0.0/14"]
//! via = "corp-vgw"            # optional: a virtual private gateway (name or id); every one when absent
//! ```
//!
//! Owns: reading those tables into [`OnPremNetwork`]s. Every problem is an error diagnostic at the
//! offending key; the network it spoils is left out. Must not touch forwarding decisions.

use super::read::{Fields, type_name};
use super::{Kind, Lower};
use crate::model::*;
use toml::de::DeValue;

/// The top-level array's name.
pub(super) const TABLE: &str = "onprem";

impl<'t> Lower<'_, 't> {
    /// Reads every `[[onprem]]` table (after the gateways, which `via` names).
    pub(super) fn onprem_networks(&mut self, value: &'t toml::Spanned<DeValue<'t>>) {
        let DeValue::Array(items) = value.get_ref() else {
            self.cx.error(
                "wrong-type",
                "",
                value.span().start,
                format!(
                    "`{TABLE}` must be a list of tables, as in `[[{TABLE}]]`, not {}",
                    type_name(value.get_ref())
                ),
            );
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let at = item.span().start;
            let DeValue::Table(t) = item.get_ref() else {
                self.cx.error(
                    "wrong-type",
                    "",
                    at,
                    format!("each `[[{TABLE}]]` must be a table, not {}", type_name(item.get_ref())),
                );
                continue;
            };
            let fallback = format!("onprem[{i}]");
            let f = Fields::new(
                self.cx,
                &fallback,
                "an on-premises network",
                t,
                at,
                &["name", "cidrs", "via"],
            );
            let Some((name, _)) = f.req_str("name") else { continue };
            let cidrs = f.cidrs("cidrs", None);
            if cidrs.is_empty() {
                f.error(
                    f.offset_of("cidrs"),
                    format!("on-premises network `{name}` needs `cidrs`, a list of blocks"),
                );
                continue;
            }
            let via = match f.str("via") {
                None => None,
                Some(s) => match self.resolve_one(&f, Kind::VpnGateway, s) {
                    Some(id) => Some(id),
                    None => continue,
                },
            };
            if self.net.onprem.network(name).is_some() {
                f.error(at, format!("on-premises network `{name}` is declared twice"));
                continue;
            }
            self.net.onprem.networks.push(OnPremNetwork {
                name: name.to_owned(),
                cidrs,
                via,
                provenance: self.cx.provenance(name, at),
            });
        }
    }
}
