//! The value functions of the transform kinds (§2): what each kind does to one selected value.
//!
//! Which values are selected, and in what order, is the plan's business (`crate::plan`); this
//! module only maps one value to its replacement, or fails the response as the proxy would.

pub mod augment;
pub mod compiled;
pub mod filter_token;
pub mod pseudonymize;
pub mod redact_except;
pub mod redact_regex;
pub mod text_digest;

use std::borrow::Cow;

use crate::jregex::MatchError;
use crate::json::Value;

/// Why a transform could not map a value. Every variant fails the whole response, as the
/// proxy's exception would, except [`TransformError::InnerPathNotFound`], which only stops the
/// current path (§2.10).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TransformError {
    /// The value has a type the kind rejects (§2.12 "FATAL").
    #[error("cannot transform a value of type {}", found.name())]
    InvalidInput { kind: &'static str, found: Rejected },
    /// A regex of the transform exceeded its backtracking budget.
    #[error("a regex could not be evaluated: {source}")]
    Regex {
        kind: &'static str,
        source: MatchError,
    },
    /// The JSON inside a string value (textDigest `isJsonEscaped`) is not valid JSON.
    #[error("the string value is not valid JSON ({reason})")]
    InnerJson { kind: &'static str, reason: String },
    /// textDigest's `jsonPathToProcessWhenEscaped` fails on the valid JSON inside a string
    /// value, as Jayway fails it (a null document, the root `$`, a filter on a string).
    #[error("`jsonPathToProcessWhenEscaped` cannot be applied to the JSON in the value ({reason})")]
    InnerPath { kind: &'static str, reason: String },
    /// textDigest's `jsonPathToProcessWhenEscaped` matched nothing in the inner document.
    #[error("`jsonPathToProcessWhenEscaped` matched nothing in the value")]
    InnerPathNotFound,
    /// Pseudonymization failed (a missing secret, a capture group that did not take part).
    #[error("{reason}")]
    Pseudonym { kind: &'static str, reason: String },
}

/// The type of a value that a kind refuses (§2.12 "FATAL").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    Null,
    BlankString,
    Number,
    Boolean,
    Array,
    Object,
}

impl Rejected {
    /// The type of `v`; a string is refused only when it is blank.
    pub fn of(v: &Value<'_>) -> Rejected {
        match v {
            Value::Null => Rejected::Null,
            Value::String(_) => Rejected::BlankString,
            Value::Int(_) | Value::BigInt(_) | Value::Double(_) | Value::Decimal(_) => {
                Rejected::Number
            }
            Value::Bool(_) => Rejected::Boolean,
            Value::Array(_) => Rejected::Array,
            Value::Object(_) => Rejected::Object,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Rejected::Null => "null",
            Rejected::BlankString => "blank string",
            Rejected::Number => "number",
            Rejected::Boolean => "boolean",
            Rejected::Array => "array",
            Rejected::Object => "object",
        }
    }
}

/// How to change the rules so that a transform failure does not happen (one byte, so that
/// errors stay small).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransformHint {
    /// The path selects an array or object where the transform takes scalars.
    SelectInside,
    /// The path selects a boolean, which the pseudonymizing kinds refuse.
    SkipBooleans,
    /// A string-only kind (`pseudonymizeEmailHeader`, `pseudonymizeRegexMatches`) met a number.
    PseudonymizeNumbers,
    /// `pseudonymize` with `URL_SAFE_HASH_ONLY` met null or a blank string.
    TokenForEmptyValues,
    /// A path met a null document: the response, or what the `responseSchema` filter made of it.
    NullDocument,
    /// A path met a null response, at an endpoint without `responseSchema`.
    NullResponse,
}

impl TransformHint {
    pub fn text(self) -> &'static str {
        match self {
            TransformHint::SelectInside => {
                "select the values inside it (`[*]` for an array's elements, `.name` for a \
                 member), or remove it whole with `redact`"
            }
            TransformHint::SkipBooleans => {
                "a boolean cannot be pseudonymized: narrow the path so that it selects no \
                 booleans (name the members instead of `*` or a deep scan), or remove the value \
                 with `redact`"
            }
            TransformHint::PseudonymizeNumbers => {
                "this kind takes strings only: pseudonymize numbers with `pseudonymize`, or \
                 narrow the path so that it selects no numbers"
            }
            TransformHint::TokenForEmptyValues => {
                "`URL_SAFE_HASH_ONLY` has no hash for null or a blank string: use the default \
                 encoding, `URL_SAFE_TOKEN`, which makes them null, or narrow the path so that \
                 it skips them"
            }
            TransformHint::NullDocument => {
                "the response is `null`, or the `responseSchema` filter made it null: its \
                 top-level `type` is not the response's (`object` where an array came, or the \
                 other way round)"
            }
            TransformHint::NullResponse => {
                "the response is `null`, which the proxy cannot apply transforms to; it fails \
                 the same way"
            }
        }
    }
}

