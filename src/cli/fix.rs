//! `vpcverify fix`: its arguments, and writing the report in the chosen format.
//!
//! Owns: argument handling of `fix`. Must not touch: the search (`crate::fix`), formatting
//! (`explain::fix`).

use super::{Budget, CliError, Outcome, Style, TextOrJson, emit, load_valid, parse_budget};
use crate::explain;
use crate::fix::{FixVerdict, Limits, Want};
use crate::ingest;
use clap::Args;

/// `vpcverify fix`.
#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub question: super::QuestionArgs,
    /// The verdict wanted: every packet of the question gets through (reachable), or none does
    /// (unreachable).
    #[arg(long, value_enum)]
    pub want: Want,
    /// At most this many edits.
    #[arg(long, default_value_t = 3)]
    pub max_edits: usize,
    /// Do not compute the flows the fix also opens or closes.
    #[arg(long)]
    pub no_side_effects: bool,
    /// Output format (default: text).
    #[arg(long, value_enum)]
    pub format: Option<TextOrJson>,
    /// Wall-clock bound of each question the search asks (default 60s), and of the whole
    /// search (twice that).
    #[arg(long, value_name = "DURATION", value_parser = parse_budget)]
    pub timeout: Option<Budget>,
}

/// Runs `vpcverify fix`.
pub fn run(args: &FixArgs, style: &Style, options: &ingest::LoadOptions) -> Result<Outcome, CliError> {
    let (loaded, ix) = load_valid(&args.question.network, style, options)?;
    let budget = args
        .timeout
        .map_or(Some(crate::check::budget::DEFAULT_TIMEOUT), |b| b.0);
    let spec = args.question.spec(budget)?;
    if args.max_edits == 0 {
        return Err(CliError::Usage("--max-edits: give at least 1".into()));
    }
    let limits = Limits {
        max_edits: args.max_edits,
        time: budget.map_or(std::time::Duration::from_secs(3600), |b| b * 2),
        side_effects: !args.no_side_effects,
        ..Limits::default()
    };
    let report = crate::fix::run(&loaded.network, &ix, &spec, args.want, &limits)?;
    let text = match args.format.unwrap_or(TextOrJson::Text) {
        TextOrJson::Text => explain::fix::render_text(&report),
        TextOrJson::Json => explain::fix::render_json(&report),
    };
    emit(&text)?;
    Ok(match report.verdict {
        FixVerdict::AlreadyHolds | FixVerdict::Fixed => Outcome::Success,
        FixVerdict::NotFound => Outcome::Failure,
        FixVerdict::Unknown => Outcome::Unknown,
    })
}
