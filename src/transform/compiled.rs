//! A transform kind with its options compiled (regexes, keyword lists, inner paths), ready to map
//! values.

use super::pseudonymize as pz;
use super::redact_except::{exception_pattern, phrase_pattern};
use super::text_digest::{Keywords, digest};
use super::{TransformError, filter_token, redact_except, redact_regex, text};
use crate::jregex::{Flags, Regex, RegexError};
use crate::json::{Value, parse_smart, to_smart_string};
use crate::jsonpath::{self, JsonPath, PathError};
use crate::plan::MapError;
use crate::plan::naive::{self, EvalError};
use crate::pseudonym::Pseudonymizer;
use crate::rules::{Encoding, Located, TransformKind};

/// What one transform does to a value it selects.
#[derive(Debug, Clone)]
pub enum ValueFn {
    /// `redact`: the value's key or element is deleted; there is no value function.
    Delete,
    Pseudonymize {
        encoding: Encoding,
        include_reversible: bool,
        include_original: bool,
    },
    EmailHeader {
        encoding: Encoding,
    },
    RegexMatches {
        regex: Regex,
        include_reversible: bool,
    },
    RedactRegexMatches {
        redactions: Vec<Regex>,
    },
    RedactExceptPhrases {
        patterns: Vec<Regex>,
    },
    RedactExceptSubstrings {
        patterns: Vec<Regex>,
    },
    FilterTokenByRegex {
        delimiter: Regex,
        filters: Vec<Regex>,
    },
    Tokenize {
        regex: Option<Regex>,
    },
    TextDigest {
        keywords: Keywords,
        /// `isJsonEscaped` with a non-blank `jsonPathToProcessWhenEscaped`.
        escaped: Option<JsonPath>,
    },
    HashIp,
    EncryptIp,
}

/// A part of a transform that does not compile. Validation reports these with their place;
/// this is the last line of defence for rules used without validation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CompileError {
    #[error("regex `{pattern}` does not compile: {error}")]
    Regex {
        pattern: Located<String>,
        error: RegexError,
    },
    #[error("JSONPath `{path}` does not parse: {error}")]
    Path {
        path: Located<String>,
        error: PathError,
    },
    #[error("`pseudonymizeRegexMatches` needs a `regex`")]
    MissingRegex,
}

fn compile_regex(pattern: &Located<String>) -> Result<Regex, CompileError> {
    Regex::new(pattern, Flags::default()).map_err(|error| CompileError::Regex {
        pattern: pattern.clone(),
        error,
    })
}

fn compile_all(patterns: &[Located<String>]) -> Result<Vec<Regex>, CompileError> {
    patterns.iter().map(compile_regex).collect()
}

impl ValueFn {
    /// Compiles a transform kind's options.
    pub fn compile(kind: &TransformKind) -> Result<ValueFn, CompileError> {
        Ok(match kind {
            TransformKind::Redact => ValueFn::Delete,
            TransformKind::Pseudonymize(o) => ValueFn::Pseudonymize {
                encoding: o.encoding,
                include_reversible: *o.include_reversible,
                include_original: *o.include_original,
            },
            TransformKind::PseudonymizeEmailHeader(o) => ValueFn::EmailHeader {
                encoding: o.encoding,
            },
            TransformKind::PseudonymizeRegexMatches(o) => ValueFn::RegexMatches {
                regex: compile_regex(o.regex.as_ref().ok_or(CompileError::MissingRegex)?)?,
                include_reversible: o.include_reversible,
            },
            TransformKind::RedactRegexMatches(o) => ValueFn::RedactRegexMatches {
                redactions: compile_all(&o.redactions)?,
            },
            TransformKind::RedactExceptPhrases(o) => ValueFn::RedactExceptPhrases {
                patterns: o
                    .allowed_phrases
                    .iter()
                    .map(|p| {
                        phrase_pattern(p).map_err(|error| CompileError::Regex {
                            pattern: Located::unlocated(p.clone()),
                            error,
                        })
                    })
                    .collect::<Result<_, _>>()?,
            },
            TransformKind::RedactExceptSubstringsMatchingRegexes(o) => {
                ValueFn::RedactExceptSubstrings {
                    patterns: o
                        .exceptions
                        .iter()
                        .map(|e| {
                            exception_pattern(e).map_err(|error| CompileError::Regex {
                                pattern: e.clone(),
                                error,
                            })
                        })
                        .collect::<Result<_, _>>()?,
                }
            }
            TransformKind::FilterTokenByRegex(o) => ValueFn::FilterTokenByRegex {
                delimiter: match &o.delimiter {
                    Some(d) => compile_regex(d)?,
                    None => compile_regex(&Located::unlocated(o.delimiter().to_owned()))?,
                },
                filters: compile_all(&o.filters)?,
            },
            TransformKind::Tokenize(o) => ValueFn::Tokenize {
                regex: o.regex.as_ref().map(compile_regex).transpose()?,
            },
            TransformKind::TextDigest(o) => ValueFn::TextDigest {
                keywords: Keywords::new(&o.keywords),
                escaped: match (&o.json_path_to_process_when_escaped, o.is_json_escaped) {
                    (Some(p), true) if !p.trim().is_empty() => {
                        Some(jsonpath::parse(p).map_err(|error| CompileError::Path {
                            path: p.clone(),
                            error,
                        })?)
                    }
                    _ => None,
                },
            },
            TransformKind::HashIp => ValueFn::HashIp,
            TransformKind::EncryptIp => ValueFn::EncryptIp,
        })
    }

