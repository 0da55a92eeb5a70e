//! Structure-aware fuzzing of the three loaders (issue #18 item 5): the real fixtures (the moto
//! snapshots, the merged AWS snapshot, the AWS CLI's documented examples, the Terraform plans and
//! state) with fields deleted, duplicated, retyped and swapped. Whatever the result, loading never
//! panics; an input that loads lints (`finish`, `validate`) without panicking, and a question about
//! it, under a budget, answers a verdict or a clear error, never an internal inconsistency.
//!
//! Case counts: `differential::config`'s (`PROPTEST_CASES` overrides them for a soak); failing
//! seeds persist in `fuzz_mutate.proptest-regressions`, committed.

use crate::common::*;
use crate::differential;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;
use vpcverify::ingest::{self, aws, terraform};
use vpcverify::model::NetworkIndex;
use vpcverify::model::validate::validate;
use vpcverify::query::engine::{self, ProtocolChoice, QueryError, QuerySpec};

/// One input of the corpus: the JSON documents read together (one file, or a snapshot directory's
/// files), and whether it is Terraform.
#[derive(Debug)]
struct Input {
    name: String,
    docs: Vec<(String, Value)>,
    terraform: bool,
}

fn json_files(dir: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![path(dir)];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A fixture file and its document; `None` for the few that are not JSON on purpose (the AWS
/// CLI's documentation has an example with a trailing comma).
fn read(p: &std::path::Path) -> Option<(String, Value)> {
    let rel = p.strip_prefix(root()).unwrap_or(p).display().to_string();
    Some((rel, serde_json::from_slice(&std::fs::read(p).unwrap()).ok()?))
}

/// The corpus, read once.
fn corpus() -> &'static Vec<Input> {
    static CORPUS: OnceLock<Vec<Input>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut out = Vec::new();
        for dir in [
            "tests/fixtures/moto-sample",
            "tests/fixtures/moto-tgw",
            "tests/fixtures/moto-tgw-peering",
            "tests/fixtures/aws-cli-examples",
        ] {
            out.push(Input {
                name: dir.to_owned(),
                docs: json_files(dir).iter().filter_map(|p| read(p)).collect(),
                terraform: false,
            });
        }
        for doc in json_files("tests/fixtures/aws").iter().filter_map(|p| read(p)) {
            out.push(Input {
                name: doc.0.clone(),
                docs: vec![doc],
                terraform: false,
            });
        }
        for doc in json_files("tests/fixtures/terraform").iter().filter_map(|p| read(p)) {
            out.push(Input {
                name: doc.0.clone(),
                docs: vec![doc],
                terraform: true,
            });
        }
        assert!(out.len() >= 10, "{} inputs", out.len());
        out
    })
}

/// What is done to one node of a document.
#[derive(Debug, Clone, Copy)]
enum Op {
    /// Remove the field or array element.
    Delete,
    /// An array element twice; an object field's value copied under another key of the object.
    Duplicate,
    /// The value replaced by one of another JSON type.
    Retype,
    /// The value exchanged with another node's, anywhere in the document.
    Swap,
}

/// A JSON pointer to every node below the root.
fn pointers(v: &Value, here: &mut String, out: &mut Vec<String>) {
    let len = here.len();
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                here.push('/');
                here.push_str(&k.replace('~', "~0").replace('/', "~1"));
                out.push(here.clone());
                pointers(x, here, out);
                here.truncate(len);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                here.push('/');
                here.push_str(&i.to_string());
                out.push(here.clone());
                pointers(x, here, out);
                here.truncate(len);
            }
        }
        _ => {}
    }
}

fn parent_and_key(ptr: &str) -> (&str, String) {
    let cut = ptr.rfind('/').unwrap_or(0);
    (&ptr[..cut], ptr[cut + 1..].replace("~1", "/").replace("~0", "~"))
}

/// Values of every JSON type, to retype with.
fn another_type(old: &Value, pick: usize) -> Value {
    let choices = [
        json!(null),
        json!(true),
        json!(-1),
        json!(4294967296u64),
        json!(1.5),
        json!(""),
        json!("10.0.0.0/8"),
        json!("tcp"),
        json!([]),
        json!([1, "x"]),
        json!({}),
        json!({"Key": "Name", "Value": "x"}),
    ];
    let differs: Vec<&Value> = choices
        .iter()
        .filter(|c| std::mem::discriminant(*c) != std::mem::discriminant(old))
        .collect();
    differs[pick % differs.len()].clone()
}

