//! VPCs and their CIDR blocks, subnets, gateways, prefix lists, endpoints and peering
//! connections (SEMANTICS.md §4, §5; RT-13 for prefix lists).

use super::{Kind, Lx, Obj, Pick, Val};
use crate::ingest::terraform::document::Inst;
use crate::model::*;

/// The `tags` map of a resource.
pub fn tags(o: Obj<'_>) -> Tags {
    let mut t = Tags::new();
    if let Val::Known(serde_json::Value::Object(m)) = o.raw("tags") {
        for (k, v) in m {
            if let Some(s) = v.as_str() {
                t.insert(k.clone(), s.to_owned());
            }
        }
    }
    t
}

/// Parses a CIDR attribute, reporting malformed and unknown values. Spaces around the block are
/// an error (Terraform prints none, and every loader rejects them alike).
pub fn cidr(lx: &mut Lx<'_>, inst: &Inst, what: &str, v: Val<String>) -> Option<Cidr> {
    match v {
        Val::Known(s) if s.trim() != s => {
            lx.error(
                "bad-value",
                &inst.address,
                format!(
                    "`{what}` of `{}` is not a CIDR block: `{s}` has spaces around it",
                    inst.address
                ),
            );
            None
        }
        Val::Known(s) => match Cidr::parse(&s) {
            Ok(c) => Some(c),
            Err(e) => {
                lx.error(
                    "bad-value",
                    &inst.address,
                    format!("`{what}` of `{}` is not a CIDR block: {e}", inst.address),
                );
                None
            }
        },
        Val::Unknown => {
            lx.warn(
                "unknown-value",
                &inst.address,
                format!(
                    "`{what}` of `{}` is unknown until apply; the model needs a concrete block, so it is left out",
                    inst.address
                ),
            );
            None
        }
        Val::Absent => None,
    }
}

/// The id a reference attribute names, reporting ambiguity and unresolved references.
pub fn need(lx: &mut Lx<'_>, inst: &Inst, o: Obj<'_>, path: &[&str], kinds: &[Kind]) -> Option<String> {
    let p = lx.pick(inst, o, path, kinds);
    lx.report(inst, &path.join("."), kinds, &p);
    p.id().map(str::to_owned)
}

/// The id a required top-level reference attribute names. Not set (or computed by AWS because
/// the configuration does not set it) means the region's default VPC or subnet, which a plan
/// does not describe: reported, and the resource is left out.
pub fn required(lx: &mut Lx<'_>, inst: &Inst, o: Obj<'_>, field: &str, kind: Kind) -> Option<String> {
    let p = lx.pick(inst, o, &[field], &[kind]);
    if p == Pick::Absent {
        lx.warn(
            "unsupported",
            &inst.address,
            format!(
                "`{}` sets no `{field}`: it belongs to the region's default vpc, which is not in the input; it is left out",
                inst.address
            ),
        );
        return None;
    }
    lx.report(inst, field, &[kind], &p);
    p.id().map(str::to_owned)
}

/// The VPC of a resource with a `vpc_id`, when it is in the network.
pub fn vpc_of(lx: &mut Lx<'_>, inst: &Inst) -> Option<VpcId> {
    let id = required(lx, inst, Obj::of(inst), "vpc_id", Kind::Vpc)?;
    let vpc = VpcId::new(id);
    if lx.net.vpcs.contains_key(&vpc) {
        Some(vpc)
    } else {
        lx.warn(
            "dangling-reference",
            &inst.address,
            format!("`{}` names vpc `{vpc}`, which is not in the input", inst.address),
        );
        None
    }
}

