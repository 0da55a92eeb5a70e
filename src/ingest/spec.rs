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

mod bpa;
mod filter;
mod iface;
mod onprem;
mod read;
mod routing;
mod service;
mod tgw;

use super::{IngestError, Loaded};
use crate::model::*;
use read::{Cx, Fields, Str, backticked, suggest, type_name};
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

/// The resource kinds of a spec, one top-level table each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Vpc,
    Subnet,
    RouteTable,
    NetworkAcl,
    SecurityGroup,
    Instance,
    NetworkInterface,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    Peering,
    VpcEndpoint,
    PrefixList,
    VpnGateway,
    TransitGateway,
    TgwAttachment,
    TgwRouteTable,
    TgwPeering,
}

impl Kind {
    const ALL: [Kind; 18] = [
        Kind::Vpc,
        Kind::Subnet,
        Kind::RouteTable,
        Kind::NetworkAcl,
        Kind::SecurityGroup,
        Kind::Instance,
        Kind::NetworkInterface,
        Kind::InternetGateway,
        Kind::EgressOnlyInternetGateway,
        Kind::NatGateway,
        Kind::Peering,
        Kind::VpcEndpoint,
        Kind::PrefixList,
        Kind::VpnGateway,
        Kind::TransitGateway,
        Kind::TgwAttachment,
        Kind::TgwRouteTable,
        Kind::TgwPeering,
    ];

