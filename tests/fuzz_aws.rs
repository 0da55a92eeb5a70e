//! The AWS loader never panics, whatever it is fed (DESIGN.md §4): arbitrary bytes, arbitrary
//! JSON whose object keys come mostly from the real AWS vocabulary (so it reaches the lowering of
//! routes, entries, rules and addresses), and the merged snapshot with one value replaced.
//! Errors and diagnostics are expected; a panic is a failure. Loaded networks also go through
//! `finish` and `validate`, which must not panic either.

use crate::common::*;
use proptest::prelude::*;
use serde_json::{Map, Number, Value};
use std::path::PathBuf;
use std::sync::OnceLock;
use vpcverify::ingest::{self, aws};
use vpcverify::model::validate::validate;

/// Top-level keys of `describe-*` output (and a few the loader must reject or ignore).
const TOP_KEYS: &[&str] = &[
    "Vpcs",
    "Subnets",
    "RouteTables",
    "NetworkAcls",
    "SecurityGroups",
    "SecurityGroupRules",
    "NetworkInterfaces",
    "Reservations",
    "InternetGateways",
    "EgressOnlyInternetGateways",
    "NatGateways",
    "VpcPeeringConnections",
    "VpcEndpoints",
    "PrefixLists",
    "ManagedPrefixLists",
    "Entries",
    "Addresses",
    "VpnGateways",
    "TransitGateways",
    "TransitGatewayAttachments",
    "TransitGatewayVpcAttachments",
    "TransitGatewayRouteTables",
    "TransitGatewayRouteTablePropagations",
    "TransitGatewayPeeringAttachments",
    "TransitGatewayPrefixListReferences",
    "Associations",
    "Routes",
    "AdditionalRoutesAvailable",
    "NextToken",
    "VpcBlockPublicAccessOptions",
    "VpcBlockPublicAccessExclusions",
];

/// Field names found inside resources.
const FIELD_KEYS: &[&str] = &[
    "VpcId",
    "SubnetId",
    "RouteTableId",
    "NetworkAclId",
    "GroupId",
    "NetworkInterfaceId",
    "InstanceId",
    "GatewayId",
    "NatGatewayId",
    "EgressOnlyInternetGatewayId",
    "VpcPeeringConnectionId",
    "TransitGatewayId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "CoreNetworkArn",
    "InternetGatewayId",
    "VpcEndpointId",
    "PrefixListId",
    "VpnGatewayId",
    "SecurityGroupRuleId",
    "CidrBlock",
    "Ipv6CidrBlock",
    "DestinationCidrBlock",
    "DestinationIpv6CidrBlock",
    "DestinationPrefixListId",
    "Routes",
    "Entries",
    "Instances",
    "PortRange",
    "From",
    "To",
    "IcmpTypeCode",
    "Type",
    "Code",
    "Protocol",
    "RuleNumber",
    "RuleAction",
    "Egress",
    "IpProtocol",
    "FromPort",
    "ToPort",
    "IpPermissions",
    "IpPermissionsEgress",
    "IpRanges",
    "CidrIp",
    "Ipv6Ranges",
    "CidrIpv6",
    "PrefixListIds",
    "UserIdGroupPairs",
    "Associations",
    "Main",
    "AssociationState",
    "State",
    "Name",
    "CidrBlockAssociationSet",
    "CidrBlockState",
    "Ipv6CidrBlockAssociationSet",
    "Ipv6CidrBlockState",
    "BlockPublicAccessStates",
    "InternetGatewayBlockMode",
    "InternetGatewayExclusionMode",
    "ExclusionId",
    "ResourceArn",
    "ExclusionsAllowed",
    "PrivateIpAddresses",
    "PrivateIpAddress",
    "Primary",
    "Association",
    "SubnetIds",
    "Options",
    "ApplianceModeSupport",
    "TransitGatewayAttachments",
    "TransitGatewayAttachment",
    "RequesterTgwInfo",
    "AccepterTgwInfo",
    "Blackhole",
    "PublicIp",
    "PublicIpAddress",
    "AllocationId",
    "Attachment",
    "Attachments",
    "VpcAttachments",
    "DeviceIndex",
    "Groups",
    "SourceDestCheck",
    "Ipv6Addresses",
    "Ipv6Address",
    "Ipv4Prefixes",
    "DenyAllIgwTraffic",
    "NatGatewayAddresses",
    "PrivateIp",
    "IsPrimary",
    "ConnectivityType",
    "Status",
    "RequesterVpcInfo",
    "AccepterVpcInfo",
    "VpcEndpointType",
    "ServiceName",
    "RouteTableIds",
    "SubnetIds",
    "NetworkInterfaceIds",
    "Cidrs",
    "Cidr",
    "OwnerId",
    "AddressFamily",
    "MaxEntries",
    "PrefixListName",
    "Tags",
    "TagSet",
    "Key",
    "Value",
    "IsDefault",
    "IsEgress",
    "CidrIpv4",
    "ReferencedGroupInfo",
    "Origin",
    "PropagatingVgws",
    "ResourceType",
    "ResourceId",
    "InterfaceType",
    "RequesterManaged",
    "Description",
    "GroupName",
];

