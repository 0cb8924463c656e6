//! Coverage of an example set: endpoints no case exercises, JSONPaths that select nothing in any
//! case, and sanitized files no case names.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cases::{CaseFile, normalize};
use super::codes::Code;
use super::leaks::withhold_personal_text;
use super::replay::MAX_ORIGINAL_BYTES;
use crate::diag::{Diagnostic, Location, quoted};
use crate::files::{FileKey, read_capped_in_set};
use crate::json::{Value, parse_values};
use crate::jsonpath::{Selected, Selector, Step, StepKind, select_distinct};
use crate::rules::Endpoint;
use crate::rules::schema::suggest;
use crate::sanitize::{Sanitizer, Trace};

/// What the cases of one rules file exercised, over every case file that names it.
struct RulesCoverage {
    /// The first case file naming the rules, where the findings are reported.
    file: usize,
    sanitizer: Arc<Sanitizer>,
    exercised: BTreeSet<usize>,
    /// Per endpoint, the requests (their places) that no endpoint allows and that came closest
    /// to it (H020).
    refused_near: BTreeMap<usize, Vec<Location>>,
    /// Per exercised endpoint, per transform, per path: values selected over all cases.
    matches: BTreeMap<usize, Vec<Vec<u64>>>,
    /// Per exercised endpoint, the originals of its cases, where a path that selects nothing
    /// is looked for.
    originals: BTreeMap<usize, BTreeSet<PathBuf>>,
}

/// Coverage collected while replaying, keyed by rules file.
#[derive(Default)]
pub(crate) struct Coverage {
    by_rules: BTreeMap<PathBuf, RulesCoverage>,
}

impl Coverage {
    /// Notes that `file` (an index into the case files) replays through `sanitizer`.
    pub fn add_rules(&mut self, rules: &Path, file: usize, sanitizer: &Arc<Sanitizer>) {
        self.by_rules
            .entry(rules.to_path_buf())
            .or_insert_with(|| RulesCoverage {
                file,
                sanitizer: Arc::clone(sanitizer),
                exercised: BTreeSet::new(),
                refused_near: BTreeMap::new(),
                matches: BTreeMap::new(),
                originals: BTreeMap::new(),
            });
    }

    /// Records a case of the rules `rules` whose request, at `request`, no endpoint allows,
    /// `endpoint` coming closest.
    pub fn refused(&mut self, rules: &Path, endpoint: usize, request: &Location) {
        if let Some(c) = self.by_rules.get_mut(rules) {
            c.refused_near
                .entry(endpoint)
                .or_default()
                .push(request.clone());
        }
    }

    /// Records a case of the rules `rules` that selected `endpoint` and traced `trace`, whose
    /// original response is `original`.
    pub fn record(
        &mut self,
        rules: &Path,
        endpoint: usize,
        trace: Option<&Trace>,
        original: &Path,
    ) {
        let Some(c) = self.by_rules.get_mut(rules) else {
            return;
        };
        c.exercised.insert(endpoint);
        let Some(trace) = trace else {
            return;
        };
        c.originals
            .entry(endpoint)
            .or_default()
            .insert(original.to_path_buf());
        let sums = c
            .matches
            .entry(endpoint)
            .or_insert_with(|| trace.matches.iter().map(|t| vec![0; t.len()]).collect());
        for (sum, counts) in sums.iter_mut().zip(&trace.matches) {
            for (s, n) in sum.iter_mut().zip(counts) {
                *s += n;
            }
        }
    }

