//! The readable per-endpoint summary printed by `compile`: matcher, allow-lists, and each augment
//! and transform with its options and its paths in canonical form.

use std::fmt::Write as _;

use super::model::{AugmentKind, Endpoint, Rules, Transform, TransformKind};
use super::span::Located;
use crate::jsonpath;

/// The summary of `rules`, one block per endpoint.
pub fn render(rules: &Rules) -> String {
    let mut out = String::new();
    let name = rules.source.name();
    let n = rules.endpoints.len();
    let _ = writeln!(out, "{name}: {n} endpoint{}", if n == 1 { "" } else { "s" });
    if *rules.allow_all_endpoints {
        out.push_str("allowAllEndpoints: unmatched responses pass through unchanged\n");
    }
    if let Some(defs) = &rules.definitions {
        let names: Vec<&str> = defs.keys().map(String::as_str).collect();
        let _ = writeln!(out, "definitions: {}", names.join(", "));
    }
    let lines = crate::diag::LineStarts::new(rules.source.text());
    for (i, endpoint) in rules.endpoints.iter().enumerate() {
        out.push('\n');
        let line = lines.line(endpoint.span.start);
        endpoint_block(&mut out, i + 1, line, endpoint);
    }
    out
}

fn endpoint_block(out: &mut String, number: usize, line: u32, endpoint: &Located<Endpoint>) {
    let _ = writeln!(out, "endpoint {number} (line {line})");
    match (&endpoint.path_regex, &endpoint.path_template) {
        (Some(regex), _) if !regex.trim().is_empty() => {
            let _ = writeln!(out, "  match      regex {}", regex.as_str());
        }
        (_, Some(template)) => {
            let _ = writeln!(out, "  match      template {}", template.as_str());
        }
        _ => out.push_str("  match      nothing\n"),
    }
    let _ = writeln!(
        out,
        "  methods    {}",
        allow_list(endpoint.allowed_methods.as_deref(), "any")
    );
    let _ = writeln!(
        out,
        "  query      {}",
        allow_list(endpoint.allowed_query_params.as_deref(), "any")
    );
    for (name, _) in endpoint.path_parameter_schemas.iter().flatten() {
        let _ = writeln!(out, "  path param {name}: validated");
    }
    for (name, schema) in endpoint.query_param_schemas.iter().flatten() {
        let required = if schema.required == Some(true) {
            ", required"
        } else {
            ""
        };
        let _ = writeln!(out, "  query param {name}: validated{required}");
    }
    if endpoint.response_schema.is_some() {
        out.push_str("  filter     responseSchema\n");
    }
    for augment in &endpoint.augments {
        let options = match &augment.kind {
            AugmentKind::TextDigest(o) => keywords(&o.keywords),
            AugmentKind::SentenceMetadata(_) => " (not applied)".to_owned(),
        };
        let _ = writeln!(out, "  augment    {}{options}", augment.kind.name());
        if let Some(inner) = &augment.inner_json_path {
            let _ = writeln!(out, "               inner {}", canonical(inner));
        }
        paths(out, &augment.json_paths);
    }
    for (i, transform) in endpoint.transforms.iter().enumerate() {
        transform_block(out, i + 1, transform);
    }
}

fn transform_block(out: &mut String, number: usize, transform: &Transform) {
    let options = options(&transform.kind);
    let _ = writeln!(
        out,
        "  transform {number} {}{}",
        transform.kind.name(),
        if options.is_empty() {
            String::new()
        } else {
            format!("  {}", options.join(" "))
        }
    );
    if let Some(guard) = &transform.apply_only_when
        && !guard.trim().is_empty()
    {
        let _ = writeln!(out, "               when {}", canonical(guard));
    }
    paths(out, &transform.json_paths);
}

/// Every option of a kind, defaults included, as `name=value`: strings quoted with JSON's
/// escapes and lists as JSON arrays, so that a space, a comma or a bracket inside a value
/// cannot be read as the end of it; booleans and encodings (names from a fixed set) bare, and
/// an absent value as a bare `(word)`.
fn options(kind: &TransformKind) -> Vec<String> {
    let located = |list: &[Located<String>]| strings(list.iter().map(Located::as_str));
    let plain = |list: &[String]| strings(list.iter().map(String::as_str));
    match kind {
        TransformKind::Redact | TransformKind::HashIp | TransformKind::EncryptIp => Vec::new(),
        TransformKind::RedactRegexMatches(o) => {
            vec![format!("redactions={}", located(&o.redactions))]
        }
        TransformKind::RedactExceptPhrases(o) => {
            vec![format!("allowedPhrases={}", plain(&o.allowed_phrases))]
        }
        TransformKind::RedactExceptSubstringsMatchingRegexes(o) => {
            vec![format!("exceptions={}", located(&o.exceptions))]
        }
        TransformKind::Pseudonymize(o) => vec![
            format!("encoding={}", o.encoding.name()),
            format!("includeReversible={}", o.include_reversible),
            format!("includeOriginal={}", o.include_original),
        ],
        TransformKind::PseudonymizeEmailHeader(o) => {
            vec![format!("encoding={}", o.encoding.name())]
        }
        TransformKind::PseudonymizeRegexMatches(o) => vec![
            format!(
                "regex={}",
                o.regex
                    .as_ref()
                    .map_or_else(|| "(none)".to_owned(), |r| json_string(r))
            ),
            format!("includeReversible={}", o.include_reversible),
        ],
        TransformKind::FilterTokenByRegex(o) => vec![
            format!("delimiter={}", json_string(o.delimiter())),
            format!("filters={}", located(&o.filters)),
        ],
        TransformKind::Tokenize(o) => vec![format!(
            "regex={}",
            o.regex
                .as_ref()
                .map_or_else(|| "(whole value)".to_owned(), |r| json_string(r))
        )],
        TransformKind::TextDigest(o) => {
            let mut v = vec![
                format!("keywords={}", plain(&o.keywords)),
                format!("isJsonEscaped={}", o.is_json_escaped),
            ];
            if let Some(p) = &o.json_path_to_process_when_escaped {
                v.push(format!(
                    "jsonPathToProcessWhenEscaped={}",
                    json_string(&canonical(p))
                ));
            }
            v
        }
    }
}

fn keywords(words: &[String]) -> String {
    if words.is_empty() {
        String::new()
    } else {
        format!("  keywords={}", strings(words.iter().map(String::as_str)))
    }
}

/// `s` as a JSON string, as the proxy's writer escapes it.
fn json_string(s: &str) -> String {
    crate::json::to_compact_string(&crate::json::Value::string(s))
}

/// A list of strings as a JSON array, with a space after each comma.
fn strings<'s>(items: impl Iterator<Item = &'s str>) -> String {
    let items: Vec<String> = items.map(json_string).collect();
    format!("[{}]", items.join(", "))
}

fn allow_list(items: Option<&[String]>, absent: &str) -> String {
    match items {
        None => absent.to_owned(),
        Some([]) => "none".to_owned(),
        Some(items) => items.join(", "),
    }
}

fn paths(out: &mut String, paths: &[Located<String>]) {
    for path in paths {
        let _ = writeln!(out, "               {}", canonical(path));
    }
}

/// A path in the canonical form of the parser, or as written if it does not parse.
fn canonical(path: &Located<String>) -> String {
    jsonpath::parse(path).map_or_else(|_| path.value.clone(), |p| p.to_string())
}
