//! The stable codes of rules findings. A code, once assigned, keeps its meaning; retired codes are
//! not reused. `R0xx` are problems of the rules file, `P0xx` problems inside a JSONPath.

use crate::diag::{Diagnostic, Severity};

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $name:ident = $code:literal, $severity:ident; )*) => {
        /// A finding of the rules phase. Each code has a fixed severity.
        ///
        /// | code | severity | meaning |
        /// |---|---|---|
        /// | R001 | error | the file cannot be read |
        /// | R002 | error | the file is larger than the size cap (16 MiB) |
        /// | R003 | error | the file is not UTF-8 |
        /// | R004 | error | YAML (or JSON) syntax error |
        /// | R005 | error | a tab used as indentation |
        /// | R006 | error | a key repeated in one mapping |
        /// | R007 | error | aliases expand beyond the budget of nodes or text (alias bomb) |
        /// | R008 | error | nesting deeper than the depth cap |
        /// | R009 | error | the file holds no document |
        /// | R010 | error | the document is not a mapping of rules: a list, a single value, or a mapping without any key of the format |
        /// | R011 | error | more than one YAML document |
        /// | R012 | error | unknown key |
        /// | R013 | error | a value of the wrong type |
        /// | R014 | error | a required key is missing |
        /// | R015 | error | unknown transform or augment kind |
        /// | R016 | error | a transform or augment without a kind |
        /// | R017 | warning | the YAML tag and the `method` key name different kinds (the proxy goes by the tag) |
        /// | R018 | error | a value outside the accepted set (e.g. `encoding`) |
        /// | R019 | error | `null` where a boolean is required |
        /// | R020 | error | a YAML tag where none is meaningful, or an unsupported tag |
        /// | R021 | error | a mapping key that is not a string |
        /// | R029 | error | a value the loader could not read although the schema accepts it |
        /// | R030 | error | an endpoint without `pathTemplate` or `pathRegex` |
        /// | R031 | error | a `{` in `pathTemplate` that no `}` closes |
        /// | R032 | warning | braces in `pathTemplate` around something that is not a parameter name, or a `}` that closes nothing, which the proxy leaves to its regex |
        /// | R033 | warning | a `pathTemplate` that does not start with `/` |
        /// | R034 | error | a template parameter used twice |
        /// | R035 | error | a regular expression that does not compile (Java syntax) |
        /// | R036 | error | a `tokenize` regex without a group 1 |
        /// | R037 | error | `pseudonymizeRegexMatches` without `regex` |
        /// | R038 | error | `includeOriginal` with the `URL_SAFE_TOKEN` encoding |
        /// | R039 | warning | a key that is accepted but has no effect |
        /// | R040 | error | a `$ref` that does not resolve in the top-level `definitions` |
        /// | R041 | warning | `$ref: "#"`, which turns containers into null |
        /// | R042 | error | a `$ref` of a form other than `#/definitions/NAME` |
        /// | R043 | warning | `definitions` nested in a schema, which refs never reach |
        /// | R044 | warning | an endpoint shadowed by an earlier one |
        /// | R045 | warning | a `sentenceMetadata` augment, which psoxy-rules cannot apply |
        /// | R046 | warning | a parameter schema that never applies: for a parameter the template lacks (or, beside a `pathRegex`, a group the regex lacks), or one `allowedQueryParams` does not allow |
        /// | R047 | error | a parameter schema `format` other than a pseudonym format |
        /// | R048 | warning | `allowAllEndpoints: true` |
        /// | R049 | warning | a transform or augment without `jsonPaths` |
        /// | R050 | warning | `properties`, `items`, `if` or `const` without `type`, which the filter ignores, or `type: array` without `items`, which removes the objects and arrays in it |
        /// | R051 | warning | a filter `type` that is not a JSON type, which fails when reached |
        /// | R052 | warning | more findings than are reported for one file (errors are shown first) |
        /// | R053 | error | definitions whose `$ref`s loop back to themselves |
        /// | R054 | warning | rules without endpoints, which allow no request |
        /// | R055 | warning | a `pathTemplate` with a query (`?`), which no request path matches |
        /// | R056 | warning | a control character in a regex made of a YAML escape, such as `"\b"` |
        /// | R057 | warning | a `pathRegex` that refuses every query beside `allowedQueryParams`, or without them one written as a prefix |
        /// | R058 | warning | `includeOriginal: true` (with the `JSON` encoding), which sends the original value in clear |
        /// | R059 | warning | two paths that can select one value, which is then pseudonymized twice |
        /// | R060 | warning | `\\w` (or `d`, `s`, `b`, ...) in a regex, which matches a backslash, not the class |
        /// | R061 | warning | an `allowedMethods` entry that no request method matches (empty, or with a space or another character no method has), or an empty `allowedMethods`, which allows no request |
        /// | R062 | warning | a `responseSchema` `if` that fails the responses reaching it: without `then`, or an `if` or `else` without `properties` to test |
        /// | R063 | warning | a `pathTemplate` with regex syntax (`[^/]+`, `.*`) or another router's parameter (`:id`, `*`), which the proxy matches as literal text, or with `\|` or `\d`, which it keeps as regex syntax |
        /// | P001 | error | a JSONPath that does not parse |
        /// | P002 | warning | a JSONPath that parses but is probably not what was meant, or fails at request time |
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[doc = $doc])* $name, )*
        }

        impl Code {
            /// Every code, in table order.
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The code as printed, e.g. `R012`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $code,)*
                }
            }

            pub const fn severity(self) -> Severity {
                match self {
                    $(Code::$name => Severity::$severity,)*
                }
            }

            /// What the code means: its documentation, on one line.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$name => concat!($($doc),*).trim_start(),)*
                }
            }
        }
    };
}