    /// The top-level table name.
    fn table(self) -> &'static str {
        match self {
            Kind::Vpc => "vpc",
            Kind::Subnet => "subnet",
            Kind::RouteTable => "route_table",
            Kind::NetworkAcl => "network_acl",
            Kind::SecurityGroup => "security_group",
            Kind::Instance => "instance",
            Kind::NetworkInterface => "network_interface",
            Kind::InternetGateway => "internet_gateway",
            Kind::EgressOnlyInternetGateway => "egress_only_internet_gateway",
            Kind::NatGateway => "nat_gateway",
            Kind::Peering => "peering",
            Kind::VpcEndpoint => "vpc_endpoint",
            Kind::PrefixList => "prefix_list",
            Kind::VpnGateway => "vpn_gateway",
            Kind::TransitGateway => "transit_gateway",
            Kind::TgwAttachment => "transit_gateway_attachment",
            Kind::TgwRouteTable => "transit_gateway_route_table",
            Kind::TgwPeering => "transit_gateway_peering",
        }
    }

    /// What a network engineer calls it.
    fn noun(self) -> &'static str {
        match self {
            Kind::Vpc => "vpc",
            Kind::Subnet => "subnet",
            Kind::RouteTable => "route table",
            Kind::NetworkAcl => "network ACL",
            Kind::SecurityGroup => "security group",
            Kind::Instance => "instance",
            Kind::NetworkInterface => "network interface",
            Kind::InternetGateway => "internet gateway",
            Kind::EgressOnlyInternetGateway => "egress-only internet gateway",
            Kind::NatGateway => "NAT gateway",
            Kind::Peering => "peering connection",
            Kind::VpcEndpoint => "VPC endpoint",
            Kind::PrefixList => "prefix list",
            Kind::VpnGateway => "VPN gateway",
            Kind::TransitGateway => "transit gateway",
            Kind::TgwAttachment => "transit gateway attachment",
            Kind::TgwRouteTable => "transit gateway route table",
            Kind::TgwPeering => "transit gateway peering attachment",
        }
    }

    /// The prefix AWS gives its ids.
    fn prefix(self) -> &'static str {
        match self {
            Kind::Vpc => VpcId::PREFIX,
            Kind::Subnet => SubnetId::PREFIX,
            Kind::RouteTable => RouteTableId::PREFIX,
            Kind::NetworkAcl => NetworkAclId::PREFIX,
            Kind::SecurityGroup => SecurityGroupId::PREFIX,
            Kind::Instance => InstanceId::PREFIX,
            Kind::NetworkInterface => NetworkInterfaceId::PREFIX,
            Kind::InternetGateway => InternetGatewayId::PREFIX,
            Kind::EgressOnlyInternetGateway => EgressOnlyInternetGatewayId::PREFIX,
            Kind::NatGateway => NatGatewayId::PREFIX,
            Kind::Peering => VpcPeeringConnectionId::PREFIX,
            Kind::VpcEndpoint => VpcEndpointId::PREFIX,
            Kind::PrefixList => PrefixListId::PREFIX,
            Kind::VpnGateway => VpnGatewayId::PREFIX,
            Kind::TransitGateway => TransitGatewayId::PREFIX,
            Kind::TgwAttachment => TgwAttachmentId::PREFIX,
            Kind::TgwRouteTable => TgwRouteTableId::PREFIX,
            Kind::TgwPeering => TgwAttachmentId::PREFIX,
        }
    }

    /// The keys its table takes.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Vpc => &["id", "cidr", "secondary_cidrs", "ipv6_cidrs", "default", "tags"],
            Kind::Subnet => &[
                "id",
                "vpc",
                "az",
                "cidr",
                "ipv6_cidr",
                "map_public_ip",
                "route_table",
                "network_acl",
                "tags",
            ],
            Kind::RouteTable => &[
                "id",
                "vpc",
                "main",
                "subnets",
                "routes",
                "propagating_vgws",
                "edge_associations",
                "tags",
            ],
            Kind::NetworkAcl => &["id", "vpc", "default", "subnets", "inbound", "outbound", "tags"],
            Kind::SecurityGroup => &[
                "id",
                "vpc",
                "group_name",
                "description",
                "default",
                "ingress",
                "egress",
                "tags",
            ],
            Kind::Instance => &[
                "id",
                "subnet",
                "private_ip",
                "secondary_private_ips",
                "public_ip",
                "elastic_ip",
                "ipv6_addresses",
                "groups",
                "source_dest_check",
                "state",
                "interface_id",
                "tags",
            ],
            Kind::NetworkInterface => &[
                "id",
                "subnet",
                "private_ip",
                "secondary_private_ips",
                "public_ip",
                "elastic_ip",
                "ipv6_addresses",
                "groups",
                "source_dest_check",
                "instance",
                "device_index",
                "description",
                "type",
                "requester_managed",
                "tags",
            ],
            Kind::InternetGateway | Kind::EgressOnlyInternetGateway => &["id", "vpc", "tags"],
            Kind::NatGateway => &[
                "id",
                "subnet",
                "connectivity",
                "private_ip",
                "elastic_ip",
                "secondary_private_ips",
                "state",
                "interface_id",
                "tags",
            ],
            Kind::Peering => &["id", "requester", "accepter", "status", "tags"],
            Kind::VpcEndpoint => &[
                "id",
                "vpc",
                "type",
                "service",
                "state",
                "route_tables",
                "prefix_list",
                "subnets",
                "groups",
                "tags",
            ],
            Kind::PrefixList => &[
                "id",
                "prefix_list_name",
                "owner",
                "address_family",
                "entries",
                "max_entries",
                "tags",
            ],
            Kind::VpnGateway => &["id", "vpc", "state", "onprem_cidrs", "tags"],
            Kind::TransitGateway => &["id", "vpcs", "tags"],
            Kind::TgwAttachment => tgw::ATTACHMENT_KEYS,
            Kind::TgwRouteTable => tgw::ROUTE_TABLE_KEYS,
            Kind::TgwPeering => tgw::PEERING_KEYS,
        }
    }

    fn from_table(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.table() == name)
    }
}

const ROUTE_KEYS: &[&str] = &["destination", "prefix_list", "target", "state", "origin"];
const ACL_ENTRY_KEYS: &[&str] = &["rule", "protocol", "ports", "icmp_type", "icmp_code", "cidr", "action"];
const INGRESS_KEYS: &[&str] = &[
    "protocol",
    "ports",
    "icmp_type",
    "icmp_code",
    "from",
    "peering",
    "description",
];
const EGRESS_KEYS: &[&str] = &[
    "protocol",
    "ports",
    "icmp_type",
    "icmp_code",
    "to",
    "peering",
    "description",
];
const SECONDARY_IP_KEYS: &[&str] = &["ip", "elastic_ip"];
const ELASTIC_IP_KEYS: &[&str] = &["address", "allocation_id"];

