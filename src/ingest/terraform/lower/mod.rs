//! Lowering the merged Terraform world into [`Network`].
//!
//! Owns: typed access to attribute values that may be unknown until apply (`after` +
//! `after_unknown`), turning a reference attribute into a model id (known value first, then
//! the configuration's references, type-filtered: `nat_gateway_id` only accepts an
//! `aws_nat_gateway`, `gateway_id` an `aws_internet_gateway` or `aws_vpn_gateway`, …), the model
//! id of every resource (its AWS id when known, else its Terraform address), and the order in
//! which resource families are lowered. Ambiguous references are reported and never guessed;
//! unresolved ones are reported and never dropped silently.

mod bpa;
mod elb;
mod filter;
mod flowlog;
mod iface;
mod onprem;
mod routing;
mod tgw;
mod vpc;

use super::document::{Document, Inst};
use super::refs::{self, Config};
use crate::model::{Diagnostic, Network, Provenance};
use serde_json::Value;
use std::collections::BTreeMap;

/// Resource types this loader lowers (managed mode).
pub const SUPPORTED: &[&str] = &[
    "aws_vpc",
    "aws_vpc_ipv4_cidr_block_association",
    "aws_vpc_ipv6_cidr_block_association",
    "aws_subnet",
    "aws_route_table",
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_default_route_table",
    "aws_network_acl",
    "aws_network_acl_rule",
    "aws_network_acl_association",
    "aws_default_network_acl",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_default_security_group",
    "aws_internet_gateway",
    "aws_internet_gateway_attachment",
    "aws_egress_only_internet_gateway",
    "aws_vpn_gateway",
    "aws_vpn_gateway_attachment",
    "aws_nat_gateway",
    "aws_eip",
    "aws_eip_association",
    "aws_instance",
    "aws_network_interface",
    "aws_network_interface_attachment",
    "aws_network_interface_sg_attachment",
    "aws_vpc_peering_connection",
    "aws_vpc_peering_connection_accepter",
    "aws_vpc_endpoint",
    "aws_vpc_endpoint_route_table_association",
    "aws_ec2_managed_prefix_list",
    "aws_ec2_managed_prefix_list_entry",
    "aws_ec2_transit_gateway",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_vpc_block_public_access_options",
    "aws_vpc_block_public_access_exclusion",
    "aws_ec2_transit_gateway_route_table",
    "aws_ec2_transit_gateway_route",
    "aws_ec2_transit_gateway_route_table_association",
    "aws_ec2_transit_gateway_route_table_propagation",
    "aws_ec2_transit_gateway_peering_attachment",
    "aws_ec2_transit_gateway_peering_attachment_accepter",
    "aws_vpn_connection",
    "aws_vpn_connection_route",
    "aws_customer_gateway",
    "aws_dx_gateway",
    "aws_dx_gateway_association",
    "aws_vpn_gateway_route_propagation",
    "aws_lb",
    "aws_alb",
    "aws_lb_listener",
    "aws_alb_listener",
    "aws_lb_target_group",
    "aws_alb_target_group",
    "aws_lb_target_group_attachment",
    "aws_alb_target_group_attachment",
    "aws_elb",
    "aws_flow_log",
];

/// Data sources this loader reads (they feed prefix lists).
pub const SUPPORTED_DATA: &[&str] = &["aws_prefix_list", "aws_ec2_managed_prefix_list"];

/// A value that may be unknown until apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<T> {
    /// Known now.
    Known(T),
    /// Unknown until apply.
    Unknown,
    /// Null, empty or missing.
    Absent,
}

impl<T> Val<T> {
    /// The known value.
    pub fn known(self) -> Option<T> {
        match self {
            Val::Known(t) => Some(t),
            _ => None,
        }
    }

    /// True when unknown until apply.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Val::Unknown)
    }
}

/// An object of known values with its `after_unknown` mirror.
#[derive(Debug, Clone, Copy)]
pub struct Obj<'a> {
    v: &'a Value,
    u: &'a Value,
}

