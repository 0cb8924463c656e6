//! `psoxy-rules sanitize` end to end: the real binary, environment secrets, exit codes and what
//! reaches stdout and stderr.

mod common;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{feed, listing};

const SALT: &str = "salt";
const KEY: &str = "secret";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn zoom_rules() -> String {
    root()
        .join("example-rules/zoom/zoom.yaml")
        .display()
        .to_string()
}

/// Runs `psoxy-rules sanitize` with the given arguments, environment and standard input.
fn sanitize(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    sanitize_to(args, env, stdin, Stdio::piped())
}

/// [`sanitize`] with standard output going to `stdout` (a file, `/dev/full`).
fn sanitize_to(args: &[&str], env: &[(&str, &str)], stdin: &[u8], stdout: Stdio) -> Output {
    sanitize_in(Path::new("."), args, env, stdin, stdout)
}

/// [`sanitize_to`] run in the folder `dir`.
fn sanitize_in(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: &[u8],
    stdout: Stdio,
) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_psoxy-rules"));
    cmd.current_dir(dir)
        .arg("sanitize")
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary starts");
    feed(&mut child, stdin);
    child.wait_with_output().expect("the binary finishes")
}

fn secrets() -> [(&'static str, &'static str); 2] {
    [("PSOXY_SALT", SALT), ("PSOXY_ENCRYPTION_KEY", KEY)]
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs `sanitize` of the Zoom rules with `args` added, which must be refused (status 2,
/// nothing on standard output); returns standard error.
fn refused(args: &[&str], body: &[u8]) -> String {
    let rules = zoom_rules();
    let all: Vec<&str> = ["--rules", rules.as_str()]
        .into_iter()
        .chain(args.iter().copied())
        .collect();
    let out = sanitize(&all, &secrets(), body);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "{args:?}");
    text(&out.stderr)
}

/// Runs `sanitize` for `/x` with rules written from `yaml` into a temporary file.
fn sanitize_with_rules(yaml: &str, body: &[u8]) -> Output {
    sanitize_args_with_rules(yaml, &["--url", "/x"], body)
}

/// Runs `sanitize` with `args` and rules written from `yaml` into a temporary file.
fn sanitize_args_with_rules(yaml: &str, args: &[&str], body: &[u8]) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = dir.path().join("rules.yaml");
    std::fs::write(&rules, yaml).expect("rules file");
    let rules_arg = rules.display().to_string();
    let all: Vec<&str> = ["--rules", rules_arg.as_str()]
        .into_iter()
        .chain(args.iter().copied())
        .collect();
    let mut out = sanitize(&all, &secrets(), body);
    // Places in the rules read `rules.yaml:LINE:COL`, wherever the temporary folder is.
    out.stderr = text(&out.stderr)
        .replace(&rules_arg, "rules.yaml")
        .into_bytes();
    out
}

/// The S001 message of the request of `args` (`--url`, `--method`) refused by the rules `yaml`.
fn refusal_with_rules(yaml: &str, args: &[&str]) -> String {
    let out = sanitize_args_with_rules(yaml, args, b"{}");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    err.lines()
        .find_map(|l| l.strip_prefix("error[S001]: "))
        .unwrap_or_else(|| panic!("an S001 error: {err}"))
        .to_owned()
}

#[test]
fn compact_output_is_the_proxy_form() {
    let rules = zoom_rules();
    let out = sanitize(
        &["--rules", &rules, "--url", "https://api.zoom.us/v2/users"],
        &secrets(),
        br#"{"users":[{"email":"Alice@Acme.COM","extra":1}],"page_size":3.0}"#,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        r#"{"users":[{"email":"t~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk@Acme.COM"}],"page_size":3}"#
    );
}

#[test]
fn pretty_output_is_the_golden_form() {
    let rules = zoom_rules();
    let out = sanitize(
        &["--rules", &rules, "--url", "/v2/users", "--pretty"],
        &secrets(),
        br#"{"users":[],"page_count":1}"#,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\n  \"users\":[ ],\n  \"page_count\":1\n}\n"
    );
}

#[test]
fn both_engines_give_the_same_bytes() {
    let rules = zoom_rules();
    let body = std::fs::read(root().join("api-response-examples/zoom/meeting-details.json"))
        .expect("example is readable");
    let run = |engine: &str| {
        sanitize(
            &[
                "--rules",
                &rules,
                "--url",
                "/v2/meetings/91022334455",
                "--engine",
                engine,
            ],
            &secrets(),
            &body,
        )
    };
    let (plan, naive) = (run("plan"), run("naive"));
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan.stderr));
    assert!(!plan.stdout.is_empty());
    assert_eq!(plan.stdout, naive.stdout);
}

#[test]
fn refused_request_names_the_closest_endpoint_and_writes_nothing() {
    let rules = zoom_rules();
    let out = sanitize(
        &[
            "--rules",
            &rules,
            "--url",
            "https://api.zoom.us/v2/users?role=admin",
        ],
        &secrets(),
        b"{}",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "error[S001]: no endpoint allows GET /v2/users?role=admin (11 endpoints checked)"
        ),
        "{err}"
    );
    assert!(err.contains("zoom.yaml:18:5"), "{err}");
    assert!(
        err.contains("query parameter `role` is not in `allowedQueryParams`"),
        "{err}"
    );
}

#[test]
fn a_refused_request_is_printed_with_its_query() {
    let yaml = "endpoints:\n  - pathTemplate: \"/exact/{id}\"\n    allowedQueryParams: [x]\n";
    assert_eq!(
        refusal_with_rules(yaml, &["--url", "https://h/exact/abc?y=1"]),
        "no endpoint allows GET /exact/abc?y=1 (1 endpoint checked); closest is the endpoint at \
         rules.yaml:2:5 (pathTemplate `/exact/{id}`): query parameter `y` is not in \
         `allowedQueryParams`"
    );
}

#[test]
fn a_refused_method_is_set_against_the_allowed_ones_quoted() {
    let refusal = |methods: &str| {
        let yaml = format!("endpoints:\n  - pathTemplate: \"/x\"\n    allowedMethods: {methods}\n");
        refusal_with_rules(&yaml, &["--url", "/x", "--method", "post"])
    };
    assert_eq!(
        refusal("[\"get \", \"X-CUSTOM\"]"),
        "no endpoint allows POST /x (1 endpoint checked); closest is the endpoint at \
         rules.yaml:2:5 (pathTemplate `/x`): method POST is not in `allowedMethods` (`GET `, \
         `X-CUSTOM`)"
    );
    assert_eq!(
        refusal("[]"),
        "no endpoint allows POST /x (1 endpoint checked); closest is the endpoint at \
         rules.yaml:2:5 (pathTemplate `/x`): method POST is not allowed: `allowedMethods` is \
         empty, so the endpoint allows no method"
    );
}

#[test]
fn the_closest_endpoint_shares_segments_with_the_path_wherever_they_stand() {
    let graph = r#"endpoints:
  - pathTemplate: "/v1.0/users"
  - pathTemplate: "/v1.0/users/{id}/messages"
  - pathTemplate: "/v1.0/users/{id}/events"
  - pathTemplate: "/v1.0/communications/calls(from={start},to={end})"
"#;
    let closest = |url: &str| {
        let message = refusal_with_rules(graph, &["--url", url]);
        let (_, closest) = message
            .split_once("; closest is the endpoint at ")
            .unwrap_or_else(|| panic!("{url}: {message}"));
        closest.to_owned()
    };
    assert_eq!(
        closest("/beta/users"),
        "rules.yaml:2:5 (pathTemplate `/v1.0/users`): the path does not match"
    );
    assert_eq!(
        closest("/v1.0/me/messages"),
        "rules.yaml:3:5 (pathTemplate `/v1.0/users/{id}/messages`): the path does not match"
    );
    assert_eq!(
        closest("/v1.0/users//events"),
        "rules.yaml:4:5 (pathTemplate `/v1.0/users/{id}/events`): the path does not match"
    );
    assert_eq!(
        closest("/communications/calls?x=1"),
        "rules.yaml:5:5 (pathTemplate `/v1.0/communications/calls(from={start},to={end})`): \
         the path does not match"
    );
    assert_eq!(
        refusal_with_rules(graph, &["--url", "/groups"]),
        "no endpoint allows GET /groups (4 endpoints checked); none has a path like it"
    );
}

