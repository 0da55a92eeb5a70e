//! Shared test helpers: paths, the binary, and a builder for small networks.

use assert_cmd::Command;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use vpcverify::model::*;
use vpcverify::sim::{self, Start, Status, Trace};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the repository root.
pub fn path(rel: &str) -> PathBuf {
    root().join(rel)
}

/// The `vpcverify` binary, with colour off and its snapshot cache under the target directory
/// (not the user's).
pub fn vpcverify() -> Command {
    let mut c = Command::cargo_bin("vpcverify").unwrap();
    c.env("NO_COLOR", "1");
    c.env(
        "VPCVERIFY_CACHE_DIR",
        concat!(env!("CARGO_TARGET_TMPDIR"), "/vpcverify-cache"),
    );
    c
}

fn prov(id: &str) -> Provenance {
    Provenance::resource("test", id)
}

fn cidr(s: &str) -> Cidr {
    Cidr::parse(s).unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// `Name` tag map.
fn tags() -> Tags {
    Tags::new()
}

/// The layer-4 match of a rule: `ports` is `""`/`"all"`, `N`, `N-M`, or for ICMP `T` or `T:C`.
fn l4(protocol: &Protocol, ports: &str) -> L4Match {
    let all = ports.is_empty() || ports == "all";
    match protocol.number() {
        Some(n) if proto::has_ports(n) => L4Match::Ports(if all {
            PortRange::ALL
        } else {
            PortRange::parse(ports).unwrap()
        }),
        Some(n) if proto::is_icmp(n) => {
            if all {
                L4Match::Icmp {
                    icmp_type: None,
                    icmp_code: None,
                }
            } else {
                let (t, c) = match ports.split_once(':') {
                    Some((t, c)) => (t.parse().ok(), c.parse().ok()),
                    None => (ports.parse().ok(), None),
                };
                L4Match::Icmp {
                    icmp_type: t,
                    icmp_code: c,
                }
            }
        }
        _ => L4Match::Any,
    }
}

/// A route target from an id, by prefix.
fn target(t: &str) -> RouteTarget {
    match t {
        "local" => RouteTarget::Local,
        _ if t.starts_with("igw-") => RouteTarget::InternetGateway(t.into()),
        _ if t.starts_with("eigw-") => RouteTarget::EgressOnlyInternetGateway(t.into()),
        _ if t.starts_with("nat-") => RouteTarget::NatGateway(t.into()),
        _ if t.starts_with("i-") => RouteTarget::Instance(t.into()),
        _ if t.starts_with("eni-") => RouteTarget::NetworkInterface(t.into()),
        _ if t.starts_with("pcx-") => RouteTarget::VpcPeeringConnection(t.into()),
        _ if t.starts_with("vpce-") => RouteTarget::VpcEndpoint(t.into()),
        _ if t.starts_with("vgw-") => RouteTarget::VpnGateway(t.into()),
        _ if t.starts_with("tgw-") => RouteTarget::TransitGateway(t.into()),
        _ => RouteTarget::Unsupported {
            field: "LocalGatewayId".into(),
            id: t.into(),
        },
    }
}

/// A network under construction. Every VPC `vpc-x` gets a main route table `rtb-x-main`, a default
/// network ACL `acl-x-default` allowing everything (rules 100 IPv4 and 101 IPv6, both directions)
/// and a default security group `sg-x-default` (all outbound; all inbound from itself).
#[derive(Debug, Clone, Default)]
pub struct Net {
    /// The network so far.
    pub net: Network,
}

/// The suffix of an id: `vpc-a` -> `a`.
fn suffix(id: &str) -> &str {
    id.split_once('-').map_or(id, |(_, s)| s)
}

impl Net {
    /// An empty network.
    pub fn new() -> Self {
        Net::default()
    }

    /// A VPC with one IPv4 block, its main route table, default ACL and default group.
    pub fn vpc(mut self, id: &str, block: &str) -> Self {
        let s = suffix(id);
        self.net.vpcs.insert(
            id.into(),
            Vpc {
                id: id.into(),
                cidrs_v4: vec![cidr(block)],
                cidrs_v6: vec![],
                is_default: false,
                tags: tags(),
                provenance: prov(id),
            },
        );
        let rtb = format!("rtb-{s}-main");
        self.net.route_tables.insert(
            rtb.as_str().into(),
            RouteTable {
                id: rtb.as_str().into(),
                vpc: id.into(),
                main: true,
                subnets: vec![],
                gateways: vec![],
                routes: vec![],
                propagating_vgws: vec![],
                tags: tags(),
                provenance: prov(&rtb),
            },
        );
        let acl = format!("acl-{s}-default");
        self.net.network_acls.insert(
            acl.as_str().into(),
            NetworkAcl {
                id: acl.as_str().into(),
                vpc: id.into(),
                is_default: true,
                subnets: vec![],
                entries: vec![],
                tags: tags(),
                provenance: prov(&acl),
            },
        );
        for dir in ["in", "out"] {
            self = self
                .acl_entry(&acl, 100, dir, "allow", "all", "", "0.0.0.0/0")
                .acl_entry(&acl, 101, dir, "allow", "all", "", "::/0");
        }
        let sg = format!("sg-{s}-default");
        self = self
            .sg(&sg, id)
            .sg_out(&sg, "all", "", "0.0.0.0/0")
            .sg_out(&sg, "all", "", "::/0");
        self.sg_in(&sg, "all", "", &sg)
    }

    /// Adds an IPv6 block to a VPC.
    pub fn vpc_v6(mut self, vpc: &str, block: &str) -> Self {
        self.net
            .vpcs
            .get_mut(&VpcId::new(vpc))
            .unwrap()
            .cidrs_v6
            .push(cidr(block));
        self
    }

    /// A subnet (IPv4).
    pub fn subnet(mut self, id: &str, vpc: &str, block: &str) -> Self {
        self.net.subnets.insert(
            id.into(),
            Subnet {
                id: id.into(),
                vpc: vpc.into(),
                availability_zone: Some("us-east-1a".into()),
                cidr_v4: Some(cidr(block)),
                cidr_v6: None,
                map_public_ip_on_launch: false,
                tags: tags(),
                provenance: prov(id),
            },
        );
        self
    }

    /// Adds an IPv6 block (/64) to a subnet.
    pub fn subnet_v6(mut self, id: &str, block: &str) -> Self {
        self.net.subnets.get_mut(&SubnetId::new(id)).unwrap().cidr_v6 = Some(cidr(block));
        self
    }

    /// A custom route table associated with `subnets`.
    pub fn route_table(mut self, id: &str, vpc: &str, subnets: &[&str]) -> Self {
        self.net.route_tables.insert(
            id.into(),
            RouteTable {
                id: id.into(),
                vpc: vpc.into(),
                main: false,
                subnets: subnets.iter().map(|s| SubnetId::new(*s)).collect(),
                gateways: vec![],
                routes: vec![],
                propagating_vgws: vec![],
                tags: tags(),
                provenance: prov(id),
            },
        );
        self
    }

    fn push_route(mut self, rtb: &str, dest: &str, to: &str, state: RouteState, origin: RouteOrigin) -> Self {
        let destination = if dest.starts_with("pl-") {
            RouteDestination::PrefixList(dest.into())
        } else {
            RouteDestination::Cidr(cidr(dest))
        };
        let rt = self.net.route_tables.get_mut(&RouteTableId::new(rtb)).unwrap();
        rt.routes.push(Route {
            destination,
            target: target(to),
            state,
            origin,
            provenance: prov(rtb).item(dest),
        });
        self
    }

    /// A static route `dest -> target` (`dest` a CIDR or `pl-…`; `target` an id or `local`).
    pub fn route(self, rtb: &str, dest: &str, to: &str) -> Self {
        self.push_route(rtb, dest, to, RouteState::Active, RouteOrigin::CreateRoute)
    }

    /// A route propagated from a virtual private gateway.
    pub fn propagated_route(self, rtb: &str, dest: &str, to: &str) -> Self {
        self.push_route(
            rtb,
            dest,
            to,
            RouteState::Active,
            RouteOrigin::EnableVgwRoutePropagation,
        )
    }

    /// A blackhole route.
    pub fn blackhole(self, rtb: &str, dest: &str, to: &str) -> Self {
        self.push_route(rtb, dest, to, RouteState::Blackhole, RouteOrigin::CreateRoute)
    }

    /// A custom network ACL (no entries: the default `*` denies everything) associated with `subnets`.
    pub fn acl(mut self, id: &str, vpc: &str, subnets: &[&str]) -> Self {
        self.net.network_acls.insert(
            id.into(),
            NetworkAcl {
                id: id.into(),
                vpc: vpc.into(),
                is_default: false,
                subnets: subnets.iter().map(|s| SubnetId::new(*s)).collect(),
                entries: vec![],
                tags: tags(),
                provenance: prov(id),
            },
        );
        self
    }

    /// An ACL entry: `dir` is `in` or `out`, `action` `allow` or `deny`, `ports` as in [`l4`].
    #[allow(clippy::too_many_arguments, reason = "mirrors the console's columns")]
    pub fn acl_entry(
        mut self,
        acl: &str,
        rule: u16,
        dir: &str,
        action: &str,
        protocol: &str,
        ports: &str,
        block: &str,
    ) -> Self {
        let protocol = Protocol::parse(protocol).unwrap();
        let entry = NetworkAclEntry {
            rule_number: rule,
            direction: if dir == "in" {
                Direction::Inbound
            } else {
                Direction::Outbound
            },
            action: if action == "allow" {
                RuleAction::Allow
            } else {
                RuleAction::Deny
            },
            protocol,
            l4: l4(&protocol, ports),
            cidr: cidr(block),
            provenance: prov(acl).item(rule.to_string()),
        };
        self.net
            .network_acls
            .get_mut(&NetworkAclId::new(acl))
            .unwrap()
            .entries
            .push(entry);
        self
    }

    /// A security group without rules.
    pub fn sg(mut self, id: &str, vpc: &str) -> Self {
        self.net.security_groups.insert(
            id.into(),
            SecurityGroup {
                id: id.into(),
                name: id.into(),
                vpc: vpc.into(),
                description: String::new(),
                ingress: vec![],
                egress: vec![],
                tags: tags(),
                provenance: prov(id),
            },
        );
        self
    }

    fn sg_rule(mut self, sg: &str, inbound: bool, protocol: &str, ports: &str, peer: &str) -> Self {
        let protocol = Protocol::parse(protocol).unwrap();
        let peer = if peer.starts_with("sg-") {
            SecurityGroupPeer::SecurityGroup {
                id: peer.into(),
                peering: None,
            }
        } else if peer.starts_with("pl-") {
            SecurityGroupPeer::PrefixList { id: peer.into() }
        } else {
            SecurityGroupPeer::Cidr { cidr: cidr(peer) }
        };
        let rule = SecurityGroupRule {
            protocol,
            l4: l4(&protocol, ports),
            peer,
            description: None,
            provenance: prov(sg),
        };
        let g = self.net.security_groups.get_mut(&SecurityGroupId::new(sg)).unwrap();
        if inbound {
            g.ingress.push(rule);
        } else {
            g.egress.push(rule);
        }
        self
    }

    /// An inbound rule; `peer` is a CIDR, `sg-…` or `pl-…`.
    pub fn sg_in(self, sg: &str, protocol: &str, ports: &str, peer: &str) -> Self {
        self.sg_rule(sg, true, protocol, ports, peer)
    }

    /// An outbound rule; `peer` is a CIDR, `sg-…` or `pl-…`.
    pub fn sg_out(self, sg: &str, protocol: &str, ports: &str, peer: &str) -> Self {
        self.sg_rule(sg, false, protocol, ports, peer)
    }

    /// A network interface with one private IPv4 (primary), the check on.
    pub fn eni(mut self, id: &str, subnet: &str, address: &str, groups: &[&str]) -> Self {
        let vpc = self.net.subnets.get(&SubnetId::new(subnet)).unwrap().vpc.clone();
        let private_ipv4 = if address.is_empty() {
            vec![]
        } else {
            vec![PrivateIpv4 {
                address: address.parse().unwrap(),
                primary: true,
                public_ip: None,
                assigned_at_apply: false,
            }]
        };
        self.net.network_interfaces.insert(
            id.into(),
            NetworkInterface {
                id: id.into(),
                subnet: subnet.into(),
                vpc,
                interface_type: "interface".into(),
                description: String::new(),
                private_ipv4,
                ipv6: vec![],
                groups: groups.iter().map(|g| SecurityGroupId::new(*g)).collect(),
                source_dest_check: true,
                attachment: None,
                requester_managed: false,
                status: "in-use".into(),
                tags: tags(),
                provenance: prov(id),
            },
        );
        self
    }

    fn eni_mut(&mut self, id: &str) -> &mut NetworkInterface {
        self.net
            .network_interfaces
            .get_mut(&NetworkInterfaceId::new(id))
            .unwrap()
    }

    /// Sets an interface's `InterfaceType` and `RequesterManaged` (a managed-service interface:
    /// `network_load_balancer`, `lambda`, …).
    pub fn managed(mut self, eni: &str, interface_type: &str, requester_managed: bool) -> Self {
        let x = self.eni_mut(eni);
        x.interface_type = interface_type.into();
        x.requester_managed = requester_managed;
        self
    }

    /// Removes a network ACL: its subnets then have none in the input (§7, what a library caller
    /// or an incomplete snapshot can hold).
    pub fn without_acl(mut self, id: &str) -> Self {
        self.net.network_acls.remove(&NetworkAclId::new(id));
        self
    }

    /// Maps a public IPv4 to the interface's primary private IPv4.
    pub fn public_ip(mut self, eni: &str, public: &str) -> Self {
        let a: Ipv4Addr = public.parse().unwrap();
        self.eni_mut(eni).private_ipv4[0].public_ip = Some(PublicIpv4 {
            address: a,
            allocation_id: None,
            assigned_at_apply: false,
        });
        self
    }

    /// Adds a secondary private IPv4 to an interface, with an Elastic IP when `public` is given.
    pub fn secondary_ip(mut self, eni: &str, address: &str, public: Option<&str>) -> Self {
        self.eni_mut(eni).private_ipv4.push(PrivateIpv4 {
            address: address.parse().unwrap(),
            primary: false,
            public_ip: public.map(|p| PublicIpv4 {
                address: p.parse().unwrap(),
                allocation_id: None,
                assigned_at_apply: false,
            }),
            assigned_at_apply: false,
        });
        self
    }

    /// Adds an IPv6 address to an interface.
    pub fn eni_v6(mut self, eni: &str, address: &str) -> Self {
        let a: Ipv6Addr = address.parse().unwrap();
        self.eni_mut(eni).ipv6.push(a);
        self
    }

    /// Turns the source/destination check off (a NAT instance or appliance).
    pub fn check_off(mut self, eni: &str) -> Self {
        self.eni_mut(eni).source_dest_check = false;
        self
    }

    /// An instance whose interfaces are `enis` (primary first).
    pub fn instance(mut self, id: &str, enis: &[&str]) -> Self {
        for (i, e) in enis.iter().enumerate() {
            self.eni_mut(e).attachment = Some(InterfaceAttachment {
                instance: Some(id.into()),
                device_index: Some(i as u32),
                status: "attached".into(),
            });
        }
        self.net.instances.insert(
            id.into(),
            Instance {
                id: id.into(),
                state: "running".into(),
                network_interfaces: enis.iter().map(|e| NetworkInterfaceId::new(*e)).collect(),
                tags: tags(),
                provenance: prov(id),
            },
        );
        self
    }

    /// Sets the `Name` tag of an interface.
    pub fn name(mut self, eni: &str, name: &str) -> Self {
        self.eni_mut(eni).tags.insert("Name".into(), name.into());
        self
    }

    /// Sets the `Name` tag of an instance, subnet, VPC or security group (by id prefix).
    pub fn tag_name(mut self, id: &str, name: &str) -> Self {
        let n = &mut self.net;
        let tags = if id.starts_with("i-") {
            &mut n.instances.get_mut(&InstanceId::new(id)).unwrap().tags
        } else if id.starts_with("subnet-") {
            &mut n.subnets.get_mut(&SubnetId::new(id)).unwrap().tags
        } else if id.starts_with("vpc-") {
            &mut n.vpcs.get_mut(&VpcId::new(id)).unwrap().tags
        } else {
            &mut n.security_groups.get_mut(&SecurityGroupId::new(id)).unwrap().tags
        };
        tags.insert("Name".into(), name.into());
        self
    }

    /// An internet gateway attached to `vpc`.
    pub fn igw(mut self, id: &str, vpc: &str) -> Self {
        self.net.internet_gateways.insert(
            id.into(),
            InternetGateway {
                id: id.into(),
                vpcs: vec![vpc.into()],
                tags: tags(),
                provenance: prov(id),
            },
        );
        self
    }

    /// An egress-only internet gateway attached to `vpc`.
    pub fn eigw(mut self, id: &str, vpc: &str) -> Self {
        self.net.egress_only_internet_gateways.insert(
            id.into(),
            EgressOnlyInternetGateway {
                id: id.into(),
                vpcs: vec![vpc.into()],
                tags: tags(),
                provenance: prov(id),
            },
        );
        self
    }

    /// A NAT gateway in `subnet` with one private address and, if public, an Elastic IP.
    pub fn nat(mut self, id: &str, subnet: &str, private: &str, elastic: Option<&str>) -> Self {
        let vpc = self.net.subnets.get(&SubnetId::new(subnet)).unwrap().vpc.clone();
        self.net.nat_gateways.insert(
            id.into(),
            NatGateway {
                id: id.into(),
                vpc,
                subnet: subnet.into(),
                connectivity: if elastic.is_some() {
                    ConnectivityType::Public
                } else {
                    ConnectivityType::Private
                },
                state: "available".into(),
                addresses: vec![NatGatewayAddress {
                    private_ip: private.parse().unwrap(),
                    public_ip: elastic.map(|e| e.parse().unwrap()),
                    network_interface: None,
                    primary: true,
                    assigned_at_apply: false,
                }],
                tags: tags(),
                provenance: prov(id),
            },
        );
        self
    }

    /// A peering connection between two VPCs, `active` unless `status` says otherwise.
    pub fn pcx(mut self, id: &str, requester: &str, accepter: &str) -> Self {
        self.net.vpc_peering_connections.insert(
            id.into(),
            VpcPeeringConnection {
                id: id.into(),
                requester: requester.into(),
                accepter: accepter.into(),
                status: "active".into(),
                tags: tags(),
                provenance: prov(id),
            },
        );
        self
    }

    /// Sets a peering connection's status.
    pub fn pcx_status(mut self, id: &str, status: &str) -> Self {
        self.net
            .vpc_peering_connections
            .get_mut(&VpcPeeringConnectionId::new(id))
            .unwrap()
            .status = status.into();
        self
    }

    /// An AWS-managed prefix list (`entries` empty and `known` false: entries not in the input).
    pub fn prefix_list(mut self, id: &str, name: &str, entries: &[&str], known: bool) -> Self {
        self.net.prefix_lists.insert(
            id.into(),
            PrefixList {
                id: id.into(),
                name: name.into(),
                owner: PrefixListOwner::AwsManaged,
                address_family: Some(IpFamily::V4),
                entries: entries.iter().map(|e| cidr(e)).collect(),
                entries_known: known,
                entries_source: Default::default(),
                max_entries: None,
                tags: tags(),
                provenance: prov(id),
            },
        );
        self
    }

    /// A gateway endpoint for the service of prefix list `pl`, with its route in `route_tables`.
    pub fn gateway_endpoint(mut self, id: &str, vpc: &str, pl: &str, route_tables: &[&str]) -> Self {
        let service = self.net.prefix_lists.get(&PrefixListId::new(pl)).unwrap().name.clone();
        self.net.vpc_endpoints.insert(
            id.into(),
            VpcEndpoint {
                id: id.into(),
                vpc: vpc.into(),
                service_name: service,
                endpoint_type: VpcEndpointType::Gateway,
                state: "available".into(),
                route_tables: route_tables.iter().map(|r| RouteTableId::new(*r)).collect(),
                prefix_list: Some(pl.into()),
                subnets: vec![],
                network_interfaces: vec![],
                groups: vec![],
                tags: tags(),
                provenance: prov(id),
            },
        );
        for rt in route_tables {
            self = self.route(rt, pl, id);
        }
        self
    }

    /// An interface endpoint (PrivateLink) for `service` with one endpoint network interface `eni`
    /// (`address` in `subnet`, carrying `groups`, requester-managed, check on).
    #[allow(clippy::too_many_arguments, reason = "an endpoint and its interface")]
    pub fn interface_endpoint(
        mut self,
        id: &str,
        vpc: &str,
        service: &str,
        subnet: &str,
        eni: &str,
        address: &str,
        groups: &[&str],
    ) -> Self {
        self = self.eni(eni, subnet, address, groups);
        let x = self.eni_mut(eni);
        x.interface_type = "vpc_endpoint".into();
        x.requester_managed = true;
        x.description = format!("VPC Endpoint Interface {id}");
        self.net.vpc_endpoints.insert(
            id.into(),
            VpcEndpoint {
                id: id.into(),
                vpc: vpc.into(),
                service_name: service.into(),
                endpoint_type: VpcEndpointType::Interface,
                state: "available".into(),
                route_tables: vec![],
                prefix_list: None,
                subnets: vec![SubnetId::new(subnet)],
                network_interfaces: vec![NetworkInterfaceId::new(eni)],
                groups: groups.iter().map(|g| SecurityGroupId::new(*g)).collect(),
                tags: tags(),
                provenance: prov(id),
            },
        );
        self
    }

    /// A virtual private gateway attached to `vpc` with on-premises blocks.
    pub fn vgw(mut self, id: &str, vpc: &str, onprem: &[&str]) -> Self {
        self.net.vpn_gateways.insert(
            id.into(),
            VpnGateway {
                id: id.into(),
                vpcs: vec![vpc.into()],
                state: "available".into(),
                onprem_cidrs: onprem.iter().map(|c| cidr(c)).collect(),
                tags: tags(),
                provenance: prov(id),
            },
        );
        self
    }

    /// A VPN connection `id` on virtual private gateway `vgw` with static routes `routes` (all
    /// `available`) and tunnels of these statuses (`UP`, `DOWN`).
    pub fn vpn_connection(mut self, id: &str, vgw: &str, routes: &[&str], tunnels: &[&str]) -> Self {
        self.net.onprem.vpn_connections.insert(
            id.into(),
            VpnConnection {
                id: id.into(),
                gateway: Some(OnPremGateway::Vgw(vgw.into())),
                customer_gateway: None,
                state: "available".into(),
                static_routes_only: Some(true),
                local_cidr: None,
                remote_cidr: None,
                routes: routes
                    .iter()
                    .map(|c| VpnStaticRoute {
                        cidr: cidr(c),
                        state: "available".into(),
                    })
                    .collect(),
                tunnels: tunnels.iter().map(|t| (*t).to_owned()).collect(),
                tags: Default::default(),
                provenance: prov(id),
            },
        );
        self
    }

    /// A declared on-premises network (`--onprem NAME=CIDR[@via]`).
    pub fn onprem(mut self, name: &str, cidrs: &[&str], via: Option<&str>) -> Self {
        self.net.onprem.networks.push(OnPremNetwork {
            name: name.into(),
            cidrs: cidrs.iter().map(|c| cidr(c)).collect(),
            via: via.map(str::to_owned),
            provenance: prov(name),
        });
        self
    }

    /// Marks a component unsupported (Block Public Access on a VPC, …).
    pub fn unsupported(mut self, component: &str, reason: &str) -> Self {
        self.net.unsupported.push(Unsupported {
            component: component.into(),
            reason: reason.into(),
            provenance: prov(component),
        });
        self
    }

    /// Edge-associates a route table with an internet gateway (RT-18).
    pub fn edge_associate(mut self, rtb: &str, igw: &str) -> Self {
        self.net
            .route_tables
            .get_mut(&RouteTableId::new(rtb))
            .unwrap()
            .gateways
            .push(EdgeAssociation::InternetGateway(igw.into()));
        self
    }

    /// Runs ingest's shared normalisation (local routes, blackholes, unsupported) and indexes.
    pub fn build(self) -> Built {
        let mut net = self.net;
        vpcverify::ingest::finish(&mut net);
        let ix = NetworkIndex::new(&net);
        Built { net, ix }
    }
}

/// A finished network and its index.
#[derive(Debug)]
pub struct Built {
    /// The network.
    pub net: Network,
    /// Its index.
    pub ix: NetworkIndex,
}

impl Built {
    /// Traces a round trip from an interface.
    pub fn trace_eni(&self, eni: &str, p: Packet) -> Trace {
        sim::trace(&self.net, &self.ix, Start::Interface(eni.into()), p, false)
    }

    /// Traces a request only from an interface.
    pub fn trace_eni_one_way(&self, eni: &str, p: Packet) -> Trace {
        sim::trace(&self.net, &self.ix, Start::Interface(eni.into()), p, true)
    }

    /// Traces a round trip from an internet host.
    pub fn trace_internet(&self, p: Packet) -> Trace {
        sim::trace(&self.net, &self.ix, Start::Internet, p, false)
    }

    /// Traces a round trip from on premises through `vgw`.
    pub fn trace_onprem(&self, vgw: &str, p: Packet) -> Trace {
        sim::trace(&self.net, &self.ix, Start::OnPremises(vgw.into()), p, false)
    }
}

/// A TCP packet.
pub fn tcp(src: &str, src_port: u16, dst: &str, dst_port: u16) -> Packet {
    Packet::with_ports(proto::TCP, ip(src), src_port, ip(dst), dst_port)
}

/// A UDP packet.
pub fn udp(src: &str, src_port: u16, dst: &str, dst_port: u16) -> Packet {
    Packet::with_ports(proto::UDP, ip(src), src_port, ip(dst), dst_port)
}

/// An ICMP (or ICMPv6, for IPv6 addresses) echo request.
pub fn ping(src: &str, dst: &str) -> Packet {
    let s = ip(src);
    if s.is_ipv6() {
        Packet::icmp(proto::ICMPV6, s, ip(dst), 128, 0)
    } else {
        Packet::icmp(proto::ICMP, s, ip(dst), 8, 0)
    }
}

/// A packet of another protocol.
pub fn other(protocol: u8, src: &str, dst: &str) -> Packet {
    Packet::other(protocol, ip(src), ip(dst))
}

/// Asserts the round trip (or one-way request) is reachable.
#[track_caller]
pub fn assert_reachable(t: &Trace) {
    assert_eq!(t.status(), Status::Reachable, "{t:#?}");
}

/// Asserts the trace is unreachable, stopped at `id` of `kind` by `rule`; returns the block.
#[track_caller]
pub fn assert_blocked(t: &Trace, id: &str, kind: ComponentKind, rule: &str) -> Blocked {
    match t.status() {
        Status::Unreachable(b) => {
            assert_eq!(
                (b.id.as_str(), b.kind, b.rule.as_str()),
                (id, kind, rule),
                "{b:#?}\n{t:#?}"
            );
            b
        }
        other => panic!("expected unreachable at `{id}`, got {other:?}\n{t:#?}"),
    }
}

/// Asserts the trace is unknown because of `component`.
#[track_caller]
pub fn assert_unknown(t: &Trace, component: &str) {
    match t.status() {
        Status::Unknown { component: c, .. } => assert_eq!(c, component, "{t:#?}"),
        other => panic!("expected unknown at `{component}`, got {other:?}\n{t:#?}"),
    }
}

/// The ids of the hops of a leg, in order.
pub fn hop_ids(hops: &[Hop]) -> Vec<&str> {
    hops.iter().map(|h| h.id.as_str()).collect()
}

/// The seed lab of the tutorial, built by hand: `vpc-lab` 10.0.0.0/16 with a public subnet
/// (10.0.1.0/24, custom ACL `acl-public`: inbound tcp 80, 443, 22 from anywhere; outbound tcp 80,
/// 443 and 1024-65535 to anywhere) and a private subnet (10.0.2.0/24, default ACL), internet
/// gateway `igw-lab`, NAT gateway `nat-lab` (10.0.1.100, EIP 54.0.0.100), web server `eni-web`
/// (10.0.1.10, public 54.0.0.10, group `sg-web`: tcp 80/443 from anywhere), database `eni-db`
/// (10.0.2.20, group `sg-db`: tcp 3306 and icmp from `sg-web`). Public routes 0/0 to the internet
/// gateway; private routes 0/0 to the NAT gateway.
pub fn lab() -> Net {
    Net::new()
        .vpc("vpc-lab", "10.0.0.0/16")
        .subnet("subnet-public", "vpc-lab", "10.0.1.0/24")
        .subnet("subnet-private", "vpc-lab", "10.0.2.0/24")
        .igw("igw-lab", "vpc-lab")
        .nat("nat-lab", "subnet-public", "10.0.1.100", Some("54.0.0.100"))
        .route_table("rtb-public", "vpc-lab", &["subnet-public"])
        .route("rtb-public", "0.0.0.0/0", "igw-lab")
        .route_table("rtb-private", "vpc-lab", &["subnet-private"])
        .route("rtb-private", "0.0.0.0/0", "nat-lab")
        .acl("acl-public", "vpc-lab", &["subnet-public"])
        .acl_entry("acl-public", 100, "in", "allow", "tcp", "80", "0.0.0.0/0")
        .acl_entry("acl-public", 110, "in", "allow", "tcp", "443", "0.0.0.0/0")
        .acl_entry("acl-public", 120, "in", "allow", "tcp", "22", "0.0.0.0/0")
        .acl_entry("acl-public", 100, "out", "allow", "tcp", "80", "0.0.0.0/0")
        .acl_entry("acl-public", 110, "out", "allow", "tcp", "443", "0.0.0.0/0")
        .acl_entry("acl-public", 120, "out", "allow", "tcp", "1024-65535", "0.0.0.0/0")
        .sg("sg-web", "vpc-lab")
        .sg_in("sg-web", "tcp", "80", "0.0.0.0/0")
        .sg_in("sg-web", "tcp", "443", "0.0.0.0/0")
        .sg_out("sg-web", "all", "", "0.0.0.0/0")
        .sg("sg-db", "vpc-lab")
        .sg_in("sg-db", "tcp", "3306", "sg-web")
        .sg_in("sg-db", "icmp", "", "sg-web")
        .sg_out("sg-db", "all", "", "0.0.0.0/0")
        .eni("eni-web", "subnet-public", "10.0.1.10", &["sg-web"])
        .public_ip("eni-web", "54.0.0.10")
        .instance("i-web", &["eni-web"])
        .eni("eni-db", "subnet-private", "10.0.2.20", &["sg-db"])
        .instance("i-db", &["eni-db"])
}

/// An internet host address used by the tests.
pub const HOST: &str = "93.184.216.34";
/// A copy of the fixture directory `rel` in a fresh temporary directory, for tests that break or
/// rename one of its files. The copy holds the directory's files only (not subdirectories).
pub fn copy_fixture_dir(rel: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(path(rel)).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    dir
}

/// Reads a JSON file, lets `edit` change it, and writes it back.
pub fn edit_json(file: &std::path::Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(file, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

/// The exit code of `vpcverify query NETWORK ARGS`.
/// A copy of a spec (path relative to the repository), edited, in a temp dir.
pub fn spec_with(base: &str, edit: impl Fn(String) -> String) -> (tempfile::TempDir, PathBuf) {
    let text = std::fs::read_to_string(path(base)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spec.toml");
    std::fs::write(&file, edit(text)).unwrap();
    (dir, file)
}

/// Runs `vpcverify COMMAND NETWORK ARGS… --format json` from the repository root; returns (exit
/// code, JSON).
pub fn command_json(command: &str, network: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> (i32, serde_json::Value) {
    let out = vpcverify()
        .arg(command)
        .arg(network)
        .args(args)
        .args(["--format", "json"])
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

/// Runs `vpcverify query NETWORK ARGS… --format json`; returns (exit code, JSON).
pub fn query_json(network: &std::path::Path, args: &[&str]) -> (i32, serde_json::Value) {
    command_json("query", network, args)
}

pub fn query_code(network: &std::path::Path, args: &[&str]) -> i32 {
    vpcverify()
        .arg("query")
        .arg(network)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
        .status
        .code()
        .unwrap()
}

/// A question of tcp to one port, as `query --from FROM --to TO --port PORT` asks it.
pub fn tcp_question(from: &str, to: &str, port: u16) -> vpcverify::query::engine::QuerySpec {
    vpcverify::query::engine::QuerySpec {
        from: from.to_owned(),
        to: to.to_owned(),
        protocol: vpcverify::query::engine::ProtocolChoice::One(vpcverify::model::proto::TCP),
        port: Some(vpcverify::model::PortRange::single(port)),
        src_port: None,
        one_way: false,
        want_proof: false,
        budget: None,
        through: Vec::new(),
        avoid: Vec::new(),
    }
}
