//! Semantic checks of loaded rules: what the proxy rejects at load time (§1.10) and what it would
//! only discover at request time (paths, regexes, `$ref`s), plus keys without effect and
//! endpoints that can never be selected.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};

use super::codes::Code;
use super::model::{
    Augment, AugmentKind, Encoding, Endpoint, ParameterSchema, QueryParameterSchema, Rules,
    SchemaFilter, SchemaType, Transform, TransformKind,
};
use super::scalar::{block_header, span_in_scalar};
use super::schema::{choices, list, suggest};
use super::span::{Located, SourceFile, Span};
use super::yaml::{Style, first_line};
use crate::diag::Diagnostic;
use crate::endpoint::template::{is_repetition, parameter_at};
use crate::endpoint::{Matcher, RequestUrl, java_equals_ignore_case, parse_query};
use crate::jregex::{Flags, Regex};
use crate::jsonpath::{self, JsonPath};
use crate::plan::{PathShape, Shared, may_remove, same_place};

/// Parts of the document whose structure has errors; their semantics are not checked.
#[derive(Debug, Default)]
pub(crate) struct Skip {
    /// Malformed keys, as the start offset of their mapping and the key.
    pub broken: BTreeSet<(usize, String)>,
    /// Unknown keys, the same way: `jsonPath` may be `jsonPaths` misspelt.
    pub unknown: BTreeSet<(usize, String)>,
    /// Top-level definition names.
    pub definitions: BTreeSet<String>,
    /// The top-level `definitions` itself is malformed.
    pub all_definitions: bool,
    /// The document has structural problems (a misspelt `endpoints:`, for one).
    pub structural: bool,
}

/// The JSON type for a type name of a programming language or of a format (`int`, `bool`,
/// `date-time`), which authors write for `type`.
fn json_type_for(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "int" | "int32" | "int64" | "long" | "short" | "bigint" => "integer",
        "float" | "double" | "decimal" | "real" => "number",
        "bool" => "boolean",
        "str" | "text" | "date" | "datetime" | "date-time" | "time" | "uuid" | "email" => "string",
        "list" | "sequence" => "array",
        "map" | "dict" | "record" => "object",
        _ => return None,
    })
}

/// Checks `rules`; returns the findings in no particular order.
pub(crate) fn check(rules: &Rules, skip: &Skip) -> Vec<Diagnostic> {
    let mut c = Checker {
        rules,
        source: &rules.source,
        skip,
        diags: Vec::new(),
    };
    c.top_level();
    c.diags
}

struct Checker<'r> {
    rules: &'r Rules,
    source: &'r SourceFile,
    skip: &'r Skip,
    diags: Vec<Diagnostic>,
}

/// Where a filter schema sits, which decides how the filter reads it (§4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FilterRole {
    /// A schema applied to a value.
    Value,
    /// An `if`/`else` condition or a `then` branch: no type check applies.
    Conditional,
}

/// A template split into literal text and parameters (§5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Param { name: String, optional: bool },
}

