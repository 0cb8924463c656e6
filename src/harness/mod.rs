//! The replay harness: case files, replay through the sanitizer, comparison with the committed
//! sanitized files, coverage, the leak check, and `--bless`. `psoxy-rules test` and the
//! repository's own example tests both run [`run`].

pub mod bless;
pub mod cases;
pub mod codes;
mod coverage;
pub mod diff;
pub mod leaks;
mod replay;
pub mod report;
mod targets;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use cases::{Case, CaseFile};
pub use codes::Code;
pub use report::Paint;

use crate::diag::{Diagnostic, Location, Severity};
use crate::files::{CappedRead, FileId, file_id, read_capped_in_set};
use crate::filter::{Loss, LossKind};
use crate::json::parse_value;
use crate::rules::{Encoding, Located, Rules, SchemaFilter, TransformKind};
use crate::sanitize::Engine;
use coverage::Coverage;
use diff::Change;
use leaks::{Leak, LeakKind, Protected, RuleRef, Served};
use replay::{Engines, Replay};

/// How a run behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Warnings fail the run.
    pub strict: bool,
    /// Write the actual outputs over the sanitized files.
    pub bless: bool,
    /// The run is in continuous integration (`CI` is set); `--bless` is refused.
    pub ci: bool,
    pub engine: EngineChoice,
}

/// Which engine applies the JSONPaths; both give the same bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EngineChoice {
    #[default]
    Plan,
    Naive,
}

impl From<EngineChoice> for Engine {
    fn from(e: EngineChoice) -> Engine {
        match e {
            EngineChoice::Plan => Engine::Plan,
            EngineChoice::Naive => Engine::Naive,
        }
    }
}

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The output is the committed file, and nothing leaks.
    Passed,
    Failed,
    /// `--bless` wrote the output over the sanitized file (or created it).
    Written,
    /// The case could not be replayed because its case file's rules do not load.
    NotRun,
}

/// One case's result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseReport {
    /// `case-file:line: METHOD URL`, unique in a run.
    pub name: String,
    pub case_file: String,
    pub line: u32,
    pub request: String,
    pub original: String,
    pub sanitized: String,
    pub outcome: Outcome,
    pub findings: Vec<Diagnostic>,
    /// How the output differs from the committed file, leaked values withheld.
    pub changes: Vec<Change>,
    /// A unified diff of the committed file and the output, leaked values withheld.
    pub diff: Option<String>,
    /// The line of the committed file where the diff starts to differ.
    #[serde(skip)]
    pub first_changed_line: Option<u32>,
    /// The lines of the committed file where the JSON Pointers of findings are, for those it
    /// has.
    #[serde(skip)]
    pub pointer_lines: BTreeMap<String, u32>,
}

/// One case file's results.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseFileReport {
    pub path: String,
    /// Findings about the file itself, its rules, and their coverage.
    pub findings: Vec<Diagnostic>,
    pub cases: Vec<CaseReport>,
}

/// The result of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub case_files: Vec<CaseFileReport>,
    /// Findings of no one case file: paths without case files, `--bless` refusals.
    pub findings: Vec<Diagnostic>,
    /// Sanitized files written by `--bless`.
    pub written: Vec<String>,
    /// Temporary files left by interrupted writes that `--bless` deleted.
    pub removed: Vec<String>,
    pub strict: bool,
    /// The run was asked to `--bless`: what it wrote is told even when that is nothing.
    pub bless: bool,
    /// The text of case and rules files, for excerpts in findings.
    sources: BTreeMap<String, String>,
}

/// The exit status a report calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// A mismatch, a leak, or another finding (exit 1).
    Findings,
    /// The input could not be used (exit 2).
    Unusable,
}

impl Report {
    pub fn cases(&self) -> impl Iterator<Item = &CaseReport> {
        self.case_files.iter().flat_map(|f| f.cases.iter())
    }

    /// Every finding: global, per case file, per case.
    pub fn all_findings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.findings
            .iter()
            .chain(self.case_files.iter().flat_map(|f| {
                f.findings
                    .iter()
                    .chain(f.cases.iter().flat_map(|c| &c.findings))
            }))
    }

    pub fn passed(&self) -> usize {
        self.cases()
            .filter(|c| matches!(c.outcome, Outcome::Passed | Outcome::Written))
            .count()
    }

    pub fn failed(&self) -> usize {
        self.cases()
            .filter(|c| matches!(c.outcome, Outcome::Failed | Outcome::NotRun))
            .count()
    }

    pub fn verdict(&self) -> Verdict {
        let unusable = self
            .all_findings()
            .any(|d| d.is_error() && Code::of(d).is_none_or(Code::is_unusable));
        if unusable {
            return Verdict::Unusable;
        }
        let failing = self.failed() > 0
            || self
                .all_findings()
                .any(|d| d.is_error() || (self.strict && d.severity == Severity::Warning));
        if failing {
            Verdict::Findings
        } else {
            Verdict::Pass
        }
    }

    /// The text of `file` if it is a case or rules file of the run.
    pub fn source(&self, file: &str) -> Option<&str> {
        self.sources.get(file).map(String::as_str)
    }
}

/// A case while the run is in progress.
struct Work {
    file: usize,
    case: Case,
    replay: Option<Replay>,
    /// The sanitizer that produced the output, for the rules behind its trace.
    rules: Option<std::sync::Arc<crate::sanitize::Sanitizer>>,
    committed: Committed,
    findings: Vec<Diagnostic>,
    leaks: Vec<Leak>,
    /// Personal data in the committed file (committed by mistake, or by hand), withheld from
    /// diffs as leaks are.
    committed_leaks: Vec<Leak>,
    /// Leaks that `allowedLeaks` allows: no finding, but personal data all the same, withheld
    /// from diffs as leaks are.
    allowed_leaks: Vec<Leak>,
    /// How the output differs from the committed file, before leaked values are withheld.
    changes: Vec<Change>,
    ran: bool,
    written: bool,
}

/// The committed sanitized file of a case.
enum Committed {
    /// Its text, with line breaks made LF and trimmed (harness spec §5), and where that text
    /// begins in the file.
    Text(String, Lead),
    Missing,
    /// Why it cannot be compared.
    Unreadable(String),
}

