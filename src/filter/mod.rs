//! The `responseSchema` allow-list filter (§4): members the schema does not list are dropped,
//! values of the wrong type become null, and `$ref` resolves in the rules' `definitions`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::json::{Map, Value, java_number_string};
use crate::rules::{Located, SchemaFilter, SchemaType};

/// A failure that, in the proxy, aborts the response (§4.1, §4.2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FilterError {
    #[error("`$ref: \"{0}\"` cannot resolve: the rules have no `definitions`")]
    NoDefinitions(String),
    #[error("`$ref: \"{0}\"` names a definition that does not exist")]
    MissingDefinition(String),
    #[error("`$ref: \"{0}\"` is not supported: only `#` and `#/definitions/NAME` resolve")]
    UnsupportedRef(String),
    #[error("`type: \"{0}\"` is not a type the filter knows")]
    UnknownType(String),
    #[error("an `if`/`else` condition schema has no `properties` to test")]
    EmptyCondition,
    #[error("the `if`/`else` condition tests member `{0}`, which the value does not have")]
    MissingConditionMember(String),
    #[error("a schema with `if` has no `then`")]
    MissingThen,
    #[error("an integer beyond the 64-bit range reached a schema without `type`")]
    UntypedBigInteger,
}

/// The result of filtering one value: a value, or "not matched" (a `const` that did not match,
/// propagated by objects and resolved by `anyOf`).
#[derive(Debug, Clone, PartialEq)]
enum Filtered<'a> {
    Value(Value<'a>),
    NotMatched,
}

type Definitions = BTreeMap<String, Located<SchemaFilter>>;

/// A compiled view of the rules' root: what `$ref` resolves against.
#[derive(Debug, Clone, Copy)]
pub struct SchemaRoot<'r> {
    definitions: Option<&'r Definitions>,
}

impl<'r> SchemaRoot<'r> {
    pub fn new(definitions: Option<&'r Definitions>) -> Self {
        SchemaRoot { definitions }
    }

