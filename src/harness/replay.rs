//! Replaying one case: the rules file and sanitizer of its case file (each loaded once), the
//! endpoint its request selects, and the golden form of the sanitized response with its trace.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cases::{Case, CaseFile};
use super::codes::Code;
use crate::diag::Diagnostic;
use crate::files::{CappedRead, read_capped_in_set};
use crate::pseudonym::{
    DomainHandling, EmailCanonicalization, Pseudonymizer, SecretValues, Secrets,
};
use crate::rules::{self, Rules};
use crate::sanitize::{Engine, Output, SanitizeError, Sanitizer, Selection, Trace};

/// Originals and committed sanitized files larger than this are refused: an example response
/// is read whole, and a device or pipe named as one must not be read without end.
pub(crate) const MAX_ORIGINAL_BYTES: u64 = 256 * 1024 * 1024;

/// The function the reference tests' proxy is deployed as: its mocked host instance id, whose
/// leading path segment is removed from requests (harness spec §4, semantics §5.1).
const TEST_FUNCTION: &str = "psoxy-test";

/// Loaded rules files and sanitizers, shared by the case files that name the same rules and
/// secrets.
#[derive(Default)]
pub(crate) struct Engines {
    rules: BTreeMap<PathBuf, Result<Arc<Rules>, Vec<Diagnostic>>>,
    /// For each rules file that does not load, the case file its errors were listed with.
    errors_listed: BTreeMap<PathBuf, PathBuf>,
    /// The warnings of each rules file that loaded, until they are reported.
    warnings: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// Keyed by rules file, salt and key.
    sanitizers: BTreeMap<(PathBuf, String, String), Arc<Sanitizer>>,
}

impl Engines {
    /// The warnings `validate` gives for the rules file at `path`, the first time they are
    /// asked for: a rules file that several case files use reports them once.
    pub fn take_warnings(&mut self, path: &Path) -> Vec<Diagnostic> {
        self.warnings.remove(path).unwrap_or_default()
    }

    /// The sanitizer for `file`'s rules and secrets, or why there is none: a finding at the
    /// `rules:` line, and the rules file's errors the first time (a rules file that several
    /// case files use lists them once).
    pub fn sanitizer(
        &mut self,
        file: &CaseFile,
        engine: Engine,
    ) -> Result<Arc<Sanitizer>, Vec<Diagnostic>> {
        let warnings = &mut self.warnings;
        let rules = self.rules.entry(file.rules.clone()).or_insert_with(|| {
            let loaded = if crate::files::is_named_pipe(&file.rules) {
                Err(vec![
                    rules::Code::Unreadable
                        .diag(format!("the rules file {}", crate::files::NAMED_PIPE))
                        .at(crate::diag::Location::File {
                            file: file.rules.display().to_string(),
                        }),
                ])
            } else {
                rules::load(&file.rules)
            };
            match loaded {
                Ok((rules, found)) => {
                    warnings.insert(file.rules.clone(), found);
                    Ok(Arc::new(rules))
                }
                Err(findings) => Err(findings.into_iter().filter(Diagnostic::is_error).collect()),
            }
        });
        let rules = match rules {
            Ok(rules) => Arc::clone(rules),
            Err(findings) => {
                let listed = self.errors_listed.get(&file.rules);
                let mut message = format!(
                    "the rules file {} does not load; no case of this file can be replayed",
                    file.rules.display()
                );
                if let Some(first) = listed {
                    let _ = write!(message, " (its errors are listed with {})", first.display());
                }
                let mut all = vec![
                    Code::RulesUnusable
                        .diag(message)
                        .at(file.rules_location.clone())
                        .with_help("run `psoxy-rules validate` on the rules file"),
                ];
                if listed.is_none() {
                    all.extend(findings.iter().cloned());
                    self.errors_listed
                        .insert(file.rules.clone(), file.path.clone());
                }
                return Err(all);
            }
        };
        let key = (
            file.rules.clone(),
            file.salt.expose().to_owned(),
            file.encryption_key.expose().to_owned(),
        );
        if let Some(s) = self.sanitizers.get(&key) {
            return Ok(Arc::clone(s));
        }
        let secrets = Secrets::new(SecretValues {
            salt: Some(file.salt.expose().to_owned()),
            encryption_key: Some(file.encryption_key.expose().to_owned()),
            ..SecretValues::default()
        });
        // The reference harness's pseudonymizer options (harness spec §4).
        let pseudonymizer = Pseudonymizer::new(
            secrets,
            EmailCanonicalization::Strict,
            DomainHandling::Preserve,
        );
        let sanitizer =
            Arc::new(Sanitizer::new(rules, pseudonymizer, engine).as_function(TEST_FUNCTION));
        self.sanitizers.insert(key, Arc::clone(&sanitizer));
        Ok(sanitizer)
    }
}