impl Checker<'_> {
    fn text(&self) -> &str {
        self.source.text()
    }

    fn push(&mut self, code: Code, span: Span, message: impl Into<String>, help: Option<String>) {
        let mut d = code.diag(message).at(self.source.location(span));
        d.help = help;
        self.diags.push(d);
    }

    /// Whether one of `keys` of the mapping at `span` is malformed (and so absent from the model).
    fn broken_any(&self, span: Span, keys: &[&str]) -> bool {
        keys.iter()
            .any(|k| self.skip.broken.contains(&(span.start, (*k).to_owned())))
    }

    /// Whether the mapping at `span` has an unknown key that R012 takes for `key` misspelt.
    fn misspelt(&self, span: Span, key: &str) -> bool {
        let known = [key.to_owned()];
        self.skip
            .unknown
            .range((span.start, String::new())..(span.start + 1, String::new()))
            .any(|(_, k)| super::schema::suggest(k, &known).is_some())
    }

    /// The first line of the file that is not blank, a comment, a directive (`%YAML`) or a
    /// document marker (`---`, with or without a comment).
    fn first_content_line(&self) -> Span {
        let text = self.text();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let content = line.trim_end();
            let trimmed = content.trim_start_matches(['\u{FEFF}', ' ']);
            let marker = trimmed
                .strip_prefix("---")
                .is_some_and(|rest| rest.is_empty() || rest.trim_start().starts_with('#'));
            if !(trimmed.is_empty() || trimmed.starts_with(['#', '%']) || marker) {
                let indent = content.len() - trimmed.len();
                return Span::new(start + indent, start + content.len());
            }
            start += line.len();
        }
        Span::new(0, 0)
    }

    /// The first line of a node's span, for pointing at a mapping or list.
    fn head(&self, span: Span) -> Span {
        first_line(self.text(), span)
    }

    /// The key of `value` in the mapping written at `mapping`, one of `names`: the last such key
    /// before the value, as the model keeps no key spans for schemas. The value's own head when
    /// none is found.
    fn key_of(&self, mapping: Span, value: Span, names: &[&str]) -> Span {
        let text = self.text();
        let Some(before) = text.get(mapping.start..value.start) else {
            return self.head(value);
        };
        let mut found = None;
        for name in names {
            for quote in ["", "\"", "'"] {
                let key = format!("{quote}{name}{quote}");
                for (at, _) in before.match_indices(&key) {
                    let starts = before[..at]
                        .chars()
                        .next_back()
                        .is_none_or(|c| c.is_whitespace() || c == '{' || c == ',');
                    let ends = before[at + key.len()..]
                        .trim_start_matches(' ')
                        .starts_with(':');
                    if starts && ends && found.is_none_or(|(f, _)| at > f) {
                        found = Some((at, key.len()));
                    }
                }
            }
        }
        found.map_or_else(
            || self.head(value),
            |(at, len)| Span::new(mapping.start + at, mapping.start + at + len),
        )
    }

    /// The source span of byte `offset` of a located string.
    fn span_in(&self, s: &Located<String>, offset: usize) -> Span {
        let text = self.text();
        let style = match text.as_bytes().get(s.span.start) {
            Some(b'"') => Style::DoubleQuoted,
            Some(b'\'') => Style::SingleQuoted,
            Some(b'|') => Style::Literal,
            Some(b'>') => Style::Folded,
            // The span of a block scalar starts at its content, below its header.
            _ => match block_header(text, s.span.start).map(|at| text.as_bytes()[at]) {
                Some(b'|') => Style::Literal,
                Some(b'>') => Style::Folded,
                _ => Style::Plain,
            },
        };
        span_in_scalar(text, s.span, style, &s.value, offset.min(s.value.len()))
    }

    /// The source span of bytes `start..end` of a located string (one line at most).
    fn span_of(&self, s: &Located<String>, start: usize, end: usize) -> Span {
        let first = self.span_in(s, start);
        let last = self.span_in(s, end.saturating_sub(1).max(start));
        let joined = Span::new(first.start, last.end.max(first.end));
        first_line(self.text(), joined)
    }

    fn top_level(&mut self) {
        let rules = self.rules;
        if *rules.allow_all_endpoints {
            self.push(
                Code::AllowAllEndpoints,
                rules.allow_all_endpoints.span,
                "`allowAllEndpoints: true` passes responses of unmatched URLs through unchanged",
                Some("list every endpoint instead; this key is deprecated".into()),
            );
        }
        if let Some(ignored) = &rules.default_scope_id_for_source {
            self.push(
                Code::NoEffect,
                ignored.span,
                "`defaultScopeIdForSource` is legacy and ignored",
                Some("remove it".into()),
            );
        }
        if let Some(defs) = &rules.definitions
            && !self.skip.all_definitions
        {
            // A definition with a structural error is checked too: the conversion leaves out
            // only what is malformed, and the checks skip what it left out.
            for def in defs.values() {
                self.filter(def, FilterRole::Value);
            }
            self.ref_loops(defs);
        }
        // Only in a document otherwise well formed: `endpoint:` is reported as such.
        if rules.endpoints.is_empty() && !*rules.allow_all_endpoints && !self.skip.structural {
            self.push(
                Code::NoEndpoints,
                self.first_content_line(),
                "these rules have no endpoints, so they allow no request",
                Some(
                    "list the endpoints under `endpoints:`; without them the proxy may not even \
                     read the file as REST rules"
                        .into(),
                ),
            );
        }
        let mut checked = Vec::new();
        for endpoint in &rules.endpoints {
            let pieces = self.endpoint(endpoint);
            let selection_keys = [
                "pathTemplate",
                "pathRegex",
                "allowedMethods",
                "allowedQueryParams",
                "pathParameterSchemas",
                "queryParamSchemas",
            ];
            if !self.broken_any(endpoint.span, &selection_keys) {
                checked.push((endpoint, pieces));
            }
        }
        self.shadowing(&checked);
    }

    /// Checks one endpoint; returns its template pieces when it has a well-formed template.
    fn endpoint(&mut self, endpoint: &Located<Endpoint>) -> Option<Vec<Piece>> {
        let blank = |s: &Option<Located<String>>| s.as_ref().is_none_or(|s| s.trim().is_empty());
        let mut pieces = None;
        let matcher_malformed = self.broken_any(endpoint.span, &["pathTemplate", "pathRegex"]);
        if blank(&endpoint.path_template) && blank(&endpoint.path_regex) && !matcher_malformed {
            self.push(
                Code::NoPathMatcher,
                self.head(endpoint.span),
                "this endpoint has neither `pathTemplate` nor `pathRegex`",
                Some("add `pathTemplate: /path/{param}` or a `pathRegex`".into()),
            );
        }
        if let Some(template) = endpoint
            .path_template
            .as_ref()
            .filter(|t| !t.trim().is_empty())
        {
            pieces = self.template(template);
            // Beside a `pathRegex` the template is not matched, but its presence makes the
            // regex be tried against the path alone as well as with its query (§5.6).
            if !blank(&endpoint.path_regex) {
                self.push(
                    Code::NoEffect,
                    template.span,
                    if endpoint.path_parameter_schemas.is_some() {
                        "`pathTemplate` is not matched when `pathRegex` is set; it only makes the \
                         `pathRegex` also be tried against the path without its query, and \
                         `pathParameterSchemas` read the `pathRegex`'s named groups"
                    } else {
                        "`pathTemplate` is not matched when `pathRegex` is set; it only makes the \
                         `pathRegex` also be tried against the path without its query"
                    },
                    Some(
                        "keep one of the two; a `pathRegex` alone allows a query when it ends \
                         with `(?:[?].*)?$`"
                            .into(),
                    ),
                );
            }
        }
        let mut path_regex = None;
        if let Some(regex) = endpoint
            .path_regex
            .as_ref()
            .filter(|r| !r.trim().is_empty())
        {
            let flags = Flags {
                case_insensitive: true,
                ..Flags::default()
            };
            path_regex = self.regex_with(regex, flags, |at| {
                // `{userId}`: a template's parameter, which a regex reads as a repetition.
                let (name, ..) = parameter_at(regex.get(at..)?)?;
                Some(format!(
                    "`{{{name}}}` is a `pathTemplate` parameter; in a regex, `[^/]+` matches one \
                     path segment (`(?<{name}>[^/]+)` names it), or write the endpoint with \
                     `pathTemplate`"
                ))
            });
            self.regex_refusing_queries(endpoint, regex, flags);
        }
        if let Some(schemas) = &endpoint.path_parameter_schemas
            && !matcher_malformed
        {
            for (name, schema) in schemas {
                match (&pieces, blank(&endpoint.path_regex)) {
                    (Some(pieces), true)
                        if !pieces
                            .iter()
                            .any(|p| matches!(p, Piece::Param { name: n, .. } if n == name)) =>
                    {
                        let params: Vec<String> = pieces
                            .iter()
                            .filter_map(|p| match p {
                                Piece::Param { name, .. } => Some(name.clone()),
                                Piece::Literal(_) => None,
                            })
                            .collect();
                        // Groups are looked up by their exact name (§5.5).
                        let help = match suggest(name, &params) {
                            Some(s) if s.eq_ignore_ascii_case(name) => {
                                format!("did you mean `{s}`? parameter names are case-sensitive")
                            }
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "name a template parameter, or remove this schema".to_owned(),
                        };
                        self.push(
                            Code::UnusedParamSchema,
                            self.head(schema.span),
                            format!(
                                "`pathTemplate` has no parameter `{{{name}}}`, so this endpoint \
                                 never matches"
                            ),
                            Some(help),
                        );
                    }
                    // Beside a template, the schemas read the `pathRegex`'s named groups.
                    // (A blank template counts as set, as the matcher takes it.)
                    (_, false) if endpoint.path_template.is_some() => {
                        if let Some(regex) = &path_regex
                            && regex.group_index(name).is_none()
                        {
                            self.push(
                                Code::UnusedParamSchema,
                                self.head(schema.span),
                                format!(
                                    "`pathRegex`, which is matched instead of `pathTemplate`, has \
                                     no group named `{name}`, so this endpoint never matches"
                                ),
                                Some(format!(
                                    "name the group in the regex, `(?<{name}>...)`, or remove \
                                     this schema"
                                )),
                            );
                        }
                    }
                    // A `pathRegex` alone is not checked against them (§5.5).
                    (_, false) => {
                        self.push(
                            Code::NoEffect,
                            self.head(schema.span),
                            "path parameter schemas apply only to `pathTemplate` endpoints, \
                             not to a `pathRegex`",
                            Some(
                                "match the value in the regex itself, or use a `pathTemplate`"
                                    .into(),
                            ),
                        );
                    }
                    // A template that does not compile is reported on its own.
                    _ => {}
                }
                self.parameter_schema(schema);
            }
        }
        if let Some(schemas) = &endpoint.query_param_schemas {
            for (name, schema) in schemas {
                self.query_parameter_schema(schema);
                // A request's name is allowed when its lower case is listed lower-cased, and
                // given to the schema when it equals the name ignoring case (§5.4).
                let allowed = endpoint.allowed_query_params.as_ref().is_none_or(|list| {
                    list.iter().any(|p| {
                        java_equals_ignore_case(p, name) || p.to_lowercase() == name.to_lowercase()
                    })
                });
                if !allowed {
                    let consequence = if schema.required == Some(true) {
                        "so no request can give it and, as it is required, this endpoint never \
                         matches"
                    } else {
                        "so no request can give it and this schema never applies"
                    };
                    // A schema named a typo away from an allowed parameter was meant for it.
                    let listed = endpoint.allowed_query_params.as_deref().unwrap_or_default();
                    let help = suggest(name, listed).map_or_else(
                        || format!("add `{name}` to `allowedQueryParams`, or remove this schema"),
                        |s| {
                            format!(
                                "did you mean `{s}`, which `allowedQueryParams` lists? Otherwise \
                                 add `{name}` to it, or remove this schema"
                            )
                        },
                    );
                    self.push(
                        Code::UnusedParamSchema,
                        self.head(schema.span),
                        format!("`{name}` is not in `allowedQueryParams`, {consequence}"),
                        Some(help),
                    );
                }
            }
        }
        // A malformed entry is reported on its own, and is absent from the list.
        if let Some(methods) = &endpoint.allowed_methods
            && !self.broken_any(endpoint.span, &["allowedMethods"])
        {
            self.allowed_methods(methods);
        }
        if let Some(ignored) = &endpoint.allowed_request_headers_to_forward {
            self.push(
                Code::NoEffect,
                ignored.span,
                "`allowedRequestHeadersToForward` is dropped when rules are read from a file",
                Some("use `allowedRequestHeaders`".into()),
            );
        }
        if let Some(schema) = &endpoint.response_schema {
            self.filter(schema, FilterRole::Value);
        }
        for augment in &endpoint.augments {
            self.augment(augment);
        }
        for transform in &endpoint.transforms {
            self.transform(transform);
        }
        self.pseudonymized_twice(&endpoint.transforms);
        pieces
    }

    /// Warns about `allowedMethods` entries that no request's method equals once both are
    /// upper-cased (§1.3), and about an empty list, with which the endpoint allows no request
    /// (§5.6 (c)).
    fn allowed_methods(&mut self, methods: &Located<Vec<Located<String>>>) {
        if methods.is_empty() {
            self.push(
                Code::MethodNeverMatches,
                self.head(methods.span),
                "`allowedMethods` is empty, so this endpoint allows no request at all",
                Some(
                    "list the methods it allows, e.g. `[GET]`, or remove the key to allow any \
                     method"
                        .into(),
                ),
            );
            return;
        }
        for method in methods.iter() {
            let message = if method.is_empty() {
                "an empty method never matches a request".to_owned()
            } else if let Some(c) = method.chars().find(|c| !is_method_char(*c)) {
                let what = match c {
                    ' ' => "a space".to_owned(),
                    c if c.is_whitespace() => "white space".to_owned(),
                    c => format!("`{}`", crate::diag::quoted(&c.to_string())),
                };
                format!(
                    "`{}` never matches a request, as no method has {what} in it",
                    crate::diag::quoted(method)
                )
            } else {
                continue;
            };
            let words: Vec<&str> = method
                .split(|c: char| !is_method_char(c))
                .filter(|w| !w.is_empty())
                .collect();
            let joined = words.concat().to_uppercase();
            // `GE T` for `GET`: a known method once the rest is removed; `GET,POST` for two.
            let help = if words.is_empty() {
                "remove it".to_owned()
            } else if words.len() == 1 || KNOWN_METHODS.contains(&joined.as_str()) {
                format!("write `{joined}`")
            } else {
                "write each method as an item of its own, e.g. `[GET, POST]`".to_owned()
            };
            self.push(
                Code::MethodNeverMatches,
                self.head(method.span),
                message,
                Some(help),
            );
        }
    }

    /// Warns about a path that can select a value an earlier path of the endpoint already
    /// pseudonymized, unless an earlier redaction can remove it (between them, or before both,
    /// when neither meets it): the proxy hashes it again
    /// (§3.9), and the pseudonym no longer matches the one the value has elsewhere. Paths with
    /// filters are not compared, and a wildcard is taken to select array elements, so that only
    /// overlaps of real responses are reported; a later regex counts only where it can match
    /// inside a pseudonym the earlier transform writes (`rehashes`).
    fn pseudonymized_twice(&mut self, transforms: &[Located<Transform>]) {
        /// Paths compared at most, and product states per comparison.
        const MAX_PATHS: usize = 500;
        const STEPS: u64 = 20_000;
        // Paths that pseudonymize and paths that redact, with their transform's place.
        let mut hashed: Vec<(usize, &Located<String>, PathShape)> = Vec::new();
        let mut redacted: Vec<PathShape> = Vec::new();
        // Per transform, made once; per pair of transforms, decided once.
        let rehash: Vec<OnceCell<Rehash>> = transforms.iter().map(|_| OnceCell::new()).collect();
        let rehash_of = |t: usize| rehash[t].get_or_init(|| Rehash::of(&transforms[t].kind));
        let mut pairs: BTreeMap<(usize, usize), bool> = BTreeMap::new();
        for (t, transform) in transforms.iter().enumerate() {
            let hashing = hashes(&transform.kind);
            if !hashing && transform.kind != TransformKind::Redact {
                continue;
            }
            for path in &transform.json_paths {
                let Ok(parsed) = jsonpath::parse(path) else {
                    continue;
                };
                if hashed.len() + redacted.len() >= MAX_PATHS {
                    return;
                }
                let shape = PathShape::of(&parsed);
                if !hashing {
                    redacted.push(shape);
                    continue;
                }
                let first = hashed.iter().find_map(|(te, first, e)| {
                    let Shared::At(place) = same_place(e, &shape, STEPS) else {
                        return None;
                    };
                    let twice = *pairs
                        .entry((*te, t))
                        .or_insert_with(|| rehashes(rehash_of(*te), rehash_of(t)))
                        && !redacted.iter().any(|r| may_remove(r, &shape, STEPS));
                    twice.then_some((*first, place))
                });
                if let Some((first, place)) = first {
                    let (line, _) = crate::diag::line_col(self.text(), first.span.start);
                    self.push(
                        Code::PseudonymizedTwice,
                        self.span_of(path, 0, path.value.len()),
                        format!(
                            "this path can select a value that `{}` (line {line}) already \
                             replaced with a pseudonym, such as one at `{}`: the pseudonym is \
                             then pseudonymized again",
                            crate::diag::quoted(&first.value),
                            crate::diag::quoted(&place),
                        ),
                        Some(
                            "narrow one of the two paths so that they share no place: a value \
                             hashed twice no longer matches its pseudonym in other responses; \
                             if no response of the API has a value there, the warning can be \
                             left"
                                .into(),
                        ),
                    );
                }
                hashed.push((t, path, shape));
            }
        }
    }

    /// Splits a template into pieces, reporting unbalanced braces, parameter names that stay
    /// literal (§5.2) and repeated parameters.
    fn template(&mut self, template: &Located<String>) -> Option<Vec<Piece>> {
        // `^/v1/users$`: a regex anchor, which R063 reports.
        if !template.starts_with('/') && !template.starts_with("^/") {
            // `https://host/v1/users`: the template is the path alone.
            let help = match template.split_once("://") {
                Some((_, after)) => format!(
                    "a template is the request's path alone, without scheme and host: write `{}`",
                    after.find('/').map_or("/", |i| &after[i..])
                ),
                None => format!("write `/{}`", template.as_str()),
            };
            self.push(
                Code::TemplateNoSlash,
                template.span,
                "`pathTemplate` does not start with `/`, and request paths always do",
                Some(help),
            );
        }
        let s = template.as_str();
        // A `?` outside `{…}`: the template is matched against the path alone (§5.2).
        let mut depth = 0usize;
        let query = s.char_indices().find(|&(_, c)| {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            c == '?' && depth == 0
        });
        if let Some((q, _)) = query {
            self.push(
                Code::TemplateQuery,
                self.span_in(template, q),
                "a `pathTemplate` is matched against the path alone, never the query, so this \
                 endpoint matches no request",
                Some(
                    "end the template before `?` and list the query's parameters in \
                     `allowedQueryParams`"
                        .into(),
                ),
            );
        }
        self.template_regex_syntax(template);
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut names: Vec<&str> = Vec::new();
        // Braces that are not a parameter, as their offsets and what they hold.
        let mut not_parameters: Vec<(usize, usize, &str)> = Vec::new();
        let mut ok = true;
        let mut i = 0;
        while i < s.len() {
            let rest = &s[i..];
            if rest.starts_with('}') {
                // Java reads a `}` that closes nothing as itself: the template compiles, and
                // allows only paths with a `}` in them, which clients send as `%7D`.
                self.push(
                    Code::TemplateParamName,
                    self.span_in(template, i),
                    "`}` without a matching `{` stays literal text, so the template does not \
                     match real paths",
                    Some("a parameter is written `{name}`".into()),
                );
                literal.push('}');
                i += 1;
                continue;
            }
            if !rest.starts_with('{') {
                let c = rest.chars().next().map_or(1, char::len_utf8);
                literal.push_str(&rest[..c]);
                i += c;
                continue;
            }
            let close = rest[1..].find(['{', '}']).map(|j| j + 1);
            let Some(close) = close.filter(|&j| rest.as_bytes()[j] == b'}') else {
                self.push(
                    Code::TemplateBraces,
                    self.span_in(template, i),
                    "`{` without a matching `}`",
                    Some("a parameter is written `{name}`".into()),
                );
                ok = false;
                literal.push('{');
                i += 1;
                continue;
            };
            let inner = &rest[1..close];
            // As the proxy compiles the template (§5.2): a parameter, or braces the regex reads.
            match parameter_at(rest) {
                // `{2}`, `{1,3}`: a repetition of what comes before, checked with the regex.
                None if is_repetition(inner) => literal.push_str(&rest[..=close]),
                None => {
                    not_parameters.push((i, i + close + 1, inner));
                    literal.push_str(&rest[..=close]);
                }
                Some((name, ..)) if names.contains(&name) => {
                    self.push(
                        Code::TemplateDuplicateParam,
                        self.span_of(template, i, i + close + 1),
                        format!("the parameter `{name}` appears twice"),
                        Some("name each parameter differently".into()),
                    );
                    ok = false;
                }
                Some((name, optional, _)) => {
                    names.push(name);
                    if !literal.is_empty() {
                        pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Param {
                        name: name.to_owned(),
                        optional,
                    });
                }
            }
            i += close + 1;
        }
        if !literal.is_empty() {
            pieces.push(Piece::Literal(literal));
        }
        // The proxy compiles the template as a Java regex at request time (§5.2). It escapes
        // every other special character, so only regex syntax outside the parameters can make
        // that fail.
        let regex = crate::endpoint::template_regex(s);
        let compiled = has_regex_syntax(&pieces).then(|| {
            Regex::new(
                &regex,
                Flags {
                    case_insensitive: true,
                    ..Flags::default()
                },
            )
        });
        // Braces that are no parameter are left in that regex (§5.2): literal text only where
        // it still compiles (`\{a_b\}`); unescaped, Java reads `{` as a repetition and fails.
        let compiles = !matches!(compiled, Some(Err(_)));
        for (start, end, inner) in not_parameters {
            // `\{a_b\}`: the name is quoted without the escape of its closing brace.
            let inner = inner.strip_suffix('\\').unwrap_or(inner);
            let message = if compiles {
                format!(
                    "`{{{inner}}}` is not a parameter and stays literal text, so the template \
                     does not match real paths"
                )
            } else {
                format!(
                    "`{{{inner}}}` is not a parameter, so the proxy leaves these braces in the \
                     template's regex, where they are not valid regex syntax"
                )
            };
            let rule = "parameter names are a letter followed by letters and digits";
            let help = match parameter_name_like(inner) {
                Some(name) => format!("{rule}, as `{{{name}}}`"),
                None => rule.to_owned(),
            };
            self.push(
                Code::TemplateParamName,
                self.span_of(template, start, end),
                message,
                Some(help),
            );
        }
        if ok && let Some(Err(e)) = compiled {
            self.push(
                Code::InvalidRegex,
                template.span,
                format!(
                    "the proxy turns this template into the regex `{regex}`, which does not \
                     compile: {}",
                    e.message
                ),
                Some(
                    "outside parameters, `{`, `}`, `|` and `\\` are regex syntax in a \
                     template; parameter names are a letter followed by letters and digits. \
                     Or write the endpoint with `pathRegex`"
                        .into(),
                ),
            );
            return None;
        }
        ok.then_some(pieces)
    }

    /// Warns about regex syntax (`[^/]+`, `.*`, `(?:`, `^`, `$`) and other routers' parameters
    /// (`:id`, `*`) in a template: the proxy escapes them (§5.2), so they match only themselves,
    /// and the endpoint no real path. One finding, at the first.
    fn template_regex_syntax(&mut self, template: &Located<String>) {
        let s = template.as_str();
        let regex = regex_construct(s).map(|(i, len)| {
            (
                i,
                i + len,
                "a parameter, `{name}`, stands for one segment; for more, write the endpoint \
                 with `pathRegex`"
                    .to_owned(),
            )
        });
        let mut offset = 0;
        let router = s.split('/').find_map(|segment| {
            let at = offset;
            offset += segment.len() + 1;
            let end = at + segment.len();
            if matches!(segment, "*" | "**") {
                return Some((
                    at,
                    end,
                    "a parameter, `{name}`, stands for one segment; for any text, write the \
                     endpoint with `pathRegex`"
                        .to_owned(),
                ));
            }
            let name = segment.strip_prefix(':').filter(|n| {
                n.starts_with(|c: char| c.is_ascii_alphabetic())
                    && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })?;
            let param = parameter_name_like(name).unwrap_or_else(|| name.to_owned());
            Some((
                at,
                end,
                format!("a template's parameter is written `{{{param}}}`"),
            ))
        });
        let literal = |start: usize, end: usize, help: String| {
            let message = format!(
                "`{}` is not template syntax: a `pathTemplate` matches it as literal text, so \
                 this endpoint matches no real path",
                crate::diag::quoted(&s[start..end])
            );
            (start, end, message, help)
        };
        let kept = kept_regex_syntax(s).map(|(start, end)| {
            let message = if &s[start..end] == "|" {
                let wholes: Vec<String> = alternatives_of(s)
                    .into_iter()
                    .map(|part| format!("`{}`", crate::diag::quoted(part)))
                    .collect();
                format!(
                    "`|` stays regex syntax in a `pathTemplate`, where the rest is literal \
                     text: this endpoint matches the whole path {} and no other",
                    wholes.join(" or ")
                )
            } else {
                format!(
                    "`{}` stays regex syntax in a `pathTemplate`, while the characters around \
                     it (`+`, `*`, `?`, `.`, brackets) are literal text, so this endpoint does \
                     not match the paths it was written for",
                    crate::diag::quoted(&s[start..end])
                )
            };
            let help = "a parameter, `{name}`, stands for one segment; write an endpoint for \
                        each path, or this one with `pathRegex`"
                .to_owned();
            (start, end, message, help)
        });
        let Some((start, end, message, help)) = [
            regex.map(|(start, end, help)| literal(start, end, help)),
            router.map(|(start, end, help)| literal(start, end, help)),
            kept,
        ]
        .into_iter()
        .flatten()
        .min_by_key(|&(start, end, ..)| (start, end)) else {
            return;
        };
        self.push(
            Code::TemplateRegexSyntax,
            self.span_of(template, start, end),
            message,
            Some(help),
        );
    }

    /// Compiles a Java-dialect regex, reporting where it fails; returns it when it compiles.
    fn regex(&mut self, pattern: &Located<String>, flags: Flags) -> Option<Regex> {
        self.regex_with(pattern, flags, |_| None)
    }

    /// [`Self::regex`], with `help` giving the help for a regex that does not compile, from
    /// the byte offset in the pattern where it fails.
    fn regex_with(
        &mut self,
        pattern: &Located<String>,
        flags: Flags,
        help: impl Fn(usize) -> Option<String>,
    ) -> Option<Regex> {
        // In double quotes YAML reads `\b` as a backspace, `\v` as a vertical tab and `\0` as
        // NUL, which the regex then matches literally: the word boundary, whitespace class or
        // octal escape meant is gone. (`\t`, `\n`, `\r`, `\f`, `\a`, `\e` mean the same
        // character to both, so they are left alone.)
        let meant = |c: char| match c {
            '\u{8}' => Some("\\b"),
            '\u{B}' => Some("\\v"),
            '\0' => Some("\\0"),
            _ => None,
        };
        if let Some((at, written)) = pattern
            .char_indices()
            .find_map(|(at, c)| meant(c).map(|w| (at, w)))
        {
            self.push(
                Code::ControlInRegex,
                self.span_in(pattern, at),
                format!(
                    "this regex holds a control character that YAML made of `{written}` in double \
                     quotes, not the regex's `{written}`"
                ),
                Some(format!(
                    "write `\\{written}` in double quotes, or put the regex in single quotes"
                )),
            );
        }
        self.doubled_backslash(pattern);
        match Regex::new(pattern, flags) {
            Ok(re) => Some(re),
            Err(e) => {
                self.push(
                    Code::InvalidRegex,
                    self.span_in(pattern, e.offset),
                    format!("invalid regex: {}", e.message),
                    help(e.offset),
                );
                None
            }
        }
    }

    /// Warns about a regex where `\\` comes before a class letter (`\\w`, `\\d`, ...): the regex
    /// matches a backslash and the letter, not the class, mostly because the backslash was doubled
    /// for double quotes while the regex is in single quotes. Inside a character class, as in
    /// `[\\w.]`, the backslash and the letter are two members of the class instead.
    fn doubled_backslash(&mut self, pattern: &Located<String>) {
        let bytes = pattern.as_bytes();
        // Java's classes nest (`[a[b]]`); a `]` first in a class is a member, not its end.
        let mut depth = 0_usize;
        let mut first_in_class = false;
        let mut i = 0;
        while i < bytes.len() {
            let run = bytes[i..].iter().take_while(|&&b| b == b'\\').count();
            if run == 0 {
                match bytes[i] {
                    b'[' => {
                        depth += 1;
                        first_in_class = true;
                        i += 1;
                        if bytes.get(i) == Some(&b'^') {
                            i += 1;
                        }
                        continue;
                    }
                    b']' if depth > 0 && !first_in_class => depth -= 1,
                    _ => {}
                }
                first_in_class = false;
                i += 1;
                continue;
            }
            first_in_class = false;
            let next = bytes.get(i + run).copied();
            if run % 2 == 0 && next.is_some_and(|b| b"wWdDsSbB".contains(&b)) {
                let letter = char::from(next.unwrap_or(b'w'));
                self.report_doubled_backslash(pattern, i, run, letter, depth > 0);
                return;
            }
            if run % 2 == 1 && next == Some(b'Q') {
                // `\Q…\E` quotes everything up to `\E`, brackets and backslashes included.
                let quoted = i + run + 1;
                i = bytes[quoted..]
                    .windows(2)
                    .position(|w| w == b"\\E")
                    .map_or(bytes.len(), |at| quoted + at + 2);
                continue;
            }
            // An odd run escapes the next character; after an even one it is itself.
            i += run + run % 2;
        }
    }

    /// Reports R060 for the `run` backslashes at `at` before `letter`.
    fn report_doubled_backslash(
        &mut self,
        pattern: &Located<String>,
        at: usize,
        run: usize,
        letter: char,
        in_class: bool,
    ) {
        let help = match self.text().as_bytes().get(pattern.span.start) {
            Some(b'\'') => format!("in single quotes a backslash is written once: `\\{letter}`"),
            Some(b'"') => {
                format!("in double quotes a backslash is written twice: `\\\\{letter}`")
            }
            _ => format!("write `\\{letter}`"),
        };
        let meant = if matches!(letter, 'b' | 'B') {
            format!("the word boundary `\\{letter}`")
        } else {
            format!("the class `\\{letter}`")
        };
        let message = if in_class {
            // In a class, repeated backslashes are one member: the class is a set.
            format!(
                "in this character class, a backslash and `{letter}` are separate members, not \
                 {meant}"
            )
        } else {
            // Each pair is one backslash to the regex.
            let backslashes = match run / 2 {
                1 => "a backslash".to_owned(),
                n => format!(
                    "{} backslashes",
                    [
                        "two", "three", "four", "five", "six", "seven", "eight", "nine"
                    ]
                    .get(n - 2)
                    .map_or_else(|| n.to_string(), |w| (*w).to_owned())
                ),
            };
            format!("this regex matches {backslashes} followed by `{letter}`, not {meant}")
        };
        self.push(
            Code::DoubledBackslash,
            self.span_of(pattern, at, at + run + 1),
            message,
            Some(help),
        );
    }

    /// Parses a JSONPath, reporting where it fails. `updates`: the path selects values to
    /// transform (a transform's `jsonPaths`), not values to read.
    fn path(&mut self, path: &Located<String>, updates: bool) -> Option<JsonPath> {
        match jsonpath::parse(path) {
            Ok(parsed) => {
                self.root_lint(path);
                self.lint_path(&parsed, path, updates);
                Some(parsed)
            }
            Err(e) => {
                self.push(
                    Code::PathSyntax,
                    self.span_in(path, e.offset),
                    format!("invalid JSONPath: {}", e.message),
                    e.help,
                );
                None
            }
        }
    }

    /// A path of an augment: the proxy compiles it only when it applies the augment, and
    /// swallows every failure of an augment (§1.10, §2.13), so one that does not parse only
    /// makes the augment add nothing there (`what`).
    fn augment_path(&mut self, path: &Located<String>, what: &str) {
        match jsonpath::parse(path) {
            Ok(parsed) => {
                self.root_lint(path);
                self.lint_path(&parsed, path, false);
            }
            Err(e) => self.push(
                Code::PathLint,
                self.span_in(path, e.offset),
                format!(
                    "invalid JSONPath: {}; the proxy swallows the augment's failure, so {what}",
                    e.message
                ),
                e.help,
            ),
        }
    }

    /// A valid path that does not start at `$`: the proxy reads `@` at the start as `$`, and
    /// any other start as if `$.` came before it.
    fn root_lint(&mut self, path: &Located<String>) {
        let rest = path.as_str();
        let (message, help) = match rest.as_bytes().first() {
            Some(b'$') | None => return,
            Some(b'@') => (
                "a path that starts with `@` selects from the document root, as `$` does".into(),
                "start it with `$`: `@` is the value under test inside a filter `[?(…)]`".into(),
            ),
            Some(_) => {
                // `$.[` and `$[` select the same, and `$[…]` is how the bracket is written.
                let read = if rest.starts_with('[') {
                    format!("${rest}")
                } else {
                    format!("$.{rest}")
                };
                (
                    if rest.starts_with('.') {
                        "a path that starts with `.` is read as if `$.` came first, which makes \
                         it a deep scan (`..`)"
                            .to_owned()
                    } else {
                        "a path that does not start with `$` is read as if `$.` came first"
                            .to_owned()
                    },
                    if read.chars().count() <= 100 {
                        format!("write it so: `{}`", read.trim_end_matches(' '))
                    } else {
                        format!("write `{}` before it", &read[..read.len() - rest.len()])
                    },
                )
            }
        };
        let at = self.span_in(path, 0);
        self.push(Code::PathLint, at, message, Some(help));
    }

    /// Reports the lints of a valid path; those about updating the root only for `updates`.
    fn lint_path(&mut self, parsed: &JsonPath, path: &Located<String>, updates: bool) {
        for lint in jsonpath::lints(parsed) {
            let about_updates = matches!(
                lint.kind,
                jsonpath::LintKind::RootOnly
                    | jsonpath::LintKind::LeafFilterOnRoot
                    | jsonpath::LintKind::RepeatedIndex
                    | jsonpath::LintKind::ScanAfterScan
            );
            if about_updates && !updates {
                continue;
            }
            let start = self.span_in(path, lint.span.start);
            let end = self.span_in(path, lint.span.end.max(lint.span.start + 1) - 1);
            self.push(Code::PathLint, start.to(end), lint.message, lint.help);
        }
    }

    fn parameter_schema(&mut self, schema: &Located<ParameterSchema>) {
        self.parameter_checks(schema.format.as_ref(), schema.pattern.as_ref());
        for sub in schema.any_of.iter().flatten() {
            self.parameter_schema(sub);
        }
    }

    fn query_parameter_schema(&mut self, schema: &Located<QueryParameterSchema>) {
        self.parameter_checks(schema.format.as_ref(), schema.pattern.as_ref());
        for sub in schema.any_of.iter().flatten() {
            self.parameter_schema(sub);
        }
    }

    fn parameter_checks(
        &mut self,
        format: Option<&Located<String>>,
        pattern: Option<&Located<String>>,
    ) {
        if let Some(format) = format {
            // Anything but a pseudonym format fails at request time (§5.5).
            if !crate::endpoint::params::is_pseudonym_format(format) {
                self.push(
                    Code::InvalidParamFormat,
                    format.span,
                    format!(
                        "unknown parameter format `{}`; the proxy fails on it at request time",
                        format.as_str()
                    ),
                    Some(format_help(format)),
                );
            }
        }
        if let Some(pattern) = pattern {
            self.regex(pattern, Flags::default());
        }
    }

    fn augment(&mut self, augment: &Located<Augment>) {
        if let AugmentKind::SentenceMetadata(_) = augment.kind {
            self.push(
                Code::SentenceMetadata,
                augment.kind_span,
                "`sentenceMetadata` needs NLP models; psoxy-rules does not apply it",
                Some("sanitize and test refuse the responses of this endpoint (S005)".into()),
            );
        }
        if augment.json_paths.is_empty()
            && !self.broken_any(augment.span, &["jsonPaths", "kind"])
            && !self.misspelt(augment.span, "jsonPaths")
        {
            self.push(
                Code::NoJsonPaths,
                augment.kind_span,
                "this augment has no `jsonPaths`, so it does nothing",
                None,
            );
        }
        for path in &augment.json_paths {
            self.augment_path(path, "this path adds nothing");
        }
        if let AugmentKind::TextDigest(o) = &augment.kind {
            self.keywords(&o.keywords);
        }
        if let Some(inner) = augment
            .inner_json_path
            .as_ref()
            .filter(|p| !p.trim().is_empty())
        {
            self.augment_path(inner, "this augment adds nothing");
        }
        if let Some(schema) = &augment.output_schema {
            self.push(
                Code::NoEffect,
                self.head(schema.span),
                "`outputSchema` is accepted but not used",
                None,
            );
        }
    }

    /// Warns about `textDigest` keywords that never count (§2.10, §2.13): the text is
    /// lower-cased and split into words of ASCII letters, digits and `_`, and a blank keyword
    /// is dropped.
    fn keywords(&mut self, keywords: &[Located<String>]) {
        for keyword in keywords {
            let (message, help) = if crate::transform::is_blank(keyword) {
                ("a blank keyword never counts".to_owned(), "remove it")
            } else if let Some(c) = keyword
                .to_lowercase()
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
            {
                let what = if c == ' ' {
                    "a space".to_owned()
                } else {
                    format!("`{}`", crate::diag::quoted(&c.to_string()))
                };
                (
                    format!(
                        "the keyword `{}` never counts: the text is split into words of ASCII \
                         letters, digits and `_`, and no word holds {what}",
                        crate::diag::quoted(keyword)
                    ),
                    "count single words (`budget`); to keep phrases such as `1:1` or `focus \
                     time`, use `redactExceptPhrases`",
                )
            } else {
                continue;
            };
            self.push(Code::NoEffect, keyword.span, message, Some(help.into()));
        }
    }

    fn transform(&mut self, transform: &Located<Transform>) {
        let at = transform.kind_span;
        let broken = |keys: &[&str]| self.broken_any(transform.span, keys);
        let (paths_broken, encoding_broken, regex_broken, digest_broken) = (
            broken(&["jsonPaths"]) || self.misspelt(transform.span, "jsonPaths"),
            broken(&["encoding", "includeOriginal", "includeReversible"]),
            broken(&["regex"]),
            broken(&["isJsonEscaped", "jsonPathToProcessWhenEscaped"]),
        );
        // A transform of an unknown kind is reported as such; what its keys mean is unknown.
        if transform.json_paths.is_empty() && !paths_broken && !broken(&["kind"]) {
            self.push(
                Code::NoJsonPaths,
                at,
                "this transform has no `jsonPaths`, so it does nothing",
                None,
            );
        }
        for path in &transform.json_paths {
            let parsed = self.path(path, true);
            // §2.12: these kinds fail the response on an object, an array or a boolean.
            let strings_only = matches!(
                transform.kind,
                TransformKind::Pseudonymize(_)
                    | TransformKind::PseudonymizeEmailHeader(_)
                    | TransformKind::PseudonymizeRegexMatches(_)
            );
            if let Some(last) = parsed.as_ref().and_then(|p| p.steps.last())
                && strings_only
                && last.is_descendant()
                && matches!(last.selector(), jsonpath::Selector::Wildcard)
            {
                self.push(
                    Code::PathLint,
                    self.span_of(path, last.span.start, last.span.end),
                    format!(
                        "`{}` selects every value below, objects and arrays included, and `{}` \
                         fails the response on an object, an array or a boolean",
                        &path.value[last.span.clone()],
                        transform.kind.name()
                    ),
                    Some(
                        "name what to pseudonymize (`$..email`), or select strings with a filter"
                            .into(),
                    ),
                );
            }
        }
        if let Some(guard) = &transform.apply_only_when {
            if guard.trim().is_empty() {
                self.push(
                    Code::NoEffect,
                    guard.span,
                    "a blank `applyOnlyWhen` has no effect",
                    None,
                );
            } else if let Some(parsed) = self.path(guard, false)
                && parsed.is_definite()
            {
                // §2.0: a definite guard is read as a list; anything else fails the response.
                self.push(
                    Code::PathLint,
                    guard.span,
                    "a definite `applyOnlyWhen` fails every response where it is missing or is \
                     not a list; it works only on an array",
                    Some(
                        "to apply the transform when something exists, test for it with a \
                         filter, for example `$.items[?(@.conferenceData)]`; the part before the \
                         filter (`$.items`) must still exist, or a scan (`$..items[?(...)]`) \
                         spares that"
                            .into(),
                    ),
                );
            }
        }
        if let Some(fields) = &transform.fields {
            self.push(
                Code::NoEffect,
                self.head(fields.span),
                "`fields` has no effect on REST responses",
                Some("select values with `jsonPaths`".into()),
            );
        }
        let none = Flags::default();
        match &transform.kind {
            TransformKind::RedactRegexMatches(o) => {
                for r in &o.redactions {
                    self.regex(r, none);
                }
            }
            TransformKind::RedactExceptSubstringsMatchingRegexes(o) => {
                for r in &o.exceptions {
                    self.regex(r, none);
                }
            }
            TransformKind::Pseudonymize(_) if encoding_broken => {}
            TransformKind::Pseudonymize(o) => {
                if *o.include_original && o.encoding == Encoding::UrlSafeToken {
                    self.push(
                        Code::IncludeOriginalInToken,
                        o.include_original.span,
                        "`includeOriginal: true` with the `URL_SAFE_TOKEN` encoding (the default) \
                         is rejected by the proxy",
                        Some(
                            "remove `includeOriginal`, or, for values that are not personal data, \
                             use `encoding: JSON`"
                                .into(),
                        ),
                    );
                }
                // §2.2, §3.7: only the JSON encoding writes the `original` member; with the
                // others the option is refused (R038) or has no effect (R039).
                if *o.include_original && o.encoding == Encoding::Json {
                    self.push(
                        Code::IncludeOriginal,
                        o.include_original.span,
                        "`includeOriginal: true` sends the original of each selected value in \
                         clear, beside its pseudonym",
                        Some(
                            "keep it only for values that are not personal data, such as a group's \
                             shared mail address (Psoxy's Entra ID rules keep the `mail` of groups \
                             this way); remove it for anything that identifies a person"
                                .into(),
                        ),
                    );
                }
                if o.encoding == Encoding::UrlSafeHashOnly {
                    for (set, key, help) in [
                        (
                            &o.include_reversible,
                            "includeReversible",
                            "remove it, or drop `encoding` for the default, `URL_SAFE_TOKEN`, \
                             which writes the reversible `p~…` token",
                        ),
                        (
                            &o.include_original,
                            "includeOriginal",
                            "remove it: only the `JSON` encoding writes the original",
                        ),
                    ] {
                        if **set {
                            self.push(
                                Code::NoEffect,
                                set.span,
                                format!("`{key}` has no effect with `URL_SAFE_HASH_ONLY`"),
                                Some(help.into()),
                            );
                        }
                    }
                }
                if let Some(r) = &o.only_if_regex {
                    self.push(
                        Code::NoEffect,
                        r.span,
                        "`onlyIfRegex` is accepted but never used",
                        Some("remove it; every selected value is pseudonymized".into()),
                    );
                }
            }
            TransformKind::PseudonymizeRegexMatches(o) => {
                match o.regex.as_ref().filter(|r| !r.is_empty()) {
                    Some(r) => {
                        self.regex(r, none);
                    }
                    None if regex_broken => {}
                    None => self.push(
                        Code::MissingRegex,
                        at,
                        "`pseudonymizeRegexMatches` needs a `regex`; without one the proxy fails \
                         at request time",
                        Some("add `regex:` with a group 1 around the part to pseudonymize".into()),
                    ),
                }
                if let Some(ignored) = &o.include_original {
                    self.push(
                        Code::NoEffect,
                        ignored.span,
                        "`includeOriginal` is ignored by `pseudonymizeRegexMatches`",
                        None,
                    );
                }
            }
            TransformKind::FilterTokenByRegex(o) => {
                if let Some(d) = &o.delimiter {
                    self.regex(d, none);
                }
                for r in &o.filters {
                    self.regex(r, none);
                }
            }
            TransformKind::Tokenize(o) => {
                if let Some(r) = &o.regex
                    && let Some(re) = self.regex(r, none)
                    && re.group_count() == 0
                {
                    self.push(
                        Code::TokenizeWithoutGroup,
                        r.span,
                        "a `tokenize` regex needs a group 1, the part to tokenize",
                        Some("put parentheses around the part to tokenize".into()),
                    );
                }
            }
            TransformKind::TextDigest(_) if digest_broken => {}
            TransformKind::TextDigest(o) => {
                self.keywords(&o.keywords);
                let inner = o
                    .json_path_to_process_when_escaped
                    .as_ref()
                    .filter(|p| !p.trim().is_empty());
                match (o.is_json_escaped, inner) {
                    (true, Some(p)) => {
                        self.path(p, false);
                    }
                    (true, None) => self.push(
                        Code::NoEffect,
                        at,
                        "`isJsonEscaped` has no effect without `jsonPathToProcessWhenEscaped`",
                        None,
                    ),
                    (false, Some(p)) => self.push(
                        Code::NoEffect,
                        p.span,
                        "`jsonPathToProcessWhenEscaped` has no effect without \
                         `isJsonEscaped: true`",
                        None,
                    ),
                    (false, None) => {}
                }
            }
            TransformKind::Redact
            | TransformKind::RedactExceptPhrases(_)
            | TransformKind::PseudonymizeEmailHeader(_)
            | TransformKind::HashIp
            | TransformKind::EncryptIp => {}
        }
    }

    fn filter(&mut self, filter: &Located<SchemaFilter>, role: FilterRole) {
        if let Some(reference) = &filter.reference {
            self.reference(reference);
            self.beside_reference(filter, reference);
        }
        if let (Some(Err(name)), Some(at)) = (filter.schema_type(), &filter.schema_type) {
            let known: Vec<String> = [
                "string", "integer", "number", "boolean", "object", "array", "null",
            ]
            .map(str::to_owned)
            .to_vec();
            self.push(
                Code::UnknownSchemaType,
                at.span,
                format!(
                    "`type: {name}` is not a JSON type; the proxy fails on responses that reach \
                     this schema"
                ),
                Some(
                    json_type_for(name)
                        .map(str::to_owned)
                        .or_else(|| suggest(name, &known))
                        .map_or_else(
                            || format!("use one of {}", choices(&known)),
                            |s| format!("did you mean `{s}`?"),
                        ),
                ),
            );
        }
        // A `type` of the wrong form (a list) is reported as such, not also as missing.
        // Without `type` (and without `$ref` or `anyOf`, which come first), a schema is the
        // empty one whatever else it says (§4.2 rule 6).
        let untyped = filter.schema_type.is_none()
            && !self.broken_any(filter.span, &["type", "$ref", "anyOf"])
            && filter.reference.is_none()
            && filter.any_of.as_ref().is_none_or(Vec::is_empty);
        let ignored = if filter.if_schema.is_some() {
            Some(("if", "object"))
        } else if filter.properties.is_some() {
            Some(("properties", "object"))
        } else if filter.items.is_some() {
            Some(("items", "array"))
        } else if filter.constant.is_some() {
            Some(("const", "string"))
        } else {
            None
        };
        if untyped
            && role == FilterRole::Value
            && let Some((key, needed)) = ignored
        {
            // At the schema that lacks the `type`, where it is to be added.
            let effect = if key == "const" {
                "any string, number or boolean passes, and objects and arrays become null"
            } else {
                "the filter turns objects and arrays into null"
            };
            self.push(
                Code::UntypedContainer,
                self.head(filter.span),
                format!("`{key}` without `type` is ignored: {effect}"),
                Some(format!("add `type: {needed}`")),
            );
        }
        // Without `items`, elements are filtered with the empty schema (§4.2 rule 6).
        if role == FilterRole::Value
            && let (Some(Ok(SchemaType::Array)), Some(at)) =
                (filter.schema_type(), &filter.schema_type)
            && filter.items.is_none()
            && !self.broken_any(filter.span, &["items", "$ref", "anyOf", "if", "const"])
            && filter.reference.is_none()
            && filter.any_of.as_ref().is_none_or(Vec::is_empty)
            && filter.if_schema.is_none()
            && filter.constant.is_none()
        {
            self.push(
                Code::UntypedContainer,
                at.span,
                "`type: array` without `items` removes every element that is an object, an \
                 array or null; only strings, numbers and booleans stay",
                Some(
                    "add `items` with the elements' schema, e.g. `items: {type: object, \
                     properties: ...}`, or `items: {type: string}` for a list of strings"
                        .into(),
                ),
            );
        }
        if role == FilterRole::Value {
            self.failing_condition(filter);
        }
        // The filter keeps listed members when present and drops the others (§4.2, §4.3).
        let ignored = [
            (
                &filter.required,
                "`required` has no effect: the filter keeps listed members when present and never \
                 requires them",
            ),
            (
                &filter.additional_properties,
                "`additionalProperties` has no effect: members not listed in `properties` are \
                 dropped whatever it says",
            ),
        ];
        for (key, message) in ignored {
            if let Some(key) = key {
                self.push(Code::NoEffect, key.span, message, None);
            }
        }
        if let Some(defs) = &filter.definitions {
            self.push(
                Code::NestedDefinitions,
                self.head(defs.span),
                "`definitions` inside a schema are never used: `$ref` resolves only in the \
                 top-level `definitions`",
                Some("move these definitions to the top level".into()),
            );
        }
        for sub in filter.properties.iter().flat_map(|p| p.values()) {
            self.filter(sub, FilterRole::Value);
        }
        if let Some(items) = &filter.items {
            self.filter(items, FilterRole::Value);
        }
        for sub in filter.any_of.iter().flatten() {
            self.filter(sub, FilterRole::Value);
        }
        for sub in [&filter.if_schema, &filter.then_schema, &filter.else_schema]
            .into_iter()
            .flatten()
        {
            self.filter(sub, FilterRole::Conditional);
        }
    }

    /// Warns about the keys beside a `$ref`, which the filter ignores (§4.2 rule 1): the
    /// referenced definition alone filters the value.
    fn beside_reference(&mut self, filter: &Located<SchemaFilter>, reference: &Located<String>) {
        let mut siblings: Vec<&str> = Vec::new();
        let present = [
            ("type", filter.schema_type.is_some()),
            ("properties", filter.properties.is_some()),
            ("items", filter.items.is_some()),
            ("anyOf", filter.any_of.is_some()),
            ("if", filter.if_schema.is_some()),
            ("then", filter.then_schema.is_some()),
            ("else", filter.else_schema.is_some()),
            ("const", filter.constant.is_some()),
        ];
        for (key, is_there) in present {
            if is_there {
                siblings.push(key);
            }
        }
        if siblings.is_empty() {
            return;
        }
        let are = if siblings.len() == 1 { "is" } else { "are" };
        let siblings: Vec<String> = siblings.into_iter().map(str::to_owned).collect();
        let keys = crate::rules::schema::list(&siblings);
        self.push(
            Code::NoEffect,
            reference.span,
            format!(
                "{keys} beside `$ref` {are} ignored: the referenced definition alone filters \
                 the value"
            ),
            Some(
                "move what these keys say into the definition, or write the schema in place \
                 of the `$ref`"
                    .into(),
            ),
        );
    }

    /// Warns about an `if` the filter fails on (§4.2 rules 3 and 5), which it reads in a schema
    /// with `type` and without `$ref` or `anyOf`: a condition (`if`, or `else`, tried when
    /// `if` does not match) tests its first property and fails without one; a matching
    /// condition applies `then` and fails without it.
    fn failing_condition(&mut self, filter: &Located<SchemaFilter>) {
        let Some(condition) = &filter.if_schema else {
            return;
        };
        if filter.schema_type.is_none()
            || filter.reference.is_some()
            || filter.any_of.as_ref().is_some_and(|a| !a.is_empty())
        {
            return;
        }
        let if_key = self.key_of(filter.span, condition.span, &["if", "_if"]);
        let untestable =
            |c: &Located<SchemaFilter>| c.properties.as_ref().is_none_or(BTreeMap::is_empty);
        let help = "under `properties`, name the member to test and its schema, e.g. \
                    `properties: {role: {type: string, const: admin}}`";
        if untestable(condition) {
            self.push(
                Code::FailingCondition,
                if_key,
                "`if` has no `properties` to test, so the filter fails the response whenever a \
                 value reaches this schema",
                Some(help.into()),
            );
        }
        if let Some(otherwise) = filter.else_schema.as_deref().filter(|e| untestable(e)) {
            self.push(
                Code::FailingCondition,
                self.key_of(filter.span, otherwise.span, &["else", "_else"]),
                "`else` has no `properties` to test, so the filter fails the response whenever a \
                 value reaching this schema does not meet the `if` condition",
                Some(help.into()),
            );
        }
        if filter.then_schema.is_none() {
            let conditions = if filter.else_schema.is_some() {
                "the `if` or `else` condition"
            } else {
                "the `if` condition"
            };
            self.push(
                Code::FailingCondition,
                if_key,
                format!(
                    "this `if` has no `then`, so the filter fails the response whenever a value \
                     reaching this schema meets {conditions}"
                ),
                Some(
                    "add `then` with the `properties` to keep from a value that meets the \
                     condition"
                        .into(),
                ),
            );
        }
    }

    /// Definitions that are `$ref`s leading back to themselves: the filter would follow them
    /// without end. Each loop is reported once, at its first definition in name order.
    fn ref_loops(&mut self, defs: &BTreeMap<String, Located<SchemaFilter>>) {
        let target = |name: &str| {
            defs.get(name)?
                .reference
                .as_ref()?
                .strip_prefix("#/definitions/")
                .filter(|t| defs.contains_key(*t))
        };
        let mut reported: BTreeSet<&str> = BTreeSet::new();
        for (name, def) in defs {
            if reported.contains(name.as_str()) {
                continue;
            }
            let mut chain = vec![name.as_str()];
            let mut next = target(name);
            while let Some(t) = next {
                if chain.contains(&t) {
                    break;
                }
                chain.push(t);
                next = target(t);
            }
            // A loop through `name` itself; chains that run into someone else's loop are left
            // to that loop's report.
            if next != Some(name.as_str()) {
                continue;
            }
            reported.extend(chain.iter().copied());
            let Some(reference) = &def.reference else {
                continue;
            };
            chain.push(name);
            self.push(
                Code::RefLoop,
                reference.span,
                format!(
                    "`$ref`s loop without reaching a member or element ({}): filtering a \
                     response would never end",
                    chain.join(" -> ")
                ),
                Some(
                    "replace the `$ref` of one definition in the loop with a schema of its own"
                        .into(),
                ),
            );
        }
    }

    /// `$ref` resolves only as `#/definitions/NAME` in the top-level definitions (§4.1, §4.2).
    fn reference(&mut self, reference: &Located<String>) {
        let r = reference.as_str();
        if r == "#" {
            self.push(
                Code::RootRef,
                reference.span,
                "`$ref: \"#\"` refers to the definitions only, so objects and arrays become null",
                Some("refer to a definition: `#/definitions/NAME`".into()),
            );
            return;
        }
        let Some(name) = r.strip_prefix("#/definitions/") else {
            self.push(
                Code::UnsupportedRef,
                reference.span,
                format!("`{r}` is not a reference the proxy resolves"),
                Some("refer to a top-level definition: `#/definitions/NAME`".into()),
            );
            return;
        };
        let Some(defs) = &self.rules.definitions else {
            if !self.skip.all_definitions {
                self.push(
                    Code::UnresolvedRef,
                    reference.span,
                    format!(
                        "`{r}` refers to a definition, but there is no top-level `definitions`"
                    ),
                    Some(format!(
                        "add `definitions:` with `{name}:` at the top level"
                    )),
                );
            }
            return;
        };
        if defs.contains_key(name)
            || self.skip.definitions.contains(name)
            || self.skip.all_definitions
        {
            return;
        }
        let known: Vec<String> = defs.keys().cloned().collect();
        let help = if let Some((whole, _)) = name.split_once('/')
            && defs.contains_key(whole)
        {
            format!(
                "a `$ref` names a whole definition: the proxy does not follow a path into one, \
                 and looks for a definition named `{name}`; refer to `#/definitions/{whole}`, or \
                 give the part its own definition"
            )
        } else if known.is_empty() {
            format!("`definitions` is empty: add `{name}:` to it")
        } else {
            suggest(name, &known).map_or_else(
                || format!("the definitions are {}", list(&known)),
                |s| format!("did you mean `{s}`?"),
            )
        };
        self.push(
            Code::UnresolvedRef,
            reference.span,
            format!("there is no definition `{name}`"),
            Some(help),
        );
    }

    /// Warns about endpoints that lose requests to an earlier endpoint, since the first endpoint
    /// that allows a request takes it (§5.6). An example request of the later endpoint (its
    /// template's path, or a string its `pathRegex` matches) that both allow, path, parameters,
    /// query and method alike, shows it. Allow-lists of query parameters or methods narrow what
    /// is lost but do not prevent it: a request without a query passes every
    /// `allowedQueryParams`. One finding per shadowed endpoint, naming the first earlier
    /// endpoint that takes an example.
    fn shadowing(&mut self, endpoints: &[(&Located<Endpoint>, Option<Vec<Piece>>)]) {
        // The comparison is quadratic; rules files have at most a few hundred endpoints, and a
        // file with thousands is not worth the time.
        if endpoints.len() > MAX_SHADOWING_ENDPOINTS {
            return;
        }
        let ci = Flags {
            case_insensitive: true,
            ..Flags::default()
        };
        // Each endpoint's request check as the proxy makes it (§5.6), built when first needed.
        let matchers: Vec<OnceCell<Option<Matcher>>> =
            endpoints.iter().map(|_| OnceCell::new()).collect();
        let matcher = |i: usize| {
            matchers[i]
                .get_or_init(|| Matcher::new(endpoints[i].0).ok())
                .as_ref()
        };
        let allows = |i: usize, method: &str, request: &RequestUrl| {
            matcher(i).is_some_and(|m| m.check(endpoints[i].0, method, request).is_ok())
        };
        let accepts: Vec<Accepts> = endpoints.iter().map(|(e, _)| Accepts::of(e)).collect();
        // What a request must start with to match each endpoint: most pairs differ there.
        let prefixes: Vec<Option<String>> = endpoints
            .iter()
            .map(|(e, _)| crate::endpoint::required_prefix(e))
            .collect();
        for (j, (later, later_pieces)) in endpoints.iter().enumerate() {
            let later_regex = later.path_regex.as_ref().filter(|r| !r.trim().is_empty());
            // Example requests: the template's path with a value for each parameter, or a
            // string the regex matches, split at its `?`; each with the query parameters the
            // endpoint requires.
            let samples: Vec<String> = match (later_regex, later_pieces) {
                (None, Some(pieces)) if !has_regex_syntax(pieces) => {
                    vec![sample_path(pieces, later.path_parameter_schemas.as_ref())]
                }
                // A `pathRegex`, or a template whose regex has syntax of its own (`/x{2}`).
                (Some(_), _) | (None, Some(_)) => {
                    matcher(j).map_or_else(Vec::new, |m| m.regex().samples(ci))
                }
                (None, None) => Vec::new(),
            };
            let examples: Vec<(RequestUrl, String)> = samples
                .iter()
                .filter(|s| s.starts_with('/'))
                .map(|s| {
                    let request = example_request(later, s);
                    let file = request.file().to_owned();
                    (request, file)
                })
                .collect();
            // Whether the later endpoint allows each example itself, decided when first needed;
            // within its `allowedMethods` the method makes no difference.
            let later_allows: Vec<OnceCell<bool>> =
                examples.iter().map(|_| OnceCell::new()).collect();
            let own_method = accepts[j].shared_method(&accepts[j]);
            for (i, (earlier, earlier_pieces)) in endpoints[..j].iter().enumerate() {
                let Some(method) = accepts[i].shared_method(&accepts[j]) else {
                    continue;
                };
                let earlier_regex = earlier.path_regex.as_ref().filter(|r| !r.trim().is_empty());
                let same_regex = accepts[i].covers(&accepts[j])
                    && later_regex
                        .is_some_and(|r| earlier_regex.is_some_and(|e| e.value == r.value));
                let earlier_regex_compiled = earlier
                    .path_regex
                    .is_some()
                    .then(|| matcher(i).map(Matcher::regex))
                    .flatten();
                let witness = examples.iter().zip(&later_allows).enumerate().find(
                    |(_, ((request, file), ok))| {
                        path_may_match(
                            earlier,
                            earlier_pieces.as_deref(),
                            earlier_regex_compiled,
                            prefixes[i].as_deref(),
                            request,
                            file,
                        ) && allows(i, method, request)
                            && *ok.get_or_init(|| own_method.is_some_and(|m| allows(j, m, request)))
                    },
                );
                if !same_regex && witness.is_none() {
                    continue;
                }
                let (line, _) = crate::diag::line_col(self.text(), earlier.span.start);
                let span = match (later_regex, &later.path_template) {
                    (Some(regex), _) => regex.span,
                    (None, Some(template)) => template.span,
                    (None, None) => later.span,
                };
                let by = if accepts[i].methods.is_none() && accepts[j].methods.is_none() {
                    "a request".to_owned()
                } else {
                    format!("a {method} request")
                };
                let (request, them) = match witness {
                    _ if same_regex => ("every request it matches".to_owned(), "them"),
                    Some((_, ((_, file), _))) => {
                        (format!("{by} for `{}`", crate::diag::quoted(file)), "it")
                    }
                    None => continue,
                };
                let narrower = "move this endpoint first, or make the earlier one narrower";
                let mut help = match accepts[i].refused_of(&accepts[j]).as_slice() {
                    [] if !accepts[i].validates => {
                        "move the more specific endpoint first, or make the earlier one narrower"
                            .to_owned()
                    }
                    [] => narrower.to_owned(),
                    passing => {
                        // Parameter schemas of the earlier endpoint may refuse others too.
                        let only = if accepts[i].validates { "" } else { "only " };
                        format!(
                            "{only}{} get past the earlier endpoint; {narrower}",
                            passing.join(" and ")
                        )
                    }
                };
                // Not the first example: the earlier endpoint does not take the one that reads
                // the regex's lone `.` as a dot, but takes one with another character there.
                if witness.is_some_and(|(n, _)| n > 0) && !same_regex {
                    help = format!(
                        "the unescaped `.` of this regex matches any character, as in this \
                         example: write `\\.` where a dot is meant; or {help}"
                    );
                }
                self.push(
                    Code::ShadowedEndpoint,
                    self.head(span),
                    format!(
                        "{request} is taken by the earlier endpoint at line {line}, whose \
                         transforms apply to {them} instead of this endpoint's (the first \
                         endpoint that allows a request wins)"
                    ),
                    Some(help),
                );
                break;
            }
        }
    }

    /// Warns about a `pathRegex` that refuses every query beside `allowedQueryParams`: the
    /// regex sees the path with its query and must match it whole (§5.1, §5.3), so the
    /// parameters can never be given. Without `allowedQueryParams` (any query allowed), only a
    /// regex written as a prefix is reported: one without an end anchor or a `?` of its own.
    /// A regex that ends in `$` says where the request ends, as `allowedQueryParams: []` would.
    /// Beside a `pathTemplate` the regex is also tried against the path alone (§5.6), so a
    /// query never makes it refuse a request.
    fn regex_refusing_queries(
        &mut self,
        endpoint: &Endpoint,
        regex: &Located<String>,
        flags: Flags,
    ) {
        if endpoint.path_template.is_some() {
            return;
        }
        let Ok(compiled) = Regex::new(regex, flags) else {
            return;
        };
        let param = match endpoint.allowed_query_params.as_deref() {
            Some([first, ..]) => first.as_str(),
            Some([]) => return,
            None if compiled.ends_anchored(flags) || compiled.has_literal('?', flags) => return,
            None => "x",
        };
        let Some(path) = compiled.sample(flags).filter(|s| !s.contains('?')) else {
            return;
        };
        let example = format!("{path}?{param}=1");
        if compiled.is_full_match(&example).unwrap_or(true) {
            return;
        }
        let example = crate::diag::quoted(&example);
        let (message, help) = if endpoint.allowed_query_params.is_some() {
            (
                format!(
                    "this `pathRegex` sees the path with its query and refuses any query, so \
                     `allowedQueryParams` never applies (`{example}` does not match)"
                ),
                "end the regex with `(?:[?].*)?$` to allow a query after the path",
            )
        } else {
            (
                format!(
                    "this `pathRegex` is matched against the path with its query, whole, not as \
                     a prefix: every request with a query is refused (`{example}` does not match)"
                ),
                "end the regex with `(?:[?].*)?$` to allow a query after the path, or add \
                 `allowedQueryParams: []` if the endpoint takes none",
            )
        };
        self.push(
            Code::RegexRefusesQuery,
            self.head(regex.span),
            message,
            Some(help.into()),
        );
    }
}

