//! The native spec's transit gateway tables (SEMANTICS.md §5.9): `[transit_gateway_attachment.NAME]`
//! and `[transit_gateway_route_table.NAME]`, lowered into `model::TgwTopology`.
//!
//! ```toml
//! [transit_gateway_attachment.spoke-a]
//! transit_gateway = "hub"
//! vpc = "spoke-a"
//! subnets = ["spoke-a-tgw"]        # one per Availability Zone (TGW-2)
//! route_table = "spokes"           # the associated table (TGW-4); none when absent
//! appliance_mode = false
//! state = "available"
//!
//! [transit_gateway_route_table.spokes]
//! transit_gateway = "hub"
//! propagations = ["shared"]        # attachments whose VPC blocks propagate in (TGW-5)
//! routes = [
//!   { destination = "10.2.99.0/24", blackhole = true },
//!   { destination = "0.0.0.0/0", attachment = "egress" },
//! ]
//!
//! [transit_gateway_peering.east-west]      # TGW-10
//! transit_gateways = ["east", "west"]
//! associations = [{ transit_gateway = "east", route_table = "east-rt" },
//!                 { transit_gateway = "west", route_table = "west-rt" }]
//! ```
//!
//! A route's `attachment` names a VPC attachment or a peering. A spec is the whole network: a
//! table's routes are known. Owns the keys of these two tables;
//! must not touch forwarding decisions.

use super::read::Fields;
use super::{Decl, Kind, Lower, insert_new};
use crate::model::*;

/// Keys of `[transit_gateway_attachment.NAME]`.
pub(super) const ATTACHMENT_KEYS: &[&str] = &[
    "id",
    "transit_gateway",
    "vpc",
    "subnets",
    "route_table",
    "appliance_mode",
    "state",
    "tags",
];

/// Keys of `[transit_gateway_route_table.NAME]`.
pub(super) const ROUTE_TABLE_KEYS: &[&str] = &["id", "transit_gateway", "propagations", "routes", "tags"];

/// Keys of `[transit_gateway_peering.NAME]`.
pub(super) const PEERING_KEYS: &[&str] = &["id", "transit_gateways", "associations", "state", "tags"];

/// Keys of one side's association of a peering.
const PEERING_ASSOCIATION_KEYS: &[&str] = &["transit_gateway", "route_table"];

/// Keys of one transit gateway route.
const TGW_ROUTE_KEYS: &[&str] = &["destination", "attachment", "blackhole", "propagated"];

