//! Reading JSON held in a string value (textDigest `isJsonEscaped`, augment `innerJsonPath`)
//! as Jayway's default provider does: json-smart in its permissive mode (§2.10, §2.13).
//!
//! Permissive mode reads far more than JSON, and the proxy relies on it without knowing: text
//! that is not JSON at all (`hello, world`) is one unquoted string, so an inner path finds
//! nothing in it instead of failing the response. Accepted besides JSON:
//! - strings in single quotes, `\x41` and `\'` escapes, unknown escapes dropped, control
//!   characters dropped from strings that hold an escape;
//! - unquoted keys and values, read up to the next `:` (keys), `,` and `}` (object values) or
//!   `,` and `]` (array elements) and trimmed; a whole top-level text up to its end;
//! - missing and repeated commas, trailing data after the first value;
//! - numbers with leading zeros, `1.` and a lone `-` (zero); a number followed by anything but
//!   its terminator becomes an unquoted string (`12ab`); `NaN`;
//! - decimals longer than 18 characters are exact `BigDecimal`s ([`Value::Decimal`]).
//!
//! Nesting deeper than 400 levels is refused, as json-smart does.
//!
//! The reader works on bytes: every character that steers it is ASCII, and json-smart treats
//! every character from `~` up alike, as the bytes of a multi-byte UTF-8 character are.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{Map, Value};
use crate::jsonpath::decimal::Decimal;

/// Why json-smart would refuse a text. Messages quote syntax characters only, never text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SmartError {
    #[error("unexpected {} at byte {offset}", syntax(*found))]
    Unexpected { offset: usize, found: u8 },
    #[error("unexpected end of text")]
    End,
    #[error("invalid hexadecimal digit in an escape at byte {offset}")]
    Escape { offset: usize },
    #[error("malformed number at byte {offset}")]
    Number { offset: usize },
    #[error("nesting deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// How a message names an unexpected byte: a character of JSON's syntax by itself, any other
/// (which may be a piece of the text) only as "character".
fn syntax(found: u8) -> String {
    if b"{}[]:,\"'".contains(&found) {
        format!("`{}`", char::from(found))
    } else {
        "character".to_owned()
    }
}

/// json-smart's nesting limit.
const MAX_DEPTH: u32 = 400;

/// The character json-smart reads at the end of the text; the same character inside the text
/// ends most constructs too.
const EOI: u8 = 0x1a;

/// Which characters end an unquoted token, besides the end of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// The whole top-level value: only the end.
    Top,
    /// An object key: `:`.
    Key,
    /// An object member's value: `,` and `}`.
    Value,
    /// An array element: `,` and `]`.
    Element,
}

impl Stop {
    /// Whether `c` ends a token (`skipNQString`); characters from `~` up never do.
    fn ends(self, c: u8) -> bool {
        c == EOI
            || match self {
                Stop::Top => false,
                Stop::Key => c == b':',
                Stop::Value => matches!(c, b',' | b'}'),
                Stop::Element => matches!(c, b',' | b']'),
            }
    }

    /// Whether `c` ends a number (`readNumber`): characters from `~` up do.
    fn ends_number(self, c: u8) -> bool {
        c >= b'~' || self.ends(c)
    }
}

/// Parses `text` as json-smart's permissive mode does. The text must not be empty (Jayway
/// refuses an empty document before parsing; callers decide what that means).
pub fn parse_smart(text: &str) -> Result<Value<'_>, SmartError> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        c: text.as_bytes().first().copied().unwrap_or(EOI),
        depth: 0,
    };
    // Trailing data is not looked at.
    reader.value(Stop::Top)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Position of the current character `c`; the text's length (or more) at its end.
    pos: usize,
    c: u8,
    depth: u32,
}

impl<'a> Reader<'a> {
    fn read(&mut self) {
        self.pos += 1;
        self.c = self.bytes.get(self.pos).copied().unwrap_or(EOI);
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn unexpected(&self) -> SmartError {
        if self.c == EOI {
            SmartError::End
        } else {
            SmartError::Unexpected {
                offset: self.pos,
                found: self.c,
            }
        }
    }

    fn skip_space(&mut self) {
        while self.c <= b' ' && self.c != EOI {
            self.read();
        }
    }

    fn skip_digits(&mut self) {
        while self.c.is_ascii_digit() {
            self.read();
        }
    }

    fn skip_unquoted(&mut self, stop: Stop) {
        while !stop.ends(self.c) {
            self.read();
        }
    }

    /// The text from `start` to the current position, trimmed as Java's `String.trim`.
    fn trimmed(&self, start: usize) -> &'a str {
        let end = self.pos.min(self.bytes.len());
        self.text[start..end].trim_matches(|c: char| c <= ' ')
    }

