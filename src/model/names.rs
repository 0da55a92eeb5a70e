//! The names people know components by, beside their ids: the `Name` tag of an AWS snapshot, the
//! TOML name of a native spec (which the loader writes as the `Name` tag), the Terraform address
//! of a plan's resource, a security group's group name, a load balancer's or target group's name.
//!
//! A resource of a Terraform input is named by its address only, as Terraform users know it.
//!
//! Owns: the one index from a component id to its display name, built once per network
//! ([`Names::new`]), and the reverse lookup (a name to the ids it names). Renderers write
//! `id (name)` through [`Names::label`]; endpoint and waypoint resolution read
//! [`Names::ids_named`] and [`Names::closest`]. Must not touch: printing, decisions about packets.

use super::network::{Network, Tags, name_tag};
use super::provenance::Provenance;
use std::collections::BTreeMap;

/// Display names by component id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    by_id: BTreeMap<String, String>,
}

/// The Terraform address of a resource read from a Terraform plan or state: its name there,
/// whatever its tags say (a plan's ids are often the addresses themselves, and then no name is
/// shown).
fn terraform_address(p: &Provenance) -> Option<&str> {
    let r = p.resource.as_str();
    let looks = r.starts_with("aws_") || r.starts_with("module.") || r.starts_with("data.");
    (looks && !p.implicit && r.contains('.')).then_some(r)
}

/// The entry of `map` under the id `id`.
fn lookup<'m, K: Ord + for<'x> From<&'x str>, V>(map: &'m BTreeMap<K, V>, id: &str) -> Option<&'m V> {
    map.get(&K::from(id))
}

impl Names {
    /// Builds the index of a network.
    pub fn new(net: &Network) -> Self {
        Self::build(net, None)
    }

