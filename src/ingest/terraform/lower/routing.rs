//! Route tables, routes and associations (SEMANTICS.md §6): `aws_route_table` with its
//! inline `route` set, `aws_default_route_table` (adopts the VPC's main table, RT-2),
//! `aws_route`, `aws_route_table_association` (subnet, or gateway edge association RT-18) and
//! `aws_main_route_table_association`.
//!
//! A route whose target is unknown until apply is resolved through the configuration
//! (type-filtered by the target field). An ambiguous target becomes an unsupported target named
//! by its candidates (a query through it answers unknown); an unresolved one a target missing
//! from the input, so a query through it answers unknown too (RT-14a, DESIGN.md §3: the plan does
//! not say where the route goes, which is not a blackhole), both with a warning.

use super::vpc::{cidr, need, tags, vpc_of};
use super::{Kind, Lx, Obj, Pick, Val};
use crate::ingest::terraform::document::Inst;
use crate::model::*;

/// Route target fields, in the order they are tried, with the kinds each may name.
const TARGETS: &[(&str, &[Kind])] = &[
    ("gateway_id", &[Kind::InternetGateway, Kind::VpnGateway]),
    ("nat_gateway_id", &[Kind::NatGateway]),
    ("egress_only_gateway_id", &[Kind::EgressOnly]),
    ("network_interface_id", &[Kind::NetworkInterface]),
    ("vpc_peering_connection_id", &[Kind::Peering]),
    ("vpc_endpoint_id", &[Kind::VpcEndpoint]),
    ("transit_gateway_id", &[Kind::TransitGateway]),
    ("instance_id", &[Kind::Instance]),
    ("local_gateway_id", &[]),
    ("carrier_gateway_id", &[]),
    ("core_network_arn", &[]),
    ("odb_network_arn", &[]),
];

fn target_of(field: &str, id: String) -> RouteTarget {
    match field {
        "gateway_id" if id == "local" => RouteTarget::Local,
        "gateway_id" if id.starts_with(VpnGatewayId::PREFIX) => RouteTarget::VpnGateway(id.into()),
        "gateway_id" if id.starts_with(VpcEndpointId::PREFIX) => RouteTarget::VpcEndpoint(id.into()),
        "gateway_id" => RouteTarget::InternetGateway(id.into()),
        "nat_gateway_id" => RouteTarget::NatGateway(id.into()),
        "egress_only_gateway_id" => RouteTarget::EgressOnlyInternetGateway(id.into()),
        "network_interface_id" => RouteTarget::NetworkInterface(id.into()),
        "vpc_peering_connection_id" => RouteTarget::VpcPeeringConnection(id.into()),
        "vpc_endpoint_id" => RouteTarget::VpcEndpoint(id.into()),
        "transit_gateway_id" => RouteTarget::TransitGateway(id.into()),
        "instance_id" => RouteTarget::Instance(id.into()),
        other => RouteTarget::Unsupported {
            field: other.to_owned(),
            id,
        },
    }
}

fn target_of_kind(field: &str, kind: Kind, id: String) -> RouteTarget {
    match kind {
        Kind::InternetGateway => RouteTarget::InternetGateway(id.into()),
        Kind::VpnGateway => RouteTarget::VpnGateway(id.into()),
        _ => target_of(field, id),
    }
}