/// Scalars that mean something to the loader, and some that are wrong in interesting ways.
const STRINGS: &[&str] = &[
    "10.0.0.0/16",
    "10.0.1.0/24",
    "10.0.1.5",
    "0.0.0.0/0",
    "::/0",
    "2600:1f18::/56",
    "2600:1f18::10",
    "10.0.0.0/33",
    "10.0.1.5/24",
    "not-an-ip",
    "local",
    "igw-1",
    "eigw-1",
    "nat-1",
    "vpc-1",
    "subnet-1",
    "rtb-1",
    "acl-1",
    "sg-1",
    "eni-1",
    "i-1",
    "pcx-1",
    "vpce-1",
    "pl-1",
    "vgw-1",
    "tgw-1",
    "-1",
    "6",
    "17",
    "1",
    "58",
    "50",
    "256",
    "tcp",
    "udp",
    "icmp",
    "icmpv6",
    "allow",
    "deny",
    "active",
    "blackhole",
    "filtered",
    "associated",
    "disassociated",
    "available",
    "attached",
    "deleted",
    "terminated",
    "running",
    "AWS",
    "IPv4",
    "IPv6",
    "Gateway",
    "Interface",
    "GatewayLoadBalancer",
    "public",
    "private",
    "vpc",
    "block-bidirectional",
    "off",
    "CreateRoute",
    "EnableVgwRoutePropagation",
    "",
];

