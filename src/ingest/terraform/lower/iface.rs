//! Network interfaces and what holds them (SEMANTICS.md §3, §5.3, §5.4): `aws_instance`
//! (its primary interface, or the `network_interface` blocks it attaches), `aws_network_interface`
//! with its attachment and group attachment resources, `aws_eip` / `aws_eip_association`
//! (public mapping of one private IPv4, IGW-2), and `aws_nat_gateway` (NGW-1, NGW-2).
//!
//! Addresses unknown until apply are left as placeholders marked `assigned_at_apply`;
//! `examples` gives them example values once every known address is in place.

use super::vpc::{need, required, tags};
use super::{Kind, Lx, Obj, Pick, Val};
use crate::ingest::terraform::document::Inst;
use crate::model::*;
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

/// A private IPv4 to be given an example value.
pub fn placeholder_private(primary: bool) -> PrivateIpv4 {
    PrivateIpv4 {
        address: Ipv4Addr::UNSPECIFIED,
        primary,
        public_ip: None,
        assigned_at_apply: true,
    }
}

/// A public IPv4 to be given an example value.
pub fn placeholder_public(allocation_id: Option<String>) -> PublicIpv4 {
    PublicIpv4 {
        address: Ipv4Addr::UNSPECIFIED,
        allocation_id,
        assigned_at_apply: true,
    }
}

fn ipv4(lx: &mut Lx<'_>, inst: &Inst, what: &str, text: &str) -> Option<Ipv4Addr> {
    match text.parse::<Ipv4Addr>() {
        Ok(a) => Some(a),
        Err(_) => {
            lx.error(
                "bad-value",
                &inst.address,
                format!("`{what}` of `{}` is not an IPv4 address: `{text}`", inst.address),
            );
            None
        }
    }
}

fn ipv6s(o: Obj<'_>, field: &str) -> Vec<Ipv6Addr> {
    o.strs(field).0.iter().filter_map(|s| s.parse().ok()).collect()
}

fn default_group(lx: &Lx<'_>, vpc: &VpcId) -> Option<String> {
    lx.defaults
        .values()
        .find(|d| d.vpc == vpc.as_str())
        .map(|d| d.security_group.clone())
}

/// The subnet named by `subnet_id`, and its VPC, when both are in the network.
fn subnet_of(lx: &mut Lx<'_>, inst: &Inst, o: Obj<'_>) -> Option<(SubnetId, VpcId)> {
    let id = SubnetId::new(required(lx, inst, o, "subnet_id", Kind::Subnet)?);
    match lx.net.subnets.get(&id) {
        Some(s) => Some((id, s.vpc.clone())),
        None => {
            lx.warn(
                "dangling-reference",
                &inst.address,
                format!("`{}` is in subnet `{id}`, which is not in the input", inst.address),
            );
            None
        }
    }
}

/// Private IPv4 addresses: the known ones (primary first), else one example placeholder.
fn private_addresses(lx: &mut Lx<'_>, inst: &Inst, primary: Val<String>, others: Vec<String>) -> Vec<PrivateIpv4> {
    let mut out: Vec<PrivateIpv4> = Vec::new();
    let mut texts: Vec<String> = primary.known().into_iter().collect();
    texts.extend(others);
    for t in texts {
        if let Some(a) = ipv4(lx, inst, "private_ip", &t)
            && !out.iter().any(|p| p.address == a)
        {
            out.push(PrivateIpv4 {
                address: a,
                primary: out.is_empty(),
                public_ip: None,
                assigned_at_apply: false,
            });
        }
    }
    if out.is_empty() {
        out.push(placeholder_private(true));
    }
    out
}