/// What a route `target` may name (§2.4).
const TARGET_KINDS: &[Kind] = &[
    Kind::InternetGateway,
    Kind::EgressOnlyInternetGateway,
    Kind::NatGateway,
    Kind::Instance,
    Kind::NetworkInterface,
    Kind::Peering,
    Kind::VpcEndpoint,
    Kind::VpnGateway,
    Kind::TransitGateway,
];

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

/// Names and ids of every declared resource, for resolving references.
#[derive(Debug, Default)]
struct Registry {
    /// (kind, name) -> id.
    names: BTreeMap<(Kind, String), String>,
    /// (kind, id) -> name.
    ids: BTreeMap<(Kind, String), String>,
}

impl Registry {
    /// Every resource of `kinds` whose name or id is `text`.
    fn lookup(&self, kinds: &[Kind], text: &str) -> Vec<(Kind, String)> {
        let mut found = BTreeSet::new();
        for &k in kinds {
            if let Some(id) = self.names.get(&(k, text.to_owned())) {
                found.insert((k, id.clone()));
            }
            if self.ids.contains_key(&(k, text.to_owned())) {
                found.insert((k, text.to_owned()));
            }
        }
        found.into_iter().collect()
    }

    /// Resolves a reference to exactly one resource of `kinds`; an unknown or ambiguous
    /// reference is an error at the reference. `role` names what the reference is for; `hint` is
    /// appended to the unknown-reference message.
    fn resolve(
        &self,
        f: &Fields<'_, '_>,
        kinds: &[Kind],
        role: &str,
        hint: &str,
        s: Str<'_>,
    ) -> Option<(Kind, String)> {
        let (text, at) = s;
        let found = self.lookup(kinds, text);
        match found.as_slice() {
            [one] => Some(one.clone()),
            [] => {
                let names = self
                    .names
                    .keys()
                    .filter(|(k, _)| kinds.contains(k))
                    .map(|(_, n)| n.as_str());
                let mean = suggest(text, names)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                let declared = match kinds {
                    [k] => format!("no `[{}.{text}]` in this spec", k.table()),
                    _ => format!("no {} of that name or id in this spec", or_list(kinds)),
                };
                f.cx.error(
                    "unknown-reference",
                    f.resource,
                    at,
                    format!("unknown {role} `{text}`: {declared}{mean}{hint}"),
                );
                None
            }
            many => {
                let list: Vec<String> = many.iter().map(|(k, id)| format!("{} `{id}`", k.noun())).collect();
                f.cx.error(
                    "ambiguous-reference",
                    f.resource,
                    at,
                    format!(
                        "{role} `{text}` is ambiguous: it names {}; write the id instead",
                        list.join(" and ")
                    ),
                );
                None
            }
        }
    }

    /// Resolves a reference to one resource of `kind`; returns its id.
    fn resolve_one(&self, f: &Fields<'_, '_>, kind: Kind, s: Str<'_>) -> Option<String> {
        self.resolve(f, &[kind], kind.noun(), "", s).map(|(_, id)| id)
    }
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

    // ----- gateways and peering --------------------------------------------------------------

    /// The VPC a gateway is attached to (`vpc`, optional: absent means detached).
    fn attached_vpc(&self, f: &Fields<'_, 't>) -> Vec<VpcId> {
        f.opt("vpc", |s| self.resolve_one(f, Kind::Vpc, s))
            .flatten()
            .map(VpcId::new)
            .into_iter()
            .collect()
    }

