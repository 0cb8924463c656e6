//! Rules text (YAML, or JSON, which is read as YAML) to a tree of nodes with byte spans and tags.
//! Hostile input is refused here: nesting depth, alias expansion, tabs in indentation, duplicate
//! keys and a second document are all located findings.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{
    self as granit, ErrorKind, Event, Marker, Parser, ScanError, StructureStyle,
};

use super::codes::Code;
use super::span::Span;

/// Deepest nesting of mappings and sequences accepted. Real rules nest about 30 levels deep.
pub(crate) const MAX_DEPTH: usize = 128;

/// Nodes that aliases may add in total by expansion; an alias bomb exceeds it at once.
pub(crate) const ALIAS_EXPANSION_BUDGET: usize = 100_000;

/// Bytes of text (scalars and keys) that aliases may add in total: a long string repeated by
/// aliases grows memory as a bomb of nodes does. As much as a rules file may hold.
pub(crate) const ALIAS_EXPANSION_BYTES: usize = 16 * 1024 * 1024;

/// A node of the document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: NodeKind,
    /// The node's text, starting at its tag when it has one.
    pub span: Span,
    pub tag: Option<Tag>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A scalar as written: its decoded text and its style (quoting decides its type).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scalar {
    pub text: String,
    pub style: Style,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// A YAML tag on a node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tag {
    pub kind: TagKind,
    /// The tag token, e.g. `!<pseudonymize>`.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TagKind {
    /// A YAML core-schema tag such as `!!str`; the suffix.
    Core(String),
    /// A local tag, `!<name>` or `!name`: a transform or augment kind (§1.4).
    Local(String),
    /// Any other tag, as written.
    Other(String),
}

/// The value of a scalar under the YAML 1.2 core schema.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

impl Scalar {
    /// The scalar's value: quoted and block scalars are strings; plain scalars follow the YAML 1.2
    /// core schema (`null`, `true`, `12`, `1.5`, ...), the typing Jackson's YAML reader applies.
    pub fn resolve(&self, tag: Option<&Tag>) -> Resolved<'_> {
        match tag.map(|t| &t.kind) {
            Some(TagKind::Core(suffix)) if suffix == "str" => return Resolved::Str(&self.text),
            _ => {}
        }
        if self.style != Style::Plain {
            return Resolved::Str(&self.text);
        }
        resolve_plain(&self.text)
    }
}

/// The boolean that Jackson's YAML reader makes of a plain scalar that YAML 1.1 reads as one
/// and YAML 1.2 as text (`yes`, `No`, `ON`, `off`): where a boolean is needed, the proxy takes
/// it; where text is, the text as written.
pub fn yaml11_boolean(text: &str) -> Option<bool> {
    match text {
        "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

fn resolve_plain(text: &str) -> Resolved<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Resolved::Int(i);
        }
        return text
            .parse::<f64>()
            .map_or(Resolved::Str(text), Resolved::Float);
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Resolved::Int(i);
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Resolved::Int(i);
    }
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            let sign = if text.starts_with('-') { -1.0 } else { 1.0 };
            return Resolved::Float(sign * f64::INFINITY);
        }
        ".nan" | ".NaN" | ".NAN" if unsigned.len() == text.len() => {
            return Resolved::Float(f64::NAN);
        }
        _ => {}
    }
    if is_core_float(unsigned)
        && let Ok(f) = text.parse::<f64>()
    {
        return Resolved::Float(f);
    }
    Resolved::Str(text)
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (the sign is already stripped).
fn is_core_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => digits(int) && digits(f) && !(int.is_empty() && f.is_empty()),
        None => !int.is_empty() && digits(int),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

impl Node {
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value of `key` in a mapping node (the first one, should the key be repeated).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }

    /// The node at `segments` below this one: keys of mappings, indexes of lists.
    pub fn at(&self, segments: &[String]) -> Option<&Node> {
        segments
            .iter()
            .try_fold(self, |node, seg| match &node.kind {
                NodeKind::Map(_) => node.get(seg).map(|e| &e.value),
                NodeKind::Seq(items) => items.get(seg.parse::<usize>().ok()?),
                NodeKind::Scalar(_) => None,
            })
    }

    /// The kind named by a local tag, without its `!`.
    pub fn local_tag(&self) -> Option<&str> {
        match &self.tag {
            Some(Tag {
                kind: TagKind::Local(name),
                ..
            }) => Some(name),
            _ => None,
        }
    }

    /// The span of the first line of this node, for pointing at a whole mapping without quoting it.
    pub fn head_span(&self, text: &str) -> Span {
        first_line(text, self.span)
    }

    /// Counts this node and its descendants, and the bytes of their text (scalars and keys).
    fn size(&self) -> (usize, usize) {
        match &self.kind {
            NodeKind::Scalar(s) => (1, s.text.len()),
            NodeKind::Seq(items) => items.iter().map(Node::size).fold((1, 0), add_sizes),
            NodeKind::Map(entries) => entries
                .iter()
                .map(|e| {
                    let (nodes, bytes) = e.value.size();
                    (nodes, bytes + e.key.len())
                })
                .fold((1, 0), add_sizes),
        }
    }
}

