//! The command line: `validate`, `schema`, `compile`, `sanitize` and `test`, with findings
//! printed for people, as JSON, or as GitHub annotations.

use std::fmt::Write as _;
use std::io::{IsTerminal as _, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::{self, Diagnostic, Format, Location};
use crate::rules;
use crate::sanitize::Engine;

mod sanitize;
mod test;

/// Validate, compile and apply Psoxy REST pseudonymization rules.
#[derive(Debug, Parser)]
#[command(name = "psoxy-rules", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check rules files and print every finding (exit 2 when any is an error; with --strict,
    /// 1 when there are warnings and no error).
    Validate {
        /// Rules files (YAML or JSON), or folders: every `*.yaml` and `*.yml` file below them;
        /// `-` reads standard input.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Fail on warnings too (exit 1).
        #[arg(long)]
        strict: bool,
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
        /// Colour in human output: `auto` colours a terminal unless NO_COLOR is set (not
        /// empty) or TERM is dumb.
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        color: ColorArg,
    },
    /// List the codes of findings (R, P: rules files; S: sanitize; H: test), or explain those
    /// given: when each is reported, why it matters, an example and its fix.
    Codes {
        /// Codes to explain, such as R044 (any case); none lists every code, a line each.
        codes: Vec<String>,
    },
    /// Print the JSON Schema of the rules format (or, with --cases, of case files).
    Schema {
        /// Print the schema of case files (`cases.yaml`) instead.
        #[arg(long)]
        cases: bool,
    },
    /// Check a rules file, then print what each endpoint does.
    Compile {
        /// A rules file (YAML or JSON); `-` reads standard input.
        file: PathBuf,
        /// Also print each endpoint's compiled plan: the merged paths as nodes and edges, the
        /// actions with the rule that owns each, and the passes over the document.
        #[arg(long)]
        explain: bool,
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
        /// Colour in human output: `auto` colours a terminal unless NO_COLOR is set (not
        /// empty) or TERM is dumb.
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        color: ColorArg,
    },
    /// Sanitize a response body exactly as the proxy would, for a request to URL.
    ///
    /// Secrets and settings come from the environment, as the proxy reads them: PSOXY_SALT,
    /// PSOXY_ENCRYPTION_KEY, SALT_IP, ENCRYPTION_KEY_IP, SALT_EMAIL_DOMAINS,
    /// ENCRYPTION_KEY_EMAIL_DOMAINS, EMAIL_CANONICALIZATION, EMAIL_DOMAIN_HANDLING.
    Sanitize {
        /// The rules file (YAML or JSON); `-` reads standard input, when the body is a file.
        #[arg(long)]
        rules: PathBuf,
        /// The request URL: `https://host/path?query` or `/path?query`.
        #[arg(long)]
        url: String,
        /// The request method: a token of RFC 9110 (letters, digits and !#$%&'*+-.^_`|~).
        #[arg(long, default_value = "GET")]
        method: String,
        /// Write the golden form of sanitized example files instead of the proxy's compact
        /// output.
        #[arg(long)]
        pretty: bool,
        /// How JSONPaths are applied; both give the same bytes.
        #[arg(long, value_enum, default_value_t = EngineArg::Plan)]
        engine: EngineArg,
        /// Read the salt (PSOXY_SALT) from this file.
        #[arg(long, value_name = "FILE")]
        salt_file: Option<PathBuf>,
        /// Read the encryption key (PSOXY_ENCRYPTION_KEY) from this file.
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
        /// How failures are printed.
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
        /// Colour in human output: `auto` colours a terminal unless NO_COLOR is set (not
        /// empty) or TERM is dumb.
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        color: ColorArg,
        /// Threads sanitizing the values of a multi-value (NDJSON) body; the output keeps the
        /// input's order. With more than one, the large arrays of a single document are split
        /// between two threads. From 1 to 256: up to 2N + 1 segments of about 1 MiB are held at
        /// once, and threads beyond the cores add memory, not speed. When the system
        /// refuses some of the threads, those it starts do the work. Default: the number of
        /// cores, at most 256.
        #[arg(long, value_name = "N", value_parser = parse_jobs)]
        jobs: Option<usize>,
        /// Write the sanitized body to FILE (replaced atomically, only on success) instead of
        /// standard output (`-`). FILE must not be the rules, the body, --salt-file or
        /// --key-file.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// The response body; `-` reads standard input.
        #[arg(default_value = "-")]
        body: PathBuf,
    },
    /// Replay example responses and compare them with the committed sanitized files.
    ///
    /// Each case is replayed through the same pipeline as `sanitize --pretty` and compared byte
    /// for byte with its sanitized file (CR LF read as LF, both sides trimmed). Endpoints without
    /// a case, sanitized files no case names, requests no endpoint allows and leaks of personal
    /// data in any output are reported too. Exit code: 0 all pass, 1 a mismatch or finding,
    /// 2 input that cannot be used or a --bless that cannot run.
    Test {
        /// Case files, or folders searched for `cases.yaml` [default: api-response-examples]
        paths: Vec<PathBuf>,
        /// Write the actual outputs over the sanitized files (refused, writing nothing, when CI
        /// is set, anything leaks, two cases naming one file disagree, an input cannot be used,
        /// or a target cannot be written: a link, a folder, a file the run reads, one this user
        /// may not write).
        #[arg(long)]
        bless: bool,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
        /// How the results are printed.
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
        /// Colour in human output: `auto` colours a terminal unless NO_COLOR is set (not
        /// empty) or TERM is dumb.
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        color: ColorArg,
        /// How JSONPaths are applied; both give the same bytes.
        #[arg(long, value_enum, default_value_t = EngineArg::Plan)]
        engine: EngineArg,
    },
}

