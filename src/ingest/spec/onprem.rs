//! The spec's `[[onprem]]` tables: on-premises networks behind a virtual private gateway, whose
//! prefixes no configuration lists (BGP-learned over a VPN or Direct Connect; SEMANTICS.md
//! §5.11, ONP-1 and ONP-4).
//!
//! ```toml
//! [[onprem]]
//! name = "corp"
//! cidrs = ["192.168.0.0/16", "172.20.0.0/14"]
//! via = "corp-vgw"            # optional: a virtual private gateway (name or id) or a VPN
//!                             # connection id; behind every virtual private gateway when absent
//!
//! [vpn_connection.corp]       # id vpn-corp unless `id` says otherwise
//! vpn_gateway = "corp-vgw"    # name or id
//! routes = ["192.168.0.0/16"] # static routes, in state available (ONP-1)
//! tunnels = ["UP", "DOWN"]    # optional; every one DOWN carries nothing (ONP-3)
//! state = "available"         # optional
//! ```
//!
//! Owns: reading those tables into [`OnPremNetwork`]s and [`VpnConnection`]s. Every problem is an error diagnostic at the
//! offending key; the network it spoils is left out. Must not touch forwarding decisions.

use super::read::{Fields, type_name};
use super::{Kind, Lower};
use crate::model::*;
use toml::de::DeValue;

/// The top-level array's name.
pub(super) const TABLE: &str = "onprem";

/// The VPN connections' top-level table.
pub(super) const VPN_TABLE: &str = "vpn_connection";

/// Keys of `[vpn_connection.NAME]`.
const VPN_KEYS: &[&str] = &[
    "id",
    "vpn_gateway",
    "transit_gateway",
    "customer_gateway",
    "state",
    "routes",
    "tunnels",
    "static_routes_only",
    "local_cidr",
    "remote_cidr",
    "tags",
];

/// The tables this module reads, kept by the first pass.
#[derive(Debug, Default)]
pub(super) struct Tables<'t> {
    networks: Option<&'t toml::Spanned<DeValue<'t>>>,
    vpn_connections: Option<&'t toml::Spanned<DeValue<'t>>>,
}

impl<'t> Tables<'t> {
    /// First pass: keeps `value` when `table` is one of this module's; true when it is.
    pub(super) fn collect(&mut self, table: &str, value: &'t toml::Spanned<DeValue<'t>>) -> bool {
        match table {
            TABLE => self.networks = Some(value),
            VPN_TABLE => self.vpn_connections = Some(value),
            _ => return false,
        }
        true
    }
}

impl<'t> Lower<'_, 't> {
    /// Second pass, after the gateways: the VPN connections, then the networks (which may name
    /// a connection).
    pub(super) fn onprem(&mut self) {
        if let Some(v) = self.onprem.vpn_connections {
            self.vpn_connections(v);
        }
        if let Some(v) = self.onprem.networks {
            self.onprem_networks(v);
        }
    }

    /// Reads every `[[onprem]]` table (after the gateways, which `via` names).
    fn onprem_networks(&mut self, value: &'t toml::Spanned<DeValue<'t>>) {
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
                Some((v, _)) if self.net.onprem.vpn_connections.contains_key(v) => Some(v.to_owned()),
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

    /// Reads every `[vpn_connection.NAME]` table (after the gateways, which it names).
    fn vpn_connections(&mut self, value: &'t toml::Spanned<DeValue<'t>>) {
        let DeValue::Table(items) = value.get_ref() else {
            self.cx.error(
                "wrong-type",
                "",
                value.span().start,
                format!(
                    "`{VPN_TABLE}` must hold VPN connections keyed by name, as in `[{VPN_TABLE}.NAME]`, not {}",
                    type_name(value.get_ref())
                ),
            );
            return;
        };
        for (name_key, body) in items.iter() {
            let name: &str = name_key.get_ref();
            let at = body.span().start;
            let DeValue::Table(t) = body.get_ref() else {
                self.cx.error(
                    "wrong-type",
                    name,
                    at,
                    format!(
                        "`[{VPN_TABLE}.{name}]` must be a table, not {}",
                        type_name(body.get_ref())
                    ),
                );
                continue;
            };
            let f = Fields::new(self.cx, name, "a VPN connection", t, at, VPN_KEYS);
            let id = f.str("id").map_or_else(|| format!("vpn-{name}"), |(s, _)| s.to_owned());
            let gateway = match (f.str("vpn_gateway"), f.str("transit_gateway")) {
                (Some(s), None) => match self.resolve_one(&f, Kind::VpnGateway, s) {
                    Some(g) => OnPremGateway::Vgw(g),
                    None => continue,
                },
                (None, Some((s, _))) => OnPremGateway::Tgw(s.to_owned()),
                _ => {
                    f.error(
                        at,
                        format!("VPN connection `{name}` needs exactly one of `vpn_gateway` and `transit_gateway`"),
                    );
                    continue;
                }
            };
            let mut tunnels = Vec::new();
            for (s, sat) in f.strs("tunnels") {
                let up = s.trim().to_ascii_uppercase();
                if up != "UP" && up != "DOWN" {
                    f.error(sat, format!("tunnel status `{s}` is neither UP nor DOWN"));
                    continue;
                }
                tunnels.push(up);
            }
            let c = VpnConnection {
                id: id.clone(),
                gateway: Some(gateway),
                customer_gateway: f.str("customer_gateway").map(|(s, _)| s.to_owned()),
                state: f
                    .str("state")
                    .map_or_else(|| "available".to_owned(), |(s, _)| s.trim().to_ascii_lowercase()),
                static_routes_only: f.has("static_routes_only").then(|| f.bool("static_routes_only", true)),
                local_cidr: f.cidr_at("local_cidr", Some(IpFamily::V4)),
                remote_cidr: f.cidr_at("remote_cidr", Some(IpFamily::V4)),
                routes: f
                    .cidrs("routes", None)
                    .into_iter()
                    .map(|cidr| VpnStaticRoute {
                        cidr,
                        state: "available".into(),
                    })
                    .collect(),
                tunnels,
                tags: f.tags(name),
                provenance: self.cx.provenance(&id, at),
            };
            if self.net.onprem.vpn_connections.contains_key(&id) {
                f.error(at, format!("VPN connection id `{id}` is used twice"));
                continue;
            }
            self.net.onprem.vpn_connections.insert(id, c);
        }
    }
}
