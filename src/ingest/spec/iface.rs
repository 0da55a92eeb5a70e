//! The native spec's instances and network interfaces, and their addresses (`[instance.NAME]`, `[network_interface.NAME]`): their lowering into the model, split from the parent module by
//! concern. Must not touch: other resources' tables.

use super::*;

impl<'t> Lower<'_, 't> {
    pub(super) fn instance(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let subnet: Option<SubnetId> = self.req_ref(&f, "subnet", Kind::Subnet);
        let addresses = self.addresses(&f, d.name);
        let vpc = subnet.as_ref().and_then(|s| self.vpc_of(s));
        let groups = self.groups(&f, vpc.as_ref());
        let source_dest_check = f.bool("source_dest_check", true);
        let state = f
            .str("state")
            .map(|(s, _)| s.to_owned())
            .unwrap_or_else(|| "running".into());
        if let Some((s, at)) = f.str("interface_id") {
            check_prefix(&f, "interface_id", s, at, NetworkInterfaceId::PREFIX);
        }
        let tags = f.tags(d.name);
        let (Some(subnet), Some(vpc), Some((private_ipv4, ipv6))) = (subnet, vpc, addresses) else {
            return;
        };
        let id = InstanceId::new(d.id.clone());
        let eni_id = NetworkInterfaceId::new(self.instance_interface_id(d));
        let prov = self.cx.provenance(&d.id, d.at);
        let eni = NetworkInterface {
            id: eni_id.clone(),
            subnet,
            vpc,
            interface_type: "interface".into(),
            description: format!("primary network interface of `{id}`"),
            private_ipv4,
            ipv6,
            groups,
            source_dest_check,
            attachment: Some(InterfaceAttachment {
                instance: Some(id.clone()),
                device_index: Some(0),
                status: "attached".into(),
            }),
            requester_managed: false,
            status: "in-use".into(),
            tags: Tags::new(),
            provenance: self.cx.provenance(eni_id.as_str(), d.at),
        };
        if !insert_new(
            self.cx,
            &mut self.net.network_interfaces,
            eni_id.clone(),
            eni,
            "network interface",
            d.at,
        ) {
            return;
        }
        let inst = Instance {
            id: id.clone(),
            state,
            network_interfaces: vec![eni_id],
            tags,
            provenance: prov,
        };
        insert_new(self.cx, &mut self.net.instances, id, inst, "instance", d.at);
    }

    pub(super) fn network_interface(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let subnet: Option<SubnetId> = self.req_ref(&f, "subnet", Kind::Subnet);
        let addresses = self.addresses(&f, d.name);
        let vpc = subnet.as_ref().and_then(|s| self.vpc_of(s));
        let groups = self.groups(&f, vpc.as_ref());
        let source_dest_check = f.bool("source_dest_check", true);
        let instance = f
            .opt("instance", |s| self.resolve_one(&f, Kind::Instance, s))
            .map(|o| o.map(InstanceId::new));
        let device_index = match f.int(
            "device_index",
            "it must be 1 to 4294967295 (0 is the instance's primary interface)",
            |n| u32::try_from(n).ok().filter(|i| *i >= 1),
        ) {
            None if f.has("device_index") => None,
            None => Some(1),
            Some((i, _)) => Some(i),
        };
        if f.has("device_index") && !f.has("instance") {
            f.error(
                f.offset_of("device_index"),
                "`device_index` needs an `instance` to attach to",
            );
        }
        let description = f.str("description").map(|(s, _)| s.to_owned()).unwrap_or_default();
        let interface_type = f
            .str("type")
            .map(|(s, _)| s.to_owned())
            .unwrap_or_else(|| "interface".into());
        let requester_managed = f.bool("requester_managed", false);
        let tags = f.tags(d.name);
        let (Some(subnet), Some(vpc), Some((private_ipv4, ipv6)), Some(instance), Some(device_index)) =
            (subnet, vpc, addresses, instance, device_index)
        else {
            return;
        };
        let id = NetworkInterfaceId::new(d.id.clone());
        let attachment = instance.as_ref().map(|i| InterfaceAttachment {
            instance: Some(i.clone()),
            device_index: Some(device_index),
            status: "attached".into(),
        });
        let status = if attachment.is_some() { "in-use" } else { "available" };
        let eni = NetworkInterface {
            id: id.clone(),
            subnet,
            vpc,
            interface_type,
            description,
            private_ipv4,
            ipv6,
            groups,
            source_dest_check,
            attachment,
            requester_managed,
            status: status.into(),
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        if insert_new(
            self.cx,
            &mut self.net.network_interfaces,
            id.clone(),
            eni,
            "network interface",
            d.at,
        ) && let Some(instance) = instance
        {
            self.attachments.push(Attachment {
                instance,
                device_index,
                interface: id,
                at: d.at,
            });
        }
    }

    /// Attached interfaces join their instance after its primary one, by device index.
    pub(super) fn attach_interfaces(&mut self) {
        let mut attachments = std::mem::take(&mut self.attachments);
        attachments.sort_by(|a, b| (&a.instance, a.device_index).cmp(&(&b.instance, b.device_index)));
        let mut used: BTreeSet<(InstanceId, u32)> = BTreeSet::new();
        for a in attachments {
            if !used.insert((a.instance.clone(), a.device_index)) {
                self.cx.error(
                    "duplicate-device-index",
                    a.interface.as_str(),
                    a.at,
                    format!(
                        "instance `{}` already has an interface at device index {}",
                        a.instance, a.device_index
                    ),
                );
                continue;
            }
            if let Some(inst) = self.net.instances.get_mut(&a.instance) {
                inst.network_interfaces.push(a.interface);
            }
        }
    }

    /// The addresses of an instance or interface: `private_ip` (primary) with its `public_ip` or
    /// `elastic_ip` (IGW-2, IGW-7), `secondary_private_ips` (each a string, or a table with `ip`
    /// and `elastic_ip`), and `ipv6_addresses`. `None` after an error.
    pub(super) fn addresses(&self, f: &Fields<'_, 't>, owner: &str) -> Option<(Vec<PrivateIpv4>, Vec<Ipv6Addr>)> {
        let primary = f.opt("private_ip", |s| f.ipv4("private_ip", s));
        let public_ip = f.opt("public_ip", |s| f.ipv4("public_ip", s));
        let elastic_ip = elastic_ip(f, f.get("elastic_ip"), "elastic_ip", owner);
        let secondaries = secondary_ips(f, owner);
        let ipv6: Vec<Option<Ipv6Addr>> = f
            .strs("ipv6_addresses")
            .into_iter()
            .map(|s| f.ipv6("ipv6_addresses", s))
            .collect();
        let ipv6: Option<Vec<Ipv6Addr>> = ipv6.into_iter().collect();
        let (primary, public_ip, elastic_ip, secondaries, ipv6) =
            (primary?, public_ip?, elastic_ip?, secondaries?, ipv6?);
        let public = match (public_ip, elastic_ip) {
            (Some(_), Some(_)) => {
                f.error(
                    f.offset_of("elastic_ip"),
                    "an address has either a `public_ip` or an `elastic_ip`, not both",
                );
                return None;
            }
            (Some(a), None) => Some(PublicIpv4 {
                address: a,
                allocation_id: None,
                assigned_at_apply: false,
            }),
            (None, e) => e,
        };
        let Some(primary) = primary else {
            if public.is_some() {
                f.error(
                    f.offset_of(if f.has("public_ip") { "public_ip" } else { "elastic_ip" }),
                    "a public IPv4 maps to the primary `private_ip`, which is missing",
                );
                return None;
            }
            if !secondaries.is_empty() {
                f.error(
                    f.offset_of("secondary_private_ips"),
                    "`secondary_private_ips` needs a primary `private_ip`",
                );
                return None;
            }
            if ipv6.is_empty() {
                f.cx.error(
                    "missing-key",
                    f.resource,
                    f.at,
                    "missing required key `private_ip` (or `ipv6_addresses` in an IPv6-only subnet)",
                );
                return None;
            }
            return Some((Vec::new(), ipv6));
        };
        let mut v4 = vec![PrivateIpv4 {
            address: primary,
            primary: true,
            public_ip: public,
            assigned_at_apply: false,
        }];
        v4.extend(secondaries);
        Some((v4, ipv6))
    }

    // ----- NAT gateways and endpoints --------------------------------------------------------
}