/// Lowers one route (an inline `route` block at `prefix`, or an `aws_route` with an empty
/// prefix) into `table`.
fn route(lx: &mut Lx<'_>, inst: &Inst, o: Obj<'_>, prefix: &[&str], table: &RouteTableId) {
    let inline = !prefix.is_empty();
    let (v4, v6, pl) = if inline {
        ("cidr_block", "ipv6_cidr_block", "destination_prefix_list_id")
    } else {
        (
            "destination_cidr_block",
            "destination_ipv6_cidr_block",
            "destination_prefix_list_id",
        )
    };
    let path = |f: &'static str| -> Vec<&str> { prefix.iter().copied().chain(std::iter::once(f)).collect() };
    let destination = if let Some(c) = cidr(lx, inst, v4, o.s(v4)) {
        RouteDestination::Cidr(c)
    } else if let Some(c) = cidr(lx, inst, v6, o.s(v6)) {
        RouteDestination::Cidr(c)
    } else {
        match need(lx, inst, o, &path(pl), &[Kind::PrefixList]) {
            Some(p) => RouteDestination::PrefixList(p.into()),
            None => {
                if !matches!(o.s(v4), Val::Unknown) && !matches!(o.s(v6), Val::Unknown) {
                    lx.warn(
                        "bad-value",
                        &inst.address,
                        format!("a route of `{}` has no destination; it is left out", inst.address),
                    );
                }
                return;
            }
        }
    };
    let mut state = RouteState::Active;
    let mut target = None;
    for (field, kinds) in TARGETS {
        let p = lx.pick(inst, o, &path(field), kinds);
        let what = path(field).join(".");
        target = match p {
            Pick::Absent => continue,
            Pick::Known(id) => Some(target_of(field, id)),
            Pick::Found(kind, id) => Some(target_of_kind(field, kind, id)),
            Pick::Ambiguous(ref c) => {
                lx.report(inst, &what, kinds, &p);
                Some(RouteTarget::Unsupported {
                    field: (*field).to_owned(),
                    id: c.join(" | "),
                })
            }
            Pick::Unresolved(_) => {
                lx.report(inst, &what, kinds, &p);
                Some(target_of(field, format!("{}.{what}", inst.address)))
            }
        };
        break;
    }
    let target = target.unwrap_or_else(|| {
        lx.warn(
            "unresolved-reference",
            &inst.address,
            format!(
                "route {destination} of `{}` has no target the input shows (a `dynamic` block or an unknown value); a query through it answers unknown",
                inst.address
            ),
        );
        RouteTarget::Unsupported {
            field: "target".into(),
            id: format!("{}.route", inst.address),
        }
    });
    if o.s("state").known().as_deref() == Some("blackhole") {
        state = RouteState::Blackhole;
    }
    let r = Route {
        provenance: lx.prov(inst).item(destination.to_string()),
        destination,
        target,
        state,
        origin: RouteOrigin::CreateRoute,
    };
    match lx.net.route_tables.get_mut(table) {
        Some(t) => {
            if !t
                .routes
                .iter()
                .any(|x| x.destination == r.destination && x.target == r.target)
            {
                t.routes.push(r);
            }
        }
        None => lx.warn(
            "dangling-reference",
            &inst.address,
            format!(
                "`{}` adds a route to route table `{table}`, which is not in the input",
                inst.address
            ),
        ),
    }
}

fn inline_routes(lx: &mut Lx<'_>, inst: &Inst, table: &RouteTableId) {
    let o = Obj::of(inst);
    let (blocks, unknown) = o.blocks("route");
    if unknown && !lx.computed_only(inst, &["route"]) {
        let reason = format!("the routes of `{}` are unknown until apply", inst.address);
        lx.warn("unknown-value", &inst.address, format!("{reason}; they are left out"));
        let u = Unsupported {
            component: table.to_string(),
            reason,
            provenance: lx.prov(inst),
        };
        lx.net.unsupported.push(u);
    }
    for b in blocks {
        route(lx, inst, b, &["route"], table);
    }
}

