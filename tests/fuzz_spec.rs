//! The native spec loader never panics: arbitrary text, documents built from the format's own
//! vocabulary (its tables, keys and plausible and implausible values), and bundled specs with
//! random damage, fed to `ingest::spec::load_str` and `ingest::load`. What loads then goes through
//! the shared normalisation, validation and the index, as every command does; every diagnostic
//! must carry a line and column inside the file.

use crate::common::*;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use vpcverify::ingest::{self, IngestError, Loaded, spec};
use vpcverify::model::NetworkIndex;
use vpcverify::model::validate::validate;

/// Top-level tables: every kind, and some near misses.
const TABLES: &[&str] = &[
    "vpc",
    "subnet",
    "route_table",
    "network_acl",
    "security_group",
    "instance",
    "network_interface",
    "internet_gateway",
    "egress_only_internet_gateway",
    "nat_gateway",
    "peering",
    "vpc_endpoint",
    "prefix_list",
    "vpn_gateway",
    "transit_gateway",
    "vpcs",
    "routes",
    "Subnet",
];

/// Resource names, some of which collide with ids, keywords or each other once sanitised.
const NAMES: &[&str] = &[
    "lab", "public", "private", "web", "nat", "igw", "s3", "main", "a", "b", "x y", "x-y", "é", "", "vpc-lab",
    "default", "self", "local",
];

/// Keys of every table and item, and some that exist nowhere.
const KEYS: &[&str] = &[
    "id",
    "cidr",
    "secondary_cidrs",
    "ipv6_cidrs",
    "ipv6_cidr",
    "default",
    "tags",
    "vpc",
    "vpcs",
    "az",
    "map_public_ip",
    "route_table",
    "network_acl",
    "main",
    "subnets",
    "routes",
    "propagating_vgws",
    "edge_associations",
    "destination",
    "prefix_list",
    "target",
    "state",
    "origin",
    "inbound",
    "outbound",
    "rule",
    "protocol",
    "ports",
    "icmp_type",
    "icmp_code",
    "action",
    "group_name",
    "description",
    "ingress",
    "egress",
    "from",
    "to",
    "peering",
    "subnet",
    "private_ip",
    "secondary_private_ips",
    "public_ip",
    "elastic_ip",
    "ipv6_addresses",
    "groups",
    "source_dest_check",
    "interface_id",
    "instance",
    "device_index",
    "type",
    "connectivity",
    "requester",
    "accepter",
    "status",
    "service",
    "route_tables",
    "prefix_list_name",
    "owner",
    "address_family",
    "entries",
    "max_entries",
    "onprem_cidrs",
    "ip",
    "address",
    "allocation_id",
    "Name",
    "cidr_block",
    "from_port",
];

/// String values a spec might hold, valid or not.
const WORDS: &[&str] = &[
    "10.0.0.0/16",
    "10.0.1.0/24",
    "10.0.1.5/24",
    "10.0.0.0/33",
    "10.0.0.0/8",
    "0.0.0.0/0",
    "::/0",
    "::/129",
    "2600:1f18::/56",
    "2600:1f18::/64",
    "300.1.1.1/8",
    "10.0.1.10",
    "10.0.1.0",
    "10.0.1.255",
    "54.1.2.3",
    "2600:1f18::10",
    "::1",
    "vpc-lab",
    "subnet-public",
    "eni-web",
    "i-nat",
    "pcx-gone",
    "nat-x",
    "igw-",
    "lgw-1",
    "cagw-2",
    "arn:aws:networkmanager::1:core-network/x",
    "eipalloc-1",
    "pl-63a5400a",
    "local",
    "self",
    "tcp",
    "udp",
    "icmp",
    "icmpv6",
    "all",
    "-1",
    "256",
    "allow",
    "deny",
    "active",
    "blackhole",
    "static",
    "propagated",
    "aws",
    "customer",
    "IPv4",
    "IPv6",
    "gateway",
    "interface",
    "gatewayloadbalancer",
    "public",
    "private",
    "available",
    "deleted",
    "terminated",
    "80",
    "1024-65535",
    "65536",
    "10-5",
    "com.amazonaws.us-east-1.s3",
    "",
    " ",
    "é",
];

