//! The internet's edge (SEMANTICS.md §4, §5.2, §5.4): what happens to a packet routed to an
//! internet gateway or an egress-only internet gateway, and how a host on the internet enters the
//! network or receives a reply. Split from `gateway` by construct, beside `smt/walk/external.rs`.
//! Must not touch: NAT, peering, endpoints or VPN gateways (`gateway`).
//!
//! Rules implemented here:
//! - §4: a request from the internet enters the VPC whose internet gateway maps its destination;
//!   a reply re-enters through the gateway its request left by; a reply to an external host must
//!   leave through the gateway its request entered by (`Walker::deliver_external`).
//! - IGW-2 1:1 translation both ways; IGW-5 no public address, no egress; IGW-6 RFC 1918 / RFC 6598
//!   filters and anti-spoofing; V6-2 no IPv6 translation; J13 hairpin through the internet;
//!   IGW-10 Block Public Access is checked by `bpa` once the gateway's own address rules pass
//!   (BPA-5); what the input leaves uncertain about it (BPA-6) and RT-18 gateway route tables
//!   answer unknown.
//! - V6-1: the egress-only gateway carries IPv6 connections initiated from inside only.

use super::Place;
use super::walk::{Flow, Halt, LegKind, Sender, Walker, dropped, unknown};
use crate::model::addr::ranges;
use crate::model::*;
use std::net::IpAddr;

/// True iff `ip` is IPv4 and lies in RFC 1918 or RFC 6598 space (IGW-6).
fn igw_refuses(ip: &IpAddr) -> bool {
    ranges::igw_private_v4().iter().any(|c| c.contains(ip))
}

/// The Reachability Analyzer code for an address `igw_refuses`: RFC 6598 space has its own.
fn refused_code(ip: &IpAddr, rfc1918: &'static str, rfc6598: &'static str) -> &'static str {
    if ranges::rfc6598_v4().iter().any(|c| c.contains(ip)) {
        rfc6598
    } else {
        rfc1918
    }
}

impl<'n> Walker<'n> {
    /// Unknown when the input leaves the VPC's Block Public Access uncertain (an unsupported entry
    /// on the VPC, BPA-6) or
    /// the gateway has a gateway route table (RT-18).
    fn edge_unknowns(&self, gateway: &InternetGatewayId, vpc: &VpcId) -> Result<(), Halt> {
        if let Some(u) = self.net.unsupported.iter().find(|u| u.component == vpc.as_str()) {
            return Err(unknown(vpc, u.reason.clone()));
        }
        let edge = self
            .ix
            .edge_route_tables(gateway.as_str())
            .iter()
            .find(|(e, _)| matches!(e, EdgeAssociation::InternetGateway(g) if g == gateway));
        if let Some((_, rt)) = edge {
            return Err(unknown(
                rt,
                format!(
                    "route table `{rt}` is edge-associated with `{gateway}`: ingress routing (RT-18) is not modelled"
                ),
            ));
        }
        Ok(())
    }

    /// The public IPv4 or Elastic IP mapped to the private IPv4 `ip` of an interface or NAT gateway
    /// in `vpc` (IGW-2, IGW-5).
    fn public_of(&self, ip: &IpAddr, vpc: &VpcId) -> Option<std::net::Ipv4Addr> {
        let IpAddr::V4(private) = ip else { return None };
        match self.ix.private_owner(ip)? {
            AddressOwner::Interface(e) => {
                let eni = self.net.network_interfaces.get(e).filter(|e| &e.vpc == vpc)?;
                eni.private_ipv4
                    .iter()
                    .find(|a| a.address == *private)
                    .and_then(|a| a.public_ip.as_ref())
                    .map(|p| p.address)
            }
            AddressOwner::NatGateway(n) => {
                let nat = self.net.nat_gateways.get(n).filter(|n| &n.vpc == vpc)?;
                nat.addresses
                    .iter()
                    .find(|a| a.private_ip == *private)
                    .and_then(|a| a.public_ip)
            }
        }
    }