/// Replays every case file under `paths` and checks the example set.
pub fn run(paths: &[PathBuf], options: &Options) -> Report {
    let mut report = Report {
        strict: options.strict,
        bless: options.bless,
        ..Report::default()
    };
    let (case_paths, discovery) = cases::discover(paths);
    report.findings.extend(discovery);

    let mut loaded: Vec<CaseFile> = Vec::new();
    for path in case_paths {
        match cases::load(&path) {
            Ok(f) => {
                report
                    .sources
                    .insert(f.path.display().to_string(), f.text.clone());
                loaded.push(f);
            }
            Err(findings) => {
                if let Some(text) = text_for_excerpts(&path) {
                    report.sources.insert(path.display().to_string(), text);
                }
                report.case_files.push(CaseFileReport {
                    path: path.display().to_string(),
                    findings,
                    cases: Vec::new(),
                });
            }
        }
    }
    // A sanitized file of one set must not replace what another set reads either.
    let mut files: Vec<CaseFile> = Vec::new();
    let mut file_findings: Vec<Vec<Diagnostic>> = Vec::new();
    let refusals = targets::check(&loaded);
    for (f, findings) in loaded.into_iter().zip(refusals) {
        if findings.is_empty() {
            files.push(f);
            file_findings.push(Vec::new());
        } else {
            report.case_files.push(CaseFileReport {
                path: f.path.display().to_string(),
                findings,
                cases: Vec::new(),
            });
        }
    }

    let mut engines = Engines::default();
    let mut coverage = Coverage::default();
    let mut work: Vec<Work> = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let sanitizer = match engines.sanitizer(file, options.engine.into()) {
            Ok(s) => {
                let rules = s.rules();
                report.sources.insert(
                    rules.source.name().to_owned(),
                    rules.source.text().to_owned(),
                );
                coverage.add_rules(&file.rules, i, &s);
                file_findings[i].extend(engines.take_warnings(&file.rules));
                Some(s)
            }
            Err(findings) => {
                // Its errors are shown with excerpts, as `validate` shows them.
                if let Some(text) = text_for_excerpts(&file.rules) {
                    report
                        .sources
                        .insert(file.rules.display().to_string(), text);
                }
                file_findings[i].extend(findings);
                None
            }
        };
        for case in &file.cases {
            let mut w = Work {
                file: i,
                case: case.clone(),
                replay: None,
                rules: None,
                committed: read_committed(&case.sanitized),
                findings: Vec::new(),
                leaks: Vec::new(),
                committed_leaks: Vec::new(),
                allowed_leaks: Vec::new(),
                changes: Vec::new(),
                ran: sanitizer.is_some(),
                written: false,
            };
            if let Some(s) = &sanitizer {
                let attempt = replay::replay(s, case);
                if let Some(e) = attempt.endpoint {
                    // An empty original selects nothing: no evidence against any path.
                    let trace = attempt
                        .result
                        .as_ref()
                        .ok()
                        .filter(|r| !r.proxy_output.iter().all(u8::is_ascii_whitespace))
                        .map(|r| &r.trace);
                    coverage.record(&file.rules, e, trace, &case.original);
                }
                if let Some(e) = attempt.closest {
                    coverage.refused(&file.rules, e, &case.request_location);
                }
                match attempt.result {
                    Ok(r) => {
                        if let Some(e) = r.endpoint {
                            w.findings.extend(schema_losses(
                                s.rules(),
                                e,
                                case,
                                &r.trace.schema_losses,
                            ));
                        }
                        // A capture that went wrong: nothing is sanitized, nothing compared.
                        if r.proxy_output.iter().all(u8::is_ascii_whitespace) {
                            w.findings.push(empty_original(case));
                        }
                        w.rules = Some(std::sync::Arc::clone(s));
                        w.replay = Some(r);
                    }
                    Err(d) => w.findings.push(d),
                }
            }
            work.push(w);
        }
    }

    check_leaks(&files, &mut work, &mut file_findings);
    // Known before the comparison, whose advice to bless must not be what `--bless` refuses.
    let conflicts = conflicting_outputs(&work);
    let conflicted: BTreeSet<PathBuf> = conflicts
        .iter()
        .map(|(i, _)| work[*i].case.sanitized.clone())
        .collect();
    let refused = refusal_reasons(&work, conflicts.len(), &report, &file_findings);
    compare(&mut work, options.bless, &conflicted, &refused);
    for (i, d) in &conflicts {
        work[*i].findings.push(d.clone());
    }
    let conflicts = conflicts.len();

    for (i, d) in coverage.findings() {
        file_findings[i].push(d);
    }
    for (i, d) in coverage::unreferenced_files(&files) {
        file_findings[i].push(d);
    }

    let blessed = options.bless
        && bless(
            &mut work,
            &mut report,
            *options,
            conflicts,
            &files,
            &file_findings,
        );
    // A run that blesses deletes what interrupted runs left; others point them out.
    for (i, path) in coverage::leftover_temporaries(&files) {
        if blessed && std::fs::remove_file(&path).is_ok() {
            report.removed.push(path.display().to_string());
        } else {
            file_findings[i].push(coverage::leftover_temporary(&path));
        }
    }

    // Assemble, in case-file order (failed loads first would reorder; keep discovery order).
    let mut by_file: Vec<Vec<CaseReport>> = files.iter().map(|_| Vec::new()).collect();
    for w in work {
        let i = w.file;
        by_file[i].push(case_report(&files[i], w, options.strict));
    }
    for ((file, findings), cases) in files.iter().zip(file_findings).zip(by_file) {
        report.case_files.push(CaseFileReport {
            path: file.path.display().to_string(),
            findings,
            cases,
        });
    }
    report.case_files.sort_by(|a, b| a.path.cmp(&b.path));
    report
}

/// The text of a case or rules file that did not load, for excerpts of its findings: bytes that
/// are not UTF-8 are shown as U+FFFD, as their place is counted. A device or a pipe is not read
/// again: it would not give the same bytes, or none at all.
fn text_for_excerpts(path: &Path) -> Option<String> {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let bytes = crate::files::read_capped_in_set(path, crate::rules::MAX_FILE_BYTES).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn read_committed(path: &Path) -> Committed {
    let unreadable = |why: &str| Committed::Unreadable(why.to_owned());
    if path.is_dir() {
        return unreadable("is a folder, not a file");
    }
    match read_capped_in_set(path, replay::MAX_ORIGINAL_BYTES) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Committed::Text(golden(&text).into_owned(), Lead::of(&text)),
            Err(_) => unreadable("is not UTF-8 text"),
        },
        Err(CappedRead::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Committed::Missing,
        Err(CappedRead::Io(e)) if e.kind() == std::io::ErrorKind::NotADirectory => {
            // A file stands where the path needs a folder: name it.
            match path.ancestors().skip(1).find(|a| a.is_file()) {
                Some(file) => Committed::Unreadable(format!(
                    "cannot be read: `{}` is a file, where its path needs a folder",
                    file.display()
                )),
                None => Committed::Unreadable(format!("cannot be read: {e}")),
            }
        }
        Err(CappedRead::Io(e)) => Committed::Unreadable(format!("cannot be read: {e}")),
        Err(CappedRead::TooLarge(_)) => unreadable("is larger than 256 MiB"),
    }
}

/// The space that [`golden`] trims from the start of a text: the lines it ends, and the
/// characters of the last one; and whether the text's lines end in CR LF, which a rewrite
/// keeps.
#[derive(Debug, Clone, Copy, Default)]
struct Lead {
    lines: u32,
    columns: u32,
    crlf: bool,
}

impl Lead {
    fn of(text: &str) -> Lead {
        let body = text.trim_start_matches(|c: char| c <= ' ');
        let lead = &text[..text.len() - body.len()];
        let lines = lead.replace("\r\n", "\n").matches(['\n', '\r']).count();
        let last = lead.rfind(['\n', '\r']).map_or(lead, |at| &lead[at + 1..]);
        Lead {
            lines: u32::try_from(lines).unwrap_or(u32::MAX),
            columns: u32::try_from(last.chars().count()).unwrap_or(u32::MAX),
            crlf: text.find('\n').is_some_and(|at| text[..at].ends_with('\r')),
        }
    }

    /// Where `(line, column)` of the trimmed text is in the file.
    fn place(self, (line, column): (u32, u32)) -> (u32, u32) {
        let column = if line == 1 {
            column.saturating_add(self.columns)
        } else {
            column
        };
        (line.saturating_add(self.lines), column)
    }
}

/// The comparable form of a golden text: line breaks made LF, then Java's `trim` (harness
/// spec §5).
fn golden(text: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = text.trim_matches(|c: char| c <= ' ');
    if trimmed.contains('\r') {
        std::borrow::Cow::Owned(
            trimmed
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .trim_matches(|c: char| c <= ' ')
                .to_owned(),
        )
    } else {
        std::borrow::Cow::Borrowed(trimmed)
    }
}