impl TransformError {
    /// How to change the rules so that the failure does not happen, when that is clear: for
    /// every value type a kind refuses.
    pub fn hint(&self) -> Option<TransformHint> {
        match self {
            TransformError::InvalidInput { found, .. } => Some(match found {
                Rejected::Array | Rejected::Object => TransformHint::SelectInside,
                Rejected::Boolean => TransformHint::SkipBooleans,
                Rejected::Number => TransformHint::PseudonymizeNumbers,
                Rejected::Null | Rejected::BlankString => TransformHint::TokenForEmptyValues,
            }),
            _ => None,
        }
    }

    pub(crate) fn regex(kind: &'static str) -> impl Fn(MatchError) -> TransformError {
        move |source| TransformError::Regex { kind, source }
    }
}

/// Java `StringUtils.isBlank` as the proxy uses it: empty, or only characters <= U+0020.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(|c| c <= '\u{20}')
}

/// Java `String.trim()`: strips characters <= U+0020 at both ends.
pub fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= '\u{20}')
}

/// Length in UTF-16 code units, as Java's `String.length()`.
pub fn java_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// The common input rule of the string-only kinds (§2.0): non-strings become null, null stays
/// null, a blank string is returned unchanged; anything else goes to `f`.
pub(crate) fn string_only<'a>(
    v: &Value<'a>,
    f: impl FnOnce(&str) -> Result<Value<'static>, TransformError>,
) -> Result<Value<'a>, TransformError> {
    match v {
        Value::String(s) if is_blank(s) => Ok(Value::String(s.clone())),
        Value::String(s) => f(s),
        _ => Ok(Value::Null),
    }
}

/// An owned string value.
pub(crate) fn text(s: impl Into<String>) -> Value<'static> {
    Value::String(Cow::Owned(s.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_means_only_characters_up_to_space() {
        assert!(is_blank(""));
        assert!(is_blank(" \t\n\u{1}"));
        assert!(!is_blank("\u{a0}"));
        assert!(!is_blank(" x "));
    }

    #[test]
    fn java_trim_strips_control_characters_too() {
        assert_eq!(java_trim("\u{1} a b \n"), "a b");
        assert_eq!(java_trim("\u{a0}a"), "\u{a0}a");
    }

    #[test]
    fn java_len_counts_utf16_units() {
        assert_eq!(java_len("aé😀"), 4);
    }

    #[test]
    fn string_only_nulls_non_strings_and_keeps_blanks() {
        let upper = |s: &str| Ok(text(s.to_uppercase()));
        assert_eq!(string_only(&Value::Int(1), upper), Ok(Value::Null));
        assert_eq!(string_only(&Value::Bool(true), upper), Ok(Value::Null));
        assert_eq!(string_only(&Value::Null, upper), Ok(Value::Null));
        assert_eq!(string_only(&Value::Array(vec![]), upper), Ok(Value::Null));
        assert_eq!(string_only(&text("  "), upper), Ok(text("  ")));
        assert_eq!(string_only(&text("ab"), upper), Ok(text("AB")));
    }
}
