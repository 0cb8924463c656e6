//! Filter expressions `[?(…)]` evaluated as Jayway 2.9.0 evaluates them (§6.3.9): operands
//! become Jayway's value nodes (UNDEFINED for a missing path), `==` is Java `equals` with its
//! number/string asymmetry, and any error makes the whole filter false.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::ast::{self, CompareOp, Filter, FilterPath, Literal, Operand, PathRoot, RegexLiteral};
use super::decimal::Decimal;
use super::select::{self, Selected, Stop};
use crate::json::Value;

/// Whether `current` passes `filter`; `root` is the document `$` refers to. An error while
/// evaluating (a non-list right of `in`, a regex that gives up) makes the filter false, as
/// Jayway catches it around the whole predicate.
pub fn test<'a>(filter: &Filter, current: &Value<'a>, root: &Value<'a>) -> bool {
    eval(filter, current, root).unwrap_or(false)
}

/// An error while evaluating a filter.
#[derive(Debug)]
struct FilterError;

fn eval<'a>(filter: &Filter, current: &Value<'a>, root: &Value<'a>) -> Result<bool, FilterError> {
    match filter {
        Filter::Or(operands) => {
            for f in operands {
                if eval(f, current, root)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Filter::And(operands) => {
            for f in operands {
                if !eval(f, current, root)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Filter::Not(inner) => Ok(!eval(inner, current, root)?),
        Filter::Exists(path) => exists(path, current, root),
        Filter::Compare { left, op, right } => {
            let l = operand(left, current, root)?;
            let r = operand(right, current, root)?;
            compare(&l, *op, &r)
        }
    }
}

/// A Jayway `ValueNode`: what an operand evaluates to.
#[derive(Debug)]
enum Node<'x, 'a> {
    /// A path that selects nothing (definite and missing).
    Undefined,
    Null,
    Bool(bool),
    /// A `NumberNode`: a `BigDecimal` of the number's Java text.
    Number(Decimal),
    Str(Cow<'x, str>),
    Json(Json<'x, 'a>),
    Pattern(&'x RegexLiteral),
}

/// A `JsonNode`: an object or array from the document, the results of an indefinite path, or
/// a list literal.
#[derive(Debug)]
enum Json<'x, 'a> {
    Doc(&'x Value<'a>),
    Results(Vec<Selected<'x, 'a>>),
    Members(Vec<(&'x str, &'x Value<'a>)>),
    Literal(&'x [Literal]),
}

fn operand<'x, 'a>(
    op: &'x Operand,
    current: &'x Value<'a>,
    root: &'x Value<'a>,
) -> Result<Node<'x, 'a>, FilterError> {
    Ok(match op {
        Operand::Path(p) => path_value(p, current, root)?,
        Operand::Literal(l) => literal_node(l),
        Operand::Regex(r) => Node::Pattern(r),
        Operand::List(items) => Node::Json(Json::Literal(items)),
    })
}

fn literal_node<'a>(l: &Literal) -> Node<'_, 'a> {
    match l {
        Literal::String(s) => Node::Str(Cow::Borrowed(s)),
        Literal::Number(n) => Node::Number(n.value.clone()),
        Literal::Bool(b) => Node::Bool(*b),
        Literal::Null => Node::Null,
    }
}

fn path_base<'x, 'a>(p: &FilterPath, current: &'x Value<'a>, root: &'x Value<'a>) -> &'x Value<'a> {
    match p.root {
        PathRoot::Current => current,
        PathRoot::Document => root,
    }
}

/// The value of a path operand: a definite path gives its one value or UNDEFINED; an
/// indefinite one gives the list of its results.
fn path_value<'x, 'a>(
    p: &'x FilterPath,
    current: &'x Value<'a>,
    root: &'x Value<'a>,
) -> Result<Node<'x, 'a>, FilterError> {
    let base = path_base(p, current, root);
    match select::select(&p.steps, base, root, false) {
        Err(Stop::NotFound) => Ok(Node::Undefined),
        Err(Stop::Fatal(..)) => Err(FilterError),
        Ok(found) if ast::is_definite(&p.steps) => match found.into_iter().last() {
            None => Ok(Node::Undefined),
            Some(f) => selected_node(f.value),
        },
        Ok(found) => Ok(Node::Json(Json::Results(
            found.into_iter().map(|f| f.value).collect(),
        ))),
    }
}

/// `@.x` alone: evaluated with REQUIRE_PROPERTIES; a definite path must have a result, an
/// indefinite one must not miss a member on the way. Jayway evaluates it from the value tested
/// whether it starts with `@` or `$` (`[?($.k)]` tests the element's `k`); a `$` inside it,
/// in a filter of its own, is the document.
fn exists<'a>(p: &FilterPath, current: &Value<'a>, root: &Value<'a>) -> Result<bool, FilterError> {
    let base = current;
    // Only whether it fails, and for a definite path whether it finds anything, is read.
    match select::select_distinct(&p.steps, base, root, true) {
        Err(Stop::NotFound) => Ok(false),
        Err(Stop::Fatal(..)) => Err(FilterError),
        Ok(found) => Ok(!ast::is_definite(&p.steps) || !found.is_empty()),
    }
}

fn selected_node<'x, 'a>(s: Selected<'x, 'a>) -> Result<Node<'x, 'a>, FilterError> {
    match s {
        Selected::Value(v) => value_node(v),
        Selected::Members(m) => Ok(Node::Json(Json::Members(m))),
    }
}

/// The node Jayway makes of a document value.
fn value_node<'x, 'a>(v: &'x Value<'a>) -> Result<Node<'x, 'a>, FilterError> {
    Ok(match v {
        Value::Null => Node::Null,
        Value::Bool(b) => Node::Bool(*b),
        Value::Int(_) | Value::BigInt(_) | Value::Double(_) | Value::Decimal(_) => {
            Node::Number(number_decimal(v).ok_or(FilterError)?)
        }
        Value::String(s) => Node::Str(Cow::Borrowed(s)),
        Value::Array(_) | Value::Object(_) => Node::Json(Json::Doc(v)),
    })
}

/// `new BigDecimal(number.toString())` for a document number.
fn number_decimal(v: &Value<'_>) -> Option<Decimal> {
    match v {
        Value::Int(i) => Decimal::parse(&i.to_string()),
        Value::BigInt(s) | Value::Decimal(s) => Decimal::parse(s),
        Value::Double(d) => Decimal::parse(&crate::json::java_double_to_string(*d)),
        _ => None,
    }
}

/// A list-literal element as the permissive JSON reader of Jayway's `JsonNode` parses it:
/// an integer (Integer, Long or BigInteger) or a Double.
fn literal_value(l: &Literal) -> Value<'_> {
    match l {
        Literal::String(s) => Value::String(Cow::Borrowed(s)),
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Null => Value::Null,
        Literal::Number(n) => {
            let text = n.text.as_str();
            if text.contains(['.', 'e', 'E']) {
                // json-smart keeps a decimal longer than 18 characters exact.
                match Decimal::parse(text).filter(|_| text.len() > 18) {
                    Some(exact) => Value::Decimal(Cow::Owned(exact.to_string())),
                    None => Value::Double(text.parse().unwrap_or(f64::NAN)),
                }
            } else if let Ok(i) = text.parse::<i64>() {
                Value::Int(i)
            } else {
                // Past the 64-bit range: a BigInteger, printed without leading zeros.
                Value::BigInt(Cow::Owned(n.value.to_string()))
            }
        }
    }
}

impl<'x, 'a> Json<'x, 'a> {
    /// The JSON as a document value, for structural equality.
    fn to_value(&self) -> Cow<'x, Value<'a>> {
        match self {
            Json::Doc(v) => Cow::Borrowed(*v),
            Json::Results(items) => {
                Cow::Owned(Value::Array(items.iter().map(Selected::to_value).collect()))
            }
            Json::Members(m) => Cow::Owned(Selected::Members(m.clone()).to_value()),
            Json::Literal(items) => Cow::Owned(Value::Array(
                items
                    .iter()
                    .map(|l| literal_value(l).into_owned())
                    .collect(),
            )),
        }
    }

    /// The elements, when the JSON is an array (`asValueListNode`), each made a node as
    /// [`element_node`] says; `None` otherwise, which makes `in` false.
    fn elements(&self) -> Result<Option<Vec<Node<'x, 'a>>>, FilterError> {
        match self {
            Json::Doc(v) => match *v {
                Value::Array(items) => items
                    .iter()
                    .map(element_node)
                    .collect::<Result<_, _>>()
                    .map(Some),
                _ => Ok(None),
            },
            Json::Members(_) => Ok(None),
            Json::Results(items) => items
                .iter()
                .map(|s| match s {
                    Selected::Value(v) => element_node(v),
                    Selected::Members(_) => Err(FilterError),
                })
                .collect::<Result<_, _>>()
                .map(Some),
            Json::Literal(items) => items
                .iter()
                .map(|l| match l {
                    // Numbers in a list go through a Java Integer/Long/Double first.
                    Literal::Number(_) => number_decimal(&literal_value(l))
                        .map(Node::Number)
                        .ok_or(FilterError),
                    Literal::String(s) => string_element(s),
                    other => Ok(literal_node(other)),
                })
                .collect::<Result<_, _>>()
                .map(Some),
        }
    }
}

/// An element of an array as Jayway's `ValueNode.toValueNode` makes it, for `in` and `=~`.
/// An object or array is an error (Jayway's "Could not determine value type", which fails the
/// response there; here it makes the filter false).
fn element_node<'x, 'a>(v: &'x Value<'a>) -> Result<Node<'x, 'a>, FilterError> {
    match v {
        Value::String(s) => string_element(s),
        Value::Array(_) | Value::Object(_) => Err(FilterError),
        other => value_node(other),
    }
}

/// A string element as `toValueNode` makes it: one that reads as a path (`$…`, `@…`) or as
/// JSON (`[…]`, `{…}`) becomes a path or JSON node, which equals no element here and has no
/// text for `=~` (it is [`Node::Undefined`]); any other loses one pair of enclosing quotes
/// and has its backslash escapes resolved (`createStringNode(s, true)`).
fn string_element<'a>(s: &str) -> Result<Node<'_, 'a>, FilterError> {
    let trimmed = s.trim_matches(|c: char| c <= ' ');
    let path_like = match trimmed.as_bytes().first() {
        Some(b'$') => super::parse(trimmed).is_ok(),
        Some(b'@') => super::parse(&format!("${}", &trimmed[1..])).is_ok(),
        _ => false,
    };
    let bytes = trimmed.as_bytes();
    let json_like = bytes.len() >= 2
        && matches!(
            (bytes[0], bytes[bytes.len() - 1]),
            (b'[', b']') | (b'{', b'}')
        )
        && crate::json::parse_smart(trimmed).is_ok();
    if path_like || json_like {
        return Ok(Node::Undefined);
    }
    let quoted = s.len() > 1
        && ((s.starts_with('\'') && s.ends_with('\'')) || (s.starts_with('"') && s.ends_with('"')));
    let body = if quoted { &s[1..s.len() - 1] } else { s };
    if !body.contains('\\') {
        // Filters test list elements at every node: most are plain text, borrowed as they are.
        return Ok(Node::Str(Cow::Borrowed(body)));
    }
    super::parse::unescape(body)
        .map(|u| Node::Str(Cow::Owned(u)))
        .map_err(|_| FilterError)
}

fn compare(l: &Node<'_, '_>, op: CompareOp, r: &Node<'_, '_>) -> Result<bool, FilterError> {
    match op {
        CompareOp::Eq => Ok(equals(l, r)),
        CompareOp::Ne => Ok(!equals(l, r)),
        CompareOp::StrictEq => Ok(strict_equals(l, r)),
        CompareOp::StrictNe => Ok(!strict_equals(l, r)),
        CompareOp::Lt => Ok(order(l, r).is_some_and(Ordering::is_lt)),
        CompareOp::Le => Ok(order(l, r).is_some_and(Ordering::is_le)),
        CompareOp::Gt => Ok(order(l, r).is_some_and(Ordering::is_gt)),
        CompareOp::Ge => Ok(order(l, r).is_some_and(Ordering::is_ge)),
        CompareOp::Matches => matches(l, r),
        CompareOp::In => contains(l, r),
        CompareOp::Nin => Ok(!contains(l, r)?),
    }
}

/// `left.equals(right)` on Jayway's nodes (its `==`; `!=` negates it).
fn equals(l: &Node<'_, '_>, r: &Node<'_, '_>) -> bool {
    match (l, r) {
        // A list literal on the left is compared as its unparsed text: never equal.
        (Node::Json(Json::Literal(_)), _) => false,
        (Node::Json(a), Node::Json(b)) => java_equals(&a.to_value(), &b.to_value()),
        (Node::Null, Node::Null) => true,
        (Node::Bool(a), Node::Bool(b)) => a == b,
        (Node::Number(a), Node::Number(b)) => a.compare(b).is_eq(),
        // NumberNode.equals parses the string; StringNode.equals prints the number (§6.3.9).
        (Node::Number(a), Node::Str(s)) => Decimal::parse(s).is_some_and(|b| a.compare(&b).is_eq()),
        (Node::Str(s), Node::Number(b)) => **s == b.to_string(),
        (Node::Str(a), Node::Str(b)) => a == b,
        _ => false,
    }
}

/// `===`: `==` between nodes of the same kind only, so that `1 === '1'` is false.
fn strict_equals(l: &Node<'_, '_>, r: &Node<'_, '_>) -> bool {
    std::mem::discriminant(l) == std::mem::discriminant(r) && equals(l, r)
}

/// Java `equals` on the maps, lists and boxed values of two JSON trees: objects ignore member
/// order, numbers are equal only with the same Java type and value.
fn java_equals(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::BigInt(x), Value::BigInt(y))
        | (Value::Decimal(x), Value::Decimal(y))
        | (Value::String(x), Value::String(y)) => x == y,
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| java_equals(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| java_equals(v, w)))
        }
        _ => false,
    }
}

