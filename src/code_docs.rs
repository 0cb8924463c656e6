//! The explanation of every finding code (`src/code_docs/CODE.md`), printed by
//! `psoxy-rules codes CODE`: when the code is reported, why it matters, an example that gives it
//! and its fix. `tests/code_docs.rs` runs the examples.

macro_rules! docs {
    ($($code:literal)*) => {
        /// Code and explanation, in the order of `psoxy-rules codes`.
        pub(crate) const DOCS: &[(&str, &str)] = &[
            $(($code, include_str!(concat!("code_docs/", $code, ".md"))),)*
        ];
    };
}

docs! {
    "R001" "R002" "R003" "R004" "R005" "R006" "R007" "R008" "R009" "R010" "R011" "R012" "R013"
    "R014" "R015" "R016" "R017" "R018" "R019" "R020" "R021" "R029" "R030" "R031" "R032" "R033"
    "R034" "R035" "R036" "R037" "R038" "R039" "R040" "R041" "R042" "R043" "R044" "R045" "R046"
    "R047" "R048" "R049" "R050" "R051" "R052" "R053" "R054" "R055" "R056" "R057" "R058" "R059"
    "R060" "R061" "R062" "R063" "P001" "P002" "S001" "S002" "S003" "S004" "S005" "S006" "S007" "S008" "S009"
    "S010" "H001" "H002" "H003" "H004" "H005" "H006" "H007" "H008" "H010" "H011" "H012" "H020"
    "H021" "H022" "H023" "H024" "H025" "H026" "H030" "H031" "H032" "H033" "H040" "H041" "H042"
}

/// The explanation of `code`, if it has one.
pub(crate) fn explanation(code: &str) -> Option<&'static str> {
    DOCS.iter().find(|(c, _)| *c == code).map(|(_, doc)| *doc)
}