    fn unquoted(&mut self, stop: Stop) -> &'a str {
        let start = self.pos;
        self.skip_unquoted(stop);
        self.trimmed(start)
    }

    /// A value starting at the current character (`readFirst` / `readMain`).
    fn value(&mut self, stop: Stop) -> Result<Value<'a>, SmartError> {
        loop {
            return match self.c {
                b'\t' | b'\n' | b'\r' | b' ' => {
                    self.read();
                    continue;
                }
                b':' | b']' | b'}' => Err(self.unexpected()),
                b'{' => self.object(),
                b'[' => self.array(),
                b'"' | b'\'' => self.string().map(Value::String),
                b'-' | b'0'..=b'9' => self.number(stop),
                first => {
                    let word = self.unquoted(stop);
                    Ok(match (first, word) {
                        (b'n', "null") => Value::Null,
                        (b'f', "false") => Value::Bool(false),
                        (b't', "true") => Value::Bool(true),
                        (b'N', "NaN") => Value::Double(f64::NAN),
                        _ => Value::String(Cow::Borrowed(word)),
                    })
                }
            };
        }
    }

    fn enter(&mut self) -> Result<(), SmartError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SmartError::TooDeep);
        }
        Ok(())
    }

    fn array(&mut self) -> Result<Value<'a>, SmartError> {
        self.enter()?;
        let mut items = Vec::new();
        self.read();
        loop {
            match self.c {
                b'\t' | b'\n' | b'\r' | b' ' | b',' => self.read(),
                b']' => {
                    self.depth -= 1;
                    self.read();
                    return Ok(Value::Array(items));
                }
                b':' | b'}' | EOI => return Err(self.unexpected()),
                // No comma is needed between elements.
                _ => items.push(self.value(Stop::Element)?),
            }
        }
    }

    fn object(&mut self) -> Result<Value<'a>, SmartError> {
        self.enter()?;
        let mut members = Members::default();
        loop {
            self.read();
            match self.c {
                b'\t' | b'\n' | b'\r' | b' ' | b',' => {}
                b':' | b'[' | b']' | b'{' => return Err(self.unexpected()),
                b'}' => {
                    self.depth -= 1;
                    self.read();
                    return Ok(Value::Object(members.into_map()));
                }
                _ => {
                    let key = if matches!(self.c, b'"' | b'\'') {
                        self.string()?
                    } else {
                        Cow::Borrowed(self.unquoted(Stop::Key))
                    };
                    self.skip_space();
                    if self.c != b':' {
                        return Err(self.unexpected());
                    }
                    self.read();
                    if self.at_end() {
                        return Err(SmartError::End);
                    }
                    let value = self.value(Stop::Value)?;
                    members.insert(key, value);
                    self.skip_space();
                    match self.c {
                        b'}' => {
                            self.depth -= 1;
                            self.read();
                            return Ok(Value::Object(members.into_map()));
                        }
                        b',' => {}
                        _ => return Err(self.unexpected()),
                    }
                }
            }
        }
    }

    /// A string in `"` or `'` (`readString`): up to the first quote of the same kind when no
    /// backslash comes before it, else read character by character.
    fn string(&mut self) -> Result<Cow<'a, str>, SmartError> {
        let quote = self.c;
        let open = self.pos;
        let Some(close) = memchr::memchr(quote, &self.bytes[open + 1..]).map(|i| open + 1 + i)
        else {
            return Err(SmartError::End);
        };
        let plain = &self.text[open + 1..close];
        if !plain.contains('\\') {
            self.pos = close;
            self.read();
            return Ok(Cow::Borrowed(plain));
        }
        self.escaped_string(quote).map(Cow::Owned)
    }

    /// `readString2`: from the opening quote, with escapes; control characters are dropped.
    fn escaped_string(&mut self, quote: u8) -> Result<String, SmartError> {
        let mut units: Vec<u16> = Vec::new();
        let mut run = self.pos + 1;
        loop {
            self.read();
            match self.c {
                EOI => return Err(SmartError::End),
                b'\\' => {
                    units.extend(self.text[run..self.pos].encode_utf16());
                    self.read();
                    match self.c {
                        b't' => units.push(0x09),
                        b'n' => units.push(0x0a),
                        b'r' => units.push(0x0d),
                        b'f' => units.push(0x0c),
                        b'b' => units.push(0x08),
                        c @ (b'\\' | b'/' | b'\'' | b'"') => units.push(u16::from(c)),
                        b'u' => units.push(self.hex(4)?),
                        b'x' => units.push(self.hex(2)?),
                        // An unknown escape (or the end) is dropped with its backslash.
                        // Java drops one UTF-16 unit: of a character outside the BMP, the
                        // low surrogate stays, alone.
                        c if c >= 0x80 => {
                            let ch = self.text[self.pos..].chars().next().unwrap_or('?');
                            let mut pair = [0u16; 2];
                            if let [_, low] = ch.encode_utf16(&mut pair) {
                                units.push(*low);
                            }
                            self.pos += ch.len_utf8() - 1;
                        }
                        _ => {}
                    }
                    run = self.pos + 1;
                }
                c if c == quote => {
                    units.extend(self.text[run..self.pos].encode_utf16());
                    self.read();
                    // Unpaired surrogates from `\u` escapes become `?`, as when Java writes them.
                    return Ok(char::decode_utf16(units)
                        .map(|c| c.unwrap_or('?'))
                        .collect());
                }
                0x00..=0x1f | 0x7f => {
                    units.extend(self.text[run..self.pos].encode_utf16());
                    run = self.pos + 1;
                }
                _ => {}
            }
        }
    }

    fn hex(&mut self, digits: u32) -> Result<u16, SmartError> {
        let mut value: u16 = 0;
        for _ in 0..digits {
            self.read();
            let Some(d) = char::from(self.c).to_digit(16) else {
                return Err(if self.c == EOI {
                    SmartError::End
                } else {
                    SmartError::Escape { offset: self.pos }
                });
            };
            value = value * 16 + d as u16;
        }
        Ok(value)
    }

    /// `readNumber`: digits, a fraction and an exponent; a number not followed by its
    /// terminator (after spaces) is an unquoted string instead.
    fn number(&mut self, stop: Stop) -> Result<Value<'a>, SmartError> {
        let start = self.pos;
        self.read();
        self.skip_digits();
        let mut float = false;
        if self.c == b'.' {
            self.read();
            self.skip_digits();
            float = true;
        }
        if matches!(self.c, b'e' | b'E') {
            self.read();
            if !matches!(self.c, b'+' | b'-' | b'0'..=b'9') {
                // `1e` followed by anything else: text.
                self.skip_unquoted(stop);
                return Ok(Value::String(Cow::Borrowed(self.trimmed(start))));
            }
            self.read();
            self.skip_digits();
            float = true;
        }
        self.skip_space();
        if !stop.ends_number(self.c) {
            self.skip_unquoted(stop);
            return Ok(Value::String(Cow::Borrowed(self.trimmed(start))));
        }
        let text = self.trimmed(start);
        let malformed = SmartError::Number { offset: start };
        if !float {
            return Ok(integer(text));
        }
        if text.len() > 18 {
            let decimal = Decimal::parse(text).ok_or(malformed)?;
            return Ok(Value::Decimal(Cow::Owned(decimal.to_string())));
        }
        java_double(text).map(Value::Double).ok_or(malformed)
    }
}