fn add_sizes(a: (usize, usize), b: (usize, usize)) -> (usize, usize) {
    (a.0.saturating_add(b.0), a.1.saturating_add(b.1))
}

/// The part of `span` on its first line (never empty unless `span` is).
pub(crate) fn first_line(text: &str, span: Span) -> Span {
    let start = span.start.min(text.len());
    let end = span.end.min(text.len()).max(start);
    let line_end = text
        .get(start..end)
        .and_then(|t| t.find(['\n', '\r']))
        .map_or(end, |i| start + i);
    Span::new(start, line_end.max(start))
}

/// A problem found while reading the tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    pub code: Code,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    fn new(code: Code, span: Span, message: impl Into<String>) -> Problem {
        Problem {
            code,
            span,
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}

/// Reads the single document of `text`. Returns the root (or `None` for a file without a
/// document) and the problems found; a problem that stops reading is the last one.
pub(crate) fn parse(text: &str) -> (Option<Node>, Vec<Problem>) {
    let options = granit::options! {
        // Our own depth cap (`MAX_DEPTH`) triggers first; these stop the parser itself.
        flow_nesting_limit: MAX_DEPTH * 2,
        block_nesting_limit: MAX_DEPTH * 2,
    };
    let mut reader = Reader {
        text,
        parser: Parser::new_from_str_with_options(text, options),
        anchors: HashMap::new(),
        expanded: (0, 0),
        problems: Vec::new(),
    };
    let root = reader.document();
    (root, reader.problems)
}

struct Reader<'t> {
    text: &'t str,
    parser: Parser<'t, granit::StrInput<'t>>,
    anchors: HashMap<usize, Node>,
    /// Nodes and bytes of text that aliases have added so far.
    expanded: (usize, usize),
    problems: Vec<Problem>,
}

/// Reading stopped; the reason is the last problem.
struct Stop;

fn offset(m: Marker) -> usize {
    m.byte_offset().unwrap_or(m.index())
}

fn span_of(s: &granit::Span) -> Span {
    Span::new(offset(s.start), offset(s.end))
}