/// A plausible value for a core field: mostly right, sometimes wrong in the way real mistakes are.
#[derive(Debug, Clone, Copy)]
enum Leaf {
    S(&'static str),
    N(i64),
    B(bool),
}

use Leaf::{B, N, S};

const CIDRS_V4: &[Leaf] = &[S("10.0.0.0/16"), S("10.0.1.0/24"), S("0.0.0.0/0"), S("192.0.2.0/24")];
const CIDRS_V6: &[Leaf] = &[S("::/0"), S("2600:1f18::/56"), S("2600:1f18::/64")];
const BAD_CIDRS: &[Leaf] = &[S("10.0.0.0/33"), S("::/0"), S("10.0.0.0/8"), S("x"), N(10)];
const IPS: &[Leaf] = &[S("10.0.1.5"), S("10.0.1.6"), S("198.51.100.1")];
const BAD_IPS: &[Leaf] = &[S("::1"), S("10.0.1.0/24"), S("x"), B(true)];
const BOOLS: &[Leaf] = &[B(true), B(false)];
const BAD: &[Leaf] = &[S("true"), N(-1), S(""), B(false)];

/// Fields every lowering looks for first (ids, destinations, targets, rule fields), with good
/// values and, now and then, bad ones. Each generated item gets a random subset of them, so ids
/// are usually present and the lowering gets past its first checks into routes, entries, rules
/// and addresses.
const CORE: &[(&str, &[Leaf], &[Leaf])] = &[
    ("VpcId", &[S("vpc-1"), S("vpc-2")], BAD),
    ("SubnetId", &[S("subnet-1"), S("subnet-2")], BAD),
    ("RouteTableId", &[S("rtb-1"), S("rtb-2")], BAD),
    ("NetworkAclId", &[S("acl-1")], BAD),
    ("GroupId", &[S("sg-1"), S("sg-2")], BAD),
    ("NetworkInterfaceId", &[S("eni-1"), S("eni-2")], BAD),
    ("InstanceId", &[S("i-1"), S("i-2")], &[S(""), N(1)]),
    ("InternetGatewayId", &[S("igw-1")], BAD),
    ("EgressOnlyInternetGatewayId", &[S("eigw-1")], BAD),
    ("NatGatewayId", &[S("nat-1")], BAD),
    ("VpcPeeringConnectionId", &[S("pcx-1")], BAD),
    ("VpcEndpointId", &[S("vpce-1")], BAD),
    ("PrefixListId", &[S("pl-1")], BAD),
    ("VpnGatewayId", &[S("vgw-1")], BAD),
    ("TransitGatewayId", &[S("tgw-1"), S("tgw-2")], BAD),
    (
        "TransitGatewayAttachmentId",
        &[S("tgw-attach-1"), S("tgw-attach-2")],
        BAD,
    ),
    ("TransitGatewayRouteTableId", &[S("tgw-rtb-1")], BAD),
    ("ResourceType", &[S("vpc"), S("peering"), S("vpn")], BAD),
    ("ResourceId", &[S("vpc-1"), S("tgw-2")], BAD),
    ("SecurityGroupRuleId", &[S("sgr-1"), S("sgr-2")], BAD),
    (
        "GatewayId",
        &[S("local"), S("igw-1"), S("vgw-1"), S("vpce-1"), S("eigw-1")],
        &[S("x-1"), N(3)],
    ),
    ("CidrBlock", CIDRS_V4, BAD_CIDRS),
    ("Ipv6CidrBlock", CIDRS_V6, BAD_CIDRS),
    ("DestinationCidrBlock", CIDRS_V4, BAD_CIDRS),
    ("DestinationIpv6CidrBlock", CIDRS_V6, BAD_CIDRS),
    ("DestinationPrefixListId", &[S("pl-1")], BAD),
    ("CidrIp", CIDRS_V4, BAD_CIDRS),
    ("CidrIpv6", CIDRS_V6, BAD_CIDRS),
    ("CidrIpv4", CIDRS_V4, BAD_CIDRS),
    ("Cidr", CIDRS_V4, BAD_CIDRS),
    (
        "RuleNumber",
        &[N(100), N(110), N(32767), N(32768), N(40000)],
        &[N(-1), N(70000), S("100")],
    ),
    (
        "Protocol",
        &[S("-1"), S("6"), S("17"), S("1"), S("58"), S("50")],
        &[S("999"), N(6)],
    ),
    (
        "IpProtocol",
        &[
            S("-1"),
            S("tcp"),
            S("udp"),
            S("icmp"),
            S("icmpv6"),
            S("6"),
            S("58"),
            S("50"),
        ],
        &[S("x")],
    ),
    ("RuleAction", &[S("allow"), S("deny"), S("ALLOW")], &[S("maybe")]),
    ("Egress", BOOLS, BAD),
    ("IsEgress", BOOLS, BAD),
    ("FromPort", &[N(-1), N(0), N(22), N(443), N(8)], &[N(70000), N(-2)]),
    ("ToPort", &[N(-1), N(22), N(443), N(65535), N(0)], &[N(70000)]),
    ("From", &[N(0), N(443), N(1024)], &[N(-1), N(70000)]),
    ("To", &[N(443), N(65535)], &[N(70000), S("1")]),
    ("Type", &[N(-1), N(3), N(8)], &[N(300)]),
    ("Code", &[N(-1), N(4), S("active"), S("deleted")], &[N(300)]),
    ("PrivateIpAddress", IPS, BAD_IPS),
    ("PrivateIp", IPS, BAD_IPS),
    ("PublicIp", IPS, BAD_IPS),
    ("PublicIpAddress", IPS, BAD_IPS),
    ("Ipv6Address", &[S("2600:1f18::10")], &[S("10.0.0.1")]),
    ("AllocationId", &[S("eipalloc-1"), S("")], &[N(1)]),
    ("Primary", BOOLS, BAD),
    ("IsPrimary", BOOLS, BAD),
    ("Main", BOOLS, BAD),
    ("SourceDestCheck", BOOLS, BAD),
    ("IsDefault", BOOLS, BAD),
    ("DenyAllIgwTraffic", &[B(false)], &[B(true), S("no")]),
    ("DeviceIndex", &[N(0), N(1)], &[N(-1), S("0")]),
    (
        "State",
        &[
            S("available"),
            S("attached"),
            S("associated"),
            S("active"),
            S("blackhole"),
            S("deleted"),
        ],
        &[S("filtered"), N(1)],
    ),
    ("Name", &[S("running"), S("terminated"), S("stopped")], &[N(1)]),
    ("Key", &[S("Name")], &[N(1)]),
    ("Value", &[S("web")], &[N(1)]),
    ("ConnectivityType", &[S("public"), S("private")], &[S("odd")]),
    (
        "VpcEndpointType",
        &[S("Gateway"), S("Interface"), S("GatewayLoadBalancer")],
        &[N(1)],
    ),
    ("ServiceName", &[S("com.amazonaws.us-east-1.s3")], &[N(1)]),
    (
        "PrefixListName",
        &[S("com.amazonaws.us-east-1.s3"), S("office")],
        &[N(1)],
    ),
    ("OwnerId", &[S("AWS"), S("111122223333")], &[N(1)]),
    ("AddressFamily", &[S("IPv4"), S("IPv6")], &[S("odd")]),
    ("MaxEntries", &[N(5)], &[N(-1)]),
    ("ResourceType", &[S("vpc"), S("vpn")], &[N(1)]),
    ("ResourceId", &[S("vpc-1")], &[N(1)]),
    (
        "Origin",
        &[S("CreateRoute"), S("CreateRouteTable"), S("EnableVgwRoutePropagation")],
        &[S("odd")],
    ),
    ("InternetGatewayBlockMode", &[S("off"), S("block-ingress")], &[N(1)]),
    ("InterfaceType", &[S("interface"), S("nat_gateway")], &[N(1)]),
];

impl Leaf {
    fn json(self) -> Value {
        match self {
            S(s) => Value::String(s.to_owned()),
            N(n) => Value::Number(n.into()),
            B(b) => Value::Bool(b),
        }
    }
}

fn key_strategy(vocabulary: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        9 => prop::sample::select(vocabulary).prop_map(str::to_owned),
        1 => "[A-Za-z]{1,10}",
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::sample::select(STRINGS).prop_map(|s| Value::String(s.to_owned())),
        1 => ".{0,12}".prop_map(Value::String),
        2 => prop::sample::select(&[-5i64, -1, 0, 1, 3, 22, 443, 32766, 32767, 32768, 40000, 65535, 70000, i64::MAX][..])
            .prop_map(|n| Value::Number(n.into())),
        1 => any::<i64>().prop_map(|n| Value::Number(n.into())),
        1 => prop::sample::select(&[1.5f64, -0.0, 1e300][..])
            .prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
    ]
}

