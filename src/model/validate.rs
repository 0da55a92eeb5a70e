//! Validation of a loaded network: the checks `vpcverify lint` runs after ingest
//! (SEMANTICS.md §10 and common sense).
//!
//! Errors are configurations AWS itself would refuse or that leave the model meaningless (a subnet
//! outside its VPC, overlapping subnets, an interface address outside its subnet, an ACL rule
//! number out of range, two internet gateways on one VPC, peering between overlapping VPCs).
//! Warnings are references that do not resolve (a route to a target missing from the input: a
//! blackhole if its state says so, else a query through it answers unknown, RT-14a) and constructs
//! worth a second look.

use super::addr::{Cidr, IpFamily};
use super::diag::Diagnostic;
use super::ids::*;
use super::network::*;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// Runs every check and returns the findings, errors and warnings mixed, in a stable order.
pub fn validate(net: &Network) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_vpcs(net, &mut out);
    check_subnets(net, &mut out);
    check_route_tables(net, &mut out);
    check_network_acls(net, &mut out);
    check_security_groups(net, &mut out);
    check_interfaces(net, &mut out);
    check_gateways(net, &mut out);
    check_peering(net, &mut out);
    check_endpoints(net, &mut out);
    super::validate_tgw::check(net, &mut out);
    super::validate_onprem::check(net, &mut out);
    super::validate_quota::check(net, &mut out);
    super::validate_elb::check(net, &mut out);
    for u in &net.unsupported {
        out.push(
            Diagnostic::warning(
                "unsupported",
                format!("{}; a query whose path crosses it answers unknown", u.reason),
            )
            .from_provenance(&u.provenance),
        );
    }
    out
}

fn err(code: &str, p: &Provenance, msg: String) -> Diagnostic {
    Diagnostic::error(code, msg).from_provenance(p)
}

fn warn(code: &str, p: &Provenance, msg: String) -> Diagnostic {
    Diagnostic::warning(code, msg).from_provenance(p)
}

use super::provenance::Provenance;

fn check_vpcs(net: &Network, out: &mut Vec<Diagnostic>) {
    for vpc in net.vpcs.values() {
        if vpc.cidrs_v4.is_empty() && vpc.cidrs_v6.is_empty() {
            out.push(err(
                "vpc-without-cidr",
                &vpc.provenance,
                format!("vpc `{}` has no CIDR block", vpc.id),
            ));
        }
        for c in &vpc.cidrs_v4 {
            if !(16..=28).contains(&c.prefix_len()) {
                out.push(err(
                    "vpc-cidr-size",
                    &vpc.provenance,
                    format!(
                        "vpc `{}` has CIDR block {c}: VPC IPv4 blocks must be /16 to /28 (SUB-5)",
                        vpc.id
                    ),
                ));
            }
        }
        for c in &vpc.cidrs_v6 {
            if c.family() != IpFamily::V6 {
                out.push(err(
                    "vpc-cidr-family",
                    &vpc.provenance,
                    format!("vpc `{}` lists {c} as an IPv6 block", vpc.id),
                ));
            }
        }
        for (i, a) in vpc.cidrs().enumerate() {
            for b in vpc.cidrs().skip(i + 1) {
                if a.overlaps(b) {
                    out.push(err(
                        "vpc-cidr-overlap",
                        &vpc.provenance,
                        format!("vpc `{}` has overlapping CIDR blocks {a} and {b}", vpc.id),
                    ));
                }
            }
        }
    }
}

