//! Rendering of diagnostics, traces and verdicts for people (text, colour on a terminal only) and
//! machines (JSON; JUnit and SARIF for `check`).
//!
//! Owns: formatting. Must not touch: semantics. It reads what `sim`, `query` and `model` produce
//! and never recomputes why something happened.

pub mod check;
pub mod diagnostics;
pub mod diff;
pub mod fix;
pub mod junit;
pub mod sarif;
pub mod schema;
pub mod verdict;
mod waypoint;

use anstyle::{AnsiColor, Style as AStyle};

/// Whether to colour text output.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// True to emit ANSI colour codes.
    pub color: bool,
}

impl Style {
    fn paint(&self, s: &str, st: AStyle) -> String {
        if self.color {
            format!("{}{s}{}", st.render(), st.render_reset())
        } else {
            s.to_owned()
        }
    }

    /// Red bold.
    pub fn error(&self, s: &str) -> String {
        self.paint(s, AStyle::new().fg_color(Some(AnsiColor::Red.into())).bold())
    }

    /// Yellow.
    pub fn warning(&self, s: &str) -> String {
        self.paint(s, AStyle::new().fg_color(Some(AnsiColor::Yellow.into())))
    }

    /// Green bold.
    pub fn good(&self, s: &str) -> String {
        self.paint(s, AStyle::new().fg_color(Some(AnsiColor::Green.into())).bold())
    }

    /// Bold.
    pub fn strong(&self, s: &str) -> String {
        self.paint(s, AStyle::new().bold())
    }

    /// Dimmed.
    pub fn dim(&self, s: &str) -> String {
        self.paint(s, AStyle::new().dimmed())
    }
}
