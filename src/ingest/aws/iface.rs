//! Network interfaces, instances and Elastic IPs (`describe-network-interfaces`,
//! `describe-instances`, `describe-addresses`).
//!
//! Implements: IGW-2/IGW-7 input side (each private IPv4 with the public IPv4 or Elastic IP mapped
//! to it: per-address `Association`, the interface's top-level `Association` for its primary
//! address, an instance's `PublicIpAddress`, and `describe-addresses` filling in what is still
//! missing), SG-5 (groups belong to interfaces), NI-2 (`SourceDestCheck`, on unless the input says
//! otherwise) and NI-5 (terminated instances are skipped: AWS itself marks routes to them
//! `blackhole`; one the input still says is `active` answers unknown, RT-14a).
//!
//! The interface view (`NetworkInterfaces`) is the description of record. An instance's
//! `NetworkInterfaces[]` add the interfaces it did not list and the attachment's instance id,
//! which the instance view omits.

use super::json::{Bad, Obj, R};
use super::{Loc, Lower, Pending, insert, state};
use crate::model::{
    Instance, InstanceId, InterfaceAttachment, NetworkInterface, NetworkInterfaceId, PrivateIpv4, PublicIpv4,
    SecurityGroupId, Unsupported, VpcId,
};
use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;

/// What lowering one `Reservations` list keeps between blocks of its items: the interfaces the
/// interface view attaches to each instance, and where each instance was first listed.
#[derive(Debug)]
pub(super) struct Listing {
    by_instance: BTreeMap<InstanceId, Vec<(Option<u32>, NetworkInterfaceId)>>,
    listed: HashMap<Box<str>, (usize, usize)>,
}

impl Lower {
    pub(super) fn network_interface(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let eni = self.build_interface(loc, o, None, None)?;
        insert(
            &mut self.net.network_interfaces,
            &mut self.diags,
            "network interface",
            eni.id.clone(),
            eni,
        );
        Ok(())
    }

