use std::fmt::Write as _;
use std::sync::Arc;

use super::*;
use crate::rules::load_str;
use crate::sanitize::{StreamError, StreamOptions, StreamStats};

fn sanitizer(yaml: &str) -> Sanitizer {
    let (rules, _) = load_str("rules.yaml", yaml).expect("test rules load");
    let p = crate::pseudonym::reference_pseudonymizer();
    Sanitizer::new(Arc::new(rules), p, Engine::Plan)
}

const TWO: &str = r#"
endpoints:
  - pathTemplate: "/users/{id}"
    transforms:
      - !<redact>
        jsonPaths:
          - "$.secret"
  - pathTemplate: "/users/{id}"
    transforms:
      - !<pseudonymize>
        jsonPaths:
          - "$.secret"
"#;

#[test]
fn first_matching_endpoint_in_file_order_wins() {
    let s = sanitizer(TWO);
    assert_eq!(s.select("GET", "/users/1"), Ok(Selection::Endpoint(0)));
    let out = s
        .sanitize(
            "GET",
            "/users/1",
            br#"{"secret":"x","k":1}"#,
            Output::Compact,
        )
        .expect("sanitizes");
    assert_eq!(out, br#"{"k":1}"#);
}

#[test]
fn a_template_quantifier_is_not_taken_as_a_required_prefix() {
    // `{0,1}` is regex syntax in a template (§5.2): `/ab{0,1}c` allows `/ac`.
    let s = sanitizer("endpoints:\n  - pathTemplate: \"/ab{0,1}c\"\n");
    assert_eq!(s.select("GET", "/ac"), Ok(Selection::Endpoint(0)));
    assert_eq!(s.select("GET", "/ABC"), Ok(Selection::Endpoint(0)));
    assert!(s.select("GET", "/abbc").is_err());
}

#[test]
fn allow_all_endpoints_passes_unmatched_bodies_through_byte_for_byte() {
    let s = sanitizer("allowAllEndpoints: true\nendpoints:\n  - pathTemplate: \"/a\"\n");
    assert_eq!(s.select("GET", "/b"), Ok(Selection::PassThrough));
    let body = b" { \"x\" : 1.50 } not even json";
    assert_eq!(
        s.sanitize("GET", "/b", body, Output::Compact),
        Ok(body.to_vec())
    );
}

#[test]
fn refusal_prefers_an_endpoint_whose_path_matched() {
    let s = sanitizer(
        "endpoints:\n  - pathTemplate: \"/v1/teams\"\n  - pathTemplate: \"/v1/users\"\n    allowedMethods:\n      - \"GET\"\n",
    );
    let Err(SanitizeError::Refused(r)) = s.select("POST", "/v1/users") else {
        panic!("refused");
    };
    let (location, matcher, reason) = r.closest.expect("a closest endpoint");
    assert_eq!(location.to_string(), "rules.yaml:3:5");
    assert_eq!(matcher, "pathTemplate `/v1/users`");
    assert_eq!(reason, "method POST is not in `allowedMethods` (`GET`)");
}

#[test]
fn refusal_names_the_endpoint_whose_path_comes_closest() {
    let s = sanitizer(
        r#"endpoints:
  - pathTemplate: "/repos/{owner}/{repo}/commits"
  - pathTemplate: "/repos/{owner}/{repo}/pulls"
  - pathTemplate: "/repos/{owner}/{repo}/pulls/{pullNumber}/reviews"
  - pathRegex: "^/orgs/[^/]+/members$"
"#,
    );
    let closest = |url: &str| {
        let Err(SanitizeError::Refused(r)) = s.select("GET", url) else {
            panic!("{url} is refused");
        };
        let (location, matcher, _) = r.closest.expect("a closest endpoint");
        format!("{location} {matcher}")
    };
    assert_eq!(
        closest("https://api.github.com/repos/o/r/pulls/12/review"),
        "rules.yaml:4:5 pathTemplate `/repos/{owner}/{repo}/pulls/{pullNumber}/reviews`"
    );
    assert_eq!(
        closest("https://api.github.com/repos/o/r/pull"),
        "rules.yaml:3:5 pathTemplate `/repos/{owner}/{repo}/pulls`"
    );
    assert_eq!(
        closest("/orgs/acme/member?page=2"),
        "rules.yaml:5:5 pathRegex `^/orgs/[^/]+/members$`"
    );
    let Err(SanitizeError::Refused(r)) = s.select("GET", "/users/octocat") else {
        panic!("refused");
    };
    assert_eq!(r.closest, None);
    assert_eq!(
        r.to_string(),
        "no endpoint allows GET /users/octocat (4 endpoints checked); none has a path like it"
    );
    let help = SanitizeError::Refused(r).to_diagnostic("-").help;
    assert!(
        help.is_some_and(|h| h.contains("`psoxy-rules compile RULES` lists the endpoints")),
        "the help says how to see the endpoints"
    );
}

#[test]
fn refusal_by_the_only_endpoint_names_it_however_far() {
    let s = sanitizer("endpoints:\n  - pathTemplate: \"/repos/{owner}/{repo}/commits\"\n");
    let Err(SanitizeError::Refused(r)) = s.select("GET", "/users/octocat") else {
        panic!("refused");
    };
    let (location, matcher, reason) = r.closest.expect("the only endpoint");
    assert_eq!(location.to_string(), "rules.yaml:2:5");
    assert_eq!(matcher, "pathTemplate `/repos/{owner}/{repo}/commits`");
    assert_eq!(reason, "the path does not match");
}

#[test]
fn refusal_by_a_path_regex_that_ends_at_the_path_says_so() {
    // The template is closer by its literal prefix, but the regex is the one the user meant.
    let s = sanitizer(
        "endpoints:\n  - pathTemplate: \"/repos/{owner}/{repo}/commits/\"\n  - pathRegex: \"^/repos/[^/]+/[^/]+/commits$\"\n    allowedQueryParams: [\"per_page\"]\n",
    );
    let Err(SanitizeError::Refused(r)) = s.select("GET", "/repos/acme/widgets/commits?per_page=2")
    else {
        panic!("refused");
    };
    let (location, _, reason) = r.closest.expect("a closest endpoint");
    assert_eq!(location.to_string(), "rules.yaml:3:5");
    assert!(reason.contains("end it with `(?:[?].*)?$`"), "{reason}");
}

#[test]
fn trace_counts_matches_and_collects_protected_strings() {
    let s = sanitizer(
        r#"
endpoints:
  - pathTemplate: "/x"
    transforms:
      - !<pseudonymize>
        jsonPaths:
          - "$..email"
          - "$.missing"
      - !<redact>
        jsonPaths:
          - "$.profile"
"#,
    );
    let (out, trace) = s
        .sanitize_traced(
            Selection::Endpoint(0),
            br#"{"email":"a@b.co","o":{"email":"c@d.co"},"profile":{"name":"Ann","n":3}}"#,
            Output::Compact,
        )
        .expect("sanitizes");
    assert!(!out.is_empty());
    assert_eq!(trace.matches, vec![vec![2, 0], vec![1]]);
    let values: Vec<(&str, usize, usize)> = trace
        .protected
        .iter()
        .map(|p| (p.value.as_str(), p.transform, p.path))
        .collect();
    assert_eq!(values, [("a@b.co", 0, 0), ("c@d.co", 0, 0), ("Ann", 1, 0)]);
}

#[test]
fn dates_versions_and_durations_inside_a_removed_object_are_not_protected() {
    let s = sanitizer(
        r#"
endpoints:
  - pathTemplate: "/x"
    transforms:
      - !<redact>
        jsonPaths:
          - "$.edited"
          - "$.at"
"#,
    );
    let (_, trace) = s
        .sanitize_traced(
            Selection::Endpoint(0),
            br#"{"edited":{"by":"Ann Lee","at":"2024-05-01T10:00:00.000Z","app":"2.14.3",
                "for":"PT1H30M","ip":"10.0.0.12","v":"v1.2","id":"7f3e","pay":"98500.50",
                "lat":"52.3676","tel":"612.345.678"},"at":"2024-05-02"}"#,
            Output::Compact,
        )
        .expect("sanitizes");
    let values: Vec<&str> = trace.protected.iter().map(|p| p.value.as_str()).collect();
    // A value removed by itself stays protected, whatever it looks like.
    assert_eq!(
        values,
        [
            "Ann Lee",
            "10.0.0.12",
            "7f3e",
            "98500.50",
            "52.3676",
            "612.345.678",
            "2024-05-02"
        ]
    );
}

