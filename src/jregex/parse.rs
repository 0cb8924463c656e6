//! Parser for `java.util.regex` syntax. It follows `Pattern`'s own recursive descent step by
//! step (including its quirks: `\Q..\E` pre-pass, class intersections, inline flags that
//! outlive alternatives) so that the same patterns compile, and reports byte offsets.

use super::ast::{Assertion, GroupKind, Node, RepeatKind};
use super::charset::{self, CharSet, PropertyError};
use super::{Flags, RegexError};

const UNIX_LINES: u32 = 0x01;
const CASE_INSENSITIVE: u32 = 0x02;
const COMMENTS: u32 = 0x04;
const MULTILINE: u32 = 0x08;
const DOTALL: u32 = 0x20;
const UNICODE_CASE: u32 = 0x40;
const UNICODE_CHARACTER_CLASS: u32 = 0x100;

/// Deepest nesting of groups and classes accepted. fancy-regex refuses patterns nested more
/// than 64 deep, and the translation can double the depth (a quantified group inside a
/// quantified group gets a guard group) and adds a few more levels, so the limit
/// here leaves room for them and reports the problem at the offending group instead.
pub(crate) const MAX_DEPTH: usize = 28;

/// The parse result: the tree, the number of capture groups and the group names.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) node: Node,
    pub(crate) groups: usize,
    pub(crate) names: Vec<(String, usize)>,
}

pub(crate) fn parse(pattern: &str, flags: Flags) -> Result<Parsed, RegexError> {
    let mut p = Parser::new(pattern, flags);
    let node = p.expr()?;
    if p.cursor != p.len {
        if p.peek() == u32::from(b')') {
            return Err(p.err_at(p.cursor, "unmatched closing `)`"));
        }
        return Err(p.err_at(p.cursor, "unexpected character"));
    }
    Ok(Parsed {
        node,
        groups: p.group_count - 1,
        names: p.names,
    })
}

fn flag_bits(f: Flags) -> u32 {
    let mut bits = 0;
    for (on, bit) in [
        (f.unix_lines, UNIX_LINES),
        (f.case_insensitive, CASE_INSENSITIVE),
        (f.comments, COMMENTS),
        (f.multiline, MULTILINE),
        (f.dotall, DOTALL),
        (f.unicode_case, UNICODE_CASE),
        (
            f.unicode_character_class,
            UNICODE_CHARACTER_CLASS | UNICODE_CASE,
        ),
    ] {
        if on {
            bits |= bit;
        }
    }
    bits
}

/// One step of an escape sequence: a literal character, a class, or another node.
enum Esc {
    Char(u32),
    Set(CharSet),
    Node(Node),
}

const fn c(b: u8) -> u32 {
    b as u32
}

fn is_ascii_space(ch: u32) -> bool {
    matches!(ch, 0x20 | 0x09..=0x0D)
}

fn is_ascii_digit(ch: u32) -> bool {
    (c(b'0')..=c(b'9')).contains(&ch)
}

fn is_ascii_alpha(ch: u32) -> bool {
    (c(b'a')..=c(b'z')).contains(&ch) || (c(b'A')..=c(b'Z')).contains(&ch)
}

fn hex_value(ch: u32) -> Option<u32> {
    char::from_u32(ch)?.to_digit(16)
}

/// Renders a code point for a message (the pattern is rule text, not data).
fn show(ch: u32) -> String {
    char::from_u32(ch).map_or_else(|| format!("\\u{ch:04X}"), String::from)
}

struct Parser<'p> {
    src: &'p str,
    /// Code points after the `\Q..\E` pre-pass, followed by two zero sentinels (as Java).
    temp: Vec<u32>,
    /// Byte offset in `src` of each entry of `temp`.
    offs: Vec<usize>,
    len: usize,
    cursor: usize,
    flags: u32,
    /// Java's `capturingGroupCount`: one more than the groups seen so far.
    group_count: usize,
    names: Vec<(String, usize)>,
    depth: usize,
}