/// Files with more endpoints are not checked for shadowing.
const MAX_SHADOWING_ENDPOINTS: usize = 2000;

/// What an endpoint accepts besides its path: the sets of methods (upper case) and query
/// parameter names (lower case), `None` meaning any, and whether it validates parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Accepts {
    methods: Option<BTreeSet<String>>,
    query: Option<BTreeSet<String>>,
    validates: bool,
}

impl Accepts {
    fn of(endpoint: &Endpoint) -> Accepts {
        fn set<S: AsRef<str>>(v: Option<&[S]>, f: fn(&str) -> String) -> Option<BTreeSet<String>> {
            v.map(|v| v.iter().map(|s| f(s.as_ref())).collect())
        }
        // An entry that no method equals (`get `, R061) allows nothing.
        let methods = endpoint.allowed_methods.as_deref().map(|methods| {
            methods
                .iter()
                .filter(|m| !m.is_empty() && m.chars().all(is_method_char))
                .map(|m| m.to_ascii_uppercase())
                .collect()
        });
        Accepts {
            methods,
            query: set(
                endpoint.allowed_query_params.as_deref(),
                str::to_ascii_lowercase,
            ),
            validates: endpoint.path_parameter_schemas.is_some()
                || endpoint.query_param_schemas.is_some(),
        }
    }

