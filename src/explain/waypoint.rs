//! The waypoint part of `query` text output (`--through`, `--avoid`; SEMANTICS.md §9.3): the
//! waypoint verdict line first (it decides the exit code), then for a violation the violating
//! packet with its path and return path, for a hold what stops the paths that would violate it,
//! for an unknown what it depends on. Must not touch: semantics.

use super::Style;
use crate::query::Verdict;
use crate::query::waypoint::{WaypointKind, WaypointVerdict};

/// The waypoint block, ending with a blank line.
pub(super) fn render(v: &Verdict, w: &WaypointVerdict, style: &Style) -> String {
    let mut out = String::new();
    let word = match w.result {
        WaypointKind::Held => style.good("waypoint held"),
        WaypointKind::Violated => style.error("waypoint violated"),
        WaypointKind::Unknown => style.warning("waypoint unknown"),
    };
    let label = |id: &str| super::verdict::label(&v.names, id);
    let list = |ws: &[crate::model::Waypoint]| {
        ws.iter()
            .map(|x| format!("`{}`", label(&x.id)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!("{word}: {}\n", w.reason));
    if !w.through.is_empty() {
        out.push_str(&format!("  through: {}\n", list(&w.through)));
    }
    if !w.avoid.is_empty() {
        out.push_str(&format!("  avoid: {}\n", list(&w.avoid)));
    }
    if let Some(p) = &w.packet {
        out.push_str(&format!("violating packet: {p}\n"));
    }
    // The same packet and path as the answer below: shown once.
    if w.packet.is_some() && w.packet == v.packet && w.path == v.path && w.return_path == v.return_path {
        out.push_str("violating path: the path below\n\n");
        return out;
    }
    let hops = w.path.iter().chain(w.return_path.iter()).flatten();
    let widths = super::verdict::widths(&v.names, hops);
    if let Some(path) = &w.path {
        out.push_str(&format!("\n{}\n", style.strong("violating path:")));
        super::verdict::push_hops(&mut out, path, widths, &v.names, style);
    }
    if let Some(ret) = w.return_path.as_ref().filter(|r| !r.is_empty()) {
        out.push_str(&format!("\n{}\n", style.strong("violating return path:")));
        super::verdict::push_hops(&mut out, ret, widths, &v.names, style);
    }
    if !w.blocked.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            style.strong("the paths that would break the waypoints are blocked by:")
        ));
        for b in &w.blocked {
            let direction = b.direction.map(|d| format!(" {d}")).unwrap_or_default();
            out.push_str(&format!(
                "  {} {}{direction}, rule {}: {}\n",
                style.error(&label(&b.id)),
                b.kind,
                b.rule,
                b.reason
            ));
        }
    }
    for u in &w.unknown {
        out.push_str(&format!("  {}: {}\n", style.warning(&label(&u.id)), u.reason));
    }
    out.push('\n');
    out
}
