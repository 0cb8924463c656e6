//! The typed REST rules model (§1). These types are the single source of the JSON Schema of the
//! format (derived with schemars); the loader fills them from YAML or JSON with source spans.

use std::collections::BTreeMap;
use std::sync::Arc;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};

use super::span::{Located, SourceFile};

/// Psoxy REST rules: the allow-list of API endpoints and how their responses are sanitized.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rules {
    /// The allowed endpoints. A request is matched against them in file order; the first match
    /// sanitizes the response.
    #[serde(default)]
    pub endpoints: Vec<Located<Endpoint>>,
    /// Deprecated. Allows every request; a response whose URL matches no endpoint is then passed
    /// through unchanged.
    #[serde(default)]
    pub allow_all_endpoints: Located<bool>,
    /// Request headers forwarded to the source for every endpoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_request_headers: Vec<String>,
    /// Shared schemas, referenced from any `responseSchema` as `$ref: "#/definitions/NAME"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definitions: Option<BTreeMap<String, Located<SchemaFilter>>>,
    /// Legacy; accepted and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_scope_id_for_source: Option<Located<Ignored>>,
    /// The file the rules were read from.
    #[serde(skip)]
    pub source: Arc<SourceFile>,
}

/// One allowed endpoint: which requests it matches and how their responses are sanitized.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Endpoint {
    /// OpenAPI-style path template, e.g. `/v2/users/{userId}/meetings`, matched against the
    /// request path (without query), ignoring ASCII case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_template: Option<Located<String>>,
    /// Java regex matched against the whole path and query (`/p?a=1`), ignoring ASCII case. Takes
    /// precedence over `pathTemplate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_regex: Option<Located<String>>,
    /// Schemas validating named template parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_parameter_schemas: Option<BTreeMap<String, Located<ParameterSchema>>>,
    /// Allowed query parameter names (case-insensitive). Absent: any; `[]`: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_query_params: Option<Vec<String>>,
    /// Schemas validating query parameter values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_param_schemas: Option<BTreeMap<String, Located<QueryParameterSchema>>>,
    /// Allowed HTTP methods (case-insensitive). Absent: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_methods: Option<Located<Vec<Located<String>>>>,
    /// Request headers forwarded to the source for this endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_request_headers: Option<Vec<String>>,
    /// Deprecated; accepted and dropped when read from a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_request_headers_to_forward: Option<Located<Ignored>>,
    /// Validation of request bodies; kept as written, it does not affect responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<Located<RequestBody>>,
    /// Allow-list filter applied to the response before the transforms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_schema: Option<Located<SchemaFilter>>,
    /// Computed sibling properties, added before the filter and the transforms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub augments: Vec<Located<Augment>>,
    /// Transforms applied in order after the filter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transforms: Vec<Located<Transform>>,
}

/// A request-body schema, kept as written (any JSON value).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct RequestBody(pub serde_json::Value);

impl JsonSchema for RequestBody {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RequestBody".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let schema = generator.subschema_for::<RequestBodySchema>();
        json_schema!({
            "description": "Validates request bodies; no effect on responses. Kept as written.",
            "type": "object",
            "properties": {
                "required": {"type": ["boolean", "null"]},
                "content": {
                    "description": "A schema of the body for each MIME type.",
                    "type": ["object", "null"],
                    "additionalProperties": schema,
                },
            },
            "additionalProperties": false,
        })
    }
}

/// The schema of a request body for one MIME type (§1.9): the proxy reads these keys, and
/// refuses others. What each means is the validator's business; only the keys are checked.
struct RequestBodySchema;

impl JsonSchema for RequestBodySchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RequestBodySchema".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let schema = generator.subschema_for::<RequestBodySchema>();
        json_schema!({
            "description": "A JSON Schema of the request body, with the keys the proxy reads.",
            "type": ["object", "null"],
            "properties": {
                "type": {"type": ["string", "null"]},
                "format": {"type": ["string", "null"]},
                "pattern": {"type": ["string", "null"]},
                "properties": {
                    "type": ["object", "null"],
                    "additionalProperties": schema,
                },
                "items": schema,
                "required": {},
                "enumValues": {},
                "additionalProperties": {},
            },
            "additionalProperties": false,
        })
    }
}

