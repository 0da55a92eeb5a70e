//! Lint checks of on-premises connectivity (SEMANTICS.md §5.11): VPN connections whose tunnels
//! are all down (ONP-3), transit gateway VPN attachments whose connection is missing (ONP-5), VPN connections and Direct Connect associations naming a gateway the
//! input does not hold, and virtual private gateways that know no on-premises prefix (ONP-2).

use super::diag::Diagnostic;
use super::network::Network;
use super::onprem::OnPremGateway;

/// Appends the on-premises warnings of `net` to `out`.
pub(super) fn check(net: &Network, out: &mut Vec<Diagnostic>) {
    let top = &net.onprem;
    let holds = |g: &OnPremGateway| match g {
        OnPremGateway::Vgw(id) => net.vpn_gateways.keys().any(|k| k.as_str() == id),
        OnPremGateway::Tgw(id) => net.transit_gateways.keys().any(|k| k.as_str() == id),
    };
    for c in top.vpn_connections.values().filter(|c| c.is_available()) {
        if c.all_tunnels_down() {
            let routes: Vec<String> = c.routes.iter().map(|r| r.cidr.to_string()).collect();
            out.push(
                Diagnostic::warning(
                    "vpn-tunnels-down",
                    format!(
                        "every tunnel of VPN connection `{}` is DOWN in the snapshot: traffic for {} is dropped unless another connection or declared network covers it (ONP-3, BAD_STATE_VPN)",
                        c.id,
                        if routes.is_empty() {
                            "its prefixes".to_owned()
                        } else {
                            routes.join(", ")
                        }
                    ),
                )
                .from_provenance(&c.provenance),
            );
        }
        if let Some(g) = &c.gateway
            && !holds(g)
        {
            out.push(
                Diagnostic::warning(
                    "dangling-reference",
                    format!(
                        "VPN connection `{}` ends on `{}`, which is not in the input",
                        c.id,
                        g.id()
                    ),
                )
                .from_provenance(&c.provenance),
            );
        }
    }
    for a in &top.dx_associations {
        if !holds(&a.gateway) {
            out.push(
                Diagnostic::warning(
                    "dangling-reference",
                    format!(
                        "Direct Connect gateway `{}` is associated with `{}`, which is not in the input",
                        a.dx_gateway,
                        a.gateway.id()
                    ),
                )
                .from_provenance(&a.provenance),
            );
        }
    }
    for a in net.tgw.attachments.values() {
        if let Some(("vpn", rid)) = a.onprem_kind()
            && rid.is_none_or(|r| !top.vpn_connections.contains_key(r))
        {
            out.push(
                Diagnostic::warning(
                    "onprem-unknown",
                    format!(
                        "VPN attachment `{}` of `{}` names VPN connection `{}`, which is not in the input: its static routes are unknown, and traffic routed to it answers unknown unless declared (add `aws ec2 describe-vpn-connections`, or --onprem NAME=CIDR@{}; ONP-5)",
                        a.id,
                        a.tgw,
                        rid.unwrap_or("?"),
                        a.tgw
                    ),
                )
                .from_provenance(&a.provenance),
            );
        }
    }
    for g in net.vpn_gateways.values() {
        if top.known_prefixes(g.id.as_str(), &g.onprem_cidrs).is_empty() && !g.vpcs.is_empty() {
            out.push(
                Diagnostic::warning(
                    "onprem-unknown",
                    format!(
                        "virtual private gateway `{}` knows no on-premises prefix (no VPN static route, none declared): traffic routed to it answers unknown; declare what is behind it with --onprem NAME=CIDR@{} (ONP-2)",
                        g.id, g.id
                    ),
                )
                .from_provenance(&g.provenance),
            );
        }
    }
}