/// Security groups of an interface: the named ones, else the VPC's default group (AWS puts an
/// interface launched without groups in the default group).
fn groups(lx: &mut Lx<'_>, inst: &Inst, o: Obj<'_>, field: &str, vpc: &VpcId) -> Vec<SecurityGroupId> {
    let (mut ids, unresolved) = lx.pick_many(inst, o, &[field], &[Kind::SecurityGroup]);
    if let Some(refs) = unresolved {
        lx.report(inst, field, &[Kind::SecurityGroup], &Pick::Unresolved(refs));
        return Vec::new();
    }
    if ids.is_empty() {
        ids.extend(default_group(lx, vpc));
    }
    ids.into_iter().map(SecurityGroupId::new).collect()
}

/// Every interface, instance, Elastic IP and NAT gateway.
pub fn interfaces(lx: &mut Lx<'_>) {
    network_interfaces(lx);
    instances(lx);
    attachments(lx);
    link_instances(lx);
    let eips = elastic_ips(lx);
    nat_gateways(lx, &eips);
}

fn network_interfaces(lx: &mut Lx<'_>) {
    for e in lx.of_type("aws_network_interface").collect::<Vec<_>>() {
        let o = Obj::of(e);
        let Some((subnet, vpc)) = subnet_of(lx, e, o) else {
            continue;
        };
        let (others, _) = o.strs("private_ips");
        let private_ipv4 = private_addresses(lx, e, o.s("private_ip"), others);
        let groups = groups(lx, e, o, "security_groups", &vpc);
        let mut attachment = None;
        let (blocks, _) = o.blocks("attachment");
        for b in blocks {
            let p = lx.pick(e, b, &["attachment", "instance"], &[Kind::Instance]);
            lx.report(e, "attachment.instance", &[Kind::Instance], &p);
            if let Some(i) = p.id() {
                attachment = Some(InterfaceAttachment {
                    instance: Some(InstanceId::new(i)),
                    device_index: b.i("device_index").known().and_then(|d| u32::try_from(d).ok()),
                    status: "attached".into(),
                });
            }
        }
        let eni = NetworkInterface {
            id: NetworkInterfaceId::new(lx.id(&e.address)),
            subnet,
            vpc,
            interface_type: o.s("interface_type").known().unwrap_or_else(|| "interface".into()),
            description: o.s("description").known().unwrap_or_default(),
            private_ipv4,
            ipv6: ipv6s(o, "ipv6_addresses"),
            groups,
            source_dest_check: o.b("source_dest_check").known().unwrap_or(true),
            status: if attachment.is_some() { "in-use" } else { "available" }.into(),
            attachment,
            requester_managed: false,
            tags: tags(o),
            provenance: lx.prov(e),
        };
        lx.net.network_interfaces.insert(eni.id.clone(), eni);
    }
}

fn instances(lx: &mut Lx<'_>) {
    for i in lx.of_type("aws_instance").collect::<Vec<_>>() {
        let o = Obj::of(i);
        let id = InstanceId::new(lx.id(&i.address));
        let (blocks, _) = o.blocks("network_interface");
        let mut enis: Vec<(u32, NetworkInterfaceId)> = Vec::new();
        for b in blocks {
            let p = lx.pick(
                i,
                b,
                &["network_interface", "network_interface_id"],
                &[Kind::NetworkInterface],
            );
            lx.report(
                i,
                "network_interface.network_interface_id",
                &[Kind::NetworkInterface],
                &p,
            );
            let (Some(eni), Some(index)) = (p.id(), b.i("device_index").known().and_then(|d| u32::try_from(d).ok()))
            else {
                continue;
            };
            let eni = NetworkInterfaceId::new(eni);
            if let Some(x) = lx.net.network_interfaces.get_mut(&eni) {
                x.attachment = Some(InterfaceAttachment {
                    instance: Some(id.clone()),
                    device_index: Some(index),
                    status: "attached".into(),
                });
                x.status = "in-use".into();
            }
            enis.push((index, eni));
        }
        if enis.is_empty() {
            primary_interface(lx, i, &id);
        }
        let inst = Instance {
            id: id.clone(),
            state: o.s("instance_state").known().unwrap_or_else(|| "running".into()),
            network_interfaces: Vec::new(),
            tags: tags(o),
            provenance: lx.prov(i),
        };
        lx.net.instances.insert(id, inst);
    }
}

