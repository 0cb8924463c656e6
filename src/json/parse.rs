//! JSON reading with the semantics of the proxy's Jackson `ObjectMapper` (§7.1): strict syntax,
//! Java number typing, duplicate keys resolved in place, and Jackson's read limits (§8 item 1).

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use memchr::memchr2;

use super::halves::{Cut, find_cut};
use super::{Map, Value, scan};
use crate::threads::DOCUMENT_STACK;

/// Jackson's `StreamReadConstraints` defaults (2.15 and later), which production runs with.
/// Exceeding any of them makes the document unreadable (§8 item 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest allowed nesting of arrays and objects; the top-level container is depth 1.
    /// Parsing itself never recurses, but dropping a tree does, so raising this far beyond
    /// the default needs a correspondingly large stack.
    pub max_depth: usize,
    /// Most digits in a number (integer, fraction and exponent digits together).
    pub max_number_len: usize,
    /// Longest string value, in UTF-16 code units as Java counts them.
    pub max_string_len: usize,
    /// Longest object key, in UTF-16 code units.
    pub max_name_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 1000,
            max_number_len: 1000,
            max_string_len: 20_000_000,
            max_name_len: 50_000,
        }
    }
}

/// Why a document could not be read, and where.
///
/// Messages never quote document text beyond a single offending character: documents carry
/// personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {kind}")]
pub struct ParseError {
    /// Byte offset of the offending character (the input length at end of input).
    pub offset: usize,
    /// 1-based line; LF, CR LF and a lone CR each end a line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    pub kind: ParseErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    #[error("expected {expected}, found {found}")]
    Unexpected { expected: Expected, found: Found },
    #[error("unescaped control character {found} in a string")]
    ControlCharacterInString { found: Found },
    #[error("invalid escape sequence: '\\' followed by {found}")]
    InvalidEscape { found: Found },
    #[error("invalid \\u escape: expected four hexadecimal digits")]
    InvalidUnicodeEscape,
    #[error("invalid number: {0}")]
    InvalidNumber(NumberProblem),
    #[error("invalid literal: expected `{expected}`")]
    InvalidLiteral { expected: &'static str },
    #[error("expected whitespace between a top-level number and the next value, found {found}")]
    MissingRootSeparator { found: Found },
    #[error("nesting deeper than the limit of {max} (max_depth)")]
    TooDeep { max: usize },
    #[error("number longer than the limit of {max} digits (max_number_len)")]
    NumberTooLong { max: usize },
    #[error("string longer than the limit of {max} characters (max_string_len)")]
    StringTooLong { max: usize },
    #[error("object key longer than the limit of {max} characters (max_name_len)")]
    NameTooLong { max: usize },
    #[error("invalid UTF-8")]
    InvalidUtf8,
    /// A top-level value longer than a stream reader reads whole (not a limit of the proxy).
    #[error(
        "a value longer than {}, the most one value may have (each is read whole)",
        super::split::size_text(*max)
    )]
    ValueTooLong { max: usize },
}

/// What the parser was looking for when it met something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    Value,
    /// An object key, which must be a double-quoted string.
    Key,
    Colon,
    ObjectCommaOrEnd,
    ArrayCommaOrEnd,
    StringEnd,
    /// Nothing more after the single top-level value.
    EndOfInput,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::Value => "a value",
            Expected::Key => "an object key in double quotes",
            Expected::Colon => "':' after an object key",
            Expected::ObjectCommaOrEnd => "',' or '}' after an object member",
            Expected::ArrayCommaOrEnd => "',' or ']' after an array element",
            Expected::StringEnd => "'\"' to close the string",
            Expected::EndOfInput => "end of input after the top-level value",
        })
    }
}

/// The character met where something else was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Char(char),
    EndOfInput,
}

impl fmt::Display for Found {
    /// Printable ASCII is quoted; anything else is shown as a code point, so invisible and
    /// confusable characters are unambiguous.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Found::Char(c) if c.is_ascii_graphic() => write!(f, "'{c}'"),
            Found::Char(' ') => f.write_str("a space"),
            Found::Char(c) => write!(f, "U+{:04X}", u32::from(c)),
            Found::EndOfInput => f.write_str("end of input"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NumberProblem {
    LeadingZero,
    NoDigitAfterMinus,
    NoDigitAfterPoint,
    NoDigitInExponent,
}

impl fmt::Display for NumberProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumberProblem::LeadingZero => "leading zeros are not allowed",
            NumberProblem::NoDigitAfterMinus => "'-' must be followed by a digit",
            NumberProblem::NoDigitAfterPoint => "'.' must be followed by a digit",
            NumberProblem::NoDigitInExponent => "the exponent needs at least one digit",
        })
    }
}

/// Parses exactly one JSON value, optionally surrounded by whitespace, with default limits.
pub fn parse_value(text: &str) -> Result<Value<'_>, ParseError> {
    parse_value_with(text, &Limits::default())
}

/// Parses exactly one JSON value, optionally surrounded by whitespace.
pub fn parse_value_with<'a>(text: &'a str, limits: &Limits) -> Result<Value<'a>, ParseError> {
    let mut parser = Parser::new(text, *limits);
    parser.skip_ws();
    let value = parser.root_value()?;
    parser.skip_ws();
    if parser.pos < parser.bytes.len() {
        return Err(parser.error_here(|found| ParseErrorKind::Unexpected {
            expected: Expected::EndOfInput,
            found,
        }));
    }
    Ok(value)
}

/// Reads a stream of top-level values (one document, NDJSON, `{}{}`, `1 2 "a"`) the way
/// Jackson reads root-level values (§7.1 step 2), with default limits.
pub fn parse_values(text: &str) -> ValueStream<'_> {
    parse_values_with(text, &Limits::default())
}

/// Reads a stream of top-level values; see [`parse_values`].
pub fn parse_values_with<'a>(text: &'a str, limits: &Limits) -> ValueStream<'a> {
    ValueStream {
        parser: Parser::new(text, *limits),
        done: false,
        halves_from: None,
        halves_min: HALVES_MIN_BYTES,
    }
}

/// Checks that `bytes` are UTF-8, locating the first invalid byte.
pub fn validate_utf8(bytes: &[u8]) -> Result<&str, ParseError> {
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok(text);
    }
    // Invalid: the standard library's check says where.
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        // The prefix is valid by definition, so the lossy view is exact up to `offset`.
        let prefix = String::from_utf8_lossy(&bytes[..offset]);
        let (line, column) = line_column(&prefix, offset);
        ParseError {
            offset,
            line,
            column,
            kind: ParseErrorKind::InvalidUtf8,
        }
    })
}

/// An iterator over the top-level values of a text. It ends after the first error.
#[derive(Debug)]
pub struct ValueStream<'a> {
    parser: Parser<'a>,
    done: bool,
    /// Where a value may start to be read in two halves at once, if at all.
    halves_from: Option<usize>,
    /// Text a value needs after its start to be read in two halves.
    halves_min: usize,
}

impl ValueStream<'_> {
    /// The byte offset in the text where reading goes on: the end of the last value read.
    pub fn offset(&self) -> usize {
        self.parser.pos
    }

    /// Reads a large value with a second thread, which parses the second half of its largest
    /// array while this one parses the rest. The values and errors are the same.
    #[must_use]
    pub fn on_two_threads(mut self, two: bool) -> Self {
        self.halves_from = two.then_some(0);
        self
    }

    /// Reads values in two halves from smaller sizes on, to test the cuts on small texts.
    #[cfg(test)]
    fn halves_from_bytes(mut self, bytes: usize) -> Self {
        self.halves_from = Some(0);
        self.halves_min = bytes;
        self
    }
}

/// Text a value needs after its start to be read in two halves: below it, a second thread
/// costs more than it saves.
const HALVES_MIN_BYTES: usize = 1 << 20;

