//! The Terraform loader never panics, whatever it is fed (DESIGN.md §4): arbitrary JSON whose
//! keys and strings come from Terraform's vocabulary (`format_version`, `planned_values`,
//! `resource_changes`, `configuration`, `after_unknown`, `references`, resource type and attribute
//! names, addresses with instance keys and module paths), plan-shaped documents built from it, and
//! the seed-lab plan with one value replaced. Errors and diagnostics are expected; a panic is a
//! failure. Loaded networks also go through `finish` and `validate`.

use crate::common::*;
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::sync::OnceLock;
use vpcverify::ingest::{self, terraform};
use vpcverify::model::validate::validate;

/// Keys of the plan, state, values and configuration representations.
const DOC_KEYS: &[&str] = &[
    "format_version",
    "terraform_version",
    "version",
    "values",
    "planned_values",
    "prior_state",
    "resource_changes",
    "configuration",
    "root_module",
    "child_modules",
    "module_calls",
    "module",
    "resources",
    "instances",
    "index_key",
    "attributes",
    "address",
    "previous_address",
    "module_address",
    "mode",
    "type",
    "name",
    "index",
    "deposed",
    "change",
    "actions",
    "before",
    "after",
    "after_unknown",
    "expressions",
    "references",
    "constant_value",
    "outputs",
    "expression",
];

/// Resource attribute names the lowering reads.
const ATTRS: &[&str] = &[
    "id",
    "vpc_id",
    "subnet_id",
    "subnet_ids",
    "cidr_block",
    "ipv6_cidr_block",
    "route",
    "route_table_id",
    "route_table_ids",
    "gateway_id",
    "nat_gateway_id",
    "egress_only_gateway_id",
    "network_interface_id",
    "vpc_peering_connection_id",
    "vpc_endpoint_id",
    "transit_gateway_id",
    "instance_id",
    "destination_cidr_block",
    "destination_prefix_list_id",
    "default_route_table_id",
    "default_network_acl_id",
    "default_security_group_id",
    "main_route_table_id",
    "ingress",
    "egress",
    "rule_no",
    "rule_number",
    "action",
    "rule_action",
    "protocol",
    "ip_protocol",
    "from_port",
    "to_port",
    "icmp_type",
    "icmp_code",
    "cidr_blocks",
    "ipv6_cidr_blocks",
    "prefix_list_ids",
    "security_groups",
    "self",
    "security_group_id",
    "source_security_group_id",
    "referenced_security_group_id",
    "cidr_ipv4",
    "cidr_ipv6",
    "prefix_list_id",
    "vpc_security_group_ids",
    "private_ip",
    "private_ips",
    "public_ip",
    "associate_public_ip_address",
    "map_public_ip_on_launch",
    "primary_network_interface_id",
    "network_interface",
    "device_index",
    "allocation_id",
    "instance",
    "connectivity_type",
    "service_name",
    "vpc_endpoint_type",
    "peer_vpc_id",
    "auto_accept",
    "accept_status",
    "entry",
    "entries",
    "cidr",
    "name",
    "tags",
    "attachment",
    "source_dest_check",
    "internet_gateway_block_mode",
    "internet_gateway_exclusion_mode",
];

const TYPES: &[&str] = &[
    "aws_vpc",
    "aws_vpc_ipv4_cidr_block_association",
    "aws_subnet",
    "aws_route_table",
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_default_route_table",
    "aws_network_acl",
    "aws_network_acl_rule",
    "aws_network_acl_association",
    "aws_default_network_acl",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_default_security_group",
    "aws_internet_gateway",
    "aws_internet_gateway_attachment",
    "aws_egress_only_internet_gateway",
    "aws_nat_gateway",
    "aws_eip",
    "aws_eip_association",
    "aws_instance",
    "aws_network_interface",
    "aws_network_interface_attachment",
    "aws_network_interface_sg_attachment",
    "aws_vpc_peering_connection",
    "aws_vpc_peering_connection_accepter",
    "aws_vpc_endpoint",
    "aws_vpc_endpoint_route_table_association",
    "aws_ec2_managed_prefix_list",
    "aws_ec2_managed_prefix_list_entry",
    "aws_vpc_block_public_access_options",
    "aws_vpc_block_public_access_exclusion",
    "aws_prefix_list",
    "aws_lb",
];