    /// Whether `self` (an earlier endpoint) accepts every method and query parameter `later`
    /// accepts, and validates nothing that could make it not match.
    fn covers(&self, later: &Accepts) -> bool {
        !self.validates && self.refused_of(later).is_empty()
    }

    /// A method both allow, for an example request: `GET` where both allow it, else the first
    /// in order; `None` when they share none.
    fn shared_method<'a>(&'a self, other: &'a Accepts) -> Option<&'a str> {
        let both = |m: &str| {
            [&self.methods, &other.methods]
                .iter()
                .all(|set| set.as_ref().is_none_or(|s| s.contains(m)))
        };
        if both("GET") {
            return Some("GET");
        }
        self.methods
            .iter()
            .chain(&other.methods)
            .flatten()
            .map(String::as_str)
            .find(|m| both(m))
    }

    /// The requests of `later` that `self` (an earlier endpoint) refuses for their method or
    /// query parameters, in words; empty when it allows every method and parameter `later`
    /// does.
    fn refused_of(&self, later: &Accepts) -> Vec<String> {
        let ticked = |names: Vec<&String>| -> Vec<String> {
            names.iter().map(|n| format!("`{n}`")).collect()
        };
        let mut refused = Vec::new();
        if let Some(earlier) = &self.methods {
            match &later.methods {
                None if earlier.is_empty() => refused.push("requests".to_owned()),
                None => refused.push(format!(
                    "requests by a method other than {}",
                    or_list(&earlier.iter().cloned().collect::<Vec<_>>())
                )),
                Some(later) => {
                    let extra: Vec<String> = later.difference(earlier).cloned().collect();
                    if !extra.is_empty() {
                        refused.push(format!("{} requests", or_list(&extra)));
                    }
                }
            }
        }
        if let Some(earlier) = &self.query {
            match &later.query {
                None if earlier.is_empty() => refused.push("requests with a query".to_owned()),
                None => refused.push(format!(
                    "requests with a query parameter other than {}",
                    or_list(&ticked(earlier.iter().collect()))
                )),
                Some(later) => {
                    let extra = ticked(later.difference(earlier).collect());
                    if !extra.is_empty() {
                        refused.push(format!("requests with {}", or_list(&extra)));
                    }
                }
            }
        }
        refused
    }
}

