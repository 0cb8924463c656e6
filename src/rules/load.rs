//! Loading a rules file: size and encoding checks, the YAML tree, the schema check, the typed model
//! with spans, and the semantic checks; every finding of every step is collected.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::check::{self, Skip};
use super::codes::Code;
use super::model::{
    Augment, AugmentKind, Encoding, Endpoint, FilterTokenByRegexOptions, Ignored, ParameterSchema,
    ParameterType, PseudonymizeEmailHeaderOptions, PseudonymizeOptions,
    PseudonymizeRegexMatchesOptions, QueryParameterSchema, RedactExceptPhrasesOptions,
    RedactExceptSubstringsOptions, RedactRegexMatchesOptions, RequestBody, Rules, SchemaFilter,
    SentenceMetadataOptions, TextDigestAugmentOptions, TextDigestOptions, TokenizeOptions,
    Transform, TransformKind,
};
use super::schema;
use super::span::{Located, SourceFile, Span};
use super::yaml::{self, Entry, Node, NodeKind, Problem, Resolved, Style};
use crate::diag::{Diagnostic, Location};
use crate::files::{CappedRead, read_capped};

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Loaded rules and their warnings, or every finding when any is an error.
pub type LoadResult = Result<(Rules, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Reads and checks the rules file at `path`.
pub fn load(path: &Path) -> LoadResult {
    let name = path.display().to_string();
    let unreadable = |e: &std::io::Error| {
        vec![
            Code::Unreadable
                .diag(format!("cannot read the file: {e}"))
                .at(Location::File { file: name.clone() }),
        ]
    };
    let bytes = match read_capped(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(CappedRead::Io(e)) => return Err(unreadable(&e)),
        Err(CappedRead::TooLarge(size)) => return Err(vec![too_large(&name, size)]),
    };
    load_bytes(&name, &bytes)
}

/// R002 for the file `name`, of `size` bytes when known.
fn too_large(name: &str, size: Option<u64>) -> Diagnostic {
    Code::TooLarge
        .diag(CappedRead::too_large_message(
            size,
            MAX_FILE_BYTES,
            "rules files",
        ))
        .at(Location::File {
            file: name.to_owned(),
        })
}

/// The help for a document that is not rules at all, likely another file given as the rules.
const NOT_RULES_HELP: &str = "a rules file is a mapping with at least `endpoints:`; a response \
     body is sanitized as `psoxy-rules sanitize --rules RULES --url URL FILE`, and a case file \
     is run with `psoxy-rules test`";

/// R010 for a mapping none of whose keys is one of the format or close to one (nor a case
/// file's, which R012 explains at each key): a response body or another file given as the
/// rules. Its keys, which may be personal data, are not quoted.
fn not_rules(root: &yaml::Node, name: &str) -> Option<Diagnostic> {
    let entries = root.as_map()?;
    let known = schema::top_level_keys();
    let rules_like = entries
        .iter()
        .any(|e| known.contains(&e.key) || schema::suggest(&e.key, &known).is_some());
    if entries.is_empty() || rules_like || root.get("cases").is_some() {
        return None;
    }
    let n = entries.len();
    Some(
        Code::RootNotMapping
            .diag(format!(
                "the document is a mapping whose {} not of the rules format; rules have \
                 `endpoints:`",
                if n == 1 {
                    "key is".to_owned()
                } else {
                    format!("{n} keys are")
                }
            ))
            .at(Location::File {
                file: name.to_owned(),
            })
            .with_help(NOT_RULES_HELP),
    )
}

/// What findings call the format when they say a file is not of it.
const FORMAT: &str = "the rules format";

/// Whether `text` names one of the top-level keys of the rules format anywhere: a file that
/// does not is likely no rules file at all, and is not quoted when it cannot be read.
fn names_a_key(text: &str) -> bool {
    schema::top_level_keys()
        .iter()
        .any(|k| text.contains(k.as_str()))
}

/// For a document that does not parse, is written in JSON's brackets and names none of the
/// keys of the rules format: a response body given as the rules, likely. One finding, with the
/// place of the first error but no excerpt, as its text may be personal data.
fn broken_body(diags: &[Diagnostic], name: &str, text: &str) -> Option<Diagnostic> {
    let json = text
        .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
        .starts_with(['{', '[']);
    if !json || names_a_key(text) {
        return None;
    }
    let first = diags.iter().find_map(|d| match &d.location {
        Some(Location::Source { line, column, .. }) => Some(format!(" (first at {line}:{column})")),
        _ => None,
    });
    Some(
        Code::Syntax
            .diag(format!(
                "the document is not valid JSON or YAML{}, and names none of the keys of the \
                 rules format: likely a response body, which is not quoted",
                first.unwrap_or_default()
            ))
            .at(Location::File {
                file: name.to_owned(),
            })
            .with_help(NOT_RULES_HELP),
    )
}

/// The encoding `bytes` look written in when they read as text in UTF-32 or UTF-16 without a
/// byte order mark: ASCII characters with three NUL bytes beside each (UTF-32) or one (UTF-16),
/// in most of the first 64 characters; with what shows it.
fn wide_encoding(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    let quads = bytes.chunks_exact(4).take(64);
    let n = quads.len();
    let three_nuls = quads
        .filter(|q| memchr::memchr_iter(0, q).count() == 3)
        .count();
    if n >= 4 && three_nuls * 4 >= n * 3 {
        return Some(("UTF-32", "three NUL bytes beside most characters"));
    }
    let pairs = bytes.chunks_exact(2).take(64);
    let n = pairs.len();
    let (even, odd) = pairs.fold((0, 0), |(e, o), p| {
        (e + usize::from(p[0] == 0), o + usize::from(p[1] == 0))
    });
    (n >= 4 && even.max(odd) * 4 >= n * 3)
        .then_some(("UTF-16", "a NUL byte beside most characters"))
}

/// Checks `bytes`, the contents of the file `name`.
pub fn load_bytes(name: &str, bytes: &[u8]) -> LoadResult {
    let size = bytes.len() as u64;
    if size > MAX_FILE_BYTES {
        // One byte past the limit is what a capped read of a stream gives: its size is not
        // known.
        let known = (size > MAX_FILE_BYTES + 1).then_some(size);
        return Err(vec![too_large(name, known)]);
    }
    // With a byte order mark, the message of a file that is not UTF-8 says UTF-16 already.
    let wide = if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        None
    } else {
        wide_encoding(bytes)
    };
    if let Some((encoding, sign)) = wide {
        return Err(vec![
            Code::NotUtf8
                .diag(format!("the file looks like {encoding} text: {sign}"))
                .at(Location::File {
                    file: name.to_owned(),
                })
                .with_help("save the file as UTF-8"),
        ]);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => load_str(name, text),
        Err(e) => {
            let (message, location) = crate::files::not_utf8(name, bytes, &e);
            let finding = Code::NotUtf8
                .diag(message)
                .at(location)
                .with_help("save the file as UTF-8");
            if names_a_key(&String::from_utf8_lossy(bytes)) {
                Err(vec![finding])
            } else {
                Err(vec![finding.unquoted(FORMAT)])
            }
        }
    }
}