    /// Whether the transform deletes rather than maps.
    pub fn is_delete(&self) -> bool {
        matches!(self, ValueFn::Delete)
    }

    /// Whether a failure inside the value function can stop the rest of its path instead of
    /// the response (textDigest over escaped JSON, §2.10).
    pub fn may_abort_path(&self) -> bool {
        matches!(
            self,
            ValueFn::TextDigest {
                escaped: Some(_),
                ..
            }
        )
    }

    /// Whether [`ValueFn::apply_into`] may write the replacement of a string.
    pub fn writes_into(&self) -> bool {
        matches!(
            self,
            ValueFn::Pseudonymize {
                encoding: Encoding::UrlSafeToken,
                ..
            }
        )
    }

    /// The replacement of `v` as text appended to `out`, when the function makes a string
    /// from it without an allocation of its own (`pseudonymize` of a string to a token); `None`
    /// when it does not, and [`ValueFn::apply`] is the way.
    pub fn apply_into(
        &self,
        v: &Value<'_>,
        p: &Pseudonymizer,
        out: &mut String,
    ) -> Option<Result<(), TransformError>> {
        match self {
            ValueFn::Pseudonymize {
                encoding: Encoding::UrlSafeToken,
                include_reversible,
                ..
            } => pz::url_safe_token_into(v, p, *include_reversible, out),
            _ => None,
        }
    }

    /// Whether the function replaces or removes parts of a string and keeps the rest: the
    /// regex and phrase transforms, and `tokenize` with a `regex`.
    pub fn keeps_parts(&self) -> bool {
        matches!(
            self,
            ValueFn::RegexMatches { .. }
                | ValueFn::RedactRegexMatches { .. }
                | ValueFn::RedactExceptPhrases { .. }
                | ValueFn::RedactExceptSubstrings { .. }
                | ValueFn::FilterTokenByRegex { .. }
                | ValueFn::Tokenize { regex: Some(_) }
        )
    }

    /// The replacement of `v` (§2, §2.12).
    pub fn apply<'a>(&self, v: &Value<'a>, p: &Pseudonymizer) -> Result<Value<'a>, TransformError> {
        match self {
            // Never called: deletion is the engine's business.
            ValueFn::Delete => Ok(v.clone()),
            ValueFn::Pseudonymize {
                encoding,
                include_reversible,
                include_original,
            } => pz::pseudonymize(v, p, *encoding, *include_reversible, *include_original),
            ValueFn::EmailHeader { encoding } => pz::email_header(v, p, *encoding),
            ValueFn::RegexMatches {
                regex,
                include_reversible,
            } => pz::regex_matches(v, p, regex, *include_reversible),
            ValueFn::RedactRegexMatches { redactions } => redact_regex::apply(v, redactions),
            ValueFn::RedactExceptPhrases { patterns } => redact_except::phrases(v, patterns),
            ValueFn::RedactExceptSubstrings { patterns } => redact_except::substrings(v, patterns),
            ValueFn::FilterTokenByRegex { delimiter, filters } => {
                filter_token::apply(v, delimiter, filters)
            }
            ValueFn::Tokenize { regex } => pz::tokenize(v, p, regex.as_ref()),
            ValueFn::TextDigest { keywords, escaped } => text_digest(v, keywords, escaped.as_ref()),
            ValueFn::HashIp => pz::hash_ip(v, p),
            ValueFn::EncryptIp => pz::encrypt_ip(v, p),
        }
    }
}

