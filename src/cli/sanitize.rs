//! `psoxy-rules sanitize`: one response body through the proxy's pipeline.

use std::io::{BufRead, BufReader, BufWriter, Seek as _, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;

use super::{Status, render_human};
use crate::diag::{self, Diagnostic, Format};
use crate::files::CappedRead;
use crate::pseudonym::{DomainHandling, EmailCanonicalization, Pseudonymizer, Secrets};
use crate::sanitize::{Engine, Output, SanitizeError, Sanitizer, StreamError, StreamOptions};

pub(super) struct Args<'a> {
    pub rules: &'a Path,
    pub url: &'a str,
    pub method: &'a str,
    pub pretty: bool,
    pub engine: Engine,
    pub salt_file: Option<&'a Path>,
    pub key_file: Option<&'a Path>,
    pub format: Format,
    pub paint: crate::diag::Paint,
    pub jobs: usize,
    pub output: Option<&'a Path>,
    pub body: &'a Path,
}

/// Outputs up to this size are assembled in memory; larger ones in a temporary file.
const SPOOL_IN_MEMORY: usize = 1 << 20;

pub(super) fn run(
    args: &Args<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Status> {
    match sanitize(args, out, err) {
        // A file that cannot be read or written is a finding (S010), in the form asked for;
        // a closed pipe still ends the command quietly.
        Err(e) if !super::closed_pipe(&e) => {
            report(args, &[Diagnostic::error("S010", format!("{e:#}"))], err)?;
            Ok(Status::Invalid)
        }
        result => result,
    }
}

fn sanitize(args: &Args<'_>, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Status> {
    if let Some(output) = args.output {
        refuse_overwriting_inputs(args, output)?;
    }
    // The output is spooled and released only on success: a failure in the middle of a large
    // body leaves no partial output behind. A pipe or device is opened first, as a shell's `>`
    // opens it before the command runs, so that its reader gets an end of file whatever fails.
    let mut spool = match args.output {
        Some(path) => Spool::file_beside(path)?,
        None => Spool::Memory(tempfile::SpooledTempFile::new(SPOOL_IN_MEMORY)),
    };
    if let Err(reason) = super::check_method(args.method) {
        report(args, &[Diagnostic::error("S002", reason)], err)?;
        return Ok(Status::Invalid);
    }
    // Standard input holds one of them: the body, unless it is given as a file.
    if args.rules == Path::new("-") && args.body == Path::new("-") {
        let finding = Diagnostic::error(
            "S010",
            "--rules - and the body both read standard input, which holds only one of them",
        )
        .with_help("give the body as a file, or the rules file by its name");
        report(args, &[finding], err)?;
        return Ok(Status::Invalid);
    }
    // The rules file's warnings are printed with the outcome, in one report: a JSON reader
    // gets one array.
    let (rules, warnings) = match super::load_rules(args.rules) {
        Ok(loaded) => loaded,
        Err(findings) => {
            report(args, &findings, err)?;
            return Ok(Status::Invalid);
        }
    };
    let with_warnings = |finding: Diagnostic| {
        let mut all = warnings.clone();
        all.push(finding);
        all
    };
    let pseudonymizer = match pseudonymizer(args) {
        Ok(p) => p,
        Err(finding) => {
            report(args, &with_warnings(*finding), err)?;
            return Ok(Status::Invalid);
        }
    };
    let sanitizer = Sanitizer::new(Arc::new(rules), pseudonymizer, args.engine);
    // The body's name in the places of its findings (`-:2:15`), as in the rules' findings.
    let body_name = args.body.display().to_string();
    let fail = |e: SanitizeError, err: &mut dyn Write| -> anyhow::Result<Status> {
        report(args, &with_warnings(e.to_diagnostic(&body_name)), err)?;
        Ok(Status::Invalid)
    };
    // Refuse the request before reading anything.
    let selection = match sanitizer.select(args.method, args.url) {
        Ok(s) => s,
        Err(e) => return fail(e, err),
    };
    let options = StreamOptions {
        jobs: args.jobs,
        output: if args.pretty {
            Output::Pretty
        } else {
            Output::Compact
        },
        // Only a regular file has a size: a device or a pipe says 0 and may never end.
        size_hint: (args.body != Path::new("-"))
            .then(|| std::fs::metadata(args.body).ok())
            .flatten()
            .filter(std::fs::Metadata::is_file)
            .map(|m| m.len()),
        ..StreamOptions::default()
    };
    let aside = spool.describe();
    let mut watched = Watched {
        inner: spool.writer(),
        failed: false,
    };
    let result = {
        let input = open_body(args.body)?;
        let mut sink = BufWriter::with_capacity(1 << 16, &mut watched);
        let r = sanitizer.sanitize_stream(selection, input, &mut sink, options);
        sink.flush()
            .with_context(|| format!("writing the sanitized body to {aside}"))?;
        r
    };
    let stats = match result {
        Ok(stats) => stats,
        Err(StreamError::Sanitize(e)) => return fail(e, err),
        // The stream reads the body and writes the output aside: say which failed.
        Err(StreamError::Io(e)) if watched.failed => {
            return Err(e).with_context(|| format!("writing the sanitized body to {aside}"));
        }
        Err(StreamError::Io(e)) => {
            anyhow::bail!(
                "cannot read the body {}: {}",
                named(read_from(args.body)),
                crate::files::plain_error(&e)
            );
        }
        Err(e @ StreamError::Threads(_)) => return Err(e.into()),
    };
    if args.pretty && stats.bytes_out > 0 {
        spool.writer().write_all(b"\n")?;
    }
    spool.finish(out)?;
    // A JSON reader always gets its array, empty when there is nothing to report.
    if !warnings.is_empty() || args.format == Format::Json {
        report(args, &warnings, err)?;
    }
    Ok(Status::Ok)
}

/// Refuses an `--output` file that is one of the files the command reads, which replacing
/// it would destroy: checked before anything is read or written.
fn refuse_overwriting_inputs(args: &Args<'_>, output: &Path) -> anyhow::Result<()> {
    let inputs = [
        (Some(read_from(args.rules)), "the rules file"),
        (Some(read_from(args.body)), "the body"),
        (args.salt_file, "the --salt-file"),
        (args.key_file, "the --key-file"),
    ];
    for (input, what) in inputs {
        if let Some(input) = input
            && same_file(output, input)
        {
            anyhow::bail!(
                "cannot write {}: it is {what} {}",
                output.display(),
                named(input)
            );
        }
    }
    Ok(())
}

/// Whether `path` names standard input itself, as `/dev/stdin` does.
fn is_standard_input(path: &Path) -> bool {
    ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"]
        .iter()
        .any(|p| path == Path::new(p))
}

/// `path` as messages name it: standard input as `(standard input)`, whichever name it is
/// given (see [`read_from`] for `-`).
fn named(path: &Path) -> String {
    if is_standard_input(path) {
        "(standard input)".to_owned()
    } else {
        path.display().to_string()
    }
}

/// The file that a path of the command line reads: `-` is standard input, which, redirected
/// from a file (`- < FILE`), is that file, as `/dev/stdin` shows.
fn read_from(path: &Path) -> &Path {
    if path == Path::new("-") {
        Path::new("/dev/stdin")
    } else {
        path
    }
}

/// Whether writing `output` (through its links) would replace `input`.
fn same_file(output: &Path, input: &Path) -> bool {
    crate::files::through_links(output).is_ok_and(|output| same_input(&output, input))
}

/// Whether two files are one: the same device and inode (which a pipe on standard input has
/// under both `/dev/stdin` and `/proc/self/fd/0`), or where those are unknown, the same
/// canonical path.
fn same_input(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        matches!(
            (std::fs::metadata(a), std::fs::metadata(b)),
            (Ok(a), Ok(b)) if a.dev() == b.dev() && a.ino() == b.ino()
        )
    }
    #[cfg(not(unix))]
    {
        matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
    }
}

