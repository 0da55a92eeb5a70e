//! The three Terraform JSON shapes and the merged world they describe.
//!
//! Owns: recognising a plan (`terraform show -json tfplan`), a state (`terraform show -json`),
//! or a raw `terraform.tfstate` (`"version": 4`); checking their version; and merging a plan into
//! one set of resource instances: prior state ∪ planned creates and updates ∖ deletes
//! (Terraform's JSON output format,
//! <https://developer.hashicorp.com/terraform/internals/json-format>). A replace keeps the new object; a deposed object
//! being destroyed does not remove the current one; a moved resource leaves its previous address.

use super::address::{Key, ModuleStep, ResourceAddr};
use crate::ingest::IngestError;
use serde_json::Value;
use std::collections::BTreeMap;

/// Which document was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// `terraform show -json` of a plan.
    Plan,
    /// `terraform show -json` of a state.
    State,
    /// A raw `terraform.tfstate` (state version 4).
    RawState,
}

/// One resource instance of the modelled world.
#[derive(Debug, Clone)]
pub struct Inst {
    /// Parsed address.
    pub addr: ResourceAddr,
    /// The instance address as Terraform prints it.
    pub address: String,
    /// Known attribute values (`after`, `values` or `attributes`): an object.
    pub values: Value,
    /// `after_unknown` (plans): which leaves are unknown until apply; `Null` when nothing is.
    pub unknown: Value,
}

impl Inst {
    /// Resource type.
    pub fn rtype(&self) -> &str {
        &self.addr.rtype
    }

    /// True for data sources.
    pub fn is_data(&self) -> bool {
        self.addr.data
    }
}

/// A parsed Terraform document: the merged world and the configuration (plans only).
#[derive(Debug, Clone)]
pub struct Document {
    /// Which shape it was.
    pub kind: DocKind,
    /// Resource instances by address (sorted, so everything downstream is deterministic).
    pub instances: BTreeMap<String, Inst>,
    /// Addresses the plan deletes (for messages and tests).
    pub deleted: Vec<String>,
    /// `configuration` (plans), or `Null`.
    pub configuration: Value,
    /// Instance addresses by address without instance key (see [`Document::index`]).
    by_base: BTreeMap<String, Vec<String>>,
    /// Every module instance path holding a resource, and its prefixes.
    module_paths: Vec<Vec<ModuleStep>>,
}

impl Document {
    /// Instances whose address without instance key is `base`, in address order.
    pub fn instances_of<'a>(&'a self, base: &str) -> impl Iterator<Item = &'a Inst> + 'a {
        self.by_base
            .get(base)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter_map(|a| self.instances.get(a))
    }

    /// Module instance paths (with keys) that hold resources, or whose descendants do.
    pub fn module_paths(&self) -> &[Vec<ModuleStep>] {
        &self.module_paths
    }

    /// Builds the lookups once the instances are final.
    fn index(mut self) -> Self {
        for (address, i) in &self.instances {
            self.by_base.entry(i.addr.base()).or_default().push(address.clone());
            for n in 1..=i.addr.module.len() {
                if let Some(p) = i.addr.module.get(..n)
                    && !self.module_paths.iter().any(|m| m.as_slice() == p)
                {
                    self.module_paths.push(p.to_vec());
                }
            }
        }
        self
    }
}

/// Parses a document after [`super::looks_like_terraform`] said yes.
pub fn parse(file: &str, v: &Value) -> Result<Document, IngestError> {
    let fail = |message: String| IngestError::Format {
        file: file.to_owned(),
        message,
    };
    if let Some(fv) = v.get("format_version") {
        let text = fv
            .as_str()
            .ok_or_else(|| fail("`format_version` is not a string".into()))?;
        let major = text.split('.').next().and_then(|m| m.trim().parse::<u64>().ok());
        match major {
            // terraform-json accepts ">= 0.1, < 2.0": 0.x is what Terraform 0.12 to 0.15 wrote.
            Some(0 | 1) => {}
            _ => {
                return Err(fail(format!(
                    "unsupported Terraform JSON `format_version` {text}: vpcverify reads format 1.x (and 0.x); \
                     a new major version may change the meaning of fields"
                )));
            }
        }
        let is_plan = v.get("planned_values").is_some() || v.get("resource_changes").is_some();
        if is_plan {
            Ok(plan(v).index())
        } else {
            let mut doc = empty(DocKind::State);
            if let Some(values) = v.get("values") {
                read_values(values, &mut doc.instances);
            }
            Ok(doc.index())
        }
    } else {
        let version = v.get("version").and_then(Value::as_u64);
        if version != Some(4) {
            return Err(fail(format!(
                "unsupported raw Terraform state `version` {}: vpcverify reads state version 4",
                v.get("version")
                    .map(Value::to_string)
                    .unwrap_or_else(|| "(missing)".into())
            )));
        }
        Ok(raw_state(v).index())
    }
}

