//! On-premises connectivity (SEMANTICS.md §5.11): `aws ec2 describe-vpn-connections`,
//! `aws ec2 describe-customer-gateways`, `aws directconnect describe-direct-connect-gateways` and
//! `aws directconnect describe-direct-connect-gateway-associations`, lowered into
//! `model::OnPremTopology`.
//!
//! Shapes (AWS CLI reference): a VPN connection has `VpnConnectionId`, `State`, `VpnGatewayId` or
//! `TransitGatewayId`, `CustomerGatewayId`, `Options` (`StaticRoutesOnly`,
//! `LocalIpv4NetworkCidr`, `RemoteIpv4NetworkCidr`), `Routes[]` (`DestinationCidrBlock`, `Source`,
//! `State`) and `VgwTelemetry[]` (one per tunnel, `Status` `UP`/`DOWN`). The Direct Connect
//! outputs are camelCase: `directConnectGateways[]` (`directConnectGatewayId`,
//! `directConnectGatewayName`, `directConnectGatewayState`) and
//! `directConnectGatewayAssociations[]` (`directConnectGatewayId`, `associationState`,
//! `associatedGateway` {`id`, `type`}, older `virtualGatewayId`,
//! `allowedPrefixesToDirectConnectGateway[]` {`cidr`}).
//!
//! Implements the reading half of ONP-1 (which routes and tunnels there are); the interpreters
//! decide what they mean. Must not touch forwarding decisions.

use super::json::{Bad, Obj, R};
use super::{Loc, Lower, Pending, state};
use crate::model::*;

/// The gateway an id names, by its prefix.
fn gateway_of(id: &str) -> Option<OnPremGateway> {
    if id.starts_with("vgw-") {
        Some(OnPremGateway::Vgw(id.to_owned()))
    } else if id.starts_with("tgw-") {
        Some(OnPremGateway::Tgw(id.to_owned()))
    } else {
        None
    }
}