/// A writer that notes whether a write to it failed.
struct Watched<'a> {
    inner: &'a mut dyn Write,
    failed: bool,
}

impl Write for Watched<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.failed |= r.is_err();
        r
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.failed |= r.is_err();
        r
    }
}

/// Where the sanitized body is assembled until it is complete.
enum Spool {
    /// Copied to standard output at the end.
    Memory(tempfile::SpooledTempFile),
    /// Renamed over the `--output` file at the end.
    File(crate::files::TempFile, PathBuf),
    /// Copied at the end into the `--output` that is not a regular file (`/dev/null`, a
    /// pipe, `/dev/stdout`), opened at the start as a shell's `>` opens it: replacing it with
    /// a file would destroy it. A reader of a pipe gets the output, or an end of file on
    /// failure.
    Device(tempfile::SpooledTempFile, std::fs::File, PathBuf),
}

impl Spool {
    /// A temporary file beside `path`, or beside the file it links to, as a shell's `>` would
    /// write through the link.
    fn file_beside(path: &Path) -> anyhow::Result<Spool> {
        // `/dev/stdout` and `/dev/fd/N` lead through `/proc` to what a descriptor holds (a
        // pipe, or a file opened for appending), which no link names: they are written as
        // devices, never replaced. Other files under `/dev` (`/dev/shm/…`) are files.
        let special = path.starts_with("/proc")
            || path.starts_with("/dev/fd")
            || ["/dev/stdout", "/dev/stderr"]
                .iter()
                .any(|p| path == Path::new(p));
        let resolved = if special {
            path.to_owned()
        } else {
            crate::files::through_links(path)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?
        };
        let path = resolved;
        if path.is_dir() {
            anyhow::bail!("cannot write {}: it is a folder", path.display());
        }
        if special || std::fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
            // Appending: a file behind `/dev/stdout` keeps what it holds, as with `>>`, and a
            // device or pipe takes the bytes as they come.
            let device = std::fs::File::options()
                .append(true)
                .open(&path)
                .map_err(|e| {
                    anyhow::anyhow!(
                        "cannot write {}: {}",
                        path.display(),
                        crate::files::plain_error(&e)
                    )
                })?;
            return Ok(Spool::Device(
                tempfile::SpooledTempFile::new(SPOOL_IN_MEMORY),
                device,
                path,
            ));
        }
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.is_dir() {
            let why = if dir.exists() {
                format!("{} is a file, not a folder", dir.display())
            } else {
                format!("the folder {} does not exist", dir.display())
            };
            anyhow::bail!("cannot write {}: {why}", path.display());
        }
        crate::files::check_writable(&path).map_err(|e| {
            anyhow::anyhow!(
                "cannot write {}: {}",
                path.display(),
                crate::files::plain_error(&e)
            )
        })?;
        let tmp = crate::files::temp_in(dir).map_err(|e| {
            let e = crate::files::plain_error(&e);
            if e.kind() == std::io::ErrorKind::PermissionDenied {
                anyhow::anyhow!(
                    "cannot write {}: the folder {} is not writable, and the output is written \
                     to a temporary file beside the file, then renamed over it ({e})",
                    path.display(),
                    dir.display()
                )
            } else {
                anyhow::anyhow!("cannot write {}: {e}", path.display())
            }
        })?;
        Ok(Spool::File(tmp, path))
    }

    /// Where the output is assembled, for messages.
    fn describe(&self) -> String {
        match self {
            Spool::Memory(_) | Spool::Device(..) => format!(
                "a temporary file in the system's temporary folder (TMPDIR; used past {} MiB)",
                SPOOL_IN_MEMORY >> 20
            ),
            Spool::File(_, path) => format!("a temporary file beside {}", path.display()),
        }
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Spool::Memory(m) | Spool::Device(m, ..) => m,
            Spool::File(f, _) => f.as_file_mut(),
        }
    }

    fn finish(self, out: &mut dyn Write) -> anyhow::Result<()> {
        match self {
            Spool::Memory(mut m) => {
                m.seek(SeekFrom::Start(0))?;
                std::io::copy(&mut copy_reader(&mut m), out)
                    .context("writing the sanitized body")?;
                out.flush()?;
            }
            Spool::Device(mut m, mut device, path) => {
                let cannot = |e: std::io::Error| {
                    // A pipe whose reader stopped reading (`-o /dev/stdout | head`) ends the
                    // command quietly, as standard output does.
                    if e.kind() == std::io::ErrorKind::BrokenPipe {
                        return anyhow::Error::from(e);
                    }
                    anyhow::anyhow!(
                        "cannot write {}: {}",
                        path.display(),
                        crate::files::plain_error(&e)
                    )
                };
                m.seek(SeekFrom::Start(0))?;
                std::io::copy(&mut copy_reader(&mut m), &mut device).map_err(cannot)?;
                device.flush().map_err(cannot)?;
            }
            Spool::File(f, path) => {
                f.as_file().sync_all()?;
                crate::files::take_permissions(f.as_file(), &path)
                    .with_context(|| format!("writing {}", path.display()))?;
                f.persist(&path).map_err(|e| {
                    anyhow::anyhow!(
                        "cannot write {}: {}",
                        path.display(),
                        crate::files::plain_error(&e)
                    )
                })?;
            }
        }
        Ok(())
    }
}

