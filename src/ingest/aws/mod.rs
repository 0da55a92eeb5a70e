//! AWS `describe-*` JSON snapshots: a directory of files or one merged file, lowered into ONE
//! [`Network`].
//!
//! Owns: finding the files, recognising each document by its top-level keys and, for a key several
//! commands print (`Vpcs`, `Routes`), by its items' fields (DESIGN.md §2, input-formats §1.1–§1.2;
//! [`classify`]), and lowering the botocore shapes into `model`. Implements the AWS side
//! of RT-1/RT-2 (main and explicit associations), RT-14/RT-15 (route state and origin), RT-18 (edge
//! associations), NACL-4/NACL-5/NACL-6 (entries and their protocol wildcards), SG-6/SG-7/SG-8
//! (rules, one per source), IGW-2 (public and Elastic IPs), IGW-10 and BPA-6 (Block Public Access: the
//! options, the exclusions and the per-resource states, in `bpa`), NGW-1 and PCX-3.
//!
//! Leaves to [`super::finish`]: local routes (RT-5), blackholes for unusable targets (J5) and the
//! unsupported route targets. Leaves to `model::validate`: every cross-resource check.
//!
//! Error policy: a file that is not JSON is an [`IngestError::Json`]; everything else is lenient
//! but loud. A malformed resource or entry is an error diagnostic naming the file and the resource
//! id and is skipped; unknown top-level keys and unsupported resource kinds are warnings. Nothing
//! here panics on any input.
//!
//! Layout: `stream` reads a file in blocks (its big lists' items pruned on every core and kept as
//! compact text until lowered, issue #17), `json` reads fields, `vpc` lowers VPCs, subnets and route tables, `filter` network ACLs
//! and security groups, `iface` interfaces, instances and Elastic IPs, `edge` gateways, peering,
//! endpoints, prefix lists and transit gateways themselves, `tgw` transit gateway attachments,
//! route tables, associations, propagations, routes and peerings (TGW-1..TGW-10), `scope` the
//! account and Region a file's path names (nested layouts, issue #11).

mod bpa;
mod edge;
mod elb;
mod filter;
mod flowlog;
mod iface;
mod json;
mod onprem;
pub mod scope;
mod stream;
mod tgw;
mod vpc;

pub(super) use json::parse_whole;

use super::{IngestError, Loaded};
use crate::model::{
    Cidr, Diagnostic, EgressOnlyInternetGateway, Instance, InternetGateway, IpFamily, NatGateway, Network, NetworkAcl,
    NetworkAclId, NetworkInterface, PrefixList, Provenance, RouteTable, SecurityGroup, Subnet, SubnetId,
    TransitGateway, Vpc, VpcEndpoint, VpcId, VpcPeeringConnection, VpnGateway,
};
use json::{Bad, Obj, R};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::path::{Path, PathBuf};

/// A `*.json` entry of a snapshot directory, with why it cannot be read when it is no regular file.
pub type JsonEntry = (PathBuf, Option<String>);

/// The `*.json` entries [`load_dir`] reads under `dir`, in path order, each with why it cannot be
/// read when it is no regular file, and how many directories were searched. The snapshot cache
/// (`ingest::cache`) hashes exactly these files.
pub fn json_paths(dir: &Path) -> Result<(Vec<JsonEntry>, usize), IngestError> {
    let io = |file: &str, e: std::io::Error| IngestError::Io {
        file: file.to_owned(),
        message: e.to_string(),
    };
    // Each `*.json` entry, read if it is a regular file and otherwise an error below, in path
    // order (a symbolic link in a loop or to nowhere, a directory, a FIFO, a socket or a device
    // named `*.json`: never a file silently left out, never a read that blocks or does not end,
    // see `ingest::file`). Directories not named `*.json` are searched (hidden ones and those
    // deeper than `scope::MAX_DEPTH` are not).
    let mut paths: Vec<JsonEntry> = Vec::new();
    let mut dirs_seen = 0usize;
    let mut todo: Vec<(PathBuf, usize)> = vec![(dir.to_path_buf(), 0)];
    while let Some((here, depth)) = todo.pop() {
        dirs_seen += 1;
        let shown_here = here.display().to_string();
        for entry in std::fs::read_dir(&here).map_err(|e| io(&shown_here, e))? {
            let path = entry.map_err(|e| io(&shown_here, e))?.path();
            let hidden = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
            if !is_json {
                if !hidden && depth < scope::MAX_DEPTH && std::fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
                    todo.push((path, depth + 1));
                }
                continue;
            }
            let problem = super::file::not_a_file(&path);
            paths.push((path, problem));
        }
    }
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((paths, dirs_seen))
}