/// How a transform that pseudonymizes treats a value an earlier one already pseudonymized, for
/// R059: its regex, where it rewrites only what that matches (`pseudonymizeRegexMatches`, and
/// `tokenize` with `regex`, §2.4, §2.9), and what it writes, for a later one to be tried on.
struct Rehash {
    /// `None`: it hashes the whole value (or its regex does not compile). `true` beside the
    /// regex: `tokenize`'s, which must match the whole value.
    regex: Option<(Regex, bool)>,
    /// Examples of its output with the place of the pseudonym in each (`pseudonyms_written`).
    written: Option<Vec<(String, std::ops::Range<usize>)>>,
}

impl Rehash {
    fn of(kind: &TransformKind) -> Rehash {
        let regex = match kind {
            TransformKind::PseudonymizeRegexMatches(o) => o.regex.as_ref().map(|r| (r, false)),
            TransformKind::Tokenize(o) => o.regex.as_ref().map(|r| (r, true)),
            _ => None,
        };
        Rehash {
            regex: regex
                .and_then(|(r, whole)| Some((Regex::new(r, Flags::default()).ok()?, whole))),
            written: pseudonyms_written(kind),
        }
    }
}

/// Whether `later`, applied to a value that `earlier` pseudonymized, can hash a pseudonym again.
/// It always can when it hashes the whole value. A regex rewrites only what it matches: it can
/// when what it replaces in an example of `earlier`'s output reaches into the pseudonym, so that
/// a second regex over one text (mentions, then email addresses) is not taken for a second hash.
/// Where that cannot be told (a regex that does not compile, an output with no example, as the
/// `JSON` encoding's), it can.
fn rehashes(earlier: &Rehash, later: &Rehash) -> bool {
    let (Some((regex, whole)), Some(outputs)) = (&later.regex, &earlier.written) else {
        return true;
    };
    let whole = *whole;
    outputs.iter().any(|(text, token)| {
        let replaced =
            |m: &crate::jregex::Match| m.group(usize::from(regex.group_count() > 0 || whole));
        let reaches = |span: Option<(usize, usize)>| {
            span.is_some_and(|(s, e)| s < e && s < token.end && token.start < e)
        };
        if whole {
            // `tokenize` rewrites group 1 of a match of the whole value.
            return regex
                .full_match(text)
                .map_or(true, |m| reaches(m.as_ref().and_then(replaced)));
        }
        regex
            .find_iter(text)
            .any(|m| m.map_or(true, |m| reaches(replaced(&m))))
    })
}