const INTS: &[i64] = &[
    -1,
    0,
    1,
    2,
    3,
    4,
    100,
    128,
    255,
    256,
    32766,
    32767,
    65535,
    70000,
    i64::MAX,
    i64::MIN,
];

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(WORDS).prop_map(quote),
        3 => select(NAMES).prop_map(quote),
        2 => select(INTS).prop_map(|i| i.to_string()),
        1 => any::<bool>().prop_map(|b| b.to_string()),
        1 => Just("1.5".to_owned()),
        1 => Just("1979-05-27T07:32:00Z".to_owned()),
        1 => "[a-z0-9./:_ -]{0,16}".prop_map(|s| quote(&s)),
    ]
}

/// Names most sections and references use, so that references often resolve.
const CORE_NAMES: &[&str] = &["lab", "public", "web", "a"];

fn name() -> impl Strategy<Value = &'static str> {
    prop_oneof![4 => select(CORE_NAMES), 1 => select(NAMES)]
}

/// The keys each table takes (as in `specs/README.md`), for kind-aware documents.
fn keys_of(table: &str) -> &'static [&'static str] {
    match table {
        "vpc" => &["id", "cidr", "secondary_cidrs", "ipv6_cidrs", "default", "tags"],
        "subnet" => &[
            "id",
            "vpc",
            "az",
            "cidr",
            "ipv6_cidr",
            "map_public_ip",
            "route_table",
            "network_acl",
        ],
        "route_table" => &[
            "id",
            "vpc",
            "main",
            "subnets",
            "routes",
            "propagating_vgws",
            "edge_associations",
        ],
        "network_acl" => &["id", "vpc", "default", "subnets", "inbound", "outbound"],
        "security_group" => &["id", "vpc", "group_name", "description", "default", "ingress", "egress"],
        "instance" | "network_interface" => &[
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
            "instance",
            "device_index",
            "type",
        ],
        "internet_gateway" | "egress_only_internet_gateway" | "vpn_gateway" => &["id", "vpc", "state", "onprem_cidrs"],
        "nat_gateway" => &[
            "id",
            "subnet",
            "connectivity",
            "private_ip",
            "elastic_ip",
            "secondary_private_ips",
            "state",
        ],
        "peering" => &["id", "requester", "accepter", "status"],
        "vpc_endpoint" => &[
            "id",
            "vpc",
            "type",
            "service",
            "state",
            "route_tables",
            "prefix_list",
            "subnets",
            "groups",
        ],
        "prefix_list" => &[
            "id",
            "prefix_list_name",
            "owner",
            "address_family",
            "entries",
            "max_entries",
        ],
        "transit_gateway" => &["id", "vpcs"],
        _ => KEYS,
    }
}

const ROUTE_KEYS: &[&str] = &["destination", "prefix_list", "target", "state", "origin"];
const ENTRY_KEYS: &[&str] = &["rule", "protocol", "ports", "icmp_type", "icmp_code", "cidr", "action"];
const RULE_KEYS: &[&str] = &["protocol", "ports", "icmp_type", "icmp_code", "from", "to", "peering"];

fn quoted(words: &'static [&'static str]) -> BoxedStrategy<String> {
    select(words).prop_map(quote).boxed()
}

fn list(item: BoxedStrategy<String>) -> BoxedStrategy<String> {
    vec(item, 0..4).prop_map(|v| format!("[{}]", v.join(", "))).boxed()
}

/// `keys = value` lines or pairs: keys from `keys` (now and then any key), values typed by key.
fn pairs(keys: &'static [&'static str], max: usize) -> BoxedStrategy<Vec<String>> {
    btree_map(prop_oneof![8 => select(keys), 1 => select(KEYS)], Just(()), 0..max)
        .prop_flat_map(|keys| {
            let values: Vec<BoxedStrategy<String>> = keys.keys().map(|k| typed(k)).collect();
            (Just(keys), values)
        })
        .prop_map(|(keys, values)| keys.keys().zip(values).map(|(k, v)| format!("{k} = {v}")).collect())
        .boxed()
}

