//! `psoxy-rules sanitize`: one response body through the proxy's pipeline.

use std::io::{Read as _, Write};
use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;

use super::{Status, render_human};
use crate::diag::{self, Diagnostic, Format};
use crate::pseudonym::{DomainHandling, EmailCanonicalization, Pseudonymizer, Secrets};
use crate::rules;
use crate::sanitize::{Engine, Output, Sanitizer};

pub(super) struct Args<'a> {
    pub rules: &'a Path,
    pub url: &'a str,
    pub method: &'a str,
    pub pretty: bool,
    pub engine: Engine,
    pub salt_file: Option<&'a Path>,
    pub key_file: Option<&'a Path>,
    pub format: Format,
    pub body: &'a Path,
}

pub(super) fn run(
    args: &Args<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Status> {
    let rules = match rules::load(args.rules) {
        Ok((rules, _warnings)) => rules,
        Err(findings) => {
            report(args, &findings, err)?;
            return Ok(Status::Invalid);
        }
    };
    let pseudonymizer = match pseudonymizer(args) {
        Ok(p) => p,
        Err(finding) => {
            report(args, &[*finding], err)?;
            return Ok(Status::Invalid);
        }
    };
    let body = read_body(args.body)?;
    let sanitizer = Sanitizer::new(Arc::new(rules), pseudonymizer, args.engine);
    let output = if args.pretty {
        Output::Pretty
    } else {
        Output::Compact
    };
    match sanitizer.sanitize(args.method, args.url, &body, output) {
        Ok(bytes) => {
            out.write_all(&bytes)
                .context("writing the sanitized body")?;
            if args.pretty {
                out.write_all(b"\n")?;
            }
            Ok(Status::Ok)
        }
        Err(e) => {
            report(
                args,
                &[e.to_diagnostic(&args.body.display().to_string())],
                err,
            )?;
            Ok(Status::Invalid)
        }
    }
}

/// The pseudonymizer configured from the environment, with `--salt-file` / `--key-file`
/// taking the place of `PSOXY_SALT` / `PSOXY_ENCRYPTION_KEY`.
fn pseudonymizer(args: &Args<'_>) -> Result<Pseudonymizer, Box<Diagnostic>> {
    let salt = args
        .salt_file
        .map(|f| secret_file(f, "--salt-file"))
        .transpose()?;
    let key = args
        .key_file
        .map(|f| secret_file(f, "--key-file"))
        .transpose()?;
    let lookup = |name: &str| -> Option<String> {
        match name {
            "PSOXY_SALT" if salt.is_some() => salt.clone(),
            "PSOXY_ENCRYPTION_KEY" if key.is_some() => key.clone(),
            _ => std::env::var(name).ok(),
        }
    };
    let setting = |e: crate::pseudonym::PseudonymError| {
        Box::new(Diagnostic::error("S009", e.to_string()))
            .with_help("EMAIL_CANONICALIZATION is STRICT or IGNORE_DOTS; EMAIL_DOMAIN_HANDLING is PRESERVE, REDACT, TOKENIZE or ENCRYPT")
    };
    let canonicalization = EmailCanonicalization::from_env_with(lookup).map_err(setting)?;
    let domains = DomainHandling::from_env_with(lookup).map_err(setting)?;
    Pseudonymizer::new(Secrets::from_env_with(lookup), canonicalization, domains)
        .map_err(|e| Box::new(Diagnostic::error("S009", e.to_string())))
}

/// A secret from a file: its text without the final line break.
fn secret_file(path: &Path, flag: &str) -> Result<String, Box<Diagnostic>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error(
            "S009",
            format!("{flag}: cannot read {}: {e}", path.display()),
        )
    })?;
    let trimmed = text.strip_suffix('\n').unwrap_or(&text);
    Ok(trimmed.strip_suffix('\r').unwrap_or(trimmed).to_owned())
}

fn read_body(path: &Path) -> anyhow::Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut body = Vec::new();
        std::io::stdin()
            .read_to_end(&mut body)
            .context("reading the body from standard input")?;
        Ok(body)
    } else {
        std::fs::read(path).with_context(|| format!("reading the body {}", path.display()))
    }
}

/// Prints failures to `err`; excerpts come from the rules file only, never from the body.
fn report(args: &Args<'_>, findings: &[Diagnostic], err: &mut dyn Write) -> anyhow::Result<()> {
    let text = match args.format {
        Format::Human => {
            let rules_name = args.rules.display().to_string();
            let (in_rules, elsewhere): (Vec<Diagnostic>, Vec<Diagnostic>) =
                findings.iter().cloned().partition(|d| {
                    matches!(&d.location, Some(diag::Location::Source { file, .. }) if *file == rules_name)
                });
            let mut text = render_human(args.rules, &in_rules);
            for d in &elsewhere {
                text.push_str(&diag::render_human(d, None));
                text.push('\n');
            }
            text
        }
        Format::Json => diag::render_json(findings),
        Format::Github => findings.iter().map(diag::render_github).collect(),
    };
    err.write_all(text.as_bytes())?;
    Ok(())
}