/// Whether the transform replaces or removes each value it selects entirely, so the original
/// must not appear in any output. Transforms that keep parts of a value (regex matches,
/// phrases, `includeOriginal`) are not; `onlyIfRegex` changes nothing, as the proxy ignores it
/// (§1.5).
fn replaces_whole_value(kind: &TransformKind) -> bool {
    match kind {
        TransformKind::Redact
        | TransformKind::TextDigest(_)
        | TransformKind::HashIp
        | TransformKind::EncryptIp => true,
        TransformKind::Pseudonymize(_) => !keeps_original(kind),
        TransformKind::Tokenize(o) => o.regex.is_none(),
        _ => false,
    }
}

/// Whether the transform writes each value it selects into the output as it is: `pseudonymize`
/// with `includeOriginal`, which only the `JSON` encoding writes (§2.2).
fn keeps_original(kind: &TransformKind) -> bool {
    matches!(kind, TransformKind::Pseudonymize(o) if *o.include_original && o.encoding == Encoding::Json)
}

fn rule_ref(rules: &Rules, endpoint: usize, transform: usize, path: usize) -> Option<RuleRef> {
    let t = rules.endpoints.get(endpoint)?.transforms.get(transform)?;
    let p = t.json_paths.get(path)?;
    Some(RuleRef {
        location: rules.source.location(p.span),
        kind: t.kind.name(),
        path: p.as_str().to_owned(),
    })
}

/// The leak check of every output, against the values protected in any case of its file.
fn check_leaks(files: &[CaseFile], work: &mut [Work], file_findings: &mut [Vec<Diagnostic>]) {
    for (i, file) in files.iter().enumerate() {
        let mut protected = Protected::default();
        for w in work.iter().filter(|w| w.file == i) {
            // Whole values, and the parts that transforms keeping the rest take out.
            for (endpoint, value, rule) in selections(w, replaces_whole_value, true) {
                protected.add(value, endpoint, || rule);
            }
        }
        let mut used_file_allowances = BTreeSet::new();
        for w in work.iter_mut().filter(|w| w.file == i) {
            let served = served(w);
            if let Committed::Text(committed, _) = &w.committed
                && let Ok(doc) = parse_value(committed)
            {
                w.committed_leaks = leaks::find_leaks(&doc, &protected, &served);
            }
            let Some(r) = &w.replay else {
                continue;
            };
            let Ok(text) = std::str::from_utf8(&r.proxy_output) else {
                continue;
            };
            let endpoint_location = match (r.endpoint, &w.rules) {
                (Some(e), Some(s)) => s
                    .rules()
                    .endpoints
                    .get(e)
                    .map(|ep| s.rules().source.location(ep.span)),
                _ => None,
            };
            let mut used_case_allowances = BTreeSet::new();
            // Looked up, not searched: an output may leak tens of thousands of values.
            let mut reported: HashSet<Diagnostic> = w.findings.iter().cloned().collect();
            let mut new_findings = Vec::new();
            // Every value of the proxy's output, not only the first that the golden form shows.
            let found = crate::json::parse_values(text)
                .map_while(Result::ok)
                .enumerate()
                .flat_map(|(k, doc)| {
                    let found = leaks::find_leaks(&doc, &protected, &served);
                    // A leak that no rule protects elsewhere may be in a value that a transform
                    // selects and leaves in clear: a regex that does not match it.
                    let uncovered = found.iter().any(|l| l.rule.is_none() && l.kept.is_none());
                    let places = match (uncovered, r.endpoint, &w.rules) {
                        (true, Some(e), Some(s)) => s
                            .selected_places(e, &doc)
                            .ok()
                            .map(|places| (s.rules(), e, places)),
                        _ => None,
                    };
                    found.into_iter().map(move |leak| {
                        let by = places.as_ref().and_then(|(rules, e, places)| {
                            let (t, p) = selecting(places, leak.raw_pointer())?;
                            rule_ref(rules, *e, t, p)
                        });
                        (k, leak, by)
                    })
                })
                .collect::<Vec<_>>();
            for (value, leak, selected_by) in found {
                if let Some(k) = w
                    .case
                    .allowed_leaks
                    .iter()
                    .position(|a| a.covers(leak.raw_pointer()))
                {
                    used_case_allowances.insert(k);
                    w.allowed_leaks.push(leak);
                    continue;
                }
                if let Some(k) = file
                    .allowed_leaks
                    .iter()
                    .position(|a| a.covers(leak.raw_pointer()))
                {
                    used_file_allowances.insert(k);
                    w.allowed_leaks.push(leak);
                    continue;
                }
                // The same value twice in one string is one finding; both are withheld.
                let finding = leak_finding(
                    &leak,
                    value,
                    &w.case,
                    endpoint_location.as_ref(),
                    selected_by.as_ref(),
                );
                if reported.insert(finding.clone()) {
                    new_findings.push(finding);
                }
                w.leaks.push(leak);
            }
            w.findings.extend(grouped_by_shape(new_findings));
            for (k, a) in w.case.allowed_leaks.iter().enumerate() {
                if !used_case_allowances.contains(&k) {
                    let finding = unused_allowance(a, &w.leaks);
                    w.findings.push(finding);
                }
            }
        }
        for (k, a) in file.allowed_leaks.iter().enumerate() {
            if !used_file_allowances.contains(&k) {
                let file_leaks = work.iter().filter(|w| w.file == i).flat_map(|w| &w.leaks);
                file_findings[i].push(unused_allowance(a, file_leaks));
            }
        }
    }
}

/// The values that the transforms of `w`'s endpoint select in its case, each with the endpoint
/// and its rule, for the transforms of a kind that `which` accepts; with `parts`, also the
/// pieces of values that transforms keeping the rest of them replace or remove.
fn selections(
    w: &Work,
    which: fn(&TransformKind) -> bool,
    parts: bool,
) -> impl Iterator<Item = (usize, &str, RuleRef)> + '_ {
    let replayed = match (&w.replay, &w.rules) {
        (Some(r), Some(s)) => r.endpoint.map(|e| (r, s.rules(), e)),
        _ => None,
    };
    replayed.into_iter().flat_map(move |(r, rules, e)| {
        r.trace.protected.iter().filter_map(move |p| {
            let t = rules.endpoints.get(e)?.transforms.get(p.transform)?;
            let wanted = if p.part { parts } else { which(&t.kind) };
            if !wanted {
                return None;
            }
            Some((
                e,
                p.value.as_str(),
                rule_ref(rules, e, p.transform, p.path)?,
            ))
        })
    })
}

/// What the leak check needs to know of how `w` was served: the endpoint, and the originals
/// that its rules with `includeOriginal` write into the output.
fn served(w: &Work) -> Served {
    let mut served = Served::new(w.replay.as_ref().and_then(|r| r.endpoint));
    for (_, value, rule) in selections(w, keeps_original, false) {
        served.keep(value, || rule);
    }
    served
}

fn empty_original(case: &Case) -> Diagnostic {
    Code::EmptyOriginal
        .diag(format!(
            "the original {} holds no JSON value: the proxy returns an empty body for it, so \
             this case checks nothing",
            crate::diag::quoted(&case.original.display().to_string())
        ))
        .at(case.original_location.clone())
        .with_help("capture the response again, or remove the case")
}