/// Loads every `*.json` file in `dir` and in its sub-directories (the nested layouts
/// multi-account collection scripts write: `<region>/…`, `<account-id>/<region>/…`,
/// `accounts/<account-id>/<region>/…`; sorted by path) as one snapshot. Each file is still
/// recognised by its content; the account and region a file's path names are recorded in
/// [`crate::model::Network::scopes`] (see [`scope::of_path`]). A `*.json` entry that cannot be
/// followed to a file (a symbolic link in a loop or to nowhere) is an error naming it.
pub fn load_dir(dir: &Path) -> Result<Loaded, IngestError> {
    load_dir_blocks(dir, Some(stream::BLOCK))
}

/// [`load_dir`], reading each file in blocks of `block` bytes (the big lists' items parsed on
/// every core and kept compact until lowered), or with `None` each file whole into one parse:
/// both give the same result (the whole read is the reference the block read is tested
/// against, and what a file not in the plain shape the block read takes is read with).
#[doc(hidden)]
pub fn load_dir_blocks(dir: &Path, block: Option<usize>) -> Result<Loaded, IngestError> {
    let shown_dir = dir.display().to_string();
    let (paths, dirs_seen) = json_paths(dir)?;
    if paths.is_empty() {
        let looked = if dirs_seen > 1 {
            format!(
                " (looked in it and in its {} sub-director{} up to {} levels deep, hidden ones excepted)",
                dirs_seen - 1,
                if dirs_seen == 2 { "y" } else { "ies" },
                scope::MAX_DEPTH
            )
        } else {
            String::new()
        };
        return Err(IngestError::Format {
            file: shown_dir,
            message: format!("this directory holds no `*.json` file{looked} (expected `aws ec2 describe-*` output)"),
        });
    }
    // Files are read and parsed in parallel (a large account's `describe-instances` and
    // `describe-network-interfaces` outputs are each tens of megabytes), each in blocks with its
    // big lists' items parsed on every core and kept compact (`stream`), or, when it is not that
    // plain shape, whole; the first failure in file-name order is the one reported, as if they
    // were read one by one.
    let parsed: Vec<Result<stream::Doc, IngestError>> = paths
        .into_par_iter()
        .map(|(path, broken)| stream::read_doc(path, broken, block))
        .collect();
    let docs = parsed.into_iter().collect::<Result<Vec<_>, _>>()?;
    let (mut network, diagnostics) = lower(&docs.iter().map(stream::Doc::as_ref).collect::<Vec<_>>());
    for doc in &docs {
        if let Some(sc) = doc.path.strip_prefix(dir).ok().and_then(scope::of_path) {
            network.scopes.insert(doc.shown.clone(), sc);
        }
    }
    let sep = std::path::MAIN_SEPARATOR;
    let base = if shown_dir.ends_with('/') || shown_dir.ends_with(sep) {
        shown_dir
    } else {
        format!("{shown_dir}{sep}")
    };
    let n = docs.len();
    // The parsed documents of a large snapshot take a tenth of a second to free: that happens on
    // rayon's pool, beside whatever the caller does next.
    rayon::spawn(move || drop(docs));
    let scopes = scope::summary(&network);
    Ok(Loaded {
        network,
        diagnostics,
        source: format!("{base} ({n} file{}{scopes})", if n == 1 { "" } else { "s" }),
    })
}

/// A document as the lowering reads it.
#[derive(Debug, Clone, Copy)]
struct DocRef<'a> {
    path: &'a Path,
    file: &'a str,
    value: &'a Value,
    packed: Option<&'a BTreeMap<String, stream::Packed>>,
}

/// Loads already-parsed JSON documents `(path, shown name, value)` as one snapshot (a single
/// merged file holding several `describe-*` keys is one document).
pub fn load_files(files: &[(PathBuf, String, Value)]) -> Result<Loaded, IngestError> {
    let docs: Vec<DocRef<'_>> = files
        .iter()
        .map(|(path, file, value)| DocRef {
            path,
            file,
            value,
            packed: None,
        })
        .collect();
    let (network, diagnostics) = lower(&docs);
    let source = match files {
        [(_, shown, _)] => shown.clone(),
        _ => format!("{} files", files.len()),
    };
    Ok(Loaded {
        network,
        diagnostics,
        source,
    })
}