impl Lower {
    pub(super) fn vpn_connection(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let gateway = match (o.id("VpnGatewayId")?, o.id("TransitGatewayId")?) {
            (Some(v), _) => Some(OnPremGateway::Vgw(v.to_owned())),
            (None, Some(t)) => Some(OnPremGateway::Tgw(t.to_owned())),
            (None, None) => None,
        };
        let options = o.obj("Options")?;
        let (static_only, local, remote) = match &options {
            Some(op) => (
                op.bool("StaticRoutesOnly")?,
                self.cidr(loc, op, "LocalIpv4NetworkCidr", Some(IpFamily::V4))?,
                self.cidr(loc, op, "RemoteIpv4NetworkCidr", Some(IpFamily::V4))?,
            ),
            None => (None, None, None),
        };
        let mut routes = Vec::new();
        if o.has("Routes") {
            for r in o.items("Routes")? {
                let read = r.and_then(|r| {
                    let text = r.req_str("DestinationCidrBlock")?;
                    Ok((
                        r.field("DestinationCidrBlock"),
                        text.to_owned(),
                        state(r.str("State")?, "available"),
                    ))
                });
                let Some((field, text, st)) = self.entry(loc, read, "VPN route skipped") else {
                    continue;
                };
                let parsed = self.read_cidr(loc, &field, &text, None);
                if let Some(cidr) = self.entry(loc, parsed, "VPN route skipped") {
                    routes.push(VpnStaticRoute { cidr, state: st });
                }
            }
        }
        let mut tunnels = Vec::new();
        if o.has("VgwTelemetry") {
            for t in o.items("VgwTelemetry")? {
                let st = t.and_then(|t| Ok(t.str("Status")?.map(|s| s.trim().to_ascii_uppercase())));
                if let Some(Some(s)) = self.entry(loc, st, "tunnel skipped") {
                    tunnels.push(s);
                }
            }
        }
        let c = VpnConnection {
            id: loc.resource.to_owned(),
            gateway,
            customer_gateway: o.id("CustomerGatewayId")?.map(str::to_owned),
            state: state(o.str("State")?, "available"),
            static_routes_only: static_only,
            local_cidr: local.filter(|c| c.prefix_len() > 0),
            remote_cidr: remote.filter(|c| c.prefix_len() > 0),
            routes,
            tunnels,
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        if c.gateway.is_none() && c.is_available() {
            self.warn(
                loc,
                "vpn-unattached",
                format!(
                    "VPN connection `{}` names neither a virtual private gateway nor a transit gateway: it carries nothing here",
                    c.id
                ),
            );
        }
        if self.net.onprem.vpn_connections.contains_key(&c.id) {
            self.warn(
                loc,
                "duplicate-id",
                format!("VPN connection `{}` is listed twice: the first is kept", c.id),
            );
        } else {
            self.net.onprem.vpn_connections.insert(c.id.clone(), c);
        }
        Ok(())
    }

    pub(super) fn customer_gateway(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let bgp = match o.get("BgpAsn") {
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => o.str("BgpAsn")?.map(str::to_owned),
        };
        let g = CustomerGateway {
            id: loc.resource.to_owned(),
            ip_address: o.str("IpAddress")?.map(str::to_owned),
            bgp_asn: bgp,
            state: state(o.str("State")?, "available"),
            provenance: loc.provenance(),
        };
        self.net.onprem.customer_gateways.entry(g.id.clone()).or_insert(g);
        Ok(())
    }

    pub(super) fn dx_gateway(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let g = DxGateway {
            id: loc.resource.to_owned(),
            name: o.str("directConnectGatewayName")?.map(str::to_owned),
            state: state(o.str("directConnectGatewayState")?, "available"),
            provenance: loc.provenance(),
        };
        self.net.onprem.dx_gateways.entry(g.id.clone()).or_insert(g);
        Ok(())
    }

    /// `directConnectGatewayAssociations[]`: items have no id of their own that every version
    /// prints, so each is read by position.
    pub(super) fn dx_associations(&mut self, p: &Pending<'_>) {
        for (i, item) in p.items.iter().enumerate() {
            let pos = format!("{}[{i}]", p.key);
            let loc = Loc {
                file: p.file,
                resource: &pos,
            };
            let read = Obj::of(item, "").and_then(|o| self.dx_association(loc, &o));
            if let Err(bad) = read {
                self.error(loc, bad, "Direct Connect gateway association skipped");
            }
        }
    }

    fn dx_association(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let dx = o.req_id("directConnectGatewayId")?;
        let assoc = o.obj("associatedGateway")?;
        let gw_id = match &assoc {
            Some(a) => a.id("id")?,
            None => None,
        }
        .or(o.id("virtualGatewayId")?)
        .ok_or_else(|| Bad::missing(&o.field("associatedGateway.id")))?;
        let Some(gateway) = gateway_of(gw_id) else {
            return Err(Bad::invalid(format!(
                "`{gw_id}` is neither a virtual private gateway (`vgw-…`) nor a transit gateway (`tgw-…`)"
            )));
        };
        let mut allowed = Vec::new();
        if o.has("allowedPrefixesToDirectConnectGateway") {
            for p in o.items("allowedPrefixesToDirectConnectGateway")? {
                let c = p.and_then(|p| Ok((p.field("cidr"), p.req_str("cidr")?.to_owned())));
                let Some((field, text)) = self.entry(loc, c, "allowed prefix skipped") else {
                    continue;
                };
                let parsed = self.read_cidr(loc, &field, &text, None);
                if let Some(c) = self.entry(loc, parsed, "allowed prefix skipped") {
                    allowed.push(c);
                }
            }
        }
        self.net.onprem.dx_associations.push(DxAssociation {
            dx_gateway: dx.to_owned(),
            gateway,
            state: state(o.str("associationState")?, "associated"),
            allowed_prefixes: allowed,
            provenance: loc.provenance(),
        });
        Ok(())
    }
}
