//! Case files (`cases.yaml`): finding them, reading them with the place of every value, and
//! their JSON Schema.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use serde_saphyr::Spanned;

use super::codes::Code;
use crate::diag::{Diagnostic, LineStarts, Location};
use crate::files::{CappedRead, read_capped_in_set};
use crate::rules::MAX_FILE_BYTES;
use crate::rules::yaml::{Entry, Node, NodeKind, Style};

/// The file name searched for in folders.
pub const CASE_FILE_NAME: &str = "cases.yaml";

/// The salt used when a case file names none: the reference documentation's test salt.
pub const DEFAULT_SALT: &str = "salt";

/// The encryption key used when a case file names none: the reference documentation's test key.
pub const DEFAULT_ENCRYPTION_KEY: &str = "secret";

/// One example set, as written in a case file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    title = "psoxy-rules example cases",
    description = "Example API responses, the requests that return them, and the rules file \
                   that sanitizes them. Paths are relative to this file."
)]
struct CaseFileDoc {
    /// The rules file (YAML or JSON), relative to this file.
    #[schemars(with = "String")]
    rules: Spanned<String>,
    /// The salt (PSOXY_SALT) the sanitized files were made with. Default: `salt`.
    #[serde(default)]
    #[schemars(with = "String", extend("default" = "salt"))]
    salt: Option<Spanned<String>>,
    /// The encryption key (PSOXY_ENCRYPTION_KEY) of reversible pseudonyms. Default: `secret`.
    #[serde(default)]
    #[schemars(with = "String", extend("default" = "secret"))]
    encryption_key: Option<Spanned<String>>,
    /// JSON Pointers into every output where a detected leak is intended; a segment `*` stands
    /// for any one member or index.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    allowed_leaks: Vec<Spanned<String>>,
    /// The cases, replayed in this order.
    #[schemars(with = "Vec<CaseDoc>")]
    cases: Vec<Spanned<CaseDoc>>,
}

/// One request and the response it returns.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CaseDoc {
    /// The method and URL: `GET https://api.example.com/v2/users?page_size=30` or `GET /v2/users`.
    #[schemars(with = "String", regex(pattern = r"^[A-Za-z]+\s+\S"))]
    request: Spanned<String>,
    /// The original response body, relative to this file.
    #[schemars(with = "String")]
    original: Spanned<String>,
    /// The committed sanitized body, relative to this file. Default: `sanitized/<original>`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    sanitized: Option<Spanned<String>>,
    /// JSON Pointers into this case's output where a detected leak is intended; a segment `*`
    /// stands for any one member or index.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    allowed_leaks: Vec<Spanned<String>>,
}

/// A secret read from a case file; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(String);

impl SecretText {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText(..)")
    }
}

/// A JSON Pointer written in a case file, with its place. A segment that is `*` alone stands
/// for any one member or index (`/payload/headers/*/value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowance {
    pub pointer: String,
    pub location: Location,
}

impl Allowance {
    /// Whether the allowance names the value at `pointer` (escaped as RFC 6901 writes it).
    pub fn covers(&self, pointer: &str) -> bool {
        let mut mine = self.pointer.split('/');
        let mut theirs = pointer.split('/');
        loop {
            match (mine.next(), theirs.next()) {
                (None, None) => return true,
                (Some(a), Some(b)) if a == b || a == "*" => {}
                _ => return false,
            }
        }
    }

    /// How far the allowance is from naming the value at `pointer` (escaped as RFC 6901 writes
    /// it), when it looks like a typo of it: as many segments, each the same, `*`, or a member
    /// name a typo away, at least one of them not the same. A typo is another letter case, and
    /// at most one edit in four characters (a swap of two letters is one) in names of four
    /// characters or more, as for the closest endpoint. Indexes are never typos of each other: `/users/0`
    /// is another user than `/users/1`.
    pub fn typo_distance(&self, pointer: &str) -> Option<usize> {
        let mine: Vec<&str> = self.pointer.split('/').collect();
        let theirs: Vec<&str> = pointer.split('/').collect();
        if mine.len() != theirs.len() || self.covers(pointer) {
            return None;
        }
        let index = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let mut distance = 0;
        for (a, b) in mine.into_iter().zip(theirs) {
            if a == b || a == "*" {
                continue;
            }
            if index(a) || index(b) {
                return None;
            }
            let length = a.chars().count().max(b.chars().count());
            let edits = typo_edits(&a.to_ascii_lowercase(), &b.to_ascii_lowercase())?;
            if edits > 0 && !(length >= 4 && edits <= length / 4) {
                return None;
            }
            distance += edits.max(1);
        }
        Some(distance)
    }
}

/// The edits that make `a` into `b`: a character inserted, removed or replaced, or two
/// neighbours swapped (the optimal string alignment distance). Segments longer than a typo's
/// context are not compared (the count takes time in the product of the lengths).
fn typo_edits(a: &str, b: &str) -> Option<usize> {
    const LONGEST: usize = 256;
    (a.len() <= LONGEST && b.len() <= LONGEST).then(|| strsim::osa_distance(a, b))
}

/// A loaded case file. Paths are the case file's folder joined with what the file says, with
/// `.` and `..` resolved lexically.
#[derive(Clone)]
pub struct CaseFile {
    /// The file as named on the command line or found in a folder.
    pub path: PathBuf,
    /// The folder its paths are relative to: its own, once links are followed ([`folder_of`]).
    pub folder: PathBuf,
    /// Its text, for excerpts.
    pub text: String,
    pub rules: PathBuf,
    pub rules_location: Location,
    pub salt: SecretText,
    pub encryption_key: SecretText,
    /// Pointers allowed to leak in every case of the file.
    pub allowed_leaks: Vec<Allowance>,
    pub cases: Vec<Case>,
}

// By hand: the text holds the secrets, which are never printed.
impl fmt::Debug for CaseFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaseFile")
            .field("path", &self.path)
            .field("folder", &self.folder)
            .field("rules", &self.rules)
            .field("allowed_leaks", &self.allowed_leaks)
            .field("cases", &self.cases)
            .finish_non_exhaustive()
    }
}

/// One case of a case file.
#[derive(Debug, Clone)]
pub struct Case {
    /// Where the case starts in the case file.
    pub location: Location,
    pub method: String,
    pub url: String,
    pub request_location: Location,
    pub original: PathBuf,
    pub original_location: Location,
    pub sanitized: PathBuf,
    /// The place of `sanitized:`, or of `original:` when the sanitized file is the default.
    pub sanitized_location: Location,
    pub allowed_leaks: Vec<Allowance>,
}

impl Case {
    /// `METHOD URL`, as messages quote it ([`crate::diag::quoted`]).
    /// `METHOD URL` for messages: cut as quoted text is, with emails and phone numbers in the
    /// URL withheld.
    pub fn request(&self) -> String {
        let url = super::leaks::withhold_personal_url(&self.url);
        crate::diag::quoted(&format!("{} {url}", self.method))
    }

    /// `METHOD URL`, as written but for emails and phone numbers in the URL, withheld: for
    /// reports that are kept and shown, as messages are.
    pub fn request_withheld(&self) -> String {
        let url = super::leaks::withhold_personal_url(&self.url);
        format!("{} {url}", self.method)
    }
}

/// The folder `psoxy-rules test` searches when no path is given.
pub const DEFAULT_FOLDER: &str = "api-response-examples";

/// Finds the case files under `paths`: a file is taken as it is, a folder is searched
/// recursively for `cases.yaml`, in file-name order. No paths means [`DEFAULT_FOLDER`]. A
/// leading `./` is dropped, as it is from the paths a case file names: one run names a file one
/// way (`test .` reports `zoom/cases.yaml` beside `zoom/rules.yaml`).
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let (files, findings) = discover_as_named(paths);
    let plain = |f: PathBuf| match f.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.to_owned(),
        _ => f,
    };
    (files.into_iter().map(plain).collect(), findings)
}

