//! `trace` and `query` output: a [`Verdict`] as text for a person at a terminal, or as JSON (the
//! serde form of `Verdict`, DESIGN.md §2).
//!
//! Text layout: the verdict line (coloured through [`Style`] only), the packet, the numbered path
//! and return path (id, kind, what happened), the blocking components with direction, rule,
//! reason and Reachability Analyzer code, the unknown causes (each with a packet whose fate depends
//! on it, where one was found), the constructs that decide nothing (BOUND-2), then the notes
//! (`warnings`).

use super::Style;
use crate::model::Hop;
use crate::query::{Verdict, VerdictKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// The JSON document `query` and `trace` print: the contract's version, then the verdict's
/// fields.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct VerdictReport<'a> {
    /// The JSON contract's version ([`super::schema::SCHEMA_VERSION`]).
    #[schemars(schema_with = "super::schema::version_schema")]
    pub schema_version: u32,
    /// The answer.
    #[serde(flatten)]
    pub verdict: &'a Verdict,
}

/// The verdict as text, ending with a newline.
pub fn render_text(v: &Verdict, style: &Style) -> String {
    let mut out = String::new();
    if let Some(w) = &v.waypoint {
        out.push_str(&super::waypoint::render(v, w, style));
    }
    let word = match v.verdict {
        VerdictKind::Reachable => style.good("reachable"),
        VerdictKind::Unreachable => style.error("unreachable"),
        VerdictKind::Unknown => style.warning("unknown"),
    };
    out.push_str(&format!("{word}: {}\n", question(v)));
    if let Some(p) = &v.packet {
        out.push_str(&format!("packet: {p}\n"));
    }
    let widths = widths(&v.names, v.path.iter().chain(v.return_path.iter()).flatten());
    if let Some(path) = &v.path {
        out.push_str(&format!("\n{}\n", style.strong("path:")));
        push_hops(&mut out, path, widths, &v.names, style);
    }
    if let Some(ret) = &v.return_path {
        out.push_str(&format!("\n{}\n", style.strong("return path:")));
        push_hops(&mut out, ret, widths, &v.names, style);
    }
    if !v.blocked.is_empty() {
        // A trace whose reply was walked was stopped on the reply leg.
        let leg = if v.return_path.is_some() && v.blocked.len() == 1 {
            " (the request is delivered; the reply is not)"
        } else {
            ""
        };
        out.push_str(&format!("\n{}{leg}\n", style.strong("blocked by:")));
        for b in &v.blocked {
            let direction = b.direction.map(|d| format!(" {d}")).unwrap_or_default();
            out.push_str(&format!(
                "  {} {}{direction}, rule {}: {}",
                style.error(&label(&v.names, &b.id)),
                b.kind,
                b.rule,
                b.reason
            ));
            if !b.code.is_empty() {
                out.push_str(&format!(" {}", style.dim(&format!("[{}]", b.code))));
            }
            out.push('\n');
        }
    }
    push_drop_map(&mut out, v, style);
    // The solver's own limits (SOLVE-1..4) apart from the constructs the model leaves out.
    let undecided = |id: &str| id == "budget" || id == "solver";
    for (heading, solver_side) in [("not modelled:", false), ("not decided:", true)] {
        let causes: Vec<_> = v.unknown.iter().filter(|u| undecided(&u.id) == solver_side).collect();
        if causes.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}\n", style.strong(heading)));
        for u in causes {
            out.push_str(&format!("  {}: {}\n", style.warning(&label(&v.names, &u.id)), u.reason));
            if let Some(p) = &u.example {
                out.push_str(&format!("    e.g. {p}: its fate depends on it\n"));
            }
        }
    }
    if !v.bounded.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            style.strong("not modelled, but not deciding this answer:")
        ));
        for u in &v.bounded {
            out.push_str(&format!("  {}: {}\n", style.dim(&u.id), u.reason));
        }
    }
    if !v.warnings.is_empty() {
        out.push_str(&format!("\n{}\n", style.strong("notes:")));
        for w in &v.warnings {
            out.push_str(&format!("  - {w}\n"));
        }
    }
    out
}

