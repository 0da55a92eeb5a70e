//! The walk's records for what is built after it: the candidate paths as they ended (recording
//! mode, for the drop map of `super::super::dropmap`, SOLVE-8) and the words of a filter in a
//! proof's comments. Must not touch: printing, deciding.

use super::{Check, CheckInfo, Leg, State, Walk};
use crate::model::Blocked;
use crate::smt::StartPoint;
use z3::ast::Bool;

/// How a recorded candidate path ended.
#[derive(Clone)]
pub(crate) enum PathEnd {
    /// Delivered if every check on the way admits the packet.
    Complete,
    /// Dropped here if every check on the way admits the packet.
    Dropped(Blocked),
    /// Reaches something not modelled.
    Unknown,
}

/// A candidate path as the walk left it, for the drop map (`super::super::dropmap`).
#[derive(Clone)]
pub(crate) struct PathRecord {
    pub start: StartPoint,
    /// Branch conditions (routing, gateways, starts), without the filters.
    pub routing: Vec<Bool>,
    /// The filters on the way, in order.
    pub checks: Vec<Check>,
    pub end: PathEnd,
}

/// A filter in words, for the proof's comments.
pub(super) fn describe_check(info: &CheckInfo, leg: Leg) -> String {
    let leg = match leg {
        Leg::Request => "request",
        Leg::Reply => "reply",
    };
    match info {
        CheckInfo::Acl { acl, subnet, dir, .. } => format!("network ACL {acl} {dir} at {subnet} ({leg})"),
        CheckInfo::Groups { iface, groups, dir, .. } => {
            let g: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
            format!("security groups [{}] of {iface} {dir} ({leg})", g.join(", "))
        }
    }
}

impl Walk<'_> {
    /// Recording mode: keeps the path as it ended, for the drop map.
    pub(super) fn record_path(&mut self, st: &State, end: PathEnd) {
        self.results.records.push(PathRecord {
            start: st.start.clone(),
            routing: st.branches.clone(),
            checks: st.checks.clone(),
            end,
        });
    }
}