/// `allowance` with each segment that is not `*` taken from `leak`, a pointer of as many
/// segments: the entry corrected, keeping the wildcards it has.
fn corrected_allowance(allowance: &str, leak: &str) -> String {
    allowance
        .split('/')
        .zip(leak.split('/'))
        .map(|(a, l)| if a == "*" { a } else { l })
        .collect::<Vec<_>>()
        .join("/")
}

/// The finding of an allowance that covers no leak; `leaks` are those reported where it
/// applies, one of which it may have been meant for.
fn unused_allowance<'a>(
    a: &cases::Allowance,
    leaks: impl IntoIterator<Item = &'a Leak>,
) -> Diagnostic {
    // The closest, and the first among equals.
    let meant = leaks
        .into_iter()
        .filter_map(|l| a.typo_distance(l.raw_pointer()).map(|d| (d, l)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, l)| l);
    let (why, help) = match meant {
        // A pointer that withholds a member name is no pointer to copy.
        Some(l) if l.pointer == l.raw_pointer() => (
            "the allowance covers no leak",
            format!(
                "did you mean `{}`?",
                crate::diag::quoted(&corrected_allowance(&a.pointer, &l.pointer))
            ),
        ),
        Some(_) => (
            "the allowance covers no leak",
            "a leak is reported at a pointer a typo away from this one: correct the entry to \
             the place of that leak"
                .to_owned(),
        ),
        None => (
            "the allowance is not needed",
            "remove the entry from `allowedLeaks`".to_owned(),
        ),
    };
    Code::UnusedAllowance
        .diag(format!(
            "nothing leaks at `{}`; {why}",
            crate::diag::quoted(&a.pointer)
        ))
        .at(a.location.clone())
        .with_help(help)
}

/// Findings of one code and help at places that differ only in array indexes, as one finding
/// at the first place that counts the others and gives the pointer with `*` for each index
/// (the form `allowedLeaks` takes): a list of users whose emails all leak is one finding, not
/// one per user. Findings keep the order of their first place.
fn grouped_by_shape(findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut groups: Vec<(Diagnostic, String, usize)> = Vec::new();
    let mut index_of: HashMap<Diagnostic, usize> = HashMap::new();
    for finding in findings {
        let Some(Location::Pointer { file, pointer }) = &finding.location else {
            groups.push((finding, String::new(), 1));
            continue;
        };
        let shape = pointer_shape(pointer);
        // The message may differ in what it says of each value (the rule that protects it
        // elsewhere, its type): the first one's is shown, as its place is.
        let key = Diagnostic {
            message: String::new(),
            location: Some(Location::Pointer {
                file: file.clone(),
                pointer: shape.clone(),
            }),
            ..finding.clone()
        };
        match index_of.entry(key) {
            Entry::Occupied(e) => groups[*e.get()].2 += 1,
            Entry::Vacant(e) => {
                e.insert(groups.len());
                groups.push((finding, shape, 1));
            }
        }
    }
    groups
        .into_iter()
        .map(|(mut finding, shape, n)| {
            if n > 1 {
                finding.message = format!(
                    "{} (and {} more at `{}`)",
                    finding.message,
                    n - 1,
                    crate::diag::quoted(&shape)
                );
            }
            finding
        })
        .collect()
}

/// The warnings of what the `responseSchema` of `endpoint` took from the original of `case`
/// because it asks for another type there (H026).
fn schema_losses(rules: &Rules, endpoint: usize, case: &Case, losses: &[Loss]) -> Vec<Diagnostic> {
    let Some(schema) = rules
        .endpoints
        .get(endpoint)
        .and_then(|e| e.response_schema.as_ref())
    else {
        return Vec::new();
    };
    let findings = losses.iter().map(|loss| {
        let asks = |items: bool| {
            // Any index names the schema of the array's elements.
            let pointer = if items {
                format!("{}/0", loss.pointer)
            } else {
                loss.pointer.clone()
            };
            let place = schema_at(schema, rules.definitions.as_ref(), &pointer);
            match place.and_then(|s| s.value.schema_type.as_ref()) {
                Some(t) => format!(
                    "`type: {}` at {} asks for another type",
                    crate::diag::quoted(&t.value),
                    rules.source.location(t.span)
                ),
                None => format!(
                    "the schema at {} asks for another type",
                    rules.source.location(schema.span)
                ),
            }
        };
        let message = match loss.kind {
            LossKind::Nulled { was } => format!(
                "`responseSchema` turns the {was} here into null: {}",
                asks(false)
            ),
            LossKind::Removed { elements } => format!(
                "`responseSchema` removes {elements} {} of this array: in `items`, {}",
                if elements == 1 { "element" } else { "elements" },
                asks(true)
            ),
        };
        Code::SchemaLoss
            .diag(message)
            .at(Location::Pointer {
                file: Some(case.original.display().to_string()),
                pointer: leaks::withhold_personal_names(&loss.pointer),
            })
            .with_help(
                "give this place the type the API sends (`string`, `integer`, `number`, \
                 `boolean`, `object` or `array`, as the original has it), or leave the member out \
                 of `properties` to drop it: the proxy sends the null without a word",
            )
    });
    grouped_by_shape(findings.collect())
}

/// The schema that filters the value at `pointer` (RFC 6901) of a response filtered by
/// `schema`, when it is known without the value: `$ref`, `properties` and `items` followed,
/// not `anyOf` or conditions, which depend on the value.
fn schema_at<'s>(
    schema: &'s Located<SchemaFilter>,
    definitions: Option<&'s BTreeMap<String, Located<SchemaFilter>>>,
    pointer: &str,
) -> Option<&'s Located<SchemaFilter>> {
    let resolved = |mut s: &'s Located<SchemaFilter>| {
        // As many hops as there are definitions: more is a loop.
        for _ in 0..=definitions.map_or(0, BTreeMap::len) {
            let Some(reference) = &s.value.reference else {
                return Some(s);
            };
            let name = reference.value.strip_prefix("#/definitions/")?;
            s = definitions?.get(name)?;
        }
        None
    };
    let mut here = resolved(schema)?;
    for token in pointer.split('/').skip(1) {
        let v = &here.value;
        if v.any_of.is_some() || v.if_schema.is_some() || v.then_schema.is_some() {
            return None;
        }
        let next = match v.schema_type.as_ref().map(|t| t.value.as_str()) {
            Some("object") => v
                .properties
                .as_ref()?
                .get(&token.replace("~1", "/").replace("~0", "~"))?,
            Some("array") => v.items.as_deref()?,
            _ => return None,
        };
        here = resolved(next)?;
    }
    let v = &here.value;
    (v.any_of.is_none() && v.if_schema.is_none()).then_some(here)
}

