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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::jregex::Flags;
    use crate::jsonpath::{CompareOp, NumberLiteral, parse};

    fn canon(text: &str) -> String {
        parse(text).expect("test path parses").to_string()
    }

    #[test]
    fn plain_names_print_after_a_dot() {
        assert_eq!(canon("$['a_b-1']"), "$.a_b-1");
        assert_eq!(canon("$..['_x']"), "$.._x");
    }

    #[test]
    fn other_names_print_in_brackets_with_escapes() {
        assert_eq!(canon("$['a b']"), "$['a b']");
        assert_eq!(canon("$['0']"), "$['0']");
        assert_eq!(canon("$.@odata"), "$['@odata']");
        assert_eq!(canon("$[\"it's\"]"), r"$['it\'s']");
        assert_eq!(canon(r"$['a\\b']"), r"$['a\\b']");
        assert_eq!(canon("$..['@odata.type']"), "$..['@odata.type']");
    }

    #[test]
    fn unions_print_without_spaces() {
        assert_eq!(
            canon("$..actor['email_address', 'user_id']"),
            "$..actor['email_address','user_id']"
        );
        assert_eq!(canon("$..['a', 'b']"), "$..['a','b']");
    }

    #[test]
    fn wildcards_print_in_brackets() {
        assert_eq!(canon("$.*"), "$[*]");
        assert_eq!(canon("$..*"), "$..[*]");
        assert_eq!(canon("$.a.[*]"), "$.a[*]");
    }

    #[test]
    fn indexes_and_slices() {
        assert_eq!(canon("$[0, 2]"), "$[0,2]");
        assert_eq!(canon("$..[-1]"), "$..[-1]");
        assert_eq!(canon("$[1:3]"), "$[1:3]");
        assert_eq!(canon("$[:2]"), "$[:2]");
        assert_eq!(canon("$[-2:]"), "$[-2:]");
    }

    #[test]
    fn filters_print_with_single_spaces_and_minimal_parentheses() {
        assert_eq!(
            canon("$[?(@.a=='x'&&!(@.b=~/re/i)||@.c in ['a', 'b'])]"),
            "$[?(@.a == 'x' && !(@.b =~ /re/i) || @.c in ['a','b'])]"
        );
        assert_eq!(
            canon("$..[?(@.t != \"b\\\"ot\")]"),
            r#"$..[?(@.t != 'b"ot')]"#
        );
        assert_eq!(canon("$[?(@.s == 'it\\'s')]"), r"$[?(@.s == 'it\'s')]");
    }

    #[test]
    fn regex_flags_print_in_a_fixed_order() {
        assert_eq!(canon("$[?(@.a =~ /x/Usmid)]"), "$[?(@.a =~ /x/dimsU)]");
    }

    #[test]
    fn hand_built_or_inside_or_keeps_its_shape() {
        let e = |n: &str| {
            Filter::Exists(FilterPath {
                root: PathRoot::Current,
                steps: vec![Step {
                    kind: StepKind::Child(Selector::Name(n.into())),
                    span: 0..0,
                }],
            })
        };
        let f = Filter::Or(vec![Filter::Or(vec![e("a"), e("b")]), e("c")]);
        assert_eq!(f.to_string(), "(@.a || @.b) || @.c");
    }

    // Round trips over generated trees.

    fn name() -> impl Strategy<Value = String> {
        prop_oneof!["[a-zA-Z_][a-zA-Z0-9_-]{0,5}", "[ -~]{1,6}", "\\PC{1,4}",]
    }

    fn plain_selector() -> impl Strategy<Value = Selector> {
        prop_oneof![
            name().prop_map(Selector::Name),
            prop::collection::vec(name(), 2..4).prop_map(Selector::Names),
            Just(Selector::Wildcard),
            prop::collection::vec(-20i64..20, 1..4).prop_map(Selector::Indexes),
            (prop::option::of(-9i64..9), prop::option::of(-9i64..9))
                .prop_filter("a slice has a bound", |(s, e)| s.is_some() || e.is_some())
                .prop_map(|(start, end)| Selector::Slice { start, end }),
        ]
    }

    fn step(selector: impl Strategy<Value = Selector>) -> impl Strategy<Value = Step> {
        (any::<bool>(), selector).prop_map(|(descendant, sel)| Step {
            kind: if descendant {
                StepKind::Descendant(sel)
            } else {
                StepKind::Child(sel)
            },
            span: 0..0,
        })
    }

    fn filter_path() -> impl Strategy<Value = FilterPath> {
        (
            any::<bool>(),
            prop::collection::vec(step(plain_selector()), 0..3),
        )
            .prop_map(|(doc, steps)| FilterPath {
                root: if doc {
                    PathRoot::Document
                } else {
                    PathRoot::Current
                },
                steps,
            })
    }

    fn literal() -> impl Strategy<Value = Literal> {
        prop_oneof![
            "\\PC{0,6}".prop_map(Literal::String),
            "-?[0-9]{1,4}(\\.[0-9]{1,3})?([eE]-?[0-9]{1,2})?"
                .prop_filter_map("a number", |t| NumberLiteral::new(t).map(Literal::Number)),
            any::<bool>().prop_map(Literal::Bool),
            Just(Literal::Null),
        ]
    }

    fn regex() -> impl Strategy<Value = RegexLiteral> {
        let patterns =
            prop::sample::select(vec!["^a$", "x.*", "(From|To)", "[a-z]+", r"\d{2}", r"a\/b"]);
        (patterns, any::<(bool, bool, bool)>()).prop_map(|(p, (i, m, s))| {
            let flags = Flags {
                case_insensitive: i,
                multiline: m,
                dotall: s,
                ..Flags::default()
            };
            RegexLiteral::new(p, flags).expect("test pattern compiles")
        })
    }

    /// An operand that is not a regex.
    fn value_operand() -> impl Strategy<Value = Operand> {
        prop_oneof![
            filter_path().prop_map(Operand::Path),
            literal().prop_map(Operand::Literal),
            prop::collection::vec(literal(), 0..3).prop_map(Operand::List),
        ]
    }

    /// A comparison the parser accepts: `=~` with a regex on exactly one side, `in` with a
    /// list or path on the right, regexes nowhere else.
    fn comparison() -> impl Strategy<Value = Filter> {
        let ordinary = prop::sample::select(vec![
            CompareOp::Eq,
            CompareOp::Ne,
            CompareOp::StrictEq,
            CompareOp::StrictNe,
            CompareOp::Lt,
            CompareOp::Le,
            CompareOp::Gt,
            CompareOp::Ge,
        ]);
        let list_or_path = prop_oneof![
            filter_path().prop_map(Operand::Path),
            prop::collection::vec(literal(), 0..3).prop_map(Operand::List),
        ];
        prop_oneof![
            (value_operand(), ordinary, value_operand())
                .prop_map(|(left, op, right)| Filter::Compare { left, op, right }),
            (value_operand(), regex(), any::<bool>()).prop_map(|(v, r, regex_left)| {
                let (left, right) = if regex_left {
                    (Operand::Regex(r), v)
                } else {
                    (v, Operand::Regex(r))
                };
                Filter::Compare {
                    left,
                    op: CompareOp::Matches,
                    right,
                }
            }),
            (value_operand(), any::<bool>(), list_or_path).prop_map(|(left, nin, right)| {
                Filter::Compare {
                    left,
                    op: if nin { CompareOp::Nin } else { CompareOp::In },
                    right,
                }
            }),
            filter_path().prop_map(Filter::Exists),
        ]
    }

    fn filter() -> impl Strategy<Value = Filter> {
        comparison().prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..4).prop_map(Filter::or),
                prop::collection::vec(inner.clone(), 2..4).prop_map(Filter::and),
                inner.prop_map(|f| Filter::Not(Box::new(f))),
            ]
        })
    }

    fn path() -> impl Strategy<Value = JsonPath> {
        let selector = prop_oneof![
            4 => plain_selector(),
            1 => filter().prop_map(Selector::Filter),
        ];
        prop::collection::vec(step(selector), 0..5).prop_map(|steps| JsonPath { steps })
    }

    proptest! {
        #[test]
        fn printed_paths_parse_back_to_the_same_tree(p in path()) {
            let text = p.to_string();
            let parsed = parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            prop_assert_eq!(parsed.without_spans(), p, "{}", text);
        }

        #[test]
        fn printing_is_idempotent(p in path()) {
            let once = p.to_string();
            let twice = parse(&once).map_err(|e| TestCaseError::fail(format!("{once}: {e}")))?.to_string();
            prop_assert_eq!(twice, once);
        }
    }
}