/// The drop map: one line per cell (class, where, rule, code), its example packet under it.
fn push_drop_map(out: &mut String, v: &Verdict, style: &Style) {
    if v.drop_map.is_empty() {
        return;
    }
    let heading = match v.verdict {
        VerdictKind::Reachable => {
            "dropped (the packets of the question that do not get through, by where each is dropped first):"
        }
        _ => "drop map (where each class of packets is dropped first):",
    };
    out.push_str(&format!("\n{}\n", style.strong(heading)));
    // Cells that differ only in their address ranges (other candidate paths to the same rule)
    // share one line, where the first of them appears.
    let mut groups: Vec<(&crate::query::DropCellReport, Vec<String>)> = Vec::new();
    for c in &v.drop_map {
        let (head, addrs) = split_addresses(&c.class.text);
        let same = groups
            .iter_mut()
            .find(|(g, _)| g.blocked == c.blocked && g.leg == c.leg && split_addresses(&g.class.text).0 == head);
        match same {
            Some((_, list)) => list.push(addrs),
            None => groups.push((c, vec![addrs])),
        }
    }
    for (c, addrs) in groups {
        let b = &c.blocked;
        let direction = b.direction.map(|d| format!(" {d}")).unwrap_or_default();
        let reply = if c.leg == "reply" { " (the reply)" } else { "" };
        let (head, _) = split_addresses(&c.class.text);
        let shown: Vec<&String> = addrs.iter().filter(|a| !a.is_empty()).collect();
        let addr_text = match shown.len() {
            0 => String::new(),
            1 => shown.first().map(|a| format!(" {a}")).unwrap_or_default(),
            n => format!(" ({n} address ranges)"),
        };
        out.push_str(&format!(
            "  {head}{addr_text}{reply}: {} {}{direction}, rule {}: {}",
            style.error(&b.id),
            b.kind,
            b.rule,
            b.reason
        ));
        if !b.code.is_empty() {
            out.push_str(&format!(" {}", style.dim(&format!("[{}]", b.code))));
        }
        out.push_str(&format!("\n    e.g. {}\n", c.example));
    }
    if let Some(why) = &v.drop_map_incomplete {
        out.push_str(&format!("  ({})\n", style.warning(&format!("incomplete: {why}"))));
    }
}

/// A class's text split into what it says of protocols and ports, and of addresses (` from …`,
/// ` to …`).
fn split_addresses(text: &str) -> (String, String) {
    let cut = [" from ", " to "]
        .iter()
        .filter_map(|k| {
            text.find(k)
                .filter(|i| !text[..*i].ends_with("port") && !text[*i..].starts_with(" from port"))
        })
        .min();
    match cut {
        Some(i) => (text[..i].to_owned(), text[i..].trim().to_owned()),
        None => (text.to_owned(), String::new()),
    }
}

/// The verdict as pretty JSON, ending with a newline.
pub fn render_json(v: &Verdict) -> String {
    let doc = VerdictReport {
        schema_version: super::schema::SCHEMA_VERSION,
        verdict: v,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")) + "\n"
}

/// `tcp from `web` to `internet` port 443 (one-way)`.
fn question(v: &Verdict) -> String {
    let q = &v.query;
    let mut s = format!("{} from `{}` to `{}`", q.protocol, q.from, q.to);
    if let Some(p) = &q.port {
        s.push_str(&format!(" port {p}"));
    }
    if let Some(p) = &q.src_port {
        s.push_str(&format!(" from port {p}"));
    }
    if q.one_way {
        s.push_str(" (one-way)");
    }
    s
}

/// A component as text: `id (name)` when it has a name that says more than its id; a load
/// balancer by its name alone (its ARN is in the JSON).
pub(super) fn label(names: &BTreeMap<String, String>, id: &str) -> String {
    match names.get(id) {
        Some(n) if id.starts_with("arn:") => n.clone(),
        Some(n) => format!("{id} ({n})"),
        None => id.to_owned(),
    }
}

/// Widths of the id and kind columns over hops.
pub(super) fn widths<'a>(names: &BTreeMap<String, String>, hops: impl Iterator<Item = &'a Hop>) -> (usize, usize) {
    hops.fold((0, 0), |(i, k), h| {
        (i.max(label(names, &h.id).chars().count()), k.max(h.kind.as_str().len()))
    })
}