#[test]
fn a_refused_request_withholds_emails_and_phone_numbers_of_its_url() {
    let err = refused(
        &[
            "--url",
            "https://api.zoom.us/v2/users/alice.smith@acme.example/x?email=alice.smith%40acme.example&tel=%2B1%20415%20555%200101&page_size=3",
        ],
        b"{}",
    );
    assert!(
        err.starts_with(
            "error[S001]: no endpoint allows GET /v2/users/‹withheld›/x?email=‹withheld›&tel=‹withheld›&page_size=3 "
        ),
        "{err}"
    );
    assert!(!err.contains("alice"), "{err}");
    assert!(!err.contains("555"), "{err}");
    // In a parameter's name, which the reason quotes too, and with `+` for spaces.
    let err = refused(
        &[
            "--url",
            "https://api.zoom.us/v2/users?egon.spengler@ghostbusters.example=1&tel=+1+555+010+2233",
        ],
        b"{}",
    );
    assert!(
        err.contains(
            "GET /v2/users?‹withheld›=1&tel=‹withheld› (11 endpoints checked); closest is the \
             endpoint at"
        ),
        "{err}"
    );
    assert!(
        err.contains(": query parameter `‹withheld›` is not in `allowedQueryParams`"),
        "{err}"
    );
    assert!(!err.contains("egon"), "{err}");
    assert!(!err.contains("555"), "{err}");
}

#[test]
fn invalid_json_is_located_and_writes_nothing() {
    let rules = zoom_rules();
    let out = sanitize(
        &["--rules", &rules, "--url", "/v2/users"],
        &secrets(),
        b"{\n  \"users\": [1,,2]\n}",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.starts_with("-:2:15: error[S003]"), "{err}");
}

#[test]
fn secrets_can_come_from_files_and_never_appear_in_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let salt_file = dir.path().join("salt");
    std::fs::write(&salt_file, "s3cr3t-salt-value\n").expect("salt file");
    let rules = zoom_rules();
    let salt_arg = salt_file.display().to_string();
    // A reversible token needs the key, which is missing: the failure must not print secrets.
    let out = sanitize(
        &[
            "--rules",
            &rules,
            "--url",
            "/v2/users",
            "--salt-file",
            &salt_arg,
        ],
        &[],
        br#"{"users":[{"id":"u1","email":"a@b.co"}]}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("PSOXY_ENCRYPTION_KEY"), "{err}");
    assert!(!err.contains("s3cr3t-salt-value"), "{err}");
    assert!(!err.contains("u1"), "{err}");
}

#[test]
fn a_secret_given_where_a_file_name_or_no_argument_belongs_is_not_repeated() {
    let body = br#"{"users":[{"email":"x@y.org"}]}"#;
    // The salt typed in place of its file.
    let err = refused(&["--url", "/v2/users", "--salt-file", "Sup3r-S3cret"], body);
    assert_eq!(
        err,
        "error[S009]: --salt-file: no file has the name given (not shown here, in case it is \
         the secret itself)\n = help: give the path of a file that holds the secret, or set \
         PSOXY_SALT\n"
    );
    let err = refused(&["--url", "/v2/users", "--key-file", "Sup3r-K3y"], body);
    assert!(err.contains("or set PSOXY_ENCRYPTION_KEY"), "{err}");
    assert!(!err.contains("Sup3r"), "{err}");
    // A file that exists but cannot be read is named: its name is a path.
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().display().to_string();
    let err = refused(&["--url", "/v2/users", "--salt-file", &folder], body);
    assert!(
        err.contains(&format!("--salt-file: cannot read {folder}: ")),
        "{err}"
    );
    // A value after the body, where no argument belongs: its place is given instead.
    let err = refused(&["--url", "/v2/users", "-", "Sup3r-S3cret"], body);
    assert!(
        err.starts_with("error: unexpected argument: argument 7 after `psoxy-rules` (not shown"),
        "{err}"
    );
    assert!(
        err.ends_with(
            "\n\nUsage: psoxy-rules sanitize [OPTIONS] --rules <RULES> --url <URL> [BODY]\n\n\
             For more information, try '--help'.\n"
        ),
        "{err}"
    );
    assert!(!err.contains("Sup3r"), "{err}");
    // A value out of place that equals one given earlier, in its place: the later one.
    let err = refused(&["--url", "/v2/users", "-", "/v2/users"], body);
    assert!(
        err.starts_with("error: unexpected argument: argument 7 after `psoxy-rules`"),
        "{err}"
    );
    // An unknown option is quoted, as clap quotes it, without what follows `=`.
    let err = refused(&["--url", "/v2/users", "--salt=Sup3r-S3cret"], body);
    assert!(err.contains("unexpected argument '--salt' found"), "{err}");
    assert!(!err.contains("Sup3r"), "{err}");
}

#[test]
fn salt_file_gives_the_same_pseudonyms_as_the_environment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let salt_file = dir.path().join("salt");
    std::fs::write(&salt_file, format!("{SALT}\n")).expect("salt file");
    let rules = zoom_rules();
    let body = br#"{"users":[{"email":"x@y.org"}]}"#;
    let from_file = sanitize(
        &[
            "--rules",
            &rules,
            "--url",
            "/v2/users",
            "--salt-file",
            &salt_file.display().to_string(),
        ],
        &[],
        body,
    );
    let from_env = sanitize(&["--rules", &rules, "--url", "/v2/users"], &secrets(), body);
    assert_eq!(
        from_file.status.code(),
        Some(0),
        "{}",
        text(&from_file.stderr)
    );
    assert_eq!(from_file.stdout, from_env.stdout);
}

#[test]
fn transform_failure_points_at_the_rule() {
    let out = sanitize_with_rules(
        "endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n      - !<pseudonymize>\n        jsonPaths:\n          - \"$.o\"\n",
        br#"{"o":{"private":"value"}}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("rules.yaml:6:13: error[S007]: pseudonymize failed"),
        "{err}"
    );
    assert!(
        err.contains("cannot transform a value of type object"),
        "{err}"
    );
    assert!(!err.contains("private"), "{err}");
}

#[test]
fn a_member_name_that_is_an_email_is_withheld_from_the_failure() {
    let out = sanitize_with_rules(
        "endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n      - !<pseudonymize>\n        jsonPaths: [\"$.byUser.*.email\"]\n",
        br#"{"byUser":{"alice.smith@example.com":{"email":["x"]}}}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("pseudonymize failed at /byUser/‹withheld›/email"),
        "{err}"
    );
    assert!(!err.contains("alice"), "{err}");
}

#[test]
fn a_member_name_of_words_is_withheld_from_the_failure() {
    let out = sanitize_with_rules(
        "endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n      - !<pseudonymize>\n        jsonPaths: [\"$.managers.*\"]\n",
        br#"{"managers":{"Alice Smith":{"id":1}}}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("pseudonymize failed at /managers/‹withheld›: "),
        "{err}"
    );
    assert!(!err.contains("Alice"), "{err}");
}

/// A script that parses standard error as JSON gets an array on success too: empty when the
/// rules have no warnings, as `validate --format json` prints `[]`.
#[test]
fn json_form_prints_an_empty_array_on_a_clean_success() {
    let rules = zoom_rules();
    let body = br#"{"users":[],"page_size":0}"#;
    let args = ["--rules", &rules, "--url", "/v2/users", "--format"];
    let out = sanitize(&[&args[..], &["json", "-"]].concat(), &secrets(), body);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "[]\n");
    assert_eq!(text(&out.stdout), "{\"users\":[],\"page_size\":0}");
    // Other forms print nothing when there is nothing to say.
    for format in ["human", "github"] {
        let out = sanitize(&[&args[..], &[format, "-"]].concat(), &secrets(), body);
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert_eq!(text(&out.stderr), "", "{format}");
    }
}

