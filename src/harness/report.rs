//! Printing a run: for people (failed cases with their diffs, then a summary line), as one JSON
//! object, or as GitHub Actions annotations.

use std::fmt::Write as _;

use serde::Serialize;

use super::codes::Code;
use super::diff::render_changes;
use super::{CaseFileReport, CaseReport, Outcome, Report, Verdict};
use crate::diag::{self, Diagnostic, Location, Severity, printable, printable_lines};

/// Structural changes listed per mismatch before the rest are counted.
const CHANGES_SHOWN: usize = 20;
/// Hunks of a unified diff shown in human output, at most.
const HUNKS_SHOWN: usize = 20;
/// Lines of a diff shown at most, whatever its hunks: a changed salt changes every line.
const DIFF_LINES_SHOWN: usize = 400;

/// Structural changes quoted in one GitHub annotation.
const CHANGES_IN_ANNOTATION: usize = 5;

pub use crate::diag::Paint;

/// The summary line: `N passed, M failed`, then what else happened, if anything.
pub fn summary(report: &Report) -> String {
    let mut line = format!("{} passed, {} failed", report.passed(), report.failed());
    // The errors of a failed case count once, as the case failed; every warning is counted.
    let set_findings: Vec<&Diagnostic> = report
        .findings
        .iter()
        .chain(report.case_files.iter().flat_map(|f| &f.findings))
        .collect();
    let case_findings = report.cases().flat_map(|c| {
        c.findings
            .iter()
            .filter(move |d| !(c.outcome == Outcome::Failed && d.is_error()))
    });
    let (errors, warnings) =
        set_findings
            .into_iter()
            .chain(case_findings)
            .fold(
                (0, 0),
                |(e, w), d| if d.is_error() { (e + 1, w) } else { (e, w + 1) },
            );
    let mut extra = Vec::new();
    // Cases whose rules do not load count as failed, with no FAIL line: the count says why.
    let not_run = report
        .cases()
        .filter(|c| c.outcome == Outcome::NotRun)
        .count();
    if not_run > 0 {
        extra.push(format!("{not_run} not run"));
    }
    // A `--bless` that wrote nothing says so: every sanitized file was up to date, or the
    // writes were refused.
    if report.bless || !report.written.is_empty() {
        extra.push(format!("{} written", count(report.written.len(), "file")));
    }
    if !report.removed.is_empty() {
        extra.push(format!(
            "{} removed",
            count(report.removed.len(), "temporary file")
        ));
    }
    if errors > 0 {
        extra.push(count(errors, "other error"));
    }
    if warnings > 0 {
        extra.push(count(warnings, "warning"));
        // A run that fails for its warnings alone says so: nothing else explains exit 1.
        if report.strict {
            extra.push("failing with --strict".to_owned());
        }
    }
    if !extra.is_empty() {
        let _ = write!(line, " ({})", extra.join(", "));
    }
    line
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The report for people.
pub fn render_human(report: &Report, paint: Paint) -> String {
    let mut out = String::new();
    for file in &report.case_files {
        for case in &file.cases {
            if case.outcome == Outcome::Failed {
                render_case(report, case, paint, &mut out);
            } else {
                for d in &case.findings {
                    out.push_str(&finding(report, d, paint));
                    out.push('\n');
                }
            }
        }
        for d in &file.findings {
            out.push_str(&finding(report, d, paint));
            out.push('\n');
        }
    }
    for d in &report.findings {
        out.push_str(&finding(report, d, paint));
        out.push('\n');
    }
    written_and_removed(report, &mut out);
    let line = summary(report);
    let line = if report.verdict() == Verdict::Pass {
        paint.green(&line)
    } else {
        paint.red(&line)
    };
    out.push_str(&line);
    out.push('\n');
    out
}

/// The lines naming the files `--bless` wrote and the temporary files it removed.
fn written_and_removed(report: &Report, out: &mut String) {
    for path in &report.written {
        let _ = writeln!(out, "wrote {}", printable(path));
    }
    for path in &report.removed {
        let _ = writeln!(out, "removed {}", printable(path));
    }
}

/// A failed case: its name and files, then its findings, with the changes and diff under a
/// mismatch. Text from files (names, requests, pointers, contents) is [`printable`].
fn render_case(report: &Report, case: &CaseReport, paint: Paint, out: &mut String) {
    let _ = writeln!(out, "{} {}", paint.red("FAIL"), printable(&case.name));
    let _ = writeln!(out, "  original:  {}", printable(&case.original));
    let _ = writeln!(out, "  sanitized: {}", printable(&case.sanitized));
    out.push('\n');
    for d in &case.findings {
        if Code::of(d) != Some(Code::Mismatch) {
            out.push_str(&finding(report, d, paint));
            out.push('\n');
            continue;
        }
        // The changes and the diff belong under the header, before the fix.
        let header = Diagnostic {
            help: None,
            ..d.clone()
        };
        out.push_str(&finding(report, &header, paint));
        if !case.changes.is_empty() {
            out.push_str(&printable_lines(&render_changes(
                &case.changes,
                CHANGES_SHOWN,
            )));
        }
        if let Some(diff) = &case.diff {
            let shown = first_hunks(diff, HUNKS_SHOWN, DIFF_LINES_SHOWN);
            out.push('\n');
            out.push_str(&paint.diff(&printable_lines(shown.text)));
            if !shown.text.ends_with('\n') {
                out.push('\n');
            }
            let plural = |n: usize, one: &str, many: &str| {
                format!("{n} more {}", if n == 1 { one } else { many })
            };
            let rest = match (shown.lines_after, shown.hunks_after) {
                (0, _) => None,
                (_, hunks) if shown.whole_hunks => Some(plural(hunks, "hunk", "hunks")),
                (lines, 0) => Some(format!("{} of this hunk", plural(lines, "line", "lines"))),
                (lines, hunks) => Some(format!(
                    "{}, in this hunk and {}",
                    plural(lines, "line", "lines"),
                    plural(hunks, "hunk", "hunks")
                )),
            };
            if let Some(rest) = rest {
                let _ = writeln!(out, "… and {rest} (`--format json` gives the whole diff)");
            }
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, " = help: {}", printable(help));
        }
        out.push('\n');
    }
}

