//! Terraform addresses and references as text: `module.app["eu"].aws_subnet.this[0]`,
//! `aws_nat_gateway.nat.id`, `data.aws_prefix_list.s3`, `var.vpc_id`, `count.index`.
//!
//! Owns: splitting that text into module path, mode, type, name, instance key and attribute path,
//! and printing addresses back exactly as Terraform does. String handling only: HashiCorp says
//! the reference syntax may grow, so anything not understood is kept as plain tokens.

use std::fmt;

/// An instance key: `[0]` (count) or `["a"]` (for_each).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// `count` index.
    Int(i64),
    /// `for_each` key.
    Str(String),
}

impl Key {
    /// The key of a JSON `index` / `index_key` value.
    pub fn from_json(v: &serde_json::Value) -> Option<Key> {
        match v {
            serde_json::Value::Number(n) => n.as_i64().map(Key::Int),
            serde_json::Value::String(s) => Some(Key::Str(s.clone())),
            _ => None,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Int(i) => write!(f, "[{i}]"),
            Key::Str(s) => write!(f, "[{}]", serde_json::Value::String(s.clone())),
        }
    }
}

/// One dotted step of an address, with the instance key written after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The name.
    pub name: String,
    /// `[0]` / `["a"]` after it, if any.
    pub key: Option<Key>,
}

/// Splits `a.b["x.y"][0].c` into steps. A step carries at most one key (a second one is
/// kept as an attribute step named by the key). `None` when the text is not an address.
pub fn steps(text: &str) -> Option<Vec<Step>> {
    let mut out: Vec<Step> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut name = String::new();
    let mut expect_name = true;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '.' => {
                if expect_name && name.is_empty() {
                    return None;
                }
                if !name.is_empty() {
                    out.push(Step {
                        name: std::mem::take(&mut name),
                        key: None,
                    });
                }
                expect_name = true;
                i += 1;
            }
            '[' => {
                let (key, next) = parse_key(&chars, i)?;
                if !name.is_empty() {
                    out.push(Step {
                        name: std::mem::take(&mut name),
                        key: Some(key),
                    });
                } else if let Some(last) = out.last_mut().filter(|l| l.key.is_none()) {
                    last.key = Some(key);
                } else {
                    out.push(Step {
                        name: key.to_string(),
                        key: None,
                    });
                }
                expect_name = false;
                i = next;
            }
            _ => {
                if !expect_name && name.is_empty() {
                    return None;
                }
                name.push(c);
                i += 1;
            }
        }
    }
    if !name.is_empty() {
        out.push(Step { name, key: None });
    } else if expect_name {
        return None;
    }
    (!out.is_empty()).then_some(out)
}

fn parse_key(chars: &[char], open: usize) -> Option<(Key, usize)> {
    let mut i = open + 1;
    if chars.get(i) == Some(&'"') {
        let mut s = String::new();
        i += 1;
        loop {
            match chars.get(i)? {
                '\\' => {
                    s.push(*chars.get(i + 1)?);
                    i += 2;
                }
                '"' => {
                    i += 1;
                    break;
                }
                c => {
                    s.push(*c);
                    i += 1;
                }
            }
        }
        (chars.get(i) == Some(&']')).then_some((Key::Str(s), i + 1))
    } else {
        let mut s = String::new();
        while let Some(c) = chars.get(i) {
            if *c == ']' {
                break;
            }
            s.push(*c);
            i += 1;
        }
        if chars.get(i) != Some(&']') {
            return None;
        }
        let key = s.trim().parse::<i64>().map(Key::Int).unwrap_or(Key::Str(s));
        Some((key, i + 1))
    }
}

/// One module call on a path: `module.app["eu"]` is `{name: app, key: Some("eu")}`.
pub type ModuleStep = Step;

/// A parsed resource address or resource reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceAddr {
    /// Module calls from the root, with their instance keys.
    pub module: Vec<ModuleStep>,
    /// True for `data.` resources.
    pub data: bool,
    /// Resource type (`aws_subnet`).
    pub rtype: String,
    /// Resource name (`private`).
    pub name: String,
    /// Instance key.
    pub key: Option<Key>,
    /// Attribute steps after the resource (`id`, `route`, …).
    pub attr: Vec<Step>,
}