pub(super) fn push_hops(
    out: &mut String,
    hops: &[Hop],
    (id_width, kind_width): (usize, usize),
    names: &BTreeMap<String, String>,
    style: &Style,
) {
    if hops.is_empty() {
        out.push_str("  (none)\n");
        return;
    }
    let number_width = hops.len().to_string().len();
    for (i, h) in hops.iter().enumerate() {
        let id = format!("{:<id_width$}", label(names, &h.id));
        out.push_str(&format!(
            "  {:>number_width$}. {}  {:<kind_width$}  {}\n",
            i + 1,
            style.strong(&id),
            h.kind.as_str(),
            h.detail
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Blocked, ComponentKind, Direction, Packet};
    use crate::query::QueryEcho;

    fn verdict() -> Verdict {
        let mut v = Verdict::new(
            VerdictKind::Unreachable,
            QueryEcho {
                from: "internet".into(),
                to: "web".into(),
                protocol: "tcp".into(),
                port: Some("8080".into()),
                src_port: None,
                one_way: false,
            },
        );
        v.packet = Some(Packet::with_ports(
            6,
            "93.184.216.34".parse().unwrap(),
            49152,
            "54.0.0.10".parse().unwrap(),
            8080,
        ));
        v.path = Some(vec![
            Hop {
                id: "93.184.216.34".into(),
                kind: ComponentKind::Internet,
                detail: "internet host sends it".into(),
                direction: None,
                rule: None,
            },
            Hop {
                id: "igw-1".into(),
                kind: ComponentKind::InternetGateway,
                detail: "destination 54.0.0.10 translated to 10.0.1.10 (IGW-2)".into(),
                direction: Some(Direction::Inbound),
                rule: Some("IGW-2".into()),
            },
        ]);
        v.blocked.push(Blocked {
            id: "acl-1".into(),
            kind: ComponentKind::NetworkAcl,
            direction: Some(Direction::Inbound),
            rule: "*".into(),
            reason: "no rule allows it".into(),
            code: "SUBNET_ACL_RESTRICTION".into(),
        });
        v.warnings.push("source port 49152".into());
        v
    }

    #[test]
    fn text_names_the_packet_the_path_and_the_blocking_rule() {
        let text = render_text(&verdict(), &Style { color: false });
        assert_eq!(
            text,
            "unreachable: tcp from `internet` to `web` port 8080\n\
             packet: tcp 93.184.216.34:49152 -> 54.0.0.10:8080\n\
             \n\
             path:\n  \
               1. 93.184.216.34  internet          internet host sends it\n  \
               2. igw-1          internet-gateway  destination 54.0.0.10 translated to 10.0.1.10 (IGW-2)\n\
             \n\
             blocked by:\n  \
               acl-1 network-acl inbound, rule *: no rule allows it [SUBNET_ACL_RESTRICTION]\n\
             \n\
             notes:\n  \
               - source port 49152\n"
        );
        assert!(render_text(&verdict(), &Style { color: true }).contains('\u{1b}'));
    }

    #[test]
    fn json_is_the_verdict_contract() {
        let json: serde_json::Value = serde_json::from_str(&render_json(&verdict())).unwrap();
        assert_eq!(json["verdict"], "unreachable");
        assert_eq!(json["packet"]["dst_port"], 8080);
        assert_eq!(json["blocked"][0]["rule"], "*");
        assert_eq!(json["path"][1]["kind"], "internet-gateway");
        assert!(json.get("return_path").is_none());
    }
}
