//! The readable per-endpoint summary printed by `compile`: matcher, allow-lists, and each augment
//! and transform with its options and its paths in canonical form.

use std::fmt::Write as _;

use super::model::{
    AugmentKind, Endpoint, ParameterSchema, ParameterType, Rules, Transform, TransformKind,
};
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
        allow_list(
            endpoint.allowed_methods.as_deref().map(Vec::as_slice),
            "any"
        )
    );
    // A regex reads the query too (§5.3): one ending in `$` refuses every query. With a
    // template beside it, the regex is also tried on the path alone (§5.6).
    let regex = endpoint
        .path_regex
        .as_ref()
        .is_some_and(|r| !r.trim().is_empty())
        && endpoint.path_template.is_none();
    let _ = writeln!(
        out,
        "  query      {}{}",
        allow_list(endpoint.allowed_query_params.as_deref(), "any"),
        if regex {
            "; the regex reads the query too"
        } else {
            ""
        }
    );
    for (name, schema) in endpoint.path_parameter_schemas.iter().flatten() {
        let _ = writeln!(out, "  path param {name}: {}", describe_parameter(schema));
    }
    for (name, schema) in endpoint.query_param_schemas.iter().flatten() {
        let required = if schema.required == Some(true) {
            ", required"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  query param {name}: {}{required}",
            describe_parameter(&schema.as_parameter_schema())
        );
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
        // The proxy swallows an augment's failures: a path that does not parse adds nothing.
        if let Some(inner) = &augment.inner_json_path {
            let inner = augment_path(inner, "the augment adds nothing");
            let _ = writeln!(out, "               inner {inner}");
        }
        for path in &augment.json_paths {
            let _ = writeln!(out, "               {}", augment_path(path, "adds nothing"));
        }
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

/// An option's value as `compile` shows it.
enum OptionValue {
    Bool(bool),
    /// A name from a fixed set (an encoding), shown bare.
    Name(&'static str),
    Text(String),
    List(Vec<String>),
    /// No value; the word says what that means (`none`, `whole value`).
    Absent(&'static str),
}

impl OptionValue {
    /// Strings quoted with JSON's escapes and lists as JSON arrays, so that a space, a comma
    /// or a bracket inside a value cannot be read as the end of it; booleans and names bare,
    /// and an absent value as a bare `(word)`.
    fn text(&self) -> String {
        match self {
            OptionValue::Bool(b) => b.to_string(),
            OptionValue::Name(name) => (*name).to_owned(),
            OptionValue::Text(s) => json_string(s),
            OptionValue::List(items) => strings(items.iter().map(String::as_str)),
            OptionValue::Absent(word) => format!("({word})"),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            OptionValue::Bool(b) => (*b).into(),
            OptionValue::Name(name) => (*name).into(),
            OptionValue::Text(s) => s.as_str().into(),
            OptionValue::List(items) => items.clone().into(),
            OptionValue::Absent(_) => serde_json::Value::Null,
        }
    }
}

/// Every option of a kind, defaults included, by its name in the rules format.
fn option_values(kind: &TransformKind) -> Vec<(&'static str, OptionValue)> {
    use OptionValue::{Absent, Bool, List, Name, Text};
    let located = |list: &[Located<String>]| List(list.iter().map(|s| s.value.clone()).collect());
    match kind {
        TransformKind::Redact | TransformKind::HashIp | TransformKind::EncryptIp => Vec::new(),
        TransformKind::RedactRegexMatches(o) => vec![("redactions", located(&o.redactions))],
        TransformKind::RedactExceptPhrases(o) => {
            vec![("allowedPhrases", List(o.allowed_phrases.clone()))]
        }
        TransformKind::RedactExceptSubstringsMatchingRegexes(o) => {
            vec![("exceptions", located(&o.exceptions))]
        }
        TransformKind::Pseudonymize(o) => vec![
            ("encoding", Name(o.encoding.name())),
            ("includeReversible", Bool(*o.include_reversible)),
            ("includeOriginal", Bool(*o.include_original)),
        ],
        TransformKind::PseudonymizeEmailHeader(o) => vec![("encoding", Name(o.encoding.name()))],
        TransformKind::PseudonymizeRegexMatches(o) => vec![
            (
                "regex",
                o.regex
                    .as_ref()
                    .map_or(Absent("none"), |r| Text(r.value.clone())),
            ),
            ("includeReversible", Bool(o.include_reversible)),
        ],
        TransformKind::FilterTokenByRegex(o) => vec![
            ("delimiter", Text(o.delimiter().to_owned())),
            ("filters", located(&o.filters)),
        ],
        TransformKind::Tokenize(o) => vec![(
            "regex",
            o.regex
                .as_ref()
                .map_or(Absent("whole value"), |r| Text(r.value.clone())),
        )],
        TransformKind::TextDigest(o) => {
            let mut v = vec![
                ("keywords", located(&o.keywords)),
                ("isJsonEscaped", Bool(o.is_json_escaped)),
            ];
            v.push((
                "jsonPathToProcessWhenEscaped",
                o.json_path_to_process_when_escaped
                    .as_ref()
                    .map_or(Absent("none"), |p| Text(canonical(p))),
            ));
            v
        }
    }
}

/// Every option of a kind, defaults included, as `name=value`.
fn options(kind: &TransformKind) -> Vec<String> {
    option_values(kind)
        .iter()
        .map(|(name, value)| format!("{name}={}", value.text()))
        .collect()
}

/// An augment's keywords, shown as a transform's options are: empty ones too.
fn keywords(words: &[Located<String>]) -> String {
    format!("  keywords={}", strings(words.iter().map(Located::as_str)))
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

fn allow_list<S: AsRef<str>>(items: Option<&[S]>, absent: &str) -> String {
    match items {
        None => absent.to_owned(),
        Some([]) => "none".to_owned(),
        Some(items) => items
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<&str>>()
            .join(", "),
    }
}

fn paths(out: &mut String, paths: &[Located<String>]) {
    for path in paths {
        let _ = writeln!(out, "               {}", canonical(path));
    }
}

/// An augment's path as [`canonical`] shows it, followed by `  (does not parse: WHAT)` when
/// it does not parse.
fn augment_path(path: &Located<String>, what: &str) -> String {
    match jsonpath::parse(path) {
        Ok(p) => p.to_string(),
        Err(_) if path.trim().is_empty() => path.value.clone(),
        Err(_) => format!("{}  (does not parse: {what})", path.value),
    }
}

/// A path in the canonical form of the parser, or as written if it does not parse.
fn canonical(path: &Located<String>) -> String {
    jsonpath::parse(path).map_or_else(|_| path.value.clone(), |p| p.to_string())
}

/// The summary of `rules` as JSON, for `compile --format json`: what [`render`] shows, each
/// part a member. Lists that are absent (any method, any query parameter) are `null`; options
/// have their JSON types, an absent one `null`.
pub fn json(rules: &Rules) -> serde_json::Value {
    use serde_json::json;
    let lines = crate::diag::LineStarts::new(rules.source.text());
    let endpoints: Vec<serde_json::Value> = rules
        .endpoints
        .iter()
        .enumerate()
        .map(|(i, endpoint)| {
            let matcher = match (&endpoint.path_regex, &endpoint.path_template) {
                (Some(regex), _) if !regex.trim().is_empty() => json!({"regex": regex.as_str()}),
                (_, Some(template)) => json!({"template": template.as_str()}),
                _ => serde_json::Value::Null,
            };
            let path_params: Vec<serde_json::Value> = endpoint
                .path_parameter_schemas
                .iter()
                .flatten()
                .map(|(name, schema)| {
                    json!({"name": name.as_str(), "schema": parameter_json(schema)})
                })
                .collect();
            let query_params: Vec<serde_json::Value> = endpoint
                .query_param_schemas
                .iter()
                .flatten()
                .map(|(name, schema)| {
                    json!({
                        "name": name.as_str(),
                        "required": schema.required == Some(true),
                        "schema": parameter_json(&schema.as_parameter_schema()),
                    })
                })
                .collect();
            let augments: Vec<serde_json::Value> = endpoint
                .augments
                .iter()
                .map(|augment| {
                    let (keywords, applied) = match &augment.kind {
                        AugmentKind::TextDigest(o) => {
                            (o.keywords.iter().map(|k| k.value.clone()).collect(), true)
                        }
                        AugmentKind::SentenceMetadata(_) => (Vec::new(), false),
                    };
                    json!({
                        "kind": augment.kind.name(),
                        "applied": applied,
                        "keywords": keywords,
                        "innerJsonPath": augment.inner_json_path.as_ref().map(canonical),
                        "jsonPaths": path_list(&augment.json_paths),
                    })
                })
                .collect();
            let transforms: Vec<serde_json::Value> = endpoint
                .transforms
                .iter()
                .enumerate()
                .map(|(t, transform)| {
                    let options: serde_json::Map<String, serde_json::Value> =
                        option_values(&transform.kind)
                            .iter()
                            .map(|(name, value)| ((*name).to_owned(), value.json()))
                            .collect();
                    let guard = transform
                        .apply_only_when
                        .as_ref()
                        .filter(|g| !g.trim().is_empty())
                        .map(canonical);
                    json!({
                        "number": t + 1,
                        "kind": transform.kind.name(),
                        "options": options,
                        "applyOnlyWhen": guard,
                        "jsonPaths": path_list(&transform.json_paths),
                    })
                })
                .collect();
            json!({
                "number": i + 1,
                "line": lines.line(endpoint.span.start),
                "match": matcher,
                "methods": endpoint.allowed_methods,
                "queryParams": endpoint.allowed_query_params,
                "pathParamSchemas": path_params,
                "queryParamSchemas": query_params,
                "responseSchema": endpoint.response_schema.is_some(),
                "augments": augments,
                "transforms": transforms,
            })
        })
        .collect();
    json!({
        "allowAllEndpoints": *rules.allow_all_endpoints,
        "definitions": rules
            .definitions
            .iter()
            .flat_map(|defs| defs.keys())
            .collect::<Vec<_>>(),
        "endpoints": endpoints,
    })
}

fn path_list(paths: &[Located<String>]) -> Vec<String> {
    paths.iter().map(canonical).collect()
}

/// What a parameter schema checks, for the summary: `validated: type integer, pattern `…``.
fn describe_parameter(schema: &ParameterSchema) -> String {
    format!("validated: {}", parameter_checks(schema))
}

/// The checks of a parameter schema, joined, or `any value`.
fn parameter_checks(schema: &ParameterSchema) -> String {
    let mut checks = Vec::new();
    if let Some(t) = &schema.value_type {
        checks.push(format!("type {}", parameter_type(*t)));
    }
    if let Some(f) = &schema.format {
        checks.push(format!("format {}", f.as_str()));
    }
    if let Some(values) = &schema.enum_values {
        checks.push(format!("one of {}", values.join(", ")));
    }
    if let Some(p) = &schema.pattern {
        checks.push(format!("pattern `{}`", p.as_str()));
    }
    if let Some(any) = &schema.any_of {
        let branches: Vec<String> = any.iter().map(|b| parameter_checks(b)).collect();
        checks.push(format!("any of ({})", branches.join(" | ")));
    }
    if checks.is_empty() {
        "any value".to_owned()
    } else {
        checks.join(", ")
    }
}

/// A parameter schema in the JSON summary: its checks, an absent one `null`.
fn parameter_json(schema: &ParameterSchema) -> serde_json::Value {
    use serde_json::json;
    json!({
        "type": schema.value_type.map(parameter_type),
        "format": schema.format.as_ref().map(Located::as_str),
        "enum": schema.enum_values,
        "pattern": schema.pattern.as_ref().map(Located::as_str),
        "anyOf": schema
            .any_of
            .as_ref()
            .map(|any| any.iter().map(|b| parameter_json(b)).collect::<Vec<_>>()),
    })
}

fn parameter_type(t: ParameterType) -> &'static str {
    match t {
        ParameterType::String => "string",
        ParameterType::Integer => "integer",
        ParameterType::Number => "number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn augment_paths_that_do_not_parse_are_marked_as_adding_nothing() {
        let yaml = "endpoints:\n  - pathTemplate: /a\n    augments:\n      - !<textDigest>\n        \
                    jsonPaths: [\"$..body[\", \"$.t\"]\n        innerJsonPath: \"$.[\"\n";
        let (rules, _) = crate::rules::load_str("rules.yaml", yaml).expect("the rules load");
        let text = render(&rules);
        assert!(
            text.contains(
                "  augment    textDigest  keywords=[]\n               inner $.[  (does not \
                 parse: the augment adds nothing)\n               $..body[  (does not parse: \
                 adds nothing)\n               $.t\n"
            ),
            "{text}"
        );
    }
}