/// Checks `text`, the contents of the file `name` (YAML or JSON).
pub fn load_str(name: &str, text: &str) -> LoadResult {
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(vec![too_large(name, Some(text.len() as u64))]);
    }
    let source = Arc::new(SourceFile::new(name, text));
    let to_diag = |p: Problem| {
        let mut d = p.code.diag(p.message).at(source.location(p.span));
        d.help = p.help;
        d
    };
    let (root, tree_problems) = yaml::parse(text);
    let mut diags: Vec<Diagnostic> = tree_problems.into_iter().map(to_diag).collect();
    let Some(root) = root else {
        // Text in JSON's brackets that does not parse is likely a response body given in the
        // wrong place, a file of one line that is not YAML a secret, and one of several lines
        // an environment file of secrets, unless it names a key of the format: their text is
        // not quoted in an excerpt; the place of the error moves into the message.
        if let Some(finding) = broken_body(&diags, name, text) {
            return Err(vec![finding]);
        }
        if !names_a_key(text) {
            let one_line = !text.trim().contains('\n');
            diags = diags
                .into_iter()
                .map(|d| {
                    if d.code != Code::Syntax.as_str() {
                        d
                    } else if one_line {
                        d.unquoted(FORMAT).with_help(
                            "a rules file is a mapping with at least `endpoints:`; a salt or \
                             key file goes to --salt-file or --key-file",
                        )
                    } else {
                        d.unquoted(FORMAT)
                    }
                })
                .collect();
        }
        return Err(diags);
    };
    if root.as_map().is_none() {
        let what = match &root.kind {
            NodeKind::Seq(_) => "a list",
            NodeKind::Scalar(s) if s.resolve(root.tag.as_ref()) == Resolved::Null => "empty",
            NodeKind::Scalar(_) => "a single value",
            NodeKind::Map(_) => "a mapping",
        };
        let code = if what == "empty" {
            Code::Empty
        } else {
            Code::RootNotMapping
        };
        // A file of one plain value is likely a secret given in the wrong place, and a list
        // in JSON's brackets a response body: their text is not quoted.
        let json_list = matches!(root.kind, NodeKind::Seq(_))
            && text
                .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
                .starts_with('[');
        if json_list {
            diags.push(
                code.diag(format!("the document is {what}; rules are a mapping"))
                    .at(Location::File {
                        file: name.to_owned(),
                    })
                    .with_help(NOT_RULES_HELP),
            );
            return Err(diags);
        }
        if matches!(root.kind, NodeKind::Scalar(_)) && what != "empty" {
            diags.push(
                code.diag(format!("the document is {what}; rules are a mapping"))
                    .at(Location::File {
                        file: name.to_owned(),
                    })
                    .with_help(
                        "a rules file is a mapping with at least `endpoints:`; a salt or key \
                         file goes to --salt-file or --key-file",
                    ),
            );
            return Err(diags);
        }
        diags.push(to_diag(Problem {
            code,
            span: root.head_span(text),
            message: format!("the document is {what}; rules are a mapping"),
            help: Some("a rules file is a mapping with at least `endpoints:`".into()),
        }));
        return Err(diags);
    }

    if let Some(finding) = not_rules(&root, name) {
        // What else is wrong with a response body (a duplicate key) is not about rules, and
        // would quote it.
        return Err(vec![finding]);
    }
    let schema::Structural {
        problems: structural,
        warnings,
        cut,
    } = schema::validate(&root, text);
    diags.extend(warnings.into_iter().map(to_diag));
    let mut skip = Skip {
        structural: !structural.is_empty(),
        ..Skip::default()
    };
    for (pointer, problem) in &structural {
        skip.add(&root, pointer, problem);
    }
    let strict = structural.is_empty() && !diags.iter().any(Diagnostic::is_error);
    diags.extend(structural.into_iter().map(|(_, p)| to_diag(p)));

    let mut cx = Cx {
        text,
        strict,
        problems: Vec::new(),
    };
    let rules = rules_from(&root, &mut cx, &source);
    diags.extend(cx.problems.into_iter().map(to_diag));
    if let Some(rules) = &rules {
        diags.extend(check::check(rules, &skip));
    }
    sort(&mut diags);
    // A node reused through an alias is checked at each use but written once: report it once.
    let mut seen = std::collections::BTreeSet::new();
    diags.retain(|d| {
        let place = d.location.as_ref().map(ToString::to_string);
        seen.insert((d.code, place, d.message.clone()))
    });
    if diags.len() > schema::MAX_FINDINGS || cut {
        // Errors first, so that what is shown decides whether the rules can be used.
        let hidden = diags.len().saturating_sub(schema::MAX_FINDINGS);
        diags.sort_by_key(|d| !d.is_error());
        diags.truncate(schema::MAX_FINDINGS);
        sort(&mut diags);
        // The structure check stops collecting past the cap: how many it left is not known.
        diags.push(not_shown(name, (!cut).then_some(hidden)));
    }
    match rules {
        Some(rules) if !diags.iter().any(Diagnostic::is_error) => Ok((rules, diags)),
        _ => Err(diags),
    }
}

/// The finding (R052) for the findings of the file `name` left out: `hidden` of them, or more
/// than were counted.
fn not_shown(name: &str, hidden: Option<usize>) -> Diagnostic {
    let max = schema::MAX_FINDINGS;
    let message = match hidden {
        Some(1) => format!("1 more finding is not shown (at most {max} are, errors first)"),
        Some(n) => format!("{n} more findings are not shown (at most {max} are, errors first)"),
        None => format!(
            "more findings are not shown (at most {max} are, errors first); the check stopped \
             counting them"
        ),
    };
    Code::TooManyFindings.diag(message).at(Location::File {
        file: name.to_owned(),
    })
}

/// How many findings an R052 says are left out: `Some(None)` when they were not counted, `None`
/// for any other finding.
pub fn findings_not_shown(d: &Diagnostic) -> Option<Option<usize>> {
    if d.code != Code::TooManyFindings.as_str() {
        return None;
    }
    let count = d.message.split_once(" more finding").map(|(n, _)| n);
    Some(count.and_then(|n| n.parse().ok()))
}

/// Orders findings by place, then code, keeping the order of equal ones.
fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| {
        let place = match &d.location {
            Some(Location::Source { span, .. }) => span.start,
            _ => 0,
        };
        (place, d.code)
    });
}

/// Conversion state. In strict mode (the schema accepted the document) a value that cannot be
/// read is an internal error; otherwise it is dropped, since its problem was already reported.
struct Cx<'t> {
    text: &'t str,
    strict: bool,
    problems: Vec<Problem>,
}

impl Cx<'_> {
    fn fail<T>(&mut self, node: &Node, what: &str) -> Option<T> {
        if self.strict {
            self.problems.push(Problem {
                code: Code::Internal,
                span: node.head_span(self.text),
                message: format!("cannot read {what} here although the schema accepts it"),
                help: None,
            });
        }
        None
    }
}

trait FromNode: Sized {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self>;
}

impl FromNode for String {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        match &node.kind {
            // Jackson reads any scalar as its text where a string is expected.
            NodeKind::Scalar(s) if s.resolve(node.tag.as_ref()) != Resolved::Null => {
                Some(s.text.clone())
            }
            _ => cx.fail(node, "a string"),
        }
    }
}

impl FromNode for bool {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        if let NodeKind::Scalar(s) = &node.kind {
            match s.resolve(node.tag.as_ref()) {
                Resolved::Bool(b) => return Some(b),
                Resolved::Str("true" | "True" | "TRUE") => return Some(true),
                Resolved::Str("false" | "False" | "FALSE") => return Some(false),
                // Untagged: `!!str yes` is text for Jackson.
                Resolved::Str(word) if s.style == Style::Plain && node.tag.is_none() => {
                    if let Some(b) = yaml::yaml11_boolean(word) {
                        return Some(b);
                    }
                }
                _ => {}
            }
        }
        cx.fail(node, "a boolean")
    }
}

impl<T: FromNode> FromNode for Option<T> {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        if is_null(node) {
            return Some(None);
        }
        T::from_node(node, cx).map(Some)
    }
}

