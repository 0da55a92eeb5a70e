//! Screening (the built-in pack's economy of questions): an assertion may name wider questions
//! ([`super::Screen`]: the same or wider endpoints and direction, more protocols or ports). The
//! run asks each wider question once, however many assertions name it, and keeps only whether
//! the engine answered it `unreachable`. An assertion expecting `unreachable` one of whose wider
//! questions is unreachable holds without being asked: every packet of its question is a packet
//! of the wider one, which the engine proved none gets through. A wider question answered
//! reachable or unknown settles nothing, and the assertion is asked itself. Never with proofs
//! asked for (a holding assertion's proof must be its own question's) nor with waypoints.
//!
//! Before the engine, each question (a wider one, or the assertion's own) is offered to the
//! screens decided on the model ([`crate::query::apart`], SCREEN-1 and SCREEN-2): a request that
//! no route can deliver, or that the destination's groups admit from no address it can see,
//! settles the question unreachable without Z3.
//!
//! Must not touch: z3, printing. The verdicts are the engine's (`query::waypoint::run`).

use super::run::RunOptions;
use super::suite::{Assertion, Expect, Screen};
use crate::model::{Network, NetworkIndex, PortRange};
use crate::query::VerdictKind;
use crate::query::apart::Apart;
use crate::query::engine::{ProtocolChoice, QuerySpec};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// A wider question: source, destination, one way, protocol (`None`: all), ports.
type Key = (String, String, bool, Option<u8>, Option<PortRange>);

/// The wider questions of a run, each asked at most once.
#[derive(Debug, Default)]
pub struct Screens {
    asked: Mutex<HashMap<Key, Arc<OnceLock<bool>>>>,
    apart: OnceLock<Apart>,
}

impl Screens {
    /// True when a wider question of `a` is answered unreachable (so `a` holds).
    pub fn settle(&self, net: &Network, ix: &NetworkIndex, a: &Assertion, opts: &RunOptions) -> bool {
        if opts.want_proofs
            || a.expect != Expect::Unreachable
            || a.fact.is_some()
            || !a.through.is_empty()
            || !a.avoid.is_empty()
        {
            return false;
        }
        let protocol = match a.protocol {
            ProtocolChoice::All => None,
            ProtocolChoice::One(n) => Some(n),
        };
        // Only the pack's assertions (those with wider questions): a user's suite keeps every
        // verdict, which a question settled on the model does not have.
        if a.screens.is_empty() {
            return false;
        }
        let ports: Vec<PortRange> = a.port.into_iter().chain(a.more_ports.iter().copied()).collect();
        self.apart(net)
            .settle(net, ix, &a.from, &a.to, protocol, &ports)
            .is_some()
            || a.screens.iter().any(|s| self.unreachable(net, ix, a, s, opts))
    }

    /// The screens decided on the model (SCREEN-1, SCREEN-2), built on first use.
    pub fn apart(&self, net: &Network) -> &Apart {
        self.apart.get_or_init(|| Apart::new(net))
    }

    fn unreachable(&self, net: &Network, ix: &NetworkIndex, a: &Assertion, s: &Screen, opts: &RunOptions) -> bool {
        let from = s.from.clone().unwrap_or_else(|| a.from.clone());
        let to = s.to.clone().unwrap_or_else(|| a.to.clone());
        let protocol = match s.protocol {
            ProtocolChoice::All => None,
            ProtocolChoice::One(n) => Some(n),
        };
        let key: Key = (from, to, a.one_way, protocol, s.port);
        let cell = {
            let mut asked = self.asked.lock().unwrap_or_else(PoisonError::into_inner);
            asked.entry(key.clone()).or_default().clone()
        };
        *cell.get_or_init(|| {
            if self
                .apart(net)
                .settle(net, ix, &key.0, &key.1, protocol, s.port.as_slice())
                .is_some()
            {
                return true;
            }
            let spec = QuerySpec {
                from: key.0,
                to: key.1,
                protocol: s.protocol,
                port: s.port,
                src_port: a.src_port,
                one_way: a.one_way,
                want_proof: false,
                budget: opts.budget,
                through: Vec::new(),
                avoid: Vec::new(),
            };
            // Only the verdict is kept: no blocking filters are looked for (SOLVE-9).
            matches!(
                crate::query::engine::verdict_only(|| crate::query::waypoint::run(net, ix, &spec)),
                Ok(r) if r.verdict.verdict == VerdictKind::Unreachable && r.verdict.waypoint.is_none()
            )
        })
    }
}