/// An inline table with keys of `keys` (a route, an ACL entry, a rule, an Elastic IP, …).
fn item_of(keys: &'static [&'static str]) -> BoxedStrategy<String> {
    pairs(keys, 6).prop_map(|p| format!("{{ {} }}", p.join(", "))).boxed()
}

/// A value of the kind `key` expects, mostly; sometimes anything at all.
fn typed(key: &str) -> BoxedStrategy<String> {
    const CIDRS: &[&str] = &[
        "10.0.0.0/16",
        "10.0.1.0/24",
        "10.0.2.0/24",
        "10.0.1.5/24",
        "10.0.0.0/33",
        "0.0.0.0/0",
        "::/0",
        "2600:1f18::/56",
        "2600:1f18::/64",
        "10.1.0.0/16",
        "10.0.1.0",
    ];
    const ADDRS: &[&str] = &[
        "10.0.1.10",
        "10.0.1.11",
        "10.0.2.10",
        "10.0.1.0",
        "54.1.2.3",
        "2600:1f18::10",
        "x",
    ];
    let refs = || prop_oneof![4 => name().prop_map(quote), 1 => quoted(WORDS)].boxed();
    let fitting: BoxedStrategy<String> = match key {
        "vpc" | "subnet" | "route_table" | "network_acl" | "instance" | "requester" | "accepter" | "peering"
        | "prefix_list" | "target" | "from" | "to" => refs(),
        "subnets" => prop_oneof![
            3 => list(refs()),
            1 => name().prop_map(|n| format!("{{ {} = \"10.0.1.30\" }}", quote(n)))
        ]
        .boxed(),
        "groups" | "vpcs" | "route_tables" | "propagating_vgws" | "edge_associations" => {
            prop_oneof![3 => list(refs()), 1 => refs()].boxed()
        }
        "cidr" | "destination" | "ipv6_cidr" => quoted(CIDRS),
        "secondary_cidrs" | "ipv6_cidrs" | "entries" | "onprem_cidrs" => list(quoted(CIDRS)),
        "private_ip" | "public_ip" | "ip" | "address" => quoted(ADDRS),
        "elastic_ip" => prop_oneof![3 => quoted(ADDRS), 1 => item_of(&["address", "allocation_id"])].boxed(),
        "secondary_private_ips" | "ipv6_addresses" => {
            list(prop_oneof![3 => quoted(ADDRS), 1 => item_of(&["ip", "elastic_ip"])].boxed())
        }
        "routes" => list(item_of(ROUTE_KEYS)),
        "inbound" | "outbound" => list(item_of(ENTRY_KEYS)),
        "ingress" | "egress" => list(item_of(RULE_KEYS)),
        "rule" | "device_index" | "max_entries" | "icmp_type" | "icmp_code" => {
            select(INTS).prop_map(|i| i.to_string()).boxed()
        }
        "protocol" => prop_oneof![
            quoted(&["tcp", "udp", "icmp", "icmpv6", "all", "-1", "6", "256", "gre"]),
            select(&[-1i64, 6, 17, 58, 300][..]).prop_map(|i| i.to_string())
        ]
        .boxed(),
        "ports" => prop_oneof![
            quoted(&["80", "1024-65535", "0-65535", "10-5", "65536", "x"]),
            Just("443".to_owned())
        ]
        .boxed(),
        "action" => quoted(&["allow", "deny", "permit"]),
        "state" | "status" => quoted(&[
            "active",
            "blackhole",
            "available",
            "deleted",
            "terminated",
            "pending-acceptance",
        ]),
        "origin" => quoted(&["static", "propagated", "local"]),
        "connectivity" => quoted(&["public", "private", "both"]),
        "owner" => quoted(&["aws", "customer", "me"]),
        "address_family" => quoted(&["IPv4", "IPv6", "ipv5"]),
        "type" => quoted(&["gateway", "interface", "gatewayloadbalancer", "trunk"]),
        "main" | "default" | "map_public_ip" | "source_dest_check" => any::<bool>().prop_map(|b| b.to_string()).boxed(),
        "tags" => item_of(&["env", "Name", "owner"]),
        _ => scalar().boxed(),
    };
    prop_oneof![6 => fitting, 1 => value().boxed()].boxed()
}

