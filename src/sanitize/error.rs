//! Why a response could not be sanitized, with the place in the rules or the document.

use std::fmt;
use std::num::NonZeroU32;

use crate::diag::{Diagnostic, Location, quoted};
use crate::filter::FilterError;
use crate::json::ParseError;

/// A request no endpoint allows, and the endpoint that came closest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub method: String,
    pub path: String,
    /// The raw query after `?`, without the `?`; `None` when the URL has no `?`.
    pub query: Option<String>,
    /// The closest endpoint: where it is, its matcher, and why it did not allow the request.
    pub closest: Option<(Location, String, String)>,
    /// The index of the closest endpoint among the rules' endpoints.
    pub closest_endpoint: Option<usize>,
    /// How many endpoints the rules have.
    pub endpoints: usize,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no endpoint allows {} {} ({} endpoint{} checked)",
            crate::endpoint::quoted_method(&self.method),
            self.request(),
            self.endpoints,
            if self.endpoints == 1 { "" } else { "s" }
        )?;
        match &self.closest {
            Some((location, matcher, reason)) => write!(
                f,
                "; closest is the endpoint at {location} ({matcher}): {reason}"
            )?,
            None if self.endpoints > 1 => f.write_str("; none has a path like it")?,
            None => {}
        }
        Ok(())
    }
}

impl Refusal {
    /// The path with its query, which may be why the request is refused, cut as quoted text is.
    /// Emails and phone numbers in it are withheld: the request may come from a case file,
    /// and the message from a CI log.
    fn request(&self) -> String {
        let withhold = crate::harness::leaks::withhold_personal_url;
        let query = self
            .query
            .as_ref()
            .map(|q| withhold(&format!("?{}", withhold_credentials(q))));
        match (self.path.is_empty(), query) {
            (false, query) => quoted(&withhold(&format!(
                "{}{}",
                self.path,
                query.unwrap_or_default()
            ))),
            // A path can be empty once a test's leading `/psoxy-test` segment is removed.
            (true, None) => "(an empty path)".to_owned(),
            (true, Some(query)) => format!("{}, an empty path with a query", quoted(&query)),
        }
    }
}

/// A query with the values of parameters named as credentials (`access_token`, `api_key`,
/// `pwd`, `signature`...) withheld: a refused request is shown whole otherwise.
fn withhold_credentials(query: &str) -> String {
    const CREDENTIALS: [&str; 10] = [
        "token",
        "key",
        "secret",
        "pass",
        "pwd",
        "auth",
        "signature",
        "session",
        "salt",
        "credential",
    ];
    query
        .split('&')
        .map(|param| match param.split_once('=') {
            Some((name, value)) if !value.is_empty() => {
                let bare: String = crate::endpoint::percent_decode_lossy(name)
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_lowercase)
                    .collect();
                if CREDENTIALS.iter().any(|c| bare.contains(c)) {
                    format!("{name}={}", crate::harness::leaks::WITHHELD)
                } else {
                    param.to_owned()
                }
            }
            _ => param.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A failure of the pipeline. Messages quote places in the rules and JSON Pointers into the
/// document, never document values or secrets.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SanitizeError {
    #[error("{0}")]
    Refused(Box<Refusal>),
    #[error("{}", crate::endpoint::invalid_url_message(url, reason))]
    InvalidUrl { url: String, reason: String },
    #[error("the body is not valid JSON: {0}")]
    InvalidJson(ParseError),
    /// An endpoint that cannot be used (a regex or path that does not compile).
    #[error("{location}: the endpoint cannot be used: {reason}")]
    Endpoint { location: Location, reason: String },
    #[error("{location}: {what}")]
    Unsupported { location: Location, what: String },
    #[error(
        "{location}: the responseSchema filter failed{}{}: {error}",
        at_pointer(pointer.as_deref()),
        in_value(*value)
    )]
    Filter {
        location: Location,
        error: FilterError,
        /// JSON Pointer of the value the filter failed on, unless it is the whole document.
        pointer: Option<Box<str>>,
        /// Where the value starts, in a body of several values.
        value: Option<ValuePlace>,
    },
    /// A transform failed on a value, or its path failed to evaluate (§2.0, §6.4).
    #[error("{location}: {kind} failed{}{}: {reason}", at_pointer(pointer.as_deref()), in_value(*value))]
    Transform {
        location: Location,
        kind: &'static str,
        /// JSON Pointer of the value, when known.
        pointer: Option<Box<str>>,
        reason: Box<str>,
        /// Where the top-level value starts, in a body of several values.
        value: Option<ValuePlace>,
        /// How to fix the rules, when the failure says.
        help: Option<crate::transform::TransformHint>,
    },
    /// An `applyOnlyWhen` guard that fails the response (§2.0).
    #[error("{location}: applyOnlyWhen failed{}: {reason}", in_value(*value))]
    Guard {
        location: Location,
        reason: String,
        /// Where the top-level value starts, in a body of several values.
        value: Option<ValuePlace>,
    },
}

