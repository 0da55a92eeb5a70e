//! Terraform input: `terraform show -json` of a plan or a state (OpenTofu writes the same), and
//! raw `terraform.tfstate` files (state version 4) — the CI use case of checking a plan before
//! `terraform apply`, when no AWS ids exist yet (Terraform's JSON output format,
//! <https://developer.hashicorp.com/terraform/internals/json-format>).
//!
//! Owns: recognising these documents and lowering them into the model. The modelled world is
//! prior state ∪ planned creates and updates ∖ deletes ([`document`]); unknown ids are resolved
//! through the configuration's references ([`refs`]); resources become model objects whose id is
//! their AWS id when known and their Terraform address otherwise ([`lower`]); the VPC's implicit
//! main route table, default ACL and default group are synthesised ([`implicit`], RT-2, NACL-2,
//! SG-3); addresses unknown until apply get deterministic example values marked
//! `assigned_at_apply` ([`examples`]). Local routes, blackholes and unsupported constructs are
//! the shared `ingest::finish`'s job.

pub mod address;
pub mod document;
pub mod examples;
pub mod implicit;
pub mod lower;
pub mod refs;

use super::{IngestError, Loaded};

/// True iff the JSON document is a Terraform plan or state (`format_version` with
/// `planned_values`/`values`/`resource_changes`, or a raw state with `version` and `resources`).
pub fn looks_like_terraform(v: &serde_json::Value) -> bool {
    let has = |k: &str| v.get(k).is_some();
    (has("format_version")
        && (has("planned_values") || has("values") || has("resource_changes") || has("terraform_version")))
        || (has("terraform_version") && has("resources") && has("version"))
}

/// Loads a Terraform document: a plan, a state, or a raw state. A `format_version` whose major
/// is not 0 or 1, or a raw state whose `version` is not 4, is an [`IngestError::Format`].
pub fn load_value(file: &str, v: &serde_json::Value) -> Result<Loaded, IngestError> {
    let doc = document::parse(file, v)?;
    let (network, diagnostics) = lower::lower(file, &doc);
    Ok(Loaded {
        network,
        diagnostics,
        source: file.to_owned(),
    })
}