/// The resource kinds, in the order they are lowered: each kind only refers back to kinds lowered
/// before it (subnets to VPCs, interfaces to subnets, instances to interfaces, Elastic IPs to
/// both, endpoints to route tables and prefix lists, prefix-list entries to their list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Vpcs,
    Subnets,
    PrefixLists,
    PrefixListEntries,
    RouteTables,
    NetworkAcls,
    SecurityGroups,
    SecurityGroupRules,
    NetworkInterfaces,
    Reservations,
    Addresses,
    InternetGateways,
    EgressOnlyInternetGateways,
    NatGateways,
    VpcPeeringConnections,
    VpcEndpoints,
    VpnGateways,
    TransitGateways,
    TgwPeeringAttachments,
    TransitGatewayAttachments,
    TransitGatewayVpcAttachments,
    TgwRouteTables,
    TgwAssociations,
    TgwPropagations,
    TgwRoutes,
    TgwPrefixListReferences,
    VpnConnections,
    CustomerGateways,
    DxGateways,
    DxAssociations,
    LoadBalancers,
    ClassicLoadBalancers,
    TargetGroups,
    Listeners,
    ListenerRules,
    TargetHealth,
    ElbAttributes,
    FlowLogs,
}

/// What a top-level key is.
enum Class {
    /// A resource list we lower.
    Kind(Kind),
    /// Recognised and ignored silently (pagination, response metadata).
    Ignored,
    /// Recognised but not modelled: a warning saying so.
    Unsupported(&'static str),
    /// A list under a key several commands print, recognised by its items' fields as the output
    /// of the command named (`describe-vpc-classic-link`), which is not modelled: a warning naming
    /// the command, never a misreading as the command that owns the key.
    NotModelled { command: &'static str, why: &'static str },
    /// Not an EC2 output key we know.
    Unknown,
    /// `describe-vpc-block-public-access-options` (an object, read after the lists).
    BpaOptions,
    /// `describe-vpc-block-public-access-exclusions` (read after the lists).
    BpaExclusions,
    /// Classic `describe-load-balancer-attributes` (an object, read after the lists).
    ClassicAttributes,
}

/// What the list under `key` is. A key several commands print (`Vpcs`, `Routes`) is decided by
/// its items' fields ([`shared_key`]); every other key by its name alone.
fn classify(key: &str, value: &Value) -> Class {
    shared_key(key, value).unwrap_or_else(|| classify_key(key))
}

/// The command behind a `Vpcs` or `Routes` list that is not `describe-vpcs` or
/// `search-transit-gateway-routes`, by the fields of its items: `describe-vpc-classic-link` and
/// `describe-vpc-classic-link-dns-support` print `Vpcs` items with only `VpcId`, a ClassicLink
/// flag and tags (never a CIDR block); `describe-client-vpn-routes` prints `Routes` items with a
/// `ClientVpnEndpointId`, `search-local-gateway-routes` with a `LocalGatewayRouteTableId`. `None`
/// when the key's own command is meant (or the list is empty or not a list: nothing to misread).
fn shared_key(key: &str, value: &Value) -> Option<Class> {
    let Value::Array(items) = value else { return None };
    let has = |field: &str| items.iter().any(|i| i.get(field).is_some());
    let not_modelled = |command, why| Some(Class::NotModelled { command, why });
    match key {
        "Vpcs" => {
            if has("CidrBlock") || has("CidrBlockAssociationSet") || has("Ipv6CidrBlockAssociationSet") {
                None
            } else if has("ClassicLinkDnsSupported") {
                not_modelled(
                    "describe-vpc-classic-link-dns-support",
                    "ClassicLink (EC2-Classic instances linked to a VPC) is not modelled",
                )
            } else if has("ClassicLinkEnabled") {
                not_modelled(
                    "describe-vpc-classic-link",
                    "ClassicLink (EC2-Classic instances linked to a VPC) is not modelled",
                )
            } else {
                None
            }
        }
        "Routes" => {
            if has("ClientVpnEndpointId") || has("TargetSubnet") {
                not_modelled(
                    "describe-client-vpn-routes",
                    "Client VPN endpoints and their routes are not modelled",
                )
            } else if has("LocalGatewayRouteTableId") {
                not_modelled(
                    "search-local-gateway-routes",
                    "local gateways and their route tables are not modelled",
                )
            } else {
                None
            }
        }
        _ => None,
    }
}

fn classify_key(key: &str) -> Class {
    use Kind::*;
    Class::Kind(match key {
        "Vpcs" => Vpcs,
        "Subnets" => Subnets,
        "RouteTables" => RouteTables,
        "NetworkAcls" => NetworkAcls,
        "SecurityGroups" => SecurityGroups,
        "SecurityGroupRules" => SecurityGroupRules,
        "NetworkInterfaces" => NetworkInterfaces,
        "Reservations" => Reservations,
        "InternetGateways" => InternetGateways,
        "EgressOnlyInternetGateways" => EgressOnlyInternetGateways,
        "NatGateways" => NatGateways,
        "VpcPeeringConnections" => VpcPeeringConnections,
        "VpcEndpoints" => VpcEndpoints,
        "PrefixLists" | "ManagedPrefixLists" => PrefixLists,
        "Entries" => PrefixListEntries,
        "Addresses" => Addresses,
        "VpnGateways" => VpnGateways,
        "TransitGateways" => TransitGateways,
        "TransitGatewayAttachments" => TransitGatewayAttachments,
        "TransitGatewayPeeringAttachments" => TgwPeeringAttachments,
        "TransitGatewayVpcAttachments" => TransitGatewayVpcAttachments,
        "TransitGatewayRouteTables" => TgwRouteTables,
        "Associations" => TgwAssociations,
        "TransitGatewayRouteTablePropagations" => TgwPropagations,
        "Routes" => TgwRoutes,
        "TransitGatewayPrefixListReferences" => TgwPrefixListReferences,
        "LoadBalancers" => LoadBalancers,
        "LoadBalancerDescriptions" => ClassicLoadBalancers,
        "TargetGroups" => TargetGroups,
        "Listeners" => Listeners,
        "Rules" => ListenerRules,
        "TargetHealthDescriptions" => TargetHealth,
        "Attributes" => ElbAttributes,
        "FlowLogs" => FlowLogs,
        "LoadBalancerAttributes" => return Class::ClassicAttributes,
        "NextToken" | "ResponseMetadata" | "AdditionalRoutesAvailable" => return Class::Ignored,
        "VpcBlockPublicAccessOptions" => return Class::BpaOptions,
        "VpcBlockPublicAccessExclusions" => return Class::BpaExclusions,
        "TransitGatewayConnects"
        | "TransitGatewayConnectPeers"
        | "TransitGatewayMulticastDomains"
        | "TransitGatewayPolicyTables"
        | "TransitGatewayRouteTableAnnouncements" => {
            return Class::Unsupported(
                "transit gateway output is recognised but transit gateway routing is not modelled",
            );
        }
        "CarrierGateways" | "LocalGatewayRouteTables" | "LocalGateways" => {
            return Class::Unsupported(
                "carrier and local gateways are recognised but not modelled: a route to one answers unknown",
            );
        }
        "ClientVpnEndpoints" | "ClientVpnTargetNetworks" | "ClientVpnAuthorizationRules" => {
            return Class::Unsupported(
                "Client VPN is recognised but not modelled: traffic from its clients answers unknown",
            );
        }
        "VpnConnections" => VpnConnections,
        "CustomerGateways" => CustomerGateways,
        "directConnectGateways" => DxGateways,
        "directConnectGatewayAssociations" => DxAssociations,
        _ => return Class::Unknown,
    })
}

/// Where a diagnostic or provenance points: the file and the resource id (or, for a resource
/// without an id, its position such as `Vpcs[2]`).
#[derive(Debug, Clone, Copy)]
struct Loc<'a> {
    file: &'a str,
    resource: &'a str,
}

