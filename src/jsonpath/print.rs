//! The canonical text of a path: one spelling per syntax tree, which parses back to the same
//! tree. Names print as `.name` when they are plain identifiers, else as `['name']`.

use std::fmt::{self, Write};

use super::ast::{
    Filter, FilterPath, JsonPath, Literal, Operand, PathRoot, RegexLiteral, Selector, Step,
    StepKind,
};

impl fmt::Display for JsonPath {
    /// The canonical form, for example `$.a[*]['b','c']..d[?(@.e == 'x')]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('$')?;
        write_steps(f, &self.steps)
    }
}

impl fmt::Display for FilterPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char(match self.root {
            PathRoot::Current => '@',
            PathRoot::Document => '$',
        })?;
        write_steps(f, &self.steps)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_steps(f, std::slice::from_ref(self))
    }
}

impl fmt::Display for Filter {
    /// The expression inside `[?(…)]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_filter(f, self, Parent::Top)
    }
}

fn write_steps(f: &mut fmt::Formatter<'_>, steps: &[Step]) -> fmt::Result {
    for step in steps {
        match &step.kind {
            StepKind::Child(Selector::Name(n)) if is_identifier(n) => write!(f, ".{n}")?,
            StepKind::Child(sel) => write_bracket(f, sel)?,
            StepKind::Descendant(Selector::Name(n)) if is_identifier(n) => write!(f, "..{n}")?,
            StepKind::Descendant(sel) => {
                f.write_str("..")?;
                write_bracket(f, sel)?;
            }
        }
    }
    Ok(())
}

/// Whether a name can be written after a dot: `[A-Za-z_][A-Za-z0-9_-]*`.
fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn write_bracket(f: &mut fmt::Formatter<'_>, sel: &Selector) -> fmt::Result {
    match sel {
        Selector::Name(n) => {
            f.write_char('[')?;
            write_quoted(f, n)?;
            f.write_char(']')
        }
        Selector::Names(names) => {
            f.write_char('[')?;
            for (i, n) in names.iter().enumerate() {
                if i > 0 {
                    f.write_char(',')?;
                }
                write_quoted(f, n)?;
            }
            f.write_char(']')
        }
        Selector::Wildcard => f.write_str("[*]"),
        Selector::Indexes(ix) => {
            f.write_char('[')?;
            for (i, n) in ix.iter().enumerate() {
                if i > 0 {
                    f.write_char(',')?;
                }
                write!(f, "{n}")?;
            }
            f.write_char(']')
        }
        Selector::Slice { start, end } => {
            f.write_char('[')?;
            if let Some(s) = start {
                write!(f, "{s}")?;
            }
            f.write_char(':')?;
            if let Some(e) = end {
                write!(f, "{e}")?;
            }
            f.write_char(']')
        }
        Selector::Filter(filter) => write!(f, "[?({filter})]"),
    }
}

/// `'text'`, escaping `'` and `\`.
fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        if c == '\'' || c == '\\' {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    f.write_char('\'')
}

/// Where an expression is printed, to decide on parentheses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Parent {
    Top,
    Or,
    And,
}

fn write_filter(f: &mut fmt::Formatter<'_>, filter: &Filter, parent: Parent) -> fmt::Result {
    match filter {
        Filter::Or(operands) => {
            // An `Or` inside `Or` does not come out of the parser; bracket it if built by hand
            // so that the text keeps the tree's shape.
            let parens = parent != Parent::Top;
            write_joined(f, operands, " || ", Parent::Or, parens)
        }
        Filter::And(operands) => {
            let parens = parent == Parent::And;
            write_joined(f, operands, " && ", Parent::And, parens)
        }
        Filter::Not(inner) => {
            f.write_str("!(")?;
            write_filter(f, inner, Parent::Top)?;
            f.write_char(')')
        }
        Filter::Compare { left, op, right } => {
            write_operand(f, left)?;
            write!(f, " {} ", op.as_str())?;
            write_operand(f, right)
        }
        Filter::Exists(path) => write!(f, "{path}"),
    }
}

fn write_joined(
    f: &mut fmt::Formatter<'_>,
    operands: &[Filter],
    separator: &str,
    parent: Parent,
    parens: bool,
) -> fmt::Result {
    if parens {
        f.write_char('(')?;
    }
    for (i, operand) in operands.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        write_filter(f, operand, parent)?;
    }
    if parens {
        f.write_char(')')?;
    }
    Ok(())
}

fn write_operand(f: &mut fmt::Formatter<'_>, operand: &Operand) -> fmt::Result {
    match operand {
        Operand::Path(p) => write!(f, "{p}"),
        Operand::Literal(l) => write_literal(f, l),
        Operand::Regex(r) => write_regex(f, r),
        Operand::List(items) => {
            f.write_char('[')?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_char(',')?;
                }
                write_literal(f, item)?;
            }
            f.write_char(']')
        }
    }
}

fn write_literal(f: &mut fmt::Formatter<'_>, literal: &Literal) -> fmt::Result {
    match literal {
        Literal::String(s) => write_quoted(f, s),
        Literal::Number(n) => f.write_str(&n.text),
        Literal::Bool(b) => write!(f, "{b}"),
        Literal::Null => f.write_str("null"),
    }
}

fn write_regex(f: &mut fmt::Formatter<'_>, r: &RegexLiteral) -> fmt::Result {
    write!(f, "/{}/", r.pattern)?;
    let flags = [
        (r.flags.unix_lines, 'd'),
        (r.flags.case_insensitive, 'i'),
        (r.flags.multiline, 'm'),
        (r.flags.dotall, 's'),
        (r.flags.unicode_case, 'u'),
        (r.flags.comments, 'x'),
        (r.flags.unicode_character_class, 'U'),
    ];
    for (on, c) in flags {
        if on {
            f.write_char(c)?;
        }
    }
    Ok(())
}
