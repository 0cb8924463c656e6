//! The document model: a JSON tree with Java's number types and insertion-ordered objects.

use std::borrow::Cow;

use super::same_text;

/// A parsed JSON value, typed the way the reference proxy's parser types it (§7.1).
///
/// Strings and keys borrow from the input text when they contain no escapes, so a parsed
/// document costs little more than its source; transforms replace them with owned strings.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// A Java `Integer` or `Long`: an integer literal that fits in 64 bits.
    Int(i64),
    /// A Java `BigInteger`: an integer literal outside the 64-bit range, as its decimal text
    /// (optional `-`, no leading zeros).
    BigInt(Cow<'a, str>),
    /// A Java `Double`: any literal with a fraction or an exponent.
    Double(f64),
    /// A Java `BigDecimal`, as its `toString` text. Only JSON read from inside a string value
    /// has these: json-smart reads decimals longer than 18 characters exactly.
    Decimal(Cow<'a, str>),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Map<'a>),
}

impl<'a> Value<'a> {
    /// A string value that owns its text.
    pub fn string(s: impl Into<String>) -> Value<'static> {
        Value::String(Cow::Owned(s.into()))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_number(&self) -> bool {
        matches!(
            self,
            Value::Int(_) | Value::BigInt(_) | Value::Double(_) | Value::Decimal(_)
        )
    }

    pub fn is_container(&self) -> bool {
        matches!(self, Value::Array(_) | Value::Object(_))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map<'a>> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_object_mut(&mut self) -> Option<&mut Map<'a>> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value<'a>>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value<'a>>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// A short name of the JSON type, for messages ("object", "string", ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::BigInt(_) | Value::Double(_) | Value::Decimal(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// Detaches the value from the text it was parsed from.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Int(i) => Value::Int(i),
            Value::BigInt(s) => Value::BigInt(Cow::Owned(s.into_owned())),
            Value::Double(d) => Value::Double(d),
            Value::Decimal(s) => Value::Decimal(Cow::Owned(s.into_owned())),
            Value::String(s) => Value::String(Cow::Owned(s.into_owned())),
            Value::Array(a) => Value::Array(a.into_iter().map(Value::into_owned).collect()),
            Value::Object(m) => Value::Object(m.into_owned()),
        }
    }
}

/// A JSON object: members in insertion order, keys unique.
///
/// A plain vector, not a hash map: documents are walked member by member far more often than
/// looked up by key, and objects are small. Removal shifts later members so order is kept.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Map<'a> {
    entries: Vec<(Cow<'a, str>, Value<'a>)>,
}

impl<'a> Map<'a> {
    pub fn new() -> Self {
        Map {
            entries: Vec::new(),
        }
    }

    pub fn with_capacity(n: usize) -> Self {
        Map {
            entries: Vec::with_capacity(n),
        }
    }

    /// Builds a map from members whose keys are already known to be unique.
    pub fn from_unique(entries: Vec<(Cow<'a, str>, Value<'a>)>) -> Self {
        // A set, not pairwise comparison: parsed objects may have many thousands of keys.
        debug_assert!({
            let mut seen = std::collections::HashSet::with_capacity(entries.len());
            entries.iter().all(|(k, _)| seen.insert(k.as_ref()))
        });
        Map { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.entries
            .iter()
            .find(|(k, _)| same_text(k, key))
            .map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value<'a>> {
        self.entries
            .iter_mut()
            .find(|(k, _)| same_text(k, key))
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| same_text(k, key))
    }