codes! {
    /// The file cannot be read.
    Unreadable = "R001", Error;
    /// The file is larger than the size cap.
    TooLarge = "R002", Error;
    /// The file is not UTF-8.
    NotUtf8 = "R003", Error;
    /// YAML (or JSON) syntax error.
    Syntax = "R004", Error;
    /// A tab used as indentation.
    TabIndent = "R005", Error;
    /// A key repeated in one mapping.
    DuplicateKey = "R006", Error;
    /// Aliases expand beyond the node budget.
    AliasBudget = "R007", Error;
    /// Nesting deeper than the depth cap.
    TooDeep = "R008", Error;
    /// The file holds no document.
    Empty = "R009", Error;
    /// The document is not a mapping.
    RootNotMapping = "R010", Error;
    /// More than one YAML document.
    MultipleDocuments = "R011", Error;
    /// Unknown key.
    UnknownKey = "R012", Error;
    /// A value of the wrong type.
    WrongType = "R013", Error;
    /// A required key is missing.
    MissingKey = "R014", Error;
    /// Unknown transform or augment kind.
    UnknownKind = "R015", Error;
    /// A transform or augment without a kind.
    MissingKind = "R016", Error;
    /// The YAML tag and the `method` key name different kinds.
    KindConflict = "R017", Warning;
    /// A value outside the accepted set.
    InvalidValue = "R018", Error;
    /// `null` where a boolean is required.
    NullBoolean = "R019", Error;
    /// A YAML tag where none is meaningful, or an unsupported tag.
    UnexpectedTag = "R020", Error;
    /// A mapping key that is not a string.
    InvalidKey = "R021", Error;
    /// A value the loader could not read although the schema accepts it.
    Internal = "R029", Error;
    /// An endpoint without `pathTemplate` or `pathRegex`.
    NoPathMatcher = "R030", Error;
    /// Unbalanced braces in `pathTemplate`.
    TemplateBraces = "R031", Error;
    /// Braces in `pathTemplate` around something that is not a parameter name, which the proxy
    /// leaves to its regex.
    TemplateParamName = "R032", Warning;
    /// A `pathTemplate` that does not start with `/`.
    TemplateNoSlash = "R033", Warning;
    /// A template parameter used twice.
    TemplateDuplicateParam = "R034", Error;
    /// A regular expression that does not compile.
    InvalidRegex = "R035", Error;
    /// A `tokenize` regex without a group 1.
    TokenizeWithoutGroup = "R036", Error;
    /// `pseudonymizeRegexMatches` without `regex`.
    MissingRegex = "R037", Error;
    /// `includeOriginal` with the `URL_SAFE_TOKEN` encoding.
    IncludeOriginalInToken = "R038", Error;
    /// A key that is accepted but has no effect.
    NoEffect = "R039", Warning;
    /// A `$ref` that does not resolve in the top-level `definitions`.
    UnresolvedRef = "R040", Error;
    /// `$ref: "#"`.
    RootRef = "R041", Warning;
    /// A `$ref` of an unsupported form.
    UnsupportedRef = "R042", Error;
    /// `definitions` nested in a schema.
    NestedDefinitions = "R043", Warning;
    /// An endpoint shadowed by an earlier one.
    ShadowedEndpoint = "R044", Warning;
    /// A `sentenceMetadata` augment.
    SentenceMetadata = "R045", Warning;
    /// A parameter schema that never applies.
    UnusedParamSchema = "R046", Warning;
    /// A parameter schema `format` other than a pseudonym format.
    InvalidParamFormat = "R047", Error;
    /// `allowAllEndpoints: true`.
    AllowAllEndpoints = "R048", Warning;
    /// A transform or augment without `jsonPaths`.
    NoJsonPaths = "R049", Warning;
    /// `properties`, `items`, `if` or `const` without `type`, or `type: array` without `items`:
    /// objects and arrays inside are lost.
    UntypedContainer = "R050", Warning;
    /// A filter `type` that is not a JSON type.
    UnknownSchemaType = "R051", Warning;
    /// More findings than are reported for one file.
    TooManyFindings = "R052", Warning;
    /// Definitions whose `$ref`s loop back to themselves.
    RefLoop = "R053", Error;
    /// Rules without endpoints.
    NoEndpoints = "R054", Warning;
    /// A `pathTemplate` with a query.
    TemplateQuery = "R055", Warning;
    /// A control character in a regex.
    ControlInRegex = "R056", Warning;
    /// A `pathRegex` that refuses every query beside `allowedQueryParams`, or without them
    /// one written as a prefix.
    RegexRefusesQuery = "R057", Warning;
    /// `includeOriginal: true`, which sends the original value in clear.
    IncludeOriginal = "R058", Warning;
    /// Two paths of an endpoint that can select one value, which is then pseudonymized twice.
    PseudonymizedTwice = "R059", Warning;
    /// A regex escaping a backslash before a class letter.
    DoubledBackslash = "R060", Warning;
    /// An `allowedMethods` entry that no request method matches, or an empty `allowedMethods`,
    /// which allows no request.
    MethodNeverMatches = "R061", Warning;
    /// A filter `if` that fails the responses reaching it: one without `then`, or an `if` or
    /// `else` without `properties` to test.
    FailingCondition = "R062", Warning;
    /// A `pathTemplate` with regex syntax or another router's parameter, which the proxy
    /// matches as literal text.
    TemplateRegexSyntax = "R063", Warning;
    /// A JSONPath that does not parse.
    PathSyntax = "P001", Error;
    /// A JSONPath that parses but is suspicious.
    PathLint = "P002", Warning;
}

impl Code {
    /// A finding with this code and its severity.
    pub fn diag(self, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(self.as_str(), message);
        Diagnostic {
            severity: self.severity(),
            ..d
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} assigned twice");
            assert_eq!(s.len(), 4);
            assert!(s.starts_with('R') || s.starts_with('P'));
            assert!(s[1..].bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn documented_table_lists_every_code_with_its_severity() {
        let table = include_str!("codes.rs");
        for code in Code::ALL {
            let severity = code.severity().to_string();
            let row = format!("/// | {} | {severity} |", code.as_str());
            assert!(table.contains(&row), "table row missing: {row}");
        }
    }

    #[test]
    fn diag_carries_the_code_severity() {
        assert!(!Code::NoEffect.diag("x").is_error());
        assert!(Code::UnknownKey.diag("x").is_error());
        assert_eq!(Code::UnknownKey.diag("x").code, "R012");
    }
}