/// The start of a unified diff that is shown, and what follows it.
struct Shown<'d> {
    text: &'d str,
    /// Lines not shown.
    lines_after: usize,
    /// Hunks that start after the text shown.
    hunks_after: usize,
    /// The text shown ends where a hunk does.
    whole_hunks: bool,
}

/// The start of a unified diff up to its hunk number `limit` included, and up to `lines` lines
/// at most. Only hunk headers start with `@@`: the lines of a hunk start with a space, `-`, `+`
/// or `\`.
fn first_hunks(diff: &str, limit: usize, lines: usize) -> Shown<'_> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(diff.match_indices('\n').map(|(at, _)| at + 1))
        .filter(|&at| at < diff.len())
        .collect();
    let headers: Vec<usize> = starts
        .iter()
        .copied()
        .filter(|&at| diff[at..].starts_with("@@"))
        .collect();
    let by_hunks = headers.get(limit).copied().unwrap_or(diff.len());
    let by_lines = starts.get(lines).copied().unwrap_or(diff.len());
    let cut = by_hunks.min(by_lines);
    Shown {
        text: &diff[..cut],
        lines_after: starts.iter().filter(|&&at| at >= cut).count(),
        hunks_after: headers.iter().filter(|&&at| at >= cut).count(),
        whole_hunks: cut == diff.len() || diff[cut..].starts_with("@@"),
    }
}

/// The line of the first file of a unified diff (the committed file) where its first hunk
/// starts to differ: the first line it removes, or the one an addition comes before.
pub(super) fn first_changed_line(diff: &str) -> Option<u32> {
    let mut lines = diff.lines().skip_while(|l| !l.starts_with("@@ -"));
    let header = lines.next()?;
    let start = header.strip_prefix("@@ -")?;
    let start = start.split([',', ' ']).next()?.parse::<u32>().ok()?;
    let mut line = start.max(1);
    for l in lines {
        match l.as_bytes().first() {
            Some(b' ') => line += 1,
            Some(b'-' | b'+') => return Some(line),
            _ => return None,
        }
    }
    None
}

/// One finding with an excerpt of its source, when that is a case or rules file of the run,
/// except on the lines of a case file that hold secrets.
fn finding(report: &Report, d: &Diagnostic, paint: Paint) -> String {
    let source = match &d.location {
        Some(Location::Source { file, span, .. }) => report
            .source(file)
            .filter(|text| !on_secret_line(text, span.start))
            .map(|text| blank_personal_lines(text, span.clone())),
        _ => None,
    };
    diag::render_human_painted(d, source.as_deref(), paint)
}

