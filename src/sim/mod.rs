//! The concrete packet simulator: the executable reference semantics of `SEMANTICS.md`.
//!
//! [`trace`] walks one packet from its start (an interface, or an external host on the internet
//! or on premises) through the modelled network, hop by hop, and then walks the reply back
//! (unless one-way or the request failed). Each leg reports the components it crossed
//! ([`Hop`]s, each with the rule that let the packet through) and how it ended: delivered (where,
//! and the packet as delivered), dropped (a [`Blocked`] naming the component, direction, rule,
//! reason and Reachability Analyzer code) or unknown (a construct the model does not interpret).
//!
//! Round trip (§1, J2): reachable iff the request is delivered and the reply is delivered back to
//! the source as the exact reverse of what the source sent ([`Trace::status`]).
//!
//! Owns: forwarding decisions for concrete packets. Must not touch: `smt` (and z3), printing.
//! It shares the model and small value types with the SMT engine, never decision code.
//!
//! Modules, one per concern:
//! - `filter`: network ACLs and security groups (NACL-4..7, SG-1..8, J14);
//! - `route`: route selection (RT-8..13, J5..J7);
//! - `shadow`: the explanation code of a drop at a subnet's route table, by the situation in the
//!   table (RT-21..RT-24);
//! - `flow`: replies, `nat_port`, translations (§1, NGW-2, NI-4, J3);
//! - `walk`: the leg state machine: emit, same subnet, route dispatch, subnet arrival (RT-16,
//!   NACL-8, J25, NI-2, SG-11, §3);
//! - `gateway`: internet, egress-only, NAT, VPN gateways, NAT instances, peering, gateway
//!   endpoints (IGW-*, V6-1, NGW-*, NI-*, PCX-*, GWE-*, VGW-3, §4, §5);
//! - `tgw`: transit gateways, their attachments and route tables (TGW-1..TGW-9, §5.9);
//! - `elb`: load balancers, their listeners and targets (ELB-1..ELB-12, §5.12).

/// Records a hop on the walk `$w` when it keeps its path (`trace`); a verdict-only walk
/// (`status`) evaluates none of the arguments, so it builds none of the hop's strings.
macro_rules! hop {
    ($w:expr, $id:expr, $kind:expr, $detail:expr, $dir:expr, $rule:expr $(,)?) => {
        if $w.record {
            $w.hop($id, $kind, $detail, $dir, $rule)
        }
    };
}

mod bpa;
mod elb;
mod filter;
mod filtering;
mod flow;
mod gateway;
mod internet;
mod onprem;
mod route;
mod shadow;
mod tgw;
mod walk;
pub mod waypoint;

pub use flow::{Translation, Translator, is_echo_request, nat_port, reply_to};

use crate::model::{
    Blocked, ComponentKind, Direction, Hop, Network, NetworkIndex, NetworkInterfaceId, Packet, TgwAttachmentId,
    VpcEndpointId, VpnGatewayId,
};
use serde::Serialize;
use walk::{Arrival, Halt, LegKind, Walker};
pub use walk::{Assumed, Bound};

/// Where a trace starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Start {
    /// A modelled network interface sends the packet (its source address is the packet's).
    Interface(NetworkInterfaceId),
    /// A host on the internet: it enters through the internet gateway that maps the destination
    /// (SEMANTICS.md §4).
    Internet,
    /// A host on premises: it enters through this virtual private gateway (§4, §5.8).
    OnPremises(VpnGatewayId),
    /// A host on premises: it enters a transit gateway through this VPN or Direct Connect
    /// gateway attachment (§5.11, ONP-5).
    OnPremisesVia(TgwAttachmentId),
}

/// Where a leg delivered its packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Place {
    /// To a modelled network interface.
    Interface {
        /// The interface.
        id: NetworkInterfaceId,
    },
    /// To a host on the internet, leaving through this internet or egress-only gateway.
    Internet {
        /// `igw-…` or `eigw-…`.
        gateway: String,
    },
    /// To a host on premises, through this virtual private gateway.
    OnPremises {
        /// `vgw-…`.
        gateway: VpnGatewayId,
    },
    /// To a host on premises, through this VPN or Direct Connect gateway attachment of a transit
    /// gateway (ONP-5).
    OnPremisesVia {
        /// `tgw-attach-…`.
        attachment: TgwAttachmentId,
    },
    /// To an AWS service, through this gateway endpoint.
    AwsService {
        /// `vpce-…`.
        endpoint: VpcEndpointId,
    },
}