/// `aws_vpc` and its CIDR block associations (RT-5 local routes are added by `finish`).
pub fn vpcs(lx: &mut Lx<'_>) {
    for v in lx.of_type("aws_vpc").collect::<Vec<_>>() {
        let o = Obj::of(v);
        let mut vpc = Vpc {
            id: VpcId::new(lx.id(&v.address)),
            cidrs_v4: Vec::new(),
            cidrs_v6: Vec::new(),
            is_default: false,
            tags: tags(o),
            provenance: lx.prov(v),
        };
        vpc.cidrs_v4.extend(cidr(lx, v, "cidr_block", o.s("cidr_block")));
        // `ipv6_cidr_block` is computed: unknown in every plan, but only assigned when asked for.
        let asks_v6 = o.b("assign_generated_ipv6_cidr_block").known() == Some(true)
            || !matches!(o.s("ipv6_ipam_pool_id"), Val::Absent);
        match o.s("ipv6_cidr_block") {
            Val::Unknown if !asks_v6 => {}
            Val::Unknown => lx.warn(
                "unknown-value",
                &v.address,
                format!(
                    "the IPv6 block of `{}` is assigned by AWS at apply; IPv6 traffic of this vpc is not modelled",
                    v.address
                ),
            ),
            known => vpc.cidrs_v6.extend(cidr(lx, v, "ipv6_cidr_block", known)),
        }
        lx.net.vpcs.insert(vpc.id.clone(), vpc);
    }
    for (t, attr) in [
        ("aws_vpc_ipv4_cidr_block_association", "cidr_block"),
        ("aws_vpc_ipv6_cidr_block_association", "ipv6_cidr_block"),
    ] {
        for a in lx.of_type(t).collect::<Vec<_>>() {
            let Some(vpc) = vpc_of(lx, a) else { continue };
            let Some(c) = cidr(lx, a, attr, Obj::of(a).s(attr)) else {
                continue;
            };
            if let Some(v) = lx.net.vpcs.get_mut(&vpc) {
                let list = if c.family() == IpFamily::V4 {
                    &mut v.cidrs_v4
                } else {
                    &mut v.cidrs_v6
                };
                if !list.contains(&c) {
                    list.push(c);
                }
            }
        }
    }
}

/// `aws_subnet`.
pub fn subnets(lx: &mut Lx<'_>) {
    for s in lx.of_type("aws_subnet").collect::<Vec<_>>() {
        let o = Obj::of(s);
        let Some(vpc) = vpc_of(lx, s) else { continue };
        let cidr_v4 = cidr(lx, s, "cidr_block", o.s("cidr_block"));
        let cidr_v6 = cidr(lx, s, "ipv6_cidr_block", o.s("ipv6_cidr_block"));
        let subnet = Subnet {
            id: SubnetId::new(lx.id(&s.address)),
            vpc,
            availability_zone: o.s("availability_zone").known(),
            cidr_v4,
            cidr_v6,
            map_public_ip_on_launch: o.b("map_public_ip_on_launch").known().unwrap_or(false),
            tags: tags(o),
            provenance: lx.prov(s),
        };
        lx.net.subnets.insert(subnet.id.clone(), subnet);
    }
}

fn attach(vpcs: &mut Vec<VpcId>, v: VpcId) {
    if !vpcs.contains(&v) {
        vpcs.push(v);
    }
}