/// The most threads `sanitize --jobs` takes: enough for the largest machines, few enough that
/// their stacks and segments in flight fit in memory.
pub const MAX_JOBS: usize = 256;

/// `--jobs N`: a whole number from 1 to [`MAX_JOBS`].
fn parse_jobs(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=MAX_JOBS).contains(&n) => Ok(n),
        _ => Err(format!(
            "the number of threads is a whole number from 1 to {MAX_JOBS}"
        )),
    }
}

/// `--method M`: one or more token characters of RFC 9110, as an HTTP request line needs; a
/// method that is not one is refused like a URL the proxy could not receive (S002).
pub(crate) fn check_method(text: &str) -> Result<(), String> {
    if text.is_empty() {
        Err("the method is empty; give one like GET".to_owned())
    } else if !text.chars().all(crate::endpoint::is_token_char) {
        Err(format!(
            "`{}` is not a method: a method is made of ASCII letters, digits and \
             !#$%&'*+-.^_`|~ (a token of RFC 9110)",
            crate::endpoint::quoted_method(text)
        ))
    } else {
        Ok(())
    }
}

/// When human output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless NO_COLOR is set (not empty) or TERM is dumb.
    Auto,
    Always,
    Never,
}

/// Colour on a terminal unless `NO_COLOR` is set (and not empty) or `TERM` is `dumb`, or as
/// forced. `terminal` says whether the output coloured is a terminal.
fn paint(color: ColorArg, terminal: bool) -> diag::Paint {
    let color = match color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            terminal
                && auto_color(
                    std::env::var_os("NO_COLOR").as_deref(),
                    std::env::var_os("TERM").as_deref(),
                )
        }
    };
    diag::Paint { color }
}

/// Whether a terminal is coloured under these `NO_COLOR` and `TERM` values.
fn auto_color(no_color: Option<&std::ffi::OsStr>, term: Option<&std::ffi::OsStr>) -> bool {
    no_color.is_none_or(std::ffi::OsStr::is_empty) && term.is_none_or(|t| t != "dumb")
}

/// Which engine applies the JSONPaths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// All paths of an endpoint compiled into one walk over the document.
    Plan,
    /// Each path on its own, in order, as the reference proxy does.
    Naive,
}

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// `FILE:LINE:COL: error[CODE]: message` with a source excerpt.
    Human,
    /// JSON: `test` prints one report object, `compile` one object with the findings and the
    /// rules; the other commands an array of findings.
    Json,
    /// GitHub Actions annotations.
    Github,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
        }
    }
}

/// The outcome of a command, as the process exit code (0 ok, 1 findings, 2 error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Success (warnings allowed).
    Ok = 0,
    /// The command ran and found problems: a mismatch, a leak, a coverage gap.
    Findings = 1,
    /// The input has errors.
    Invalid = 2,
}

/// Whether an `--output` names standard output, as `-` does (the body's `-` is standard input).
fn is_stdout(output: &Path) -> bool {
    output.as_os_str() == "-"
}