impl Place {
    /// The id of the interface or gateway.
    pub fn id(&self) -> &str {
        match self {
            Place::Interface { id } => id.as_str(),
            Place::Internet { gateway } => gateway,
            Place::OnPremises { gateway } => gateway.as_str(),
            Place::OnPremisesVia { attachment } => attachment.as_str(),
            Place::AwsService { endpoint } => endpoint.as_str(),
        }
    }

    /// The kind of component the id names.
    pub fn kind(&self) -> ComponentKind {
        match self {
            Place::Interface { .. } => ComponentKind::NetworkInterface,
            // An AWS id, or a Terraform plan's address (`module.x.aws_egress_only_internet_gateway.y`).
            Place::Internet { gateway }
                if gateway.starts_with("eigw-") || gateway.contains("aws_egress_only_internet_gateway.") =>
            {
                ComponentKind::EgressOnlyInternetGateway
            }
            Place::Internet { .. } => ComponentKind::InternetGateway,
            Place::OnPremises { .. } => ComponentKind::VpnGateway,
            Place::OnPremisesVia { .. } => ComponentKind::TransitGatewayAttachment,
            Place::AwsService { .. } => ComponentKind::VpcEndpoint,
        }
    }
}

/// How a leg ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum LegOutcome {
    /// Delivered at `at`, as `packet`.
    Delivered {
        /// Where.
        at: Place,
        /// The packet as delivered (after every translation on the way).
        packet: Packet,
    },
    /// Dropped by a component.
    Dropped {
        /// The component, direction, rule, reason and code.
        blocked: Blocked,
    },
    /// The walk reached a construct the model does not interpret.
    Unknown {
        /// Its id.
        component: String,
        /// Why the answer is unknown.
        reason: String,
    },
}

/// One leg (request or reply) of a trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leg {
    /// The packet as its sender sent it.
    pub packet: Packet,
    /// The components crossed, in order, up to the delivery or the drop.
    pub hops: Vec<Hop>,
    /// How it ended.
    pub outcome: LegOutcome,
    /// When a security group or network ACL dropped the leg: the packet as that filter saw it
    /// (after every translation before it).
    #[serde(skip)]
    pub at_drop: Option<Packet>,
}

/// The request leg and, unless one-way or the request failed, the reply leg.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// Where the request started.
    pub start: Start,
    /// True when only the request leg counts.
    pub one_way: bool,
    /// The request.
    pub request: Leg,
    /// The reply (absent one-way or when the request was not delivered).
    pub reply: Option<Leg>,
    /// The translations the request leg made (NAT gateways, NAT instances).
    pub translations: Vec<Translation>,
    /// Filters the input does not settle that the walk assumed to admit the packet, on either
    /// leg ([`Bound::Admit`]; always empty under [`Bound::Stop`]).
    pub assumed: Vec<Assumed>,
}

/// The verdict of a trace (§1, J2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The request was delivered (and, round trip, its reply came back as the exact reverse).
    Reachable,
    /// Some component stopped the request or the reply.
    Unreachable(Blocked),
    /// A construct the model does not interpret lies on the path.
    Unknown {
        /// Its id.
        component: String,
        /// Why.
        reason: String,
    },
}

impl Trace {
    /// Reachable iff the request is delivered and (round trip) the reply is delivered back to the
    /// place the request started from, as the exact reverse of the request as sent (§1).
    pub fn status(&self) -> Status {
        match &self.request.outcome {
            LegOutcome::Dropped { blocked } => return Status::Unreachable(blocked.clone()),
            LegOutcome::Unknown { component, reason } => {
                return Status::Unknown {
                    component: component.clone(),
                    reason: reason.clone(),
                };
            }
            LegOutcome::Delivered { .. } if self.one_way => return Status::Reachable,
            LegOutcome::Delivered { .. } => {}
        }
        let Some(reply) = &self.reply else {
            return Status::Unknown {
                component: self.request.packet.dst_ip.to_string(),
                reason: "the reply was not walked".into(),
            };
        };
        match &reply.outcome {
            LegOutcome::Dropped { blocked } => Status::Unreachable(blocked.clone()),
            LegOutcome::Unknown { component, reason } => Status::Unknown {
                component: component.clone(),
                reason: reason.clone(),
            },
            LegOutcome::Delivered { at, packet } => self.judge_return(at, packet),
        }
    }

