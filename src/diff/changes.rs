//! What differs between two networks, resource by resource: the model diff of `vpcverify diff`.
//!
//! Every collection of the model (VPCs, subnets, route tables, network ACLs, security groups,
//! interfaces, instances, gateways, …, and the transit gateway, on-premises and load balancer
//! topologies' collections) is compared by id, each resource's content without its provenance
//! (the same rule read from another file or line is the same rule). A resource present in one
//! network only is added or removed; one whose content differs is modified, with the fields
//! that differ. Anything else of the model (the list of unsupported constructs, Block Public
//! Access) is compared whole.
//!
//! Owns: the comparison. Must not touch: semantics (which pairs a change concerns is
//! [`super::scope`]'s), printing.

use crate::model::{Network, Provenance};
use serde::Serialize;
use serde_json::{Map, Value};

/// How a resource changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// In AFTER only.
    Added,
    /// In BEFORE only.
    Removed,
    /// In both, with different content.
    Modified,
}

/// One changed resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct Change {
    /// Its id (an AWS id, or a Terraform address for a resource not created yet).
    pub id: String,
    /// The model collection it belongs to (`security_groups`, `route_tables`, …).
    pub collection: String,
    /// Added, removed or modified.
    pub change: ChangeKind,
    /// The fields that differ (modified only): `ingress`, `entries`, `routes`, …
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// Where it is defined: AFTER's definition, BEFORE's for a removed resource
    /// (`file[:line[:column]]`).
    pub location: String,
    /// The resource as the input names it (an AWS id or a Terraform address).
    pub resource: String,
    /// The file it is defined in (for SARIF).
    #[serde(skip)]
    pub file: String,
    /// Its line and column there, when known.
    #[serde(skip)]
    pub line: Option<(u32, u32)>,
}

/// Collections compared one level further down (topologies holding collections).
const NESTED: [&str; 3] = ["tgw", "onprem", "elb"];

/// The changed resources, sorted by collection and id.
pub fn changes(before: &Network, after: &Network) -> Vec<Change> {
    let (Ok(Value::Object(b)), Ok(Value::Object(a))) = (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return vec![Change {
            id: "network".into(),
            collection: "network".into(),
            change: ChangeKind::Modified,
            fields: Vec::new(),
            location: String::new(),
            resource: "network".into(),
            file: String::new(),
            line: None,
        }];
    };
    let mut out = Vec::new();
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let empty = Value::Null;
    for key in keys {
        // Which files list VPC endpoints (read by VPCV-014/015 only) forwards nothing.
        if key == "endpoints_listed" {
            continue;
        }
        let (bv, av) = (b.get(key).unwrap_or(&empty), a.get(key).unwrap_or(&empty));
        if NESTED.contains(&key.as_str()) {
            let (bo, ao) = (as_map(bv), as_map(av));
            let mut sub: Vec<&String> = bo.keys().chain(ao.keys()).collect();
            sub.sort();
            sub.dedup();
            for s in sub {
                let (x, y) = (bo.get(s).unwrap_or(&empty), ao.get(s).unwrap_or(&empty));
                compare_collection(&format!("{key}.{s}"), x, y, &mut out);
            }
        } else {
            compare_collection(key, bv, av, &mut out);
        }
    }
    out.sort();
    out
}

fn as_map(v: &Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    }
}

/// A map of resources by id is compared entry by entry; anything else whole.
fn compare_collection(name: &str, before: &Value, after: &Value, out: &mut Vec<Change>) {
    let by_id = |v: &Value| matches!(v, Value::Object(m) if m.values().all(Value::is_object));
    if by_id(before) && by_id(after) {
        let (b, a) = (as_map(before), as_map(after));
        let mut ids: Vec<&String> = b.keys().chain(a.keys()).collect();
        ids.sort();
        ids.dedup();
        for id in ids {
            match (b.get(id), a.get(id)) {
                (None, Some(y)) => out.push(change(name, id, ChangeKind::Added, Vec::new(), y)),
                (Some(x), None) => out.push(change(name, id, ChangeKind::Removed, Vec::new(), x)),
                (Some(x), Some(y)) => {
                    let fields = differing_fields(x, y);
                    if !fields.is_empty() {
                        out.push(change(name, id, ChangeKind::Modified, fields, y));
                    }
                }
                (None, None) => {}
            }
        }
        return;
    }
    if strip(before) != strip(after) {
        out.push(Change {
            id: name.to_owned(),
            collection: name.to_owned(),
            change: ChangeKind::Modified,
            fields: Vec::new(),
            location: String::new(),
            resource: name.to_owned(),
            file: String::new(),
            line: None,
        });
    }
}

fn change(collection: &str, id: &str, kind: ChangeKind, fields: Vec<String>, v: &Value) -> Change {
    let prov: Option<Provenance> = v.get("provenance").and_then(|p| serde_json::from_value(p.clone()).ok());
    Change {
        id: id.to_owned(),
        collection: collection.to_owned(),
        change: kind,
        fields,
        location: prov.as_ref().map(Provenance::location).unwrap_or_default(),
        file: prov.as_ref().map(|p| p.file.clone()).unwrap_or_default(),
        line: prov.as_ref().and_then(|p| Some((p.line?, p.column.unwrap_or(1)))),
        resource: prov
            .map(|p| p.resource)
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| id.to_owned()),
    }
}

fn differing_fields(x: &Value, y: &Value) -> Vec<String> {
    let (a, b) = (as_map(x), as_map(y));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).filter(|k| *k != "provenance").collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| strip(a.get(*k).unwrap_or(&Value::Null)) != strip(b.get(*k).unwrap_or(&Value::Null)))
        .cloned()
        .collect()
}

/// The value without any `provenance` key, at any depth.
fn strip(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| *k != "provenance")
                .map(|(k, v)| (k.clone(), strip(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
        other => other.clone(),
    }
}