/// Applies `op` at the node numbered `at` (with `other` for the second node or key).
fn mutate(doc: &mut Value, op: Op, at: usize, other: usize) {
    let mut ptrs = Vec::new();
    pointers(doc, &mut String::new(), &mut ptrs);
    if ptrs.is_empty() {
        return;
    }
    let ptr = ptrs[at % ptrs.len()].clone();
    let (parent, key) = parent_and_key(&ptr);
    match op {
        Op::Delete => match doc.pointer_mut(parent) {
            Some(Value::Object(m)) => {
                m.remove(&key);
            }
            Some(Value::Array(a)) => {
                if let Ok(i) = key.parse::<usize>()
                    && i < a.len()
                {
                    a.remove(i);
                }
            }
            _ => {}
        },
        Op::Duplicate => match doc.pointer_mut(parent) {
            Some(Value::Array(a)) => {
                if let Ok(i) = key.parse::<usize>()
                    && let Some(x) = a.get(i).cloned()
                {
                    a.insert(i, x);
                }
            }
            Some(Value::Object(m)) => {
                let keys: Vec<String> = m.keys().cloned().collect();
                let target = keys[other % keys.len()].clone();
                if let Some(x) = m.get(&key).cloned() {
                    m.insert(target, x);
                }
            }
            _ => {}
        },
        Op::Retype => {
            if let Some(x) = doc.pointer_mut(&ptr) {
                *x = another_type(x, other);
            }
        }
        Op::Swap => {
            let second = ptrs[other % ptrs.len()].clone();
            // Not a node with its own ancestor: both must survive the exchange.
            if second.starts_with(&format!("{ptr}/")) || ptr.starts_with(&format!("{second}/")) {
                return;
            }
            let (Some(a), Some(b)) = (doc.pointer(&ptr).cloned(), doc.pointer(&second).cloned()) else {
                return;
            };
            if let Some(x) = doc.pointer_mut(&ptr) {
                *x = b;
            }
            if let Some(x) = doc.pointer_mut(&second) {
                *x = a;
            }
        }
    }
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![Just(Op::Delete), Just(Op::Duplicate), Just(Op::Retype), Just(Op::Swap)]
}

/// A fixture, which of its documents to damage, and one to four mutations of it.
fn case(terraform: bool) -> impl Strategy<Value = (usize, usize, Vec<(Op, usize, usize)>)> {
    let picks: Vec<usize> = (0..corpus().len())
        .filter(|&i| corpus()[i].terraform == terraform)
        .collect();
    (
        prop::sample::select(picks),
        any::<usize>(),
        prop::collection::vec((op(), any::<usize>(), any::<usize>()), 1..=4),
    )
}

/// Loads the mutated input; when it loads, lints it and asks one question under a budget.
fn check(
    input: usize,
    doc: usize,
    ops: &[(Op, usize, usize)],
    tally: &differential::Tally,
) -> Result<(), TestCaseError> {
    let input = &corpus()[input];
    let mut docs = input.docs.clone();
    let k = doc % docs.len();
    for &(op, at, other) in ops {
        mutate(&mut docs[k].1, op, at, other);
    }
    let loaded = if input.terraform {
        let (name, value) = &docs[0];
        if !terraform::looks_like_terraform(value) {
            return Ok(());
        }
        terraform::load_value(name, value)
    } else {
        let files: Vec<(PathBuf, String, Value)> = docs.into_iter().map(|(n, v)| (PathBuf::from(&n), n, v)).collect();
        aws::load_files(&files)
    };
    let Ok(mut loaded) = loaded else { return Ok(()) };
    tally.network();
    ingest::finish(&mut loaded.network);
    let net = &loaded.network;
    let found = validate(net);
    if loaded.diagnostics.iter().chain(&found).any(|d| d.is_error()) {
        // `query` refuses a network lint finds errors in; nothing more to ask.
        return Ok(());
    }
    let ix = NetworkIndex::new(net);
    // The internet to the first interface, every protocol, as `query` asks it.
    let Some(eni) = net.network_interfaces.keys().next() else {
        return Ok(());
    };
    let spec = QuerySpec {
        from: "internet".into(),
        to: eni.to_string(),
        protocol: ProtocolChoice::All,
        port: None,
        src_port: None,
        one_way: false,
        want_proof: false,
        budget: Some(Duration::from_secs(5)),
        through: Vec::new(),
        avoid: Vec::new(),
    };
    tally.question();
    match engine::run(net, &ix, &spec) {
        Ok(_) | Err(QueryError::Endpoint(_)) | Err(QueryError::Usage(_)) => Ok(()),
        Err(e @ QueryError::Inconsistent(_)) => Err(TestCaseError::fail(format!("{}: {e}", input.name))),
    }
}

#[test]
fn mutated_aws_fixtures_load_lint_and_answer_or_err_clearly() {
    differential::check(
        "fuzz_mutate::aws",
        file!(),
        256,
        case(false),
        |(input, doc, ops), tally| check(input, doc, &ops, tally),
    );
}

#[test]
fn mutated_terraform_fixtures_load_lint_and_answer_or_err_clearly() {
    differential::check(
        "fuzz_mutate::terraform",
        file!(),
        256,
        case(true),
        |(input, doc, ops), tally| check(input, doc, &ops, tally),
    );
}

#[test]
fn each_mutation_changes_the_document_it_is_given() {
    let doc = json!({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]});
    for op in [Op::Delete, Op::Duplicate, Op::Retype, Op::Swap] {
        // Nodes 2 and 3 are the VPC's two fields.
        let mut d = doc.clone();
        mutate(&mut d, op, 2, 3);
        assert_ne!(d, doc, "{op:?}");
    }
    let mut d = doc.clone();
    mutate(&mut d, Op::Swap, 2, 3);
    assert_eq!(d["Vpcs"][0]["CidrBlock"], "vpc-1");
    let mut d = doc.clone();
    mutate(&mut d, Op::Delete, 1, 0);
    assert_eq!(d, json!({"Vpcs": []}));
}