impl<'a> Iterator for ValueStream<'a> {
    type Item = Result<Value<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.parser.skip_ws();
        if self.parser.pos >= self.parser.bytes.len() {
            self.done = true;
            return None;
        }
        let rest = self.parser.bytes.len() - self.parser.pos;
        let result = match self.halves_from {
            Some(from) if self.parser.pos >= from && rest >= self.halves_min => {
                // The second thread first scans the text up to its start (strings and
                // brackets only, about four times as fast as parsing it: 12 ms against 46-52
                // ms for 20 MB), then parses the rest. Both threads do about the same work
                // when it starts at 4/7 of what is left, as x = (1 - x) + x / 4 there. When
                // the value ends before it, the values are small, and the next try is past it.
                let middle = self.parser.pos + rest / 7 * 4;
                let (result, cut) = self.parser.root_value_in_halves(middle);
                if !cut {
                    self.halves_from = Some(middle);
                }
                result
            }
            _ => self.parser.root_value(),
        };
        if result.is_err() {
            self.done = true;
        }
        Some(result)
    }
}

/// Objects with more members than this get a hash index for duplicate detection, so hostile
/// objects with many keys stay linear.
const INDEX_THRESHOLD: usize = 24;

pub(crate) const UTF8_BOM: &str = "\u{feff}";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Array,
    Object,
}

/// An open container. Its finished children live in the parser's shared scratch stacks from
/// `start` on, so each container is allocated once, at its exact size, when it closes.
#[derive(Debug)]
struct Frame<'a> {
    kind: Kind,
    start: usize,
    /// The key whose value is being parsed (objects only).
    key: Cow<'a, str>,
    /// Position (relative to `start`) of each key, once the object is large.
    index: Option<HashMap<Cow<'a, str>, usize>>,
}

/// The end of an array read by a second thread: its elements from the cut on, and the offset
/// after its `]`.
type SecondHalf<'a> = Result<(Vec<Value<'a>>, usize), ParseError>;

/// The first parser's side of a value read in two halves.
#[derive(Debug)]
struct Halves<'a> {
    /// The cut, once the second thread has found it.
    cut: Option<Cut>,
    cut_found: mpsc::Receiver<Option<Cut>>,
    second: mpsc::Receiver<SecondHalf<'a>>,
    /// Whether the second half was taken.
    taken: bool,
}