/// The spooled output read in pieces of 1 MiB, which `std::io::copy` writes as they come: a
/// large body is copied in a few dozen reads and writes rather than thousands of 8 KiB ones.
fn copy_reader(spool: &mut tempfile::SpooledTempFile) -> BufReader<&mut tempfile::SpooledTempFile> {
    BufReader::with_capacity(1 << 20, spool)
}

/// The pseudonymizer configured from the environment, with `--salt-file` / `--key-file`
/// taking the place of `PSOXY_SALT` / `PSOXY_ENCRYPTION_KEY`.
fn pseudonymizer(args: &Args<'_>) -> Result<Pseudonymizer, Box<Diagnostic>> {
    let salt = args
        .salt_file
        .map(|f| secret_file(f, "--salt-file", args))
        .transpose()?;
    let key = args
        .key_file
        .map(|f| secret_file(f, "--key-file", args))
        .transpose()?;
    // A variable that is set but not UTF-8 is refused by name rather than taken as unset; a
    // secret that is set but empty is refused too: pseudonyms made with an empty salt are
    // reversed by anyone with a list of names.
    let not_text = std::cell::RefCell::new(Vec::new());
    let empty = std::cell::RefCell::new(Vec::new());
    let lookup = |name: &str| -> Option<String> {
        match name {
            "PSOXY_SALT" if salt.is_some() => salt.clone(),
            "PSOXY_ENCRYPTION_KEY" if key.is_some() => key.clone(),
            _ => match std::env::var(name) {
                Ok(value) => {
                    if value.trim().is_empty() && SECRET_VARIABLES.contains(&name) {
                        empty.borrow_mut().push(name.to_owned());
                    }
                    Some(value)
                }
                Err(std::env::VarError::NotPresent) => None,
                Err(std::env::VarError::NotUnicode(_)) => {
                    not_text.borrow_mut().push(name.to_owned());
                    None
                }
            },
        }
    };
    let setting = |e: crate::pseudonym::PseudonymError| {
        Box::new(Diagnostic::error("S009", e.to_string()))
            .with_help("EMAIL_CANONICALIZATION is STRICT or IGNORE_DOTS; EMAIL_DOMAIN_HANDLING is PRESERVE, REDACT, TOKENIZE or ENCRYPT")
    };
    let canonicalization = EmailCanonicalization::from_env_with(lookup).map_err(setting)?;
    let domains = DomainHandling::from_env_with(lookup).map_err(setting)?;
    let secrets = Secrets::from_env_with(lookup);
    if let Some(name) = not_text.borrow().first() {
        let help = match name.as_str() {
            "PSOXY_SALT" => "set it to text, or give the salt in a file with --salt-file",
            "PSOXY_ENCRYPTION_KEY" => "set it to text, or give the key in a file with --key-file",
            _ => "set it to text, or unset it",
        };
        return Err(Box::new(
            Diagnostic::error("S009", format!("{name} is set, but not to UTF-8 text"))
                .with_help(help),
        ));
    }
    if let Some(name) = empty.borrow().first() {
        let help = match name.as_str() {
            "PSOXY_SALT" | "PSOXY_ENCRYPTION_KEY" => {
                "set it to the proxy's secret, or unset it to run without one (transforms that \
                 need it then fail)"
            }
            _ => "set it, or unset it to use the main secret as the proxy does",
        };
        return Err(Box::new(
            Diagnostic::error("S009", format!("{name} is set, but empty or blank")).with_help(help),
        ));
    }
    Ok(Pseudonymizer::new(secrets, canonicalization, domains))
}

