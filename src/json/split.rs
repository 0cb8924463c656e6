//! Cutting a stream of top-level JSON values (one document, NDJSON, `{}{}`) into segments that
//! can be parsed independently, without parsing: the segments of a multi-gigabyte body are
//! sanitized one by one, in bounded memory, and in parallel.

use std::io::{self, BufRead};

use super::parse::UTF8_BOM;

/// The longest string the parser accepts, in bytes: 20,000,000 characters (`max_string_len`),
/// each written as a six-byte `\uXXXX` escape, and its quotes.
const MAX_STRING_BYTES: usize = 6 * 20_000_000 + 2;

/// The longest top-level value read, in bytes: each is parsed and sanitized whole, in several
/// times its size of memory, so a longer one (or one without end, `[` and endless spaces) is
/// refused rather than read until memory runs out.
pub const MAX_VALUE_BYTES: usize = 1 << 30;

/// A top-level value longer than [`MAX_VALUE_BYTES`], where it starts in the stream: the
/// error inside the [`io::Error`] (of kind `InvalidData`) that ends the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueTooLong {
    /// Byte offset of the value's first byte.
    pub offset: usize,
    /// 1-based line and column (in characters) of that byte.
    pub line: u32,
    pub column: u32,
    /// The cap, in bytes.
    pub max: usize,
}

impl std::fmt::Display for ValueTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the value at {}:{} is longer than {}, the most one value may have (each is read \
             whole)",
            self.line,
            self.column,
            size_text(self.max)
        )
    }
}

impl std::error::Error for ValueTooLong {}

/// `bytes` in GiB when a whole number of them, as the cap is, else in bytes.
pub(crate) fn size_text(bytes: usize) -> String {
    if bytes > 0 && bytes.is_multiple_of(1 << 30) {
        format!("{} GiB", bytes >> 30)
    } else {
        format!("{bytes} bytes")
    }
}

/// Where the scanner is: between tokens, inside a string, or just after a backslash in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lexical {
    Structure,
    String,
    Escaped,
}

/// A run of whole top-level values and the place where it starts in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub bytes: Vec<u8>,
    /// Byte offset of the segment in the stream.
    pub offset: usize,
    /// Number of line breaks (`\n`) in the stream before the segment.
    pub lines_before: usize,
    /// Characters between the last line break before the segment and its start.
    pub column_before: usize,
}

/// Reads segments of at least `target` bytes (except the last), each ending just after a
/// top-level value or the whitespace after it.
///
/// Cuts are made only after a closing `}`, `]` or `"` at depth 0, or at whitespace at depth 0,
/// so a segment never splits a value, a multi-byte character, or a pair of root-level scalars
/// whose separation the parser must check (`1"a"` stays in one segment and is refused there).
/// Malformed input is cut the same way; the parser of each segment reports it.
#[derive(Debug)]
pub struct Splitter<R> {
    reader: R,
    target: usize,
    offset: usize,
    lines: usize,
    column: usize,
    /// Bytes read but not yet emitted.
    pending: Vec<u8>,
    /// Scanner state over `pending`, from `scanned` on.
    scanned: usize,
    /// Read everything into one segment, without scanning.
    whole: bool,
    depth: usize,
    lexical: Lexical,
    /// Where the string being scanned starts in `pending`.
    string_start: usize,
    /// Strings longer than this end the stream.
    string_cap: usize,
    /// Values longer than this are an error.
    value_cap: usize,
    /// The last place in `pending` between top-level values, where the value read starts.
    boundary: usize,
    /// The first possible cut at or beyond `target` bytes into `pending`, once found.
    cut: Option<usize>,
    /// The cut is just after a byte that JSON never has outside a string: the stream ends there.
    refused: bool,
    eof: bool,
}

impl<R: BufRead> Splitter<R> {
    pub fn new(reader: R, target: usize) -> Self {
        Self::with_capacity(reader, target, None)
    }

    /// Like [`Splitter::new`], for a stream of `size` bytes when it is known. A stream no
    /// larger than `target` is read into one segment of the right size without being scanned.
    pub fn with_capacity(reader: R, target: usize, size: Option<u64>) -> Self {
        const MAX_RESERVE: u64 = 256 << 20;
        let reserve = size.filter(|&s| s <= MAX_RESERVE).unwrap_or(0) as usize;
        let whole = size.is_some_and(|s| s <= target as u64);
        Splitter {
            whole,
            reader,
            target: target.max(1),
            offset: 0,
            lines: 0,
            column: 0,
            pending: Vec::with_capacity(reserve),
            scanned: 0,
            depth: 0,
            lexical: Lexical::Structure,
            cut: None,
            refused: false,
            string_start: 0,
            string_cap: MAX_STRING_BYTES,
            value_cap: MAX_VALUE_BYTES,
            boundary: 0,
            eof: false,
        }
    }

