//! The native spec's internet, egress-only, VPN and transit gateways and VPC peering connections
//! (`[internet_gateway.NAME]`, ...): their lowering into the model, split from the parent module by
//! concern. Must not touch: other resources' tables.

use super::*;

impl<'t> Lower<'_, 't> {
    /// The VPC a gateway is attached to (`vpc`, optional: absent means detached).
    pub(super) fn attached_vpc(&self, f: &Fields<'_, 't>) -> Vec<VpcId> {
        f.opt("vpc", |s| self.resolve_one(f, Kind::Vpc, s))
            .flatten()
            .map(VpcId::new)
            .into_iter()
            .collect()
    }

    pub(super) fn internet_gateway(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let vpcs = self.attached_vpc(&f);
        let tags = f.tags(d.name);
        let id = InternetGatewayId::new(d.id.clone());
        let igw = InternetGateway {
            id: id.clone(),
            vpcs,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(
            self.cx,
            &mut self.net.internet_gateways,
            id,
            igw,
            "internet gateway",
            d.at,
        );
    }

    pub(super) fn egress_only_gateway(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let vpcs = self.attached_vpc(&f);
        let tags = f.tags(d.name);
        let id = EgressOnlyInternetGatewayId::new(d.id.clone());
        let eigw = EgressOnlyInternetGateway {
            id: id.clone(),
            vpcs,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(
            self.cx,
            &mut self.net.egress_only_internet_gateways,
            id,
            eigw,
            "egress-only internet gateway",
            d.at,
        );
    }

    pub(super) fn vpn_gateway(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let vpcs = self.attached_vpc(&f);
        let state = f
            .str("state")
            .map(|(s, _)| s.to_owned())
            .unwrap_or_else(|| "available".into());
        let onprem_cidrs: Vec<Cidr> = f.cidrs("onprem_cidrs", None);
        let tags = f.tags(d.name);
        let id = VpnGatewayId::new(d.id.clone());
        let vgw = VpnGateway {
            id: id.clone(),
            vpcs,
            state,
            onprem_cidrs,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(self.cx, &mut self.net.vpn_gateways, id, vgw, "VPN gateway", d.at);
    }

    pub(super) fn transit_gateway(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let vpcs: Vec<VpcId> = self.refs(&f, "vpcs", Kind::Vpc);
        let tags = f.tags(d.name);
        let id = TransitGatewayId::new(d.id.clone());
        let tgw = TransitGateway {
            id: id.clone(),
            vpcs,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(
            self.cx,
            &mut self.net.transit_gateways,
            id,
            tgw,
            "transit gateway",
            d.at,
        );
    }

    pub(super) fn peering(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let requester: Option<VpcId> = self.req_ref(&f, "requester", Kind::Vpc);
        let accepter: Option<VpcId> = self.req_ref(&f, "accepter", Kind::Vpc);
        let status = f
            .str("status")
            .map(|(s, _)| s.trim().to_ascii_lowercase())
            .unwrap_or_else(|| "active".into());
        let tags = f.tags(d.name);
        let (Some(requester), Some(accepter)) = (requester, accepter) else {
            return;
        };
        if requester == accepter {
            f.error(
                f.offset_of("accepter"),
                format!("a peering connection joins two different VPCs; both ends are `{requester}`"),
            );
            return;
        }
        let id = VpcPeeringConnectionId::new(d.id.clone());
        let pcx = VpcPeeringConnection {
            id: id.clone(),
            requester,
            accepter,
            status,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(
            self.cx,
            &mut self.net.vpc_peering_connections,
            id,
            pcx,
            "peering connection",
            d.at,
        );
    }
}
