//! Forwarding devices (SEMANTICS.md §5.3, §5.5-§5.8): what happens to a packet routed to a NAT
//! gateway, NAT instance or appliance, peering connection, gateway endpoint or virtual private
//! gateway. The internet's edge (internet and egress-only gateways) is `internet`.
//!
//! Rules implemented here:
//! - NGW-2 translation with `nat_port`; NGW-3 no inbound-initiated connection; NGW-4/NGW-8 TCP,
//!   UDP and ICMP over IPv4 only; NGW-5 ACLs of the NAT gateway's subnet; NGW-7 sources in its VPC.
//! - NI-2 the check drops forwarded traffic; NI-3 the groups of a NAT instance apply; NI-4 a NAT
//!   instance masquerades; J20 an instance target is its primary interface.
//! - PCX-5 no transit, PCX-6 no edge-to-edge, PCX-7 / J10 destination inside the peer VPC.
//! - GWE-7 sources inside the VPC, GWE-8 TCP and echo only, J18 IPv4 only.
//! - VGW-3 source and destination checks at the virtual private gateway; J12 a NAT gateway uses
//!   its private address towards it; VGW-5 an address of the modelled network sent on premises
//!   answers unknown.

use super::Place;
use super::flow::{Translation, Translator, is_echo_request, nat_port};
use super::walk::{Arrival, Flow, LegKind, Sender, Walker, dropped, endpoint, unknown};
use crate::model::*;
use std::net::IpAddr;

impl<'n> Walker<'n> {
    /// True iff `ip` is an address of a network interface in `vpc`, or (when `nat_too`) of a NAT
    /// gateway in `vpc`.
    pub(super) fn held_in_vpc(&self, ip: &IpAddr, vpc: &VpcId, nat_too: bool) -> bool {
        match self.ix.private_owner(ip) {
            Some(o @ AddressOwner::Interface(_)) => self.owner_vpc(o) == Some(vpc),
            Some(o @ AddressOwner::NatGateway(_)) => nat_too && self.owner_vpc(o) == Some(vpc),
            None => false,
        }
    }

    /// §5.3 `nat_request`: a packet routed to NAT gateway `n`.
    pub(super) fn nat_request(&mut self, x: Sender<'n>, n: &'n NatGateway, p: Packet) -> Flow {
        let kind = ComponentKind::NatGateway;
        let inbound = Some(Direction::Inbound);
        if self.behind_lb && self.leg == LegKind::Request {
            // ELB-12: a load balancer's own connection to its target translated on the way.
            return Err(unknown(
                &n.id,
                format!(
                    "a load balancer's connection to its target is routed to NAT gateway `{}`: a load balancer's connection through a NAT gateway is not modelled (ELB-12)",
                    n.id
                ),
            ));
        }
        // 1. NGW-5: the ACLs of both subnets, when the NAT gateway is in another subnet.
        if &n.subnet != x.subnet() {
            self.acl(x.subnet(), Direction::Outbound, &p)?;
            self.acl(&n.subnet, Direction::Inbound, &p)?;
        }
        if self.leg == LegKind::Reply {
            // §5.4 (**decision**): a NAT on the reply path only breaks the connection.
            return Err(dropped(
                &n.id,
                kind,
                inbound,
                "NGW-3",
                format!(
                    "the reply is routed to NAT gateway `{}`, which made no translation for this connection",
                    n.id
                ),
                "NO_PATH",
            ));
        }
        // 2. NGW-7: traffic from network interfaces of its VPC, a NAT gateway's own among them
        // (NGW-6: it has one there), so NAT gateways can be chained (as for GWE-7 and VGW-3).
        if !self.held_in_vpc(&p.src_ip, &n.vpc, true) {
            return Err(dropped(
                &n.id,
                kind,
                inbound,
                "NGW-7",
                format!(
                    "{} is not an address of a network interface or NAT gateway in `{}`: a NAT gateway serves its own VPC only",
                    p.src_ip, n.vpc
                ),
                "NGW_REQUIRES_SOURCE_IN_VPC",
            ));
        }
        // 3. NGW-8, NGW-4.
        if p.src_ip.is_ipv6() {
            return Err(dropped(
                &n.id,
                kind,
                inbound,
                "NGW-8",
                format!("NAT gateway `{}` translates IPv4 only", n.id),
                "PROTOCOL_RESTRICTION",
            ));
        }
        if !(p.has_ports() || p.protocol == proto::ICMP) {
            return Err(dropped(
                &n.id,
                kind,
                inbound,
                "NGW-4",
                format!(
                    "NAT gateway `{}` carries TCP, UDP and ICMP only, not protocol {}",
                    n.id,
                    proto::name(p.protocol)
                ),
                "PROTOCOL_RESTRICTION",
            ));
        }
        // 4. Translate (NGW-2, J3).
        let Some(address) = n.primary_address() else {
            return Err(unknown(
                &n.id,
                format!("NAT gateway `{}` has no address in the input", n.id),
            ));
        };
        let mut after = p;
        after.src_ip = IpAddr::V4(address.private_ip);
        if after.has_ports() {
            after.src_port = nat_port(p.src_port);
        }
        self.translations.push(Translation {
            translator: Translator::NatGateway(n.id.clone()),
            before: p,
            after,
        });
        hop!(
            self,
            &n.id,
            kind,
            format!(
                "source {} translated to {} (NGW-2)",
                endpoint(&p, true),
                endpoint(&after, true)
            ),
            None,
            Some("NGW-2".into()),
        );
        // 5. The NAT gateway sends it on.
        self.emit(Sender::NatGateway(n), after)
    }