    /// Like [`Splitter::new`], for what follows `before` in a stream whose start was read
    /// otherwise: the segments are placed in the whole stream. `before` does not end with a
    /// CR whose LF is the first byte that follows.
    pub fn after(reader: R, target: usize, before: &[u8]) -> Self {
        let mut splitter = Self::new(reader, target);
        (splitter.lines, splitter.column) = splitter.position_after(before);
        splitter.offset = before.len();
        splitter
    }

    /// The next segment, or `None` at the end of the stream.
    pub fn next_segment(&mut self) -> io::Result<Option<Segment>> {
        loop {
            if !self.whole {
                self.scan();
            }
            if let Some(mut cut) = self.cut {
                // Whitespace after a value goes with it.
                while self
                    .pending
                    .get(cut)
                    .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                {
                    cut += 1;
                }
                // A CR read last may be the first half of a CR LF: it goes with what follows.
                if !self.eof && cut == self.pending.len() && self.pending.last() == Some(&b'\r') {
                    cut -= 1;
                }
                let segment = self.emit(cut);
                if self.refused {
                    // The parser refuses the stream in this segment: the rest is not read.
                    self.pending.clear();
                    self.eof = true;
                }
                return Ok(Some(segment));
            }
            if self.eof {
                let all = self.pending.len();
                return Ok((all > 0).then(|| self.emit(all)));
            }
            if !self.whole && self.pending.len() - self.boundary > self.value_cap {
                return Err(self.too_long());
            }
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                self.eof = true;
                continue;
            }
            let n = chunk.len();
            self.pending.extend_from_slice(chunk);
            self.reader.consume(n);
        }
    }

    fn emit(&mut self, cut: usize) -> Segment {
        let rest = self.pending.split_off(cut);
        let mut bytes = std::mem::replace(&mut self.pending, rest);
        // The buffer may have been reserved for the whole stream; a small segment does not
        // keep all of it.
        if bytes.capacity() > 2 * bytes.len() {
            bytes.shrink_to_fit();
        }
        let segment = Segment {
            offset: self.offset,
            lines_before: self.lines,
            column_before: self.column,
            bytes,
        };
        // A segment never ends between a CR and its LF (see `next_segment` and `scan`), so a CR
        // at its end is a lone one.
        (self.lines, self.column) = self.position_after(&segment.bytes);
        self.offset += cut;
        self.scanned = self.scanned.saturating_sub(cut);
        self.string_start = self.string_start.saturating_sub(cut);
        self.boundary = self.boundary.saturating_sub(cut);
        self.cut = None;
        segment
    }

    /// The line breaks and the column after `bytes`, read from where `pending` starts. Lines
    /// end as the parser ends them: at LF, CR LF or a lone CR.
    fn position_after(&self, bytes: &[u8]) -> (usize, usize) {
        let (mut lines, mut column) = (self.lines, self.column);
        let mut line_start = None;
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                continue;
            }
            lines += 1;
            line_start = Some(i + 1);
        }
        let last_line = match line_start {
            Some(start) => {
                column = 0;
                &bytes[start..]
            }
            // The byte order mark that may open the stream is not a column.
            None if self.offset == 0 => bytes.strip_prefix(UTF8_BOM.as_bytes()).unwrap_or(bytes),
            None => bytes,
        };
        // Characters, not bytes: count the bytes that start a UTF-8 sequence.
        column += last_line.iter().filter(|&&b| b & 0xC0 != 0x80).count();
        (lines, column)
    }

    /// The error for a value longer than the cap, placed where it starts; the stream ends.
    fn too_long(&mut self) -> io::Error {
        let start = self.boundary
            + self.pending[self.boundary..]
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .count();
        let (lines, column) = self.position_after(&self.pending[..start]);
        let too_long = ValueTooLong {
            offset: self.offset + start,
            line: u32::try_from(lines + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
            max: self.value_cap,
        };
        self.pending = Vec::new();
        self.eof = true;
        io::Error::new(io::ErrorKind::InvalidData, too_long)
    }

    /// Advances the scanner until it finds a cut at or beyond the target, or runs out of bytes.
    fn scan(&mut self) {
        let mut i = self.scanned;
        while i < self.pending.len() && self.cut.is_none() {
            match self.lexical {
                Lexical::Escaped => {
                    self.lexical = Lexical::String;
                    i += 1;
                }
                Lexical::String => {
                    // Most of a document is string content: jump to the next quote or
                    // backslash.
                    let Some(at) = memchr::memchr2(b'"', b'\\', &self.pending[i..]) else {
                        i = self.pending.len();
                        // A string longer than any the parser accepts (of the most characters,
                        // each written as a `\uXXXX` escape) ends the stream where the parser
                        // refuses it, so that a string without end is not read without end.
                        if i - self.string_start > self.string_cap {
                            self.cut = Some(i);
                            self.refused = true;
                        }
                        break;
                    };
                    i += at + 1;
                    if self.pending[i - 1] == b'\\' {
                        self.lexical = Lexical::Escaped;
                    } else {
                        self.lexical = Lexical::Structure;
                        if self.depth == 0 {
                            self.mark(i);
                        }
                    }
                }
                Lexical::Structure => {
                    let b = self.pending[i];
                    i += 1;
                    match b {
                        b'"' => {
                            self.lexical = Lexical::String;
                            self.string_start = i - 1;
                        }
                        b'{' | b'[' => self.depth += 1,
                        b'}' | b']' => {
                            self.depth = self.depth.saturating_sub(1);
                            if self.depth == 0 {
                                self.mark(i);
                            }
                        }
                        // Not after a CR, which may be the first half of a CR LF.
                        b' ' | b'\t' | b'\n' if self.depth == 0 => self.mark(i),
                        // A control character outside a string (all of `/dev/zero`) is
                        // refused by the parser: the segment ends with it and the stream there,
                        // so that a source without end is not read into memory without end.
                        0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F => {
                            self.cut = Some(i);
                            self.refused = true;
                        }
                        _ => {}
                    }
                }
            }
        }
        self.scanned = i;
    }

    fn mark(&mut self, at: usize) {
        self.boundary = at;
        if at >= self.target {
            self.cut = Some(at);
        }
    }
}