/// Where a top-level value starts in a body of several (NDJSON, or `{}{}`): 1-based line and
/// column, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValuePlace {
    /// Never 0, which keeps an `Option<ValuePlace>` as small as the place.
    pub line: NonZeroU32,
    pub column: u32,
}

fn in_value(value: Option<ValuePlace>) -> String {
    value.map_or_else(String::new, |v| {
        format!(
            " in the value at line {}, column {} of the body",
            v.line, v.column
        )
    })
}

/// The codes of `sanitize` failures (all errors, exit 2) and what each means.
pub const CODES: &[(&str, &str)] = &[
    (
        "S001",
        "No endpoint allows the request (path, query parameters or method); the closest one is \
         named with the reason.",
    ),
    (
        "S002",
        "The URL or the method is not one the proxy could receive.",
    ),
    (
        "S003",
        "The body is not valid JSON (or not UTF-8), with its line and column.",
    ),
    (
        "S004",
        "The selected endpoint cannot be used: a regex or path that does not compile or exceeds \
         its limits.",
    ),
    (
        "S005",
        "The endpoint needs what psoxy-rules cannot apply (`sentenceMetadata`).",
    ),
    (
        "S006",
        "The `responseSchema` filter failed on the response.",
    ),
    (
        "S007",
        "A transform failed on a value or its path failed to evaluate, at a JSON Pointer into \
         the response, or needs a secret that is not set (PSOXY_SALT, ...).",
    ),
    ("S008", "An `applyOnlyWhen` guard failed on the response."),
    (
        "S009",
        "A secret or setting is empty, blank, not UTF-8, or its file cannot be read. A secret \
         that is not set at all is reported by the first transform that needs it (S007).",
    ),
    (
        "S010",
        "A file cannot be read or written: the body, the `--output` file, or standard output.",
    ),
];

impl SanitizeError {
    /// The failure, placed in the top-level value that starts at `place`, when it concerns one
    /// value's content.
    pub(crate) fn in_value(mut self, place: ValuePlace) -> Self {
        if let SanitizeError::Filter { value, .. }
        | SanitizeError::Transform { value, .. }
        | SanitizeError::Guard { value, .. } = &mut self
        {
            *value = Some(place);
        }
        self
    }

    /// The stable code of the failure.
    pub fn code(&self) -> &'static str {
        match self {
            SanitizeError::Refused(_) => "S001",
            SanitizeError::InvalidUrl { .. } => "S002",
            SanitizeError::InvalidJson(_) => "S003",
            SanitizeError::Endpoint { .. } => "S004",
            SanitizeError::Unsupported { .. } => "S005",
            SanitizeError::Filter { .. } => "S006",
            SanitizeError::Transform { .. } => "S007",
            SanitizeError::Guard { .. } => "S008",
        }
    }

    /// The failure as a finding, with a fix where one is known. `body` names the response
    /// body in locations of JSON syntax errors (a file name, or `-`).
    pub fn to_diagnostic(&self, body: &str) -> Diagnostic {
        let (message, location, help): (String, Option<Location>, Option<&str>) = match self {
            SanitizeError::Refused(r) => (
                r.to_string(),
                None,
                Some(if r.closest.is_none() && r.endpoints > 1 {
                    "check the method and URL, or add an endpoint that allows them to the rules; \
                     `psoxy-rules compile RULES` lists the endpoints"
                } else {
                    "check the method and URL, or add an endpoint that allows them to the rules"
                }),
            ),
            SanitizeError::InvalidUrl { .. } => (
                self.to_string(),
                None,
                Some(
                    "give an absolute URL like `https://api.example.com/v1/users?x=1`, or a path like `/v1/users`",
                ),
            ),
            SanitizeError::InvalidJson(e) => (
                match e.kind {
                    crate::json::ParseErrorKind::ValueTooLong { .. } => {
                        format!("the body cannot be sanitized: {}", e.kind)
                    }
                    _ => format!("the body is not valid JSON: {}", e.kind),
                },
                Some(Location::Source {
                    file: body.to_owned(),
                    line: e.line,
                    column: e.column,
                    span: e.offset..e.offset,
                }),
                None,
            ),
            SanitizeError::Endpoint { location, reason } => (
                format!("the endpoint cannot be used: {reason}"),
                Some(location.clone()),
                Some(
                    "rewrite the regex without nested repetition such as `(a+)+`, which takes \
                     exponential time on some requests; `validate` cannot find this, as it \
                     depends on the request",
                ),
            ),
            SanitizeError::Unsupported { location, what } => {
                (what.clone(), Some(location.clone()), None)
            }
            SanitizeError::Filter {
                location,
                error,
                pointer,
                value,
            } => (
                format!(
                    "the responseSchema filter failed{}{}: {error}",
                    at_pointer(pointer.as_deref()),
                    value_in(body, *value)
                ),
                Some(location.clone()),
                matches!(error, FilterError::ExponentialWork(_)).then(|| {
                    "list first the `anyOf` candidate that most values take, and make candidates \
                     differ by a `type` or by a member near the top rather than by one below \
                     a recursive `$ref`; or merge them into one schema with the properties of all"
                }),
            ),
            SanitizeError::Transform {
                location,
                kind,
                pointer,
                reason,
                value,
                help,
            } => (
                format!(
                    "{kind} failed{}{}: {reason}",
                    at_pointer(pointer.as_deref()),
                    value_in(body, *value)
                ),
                Some(location.clone()),
                help.map(crate::transform::TransformHint::text),
            ),
            SanitizeError::Guard {
                location,
                reason,
                value,
            } => (
                format!("applyOnlyWhen failed{}: {reason}", value_in(body, *value)),
                Some(location.clone()),
                None,
            ),
        };
        let mut d = Diagnostic::error(self.code(), message);
        d.location = location;
        d.help = help.map(str::to_owned);
        d
    }
}