impl<'a> Obj<'a> {
    /// The resource's top-level object.
    pub fn of(inst: &'a Inst) -> Self {
        Obj {
            v: &inst.values,
            u: &inst.unknown,
        }
    }

    fn unknown(&self, k: &str) -> bool {
        self.u == &Value::Bool(true) || self.u.get(k) == Some(&Value::Bool(true))
    }

    /// The raw known value of `k`.
    pub fn raw(&self, k: &str) -> Val<&'a Value> {
        if self.unknown(k) {
            return Val::Unknown;
        }
        match self.v.get(k) {
            None | Some(Value::Null) => Val::Absent,
            Some(x) => Val::Known(x),
        }
    }

    /// A non-empty string (numbers are printed).
    pub fn s(&self, k: &str) -> Val<String> {
        match self.raw(k) {
            Val::Known(Value::String(s)) if !s.is_empty() => Val::Known(s.clone()),
            Val::Known(Value::Number(n)) => Val::Known(n.to_string()),
            Val::Unknown => Val::Unknown,
            _ => Val::Absent,
        }
    }

    /// A boolean (`"true"` accepted).
    pub fn b(&self, k: &str) -> Val<bool> {
        match self.raw(k) {
            Val::Known(Value::Bool(b)) => Val::Known(*b),
            Val::Known(Value::String(s)) if s == "true" || s == "false" => Val::Known(s == "true"),
            Val::Unknown => Val::Unknown,
            _ => Val::Absent,
        }
    }

    /// An integer (numeric strings accepted).
    pub fn i(&self, k: &str) -> Val<i64> {
        match self.raw(k) {
            Val::Known(Value::Number(n)) => n.as_i64().map(Val::Known).unwrap_or(Val::Absent),
            Val::Known(Value::String(s)) => s.trim().parse().map(Val::Known).unwrap_or(Val::Absent),
            Val::Unknown => Val::Unknown,
            _ => Val::Absent,
        }
    }

    /// The known non-empty strings of a list or set, and whether any element (or the whole
    /// list) is unknown.
    pub fn strs(&self, k: &str) -> (Vec<String>, bool) {
        if self.unknown(k) {
            return (Vec::new(), true);
        }
        let u = self.u.get(k);
        let mut out = Vec::new();
        let mut unknown = false;
        if let Some(items) = self.v.get(k).and_then(Value::as_array) {
            for (i, x) in items.iter().enumerate() {
                if u.and_then(|u| u.get(i)) == Some(&Value::Bool(true)) {
                    unknown = true;
                } else if let Some(s) = x.as_str().filter(|s| !s.is_empty()) {
                    out.push(s.to_owned());
                }
            }
        }
        if let Some(Value::Array(us)) = u
            && us.len() > self.v.get(k).and_then(Value::as_array).map_or(0, Vec::len)
        {
            unknown = true;
        }
        (out, unknown)
    }

    /// The nested objects of a set or list of blocks, each with its `after_unknown` at the same
    /// list position, and whether the whole set is unknown.
    pub fn blocks(&self, k: &str) -> (Vec<Obj<'a>>, bool) {
        if self.unknown(k) {
            return (Vec::new(), true);
        }
        let u = self.u.get(k);
        let mut out = Vec::new();
        let items: &'a [Value] = match self.v.get(k) {
            Some(Value::Array(a)) => a.as_slice(),
            Some(o @ Value::Object(_)) => std::slice::from_ref(o),
            _ => &[],
        };
        for (i, x) in items.iter().enumerate() {
            if !x.is_object() {
                continue;
            }
            let ux = match u {
                Some(Value::Array(us)) => us.get(i).unwrap_or(&Value::Null),
                Some(o @ Value::Object(_)) => o,
                _ => &Value::Null,
            };
            out.push(Obj { v: x, u: ux });
        }
        (out, false)
    }
}

