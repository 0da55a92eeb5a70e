//! VPC Block Public Access over a symbolic packet (SEMANTICS.md §5.10, IGW-10, BPA-1..5): the
//! set of VPC-side addresses whose traffic the account's mode and exclusions let through an
//! internet or egress-only internet gateway, as a condition on the packet.
//!
//! Owns: the encoder's BPA decision. Must not touch: the simulator's (`sim/bpa.rs`), which
//! decides on its own; the gateways' address rules (`gateway`), which branch before this.
//! Uncertain BPA inputs (BPA-6) are unsupported entries on the VPC, handled in `gateway`.

use super::*;

/// How far an exclusion opens: 0 none, 1 `allow-egress`, 2 `allow-bidirectional`.
fn opening(m: BpaExclusionMode) -> u8 {
    match m {
        BpaExclusionMode::AllowEgress => 1,
        BpaExclusionMode::AllowBidirectional => 2,
    }
}

impl Walk<'_> {
    /// BPA-1..5 as a condition on `addr`, the packet's VPC-side address: true where the packet
    /// passes. `None` when BPA is absent or off (nothing to split on).
    fn bpa_allows(&self, addr: &BV, vpc: &VpcId, eigw: bool, from_inside: bool) -> Option<(Bool, BpaMode)> {
        let bpa = self.net.block_public_access.as_ref()?;
        if bpa.mode == BpaMode::Off {
            return None;
        }
        // The opening an exclusion list gives a resource (BPA-4: the widest applies).
        let open_of = |r: &BpaResource| -> u8 {
            if !bpa.exclusions_allowed {
                return 0;
            }
            bpa.exclusions
                .values()
                .filter(|e| &e.resource == r)
                .map(|e| opening(e.mode))
                .max()
                .unwrap_or(0)
        };
        let vpc_open = open_of(&BpaResource::Vpc(vpc.clone()));
        // Whether a place with opening `o` passes everything, or (block-ingress) only its NAT
        // gateways' connections.
        let passes = |o: u8| -> bool {
            match bpa.mode {
                BpaMode::Off => true,
                BpaMode::BlockBidirectional => o == 2 || (o == 1 && from_inside),
                BpaMode::BlockIngress => o == 2 || (from_inside && eigw),
            }
        };
        let nat_only = bpa.mode == BpaMode::BlockIngress && from_inside;
        let mut ok: Vec<Bool> = Vec::new();
        let mut blocks: Vec<Cidr> = Vec::new();
        for sid in self.ix.subnets_of(vpc) {
            let Some(s) = self.net.subnets.get(sid) else { continue };
            let block = match self.family {
                IpFamily::V4 => s.cidr_v4,
                IpFamily::V6 => s.cidr_v6,
            };
            let Some(block) = block else { continue };
            blocks.push(block);
            let o = vpc_open.max(open_of(&BpaResource::Subnet(sid.clone())));
            if passes(o) {
                ok.push(in_cidr(addr, &block));
            } else if nat_only {
                let nats: Vec<IpAddr> = self
                    .net
                    .nat_gateways
                    .values()
                    .filter(|n| &n.subnet == sid)
                    .flat_map(|n| n.addresses.iter().map(|a| IpAddr::V4(a.private_ip)))
                    .collect();
                ok.push(all(&[in_cidr(addr, &block), in_addrs(addr, nats.iter())]));
            }
        }
        if passes(vpc_open) {
            ok.push(in_any_cidr(addr, blocks.iter()).not());
        }
        Some((any(&ok), bpa.mode))
    }

    /// Splits `st` on BPA at gateway `g` (of `kind`) of `vpc`: the blocked side is a drop with
    /// `VPC_BLOCK_PUBLIC_ACCESS_ENABLED`, the other side goes on with `next`. `addr` is the
    /// packet's VPC-side address; `outbound` says it leaves the VPC here.
    #[allow(
        clippy::too_many_arguments,
        reason = "the gateway, its kind, its VPC and the side are what the drop names"
    )]
    pub(super) fn bpa_gate(
        &mut self,
        st: State,
        addr: BV,
        g: &str,
        kind: ComponentKind,
        vpc: &VpcId,
        outbound: bool,
        next: impl FnOnce(&mut Self, State),
    ) {
        let from_inside = match st.leg {
            Leg::Request => outbound,
            Leg::Reply => !outbound,
        };
        let eigw = kind == ComponentKind::EgressOnlyInternetGateway;
        let Some((ok, mode)) = self.bpa_allows(&addr, vpc, eigw, from_inside) else {
            return next(self, st);
        };
        let rule = match mode {
            BpaMode::BlockIngress => "BPA-3",
            _ => "BPA-2",
        };
        let direction = if outbound {
            Direction::Outbound
        } else {
            Direction::Inbound
        };
        let b = Blocked::new(
            g,
            kind,
            Some(direction),
            rule,
            format!(
                "VPC Block Public Access is `{}` in this account and Region, and no exclusion lets this packet's {} through `{g}`",
                mode.as_str(),
                if from_inside {
                    "connection (initiated from inside)"
                } else {
                    "connection (initiated from the internet)"
                }
            ),
            "VPC_BLOCK_PUBLIC_ACCESS_ENABLED",
        );
        self.branch(&st, ok.not(), |w, st| w.dropped(st, b));
        self.branch(&st, ok, next);
    }
}
