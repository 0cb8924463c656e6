//! The JSON Schema of the rules format, generated from the model, and the structural check of a
//! document against it: the YAML tree is projected to JSON (tags become `method`), validated
//! once with `jsonschema`, and every error is located back in the YAML.
//!
//! Tags and editors: in YAML a transform's kind is a tag (`- !<redact>`), which an editor's schema
//! validation does not see, while JSON carries `"method"`. So a transform's schema is an `anyOf`
//! of one closed schema per kind whose `method` is optional but `const` when present: a tagged
//! item without `method` still gets completion and unknown-key checks in an editor. Our own
//! validator always projects the tag to `method` and uses a variant of the schema where `method`
//! is required, so the kind is always checked strictly.

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use jsonschema::{JsonType, ValidationError, Validator};
use schemars::Schema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::codes::Code;
use super::model::{AugmentKind, Rules, TransformKind};
use super::span::Span;
use super::yaml::{Node, NodeKind, Problem, Resolved, Style, TagKind, first_line};
use crate::diag::Severity;

/// Schema transform for structs that flatten a `method`-tagged enum (transforms and augments):
/// turns `{properties: COMMON, oneOf: [KIND...]}` into `{anyOf: [KIND + COMMON...]}`, each branch
/// closed and with `method` optional.
pub fn tagged_union(schema: &mut Schema) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let common = match obj.remove("properties") {
        Some(Value::Object(p)) => p,
        _ => Map::new(),
    };
    let Some(Value::Array(kinds)) = obj.remove("oneOf") else {
        return;
    };
    obj.remove("type");
    obj.remove("required");
    let branches = kinds
        .into_iter()
        .map(|kind| {
            let Value::Object(mut kind) = kind else {
                return kind;
            };
            let mut properties = match kind.remove("properties") {
                Some(Value::Object(p)) => p,
                _ => Map::new(),
            };
            for (k, v) in &common {
                properties.insert(k.clone(), v.clone());
            }
            kind.remove("required");
            kind.insert("type".into(), json!("object"));
            kind.insert("properties".into(), Value::Object(properties));
            kind.insert("additionalProperties".into(), json!(false));
            Value::Object(kind)
        })
        .collect();
    obj.insert("anyOf".into(), Value::Array(branches));
}

/// Schema transform for [`super::model::SchemaFilter`]: the keyword aliases the proxy accepts
/// (`_if`, `_then`, `_else`, `constant`, §1.7) are properties too.
pub fn filter_aliases(schema: &mut Schema) {
    let Some(Value::Object(properties)) = schema.get_mut("properties") else {
        return;
    };
    for (alias, name) in [
        ("_if", "if"),
        ("_then", "then"),
        ("_else", "else"),
        ("constant", "const"),
    ] {
        if let Some(Value::Object(original)) = properties.get(name) {
            let mut copy = original.clone();
            copy.insert("description".into(), json!(format!("Alias of `{name}`.")));
            properties.insert(alias.into(), Value::Object(copy));
        }
    }
}

/// The published JSON Schema of the rules format (draft-07, which editors support widely).
pub fn json_schema() -> Value {
    let mut schema = generated_schema();
    accept_read_scalars(&mut schema);
    schema
}

/// The words a boolean may be written as, in the proxy's reader: the strings Jackson turns
/// into a boolean, and the plain words of YAML 1.1 (`codes R013`).
const BOOLEAN_WORDS: [&str; 18] = [
    "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "on",
    "On", "ON", "off", "Off", "OFF",
];

/// Makes `schema` take scalars as the proxy's reader does, for editors: a number or a boolean
/// where text is needed (`enum: [10, 30]`, `const: 4`) is read as its text, and a boolean may
/// be written as a word (`includeReversible: "true"`). Our own check applies the same reading
/// to plain scalars only, with the exact schema, to locate what it cannot read.
fn accept_read_scalars(schema: &mut Value) {
    match schema {
        Value::Object(members) => {
            for (key, value) in members.iter_mut() {
                match (key.as_str(), value) {
                    // Maps of schemas by name.
                    ("properties" | "definitions", Value::Object(schemas)) => {
                        schemas.values_mut().for_each(accept_read_scalars);
                    }
                    // Values, not schemas.
                    ("default" | "examples" | "enum" | "const", _) => {}
                    (_, value) => accept_read_scalars(value),
                }
            }
            let types: Vec<&str> = match members.get("type") {
                Some(Value::String(t)) => vec![t.as_str()],
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
                _ => return,
            };
            if types.contains(&"string") && !types.contains(&"number") {
                let mut wider: Vec<Value> = types.iter().map(|t| json!(t)).collect();
                wider.extend([json!("number"), json!("boolean")]);
                members.insert("type".into(), Value::Array(wider));
            } else if types.contains(&"boolean")
                && !types.contains(&"string")
                && !members.contains_key("anyOf")
            {
                let exact = members.remove("type").unwrap_or(Value::Null);
                members.insert(
                    "anyOf".into(),
                    json!([{"type": exact}, {"enum": BOOLEAN_WORDS}]),
                );
            }
        }
        Value::Array(items) => items.iter_mut().for_each(accept_read_scalars),
        _ => {}
    }
}

/// The schema generated from the model, exact: strings are strings and booleans booleans.
fn generated_schema() -> Value {
    let generator = SchemaSettings::draft07().into_generator();
    let generated = generator.into_root_schema_for::<Rules>().to_value();
    let Value::Object(mut generated) = generated else {
        return generated;
    };
    // Header keywords first, for people reading the file.
    let mut schema = Map::new();
    for key in ["$schema", "title", "description"] {
        if let Some(v) = generated.remove(key) {
            schema.insert(key.into(), v);
        }
    }
    schema.insert("title".into(), json!("Psoxy REST rules"));
    schema.insert(
        "$comment".into(),
        json!(
            "In YAML a transform or augment kind is a tag (`- !<pseudonymize>`); in JSON it is \
             the `method` property. Each kind's schema is closed, with `method` optional but \
             constant when present, so tagged YAML items validate too. Generated by \
             `psoxy-rules schema`."
        ),
    );
    schema.extend(generated);
    let mut schema = Value::Object(schema);
    // An endpoint names its requests with one of the two, not blank (R030), which an editor
    // can show.
    if let Some(Value::Object(endpoint)) = schema.pointer_mut("/definitions/Endpoint") {
        endpoint.insert(
            "anyOf".into(),
            json!([
                {"required": ["pathTemplate"], "properties": {"pathTemplate": {"type": "string", "pattern": "\\S"}}},
                {"required": ["pathRegex"], "properties": {"pathRegex": {"type": "string", "pattern": "\\S"}}}
            ]),
        );
    }
    for_readers(&mut schema);
    schema
}