#[test]
fn augment_keys_survive_the_schema_filter() {
    let s = sanitizer(
        r#"
endpoints:
  - pathTemplate: "/x"
    augments:
      - !<textDigest>
        jsonPaths:
          - "$.body"
    responseSchema:
      type: "object"
      properties:
        id:
          type: "string"
    transforms:
      - !<redact>
        jsonPaths:
          - "$.body"
"#,
    );
    let out = s
        .sanitize(
            "GET",
            "/x",
            br#"{"id":"1","body":"two words"}"#,
            Output::Compact,
        )
        .expect("sanitizes");
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        r#"{"id":"1","+body:textDigest":{"length":9,"word_count":2}}"#
    );
}

#[test]
fn an_augment_path_that_does_not_parse_only_adds_nothing() {
    let yaml = "endpoints:\n  - pathTemplate: \"/x\"\n    augments:\n      - !<textDigest>\n        \
                jsonPaths: [\"$..body[\", \"$.t\"]\n      - !<textDigest>\n        \
                jsonPaths: [\"$.u\"]\n        innerJsonPath: \"$.[\"\n";
    let (_, warnings) = load_str("rules.yaml", yaml).expect("the rules load");
    let codes: Vec<&str> = warnings.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["P002", "P002"], "{warnings:?}");
    let out = sanitizer(yaml)
        .sanitize(
            "GET",
            "/x",
            br#"{"t":"two words","u":"{\"a\":\"b\"}","body":"x"}"#,
            Output::Compact,
        )
        .expect("sanitizes");
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        r#"{"t":"two words","u":"{\"a\":\"b\"}","body":"x","+t:textDigest":{"length":9,"word_count":2}}"#
    );
}