impl<'p> Parser<'p> {
    fn new(src: &'p str, flags: Flags) -> Parser<'p> {
        let mut temp = Vec::with_capacity(src.len() + 2);
        let mut offs = Vec::with_capacity(src.len() + 2);
        for (i, ch) in src.char_indices() {
            temp.push(u32::from(ch));
            offs.push(i);
        }
        remove_qe_quoting(&mut temp, &mut offs);
        let len = temp.len();
        temp.extend([0, 0]);
        offs.extend([src.len(), src.len()]);
        Parser {
            src,
            temp,
            offs,
            len,
            cursor: 0,
            flags: flag_bits(flags),
            group_count: 1,
            names: Vec::new(),
            depth: 0,
        }
    }

    // --- errors -------------------------------------------------------------------------------

    fn offset(&self, index: usize) -> usize {
        self.offs.get(index).copied().unwrap_or(self.src.len())
    }

    fn err_at(&self, index: usize, message: impl Into<String>) -> RegexError {
        RegexError {
            offset: self.offset(index),
            message: message.into(),
        }
    }

    // --- cursor primitives, as Java's -----------------------------------------------------------

    fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    fn at(&self, i: usize) -> u32 {
        self.temp.get(i).copied().unwrap_or(0)
    }

    fn peek(&mut self) -> u32 {
        let ch = self.at(self.cursor);
        if self.has(COMMENTS) {
            self.peek_past_whitespace(ch)
        } else {
            ch
        }
    }

    fn read(&mut self) -> u32 {
        let ch = self.at(self.cursor);
        self.cursor += 1;
        if self.has(COMMENTS) {
            self.parse_past_whitespace(ch)
        } else {
            ch
        }
    }

    fn next(&mut self) -> u32 {
        self.cursor += 1;
        let ch = self.at(self.cursor);
        if self.has(COMMENTS) {
            self.peek_past_whitespace(ch)
        } else {
            ch
        }
    }

    fn next_escaped(&mut self) -> u32 {
        self.cursor += 1;
        self.at(self.cursor)
    }

    fn skip(&mut self) -> u32 {
        let ch = self.at(self.cursor + 1);
        self.cursor += 2;
        ch
    }

    fn unread(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    fn peek_past_whitespace(&mut self, mut ch: u32) -> u32 {
        while is_ascii_space(ch) || ch == c(b'#') {
            while is_ascii_space(ch) {
                self.cursor += 1;
                ch = self.at(self.cursor);
            }
            if ch == c(b'#') {
                ch = self.peek_past_line();
            }
        }
        ch
    }

    fn parse_past_whitespace(&mut self, mut ch: u32) -> u32 {
        while is_ascii_space(ch) || ch == c(b'#') {
            while is_ascii_space(ch) {
                ch = self.at(self.cursor);
                self.cursor += 1;
            }
            if ch == c(b'#') {
                ch = self.parse_past_line();
            }
        }
        ch
    }

    fn parse_past_line(&mut self) -> u32 {
        let mut ch = self.at(self.cursor);
        self.cursor += 1;
        while ch != 0 && !self.is_line_separator(ch) {
            ch = self.at(self.cursor);
            self.cursor += 1;
        }
        if ch == 0 && self.cursor > self.len {
            self.cursor = self.len;
            ch = self.at(self.cursor);
            self.cursor += 1;
        }
        ch
    }

    fn peek_past_line(&mut self) -> u32 {
        self.cursor += 1;
        let mut ch = self.at(self.cursor);
        while ch != 0 && !self.is_line_separator(ch) {
            self.cursor += 1;
            ch = self.at(self.cursor);
        }
        if ch == 0 && self.cursor > self.len {
            self.cursor = self.len;
            ch = self.at(self.cursor);
        }
        ch
    }

    fn is_line_separator(&self, ch: u32) -> bool {
        if self.has(UNIX_LINES) {
            ch == 0x0A
        } else {
            matches!(ch, 0x0A | 0x0D | 0x85 | 0x2028 | 0x2029)
        }
    }

    fn enter(&mut self, at: usize) -> Result<(), RegexError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err_at(
                at,
                format!("pattern nests groups or classes more than {MAX_DEPTH} deep"),
            ));
        }
        Ok(())
    }

    // --- expressions ----------------------------------------------------------------------------

    fn expr(&mut self) -> Result<Node, RegexError> {
        let mut alts = Vec::new();
        loop {
            alts.push(self.sequence()?);
            if self.peek() != c(b'|') {
                break;
            }
            self.next();
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }

    fn sequence(&mut self) -> Result<Node, RegexError> {
        let mut items = Vec::new();
        loop {
            let ch = self.peek();
            let node = match char::from_u32(ch).unwrap_or('\0') {
                '(' => {
                    if let Some(node) = self.group0()? {
                        items.push(node);
                    }
                    continue;
                }
                '[' => Node::Set(self.clazz(true)?),
                '\\' => {
                    let start = self.cursor;
                    let e = self.next_escaped();
                    if e == c(b'p') || e == c(b'P') {
                        Node::Set(self.property_escape(start, e == c(b'P'))?)
                    } else {
                        self.unread();
                        self.atom()?
                    }
                }
                '^' => {
                    self.next();
                    if self.has(MULTILINE) {
                        Node::Assert(Assertion::Caret {
                            unix: self.has(UNIX_LINES),
                        })
                    } else {
                        Node::Assert(Assertion::Begin)
                    }
                }
                '$' => {
                    self.next();
                    Node::Assert(Assertion::Dollar {
                        multiline: self.has(MULTILINE),
                        unix: self.has(UNIX_LINES),
                    })
                }
                '.' => {
                    self.next();
                    Node::Set(if self.has(DOTALL) {
                        CharSet::all()
                    } else if self.has(UNIX_LINES) {
                        CharSet::single(0x0A).negate()
                    } else {
                        charset::line_terminators().negate()
                    })
                }
                '|' | ')' => break,
                '?' | '*' | '+' => {
                    return Err(self.err_at(
                        self.cursor,
                        format!("nothing to repeat before `{}`", show(ch)),
                    ));
                }
                '\0' if self.cursor >= self.len => break,
                _ => self.atom()?,
            };
            items.push(self.closure(node)?);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(items),
        })
    }

    /// One literal or escape (Java collects runs of literals into a slice, but a quantifier
    /// after a slice applies to its last character only, so one at a time is equivalent).
    fn atom(&mut self) -> Result<Node, RegexError> {
        let ch = self.peek();
        if ch == c(b'{') {
            // Java builds an empty slice here; the following closure then rejects the `{` or
            // repeats the empty string.
            return Ok(Node::Empty);
        }
        if ch == c(b'\\') {
            return Ok(match self.escape(false, true, false)? {
                Esc::Char(ch) => Node::Set(self.single(ch)),
                Esc::Set(set) => Node::Set(set),
                Esc::Node(node) => node,
            });
        }
        self.next();
        Ok(Node::Set(self.single(ch)))
    }

    /// Java's `ref`: the first digit always makes a back reference; further digits are taken
    /// only while the number names a group that already exists.
    fn back_reference(&mut self, mut group: usize) -> Node {
        loop {
            let ch = self.peek();
            if !is_ascii_digit(ch) {
                break;
            }
            let candidate = group * 10 + (ch - c(b'0')) as usize;
            if self.group_count - 1 < candidate {
                break;
            }
            group = candidate;
            self.read();
        }
        Node::Backref {
            group,
            case_insensitive: self.has(CASE_INSENSITIVE),
        }
    }

    /// Parses the escape at the cursor (which is on the backslash).
    fn escape(&mut self, in_class: bool, create: bool, is_range: bool) -> Result<Esc, RegexError> {
        let start = self.cursor;
        let ch = self.skip();
        let unicode = self.has(UNICODE_CHARACTER_CLASS);
        let not_in_class = |p: &Parser<'_>| -> Result<(), RegexError> {
            if in_class {
                Err(p.err_at(
                    start,
                    format!(
                        "escape `\\{}` is not allowed in a character class",
                        show(ch)
                    ),
                ))
            } else {
                Ok(())
            }
        };
        let esc = match char::from_u32(ch).unwrap_or('\u{FFFD}') {
            '\0' if self.cursor > self.len => {
                return Err(self.err_at(start, "trailing backslash"));
            }
            '0' => Esc::Char(self.octal(start)?),
            '1'..='9' => {
                not_in_class(self)?;
                if !create {
                    return Ok(Esc::Node(Node::Empty));
                }
                Esc::Node(self.back_reference((ch - c(b'0')) as usize))
            }
            'A' => {
                not_in_class(self)?;
                Esc::Node(Node::Assert(Assertion::Begin))
            }
            'B' | 'b' => {
                not_in_class(self)?;
                if ch == c(b'b') && self.at(self.cursor) == c(b'{') {
                    let grapheme = self.at(self.cursor + 1) == c(b'g');
                    return Err(self.err_at(
                        start,
                        if grapheme {
                            "grapheme boundaries `\\b{g}` are not supported"
                        } else {
                            "a word boundary with a count (`\\b{2}`) is not supported; it \
                             matches as the boundary alone"
                        },
                    ));
                }
                Esc::Node(Node::Assert(Assertion::WordBoundary {
                    negated: ch == c(b'B'),
                    unicode,
                }))
            }
            'd' => Esc::Set(charset::digit(unicode)),
            'D' => Esc::Set(charset::digit(unicode).negate()),
            's' => Esc::Set(charset::space(unicode)),
            'S' => Esc::Set(charset::space(unicode).negate()),
            'w' => Esc::Set(charset::word(unicode)),
            'W' => Esc::Set(charset::word(unicode).negate()),
            'h' => Esc::Set(charset::horizontal_space()),
            'H' => Esc::Set(charset::horizontal_space().negate()),
            'v' if is_range => Esc::Char(0x0B),
            'v' => Esc::Set(charset::vertical_space()),
            'V' => Esc::Set(charset::vertical_space().negate()),
            'G' => {
                not_in_class(self)?;
                return Err(self.err_at(start, "`\\G` (end of previous match) is not supported"));
            }
            'N' => {
                return Err(self.err_at(start, "character names `\\N{..}` are not supported"));
            }
            'R' => {
                not_in_class(self)?;
                Esc::Node(Node::LineBreak)
            }
            'X' => {
                not_in_class(self)?;
                return Err(self.err_at(start, "grapheme clusters `\\X` are not supported"));
            }
            'Z' => {
                not_in_class(self)?;
                Esc::Node(Node::Assert(Assertion::Dollar {
                    multiline: false,
                    unix: self.has(UNIX_LINES),
                }))
            }
            'z' => {
                not_in_class(self)?;
                Esc::Node(Node::Assert(Assertion::End))
            }
            'a' => Esc::Char(0x07),
            'c' => {
                if self.cursor < self.len {
                    Esc::Char(self.read() ^ 64)
                } else {
                    return Err(self.err_at(start, "`\\c` must be followed by a character"));
                }
            }
            'e' => Esc::Char(0x1B),
            'f' => Esc::Char(0x0C),
            'n' => Esc::Char(0x0A),
            'r' => Esc::Char(0x0D),
            't' => Esc::Char(0x09),
            'u' => Esc::Char(self.unicode_escape(start)?),
            'x' => Esc::Char(self.hex_escape(start)?),
            'k' => {
                not_in_class(self)?;
                if self.read() != c(b'<') {
                    return Err(self.err_at(start, "`\\k` must be followed by `<name>`"));
                }
                let name_at = self.cursor;
                let first = self.read();
                let name = self.group_name(first, name_at)?;
                let Some(&(_, group)) = self.names.iter().find(|(n, _)| *n == name) else {
                    return Err(self.err_at(
                        name_at,
                        format!("no group named `{name}` is defined before this reference"),
                    ));
                };
                Esc::Node(Node::Backref {
                    group,
                    case_insensitive: self.has(CASE_INSENSITIVE),
                })
            }
            'C' | 'E' | 'F' | 'I' | 'J' | 'K' | 'L' | 'M' | 'O' | 'P' | 'Q' | 'T' | 'U' | 'Y'
            | 'g' | 'i' | 'j' | 'l' | 'm' | 'o' | 'p' | 'q' | 'y' => {
                return Err(self.err_at(start, format!("unknown escape `\\{}`", show(ch))));
            }
            _ => Esc::Char(ch),
        };
        Ok(esc)
    }

    fn octal(&mut self, start: usize) -> Result<u32, RegexError> {
        let is_oct = |d: u32| (c(b'0')..=c(b'7')).contains(&d);
        let n = self.read();
        if is_oct(n) {
            let m = self.read();
            if is_oct(m) {
                let o = self.read();
                if is_oct(o) && n <= c(b'3') {
                    return Ok((n - c(b'0')) * 64 + (m - c(b'0')) * 8 + (o - c(b'0')));
                }
                self.unread();
                return Ok((n - c(b'0')) * 8 + (m - c(b'0')));
            }
            self.unread();
            return Ok(n - c(b'0'));
        }
        Err(self.err_at(start, "`\\0` must be followed by octal digits"))
    }

    fn hex_escape(&mut self, start: usize) -> Result<u32, RegexError> {
        let n = self.read();
        if let Some(hi) = hex_value(n) {
            if let Some(lo) = hex_value(self.read()) {
                return Ok(hi * 16 + lo);
            }
        } else if n == c(b'{') && hex_value(self.peek()).is_some() {
            let mut value: u32 = 0;
            let mut d = self.read();
            while let Some(v) = hex_value(d) {
                value = (value << 4) + v;
                if value > 0x10_FFFF {
                    return Err(self.err_at(start, "hexadecimal code point is too big"));
                }
                d = self.read();
            }
            if d != c(b'}') {
                return Err(self.err_at(start, "unclosed hexadecimal escape `\\x{..}`"));
            }
            return Ok(value);
        }
        Err(self.err_at(start, "`\\x` must be followed by two hex digits or `{hex}`"))
    }

    fn four_hex(&mut self, start: usize) -> Result<u32, RegexError> {
        let mut n = 0;
        for _ in 0..4 {
            let Some(v) = hex_value(self.read()) else {
                return Err(self.err_at(start, "`\\u` must be followed by four hex digits"));
            };
            n = n * 16 + v;
        }
        Ok(n)
    }

    fn unicode_escape(&mut self, start: usize) -> Result<u32, RegexError> {
        let n = self.four_hex(start)?;
        if (0xD800..=0xDBFF).contains(&n) {
            let save = self.cursor;
            if self.read() == c(b'\\') && self.read() == c(b'u') {
                let low_start = self.cursor.saturating_sub(2);
                let n2 = self.four_hex(low_start)?;
                if (0xDC00..=0xDFFF).contains(&n2) {
                    return Ok(0x10000 + ((n - 0xD800) << 10) + (n2 - 0xDC00));
                }
            }
            self.cursor = save;
        }
        Ok(n)
    }

    // --- character classes --------------------------------------------------------------------

    /// A single character under the current case flags.
    fn single(&self, ch: u32) -> CharSet {
        let set = CharSet::single(ch);
        if self.has(CASE_INSENSITIVE) {
            if self.has(UNICODE_CASE) {
                return set.unicode_case_closure();
            }
            if ch < 0x80 {
                return set.ascii_case_closure();
            }
        }
        set
    }

    /// Java's `BitClass.add` for characters below 256 (same membership as `single`).
    fn bits_or_single(&self, bits: &mut CharSet, ch: u32) -> Option<CharSet> {
        let set = self.single(ch);
        if ch < 256 {
            bits.union_with(&set);
            None
        } else {
            Some(set)
        }
    }

    /// Parses `[...]` with the cursor on `[`. `consume` is false for the unbracketed right
    /// operand of `&&`, which leaves its closing `]` to the enclosing class.
    fn clazz(&mut self, consume: bool) -> Result<CharSet, RegexError> {
        let open = self.cursor;
        self.enter(open)?;
        let mut prev: Option<CharSet> = None;
        let mut curr: Option<CharSet> = None;
        let mut bits = CharSet::empty();
        let mut has_bits = false;
        let mut negated = false;
        let mut ch = self.next();
        if ch == c(b'^') && self.at(self.cursor - 1) == c(b'[') {
            ch = self.next();
            negated = true;
        }
        loop {
            match char::from_u32(ch).unwrap_or('\0') {
                '[' => {
                    let inner = self.clazz(true)?;
                    prev = Some(match prev {
                        None => inner.clone(),
                        Some(p) => p.union(&inner),
                    });
                    curr = Some(inner);
                    ch = self.peek();
                    continue;
                }
                '&' => {
                    let amp = self.cursor;
                    ch = self.next();
                    if ch == c(b'&') {
                        ch = self.next();
                        let mut right: Option<CharSet> = None;
                        while ch != c(b']') && ch != c(b'&') {
                            if ch == 0 && self.cursor >= self.len {
                                return Err(self.err_at(open, "unclosed character class"));
                            }
                            let operand = if ch == c(b'[') {
                                self.clazz(true)?
                            } else {
                                self.unread();
                                self.clazz(false)?
                            };
                            right = Some(match right {
                                None => operand,
                                Some(r) => r.union(&operand),
                            });
                            ch = self.peek();
                        }
                        if has_bits {
                            prev = Some(match prev {
                                None => {
                                    curr = Some(bits.clone());
                                    bits.clone()
                                }
                                Some(p) => p.union(&bits),
                            });
                            has_bits = false;
                        }
                        if right.is_some() {
                            curr.clone_from(&right);
                        }
                        prev = Some(match prev {
                            None => right.ok_or_else(|| {
                                self.err_at(amp, "`&&` needs a class on its left or right")
                            })?,
                            Some(p) => {
                                let Some(cur) = curr.as_ref() else {
                                    return Err(self.err_at(amp, "`&&` needs a right operand"));
                                };
                                p.intersect(cur)
                            }
                        });
                    } else {
                        // A single `&` is literal.
                        self.unread();
                        self.class_item(&mut bits, &mut has_bits, &mut prev, &mut curr)?;
                        ch = self.peek();
                    }
                    continue;
                }
                '\0' if self.cursor >= self.len => {
                    return Err(self.err_at(open, "unclosed character class"));
                }
                ']' if prev.is_some() || has_bits => {
                    if consume {
                        self.next();
                    }
                    let mut set = match prev {
                        None => bits,
                        Some(p) if has_bits => p.union(&bits),
                        Some(p) => p,
                    };
                    if negated {
                        set = set.negate();
                    }
                    self.depth -= 1;
                    return Ok(set);
                }
                _ => {}
            }
            self.class_item(&mut bits, &mut has_bits, &mut prev, &mut curr)?;
            ch = self.peek();
        }
    }

    fn class_item(
        &mut self,
        bits: &mut CharSet,
        has_bits: &mut bool,
        prev: &mut Option<CharSet>,
        curr: &mut Option<CharSet>,
    ) -> Result<(), RegexError> {
        match self.range(bits)? {
            None => {
                // As Java: a member that went into `bits` leaves no current operand.
                *has_bits = true;
                *curr = None;
            }
            Some(set) => {
                *prev = Some(match prev.take() {
                    None => set.clone(),
                    Some(p) => p.union(&set),
                });
                *curr = Some(set);
            }
        }
        Ok(())
    }

    /// One class member: a character, a range, an escape or a property. `None` means the
    /// member went into `bits`.
    fn range(&mut self, bits: &mut CharSet) -> Result<Option<CharSet>, RegexError> {
        let start = self.cursor;
        let mut ch = self.peek();
        if ch == c(b'\\') {
            let e = self.next_escaped();
            if e == c(b'p') || e == c(b'P') {
                return self.property_escape(start, e == c(b'P')).map(Some);
            }
            let is_range = self.at(self.cursor + 1) == c(b'-');
            self.unread();
            match self.escape(true, true, is_range)? {
                Esc::Char(v) => ch = v,
                Esc::Set(set) => return Ok(Some(set)),
                Esc::Node(_) => {
                    return Err(self.err_at(start, "invalid escape in a character class"));
                }
            }
        } else {
            self.next();
        }
        if self.peek() == c(b'-') {
            let end_range = self.at(self.cursor + 1);
            if end_range == c(b'[') {
                return Ok(self.bits_or_single(bits, ch));
            }
            if end_range != c(b']') {
                self.next();
                let m = self.peek();
                let m = if m == c(b'\\') {
                    match self.escape(true, false, true)? {
                        Esc::Char(v) => Some(v),
                        Esc::Set(_) | Esc::Node(_) => None,
                    }
                } else {
                    if m == 0 && self.cursor >= self.len {
                        return Err(self.err_at(start, "unclosed character class"));
                    }
                    self.next();
                    Some(m)
                };
                let Some(m) = m.filter(|&m| m >= ch) else {
                    let end = self.offset(self.cursor);
                    let text = self.src.get(self.offset(start)..end).unwrap_or("");
                    return Err(self.err_at(start, format!("invalid range `{text}`")));
                };
                let set = CharSet::range(ch, m);
                return Ok(Some(if self.has(CASE_INSENSITIVE) {
                    if self.has(UNICODE_CASE) {
                        set.unicode_case_closure()
                    } else {
                        set.ascii_case_closure()
                    }
                } else {
                    set
                }));
            }
        }
        Ok(self.bits_or_single(bits, ch))
    }

    /// `\p{..}`, `\pL`, `\P..` with the cursor on the `p`/`P`; `start` is the backslash.
    fn property_escape(&mut self, start: usize, complement: bool) -> Result<CharSet, RegexError> {
        let ch = self.next();
        let one_letter = ch != c(b'{');
        if one_letter {
            self.unread();
        }
        self.next();
        let name: String = if one_letter {
            let ch = self.at(self.cursor);
            self.read();
            show(ch)
        } else {
            let i = self.cursor;
            let Some(close) = (i..self.len).find(|&j| self.temp[j] == c(b'}')) else {
                return Err(self.err_at(start, "unclosed character property `\\p{..`"));
            };
            if close == i {
                return Err(self.err_at(start, "empty character property `\\p{}`"));
            }
            self.cursor = close + 1;
            self.temp[i..close].iter().map(|&ch| show(ch)).collect()
        };
        let set = charset::property(
            &name,
            self.has(CASE_INSENSITIVE),
            self.has(UNICODE_CHARACTER_CLASS),
        )
        .map_err(|e| match e {
            PropertyError::Unknown => {
                self.err_at(start, format!("unknown character property `\\p{{{name}}}`"))
            }
            PropertyError::Unsupported(why) => self.err_at(start, why),
        })?;
        Ok(if complement { set.negate() } else { set })
    }

    // --- groups and quantifiers -----------------------------------------------------------------

    fn group_name(&mut self, mut ch: u32, at: usize) -> Result<String, RegexError> {
        if !is_ascii_alpha(ch) {
            return Err(self.err_at(at, "a group name must start with an ASCII letter"));
        }
        let mut name = String::new();
        loop {
            name.push_str(&show(ch));
            ch = self.read();
            if !(is_ascii_alpha(ch) || is_ascii_digit(ch)) {
                break;
            }
        }
        if ch != c(b'>') {
            return Err(self.err_at(
                at,
                "a group name must be ASCII letters and digits ending in `>`",
            ));
        }
        Ok(name)
    }

    /// Parses a group with the cursor on `(`, and its quantifier. `None` for a flags-only
    /// group such as `(?i)` or `(?)`, whose flags stay in force until the enclosing group ends.
    fn group0(&mut self) -> Result<Option<Node>, RegexError> {
        let open = self.cursor;
        self.enter(open)?;
        let save = self.flags;
        let ch = self.next();
        let group = if ch == c(b'?') {
            let kind_at = self.cursor + 1;
            let ch = self.skip();
            match char::from_u32(ch).unwrap_or('\0') {
                ':' => Node::Group(GroupKind::NonCapture, Box::new(self.expr()?)),
                '=' | '!' => Node::Group(
                    GroupKind::LookAhead {
                        negated: ch == c(b'!'),
                    },
                    Box::new(self.expr()?),
                ),
                '>' => Node::Group(GroupKind::Atomic, Box::new(self.expr()?)),
                '<' => {
                    let name_at = self.cursor;
                    let ch = self.read();
                    if ch == c(b'=') || ch == c(b'!') {
                        let body = self.expr()?;
                        let info = body.study();
                        if !info.max_valid {
                            return Err(
                                self.err_at(open, "look-behind has no obvious maximum length")
                            );
                        }
                        if !info.window_covers(body.max_len()) {
                            // Java tries only as far back as its overflowed maximum says.
                            return Err(self.err_at(
                                open,
                                "look-behind whose maximum length overflows is not supported \
                                 (Java would not look back over all of its matches)",
                            ));
                        }
                        Node::Group(
                            GroupKind::LookBehind {
                                negated: ch == c(b'!'),
                            },
                            Box::new(body),
                        )
                    } else {
                        let name = self.group_name(ch, name_at)?;
                        if self.names.iter().any(|(n, _)| *n == name) {
                            return Err(self.err_at(
                                name_at,
                                format!("group name `{name}` is already defined"),
                            ));
                        }
                        self.names.push((name.clone(), self.group_count));
                        self.group_count += 1;
                        Node::Group(
                            GroupKind::Capture { name: Some(name) },
                            Box::new(self.expr()?),
                        )
                    }
                }
                '$' | '@' => {
                    return Err(self.err_at(kind_at, "unknown group construct"));
                }
                _ => {
                    self.unread();
                    self.add_flags()?;
                    let ch = self.read();
                    if ch == c(b')') {
                        self.depth -= 1;
                        return Ok(None);
                    }
                    if ch != c(b':') {
                        return Err(self.err_at(kind_at, "unknown group construct or inline flag"));
                    }
                    Node::Group(GroupKind::NonCapture, Box::new(self.expr()?))
                }
            }
        } else {
            self.group_count += 1;
            Node::Group(GroupKind::Capture { name: None }, Box::new(self.expr()?))
        };
        let close = self.read();
        if close != c(b')') {
            return Err(self.err_at(open, "unclosed group"));
        }
        self.flags = save;
        self.depth -= 1;
        self.closure(group).map(Some)
    }

    fn add_flags(&mut self) -> Result<(), RegexError> {
        let mut ch = self.peek();
        let mut on = true;
        loop {
            let bit = match char::from_u32(ch).unwrap_or('\0') {
                'i' => CASE_INSENSITIVE,
                'm' => MULTILINE,
                's' => DOTALL,
                'd' => UNIX_LINES,
                'u' => UNICODE_CASE,
                'x' => COMMENTS,
                'U' => UNICODE_CHARACTER_CLASS | UNICODE_CASE,
                'c' => {
                    return Err(self.err_at(
                        self.cursor,
                        "the canonical-equivalence flag `c` is not supported",
                    ));
                }
                '-' if on => {
                    on = false;
                    ch = self.next();
                    continue;
                }
                _ => return Ok(()),
            };
            if on {
                self.flags |= bit;
            } else {
                self.flags &= !bit;
            }
            ch = self.next();
        }
    }

    fn quantifier_kind(&mut self) -> RepeatKind {
        let ch = self.next();
        if ch == c(b'?') {
            self.next();
            RepeatKind::Lazy
        } else if ch == c(b'+') {
            self.next();
            RepeatKind::Possessive
        } else {
            RepeatKind::Greedy
        }
    }

    fn closure(&mut self, node: Node) -> Result<Node, RegexError> {
        let ch = self.peek();
        let repeat = |node: Node, min: u32, max: Option<u32>, kind: RepeatKind| Node::Repeat {
            node: Box::new(node),
            min,
            max,
            kind,
        };
        Ok(match char::from_u32(ch).unwrap_or('\0') {
            '?' => {
                let kind = self.quantifier_kind();
                repeat(node, 0, Some(1), kind)
            }
            '*' => {
                let kind = self.quantifier_kind();
                repeat(node, 0, None, kind)
            }
            '+' => {
                let kind = self.quantifier_kind();
                repeat(node, 1, None, kind)
            }
            '{' => {
                let brace = self.cursor;
                let mut ch = self.skip();
                if !is_ascii_digit(ch) {
                    return Err(
                        self.err_at(brace, "`{` must start a repetition like `{2}` or `{1,3}`")
                    );
                }
                let too_big = |p: &Parser<'_>| p.err_at(brace, "repetition count is too large");
                let mut min: u32 = 0;
                loop {
                    min = min
                        .checked_mul(10)
                        .and_then(|v| v.checked_add(ch - c(b'0')))
                        .filter(|&v| i32::try_from(v).is_ok())
                        .ok_or_else(|| too_big(self))?;
                    ch = self.read();
                    if !is_ascii_digit(ch) {
                        break;
                    }
                }
                let max;
                if ch == c(b',') {
                    ch = self.read();
                    if ch == c(b'}') {
                        self.unread();
                        let kind = self.quantifier_kind();
                        return Ok(repeat(node, min, None, kind));
                    }
                    let mut m: u32 = 0;
                    while is_ascii_digit(ch) {
                        m = m
                            .checked_mul(10)
                            .and_then(|v| v.checked_add(ch - c(b'0')))
                            .filter(|&v| i32::try_from(v).is_ok())
                            .ok_or_else(|| too_big(self))?;
                        ch = self.read();
                    }
                    max = m;
                } else {
                    max = min;
                }
                if ch != c(b'}') {
                    return Err(self.err_at(brace, "unclosed repetition `{..}`"));
                }
                if max < min {
                    return Err(self.err_at(
                        brace,
                        format!(
                            "invalid repetition `{{{min},{max}}}`: the maximum is below the minimum"
                        ),
                    ));
                }
                self.unread();
                let kind = self.quantifier_kind();
                repeat(node, min, Some(max), kind)
            }
            _ => node,
        })
    }
}