/// The list fields and object fields of the items under each list key, after botocore's shapes
/// (a route table has `Routes`, an entry `PortRange`, an instance `NetworkInterfaces` and
/// `State`, …). A key not listed has items with neither.
const SHAPES: &[(&str, &[&str], &[&str])] = &[
    (
        "Vpcs",
        &["CidrBlockAssociationSet", "Ipv6CidrBlockAssociationSet", "Tags"],
        &["BlockPublicAccessStates"],
    ),
    ("CidrBlockAssociationSet", &[], &["CidrBlockState"]),
    ("Ipv6CidrBlockAssociationSet", &[], &["Ipv6CidrBlockState"]),
    (
        "Subnets",
        &["Ipv6CidrBlockAssociationSet", "Tags"],
        &["BlockPublicAccessStates"],
    ),
    (
        "RouteTables",
        &["Associations", "Routes", "PropagatingVgws", "Tags"],
        &[],
    ),
    ("Associations", &[], &["AssociationState"]),
    ("NetworkAcls", &["Associations", "Entries", "Tags"], &[]),
    ("Entries", &[], &["PortRange", "IcmpTypeCode"]),
    ("SecurityGroups", &["IpPermissions", "IpPermissionsEgress", "Tags"], &[]),
    (
        "IpPermissions",
        &["IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"],
        &[],
    ),
    (
        "IpPermissionsEgress",
        &["IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"],
        &[],
    ),
    ("SecurityGroupRules", &["Tags"], &["ReferencedGroupInfo"]),
    (
        "NetworkInterfaces",
        &["PrivateIpAddresses", "Ipv6Addresses", "Groups", "TagSet"],
        &["Association", "Attachment"],
    ),
    ("PrivateIpAddresses", &[], &["Association"]),
    ("Reservations", &["Instances"], &[]),
    ("Instances", &["NetworkInterfaces", "Tags"], &["State"]),
    ("InternetGateways", &["Attachments", "Tags"], &[]),
    ("EgressOnlyInternetGateways", &["Attachments"], &[]),
    ("NatGateways", &["NatGatewayAddresses", "Tags"], &[]),
    (
        "VpcPeeringConnections",
        &["Tags"],
        &["RequesterVpcInfo", "AccepterVpcInfo", "Status"],
    ),
    (
        "VpcEndpoints",
        &["Groups", "RouteTableIds", "SubnetIds", "NetworkInterfaceIds"],
        &[],
    ),
    ("PrefixLists", &["Cidrs", "Tags"], &[]),
    ("ManagedPrefixLists", &["Cidrs"], &[]),
    ("VpnGateways", &["VpcAttachments"], &[]),
];

