//! Augments (§2.13): computed `+NAME:textDigest` members added next to selected values, before
//! the schema filter and the transforms.

use std::borrow::Cow;

use super::text;
use super::text_digest::{Keywords, digest};
use crate::json::{Value, parse_smart, to_compact_string, to_smart_string};
use crate::jsonpath::{JsonPath, Segment};
use crate::plan::{MapError, naive};

/// A compiled `textDigest` augment.
#[derive(Debug, Clone)]
pub struct TextDigestAugment {
    pub paths: Vec<JsonPath>,
    pub inner: Option<JsonPath>,
    pub keywords: Keywords,
}

/// Applies the augments to one document. Every failure of an augment is swallowed, as the
/// proxy does; a document that already has a `+` key anywhere gets no augment at all.
pub fn apply_augments(doc: &mut Value<'_>, augments: &[TextDigestAugment]) {
    if augments.is_empty() || has_plus_key(doc) {
        return;
    }
    for augment in augments {
        for path in &augment.paths {
            let Ok(locations) = naive::concrete_paths(path, doc) else {
                continue;
            };
            for location in locations {
                let Some((parent_segments, leaf)) = location.last_member() else {
                    continue;
                };
                let Some(source) = value_at(doc, &location.segments) else {
                    continue;
                };
                let Some(computed) = compute(source, augment) else {
                    continue;
                };
                let key = format!("+{leaf}:textDigest");
                if let Some(Value::Object(parent)) = value_at_mut(doc, parent_segments) {
                    parent.insert(Cow::Owned(key), computed);
                }
            }
        }
    }
}

/// The augment value for one selected value, or `None` when no key is added.
fn compute(source: &Value<'_>, augment: &TextDigestAugment) -> Option<Value<'static>> {
    let Value::String(s) = source else {
        return None;
    };
    let Some(inner_path) = augment.inner.as_ref().filter(|_| !s.is_empty()) else {
        return Some(digest(s, &augment.keywords).to_value());
    };
    let mut inner = parse_smart(s).ok()?;
    let mut replaced = false;
    naive::map_path(inner_path, &mut inner, &mut |v: &mut Value<'_>| {
        if let Value::String(t) = v {
            *v = text(to_compact_string(&digest(t, &augment.keywords).to_value()));
            replaced = true;
        }
        Ok::<(), MapError<()>>(())
    })
    .ok()?;
    replaced.then(|| text(to_smart_string(&inner)))
}

fn has_plus_key(v: &Value<'_>) -> bool {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                for (k, child) in m.iter() {
                    if k.starts_with('+') {
                        return true;
                    }
                    stack.push(child);
                }
            }
            Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    false
}

fn value_at<'v, 'a>(doc: &'v Value<'a>, segments: &[Segment]) -> Option<&'v Value<'a>> {
    let mut v = doc;
    for s in segments {
        v = match (s, v) {
            (Segment::Key(k), Value::Object(m)) => m.get(k)?,
            (Segment::Index(i), Value::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

fn value_at_mut<'v, 'a>(doc: &'v mut Value<'a>, segments: &[Segment]) -> Option<&'v mut Value<'a>> {
    let mut v = doc;
    for s in segments {
        v = match (s, v) {
            (Segment::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (Segment::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse_value;
    use crate::jsonpath::parse;

    fn augment(paths: &[&str], inner: Option<&str>, keywords: &[&str]) -> TextDigestAugment {
        TextDigestAugment {
            paths: paths.iter().map(|p| parse(p).expect("path")).collect(),
            inner: inner.map(|p| parse(p).expect("inner path")),
            keywords: Keywords::new(keywords),
        }
    }

    fn run(doc: &str, augments: &[TextDigestAugment]) -> String {
        let mut v = parse_value(doc).expect("doc");
        apply_augments(&mut v, augments);
        to_compact_string(&v)
    }

    #[test]
    fn digest_object_is_appended_next_to_the_value() {
        let out = run(
            r#"{"body":{"content":"hello big world","x":1}}"#,
            &[augment(&["$..body.content"], None, &["big", " "])],
        );
        assert_eq!(
            out,
            r#"{"body":{"content":"hello big world","x":1,"+content:textDigest":{"keywords":{"big":1},"length":15,"word_count":3}}}"#
        );
    }

    #[test]
    fn non_strings_get_no_key() {
        let out = run(r#"{"a":5}"#, &[augment(&["$.a"], None, &[])]);
        assert_eq!(out, r#"{"a":5}"#);
    }

    #[test]
    fn an_existing_plus_key_anywhere_disables_augments() {
        let out = run(r#"{"a":"x","o":{"+k":1}}"#, &[augment(&["$.a"], None, &[])]);
        assert_eq!(out, r#"{"a":"x","o":{"+k":1}}"#);
    }

    #[test]
    fn array_elements_put_the_last_digest_on_the_holder() {
        let out = run(
            r#"{"arr":["a","bb"]}"#,
            &[augment(&["$.arr[*]"], None, &[])],
        );
        assert_eq!(
            out,
            r#"{"arr":["a","bb"],"+arr:textDigest":{"length":2,"word_count":1}}"#
        );
    }

    #[test]
    fn a_place_reached_again_is_computed_again_and_the_last_wins() {
        let out = run(
            r#"{"arr":["yy","x"]}"#,
            &[augment(&["$.arr[1,0,1]"], None, &[])],
        );
        assert_eq!(
            out,
            r#"{"arr":["yy","x"],"+arr:textDigest":{"length":1,"word_count":1}}"#
        );
    }

    #[test]
    fn inner_json_is_rewritten_in_json_smart_style() {
        let doc = r#"{"c":"{\"t\":\"two words\",\"d\":\"x—y\"}"}"#;
        let out = run(doc, &[augment(&["$.c"], Some("$.t"), &[])]);
        assert_eq!(
            out,
            r#"{"c":"{\"t\":\"two words\",\"d\":\"x—y\"}","+c:textDigest":"{\"t\":\"{\\\"length\\\":9,\\\"word_count\\\":2}\",\"d\":\"x\\u2014y\"}"}"#
        );
    }

    #[test]
    fn inner_json_is_read_as_json_smart_reads_it() {
        let doc = r#"{"c":"{'t':'two words', d: 1.0000000000000000001}"}"#;
        let out = run(doc, &[augment(&["$.c"], Some("$.t"), &[])]);
        assert_eq!(
            out,
            r#"{"c":"{'t':'two words', d: 1.0000000000000000001}","+c:textDigest":"{\"t\":\"{\\\"length\\\":9,\\\"word_count\\\":2}\",\"d\":1.0000000000000000001}"}"#
        );
    }

    #[test]
    fn inner_json_that_does_not_parse_or_match_adds_nothing() {
        for source in ["not json", "{\\\"t\\\":", "<p>{t}</p>"] {
            let doc = format!(r#"{{"c":"{source}"}}"#);
            let out = run(&doc, &[augment(&["$.c"], Some("$.t"), &[])]);
            assert_eq!(out, doc);
        }
        let unmatched = run(
            r#"{"c":"{\"u\":1}"}"#,
            &[augment(&["$.c"], Some("$..t"), &[])],
        );
        assert_eq!(unmatched, r#"{"c":"{\"u\":1}"}"#);
    }

    #[test]
    fn empty_source_with_inner_path_gets_the_plain_digest() {
        let out = run(r#"{"c":""}"#, &[augment(&["$.c"], Some("$.t"), &[])]);
        assert_eq!(
            out,
            r#"{"c":"","+c:textDigest":{"length":0,"word_count":0}}"#
        );
    }
}