impl<T: FromNode> FromNode for Vec<T> {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        let NodeKind::Seq(items) = &node.kind else {
            return cx.fail(node, "a list");
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match T::from_node(item, cx) {
                Some(v) => out.push(v),
                None if cx.strict => return None,
                None => {}
            }
        }
        Some(out)
    }
}

impl<T: FromNode> FromNode for BTreeMap<String, T> {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        let Some(entries) = node.as_map() else {
            return cx.fail(node, "a mapping");
        };
        let mut out = BTreeMap::new();
        for e in entries {
            match T::from_node(&e.value, cx) {
                Some(v) => {
                    out.insert(e.key.clone(), v);
                }
                None if cx.strict => return None,
                None => {}
            }
        }
        Some(out)
    }
}

/// A mapping of names to values located from their key (`properties`, `definitions`,
/// parameter schemas), so findings about an entry point at its name.
struct Named<T>(BTreeMap<String, Located<T>>);

impl<T: FromNode> FromNode for Named<T> {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        let Some(entries) = node.as_map() else {
            return cx.fail(node, "a mapping");
        };
        let mut out = BTreeMap::new();
        for e in entries {
            match T::from_node(&e.value, cx) {
                Some(v) => {
                    let span = Span::new(e.key_span.start, e.value.span.end.max(e.key_span.end));
                    out.insert(e.key.clone(), Located::new(v, span));
                }
                None if cx.strict => return None,
                None => {}
            }
        }
        Some(Named(out))
    }
}

impl<T: FromNode> FromNode for Box<T> {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        T::from_node(node, cx).map(Box::new)
    }
}

impl<T: FromNode> FromNode for Located<T> {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        T::from_node(node, cx).map(|v| Located::new(v, node.span))
    }
}

impl FromNode for RequestBody {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        let mut ignored = Vec::new();
        let value = schema::project(node, &mut ignored);
        if value.is_object() {
            Some(RequestBody(value))
        } else {
            cx.fail(node, "a request body")
        }
    }
}

fn is_null(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar(s) if s.resolve(node.tag.as_ref()) == Resolved::Null)
}

/// Enums read from their exact spelling.
macro_rules! from_name {
    ($ty:ty, $what:literal, $($name:literal => $variant:expr),* $(,)?) => {
        impl FromNode for $ty {
            fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
                if let NodeKind::Scalar(s) = &node.kind {
                    match s.text.as_str() {
                        $($name => return Some($variant),)*
                        _ => {}
                    }
                }
                cx.fail(node, $what)
            }
        }
    };
}

from_name!(Encoding, "an encoding",
    "JSON" => Encoding::Json,
    "URL_SAFE_TOKEN" => Encoding::UrlSafeToken,
    "URL_SAFE_HASH_ONLY" => Encoding::UrlSafeHashOnly,
);

from_name!(ParameterType, "a parameter type",
    "string" => ParameterType::String,
    "integer" => ParameterType::Integer,
    "number" => ParameterType::Number,
);

/// The keys of one mapping, read one by one; keys left unread are reported at the end.
struct Fields<'n> {
    node: &'n Node,
    entries: &'n [Entry],
    used: Vec<bool>,
}

impl<'n> Fields<'n> {
    fn new(node: &'n Node, cx: &mut Cx<'_>) -> Option<Fields<'n>> {
        let Some(entries) = node.as_map() else {
            return cx.fail(node, "a mapping");
        };
        Some(Fields {
            node,
            entries,
            used: vec![false; entries.len()],
        })
    }

    fn entry(&mut self, key: &str) -> Option<&'n Entry> {
        let i = self.entries.iter().position(|e| e.key == key)?;
        self.used[i] = true;
        Some(&self.entries[i])
    }

    /// The value of `key`: `None` when absent; a value that cannot be read counts as absent
    /// (after the failure is reported).
    fn get<T: FromNode>(&mut self, key: &str, cx: &mut Cx<'_>) -> Option<T> {
        let entry = self.entry(key)?;
        T::from_node(&entry.value, cx)
    }

    /// Like [`Fields::get`], located at the key rather than the value (for options reported
    /// where they are set).
    fn located_at_key<T: FromNode>(&mut self, key: &str, cx: &mut Cx<'_>) -> Option<Located<T>> {
        let entry = self.entry(key)?;
        T::from_node(&entry.value, cx).map(|v| Located::new(v, entry.key_span))
    }

    /// Like [`Fields::get`], `null` also counting as absent.
    fn opt<T: FromNode>(&mut self, key: &str, cx: &mut Cx<'_>) -> Option<T> {
        self.get::<Option<T>>(key, cx).flatten()
    }

    /// The first present key of `keys` (a keyword and its alias).
    fn alias<T: FromNode>(&mut self, keys: [&str; 2], cx: &mut Cx<'_>) -> Option<T> {
        let first = self.entry(keys[0]);
        let second = self.entry(keys[1]);
        if let (Some(_), Some(e)) = (first, second) {
            cx.problems.push(Problem {
                code: Code::DuplicateKey,
                span: e.key_span,
                message: format!(
                    "`{}` repeats `{}`, of which it is an alias",
                    keys[1], keys[0]
                ),
                help: Some(format!("keep only `{}`", keys[0])),
            });
        }
        let entry = first.or(second)?;
        Option::<T>::from_node(&entry.value, cx).flatten()
    }

    /// A value located at its key (for keys reported as having no effect).
    fn keyed<T: FromNode>(&mut self, key: &str, cx: &mut Cx<'_>) -> Option<Located<T>> {
        let entry = self.entry(key)?;
        let value = Option::<T>::from_node(&entry.value, cx).flatten()?;
        Some(Located::new(value, entry.key_span))
    }

    /// An accepted-and-ignored key, located at the key.
    fn ignored(&mut self, key: &str) -> Option<Located<Ignored>> {
        self.entry(key).map(|e| Located::new(Ignored, e.key_span))
    }

    fn finish(self, cx: &mut Cx<'_>) -> Option<()> {
        for (entry, used) in self.entries.iter().zip(&self.used) {
            if !used && cx.strict {
                return cx.fail(self.node, &format!("the key `{}`", entry.key));
            }
        }
        Some(())
    }
}

fn rules_from(root: &Node, cx: &mut Cx<'_>, source: &Arc<SourceFile>) -> Option<Rules> {
    let mut f = Fields::new(root, cx)?;
    let rules = Rules {
        endpoints: f.get("endpoints", cx).unwrap_or_default(),
        allow_all_endpoints: f.get("allowAllEndpoints", cx).unwrap_or_default(),
        allowed_request_headers: f.get("allowedRequestHeaders", cx).unwrap_or_default(),
        definitions: f.opt::<Named<_>>("definitions", cx).map(|n| n.0),
        default_scope_id_for_source: f.ignored("defaultScopeIdForSource"),
        source: Arc::clone(source),
    };
    f.finish(cx)?;
    Some(rules)
}

impl FromNode for Endpoint {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        let mut f = Fields::new(node, cx)?;
        let endpoint = Endpoint {
            path_template: f.opt("pathTemplate", cx),
            path_regex: f.opt("pathRegex", cx),
            path_parameter_schemas: f.opt::<Named<_>>("pathParameterSchemas", cx).map(|n| n.0),
            allowed_query_params: f.opt("allowedQueryParams", cx),
            query_param_schemas: f.opt::<Named<_>>("queryParamSchemas", cx).map(|n| n.0),
            allowed_methods: f.opt("allowedMethods", cx),
            allowed_request_headers: f.opt("allowedRequestHeaders", cx),
            allowed_request_headers_to_forward: f.ignored("allowedRequestHeadersToForward"),
            request_body: f.opt("requestBody", cx),
            response_schema: f.opt("responseSchema", cx),
            augments: f.get("augments", cx).unwrap_or_default(),
            transforms: f.get("transforms", cx).unwrap_or_default(),
        };
        f.finish(cx)?;
        Some(endpoint)
    }
}

