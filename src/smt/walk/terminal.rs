//! The ends of a candidate path in the symbolic walk: a complete path (a witness, or the checks
//! that block it), a drop, a construct that is not modelled, and what the walk concludes from
//! each (SEMANTICS.md §9: SOLVE-3, SOLVE-4; §9.1: BOUND-1, BOUND-2). Must not touch: printing.

use super::*;

impl Walk<'_> {
    /// A complete candidate path: satisfiable under all its checks iff some packet gets through.
    pub(super) fn complete(&mut self, st: State) {
        if self.stopped() {
            return;
        }
        self.results.paths += 1;
        if self.collect {
            return self.collected(st, None);
        }
        if self.record {
            return self.record_path(&st, PathEnd::Complete);
        }
        // WAY-1: with waypoints, only a path that violates them is asked for a packet.
        if self.waypoint_constraint(&st).as_bool() == Some(false) {
            return;
        }
        if self.q.want_proof {
            self.results.proof_paths.push(all(&st.routing));
        }
        let mut labels = Self::labels(&st);
        let mut verdict = self.solver.check_assumptions(&labels);
        if verdict == SatResult::Sat && !st.assumed.is_empty() {
            // BOUND-2: a packet that gets through with every unsettled filter on the path
            // dropping what it might drop gets through whatever they do.
            let free = Bool::fresh_const("free");
            let relied: Vec<Bool> = st.assumed.iter().map(|a| a.relied.clone()).collect();
            self.solver.assert(&free.implies(any(&relied).not()));
            labels.push(free);
            verdict = self.solver.check_assumptions(&labels);
            if verdict == SatResult::Unsat {
                labels.pop();
                self.depends(&st, &labels);
                return;
            }
            for a in &st.assumed {
                self.results.bounded.insert((a.id.clone(), a.reason.clone()));
            }
        }
        match verdict {
            SatResult::Sat => match crate::smt::analyze::witness(self, &labels, &st.start) {
                Some(packet) => {
                    let split = st.reply_from.unwrap_or(st.hops.len());
                    let (f, r) = st.hops.split_at(split.min(st.hops.len()));
                    self.results.found = Some(Found {
                        packet,
                        start: st.start.clone(),
                        forward: f.to_vec(),
                        reply: r.to_vec(),
                    });
                }
                // SOLVE-4: a satisfiable path without a witness is not refuted.
                None if !self.solver.spent => {
                    let n = self.results.paths;
                    let why = self.solver.reason_unknown();
                    self.results.unknown.insert((
                        "solver".into(),
                        format!("candidate path {n} is satisfiable, but the solver gave up extracting its witness packet: {why}"),
                    ));
                }
                None => {}
            },
            SatResult::Unsat => {
                self.bounded(
                    &st,
                    "even admitting every packet there, no packet gets through this path",
                );
                if !crate::smt::is_verdict_only() {
                    crate::smt::analyze::blocking_checks(self, &st.checks, &st.start);
                }
            }
            SatResult::Unknown if !self.solver.spent => {
                let n = self.results.paths;
                let why = self.solver.reason_unknown();
                self.results.unknown.insert((
                    "solver".into(),
                    format!("the solver gave up on candidate path {n}, also on a fresh solver: {why}"),
                ));
            }
            SatResult::Unknown => {}
        }
    }

    /// Collecting mode: keeps the path as formulas. Its routing conditions hold every filter's
    /// `allows` (the walk runs with `want_proof`), so `all(routing)` is exactly the packets the
    /// path delivers; a filter assumed to admit (BOUND-1) or a construct that is not modelled
    /// (`ends_unknown`) makes that an upper bound, and the lower bound excludes the packets that
    /// rely on them (all of them for a construct that is not modelled).
    fn collected(&mut self, st: State, ends_unknown: Option<(String, String)>) {
        let upper = all(&st.routing);
        let mut relies: Vec<(String, String)> = st.assumed.iter().map(|a| (a.id.clone(), a.reason.clone())).collect();
        let ends_at = ends_unknown.as_ref().map(|(id, _)| id.clone());
        let lower = if let Some(cause) = ends_unknown {
            relies.push(cause);
            Bool::from_bool(false)
        } else if st.assumed.is_empty() {
            upper.clone()
        } else {
            let relied: Vec<Bool> = st.assumed.iter().map(|a| a.relied.clone()).collect();
            all(&[upper.clone(), any(&relied).not()])
        };
        let split = st.reply_from.unwrap_or(st.hops.len()).min(st.hops.len());
        let (f, r) = st.hops.split_at(split);
        self.results.collected.push(PathFormula {
            start: st.start.clone(),
            forward: f.to_vec(),
            reply: r.to_vec(),
            lower,
            upper,
            relies,
            ends_at,
        });
    }

    /// Records a blocking entry and, the first time, a packet it drops as its source sends it
    /// (the query replays it through the simulator before printing the entry).
    pub(crate) fn block(&mut self, b: Blocked, example: Option<(StartPoint, Packet)>) {
        if let Some((start, packet)) = example
            && !self.results.evidence.contains_key(&b)
        {
            self.results.evidence.insert(b.clone(), (start, packet));
        }
        self.results.blocked.insert(b);
    }

    /// The walk goes no further: a witness was found, or the budget is spent (SOLVE-3).
    pub(super) fn stopped(&mut self) -> bool {
        if self.results.found.is_some() {
            return true;
        }
        // Building a large filter's terms, and Z3's push after asserting it, take time no check
        // accounts for: the deadline is looked at on every step, not only at checks.
        if !self.solver.spent && self.q.budget.is_some_and(|b| b.remaining().is_none()) {
            self.solver.spent = true;
        }
        if self.solver.spent && self.results.spent_at.is_none() {
            self.results.spent_at = Some(self.results.paths + 1);
        }
        self.solver.spent
    }

    /// The path ends in a drop: the dropping component blocks it, and so does every check on
    /// the way that alone admits no packet of the path.
    pub(super) fn dropped(&mut self, st: State, mut b: Blocked) {
        if self.stopped() {
            return;
        }
        self.results.paths += 1;
        if self.collect {
            // A drop delivers nothing: the path is no part of the reachable packets' formula.
            return;
        }
        if self.record {
            return self.record_path(&st, PathEnd::Dropped(b));
        }
        // SOLVE-9: a drop decides nothing; only its explanation needs the solver.
        if crate::smt::is_verdict_only() {
            return self.block(b, None);
        }
        // The example must get past every check on the way: a packet an earlier filter drops
        // does not show this drop (and on a routing loop it would cross the dropping table
        // before that filter, which the replay could not tell apart from a later drop).
        let labels = Self::labels(&st);
        let reached = labels.is_empty() || self.solver.check_assumptions(&labels) != SatResult::Unsat;
        let example = if reached {
            crate::smt::analyze::example(self, &labels, None)
        } else {
            None
        };
        if let Some(p) = example {
            b.reason = format!("{}; e.g. {p}", b.reason);
        }
        self.block(b, example.map(|p| (st.start.clone(), p)));
        if !reached {
            crate::smt::analyze::blocking_checks(self, &st.checks, &st.start);
        }
    }

    /// The path reaches something not modelled: unknown, with an example packet that gets there,
    /// unless a check before it already blocks every packet (then it decides nothing, BOUND-2).
    pub(super) fn unknown(&mut self, st: State, id: &str, reason: &str) {
        if self.stopped() {
            return;
        }
        // ELB-9: a load balancer's connection that meets something not modelled makes that
        // target unsettled: decided both ways (BOUND-1), the walk goes on as if it completed.
        if let Some(stage) = st.lb.clone() {
            let mut st = st;
            st.assume(id, reason.to_owned(), Bool::from_bool(true));
            return self.lb_resume(st, &stage);
        }
        self.results.paths += 1;
        if self.collect {
            return self.collected(st, Some((id.to_owned(), reason.to_owned())));
        }
        if self.record {
            return self.record_path(&st, PathEnd::Unknown);
        }
        // WAY-3: the waypoints are settled on this path whatever happens further on.
        if self.waypoints_settled(&st) {
            return;
        }
        let labels = Self::labels(&st);
        match self.solver.check_assumptions(&labels) {
            SatResult::Unsat => {
                self.results.bounded.insert((
                    id.to_owned(),
                    format!("{reason}; no packet of the question gets that far"),
                ));
                if !crate::smt::is_verdict_only() {
                    crate::smt::analyze::blocking_checks(self, &st.checks, &st.start);
                }
            }
            SatResult::Unknown if self.solver.spent => {}
            _ => {
                let mut st = st;
                st.assumed.clear();
                st.assume(id, reason.to_owned(), Bool::from_bool(true));
                self.depends(&st, &labels);
            }
        }
    }

    /// Some packet gets through this path only if an unsettled filter on it admits it, or reaches
    /// a construct that is not modelled (BOUND-2): unknown, naming each with an example packet.
    pub(super) fn depends(&mut self, st: &State, labels: &[Bool]) {
        let mut relevant: Vec<&Assumption> = Vec::new();
        for a in &st.assumed {
            if st.assumed.len() == 1 {
                relevant.push(a);
                continue;
            }
            self.solver.push();
            self.solver.assert(&a.relied);
            if self.solver.check_assumptions(labels) != SatResult::Unsat {
                relevant.push(a);
            }
            self.solver.pop(1);
        }
        let example = crate::smt::analyze::example(self, labels, None);
        for a in relevant {
            if let Some(p) = example
                && !self.results.examples.contains_key(&a.id)
            {
                self.results.examples.insert(a.id.clone(), (st.start.clone(), p));
            }
            self.results.unknown.insert((a.id.clone(), a.reason.clone()));
        }
    }

    /// The unsettled filters of a path that turned out not to matter (BOUND-2), with `why`.
    pub(super) fn bounded(&mut self, st: &State, why: &str) {
        if why.is_empty() {
            return;
        }
        for a in &st.assumed {
            self.results
                .bounded
                .insert((a.id.clone(), format!("{}; {why}", a.reason)));
        }
    }
}
