//! Hostile inputs: each gets a located error or a correct result, never a crash, a hang or
//! unbounded memory.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use psoxy_rules::json::ParseErrorKind;
use psoxy_rules::pseudonym::{
    DomainHandling, EmailCanonicalization, Pseudonymizer, SecretValues, Secrets,
};
use psoxy_rules::rules;
use psoxy_rules::sanitize::{Engine, Output, SanitizeError, Sanitizer, Selection, StreamOptions};

const RULES: &str = r#"
endpoints:
  - pathTemplate: "/x"
    transforms:
      - !<pseudonymize>
        jsonPaths:
          - "$..email"
      - !<redact>
        jsonPaths:
          - "$..secret"
"#;

fn sanitizer_for(yaml: &str) -> Sanitizer {
    let (rules, _) = rules::load_str("rules.yaml", yaml).expect("test rules load");
    let secrets = Secrets::new(SecretValues {
        salt: Some("salt".into()),
        encryption_key: Some("secret".into()),
        ..SecretValues::default()
    });
    let p = Pseudonymizer::new(
        secrets,
        EmailCanonicalization::Strict,
        DomainHandling::Preserve,
    );
    Sanitizer::new(Arc::new(rules), p, Engine::Plan)
}

fn sanitize(body: &[u8]) -> Result<Vec<u8>, SanitizeError> {
    sanitizer_for(RULES).sanitize("GET", "/x", body, Output::Compact)
}

fn json_error(body: &[u8]) -> psoxy_rules::json::ParseError {
    match sanitize(body) {
        Err(SanitizeError::InvalidJson(e)) => e,
        other => panic!("expected a JSON error, got {other:?}"),
    }
}

/// Runs `f` on a thread with a main thread's stack (8 MiB), where the command line runs: the
/// parser is iterative, and the 1000 levels it allows fit the walks that recurse.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(8 * 1024 * 1024)
        .spawn(f)
        .expect("thread starts")
        .join()
        .expect("no stack overflow or panic")
}

#[test]
fn nesting_100000_deep_is_refused_at_the_limit_without_overflowing_the_stack() {
    let e = on_small_stack(|| {
        let mut body = "[".repeat(100_000);
        body.push_str(&"]".repeat(100_000));
        json_error(body.as_bytes())
    });
    assert!(matches!(e.kind, ParseErrorKind::TooDeep { .. }), "{e}");
    assert_eq!((e.line, e.column), (1, 1001), "{e}");
}

#[test]
fn nesting_at_the_limit_is_sanitized() {
    let out = on_small_stack(|| {
        let mut body = "{\"o\":".repeat(999);
        body.push_str("{\"email\":\"a@b.co\"}");
        body.push_str(&"}".repeat(999));
        sanitize(body.as_bytes()).expect("1000 levels are allowed")
    });
    let text = String::from_utf8(out).expect("utf-8");
    assert!(
        text.contains("\"email\":\"t~"),
        "{}",
        &text[text.len() - 200..]
    );
}

#[test]
fn a_number_of_more_than_1000_digits_is_refused_with_its_place() {
    let body = format!("{{\"n\":{}}}", "7".repeat(1001));
    let e = json_error(body.as_bytes());
    assert!(
        matches!(e.kind, ParseErrorKind::NumberTooLong { .. }),
        "{e}"
    );
    assert_eq!((e.line, e.column), (1, 6));
}

#[test]
fn a_number_of_1000_digits_is_kept_exactly() {
    let digits = "7".repeat(1000);
    let out = sanitize(format!("{{\"n\":{digits}}}").as_bytes()).expect("sanitizes");
    assert_eq!(out, format!("{{\"n\":{digits}}}").as_bytes());
}