fn check_subnets(net: &Network, out: &mut Vec<Diagnostic>) {
    let mut by_vpc: BTreeMap<&VpcId, Vec<&Subnet>> = BTreeMap::new();
    for s in net.subnets.values() {
        by_vpc.entry(&s.vpc).or_default().push(s);
        let Some(vpc) = net.vpcs.get(&s.vpc) else {
            out.push(err(
                "dangling-vpc",
                &s.provenance,
                format!("subnet `{}` names vpc `{}`, which is not in the input", s.id, s.vpc),
            ));
            continue;
        };
        if s.cidr_v4.is_none() && s.cidr_v6.is_none() {
            out.push(err(
                "subnet-without-cidr",
                &s.provenance,
                format!("subnet `{}` has no CIDR block", s.id),
            ));
        }
        if let Some(c) = &s.cidr_v4 {
            if c.family() != IpFamily::V4 {
                out.push(err(
                    "subnet-cidr-family",
                    &s.provenance,
                    format!("subnet `{}` lists {c} as its IPv4 block", s.id),
                ));
            } else if !vpc.cidrs_v4.iter().any(|v| v.contains_cidr(c)) {
                out.push(err(
                    "subnet-outside-vpc",
                    &s.provenance,
                    format!(
                        "subnet `{}` ({c}) lies outside every IPv4 block of vpc `{}` ({}) (SUB-2)",
                        s.id,
                        vpc.id,
                        list(&vpc.cidrs_v4)
                    ),
                ));
            } else if !(16..=28).contains(&c.prefix_len()) {
                out.push(err(
                    "subnet-size",
                    &s.provenance,
                    format!("subnet `{}` is {c}: IPv4 subnets must be /16 to /28 (SUB-2)", s.id),
                ));
            }
        }
        if let Some(c) = &s.cidr_v6 {
            if c.family() != IpFamily::V6 {
                out.push(err(
                    "subnet-cidr-family",
                    &s.provenance,
                    format!("subnet `{}` lists {c} as its IPv6 block", s.id),
                ));
            } else if !vpc.cidrs_v6.iter().any(|v| v.contains_cidr(c)) {
                out.push(err(
                    "subnet-outside-vpc",
                    &s.provenance,
                    format!(
                        "subnet `{}` ({c}) lies outside every IPv6 block of vpc `{}`",
                        s.id, vpc.id
                    ),
                ));
            } else if c.prefix_len() != 64 {
                out.push(err(
                    "subnet-size",
                    &s.provenance,
                    format!("subnet `{}` is {c}: IPv6 subnets must be /64 (SUB-4)", s.id),
                ));
            }
        }
    }
    for subnets in by_vpc.values() {
        for (i, a) in subnets.iter().enumerate() {
            for b in subnets.iter().skip(i + 1) {
                for ca in a.cidrs() {
                    for cb in b.cidrs() {
                        if ca.overlaps(cb) {
                            out.push(err(
                                "subnet-overlap",
                                &b.provenance,
                                format!(
                                    "subnet `{}` ({cb}) overlaps subnet `{}` ({ca}) in vpc `{}` (SUB-2)",
                                    b.id, a.id, a.vpc
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }
}

fn route_target_exists(net: &Network, t: &RouteTarget) -> bool {
    match t {
        RouteTarget::Local | RouteTarget::Unsupported { .. } => true,
        RouteTarget::InternetGateway(i) => net.internet_gateways.contains_key(i),
        RouteTarget::EgressOnlyInternetGateway(i) => net.egress_only_internet_gateways.contains_key(i),
        RouteTarget::NatGateway(i) => net.nat_gateways.contains_key(i),
        RouteTarget::Instance(i) => net.instances.contains_key(i),
        RouteTarget::NetworkInterface(i) => net.network_interfaces.contains_key(i),
        RouteTarget::VpcPeeringConnection(i) => net.vpc_peering_connections.contains_key(i),
        RouteTarget::VpcEndpoint(i) => net.vpc_endpoints.contains_key(i),
        RouteTarget::VpnGateway(i) => net.vpn_gateways.contains_key(i),
        RouteTarget::TransitGateway(i) => net.transit_gateways.contains_key(i),
    }
}

fn check_route_tables(net: &Network, out: &mut Vec<Diagnostic>) {
    let mut mains: BTreeMap<&VpcId, Vec<&RouteTableId>> = BTreeMap::new();
    let mut assoc: BTreeMap<&SubnetId, Vec<&RouteTableId>> = BTreeMap::new();
    for rt in net.route_tables.values() {
        if !net.vpcs.contains_key(&rt.vpc) {
            out.push(err(
                "dangling-vpc",
                &rt.provenance,
                format!(
                    "route table `{}` names vpc `{}`, which is not in the input",
                    rt.id, rt.vpc
                ),
            ));
        }
        if rt.main {
            mains.entry(&rt.vpc).or_default().push(&rt.id);
        }
        for s in &rt.subnets {
            assoc.entry(s).or_default().push(&rt.id);
            match net.subnets.get(s) {
                None => out.push(warn(
                    "dangling-reference",
                    &rt.provenance,
                    format!(
                        "route table `{}` is associated with subnet `{s}`, which is not in the input",
                        rt.id
                    ),
                )),
                Some(sub) if sub.vpc != rt.vpc => out.push(err(
                    "cross-vpc-association",
                    &rt.provenance,
                    format!(
                        "route table `{}` of vpc `{}` is associated with subnet `{s}` of vpc `{}`",
                        rt.id, rt.vpc, sub.vpc
                    ),
                )),
                Some(_) => {}
            }
        }
        for r in &rt.routes {
            if !route_target_exists(net, &r.target) {
                // What the walk does with it (RT-14, RT-14a): a `blackhole` route drops, an
                // `active` one to a target the input lacks answers unknown.
                let what = match r.state {
                    RouteState::Blackhole => "the route is a blackhole (RT-14): it drops what it matches".to_owned(),
                    RouteState::Active => format!(
                        "the route is active, so the input is incomplete (AWS marks a route blackhole when its target is gone): a query whose path takes this route answers unknown naming `{}` (RT-14a)",
                        r.target.id()
                    ),
                };
                out.push(warn(
                    "missing-route-target",
                    &r.provenance,
                    format!(
                        "route {} in `{}` targets `{}`, which is not in the input; {what}",
                        r.destination,
                        rt.id,
                        r.target.id()
                    ),
                ));
            }
            if let RouteDestination::PrefixList(pl) = &r.destination
                && !net.prefix_lists.contains_key(pl)
            {
                out.push(warn(
                    "missing-prefix-list",
                    &r.provenance,
                    format!("route in `{}` has destination prefix list `{pl}`, which is not in the input: the route matches nothing", rt.id),
                ));
            }
        }
    }
    for (vpc, tables) in &mains {
        if tables.len() > 1 {
            out.push(
                Diagnostic::error(
                    "multiple-main-route-tables",
                    format!("vpc `{vpc}` has several main route tables: {}", join(tables)),
                )
                .on(vpc.as_str()),
            );
        }
    }
    for vpc in net.vpcs.values() {
        if !mains.contains_key(&vpc.id) && net.subnets.values().any(|s| s.vpc == vpc.id) {
            out.push(warn(
                "no-main-route-table",
                &vpc.provenance,
                format!(
                    "vpc `{}` has no main route table: subnets without an explicit association route nothing",
                    vpc.id
                ),
            ));
        }
    }
    for (subnet, tables) in &assoc {
        if tables.len() > 1 {
            out.push(
                Diagnostic::error(
                    "subnet-multiple-route-tables",
                    format!(
                        "subnet `{subnet}` is associated with several route tables: {} (RT-1)",
                        join(tables)
                    ),
                )
                .on(subnet.as_str()),
            );
        }
    }
}

fn check_network_acls(net: &Network, out: &mut Vec<Diagnostic>) {
    let mut assoc: BTreeMap<&SubnetId, Vec<&NetworkAclId>> = BTreeMap::new();
    let mut defaults: BTreeSet<&VpcId> = BTreeSet::new();
    for acl in net.network_acls.values() {
        if !net.vpcs.contains_key(&acl.vpc) {
            out.push(err(
                "dangling-vpc",
                &acl.provenance,
                format!(
                    "network ACL `{}` names vpc `{}`, which is not in the input",
                    acl.id, acl.vpc
                ),
            ));
        }
        if acl.is_default {
            defaults.insert(&acl.vpc);
        }
        for s in &acl.subnets {
            assoc.entry(s).or_default().push(&acl.id);
            if !net.subnets.contains_key(s) {
                out.push(warn(
                    "dangling-reference",
                    &acl.provenance,
                    format!(
                        "network ACL `{}` is associated with subnet `{s}`, which is not in the input",
                        acl.id
                    ),
                ));
            }
        }
        let mut seen: BTreeSet<(Direction, u16)> = BTreeSet::new();
        for e in &acl.entries {
            let default_deny = e.rule_number >= NACL_DEFAULT_RULE_NUMBER
                && e.rule_number <= NACL_DEFAULT_RULE_NUMBER + 1
                && e.action == RuleAction::Deny
                && e.cidr.prefix_len() == 0;
            if (e.rule_number == 0 || e.rule_number >= NACL_DEFAULT_RULE_NUMBER) && !default_deny {
                out.push(err(
                    "acl-rule-number",
                    &e.provenance,
                    format!(
                        "network ACL `{}` has {} rule number {}: rule numbers must be 1 to 32766 (NACL-4)",
                        acl.id, e.direction, e.rule_number
                    ),
                ));
            }
            if !seen.insert((e.direction, e.rule_number)) {
                out.push(err(
                    "acl-duplicate-rule-number",
                    &e.provenance,
                    format!(
                        "network ACL `{}` has two {} entries numbered {} (NACL-4)",
                        acl.id, e.direction, e.rule_number
                    ),
                ));
            }
        }
    }
    for (subnet, acls) in &assoc {
        if acls.len() > 1 {
            out.push(
                Diagnostic::error(
                    "subnet-multiple-network-acls",
                    format!(
                        "subnet `{subnet}` is associated with several network ACLs: {} (NACL-1)",
                        join(acls)
                    ),
                )
                .on(subnet.as_str()),
            );
        }
    }
    for vpc in net.vpcs.values() {
        if !defaults.contains(&vpc.id)
            && net
                .subnets
                .values()
                .any(|s| s.vpc == vpc.id && !assoc.contains_key(&s.id))
        {
            out.push(warn(
                "no-default-network-acl",
                &vpc.provenance,
                format!("vpc `{}` has no default network ACL: subnets without an explicit ACL pass no traffic across their boundary", vpc.id),
            ));
        }
    }
}

fn check_security_groups(net: &Network, out: &mut Vec<Diagnostic>) {
    for sg in net.security_groups.values() {
        if !net.vpcs.contains_key(&sg.vpc) {
            out.push(err(
                "dangling-vpc",
                &sg.provenance,
                format!(
                    "security group `{}` names vpc `{}`, which is not in the input",
                    sg.id, sg.vpc
                ),
            ));
        }
        for r in sg.ingress.iter().chain(sg.egress.iter()) {
            match &r.peer {
                SecurityGroupPeer::SecurityGroup { id, .. } if !net.security_groups.contains_key(id) => out.push(warn(
                    "stale-group-reference",
                    &r.provenance,
                    format!("security group `{}` has a rule referencing group `{id}`, which is not in the input: the rule matches nothing (J14)", sg.id),
                )),
                SecurityGroupPeer::PrefixList { id } if !net.prefix_lists.contains_key(id) => out.push(warn(
                    "missing-prefix-list",
                    &r.provenance,
                    format!("security group `{}` has a rule referencing prefix list `{id}`, which is not in the input: the rule matches nothing", sg.id),
                )),
                _ => {}
            }
        }
    }
}

/// Interfaces AWS manages for a service (NAT gateway, endpoint). moto places their addresses
/// outside the subnet (moto deviation 6), so address checks on them only warn.
fn service_managed_interfaces(net: &Network) -> BTreeSet<&NetworkInterfaceId> {
    let mut s: BTreeSet<&NetworkInterfaceId> = BTreeSet::new();
    for n in net.nat_gateways.values() {
        s.extend(n.addresses.iter().filter_map(|a| a.network_interface.as_ref()));
    }
    for e in net.vpc_endpoints.values() {
        s.extend(e.network_interfaces.iter());
    }
    for eni in net.network_interfaces.values() {
        if eni.requester_managed
            || matches!(
                eni.interface_type.as_str(),
                "nat_gateway" | "natGateway" | "vpc_endpoint"
            )
        {
            s.insert(&eni.id);
        }
    }
    s
}

/// True iff `addr` is one of the five IPv4 addresses AWS reserves in subnet block `c` (SUB-3):
/// the first four and the last.
fn is_reserved_v4(c: &Cidr, addr: &IpAddr) -> bool {
    let (base, _) = c.to_bits();
    let a = super::addr::ip_to_u128(addr);
    (base..base + 4).contains(&a) || a == super::addr::ip_to_u128(&c.last())
}

fn check_interfaces(net: &Network, out: &mut Vec<Diagnostic>) {
    let managed = service_managed_interfaces(net);
    // Every private address with its holder, sorted below to find the addresses held twice.
    let mut holders: Vec<(IpAddr, &NetworkInterfaceId)> = Vec::with_capacity(net.network_interfaces.len());
    for eni in net.network_interfaces.values() {
        let Some(subnet) = net.subnets.get(&eni.subnet) else {
            out.push(err(
                "dangling-subnet",
                &eni.provenance,
                format!(
                    "network interface `{}` names subnet `{}`, which is not in the input",
                    eni.id, eni.subnet
                ),
            ));
            continue;
        };
        if subnet.vpc != eni.vpc {
            out.push(err(
                "cross-vpc-interface",
                &eni.provenance,
                format!(
                    "network interface `{}` says vpc `{}` but its subnet `{}` is in vpc `{}`",
                    eni.id, eni.vpc, subnet.id, subnet.vpc
                ),
            ));
        }
        let is_managed = managed.contains(&eni.id);
        for addr in eni.private_addresses() {
            holders.push((addr, &eni.id));
            let cidr = match addr {
                IpAddr::V4(_) => subnet.cidr_v4.as_ref(),
                IpAddr::V6(_) => subnet.cidr_v6.as_ref(),
            };
            let inside = cidr.is_some_and(|c| c.contains(&addr));
            if !inside {
                let msg = format!(
                    "network interface `{}` has address {addr} outside its subnet `{}` ({})",
                    eni.id,
                    subnet.id,
                    cidr.map(|c| c.to_string())
                        .unwrap_or_else(|| "no block of that family".into())
                );
                if is_managed {
                    out.push(warn("address-outside-subnet", &eni.provenance, format!("{msg}; it is managed by an AWS service, so this is kept (moto places such addresses outside the subnet)")));
                } else {
                    out.push(err("address-outside-subnet", &eni.provenance, msg));
                }
            } else if let (IpAddr::V4(_), Some(c)) = (addr, cidr)
                && is_reserved_v4(c, &addr)
            {
                out.push(err(
                    "reserved-address",
                    &eni.provenance,
                    format!("network interface `{}` has address {addr}, one of the five addresses AWS reserves in subnet `{}` ({c}) (SUB-3)", eni.id, subnet.id),
                ));
            }
        }
        for g in &eni.groups {
            match net.security_groups.get(g) {
                None => out.push(warn(
                    "dangling-reference",
                    &eni.provenance,
                    format!("network interface `{}` carries security group `{g}`, which is not in the input: it allows nothing", eni.id),
                )),
                Some(sg) if sg.vpc != eni.vpc => out.push(err(
                    "cross-vpc-group",
                    &eni.provenance,
                    format!("network interface `{}` in vpc `{}` carries security group `{g}` of vpc `{}` (SG-5)", eni.id, eni.vpc, sg.vpc),
                )),
                Some(_) => {}
            }
        }
    }
    holders.sort_unstable();
    for same in holders.chunk_by(|a, b| a.0 == b.0) {
        let addr = same[0].0;
        let enis: Vec<&NetworkInterfaceId> = same.iter().map(|(_, e)| *e).collect();
        if enis.len() > 1 {
            out.push(
                Diagnostic::error(
                    "duplicate-address",
                    format!("address {addr} is held by several network interfaces: {}", join(&enis)),
                )
                .on(enis[0].as_str()),
            );
        }
    }
    for inst in net.instances.values() {
        for e in &inst.network_interfaces {
            if !net.network_interfaces.contains_key(e) {
                out.push(warn(
                    "dangling-reference",
                    &inst.provenance,
                    format!(
                        "instance `{}` lists network interface `{e}`, which is not in the input",
                        inst.id
                    ),
                ));
            }
        }
    }
}

fn check_gateways(net: &Network, out: &mut Vec<Diagnostic>) {
    let mut igws: BTreeMap<&VpcId, Vec<&InternetGatewayId>> = BTreeMap::new();
    for igw in net.internet_gateways.values() {
        for v in &igw.vpcs {
            igws.entry(v).or_default().push(&igw.id);
            if !net.vpcs.contains_key(v) {
                out.push(warn(
                    "dangling-reference",
                    &igw.provenance,
                    format!(
                        "internet gateway `{}` is attached to vpc `{v}`, which is not in the input",
                        igw.id
                    ),
                ));
            }
        }
    }
    for (vpc, list) in igws {
        if list.len() > 1 {
            out.push(
                Diagnostic::error(
                    "multiple-internet-gateways",
                    format!(
                        "vpc `{vpc}` has several internet gateways attached: {} (IGW-1)",
                        join(&list)
                    ),
                )
                .on(vpc.as_str()),
            );
        }
    }
    let mut eigws: BTreeMap<&VpcId, Vec<&EgressOnlyInternetGatewayId>> = BTreeMap::new();
    for g in net.egress_only_internet_gateways.values() {
        for v in &g.vpcs {
            eigws.entry(v).or_default().push(&g.id);
        }
    }
    for (vpc, list) in eigws {
        if list.len() > 1 {
            out.push(
                Diagnostic::error(
                    "multiple-egress-only-gateways",
                    format!(
                        "vpc `{vpc}` has several egress-only internet gateways: {} (V6-1)",
                        join(&list)
                    ),
                )
                .on(vpc.as_str()),
            );
        }
    }
    for nat in net.nat_gateways.values() {
        let Some(subnet) = net.subnets.get(&nat.subnet) else {
            out.push(err(
                "dangling-subnet",
                &nat.provenance,
                format!(
                    "NAT gateway `{}` names subnet `{}`, which is not in the input",
                    nat.id, nat.subnet
                ),
            ));
            continue;
        };
        for a in &nat.addresses {
            let ip = IpAddr::V4(a.private_ip);
            if !subnet.contains(&ip) && !a.assigned_at_apply {
                out.push(warn(
                    "address-outside-subnet",
                    &nat.provenance,
                    format!("NAT gateway `{}` has private address {ip} outside its subnet `{}` (moto does this; AWS does not)", nat.id, subnet.id),
                ));
            }
        }
        if nat.connectivity == ConnectivityType::Public
            && nat.addresses.iter().all(|a| a.public_ip.is_none())
            && nat.state == "available"
        {
            out.push(warn(
                "nat-without-elastic-ip",
                &nat.provenance,
                format!(
                    "public NAT gateway `{}` has no Elastic IP: the internet gateway drops its traffic",
                    nat.id
                ),
            ));
        }
    }
}

fn check_peering(net: &Network, out: &mut Vec<Diagnostic>) {
    for pcx in net.vpc_peering_connections.values() {
        let (Some(a), Some(b)) = (net.vpcs.get(&pcx.requester), net.vpcs.get(&pcx.accepter)) else {
            out.push(warn(
                "peer-vpc-not-modelled",
                &pcx.provenance,
                format!(
                    "peering connection `{}` joins `{}` and `{}`, and one of them is not in the input: traffic across it reaches nothing modelled",
                    pcx.id, pcx.requester, pcx.accepter
                ),
            ));
            continue;
        };
        for ca in a.cidrs() {
            for cb in b.cidrs() {
                if ca.overlaps(cb) {
                    out.push(err(
                        "peering-overlap",
                        &pcx.provenance,
                        format!("peering connection `{}` joins vpc `{}` ({ca}) and vpc `{}` ({cb}), whose CIDR blocks overlap (PCX-2)", pcx.id, a.id, b.id),
                    ));
                }
            }
        }
    }
}

fn check_endpoints(net: &Network, out: &mut Vec<Diagnostic>) {
    for e in net.vpc_endpoints.values() {
        // A Gateway Load Balancer endpoint (or any type other than gateway and interface) is not
        // interpreted: said whether or not a route targets it (a route that does is also an
        // unsupported target, answering unknown).
        if let VpcEndpointType::Other(kind) = &e.endpoint_type {
            out.push(warn(
                "unsupported",
                &e.provenance,
                format!(
                    "endpoint `{}` is a `{kind}` endpoint, which is not modelled: a path through it answers unknown",
                    e.id
                ),
            ));
        }
        for rt in &e.route_tables {
            if !net.route_tables.contains_key(rt) {
                out.push(warn(
                    "dangling-reference",
                    &e.provenance,
                    format!(
                        "endpoint `{}` is associated with route table `{rt}`, which is not in the input",
                        e.id
                    ),
                ));
            }
        }
        for eni in &e.network_interfaces {
            if !net.network_interfaces.contains_key(eni) {
                out.push(warn(
                    "dangling-reference",
                    &e.provenance,
                    format!(
                        "endpoint `{}` lists network interface `{eni}`, which is not in the input",
                        e.id
                    ),
                ));
            }
        }
    }
}

fn list(c: &[Cidr]) -> String {
    c.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ")
}