fn discover_as_named(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    if paths.is_empty() {
        let default = PathBuf::from(DEFAULT_FOLDER);
        if std::fs::symlink_metadata(&default)
            .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        {
            return (Vec::new(), vec![default_missing(Path::new("."))]);
        }
        return discover_as_named(&[default]);
    }
    let mut files = Vec::new();
    let mut findings = Vec::new();
    let mut searched = std::collections::BTreeSet::new();
    for path in paths {
        let name = path.display().to_string();
        if path.is_file() {
            files.push(path.clone());
        } else if path.is_dir() {
            // A folder named twice, by any name, is searched once, as a file is run once.
            if !searched.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone())) {
                continue;
            }
            let (found, errors) = case_files_in(path);
            for (at, why) in errors {
                findings.push(
                    Code::Unreadable
                        .diag(format!("cannot search the folder: {why}"))
                        .at(Location::File {
                            file: at.display().to_string(),
                        }),
                );
            }
            if found.is_empty() {
                // A case file under another name (`cases.yml`, `Cases.yaml`) is not run.
                let (misnamed, _) = files_in(path, |n| {
                    let n = n.to_ascii_lowercase();
                    n == CASE_FILE_NAME || n == "cases.yml"
                });
                let help = match misnamed.first() {
                    Some(f) => format!(
                        "`{}` is not run: a case file is named `{CASE_FILE_NAME}`, in this \
                         letter case; rename it",
                        crate::diag::quoted(&f.display().to_string())
                    ),
                    None => "a case file names the rules and lists `request` / `original` pairs; \
                             see `psoxy-rules schema --cases`"
                        .to_owned(),
                };
                findings.push(
                    Code::NoCaseFiles
                        .diag(format!("no {CASE_FILE_NAME} in this folder or below"))
                        .at(Location::File { file: name })
                        .with_help(help),
                );
            }
            files.extend(found);
        } else {
            // A pipe or a device has no folder to read the files a case file names from.
            let why = match std::fs::metadata(path) {
                Ok(_) => "is neither a file nor a folder (a pipe or a device)".to_owned(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    "no such file or folder".to_owned()
                }
                Err(e) => format!("cannot be read: {e}"),
            };
            findings.push(
                Code::Unreadable
                    .diag(why)
                    .at(Location::File { file: name })
                    .with_help(
                        "name a case file, whose paths are read from its folder, or a folder \
                         that holds case files",
                    ),
            );
        }
    }
    (once_each(files), findings)
}

/// The finding for a run without paths where [`DEFAULT_FOLDER`] is missing, with what to run
/// instead from `cwd`: `.` when a case file is in it or in the two levels of folders below, as
/// in an example set's folder or the folder of the sets.
fn default_missing(cwd: &Path) -> Diagnostic {
    // Not the whole tree: `test` may be run from a home folder.
    let here = walkdir::WalkDir::new(cwd)
        .max_depth(3)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .any(|e| e.file_type().is_file() && e.file_name() == CASE_FILE_NAME);
    let help = if here {
        "this folder holds case files: run `psoxy-rules test .`".to_owned()
    } else {
        format!(
            "run it from the repository root, where `{DEFAULT_FOLDER}` is, or name a case file or \
             a folder of them: `psoxy-rules test FOLDER`"
        )
    };
    Code::Unreadable
        .diag(format!(
            "no such folder here: with no path given, `psoxy-rules test` searches `{DEFAULT_FOLDER}`"
        ))
        .at(Location::File {
            file: DEFAULT_FOLDER.to_owned(),
        })
        .with_help(help)
}

/// `files` with each file once, where it first appears: a case file named twice (`test set
/// set/cases.yaml`, or through a link) runs once, under the same name whatever the order of the
/// arguments, the one through no symbolic link, else the shortest.
pub(crate) fn once_each(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let rank = |f: &PathBuf| {
        let linked = is_link(f) || folder_of(f) != normalize(f.parent().unwrap_or(Path::new("")));
        (linked, f.as_os_str().len(), f.clone())
    };
    let mut order = Vec::new();
    let mut chosen: std::collections::BTreeMap<PathBuf, PathBuf> =
        std::collections::BTreeMap::new();
    for f in files {
        let key = std::fs::canonicalize(&f).unwrap_or_else(|_| f.clone());
        match chosen.get_mut(&key) {
            Some(name) if rank(&f) < rank(name) => *name = f,
            Some(_) => {}
            None => {
                order.push(key.clone());
                chosen.insert(key, f);
            }
        }
    }
    order
        .into_iter()
        .filter_map(|k| chosen.remove(&k))
        .collect()
}

/// The case files in `folder` and the folders below it, in file-name order, and the places in
/// it that could not be searched, with why.
pub(crate) fn case_files_in(folder: &Path) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    files_in(folder, |name| name == CASE_FILE_NAME)
}

/// The files in `folder` and the folders below it whose names `wanted` takes, in file-name
/// order, and the places in it that could not be searched (`folder`, or a folder below it),
/// with why. Hidden files and folders below `folder` (`.git`) are not searched. Symbolic links
/// are followed, as a file or folder they lead to is one below `folder` too (a link back to a
/// folder above is not searched again); a link under a wanted name that leads nowhere is a
/// file that loading it reports, not one passed over.
pub(crate) fn files_in(
    folder: &Path,
    wanted: impl Fn(&str) -> bool,
) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let hidden = |name: &std::ffi::OsStr| name.to_string_lossy().starts_with('.');
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let walk = walkdir::WalkDir::new(folder)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !hidden(e.file_name()));
    for entry in walk {
        match entry {
            Ok(e) if e.file_type().is_file() && wanted(&e.file_name().to_string_lossy()) => {
                files.push(e.into_path());
            }
            Ok(_) => {}
            Err(e) if e.loop_ancestor().is_some() => {}
            Err(e) => match e.path().filter(|p| e.depth() > 0 && is_link(p)) {
                // A link that leads nowhere (or to itself): the filter has not seen its name.
                Some(link) => {
                    let name = link.file_name().unwrap_or_default();
                    if !hidden(name) && wanted(&name.to_string_lossy()) {
                        files.push(link.to_owned());
                    }
                }
                None => errors.push((
                    e.path().unwrap_or(folder).to_owned(),
                    e.io_error()
                        .map_or_else(|| e.to_string(), std::string::ToString::to_string),
                )),
            },
        }
    }
    (files, errors)
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Reads and checks the case file at `path`; every problem found is returned.
pub fn load(path: &Path) -> Result<CaseFile, Vec<Diagnostic>> {
    let name = path.display().to_string();
    let unreadable = |message: String| {
        vec![
            Code::Unreadable
                .diag(message)
                .at(Location::File { file: name.clone() }),
        ]
    };
    let bytes = match read_capped_in_set(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(CappedRead::Io(e)) => return Err(unreadable(format!("cannot read the file: {e}"))),
        Err(CappedRead::TooLarge(size)) => {
            return Err(unreadable(CappedRead::too_large_message(
                size,
                MAX_FILE_BYTES,
                "case files",
            )));
        }
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let (message, location) = crate::files::not_utf8(&name, e.as_bytes(), &e.utf8_error());
        let finding = Code::Unreadable
            .diag(message)
            .at(location)
            .with_help("save the file as UTF-8");
        if names_a_key(&String::from_utf8_lossy(e.as_bytes())) {
            vec![finding]
        } else {
            vec![finding.unquoted(FORMAT)]
        }
    })?;
    load_str(path, text)
}

