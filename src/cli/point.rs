//! The point commands: `lint`, `query` and `trace` (one network, one question or one packet).
//! Split from `cli` by concern.
//!
//! Owns: running them and choosing their output. Must not touch: semantics (`query` decides).

use super::*;

pub(super) fn lint(args: &LintArgs, style: &Style, options: &ingest::LoadOptions) -> Result<Outcome, CliError> {
    let (snap, report) = ingest::cache::load(&args.network, options, &options.cache)?;
    print_cache_report(&report, options.cache.verbose);
    let loaded = snap.loaded;
    let mut diags = loaded.diagnostics.clone();
    diags.extend(snap.validation);
    explain::diagnostics::sort(&mut diags);
    diags.dedup();
    let text = match args.format.unwrap_or(TextOrJson::Text) {
        TextOrJson::Text => explain::diagnostics::render_named(&loaded.source, &diags, &loaded.network, style),
        TextOrJson::Json => explain::diagnostics::render_json(&loaded.source, &diags),
    };
    emit(&text)?;
    keep_until_exit(loaded);
    let (errors, warnings) = explain::diagnostics::counts(&diags);
    Ok(if errors > 0 || (args.deny_warnings && warnings > 0) {
        Outcome::Invalid
    } else {
        Outcome::Success
    })
}

fn verdict_outcome(v: &Verdict) -> Outcome {
    match v.verdict {
        VerdictKind::Reachable => Outcome::Success,
        VerdictKind::Unreachable => Outcome::Failure,
        VerdictKind::Unknown => Outcome::Unknown,
    }
}

pub(super) fn query(args: &QueryArgs, style: &Style, options: &ingest::LoadOptions) -> Result<Outcome, CliError> {
    let (loaded, ix) = load_valid_then(&args.question.network, style, options, crate::query::warm_up)?;
    let spec = QuerySpec {
        want_proof: args.emit_smt2.is_some(),
        through: args.waypoints.through.clone(),
        avoid: args.waypoints.avoid.clone(),
        ..args.question.spec(
            args.timeout
                .map_or(Some(crate::check::budget::DEFAULT_TIMEOUT), |b| b.0),
        )?
    };
    crate::query::waypoint::check_endpoints(&loaded.network, &ix, &spec)?;
    let mut result = crate::query::waypoint::run(&loaded.network, &ix, &spec)?;
    crate::query::dropmap::attach(
        &loaded.network,
        &ix,
        &spec,
        &mut result.verdict,
        args.max_cells,
        args.explain,
    )?;
    if let Some(path) = &args.emit_smt2 {
        match &result.proof {
            Some(proof) => {
                std::fs::write(path, proof).map_err(|e| CliError::Output(format!("{}: {e}", path.display())))?
            }
            None => eprintln!(
                "vpcverify: no SMT-LIB2 proof written to {}: the verdict is {}, not unreachable",
                path.display(),
                serde_json::to_string(&result.verdict.verdict)
                    .unwrap_or_default()
                    .trim_matches('"')
            ),
        }
    }
    let text = match args.format.unwrap_or(TextOrJson::Text) {
        TextOrJson::Text => explain::verdict::render_text(&result.verdict, style),
        TextOrJson::Json => explain::verdict::render_json(&result.verdict),
    };
    emit(&text)?;
    keep_until_exit((loaded, ix));
    Ok(waypoint::outcome(&result.verdict).unwrap_or_else(|| verdict_outcome(&result.verdict)))
}

pub(super) fn trace(args: &TraceArgs, style: &Style, options: &ingest::LoadOptions) -> Result<Outcome, CliError> {
    let (loaded, ix) = load_valid(&args.network, style, options)?;
    let request = TraceRequest {
        from: args.from.clone(),
        to: args.to.clone(),
        protocol: args.protocol.clone(),
        port: args.port,
        src_port: args.src_port,
        src_ip: args.src_ip,
        dst_ip: args.dst_ip,
        one_way: args.one_way,
    };
    let verdict = crate::query::trace::run(&loaded.network, &ix, &request)?;
    let text = match args.format.unwrap_or(TextOrJson::Text) {
        TextOrJson::Text => explain::verdict::render_text(&verdict, style),
        TextOrJson::Json => explain::verdict::render_json(&verdict),
    };
    emit(&text)?;
    keep_until_exit((loaded, ix));
    Ok(verdict_outcome(&verdict))
}