const STRINGS: &[&str] = &[
    "1.2",
    "1.0",
    "0.2",
    "2.0",
    "x.y",
    "",
    "managed",
    "data",
    "create",
    "delete",
    "update",
    "no-op",
    "read",
    "forget",
    "10.0.0.0/16",
    "10.0.1.0/24",
    "0.0.0.0/0",
    "::/0",
    "10.0.0.0/33",
    "10.0.1.5",
    "not-an-ip",
    "tcp",
    "6",
    "-1",
    "all",
    "icmp",
    "icmpv6",
    "999",
    "allow",
    "deny",
    "ingress",
    "egress",
    "private",
    "public",
    "Gateway",
    "Interface",
    "com.amazonaws.us-east-1.s3",
    "local",
    "igw-1",
    "vgw-1",
    "vpce-1",
    "vpc-1",
    "sg-1",
    "aws_vpc.main",
    "aws_vpc.main.id",
    "aws_vpc.main.default_route_table_id",
    "aws_subnet.a[0]",
    "aws_subnet.a[\"x\"].id",
    "aws_nat_gateway.nat",
    "aws_internet_gateway.igw.id",
    "aws_security_group.web.id",
    "aws_instance.web.primary_network_interface_id",
    "aws_vpc_endpoint.s3.prefix_list_id",
    "data.aws_prefix_list.s3",
    "module.m.out",
    "module.m[0].out[1]",
    "module.m[\"k\"].aws_vpc.main",
    "var.x",
    "var.x[0]",
    "count.index",
    "each.key",
    "local.y",
    "a..b",
    "a[",
    "[0]",
    "module.",
    "aws_x.y[\"unterminated",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => prop::sample::select(STRINGS).prop_map(|s| Value::String(s.to_owned())),
        1 => ".{0,10}".prop_map(Value::String),
        2 => prop::sample::select(&[-2i64, -1, 0, 1, 4, 22, 443, 32766, 70000, i64::MIN][..]).prop_map(|n| json!(n)),
        2 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(DOC_KEYS).prop_map(str::to_owned),
        4 => prop::sample::select(ATTRS).prop_map(str::to_owned),
        1 => prop::sample::select(TYPES).prop_map(str::to_owned),
        1 => "[a-z_]{1,8}",
    ]
}

/// Arbitrary JSON with Terraform vocabulary, a few levels deep.
fn value() -> BoxedStrategy<Value> {
    scalar()
        .prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map(key(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
            ]
        })
        .boxed()
}

/// An object of attributes (known values) and a mirror of unknown markers.
fn attributes() -> impl Strategy<Value = (Value, Value)> {
    (
        prop::collection::btree_map(prop::sample::select(ATTRS), value(), 0..8),
        prop::collection::btree_map(
            prop::sample::select(ATTRS),
            prop_oneof![3 => Just(json!(true)), 1 => value()],
            0..4,
        ),
    )
        .prop_map(|(a, u)| {
            (
                Value::Object(a.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
                Value::Object(u.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
            )
        })
}

fn address() -> impl Strategy<Value = (String, String, String)> {
    (
        prop::sample::select(TYPES),
        prop::sample::select(&["main", "a", "web", "nat", "igw", "s3"][..]),
        prop::sample::select(&["", "[0]", "[1]", "[\"x\"]"][..]),
        prop::sample::select(&["", "module.m.", "module.m[0].", "module.m[\"k\"].module.n."][..]),
    )
        .prop_map(|(t, n, k, m)| (format!("{m}{t}.{n}{k}"), t.to_owned(), n.to_owned()))
}

fn references() -> impl Strategy<Value = Value> {
    prop::collection::vec(prop::sample::select(STRINGS), 0..5).prop_map(|r| json!({ "references": r }))
}

/// Plan actions, valid and not.
const ACTIONS: &[&[&str]] = &[
    &["create"],
    &["delete"],
    &["delete", "create"],
    &["create", "delete"],
    &["no-op"],
    &["update"],
    &["read"],
    &["forget"],
    &[],
];

/// A configuration resource with expressions: references, or arrays of nested blocks.
fn config_resource() -> BoxedStrategy<Value> {
    (
        address(),
        prop::collection::btree_map(
            prop::sample::select(ATTRS),
            prop_oneof![
                references(),
                prop::collection::vec(
                    prop::collection::btree_map(prop::sample::select(ATTRS), references(), 0..3),
                    0..3
                )
                .prop_map(|v| json!(v))
            ],
            0..5,
        ),
    )
        .prop_map(|((addr, t, n), exprs)| {
            let base = addr.rsplit_once("module.").map_or(addr.as_str(), |(_, rest)| rest);
            let config_addr = base.split_once('.').map_or(base, |(_, r)| r);
            let config_addr = if config_addr.starts_with("aws_") {
                config_addr
            } else {
                base
            };
            json!({"address": config_addr.split('[').next().unwrap_or(""), "mode": "managed", "type": t, "name": n,
                   "expressions": exprs})
        })
        .boxed()
}

/// A plan-shaped document: resource changes, prior state, planned values and configuration
/// built from the vocabulary, so the lowering and reference resolution are reached.
fn plan() -> impl Strategy<Value = Value> {
    let change = (address(), attributes(), prop::sample::select(ACTIONS), any::<bool>()).prop_map(
        |((addr, t, n), (after, unknown), actions, deposed)| {
            let mut rc = json!({
                "address": addr, "mode": if t == "aws_prefix_list" { "data" } else { "managed" },
                "type": t, "name": n,
                "change": {"actions": actions, "before": null, "after": after, "after_unknown": unknown}
            });
            if deposed {
                rc["deposed"] = json!("0001");
            }
            rc
        },
    );
    (
        prop::sample::select(&["1.2", "1.0", "0.1", "2.0", "banana"][..]),
        prop::collection::vec(change, 0..10),
        prop::collection::vec(config_resource(), 0..8),
        prop::collection::vec(config_resource(), 0..4),
        prop::collection::btree_map(prop::sample::select(ATTRS), references(), 0..4),
    )
        .prop_map(|(fv, changes, root, child, outputs)| {
            let outputs: Map<String, Value> = outputs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), json!({ "expression": v })))
                .collect();
            json!({
                "format_version": fv,
                "planned_values": {"root_module": {"resources": []}},
                "resource_changes": changes,
                "configuration": {"root_module": {
                    "resources": root,
                    "module_calls": {"m": {"expressions": {"x": {"references": ["aws_vpc.main.id", "count.index"]}},
                        "module": {"resources": child, "outputs": outputs,
                                   "module_calls": {"n": {"module": {"resources": []}}}}}}
                }}
            })
        })
}

