//! AWS's published IP address ranges (`ip-ranges.json`) as the entries of the AWS-managed S3 and
//! DynamoDB prefix lists when the input names such a list without its entries (SEMANTICS.md §6).
//!
//! A Terraform plan never holds the entries of `com.amazonaws.<region>.s3` (a gateway endpoint's
//! `prefix_list_id` is known only after apply, and its CIDRs only to a data source), and a
//! snapshot taken without `describe-managed-prefix-lists` / `get-managed-prefix-list-entries`
//! often lacks them too. The prefixes AWS publishes for service `S3` (`DYNAMODB`) in a region
//! are the ones its managed list `com.amazonaws.<region>.s3` (`.dynamodb`) holds.
//!
//! Resolution order, per list: entries present in the input win; else the file given with
//! `--aws-ip-ranges` (which then replaces the shipped copy whole); else the copy shipped in
//! `data/aws-ip-ranges/` (embedded in the binary). A list whose name gives no region and service,
//! or whose region the file does not list for the service, keeps its entries unknown.

use super::IngestError;
use crate::model::{
    Cidr, Diagnostic, EntriesSource, IpFamily, Network, PrefixList, PrefixListOwner, Provenance, Tags, VpcEndpointType,
};
use serde_json::Value;
use std::collections::BTreeMap;

/// The subset of AWS's `ip-ranges.json` shipped with vpcverify (services S3 and DYNAMODB).
pub const SHIPPED: &str = include_str!("../../data/aws-ip-ranges/ip-ranges.json");

/// How the shipped copy is named in messages.
pub const SHIPPED_NAME: &str = "<shipped data/aws-ip-ranges/ip-ranges.json>";

/// The services whose AWS-managed lists are resolved: (name suffix, `service` in ip-ranges.json).
const SERVICES: &[(&str, &str)] = &[("s3", "S3"), ("dynamodb", "DYNAMODB")];

/// A parsed `ip-ranges.json`: the prefixes of the services vpcverify uses, by region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpRanges {
    /// The file it was read from; `None` for the shipped copy.
    pub file: Option<String>,
    /// `createDate` (`yyyy-mm-dd-hh-mm-ss`).
    pub create_date: String,
    /// `syncToken`.
    pub sync_token: String,
    /// `(region, service, family)` to its prefixes, in file order without repeats.
    prefixes: BTreeMap<(String, String, IpFamily), Vec<Cidr>>,
}

impl IpRanges {
    /// Parses an `ip-ranges.json` (AWS's whole file, or a subset of the same shape). `file` names
    /// it in errors and in the lint line; `None` is the shipped copy.
    pub fn parse(file: Option<&str>, text: &str) -> Result<Self, IngestError> {
        let shown = file.unwrap_or(SHIPPED_NAME);
        let bad = |message: String| IngestError::Format {
            file: shown.to_owned(),
            message: format!("not an AWS ip-ranges.json: {message}"),
        };
        let value: Value = serde_json::from_str(text).map_err(|e| IngestError::json(shown, &e))?;
        let Some(top) = value.as_object() else {
            return Err(bad("the top level is not an object".into()));
        };
        let text_of = |key: &str| -> Result<String, IngestError> {
            match top.get(key) {
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
                Some(_) => Err(bad(format!("`{key}` is not a non-empty string"))),
                None => Err(bad(format!("missing `{key}`"))),
            }
        };
        let create_date = text_of("createDate")?;
        let sync_token = text_of("syncToken")?;
        let mut prefixes: BTreeMap<(String, String, IpFamily), Vec<Cidr>> = BTreeMap::new();
        let mut any_list = false;
        for (list, field) in [("prefixes", "ip_prefix"), ("ipv6_prefixes", "ipv6_prefix")] {
            let items = match top.get(list) {
                None => continue,
                Some(Value::Array(items)) => items,
                Some(_) => return Err(bad(format!("`{list}` is not an array"))),
            };
            any_list = true;
            for (i, item) in items.iter().enumerate() {
                let at = format!("`{list}[{i}]`");
                let get = |k: &str| -> Result<&str, IngestError> {
                    item.get(k)
                        .and_then(Value::as_str)
                        .ok_or_else(|| bad(format!("{at} has no string `{k}`")))
                };
                let service = get("service")?.trim().to_ascii_uppercase();
                if !SERVICES.iter().any(|(_, s)| *s == service) {
                    continue;
                }
                let region = get("region")?.trim().to_ascii_lowercase();
                let text = get(field)?;
                let cidr: Cidr = text
                    .trim()
                    .parse()
                    .map_err(|e| bad(format!("{at}: `{field}` `{text}`: {e}")))?;
                let want = if field == "ip_prefix" {
                    IpFamily::V4
                } else {
                    IpFamily::V6
                };
                if cidr.family() != want {
                    return Err(bad(format!("{at}: `{field}` `{text}` is not an {want:?} block")));
                }
                let entries = prefixes.entry((region, service, want)).or_default();
                if !entries.contains(&cidr) {
                    entries.push(cidr);
                }
            }
        }
        if !any_list {
            return Err(bad("neither `prefixes` nor `ipv6_prefixes` is present".into()));
        }
        Ok(IpRanges {
            file: file.map(str::to_owned),
            create_date,
            sync_token,
            prefixes,
        })
    }

