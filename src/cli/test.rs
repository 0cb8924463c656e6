//! `psoxy-rules test`: replay the example sets and compare, check coverage and leaks, and
//! regenerate sanitized files with `--bless`.

use std::io::Write;
use std::path::PathBuf;

use super::{EngineArg, Status};
use crate::diag::Format;
use crate::harness::{self, EngineChoice, Options, Paint, Verdict, bless, report};

pub(super) struct Args<'a> {
    pub paths: &'a [PathBuf],
    pub bless: bool,
    pub strict: bool,
    pub format: Format,
    pub paint: Paint,
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
        Format::Human => report::render_human(&report, args.paint),
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
