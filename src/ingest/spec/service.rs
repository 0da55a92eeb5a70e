//! The native spec's NAT gateways and VPC endpoints (`[nat_gateway.NAME]`, `[vpc_endpoint.NAME]`): their lowering into the model, split from the parent module by
//! concern. Must not touch: other resources' tables.

use super::*;

impl<'t> Lower<'_, 't> {
    pub(super) fn nat_gateway(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let subnet: Option<SubnetId> = self.req_ref(&f, "subnet", Kind::Subnet);
        let connectivity = f.choice("connectivity", &["public", "private"]).map(|c| match c {
            Some("private") => ConnectivityType::Private,
            _ => ConnectivityType::Public,
        });
        let private_ip = f.req_str("private_ip").and_then(|s| f.ipv4("private_ip", s));
        let elastic_ip = elastic_ip(&f, f.get("elastic_ip"), "elastic_ip", d.name);
        let secondaries = secondary_ips(&f, d.name);
        let state = f
            .str("state")
            .map(|(s, _)| s.trim().to_ascii_lowercase())
            .unwrap_or_else(|| "available".into());
        let eni_id = match f.str("interface_id") {
            Some((s, at)) if check_prefix(&f, "interface_id", s, at, NetworkInterfaceId::PREFIX) => s.to_owned(),
            _ => format!("{}{}", NetworkInterfaceId::PREFIX, id_part(&d.id)),
        };
        let tags = f.tags(d.name);
        let (Some(subnet), Some(connectivity), Some(private_ip), Some(elastic_ip), Some(secondaries)) =
            (subnet, connectivity, private_ip, elastic_ip, secondaries)
        else {
            return;
        };
        // NGW-1: a private NAT gateway cannot have an Elastic IP.
        if connectivity == ConnectivityType::Private
            && (elastic_ip.is_some() || secondaries.iter().any(|s| s.public_ip.is_some()))
        {
            f.error(
                f.offset_of("elastic_ip"),
                "a private NAT gateway cannot have an Elastic IP (NGW-1); remove it or set `connectivity = \"public\"`",
            );
            return;
        }
        let Some(vpc) = self.vpc_of(&subnet) else { return };
        let id = NatGatewayId::new(d.id.clone());
        let eni_id = NetworkInterfaceId::new(eni_id);
        let mut private_ipv4 = vec![PrivateIpv4 {
            address: private_ip,
            primary: true,
            public_ip: elastic_ip,
            assigned_at_apply: false,
        }];
        private_ipv4.extend(secondaries);
        let addresses = private_ipv4
            .iter()
            .map(|p| NatGatewayAddress {
                private_ip: p.address,
                public_ip: p.public_ip.as_ref().map(|x| x.address),
                network_interface: Some(eni_id.clone()),
                primary: p.primary,
                assigned_at_apply: false,
            })
            .collect();
        // NGW-6: the gateway's own interface, managed by AWS; the walk forwards through the
        // `NatGateway`, never through this interface.
        let eni = NetworkInterface {
            id: eni_id.clone(),
            subnet: subnet.clone(),
            vpc: vpc.clone(),
            interface_type: "nat_gateway".into(),
            description: format!("Interface for NAT Gateway {id}"),
            private_ipv4,
            ipv6: Vec::new(),
            groups: Vec::new(),
            source_dest_check: true,
            attachment: None,
            requester_managed: true,
            status: "in-use".into(),
            tags: Tags::new(),
            provenance: self.cx.provenance(eni_id.as_str(), d.at),
        };
        if !insert_new(
            self.cx,
            &mut self.net.network_interfaces,
            eni_id,
            eni,
            "network interface",
            d.at,
        ) {
            return;
        }
        let nat = NatGateway {
            id: id.clone(),
            vpc,
            subnet,
            connectivity,
            state,
            addresses,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(self.cx, &mut self.net.nat_gateways, id, nat, "NAT gateway", d.at);
    }

    pub(super) fn vpc_endpoint(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let vpc: Option<VpcId> = self.req_ref(&f, "vpc", Kind::Vpc);
        let endpoint_type = match f.str("type").map(|(s, _)| s.trim().to_ascii_lowercase()) {
            None => VpcEndpointType::Gateway,
            Some(t) if t == "gateway" => VpcEndpointType::Gateway,
            Some(t) if t == "interface" => VpcEndpointType::Interface,
            Some(t) => VpcEndpointType::Other(t),
        };
        let service = f.req_str("service").map(|(s, _)| s.to_owned());
        let state = f
            .str("state")
            .map(|(s, _)| s.trim().to_ascii_lowercase())
            .unwrap_or_else(|| "available".into());
        let is_gateway = endpoint_type == VpcEndpointType::Gateway;
        let (gateway_keys, interface_keys) = (["route_tables", "prefix_list"], ["subnets", "groups"]);
        let misplaced = if is_gateway { &interface_keys } else { &gateway_keys };
        for key in misplaced {
            if f.has(key) {
                f.error(
                    f.offset_of(key),
                    format!(
                        "`{key}` applies to {} endpoints only",
                        if is_gateway { "interface" } else { "gateway" }
                    ),
                );
            }
        }
        let route_tables: Vec<(RouteTableId, usize)> = if is_gateway {
            f.strs("route_tables")
                .into_iter()
                .filter_map(|s| {
                    self.reg
                        .resolve_one(&f, Kind::RouteTable, s)
                        .map(|id| (RouteTableId::new(id), s.1))
                })
                .collect()
        } else {
            Vec::new()
        };
        // GWE-2: the endpoint routes the service's AWS-managed prefix list; when the spec does not
        // name it, it is the declared list whose `prefix_list_name` is the service name.
        let prefix_list = if is_gateway {
            match f.opt("prefix_list", |s| self.resolve_one(&f, Kind::PrefixList, s)) {
                Some(Some(id)) => Some(PrefixListId::new(id)),
                Some(None) => service.as_ref().and_then(|svc| {
                    self.net
                        .prefix_lists
                        .values()
                        .find(|p| &p.name == svc)
                        .map(|p| p.id.clone())
                }),
                None => None,
            }
        } else {
            None
        };
        let groups = if is_gateway {
            Vec::new()
        } else {
            self.groups(&f, vpc.as_ref())
        };
        let interfaces = if is_gateway {
            Vec::new()
        } else {
            self.endpoint_interfaces(&f, d)
        };
        let tags = f.tags(d.name);
        let (Some(vpc), Some(service)) = (vpc, service) else {
            return;
        };
        let id = VpcEndpointId::new(d.id.clone());
        if is_gateway && prefix_list.is_none() && !route_tables.is_empty() {
            f.warning(
                "endpoint-without-prefix-list",
                d.at,
                format!(
                    "gateway endpoint `{id}` names no prefix list and none is declared with `prefix_list_name = \"{service}\"`: it adds no route"
                ),
            );
        }
        // Tables whose routes already target the endpoint are associated with it too.
        let mut associated: Vec<RouteTableId> = Vec::new();
        for (rt, _) in &route_tables {
            if !associated.contains(rt) {
                associated.push(rt.clone());
            }
        }
        for rt in self.net.route_tables.values() {
            if rt
                .routes
                .iter()
                .any(|r| r.target == RouteTarget::VpcEndpoint(id.clone()))
                && !associated.contains(&rt.id)
            {
                associated.push(rt.id.clone());
            }
        }
        let mut subnets = Vec::new();
        let mut network_interfaces = Vec::new();
        for (subnet, eni_id, address, at) in interfaces {
            let Some(eni_vpc) = self.vpc_of(&subnet) else { continue };
            let eni = NetworkInterface {
                id: eni_id.clone(),
                subnet: subnet.clone(),
                vpc: eni_vpc,
                interface_type: "vpc_endpoint".into(),
                description: format!("VPC Endpoint Interface {id}"),
                private_ipv4: vec![PrivateIpv4 {
                    address,
                    primary: true,
                    public_ip: None,
                    assigned_at_apply: false,
                }],
                ipv6: Vec::new(),
                groups: groups.clone(),
                source_dest_check: true,
                attachment: None,
                requester_managed: true,
                status: "in-use".into(),
                tags: Tags::new(),
                provenance: self.cx.provenance(eni_id.as_str(), at),
            };
            if insert_new(
                self.cx,
                &mut self.net.network_interfaces,
                eni_id.clone(),
                eni,
                "network interface",
                at,
            ) {
                subnets.push(subnet);
                network_interfaces.push(eni_id);
            }
        }
        if let Some(pl) = &prefix_list {
            for (rt_id, at) in &route_tables {
                let Some(rt) = self.net.route_tables.get_mut(rt_id) else {
                    continue;
                };
                let dest = RouteDestination::PrefixList(pl.clone());
                if !rt.routes.iter().any(|r| r.destination == dest) {
                    rt.routes.push(Route {
                        provenance: self.cx.provenance(rt_id.as_str(), *at).item(pl.to_string()).implicit(),
                        destination: dest,
                        target: RouteTarget::VpcEndpoint(id.clone()),
                        state: RouteState::Active,
                        origin: RouteOrigin::CreateRoute,
                    });
                }
            }
        }
        let endpoint = VpcEndpoint {
            id: id.clone(),
            vpc,
            service_name: service,
            endpoint_type,
            state,
            route_tables: associated,
            prefix_list,
            subnets,
            network_interfaces,
            groups,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(self.cx, &mut self.net.vpc_endpoints, id, endpoint, "VPC endpoint", d.at);
    }

    /// The interfaces of an interface endpoint (IFE-1): `subnets = { NAME = "ADDRESS", … }`, one
    /// interface per subnet.
    pub(super) fn endpoint_interfaces(
        &self,
        f: &Fields<'_, 't>,
        d: &Decl<'t>,
    ) -> Vec<(SubnetId, NetworkInterfaceId, Ipv4Addr, usize)> {
        let mut out = Vec::new();
        let Some(table) = f.table("subnets") else { return out };
        for (k, v) in table.iter() {
            let name: &str = k.get_ref();
            let at = k.span().start;
            let subnet = self.resolve_one(f, Kind::Subnet, (name, at));
            let address = match v.get_ref() {
                DeValue::String(s) => f.ipv4("subnets", (s.as_ref(), v.span().start)),
                other => {
                    f.cx.error(
                        "wrong-type",
                        f.resource,
                        v.span().start,
                        format!(
                            "the interface address in subnet `{name}` must be a string, not {}",
                            type_name(other)
                        ),
                    );
                    None
                }
            };
            if let (Some(subnet), Some(address)) = (subnet, address) {
                let eni = format!("{}{}-{}", NetworkInterfaceId::PREFIX, id_part(d.name), id_part(name));
                out.push((SubnetId::new(subnet), NetworkInterfaceId::new(eni), address, at));
            }
        }
        out
    }
}