impl<'t> Reader<'t> {
    fn next(&mut self) -> Result<(Event<'t>, granit::Span), Stop> {
        match self.parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => Err(self.scan_error(&e)),
            None => {
                let end = self.text.len();
                self.problems.push(Problem::new(
                    Code::Syntax,
                    Span::new(end, end),
                    "unexpected end of input",
                ));
                Err(Stop)
            }
        }
    }

    fn scan_error(&mut self, e: &ScanError) -> Stop {
        let at = offset(*e.marker()).min(self.text.len());
        let len = self
            .text
            .get(at..)
            .and_then(|t| t.chars().next())
            .map_or(0, char::len_utf8);
        let span = Span::new(at, at + len);
        let kind = e.kind();
        let problem = match kind {
            ErrorKind::TabInBlockIndentation
            | ErrorKind::TabInIndentation
            | ErrorKind::TabNotAllowed
            | ErrorKind::TabAtBlockScalarStart
            | ErrorKind::TabInPlainScalar => Problem::new(
                Code::TabIndent,
                self.tab_near(at).unwrap_or(span),
                format!("a tab where YAML needs spaces: {kind}"),
            )
            .help("indent with spaces; YAML does not allow tabs in indentation"),
            // The scanner's own limit is higher than ours and is met before any event: point
            // where our limit is crossed, as for shallower files.
            ErrorKind::RecursionLimitExceeded => Problem::new(
                Code::TooDeep,
                flow_too_deep(self.text).map_or(span, |at| Span::new(at, at + 1)),
                format!("nesting deeper than {MAX_DEPTH} levels"),
            )
            .help("rules and case files nest far less; check for a generated or hostile file"),
            ErrorKind::UnknownQuotedScalarEscape => {
                let at_escape = unknown_escape(self.text, at);
                let escape = at_escape
                    .and_then(|s| self.text.get(s.range()))
                    .unwrap_or("\\w");
                Problem::new(
                    Code::Syntax,
                    at_escape.unwrap_or(span),
                    "this `\\` starts no YAML escape in a double-quoted string",
                )
                .help(format!(
                    "in double quotes `\\` starts an escape: write `\\{escape}` for a regex's \
                     `{escape}`, or put the regex in single quotes, where `\\` is plain text"
                ))
            }
            _ if unquoted_json_path(self.text, at) => {
                let problem = if matches!(kind, ErrorKind::UnknownAnchor) {
                    Problem::new(
                        Code::Syntax,
                        span,
                        "an alias (`*name`) refers to no anchor (`&name`) defined before it",
                    )
                } else {
                    Problem::new(Code::Syntax, span, format!("YAML syntax: {kind}"))
                };
                problem.help(
                    "quote JSONPaths (`\"$.items[*].email\"`): unquoted, YAML reads `*` as an \
                     alias, `&` as an anchor and, in a `[...]` list, `[`, `]` and `,` as list \
                     syntax",
                )
            }
            _ if spaced_tag(self.text, at).is_some() => {
                let name = spaced_tag(self.text, at).unwrap_or_default();
                Problem::new(Code::Syntax, span, format!("YAML syntax: {kind}")).help(format!(
                    "a transform's kind is a tag with no space after `!`: `- !<{name}>`; \
                     `! {name}` makes `{name}` and the lines below it one text"
                ))
            }
            ErrorKind::UnknownAnchor => Problem::new(
                Code::Syntax,
                span,
                "an alias (`*name`) refers to no anchor (`&name`) defined before it",
            ),
            ErrorKind::InvalidTrailingSingleQuotedScalar => {
                Problem::new(Code::Syntax, span, format!("YAML syntax: {kind}")).help(
                    "a `'` inside a single-quoted string ends it: put the text in double quotes \
                     (`\"$..['@odata.nextLink']\"`), or write the inner `'` twice (`''`)",
                )
            }
            ErrorKind::InvalidTrailingDoubleQuotedScalar => {
                Problem::new(Code::Syntax, span, format!("YAML syntax: {kind}")).help(
                    "a `\"` inside a double-quoted string ends it: quote the inner text with \
                     single quotes (`[?(@.type == 'required')]`), or write it `\\\"`",
                )
            }
            ErrorKind::ExpectedBlockMappingKey
            | ErrorKind::ExpectedBlockSequenceEntry
            | ErrorKind::MappingValueNotAllowed => {
                let help = if starts_unquoted_flow(self.text, at) {
                    "a value that starts with `[` or `{` is a YAML list or mapping: quote a regex \
                     or path that starts so (`'[0-9]{3}'`)"
                } else {
                    "check this line's indentation against the lines above: the keys of one \
                     mapping line up, and a list item's keys go two spaces deeper than its `- `"
                };
                Problem::new(Code::Syntax, span, format!("YAML syntax: {kind}")).help(help)
            }
            _ => Problem::new(Code::Syntax, span, format!("YAML syntax: {kind}")),
        };
        self.problems.push(problem);
        Stop
    }

    /// The first tab in the indentation of the line holding `at` (the parser reports the
    /// position after it).
    fn tab_near(&self, at: usize) -> Option<Span> {
        let line_start = self.text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
        let indent = self.text[line_start..]
            .find(|c: char| c != ' ' && c != '\t')
            .map_or(self.text.len(), |i| line_start + i);
        let tab = self
            .text
            .get(line_start..indent.max(at).min(self.text.len()))
            .and_then(|t| t.find('\t'))
            .map(|i| line_start + i)
            // A plain scalar is reported at its start, and the tab that ends it may be on the
            // next line (`/x` then a tab-indented key): the first tab after it.
            .or_else(|| self.text.get(at..)?.find('\t').map(|i| at + i))?;
        Some(Span::new(tab, tab + 1))
    }

    fn document(&mut self) -> Option<Node> {
        // StreamStart, then DocumentStart or StreamEnd.
        loop {
            match self.next() {
                Err(Stop) => return None,
                Ok((Event::StreamStart, _)) => {}
                Ok((Event::StreamEnd, s)) => {
                    self.problems.push(
                        Problem::new(
                            Code::Empty,
                            Span::new(offset(s.start), offset(s.start)),
                            "the file holds no YAML document",
                        )
                        .help("a rules file is a mapping with at least `endpoints:`"),
                    );
                    return None;
                }
                Ok((Event::DocumentStart(..), _)) => break,
                Ok((_, s)) => {
                    self.problems.push(Problem::new(
                        Code::Syntax,
                        span_of(&s),
                        "unexpected YAML event before the document",
                    ));
                    return None;
                }
            }
        }
        let Ok(root) = self.node_from_next(0) else {
            return None;
        };
        // DocumentEnd, then StreamEnd; a second DocumentStart is a second document.
        loop {
            match self.next() {
                Err(Stop) => return None,
                Ok((Event::DocumentEnd, _)) => {}
                Ok((Event::StreamEnd, _)) => break,
                Ok((Event::DocumentStart(..), s)) => {
                    self.problems.push(
                        Problem::new(
                            Code::MultipleDocuments,
                            first_line(self.text, span_of(&s)),
                            "a second YAML document, which the proxy ignores; a rules file \
                             holds one",
                        )
                        .help("remove the `---` line and what follows, or move it to its own file"),
                    );
                    // The first document is what the proxy reads: it is checked all the same.
                    return Some(root);
                }
                Ok((_, s)) => {
                    self.problems.push(Problem::new(
                        Code::Syntax,
                        span_of(&s),
                        "unexpected YAML event after the document",
                    ));
                    return None;
                }
            }
        }
        Some(root)
    }

    fn node_from_next(&mut self, depth: usize) -> Result<Node, Stop> {
        let (event, span) = self.next()?;
        self.node(event, &span, depth)
    }

    fn tag(tag: Option<&granit::Tag>, span: &granit::Span) -> Option<Tag> {
        let tag = tag?;
        let tag_span = span.tag_span().map_or_else(
            || {
                let start = span.tag_start().map_or(offset(span.start), offset);
                Span::new(start, start + 1)
            },
            |s| span_of(&s),
        );
        let kind = if tag.is_yaml_core_schema() {
            // `!!str` and `!<tag:yaml.org,2002:str>` are the same tag.
            let suffix = tag.suffix();
            TagKind::Core(
                suffix
                    .strip_prefix("tag:yaml.org,2002:")
                    .unwrap_or(suffix)
                    .to_owned(),
            )
        } else if matches!(tag.handle(), "" | "!") {
            // Jackson strips the leading `!` of a local tag, so `!x` and `!<x>` name `x` (§1.4).
            let name = tag.suffix();
            TagKind::Local(name.strip_prefix('!').unwrap_or(name).to_owned())
        } else {
            TagKind::Other(tag.original())
        };
        Some(Tag {
            kind,
            span: tag_span,
        })
    }

    fn node(&mut self, event: Event<'t>, span: &granit::Span, depth: usize) -> Result<Node, Stop> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = Self::tag(tag.as_deref(), span);
                let style = match style {
                    granit::ScalarStyle::Plain => Style::Plain,
                    granit::ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    granit::ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    granit::ScalarStyle::Literal => Style::Literal,
                    granit::ScalarStyle::Folded => Style::Folded,
                };
                let mut node_span = span_of(span);
                if let Some(t) = &tag {
                    node_span.start = node_span.start.min(t.span.start);
                }
                let node = Node {
                    kind: NodeKind::Scalar(Scalar {
                        text: text.into_owned(),
                        style,
                    }),
                    span: node_span,
                    tag,
                };
                self.anchor(anchor, &node);
                Ok(node)
            }
            Event::SequenceStart(style, anchor, tag) => {
                let tag = Self::tag(tag.as_deref(), span);
                let start = self.enter(span, tag.as_ref(), depth)?;
                let mut items = Vec::new();
                let end = loop {
                    let (ev, s) = self.next()?;
                    if let Event::SequenceEnd = ev {
                        break Self::end_of(style, &s, items.last().map(|n: &Node| n.span.end));
                    }
                    items.push(self.node(ev, &s, depth + 1)?);
                };
                let node = Node {
                    kind: NodeKind::Seq(items),
                    span: Span::new(start, end.max(start)),
                    tag,
                };
                self.anchor(anchor, &node);
                Ok(node)
            }
            Event::MappingStart(style, anchor, tag) => {
                let tag = Self::tag(tag.as_deref(), span);
                let start = self.enter(span, tag.as_ref(), depth)?;
                let mut entries: Vec<Entry> = Vec::new();
                let mut seen: HashMap<String, Span> = HashMap::new();
                let end = loop {
                    let (ev, s) = self.next()?;
                    if let Event::MappingEnd = ev {
                        break Self::end_of(style, &s, entries.last().map(|e| e.value.span.end));
                    }
                    let key_node = self.node(ev, &s, depth + 1)?;
                    let value = self.node_from_next(depth + 1)?;
                    let Some((key, key_span)) = self.key(&key_node) else {
                        continue;
                    };
                    if let Some(first) = seen.get(&key) {
                        let (line, col) = crate::diag::line_col(self.text, first.start);
                        self.problems.push(
                            Problem::new(
                                Code::DuplicateKey,
                                key_span,
                                format!("duplicate key `{key}`; it first appears at {line}:{col}"),
                            )
                            .help("keep one of the two; the proxy would silently use the last"),
                        );
                        continue;
                    }
                    seen.insert(key.clone(), key_span);
                    entries.push(Entry {
                        key,
                        key_span,
                        value,
                    });
                };
                let node = Node {
                    kind: NodeKind::Map(entries),
                    span: Span::new(start, end.max(start)),
                    tag,
                };
                self.anchor(anchor, &node);
                Ok(node)
            }
            Event::Alias(id) => {
                let alias_span = span_of(span);
                let Some(target) = self.anchors.get(&id) else {
                    self.problems.push(Problem::new(
                        Code::Syntax,
                        alias_span,
                        "an alias refers to no anchor defined before it",
                    ));
                    return Err(Stop);
                };
                let (nodes, bytes) = target.size();
                self.expanded = add_sizes(self.expanded, (nodes, bytes));
                let too_much = if self.expanded.0 > ALIAS_EXPANSION_BUDGET {
                    Some(format!("{ALIAS_EXPANSION_BUDGET} nodes"))
                } else if self.expanded.1 > ALIAS_EXPANSION_BYTES {
                    Some(format!("{} MiB of text", ALIAS_EXPANSION_BYTES >> 20))
                } else {
                    None
                };
                if let Some(too_much) = too_much {
                    self.problems.push(
                        Problem::new(
                            Code::AliasBudget,
                            alias_span,
                            format!(
                                "aliases expand to more than {too_much}; the file is refused as \
                                 an alias bomb"
                            ),
                        )
                        .help("write the repeated parts out, or use fewer nested aliases"),
                    );
                    return Err(Stop);
                }
                Ok(target.clone())
            }
            _ => {
                self.problems.push(Problem::new(
                    Code::Syntax,
                    span_of(span),
                    "unexpected YAML event where a value belongs",
                ));
                Err(Stop)
            }
        }
    }

    /// Checks the depth cap on entering a collection; returns the node's start.
    fn enter(
        &mut self,
        span: &granit::Span,
        tag: Option<&Tag>,
        depth: usize,
    ) -> Result<usize, Stop> {
        let start = offset(span.start);
        if depth >= MAX_DEPTH {
            let at = Span::new(start, start + 1);
            self.problems.push(
                Problem::new(
                    Code::TooDeep,
                    first_line(self.text, at),
                    format!("nesting deeper than {MAX_DEPTH} levels"),
                )
                .help("rules and case files nest far less; check for a generated or hostile file"),
            );
            return Err(Stop);
        }
        Ok(tag.map_or(start, |t| t.span.start.min(start)))
    }

    /// The end of a collection: the closing bracket of a flow collection, or the end of the last
    /// child of a block collection (a block end event sits at the next token, past blank lines).
    fn end_of(style: StructureStyle, end: &granit::Span, last: Option<usize>) -> usize {
        match style {
            StructureStyle::Flow => offset(end.end),
            StructureStyle::Block => last.unwrap_or_else(|| offset(end.start)),
        }
    }

    fn key(&mut self, key: &Node) -> Option<(String, Span)> {
        if let NodeKind::Scalar(s) = &key.kind {
            Some((s.text.clone(), key.span))
        } else {
            self.problems.push(Problem::new(
                Code::InvalidKey,
                first_line(self.text, key.span),
                "a mapping key must be a plain string, not a sequence or mapping",
            ));
            None
        }
    }

    fn anchor(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }
}