/// Checks `text`, the contents of the case file `path`.
pub fn load_str(path: &Path, text: String) -> Result<CaseFile, Vec<Diagnostic>> {
    let name = path.display().to_string();
    let doc = parse_doc(&name, &text)?;
    let folder = folder_of(path);
    let dir = folder.as_path();
    // Lines counted once: a case file may have thousands of cases.
    let lines = LineStarts::new(&text);
    let at = |l: &serde_saphyr::Location| locate(&name, &text, &lines, l);
    let mut findings = Vec::new();
    let allowances = |list: &[Spanned<String>], findings: &mut Vec<Diagnostic>| {
        list.iter()
            .filter_map(|a| {
                let location = at(&a.referenced);
                if !(a.value.is_empty() || a.value.starts_with('/')) {
                    findings.push(
                        Code::InvalidValue
                            .diag("an `allowedLeaks` entry is a JSON Pointer, starting with `/`")
                            .at(location)
                            .with_help("e.g. `/users/0/display_name`"),
                    );
                    None
                } else if has_bad_escape(&a.value) {
                    // RFC 6901: a pointer names no member with such a `~`.
                    findings.push(
                        Code::InvalidValue
                            .diag(
                                "an `allowedLeaks` entry is a JSON Pointer, where `~` is followed \
                                 by `0` or `1`",
                            )
                            .at(location)
                            .with_help(
                                "write `~0` for a `~` and `~1` for a `/` in a member name, e.g. \
                                 `/links/a~1b` for the member `a/b`",
                            ),
                    );
                    None
                } else {
                    Some(Allowance {
                        pointer: a.value.clone(),
                        location,
                    })
                }
            })
            .collect::<Vec<_>>()
    };
    let file_allowances = allowances(&doc.allowed_leaks, &mut findings);
    // As `sanitize` refuses them: pseudonyms made with an empty salt are reversed by anyone
    // with a list of names.
    for (secret, key) in [(&doc.salt, "salt"), (&doc.encryption_key, "encryptionKey")] {
        if let Some(secret) = secret.as_ref().filter(|s| s.value.trim().is_empty()) {
            findings.push(
                Code::InvalidValue
                    .diag(format!("`{key}` is empty or blank"))
                    .at(at(&secret.referenced))
                    .with_help(format!(
                        "give the secret the sanitized files were made with, or leave `{key}:` \
                         out to use the default"
                    )),
            );
        }
    }
    // An empty path would name this folder.
    let empty = |path: &Spanned<String>, key: &str, findings: &mut Vec<Diagnostic>| {
        let is_empty = path.value.is_empty();
        if is_empty {
            findings.push(
                Code::InvalidValue
                    .diag(format!("`{key}` is empty; it is the path of a file"))
                    .at(at(&path.referenced))
                    .with_help("give the file's path, relative to this case file"),
            );
        }
        is_empty
    };
    empty(&doc.rules, "rules", &mut findings);
    let rules = join(dir, &doc.rules.value);
    let inputs = Inputs {
        folder: normalize(dir),
        case_file: real_name(path).map_or_else(|| normalize(path), |n| normalize(&dir.join(n))),
        rules: &rules,
        originals: {
            // The first case of each original, looked up for each case's target.
            let mut originals = std::collections::HashMap::new();
            for c in &doc.cases {
                originals
                    .entry(join(dir, &c.value.original.value))
                    .or_insert_with(|| at(&c.referenced));
            }
            originals
        },
    };
    let mut cases = Vec::with_capacity(doc.cases.len());
    for case in &doc.cases {
        let c = &case.value;
        // Every problem of the case is reported, not only the first.
        let request_location = at(&c.request.referenced);
        // No request line holds one; printed, it could forge lines of the output.
        let control = c.request.value.trim().chars().find(|ch| ch.is_control());
        let request = split_request(&c.request.value).filter(|_| control.is_none());
        if let Some(ch) = control {
            findings.push(
                Code::InvalidValue
                    .diag(format!(
                        "the request holds a control character (`{}`); a request is one line \
                         of printable text",
                        crate::diag::printable(ch.encode_utf8(&mut [0; 4]))
                    ))
                    .at(request_location.clone())
                    .with_help("write the method and the URL on one line, without escapes"),
            );
        } else if let Some((_, url)) = request
            && let Err(reason) = crate::endpoint::RequestUrl::parse(url)
        {
            // A URL the proxy could not receive is a problem of the case file, reported with
            // the others before anything runs.
            findings.push(
                Code::InvalidValue
                    .diag(crate::endpoint::invalid_url_message(url, &reason))
                    .at(request_location.clone()),
            );
        }
        if request.is_none() && control.is_none() {
            findings.push(
                Code::InvalidValue
                    .diag("a request is the method and the URL, separated by a space")
                    .at(request_location.clone())
                    .with_help(
                        "e.g. `GET https://api.example.com/v1/users?limit=10` or `GET /v1/users`",
                    ),
            );
        }
        let allowed_leaks = allowances(&c.allowed_leaks, &mut findings);
        let empty_original = empty(&c.original, "original", &mut findings);
        let empty_sanitized =
            (c.sanitized.as_ref()).is_some_and(|s| empty(s, "sanitized", &mut findings));
        if empty_original || empty_sanitized {
            continue;
        }
        let original = join(dir, &c.original.value);
        // `test` prints what it reads in diffs: an original elsewhere could show any file.
        let unfit_original = inputs.unfit_original(&original);
        if let Some(problem) = &unfit_original {
            findings.push(
                Code::InvalidValue
                    .diag(format!("the original {problem}"))
                    .at(at(&c.original.referenced))
                    .with_help("put the original in this folder or a folder under it"),
            );
        }
        let sanitized = match &c.sanitized {
            Some(s) => join(dir, &s.value),
            None => join(&dir.join("sanitized"), &c.original.value),
        };
        let sanitized_location = at(c
            .sanitized
            .as_ref()
            .map_or(&c.original.referenced, |s| &s.referenced));
        // A default sanitized path follows the original's: its problem is the original's.
        if unfit_original.is_some() && c.sanitized.is_none() {
            continue;
        }
        // `--bless` writes the sanitized file: it must not be an input, nor leave the folder.
        if let Some(problem) = inputs.unfit_target(&sanitized, &original) {
            let default = c.sanitized.is_none().then_some(sanitized.as_path());
            findings.push(unfit_target(&problem, sanitized_location, default));
            continue;
        }
        if unfit_original.is_some() {
            continue;
        }
        let Some((method, url)) = request else {
            continue;
        };
        cases.push(Case {
            location: at(&case.referenced),
            method: method.to_owned(),
            url: url.to_owned(),
            request_location,
            original,
            original_location: at(&c.original.referenced),
            sanitized,
            sanitized_location,
            allowed_leaks,
        });
    }
    if !findings.is_empty() {
        sort_by_place(&mut findings);
        return Err(findings);
    }
    let secret = |s: &Option<Spanned<String>>, default: &str| {
        SecretText(s.as_ref().map_or(default, |s| s.value.as_str()).to_owned())
    };
    Ok(CaseFile {
        path: path.to_owned(),
        folder: folder.clone(),
        rules,
        rules_location: at(&doc.rules.referenced),
        salt: secret(&doc.salt, DEFAULT_SALT),
        encryption_key: secret(&doc.encryption_key, DEFAULT_ENCRYPTION_KEY),
        allowed_leaks: file_allowances,
        cases,
        text,
    })
}

/// The document of the case file `name`, or every problem of its form.
fn parse_doc(name: &str, text: &str) -> Result<CaseFileDoc, Vec<Diagnostic>> {
    // Text that does not read as a case file and names none of its keys is likely another
    // file given as one (an environment file of secrets): it is not quoted.
    let unquoted = |findings: Vec<Diagnostic>| -> Vec<Diagnostic> {
        if names_a_key(text) {
            findings
        } else {
            findings.into_iter().map(|d| d.unquoted(FORMAT)).collect()
        }
    };
    let shape = shape_findings(name, text);
    if !shape.is_empty() {
        return Err(unquoted(shape));
    }
    serde_saphyr::from_str(text).map_err(|e| unquoted(vec![format_error(name, text, &e)]))
}

/// What findings call the format when they say a file is not of it.
const FORMAT: &str = "the case file format";

/// Whether `text` names one of the keys of a case file as a key (`cases:`), anywhere.
fn names_a_key(text: &str) -> bool {
    FILE_KEYS
        .iter()
        .chain(CASE_KEYS)
        .any(|k| text.contains(&format!("{k}:")) || text.contains(&format!("\"{k}\"")))
}

/// The files a case file names for reading: its rules, and each case's original with the
/// place of the case.
#[derive(Debug)]
pub(crate) struct Named {
    pub rules: PathBuf,
    pub originals: Vec<(PathBuf, Location)>,
}

/// What the case file at `path` names for reading, taken from its form alone (its values are
/// not checked); `None` when it cannot be read as a case file.
pub(crate) fn named_inputs(path: &Path) -> Option<Named> {
    let text = String::from_utf8(read_capped_in_set(path, MAX_FILE_BYTES).ok()?).ok()?;
    let name = path.display().to_string();
    let doc = parse_doc(&name, &text).ok()?;
    let folder = folder_of(path);
    let dir = folder.as_path();
    let lines = LineStarts::new(&text);
    Some(Named {
        rules: join(dir, &doc.rules.value),
        originals: doc
            .cases
            .iter()
            .map(|c| {
                (
                    join(dir, &c.value.original.value),
                    locate(&name, &text, &lines, &c.referenced),
                )
            })
            .collect(),
    })
}