#[test]
fn an_existence_test_from_the_root_tests_each_element_with_either_engine() {
    // As Jayway: `$.k` in an existence test is read from the element tested, with a warning.
    let yaml = "endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n      - !<redact>\n        \
                jsonPaths: [\"$.l[?($.k)]\"]\n      - !<pseudonymize>\n        \
                jsonPaths: [\"$.m[?(!$.k)].z\"]\n";
    let (rules, warnings) = load_str("rules.yaml", yaml).expect("the rules load");
    let codes: Vec<&str> = warnings.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["P002", "P002"], "{warnings:?}");
    let body = br#"{"k":1,"l":[{"z":1},{"k":2}],"m":[{"z":"a"},{"k":2,"z":"b"}]}"#;
    let rules = Arc::new(rules);
    let mut outputs = Vec::new();
    for engine in [Engine::Plan, Engine::Naive] {
        let s = Sanitizer::new(
            Arc::clone(&rules),
            crate::pseudonym::reference_pseudonymizer(),
            engine,
        );
        let out = s
            .sanitize("GET", "/x", body, Output::Compact)
            .expect("sanitizes");
        outputs.push(String::from_utf8(out).expect("utf-8"));
    }
    let hashed = &outputs[0];
    assert!(
        hashed.starts_with(r#"{"k":1,"l":[{"z":1}],"m":[{"z":"t~"#),
        "{hashed}"
    );
    assert!(hashed.ends_with(r#""},{"k":2,"z":"b"}]}"#), "{hashed}");
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn sentence_metadata_augments_are_refused_clearly() {
    let s = sanitizer(
        "endpoints:\n  - pathTemplate: \"/x\"\n    augments:\n      - !<sentenceMetadata>\n        jsonPaths:\n          - \"$.t\"\n",
    );
    let err = s
        .sanitize("GET", "/x", b"{}", Output::Compact)
        .expect_err("refused");
    assert_eq!(err.code(), "S005");
    assert!(err.to_string().contains("sentenceMetadata"), "{err}");
}

const NDJSON_RULES: &str = r#"
endpoints:
  - pathTemplate: "/x"
    transforms:
      - !<pseudonymize>
        jsonPaths:
          - "$..email"
      - !<redact>
        jsonPaths:
          - "$.drop"
"#;

fn ndjson(n: usize) -> String {
    (0..n).fold(String::new(), |mut s, i| {
        let _ = writeln!(
            s,
            "{{\"i\":{i},\"email\":\"u{i}@acme.com\",\"drop\":[{i}],\"n\":{{\"email\":\"x{i}@b.org\"}}}}"
        );
        s
    })
}

fn stream(s: &Sanitizer, body: &str, jobs: usize, output: Output) -> Result<Vec<u8>, StreamError> {
    stream_stats(s, body, jobs, output, false).map(|(out, _)| out)
}

/// [`stream`] with the size known in advance, as of a regular file, when `sized`; with the
/// stream's counts.
fn stream_stats(
    s: &Sanitizer,
    body: &str,
    jobs: usize,
    output: Output,
    sized: bool,
) -> Result<(Vec<u8>, StreamStats), StreamError> {
    let mut out = Vec::new();
    let stats = s.sanitize_stream(
        Selection::Endpoint(0),
        body.as_bytes(),
        &mut out,
        StreamOptions {
            jobs,
            segment_bytes: 64,
            output,
            size_hint: sized.then_some(body.len() as u64),
        },
    )?;
    Ok((out, stats))
}

/// [`stream`] for each way of reading the body: with its size unknown, and known.
fn streams(
    s: &Sanitizer,
    body: &str,
    jobs: usize,
    output: Output,
) -> [Result<Vec<u8>, StreamError>; 2] {
    [false, true].map(|sized| stream_stats(s, body, jobs, output, sized).map(|(out, _)| out))
}

#[test]
fn streamed_output_equals_whole_body_output_in_order_for_any_job_count() {
    let s = sanitizer(NDJSON_RULES);
    let body = ndjson(300);
    let whole = s
        .sanitize("GET", "/x", body.as_bytes(), Output::Compact)
        .expect("sanitizes");
    for jobs in [1, 2, 4] {
        for (sized, streamed) in [false, true]
            .iter()
            .zip(streams(&s, &body, jobs, Output::Compact))
        {
            assert_eq!(
                streamed.expect("streams"),
                whole,
                "jobs {jobs}, sized {sized}"
            );
        }
    }
    // Read whole, a body is counted as a stream is: its first value and then the others.
    for jobs in [1, 2] {
        let (_, stats) = stream_stats(&s, &body, jobs, Output::Compact, true).expect("streams");
        let expected = StreamStats {
            bytes_in: body.len() as u64,
            bytes_out: whole.len() as u64,
            values: 300,
        };
        assert_eq!(stats, expected, "jobs {jobs}");
    }
}

#[test]
fn streams_go_on_with_the_threads_the_system_starts_and_fail_clearly_without_any() {
    let s = sanitizer(NDJSON_RULES);
    let body = ndjson(300);
    let whole = stream(&s, &body, 1, Output::Compact).expect("streams");
    // The producer and one worker are enough; without either nothing is written.
    for (budget, works) in [(0, false), (1, false), (2, true), (3, true)] {
        super::stream::THREAD_BUDGET.set(Some(budget));
        let streamed = stream(&s, &body, 8, Output::Compact);
        super::stream::THREAD_BUDGET.set(None);
        match streamed {
            Ok(out) => assert!(works && out == whole, "budget {budget}"),
            Err(e) => {
                assert!(!works, "budget {budget}: {e}");
                assert!(matches!(e, StreamError::Threads(_)), "budget {budget}: {e}");
                assert!(
                    e.to_string()
                        .starts_with("cannot start a thread to sanitize the body"),
                    "{e}"
                );
            }
        }
    }
}

#[test]
fn a_value_too_long_to_read_is_a_fault_of_the_body_placed_where_it_starts() {
    let too_long = crate::json::split::ValueTooLong {
        offset: 12,
        line: 3,
        column: 3,
        max: 1 << 30,
    };
    let err = StreamError::from(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        too_long,
    ));
    let StreamError::Sanitize(e) = err else {
        panic!("a fault of the body, got {err:?}");
    };
    let d = e.to_diagnostic("-");
    assert_eq!(d.code, "S003");
    assert_eq!(
        d.to_string(),
        "-:3:3: error[S003]: the body cannot be sanitized: a value longer than 1 GiB, the most \
         one value may have (each is read whole)"
    );
    // Other errors stay errors of reading or writing.
    let other = StreamError::from(std::io::Error::from(std::io::ErrorKind::InvalidData));
    assert!(matches!(other, StreamError::Io(_)), "{other:?}");
}

#[test]
fn streamed_json_errors_are_located_in_the_whole_body() {
    let s = sanitizer(NDJSON_RULES);
    let body = format!("{}{{\"a\":}}\n{}", ndjson(5), ndjson(5));
    for jobs in [1, 3] {
        for streamed in streams(&s, &body, jobs, Output::Compact) {
            let err = streamed.expect_err("invalid JSON");
            let StreamError::Sanitize(SanitizeError::InvalidJson(e)) = err else {
                panic!("a JSON error, got {err:?}");
            };
            assert_eq!((e.line, e.column), (6, 6), "jobs {jobs}");
        }
    }
    // Lines end at LF, CR LF or a lone CR, in segments as in a body parsed whole.
    for separator in ["\r", "\r\n", "\n\r"] {
        let body =
            format!("{}{{\"a\":}}{separator}{}", ndjson(5), ndjson(5)).replace('\n', separator);
        let whole = match s.sanitize("GET", "/x", body.as_bytes(), Output::Compact) {
            Err(SanitizeError::InvalidJson(e)) => e,
            other => panic!("a JSON error, got {other:?}"),
        };
        for jobs in [1, 3] {
            for streamed in streams(&s, &body, jobs, Output::Compact) {
                let err = streamed.expect_err("invalid JSON");
                let StreamError::Sanitize(SanitizeError::InvalidJson(e)) = err else {
                    panic!("a JSON error, got {err:?}");
                };
                assert_eq!(
                    (e.line, e.column, e.offset),
                    (whole.line, whole.column, whole.offset),
                    "{separator:?} jobs {jobs}"
                );
            }
        }
    }
}

#[test]
fn streamed_pretty_output_is_the_first_value() {
    let s = sanitizer(NDJSON_RULES);
    let out = stream(&s, &ndjson(3), 2, Output::Pretty).expect("streams");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.starts_with("{\n  \"i\":0,"), "{text}");
    assert!(!text.contains("\"i\":1"), "{text}");
}

#[test]
fn pretty_output_still_sanitizes_every_value() {
    let s = sanitizer(NDJSON_RULES);
    // A second value that a transform fails on, and one cut short: the body fails either way,
    // as the compact output does (harness §5 pretty-prints the sanitized whole body).
    let failing = "{\"i\":0}\n{\"email\":[true]}\n";
    let cut = "{\"i\":0}\n{\"email\":";
    for body in [failing, cut] {
        let whole = s.sanitize("GET", "/x", body.as_bytes(), Output::Pretty);
        assert!(whole.is_err(), "{body:?}: {whole:?}");
        for jobs in [1, 2] {
            let streamed = stream(&s, body, jobs, Output::Pretty);
            assert!(streamed.is_err(), "{body:?} jobs {jobs}");
        }
    }
}

#[test]
fn pretty_output_of_a_passed_through_body_is_its_first_value_in_the_golden_form() {
    let s = sanitizer("allowAllEndpoints: true\nendpoints:\n  - pathTemplate: \"/a\"\n");
    let pretty = |body: &str| s.sanitize("GET", "/b", body.as_bytes(), Output::Pretty);
    assert_eq!(
        pretty("{\"b\":1,  \"a\":[1.50]} trailing").expect("passes"),
        b"{\n  \"b\":1,\n  \"a\":[\n    1.5\n  ]\n}"
    );
    assert_eq!(pretty("").expect("empty"), b"");
    assert!(matches!(
        pretty("{\"b\":"),
        Err(SanitizeError::InvalidJson(_))
    ));
    // Compact output stays byte for byte.
    assert_eq!(
        s.sanitize("GET", "/b", b"{\"b\":1,  \"a\":[1.50]}", Output::Compact)
            .expect("passes"),
        b"{\"b\":1,  \"a\":[1.50]}"
    );
    let mut out = Vec::new();
    s.sanitize_stream(
        Selection::PassThrough,
        &b"[1.50] x"[..],
        &mut out,
        StreamOptions {
            output: Output::Pretty,
            ..StreamOptions::default()
        },
    )
    .expect("streams");
    assert_eq!(out, b"[\n  1.5\n]");
}

#[test]
fn streamed_empty_and_whitespace_bodies_give_nothing() {
    let s = sanitizer(NDJSON_RULES);
    for body in ["", " \n\t "] {
        for streamed in streams(&s, body, 2, Output::Compact) {
            assert_eq!(streamed.expect("streams"), b"", "{body:?}");
        }
    }
}

/// A response with large arrays, which the plan walks in two halves on two threads.
fn large_response(users: usize, fail_at: &[usize]) -> String {
    let mut body = String::from(r#"{"users":["#);
    for i in 0..users {
        if i > 0 {
            body.push(',');
        }
        let email = if fail_at.contains(&i) {
            r#"{"not":"a string"}"#.to_owned()
        } else {
            format!(r#""User.{i}+tag@Example.com""#)
        };
        let _ = write!(
            body,
            r#"{{"id":{i},"email":{email},"kind":"{}","aliases":["a{i}@x.io","b{i}@x.io"],"groups":[{{"owner":"o{i}@y.io"}}]}}"#,
            if i % 3 == 0 { "bot" } else { "user" }
        );
    }
    body.push_str(r#"],"total":1}"#);
    body
}

const LARGE: &str = r#"
endpoints:
  - pathTemplate: "/users"
    transforms:
      - !<pseudonymize>
        jsonPaths:
          - "$.users[*].email"
          - "$.users[?(@.kind == 'user')].id"
          - "$..owner"
      - !<pseudonymize>
        jsonPaths:
          - "$.users[*].aliases[*]"
        encoding: "JSON"
"#;

#[test]
fn large_arrays_walked_on_two_threads_give_the_naive_engines_bytes() {
    let plan = sanitizer(LARGE);
    let (rules, _) = load_str("rules.yaml", LARGE).expect("test rules load");
    let naive = Sanitizer::new(
        Arc::new(rules),
        crate::pseudonym::reference_pseudonymizer(),
        Engine::Naive,
    );
    let body = large_response(5000, &[]);
    let out = plan
        .sanitize("GET", "/users", body.as_bytes(), Output::Compact)
        .expect("sanitizes");
    let expected = naive
        .sanitize("GET", "/users", body.as_bytes(), Output::Compact)
        .expect("sanitizes");
    assert_eq!(
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&expected)
    );
    let text = String::from_utf8_lossy(&out);
    assert!(!text.contains("User."), "an email is left");
    assert!(!text.contains("@x.io\""), "an alias is left");
    let users = (0..5000).filter(|i| i % 3 != 0).count();
    assert_eq!(text.matches("\"t~").count(), 5000 + users + 5000);
}

#[test]
fn a_body_read_whole_gives_its_first_document_then_the_values_after_it_in_order() {
    let s = sanitizer(LARGE);
    let large = large_response(3000, &[]);
    let small = large_response(2, &[]);
    let bodies = [
        large.clone(),
        format!("{large}\r\n \n"),
        format!("{large}\n{small}\n{large}\n{small}"),
    ];
    for body in bodies {
        let whole = s
            .sanitize("GET", "/users", body.as_bytes(), Output::Compact)
            .expect("sanitizes");
        let values = body.lines().filter(|l| !l.trim().is_empty()).count() as u64;
        for jobs in [1, 2] {
            let (out, stats) =
                stream_stats(&s, &body, jobs, Output::Compact, true).expect("streams");
            assert!(out == whole, "jobs {jobs}, {values} values");
            assert_eq!(stats.values, values, "jobs {jobs}");
            assert_eq!(stats.bytes_in, body.len() as u64, "jobs {jobs}");
            assert_eq!(stats.bytes_out, whole.len() as u64, "jobs {jobs}");
        }
    }
    // A value after the first that fails is named, and placed, as in the body sanitized whole.
    let body = format!("{large}\n{}", large_response(2, &[1]));
    let whole = s
        .sanitize("GET", "/users", body.as_bytes(), Output::Compact)
        .expect_err("the second value fails");
    let streamed = stream_stats(&s, &body, 2, Output::Compact, true).expect_err("fails");
    let StreamError::Sanitize(streamed) = streamed else {
        panic!("a failure of the body, got {streamed:?}");
    };
    let text = whole.to_diagnostic("-").to_string();
    assert!(text.contains("-:2:"), "{text}");
    assert_eq!(streamed.to_diagnostic("-").to_string(), text);
}

#[test]
fn an_error_in_either_half_of_a_split_array_is_the_one_a_plain_run_reports() {
    let s = sanitizer(LARGE);
    let pointer = |fail_at: &[usize]| {
        let body = large_response(4000, fail_at);
        match s.sanitize("GET", "/users", body.as_bytes(), Output::Compact) {
            Err(SanitizeError::Transform { pointer, .. }) => pointer.map(String::from),
            other => panic!("expected a transform error, got {other:?}"),
        }
    };
    assert_eq!(pointer(&[3500]), Some("/users/3500/email".to_owned()));
    assert_eq!(pointer(&[10, 3500]), Some("/users/10/email".to_owned()));
}

#[test]
fn arenas_reused_across_calls_give_the_same_bytes_as_fresh_ones() {
    let reused = sanitizer(LARGE);
    let small = large_response(3, &[]);
    let large = large_response(3000, &[]);
    let sanitize = |s: &Sanitizer, body: &str| {
        s.sanitize("GET", "/users", body.as_bytes(), Output::Compact)
            .expect("sanitizes")
    };
    // A large document leaves large arenas behind; smaller and equal ones then write into them.
    let mut outputs = Vec::new();
    for body in [&large, &small, &large, &small] {
        outputs.push(sanitize(&reused, body));
    }
    assert_eq!(outputs[0], sanitize(&sanitizer(LARGE), &large));
    assert_eq!(outputs[1], sanitize(&sanitizer(LARGE), &small));
    assert_eq!(outputs[2], outputs[0]);
    assert_eq!(outputs[3], outputs[1]);
    // One call at a time needs one set of arenas, kept with memory for the next call.
    let pool = reused.arenas.lock().expect("not poisoned");
    assert_eq!(pool.len(), 1);
    assert!(pool[0].allocated() > 0);
}

#[test]
fn sanitizing_into_a_buffer_appends_and_leaves_it_as_it_was_on_failure() {
    let s = sanitizer(LARGE);
    let select = s.select("GET", "/users").expect("allowed");
    let body = large_response(3000, &[]);
    let alone = s
        .sanitize_selected(select, body.as_bytes(), Output::Compact)
        .expect("sanitizes");
    let mut out = b"kept:".to_vec();
    s.sanitize_into(select, body.as_bytes(), Output::Compact, &mut out)
        .expect("sanitizes");
    assert!(out.starts_with(b"kept:") && out[5..] == alone[..]);
    // Cleared and written again, a buffer holds the same bytes.
    out.clear();
    s.sanitize_into(select, body.as_bytes(), Output::Compact, &mut out)
        .expect("sanitizes");
    assert!(out == alone);
    // A body that fails once most of it is written leaves nothing of it behind.
    let failing = large_response(3000, &[2999]);
    out = b"kept:".to_vec();
    let e = s.sanitize_into(select, failing.as_bytes(), Output::Compact, &mut out);
    assert!(matches!(e, Err(SanitizeError::Transform { .. })), "{e:?}");
    assert_eq!(out, b"kept:");
    // A pass-through body is appended as it is.
    let pass = sanitizer("allowAllEndpoints: true\nendpoints:\n  - pathTemplate: \"/a\"\n");
    let select = pass.select("GET", "/b").expect("passed through");
    out = b"kept:".to_vec();
    pass.sanitize_into(select, b"[1.50]", Output::Compact, &mut out)
        .expect("passes");
    assert_eq!(out, b"kept:[1.50]");
}

#[test]
fn arenas_holding_too_much_after_a_reset_are_not_kept() {
    let mut arenas = Arenas::new();
    arenas.hold(1 << 20);
    assert!(arenas.reset(), "a megabyte is kept");
    arenas.hold(Arenas::KEEP_BYTES + 1);
    assert!(!arenas.reset(), "more than the limit is not");
}

/// Rules with one endpoint, `/x`, that pseudonymizes `paths`.
fn pseudonymize_at(paths: &[&str]) -> String {
    let mut yaml = String::from(
        "endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n      - !<pseudonymize>\n        jsonPaths:\n",
    );
    for path in paths {
        let _ = writeln!(yaml, "          - \"{path}\"");
    }
    yaml
}

/// The plan (with both cores, whatever the machine) and the naive engine for `yaml`.
fn plan_and_naive(yaml: &str) -> (Sanitizer, Sanitizer) {
    let mut plan = sanitizer(yaml);
    plan.two_cores = true;
    let (rules, _) = load_str("rules.yaml", yaml).expect("test rules load");
    let naive = Sanitizer::new(
        Arc::new(rules),
        crate::pseudonym::reference_pseudonymizer(),
        Engine::Naive,
    );
    (plan, naive)
}

/// `{"e":"…@…"}` objects, `n` of them, as a JSON array.
fn emails(prefix: &str, n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"e":"{prefix}.{i}@Example.com","n":{i}}}"#))
        .collect();
    format!("[{}]", items.join(","))
}

/// `"b0":[…],"b1":[…],…`: `n` members, each an array of 1,100 [`emails`].
fn email_arrays(n: usize) -> String {
    let members: Vec<String> = (0..n)
        .map(|k| format!(r#""b{k}":{}"#, emails(&format!("B{k}"), 1100)))
        .collect();
    members.join(",")
}

/// Compact output of the whole body, and of the body streamed on two threads, each equal to
/// the naive engine's.
fn assert_same_as_naive(yaml: &str, url: &str, body: &str) -> String {
    let (plan, naive) = plan_and_naive(yaml);
    let expected = naive
        .sanitize("GET", url, body.as_bytes(), Output::Compact)
        .expect("the naive engine sanitizes");
    let whole = plan
        .sanitize("GET", url, body.as_bytes(), Output::Compact)
        .expect("the plan sanitizes");
    assert_eq!(
        String::from_utf8_lossy(&whole),
        String::from_utf8_lossy(&expected)
    );
    let streamed = stream(&plan, body, 2, Output::Compact).expect("the plan streams");
    assert_eq!(
        String::from_utf8_lossy(&streamed),
        String::from_utf8_lossy(&expected)
    );
    String::from_utf8_lossy(&whole).into_owned()
}

#[test]
fn large_arrays_walked_while_written_give_the_naive_engines_bytes() {
    let yaml = &pseudonymize_at(&[
        "$.a[*].e",
        "$.b[*].e",
        "$.c.d[*].e",
        "$[?(@.total > 1)].head",
    ]);
    let body = format!(
        r#"{{"head":"h@x.io","a":{},"small":{},"b":{},"c":{{"d":{}}},"total":2}}"#,
        emails("A", 3000),
        emails("S", 3),
        emails("B", 1500),
        emails("D", 2100),
    );
    let out = assert_same_as_naive(yaml, "/x", &body);
    assert!(!out.contains("@Example.com\",\"n\":1,"));
    assert_eq!(out.matches("\"t~").count(), 3000 + 1500 + 2100 + 1);
}

#[test]
fn a_large_root_array_is_walked_while_written() {
    let yaml = &pseudonymize_at(&["$[*].e"]);
    let body = emails("R", 5000);
    let out = assert_same_as_naive(yaml, "/x", &body);
    assert_eq!(out.matches("\"t~").count(), 5000);
}

#[test]
fn arrays_walked_while_written_hold_the_strings_of_a_chunk_at_a_time() {
    let yaml = &pseudonymize_at(&["$[*].e"]);
    let body = emails("R", 20_000);
    let out = assert_same_as_naive(yaml, "/x", &body);
    let made: usize = out
        .split("\"t~")
        .skip(1)
        .map(|rest| rest.find('"').map_or(0, |end| end + 2))
        .sum();
    let (plan, _) = plan_and_naive(yaml);
    plan.sanitize("GET", "/x", body.as_bytes(), Output::Compact)
        .expect("sanitizes");
    let pool = plan.arenas.lock().expect("not poisoned");
    // More than a megabyte of pseudonyms went through arenas that kept a few chunks' worth.
    assert!(made > 1 << 20, "{made}");
    assert!(
        pool[0].allocated() < made / 8,
        "{} bytes kept of {made}",
        pool[0].allocated()
    );
}

#[test]
fn every_kind_of_value_function_in_arrays_walked_while_written_gives_the_naive_engines_bytes() {
    // Deep scans, filters and several transforms on the same elements, with values that come
    // back across chunks: each chunk's mapper makes strings of every kind in its arena.
    let yaml = r#"
endpoints:
  - pathTemplate: "/x"
    transforms:
      - !<pseudonymize>
        jsonPaths:
          - "$.items[?(@.kind == 'user')].email"
          - "$..owner"
      - !<pseudonymize>
        jsonPaths:
          - "$.items[*].aliases[*]"
        encoding: "JSON"
        includeReversible: true
      - !<pseudonymizeRegexMatches>
        jsonPaths:
          - "$.items[*].note"
        regex: "([a-z0-9.]+@[a-z.]+)"
      - !<textDigest>
        jsonPaths:
          - "$.items[*].body"
      - !<pseudonymize>
        jsonPaths:
          - "$.items[*].email"
"#;
    let items: Vec<String> = (0..3000)
        .map(|i| {
            format!(
                r#"{{"kind":"{}","email":"U{}@Example.com","aliases":["a{}@x.io",{}],"note":"cc b{}@y.io and c{}@y.io","body":"words {} and more","groups":[{{"owner":"o{}@y.io"}}]}}"#,
                if i % 3 == 0 { "bot" } else { "user" },
                i % 50,
                i % 11,
                i,
                i % 13,
                i,
                i % 17,
                i % 5,
            )
        })
        .collect();
    let body = format!(r#"{{"items":[{}],"total":3000}}"#, items.join(","));
    let out = assert_same_as_naive(yaml, "/x", &body);
    assert!(!out.contains("\"U1@"), "an email is left");
    assert!(!out.contains("\"words "), "a body is left");
    // Both aliases of each item, the address and the number, are reversible.
    assert_eq!(out.matches("p~").count(), 6000);
}

#[test]
fn values_met_again_in_later_chunks_give_the_naive_engines_bytes() {
    let yaml = &pseudonymize_at(&["$[*].e", "$[*].f"]);
    let items: Vec<String> = (0..6000)
        .map(|i| format!(r#"{{"e":"P{}@x.io","f":"p{}@X.io"}}"#, i % 10, i % 7))
        .collect();
    let body = format!("[{}]", items.join(","));
    let out = assert_same_as_naive(yaml, "/x", &body);
    assert_eq!(out.matches("\"t~").count(), 12_000);
    assert!(!out.contains("\"P1@x.io\""));
}

#[test]
fn arrays_that_a_later_rule_changes_are_walked_before_the_document_is_written() {
    // `rest` is digested after its elements are pseudonymized: its arrays are walked before
    // anything is written. `a` is pseudonymized twice, element by element: it may be walked
    // while written, both rules in order.
    let yaml = r#"
endpoints:
  - pathTemplate: "/x"
    transforms:
      - !<pseudonymize>
        jsonPaths:
          - "$.first[*].e"
          - "$.rest.*[*].e"
          - "$.a[*].e"
      - !<textDigest>
        jsonPaths:
          - "$.rest"
      - !<pseudonymize>
        jsonPaths:
          - "$.a[*].e"
"#;
    let body = format!(
        r#"{{"first":{},"rest":{{{}}},"a":{}}}"#,
        emails("F", 1200),
        email_arrays(3),
        emails("A", 1300)
    );
    let out = assert_same_as_naive(yaml, "/x", &body);
    assert!(out.contains(r#""rest":null"#));
    assert_eq!(out.matches("\"t~").count(), 1200 + 1300);
}

#[test]
fn arrays_left_for_later_after_every_split_arena_is_taken_give_the_naive_engines_bytes() {
    // `first` is left for later. The filter of the last rule reads `rest`, whose arrays the
    // second rule changes: they are walked at once, each in two halves, more of them than
    // there are arenas for split walks. The arrays walked while written have arenas of their
    // own.
    let yaml = r#"
endpoints:
  - pathTemplate: "/x"
    transforms:
      - !<pseudonymize>
        jsonPaths:
          - "$.first[*].e"
      - !<pseudonymize>
        jsonPaths:
          - "$.rest.*[*].e"
      - !<pseudonymize>
        jsonPaths:
          - "$.rest[?(@.b0)].flag"
"#;
    let body = format!(
        r#"{{"first":{},"rest":{{"flag":"f",{}}}}}"#,
        emails("F", 1200),
        email_arrays(10)
    );
    let out = assert_same_as_naive(yaml, "/x", &body);
    assert_eq!(out.matches("\"t~").count(), 1200 + 11_000 + 1);
}

#[test]
fn an_error_in_an_array_walked_while_written_is_the_one_a_plain_run_reports() {
    let yaml = &pseudonymize_at(&["$.a[*].e", "$.after"]);
    let (plan, naive) = plan_and_naive(yaml);
    let error =
        |s: &Sanitizer, body: &str| match s.sanitize("GET", "/x", body.as_bytes(), Output::Compact)
        {
            Err(e) => e,
            Ok(out) => panic!("expected a failure, got {}", String::from_utf8_lossy(&out)),
        };
    let bad = |at: usize| {
        emails("A", 3000).replacen(
            &format!(r#""A.{at}@Example.com""#),
            r#"{"not":"a string"}"#,
            1,
        )
    };
    for (a, after) in [
        (bad(2900), r#""fine""#),
        (bad(700), r#"{"also":"bad"}"#),
        (emails("A", 3000), r#"{"only":"bad"}"#),
    ] {
        let body = format!(r#"{{"a":{a},"after":{after}}}"#);
        let (got, expected) = (error(&plan, &body), error(&naive, &body));
        assert_eq!(got.to_string(), expected.to_string());
        let streamed = stream(&plan, &body, 2, Output::Compact);
        assert!(
            matches!(&streamed, Err(StreamError::Sanitize(e)) if e.to_string() == expected.to_string()),
            "{streamed:?}"
        );
    }
    assert!(
        error(&plan, &format!(r#"{{"a":{},"after":1}}"#, bad(700)))
            .to_string()
            .contains("/a/700/e")
    );
}

/// The error of a sanitization that must fail.
fn failure(s: &Sanitizer, url: &str, body: &str) -> SanitizeError {
    match s.sanitize("GET", url, body.as_bytes(), Output::Compact) {
        Err(e) => e,
        Ok(out) => panic!("expected a failure, got {}", String::from_utf8_lossy(&out)),
    }
}

#[test]
fn the_error_reported_is_the_one_the_proxy_meets_first() {
    // The proxy applies each path in turn, a path's matches with array elements from the last
    // (§6.3.10); the plan's walk meets these failures in document order.
    let yaml = &pseudonymize_at(&["$.a[*]", "$.b"]);
    let (plan, naive) = plan_and_naive(yaml);
    let items = |n: usize, bad: &[usize]| {
        let items: Vec<String> = (0..n)
            .map(|i| {
                if bad.contains(&i) {
                    format!(r#"{{"bad":{i}}}"#)
                } else {
                    format!(r#""u{i}@example.com""#)
                }
            })
            .collect();
        format!("[{}]", items.join(","))
    };
    for (body, pointer) in [
        (format!(r#"{{"a":{}}}"#, items(3, &[0, 2])), "/a/2"),
        (format!(r#"{{"b":{{}},"a":{}}}"#, items(3, &[1])), "/a/1"),
        // Large enough to be walked in halves, or while the document is written.
        (format!(r#"{{"a":{}}}"#, items(3000, &[5, 2500])), "/a/2500"),
        (
            format!(r#"{{"b":{{}},"a":{},"c":1}}"#, items(3000, &[5])),
            "/a/5",
        ),
    ] {
        let expected = failure(&naive, "/x", &body).to_string();
        assert!(expected.contains(&format!(" at {pointer}: ")), "{expected}");
        assert_eq!(failure(&plan, "/x", &body).to_string(), expected);
        let streamed = stream(&plan, &body, 2, Output::Compact);
        assert!(
            matches!(&streamed, Err(StreamError::Sanitize(e)) if e.to_string() == expected),
            "{streamed:?}"
        );
    }
}

#[test]
fn a_filter_on_a_string_fails_at_the_pointer_of_the_string() {
    let yaml = "endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n      - !<redact>\n        \
                jsonPaths: [\"$.user[?(@.type=='User')]\"]\n";
    let (plan, naive) = plan_and_naive(yaml);
    for s in [&plan, &naive] {
        let e = failure(s, "/x", r#"{"user":"octocat"}"#);
        assert_eq!(
            e.to_string(),
            "rules.yaml:5:21: redact failed at /user: a filter cannot be applied to a string \
             value; only arrays and objects can be filtered"
        );
    }
}

#[test]
fn a_failure_at_the_document_root_says_so() {
    let (plan, naive) = plan_and_naive(&pseudonymize_at(&["$"]));
    for s in [&plan, &naive] {
        let e = failure(s, "/x", r#"{"a":1}"#);
        assert!(
            e.to_string()
                .starts_with("rules.yaml:6:13: pseudonymize failed at the document root: "),
            "{e}"
        );
        assert!(
            e.to_diagnostic("body.json")
                .message
                .starts_with("pseudonymize failed at the document root: "),
            "{e}"
        );
    }
}

#[test]
fn a_failure_in_a_body_of_several_values_names_the_value() {
    let (plan, naive) = plan_and_naive(&pseudonymize_at(&["$.e"]));
    let good = r#"{"e":"a@example.com"}"#;
    let bad = r#"{"e":{"not":"a string"}}"#;
    let cases = [
        (format!("{good}\n{good}\n  {bad}\n{good}\n"), Some((3, 3))),
        (format!("{bad}\r\n{good}"), Some((1, 1))),
        (format!("{good} {bad}"), Some((1, 23))),
        (format!("\n {bad} \n"), None),
    ];
    for (body, place) in cases {
        let expected = match place {
            Some((line, column)) => format!(
                "rules.yaml:6:13: pseudonymize failed at /e in the value at line {line}, column {column} of the body: cannot transform a value of type object"
            ),
            None => "rules.yaml:6:13: pseudonymize failed at /e: cannot transform a value of type object"
                .to_owned(),
        };
        for s in [&plan, &naive] {
            assert_eq!(failure(s, "/x", &body).to_string(), expected, "{body:?}");
            for jobs in [1, 2] {
                match stream(s, &body, jobs, Output::Compact) {
                    Err(StreamError::Sanitize(e)) => assert_eq!(e.to_string(), expected),
                    other => panic!("expected a failure, got {other:?}"),
                }
            }
        }
        let shown = failure(&plan, "/x", &body)
            .to_diagnostic("body.json")
            .message;
        match place {
            Some((line, column)) => assert!(
                shown.contains(&format!(" in the value at body.json:{line}:{column}: ")),
                "{shown}"
            ),
            None => assert!(!shown.contains("in the value"), "{shown}"),
        }
    }
}

#[test]
fn a_transform_on_a_container_says_how_to_select_inside_it() {
    let (plan, naive) = plan_and_naive(&pseudonymize_at(&["$.e"]));
    for (s, body) in [(&plan, r#"{"e":{"a":"b"}}"#), (&naive, r#"{"e":["a"]}"#)] {
        let help = failure(s, "/x", body).to_diagnostic("body.json").help;
        assert!(
            help.as_deref()
                .is_some_and(|h| h.contains("`[*]` for an array's elements")),
            "{help:?}"
        );
    }
}

#[test]
fn every_value_type_a_transform_refuses_has_a_help_line() {
    // `transform` is the item of `transforms` without its `jsonPaths`.
    let at_e = |transform: &str| {
        sanitizer(&format!(
            "endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n      - {transform}\n        jsonPaths: [\"$.e\"]\n"
        ))
    };
    let pseudonymize = at_e("!<pseudonymize>");
    let hash_only = at_e("!<pseudonymize>\n        encoding: \"URL_SAFE_HASH_ONLY\"");
    let header = at_e("!<pseudonymizeEmailHeader>");
    let matches = at_e("!<pseudonymizeRegexMatches>\n        regex: \"(.+)\"");
    for (s, value, help) in [
        (&pseudonymize, "true", "a boolean cannot be pseudonymized"),
        (&header, "false", "a boolean cannot be pseudonymized"),
        (&matches, "true", "a boolean cannot be pseudonymized"),
        (&header, "1", "pseudonymize numbers with `pseudonymize`"),
        (&matches, "2.5", "pseudonymize numbers with `pseudonymize`"),
        (
            &hash_only,
            "null",
            "use the default encoding, `URL_SAFE_TOKEN`",
        ),
        (
            &hash_only,
            "\" \"",
            "use the default encoding, `URL_SAFE_TOKEN`",
        ),
        (&header, "[1]", "`[*]` for an array's elements"),
        (&matches, "{}", "`[*]` for an array's elements"),
    ] {
        let d = failure(s, "/x", &format!(r#"{{"e":{value}}}"#)).to_diagnostic("b");
        assert_eq!(d.code, "S007", "{value}");
        assert!(
            d.help.as_deref().is_some_and(|h| h.contains(help)),
            "{value}: {d:?}"
        );
    }
}

/// Sanitizes `values` as the `e` and `f` members of the elements of an array, hashed and
/// reversible, and checks each pseudonym against one made on its own.
fn check_pseudonyms_of_repeated_values(values: &[String]) {
    let s = sanitizer(
        r#"
endpoints:
  - pathTemplate: "/people"
    transforms:
      - !<pseudonymize>
        jsonPaths:
          - "$.a[*].e"
      - !<pseudonymize>
        includeReversible: true
        jsonPaths:
          - "$.a[*].f"
"#,
    );
    let elements: Vec<serde_json::Value> = values
        .iter()
        .map(|v| serde_json::json!({ "e": v, "f": v }))
        .collect();
    let body = serde_json::to_vec(&serde_json::json!({ "a": elements })).expect("serializes");
    let out = s
        .sanitize("GET", "/people", &body, Output::Compact)
        .expect("sanitizes");
    let out: serde_json::Value = serde_json::from_slice(&out).expect("output parses");
    let p = crate::pseudonym::reference_pseudonymizer();
    let token = |v: &str, reversible: bool| {
        p.url_safe_token(crate::pseudonym::PseudonymInput::Text(v), reversible)
            .expect("pseudonymizes")
    };
    let made = out["a"].as_array().expect("an array");
    assert_eq!(made.len(), values.len());
    for (v, element) in values.iter().zip(made) {
        assert_eq!(element["e"], token(v, false), "hash of {v}");
        assert_eq!(element["f"], token(v, true), "reversible token of {v}");
    }
}

#[test]
fn repeated_values_get_the_pseudonym_of_their_transform() {
    // Seven people over and over: every value after the first seven comes from the memo.
    let values: Vec<String> = (0..6000)
        .map(|i| format!("Person{}@Example.com", i % 7))
        .collect();
    check_pseudonyms_of_repeated_values(&values);
}

#[test]
fn unique_values_and_escaped_ones_are_pseudonymized_each() {
    // Unique values turn the memo off; escaped ones (owned strings) are never remembered.
    let values: Vec<String> = (0..6000)
        .map(|i| match i % 3 {
            0 => format!("user{i}@example.com"),
            1 => format!("\"quoted{}\"@example.com", i % 5),
            _ => format!("line\nbreak{}", i % 5),
        })
        .collect();
    check_pseudonyms_of_repeated_values(&values);
}

#[test]
fn deletions_that_java_sorts_inconsistently_give_the_naive_engines_bytes() {
    // One path deletes member "5" and array elements from index 11 down: Jayway's order puts
    // "5" between 10 and 9, and Java's sort then deletes the elements out of order (§6.3.10).
    let yaml = "endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n      - !<redact>\n        \
                jsonPaths:\n          - \"$.*[?(@ != 'keep')]\"\n";
    let doc =
        r#"{"5":{},"a":["keep","keep","keep","x","keep","x","keep","keep","keep","x","x","keep"]}"#;
    let proxy = r#"{"a":["keep","keep","keep","keep","keep","keep","keep","x"]}"#;
    let body = format!("{doc}\n{{\"a\":[\"x\",\"keep\"]}}\n{doc}");
    let out = assert_same_as_naive(yaml, "/x", &body);
    assert_eq!(out, format!("{proxy}\n{{\"a\":[\"keep\"]}}\n{proxy}"));

    // A parsed document, and a traced run, take the same way.
    let (plan, _) = plan_and_naive(yaml);
    let mut value = json::parse_value(doc).expect("parses");
    let selection = plan.select("GET", "/x").expect("allowed");
    plan.sanitize_parsed(selection, &mut value)
        .expect("sanitizes");
    assert_eq!(json::to_compact_string(&value), proxy);
    let (traced, _) = plan
        .sanitize_traced(selection, doc.as_bytes(), Output::Compact)
        .expect("sanitizes");
    assert_eq!(String::from_utf8_lossy(&traced), proxy);

    // Where the proxy fails, so does the plan, at the same place.
    let (plan, naive) = plan_and_naive(&yaml.replace("[?(@ != 'keep')]", "[*]"));
    let body = br#"{"o":{"5":1},"a":[0,1,2,3,4,5,6,7,8,9,10,11,12]}"#;
    let failed = plan.sanitize("GET", "/x", body, Output::Compact);
    let expected = naive.sanitize("GET", "/x", body, Output::Compact);
    assert!(failed.is_err());
    assert_eq!(failed, expected);
    assert!(failed.unwrap_err().to_string().contains("at /a/12"));
}

#[test]
fn transforms_that_keep_the_rest_of_a_string_protect_what_they_take_out() {
    let s = sanitizer(
        r#"
endpoints:
  - pathTemplate: "/x"
    transforms:
      - !<tokenize>
        jsonPaths: ["$.link"]
        regex: "^https://graph/users/([A-Za-z0-9]+)/.*$"
      - !<redactRegexMatches>
        jsonPaths: ["$.join"]
        redactions: ["(?i)pwd=[^&]*"]
      - !<pseudonymizeRegexMatches>
        jsonPaths: ["$.chat"]
        regex: "@([A-Za-z]+)"
"#,
    );
    let (_, trace) = s
        .sanitize_traced(
            Selection::Endpoint(0),
            br#"{"link":"https://graph/users/Ann77/messages?x=Ann77",
                "join":"https://j/1?pwd=Sesame42&x=1&PWD=Other9",
                "chat":"hi @Aline and @Bertrand ok"}"#,
            Output::Compact,
        )
        .expect("sanitizes");
    let parts: Vec<(&str, usize)> = trace
        .protected
        .iter()
        .filter(|p| p.part)
        .map(|p| (p.value.as_str(), p.transform))
        .collect();
    assert_eq!(
        parts,
        [
            ("Ann77", 0),
            ("pwd=Sesame42", 1),
            ("PWD=Other9", 1),
            ("Aline", 2),
            ("Bertrand", 2)
        ]
    );
}