/// Internet, egress-only, VPN and transit gateways with their attachments.
pub fn gateways(lx: &mut Lx<'_>) {
    for g in lx.of_type("aws_internet_gateway").collect::<Vec<_>>() {
        let o = Obj::of(g);
        let mut vpcs = Vec::new();
        if lx.pick(g, o, &["vpc_id"], &[Kind::Vpc]) != Pick::Absent {
            vpcs.extend(vpc_of(lx, g));
        }
        let igw = InternetGateway {
            id: InternetGatewayId::new(lx.id(&g.address)),
            vpcs,
            tags: tags(o),
            provenance: lx.prov(g),
        };
        lx.net.internet_gateways.insert(igw.id.clone(), igw);
    }
    for a in lx.of_type("aws_internet_gateway_attachment").collect::<Vec<_>>() {
        let Some(g) = need(lx, a, Obj::of(a), &["internet_gateway_id"], &[Kind::InternetGateway]) else {
            continue;
        };
        let Some(vpc) = vpc_of(lx, a) else { continue };
        match lx.net.internet_gateways.get_mut(&InternetGatewayId::new(g.clone())) {
            Some(igw) => attach(&mut igw.vpcs, vpc),
            None => lx.warn(
                "dangling-reference",
                &a.address,
                format!(
                    "`{}` attaches internet gateway `{g}`, which is not in the input",
                    a.address
                ),
            ),
        }
    }
    for g in lx.of_type("aws_egress_only_internet_gateway").collect::<Vec<_>>() {
        let vpcs = vpc_of(lx, g).into_iter().collect();
        let e = EgressOnlyInternetGateway {
            id: EgressOnlyInternetGatewayId::new(lx.id(&g.address)),
            vpcs,
            tags: tags(Obj::of(g)),
            provenance: lx.prov(g),
        };
        lx.net.egress_only_internet_gateways.insert(e.id.clone(), e);
    }
    for g in lx.of_type("aws_vpn_gateway").collect::<Vec<_>>() {
        let mut vpcs = Vec::new();
        if lx.pick(g, Obj::of(g), &["vpc_id"], &[Kind::Vpc]) != Pick::Absent {
            vpcs.extend(vpc_of(lx, g));
        }
        let v = VpnGateway {
            id: VpnGatewayId::new(lx.id(&g.address)),
            vpcs,
            state: "available".into(),
            onprem_cidrs: Vec::new(),
            tags: tags(Obj::of(g)),
            provenance: lx.prov(g),
        };
        lx.net.vpn_gateways.insert(v.id.clone(), v);
    }
    for a in lx.of_type("aws_vpn_gateway_attachment").collect::<Vec<_>>() {
        let Some(g) = need(lx, a, Obj::of(a), &["vpn_gateway_id"], &[Kind::VpnGateway]) else {
            continue;
        };
        let Some(vpc) = vpc_of(lx, a) else { continue };
        if let Some(v) = lx.net.vpn_gateways.get_mut(&VpnGatewayId::new(g)) {
            attach(&mut v.vpcs, vpc);
        }
    }
    for g in lx.of_type("aws_ec2_transit_gateway").collect::<Vec<_>>() {
        let t = TransitGateway {
            id: TransitGatewayId::new(lx.id(&g.address)),
            vpcs: Vec::new(),
            tags: tags(Obj::of(g)),
            provenance: lx.prov(g),
        };
        lx.net.transit_gateways.insert(t.id.clone(), t);
    }
    for a in lx.of_type("aws_ec2_transit_gateway_vpc_attachment").collect::<Vec<_>>() {
        let Some(g) = need(lx, a, Obj::of(a), &["transit_gateway_id"], &[Kind::TransitGateway]) else {
            continue;
        };
        let Some(vpc) = vpc_of(lx, a) else { continue };
        if let Some(t) = lx.net.transit_gateways.get_mut(&TransitGatewayId::new(g)) {
            attach(&mut t.vpcs, vpc);
        }
    }
}

fn push_entry(lx: &mut Lx<'_>, inst: &Inst, pl: &PrefixListId, v: Val<String>) {
    let Some(c) = cidr(lx, inst, "cidr", v) else { return };
    if let Some(p) = lx.net.prefix_lists.get_mut(pl)
        && !p.entries.contains(&c)
    {
        p.entries.push(c);
    }
}