/// The finding of a sanitized file at `location` that `--bless` must not write, for `problem`;
/// `default` is its path when the case names none.
pub(crate) fn unfit_target(
    problem: &str,
    location: Location,
    default: Option<&Path>,
) -> Diagnostic {
    let Some(path) = default else {
        return Code::InvalidValue
            .diag(format!("the sanitized file {problem}"))
            .at(location)
            .with_help(
                "name a new file under `sanitized/` in this folder, or leave `sanitized:` out",
            );
    };
    let path = path.display();
    let help = if problem.contains("symbolic link") {
        format!(
            "replace the link at `{path}` (or a folder of its path that is one) with a regular \
             file, or name another file with `sanitized:`"
        )
    } else {
        "name another file with `sanitized:`".to_owned()
    };
    Code::InvalidValue
        .diag(format!(
            "the sanitized file `{path}`, taken as the case names none, {problem}"
        ))
        .at(location)
        .with_help(help)
}

/// The keys of a case file, and of one case.
const FILE_KEYS: &[&str] = &["rules", "salt", "encryptionKey", "allowedLeaks", "cases"];
const CASE_KEYS: &[&str] = &["request", "original", "sanitized", "allowedLeaks"];

/// Every problem of form in a case file at once: YAML syntax, duplicate keys, unknown and
/// missing keys, values of the wrong type. The reader that follows stops at the first.
fn shape_findings(name: &str, text: &str) -> Vec<Diagnostic> {
    use crate::rules::Code as RulesCode;
    let (root, problems) = crate::rules::yaml::parse(text);
    let mut shape = Shape {
        name,
        text,
        findings: Vec::new(),
    };
    for p in problems {
        let (message, help) = match p.code {
            RulesCode::Empty => (
                "the file holds no document; a case file is a mapping".to_owned(),
                Some("a case file is a mapping with at least `rules:` and `cases:`".to_owned()),
            ),
            RulesCode::MultipleDocuments => (
                "a second YAML document; a case file holds one".to_owned(),
                p.help,
            ),
            _ => (p.message, p.help),
        };
        // The rules file's help speaks of the proxy, which never reads a case file.
        let help = match p.code {
            RulesCode::DuplicateKey => Some(
                "keep one of the two, the one with the intended value: `test` reads a case file \
                 only when each key appears once"
                    .to_owned(),
            ),
            _ => help,
        };
        shape.push(p.span, message, help);
    }
    let Some(root) = root else {
        return shape.findings;
    };
    if let Some(finding) = not_a_case_file(&root, text, name) {
        return vec![finding];
    }
    if let Some(entries) = shape.mapping(&root, "the case file", FILE_KEYS, &["rules", "cases"]) {
        for e in entries {
            match e.key.as_str() {
                "rules" | "salt" | "encryptionKey" => shape.string(&e.value, &e.key),
                "allowedLeaks" => shape.strings(&e.value, &e.key),
                "cases" => match &e.value.kind {
                    NodeKind::Seq(items) => {
                        for item in items {
                            shape.case(item);
                        }
                    }
                    _ => shape.wrong_type(&e.value, "`cases`", "a list"),
                },
                _ => {}
            }
        }
    }
    let mut findings = shape.findings;
    sort_by_place(&mut findings);
    findings
}

/// The one finding of a document that is not a case file at all: a list in JSON's brackets or
/// a mapping none of whose keys is a case file's or close to one (a response body, likely an
/// original given as the case file), or a single plain value (likely a secret). Its text, which
/// may be personal data, is not quoted, nor are its other problems reported.
fn not_a_case_file(root: &Node, text: &str, name: &str) -> Option<Diagnostic> {
    let what = match &root.kind {
        NodeKind::Seq(_)
            if text
                .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
                .starts_with('[') =>
        {
            "a list".to_owned()
        }
        NodeKind::Scalar(s) if !(s.style == Style::Plain && is_null(&s.text)) => {
            "a single value".to_owned()
        }
        NodeKind::Map(entries) => {
            let names: Vec<String> = FILE_KEYS.iter().map(|k| (*k).to_owned()).collect();
            let case_like = entries.iter().any(|e| {
                FILE_KEYS.contains(&e.key.as_str())
                    || crate::rules::schema::suggest(&e.key, &names).is_some()
            });
            if entries.is_empty() || case_like {
                return None;
            }
            match entries.len() {
                1 => "a mapping whose key is not of the case file format".to_owned(),
                n => format!("a mapping whose {n} keys are not of the case file format"),
            }
        }
        _ => return None,
    };
    Some(
        Code::CaseFormat
            .diag(format!(
                "the document is {what}; a case file is a mapping with `rules:` and `cases:`"
            ))
            .at(Location::File {
                file: name.to_owned(),
            })
            .with_help(
                "name the case file (`cases.yaml`) or its folder; a response body is the \
                 `original:` of a case, and a rules file is checked with `psoxy-rules validate`",
            ),
    )
}

/// Orders findings as they appear in the file.
fn sort_by_place(findings: &mut [Diagnostic]) {
    findings.sort_by_key(|d| match &d.location {
        Some(Location::Source { span, .. }) => span.start,
        _ => 0,
    });
}

/// Collects the problems of form of a case file.
struct Shape<'t> {
    name: &'t str,
    text: &'t str,
    findings: Vec<Diagnostic>,
}

impl Shape<'_> {
    fn push(&mut self, span: crate::rules::Span, message: String, help: Option<String>) {
        let mut d = Code::CaseFormat.diag(message).at(Location::in_source(
            self.name,
            self.text,
            span.range(),
        ));
        d.help = help.or_else(|| {
            Some(
                "a case file has `rules:` and `cases:` (each with `request:` and `original:`); \
                 see `psoxy-rules schema --cases`"
                    .into(),
            )
        });
        self.findings.push(d);
    }

    /// The entries of `node` when it is a mapping, after reporting unknown and missing keys.
    fn mapping<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        known: &[&str],
        required: &[&str],
    ) -> Option<&'n [Entry]> {
        let Some(entries) = node.as_map() else {
            self.wrong_type(node, what, "a mapping");
            return None;
        };
        let names: Vec<String> = known.iter().map(|k| (*k).to_owned()).collect();
        for e in entries.iter().filter(|e| !known.contains(&e.key.as_str())) {
            let help = crate::rules::schema::suggest(&e.key, &names).map_or_else(
                || format!("the keys are {}", crate::rules::schema::list(&names)),
                |s| format!("did you mean `{s}`?"),
            );
            let key = crate::diag::quoted(&e.key);
            self.push(e.key_span, format!("unknown key `{key}`"), Some(help));
        }
        for key in required.iter().filter(|k| node.get(k).is_none()) {
            self.push(
                node.head_span(self.text),
                format!("{what} has no `{key}`"),
                None,
            );
        }
        Some(entries)
    }

    fn case(&mut self, node: &Node) {
        let Some(entries) = self.mapping(node, "this case", CASE_KEYS, &["request", "original"])
        else {
            return;
        };
        for e in entries {
            match e.key.as_str() {
                "request" | "original" | "sanitized" => self.string(&e.value, &e.key),
                "allowedLeaks" => self.strings(&e.value, &e.key),
                _ => {}
            }
        }
    }

    /// A string: any scalar but null, as the reader takes `rules: 5` as the text `5`.
    fn string(&mut self, node: &Node, key: &str) {
        let is_text = matches!(&node.kind, NodeKind::Scalar(s)
            if !(s.style == Style::Plain && is_null(&s.text)));
        if !is_text {
            self.wrong_type(node, &format!("`{key}`"), "a string");
        }
    }

    fn strings(&mut self, node: &Node, key: &str) {
        match &node.kind {
            NodeKind::Seq(items) => {
                for item in items {
                    self.string(item, key);
                }
            }
            NodeKind::Scalar(s) if !(s.style == Style::Plain && is_null(&s.text)) => {
                // The item as written, when it fits on one line of help.
                let written = self
                    .text
                    .get(node.span.range())
                    .filter(|w| !w.contains(['\n', '\r']))
                    .filter(|w| w.chars().count() <= crate::diag::QUOTED_CHARS)
                    .filter(|_| s.text.starts_with('/'))
                    .unwrap_or("\"/…\"");
                let help = format!("write a list, even of one item: `{key}: [{written}]`");
                self.wrong_type_with(node, &format!("`{key}`"), "a list of strings", Some(help));
            }
            _ => self.wrong_type(node, &format!("`{key}`"), "a list of strings"),
        }
    }

    fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        self.wrong_type_with(node, what, expected, None);
    }

    fn wrong_type_with(&mut self, node: &Node, what: &str, expected: &str, help: Option<String>) {
        let found = match &node.kind {
            NodeKind::Map(_) => "a mapping",
            NodeKind::Seq(_) => "a list",
            NodeKind::Scalar(s) if s.style == Style::Plain && is_null(&s.text) => "empty (null)",
            NodeKind::Scalar(_) => "a single value",
        };
        self.push(
            node.head_span(self.text),
            format!("{what} must be {expected}, not {found}"),
            help,
        );
    }
}