    /// The findings, each with the case file it is reported with.
    pub fn findings(&self) -> Vec<(usize, Diagnostic)> {
        let mut out = Vec::new();
        for c in self.by_rules.values() {
            let rules = c.sanitizer.rules();
            for (i, endpoint) in rules.endpoints.iter().enumerate() {
                let location = rules.source.location(endpoint.span);
                if !c.exercised.contains(&i) {
                    let refused = c.refused_near.get(&i).map_or(&[][..], Vec::as_slice);
                    out.push((c.file, without_case(endpoint, location, refused)));
                    continue;
                }
                let Some(sums) = c.matches.get(&i) else {
                    continue;
                };
                // The example responses, read once for the paths that select nothing, and as
                // the transforms receive them.
                let (bodies, docs, received) = (OnceCell::new(), OnceCell::new(), OnceCell::new());
                for (t, transform) in endpoint.transforms.iter().enumerate() {
                    for (p, path) in transform.json_paths.iter().enumerate() {
                        if sums.get(t).and_then(|s| s.get(p)) == Some(&0) {
                            let docs: &Vec<Value<'_>> = docs.get_or_init(|| {
                                bodies
                                    .get_or_init(|| read_originals(c.originals.get(&i)))
                                    .iter()
                                    .flat_map(|b| parse_values(b).map_while(Result::ok))
                                    .collect()
                            });
                            // Filtered only for an endpoint that has a schema.
                            let schema = endpoint.response_schema.as_ref().map(|s| {
                                let received: &Vec<Value<'_>> = received.get_or_init(|| {
                                    docs.iter()
                                        .filter_map(|d| {
                                            c.sanitizer.before_transforms(i, d.clone()).ok()
                                        })
                                        .collect()
                                });
                                (rules.source.location(s.span), &received[..])
                            });
                            let help =
                                where_nothing(path.as_str(), docs, schema).unwrap_or_else(|| {
                                    "add an example response that has this field, or check the \
                                     path against the responses; transforms run after \
                                     `responseSchema`, so a field it drops is never selected"
                                        .to_owned()
                                });
                            out.push((
                                c.file,
                                Code::UnmatchedPath
                                    .diag(format!(
                                        "`{}` ({}) selects nothing in any case of this endpoint",
                                        quoted(path.as_str()),
                                        transform.kind.name()
                                    ))
                                    .at(rules.source.location(path.span))
                                    .with_help(help),
                            ));
                        }
                    }
                }
            }
        }
        out.sort_by_key(|(file, _)| *file);
        out
    }
}

