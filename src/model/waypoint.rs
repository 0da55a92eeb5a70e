//! Waypoints of a question (`--through`, `--avoid`; suite keys `through`, `avoid`): components a
//! packet that gets through must cross, or must not cross, on its request's path (SEMANTICS.md
//! §9.3, WAY-1..WAY-4).
//!
//! Owns: plain data only, a resolved component and its kind. Whether a path crosses one is
//! decided separately by `sim` (on its concrete hops) and `smt` (on each candidate path). Must
//! not touch: decisions, printing.

use super::trace::ComponentKind;
use serde::Serialize;

/// One waypoint component, resolved.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct Waypoint {
    /// The component's id (a load balancer's ARN; an instance's `i-…`; a subnet's `subnet-…`).
    pub id: String,
    /// What it is: it decides what crossing it means (WAY-2).
    pub kind: ComponentKind,
    /// The text the user gave.
    pub given: String,
    /// Its display name, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The waypoints of a question.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Waypoints {
    /// Every packet that gets through must cross each of these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub through: Vec<Waypoint>,
    /// No packet that gets through may cross any of these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub avoid: Vec<Waypoint>,
}

impl Waypoints {
    /// No waypoint at all.
    pub fn is_empty(&self) -> bool {
        self.through.is_empty() && self.avoid.is_empty()
    }
}