    /// The copy shipped with vpcverify.
    pub fn shipped() -> Result<Self, IngestError> {
        Self::parse(None, SHIPPED)
    }

    /// Reads and parses the file at `path` (for `--aws-ip-ranges`).
    pub fn read(path: &std::path::Path) -> Result<Self, IngestError> {
        let shown = path.display().to_string();
        let bytes = super::file::read(path, &shown)?;
        Self::parse(Some(&shown), super::file::utf8(&shown, &bytes)?)
    }

    /// The prefixes of `service` (`S3`, `DYNAMODB`) in `region` of one family, if the file lists
    /// any.
    pub fn prefixes(&self, region: &str, service: &str, family: IpFamily) -> Option<&[Cidr]> {
        self.prefixes
            .get(&(region.to_owned(), service.to_owned(), family))
            .map(Vec::as_slice)
            .filter(|p| !p.is_empty())
    }

    /// The date part of `createDate` (`2026-10-26`), or the whole text when it has another shape.
    pub fn date(&self) -> &str {
        let d = &self.create_date;
        match d.get(..10) {
            Some(day) if d.len() >= 10 && day.bytes().filter(|b| *b == b'-').count() == 2 => day,
            _ => d,
        }
    }

    /// Where the file came from, for messages.
    pub fn origin(&self) -> String {
        match &self.file {
            None => "shipped with vpcverify".to_owned(),
            Some(f) => format!("from `{f}`"),
        }
    }

    fn source(&self) -> EntriesSource {
        EntriesSource::AwsIpRanges {
            file: self.file.clone(),
            create_date: self.create_date.clone(),
            sync_token: self.sync_token.clone(),
        }
    }
}

