//! Gateways, peering, endpoints, prefix lists and transit gateways (`describe-internet-gateways`,
//! `describe-egress-only-internet-gateways`, `describe-nat-gateways`,
//! `describe-vpc-peering-connections`, `describe-vpc-endpoints`, `describe-prefix-lists`,
//! `describe-managed-prefix-lists`, `get-managed-prefix-list-entries`, `describe-vpn-gateways`,
//! `describe-transit-gateways` and the transit gateway attachment outputs).
//!
//! Implements: IGW-1/V6-1 attachments (`attached`, or `available` as real AWS prints it,
//! input-formats §1.3), NGW-1 (connectivity type, public when absent as moto omits it), NGW-10
//! (state kept for `finish`), PCX-3 (status code), GWE-2 (a gateway endpoint's service prefix
//! list: the list named like the service, else the destination of its `vpce-` routes), RT-13/SG-8
//! (prefix lists and their entries; `OwnerId` `AWS` means AWS-managed) and §12.2 (transit
//! gateways kept so references resolve; their attachments only tell which VPCs attach).
//!
//! `PrefixLists` is printed by two commands with different item shapes; each item is told apart
//! by its fields: `Cidrs` belongs to `describe-prefix-lists` (AWS service lists with entries),
//! `AddressFamily`/`OwnerId`/`MaxEntries`/`State` to `describe-managed-prefix-lists` (no entries).
//! An item with neither is `describe-prefix-lists` as moto prints it, without `Cidrs` (deviation
//! 8). Views of the same list are merged; entries stay unknown unless some view gives them.

use super::json::{Bad, Obj, R, state_is};
use super::{Loc, Lower, Pending, insert, state};
use crate::model::{
    Cidr, ConnectivityType, Diagnostic, EgressOnlyInternetGateway, InternetGateway, IpFamily, NatGateway,
    NatGatewayAddress, PrefixList, PrefixListId, PrefixListOwner, RouteDestination, RouteTarget, SecurityGroupId,
    TransitGateway, Unsupported, VpcEndpoint, VpcEndpointId, VpcEndpointType, VpcId, VpcPeeringConnection, VpnGateway,
};
use serde_json::Value;

/// Fields only `describe-managed-prefix-lists` prints.
const MANAGED_VIEW_FIELDS: [&str; 6] = [
    "AddressFamily",
    "OwnerId",
    "MaxEntries",
    "State",
    "Version",
    "PrefixListArn",
];

impl Lower {
    /// VPCs of `Attachments[]` (or `VpcAttachments[]`) whose state is one of `attached`.
    fn attached_vpcs(&mut self, loc: Loc<'_>, o: &Obj<'_>, key: &str, attached: &[&str]) -> R<Vec<VpcId>> {
        let mut vpcs: Vec<VpcId> = Vec::new();
        for a in o.items(key)? {
            let att = a.and_then(|a| Ok((a.req_id("VpcId")?, a.str("State")?)));
            if let Some((vpc, st)) = self.entry(loc, att, "attachment skipped")
                && state_is(st, attached)
            {
                let vpc = VpcId::from(vpc);
                if !vpcs.contains(&vpc) {
                    vpcs.push(vpc);
                }
            }
        }
        Ok(vpcs)
    }

