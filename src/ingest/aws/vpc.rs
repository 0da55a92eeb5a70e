//! VPCs, subnets and route tables (`describe-vpcs`, `describe-subnets`, `describe-route-tables`).
//!
//! Implements: RT-5 input side (primary and associated secondary CIDR blocks, SUB-5), IGW-10 (VPC
//! and subnet `BlockPublicAccessStates`, gathered for `bpa`), RT-1/RT-2 (main and explicit
//! subnet associations; associations not `associated` are skipped), RT-18 (edge associations),
//! RT-13 (prefix-list destinations), RT-14 (route state: `active`, `blackhole`; any other value is
//! a blackhole with a warning) and RT-15 (route origin).

use super::json::{Bad, Obj, R, state_is};
use super::{Loc, Lower, insert};
use crate::model::{
    Cidr, EdgeAssociation, IpFamily, Route, RouteDestination, RouteOrigin, RouteState, RouteTable, RouteTarget, Subnet,
    SubnetId, Vpc, VpnGatewayId,
};

/// Route target fields in the order a route's one target is looked for. AWS prints
/// `InstanceId` together with `NetworkInterfaceId` for a route to an instance; the instance wins.
const TARGET_FIELDS: [&str; 11] = [
    "InstanceId",
    "NetworkInterfaceId",
    "GatewayId",
    "NatGatewayId",
    "EgressOnlyInternetGatewayId",
    "VpcPeeringConnectionId",
    "TransitGatewayId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "CoreNetworkArn",
    "OdbNetworkArn",
];