/// A key the proxy accepts and drops, whatever its value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ignored;

impl Serialize for Ignored {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

impl JsonSchema for Ignored {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Ignored".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "description": "Accepted and ignored." })
    }
}

/// A transform: a kind with its options, applied to what `jsonPaths` select (§2).
///
/// In YAML the kind is the tag (`- !<pseudonymize>`); in JSON it is `"method"`.
// Equality ignores spans.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = super::schema::tagged_union)]
pub struct Transform {
    #[serde(flatten)]
    pub kind: TransformKind,
    /// JSONPaths (Jayway dialect) of the values to transform, applied in order.
    #[serde(default)]
    pub json_paths: Vec<Located<String>>,
    /// A JSONPath read against the whole document: the transform applies only when it selects
    /// something.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_only_when: Option<Located<String>>,
    /// Deprecated field names of bulk files; no effect on REST responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Located at its key, which is what a finding about it points at.
    pub fields: Option<Located<Vec<String>>>,
    /// Where the kind is written: the tag, or the `method` value.
    #[serde(skip)]
    pub kind_span: super::span::Span,
}

impl PartialEq for Transform {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.json_paths == other.json_paths
            && self.apply_only_when == other.apply_only_when
            && self.fields == other.fields
    }
}

/// The kind of a transform and its options (§1.4, §1.5).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "method", rename_all = "camelCase")]
pub enum TransformKind {
    /// Deletes what the paths select: object members are removed, array elements dropped.
    Redact,
    /// Removes every match of each regex, in order.
    RedactRegexMatches(RedactRegexMatchesOptions),
    /// Keeps only the listed phrases found in the string (joined by `,`), else `""`.
    RedactExceptPhrases(RedactExceptPhrasesOptions),
    /// Keeps the longest substring matching one of the regexes, else `""`.
    RedactExceptSubstringsMatchingRegexes(RedactExceptSubstringsOptions),
    /// Replaces the value with a pseudonym (`t~…`) or a JSON pseudonymized identity.
    Pseudonymize(PseudonymizeOptions),
    /// Pseudonymizes each address of an RFC 2822 address list (`From`, `To`, ...).
    PseudonymizeEmailHeader(PseudonymizeEmailHeaderOptions),
    /// Pseudonymizes group 1 (or the whole match) of each regex match; a string in which no
    /// match is pseudonymized becomes null.
    PseudonymizeRegexMatches(PseudonymizeRegexMatchesOptions),
    /// Keeps only the tokens that fully match one of the filters.
    FilterTokenByRegex(FilterTokenByRegexOptions),
    /// Replaces the string (or regex group 1) with a reversible token (`p~…`).
    Tokenize(TokenizeOptions),
    /// Deprecated: replaces the string with a JSON digest (length, word count, keywords).
    TextDigest(TextDigestOptions),
    /// Replaces an IP address with its hash.
    HashIp,
    /// Replaces an IP address with a reversible token.
    EncryptIp,
}

