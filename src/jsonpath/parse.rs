//! The hand-written parser of the rules' path dialect: Jayway 2.9.0 syntax (§6.2), byte spans
//! on every step, an offset and, where known, a fix on every error. Forms Jayway reads
//! surprisingly (`]` in a dot-name, `!` before a comparison) are rejected, not guessed.

use super::PathError;
use super::ast::{
    CompareOp, Filter, FilterPath, JsonPath, Literal, NumberLiteral, Operand, PathRoot,
    RegexLiteral, Selector, Step, StepKind,
};
use crate::jregex::Flags;

/// Deepest nesting of parentheses in a filter; deeper input is rejected, not recursed into.
const MAX_FILTER_DEPTH: usize = 64;
/// Names or indexes in one bracket, at most: each is compared with every member a walk meets.
const MAX_BRACKET_ITEMS: usize = 1000;

/// The error of the name or index past [`MAX_BRACKET_ITEMS`] in one bracket, at `at`.
fn too_many_items(at: usize) -> PathError {
    error(
        at,
        format!("more than {MAX_BRACKET_ITEMS} names or indexes in one bracket"),
    )
    .help("select the members with a wildcard, or split the list over several paths")
}

/// Steps of one path, at most: as many as a document has levels (the parser's `max_depth`).
/// Longer paths cost the plan memory that grows with the square of their length.
const MAX_STEPS: usize = 1000;

const UNSUPPORTED_HELP: &str = "psoxy-rules supports the JSONPath forms the Psoxy rules use, \
     which its README lists under \"How exact it is\"";

/// Parses a path of the rules' dialect.
pub fn parse(text: &str) -> Result<JsonPath, PathError> {
    let mut p = Parser {
        text,
        pos: 0,
        depth: 0,
    };
    // Jayway trims spaces at the end of the path. It tests the first character before the
    // spaces at the start, though: a path that starts with one is read as `$.` followed by
    // spaces, which it refuses.
    p.skip_spaces();
    if p.at_end() {
        return Err(
            error(0, "empty path").help("a path starts at the document root, for example `$.name`")
        );
    }
    if p.pos > 0 {
        return Err(error(0, "a path cannot start with a space")
            .help("remove the spaces before it: the proxy's JSONPath refuses them"));
    }
    match p.peek() {
        // Outside a filter, the value under test is the document itself.
        Some(b'$' | b'@') => p.pos += 1,
        // Jayway reads any other path as if it began with `$.`.
        _ => return parse_after_root_dot(text),
    }
    let steps = p.steps(Context::Rule)?;
    p.skip_spaces();
    if let Some(c) = p.peek_char() {
        // A name with no `.` before it (`$value`, `[*]mail`).
        if c.is_alphanumeric() || c == '_' {
            let name: String = p
                .rest()
                .chars()
                .take_while(|c| !matches!(c, '.' | '[' | '(' | ' '))
                .collect();
            return Err(error(p.pos, format!("unexpected `{c}`")).help(format!(
                "a member name follows a `.`: write `.{}`",
                crate::diag::quoted(&name)
            )));
        }
        return Err(unexpected(c, p.pos));
    }
    Ok(JsonPath { steps })
}

/// Parses `text`, which does not start with `$` or `@`, as Jayway does: as `$.` followed by
/// it. Offsets and spans are those of `text`; what would lie in the `$.` is placed at its start.
fn parse_after_root_dot(text: &str) -> Result<JsonPath, PathError> {
    const ROOT_DOT: usize = 2;
    let rooted = format!("$.{text}");
    let place = |offset: usize| offset.saturating_sub(ROOT_DOT);
    match parse(&rooted) {
        Ok(mut path) => {
            super::ast::map_step_spans(&mut path.steps, &|span| place(span.start)..place(span.end));
            Ok(path)
        }
        Err(mut e) => {
            e.offset = place(e.offset);
            Err(e)
        }
    }
}

/// Where a path is being read: a rule path, or a path operand inside a filter (which ends at
/// an operator, a space or a parenthesis, and may not contain filters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Rule,
    Filter,
}

struct Parser<'t> {
    text: &'t str,
    pos: usize,
    depth: usize,
}

/// An error under construction.
struct Error(PathError);

impl Error {
    fn help(mut self, help: impl Into<String>) -> PathError {
        self.0.help = Some(help.into());
        self.0
    }
}

impl From<Error> for PathError {
    fn from(e: Error) -> Self {
        e.0
    }
}

fn error(offset: usize, message: impl Into<String>) -> Error {
    Error(PathError {
        offset,
        message: message.into(),
        help: None,
    })
}

/// A space at `at` that stands between two steps, which Jayway does not take.
fn space_between_steps(at: usize) -> PathError {
    error(at, "a space between two steps of the path").help("remove the space")
}

fn unexpected(c: char, at: usize) -> PathError {
    error(at, format!("unexpected `{c}`")).0
}