    pub(super) fn internet_gateway(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let igw = InternetGateway {
            id: loc.resource.into(),
            vpcs: self.attached_vpcs(loc, o, "Attachments", &["attached", "available"])?,
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        insert(
            &mut self.net.internet_gateways,
            &mut self.diags,
            "internet gateway",
            igw.id.clone(),
            igw,
        );
        Ok(())
    }

    pub(super) fn egress_only_internet_gateway(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let eigw = EgressOnlyInternetGateway {
            id: loc.resource.into(),
            vpcs: self.attached_vpcs(loc, o, "Attachments", &["attached", "available"])?,
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        insert(
            &mut self.net.egress_only_internet_gateways,
            &mut self.diags,
            "egress-only internet gateway",
            eigw.id.clone(),
            eigw,
        );
        Ok(())
    }

    pub(super) fn vpn_gateway(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let vgw = VpnGateway {
            id: loc.resource.into(),
            vpcs: self.attached_vpcs(loc, o, "VpcAttachments", &["attached"])?,
            state: state(o.str("State")?, "available"),
            onprem_cidrs: Vec::new(),
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        insert(
            &mut self.net.vpn_gateways,
            &mut self.diags,
            "virtual private gateway",
            vgw.id.clone(),
            vgw,
        );
        Ok(())
    }

    pub(super) fn nat_gateway(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let vpc = o.req_id("VpcId")?;
        let Some(subnet) = o.id("SubnetId")? else {
            // A regional NAT gateway (2025) has no single subnet; the model needs one (NGW-6).
            self.net.unsupported.push(Unsupported {
                component: loc.resource.to_owned(),
                reason: format!(
                    "NAT gateway `{}` has no subnet (a regional NAT gateway?): it is not modelled, and a route to it answers unknown",
                    loc.resource
                ),
                provenance: loc.provenance(),
            });
            return Ok(());
        };
        let connectivity = match o.str("ConnectivityType")?.map(str::trim) {
            None => ConnectivityType::Public,
            Some(c) if c.eq_ignore_ascii_case("public") => ConnectivityType::Public,
            Some(c) if c.eq_ignore_ascii_case("private") => ConnectivityType::Private,
            Some(c) => {
                self.warn(
                    loc,
                    "nat-connectivity",
                    format!(
                        "NAT gateway `{}` has connectivity type `{c}`, neither public nor private: read as public (NGW-1)",
                        loc.resource
                    ),
                );
                ConnectivityType::Public
            }
        };
        let mut addresses = Vec::new();
        for a in o.items("NatGatewayAddresses")? {
            let addr = a.and_then(|a| {
                Ok(NatGatewayAddress {
                    private_ip: a
                        .ipv4("PrivateIp")?
                        .ok_or_else(|| Bad::missing(&a.field("PrivateIp")))?,
                    public_ip: a.ipv4("PublicIp")?,
                    network_interface: a.id("NetworkInterfaceId")?.map(Into::into),
                    primary: a.bool("IsPrimary")?.unwrap_or(false),
                    assigned_at_apply: false,
                })
            });
            if let Some(addr) = self.entry(loc, addr, "address skipped") {
                addresses.push(addr);
            }
        }
        addresses.sort_by_key(|a| !a.primary);
        let nat = NatGateway {
            id: loc.resource.into(),
            vpc: vpc.into(),
            subnet: subnet.into(),
            connectivity,
            state: state(o.str("State")?, "available"),
            addresses,
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        insert(
            &mut self.net.nat_gateways,
            &mut self.diags,
            "NAT gateway",
            nat.id.clone(),
            nat,
        );
        Ok(())
    }

    pub(super) fn peering(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let side = |key: &str| -> R<VpcId> {
            let info = o.obj(key)?.ok_or_else(|| Bad::missing(&o.field(key)))?;
            Ok(info.req_id("VpcId")?.into())
        };
        let status = match o.obj("Status")? {
            Some(s) => state(s.str("Code")?, "active"),
            None => "active".to_owned(),
        };
        let pcx = VpcPeeringConnection {
            id: loc.resource.into(),
            requester: side("RequesterVpcInfo")?,
            accepter: side("AccepterVpcInfo")?,
            status,
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        insert(
            &mut self.net.vpc_peering_connections,
            &mut self.diags,
            "peering connection",
            pcx.id.clone(),
            pcx,
        );
        Ok(())
    }

    pub(super) fn endpoint(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let id = VpcEndpointId::from(loc.resource);
        let vpc = o.req_id("VpcId")?;
        let service_name = o.str("ServiceName")?.unwrap_or_default().trim().to_owned();
        // Endpoints created before interface endpoints existed print no type: they are gateways.
        let endpoint_type = match o.str("VpcEndpointType")?.map(str::trim) {
            None => VpcEndpointType::Gateway,
            Some(t) if t.eq_ignore_ascii_case("gateway") => VpcEndpointType::Gateway,
            Some(t) if t.eq_ignore_ascii_case("interface") => VpcEndpointType::Interface,
            Some(t) => VpcEndpointType::Other(t.to_owned()),
        };
        let mut groups: Vec<SecurityGroupId> = Vec::new();
        for g in o.objs("Groups")? {
            let g = SecurityGroupId::from(g.req_id("GroupId")?);
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
        // GWE-2: the service's AWS-managed list, by name, else from the endpoint's routes.
        let prefix_list = if endpoint_type == VpcEndpointType::Gateway {
            self.net
                .prefix_lists
                .values()
                .find(|p| !service_name.is_empty() && p.name == service_name)
                .map(|p| p.id.clone())
                .or_else(|| {
                    self.net
                        .route_tables
                        .values()
                        .flat_map(|rt| rt.routes.iter())
                        .find_map(|r| match (&r.destination, &r.target) {
                            (RouteDestination::PrefixList(pl), RouteTarget::VpcEndpoint(e)) if *e == id => {
                                Some(pl.clone())
                            }
                            _ => None,
                        })
                })
        } else {
            None
        };
        let endpoint = VpcEndpoint {
            id: id.clone(),
            vpc: vpc.into(),
            service_name,
            endpoint_type,
            state: state(o.str("State")?, "available"),
            route_tables: o.ids("RouteTableIds")?.into_iter().map(Into::into).collect(),
            prefix_list,
            subnets: o.ids("SubnetIds")?.into_iter().map(Into::into).collect(),
            network_interfaces: o.ids("NetworkInterfaceIds")?.into_iter().map(Into::into).collect(),
            groups,
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        insert(&mut self.net.vpc_endpoints, &mut self.diags, "endpoint", id, endpoint);
        Ok(())
    }

    /// A `VpcEndpoints` list: the file lists the endpoints of its account and Region (VPCV-014,
    /// VPCV-015), each item is one.
    pub(super) fn endpoints(&mut self, p: &Pending<'_>) {
        self.net.endpoints_listed.listed = true;
        self.net.endpoints_listed.listed_in.insert(p.file.to_owned());
        self.each(p, "VpcEndpointId", "endpoint", Self::endpoint);
    }

    pub(super) fn transit_gateway(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let tgw = TransitGateway {
            id: loc.resource.into(),
            vpcs: Vec::new(),
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        insert(
            &mut self.net.transit_gateways,
            &mut self.diags,
            "transit gateway",
            tgw.id.clone(),
            tgw,
        );
        self.tgw_options(loc, o)
    }

    pub(super) fn prefix_list(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let id = PrefixListId::from(loc.resource);
        let has_cidrs = o.has("Cidrs");
        let managed_view = MANAGED_VIEW_FIELDS.iter().any(|k| o.has(k));
        // `OwnerId` decides when present; the legacy view lists only AWS service lists.
        let owner_id = o.id("OwnerId")?;
        let owner = match owner_id {
            Some(owner) if owner.eq_ignore_ascii_case("AWS") => PrefixListOwner::AwsManaged,
            Some(_) => PrefixListOwner::CustomerManaged,
            None if managed_view => PrefixListOwner::CustomerManaged,
            None => PrefixListOwner::AwsManaged,
        };
        let address_family = match o.str("AddressFamily")?.map(str::trim) {
            None => None,
            Some(f) if f.eq_ignore_ascii_case("ipv4") => Some(IpFamily::V4),
            Some(f) if f.eq_ignore_ascii_case("ipv6") => Some(IpFamily::V6),
            Some(f) => {
                self.warn(
                    loc,
                    "prefix-list-family",
                    format!("prefix list `{id}` has address family `{f}`, neither IPv4 nor IPv6: ignored"),
                );
                None
            }
        };
        let max_entries = match o.int("MaxEntries")? {
            None => None,
            Some(n) => Some(
                u32::try_from(n)
                    .map_err(|_| Bad::invalid(format!("`MaxEntries` is {n}, which is not a number of entries")))?,
            ),
        };
        let mut entries = Vec::new();
        // Read raw, not as ids: a block with spaces around it is an error, not trimmed.
        for (i, v) in o.list("Cidrs")?.iter().enumerate() {
            let field = format!("{}[{i}]", o.field("Cidrs"));
            let cidr = match v {
                Value::String(text) if text.trim().is_empty() => continue,
                Value::String(text) => self.read_cidr(loc, &field, text, None),
                other => return Err(Bad::wrong_type(&field, "a string", other)),
            };
            if let Some(c) = self.entry(loc, cidr, "entry skipped")
                && !entries.contains(&c)
            {
                entries.push(c);
            }
        }
        let list = PrefixList {
            id: id.clone(),
            name: o.str("PrefixListName")?.unwrap_or_default().trim().to_owned(),
            owner,
            address_family,
            entries,
            entries_known: has_cidrs,
            entries_source: Default::default(),
            max_entries,
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        match self.net.prefix_lists.get_mut(&id) {
            None => {
                self.net.prefix_lists.insert(id, list);
            }
            Some(known) => {
                if known.name.is_empty() {
                    known.name = list.name;
                }
                if owner_id.is_some() {
                    known.owner = list.owner;
                }
                known.address_family = known.address_family.or(list.address_family);
                known.max_entries = known.max_entries.or(list.max_entries);
                if list.entries_known {
                    known.entries_known = true;
                    for c in list.entries {
                        if !known.entries.contains(&c) {
                            known.entries.push(c);
                        }
                    }
                }
                known.tags.extend(list.tags);
            }
        }
        Ok(())
    }

    /// `get-managed-prefix-list-entries`: the list id is only in the file name
    /// (`pl-<id>.entries.json`).
    /// The `get-managed-prefix-list-entries` outputs (`Entries`), which do not name their list. Each
    /// is attributed by the first `pl-<id>` in its file name, else in the name of a directory on
    /// its path (nearest first: `pl-0abc/get-managed-prefix-list-entries.json`); else, when the
    /// snapshot holds exactly one such unattributed output and exactly one prefix list whose
    /// entries are missing, to that list, with an `entries-attributed` warning saying so. Any
    /// other is ignored with an `unattributed-entries` warning saying how to name it.
    pub(super) fn prefix_list_entries_all(&mut self, lists: &[Pending<'_>]) {
        let mut anonymous = Vec::new();
        for p in lists {
            match prefix_list_id_of_path(p.path) {
                Some(id) => self.prefix_list_entries(p, id),
                None => anonymous.push(p),
            }
        }
        let missing: Vec<PrefixListId> = self
            .net
            .prefix_lists
            .values()
            .filter(|l| !l.entries_known)
            .map(|l| l.id.clone())
            .collect();
        if let ([p], [only]) = (anonymous.as_slice(), missing.as_slice()) {
            self.diags.push(
                Diagnostic::warning(
                    "entries-attributed",
                    format!(
                        "`Entries` (`get-managed-prefix-list-entries` output) names no prefix list: attributed to `{only}`, the only prefix list of the snapshot whose entries are missing (name the file `{only}.entries.json` to say so)"
                    ),
                )
                .in_file(p.file)
                .on(only.as_str()),
            );
            let id = only.to_string();
            self.prefix_list_entries(p, id);
            return;
        }
        for p in anonymous {
            self.diags.push(
                Diagnostic::warning(
                    "unattributed-entries",
                    "`Entries` (`get-managed-prefix-list-entries` output) cannot be attributed to a prefix list: name the file after its list, `pl-<id>.entries.json`, or put it in a directory named after it; entries ignored",
                )
                .in_file(p.file),
            );
        }
    }

    /// Reads one `Entries` list as the entries of prefix list `id`.
    fn prefix_list_entries(&mut self, p: &Pending<'_>, id: String) {
        let loc = Loc {
            file: p.file,
            resource: &id,
        };
        let mut entries = Vec::new();
        for (i, item) in p.items.iter().enumerate() {
            let cidr = Obj::of(item, &format!("{}[{i}]", p.key)).and_then(|o| {
                let text = o.req_str("Cidr")?;
                self.read_cidr(loc, &o.field("Cidr"), text, None)
            });
            if let Some(c) = self.entry(loc, cidr, "entry skipped")
                && !entries.contains(&c)
            {
                entries.push(c);
            }
        }
        let id = PrefixListId::from(id.as_str());
        let list = self.net.prefix_lists.entry(id.clone()).or_insert_with(|| PrefixList {
            id,
            name: String::new(),
            owner: PrefixListOwner::CustomerManaged,
            address_family: entries.first().map(Cidr::family),
            entries: Vec::new(),
            entries_known: true,
            entries_source: Default::default(),
            max_entries: None,
            tags: Default::default(),
            provenance: loc.provenance(),
        });
        list.entries_known = true;
        for c in entries {
            if !list.entries.contains(&c) {
                list.entries.push(c);
            }
        }
    }
}

/// The `pl-…` id a path names: in its file name, else in the nearest directory that names one.
fn prefix_list_id_of_path(path: &std::path::Path) -> Option<String> {
    path.components()
        .rev()
        .find_map(|c| prefix_list_id_in(&c.as_os_str().to_string_lossy()))
}

/// The `pl-…` id in a file name (`pl-0abc.entries.json`, `snap/pl-0abc-entries.json`): `pl-` at
/// the start of the name or after a non-alphanumeric character, then letters and digits.
fn prefix_list_id_in(name: &str) -> Option<String> {
    let bytes = name.as_bytes();
    let mut start = 0;
    while let Some(found) = name.get(start..).and_then(|rest| rest.find("pl-")) {
        let at = start + found;
        let boundary = at == 0 || bytes.get(at - 1).is_some_and(|b| !b.is_ascii_alphanumeric());
        let id: String = name
            .get(at + 3..)
            .unwrap_or_default()
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if boundary && !id.is_empty() {
            return Some(format!("pl-{id}"));
        }
        start = at + 3;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{prefix_list_id_in, prefix_list_id_of_path};

    #[test]
    fn prefix_list_id_comes_from_the_file_name() {
        assert_eq!(
            prefix_list_id_in("pl-0abc12.entries.json").as_deref(),
            Some("pl-0abc12")
        );
        assert_eq!(
            prefix_list_id_in("entries-pl-0abc12.json").as_deref(),
            Some("pl-0abc12")
        );
        assert_eq!(prefix_list_id_in("get-managed-prefix-list-entries.json"), None);
        assert_eq!(prefix_list_id_in("sample-pl-.json"), None);
        assert_eq!(prefix_list_id_in("apl-0abc.json"), None);
        let p = std::path::Path::new;
        assert_eq!(
            prefix_list_id_of_path(p("snap/pl-0abc/get-managed-prefix-list-entries.json")).as_deref(),
            Some("pl-0abc")
        );
        assert_eq!(
            prefix_list_id_of_path(p("pl-1/pl-0abc.entries.json")).as_deref(),
            Some("pl-0abc")
        );
        assert_eq!(
            prefix_list_id_of_path(p("snap/get-managed-prefix-list-entries.json")),
            None
        );
    }
}