#[derive(Debug)]
struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    limits: Limits,
    frames: Vec<Frame<'a>>,
    elements: Vec<Value<'a>>,
    members: Vec<(Cow<'a, str>, Value<'a>)>,
    /// Containers around the first frame: those of the first parser, for a second one.
    base_depth: usize,
    /// Array commas at or after this offset are checked against the cut of `halves`.
    watch_from: usize,
    halves: Option<Halves<'a>>,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, limits: Limits) -> Self {
        // A leading byte order mark is not part of the document.
        let pos = if src.starts_with(UTF8_BOM) {
            UTF8_BOM.len()
        } else {
            0
        };
        Parser {
            src,
            bytes: src.as_bytes(),
            pos,
            limits,
            frames: Vec::new(),
            elements: Vec::new(),
            members: Vec::new(),
            base_depth: 0,
            watch_from: usize::MAX,
            halves: None,
        }
    }

    /// [`Parser::root_value`] with a second thread that finds the cut at `middle` (see
    /// [`find_cut`]) and reads the array's elements after it. Also says whether the cut was
    /// taken. Without a thread, or a cut, the value is read here alone.
    fn root_value_in_halves(&mut self, middle: usize) -> (Result<Value<'a>, ParseError>, bool) {
        let (src, limits, from) = (self.src, self.limits, self.pos);
        let (cut_sender, cut_found) = mpsc::channel();
        let (second_sender, second) = mpsc::channel();
        let failed = &AtomicBool::new(false);
        std::thread::scope(|scope| {
            // If the thread does not start, its closure and the senders are dropped, and the
            // first parser reads on alone.
            let _ = std::thread::Builder::new()
                .stack_size(DOCUMENT_STACK)
                .spawn_scoped(scope, move || {
                    let cut = find_cut(src.as_bytes(), from, middle);
                    let _ = cut_sender.send(cut);
                    // A value that fails early is not read further here.
                    if let Some(cut) = cut
                        && !failed.load(Ordering::Relaxed)
                    {
                        // Unread if the first parser failed before the cut: dropped here.
                        let _ = second_sender.send(Parser::second_half(src, limits, cut));
                    }
                });
            self.halves = Some(Halves {
                cut: None,
                cut_found,
                second,
                taken: false,
            });
            self.watch_from = middle;
            let result = self.root_value();
            failed.store(result.is_err(), Ordering::Relaxed);
            self.watch_from = usize::MAX;
            let taken = self.halves.take().is_some_and(|h| h.taken);
            (result, taken)
        })
    }

    /// The elements after `cut` of the array there, read as the first parser would go on
    /// reading them after the comma.
    fn second_half(src: &'a str, limits: Limits, cut: Cut) -> SecondHalf<'a> {
        let mut parser = Parser::new(src, limits);
        parser.pos = cut.comma + 1;
        parser.base_depth = cut.depth;
        parser.frames.push(Frame {
            kind: Kind::Array,
            start: 0,
            key: Cow::Borrowed(""),
            index: None,
        });
        parser.skip_ws();
        match parser.value_tree()? {
            Value::Array(elements) => Ok((elements, parser.pos)),
            // The frame pushed above is an array, closed last.
            _ => unreachable!("the second half of an array is an array"),
        }
    }

    /// At an array comma at or after `watch_from`: the elements after it, when a second
    /// thread read them (this comma is the cut).
    fn second_half_here(&mut self) -> Option<SecondHalf<'a>> {
        let halves = self.halves.as_mut()?;
        if halves.cut.is_none() {
            halves.cut = halves.cut_found.recv().ok().flatten();
        }
        let Some(cut) = halves.cut else {
            // No cut, or no thread: read on alone.
            self.watch_from = usize::MAX;
            return None;
        };
        if self.pos < cut.comma {
            self.watch_from = cut.comma;
            return None;
        }
        self.watch_from = usize::MAX;
        if self.pos > cut.comma || self.frames.len() != cut.depth + 1 {
            return None;
        }
        let second = halves.second.recv().ok()?;
        halves.taken = true;
        Some(second)
    }

    /// Gives back the scratch stacks once a large value is complete: a document with an array
    /// of 100,000 elements would otherwise keep megabytes of empty stack while it is
    /// sanitized.
    fn release_scratch(&mut self) {
        const KEEP: usize = 4096;
        if self.elements.capacity() > KEEP {
            self.elements = Vec::new();
        }
        if self.members.capacity() > KEEP {
            self.members = Vec::new();
        }
        if self.frames.capacity() > KEEP {
            self.frames = Vec::new();
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips JSON whitespace: only space, tab, LF and CR, as in Jackson.
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn found_at(&self, offset: usize) -> Found {
        self.src
            .get(offset..)
            .and_then(|rest| rest.chars().next())
            .map_or(Found::EndOfInput, Found::Char)
    }

    fn error_at(&self, offset: usize, kind: ParseErrorKind) -> ParseError {
        let (line, column) = line_column(self.src, offset);
        ParseError {
            offset,
            line,
            column,
            kind,
        }
    }

    fn error_here(&self, kind: impl FnOnce(Found) -> ParseErrorKind) -> ParseError {
        self.error_at(self.pos, kind(self.found_at(self.pos)))
    }

    fn unexpected(&self, expected: Expected) -> ParseError {
        self.error_here(|found| ParseErrorKind::Unexpected { expected, found })
    }

    /// Parses one top-level value starting at a non-whitespace byte, then applies Jackson's
    /// rule for what may follow a root-level number.
    fn root_value(&mut self) -> Result<Value<'a>, ParseError> {
        let result = self.value_tree();
        if result.is_err() {
            self.frames.clear();
            self.elements.clear();
            self.members.clear();
        }
        self.release_scratch();
        let value = result?;
        // Jackson requires whitespace (or the end) after a root-level number, so `1{}` and
        // `1"a"` are errors while `{}{}` and `"a""b"` are two values each.
        if value.is_number() && !matches!(self.peek(), None | Some(b' ' | b'\t' | b'\n' | b'\r')) {
            return Err(self.error_here(|found| ParseErrorKind::MissingRootSeparator { found }));
        }
        Ok(value)
    }

    /// The value loop: containers are kept on an explicit stack, so nesting depth costs heap,
    /// never call stack.
    fn value_tree(&mut self) -> Result<Value<'a>, ParseError> {
        'value: loop {
            let mut value = match self.peek() {
                Some(b'{') => {
                    self.check_depth()?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Value::Object(Map::new())
                    } else {
                        self.frames.push(Frame {
                            kind: Kind::Object,
                            start: self.members.len(),
                            key: Cow::Borrowed(""),
                            index: None,
                        });
                        self.member_key()?;
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    self.check_depth()?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Value::Array(Vec::new())
                    } else {
                        self.frames.push(Frame {
                            kind: Kind::Array,
                            start: self.elements.len(),
                            key: Cow::Borrowed(""),
                            index: None,
                        });
                        continue 'value;
                    }
                }
                Some(b'"') => Value::String(self.string(self.limits.max_string_len, false)?),
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => {
                    self.literal("true")?;
                    Value::Bool(true)
                }
                Some(b'f') => {
                    self.literal("false")?;
                    Value::Bool(false)
                }
                Some(b'n') => {
                    self.literal("null")?;
                    Value::Null
                }
                _ => return Err(self.unexpected(Expected::Value)),
            };
            // Attach the finished value to its container; close containers as they end.
            loop {
                let Some(frame) = self.frames.last_mut() else {
                    return Ok(value);
                };
                let (kind, start) = (frame.kind, frame.start);
                if kind == Kind::Object {
                    let key = std::mem::take(&mut frame.key);
                    insert_member(frame, &mut self.members, key, value);
                } else {
                    self.elements.push(value);
                }
                self.skip_ws();
                match (kind, self.peek()) {
                    (Kind::Array, Some(b',')) if self.pos >= self.watch_from => {
                        if let Some(second) = self.second_half_here() {
                            let (rest, end) = second?;
                            self.pos = end;
                            self.frames.pop();
                            let mut all =
                                Vec::with_capacity(self.elements.len() - start + rest.len());
                            all.extend(self.elements.drain(start..));
                            all.extend(rest);
                            value = Value::Array(all);
                        } else {
                            self.pos += 1;
                            self.skip_ws();
                            continue 'value;
                        }
                    }
                    (_, Some(b',')) => {
                        self.pos += 1;
                        self.skip_ws();
                        if kind == Kind::Object {
                            self.member_key()?;
                        }
                        continue 'value;
                    }
                    (Kind::Array, Some(b']')) => {
                        self.pos += 1;
                        self.frames.pop();
                        value = Value::Array(self.elements.drain(start..).collect());
                    }
                    (Kind::Object, Some(b'}')) => {
                        self.pos += 1;
                        self.frames.pop();
                        let members = self.members.drain(start..).collect();
                        value = Value::Object(Map::from_unique(members));
                    }
                    (Kind::Array, _) => return Err(self.unexpected(Expected::ArrayCommaOrEnd)),
                    (Kind::Object, _) => return Err(self.unexpected(Expected::ObjectCommaOrEnd)),
                }
            }
        }
    }

    /// Refuses to open a container beyond `max_depth` (Jackson: depth 1000 is allowed).
    fn check_depth(&self) -> Result<(), ParseError> {
        if self.base_depth + self.frames.len() >= self.limits.max_depth {
            return Err(self.error_at(
                self.pos,
                ParseErrorKind::TooDeep {
                    max: self.limits.max_depth,
                },
            ));
        }
        Ok(())
    }

    /// Reads `"key"` `:` and leaves the position at the member's value.
    fn member_key(&mut self) -> Result<(), ParseError> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected(Expected::Key));
        }
        let key = self.string(self.limits.max_name_len, true)?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.unexpected(Expected::Colon));
        }
        self.pos += 1;
        self.skip_ws();
        if let Some(frame) = self.frames.last_mut() {
            frame.key = key;
        }
        Ok(())
    }

    /// Reads a string starting at its opening quote. Text without escapes is borrowed.
    fn string(&mut self, max_len: usize, is_name: bool) -> Result<Cow<'a, str>, ParseError> {
        let start = self.pos + 1;
        let mut chunk_start = start;
        let mut owned: Option<String> = None;
        loop {
            let Some(end) = find_string_stop(self.bytes, chunk_start) else {
                // Cut off past the limit (a stream reader stops reading there): refused for
                // its length, as the proxy refuses it before reaching any end.
                let rest = &self.src[chunk_start..];
                let so_far = owned.as_deref().unwrap_or_default();
                if so_far.len() + rest.len() > max_len
                    && so_far.encode_utf16().count() + rest.encode_utf16().count() > max_len
                {
                    let kind = if is_name {
                        ParseErrorKind::NameTooLong { max: max_len }
                    } else {
                        ParseErrorKind::StringTooLong { max: max_len }
                    };
                    return Err(self.error_at(start - 1, kind));
                }
                self.pos = self.bytes.len();
                return Err(self.unexpected(Expected::StringEnd));
            };
            // `end` is at an ASCII byte, so both slice ends are character boundaries.
            let chunk = &self.src[chunk_start..end];
            match self.bytes[end] {
                b'"' => {
                    self.pos = end + 1;
                    let text = match owned {
                        None => Cow::Borrowed(chunk),
                        Some(mut s) => {
                            s.push_str(chunk);
                            Cow::Owned(s)
                        }
                    };
                    self.check_string_len(&text, start - 1, max_len, is_name)?;
                    return Ok(text);
                }
                b'\\' => {
                    let buf = owned.get_or_insert_with(|| String::with_capacity(chunk.len() + 16));
                    buf.push_str(chunk);
                    self.pos = end + 1;
                    self.escape(buf)?;
                    chunk_start = self.pos;
                }
                _ => {
                    return Err(self.error_at(
                        end,
                        ParseErrorKind::ControlCharacterInString {
                            found: self.found_at(end),
                        },
                    ));
                }
            }
        }
    }

    /// Length limits count UTF-16 code units, as Java strings do; the byte length bounds that
    /// count from above, so short strings skip the count.
    fn check_string_len(
        &self,
        text: &str,
        offset: usize,
        max_len: usize,
        is_name: bool,
    ) -> Result<(), ParseError> {
        if text.len() <= max_len || text.encode_utf16().count() <= max_len {
            return Ok(());
        }
        let kind = if is_name {
            ParseErrorKind::NameTooLong { max: max_len }
        } else {
            ParseErrorKind::StringTooLong { max: max_len }
        };
        Err(self.error_at(offset, kind))
    }

    /// Decodes the escape after a backslash (the position is just past the backslash).
    fn escape(&mut self, buf: &mut String) -> Result<(), ParseError> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let unit = self.hex4(self.pos)?;
                self.pos += 4;
                buf.push(self.utf16_unit(unit));
                return Ok(());
            }
            None => return Err(self.unexpected(Expected::StringEnd)),
            Some(_) => return Err(self.error_here(|found| ParseErrorKind::InvalidEscape { found })),
        };
        self.pos += 1;
        buf.push(c);
        Ok(())
    }

    /// Turns a `\u` code unit into a character, pairing surrogates.
    ///
    /// A high surrogate directly followed by a `\u` low surrogate is one character. An unpaired
    /// surrogate becomes `?`: Java keeps it in the string, and the proxy's UTF-8 encoding of its
    /// output (and of text it hashes) replaces it with `?`, so `?` is what the proxy emits.
    fn utf16_unit(&mut self, unit: u16) -> char {
        match unit {
            0xD800..=0xDBFF => {
                let low = if self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
                    self.hex4(self.pos + 2).ok()
                } else {
                    None
                };
                match low {
                    Some(low @ 0xDC00..=0xDFFF) => {
                        self.pos += 6;
                        let c = 0x10000
                            + ((u32::from(unit) - 0xD800) << 10)
                            + (u32::from(low) - 0xDC00);
                        char::from_u32(c).unwrap_or('?')
                    }
                    _ => '?',
                }
            }
            _ => char::from_u32(u32::from(unit)).unwrap_or('?'),
        }
    }

    fn hex4(&self, at: usize) -> Result<u16, ParseError> {
        let mut unit = 0u16;
        for k in 0..4 {
            let digit = self
                .bytes
                .get(at + k)
                .and_then(|&b| char::from(b).to_digit(16));
            match digit {
                Some(d) => unit = unit << 4 | d as u16,
                None => return Err(self.error_at(at + k, ParseErrorKind::InvalidUnicodeEscape)),
            }
        }
        Ok(unit)
    }

    /// Reads a number with Jackson's grammar and Java typing (§7.1): integers that fit in 64
    /// bits are `Int`, larger ones `BigInt`, anything with a fraction or exponent `Double`
    /// (or, past the double range, the string `Infinity`).
    fn number(&mut self) -> Result<Value<'a>, ParseError> {
        let start = self.pos;
        let bytes = self.bytes;
        let digits_from = |mut p: usize| {
            while let Some(b'0'..=b'9') = bytes.get(p) {
                p += 1;
            }
            p
        };
        let number_error = |this: &Self, at: usize, problem| {
            this.error_at(at, ParseErrorKind::InvalidNumber(problem))
        };

        let mut p = start;
        if bytes.get(p) == Some(&b'-') {
            p += 1;
        }
        let int_start = p;
        match bytes.get(p) {
            Some(b'0') => {
                p += 1;
                if let Some(b'0'..=b'9') = bytes.get(p) {
                    return Err(number_error(self, p, NumberProblem::LeadingZero));
                }
            }
            Some(b'1'..=b'9') => p = digits_from(p + 1),
            _ => return Err(number_error(self, p, NumberProblem::NoDigitAfterMinus)),
        }
        let int_len = p - int_start;
        let mut digit_count = int_len;
        let mut is_double = false;
        if bytes.get(p) == Some(&b'.') {
            let frac_start = p + 1;
            p = digits_from(frac_start);
            if p == frac_start {
                return Err(number_error(self, p, NumberProblem::NoDigitAfterPoint));
            }
            digit_count += p - frac_start;
            is_double = true;
        }
        if let Some(b'e' | b'E') = bytes.get(p) {
            p += 1;
            if let Some(b'+' | b'-') = bytes.get(p) {
                p += 1;
            }
            let exp_start = p;
            p = digits_from(exp_start);
            if p == exp_start {
                return Err(number_error(self, p, NumberProblem::NoDigitInExponent));
            }
            digit_count += p - exp_start;
            is_double = true;
        }
        if digit_count > self.limits.max_number_len {
            return Err(self.error_at(
                start,
                ParseErrorKind::NumberTooLong {
                    max: self.limits.max_number_len,
                },
            ));
        }
        self.pos = p;
        let text = &self.src[start..p];
        if is_double {
            // Rust's parser rounds correctly, as Java's does. The grammar checked above is a
            // subset of what it accepts, so it cannot fail here; a failure would still be
            // reported as an error, never a panic.
            let x = text
                .parse::<f64>()
                .map_err(|_| number_error(self, start, NumberProblem::NoDigitInExponent))?;
            // Overflow gives ±Infinity, which the proxy's write and re-read of each value
            // (§7.1 step 2.1) turns into the string "Infinity": it is a string from then on.
            if x.is_infinite() {
                return Ok(Value::String(Cow::Borrowed(if x < 0.0 {
                    "-Infinity"
                } else {
                    "Infinity"
                })));
            }
            return Ok(Value::Double(x));
        }
        if int_len <= 18 {
            // At most 18 digits always fit in an i64.
            let magnitude = bytes[int_start..p]
                .iter()
                .fold(0i64, |acc, &b| acc * 10 + i64::from(b - b'0'));
            let negative = int_start > start;
            return Ok(Value::Int(if negative { -magnitude } else { magnitude }));
        }
        Ok(match text.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => Value::BigInt(Cow::Borrowed(text)),
        })
    }

    /// Matches a keyword. Like Jackson, a keyword directly followed by a character that could
    /// continue an identifier (`truex`, `null1`) is one invalid token.
    fn literal(&mut self, word: &'static str) -> Result<(), ParseError> {
        let end = self.pos + word.len();
        if self.bytes.get(self.pos..end) != Some(word.as_bytes()) {
            return Err(self.error_at(self.pos, ParseErrorKind::InvalidLiteral { expected: word }));
        }
        if let Found::Char(c) = self.found_at(end)
            && continues_identifier(c)
        {
            return Err(self.error_at(self.pos, ParseErrorKind::InvalidLiteral { expected: word }));
        }
        self.pos = end;
        Ok(())
    }
}

