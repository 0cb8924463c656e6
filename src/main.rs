//! The `psoxy-rules` command.

use std::process::ExitCode;

use clap::Parser as _;
use psoxy_rules::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    match cli::run(cli, &mut out, &mut err) {
        Ok(status) => ExitCode::from(status as u8),
        Err(e) => {
            eprintln!("psoxy-rules: {e:#}");
            ExitCode::from(2)
        }
    }
}
