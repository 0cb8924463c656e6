use super::*;
use crate::json::{parse_value, to_compact_string};
use crate::rules::{Rules, load_str};

/// Rules with one endpoint whose `responseSchema` is `schema` (YAML), plus `definitions`.
fn rules(schema: &str, definitions: &str) -> Rules {
    let indented = indent_by(schema, "      ");
    let defs = if definitions.is_empty() {
        String::new()
    } else {
        format!("definitions:\n{}", indent_by(definitions, "  "))
    };
    let text =
        format!("endpoints:\n  - pathTemplate: \"/x\"\n    responseSchema:\n{indented}{defs}");
    match load_str("test.yaml", &text) {
        Ok((rules, _)) => rules,
        Err(diags) => panic!("test rules do not load: {diags:?}\n{text}"),
    }
}

fn run(schema: &str, definitions: &str, doc: &str) -> Result<String, FilterError> {
    let r = rules(schema, definitions);
    let root = SchemaRoot::new(r.definitions.as_ref());
    let endpoint = &r.endpoints[0];
    let schema = &endpoint
        .response_schema
        .as_ref()
        .expect("endpoint has a schema")
        .value;
    let value = parse_value(doc).expect("test document parses");
    root.filter(value, schema).map(|v| to_compact_string(&v))
}

const USER: &str =
    "type: \"object\"\nproperties:\n  id:\n    type: \"string\"\n  age:\n    type: \"integer\"\n";