/// The variables that hold salts and encryption keys (§3.1).
const SECRET_VARIABLES: [&str; 6] = [
    "PSOXY_SALT",
    "PSOXY_ENCRYPTION_KEY",
    "SALT_IP",
    "ENCRYPTION_KEY_IP",
    "SALT_EMAIL_DOMAINS",
    "ENCRYPTION_KEY_EMAIL_DOMAINS",
];

/// Secret files larger than this are refused: a salt or a key is one line of text.
const MAX_SECRET_BYTES: u64 = 64 * 1024;

/// A secret from a file: its text without the final line break. A file that is the body of
/// `args` (standard input for both, or one file) is refused unread: the body would be taken
/// for the secret, and read as empty after it.
fn secret_file(path: &Path, flag: &str, args: &Args<'_>) -> Result<String, Box<Diagnostic>> {
    let name = named(path);
    let unreadable = |e: &dyn std::fmt::Display| {
        Diagnostic::error("S009", format!("{flag}: cannot read {name}: {e}"))
    };
    let taken = |what: String| {
        Box::new(
            Diagnostic::error("S009", format!("{flag}: {what}"))
                .with_help("give the secret in a file of its own, or in the environment"),
        )
    };
    if same_input(read_from(path), read_from(args.body)) {
        return Err(taken(format!("{name} is the body being sanitized")));
    }
    // Read before the secrets, the rules leave nothing of standard input to read.
    if same_input(read_from(path), read_from(args.rules)) {
        return Err(taken(if is_standard_input(read_from(args.rules)) {
            "standard input holds the rules already".to_owned()
        } else {
            format!("{name} is the rules file")
        }));
    }
    let bytes = match crate::files::read_capped(path, MAX_SECRET_BYTES) {
        Ok(bytes) => bytes,
        // A name that is no file may be the secret itself, given in place of its file: it is
        // not repeated.
        Err(CappedRead::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            let variable = if flag == "--salt-file" {
                "PSOXY_SALT"
            } else {
                "PSOXY_ENCRYPTION_KEY"
            };
            return Err(Box::new(
                Diagnostic::error(
                    "S009",
                    format!(
                        "{flag}: no file has the name given (not shown here, in case it is the \
                         secret itself)"
                    ),
                )
                .with_help(format!(
                    "give the path of a file that holds the secret, or set {variable}"
                )),
            ));
        }
        Err(CappedRead::Io(e)) => return Err(Box::new(unreadable(&e))),
        Err(CappedRead::TooLarge(size)) => {
            let why = CappedRead::too_large_message(size, MAX_SECRET_BYTES, "secret files");
            return Err(Box::new(
                Diagnostic::error("S009", format!("{flag}: {name}: {why}"))
                    .with_help("write the secret in the file, on one line"),
            ));
        }
    };
    let text =
        String::from_utf8(bytes).map_err(|_| unreadable(&"stream did not contain valid UTF-8"))?;
    if text.starts_with('\u{feff}') {
        return Err(Box::new(
            Diagnostic::error(
                "S009",
                format!(
                    "{flag}: {name} starts with a byte order mark, which would be part of the secret"
                ),
            )
            .with_help("save the file as UTF-8 without a byte order mark"),
        ));
    }
    let trimmed = text.strip_suffix('\n').unwrap_or(&text);
    let secret = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    if secret.trim().is_empty() {
        return Err(Box::new(
            Diagnostic::error("S009", format!("{flag}: {name} is empty or blank"))
                .with_help("write the secret in the file, on one line"),
        ));
    }
    Ok(secret.to_owned())
}