    /// §5.2 `igw_out`, after the sender subnet's outbound ACL.
    pub(super) fn igw_out(&mut self, x: Sender<'n>, g: &'n InternetGateway, mut p: Packet) -> Flow {
        let vpc = x.vpc();
        let out = Some(Direction::Outbound);
        let kind = ComponentKind::InternetGateway;
        if !g.vpcs.contains(vpc) {
            return Err(dropped(
                &g.id,
                kind,
                out,
                "RT-14",
                format!("internet gateway `{}` is not attached to `{vpc}`", g.id),
                "BAD_STATE_ROUTE",
            ));
        }
        self.edge_unknowns(&g.id, vpc)?;
        match p.src_ip {
            IpAddr::V4(_) => {
                if igw_refuses(&p.dst_ip) {
                    return Err(dropped(
                        &g.id,
                        kind,
                        out,
                        "IGW-6",
                        format!(
                            "{} is a private (RFC 1918 or RFC 6598) address: an internet gateway does not send to it",
                            p.dst_ip
                        ),
                        refused_code(
                            &p.dst_ip,
                            "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS",
                            "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS",
                        ),
                    ));
                }
                let Some(public) = self.public_of(&p.src_ip, vpc) else {
                    return Err(dropped(
                        &g.id,
                        kind,
                        out,
                        "IGW-5",
                        format!(
                            "{} has no public IPv4 or Elastic IP in `{vpc}`: the internet gateway does not forward it",
                            p.src_ip
                        ),
                        "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
                    ));
                };
                self.bpa_gate(g.id.as_str(), kind, vpc, &p.src_ip, true)?;
                let before = p.src_ip;
                p.src_ip = IpAddr::V4(public);
                hop!(
                    self,
                    &g.id,
                    kind,
                    format!("source {before} translated to {public} (IGW-2)"),
                    out,
                    Some("IGW-2".into()),
                );
            }
            IpAddr::V6(_) => {
                if !self.held_in_vpc(&p.src_ip, vpc, false) {
                    return Err(dropped(
                        &g.id,
                        kind,
                        out,
                        "IGW-6",
                        format!(
                            "{} is not an IPv6 address of a network interface in `{vpc}`: spoofed traffic",
                            p.src_ip
                        ),
                        "GATEWAY_REJECTS_SPOOFED_TRAFFIC",
                    ));
                }
                self.bpa_gate(g.id.as_str(), kind, vpc, &p.src_ip, true)?;
                hop!(
                    self,
                    &g.id,
                    kind,
                    "to the internet; IPv6 is not translated (V6-2)".into(),
                    out,
                    Some("V6-2".into()),
                );
            }
        }
        self.onto_internet(g.id.as_str(), p)
    }

    /// §5.2 step 5: the packet is on the internet. A destination mapped in a modelled VPC enters it
    /// (between modelled VPCs, or hairpinning, J13); anything else is an external host.
    fn onto_internet(&mut self, gateway: &str, p: Packet) -> Flow {
        if self.leg == LegKind::Request {
            self.internet_exits.push(gateway.to_owned());
        }
        if let Some(vpc) = self.vpc_mapping(&p.dst_ip) {
            hop!(
                self,
                p.dst_ip,
                ComponentKind::Internet,
                format!("crosses the internet to {}, an address of `{vpc}` (J13)", p.dst_ip),
                None,
                Some("J13".into()),
            );
            return self.internet_enter(vpc, p);
        }
        self.deliver_external(
            Place::Internet {
                gateway: gateway.to_owned(),
            },
            ComponentKind::Internet,
            p,
        )
    }