/// ` at POINTER`, or ` at the document root` for the empty pointer, which reads as nothing.
fn at_pointer(pointer: Option<&str>) -> String {
    match pointer {
        Some("") => " at the document root".to_owned(),
        Some(p) => format!(" at {p}"),
        None => String::new(),
    }
}

/// ` in the value at BODY:LINE:COL`, for a failure in one value of a body of several.
fn value_in(body: &str, value: Option<ValuePlace>) -> String {
    value.map_or_else(String::new, |v| {
        format!(" in the value at {body}:{}:{}", v.line, v.column)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(path: &str, query: Option<&str>) -> Refusal {
        Refusal {
            method: "GET".into(),
            path: path.into(),
            query: query.map(str::to_owned),
            closest: None,
            closest_endpoint: None,
            endpoints: 2,
        }
    }

    #[test]
    fn a_refused_request_withholds_the_values_of_credential_parameters() {
        assert_eq!(
            refusal(
                "/v1/x",
                Some("access_token=T0k3n&page=2&API%5FKey=k&pwd=&Signature=s")
            )
            .to_string(),
            "no endpoint allows GET /v1/x?access_token=‹withheld›&page=2&API%5FKey=‹withheld›\
             &pwd=&Signature=‹withheld› (2 endpoints checked); none has a path like it"
        );
    }

    #[test]
    fn a_refused_empty_path_says_it_is_empty() {
        assert_eq!(
            refusal("", None).to_string(),
            "no endpoint allows GET (an empty path) (2 endpoints checked); none has a path like it"
        );
        assert_eq!(
            refusal("/v1/x", None).to_string(),
            "no endpoint allows GET /v1/x (2 endpoints checked); none has a path like it"
        );
        assert_eq!(
            refusal("", Some("a=1")).to_string(),
            "no endpoint allows GET ?a=1, an empty path with a query (2 endpoints checked); \
             none has a path like it"
        );
    }

    #[test]
    fn a_refused_request_is_printed_with_its_query_cut_as_quoted_text() {
        assert_eq!(
            refusal("/exact/abc", Some("y=1")).to_string(),
            "no endpoint allows GET /exact/abc?y=1 (2 endpoints checked); none has a path like it"
        );
        // A `?` alone is an empty query, which `pathRegex` sees.
        assert_eq!(
            refusal("/x", Some("")).to_string(),
            "no endpoint allows GET /x? (2 endpoints checked); none has a path like it"
        );
        let long = format!("/x?q={}", "a".repeat(200));
        let (path, query) = long.split_once('?').expect("a query");
        assert_eq!(
            refusal(path, Some(query)).to_string(),
            format!(
                "no endpoint allows GET {}… (2 endpoints checked); none has a path like it",
                &long[..100]
            )
        );
    }
}
