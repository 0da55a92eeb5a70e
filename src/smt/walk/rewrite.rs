//! Header rewriting and labels shared by the walk's steps: the NAT port mapping (SEMANTICS.md
//! §5.3), a reply matched to a translated request and the translation undone, the kind and label
//! of the gateway a leg left or entered by. Must not touch: the solver.

use super::Gate;
use crate::model::*;
use crate::smt::sym::*;
use z3::ast::{BV, Bool};

/// `nat_port` of SEMANTICS.md §5.3: ports from 1024 are kept, lower ones move up by 1024.
pub(crate) fn nat_port(p: &BV) -> BV {
    p.bvuge(u16c(1024)).ite(p, &p.bvadd(u16c(1024)))
}

/// The packet is the reply to `after` (a translated request): addresses and ports swapped.
pub(super) fn reverse_matches(p: &SymPacket, after: &SymPacket) -> Bool {
    all(&[
        p.proto.eq(&after.proto),
        p.dst.eq(&after.src),
        p.src.eq(&after.dst),
        p.has_ports()
            .implies(all(&[p.dport.eq(&after.sport), p.sport.eq(&after.dport)])),
    ])
}

/// Undoes a source translation on a reply: its destination becomes the original source.
pub(super) fn untranslate(p: &SymPacket, before: &SymPacket) -> SymPacket {
    let mut q = p.clone();
    q.dst = before.src.clone();
    q.dport = p.has_ports().ite(&before.sport, &p.dport);
    q
}

pub(super) fn gate_kind(g: &Gate) -> ComponentKind {
    match g {
        Gate::Igw(..) => ComponentKind::InternetGateway,
        Gate::Eigw(..) => ComponentKind::EgressOnlyInternetGateway,
        Gate::Vgw(..) => ComponentKind::VpnGateway,
        Gate::Vpce(..) => ComponentKind::VpcEndpoint,
        Gate::TgwOnprem(..) => ComponentKind::TransitGatewayAttachment,
    }
}

pub(super) fn external_label(g: &Gate) -> String {
    match g {
        Gate::Igw(..) | Gate::Eigw(..) => "internet".into(),
        Gate::Vgw(..) | Gate::TgwOnprem(..) => "on-premises".into(),
        Gate::Vpce(..) => "aws-service".into(),
    }
}
