//! The native TOML spec format for hand-written networks; `specs/README.md` is its reference.
//!
//! Owns: lowering a spec into a [`Network`]: resources are tables keyed by a name
//! (`[subnet.public]`), references name other resources (by name, or by id), ids derive from names
//! (`subnet-public`) unless given, the name becomes the `Name` tag, and every resource, route, ACL
//! entry and security group rule carries the file, line and column it was written at.
//!
//! Implements the objects AWS creates without being asked, each marked `implicit` unless the spec
//! declares it: the default network ACL of every VPC (NACL-2) that subnets without an explicit ACL
//! use (NACL-1); the main route table (RT-1, RT-2; its local routes come from [`super::finish`],
//! RT-5); the default security group (SG-3); the all-traffic IPv4 egress rule of a new group
//! (SG-2, J23); the default group of an instance or interface endpoint launched without one (SG-5,
//! IFE-1); the interfaces of instances, NAT gateways (NGW-6) and interface endpoints (IFE-1); and
//! the prefix-list route of a gateway endpoint in each table it is associated with (GWE-2). It
//! refuses an Elastic IP on a private NAT gateway (NGW-1).
//!
//! Must not: add local routes, mark blackholes or record unsupported constructs (`finish` does
//! that for every format), nor repeat the checks of `model::validate` (blocks inside their VPC,
//! overlaps, addresses inside their subnet). Must never panic: TOML that does not parse is an
//! [`IngestError::Toml`]; every other problem is an error diagnostic at the offending value, and
//! the resource it spoils is left out.

mod address;
mod bpa;
mod filter;
mod gateway;
mod iface;
mod implicit;
mod kind;
mod onprem;
mod read;
mod registry;
mod routing;
mod service;
mod tgw;

use super::{IngestError, Loaded};
use crate::model::*;
use address::{elastic_ip, secondary_ips};
use implicit::{default_egress, self_rule};
use kind::{
    ACL_ENTRY_KEYS, EGRESS_KEYS, ELASTIC_IP_KEYS, INGRESS_KEYS, Kind, ROUTE_KEYS, SECONDARY_IP_KEYS, TARGET_KINDS,
};
use read::{Cx, Fields, Str, backticked, suggest, type_name};
use registry::Registry;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, Ipv6Addr};
use toml::de::{DeTable, DeValue};

/// Parses a spec from text; `file` names it in messages.
pub fn load_str(file: &str, text: &str) -> Result<Loaded, IngestError> {
    let doc = DeTable::parse(text).map_err(|e| {
        let (line, column) = read::Positions::new(text).at(e.span().map(|s| s.start).unwrap_or(0));
        IngestError::Toml {
            file: file.to_owned(),
            line: line as usize,
            column: column as usize,
            message: format!("invalid TOML: {}", e.message().trim_end_matches('.')),
        }
    })?;
    let cx = Cx::new(file, text);
    let network = {
        let mut lower = Lower::new(&cx);
        lower.collect(doc.get_ref());
        lower.lower();
        lower.net
    };
    Ok(Loaded {
        network,
        diagnostics: cx.into_diagnostics(),
        source: file.to_owned(),
    })
}

/// One resource table of the spec.
#[derive(Debug, Clone)]
struct Decl<'t> {
    kind: Kind,
    name: &'t str,
    id: String,
    table: &'t DeTable<'t>,
    /// Byte offset of the table (its `[kind.name]` header).
    at: usize,
}

/// An interface to attach to an instance once every interface is read.
#[derive(Debug)]
struct Attachment {
    instance: InstanceId,
    device_index: u32,
    interface: NetworkInterfaceId,
    at: usize,
}