/// The kind of a transform or augment: its tag, or its `method` value, and where that is.
fn kind_of<'n>(node: &'n Node, f: &mut Fields<'n>) -> Option<(&'n str, Span)> {
    let method = f.entry("method");
    if let Some(tag) = &node.tag
        && let Some(name) = node.local_tag()
    {
        return Some((name, tag.span));
    }
    let entry = method?;
    match &entry.value.kind {
        NodeKind::Scalar(s) => Some((s.text.as_str(), entry.value.span)),
        _ => None,
    }
}

impl FromNode for Transform {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        let mut f = Fields::new(node, cx)?;
        let Some((name, kind_span)) = kind_of(node, &mut f) else {
            return cx.fail(node, "a transform kind");
        };
        let kind = match name {
            "redact" => TransformKind::Redact,
            "redactRegexMatches" => TransformKind::RedactRegexMatches(RedactRegexMatchesOptions {
                redactions: f.get("redactions", cx).unwrap_or_default(),
            }),
            "redactExceptPhrases" => {
                TransformKind::RedactExceptPhrases(RedactExceptPhrasesOptions {
                    allowed_phrases: f.get("allowedPhrases", cx).unwrap_or_default(),
                })
            }
            "redactExceptSubstringsMatchingRegexes" => {
                TransformKind::RedactExceptSubstringsMatchingRegexes(
                    RedactExceptSubstringsOptions {
                        exceptions: f.get("exceptions", cx).unwrap_or_default(),
                    },
                )
            }
            "pseudonymize" => TransformKind::Pseudonymize(PseudonymizeOptions {
                encoding: f.get("encoding", cx).unwrap_or_default(),
                include_reversible: f
                    .located_at_key("includeReversible", cx)
                    .unwrap_or_default(),
                include_original: f.located_at_key("includeOriginal", cx).unwrap_or_default(),
                only_if_regex: f.opt("onlyIfRegex", cx),
            }),
            "pseudonymizeEmailHeader" => {
                TransformKind::PseudonymizeEmailHeader(PseudonymizeEmailHeaderOptions {
                    encoding: f.get("encoding", cx).unwrap_or_default(),
                })
            }
            "pseudonymizeRegexMatches" => {
                TransformKind::PseudonymizeRegexMatches(PseudonymizeRegexMatchesOptions {
                    regex: f.opt("regex", cx),
                    include_reversible: f.get("includeReversible", cx).unwrap_or_default(),
                    include_original: f.ignored("includeOriginal"),
                })
            }
            "filterTokenByRegex" => TransformKind::FilterTokenByRegex(FilterTokenByRegexOptions {
                delimiter: f.opt("delimiter", cx),
                filters: f.get("filters", cx).unwrap_or_default(),
            }),
            "tokenize" => TransformKind::Tokenize(TokenizeOptions {
                regex: f.opt("regex", cx),
            }),
            "textDigest" => TransformKind::TextDigest(TextDigestOptions {
                keywords: f.get("keywords", cx).unwrap_or_default(),
                is_json_escaped: f.get("isJsonEscaped", cx).unwrap_or_default(),
                json_path_to_process_when_escaped: f.opt("jsonPathToProcessWhenEscaped", cx),
            }),
            "hashIp" => TransformKind::HashIp,
            "encryptIp" => TransformKind::EncryptIp,
            // The unknown kind is reported already; a stand-in keeps its paths checked, so
            // that their mistakes show now rather than once the kind is fixed.
            _ if !cx.strict => TransformKind::Redact,
            _ => return cx.fail(node, "a transform kind"),
        };
        let transform = Transform {
            kind,
            json_paths: f.get("jsonPaths", cx).unwrap_or_default(),
            apply_only_when: f.opt("applyOnlyWhen", cx),
            fields: f.keyed("fields", cx),
            kind_span,
        };
        f.finish(cx)?;
        Some(transform)
    }
}

impl FromNode for Augment {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        let mut f = Fields::new(node, cx)?;
        let Some((name, kind_span)) = kind_of(node, &mut f) else {
            return cx.fail(node, "an augment kind");
        };
        let kind = match name {
            "textDigest" => AugmentKind::TextDigest(TextDigestAugmentOptions {
                keywords: f.get("keywords", cx).unwrap_or_default(),
            }),
            "sentenceMetadata" => AugmentKind::SentenceMetadata(SentenceMetadataOptions {
                taxonomy: f.opt("taxonomy", cx),
                hedge_words: f.opt("hedgeWords", cx),
                constraint_words: f.opt("constraintWords", cx),
            }),
            // As for transforms: a stand-in keeps the paths of an unknown kind checked.
            _ if !cx.strict => AugmentKind::TextDigest(TextDigestAugmentOptions {
                keywords: f.get("keywords", cx).unwrap_or_default(),
            }),
            _ => return cx.fail(node, "an augment kind"),
        };
        let augment = Augment {
            kind,
            json_paths: f.get("jsonPaths", cx).unwrap_or_default(),
            inner_json_path: f.opt("innerJsonPath", cx),
            output_schema: f.keyed("outputSchema", cx),
            kind_span,
        };
        f.finish(cx)?;
        Some(augment)
    }
}

impl FromNode for SchemaFilter {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        let mut f = Fields::new(node, cx)?;
        let filter = SchemaFilter {
            schema_type: f.opt("type", cx),
            reference: f.opt("$ref", cx),
            format: f.opt("format", cx),
            properties: f.opt::<Named<_>>("properties", cx).map(|n| n.0),
            items: f.opt("items", cx),
            definitions: f
                .opt::<Located<Named<_>>>("definitions", cx)
                .map(|d| Located::new(d.value.0, d.span)),
            any_of: f.opt("anyOf", cx),
            if_schema: f.alias(["if", "_if"], cx),
            then_schema: f.alias(["then", "_then"], cx),
            else_schema: f.alias(["else", "_else"], cx),
            constant: f.alias(["const", "constant"], cx),
            title: f.ignored("title"),
            required: f.ignored("required"),
            additional_properties: f.ignored("additionalProperties"),
            schema: f.ignored("$schema"),
        };
        f.finish(cx)?;
        Some(filter)
    }
}

impl FromNode for ParameterSchema {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        let mut f = Fields::new(node, cx)?;
        let schema = ParameterSchema {
            value_type: f.opt("type", cx),
            format: f.opt("format", cx),
            pattern: f.opt("pattern", cx),
            enum_values: f.opt("enum", cx),
            any_of: f.opt("anyOf", cx),
        };
        f.finish(cx)?;
        Some(schema)
    }
}

impl FromNode for QueryParameterSchema {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        let mut f = Fields::new(node, cx)?;
        let schema = QueryParameterSchema {
            value_type: f.opt("type", cx),
            format: f.opt("format", cx),
            pattern: f.opt("pattern", cx),
            enum_values: f.opt("enum", cx),
            any_of: f.opt("anyOf", cx),
            required: f.opt("required", cx),
        };
        f.finish(cx)?;
        Some(schema)
    }
}

