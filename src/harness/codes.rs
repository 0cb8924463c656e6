//! The stable codes of replay harness findings (`H0xx`). A code, once assigned, keeps its
//! meaning; retired codes are not reused.

use crate::diag::{Diagnostic, Severity};

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $name:ident = $code:literal, $severity:ident, $unusable:literal; )*) => {
        /// A finding of the replay harness. Each code has a fixed severity; an *unusable* code
        /// means the run could not do what was asked (exit 2) rather than found a problem in the
        /// example set (exit 1).
        ///
        /// | code | severity | exit | meaning |
        /// |---|---|---|---|
        /// | H001 | error | 2 | a case file or PATH cannot be read (missing, too large, not UTF-8) |
        /// | H002 | error | 2 | a folder holds no `cases.yaml` |
        /// | H003 | error | 2 | a case file that does not fit the format (YAML syntax, unknown key, wrong type, missing key) |
        /// | H004 | error | 2 | a `request` that is not `METHOD URL`, whose URL the proxy could not receive, or that holds a control character; an `allowedLeaks` entry that is not a JSON Pointer; an empty path; an empty or blank `salt` or `encryptionKey`; an `original` outside the folder; or a `sanitized` file outside the folder, named `cases.yaml`, or naming a file that an example set reads |
        /// | H005 | error | 2 | the rules file of a case file does not load |
        /// | H006 | error | 2 | an original response that cannot be read |
        /// | H007 | error | 1 | a response the rules cannot sanitize (invalid JSON, a transform that fails) |
        /// | H008 | error | 1 | two cases that name one sanitized file but produce different outputs |
        /// | H010 | error | 1 | the output differs from the committed sanitized file |
        /// | H011 | error | 1 | the sanitized file does not exist |
        /// | H012 | error | 1 | the sanitized file cannot be read |
        /// | H020 | error | 1 | a case whose request no endpoint allows |
        /// | H021 | error | 1 | an endpoint that no case exercises |
        /// | H022 | error | 1 | a file in a sanitized folder that no case names |
        /// | H023 | warning | 1 with `--strict` | a JSONPath that selects nothing in any case |
        /// | H024 | warning | 1 with `--strict` | a temporary file (`.psoxy-rules-*.tmp`) left in a sanitized folder by an interrupted write; `--bless` deletes it |
        /// | H025 | warning | 1 with `--strict` | an original that holds no JSON value (empty, or only whitespace), for which the proxy returns an empty body: the case checks nothing |
        /// | H026 | warning | 1 with `--strict` | a value of an original that `responseSchema` turns into null, or array elements it removes, because it asks for another type there |
        /// | H030 | error | 1 | an email address in an output |
        /// | H031 | error | 1 | a phone number in an output |
        /// | H032 | error | 1 | an original value that a transform protects, found in an output |
        /// | H033 | warning | 1 with `--strict` | an `allowedLeaks` pointer where nothing leaks |
        /// | H040 | error | 2 | `--bless` while `CI` is set |
        /// | H041 | error | 1 | `--bless` refused because of leaks, conflicting outputs, unusable input or a file that cannot be written |
        /// | H042 | error | 2 | a sanitized file cannot be written (a link, a folder, an input, outside the set, or the system refuses it) |
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[doc = $doc])* $name, )*
        }

        impl Code {
            /// Every code, in table order.
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The code as printed, e.g. `H010`.
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

            /// Whether the finding means the run could not do what was asked (exit 2).
            pub const fn is_unusable(self) -> bool {
                match self {
                    $(Code::$name => $unusable,)*
                }
            }
        }
    };
}

