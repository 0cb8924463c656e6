//! The `psoxy-rules` command.

use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!("psoxy-rules: not yet implemented");
    ExitCode::from(2)
}