/// Whether `e` comes from a reader of standard output that stopped reading (`… | head`).
pub fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Runs `cli`, writing results to `out` and diagnostics of `compile` to `err`.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Status> {
    // Commands that write files through temporary files remove them when interrupted.
    let writes = match &cli.command {
        Command::Sanitize { output, .. } => output.as_deref().is_some_and(|o| !is_stdout(o)),
        Command::Test { bless, .. } => *bless,
        _ => false,
    };
    if writes {
        crate::files::remove_temporaries_on_signals()
            .context("preparing to remove temporary files when interrupted")?;
    }
    match cli.command {
        Command::Validate {
            files,
            strict,
            format,
            color,
        } => validate(
            &files,
            strict,
            format.into(),
            paint(color, std::io::stdout().is_terminal()),
            out,
        ),
        Command::Codes { codes } => explain_codes(&codes, out, err),
        Command::Schema { cases } => {
            let text = if cases {
                crate::harness::cases::json_schema_text()
            } else {
                rules::schema::json_schema_text()
            };
            out.write_all(text.as_bytes())?;
            Ok(Status::Ok)
        }
        Command::Compile {
            file,
            explain,
            format,
            color,
        } => compile(
            &file,
            explain,
            format.into(),
            paint(color, std::io::stderr().is_terminal()),
            out,
            err,
        ),
        Command::Sanitize {
            rules,
            url,
            method,
            pretty,
            engine,
            salt_file,
            key_file,
            format,
            color,
            jobs,
            output,
            body,
        } => sanitize::run(
            &sanitize::Args {
                rules: &rules,
                url: &url,
                method: &method,
                pretty,
                engine: match engine {
                    EngineArg::Plan => Engine::Plan,
                    EngineArg::Naive => Engine::Naive,
                },
                salt_file: salt_file.as_deref(),
                key_file: key_file.as_deref(),
                format: format.into(),
                paint: paint(color, std::io::stderr().is_terminal()),
                jobs: jobs.unwrap_or_else(|| {
                    std::thread::available_parallelism()
                        .map_or(1, std::num::NonZero::get)
                        .min(MAX_JOBS)
                }),
                output: output.as_deref().filter(|o| !is_stdout(o)),
                body: &body,
            },
            out,
            err,
        ),
        Command::Test {
            paths,
            bless,
            strict,
            format,
            color,
            engine,
        } => test::run(
            &test::Args {
                paths: &paths,
                bless,
                strict,
                format: format.into(),
                paint: paint(color, std::io::stdout().is_terminal()),
                engine,
            },
            out,
        ),
    }
}

/// Every code of every command: code, severity, the exit status it gives, meaning.
fn code_table() -> Vec<(&'static str, diag::Severity, &'static str, &'static str)> {
    use crate::harness::codes::Code as H;
    use diag::Severity::{Error, Warning};
    use rules::codes::Code as R;
    let mut table: Vec<_> = R::ALL
        .iter()
        .map(|c| {
            let exit = if c.severity() == Error {
                "2"
            } else {
                "0, 1 with --strict"
            };
            (c.as_str(), c.severity(), exit, c.meaning())
        })
        .collect();
    table.extend(
        crate::sanitize::CODES
            .iter()
            .map(|&(code, meaning)| (code, Error, "2", meaning)),
    );
    table.extend(H::ALL.iter().map(|c| {
        let exit = match (c.severity(), c.is_unusable()) {
            (_, true) => "2",
            (Error, false) => "1",
            (Warning, false) => "0, 1 with --strict",
        };
        (c.as_str(), c.severity(), exit, c.meaning())
    }));
    table
}

