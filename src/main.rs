//! The `psoxy-rules` command.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser as _;
use psoxy_rules::cli::{self, Cli};

fn main() -> ExitCode {
    let mut err = io::stderr().lock();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage(&e, &mut err),
    };
    let mut out = Stdout {
        lock: io::stdout().lock(),
        failed: false,
    };
    // The whole output is flushed here, so that a failure to write its end is seen too; a
    // command that saw standard output fail and ended with a status has reported it already.
    let result = cli::run(cli, &mut out, &mut err).and_then(|status| match out.flush() {
        Err(_) if out.failed => Ok(status),
        flushed => flushed.map(|()| status).map_err(Into::into),
    });
    match result {
        Ok(status) => ExitCode::from(status as u8),
        Err(e) if cli::closed_pipe(&e) => closed_pipe_status(),
        Err(e) => {
            // A standard error that cannot be written (full, closed) leaves only the status
            // to tell the failure.
            let _ = writeln!(err, "psoxy-rules: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The reader of standard output stopped reading (`… | head`): the command ends quietly, with
/// the status of a command that a SIGPIPE ended, as `cat` does.
fn closed_pipe_status() -> ExitCode {
    ExitCode::from(128 + 13)
}

/// Prints clap's help, version or usage error; help and version that cannot be written to
/// standard output are a failure (status 2), as any other output would be.
fn usage(e: &clap::Error, err: &mut dyn Write) -> ExitCode {
    if let Some((position, arg)) = unexpected_value(e) {
        // clap's usage, which names no value given, unless it quotes this one after all.
        let rendered = e.render().to_string();
        let usage = rendered
            .find("Usage:")
            .map(|at| &rendered[at..])
            .filter(|usage| !usage.contains(&arg))
            .unwrap_or("For more information, try '--help'.\n");
        let _ = write!(
            err,
            "error: unexpected argument: argument {position} after `psoxy-rules` (not shown \
             here, in case it is a secret: salts and keys are read from the environment or from \
             files, never from the command line)\n\n{usage}"
        );
        return ExitCode::from(2);
    }
    match e.print() {
        Err(io) if io.kind() == io::ErrorKind::BrokenPipe => closed_pipe_status(),
        Err(io) if !e.use_stderr() => {
            let _ = writeln!(err, "psoxy-rules: {}", Stdout::named(&io));
            ExitCode::from(2)
        }
        _ => ExitCode::from(e.exit_code().clamp(0, 255) as u8),
    }
}

/// Where an argument that clap found no place for stands (counted from 1 after the command
/// name), and the argument, when it is a value rather than an option: clap's message would
/// quote it, and a value out of place may be a secret typed where it does not belong. The
/// last argument of that text is taken: one equal to it before it was given a place.
fn unexpected_value(e: &clap::Error) -> Option<(usize, String)> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    if arg.starts_with('-') {
        return None;
    }
    std::env::args_os()
        .skip(1)
        .rposition(|a| a.to_str() == Some(arg))
        .map(|i| (i + 1, arg.clone()))
}

/// Standard output, whose write errors say that standard output could not be written. They
/// keep their kind, so that a closed pipe is still told apart.
struct Stdout<'a> {
    lock: io::StdoutLock<'a>,
    /// A write has failed.
    failed: bool,
}

impl Stdout<'_> {
    fn named(e: &io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("cannot write standard output: {e}"))
    }
}

impl Write for Stdout<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.lock.write(buf).map_err(|e| {
            self.failed = true;
            Stdout::named(&e)
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.lock.flush().map_err(|e| {
            self.failed = true;
            Stdout::named(&e)
        })
    }
}
