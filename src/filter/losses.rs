//! What a `responseSchema` took from a response because it asks for another type (§4.2): a
//! value turned into null, or elements removed from an array. The members a schema leaves out
//! are not losses: an allow-list says what to keep. A type that does not fit is most often a
//! schema written for another version of the API, and the proxy sends the null silently.

use crate::json::Value;
use crate::plan::push_pointer_segment;

/// A place of a response that lost its value to the schema's type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Loss {
    /// Where, as an RFC 6901 JSON Pointer into the response.
    pub pointer: String,
    pub kind: LossKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LossKind {
    /// A value that was not null became null; `was` is its JSON type.
    Nulled { was: &'static str },
    /// An array lost this many elements that were not null.
    Removed { elements: usize },
}

/// The losses of filtering `before` into `after` (the same value, filtered): where `after`
/// has null for a value that is not null in `before`, and each array that has fewer elements
/// than `before` has elements that are not null (nulls are removed by design). The elements
/// of such an array are not compared further: which ones went is not known.
pub fn losses(before: &Value<'_>, after: &Value<'_>) -> Vec<Loss> {
    let mut out = Vec::new();
    let mut pointer = String::new();
    walk(before, after, &mut pointer, &mut out);
    out
}

fn walk(before: &Value<'_>, after: &Value<'_>, pointer: &mut String, out: &mut Vec<Loss>) {
    match (before, after) {
        (Value::Null, _) => {}
        (was, Value::Null) => out.push(Loss {
            pointer: pointer.clone(),
            kind: LossKind::Nulled {
                was: was.type_name(),
            },
        }),
        (Value::Object(b), Value::Object(a)) => {
            for (key, kept) in a.iter() {
                // Members an augment added are not in `before`.
                if let Some(was) = b.get(key) {
                    let len = pointer.len();
                    push_pointer_segment(pointer, key);
                    walk(was, kept, pointer, out);
                    pointer.truncate(len);
                }
            }
        }
        (Value::Array(b), Value::Array(a)) => {
            let not_null = b.iter().filter(|e| !e.is_null()).count();
            if a.len() < not_null {
                out.push(Loss {
                    pointer: pointer.clone(),
                    kind: LossKind::Removed {
                        elements: not_null - a.len(),
                    },
                });
                return;
            }
            // Only nulls were removed: the others are in order.
            let not_null = b.iter().enumerate().filter(|(_, e)| !e.is_null());
            for ((k, was), kept) in not_null.zip(a) {
                let len = pointer.len();
                push_pointer_segment(pointer, &k.to_string());
                walk(was, kept, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::SchemaRoot;
    use crate::json::parse_value;
    use crate::rules::load_str;

    /// The losses of `doc` under `schema`, a `responseSchema` in the JSON form of YAML.
    fn losses_of(schema: &str, doc: &str) -> Vec<(String, LossKind)> {
        let text = format!("endpoints:\n  - pathTemplate: /x\n    responseSchema: {schema}\n");
        let (rules, _) = load_str("test.yaml", &text).expect("test rules load");
        let schema = &rules.endpoints[0]
            .response_schema
            .as_ref()
            .expect("a schema")
            .value;
        let before = parse_value(doc).expect("JSON");
        let after = SchemaRoot::new(None)
            .filter(before.clone(), schema)
            .expect("filters");
        losses(&before, &after)
            .into_iter()
            .map(|l| (l.pointer, l.kind))
            .collect()
    }

    #[test]
    fn a_value_of_another_type_turned_into_null_is_a_loss() {
        let schema = r#"{"type":"object","properties":{
            "id":{"type":"integer"},"name":{"type":"string"},"n":{"type":"integer"},
            "ok":{"type":"boolean"},"tags":{"type":"array","items":{"type":"string"}},
            "gone":{"type":"string"}}}"#;
        let doc = r#"{"id":"u-1","name":"x","n":1.5,"ok":null,"tags":["a",null,"b"],
            "gone":null,"dropped":1}"#;
        // `n` becomes 1, `ok` false, the null tag goes and `gone` stays null: no loss.
        assert_eq!(
            losses_of(schema, doc),
            [("/id".to_owned(), LossKind::Nulled { was: "string" })]
        );
    }

    #[test]
    fn elements_of_another_type_removed_from_an_array_are_a_loss() {
        let schema = r#"{"type":"object","properties":{
            "ids":{"type":"array","items":{"type":"integer"}},
            "users":{"type":"array","items":{"type":"object","properties":{
                "email":{"type":"object"}}}}}}"#;
        let doc = r#"{"ids":[1,"2",null,"3"],
            "users":[null,{"email":"a@b.co"},{"email":"c@d.co"}]}"#;
        assert_eq!(
            losses_of(schema, doc),
            [
                ("/ids".to_owned(), LossKind::Removed { elements: 2 }),
                // The null user was removed: the others are named as the document has them.
                (
                    "/users/1/email".to_owned(),
                    LossKind::Nulled { was: "string" }
                ),
                (
                    "/users/2/email".to_owned(),
                    LossKind::Nulled { was: "string" }
                ),
            ]
        );
    }

    #[test]
    fn a_document_of_another_type_is_a_loss_at_the_root() {
        let schema = r#"{"type":"object","properties":{"a":{"type":"string"}}}"#;
        assert_eq!(
            losses_of(schema, "[1]"),
            [(String::new(), LossKind::Nulled { was: "array" })]
        );
        assert_eq!(losses_of(schema, r#"{"a":"x"}"#), []);
    }
}