impl<R: BufRead> Iterator for Splitter<R> {
    type Item = io::Result<Segment>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_segment().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(input: &str, target: usize) -> Vec<(String, usize, usize)> {
        Splitter::new(input.as_bytes(), target)
            .map(|s| s.expect("in-memory reads succeed"))
            .map(|s| {
                (
                    String::from_utf8(s.bytes).expect("utf-8"),
                    s.offset,
                    s.lines_before,
                )
            })
            .collect()
    }

    #[test]
    fn ndjson_is_cut_after_values_once_the_target_is_reached() {
        let input = "{\"a\":1}\n{\"b\":\"}\"}\n[1,2]\n";
        assert_eq!(
            segments(input, 1),
            [
                ("{\"a\":1}\n".to_owned(), 0, 0),
                ("{\"b\":\"}\"}\n".to_owned(), 8, 1),
                ("[1,2]\n".to_owned(), 18, 2),
            ]
        );
    }

    #[test]
    fn small_values_are_grouped_up_to_the_target() {
        let input = "1 2 3 4 5 6";
        let segs = segments(input, 4);
        assert_eq!(segs.iter().map(|s| s.0.as_str()).collect::<String>(), input);
        assert!(segs.len() > 1 && segs.len() < 6, "{segs:?}");
    }