fn seed_plan() -> &'static (Value, Vec<String>) {
    static CELL: OnceLock<(Value, Vec<String>)> = OnceLock::new();
    CELL.get_or_init(|| {
        let bytes = std::fs::read(path("tests/fixtures/terraform/seed-lab.plan.json")).unwrap();
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        let mut pointers = Vec::new();
        collect_pointers(&value, String::new(), &mut pointers);
        (value, pointers)
    })
}

fn collect_pointers(v: &Value, here: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                collect_pointers(x, format!("{here}/{}", k.replace('~', "~0").replace('/', "~1")), out);
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

/// Loads through `load_value`, then `finish` and `validate`.
fn check(doc: &Value) {
    let _ = terraform::looks_like_terraform(doc);
    if let Ok(mut loaded) = terraform::load_value("fuzz.json", doc) {
        ingest::finish(&mut loaded.network);
        let _ = validate(&loaded.network);
    }
}

proptest! {
    #[test]
    fn terraform_vocabulary_json_never_panics(doc in value()) {
        check(&doc);
        let mut plan = json!({"format_version": "1.2"});
        plan["resource_changes"] = doc.clone();
        check(&plan);
        let mut state = json!({"version": 4, "terraform_version": "1.9.5"});
        state["resources"] = doc;
        check(&state);
    }

    #[test]
    fn plan_shaped_documents_never_panic(doc in plan()) {
        check(&doc);
        // The same resources as a state and as a raw state.
        let mut state = json!({"format_version": "1.0", "values": {"root_module": {"resources": []}}});
        if let Some(changes) = doc["resource_changes"].as_array() {
            let resources: Vec<Value> = changes.iter().map(|c| json!({
                "address": c["address"], "mode": c["mode"], "type": c["type"], "name": c["name"],
                "values": c["change"]["after"]})).collect();
            state["values"]["root_module"]["resources"] = json!(resources);
            let raw: Vec<Value> = changes.iter().map(|c| json!({
                "mode": c["mode"], "type": c["type"], "name": c["name"],
                "instances": [{"index_key": c["change"]["actions"][0], "attributes": c["change"]["after"]}]})).collect();
            check(&json!({"version": 4, "terraform_version": "1.9.5", "resources": raw}));
        }
        check(&state);
    }

    #[test]
    fn the_seed_lab_plan_with_one_value_replaced_never_panics(pick in any::<prop::sample::Index>(), replacement in value()) {
        let (original, pointers) = seed_plan();
        let mut doc = original.clone();
        if let Some(slot) = doc.pointer_mut(pick.get(pointers.as_slice()).as_str()) {
            *slot = replacement;
        }
        check(&doc);
    }
}
