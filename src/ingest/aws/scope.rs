//! Which account and region a snapshot file belongs to, read from its path inside the snapshot
//! directory (issue #11 item 1): the nested layouts multi-account collection scripts write.
//!
//! Owns: recognising `<region>/…`, `<account-id>/<region>/…` and `accounts/<account-id>/<region>/…`
//! (also `accounts/<account-id>/…` and `regions/<region>/…`) in a relative path, and the summary
//! `lint` prints. Must not touch: the contents of the files (each is recognised by its keys).
//!
//! Ids are globally unique in AWS, so resources of all accounts and regions merge into one
//! network; the same id read twice with different contents keeps the first description and warns
//! naming both files (`duplicate-resource`, see `insert` in the parent module).

use crate::model::{Network, Scope};
use std::collections::BTreeSet;
use std::path::Path;

/// How deep below the snapshot directory files are looked for.
pub const MAX_DEPTH: usize = 6;

/// True for a 12-digit AWS account id.
pub fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// True for a region name such as `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`.
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() < 3 || parts.len() > 4 {
        return false;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

/// The account and region the directories of `rel` (a file's path relative to the snapshot
/// directory) name, if any: a directory that is a 12-digit number is the account, one shaped
/// like a region name is the region.
pub fn of_path(rel: &Path) -> Option<Scope> {
    let dirs: Vec<&str> = rel
        .parent()
        .map(|p| p.iter().filter_map(|c| c.to_str()).collect())
        .unwrap_or_default();
    let account = dirs.iter().rev().find(|d| is_account(d)).map(|d| (*d).to_owned());
    let region = dirs.iter().rev().find(|d| is_region(d)).map(|d| (*d).to_owned());
    (account.is_some() || region.is_some()).then_some(Scope { account, region })
}

/// `; 2 accounts: 111111111111, 222222222222; 2 regions: eu-west-1, us-east-1` (empty when the
/// layout names none).
pub fn summary(net: &Network) -> String {
    let accounts: BTreeSet<&str> = net.scopes.values().filter_map(|s| s.account.as_deref()).collect();
    let regions: BTreeSet<&str> = net.scopes.values().filter_map(|s| s.region.as_deref()).collect();
    let mut out = String::new();
    let list = |what: &str, set: &BTreeSet<&str>| {
        let plural = if set.len() == 1 { "" } else { "s" };
        format!(
            "; {} {what}{plural}: {}",
            set.len(),
            set.iter().copied().collect::<Vec<_>>().join(", ")
        )
    };
    if !accounts.is_empty() {
        out.push_str(&list("account", &accounts));
    }
    if !regions.is_empty() {
        out.push_str(&list("region", &regions));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_name_account_and_region() {
        let sc = of_path(Path::new("accounts/111111111111/us-east-1/describe-vpcs.json")).unwrap();
        assert_eq!(sc.account.as_deref(), Some("111111111111"));
        assert_eq!(sc.region.as_deref(), Some("us-east-1"));
        let sc = of_path(Path::new("eu-west-2/Vpcs.json")).unwrap();
        assert_eq!((sc.account, sc.region.as_deref()), (None, Some("eu-west-2")));
        let sc = of_path(Path::new("222222222222/us-gov-west-1/x/Vpcs.json")).unwrap();
        assert_eq!(sc.account.as_deref(), Some("222222222222"));
        assert_eq!(sc.region.as_deref(), Some("us-gov-west-1"));
        assert!(of_path(Path::new("describe-vpcs.json")).is_none());
        assert!(of_path(Path::new("snapshots/Vpcs.json")).is_none());
        assert!(!is_region("us-east"));
        assert!(!is_account("1234"));
    }
}