/// Java's `RemoveQEQuoting`: rewrites `\Q..\E` into escaped characters before parsing, so a
/// quoted run behaves exactly like the same characters escaped one by one. `offs` follows
/// every rewrite so errors still point into the original text.
fn remove_qe_quoting(temp: &mut Vec<u32>, offs: &mut Vec<usize>) {
    let len = temp.len();
    let mut i = 0;
    while i + 1 < len {
        if temp[i] != c(b'\\') {
            i += 1;
        } else if temp[i + 1] != c(b'Q') {
            i += 2;
        } else {
            break;
        }
    }
    if i + 1 >= len {
        return;
    }
    let at = |k: usize| temp.get(k).copied().unwrap_or(0);
    let mut out: Vec<u32> = temp[..i].to_vec();
    let mut out_offs: Vec<usize> = offs[..i].to_vec();
    i += 2;
    let mut in_quote = true;
    let mut begin_quote = true;
    while i < len {
        let ch = temp[i];
        let off = offs[i];
        i += 1;
        let mut push = |v: u32| {
            out.push(v);
            out_offs.push(off);
        };
        if ch >= 0x80 || is_ascii_alpha(ch) {
            push(ch);
        } else if is_ascii_digit(ch) {
            if begin_quote {
                // `\x3` + digit: keeps a digit from extending an escape before the quote.
                push(c(b'\\'));
                push(c(b'x'));
                push(c(b'3'));
            }
            push(ch);
        } else if ch != c(b'\\') {
            if in_quote {
                push(c(b'\\'));
            }
            push(ch);
        } else if in_quote {
            if at(i) == c(b'E') {
                i += 1;
                in_quote = false;
            } else {
                push(c(b'\\'));
                push(c(b'\\'));
            }
        } else if at(i) == c(b'Q') {
            i += 1;
            in_quote = true;
            begin_quote = true;
            continue;
        } else {
            push(ch);
            if i != len {
                let (next, next_off) = (temp[i], offs[i]);
                out.push(next);
                out_offs.push(next_off);
                i += 1;
            }
        }
        begin_quote = false;
    }
    *temp = out;
    *offs = out_offs;
}
