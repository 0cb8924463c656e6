//! The pseudonymizing kinds: `pseudonymize` (§2.2), `pseudonymizeEmailHeader` (§2.3),
//! `pseudonymizeRegexMatches` (§2.4), `tokenize` (§2.9), `hashIp` and `encryptIp` (§2.11).

use std::borrow::Cow;

use super::{Rejected, TransformError, is_blank, string_only, text};
use crate::jregex::Regex;
use crate::json::{Map, Value, java_number_string, to_compact_string};
use crate::pseudonym::{PseudonymError, PseudonymInput, PseudonymizedIdentity, Pseudonymizer};
use crate::rules::Encoding;

fn pseudonym_error(kind: &'static str) -> impl Fn(PseudonymError) -> TransformError {
    move |e| TransformError::Pseudonym {
        kind,
        reason: e.to_string(),
    }
}

fn invalid(kind: &'static str, v: &Value<'_>) -> TransformError {
    TransformError::InvalidInput {
        kind,
        found: Rejected::of(v),
    }
}

/// `pseudonymize` (§2.2, input types §2.12).
pub fn pseudonymize<'a>(
    v: &Value<'a>,
    p: &Pseudonymizer,
    encoding: Encoding,
    include_reversible: bool,
    include_original: bool,
) -> Result<Value<'a>, TransformError> {
    const KIND: &str = "pseudonymize";
    let number;
    let input = match v {
        Value::String(s) if !is_blank(s) => PseudonymInput::Text(s),
        Value::Int(_) | Value::BigInt(_) | Value::Double(_) | Value::Decimal(_) => {
            number = java_number_string(v).unwrap_or_default();
            PseudonymInput::Number(&number)
        }
        Value::Null | Value::String(_) => {
            return match encoding {
                Encoding::UrlSafeToken => Ok(Value::Null),
                // Quirk: the four characters `null`, not JSON null.
                Encoding::Json => Ok(text("null")),
                Encoding::UrlSafeHashOnly => Err(invalid(KIND, v)),
            };
        }
        _ => return Err(invalid(KIND, v)),
    };
    let err = pseudonym_error(KIND);
    Ok(text(match encoding {
        Encoding::UrlSafeToken => p.url_safe_token(input, include_reversible).map_err(err)?,
        Encoding::UrlSafeHashOnly => p.url_safe_hash(input).map_err(err)?,
        Encoding::Json => to_compact_string(&identity_value(
            &p.pseudonymize(input, include_reversible, include_original)
                .map_err(err)?,
        )),
    }))
}

/// `pseudonymize` with the `URL_SAFE_TOKEN` encoding of a non-blank string, appended to `out`
/// instead of allocated: equal to what [`pseudonymize`] makes of it. `None` for any other input,
/// which [`pseudonymize`] handles.
pub fn url_safe_token_into(
    v: &Value<'_>,
    p: &Pseudonymizer,
    include_reversible: bool,
    out: &mut String,
) -> Option<Result<(), TransformError>> {
    let Value::String(s) = v else {
        return None;
    };
    if is_blank(s) {
        return None;
    }
    Some(
        p.push_url_safe_token(PseudonymInput::Text(s), include_reversible, out)
            .map_err(pseudonym_error("pseudonymize")),
    )
}

/// A pseudonymized identity as the JSON object the proxy writes (§3.7): `domain`, `hash`,
/// `original`, `reversible`, absent members omitted.
pub fn identity_value(id: &PseudonymizedIdentity) -> Value<'static> {
    let mut m = Map::with_capacity(4);
    let mut put = |k: &'static str, v: &Option<String>| {
        if let Some(v) = v {
            m.push_unique(Cow::Borrowed(k), text(v.clone()));
        }
    };
    put("domain", &id.domain);
    put("hash", &Some(id.hash.clone()));
    put("original", &id.original);
    put("reversible", &id.reversible);
    Value::Object(m)
}