/// The primary interface of an instance launched into a subnet (no `network_interface` block).
fn primary_interface(lx: &mut Lx<'_>, i: &Inst, id: &InstanceId) {
    let o = Obj::of(i);
    let Some((subnet, vpc)) = subnet_of(lx, i, o) else {
        return;
    };
    let (others, _) = o.strs("secondary_private_ips");
    let mut private_ipv4 = private_addresses(lx, i, o.s("private_ip"), others);
    let mut gs = groups(lx, i, o, "vpc_security_group_ids", &vpc);
    // `security_groups` holds group names (default-VPC style); map them within the VPC.
    let (names, _) = o.strs("security_groups");
    if !names.is_empty() && o.strs("vpc_security_group_ids").0.is_empty() {
        let named: Vec<SecurityGroupId> = lx
            .net
            .security_groups
            .values()
            .filter(|g| g.vpc == vpc && (names.contains(&g.name) || names.contains(&g.id.to_string())))
            .map(|g| g.id.clone())
            .collect();
        if !named.is_empty() {
            gs = named;
        }
    }
    let map_public = lx.net.subnets.get(&subnet).is_some_and(|s| s.map_public_ip_on_launch);
    let public = match o.s("public_ip") {
        Val::Known(t) => ipv4(lx, i, "public_ip", &t).map(|a| PublicIpv4 {
            address: a,
            allocation_id: None,
            assigned_at_apply: false,
        }),
        // IGW-7: the launch request overrides the subnet's auto-assign attribute.
        Val::Unknown => match o.b("associate_public_ip_address") {
            Val::Known(true) => Some(placeholder_public(None)),
            Val::Known(false) => None,
            _ => map_public.then(|| placeholder_public(None)),
        },
        Val::Absent => None,
    };
    if let Some(first) = private_ipv4.first_mut() {
        first.public_ip = public;
    }
    let eni = NetworkInterface {
        id: NetworkInterfaceId::new(lx.primary_eni.get(&i.address).cloned().unwrap_or_default()),
        subnet,
        vpc,
        interface_type: "interface".into(),
        description: format!("primary network interface of `{}`", i.address),
        private_ipv4,
        ipv6: ipv6s(o, "ipv6_addresses"),
        groups: gs,
        source_dest_check: o.b("source_dest_check").known().unwrap_or(true),
        attachment: Some(InterfaceAttachment {
            instance: Some(id.clone()),
            device_index: Some(0),
            status: "attached".into(),
        }),
        requester_managed: false,
        status: "in-use".into(),
        tags: tags(o),
        provenance: lx.prov(i).item("primary_network_interface_id"),
    };
    lx.net.network_interfaces.insert(eni.id.clone(), eni);
}

fn attachments(lx: &mut Lx<'_>) {
    for a in lx.of_type("aws_network_interface_attachment").collect::<Vec<_>>() {
        let o = Obj::of(a);
        let (Some(i), Some(e)) = (
            need(lx, a, o, &["instance_id"], &[Kind::Instance]),
            need(lx, a, o, &["network_interface_id"], &[Kind::NetworkInterface]),
        ) else {
            continue;
        };
        let device_index = o.i("device_index").known().and_then(|d| u32::try_from(d).ok());
        match lx.net.network_interfaces.get_mut(&NetworkInterfaceId::new(e.clone())) {
            Some(x) => {
                x.attachment = Some(InterfaceAttachment {
                    instance: Some(InstanceId::new(i)),
                    device_index,
                    status: "attached".into(),
                });
                x.status = "in-use".into();
            }
            None => lx.warn(
                "dangling-reference",
                &a.address,
                format!(
                    "`{}` attaches network interface `{e}`, which is not in the input",
                    a.address
                ),
            ),
        }
    }
    for a in lx.of_type("aws_network_interface_sg_attachment").collect::<Vec<_>>() {
        let o = Obj::of(a);
        let (Some(g), Some(e)) = (
            need(lx, a, o, &["security_group_id"], &[Kind::SecurityGroup]),
            need(lx, a, o, &["network_interface_id"], &[Kind::NetworkInterface]),
        ) else {
            continue;
        };
        let g = SecurityGroupId::new(g);
        match lx.net.network_interfaces.get_mut(&NetworkInterfaceId::new(e.clone())) {
            Some(x) => {
                if !x.groups.contains(&g) {
                    x.groups.push(g);
                }
            }
            None => lx.warn(
                "dangling-reference",
                &a.address,
                format!(
                    "`{}` adds a group to network interface `{e}`, which is not in the input",
                    a.address
                ),
            ),
        }
    }
}

