//! Any bytes as a rules file: loading never panics, and a file that loads is also valid when
//! loaded again from its own text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((rules, _)) = psoxy_rules::rules::load_bytes("fuzz.yaml", data) {
        let text = std::str::from_utf8(data).expect("loaded files are UTF-8");
        assert!(psoxy_rules::rules::load_str("fuzz.yaml", text).is_ok());
        let _ = psoxy_rules::rules::summary::render(&rules);
    }
});
