//! The native spec's route tables and their routes (`[route_table.NAME]`): their lowering into the model, split from the parent module by
//! concern. Must not touch: other resources' tables.

use super::*;

impl<'t> Lower<'_, 't> {
    pub(super) fn route_table(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let vpc: Option<VpcId> = self.req_ref(&f, "vpc", Kind::Vpc);
        let main = f.bool("main", false);
        let subnets: Vec<SubnetId> = self.refs(&f, "subnets", Kind::Subnet);
        let propagating_vgws: Vec<VpnGatewayId> = self.refs(&f, "propagating_vgws", Kind::VpnGateway);
        let gateways: Vec<EdgeAssociation> = f
            .strs("edge_associations")
            .into_iter()
            .filter_map(|s| {
                self.reg.resolve(
                    &f,
                    &[Kind::InternetGateway, Kind::VpnGateway],
                    "edge association (internet or VPN gateway)",
                    "",
                    s,
                )
            })
            .map(|(k, id)| match k {
                Kind::InternetGateway => EdgeAssociation::InternetGateway(InternetGatewayId::new(id)),
                _ => EdgeAssociation::VpnGateway(VpnGatewayId::new(id)),
            })
            .collect();
        let mut routes = Vec::new();
        for (i, (table, at)) in f.tables("routes").unwrap_or_default().into_iter().enumerate() {
            let what = format!("route {} of route table `{}`", i + 1, d.name);
            let r = Fields::new(self.cx, &d.id, &what, table, at, ROUTE_KEYS);
            routes.extend(self.route(&r, &d.id, at));
        }
        let tags = f.tags(d.name);
        let Some(vpc) = vpc else { return };
        let id = RouteTableId::new(d.id.clone());
        let rt = RouteTable {
            id: id.clone(),
            vpc,
            main,
            subnets,
            gateways,
            routes,
            propagating_vgws,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(self.cx, &mut self.net.route_tables, id, rt, "route table", d.at);
    }

    /// One route (§2.3, §2.4): `destination` (a CIDR block) or `prefix_list`, a `target`, an
    /// optional `state` (RT-14) and `origin` (RT-15).
    pub(super) fn route(&self, f: &Fields<'_, 't>, rt: &str, at: usize) -> Option<Route> {
        let destination = match (f.has("destination"), f.has("prefix_list")) {
            (true, false) => f.cidr_at("destination", None).map(RouteDestination::Cidr),
            (false, true) => f
                .str("prefix_list")
                .and_then(|s| self.resolve_one(f, Kind::PrefixList, s))
                .map(|id| RouteDestination::PrefixList(PrefixListId::new(id))),
            (true, true) => {
                f.error(
                    f.offset_of("prefix_list"),
                    "a route has either `destination` or `prefix_list`, not both",
                );
                None
            }
            (false, false) => {
                f.cx.error(
                    "missing-key",
                    rt,
                    at,
                    "a route needs `destination` (a CIDR block) or `prefix_list`",
                );
                None
            }
        };
        let state = f.choice("state", &["active", "blackhole"]).map(|c| match c {
            Some("blackhole") => RouteState::Blackhole,
            _ => RouteState::Active,
        });
        let target = f
            .req_str("target")
            .and_then(|s| self.route_target(f, s, state == Some(RouteState::Blackhole)));
        let origin = f.choice("origin", &["static", "propagated"]);
        let (destination, target, state, origin) = (destination?, target?, state?, origin?);
        let origin = match origin {
            Some("propagated") => RouteOrigin::EnableVgwRoutePropagation,
            Some(_) => RouteOrigin::CreateRoute,
            None if target == RouteTarget::Local => RouteOrigin::CreateRouteTable,
            None => RouteOrigin::CreateRoute,
        };
        Some(Route {
            provenance: self.cx.provenance(rt, at).item(destination.to_string()),
            destination,
            target,
            state,
            origin,
        })
    }

    /// A route target: `local`, a declared gateway, instance, interface, peering or endpoint by
    /// name or id; the id of a deleted target when the route is a blackhole (RT-14); or the id of
    /// a target kind the model keeps but does not interpret (local gateway, carrier gateway, core
    /// network).
    pub(super) fn route_target(&self, f: &Fields<'_, 't>, s: Str<'t>, blackhole: bool) -> Option<RouteTarget> {
        let (text, _) = s;
        if text == "local" {
            return Some(RouteTarget::Local);
        }
        if self.reg.lookup(TARGET_KINDS, text).is_empty() {
            if let Some(t) = unmodelled_target(text) {
                return Some(t);
            }
            if blackhole && let Some(t) = target_by_prefix(text) {
                return Some(t);
            }
        }
        let hint = "; a route to a deleted target is written with its AWS id and `state = \"blackhole\"`";
        let (kind, id) = self.reg.resolve(f, TARGET_KINDS, "route target", hint, s)?;
        Some(match kind {
            Kind::InternetGateway => RouteTarget::InternetGateway(InternetGatewayId::new(id)),
            Kind::EgressOnlyInternetGateway => {
                RouteTarget::EgressOnlyInternetGateway(EgressOnlyInternetGatewayId::new(id))
            }
            Kind::NatGateway => RouteTarget::NatGateway(NatGatewayId::new(id)),
            Kind::Instance => RouteTarget::Instance(InstanceId::new(id)),
            Kind::Peering => RouteTarget::VpcPeeringConnection(VpcPeeringConnectionId::new(id)),
            Kind::VpcEndpoint => RouteTarget::VpcEndpoint(VpcEndpointId::new(id)),
            Kind::VpnGateway => RouteTarget::VpnGateway(VpnGatewayId::new(id)),
            Kind::TransitGateway => RouteTarget::TransitGateway(TransitGatewayId::new(id)),
            _ => RouteTarget::NetworkInterface(NetworkInterfaceId::new(id)),
        })
    }

    // ----- implicit objects ------------------------------------------------------------------
}