/// Removes the section references (`(§2.13)`) from descriptions: they serve the code's
/// documentation, and mean nothing to the readers of the schema.
fn for_readers(schema: &mut Value) {
    match schema {
        Value::Object(members) => {
            for (key, value) in members.iter_mut() {
                match value {
                    Value::String(text) if key == "description" => {
                        *text = without_section_references(text);
                    }
                    _ => for_readers(value),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(for_readers),
        _ => {}
    }
}

/// `text` without its parenthesized `§` references, and the space before each.
fn without_section_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("(§") {
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        out.push_str(rest[..open].trim_end_matches(' '));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The schema text as committed in `schema/rules.schema.json`.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// The schema our validator uses: the generated one with `method` required in every kind.
fn internal_schema() -> Value {
    let mut schema = generated_schema();
    // R030 says it with the place and a fix.
    if let Some(Value::Object(endpoint)) = schema.pointer_mut("/definitions/Endpoint") {
        endpoint.remove("anyOf");
    }
    if let Some(Value::Object(defs)) = schema.get_mut("definitions") {
        for name in ["Transform", "Augment"] {
            if let Some(Value::Array(branches)) =
                defs.get_mut(name).and_then(|d| d.get_mut("anyOf"))
            {
                for branch in branches {
                    if let Value::Object(b) = branch {
                        b.insert("required".into(), json!(["method"]));
                    }
                }
            }
        }
    }
    schema
}

struct Compiled {
    schema: Value,
    validator: Option<Validator>,
}

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let schema = internal_schema();
        let validator = jsonschema::validator_for(&schema).ok();
        Compiled { schema, validator }
    })
}

/// The keys of a rules file's top-level mapping.
pub(crate) fn top_level_keys() -> Vec<String> {
    compiled().schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The JSON projection of a YAML node: tags of local kind become a leading `method` member.
pub(crate) fn project(node: &Node, problems: &mut Vec<Problem>) -> Value {
    match &node.kind {
        NodeKind::Scalar(s) => {
            if let Some(tag) = &node.tag {
                check_scalar_tag(&tag.kind, tag.span, problems);
            }
            match s.resolve(node.tag.as_ref()) {
                Resolved::Null => Value::Null,
                Resolved::Bool(b) => Value::Bool(b),
                Resolved::Int(i) => Value::from(i),
                Resolved::Float(f) => serde_json::Number::from_f64(f)
                    .map_or_else(|| Value::String(s.text.clone()), Value::Number),
                Resolved::Str(t) => Value::String(t.to_owned()),
            }
        }
        NodeKind::Seq(items) => {
            if let Some(tag) = &node.tag
                && tag.kind != TagKind::Core("seq".into())
            {
                problems.push(unexpected_tag(&tag.kind, tag.span));
            }
            Value::Array(items.iter().map(|n| project(n, problems)).collect())
        }
        NodeKind::Map(entries) => {
            let mut obj = Map::new();
            match node.tag.as_ref().map(|t| (&t.kind, t.span)) {
                Some((TagKind::Local(name), span)) => {
                    // `method` is the kind's name too (§1.5): a list or mapping cannot be one.
                    if let Some(method) = node.get("method")
                        && !matches!(method.value.kind, NodeKind::Scalar(_))
                    {
                        problems.push(Problem {
                            code: Code::WrongType,
                            span: method.key_span,
                            message: format!(
                                "`method` must be a string, not {}",
                                if matches!(method.value.kind, NodeKind::Seq(_)) {
                                    "a list"
                                } else {
                                    "a mapping"
                                }
                            ),
                            help: Some(format!(
                                "remove `method`: the tag `!<{name}>` gives the kind"
                            )),
                        });
                    }
                    if let Some(method) = node.get("method")
                        && let NodeKind::Scalar(m) = &method.value.kind
                        && m.text != *name
                    {
                        let null = m.resolve(method.value.tag.as_ref()) == Resolved::Null;
                        problems.push(Problem {
                            code: Code::KindConflict,
                            span,
                            message: if null {
                                format!(
                                    "the tag names `{name}` but `method` is empty (null); the \
                                     proxy goes by the tag"
                                )
                            } else {
                                format!(
                                    "the tag names `{name}` but `method` names `{}`; the proxy \
                                     goes by the tag",
                                    m.text
                                )
                            },
                            help: Some("keep the tag and remove `method`".into()),
                        });
                    }
                    obj.insert("method".into(), Value::String(name.clone()));
                }
                Some((TagKind::Core(core), _)) if core == "map" => {}
                Some((kind, span)) => {
                    // `!!redact`: a kind written as a YAML core-schema tag. Reported, and the
                    // mapping is checked as the kind it names.
                    if let Some(name) = kind_in_global_tag(kind) {
                        obj.insert("method".into(), Value::String(name.to_owned()));
                    }
                    problems.push(unexpected_tag(kind, span));
                }
                None => {}
            }
            for e in entries {
                if e.key == "method" && obj.contains_key("method") {
                    continue;
                }
                obj.insert(e.key.clone(), project(&e.value, problems));
            }
            Value::Object(obj)
        }
    }
}

fn check_scalar_tag(kind: &TagKind, span: Span, problems: &mut Vec<Problem>) {
    if let TagKind::Core(core) = kind
        && core == "str"
    {
        return;
    }
    problems.push(unexpected_tag(kind, span));
}

/// The transform or augment kind that a tag of the YAML core schema names, as `!!redact` does.
fn kind_in_global_tag(kind: &TagKind) -> Option<&str> {
    let name = match kind {
        TagKind::Core(core) => core.as_str(),
        TagKind::Other(tag) => tag.strip_prefix("!!")?,
        TagKind::Local(_) => return None,
    };
    TransformKind::NAMES
        .iter()
        .chain(AugmentKind::NAMES)
        .any(|k| *k == name)
        .then_some(name)
}

fn unexpected_tag(kind: &TagKind, span: Span) -> Problem {
    if let Some(name) = kind_in_global_tag(kind) {
        return Problem {
            code: Code::UnexpectedTag,
            span,
            message: format!(
                "`!!{name}` is a tag of the YAML core schema, which names no kind; a kind's tag \
                 has one `!`"
            ),
            help: Some(format!("write `!<{name}>`")),
        };
    }
    let message = match kind {
        TagKind::Local(name) => format!(
            "the tag `!<{name}>` is not meaningful here; tags name the kind of a transform or \
             an augment"
        ),
        TagKind::Core(core) => format!("the YAML tag `!!{core}` is not supported here"),
        TagKind::Other(tag) => format!("the YAML tag `{tag}` is not supported"),
    };
    Problem {
        code: Code::UnexpectedTag,
        span,
        message,
        help: Some("remove the tag".into()),
    }
}

/// The structural problems of a document, each with the JSON Pointer of the instance it is
/// about (empty for problems of the projection itself).
pub(crate) struct Structural {
    pub problems: Vec<(String, Problem)>,
    /// Findings of the projection that do not stop the document from loading as the proxy
    /// loads it.
    pub warnings: Vec<Problem>,
    /// Collecting stopped past [`MAX_FINDINGS`] with more left: their number is not known.
    pub cut: bool,
}

/// Validates the projection of `root` against the schema.
pub(crate) fn validate(root: &Node, text: &str) -> Structural {
    let mut projection_problems = Vec::new();
    let mut instance = project(root, &mut projection_problems);
    let (warnings, errors): (Vec<Problem>, Vec<Problem>) = projection_problems
        .into_iter()
        .partition(|p| p.code.severity() == Severity::Warning);
    let mut out: Vec<(String, Problem)> = errors.into_iter().map(|p| (String::new(), p)).collect();
    let compiled = compiled();
    let Some(validator) = &compiled.validator else {
        out.push((
            String::new(),
            Problem {
                code: Code::Internal,
                span: Span::default(),
                message: "the rules schema does not compile".into(),
                help: None,
            },
        ));
        return Structural {
            problems: out,
            warnings,
            cut: false,
        };
    };
    // Jackson reads a plain scalar where a string is expected as its text, and the strings
    // "true"/"false" where a boolean is; patch those and validate again.
    let mut leaves = Vec::new();
    let mut cut = false;
    for _ in 0..4 {
        leaves.clear();
        cut = false;
        for error in validator.iter_errors(&instance) {
            if leaves.len() > MAX_FINDINGS {
                cut = true;
                break;
            }
            flatten(&error, &mut leaves);
        }
        if !coerce(&mut instance, root, &leaves) {
            break;
        }
    }
    let cx = Explain {
        root,
        text,
        schema: &compiled.schema,
    };
    // A value of the wrong type is not also reported as outside an enum.
    let typed: Vec<&[Seg]> = leaves
        .iter()
        .filter(|l| matches!(l.kind, LeafKind::Type(_)))
        .map(|l| l.path.as_slice())
        .collect();
    for leaf in &leaves {
        if out.len() > MAX_FINDINGS {
            cut = true;
            break;
        }
        if matches!(leaf.kind, LeafKind::Enum(_)) && typed.contains(&leaf.path.as_slice()) {
            continue;
        }
        if let LeafKind::Unexpected(keys) = &leaf.kind
            && keys.len() > MAX_FINDINGS + 1
        {
            cut = true;
        }
        for p in cx.explain(leaf) {
            // The tag of a transform without options is meaningful; only its options are
            // missing, which that finding says.
            if p.code == Code::WrongType {
                out.retain(|(_, q)| !(q.code == Code::UnexpectedTag && q.span == p.span));
            }
            out.push((leaf.path_string(), p));
        }
    }
    Structural {
        problems: out,
        warnings,
        cut,
    }
}

/// Findings reported per file at most; a file with more is not worth reading further. One more
/// is collected, to know there are more.
pub(crate) const MAX_FINDINGS: usize = 500;

/// A validation error reduced to what explaining it needs.
#[derive(Debug)]
struct Leaf {
    path: Vec<Seg>,
    evaluation: Vec<Seg>,
    kind: LeafKind,
    instance: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

#[derive(Debug)]
enum LeafKind {
    Unexpected(Vec<String>),
    Required(String),
    Type(Vec<JsonType>),
    Enum(Vec<Value>),
    UnknownKind,
    Other(String),
}

impl Leaf {
    fn path_string(&self) -> String {
        let mut s = String::new();
        for seg in &self.path {
            s.push('/');
            match seg {
                Seg::Key(k) => s.push_str(&k.replace('~', "~0").replace('/', "~1")),
                Seg::Index(i) => s.push_str(&i.to_string()),
            }
        }
        s
    }
}

fn segs(location: &jsonschema::paths::Location) -> Vec<Seg> {
    location
        .iter()
        .map(|s| match s {
            LocationSegment::Property(p) => Seg::Key(p.into_owned()),
            LocationSegment::Index(i) => Seg::Index(i),
        })
        .collect()
}

/// Reduces an error to leaves: an `anyOf` over kinds descends into the branch of the instance's
/// kind; other `anyOf`s (an optional `$ref`) into the branch that is not a plain type mismatch.
fn flatten(error: &ValidationError<'_>, out: &mut Vec<Leaf>) {
    let path = segs(error.instance_path());
    let evaluation = segs(error.evaluation_path());
    let instance = summary(error.instance());
    let kind = match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context }
            if context.iter().all(|b| {
                b.len() == 1
                    && matches!(b[0].kind(), ValidationErrorKind::Constant { .. })
                    && segs(b[0].instance_path()) == path
            }) =>
        {
            // An enum written as one `const` per documented value.
            LeafKind::Enum(
                context
                    .iter()
                    .filter_map(|b| match b[0].kind() {
                        ValidationErrorKind::Constant { expected_value } => {
                            Some((**expected_value).clone())
                        }
                        _ => None,
                    })
                    .collect(),
            )
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let is_type_mismatch = |branch: &Vec<ValidationError<'static>>| {
                branch.len() == 1
                    && matches!(branch[0].kind(), ValidationErrorKind::Type { .. })
                    && segs(branch[0].instance_path()) == path
            };
            let method_path = {
                let mut p = path.clone();
                p.push(Seg::Key("method".into()));
                p
            };
            let wrong_kind = |branch: &Vec<ValidationError<'static>>| {
                branch.iter().any(|e| {
                    matches!(e.kind(), ValidationErrorKind::Constant { .. })
                        && segs(e.instance_path()) == method_path
                })
            };
            let kinds_union = context.iter().any(&wrong_kind);
            let chosen = if kinds_union {
                context.iter().find(|b| !wrong_kind(b))
            } else {
                context.iter().find(|b| !is_type_mismatch(b))
            };
            match chosen {
                Some(branch) => {
                    for e in branch {
                        flatten(e, out);
                    }
                    return;
                }
                None if kinds_union => LeafKind::UnknownKind,
                None => {
                    let mut types = Vec::new();
                    for b in context {
                        if let Some(ValidationErrorKind::Type { kind }) =
                            b.first().map(jsonschema::ValidationError::kind)
                        {
                            types.extend(type_list(kind));
                        }
                    }
                    LeafKind::Type(types)
                }
            }
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            LeafKind::Unexpected(unexpected.clone())
        }
        ValidationErrorKind::Required { property } => {
            LeafKind::Required(property.as_str().unwrap_or_default().to_owned())
        }
        ValidationErrorKind::Type { kind } => LeafKind::Type(type_list(kind)),
        ValidationErrorKind::Enum { options } => {
            LeafKind::Enum(options.as_array().cloned().unwrap_or_default())
        }
        ValidationErrorKind::Constant { expected_value } => {
            LeafKind::Enum(vec![(**expected_value).clone()])
        }
        _ => LeafKind::Other(error.masked().to_string()),
    };
    out.push(Leaf {
        path,
        evaluation,
        kind,
        instance,
    });
}

