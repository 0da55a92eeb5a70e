//! Where each resource and rule came from: the input file, the line (native spec), the resource
//! id and the rule within it. Traces, blocking reasons and lint messages cite these.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The origin of a resource, route, ACL entry or security group rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Provenance {
    /// Input file, as the user named it.
    pub file: String,
    /// 1-based line in that file, when known (native TOML spec).
    #[serde(skip_serializing_if = "super::wire::skip_none")]
    pub line: Option<u32>,
    /// 1-based column, when known.
    #[serde(skip_serializing_if = "super::wire::skip_none")]
    pub column: Option<u32>,
    /// The AWS id (or Terraform address) of the resource holding the item.
    pub resource: String,
    /// The item inside the resource: a rule number, a route destination, a rule index.
    #[serde(skip_serializing_if = "super::wire::skip_none")]
    pub item: Option<String>,
    /// True for objects AWS creates implicitly and the input did not list (local routes, the
    /// ACL default deny, a main route table synthesised for a Terraform plan, …).
    #[serde(default, skip_serializing_if = "super::wire::skip_false")]
    pub implicit: bool,
}

impl Provenance {
    /// Provenance of a whole resource read from `file`.
    pub fn resource(file: impl Into<String>, resource: impl Into<String>) -> Self {
        Provenance {
            file: file.into(),
            resource: resource.into(),
            ..Default::default()
        }
    }

    /// The same provenance narrowed to one item of the resource.
    pub fn item(&self, item: impl Into<String>) -> Self {
        Provenance {
            item: Some(item.into()),
            ..self.clone()
        }
    }

    /// The same provenance at a line and column.
    pub fn at(mut self, line: u32, column: u32) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// The same provenance marked implicit.
    pub fn implicit(mut self) -> Self {
        self.implicit = true;
        self
    }

    /// `file:line:column` (or just `file`).
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.file),
            (Some(l), None) => format!("{}:{l}", self.file),
            _ => self.file.clone(),
        }
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.resource)?;
        if let Some(item) = &self.item {
            write!(f, " {item}")?;
        }
        write!(f, " ({})", self.location())
    }
}
