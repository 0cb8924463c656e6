//! Java-dialect regular expressions (`java.util.regex` syntax and matching rules), compiled to
//! `fancy-regex` with bounded backtracking (§5.1-5.3, §2.4-2.8, §6.3 item 9).
//!
//! The Java pattern is parsed by a port of `Pattern`'s own parser and re-emitted with every
//! character spelled out, so Rust's flags and class meanings never leak in. Not supported (each
//! is a `RegexError` at the construct): `\G`, `\X`, `\b{g}`, `\N{name}`, Unicode blocks
//! (`\p{InGreek}`), `\p{javaMirrored}` and the Java identifier properties, and the inline flag
//! `c` (CANON_EQ); a class whose `&&` has no right operand after a single character
//! (`[\d-z&&]`), which Java accepts but fails on with an exception whenever its left side
//! matches; and a look-behind whose maximum length, as Java adds it up in 32 bits, overflows
//! short of its longest match (`(?<=x|ba+)`, `(?<=a+b+)`), which Java then does not look back
//! over in full. Known differences from Java: a group repeated while its body matches the empty
//! string may report other capture spans (Java's loop stops at the first empty iteration); a
//! group that took part only in an attempt that failed (inside an atomic group, a possessive
//! repetition or a look-around that had matched, or at an earlier start of the same search) is
//! reported as not taking part, where Java may still report the span it had then;
//! `UNICODE_CASE` folding follows Unicode simple case folding rather than
//! `toLowerCase(toUpperCase(c))` (they differ for a few letters such as `ß`/`ẞ`, and for ranges,
//! which Java tests with the upper and the lower case of the character, so that `[A-Z]` does
//! not match `İ` there); a look-behind steps back over whole characters, while Java, unless the
//! pattern text holds a supplementary character as such, steps back one UTF-16 unit per
//! character (so there `(?<=\x{1F600})` never matches and `(?<=[^a])` matches inside an emoji);
//! and a search that advances past an empty match steps over a whole character, never half a
//! surrogate pair.

mod ast;
mod charset;
mod emit;
mod parse;
mod sample;
mod segments;

use std::fmt;

pub use segments::{PathPiece, path_alternatives, path_pieces};

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
    /// Byte offset into the pattern as written.
    pub offset: usize,
    /// What is wrong, phrased for a rules diagnostic (for example "unclosed group").
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
    /// Says that the backtracking limit was exceeded; callers add which rule.
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

/// Backtracking steps allowed per search. Real rules stay far below it; a hostile pattern
/// hits it quickly and gets a `MatchError` instead of hanging the tool.
pub const BACKTRACK_LIMIT: usize = 1_000_000;

/// Longest pattern accepted, in bytes.
pub const MAX_PATTERN_LEN: usize = 64 * 1024;

/// A compiled Java regex.
#[derive(Debug, Clone)]
pub struct Regex {
    source: String,
    find: fancy_regex::Regex,
    full: fancy_regex::Regex,
    groups: usize,
    names: Vec<(String, usize)>,
}

fn build(pattern: &str) -> Result<fancy_regex::Regex, RegexError> {
    fancy_regex::RegexBuilder::new(pattern)
        .backtrack_limit(BACKTRACK_LIMIT)
        .build()
        .map_err(|e| {
            // Positions inside the translated pattern mean nothing to the rule author.
            let detail = match e {
                fancy_regex::Error::ParseError(_, kind) => kind.to_string(),
                other => other.to_string(),
            };
            RegexError {
                offset: 0,
                message: format!("pattern cannot be compiled (too large or too complex): {detail}"),
            }
        })
}

fn match_error(e: &fancy_regex::Error) -> MatchError {
    let message = match e {
        fancy_regex::Error::RuntimeError(fancy_regex::RuntimeError::BacktrackLimitExceeded) => {
            format!("regex backtracking limit ({BACKTRACK_LIMIT} steps) exceeded")
        }
        other => format!("regex match failed: {other}"),
    };
    MatchError { message }
}