impl Loc<'_> {
    fn provenance(&self) -> Provenance {
        Provenance::resource(self.file, self.resource)
    }
}

/// The lowering in progress: the network built so far and what ingest has to say.
#[derive(Debug, Default)]
struct Lower {
    net: Network,
    diags: Vec<Diagnostic>,
    bpa: bpa::Gathered,
    /// Classic `describe-load-balancer-attributes` documents: (path, file, value).
    classic_attrs: Vec<(PathBuf, String, Value)>,
}

/// One top-level list of one document, waiting for its turn.
struct Pending<'a> {
    path: &'a Path,
    file: &'a str,
    key: &'a str,
    items: &'a [Value],
    /// The position of `items[0]` in the list (a packed list is lowered a block at a time).
    offset: usize,
    /// The list's items when they are packed (`items` is then empty): see [`Lower::lower_packed`].
    packed: Option<&'a stream::Packed>,
    /// `AdditionalRoutesAvailable` is true in the same document (a cut-short route search).
    truncated: bool,
}

fn lower(files: &[DocRef<'_>]) -> (Network, Vec<Diagnostic>) {
    let mut lw = Lower::default();
    let mut pending: BTreeMap<Kind, Vec<Pending<'_>>> = BTreeMap::new();
    for &DocRef {
        path,
        file,
        value: doc,
        packed,
    } in files
    {
        let Value::Object(map) = doc else {
            lw.diags.push(
                Diagnostic::error(
                    "not-a-snapshot",
                    format!(
                        "the document is {}, not an object of `describe-*` keys such as `Vpcs`",
                        json::describe(doc)
                    ),
                )
                .in_file(file),
            );
            continue;
        };
        if map.is_empty() {
            lw.diags
                .push(Diagnostic::warning("unknown-key", "the document holds no `describe-*` key").in_file(file));
        }
        let mut unknown: Vec<&str> = Vec::new();
        for (key, value) in map {
            if let Some(items) = packed.and_then(|p| p.get(key))
                && let Class::Kind(kind) = classify_key(key)
            {
                pending.entry(kind).or_default().push(Pending {
                    path,
                    file,
                    key,
                    items: &[],
                    offset: 0,
                    packed: Some(items),
                    truncated: false,
                });
                continue;
            }
            match classify(key, value) {
                Class::Kind(kind) => match value {
                    Value::Array(items) => pending.entry(kind).or_default().push(Pending {
                        path,
                        file,
                        key,
                        items,
                        offset: 0,
                        packed: None,
                        truncated: map.get("AdditionalRoutesAvailable") == Some(&Value::Bool(true)),
                    }),
                    Value::Null => {}
                    other => lw.diags.push(
                        Diagnostic::error(
                            "wrong-type",
                            format!("`{key}` should be a list, not {}: skipped", json::describe(other)),
                        )
                        .in_file(file),
                    ),
                },
                Class::Ignored => {}
                Class::BpaOptions => lw.bpa.options.push((file.to_owned(), value.clone())),
                Class::BpaExclusions => lw.bpa.exclusions.push((file.to_owned(), value.clone())),
                Class::ClassicAttributes => lw
                    .classic_attrs
                    .push((path.to_path_buf(), file.to_owned(), value.clone())),
                Class::Unsupported(why) => lw
                    .diags
                    .push(Diagnostic::warning("unsupported", format!("`{key}`: {why}")).in_file(file)),
                Class::NotModelled { command, why } => lw.diags.push(
                    Diagnostic::warning(
                        "unsupported",
                        format!("`{key}` holds `aws ec2 {command}` output (by its items' fields): {why}; ignored"),
                    )
                    .in_file(file),
                ),
                Class::Unknown => unknown.push(key),
            }
        }
        // A document none of whose keys is known is not a snapshot file: one warning naming it.
        if !unknown.is_empty() && unknown.len() == map.len() {
            let keys: Vec<String> = unknown.iter().take(5).map(|k| format!("`{k}`")).collect();
            lw.diags.push(
                Diagnostic::warning(
                    "unknown-file",
                    format!(
                        "`{file}` is not an `aws ec2` output this tool reads or recognises (its key{} {}): ignored",
                        if unknown.len() == 1 { " is" } else { "s are" },
                        keys.join(", ")
                    ),
                )
                .in_file(file),
            );
        } else {
            for key in unknown {
                lw.diags.push(
                    Diagnostic::warning(
                        "unknown-key",
                        format!("`{key}` is not an EC2 `describe-*` output this tool reads: ignored"),
                    )
                    .in_file(file),
                );
            }
        }
    }
    let has_acls = pending.contains_key(&Kind::NetworkAcls);
    for (kind, lists) in pending {
        if kind == Kind::PrefixListEntries {
            lw.prefix_list_entries_all(&lists);
            continue;
        }
        for p in lists {
            match p.packed {
                Some(packed) => lw.lower_packed(kind, &p, packed),
                None => lw.lower_list(kind, &p),
            }
        }
    }
    for (path, file, value) in std::mem::take(&mut lw.classic_attrs) {
        lw.classic_attributes(&path, &file, &value);
    }
    if has_acls {
        lw.default_acls_assumed();
    } else {
        lw.network_acls_missing();
    }
    lw.block_public_access();
    (lw.net, lw.diags)
}

/// How many packed items are parsed again at a time (in parallel) and then lowered.
const UNPACK_BLOCK: usize = 4096;

impl Lower {
    /// Lowers a packed list (of a kind in [`stream::PACKED_KEYS`]) a block of items at a time:
    /// each block is parsed again on every core, lowered in order, and dropped, so the whole
    /// list is never in memory as parsed values.
    fn lower_packed(&mut self, kind: Kind, p: &Pending<'_>, packed: &stream::Packed) {
        let mut listing = (kind == Kind::Reservations).then(|| self.reservations_start());
        let len = packed.items.len();
        let mut offset = 0;
        let mut values = packed.unpack(0..UNPACK_BLOCK.min(len));
        // The block lowered last, freed beside the lowering of the next (freeing a block's parse
        // takes a third as long as lowering it).
        let mut lowered: Vec<Value> = Vec::new();
        while offset < len {
            let end = (offset + UNPACK_BLOCK).min(len);
            // The next block is parsed on the other cores while this one is lowered.
            let (next, ()) = rayon::join(
                || {
                    drop(std::mem::take(&mut lowered));
                    packed.unpack(end..(end + UNPACK_BLOCK).min(len))
                },
                || {
                    let part = Pending {
                        path: p.path,
                        file: p.file,
                        key: p.key,
                        items: &values,
                        offset,
                        packed: None,
                        truncated: p.truncated,
                    };
                    match &mut listing {
                        Some(listing) => self.reservations_part(&part, listing),
                        None => self.lower_list(kind, &part),
                    }
                },
            );
            lowered = std::mem::replace(&mut values, next);
            offset = end;
        }
        rayon::spawn(move || drop(lowered));
    }

    fn lower_list(&mut self, kind: Kind, p: &Pending<'_>) {
        match kind {
            Kind::Vpcs => self.each(p, "VpcId", "vpc", Self::vpc),
            Kind::Subnets => self.each(p, "SubnetId", "subnet", Self::subnet),
            Kind::PrefixLists => self.each(p, "PrefixListId", "prefix list", Self::prefix_list),
            Kind::PrefixListEntries => self.prefix_list_entries_all(std::slice::from_ref(p)),
            Kind::RouteTables => self.each(p, "RouteTableId", "route table", Self::route_table),
            Kind::NetworkAcls => self.each(p, "NetworkAclId", "network ACL", Self::network_acl),
            Kind::SecurityGroups => self.each(p, "GroupId", "security group", Self::security_group),
            Kind::SecurityGroupRules => self.security_group_rules(p),
            Kind::NetworkInterfaces => self.each(p, "NetworkInterfaceId", "network interface", Self::network_interface),
            Kind::Reservations => self.reservations(p),
            Kind::Addresses => self.addresses(p),
            Kind::InternetGateways => self.each(p, "InternetGatewayId", "internet gateway", Self::internet_gateway),
            Kind::EgressOnlyInternetGateways => self.each(
                p,
                "EgressOnlyInternetGatewayId",
                "egress-only internet gateway",
                Self::egress_only_internet_gateway,
            ),
            Kind::NatGateways => self.each(p, "NatGatewayId", "NAT gateway", Self::nat_gateway),
            Kind::VpcPeeringConnections => self.each(p, "VpcPeeringConnectionId", "peering connection", Self::peering),
            Kind::VpcEndpoints => self.endpoints(p),
            Kind::VpnGateways => self.each(p, "VpnGatewayId", "virtual private gateway", Self::vpn_gateway),
            Kind::TransitGateways => self.each(p, "TransitGatewayId", "transit gateway", Self::transit_gateway),
            Kind::TransitGatewayAttachments => self.each(
                p,
                "TransitGatewayAttachmentId",
                "transit gateway attachment",
                |lw, loc, o| lw.tgw_attachment(loc, o, false),
            ),
            Kind::TransitGatewayVpcAttachments => self.each(
                p,
                "TransitGatewayAttachmentId",
                "transit gateway attachment",
                |lw, loc, o| lw.tgw_attachment(loc, o, true),
            ),
            Kind::TgwPeeringAttachments => self.each(
                p,
                "TransitGatewayAttachmentId",
                "transit gateway peering attachment",
                Self::tgw_peering,
            ),
            Kind::TgwRouteTables => self.each(
                p,
                "TransitGatewayRouteTableId",
                "transit gateway route table",
                Self::tgw_route_table,
            ),
            Kind::TgwAssociations => self.tgw_associations(p),
            Kind::TgwPropagations => self.tgw_propagations(p),
            Kind::TgwRoutes => self.tgw_routes(p, p.truncated),
            Kind::TgwPrefixListReferences => self.tgw_prefix_list_references(p),
            Kind::VpnConnections => self.each(p, "VpnConnectionId", "VPN connection", Self::vpn_connection),
            Kind::CustomerGateways => self.each(p, "CustomerGatewayId", "customer gateway", Self::customer_gateway),
            Kind::DxGateways => self.each(p, "directConnectGatewayId", "Direct Connect gateway", Self::dx_gateway),
            Kind::DxAssociations => self.dx_associations(p),
            Kind::LoadBalancers => self.each(p, "LoadBalancerArn", "load balancer", Self::load_balancer),
            Kind::ClassicLoadBalancers => {
                self.each(p, "LoadBalancerName", "load balancer", Self::classic_load_balancer)
            }
            Kind::TargetGroups => self.each(p, "TargetGroupArn", "target group", Self::target_group),
            Kind::Listeners => self.each(p, "ListenerArn", "listener", Self::listener),
            Kind::ListenerRules => self.each(p, "RuleArn", "listener rule", Self::listener_rule),
            Kind::TargetHealth => self.target_health(p),
            Kind::ElbAttributes => self.elb_attributes(p),
            Kind::FlowLogs => self.flow_logs(p),
        }
    }

    /// Lowers each item of a resource list with `f`, which inserts what it built. An item that is
    /// not an object or has no id, and an item `f` rejects, is an error diagnostic and is skipped.
    fn each(&mut self, p: &Pending<'_>, id_key: &str, what: &str, f: fn(&mut Self, Loc<'_>, &Obj<'_>) -> R<()>) {
        for (i, item) in p.items.iter().enumerate() {
            let pos = format!("{}[{}]", p.key, i + p.offset);
            let Some((o, id)) = self.open(p.file, &pos, item, id_key, what) else {
                continue;
            };
            let loc = Loc {
                file: p.file,
                resource: id,
            };
            if let Err(bad) = f(self, loc, &o) {
                self.error(loc, bad, &format!("{what} skipped"));
            }
        }
    }

    /// Opens one list item as an object with a required id, or reports why it cannot be.
    fn open<'v>(
        &mut self,
        file: &str,
        pos: &str,
        item: &'v Value,
        id_key: &str,
        what: &str,
    ) -> Option<(Obj<'v>, &'v str)> {
        let loc = Loc { file, resource: pos };
        let opened = Obj::of(item, "").and_then(|o| o.req_id(id_key).map(|id| (o.clone(), id)));
        match opened {
            Ok(x) => Some(x),
            Err(bad) => {
                self.error(loc, bad, &format!("{what} skipped"));
                None
            }
        }
    }

    /// Reports a malformed resource or entry: `skipped` says what is dropped (`entry skipped`).
    fn error(&mut self, loc: Loc<'_>, bad: Bad, skipped: &str) {
        self.diags.push(
            Diagnostic::error(bad.code, format!("{}: {skipped}", bad.message))
                .in_file(loc.file)
                .on(loc.resource),
        );
    }

    /// The value of `r`, or `None` after reporting it (for entries skipped one by one).
    fn entry<T>(&mut self, loc: Loc<'_>, r: R<T>, skipped: &str) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(bad) => {
                self.error(loc, bad, skipped);
                None
            }
        }
    }

    /// NACL-1: AWS associates every subnet with exactly one network ACL and
    /// `describe-network-acls` lists that association, the default ACL's included. In a snapshot
    /// with network ACLs, a subnet that none lists (the outputs were taken at different times,
    /// or one was filtered) is left to its VPC's default ACL, as the model does for any subnet
    /// without an association, and this says so. A VPC without a default ACL is
    /// `model::validate`'s `no-default-network-acl`.
    fn default_acls_assumed(&mut self) {
        let mut associated: BTreeSet<&SubnetId> = BTreeSet::new();
        // The first default ACL of each VPC by id, as `NetworkIndex` picks.
        let mut default_acl: BTreeMap<&VpcId, &NetworkAclId> = BTreeMap::new();
        for acl in self.net.network_acls.values() {
            associated.extend(&acl.subnets);
            if acl.is_default {
                default_acl.entry(&acl.vpc).or_insert(&acl.id);
            }
        }
        for s in self.net.subnets.values() {
            if associated.contains(&s.id) {
                continue;
            }
            let Some(acl) = default_acl.get(&s.vpc) else { continue };
            self.diags.push(
                Diagnostic::warning(
                    "default-acl-assumed",
                    format!(
                        "subnet `{}` is associated with no network ACL in the snapshot: the default network ACL `{acl}` of vpc `{}` is assumed (NACL-1)",
                        s.id, s.vpc
                    ),
                )
                .in_file(s.provenance.file.as_str())
                .on(s.id.as_str()),
            );
        }
    }

    /// NACL-1: AWS never has a subnet without a network ACL. A snapshot with subnets and no
    /// `describe-network-acls` output at all lacks a whole command's output, not an association:
    /// nothing tells what filters the subnets' traffic, so it is an error naming the command, one
    /// per VPC (a `NetworkIndex` then finds no ACL for these subnets, and a library caller's
    /// query must not take that for a proof: SEMANTICS.md §7).
    fn network_acls_missing(&mut self) {
        let mut by_vpc: BTreeMap<&VpcId, Vec<&Subnet>> = BTreeMap::new();
        for s in self.net.subnets.values() {
            by_vpc.entry(&s.vpc).or_default().push(s);
        }
        for (vpc, subnets) in by_vpc {
            let Some(first) = subnets.first() else { continue };
            let mut named: Vec<String> = subnets.iter().take(5).map(|s| format!("`{}`", s.id)).collect();
            if subnets.len() > 5 {
                named.push(format!("and {} more", subnets.len() - 5));
            }
            self.diags.push(
                Diagnostic::error(
                    "missing-network-acls",
                    format!(
                        "vpc `{vpc}` has {} subnet(s) ({}) and the snapshot holds no network ACL: add the output of `aws ec2 describe-network-acls` (AWS associates every subnet with one, NACL-1)",
                        subnets.len(),
                        named.join(", ")
                    ),
                )
                .in_file(first.provenance.file.as_str())
                .on(vpc.as_str()),
            );
        }
    }

    fn warn(&mut self, loc: Loc<'_>, code: &str, message: String) {
        self.diags
            .push(Diagnostic::warning(code, message).in_file(loc.file).on(loc.resource));
    }

    /// The CIDR block in field `key` of `o` (see [`Lower::read_cidr`]).
    fn cidr(&mut self, loc: Loc<'_>, o: &Obj<'_>, key: &str, family: Option<IpFamily>) -> R<Option<Cidr>> {
        match o.str(key)? {
            None => Ok(None),
            Some(text) => self.read_cidr(loc, &o.field(key), text, family).map(Some),
        }
    }

    /// Parses the CIDR block `text` of field `field` ([`json::parse_cidr`]); host bits are
    /// cleared with a `cidr-host-bits` warning, as the native spec does.
    fn read_cidr(&mut self, loc: Loc<'_>, field: &str, text: &str, family: Option<IpFamily>) -> R<Cidr> {
        let (cidr, host_bits) = json::parse_cidr(field, text, family)?;
        if host_bits {
            self.warn(
                loc,
                "cidr-host-bits",
                format!("CIDR block `{text}` (`{field}`) has host bits set: read as `{cidr}`"),
            );
        }
        Ok(cidr)
    }
}