    /// The modelled VPC an internet address belongs to: a mapped public IPv4, or an address in a
    /// VPC's IPv6 block.
    fn vpc_mapping(&self, ip: &IpAddr) -> Option<&'n VpcId> {
        match ip {
            IpAddr::V4(a) => self.ix.public_owner(a).and_then(|(o, _)| self.owner_vpc(o)),
            IpAddr::V6(_) => self
                .net
                .vpcs
                .values()
                .find(|v| v.cidrs_v6.iter().any(|c| c.contains(ip)))
                .map(|v| &v.id),
        }
    }

    /// §4: a request from an internet host. It enters the VPC whose internet gateway maps the
    /// destination. A private IPv4 destination (no mapping) is taken to the gateway of the VPC
    /// holding it, which refuses it (IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS): the most useful
    /// place to report (**decision**; on the real internet such a packet goes nowhere).
    pub(super) fn internet_request(&mut self, p: Packet) -> Flow {
        let vpc = self.vpc_mapping(&p.dst_ip).or_else(|| {
            self.ix
                .private_owner(&p.dst_ip)
                .and_then(|o| self.owner_vpc(o))
                .or_else(|| self.net.vpcs.values().find(|v| v.contains(&p.dst_ip)).map(|v| &v.id))
        });
        let Some(vpc) = vpc else {
            return Err(dropped(
                p.dst_ip,
                ComponentKind::Internet,
                None,
                "IGW-3",
                format!(
                    "no modelled internet gateway maps {}: the packet never enters the network",
                    p.dst_ip
                ),
                "NO_PATH",
            ));
        };
        self.internet_enter(vpc, p)
    }

    /// Entry into `vpc` from the internet: through the gateway the request left by (reply leg),
    /// else the VPC's internet gateway, else (IPv6) its egress-only gateway, which refuses what it
    /// did not let out (V6-1).
    fn internet_enter(&mut self, vpc: &'n VpcId, p: Packet) -> Flow {
        let net = self.net;
        let igw = self
            .ix
            .internet_gateway_of(vpc)
            .and_then(|g| net.internet_gateways.get(g));
        let eigw = self
            .ix
            .egress_only_gateway_of(vpc)
            .and_then(|g| net.egress_only_internet_gateways.get(g));
        if self.leg == LegKind::Reply
            && let Some(e) = eigw
            && self.internet_exits.iter().any(|x| x == e.id.as_str())
        {
            return self.eigw_in(e, vpc, p);
        }
        match (igw, eigw, p.dst_ip) {
            (Some(g), _, _) => self.internet_in(g, vpc, p),
            (None, Some(e), IpAddr::V6(_)) => self.eigw_in(e, vpc, p),
            _ => Err(dropped(
                vpc,
                ComponentKind::Vpc,
                Some(Direction::Inbound),
                "IGW-3",
                format!("`{vpc}` has no internet gateway: nothing from the internet enters it"),
                "NO_PATH",
            )),
        }
    }

    /// A reply from an external host re-enters through the gateway its request left by (§4).
    pub(super) fn internet_reenter(&mut self, gateway: &str, p: Packet) -> Flow {
        let net = self.net;
        if let Some(g) = net.internet_gateways.get(&InternetGatewayId::new(gateway)) {
            let Some(vpc) = g.vpcs.first() else {
                return Err(unknown(
                    gateway,
                    format!("internet gateway `{gateway}` is attached to no VPC"),
                ));
            };
            return self.internet_in(g, vpc, p);
        }
        if let Some(e) = net
            .egress_only_internet_gateways
            .get(&EgressOnlyInternetGatewayId::new(gateway))
        {
            let Some(vpc) = e.vpcs.first() else {
                return Err(unknown(
                    gateway,
                    format!("egress-only gateway `{gateway}` is attached to no VPC"),
                ));
            };
            return self.eigw_in(e, vpc, p);
        }
        Err(unknown(gateway, format!("gateway `{gateway}` is not in the input")))
    }

    /// §5.2 `internet_in` via internet gateway `g` of `vpc`.
    fn internet_in(&mut self, g: &'n InternetGateway, vpc: &'n VpcId, mut p: Packet) -> Flow {
        let kind = ComponentKind::InternetGateway;
        let inbound = Some(Direction::Inbound);
        self.edge_unknowns(&g.id, vpc)?;
        match p.dst_ip {
            IpAddr::V4(public) => {
                if igw_refuses(&p.src_ip) {
                    return Err(dropped(
                        &g.id,
                        kind,
                        inbound,
                        "IGW-6",
                        format!(
                            "{} is a private (RFC 1918 or RFC 6598) source: an internet gateway does not admit it",
                            p.src_ip
                        ),
                        refused_code(
                            &p.src_ip,
                            "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS",
                            "IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS",
                        ),
                    ));
                }
                let mapped = self
                    .ix
                    .public_owner(&public)
                    .filter(|(o, _)| self.owner_vpc(o) == Some(vpc))
                    .map(|(_, private)| *private);
                let Some(private) = mapped else {
                    return Err(dropped(
                        &g.id,
                        kind,
                        inbound,
                        "IGW-6",
                        format!("{public} is not a public IPv4 or Elastic IP of `{vpc}`"),
                        "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
                    ));
                };
                self.bpa_gate(g.id.as_str(), kind, vpc, &IpAddr::V4(private), false)?;
                p.dst_ip = IpAddr::V4(private);
                hop!(
                    self,
                    &g.id,
                    kind,
                    format!("destination {public} translated to {private} (IGW-2)"),
                    inbound,
                    Some("IGW-2".into()),
                );
            }
            IpAddr::V6(_) => {
                let inside = self
                    .net
                    .vpcs
                    .get(vpc)
                    .is_some_and(|v| v.cidrs_v6.iter().any(|c| c.contains(&p.dst_ip)));
                if !inside {
                    return Err(dropped(
                        &g.id,
                        kind,
                        inbound,
                        "IGW-6",
                        format!("{} lies in no IPv6 block of `{vpc}`", p.dst_ip),
                        "IGW_DESTINATION_ADDRESS_IN_VPC_CIDRS",
                    ));
                }
                self.bpa_gate(g.id.as_str(), kind, vpc, &p.dst_ip, false)?;
                hop!(
                    self,
                    &g.id,
                    kind,
                    "from the internet; IPv6 is not translated (V6-2)".into(),
                    inbound,
                    Some("V6-2".into()),
                );
            }
        }
        self.note_entry(g.id.as_str());
        let Some(subnet) = self.subnet_holding(vpc, &p.dst_ip) else {
            return Err(self.no_subnet(vpc, &p.dst_ip));
        };
        self.arrive_subnet(subnet, p)
    }

    /// §5.7 egress-only internet gateway, outbound, after the outbound ACL.
    pub(super) fn eigw_out(&mut self, x: Sender<'n>, g: &'n EgressOnlyInternetGateway, p: Packet) -> Flow {
        let vpc = x.vpc();
        let out = Some(Direction::Outbound);
        let kind = ComponentKind::EgressOnlyInternetGateway;
        if !g.vpcs.contains(vpc) {
            return Err(dropped(
                &g.id,
                kind,
                out,
                "RT-14",
                format!("egress-only internet gateway `{}` is not attached to `{vpc}`", g.id),
                "BAD_STATE_ROUTE",
            ));
        }
        if let Some(u) = self.net.unsupported.iter().find(|u| u.component == vpc.as_str()) {
            return Err(unknown(vpc, u.reason.clone()));
        }
        if !p.dst_ip.is_ipv6() {
            return Err(dropped(
                &g.id,
                kind,
                out,
                "V6-1",
                format!("egress-only internet gateway `{}` carries IPv6 only", g.id),
                "PROTOCOL_RESTRICTION",
            ));
        }
        if !self.held_in_vpc(&p.src_ip, vpc, false) {
            return Err(dropped(
                &g.id,
                kind,
                out,
                "V6-1",
                format!(
                    "{} is not an IPv6 address of a network interface in `{vpc}`: spoofed traffic",
                    p.src_ip
                ),
                "GATEWAY_REJECTS_SPOOFED_TRAFFIC",
            ));
        }
        if self.leg == LegKind::Reply {
            return Err(dropped(
                &g.id,
                kind,
                out,
                "V6-1",
                format!(
                    "the reply leaves through egress-only gateway `{}`, which carries only connections initiated from inside",
                    g.id
                ),
                "NO_PATH",
            ));
        }
        self.bpa_gate(g.id.as_str(), kind, vpc, &p.src_ip, true)?;
        hop!(
            self,
            &g.id,
            kind,
            "to the internet, connection initiated from inside (V6-1)".into(),
            out,
            Some("V6-1".into()),
        );
        self.onto_internet(g.id.as_str(), p)
    }

    /// §5.7 egress-only internet gateway, inbound: only replies to requests that left through it.
    fn eigw_in(&mut self, g: &'n EgressOnlyInternetGateway, vpc: &'n VpcId, p: Packet) -> Flow {
        let kind = ComponentKind::EgressOnlyInternetGateway;
        let inbound = Some(Direction::Inbound);
        let replied = self.leg == LegKind::Reply && self.internet_exits.iter().any(|x| x == g.id.as_str());
        if !replied {
            return Err(dropped(
                &g.id,
                kind,
                inbound,
                "V6-1",
                format!(
                    "egress-only internet gateway `{}` admits only replies to connections initiated from inside",
                    g.id
                ),
                "NO_PATH",
            ));
        }
        if let Some(u) = self.net.unsupported.iter().find(|u| u.component == vpc.as_str()) {
            return Err(unknown(vpc, u.reason.clone()));
        }
        self.bpa_gate(g.id.as_str(), kind, vpc, &p.dst_ip, false)?;
        hop!(
            self,
            &g.id,
            kind,
            "reply from the internet admitted (V6-1)".into(),
            inbound,
            Some("V6-1".into()),
        );
        let Some(subnet) = self.subnet_holding(vpc, &p.dst_ip) else {
            return Err(self.no_subnet(vpc, &p.dst_ip));
        };
        self.arrive_subnet(subnet, p)
    }
}