/// Whether the line of byte `at`, or the one before it, holds a plain value that starts with
/// `[` or `{` and goes on after the bracket closes (`- [0-9]{3}-[0-9]{4}`): a flow collection
/// followed by text, which YAML cannot read.
fn starts_unquoted_flow(text: &str, at: usize) -> bool {
    lines_up_to(text, at, 1).any(|line| {
        let value = line.trim_start().trim_start_matches("- ");
        let value = value.split_once(": ").map_or(value, |(_, v)| v).trim();
        let Some(first) = value.chars().next() else {
            return false;
        };
        if first != '[' && first != '{' {
            return false;
        }
        flow_end(value).is_some_and(|end| {
            let rest = value[end..].trim();
            !rest.is_empty() && !rest.starts_with('#')
        })
    })
}

/// The end of the flow collection that `value` starts with: the byte after the bracket that
/// closes its first one, skipping brackets inside quoted strings (`["$.users[*].email"]`).
fn flow_end(value: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    let mut escaped = false;
    // A quote opens a string only where a value starts (`['a', "b"]`), not inside one (`it's`).
    let mut value_starts = true;
    for (i, c) in value.char_indices() {
        let starts = value_starts;
        value_starts =
            quote.is_none() && (matches!(c, '[' | '{' | ',' | ':') || (starts && c == ' '));
        match quote {
            // In double quotes a backslash escapes the next character; in single quotes `''`
            // is one quote.
            Some(_) if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some('\'') if c == '\'' && value[i + 1..].starts_with('\'') => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' if starts => quote = Some(c),
                '[' | '{' => depth += 1,
                ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

/// The line holding `at` and the `before` lines before it, where a syntax error's cause
/// usually is.
fn lines_up_to(text: &str, at: usize, before: usize) -> impl Iterator<Item = &str> {
    let at = at.min(text.len());
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let mut start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    for _ in 0..before {
        start = text[..start.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
    }
    text[start..line_end].lines()
}

/// Whether a line near `at` has an unquoted JSONPath (`$.` or `$[` outside quotes, at the start
/// of a value) that YAML cannot read as plain text: inside a `[...]` or `{...}` collection, one
/// with brackets, `*`, `&` or braces, or anywhere one holding `: ` or ` #`.
fn unquoted_json_path(text: &str, at: usize) -> bool {
    lines_up_to(text, at, 2).any(|line| {
        let mut quote = None;
        let mut before = ' ';
        let mut flow = false;
        for (i, c) in line.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), _) if c == q => quote = None,
                (None, '#') if before == ' ' => return false,
                (None, '[' | '{') if matches!(before, ' ' | '[' | ',' | '{' | ':') => flow = true,
                (None, '$')
                    if matches!(before, ' ' | '[' | ',' | '{' | ':')
                        && matches!(line[i + 1..].chars().next(), Some('.' | '[')) =>
                {
                    // In a collection, a path of names alone (`[$.a, $.b]`) reads as text.
                    let rest = &line[i..];
                    let token = rest.split([',', ' ']).next().unwrap_or(rest);
                    let token = token.trim_end_matches([']', '}']);
                    return (flow && token.contains(['[', '*', '&', '{']))
                        || rest.contains(": ")
                        || rest.contains(" #");
                }
                _ => {}
            }
            before = c;
        }
        false
    })
}