fn open_body(path: &Path) -> anyhow::Result<Box<dyn BufRead + Send>> {
    if path == Path::new("-") {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            std::io::stdin(),
        )))
    } else {
        let file = std::fs::File::open(path).map_err(|e| {
            anyhow::anyhow!(
                "cannot read the body {}: {}",
                named(path),
                crate::files::plain_error(&e)
            )
        })?;
        Ok(Box::new(BufReader::with_capacity(1 << 16, file)))
    }
}

/// Prints failures to `err`; excerpts come from the rules file only, never from the body.
fn report(args: &Args<'_>, findings: &[Diagnostic], err: &mut dyn Write) -> anyhow::Result<()> {
    let text = match args.format {
        Format::Human => {
            let rules_name = args.rules.display().to_string();
            // The rules file's warnings are `validate`'s to show: one line here, which a
            // script running sanitize on every response does not repeat at length.
            let (warnings, findings): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
                findings.iter().partition(|d| {
                    !d.is_error()
                        && match &d.location {
                            Some(diag::Location::Source { file, .. }) => *file == rules_name,
                            // R052, for the warnings left out, is counted in the line.
                            Some(diag::Location::File { file }) => {
                                *file == rules_name && crate::rules::findings_not_shown(d).is_some()
                            }
                            _ => false,
                        }
                });
            let mut text = warnings_line(args.rules, &warnings, args.paint);
            let (in_rules, elsewhere): (Vec<Diagnostic>, Vec<Diagnostic>) =
                findings.into_iter().cloned().partition(|d| {
                    matches!(&d.location, Some(diag::Location::Source { file, .. }) if *file == rules_name)
                });
            text.push_str(&render_human(args.rules, &in_rules, args.paint));
            for d in &elsewhere {
                text.push_str(&diag::render_human_painted(d, None, args.paint));
                text.push('\n');
            }
            // Findings are separated by a blank line; none follows the last.
            while text.ends_with("\n\n") {
                text.pop();
            }
            text
        }
        Format::Json => diag::render_json(findings),
        Format::Github => findings.iter().map(diag::render_github).collect(),
    };
    err.write_all(text.as_bytes())?;
    Ok(())
}

