//! Any text as a JSONPath: parsing never panics, and a path that parses prints to a canonical
//! form that parses back to the same path and prints the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use psoxy_rules::jsonpath;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(path) = jsonpath::parse(text) else {
        return;
    };
    let _ = jsonpath::lints(&path);
    let printed = path.to_string();
    let reparsed = jsonpath::parse(&printed)
        .unwrap_or_else(|e| panic!("canonical form {printed:?} of {text:?} does not parse: {e}"));
    assert_eq!(
        reparsed.without_spans(),
        path.without_spans(),
        "{text:?} -> {printed:?}"
    );
    assert_eq!(reparsed.to_string(), printed);
});