/// `<` and friends: numbers by value, strings by Java `String.compareTo` (UTF-16 code units);
/// anything else is not ordered, which makes every order comparison false.
fn order(l: &Node<'_, '_>, r: &Node<'_, '_>) -> Option<Ordering> {
    match (l, r) {
        (Node::Number(a), Node::Number(b)) => Some(a.compare(b)),
        (Node::Str(a), Node::Str(b)) => Some(a.encode_utf16().cmp(b.encode_utf16())),
        _ => None,
    }
}

/// `=~`: exactly one side is a regex; the other side's text must match it whole. An array
/// matches when one of its elements does (Jayway's `matchesAny`), and an empty one never.
fn matches(l: &Node<'_, '_>, r: &Node<'_, '_>) -> Result<bool, FilterError> {
    let (regex, input) = match (l, r) {
        (Node::Pattern(_), Node::Pattern(_)) => return Ok(false),
        (Node::Pattern(p), other) | (other, Node::Pattern(p)) => (p, other),
        _ => return Ok(false),
    };
    let full_match = |node: &Node<'_, '_>| regex.regex.is_full_match(&regex_input(node));
    if let Node::Json(json) = input
        && let Some(items) = json.elements()?
    {
        for item in &items {
            if full_match(item).map_err(|_| FilterError)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    full_match(input).map_err(|_| FilterError)
}

/// The text `=~` matches of a node: a string, a number's or a boolean's text, and `""` for
/// anything else.
fn regex_input<'n>(node: &'n Node<'_, '_>) -> Cow<'n, str> {
    match node {
        Node::Str(s) => Cow::Borrowed(s),
        Node::Number(n) => Cow::Owned(n.to_string()),
        Node::Bool(b) => Cow::Owned(b.to_string()),
        _ => Cow::Borrowed(""),
    }
}