impl TransformKind {
    /// The kind's name as written in rules (the tag or `method` value).
    pub fn name(&self) -> &'static str {
        match self {
            TransformKind::Redact => "redact",
            TransformKind::RedactRegexMatches(_) => "redactRegexMatches",
            TransformKind::RedactExceptPhrases(_) => "redactExceptPhrases",
            TransformKind::RedactExceptSubstringsMatchingRegexes(_) => {
                "redactExceptSubstringsMatchingRegexes"
            }
            TransformKind::Pseudonymize(_) => "pseudonymize",
            TransformKind::PseudonymizeEmailHeader(_) => "pseudonymizeEmailHeader",
            TransformKind::PseudonymizeRegexMatches(_) => "pseudonymizeRegexMatches",
            TransformKind::FilterTokenByRegex(_) => "filterTokenByRegex",
            TransformKind::Tokenize(_) => "tokenize",
            TransformKind::TextDigest(_) => "textDigest",
            TransformKind::HashIp => "hashIp",
            TransformKind::EncryptIp => "encryptIp",
        }
    }

    /// Every transform kind name, in the order of §1.4.
    pub const NAMES: &'static [&'static str] = &[
        "redact",
        "redactRegexMatches",
        "redactExceptPhrases",
        "redactExceptSubstringsMatchingRegexes",
        "pseudonymize",
        "pseudonymizeEmailHeader",
        "pseudonymizeRegexMatches",
        "filterTokenByRegex",
        "tokenize",
        "textDigest",
        "hashIp",
        "encryptIp",
    ];
}

/// How a pseudonym is written (§2.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Encoding {
    /// A string holding the pseudonymized identity as compact JSON.
    Json,
    /// `t~HASH[@domain]`, or the reversible `p~…` with `includeReversible`.
    #[default]
    UrlSafeToken,
    /// The bare 43-character hash.
    UrlSafeHashOnly,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Json => "JSON",
            Encoding::UrlSafeToken => "URL_SAFE_TOKEN",
            Encoding::UrlSafeHashOnly => "URL_SAFE_HASH_ONLY",
        }
    }
}

/// Options of `redactRegexMatches`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RedactRegexMatchesOptions {
    /// Java regexes; every match is removed.
    #[serde(default)]
    pub redactions: Vec<Located<String>>,
}

/// Options of `redactExceptPhrases`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RedactExceptPhrasesOptions {
    /// Literal phrases kept when found (case-insensitive, at word boundaries).
    #[serde(default)]
    pub allowed_phrases: Vec<String>,
}

/// Options of `redactExceptSubstringsMatchingRegexes`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RedactExceptSubstringsOptions {
    /// Java regexes of the substrings to keep.
    #[serde(default)]
    pub exceptions: Vec<Located<String>>,
}

/// Options of `pseudonymize`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PseudonymizeOptions {
    /// How the pseudonym is written.
    #[serde(default)]
    pub encoding: Encoding,
    /// Writes the reversible `p~…` token instead of the hash.
    // Located at the key, where validate's warning about it points.
    #[serde(default)]
    pub include_reversible: Located<bool>,
    /// Adds the original value, in clear (`JSON` encoding only; rejected with `URL_SAFE_TOKEN`).
    // Located at the key, where validate's findings about it point.
    #[serde(default)]
    pub include_original: Located<bool>,
    /// Accepted but never used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_if_regex: Option<Located<String>>,
}

/// Options of `pseudonymizeEmailHeader`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PseudonymizeEmailHeaderOptions {
    /// `URL_SAFE_TOKEN` joins the tokens with `,`; the others write a JSON array.
    #[serde(default)]
    pub encoding: Encoding,
}

/// Options of `pseudonymizeRegexMatches`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PseudonymizeRegexMatchesOptions {
    /// Java regex; group 1 (or the whole match) of each match is pseudonymized. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<Located<String>>,
    /// Writes reversible `p~…` tokens.
    #[serde(default)]
    pub include_reversible: bool,
    /// Accepted and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_original: Option<Located<Ignored>>,
}

/// The default `delimiter` of `filterTokenByRegex`.
pub const DEFAULT_DELIMITER: &str = r"\s+";

/// Options of `filterTokenByRegex`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FilterTokenByRegexOptions {
    /// Java regex splitting the string into tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = r"\s+"))]
    pub delimiter: Option<Located<String>>,
    /// Java regexes; a token is kept when one matches it fully.
    #[serde(default)]
    pub filters: Vec<Located<String>>,
}

impl FilterTokenByRegexOptions {
    /// The delimiter regex, `\s+` unless set.
    pub fn delimiter(&self) -> &str {
        self.delimiter
            .as_ref()
            .map_or(DEFAULT_DELIMITER, |d| d.as_str())
    }
}