/// Every route table, route and association.
pub fn route_tables(lx: &mut Lx<'_>) {
    for t in lx.of_type("aws_route_table").collect::<Vec<_>>() {
        let o = Obj::of(t);
        let Some(vpc) = vpc_of(lx, t) else { continue };
        let (vgws, _) = lx.pick_many(t, o, &["propagating_vgws"], &[Kind::VpnGateway]);
        let rt = RouteTable {
            id: RouteTableId::new(lx.id(&t.address)),
            vpc,
            main: false,
            subnets: Vec::new(),
            gateways: Vec::new(),
            routes: Vec::new(),
            propagating_vgws: vgws.into_iter().map(VpnGatewayId::new).collect(),
            tags: tags(o),
            provenance: lx.prov(t),
        };
        let id = rt.id.clone();
        lx.net.route_tables.insert(id.clone(), rt);
        inline_routes(lx, t, &id);
    }
    let adopted: Vec<(String, String)> = lx
        .defaults
        .values()
        .filter_map(|d| d.route_table_adopter.clone().map(|a| (a, d.vpc.clone())))
        .collect();
    for (address, vpc) in adopted {
        let Some(t) = lx.doc.instances.get(&address) else {
            continue;
        };
        let o = Obj::of(t);
        let (vgws, _) = lx.pick_many(t, o, &["propagating_vgws"], &[Kind::VpnGateway]);
        let rt = RouteTable {
            id: RouteTableId::new(lx.id(&address)),
            vpc: VpcId::new(vpc),
            main: true,
            subnets: Vec::new(),
            gateways: Vec::new(),
            routes: Vec::new(),
            propagating_vgws: vgws.into_iter().map(VpnGatewayId::new).collect(),
            tags: tags(o),
            provenance: lx.prov(t),
        };
        let id = rt.id.clone();
        lx.net.route_tables.insert(id.clone(), rt);
        inline_routes(lx, t, &id);
    }
    for r in lx.of_type("aws_route").collect::<Vec<_>>() {
        let Some(table) = need(lx, r, Obj::of(r), &["route_table_id"], &[Kind::RouteTable]) else {
            continue;
        };
        route(lx, r, Obj::of(r), &[], &RouteTableId::new(table));
    }
    associations(lx);
}

fn associations(lx: &mut Lx<'_>) {
    for a in lx.of_type("aws_route_table_association").collect::<Vec<_>>() {
        let o = Obj::of(a);
        let Some(table) = need(lx, a, o, &["route_table_id"], &[Kind::RouteTable]) else {
            continue;
        };
        let table = RouteTableId::new(table);
        let subnet = need(lx, a, o, &["subnet_id"], &[Kind::Subnet]);
        let gateway = match lx.pick(a, o, &["gateway_id"], &[Kind::InternetGateway, Kind::VpnGateway]) {
            Pick::Known(id) if id.starts_with(VpnGatewayId::PREFIX) => Some(EdgeAssociation::VpnGateway(id.into())),
            Pick::Known(id) => Some(EdgeAssociation::InternetGateway(id.into())),
            Pick::Found(Kind::VpnGateway, id) => Some(EdgeAssociation::VpnGateway(id.into())),
            Pick::Found(_, id) => Some(EdgeAssociation::InternetGateway(id.into())),
            p => {
                lx.report(a, "gateway_id", &[Kind::InternetGateway, Kind::VpnGateway], &p);
                None
            }
        };
        let Some(t) = lx.net.route_tables.get_mut(&table) else {
            lx.warn(
                "dangling-reference",
                &a.address,
                format!(
                    "`{}` associates route table `{table}`, which is not in the input",
                    a.address
                ),
            );
            continue;
        };
        if let Some(s) = subnet {
            let s = SubnetId::new(s);
            if !t.subnets.contains(&s) {
                t.subnets.push(s);
            }
        }
        if let Some(g) = gateway
            && !t.gateways.contains(&g)
        {
            t.gateways.push(g);
        }
    }
    for a in lx.of_type("aws_main_route_table_association").collect::<Vec<_>>() {
        let o = Obj::of(a);
        let Some(table) = need(lx, a, o, &["route_table_id"], &[Kind::RouteTable]) else {
            continue;
        };
        let Some(vpc) = vpc_of(lx, a) else { continue };
        let table = RouteTableId::new(table);
        if !lx.net.route_tables.contains_key(&table) {
            lx.warn(
                "dangling-reference",
                &a.address,
                format!(
                    "`{}` makes route table `{table}` main, but it is not in the input",
                    a.address
                ),
            );
            continue;
        }
        // RT-2: one main table per VPC; the association replaces the original main table.
        for t in lx.net.route_tables.values_mut().filter(|t| t.vpc == vpc) {
            t.main = t.id == table;
        }
    }
}
