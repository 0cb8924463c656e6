//! Why a response could not be sanitized, with the place in the rules or the document.

use std::fmt;

use crate::diag::{Diagnostic, Location};
use crate::filter::FilterError;
use crate::json::ParseError;

/// A request no endpoint allows, and the endpoint that came closest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub method: String,
    pub path: String,
    /// The closest endpoint: where it is, its matcher, and why it did not allow the request.
    pub closest: Option<(Location, String, String)>,
    /// How many endpoints the rules have.
    pub endpoints: usize,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no endpoint allows {} {} ({} endpoint{} checked)",
            self.method,
            self.path,
            self.endpoints,
            if self.endpoints == 1 { "" } else { "s" }
        )?;
        if let Some((location, matcher, reason)) = &self.closest {
            write!(
                f,
                "; closest is the endpoint at {location} ({matcher}): {reason}"
            )?;
        }
        Ok(())
    }
}

/// A failure of the pipeline. Messages quote places in the rules and JSON Pointers into the
/// document, never document values or secrets.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SanitizeError {
    #[error("{0}")]
    Refused(Box<Refusal>),
    #[error("`{url}` is not a request URL: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("the body is not valid JSON: {0}")]
    InvalidJson(ParseError),
    /// An endpoint that cannot be used (a regex or path that does not compile).
    #[error("{location}: the endpoint cannot be used: {reason}")]
    Endpoint { location: Location, reason: String },
    #[error("{location}: {what}")]
    Unsupported { location: Location, what: String },
    #[error("{location}: the responseSchema filter failed: {error}")]
    Filter {
        location: Location,
        error: FilterError,
    },
    /// A transform failed on a value, or its path failed to evaluate (§2.0, §6.4).
    #[error("{location}: {kind} failed{}: {reason}", pointer.as_ref().map(|p| format!(" at {p}")).unwrap_or_default())]
    Transform {
        location: Location,
        kind: &'static str,
        /// JSON Pointer of the value, when known.
        pointer: Option<String>,
        reason: String,
    },
    /// An `applyOnlyWhen` guard that fails the response (§2.0).
    #[error("{location}: applyOnlyWhen failed: {reason}")]
    Guard { location: Location, reason: String },
}

impl SanitizeError {
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
                Some("check the method and URL, or add an endpoint that allows them to the rules"),
            ),
            SanitizeError::InvalidUrl { .. } => (
                self.to_string(),
                None,
                Some(
                    "give an absolute URL like `https://api.example.com/v1/users?x=1`, or a path like `/v1/users`",
                ),
            ),
            SanitizeError::InvalidJson(e) => (
                format!("the body is not valid JSON: {}", e.kind),
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
                Some("run `psoxy-rules validate` on the rules file"),
            ),
            SanitizeError::Unsupported { location, what } => {
                (what.clone(), Some(location.clone()), None)
            }
            SanitizeError::Filter { location, error } => (
                format!("the responseSchema filter failed: {error}"),
                Some(location.clone()),
                None,
            ),
            SanitizeError::Transform {
                location,
                kind,
                pointer,
                reason,
            } => (
                match pointer {
                    Some(p) => format!("{kind} failed at {p}: {reason}"),
                    None => format!("{kind} failed: {reason}"),
                },
                Some(location.clone()),
                None,
            ),
            SanitizeError::Guard { location, reason } => (
                format!("applyOnlyWhen failed: {reason}"),
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