/// `codes`: each code asked for, with its severity, the exit status it gives, what it means and
/// its explanation (or every code, a line each); an unknown code is an error (exit 2), with the
/// closest known one.
fn explain_codes(
    asked: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Status> {
    let table = code_table();
    let mut status = Status::Ok;
    let rows: Vec<_> = if asked.is_empty() {
        table.iter().collect()
    } else {
        let mut rows = Vec::new();
        for code in asked {
            if let Some(row) = table
                .iter()
                .find(|row| row.0.eq_ignore_ascii_case(code.trim()))
            {
                rows.push(row);
            } else {
                // The codes that are known are still explained.
                let known: Vec<String> = table.iter().map(|row| row.0.to_owned()).collect();
                let hint = rules::schema::suggest(code, &known)
                    .map_or_else(String::new, |s| format!(" (did you mean {s}?)"));
                writeln!(
                    err,
                    "psoxy-rules: no code `{}`{hint}; `psoxy-rules codes` lists them",
                    diag::printable(code)
                )?;
                status = Status::Invalid;
            }
        }
        rows
    };
    // Codes asked for by name are explained whole; the list of all gives a line each.
    let whole = !asked.is_empty();
    let mut text = String::new();
    for (k, (code, severity, exit, meaning)) in rows.into_iter().enumerate() {
        let severity = severity.to_string();
        let exit = format!("exit {exit}");
        if whole && k > 0 {
            text.push('\n');
        }
        let _ = writeln!(text, "{code}  {severity:<7}  {exit:<26}  {meaning}");
        if let Some(doc) = whole.then(|| crate::code_docs::explanation(code)).flatten() {
            let _ = write!(text, "\n{doc}");
        }
    }
    out.write_all(text.as_bytes())?;
    Ok(status)
}

/// The rules files named: a file as it is, a folder as every `*.yaml` and `*.yml` file below
/// it, in name order, except hidden ones and case files (`cases.yaml`), each file once. A folder
/// without any is a finding, given with the number of files before it, to be shown in the
/// order the paths were named.
fn rules_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(usize, Diagnostic)>) {
    use crate::harness::cases::{CASE_FILE_NAME, files_in, once_each};
    let mut files = Vec::new();
    let mut findings = Vec::new();
    let unreadable = |path: &Path, message: String| {
        rules::codes::Code::Unreadable
            .diag(message)
            .at(Location::File {
                file: path.display().to_string(),
            })
    };
    let mut searched = std::collections::BTreeSet::new();
    for path in paths {
        // Named as the repository knows it, as `test` names case files: `./a.yaml` is `a.yaml`.
        let path = &without_leading_dot(path);
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        // A folder named twice, by any name, is searched once, as a file is checked once.
        if !searched.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone())) {
            continue;
        }
        let (found, errors) = files_in(path, |name| {
            Path::new(name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
                && name != CASE_FILE_NAME
                && name != "cases.yml"
        });
        for (at, why) in errors {
            findings.push((
                files.len(),
                unreadable(&at, format!("cannot search the folder: {why}")),
            ));
        }
        if found.is_empty() {
            findings.push((
                files.len(),
                unreadable(
                    path,
                    "no rules file (`*.yaml`, `*.yml`) in this folder or below".to_owned(),
                )
                .with_help("name the rules files, or a folder that holds them"),
            ));
        }
        files.extend(found.iter().map(|f| without_leading_dot(f)));
    }
    // A file named twice (`validate rules rules/a.yaml`, `a.yaml ./a.yaml`) is checked once.
    for (before, _) in &mut findings {
        *before = once_each(files[..*before].to_vec()).len();
    }
    (once_each(files), findings)
}

fn validate(
    paths: &[PathBuf],
    strict: bool,
    format: Format,
    paint: diag::Paint,
    out: &mut dyn Write,
) -> anyhow::Result<Status> {
    let (files, mut folders) = rules_files(paths);
    folders.reverse();
    let mut all = Vec::new();
    let mut text = String::new();
    // Files that could be read: a file named that does not exist is not counted as checked.
    let mut checked = 0;
    for k in 0..=files.len() {
        while folders.last().is_some_and(|(before, _)| *before == k) {
            let (_, finding) = folders.pop().expect("a finding is left");
            if format == Format::Human {
                text.push_str(&diag::render_human_painted(&finding, None, paint));
                text.push('\n');
            }
            all.push(finding);
        }
        let Some(file) = files.get(k) else { break };
        let findings = match load_rules(file) {
            Ok((_, warnings)) => warnings,
            Err(findings) => findings,
        };
        if !findings
            .iter()
            .any(|d| d.code == rules::codes::Code::Unreadable.as_str())
        {
            checked += 1;
        }
        if format == Format::Human {
            text.push_str(&render_human(file, &findings, paint));
        }
        all.extend(findings);
    }
    let errors = all.iter().filter(|d| d.is_error()).count();
    let warnings = all.len() - errors;
    // R052 stands for the findings left out: counted with them, not as a warning.
    let mut left_out = Some(0);
    let mut summaries = 0;
    for d in &all {
        if let Some(n) = rules::findings_not_shown(d) {
            summaries += 1;
            left_out = left_out.zip(n).map(|(a, b)| a + b);
        }
    }
    let not_shown = match left_out {
        _ if summaries == 0 => String::new(),
        Some(n) => format!(", {n} more not shown"),
        None => ", more not shown".to_owned(),
    };
    let failing = if strict && errors == 0 && warnings > summaries {
        " (failing with --strict)"
    } else {
        ""
    };
    let summary = format!(
        "{checked} file{} checked: {errors} error{}, {} warning{}{not_shown}{failing}\n",
        plural(checked),
        plural(errors),
        warnings - summaries,
        plural(warnings - summaries),
    );
    match format {
        Format::Human => {
            text.push_str(&codes_hint(&all));
            text.push_str(&summary);
            out.write_all(text.as_bytes())?;
        }
        Format::Json => out.write_all(diag::render_json(&all).as_bytes())?,
        Format::Github => {
            for d in &all {
                out.write_all(diag::render_github(d).as_bytes())?;
            }
            // A plain line, as `test` ends with: the job's log says what was checked.
            out.write_all(summary.as_bytes())?;
        }
    }
    Ok(if errors > 0 {
        Status::Invalid
    } else if !failing.is_empty() {
        Status::Findings
    } else {
        Status::Ok
    })
}