impl Lower {
    pub(super) fn vpc(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let mut cidrs_v4: Vec<Cidr> = self
            .cidr(loc, o, "CidrBlock", Some(IpFamily::V4))?
            .into_iter()
            .collect();
        for a in o.items("CidrBlockAssociationSet")? {
            let assoc = a.and_then(|a| {
                let st = match a.obj("CidrBlockState")? {
                    Some(s) => s.str("State")?,
                    None => None,
                };
                Ok(if state_is(st, &["associated"]) {
                    self.cidr(loc, &a, "CidrBlock", Some(IpFamily::V4))?
                } else {
                    None
                })
            });
            if let Some(Some(c)) = self.entry(loc, assoc, "CIDR block association skipped")
                && !cidrs_v4.contains(&c)
            {
                cidrs_v4.push(c);
            }
        }
        let mut cidrs_v6: Vec<Cidr> = Vec::new();
        for a in o.items("Ipv6CidrBlockAssociationSet")? {
            let assoc = a.and_then(|a| {
                let st = match a.obj("Ipv6CidrBlockState")? {
                    Some(s) => s.str("State")?,
                    None => None,
                };
                Ok(if state_is(st, &["associated"]) {
                    self.cidr(loc, &a, "Ipv6CidrBlock", Some(IpFamily::V6))?
                } else {
                    None
                })
            });
            if let Some(Some(c)) = self.entry(loc, assoc, "IPv6 CIDR block association skipped")
                && !cidrs_v6.contains(&c)
            {
                cidrs_v6.push(c);
            }
        }
        let vpc = Vpc {
            id: loc.resource.into(),
            cidrs_v4,
            cidrs_v6,
            is_default: o.bool("IsDefault")?.unwrap_or(false),
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        self.bpa_state(loc, o)?;
        insert(&mut self.net.vpcs, &mut self.diags, "vpc", vpc.id.clone(), vpc);
        Ok(())
    }

    pub(super) fn subnet(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let vpc = o.req_id("VpcId")?;
        let cidr_v4 = self.cidr(loc, o, "CidrBlock", Some(IpFamily::V4))?;
        let mut v6: Vec<Cidr> = Vec::new();
        for a in o.objs("Ipv6CidrBlockAssociationSet")? {
            let st = match a.obj("Ipv6CidrBlockState")? {
                Some(s) => s.str("State")?,
                None => None,
            };
            if state_is(st, &["associated"])
                && let Some(c) = self.cidr(loc, &a, "Ipv6CidrBlock", Some(IpFamily::V6))?
                && !v6.contains(&c)
            {
                v6.push(c);
            }
        }
        if v6.len() > 1 {
            self.warn(
                loc,
                "multiple-ipv6-blocks",
                format!(
                    "subnet `{}` lists {} associated IPv6 blocks; AWS allows one (SUB-4): only {} is used",
                    loc.resource,
                    v6.len(),
                    v6[0]
                ),
            );
        }
        let subnet = Subnet {
            id: loc.resource.into(),
            vpc: vpc.into(),
            availability_zone: o.str("AvailabilityZone")?.map(str::to_owned),
            cidr_v4,
            cidr_v6: v6.first().copied(),
            map_public_ip_on_launch: o.bool("MapPublicIpOnLaunch")?.unwrap_or(false),
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        self.bpa_state(loc, o)?;
        if let Some(zone) = o.id("AvailabilityZoneId")? {
            self.net
                .zone_ids
                .entry(subnet.id.clone())
                .or_insert_with(|| zone.to_owned());
        }
        insert(
            &mut self.net.subnets,
            &mut self.diags,
            "subnet",
            subnet.id.clone(),
            subnet,
        );
        Ok(())
    }

    pub(super) fn route_table(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let vpc = o.req_id("VpcId")?;
        let mut main = false;
        let mut subnets: Vec<SubnetId> = Vec::new();
        let mut gateways: Vec<EdgeAssociation> = Vec::new();
        for a in o.items("Associations")? {
            let assoc = a.and_then(|a| {
                let st = match a.obj("AssociationState")? {
                    Some(s) => s.str("State")?,
                    None => None,
                };
                Ok((
                    state_is(st, &["associated"]),
                    a.bool("Main")?.unwrap_or(false),
                    a.id("SubnetId")?,
                    a.id("GatewayId")?,
                ))
            });
            let Some((associated, is_main, subnet, gateway)) = self.entry(loc, assoc, "association skipped") else {
                continue;
            };
            if !associated {
                continue;
            }
            main |= is_main;
            if let Some(s) = subnet {
                let s = SubnetId::from(s);
                if !subnets.contains(&s) {
                    subnets.push(s);
                }
            }
            if let Some(g) = gateway {
                let edge = if g.starts_with("igw-") {
                    EdgeAssociation::InternetGateway(g.into())
                } else if g.starts_with("vgw-") {
                    EdgeAssociation::VpnGateway(g.into())
                } else {
                    EdgeAssociation::Other(g.to_owned())
                };
                if !gateways.contains(&edge) {
                    gateways.push(edge);
                }
            }
        }
        let mut routes = Vec::new();
        for r in o.items("Routes")? {
            let route = r.and_then(|r| self.route(loc, &r));
            if let Some(route) = self.entry(loc, route, "route skipped") {
                routes.push(route);
            }
        }
        let mut propagating_vgws: Vec<VpnGatewayId> = Vec::new();
        for p in o.items("PropagatingVgws")? {
            let g = p.and_then(|p| p.req_id("GatewayId").map(VpnGatewayId::from));
            if let Some(g) = self.entry(loc, g, "propagating gateway skipped")
                && !propagating_vgws.contains(&g)
            {
                propagating_vgws.push(g);
            }
        }
        let rt = RouteTable {
            id: loc.resource.into(),
            vpc: vpc.into(),
            main,
            subnets,
            gateways,
            routes,
            propagating_vgws,
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        insert(
            &mut self.net.route_tables,
            &mut self.diags,
            "route table",
            rt.id.clone(),
            rt,
        );
        Ok(())
    }

    fn route(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<Route> {
        let dests = [
            self.cidr(loc, o, "DestinationCidrBlock", Some(IpFamily::V4))?
                .map(RouteDestination::Cidr),
            self.cidr(loc, o, "DestinationIpv6CidrBlock", Some(IpFamily::V6))?
                .map(RouteDestination::Cidr),
            o.id("DestinationPrefixListId")?
                .map(|p| RouteDestination::PrefixList(p.into())),
        ];
        let mut dests = dests.into_iter().flatten();
        let destination = match (dests.next(), dests.next()) {
            (Some(d), None) => d,
            (None, _) => {
                return Err(Bad::invalid(format!(
                    "`{}` has no destination (`DestinationCidrBlock`, `DestinationIpv6CidrBlock` or `DestinationPrefixListId`)",
                    o.path()
                )));
            }
            (Some(a), Some(b)) => {
                return Err(Bad::invalid(format!(
                    "`{}` has two destinations, {a} and {b}",
                    o.path()
                )));
            }
        };
        let mut present: Vec<(&str, &str)> = Vec::new();
        for field in TARGET_FIELDS {
            if let Some(id) = o.id(field)? {
                present.push((field, id));
            }
        }
        if present.iter().any(|(f, _)| *f == "InstanceId") {
            present.retain(|(f, _)| *f != "NetworkInterfaceId");
        }
        let Some(&(field, id)) = present.first() else {
            return Err(Bad::invalid(format!(
                "route {destination} has no target (`GatewayId`, `NatGatewayId`, `InstanceId`, …)"
            )));
        };
        if present.len() > 1 {
            let names: Vec<String> = present.iter().map(|(f, i)| format!("`{f}` `{i}`")).collect();
            self.warn(
                loc,
                "ambiguous-route-target",
                format!(
                    "route {destination} names several targets ({}): `{id}` is used",
                    names.join(", ")
                ),
            );
        }
        let target = match field {
            "GatewayId" if id.eq_ignore_ascii_case("local") => RouteTarget::Local,
            "GatewayId" if id.starts_with("igw-") => RouteTarget::InternetGateway(id.into()),
            "GatewayId" if id.starts_with("vgw-") => RouteTarget::VpnGateway(id.into()),
            "GatewayId" if id.starts_with("vpce-") => RouteTarget::VpcEndpoint(id.into()),
            "GatewayId" if id.starts_with("eigw-") => RouteTarget::EgressOnlyInternetGateway(id.into()),
            "NatGatewayId" => RouteTarget::NatGateway(id.into()),
            "EgressOnlyInternetGatewayId" => RouteTarget::EgressOnlyInternetGateway(id.into()),
            "InstanceId" => RouteTarget::Instance(id.into()),
            "NetworkInterfaceId" => RouteTarget::NetworkInterface(id.into()),
            "VpcPeeringConnectionId" => RouteTarget::VpcPeeringConnection(id.into()),
            "TransitGatewayId" => RouteTarget::TransitGateway(id.into()),
            _ => RouteTarget::Unsupported {
                field: field.to_owned(),
                id: id.to_owned(),
            },
        };
        // RT-14: `active` or `blackhole`; anything else (`filtered`, …) cannot be relied on.
        let state = match o.str("State")?.map(str::trim) {
            None => RouteState::Active,
            Some(s) if s.eq_ignore_ascii_case("active") => RouteState::Active,
            Some(s) if s.eq_ignore_ascii_case("blackhole") => RouteState::Blackhole,
            Some(s) => {
                self.warn(
                    loc,
                    "route-state",
                    format!(
                        "route {destination} has state `{s}`, neither active nor blackhole: treated as a blackhole (RT-14)"
                    ),
                );
                RouteState::Blackhole
            }
        };
        // RT-15.
        let origin = match o.str("Origin")?.map(str::trim) {
            None if target == RouteTarget::Local => RouteOrigin::CreateRouteTable,
            None => RouteOrigin::CreateRoute,
            Some(s) if s.eq_ignore_ascii_case("CreateRouteTable") => RouteOrigin::CreateRouteTable,
            Some(s) if s.eq_ignore_ascii_case("CreateRoute") => RouteOrigin::CreateRoute,
            Some(s) if s.eq_ignore_ascii_case("EnableVgwRoutePropagation") => RouteOrigin::EnableVgwRoutePropagation,
            Some(s) => RouteOrigin::Other(s.to_owned()),
        };
        Ok(Route {
            provenance: loc.provenance().item(destination.to_string()),
            destination,
            target,
            state,
            origin,
        })
    }
}