    /// §1: the reply must come back to where the request started, as the exact reverse of it.
    fn judge_return(&self, at: &Place, packet: &Packet) -> Status {
        let expected = reply_to(&self.request.packet);
        let back_home = match (&self.start, at) {
            (Start::Interface(src), Place::Interface { id }) => src == id,
            (Start::Internet, Place::Internet { .. }) => true,
            (Start::OnPremises(g), Place::OnPremises { gateway }) => g == gateway,
            (Start::OnPremisesVia(a), Place::OnPremisesVia { attachment }) => a == attachment,
            _ => false,
        };
        if back_home && expected.as_ref() == Some(packet) {
            return Status::Reachable;
        }
        let wanted = expected.map_or_else(|| "nothing".to_owned(), |p| p.to_string());
        Status::Unreachable(Blocked::new(
            at.id(),
            at.kind(),
            Some(Direction::Inbound),
            "J2",
            format!(
                "the reply arrives at `{}` as {packet}, not as the reverse of the request ({wanted}): the connection does not complete",
                at.id()
            ),
            "NO_PATH",
        ))
    }
}

/// Walks `packet` from `start` through `net` and, unless `one_way` or the request was not
/// delivered, walks the reply back (SEMANTICS.md §1-§7). A filter the input does not settle
/// stops the walk, answering unknown there ([`Bound::Stop`]).
///
/// `ix` must be the index of `net`. The packet's source is taken as given: for an interface
/// start, a source that is not one of its addresses meets the source/destination check (NI-2).
pub fn trace(net: &Network, ix: &NetworkIndex, start: Start, packet: Packet, one_way: bool) -> Trace {
    walk(net, ix, start, packet, one_way, true, Bound::Stop, None)
}

/// [`trace`], where load balancers carry requests only to the given targets (a question about
/// those targets through the load balancers in front of them, SEMANTICS.md §5.12); `None` is
/// [`trace`] itself.
pub fn trace_to_targets(
    net: &Network,
    ix: &NetworkIndex,
    start: Start,
    packet: Packet,
    one_way: bool,
    targets: Option<&[NetworkInterfaceId]>,
) -> Trace {
    walk(net, ix, start, packet, one_way, true, Bound::Stop, targets)
}

/// [`trace_admitting`] with [`trace_to_targets`]'s restriction.
pub fn trace_admitting_to_targets(
    net: &Network,
    ix: &NetworkIndex,
    start: Start,
    packet: Packet,
    one_way: bool,
    targets: Option<&[NetworkInterfaceId]>,
) -> Trace {
    walk(net, ix, start, packet, one_way, true, Bound::Admit, targets)
}

/// [`trace`], with every filter the input does not settle assumed to admit the packet
/// ([`Bound::Admit`], BOUND-1): the upper bound of what the packet can do. The assumptions made
/// are in [`Trace::assumed`].
pub fn trace_admitting(net: &Network, ix: &NetworkIndex, start: Start, packet: Packet, one_way: bool) -> Trace {
    walk(net, ix, start, packet, one_way, true, Bound::Admit, None)
}

/// The verdict of [`trace`] for the same arguments, without the hop-by-hop path: the same walk,
/// which skips building the hops' descriptions (the bulk of a trace's cost). For callers that
/// need only the answer, such as differential tests sending many packets.
pub fn status(net: &Network, ix: &NetworkIndex, start: Start, packet: Packet, one_way: bool) -> Status {
    walk(net, ix, start, packet, one_way, false, Bound::Stop, None).status()
}

/// The packet's verdict with filters the input does not settle decided both ways (BOUND-2):
/// reachable when it gets through with every such filter dropping what it might drop (it meets
/// none then); unreachable when it does not get through even with every such filter admitting
/// it; otherwise unknown, naming the first filter it relied on.
pub fn bounded_status(net: &Network, ix: &NetworkIndex, start: Start, packet: Packet, one_way: bool) -> Status {
    bounded_status_to_targets(net, ix, start, packet, one_way, None)
}