    /// Builds one interface from the interface view or an instance's view. `instance` and
    /// `source_dest_check` are the instance's, used where the interface's own fields are absent.
    fn build_interface(
        &mut self,
        loc: Loc<'_>,
        o: &Obj<'_>,
        instance: Option<&InstanceId>,
        source_dest_check: Option<bool>,
    ) -> R<NetworkInterface> {
        let subnet = o.req_id("SubnetId")?;
        let vpc: VpcId = match o.id("VpcId")? {
            Some(v) => v.into(),
            None => self
                .net
                .subnets
                .get(&subnet.into())
                .map(|s| s.vpc.clone())
                .ok_or_else(|| Bad::missing(&o.field("VpcId")))?,
        };
        let mut private_ipv4: Vec<PrivateIpv4> = Vec::new();
        for a in o.items("PrivateIpAddresses")? {
            let addr = a.and_then(|a| private_address(&a));
            if let Some(addr) = self.entry(loc, addr, "private address skipped")
                && !private_ipv4.iter().any(|p| p.address == addr.address)
            {
                private_ipv4.push(addr);
            }
        }
        if let Some(primary) = o.ipv4("PrivateIpAddress")? {
            match private_ipv4.iter_mut().find(|p| p.address == primary) {
                Some(p) => p.primary = true,
                None => private_ipv4.push(PrivateIpv4 {
                    address: primary,
                    primary: true,
                    public_ip: None,
                    assigned_at_apply: false,
                }),
            }
        }
        private_ipv4.sort_by_key(|p| !p.primary);
        // The top-level `Association` is the primary private address's public IPv4 or EIP.
        if let Some(assoc) = o.obj("Association")?
            && let Some(public) = public_ip(&assoc)?
        {
            match private_ipv4.first_mut() {
                Some(p) if p.public_ip.is_none() => p.public_ip = Some(public),
                Some(_) => {}
                None => self.warn(
                    loc,
                    "public-ip-without-private",
                    format!(
                        "network interface `{}` has public IPv4 {} but no private IPv4 to map it to: ignored",
                        loc.resource, public.address
                    ),
                ),
            }
        }
        let mut ipv6 = Vec::new();
        for a in o.items("Ipv6Addresses")? {
            let addr = a.and_then(|a| {
                a.ipv6("Ipv6Address")?
                    .ok_or_else(|| Bad::missing(&a.field("Ipv6Address")))
            });
            if let Some(addr) = self.entry(loc, addr, "IPv6 address skipped")
                && !ipv6.contains(&addr)
            {
                ipv6.push(addr);
            }
        }
        let mut groups: Vec<SecurityGroupId> = Vec::new();
        for g in o.objs("Groups")? {
            let g = SecurityGroupId::from(g.req_id("GroupId")?);
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
        let attachment = match o.obj("Attachment")? {
            None => instance.map(|i| InterfaceAttachment {
                instance: Some(i.clone()),
                device_index: None,
                status: String::new(),
            }),
            Some(a) => Some(InterfaceAttachment {
                instance: a.id("InstanceId")?.map(Into::into).or_else(|| instance.cloned()),
                device_index: match a.int("DeviceIndex")? {
                    None => None,
                    Some(n) => Some(u32::try_from(n).map_err(|_| {
                        Bad::invalid(format!(
                            "`{}` is {n}, which is not a device index",
                            a.field("DeviceIndex")
                        ))
                    })?),
                },
                status: state(a.str("Status")?, ""),
            }),
        };
        let eni = NetworkInterface {
            id: loc.resource.into(),
            subnet: subnet.into(),
            vpc,
            interface_type: o.str("InterfaceType")?.unwrap_or("interface").to_owned(),
            description: o.str("Description")?.unwrap_or_default().to_owned(),
            private_ipv4,
            ipv6,
            groups,
            source_dest_check: o.bool("SourceDestCheck")?.or(source_dest_check).unwrap_or(true),
            attachment,
            requester_managed: o.bool("RequesterManaged")?.unwrap_or(false),
            status: state(o.str("Status")?, ""),
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        // Delegated prefixes and `DenyAllIgwTraffic` change who owns an address or what the
        // internet gateway passes; the model has neither, so the interface is unsupported.
        let prefixes = o.list("Ipv4Prefixes")?.len() + o.list("Ipv6Prefixes")?.len();
        if prefixes > 0 {
            self.net.unsupported.push(Unsupported {
                component: eni.id.to_string(),
                reason: format!(
                    "network interface `{}` has {prefixes} delegated prefix(es), whose addresses are not modelled",
                    eni.id
                ),
                provenance: eni.provenance.clone(),
            });
        }
        if o.bool("DenyAllIgwTraffic")? == Some(true) {
            self.net.unsupported.push(Unsupported {
                component: eni.id.to_string(),
                reason: format!(
                    "network interface `{}` denies all internet gateway traffic (`DenyAllIgwTraffic`), which is not modelled",
                    eni.id
                ),
                provenance: eni.provenance.clone(),
            });
        }
        Ok(eni)
    }

    pub(super) fn reservations(&mut self, p: &Pending<'_>) {
        let mut listing = self.reservations_start();
        self.reservations_part(p, &mut listing);
    }

    /// What lowering one `Reservations` list keeps from one block of its items to the next.
    pub(super) fn reservations_start(&self) -> Listing {
        // Interfaces the interface view attaches to each instance, indexed once (an account may
        // hold thousands of both).
        let mut by_instance: BTreeMap<InstanceId, Vec<(Option<u32>, NetworkInterfaceId)>> = BTreeMap::new();
        for eni in self.net.network_interfaces.values() {
            if let Some(att) = &eni.attachment
                && let Some(instance) = &att.instance
            {
                by_instance
                    .entry(instance.clone())
                    .or_default()
                    .push((att.device_index, eni.id.clone()));
            }
        }
        Listing {
            by_instance,
            listed: HashMap::new(),
        }
    }

    /// Lowers the reservations `p.items` (at `p.offset` in their list).
    pub(super) fn reservations_part(&mut self, p: &Pending<'_>, listing: &mut Listing) {
        let Listing { by_instance, listed } = listing;
        // Where each instance of this output was first listed: AWS lists an instance once, so a
        // second listing (two pages concatenated, a reservation pasted twice) is reported and
        // skipped, even when it says the same (across files a repeat is the normal overlap of a
        // merged file and a per-command file, see `insert`).
        listed.reserve(p.items.len());
        for (i, item) in p.items.iter().enumerate() {
            let i = i + p.offset;
            let pos = format!("{}[{i}]", p.key);
            let loc = Loc {
                file: p.file,
                resource: &pos,
            };
            let instances = Obj::of(item, "").and_then(|r| r.items("Instances"));
            let Some(instances) = self.entry(loc, instances, "reservation skipped") else {
                continue;
            };
            for (j, inst) in instances.into_iter().enumerate() {
                let ipos = format!("{pos}.Instances[{j}]");
                let iloc = Loc {
                    file: p.file,
                    resource: &ipos,
                };
                let opened = inst.and_then(|o| Ok((o.req_id("InstanceId")?, o)));
                let Some((id, o)) = self.entry(iloc, opened, "instance skipped") else {
                    continue;
                };
                let loc = Loc {
                    file: p.file,
                    resource: id,
                };
                if let Some(&(fi, fj)) = listed.get(id) {
                    self.warn(
                        loc,
                        "duplicate-resource",
                        format!(
                            "instance `{id}` is listed twice in `{}`, at `{}[{fi}].Instances[{fj}]` and at `{ipos}`: the first listing is kept",
                            p.key, p.key
                        ),
                    );
                    continue;
                }
                listed.insert(id.into(), (i, j));
                let known = by_instance
                    .get(&InstanceId::from(id))
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                if let Err(bad) = self.instance(loc, &o, known) {
                    self.error(loc, bad, "instance skipped");
                }
            }
        }
    }

    /// One instance; `known` are the interfaces the interface view attaches to it.
    fn instance(&mut self, loc: Loc<'_>, o: &Obj<'_>, known: &[(Option<u32>, NetworkInterfaceId)]) -> R<()> {
        let id = InstanceId::from(loc.resource);
        let st = match o.obj("State")? {
            Some(s) => state(s.str("Name")?, "running"),
            None => "running".to_owned(),
        };
        if st == "terminated" {
            self.warn(
                loc,
                "terminated-instance",
                format!("instance `{id}` is terminated: skipped (AWS marks routes to it blackhole, NI-5)"),
            );
            return Ok(());
        }
        let tags = o.tags()?;
        let instance_sdc = o.bool("SourceDestCheck")?;
        let mut attached: Vec<(Option<u32>, NetworkInterfaceId)> = Vec::new();
        for e in o.items("NetworkInterfaces")? {
            let opened = e.and_then(|e| Ok((e.req_id("NetworkInterfaceId")?, e)));
            let Some((eni_id, e)) = self.entry(loc, opened, "network interface skipped") else {
                continue;
            };
            let eni_id = NetworkInterfaceId::from(eni_id);
            let eloc = Loc {
                file: loc.file,
                resource: eni_id.as_str(),
            };
            let device_index = match e.obj("Attachment")? {
                Some(a) => a.int("DeviceIndex")?.and_then(|n| u32::try_from(n).ok()),
                None => None,
            };
            if let Some(known) = self.net.network_interfaces.get_mut(&eni_id) {
                let att = known.attachment.get_or_insert_with(|| InterfaceAttachment {
                    instance: None,
                    device_index,
                    status: String::new(),
                });
                if att.instance.is_none() {
                    att.instance = Some(id.clone());
                }
            } else {
                let built = self.build_interface(eloc, &e, Some(&id), instance_sdc);
                let Some(eni) = self.entry(eloc, built, "network interface skipped") else {
                    continue;
                };
                self.net.network_interfaces.insert(eni_id.clone(), eni);
            }
            if !attached.iter().any(|(_, e)| *e == eni_id) {
                attached.push((device_index, eni_id));
            }
        }
        // Interfaces the interface view attaches to this instance but the instance view omits.
        for (device_index, eni) in known {
            if !attached.iter().any(|(_, e)| e == eni) {
                attached.push((*device_index, eni.clone()));
            }
        }
        // Primary (device index 0) first, J20.
        attached.sort_by_key(|(d, _)| d.unwrap_or(u32::MAX));
        let network_interfaces: Vec<NetworkInterfaceId> = attached.into_iter().map(|(_, e)| e).collect();
        if network_interfaces.is_empty() {
            self.warn(
                loc,
                "instance-without-interface",
                format!("instance `{id}` lists no network interface: it cannot send or receive, and routes to it are blackholes"),
            );
        }
        if let Some(public) = o.ipv4("PublicIpAddress")? {
            let private = o.ipv4("PrivateIpAddress")?;
            if let Some(primary) = network_interfaces.first() {
                self.map_public_ip(loc, primary, private, public, None);
            }
        }
        let instance = Instance {
            id: id.clone(),
            state: st,
            network_interfaces,
            tags,
            provenance: loc.provenance(),
        };
        insert(&mut self.net.instances, &mut self.diags, "instance", id, instance);
        Ok(())
    }

    /// Maps `public` to the private address `private` (or the primary one) of `eni` when that
    /// address has no public IPv4 yet; a different mapping already there is kept, with a warning.
    fn map_public_ip(
        &mut self,
        loc: Loc<'_>,
        eni: &NetworkInterfaceId,
        private: Option<Ipv4Addr>,
        public: Ipv4Addr,
        allocation_id: Option<&str>,
    ) {
        let Some(iface) = self.net.network_interfaces.get_mut(eni) else {
            self.warn(
                loc,
                "dangling-reference",
                format!("public IPv4 {public} is associated with network interface `{eni}`, which is not in the input: ignored"),
            );
            return;
        };
        let slot = match private {
            Some(p) => iface.private_ipv4.iter_mut().find(|a| a.address == p),
            None => iface.private_ipv4.first_mut(),
        };
        let Some(slot) = slot else {
            let which = private.map_or_else(|| "a private IPv4".to_owned(), |p| format!("private address {p}"));
            self.warn(
                loc,
                "dangling-reference",
                format!("public IPv4 {public} is associated with {which} of network interface `{eni}`, which it does not have: ignored"),
            );
            return;
        };
        match &mut slot.public_ip {
            None => {
                slot.public_ip = Some(PublicIpv4 {
                    address: public,
                    allocation_id: allocation_id.map(str::to_owned),
                    assigned_at_apply: false,
                });
            }
            Some(existing) if existing.address == public => {
                if existing.allocation_id.is_none() {
                    existing.allocation_id = allocation_id.map(str::to_owned);
                }
            }
            Some(existing) => {
                let (old, private) = (existing.address, slot.address);
                self.warn(
                    loc,
                    "inconsistent-snapshot",
                    format!("private address {private} of network interface `{eni}` maps to public IPv4 {old}, not {public}: {old} is kept"),
                );
            }
        }
    }

    /// `describe-addresses`: fills in the Elastic IP of the associated private address where the
    /// interface view left it out.
    pub(super) fn addresses(&mut self, p: &Pending<'_>) {
        for (i, item) in p.items.iter().enumerate() {
            let pos = format!("{}[{i}]", p.key);
            let parsed = Obj::of(item, "").and_then(|o| {
                Ok((
                    o.ipv4("PublicIp")?.ok_or_else(|| Bad::missing("PublicIp"))?,
                    o.id("AllocationId")?,
                    o.id("NetworkInterfaceId")?,
                    o.ipv4("PrivateIpAddress")?,
                    o.id("InstanceId")?,
                ))
            });
            let Some((public, allocation, eni, private, instance)) = self.entry(
                Loc {
                    file: p.file,
                    resource: &pos,
                },
                parsed,
                "address skipped",
            ) else {
                continue;
            };
            let name = allocation.map_or_else(|| public.to_string(), str::to_owned);
            let loc = Loc {
                file: p.file,
                resource: &name,
            };
            let eni: Option<NetworkInterfaceId> = match (eni, instance) {
                (Some(e), _) => Some(e.into()),
                (None, Some(i)) => match self.net.instances.get(&InstanceId::from(i)) {
                    Some(inst) => inst.primary_interface().cloned(),
                    None => {
                        self.warn(
                            loc,
                            "dangling-reference",
                            format!("Elastic IP {public} is associated with instance `{i}`, which is not in the input: ignored"),
                        );
                        None
                    }
                },
                (None, None) => None,
            };
            if let Some(eni) = eni {
                self.map_public_ip(loc, &eni, private, public, allocation);
            }
        }
    }
}

/// One entry of `PrivateIpAddresses`.
fn private_address(a: &Obj<'_>) -> R<PrivateIpv4> {
    let address = a
        .ipv4("PrivateIpAddress")?
        .ok_or_else(|| Bad::missing(&a.field("PrivateIpAddress")))?;
    let public_ip = match a.obj("Association")? {
        Some(assoc) => public_ip(&assoc)?,
        None => None,
    };
    Ok(PrivateIpv4 {
        address,
        primary: a.bool("Primary")?.unwrap_or(false),
        public_ip,
        assigned_at_apply: false,
    })
}

/// An `Association` object: its `PublicIp`, an Elastic IP when it has an `AllocationId`.
fn public_ip(assoc: &Obj<'_>) -> R<Option<PublicIpv4>> {
    let Some(address) = assoc.ipv4("PublicIp")? else {
        return Ok(None);
    };
    Ok(Some(PublicIpv4 {
        address,
        allocation_id: assoc.id("AllocationId")?.map(str::to_owned),
        assigned_at_apply: false,
    }))
}