/// Strings up to this many bytes are scanned eight bytes at a time; longer ones switch to
/// `memchr`, whose vector search wins once the call overhead is paid off.
const SHORT_SCAN: usize = 64;

/// Index of the first byte at or after `from` that ends plain string text: `"`, `\` or an
/// (invalid) control byte.
fn find_string_stop(bytes: &[u8], from: usize) -> Option<usize> {
    let short_end = (from + SHORT_SCAN).min(bytes.len());
    if let Some(i) = scan::find_special(bytes.get(..short_end)?, from) {
        return Some(i);
    }
    let rest = bytes.get(short_end..)?;
    let quote_or_escape = memchr2(b'"', b'\\', rest);
    let searched = &rest[..quote_or_escape.unwrap_or(rest.len())];
    match searched.iter().position(|&b| b < 0x20) {
        Some(control) => Some(short_end + control),
        None => quote_or_escape.map(|i| short_end + i),
    }
}

/// Approximates Java's `Character.isJavaIdentifierPart`: letters, digits, `_`, currency signs
/// and the identifier-ignorable controls. Only characters that could start a value matter for
/// what is accepted (`-`, quotes and brackets are not identifier parts either way).
fn continues_identifier(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(
            c,
            '_' | '$'
                | '\u{a2}'..='\u{a5}'
                | '\u{20a0}'..='\u{20cf}'
                | '\u{0}'..='\u{8}'
                | '\u{e}'..='\u{1b}'
                | '\u{7f}'..='\u{9f}'
        )
}

/// Adds a member to the open object: a repeated key keeps its first position and takes the
/// last value (§7.1).
fn insert_member<'a>(
    frame: &mut Frame<'a>,
    members: &mut Vec<(Cow<'a, str>, Value<'a>)>,
    key: Cow<'a, str>,
    value: Value<'a>,
) {
    let start = frame.start;
    if let Some(index) = &mut frame.index {
        match index.entry(key) {
            Entry::Occupied(e) => members[start + *e.get()].1 = value,
            Entry::Vacant(e) => {
                let key = e.key().clone();
                e.insert(members.len() - start);
                members.push((key, value));
            }
        }
        return;
    }
    if let Some(slot) = members[start..]
        .iter_mut()
        .find(|(k, _)| super::same_text(k, &key))
    {
        slot.1 = value;
        return;
    }
    members.push((key, value));
    if members.len() - start > INDEX_THRESHOLD {
        frame.index = Some(
            members[start..]
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect(),
        );
    }
}