/// One line for the rules file's warnings, with their codes, or nothing when there are none.
/// When the rules had too many findings to report (R052), the codes are those of the warnings
/// shown, and the number counts those left out too (the rules loaded, so all are warnings).
fn warnings_line(rules: &Path, warnings: &[&Diagnostic], paint: crate::diag::Paint) -> String {
    let mut left_out = None;
    let mut codes: Vec<&str> = Vec::new();
    let mut shown = 0;
    for d in warnings {
        if let Some(hidden) = crate::rules::findings_not_shown(d) {
            left_out = Some(hidden);
        } else {
            codes.push(d.code);
            shown += 1;
        }
    }
    if shown == 0 && left_out.is_none() {
        return String::new();
    }
    codes.sort_unstable();
    codes.dedup();
    let codes = codes.join(", ");
    let name = shell_word(&diag::printable(&rules.display().to_string()));
    let validate = format!("`psoxy-rules validate {name}`");
    let detail = match left_out {
        None if shown == 1 => format!("1 warning ({codes}); {validate} shows it"),
        None => format!("{shown} warnings ({codes}); {validate} shows them"),
        Some(Some(hidden)) => format!(
            "{} warnings ({codes} in the {shown} that {validate} shows)",
            shown + hidden
        ),
        Some(None) => {
            format!("more than {shown} warnings ({codes} in the {shown} that {validate} shows)")
        }
    };
    format!(
        "{}: {} {name} has {detail}\n",
        paint.wrap("1", "psoxy-rules"),
        paint.wrap("1;33", "warning:"),
    )
}

/// `text` as one word of a shell command: as it is when it has only characters no shell reads
/// specially, else in single quotes.
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./-+:@%,=".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn a_name_with_spaces_or_quotes_is_quoted_for_a_shell() {
        assert_eq!(shell_word("rules/zoom.yaml"), "rules/zoom.yaml");
        assert_eq!(shell_word("my rules.yaml"), "'my rules.yaml'");
        assert_eq!(shell_word("it's.yaml"), r"'it'\''s.yaml'");
        assert_eq!(shell_word("$HOME.yaml"), "'$HOME.yaml'");
        assert_eq!(shell_word(""), "''");
    }
}