/// Keys whose values have structural errors the model cannot represent (a wrong type, a bad
/// kind): the conversion drops them, and the semantic checks that would read their absence skip
/// them, so one mistake is not reported twice. Unknown keys need no skipping.
impl Skip {
    fn add(&mut self, root: &Node, pointer: &str, problem: &Problem) {
        let code = problem.code;
        let segs: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        if code == Code::UnexpectedTag {
            return;
        }
        // An unknown key is about its mapping, at the key's place.
        if code == Code::UnknownKey {
            if let Some(mapping) = root.at(&segs)
                && let Some(entries) = mapping.as_map()
                && let Some(entry) = entries.iter().find(|e| e.key_span == problem.span)
            {
                self.unknown.insert((mapping.span.start, entry.key.clone()));
            }
            return;
        }
        if let [first, rest @ ..] = segs.as_slice()
            && first == "definitions"
        {
            if let Some(name) = rest.first() {
                self.definitions.insert(name.clone());
            } else {
                self.all_definitions = true;
            }
        }
        let mut node = root;
        // The key a mapping is the value of: entries of `properties` and `definitions` are
        // located from their name.
        let mut key_start = None;
        for seg in &segs {
            node = match &node.kind {
                NodeKind::Map(_) => {
                    self.broken.insert((node.span.start, seg.clone()));
                    if let Some(k) = key_start {
                        self.broken.insert((k, seg.clone()));
                    }
                    match node.get(seg) {
                        Some(e) => {
                            key_start = Some(e.key_span.start);
                            &e.value
                        }
                        None => return,
                    }
                }
                NodeKind::Seq(items) => {
                    key_start = None;
                    match seg.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        Some(item) => item,
                        None => return,
                    }
                }
                NodeKind::Scalar(_) => return,
            };
        }
        // An unknown kind: its transform or augment stands in as another kind, whose keys it
        // need not have.
        if code == Code::UnknownKind {
            self.broken.insert((node.span.start, "kind".to_owned()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::model::DEFAULT_DELIMITER;

    fn ok(text: &str) -> (Rules, Vec<Diagnostic>) {
        match load_str("rules.yaml", text) {
            Ok(loaded) => loaded,
            Err(findings) => panic!("{findings:#?}"),
        }
    }

    fn codes(text: &str) -> Vec<&'static str> {
        let findings = match load_str("rules.yaml", text) {
            Ok((_, warnings)) => warnings,
            Err(findings) => findings,
        };
        findings.iter().map(|d| d.code).collect()
    }

    #[test]
    fn a_second_document_does_not_hide_the_findings_of_the_first() {
        let text = "endpoints:\n  - pathTemplate: /v1/users\n    transfroms: []\n---\n\
                    endpoints:\n  - pathTemplate: /v1/groups\n";
        let found = codes(text);
        assert_eq!(found, ["R012", "R011"], "{found:?}");
    }

    #[test]
    fn jsonpaths_misspelt_is_one_finding_not_two() {
        let rules = |key: &str| {
            format!(
                "endpoints:\n  - pathTemplate: /x\n    transforms:\n      - !<redact>\n        \
                 {key}: [\"$.a\"]\n    augments:\n      - !<textDigest>\n        {key}: [\"$.b\"]\n"
            )
        };
        assert_eq!(codes(&rules("jsonPath")), ["R012", "R012"]);
        assert_eq!(codes(&rules("JSONPaths")), ["R012", "R012"]);
        // A key that is no `jsonPaths` leaves the transform without paths.
        let mut found = codes(&rules("comment"));
        found.sort_unstable();
        assert_eq!(found, ["R012", "R012", "R049", "R049"]);
    }

    #[test]
    fn an_empty_method_beside_a_tag_is_said_to_be_empty_and_the_tag_gives_the_kind() {
        for empty in ["", " ~", " null"] {
            let text = format!(
                "endpoints:\n  - pathTemplate: /x\n    transforms:\n      - !<redact>\n        \
                 method:{empty}\n        jsonPaths: [\"$.a\"]\n"
            );
            let (rules, findings) = load_str("rules.yaml", &text).expect("loads");
            assert_eq!(findings.len(), 1, "{findings:?}");
            assert_eq!(findings[0].code, "R017");
            assert_eq!(
                findings[0].message,
                "the tag names `redact` but `method` is empty (null); the proxy goes by the tag",
                "{empty:?}"
            );
            let kind = &rules.endpoints[0].transforms[0].kind;
            assert!(matches!(kind, TransformKind::Redact), "{kind:?}");
        }
    }

    const TAGGED: &str = "endpoints:\n  - pathTemplate: \"/v1/users\"\n    transforms:\n      - !<pseudonymize>\n        jsonPaths:\n          - \"$..email\"\n        includeReversible: true\n      - !redact\n        jsonPaths: [\"$..name\"]\n";

    fn findings(text: &str) -> Vec<Diagnostic> {
        match load_str("rules.yaml", text) {
            Ok((_, warnings)) => warnings,
            Err(findings) => findings,
        }
    }

    /// Endpoints each with an unknown key, an error of the structure check.
    fn misspelt_endpoints(n: usize) -> String {
        use std::fmt::Write as _;
        let mut text = String::from("endpoints:\n");
        for i in 0..n {
            write!(text, "  - pathTemplate: /v2/a{i}\n    methods: [GET]\n").expect("to a string");
        }
        text
    }

    #[test]
    fn findings_the_structure_check_stopped_collecting_are_not_given_a_number() {
        let found = findings(&misspelt_endpoints(700));
        let last = found.last().expect("findings");
        assert_eq!(
            last.message,
            "more findings are not shown (at most 500 are, errors first); the check stopped \
             counting them"
        );
        assert_eq!(findings_not_shown(last), Some(None));
        assert_eq!(found.len(), 501);
    }

    #[test]
    fn one_finding_left_out_is_counted_in_the_singular() {
        // Every endpoint after the first is shadowed by it: one warning each, counted whole.
        let text = format!(
            "endpoints:\n{}",
            "  - pathTemplate: /v2/users\n".repeat(502)
        );
        let found = findings(&text);
        let last = found.last().expect("findings");
        assert_eq!(
            last.message,
            "1 more finding is not shown (at most 500 are, errors first)"
        );
        assert_eq!(findings_not_shown(last), Some(Some(1)));
        let text = format!(
            "endpoints:\n{}",
            "  - pathTemplate: /v2/users\n".repeat(510)
        );
        assert_eq!(
            findings_not_shown(findings(&text).last().expect("findings")),
            Some(Some(9))
        );
        assert_eq!(findings_not_shown(&found[0]), None);
    }

    #[test]
    fn tag_short_tag_and_method_key_read_the_same() {
        let json = r#"{"endpoints": [{"pathTemplate": "/v1/users", "transforms": [
            {"method": "pseudonymize", "jsonPaths": ["$..email"], "includeReversible": true},
            {"jsonPaths": ["$..name"], "method": "redact"}]}]}"#;
        let (yaml_rules, _) = ok(TAGGED);
        let (json_rules, _) = ok(json);
        assert_eq!(yaml_rules.endpoints, json_rules.endpoints);
        assert_eq!(yaml_rules.endpoints[0].transforms.len(), 2);
    }

    #[test]
    fn defaults_of_section_1_5_apply() {
        let (rules, _) = ok(
            "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !<pseudonymize>\n        jsonPaths: [$.a]\n      - !<filterTokenByRegex>\n        jsonPaths: [$.b]\n",
        );
        let t = &rules.endpoints[0].transforms;
        let TransformKind::Pseudonymize(p) = &t[0].kind else {
            panic!("not pseudonymize")
        };
        assert_eq!(p.encoding, Encoding::UrlSafeToken);
        assert!(!*p.include_reversible && !*p.include_original);
        let TransformKind::FilterTokenByRegex(f) = &t[1].kind else {
            panic!("not filterTokenByRegex")
        };
        assert_eq!(f.delimiter(), DEFAULT_DELIMITER);
        assert!(f.filters.is_empty());
    }

    #[test]
    fn strings_and_kinds_carry_their_spans() {
        let (rules, _) = ok(TAGGED);
        let t = &rules.endpoints[0].transforms[0];
        assert_eq!(&TAGGED[t.json_paths[0].span.range()], "\"$..email\"");
        assert_eq!(&TAGGED[t.kind_span.range()], "!<pseudonymize>");
        assert_eq!(&TAGGED[t.span.range()][..15], "!<pseudonymize>");
        let template = rules.endpoints[0].path_template.as_ref().expect("template");
        assert_eq!(
            rules.source.location(template.span).to_string(),
            "rules.yaml:2:19"
        );
    }

    #[test]
    fn named_entries_are_located_from_their_name() {
        let text = "endpoints: []\ndefinitions:\n  User:\n    type: object\n";
        let (rules, _) = ok(text);
        let defs = rules.definitions.expect("definitions");
        assert_eq!(&text[defs["User"].span.range()][..5], "User:");
    }

    #[test]
    fn paths_of_an_unknown_kind_are_still_checked() {
        let text = "endpoints:\n  - pathTemplate: /x\n    transforms:\n      - !<pseudonymise>\n        jsonPaths: [\"$.users[*\"]\n    augments:\n      - !<digest>\n        jsonPaths: [\"$.a[\"]\n";
        // An augment's path is a warning: the proxy swallows the augment's failure.
        assert_eq!(codes(text), ["R015", "P001", "R015", "P002"]);
    }

    #[test]
    fn a_kind_without_options_is_one_finding() {
        for (item, found) in [
            ("!<redact>", "nothing"),
            ("!<redact> []", "a list"),
            ("!<redact> \"x\"", "a string"),
        ] {
            let text =
                format!("endpoints:\n  - pathTemplate: /x\n    transforms:\n      - {item}\n");
            let Err(d) = load_str("r.yaml", &text) else {
                panic!("{item} loads");
            };
            assert_eq!(d.len(), 1, "{item}: {d:?}");
            assert_eq!(d[0].code, "R013");
            assert_eq!(
                d[0].message,
                format!(
                    "the transform `!<redact>` has no options: it is followed by {found}, not a \
                     mapping"
                )
            );
        }
    }

    #[test]
    fn a_value_of_the_wrong_type_is_not_also_outside_the_enum() {
        let text =
            "endpoints:\n  - pathTemplate: /x\n    responseSchema:\n      type: [string, object]\n";
        assert_eq!(codes(text), ["R013"]);
    }

    #[test]
    fn path_parameter_schemas_of_a_path_regex_have_no_effect() {
        let schemas = "    pathParameterSchemas:\n      id: {type: integer}\n";
        let regex = format!("endpoints:\n  - pathRegex: \"^/r/(?<id>[^/]+)$\"\n{schemas}");
        assert_eq!(codes(&regex), ["R039"]);
        // A template that does not compile is reported once, as such.
        let broken = format!("endpoints:\n  - pathTemplate: \"/u/{{id}}/{{x|y}}\"\n{schemas}");
        assert!(!codes(&broken).contains(&"R039"), "{:?}", codes(&broken));
        let template = format!("endpoints:\n  - pathTemplate: \"/u/{{id}}\"\n{schemas}");
        assert!(codes(&template).is_empty());
    }

    #[test]
    fn rules_without_endpoints_allow_nothing() {
        assert_eq!(codes("{}"), ["R054"]);
        assert_eq!(codes("# rules\n---\nendpoints: []\n"), ["R054"]);
        let (_, findings) = ok("%YAML 1.2\n--- # rules\nendpoints: []\n");
        assert_eq!(
            findings[0].location.as_ref().map(ToString::to_string),
            Some("rules.yaml:3:1".to_owned())
        );
        assert_eq!(codes("allowAllEndpoints: true\n"), ["R048"]);
        assert_eq!(codes("endpoints: 5\n"), ["R013"]);
        assert_eq!(codes("endpoint: []\n"), ["R012"]);
        let (_, findings) = ok("# rules\n---\n  endpoints: []\n");
        assert_eq!(
            findings[0].location.as_ref().map(ToString::to_string),
            Some("rules.yaml:3:3".to_owned())
        );
    }

    #[test]
    fn a_mistake_reused_through_an_alias_is_reported_once() {
        let text = "endpoints:\n  - pathTemplate: /a\n    transforms: &t\n      - !<redact>\n        jsonPaths: [\"$.a[\"]\n  - pathTemplate: /b\n    transforms: *t\n";
        assert_eq!(codes(text), ["P001"]);
    }

    #[test]
    fn a_template_with_a_query_matches_nothing() {
        let (_, findings) = ok("endpoints:\n  - pathTemplate: \"/api/x?channel={channel}\"\n");
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].code, "R055");
        assert_eq!(
            findings[0].location.as_ref().map(ToString::to_string),
            Some("rules.yaml:2:26".to_owned())
        );
        // An optional parameter is no query.
        assert!(codes("endpoints:\n  - pathTemplate: \"/api/{id?}\"\n").is_empty());
    }

    #[test]
    fn a_string_where_a_list_belongs_says_to_write_a_list() {
        let text = "endpoints:\n  - pathTemplate: /x\n    transforms:\n      - !<redact>\n        jsonPaths: \"$.a\"\n";
        let Err(d) = load_str("r.yaml", text) else {
            panic!("loads");
        };
        assert_eq!(d[0].code, "R013");
        assert!(
            d[0].help
                .as_deref()
                .is_some_and(|h| h.starts_with("write a list, even of one item: `jsonPaths: [")),
            "{d:?}"
        );
    }

    #[test]
    fn schema_mistakes_of_newcomers_get_a_fix() {
        let help = |schema: &str| {
            let text = format!("endpoints:\n  - pathTemplate: /x\n    responseSchema:\n{schema}");
            let Err(d) = load_str("r.yaml", &text) else {
                panic!("{schema} loads");
            };
            d[0].help.clone().unwrap_or_default()
        };
        assert!(help("      description: users\n").contains("YAML comment"));
        assert!(help("      type: [string, \"null\"]\n").starts_with("name one type"));
    }

    #[test]
    fn a_backspace_made_of_a_word_boundary_is_a_warning() {
        let text = "endpoints:\n  - pathTemplate: /x\n    transforms:\n      - !<redactRegexMatches>\n        jsonPaths: [\"$.d\"]\n        redactions: [\"(?i)\\bdial-in\\b\", '\\bok', \"a\\tb\"]\n";
        let (_, findings) = ok(text);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].code, "R056");
        assert_eq!(
            findings[0].location.as_ref().map(ToString::to_string),
            Some("rules.yaml:6:27".to_owned())
        );
    }

    #[test]
    fn a_definite_guard_is_a_warning() {
        let guard = |path: &str| {
            codes(&format!(
                "endpoints:\n  - pathTemplate: /x\n    transforms:\n      - !<redact>\n        jsonPaths: [\"$.a\"]\n        applyOnlyWhen: \"{path}\"\n"
            ))
        };
        assert_eq!(guard("$.nextPageToken"), ["P002"]);
        assert!(guard("$.items[?(@.conferenceData)]").is_empty());
        assert!(guard("$..email").is_empty());
    }

    #[test]
    fn warnings_alone_load() {
        let (rules, warnings) = ok("allowAllEndpoints: true\nendpoints: []\n");
        assert!(*rules.allow_all_endpoints);
        assert_eq!(
            warnings.iter().map(|d| d.code).collect::<Vec<_>>(),
            ["R048"]
        );
    }

    #[test]
    fn plain_scalars_read_as_strings_where_strings_are_expected() {
        let (rules, _) =
            ok("endpoints:\n  - pathTemplate: /a\n    allowedQueryParams: [123, true]\n");
        assert_eq!(
            rules.endpoints[0].allowed_query_params.as_deref(),
            Some(&["123".to_owned(), "true".to_owned()][..])
        );
    }

    #[test]
    fn yaml_1_1_boolean_words_are_booleans_where_booleans_are_needed_and_text_elsewhere() {
        let rules = |reversible: &str, params: &str| {
            format!(
                "endpoints:\n  - pathTemplate: /a\n    allowedQueryParams: [{params}]\n    \
                 transforms:\n      - !<pseudonymize>\n        jsonPaths: [\"$.a\"]\n        \
                 includeReversible: {reversible}\n"
            )
        };
        for (word, expected) in [("yes", true), ("ON", true), ("No", false), ("off", false)] {
            let (loaded, _) = ok(&rules(word, word));
            let TransformKind::Pseudonymize(p) = &loaded.endpoints[0].transforms[0].kind else {
                panic!("pseudonymize");
            };
            assert_eq!(*p.include_reversible, expected, "{word}");
            // Where text is needed, Jackson's YAML reader gives the word as written.
            assert_eq!(
                loaded.endpoints[0].allowed_query_params.as_deref(),
                Some(&[word.to_owned()][..])
            );
        }
        // Quoted, or spelled in mixed case, the word is text for Jackson too.
        for refused in ["'yes'", "yEs", "y", "!!str yes"] {
            assert_eq!(codes(&rules(refused, "a")), ["R013"], "{refused}");
        }
    }

    #[test]
    fn column_points_into_a_string_through_escapes() {
        let text = "endpoints:\n  - pathTemplate: \"/v1/\\u0075sers/{id\"\n";
        let findings = load_str("rules.yaml", text).expect_err("unbalanced");
        let d = findings.iter().find(|d| d.code == "R031").expect("R031");
        let Some(Location::Source { span, .. }) = &d.location else {
            panic!("no source location")
        };
        assert_eq!(&text[span.clone()], "{");
    }

    #[test]
    fn column_points_into_a_string_continued_on_the_next_line() {
        let text = "endpoints:\n  - pathTemplate: \"/v1/users/\\\n      {id\"\n";
        let findings = load_str("rules.yaml", text).expect_err("unbalanced");
        let d = findings.iter().find(|d| d.code == "R031").expect("R031");
        assert_eq!(
            d.location.as_ref().map(ToString::to_string).as_deref(),
            Some("rules.yaml:3:7")
        );
    }

    #[test]
    fn a_type_of_another_language_is_given_its_json_type() {
        for (written, meant) in [
            ("int", "integer"),
            ("Bool", "boolean"),
            ("datetime", "string"),
            ("double", "number"),
            ("strng", "string"),
        ] {
            let text = format!(
                "endpoints:\n  - pathTemplate: /x\n    responseSchema:\n      type: {written}\n"
            );
            let (_, warnings) = load_str("rules.yaml", &text).expect("loads with a warning");
            let d = warnings.iter().find(|d| d.code == "R051").expect("R051");
            assert_eq!(
                d.help.as_deref(),
                Some(format!("did you mean `{meant}`?").as_str()),
                "{written}"
            );
        }
    }

    #[test]
    fn column_points_into_a_block_scalar() {
        let place = |text: &str| {
            let findings = load_str("rules.yaml", text).expect_err("invalid path");
            let d = findings.iter().find(|d| d.code == "P001").expect("P001");
            d.location.as_ref().map(ToString::to_string)
        };
        let rules = |path: &str| {
            format!(
                "endpoints:\n  - pathTemplate: /x\n    transforms:\n      - !<redact>\n        \
                 jsonPaths:\n{path}"
            )
        };
        let literal = rules("          - |-\n            $.value[*].a b\n");
        assert_eq!(place(&literal).as_deref(), Some("rules.yaml:7:25"));
        // Folded over two lines, with an empty line after its header.
        let folded = rules(
            "          - > # comment\n\n            $..from..[?(@.t\n            != 'b' = 1)].id\n",
        );
        assert_eq!(place(&folded).as_deref(), Some("rules.yaml:9:20"));
    }

    #[test]
    fn a_definition_with_a_malformed_key_is_still_checked_elsewhere() {
        let rules = |user: &str| {
            format!(
                "endpoints:\n  - pathTemplate: /u\n    responseSchema:\n      \
                 $ref: \"#/definitions/User\"\ndefinitions:\n  User:\n{user}"
            )
        };
        let text = rules(
            "    type: object\n    properties:\n      id:\n        type: [string, 'null']\n      \
             tz:\n        type: int\n      profile:\n        properties: {a: {type: string}}\n",
        );
        let mut found = codes(&text);
        found.sort_unstable();
        assert_eq!(found, ["R013", "R050", "R051"]);
        // What is malformed is not reported again as missing.
        assert_eq!(codes(&rules("    type: array\n    items: 5\n")), ["R013"]);
        assert_eq!(
            codes(&rules("    $ref: [x]\n    properties: {}\n")),
            ["R013"]
        );
    }

    #[test]
    fn malformed_definition_is_not_also_an_unresolved_ref() {
        let text = "endpoints:\n  - pathTemplate: /a\n    responseSchema:\n      $ref: \"#/definitions/User\"\ndefinitions:\n  User: [1]\n";
        assert_eq!(codes(text), ["R013"]);
    }

    #[test]
    fn malformed_path_template_is_not_also_a_missing_matcher() {
        assert_eq!(codes("endpoints:\n  - pathTemplate: [a]\n"), ["R013"]);
    }

    #[test]
    fn include_original_with_json_encoding_is_accepted_with_a_warning_at_the_key() {
        let text = "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !<pseudonymize>\n        jsonPaths: [$.a]\n        encoding: JSON\n        includeOriginal: true\n";
        let (rules, findings) = ok(text);
        assert!(matches!(
            &rules.endpoints[0].transforms[0].kind,
            TransformKind::Pseudonymize(o) if *o.include_original
        ));
        assert_eq!(
            findings
                .iter()
                .map(|d| (d.code, d.location.as_ref().map(ToString::to_string)))
                .collect::<Vec<_>>(),
            [("R058", Some("rules.yaml:7:9".to_owned()))]
        );
        assert!(
            findings[0]
                .help
                .as_deref()
                .is_some_and(|h| h.contains("not personal data"))
        );
        // Written as JSON, too.
        let json = r#"{"endpoints":[{"pathTemplate":"/a","transforms":[{"method":"pseudonymize","jsonPaths":["$.a"],"encoding":"JSON","includeOriginal":true}]}]}"#;
        assert_eq!(codes(json), ["R058"]);
        // Off, the option is not reported.
        assert!(codes(&text.replace("true", "false")).is_empty());
    }

    #[test]
    fn include_original_without_effect_is_not_reported_as_sending_originals() {
        let text = "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !<pseudonymize>\n        jsonPaths: [$.a]\n        includeOriginal: true\n";
        // Refused with the default encoding; no effect without a JSON encoding.
        assert_eq!(codes(text), ["R038"]);
        let hash = text.replace(
            "includeOriginal",
            "encoding: URL_SAFE_HASH_ONLY\n        includeOriginal",
        );
        assert_eq!(codes(&hash), ["R039"]);
        let regex = "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !<pseudonymizeRegexMatches>\n        jsonPaths: [$.a]\n        regex: \"(.*)\"\n        includeOriginal: true\n";
        assert_eq!(codes(regex), ["R039"]);
    }

    #[test]
    fn tokenize_regex_with_a_group_is_accepted() {
        let text = "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !<tokenize>\n        jsonPaths: [$.a]\n        regex: \"^x/([a-z]+)$\"\n";
        assert!(codes(text).is_empty());
    }

    #[test]
    fn endpoints_for_different_methods_do_not_shadow() {
        let text = "endpoints:\n  - pathTemplate: /a/{id}\n    allowedMethods: [GET]\n  - pathTemplate: /a/me\n    allowedMethods: [POST]\n";
        assert!(codes(text).is_empty());
    }

    #[test]
    fn a_generic_endpoint_shadows_requests_a_specific_one_with_more_query_parameters_allows() {
        let text = "endpoints:\n  - pathTemplate: /api/{method}\n    allowedQueryParams: [channel]\n  - pathTemplate: /api/history\n    allowedQueryParams: [channel, limit]\n";
        assert_eq!(codes(text), ["R044"]);
    }

    #[test]
    fn an_endpoint_that_allows_no_query_shadows_requests_without_one() {
        let text = "endpoints:\n  - pathRegex: \"^/r/[^/]+/[^/]+$\"\n    allowedQueryParams: []\n  - pathTemplate: /r/{repo}/commits\n    allowedQueryParams: [sha]\n";
        assert_eq!(codes(text), ["R044"]);
    }

    #[test]
    fn an_endpoint_shadows_requests_by_the_methods_it_shares() {
        let text = "endpoints:\n  - pathTemplate: /a/{id}\n    allowedMethods: [GET]\n  - pathTemplate: /a/me\n    allowedMethods: [GET, POST]\n";
        assert_eq!(codes(text), ["R044"]);
    }

    #[test]
    fn a_transform_without_kind_is_given_one_that_takes_its_keys() {
        let help = |text: &str| {
            findings(text)
                .iter()
                .find(|d| d.code == "R016")
                .and_then(|d| d.help.clone())
                .unwrap_or_default()
        };
        let json = r#"{"endpoints":[{"pathTemplate":"/a","transforms":[{"jsonPaths":["$.e"],"encoding":"JSON"}]}]}"#;
        assert_eq!(
            help(json),
            "add its kind as a member, e.g. `\"method\": \"pseudonymize\"`"
        );
        let yaml = "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - jsonPaths: [$.e]\n        regex: \"(x)\"\n        includeReversible: true\n";
        assert_eq!(
            help(yaml),
            "start it with a tag, e.g. `- !<pseudonymizeRegexMatches>`, or add `method:`"
        );
        // The kind's keys are not also unknown; a key of no kind is.
        assert_eq!(codes(json), ["R016"]);
        assert_eq!(
            codes(&json.replace("\"encoding\"", "\"encodin\"")),
            ["R016", "R012"]
        );
        let plain = "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - jsonPaths: [$.e]\n";
        assert_eq!(
            help(plain),
            "start it with a tag, e.g. `- !<redact>`, or add `method:`"
        );
    }

    #[test]
    fn a_core_tag_written_whole_is_the_short_one() {
        let text = "endpoints:\n  - pathTemplate: !<tag:yaml.org,2002:str> /a\n";
        assert!(codes(text).is_empty());
        let text = "endpoints:\n  - pathTemplate: !<tag:yaml.org,2002:int> /a\n";
        let found = findings(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].code, found[0].message.as_str()),
            ("R020", "the YAML tag `!!int` is not supported here")
        );
    }

    #[test]
    fn a_list_of_methods_with_a_malformed_entry_is_not_called_empty() {
        let text = r#"{"endpoints": [{"pathTemplate": "/a", "allowedMethods": [null]}]}"#;
        assert_eq!(codes(text), ["R013"]);
        let text = "endpoints:\n  - pathTemplate: /a\n    allowedMethods: []\n";
        assert_eq!(codes(text), ["R061"]);
    }

    #[test]
    fn a_method_entry_that_matches_no_method_allows_nothing_past_an_earlier_endpoint() {
        let text = "endpoints:\n  - pathTemplate: /a/{id}\n    allowedMethods: [\"get \", GET]\n  - pathTemplate: /a/me\n";
        let found = findings(text);
        let found: Vec<_> = found
            .iter()
            .map(|d| (d.code, d.help.as_deref().unwrap_or_default()))
            .collect();
        assert_eq!(
            found,
            [
                ("R061", "write `GET`"),
                (
                    "R044",
                    "only requests by a method other than GET get past the earlier endpoint; \
                     move this endpoint first, or make the earlier one narrower"
                )
            ]
        );
    }

    #[test]
    fn a_required_query_parameter_the_earlier_endpoint_refuses_is_not_shadowed() {
        let text = "endpoints:\n  - pathTemplate: /a/{id}\n    allowedQueryParams: [page]\n  - pathTemplate: /a/me\n    allowedQueryParams: [since]\n    queryParamSchemas:\n      since:\n        required: true\n";
        assert!(codes(text).is_empty());
    }

    #[test]
    fn a_later_path_parameter_schema_gets_a_value_it_accepts() {
        let text = "endpoints:\n  - pathTemplate: /a/{id}\n  - pathTemplate: /a/{id}\n    pathParameterSchemas:\n      id:\n        enum: [me]\n";
        assert_eq!(codes(text), ["R044"]);
    }

    #[test]
    fn repeated_path_regex_is_shadowed() {
        let text = "endpoints:\n  - pathRegex: \"^/a$\"\n  - pathRegex: \"^/a$\"\n";
        assert_eq!(codes(text), ["R044"]);
    }

    #[test]
    fn specific_endpoint_before_generic_is_not_shadowed() {
        let text = "endpoints:\n  - pathTemplate: /a/me\n  - pathTemplate: /a/{id}\n";
        assert!(codes(text).is_empty());
    }

    #[test]
    fn ref_to_a_missing_definition_suggests_a_close_name() {
        let text = "endpoints:\n  - pathTemplate: /a\n    responseSchema:\n      $ref: \"#/definitions/Usr\"\ndefinitions:\n  User:\n    type: object\n";
        let findings = load_str("rules.yaml", text).expect_err("unresolved");
        assert_eq!(findings[0].code, "R040");
        assert_eq!(findings[0].help.as_deref(), Some("did you mean `User`?"));
    }

    #[test]
    fn a_read_stopped_one_byte_past_the_limit_does_not_claim_a_size() {
        let limit = MAX_FILE_BYTES as usize;
        let message = |len: usize| {
            load_bytes("-", &vec![b'#'; len]).expect_err("too large")[0]
                .message
                .clone()
        };
        assert_eq!(
            message(limit + 1),
            "the file holds more than 16777216 bytes; rules files are refused above 16777216 bytes"
        );
        assert!(message(limit + 2).starts_with("the file is 16777218 bytes;"));
    }

    #[test]
    fn utf16_text_is_named_as_such() {
        let text = "endpoints: []\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let utf32: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        for (bytes, encoding) in [(le, "UTF-16"), (be, "UTF-16"), (utf32, "UTF-32")] {
            let findings = load_bytes("rules.yaml", &bytes).expect_err("wide");
            assert_eq!(findings.len(), 1);
            assert_eq!(findings[0].code, "R003");
            assert!(
                findings[0]
                    .message
                    .starts_with(&format!("the file looks like {encoding} text")),
                "{}",
                findings[0].message
            );
        }
        // One NUL in ordinary text is not UTF-16.
        let findings =
            load_bytes("rules.yaml", b"endpoints:\n  - pathTemplate: /a\0b\n").expect_err("a NUL");
        assert_ne!(findings[0].code, "R003");
    }

    #[test]
    fn non_utf8_bytes_are_located() {
        let findings = load_bytes(
            "rules.yaml",
            b"endpoints:\n  - pathTemplate: \"/caf\xe9\"\n",
        )
        .expect_err("not utf-8");
        assert_eq!(findings[0].code, "R003");
        assert_eq!(
            findings[0]
                .location
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("rules.yaml:2:24")
        );
    }

    #[test]
    fn root_null_is_an_empty_file() {
        assert_eq!(codes("---\n"), ["R009"]);
        assert_eq!(codes("~\n"), ["R009"]);
    }
}