/// 1-based line and character column of byte `offset` in `text` (a leading BOM is not a
/// column).
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let body_start = if text.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    let offset = offset.min(text.len());
    let before = text.get(body_start.min(offset)..offset).unwrap_or_default();
    let all = text.as_bytes();
    let first = body_start.min(offset);
    let mut line = 1u32;
    let mut line_start = 0;
    for (i, &b) in before.as_bytes().iter().enumerate() {
        // A CR directly followed by LF ends the line at the LF.
        let ends_line = b == b'\n' || (b == b'\r' && all.get(first + i + 1) != Some(&b'\n'));
        if ends_line {
            line = line.saturating_add(1);
            line_start = i + 1;
        }
    }
    let column = before.get(line_start..).map_or(0, |s| s.chars().count());
    (line, u32::try_from(column + 1).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn ok(text: &str) -> Value<'_> {
        parse_value(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    fn err(text: &str) -> ParseError {
        match parse_value(text) {
            Ok(v) => panic!("{text:?} parsed as {v:?}"),
            Err(e) => e,
        }
    }

    fn stream(text: &str) -> Vec<Result<Value<'_>, ParseError>> {
        parse_values(text).collect()
    }

    fn nested_arrays(depth: usize) -> String {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    }

    // --- typing (§7.1) ---

    #[test]
    fn integers_that_fit_in_64_bits_are_int() {
        assert_eq!(ok("0"), Value::Int(0));
        assert_eq!(ok("123"), Value::Int(123));
        assert_eq!(ok("-45"), Value::Int(-45));
        assert_eq!(
            ok("999999999999999999"),
            Value::Int(999_999_999_999_999_999)
        );
        assert_eq!(
            ok("1000000000000000000"),
            Value::Int(1_000_000_000_000_000_000)
        );
        assert_eq!(ok("9223372036854775807"), Value::Int(i64::MAX));
        assert_eq!(ok("-9223372036854775808"), Value::Int(i64::MIN));
    }

    #[test]
    fn negative_zero_integer_is_zero() {
        assert_eq!(ok("-0"), Value::Int(0));
    }

    #[test]
    fn integers_beyond_64_bits_keep_their_exact_digits() {
        assert_eq!(
            ok("9223372036854775808"),
            Value::BigInt(Cow::Borrowed("9223372036854775808"))
        );
        assert_eq!(
            ok("-9223372036854775809"),
            Value::BigInt(Cow::Borrowed("-9223372036854775809"))
        );
        assert_eq!(
            ok("12345678901234567890"),
            Value::BigInt(Cow::Borrowed("12345678901234567890"))
        );
    }

    #[test]
    fn fraction_or_exponent_makes_a_double() {
        assert_eq!(ok("1.0"), Value::Double(1.0));
        assert_eq!(ok("1e3"), Value::Double(1000.0));
        assert_eq!(ok("1E+3"), Value::Double(1000.0));
        assert_eq!(ok("2.5e-1"), Value::Double(0.25));
        assert_eq!(ok("1.10"), Value::Double(1.1));
        assert_eq!(ok("12345678.9"), Value::Double(12_345_678.9));
    }

    #[test]
    fn negative_zero_double_keeps_its_sign() {
        let Value::Double(d) = ok("-0.0") else {
            panic!("not a double")
        };
        assert_eq!(d.to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn doubles_are_correctly_rounded() {
        assert_eq!(
            ok("9007199254740993.0"),
            Value::Double(9_007_199_254_740_992.0)
        );
        assert_eq!(
            ok("2.2250738585072011e-308"),
            Value::Double(f64::from_bits(0x000f_ffff_ffff_ffff))
        );
        assert_eq!(ok("4.9e-324"), Value::Double(f64::from_bits(1)));
    }

    #[test]
    fn double_overflow_is_the_string_infinity_and_underflow_is_zero() {
        assert_eq!(ok("1e400"), Value::String(Cow::Borrowed("Infinity")));
        assert_eq!(ok("-1e400"), Value::String(Cow::Borrowed("-Infinity")));
        assert_eq!(
            ok("1.7976931348623159e308"),
            Value::String(Cow::Borrowed("Infinity"))
        );
        assert_eq!(ok("1.7976931348623157e308"), Value::Double(f64::MAX));
        assert_eq!(ok("1e-400"), Value::Double(0.0));
    }

    #[test]
    fn literals() {
        assert_eq!(
            ok("[true,false,null]"),
            Value::Array(vec![Value::Bool(true), Value::Bool(false), Value::Null])
        );
    }

    #[test]
    fn whitespace_around_the_value_is_allowed() {
        assert_eq!(ok(" \t\r\n 1 \n"), Value::Int(1));
    }

    // --- strings ---

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let v = ok(r#"{"key":"plain é text"}"#);
        let Value::Object(m) = &v else { panic!() };
        let (k, val) = &m.entries()[0];
        assert!(matches!(k, Cow::Borrowed("key")));
        assert!(matches!(val, Value::String(Cow::Borrowed("plain é text"))));
    }

    #[test]
    fn strings_with_escapes_are_decoded() {
        assert_eq!(
            ok(r#""a\"b\\c\/d\be\ff\ng\rh\ti""#),
            Value::string("a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti")
        );
        assert_eq!(ok(r#""\u00e9\u00C9\u0041""#), Value::string("éÉA"));
    }

    #[test]
    fn keys_with_escapes_are_decoded() {
        let v = ok(r#"{"a\nb":1}"#);
        assert_eq!(
            v.as_object().and_then(|m| m.get("a\nb")),
            Some(&Value::Int(1))
        );
    }

    #[test]
    fn surrogate_pair_escapes_combine() {
        assert_eq!(ok(r#""\uD83D\uDE00""#), Value::string("😀"));
        assert_eq!(ok(r#""\ud83d\ude00x""#), Value::string("😀x"));
    }

    #[test]
    fn unpaired_surrogates_become_question_marks() {
        assert_eq!(ok(r#""\uD83D""#), Value::string("?"));
        assert_eq!(ok(r#""\uD83Dx""#), Value::string("?x"));
        assert_eq!(ok(r#""\uDE00""#), Value::string("?"));
        assert_eq!(ok(r#""\uD83D\u0041""#), Value::string("?A"));
        assert_eq!(ok(r#""\uD83D\uD83D\uDE00""#), Value::string("?😀"));
        assert_eq!(ok(r#""\uD83D\n""#), Value::string("?\n"));
    }

    #[test]
    fn raw_non_ascii_is_kept() {
        assert_eq!(
            ok("\"路线图 😀\u{2028}\""),
            Value::string("路线图 😀\u{2028}")
        );
    }

    #[test]
    fn delete_character_is_allowed_unescaped() {
        assert_eq!(ok("\"\u{7f}\""), Value::string("\u{7f}"));
    }

    #[test]
    fn unescaped_control_character_in_string_is_an_error() {
        let e = err("[\"ab\tc\"]");
        assert_eq!(
            e.kind,
            ParseErrorKind::ControlCharacterInString {
                found: Found::Char('\t')
            }
        );
        assert_eq!((e.offset, e.line, e.column), (4, 1, 5));
        assert!(matches!(
            err("\"a\\n\u{1}\"").kind,
            ParseErrorKind::ControlCharacterInString { .. }
        ));
    }

    #[test]
    fn long_strings_are_scanned_to_the_end() {
        let text = format!("\"{}\"", "é".repeat(200));
        assert!(matches!(ok(&text), Value::String(Cow::Borrowed(s)) if s.chars().count() == 200));
        let text = format!("\"{}\\n{}\"", "a".repeat(100), "b".repeat(100));
        assert_eq!(
            ok(&text),
            Value::string(format!("{}\n{}", "a".repeat(100), "b".repeat(100)))
        );
    }

    #[test]
    fn control_character_far_into_a_long_string_is_located() {
        let text = format!("\"{}\u{1}{}\"", "a".repeat(150), "b".repeat(10));
        let e = err(&text);
        assert!(matches!(
            e.kind,
            ParseErrorKind::ControlCharacterInString { .. }
        ));
        assert_eq!(e.offset, 151);
        // A control byte after an escape and before the closing quote, both past the short scan.
        let text = format!("\"{}\\t{}\n\"", "a".repeat(70), "b".repeat(70));
        assert_eq!(err(&text).offset, 1 + 70 + 2 + 70);
    }

    #[test]
    fn unterminated_long_string_is_an_error() {
        let text = format!("\"{}", "a".repeat(500));
        assert_eq!(
            err(&text).kind,
            ParseErrorKind::Unexpected {
                expected: Expected::StringEnd,
                found: Found::EndOfInput
            }
        );
        let text = format!("\"{}\u{2}{}", "a".repeat(500), "b".repeat(5));
        assert_eq!(err(&text).offset, 501);
    }

    #[test]
    fn unknown_escapes_are_errors() {
        let e = err(r#""a\x""#);
        assert_eq!(
            e.kind,
            ParseErrorKind::InvalidEscape {
                found: Found::Char('x')
            }
        );
        assert_eq!(e.offset, 3);
        assert!(matches!(
            err(r#""\'""#).kind,
            ParseErrorKind::InvalidEscape { .. }
        ));
    }

    #[test]
    fn short_or_non_hex_unicode_escapes_are_errors() {
        let e = err(r#""\u12G4""#);
        assert_eq!(
            (e.kind, e.offset),
            (ParseErrorKind::InvalidUnicodeEscape, 5)
        );
        assert_eq!(err(r#""\u12"#).kind, ParseErrorKind::InvalidUnicodeEscape);
    }

    #[test]
    fn unterminated_string_is_an_error() {
        let e = err(r#"{"a":"bc"#);
        assert_eq!(
            e.kind,
            ParseErrorKind::Unexpected {
                expected: Expected::StringEnd,
                found: Found::EndOfInput
            }
        );
        assert_eq!(e.offset, 8);
        assert!(matches!(
            err(r#""ab\"#).kind,
            ParseErrorKind::Unexpected { .. }
        ));
    }

    // --- strict syntax ---

    fn assert_refused(text: &str) {
        assert!(parse_value(text).is_err(), "{text:?} must be refused");
    }

    #[test]
    fn comments_are_refused() {
        assert_refused("[1 /* c */]");
        assert_refused("[1] // c");
        assert_refused("# c\n1");
    }

    #[test]
    fn single_quotes_and_unquoted_keys_are_refused() {
        assert_refused("'a'");
        assert_refused("{'a':1}");
        assert_refused("{a:1}");
    }

    #[test]
    fn trailing_commas_are_refused() {
        let e = err("[1,]");
        assert_eq!(
            e.kind,
            ParseErrorKind::Unexpected {
                expected: Expected::Value,
                found: Found::Char(']')
            }
        );
        let e = err(r#"{"a":1,}"#);
        assert_eq!(
            e.kind,
            ParseErrorKind::Unexpected {
                expected: Expected::Key,
                found: Found::Char('}')
            }
        );
        assert_refused("[,1]");
    }

    #[test]
    fn leading_zeros_are_refused() {
        assert_eq!(
            err("01").kind,
            ParseErrorKind::InvalidNumber(NumberProblem::LeadingZero)
        );
        assert_refused("-01");
        assert_refused("[00]");
        assert_refused("00.5");
    }

    #[test]
    fn incomplete_or_signed_numbers_are_refused() {
        assert_eq!(
            err("[1.]").kind,
            ParseErrorKind::InvalidNumber(NumberProblem::NoDigitAfterPoint)
        );
        assert_eq!(
            err("[1e]").kind,
            ParseErrorKind::InvalidNumber(NumberProblem::NoDigitInExponent)
        );
        assert_eq!(
            err("1e+").kind,
            ParseErrorKind::InvalidNumber(NumberProblem::NoDigitInExponent)
        );
        assert_eq!(
            err("[-]").kind,
            ParseErrorKind::InvalidNumber(NumberProblem::NoDigitAfterMinus)
        );
        assert_refused("+1");
        assert_refused(".5");
        assert_refused("[1.5.3]");
    }

    #[test]
    fn non_finite_literals_are_refused() {
        assert_refused("NaN");
        assert_refused("Infinity");
        assert_refused("-Infinity");
        assert_refused("[NaN]");
    }

    #[test]
    fn misspelt_literals_are_refused() {
        let e = err("[tru]");
        assert_eq!(e.kind, ParseErrorKind::InvalidLiteral { expected: "true" });
        assert_eq!(e.offset, 1);
        assert_refused("nul");
        assert_refused("False");
    }

    #[test]
    fn literal_followed_by_identifier_character_is_one_bad_token() {
        assert_eq!(
            err("[truex]").kind,
            ParseErrorKind::InvalidLiteral { expected: "true" }
        );
        assert_eq!(
            err("null1").kind,
            ParseErrorKind::InvalidLiteral { expected: "null" }
        );
        assert_refused("false_");
    }

    #[test]
    fn only_space_tab_cr_lf_are_whitespace() {
        let e = err("[1,\u{c}2]");
        assert_eq!(
            e.kind,
            ParseErrorKind::Unexpected {
                expected: Expected::Value,
                found: Found::Char('\u{c}')
            }
        );
        assert_refused("\u{a0}1");
        assert_refused("[1\u{b}]");
    }

    #[test]
    fn empty_input_has_no_value() {
        let e = err("");
        assert_eq!(
            e.kind,
            ParseErrorKind::Unexpected {
                expected: Expected::Value,
                found: Found::EndOfInput
            }
        );
        assert_refused("  \n");
    }

    #[test]
    fn unclosed_containers_are_errors() {
        assert_eq!(
            err("[1").kind,
            ParseErrorKind::Unexpected {
                expected: Expected::ArrayCommaOrEnd,
                found: Found::EndOfInput
            }
        );
        assert_eq!(
            err(r#"{"a":1"#).kind,
            ParseErrorKind::Unexpected {
                expected: Expected::ObjectCommaOrEnd,
                found: Found::EndOfInput
            }
        );
        assert_eq!(
            err(r#"{"a" 1}"#).kind,
            ParseErrorKind::Unexpected {
                expected: Expected::Colon,
                found: Found::Char('1')
            }
        );
        assert_refused(r#"{"a":}"#);
        assert_refused("[1}");
        assert_refused(r#"{"a":1]"#);
    }

    #[test]
    fn content_after_the_single_value_is_an_error() {
        let e = err("{} {}");
        assert_eq!(
            e.kind,
            ParseErrorKind::Unexpected {
                expected: Expected::EndOfInput,
                found: Found::Char('{')
            }
        );
        assert_eq!(e.offset, 3);
        assert_refused("1 2");
        assert_refused("[]]");
    }

    // --- error positions and messages ---

    #[test]
    fn error_display_names_line_column_and_expectation() {
        let e = err("{\n  \"a\":1,\n  \"bb\":[1,2] x\n}");
        assert_eq!(
            e.to_string(),
            "line 3, column 14: expected ',' or '}' after an object member, found 'x'"
        );
        assert_eq!(e.offset, 24);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let e = err("[\"é😀\", x]");
        assert_eq!((e.line, e.column), (1, 8));
        assert_eq!(e.offset, 11);
    }

    #[test]
    fn crlf_and_lone_cr_each_end_one_line() {
        let e = err("[1,\r\n2,\r3,\n x]");
        assert_eq!((e.line, e.column), (4, 2));
    }

    #[test]
    fn errors_at_end_of_input_point_past_the_last_character() {
        let e = err("[1,\n2");
        assert_eq!((e.offset, e.line, e.column), (5, 2, 2));
    }

    #[test]
    fn error_messages_do_not_quote_document_text() {
        for text in [
            r#"{"secret-value": "private-data" x}"#,
            r#"{"secret-value": "private-data\q"}"#,
            "{\"secret-value\": \"private-data\u{1}\"}",
            r#"{"secret-value": private}"#,
            r#"{"secret-value": 0123456}"#,
            r#"["private-data"#,
        ] {
            let message = err(text).to_string();
            for secret in ["secret", "private", "123456"] {
                assert!(!message.contains(secret), "{message}");
            }
        }
    }

    #[test]
    fn non_printable_found_characters_are_shown_as_code_points() {
        let e = err("[1,\u{2028}]");
        assert!(e.to_string().ends_with("found U+2028"), "{e}");
        let e = err("[1 2]");
        assert!(e.to_string().ends_with("found '2'"), "{e}");
    }

    // --- duplicate keys ---

    #[test]
    fn duplicate_key_keeps_first_position_and_last_value() {
        assert_eq!(
            crate::json::to_compact_string(&ok(r#"{"a":1,"b":2,"a":3}"#)),
            r#"{"a":3,"b":2}"#
        );
    }

    #[test]
    fn escaped_and_plain_spellings_of_a_key_are_the_same_key() {
        let v = ok(r#"{"a":1,"\u0061":2}"#);
        let m = v.as_object().expect("object");
        assert_eq!(m.len(), 1);
        assert_eq!(m.get("a"), Some(&Value::Int(2)));
    }

    #[test]
    fn duplicates_in_nested_objects_are_resolved_per_object() {
        assert_eq!(
            crate::json::to_compact_string(&ok(
                r#"{"a":{"a":1,"a":2},"b":[{"a":3,"a":{"c":4}}],"a":5}"#
            )),
            r#"{"a":5,"b":[{"a":{"c":4}}]}"#
        );
    }

    #[test]
    fn duplicates_in_large_objects_use_the_index() {
        let n = 100;
        let mut text = String::from("{");
        for i in 0..n {
            write!(text, "\"k{i}\":{i},").expect("write to String");
        }
        text.push_str("\"k3\":\"again\",\"k99\":\"last\",\"new\":0}");
        let v = ok(&text);
        let m = v.as_object().expect("object");
        assert_eq!(m.len(), n + 1);
        assert_eq!(m.position("k3"), Some(3));
        assert_eq!(m.get("k3"), Some(&Value::string("again")));
        assert_eq!(m.get("k99"), Some(&Value::string("last")));
        assert_eq!(m.position("new"), Some(n));
    }

    #[test]
    fn object_with_100k_keys_parses() {
        let n = 100_000;
        let mut text = String::with_capacity(n * 16);
        text.push('{');
        for i in 0..n {
            write!(text, "\"k{i}\":{i},").expect("write to String");
        }
        text.push_str("\"k0\":-1}");
        let v = ok(&text);
        let m = v.as_object().expect("object");
        assert_eq!(m.len(), n);
        assert_eq!(m.entries()[0].1, Value::Int(-1));
        assert_eq!(m.entries()[n - 1].1, Value::Int(n as i64 - 1));
    }

    // --- limits (§8 item 1) ---

    #[test]
    fn default_limits_are_jacksons() {
        assert_eq!(
            Limits::default(),
            Limits {
                max_depth: 1000,
                max_number_len: 1000,
                max_string_len: 20_000_000,
                max_name_len: 50_000
            }
        );
    }

    #[test]
    fn nesting_to_the_depth_limit_is_accepted() {
        assert!(parse_value(&nested_arrays(1000)).is_ok());
        let objects = format!("{}1{}", "{\"a\":".repeat(1000), "}".repeat(1000));
        assert!(parse_value(&objects).is_ok());
    }

    #[test]
    fn nesting_beyond_the_depth_limit_is_refused() {
        let e = err(&nested_arrays(1001));
        assert_eq!(e.kind, ParseErrorKind::TooDeep { max: 1000 });
        assert_eq!(e.offset, 1000);
        assert_eq!(
            e.to_string(),
            "line 1, column 1001: nesting deeper than the limit of 1000 (max_depth)"
        );
        let objects = format!("{}1{}", "{\"a\":".repeat(1001), "}".repeat(1001));
        assert_eq!(err(&objects).kind, ParseErrorKind::TooDeep { max: 1000 });
    }

    #[test]
    fn hundred_thousand_levels_give_the_depth_error() {
        let text = nested_arrays(100_000);
        assert_eq!(err(&text).kind, ParseErrorKind::TooDeep { max: 1000 });
    }

    #[test]
    fn deep_documents_are_safe_on_a_small_stack() {
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(|| {
                let deep = parse_value(&nested_arrays(100_000))
                    .map(|_| ())
                    .map_err(|e| e.kind);
                let at_limit = parse_value(&nested_arrays(1000)).is_ok();
                let unlimited = Limits {
                    max_depth: usize::MAX,
                    ..Limits::default()
                };
                let unlimited_deep = parse_value_with(&nested_arrays(100_000), &unlimited)
                    .map(|v| {
                        // Take the tree apart level by level: dropping it whole would recurse.
                        let mut v = v;
                        let mut depth = 0;
                        while let Value::Array(mut items) = v {
                            depth += 1;
                            v = items.pop().unwrap_or(Value::Null);
                        }
                        depth
                    })
                    .ok();
                (deep, at_limit, unlimited_deep)
            })
            .expect("spawn");
        let (deep, at_limit, unlimited_deep) = handle.join().expect("no stack overflow");
        assert_eq!(deep, Err(ParseErrorKind::TooDeep { max: 1000 }));
        assert!(at_limit);
        assert_eq!(unlimited_deep, Some(100_000));
    }

    #[test]
    fn number_length_limit_counts_digits() {
        let digits = "7".repeat(1000);
        assert_eq!(ok(&digits), Value::BigInt(Cow::Borrowed(digits.as_str())));
        assert!(parse_value(&format!("-{digits}")).is_ok());
        let e = err(&format!("[{}]", "7".repeat(1001)));
        assert_eq!(e.kind, ParseErrorKind::NumberTooLong { max: 1000 });
        assert_eq!(e.offset, 1);
        assert!(parse_value(&format!("{}.{}", "1".repeat(500), "2".repeat(500))).is_ok());
        assert_eq!(
            err(&format!("{}.{}e1", "1".repeat(500), "2".repeat(500))).kind,
            ParseErrorKind::NumberTooLong { max: 1000 }
        );
    }

    #[test]
    fn string_length_limit_counts_utf16_units() {
        let limits = Limits {
            max_string_len: 5,
            ..Limits::default()
        };
        assert!(parse_value_with(r#""abcde""#, &limits).is_ok());
        assert!(parse_value_with(r#""ééééé""#, &limits).is_ok());
        let e = parse_value_with(r#"["abcdef"]"#, &limits).expect_err("too long");
        assert_eq!(
            (e.kind, e.offset),
            (ParseErrorKind::StringTooLong { max: 5 }, 1)
        );
        // Three astral characters are six UTF-16 units.
        assert_eq!(
            parse_value_with(r#""😀😀😀""#, &limits).map_err(|e| e.kind),
            Err(ParseErrorKind::StringTooLong { max: 5 })
        );
        assert!(parse_value_with(r#""ab\ncd""#, &limits).is_ok());
        assert!(parse_value_with(r#""ab\ncde""#, &limits).is_err());
        // Cut off past the limit, as a stream reader cuts a string without end: refused for
        // its length at its start, not for an end of input that did not come.
        let e = parse_value_with(r#"["ab\ncdef"#, &limits).expect_err("too long");
        assert_eq!(
            (e.kind, e.offset),
            (ParseErrorKind::StringTooLong { max: 5 }, 1)
        );
        let e = parse_value_with(r#"["abc"#, &limits).expect_err("unclosed");
        assert_eq!(
            e.kind,
            ParseErrorKind::Unexpected {
                expected: Expected::StringEnd,
                found: Found::EndOfInput
            }
        );
    }

    #[test]
    fn key_length_limit_is_separate_from_string_limit() {
        let limits = Limits {
            max_name_len: 3,
            max_string_len: 100,
            ..Limits::default()
        };
        assert!(parse_value_with(r#"{"abc":"long string value"}"#, &limits).is_ok());
        assert_eq!(
            parse_value_with(r#"{"abcd":1}"#, &limits).map_err(|e| e.kind),
            Err(ParseErrorKind::NameTooLong { max: 3 })
        );
    }

    // --- BOM and UTF-8 ---

    #[test]
    fn leading_byte_order_mark_is_skipped() {
        assert_eq!(ok("\u{feff}{}"), Value::Object(Map::new()));
        assert_eq!(stream("\u{feff}1 2").len(), 2);
        let e = err("\u{feff}[x]");
        assert_eq!((e.offset, e.line, e.column), (4, 1, 2));
    }

    #[test]
    fn byte_order_mark_elsewhere_is_an_error() {
        assert_refused("[\u{feff}1]");
        assert_refused(" \u{feff}1");
    }

    #[test]
    fn invalid_utf8_is_located() {
        let bytes = b"{\"a\":\n  \"b\xffc\"}";
        let e = validate_utf8(bytes).expect_err("invalid");
        assert_eq!(e.kind, ParseErrorKind::InvalidUtf8);
        assert_eq!((e.offset, e.line, e.column), (10, 2, 5));
        assert_eq!(e.to_string(), "line 2, column 5: invalid UTF-8");
    }

    #[test]
    fn valid_utf8_is_returned_as_text() {
        assert_eq!(validate_utf8("[\"é\"]".as_bytes()), Ok("[\"é\"]"));
    }

    #[test]
    fn truncated_multibyte_sequence_is_invalid_utf8() {
        let e = validate_utf8(b"[\"\xc3").expect_err("invalid");
        assert_eq!((e.offset, e.column), (2, 3));
    }

    // --- root-level value streams (§7.1 step 2) ---

    fn stream_ok(text: &str) -> Vec<Value<'_>> {
        stream(text)
            .into_iter()
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn stream_of_one_document() {
        assert_eq!(stream_ok(" {\"a\":1} \n").len(), 1);
    }

    #[test]
    fn stream_of_ndjson_and_adjacent_containers() {
        assert_eq!(stream_ok("{\"a\":1}\n{\"b\":2}\n").len(), 2);
        assert_eq!(stream_ok("{}{}[]").len(), 3);
        assert_eq!(stream_ok("[]1").len(), 2);
    }

    #[test]
    fn stream_of_scalars() {
        assert_eq!(
            stream_ok("1 2\t\"a\"\r\n-3.5"),
            [
                Value::Int(1),
                Value::Int(2),
                Value::string("a"),
                Value::Double(-3.5)
            ]
        );
        assert_eq!(stream_ok(r#""a""b""#).len(), 2);
    }

    #[test]
    fn stream_literal_may_be_followed_by_a_non_identifier_character() {
        assert_eq!(
            stream_ok(r#"true"x"null-1"#),
            [
                Value::Bool(true),
                Value::string("x"),
                Value::Null,
                Value::Int(-1)
            ]
        );
    }

    #[test]
    fn stream_number_must_be_followed_by_whitespace() {
        let items = stream("1{}");
        assert_eq!(items.len(), 1);
        let e = items[0].as_ref().expect_err("missing separator");
        assert_eq!(
            e.kind,
            ParseErrorKind::MissingRootSeparator {
                found: Found::Char('{')
            }
        );
        assert_eq!(e.offset, 1);
        assert!(stream("1\"a\"")[0].is_err());
        assert!(stream("1.5]")[0].is_err());
        assert!(stream("1.5e3\n2").iter().all(Result::is_ok));
    }

    #[test]
    fn stream_literal_followed_by_identifier_character_is_an_error() {
        let items = stream("truetrue");
        assert_eq!(items.len(), 1);
        assert!(items[0].is_err());
    }

    #[test]
    fn stream_stops_after_the_first_error() {
        let items = stream("{} x {}");
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok());
        assert_eq!(items[1].as_ref().map_err(|e| e.offset), Err(3));
    }

    #[test]
    fn stream_of_nothing_is_empty() {
        assert!(stream("").is_empty());
        assert!(stream(" \r\n\t ").is_empty());
        assert!(stream("\u{feff}").is_empty());
    }

    #[test]
    fn stream_recovers_scratch_state_between_values() {
        let values = stream_ok(r#"{"a":[1,{"b":2}]} [3,4] {"c":{}}"#);
        assert_eq!(
            values
                .iter()
                .map(crate::json::to_compact_string)
                .collect::<Vec<_>>(),
            [r#"{"a":[1,{"b":2}]}"#, "[3,4]", r#"{"c":{}}"#]
        );
    }

    // --- reading in two halves ---

    /// Every value or error of `text`, read with a second thread wherever a value has
    /// `min` bytes after its start.
    fn stream_in_halves(text: &str, min: usize) -> Vec<Result<Value<'_>, ParseError>> {
        parse_values(text).halves_from_bytes(min).collect()
    }

    #[test]
    fn a_value_read_in_halves_is_the_value_read_alone() {
        let elements: Vec<String> = (0..200)
            .map(|i| format!(r#"{{"id":{i},"tags":["a,b","c\"]"],"n":[[{i}],{{"k":"]"}}]}}"#))
            .collect();
        let text = format!(
            r#"{{"meta":{{"x":1}},"list":[{}],"end":true}}"#,
            elements.join(",\n ")
        );
        let mut parser = Parser::new(&text, Limits::default());
        let (halves, taken) = parser.root_value_in_halves(text.len() / 2);
        assert!(taken, "the cut is in the list");
        assert_eq!(parser.pos, text.len());
        assert_eq!(halves, parse_value(&text));
        assert_eq!(stream_in_halves(&text, 0), stream(&text));
    }

    #[test]
    fn without_a_cut_the_value_is_read_alone() {
        // The middle falls in an object: no array is open there.
        let text = format!(r#"[1, {{"a":"{}","b":2}}]"#, "x".repeat(100));
        let mut parser = Parser::new(&text, Limits::default());
        let (halves, taken) = parser.root_value_in_halves(text.len() / 2);
        assert!(!taken);
        assert_eq!(halves, parse_value(&text));
    }

    #[test]
    fn errors_in_either_half_are_those_of_a_read_alone() {
        let elements: Vec<String> = (0..50).map(|i| format!(r#"{{"v":[{i},"s"]}}"#)).collect();
        let text = format!("[{}]", elements.join(","));
        // Each byte in turn replaced by characters that break the document there.
        for at in 1..text.len() - 1 {
            for bad in ["x", "]", ",", "\"", "\\", "{", "\u{1}"] {
                let mut broken = text.clone();
                broken.replace_range(at..=at, bad);
                assert_eq!(
                    stream_in_halves(&broken, 0),
                    stream(&broken),
                    "{bad:?} at {at}"
                );
            }
        }
    }

    #[test]
    fn the_second_half_keeps_the_depth_limit() {
        let limits = Limits {
            max_depth: 6,
            ..Limits::default()
        };
        // The large array is at depth 3; its last element opens depths 4 to 7.
        let text = format!(r#"{{"a":{{"b":[{}[[[[1]]]]]}}}}"#, "1,".repeat(60));
        let read = |halves: bool| -> Vec<Result<Value<'_>, ParseError>> {
            let stream = parse_values_with(&text, &limits);
            if halves {
                stream.halves_from_bytes(0)
            } else {
                stream
            }
            .collect()
        };
        let mut parser = Parser::new(&text, limits);
        let (_, taken) = parser.root_value_in_halves(text.len() / 2);
        assert!(taken, "the cut is in the large array");
        let alone = read(false);
        assert!(matches!(
            alone[0],
            Err(ParseError {
                kind: ParseErrorKind::TooDeep { max: 6 },
                ..
            })
        ));
        assert_eq!(read(true), alone);
    }

    #[test]
    fn small_values_after_a_failed_try_are_read_alone() {
        let text = "[1,2] [3,4] [5,6] [7,8]";
        let mut values = parse_values(text).halves_from_bytes(0);
        assert!(values.next().is_some_and(|v| v.is_ok()));
        // The first value ended before the second thread's start (4/7 of the text, 12): no
        // new try before it.
        assert_eq!(values.halves_from, Some(12));
        assert_eq!(values.collect::<Vec<_>>().len(), 3);
    }

    proptest::proptest! {
        #[test]
        fn generated_texts_read_in_halves_as_alone(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "[", "]", "{", "}", ",", ":", "\"a,\"", "\"]\\\"\"", "1", "-2.5e3", "true",
                    "null", " ", "\n", "\"k\":", "[1,2,3]", "{\"x\":[4,5]}", "x",
                ]),
                0..120,
            ),
            min in 0usize..40,
        ) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(stream_in_halves(&text, min), stream(&text));
        }

        #[test]
        fn large_generated_arrays_read_in_halves_as_alone(
            elements in proptest::collection::vec(
                proptest::sample::select(vec![
                    "1", "\"s,]\"", "[1,[2,\"\\\\\"]]", "{\"a\":[3,{}],\"a\":4}", "[]", "{}",
                    "\"\\u00e9\"", "null",
                ]),
                1..80,
            ),
            wrap in 0usize..4,
            broken in proptest::option::of((0usize..2000, proptest::sample::select(vec!["x", ",", "]", "}"]))),
        ) {
            let mut text = format!("{}[{}]{}", "{\"k\":[".repeat(wrap), elements.join(","), "]}".repeat(wrap));
            if let Some((at, bad)) = broken {
                let at = at % text.len();
                if text.is_char_boundary(at) && text.is_char_boundary(at + 1) {
                    text.replace_range(at..=at, bad);
                }
            }
            proptest::prop_assert_eq!(stream_in_halves(&text, 0), stream(&text));
        }
    }
}