/// The name of a tag written with a space after its `!` (`- ! redact`) on a line near `at`.
fn spaced_tag(text: &str, at: usize) -> Option<&str> {
    lines_up_to(text, at, 2).find_map(|line| {
        let value = line.trim_start().trim_start_matches("- ");
        let value = value.split_once(": ").map_or(value, |(_, v)| v);
        let name = value.strip_prefix("! ")?.trim_start();
        let end = name
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(name.len());
        (end > 0 && name.starts_with(|c: char| c.is_ascii_alphabetic())).then(|| &name[..end])
    })
}

/// The first backslash at or after `from` in a double-quoted scalar that starts no YAML escape,
/// with the character after it.
fn unknown_escape(text: &str, from: usize) -> Option<Span> {
    let rest = text.get(from..)?;
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            continue;
        }
        let (_, next) = chars.next()?;
        let known = matches!(
            next,
            '0' | 'a'
                | 'b'
                | 't'
                | '\t'
                | 'n'
                | 'v'
                | 'f'
                | 'r'
                | 'e'
                | ' '
                | '"'
                | '/'
                | '\\'
                | 'N'
                | '_'
                | 'L'
                | 'P'
                | 'x'
                | 'u'
                | 'U'
                | '\n'
                | '\r'
        );
        if !known {
            return Some(Span::new(from + i, from + i + 1 + next.len_utf8()));
        }
    }
    None
}