/// Where the path `text` stops selecting in the example responses `docs`, as they are received
/// (before `responseSchema`, if the endpoint has one, and the transforms): the help of H023, or
/// `None` when there is nothing to read or the path does not parse. `schema` is the place of
/// the endpoint's `responseSchema`, if it has one, with the responses after it. Only member
/// names and paths are quoted, never values.
fn where_nothing(
    text: &str,
    docs: &[Value<'_>],
    schema: Option<(Location, &[Value<'_>])>,
) -> Option<String> {
    if docs.is_empty() {
        return None;
    }
    let path = crate::jsonpath::parse(text).ok()?;
    let selected = |steps: &[Step]| -> Vec<&Value<'_>> {
        docs.iter()
            .flat_map(|d| select_distinct(steps, d, d, false).unwrap_or_default())
            .filter_map(|f| match f.value {
                Selected::Value(v) => Some(v),
                Selected::Members(_) => None,
            })
            .collect()
    };
    if !selected(&path.steps).is_empty() {
        let after_schema = |received: &[Value<'_>]| {
            received.iter().any(|d| {
                !select_distinct(&path.steps, d, d, false)
                    .unwrap_or_default()
                    .is_empty()
            })
        };
        let dropped = match schema {
            Some((at, received)) if !after_schema(received) => {
                format!("the `responseSchema` at {at} drops them")
            }
            _ => "an earlier transform removes them".to_owned(),
        };
        return Some(format!(
            "`{}` selects values in the example responses as they are received: {dropped}, \
             before this transform runs",
            quoted(text)
        ));
    }
    // The longest start of the path that selects something, and the step after it.
    let k = (0..path.steps.len())
        .rev()
        .find(|&k| !selected(&path.steps[..k]).is_empty())?;
    let found = selected(&path.steps[..k]);
    let prefix = quoted(
        k.checked_sub(1)
            .map_or("$", |j| &text[..path.steps[j].span.end]),
    );
    let step = &path.steps[k];
    let step_text = quoted(text.get(step.span.clone())?);
    // Member names to suggest, but none that holds an email address or a phone number: the
    // keys of a document can be personal data.
    let objects = |values: &[&Value<'_>]| -> Vec<String> {
        let mut names: Vec<String> = values
            .iter()
            .filter_map(|v| match v {
                Value::Object(o) => Some(o.keys().map(str::to_owned).collect::<Vec<_>>()),
                _ => None,
            })
            .flatten()
            .filter(|n| withhold_personal_text(n, &[]) == *n)
            .collect();
        names.sort();
        names.dedup();
        names
    };
    match &step.kind {
        StepKind::Child(Selector::Name(name)) => {
            let elements_have_it = found.iter().any(|v| match v {
                Value::Array(items) => items
                    .iter()
                    .any(|e| matches!(e, Value::Object(o) if o.get(name).is_some())),
                _ => false,
            });
            if elements_have_it {
                return Some(format!(
                    "`{prefix}` selects arrays, whose elements have `{name}`: write \
                     `{prefix}[*]{step_text}`",
                    name = quoted(name)
                ));
            }
            if let Some(near) = suggest(name, &objects(&found)) {
                return Some(format!(
                    "the objects that `{prefix}` selects have no `{}`: did you mean `{}`?",
                    quoted(name),
                    quoted(&near)
                ));
            }
        }
        StepKind::Descendant(Selector::Name(name)) => {
            let below = selected(&path.steps[..k])
                .iter()
                .flat_map(|v| descendants(v))
                .collect::<Vec<_>>();
            if let Some(near) = suggest(name, &objects(&below)) {
                return Some(format!(
                    "no member below `{prefix}` is named `{}`: did you mean `{}`?",
                    quoted(name),
                    quoted(&near)
                ));
            }
        }
        _ => {}
    }
    Some(format!(
        "in the example responses, `{prefix}` selects values, and `{step_text}` selects nothing \
         in them"
    ))
}

/// The texts of the originals `paths` (at most 16 of them), skipping any that cannot be read.
fn read_originals(paths: Option<&BTreeSet<PathBuf>>) -> Vec<String> {
    paths
        .into_iter()
        .flatten()
        .take(16)
        .filter_map(|p| read_capped_in_set(p, MAX_ORIGINAL_BYTES).ok())
        .filter_map(|b| String::from_utf8(b).ok())
        .collect()
}

/// `value` and every value inside it.
fn descendants<'v, 'a>(value: &'v Value<'a>) -> Vec<&'v Value<'a>> {
    let mut out = vec![value];
    let mut i = 0;
    while let Some(v) = out.get(i).copied() {
        match v {
            Value::Object(o) => out.extend(o.values()),
            Value::Array(items) => out.extend(items.iter()),
            _ => {}
        }
        i += 1;
    }
    out
}

/// The finding of an endpoint that no case exercises, at `location`; `refused` are the places
/// of the requests that no endpoint allows and that came closest to it, likely meant for it.
fn without_case(endpoint: &Endpoint, location: Location, refused: &[Location]) -> Diagnostic {
    let d = match refused {
        [] => Code::EndpointWithoutCase
            .diag(format!(
                "no case exercises this endpoint ({})",
                matcher(endpoint)
            ))
            .with_help(
                "add a case whose request this endpoint allows, with an example response, so \
                 its transforms are tested",
            ),
        [first, rest @ ..] => {
            let others = match rest.len() {
                0 => String::new(),
                1 => " and 1 other".to_owned(),
                n => format!(" and {n} others"),
            };
            let (request, those, them, each) = if rest.is_empty() {
                ("the request", "that request", "it", "it")
            } else {
                ("the requests", "those requests", "them", "each")
            };
            Code::EndpointWithoutCase
                .diag(format!(
                    "no case exercises this endpoint ({}): {request} at {first}{others}, which \
                     no endpoint allows (H020), came closest to it",
                    matcher(endpoint)
                ))
                .with_help(format!(
                    "if {those} {is} meant for this endpoint, correct {them} or let the endpoint \
                     allow {them} (H020 says what refuses {each}); otherwise add a case whose \
                     request this endpoint allows",
                    is = if rest.is_empty() { "is" } else { "are" },
                ))
        }
    };
    d.at(location)
}

fn matcher(e: &Endpoint) -> String {
    match (&e.path_regex, &e.path_template) {
        (Some(r), _) => format!("pathRegex `{}`", quoted(r.as_str())),
        (None, Some(t)) => format!("pathTemplate `{}`", quoted(t.as_str())),
        (None, None) => "no path".to_owned(),
    }
}

/// The sanitized folders of the case files, each with the first case file that has it: each
/// file's `sanitized/` and the folders of the sanitized files its cases name.
fn sanitized_folders(files: &[CaseFile]) -> Vec<(usize, PathBuf)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let mut folders = BTreeSet::new();
        folders.insert(normalize(&f.folder.join("sanitized")));
        for c in &f.cases {
            if let Some(parent) = c.sanitized.parent() {
                folders.insert(parent.to_path_buf());
            }
        }
        for folder in folders {
            if seen.insert(folder.clone()) {
                out.push((i, folder));
            }
        }
    }
    out
}

/// The regular files of `folder` whose names pass `keep`, sorted; none if it cannot be listed.
fn files_in(folder: &Path, keep: impl Fn(&std::ffi::OsStr) -> bool) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()) && keep(&e.file_name()))
        .map(|e| normalize(&folder.join(e.file_name())))
        .collect();
    paths.sort();
    paths
}