    /// §5.3 `nat_reply`: a reply addressed to NAT gateway `n`.
    pub(super) fn nat_reply(&mut self, n: &'n NatGateway, p: Packet) -> Flow {
        let mine = Translator::NatGateway(n.id.clone());
        let Some(i) = self
            .translations
            .iter()
            .position(|t| t.translator == mine && t.is_reversed_by(&p))
        else {
            return Err(dropped(
                &n.id,
                ComponentKind::NatGateway,
                Some(Direction::Inbound),
                "NGW-3",
                format!(
                    "NAT gateway `{}` made no translation that {p} answers: nothing can initiate a connection to it",
                    n.id
                ),
                "NO_PATH",
            ));
        };
        let t = self.translations.remove(i);
        let back = t.undo(&p);
        hop!(
            self,
            &n.id,
            ComponentKind::NatGateway,
            format!(
                "destination {} translated back to {} (NGW-2)",
                endpoint(&p, false),
                endpoint(&back, false)
            ),
            None,
            Some("NGW-2".into()),
        );
        self.emit(Sender::NatGateway(n), back)
    }

    /// §5.4: a packet routed to interface `a` (a NAT instance or appliance; J20 for instances).
    pub(super) fn appliance(&mut self, x: Sender<'n>, a: &'n NetworkInterface, p: Packet) -> Flow {
        let kind = ComponentKind::NetworkInterface;
        // 1. The ACLs of both subnets, when they differ.
        if &a.subnet != x.subnet() {
            self.acl(x.subnet(), Direction::Outbound, &p)?;
            self.acl(&a.subnet, Direction::Inbound, &p)?;
        }
        if self.leg == LegKind::Reply {
            if a.has_private_address(&p.dst_ip) {
                return self.arrive(a, p);
            }
            // **decision** (§5.4): a NAT on the reply path only breaks the connection.
            return Err(dropped(
                &a.id,
                kind,
                Some(Direction::Inbound),
                "NI-4",
                format!(
                    "the reply is routed through `{}`, which made no translation for this connection",
                    a.id
                ),
                "NO_PATH",
            ));
        }
        // 2. NI-3: the groups of the appliance (ELB-6: as at `arrive` for a load balancer's
        // connection that keeps the client's address).
        if self.lb_preserving.is_some() && a.has_private_address(&p.dst_ip) {
            self.lb_target_groups_check(a, &p)?;
        } else {
            self.groups(a, Direction::Inbound, &p)?;
        }
        // 3. Addressed to the appliance itself; a load balancer's node takes it (ELB-3).
        if let Some(lb) = self.net.elb.node_owner(&a.id)
            && a.has_private_address(&p.dst_ip)
        {
            return self.lb_request(a, lb, p);
        }
        if a.has_private_address(&p.dst_ip) {
            hop!(
                self,
                &a.id,
                kind,
                format!("request delivered to `{}` as {p}", a.id),
                None,
                None,
            );
            return Ok(Arrival {
                place: Place::Interface { id: a.id.clone() },
                packet: p,
            });
        }
        // 4. NI-2.
        if a.source_dest_check {
            return Err(dropped(
                &a.id,
                kind,
                Some(Direction::Inbound),
                "NI-2",
                format!(
                    "`{}` has the source/destination check on: it drops traffic for {}, which is not its own",
                    a.id, p.dst_ip
                ),
                "ENI_SOURCE_DEST_CHECK_RESTRICTION",
            ));
        }
        // ELB-12: a load balancer's own connection to its target, translated on the way.
        if self.behind_lb && self.leg == LegKind::Request {
            return Err(unknown(
                &a.id,
                format!(
                    "a load balancer's connection to its target is routed through NAT instance `{}`: a load balancer's connection through a translating appliance is not modelled (ELB-12)",
                    a.id
                ),
            ));
        }
        // 5. NI-4: masquerade.
        let own = match p.src_ip {
            IpAddr::V4(_) => a.primary_ipv4().map(IpAddr::V4),
            IpAddr::V6(_) => a.ipv6.first().map(|x| IpAddr::V6(*x)),
        };
        let Some(own) = own else {
            return Err(dropped(
                &a.id,
                kind,
                Some(Direction::Outbound),
                "NI-4",
                format!("`{}` has no address of the packet's family to masquerade with", a.id),
                "NO_PATH",
            ));
        };
        let mut after = p;
        after.src_ip = own;
        if after.has_ports() {
            after.src_port = nat_port(p.src_port);
        }
        self.translations.push(Translation {
            translator: Translator::Interface(a.id.clone()),
            before: p,
            after,
        });
        hop!(
            self,
            &a.id,
            kind,
            format!(
                "NAT instance: source {} translated to {} (NI-4)",
                endpoint(&p, true),
                endpoint(&after, true)
            ),
            None,
            Some("NI-4".into()),
        );
        // 6. It sends the translated packet (its SG egress applies).
        self.emit(Sender::Interface(a), after)
    }