/// `text` with the email addresses and phone numbers on the lines of `span` blanked, byte for
/// byte: the lines an excerpt shows, as a request URL of a case file may hold them.
fn blank_personal_lines(text: &str, span: std::ops::Range<usize>) -> String {
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    let (Some(before), Some(rest)) = (text.get(..start), text.get(end..)) else {
        return text.to_owned();
    };
    let first = before.rfind('\n').map_or(0, |i| i + 1);
    let last = rest.find('\n').map_or(text.len(), |i| end + i);
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    out.push_str(&super::leaks::blank_personal_parts(&text[first..last]));
    out.push_str(&text[last..]);
    out
}

/// Whether byte `at` of `text` is on a line that may show a secret: a `salt:` or
/// `encryptionKey:` line, one whose key is a misspelling of them, or a line nested under one.
fn on_secret_line(text: &str, at: usize) -> bool {
    let at = at.min(text.len());
    let start = text
        .get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let secretive = |line: &str| {
        let key = line
            .trim_start()
            .trim_start_matches("- ")
            .split(':')
            .next()
            .unwrap_or_default()
            .trim()
            .trim_matches(['"', '\'']);
        let secrets = ["salt".to_owned(), "encryptionKey".to_owned()];
        !key.is_empty() && crate::rules::schema::suggest(key, &secrets).is_some()
    };
    let indent = |line: &str| line.len() - line.trim_start().len();
    let line = &text[start..end];
    if secretive(line) {
        return true;
    }
    // The keys this line is nested under: each earlier line indented less than the last.
    let mut depth = indent(line);
    for above in text[..start].lines().rev() {
        let content = above.trim_start();
        if content.is_empty() || content.starts_with('#') || indent(above) >= depth {
            continue;
        }
        if secretive(above) {
            return true;
        }
        depth = indent(above);
        if depth == 0 {
            break;
        }
    }
    false
}

/// The whole report as one JSON object.
pub fn render_json(report: &Report) -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Json<'a> {
        passed: usize,
        failed: usize,
        verdict: &'static str,
        written: &'a [String],
        removed: &'a [String],
        findings: &'a [Diagnostic],
        case_files: &'a [CaseFileReport],
    }
    let json = Json {
        passed: report.passed(),
        failed: report.failed(),
        verdict: match report.verdict() {
            Verdict::Pass => "pass",
            Verdict::Findings => "findings",
            Verdict::Unusable => "unusable",
        },
        written: &report.written,
        removed: &report.removed,
        findings: &report.findings,
        case_files: &report.case_files,
    };
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// Every finding as a GitHub Actions annotation, then the summary line.
pub fn render_github(report: &Report) -> String {
    let mut out = String::new();
    for file in &report.case_files {
        for case in &file.cases {
            for d in &case.findings {
                if Code::of(d) == Some(Code::Mismatch) {
                    let mut d = d.clone();
                    if !case.changes.is_empty() {
                        d.message = format!(
                            "{}\n{}",
                            d.message,
                            render_changes(&case.changes, CHANGES_IN_ANNOTATION).trim_end()
                        );
                    }
                    // The annotation stands at the first line that differs, in formatting too.
                    if let (Some(Location::File { file }), Some(line)) =
                        (&d.location, case.first_changed_line)
                    {
                        d.location = Some(Location::at(file.clone(), (line, 1), 0..0));
                    }
                    out.push_str(&diag::render_github(&d));
                } else if let Some(Location::Pointer {
                    file: Some(file),
                    pointer,
                }) = &d.location
                    && let Some(&line) = case.pointer_lines.get(pointer)
                {
                    // At the line of the committed file that has the value, the pointer kept
                    // in the message.
                    let mut d = d.clone();
                    d.message = format!("{} (at {})", d.message, printable(pointer));
                    d.location = Some(Location::at(file.clone(), (line, 1), 0..0));
                    out.push_str(&diag::render_github(&d));
                } else {
                    out.push_str(&diag::render_github(d));
                }
            }
        }
        for d in &file.findings {
            out.push_str(&diag::render_github(d));
        }
    }
    for d in &report.findings {
        out.push_str(&diag::render_github(d));
    }
    written_and_removed(report, &mut out);
    out.push_str(&summary(report));
    out.push('\n');
    out
}

