//! Choosing the endpoint that allows a request (§5.4–5.6), and saying why none does.

use std::fmt;

use super::params::{ParamError, validate};
use super::query::{QueryParam, parse_query};
use super::template::template_regex;
use super::url::RequestUrl;
use crate::diag::quoted;
use crate::jregex::{Flags, Regex, RegexError};
use crate::rules::{Endpoint, Located};

/// An endpoint's request matcher: compiled once, tried in file order.
#[derive(Debug, Clone)]
pub struct Matcher {
    regex: Regex,
    /// `pathRegex` sees path+query; a template sees the path only (§5.3, §5.2).
    has_path_regex: bool,
    has_template: bool,
    /// Lower-cased allowed query parameter names; `None` allows any.
    allowed_query: Option<Vec<String>>,
    /// Upper-cased allowed methods; `None` allows any.
    allowed_methods: Option<Vec<String>>,
}

/// Why an endpoint does not allow a request. Messages name parameters, never their values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    Path,
    /// A `pathRegex` that matches the path alone but not the path with its query.
    PathRegexRefusesQuery,
    PathParameter {
        name: String,
        error: ParamError,
    },
    QueryParameterNotAllowed {
        name: String,
    },
    /// `$select` in the URL, `select` in `allowedQueryParams`.
    QueryParameterListedWithoutDollar {
        name: String,
    },
    QueryParameterMissing {
        name: String,
    },
    QueryParameter {
        name: String,
        error: ParamError,
    },
    Method {
        method: String,
        allowed: Vec<String>,
    },
}

impl Mismatch {
    /// Whether the path matched and something else (query, method) did not.
    pub fn path_matched(&self) -> bool {
        !matches!(self, Mismatch::Path | Mismatch::PathParameter { .. })
    }
}

