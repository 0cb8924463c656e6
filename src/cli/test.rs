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

/// Colour on a terminal unless `NO_COLOR` is set (and not empty), or as forced.
fn paint(color: ColorArg) -> Paint {
    let color = match color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    Paint { color }
}