codes! {
    /// A case file or PATH cannot be read.
    Unreadable = "H001", Error, true;
    /// A folder holds no `cases.yaml`.
    NoCaseFiles = "H002", Error, true;
    /// A case file that does not fit the format.
    CaseFormat = "H003", Error, true;
    /// A value of a case file that cannot be used: a `request` that is not `METHOD URL`, whose
    /// URL the proxy could not receive, or that holds a control character; an `allowedLeaks`
    /// entry that is not a JSON Pointer; an empty `rules`, `original` or `sanitized` path; an
    /// empty or blank `salt` or `encryptionKey`; an `original` outside the case file's folder;
    /// or a `sanitized` file outside it, named `cases.yaml`, or one that an example set reads.
    InvalidValue = "H004", Error, true;
    /// The rules file of a case file does not load.
    RulesUnusable = "H005", Error, true;
    /// An original response that cannot be read.
    OriginalUnreadable = "H006", Error, true;
    /// A response the rules cannot sanitize.
    SanitizeFailed = "H007", Error, false;
    /// Two cases that name one sanitized file but produce different outputs.
    ConflictingOutputs = "H008", Error, false;
    /// The output differs from the committed sanitized file.
    Mismatch = "H010", Error, false;
    /// The sanitized file does not exist.
    MissingSanitized = "H011", Error, false;
    /// The sanitized file cannot be read.
    SanitizedUnreadable = "H012", Error, false;
    /// A case whose request no endpoint allows.
    Refused = "H020", Error, false;
    /// An endpoint that no case exercises.
    EndpointWithoutCase = "H021", Error, false;
    /// A file in a sanitized folder that no case names.
    UnreferencedFile = "H022", Error, false;
    /// A JSONPath that selects nothing in any case.
    UnmatchedPath = "H023", Warning, false;
    /// A temporary file left in a sanitized folder by an interrupted write.
    LeftoverTemporary = "H024", Warning, false;
    /// An original that holds no JSON value (empty, or only whitespace): the proxy returns an
    /// empty body for it, so the case checks nothing.
    EmptyOriginal = "H025", Warning, false;
    /// A value of an original that `responseSchema` turns into null, or array elements it
    /// removes, because it asks for another type there.
    SchemaLoss = "H026", Warning, false;
    /// An email address in an output.
    LeakedEmail = "H030", Error, false;
    /// A phone number in an output.
    LeakedPhone = "H031", Error, false;
    /// An original value that a transform protects, found in an output.
    LeakedValue = "H032", Error, false;
    /// An `allowedLeaks` pointer where nothing leaks.
    UnusedAllowance = "H033", Warning, false;
    /// `--bless` while `CI` is set.
    BlessInCi = "H040", Error, true;
    /// `--bless` refused because of leaks, conflicting outputs, unusable input or a file that
    /// cannot be written.
    BlessRefused = "H041", Error, false;
    /// A sanitized file cannot be written.
    WriteFailed = "H042", Error, true;
}

impl Code {
    /// A finding with this code and its severity.
    pub fn diag(self, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: self.severity(),
            ..Diagnostic::error(self.as_str(), message)
        }
    }

    /// The code of a finding, if it is a harness code.
    pub fn of(d: &Diagnostic) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == d.code)
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
            assert!(seen.insert(s), "{s} twice");
            assert_eq!(s.len(), 4);
            assert!(s.starts_with('H') && s[1..].bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn table_lists_every_code_with_its_severity() {
        let doc = include_str!("codes.rs");
        for code in Code::ALL {
            let severity = match code.severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let row = format!("/// | {} | {severity} |", code.as_str());
            assert!(doc.contains(&row), "missing table row `{row}`");
        }
    }

    #[test]
    fn the_meaning_of_an_unusable_value_names_every_value_refused() {
        // Each value that `cases::load_str` refuses as H004.
        let meaning = Code::InvalidValue.meaning();
        for part in [
            "a `request` that is not `METHOD URL`",
            "whose URL the proxy could not receive",
            "holds a control character",
            "an `allowedLeaks` entry that is not a JSON Pointer",
            "an empty `rules`, `original` or `sanitized` path",
            "an empty or blank `salt` or `encryptionKey`",
            "an `original` outside the case file's folder",
            "named `cases.yaml`",
            "one that an example set reads",
        ] {
            assert!(meaning.contains(part), "`{part}` is not in: {meaning}");
        }
        let doc = include_str!("codes.rs");
        let row = doc
            .lines()
            .find(|l| l.contains("/// | H004 |"))
            .expect("a row");
        assert!(
            row.contains("an empty or blank `salt` or `encryptionKey`"),
            "{row}"
        );
    }

    #[test]
    fn a_finding_is_traced_back_to_its_code() {
        let d = Code::Mismatch.diag("differs");
        assert_eq!(Code::of(&d), Some(Code::Mismatch));
        assert_eq!(Code::of(&Diagnostic::error("R012", "x")), None);
    }
}
