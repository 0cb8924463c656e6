//! `redactRegexMatches` (§2.5): removes every match of each regex, in list order.

use super::{TransformError, string_only, text};
use crate::jregex::Regex;
use crate::json::Value;

const KIND: &str = "redactRegexMatches";

/// Each regex sees the output of the previous one; matches become the empty string.
pub fn apply<'a>(v: &Value<'a>, redactions: &[Regex]) -> Result<Value<'a>, TransformError> {
    string_only(v, |s| {
        let mut out = s.to_owned();
        for re in redactions {
            out = re
                .replace_all(&out, "")
                .map_err(TransformError::regex(KIND))?;
        }
        Ok(text(out))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jregex::Flags;

    fn re(p: &str) -> Regex {
        Regex::new(p, Flags::default()).expect("test pattern compiles")
    }

    #[test]
    fn removes_password_query_parameter() {
        let out = apply(
            &text("https://zoom.us/j/123?pwd=abc&x=1"),
            &[re("(?i)pwd=[^&]*")],
        );
        assert_eq!(out, Ok(text("https://zoom.us/j/123?&x=1")));
    }

    #[test]
    fn later_regex_sees_output_of_earlier_one() {
        let out = apply(&text("aXbY"), &[re("X"), re("bY")]);
        assert_eq!(out, Ok(text("a")));
    }

    #[test]
    fn non_string_becomes_null() {
        assert_eq!(apply(&Value::Int(5), &[re("5")]), Ok(Value::Null));
    }
}