/// Options of `tokenize`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenizeOptions {
    /// Java regex with a group 1: when it matches the whole string, group 1 is tokenized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<Located<String>>,
}

/// Options of the `textDigest` transform.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TextDigestOptions {
    /// Words to count.
    #[serde(default)]
    pub keywords: Vec<Located<String>>,
    /// The value is a JSON document as a string; digest what `jsonPathToProcessWhenEscaped`
    /// selects in it.
    #[serde(default)]
    pub is_json_escaped: bool,
    /// JSONPath into the escaped document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_path_to_process_when_escaped: Option<Located<String>>,
}

/// An augment: a computed property added next to each selected value (§2.13).
///
/// In YAML the kind is the tag (`- !<textDigest>`); in JSON it is `"method"`.
// Equality ignores spans.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = super::schema::tagged_union)]
pub struct Augment {
    #[serde(flatten)]
    pub kind: AugmentKind,
    /// JSONPaths of the values to digest.
    #[serde(default)]
    pub json_paths: Vec<Located<String>>,
    /// A JSONPath into the value, read as a JSON document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner_json_path: Option<Located<String>>,
    /// Accepted but unused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Located at its key, which is what a finding about it points at.
    pub output_schema: Option<Located<SchemaFilter>>,
    /// Where the kind is written: the tag, or the `method` value.
    #[serde(skip)]
    pub kind_span: super::span::Span,
}

impl PartialEq for Augment {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.json_paths == other.json_paths
            && self.inner_json_path == other.inner_json_path
            && self.output_schema == other.output_schema
    }
}

/// The kind of an augment and its options.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "method", rename_all = "camelCase")]
pub enum AugmentKind {
    /// Adds `+NAME:textDigest`: length, word count and keyword counts.
    TextDigest(TextDigestAugmentOptions),
    /// NLP sentence metadata (needs models; not applied by psoxy-rules).
    SentenceMetadata(SentenceMetadataOptions),
}

impl AugmentKind {
    pub fn name(&self) -> &'static str {
        match self {
            AugmentKind::TextDigest(_) => "textDigest",
            AugmentKind::SentenceMetadata(_) => "sentenceMetadata",
        }
    }

    /// Every augment kind name.
    pub const NAMES: &'static [&'static str] = &["textDigest", "sentenceMetadata"];
}

/// Options of the `textDigest` augment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TextDigestAugmentOptions {
    /// Words to count; blank ones are ignored.
    #[serde(default)]
    pub keywords: Vec<Located<String>>,
}

/// Options of the `sentenceMetadata` augment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SentenceMetadataOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hedge_words: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint_words: Option<Vec<String>>,
}

/// An allow-list schema (`responseSchema`, `definitions`): members not listed are dropped and
/// values of the wrong type become null (§4). Only these keywords are accepted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::schema::filter_aliases)]
pub struct SchemaFilter {
    /// The JSON type kept. Without it, containers become null and scalars pass. Any string is
    /// accepted; a name other than the JSON types fails when the filter reaches it.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<TypeName>")]
    pub schema_type: Option<Located<String>>,
    /// `#/definitions/NAME`: filter with the top-level definition `NAME` (siblings are ignored).
    #[serde(rename = "$ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Located<String>>,
    /// Ignored by the filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The members kept, each filtered by its schema (`type: object`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<BTreeMap<String, Located<SchemaFilter>>>,
    /// The schema of array elements (`type: array`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Located<SchemaFilter>>>,
    /// Accepted, but `$ref` resolves only in the top-level `definitions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definitions: Option<Located<BTreeMap<String, Located<SchemaFilter>>>>,
    /// Candidates tried in order; the first that matches wins.
    #[serde(rename = "anyOf", default, skip_serializing_if = "Option::is_none")]
    pub any_of: Option<Vec<Located<SchemaFilter>>>,
    /// A condition (alias `_if`).
    #[serde(rename = "if", default, skip_serializing_if = "Option::is_none")]
    pub if_schema: Option<Box<Located<SchemaFilter>>>,
    /// Applied when `if` or `else` matches (alias `_then`).
    #[serde(rename = "then", default, skip_serializing_if = "Option::is_none")]
    pub then_schema: Option<Box<Located<SchemaFilter>>>,
    /// A second condition (alias `_else`).
    #[serde(rename = "else", default, skip_serializing_if = "Option::is_none")]
    pub else_schema: Option<Box<Located<SchemaFilter>>>,
    /// Matches when the value's text equals it (alias `constant`).
    #[serde(rename = "const", default, skip_serializing_if = "Option::is_none")]
    pub constant: Option<String>,
    /// Accepted and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Located<Ignored>>,
    /// Accepted and ignored: the filter never requires members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<Located<Ignored>>,
    /// Accepted and ignored: members not in `properties` are always dropped.
    #[serde(
        rename = "additionalProperties",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub additional_properties: Option<Located<Ignored>>,
    /// Accepted and ignored.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Located<Ignored>>,
}

