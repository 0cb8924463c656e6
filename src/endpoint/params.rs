//! Path and query parameter schemas (§1.8, §5.5).

use std::fmt;

use super::java_equals_ignore_case;
use crate::jregex::{Flags, Regex};
use crate::rules::{ParameterSchema, ParameterType};

/// Why a parameter value does not validate. Never holds the value itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamError {
    NotInteger,
    NotNumber,
    NotPseudonym,
    /// A `format` the proxy does not know: it fails the request rather than refusing it.
    UnknownFormat(String),
    NotInEnum,
    PatternMismatch,
    /// The pattern does not compile or could not be evaluated.
    BadPattern(String),
    NoAlternativeMatches,
    /// A path parameter schema names a parameter the template does not have.
    NotInTemplate,
    /// A path parameter schema names a group that the `pathRegex`, matched in place of the
    /// template, does not have.
    NotInRegex,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::NotInteger => f.write_str("is not an integer (`type: integer`)"),
            ParamError::NotNumber => f.write_str("is not a number (`type: number`)"),
            ParamError::NotPseudonym => {
                f.write_str("is not a reversible pseudonym (`p~` followed by 43+ characters)")
            }
            ParamError::UnknownFormat(fmt) => write!(f, "has an unknown `format: {fmt}`"),
            ParamError::NotInEnum => f.write_str("is not one of the `enum` values"),
            ParamError::PatternMismatch => f.write_str("does not match `pattern`"),
            ParamError::BadPattern(e) => write!(f, "cannot be checked: `pattern` {e}"),
            ParamError::NoAlternativeMatches => f.write_str("matches none of `anyOf`"),
            ParamError::NotInTemplate => f.write_str("is not a parameter of the template"),
            ParamError::NotInRegex => f.write_str(
                "is not a named group of the `pathRegex`, which is matched in place of the template",
            ),
        }
    }
}

/// Validates a parameter value; `None` (a query parameter without `=`) is always valid.
/// Checks run in the proxy's order: type, format, enum, pattern, anyOf.
pub fn validate(schema: &ParameterSchema, value: Option<&str>) -> Result<(), ParamError> {
    let Some(value) = value else {
        return Ok(());
    };
    match schema.value_type {
        Some(ParameterType::Integer) => {
            let t = value.trim_matches(|c: char| c <= ' ');
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ParamError::NotInteger);
            }
        }
        Some(ParameterType::Number) if !is_java_double(value) => {
            return Err(ParamError::NotNumber);
        }
        _ => {}
    }
    if let Some(format) = &schema.format {
        if !is_pseudonym_format(format) {
            return Err(ParamError::UnknownFormat(format.as_str().to_owned()));
        }
        if !is_reversible_token(value) {
            return Err(ParamError::NotPseudonym);
        }
    }
    if let Some(values) = &schema.enum_values
        && !values.iter().any(|v| v == value)
    {
        return Err(ParamError::NotInEnum);
    }
    if let Some(pattern) = &schema.pattern {
        let re = Regex::new(pattern, Flags::default())
            .map_err(|e| ParamError::BadPattern(e.to_string()))?;
        if !re
            .is_full_match(value)
            .map_err(|e| ParamError::BadPattern(e.to_string()))?
        {
            return Err(ParamError::PatternMismatch);
        }
    }
    if let Some(any_of) = schema.any_of.as_ref().filter(|a| !a.is_empty()) {
        let mut any = false;
        for alternative in any_of {
            match validate(alternative, Some(value)) {
                Ok(()) => {
                    any = true;
                    break;
                }
                Err(e @ ParamError::UnknownFormat(_)) => return Err(e),
                Err(_) => {}
            }
        }
        if !any {
            return Err(ParamError::NoAlternativeMatches);
        }
    }
    Ok(())
}

/// Whether a parameter schema's `format` is one the proxy knows (§5.5): `reversible-pseudonym`
/// or `pseudonym`, ignoring case as Java does and reading `_` as `-`. Any other `-` or `_`,
/// or none where one belongs, makes it unknown.
pub fn is_pseudonym_format(format: &str) -> bool {
    let format = format.replace('_', "-");
    ["reversible-pseudonym", "pseudonym"]
        .iter()
        .any(|known| java_equals_ignore_case(&format, known))
}

