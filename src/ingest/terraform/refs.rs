//! Resolving unknown values through the plan's `configuration` (Terraform's JSON output format,
//! <https://developer.hashicorp.com/terraform/internals/json-format>, "Configuration Representation").
//!
//! Owns: finding the expression behind an attribute of a resource instance (top-level, nested
//! in an attributes-as-blocks set whose whole set shares one reference list, or in true nested
//! blocks written as arrays), keeping the most specific references, and following them to
//! resource instances: module-relative (`var.x` through the parent's `module_calls`, `module.m.out`
//! through the child's `outputs`) and index-aligned (`count.index` / `each.key` mean the
//! referrer's own instance key). Which candidates are acceptable (type filtering) and what an
//! ambiguity means is decided by the caller.

use super::address::{Key, ModuleStep, ResourceAddr, most_specific, steps};
use super::document::{Document, Inst, array};
use serde_json::Value;
use std::collections::BTreeMap;

/// How deep `var.` / `module.` chains are followed before giving up (cycles, fuzzed input).
const MAX_DEPTH: usize = 16;

/// A resource instance a reference leads to, with the attribute it reads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Instance address.
    pub address: String,
    /// The attribute read (`id`, `default_route_table_id`, …), if the reference names one.
    pub attr: Option<String>,
}

/// One module of the configuration representation.
#[derive(Debug, Clone, Default)]
struct ConfigModule {
    /// Config address (`aws_subnet.this`, `data.aws_prefix_list.s3`) to `expressions`.
    resources: BTreeMap<String, Value>,
    /// Module call name to its `expressions`.
    calls: BTreeMap<String, Value>,
    /// Output name to its `expression`.
    outputs: BTreeMap<String, Value>,
}

/// The configuration of a plan, by module path (call names from the root).
#[derive(Debug, Clone, Default)]
pub struct Config {
    modules: BTreeMap<Vec<String>, ConfigModule>,
}

impl Config {
    /// Reads `configuration` (absent in states: then nothing resolves).
    pub fn new(configuration: &Value) -> Self {
        let mut c = Config::default();
        if let Some(root) = configuration.get("root_module") {
            c.read(root, Vec::new());
        }
        c
    }

    fn read(&mut self, m: &Value, path: Vec<String>) {
        if path.len() > 32 {
            return;
        }
        let mut cm = ConfigModule::default();
        for r in array(m.get("resources")) {
            if let Some(a) = r.get("address").and_then(Value::as_str) {
                cm.resources
                    .insert(a.to_owned(), r.get("expressions").cloned().unwrap_or(Value::Null));
            }
        }
        if let Some(outs) = m.get("outputs").and_then(Value::as_object) {
            for (k, o) in outs {
                cm.outputs
                    .insert(k.clone(), o.get("expression").cloned().unwrap_or(Value::Null));
            }
        }
        if let Some(calls) = m.get("module_calls").and_then(Value::as_object) {
            for (name, call) in calls {
                cm.calls
                    .insert(name.clone(), call.get("expressions").cloned().unwrap_or(Value::Null));
                if let Some(child) = call.get("module") {
                    let mut p = path.clone();
                    p.push(name.clone());
                    self.read(child, p);
                }
            }
        }
        self.modules.insert(path, cm);
    }

    /// True iff the configuration has a block for this instance's resource.
    pub fn has_resource(&self, inst: &Inst) -> bool {
        self.modules
            .get(&inst.addr.module_names())
            .is_some_and(|m| m.resources.contains_key(&inst.addr.config_address()))
    }

    /// The references listed for `path` (attribute, then nested fields) of a resource instance.
    /// `None` when the configuration has no expression for it.
    pub fn references(&self, inst: &Inst, path: &[&str]) -> Option<Vec<String>> {
        let m = self.modules.get(&inst.addr.module_names())?;
        let exprs = m.resources.get(&inst.addr.config_address())?;
        let (first, rest) = path.split_first()?;
        let mut out = Vec::new();
        collect(exprs.get(*first)?, rest, &mut out, 0);
        Some(out)
    }

    fn call_references(&self, module: &[ModuleStep], var: &str) -> Vec<String> {
        let Some((call, parent)) = module.split_last() else {
            return Vec::new();
        };
        let names: Vec<String> = parent.iter().map(|s| s.name.clone()).collect();
        let mut out = Vec::new();
        if let Some(e) = self
            .modules
            .get(&names)
            .and_then(|m| m.calls.get(&call.name))
            .and_then(|c| c.get(var))
        {
            collect(e, &[], &mut out, 0);
        }
        out
    }

    fn output_references(&self, module: &[ModuleStep], output: &str) -> Vec<String> {
        let names: Vec<String> = module.iter().map(|s| s.name.clone()).collect();
        let mut out = Vec::new();
        if let Some(e) = self.modules.get(&names).and_then(|m| m.outputs.get(output)) {
            collect(e, &[], &mut out, 0);
        }
        out
    }
}