    pub fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| same_text(k, key))
    }

    /// Sets `key` to `value`. An existing key keeps its position and gets the new value
    /// (Java `LinkedHashMap.put`); a new key is appended. Returns the previous value.
    pub fn insert(&mut self, key: Cow<'a, str>, value: Value<'a>) -> Option<Value<'a>> {
        if let Some((_, v)) = self.entries.iter_mut().find(|(k, _)| same_text(k, &key)) {
            return Some(std::mem::replace(v, value));
        }
        self.entries.push((key, value));
        None
    }

    /// Appends a member without checking for an existing key. The caller guarantees uniqueness.
    pub fn push_unique(&mut self, key: Cow<'a, str>, value: Value<'a>) {
        debug_assert!(!self.contains_key(&key));
        self.entries.push((key, value));
    }

    /// Removes `key`, shifting later members down so the order of the rest is kept.
    pub fn remove(&mut self, key: &str) -> Option<Value<'a>> {
        let i = self.position(key)?;
        Some(self.entries.remove(i).1)
    }

    pub fn remove_at(&mut self, index: usize) -> (Cow<'a, str>, Value<'a>) {
        self.entries.remove(index)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut Value<'a>) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    pub fn iter(
        &self,
    ) -> impl DoubleEndedIterator + ExactSizeIterator<Item = (&Cow<'a, str>, &Value<'a>)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator + ExactSizeIterator<Item = (&Cow<'a, str>, &mut Value<'a>)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator + ExactSizeIterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_ref())
    }

    pub fn values(&self) -> impl DoubleEndedIterator + ExactSizeIterator<Item = &Value<'a>> {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator + ExactSizeIterator<Item = &mut Value<'a>> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Members by position, for walks that need indexes.
    pub fn entries(&self) -> &[(Cow<'a, str>, Value<'a>)] {
        &self.entries
    }

    /// Members by position; keys must stay unique.
    pub fn entries_mut(&mut self) -> &mut [(Cow<'a, str>, Value<'a>)] {
        &mut self.entries
    }

    pub fn into_entries(self) -> Vec<(Cow<'a, str>, Value<'a>)> {
        self.entries
    }

    pub fn into_owned(self) -> Map<'static> {
        Map {
            entries: self
                .entries
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned()))
                .collect(),
        }
    }
}

impl<'a> FromIterator<(Cow<'a, str>, Value<'a>)> for Map<'a> {
    /// Collects members with `insert` semantics: a repeated key keeps its first position and
    /// takes the last value.
    fn from_iter<T: IntoIterator<Item = (Cow<'a, str>, Value<'a>)>>(iter: T) -> Self {
        let mut m = Map::new();
        for (k, v) in iter {
            m.insert(k, v);
        }
        m
    }
}

/// Conversions from `serde_json` values, for fixtures and for rules-file constants.
impl From<&serde_json::Value> for Value<'static> {
    fn from(v: &serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Value::Int(i)
                } else if n.is_u64() {
                    Value::BigInt(Cow::Owned(n.to_string()))
                } else {
                    Value::Double(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            serde_json::Value::String(s) => Value::String(Cow::Owned(s.clone())),
            serde_json::Value::Array(a) => Value::Array(a.iter().map(Value::from).collect()),
            serde_json::Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, v)| (Cow::Owned(k.clone()), Value::from(v)))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Cow<'_, str> {
        Cow::Borrowed(s)
    }

    #[test]
    fn insert_existing_key_keeps_position_and_takes_new_value() {
        let m: Map = [
            (k("a"), Value::Int(1)),
            (k("b"), Value::Int(2)),
            (k("a"), Value::Int(3)),
        ]
        .into_iter()
        .collect();
        let keys: Vec<_> = m.keys().collect();
        assert_eq!(keys, ["a", "b"]);
        assert_eq!(m.get("a"), Some(&Value::Int(3)));
    }

    #[test]
    fn remove_keeps_order_of_remaining_members() {
        let mut m: Map = [
            (k("a"), Value::Int(1)),
            (k("b"), Value::Int(2)),
            (k("c"), Value::Int(3)),
        ]
        .into_iter()
        .collect();
        assert_eq!(m.remove("a"), Some(Value::Int(1)));
        assert_eq!(m.keys().collect::<Vec<_>>(), ["b", "c"]);
        assert_eq!(m.remove("zz"), None);
    }

    #[test]
    fn value_is_four_words() {
        assert_eq!(std::mem::size_of::<Value>(), 32);
    }
}
