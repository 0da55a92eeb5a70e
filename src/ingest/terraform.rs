//! Terraform `terraform show -json` plans and states.
//!
//! Not implemented yet: recognised, and refused with a clear error.

use super::{IngestError, Loaded};

/// True iff the JSON document is a Terraform plan or state (`format_version` with
/// `planned_values`/`values`/`resource_changes`, or a raw state with `version` and `resources`).
pub fn looks_like_terraform(v: &serde_json::Value) -> bool {
    let has = |k: &str| v.get(k).is_some();
    (has("format_version")
        && (has("planned_values") || has("values") || has("resource_changes") || has("terraform_version")))
        || (has("terraform_version") && has("resources") && has("version"))
}

/// Loads a Terraform document.
pub fn load_value(file: &str, _v: &serde_json::Value) -> Result<Loaded, IngestError> {
    Err(IngestError::Format {
        file: file.to_owned(),
        message: "this is a Terraform plan or state; Terraform input is not supported yet".into(),
    })
}