/// Examples of what `kind` writes into a value it pseudonymizes, each with the byte range of
/// the pseudonym in it; `None` where there is no example to make.
fn pseudonyms_written(kind: &TransformKind) -> Option<Vec<(String, std::ops::Range<usize>)>> {
    const HASHED: &str = "t~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk";
    const REVERSIBLE: &str = "p~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMnKYUk8FJevl3wvFyZY0eF-";
    let none = Flags::default();
    // The pattern whose group 1 (or match) becomes the pseudonym, and whether the result may
    // end in an email address's `@domain`.
    let (regex, domain) = match kind {
        TransformKind::Pseudonymize(o) if o.encoding == Encoding::UrlSafeToken => (None, true),
        TransformKind::PseudonymizeEmailHeader(o) if o.encoding == Encoding::UrlSafeToken => {
            (None, true)
        }
        TransformKind::Tokenize(o) => match &o.regex {
            Some(r) => (Some(Regex::new(r, none).ok()?), false),
            None => (None, false),
        },
        TransformKind::PseudonymizeRegexMatches(o) => {
            let r = Regex::new(o.regex.as_ref()?, none).ok()?;
            let domain = r.group_may_hold(usize::from(r.group_count() > 0), '@', none);
            (Some(r), domain)
        }
        _ => return None,
    };
    let mut tokens = vec![REVERSIBLE.to_owned()];
    if !matches!(kind, TransformKind::Tokenize(_)) {
        tokens.push(HASHED.to_owned());
    }
    if domain {
        let with_domain: Vec<String> = tokens.iter().map(|t| format!("{t}@example.com")).collect();
        tokens.extend(with_domain);
    }
    // Around a regex's pseudonym stands the rest of its match, as in `<@t~…>`.
    let (before, after) = match &regex {
        None => (String::new(), String::new()),
        Some(r) => {
            let sample = r.sample(none)?;
            let m = r.full_match(&sample).ok()??;
            let (s, e) = m.group(usize::from(r.group_count() > 0))?;
            (sample[..s].to_owned(), sample[e..].to_owned())
        }
    };
    Some(
        tokens
            .into_iter()
            .map(|t| {
                let token = before.len()..before.len() + t.len();
                (format!("{before}{t}{after}"), token)
            })
            .collect(),
    )
}

