//! `filterTokenByRegex` (§2.8): keeps only the tokens that fully match one of the filters.

use super::{TransformError, java_trim, string_only, text};
use crate::jregex::Regex;
use crate::json::Value;

const KIND: &str = "filterTokenByRegex";

/// Splits with Java `String.split(delimiter)`, keeps tokens fully matching any filter, joins them
/// with a space and trims; nothing kept gives null.
pub fn apply<'a>(
    v: &Value<'a>,
    delimiter: &Regex,
    filters: &[Regex],
) -> Result<Value<'a>, TransformError> {
    string_only(v, |s| {
        let mut kept = Vec::new();
        for token in delimiter.split(s).map_err(TransformError::regex(KIND))? {
            for f in filters {
                if f.is_full_match(token)
                    .map_err(TransformError::regex(KIND))?
                {
                    kept.push(token);
                    break;
                }
            }
        }
        let joined = kept.join(" ");
        let trimmed = java_trim(&joined);
        Ok(if trimmed.is_empty() {
            Value::Null
        } else {
            text(trimmed)
        })
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
    fn keeps_matching_tokens_in_order() {
        let out = apply(
            &text("join https://acme.zoom.us/j/1 or https://x.com/ Transferred"),
            &re("\\s+"),
            &[re("https://[^.]+\\.zoom\\.us/.*"), re("Transferred")],
        );
        assert_eq!(out, Ok(text("https://acme.zoom.us/j/1 Transferred")));
    }

    #[test]
    fn nothing_kept_gives_null() {
        let out = apply(&text("nothing"), &re("\\s+"), &[re("https://.*")]);
        assert_eq!(out, Ok(Value::Null));
    }
}