/// The kind of model object a reference attribute can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `aws_vpc`.
    Vpc,
    /// `aws_subnet`.
    Subnet,
    /// `aws_route_table`, `aws_default_route_table`, a VPC's main table.
    RouteTable,
    /// `aws_network_acl`, `aws_default_network_acl`, a VPC's default ACL.
    NetworkAcl,
    /// `aws_security_group`, `aws_default_security_group`, a VPC's default group.
    SecurityGroup,
    /// `aws_internet_gateway`.
    InternetGateway,
    /// `aws_egress_only_internet_gateway`.
    EgressOnly,
    /// `aws_vpn_gateway`.
    VpnGateway,
    /// `aws_ec2_transit_gateway`.
    TransitGateway,
    /// `aws_ec2_transit_gateway_vpc_attachment`.
    TgwAttachment,
    /// `aws_ec2_transit_gateway_route_table`, a transit gateway's default table.
    TgwRouteTable,
    /// `aws_ec2_transit_gateway_peering_attachment` (and its accepter).
    TgwPeering,
    /// `aws_nat_gateway`.
    NatGateway,
    /// `aws_instance`.
    Instance,
    /// `aws_network_interface`, an instance's primary interface.
    NetworkInterface,
    /// `aws_vpc_peering_connection` (and its accepter).
    Peering,
    /// `aws_vpc_endpoint`.
    VpcEndpoint,
    /// Managed prefix lists, the prefix-list data sources, a gateway endpoint's list.
    PrefixList,
    /// `aws_eip`.
    Eip,
    /// `aws_vpn_connection`.
    VpnConnection,
    /// `aws_dx_gateway`.
    DxGateway,
    /// `aws_lb`, `aws_alb`, `aws_elb`.
    LoadBalancer,
    /// `aws_lb_target_group`, `aws_alb_target_group`.
    TargetGroup,
}

impl Kind {
    /// The noun used in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Vpc => "vpc",
            Kind::Subnet => "subnet",
            Kind::RouteTable => "route table",
            Kind::NetworkAcl => "network acl",
            Kind::SecurityGroup => "security group",
            Kind::InternetGateway => "internet gateway",
            Kind::EgressOnly => "egress-only internet gateway",
            Kind::VpnGateway => "vpn gateway",
            Kind::TransitGateway => "transit gateway",
            Kind::TgwAttachment => "transit gateway attachment",
            Kind::TgwRouteTable => "transit gateway route table",
            Kind::TgwPeering => "transit gateway peering attachment",
            Kind::NatGateway => "nat gateway",
            Kind::Instance => "instance",
            Kind::NetworkInterface => "network interface",
            Kind::Peering => "peering connection",
            Kind::VpcEndpoint => "vpc endpoint",
            Kind::PrefixList => "prefix list",
            Kind::Eip => "elastic ip",
            Kind::VpnConnection => "vpn connection",
            Kind::DxGateway => "direct connect gateway",
            Kind::LoadBalancer => "load balancer",
            Kind::TargetGroup => "target group",
        }
    }
}

/// What a reference attribute turned out to name.
#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    /// Not set.
    Absent,
    /// A value known now (an AWS id, or text).
    Known(String),
    /// Unknown until apply, resolved through the configuration to one model object.
    Found(Kind, String),
    /// Unknown, and the configuration names several acceptable candidates (addresses).
    Ambiguous(Vec<String>),
    /// Unknown, and no acceptable candidate was found (the references seen, for the message).
    Unresolved(Vec<String>),
}

impl Pick {
    /// The model id, when there is exactly one.
    pub fn id(&self) -> Option<&str> {
        match self {
            Pick::Known(s) | Pick::Found(_, s) => Some(s),
            _ => None,
        }
    }
}

/// Model ids of the implicit objects of one VPC (or of the `aws_default_*` resources that adopt
/// them).
#[derive(Debug, Clone, Default)]
pub struct VpcDefaults {
    /// The VPC's model id.
    pub vpc: String,
    /// Main route table id.
    pub route_table: String,
    /// Address of the `aws_default_route_table` adopting it.
    pub route_table_adopter: Option<String>,
    /// Default network ACL id.
    pub network_acl: String,
    /// Address of the `aws_default_network_acl` adopting it.
    pub network_acl_adopter: Option<String>,
    /// Default security group id.
    pub security_group: String,
    /// Address of the `aws_default_security_group` adopting it.
    pub security_group_adopter: Option<String>,
}

