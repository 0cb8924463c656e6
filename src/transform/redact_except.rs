//! `redactExceptPhrases` (§2.6) and `redactExceptSubstringsMatchingRegexes` (§2.7): replace a
//! string by the allowed parts it contains, or by the empty string.

use super::{TransformError, java_len, string_only, text};
use crate::jregex::{Flags, Regex, RegexError, quote};
use crate::json::Value;

/// The pattern the proxy builds for one allowed phrase: a word-bounded, case-insensitive
/// literal, optionally followed by spaces or colons.
pub fn phrase_pattern(phrase: &str) -> Result<Regex, RegexError> {
    Regex::new(
        &format!("\\b({})[\\s:]*\\b", quote(phrase)),
        Flags {
            case_insensitive: true,
            ..Flags::default()
        },
    )
}

/// The pattern the proxy builds for one exception regex: it must match the whole string.
pub fn exception_pattern(exception: &str) -> Result<Regex, RegexError> {
    Regex::new(&format!(".*?({exception}).*?"), Flags::default())
}

/// `redactExceptPhrases` with patterns from [`phrase_pattern`]: the first occurrence of each
/// phrase, as written in the input, joined with `,` in phrase order; none gives `""`.
pub fn phrases<'a>(v: &Value<'a>, patterns: &[Regex]) -> Result<Value<'a>, TransformError> {
    string_only(v, |s| {
        let mut found = Vec::new();
        for p in patterns {
            let m = p
                .find_at(s, 0)
                .map_err(TransformError::regex("redactExceptPhrases"))?;
            if let Some((start, end)) = m.and_then(|m| m.group(1)) {
                found.push(&s[start..end]);
            }
        }
        Ok(text(found.join(",")))
    })
}

/// `redactExceptSubstringsMatchingRegexes` with patterns from [`exception_pattern`]: the
/// longest group 1 among the exceptions that match the whole string (first listed wins ties);
/// none gives `""`.
pub fn substrings<'a>(v: &Value<'a>, patterns: &[Regex]) -> Result<Value<'a>, TransformError> {
    string_only(v, |s| {
        let mut best: Option<&str> = None;
        for p in patterns {
            let m = p.full_match(s).map_err(TransformError::regex(
                "redactExceptSubstringsMatchingRegexes",
            ))?;
            if let Some((start, end)) = m.and_then(|m| m.group(1)) {
                let g = &s[start..end];
                if best.is_none_or(|b| java_len(g) > java_len(b)) {
                    best = Some(g);
                }
            }
        }
        Ok(text(best.unwrap_or("")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrase_patterns(list: &[&str]) -> Vec<Regex> {
        list.iter()
            .map(|p| phrase_pattern(p).expect("phrase compiles"))
            .collect()
    }

    #[test]
    fn phrases_keep_input_case_in_phrase_order() {
        let pats = phrase_patterns(&["Focus Time", "1:1", "OOO", "no mtg"]);
        let out = phrases(&text("My focus time: and 1:1 with OOO"), &pats);
        assert_eq!(out, Ok(text("focus time,1:1,OOO")));
    }

    #[test]
    fn phrases_respect_word_boundaries() {
        let pats = phrase_patterns(&["Focus Time"]);
        assert_eq!(phrases(&text("focus timer"), &pats), Ok(text("")));
    }

    #[test]
    fn substrings_pick_longest_group() {
        let pats = vec![
            exception_pattern("a+").expect("compiles"),
            exception_pattern("b+").expect("compiles"),
        ];
        assert_eq!(substrings(&text("xaabbbx"), &pats), Ok(text("bbb")));
    }

    #[test]
    fn substrings_never_match_multiline_text() {
        let pats = vec![exception_pattern("a").expect("compiles")];
        assert_eq!(substrings(&text("a\nb"), &pats), Ok(text("")));
    }
}