/// The `textDigest` transform (§2.10): strings (blank ones included) become the digest's JSON
/// text; anything else becomes null. With an inner path, the string is a JSON document whose
/// selected strings are digested, written back in json-smart's style.
fn text_digest<'a>(
    v: &Value<'a>,
    keywords: &Keywords,
    escaped: Option<&JsonPath>,
) -> Result<Value<'a>, TransformError> {
    const KIND: &str = "textDigest";
    let Value::String(s) = v else {
        return Ok(Value::Null);
    };
    let Some(inner_path) = escaped else {
        return Ok(text(digest(s, keywords).to_json()));
    };
    // Jayway refuses an empty document before reading it.
    if s.is_empty() {
        return Err(TransformError::InnerJson {
            kind: KIND,
            reason: "an empty string is not a JSON document".to_owned(),
        });
    }
    let mut inner = parse_smart(s).map_err(|e| TransformError::InnerJson {
        kind: KIND,
        reason: e.to_string(),
    })?;
    let mut digest_inner = |value: &mut Value<'_>| -> Result<(), MapError<TransformError>> {
        *value = match value {
            Value::String(s) => text(digest(s, keywords).to_json()),
            _ => Value::Null,
        };
        Ok(())
    };
    match naive::map_path(inner_path, &mut inner, &mut digest_inner) {
        Ok(_) => Ok(text(to_smart_string(&inner))),
        Err(EvalError::NotFound) => Err(TransformError::InnerPathNotFound),
        Err(EvalError::Fatal { message }) => Err(TransformError::InnerPath {
            kind: KIND,
            reason: message,
        }),
        Err(EvalError::Transform(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::TextDigestOptions;

    fn digest_fn(keywords: &[&str], inner: Option<&str>) -> ValueFn {
        ValueFn::compile(&TransformKind::TextDigest(TextDigestOptions {
            keywords: keywords
                .iter()
                .map(|k| Located::unlocated((*k).to_owned()))
                .collect(),
            is_json_escaped: inner.is_some(),
            json_path_to_process_when_escaped: inner.map(|p| Located::unlocated(p.to_owned())),
        }))
        .expect("compiles")
    }

    fn pseudonymizer() -> Pseudonymizer {
        use crate::pseudonym::{DomainHandling, EmailCanonicalization, SecretValues, Secrets};
        Pseudonymizer::new(
            Secrets::new(SecretValues {
                salt: Some("salt".into()),
                ..SecretValues::default()
            }),
            EmailCanonicalization::Strict,
            DomainHandling::Preserve,
        )
    }

    #[test]
    fn writes_into_says_which_functions_write_their_string() {
        let p = pseudonymizer();
        let pseudonymize = |encoding| {
            ValueFn::compile(&TransformKind::Pseudonymize(
                crate::rules::PseudonymizeOptions {
                    encoding,
                    ..Default::default()
                },
            ))
            .expect("compiles")
        };
        for (f, writes) in [
            (pseudonymize(Encoding::UrlSafeToken), true),
            (pseudonymize(Encoding::Json), false),
            (pseudonymize(Encoding::UrlSafeHashOnly), false),
            (digest_fn(&[], None), false),
        ] {
            assert_eq!(f.writes_into(), writes, "{f:?}");
            let mut out = String::new();
            let written = f.apply_into(&text("a@acme.com"), &p, &mut out).is_some();
            assert_eq!(written, writes, "{f:?}");
        }
    }

    #[test]
    fn digest_of_blank_string_counts_one_word() {
        let out = digest_fn(&[], None).apply(&text("   "), &pseudonymizer());
        assert_eq!(out, Ok(text("{\"length\":3,\"word_count\":1}")));
    }

    #[test]
    fn digest_of_non_string_is_null() {
        let out = digest_fn(&[], None).apply(&Value::Int(3), &pseudonymizer());
        assert_eq!(out, Ok(Value::Null));
    }

    #[test]
    fn escaped_json_digests_inner_strings_in_json_smart_style() {
        let f = digest_fn(&[], Some("$.body[*].text"));
        let doc =
            r#"{"type":"Card","body":[{"text":"hello world","n":1},{"text":7}],"note":"a—b"}"#;
        let out = f.apply(&text(doc), &pseudonymizer());
        assert_eq!(
            out,
            Ok(text(
                "{\"type\":\"Card\",\"body\":[{\"text\":\"{\\\"length\\\":11,\\\"word_count\\\":2}\",\"n\":1},{\"text\":null}],\"note\":\"a\\u2014b\"}"
            ))
        );
    }

    #[test]
    fn escaped_json_with_missing_definite_inner_path_aborts_the_path() {
        let f = digest_fn(&[], Some("$.missing"));
        let out = f.apply(&text("{\"a\":1}"), &pseudonymizer());
        assert_eq!(out, Err(TransformError::InnerPathNotFound));
    }

    #[test]
    fn escaped_json_where_an_indefinite_inner_path_selects_nothing_aborts_the_path() {
        for inner in ["$..text", "$.body[*].text", "$.body[?(@.text)].text"] {
            let f = digest_fn(&[], Some(inner));
            for doc in ["{\"body\":[{\"n\":1}]}", "not json", "[1,2]"] {
                let out = f.apply(&text(doc), &pseudonymizer());
                assert_eq!(
                    out,
                    Err(TransformError::InnerPathNotFound),
                    "{inner} on {doc}"
                );
            }
        }
    }

    #[test]
    fn escaped_value_that_is_plain_text_has_no_inner_path() {
        // json-smart reads text that is not JSON as one string, where `$.a` finds nothing.
        let f = digest_fn(&[], Some("$.a"));
        let out = f.apply(&text("not json, just words"), &pseudonymizer());
        assert_eq!(out, Err(TransformError::InnerPathNotFound));
    }

    #[test]
    fn escaped_value_in_lenient_json_is_digested() {
        let f = digest_fn(&[], Some("$.text"));
        let out = f.apply(
            &text("{'text':'hi there', n: 1.2345678901234567890,}"),
            &pseudonymizer(),
        );
        assert_eq!(
            out,
            Ok(text(
                "{\"text\":\"{\\\"length\\\":8,\\\"word_count\\\":2}\",\"n\":1.2345678901234567890}"
            ))
        );
    }

    #[test]
    fn escaped_value_json_smart_refuses_fails() {
        let f = digest_fn(&[], Some("$.a"));
        for refused in ["{\"a\":", "", "[1}"] {
            let out = f.apply(&text(refused), &pseudonymizer());
            assert!(
                matches!(out, Err(TransformError::InnerJson { .. })),
                "{refused:?}: {out:?}"
            );
        }
    }

    #[test]
    fn an_inner_path_that_fails_on_valid_json_says_so() {
        for (path, value) in [
            ("$.t", "null"),
            ("$", "{\"t\":\"x\"}"),
            ("$.t[?(@.x)]", "{\"t\":\"s\"}"),
        ] {
            let out = digest_fn(&[], Some(path)).apply(&text(value), &pseudonymizer());
            let Err(e @ TransformError::InnerPath { .. }) = out else {
                panic!("{path} on {value}: {out:?}");
            };
            assert!(
                e.to_string()
                    .starts_with("`jsonPathToProcessWhenEscaped` cannot be applied to the JSON"),
                "{e}"
            );
        }
    }

    #[test]
    fn writing_into_a_buffer_gives_what_apply_gives() {
        let keyed = crate::pseudonym::reference_pseudonymizer();
        let unkeyed = pseudonymizer();
        let values = [
            Value::string("Alice.Smith+x@Example.COM"),
            Value::string("not an email"),
            Value::string("\"Bob\" <bob@acme.io>"),
            Value::string(" "),
            Value::Int(42),
            Value::Null,
        ];
        for include_reversible in [false, true] {
            let f = ValueFn::Pseudonymize {
                encoding: Encoding::UrlSafeToken,
                include_reversible,
                include_original: false,
            };
            for p in [&keyed, &unkeyed] {
                for v in &values {
                    let mut out = String::from("kept:");
                    match f.apply_into(v, p, &mut out) {
                        Some(Ok(())) => {
                            let applied = f.apply(v, p).expect("apply agrees: no error");
                            assert_eq!(applied.as_str(), out.strip_prefix("kept:"), "{v:?}");
                        }
                        Some(Err(e)) => {
                            assert_eq!(f.apply(v, p).err(), Some(e), "{v:?}");
                            assert_eq!(out, "kept:");
                        }
                        None => assert!(!matches!(v, Value::String(s) if s.trim() != "")),
                    }
                }
            }
        }
        // Other encodings and kinds have no buffer form.
        let json = ValueFn::Pseudonymize {
            encoding: Encoding::Json,
            include_reversible: false,
            include_original: false,
        };
        assert!(
            json.apply_into(&values[0], &keyed, &mut String::new())
                .is_none()
        );
    }
}