/// `pseudonymizeEmailHeader` (§2.3).
pub fn email_header<'a>(
    v: &Value<'a>,
    p: &Pseudonymizer,
    encoding: Encoding,
) -> Result<Value<'a>, TransformError> {
    const KIND: &str = "pseudonymizeEmailHeader";
    let s = match v {
        Value::Null => return Ok(Value::Null),
        Value::String(s) => s,
        _ => return Err(invalid(KIND, v)),
    };
    if is_blank(s) {
        return Ok(text(""));
    }
    let Some(identities) = p
        .email_header_identities(s)
        .map_err(pseudonym_error(KIND))?
    else {
        return Ok(Value::Null);
    };
    Ok(text(match encoding {
        Encoding::UrlSafeToken => identities
            .iter()
            .map(PseudonymizedIdentity::url_safe_token)
            .collect::<Vec<_>>()
            .join(","),
        Encoding::Json | Encoding::UrlSafeHashOnly => to_compact_string(&Value::Array(
            identities.iter().map(identity_value).collect(),
        )),
    }))
}

/// `pseudonymizeRegexMatches` (§2.4): group 1 (or the whole match) of every match becomes a
/// `URL_SAFE_TOKEN`; text around it is kept; no token at all gives null.
pub fn regex_matches<'a>(
    v: &Value<'a>,
    p: &Pseudonymizer,
    regex: &Regex,
    include_reversible: bool,
) -> Result<Value<'a>, TransformError> {
    const KIND: &str = "pseudonymizeRegexMatches";
    let s = match v {
        Value::Null => return Ok(Value::Null),
        Value::String(s) if is_blank(s) => return Ok(Value::Null),
        Value::String(s) => s.as_ref(),
        _ => return Err(invalid(KIND, v)),
    };
    let group = usize::from(regex.group_count() > 0);
    let mut out = String::with_capacity(s.len() + 64);
    let mut copied = 0;
    let mut replaced = false;
    for found in regex.find_iter(s) {
        let found = found.map_err(TransformError::regex(KIND))?;
        let Some((start, end)) = found.group(group) else {
            continue;
        };
        let captured = &s[start..end];
        if is_blank(captured) {
            continue;
        }
        // A group inside a lookaround may reach back into text already rewritten (Java's
        // builder fails on such a span as well).
        if start < copied {
            return Err(TransformError::Pseudonym {
                kind: KIND,
                reason: "group 1 of a match starts inside the group of the match before it (a \
                         group in a lookaround), so the text cannot be rewritten in place"
                    .to_owned(),
            });
        }
        let token = p
            .url_safe_token(PseudonymInput::Text(captured), include_reversible)
            .map_err(pseudonym_error(KIND))?;
        out.push_str(&s[copied..start]);
        out.push_str(&token);
        copied = end;
        replaced = true;
    }
    if !replaced {
        return Ok(Value::Null);
    }
    out.push_str(&s[copied..]);
    Ok(text(out))
}

/// `tokenize` (§2.9): the reversible token of the string, or, with a regex that matches the
/// whole string, of group 1, replacing every literal occurrence of group 1's text.
pub fn tokenize<'a>(
    v: &Value<'a>,
    p: &Pseudonymizer,
    regex: Option<&Regex>,
) -> Result<Value<'a>, TransformError> {
    const KIND: &str = "tokenize";
    string_only(v, |s| {
        let err = pseudonym_error(KIND);
        let Some(regex) = regex else {
            return Ok(text(p.tokenize(s).map_err(err)?));
        };
        let Some(m) = regex.full_match(s).map_err(TransformError::regex(KIND))? else {
            return Ok(text(s));
        };
        let (start, end) = m.group(1).ok_or(TransformError::Pseudonym {
            kind: KIND,
            reason: "the regex matched but its group 1 did not take part".to_owned(),
        })?;
        let g = &s[start..end];
        let token = p.tokenize(g).map_err(err)?;
        Ok(text(s.replace(g, &token)))
    })
}

/// `hashIp` (§2.11): `t~` hash of the canonical IP; not an IP gives null.
pub fn hash_ip<'a>(v: &Value<'a>, p: &Pseudonymizer) -> Result<Value<'a>, TransformError> {
    string_only(v, |s| {
        Ok(p.hash_ip(s)
            .map_err(pseudonym_error("hashIp"))?
            .map_or(Value::Null, text))
    })
}