impl<'t> Parser<'t> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.text.as_bytes().get(self.pos + ahead).copied()
    }

    fn peek_char(&self) -> Option<char> {
        self.text.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn rest(&self) -> &'t str {
        self.text.get(self.pos..).unwrap_or("")
    }

    /// Jayway skips only the space character between tokens.
    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    /// Spaces, tabs and line breaks, where Jayway skips them too: after a comma between
    /// quoted names, and inside a list of a filter.
    fn skip_white_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, what: &str, opened_at: usize) -> Result<(), PathError> {
        match self.peek_char() {
            Some(c) if c as u32 == u32::from(byte) => {
                self.pos += 1;
                Ok(())
            }
            None => Err(error(
                opened_at,
                format!("unclosed {what}: expected `{}`", char::from(byte)),
            )
            .0),
            // The opening is named by the text it starts, which the user can find in the path
            // (an offset would have to be counted).
            Some(c) => {
                let opened = self.text.get(opened_at..self.pos).unwrap_or("").trim_end();
                let list = if what.starts_with("list") {
                    "the list "
                } else {
                    ""
                };
                Err(error(
                    self.pos,
                    format!(
                        "expected `{}` to close {list}`{}`, found `{c}`",
                        char::from(byte),
                        crate::diag::quoted(opened)
                    ),
                )
                .0)
            }
        }
    }

    /// Steps until something that is not a step.
    fn steps(&mut self, ctx: Context) -> Result<Vec<Step>, PathError> {
        let mut steps = Vec::new();
        loop {
            let start = self.pos;
            let kind = match self.peek() {
                Some(b'.') if self.peek_at(1) == Some(b'.') => {
                    self.pos += 2;
                    if self.rest().trim_start_matches(' ').is_empty()
                        || (ctx == Context::Filter && self.at_path_end())
                    {
                        return Err(error(
                            start,
                            "`..` must be followed by a name, `*` or a bracket",
                        )
                        .help("write for example `..name` or `..[*]`"));
                    }
                    if self.peek() == Some(b'.') {
                        return Err(unexpected('.', self.pos));
                    }
                    StepKind::Descendant(self.after_dot(ctx, start)?)
                }
                Some(b'.') => {
                    self.pos += 1;
                    if self.rest().trim_start_matches(' ').is_empty() {
                        return Err(error(start, "a path must not end with `.`")
                            .help("remove the `.` or add a name after it"));
                    }
                    StepKind::Child(self.after_dot(ctx, start)?)
                }
                Some(b'[') => StepKind::Child(self.bracket(ctx)?),
                Some(b' ')
                    if ctx != Context::Filter
                        && self.rest().trim_start_matches(' ').starts_with(['.', '[']) =>
                {
                    return Err(space_between_steps(self.pos));
                }
                _ => break,
            };
            let step = Step {
                kind,
                span: start..self.pos,
            };
            if ctx == Context::Filter && matches!(step.selector(), Selector::Filter(_)) {
                return Err(
                    error(start, "a filter inside a filter path is not supported")
                        .help(UNSUPPORTED_HELP),
                );
            }
            if steps.len() == MAX_STEPS {
                return Err(
                    error(start, format!("a path of more than {MAX_STEPS} steps"))
                        .help("no document is that deep: documents nest at most 1000 levels"),
                );
            }
            steps.push(step);
        }
        Ok(steps)
    }

    /// Whether a filter path ends here (nothing of the path follows).
    fn at_path_end(&self) -> bool {
        matches!(
            self.peek(),
            None | Some(b' ' | b')' | b'=' | b'!' | b'<' | b'>' | b'~' | b'&' | b'|')
        )
    }

    /// What follows `.` or `..`: `*`, a bracket, or a dot-name.
    fn after_dot(&mut self, ctx: Context, step_start: usize) -> Result<Selector, PathError> {
        match self.peek() {
            Some(b'*') => {
                self.pos += 1;
                Ok(Selector::Wildcard)
            }
            Some(b'[') => self.bracket(ctx),
            _ => self.dot_name(ctx, step_start),
        }
    }

    /// A name after a dot: it runs until `.`, `[` or `(` (§6.2), other punctuation included;
    /// inside a filter it also ends at a space, `)` or an operator character.
    fn dot_name(&mut self, ctx: Context, step_start: usize) -> Result<Selector, PathError> {
        let start = self.pos;
        while let Some(c) = self.peek_char() {
            match c {
                '.' | '[' | '(' => break,
                ' ' | ')' | '=' | '!' | '<' | '>' | '~' if ctx == Context::Filter => break,
                ' ' => {
                    let after = self.rest().trim_start_matches(' ');
                    if after.is_empty() {
                        break;
                    }
                    if after.starts_with(['.', '[']) {
                        return Err(space_between_steps(self.pos));
                    }
                    return Err(
                        error(self.pos, "a name after `.` cannot contain a space").help(format!(
                            "use brackets for such a name: `['{}']`",
                            self.name_with_spaces(start)
                        )),
                    );
                }
                '&' | '|' if ctx == Context::Filter => {
                    return Err(error(self.pos, format!("`{c}` directly after a path"))
                        .help(format!("put a space before `{c}{c}`")));
                }
                '/' if ctx == Context::Filter => {
                    let rest = &self.text[start..];
                    let end = rest
                        .find([
                            ' ', ')', '.', '[', '(', '=', '!', '<', '>', '~', '&', '|', ']', ',',
                            '*', '\'', '"',
                        ])
                        .unwrap_or(rest.len());
                    let name = rest[..end].replace('\\', "\\\\").replace('\'', "\\'");
                    return Err(error(
                        self.pos,
                        "`/` in a name inside a filter, where Jayway looks for a regex",
                    )
                    .help(format!("quote the name: `['{name}']`")));
                }
                // Jayway reads them as part of the name (a lint says so); a filter's path ends
                // at some of them, and is stricter about the others.
                ']' | ')' | '\'' | '"' | ',' | '*' | '?' | '\t' | '\n' | '\r'
                    if ctx == Context::Filter =>
                {
                    return Err(error(
                        self.pos,
                        format!("`{c}` cannot appear in a name after `.`"),
                    )
                    .help(
                        "use brackets for names with special characters, for example `['a*b']`",
                    ));
                }
                _ => self.pos += c.len_utf8(),
            }
        }
        let name = &self.text[start..self.pos];
        if self.peek() == Some(b'(') {
            return Err(error(
                start,
                format!("functions such as `{name}()` are not supported by psoxy-rules"),
            )
            .help("a rule path selects values; remove the function call"));
        }
        if name.is_empty() {
            return Err(error(step_start, "expected a name, `*` or `[` after `.`").0);
        }
        Ok(Selector::Name(name.to_owned()))
    }

    /// Reads the longest run of name-like text from `start`, for a help message.
    fn name_with_spaces(&self, start: usize) -> String {
        let rest = &self.text[start..];
        let end = rest.find(['.', '[', '(']).unwrap_or(rest.len());
        rest[..end]
            .trim_end()
            .replace('\\', "\\\\")
            .replace('\'', "\\'")
    }

    /// `[…]`: quoted names, `*`, indexes, a slice or a filter.
    fn bracket(&mut self, ctx: Context) -> Result<Selector, PathError> {
        let open = self.pos;
        self.pos += 1;
        self.skip_spaces();
        let selector = match self.peek() {
            Some(q @ (b'\'' | b'"')) => self.quoted_names(q)?,
            Some(b'*') => {
                self.pos += 1;
                Selector::Wildcard
            }
            Some(b'?') => return self.filter_bracket(open, ctx),
            Some(b'0'..=b'9' | b'-' | b':') => return self.indexes_or_slice(open),
            Some(b']') => {
                return Err(error(open, "empty brackets").help(
                    "write a quoted name `['a']`, `[*]`, an index `[0]` or a filter `[?(…)]`",
                ));
            }
            None => return Err(error(open, "unclosed `[`").0),
            Some(_) => {
                return Err(error(
                    self.pos,
                    "expected a quoted name, `*`, an index or a filter `?(…)`",
                )
                .help("names in brackets are quoted: `['name']`"));
            }
        };
        self.skip_spaces();
        self.expect(b']', "`[`", open)?;
        Ok(selector)
    }

    /// `'a'` or `'a', 'b'`: names in one bracket, all with the same quote.
    fn quoted_names(&mut self, quote: u8) -> Result<Selector, PathError> {
        let mut names = Vec::new();
        loop {
            let start = self.pos;
            match self.peek() {
                Some(q) if q == quote => {}
                Some(b'\'' | b'"') => {
                    return Err(
                        error(start, "the names of one bracket must use the same quotes").0,
                    );
                }
                Some(b']') => return Err(error(start, "empty name after `,`").0),
                _ => return Err(error(start, "expected a quoted name").0),
            }
            let name = self.quoted(quote)?;
            if names.len() == MAX_BRACKET_ITEMS {
                return Err(too_many_items(start));
            }
            names.push(name);
            self.skip_spaces();
            if self.peek() == Some(b',') {
                self.pos += 1;
                self.skip_white_space();
            } else {
                break;
            }
        }
        Ok(if names.len() == 1 {
            Selector::Name(names.remove(0))
        } else {
            Selector::Names(names)
        })
    }

    /// A quoted string starting at the opening quote; escapes resolved as Jayway's
    /// `Utils.unescape` does.
    fn quoted(&mut self, quote: u8) -> Result<String, PathError> {
        let open = self.pos;
        self.pos += 1;
        let body_start = self.pos;
        let bytes = self.text.as_bytes();
        let mut escaped = false;
        while let Some(&b) = bytes.get(self.pos) {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == quote {
                let body = &self.text[body_start..self.pos];
                self.pos += 1;
                return unescape(body).map_err(|(at, message)| error(body_start + at, message).0);
            }
            self.pos += 1;
        }
        Err(error(
            open,
            format!("unclosed quote: expected `{}`", char::from(quote)),
        )
        .0)
    }

    /// `[0]`, `[0, 2]`, `[-1]`, `[1:3]`, `[:2]`, `[-2:]`; `self.pos` is after `[` and spaces.
    fn indexes_or_slice(&mut self, open: usize) -> Result<Selector, PathError> {
        let body_start = self.pos;
        let Some(len) = self.rest().find(']') else {
            return Err(error(open, "unclosed `[`").0);
        };
        let body = &self.text[body_start..body_start + len];
        self.pos = body_start + len + 1;
        let trimmed = body.trim_end_matches(' ');
        if trimmed.contains(':') {
            let parts: Vec<&str> = trimmed.split(':').collect();
            if parts.len() != 2 {
                return Err(error(
                    body_start,
                    "a slice has a start and an end only, `[start:end]`",
                )
                .help(UNSUPPORTED_HELP));
            }
            let bound = |text: &str, at: usize| -> Result<Option<i64>, PathError> {
                if text.is_empty() {
                    Ok(None)
                } else {
                    Self::index(text, at).map(Some)
                }
            };
            let start = bound(parts[0], body_start)?;
            let end = bound(parts[1], body_start + parts[0].len() + 1)?;
            if start.is_none() && end.is_none() {
                return Err(error(open, "a slice needs a start or an end")
                    .help("use `[*]` to select every element"));
            }
            Ok(Selector::Slice { start, end })
        } else {
            let mut indexes = Vec::new();
            let mut at = body_start;
            for part in trimmed.split(',') {
                let lead = part.len() - part.trim_start_matches(' ').len();
                if indexes.len() == MAX_BRACKET_ITEMS {
                    return Err(too_many_items(at + lead));
                }
                indexes.push(Self::index(part.trim_matches(' '), at + lead)?);
                at += part.len() + 1;
            }
            Ok(Selector::Indexes(indexes))
        }
    }

    /// An array index as Jayway reads it: a Java `int`.
    fn index(text: &str, at: usize) -> Result<i64, PathError> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(error(at, "expected an integer index")
                .help("indexes are integers: `[0]`, `[-1]`, `[0,2]`, `[1:3]`"));
        }
        match text.parse::<i32>() {
            Ok(i) => Ok(i64::from(i)),
            Err(_) => Err(error(at, "index out of range").0),
        }
    }

    /// `[?(…)]`; `self.pos` is at `?`.
    fn filter_bracket(&mut self, open: usize, ctx: Context) -> Result<Selector, PathError> {
        let question = self.pos;
        self.pos += 1;
        self.skip_spaces();
        match self.peek() {
            Some(b'(') => {}
            Some(b']') => {
                return Err(
                    error(open, "`[?]` placeholders are not supported by psoxy-rules")
                        .help("write the condition in the path: `[?(@.a == 'x')]`"),
                );
            }
            _ => {
                return Err(error(question, "a filter is written `[?(…)]`, with parentheses")
                    .help(format!(
                        "write `[?({})]`; the RFC 9535 form without parentheses is not Jayway syntax",
                        self.rest().split(']').next().unwrap_or("").trim()
                    )));
            }
        }
        if ctx == Context::Filter {
            return Err(
                error(open, "a filter inside a filter path is not supported")
                    .help(UNSUPPORTED_HELP),
            );
        }
        let paren = self.pos;
        self.pos += 1;
        let filter = self.or()?;
        self.skip_spaces();
        self.expect(b')', "`(`", paren)?;
        self.skip_spaces();
        self.expect(b']', "`[`", open)?;
        Ok(Selector::Filter(filter))
    }

    /// `a || b || …`; `&&` binds tighter (§6.3.9).
    fn or(&mut self) -> Result<Filter, PathError> {
        let mut operands = vec![self.and()?];
        loop {
            self.skip_spaces();
            if self.rest().starts_with("||") {
                self.pos += 2;
                operands.push(self.and()?);
            } else if self.peek() == Some(b'|') {
                return Err(error(self.pos, "`|` is not an operator").help("use `||`"));
            } else if self.at_word("or") {
                return Err(error(self.pos, "`or` is not an operator").help("use `||`"));
            } else {
                return Ok(Filter::or(operands));
            }
        }
    }

    fn and(&mut self) -> Result<Filter, PathError> {
        let mut operands = vec![self.unary()?];
        loop {
            self.skip_spaces();
            if self.rest().starts_with("&&") {
                self.pos += 2;
                operands.push(self.unary()?);
            } else if self.peek() == Some(b'&') {
                return Err(error(self.pos, "`&` is not an operator").help("use `&&`"));
            } else if self.at_word("and") {
                return Err(error(self.pos, "`and` is not an operator").help("use `&&`"));
            } else {
                return Ok(Filter::and(operands));
            }
        }
    }

    /// `!(…)`, `!@.x`, `(…)` or a comparison.
    fn unary(&mut self) -> Result<Filter, PathError> {
        self.skip_spaces();
        match self.peek() {
            Some(b'!') => {
                let bang = self.pos;
                self.pos += 1;
                self.skip_spaces();
                match self.peek() {
                    Some(b'(' | b'!') => {
                        // Each `!` nests as a parenthesis does.
                        self.depth += 1;
                        if self.depth > MAX_FILTER_DEPTH {
                            return Err(error(bang, "filter nested too deeply").0);
                        }
                        let inner = self.unary()?;
                        self.depth -= 1;
                        Ok(Filter::Not(Box::new(inner)))
                    }
                    Some(b'@' | b'$') => {
                        // Counted as a level too, so that the limit is one of `!`s.
                        if self.depth + 1 > MAX_FILTER_DEPTH {
                            return Err(error(bang, "filter nested too deeply").0);
                        }
                        let path = self.filter_path()?;
                        self.skip_spaces();
                        if self.at_operator() {
                            // Jayway would silently drop the `!` here.
                            return Err(error(bang, "`!` negates a parenthesised expression")
                                .help("write `!(… == …)`"));
                        }
                        Ok(Filter::Not(Box::new(Filter::Exists(path))))
                    }
                    _ => {
                        Err(error(bang, "`!` must be followed by `(` or a path")
                            .help("write `!(…)`"))
                    }
                }
            }
            Some(b'(') => {
                let paren = self.pos;
                self.pos += 1;
                self.depth += 1;
                if self.depth > MAX_FILTER_DEPTH {
                    return Err(error(paren, "filter nested too deeply").0);
                }
                let inner = self.or()?;
                self.depth -= 1;
                self.skip_spaces();
                self.expect(b')', "`(`", paren)?;
                Ok(inner)
            }
            _ => self.comparison(),
        }
    }

    /// Whether `word` comes next, in any letter case, and then a space or `(`.
    fn at_word(&self, word: &str) -> bool {
        let rest = self.rest().as_bytes();
        rest.len() > word.len()
            && rest[..word.len()].eq_ignore_ascii_case(word.as_bytes())
            && matches!(rest[word.len()], b' ' | b'(')
    }

    fn at_operator(&self) -> bool {
        match self.peek() {
            Some(b'=' | b'!' | b'<' | b'>' | b'~') => true,
            Some(b) if b.is_ascii_alphabetic() => true,
            _ => false,
        }
    }

    /// `left op right`, or a path alone (an existence test).
    fn comparison(&mut self) -> Result<Filter, PathError> {
        let left_at = self.pos;
        let left = self.operand()?;
        self.skip_spaces();
        if !self.at_operator() {
            return match left {
                Operand::Path(path) => Ok(Filter::Exists(path)),
                _ => Err(error(
                    self.pos,
                    "expected an operator such as `==` after the value",
                )
                .0),
            };
        }
        let op_at = self.pos;
        let op = self.operator()?;
        self.skip_spaces();
        let right_at = self.pos;
        let right = self.operand()?;
        let is_regex = |o: &Operand| matches!(o, Operand::Regex(_));
        match op {
            CompareOp::Matches if is_regex(&left) == is_regex(&right) => {
                return Err(error(
                    op_at,
                    "`=~` needs a regex literal `/…/` on exactly one side",
                )
                .help("write for example `@.name =~ /^a.*$/i`"));
            }
            CompareOp::Matches => {}
            _ if is_regex(&left) || is_regex(&right) => {
                let at = if is_regex(&left) { left_at } else { right_at };
                return Err(error(at, "a regex literal can only be compared with `=~`").0);
            }
            CompareOp::In | CompareOp::Nin
                if !matches!(right, Operand::List(_) | Operand::Path(_)) =>
            {
                return Err(error(
                    right_at,
                    format!(
                        "`{}` needs a list `[…]` or a path on its right",
                        op.as_str()
                    ),
                )
                .help("write for example `@.name in ['a','b']`"));
            }
            _ => {}
        }
        Ok(Filter::Compare { left, op, right })
    }

    fn operator(&mut self) -> Result<CompareOp, PathError> {
        let start = self.pos;
        let is_symbol = |b: u8| matches!(b, b'=' | b'!' | b'<' | b'>' | b'~');
        let word = self.peek().is_some_and(|b| b.is_ascii_alphabetic());
        while let Some(b) = self.peek() {
            if (word && b.is_ascii_alphabetic()) || (!word && is_symbol(b)) {
                self.pos += 1;
            } else {
                break;
            }
        }
        let text = &self.text[start..self.pos];
        // Jayway reads a word operator up to the next space: `in['a']` is no operator there.
        if word
            && self.peek() != Some(b' ')
            && (text.eq_ignore_ascii_case("in") || text.eq_ignore_ascii_case("nin"))
        {
            return Err(error(
                self.pos,
                format!("`{text}` must be followed by a space, as Jayway reads it up to one"),
            )
            .help(format!("write `{text} ` before the list or path")));
        }
        let op = match text.to_ascii_lowercase().as_str() {
            "==" => CompareOp::Eq,
            "!=" => CompareOp::Ne,
            "===" => CompareOp::StrictEq,
            "!==" => CompareOp::StrictNe,
            "<" => CompareOp::Lt,
            "<=" => CompareOp::Le,
            ">" => CompareOp::Gt,
            ">=" => CompareOp::Ge,
            "=~" => CompareOp::Matches,
            "in" => CompareOp::In,
            "nin" => CompareOp::Nin,
            "=" => return Err(error(start, "`=` is not an operator").help("use `==`")),
            "size" | "empty" | "subsetof" | "anyof" | "noneof" | "contains" | "all" | "exists"
            | "type" | "matches" => {
                return Err(error(
                    start,
                    format!("the filter operator `{text}` is not supported by psoxy-rules"),
                )
                .help("use one of == != === !== < <= > >= =~ in nin"));
            }
            _ => {
                return Err(error(start, format!("unknown operator `{text}`")).help(
                    "use one of == != === !== < <= > >= =~ in nin, with `&&` and `||` between comparisons",
                ));
            }
        };
        Ok(op)
    }

    fn operand(&mut self) -> Result<Operand, PathError> {
        let start = self.pos;
        match self.peek() {
            Some(b'@' | b'$') => Ok(Operand::Path(self.filter_path()?)),
            Some(b'/') => Ok(Operand::Regex(self.regex()?)),
            Some(b'[') => {
                // The list is JSON to Jayway (read by json-smart): any JSON white space.
                self.pos += 1;
                let mut items = Vec::new();
                self.skip_white_space();
                if self.peek() != Some(b']') {
                    loop {
                        self.skip_white_space();
                        items.push(self.literal()?);
                        self.skip_white_space();
                        if self.peek() == Some(b',') {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                }
                self.skip_white_space();
                self.expect(b']', "list `[`", start)?;
                Ok(Operand::List(items))
            }
            Some(b'{') => Err(error(
                start,
                "JSON object literals are not supported by psoxy-rules",
            )
            .help(UNSUPPORTED_HELP)),
            None => Err(error(start, "unexpected end of the filter").0),
            Some(_) => Ok(Operand::Literal(self.literal()?)),
        }
    }

    fn literal(&mut self) -> Result<Literal, PathError> {
        let start = self.pos;
        match self.peek() {
            Some(q @ (b'\'' | b'"')) => Ok(Literal::String(self.quoted(q)?)),
            Some(b'-' | b'.' | b'0'..=b'9') => self.number(),
            Some(b) if b.is_ascii_alphabetic() => {
                let len = self
                    .rest()
                    .bytes()
                    .take_while(u8::is_ascii_alphanumeric)
                    .count();
                let word = &self.text[start..start + len];
                let lit = match word {
                    "true" => Literal::Bool(true),
                    "false" => Literal::Bool(false),
                    "null" => Literal::Null,
                    _ => {
                        return Err(error(start, format!("unknown value `{word}`"))
                            .help("strings are quoted: `'text'`; paths start with `@` or `$`"));
                    }
                };
                self.pos += len;
                Ok(lit)
            }
            _ => Err(error(
                start,
                "expected a value: a path, a quoted string, a number, true, false or null",
            )
            .0),
        }
    }

    /// `-?digits(.digits)?([eE]-?digits)?`, kept as written, where the digits before or after
    /// the point may be left out, not both (`.5`, `-.5`, `1.`), as Jayway's `BigDecimal` and
    /// json-smart read them.
    fn number(&mut self) -> Result<Literal, PathError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let digits = |p: &mut usize| {
            let from = *p;
            while bytes.get(*p).is_some_and(u8::is_ascii_digit) {
                *p += 1;
            }
            *p > from
        };
        let mut p = start;
        if bytes.get(p) == Some(&b'-') {
            p += 1;
        }
        let mut ok = digits(&mut p);
        if bytes.get(p) == Some(&b'.') {
            p += 1;
            ok |= digits(&mut p);
        }
        if ok && matches!(bytes.get(p), Some(b'e' | b'E')) {
            p += 1;
            if bytes.get(p) == Some(&b'-') {
                p += 1;
            }
            ok = digits(&mut p);
        }
        let text = &self.text[start..p];
        let number = if ok { NumberLiteral::new(text) } else { None };
        match number {
            Some(n) => {
                self.pos = p;
                Ok(Literal::Number(n))
            }
            None => Err(error(start, "invalid number")
                .help("numbers are written like `12`, `-3.5` or `1e6`")),
        }
    }

    /// `@…` or `$…` inside a filter.
    fn filter_path(&mut self) -> Result<FilterPath, PathError> {
        let root = if self.peek() == Some(b'$') {
            PathRoot::Document
        } else {
            PathRoot::Current
        };
        let at = self.pos;
        self.pos += 1;
        if let Some(b) = self.peek()
            && (b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(error(at, "expected `.` or `[` after the path root").help("write `@.name`"));
        }
        let steps = self.steps(Context::Filter)?;
        Ok(FilterPath { root, steps })
    }

    /// `/pattern/flags`, compiled now so that a bad pattern is reported at its place.
    fn regex(&mut self) -> Result<RegexLiteral, PathError> {
        let open = self.pos;
        let body_start = open + 1;
        let bytes = self.text.as_bytes();
        let mut p = body_start;
        let mut escaped = false;
        loop {
            match bytes.get(p) {
                None => {
                    return Err(error(open, "unclosed regex: expected `/`")
                        .help("a `/` inside the pattern is written `\\/`"));
                }
                Some(_) if escaped => escaped = false,
                Some(b'\\') => escaped = true,
                Some(b'/') => break,
                Some(_) => {}
            }
            p += 1;
        }
        let pattern = &self.text[body_start..p];
        p += 1;
        let mut flags = Flags::default();
        while let Some(&b) = bytes.get(p) {
            let flag = match b {
                b'i' => &mut flags.case_insensitive,
                b'm' => &mut flags.multiline,
                b's' => &mut flags.dotall,
                b'u' => &mut flags.unicode_case,
                b'x' => &mut flags.comments,
                b'd' => &mut flags.unix_lines,
                b'U' => &mut flags.unicode_character_class,
                // Jayway takes the flag letters only, and then finds no `)` or operator.
                b if b.is_ascii_alphanumeric() => {
                    return Err(
                        error(p, format!("`{}` is not a regex flag", char::from(b))).help(
                            "the flags are i, m, s, u, x, d and U; a regex filter tests each value \
                         on its own, so JavaScript's `g` is not needed",
                        ),
                    );
                }
                _ => break,
            };
            *flag = true;
            p += 1;
        }
        self.pos = p;
        RegexLiteral::new(pattern, flags).map_err(|e| {
            let offset = body_start + e.offset.min(pattern.len());
            error(offset, format!("invalid regex: {}", e.message)).0
        })
    }
}