impl<'t> Lower<'_, 't> {
    pub(super) fn tgw_attachment(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let tgw: Option<TransitGatewayId> = self.req_ref(&f, "transit_gateway", Kind::TransitGateway);
        let vpc: Option<VpcId> = self.req_ref(&f, "vpc", Kind::Vpc);
        let subnets: Vec<SubnetId> = self.refs(&f, "subnets", Kind::Subnet);
        let route_table: Option<Option<TgwRouteTableId>> = f.opt("route_table", |s| {
            self.resolve_one(&f, Kind::TgwRouteTable, s).map(TgwRouteTableId::new)
        });
        let appliance_mode = f.bool("appliance_mode", false);
        let state = f
            .opt("state", |(s, _)| Some(s.trim().to_ascii_lowercase()))
            .flatten()
            .unwrap_or_else(|| "available".into());
        let (Some(tgw), Some(vpc), Some(route_table)) = (tgw, vpc, route_table) else {
            return;
        };
        for s in &subnets {
            if self.net.subnets.get(s).is_some_and(|x| x.vpc != vpc) {
                f.error(
                    f.offset_of("subnets"),
                    format!("subnet `{s}` is not in `{vpc}`: an attachment's subnets are in its VPC"),
                );
                return;
            }
        }
        if let Some(t) = self.net.transit_gateways.get_mut(&tgw)
            && !t.vpcs.contains(&vpc)
        {
            t.vpcs.push(vpc.clone());
            t.vpcs.sort();
        }
        let id = TgwAttachmentId::new(d.id.clone());
        let a = TgwAttachment {
            id: id.clone(),
            tgw,
            resource: TgwAttachmentResource::Vpc { vpc, subnets },
            state,
            appliance_mode,
            association: Some(route_table),
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(
            self.cx,
            &mut self.net.tgw.attachments,
            id,
            a,
            "transit gateway attachment",
            d.at,
        );
    }

    pub(super) fn tgw_route_table(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let tgw: Option<TransitGatewayId> = self.req_ref(&f, "transit_gateway", Kind::TransitGateway);
        let propagations: Vec<TgwAttachmentId> = self.refs(&f, "propagations", Kind::TgwAttachment);
        let mut routes = Vec::new();
        for (i, (table, at)) in f.tables("routes").unwrap_or_default().into_iter().enumerate() {
            let what = format!("route {} of transit gateway route table `{}`", i + 1, d.name);
            let r = Fields::new(self.cx, &d.id, &what, table, at, TGW_ROUTE_KEYS);
            let Some(dest) = r.cidr_at("destination", None) else {
                if !r.has("destination") {
                    r.error(at, "a transit gateway route needs `destination` (a CIDR block)");
                }
                continue;
            };
            let blackhole = r.bool("blackhole", false);
            let target = match (blackhole, r.str("attachment")) {
                (true, None) => TgwRouteTarget::Blackhole,
                (false, Some(s)) => {
                    let kinds = [Kind::TgwAttachment, Kind::TgwPeering];
                    match self.reg.resolve(&r, &kinds, "attachment", "", s) {
                        Some((_, a)) => TgwRouteTarget::Attachments(vec![TgwAttachmentId::new(a)]),
                        None => continue,
                    }
                }
                (true, Some(_)) => {
                    r.error(r.offset_of("attachment"), "a blackhole route has no `attachment`");
                    continue;
                }
                (false, None) => {
                    r.error(at, "a transit gateway route needs `attachment` or `blackhole = true`");
                    continue;
                }
            };
            let route_type = if r.bool("propagated", false) {
                TgwRouteType::Propagated
            } else {
                TgwRouteType::Static
            };
            routes.push(TgwRoute {
                destination: TgwRouteDestination::Cidr(dest),
                target,
                route_type,
                provenance: self.cx.provenance(&d.id, at).item(dest.to_string()),
            });
        }
        let tags = f.tags(d.name);
        let Some(tgw) = tgw else { return };
        let id = TgwRouteTableId::new(d.id.clone());
        let t = TgwRouteTable {
            id: id.clone(),
            tgw,
            propagations,
            routes,
            routes_known: true,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(
            self.cx,
            &mut self.net.tgw.route_tables,
            id,
            t,
            "transit gateway route table",
            d.at,
        );
    }

    pub(super) fn tgw_peering(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let tgws: Vec<TransitGatewayId> = self.refs(&f, "transit_gateways", Kind::TransitGateway);
        let state = f
            .opt("state", |(s, _)| Some(s.trim().to_ascii_lowercase()))
            .flatten()
            .unwrap_or_else(|| "available".into());
        let [a, b] = tgws.as_slice() else {
            if f.has("transit_gateways") {
                f.error(
                    f.offset_of("transit_gateways"),
                    "a peering joins exactly two transit gateways",
                );
            } else {
                f.cx.error("missing-key", &d.id, d.at, "missing required key `transit_gateways`");
            }
            return;
        };
        let mut associations = std::collections::BTreeMap::new();
        for (i, (table, at)) in f.tables("associations").unwrap_or_default().into_iter().enumerate() {
            let what = format!("association {} of peering `{}`", i + 1, d.name);
            let r = Fields::new(self.cx, &d.id, &what, table, at, PEERING_ASSOCIATION_KEYS);
            let tgw: Option<TransitGatewayId> = self.req_ref(&r, "transit_gateway", Kind::TransitGateway);
            let rt: Option<TgwRouteTableId> = self.req_ref(&r, "route_table", Kind::TgwRouteTable);
            let (Some(tgw), Some(rt)) = (tgw, rt) else { continue };
            if &tgw != a && &tgw != b {
                r.error(
                    r.offset_of("transit_gateway"),
                    format!("`{tgw}` is not one of the peering's transit gateways"),
                );
                continue;
            }
            associations.insert(tgw, Some(rt));
        }
        // A side the spec does not associate has no association (the spec is the whole network).
        for t in [a, b] {
            associations.entry(t.clone()).or_insert(None);
        }
        let id = TgwAttachmentId::new(d.id.clone());
        if self.net.tgw.attachments.contains_key(&id) {
            f.cx.error(
                "duplicate-id",
                &d.id,
                d.at,
                format!("`{id}` is already the id of a transit gateway attachment of this spec"),
            );
            return;
        }
        let pc = TgwPeering {
            id: id.clone(),
            tgws: [a.clone(), b.clone()],
            state,
            associations,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(
            self.cx,
            &mut self.net.tgw.peerings,
            id,
            pc,
            "transit gateway peering attachment",
            d.at,
        );
    }
}