/// The lowering context: the world, the configuration, ids, and the network being built.
#[derive(Debug)]
pub struct Lx<'a> {
    /// Input file, for provenance and diagnostics.
    pub file: &'a str,
    /// The merged world.
    pub doc: &'a Document,
    /// Its configuration.
    pub cfg: Config,
    /// Model id by instance address.
    pub ids: BTreeMap<String, String>,
    /// Implicit objects by VPC address.
    pub defaults: BTreeMap<String, VpcDefaults>,
    /// Gateway endpoint address to its prefix list id.
    pub endpoint_pl: BTreeMap<String, String>,
    /// Instance address to its primary interface id.
    pub primary_eni: BTreeMap<String, String>,
    /// The network being built.
    pub net: Network,
    /// Findings.
    pub diags: Vec<Diagnostic>,
}

/// Lowers a parsed document.
pub fn lower(file: &str, doc: &Document) -> (Network, Vec<Diagnostic>) {
    let mut lx = Lx {
        file,
        doc,
        cfg: Config::new(&doc.configuration),
        ids: BTreeMap::new(),
        defaults: BTreeMap::new(),
        endpoint_pl: BTreeMap::new(),
        primary_eni: BTreeMap::new(),
        net: Network::default(),
        diags: Vec::new(),
    };
    lx.assign_ids();
    vpc::vpcs(&mut lx);
    vpc::subnets(&mut lx);
    super::implicit::synthesise(&mut lx);
    vpc::gateways(&mut lx);
    tgw::transit_gateways(&mut lx);
    vpc::prefix_lists(&mut lx);
    filter::security_groups(&mut lx);
    routing::route_tables(&mut lx);
    filter::network_acls(&mut lx);
    iface::interfaces(&mut lx);
    vpc::endpoints(&mut lx);
    vpc::peerings(&mut lx);
    bpa::block_public_access(&mut lx);
    flowlog::flow_logs(&mut lx);
    onprem::onprem(&mut lx);
    elb::load_balancers(&mut lx);
    lx.warn_unsupported();
    super::examples::assign(&mut lx);
    (lx.net, lx.diags)
}

impl<'a> Lx<'a> {
    /// Instances of one resource type (managed mode), in address order.
    pub fn of_type(&self, t: &'a str) -> impl Iterator<Item = &'a Inst> + 'a {
        self.doc
            .instances
            .values()
            .filter(move |i| !i.is_data() && i.rtype() == t)
    }

    /// The model id of an instance address.
    pub fn id(&self, address: &str) -> String {
        self.ids.get(address).cloned().unwrap_or_else(|| address.to_owned())
    }

    /// Provenance of a whole resource instance.
    pub fn prov(&self, inst: &Inst) -> Provenance {
        Provenance::resource(self.file, inst.address.clone())
    }

    /// A warning about a resource.
    pub fn warn(&mut self, code: &str, address: &str, message: String) {
        self.diags
            .push(Diagnostic::warning(code, message).in_file(self.file).on(address));
    }

    /// An error about a resource.
    pub fn error(&mut self, code: &str, address: &str, message: String) {
        self.diags
            .push(Diagnostic::error(code, message).in_file(self.file).on(address));
    }