/// A name as the request gives it, withheld when it holds an email address or a phone number:
/// refusals end up in CI logs.
fn from_request(name: &str) -> String {
    let withheld = crate::harness::leaks::withhold_personal_url(name);
    // The name is one part, whatever separators it holds once decoded.
    if withheld == name {
        withheld
    } else {
        crate::harness::leaks::WITHHELD.to_owned()
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Path => f.write_str("the path does not match"),
            Mismatch::PathRegexRefusesQuery => f.write_str(
                "`pathRegex` sees the path with its query, and matches the path alone: end it \
                 with `(?:[?].*)?$` to allow a query",
            ),
            Mismatch::PathParameter { name, error } => {
                write!(f, "path parameter `{}` {error}", quoted(name))
            }
            Mismatch::QueryParameterListedWithoutDollar { name } => write!(
                f,
                "query parameter `{}` is not in `allowedQueryParams`, which lists `{}`: \
                 OData parameters keep their `$` there",
                quoted(name),
                quoted(name.trim_start_matches('$'))
            ),
            Mismatch::QueryParameterNotAllowed { name } => {
                write!(
                    f,
                    "query parameter `{}` is not in `allowedQueryParams`",
                    quoted(&from_request(name))
                )
            }
            Mismatch::QueryParameterMissing { name } => {
                write!(f, "required query parameter `{}` is missing", quoted(name))
            }
            Mismatch::QueryParameter { name, error } => {
                write!(
                    f,
                    "query parameter `{}` {error}",
                    quoted(&from_request(name))
                )
            }
            Mismatch::Method { method, allowed } if allowed.is_empty() => write!(
                f,
                "method {} is not allowed: `allowedMethods` is empty, so the endpoint \
                 allows no method",
                quoted_method(method)
            ),
            // Each quoted, so that a space in `"get "` shows.
            Mismatch::Method { method, allowed } => write!(
                f,
                "method {} is not in `allowedMethods` ({})",
                quoted_method(method),
                allowed
                    .iter()
                    .map(|m| format!("`{}`", quoted(m)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl Matcher {
    /// Compiles an endpoint's matcher. `pathRegex` wins over `pathTemplate` when both are set;
    /// both compile with Java's CASE_INSENSITIVE (§5.1).
    pub fn new(endpoint: &Endpoint) -> Result<Matcher, MatcherError> {
        let flags = Flags {
            case_insensitive: true,
            ..Flags::default()
        };
        let (source, pattern) = match (&endpoint.path_regex, &endpoint.path_template) {
            (Some(r), _) => (r, r.as_str().to_owned()),
            (None, Some(t)) => (t, template_regex(t.as_str())),
            (None, None) => return Err(MatcherError::NoPath),
        };
        let regex = Regex::new(&pattern, flags).map_err(|error| MatcherError::Regex {
            pattern: source.clone(),
            error,
        })?;
        Ok(Matcher {
            regex,
            has_path_regex: endpoint.path_regex.is_some(),
            has_template: endpoint.path_template.is_some(),
            allowed_query: endpoint
                .allowed_query_params
                .as_ref()
                .map(|l| l.iter().map(|n| n.to_lowercase()).collect()),
            allowed_methods: endpoint
                .allowed_methods
                .as_ref()
                .map(|l| l.iter().map(|m| m.to_uppercase()).collect()),
        })
    }

    /// The compiled path pattern: the `pathRegex`, or the template's regex (§5.2).
    pub fn regex(&self) -> &Regex {
        &self.regex
    }

    /// Whether the endpoint allows `method url`, checking path, path parameters, query
    /// parameters and method, in that order (§5.6).
    pub fn check(
        &self,
        endpoint: &Endpoint,
        method: &str,
        url: &RequestUrl,
    ) -> Result<(), CheckError> {
        let file = url.file();
        let path = url.path.as_str();
        // (§5.6 a) The `pathRegex` against path and query; the template's pattern (the
        // `pathRegex` when both are set) against the path. Parameters are read from the text
        // that matched.
        let by_regex = if self.has_path_regex {
            self.full_match(file)?.map(|m| (m, file))
        } else {
            None
        };
        let path_match = match by_regex {
            Some(found) => Some(found),
            None if self.has_template => self.full_match(path)?.map(|m| (m, path)),
            None => None,
        };
        let Some((groups, text)) = path_match else {
            // The most common surprise of `pathRegex` (§5.3): anchored at the path's end.
            if self.has_path_regex && url.query.is_some() && self.full_match(&url.path)?.is_some() {
                return Err(Mismatch::PathRegexRefusesQuery.into());
            }
            return Err(Mismatch::Path.into());
        };
        // (§5.5) Path parameters of endpoints with a template.
        if self.has_template
            && let Some(schemas) = &endpoint.path_parameter_schemas
        {
            for (name, schema) in schemas {
                let value = self
                    .regex
                    .group_index(name)
                    .and_then(|i| groups.group(i))
                    .map(|(s, e)| &text[s..e]);
                let Some(value) = value else {
                    return Err(Mismatch::PathParameter {
                        name: name.clone(),
                        error: if self.has_path_regex {
                            ParamError::NotInRegex
                        } else {
                            ParamError::NotInTemplate
                        },
                    }
                    .into());
                };
                validate(schema, Some(value)).map_err(|error| {
                    CheckError::from(Mismatch::PathParameter {
                        name: name.clone(),
                        error,
                    })
                })?;
            }
        }
        let params: Vec<QueryParam> = url.query.as_deref().map(parse_query).unwrap_or_default();
        if let Some(allowed) = &self.allowed_query
            && let Some(p) = params
                .iter()
                .find(|p| !allowed.contains(&p.name.to_lowercase()))
        {
            let bare = p.name.strip_prefix('$').map(str::to_lowercase);
            if bare.is_some_and(|b| allowed.contains(&b)) {
                return Err(Mismatch::QueryParameterListedWithoutDollar {
                    name: p.name.clone(),
                }
                .into());
            }
            return Err(Mismatch::QueryParameterNotAllowed {
                name: p.name.clone(),
            }
            .into());
        }
        if let Some(schemas) = &endpoint.query_param_schemas {
            for (name, schema) in schemas {
                let values: Vec<&str> = params
                    .iter()
                    .filter(|p| java_equals_ignore_case(&p.name, name))
                    .filter_map(|p| p.value.as_deref())
                    .collect();
                if schema.required == Some(true) && values.is_empty() {
                    return Err(Mismatch::QueryParameterMissing { name: name.clone() }.into());
                }
                let checks = schema.as_parameter_schema();
                for v in values {
                    validate(&checks, Some(v)).map_err(|error| {
                        CheckError::from(Mismatch::QueryParameter {
                            name: name.clone(),
                            error,
                        })
                    })?;
                }
            }
        }
        if let Some(allowed) = &self.allowed_methods
            && !allowed.contains(&method.to_uppercase())
        {
            return Err(Mismatch::Method {
                method: method.to_uppercase(),
                allowed: allowed.clone(),
            }
            .into());
        }
        Ok(())
    }

    fn full_match(&self, text: &str) -> Result<Option<crate::jregex::Match>, CheckError> {
        self.regex
            .full_match(text)
            .map_err(|e| CheckError::Regex(e.to_string()))
    }
}

/// Text that every request an endpoint allows starts with (its path for a template, its path and
/// query for a `pathRegex`), compared ignoring ASCII case; `None` when the matcher does not
/// say. A request that does not start with it cannot match, so the matcher (a regex that may
/// be costly to compile) need not be built for it.
pub fn required_prefix(endpoint: &Endpoint) -> Option<String> {
    match (&endpoint.path_regex, &endpoint.path_template) {
        (Some(regex), None) => {
            let pattern = regex.as_str();
            if pattern.contains('|') {
                return None;
            }
            let body = pattern.strip_prefix('^').unwrap_or(pattern);
            let run: String = body
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-'))
                .collect();
            // A quantifier after the run applies to its last character.
            let next = body[run.len()..].chars().next();
            let mut run = run;
            if matches!(next, Some('?' | '*' | '+' | '{')) {
                run.pop();
            }
            (!run.is_empty()).then_some(run)
        }
        (None, Some(template)) => {
            let template = template.as_str();
            let (mut prefix, rest) = match template.find('{') {
                Some(i) => (template[..i].to_owned(), &template[i..]),
                None => (template.to_owned(), ""),
            };
            // A `{` that does not start a parameter stays regex syntax (§5.2): a quantifier
            // of the character before it, as in `/ab{0,1}c`.
            if !rest.is_empty() && super::template::parameter_at(rest).is_none() {
                prefix.pop();
            }
            // `|` and `\` stay regex syntax in a template (§5.2).
            (!prefix.is_empty() && !prefix.contains(['|', '\\'])).then_some(prefix)
        }
        _ => None,
    }
}

/// A request method as messages quote it: cut as quoted text is, and withheld when it holds an
/// email address or a phone number, as a request URL's parts are.
pub fn quoted_method(method: &str) -> String {
    quoted(&crate::harness::leaks::withhold_personal_text(method, &[]))
}

/// Whether `c` is a character of an HTTP token (RFC 9110 §5.6.2): an ASCII letter or digit or
/// one of ``!#$%&'*+-.^_`|~``. A request method is a token.
pub fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Whether `text` starts with `prefix`, ignoring ASCII case as Java's CASE_INSENSITIVE does.
pub fn starts_with_ignoring_ascii_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// An endpoint that cannot be used at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MatcherError {
    #[error("the endpoint has neither `pathTemplate` nor `pathRegex`")]
    NoPath,
    #[error("`{pattern}` does not compile as a Java regex: {error}")]
    Regex {
        pattern: Located<String>,
        error: RegexError,
    },
}

/// Why a check could not decide, or that it decided "no".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    Mismatch(Mismatch),
    /// A regex ran out of its backtracking budget, or a parameter schema is unusable.
    Regex(String),
    Param(ParamError),
}

impl From<Mismatch> for CheckError {
    fn from(m: Mismatch) -> Self {
        match m {
            // A schema that cannot decide (an unknown format, a `pattern` out of its budget)
            // makes the endpoint unusable for the request, as a `pathRegex` out of its budget
            // does: it is not a "no".
            Mismatch::PathParameter {
                error: e @ (ParamError::UnknownFormat(_) | ParamError::BadPattern(_)),
                ..
            }
            | Mismatch::QueryParameter {
                error: e @ (ParamError::UnknownFormat(_) | ParamError::BadPattern(_)),
                ..
            } => CheckError::Param(e),
            m => CheckError::Mismatch(m),
        }
    }
}

/// Java's `String.equalsIgnoreCase`: the same number of characters, each pair equal, or equal
/// once upper-cased, or once upper- then lower-cased, with Java's one-character case mappings
/// (the Kelvin sign equals `k`, the long s equals `s`, but `ß` does not equal `SS`).
pub fn java_equals_ignore_case(a: &str, b: &str) -> bool {
    fn upper(c: char) -> char {
        let mut mapped = c.to_uppercase();
        match (mapped.next(), mapped.next()) {
            (Some(u), None) => u,
            // A mapping to several characters (`ß` → `SS`) is not a one-character one.
            _ => c,
        }
    }
    fn lower(c: char) -> char {
        // Only U+0130 lower-cases to several characters; its one-character form is `i`.
        c.to_lowercase().next().unwrap_or(c)
    }
    a.encode_utf16().count() == b.encode_utf16().count()
        && a.chars().count() == b.chars().count()
        && a.chars().zip(b.chars()).all(|(x, y)| {
            x == y || {
                let (ux, uy) = (upper(x), upper(y));
                ux == uy || lower(ux) == lower(uy)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load_str;

    fn endpoint(yaml: &str) -> Endpoint {
        let text = format!("endpoints:\n  - {}\n", yaml.replace('\n', "\n    "));
        match load_str("t.yaml", &text) {
            Ok((rules, _)) => rules.endpoints[0].value.clone(),
            Err(d) => panic!("{d:?}\n{text}"),
        }
    }

    fn check(e: &Endpoint, method: &str, url: &str) -> Result<(), CheckError> {
        let m = Matcher::new(e).expect("matcher compiles");
        m.check(e, method, &RequestUrl::parse(url).expect("url parses"))
    }

    #[test]
    fn required_prefix_is_the_literal_start_of_the_matcher() {
        let prefix = |yaml: &str| required_prefix(&endpoint(yaml));
        assert_eq!(
            prefix("pathTemplate: \"/v2/users/{id}\"").as_deref(),
            Some("/v2/users/")
        );
        assert_eq!(
            prefix("pathRegex: \"^/v2/meetings/[^/]+$\"").as_deref(),
            Some("/v2/meetings/")
        );
        assert_eq!(
            prefix("pathRegex: \"^/v2/users?$\"").as_deref(),
            Some("/v2/user")
        );
        assert_eq!(prefix("pathRegex: \"^/a|^/b\""), None);
        assert_eq!(prefix("pathRegex: \"(?i)/a\""), None);
        assert_eq!(prefix("pathTemplate: \"{id}/x\""), None);
        // A quantifier in a template applies to the character before it.
        assert_eq!(prefix("pathTemplate: \"/ab{0,1}c\"").as_deref(), Some("/a"));
        assert_eq!(
            prefix("pathTemplate: \"/v2/x{id?}\"").as_deref(),
            Some("/v2/x")
        );
    }

    #[test]
    fn template_with_a_quantifier_matches_as_its_regex() {
        let e = endpoint("pathTemplate: \"/ab{0,1}c\"");
        assert_eq!(check(&e, "GET", "/ac"), Ok(()));
        assert_eq!(check(&e, "GET", "/abc"), Ok(()));
    }

    #[test]
    fn template_matches_raw_path_ignoring_case_and_query() {
        let e = endpoint("pathTemplate: \"/v2/users/{userId}/meetings\"");
        assert_eq!(
            check(&e, "GET", "https://h/V2/Users/a%2Fb/meetings?x=1"),
            Ok(())
        );
        assert_eq!(
            check(&e, "GET", "/v2/users/a/b/meetings"),
            Err(CheckError::Mismatch(Mismatch::Path))
        );
    }

    #[test]
    fn path_regex_sees_the_query() {
        let e = endpoint("pathRegex: \"^/v2/users$\"");
        assert_eq!(check(&e, "GET", "/v2/users"), Ok(()));
        assert_eq!(
            check(&e, "GET", "/v2/users?page_size=3"),
            Err(CheckError::Mismatch(Mismatch::PathRegexRefusesQuery))
        );
        assert_eq!(
            check(&e, "GET", "/v2/groups?page_size=3"),
            Err(CheckError::Mismatch(Mismatch::Path))
        );
        let allowing = endpoint("pathRegex: \"^/v2/users(?:[?].*)?$\"");
        assert_eq!(check(&allowing, "GET", "/v2/users?page_size=3"), Ok(()));
    }

    #[test]
    fn an_odata_parameter_listed_without_its_dollar_is_named() {
        let e = endpoint("pathTemplate: \"/x\"\nallowedQueryParams: [select, top]");
        let Err(CheckError::Mismatch(m)) = check(&e, "GET", "/x?$select=id") else {
            panic!("refused");
        };
        assert_eq!(
            m.to_string(),
            "query parameter `$select` is not in `allowedQueryParams`, which lists `select`: \
             OData parameters keep their `$` there"
        );
    }

    #[test]
    fn query_names_are_decoded_and_compared_ignoring_case() {
        let e = endpoint("pathTemplate: \"/x\"\nallowedQueryParams:\n  - \"$select\"");
        assert_eq!(check(&e, "GET", "/x?%24SELECT=a"), Ok(()));
        assert_eq!(
            check(&e, "GET", "/x?$top=5"),
            Err(CheckError::Mismatch(Mismatch::QueryParameterNotAllowed {
                name: "$top".into()
            }))
        );
    }

    #[test]
    fn empty_allow_list_refuses_any_query_parameter() {
        let e = endpoint("pathTemplate: \"/x\"\nallowedQueryParams: []");
        assert_eq!(check(&e, "GET", "/x"), Ok(()));
        assert!(check(&e, "GET", "/x?a").is_err());
    }

    #[test]
    fn methods_are_compared_upper_cased() {
        let e = endpoint("pathTemplate: \"/x\"\nallowedMethods:\n  - \"get\"");
        assert_eq!(check(&e, "Get", "/x"), Ok(()));
        assert_eq!(
            check(&e, "POST", "/x"),
            Err(CheckError::Mismatch(Mismatch::Method {
                method: "POST".into(),
                allowed: vec!["GET".into()]
            }))
        );
    }

    #[test]
    fn a_refused_method_is_quoted_cut_and_without_personal_data() {
        let long = "A".repeat(100_000);
        let e = endpoint("pathTemplate: \"/x\"\nallowedMethods: [\"GET\"]");
        let Err(CheckError::Mismatch(m)) = check(&e, &long, "/x") else {
            panic!("refused");
        };
        assert_eq!(
            m.to_string(),
            format!(
                "method {}… is not in `allowedMethods` (`GET`)",
                "A".repeat(100)
            )
        );
        assert_eq!(
            quoted_method("JOHN.DOE@EXAMPLE.COM"),
            crate::harness::leaks::WITHHELD
        );
        assert_eq!(quoted_method("PATCH"), "PATCH");
    }

    #[test]
    fn refused_methods_name_the_allowed_ones_quoted() {
        let refusal = |yaml: &str| match check(&endpoint(yaml), "POST", "/x") {
            Err(CheckError::Mismatch(m)) => m.to_string(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            refusal("pathTemplate: \"/x\"\nallowedMethods: [\"get \", \"X-CUSTOM\"]"),
            "method POST is not in `allowedMethods` (`GET `, `X-CUSTOM`)"
        );
        assert_eq!(
            refusal("pathTemplate: \"/x\"\nallowedMethods: []"),
            "method POST is not allowed: `allowedMethods` is empty, so the endpoint allows no \
             method"
        );
    }

    #[test]
    fn path_parameter_schema_validates_the_raw_segment() {
        let e = endpoint(
            "pathTemplate: \"/users/{id}\"\npathParameterSchemas:\n  id:\n    type: \"integer\"",
        );
        assert_eq!(check(&e, "GET", "/users/42"), Ok(()));
        assert!(matches!(
            check(&e, "GET", "/users/abc"),
            Err(CheckError::Mismatch(Mismatch::PathParameter { .. }))
        ));
    }

    #[test]
    fn required_query_parameter_must_be_present() {
        let e = endpoint(
            "pathTemplate: \"/x\"\nqueryParamSchemas:\n  since:\n    required: true\n    pattern: \"[0-9]+\"",
        );
        assert_eq!(check(&e, "GET", "/x?since=12"), Ok(()));
        assert_eq!(
            check(&e, "GET", "/x"),
            Err(CheckError::Mismatch(Mismatch::QueryParameterMissing {
                name: "since".into()
            }))
        );
        assert!(matches!(
            check(&e, "GET", "/x?SINCE=ab"),
            Err(CheckError::Mismatch(Mismatch::QueryParameter { .. }))
        ));
    }

    #[test]
    fn query_parameter_names_match_their_schema_ignoring_case_as_java_does() {
        let e = endpoint(
            "pathTemplate: \"/x\"\nqueryParamSchemas:\n  k:\n    type: integer\n  é:\n    required: true\n    type: string",
        );
        let refused = |url: &str| {
            matches!(
                check(&e, "GET", url),
                Err(CheckError::Mismatch(Mismatch::QueryParameter { .. }))
            )
        };
        // `É` equals `é`; the Kelvin sign (U+212A) equals `k`, so its value is checked too.
        assert_eq!(check(&e, "GET", "/x?%C3%89=1&k=2"), Ok(()));
        assert!(refused("/x?%C3%A9=1&K=a"));
        assert!(refused("/x?%C3%A9=1&%E2%84%AA=a"));
        // Java's one-character mappings: the long s is `s` upper-cased, `ß` is not `ss`.
        assert!(java_equals_ignore_case("\u{17f}", "S"));
        assert!(java_equals_ignore_case("\u{130}", "i"));
        assert!(!java_equals_ignore_case("ß", "ss"));
        assert!(!java_equals_ignore_case("ß", "SS"));
        assert!(!java_equals_ignore_case("k", "kk"));
        assert!(java_equals_ignore_case("Σ", "ς"));
    }
}
