//! Any bytes as a case file, and any text through the leak check: neither panics, every finding
//! renders with its excerpt, and a string with a leak is masked.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use psoxy_rules::diag::{Location, render_human};
use psoxy_rules::harness::cases;
use psoxy_rules::harness::leaks::{Protected, RuleRef, Served, find_leaks, mask};
use psoxy_rules::json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(findings) = cases::load_str(Path::new("set/cases.yaml"), text.to_owned()) {
        for d in &findings {
            let _ = render_human(d, Some(text));
        }
    }
    // The first line protects values, one per `|`; the rest is an output string.
    let (head, body) = text.split_once('\n').unwrap_or((text, ""));
    let mut protected = Protected::default();
    for value in head.split('|') {
        protected.add(value, 0, || RuleRef {
            location: Location::File {
                file: "rules.yaml".into(),
            },
            kind: "redact",
            path: "$.x".into(),
        });
    }
    let doc = Value::string(body);
    let leaks = find_leaks(&doc, &protected, &Served::default());
    if !leaks.is_empty() {
        assert_ne!(mask(body, &leaks), body, "a string with a leak is masked");
    }
});