/// Each instance's interfaces, primary (device index 0) first (SG-5, J20).
fn link_instances(lx: &mut Lx<'_>) {
    let mut by_instance: BTreeMap<InstanceId, Vec<(u32, NetworkInterfaceId)>> = BTreeMap::new();
    for e in lx.net.network_interfaces.values() {
        if let Some(InterfaceAttachment {
            instance: Some(i),
            device_index,
            ..
        }) = &e.attachment
        {
            by_instance
                .entry(i.clone())
                .or_default()
                .push((device_index.unwrap_or(u32::MAX), e.id.clone()));
        }
    }
    for (i, mut list) in by_instance {
        list.sort();
        if let Some(inst) = lx.net.instances.get_mut(&i) {
            inst.network_interfaces = list.into_iter().map(|x| x.1).collect();
        }
    }
}

/// One Elastic IP association: `(resource address, eip id, instance, interface, private ip)`.
type Association = (String, String, Option<String>, Option<String>, Option<String>);

/// Elastic IPs by model id: the public address (a placeholder when unknown until apply), and
/// their associations applied to interfaces.
fn elastic_ips(lx: &mut Lx<'_>) -> BTreeMap<String, PublicIpv4> {
    let mut eips: BTreeMap<String, PublicIpv4> = BTreeMap::new();
    let mut assoc: Vec<Association> = Vec::new();
    for e in lx.of_type("aws_eip").collect::<Vec<_>>() {
        let o = Obj::of(e);
        let id = lx.id(&e.address);
        let public = match o.s("public_ip") {
            Val::Known(t) => match ipv4(lx, e, "public_ip", &t) {
                Some(a) => PublicIpv4 {
                    address: a,
                    allocation_id: Some(id.clone()),
                    assigned_at_apply: false,
                },
                None => continue,
            },
            _ => placeholder_public(Some(id.clone())),
        };
        eips.insert(id.clone(), public);
        let inst = match lx.pick(e, o, &["instance"], &[Kind::Instance]) {
            p @ (Pick::Ambiguous(_) | Pick::Unresolved(_)) => {
                lx.report(e, "instance", &[Kind::Instance], &p);
                None
            }
            p => p.id().map(str::to_owned),
        };
        let eni = need(lx, e, o, &["network_interface"], &[Kind::NetworkInterface]);
        if inst.is_some() || eni.is_some() {
            assoc.push((
                e.address.clone(),
                id,
                inst,
                eni,
                o.s("associate_with_private_ip").known(),
            ));
        }
    }
    for a in lx.of_type("aws_eip_association").collect::<Vec<_>>() {
        let o = Obj::of(a);
        let eip = need(lx, a, o, &["allocation_id"], &[Kind::Eip]).or_else(|| {
            let ip = o.s("public_ip").known()?;
            eips.iter()
                .find(|(_, p)| p.address.to_string() == ip)
                .map(|(k, _)| k.clone())
        });
        let Some(eip) = eip else { continue };
        let inst = need(lx, a, o, &["instance_id"], &[Kind::Instance]);
        let eni = need(lx, a, o, &["network_interface_id"], &[Kind::NetworkInterface]);
        assoc.push((a.address.clone(), eip, inst, eni, o.s("private_ip_address").known()));
    }
    // A public NAT gateway's Elastic IP is associated with the gateway's own interface, which is
    // not a model interface: the NAT gateway carries the address itself.
    let nat_enis: Vec<String> = lx
        .of_type("aws_nat_gateway")
        .filter_map(|n| Obj::of(n).s("network_interface_id").known())
        .collect();
    for (address, eip, inst, eni, private) in assoc {
        if inst.is_none() && eni.as_ref().is_some_and(|e| nat_enis.contains(e)) {
            continue;
        }
        let Some(public) = eips.get(&eip).cloned() else {
            lx.warn(
                "dangling-reference",
                &address,
                format!("`{address}` associates elastic ip `{eip}`, which is not in the input"),
            );
            continue;
        };
        let eni = eni.map(NetworkInterfaceId::new).or_else(|| {
            let i = InstanceId::new(inst?);
            lx.net.instances.get(&i)?.primary_interface().cloned()
        });
        let Some(x) = eni.and_then(|e| lx.net.network_interfaces.get_mut(&e)) else {
            lx.warn(
                "dangling-reference",
                &address,
                format!("`{address}` associates elastic ip `{eip}` with an interface that is not in the input"),
            );
            continue;
        };
        let wanted: Option<Ipv4Addr> = private.and_then(|p| p.parse().ok());
        let slot = match wanted {
            Some(w) => x.private_ipv4.iter_mut().find(|p| p.address == w),
            None => x.private_ipv4.iter_mut().find(|p| p.primary),
        };
        let holder = x.id.to_string();
        match slot {
            // IGW-2: the Elastic IP replaces any auto-assigned public IPv4 of that address.
            Some(p) => p.public_ip = Some(public),
            None => lx.warn(
                "dangling-reference",
                &address,
                format!("`{address}` maps elastic ip `{eip}` to a private address `{holder}` does not hold"),
            ),
        }
    }
    eips
}