    fn assign_ids(&mut self) {
        for inst in self.doc.instances.values() {
            let o = Obj::of(inst);
            let known = match inst.rtype() {
                "aws_eip" => o.s("allocation_id").known().or_else(|| o.s("id").known()),
                _ => o.s("id").known(),
            };
            self.ids
                .insert(inst.address.clone(), known.unwrap_or_else(|| inst.address.clone()));
        }
        // An accepter's id is its peering connection's.
        let accepters: Vec<(String, String)> = self
            .of_type("aws_vpc_peering_connection_accepter")
            .filter_map(|a| {
                let p = self.pick(a, Obj::of(a), &["vpc_peering_connection_id"], &[Kind::Peering]);
                p.id().map(|id| (a.address.clone(), id.to_owned()))
            })
            .collect();
        self.ids.extend(accepters);
        for v in self.of_type("aws_vpc") {
            let o = Obj::of(v);
            let rt = o
                .s("default_route_table_id")
                .known()
                .or_else(|| o.s("main_route_table_id").known());
            let d = VpcDefaults {
                vpc: self.id(&v.address),
                route_table: rt.unwrap_or_else(|| format!("{}.default_route_table_id", v.address)),
                route_table_adopter: None,
                network_acl: o
                    .s("default_network_acl_id")
                    .known()
                    .unwrap_or_else(|| format!("{}.default_network_acl_id", v.address)),
                network_acl_adopter: None,
                security_group: o
                    .s("default_security_group_id")
                    .known()
                    .unwrap_or_else(|| format!("{}.default_security_group_id", v.address)),
                security_group_adopter: None,
            };
            self.defaults.insert(v.address.clone(), d);
        }
        self.adopt("aws_default_route_table", "default_route_table_id");
        self.adopt("aws_default_network_acl", "default_network_acl_id");
        self.adopt("aws_default_security_group", "vpc_id");
        // Gateway endpoints: their service's prefix list. AWS has one list per service and
        // region, so endpoints of one service whose list id is unknown share one: the first
        // endpoint's `prefix_list_id`.
        let mut by_service: BTreeMap<String, String> = BTreeMap::new();
        for e in self.of_type("aws_vpc_endpoint") {
            let o = Obj::of(e);
            let service = o.s("service_name").known().unwrap_or_default();
            let pl = o
                .s("prefix_list_id")
                .known()
                .or_else(|| self.data_prefix_list(&service))
                .unwrap_or_else(|| {
                    by_service
                        .entry(service.clone())
                        .or_insert_with(|| format!("{}.prefix_list_id", e.address))
                        .clone()
                });
            self.endpoint_pl.insert(e.address.clone(), pl);
        }
        // Instances: their primary interface.
        let mut primaries = Vec::new();
        for i in self.of_type("aws_instance") {
            let o = Obj::of(i);
            let mut eni = o.s("primary_network_interface_id").known();
            if eni.is_none() {
                let (blocks, _) = o.blocks("network_interface");
                for b in blocks {
                    if b.i("device_index").known() == Some(0) {
                        let p = self.pick(
                            i,
                            b,
                            &["network_interface", "network_interface_id"],
                            &[Kind::NetworkInterface],
                        );
                        eni = p.id().map(str::to_owned);
                    }
                }
            }
            primaries.push((
                i.address.clone(),
                eni.unwrap_or_else(|| format!("{}.primary_network_interface_id", i.address)),
            ));
        }
        self.primary_eni.extend(primaries);
    }

    /// Records which VPC an `aws_default_*` resource adopts the implicit object of.
    fn adopt(&mut self, rtype: &str, attr: &str) {
        let adopters: Vec<(String, Option<String>)> = self
            .of_type(rtype)
            .map(|a| (a.address.clone(), self.adopted_vpc(a, attr)))
            .collect();
        for (address, vpc) in adopters {
            let Some(vpc) = vpc else {
                self.warn(
                    "unresolved-reference",
                    &address,
                    format!(
                        "`{address}` adopts the default object of a vpc that is not in the input; it is not modelled"
                    ),
                );
                continue;
            };
            let id = self.id(&address);
            let Some(d) = self.defaults.get_mut(&vpc) else { continue };
            match rtype {
                "aws_default_route_table" => {
                    d.route_table = id;
                    d.route_table_adopter = Some(address);
                }
                "aws_default_network_acl" => {
                    d.network_acl = id;
                    d.network_acl_adopter = Some(address);
                }
                _ => {
                    d.security_group = id;
                    d.security_group_adopter = Some(address);
                }
            }
        }
    }