/// What replaying a case produced.
#[derive(Debug)]
pub(crate) struct Replay {
    /// The golden form of the sanitized response (not trimmed, no final line break).
    pub output: Vec<u8>,
    /// What the proxy sends: every value, compact, joined by line breaks. The golden form
    /// shows the first value only; the leak check reads them all.
    pub proxy_output: Vec<u8>,
    /// The endpoint the request selected (`None` when passed through unchanged).
    pub endpoint: Option<usize>,
    pub trace: Trace,
}

/// The outcome of a case that was attempted: an output, or the finding that stopped it, and the
/// endpoint selected if selection got that far.
pub(crate) struct Attempt {
    pub result: Result<Replay, Diagnostic>,
    pub endpoint: Option<usize>,
    /// When no endpoint allows the request, the one that came closest.
    pub closest: Option<usize>,
}

/// The name of a file beside `path`, which does not exist, that its name is a typo away from.
fn near_file(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let names: Vec<String> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    crate::rules::schema::suggest(name, &names)
}

/// Replays `case` through `sanitizer`, exactly as `psoxy-rules sanitize --pretty` would.
pub(crate) fn replay(sanitizer: &Sanitizer, case: &Case) -> Attempt {
    let failed = |d: Diagnostic| Attempt {
        result: Err(d),
        endpoint: None,
        closest: None,
    };
    let original_name = case.original.display().to_string();
    let body = match read_capped_in_set(&case.original, MAX_ORIGINAL_BYTES) {
        Ok(b) => b,
        Err(e) => {
            let missing =
                matches!(&e, CappedRead::Io(e) if e.kind() == std::io::ErrorKind::NotFound);
            let why = match e {
                CappedRead::Io(e) => e.to_string(),
                CappedRead::TooLarge(size) => {
                    CappedRead::too_large_message(size, MAX_ORIGINAL_BYTES, "originals")
                }
            };
            // The case still requests its endpoint, which has a case even if it cannot run.
            let endpoint = match sanitizer.select(&case.method, &case.url) {
                Ok(Selection::Endpoint(i)) => Some(i),
                _ => None,
            };
            let mut finding = Code::OriginalUnreadable
                .diag(format!("cannot read the original {original_name}: {why}"))
                .at(case.original_location.clone());
            if let Some(near) = missing.then(|| near_file(&case.original)).flatten() {
                finding = finding.with_help(format!(
                    "did you mean `{}`, in the same folder?",
                    crate::diag::quoted(&near)
                ));
            }
            return Attempt {
                result: Err(finding),
                endpoint,
                closest: None,
            };
        }
    };
    let selection = match sanitizer.select(&case.method, &case.url) {
        Ok(s) => s,
        Err(e) => {
            let closest = match &e {
                SanitizeError::Refused(r) => r.closest_endpoint,
                _ => None,
            };
            return Attempt {
                closest,
                ..failed(selection_finding(&e, case, &original_name))
            };
        }
    };
    let endpoint = match selection {
        Selection::Endpoint(i) => Some(i),
        Selection::PassThrough => None,
    };
    // As the reference harness: the proxy's output, then its first value pretty (§5).
    let result = sanitizer
        .sanitize_traced(selection, &body, Output::Compact)
        .and_then(|(proxy_output, trace)| {
            Ok(Replay {
                output: crate::sanitize::pretty_first_value(&proxy_output)?,
                proxy_output,
                endpoint,
                trace,
            })
        })
        .map_err(|e| sanitize_finding(&e, &original_name));
    Attempt {
        result,
        endpoint,
        closest: None,
    }
}

fn selection_finding(e: &SanitizeError, case: &Case, original: &str) -> Diagnostic {
    match e {
        SanitizeError::Refused(refusal) => Code::Refused
            .diag(refusal.to_string())
            .at(case.request_location.clone())
            .with_help(
                "check the request, or add an endpoint that allows it to the rules; \
                 every case is also an allow-list test",
            ),
        SanitizeError::InvalidUrl { .. } => Code::InvalidValue
            .diag(e.to_string())
            .at(case.request_location.clone())
            .with_help("give an absolute URL like `https://api.example.com/v1/users?x=1`, or a path like `/v1/users`"),
        _ => sanitize_finding(e, original),
    }
}

/// A pipeline failure as a harness finding, keeping the sanitizer's code and place.
fn sanitize_finding(e: &SanitizeError, original: &str) -> Diagnostic {
    let d = e.to_diagnostic(original);
    let mut finding = Code::SanitizeFailed.diag(format!(
        "the response cannot be sanitized: {} ({})",
        d.message, d.code
    ));
    finding.location = d.location;
    finding.help = d.help;
    finding
}