impl ResourceAddr {
    /// Parses a resource address or a reference to a resource (an address followed by
    /// attributes). `None` for `var.`, `local.`, `count.`, output references and malformed text.
    pub fn parse(text: &str) -> Option<ResourceAddr> {
        let st = steps(text)?;
        let mut i = 0;
        let mut module = Vec::new();
        while st.get(i).is_some_and(|s| s.name == "module" && s.key.is_none()) {
            module.push(st.get(i + 1)?.clone());
            i += 2;
        }
        let data = st.get(i).is_some_and(|s| s.name == "data" && s.key.is_none());
        if data {
            i += 1;
        }
        let t = st.get(i)?;
        let n = st.get(i + 1)?;
        if t.key.is_some() || !t.name.contains('_') {
            return None;
        }
        Some(ResourceAddr {
            module,
            data,
            rtype: t.name.clone(),
            name: n.name.clone(),
            key: n.key.clone(),
            attr: st.get(i + 2..).map(<[Step]>::to_vec).unwrap_or_default(),
        })
    }

    /// The module instance prefix: `module.app["eu"].` (empty in the root module).
    pub fn module_prefix(&self) -> String {
        module_prefix(&self.module)
    }

    /// The address without instance key and attributes: `module.app["eu"].aws_subnet.this`.
    pub fn base(&self) -> String {
        format!(
            "{}{}{}.{}",
            self.module_prefix(),
            if self.data { "data." } else { "" },
            self.rtype,
            self.name
        )
    }

    /// The full instance address: `module.app["eu"].aws_subnet.this[0]`.
    pub fn instance(&self) -> String {
        match &self.key {
            Some(k) => format!("{}{k}", self.base()),
            None => self.base(),
        }
    }

    /// The configuration address: module-relative, without any instance key
    /// (`aws_subnet.this`, `data.aws_prefix_list.s3`).
    pub fn config_address(&self) -> String {
        format!("{}{}.{}", if self.data { "data." } else { "" }, self.rtype, self.name)
    }

    /// The module call names from the root, without keys.
    pub fn module_names(&self) -> Vec<String> {
        self.module.iter().map(|m| m.name.clone()).collect()
    }

    /// The first attribute name after the resource (`id`, `default_route_table_id`), if any.
    pub fn first_attr(&self) -> Option<&str> {
        self.attr.first().map(|s| s.name.as_str())
    }
}

/// `module.a.module.b[0].` for a module path (empty for the root).
pub fn module_prefix(module: &[ModuleStep]) -> String {
    let mut s = String::new();
    for m in module {
        s.push_str("module.");
        s.push_str(&m.name);
        if let Some(k) = &m.key {
            s.push_str(&k.to_string());
        }
        s.push('.');
    }
    s
}

/// Keeps the most specific references: drops every reference that another one in the list
/// extends (`aws_vpc.main` when `aws_vpc.main.id` is listed). String comparison only.
pub fn most_specific(refs: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in refs {
        let extended = refs.iter().any(|o| {
            o.len() > r.len() && o.starts_with(r.as_str()) && matches!(o.as_bytes().get(r.len()), Some(b'.' | b'['))
        });
        if !extended && !out.contains(r) {
            out.push(r.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_module_instance_addresses() {
        let a = ResourceAddr::parse(r#"module.app["e.u"].module.net[1].aws_subnet.this["a"]"#).unwrap();
        assert_eq!(a.module.len(), 2);
        assert_eq!(a.module[0].key, Some(Key::Str("e.u".into())));
        assert_eq!(a.rtype, "aws_subnet");
        assert_eq!(a.key, Some(Key::Str("a".into())));
        assert_eq!(a.instance(), r#"module.app["e.u"].module.net[1].aws_subnet.this["a"]"#);
        assert_eq!(a.config_address(), "aws_subnet.this");
        assert_eq!(a.module_names(), vec!["app".to_owned(), "net".to_owned()]);
    }

    #[test]
    fn parses_references_with_attributes() {
        let a = ResourceAddr::parse("aws_vpc.main.default_route_table_id").unwrap();
        assert_eq!(a.base(), "aws_vpc.main");
        assert_eq!(a.first_attr(), Some("default_route_table_id"));
        let d = ResourceAddr::parse("data.aws_prefix_list.s3[0].cidr_blocks").unwrap();
        assert!(d.data);
        assert_eq!(d.instance(), "data.aws_prefix_list.s3[0]");
        assert!(ResourceAddr::parse("var.vpc_id").is_none());
        assert!(ResourceAddr::parse("count.index").is_none());
        assert!(ResourceAddr::parse("aws_vpc").is_none());
        assert!(ResourceAddr::parse("a..b").is_none());
        assert!(ResourceAddr::parse("a.b[").is_none());
    }

    #[test]
    fn keeps_the_most_specific_references() {
        let refs: Vec<String> = [
            "aws_vpc.main.id",
            "aws_vpc.main",
            "data.x.y[1].v[\"b\"]",
            "data.x.y[1]",
            "data.x.y",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            most_specific(&refs),
            vec!["aws_vpc.main.id".to_owned(), "data.x.y[1].v[\"b\"]".to_owned()]
        );
    }
}