/// Customer-managed prefix lists and their entries; the prefix-list data sources (RT-13, SG-8).
pub fn prefix_lists(lx: &mut Lx<'_>) {
    for p in lx.of_type("aws_ec2_managed_prefix_list").collect::<Vec<_>>() {
        let o = Obj::of(p);
        let (entries, unknown) = o.blocks("entry");
        let pl = PrefixList {
            id: PrefixListId::new(lx.id(&p.address)),
            name: o.s("name").known().unwrap_or_else(|| p.address.clone()),
            owner: PrefixListOwner::CustomerManaged,
            address_family: family(o.s("address_family")),
            entries: Vec::new(),
            entries_known: !unknown,
            entries_source: Default::default(),
            max_entries: o.i("max_entries").known().and_then(|m| u32::try_from(m).ok()),
            tags: tags(o),
            provenance: lx.prov(p),
        };
        let id = pl.id.clone();
        lx.net.prefix_lists.insert(id.clone(), pl);
        for e in entries {
            push_entry(lx, p, &id, e.s("cidr"));
        }
    }
    for e in lx.of_type("aws_ec2_managed_prefix_list_entry").collect::<Vec<_>>() {
        let Some(pl) = need(lx, e, Obj::of(e), &["prefix_list_id"], &[Kind::PrefixList]) else {
            continue;
        };
        push_entry(lx, e, &PrefixListId::new(pl), Obj::of(e).s("cidr"));
    }
    let data: Vec<&Inst> = lx
        .doc
        .instances
        .values()
        .filter(|i| i.is_data() && super::SUPPORTED_DATA.contains(&i.rtype()))
        .collect();
    for d in data {
        let o = Obj::of(d);
        let aws_list = d.rtype() == "aws_prefix_list";
        let owner = if aws_list || o.s("owner_id").known().as_deref() == Some("AWS") {
            PrefixListOwner::AwsManaged
        } else {
            PrefixListOwner::CustomerManaged
        };
        let mut pl = PrefixList {
            id: PrefixListId::new(lx.id(&d.address)),
            name: o.s("name").known().unwrap_or_else(|| d.address.clone()),
            owner,
            address_family: family(o.s("address_family")),
            entries: Vec::new(),
            entries_known: true,
            entries_source: Default::default(),
            max_entries: o.i("max_entries").known().and_then(|m| u32::try_from(m).ok()),
            tags: tags(o),
            provenance: lx.prov(d),
        };
        let texts: Vec<Val<String>> = if aws_list {
            let (known, unknown) = o.strs("cidr_blocks");
            pl.entries_known = !unknown && !matches!(o.raw("cidr_blocks"), Val::Absent);
            known.into_iter().map(Val::Known).collect()
        } else {
            let (blocks, unknown) = o.blocks("entries");
            pl.entries_known = !unknown && !matches!(o.raw("entries"), Val::Absent);
            blocks.iter().map(|b| b.s("cidr")).collect()
        };
        for t in texts {
            if let Some(c) = cidr(lx, d, "cidr", t)
                && !pl.entries.contains(&c)
            {
                pl.entries.push(c);
            }
        }
        if pl.address_family.is_none() {
            pl.address_family = pl.entries.first().map(Cidr::family);
        }
        lx.net.prefix_lists.insert(pl.id.clone(), pl);
    }
}

fn family(v: Val<String>) -> Option<IpFamily> {
    match v.known()?.to_ascii_lowercase().as_str() {
        "ipv4" => Some(IpFamily::V4),
        "ipv6" => Some(IpFamily::V6),
        _ => None,
    }
}