fn to_match(c: &fancy_regex::Captures<'_, str>) -> Match {
    Match {
        groups: (0..c.len())
            .map(|i| c.get(i).map(|m| (m.start(), m.end())))
            .collect(),
    }
}

impl Regex {
    /// Compiles `pattern` with Java syntax and semantics; errors carry the byte offset of the
    /// offending construct.
    pub fn new(pattern: &str, flags: Flags) -> Result<Regex, RegexError> {
        if pattern.len() > MAX_PATTERN_LEN {
            return Err(RegexError {
                offset: MAX_PATTERN_LEN,
                message: format!(
                    "pattern is too long ({} bytes; the limit is {MAX_PATTERN_LEN})",
                    pattern.len()
                ),
            });
        }
        let parsed = parse::parse(pattern, flags)?;
        let body = emit::emit(&parsed.node, parsed.groups);
        let find = build(&body)?;
        let full = build(&emit::emit_full(&parsed.node, parsed.groups))?;
        Ok(Regex {
            source: pattern.to_owned(),
            find,
            full,
            groups: parsed.groups,
            names: parsed.names,
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

    /// The number of the group declared as `(?<name>...)`.
    pub fn group_index(&self, name: &str) -> Option<usize> {
        self.names.iter().find(|(n, _)| n == name).map(|&(_, i)| i)
    }

    /// A string this regex matches whole, when one can be made from its form: the first of
    /// `samples`.
    pub fn sample(&self, flags: Flags) -> Option<String> {
        self.samples(flags).into_iter().next()
    }

    /// Strings this regex matches whole, made from its form (see `sample.rs`), the one that
    /// reads most like the pattern first: examples for checks that compare endpoints.
    ///
    /// The samples keep the letter case of the pattern's text (`/calendarView`, not
    /// `/calendarview`): they are made as if `CASE_INSENSITIVE` were off, which only narrows
    /// what each character may be, unless that leaves none.
    pub fn samples(&self, flags: Flags) -> Vec<String> {
        let as_written = Flags {
            case_insensitive: false,
            ..flags
        };
        [as_written, flags]
            .into_iter()
            .filter_map(|f| parse::parse(&self.source, f).ok())
            .map(|parsed| {
                let mut samples = sample::samples(&parsed.node);
                samples.retain(|s| self.is_full_match(s).unwrap_or(false));
                samples
            })
            .find(|samples| !samples.is_empty())
            .unwrap_or_default()
    }

    /// Whether every match ends with `$`, `\Z` or `\z`, as written: a pattern that does not
    /// reads as a prefix, although `matches()` still needs the whole text.
    pub fn ends_anchored(&self, flags: Flags) -> bool {
        parse::parse(&self.source, flags).is_ok_and(|p| p.node.ends_anchored())
    }

    /// Whether the text that group `group` matches (the whole match for 0) can hold `c`.
    pub fn group_may_hold(&self, group: usize, c: char, flags: Flags) -> bool {
        parse::parse(&self.source, flags).is_ok_and(|p| p.node.group_may_hold(group, u32::from(c)))
    }

    /// Whether the pattern has a step that is the character `c` alone, as `\?` or `[?]` is.
    pub fn has_literal(&self, c: char, flags: Flags) -> bool {
        parse::parse(&self.source, flags).is_ok_and(|p| p.node.has_literal(c))
    }

    /// Java `Matcher.matches()`: the whole text must match.
    pub fn is_full_match(&self, text: &str) -> Result<bool, MatchError> {
        self.full.is_match(text).map_err(|e| match_error(&e))
    }

    /// Java `Matcher.matches()` with the groups of the match.
    pub fn full_match(&self, text: &str) -> Result<Option<Match>, MatchError> {
        let caps = self.full.captures(text).map_err(|e| match_error(&e))?;
        Ok(caps.as_ref().map(to_match))
    }

    /// Java `Matcher.find()` starting at byte offset `start`: the leftmost match at or after
    /// `start`, with the text before `start` still visible to `^`, `\b` and look-behinds.
    pub fn find_at(&self, text: &str, start: usize) -> Result<Option<Match>, MatchError> {
        let Some(start) = (start..=text.len()).find(|&i| text.is_char_boundary(i)) else {
            return Ok(None);
        };
        let caps = self
            .find
            .captures_from_pos(text, start)
            .map_err(|e| match_error(&e))?;
        Ok(caps.as_ref().map(to_match))
    }

    /// Java `Matcher.find()` from the start: whether the pattern occurs anywhere in `text`.
    pub fn is_match(&self, text: &str) -> Result<bool, MatchError> {
        Ok(self.find_at(text, 0)?.is_some())
    }

    /// Successive matches as Java's `while (m.find())` loop yields them: each search starts
    /// where the previous match ended, or one character later after an empty match.
    pub fn find_iter<'r, 't>(&'r self, text: &'t str) -> FindIter<'r, 't> {
        FindIter {
            regex: self,
            text,
            next: Some(0),
        }
    }

    /// Java `Matcher.replaceAll` with a literal replacement (one without `$` or `\`).
    pub fn replace_all(&self, text: &str, replacement: &str) -> Result<String, MatchError> {
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for m in self.find_iter(text) {
            let m = m?;
            out.push_str(&text[copied..m.start()]);
            out.push_str(replacement);
            copied = m.end();
        }
        out.push_str(&text[copied..]);
        Ok(out)
    }

    /// Java `String.split(regex)` (limit 0): trailing empty strings are removed, a zero-width
    /// match at the very beginning never yields a leading empty string, no match gives
    /// `[text]`, and the empty input gives `[""]`.
    pub fn split<'t>(&self, text: &'t str) -> Result<Vec<&'t str>, MatchError> {
        self.split_limit(text, 0)
    }

    /// Java `String.split(regex, limit)`: with `limit > 0` at most `limit` pieces (the last
    /// holds the rest); with `limit < 0` trailing empty strings are kept.
    pub fn split_limit<'t>(&self, text: &'t str, limit: i32) -> Result<Vec<&'t str>, MatchError> {
        let mut pieces = Vec::new();
        let mut index = 0;
        let limited = limit > 0;
        for m in self.find_iter(text) {
            let m = m?;
            if limited && pieces.len() >= (limit - 1) as usize {
                break;
            }
            if index == 0 && m.start() == 0 && m.end() == 0 {
                continue;
            }
            pieces.push(&text[index..m.start()]);
            index = m.end();
        }
        if index == 0 {
            return Ok(vec![text]);
        }
        pieces.push(&text[index..]);
        if limit == 0 {
            while pieces.last().is_some_and(|p| p.is_empty()) {
                pieces.pop();
            }
        }
        Ok(pieces)
    }
}