#[test]
fn a_string_of_50_mb_is_refused_quickly() {
    let mut body = String::with_capacity(50_000_100);
    body.push_str("{\"s\":\"");
    body.push_str(&"x".repeat(50_000_000));
    body.push_str("\"}");
    let started = Instant::now();
    let e = json_error(body.as_bytes());
    assert!(
        matches!(e.kind, ParseErrorKind::StringTooLong { .. }),
        "{e}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn invalid_utf8_is_located() {
    let e = json_error(b"{\"a\":\n \"ok\", \"b\": \"\xff\"}");
    assert!(matches!(e.kind, ParseErrorKind::InvalidUtf8), "{e}");
    assert_eq!((e.line, e.column), (2, 14));
}

#[test]
fn lone_surrogates_become_question_marks_as_the_proxy_writes_them() {
    let out = sanitize(br#"{"a":"x\ud800y","b":"\udc00","c":"\ud83d\ude00"}"#).expect("sanitizes");
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        "{\"a\":\"x?y\",\"b\":\"?\",\"c\":\"😀\"}"
    );
}

#[test]
fn duplicate_keys_keep_the_first_place_and_the_last_value() {
    let out = sanitize(br#"{"email":"a@b.co","k":1,"email":"c@d.org","secret":1,"secret":2}"#)
        .expect("sanitizes");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.starts_with("{\"email\":\"t~"), "{text}");
    assert!(text.ends_with("@d.org\",\"k\":1}"), "{text}");
}

#[test]
fn an_empty_body_is_returned_unchanged_and_whitespace_gives_nothing() {
    assert_eq!(sanitize(b"").expect("sanitizes"), b"");
    assert_eq!(sanitize(b" \r\n\t ").expect("sanitizes"), b"");
}

fn ndjson(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(
            s,
            "{{\"i\":{i},\"email\":\"user{i}@acme.com\",\"secret\":\"{i}\"}}"
        );
    }
    s
}

#[test]
fn a_body_of_100000_ndjson_values_streams_in_order_on_any_number_of_threads() {
    let sanitizer = sanitizer_for(RULES);
    let body = ndjson(100_000);
    let whole = sanitizer
        .sanitize("GET", "/x", body.as_bytes(), Output::Compact)
        .expect("sanitizes");
    assert_eq!(memchr::memchr_iter(b'\n', &whole).count(), 99_999);
    for jobs in [1, 2, 4] {
        let mut out = Vec::new();
        let stats = sanitizer
            .sanitize_stream(
                Selection::Endpoint(0),
                body.as_bytes(),
                &mut out,
                StreamOptions {
                    jobs,
                    segment_bytes: 64 * 1024,
                    ..StreamOptions::default()
                },
            )
            .expect("streams");
        assert_eq!(stats.values, 100_000);
        assert_eq!(out, whole, "jobs {jobs}");
    }
}