/// `aws_vpc_endpoint` and its route table associations (§9). A gateway endpoint adds to each of
/// its route tables a route from the service's prefix list to the endpoint (GWE-2); when the
/// list's CIDRs are not in the input (no data source), the list is synthesised, implicit, with
/// its entries unknown, so a query through it answers unknown.
pub fn endpoints(lx: &mut Lx<'_>) {
    let mut assocs: Vec<(String, String)> = Vec::new();
    for a in lx
        .of_type("aws_vpc_endpoint_route_table_association")
        .collect::<Vec<_>>()
    {
        let ao = Obj::of(a);
        let vpce = need(lx, a, ao, &["vpc_endpoint_id"], &[Kind::VpcEndpoint]);
        let rt = need(lx, a, ao, &["route_table_id"], &[Kind::RouteTable]);
        if let (Some(v), Some(r)) = (vpce, rt) {
            assocs.push((v, r));
        }
    }
    // A plan lists its endpoints whole (VPCV-014, VPCV-015).
    lx.net.endpoints_listed.listed = true;
    for e in lx.of_type("aws_vpc_endpoint").collect::<Vec<_>>() {
        let o = Obj::of(e);
        let Some(vpc) = vpc_of(lx, e) else { continue };
        let id = VpcEndpointId::new(lx.id(&e.address));
        let service = o.s("service_name").known().unwrap_or_default();
        let etype = match o
            .s("vpc_endpoint_type")
            .known()
            .unwrap_or_else(|| "Gateway".into())
            .as_str()
        {
            t if t.eq_ignore_ascii_case("gateway") => VpcEndpointType::Gateway,
            t if t.eq_ignore_ascii_case("interface") => VpcEndpointType::Interface,
            t => VpcEndpointType::Other(t.to_owned()),
        };
        let (mut tables, unresolved) = lx.pick_many(e, o, &["route_table_ids"], &[Kind::RouteTable]);
        if let Some(refs) = unresolved {
            lx.report(e, "route_table_ids", &[Kind::RouteTable], &Pick::Unresolved(refs));
        }
        for (vpce, rt) in &assocs {
            if vpce == id.as_str() && !tables.contains(rt) {
                tables.push(rt.clone());
            }
        }
        let (subnets, _) = lx.pick_many(e, o, &["subnet_ids"], &[Kind::Subnet]);
        let (mut groups, _) = lx.pick_many(e, o, &["security_group_ids"], &[Kind::SecurityGroup]);
        let mut prefix_list = None;
        let mut enis = Vec::new();
        match etype {
            VpcEndpointType::Gateway => {
                let pl = PrefixListId::new(lx.endpoint_pl.get(&e.address).cloned().unwrap_or_default());
                if !lx.net.prefix_lists.contains_key(&pl) {
                    let synth = PrefixList {
                        id: pl.clone(),
                        name: service.clone(),
                        owner: PrefixListOwner::AwsManaged,
                        address_family: Some(IpFamily::V4),
                        entries: Vec::new(),
                        entries_known: false,
                        entries_source: Default::default(),
                        max_entries: None,
                        tags: Tags::new(),
                        provenance: Provenance::resource(lx.file, pl.to_string()).implicit(),
                    };
                    lx.net.prefix_lists.insert(pl.clone(), synth);
                }
                for rt in &tables {
                    let route = Route {
                        destination: RouteDestination::PrefixList(pl.clone()),
                        target: RouteTarget::VpcEndpoint(id.clone()),
                        state: RouteState::Active,
                        origin: RouteOrigin::CreateRoute,
                        provenance: lx.prov(e).item(pl.to_string()),
                    };
                    match lx.net.route_tables.get_mut(&RouteTableId::new(rt.clone())) {
                        Some(t) => {
                            if !t
                                .routes
                                .iter()
                                .any(|r| r.destination == route.destination && r.target == route.target)
                            {
                                t.routes.push(route);
                            }
                        }
                        None => lx.warn(
                            "dangling-reference",
                            &e.address,
                            format!("`{}` names route table `{rt}`, which is not in the input", e.address),
                        ),
                    }
                }
                prefix_list = Some(pl);
            }
            VpcEndpointType::Interface => {
                if groups.is_empty()
                    && let Some(d) = lx.defaults.values().find(|d| d.vpc == vpc.as_str())
                {
                    groups.push(d.security_group.clone());
                }
                let (known, _) = o.strs("network_interface_ids");
                for (i, s) in subnets.iter().enumerate() {
                    let eni_id = known
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| format!("{}.network_interface_ids[{i}]", e.address));
                    let eni = NetworkInterface {
                        id: NetworkInterfaceId::new(eni_id),
                        subnet: SubnetId::new(s.clone()),
                        vpc: vpc.clone(),
                        interface_type: "vpc_endpoint".into(),
                        description: format!("interface of `{}`", e.address),
                        private_ipv4: vec![super::iface::placeholder_private(true)],
                        ipv6: Vec::new(),
                        groups: groups.iter().map(|g| SecurityGroupId::new(g.clone())).collect(),
                        source_dest_check: true,
                        attachment: None,
                        requester_managed: true,
                        status: "in-use".into(),
                        tags: Tags::new(),
                        provenance: lx.prov(e).item(format!("network_interface_ids[{i}]")),
                    };
                    enis.push(eni.id.clone());
                    lx.net.network_interfaces.insert(eni.id.clone(), eni);
                }
            }
            VpcEndpointType::Other(_) => {}
        }
        let vpce = VpcEndpoint {
            id: id.clone(),
            vpc,
            service_name: service,
            endpoint_type: etype,
            state: o.s("state").known().unwrap_or_else(|| "available".into()),
            route_tables: tables.into_iter().map(RouteTableId::new).collect(),
            prefix_list,
            subnets: subnets.into_iter().map(SubnetId::new).collect(),
            network_interfaces: enis,
            groups: groups.into_iter().map(SecurityGroupId::new).collect(),
            tags: tags(o),
            provenance: lx.prov(e),
        };
        lx.net.vpc_endpoints.insert(id, vpce);
    }
}