    /// The address of the VPC whose default object `a` adopts, from `attr` (a reference to
    /// `aws_vpc.x.default_*_id` or `aws_vpc.x.id`, or a known id).
    fn adopted_vpc(&self, a: &Inst, attr: &str) -> Option<String> {
        let o = Obj::of(a);
        if let Some(v) = o.s("vpc_id").known()
            && let Some(d) = self.defaults.iter().find(|(_, d)| d.vpc == v)
        {
            return Some(d.0.clone());
        }
        match o.s(attr) {
            Val::Known(id) => self
                .defaults
                .iter()
                .find(|(_, d)| d.route_table == id || d.network_acl == id || d.security_group == id || d.vpc == id)
                .map(|(k, _)| k.clone()),
            Val::Unknown => {
                let refs = self.cfg.references(a, &[attr])?;
                let cands = refs::resolve(&self.cfg, self.doc, &refs, &a.addr.module, a.addr.key.as_ref());
                let vpcs: Vec<String> = cands
                    .into_iter()
                    .filter(|c| {
                        self.doc
                            .instances
                            .get(&c.address)
                            .is_some_and(|i| i.rtype() == "aws_vpc")
                    })
                    .map(|c| c.address)
                    .collect();
                match vpcs.as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                }
            }
            Val::Absent => None,
        }
    }

    /// The id of the prefix-list data source naming `service`, if one was read.
    fn data_prefix_list(&self, service: &str) -> Option<String> {
        if service.is_empty() {
            return None;
        }
        self.doc
            .instances
            .values()
            .filter(|i| i.is_data() && SUPPORTED_DATA.contains(&i.rtype()))
            .find(|i| Obj::of(i).s("name").known().as_deref() == Some(service))
            .map(|i| self.id(&i.address))
    }

    /// True when `path` is unknown only because the attribute is computed: the configuration has
    /// the resource but sets nothing there (`aws_route.instance_id` of a route to a NAT gateway;
    /// the `route`, `ingress` and `egress` sets of a table, ACL or group whose rules are separate
    /// resources). Such a value is absent, not unresolved. (`dynamic` blocks are also missing
    /// from the configuration; their values are known in `after` unless their `for_each` is not.)
    pub fn computed_only(&self, inst: &Inst, path: &[&str]) -> bool {
        self.cfg.has_resource(inst) && self.cfg.references(inst, path).is_none()
    }

    /// What a reference attribute names: its known value, else the one acceptable candidate of
    /// its configuration references. `path` runs from the resource's top level to the field;
    /// `o` is the object holding the field.
    pub fn pick(&self, inst: &Inst, o: Obj<'_>, path: &[&str], want: &[Kind]) -> Pick {
        self.pick_depth(inst, o, path, want, 0)
    }

    fn pick_depth(&self, inst: &Inst, o: Obj<'_>, path: &[&str], want: &[Kind], depth: usize) -> Pick {
        let Some(leaf) = path.last() else { return Pick::Absent };
        match o.s(leaf) {
            Val::Known(s) => Pick::Known(s),
            Val::Absent => Pick::Absent,
            Val::Unknown if self.computed_only(inst, path) => Pick::Absent,
            Val::Unknown => {
                let found = self.candidates(inst, path, want, depth);
                match found {
                    Err(refs) => Pick::Unresolved(refs),
                    Ok(hits) => match hits.as_slice() {
                        [] => Pick::Unresolved(Vec::new()),
                        [(k, id, _)] => Pick::Found(*k, id.clone()),
                        many => Pick::Ambiguous(many.iter().map(|h| h.2.clone()).collect()),
                    },
                }
            }
        }
    }

    /// Every model object the references of `path` name among `want` kinds: `(kind, id,
    /// address)`, one per distinct id. `Err(refs)` when none is acceptable.
    fn candidates(
        &self,
        inst: &Inst,
        path: &[&str],
        want: &[Kind],
        depth: usize,
    ) -> Result<Vec<(Kind, String, String)>, Vec<String>> {
        let refs = self.cfg.references(inst, path).unwrap_or_default();
        let cands = refs::resolve(&self.cfg, self.doc, &refs, &inst.addr.module, inst.addr.key.as_ref());
        let mut hits: Vec<(Kind, String, String)> = Vec::new();
        for c in cands {
            if let Some((k, id)) = self.accept(&c, depth)
                && want.contains(&k)
                && !hits.iter().any(|h| h.1 == id)
            {
                hits.push((k, id, c.address.clone()));
            }
        }
        if hits.is_empty() { Err(refs) } else { Ok(hits) }
    }

    /// A list of references: known elements, plus (when the list is unknown) every acceptable
    /// candidate of its configuration references. The second value is set when the list is
    /// unknown and nothing acceptable was found (the references seen).
    pub fn pick_many(
        &self,
        inst: &Inst,
        o: Obj<'_>,
        path: &[&str],
        want: &[Kind],
    ) -> (Vec<String>, Option<Vec<String>>) {
        let Some(leaf) = path.last() else {
            return (Vec::new(), None);
        };
        let (mut ids, unknown) = o.strs(leaf);
        let mut unresolved = None;
        if unknown && !self.computed_only(inst, path) {
            match self.candidates(inst, path, want, 0) {
                Ok(hits) => {
                    for (_, id, _) in hits {
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                }
                Err(refs) => unresolved = Some(refs),
            }
        }
        (ids, unresolved)
    }

    /// The model object a candidate names, by its resource type and the attribute read.
    fn accept(&self, c: &refs::Candidate, depth: usize) -> Option<(Kind, String)> {
        let inst = self.doc.instances.get(&c.address)?;
        let attr = c.attr.as_deref().unwrap_or("id");
        let id = || self.id(&inst.address);
        let defaults = || self.defaults.get(&inst.address);
        let t = inst.rtype();
        if inst.is_data() {
            return (SUPPORTED_DATA.contains(&t) && matches!(attr, "id" | "prefix_list_id"))
                .then(|| (Kind::PrefixList, id()));
        }
        Some(match (t, attr) {
            ("aws_vpc", "id") => (Kind::Vpc, id()),
            (_, "vpc_id") if depth < 8 => {
                let p = self.pick_depth(inst, Obj::of(inst), &["vpc_id"], &[Kind::Vpc], depth + 1);
                (Kind::Vpc, p.id()?.to_owned())
            }
            ("aws_vpc", "main_route_table_id" | "default_route_table_id") => {
                (Kind::RouteTable, defaults()?.route_table.clone())
            }
            ("aws_vpc", "default_network_acl_id") => (Kind::NetworkAcl, defaults()?.network_acl.clone()),
            ("aws_vpc", "default_security_group_id") => (Kind::SecurityGroup, defaults()?.security_group.clone()),
            ("aws_subnet", "id") => (Kind::Subnet, id()),
            ("aws_route_table" | "aws_default_route_table", "id") => (Kind::RouteTable, id()),
            ("aws_network_acl" | "aws_default_network_acl", "id") => (Kind::NetworkAcl, id()),
            ("aws_security_group" | "aws_default_security_group", "id") => (Kind::SecurityGroup, id()),
            ("aws_internet_gateway", "id") => (Kind::InternetGateway, id()),
            ("aws_egress_only_internet_gateway", "id") => (Kind::EgressOnly, id()),
            ("aws_vpn_gateway", "id") => (Kind::VpnGateway, id()),
            ("aws_ec2_transit_gateway", "id") => (Kind::TransitGateway, id()),
            (
                "aws_ec2_transit_gateway",
                "association_default_route_table_id" | "propagation_default_route_table_id",
            ) => (Kind::TgwRouteTable, tgw::default_table_id(self, inst)),
            ("aws_ec2_transit_gateway_vpc_attachment", "id") => (Kind::TgwAttachment, id()),
            ("aws_ec2_transit_gateway_peering_attachment", "id") => (Kind::TgwPeering, id()),
            // The accepter's id is the peering attachment's.
            ("aws_ec2_transit_gateway_peering_attachment_accepter", "id" | "transit_gateway_attachment_id")
                if depth < 8 =>
            {
                let p = self.pick_depth(
                    inst,
                    Obj::of(inst),
                    &["transit_gateway_attachment_id"],
                    &[Kind::TgwPeering],
                    depth + 1,
                );
                (Kind::TgwPeering, p.id()?.to_owned())
            }
            ("aws_ec2_transit_gateway_route_table", "id") => (Kind::TgwRouteTable, id()),
            ("aws_nat_gateway", "id") => (Kind::NatGateway, id()),
            ("aws_instance", "id") => (Kind::Instance, id()),
            ("aws_instance", "primary_network_interface_id") => {
                (Kind::NetworkInterface, self.primary_eni.get(&inst.address)?.clone())
            }
            ("aws_network_interface", "id") => (Kind::NetworkInterface, id()),
            ("aws_vpc_peering_connection", "id")
            | ("aws_vpc_peering_connection_accepter", "id" | "vpc_peering_connection_id") => (Kind::Peering, id()),
            ("aws_vpc_endpoint", "id") => (Kind::VpcEndpoint, id()),
            ("aws_vpc_endpoint", "prefix_list_id") => (Kind::PrefixList, self.endpoint_pl.get(&inst.address)?.clone()),
            ("aws_ec2_managed_prefix_list", "id") => (Kind::PrefixList, id()),
            ("aws_eip", "id" | "allocation_id") => (Kind::Eip, id()),
            ("aws_vpn_connection", "id") => (Kind::VpnConnection, id()),
            ("aws_dx_gateway", "id") => (Kind::DxGateway, id()),
            ("aws_lb" | "aws_alb" | "aws_elb", "id" | "arn" | "name") => (Kind::LoadBalancer, id()),
            ("aws_lb_target_group" | "aws_alb_target_group", "id" | "arn") => (Kind::TargetGroup, id()),
            _ => return None,
        })
    }

    /// Reports an ambiguous or unresolved pick of `what` on `inst`; returns true when it did.
    pub fn report(&mut self, inst: &Inst, what: &str, kinds: &[Kind], p: &Pick) -> bool {
        let nouns: Vec<&str> = kinds.iter().map(|k| k.noun()).collect();
        match p {
            Pick::Ambiguous(c) => {
                let names: Vec<String> = c.iter().map(|a| format!("`{a}`")).collect();
                self.warn(
                    "ambiguous-reference",
                    &inst.address,
                    format!(
                        "`{what}` of `{}` is unknown until apply and its configuration references several candidates: {}; not guessing",
                        inst.address,
                        names.join(" and ")
                    ),
                );
                true
            }
            Pick::Unresolved(refs) => {
                let seen = if refs.is_empty() {
                    "no configuration reference".to_owned()
                } else {
                    format!(
                        "references {}",
                        refs.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
                    )
                };
                self.warn(
                    "unresolved-reference",
                    &inst.address,
                    format!(
                        "`{what}` of `{}` is unknown until apply and {seen} names a {}",
                        inst.address,
                        nouns.join(" or ")
                    ),
                );
                true
            }
            _ => false,
        }
    }

    fn warn_unsupported(&mut self) {
        let mut found: Vec<(String, String)> = Vec::new();
        for i in self.doc.instances.values() {
            let ok = if i.is_data() {
                true
            } else {
                SUPPORTED.contains(&i.rtype())
            };
            if !ok {
                found.push((i.address.clone(), i.rtype().to_owned()));
            }
        }
        for (address, t) in found {
            self.warn(
                "unsupported",
                &address,
                format!("resource type `{t}` of `{address}` is not modelled; it has no effect on reachability here"),
            );
        }
    }
}
