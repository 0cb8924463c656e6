//! `psoxy-rules test`: replay the example sets and compare, check coverage and leaks, and
//! regenerate sanitized files with `--bless`.

use std::io::{IsTerminal as _, Write};
use std::path::PathBuf;

use super::{ColorArg, EngineArg, Status};
use crate::diag::Format;
use crate::harness::{self, EngineChoice, Options, Paint, Verdict, bless, report};

pub(super) struct Args<'a> {
    pub paths: &'a [PathBuf],
    pub bless: bool,
    pub strict: bool,
    pub format: Format,
    pub color: ColorArg,
    pub engine: EngineArg,
}

pub(super) fn run(args: &Args<'_>, out: &mut dyn Write) -> anyhow::Result<Status> {
    let options = Options {
        strict: args.strict,
        bless: args.bless,
        ci: bless::is_ci(std::env::var("CI").ok().as_deref()),
        engine: match args.engine {
            EngineArg::Plan => EngineChoice::Plan,
            EngineArg::Naive => EngineChoice::Naive,
        },
    };
    let report = harness::run(args.paths, &options);
    let text = match args.format {
        Format::Human => report::render_human(&report, paint(args.color)),
        Format::Json => report::render_json(&report),
        Format::Github => report::render_github(&report),
    };
    out.write_all(text.as_bytes())?;
    Ok(match report.verdict() {
        Verdict::Pass => Status::Ok,
        Verdict::Findings => Status::Findings,
        Verdict::Unusable => Status::Invalid,
    })
}

/// Colour on a terminal unless `NO_COLOR` is set (and not empty) or `TERM` is `dumb`, or as
/// forced.
fn paint(color: ColorArg) -> Paint {
    let color = match color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::io::stdout().is_terminal()
                && auto_color(
                    std::env::var_os("NO_COLOR").as_deref(),
                    std::env::var_os("TERM").as_deref(),
                )
        }
    };
    Paint { color }
}

/// Whether a terminal is coloured under these `NO_COLOR` and `TERM` values.
fn auto_color(no_color: Option<&std::ffi::OsStr>, term: Option<&std::ffi::OsStr>) -> bool {
    no_color.is_none_or(std::ffi::OsStr::is_empty) && term.is_none_or(|t| t != "dumb")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn a_dumb_terminal_or_no_color_is_not_coloured() {
        assert!(auto_color(None, Some(OsStr::new("xterm-256color"))));
        assert!(auto_color(Some(OsStr::new("")), None));
        assert!(!auto_color(
            Some(OsStr::new("1")),
            Some(OsStr::new("xterm"))
        ));
        assert!(!auto_color(None, Some(OsStr::new("dumb"))));
    }
}