#[test]
fn unlisted_members_are_dropped_and_input_order_kept() {
    let out = run(USER, "", r#"{"name":"n","age":3,"id":"a"}"#);
    assert_eq!(out.as_deref(), Ok(r#"{"age":3,"id":"a"}"#));
}

#[test]
fn type_mismatch_in_object_keeps_key_with_null() {
    let out = run(USER, "", r#"{"id":5,"age":"x"}"#);
    assert_eq!(out.as_deref(), Ok(r#"{"id":null,"age":null}"#));
}

#[test]
fn type_mismatch_in_array_removes_element() {
    let schema = "type: \"array\"\nitems:\n  type: \"string\"\n";
    let out = run(schema, "", r#"["a",1,null,"b",{"x":1}]"#);
    assert_eq!(out.as_deref(), Ok(r#"["a","b"]"#));
}

#[test]
fn top_level_mismatch_nulls_the_document() {
    let out = run(USER, "", r#"[{"id":"a"}]"#);
    assert_eq!(out.as_deref(), Ok("null"));
}

#[test]
fn boolean_null_becomes_false() {
    let schema =
        "type: \"object\"\nproperties:\n  b:\n    type: \"boolean\"\n  c:\n    type: \"boolean\"\n";
    let out = run(schema, "", r#"{"b":null,"c":"true"}"#);
    assert_eq!(out.as_deref(), Ok(r#"{"b":false,"c":null}"#));
}

#[test]
fn null_elements_are_removed_whatever_the_items_say() {
    let booleans = "type: \"array\"\nitems:\n  type: \"boolean\"\n";
    let out = run(booleans, "", r#"[true,null,"x",false]"#);
    assert_eq!(out.as_deref(), Ok("[true,false]"));
    // Through a reference and a candidate list too; an `if` that would fail on null is not
    // tried.
    let definitions = "Flag:\n  type: \"boolean\"\n";
    let referenced = "type: \"array\"\nitems:\n  anyOf:\n    - $ref: \"#/definitions/Flag\"\n";
    let out = run(referenced, definitions, "[null,true]");
    assert_eq!(out.as_deref(), Ok("[true]"));
    let conditional = "type: \"array\"\nitems:\n  type: \"object\"\n  if:\n    properties:\n      \
                       kind:\n        type: \"string\"\n        const: \"a\"\n  then:\n    \
                       properties:\n      kind:\n        type: \"string\"\n";
    let out = run(conditional, "", r#"[null,{"kind":"a","x":1}]"#);
    assert_eq!(out.as_deref(), Ok(r#"[{"kind":"a"}]"#));
}

#[test]
fn integer_conversions_follow_jackson() {
    let schema = "type: \"array\"\nitems:\n  type: \"integer\"\n";
    let out = run(
        schema,
        "",
        r#"[1, 1.5, -1.5, 2.0, 3000000000, 4.5e9, 1e20, 12345678901234567890, "5", true]"#,
    );
    assert_eq!(out.as_deref(), Ok("[1,1,-1,2,3000000000,4500000000]"));
}

#[test]
fn number_keeps_the_java_type() {
    let schema = "type: \"array\"\nitems:\n  type: \"number\"\n";
    let out = run(schema, "", r#"[1, 1.10, 1e3, 12345678901234567890, "1"]"#);
    assert_eq!(out.as_deref(), Ok("[1,1.1,1000.0,12345678901234567890]"));
}

#[test]
fn refs_resolve_in_root_definitions() {
    let schema = "type: \"object\"\nproperties:\n  u:\n    $ref: \"#/definitions/User\"\n";
    let out = run(
        schema,
        &format!("User:\n{}", indent(USER)),
        r#"{"u":{"id":"a","x":1}}"#,
    );
    assert_eq!(out.as_deref(), Ok(r#"{"u":{"id":"a"}}"#));
}

#[test]
fn ref_siblings_are_ignored() {
    let schema = "$ref: \"#/definitions/User\"\ntype: \"string\"\n";
    let out = run(schema, &format!("User:\n{}", indent(USER)), r#"{"id":"a"}"#);
    assert_eq!(out.as_deref(), Ok(r#"{"id":"a"}"#));
}

/// A bare `$ref` schema, built directly: the loader already refuses these refs.
fn ref_schema(target: &str) -> SchemaFilter {
    SchemaFilter {
        reference: Some(Located::unlocated(target.to_owned())),
        ..SchemaFilter::default()
    }
}

#[test]
fn ref_without_definitions_is_fatal() {
    let out = SchemaRoot::new(None).filter(Value::Null, &ref_schema("#/definitions/User"));
    assert_eq!(
        out,
        Err(FilterError::NoDefinitions("#/definitions/User".into()))
    );
}

#[test]
fn ref_to_missing_definition_is_fatal() {
    let r = rules(USER, &format!("User:\n{}", indent(USER)));
    let out = SchemaRoot::new(r.definitions.as_ref())
        .filter(Value::Null, &ref_schema("#/definitions/Nope"));
    assert_eq!(
        out,
        Err(FilterError::MissingDefinition("#/definitions/Nope".into()))
    );
}

#[test]
fn ref_of_another_form_is_fatal() {
    let out = SchemaRoot::new(None).filter(Value::Null, &ref_schema("other.json#/x"));
    assert_eq!(
        out,
        Err(FilterError::UnsupportedRef("other.json#/x".into()))
    );
}

#[test]
fn ref_to_root_nulls_containers_and_keeps_scalars() {
    let schema = "type: \"array\"\nitems:\n  $ref: \"#\"\n";
    let out = run(
        schema,
        &format!("User:\n{}", indent(USER)),
        r#"[{"a":1},"s",2]"#,
    );
    assert_eq!(out.as_deref(), Ok(r#"["s",2]"#));
}

#[test]
fn augment_keys_are_copied_verbatim() {
    let out = run(USER, "", r#"{"+c:textDigest":{"length":1},"id":"a"}"#);
    assert_eq!(
        out.as_deref(),
        Ok(r#"{"+c:textDigest":{"length":1},"id":"a"}"#)
    );
}

#[test]
fn properties_without_type_make_containers_null() {
    let schema = "properties:\n  id:\n    type: \"string\"\n";
    assert_eq!(run(schema, "", r#"{"id":"a"}"#).as_deref(), Ok("null"));
    assert_eq!(run(schema, "", r#""a""#).as_deref(), Ok(r#""a""#));
}

#[test]
fn untyped_big_integer_is_fatal() {
    let schema = "type: \"array\"\nitems:\n  format: \"x\"\n";
    assert_eq!(
        run(schema, "", "[12345678901234567890]"),
        Err(FilterError::UntypedBigInteger)
    );
}

#[test]
fn format_is_ignored() {
    let schema =
        "type: \"object\"\nproperties:\n  t:\n    type: \"string\"\n    format: \"date-time\"\n";
    let out = run(schema, "", r#"{"t":"not a date"}"#);
    assert_eq!(out.as_deref(), Ok(r#"{"t":"not a date"}"#));
}

#[test]
fn any_of_takes_the_first_candidate_that_matches() {
    let schema = "type: \"object\"\nproperties:\n  k:\n    anyOf:\n      - type: \"string\"\n        const: \"a\"\n      - type: \"integer\"\n";
    assert_eq!(
        run(schema, "", r#"{"k":"a"}"#).as_deref(),
        Ok(r#"{"k":""}"#)
    );
    assert_eq!(run(schema, "", r#"{"k":7}"#).as_deref(), Ok(r#"{"k":7}"#));
}

#[test]
fn unmatched_const_makes_the_object_not_matched() {
    let schema = "type: \"object\"\nproperties:\n  k:\n    type: \"string\"\n    const: \"a\"\n";
    assert_eq!(run(schema, "", r#"{"k":"b"}"#).as_deref(), Ok("null"));
}

#[test]
fn if_then_else_applies_then_when_a_condition_matches() {
    let schema = "type: \"object\"\nif:\n  properties:\n    kind:\n      type: \"string\"\n      const: \"user\"\nelse:\n  properties:\n    kind:\n      type: \"string\"\n      const: \"bot\"\nthen:\n  properties:\n    kind:\n      type: \"string\"\n    id:\n      type: \"string\"\n";
    assert_eq!(
        run(schema, "", r#"{"kind":"user","id":"u","x":1}"#).as_deref(),
        Ok(r#"{"kind":"user","id":"u"}"#)
    );
    assert_eq!(
        run(schema, "", r#"{"kind":"bot","id":"b"}"#).as_deref(),
        Ok(r#"{"kind":"bot","id":"b"}"#)
    );
    assert_eq!(
        run(schema, "", r#"{"kind":"other"}"#).as_deref(),
        Ok("null")
    );
}

#[test]
fn the_condition_member_is_the_first_name_in_java_string_order() {
    // U+1F600 is two UTF-16 units from U+D83D: before U+FF21, though its code point is after.
    let schema = "type: \"object\"\nif:\n  properties:\n    \"\\uFF21\":\n      type: \"string\"\n      const: \"x\"\n    \"\\U0001F600\":\n      type: \"string\"\n      const: \"y\"\nthen:\n  properties:\n    \"\\uFF21\":\n      type: \"string\"\n";
    assert_eq!(
        run(schema, "", r#"{"Ａ":"q","😀":"y"}"#).as_deref(),
        Ok(r#"{"Ａ":"q"}"#)
    );
    assert_eq!(
        run(schema, "", r#"{"Ａ":"x","😀":"q"}"#).as_deref(),
        Ok("null")
    );
    // ASCII: upper case before lower case.
    let schema = "type: \"object\"\nif:\n  properties:\n    b:\n      const: \"1\"\n      type: \"string\"\n    B:\n      const: \"2\"\n      type: \"string\"\nthen:\n  properties:\n    b:\n      type: \"string\"\n";
    assert_eq!(
        run(schema, "", r#"{"b":"1","B":"2"}"#).as_deref(),
        Ok(r#"{"b":"1"}"#)
    );
    assert_eq!(
        run(schema, "", r#"{"b":"2","B":"1"}"#).as_deref(),
        Ok("null")
    );
}

#[test]
fn condition_on_missing_member_is_fatal() {
    let schema = "type: \"object\"\nif:\n  properties:\n    kind:\n      type: \"string\"\n      const: \"user\"\nthen:\n  properties:\n    id:\n      type: \"string\"\n";
    assert_eq!(
        run(schema, "", r#"{"id":"u"}"#),
        Err(FilterError::MissingConditionMember("kind".into()))
    );
}

#[test]
fn unknown_type_is_fatal_when_reached() {
    let schema = "type: \"object\"\nproperties:\n  a:\n    type: \"date\"\n";
    assert_eq!(run(schema, "", r#"{"b":1}"#).as_deref(), Ok("{}"));
    assert_eq!(
        run(schema, "", r#"{"a":1}"#),
        Err(FilterError::UnknownType("date".into()))
    );
}

#[test]
fn recursive_definitions_follow_the_document() {
    let team = "Team:\n  type: \"object\"\n  properties:\n    name:\n      type: \"string\"\n    lead:\n      $ref: \"#/definitions/Team\"\n";
    let out = run(
        "$ref: \"#/definitions/Team\"\n",
        team,
        r#"{"name":"a","x":1,"lead":{"name":"b","lead":{"name":"c","y":2}}}"#,
    );
    assert_eq!(
        out.as_deref(),
        Ok(r#"{"name":"a","lead":{"name":"b","lead":{"name":"c"}}}"#)
    );
}

#[test]
fn any_of_that_loops_back_fails_only_when_taken() {
    let looping = "Loop:\n  anyOf:\n    - type: \"string\"\n      const: \"x\"\n    - $ref: \"#/definitions/Loop\"\n";
    let schema = "type: \"object\"\nproperties:\n  k:\n    $ref: \"#/definitions/Loop\"\n";
    assert_eq!(
        run(schema, looping, r#"{"k":"x"}"#).as_deref(),
        Ok(r#"{"k":""}"#)
    );
    assert_eq!(
        run(schema, looping, r#"{"k":"y"}"#),
        Err(FilterError::EndlessRef)
    );
}

#[test]
fn refs_that_loop_fail_instead_of_recursing_forever() {
    // The loader refuses these (R053); built directly to reach the filter.
    let mut definitions = BTreeMap::new();
    definitions.insert(
        "A".to_owned(),
        Located::unlocated(ref_schema("#/definitions/B")),
    );
    definitions.insert(
        "B".to_owned(),
        Located::unlocated(ref_schema("#/definitions/A")),
    );
    let out =
        SchemaRoot::new(Some(&definitions)).filter(Value::Null, &ref_schema("#/definitions/A"));
    assert_eq!(out, Err(FilterError::EndlessRef));
}

#[test]
fn a_compiled_filter_gives_the_same_result_for_every_value() {
    let filter = compiled(USER);
    for (doc, expected) in [
        (r#"{"id":"a","name":"n"}"#, r#"{"id":"a"}"#),
        (r#"{"age":"x"}"#, r#"{"age":null}"#),
        ("[1]", "null"),
    ] {
        let value = parse_value(doc).expect("test document parses");
        let out = filter.filter(value).map(|v| to_compact_string(&v));
        assert_eq!(out.as_deref(), Ok(expected), "{doc}");
    }
}

/// A compiled filter for an endpoint schema (YAML) without definitions.
fn compiled(schema: &str) -> CompiledFilter {
    let r = rules(schema, "");
    let schema = &r.endpoints[0]
        .response_schema
        .as_ref()
        .expect("endpoint has a schema")
        .value;
    CompiledFilter::new(schema, SchemaRoot::new(None))
}

/// An array of `n` objects, with `extra` members placed at some indexes.
fn elements(n: usize, extra: &[(usize, &str)]) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| match extra.iter().find(|(at, _)| *at == i) {
            Some((_, member)) => format!("{{{member}}}"),
            None if i % 5 == 0 => format!("\"s{i}\""),
            None => format!(r#"{{"id":"u{i}","x":{i}}}"#),
        })
        .collect();
    format!("[{}]", items.join(","))
}

const ITEMS: &str = "type: \"array\"\nitems:\n  type: \"object\"\n  properties:\n    id:\n      type: \"string\"\n    a:\n      type: \"dateA\"\n    b:\n      type: \"dateB\"\n";

#[test]
fn large_arrays_filtered_in_two_halves_give_the_same_result() {
    let filter = compiled(ITEMS);
    let doc = elements(5000, &[]);
    let run = |split| {
        let value = parse_value(&doc).expect("test document parses");
        filter
            .filter_with(value, split)
            .map(|v| to_compact_string(&v))
    };
    let (whole, halves) = (run(false), run(true));
    assert_eq!(whole, halves);
    let out = halves.expect("filters");
    // Strings become null and are removed; objects keep `id` only.
    assert_eq!(out.matches(r#"{"id":"#).count(), 4000);
    assert!(
        out.starts_with(r#"[{"id":"u1"},{"id":"u2"}"#),
        "{}",
        &out[..40]
    );
    assert!(!out.contains("\"x\""));
}

#[test]
fn the_first_error_of_a_split_array_in_document_order_is_reported() {
    let filter = compiled(ITEMS);
    let run = |extra: &[(usize, &str)]| {
        let doc = elements(4000, extra);
        let value = parse_value(&doc).expect("test document parses");
        filter
            .filter_with(value, true)
            .map(|v| to_compact_string(&v))
    };
    let unknown = |t: &str| Err(FilterError::UnknownType(t.into()));
    assert_eq!(run(&[(3000, r#""b":1"#)]), unknown("dateB"));
    assert_eq!(
        run(&[(10, r#""a":1"#), (3000, r#""b":1"#)]),
        unknown("dateA")
    );
    assert_eq!(
        run(&[(1999, r#""b":1"#), (2000, r#""a":1"#)]),
        unknown("dateB")
    );
}

fn indent(s: &str) -> String {
    indent_by(s, "  ")
}

fn indent_by(s: &str, prefix: &str) -> String {
    s.lines().fold(String::new(), |mut out, l| {
        out.push_str(prefix);
        out.push_str(l);
        out.push('\n');
        out
    })
}

/// The shortcut for scalars that already have their schema's type must agree with filtering:
/// every scalar kind against every scalar schema, and a schema without type.
#[test]
fn scalars_kept_as_is_are_those_filtering_leaves_unchanged() {
    let schemas = [
        "type: \"string\"\n",
        "type: \"integer\"\n",
        "type: \"number\"\n",
        "type: \"boolean\"\n",
        "type: \"null\"\n",
        "title: \"no type\"\n",
    ];
    let values = [
        "null",
        "true",
        "7",
        "-3",
        "2.5",
        "1e300",
        "123456789012345678901234567890",
        "\"s\"",
        "\"12\"",
    ];
    let mut kept = 0;
    for schema in schemas {
        let r = rules(schema, "");
        let filter = CompiledFilter::new(
            &r.endpoints[0]
                .response_schema
                .as_ref()
                .expect("a schema")
                .value,
            SchemaRoot::new(None),
        );
        for text in values {
            let value = parse_value(text).expect("parses");
            if !filter.keeps_as_is(&value, 0) {
                continue;
            }
            kept += 1;
            let filtered = filter
                .apply(
                    value.clone(),
                    0,
                    Ctx {
                        hops: 0,
                        split: false,
                        again: false,
                        work: &Work::default(),
                    },
                )
                .expect("a kept scalar filters without error");
            assert_eq!(filtered, Filtered::Value(value), "{text} under {schema:?}");
        }
    }
    // Strings 2, integers 2, numbers 5, booleans 1, null 1, untyped: all but the big integer.
    assert_eq!(kept, 2 + 2 + 5 + 1 + 1 + 8);
}

#[test]
fn members_are_found_among_names_of_every_length() {
    let long = "l".repeat(70);
    let longer = "l".repeat(71);
    let schema = format!(
        "type: \"object\"\nproperties:\n  a:\n    type: \"string\"\n  ab:\n    type: \"string\"\n  ba:\n    type: \"integer\"\n  {long}:\n    type: \"string\"\n  {longer}:\n    type: \"integer\"\n"
    );
    let doc = format!(
        r#"{{"ab":"x","ba":"y","abc":"z","a":"w","{long}":"v","{longer}":"u","{}":"t"}}"#,
        "l".repeat(69)
    );
    let out = run(&schema, "", &doc);
    let expected = format!(r#"{{"ab":"x","ba":null,"a":"w","{long}":"v","{longer}":null}}"#);
    assert_eq!(out, Ok(expected));
}

/// The failure of filtering `doc` with the endpoint's schema, with its place in the rules
/// text: `(pointer, line, column, error)`.
fn failure(
    schema: &str,
    definitions: &str,
    doc: &str,
    split: bool,
) -> (String, u32, u32, FilterError) {
    let r = rules(schema, definitions);
    let root = SchemaRoot::new(r.definitions.as_ref());
    let schema = r.endpoints[0]
        .response_schema
        .as_ref()
        .expect("endpoint has a schema");
    let value = parse_value(doc).expect("test document parses");
    let failure = CompiledFilter::located(schema, root)
        .filter_located(value, split)
        .expect_err("the filter fails");
    let span = failure.span.expect("the failure is placed");
    let text = r.source.text();
    let (line, column) = crate::diag::LineStarts::new(text).line_col(text, span.start);
    (failure.pointer(), line, column, failure.error.clone())
}

#[test]
fn a_failure_is_placed_at_the_schema_and_the_value_that_fail() {
    let schema = "type: \"object\"\nproperties:\n  k:\n    type: \"string\"\n  f:\n    type: \"foo\"\n  list:\n    type: \"array\"\n    items:\n      $ref: \"#/definitions/Item\"\n";
    let definitions = "Item:\n  type: \"object\"\n  if:\n    properties:\n      kind:\n        const: \"a\"\n        type: \"string\"\n  then:\n    properties:\n      kind:\n        type: \"string\"\n";
    // The type that is not one: at its value, line 9 of the rules (the schema starts at 4).
    assert_eq!(
        failure(schema, definitions, r#"{"k":"v","f":1}"#, false),
        (
            "/f".to_owned(),
            9,
            17,
            FilterError::UnknownType("foo".into())
        )
    );
    // The condition whose member is missing: at the condition, in the element that lacks it.
    let missing = FilterError::MissingConditionMember("kind".into());
    assert_eq!(
        failure(
            schema,
            definitions,
            r#"{"list":[{"kind":"a"},{"name":"x"}]}"#,
            false
        ),
        ("/list/1".to_owned(), 18, 7, missing.clone())
    );
    // In the second half of an array filtered on two threads, the index is the array's.
    let mut elements = vec![r#"{"kind":"a"}"#; 3000];
    elements[2500] = r#"{"name":"x"}"#;
    let doc = format!(r#"{{"list":[{}]}}"#, elements.join(","));
    for split in [false, true] {
        assert_eq!(
            failure(schema, definitions, &doc, split),
            ("/list/2500".to_owned(), 18, 7, missing.clone())
        );
    }
    // A condition without properties: at the condition.
    let schema = "type: \"object\"\nif:\n  type: \"object\"\nthen:\n  properties: {}\n";
    assert_eq!(
        failure(schema, "", r#"{"a":1}"#, false),
        (String::new(), 6, 9, FilterError::EmptyCondition)
    );
    // A member name is escaped as JSON Pointer does.
    let schema = "type: \"object\"\nproperties:\n  \"a/b~c\":\n    type: \"foo\"\n";
    assert_eq!(failure(schema, "", r#"{"a/b~c":1}"#, false).0, "/a~1b~0c");
}

/// A definition whose first candidate fails only at the end, on `c`, after filtering `a`.
const NESTED_ANY_OF: &str = "N:\n  anyOf:\n    - type: \"object\"\n      properties:\n        a:\n          $ref: \"#/definitions/N\"\n        c:\n          type: \"string\"\n          const: \"never\"\n    - type: \"object\"\n      properties:\n        a:\n          $ref: \"#/definitions/N\"\n";

/// `{"a":{"a":…,"c":"x"},"c":"x"}`, `depth` objects deep.
fn nested(depth: usize) -> String {
    let mut doc = "{\"c\":\"x\"}".to_owned();
    for _ in 1..depth {
        doc = format!("{{\"a\":{doc},\"c\":\"x\"}}");
    }
    doc
}

#[test]
fn nested_any_of_that_would_filter_without_end_gives_up() {
    let schema = "$ref: \"#/definitions/N\"\n";
    // Each level filters the levels below twice: shallow responses are filtered.
    assert_eq!(
        run(schema, NESTED_ANY_OF, &nested(3)).as_deref(),
        Ok(r#"{"a":{"a":{}}}"#)
    );
    // 2^60 steps: the filter stops after about a million instead.
    let started = std::time::Instant::now();
    assert_eq!(
        run(schema, NESTED_ANY_OF, &nested(60)),
        Err(FilterError::ExponentialWork(Work::FACTOR))
    );
    let spent = started.elapsed();
    assert!(spent.as_secs() < 60, "gave up after {spent:?}");
}

#[test]
fn later_candidates_on_every_element_of_a_large_array_are_no_exponential_work() {
    // The first candidate fails on each element after filtering it: twice the work, however
    // many elements, on one thread or two.
    let schema = "type: \"array\"\nitems:\n  anyOf:\n    - type: \"object\"\n      properties:\n        id:\n          type: \"string\"\n        c:\n          type: \"string\"\n          const: \"never\"\n    - type: \"object\"\n      properties:\n        id:\n          type: \"string\"\n";
    let doc = format!(
        "[{}]",
        vec![r#"{"id":"u","c":"x","x":1}"#; 50_000].join(",")
    );
    let expected = format!("[{}]", vec![r#"{"id":"u"}"#; 50_000].join(","));
    let filter = compiled(schema);
    for split in [false, true] {
        let value = parse_value(&doc).expect("test document parses");
        let out = filter
            .filter_with(value, split)
            .map(|v| to_compact_string(&v));
        assert_eq!(out.as_deref(), Ok(expected.as_str()), "split {split}");
    }
}