/// The prior state of a plan (`prior_state.values`): the network as it is before the plan is
/// applied, for `vpcverify diff PLAN.json`. `None` when the document is not a plan; a plan
/// without a prior state (nothing exists yet) gives an empty document.
pub fn prior(v: &Value) -> Option<Document> {
    let is_plan =
        v.get("format_version").is_some() && (v.get("planned_values").is_some() || v.get("resource_changes").is_some());
    if !is_plan {
        return None;
    }
    let mut doc = empty(DocKind::State);
    if let Some(values) = v.get("prior_state").and_then(|p| p.get("values")) {
        read_values(values, &mut doc.instances);
    }
    doc.configuration = v.get("configuration").cloned().unwrap_or(Value::Null);
    Some(doc.index())
}

fn empty(kind: DocKind) -> Document {
    Document {
        kind,
        instances: BTreeMap::new(),
        deleted: Vec::new(),
        configuration: Value::Null,
        by_base: BTreeMap::new(),
        module_paths: Vec::new(),
    }
}

fn plan(v: &Value) -> Document {
    let mut doc = empty(DocKind::Plan);
    if let Some(values) = v.get("prior_state").and_then(|p| p.get("values")) {
        read_values(values, &mut doc.instances);
    }
    if let Some(values) = v.get("planned_values") {
        read_values(values, &mut doc.instances);
    }
    for rc in array(v.get("resource_changes")) {
        // A deposed object is an older instance being destroyed; the current one stays.
        if rc.get("deposed").is_some_and(|d| !d.is_null()) {
            continue;
        }
        let Some(address) = rc.get("address").and_then(Value::as_str) else {
            continue;
        };
        let Some(addr) = ResourceAddr::parse(address) else {
            continue;
        };
        if let Some(prev) = rc.get("previous_address").and_then(Value::as_str) {
            doc.instances.remove(prev);
        }
        let change = rc.get("change").unwrap_or(&Value::Null);
        let actions: Vec<&str> = array(change.get("actions")).iter().filter_map(|a| a.as_str()).collect();
        let creates = actions.contains(&"create");
        let removes = actions.contains(&"delete") || actions.contains(&"forget");
        if removes && !creates {
            doc.instances.remove(address);
            doc.deleted.push(address.to_owned());
            continue;
        }
        let after = change.get("after").unwrap_or(&Value::Null);
        if !after.is_object() {
            continue;
        }
        doc.instances.insert(
            address.to_owned(),
            Inst {
                addr,
                address: address.to_owned(),
                values: after.clone(),
                unknown: change.get("after_unknown").cloned().unwrap_or(Value::Null),
            },
        );
    }
    doc.configuration = v.get("configuration").cloned().unwrap_or(Value::Null);
    doc
}

/// Reads a values representation (`{root_module: {resources, child_modules}}`).
fn read_values(values: &Value, out: &mut BTreeMap<String, Inst>) {
    if let Some(root) = values.get("root_module") {
        read_module(root, out, 0);
    }
}

fn read_module(m: &Value, out: &mut BTreeMap<String, Inst>, depth: usize) {
    if depth > 64 {
        return;
    }
    for r in array(m.get("resources")) {
        let Some(address) = r.get("address").and_then(Value::as_str) else {
            continue;
        };
        let Some(addr) = ResourceAddr::parse(address) else {
            continue;
        };
        let values = r.get("values").cloned().unwrap_or(Value::Null);
        if !values.is_object() {
            continue;
        }
        out.insert(
            address.to_owned(),
            Inst {
                addr,
                address: address.to_owned(),
                values,
                unknown: Value::Null,
            },
        );
    }
    for c in array(m.get("child_modules")) {
        read_module(c, out, depth + 1);
    }
}

fn raw_state(v: &Value) -> Document {
    let mut doc = empty(DocKind::RawState);
    for r in array(v.get("resources")) {
        let (Some(rtype), Some(name)) = (
            r.get("type").and_then(Value::as_str),
            r.get("name").and_then(Value::as_str),
        ) else {
            continue;
        };
        let data = r.get("mode").and_then(Value::as_str) == Some("data");
        let module = r.get("module").and_then(Value::as_str).unwrap_or("");
        for i in array(r.get("instances")) {
            if i.get("deposed").is_some_and(|d| !d.is_null()) {
                continue;
            }
            let key = i.get("index_key").and_then(Key::from_json);
            let mut address = String::new();
            if !module.is_empty() {
                address.push_str(module);
                address.push('.');
            }
            if data {
                address.push_str("data.");
            }
            address.push_str(rtype);
            address.push('.');
            address.push_str(name);
            if let Some(k) = &key {
                address.push_str(&k.to_string());
            }
            let Some(addr) = ResourceAddr::parse(&address) else {
                continue;
            };
            let values = i.get("attributes").cloned().unwrap_or(Value::Null);
            if !values.is_object() {
                continue;
            }
            doc.instances.insert(
                address.clone(),
                Inst {
                    addr,
                    address,
                    values,
                    unknown: Value::Null,
                },
            );
        }
    }
    doc
}

/// The elements of a JSON array, or nothing.
pub fn array(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}