/// Whether a transform replaces what it selects with pseudonyms that a later transform of the
/// same kind would hash again.
fn hashes(kind: &TransformKind) -> bool {
    matches!(
        kind,
        TransformKind::Pseudonymize(_)
            | TransformKind::PseudonymizeEmailHeader(_)
            | TransformKind::PseudonymizeRegexMatches(_)
            | TransformKind::Tokenize(_)
    )
}

/// The methods of HTTP (RFC 9110 §9, RFC 5789).
const KNOWN_METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

/// Whether `c`, upper-cased as the proxy upper-cases methods, is a character of a method, which
/// is a token (RFC 9110 §9.1). Java and Rust upper-case alike: `ı` becomes `I`, so it is one.
fn is_method_char(c: char) -> bool {
    c.to_uppercase().all(crate::endpoint::is_token_char)
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A template's path with a value for each parameter: one its schema may accept, else `1`.
fn sample_path(
    pieces: &[Piece],
    schemas: Option<&BTreeMap<String, Located<ParameterSchema>>>,
) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Literal(s) => s.clone(),
            Piece::Param { name, .. } => schemas
                .and_then(|s| s.get(name))
                .map_or_else(|| "1".to_owned(), |schema| example_value(schema)),
        })
        .collect()
}

/// The request for `file` (a path, or a path with its query after `?`), with each query
/// parameter `endpoint` requires and `file` lacks added.
fn example_request(endpoint: &Endpoint, file: &str) -> RequestUrl {
    let (path, mut query) = match file.split_once('?') {
        Some((path, query)) => (path, Some(query.to_owned())),
        None => (file, None),
    };
    let given: Vec<String> = query
        .as_deref()
        .map(parse_query)
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.name)
        .collect();
    let required = endpoint
        .query_param_schemas
        .iter()
        .flatten()
        .filter(|(name, schema)| {
            schema.required == Some(true) && !given.iter().any(|g| java_equals_ignore_case(g, name))
        });
    for (name, schema) in required {
        let pair = format!("{name}={}", example_value(&schema.as_parameter_schema()));
        query = Some(match query {
            Some(q) if !q.is_empty() => format!("{q}&{pair}"),
            _ => pair,
        });
    }
    RequestUrl::new(path.to_owned(), query)
}

/// A parameter value for an example request that `schema` may accept: its first `enum` value,
/// a pseudonym for a `format`, a string its `pattern` matches, else `1`. The endpoint's own
/// check decides whether it does.
fn example_value(schema: &ParameterSchema) -> String {
    if let Some(first) = schema.enum_values.as_ref().and_then(|v| v.first()) {
        return first.clone();
    }
    if schema.format.is_some() {
        return format!("p~{}", "a".repeat(43));
    }
    let from_pattern = schema.pattern.as_ref().and_then(|p| {
        Regex::new(p, Flags::default())
            .ok()?
            .sample(Flags::default())
    });
    if let Some(sample) = from_pattern {
        return sample;
    }
    match schema.any_of.as_ref().and_then(|a| a.first()) {
        Some(first) => example_value(first),
        None => "1".to_owned(),
    }
}

/// Whether `request` (`file` being its path and query) may match `endpoint`'s path: a cheap
/// test that rules out most pairs before the proxy's own check, and never says no where that
/// check could say yes.
fn path_may_match(
    endpoint: &Endpoint,
    pieces: Option<&[Piece]>,
    regex: Option<&Regex>,
    prefix: Option<&str>,
    request: &RequestUrl,
    file: &str,
) -> bool {
    let has_regex = endpoint.path_regex.is_some();
    let target = if has_regex { file } else { &request.path };
    if prefix.is_some_and(|p| !crate::endpoint::starts_with_ignoring_ascii_case(target, p)) {
        return false;
    }
    match (regex, pieces) {
        // Beside a template the regex is also tried on the path alone (§5.6).
        (Some(re), _) => {
            re.is_full_match(file).unwrap_or(true)
                || (endpoint.path_template.is_some()
                    && re.is_full_match(&request.path).unwrap_or(true))
        }
        (None, Some(pieces)) if !has_regex && !has_regex_syntax(pieces) => {
            template_matches(pieces, &request.path)
        }
        _ => true,
    }
}

/// Whether a template has text outside its parameters that its regex reads as syntax: `{`, `}`,
/// `|` or `\`, which the proxy leaves unescaped (§5.2). Its literal pieces then do not say what
/// it matches; its regex does.
fn has_regex_syntax(pieces: &[Piece]) -> bool {
    pieces.iter().any(|p| match p {
        Piece::Literal(text) => text.contains(['{', '}', '|', '\\']),
        Piece::Param { .. } => false,
    })
}

/// The first regex construct in the template `s`, as its offset and length: a class (`[^/]`),
/// `.*` or `.+`, a group `(?…)`, or an anchor at its start or end.
fn regex_construct(s: &str) -> Option<(usize, usize)> {
    let class = s
        .find('[')
        .and_then(|i| s[i..].find(']').map(|j| (i, j + 1)));
    let any = ["(?", ".*", ".+"]
        .iter()
        .filter_map(|p| s.find(p).map(|i| (i, p.len())))
        .min();
    let anchor = if s.starts_with('^') {
        Some((0, 1))
    } else if s.ends_with('$') {
        Some((s.len() - 1, 1))
    } else {
        None
    };
    [class, any, anchor].into_iter().flatten().min()
}

/// The first regex syntax that a template keeps (§5.2 escapes neither `|` nor `\`): a `|`,
/// which splits the template's regex into two matched whole, or a class escape such as `\d`
/// or `\w`, as start and end offsets.
fn kept_regex_syntax(s: &str) -> Option<(usize, usize)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'|' => return Some((i, i + 1)),
            // An escape is read whole: `\|` is a `|`, `\\d` a backslash and a `d`.
            b'\\' => match bytes.get(i + 1) {
                Some(c) if b"dDwWsShHvV".contains(c) => return Some((i, i + 2)),
                _ => i += 2,
            },
            _ => i += 1,
        }
    }
    None
}

/// `s` cut at each `|` that is no escaped one, as the template's regex is cut into whole
/// alternatives.
fn alternatives_of(s: &str) -> Vec<&str> {
    let bytes = s.as_bytes();
    let mut parts = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'|' => {
                parts.push(&s[start..i]);
                start = i + 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    parts.push(&s[start..]);
    parts
}

/// A parameter name (`[A-Za-z][A-Za-z0-9]*`, §5.2) for braces that hold none: `org_id` and
/// `org-id` become `orgId`, keeping a final `?`; `None` when no letter comes first.
fn parameter_name_like(inner: &str) -> Option<String> {
    let (body, optional) = match inner.strip_suffix('?') {
        Some(body) => (body, "?"),
        None => (inner, ""),
    };
    let mut name = String::new();
    for word in body.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        match chars.next() {
            None => {}
            Some(first) if name.is_empty() => name.push(first),
            Some(first) => name.push(first.to_ascii_uppercase()),
        }
        name.extend(chars);
    }
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        .then(|| format!("{name}{optional}"))
}

/// Whether a template matches `path` as its regex would (§5.2): literals ignoring ASCII case,
/// `{p}` one or more characters other than `/`, `{p?}` zero or more. The places each piece can
/// end at are carried from piece to piece, so adjacent parameters take polynomial time.
fn template_matches(pieces: &[Piece], path: &str) -> bool {
    let mut reach = vec![false; path.len() + 1];
    reach[0] = true;
    for piece in pieces {
        let mut next = vec![false; path.len() + 1];
        for at in (0..=path.len()).filter(|&at| reach[at]) {
            match piece {
                Piece::Literal(lit) => {
                    if path
                        .get(at..at + lit.len())
                        .is_some_and(|head| head.eq_ignore_ascii_case(lit))
                    {
                        next[at + lit.len()] = true;
                    }
                }
                Piece::Param { optional, .. } => {
                    let segment_end = path[at..].find('/').map_or(path.len(), |i| at + i);
                    let first = at + usize::from(!*optional);
                    for end in (first..=segment_end).filter(|&n| path.is_char_boundary(n)) {
                        next[end] = true;
                    }
                }
            }
        }
        reach = next;
    }
    reach[path.len()]
}