/// Whether a plain scalar is YAML's null.
fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// The files a case file reads, which a sanitized file must not replace, and the folder that
/// sanitized files must stay in.
struct Inputs<'a> {
    folder: PathBuf,
    case_file: PathBuf,
    rules: &'a Path,
    originals: std::collections::HashMap<PathBuf, Location>,
}

impl Inputs<'_> {
    /// Why `sanitized`, the target of the case reading `original`, cannot be read or written,
    /// if it cannot. Paths are compared as written, after `.` and `..`, and must not lead out of
    /// the folder through symbolic links; `--bless` checks the files themselves again before it
    /// writes.
    fn unfit_target(&self, sanitized: &Path, original: &Path) -> Option<String> {
        if sanitized == original {
            return Some("is the original itself".to_owned());
        }
        if sanitized == self.case_file {
            return Some("is this case file".to_owned());
        }
        if sanitized == self.rules {
            return Some("is the rules file".to_owned());
        }
        if let Some(place) = self.originals.get(sanitized) {
            return Some(format!("is the original of the case at {place}"));
        }
        // `psoxy-rules test FOLDER` would take it for a case file.
        if sanitized.file_name().is_some_and(|n| n == CASE_FILE_NAME) {
            return Some(format!(
                "is named `{CASE_FILE_NAME}`, the name of case files"
            ));
        }
        if !self.inside(sanitized) {
            return Some("is outside the case file's folder".to_owned());
        }
        // `test` prints what it reads in diffs: a link out of the folder could show any file.
        leaves_through_links(&self.folder, sanitized)
            .then(|| "leads outside the case file's folder through a symbolic link".to_owned())
    }

    /// Why `original` cannot be read, if it cannot: it is outside the case file's folder, as
    /// written after `.` and `..`, or once its symbolic links are followed.
    fn unfit_original(&self, original: &Path) -> Option<String> {
        if !self.inside(original) {
            return Some("is outside the case file's folder".to_owned());
        }
        leaves_through_links(&self.folder, original)
            .then(|| "leads outside the case file's folder through a symbolic link".to_owned())
    }

    /// Whether `path`, normalized, is in the case file's folder as written.
    fn inside(&self, path: &Path) -> bool {
        // Paths are normalized, so a `..` can only lead them.
        let climbs = |p: &Path| matches!(p.components().next(), Some(Component::ParentDir));
        if self.folder == Path::new(".") {
            path.is_relative() && !climbs(path)
        } else {
            path.strip_prefix(&self.folder)
                .is_ok_and(|rest| !climbs(rest))
        }
    }
}

/// Whether `path`, in the folder `folder` as written, is outside it once symbolic links are
/// followed: the deepest of `path` and its folders that exists is resolved. A folder that
/// cannot be resolved leaves nothing to compare.
pub(crate) fn leaves_through_links(folder: &Path, path: &Path) -> bool {
    let here = |p: &Path| {
        if p.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            p.to_owned()
        }
    };
    let Ok(folder) = std::fs::canonicalize(here(folder)) else {
        return false;
    };
    path.ancestors()
        .find_map(|a| std::fs::canonicalize(here(a)).ok())
        .is_some_and(|real| !real.starts_with(&folder))
}

/// The folder that the paths of the case file at `path` are relative to: the folder of the file
/// itself, once symbolic links are followed, so that a link to a case file, or a path through a
/// linked folder, reads what the file reads. It is the folder as written when no link is on the
/// way (or when it cannot be resolved), else the real one, named from the working folder when
/// below it.
pub fn folder_of(path: &Path) -> PathBuf {
    let written = normalize(path.parent().unwrap_or(Path::new("")));
    let Some(real) = std::fs::canonicalize(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_owned))
    else {
        return written;
    };
    let here = std::env::current_dir().and_then(std::fs::canonicalize).ok();
    // `..` after a linked folder leads elsewhere than the same `..` resolved as written.
    let as_written = match &here {
        Some(h) if written.is_relative() => normalize(&h.join(&written)),
        _ => written.clone(),
    };
    if as_written == real {
        return written;
    }
    match here.as_deref().and_then(|h| real.strip_prefix(h).ok()) {
        Some(rest) => normalize(rest),
        None => real,
    }
}

/// The name of the file that `path` is, once symbolic links are followed, if it exists.
fn real_name(path: &Path) -> Option<std::ffi::OsString> {
    Some(std::fs::canonicalize(path).ok()?.file_name()?.to_owned())
}

/// Whether the JSON Pointer `pointer` has a `~` that is not `~0` or `~1` (RFC 6901 §3).
fn has_bad_escape(pointer: &str) -> bool {
    let mut rest = pointer;
    while let Some(i) = rest.find('~') {
        rest = &rest[i + 1..];
        if !(rest.starts_with('0') || rest.starts_with('1')) {
            return true;
        }
    }
    false
}

/// `METHOD URL`: a method of ASCII letters, white space, and a URL that is not empty.
fn split_request(request: &str) -> Option<(&str, &str)> {
    let request = request.trim();
    let (method, url) = request.split_once(|c: char| c.is_ascii_whitespace())?;
    let url = url.trim();
    (!method.is_empty() && method.bytes().all(|b| b.is_ascii_alphabetic()) && !url.is_empty())
        .then_some((method, url))
}

/// `base` joined with `relative`, `.` and `..` resolved without touching the file system.
pub fn join(base: &Path, relative: &str) -> PathBuf {
    normalize(&base.join(relative))
}

/// Resolves `.` and `..` lexically; a `..` that would climb above a relative start is kept.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            c => out.push(c),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

/// The place of `l` in `text`, the case file `name`, whose lines start as `lines` says.
fn locate(name: &str, text: &str, lines: &LineStarts, l: &serde_saphyr::Location) -> Location {
    let span = l.span();
    let span = if let (Some(start), Some(len)) = (span.byte_offset(), span.byte_len()) {
        let start = (start as usize).min(text.len());
        start..(start + len as usize).min(text.len())
    } else {
        let offset = offset_of(text, l.line(), l.column());
        offset..offset
    };
    Location::at(name, lines.line_col(text, span.start), span)
}

/// The byte offset of a 1-based line and character column.
fn offset_of(text: &str, line: u64, column: u64) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let rest = &text[line_start.min(text.len())..];
    line_start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1) as usize)
            .map_or(rest.len(), |(i, _)| i)
}

/// A YAML or format error of the reader as a located finding.
fn format_error(name: &str, text: &str, e: &serde_saphyr::Error) -> Diagnostic {
    let message = e.without_snippet().to_string();
    // The reader appends the place, which the finding carries on its own.
    let message = match message.rsplit_once(" at line ") {
        Some((m, _)) => m.to_owned(),
        None => message,
    };
    let message = match message.strip_prefix("duplicate mapping key: ") {
        Some(rest) => {
            let key = rest.split(',').next().unwrap_or(rest);
            format!("duplicate key `{}`", crate::diag::quoted(key))
        }
        None => message,
    };
    let d = Code::CaseFormat.diag(message).with_help(
        "a case file has `rules:` and `cases:` (each with `request:` and `original:`); \
         see `psoxy-rules schema --cases`",
    );
    match e.location() {
        Some(l) => {
            let location = locate(name, text, &LineStarts::new(text), &l);
            // Point at one character rather than at nothing.
            match location {
                Location::Source {
                    file,
                    line,
                    column,
                    span,
                } if span.is_empty() => {
                    let width = text
                        .get(span.start..)
                        .and_then(|t| t.chars().next())
                        .map_or(0, char::len_utf8);
                    d.at(Location::Source {
                        file,
                        line,
                        column,
                        span: span.start..span.start + width,
                    })
                }
                other => d.at(other),
            }
        }
        None => d.at(Location::File {
            file: name.to_owned(),
        }),
    }
}