/// `(region, ip-ranges service)` of an AWS-managed list named `com.amazonaws.<region>.s3` or
/// `com.amazonaws.<region>.dynamodb` (case-insensitive); `None` for any other name.
pub fn managed_service(name: &str) -> Option<(String, &'static str)> {
    let lower = name.trim().to_ascii_lowercase();
    let rest = lower.strip_prefix("com.amazonaws.")?;
    let (region, suffix) = rest.rsplit_once('.')?;
    let service = SERVICES.iter().find(|(s, _)| *s == suffix).map(|(_, s)| *s)?;
    let plausible = region.contains('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    plausible.then(|| (region.to_owned(), service))
}

/// Where to take AWS's ranges from: a file read already, or the shipped copy (parsed only when
/// some list needs it).
#[derive(Debug, Clone, Default)]
pub enum RangesChoice {
    /// The copy shipped with vpcverify.
    #[default]
    Shipped,
    /// A file given with `--aws-ip-ranges`, parsed.
    Given(IpRanges),
}

/// Fills the entries of the AWS-managed S3 and DynamoDB lists the input names without entries
/// (and creates, for a gateway endpoint whose list the input lacks altogether, that list under
/// the endpoint's service name), and says for each where its entries came from.
pub fn resolve(net: &mut Network, choice: &RangesChoice, diags: &mut Vec<Diagnostic>) -> Result<(), IngestError> {
    // A gateway endpoint whose list is named (by its routes) but absent from the input.
    let missing: Vec<PrefixList> = net
        .vpc_endpoints
        .values()
        .filter(|e| e.endpoint_type == VpcEndpointType::Gateway)
        .filter_map(|e| {
            let pl = e.prefix_list.as_ref()?;
            if net.prefix_lists.contains_key(pl) || managed_service(&e.service_name).is_none() {
                return None;
            }
            Some(PrefixList {
                id: pl.clone(),
                name: e.service_name.trim().to_owned(),
                owner: PrefixListOwner::AwsManaged,
                address_family: Some(IpFamily::V4),
                entries: Vec::new(),
                entries_known: false,
                entries_source: EntriesSource::Input,
                max_entries: None,
                tags: Tags::new(),
                provenance: Provenance::resource(e.provenance.file.clone(), pl.to_string()).implicit(),
            })
        })
        .collect();
    for pl in missing {
        net.prefix_lists.entry(pl.id.clone()).or_insert(pl);
    }
    let wanted = net.prefix_lists.values().any(|p| needs_entries(p).is_some());
    if !wanted {
        return Ok(());
    }
    let shipped;
    let ranges = match choice {
        RangesChoice::Given(r) => r,
        RangesChoice::Shipped => {
            shipped = IpRanges::shipped()?;
            &shipped
        }
    };
    for pl in net.prefix_lists.values_mut() {
        let Some((region, service)) = needs_entries(pl) else {
            continue;
        };
        let family = pl.address_family.unwrap_or(IpFamily::V4);
        match ranges.prefixes(&region, service, family) {
            Some(found) => {
                pl.entries = found.to_vec();
                pl.entries_known = true;
                pl.address_family = Some(family);
                pl.entries_source = ranges.source();
                diags.push(
                    Diagnostic::warning(
                        "prefix-list-from-ip-ranges",
                        format!(
                            "prefix list `{}` ({}): entries from AWS ip-ranges.json of {} ({}), {} prefixes",
                            pl.id,
                            pl.name,
                            ranges.date(),
                            ranges.origin(),
                            pl.entries.len()
                        ),
                    )
                    .from_provenance(&pl.provenance)
                    .on(pl.id.to_string()),
                );
            }
            None => diags.push(
                Diagnostic::warning(
                    "prefix-list-not-in-ip-ranges",
                    format!(
                        "prefix list `{}` ({}): AWS ip-ranges.json of {} ({}) lists no {service} {family:?} prefixes in region `{region}`: its entries stay unknown",
                        pl.id,
                        pl.name,
                        ranges.date(),
                        ranges.origin(),
                    ),
                )
                .from_provenance(&pl.provenance)
                .on(pl.id.to_string()),
            ),
        }
    }
    Ok(())
}

/// The region and service of an AWS-managed S3 or DynamoDB list whose entries the input lacks.
fn needs_entries(pl: &PrefixList) -> Option<(String, &'static str)> {
    if pl.entries_known || pl.owner != PrefixListOwner::AwsManaged {
        return None;
    }
    managed_service(&pl.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_copy_parses_and_holds_s3_and_dynamodb_in_us_east_1() {
        let r = IpRanges::shipped().unwrap();
        assert!(r.file.is_none());
        assert_eq!(r.create_date.len(), "2026-10-26-01-11-04".len());
        for service in ["S3", "DYNAMODB"] {
            let v4 = r.prefixes("us-east-1", service, IpFamily::V4).unwrap();
            assert!(v4.iter().all(|c| c.family() == IpFamily::V4));
        }
        assert!(r.prefixes("us-east-1", "S3", IpFamily::V6).is_some());
        assert!(r.prefixes("xx-nowhere-1", "S3", IpFamily::V4).is_none());
    }

    #[test]
    fn only_s3_and_dynamodb_lists_with_a_region_are_resolved() {
        assert_eq!(
            managed_service("com.amazonaws.us-east-1.s3"),
            Some(("us-east-1".into(), "S3"))
        );
        assert_eq!(
            managed_service("com.amazonaws.EU-West-1.DynamoDB"),
            Some(("eu-west-1".into(), "DYNAMODB"))
        );
        assert_eq!(managed_service("com.amazonaws.us-east-1.s3express"), None);
        assert_eq!(managed_service("com.amazonaws.s3"), None);
        assert_eq!(managed_service("com.amazonaws.global.s3"), None);
        assert_eq!(managed_service("com.amazonaws..s3"), None);
        assert_eq!(managed_service("aws_vpc_endpoint.s3.prefix_list_id"), None);
    }

    #[test]
    fn a_file_that_is_not_ip_ranges_is_an_error_naming_it() {
        for text in [
            "[]",
            "{}",
            r#"{"syncToken": "1", "createDate": "2026-01-01-00-00-00"}"#,
            r#"{"syncToken": "1", "createDate": "x", "prefixes": [{"ip_prefix": "1.2.3.0/24", "region": "us-east-1"}]}"#,
            r#"{"syncToken": "1", "createDate": "x", "prefixes": [{"ip_prefix": "nonsense", "region": "us-east-1", "service": "S3"}]}"#,
            r#"{"syncToken": "1", "createDate": "x", "prefixes": [{"ip_prefix": "2600::/32", "region": "us-east-1", "service": "S3"}]}"#,
            "not json",
        ] {
            let e = IpRanges::parse(Some("ranges.json"), text).unwrap_err();
            assert!(e.to_string().starts_with("ranges.json"), "{e}");
        }
    }

    #[test]
    fn other_services_are_skipped_without_being_read() {
        let r = IpRanges::parse(
            Some("f"),
            r#"{"syncToken": "7", "createDate": "2030-01-02-03-04-05", "prefixes": [
                {"ip_prefix": "garbage", "region": "us-east-1", "service": "EC2"},
                {"ip_prefix": "52.216.0.0/15", "region": "us-east-1", "service": "S3", "network_border_group": "us-east-1"}
            ]}"#,
        )
        .unwrap();
        assert_eq!(r.date(), "2030-01-02");
        assert_eq!(r.prefixes("us-east-1", "S3", IpFamily::V4).map(<[Cidr]>::len), Some(1));
    }
}
