//! Values of the native spec shared by instances, interfaces and NAT gateways: an Elastic IP
//! (written as an address or as a table) and secondary private addresses. Split from the parent
//! module by concern. Must not touch: resources' tables.

use super::*;

/// An Elastic IP: an address (allocation id `eipalloc-` + the owner's name) or a table with
/// `address` and `allocation_id`. `Some(None)` when absent, `None` after an error.
pub(super) fn elastic_ip<'t>(
    f: &Fields<'_, 't>,
    value: Option<&'t read::Value<'t>>,
    key: &str,
    owner: &str,
) -> Option<Option<PublicIpv4>> {
    let Some(v) = value else { return Some(None) };
    let derived = || format!("eipalloc-{}", id_part(owner));
    match v.get_ref() {
        DeValue::String(s) => {
            let address = f.ipv4(key, (s.as_ref(), v.span().start))?;
            Some(Some(PublicIpv4 {
                address,
                allocation_id: Some(derived()),
                assigned_at_apply: false,
            }))
        }
        DeValue::Table(t) => {
            let what = format!("`{key}`");
            let e = Fields::new(f.cx, f.resource, &what, t, v.span().start, ELASTIC_IP_KEYS);
            let address = e.req_str("address").and_then(|s| e.ipv4("address", s));
            let allocation = match e.str("allocation_id") {
                Some((s, at)) => check_prefix(&e, "allocation_id", s, at, "eipalloc-").then(|| s.to_owned()),
                None => Some(derived()),
            };
            Some(Some(PublicIpv4 {
                address: address?,
                allocation_id: Some(allocation?),
                assigned_at_apply: false,
            }))
        }
        other => {
            f.cx.error(
                "wrong-type",
                f.resource,
                v.span().start,
                format!(
                    "`{key}` must be an address or a table with `address` and `allocation_id`, not {}",
                    type_name(other)
                ),
            );
            None
        }
    }
}

/// `secondary_private_ips`: each an address, or a table with `ip` and an optional `elastic_ip`.
pub(super) fn secondary_ips(f: &Fields<'_, '_>, owner: &str) -> Option<Vec<PrivateIpv4>> {
    let Some(v) = f.get("secondary_private_ips") else {
        return Some(Vec::new());
    };
    let DeValue::Array(items) = v.get_ref() else {
        f.cx.error(
            "wrong-type",
            f.resource,
            v.span().start,
            format!(
                "`secondary_private_ips` must be a list of addresses, not {}",
                type_name(v.get_ref())
            ),
        );
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let address = match item.get_ref() {
            DeValue::String(s) => f
                .ipv4("secondary_private_ips", (s.as_ref(), item.span().start))
                .map(|a| (a, None)),
            DeValue::Table(t) => {
                let what = format!("secondary address {}", i + 1);
                let e = Fields::new(f.cx, f.resource, &what, t, item.span().start, SECONDARY_IP_KEYS);
                let ip = e.req_str("ip").and_then(|s| e.ipv4("ip", s));
                let eip = elastic_ip(&e, e.get("elastic_ip"), "elastic_ip", &format!("{owner}-{}", i + 1));
                match (ip, eip) {
                    (Some(a), Some(p)) => Some((a, p)),
                    _ => None,
                }
            }
            other => {
                f.cx.error(
                    "wrong-type",
                    f.resource,
                    item.span().start,
                    format!(
                        "a secondary address must be a string or a table with `ip`, not {}",
                        type_name(other)
                    ),
                );
                None
            }
        };
        match address {
            Some((address, public_ip)) => out.push(PrivateIpv4 {
                address,
                primary: false,
                public_ip,
                assigned_at_apply: false,
            }),
            None => ok = false,
        }
    }
    ok.then_some(out)
}