/// The offset of the `[` or `{` that opens the [`MAX_DEPTH`]th nested flow collection (the
/// level past the limit when the flow sits in a block mapping, as rules do), skipping quoted
/// scalars and comments.
fn flow_too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    // The last byte that is not a space: a quote opens a scalar only where one can start, so
    // the apostrophe of `don't` is text.
    let mut last = b'\n';
    while i < bytes.len() {
        let starts_scalar = matches!(last, b'\n' | b':' | b'-' | b'[' | b'{' | b',' | b'?');
        match bytes[i] {
            b'[' | b'{' => {
                depth += 1;
                if depth >= MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'"' if starts_scalar => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'\'' if starts_scalar => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        if let Some(&b) = bytes.get(i)
            && (b == b'\n' || !b.is_ascii_whitespace())
        {
            last = b;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        let (node, problems) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        node.expect("a document")
    }

    fn only_problem(text: &str) -> Problem {
        let (_, problems) = parse(text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        problems.into_iter().next().expect("one problem")
    }

    #[test]
    fn a_flow_value_ends_at_its_closing_bracket_outside_quotes() {
        assert!(starts_unquoted_flow("- [0-9]{3}-[0-9]{4}", 0));
        assert!(starts_unquoted_flow("regex: {a}b", 0));
        assert!(!starts_unquoted_flow(
            r#"jsonPaths: ["$.users[*].email"]"#,
            0
        ));
        assert!(!starts_unquoted_flow(
            "jsonPaths: ['$.a[?(@.b == ''}'')]']",
            0
        ));
        assert!(!starts_unquoted_flow(r#"x: ["a\"]", "b"] # note"#, 0));
        assert!(starts_unquoted_flow("x: [it's]s", 0));
        assert!(!starts_unquoted_flow("x: [a, [b, c]]", 0));
    }

    #[test]
    fn a_list_item_out_of_line_below_a_quoted_path_with_brackets_is_an_indentation_error() {
        let text = "endpoints:
  - pathTemplate: /v2/users
    transforms:
      - !<pseudonymize>
        jsonPaths: [\"$.users[*].email\"]
       - !<redact>
        jsonPaths: [\"$.users[*].phone_number\"]
";
        let (_, problems) = parse(text);
        let p = problems.first().expect("a problem");
        assert_eq!(p.code, Code::Syntax);
        assert!(
            p.help
                .as_deref()
                .is_some_and(|h| h.starts_with("check this line's indentation")),
            "{problems:?}"
        );
    }

    #[test]
    fn verbatim_and_short_local_tags_name_the_same_kind() {
        let node = root("- !<pseudonymize>\n  a: 1\n- !pseudonymize\n  a: 1\n");
        let NodeKind::Seq(items) = &node.kind else {
            panic!("not a sequence")
        };
        assert_eq!(items[0].local_tag(), Some("pseudonymize"));
        assert_eq!(items[1].local_tag(), Some("pseudonymize"));
    }

    #[test]
    fn tagged_mapping_span_starts_at_the_tag() {
        let text = "t:\n  - !<redact>\n    jsonPaths: []\n";
        let node = root(text);
        let NodeKind::Seq(items) = &node.get("t").expect("t").value.kind else {
            panic!("not a sequence")
        };
        let item = &items[0];
        assert_eq!(&text[item.span.range()][..10], "!<redact>\n");
        assert_eq!(
            &text[item.tag.as_ref().expect("tag").span.range()],
            "!<redact>"
        );
    }

    #[test]
    fn scalar_spans_include_quotes() {
        let text = "a: \"x\\ty\"\n";
        let node = root(text);
        let a = &node.get("a").expect("a").value;
        assert_eq!(&text[a.span.range()], "\"x\\ty\"");
    }

    #[test]
    fn duplicate_key_names_the_first_occurrence() {
        let p = only_problem("a: 1\nb: 2\na: 3\n");
        assert_eq!(p.code, Code::DuplicateKey);
        assert_eq!(p.span, Span::new(10, 11));
        assert!(p.message.contains("1:1"), "{}", p.message);
    }

    #[test]
    fn tab_indentation_is_located() {
        let p = only_problem("a:\n\tb: 1\n");
        assert_eq!(p.code, Code::TabIndent);
        assert_eq!(p.span.start, 3);
        // After a plain scalar, which the scanner names: at the tab on the next line.
        let text = "- a: /x\n\tb: 1\n";
        let p = only_problem(text);
        assert_eq!(p.code, Code::TabIndent);
        assert_eq!(p.span.start, text.find('\t').expect("a tab"));
    }

    #[test]
    fn json_indented_with_tabs_reads() {
        let node = root("{\n\t\"a\": [\n\t\t1\n\t]\n}\n");
        assert!(node.get("a").is_some());
    }

    #[test]
    fn flow_nesting_beyond_the_scanner_limit_points_where_ours_is_crossed() {
        for n in [200, 300, 10_000] {
            let text = format!("x: {}{}", "[".repeat(n), "]".repeat(n));
            let (_, problems) = parse(&text);
            let p = problems
                .iter()
                .find(|p| p.code == Code::TooDeep)
                .unwrap_or_else(|| panic!("{n}: {problems:?}"));
            assert_eq!(p.span.start, 3 + MAX_DEPTH - 1, "{n}");
        }
        // Brackets in quotes and comments do not count.
        let quoted = format!(
            "a: \"{}\" # {}\nx: {}",
            "[".repeat(300),
            "{".repeat(300),
            "[".repeat(300)
        );
        assert_eq!(
            flow_too_deep(&quoted),
            quoted.rfind("x: ").map(|x| x + 3 + MAX_DEPTH - 1)
        );
        // An apostrophe inside a plain scalar opens nothing.
        let plain = format!("a: don't\nx: {}", "[".repeat(300));
        assert_eq!(
            flow_too_deep(&plain),
            Some(plain.len() - 300 + MAX_DEPTH - 1)
        );
    }

    /// The help of the first problem of `text`, a syntax error.
    fn syntax_help(text: &str) -> String {
        let (_, problems) = parse(text);
        let p = problems.first().expect("a problem");
        assert_eq!(p.code, Code::Syntax, "{text}");
        p.help.clone().unwrap_or_default()
    }

    #[test]
    fn an_unknown_escape_is_located_at_its_backslash() {
        let text = "a:\n  regex: \"<@(U\\w+)>\"\n";
        let p = only_problem(text);
        assert_eq!(p.code, Code::Syntax);
        assert_eq!(&text[p.span.range()], "\\w");
        assert!(p.help.is_some_and(|h| h.contains("single quotes")));
    }

    #[test]
    fn a_quote_that_ends_a_double_quoted_path_says_how_to_quote_inside() {
        let help = syntax_help("p: \"$.a[?(@.type == \"x\")].b\"\n");
        assert!(help.contains("single quotes"), "{help}");
    }

    #[test]
    fn a_quote_that_ends_a_single_quoted_path_says_how_to_quote_inside() {
        let help = syntax_help("p:\n  - '$..['@odata.nextLink']'\n");
        assert!(help.contains("double quotes"), "{help}");
        assert!(help.contains("`''`"), "{help}");
    }

    #[test]
    fn an_unquoted_regex_that_starts_with_a_bracket_says_to_quote_it() {
        let help = syntax_help("r:\n  - [0-9]{3}-[0-9]{4}\n");
        assert!(help.contains("quote a regex"), "{help}");
    }

    #[test]
    fn an_unquoted_json_path_says_to_quote_it() {
        for text in [
            "t:\n  jsonPaths: [$.messages[*].files]\n",
            "t: {jsonPaths: $.a[*]}\n",
            "t:\n  - $.a[?(@.x == 'y')]: 1\n  - b: c: d\n",
            "t:\n  jsonPaths: [$.a, $.b[0], $..c]: x\n",
        ] {
            let help = syntax_help(text);
            assert!(help.starts_with("quote JSONPaths"), "{text}: {help}");
        }
    }

    #[test]
    fn an_unquoted_path_that_yaml_reads_as_text_is_no_cause() {
        for text in [
            "t:\n  - $.a[*].b\n  c: 2\n",
            "t:\n  - jsonPaths: [$.a, $.b]\n  c: 2\n",
        ] {
            let help = syntax_help(text);
            assert!(
                help.starts_with("check this line's indentation"),
                "{text}: {help}"
            );
        }
    }

    #[test]
    fn a_tag_with_a_space_says_how_to_write_it() {
        assert_eq!(spaced_tag("  - ! pseudonymize\n", 0), Some("pseudonymize"));
        assert_eq!(spaced_tag("  - ! 'x'\n", 0), None);
        let help = syntax_help("t:\n  - ! redact\n    jsonPaths: [\"$.a\"]\n");
        assert!(help.contains("`- !<redact>`"), "{help}");
    }

    #[test]
    fn an_indentation_mistake_says_to_check_the_indentation() {
        let help = syntax_help("t:\n  - a: 1\n  b: 2\n");
        assert!(help.starts_with("check this line's indentation"), "{help}");
    }

    #[test]
    fn empty_file_has_no_document() {
        let (node, problems) = parse("# only a comment\n");
        assert!(node.is_none());
        assert_eq!(problems[0].code, Code::Empty);
        // Rules are what is read here; a case file's reader says what it holds.
        assert_eq!(
            problems[0].help.as_deref(),
            Some("a rules file is a mapping with at least `endpoints:`")
        );
    }

    #[test]
    fn second_document_is_refused_and_the_first_is_kept_for_its_checks() {
        let p = only_problem("a: 1\n---\nb: 2\n");
        assert_eq!(p.code, Code::MultipleDocuments);
        assert_eq!(p.span, Span::new(5, 8));
        let (node, _) = parse("a: 1\n---\nb: 2\n");
        let root = node.expect("the first document");
        assert!(root.get("a").is_some());
        assert!(root.get("b").is_none());
    }

    #[test]
    fn alias_bomb_is_refused_within_budget() {
        let mut lines = vec!["a0: &a0 [x, x, x, x, x, x, x, x, x, x]".to_owned()];
        for i in 1..12 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            lines.push(format!("a{i}: &a{i} [{refs}]"));
        }
        let text = lines.join("\n");
        let (node, problems) = parse(&text);
        assert!(node.is_none());
        assert_eq!(problems.last().map(|p| p.code), Some(Code::AliasBudget));
    }

    #[test]
    fn aliases_of_a_long_string_are_refused_past_the_text_budget() {
        // 300 copies of 64 KiB: few nodes, but more text than a rules file may hold.
        let long = "x".repeat(64 * 1024);
        let refs = vec!["*s"; 300].join(", ");
        let text = format!("s: &s {long}\nl: [{refs}]\n");
        let (node, problems) = parse(&text);
        assert!(node.is_none());
        let last = problems.last().expect("a problem");
        assert_eq!(last.code, Code::AliasBudget);
        assert!(last.message.contains("16 MiB of text"), "{}", last.message);
        // Fewer copies stay within it.
        let refs = vec!["*s"; 200].join(", ");
        let (node, problems) = parse(&format!("s: &s {long}\nl: [{refs}]\n"));
        assert!(node.is_some() && problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn small_aliases_expand() {
        let node = root("a: &x [1, 2]\nb: *x\n");
        assert_eq!(
            node.get("a").map(|e| &e.value.kind),
            node.get("b").map(|e| &e.value.kind)
        );
    }

    #[test]
    fn nesting_beyond_the_cap_is_refused() {
        let text = format!("{}{}", "[".repeat(MAX_DEPTH + 5), "]".repeat(MAX_DEPTH + 5));
        let (_, problems) = parse(&text);
        assert_eq!(problems.last().map(|p| p.code), Some(Code::TooDeep));
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let s = |t: &str| Scalar {
            text: t.to_owned(),
            style: Style::Plain,
        };
        assert_eq!(s("").resolve(None), Resolved::Null);
        assert_eq!(s("~").resolve(None), Resolved::Null);
        assert_eq!(s("True").resolve(None), Resolved::Bool(true));
        assert_eq!(s("-12").resolve(None), Resolved::Int(-12));
        assert_eq!(s("0x1f").resolve(None), Resolved::Int(31));
        assert_eq!(s("1.5e3").resolve(None), Resolved::Float(1500.0));
        assert_eq!(s("yes").resolve(None), Resolved::Str("yes"));
        assert_eq!(s("1.2.3").resolve(None), Resolved::Str("1.2.3"));
        let quoted = Scalar {
            text: "true".to_owned(),
            style: Style::DoubleQuoted,
        };
        assert_eq!(quoted.resolve(None), Resolved::Str("true"));
    }
}