#[test]
fn rules_with_10000_endpoints_load_and_select_in_bounded_time() {
    let mut yaml = String::from("endpoints:\n");
    for i in 0..10_000 {
        let _ = write!(
            yaml,
            "  - pathTemplate: \"/v1/r{i}/{{id}}\"\n    transforms:\n      - !<redact>\n        jsonPaths:\n          - \"$.f{i}\"\n"
        );
    }
    let started = Instant::now();
    let sanitizer = sanitizer_for(&yaml);
    assert_eq!(
        sanitizer.select("GET", "/v1/r9999/7"),
        Ok(Selection::Endpoint(9999))
    );
    let out = sanitizer
        .sanitize(
            "GET",
            "/v1/r9999/7",
            br#"{"f9999":1,"g":2}"#,
            Output::Compact,
        )
        .expect("sanitizes");
    assert_eq!(out, br#"{"g":2}"#);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_look_behind_of_21000_groups_at_the_pattern_limit_compiles_in_bounded_time() {
    // Java studies a look-behind's body as one chain: a long chain of groups must cost its
    // length, not its square (it once held 1.9 GB for this pattern).
    let pattern = format!("^/x(?<={})y$", "(a)".repeat(21_000));
    assert!(pattern.len() < 65_536);
    let yaml = format!("endpoints:\n  - pathRegex: \"{pattern}\"\n");
    let started = Instant::now();
    let sanitizer = sanitizer_for(&yaml);
    // The look-behind stands right after `/x`, where 21,000 `a`s never precede.
    assert!(sanitizer.select("GET", "/xy").is_err());
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_transform_with_10000_paths_compiles_and_runs_in_bounded_time() {
    let mut yaml = String::from(
        "endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n      - !<pseudonymize>\n        jsonPaths:\n",
    );
    for i in 0..10_000 {
        let _ = writeln!(yaml, "          - \"$..k{i}\"");
    }
    let started = Instant::now();
    let sanitizer = sanitizer_for(&yaml);
    let out = sanitizer
        .sanitize(
            "GET",
            "/x",
            br#"{"k5000":"v","o":{"k9999":"w","z":1}}"#,
            Output::Compact,
        )
        .expect("sanitizes");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.starts_with("{\"k5000\":\"t~"), "{text}");
    assert!(text.contains("\"k9999\":\"t~"), "{text}");
    assert!(text.ends_with("\"z\":1}}"), "{text}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn regex_transforms_over_one_text_are_compared_for_r059_in_bounded_time() {
    // Each regex is tried on what every earlier one writes: once per pair of transforms.
    let mut yaml = String::from("endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n");
    for _ in 0..500 {
        yaml.push_str(
            "      - !<pseudonymizeRegexMatches>\n        jsonPaths: [\"$.text\", \"$..text\"]\n        \
             regex: \"<@(U[A-Z0-9]+)>\"\n",
        );
    }
    let started = Instant::now();
    let sanitizer = sanitizer_for(&yaml);
    assert_eq!(sanitizer.select("GET", "/x"), Ok(Selection::Endpoint(0)));
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_catastrophically_backtracking_regex_fails_quickly_naming_its_rule() {
    let yaml = r#"
endpoints:
  - pathTemplate: "/x"
    transforms:
      - !<pseudonymizeRegexMatches>
        jsonPaths:
          - "$.s"
        regex: "(a|aa)+$"
"#;
    let body = format!("{{\"s\":\"{}c\"}}", "a".repeat(40));
    let started = Instant::now();
    let err = sanitizer_for(yaml)
        .sanitize("GET", "/x", body.as_bytes(), Output::Compact)
        .expect_err("the backtracking budget runs out");
    assert!(started.elapsed() < Duration::from_secs(20));
    let d = err.to_diagnostic("-");
    assert_eq!(d.code, "S007");
    assert_eq!(
        d.location.map(|l| l.to_string()).as_deref(),
        Some("rules.yaml:7:13")
    );
    assert!(d.message.contains("backtracking"), "{}", d.message);
}

#[test]
fn a_request_regex_out_of_its_budget_makes_its_endpoint_unusable_for_the_request() {
    // The same nested repetition in a `pathRegex` and in a path parameter's `pattern`: neither
    // is a "no" that would let a later endpoint take the request.
    let long = format!("/v2/users/{}1", "a".repeat(44));
    for first in [
        "  - pathRegex: '^/v2/users/(?!x)([a-z]+)+$'\n",
        "  - pathTemplate: /v2/users/{userId}\n    pathParameterSchemas:\n      userId:\n        \
         pattern: '^(?!x)([a-z]+)+$'\n",
    ] {
        let yaml = format!("endpoints:\n{first}  - pathTemplate: /v2/users/{{id}}\n");
        let started = Instant::now();
        let err = sanitizer_for(&yaml)
            .sanitize("GET", &long, b"{}", Output::Compact)
            .expect_err("the backtracking budget runs out");
        assert!(started.elapsed() < Duration::from_secs(20));
        let d = err.to_diagnostic("-");
        assert_eq!(d.code, "S004", "{first}: {}", d.message);
        assert_eq!(
            d.location.map(|l| l.to_string()).as_deref(),
            Some("rules.yaml:2:5"),
            "{first}"
        );
        assert!(d.message.contains("backtracking"), "{}", d.message);
        assert!(d.help.is_some_and(|h| h.contains("(a+)+")), "{first}");
    }
}

#[test]
fn a_schema_that_refers_to_itself_endlessly_fails_with_its_place() {
    // `anyOf` loops are legal until a value takes the looping branch.
    let yaml = r##"
endpoints:
  - pathTemplate: "/x"
    responseSchema:
      $ref: "#/definitions/Loop"
definitions:
  Loop:
    anyOf:
      - type: "string"
        const: "ok"
      - $ref: "#/definitions/Loop"
"##;
    let s = sanitizer_for(yaml);
    let out = on_small_stack(move || {
        let ok = s.sanitize("GET", "/x", br#""ok""#, Output::Compact);
        let looping = s.sanitize("GET", "/x", br#""other""#, Output::Compact);
        (ok, looping)
    });
    assert_eq!(out.0.ok().as_deref(), Some(&br#""""#[..]));
    let message = match out.1 {
        Err(e @ SanitizeError::Filter { .. }) => e.to_string(),
        other => panic!("expected a filter error, got {other:?}"),
    };
    // At the definition that loops.
    assert!(message.contains("rules.yaml:7:3"), "{message}");
    assert!(message.contains("never end"), "{message}");
}

#[test]
fn redacting_most_of_a_200000_element_array_takes_linear_time() {
    // The redact's filter reads what the first transform changed, so each element is mapped
    // inside, then deleted: the index each later rule sees is counted for every element.
    let yaml = RULES.replace("$..secret", "$.items[?(@.email =~ /t~.*/)]");
    let n = 200_000;
    let mut body = String::from(r#"{"items":["#);
    for i in 0..n {
        if i > 0 {
            body.push(',');
        }
        if i % 1000 == 0 {
            let _ = write!(body, r#"{{"id":{i}}}"#);
        } else {
            let _ = write!(body, r#"{{"id":{i},"email":"u{i}@x.io"}}"#);
        }
    }
    body.push_str("]}");
    let s = sanitizer_for(&yaml);
    let started = Instant::now();
    let out = on_small_stack(move || s.sanitize("GET", "/x", body.as_bytes(), Output::Compact));
    let text = String::from_utf8(out.expect("sanitizes")).expect("utf-8");
    let kept: Vec<String> = (0..n)
        .step_by(1000)
        .map(|i| format!(r#"{{"id":{i}}}"#))
        .collect();
    assert_eq!(text, format!(r#"{{"items":[{}]}}"#, kept.join(",")));
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}

/// Runs the binary with `args` in `dir`, its address space capped at 4 GiB and its run at 60
/// seconds, so that an input read without end fails the test instead of exhausting the
/// machine. Returns the status and everything it printed.
#[cfg(target_os = "linux")]
fn run_bounded(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    use std::process::{Command, Stdio};
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 4194304 && exec "$@""#)
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_psoxy-rules"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs([("PSOXY_SALT", "salt"), ("PSOXY_ENCRYPTION_KEY", "secret")])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let start = Instant::now();
    while child.try_wait().expect("waits").is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().expect("killed");
            panic!("psoxy-rules {args:?} still runs after 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("finished");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code(), text)
}

#[cfg(target_os = "linux")]
#[test]
fn rules_files_without_end_are_refused_as_too_large() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let too_large = "error[R002]: the file holds more than 16777216 bytes; rules files are \
                     refused above 16777216 bytes";
    for device in ["/dev/zero", "/dev/urandom"] {
        let (status, text) = run_bounded(root, &["validate", device]);
        assert_eq!(status, Some(2), "{text}");
        assert!(text.contains(&format!("{device}: {too_large}")), "{text}");
    }
    let (status, text) = run_bounded(
        root,
        &[
            "sanitize",
            "--rules",
            "/dev/zero",
            "--url",
            "/v2/users",
            "-",
        ],
    );
    assert_eq!(status, Some(2), "{text}");
    assert!(text.contains(too_large), "{text}");
}

#[cfg(target_os = "linux")]
#[test]
fn secret_files_without_end_are_refused_as_too_large() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for flag in ["--salt-file", "--key-file"] {
        let (status, text) = run_bounded(
            root,
            &[
                "sanitize",
                "--rules",
                "example-rules/zoom/zoom.yaml",
                "--url",
                "/v2/users",
                flag,
                "/dev/zero",
                "api-response-examples/zoom/list-users.json",
            ],
        );
        assert_eq!(status, Some(2), "{text}");
        assert!(
            text.contains(&format!(
                "error[S009]: {flag}: /dev/zero: the file holds more than 65536 bytes; secret \
                 files are refused above 65536 bytes"
            )),
            "{text}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_body_without_end_is_refused_at_its_first_byte() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("all.yaml"),
        "allowAllEndpoints: true\nendpoints: []\n",
    )
    .expect("rules");
    let root = env!("CARGO_MANIFEST_DIR");
    let zoom = format!("{root}/example-rules/zoom/zoom.yaml");
    let runs: [&[&str]; 3] = [
        &["--rules", &zoom, "--url", "/v2/users", "--jobs", "1"],
        &["--rules", &zoom, "--url", "/v2/users", "--jobs", "2"],
        // Passed through under `allowAllEndpoints`, in the golden form.
        &["--rules", "all.yaml", "--url", "/v2/users", "--pretty"],
    ];
    for args in runs {
        let args: Vec<&str> = std::iter::once("sanitize")
            .chain(args.iter().copied())
            .chain(["/dev/zero"])
            .collect();
        let (status, text) = run_bounded(dir.path(), &args);
        assert_eq!(status, Some(2), "{args:?}: {text}");
        assert!(
            text.contains("/dev/zero:1:1: error[S003]: the body is not valid JSON"),
            "{args:?}: {text}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn case_files_naming_inputs_without_end_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    std::fs::write(
        p.join("rules.yaml"),
        "endpoints:\n  - pathTemplate: /v1/x\n",
    )
    .expect("rules");
    std::fs::create_dir(p.join("sanitized")).expect("folder");
    std::fs::write(p.join("sanitized/x.json"), "{ }\n").expect("sanitized");
    std::fs::write(p.join("x.json"), "{}\n").expect("original");

    // Rules that never end.
    std::fs::write(
        p.join("cases.yaml"),
        "rules: /dev/zero\ncases:\n  - request: GET /v1/x\n    original: x.json\n",
    )
    .expect("cases");
    let (status, text) = run_bounded(p, &["test", "cases.yaml"]);
    assert_eq!(status, Some(2), "{text}");
    assert!(
        text.contains("/dev/zero: error[R002]: the file holds more than 16777216 bytes"),
        "{text}"
    );

    // A named pipe in the set's folder, as original, sanitized file or rules: not opened, as
    // opening it would wait for a writer (none comes here) or read without end.
    let fifo = |name: &str| {
        let _ = std::fs::remove_file(p.join(name));
        let made = std::process::Command::new("mkfifo")
            .arg(p.join(name))
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
    };
    fifo("endless.json");
    std::fs::write(
        p.join("cases.yaml"),
        "rules: rules.yaml\ncases:\n  - request: GET /v1/x\n    original: endless.json\n    \
         sanitized: sanitized/x.json\n",
    )
    .expect("cases");
    let (status, text) = run_bounded(p, &["test", "cases.yaml"]);
    assert_eq!(status, Some(2), "{text}");
    assert!(
        text.contains(
            "cases.yaml:4:15: error[H006]: cannot read the original endless.json: is a named \
             pipe, which would wait for a writer: the files of an example set are regular files"
        ),
        "{text}"
    );
    std::fs::write(p.join("x.json"), "{}").expect("original");
    std::fs::create_dir_all(p.join("sanitized")).expect("folder");
    fifo("sanitized/x.json");
    fifo("pipe-rules.yaml");
    std::fs::write(
        p.join("cases.yaml"),
        "rules: rules.yaml\ncases:\n  - request: GET /v1/x\n    original: x.json\n",
    )
    .expect("cases");
    let (status, text) = run_bounded(p, &["test", "cases.yaml"]);
    assert_eq!(status, Some(1), "{text}");
    assert!(
        text.contains(
            "sanitized/x.json: error[H012]: the sanitized file cannot be read: is a named pipe"
        ),
        "{text}"
    );
    std::fs::write(
        p.join("cases.yaml"),
        "rules: pipe-rules.yaml\ncases:\n  - request: GET /v1/x\n    original: x.json\n",
    )
    .expect("cases");
    let (status, text) = run_bounded(p, &["test", "cases.yaml"]);
    assert_eq!(status, Some(2), "{text}");
    assert!(
        text.contains("pipe-rules.yaml: error[R001]: the rules file is a named pipe"),
        "{text}"
    );
}