/// `p~[a-zA-Z0-9_-]{43,}`, the whole value.
fn is_reversible_token(value: &str) -> bool {
    value.strip_prefix("p~").is_some_and(|rest| {
        rest.len() >= 43
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

/// Whether Java's `Double.parseDouble` accepts the text: surrounding characters <= U+0020
/// trimmed; optional sign; `NaN`, `Infinity`, a decimal with optional exponent, or a hex
/// float; an optional `f`/`F`/`d`/`D` suffix on numbers.
fn is_java_double(text: &str) -> bool {
    let t = text.trim_matches(|c: char| c <= ' ');
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    if t == "NaN" || t == "Infinity" {
        return true;
    }
    let t = t.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(t);
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return is_hex_float(hex);
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// `h.hhhp±d` after `0x`: hex digits with an optional point, then a mandatory binary exponent.
fn is_hex_float(s: &str) -> bool {
    let Some((mantissa, exponent)) = s.split_once(['p', 'P']) else {
        return false;
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    let e = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    hex(int)
        && hex(frac)
        && !(int.is_empty() && frac.is_empty())
        && !e.is_empty()
        && e.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Located;

    fn schema() -> ParameterSchema {
        ParameterSchema::default()
    }

    #[test]
    fn missing_value_is_valid() {
        let s = ParameterSchema {
            value_type: Some(ParameterType::Integer),
            ..schema()
        };
        assert_eq!(validate(&s, None), Ok(()));
    }

    #[test]
    fn integer_is_trimmed_digits() {
        let s = ParameterSchema {
            value_type: Some(ParameterType::Integer),
            ..schema()
        };
        assert_eq!(validate(&s, Some(" 42 ")), Ok(()));
        assert_eq!(validate(&s, Some("-1")), Err(ParamError::NotInteger));
        assert_eq!(validate(&s, Some("")), Err(ParamError::NotInteger));
    }

    #[test]
    fn number_follows_java_parse_double() {
        for ok in [
            "1",
            "-1.5",
            ".5",
            "5.",
            "1e3",
            "1.5E-2",
            "NaN",
            "-Infinity",
            "2d",
            "0x1p3",
            " 7 ",
        ] {
            assert!(is_java_double(ok), "{ok}");
        }
        for bad in ["", "e3", "1e", "inf", "nan", "1.2.3", "0x1", "abc"] {
            assert!(!is_java_double(bad), "{bad}");
        }
    }

    #[test]
    fn pseudonym_format_needs_a_reversible_token() {
        let s = ParameterSchema {
            format: Some(Located::unlocated("Reversible_Pseudonym".into())),
            ..schema()
        };
        let token = format!("p~{}", "a".repeat(43));
        assert_eq!(validate(&s, Some(&token)), Ok(()));
        assert_eq!(validate(&s, Some("t~abc")), Err(ParamError::NotPseudonym));
    }

    #[test]
    fn pseudonym_formats_ignore_case_and_read_underscore_as_hyphen_and_nothing_more() {
        for known in [
            "reversible-pseudonym",
            "Reversible_Pseudonym",
            "REVERSIBLE-PSEUDONYM",
            "pseudonym",
            "PSEUDONYM",
            // Java's case-insensitive comparison upper-cases `ı` to `I` and `ſ` to `S`.
            "reversıble-pſeudonym",
        ] {
            assert!(is_pseudonym_format(known), "{known}");
        }
        for unknown in [
            "ReversiblePseudonym",
            "reversible--pseudonym",
            "reversible-pseudonym-",
            "-pseudonym",
            "pseudo-nym",
            "pseudonym_",
            " pseudonym",
            "pseudonyms",
            "",
        ] {
            assert!(!is_pseudonym_format(unknown), "{unknown}");
        }
    }

    #[test]
    fn a_format_without_its_hyphen_fails_the_request() {
        let s = ParameterSchema {
            format: Some(Located::unlocated("ReversiblePseudonym".into())),
            ..schema()
        };
        let token = format!("p~{}", "a".repeat(43));
        assert_eq!(
            validate(&s, Some(&token)),
            Err(ParamError::UnknownFormat("ReversiblePseudonym".into()))
        );
    }

    #[test]
    fn unknown_format_is_an_error_of_the_rules() {
        let s = ParameterSchema {
            format: Some(Located::unlocated("email".into())),
            ..schema()
        };
        assert_eq!(
            validate(&s, Some("x")),
            Err(ParamError::UnknownFormat("email".into()))
        );
    }

    #[test]
    fn enum_pattern_and_any_of() {
        let s = ParameterSchema {
            enum_values: Some(vec!["a".into(), "bb".into()]),
            pattern: Some(Located::unlocated("b+".into())),
            ..schema()
        };
        assert_eq!(validate(&s, Some("bb")), Ok(()));
        assert_eq!(validate(&s, Some("a")), Err(ParamError::PatternMismatch));
        assert_eq!(validate(&s, Some("c")), Err(ParamError::NotInEnum));
        let alt = ParameterSchema {
            any_of: Some(vec![
                Located::unlocated(ParameterSchema {
                    value_type: Some(ParameterType::Integer),
                    ..schema()
                }),
                Located::unlocated(ParameterSchema {
                    enum_values: Some(vec!["me".into()]),
                    ..schema()
                }),
            ]),
            ..schema()
        };
        assert_eq!(validate(&alt, Some("12")), Ok(()));
        assert_eq!(validate(&alt, Some("me")), Ok(()));
        assert_eq!(
            validate(&alt, Some("you")),
            Err(ParamError::NoAlternativeMatches)
        );
    }
}