    /// Filters a whole top-level value with the endpoint's `responseSchema` (§4.1). A
    /// top-level "not matched" becomes null, as the proxy serializes it.
    pub fn filter<'a>(
        self,
        value: Value<'a>,
        schema: &SchemaFilter,
    ) -> Result<Value<'a>, FilterError> {
        Ok(match self.apply(value, schema)? {
            Filtered::Value(v) => v,
            Filtered::NotMatched => Value::Null,
        })
    }

    /// §4.2, rules 1, 2, 5 and 6, tried in order.
    fn apply<'a>(
        self,
        node: Value<'a>,
        schema: &SchemaFilter,
    ) -> Result<Filtered<'a>, FilterError> {
        if let Some(reference) = &schema.reference {
            return match self.resolve(reference)? {
                Some(target) => self.apply(node, target),
                None => Self::untyped(node),
            };
        }
        if let Some(candidates) = schema.any_of.as_ref().filter(|c| !c.is_empty()) {
            for candidate in candidates {
                if let Filtered::Value(v) = self.apply(node.clone(), candidate)? {
                    return Ok(Filtered::Value(v));
                }
            }
            return Ok(Filtered::Value(Value::Null));
        }
        let Some(type_name) = &schema.schema_type else {
            return Self::untyped(node);
        };
        if let Some(condition) = &schema.if_schema {
            let mut r = self.condition(&node, condition)?;
            if r == Filtered::NotMatched
                && let Some(otherwise) = &schema.else_schema
            {
                r = self.condition(&node, otherwise)?;
            }
            if r != Filtered::NotMatched {
                let then = schema
                    .then_schema
                    .as_ref()
                    .ok_or(FilterError::MissingThen)?;
                r = self.then(node, then)?;
            }
            return Ok(r);
        }
        if let Some(constant) = &schema.constant {
            return Ok(if node_text(&node) == *constant {
                Filtered::Value(Value::String(Cow::Borrowed("")))
            } else {
                Filtered::NotMatched
            });
        }
        let ty = SchemaType::from_name(type_name)
            .ok_or_else(|| FilterError::UnknownType(type_name.as_str().to_owned()))?;
        Ok(Filtered::Value(match ty {
            SchemaType::String => match node {
                Value::String(s) => Value::String(s),
                _ => Value::Null,
            },
            SchemaType::Integer => to_integer(&node),
            SchemaType::Number => match node {
                n @ (Value::Int(_) | Value::BigInt(_) | Value::Double(_)) => n,
                _ => Value::Null,
            },
            // Quirk (§4.2): null becomes false.
            SchemaType::Boolean => match node {
                Value::Bool(b) => Value::Bool(b),
                Value::Null => Value::Bool(false),
                _ => Value::Null,
            },
            SchemaType::Object => match node {
                Value::Object(members) => {
                    return self.object(members, schema.properties.as_ref());
                }
                _ => Value::Null,
            },
            SchemaType::Array => match node {
                Value::Array(elements) => self.array(elements, schema.items.as_deref())?,
                _ => Value::Null,
            },
            SchemaType::Null => Value::Null,
        }))
    }

    /// `$ref`: `#` is the definitions-only root (no type); `#/definitions/NAME` a definition.
    fn resolve(self, reference: &Located<String>) -> Result<Option<&'r SchemaFilter>, FilterError> {
        let text = reference.as_str();
        if text == "#" {
            return Ok(None);
        }
        let Some(name) = text.strip_prefix("#/definitions/") else {
            return Err(FilterError::UnsupportedRef(text.to_owned()));
        };
        let definitions = self
            .definitions
            .ok_or_else(|| FilterError::NoDefinitions(text.to_owned()))?;
        definitions
            .get(name)
            .map(|d| Some(&d.value))
            .ok_or_else(|| FilterError::MissingDefinition(text.to_owned()))
    }

    /// Rule 6: no type: containers become null, scalars pass.
    fn untyped(node: Value<'_>) -> Result<Filtered<'_>, FilterError> {
        match node {
            Value::Object(_) | Value::Array(_) => Ok(Filtered::Value(Value::Null)),
            Value::BigInt(_) => Err(FilterError::UntypedBigInteger),
            scalar => Ok(Filtered::Value(scalar)),
        }
    }

    /// Rule 3: an `if`/`else` schema tests the member named by its alphabetically first
    /// property.
    fn condition<'a>(
        self,
        node: &Value<'a>,
        condition: &SchemaFilter,
    ) -> Result<Filtered<'a>, FilterError> {
        let (key, sub) = condition
            .properties
            .as_ref()
            .and_then(|p| p.iter().next())
            .ok_or(FilterError::EmptyCondition)?;
        let member = node
            .as_object()
            .and_then(|m| m.get(key))
            .ok_or_else(|| FilterError::MissingConditionMember(key.clone()))?;
        self.apply(member.clone(), sub)
    }

    /// Rule 4: a `then` schema keeps the members it lists, each filtered, with no type check.
    fn then<'a>(self, node: Value<'a>, then: &SchemaFilter) -> Result<Filtered<'a>, FilterError> {
        let mut out = Map::new();
        if let Value::Object(members) = node {
            let properties = then.properties.as_ref();
            for (key, value) in members.into_entries() {
                if let Some(sub) = properties.and_then(|p| p.get(key.as_ref())) {
                    match self.apply(value, sub)? {
                        Filtered::Value(v) => out.push_unique(key, v),
                        Filtered::NotMatched => return Ok(Filtered::NotMatched),
                    }
                }
            }
        }
        Ok(Filtered::Value(Value::Object(out)))
    }

    /// `type: object`: members in input order; `+` keys kept verbatim (augments, §2.13),
    /// unlisted keys dropped, listed ones filtered (a null result keeps the key).
    fn object<'a>(
        self,
        mut members: Map<'a>,
        properties: Option<&BTreeMap<String, Located<SchemaFilter>>>,
    ) -> Result<Filtered<'a>, FilterError> {
        // Filtered in place: the members that stay keep their storage.
        let mut outcome = Ok(true);
        members.retain(|key, value| {
            if !matches!(outcome, Ok(true)) {
                return false;
            }
            if key.starts_with('+') {
                return true;
            }
            let Some(sub) = properties.and_then(|p| p.get(key)) else {
                return false;
            };
            match self.apply(std::mem::replace(value, Value::Null), sub) {
                Ok(Filtered::Value(v)) => {
                    *value = v;
                    true
                }
                Ok(Filtered::NotMatched) => {
                    outcome = Ok(false);
                    false
                }
                Err(e) => {
                    outcome = Err(e);
                    false
                }
            }
        });
        Ok(if outcome? {
            Filtered::Value(Value::Object(members))
        } else {
            Filtered::NotMatched
        })
    }

    /// `type: array`: each element filtered by `items`; elements that come out null (or not
    /// matched) are removed.
    fn array<'a>(
        self,
        mut elements: Vec<Value<'a>>,
        items: Option<&Located<SchemaFilter>>,
    ) -> Result<Value<'a>, FilterError> {
        let empty = SchemaFilter::default();
        let items = items.map_or(&empty, |i| &i.value);
        let mut outcome = Ok(());
        elements.retain_mut(|element| {
            if outcome.is_err() {
                return false;
            }
            match self.apply(std::mem::replace(element, Value::Null), items) {
                Ok(Filtered::Value(v)) if !v.is_null() => {
                    *element = v;
                    true
                }
                Ok(_) => false,
                Err(e) => {
                    outcome = Err(e);
                    false
                }
            }
        });
        outcome?;
        Ok(Value::Array(elements))
    }
}

/// `type: integer` (§4.2): ints stay; doubles in int range truncate toward zero, then doubles
/// in long range; everything else (strings, booleans, `1e20`, integers beyond long,
/// containers) becomes null.
fn to_integer(node: &Value<'_>) -> Value<'static> {
    match *node {
        Value::Int(i) => Value::Int(i),
        Value::Double(d) if d >= f64::from(i32::MIN) && d <= f64::from(i32::MAX) => {
            Value::Int(d.trunc() as i64)
        }
        // Jackson's long range check compares doubles; `as` saturates like Java's cast.
        Value::Double(d) if (-9.223_372_036_854_776e18..=9.223_372_036_854_776e18).contains(&d) => {
            Value::Int(d.trunc() as i64)
        }
        _ => Value::Null,
    }
}

/// Jackson's `asText()` of a node, which `const` compares against.
fn node_text(node: &Value<'_>) -> String {
    match node {
        Value::String(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        n @ (Value::Int(_) | Value::BigInt(_) | Value::Double(_)) => java_number_string(n)
            .map(Cow::into_owned)
            .unwrap_or_default(),
        Value::Array(_) | Value::Object(_) => String::new(),
    }
}

#[cfg(test)]
mod tests;