/// The help for a parameter `format` the proxy does not know: a pseudonym format misspelt is
/// named; anything else (`date`, `email`, `uuid`) is a wish to check the value's form, which
/// only `pattern` does.
fn format_help(format: &str) -> String {
    const KNOWN: [&str; 2] = ["reversible-pseudonym", "pseudonym"];
    let known: Vec<String> = KNOWN.iter().map(|k| (*k).to_owned()).collect();
    if let Some(meant) = suggest(format, &known) {
        format!("use `{meant}`")
    } else if format.to_ascii_lowercase().contains("pseudonym") {
        "use `reversible-pseudonym` or `pseudonym`".into()
    } else {
        "to check the form of the value, use `pattern`, a Java regex that the whole value must \
         match; `format` takes only `reversible-pseudonym` or `pseudonym`, for a value that is a \
         reversible pseudonym"
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{PseudonymizeOptions, PseudonymizeRegexMatchesOptions, TokenizeOptions};

    /// The pieces of a template and its findings.
    fn checked(template: &str) -> (Option<Vec<Piece>>, Vec<Diagnostic>) {
        let rules = Rules::default();
        let mut c = Checker {
            rules: &rules,
            source: &rules.source,
            skip: &Skip::default(),
            diags: Vec::new(),
        };
        let pieces = c.template(&Located::unlocated(template.to_owned()));
        (pieces, c.diags)
    }

    /// The pieces of a template and the codes of its findings.
    fn split(template: &str) -> (Option<Vec<Piece>>, Vec<&'static str>) {
        let (pieces, diags) = checked(template);
        (pieces, diags.iter().map(|d| d.code).collect())
    }

    fn pieces(template: &str) -> Vec<Piece> {
        split(template).0.expect("well-formed")
    }

    #[test]
    fn an_unknown_parameter_format_is_told_to_use_pattern_unless_a_pseudonym_format_was_meant() {
        for wish in ["date", "date-time", "email", "uuid"] {
            assert!(
                format_help(wish).starts_with("to check the form of the value, use `pattern`"),
                "{wish}: {}",
                format_help(wish)
            );
        }
        assert_eq!(
            format_help("ReversiblePseudonym"),
            "use `reversible-pseudonym`"
        );
        assert_eq!(format_help("pseudonyms"), "use `pseudonym`");
        assert_eq!(
            format_help("hashed-pseudonym-v2"),
            "use `reversible-pseudonym` or `pseudonym`"
        );
    }

    #[test]
    fn template_pieces_split_parameters_from_text() {
        assert_eq!(
            pieces("/v2/users/{userId}/x{opt?}"),
            vec![
                Piece::Literal("/v2/users/".into()),
                Piece::Param {
                    name: "userId".into(),
                    optional: false
                },
                Piece::Literal("/x".into()),
                Piece::Param {
                    name: "opt".into(),
                    optional: true
                },
            ]
        );
    }

    #[test]
    fn a_brace_that_closes_nothing_is_literal_text_and_only_a_warning() {
        let (pieces, codes) = split("/a/{id}}");
        assert_eq!(codes, vec!["R032"]);
        assert_eq!(
            pieces,
            Some(vec![
                Piece::Literal("/a/".into()),
                Piece::Param {
                    name: "id".into(),
                    optional: false
                },
                Piece::Literal("}".into()),
            ])
        );
        assert_eq!(
            messages("/a/x}")[0],
            "R032: `}` without a matching `{` stays literal text, so the template does not \
             match real paths"
        );
        // An open `{` is still an error: the proxy's regex does not compile.
        assert_eq!(split("/a/{id").1, vec!["R031"]);
    }

    #[test]
    fn invalid_parameter_name_makes_the_template_unusable() {
        assert_eq!(split("/orgs/{org_id}"), (None, vec!["R032", "R035"]));
    }

    /// The messages of a template's findings.
    fn messages(template: &str) -> Vec<String> {
        checked(template)
            .1
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect()
    }

    #[test]
    fn braces_that_are_no_parameter_are_literal_text_only_where_the_regex_compiles() {
        for (template, inner) in [
            ("/v2/users/{user_id}/meetings", "user_id"),
            ("/a/{}", ""),
            ("/a/{1a}", "1a"),
        ] {
            let found = messages(template);
            assert_eq!(
                found[0],
                format!(
                    "R032: `{{{inner}}}` is not a parameter, so the proxy leaves these braces in \
                     the template's regex, where they are not valid regex syntax"
                ),
                "{template}"
            );
            assert!(found[1].starts_with("R035: "), "{found:?}");
            assert!(!found.iter().any(|m| m.contains("literal")), "{found:?}");
        }
        assert_eq!(
            messages(r"/a/\{org_id\}"),
            vec![
                "R032: `{org_id}` is not a parameter and stays literal text, so the template does \
                 not match real paths"
            ]
        );
    }

    #[test]
    fn a_name_is_suggested_for_braces_holding_words() {
        assert_eq!(parameter_name_like("user_id").as_deref(), Some("userId"));
        assert_eq!(parameter_name_like("user-id?").as_deref(), Some("userId?"));
        assert_eq!(parameter_name_like("a b"), Some("aB".into()));
        assert_eq!(parameter_name_like("1a"), None);
        assert_eq!(parameter_name_like(""), None);
        assert_eq!(parameter_name_like("_"), None);
    }

    #[test]
    fn a_repetition_count_is_kept_as_regex_text_without_a_finding() {
        let (parts, codes) = split("/x{2}/{id}");
        assert!(codes.is_empty(), "{codes:?}");
        let parts = parts.expect("well-formed");
        assert_eq!(parts[0], Piece::Literal("/x{2}/".into()));
        assert!(has_regex_syntax(&parts));
        assert!(!has_regex_syntax(&pieces("/a/{b}")));
    }

    #[test]
    fn template_matching_is_per_segment_and_ascii_case_insensitive() {
        let p = pieces("/v2/Users/{userId}/meetings");
        assert!(template_matches(&p, "/v2/users/abc/meetings"));
        assert!(!template_matches(&p, "/v2/users/a/b/meetings"));
        assert!(!template_matches(&p, "/v2/users//meetings"));
        let optional = pieces("/a/{x?}");
        assert!(template_matches(&optional, "/a/"));
        assert!(template_matches(&pieces("/é{a}/{b?}"), "/éé/"));
        assert!(!template_matches(&pieces("/{a}{b}"), "/é"));
        // Adjacent parameters: each split of the segment is tried once, not once per way of
        // reaching it (20 parameters took exponential time).
        let template: String = (0..20)
            .flat_map(|i| ['{', 'p', char::from(b'a' + i), '}'])
            .collect();
        let adjacent = pieces(&format!("/{template}x"));
        let a = "a".repeat(80);
        assert!(!template_matches(&adjacent, &format!("/{a}")));
        assert!(template_matches(&adjacent, &format!("/{a}x")));
        assert!(!template_matches(&adjacent, "/aaax"));
    }

    #[test]
    fn sample_path_replaces_parameters() {
        assert_eq!(sample_path(&pieces("/a/{b}/c"), None), "/a/1/c");
    }

    #[test]
    fn covers_needs_a_superset_of_methods() {
        let allowing = |method: &str| Endpoint {
            allowed_methods: Some(Located::unlocated(vec![Located::unlocated(method.into())])),
            ..Endpoint::default()
        };
        let later = Accepts::of(&allowing("get"));
        assert!(Accepts::of(&allowing("GET")).covers(&later));
        assert!(!Accepts::of(&allowing("POST")).covers(&later));
    }

    #[test]
    fn a_method_is_made_of_token_characters_once_upper_cased() {
        for c in ['a', 'Z', '7', '-', '~', '\u{131}'] {
            assert!(is_method_char(c), "{c}");
        }
        for c in [' ', '\t', ',', '(', '"', '\u{e9}'] {
            assert!(!is_method_char(c), "{c}");
        }
    }

    #[test]
    fn shared_method_prefers_get_and_is_none_without_one() {
        let accepts = |methods: Option<&[&str]>| Accepts {
            methods: methods.map(|m| m.iter().map(|s| (*s).to_owned()).collect()),
            ..Accepts::default()
        };
        let any = accepts(None);
        assert_eq!(any.shared_method(&any), Some("GET"));
        let post_get = accepts(Some(&["POST", "GET"]));
        assert_eq!(any.shared_method(&post_get), Some("GET"));
        let post_put = accepts(Some(&["PUT", "POST"]));
        assert_eq!(post_get.shared_method(&post_put), Some("POST"));
        assert_eq!(accepts(Some(&["GET"])).shared_method(&post_put), None);
    }

    #[test]
    fn refused_of_names_the_methods_and_parameters_that_get_past_the_earlier_endpoint() {
        let accepts = |methods: Option<&[&str]>, query: Option<&[&str]>| {
            let set = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
            Accepts {
                methods: methods.map(set),
                query: query.map(set),
                validates: false,
            }
        };
        let earlier = accepts(Some(&["GET"]), Some(&["channel"]));
        assert_eq!(
            earlier.refused_of(&accepts(
                Some(&["GET", "POST", "PUT"]),
                Some(&["channel", "limit"])
            )),
            ["POST or PUT requests", "requests with `limit`"]
        );
        assert_eq!(
            earlier.refused_of(&accepts(None, None)),
            [
                "requests by a method other than GET",
                "requests with a query parameter other than `channel`"
            ]
        );
        assert_eq!(
            accepts(None, Some(&[])).refused_of(&accepts(None, None)),
            ["requests with a query"]
        );
        assert!(earlier.refused_of(&earlier).is_empty());
    }

    #[test]
    fn an_example_request_adds_the_query_parameters_the_endpoint_requires() {
        let mut schemas = BTreeMap::new();
        schemas.insert(
            "since".to_owned(),
            Located::unlocated(QueryParameterSchema {
                required: Some(true),
                enum_values: Some(vec!["today".into()]),
                ..QueryParameterSchema::default()
            }),
        );
        let endpoint = Endpoint {
            query_param_schemas: Some(schemas),
            ..Endpoint::default()
        };
        let request = example_request(&endpoint, "/a?page=2");
        assert_eq!(request.file(), "/a?page=2&since=today");
        assert_eq!(
            example_request(&endpoint, "/a?SINCE=3").file(),
            "/a?SINCE=3"
        );
        assert_eq!(example_request(&Endpoint::default(), "/a").query, None);
    }

    #[test]
    fn an_endpoint_allowing_any_query_is_not_covered_by_a_restricted_one() {
        let earlier = Accepts::of(&Endpoint {
            allowed_query_params: Some(vec!["page".into()]),
            ..Endpoint::default()
        });
        assert!(!earlier.covers(&Accepts::of(&Endpoint::default())));
        assert!(Accepts::of(&Endpoint::default()).covers(&earlier));
    }

    fn regex_matches(regex: &str) -> TransformKind {
        TransformKind::PseudonymizeRegexMatches(PseudonymizeRegexMatchesOptions {
            regex: Some(Located::unlocated(regex.to_owned())),
            ..PseudonymizeRegexMatchesOptions::default()
        })
    }

    fn rehashes(earlier: &TransformKind, later: &TransformKind) -> bool {
        super::rehashes(&Rehash::of(earlier), &Rehash::of(later))
    }

    #[test]
    fn a_later_regex_hashes_again_only_what_reaches_into_a_pseudonym() {
        let whole = TransformKind::Pseudonymize(PseudonymizeOptions::default());
        let mentions = regex_matches(r"<@(U[A-Z0-9]+)(?:\|[^>]*)?>");
        let emails = regex_matches(r"([\w.+-]+@[\w-]+\.[\w.]+)");
        let smtp = regex_matches("(?i)^smtp:(.*)$");
        // Mentions, then email addresses in the same text: neither sees the other's pseudonyms.
        assert!(!rehashes(&mentions, &emails));
        assert!(!rehashes(&emails, &mentions));
        assert!(!rehashes(&whole, &mentions));
        // An email address's pseudonym keeps its domain, which an email regex matches.
        assert!(rehashes(&whole, &emails));
        assert!(rehashes(&emails, &emails));
        // `SMTP:t~…@domain` still starts with `SMTP:`.
        assert!(rehashes(&smtp, &smtp));
        assert!(rehashes(&mentions, &regex_matches("<@([^>]+)>")));
        // A whole-value transform always hashes again.
        assert!(rehashes(&mentions, &whole));
        // No example of the JSON encoding's output is made: it counts.
        let json = TransformKind::Pseudonymize(PseudonymizeOptions {
            encoding: Encoding::Json,
            ..PseudonymizeOptions::default()
        });
        assert!(rehashes(&json, &mentions));
        // `tokenize` rewrites group 1 of a match of the whole value.
        let tokenize = |r: &str| {
            TransformKind::Tokenize(TokenizeOptions {
                regex: Some(Located::unlocated(r.to_owned())),
            })
        };
        assert!(!rehashes(&whole, &tokenize("^https://x/users/([^/]+)/.*$")));
        assert!(rehashes(&whole, &tokenize("^(.*)$")));
    }
}
