//! Any bytes as a response body: parsing never panics or overflows the stack; every value
//! written compact, json-smart or pretty parses back to the same value. The same bytes as JSON
//! inside a string, read as json-smart reads it: never a panic, and what is read writes back
//! in json-smart's style to a text that reads again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use psoxy_rules::json;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = json::validate_utf8(data) else {
        return;
    };
    if let Ok(inner) = json::parse_smart(text) {
        let written = json::to_smart_string(&inner);
        if let Err(e) = json::parse_smart(&written) {
            panic!("json-smart form does not read again: {e}\n{written}");
        }
    }
    for value in json::parse_values(text) {
        let Ok(value) = value else {
            return;
        };
        for written in [
            json::to_compact_string(&value),
            json::to_smart_string(&value),
            json::to_pretty_string(&value),
        ] {
            let back = json::parse_value(&written)
                .unwrap_or_else(|e| panic!("written form does not parse: {e}\n{written}"));
            assert_eq!(back, value, "{written}");
        }
    }
});