/// Iterator over the matches of [`Regex::find_iter`]. Stops after the first error.
#[derive(Debug)]
pub struct FindIter<'r, 't> {
    regex: &'r Regex,
    text: &'t str,
    /// Where the next search starts; `None` once exhausted.
    next: Option<usize>,
}

impl Iterator for FindIter<'_, '_> {
    type Item = Result<Match, MatchError>;

    fn next(&mut self) -> Option<Self::Item> {
        let from = self.next?;
        match self.regex.find_at(self.text, from) {
            Ok(Some(m)) => {
                let (start, end) = (m.start(), m.end());
                self.next = if end == start {
                    // Java retries one character later (a UTF-16 unit there; a whole
                    // character here, since a Rust string cannot be split inside one).
                    self.text[end..].chars().next().map(|c| end + c.len_utf8())
                } else {
                    Some(end)
                };
                Some(Ok(m))
            }
            Ok(None) => {
                self.next = None;
                None
            }
            Err(e) => {
                self.next = None;
                Some(Err(e))
            }
        }
    }
}

/// Java `Pattern.quote`: a pattern that matches `literal` exactly.
pub fn quote(literal: &str) -> String {
    let mut out = String::with_capacity(literal.len() + 4);
    out.push_str(r"\Q");
    // A `\E` inside the text would end the quote: close it, add an escaped `\E`, reopen.
    out.push_str(&literal.replace(r"\E", r"\E\\E\Q"));
    out.push_str(r"\E");
    out
}

#[cfg(test)]
mod tests;