/// [`bounded_status`] with [`trace_to_targets`]'s restriction.
pub fn bounded_status_to_targets(
    net: &Network,
    ix: &NetworkIndex,
    start: Start,
    packet: Packet,
    one_way: bool,
    targets: Option<&[NetworkInterfaceId]>,
) -> Status {
    let stop = walk(net, ix, start.clone(), packet, one_way, false, Bound::Stop, targets).status();
    if !matches!(stop, Status::Unknown { .. }) {
        return stop;
    }
    let admit = walk(net, ix, start, packet, one_way, false, Bound::Admit, targets);
    let Some(first) = admit.assumed.first().cloned() else {
        return stop;
    };
    match admit.status() {
        Status::Unreachable(b) => Status::Unreachable(b),
        Status::Reachable => Status::Unknown {
            component: first.component,
            reason: first.reason,
        },
        unknown @ Status::Unknown { .. } => unknown,
    }
}

/// Both legs; `record` keeps their hops.
#[allow(
    clippy::too_many_arguments,
    reason = "one private entry point behind the public ones"
)]
fn walk(
    net: &Network,
    ix: &NetworkIndex,
    start: Start,
    packet: Packet,
    one_way: bool,
    record: bool,
    bound: Bound,
    targets: Option<&[NetworkInterfaceId]>,
) -> Trace {
    let mut walker = Walker::new(net, ix, LegKind::Request);
    walker.record = record;
    walker.bound = bound;
    walker.lb_targets = targets.map(<[NetworkInterfaceId]>::to_vec);
    let flow = walker.start(&start, packet);
    let (request_outcome, arrival) = outcome_of(flow);
    let at_drop = filter_drop(&request_outcome, walker.filtered);
    let request = Leg {
        packet,
        hops: std::mem::take(&mut walker.hops),
        outcome: request_outcome,
        at_drop,
    };
    let translations = walker.translations.clone();
    let (reply, assumed) = match arrival {
        Some(arrival) if !one_way => {
            let (leg, assumed) = walk_reply(walker, arrival);
            (Some(leg), assumed)
        }
        _ => (None, walker.assumed),
    };
    Trace {
        start,
        one_way,
        request,
        reply,
        translations,
        assumed,
    }
}

/// The reply leg: the receiver answers the packet as it arrived (§1). Returns it with the
/// assumptions of both legs.
fn walk_reply(request_walker: Walker<'_>, arrival: Arrival) -> (Leg, Vec<Assumed>) {
    let (place, delivered) = arrival.parts();
    let Some(reply_packet) = reply_to(&delivered) else {
        let leg = Leg {
            packet: delivered,
            hops: Vec::new(),
            outcome: LegOutcome::Unknown {
                component: place.id().to_owned(),
                reason: format!(
                    "{delivered} has no reply: only ICMP echo requests are asked a round trip; trace it one-way"
                ),
            },
            at_drop: None,
        };
        return (leg, request_walker.assumed);
    };
    let mut walker = request_walker.into_reply();
    let flow = walker.reply_from(&place, reply_packet);
    let (outcome, _) = outcome_of(flow);
    let at_drop = filter_drop(&outcome, walker.filtered);
    let leg = Leg {
        packet: reply_packet,
        hops: walker.hops,
        outcome,
        at_drop,
    };
    (leg, walker.assumed)
}

/// The packet a filter dropped, when a filter ended the leg.
fn filter_drop(outcome: &LegOutcome, filtered: Option<Packet>) -> Option<Packet> {
    match outcome {
        LegOutcome::Dropped { blocked }
            if matches!(blocked.kind, ComponentKind::NetworkAcl | ComponentKind::SecurityGroup) =>
        {
            filtered
        }
        _ => None,
    }
}

fn outcome_of(flow: Result<Arrival, Halt>) -> (LegOutcome, Option<Arrival>) {
    match flow {
        Ok(arrival) => {
            let (at, packet) = arrival.clone().parts();
            (LegOutcome::Delivered { at, packet }, Some(arrival))
        }
        Err(Halt::Dropped(blocked)) => (LegOutcome::Dropped { blocked }, None),
        Err(Halt::Unknown { component, reason }) => (LegOutcome::Unknown { component, reason }, None),
    }
}