/// An inline table of any keys and scalar values.
fn item() -> impl Strategy<Value = String> {
    btree_map(select(KEYS), scalar(), 0..6).prop_map(|m| {
        let body: Vec<String> = m.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        format!("{{ {} }}", body.join(", "))
    })
}

/// Any value: a scalar, a list of scalars or of inline tables, an inline table.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => scalar(),
        2 => vec(scalar(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
        2 => vec(item(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
        1 => item(),
    ]
}

/// One `[table.name]` section with keys of that table.
fn section() -> impl Strategy<Value = String> {
    (select(TABLES), name()).prop_flat_map(|(table, name)| {
        pairs(keys_of(table), 9).prop_map(move |lines| format!("[{table}.{}]\n{}\n", quote(name), lines.join("\n")))
    })
}

/// A document of sections built from the format's vocabulary. Two sections with the same header
/// make invalid TOML, which is a case worth having too.
fn document() -> impl Strategy<Value = String> {
    vec(section(), 0..14).prop_map(|sections| sections.join("\n"))
}

fn bundled_text() -> impl Strategy<Value = String> {
    select(&["seed-lab", "peering", "nat-instance", "ipv6-egress-only"][..])
        .prop_map(|name| std::fs::read_to_string(path(&format!("specs/{name}.toml"))).unwrap())
}

/// A bundled spec with one stretch replaced by a vocabulary word, a TOML token or noise.
fn damaged_spec() -> impl Strategy<Value = String> {
    let patch = prop_oneof![
        select(WORDS).prop_map(str::to_owned),
        select(KEYS).prop_map(str::to_owned),
        select(&["\"", "[", "]", "{", "}", "=", ",", "\n", "#", ".", "[[", "'"][..]).prop_map(str::to_owned),
        any::<String>(),
    ];
    (bundled_text(), any::<prop::sample::Index>(), 0usize..40, patch).prop_map(|(text, at, cut, patch)| {
        let mut start = at.index(text.len() + 1);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + cut).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}{patch}{}", &text[..start], &text[end..])
    })
}

/// What every command does with a loaded network, and the positions of its diagnostics.
fn use_loaded(mut loaded: Loaded, text: &str) -> Result<(), TestCaseError> {
    let lines = u32::try_from(text.lines().count() + 1).unwrap();
    for d in &loaded.diagnostics {
        let (line, column) = (d.line.unwrap_or(0), d.column.unwrap_or(0));
        prop_assert!(line >= 1 && line <= lines && column >= 1, "{d}");
        prop_assert!(d.file.is_some(), "{d}");
    }
    ingest::finish(&mut loaded.network);
    let _ = validate(&loaded.network);
    let _ = NetworkIndex::new(&loaded.network);
    Ok(())
}

fn check_str(text: &str) -> Result<(), TestCaseError> {
    match spec::load_str("fuzz.toml", text) {
        Ok(loaded) => use_loaded(loaded, text),
        Err(IngestError::Toml { line, column, .. }) => {
            prop_assert!(line >= 1 && column >= 1);
            Ok(())
        }
        Err(other) => Err(TestCaseError::fail(format!("unexpected error kind: {other}"))),
    }
}

fn check_file(text: &str) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fuzz.toml");
    std::fs::write(&file, text).unwrap();
    match ingest::load(&file) {
        Ok(loaded) => use_loaded(loaded, text),
        Err(IngestError::Toml { .. }) => Ok(()),
        // A spec that declares no VPC (#12 item 4).
        Err(IngestError::Format { message, .. }) if message == ingest::NO_VPC => Ok(()),
        Err(other) => Err(TestCaseError::fail(format!("unexpected error kind: {other}"))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        check_str(&text)?;
    }

    #[test]
    fn toml_shaped_noise_never_panics(text in "[\\[\\]{}.=,\"' \n#a-z0-9_/:-]{0,300}") {
        check_str(&text)?;
    }

    #[test]
    fn spec_vocabulary_documents_never_panic(text in document()) {
        check_str(&text)?;
    }

    #[test]
    fn damaged_bundled_specs_never_panic(text in damaged_spec()) {
        check_str(&text)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn ingest_load_never_panics_on_spec_files(text in prop_oneof![document(), damaged_spec(), any::<String>()]) {
        check_file(&text)?;
    }
}