    #[test]
    fn strings_and_escapes_do_not_end_a_value() {
        let input = r#"{"k":"a \" ] } b"}{"x":[1,{"y":"\\"}]}"#;
        assert_eq!(
            segments(input, 1)
                .into_iter()
                .map(|s| s.0)
                .collect::<Vec<_>>(),
            [r#"{"k":"a \" ] } b"}"#, r#"{"x":[1,{"y":"\\"}]}"#]
        );
    }

    #[test]
    fn adjacent_root_scalars_stay_together_for_the_parser_to_refuse() {
        assert_eq!(segments("1\"a\"", 1).len(), 1);
    }

    #[test]
    fn unterminated_input_is_one_last_segment() {
        assert_eq!(segments("{\"a\":[1,", 1), [("{\"a\":[1,".to_owned(), 0, 0)]);
    }

    #[test]
    fn segments_know_their_column_in_the_first_line() {
        let segs: Vec<Segment> = Splitter::new("{\"é\":1}{}\n{}".as_bytes(), 1)
            .collect::<io::Result<_>>()
            .expect("reads");
        let places: Vec<(usize, usize, usize)> = segs
            .iter()
            .map(|s| (s.offset, s.lines_before, s.column_before))
            .collect();
        assert_eq!(places, [(0, 0, 0), (8, 0, 7), (11, 1, 0)]);
    }

    #[test]
    fn segments_start_where_the_parser_places_them() {
        // Lines end at LF, CR LF (one break, never cut in two) or a lone CR; the byte order
        // mark that opens a stream is not a column.
        for input in [
            "1\r2\r\n3 \r\n4",
            "{}\r{}\r\n{}\n\r{}",
            "[]\r\r\n\n[] \t\r\n\r\n\"é\"\r\"x\"",
            "\u{feff}{}{}\r{}",
            "\u{feff}\r\n{} {}",
        ] {
            for capacity in 1..8 {
                let reader = io::BufReader::with_capacity(capacity, input.as_bytes());
                let segs: Vec<Segment> = Splitter::new(reader, 1)
                    .collect::<io::Result<_>>()
                    .expect("in-memory reads succeed");
                assert!(segs.len() > 2, "{input:?}");
                for s in &segs {
                    let (line, column) = crate::json::line_column(input, s.offset);
                    assert_eq!(
                        (s.lines_before + 1, s.column_before + 1),
                        (line as usize, column as usize),
                        "{input:?} at {}",
                        s.offset
                    );
                    assert!(
                        !(s.offset > 0
                            && input.as_bytes()[s.offset - 1] == b'\r'
                            && s.bytes.first() == Some(&b'\n')),
                        "{input:?} cut inside a CR LF at {}",
                        s.offset
                    );
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn segments_start_where_the_parser_places_them_in_any_stream(
            parts in proptest::collection::vec(
                (
                    proptest::sample::select(vec!["{}", "[1]", "\"é\"", "{\"a\":\"\\r\"}", "7", "\"\\\"\""]),
                    proptest::sample::select(vec!["", " ", "\n", "\r", "\r\n", "\n\r", "\t\r\r\n"]),
                ),
                1..12,
            ),
            bom in proptest::bool::ANY,
            capacity in 1usize..9,
            target in 1usize..16,
        ) {
            let mut input = String::from(if bom { "\u{feff}" } else { "" });
            for (value, space) in &parts {
                input.push_str(value);
                input.push_str(space);
            }
            let reader = io::BufReader::with_capacity(capacity, input.as_bytes());
            let segs: Vec<Segment> = Splitter::new(reader, target)
                .collect::<io::Result<_>>()
                .expect("in-memory reads succeed");
            let mut joined = Vec::new();
            for s in &segs {
                let (line, column) = crate::json::line_column(&input, s.offset);
                proptest::prop_assert_eq!(
                    (s.lines_before + 1, s.column_before + 1),
                    (line as usize, column as usize),
                    "{:?} at {}", input, s.offset
                );
                joined.extend_from_slice(&s.bytes);
            }
            proptest::prop_assert_eq!(joined, input.as_bytes());
        }
    }

    #[test]
    fn escapes_split_across_reads_are_followed() {
        let input = r#"{"a":"x\"}"} {"b":"y\\"} "c""#;
        for capacity in 1..6 {
            let reader = io::BufReader::with_capacity(capacity, input.as_bytes());
            let segs: Vec<String> = Splitter::new(reader, 1)
                .map(|s| String::from_utf8(s.expect("reads").bytes).expect("utf-8"))
                .collect();
            assert_eq!(segs.concat(), input);
            // With tiny reads the space after a value may come as a segment of its own.
            let values: Vec<&str> = segs
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect();
            assert_eq!(
                values,
                [r#"{"a":"x\"}"}"#, r#"{"b":"y\\"}"#, r#""c""#],
                "{capacity}"
            );
        }
    }

    #[test]
    fn a_stream_no_larger_than_the_target_is_one_segment() {
        let input = "{} {} {}";
        let segs: Vec<Segment> = Splitter::with_capacity(input.as_bytes(), 64, Some(8))
            .collect::<io::Result<_>>()
            .expect("reads");
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].bytes, input.as_bytes());
    }

    #[test]
    fn a_control_character_outside_a_string_ends_the_stream() {
        // Inside a string it is left to the parser, with the rest of the string.
        let input = "{\"a\":\"\u{1}\"}\n[1,\u{0}\u{0}]\n{}\n";
        let segs: Vec<String> = segments(input, 1 << 20).into_iter().map(|s| s.0).collect();
        assert_eq!(segs, ["{\"a\":\"\u{1}\"}\n[1,\u{0}"]);
        // Endless zeros end at the first one.
        let zeros = io::BufReader::with_capacity(4, io::repeat(0));
        let segs: Vec<Segment> = Splitter::new(zeros, 1 << 20)
            .collect::<io::Result<_>>()
            .expect("reads");
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].bytes, [0]);
    }

    #[test]
    fn a_value_longer_than_the_cap_is_an_error_placed_where_it_starts() {
        // Two values, then one without end on the third line: `[` and endless spaces.
        let endless = io::Read::chain(&b"{}\n\"\xc3\xa9\"\r\n  ["[..], io::repeat(b' '));
        let mut splitter = Splitter::new(io::BufReader::with_capacity(64, endless), 1);
        splitter.value_cap = 1000;
        let first = splitter.next().expect("a segment").expect("reads");
        assert_eq!(first.bytes, b"{}\n");
        let second = splitter.next().expect("a segment").expect("reads");
        assert_eq!(second.bytes, "\"é\"\r\n  ".as_bytes());
        let e = splitter.next().expect("an error").expect_err("too long");
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert_eq!(
            e.to_string(),
            "the value at 3:3 is longer than 1000 bytes, the most one value may have (each is \
             read whole)"
        );
        assert_eq!(
            e.get_ref()
                .and_then(|inner| inner.downcast_ref::<ValueTooLong>()),
            Some(&ValueTooLong {
                offset: 11,
                line: 3,
                column: 3,
                max: 1000
            })
        );
        assert!(splitter.next().is_none(), "the stream ends");
        // On one line, after a value grouped with it in one segment, with an endless number.
        let endless = io::Read::chain(&b"\"\xc3\xa9\" 1"[..], io::repeat(b'1'));
        let mut splitter = Splitter::new(io::BufReader::with_capacity(64, endless), 1 << 20);
        splitter.value_cap = 1000;
        let e = splitter.next().expect("an error").expect_err("too long");
        assert!(e.to_string().starts_with("the value at 1:5 is"), "{e}");
        // A value as long as the cap is read whole.
        let long = format!("[{}]\n{{}}\n", " ".repeat(998));
        let mut splitter = Splitter::new(io::BufReader::with_capacity(64, long.as_bytes()), 1);
        splitter.value_cap = 1000;
        let segs: Vec<Segment> = splitter.collect::<io::Result<_>>().expect("reads");
        assert_eq!(segs.len(), 2);
    }

    #[test]
    fn a_string_longer_than_the_parser_accepts_ends_the_stream() {
        let endless = io::Read::chain(&b"[\"ab"[..], io::repeat(b'a'));
        let mut splitter = Splitter::new(io::BufReader::with_capacity(64, endless), 1 << 20);
        splitter.string_cap = 1000;
        let segs: Vec<Segment> = splitter.collect::<io::Result<_>>().expect("reads");
        assert_eq!(segs.len(), 1);
        // The segment holds the string up to past the cap: the parser refuses it there.
        assert!(
            segs[0].bytes.len() > 1001 && segs[0].bytes.len() < 1200,
            "{}",
            segs[0].bytes.len()
        );
        // Below the cap, a long string is whole.
        let long = format!("[\"{}\"]\n{{}}\n", "a".repeat(900));
        let mut splitter = Splitter::new(io::BufReader::with_capacity(64, long.as_bytes()), 1);
        splitter.string_cap = 1000;
        let segs: Vec<Segment> = splitter.collect::<io::Result<_>>().expect("reads");
        assert_eq!(segs.len(), 2);
    }

    #[test]
    fn empty_input_has_no_segments() {
        assert!(segments("", 1).is_empty());
    }

    #[test]
    fn reads_across_small_buffers() {
        let input = "{\"a\":\"xyz\"}\n".repeat(50);
        let reader = io::BufReader::with_capacity(3, input.as_bytes());
        let segs: Vec<Segment> = Splitter::new(reader, 40)
            .collect::<io::Result<_>>()
            .expect("reads");
        let joined: Vec<u8> = segs.iter().flat_map(|s| s.bytes.clone()).collect();
        assert_eq!(joined, input.as_bytes());
        assert!(segs.iter().all(|s| s.bytes.ends_with(b"\n")));
    }
}