/// Fields of which an item under the key has exactly one (a route's destination and target, an
/// entry's CIDR block, a flat rule's peer): without this, nearly every generated route would
/// have two destinations and be rejected before its target is read.
const ONE_OF: &[(&str, &[&[&str]])] = &[
    (
        "Routes",
        &[
            &[
                "DestinationCidrBlock",
                "DestinationIpv6CidrBlock",
                "DestinationPrefixListId",
            ],
            &[
                "GatewayId",
                "NatGatewayId",
                "EgressOnlyInternetGatewayId",
                "InstanceId",
                "NetworkInterfaceId",
                "VpcPeeringConnectionId",
                "TransitGatewayId",
            ],
        ],
    ),
    ("Entries", &[&["CidrBlock", "Ipv6CidrBlock"]]),
    (
        "SecurityGroupRules",
        &[&["CidrIpv4", "CidrIpv6", "PrefixListId", "ReferencedGroupInfo"]],
    ),
];

/// Keeps one field of each one-of group of `key` (all of them one time in ten).
fn keep_one_of(key: &str, m: &mut Map<String, Value>, picks: &[prop::sample::Index], keep_all: bool) {
    if keep_all {
        return;
    }
    let groups = ONE_OF
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, g)| *g)
        .unwrap_or_default();
    for (group, pick) in groups.iter().zip(picks) {
        let keep = *pick.get(group);
        for field in group.iter().filter(|f| **f != keep) {
            m.remove(*field);
        }
    }
}

/// List fields whose elements are strings, not objects.
const STRING_LISTS: &[&str] = &["Cidrs", "RouteTableIds", "SubnetIds", "NetworkInterfaceIds"];

/// A random subset (at least four fifths) of the core fields: a bad value one time in 25.
fn core_fields() -> impl Strategy<Value = Map<String, Value>> {
    (
        prop::sample::subsequence((0..CORE.len()).collect::<Vec<_>>(), CORE.len() * 4 / 5..=CORE.len()),
        prop::collection::vec((any::<prop::sample::Index>(), prop::bool::weighted(0.04)), CORE.len()),
    )
        .prop_map(|(picked, picks)| {
            picked
                .into_iter()
                .map(|i| {
                    let (key, good, bad) = CORE[i];
                    let (pick, wrong) = &picks[i];
                    let leaf = if *wrong { pick.get(bad) } else { pick.get(good) };
                    (key.to_owned(), leaf.json())
                })
                .collect()
        })
}

/// One item of the list under `key`: core fields, the list and object fields its shape has
/// (most of the time), and now and then an arbitrary field.
fn item(key: &'static str) -> BoxedStrategy<Value> {
    if STRING_LISTS.contains(&key) {
        return prop_oneof![
            4 => prop::sample::select(CIDRS_V4).prop_map(Leaf::json),
            1 => scalar(),
        ]
        .boxed();
    }
    let (lists, objects) = SHAPES
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, lists, objects)| (*lists, *objects))
        .unwrap_or_default();
    let mut subs: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
    for sub in lists {
        // A bad tag sinks its resource, so tags come less often than the lists that matter.
        let weight = if sub.starts_with("Tag") { 0.3 } else { 0.8 };
        subs.push(
            prop::option::weighted(weight, list_of(sub))
                .prop_map(move |v| v.map(|v| ((*sub).to_owned(), v)))
                .boxed(),
        );
    }
    for obj in objects {
        subs.push(
            prop::option::weighted(0.7, core_fields().prop_map(Value::Object))
                .prop_map(move |v| v.map(|v| ((*obj).to_owned(), v)))
                .boxed(),
        );
    }
    let extra = prop::option::weighted(0.2, (key_strategy(FIELD_KEYS), value()));
    let one_of = (
        prop::collection::vec(any::<prop::sample::Index>(), 2),
        prop::bool::weighted(0.1),
    );
    (core_fields(), subs, extra, one_of)
        .prop_map(move |(mut m, subs, extra, (picks, keep_all))| {
            m.extend(subs.into_iter().flatten());
            keep_one_of(key, &mut m, &picks, keep_all);
            m.extend(extra);
            Value::Object(m)
        })
        .boxed()
}