/// Resources that carry a provenance (to say where a duplicate was first read).
trait Described {
    fn provenance(&self) -> &Provenance;
}

macro_rules! described {
    ($($t:ty),* $(,)?) => {
        $(impl Described for $t {
            fn provenance(&self) -> &Provenance {
                &self.provenance
            }
        })*
    };
}

described!(
    Vpc,
    Subnet,
    RouteTable,
    NetworkAcl,
    SecurityGroup,
    NetworkInterface,
    Instance,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    VpcPeeringConnection,
    VpcEndpoint,
    PrefixList,
    VpnGateway,
    TransitGateway,
);

/// Inserts a resource under its id. The same id read twice (two files of one command, a merged
/// file beside per-command files) is kept once: silently when both descriptions agree, with a
/// warning naming both files when they differ (the first description is kept).
fn insert<K, V>(map: &mut BTreeMap<K, V>, diags: &mut Vec<Diagnostic>, what: &str, id: K, value: V)
where
    K: Ord + Display,
    V: Serialize + Described,
{
    match map.get(&id) {
        None => {
            map.insert(id, value);
        }
        Some(first) if same_ignoring_provenance(first, &value) => {}
        Some(first) => diags.push(
            Diagnostic::warning(
                "duplicate-resource",
                format!(
                    "{what} `{id}` is described again, differently: the description read from `{}` is kept",
                    first.provenance().file
                ),
            )
            .in_file(value.provenance().file.as_str())
            .on(id.to_string()),
        ),
    }
}

/// True iff two resources are equal once every `provenance` is removed.
fn same_ignoring_provenance<V: Serialize>(a: &V, b: &V) -> bool {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("provenance");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(mut x), Ok(mut y)) => {
            strip(&mut x);
            strip(&mut y);
            x == y
        }
        _ => false,
    }
}

/// Lowercases an AWS state for storage (states are open, case-insensitive strings).
fn state(text: Option<&str>, default: &str) -> String {
    text.map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| default.to_owned())
}