#[test]
fn an_unreadable_body_is_a_finding_in_the_json_and_github_forms() {
    let rules = zoom_rules();
    let missing = "/nonexistent/body.json";
    let out = sanitize(
        &[
            "--rules",
            &rules,
            "--url",
            "/v2/users",
            "--format",
            "json",
            missing,
        ],
        &secrets(),
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let findings: serde_json::Value =
        serde_json::from_slice(&out.stderr).expect("standard error is JSON");
    assert_eq!(findings[0]["code"], "S010");
    assert!(
        findings[0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("cannot read the body /nonexistent/body.json: ")),
        "{findings}"
    );
    let out = sanitize(
        &[
            "--rules",
            &rules,
            "--url",
            "/v2/users",
            "--format",
            "github",
            missing,
        ],
        &secrets(),
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("::error title=S010::cannot read the body"),
        "{}",
        text(&out.stderr)
    );
    // A folder given as the body is named as the body too, in the human form.
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().display().to_string();
    let out = sanitize(
        &["--rules", &rules, "--url", "/v2/users", &folder],
        &secrets(),
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with(&format!("error[S010]: cannot read the body {folder}: ")),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn json_inside_strings_is_read_leniently_as_the_proxy_reads_it() {
    let out = sanitize_with_rules(
        "endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n      - !<textDigest>\n        jsonPaths: [\"$.items[*].body\"]\n        isJsonEscaped: true\n        jsonPathToProcessWhenEscaped: \"$.text\"\n",
        br#"{"items":[{"body":"{'text':'two words','n':0.10000000000000000001}"},{"body":"plain words, no JSON"}]}"#,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Single-quoted JSON is digested and written back in json-smart's style, its long
    // decimal exact; plain text has no `$.text`, which quietly ends the path, so it stays.
    assert_eq!(
        text(&out.stdout),
        r#"{"items":[{"body":"{\"text\":\"{\\\"length\\\":9,\\\"word_count\\\":2}\",\"n\":0.10000000000000000001}"},{"body":"plain words, no JSON"}]}"#
    );
}

#[test]
fn an_inner_path_that_may_select_many_places_and_selects_none_also_ends_the_path() {
    let out = sanitize_with_rules(
        "endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n      - !<textDigest>\n        jsonPaths: [\"$.a[*]\", \"$.s\"]\n        isJsonEscaped: true\n        jsonPathToProcessWhenEscaped: \"$..text\"\n",
        br#"{"a":["{\"x\": 1.10}","{\"text\": \"two words\"}","{\"y\": 2}"],"s":"not json"}"#,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Array elements are updated from the last: `a[2]` has no `text`, which ends the path before
    // the others are reached; `$.s` is plain text, where `$..text` selects nothing either.
    assert_eq!(
        text(&out.stdout),
        r#"{"a":["{\"x\": 1.10}","{\"text\": \"two words\"}","{\"y\": 2}"],"s":"not json"}"#
    );
    let out = sanitize_with_rules(
        "endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n      - !<textDigest>\n        jsonPaths: [\"$.a[*]\"]\n        isJsonEscaped: true\n        jsonPathToProcessWhenEscaped: \"$..text\"\n",
        br#"{"a":["{\"x\": 1.10}","{\"text\": \"two words\"}"]}"#,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // `a[1]` is digested first; `a[0]` then ends the path and keeps its text as it was.
    assert_eq!(
        text(&out.stdout),
        r#"{"a":["{\"x\": 1.10}","{\"text\":\"{\\\"length\\\":9,\\\"word_count\\\":2}\"}"]}"#
    );
}

#[test]
fn numbers_past_the_double_range_are_the_string_infinity() {
    let out = sanitize_with_rules(
        "endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n      - !<tokenize>\n        jsonPaths: [\"$.t\"]\n    responseSchema:\n      type: object\n      properties:\n        s: { type: string }\n        n: { type: number }\n        t: { type: string }\n",
        br#"{"s":1E400,"n":-1e999,"t":2e308}"#,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(r#"{"s":"Infinity","n":null,"t":"p~"#),
        "{stdout}"
    );
}

#[test]
fn empty_body_is_returned_unchanged_and_whitespace_becomes_empty() {
    let rules = zoom_rules();
    for body in [&b""[..], b"  \n "] {
        let out = sanitize(&["--rules", &rules, "--url", "/v2/users"], &secrets(), body);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn several_values_are_joined_by_newlines() {
    let rules = zoom_rules();
    let out = sanitize(
        &["--rules", &rules, "--url", "/v2/users"],
        &secrets(),
        b"{\"page_size\":1}\n{\"page_size\":2}{\"page_size\":3}\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\"page_size\":1}\n{\"page_size\":2}\n{\"page_size\":3}"
    );
}

#[test]
fn invalid_rules_are_reported_before_anything_is_read() {
    let out = sanitize(
        &[
            "--rules",
            &root()
                .join("tests/fixtures/invalid/unknown-kind.yaml")
                .display()
                .to_string(),
            "--url",
            "/x",
        ],
        &secrets(),
        b"{}",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("error[R015]"));
}

#[test]
fn a_guard_whose_part_before_its_filter_is_missing_says_so() {
    let yaml = r#"endpoints:
  - pathTemplate: "/x"
    transforms:
      - !<redact>
        applyOnlyWhen: "$.items[?(@.conferenceData)]"
        jsonPaths: ["$.x"]
"#;
    let out = sanitize_with_rules(yaml, br#"{"x":1}"#);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(
            ":5:24: error[S008]: applyOnlyWhen failed: the part of applyOnlyWhen before its \
             first filter, wildcard or scan does not exist in the document"
        ),
        "{}",
        text(&out.stderr)
    );
    // With `items` there, an empty selection skips the transform.
    let out = sanitize_with_rules(yaml, br#"{"x":1,"items":[]}"#);
    assert_eq!(text(&out.stdout), r#"{"x":1,"items":[]}"#);
}

#[test]
fn a_schema_failure_names_the_schema_and_the_value_that_fail() {
    let yaml = r#"endpoints:
  - pathTemplate: "/x"
    responseSchema:
      type: "object"
      properties:
        rows:
          type: "array"
          items:
            type: "object"
            properties:
              when:
                type: "date"
"#;
    let out = sanitize_with_rules(yaml, br#"{"rows":[{"when":"x"},{"when":"y"}]}"#);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            ":12:23: error[S006]: the responseSchema filter failed at /rows/0/when: `type: \"date\"` is not a type the filter knows"
        ),
        "{stderr}"
    );
}

#[test]
fn nested_any_of_with_exponential_work_fails_with_a_located_error_and_a_fix() {
    let yaml = r##"endpoints:
  - pathTemplate: "/x"
    responseSchema:
      $ref: "#/definitions/N"
definitions:
  N:
    anyOf:
      - type: "object"
        properties:
          a:
            $ref: "#/definitions/N"
          c:
            const: "never"
            type: "string"
      - type: "object"
        properties:
          a:
            $ref: "#/definitions/N"
"##;
    // 40 levels: 2^40 steps without the bound.
    let mut body = r#"{"c":"x"}"#.to_owned();
    for _ in 1..40 {
        body = format!(r#"{{"a":{body},"c":"x"}}"#);
    }
    let out = sanitize_with_rules(yaml, body.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error[S006]: the responseSchema filter failed at /a/a/")
            && stderr.contains("filter the same values over and over")
            && stderr.contains("help: list first the `anyOf` candidate that most values take"),
        "{stderr}"
    );
}

#[test]
fn a_document_the_schema_made_null_is_named_as_the_cause_of_the_failure() {
    let yaml = r#"endpoints:
  - pathTemplate: "/x"
    transforms:
      - !<pseudonymize>
        jsonPaths: ["$..email"]
    responseSchema:
      type: "object"
"#;
    for body in [&b"[1]"[..], b"null", b"\"a\""] {
        let out = sanitize_with_rules(yaml, body);
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(
                "error[S007]: pseudonymize failed: a path cannot be applied to a null document"
            ),
            "{stderr}"
        );
        assert!(
            stderr.contains(
                "= help: the response is `null`, or the `responseSchema` filter made it null"
            ),
            "{stderr}"
        );
    }
    // An object passes the filter and nothing fails.
    let out = sanitize_with_rules(yaml, b"{}");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Without a schema, only the response itself can be null.
    let yaml = yaml.replace("    responseSchema:\n      type: \"object\"\n", "");
    let out = sanitize_with_rules(&yaml, b"null");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("= help: the response is `null`, which the proxy cannot apply"),
        "{stderr}"
    );
    assert!(!stderr.contains("responseSchema"), "{stderr}");
}

#[test]
fn the_rules_warnings_are_printed_with_the_outcome_and_do_not_fail_it() {
    // `$..email` and `$.a.email` both pseudonymize `a.email`: R059.
    let yaml = r#"endpoints:
  - pathTemplate: "/x"
    transforms:
      - !<pseudonymize>
        jsonPaths: ["$..email", "$.a.email"]
"#;
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = dir.path().join("rules.yaml");
    std::fs::write(&rules, yaml).expect("rules file");
    let rules = rules.display().to_string();
    let body = br#"{"a":{"email":"x@y.example"}}"#;
    let out = sanitize(&["--rules", &rules, "--url", "/x"], &secrets(), body);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // For people, one line that names the codes and where to see the warnings.
    assert_eq!(
        text(&out.stderr),
        format!(
            "psoxy-rules: warning: {rules} has 1 warning (R059); `psoxy-rules validate {rules}` shows it\n"
        )
    );
    let sanitized: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON out");
    assert!(
        sanitized["a"]["email"]
            .as_str()
            .is_some_and(|e| e.starts_with("t~"))
    );

    // Coloured when asked, on standard error only.
    let coloured = sanitize(
        &["--rules", &rules, "--url", "/x", "--color", "always"],
        &secrets(),
        body,
    );
    assert_eq!(coloured.stdout, out.stdout);
    assert!(
        text(&coloured.stderr).contains("\x1b[1;33mwarning:\x1b[0m"),
        "{}",
        text(&coloured.stderr)
    );

    // With a failure, the line comes first.
    let out = sanitize(&["--rules", &rules, "--url", "/y"], &secrets(), body);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("psoxy-rules: warning: "), "{stderr}");
    assert!(stderr.contains("\nerror[S001]: "), "{stderr}");

    // For a program: one array, the whole warning beside the failure.
    let out = sanitize(
        &["--rules", &rules, "--url", "/y", "--format", "json"],
        &secrets(),
        body,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let findings: serde_json::Value = serde_json::from_slice(&out.stderr).expect("one array");
    let codes: Vec<&str> = findings
        .as_array()
        .expect("an array")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(codes, ["R059", "S001"]);

    // Rules without warnings print nothing on success.
    let out = sanitize(
        &["--rules", &zoom_rules(), "--url", "/v2/users"],
        &secrets(),
        br#"{"users":[]}"#,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn the_warnings_line_counts_the_warnings_left_out_of_the_report_too() {
    // Each endpoint with a key the proxy drops: 600 warnings, of which 500 are reported.
    let mut yaml = String::from("endpoints:\n");
    for i in 0..600 {
        writeln!(
            yaml,
            "  - pathTemplate: /v2/a{i}\n    allowedRequestHeadersToForward: [x]"
        )
        .expect("to a string");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = dir.path().join("rules.yaml");
    std::fs::write(&rules, yaml).expect("rules file");
    let rules = rules.display().to_string();
    let out = sanitize(&["--rules", &rules, "--url", "/v2/a1"], &secrets(), b"{}");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        format!(
            "psoxy-rules: warning: {rules} has 600 warnings (R039 in the 500 that \
             `psoxy-rules validate {rules}` shows)\n"
        )
    );
}

/// Arguments that sanitize a `/v2/users` body with `rules` into the file `target`.
fn output_args<'a>(rules: &'a str, target: &'a str) -> [&'a str; 6] {
    ["--rules", rules, "--url", "/v2/users", "--output", target]
}

#[test]
fn output_file_is_replaced_only_on_success() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("out.json");
    std::fs::write(&target, "previous").expect("existing output");
    let rules = zoom_rules();
    let target_arg = target.display().to_string();
    let failed = sanitize(
        &output_args(&rules, &target_arg),
        &secrets(),
        b"{\"users\":[",
    );
    assert_eq!(failed.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&target).expect("still there"),
        "previous"
    );
    let ok = sanitize(
        &output_args(&rules, &target_arg),
        &secrets(),
        br#"{"page_size":30}"#,
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(ok.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&target).expect("written"),
        r#"{"page_size":30}"#
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn output_dash_is_standard_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = zoom_rules();
    let mut args = output_args(&rules, "-").to_vec();
    args.push("-");
    let out = sanitize_in(
        dir.path(),
        &args,
        &secrets(),
        br#"{"page_size":30}"#,
        Stdio::piped(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), r#"{"page_size":30}"#);
    assert_eq!(listing(dir.path()), Vec::<String>::new());
}

/// The mode `>` gives a new file in `dir`: 0666 less the umask this test runs under.
#[cfg(unix)]
fn shell_mode(dir: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    let shell = dir.join("shell.json");
    std::fs::write(&shell, "").expect("created");
    std::fs::metadata(&shell)
        .expect("exists")
        .permissions()
        .mode()
        & 0o777
}

/// `sanitize -o TARGET -` started with every stream piped: it reads the body from standard
/// input until that is closed.
fn spawn_to_output(rules: &str, target: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
        .arg("sanitize")
        .args(output_args(rules, target))
        .arg("-")
        .env_clear()
        .envs(secrets())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

#[cfg(unix)]
#[test]
fn output_file_keeps_its_mode_and_a_new_one_gets_the_mode_a_shell_gives() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = zoom_rules();
    let existing = dir.path().join("existing.json");
    std::fs::write(&existing, "previous").expect("existing output");
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let new = shell_mode(dir.path());
    for (target, mode) in [(existing, 0o640), (dir.path().join("new.json"), new)] {
        let target_arg = target.display().to_string();
        let args = output_args(&rules, &target_arg);
        let ok = sanitize(&args, &secrets(), br#"{"page_size":30}"#);
        assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
        let written = std::fs::metadata(&target).expect("written").permissions();
        assert_eq!(written.mode() & 0o777, mode, "{target_arg}");
    }
}

/// While the body is read, the output is assembled in a file only its owner may read, whatever
/// mode the file it replaces has; it takes that mode just before it is renamed.
#[cfg(unix)]
#[test]
fn the_temporary_output_is_readable_by_its_owner_only_while_it_is_written() {
    use std::os::unix::fs::PermissionsExt as _;
    let rules = zoom_rules();
    let dir = tempfile::tempdir().expect("temp dir");
    let existing = dir.path().join("existing.json");
    std::fs::write(&existing, "previous").expect("existing output");
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let new = shell_mode(dir.path());
    for (target, expected) in [(existing, 0o644), (dir.path().join("new.json"), new)] {
        let target_arg = target.display().to_string();
        let mut child = spawn_to_output(&rules, &target_arg);
        // Standard input kept open: the command waits for the body with its file made.
        let started = std::time::Instant::now();
        let temporary = loop {
            let found = listing(dir.path())
                .into_iter()
                .find(|n| n.starts_with(".psoxy-rules-"));
            if let Some(name) = found {
                break dir.path().join(name);
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(30),
                "no temporary file appeared"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        let mode = std::fs::metadata(&temporary)
            .expect("temporary file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{target_arg}");
        feed(&mut child, br#"{"page_size":30}"#);
        let out = child.wait_with_output().expect("the binary finishes");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let written = std::fs::metadata(&target).expect("written").permissions();
        assert_eq!(written.mode() & 0o777, expected, "{target_arg}");
    }
    assert_eq!(
        listing(dir.path()),
        ["existing.json", "new.json", "shell.json"]
    );
}

/// The owner and the group of a file this process makes in `dir`.
#[cfg(unix)]
fn own_ids(dir: &Path) -> (u32, u32) {
    use std::os::unix::fs::MetadataExt as _;
    let probe = dir.join("probe");
    std::fs::write(&probe, "").expect("probe");
    let m = std::fs::metadata(&probe).expect("probe");
    std::fs::remove_file(&probe).expect("probe removed");
    (m.uid(), m.gid())
}

/// A replaced file keeps its owner and group, as a shell's `>` keeps them: root keeps both;
/// another user keeps a group of their own.
#[cfg(unix)]
#[test]
fn a_replaced_output_keeps_its_owner_and_group() {
    use std::os::unix::fs::MetadataExt as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let (uid, gid) = own_ids(dir.path());
    let target = dir.path().join("out.json");
    std::fs::write(&target, "previous").expect("existing output");
    let expected = if uid == 0 {
        std::os::unix::fs::chown(&target, Some(65534), Some(65534)).expect("chown");
        (65534, 65534)
    } else {
        (uid, gid)
    };
    let (rules, target_arg) = (zoom_rules(), target.display().to_string());
    let ok = sanitize(
        &output_args(&rules, &target_arg),
        &secrets(),
        br#"{"page_size":30}"#,
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let written = std::fs::metadata(&target).expect("written");
    assert_eq!((written.uid(), written.gid()), expected);
    assert_eq!(
        std::fs::read_to_string(&target).expect("written"),
        r#"{"page_size":30}"#
    );
}

/// A file of another owner and a group this user is not in, which this user may write, is
/// replaced all the same: by a file of this user and their group, with its mode.
#[cfg(unix)]
#[test]
fn an_output_whose_owner_and_group_cannot_be_kept_is_written_all_the_same() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let dir = tempfile::tempdir().expect("temp dir");
    let bin = env!("CARGO_BIN_EXE_psoxy-rules");
    let (Some(mut nobody), (0, 0)) = (common::as_nobody(bin), own_ids(dir.path())) else {
        eprintln!("skipped: needs root and setpriv, to write as another user a file of root");
        return;
    };
    let target = dir.path().join("out.json");
    let body = dir.path().join("body.json");
    std::fs::write(&target, "previous").expect("existing output");
    std::fs::write(&body, br#"{"page_size":30}"#).expect("body");
    common::open_to_all(dir.path());
    // Set-user-ID and set-group-ID too, which must not pass to the other user's file.
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o6666)).expect("chmod");
    let (rules, target_arg) = (zoom_rules(), target.display().to_string());
    let out = nobody
        .arg("sanitize")
        .args(output_args(&rules, &target_arg))
        .arg(&body)
        .env_clear()
        .envs(secrets())
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let written = std::fs::metadata(&target).expect("written");
    assert_eq!((written.uid(), written.gid()), (65534, 65534));
    assert_eq!(written.permissions().mode() & 0o7777, 0o666);
    assert_eq!(
        std::fs::read_to_string(&target).expect("written"),
        r#"{"page_size":30}"#
    );
}

/// A file this user may write in a folder they may not write is refused by the folder, which
/// is to hold the temporary file.
#[cfg(unix)]
#[test]
fn output_in_a_folder_this_user_may_not_write_names_the_folder() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("ro");
    std::fs::create_dir(&folder).expect("folder");
    let target = folder.join("f.json");
    let body = dir.path().join("body.json");
    std::fs::write(&target, "previous").expect("target");
    std::fs::write(&body, br#"{"page_size":30}"#).expect("body");
    common::open_to_all(dir.path());
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let bin = env!("CARGO_BIN_EXE_psoxy-rules");
    let probe = folder.join("probe");
    let mut cmd = if std::fs::File::create(&probe).is_err() {
        Command::new(bin)
    } else {
        // Root, who may write any folder: the binary as another user, through `setpriv`.
        std::fs::remove_file(&probe).expect("probe removed");
        let Some(cmd) = common::as_one_who_may_not_write(bin, &target) else {
            eprintln!("skipped: run as root without setpriv, every folder is writable");
            return;
        };
        cmd
    };
    let (rules, target_arg) = (zoom_rules(), target.display().to_string());
    let out = cmd
        .arg("sanitize")
        .args(output_args(&rules, &target_arg))
        .arg(&body)
        .env_clear()
        .envs(secrets())
        .output()
        .expect("the binary runs");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error[S010]: cannot write {target_arg}: the folder {} is not writable, and the \
             output is written to a temporary file beside the file, then renamed over it \
             (Permission denied (os error 13))\n",
            folder.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&target).expect("kept"), "previous");
}

/// A file this user may not write is refused, as a shell's `>` refuses it, though its folder
/// would let a rename replace it.
#[cfg(unix)]
#[test]
fn output_this_user_may_not_write_is_refused_and_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("out.json");
    let body = dir.path().join("body.json");
    std::fs::write(&target, "protected").expect("target");
    std::fs::write(&body, br#"{"page_size":30}"#).expect("body");
    common::open_to_all(dir.path());
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let bin = env!("CARGO_BIN_EXE_psoxy-rules");
    let Some(mut cmd) = common::as_one_who_may_not_write(bin, &target) else {
        eprintln!("skipped: run as root without setpriv, every file is writable");
        return;
    };
    let (rules, target_arg) = (zoom_rules(), target.display().to_string());
    let out = cmd
        .arg("sanitize")
        .args(output_args(&rules, &target_arg))
        .arg(&body)
        .env_clear()
        .envs(secrets())
        .output()
        .expect("the binary runs");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with(&format!("error[S010]: cannot write {target_arg}: ")),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&target).expect("kept"), "protected");
    assert_eq!(listing(dir.path()), ["body.json", "out.json"]);
}

#[cfg(unix)]
#[test]
fn output_through_a_link_replaces_the_linked_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = zoom_rules();
    let real = dir.path().join("real.json");
    std::fs::write(&real, "previous").expect("existing output");
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("real.json", &link).expect("linked");
    let link_arg = link.display().to_string();
    let ok = sanitize(
        &output_args(&rules, &link_arg),
        &secrets(),
        br#"{"page_size":30}"#,
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("still there")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(&real).expect("written"),
        r#"{"page_size":30}"#
    );
}

#[test]
fn output_that_cannot_be_written_says_why_in_one_line() {
    let dir = tempfile::Builder::new()
        .prefix("out")
        .tempdir()
        .expect("temp dir");
    let rules = zoom_rules();
    let folder = dir.path().display().to_string();
    let missing = dir.path().join("no/out.json").display().to_string();
    let missing_reason = format!(
        "the folder {} does not exist",
        dir.path().join("no").display()
    );
    let file = dir.path().join("lu.json");
    std::fs::write(&file, "{}").expect("a file");
    let under_a_file = file.join("x").display().to_string();
    let file_reason = format!("{} is a file, not a folder", file.display());
    for (target, reason) in [
        (folder.as_str(), "it is a folder"),
        (missing.as_str(), missing_reason.as_str()),
        (under_a_file.as_str(), file_reason.as_str()),
    ] {
        let out = sanitize(
            &output_args(&rules, target),
            &secrets(),
            br#"{"page_size":30}"#,
        );
        assert_eq!(out.status.code(), Some(2), "{target}");
        let err = text(&out.stderr);
        assert!(
            err.starts_with(&format!("error[S010]: cannot write {target}: {reason}")),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!err.contains(".tmp"), "{err}");
    }
}

#[test]
fn a_temporary_folder_that_cannot_hold_the_output_is_named_as_such() {
    let rules = zoom_rules();
    let page = "{\"users\":[{\"email\":\"alice@acme.com\",\"id\":\"u1\"}],\"page_size\":1}\n";
    // Past the part of the output kept in memory, it goes to TMPDIR, which does not exist.
    let body = page.repeat(40_000);
    let mut env = secrets().to_vec();
    env.push(("TMPDIR", "/nonexistent/psoxy-rules"));
    let out = sanitize(
        &[
            "--rules",
            &rules,
            "--url",
            "https://api.zoom.us/v2/users",
            "-",
        ],
        &env,
        body.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.starts_with(
            "error[S010]: writing the sanitized body to a temporary file in the system's \
             temporary folder (TMPDIR; used past 1 MiB): "
        ),
        "{err}"
    );
}

#[test]
fn ndjson_on_several_threads_keeps_input_order() {
    let rules = zoom_rules();
    let mut body = String::new();
    for i in 0..20_000 {
        let _ = writeln!(
            body,
            "{{\"page_size\":{i},\"users\":[{{\"email\":\"u{i}@a.org\"}}]}}"
        );
    }
    let one = sanitize(
        &["--rules", &rules, "--url", "/v2/users", "--jobs", "1"],
        &secrets(),
        body.as_bytes(),
    );
    let four = sanitize(
        &["--rules", &rules, "--url", "/v2/users", "--jobs", "4"],
        &secrets(),
        body.as_bytes(),
    );
    assert_eq!(one.status.code(), Some(0), "{}", text(&one.stderr));
    assert_eq!(four.status.code(), Some(0), "{}", text(&four.stderr));
    assert_eq!(one.stdout, four.stdout);
    assert_eq!(memchr::memchr_iter(b'\n', &one.stdout).count(), 19_999);
}

#[test]
fn a_reader_that_stops_reading_ends_the_command_quietly() {
    // More than a pipe holds, so the command is still writing when the reader goes away.
    let mut body = String::from(r#"{"users":["#);
    for i in 0..20_000 {
        if i > 0 {
            body.push(',');
        }
        let _ = write!(body, r#"{{"email":"u{i}@acme.com","type":1}}"#);
    }
    body.push_str("]}");
    let input = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(input.path(), &body).expect("body written");
    let rules = zoom_rules();
    // Standard output, and the same pipe named as the output file.
    for output in [None, Some("/dev/stdout")] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
            .args(["sanitize", "--rules", &rules, "--url", "/v2/users"])
            .args(output.map(|o| ["-o", o]).into_iter().flatten())
            .arg(input.path())
            .env_clear()
            .envs(secrets())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("the binary finishes");
        assert_eq!(
            out.status.code(),
            Some(141),
            "{output:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stderr.is_empty(), "{output:?}: {}", text(&out.stderr));
    }
}

#[test]
fn an_empty_secret_is_refused_not_used() {
    let rules = zoom_rules();
    let body = br#"{"users":[{"email":"alice@acme.com"}]}"#;
    for (name, value) in [
        ("PSOXY_SALT", ""),
        ("PSOXY_ENCRYPTION_KEY", ""),
        ("SALT_IP", ""),
        ("PSOXY_SALT", " \t"),
    ] {
        let expected = format!("error[S009]: {name} is set, but empty or blank");
        let mut env: Vec<(&str, &str)> =
            secrets().into_iter().filter(|(n, _)| *n != name).collect();
        env.push((name, value));
        let out = sanitize(&["--rules", &rules, "--url", "/v2/users"], &env, body);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(out.stdout.is_empty(), "{name}");
        assert!(
            text(&out.stderr).contains(&expected),
            "{}",
            text(&out.stderr)
        );
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let salt_file = dir.path().join("salt");
    std::fs::write(&salt_file, "\n\n").expect("salt file");
    let out = sanitize(
        &[
            "--rules",
            &rules,
            "--url",
            "/v2/users",
            "--salt-file",
            &salt_file.display().to_string(),
        ],
        &secrets(),
        body,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("error[S009]: --salt-file: ") && err.contains("is empty or blank"),
        "{err}"
    );
}

/// `--rules -` reads the rules from standard input when the body is a file; with the body on
/// standard input too, one of them would be read as empty.
#[test]
fn rules_read_from_standard_input_when_the_body_is_a_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let body = dir.path().join("users.json");
    std::fs::write(&body, r#"{"users":[{"email":"alice@corp.example"}]}"#).expect("body");
    let body = body.display().to_string();
    let rules = std::fs::read(zoom_rules()).expect("rules");
    let args = ["--rules", "-", "--url", "https://api.zoom.us/v2/users"];
    let with_file = sanitize(&[&args[..], &[body.as_str()]].concat(), &secrets(), &rules);
    assert_eq!(
        with_file.status.code(),
        Some(0),
        "{}",
        text(&with_file.stderr)
    );
    let from_file = sanitize(
        &[
            "--rules",
            &zoom_rules(),
            "--url",
            "https://api.zoom.us/v2/users",
            &body,
        ],
        &secrets(),
        b"",
    );
    assert_eq!(with_file.stdout, from_file.stdout);
    assert!(text(&with_file.stdout).contains("@corp.example\"}"));
    let both = sanitize(&[&args[..], &["-"]].concat(), &secrets(), &rules);
    assert_eq!(both.status.code(), Some(2));
    assert!(
        text(&both.stderr).contains(
            "error[S010]: --rules - and the body both read standard input, which holds only one \
             of them"
        ),
        "{}",
        text(&both.stderr)
    );
}

/// A secret file that is the body would take the body for the secret, and leave the body
/// empty; one that starts with a byte order mark would give other pseudonyms without a word.
#[cfg(unix)]
#[test]
fn a_secret_file_that_is_the_body_or_starts_with_a_bom_is_refused() {
    let rules = zoom_rules();
    let dir = tempfile::tempdir().expect("temp dir");
    let body_file = dir.path().join("users.json");
    std::fs::write(&body_file, r#"{"users":[{"email":"alice@corp.example"}]}"#).expect("body");
    let body_file = body_file.display().to_string();
    let bom = dir.path().join("salt");
    std::fs::write(&bom, "\u{feff}salt\n").expect("salt file");
    let bom = bom.display().to_string();
    let env = [("PSOXY_ENCRYPTION_KEY", KEY)];
    for (salt_file, body, expected) in [
        (
            "/dev/stdin",
            "-",
            "--salt-file: (standard input) is the body being sanitized",
        ),
        (
            body_file.as_str(),
            body_file.as_str(),
            "is the body being sanitized",
        ),
        (
            bom.as_str(),
            body_file.as_str(),
            "starts with a byte order mark",
        ),
    ] {
        let out = sanitize(
            &[
                "--rules",
                &rules,
                "--url",
                "/v2/users",
                "--salt-file",
                salt_file,
                body,
            ],
            &env,
            br#"{"users":[{"email":"alice@corp.example"}]}"#,
        );
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{salt_file}: {err}");
        assert!(out.stdout.is_empty(), "{salt_file}");
        assert!(
            err.contains("error[S009]: ") && err.contains(expected),
            "{err}"
        );
        assert!(!err.contains("alice"), "{err}");
    }
}

#[cfg(unix)]
#[test]
fn a_secret_that_is_not_text_is_named_not_taken_as_unset() {
    use std::os::unix::ffi::OsStrExt as _;
    let rules = zoom_rules();
    let out = Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
        .args(["sanitize", "--rules", &rules, "--url", "/v2/users", "-"])
        .env_clear()
        .env("PSOXY_SALT", std::ffi::OsStr::from_bytes(b"s\xFFalt"))
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains("error[S009]: PSOXY_SALT is set, but not to UTF-8 text"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn output_through_a_loop_of_links_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = zoom_rules();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    std::os::unix::fs::symlink(&b, &a).expect("linked");
    std::os::unix::fs::symlink(&a, &b).expect("linked");
    let target = a.display().to_string();
    let out = sanitize(
        &output_args(&rules, &target),
        &secrets(),
        br#"{"page_size":30}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!("error[S010]: cannot write {target}: too many levels of symbolic links\n")
    );
    assert!(
        std::fs::symlink_metadata(&a)
            .expect("kept")
            .file_type()
            .is_symlink()
    );
}

#[cfg(unix)]
#[test]
fn an_interrupted_output_leaves_no_temporary_file() {
    use std::os::unix::process::ExitStatusExt as _;
    let rules = zoom_rules();
    let page = "{\"users\":[{\"email\":\"alice@acme.com\",\"id\":\"u1\"}],\"page_size\":1}\n";
    let body = page.repeat(20_000);
    for (signal, number) in [("TERM", 15), ("INT", 2), ("HUP", 1)] {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("out.json");
        std::fs::write(&target, "previous").expect("existing output");
        let target_arg = target.display().to_string();
        let mut child = spawn_to_output(&rules, &target_arg);
        // Part of a body, with standard input kept open: the command waits for the rest.
        let mut stdin = child.stdin.take().expect("stdin is piped");
        stdin
            .write_all(body.as_bytes())
            .expect("stdin takes the body");
        stdin.flush().expect("flushed");
        let started = std::time::Instant::now();
        while !listing(dir.path())
            .iter()
            .any(|n| n.starts_with(".psoxy-rules-"))
        {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(30),
                "no temporary file appeared: {:?}",
                listing(dir.path())
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let killed = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let out = child.wait_with_output().expect("the binary finishes");
        drop(stdin);
        // Ended by the signal itself, as a parent (a shell: 128 + number) should see it.
        assert_eq!(
            (out.status.code(), out.status.signal()),
            (None, Some(number)),
            "SIG{signal}: {}",
            text(&out.stderr)
        );
        assert_eq!(listing(dir.path()), ["out.json"], "SIG{signal}");
        assert_eq!(
            std::fs::read_to_string(&target).expect("kept"),
            "previous",
            "SIG{signal}"
        );
    }
}

/// A standard stream on `/dev/full`, where every write fails with "no space left on device".
#[cfg(target_os = "linux")]
fn full_device() -> Stdio {
    std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full opens")
        .into()
}

#[cfg(target_os = "linux")]
#[test]
fn a_failure_that_cannot_be_printed_still_exits_with_its_status() {
    let rules = zoom_rules();
    for (url, body) in [("/nope", "{}"), ("/v2/users", "{")] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
            .args(["sanitize", "--rules", &rules, "--url", url, "-"])
            .env_clear()
            .envs(secrets())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(full_device())
            .spawn()
            .expect("the binary starts");
        feed(&mut child, body.as_bytes());
        let out = child.wait_with_output().expect("the binary finishes");
        assert_eq!(out.status.code(), Some(2), "{url}");
        assert!(out.stdout.is_empty(), "{url}");
    }
}

#[test]
fn jobs_out_of_range_are_refused_when_the_arguments_are_read() {
    for jobs in ["0", "257", "100000", "many"] {
        let err = refused(&["--url", "/v2/users", "--jobs", jobs], b"");
        assert!(
            err.contains(&format!(
                "invalid value '{jobs}' for '--jobs <N>': the number of threads is a whole number from 1 to 256"
            )),
            "{err}"
        );
    }
}

#[test]
fn the_most_jobs_give_the_output_of_one() {
    let rules = zoom_rules();
    // Over 1 MiB: more than one segment, so the segments go to the workers.
    let body = (0..30_000).fold(String::new(), |mut s, i| {
        let _ = writeln!(s, r#"{{"users":[{{"email":"u{i}@acme.com","type":1}}]}}"#);
        s
    });
    let run = |jobs: &str| {
        sanitize(
            &["--rules", &rules, "--url", "/v2/users", "--jobs", jobs],
            &secrets(),
            body.as_bytes(),
        )
    };
    let (one, most) = (run("1"), run("256"));
    assert_eq!(one.status.code(), Some(0), "{}", text(&one.stderr));
    assert_eq!(most.status.code(), Some(0), "{}", text(&most.stderr));
    assert_eq!(one.stdout, most.stdout);
}

#[test]
fn output_that_is_an_input_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = |name: &str| dir.path().join(name).display().to_string();
    let rules_text = std::fs::read(zoom_rules()).expect("rules read");
    let body_text = br#"{"page_size":30}"#;
    std::fs::write(path("rules.yaml"), &rules_text).expect("rules written");
    std::fs::write(path("body.json"), body_text).expect("body written");
    std::fs::write(path("salt"), "salt\n").expect("salt written");
    std::fs::write(path("key"), "secret\n").expect("key written");
    let mut clashes = vec![
        ("rules.yaml", "the rules file rules.yaml"),
        ("body.json", "the body body.json"),
        ("salt", "the --salt-file salt"),
        ("key", "the --key-file key"),
        ("./sub/../rules.yaml", "the rules file rules.yaml"),
    ];
    std::fs::create_dir(path("sub")).expect("folder made");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("rules.yaml", path("link.yaml")).expect("linked");
        std::fs::hard_link(path("body.json"), path("hard.json")).expect("linked");
        clashes.push(("link.yaml", "the rules file rules.yaml"));
        clashes.push(("hard.json", "the body body.json"));
    }
    let before = listing(dir.path());
    for (output, clash) in clashes {
        let out = Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
            .current_dir(dir.path())
            .args(["sanitize", "--rules", "rules.yaml", "--url", "/v2/users"])
            .args(["--salt-file", "salt", "--key-file", "key", "-o", output])
            .arg("body.json")
            .env_clear()
            .output()
            .expect("the binary runs");
        assert_eq!(out.status.code(), Some(2), "{output}");
        assert_eq!(
            text(&out.stderr),
            format!("error[S010]: cannot write {output}: it is {clash}\n")
        );
        assert!(out.stdout.is_empty(), "{output}");
        assert_eq!(listing(dir.path()), before, "{output}");
        assert_eq!(std::fs::read(path("rules.yaml")).expect("read"), rules_text);
        assert_eq!(std::fs::read(path("body.json")).expect("read"), body_text);
        assert_eq!(std::fs::read(path("salt")).expect("read"), b"salt\n");
        assert_eq!(std::fs::read(path("key")).expect("read"), b"secret\n");
    }
    // Standard input redirected from the output file is that file.
    #[cfg(target_os = "linux")]
    {
        let out = Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
            .current_dir(dir.path())
            .args(["sanitize", "--rules", "rules.yaml", "--url", "/v2/users"])
            .args(["--salt-file", "salt", "-o", "body.json", "-"])
            .stdin(std::fs::File::open(path("body.json")).expect("opened"))
            .env_clear()
            .output()
            .expect("the binary runs");
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            text(&out.stderr),
            "error[S010]: cannot write body.json: it is the body (standard input)\n"
        );
        assert_eq!(std::fs::read(path("body.json")).expect("read"), body_text);
    }
    // Another file in the same folder is written as usual.
    let out = Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
        .current_dir(dir.path())
        .args(["sanitize", "--rules", "rules.yaml", "--url", "/v2/users"])
        .args(["--salt-file", "salt", "--key-file", "key", "-o", "out.json"])
        .arg("body.json")
        .env_clear()
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(path("out.json")).expect("written"), body_text);
}

#[test]
fn a_method_that_is_not_a_token_is_refused_before_anything_is_read() {
    for (method, reason) in [
        ("", "the method is empty; give one like GET"),
        (
            "G T",
            "`G T` is not a method: a method is made of ASCII letters, digits and \
             !#$%&'*+-.^_`|~ (a token of RFC 9110)",
        ),
        (
            "GET\r",
            "`GET\\r` is not a method: a method is made of ASCII letters, digits and \
             !#$%&'*+-.^_`|~ (a token of RFC 9110)",
        ),
    ] {
        let err = refused(&["--url", "/v2/users", "--method", method], b"");
        assert_eq!(err, format!("error[S002]: {reason}\n"));
        // For a program, a finding like the others.
        let err = refused(
            &["--url", "/v2/users", "--method", method, "--format", "json"],
            b"",
        );
        let findings: serde_json::Value = serde_json::from_str(&err).expect("JSON");
        assert_eq!(findings[0]["code"], "S002", "{err}");
        assert_eq!(findings[0]["message"], reason, "{err}");
    }
}

#[test]
fn a_method_is_quoted_cut_and_without_personal_data_wherever_a_message_quotes_it() {
    let long = "A".repeat(100_000);
    let err = refused(&["--url", "/v2/users", "--method", &long], b"");
    let cut = format!("{}…", "A".repeat(100));
    assert!(err.len() < 1000, "{} bytes", err.len());
    assert!(
        err.starts_with(&format!(
            "error[S001]: no endpoint allows {cut} /v2/users ("
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("method {cut} is not in `allowedMethods` (`GET`)")),
        "{err}"
    );
    let err = refused(
        &["--url", "/v2/users", "--method", "john.doe@example.com"],
        b"",
    );
    assert!(
        err.starts_with("error[S002]: `‹withheld›` is not a method: "),
        "{err}"
    );
    assert!(!err.contains("john"), "{err}");
}

#[test]
fn phone_numbers_dialled_with_00_or_a_trunk_0_are_withheld_from_messages() {
    let rules = "endpoints:\n  - pathTemplate: /a\n    transforms:\n      - !<pseudonymize>\n        \
                 jsonPaths: [\"$.*.email\"]\n";
    for tel in [
        "0034%20612%20345%20678",
        "06%2012%2034%2056%2078",
        "020%207946%200958",
        "0034612345678",
    ] {
        let url = format!("/b?tel={tel}");
        let out = sanitize_args_with_rules(rules, &["--url", &url], b"{}");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.starts_with("error[S001]: no endpoint allows GET /b?tel=‹withheld› ("),
            "{err}"
        );
    }
    // A member named by a phone number, in the pointer of a value that cannot be sanitized
    // (no salt is set).
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("rules.yaml"), rules).expect("rules");
    let out = sanitize_in(
        dir.path(),
        &["--rules", "rules.yaml", "--url", "/a", "-"],
        &[],
        br#"{"06 12 34 56 78":{"email":"a@b.com"}}"#,
        Stdio::piped(),
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("pseudonymize failed at /‹withheld›/email: "),
        "{err}"
    );
    // An id is no phone number.
    let out = sanitize_args_with_rules(rules, &["--url", "/v2/meetings/91022334455"], b"{}");
    assert!(
        text(&out.stderr).contains("allows GET /v2/meetings/91022334455 ("),
        "{}",
        text(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn standard_input_is_named_as_such_and_a_secret_file_that_holds_the_rules_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = zoom_rules();
    let run = |args: &[&str], stdin: Stdio| {
        Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
            .current_dir(dir.path())
            .arg("sanitize")
            .args(args)
            .env_clear()
            .envs(secrets())
            .stdin(stdin)
            .output()
            .expect("the binary runs")
    };
    std::fs::write(dir.path().join("body.json"), "{}").expect("body");
    let rules_in = || Stdio::from(std::fs::File::open(&rules).expect("rules"));
    let out = run(
        &[
            "--rules",
            "-",
            "--url",
            "/v2/users",
            "--key-file",
            "/dev/stdin",
            "body.json",
        ],
        rules_in(),
    );
    assert_eq!(
        text(&out.stderr),
        "error[S009]: --key-file: standard input holds the rules already\n \
         = help: give the secret in a file of its own, or in the environment\n"
    );
    let out = run(
        &[
            "--rules",
            "-",
            "--url",
            "/v2/users",
            "-o",
            "/dev/stdin",
            "body.json",
        ],
        rules_in(),
    );
    assert_eq!(
        text(&out.stderr),
        "error[S010]: cannot write /dev/stdin: it is the rules file (standard input)\n"
    );
    let folder = || Stdio::from(std::fs::File::open(dir.path()).expect("a folder"));
    let out = run(&["--rules", &rules, "--url", "/v2/users", "-"], folder());
    assert_eq!(
        text(&out.stderr),
        "error[S010]: cannot read the body (standard input): Is a directory (os error 21)\n"
    );
    let out = run(
        &[
            "--rules",
            &rules,
            "--url",
            "/v2/users",
            "--salt-file",
            "/dev/stdin",
            "-",
        ],
        folder(),
    );
    assert_eq!(
        text(&out.stderr),
        "error[S009]: --salt-file: (standard input) is the body being sanitized\n \
         = help: give the secret in a file of its own, or in the environment\n"
    );
}

#[test]
fn urls_the_proxy_cannot_receive_are_refused() {
    let rules = zoom_rules();
    for (url, reason) in [
        (
            "ftp://api.zoom.us/v2/users",
            "the scheme `ftp` is not `http` or `https`, the schemes of the proxy",
        ),
        (
            "https://[::1/v2/users",
            "the IPv6 host `[::1` is not closed with `]`",
        ),
        (
            "https://api.zoom.us:99999/v2/users",
            "the port 99999 is above 65535",
        ),
    ] {
        let err = refused(&["--url", url], b"{}");
        assert!(
            err.starts_with(&format!(
                "error[S002]: `{url}` is not a request URL: {reason}\n"
            )),
            "{err}"
        );
    }
    // What the proxy accepts in a path and query stays accepted.
    for url in [
        "https://[::1]:8443/v2/users?page_size=30",
        "/v2/users?next_page_token=https://x/%zz",
    ] {
        let out = sanitize(&["--rules", &rules, "--url", url], &secrets(), b"{}");
        assert_eq!(out.status.code(), Some(0), "{url}: {}", text(&out.stderr));
    }
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_pipe_is_written_into_not_replaced() {
    // A device (`/dev/null`) takes the same way; it is not tested here, where a failure would
    // replace the machine's own.
    use std::os::unix::fs::FileTypeExt as _;
    let rules = zoom_rules();
    let body = br#"{"users":[{"email":"alice@acme.com","id":"u1"}],"page_size":1}"#;
    let url = "https://api.zoom.us/v2/users";
    let expected = sanitize(&["--rules", &rules, "--url", url, "-"], &secrets(), body);
    assert_eq!(
        expected.status.code(),
        Some(0),
        "{}",
        text(&expected.stderr)
    );
    // A pipe: its reader gets the output, and the pipe stays one.
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("out.fifo");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).expect("read the pipe"))
    };
    let fifo_arg = fifo.display().to_string();
    let piped = sanitize(
        &["--rules", &rules, "--url", url, "-o", &fifo_arg, "-"],
        &secrets(),
        body,
    );
    assert_eq!(piped.status.code(), Some(0), "{}", text(&piped.stderr));
    assert!(piped.stdout.is_empty());
    // Checked first: a pipe replaced by a file leaves its reader waiting.
    let kind = std::fs::metadata(&fifo).expect("exists").file_type();
    assert!(kind.is_fifo(), "the pipe is now {kind:?}");
    assert_eq!(reader.join().expect("reader"), expected.stdout);
}

#[cfg(unix)]
#[test]
fn a_pipe_output_of_a_failed_run_gives_its_reader_an_end_of_file() {
    let rules = zoom_rules();
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = dir.path().join("broken.yaml");
    std::fs::write(
        &broken,
        "endpoints:\n  - pathTemplate: /a\n    nonsense: 1\n",
    )
    .expect("write");
    let broken = broken.display().to_string();
    let missing = dir.path().join("missing.yaml").display().to_string();
    // Failures found in the body, in the request, in the method and in the rules: whichever
    // it is, the pipe has been opened, as a shell's `>` opens it before the command runs.
    let failures: [(&str, &[&str], &[u8]); 5] = [
        (
            "S003",
            &["--rules", &rules, "--url", "/v2/users"],
            b"{\"users\": [",
        ),
        ("S001", &["--rules", &rules, "--url", "/v2/nowhere"], b"{}"),
        (
            "S002",
            &["--rules", &rules, "--url", "/v2/users", "--method", "G T"],
            b"{}",
        ),
        ("R012", &["--rules", &broken, "--url", "/a"], b"{}"),
        ("R001", &["--rules", &missing, "--url", "/a"], b"{}"),
    ];
    for (i, (code, args, body)) in failures.into_iter().enumerate() {
        let fifo = dir.path().join(format!("out{i}.fifo"));
        let made = Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        let (sent, got) = std::sync::mpsc::channel();
        {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let _ = sent.send(std::fs::read(fifo).expect("read the pipe"));
            });
        }
        let fifo_arg = fifo.display().to_string();
        let mut all = args.to_vec();
        all.extend(["-o", &fifo_arg, "-"]);
        let out = sanitize(&all, &secrets(), body);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{code}: {stderr}");
        assert!(
            stderr.contains(&format!("error[{code}]")),
            "{code}: {stderr}"
        );
        // As after a shell's `>`: the reader is not left waiting, and gets nothing.
        let read = got
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("{code}: the reader gets an end of file"));
        assert!(read.is_empty(), "{code}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn dev_stdout_as_output_writes_where_standard_output_goes() {
    let rules = zoom_rules();
    let body = br#"{"users":[{"email":"alice@acme.com","id":"u1"}],"page_size":1}"#;
    let expected = sanitize(
        &["--rules", &rules, "--url", "/v2/users", "-"],
        &secrets(),
        body,
    );
    assert_eq!(expected.status.code(), Some(0));
    // Standard output is a pipe: the output arrives on it.
    let piped = sanitize(
        &[
            "--rules",
            &rules,
            "--url",
            "/v2/users",
            "-o",
            "/dev/stdout",
            "-",
        ],
        &secrets(),
        body,
    );
    assert_eq!(piped.status.code(), Some(0), "{}", text(&piped.stderr));
    assert_eq!(piped.stdout, expected.stdout);
    // Standard output is a file opened for appending (`>> log`): it keeps what it holds.
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("log.ndjson");
    std::fs::write(&log, "previous\n").expect("written");
    let appending = std::fs::File::options()
        .append(true)
        .open(&log)
        .expect("opened");
    let out = sanitize_to(
        &[
            "--rules",
            &rules,
            "--url",
            "/v2/users",
            "-o",
            "/dev/stdout",
            "-",
        ],
        &secrets(),
        body,
        appending.into(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut want = b"previous\n".to_vec();
    want.extend(&expected.stdout);
    assert_eq!(std::fs::read(&log).expect("read"), want);
}

#[cfg(target_os = "linux")]
#[test]
fn a_regular_file_under_dev_is_replaced_as_any_file() {
    let shm = std::path::Path::new("/dev/shm");
    if !shm.is_dir() {
        return;
    }
    let rules = zoom_rules();
    let body = br#"{"users":[{"email":"alice@acme.com","id":"u1"}],"page_size":1}"#;
    let expected = sanitize(
        &["--rules", &rules, "--url", "/v2/users", "-"],
        &secrets(),
        body,
    );
    let target = shm.join(format!("psoxy-rules-test-{}.json", std::process::id()));
    let target_arg = target.display().to_string();
    for before in [None, Some("an older output, longer than the new one\n")] {
        if let Some(text) = before {
            std::fs::write(&target, text).expect("written");
        }
        let out = sanitize(
            &[
                "--rules",
                &rules,
                "--url",
                "/v2/users",
                "-o",
                &target_arg,
                "-",
            ],
            &secrets(),
            body,
        );
        let written = std::fs::read(&target);
        let _ = std::fs::remove_file(&target);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(written.expect("written"), expected.stdout, "{before:?}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn standard_output_that_cannot_be_written_is_reported_once() {
    let rules = zoom_rules();
    let body = br#"{"users":[],"page_size":0}"#;
    for format in ["human", "json"] {
        let full = std::fs::File::options()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full opens");
        let out = sanitize_to(
            &[
                "--rules",
                &rules,
                "--url",
                "/v2/users",
                "--format",
                format,
                "-",
            ],
            &secrets(),
            body,
            full.into(),
        );
        assert_eq!(out.status.code(), Some(2), "{format}");
        let err = text(&out.stderr);
        assert_eq!(
            err.matches("No space left on device").count(),
            1,
            "{format}: {err}"
        );
        if format == "json" {
            let findings: serde_json::Value = serde_json::from_str(&err).expect("only JSON");
            assert_eq!(findings[0]["code"], "S010", "{err}");
        } else {
            assert!(err.starts_with("error[S010]: "), "{err}");
        }
    }
}

/// A place that one path reaches several times is pseudonymized as many times, as the proxy
/// does (§6.3.12): the same bytes as rules that name it in that many paths.
#[test]
fn a_place_reached_twice_by_one_path_is_pseudonymized_twice() {
    let body = br#"{"a":{"b":"one@example.com","a":{"b":"two@example.com"}},"l":["x","y","z"]}"#;
    let one_path = "endpoints:\n  - pathTemplate: /x\n    transforms:\n      \
                    - !<pseudonymize>\n        jsonPaths: ['$..a..b', '$.l[1,-2]']\n";
    let spelt_out = "endpoints:\n  - pathTemplate: /x\n    transforms:\n      \
                     - !<pseudonymize>\n        jsonPaths: ['$.a.b', '$.a.a.b', '$.l[1]']\n      \
                     - !<pseudonymize>\n        jsonPaths: ['$.a.a.b', '$.l[1]']\n";
    let once = "endpoints:\n  - pathTemplate: /x\n    transforms:\n      \
                - !<pseudonymize>\n        jsonPaths: ['$.a.b', '$.a.a.b', '$.l[1]']\n";
    let mut outputs = Vec::new();
    for (yaml, engine) in [
        (one_path, "plan"),
        (one_path, "naive"),
        (spelt_out, "plan"),
        (once, "plan"),
    ] {
        let out = sanitize_args_with_rules(yaml, &["--url", "/x", "--engine", engine], body);
        assert!(out.status.success(), "{}", text(&out.stderr));
        outputs.push(text(&out.stdout));
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
    assert_ne!(outputs[0], outputs[3], "hashed twice, not once");
    assert!(outputs[0].contains(r#""b":"t~"#), "{}", outputs[0]);
}

/// Deleting an index listed twice deletes the element that moved there too, and fails the
/// response when none did (Java's `IndexOutOfBoundsException`), naming the place.
#[test]
fn an_index_redacted_twice_takes_the_next_element_or_fails() {
    let rules = "endpoints:\n  - pathTemplate: /x\n    transforms:\n      \
                 - !<redact>\n        jsonPaths: ['$.l[1,1]']\n";
    let out = sanitize_with_rules(rules, br#"{"l":["a","b","c","d"]}"#);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), r#"{"l":["a","d"]}"#);
    let out = sanitize_with_rules(rules, br#"{"l":["a","b"]}"#);
    let err = text(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.contains("/l/1") && err.contains("a second time"),
        "{err}"
    );
}

/// A URL that is no request URL is quoted without its credentials and personal parts.
#[test]
fn an_invalid_url_is_quoted_without_credentials_or_personal_data() {
    let rules = "endpoints:\n  - pathTemplate: /v2/users/{userId}\n";
    let out = sanitize_args_with_rules(
        rules,
        &[
            "--url",
            "https://svc:hunter2@api.zoom.us:70000/v2/users/bob@corp.example?phone=%2B14155550199",
        ],
        b"{}",
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "`https://‹withheld›@api.zoom.us:70000/v2/users/‹withheld›?phone=‹withheld›` is not \
             a request URL: the port 70000 is above 65535"
        ),
        "{err}"
    );
    for secret in ["hunter2", "bob@", "4155550199"] {
        assert!(!err.contains(secret), "{secret} in {err}");
    }
}