/// `parseNumber`: an Integer or Long when the text is short enough to fit, checked digit by
/// digit; a BigInteger past 19 digits (20 characters with `-`), leading zeros included.
fn integer(text: &str) -> Value<'_> {
    let max = if text.starts_with('-') { 20 } else { 19 };
    if text.len() <= max
        && let Ok(i) = text.parse::<i64>()
    {
        return Value::Int(i);
    }
    if text == "-" {
        return Value::Int(0);
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let digits = digits.trim_start_matches('0');
    Value::BigInt(Cow::Owned(match (negative, digits.is_empty()) {
        (_, true) => "0".to_owned(),
        (true, false) => format!("-{digits}"),
        (false, false) => digits.to_owned(),
    }))
}

/// `Double.parseDouble` on the number texts `readNumber` produces: at least one digit before
/// the exponent, and a digit in it.
fn java_double(text: &str) -> Option<f64> {
    let mantissa_end = text.find(['e', 'E']).unwrap_or(text.len());
    if !text[..mantissa_end].bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    if mantissa_end < text.len() && !text[mantissa_end..].bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// An object's members: a repeated key keeps its first position and takes the last value
/// (`LinkedHashMap.put`).
#[derive(Default)]
struct Members<'a> {
    entries: Vec<(Cow<'a, str>, Value<'a>)>,
    index: HashMap<Cow<'a, str>, usize>,
}

