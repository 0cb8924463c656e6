//! Java-dialect regular expressions (`java.util.regex` syntax and matching rules), compiled to
//! `fancy-regex` with bounded backtracking.

use std::fmt;

/// Compile-time options, as Java `Pattern` flags.
#[allow(clippy::struct_excessive_bools)] // mirrors Java's independent flag bits
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// `Pattern.CASE_INSENSITIVE` (`i`): ASCII-only case folding unless `unicode_case`.
    pub case_insensitive: bool,
    /// `Pattern.MULTILINE` (`m`).
    pub multiline: bool,
    /// `Pattern.DOTALL` (`s`).
    pub dotall: bool,
    /// `Pattern.UNICODE_CASE` (`u`).
    pub unicode_case: bool,
    /// `Pattern.COMMENTS` (`x`).
    pub comments: bool,
    /// `Pattern.UNIX_LINES` (`d`).
    pub unix_lines: bool,
    /// `Pattern.UNICODE_CHARACTER_CLASS` (`U`).
    pub unicode_character_class: bool,
}

/// A pattern that does not compile, with the byte offset into the pattern text where the
/// problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for RegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset {})", self.message, self.offset)
    }
}

impl std::error::Error for RegexError {}

/// A match that could not be decided: the backtracking budget ran out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchError {
    pub message: String,
}

impl fmt::Display for MatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MatchError {}

/// One match: the whole span and the spans of its capture groups (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// `groups[0]` is the whole match; `groups[i]` is group `i`, `None` if it did not take part.
    pub groups: Vec<Option<(usize, usize)>>,
}

impl Match {
    pub fn start(&self) -> usize {
        self.groups[0].map_or(0, |g| g.0)
    }
    pub fn end(&self) -> usize {
        self.groups[0].map_or(0, |g| g.1)
    }
    pub fn group(&self, i: usize) -> Option<(usize, usize)> {
        self.groups.get(i).copied().flatten()
    }
}

/// A compiled Java regex.
#[derive(Debug, Clone)]
pub struct Regex {
    source: String,
    find: fancy_regex::Regex,
    full: fancy_regex::Regex,
    groups: usize,
}

impl Regex {
    /// Compiles `pattern` with Java syntax and semantics.
    // Placeholder translation: passes the pattern through unchanged.
    pub fn new(pattern: &str, flags: Flags) -> Result<Regex, RegexError> {
        let prefix = if flags.case_insensitive { "(?i)" } else { "" };
        let err = |e: fancy_regex::Error| RegexError {
            offset: 0,
            message: e.to_string(),
        };
        let find = fancy_regex::Regex::new(&format!("{prefix}{pattern}")).map_err(err)?;
        let full = fancy_regex::Regex::new(&format!("{prefix}^(?:{pattern})$")).map_err(err)?;
        let groups = find.captures_len() - 1;
        Ok(Regex {
            source: pattern.to_owned(),
            find,
            full,
            groups,
        })
    }

    /// The pattern text as written in the rules.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Number of capture groups (not counting group 0).
    pub fn group_count(&self) -> usize {
        self.groups
    }

    /// Java `Matcher.matches()`: the whole text must match.
    pub fn is_full_match(&self, text: &str) -> Result<bool, MatchError> {
        self.full.is_match(text).map_err(|e| MatchError {
            message: e.to_string(),
        })
    }

    /// Java `Matcher.matches()` with the groups of the match.
    pub fn full_match(&self, text: &str) -> Result<Option<Match>, MatchError> {
        let caps = self.full.captures(text).map_err(|e| MatchError {
            message: e.to_string(),
        })?;
        Ok(caps.map(|c| Match {
            groups: (0..c.len())
                .map(|i| c.get(i).map(|m| (m.start(), m.end())))
                .collect(),
        }))
    }

    /// Java `Matcher.find()` starting at byte offset `start`.
    pub fn find_at(&self, text: &str, start: usize) -> Result<Option<Match>, MatchError> {
        let caps = self
            .find
            .captures_from_pos(text, start)
            .map_err(|e| MatchError {
                message: e.to_string(),
            })?;
        Ok(caps.map(|c| Match {
            groups: (0..c.len())
                .map(|i| c.get(i).map(|m| (m.start(), m.end())))
                .collect(),
        }))
    }
}

impl Regex {
    /// Java `replaceAll` with a literal replacement.
    pub fn replace_all(&self, text: &str, replacement: &str) -> Result<String, MatchError> {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        let mut pos = 0;
        while pos <= text.len() {
            let Some(m) = self.find_at(text, pos)? else {
                break;
            };
            out.push_str(&text[last..m.start()]);
            out.push_str(replacement);
            last = m.end();
            pos = if m.end() == m.start() {
                next_char(text, m.end())
            } else {
                m.end()
            };
        }
        out.push_str(&text[last..]);
        Ok(out)
    }

    /// Java `String.split(regex)`.
    pub fn split<'t>(&self, text: &'t str) -> Result<Vec<&'t str>, MatchError> {
        let mut parts = Vec::new();
        let mut last = 0;
        let mut pos = 0;
        while pos <= text.len() {
            let Some(m) = self.find_at(text, pos)? else {
                break;
            };
            if m.end() == 0 {
                pos = next_char(text, 0);
                continue;
            }
            parts.push(&text[last..m.start()]);
            last = m.end();
            pos = if m.end() == m.start() {
                next_char(text, m.end())
            } else {
                m.end()
            };
        }
        parts.push(&text[last..]);
        while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
            parts.pop();
        }
        if parts.len() == 1 && parts[0].is_empty() && !text.is_empty() {
            parts.clear();
        }
        Ok(parts)
    }
}

fn next_char(text: &str, at: usize) -> usize {
    text[at..]
        .chars()
        .next()
        .map_or(at + 1, |c| at + c.len_utf8())
}

/// Java `Pattern.quote`: a pattern matching `literal` exactly.
pub fn quote(literal: &str) -> String {
    fancy_regex::escape(literal).into_owned()
}