/// `in`: membership by `equals`. A right side that is JSON but not an array gives false; a
/// right side that is not JSON at all is an error (the whole filter is false, even for `nin`).
fn contains(l: &Node<'_, '_>, r: &Node<'_, '_>) -> Result<bool, FilterError> {
    let Node::Json(json) = r else {
        return Err(FilterError);
    };
    Ok(json
        .elements()?
        .is_some_and(|items| items.iter().any(|item| equals(l, item))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonpath::{Selector, StepKind, parse};

    fn filter_of(path: &str) -> Filter {
        let p = parse(path).expect("test path parses");
        match p.steps.last().map(|s| &s.kind) {
            Some(StepKind::Child(Selector::Filter(f))) => f.clone(),
            other => panic!("no filter step: {other:?}"),
        }
    }

    fn check(expr: &str, current: &serde_json::Value) -> bool {
        let f = filter_of(&format!("$[?({expr})]"));
        let v = Value::from(current);
        test(&f, &v, &v)
    }

    #[test]
    fn missing_member_is_undefined_so_not_equal_is_true() {
        assert!(check("@.name != 'x'", &serde_json::json!({})));
        assert!(!check("@.name == 'x'", &serde_json::json!({})));
    }

    #[test]
    fn number_equals_numeric_string_only_with_the_number_on_the_left() {
        let doc = serde_json::json!({"n": 1, "s": "1.0"});
        assert!(check("@.n == '1'", &doc));
        assert!(check("@.n == @.s", &doc));
        assert!(!check("@.s == @.n", &doc));
        assert!(check("'1' == @.n", &doc));
    }

    #[test]
    fn boolean_never_equals_the_string_true() {
        assert!(!check("@.b == 'true'", &serde_json::json!({"b": true})));
        assert!(check("@.b == true", &serde_json::json!({"b": true})));
    }

    #[test]
    fn null_equals_only_null() {
        assert!(check("@.v == null", &serde_json::json!({"v": null})));
        for other in [
            &serde_json::json!({}),
            &serde_json::json!({"v": "null"}),
            &serde_json::json!({"v": 0}),
        ] {
            assert!(!check("@.v == null", other));
        }
    }

    #[test]
    fn regex_is_a_full_match() {
        let f = "!(@.name =~ /^actor|room_id$/i)";
        assert!(!check(f, &serde_json::json!({"name": "ROOM_ID"})));
        assert!(!check(f, &serde_json::json!({"name": "actor"})));
        assert!(check(f, &serde_json::json!({"name": "xroom_id"})));
    }

    #[test]
    fn regex_input_is_number_text_or_boolean_text_or_empty() {
        assert!(check("@.n =~ /12\\d/", &serde_json::json!({"n": 123})));
        assert!(check("@.b =~ /tr.e/", &serde_json::json!({"b": true})));
        assert!(check("@.o =~ /^$/", &serde_json::json!({"o": {"a": 1}})));
        assert!(check("@.missing =~ /^$/", &serde_json::json!({})));
    }

    #[test]
    fn in_is_membership_by_equality() {
        let f = "@.name in ['organizer_email','identifier']";
        assert!(check(f, &serde_json::json!({"name": "identifier"})));
        assert!(!check(f, &serde_json::json!({"name": "other"})));
        assert!(check("@.n in [1,2]", &serde_json::json!({"n": 2})));
        assert!(check("@.n nin [1,2]", &serde_json::json!({"n": 3})));
    }

    #[test]
    fn in_with_a_path_yielding_an_array() {
        let doc = serde_json::json!({"v": "b", "allowed": ["a", "b"], "obj": {"b": 1}});
        assert!(check("@.v in @.allowed", &doc));
        assert!(!check("@.v in @.obj", &doc));
        // Not an array but JSON: `in` is false and `nin` true.
        assert!(check("@.v nin @.obj", &doc));
    }

    #[test]
    fn in_with_a_non_list_right_side_fails_the_whole_filter() {
        let doc = serde_json::json!({"v": "b", "s": "b"});
        assert!(!check("@.v in @.s", &doc));
        assert!(!check("@.v nin @.s", &doc));
        assert!(!check("@.v nin @.s || @.v == 'b'", &doc));
    }

    #[test]
    fn strings_order_by_utf16_code_units() {
        // U+FF5E comes before U+1F600 by code point, but after its surrogate pair in UTF-16.
        assert!(check(
            "@.a > @.b",
            &serde_json::json!({"a": "\u{ff5e}", "b": "\u{1f600}"})
        ));
        assert!(check("@.a < 'b'", &serde_json::json!({"a": "a"})));
    }

    #[test]
    fn numbers_order_by_value_and_mixed_types_are_unordered() {
        assert!(check("@.n >= 1.50", &serde_json::json!({"n": 1.5})));
        assert!(check("@.n < 10", &serde_json::json!({"n": 9})));
        assert!(!check("@.n < 'z'", &serde_json::json!({"n": 1})));
        assert!(!check("@.n >= 'a'", &serde_json::json!({"n": 1})));
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let f = "@.a == 1 || @.b == 2 && @.c == 3";
        assert!(check(f, &serde_json::json!({"a": 1})));
        assert!(!check(f, &serde_json::json!({"b": 2})));
        assert!(check(f, &serde_json::json!({"b": 2, "c": 3})));
    }

    #[test]
    fn existence_is_true_for_null_and_false_for_missing() {
        assert!(check("@.x", &serde_json::json!({"x": null})));
        assert!(!check("@.x", &serde_json::json!({"y": 1})));
        assert!(check("!@.x", &serde_json::json!({"y": 1})));
        assert!(check("@", &serde_json::json!("scalar")));
    }

    #[test]
    fn existence_of_an_indefinite_path_needs_every_branch() {
        assert!(check(
            "@.l[*].a",
            &serde_json::json!({"l": [{"a": 1}, {"a": 2}]})
        ));
        assert!(!check(
            "@.l[*].a",
            &serde_json::json!({"l": [{"a": 1}, {"b": 2}]})
        ));
        assert!(check("@.l[*].a", &serde_json::json!({"l": []})));
    }

    #[test]
    fn an_existence_test_from_the_root_tests_the_value_tested() {
        let doc = Value::from(&serde_json::json!({"k": 1, "l": [], "owner": "u1"}));
        let without = Value::from(&serde_json::json!({"z": 1}));
        let with = Value::from(&serde_json::json!({"k": 2}));
        for (expr, on_without, on_with) in [
            ("$.k", false, true),
            ("!$.k", true, false),
            ("$.k && @.z", false, false),
            ("$", true, true),
        ] {
            let f = filter_of(&format!("$.l[?({expr})]"));
            assert_eq!(test(&f, &without, &doc), on_without, "{expr}");
            assert_eq!(test(&f, &with, &doc), on_with, "{expr}");
        }
        // A comparison reads the document.
        let f = filter_of("$.l[?($.k == 1)]");
        assert!(test(&f, &without, &doc));
        assert!(test(&f, &with, &doc));
    }

    #[test]
    fn a_long_decimal_in_a_list_is_exact_as_json_smart_reads_it() {
        let point_one = serde_json::json!({"v": 0.1});
        assert!(check("@.v in [0.1]", &point_one));
        assert!(check("@.v in [0.100000000000000]", &point_one));
        // 19 characters: a BigDecimal, not the double 0.1.
        assert!(!check("@.v in [0.10000000000000001]", &point_one));
        assert!(check("@.v nin [0.10000000000000001]", &point_one));
        let long = serde_json::json!({"v": 123_456_789.123_456_79_f64});
        assert!(!check("@.v in [123456789.123456789]", &long));
    }

    #[test]
    fn absolute_paths_read_the_document_root() {
        let f = filter_of("$.l[?(@.id == $.owner)]");
        let doc = Value::from(&serde_json::json!({"owner": "u1", "l": []}));
        let item = Value::from(&serde_json::json!({"id": "u1"}));
        assert!(test(&f, &item, &doc));
    }

    #[test]
    fn json_values_compare_structurally_ignoring_member_order() {
        let doc = serde_json::json!({"a": {"x": 1, "y": [true]}, "b": {"y": [true], "x": 1}, "c": {"x": 1.0}});
        assert!(check("@.a == @.b", &doc));
        assert!(!check("@.a == @.c", &doc));
        assert!(!check("@.a == 'x'", &doc));
    }

    #[test]
    fn list_literal_compares_as_json_only_on_the_right() {
        let doc = serde_json::json!({"l": ["a", 1]});
        assert!(check("@.l == ['a',1]", &doc));
        assert!(!check("['a',1] == @.l", &doc));
    }

    #[test]
    fn path_value_of_an_object_filter_root_is_the_object() {
        // `@` on an array being filtered is each element, scalars included (§6.3.7).
        assert!(check("@ != 'USLACKBOT'", &serde_json::json!("U1")));
        assert!(!check("@ != 'USLACKBOT'", &serde_json::json!("USLACKBOT")));
    }

    #[test]
    fn regex_on_an_array_matches_when_one_element_does() {
        let doc = serde_json::json!({
            "tags": ["user", "admin"], "plain": ["user"], "none": [], "n": [1, 20],
            "b": [false, true], "nulls": [null], "objects": [{"a": 1}, "admin"],
            "l": [{"n": "a"}, {"n": "b"}]
        });
        assert!(check("@.tags =~ /adm.*/", &doc));
        assert!(check("/adm.*/ =~ @.tags", &doc));
        assert!(!check("@.plain =~ /adm.*/", &doc));
        assert!(!check("@.none =~ /.*/", &doc));
        assert!(check("@.n =~ /2\\d/", &doc));
        assert!(check("@.b =~ /true/", &doc));
        assert!(check("@.nulls =~ /^$/", &doc));
        // An object or array element is an error: the filter is false, whatever else matches.
        assert!(!check("@.objects =~ /admin/", &doc));
        assert!(check("@.l[*].n =~ /b/", &doc));
        assert!(!check("@.l[*].n =~ /c/", &doc));
        // An object is no array: its text is empty.
        assert!(check("@.l[0] =~ /^$/", &doc));
    }

    #[test]
    fn string_elements_of_a_list_are_read_as_jayway_reads_them() {
        let doc = serde_json::json!({
            "x": "a", "p": "$.a", "j": "[1]", "nl": "a\nb",
            "quoted": ["'a'"], "paths": ["$.a", "@.a"], "json": ["[1]"], "escaped": ["a\\nb"]
        });
        // One pair of enclosing quotes is dropped, escapes are resolved.
        assert!(check("@.x in @.quoted", &doc));
        assert!(check("@.nl in @.escaped", &doc));
        // A string that reads as a path or as JSON is no string element.
        assert!(!check("@.p in @.paths", &doc));
        assert!(!check("@.j in @.json", &doc));
        assert!(!check("@.paths =~ /.*a/", &doc));
        assert!(check("@.paths =~ /^$/", &doc));
    }

    #[test]
    fn strict_equality_needs_values_of_the_same_kind() {
        let doc = serde_json::json!({"n": 1, "s": "1", "b": true, "z": null, "o": {"a": 1}});
        assert!(check("@.n == '1'", &doc));
        assert!(!check("@.n === '1'", &doc));
        assert!(check("@.n !== '1'", &doc));
        assert!(check("@.n === 1", &doc));
        assert!(check("@.s === '1'", &doc));
        assert!(check("@.b === true", &doc));
        assert!(check("@.z === null", &doc));
        assert!(check("@.o === @.o", &doc));
        assert!(!check("@.missing === null", &doc));
        assert!(check("@.missing !== null", &doc));
    }

    #[test]
    fn numbers_with_a_bare_point_read_as_jayway_reads_them() {
        let doc = serde_json::json!({"a": 0.5, "b": 1, "c": -0.5});
        assert!(check("@.a == .5", &doc));
        assert!(check("@.b == 1.", &doc));
        assert!(check("@.c == -.5", &doc));
        assert!(check("@.a > .25 && @.a < 1.", &doc));
        assert!(check("@.a in [.5]", &doc));
        assert!(check("@.b in [1.]", &doc));
    }
}