fn nat_gateways(lx: &mut Lx<'_>, eips: &BTreeMap<String, PublicIpv4>) {
    for n in lx.of_type("aws_nat_gateway").collect::<Vec<_>>() {
        let o = Obj::of(n);
        let Some((subnet, vpc)) = subnet_of(lx, n, o) else {
            continue;
        };
        let connectivity = match o.s("connectivity_type").known().as_deref() {
            Some("private") => ConnectivityType::Private,
            _ => ConnectivityType::Public,
        };
        let (private_ip, private_unknown) = match o.s("private_ip").known() {
            Some(t) => match ipv4(lx, n, "private_ip", &t) {
                Some(a) => (a, false),
                None => continue,
            },
            None => (Ipv4Addr::UNSPECIFIED, true),
        };
        let (public_ip, public_unknown) = match connectivity {
            ConnectivityType::Private => (None, false),
            ConnectivityType::Public => match o.s("public_ip").known() {
                Some(t) => (ipv4(lx, n, "public_ip", &t), false),
                None => {
                    let eip = need(lx, n, o, &["allocation_id"], &[Kind::Eip]);
                    match eip.and_then(|e| eips.get(&e)) {
                        Some(p) => (Some(p.address), p.assigned_at_apply),
                        None => (Some(Ipv4Addr::UNSPECIFIED), true),
                    }
                }
            },
        };
        let nat = NatGateway {
            id: NatGatewayId::new(lx.id(&n.address)),
            vpc,
            subnet,
            connectivity,
            state: o.s("state").known().unwrap_or_else(|| "available".into()),
            addresses: vec![NatGatewayAddress {
                private_ip,
                public_ip,
                network_interface: o.s("network_interface_id").known().map(NetworkInterfaceId::new),
                primary: true,
                assigned_at_apply: private_unknown || public_unknown,
            }],
            tags: tags(o),
            provenance: lx.prov(n),
        };
        lx.net.nat_gateways.insert(nat.id.clone(), nat);
    }
}