/// `encryptIp` (§2.11): reversible token of the canonical IP; not an IP gives null.
pub fn encrypt_ip<'a>(v: &Value<'a>, p: &Pseudonymizer) -> Result<Value<'a>, TransformError> {
    string_only(v, |s| {
        Ok(p.encrypt_ip(s)
            .map_err(pseudonym_error("encryptIp"))?
            .map_or(Value::Null, text))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jregex::Flags;
    use crate::pseudonym::{DomainHandling, EmailCanonicalization, SecretValues, Secrets};

    fn p() -> Pseudonymizer {
        let secrets = Secrets::new(SecretValues {
            salt: Some("salt".into()),
            encryption_key: Some("secret".into()),
            ..SecretValues::default()
        });
        Pseudonymizer::new(
            secrets,
            EmailCanonicalization::Strict,
            DomainHandling::Preserve,
        )
    }

    fn re(s: &str) -> Regex {
        Regex::new(s, Flags::default()).expect("compiles")
    }

    #[test]
    fn number_becomes_a_string_token() {
        let out = pseudonymize(
            &Value::Int(111_111_111),
            &p(),
            Encoding::UrlSafeToken,
            true,
            false,
        );
        assert_eq!(
            out,
            Ok(text(
                "p~LKW3WIP3bZzEQFelvQBi0lpLDZtk-1qJbWe3rHfhYhdfeki-8voee3S0wopon6Y3"
            ))
        );
    }

    #[test]
    fn doubles_hash_through_java_to_string() {
        let out = pseudonymize(
            &Value::Double(1000.0),
            &p(),
            Encoding::UrlSafeToken,
            false,
            false,
        );
        assert_eq!(
            out,
            Ok(text("t~6iMsiQV7DhJGXCdWDlbU9yZrSvo9D_hR8xLqg62E6g4"))
        );
    }

    #[test]
    fn email_keeps_domain_case() {
        let out = pseudonymize(
            &text("Alice@Acme.COM"),
            &p(),
            Encoding::UrlSafeToken,
            false,
            false,
        );
        assert_eq!(
            out,
            Ok(text(
                "t~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk@Acme.COM"
            ))
        );
    }

    #[test]
    fn json_encoding_writes_identity_as_a_string() {
        let out = pseudonymize(&text("Alice@Acme.COM"), &p(), Encoding::Json, true, true);
        assert_eq!(
            out,
            Ok(text(
                "{\"domain\":\"Acme.COM\",\"hash\":\"UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk\",\"original\":\"Alice@Acme.COM\",\"reversible\":\"p~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMnD-iukYfQVA_xqdZmzK3qx@Acme.COM\"}"
            ))
        );
    }

    #[test]
    fn null_and_blank_inputs_per_encoding() {
        let p = p();
        assert_eq!(
            pseudonymize(&Value::Null, &p, Encoding::UrlSafeToken, false, false),
            Ok(Value::Null)
        );
        assert_eq!(
            pseudonymize(&text(" "), &p, Encoding::UrlSafeToken, false, false),
            Ok(Value::Null)
        );
        assert_eq!(
            pseudonymize(&Value::Null, &p, Encoding::Json, false, false),
            Ok(text("null"))
        );
        assert!(pseudonymize(&Value::Null, &p, Encoding::UrlSafeHashOnly, false, false).is_err());
    }

    #[test]
    fn hash_only_is_the_bare_hash() {
        let out = pseudonymize(
            &text("alice@acme.com"),
            &p(),
            Encoding::UrlSafeHashOnly,
            true,
            false,
        );
        assert_eq!(out, Ok(text("UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk")));
    }

    #[test]
    fn containers_and_booleans_are_fatal() {
        let p = p();
        assert!(
            pseudonymize(&Value::Bool(true), &p, Encoding::UrlSafeToken, false, false).is_err()
        );
        assert!(pseudonymize(&Value::Array(vec![]), &p, Encoding::Json, false, false).is_err());
    }

    #[test]
    fn email_header_joins_tokens_with_commas() {
        let out = email_header(
            &text("Alice <alice@acme.com>, \"Bob\" <bob@acme.com>"),
            &p(),
            Encoding::UrlSafeToken,
        );
        assert_eq!(
            out,
            Ok(text(
                "t~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk@acme.com,t~-U7WKf4bQgfCSqtg28kpp672BXIc8kZN6Gmtg2iKn14@acme.com"
            ))
        );
    }

    #[test]
    fn email_header_input_rules() {
        let p = p();
        assert_eq!(
            email_header(&text(" "), &p, Encoding::UrlSafeToken),
            Ok(text(""))
        );
        assert_eq!(
            email_header(&text("not an address"), &p, Encoding::UrlSafeToken),
            Ok(Value::Null)
        );
        assert!(email_header(&Value::Int(1), &p, Encoding::UrlSafeToken).is_err());
    }

    #[test]
    fn regex_matches_replace_group_one_only() {
        let out = regex_matches(
            &text("SMTP:Alice@Acme.com"),
            &p(),
            &re("(?i)^smtp:(.*)$"),
            false,
        );
        assert_eq!(
            out,
            Ok(text(
                "SMTP:t~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk@Acme.com"
            ))
        );
        let none = regex_matches(&text("X500:/o=foo"), &p(), &re("(?i)^smtp:(.*)$"), false);
        assert_eq!(none, Ok(Value::Null));
    }

    #[test]
    fn regex_matches_keep_text_between_matches() {
        let out = regex_matches(
            &text("hi @alice and @bob.x ok"),
            &p(),
            &re("@([\\w.-]+)"),
            false,
        )
        .expect("maps");
        let s = out.as_str().expect("string");
        assert!(s.starts_with("hi @t~3YAo"), "{s}");
        assert!(s.contains(" and @t~o-_S"), "{s}");
        assert!(s.ends_with(" ok"), "{s}");
    }

    #[test]
    fn regex_matches_whose_groups_overlap_fail_instead_of_rewriting() {
        for (regex, value) in [("(?=(aa))a", "aaa"), ("(?<=(aa))a", "aaaa")] {
            let out = regex_matches(&text(value), &p(), &re(regex), false);
            assert!(
                matches!(&out, Err(TransformError::Pseudonym { reason, .. })
                    if reason.starts_with("group 1 of a match starts inside the group")),
                "{regex}: {out:?}"
            );
        }
        // A group in a lookahead that does not reach back is rewritten.
        let out = regex_matches(&text("ab ab"), &p(), &re("a(?=(b))"), false).expect("maps");
        let s = out.as_str().expect("string");
        assert!(s.starts_with("at~") && s.contains(" at~"), "{s}");
    }

    #[test]
    fn tokenize_whole_string_and_group() {
        let p = p();
        assert_eq!(
            tokenize(&text("justice-league"), &p, None),
            Ok(text(
                "p~eYln4_iIXDr2mXHBaE6frCg5VHOxdR9iRQUcIRUh2DOpBUifPKLi7XWYsIueuR8f"
            ))
        );
        let r = re("^https://graph.microsoft.com/v1.0/users/([a-zA-Z0-9_-]+)/.*$");
        let out = tokenize(
            &text("https://graph.microsoft.com/v1.0/users/abc-123/messages?x=abc-123"),
            &p,
            Some(&r),
        )
        .expect("maps");
        let s = out.as_str().expect("string");
        assert_eq!(s.matches("p~").count(), 2, "{s}");
        assert!(!s.contains("abc-123"), "{s}");
        assert_eq!(tokenize(&text("other"), &p, Some(&r)), Ok(text("other")));
    }

    #[test]
    fn ip_kinds() {
        let p = p();
        assert_eq!(
            hash_ip(&text("192.168.001.1"), &p),
            Ok(text("t~bM9zoRr1licJxelPc7-Ov8rxoyduS7zE5b9aZ-ktGdo"))
        );
        assert_eq!(
            encrypt_ip(&text("10.0.0.1"), &p),
            Ok(text(
                "p~3BU4goNN07w3ofq8v5ig2enxSWj9xnAnPOThel4mHTmrZBJVaY3CjxNEDJYfGEk_"
            ))
        );
        assert_eq!(hash_ip(&text("not an ip"), &p), Ok(Value::Null));
        assert_eq!(hash_ip(&Value::Int(1), &p), Ok(Value::Null));
    }
}