/// `aws_vpc_peering_connection` and `aws_vpc_peering_connection_accepter` (PCX-3: only an
/// accepted connection carries traffic).
pub fn peerings(lx: &mut Lx<'_>) {
    for p in lx.of_type("aws_vpc_peering_connection").collect::<Vec<_>>() {
        let o = Obj::of(p);
        let Some(requester) = need(lx, p, o, &["vpc_id"], &[Kind::Vpc]) else {
            continue;
        };
        let Some(accepter) = need(lx, p, o, &["peer_vpc_id"], &[Kind::Vpc]) else {
            continue;
        };
        let id = lx.id(&p.address);
        let status = match o.s("accept_status") {
            Val::Known(s) => s,
            _ if o.b("auto_accept").known() == Some(true) => "active".into(),
            _ => "pending-acceptance".into(),
        };
        let pcx = VpcPeeringConnection {
            id: VpcPeeringConnectionId::new(id),
            requester: VpcId::new(requester),
            accepter: VpcId::new(accepter),
            status,
            tags: tags(o),
            provenance: lx.prov(p),
        };
        lx.net.vpc_peering_connections.insert(pcx.id.clone(), pcx);
    }
    for a in lx.of_type("aws_vpc_peering_connection_accepter").collect::<Vec<_>>() {
        let o = Obj::of(a);
        let id = VpcPeeringConnectionId::new(lx.id(&a.address));
        let accepted =
            o.b("auto_accept").known() == Some(true) || o.s("accept_status").known().as_deref() == Some("active");
        if let Some(pcx) = lx.net.vpc_peering_connections.get_mut(&id) {
            if accepted {
                pcx.status = "active".into();
            }
            continue;
        }
        // The requester side is in another configuration: the accepter names both VPCs.
        let (Some(vpc), Some(peer)) = (o.s("vpc_id").known(), o.s("peer_vpc_id").known()) else {
            lx.warn(
                "dangling-reference",
                &a.address,
                format!("`{}` accepts peering `{id}`, which is not in the input", a.address),
            );
            continue;
        };
        let pcx = VpcPeeringConnection {
            id: id.clone(),
            requester: VpcId::new(peer),
            accepter: VpcId::new(vpc),
            status: if accepted {
                "active".into()
            } else {
                "pending-acceptance".into()
            },
            tags: tags(o),
            provenance: lx.prov(a),
        };
        lx.net.vpc_peering_connections.insert(id, pcx);
    }
}