    /// The index restricted to `ids`: what [`Names::new`] gives them, found by looking each id
    /// up instead of scanning the network (a point question names only the few components of
    /// its answer).
    pub fn of<'a>(net: &Network, ids: impl IntoIterator<Item = &'a str>) -> Self {
        let ids: std::collections::BTreeSet<&str> = ids.into_iter().collect();
        let mut n = Names::default();
        for id in ids {
            n.by_id.extend(Self::build(net, Some(id)).by_id);
        }
        n
    }

    /// Every resource's name, or only `only`'s.
    fn build(net: &Network, only: Option<&str>) -> Self {
        let mut n = Names::default();
        let mut put = |id: &str, tags: &Tags, p: Option<&Provenance>, fallback: Option<&str>| {
            let name = p
                .and_then(terraform_address)
                .or_else(|| name_tag(tags))
                .or(fallback)
                .map(str::trim)
                .filter(|s| !s.is_empty());
            if let Some(name) = name {
                n.by_id.insert(id.to_owned(), name.to_owned());
            }
        };
        // Each kind of resource in turn (a later kind's name for the same id wins), every one of
        // them or only the one with the id `only`.
        macro_rules! each {
            ($map:expr, |$r:ident| $body:expr) => {
                match only {
                    None => $map.values().for_each(|$r| $body),
                    Some(id) => lookup(&$map, id).into_iter().for_each(|$r| $body),
                }
            };
        }
        macro_rules! scan {
            ($map:expr) => {
                each!($map, |r| put(r.id.as_str(), &r.tags, Some(&r.provenance), None))
            };
        }
        scan!(net.vpcs);
        scan!(net.subnets);
        scan!(net.route_tables);
        scan!(net.network_acls);
        scan!(net.network_interfaces);
        scan!(net.instances);
        scan!(net.internet_gateways);
        scan!(net.egress_only_internet_gateways);
        scan!(net.nat_gateways);
        scan!(net.vpc_peering_connections);
        scan!(net.vpc_endpoints);
        scan!(net.vpn_gateways);
        scan!(net.transit_gateways);
        scan!(net.onprem.vpn_connections);
        each!(net.security_groups, |g| put(
            g.id.as_str(),
            &g.tags,
            Some(&g.provenance),
            Some(&g.name)
        ));
        each!(net.prefix_lists, |p| put(
            p.id.as_str(),
            &p.tags,
            Some(&p.provenance),
            Some(&p.name)
        ));
        let none = Tags::new();
        each!(net.tgw.attachments, |a| put(
            a.id.as_str(),
            &none,
            Some(&a.provenance),
            None
        ));
        each!(net.elb.load_balancers, |lb| put(
            &lb.id,
            &none,
            Some(&lb.provenance),
            Some(&lb.name)
        ));
        each!(net.elb.target_groups, |tg| put(
            &tg.id,
            &none,
            Some(&tg.provenance),
            Some(&tg.name)
        ));
        n
    }

    /// The name of a component, when it has one that says more than its id: not for an id that
    /// already is the name (`sg-DBSG` named `DBSG`, `eni-db-server` named `db-server`).
    pub fn display_name(&self, id: &str) -> Option<&str> {
        let name = self.by_id.get(id)?.as_str();
        (!id_spells(id, name)).then_some(name)
    }

    /// `id (name)`, or the id alone when it has no name worth adding.
    pub fn label(&self, id: &str) -> String {
        match self.display_name(id) {
            Some(n) => format!("{id} ({n})"),
            None => id.to_owned(),
        }
    }

    /// The short form for a narrow column: a load balancer's name instead of its ARN, else the id.
    pub fn short<'a>(&'a self, id: &'a str) -> &'a str {
        if id.starts_with("arn:") {
            self.by_id.get(id).map_or(id, String::as_str)
        } else {
            id
        }
    }

    /// The ids whose name is `name`.
    pub fn ids_named(&self, name: &str) -> Vec<&str> {
        self.by_id
            .iter()
            .filter(|(_, n)| n.as_str() == name)
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// Every id and name, for suggestions.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.by_id.iter().flat_map(|(id, n)| [id.as_str(), n.as_str()])
    }

    /// Up to three ids or names closest to `text` (Jaro-Winkler similarity of at least 0.8, or
    /// a Damerau-Levenshtein distance of at most a third of the text), best first and about as
    /// close as the best, from `candidates` and this index.
    pub fn closest<'a>(&'a self, text: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let t = text.to_ascii_lowercase();
        let mut scored: Vec<(f64, String)> = Vec::new();
        let max_edits = (t.chars().count() / 3).max(1);
        for w in candidates.into_iter().chain(self.words()) {
            let lw = w.to_ascii_lowercase();
            if lw == t {
                continue;
            }
            let jw = strsim::jaro_winkler(&t, &lw);
            let edits = strsim::damerau_levenshtein(&t, &lw);
            if jw >= 0.8 || edits <= max_edits {
                let score = jw.max(1.0 - edits as f64 / lw.chars().count().max(1) as f64);
                if !scored.iter().any(|(_, s)| s == w) {
                    scored.push((score, w.to_owned()));
                }
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        // Only those about as close as the closest.
        let best = scored.first().map_or(0.0, |(s, _)| *s);
        scored
            .into_iter()
            .filter(|(s, _)| *s >= best - 0.05)
            .take(3)
            .map(|(_, w)| w)
            .collect()
    }
}

/// True when the id already says the name: equal, or the name after an AWS-style prefix
/// (`sg-DBSG`, `eni-db-server`, `nat-natgw`).
fn id_spells(id: &str, name: &str) -> bool {
    if id.eq_ignore_ascii_case(name) {
        return true;
    }
    // A Terraform plan's made-up id of a resource's part (`aws_instance.db.primary_network_interface_id`).
    if id.strip_prefix(name).is_some_and(|rest| rest.starts_with('.')) {
        return true;
    }
    match id.len().checked_sub(name.len()) {
        Some(cut) if cut > 0 => {
            let (prefix, rest) = id.split_at(cut);
            rest.eq_ignore_ascii_case(name)
                && prefix.ends_with('-')
                && prefix.len() > 1
                && prefix[..prefix.len() - 1].chars().all(|c| c.is_ascii_alphanumeric())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_that_spells_the_name_gets_no_name() {
        assert!(id_spells("sg-DBSG", "DBSG"));
        assert!(id_spells("eni-db-server", "db-server"));
        assert!(!id_spells("sg-0ab12", "WebDMZ"));
        assert!(!id_spells("x-web-db", "db"));
        assert!(id_spells("aws_security_group.web", "aws_security_group.web"));
        assert!(id_spells(
            "aws_instance.db.primary_network_interface_id",
            "aws_instance.db"
        ));
        assert!(!id_spells("aws_instance.dbx", "aws_instance.db"));
    }
}