/// Gathers the references of an expression at a nested path. An expression object with
/// `references` covers everything below it (attributes-as-blocks: one list for the whole set);
/// an array is a list of nested blocks, each searched; an object without `references` is a
/// single nested block.
fn collect(e: &Value, rest: &[&str], out: &mut Vec<String>, depth: usize) {
    if depth > 16 {
        return;
    }
    match e {
        Value::Array(items) => {
            for i in items {
                collect(i, rest, out, depth + 1);
            }
        }
        Value::Object(o) => {
            if let Some(refs) = o.get("references").and_then(Value::as_array) {
                out.extend(refs.iter().filter_map(|r| r.as_str().map(str::to_owned)));
            } else if let Some((first, more)) = rest.split_first()
                && let Some(inner) = o.get(*first)
            {
                collect(inner, more, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// Follows the references of an expression evaluated in `module` by a referrer with instance
/// key `key` to resource instances of `doc`.
pub fn resolve(
    cfg: &Config,
    doc: &Document,
    refs: &[String],
    module: &[ModuleStep],
    key: Option<&Key>,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    follow(cfg, doc, refs, module, key, 0, &mut out);
    out.sort();
    out.dedup();
    out
}

fn follow(
    cfg: &Config,
    doc: &Document,
    refs: &[String],
    module: &[ModuleStep],
    key: Option<&Key>,
    depth: usize,
    out: &mut Vec<Candidate>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let aligned = refs
        .iter()
        .any(|r| r == "count.index" || r.starts_with("each.key") || r.starts_with("each.value"));
    let own_key = if aligned { key } else { None };
    for r in most_specific(refs) {
        let Some(st) = steps(&r) else { continue };
        let Some(head) = st.first() else { continue };
        match head.name.as_str() {
            "count" | "each" | "path" | "terraform" | "self" | "local" => {}
            "var" => {
                let Some(var) = st.get(1) else { continue };
                let Some((call, parent)) = module.split_last() else {
                    continue;
                };
                let inner = cfg.call_references(module, &var.name);
                let mut found = Vec::new();
                follow(cfg, doc, &inner, parent, call.key.as_ref(), depth + 1, &mut found);
                out.extend(apply_key(found, var.key.as_ref().or(own_key), doc));
            }
            "module" => {
                let (Some(child), Some(output)) = (st.get(1), st.get(2)) else {
                    continue;
                };
                for variant in module_instances(doc, module, child, own_key) {
                    let inner = cfg.output_references(&variant, &output.name);
                    let mut found = Vec::new();
                    follow(cfg, doc, &inner, &variant, None, depth + 1, &mut found);
                    out.extend(apply_key(found, output.key.as_ref(), doc));
                }
            }
            _ => {
                let Some(mut a) = ResourceAddr::parse(&r) else {
                    continue;
                };
                a.module = module.to_vec();
                let attr = a.first_attr().map(str::to_owned);
                if a.key.is_some() {
                    let address = a.instance();
                    if doc.instances.contains_key(&address) {
                        out.push(Candidate { address, attr });
                    }
                    continue;
                }
                let base = a.base();
                let all: Vec<&Inst> = doc.instances_of(&base).collect();
                let aligned_one = own_key.and_then(|k| all.iter().find(|i| i.addr.key.as_ref() == Some(k)));
                match aligned_one {
                    Some(i) => out.push(Candidate {
                        address: i.address.clone(),
                        attr,
                    }),
                    None => out.extend(all.iter().map(|i| Candidate {
                        address: i.address.clone(),
                        attr: attr.clone(),
                    })),
                }
            }
        }
    }
}

/// Narrows candidates of several instances of one resource to instance `key`, when given and
/// present (`module.vpc.private_subnets[0]`, `var.subnets[1]`).
fn apply_key(found: Vec<Candidate>, key: Option<&Key>, doc: &Document) -> Vec<Candidate> {
    let Some(k) = key else { return found };
    let keyed: Vec<Candidate> = found
        .iter()
        .filter(|c| {
            doc.instances
                .get(&c.address)
                .is_some_and(|i| i.addr.key.as_ref() == Some(k))
        })
        .cloned()
        .collect();
    if keyed.is_empty() { found } else { keyed }
}

/// The instances of module call `child` under `module` present in the world: the one named by
/// its key, else the one aligned with the referrer, else all of them.
fn module_instances(
    doc: &Document,
    module: &[ModuleStep],
    child: &ModuleStep,
    own_key: Option<&Key>,
) -> Vec<Vec<ModuleStep>> {
    let variants: Vec<Vec<ModuleStep>> = doc
        .module_paths()
        .iter()
        .filter(|m| {
            m.len() == module.len() + 1
                && m.get(..module.len()) == Some(module)
                && m.last().is_some_and(|s| s.name == child.name)
        })
        .cloned()
        .collect();
    let pick = |k: &Key| -> Vec<Vec<ModuleStep>> {
        variants
            .iter()
            .filter(|v| v.last().and_then(|s| s.key.as_ref()) == Some(k))
            .cloned()
            .collect()
    };
    if let Some(k) = &child.key {
        return pick(k);
    }
    if let Some(k) = own_key {
        let p = pick(k);
        if !p.is_empty() {
            return p;
        }
    }
    variants
}