impl<'a> Members<'a> {
    fn insert(&mut self, key: Cow<'a, str>, value: Value<'a>) {
        if let Some(&i) = self.index.get(&key) {
            self.entries[i].1 = value;
        } else {
            self.index.insert(key.clone(), self.entries.len());
            self.entries.push((key, value));
        }
    }

    fn into_map(self) -> Map<'a> {
        Map::from_unique(self.entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::to_smart_string;

    /// The json-smart compact text of what `text` reads as, or `ERR`.
    fn read(text: &str) -> String {
        parse_smart(text).map_or_else(|_| "ERR".to_owned(), |v| to_smart_string(&v))
    }

    #[test]
    fn json_reads_as_json() {
        assert_eq!(
            read(r#"{"a":[1,-2,1.5,true,false,null,"x\"y"],"b":{}}"#),
            r#"{"a":[1,-2,1.5,true,false,null,"x\"y"],"b":{}}"#
        );
    }

    #[test]
    fn text_that_is_not_json_is_one_string() {
        assert_eq!(read("not json"), r#""not json""#);
        assert_eq!(read("hello, world: {x}"), r#""hello, world: {x}""#);
        assert_eq!(read("  padded  "), r#""padded""#);
        assert_eq!(read("   "), r#""""#);
        assert_eq!(read("<p>Hi</p>"), r#""<p>Hi</p>""#);
        assert_eq!(read("true false"), r#""true false""#);
        assert_eq!(read("12ab"), r#""12ab""#);
        assert_eq!(read("--1"), r#""--1""#);
    }

    #[test]
    fn trailing_data_after_the_first_value_is_ignored() {
        assert_eq!(read(r#"{"a":1} trailing"#), r#"{"a":1}"#);
        assert_eq!(read(r#"{"a":1}{"b":2}"#), r#"{"a":1}"#);
        assert_eq!(read(r#""quoted" tail"#), r#""quoted""#);
    }

    #[test]
    fn single_quotes_unquoted_tokens_and_loose_commas() {
        assert_eq!(read("{'text':'hi'}"), r#"{"text":"hi"}"#);
        assert_eq!(read("{'a':'it\"s'}"), r#"{"a":"it\"s"}"#);
        assert_eq!(
            read("{text: hi there, n: 1}"),
            r#"{"text":"hi there","n":1}"#
        );
        assert_eq!(read("[abc def, 12]"), r#"["abc def",12]"#);
        assert_eq!(read("[1,2,]"), "[1,2]");
        assert_eq!(read("{,,,\"a\":1,,,}"), r#"{"a":1}"#);
        assert_eq!(read("[,,,1,,,2,,,]"), "[1,2]");
        // No comma is needed between array elements; within a member, the rest is text.
        assert_eq!(read(r#"["a" "b"]"#), r#"["a","b"]"#);
        assert_eq!(read(r#"{"a":1 "b":2}"#), r#"{"a":"1 \"b\":2"}"#);
        assert_eq!(read(r#"{"a":1 /* c */}"#), r#"{"a":"1 /* c */"}"#);
    }

    #[test]
    fn words_and_numbers_that_are_almost_literals() {
        assert_eq!(
            read("[tru, true1, nul, null , NaN, Infinity]"),
            r#"["tru","true1","nul",null,NaN,"Infinity"]"#
        );
        assert_eq!(
            read("[01, -, - 5, 1., .5, +1, 0x10]"),
            r#"[1,0,"- 5",1.0,".5","+1","0x10"]"#
        );
        assert_eq!(read("[1e, 1e5 x, 1E400]"), r#"["1e","1e5 x",null]"#);
        // A character from `~` up ends a number; it does not end unquoted text.
        assert_eq!(read("[1~2]"), r#"[1,"~2"]"#);
        assert_eq!(read("[1é]"), r#"[1,"é"]"#);
    }

    #[test]
    fn integers_are_typed_by_length_then_range() {
        let v = parse_smart("[9223372036854775807, 9223372036854775808, 00000000000000000001, -9223372036854775809]")
            .expect("reads");
        assert_eq!(
            v,
            Value::Array(vec![
                Value::Int(i64::MAX),
                Value::BigInt(Cow::Borrowed("9223372036854775808")),
                Value::BigInt(Cow::Borrowed("1")),
                Value::BigInt(Cow::Borrowed("-9223372036854775809")),
            ])
        );
    }

    #[test]
    fn decimals_longer_than_eighteen_characters_are_exact() {
        assert_eq!(
            parse_smart("1.2345678901234567890"),
            Ok(Value::Decimal(Cow::Borrowed("1.2345678901234567890")))
        );
        assert_eq!(
            read("[123456789012345678.5, 1.0000000000000000000E-10, 0.0000000000000000001]"),
            "[123456789012345678.5,1.0000000000000000000E-10,1E-19]"
        );
        assert_eq!(read("1234567890.123456789e-5"), "12345.67890123456789");
        assert_eq!(read("-81E00000000000000000000011"), "-8.1E+12");
        // Eighteen characters or fewer: a double.
        assert_eq!(read("1.234567890123456"), "1.234567890123456");
        assert_eq!(read("1.0000000000000000"), "1.0");
    }

    #[test]
    fn escapes_and_control_characters() {
        assert_eq!(read(r#""\x41\'\q""#), r#""A'""#);
        assert_eq!(read(r#""x\u0041y""#), r#""xAy""#);
        assert_eq!(read("\"a\\n\u{1}b\""), r#""a\nb""#);
        // Without a backslash the string is taken as is, control characters included.
        assert_eq!(read("\"a\u{1}b\""), r#""a\u0001b""#);
        assert_eq!(read("\"\\ud83d\\ude00\""), "\"\u{1f600}\"");
        assert_eq!(read(r#""\ud83d""#), r#""?""#);
        // An unknown escape drops one UTF-16 unit: of an emoji, its high surrogate.
        assert_eq!(read("\"\u{1f600}\\\u{1f600}\""), "\"\u{1f600}?\"");
        assert_eq!(read("\"é\\é\""), "\"é\"");
    }

    #[test]
    fn what_json_smart_refuses() {
        for bad in [
            "{\"a\":",
            "{\"a\":1",
            "[1,",
            "[",
            "\"abc",
            "'abc",
            "\"a\\",
            "{:}",
            "[:]",
            "{]",
            "[}",
            "{\"a\":1]",
            "[1}",
            "{\"a\" 1}",
            "{\"a\":]}",
            "\"\\x4g\"",
            "\"\\u12\"",
            "[1e+]",
            "{\"a\":1~}",
            "[\u{1a}]",
        ] {
            assert_eq!(read(bad), "ERR", "{bad:?}");
        }
    }

    #[test]
    fn nesting_stops_at_four_hundred_levels() {
        assert!(parse_smart(&format!("{}{}", "[".repeat(400), "]".repeat(400))).is_ok());
        assert_eq!(
            parse_smart(&format!("{}{}", "[".repeat(401), "]".repeat(401))),
            Err(SmartError::TooDeep)
        );
    }

    #[test]
    fn a_repeated_key_keeps_its_place_and_takes_the_last_value() {
        assert_eq!(read(r#"{"a":1,"b":2,"a":3}"#), r#"{"a":3,"b":2}"#);
    }

    #[test]
    fn errors_quote_syntax_only() {
        let e = parse_smart("{\"secret value\" x}").expect_err("refused");
        assert_eq!(e.to_string(), "unexpected character at byte 16");
        let e = parse_smart("{\"a\" été}").expect_err("refused");
        assert_eq!(e.to_string(), "unexpected character at byte 5");
        let e = parse_smart("[:]").expect_err("refused");
        assert_eq!(e.to_string(), "unexpected `:` at byte 1");
    }
}