    /// §5.5 peering connection, after the sender subnet's outbound ACL (**decision**: the ACL
    /// comes first for every next hop outside the subnet, §3 step 5).
    pub(super) fn peering(&mut self, x: Sender<'n>, pcx: &'n VpcPeeringConnection, p: Packet) -> Flow {
        let kind = ComponentKind::VpcPeeringConnection;
        let out = Some(Direction::Outbound);
        let Some(w) = pcx.peer_of(x.vpc()) else {
            return Err(dropped(
                &pcx.id,
                kind,
                out,
                "PCX-1",
                format!("peering connection `{}` does not join `{}`", pcx.id, x.vpc()),
                "BAD_STATE_ROUTE",
            ));
        };
        let Some(peer) = self.net.vpcs.get(w) else {
            return Err(unknown(
                &pcx.id,
                format!(
                    "peering connection `{}` leads to `{w}`, which is not in the input",
                    pcx.id
                ),
            ));
        };
        if !peer.contains(&p.dst_ip) {
            let elsewhere = self.net.vpcs.values().find(|v| &v.id != w && v.contains(&p.dst_ip));
            let (rule, why) = match elsewhere {
                Some(v) => (
                    "PCX-5",
                    format!(
                        "{} lies in `{}`, not in `{w}`: peering is not transitive",
                        p.dst_ip, v.id
                    ),
                ),
                None => (
                    "PCX-6",
                    format!(
                        "{} lies outside `{w}`: peering has no edge-to-edge routing through the peer's gateways",
                        p.dst_ip
                    ),
                ),
            };
            return Err(dropped(
                &pcx.id,
                kind,
                out,
                rule,
                why,
                "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
            ));
        }
        hop!(
            self,
            &pcx.id,
            kind,
            format!("to `{w}`, which holds {} (PCX-7)", p.dst_ip),
            None,
            Some("PCX-7".into()),
        );
        let Some(subnet) = self.subnet_holding(w, &p.dst_ip) else {
            return Err(self.no_subnet(w, &p.dst_ip));
        };
        self.arrive_subnet(subnet, p)
    }