/// Files in the sanitized folders of the case files that no case names, each with the first
/// case file whose folders hold it. Only `.json` files are considered, and not those that the
/// run reads (originals and rules may share a folder with sanitized files).
pub(crate) fn unreferenced_files(files: &[CaseFile]) -> Vec<(usize, Diagnostic)> {
    let known: BTreeSet<FileKey> = files
        .iter()
        .flat_map(|f| {
            std::iter::once(&f.rules)
                .chain(f.cases.iter().flat_map(|c| [&c.sanitized, &c.original]))
        })
        .map(|p| FileKey::of(p))
        .collect();
    let mut out = Vec::new();
    // A folder reached under two names (a link to it) lists its files twice.
    let mut reported = BTreeSet::new();
    for (i, folder) in sanitized_folders(files) {
        let json =
            |name: &std::ffi::OsStr| Path::new(name).extension().is_some_and(|x| x == "json");
        for p in files_in(&folder, json) {
            let key = FileKey::of(&p);
            if !known.contains(&key) && reported.insert(key) {
                out.push((
                    i,
                    Code::UnreferencedFile
                        .diag("no case names this sanitized file")
                        .at(Location::File {
                            file: p.display().to_string(),
                        })
                        .with_help(format!(
                            "remove it, or add a case for it to {}",
                            files[i].path.display()
                        )),
                ));
            }
        }
    }
    out
}

/// When a file was last written to, or its status changed (a link to it made), whichever is
/// later.
fn last_change(m: &std::fs::Metadata) -> Option<std::time::SystemTime> {
    let modified = m.modified().ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let changed = u64::try_from(m.ctime())
            .ok()
            .map(|s| std::time::UNIX_EPOCH + std::time::Duration::from_secs(s));
        modified.max(changed)
    }
    #[cfg(not(unix))]
    {
        modified
    }
}

/// Temporary files that an interrupted write left in the sanitized folders of the case files,
/// each with the first case file whose folders hold it. A file written to in the last minute
/// may belong to a run still going, and is left alone; so is a file kept aside by `--bless`
/// linked in the last minute: a second link to the file it replaces, its modification time is
/// that file's, but its change of status is new.
pub(crate) fn leftover_temporaries(files: &[CaseFile]) -> Vec<(usize, PathBuf)> {
    const IN_USE: std::time::Duration = std::time::Duration::from_secs(60);
    let abandoned = |p: &PathBuf| {
        let kept = p.file_name().is_some_and(crate::files::is_kept);
        std::fs::symlink_metadata(p)
            .ok()
            .and_then(|m| {
                if kept {
                    last_change(&m)
                } else {
                    m.modified().ok()
                }
            })
            .and_then(|t| t.elapsed().ok())
            .is_none_or(|age| age >= IN_USE)
    };
    sanitized_folders(files)
        .into_iter()
        .flat_map(|(i, folder)| {
            files_in(&folder, crate::files::is_temporary)
                .into_iter()
                .filter(abandoned)
                .map(move |p| (i, p))
        })
        .collect()
}

/// The warning about a temporary file left by an interrupted write.
pub(crate) fn leftover_temporary(path: &Path) -> Diagnostic {
    Code::LeftoverTemporary
        .diag("a temporary file left by an interrupted write")
        .at(Location::File {
            file: path.display().to_string(),
        })
        .with_help(
            "an interrupted run of psoxy-rules left it; delete it, or run `psoxy-rules test \
             --bless`, which deletes it",
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(line: u32) -> Location {
        Location::Source {
            file: "cases.yaml".to_owned(),
            line,
            column: 14,
            span: 0..1,
        }
    }

    #[test]
    fn an_endpoint_without_a_case_names_the_refused_requests_that_came_closest() {
        let rules = crate::rules::load_str("rules.yaml", "endpoints:\n  - pathTemplate: /v1/x\n")
            .expect("loads")
            .0;
        let endpoint = &rules.endpoints[0];
        let at = rules.source.location(endpoint.span);
        let d = without_case(endpoint, at.clone(), &[]);
        assert_eq!(
            d.message,
            "no case exercises this endpoint (pathTemplate `/v1/x`)"
        );
        let d = without_case(endpoint, at, &[request(3), request(7), request(9)]);
        assert_eq!(
            d.message,
            "no case exercises this endpoint (pathTemplate `/v1/x`): the requests at \
             cases.yaml:3:14 and 2 others, which no endpoint allows (H020), came closest to it"
        );
        assert_eq!(
            d.help.as_deref(),
            Some(
                "if those requests are meant for this endpoint, correct them or let the endpoint \
                 allow them (H020 says what refuses each); otherwise add a case whose request \
                 this endpoint allows"
            )
        );
    }
}
