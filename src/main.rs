//! The `psoxy-rules` command.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;
use psoxy_rules::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    match cli::run(cli, &mut out, &mut err) {
        Ok(status) => ExitCode::from(status as u8),
        // The reader of standard output stopped reading (`… | head`): end quietly, with the
        // status of a command that a SIGPIPE ended, as `cat` does.
        Err(e) if closed_pipe(&e) => ExitCode::from(128 + 13),
        Err(e) => {
            // A standard error that cannot be written (full, closed) leaves only the status
            // to tell the failure.
            let _ = writeln!(err, "psoxy-rules: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