/// The list under `key`: items of its shape, now and then arbitrary JSON instead.
fn list_of(key: &'static str) -> BoxedStrategy<Value> {
    prop_oneof![
        12 => prop::collection::vec(prop_oneof![12 => item(key), 1 => value()], 0..4).prop_map(Value::Array),
        1 => value(),
    ]
    .boxed()
}

/// Arbitrary JSON, objects keyed mostly by AWS field names.
fn value() -> BoxedStrategy<Value> {
    scalar()
        .prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                1 => prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                2 => prop::collection::btree_map(key_strategy(FIELD_KEYS), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
            ]
        })
        .boxed()
}

/// A document shaped like `describe-*` output: top-level keys holding lists of items of their
/// shape; now and then arbitrary JSON.
fn document() -> impl Strategy<Value = Value> {
    let lists: Vec<BoxedStrategy<(String, Value)>> = TOP_KEYS
        .iter()
        .map(|k| list_of(k).prop_map(move |v| ((*k).to_owned(), v)).boxed())
        .collect();
    prop_oneof![
        12 => prop::collection::vec(prop::strategy::Union::new(lists), 1..6)
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        1 => prop::collection::btree_map(key_strategy(TOP_KEYS), value(), 0..4)
            .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        1 => value(),
    ]
}

fn merged_fixture() -> &'static (Vec<u8>, Value, Vec<String>) {
    static CELL: OnceLock<(Vec<u8>, Value, Vec<String>)> = OnceLock::new();
    CELL.get_or_init(|| {
        let bytes = std::fs::read(path("tests/fixtures/aws/merged.json")).unwrap();
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        let mut pointers = Vec::new();
        collect_pointers(&value, String::new(), &mut pointers);
        (bytes, value, pointers)
    })
}

/// Every JSON pointer in `v` (`/RouteTables/1/Routes/3/GatewayId`, …).
fn collect_pointers(v: &Value, here: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                collect_pointers(x, format!("{here}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                collect_pointers(x, format!("{here}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(here);
}

/// Loads a document through `load_files`, then `finish` and `validate`.
fn check_document(name: &str, doc: Value) {
    if let Ok(mut loaded) = aws::load_files(&[(PathBuf::from(name), name.to_owned(), doc)]) {
        ingest::finish(&mut loaded.network);
        let _ = validate(&loaded.network);
    }
}

/// Writes files into a fresh directory and loads it through `ingest::load`.
fn check_directory(files: &[(&str, &[u8])]) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    if let Ok(loaded) = ingest::load(dir.path()) {
        let _ = validate(&loaded.network);
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check_directory(&[("describe-vpcs.json", &bytes)]);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("snapshot.json");
        std::fs::write(&file, &bytes).unwrap();
        if let Ok(loaded) = ingest::load(&file) {
            let _ = validate(&loaded.network);
        }
    }

    #[test]
    fn a_cut_or_damaged_real_snapshot_never_panics(cut in 0usize..100_000, at in 0usize..100_000, byte in any::<u8>()) {
        let (bytes, _, _) = merged_fixture();
        let mut damaged = bytes.clone();
        let at = at % damaged.len();
        damaged[at] = byte;
        damaged.truncate(cut % (damaged.len() + 1));
        check_directory(&[("merged.json", &damaged)]);
    }

    #[test]
    fn aws_shaped_json_never_panics_through_load_files(doc in document()) {
        check_document("snap/pl-0abc.entries.json", doc.clone());
        // The per-table transit gateway outputs are read only under a `tgw-rtb-…` path.
        check_document("snap/tgw-rtb-1/search-transit-gateway-routes.json", doc.clone());
        check_document("snap/merged.json", doc);
    }

    #[test]
    fn aws_shaped_json_never_panics_through_a_directory(a in document(), b in document()) {
        let a = serde_json::to_vec(&a).unwrap();
        let b = serde_json::to_vec(&b).unwrap();
        check_directory(&[("describe-a.json", &a), ("pl-1.entries.json", &b)]);
    }

    #[test]
    fn the_merged_snapshot_with_one_value_replaced_never_panics(pick in any::<prop::sample::Index>(), replacement in value()) {
        let (_, original, pointers) = merged_fixture();
        let mut doc = original.clone();
        if let Some(slot) = doc.pointer_mut(pick.get(pointers.as_slice()).as_str()) {
            *slot = replacement;
        }
        check_document("merged.json", doc);
    }
}