/// `path` without a leading `./`, which names no more than the path without it; `.` alone stays.
fn without_leading_dot(path: &Path) -> PathBuf {
    match path.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.to_path_buf(),
        _ => path.to_path_buf(),
    }
}

/// The line that names the codes of `findings` for `psoxy-rules codes` (empty without any).
fn codes_hint(findings: &[Diagnostic]) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for d in findings {
        if !codes.contains(&d.code) {
            codes.push(d.code);
        }
    }
    if codes.is_empty() {
        return String::new();
    }
    let (these, them) = if codes.len() == 1 {
        ("this code", "it")
    } else {
        ("these codes", "them")
    };
    format!(
        "`psoxy-rules codes {}` explains {these} and how to fix {them}\n",
        codes.join(" ")
    )
}

fn compile(
    file: &Path,
    explain: bool,
    format: Format,
    paint: diag::Paint,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Status> {
    let file = &without_leading_dot(file);
    let (loaded, findings) = match load_rules(file) {
        Ok((rules, warnings)) => (Some(rules), warnings),
        Err(findings) => (None, findings),
    };
    if format == Format::Json {
        return compile_json(file, loaded, findings, explain, out);
    }
    let mut rendered = match format {
        Format::Github => findings.iter().map(diag::render_github).collect(),
        _ => render_human(file, &findings, paint),
    };
    let Some(rules) = loaded else {
        // The rules are not compiled: say so, as `validate` ends its report.
        let errors = findings.iter().filter(|d| d.is_error()).count();
        let warnings = findings.len() - errors;
        if format == Format::Human {
            rendered.push_str(&codes_hint(&findings));
        }
        let _ = writeln!(
            rendered,
            "{} not compiled: {errors} error{}, {warnings} warning{}",
            file.display(),
            plural(errors),
            plural(warnings)
        );
        err.write_all(rendered.as_bytes())?;
        return Ok(Status::Invalid);
    };
    err.write_all(rendered.as_bytes())?;
    out.write_all(rules::summary::render(&rules).as_bytes())
        .context("writing the summary")?;
    if explain {
        return explain_plans(file, rules, paint, out, err);
    }
    Ok(Status::Ok)
}

/// `compile --format json`: one object on standard output with the file, its findings, and
/// the rules as `compile` summarizes them (`null` when they do not load); with `--explain`,
/// each endpoint also has its plan.
fn compile_json(
    file: &Path,
    loaded: Option<rules::Rules>,
    mut findings: Vec<Diagnostic>,
    explain: bool,
    out: &mut dyn Write,
) -> anyhow::Result<Status> {
    let mut status = if loaded.is_some() {
        Status::Ok
    } else {
        Status::Invalid
    };
    let mut summary = loaded.as_ref().map(rules::summary::json);
    if let (true, Some(rules), Some(summary)) = (explain, loaded, summary.as_mut()) {
        let n = rules.endpoints.len();
        let sanitizer = plan_sanitizer(rules);
        for i in 0..n {
            match sanitizer.explain_json(i) {
                Ok(plan) => summary["endpoints"][i]["plan"] = plan.into(),
                Err(e) => {
                    findings.push(e.to_diagnostic("-"));
                    status = Status::Invalid;
                    break;
                }
            }
        }
    }
    let document = serde_json::json!({
        "file": file.display().to_string(),
        "findings": findings,
        "rules": summary,
    });
    let mut text = serde_json::to_string_pretty(&document).context("writing the summary")?;
    text.push('\n');
    out.write_all(text.as_bytes())
        .context("writing the summary")?;
    Ok(status)
}

/// A sanitizer that compiles plans only: it needs no secrets, as no value is transformed.
fn plan_sanitizer(rules: rules::Rules) -> crate::sanitize::Sanitizer {
    use crate::pseudonym::{
        DomainHandling, EmailCanonicalization, Pseudonymizer, SecretValues, Secrets,
    };
    let pseudonymizer = Pseudonymizer::new(
        Secrets::new(SecretValues::default()),
        EmailCanonicalization::default(),
        DomainHandling::default(),
    );
    crate::sanitize::Sanitizer::new(std::sync::Arc::new(rules), pseudonymizer, Engine::Plan)
}

/// Prints the compiled plan of every endpoint.
fn explain_plans(
    file: &Path,
    rules: rules::Rules,
    paint: diag::Paint,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Status> {
    let n = rules.endpoints.len();
    let sanitizer = plan_sanitizer(rules);
    for i in 0..n {
        match sanitizer.explain(i) {
            Ok(plan) => {
                writeln!(out, "\nplan of endpoint {}", i + 1)?;
                out.write_all(plan.unwrap_or_default().as_bytes())?;
            }
            Err(e) => {
                let d = e.to_diagnostic("-");
                err.write_all(render_human(file, &[d], paint).as_bytes())?;
                return Ok(Status::Invalid);
            }
        }
    }
    Ok(Status::Ok)
}

/// Findings of one file, rendered with excerpts of its text.
pub(crate) fn render_human(file: &Path, findings: &[Diagnostic], paint: diag::Paint) -> String {
    if findings.is_empty() {
        return String::new();
    }
    let text = source_text(file);
    let mut out = String::new();
    for d in findings {
        out.push_str(&diag::render_human_painted(d, text.as_deref(), paint));
        out.push('\n');
    }
    out
}

/// The file's text for excerpts, if it is a regular file small enough to have been read. A
/// device or a pipe is not read again: it would not give the same bytes, or none at all.
fn source_text(file: &Path) -> Option<String> {
    if is_stdin(file) {
        return stdin_bytes()
            .as_ref()
            .ok()
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned());
    }
    if !std::fs::metadata(file).ok()?.is_file() {
        return None;
    }
    let bytes = crate::files::read_capped(file, rules::MAX_FILE_BYTES).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Whether a rules file named on the command line is `-`: standard input.
fn is_stdin(file: &Path) -> bool {
    file.as_os_str() == "-"
}

/// Standard input, read whole once (up to the size limit of rules files), for every `-` of
/// the command line and the excerpts of its findings.
fn stdin_bytes() -> &'static Result<Vec<u8>, String> {
    static STDIN: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();
    STDIN.get_or_init(|| {
        use std::io::Read as _;
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(rules::MAX_FILE_BYTES.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        Ok(bytes)
    })
}

/// Loads the rules file `file`; `-` reads standard input.
pub(crate) fn load_rules(file: &Path) -> rules::LoadResult {
    if !is_stdin(file) {
        return rules::load(file);
    }
    match stdin_bytes() {
        // More than the limit is refused by its size, as a file is.
        Ok(bytes) => rules::load_bytes("-", bytes),
        Err(why) => Err(vec![
            rules::Code::Unreadable
                .diag(format!("cannot read standard input: {why}"))
                .at(Location::File {
                    file: "-".to_owned(),
                }),
        ]),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn every_code_has_an_explanation_and_every_explanation_a_code() {
        let codes: Vec<&str> = code_table().iter().map(|row| row.0).collect();
        let explained: Vec<&str> = crate::code_docs::DOCS.iter().map(|(c, _)| *c).collect();
        assert_eq!(explained, codes);
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/code_docs");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("src/code_docs")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let mut expected: Vec<String> = codes.iter().map(|c| format!("{c}.md")).collect();
        expected.sort();
        assert_eq!(files, expected);
        for (code, doc) in crate::code_docs::DOCS {
            assert!(doc.ends_with('\n') && !doc.ends_with("\n\n"), "{code}");
            // Prose is wrapped; blocks hold commands and files as they are.
            let mut in_block = false;
            for line in doc.lines() {
                in_block ^= line.starts_with("```");
                assert!(
                    in_block || line.chars().count() <= 96,
                    "{code}: a line wider than 96 columns: {line}"
                );
            }
            assert!(!in_block, "{code}: a block that is not closed");
        }
    }

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