/// The published JSON Schema of case files (draft-07, like the rules schema).
pub fn json_schema() -> Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let generated = generator.into_root_schema_for::<CaseFileDoc>().to_value();
    let Value::Object(mut generated) = generated else {
        return generated;
    };
    let mut schema = serde_json::Map::new();
    for key in ["$schema", "title", "description"] {
        if let Some(v) = generated.remove(key) {
            schema.insert(key.into(), v);
        }
    }
    schema.insert(
        "$comment".into(),
        json!("Generated by `psoxy-rules schema --cases`."),
    );
    schema.extend(generated);
    Value::Object(schema)
}

/// The schema text as committed in `schema/cases.schema.json`.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<CaseFile, Vec<Diagnostic>> {
        load_str(Path::new("set/cases.yaml"), text.to_owned())
    }

    fn place(d: &Diagnostic) -> String {
        d.location
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    fn allowance(pointer: &str) -> Allowance {
        Allowance {
            pointer: pointer.to_owned(),
            location: Location::File {
                file: "cases.yaml".to_owned(),
            },
        }
    }

    #[test]
    fn an_allowance_a_typo_away_from_a_pointer_is_told_apart_from_one_elsewhere() {
        let a = allowance("/setting/contact_email");
        assert_eq!(a.typo_distance("/settings/contact_email"), Some(1));
        assert_eq!(a.typo_distance("/Settings/contact_emial"), Some(2));
        assert_eq!(a.typo_distance("/setting/contact_email"), None, "covered");
        assert_eq!(a.typo_distance("/settings/contact_name"), None);
        assert_eq!(a.typo_distance("/settings/contact_email/0"), None);
        assert_eq!(a.typo_distance("/host/email"), None);
        // `*` stands for any member; indexes are not typos of each other.
        let a = allowance("/users/*/emial");
        assert_eq!(a.typo_distance("/users/3/email"), Some(1));
        // Segments longer than any typo's context are not compared (their count is quadratic).
        let long = "k".repeat(40_000);
        let a = allowance(&format!("/{long}x"));
        assert_eq!(a.typo_distance(&format!("/{long}y")), None);
        let a = allowance(&format!("/{}x", "k".repeat(200)));
        assert_eq!(a.typo_distance(&format!("/{}y", "k".repeat(200))), Some(1));
        assert_eq!(allowance("/ID").typo_distance("/id"), Some(1));
        assert_eq!(
            allowance("/ids").typo_distance("/id"),
            None,
            "too short for a typo"
        );
        assert_eq!(
            allowance("/users/0/email").typo_distance("/users/1/email"),
            None
        );
        assert_eq!(
            allowance("/users/0/email").typo_distance("/users/a/email"),
            None
        );
    }

    #[test]
    fn paths_are_relative_to_the_case_file() {
        let f = load_text(
            "rules: ../rules/zoom.yaml\ncases:\n  - request: GET /v2/users\n    original: users.json\n",
        )
        .expect("loads");
        assert_eq!(f.rules, PathBuf::from("rules/zoom.yaml"));
        assert_eq!(f.cases[0].original, PathBuf::from("set/users.json"));
        assert_eq!(
            f.cases[0].sanitized,
            PathBuf::from("set/sanitized/users.json")
        );
    }

    #[test]
    fn request_splits_into_method_and_url() {
        let f = load_text(
            "rules: r.yaml\ncases:\n  - request: \"GET  https://x.test/v2/users?a=1 \"\n    original: o.json\n    sanitized: out/o.json\n",
        )
        .expect("loads");
        assert_eq!(f.cases[0].method, "GET");
        assert_eq!(f.cases[0].url, "https://x.test/v2/users?a=1");
        assert_eq!(f.cases[0].sanitized, PathBuf::from("set/out/o.json"));
    }

    #[test]
    fn secrets_default_to_the_reference_test_values() {
        let f = load_text("rules: r.yaml\ncases: []\n").expect("loads");
        assert_eq!(f.salt.expose(), "salt");
        assert_eq!(f.encryption_key.expose(), "secret");
        assert_eq!(format!("{:?}", f.salt), "SecretText(..)");
    }

    #[test]
    fn unknown_key_is_located() {
        let e = load_text("rules: r.yaml\ncases:\n  - request: GET /x\n    orignal: o.json\n")
            .expect_err("refused");
        assert_eq!(e[0].code, "H003");
        assert_eq!(place(&e[0]), "set/cases.yaml:3:5");
        assert_eq!(e[0].message, "this case has no `original`");
        assert_eq!(place(&e[1]), "set/cases.yaml:4:5");
        assert_eq!(e[1].message, "unknown key `orignal`");
        assert_eq!(e[1].help.as_deref(), Some("did you mean `original`?"));
    }

    #[test]
    fn every_problem_of_form_is_reported_at_once() {
        let e = load_text(
            "rules: [a]\nextra: 1\ncases:\n  - request: GET /x\n    original: o.json\n    \
             sanitized: {a: 1}\n  - 5\n  - request: GET /y\n    allowedLeaks: /x\n",
        )
        .expect_err("refused");
        let found: Vec<(String, &str)> = e.iter().map(|d| (place(d), d.message.as_str())).collect();
        assert_eq!(
            found,
            [
                (
                    "set/cases.yaml:1:8".to_owned(),
                    "`rules` must be a string, not a list"
                ),
                ("set/cases.yaml:2:1".to_owned(), "unknown key `extra`"),
                (
                    "set/cases.yaml:6:16".to_owned(),
                    "`sanitized` must be a string, not a mapping"
                ),
                (
                    "set/cases.yaml:7:5".to_owned(),
                    "this case must be a mapping, not a single value"
                ),
                (
                    "set/cases.yaml:8:5".to_owned(),
                    "this case has no `original`"
                ),
                (
                    "set/cases.yaml:9:19".to_owned(),
                    "`allowedLeaks` must be a list of strings, not a single value"
                ),
            ]
        );
        assert!(e.iter().all(|d| d.code == "H003"));
        assert_eq!(
            e[5].help.as_deref(),
            Some("write a list, even of one item: `allowedLeaks: [/x]`")
        );
    }

    #[test]
    fn allowed_leaks_written_as_one_value_is_told_to_be_a_list() {
        let e = load_text(
            "rules: r.yaml\nallowedLeaks: \"/0/login\"\ncases:\n  - request: GET /x\n    \
             original: o.json\n    allowedLeaks: 5\n",
        )
        .expect_err("refused");
        let helps: Vec<_> = e.iter().map(|d| d.help.as_deref().unwrap_or("")).collect();
        assert_eq!(
            helps,
            [
                "write a list, even of one item: `allowedLeaks: [\"/0/login\"]`",
                // Not a pointer: the example does not repeat it.
                "write a list, even of one item: `allowedLeaks: [\"/…\"]`",
            ]
        );
    }

    #[test]
    fn a_response_body_given_as_the_case_file_is_named_without_its_text() {
        for (body, what) in [
            (
                r#"{"email": "alice@example.com", "name": "Alice Smith"}"#,
                "a mapping whose 2 keys are not of the case file format",
            ),
            (r#"[{"email": "alice@example.com"}]"#, "a list"),
            ("alice@example.com\n", "a single value"),
        ] {
            let findings = load_text(body).expect_err("refused");
            assert_eq!(findings.len(), 1, "{findings:?}");
            assert_eq!(place(&findings[0]), "set/cases.yaml");
            assert_eq!(
                findings[0].message,
                format!(
                    "the document is {what}; a case file is a mapping with `rules:` and `cases:`"
                )
            );
            let shown = format!("{findings:?}");
            assert!(
                !shown.contains("alice") && !shown.contains("email"),
                "{shown}"
            );
        }
        // A case file with mistakes is still reported at each of them.
        let findings = load_text("rule: r.yaml\ncases: []\n").expect_err("refused");
        assert!(findings.iter().any(|d| d.message == "unknown key `rule`"));
    }

    #[test]
    fn an_empty_case_file_is_told_what_a_case_file_holds() {
        let findings = load_text("# nothing yet\n").expect_err("refused");
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(
            findings[0].help.as_deref(),
            Some("a case file is a mapping with at least `rules:` and `cases:`")
        );
    }

    #[test]
    fn duplicate_key_is_named() {
        let e = load_text("rules: a\nrules: b\ncases: []\n").expect_err("refused");
        assert_eq!(
            e[0].message,
            "duplicate key `rules`; it first appears at 1:1"
        );
        assert_eq!(place(&e[0]), "set/cases.yaml:2:1");
        // The proxy never reads a case file; the rules file's help says what it would do.
        assert_eq!(
            e[0].help.as_deref(),
            Some(
                "keep one of the two, the one with the intended value: `test` reads a case file \
                 only when each key appears once"
            )
        );
    }

    #[test]
    fn request_without_method_is_refused_at_its_place() {
        let e = load_text("rules: r.yaml\ncases:\n  - request: /v2/users\n    original: o.json\n")
            .expect_err("refused");
        assert_eq!(e[0].code, "H004");
        assert_eq!(place(&e[0]), "set/cases.yaml:3:14");
    }

    #[test]
    fn request_with_a_control_character_is_refused_at_its_place() {
        let e = load_text(
            "rules: r.yaml\ncases:\n  - request: \"GET /x\\n::error::forged\"\n    original: o.json\n",
        )
        .expect_err("refused");
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].code, "H004");
        assert_eq!(
            e[0].message,
            "the request holds a control character (`\\n`); a request is one line of printable \
             text"
        );
        assert_eq!(place(&e[0]), "set/cases.yaml:3:14");
    }

    #[test]
    fn an_empty_secret_is_refused_and_a_bad_url_with_the_other_values() {
        let e = load_text(
            "rules: r.yaml\nsalt: \"\"\ncases:\n  - request: GET ftp://me:pw@h/x/ada@x.example\n    \
             original: o.json\n    sanitized: ../r.json\n",
        )
        .expect_err("refused");
        let found: Vec<(String, String)> =
            e.iter().map(|d| (place(d), d.message.clone())).collect();
        assert_eq!(
            found,
            [
                (
                    "set/cases.yaml:2:7".to_owned(),
                    "`salt` is empty or blank".to_owned()
                ),
                (
                    "set/cases.yaml:4:14".to_owned(),
                    "`ftp://‹withheld›@h/x/‹withheld›` is not a request URL: the scheme `ftp` \
                     is not `http` or `https`, the schemes of the proxy"
                        .to_owned()
                ),
                (
                    "set/cases.yaml:6:16".to_owned(),
                    "the sanitized file is outside the case file's folder".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn every_problem_of_the_values_is_reported_at_once() {
        let e = load_text(
            "rules: r.yaml\ncases:\n  - request: /x\n    original: o.json\n    \
             sanitized: ../r.json\n    allowedLeaks: [x]\n  - request: GET /y\n    \
             original: p.json\n    allowedLeaks: [y]\n",
        )
        .expect_err("refused");
        let places: Vec<String> = e.iter().map(place).collect();
        assert_eq!(
            places,
            [
                "set/cases.yaml:3:14",
                "set/cases.yaml:5:16",
                "set/cases.yaml:6:20",
                "set/cases.yaml:9:20"
            ]
        );
    }

    #[test]
    fn a_bad_original_does_not_hide_the_allowed_leaks_of_its_case() {
        for original in ["\"\"", "../o.json"] {
            let e = load_text(&format!(
                "rules: r.yaml\ncases:\n  - request: GET /x\n    original: {original}\n    \
                 allowedLeaks: [x]\n"
            ))
            .expect_err("refused");
            let places: Vec<String> = e.iter().map(place).collect();
            assert_eq!(
                places,
                ["set/cases.yaml:4:15", "set/cases.yaml:5:20"],
                "{original}"
            );
        }
    }

    #[test]
    fn allowed_leak_must_be_a_pointer() {
        let e =
            load_text("rules: r.yaml\nallowedLeaks: [users/0]\ncases: []\n").expect_err("refused");
        assert_eq!(e[0].code, "H004");
        assert_eq!(place(&e[0]), "set/cases.yaml:2:16");
    }

    #[test]
    fn allowed_leak_must_escape_tilde_as_a_pointer_does() {
        for pointer in ["/a~2b", "/a~", "/~/x", "/a~0~"] {
            let e = load_text(&format!(
                "rules: r.yaml\nallowedLeaks: [\"{pointer}\"]\ncases: []\n"
            ))
            .expect_err(pointer);
            assert_eq!(e.len(), 1, "{pointer}: {e:?}");
            assert_eq!(e[0].code, "H004", "{pointer}");
            assert_eq!(place(&e[0]), "set/cases.yaml:2:16", "{pointer}");
        }
        let f = load_text("rules: r.yaml\nallowedLeaks: [\"/a~0b~1c\", \"\"]\ncases: []\n")
            .expect("loads");
        assert_eq!(f.allowed_leaks[0].pointer, "/a~0b~1c");
    }

    #[test]
    fn empty_paths_are_refused_at_their_places() {
        let e = load_text(
            "rules: \"\"\ncases:\n  - request: GET /x\n    original: \"\"\n  - request: GET /y\n    \
             original: o.json\n    sanitized: ''\n",
        )
        .expect_err("refused");
        let found: Vec<(String, &str)> = e.iter().map(|d| (place(d), d.message.as_str())).collect();
        assert_eq!(
            found,
            [
                (
                    "set/cases.yaml:1:8".to_owned(),
                    "`rules` is empty; it is the path of a file"
                ),
                (
                    "set/cases.yaml:4:15".to_owned(),
                    "`original` is empty; it is the path of a file"
                ),
                (
                    "set/cases.yaml:7:16".to_owned(),
                    "`sanitized` is empty; it is the path of a file"
                ),
            ]
        );
        assert!(e.iter().all(|d| d.code == "H004"));
    }

    #[test]
    fn sanitized_file_must_not_be_the_original() {
        let e = load_text(
            "rules: r.yaml\ncases:\n  - request: GET /x\n    original: o.json\n    sanitized: ./o.json\n",
        )
        .expect_err("refused");
        assert_eq!(e[0].code, "H004");
        assert_eq!(place(&e[0]), "set/cases.yaml:5:16");
    }

    #[test]
    fn sanitized_file_must_not_replace_an_input() {
        let text = |target: &str| {
            format!(
                "rules: ../r.yaml\ncases:\n  - request: GET /x\n    original: o.json\n  \
                 - request: GET /y\n    original: p.json\n    sanitized: {target}\n"
            )
        };
        for (target, message) in [
            ("../r.yaml", "the sanitized file is the rules file"),
            ("cases.yaml", "the sanitized file is this case file"),
            (
                "sub/cases.yaml",
                "the sanitized file is named `cases.yaml`, the name of case files",
            ),
            (
                "./o.json",
                "the sanitized file is the original of the case at set/cases.yaml:3:5",
            ),
        ] {
            let e = load_text(&text(target)).expect_err(target);
            assert_eq!(e.len(), 1, "{target}: {e:?}");
            assert_eq!(e[0].code, "H004");
            assert_eq!(e[0].message, message);
            assert_eq!(place(&e[0]), "set/cases.yaml:7:16");
        }
    }

    /// Loads the case file `case_file` with one case of original `o.json` written to `target`.
    fn with_target(case_file: &str, target: &str) -> Result<CaseFile, Vec<Diagnostic>> {
        load_str(
            Path::new(case_file),
            format!(
                "rules: r.yaml\ncases:\n  - request: GET /x\n    original: o.json\n    \
                 sanitized: {target}\n"
            ),
        )
    }

    #[test]
    fn sanitized_file_must_stay_in_the_folder() {
        let outside = "the sanitized file is outside the case file's folder";
        for (case_file, target) in [
            ("set/cases.yaml", "/tmp/out.json"),
            ("set/cases.yaml", "../out.json"),
            ("set/cases.yaml", "sanitized/../../set2/o.json"),
            // A folder reached through `..` holds only what is below it.
            ("../cases.yaml", "../outside.json"),
            ("cases.yaml", "../o.json"),
        ] {
            let e = with_target(case_file, target).expect_err(target);
            assert_eq!(e[0].code, "H004", "{case_file} {target}");
            assert_eq!(e[0].message, outside, "{case_file} {target}");
        }
        // A case file in the working folder keeps relative targets below it.
        let f = with_target("cases.yaml", "sanitized/o.json").expect("loads");
        assert_eq!(f.cases[0].sanitized, PathBuf::from("sanitized/o.json"));
    }

    #[test]
    fn original_must_be_in_the_folder() {
        let outside = "the original is outside the case file's folder";
        for (original, sanitized) in [
            ("../../o.json", ""),
            ("/etc/passwd", ""),
            ("../outside.json", "\n    sanitized: sanitized/o.json"),
            ("/tmp/o.json", "\n    sanitized: sanitized/o.json"),
            ("sub/../../o.json", "\n    sanitized: sanitized/o.json"),
        ] {
            let e = load_text(&format!(
                "rules: r.yaml\ncases:\n  - request: GET /x\n    original: {original}{sanitized}\n"
            ))
            .expect_err(original);
            assert_eq!(e.len(), 1, "{original}: {e:?}");
            assert_eq!(e[0].code, "H004", "{original}");
            assert_eq!(e[0].message, outside, "{original}");
            assert_eq!(place(&e[0]), "set/cases.yaml:4:15", "{original}");
        }
        // The sanitized file given beside it is checked too.
        let e = load_text(
            "rules: r.yaml\ncases:\n  - request: GET /x\n    original: ../o.json\n    sanitized: cases.yaml\n",
        )
        .expect_err("two problems");
        let found: Vec<_> = e.iter().map(|d| (place(d), d.message.as_str())).collect();
        assert_eq!(
            found,
            [
                ("set/cases.yaml:4:15".to_owned(), outside),
                (
                    "set/cases.yaml:5:16".to_owned(),
                    "the sanitized file is this case file"
                )
            ]
        );
        // Rules may be elsewhere; originals below the folder are in it.
        let f = load_text(
            "rules: ../../rules/r.yaml\ncases:\n  - request: GET /x\n    original: sub/../o.json\n",
        )
        .expect("loads");
        assert_eq!(f.cases[0].original, PathBuf::from("set/o.json"));
    }

    #[cfg(unix)]
    #[test]
    fn original_must_not_lead_out_of_the_folder_through_a_link() {
        let dir = tempfile::tempdir().expect("temp dir");
        let set = dir.path().join("set");
        std::fs::create_dir(&set).expect("folder");
        std::fs::write(dir.path().join("secret.json"), "{}").expect("written");
        std::os::unix::fs::symlink("../secret.json", set.join("o.json")).expect("linked");
        std::os::unix::fs::symlink("..", set.join("up")).expect("linked");
        for original in ["o.json", "up/secret.json"] {
            let e = load_str(
                &set.join(CASE_FILE_NAME),
                format!(
                    "rules: ../r.yaml\ncases:\n  - request: GET /x\n    original: {original}\n    \
                     sanitized: sanitized/o.json\n"
                ),
            )
            .expect_err(original);
            assert_eq!(e[0].code, "H004", "{original}");
            assert_eq!(
                e[0].message,
                "the original leads outside the case file's folder through a symbolic link"
            );
        }
    }

    #[test]
    fn sanitized_must_not_lead_out_of_the_folder_through_a_link() {
        let dir = tempfile::tempdir().expect("temp dir");
        let set = dir.path().join("set");
        std::fs::create_dir_all(set.join("sanitized")).expect("folders");
        std::fs::write(dir.path().join("secret.json"), "{}").expect("written");
        std::os::unix::fs::symlink("../../secret.json", set.join("sanitized/ext.json"))
            .expect("linked");
        std::os::unix::fs::symlink("../..", set.join("sanitized/out")).expect("linked");
        for sanitized in ["sanitized/ext.json", "sanitized/out/secret.json"] {
            let e = load_str(
                &set.join(CASE_FILE_NAME),
                format!(
                    "rules: ../r.yaml\ncases:\n  - request: GET /x\n    original: o.json\n    \
                     sanitized: {sanitized}\n"
                ),
            )
            .expect_err(sanitized);
            assert_eq!(e[0].code, "H004", "{sanitized}");
            assert_eq!(
                e[0].message,
                "the sanitized file leads outside the case file's folder through a symbolic link"
            );
        }
    }

    #[test]
    fn debug_form_hides_the_text_and_secrets() {
        let f = load_text("rules: r.yaml\nsalt: pepper-42\ncases: []\n").expect("loads");
        assert!(!format!("{f:?}").contains("pepper-42"));
    }

    #[test]
    fn normalize_resolves_dots_lexically() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../a/..")), PathBuf::from(".."));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
    }

    /// A temporary folder with a case file in its folder `set`, and that folder.
    fn one_set() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let set = dir.path().join("set");
        std::fs::create_dir(&set).expect("folder");
        std::fs::write(set.join(CASE_FILE_NAME), "rules: r.yaml\ncases: []\n").expect("written");
        (dir, set)
    }

    #[test]
    fn a_case_file_named_twice_is_found_once() {
        let (_dir, set) = one_set();
        let (files, findings) = discover(&[
            set.clone(),
            set.join(CASE_FILE_NAME),
            set.join(".").join(CASE_FILE_NAME),
        ]);
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(files, [set.join(CASE_FILE_NAME)]);
    }

    #[cfg(unix)]
    #[test]
    fn paths_of_a_case_file_reached_through_a_link_are_relative_to_its_real_folder() {
        let (dir, set) = one_set();
        std::os::unix::fs::symlink("set/cases.yaml", dir.path().join("link.yaml")).expect("linked");
        std::os::unix::fs::symlink("set", dir.path().join("z")).expect("linked");
        let real = std::fs::canonicalize(&set).expect("resolves");
        assert_eq!(folder_of(&set.join(CASE_FILE_NAME)), set);
        assert_eq!(folder_of(&dir.path().join("link.yaml")), real);
        assert_eq!(folder_of(&dir.path().join("z").join(CASE_FILE_NAME)), real);
        let f = load(&dir.path().join("link.yaml")).expect("loads");
        assert_eq!(f.rules, real.join("r.yaml"));
        // Named both ways, in either order, it is found once under the name through no link.
        for names in [["link.yaml", "set"], ["set", "link.yaml"]] {
            let (files, _) = discover(&names.map(|n| dir.path().join(n)));
            assert_eq!(files, [set.join(CASE_FILE_NAME)], "{names:?}");
        }
    }

    #[test]
    fn discovery_skips_hidden_folders_below_the_one_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join(".sets");
        for folder in ["zoom", ".git/zoom", "zoom/.cache"] {
            std::fs::create_dir_all(root.join(folder)).expect("folders");
            std::fs::write(root.join(folder).join(CASE_FILE_NAME), "cases: []\n").expect("w");
        }
        // The folder named may be hidden itself.
        let (files, findings) = discover(std::slice::from_ref(&root));
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(files, [root.join("zoom").join(CASE_FILE_NAME)]);
    }

    /// A case file behind a link, or in a linked folder, is found: passed over, it would leave
    /// CI green without its cases. A link back to a folder above is not searched again, and one
    /// that leads nowhere is named, for loading to report.
    #[cfg(unix)]
    #[test]
    fn discovery_follows_links_to_case_files_and_folders() {
        let (dir, set) = one_set();
        let other = dir.path().join("other");
        std::fs::create_dir(&other).expect("folder");
        std::fs::write(other.join(CASE_FILE_NAME), "rules: r.yaml\ncases: []\n").expect("w");
        let root = dir.path().join("sets");
        for folder in ["by-file", "broken", "loop"] {
            std::fs::create_dir_all(root.join(folder)).expect("folders");
        }
        let link = |target: &Path, at: &str| {
            std::os::unix::fs::symlink(target, root.join(at)).expect("linked");
        };
        link(&set.join(CASE_FILE_NAME), "by-file/cases.yaml");
        link(&other, "by-folder");
        link(Path::new("nowhere.yaml"), "broken/cases.yaml");
        link(Path::new(".."), "loop/up");
        link(Path::new("nowhere"), ".hidden");
        let (files, findings) = discover(std::slice::from_ref(&root));
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(
            files,
            [
                root.join("broken/cases.yaml"),
                root.join("by-file/cases.yaml"),
                root.join("by-folder/cases.yaml"),
            ]
        );
        assert_eq!(load(&files[0]).expect_err("broken")[0].code, "H001");
    }

    #[test]
    fn a_folder_named_twice_is_searched_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).expect("folder");
        let (files, findings) = discover(&[empty.clone(), empty.join("."), empty.clone()]);
        assert!(files.is_empty());
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].code, "H002");
    }

    #[test]
    fn discovery_reports_a_missing_path() {
        let (files, findings) = discover(&[PathBuf::from("no/such/place")]);
        assert!(files.is_empty());
        assert_eq!(findings[0].code, "H001");
    }
}