/// `pointer` with `*` for each token that is an array index.
fn pointer_shape(pointer: &str) -> String {
    pointer
        .split('/')
        .enumerate()
        .map(|(k, token)| {
            let index = k > 0 && !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
            if index { "*" } else { token }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The transform and path that select the place at `pointer` or a container of it, if any.
fn selecting(places: &HashMap<String, (usize, usize)>, pointer: &str) -> Option<(usize, usize)> {
    let mut at = Some(pointer.len());
    while let Some(end) = at {
        if let Some(&found) = places.get(&pointer[..end]) {
            return Some(found);
        }
        at = pointer[..end].rfind('/');
    }
    None
}

/// The finding of `leak`, in the value of index `value` of the response; `selected_by` is
/// the rule that selects its place, if one does.
fn leak_finding(
    leak: &Leak,
    value: usize,
    case: &Case,
    endpoint: Option<&Location>,
    selected_by: Option<&RuleRef>,
) -> Diagnostic {
    let (code, what) = match leak.kind {
        LeakKind::Email => (Code::LeakedEmail, "an email address".to_owned()),
        LeakKind::LocalPart => (
            Code::LeakedEmail,
            "the local part of an email address".to_owned(),
        ),
        LeakKind::Phone => (Code::LeakedPhone, "a phone number".to_owned()),
        LeakKind::Protected => (
            Code::LeakedValue,
            match &leak.rule {
                Some(r) => format!("the original value of a field that `{}` protects", r.kind),
                None => "an original value".to_owned(),
            },
        ),
    };
    let place = if leak.in_key { " in a member name" } else { "" };
    // The golden form shows the first value only; the proxy sends them all.
    let output = if value > 0 {
        format!(
            "value {} of the output of `{}` (the sanitized file shows the first only)",
            value + 1,
            case.request()
        )
    } else {
        format!("the output of `{}`", case.request())
    };
    let cover = match (&leak.kept, &leak.rule, endpoint) {
        _ if leak.kind == LeakKind::LocalPart
            && let Some(by) = selected_by =>
        {
            format!(
                "it stands in clear before a pseudonym: {by} pseudonymizes only what follows `@`"
            )
        }
        (Some(k), _, _) => format!(
            "the value is kept in clear by `includeOriginal` of the rule at {} ({} `{}`)",
            k.location, k.kind, k.path
        ),
        (None, Some(r), _) => format!("{r} protects this value elsewhere"),
        (None, None, _) if let Some(by) = selected_by => {
            format!("{by} selects this value, and leaves it in clear")
        }
        (None, None, Some(e)) => format!("no transform of the endpoint at {e} covers it"),
        (None, None, None) => "no endpoint sanitized this response".to_owned(),
    };
    let help = if leak.kind == LeakKind::LocalPart && selected_by.is_some() {
        "make the regex's group 1 cover the whole address, such as `([^\\s@]+@[^\\s@]+)`, not \
         only its domain: the pseudonym replaces group 1 and the text before it stays"
    } else if leak.rule.is_none() && leak.kept.is_none() && selected_by.is_some() {
        "check what the transform does with this value: a regex that does not match it (for \
         `tokenize`, the whole value) leaves it as it is; if the value is meant to stay, add its \
         pointer to `allowedLeaks` in the case file"
    } else if leak.kept.is_some() {
        "remove `includeOriginal` from the rule: it sends the original value in clear, and is \
         meant only for values that are not personal data; if the value is meant to stay, add its \
         pointer to `allowedLeaks` in the case file"
    } else {
        "pseudonymize or redact the field in the rules; if the value is meant to stay, add its \
         pointer to `allowedLeaks` in the case file"
    };
    code.diag(format!("leak: {what}{place} in {output}; {cover}"))
        .at(Location::Pointer {
            file: Some(case.sanitized.display().to_string()),
            pointer: leak.pointer.clone(),
        })
        .with_help(help)
}

/// The help of a finding that `--bless` fixes (H010, H011), `advice` saying how, unless
/// `--bless` would refuse to write the file: then what stops it, or nothing in a run that
/// blesses, where the refusal (H040, H041) says why or the finding goes once the file is
/// written.
fn bless_help(
    w: &Work,
    (conflicted, refused): (&BTreeSet<PathBuf>, &[String]),
    blessing: bool,
    advice: &str,
) -> Option<String> {
    if !w.leaks.is_empty() {
        Some(
            "fix the leak reported for this case first: `--bless` writes nothing while anything \
             leaks"
                .to_owned(),
        )
    } else if conflicted.contains(&w.case.sanitized) {
        Some(
            "give one of the cases that name this file its own `sanitized:` file first (H008): \
             `--bless` writes nothing while their outputs differ"
                .to_owned(),
        )
    } else if blessing {
        None
    } else if !refused.is_empty() {
        // Refused for the findings of other cases: they go first.
        Some(format!(
            "first fix what else this run reports ({}): `--bless` writes nothing until then; \
             then {advice}",
            refused.join(", ")
        ))
    } else {
        Some(advice.to_owned())
    }
}

/// Compares each output with its committed file; `conflicted` are the files that cases with
/// different outputs name.
fn compare(work: &mut [Work], blessing: bool, conflicted: &BTreeSet<PathBuf>, refused: &[String]) {
    for w in work.iter_mut() {
        let Some(r) = &w.replay else {
            continue;
        };
        let sanitized = w.case.sanitized.display().to_string();
        match &w.committed {
            Committed::Missing => {
                let mut d = Code::MissingSanitized
                    .diag("the sanitized file does not exist")
                    .at(Location::File { file: sanitized });
                d.help = bless_help(
                    w,
                    (conflicted, refused),
                    blessing,
                    "run `psoxy-rules test --bless` to create it, then review and commit it",
                );
                w.findings.push(d);
            }
            Committed::Unreadable(why) => w.findings.push(
                Code::SanitizedUnreadable
                    .diag(format!("the sanitized file {why}"))
                    .at(Location::File { file: sanitized }),
            ),
            Committed::Text(expected, lead) => {
                let actual = String::from_utf8_lossy(&r.output);
                let actual = golden(&actual);
                if *expected != actual {
                    let mut at = Location::File {
                        file: sanitized.clone(),
                    };
                    let (changes, how) = match (parse_value(expected), parse_value(&actual)) {
                        (Ok(e), Ok(a)) => {
                            let changes = diff::structural_diff(&e, &a);
                            let how = match changes.len() {
                                0 => " (in formatting)".to_owned(),
                                1 => " (1 change)".to_owned(),
                                n => format!(" ({n} changes)"),
                            };
                            (changes, how)
                        }
                        (Err(e), _) => {
                            at = Location::at(
                                sanitized.clone(),
                                lead.place((e.line, e.column)),
                                0..0,
                            );
                            (Vec::new(), format!(", which is not valid JSON: {}", e.kind))
                        }
                        (Ok(_), Err(_)) => (Vec::new(), String::new()),
                    };
                    let mut d = Code::Mismatch
                        .diag(format!(
                            "the output of `{}` differs from the committed file{how}",
                            w.case.request(),
                        ))
                        .at(at);
                    d.help = bless_help(
                        w,
                        (conflicted, refused),
                        blessing,
                        "if the change is intended, run `psoxy-rules test --bless`, review the \
                         diff and commit it",
                    );
                    w.findings.push(d);
                    w.changes = changes;
                }
            }
        }
    }
}

/// Cases that name one sanitized file must agree on its contents: the finding of each case
/// whose output differs from that of the first case naming its file, by its index.
fn conflicting_outputs(work: &[Work]) -> Vec<(usize, Diagnostic)> {
    let mut first: BTreeMap<PathBuf, (usize, String)> = BTreeMap::new();
    let mut conflicts = Vec::new();
    for i in 0..work.len() {
        let Some(r) = &work[i].replay else {
            continue;
        };
        // Names that lead to one file through a linked folder are one file.
        let path = crate::files::place(&work[i].case.sanitized);
        match first.get(&path) {
            None => {
                first.insert(path, (i, work[i].case.location.to_string()));
            }
            Some((j, where_)) => {
                let same = work[*j].replay.as_ref().is_some_and(|o| {
                    golden(&String::from_utf8_lossy(&o.output))
                        == golden(&String::from_utf8_lossy(&r.output))
                });
                if !same {
                    let d = Code::ConflictingOutputs
                        .diag(format!(
                            "this case names the same sanitized file as the case at {where_} but \
                             its output differs"
                        ))
                        .at(work[i].case.location.clone())
                        .with_help("give one of the cases its own `sanitized:` file");
                    conflicts.push((i, d));
                }
            }
        }
    }
    conflicts
}

/// Why `--bless` writes nothing in this run, if it does not: its leaks, its cases with
/// conflicting outputs (`conflicts`), input it cannot use.
fn refusal_reasons(
    work: &[Work],
    conflicts: usize,
    report: &Report,
    file_findings: &[Vec<Diagnostic>],
) -> Vec<String> {
    let leaks: usize = work.iter().map(|w| w.leaks.len()).sum();
    // Case files that did not load are in the report already.
    let unusable = report
        .all_findings()
        .chain(file_findings.iter().flatten())
        .chain(work.iter().flat_map(|w| &w.findings))
        .any(|d| d.is_error() && Code::of(d).is_none_or(Code::is_unusable));
    let mut reasons = Vec::new();
    if leaks > 0 {
        reasons.push(format!("{leaks} leak{}", if leaks == 1 { "" } else { "s" }));
    }
    if conflicts > 0 {
        reasons.push(format!(
            "{conflicts} case{} with conflicting outputs",
            if conflicts == 1 { "" } else { "s" }
        ));
    }
    if unusable {
        reasons.push("input that cannot be used".to_owned());
    }
    reasons
}

/// Writes the outputs that differ from their files, unless that is refused; whether it went
/// ahead.
fn bless(
    work: &mut [Work],
    report: &mut Report,
    options: Options,
    conflicts: usize,
    files: &[CaseFile],
    file_findings: &[Vec<Diagnostic>],
) -> bool {
    if options.ci {
        report.findings.push(
            Code::BlessInCi
                .diag("--bless is refused because CI is set; nothing was written")
                .with_help(
                    "regenerate sanitized files locally, review the diff and commit them; CI \
                     only compares",
                ),
        );
        return false;
    }
    let reasons = refusal_reasons(work, conflicts, report, file_findings);
    if !reasons.is_empty() {
        report.findings.push(
            Code::BlessRefused
                .diag(format!(
                    "--bless is refused because of {}; nothing was written",
                    reasons.join(", ")
                ))
                .with_help(
                    "fix the findings this run reports, then run `psoxy-rules test --bless` again",
                ),
        );
        return false;
    }
    let is_stale = |w: &Work| {
        w.replay.is_some()
            && w.findings.iter().any(|d| {
                matches!(
                    Code::of(d),
                    Some(Code::Mismatch | Code::MissingSanitized | Code::SanitizedUnreadable)
                )
            })
    };
    // Every target is checked before the first is written, so a refusal writes nothing.
    let targets = Targets::new(files);
    let stale: BTreeSet<PathBuf> = work
        .iter()
        .filter(|w| is_stale(w))
        .map(|w| w.case.sanitized.clone())
        .collect();
    let mut unfit: BTreeSet<PathBuf> = BTreeSet::new();
    for w in work.iter_mut().filter(|w| is_stale(w)) {
        let target = &w.case.sanitized;
        let problem = targets
            .unfit(target, &files[w.file].folder)
            .or_else(|| folder_of_another(target, &stale));
        // A file that several cases name is reported once, at the first of them.
        if let Some(problem) = problem
            && unfit.insert(w.case.sanitized.clone())
        {
            w.findings.push(
                Code::WriteFailed
                    .diag(format!(
                        "the sanitized file {}; it is not written",
                        problem.what
                    ))
                    .at(Location::File {
                        file: w.case.sanitized.display().to_string(),
                    })
                    .with_help(problem.help),
            );
        }
    }
    if !unfit.is_empty() {
        report.findings.push(cannot_write(unfit.len()));
        return false;
    }
    // Each file once, under any of its names; cases that name one file agree on it (checked
    // above).
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut places = BTreeSet::new();
    for w in work.iter().filter(|w| is_stale(w)) {
        if let Some(r) = &w.replay
            && places.insert(crate::files::place(&w.case.sanitized))
        {
            let crlf = matches!(&w.committed, Committed::Text(_, lead) if lead.crlf);
            outputs.push((w.case.sanitized.clone(), bless::file_bytes(&r.output, crlf)));
        }
    }
    let mut previous: Vec<(PathBuf, PathBuf)> = Vec::new();
    let (failed, written): (BTreeMap<PathBuf, std::io::Error>, BTreeSet<PathBuf>) =
        match bless::write_all(&outputs) {
            Ok(()) => (
                BTreeMap::new(),
                outputs.iter().map(|(p, _)| p.clone()).collect(),
            ),
            Err(f) => {
                previous = f
                    .previous
                    .iter()
                    .map(|(i, at)| (outputs[*i].0.clone(), at.clone()))
                    .collect();
                (
                    f.failed
                        .into_iter()
                        .map(|(i, e)| (outputs[i].0.clone(), e))
                        .collect(),
                    f.written.iter().map(|&i| outputs[i].0.clone()).collect(),
                )
            }
        };
    let mut reported: BTreeSet<PathBuf> = BTreeSet::new();
    for w in work.iter_mut().filter(|w| is_stale(w)) {
        let path = &w.case.sanitized;
        if let Some(e) = failed.get(path) {
            if !reported.insert(path.clone()) {
                continue;
            }
            w.findings.push(
                Code::WriteFailed
                    .diag(format!(
                        "the sanitized file cannot be written: {e}; it is not written"
                    ))
                    .at(Location::File {
                        file: path.display().to_string(),
                    })
                    .with_help(write_failure_help(e)),
            );
            continue;
        }
        if !written.contains(path) {
            continue;
        }
        let name = path.display().to_string();
        if !report.written.contains(&name) {
            report.written.push(name);
        }
        w.written = true;
        w.findings.retain(|d| {
            !matches!(
                Code::of(d),
                Some(Code::Mismatch | Code::MissingSanitized | Code::SanitizedUnreadable)
            )
        });
    }
    if failed.is_empty() {
        return true;
    }
    let refusal = if written.is_empty() {
        cannot_write(failed.len())
    } else {
        partly_written(failed.len(), written.len(), &previous)
    };
    report.findings.push(refusal);
    false
}

/// The help of a sanitized file that the system refused to write, for its reason `e`.
fn write_failure_help(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind;
    match e.kind() {
        // Something appeared at its path after the check.
        ErrorKind::IsADirectory | ErrorKind::DirectoryNotEmpty | ErrorKind::NotADirectory => {
            "remove or rename what stands at its path, or name another file in the case with \
             `sanitized:`"
        }
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => "free some space on the disk",
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
            "make the file (if it exists) and its folder writable by this user, or name another \
             file in the case file"
        }
        _ => "make its folder writable, or name another file in the case file",
    }
}

/// Why `target` cannot be written, if another of the files to write, `targets`, lies under it:
/// one path cannot be a file and a folder.
fn folder_of_another(target: &Path, targets: &BTreeSet<PathBuf>) -> Option<Unfit> {
    let inside = targets
        .iter()
        .find(|t| *t != target && t.starts_with(target))?;
    Some(Unfit {
        what: format!(
            "would also have to be the folder of the sanitized file `{}`",
            crate::diag::quoted(&inside.display().to_string())
        ),
        help: "name another file in one of the two cases with `sanitized:`: one path cannot be \
               a file and a folder"
            .to_owned(),
    })
}

/// The end of a `--bless` run that could not write `n` sanitized files, and could not put
/// back `written` files it had renamed into place before: the run says exactly which files it
/// wrote (the `wrote` lines), as it could not write all or none, and where the previous content
/// of each is kept (`previous`: file, where).
fn partly_written(n: usize, written: usize, previous: &[(PathBuf, PathBuf)]) -> Diagnostic {
    let files = |n: usize| format!("{n} sanitized file{}", if n == 1 { "" } else { "s" });
    let kept: Vec<String> = previous
        .iter()
        .map(|(file, at)| {
            format!(
                "the previous content of {} is kept as {}",
                crate::diag::quoted(&file.display().to_string()),
                crate::diag::quoted(&at.display().to_string())
            )
        })
        .collect();
    let help = if kept.is_empty() {
        "fix the findings this run reports, then run `psoxy-rules test --bless` again".to_owned()
    } else {
        format!(
            "{}; fix the findings this run reports, then run `psoxy-rules test --bless` again",
            kept.join("; ")
        )
    };
    Code::BlessRefused
        .diag(format!(
            "--bless could not write {}, and could not put back as they were {} it had written \
             before: only {} written",
            files(n),
            files(written),
            if written == 1 {
                "that one was"
            } else {
                "those were"
            },
        ))
        .with_help(help)
}

/// The refusal of a `--bless` run because `n` sanitized files cannot be written.
fn cannot_write(n: usize) -> Diagnostic {
    Code::BlessRefused
        .diag(format!(
            "--bless is refused because {n} sanitized file{} cannot be written; nothing was \
             written",
            if n == 1 { "" } else { "s" }
        ))
        .with_help("fix the findings this run reports, then run `psoxy-rules test --bless` again")
}

/// The files a run reads, as the file system resolves them, which `--bless` must not replace.
struct Targets {
    inputs: BTreeSet<FileId>,
}

impl Targets {
    fn new(files: &[CaseFile]) -> Targets {
        let inputs = files
            .iter()
            .flat_map(|f| {
                [f.path.clone(), f.rules.clone()]
                    .into_iter()
                    .chain(f.cases.iter().map(|c| c.original.clone()))
            })
            .filter_map(|p| file_id(&p))
            .collect();
        Targets { inputs }
    }

    /// Why `target`, a sanitized file of the case file whose folder is `folder`, cannot be
    /// written, if it cannot: a link, a folder, a path through a file, an input of the run, or a
    /// place outside the case file's folder reached through a link.
    fn unfit(&self, target: &Path, folder: &Path) -> Option<Unfit> {
        // The target is where the case file wants it: what stands there is what must go.
        let in_the_way = |what: &str, help: String| {
            Some(Unfit {
                what: what.to_owned(),
                help,
            })
        };
        let or_another = "or name another file in the case with `sanitized:`";
        match std::fs::symlink_metadata(target) {
            Ok(m) if m.file_type().is_symlink() => {
                return in_the_way(
                    "is a symbolic link",
                    format!("remove or rename the link that stands at its path, {or_another}"),
                );
            }
            Ok(m) if m.is_dir() => {
                return in_the_way(
                    "is a folder",
                    format!("remove or rename the folder that stands at its path, {or_another}"),
                );
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
                // The deepest part of the path that exists is the file in the way.
                let file = target
                    .ancestors()
                    .skip(1)
                    .find(|a| !a.as_os_str().is_empty() && std::fs::metadata(a).is_ok());
                let help = match file {
                    Some(f) => format!(
                        "remove or rename the file `{}`, which stands where its path needs a \
                         folder, {or_another}",
                        crate::diag::quoted(&f.display().to_string())
                    ),
                    None => format!(
                        "remove or rename the file that stands where its path needs a folder, \
                         {or_another}"
                    ),
                };
                return in_the_way("has a file where its path needs a folder", help);
            }
            Err(e) => {
                return in_the_way(
                    &format!("cannot be reached: {e}"),
                    format!("make the folders on its path readable, {or_another}"),
                );
            }
        }
        let elsewhere = "name a regular file under `sanitized/` in the case file's folder";
        if file_id(target).is_some_and(|id| self.inputs.contains(&id)) {
            return in_the_way(
                "is a file this run reads (a case file, rules or original)",
                elsewhere.to_owned(),
            );
        }
        // The deepest folder of the target that exists must still be in the case file's folder.
        if cases::leaves_through_links(folder, target.parent().unwrap_or(Path::new(""))) {
            return in_the_way(
                "leads outside the case file's folder through a symbolic link",
                elsewhere.to_owned(),
            );
        }
        None
    }
}

/// Why `--bless` must not write a sanitized file, and what to do about it.
struct Unfit {
    /// What the file is, after "the sanitized file".
    what: String,
    help: String,
}

/// The finished report of one case: diffs for mismatches, leaked values withheld.
fn case_report(file: &CaseFile, w: Work, strict: bool) -> CaseReport {
    let case = &w.case;
    let (line, _) = match &case.location {
        Location::Source { line, column, .. } => (*line, *column),
        _ => (0, 0),
    };
    let mismatch = w
        .findings
        .iter()
        .any(|d| Code::of(d) == Some(Code::Mismatch));
    let (mut changes, mut diff, mut first_changed_line) = (Vec::new(), None, None);
    if mismatch && let (Some(r), Committed::Text(expected, lead)) = (&w.replay, &w.committed) {
        let actual = String::from_utf8_lossy(&r.output);
        let actual = golden(&actual);
        // Leaks, and the strings the output has where the committed file has no value or a
        // pseudonym (or, one that is not JSON, does not hold them): a rules change may have
        // removed their protection.
        let parsed = (parse_value(expected), parse_value(&actual));
        let (unprotected, numbers) = match &parsed {
            (Ok(e), Ok(a)) => (
                diff::unprotected_strings(e, a),
                diff::unprotected_numbers(e, a),
            ),
            (Err(_), Ok(a)) => diff::unprotected_in_text(expected, a),
            _ => (Vec::new(), Vec::new()),
        };
        let leaked: Vec<&str> = w
            .leaks
            .iter()
            .chain(&w.committed_leaks)
            .chain(&w.allowed_leaks)
            .map(Leak::value)
            .collect();
        // Whole strings first: a leak withheld inside one first would leave the rest of it
        // no longer matching, and shown.
        let (strings, numbers, leaked) = (
            leaks::StringMask::new(unprotected.iter().map(String::as_str)),
            leaks::NumberMask::new(numbers.iter().map(String::as_str)),
            leaks::ValueMask::new(leaked),
        );
        let mask = |text: &str| leaked.apply(&numbers.apply(&strings.apply(text)));
        changes = w
            .changes
            .iter()
            .cloned()
            .map(|c| {
                let mut c = c.map_values(|s| *s = mask(s));
                c.pointer = leaked.apply(&c.pointer);
                diff::shorten_change(c)
            })
            .collect();
        // A committed file that is not JSON may hold anything, as the original does.
        let expected = match &parsed {
            (Err(_), Ok(a)) => std::borrow::Cow::Owned(diff::withhold_unparsed(expected, a)),
            _ => std::borrow::Cow::Borrowed(expected.as_str()),
        };
        let text = diff::unified_diff(
            &format!("{expected}\n"),
            &format!("{actual}\n"),
            &format!(
                "{} (committed)",
                crate::diag::printable(&case.sanitized.display().to_string())
            ),
            "actual output",
        );
        // The header names the files: what is withheld is in their lines.
        let body = text.match_indices('\n').nth(1).map_or(0, |(at, _)| at + 1);
        // The diff is of the trimmed text: the line is placed in the file as it is.
        first_changed_line = report::first_changed_line(&text).map(|l| lead.place((l, 1)).0);
        diff = Some(format!("{}{}", &text[..body], mask(&text[body..])));
    }
    let failing = w
        .findings
        .iter()
        .any(|d| d.is_error() || (strict && d.severity == Severity::Warning));
    let outcome = if !w.ran {
        Outcome::NotRun
    } else if failing {
        Outcome::Failed
    } else if w.written {
        Outcome::Written
    } else {
        Outcome::Passed
    };
    let mut pointer_lines = BTreeMap::new();
    if let Committed::Text(text, lead) = &w.committed {
        let pointers = w.findings.iter().filter_map(|d| match &d.location {
            Some(Location::Pointer { pointer, .. }) => Some(pointer.as_str()),
            _ => None,
        });
        for (pointer, l) in diff::pointer_lines(text, pointers) {
            pointer_lines.insert(pointer.to_owned(), lead.place((l, 1)).0);
        }
    }
    CaseReport {
        name: format!("{}:{line}: {}", file.path.display(), case.request()),
        case_file: file.path.display().to_string(),
        line,
        request: case.request_withheld(),
        original: case.original.display().to_string(),
        sanitized: case.sanitized.display().to_string(),
        outcome,
        findings: w.findings,
        changes,
        diff,
        first_changed_line,
        pointer_lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Located, PseudonymizeOptions, TokenizeOptions};

    fn leak_at(code: Code, message: &str, pointer: &str) -> Diagnostic {
        code.diag(message).at(Location::Pointer {
            file: Some("sanitized/a.json".to_owned()),
            pointer: pointer.to_owned(),
        })
    }

    #[test]
    fn leaks_that_differ_only_in_indexes_are_one_finding_at_the_first() {
        let found = vec![
            leak_at(Code::LeakedEmail, "leak: an email", "/users/0/email"),
            leak_at(Code::LeakedPhone, "leak: a phone", "/users/0/phone"),
            leak_at(Code::LeakedEmail, "leak: an email", "/users/1/email"),
            leak_at(Code::LeakedEmail, "leak: an email", "/users/1/emails/3"),
            leak_at(Code::LeakedEmail, "leak: an email", "/users/12/email"),
            // Said otherwise (another rule protects it): counted with the others.
            leak_at(
                Code::LeakedEmail,
                "leak: an email, elsewhere",
                "/users/2/email",
            ),
            leak_at(Code::LeakedEmail, "leak: an email", "/users/2/emails/0"),
            // Another code at the same places: a finding of its own.
            leak_at(Code::LeakedValue, "leak: a value", "/users/3/email"),
        ];
        let grouped: Vec<(String, String)> = grouped_by_shape(found)
            .into_iter()
            .map(|d| {
                let Some(Location::Pointer { pointer, .. }) = d.location else {
                    panic!("a pointer");
                };
                (pointer, d.message)
            })
            .collect();
        let expected = [
            (
                "/users/0/email",
                "leak: an email (and 3 more at `/users/*/email`)",
            ),
            ("/users/0/phone", "leak: a phone"),
            (
                "/users/1/emails/3",
                "leak: an email (and 1 more at `/users/*/emails/*`)",
            ),
            ("/users/3/email", "leak: a value"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(p, m)| ((*p).to_owned(), (*m).to_owned()))
            .collect();
        assert_eq!(grouped, expected);
    }

    #[test]
    fn the_shape_of_a_pointer_has_a_star_for_each_index() {
        assert_eq!(pointer_shape("/a/0/b/12/c"), "/a/*/b/*/c");
        assert_eq!(pointer_shape("/0"), "/*");
        assert_eq!(pointer_shape(""), "");
        assert_eq!(pointer_shape("/a1/-/~0"), "/a1/-/~0");
    }

    #[test]
    fn golden_form_ignores_line_break_style_and_surrounding_space() {
        assert_eq!(golden("\r\n{\r\n  \"a\":1\r\n}\r\n"), "{\n  \"a\":1\n}");
        assert_eq!(golden("{\r  \"a\":1\r}"), "{\n  \"a\":1\n}");
        assert_eq!(golden(" [ ]\n\n"), "[ ]");
    }

    #[test]
    fn transforms_that_keep_parts_of_a_value_do_not_protect_it() {
        assert!(replaces_whole_value(&TransformKind::Redact));
        assert!(replaces_whole_value(&TransformKind::Pseudonymize(
            PseudonymizeOptions::default()
        )));
        assert!(!replaces_whole_value(&TransformKind::Pseudonymize(
            PseudonymizeOptions {
                include_original: Located::unlocated(true),
                encoding: Encoding::Json,
                ..PseudonymizeOptions::default()
            }
        )));
        // Only the `JSON` encoding writes the original (§2.2).
        assert!(replaces_whole_value(&TransformKind::Pseudonymize(
            PseudonymizeOptions {
                include_original: Located::unlocated(true),
                encoding: Encoding::UrlSafeHashOnly,
                ..PseudonymizeOptions::default()
            }
        )));
        assert!(replaces_whole_value(&TransformKind::Tokenize(
            TokenizeOptions::default()
        )));
    }

    #[test]
    fn a_write_refused_for_what_stands_at_the_path_asks_to_move_it() {
        use std::io::{Error, ErrorKind};
        assert_eq!(
            write_failure_help(&Error::from(ErrorKind::IsADirectory)),
            "remove or rename what stands at its path, or name another file in the case with \
             `sanitized:`"
        );
        assert_eq!(
            write_failure_help(&Error::from(ErrorKind::StorageFull)),
            "free some space on the disk"
        );
        assert_eq!(
            write_failure_help(&Error::from(ErrorKind::PermissionDenied)),
            "make the file (if it exists) and its folder writable by this user, or name another \
             file in the case file"
        );
        assert_eq!(
            write_failure_help(&Error::from(ErrorKind::Other)),
            "make its folder writable, or name another file in the case file"
        );
    }

    #[test]
    fn an_allowance_is_corrected_keeping_its_wildcards() {
        assert_eq!(
            corrected_allowance(
                "/messages/*/file/*/mimetype",
                "/messages/0/files/3/mimetype"
            ),
            "/messages/*/files/*/mimetype"
        );
        assert_eq!(corrected_allowance("/Suport", "/support"), "/support");
    }

    #[test]
    fn a_run_that_could_not_undo_its_writes_says_that_only_those_were_written() {
        assert_eq!(
            partly_written(1, 2, &[]).message,
            "--bless could not write 1 sanitized file, and could not put back as they were 2 \
             sanitized files it had written before: only those were written"
        );
        assert_eq!(
            Code::of(&partly_written(1, 1, &[])),
            Some(Code::BlessRefused)
        );
        let kept = [(
            PathBuf::from("sanitized/a.json"),
            PathBuf::from("sanitized/a.json.previous"),
        )];
        assert_eq!(
            partly_written(1, 1, &kept).help.as_deref(),
            Some(
                "the previous content of sanitized/a.json is kept as sanitized/a.json.previous; \
                 fix the findings this run reports, then run `psoxy-rules test --bless` again"
            )
        );
    }

    #[test]
    fn verdict_is_unusable_before_findings() {
        let mut report = Report::default();
        assert_eq!(report.verdict(), Verdict::Pass);
        report.findings.push(Code::UnmatchedPath.diag("w"));
        assert_eq!(report.verdict(), Verdict::Pass);
        report.strict = true;
        assert_eq!(report.verdict(), Verdict::Findings);
        report.findings.push(Code::BlessInCi.diag("ci"));
        assert_eq!(report.verdict(), Verdict::Unusable);
    }
}