    /// §5.6 gateway endpoint, after the sender subnet's outbound ACL.
    pub(super) fn endpoint_out(&mut self, x: Sender<'n>, e: &'n VpcEndpoint, p: Packet) -> Flow {
        let kind = ComponentKind::VpcEndpoint;
        let out = Some(Direction::Outbound);
        if e.endpoint_type != VpcEndpointType::Gateway {
            return Err(unknown(
                &e.id,
                format!(
                    "route to endpoint `{}` of type {:?}, which is not modelled",
                    e.id, e.endpoint_type
                ),
            ));
        }
        if p.src_ip.is_ipv6() {
            return Err(dropped(
                &e.id,
                kind,
                out,
                "J18",
                format!("gateway endpoint `{}` carries IPv4 only in this model", e.id),
                "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
            ));
        }
        if !(p.protocol == proto::TCP || is_echo_request(&p)) {
            return Err(dropped(
                &e.id,
                kind,
                out,
                "GWE-8",
                format!("gateway endpoint `{}` accepts TCP and ICMP echo requests only", e.id),
                "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
            ));
        }
        // GWE-7. **decision**: a NAT gateway's address counts as an interface of the VPC (it is the
        // address of the NAT gateway's own network interface there).
        if &e.vpc != x.vpc() || !self.held_in_vpc(&p.src_ip, &e.vpc, true) {
            return Err(dropped(
                &e.id,
                kind,
                out,
                "GWE-7",
                format!(
                    "{} is not an address of `{}`: a gateway endpoint serves its own VPC only",
                    p.src_ip, e.vpc
                ),
                "NO_PATH",
            ));
        }
        hop!(
            self,
            &e.id,
            kind,
            format!("gateway endpoint to {} (GWE-2)", e.service_name),
            out,
            Some("GWE-2".into()),
        );
        self.deliver_external(
            Place::AwsService { endpoint: e.id.clone() },
            ComponentKind::AwsService,
            p,
        )
    }

    /// §5.6: the AWS service's reply re-enters through the gateway endpoint.
    pub(super) fn endpoint_in(&mut self, id: &VpcEndpointId, p: Packet) -> Flow {
        let Some(e) = self.net.vpc_endpoints.get(id) else {
            return Err(unknown(id, format!("endpoint `{id}` is not in the input")));
        };
        hop!(
            self,
            &e.id,
            ComponentKind::VpcEndpoint,
            format!("reply from {} re-enters through the gateway endpoint", e.service_name),
            Some(Direction::Inbound),
            Some("GWE-2".into()),
        );
        let Some(subnet) = self.subnet_holding(&e.vpc, &p.dst_ip) else {
            return Err(self.no_subnet(&e.vpc, &p.dst_ip));
        };
        self.arrive_subnet(subnet, p)
    }