/// Resolves backslash escapes as Jayway's `Utils.unescape`: `\\`, `\'`, `\"`, `\b`, `\f`,
/// `\n`, `\r`, `\t`, `\uXXXX` (surrogate pairs combined); any other escaped character stands
/// for itself. Errors carry the byte offset in `s`.
pub(crate) fn unescape(s: &str) -> Result<String, (usize, String)> {
    if !s.contains('\\') {
        return Ok(s.to_owned());
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices();
    let mut pending_high: Option<(usize, u16)> = None;
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            if let Some((h_at, _)) = pending_high.take() {
                return Err((h_at, "unpaired surrogate in `\\u` escape".to_owned()));
            }
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            // Jayway keeps a trailing lone backslash.
            out.push('\\');
            break;
        };
        if e != 'u'
            && let Some((h_at, _)) = pending_high.take()
        {
            return Err((h_at, "unpaired surrogate in `\\u` escape".to_owned()));
        }
        match e {
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'u' => {
                let hex: String = chars.by_ref().take(4).map(|(_, h)| h).collect();
                let unit = (hex.len() == 4)
                    .then(|| u16::from_str_radix(&hex, 16).ok())
                    .flatten()
                    .ok_or((
                        at,
                        "invalid `\\u` escape: expected four hex digits".to_owned(),
                    ))?;
                match (pending_high.take(), unit) {
                    (None, 0xD800..=0xDBFF) => pending_high = Some((at, unit)),
                    (Some((_, high)), 0xDC00..=0xDFFF) => {
                        let code = 0x10000
                            + ((u32::from(high) - 0xD800) << 10)
                            + (u32::from(unit) - 0xDC00);
                        out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                    }
                    (None, _) => match char::from_u32(u32::from(unit)) {
                        Some(ch) => out.push(ch),
                        None => return Err((at, "unpaired surrogate in `\\u` escape".to_owned())),
                    },
                    (Some((h_at, _)), _) => {
                        return Err((h_at, "unpaired surrogate in `\\u` escape".to_owned()));
                    }
                }
            }
            other => out.push(other),
        }
    }
    if let Some((h_at, _)) = pending_high {
        return Err((h_at, "unpaired surrogate in `\\u` escape".to_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        match parse(text) {
            Ok(p) => p.to_string(),
            Err(e) => panic!("{text}: {e}"),
        }
    }

    /// The selectors of a path, with `true` for descendant steps.
    fn shape(text: &str) -> Vec<(bool, Selector)> {
        parse(text)
            .expect("test path parses")
            .steps
            .into_iter()
            .map(|s| (s.is_descendant(), s.selector().clone()))
            .collect()
    }

    fn name(n: &str) -> Selector {
        Selector::Name(n.to_owned())
    }

    fn names(ns: &[&str]) -> Selector {
        Selector::Names(ns.iter().map(|n| (*n).to_owned()).collect())
    }

    fn err(text: &str) -> PathError {
        match parse(text) {
            Ok(p) => panic!("{text} parsed as {p}"),
            Err(e) => e,
        }
    }

    // Syntax forms of §6.2, with the table's example paths.

    #[test]
    fn root_and_dot_children() {
        assert_eq!(
            shape("$.data[*].attributes.actor.onBehalfOf.email"),
            vec![
                (false, name("data")),
                (false, Selector::Wildcard),
                (false, name("attributes")),
                (false, name("actor")),
                (false, name("onBehalfOf")),
                (false, name("email")),
            ]
        );
        assert_eq!(shape("$"), vec![]);
    }

    #[test]
    fn deep_scan_of_a_name_and_of_a_bracket_name() {
        assert_eq!(shape("$..email"), vec![(true, name("email"))]);
        assert_eq!(
            shape("$..['@odata.type']"),
            vec![(true, name("@odata.type"))]
        );
    }

    #[test]
    fn double_deep_scan() {
        assert_eq!(
            shape("$..assignee..emailAddress"),
            vec![(true, name("assignee")), (true, name("emailAddress"))]
        );
        assert_eq!(canon("$.issues[*]..body..id"), "$.issues[*]..body..id");
    }

    #[test]
    fn array_wildcard_then_names() {
        assert_eq!(
            shape("$.users[*]['id','pmi']"),
            vec![
                (false, name("users")),
                (false, Selector::Wildcard),
                (false, names(&["id", "pmi"]))
            ]
        );
        assert_eq!(canon("$[*].author.id"), "$[*].author.id");
    }

    #[test]
    fn multi_name_union() {
        assert_eq!(
            shape("$.users[*]['email','phone_number']")[2],
            (false, names(&["email", "phone_number"]))
        );
    }

    #[test]
    fn dot_followed_by_bracket() {
        assert_eq!(
            shape("$.['host_id','host_email']"),
            vec![(false, names(&["host_id", "host_email"]))]
        );
        assert_eq!(canon("$.settings.['a','b']"), "$.settings['a','b']");
        assert_eq!(canon("$.[*]"), "$[*]");
        assert_eq!(canon("$.[0]"), "$[0]");
    }

    #[test]
    fn deep_scan_followed_by_bracket() {
        assert_eq!(
            shape("$..['author','committer'].login"),
            vec![
                (true, names(&["author", "committer"])),
                (false, name("login"))
            ]
        );
        assert_eq!(
            shape("$..['assignee'].['id','node_id']"),
            vec![(true, name("assignee")), (false, names(&["id", "node_id"]))]
        );
    }

    #[test]
    fn bracket_directly_after_a_name() {
        assert_eq!(
            shape("$..actor['email_address', 'user_id']"),
            vec![
                (true, name("actor")),
                (false, names(&["email_address", "user_id"]))
            ]
        );
    }

    #[test]
    fn root_bracket() {
        assert_eq!(
            shape("$['meeting_topic','summary_title']"),
            vec![(false, names(&["meeting_topic", "summary_title"]))]
        );
    }

    #[test]
    fn spaces_after_commas_in_unions() {
        assert_eq!(
            shape("$.['@odata.nextLink', '@odata.prevLink']"),
            vec![(false, names(&["@odata.nextLink", "@odata.prevLink"]))]
        );
        assert_eq!(shape("$[ 'a' ,  'b' ]"), vec![(false, names(&["a", "b"]))]);
    }

    #[test]
    fn special_characters_in_bracket_names() {
        assert_eq!(
            shape("$..['calendar@odata.associationLink', 'x y']"),
            vec![(true, names(&["calendar@odata.associationLink", "x y"]))]
        );
    }

    #[test]
    fn literal_wildcard_inside_a_quoted_name_is_part_of_the_name() {
        assert_eq!(
            shape("$..['requested_reviewers[*]','owner'].login")[0],
            (true, names(&["requested_reviewers[*]", "owner"]))
        );
    }

    #[test]
    fn double_quoted_and_escaped_bracket_names() {
        assert_eq!(shape("$[\"a\"]"), vec![(false, name("a"))]);
        assert_eq!(shape(r"$['it\'s']"), vec![(false, name("it's"))]);
        assert_eq!(shape(r"$['a\\b']"), vec![(false, name(r"a\b"))]);
        assert_eq!(shape(r"$['\u00e9']"), vec![(false, name("é"))]);
    }

    #[test]
    fn dot_name_runs_until_dot_bracket_or_paren() {
        assert_eq!(
            shape("$.@odata.type"),
            vec![(false, name("@odata")), (false, name("type"))]
        );
        assert_eq!(shape("$.a-b:c$"), vec![(false, name("a-b:c$"))]);
    }

    #[test]
    fn wildcards() {
        assert_eq!(shape("$.*"), vec![(false, Selector::Wildcard)]);
        assert_eq!(shape("$[ * ]"), vec![(false, Selector::Wildcard)]);
        assert_eq!(shape("$..*"), vec![(true, Selector::Wildcard)]);
        assert_eq!(shape("$..[*]"), vec![(true, Selector::Wildcard)]);
    }

    #[test]
    fn indexes() {
        assert_eq!(shape("$[0]"), vec![(false, Selector::Indexes(vec![0]))]);
        assert_eq!(shape("$[-1]"), vec![(false, Selector::Indexes(vec![-1]))]);
        assert_eq!(
            shape("$[0, 2]"),
            vec![(false, Selector::Indexes(vec![0, 2]))]
        );
        assert_eq!(shape("$..[0]"), vec![(true, Selector::Indexes(vec![0]))]);
    }

    #[test]
    fn slices() {
        let slice = |start, end| vec![(false, Selector::Slice { start, end })];
        assert_eq!(shape("$[1:3]"), slice(Some(1), Some(3)));
        assert_eq!(shape("$[:2]"), slice(None, Some(2)));
        assert_eq!(shape("$[-2:]"), slice(Some(-2), None));
    }

    #[test]
    fn filter_on_array_elements() {
        assert_eq!(
            canon("$.users[?(@.id!='USLACKBOT')].id"),
            "$.users[?(@.id != 'USLACKBOT')].id"
        );
    }

    #[test]
    fn filter_on_the_current_value_itself() {
        assert_eq!(
            canon("$.channels[*].members[?(@!='USLACKBOT')]"),
            "$.channels[*].members[?(@ != 'USLACKBOT')]"
        );
    }

    #[test]
    fn filter_string_literals_in_either_quote() {
        assert_eq!(
            canon("$..links[?(@.linkType == 'File')].linkUrl"),
            "$..links[?(@.linkType == 'File')].linkUrl"
        );
        assert_eq!(
            canon("$.l[?(@.applicationIdentityType != \"bot\")]"),
            "$.l[?(@.applicationIdentityType != 'bot')]"
        );
    }

    #[test]
    fn filter_with_boolean_literals_and_conjunction() {
        assert_eq!(
            canon("$.users[?(@.is_bot != true)].name"),
            "$.users[?(@.is_bot != true)].name"
        );
        assert_eq!(
            canon("$[?(@.system==true && @.x==false)]"),
            "$[?(@.system == true && @.x == false)]"
        );
    }

    #[test]
    fn filter_with_nested_property() {
        assert_eq!(
            canon("$.m[?(@.author.role == 'user')]"),
            "$.m[?(@.author.role == 'user')]"
        );
        assert_eq!(
            canon("$.records[?(@.attributes.type == \"User\")]"),
            "$.records[?(@.attributes.type == 'User')]"
        );
    }

    #[test]
    fn filter_with_regex() {
        let p = parse("$.payload.headers[?(@.name =~ /^(From|To|Cc|Bcc)$/i)].value")
            .expect("test path parses");
        let Selector::Filter(Filter::Compare {
            op,
            right: Operand::Regex(r),
            ..
        }) = p.steps[2].selector()
        else {
            panic!("{p:?}");
        };
        assert_eq!(*op, CompareOp::Matches);
        assert_eq!(r.pattern, "^(From|To|Cc|Bcc)$");
        assert!(r.flags.case_insensitive && !r.flags.multiline);
    }

    #[test]
    fn filter_with_negation() {
        let p = parse("$.l[?(!(@.name =~ /^actor|room_id$/i))]").expect("test path parses");
        assert!(matches!(
            p.steps[1].selector(),
            Selector::Filter(Filter::Not(_))
        ));
        assert_eq!(p.to_string(), "$.l[?(!(@.name =~ /^actor|room_id$/i))]");
    }

    #[test]
    fn filter_with_or() {
        let p = parse("$[?(@.a =~ /x/i || @.b == 'user')]").expect("test path parses");
        assert!(matches!(p.steps[0].selector(), Selector::Filter(Filter::Or(v)) if v.len() == 2));
    }

    #[test]
    fn filter_with_in_list() {
        let p =
            parse("$.l[?(@.name in ['organizer_email','identifier'])]").expect("test path parses");
        let Selector::Filter(Filter::Compare {
            op,
            right: Operand::List(items),
            ..
        }) = p.steps[1].selector()
        else {
            panic!("{p:?}");
        };
        assert_eq!(*op, CompareOp::In);
        assert_eq!(items.len(), 2);
        assert_eq!(canon("$[?(@.n nin [1, 2])]"), "$[?(@.n nin [1,2])]");
    }

    #[test]
    fn filter_after_deep_scan() {
        assert_eq!(
            canon("$..from..[?(@.applicationIdentityType != \"bot\")].id"),
            "$..from..[?(@.applicationIdentityType != 'bot')].id"
        );
    }

    #[test]
    fn wildcard_then_filter() {
        assert_eq!(
            canon("$..mentions[*][?(@.applicationIdentityType != \"bot\")].id"),
            "$..mentions[*][?(@.applicationIdentityType != 'bot')].id"
        );
    }

    #[test]
    fn filter_on_root_array() {
        assert_eq!(
            canon("$[?(@.system!=true)].body"),
            "$[?(@.system != true)].body"
        );
    }

    #[test]
    fn filter_operators_numbers_null_and_existence() {
        assert_eq!(
            canon("$[?(@.a<1&&@.b<=-2.5&&@.c>1e3&&@.d>=0&&@.e==null)]"),
            "$[?(@.a < 1 && @.b <= -2.5 && @.c > 1e3 && @.d >= 0 && @.e == null)]"
        );
        assert_eq!(canon("$[?(@.x)]"), "$[?(@.x)]");
        assert_eq!(canon("$[?(!@.x)]"), "$[?(!(@.x))]");
        assert_eq!(
            canon("$[?(@['a b'] IN $.allowed)]"),
            "$[?(@['a b'] in $.allowed)]"
        );
        assert_eq!(canon("$[?(@.a[0] == @..b[*])]"), "$[?(@.a[0] == @..b[*])]");
    }

    #[test]
    fn parentheses_group_and_nested_groups_flatten() {
        assert_eq!(
            canon("$[?((@.a || @.b) && @.c)]"),
            "$[?((@.a || @.b) && @.c)]"
        );
        assert_eq!(
            canon("$[?(@.a && (@.b && @.c))]"),
            "$[?(@.a && @.b && @.c)]"
        );
        assert_eq!(canon("$[?(((@.a)))]"), "$[?(@.a)]");
    }

    #[test]
    fn spaces_at_the_end_are_trimmed_and_at_the_start_refused() {
        let p = parse("$.a  ").expect("test path parses");
        assert_eq!(p.to_string(), "$.a");
        assert_eq!(p.steps[0].span, 1..3);
        for text in ["  $.a", " users[*].email", " @.a"] {
            assert_rejected(text, 0, "cannot start with a space");
        }
    }

    #[test]
    fn spans_cover_each_step() {
        let text = "$.a..['b','c'][?(@.d == 1)][0]";
        let p = parse(text).expect("test path parses");
        let spans: Vec<&str> = p.steps.iter().map(|s| &text[s.span.clone()]).collect();
        assert_eq!(spans, [".a", "..['b','c']", "[?(@.d == 1)]", "[0]"]);
    }

    // Rejections, with the offset of the problem.

    fn assert_rejected(text: &str, offset: usize, message_part: &str) -> PathError {
        let e = err(text);
        assert_eq!(e.offset, offset, "{text}: {e:?}");
        assert!(e.message.contains(message_part), "{text}: {e:?}");
        e
    }

    #[test]
    fn empty_path_is_rejected() {
        assert_rejected("", 0, "empty path");
        assert_rejected("   ", 0, "empty path");
    }

    #[test]
    fn a_path_without_root_reads_as_if_root_and_dot_came_first() {
        for (text, as_read) in [
            ("a.b", "$.a.b"),
            ("users[*].email", "$.users[*].email"),
            ("['x','y']  ", "$.['x','y']"),
            // The form P002 suggests for a path that starts with a bracket.
            ("[*].login", "$[*].login"),
            ("*", "$.*"),
            (".a", "$..a"),
            ("@.a[?(@.k == 'v')].b", "$.a[?(@.k == 'v')].b"),
        ] {
            let path = parse(text).expect(text);
            assert_eq!(
                path.without_spans(),
                parse(as_read).expect(as_read).without_spans()
            );
        }
        // Spans and offsets are those of the text as written.
        let path = parse("a[?(@.k == 'v')].b").expect("parses");
        let spans: Vec<_> = path.steps.iter().map(|s| s.span.clone()).collect();
        assert_eq!(spans, [0..1, 1..16, 16..18]);
        let Selector::Filter(Filter::Compare { left, .. }) = path.steps[1].selector() else {
            panic!("a comparison");
        };
        let Operand::Path(inner) = left else {
            panic!("a path operand");
        };
        assert_eq!(inner.steps[0].span, 5..7);
        assert_rejected("a[", 1, "unclosed");
        assert_rejected("a b", 1, "cannot contain a space");
        assert_rejected("$a", 1, "unexpected `a`");
        assert_eq!(
            parse("$value[*].mail").expect_err("no dot").help.as_deref(),
            Some("a member name follows a `.`: write `.value`")
        );
        assert_eq!(
            parse("$.value[*]mail").expect_err("no dot").help.as_deref(),
            Some("a member name follows a `.`: write `.mail`")
        );
    }

    #[test]
    fn trailing_garbage_is_rejected() {
        assert_rejected("$['a']b", 6, "unexpected `b`");
        assert_rejected("$[?(@.a)] x", 10, "unexpected `x`");
        assert_rejected("$[*]*", 4, "unexpected `*`");
    }

    #[test]
    fn unclosed_brackets_quotes_and_parentheses_are_rejected() {
        assert_rejected("$['a'", 1, "unclosed `[`");
        assert_rejected("$['a", 2, "unclosed quote");
        assert_rejected("$[0", 1, "unclosed `[`");
        assert_rejected("$[", 1, "unclosed `[`");
        assert_rejected(
            "$[?(@.a == 1]",
            12,
            "expected `)` to close `(@.a == 1`, found `]`",
        );
        // Below a path read as if `$.` came first, the text quoted is the text as written.
        assert_rejected(
            "users[?(@.a == 1 ].id",
            17,
            "expected `)` to close `(@.a == 1`, found `]`",
        );
        assert_rejected("$[?(@.a == 'x)]", 11, "unclosed quote");
        assert_rejected("$[?(@.a =~ /x)]", 11, "unclosed regex");
        assert_rejected(
            "$[?(@.a in ['x')]",
            15,
            "expected `]` to close the list `['x'`, found `)`",
        );
    }

    #[test]
    fn empty_names_are_rejected() {
        assert_rejected("$['a',]", 6, "empty name");
        assert_rejected("$.a.", 3, "must not end with `.`");
        assert_rejected("$[]", 1, "empty brackets");
    }

    #[test]
    fn deep_scan_at_the_end_is_rejected() {
        assert_rejected("$..", 1, "`..` must be followed");
        assert_rejected("$.a..", 3, "`..` must be followed");
        assert_rejected("$...a", 3, "unexpected `.`");
    }

    #[test]
    fn space_in_a_dot_name_is_rejected_with_bracket_help() {
        let e = assert_rejected("$.my prop.x", 4, "cannot contain a space");
        assert_eq!(
            e.help.as_deref(),
            Some("use brackets for such a name: `['my prop']`")
        );
    }

    #[test]
    fn punctuation_after_a_dot_is_part_of_the_name_as_in_jayway() {
        for (text, name) in [
            ("$.a,b", "a,b"),
            ("$.a]", "a]"),
            ("$.a'b", "a'b"),
            ("$.a*", "a*"),
            ("$.x?y.z", "x?y"),
            ("$..e\"m)", "e\"m)"),
        ] {
            let path = parse(text).expect("parses");
            assert_eq!(
                path.steps[0].selector(),
                &Selector::Name(name.to_owned()),
                "{text}"
            );
        }
        // `$['']` names the member whose name is empty.
        assert_eq!(
            parse("$['']").expect("parses").steps[0].selector(),
            &Selector::Name(String::new())
        );
    }

    #[test]
    fn punctuation_in_a_filter_path_is_rejected() {
        assert_rejected("$[?(@.a,b == 1)].x", 7, "`,` cannot appear");
        assert_rejected("$[?(@.a*b == 1)].x", 7, "`*` cannot appear");
    }

    #[test]
    fn functions_are_not_supported() {
        let e = assert_rejected(
            "$.a.length()",
            4,
            "`length()` are not supported by psoxy-rules",
        );
        assert!(e.help.is_some());
        assert_rejected("$.a.min()", 4, "`min()`");
        assert_rejected("$.l[?(@.a.length() > 1)]", 10, "`length()`");
    }

    #[test]
    fn unsupported_filter_operators_are_rejected() {
        for (op, text) in [
            ("size", "$[?(@.a size 2)]"),
            ("empty", "$[?(@.a empty true)]"),
            ("subsetof", "$[?(@.a subsetof ['x'])]"),
            ("anyof", "$[?(@.a anyof ['x'])]"),
            ("noneof", "$[?(@.a noneof ['x'])]"),
        ] {
            let e = assert_rejected(text, 8, "is not supported by psoxy-rules");
            assert!(e.message.contains(op), "{e:?}");
            assert!(e.help.is_some());
        }
    }

    #[test]
    fn rfc_9535_filter_without_parentheses_is_rejected_with_help() {
        let e = assert_rejected("$[?@.a]", 2, "with parentheses");
        assert!(e.help.expect("has help").contains("`[?(@.a)]`"));
    }

    #[test]
    fn regex_errors_point_into_the_pattern() {
        assert_rejected("$[?(@.a =~ /[/)]", 12, "invalid regex");
    }

    #[test]
    fn letters_after_a_regex_that_are_no_flag_are_refused_as_jayway_refuses_them() {
        assert_rejected("$[?(@.a =~ /x/g)]", 14, "`g` is not a regex flag");
        assert_rejected("$[?(@.a =~ /x/iq)]", 15, "`q` is not a regex flag");
        let path = parse("$[?(@.a =~ /x/imsuxdU)]").expect("parses");
        let Selector::Filter(Filter::Compare {
            right: Operand::Regex(r),
            ..
        }) = path.steps[0].selector()
        else {
            panic!("not a regex comparison: {path:?}");
        };
        assert!(r.flags.case_insensitive && r.flags.multiline && r.flags.unicode_character_class);
    }

    #[test]
    fn a_number_may_leave_out_the_digits_on_one_side_of_its_point() {
        for ok in [
            "$[?(@.a > .5)]",
            "$[?(@.a == -.5)]",
            "$[?(@.a == 1.)]",
            "$[?(@.a == 1.e3)]",
            "$[?(@.a in [.5, 1.])]",
        ] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
        assert_rejected("$[?(@.a == .)]", 11, "invalid number");
        assert_rejected("$[?(@.a == -.)]", 11, "invalid number");
        assert_rejected("$[?(@.a == .e3)]", 11, "invalid number");
    }

    #[test]
    fn malformed_filters_are_rejected() {
        assert_rejected("$[?(@.a = 1)]", 8, "`=` is not an operator");
        assert_rejected(
            "$[?(!@.a == 1)]",
            4,
            "`!` negates a parenthesised expression",
        );
        assert_rejected("$[?(@.a =~ 'x')]", 8, "needs a regex literal");
        assert_rejected("$[?(@.a == /x/)]", 11, "only be compared with `=~`");
        assert_rejected("$[?(@.a in 'x')]", 11, "needs a list");
        assert_rejected("$[?('a')]", 7, "expected an operator");
        assert_rejected("$[?(@.a == x)]", 11, "unknown value `x`");
        assert_rejected("$[?(@.a&&@.b)]", 7, "directly after a path");
        assert_rejected("$[?(@.a | @.b)]", 8, "`|` is not an operator");
    }

    #[test]
    fn jayway_s_reading_of_word_operators_slashes_and_white_space_is_followed() {
        // A word operator runs to the next space.
        assert_rejected("$[?(@.role in['a'])]", 13, "must be followed by a space");
        assert_rejected("$[?(@.role nin$.x)]", 14, "must be followed by a space");
        assert_rejected("$[?(@.role in\t['a'])]", 13, "must be followed by a space");
        assert!(parse("$[?(@.role in  ['a'])]").is_ok());
        // A `/` in a filter starts a regex.
        assert_rejected("$[?(@.role IN['a'])]", 13, "must be followed by a space");
        assert_rejected("$[?(@.role NIN$.x)]", 14, "must be followed by a space");
        let e = assert_rejected("$[?(@.a/b&&@.c)]", 7, "looks for a regex");
        assert_eq!(e.help.as_deref(), Some("quote the name: `['a/b']`"));
        let e = assert_rejected("$[?(@.content/type == 'x')]", 13, "looks for a regex");
        assert_eq!(
            e.help.as_deref(),
            Some("quote the name: `['content/type']`")
        );
        assert!(parse("$[?(@['content/type'] == 'x')]").is_ok());
        assert!(parse("$.content/type").is_ok());
        // Tabs and line breaks after a comma of names, and inside a list.
        assert_eq!(shape("$['a',\n\t'b']"), [(false, names(&["a", "b"]))]);
        assert!(parse("$[?(@.a in ['x',\r\n 'y'\t])]").is_ok());
        assert_rejected("$['a'\t,'b']", 5, "");
        // Words for `&&` and `||`, and a space between steps.
        let and = assert_rejected("$[?(@.a == 1 and @.b == 2)]", 13, "`and` is not");
        assert_eq!(and.help.as_deref(), Some("use `&&`"));
        assert_rejected("$[?(@.a == 1 OR(@.b == 2))]", 13, "`or` is not");
        for (path, at) in [("$.users .email", 7), ("$ .users", 1), ("$.a[0]  ['b']", 6)] {
            let space = assert_rejected(path, at, "a space between two steps");
            assert_eq!(space.help.as_deref(), Some("remove the space"));
        }
    }

    #[test]
    fn filters_inside_filter_paths_and_placeholders_are_rejected() {
        assert_rejected("$[?(@.a[?(@.b)])]", 7, "filter inside a filter path");
        assert_rejected("$[?]", 1, "placeholders");
    }

    #[test]
    fn bad_indexes_and_slices_are_rejected() {
        assert_rejected("$[1:2:3]", 2, "start and an end only");
        assert_rejected("$[:]", 1, "needs a start or an end");
        assert_rejected("$[0,x]", 4, "expected an integer index");
        assert_rejected("$[99999999999]", 2, "out of range");
    }

    #[test]
    fn brackets_of_more_than_1000_names_or_indexes_are_rejected() {
        let names = |n: usize| (0..n).map(|i| format!("'k{i}'")).collect::<Vec<_>>();
        assert!(parse(&format!("$[{}]", names(MAX_BRACKET_ITEMS).join(","))).is_ok());
        let e = err(&format!("$[{}]", names(MAX_BRACKET_ITEMS + 1).join(",")));
        assert!(e.message.contains("more than 1000 names"), "{}", e.message);
        let indexes = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>();
        assert!(parse(&format!("$[{}]", indexes(MAX_BRACKET_ITEMS).join(","))).is_ok());
        let e = err(&format!("$[{}]", indexes(MAX_BRACKET_ITEMS + 1).join(",")));
        assert!(
            e.message.contains("or indexes in one bracket"),
            "{}",
            e.message
        );
    }

    #[test]
    fn paths_longer_than_any_document_is_deep_are_rejected() {
        assert!(parse(&format!("$.{}", ["a"; MAX_STEPS].join("."))).is_ok());
        let long = format!("$.{}", ["a"; MAX_STEPS + 1].join("."));
        let e = err(&long);
        assert!(e.message.contains("more than 1000 steps"), "{}", e.message);
        // At the first step past the limit.
        assert_eq!(e.offset, 1 + 2 * MAX_STEPS);
        assert!(
            err(&format!("$.a{}", "[*]".repeat(40_000)))
                .message
                .contains("1000 steps")
        );
    }

    #[test]
    fn many_negations_are_rejected_not_recursed() {
        let text = format!("$[?({}@.a)].b", "!".repeat(20_000));
        let e = err(&text);
        assert!(e.message.contains("nested too deeply"), "{}", e.message);
        // The first `!` past the limit.
        assert_eq!(e.offset, 4 + MAX_FILTER_DEPTH);
        assert!(parse(&format!("$[?({}@.a)].b", "!".repeat(MAX_FILTER_DEPTH))).is_ok());
        let one_more = format!("$[?({}@.a)].b", "!".repeat(MAX_FILTER_DEPTH + 1));
        assert_eq!(err(&one_more).offset, 4 + MAX_FILTER_DEPTH);
    }

    #[test]
    fn deeply_nested_parentheses_are_rejected_not_recursed() {
        let text = format!("$[?({}@.a{})]", "(".repeat(200), ")".repeat(200));
        assert!(err(&text).message.contains("nested too deeply"));
    }

    #[test]
    fn unescape_resolves_java_escapes() {
        assert_eq!(
            unescape(r"a\'b\\c\n\u0041\x").expect("valid escapes"),
            "a'b\\c\nAx"
        );
        assert_eq!(
            unescape(r"\ud83d\ude00").expect("valid escapes"),
            "\u{1f600}"
        );
        assert!(unescape(r"\ud83d").is_err());
        assert!(unescape(r"\u12").is_err());
    }

    #[test]
    fn every_path_of_the_reference_rules_parses_and_round_trips() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/compat/psoxy");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return; // the reference cases are not present in this checkout
        };
        let mut count = 0;
        for entry in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path().join("rules.yaml")) else {
                continue;
            };
            for line in text.lines() {
                let line = line.trim();
                let quoted = line
                    .strip_prefix("- \"")
                    .or_else(|| line.strip_prefix("applyOnlyWhen: \""))
                    .and_then(|s| s.strip_suffix('"'));
                // Query parameter names such as `$top` are list items too.
                let Some(quoted) = quoted.filter(|q| q.starts_with("$.") || q.starts_with("$["))
                else {
                    continue;
                };
                let path_text = quoted.replace("\\\"", "\"").replace("\\\\", "\\");
                let p = parse(&path_text).unwrap_or_else(|e| panic!("{path_text}: {e}"));
                let again = parse(&p.to_string()).expect("test path parses");
                assert_eq!(again.without_spans(), p.without_spans(), "{path_text}");
                count += 1;
            }
        }
        assert!(count > 100, "only {count} paths found");
    }
}