    fn internet_gateway(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let vpcs = self.attached_vpc(&f);
        let tags = f.tags(d.name);
        let id = InternetGatewayId::new(d.id.clone());
        let igw = InternetGateway {
            id: id.clone(),
            vpcs,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(
            self.cx,
            &mut self.net.internet_gateways,
            id,
            igw,
            "internet gateway",
            d.at,
        );
    }

    fn egress_only_gateway(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let vpcs = self.attached_vpc(&f);
        let tags = f.tags(d.name);
        let id = EgressOnlyInternetGatewayId::new(d.id.clone());
        let eigw = EgressOnlyInternetGateway {
            id: id.clone(),
            vpcs,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(
            self.cx,
            &mut self.net.egress_only_internet_gateways,
            id,
            eigw,
            "egress-only internet gateway",
            d.at,
        );
    }

    fn vpn_gateway(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let vpcs = self.attached_vpc(&f);
        let state = f
            .str("state")
            .map(|(s, _)| s.to_owned())
            .unwrap_or_else(|| "available".into());
        let onprem_cidrs: Vec<Cidr> = f.cidrs("onprem_cidrs", None);
        let tags = f.tags(d.name);
        let id = VpnGatewayId::new(d.id.clone());
        let vgw = VpnGateway {
            id: id.clone(),
            vpcs,
            state,
            onprem_cidrs,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(self.cx, &mut self.net.vpn_gateways, id, vgw, "VPN gateway", d.at);
    }

    fn transit_gateway(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let vpcs: Vec<VpcId> = self.refs(&f, "vpcs", Kind::Vpc);
        let tags = f.tags(d.name);
        let id = TransitGatewayId::new(d.id.clone());
        let tgw = TransitGateway {
            id: id.clone(),
            vpcs,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(
            self.cx,
            &mut self.net.transit_gateways,
            id,
            tgw,
            "transit gateway",
            d.at,
        );
    }

    fn peering(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let requester: Option<VpcId> = self.req_ref(&f, "requester", Kind::Vpc);
        let accepter: Option<VpcId> = self.req_ref(&f, "accepter", Kind::Vpc);
        let status = f
            .str("status")
            .map(|(s, _)| s.trim().to_ascii_lowercase())
            .unwrap_or_else(|| "active".into());
        let tags = f.tags(d.name);
        let (Some(requester), Some(accepter)) = (requester, accepter) else {
            return;
        };
        if requester == accepter {
            f.error(
                f.offset_of("accepter"),
                format!("a peering connection joins two different VPCs; both ends are `{requester}`"),
            );
            return;
        }
        let id = VpcPeeringConnectionId::new(d.id.clone());
        let pcx = VpcPeeringConnection {
            id: id.clone(),
            requester,
            accepter,
            status,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(
            self.cx,
            &mut self.net.vpc_peering_connections,
            id,
            pcx,
            "peering connection",
            d.at,
        );
    }

    // ----- security groups -------------------------------------------------------------------

    /// Per VPC, the objects AWS creates with it unless the spec declares them: the default
    /// network ACL (NACL-2), the main route table (RT-2) and the default security group (SG-3).
    fn implicit_objects(&mut self) {
        let vpcs: Vec<(VpcId, bool, &'t str, usize)> = self
            .net
            .vpcs
            .values()
            .filter_map(|v| {
                let (name, at) = self.vpc_decls.get(&v.id)?;
                Some((v.id.clone(), !v.cidrs_v6.is_empty(), *name, *at))
            })
            .collect();
        for (vpc, has_v6, name, at) in vpcs {
            let base = id_part(name);

            if !self.net.network_acls.values().any(|a| a.vpc == vpc && a.is_default) {
                let id = NetworkAclId::new(format!("{}{base}-default", NetworkAclId::PREFIX));
                let prov = self.cx.provenance(id.as_str(), at).implicit();
                let acl = default_network_acl(&id, &vpc, has_v6, &prov);
                insert_new(self.cx, &mut self.net.network_acls, id, acl, "network ACL", at);
            }

            if !self.net.route_tables.values().any(|r| r.vpc == vpc && r.main) {
                let id = RouteTableId::new(format!("{}{base}-main", RouteTableId::PREFIX));
                let rt = RouteTable {
                    id: id.clone(),
                    vpc: vpc.clone(),
                    main: true,
                    subnets: Vec::new(),
                    gateways: Vec::new(),
                    routes: Vec::new(),
                    propagating_vgws: Vec::new(),
                    tags: Tags::new(),
                    provenance: self.cx.provenance(id.as_str(), at).implicit(),
                };
                insert_new(self.cx, &mut self.net.route_tables, id, rt, "route table", at);
            }

            let declared = self
                .net
                .security_groups
                .values()
                .find(|g| g.vpc == vpc && g.name == "default")
                .map(|g| g.id.clone());
            let sg = match declared {
                Some(id) => id,
                None => {
                    let id = SecurityGroupId::new(format!("{}{base}-default", SecurityGroupId::PREFIX));
                    let prov = self.cx.provenance(id.as_str(), at).implicit();
                    let sg = SecurityGroup {
                        id: id.clone(),
                        name: "default".into(),
                        vpc: vpc.clone(),
                        description: "default VPC security group".into(),
                        ingress: vec![self_rule(&id, &prov)],
                        egress: default_egress(&prov, has_v6),
                        tags: Tags::new(),
                        provenance: prov,
                    };
                    insert_new(
                        self.cx,
                        &mut self.net.security_groups,
                        id.clone(),
                        sg,
                        "security group",
                        at,
                    );
                    id
                }
            };
            self.default_sg.insert(vpc, sg);
        }
    }

    /// Subnet-side associations join the table's own list (RT-1, NACL-1); a subnet named by two
    /// tables is left for `model::validate` to report.
    fn subnet_associations(&mut self) {
        for (subnet, rt) in std::mem::take(&mut self.subnet_route_tables) {
            if let Some(t) = self.net.route_tables.get_mut(&rt)
                && !t.subnets.contains(&subnet)
            {
                t.subnets.push(subnet);
            }
        }
        for (subnet, acl) in std::mem::take(&mut self.subnet_acls) {
            if let Some(a) = self.net.network_acls.get_mut(&acl)
                && !a.subnets.contains(&subnet)
            {
                a.subnets.push(subnet);
            }
        }
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

/// An Elastic IP: an address (allocation id `eipalloc-` + the owner's name) or a table with
/// `address` and `allocation_id`. `Some(None)` when absent, `None` after an error.
fn elastic_ip<'t>(
    f: &Fields<'_, 't>,
    value: Option<&'t read::Value<'t>>,
    key: &str,
    owner: &str,
) -> Option<Option<PublicIpv4>> {
    let Some(v) = value else { return Some(None) };
    let derived = || format!("eipalloc-{}", id_part(owner));
    match v.get_ref() {
        DeValue::String(s) => {
            let address = f.ipv4(key, (s.as_ref(), v.span().start))?;
            Some(Some(PublicIpv4 {
                address,
                allocation_id: Some(derived()),
                assigned_at_apply: false,
            }))
        }
        DeValue::Table(t) => {
            let what = format!("`{key}`");
            let e = Fields::new(f.cx, f.resource, &what, t, v.span().start, ELASTIC_IP_KEYS);
            let address = e.req_str("address").and_then(|s| e.ipv4("address", s));
            let allocation = match e.str("allocation_id") {
                Some((s, at)) => check_prefix(&e, "allocation_id", s, at, "eipalloc-").then(|| s.to_owned()),
                None => Some(derived()),
            };
            Some(Some(PublicIpv4 {
                address: address?,
                allocation_id: Some(allocation?),
                assigned_at_apply: false,
            }))
        }
        other => {
            f.cx.error(
                "wrong-type",
                f.resource,
                v.span().start,
                format!(
                    "`{key}` must be an address or a table with `address` and `allocation_id`, not {}",
                    type_name(other)
                ),
            );
            None
        }
    }
}

/// `secondary_private_ips`: each an address, or a table with `ip` and an optional `elastic_ip`.
fn secondary_ips(f: &Fields<'_, '_>, owner: &str) -> Option<Vec<PrivateIpv4>> {
    let Some(v) = f.get("secondary_private_ips") else {
        return Some(Vec::new());
    };
    let DeValue::Array(items) = v.get_ref() else {
        f.cx.error(
            "wrong-type",
            f.resource,
            v.span().start,
            format!(
                "`secondary_private_ips` must be a list of addresses, not {}",
                type_name(v.get_ref())
            ),
        );
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let address = match item.get_ref() {
            DeValue::String(s) => f
                .ipv4("secondary_private_ips", (s.as_ref(), item.span().start))
                .map(|a| (a, None)),
            DeValue::Table(t) => {
                let what = format!("secondary address {}", i + 1);
                let e = Fields::new(f.cx, f.resource, &what, t, item.span().start, SECONDARY_IP_KEYS);
                let ip = e.req_str("ip").and_then(|s| e.ipv4("ip", s));
                let eip = elastic_ip(&e, e.get("elastic_ip"), "elastic_ip", &format!("{owner}-{}", i + 1));
                match (ip, eip) {
                    (Some(a), Some(p)) => Some((a, p)),
                    _ => None,
                }
            }
            other => {
                f.cx.error(
                    "wrong-type",
                    f.resource,
                    item.span().start,
                    format!(
                        "a secondary address must be a string or a table with `ip`, not {}",
                        type_name(other)
                    ),
                );
                None
            }
        };
        match address {
            Some((address, public_ip)) => out.push(PrivateIpv4 {
                address,
                primary: false,
                public_ip,
                assigned_at_apply: false,
            }),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// One network ACL entry (NACL-4, NACL-5, NACL-6).
fn acl_entry(f: &Fields<'_, '_>, direction: Direction, acl: &str, at: usize) -> Option<NetworkAclEntry> {
    let rule = match f.get("rule") {
        None => {
            f.cx.error("missing-key", acl, at, "missing required key `rule` (1 to 32766)");
            None
        }
        Some(_) => f
            .int(
                "rule",
                "rule numbers run from 1 to 32766; the default deny (`*`) needs no entry (NACL-4)",
                |n| {
                    u16::try_from(n)
                        .ok()
                        .filter(|r| (1..NACL_DEFAULT_RULE_NUMBER).contains(r))
                },
            )
            .map(|(r, _)| r),
    };
    let protocol = f.protocol();
    let cidr = f.req_str("cidr").and_then(|s| f.cidr("cidr", s, None));
    let action = if f.has("action") {
        f.choice("action", &["allow", "deny"]).flatten()
    } else {
        f.cx.error("missing-key", acl, at, "missing required key `action` (allow or deny)");
        None
    };
    let l4 = protocol.and_then(|p| f.l4(p, cidr.is_some_and(|c| c.family() == IpFamily::V4)));
    let (rule_number, protocol, cidr, action, l4) = (rule?, protocol?, cidr?, action?, l4?);
    Some(NetworkAclEntry {
        rule_number,
        direction,
        action: if action == "allow" {
            RuleAction::Allow
        } else {
            RuleAction::Deny
        },
        protocol,
        l4,
        cidr,
        provenance: f.cx.provenance(acl, at).item(rule_number.to_string()),
    })
}

/// The default network ACL (NACL-2): rule 100 allows all IPv4 in each direction, and rule 101 all
/// IPv6 when the VPC has an IPv6 block; the `*` deny needs no entry.
fn default_network_acl(id: &NetworkAclId, vpc: &VpcId, has_v6: bool, prov: &Provenance) -> NetworkAcl {
    let mut blocks = vec![(100, Cidr::any_v4())];
    if has_v6 {
        blocks.push((101, Cidr::any_v6()));
    }
    let entries = [Direction::Inbound, Direction::Outbound]
        .into_iter()
        .flat_map(|direction| {
            blocks.iter().map(move |(rule, cidr)| NetworkAclEntry {
                rule_number: *rule,
                direction,
                action: RuleAction::Allow,
                protocol: Protocol::All,
                l4: L4Match::Any,
                cidr: *cidr,
                provenance: prov.item(rule.to_string()),
            })
        })
        .collect();
    NetworkAcl {
        id: id.clone(),
        vpc: vpc.clone(),
        is_default: true,
        subnets: Vec::new(),
        entries,
        tags: Tags::new(),
        provenance: prov.clone(),
    }
}

/// SG-3: all traffic from the group's own members.
fn self_rule(group: &SecurityGroupId, prov: &Provenance) -> SecurityGroupRule {
    SecurityGroupRule {
        protocol: Protocol::All,
        l4: L4Match::Any,
        peer: SecurityGroupPeer::SecurityGroup {
            id: group.clone(),
            peering: None,
        },
        description: None,
        provenance: prov.item("ingress default").implicit(),
    }
}

/// SG-2 (J23) and SG-3: all traffic to 0.0.0.0/0, and to ::/0 when `with_v6`.
fn default_egress(prov: &Provenance, with_v6: bool) -> Vec<SecurityGroupRule> {
    let mut blocks = vec![Cidr::any_v4()];
    if with_v6 {
        blocks.push(Cidr::any_v6());
    }
    blocks
        .into_iter()
        .map(|cidr| SecurityGroupRule {
            protocol: Protocol::All,
            l4: L4Match::Any,
            peer: SecurityGroupPeer::Cidr { cidr },
            description: None,
            provenance: prov.item("egress default").implicit(),
        })
        .collect()
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