    /// §5.8 virtual private gateway, outbound, after the outbound ACL.
    pub(super) fn vgw_out(&mut self, x: Sender<'n>, g: &'n VpnGateway, p: Packet) -> Flow {
        let vpc = x.vpc();
        let kind = ComponentKind::VpnGateway;
        let out = Some(Direction::Outbound);
        if !g.vpcs.contains(vpc) {
            return Err(dropped(
                &g.id,
                kind,
                out,
                "RT-14",
                format!("virtual private gateway `{}` is not attached to `{vpc}`", g.id),
                "BAD_STATE_ROUTE",
            ));
        }
        // VGW-3; J12: a NAT gateway sends with its private address.
        if !self.held_in_vpc(&p.src_ip, vpc, true) {
            return Err(dropped(
                &g.id,
                kind,
                out,
                "VGW-3",
                format!(
                    "{} is not an address of `{vpc}`: a virtual private gateway carries its own VPC's traffic only",
                    p.src_ip
                ),
                "VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS",
            ));
        }
        // VGW-5: an address the modelled network holds (an interface's or NAT gateway's private
        // address, a public IPv4 or Elastic IP) is no host on premises. The gateway carries it only
        // if its VPN's routes (not in the input) cover it, and only on-premises routing (not
        // modelled) could bring it back.
        let modelled = match (self.ix.private_owner(&p.dst_ip), p.dst_ip) {
            (Some(o), _) => Some(format!("an address of `{}`", owner_id(o))),
            (None, IpAddr::V4(a)) => self
                .ix
                .public_owner(&a)
                .map(|(o, _)| format!("the public address of `{}`", owner_id(o))),
            (None, IpAddr::V6(_)) => None,
        };
        if let Some(what) = modelled {
            return Err(unknown(
                &g.id,
                format!(
                    "{} is {what}, sent to on-premises over `{}`: the gateway carries it only if its VPN's routes (not in the input) cover it, and only on-premises routing, which is not modelled, could bring it back (VGW-5)",
                    p.dst_ip, g.id
                ),
            ));
        }
        // ONP-1..ONP-3 (sim::onprem): only the prefixes the gateway knows go on premises.
        self.onprem_out(g, p)
    }

    /// §5.8 `vgw_in`: from on premises through virtual private gateway `id`.
    pub(super) fn vgw_in(&mut self, id: &VpnGatewayId, p: Packet) -> Flow {
        let kind = ComponentKind::VpnGateway;
        let inbound = Some(Direction::Inbound);
        let Some(g) = self.net.vpn_gateways.get(id) else {
            return Err(unknown(
                id,
                format!("virtual private gateway `{id}` is not in the input"),
            ));
        };
        let edge = self
            .ix
            .edge_route_tables(g.id.as_str())
            .iter()
            .find(|(e, _)| matches!(e, EdgeAssociation::VpnGateway(x) if *x == g.id));
        if let Some((_, rt)) = edge {
            return Err(unknown(
                rt,
                format!(
                    "route table `{}` is edge-associated with `{}`: ingress routing (RT-18) is not modelled",
                    rt, g.id
                ),
            ));
        }
        // VGW-3: the destination is an address of an interface of the gateway's VPC (or, J12, of a
        // NAT gateway there, for replies; `arrive_subnet` refuses requests to it, NGW-3).
        let vpc = self
            .ix
            .private_owner(&p.dst_ip)
            .and_then(|o| self.owner_vpc(o))
            .filter(|v| g.vpcs.contains(v));
        let Some(vpc) = vpc else {
            return Err(dropped(
                &g.id,
                kind,
                inbound,
                "VGW-3",
                format!(
                    "{} is not a private address of a network interface in a VPC of `{}`",
                    p.dst_ip, g.id
                ),
                "VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
            ));
        };
        self.note_entry(g.id.as_str());
        hop!(
            self,
            &g.id,
            kind,
            format!("from on-premises into `{vpc}`"),
            inbound,
            Some("VGW-3".into()),
        );
        let Some(subnet) = self.subnet_holding(vpc, &p.dst_ip) else {
            return Err(self.no_subnet(vpc, &p.dst_ip));
        };
        self.arrive_subnet(subnet, p)
    }
}

/// The id of an address owner.
fn owner_id(o: &AddressOwner) -> &str {
    match o {
        AddressOwner::Interface(e) => e.as_str(),
        AddressOwner::NatGateway(n) => n.as_str(),
    }
}