impl SchemaFilter {
    /// The `type`: `None` when absent, `Some(Err(name))` for a name the filter does not know
    /// (which fails at request time when reached, §4.2).
    pub fn schema_type(&self) -> Option<Result<SchemaType, &str>> {
        self.schema_type
            .as_ref()
            .map(|t| SchemaType::from_name(t).ok_or(t.as_str()))
    }
}

/// The schema of a filter `type`: one of the JSON types (offered for completion), or any other
/// string, which the proxy accepts when reading the rules.
struct TypeName;

impl JsonSchema for TypeName {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TypeName".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [generator.subschema_for::<SchemaType>(), { "type": "string" }],
        })
    }
}

/// The `type` of a filter schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SchemaType {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
    Null,
}

impl SchemaType {
    pub fn from_name(name: &str) -> Option<SchemaType> {
        Some(match name {
            "string" => SchemaType::String,
            "integer" => SchemaType::Integer,
            "number" => SchemaType::Number,
            "boolean" => SchemaType::Boolean,
            "object" => SchemaType::Object,
            "array" => SchemaType::Array,
            "null" => SchemaType::Null,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            SchemaType::String => "string",
            SchemaType::Integer => "integer",
            SchemaType::Number => "number",
            SchemaType::Boolean => "boolean",
            SchemaType::Object => "object",
            SchemaType::Array => "array",
            SchemaType::Null => "null",
        }
    }
}

/// Validation of a path parameter value (§1.8, §5.5).
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParameterSchema {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub value_type: Option<ParameterType>,
    /// `reversible-pseudonym` or `pseudonym`: the value must be a `p~…` token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Located<String>>,
    /// Java regex the whole value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<Located<String>>,
    /// The allowed values.
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<String>>,
    /// The value must also validate against one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any_of: Option<Vec<Located<ParameterSchema>>>,
}

/// Validation of a query parameter value (§1.8, §5.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueryParameterSchema {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub value_type: Option<ParameterType>,
    /// `reversible-pseudonym` or `pseudonym`: the value must be a `p~…` token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Located<String>>,
    /// Java regex the whole value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<Located<String>>,
    /// The allowed values.
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<String>>,
    /// The value must also validate against one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any_of: Option<Vec<Located<ParameterSchema>>>,
    /// The endpoint matches only when the parameter is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

impl QueryParameterSchema {
    /// The value checks, without `required`.
    pub fn as_parameter_schema(&self) -> ParameterSchema {
        ParameterSchema {
            value_type: self.value_type,
            format: self.format.clone(),
            pattern: self.pattern.clone(),
            enum_values: self.enum_values.clone(),
            any_of: self.any_of.clone(),
        }
    }
}

/// The `type` of a parameter schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ParameterType {
    String,
    Integer,
    Number,
}