/// The lowering of one spec.
#[derive(Debug)]
struct Lower<'c, 't> {
    cx: &'c Cx<'t>,
    decls: Vec<Decl<'t>>,
    reg: Registry,
    net: Network,
    /// Name and offset of each VPC, for the implicit objects synthesised from it.
    vpc_decls: BTreeMap<VpcId, (&'t str, usize)>,
    /// The default security group of each VPC, declared or implicit.
    default_sg: BTreeMap<VpcId, SecurityGroupId>,
    /// Subnet-side associations (`route_table = …`, `network_acl = …`), applied after the tables.
    subnet_route_tables: Vec<(SubnetId, RouteTableId)>,
    subnet_acls: Vec<(SubnetId, NetworkAclId)>,
    attachments: Vec<Attachment>,
    /// The `[block_public_access]` table and its offset, lowered last (`bpa`).
    bpa: Option<(&'t DeTable<'t>, usize)>,
    /// The `[[onprem]]` and `[vpn_connection.NAME]` tables, lowered last (`onprem`).
    onprem: onprem::Tables<'t>,
}

/// A name as it appears inside a derived id: ASCII letters, digits, `-`, `_` and `.`; anything
/// else becomes `-`.
fn id_part(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Inserts `value` under a new `id`; an id already taken is an error at `at`.
fn insert_new<K: Ord + std::fmt::Display, V>(
    cx: &Cx<'_>,
    map: &mut BTreeMap<K, V>,
    id: K,
    value: V,
    noun: &str,
    at: usize,
) -> bool {
    if map.contains_key(&id) {
        let id_text = id.to_string();
        cx.error(
            "duplicate-id",
            &id_text,
            at,
            format!("{noun} id `{id_text}` is already used by another {noun} of this spec"),
        );
        return false;
    }
    map.insert(id, value);
    true
}

impl<'c, 't> Lower<'c, 't> {
    fn new(cx: &'c Cx<'t>) -> Self {
        Lower {
            cx,
            decls: Vec::new(),
            reg: Registry::default(),
            net: Network::default(),
            vpc_decls: BTreeMap::new(),
            default_sg: BTreeMap::new(),
            subnet_route_tables: Vec::new(),
            subnet_acls: Vec::new(),
            attachments: Vec::new(),
            bpa: None,
            onprem: onprem::Tables::default(),
        }
    }

    /// First pass: every resource table, its id, and the registry of names and ids.
    fn collect(&mut self, doc: &'t DeTable<'t>) {
        for (key, value) in doc.iter() {
            let table_name: &str = key.get_ref();
            if table_name == bpa::TABLE {
                self.collect_bpa(value);
                continue;
            }
            if self.onprem.collect(table_name, value) {
                continue;
            }
            let Some(kind) = Kind::from_table(table_name) else {
                let mut tables: Vec<&str> = Kind::ALL.iter().map(|k| k.table()).collect();
                tables.extend([bpa::TABLE, onprem::TABLE, onprem::VPN_TABLE]);
                let hint = match suggest(table_name, tables.iter().copied()) {
                    Some(s) => format!("; did you mean `[{s}.…]`?"),
                    None => format!("; expected one of {}", backticked(&tables)),
                };
                self.cx.error(
                    "unknown-table",
                    "",
                    key.span().start,
                    format!("unknown table `{table_name}`{hint}"),
                );
                continue;
            };
            let DeValue::Table(resources) = value.get_ref() else {
                self.cx.error(
                    "wrong-type",
                    "",
                    value.span().start,
                    format!(
                        "`{table_name}` must hold {}s keyed by name, as in `[{table_name}.NAME]`, not {}",
                        kind.noun(),
                        type_name(value.get_ref())
                    ),
                );
                continue;
            };
            for (name_key, body) in resources.iter() {
                let name: &'t str = name_key.get_ref();
                let at = body.span().start;
                let DeValue::Table(table) = body.get_ref() else {
                    self.cx.error(
                        "wrong-type",
                        "",
                        at,
                        format!(
                            "{} `{name}` must be a table, as in `[{table_name}.{name}]`, not {}",
                            kind.noun(),
                            type_name(body.get_ref())
                        ),
                    );
                    continue;
                };
                if name.trim().is_empty() {
                    self.cx.error(
                        "invalid-value",
                        "",
                        at,
                        format!("a {} needs a non-empty name", kind.noun()),
                    );
                    continue;
                }
                let id = self.declared_id(name, table, kind.prefix());
                self.decls.push(Decl {
                    kind,
                    name,
                    id,
                    table,
                    at,
                });
            }
        }
        self.decls.sort_by_key(|d| d.at);
        let mut kept = Vec::with_capacity(self.decls.len());
        for d in std::mem::take(&mut self.decls) {
            if let Some(other) = self.reg.ids.get(&(d.kind, d.id.clone())) {
                self.cx.error(
                    "duplicate-id",
                    &d.id,
                    d.at,
                    format!(
                        "{} id `{}` is already used by `[{}.{other}]`",
                        d.kind.noun(),
                        d.id,
                        d.kind.table()
                    ),
                );
                continue;
            }
            self.reg.names.insert((d.kind, d.name.to_owned()), d.id.clone());
            self.reg.ids.insert((d.kind, d.id.clone()), d.name.to_owned());
            kept.push(d);
        }
        // An instance's primary interface can be a route target by its id (RT-20).
        for d in &kept {
            if d.kind == Kind::Instance {
                let eni = self.instance_interface_id(d);
                self.reg
                    .ids
                    .entry((Kind::NetworkInterface, eni))
                    .or_insert_with(|| d.name.to_owned());
            }
        }
        self.decls = kept;
    }

    /// The id under `key` of a table (checked for `prefix`), else `prefix` + the name. Problems
    /// are reported by the second pass, which reads every key with type checks.
    fn declared_id(&self, name: &str, table: &DeTable<'_>, prefix: &str) -> String {
        let derived = format!("{prefix}{}", id_part(name));
        let Some(v) = table.get("id") else { return derived };
        match v.get_ref() {
            DeValue::String(s) if is_id(s, prefix) => s.to_string(),
            DeValue::String(s) => {
                self.cx.error(
                    "invalid-value",
                    &derived,
                    v.span().start,
                    format!("`id` must be an id starting with `{prefix}`, not `{s}`"),
                );
                derived
            }
            other => {
                self.cx.error(
                    "wrong-type",
                    &derived,
                    v.span().start,
                    format!("`id` must be a string, not {}", type_name(other)),
                );
                derived
            }
        }
    }

    /// The id of an instance's primary interface: `interface_id`, else `eni-` + the name.
    fn instance_interface_id(&self, d: &Decl<'t>) -> String {
        match d.table.get("interface_id").map(|v| v.get_ref()) {
            Some(DeValue::String(s)) if is_id(s, NetworkInterfaceId::PREFIX) => s.to_string(),
            _ => format!("{}{}", NetworkInterfaceId::PREFIX, id_part(d.name)),
        }
    }

    /// Resolves a reference to one resource of `kind` (see [`Registry::resolve`]). A resource
    /// already left out for an error of its own resolves to `None` without a second message, so
    /// that one mistake does not cascade into its dependents.
    fn resolve_one(&self, f: &Fields<'_, 't>, kind: Kind, s: Str<'t>) -> Option<String> {
        let id = self.reg.resolve_one(f, kind, s)?;
        let lowered = match kind {
            Kind::Vpc => self.net.vpcs.contains_key(&VpcId::new(id.clone())),
            Kind::Subnet => self.net.subnets.contains_key(&SubnetId::new(id.clone())),
            Kind::PrefixList => self.net.prefix_lists.contains_key(&PrefixListId::new(id.clone())),
            Kind::Peering => self
                .net
                .vpc_peering_connections
                .contains_key(&VpcPeeringConnectionId::new(id.clone())),
            _ => true,
        };
        lowered.then_some(id)
    }

    /// A required reference under `key` to one resource of `kind`.
    fn req_ref<T: From<String>>(&self, f: &Fields<'_, 't>, key: &str, kind: Kind) -> Option<T> {
        f.req_str(key).and_then(|s| self.resolve_one(f, kind, s)).map(T::from)
    }

    /// A list of references under `key` to resources of `kind`; bad ones are reported and left out.
    fn refs<T: From<String>>(&self, f: &Fields<'_, 't>, key: &str, kind: Kind) -> Vec<T> {
        f.strs(key)
            .into_iter()
            .filter_map(|s| self.resolve_one(f, kind, s))
            .map(T::from)
            .collect()
    }

    fn fields<'a>(&'a self, d: &'a Decl<'t>) -> Fields<'a, 't> {
        let what = format!("{} `{}`", d.kind.noun(), d.name);
        Fields::new(self.cx, &d.id, &what, d.table, d.at, d.kind.keys())
    }

    /// Second pass: every kind in dependency order, then the implicit objects.
    fn lower(&mut self) {
        let decls = std::mem::take(&mut self.decls);
        let of = |k: Kind| decls.iter().filter(move |d| d.kind == k);
        for d in of(Kind::Vpc) {
            self.vpc(d);
        }
        for d in of(Kind::PrefixList) {
            self.prefix_list(d);
        }
        for d in of(Kind::Subnet) {
            self.subnet(d);
        }
        for d in of(Kind::InternetGateway) {
            self.internet_gateway(d);
        }
        for d in of(Kind::EgressOnlyInternetGateway) {
            self.egress_only_gateway(d);
        }
        for d in of(Kind::VpnGateway) {
            self.vpn_gateway(d);
        }
        for d in of(Kind::TransitGateway) {
            self.transit_gateway(d);
        }
        for d in of(Kind::Peering) {
            self.peering(d);
        }
        for d in of(Kind::SecurityGroup) {
            self.security_group(d);
        }
        for d in of(Kind::NetworkAcl) {
            self.network_acl(d);
        }
        for d in of(Kind::RouteTable) {
            self.route_table(d);
        }
        self.implicit_objects();
        self.subnet_associations();
        for d in of(Kind::Instance) {
            self.instance(d);
        }
        for d in of(Kind::NetworkInterface) {
            self.network_interface(d);
        }
        self.attach_interfaces();
        for d in of(Kind::NatGateway) {
            self.nat_gateway(d);
        }
        for d in of(Kind::VpcEndpoint) {
            self.vpc_endpoint(d);
        }
        // Transit gateway attachments name subnets; route tables name attachments.
        for d in of(Kind::TgwAttachment) {
            self.tgw_attachment(d);
        }
        for d in of(Kind::TgwRouteTable) {
            self.tgw_route_table(d);
        }
        for d in of(Kind::TgwPeering) {
            self.tgw_peering(d);
        }
        self.block_public_access();
        self.onprem();
    }

    // ----- VPCs, prefix lists, subnets -------------------------------------------------------

    fn vpc(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let primary = f.req_str("cidr").and_then(|s| f.cidr("cidr", s, Some(IpFamily::V4)));
        let secondary: Vec<Cidr> = f.cidrs("secondary_cidrs", Some(IpFamily::V4));
        let cidrs_v6: Vec<Cidr> = f.cidrs("ipv6_cidrs", Some(IpFamily::V6));
        let is_default = f.bool("default", false);
        let tags = f.tags(d.name);
        let Some(primary) = primary else { return };
        let id = VpcId::new(d.id.clone());
        let mut cidrs_v4 = vec![primary];
        cidrs_v4.extend(secondary);
        let vpc = Vpc {
            id: id.clone(),
            cidrs_v4,
            cidrs_v6,
            is_default,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        if insert_new(self.cx, &mut self.net.vpcs, id.clone(), vpc, "vpc", d.at) {
            self.vpc_decls.insert(id, (d.name, d.at));
        }
    }

    fn prefix_list(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let name = f.str("prefix_list_name").map(|(s, _)| s.to_owned());
        let owner = f.choice("owner", &["aws", "customer"]).map(|c| match c {
            Some("aws") => PrefixListOwner::AwsManaged,
            _ => PrefixListOwner::CustomerManaged,
        });
        let declared_family = f
            .choice("address_family", &["IPv4", "IPv6"])
            .map(|c| c.map(|c| if c == "IPv4" { IpFamily::V4 } else { IpFamily::V6 }));
        let entries_known = f.has("entries");
        let listed = f.strs("entries");
        let family = declared_family.flatten().or_else(|| {
            listed
                .first()
                .and_then(|(s, _)| Cidr::parse(s).ok())
                .map(|c| c.family())
        });
        let entries: Vec<Cidr> = listed
            .into_iter()
            .filter_map(|s| f.cidr("entries", s, family))
            .collect();
        let max_entries = match f.int("max_entries", "it must be 0 to 4294967295", |n| u32::try_from(n).ok()) {
            None => (!f.has("max_entries")).then_some(None),
            Some((m, _)) => Some(Some(m)),
        };
        let tags = f.tags(d.name);
        let (Some(owner), Some(_), Some(max_entries)) = (owner, declared_family, max_entries) else {
            return;
        };
        let id = PrefixListId::new(d.id.clone());
        let pl = PrefixList {
            id: id.clone(),
            name: name.unwrap_or_else(|| d.name.to_owned()),
            owner,
            address_family: family,
            entries,
            entries_known,
            entries_source: Default::default(),
            max_entries,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(self.cx, &mut self.net.prefix_lists, id, pl, "prefix list", d.at);
    }

    fn subnet(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let vpc: Option<VpcId> = self.req_ref(&f, "vpc", Kind::Vpc);
        let az = f.str("az").map(|(s, _)| s.to_owned());
        let cidr_v4 = f.opt("cidr", |s| f.cidr("cidr", s, Some(IpFamily::V4)));
        let cidr_v6 = f.opt("ipv6_cidr", |s| f.cidr("ipv6_cidr", s, Some(IpFamily::V6)));
        if !f.has("cidr") && !f.has("ipv6_cidr") {
            f.cx.error(
                "missing-key",
                f.resource,
                f.at,
                "missing required key `cidr` (or `ipv6_cidr` for an IPv6-only subnet)",
            );
        }
        let map_public_ip_on_launch = f.bool("map_public_ip", false);
        let route_table = f.opt("route_table", |s| {
            self.resolve_one(&f, Kind::RouteTable, s).map(RouteTableId::new)
        });
        let network_acl = f.opt("network_acl", |s| {
            self.resolve_one(&f, Kind::NetworkAcl, s).map(NetworkAclId::new)
        });
        let tags = f.tags(d.name);
        let (Some(vpc), Some(cidr_v4), Some(cidr_v6)) = (vpc, cidr_v4, cidr_v6) else {
            return;
        };
        if cidr_v4.is_none() && cidr_v6.is_none() {
            return;
        }
        let id = SubnetId::new(d.id.clone());
        if let Some(Some(rt)) = route_table {
            self.subnet_route_tables.push((id.clone(), rt));
        }
        if let Some(Some(acl)) = network_acl {
            self.subnet_acls.push((id.clone(), acl));
        }
        let subnet = Subnet {
            id: id.clone(),
            vpc,
            availability_zone: az,
            cidr_v4,
            cidr_v6,
            map_public_ip_on_launch,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(self.cx, &mut self.net.subnets, id, subnet, "subnet", d.at);
    }

    // ----- instances and interfaces ----------------------------------------------------------

    /// The VPC of a declared subnet; `None` (already reported) when the subnet was left out.
    fn vpc_of(&self, subnet: &SubnetId) -> Option<VpcId> {
        self.net.subnets.get(subnet).map(|s| s.vpc.clone())
    }

    /// `groups` by name or id, or the VPC's default group when absent (SG-5, IFE-1).
    fn groups(&self, f: &Fields<'_, 't>, vpc: Option<&VpcId>) -> Vec<SecurityGroupId> {
        if f.has("groups") {
            self.refs(f, "groups", Kind::SecurityGroup)
        } else {
            vpc.and_then(|v| self.default_sg.get(v)).cloned().into_iter().collect()
        }
    }
}

/// `a, b or c` of the kinds' nouns.
fn or_list(kinds: &[Kind]) -> String {
    match kinds.split_last() {
        Some((last, [])) => last.noun().to_owned(),
        Some((last, rest)) => format!(
            "{} or {}",
            rest.iter().map(|k| k.noun()).collect::<Vec<_>>().join(", "),
            last.noun()
        ),
        None => String::new(),
    }
}

/// True iff `s` has the shape of an id of `prefix`: the prefix, then at least one character,
/// no whitespace.
fn is_id(s: &str, prefix: &str) -> bool {
    s.starts_with(prefix) && s.len() > prefix.len() && !s.contains(char::is_whitespace)
}

/// Reports an id under `key` that lacks `prefix`; true when it is fine.
fn check_prefix(f: &Fields<'_, '_>, key: &str, s: &str, at: usize, prefix: &str) -> bool {
    let ok = is_id(s, prefix);
    if !ok {
        f.error(at, format!("`{key}` must be an id starting with `{prefix}`, not `{s}`"));
    }
    ok
}

/// A target the spec cannot declare but the model keeps as unsupported (§2.4).
fn unmodelled_target(text: &str) -> Option<RouteTarget> {
    let field = if text.starts_with("lgw-") {
        "LocalGatewayId"
    } else if text.starts_with("cagw-") {
        "CarrierGatewayId"
    } else if text.starts_with("arn:aws:networkmanager:") {
        "CoreNetworkArn"
    } else {
        return None;
    };
    Some(RouteTarget::Unsupported {
        field: field.into(),
        id: text.to_owned(),
    })
}

/// The target an AWS id names, by its prefix (for a blackhole route to a deleted target).
fn target_by_prefix(text: &str) -> Option<RouteTarget> {
    let has = |p: &str| text.starts_with(p) && text.len() > p.len();
    Some(if has(EgressOnlyInternetGatewayId::PREFIX) {
        RouteTarget::EgressOnlyInternetGateway(text.into())
    } else if has(InternetGatewayId::PREFIX) {
        RouteTarget::InternetGateway(text.into())
    } else if has(NatGatewayId::PREFIX) {
        RouteTarget::NatGateway(text.into())
    } else if has(InstanceId::PREFIX) {
        RouteTarget::Instance(text.into())
    } else if has(NetworkInterfaceId::PREFIX) {
        RouteTarget::NetworkInterface(text.into())
    } else if has(VpcPeeringConnectionId::PREFIX) {
        RouteTarget::VpcPeeringConnection(text.into())
    } else if has(VpcEndpointId::PREFIX) {
        RouteTarget::VpcEndpoint(text.into())
    } else if has(VpnGatewayId::PREFIX) {
        RouteTarget::VpnGateway(text.into())
    } else if has(TransitGatewayId::PREFIX) {
        RouteTarget::TransitGateway(text.into())
    } else {
        return None;
    })
}