/// Why a case failed, for a test runner: its findings, diffs included, without colour.
pub fn case_failure(report: &Report, case: &CaseReport) -> String {
    let mut out = String::new();
    render_case(report, case, Paint::default(), &mut out);
    if case.outcome == Outcome::NotRun {
        out.push_str(
            "not run: the rules of its case file do not load (see the case file's findings)\n",
        );
    }
    out
}

/// The findings of a case file that fail a run (errors, and warnings when `strict`), rendered.
pub fn file_failure(report: &Report, file: &CaseFileReport) -> Option<String> {
    let failing: Vec<&Diagnostic> = file
        .findings
        .iter()
        .filter(|d| d.is_error() || (report.strict && d.severity == Severity::Warning))
        .collect();
    if failing.is_empty() {
        return None;
    }
    Some(
        failing
            .iter()
            .map(|d| finding(report, d, Paint::default()) + "\n")
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A diff of `hunks` hunks of `each` changed lines.
    fn diff_of(hunks: usize, each: usize) -> String {
        let mut d = String::from("--- a (committed)\n+++ actual output\n");
        for h in 0..hunks {
            let _ = writeln!(d, "@@ -{h},{each} +{h},{each} @@");
            for i in 0..each {
                let _ = write!(d, "-old {i}\n+new {i}\n");
            }
        }
        d
    }

    #[test]
    fn a_diff_is_cut_after_its_hunk_limit_or_line_limit_whichever_comes_first() {
        let d = diff_of(3, 2);
        let shown = first_hunks(&d, 2, 100);
        assert_eq!(
            shown.text.lines().filter(|l| l.starts_with("@@")).count(),
            2
        );
        assert_eq!((shown.lines_after, shown.hunks_after), (5, 1));
        assert!(shown.whole_hunks);
        // One long hunk: cut inside it.
        let d = diff_of(2, 300);
        let shown = first_hunks(&d, 20, 10);
        assert_eq!(shown.text.lines().count(), 10);
        assert_eq!(shown.lines_after, 2 + 2 * 601 - 10);
        assert_eq!(shown.hunks_after, 1);
        assert!(!shown.whole_hunks);
        // Short enough: whole.
        let d = diff_of(1, 1);
        let shown = first_hunks(&d, 20, 100);
        assert_eq!(
            (shown.text, shown.lines_after, shown.hunks_after),
            (&d[..], 0, 0)
        );
    }

    #[test]
    fn the_first_changed_line_is_where_the_first_hunk_starts_to_differ() {
        let diff = "--- a (committed)\n+++ actual output\n@@ -7,7 +7,7 @@\n x\n y\n z\n-a\n+b\n \
                    c\n@@ -40,2 +40,2 @@\n-q\n+r\n";
        assert_eq!(first_changed_line(diff), Some(10));
        // An addition: the line it comes before.
        let added = "--- a\n+++ b\n@@ -1,2 +1,3 @@\n {\n+  \"x\":1,\n }\n";
        assert_eq!(first_changed_line(added), Some(2));
        // An empty committed file: its first line.
        assert_eq!(
            first_changed_line("--- a\n+++ b\n@@ -0,0 +1 @@\n+{}\n"),
            Some(1)
        );
        assert_eq!(first_changed_line(""), None);
    }

    #[test]
    fn secret_lines_are_recognized() {
        let text = "rules: r.yaml\nsalt: [pepper]\n  encryptionKey: k\ncases: []\n";
        assert!(!on_secret_line(text, 3));
        assert!(on_secret_line(text, text.find("[pepper]").expect("there")));
        assert!(on_secret_line(text, text.find('k').expect("there") + 1));
        assert!(!on_secret_line(text, text.find("cases").expect("there")));
        // A misspelt key, and values nested under a secret.
        let text = "rules: r.yaml\nsallt: pepper\nencryptionKey:\n  - k1\n  -\n    k2\ncases:\n  - request: GET /x\n";
        for secret in ["pepper", "k1", "k2"] {
            assert!(
                on_secret_line(text, text.find(secret).expect("there")),
                "{secret}"
            );
        }
        assert!(!on_secret_line(text, text.find("request").expect("there")));
    }
}