/// What explaining needs of an instance: scalars whole, an object's `method` only, no array
/// elements (an instance can be the whole document).
fn summary(v: &Value) -> Value {
    match v {
        Value::Array(_) => Value::Array(Vec::new()),
        Value::Object(o) => {
            let mut m = Map::new();
            if let Some(method) = o.get("method") {
                m.insert("method".into(), summary(method));
            }
            Value::Object(m)
        }
        scalar => scalar.clone(),
    }
}

fn type_list(kind: &jsonschema::error::TypeKind) -> Vec<JsonType> {
    match kind {
        jsonschema::error::TypeKind::Single(t) => vec![*t],
        jsonschema::error::TypeKind::Multiple(set) => set.iter().collect(),
    }
}

fn node_at<'n>(root: &'n Node, path: &[Seg]) -> Option<&'n Node> {
    let mut node = root;
    for seg in path {
        node = match (seg, &node.kind) {
            (Seg::Key(k), NodeKind::Map(_)) => &node.get(k)?.value,
            (Seg::Index(i), NodeKind::Seq(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

fn value_at_mut<'v>(value: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    let mut v = value;
    for seg in path {
        v = match seg {
            Seg::Key(k) => v.get_mut(k.as_str())?,
            Seg::Index(i) => v.get_mut(*i)?,
        };
    }
    Some(v)
}

/// Applies Jackson's scalar coercions where a leaf is a type error they resolve. Returns whether
/// anything changed.
fn coerce(instance: &mut Value, root: &Node, leaves: &[Leaf]) -> bool {
    let mut changed = false;
    for leaf in leaves {
        let LeafKind::Type(expected) = &leaf.kind else {
            continue;
        };
        let Some(node) = node_at(root, &leaf.path) else {
            continue;
        };
        let NodeKind::Scalar(scalar) = &node.kind else {
            continue;
        };
        let replacement = if expected.contains(&JsonType::String)
            && scalar.style == Style::Plain
            && matches!(leaf.instance, Value::Number(_) | Value::Bool(_))
        {
            Value::String(scalar.text.clone())
        } else if expected.contains(&JsonType::Boolean) {
            match leaf.instance.as_str() {
                Some("true" | "True" | "TRUE") => Value::Bool(true),
                Some("false" | "False" | "FALSE") => Value::Bool(false),
                Some(word) if scalar.style == Style::Plain && node.tag.is_none() => {
                    match crate::rules::yaml::yaml11_boolean(word) {
                        Some(b) => Value::Bool(b),
                        None => continue,
                    }
                }
                _ => continue,
            }
        } else {
            continue;
        };
        if let Some(slot) = value_at_mut(instance, &leaf.path) {
            *slot = replacement;
            changed = true;
        }
    }
    changed
}

struct Explain<'a> {
    root: &'a Node,
    text: &'a str,
    schema: &'a Value,
}

impl Explain<'_> {
    fn explain(&self, leaf: &Leaf) -> Vec<Problem> {
        let node = node_at(self.root, &leaf.path);
        let head = node.map_or_else(Span::default, |n| n.head_span(self.text));
        let problem = |code: Code, span: Span, message: String| Problem {
            code,
            span,
            message,
            help: None,
        };
        // A transform or augment without kind (R016) has no keys of its own yet: those of some
        // kind are not unknown.
        let kindless = matches!(Self::mapping_kind(leaf), "a transform" | "an augment")
            && node.is_some_and(|n| n.tag.is_none() && n.get("method").is_none());
        let of_some_kind = if kindless {
            self.keys_of_any_kind(Self::item_kind(leaf))
        } else {
            Vec::new()
        };
        match &leaf.kind {
            LeafKind::Unexpected(keys) => keys
                .iter()
                .filter(|key| !of_some_kind.contains(key))
                .take(MAX_FINDINGS + 1)
                .map(|key| {
                    let entry = node.and_then(|n| n.get(key));
                    let span = entry.map_or(head, |e| e.key_span);
                    let known = self.known_keys(leaf);
                    let mut p = problem(
                        Code::UnknownKey,
                        span,
                        format!("unknown key `{}`", crate::diag::quoted(key)),
                    );
                    if key == "method" && entry.is_none() {
                        // Projected from a tag on a mapping that is not a transform or augment.
                        let tag = node.and_then(|n| n.tag.as_ref());
                        return unexpected_tag(
                            tag.map_or(&TagKind::Local(String::new()), |t| &t.kind),
                            tag.map_or(head, |t| t.span),
                        );
                    }
                    let value_is_mapping =
                        entry.is_some_and(|e| matches!(e.value.kind, NodeKind::Map(_)));
                    // A mapping is never what a key of strings was meant to hold (`ref:` for
                    // `$ref`): the key is more likely a property out of its `properties:`.
                    let suggestion = suggest(key, &known)
                        .filter(|s| !(value_is_mapping && self.takes_only_scalars(leaf, s)));
                    let here = Self::mapping_kind(leaf);
                    p.help = suggestion.map_or_else(
                        || match self.owner_of(key).filter(|&o| o != here) {
                            // A transform and an augment stand at the same depth: the key
                            // belongs to the other kind of item, and no indentation fixes it.
                            Some(owner @ ("a transform" | "an augment"))
                                if matches!(here, "a transform" | "an augment") =>
                            {
                                Some(other_item_key(key, owner, &known))
                            }
                            Some(owner) => Some(format!(
                                "`{key}` is a key of {owner}, not of this mapping: check its \
                                 indentation"
                            )),
                            None => (!known.is_empty())
                                .then(|| format!("the keys accepted here are {}", list(&known))),
                        },
                        |s| Some(format!("did you mean `{s}`?")),
                    );
                    if value_is_mapping
                        && p.help
                            .as_deref()
                            .is_none_or(|h| !h.starts_with("did you mean"))
                        && known.iter().any(|k| k == "properties")
                        && known.iter().any(|k| k == "$ref")
                    {
                        p.help = Some(format!(
                            "`{key}` looks like a property (its value is a schema): check the \
                             indentation of the `properties:` it belongs to"
                        ));
                    }
                    // `redactRegexMatches` takes a list, the other regex transforms one regex.
                    let has = |k: &str| known.iter().any(|c| c == k);
                    if key == "regex" && has("redactions") && !has("regex") {
                        p.help = Some(
                            "did you mean `redactions` (a list of regexes)? e.g. \
                             `redactions: [\"…\"]`"
                                .into(),
                        );
                    }
                    if key == "redactions" && has("regex") && !has("redactions") {
                        p.help = Some(
                            "did you mean `regex` (one regex, a string)? e.g. `regex: \"…\"`"
                                .into(),
                        );
                    }
                    // A case file given to `validate`: its keys are no mistake.
                    let case_file_key = ["rules", "cases", "salt", "encryptionKey", "allowedLeaks"]
                        .contains(&key.as_str());
                    if leaf.path.is_empty()
                        && case_file_key
                        && node.is_some_and(|n| n.get("cases").is_some())
                    {
                        p.help = Some(
                            "this is a case file, not a rules file: run `psoxy-rules test FOLDER` \
                             with the folder that holds it"
                                .into(),
                        );
                    }
                    if key == "description" || key == "comment" {
                        p.help = Some(
                            "the proxy's reader refuses it too; write a YAML comment (`# …`) \
                             instead"
                                .into(),
                        );
                    }
                    // A plain `<<` is a YAML merge key, which Jackson's YAML reader does not
                    // merge: it reads an ordinary key, and the proxy refuses it as unknown.
                    let plain =
                        entry.is_some_and(|e| self.text[e.key_span.start..].starts_with('<'));
                    if key == "<<" && plain {
                        p.help = Some(
                            "merge keys (`<<: *anchor`) are not supported by the proxy's reader, \
                             which refuses `<<` as a key: write the keys out here"
                                .into(),
                        );
                    }
                    p
                })
                .collect(),
            LeafKind::Required(key) if key == "method" => {
                let what = Self::item_kind(leaf);
                let mut p = problem(Code::MissingKind, head, format!("this {what} has no kind"));
                // The first kind that takes every key the item has, for an example that fixes it.
                let (definition, fallback) = if what == "augment" {
                    ("Augment", "textDigest")
                } else {
                    ("Transform", "redact")
                };
                let keys: Vec<&str> = match node_at(self.root, &leaf.path).map(|n| &n.kind) {
                    Some(NodeKind::Map(entries)) => {
                        entries.iter().map(|e| e.key.as_str()).collect()
                    }
                    _ => Vec::new(),
                };
                let branches = self
                    .schema
                    .pointer(&format!("/definitions/{definition}/anyOf"))
                    .and_then(Value::as_array);
                let kind = branches
                    .into_iter()
                    .flatten()
                    .find(|b| {
                        keys.iter()
                            .all(|k| b.pointer(&format!("/properties/{k}")).is_some())
                    })
                    .and_then(|b| b.pointer("/properties/method/const"))
                    .and_then(Value::as_str)
                    .unwrap_or(fallback);
                // A document written as JSON (one flow mapping) has no tags in it.
                let json = self.text.as_bytes().get(self.root.span.start) == Some(&b'{');
                p.help = Some(if json {
                    format!("add its kind as a member, e.g. `\"method\": \"{kind}\"`")
                } else {
                    format!("start it with a tag, e.g. `- !<{kind}>`, or add `method:`")
                });
                vec![p]
            }
            LeafKind::Required(key) => {
                vec![problem(
                    Code::MissingKey,
                    head,
                    format!("missing key `{key}`"),
                )]
            }
            LeafKind::UnknownKind => {
                let what = Self::item_kind(leaf);
                let names: &[&str] = if what == "augment" {
                    AugmentKind::NAMES
                } else {
                    TransformKind::NAMES
                };
                let method = leaf.instance.get("method");
                // A list or mapping is no kind name at all.
                if let Some(method @ (Value::Array(_) | Value::Object(_))) = method {
                    let span = node
                        .and_then(|n| n.get("method"))
                        .map_or(head, |e| first_line(self.text, e.value.span));
                    let mut p = problem(
                        Code::WrongType,
                        span,
                        format!("`method` must be a string, not {}", value_kind(method)),
                    );
                    let json = self.text.as_bytes().get(self.root.span.start) == Some(&b'{');
                    p.help = Some(if json {
                        format!(
                            "write the {what}'s kind as a string, e.g. `\"method\": \"{}\"`",
                            names[0]
                        )
                    } else {
                        format!(
                            "write the {what}'s kind as a name, e.g. `method: {}`",
                            names[0]
                        )
                    });
                    return vec![p];
                }
                let name = match method {
                    Some(Value::String(name)) => name.clone(),
                    Some(scalar @ (Value::Number(_) | Value::Bool(_))) => scalar.to_string(),
                    _ => String::new(),
                };
                let name = name.as_str();
                let span = node.map_or(head, |n| {
                    n.tag.as_ref().map_or_else(
                        || n.get("method").map_or(head, |e| e.value.span),
                        |t| t.span,
                    )
                });
                let mut p = problem(
                    Code::UnknownKind,
                    span,
                    format!("unknown {what} kind `{name}`"),
                );
                let known: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
                // A kind of the other list: the item is in the wrong one.
                let (other, other_what, other_list) = if what == "augment" {
                    (TransformKind::NAMES, "a transform", "transforms")
                } else {
                    (AugmentKind::NAMES, "an augment", "augments")
                };
                p.help = Some(suggest(name, &known).map_or_else(
                    || {
                        if other.contains(&name) {
                            format!(
                                "`{name}` is {other_what}: list it under the endpoint's \
                                 `{other_list}:`"
                            )
                        } else {
                            format!("the {what} kinds are {}", list(&known))
                        }
                    },
                    |s| {
                        if s.eq_ignore_ascii_case(name) {
                            format!("did you mean `{s}`? (kind names are case-sensitive)")
                        } else {
                            format!("did you mean `{s}`?")
                        }
                    },
                ));
                // Keys that no kind has are mistakes whatever the kind is meant to be.
                let any_kind = self.keys_of_any_kind(what);
                let mut found = vec![p];
                if let Some(NodeKind::Map(entries)) = node.map(|n| &n.kind) {
                    for e in entries.iter().filter(|e| !any_kind.contains(&e.key)) {
                        let mut p = problem(
                            Code::UnknownKey,
                            e.key_span,
                            format!("unknown key `{}`", crate::diag::quoted(&e.key)),
                        );
                        p.help = suggest(&e.key, &any_kind).map(|s| format!("did you mean `{s}`?"));
                        found.push(p);
                    }
                }
                found
            }
            LeafKind::Type(expected) => {
                if let Some(p) = Self::kind_without_options(leaf, node) {
                    return vec![p];
                }
                let span = node.map_or(head, |n| first_line(self.text, n.span));
                if leaf.instance.is_null() && expected.iter().all(|t| *t == JsonType::Boolean) {
                    let mut p = problem(
                        Code::NullBoolean,
                        span,
                        format!(
                            "`{}` is null; the proxy fails at request time",
                            Self::key(leaf)
                        ),
                    );
                    p.help = Some("write `true` or `false`, or remove the key".into());
                    return vec![p];
                }
                let mut wanted: Vec<String> = Vec::new();
                for t in expected.iter().filter(|t| **t != JsonType::Null) {
                    let name = type_name(*t).to_owned();
                    if !wanted.contains(&name) {
                        wanted.push(name);
                    }
                }
                let mut p = problem(
                    Code::WrongType,
                    span,
                    format!(
                        "`{}` must be {}, not {}",
                        Self::key(leaf),
                        alternatives(&wanted),
                        value_kind(&leaf.instance)
                    ),
                );
                if expected == &[JsonType::Boolean] {
                    p.help = Some("write `true` or `false`".into());
                }
                if Self::key(leaf) == "type" && leaf.instance.is_array() {
                    p.help = Some(
                        "name one type, e.g. `type: \"string\"`; a null value stays null under \
                         any type but `boolean`, which makes it false"
                            .into(),
                    );
                }
                if expected.contains(&JsonType::String)
                    && let Some(help) = node.and_then(|n| self.unquoted_path(n))
                {
                    p.help = Some(help);
                }
                if expected.contains(&JsonType::Array)
                    && !expected.contains(&JsonType::String)
                    && leaf.instance.is_string()
                {
                    let key = Self::key(leaf);
                    p.help = Some(format!(
                        "write a list, even of one item: `{key}: [\"…\"]`, or each item on its own \
                         line under `{key}:` as `- \"…\"`"
                    ));
                }
                vec![p]
            }
            LeafKind::Enum(options) => {
                let span = node.map_or(head, |n| first_line(self.text, n.span));
                let options: Vec<String> = options
                    .iter()
                    .map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_owned))
                    .collect();
                let found = leaf
                    .instance
                    .as_str()
                    .map_or_else(|| leaf.instance.to_string(), str::to_owned);
                let mut p = problem(
                    Code::InvalidValue,
                    span,
                    format!("`{}` cannot be `{found}`", Self::key(leaf)),
                );
                p.help = Some(suggest(&found, &options).map_or_else(
                    || format!("use one of {}", choices(&options)),
                    |s| format!("did you mean `{s}`?"),
                ));
                vec![p]
            }
            LeafKind::Other(message) => vec![problem(Code::WrongType, head, message.clone())],
        }
    }

    /// Help for a JSONPath that YAML read as a mapping, as it reads `$.a[?(@.b == 'c: d')]`
    /// unquoted: the `: ` in it ends a key. With the path as written, quoted, when it is one line
    /// that double or single quotes hold without escapes, short enough to be shown whole.
    fn unquoted_path(&self, node: &Node) -> Option<String> {
        let NodeKind::Map(entries) = &node.kind else {
            return None;
        };
        let first = entries.first().filter(|e| e.key.starts_with('$'))?;
        let written = self
            .text
            .get(first.key_span.start..node.span.end)?
            .trim_end();
        // An example cut short would not be the path to write: none for long paths.
        let fits = written.chars().count() <= crate::diag::QUOTED_CHARS;
        let quote = ['"', '\'']
            .into_iter()
            .find(|q| fits && written.starts_with('$') && !written.contains([*q, '\\', '\n']));
        let example = quote.map_or_else(String::new, |q| format!(", as in `{q}{written}{q}`"));
        Some(format!(
            "quote the JSONPath{example}: unquoted, YAML reads `: ` in it as a mapping"
        ))
    }

    /// A transform or augment written as a kind tag on something other than a mapping
    /// (`- !<redact>` alone, or followed by a list): its options are missing, not its type.
    fn kind_without_options(leaf: &Leaf, node: Option<&Node>) -> Option<Problem> {
        let LeafKind::Type(expected) = &leaf.kind else {
            return None;
        };
        let in_list = matches!(
            leaf.path.iter().rev().nth(1),
            Some(Seg::Key(k)) if k == "transforms" || k == "augments"
        );
        let tag = node?.tag.as_ref()?;
        let TagKind::Local(name) = &tag.kind else {
            return None;
        };
        if !in_list || !expected.iter().all(|t| *t == JsonType::Object) {
            return None;
        }
        let what = Self::item_kind(leaf);
        Some(Problem {
            code: Code::WrongType,
            span: tag.span,
            message: format!(
                "the {what} `!<{name}>` has no options: it is followed by {}, not a mapping",
                if leaf.instance.is_null() {
                    "nothing".to_owned()
                } else {
                    value_kind(&leaf.instance).to_string()
                }
            ),
            help: Some(format!(
                "write its options as a mapping after the tag, e.g. `- !<{name}>` then \
                 `jsonPaths: [\"$.email\"]` indented below it"
            )),
        })
    }

    /// The key (or `[index]`) the leaf's instance is at.
    fn key(leaf: &Leaf) -> String {
        match leaf.path.last() {
            Some(Seg::Key(k)) => k.clone(),
            Some(Seg::Index(i)) => {
                let parent = match leaf.path.iter().rev().nth(1) {
                    Some(Seg::Key(k)) => k.as_str(),
                    _ => "",
                };
                format!("{parent}[{i}]")
            }
            None => "the document".into(),
        }
    }

    /// `transform` or `augment`, from the list the item is in.
    fn item_kind(leaf: &Leaf) -> &'static str {
        let in_augments = leaf.path.iter().rev().nth(1) == Some(&Seg::Key("augments".into()));
        if in_augments { "augment" } else { "transform" }
    }

    /// What the mapping of `leaf` is, in the words of [`Explain::owner_of`].
    fn mapping_kind(leaf: &Leaf) -> &'static str {
        let key = |i: usize| match leaf.path.get(i) {
            Some(Seg::Key(k)) => Some(k.as_str()),
            _ => None,
        };
        match (leaf.path.len(), key(0), key(2)) {
            (0, _, _) => "the top level of the file",
            (2, Some("endpoints"), _) => "an endpoint",
            (4, Some("endpoints"), Some("transforms")) => "a transform",
            (4, Some("endpoints"), Some("augments")) => "an augment",
            _ => "",
        }
    }

    /// The keys of every transform kind, or of every augment kind, `method` included.
    fn keys_of_any_kind(&self, what: &str) -> Vec<String> {
        let definition = if what == "augment" {
            "Augment"
        } else {
            "Transform"
        };
        let mut keys: Vec<String> = self
            .schema
            .pointer(&format!("/definitions/{definition}/anyOf"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|branch| branch.get("properties").and_then(Value::as_object))
            .flat_map(|p| p.keys().cloned())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// What `key` is a key of elsewhere in a rules file (the top level, an endpoint, a transform
    /// or an augment), for a key written at the wrong indentation.
    fn owner_of(&self, key: &str) -> Option<&'static str> {
        let has = |schema: Option<&Value>| {
            schema.is_some_and(|s| {
                s.get("properties").is_some_and(|p| p.get(key).is_some())
                    || ["oneOf", "anyOf", "allOf"].iter().any(|k| {
                        s.get(k).and_then(Value::as_array).is_some_and(|b| {
                            b.iter()
                                .any(|b| b.pointer(&format!("/properties/{key}")).is_some())
                        })
                    })
            })
        };
        let definition = |name: &str| self.schema.pointer(&format!("/definitions/{name}"));
        [
            (Some(self.schema), "the top level of the file"),
            (definition("Endpoint"), "an endpoint"),
            (definition("Transform"), "a transform"),
            (definition("Augment"), "an augment"),
        ]
        .into_iter()
        .find(|(schema, _)| has(*schema))
        .map(|(_, owner)| owner)
    }

    /// The keys accepted where an `additionalProperties` error was raised: the `properties` of
    /// the schema the evaluation path leads to.
    fn known_keys(&self, leaf: &Leaf) -> Vec<String> {
        self.properties(leaf)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The schema of `key` among the keys accepted where `leaf` is.
    fn property_schema(&self, leaf: &Leaf, key: &str) -> Option<&Value> {
        self.properties(leaf)?.get(key)
    }

    /// The `properties` of the schema the evaluation path of `leaf` leads to.
    fn properties(&self, leaf: &Leaf) -> Option<&serde_json::Map<String, Value>> {
        let mut schema = self.schema;
        let mut segs: &[Seg] = &leaf.evaluation;
        if let Some((Seg::Key(last), rest)) = segs.split_last()
            && last == "additionalProperties"
        {
            segs = rest;
        }
        for seg in segs {
            schema = match seg {
                Seg::Key(k) if k == "$ref" => schema
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix('#'))
                    .and_then(|p| self.schema.pointer(p))?,
                Seg::Key(k) => schema.get(k.as_str())?,
                Seg::Index(i) => schema.get(*i)?,
            };
        }
        schema.get("properties").and_then(Value::as_object)
    }

    /// Whether `key`, accepted where `leaf` is, takes only a string, number or boolean (its
    /// schema names types and `object` is not one of them), as `$ref` does.
    fn takes_only_scalars(&self, leaf: &Leaf, key: &str) -> bool {
        let Some(schema) = self.property_schema(leaf, key) else {
            return false;
        };
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => return false,
        };
        !types.iter().any(|t| matches!(*t, "object" | "array"))
    }
}

