//! The names and ids of every resource a spec declares, and the resolution of a reference (by
//! name or by id) to one of them, with a suggestion when none matches. Split from the parent module
//! by concern. Must not touch: lowering.

use super::*;

/// Names and ids of every declared resource, for resolving references.
#[derive(Debug, Default)]
pub(super) struct Registry {
    /// (kind, name) -> id.
    pub(super) names: BTreeMap<(Kind, String), String>,
    /// (kind, id) -> name.
    pub(super) ids: BTreeMap<(Kind, String), String>,
}

impl Registry {
    /// Every resource of `kinds` whose name or id is `text`.
    pub(super) fn lookup(&self, kinds: &[Kind], text: &str) -> Vec<(Kind, String)> {
        let mut found = BTreeSet::new();
        for &k in kinds {
            if let Some(id) = self.names.get(&(k, text.to_owned())) {
                found.insert((k, id.clone()));
            }
            if self.ids.contains_key(&(k, text.to_owned())) {
                found.insert((k, text.to_owned()));
            }
        }
        found.into_iter().collect()
    }

    /// Resolves a reference to exactly one resource of `kinds`; an unknown or ambiguous
    /// reference is an error at the reference. `role` names what the reference is for; `hint` is
    /// appended to the unknown-reference message.
    pub(super) fn resolve(
        &self,
        f: &Fields<'_, '_>,
        kinds: &[Kind],
        role: &str,
        hint: &str,
        s: Str<'_>,
    ) -> Option<(Kind, String)> {
        let (text, at) = s;
        let found = self.lookup(kinds, text);
        match found.as_slice() {
            [one] => Some(one.clone()),
            [] => {
                let names = self
                    .names
                    .keys()
                    .filter(|(k, _)| kinds.contains(k))
                    .map(|(_, n)| n.as_str());
                let mean = suggest(text, names)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                let declared = match kinds {
                    [k] => format!("no `[{}.{text}]` in this spec", k.table()),
                    _ => format!("no {} of that name or id in this spec", or_list(kinds)),
                };
                f.cx.error(
                    "unknown-reference",
                    f.resource,
                    at,
                    format!("unknown {role} `{text}`: {declared}{mean}{hint}"),
                );
                None
            }
            many => {
                let list: Vec<String> = many.iter().map(|(k, id)| format!("{} `{id}`", k.noun())).collect();
                f.cx.error(
                    "ambiguous-reference",
                    f.resource,
                    at,
                    format!(
                        "{role} `{text}` is ambiguous: it names {}; write the id instead",
                        list.join(" and ")
                    ),
                );
                None
            }
        }
    }

    /// Resolves a reference to one resource of `kind`; returns its id.
    pub(super) fn resolve_one(&self, f: &Fields<'_, '_>, kind: Kind, s: Str<'_>) -> Option<String> {
        self.resolve(f, &[kind], kind.noun(), "", s).map(|(_, id)| id)
    }
}
