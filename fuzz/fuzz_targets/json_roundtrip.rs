//! Any bytes as a response body: parsing never panics or overflows the stack; every value
//! written compact, json-smart or pretty parses back to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use psoxy_rules::json::{self, Value};

/// Whether the value holds an infinite double (a literal like `1e400`), which the writers spell
/// as a string or null, so it does not read back as a number.
fn has_infinity(v: &Value) -> bool {
    match v {
        Value::Double(d) => !d.is_finite(),
        Value::Array(a) => a.iter().any(has_infinity),
        Value::Object(m) => m.values().any(has_infinity),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = json::validate_utf8(data) else {
        return;
    };
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
            if !has_infinity(&value) {
                assert_eq!(back, value, "{written}");
            }
        }
    }
});