fn type_name(t: JsonType) -> &'static str {
    match t {
        JsonType::Array => "a list",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Null => "null",
        JsonType::Number => "a number",
        JsonType::Object => "a mapping",
        JsonType::String => "a string",
    }
}

fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn alternatives(items: &[String]) -> String {
    match items {
        [] => "something else".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The help for `key`, a key of `owner` (a transform or an augment) written in an item of the
/// other kind, which accepts `known`: augments and transforms read JSON inside a string with
/// keys of their own.
fn other_item_key(key: &str, owner: &str, known: &[String]) -> String {
    match key {
        "isJsonEscaped" | "jsonPathToProcessWhenEscaped" => format!(
            "`{key}` is a key of the `textDigest` transform; an augment reads JSON inside a \
             string with `innerJsonPath`, the path of the text inside it"
        ),
        "innerJsonPath" => "`innerJsonPath` is a key of an augment; the `textDigest` transform \
                            reads JSON inside a string with `isJsonEscaped: true` and \
                            `jsonPathToProcessWhenEscaped`"
            .to_owned(),
        _ => format!(
            "`{key}` is a key of {owner}, not of this kind of item: the keys accepted here are {}",
            list(known)
        ),
    }
}

/// `a`, `b` and `c`, sorted: all of them.
pub(crate) fn list(items: &[String]) -> String {
    quoted_sorted(items, "and")
}

/// `a`, `b` or `c`, sorted: one to choose, as after "use one of".
pub(crate) fn choices(items: &[String]) -> String {
    quoted_sorted(items, "or")
}

fn quoted_sorted(items: &[String], conjunction: &str) -> String {
    let mut sorted: Vec<&String> = items.iter().collect();
    sorted.sort();
    let quoted: Vec<String> = sorted.iter().map(|s| format!("`{s}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {conjunction} {last}", init.join(", ")),
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub(crate) fn suggest(word: &str, candidates: &[String]) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    if let Some(c) = candidates.iter().find(|c| c.to_ascii_lowercase() == lower) {
        return Some(c.clone());
    }
    // `methods` for `allowedMethods`: the word is a distinctive part of one candidate.
    let containing: Vec<&String> = candidates
        .iter()
        .filter(|c| lower.len() >= 4 && c.to_ascii_lowercase().contains(&lower))
        .collect();
    if let [only] = containing.as_slice() {
        return Some((*only).clone());
    }
    candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.clone())
}

/// Edit distance in characters, two neighbouring characters swapped counting as one edit
/// (`emial` is one edit from `email`).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::yaml;

    fn problems(text: &str) -> Vec<Problem> {
        let (root, p) = yaml::parse(text);
        assert!(p.is_empty(), "{p:?}");
        validate(&root.expect("document"), text)
            .problems
            .into_iter()
            .map(|(_, p)| p)
            .collect()
    }

    #[test]
    fn schema_compiles() {
        assert!(compiled().validator.is_some());
    }

    #[test]
    fn transform_schema_is_a_closed_union_with_optional_method() {
        let schema = json_schema();
        let branches = schema
            .pointer("/definitions/Transform/anyOf")
            .and_then(Value::as_array)
            .expect("anyOf");
        assert_eq!(branches.len(), TransformKind::NAMES.len());
        for (branch, name) in branches.iter().zip(TransformKind::NAMES) {
            assert_eq!(branch["properties"]["method"]["const"], json!(name));
            assert_eq!(branch["additionalProperties"], json!(false));
            assert!(branch.get("required").is_none());
            assert!(branch["properties"].get("jsonPaths").is_some());
        }
    }

    #[test]
    fn tagged_item_without_method_validates_against_the_published_schema() {
        let schema = json_schema();
        let validator = jsonschema::validator_for(&schema).expect("compiles");
        let editor_view = json!({"endpoints": [{"pathTemplate": "/a", "transforms": [
            {"jsonPaths": ["$.a"], "encoding": "JSON"}
        ]}]});
        assert!(validator.is_valid(&editor_view));
        let typo = json!({"endpoints": [{"pathTemplate": "/a", "transforms": [
            {"jsonPaths": ["$.a"], "encodings": "JSON"}
        ]}]});
        assert!(!validator.is_valid(&typo));
    }

    #[test]
    fn filter_aliases_are_accepted_keys() {
        let schema = json_schema();
        for alias in ["_if", "_then", "_else", "constant"] {
            assert!(
                schema
                    .pointer(&format!("/definitions/SchemaFilter/properties/{alias}"))
                    .is_some(),
                "{alias}"
            );
        }
    }

    #[test]
    fn unknown_endpoint_key_suggests_the_known_one() {
        let p = problems("endpoints:\n  - pathTemplate: /a\n    methods: [GET]\n");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, Code::UnknownKey);
        assert_eq!(p[0].span, Span::new(36, 43));
        assert_eq!(p[0].help.as_deref(), Some("did you mean `allowedMethods`?"));
    }

    #[test]
    fn a_key_of_another_level_says_to_check_the_indentation() {
        let mut p = problems(
            "endpoints:\n  - pathTemplate: /a\n    includeReversible: true\n    transforms:\n      \
             - !<redact>\n        jsonPaths: [$.a]\n        encoding: JSON\n        pathRegex: x\n",
        );
        p.sort_by_key(|p| p.span.start);
        let helps: Vec<_> = p.iter().map(|p| p.help.as_deref().unwrap_or("")).collect();
        assert_eq!(
            helps,
            [
                "`includeReversible` is a key of a transform, not of this mapping: check its \
                 indentation",
                // A key of another kind of transform is no indentation mistake.
                "the keys accepted here are `applyOnlyWhen`, `fields`, `jsonPaths` and `method`",
                "`pathRegex` is a key of an endpoint, not of this mapping: check its indentation",
            ],
            "{p:?}"
        );
    }

    #[test]
    fn a_key_of_the_other_kind_of_item_names_the_key_this_kind_takes() {
        let mut p = problems(
            "endpoints:\n  - pathTemplate: /a\n    augments:\n      - !<textDigest>\n        \
             jsonPaths: [$.a]\n        isJsonEscaped: true\n        regex: x\n    transforms:\n      \
             - !<textDigest>\n        jsonPaths: [$.a]\n        innerJsonPath: $.b\n",
        );
        p.sort_by_key(|p| p.span.start);
        let helps: Vec<_> = p.iter().map(|p| p.help.as_deref().unwrap_or("")).collect();
        // The two kinds of items stand at one depth: no indentation mistake.
        assert_eq!(
            helps,
            [
                "`isJsonEscaped` is a key of the `textDigest` transform; an augment reads JSON \
                 inside a string with `innerJsonPath`, the path of the text inside it",
                "`regex` is a key of a transform, not of this kind of item: the keys accepted \
                 here are `innerJsonPath`, `jsonPaths`, `keywords`, `method` and `outputSchema`",
                "`innerJsonPath` is a key of an augment; the `textDigest` transform reads JSON \
                 inside a string with `isJsonEscaped: true` and `jsonPathToProcessWhenEscaped`",
            ],
            "{p:?}"
        );
    }

    #[test]
    fn a_kind_of_the_other_list_says_where_it_belongs() {
        let p = problems(
            "endpoints:\n  - pathTemplate: /a\n    augments:\n      - !<pseudonymize>\n        \
             jsonPaths: [$.a]\n    transforms:\n      - !<sentenceMetadata>\n        \
             jsonPaths: [$.a]\n",
        );
        let helps: Vec<_> = p
            .iter()
            .filter(|p| p.code == Code::UnknownKind)
            .map(|p| p.help.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(
            helps,
            [
                "`pseudonymize` is a transform: list it under the endpoint's `transforms:`",
                "`sentenceMetadata` is an augment: list it under the endpoint's `augments:`",
            ],
            "{p:?}"
        );
    }

    #[test]
    fn a_regex_key_of_the_other_regex_transforms_names_the_key_this_kind_takes() {
        let p = problems(
            "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !<redactRegexMatches>\n        \
             jsonPaths: [$.a]\n        regex: x\n      - !<pseudonymizeRegexMatches>\n        \
             jsonPaths: [$.a]\n        redactions: [x]\n      - !<tokenize>\n        \
             jsonPaths: [$.a]\n        redactions: [x]\n",
        );
        let found: Vec<_> = p
            .iter()
            .map(|p| (p.message.as_str(), p.help.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "unknown key `regex`",
                    "did you mean `redactions` (a list of regexes)? e.g. `redactions: [\"…\"]`"
                ),
                (
                    "unknown key `redactions`",
                    "did you mean `regex` (one regex, a string)? e.g. `regex: \"…\"`"
                ),
                (
                    "unknown key `redactions`",
                    "did you mean `regex` (one regex, a string)? e.g. `regex: \"…\"`"
                ),
            ],
            "{p:?}"
        );
    }

    #[test]
    fn a_schema_key_holding_a_mapping_is_said_to_look_like_a_property_not_a_string_key() {
        // `properties:` out-dented one level: `head`'s members become keys of a schema.
        let p = problems(
            "endpoints:\n  - pathTemplate: /a\n    responseSchema:\n      type: object\n      \
             properties:\n        head:\n          type: object\n          ref: '#/definitions/A'\n        \
             properties:\n          ref: {type: string}\n          sha: {type: string}\n          \
             iterms: {type: string}\n",
        );
        let found: Vec<_> = p
            .iter()
            .map(|p| (p.message.as_str(), p.help.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            found,
            [
                // A string is what `$ref` takes: the suggestion stays.
                ("unknown key `ref`", "did you mean `$ref`?"),
                (
                    "unknown key `ref`",
                    "`ref` looks like a property (its value is a schema): check the indentation \
                     of the `properties:` it belongs to"
                ),
                (
                    "unknown key `sha`",
                    "`sha` looks like a property (its value is a schema): check the indentation \
                     of the `properties:` it belongs to"
                ),
                // A key that takes a schema is still suggested for a mapping.
                ("unknown key `iterms`", "did you mean `items`?"),
            ],
            "{p:?}"
        );
    }

    #[test]
    fn a_case_file_given_as_rules_is_told_to_be_run_with_test() {
        let p = problems("rules: r.yaml\ncases:\n  - request: GET /x\n    original: o.json\n");
        let found: Vec<_> = p
            .iter()
            .map(|p| (p.message.as_str(), p.help.as_deref().unwrap_or("")))
            .collect();
        let help = "this is a case file, not a rules file: run `psoxy-rules test FOLDER` with the \
                    folder that holds it";
        assert_eq!(
            found,
            [("unknown key `rules`", help), ("unknown key `cases`", help)]
        );
        // Without `cases`, `rules` is an unknown key like any other.
        let p = problems("rules: r.yaml\nendpoints: []\n");
        assert!(
            p[0].help
                .as_deref()
                .is_some_and(|h| h.starts_with("the keys accepted here are")),
            "{p:?}"
        );
    }

    #[test]
    fn a_long_unknown_key_is_quoted_cut() {
        let key = "k".repeat(300);
        let p = problems(&format!("endpoints:\n  - pathTemplate: /a\n    {key}: 1\n"));
        assert_eq!(p[0].code, Code::UnknownKey);
        assert_eq!(p[0].message, format!("unknown key `{}…`", "k".repeat(100)));
    }

    #[test]
    fn unknown_option_of_a_kind_is_reported_in_that_kind() {
        let p = problems(
            "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !<pseudonymize>\n        encodng: JSON\n",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, Code::UnknownKey);
        assert_eq!(p[0].help.as_deref(), Some("did you mean `encoding`?"));
    }

    #[test]
    fn a_kind_in_other_letter_case_is_told_that_kinds_are_case_sensitive() {
        let p = problems(
            "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !<Redact>\n        \
             jsonPaths: [$.a]\n",
        );
        assert_eq!(p[0].code, Code::UnknownKind);
        assert_eq!(
            p[0].help.as_deref(),
            Some("did you mean `redact`? (kind names are case-sensitive)")
        );
    }

    #[test]
    fn keys_no_kind_has_are_reported_beside_an_unknown_kind() {
        let text = "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !<redcat>\n        \
                    jsonPath: [$.a]\n        encoding: JSON\n";
        let p = problems(text);
        let found: Vec<_> = p
            .iter()
            .map(|p| {
                (
                    p.code,
                    &text[p.span.range()],
                    p.help.as_deref().unwrap_or(""),
                )
            })
            .collect();
        // `encoding` is a key of some kind: it waits for the kind to be known.
        assert_eq!(
            found,
            [
                (Code::UnknownKind, "!<redcat>", "did you mean `redact`?"),
                (Code::UnknownKey, "jsonPath", "did you mean `jsonPaths`?"),
            ]
        );
    }

    #[test]
    fn unknown_kind_points_at_the_tag() {
        let text = "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !<pseudonymise>\n        jsonPaths: []\n";
        let p = problems(text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, Code::UnknownKind);
        assert_eq!(&text[p[0].span.range()], "!<pseudonymise>");
    }

    #[test]
    fn item_without_kind_is_missing_kind() {
        let p =
            problems("endpoints:\n  - pathTemplate: /a\n    transforms:\n      - jsonPaths: []\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, Code::MissingKind);
    }

    #[test]
    fn null_boolean_is_its_own_error() {
        let p = problems(
            "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !<pseudonymize>\n        includeReversible:\n",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, Code::NullBoolean);
    }

    #[test]
    fn plain_number_reads_as_a_string_and_quoted_boolean_as_a_boolean() {
        let p = problems(
            "endpoints:\n  - pathTemplate: /a\n    allowedQueryParams: [123, true]\n    transforms:\n      - !<pseudonymize>\n        includeReversible: \"true\"\n",
        );
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn invalid_encoding_suggests_the_right_case() {
        let p = problems(
            "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !<pseudonymize>\n        encoding: url_safe_token\n",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, Code::InvalidValue);
        assert_eq!(p[0].help.as_deref(), Some("did you mean `URL_SAFE_TOKEN`?"));
    }

    #[test]
    fn an_invalid_encoding_far_from_any_is_offered_the_names_to_choose_from() {
        let p = problems(
            "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !<pseudonymize>\n        encoding: HEX\n",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            p[0].help.as_deref(),
            Some("use one of `JSON`, `URL_SAFE_HASH_ONLY` or `URL_SAFE_TOKEN`")
        );
    }

    #[test]
    fn a_list_of_all_ends_in_and_and_a_choice_in_or() {
        let items = ["b", "a", "c"].map(str::to_owned);
        assert_eq!(list(&items), "`a`, `b` and `c`");
        assert_eq!(choices(&items), "`a`, `b` or `c`");
        assert_eq!(choices(&items[..1]), "`b`");
    }

    #[test]
    fn wrong_type_names_expected_and_found() {
        let p = problems("endpoints:\n  - pathTemplate: [a]\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, Code::WrongType);
        assert_eq!(p[0].message, "`pathTemplate` must be a string, not a list");
    }

    #[test]
    fn a_kind_written_as_a_core_schema_tag_is_told_to_take_one_exclamation_mark() {
        let p = problems(
            "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !!redact\n        jsonPaths: [$.a]\n      - !!pseudonymize\n        jsonPaths: [$.b]\n        encoding: JSON\n",
        );
        let found: Vec<(Code, Option<&str>)> =
            p.iter().map(|p| (p.code, p.help.as_deref())).collect();
        assert_eq!(
            found,
            [
                (Code::UnexpectedTag, Some("write `!<redact>`")),
                (Code::UnexpectedTag, Some("write `!<pseudonymize>`")),
            ]
        );
        // A tag that names no kind is only to be removed.
        let p = problems(
            "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !!str\n        jsonPaths: [$.a]\n",
        );
        assert!(p.iter().any(|p| p.code == Code::MissingKind), "{p:?}");
        assert!(
            p.iter()
                .any(|p| p.code == Code::UnexpectedTag
                    && p.help.as_deref() == Some("remove the tag")),
            "{p:?}"
        );
    }

    #[test]
    fn a_method_that_is_a_list_or_mapping_is_of_the_wrong_type_with_a_tag_or_without() {
        let found = |text: &str| -> Vec<(Code, String, Option<String>)> {
            problems(text)
                .into_iter()
                .map(|p| (p.code, p.message, p.help))
                .collect()
        };
        let rules = |item: &str| {
            format!(
                "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - {item}\n        jsonPaths: [$.a]\n"
            )
        };
        assert_eq!(
            found(&rules("!<redact>\n        method: [redact]")),
            [(
                Code::WrongType,
                "`method` must be a string, not a list".to_owned(),
                Some("remove `method`: the tag `!<redact>` gives the kind".to_owned())
            )]
        );
        assert_eq!(
            found(&rules("!<redact>\n        method: {a: b}"))[0].1,
            "`method` must be a string, not a mapping"
        );
        assert_eq!(
            found(&rules("method: [redact]")),
            [(
                Code::WrongType,
                "`method` must be a string, not a list".to_owned(),
                Some("write the transform's kind as a name, e.g. `method: redact`".to_owned())
            )]
        );
        assert_eq!(
            found(&rules("method: 12"))[0].1,
            "unknown transform kind `12`"
        );
    }

    #[test]
    fn tag_on_an_endpoint_is_unexpected() {
        let p = problems("endpoints:\n  - !<redact>\n    pathTemplate: /a\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, Code::UnexpectedTag);
    }

    #[test]
    fn suggestion_needs_a_close_match() {
        let known = vec!["allowedMethods".to_owned(), "pathTemplate".to_owned()];
        assert_eq!(
            suggest("pathtemplate", &known).as_deref(),
            Some("pathTemplate")
        );
        assert_eq!(suggest("zzz", &known), None);
        let names = vec!["email".to_owned(), "name".to_owned()];
        assert_eq!(suggest("emial", &names).as_deref(), Some("email"));
        assert_eq!(suggest("nmae", &names).as_deref(), Some("name"));
        assert_eq!(suggest("mean", &names), None);
    }
}
