//! The `validate`, `schema` and `compile` commands on real, malformed and hostile rules files.

mod common;

use std::path::{Path, PathBuf};

use clap::Parser as _;
use psoxy_rules::cli::{self, Cli, Status};
use psoxy_rules::rules;

/// Runs the command line `args`; returns the status, stdout and stderr.
fn run(args: &[&str]) -> (Status, String, String) {
    let cli = Cli::try_parse_from(std::iter::once("psoxy-rules").chain(args.iter().copied()))
        .expect("arguments parse");
    let mut out = Vec::new();
    let mut err = Vec::new();
    let status = cli::run(cli, &mut out, &mut err).expect("command runs");
    (
        status,
        String::from_utf8(out).expect("utf-8 stdout"),
        String::from_utf8(err).expect("utf-8 stderr"),
    )
}

/// Runs `validate` on a file holding `content`; returns the status and stdout.
fn validate_bytes(content: &[u8]) -> (Status, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("rules.yaml");
    std::fs::write(&path, content).expect("write");
    let (status, out, _) = run(&["validate", &path.display().to_string()]);
    (status, out)
}

#[test]
fn a_response_body_given_as_the_rules_is_named_but_not_quoted() {
    let object = br#"{"login":"mokonkwo","email":"marguerite.okonkwo@fabrikam.example","id":7}"#;
    let list = br#"  [{"login":"mokonkwo","email":"marguerite.okonkwo@fabrikam.example"}]"#;
    // A duplicate key and a syntax error, which would otherwise be shown at their place.
    let duplicate =
        b"{\n  \"users\": [\n    {\"login\": \"mokonkwo\", \"login\": \"marguerite\"}\n  ]\n}\n";
    let broken =
        b"{\n  \"users\": [\n    {\"login\": \"mokonkwo\" \"email\": \"marguerite\"}\n  ]\n}\n";
    for (body, message) in [
        (
            &duplicate[..],
            "rules.yaml: error[R010]: the document is a mapping whose key is not of the rules \
             format; rules have `endpoints:`",
        ),
        (
            &broken[..],
            "rules.yaml: error[R004]: the document is not valid JSON or YAML (first at 3:26), and \
             names none of the keys of the rules format: likely a response body, which is not \
             quoted",
        ),
        (
            &object[..],
            "rules.yaml: error[R010]: the document is a mapping whose 3 keys are not of the rules \
             format; rules have `endpoints:`",
        ),
        (
            &list[..],
            "rules.yaml: error[R010]: the document is a list; rules are a mapping",
        ),
    ] {
        let (status, out) = validate_bytes(body);
        assert_eq!(status, Status::Invalid, "{out}");
        assert!(out.contains(message), "{out}");
        assert!(
            out.contains(
                "\n = help: a rules file is a mapping with at least `endpoints:`; a response body \
                 is sanitized as `psoxy-rules sanitize --rules RULES --url URL FILE`, and a case \
                 file is run with `psoxy-rules test`\n"
            ),
            "{out}"
        );
        for personal in ["mokonkwo", "marguerite", "login"] {
            assert!(!out.contains(personal), "{personal}:\n{out}");
        }
    }
    // A mapping with a key close to one of the format is a rules file with a typo.
    let (_, out) = validate_bytes(b"endpoint:\n  - pathTemplate: /v1/users\nlogin: x\n");
    assert!(out.contains("did you mean `endpoints`?"), "{out}");
    assert!(!out.contains("R010"), "{out}");
}

/// The help lines of human output, in order.
fn helps(out: &str) -> Vec<&str> {
    out.lines()
        .filter_map(|l| l.strip_prefix("  = help: "))
        .collect()
}

/// Writes a rules file and a response body into a temporary folder, which lives as long as the
/// returned handle; returns it with the two paths.
fn rules_and_body(rules: &str, body: &str) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, content: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).expect("write");
        path.display().to_string()
    };
    let (rules, body) = (write("rules.yaml", rules), write("body.json", body));
    (dir, rules, body)
}

/// Writes `text` to the file `name` in `dir`; returns its path.
fn write_in(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

fn package_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The reference rules files, read from the shared compatibility cases when present.
fn compat_rules() -> Vec<PathBuf> {
    let dir = package_root().join("../shared/compat/psoxy");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path().join("rules.yaml"))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn reference_rules_files_are_valid() {
    let files = compat_rules();
    if files.is_empty() {
        eprintln!("skipped: ../shared/compat/psoxy is absent");
        return;
    }
    for file in files {
        let name = file.display().to_string();
        let (status, out, _) = run(&["validate", &name]);
        assert_eq!(status, Status::Ok, "{out}");
        assert!(!out.contains("error["), "{out}");
    }
}

#[test]
fn example_zoom_rules_are_valid() {
    let file = package_root().join("example-rules/zoom/zoom.yaml");
    if !file.is_file() {
        eprintln!("skipped: example-rules/zoom/zoom.yaml is absent");
        return;
    }
    let (status, out, _) = run(&["validate", &file.display().to_string()]);
    assert_eq!(status, Status::Ok, "{out}");
}

/// Each malformed file, the code it must produce and where (line:column; 0:0 for the file as a
/// whole).
const INVALID: &[(&str, &str, u32, u32)] = &[
    ("empty.yaml", "R009", 1, 1),
    ("comments-only.yaml", "R009", 3, 1),
    ("not-utf8.yaml", "R003", 3, 24),
    ("syntax-error.yaml", "R004", 3, 19),
    ("tab-indent.yaml", "R005", 4, 1),
    ("duplicate-key.yaml", "R006", 6, 5),
    ("alias-bomb.yaml", "R007", 6, 36),
    ("deep-nesting.yaml", "R008", 2, 139),
    ("root-list.yaml", "R010", 2, 1),
    ("root-scalar.yaml", "R010", 0, 0),
    ("two-documents.yaml", "R011", 4, 1),
    ("unknown-endpoint-key.yaml", "R012", 4, 5),
    ("unknown-top-level-key.yaml", "R012", 2, 1),
    ("unknown-transform-option.yaml", "R012", 8, 9),
    ("unknown-schema-keyword.yaml", "R012", 9, 11),
    ("wrong-type.yaml", "R013", 4, 25),
    ("unknown-kind.yaml", "R015", 5, 9),
    ("missing-kind.yaml", "R016", 5, 9),
    ("kind-conflict.yaml", "R017", 5, 9),
    ("invalid-encoding.yaml", "R018", 8, 19),
    ("null-boolean.yaml", "R019", 8, 28),
    ("tag-on-endpoint.yaml", "R020", 3, 5),
    ("complex-key.yaml", "R021", 4, 7),
    ("no-path.yaml", "R030", 3, 5),
    ("template-braces.yaml", "R031", 3, 30),
    ("template-param-name.yaml", "R032", 3, 29),
    ("template-no-slash.yaml", "R033", 3, 19),
    ("template-duplicate-param.yaml", "R034", 3, 35),
    ("invalid-path-regex.yaml", "R035", 3, 17),
    ("invalid-transform-regex.yaml", "R035", 9, 14),
    ("tokenize-no-group.yaml", "R036", 8, 16),
    ("missing-regex.yaml", "R037", 5, 9),
    ("include-original-token.yaml", "R038", 8, 9),
    ("hash-only-options.yaml", "R039", 9, 9),
    ("ignored-keys.yaml", "R039", 2, 1),
    ("unresolved-ref.yaml", "R040", 5, 13),
    ("ref-into-definition.yaml", "R040", 5, 13),
    ("ref-without-definitions.yaml", "R040", 8, 17),
    ("ref-with-empty-definitions.yaml", "R040", 7, 17),
    ("root-ref.yaml", "R041", 5, 13),
    ("unsupported-ref.yaml", "R042", 5, 13),
    ("nested-definitions.yaml", "R043", 10, 9),
    ("shadowed-endpoint.yaml", "R044", 8, 19),
    ("sentence-metadata.yaml", "R045", 5, 9),
    ("unused-param-schema.yaml", "R046", 5, 7),
    ("param-format.yaml", "R047", 7, 17),
    ("allow-all.yaml", "R048", 2, 20),
    ("no-json-paths.yaml", "R049", 5, 9),
    ("untyped-container.yaml", "R050", 5, 7),
    ("unknown-schema-type.yaml", "R051", 5, 13),
    ("ref-loop.yaml", "R053", 8, 11),
    ("ref-siblings.yaml", "R039", 8, 15),
    ("include-original.yaml", "R058", 9, 9),
    ("bad-jsonpath.yaml", "P001", 8, 23),
    ("bad-apply-only-when.yaml", "P001", 8, 44),
    ("path-without-root.yaml", "P002", 6, 14),
    ("suspicious-paths.yaml", "P002", 7, 24),
    ("template-invalid-java-regex.yaml", "R035", 3, 19),
    ("json-form.json", "R015", 7, 21),
    ("many-errors.yaml", "R031", 3, 30),
];

fn invalid(name: &str) -> String {
    format!("tests/fixtures/invalid/{name}")
}

#[test]
fn every_invalid_fixture_is_listed() {
    let mut on_disk: Vec<String> = std::fs::read_dir(package_root().join("tests/fixtures/invalid"))
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = INVALID.iter().map(|(f, ..)| (*f).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn malformed_files_report_the_expected_code_and_place() {
    for (file, code, line, column) in INVALID {
        let findings = match rules::load(Path::new(&invalid(file))) {
            Ok((_, warnings)) => warnings,
            Err(findings) => findings,
        };
        let expected = if *line == 0 {
            invalid(file)
        } else {
            format!("{}:{line}:{column}", invalid(file))
        };
        assert!(
            findings.iter().any(|d| d.code == *code
                && d.location.as_ref().map(ToString::to_string) == Some(expected.clone())),
            "{file}: expected {code} at {expected}, got:\n{}",
            findings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn malformed_files_render_as_snapshotted() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/invalid");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (file, code, ..) in INVALID {
            let (status, out, _) = run(&["validate", &invalid(file)]);
            let has_error = !code.is_empty() && out.contains("error[");
            assert_eq!(status == Status::Invalid, has_error, "{file}");
            insta::assert_snapshot!(*file, out);
        }
    });
}

#[test]
fn file_over_the_size_cap_is_refused_before_parsing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("huge.yaml");
    let size = usize::try_from(rules::MAX_FILE_BYTES).expect("fits") + 1;
    std::fs::write(&path, "#".repeat(size)).expect("write");
    let findings = rules::load(&path).expect_err("refused");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, "R002");
}

#[test]
fn many_warnings_stay_warnings_and_errors_are_shown_first() {
    // Every endpoint after the first is shadowed by it: one warning each.
    let endpoint = "  - pathTemplate: \"/v2/users\"\n";
    let warnings_only = format!("endpoints:\n{}", endpoint.repeat(700));
    let (status, out) = validate_bytes(warnings_only.as_bytes());
    assert_eq!(
        status,
        Status::Ok,
        "{}",
        &out[out.len().saturating_sub(400)..]
    );
    assert!(
        out.contains("warning[R052]: 199 more findings are not shown"),
        "{}",
        &out[out.len() - 400..]
    );
    assert!(!out.contains("error["));
    // The summary counts the findings shown and those left out, not R052 itself.
    assert!(
        out.ends_with("1 file checked: 0 errors, 500 warnings, 199 more not shown\n"),
        "{}",
        &out[out.len() - 400..]
    );
    // One error after all the warnings: it is shown, and it decides.
    let with_error = format!("{warnings_only}  - pathTemplate: \"/v2/{{\"\n");
    let (status, out) = validate_bytes(with_error.as_bytes());
    assert_eq!(status, Status::Invalid);
    assert_eq!(
        out.matches("error[").count(),
        1,
        "{}",
        &out[out.len() - 400..]
    );
    assert!(out.contains("warning[R052]: 200 more findings are not shown"));
    assert!(out.ends_with("1 file checked: 1 error, 499 warnings, 200 more not shown\n"));
    // Past the cap of the structure check, the number left out is not known.
    let structural = format!(
        "endpoints:\n{}",
        "  - pathTemplate: /v2/a\n    methods: [GET]\n".repeat(700)
    );
    let (_, out) = validate_bytes(structural.as_bytes());
    assert!(
        out.ends_with("1 file checked: 500 errors, 0 warnings, more not shown\n"),
        "{}",
        &out[out.len() - 400..]
    );
}

#[test]
fn a_file_of_one_value_is_not_quoted() {
    let (status, out) = validate_bytes(b"pepper-7f3a9c\n");
    assert_eq!(status, Status::Invalid);
    assert!(
        out.contains("error[R010]: the document is a single value"),
        "{out}"
    );
    assert!(out.contains("--salt-file"), "{out}");
    assert!(!out.contains("pepper"), "{out}");
}

#[test]
fn a_file_of_one_line_that_is_not_yaml_is_not_quoted() {
    // Likely a secret: its place is in the message, with where a secret goes.
    for (secret, at) in [
        ("@s3cr3tSaltXyz", "1:1"),
        ("`k3y", "1:1"),
        ("\"unclosed", "1:1"),
        ("*alias9", "1:1"),
        ("a: [b", "1:4"),
    ] {
        let (status, out) = validate_bytes(format!("{secret}\n").as_bytes());
        assert_eq!(status, Status::Invalid, "{secret}: {out}");
        assert!(out.contains("rules.yaml: error[R004]: "), "{secret}: {out}");
        assert!(
            out.contains(&format!(
                "(at {at}); the file names none of the keys of the rules format"
            )),
            "{secret}: {out}"
        );
        assert!(out.contains("--salt-file"), "{secret}: {out}");
        assert!(!out.contains(secret), "{secret}: {out}");
    }
    // In JSON's brackets: likely a response body, on one line as on several.
    for (body, at) in [("{salt", "1:1"), ("[1, 2", "1:1"), ("{\"a\": [}", "1:7")] {
        let (status, out) = validate_bytes(format!("{body}\n").as_bytes());
        assert_eq!(status, Status::Invalid, "{body}: {out}");
        assert!(
            out.contains(&format!(
                "rules.yaml: error[R004]: the document is not valid JSON or YAML (first at {at}), \
                 and names none of the keys of the rules format: likely a response body"
            )),
            "{body}: {out}"
        );
        assert!(out.contains("psoxy-rules sanitize"), "{body}: {out}");
        assert!(!out.contains(body), "{body}: {out}");
    }
    // A file that names a key of the format keeps its excerpt, on one line as on several.
    let (_, out) = validate_bytes(b"{\"endpoints\": [1, 2}\n");
    assert!(
        out.contains("rules.yaml:1:15: error[R004]: YAML syntax: mismatched bracket"),
        "{out}"
    );
    assert!(out.contains("1 | {\"endpoints\": [1, 2}"), "{out}");
    let (_, out) = validate_bytes(b"endpoints:\n  - pathTemplate: \"/x\n");
    assert!(out.contains("2 |   - pathTemplate: \"/x"), "{out}");
}

#[test]
fn a_file_that_names_no_key_of_the_format_is_not_quoted_when_it_cannot_be_read() {
    // A binary key, a response body with a byte that is not UTF-8, an environment file of
    // secrets: the place is in the message, the text nowhere.
    for (bytes, code, at) in [
        (
            &b"S3CRETSALTXYZ\x9a\x01K3YSECRETQQ\nmore\n"[..],
            "R003",
            "1:14",
        ),
        (
            &b"{\"users\":[{\"email\":\"leaky.person@example.com\xff\"}]}"[..],
            "R003",
            "1:45",
        ),
        (
            &b"export PSOXY_SALT=S3CRETSALTXYZ\n# key\nexport PSOXY_ENCRYPTION_KEY=K3YSECRETQQ\n"[..],
            "R004",
            "3:1",
        ),
    ] {
        let (status, out) = validate_bytes(bytes);
        assert_eq!(status, Status::Invalid, "{out}");
        assert!(
            out.contains(&format!("rules.yaml: error[{code}]: ")),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "(at {at}); the file names none of the keys of the rules format: likely a secret \
                 or a response body, which is not quoted"
            )),
            "{out}"
        );
        for secret in ["S3CRETSALTXYZ", "K3YSECRETQQ", "leaky"] {
            assert!(!out.contains(secret), "{out}");
        }
    }
    // A rules file keeps its excerpt at the byte.
    let (_, out) = validate_bytes(b"endpoints:\n  # caf\xe9\n  - pathTemplate: /x\n");
    assert!(
        out.contains("rules.yaml:2:8: error[R003]: byte 0xE9 is not UTF-8\n"),
        "{out}"
    );
    assert!(out.contains("2 |   # caf\u{FFFD}"), "{out}");
}

#[test]
fn a_utf16_file_is_named_as_such() {
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("endpoints: []\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let (status, out) = validate_bytes(&utf16);
    assert_eq!(status, Status::Invalid);
    assert!(
        out.contains("error[R003]: the file is UTF-16 (it starts with a UTF-16 byte order mark)"),
        "{out}"
    );
    assert!(out.contains("save the file as UTF-8"), "{out}");
}

#[test]
fn an_unknown_kind_is_one_finding_not_also_a_missing_key() {
    let (status, out) = validate_bytes(
        b"endpoints:\n  - pathTemplate: \"/x\"\n    transforms:\n      - !<pseudonymise>\n        jsonPath: [\"$.a\"]\n",
    );
    assert_eq!(status, Status::Invalid);
    assert!(
        out.contains("error[R015]: unknown transform kind `pseudonymise`"),
        "{out}"
    );
    // The key no kind has is a mistake of its own; no key is missing whatever the kind.
    assert!(
        out.contains(":5:9: error[R012]: unknown key `jsonPath`"),
        "{out}"
    );
    assert!(!out.contains("missing"), "{out}");
    assert!(
        out.ends_with("1 file checked: 2 errors, 0 warnings\n"),
        "{out}"
    );
}

#[test]
fn a_type_list_is_one_finding_not_also_a_missing_type() {
    let (status, out) = validate_bytes(
        b"endpoints:\n  - pathTemplate: \"/x\"\n    responseSchema:\n      type: [\"object\", \"null\"]\n      properties:\n        a: { type: string }\n",
    );
    assert_eq!(status, Status::Invalid);
    assert!(
        out.contains(":4:13: error[R013]: `type` must be a string, not a list"),
        "{out}"
    );
    assert!(
        out.ends_with("1 file checked: 1 error, 0 warnings\n"),
        "{out}"
    );
}

#[test]
fn a_regex_endpoint_that_an_earlier_endpoint_shadows_is_found_by_an_example() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/v1.0/chats/{chatId}/messages"
  - pathRegex: "^/v1\\.0/chats/[^/]+/messages$"
  - pathRegex: "^/v2/(users|groups)/[0-9]+$"
  - pathRegex: "^/v2/users/me$"
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    assert!(
        out.contains(
            ":3:16: warning[R044]: a request for `/v1.0/chats/a/messages` is taken by the earlier \
             endpoint at line 2"
        ),
        "{out}"
    );
    // `me` is no number: not shadowed.
    assert!(out.ends_with("0 errors, 1 warning\n"), "{out}");
}

#[test]
fn the_example_of_a_shadowed_regex_reads_its_lone_dot_as_a_dot_where_that_is_taken_too() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/b/{method}"
  - pathRegex: "^/b/users.list$"
  - pathRegex: "^/api/(?!users\\.)[a-z.]+$"
  - pathRegex: "/api/(?<method>users.info)\\z"
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    assert!(
        out.contains(":3:16: warning[R044]: a request for `/b/users.list` is taken by the earlier"),
        "{out}"
    );
    // `/api/users.info` is refused by the look-ahead; another character in place of the dot
    // is not, and the help says why.
    assert!(
        out.contains(
            ":5:16: warning[R044]: a request for `/api/usersainfo` is taken by the earlier"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "help: the unescaped `.` of this regex matches any character, as in this example: \
             write `\\.` where a dot is meant; or move the more specific endpoint first"
        ),
        "{out}"
    );
    assert!(out.ends_with("0 errors, 2 warnings\n"), "{out}");
}

#[test]
fn an_endpoint_whose_requests_an_earlier_one_takes_is_shadowed_whatever_its_query_parameters() {
    let (_dir, rules, body) = rules_and_body(
        r#"endpoints:
  - pathTemplate: "/api/{method}"
    allowedQueryParams: ["channel", "cursor"]
  - pathTemplate: "/api/conversations.history"
    allowedQueryParams: ["channel", "cursor", "limit"]
    transforms:
      - !<redact>
        jsonPaths: ["$.messages[*].text"]
"#,
        r#"{"messages":[{"text":"hi"}]}"#,
    );
    let (status, out, _) = run(&["validate", &rules]);
    assert_eq!(status, Status::Ok, "{out}");
    assert!(
        out.contains(
            ":4:19: warning[R044]: a request for `/api/conversations.history` is taken by the \
             earlier endpoint at line 2, whose transforms apply to it instead of this endpoint's \
             (the first endpoint that allows a request wins)"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "help: only requests with `limit` get past the earlier endpoint; move this endpoint \
             first, or make the earlier one narrower"
        ),
        "{out}"
    );
    assert!(out.ends_with("0 errors, 1 warning\n"), "{out}");
    // What the warning says is what sanitize does: the example goes to the earlier endpoint.
    let sanitized = |url: &str| {
        let (status, out, err) = run(&["sanitize", "--rules", &rules, "--url", url, &body]);
        assert_eq!(status, Status::Ok, "{err}");
        out
    };
    assert_eq!(
        sanitized("https://slack.com/api/conversations.history?channel=C1"),
        r#"{"messages":[{"text":"hi"}]}"#
    );
    assert_eq!(
        sanitized("https://slack.com/api/conversations.history?limit=5"),
        r#"{"messages":[{}]}"#
    );
}

#[test]
fn a_path_regex_that_refuses_every_query_beside_allowed_query_params_is_a_warning() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathRegex: "^/rest/api/3/issue/[A-Z]+-[0-9]+/changelog$"
    allowedQueryParams: ["startAt"]
  - pathRegex: "^/rest/api/3/search(?:[?].*)?$"
    allowedQueryParams: ["jql"]
  - pathRegex: "^/rest/api/3/users$"
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    assert!(
        out.contains(
            ":2:16: warning[R057]: this `pathRegex` sees the path with its query and refuses any \
             query, so `allowedQueryParams` never applies (`/rest/api/3/issue/A-0/changelog?startAt=1` \
             does not match)"
        ),
        "{out}"
    );
    assert!(out.ends_with("0 errors, 1 warning\n"), "{out}");
}

#[test]
fn a_path_regex_beside_a_path_template_allows_a_query_and_is_not_said_to_refuse_it() {
    let (_dir, rules, body) = rules_and_body(
        r#"endpoints:
  - pathTemplate: "/t/{x}"
    pathRegex: "/r/[0-9]+"
"#,
        "{}",
    );
    let (status, out, _) = run(&["validate", &rules]);
    assert_eq!(status, Status::Ok, "{out}");
    assert!(!out.contains("R057"), "{out}");
    assert!(
        out.contains(
            ":2:19: warning[R039]: `pathTemplate` is not matched when `pathRegex` is set; it only \
             makes the `pathRegex` also be tried against the path without its query\n"
        ),
        "{out}"
    );
    assert!(out.ends_with("0 errors, 1 warning\n"), "{out}");
    // The regex matches the path alone (§5.6), so the request is allowed.
    let url = "https://h/r/5?q=1";
    let (status, _, err) = run(&["sanitize", "--rules", &rules, "--url", url, &body]);
    assert_eq!(status, Status::Ok, "{err}");
}

#[test]
fn beside_a_path_template_path_parameter_schemas_read_the_path_regex_groups() {
    let (_dir, rules, body) = rules_and_body(
        r#"endpoints:
  - pathTemplate: "/t/{x}"
    pathRegex: "^/r/(?<id>[0-9]+)$"
    pathParameterSchemas:
      id:
        type: integer
      x:
        type: integer
"#,
        "{}",
    );
    let (status, out, _) = run(&["validate", &rules]);
    assert_eq!(status, Status::Ok, "{out}");
    // `id` is a group of the regex; `x`, a parameter of the template only, is not.
    assert!(
        out.contains(
            ":7:7: warning[R046]: `pathRegex`, which is matched instead of `pathTemplate`, has no \
             group named `x`, so this endpoint never matches"
        ),
        "{out}"
    );
    assert!(!out.contains(":5:7:"), "{out}");
    assert!(
        !out.contains("apply only to `pathTemplate` endpoints"),
        "{out}"
    );
    assert!(
        out.contains("and `pathParameterSchemas` read the `pathRegex`'s named groups"),
        "{out}"
    );
    let (status, _, err) = run(&["sanitize", "--rules", &rules, "--url", "/r/5", &body]);
    assert_eq!(status, Status::Invalid, "{err}");
    assert!(
        err.contains(
            "path parameter `x` is not a named group of the `pathRegex`, which is matched in \
             place of the template"
        ),
        "{err}"
    );
}

#[test]
fn path_parameters_are_read_from_the_path_and_query_that_the_path_regex_matched() {
    for (kind, expected) in [("string", Status::Ok), ("integer", Status::Invalid)] {
        let (_dir, rules, body) = rules_and_body(
            &format!(
                "endpoints:\n  - pathTemplate: \"/x/{{id}}\"\n    pathRegex: \"^/x/(?<id>[^/]+)$\"\n    \
                 pathParameterSchemas:\n      id: {{type: {kind}}}\n"
            ),
            r#"{"a":1}"#,
        );
        // The regex matches path and query: `id` is `1?q=2`, which is no integer.
        let (status, out, err) = run(&[
            "sanitize",
            "--rules",
            &rules,
            "--url",
            "https://x/x/1?q=2",
            &body,
        ]);
        assert_eq!(status, expected, "{kind}: {err}");
        if expected == Status::Ok {
            assert_eq!(out, r#"{"a":1}"#);
        } else {
            assert!(err.contains("path parameter `id`"), "{err}");
        }
    }
}

#[test]
fn a_query_schema_named_like_an_allowed_parameter_ignoring_case_beyond_ascii_applies() {
    let (status, out) = validate_bytes(
        "endpoints:\n  - pathTemplate: \"/u\"\n    allowedQueryParams: [\"é\"]\n    \
         queryParamSchemas:\n      \"É\":\n        required: true\n"
            .as_bytes(),
    );
    assert_eq!(status, Status::Ok, "{out}");
    assert!(out.ends_with("0 errors, 0 warnings\n"), "{out}");
}

#[test]
fn a_blank_path_template_beside_a_path_regex_is_read_as_the_matcher_reads_it() {
    let (status, out) = validate_bytes(
        b"endpoints:\n  - pathTemplate: \"\"\n    pathRegex: \"^/r/(?<id>[0-9]+)$\"\n    \
          pathParameterSchemas:\n      x:\n        type: integer\n",
    );
    assert_eq!(status, Status::Ok, "{out}");
    assert!(
        out.contains("warning[R046]: `pathRegex`, which is matched instead"),
        "{out}"
    );
    assert!(
        !out.contains("apply only to `pathTemplate` endpoints"),
        "{out}"
    );
}

#[test]
fn a_repetition_count_in_a_path_template_is_regex_syntax_not_a_parameter_name() {
    let (_dir, rules, body) = rules_and_body(
        r#"endpoints:
  - pathTemplate: "/x{2}"
  - pathTemplate: "/xx"
  - pathTemplate: "/y{1,}/{id}"
  - pathTemplate: "/z{org_id}"
"#,
        "{}",
    );
    let (status, out, _) = run(&["validate", &rules]);
    assert_eq!(status, Status::Invalid, "{out}");
    assert!(!out.contains(":2:22: warning[R032]"), "{out}");
    assert!(!out.contains(":4:22: warning[R032]"), "{out}");
    assert!(out.contains(":5:22: warning[R032]"), "{out}");
    // `/x{2}` takes `/xx`, as the proxy's regex `^/x{2}$` does.
    assert!(
        out.contains(
            ":3:19: warning[R044]: a request for `/xx` is taken by the earlier endpoint at line 2"
        ),
        "{out}"
    );
    let (_dir, rules, _) = rules_and_body("endpoints:\n  - pathTemplate: \"/x{2}\"\n", "{}");
    for (url, allowed) in [("https://h/xx", true), ("https://h/x", false)] {
        let (status, _, err) = run(&["sanitize", "--rules", &rules, "--url", url, &body]);
        assert_eq!(status == Status::Ok, allowed, "{url}: {err}");
    }
}

#[test]
fn additional_properties_in_a_response_schema_is_said_to_have_no_effect() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/a"
    responseSchema:
      type: object
      additionalProperties: true
      properties:
        user:
          type: object
          additionalProperties: false
          properties:
            id:
              type: string
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    let message = "warning[R039]: `additionalProperties` has no effect: members not listed in \
                   `properties` are dropped whatever it says";
    assert!(out.contains(&format!(":5:7: {message}")), "{out}");
    assert!(out.contains(&format!(":9:11: {message}")), "{out}");
    assert!(out.ends_with("0 errors, 2 warnings\n"), "{out}");
}

#[test]
fn an_unquoted_json_path_with_a_colon_and_space_is_said_to_need_quotes() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/a"
    transforms:
      - !<redact>
        jsonPaths:
          - $.a
          - $.b
          - $.value[?(@.subject == 'a: b')]
          - $.value[?(@.subject == "a: b")]
          - subject: b
"#,
    );
    assert_eq!(status, Status::Invalid, "{out}");
    let help = |quoted: &str| {
        format!(
            "\n  = help: quote the JSONPath, as in `{quoted}`: unquoted, YAML reads `: ` in it as a \
             mapping\n"
        )
    };
    assert!(
        out.contains(":8:13: error[R013]: `jsonPaths[2]` must be a string, not a mapping\n"),
        "{out}"
    );
    assert!(
        out.contains(&help(r#""$.value[?(@.subject == 'a: b')]""#)),
        "{out}"
    );
    assert!(
        out.contains(&help(r#"'$.value[?(@.subject == "a: b")]'"#)),
        "{out}"
    );
    // A mapping that is no JSONPath gets no such help.
    assert_eq!(out.matches("help:").count(), 2, "{out}");
    assert!(out.ends_with("3 errors, 0 warnings\n"), "{out}");
    // A path too long to be shown whole gets the advice without a cut example.
    let long = format!("$.value[?(@.subject == 'a: b')].{}", "x".repeat(100));
    let (_, out) = validate_bytes(
        format!(
            "endpoints:\n  - pathTemplate: \"/a\"\n    transforms:\n      - !<redact>\n        \
             jsonPaths:\n          - {long}\n"
        )
        .as_bytes(),
    );
    assert!(
        out.contains("= help: quote the JSONPath: unquoted, YAML reads `: ` in it as a mapping\n"),
        "{out}"
    );
}

#[test]
fn a_merge_key_is_not_merged_and_is_said_to_be_unsupported() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/a"
    transforms:
      - &email
        !<pseudonymize>
        jsonPaths: ["$..email"]
      - <<: *email
        method: redact
  - pathTemplate: "/b"
    "<<": 1
"#,
    );
    assert_eq!(status, Status::Invalid, "{out}");
    assert!(
        out.contains(
            ":7:9: error[R012]: unknown key `<<`\n  |\n7 |       - <<: *email\n  |         ^^\n  \
             |\n  = help: merge keys (`<<: *anchor`) are not supported by the proxy's reader, \
             which refuses `<<` as a key: write the keys out here\n"
        ),
        "{out}"
    );
    // Its keys are not read into the transform.
    assert!(
        out.contains(":8:17: warning[R049]: this transform has no `jsonPaths`"),
        "{out}"
    );
    // A quoted `<<` is a key like any other.
    assert!(
        out.contains(":10:5: error[R012]: unknown key `<<`\n"),
        "{out}"
    );
    assert_eq!(out.matches("merge keys").count(), 1, "{out}");
}

#[test]
fn a_secret_written_in_a_rules_file_is_not_shown_where_its_value_goes_on_or_is_anchored() {
    let (status, out) = validate_bytes(
        br#"defaults: &prod Pr0d-Salt-1
encryptionKey: |
  K3y-Line-One
  K3y-Line-Two: 1
salt: *prod
endpoints:
  - pathTemplate: "/a"
"#,
    );
    assert_eq!(status, Status::Invalid, "{out}");
    // The unknown keys are reported at their place, their lines shown with the values blanked.
    for (place, line) in [
        (":1:1: error[R012]", "1 | defaults: &prod***********"),
        (":2:1: error[R012]", "2 | encryptionKey: *"),
        (":5:1: error[R012]", "5 | salt: *****"),
    ] {
        assert!(out.contains(place), "{place}: {out}");
        assert!(out.contains(line), "{line}: {out}");
    }
    for secret in ["Pr0d", "K3y"] {
        assert!(!out.contains(secret), "{secret}: {out}");
    }
}

#[test]
fn a_value_two_paths_pseudonymize_is_a_warning_unless_redacted_between() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/api/users.list"
    transforms:
      - !<pseudonymize>
        jsonPaths: ["$..email", "$.members[*].profile.email"]
      - !<pseudonymize>
        jsonPaths: ["$.members[*].id", "$.members[*].profile.phone", "$..participants[*]"]
      - !<redact>
        jsonPaths: ["$.members[*].id"]
      - !<tokenize>
        jsonPaths: ["$.members[0].id", "$.members[?(@.x)].profile.phone", "$.members[1:].profile.phone"]
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    // In one transform, and across transforms; a redaction between them removes the value
    // (`id`), and paths with filters are not compared.
    assert!(
        out.contains(
            ":5:34: warning[R059]: this path can select a value that `$..email` (line 5) already \
             replaced with a pseudonym, such as one at `$.members[0].profile.email`: the \
             pseudonym is then pseudonymized again"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            ":11:76: warning[R059]: this path can select a value that `$.members[*].profile.phone` \
             (line 7) already replaced"
        ),
        "{out}"
    );
    assert!(out.ends_with("0 errors, 2 warnings\n"), "{out}");
}

#[test]
fn a_value_redacted_before_both_paths_is_not_pseudonymized_twice() {
    let rules = |first: &str| {
        format!(
            "endpoints:\n  - pathTemplate: \"/a\"\n    transforms:\n{first}      \
             - !<pseudonymize>\n        jsonPaths: [\"$.a\"]\n      - !<pseudonymize>\n        \
             jsonPaths: [\"$.a\"]\n"
        )
    };
    let redact = "      - !<redact>\n        jsonPaths: [\"$.a\"]\n";
    let (status, out) = validate_bytes(rules(redact).as_bytes());
    assert_eq!(status, Status::Ok, "{out}");
    assert!(!out.contains("R059"), "{out}");
    let (_, out) = validate_bytes(rules("").as_bytes());
    assert_eq!(out.matches("warning[R059]").count(), 1, "{out}");
}

#[test]
fn a_deep_wildcard_that_a_kind_fails_on_is_a_warning() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/a"
    transforms:
      - !<pseudonymizeEmailHeader>
        jsonPaths: ["$.headers..*", "$.to.*"]
      - !<redact>
        jsonPaths: ["$..*"]
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    assert!(
        out.contains(
            ":5:31: warning[P002]: `..*` selects every value below, objects and arrays included, \
             and `pseudonymizeEmailHeader` fails the response on an object, an array or a boolean"
        ),
        "{out}"
    );
    assert!(out.ends_with("0 errors, 1 warning\n"), "{out}");
}

#[test]
fn a_regex_escaping_a_backslash_before_a_class_letter_is_a_warning() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/a"
    transforms:
      - !<pseudonymizeRegexMatches>
        jsonPaths: ["$.text"]
        regex: '<@(U\\w+)>'
      - !<redactRegexMatches>
        jsonPaths: ["$.b"]
        redactions: ["x\\\\d+", "\\\\\\d", '[\w;]', "\\\\"]
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    // An odd run before the letter is a backslash and the class: meant, and left alone.
    assert!(
        out.contains(
            ":6:21: warning[R060]: this regex matches a backslash followed by `w`, not the class \
             `\\w`"
        ),
        "{out}"
    );
    assert!(out.contains("= help: in single quotes a backslash is written once: `\\w`"));
    assert!(out.contains(":9:24: warning[R060]"), "{out}");
    assert!(out.contains("= help: in double quotes a backslash is written twice: `\\\\d`"));
    assert!(out.ends_with("0 errors, 2 warnings\n"), "{out}");
}

#[test]
fn a_regex_with_backslashes_doubled_twice_before_a_class_letter_counts_them() {
    let (_, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/a"
    transforms:
      - !<redactRegexMatches>
        jsonPaths: ["$.b"]
        redactions: ['C:\\\\data', 'x\\\\\\\\w']
"#,
    );
    assert!(
        out.contains(
            ":6:25: warning[R060]: this regex matches two backslashes followed by `d`, not the \
             class `\\d`"
        ),
        "{out}"
    );
    // The whole run is marked.
    assert!(
        out.contains(
            r"6 |         redactions: ['C:\\\\data', 'x\\\\\\\\w']
  |                         ^^^^^"
        ),
        "{out}"
    );
    assert!(
        out.contains(":6:38: warning[R060]: this regex matches four backslashes followed by `w`"),
        "{out}"
    );
}

#[test]
fn a_doubled_backslash_inside_a_character_class_is_said_to_be_two_members() {
    let (_, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/a"
    transforms:
      - !<pseudonymizeRegexMatches>
        jsonPaths: ["$.a"]
        regex: '[\\w.]+@[\\w.]+'
      - !<pseudonymizeRegexMatches>
        jsonPaths: ["$.b"]
        regex: '[a\]]x\\b'
      - !<pseudonymizeRegexMatches>
        jsonPaths: ["$.c"]
        regex: '\Q[\E\\d'
      - !<pseudonymizeRegexMatches>
        jsonPaths: ["$.d"]
        regex: '[]a[b]\\s]'
"#,
    );
    assert!(
        out.contains(
            ":6:18: warning[R060]: in this character class, a backslash and `w` are separate \
             members, not the class `\\w`"
        ),
        "{out}"
    );
    assert!(out.contains("= help: in single quotes a backslash is written once: `\\w`"));
    // The class ends at its unescaped `]`: what follows is outside it.
    assert!(
        out.contains(
            ":9:23: warning[R060]: this regex matches a backslash followed by `b`, not the word \
             boundary `\\b`"
        ),
        "{out}"
    );
    // A `[` quoted by `\Q…\E` opens no class.
    assert!(
        out.contains(":12:22: warning[R060]: this regex matches a backslash followed by `d`"),
        "{out}"
    );
    // A `]` first in a class is a member, and classes nest.
    assert!(
        out.contains(":15:23: warning[R060]: in this character class, a backslash and `s`"),
        "{out}"
    );
    assert!(out.ends_with("0 errors, 4 warnings\n"), "{out}");
}

#[test]
fn a_folder_is_validated_as_its_yaml_files_except_hidden_ones_and_case_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let write = |name: &str, text: &str| {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(path, text).expect("write");
    };
    write("a.yaml", "endpoints:\n  - pathTemplate: /a\n");
    write("sub/b.yml", "endpoints:\n  - pathTemplat: /b\n");
    // Not rules files: hidden, a case file, JSON bodies.
    write(".git/c.yaml", "not: rules\n");
    write("cases.yaml", "rules: a.yaml\ncases: []\n");
    write("sub/body.json", "{}");
    let folder = root.display().to_string();
    let (status, out, _) = run(&["validate", &folder]);
    assert_eq!(status, Status::Invalid, "{out}");
    assert!(
        out.contains("sub/b.yml:2:5: error[R012]: unknown key `pathTemplat`"),
        "{out}"
    );
    assert!(
        out.ends_with("2 files checked: 2 errors, 0 warnings\n"),
        "{out}"
    );
    // A file named again, by the folder or another name, is checked once.
    let b = root.join("sub/./b.yml").display().to_string();
    let (_, again, _) = run(&["validate", &b, &folder, &b]);
    assert_eq!(again.matches("error[R012]").count(), 1, "{again}");
    assert!(
        again.ends_with("2 files checked: 2 errors, 0 warnings\n"),
        "{again}"
    );
    // A folder without any is a finding, beside the other files.
    let empty = root.join("sub/empty");
    std::fs::create_dir(&empty).expect("folder");
    let a = root.join("a.yaml").display().to_string();
    let (status, out, _) = run(&["validate", &empty.display().to_string(), &a]);
    assert_eq!(status, Status::Invalid, "{out}");
    assert!(
        out.contains(
            "empty: error[R001]: no rules file (`*.yaml`, `*.yml`) in this folder or below"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("1 file checked: 1 error, 0 warnings\n"),
        "{out}"
    );
    // A folder named twice, by any name, is searched once: its finding is not counted twice.
    let empty_again = root.join("sub/../sub/empty/").display().to_string();
    let (_, out, _) = run(&["validate", &empty.display().to_string(), &empty_again]);
    assert_eq!(out.matches("error[R001]").count(), 1, "{out}");
    assert!(
        out.ends_with("0 files checked: 1 error, 0 warnings\n"),
        "{out}"
    );
    // Findings come in the order the paths were named; a file that cannot be read is not
    // counted as checked, as a folder without rules files is not.
    let missing = root.join("missing.yaml").display().to_string();
    let (status, out, _) = run(&["validate", &missing, &empty.display().to_string(), &a]);
    assert_eq!(status, Status::Invalid, "{out}");
    let (first, second) = (
        out.find("missing.yaml: error[R001]"),
        out.find("empty: error[R001]"),
    );
    assert!(first.is_some() && first < second, "{out}");
    assert!(
        out.ends_with("1 file checked: 2 errors, 0 warnings\n"),
        "{out}"
    );
}

/// A rules file that a folder holds through a symbolic link is checked like the others: passed
/// over, its errors would leave CI green. A link that leads nowhere cannot be read.
#[cfg(unix)]
#[test]
fn a_folder_is_validated_with_the_files_its_links_lead_to() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("rules")).expect("folders");
    std::fs::create_dir_all(root.join("vendor/more")).expect("folders");
    std::fs::write(
        root.join("rules/a.yaml"),
        "endpoints:\n  - pathTemplate: /a\n",
    )
    .expect("w");
    std::fs::write(
        root.join("vendor/bad.yaml"),
        "endpoints:\n  - pathTemplat: /b\n",
    )
    .expect("w");
    std::fs::write(
        root.join("vendor/more/c.yaml"),
        "endpoints:\n  - pathTemplate: /c\n    methods: [GET]\n",
    )
    .expect("w");
    let link = |target: &str, at: &str| {
        std::os::unix::fs::symlink(target, root.join("rules").join(at)).expect("linked");
    };
    link("../vendor/bad.yaml", "b.yaml");
    link("../vendor/more", "more");
    link("gone.yaml", "gone.yaml");
    let folder = root.join("rules").display().to_string();
    let (status, out, _) = run(&["validate", &folder]);
    assert_eq!(status, Status::Invalid, "{out}");
    assert!(
        out.contains("b.yaml:2:5: error[R012]: unknown key `pathTemplat`"),
        "{out}"
    );
    assert!(
        out.contains("more/c.yaml:3:5: error[R012]: unknown key `methods`"),
        "{out}"
    );
    assert!(
        out.contains("gone.yaml: error[R001]: cannot read the file"),
        "{out}"
    );
    assert!(
        out.ends_with("3 files checked: 4 errors, 0 warnings\n"),
        "{out}"
    );
}

/// A folder below the one named that cannot be searched is the place of the finding, as a file
/// that cannot be read is: an annotation or a JSON reader gets the folder to fix.
#[cfg(unix)]
#[test]
fn a_folder_that_cannot_be_searched_is_named_where_it_is() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("rules/locked")).expect("folders");
    std::fs::write(
        root.join("rules/a.yaml"),
        "endpoints:\n  - pathTemplate: /a\n",
    )
    .expect("w");
    for (path, mode) in [("", 0o755), ("rules", 0o755), ("rules/a.yaml", 0o644)] {
        std::fs::set_permissions(root.join(path), std::fs::Permissions::from_mode(mode))
            .expect("chmod");
    }
    let locked = root.join("rules/locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let binary = env!("CARGO_BIN_EXE_psoxy-rules");
    // Permissions do not stop this user: run as another, as `setpriv` can.
    let mut command = if std::fs::read_dir(&locked).is_err() {
        std::process::Command::new(binary)
    } else if let Some(nobody) = common::as_nobody(binary) {
        nobody
    } else {
        eprintln!("skipped: permissions do not stop this user, and setpriv is missing");
        return;
    };
    let out = command
        .args(["validate", "--format", "json", "rules"])
        .current_dir(root)
        .output()
        .expect("the binary runs");
    // The temporary folder can then be removed whoever runs the test.
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(findings[0]["code"], "R001", "{text}");
    assert_eq!(findings[0]["location"]["file"], "rules/locked", "{text}");
    assert_eq!(
        findings[0]["message"], "cannot search the folder: Permission denied (os error 13)",
        "{text}"
    );
    assert_eq!(findings.as_array().map(Vec::len), Some(1), "{text}");
}

#[test]
fn a_path_regex_written_as_a_prefix_that_refuses_every_query_is_a_warning() {
    let (_dir, rules, body) = rules_and_body(
        r#"endpoints:
  - pathRegex: "^/api/conversations\\.replies"
  - pathRegex: "^/api/conversations\\.history$"
  - pathRegex: "^/api/conversations\\.members"
    allowedQueryParams: []
  - pathRegex: "^/api/users\\.list(?:[?]limit=[0-9]+)?"
"#,
        "{}",
    );
    let (status, out, _) = run(&["validate", &rules]);
    assert_eq!(status, Status::Ok, "{out}");
    assert!(
        out.contains(
            ":2:16: warning[R057]: this `pathRegex` is matched against the path with its query, \
             whole, not as a prefix: every request with a query is refused \
             (`/api/conversations.replies?x=1` does not match)"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "help: end the regex with `(?:[?].*)?$` to allow a query after the path, or add \
             `allowedQueryParams: []` if the endpoint takes none"
        ),
        "{out}"
    );
    // Ending in `$`, an empty `allowedQueryParams` or a `?` of its own: no query is meant, or
    // the regex handles it.
    assert!(out.ends_with("0 errors, 1 warning\n"), "{out}");
    // As sanitize refuses such a request.
    let url = "https://slack.com/api/conversations.replies?channel=C1";
    let (status, _, err) = run(&["sanitize", "--rules", &rules, "--url", url, &body]);
    assert_ne!(status, Status::Ok, "{err}");
    assert!(err.contains("S001"), "{err}");
}

#[test]
fn codes_lists_every_code_once_and_explains_those_asked_for() {
    let (status, out, _) = run(&["codes"]);
    assert_eq!(status, Status::Ok);
    let codes: Vec<&str> = out.lines().map(|l| &l[..4]).collect();
    let expected = rules::codes::Code::ALL.len()
        + psoxy_rules::sanitize::CODES.len()
        + psoxy_rules::harness::codes::Code::ALL.len();
    assert_eq!(codes.len(), expected, "{out}");
    let unique: std::collections::BTreeSet<&&str> = codes.iter().collect();
    assert_eq!(unique.len(), expected, "{out}");
    // Any case, in the order asked; the exit status each gives, by command; each named code
    // is explained whole.
    let doc = |code: &str| {
        let path = format!("{}/src/code_docs/{code}.md", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).expect("an explanation")
    };
    let (status, out, _) = run(&["codes", "h023", "R044", "S007", "H010"]);
    assert_eq!(status, Status::Ok);
    assert_eq!(
        out,
        format!(
            "H023  warning  exit 0, 1 with --strict     A JSONPath that selects nothing in any \
             case.\n\n{}\n\
             R044  warning  exit 0, 1 with --strict     An endpoint shadowed by an earlier one.\n\n\
             {}\n\
             S007  error    exit 2                      A transform failed on a value or its \
             path failed to evaluate, at a JSON Pointer into the response, or needs a secret \
             that is not set (PSOXY_SALT, ...).\n\n{}\n\
             H010  error    exit 1                      The output differs from the committed \
             sanitized file.\n\n{}",
            doc("H023"),
            doc("R044"),
            doc("S007"),
            doc("H010")
        )
    );
    assert!(doc("R044").contains("## Example") && doc("R044").contains("## Fix"));
    // An unknown code fails the command; the known ones are still explained.
    let (status, out, err) = run(&["codes", "R044", "R44"]);
    assert_eq!(status, Status::Invalid);
    assert_eq!(
        out,
        format!(
            "R044  warning  exit 0, 1 with --strict     An endpoint shadowed by an earlier \
             one.\n\n{}",
            doc("R044")
        )
    );
    assert_eq!(
        err,
        "psoxy-rules: no code `R44` (did you mean R044?); `psoxy-rules codes` lists them\n"
    );
    // The list of every code gives a line each.
    let (_, all, _) = run(&["codes"]);
    assert!(!all.contains("## Example"));
}

#[test]
fn a_condition_or_constant_without_type_is_a_warning() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/x"
    responseSchema:
      type: "object"
      properties:
        k:
          const: "x"
        o:
          if:
            properties:
              a:
                type: "string"
                const: "1"
          then:
            properties:
              a:
                type: "string"
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    assert!(
        out.contains(
            ":6:9: warning[R050]: `const` without `type` is ignored: any string, number or \
             boolean passes, and objects and arrays become null"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            ":8:9: warning[R050]: `if` without `type` is ignored: the filter turns objects and \
             arrays into null"
        ),
        "{out}"
    );
    // The condition's own schema needs no type: the filter reads it as a condition.
    assert!(out.ends_with("0 errors, 2 warnings\n"), "{out}");
}

#[test]
fn an_if_the_filter_fails_on_is_a_warning_at_the_if() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/x"
    responseSchema:
      type: object
      properties:
        noThen:
          type: object
          if:
            properties:
              role: {type: string, const: admin}
        emptyIf: {type: object, if: {}, then: {properties: {a: {type: string}}}}
        emptyElse:
          type: object
          _if:
            properties:
              role: {type: string, const: admin}
          else: {properties: {}}
          then:
            properties:
              a: {type: string}
        untyped:
          if: {}
        referred:
          $ref: '#/definitions/d'
          if: {}
        ok:
          type: object
          if:
            properties:
              role: {type: string, const: admin}
          then:
            if: {}
            properties:
              a: {type: string}
definitions:
  d: {type: string}
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    assert!(
        out.contains(
            ":8:11: warning[R062]: this `if` has no `then`, so the filter fails the response \
             whenever a value reaching this schema meets the `if` condition"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            ":11:33: warning[R062]: `if` has no `properties` to test, so the filter fails the \
             response whenever a value reaches this schema"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            ":17:11: warning[R062]: `else` has no `properties` to test, so the filter fails the \
             response whenever a value reaching this schema does not meet the `if` condition"
        ),
        "{out}"
    );
    // Without `type` the `if` is ignored (R050); beside `$ref` (R039), and in a `then`, it is
    // not read.
    assert_eq!(out.matches("[R062]").count(), 3, "{out}");
    assert!(out.contains(":21:9: warning[R050]"), "{out}");
    assert!(
        out.contains(":24:17: warning[R039]: `if` beside `$ref` is ignored"),
        "{out}"
    );
    assert!(out.ends_with("0 errors, 5 warnings\n"), "{out}");
}

#[test]
fn an_array_schema_without_items_is_a_warning() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/x"
    responseSchema:
      type: "object"
      properties:
        rows:
          type: "array"
        tags:
          type: "array"
          items:
            type: "string"
        any:
          anyOf:
            - type: "array"
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    assert!(
        out.contains(
            ":7:17: warning[R050]: `type: array` without `items` removes every element that is \
             an object, an array or null; only strings, numbers and booleans stay"
        ),
        "{out}"
    );
    // The list with `items` is fine; the array of the `anyOf` branch has none either.
    assert!(out.contains(":14:21: warning[R050]"), "{out}");
    assert!(out.ends_with("0 errors, 2 warnings\n"), "{out}");
}

#[test]
fn a_query_schema_for_a_parameter_that_is_not_allowed_is_a_warning() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/rest/api/3/search"
    allowedQueryParams: ["jql", "maxResults"]
    queryParamSchemas:
      maxresults:
        type: integer
      maxResult:
        type: integer
      expand:
        enum: ["names"]
        required: true
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    assert!(
        out.contains(
            ":7:7: warning[R046]: `maxResult` is not in `allowedQueryParams`, so no request can \
             give it and this schema never applies"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            ":9:7: warning[R046]: `expand` is not in `allowedQueryParams`, so no request can give \
             it and, as it is required, this endpoint never matches"
        ),
        "{out}"
    );
    // A name a typo away from an allowed one is offered; another is told to be added.
    assert!(
        out.contains(
            "= help: did you mean `maxResults`, which `allowedQueryParams` lists? Otherwise add \
             `maxResult` to it, or remove this schema\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("= help: add `expand` to `allowedQueryParams`, or remove this schema\n"),
        "{out}"
    );
    assert!(out.ends_with("0 errors, 2 warnings\n"), "{out}");
}

#[test]
fn a_parameter_format_is_known_in_any_case_with_underscore_for_hyphen_and_not_without_it() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/users/{userId}"
    pathParameterSchemas:
      userId:
        format: Reversible_PSEUDONYM
    queryParamSchemas:
      a:
        format: ReversiblePseudonym
      b:
        format: PSEUDONYM
"#,
    );
    assert_eq!(status, Status::Invalid, "{out}");
    assert!(
        out.contains(":8:17: error[R047]: unknown parameter format `ReversiblePseudonym`"),
        "{out}"
    );
    assert_eq!(out.matches("[R047]").count(), 1, "{out}");
}

#[test]
fn a_path_parameter_schema_named_like_a_template_parameter_suggests_it() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/users/{userId}/events/{eventId}"
    pathParameterSchemas:
      userid:
        type: string
      eventIdd:
        type: string
      calendar:
        type: string
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    assert!(
        out.contains(
            ":4:7: warning[R046]: `pathTemplate` has no parameter `{userid}`, so this endpoint \
             never matches\n"
        ),
        "{out}"
    );
    assert_eq!(
        helps(&out),
        [
            "did you mean `userId`? parameter names are case-sensitive",
            "did you mean `eventId`?",
            "name a template parameter, or remove this schema",
        ],
        "{out}"
    );
}

#[test]
fn a_transform_without_a_kind_in_json_rules_is_told_to_add_a_method_member() {
    let (status, out) = validate_bytes(
        br#"
{
  "endpoints": [
    {
      "pathTemplate": "/a",
      "augments": [{"jsonPaths": ["$.a"]}],
      "transforms": [{"jsonPaths": ["$.a"]}]
    }
  ]
}
"#,
    );
    assert_eq!(status, Status::Invalid, "{out}");
    assert!(
        out.contains(":6:20: error[R016]: this augment has no kind\n"),
        "{out}"
    );
    assert!(
        out.contains(":7:22: error[R016]: this transform has no kind\n"),
        "{out}"
    );
    assert_eq!(
        helps(&out),
        [
            r#"add its kind as a member, e.g. `"method": "textDigest"`"#,
            r#"add its kind as a member, e.g. `"method": "redact"`"#,
        ],
        "{out}"
    );
}

#[test]
fn allowed_methods_that_no_request_has_are_warnings() {
    let (_dir, rules, body) = rules_and_body(
        r#"endpoints:
  - pathTemplate: "/a"
    allowedMethods: ["get ", "GE T", "", "GET,POST", "post"]
  - pathTemplate: "/b"
    allowedMethods: []
"#,
        "{}",
    );
    let (status, out, _) = run(&["validate", &rules]);
    assert_eq!(status, Status::Ok, "{out}");
    for (place, message) in [
        (
            ":3:22:",
            "`get ` never matches a request, as no method has a space in it",
        ),
        (
            ":3:30:",
            "`GE T` never matches a request, as no method has a space in it",
        ),
        (":3:38:", "an empty method never matches a request"),
        (
            ":3:42:",
            "`GET,POST` never matches a request, as no method has `,` in it",
        ),
        (
            ":5:21:",
            "`allowedMethods` is empty, so this endpoint allows no request at all",
        ),
    ] {
        assert!(
            out.contains(&format!("{place} warning[R061]: {message}\n")),
            "{place} {out}"
        );
    }
    assert_eq!(
        helps(&out),
        [
            "write `GET`",
            "write `GET`",
            "remove it",
            "write each method as an item of its own, e.g. `[GET, POST]`",
            "list the methods it allows, e.g. `[GET]`, or remove the key to allow any method",
        ],
        "{out}"
    );
    assert!(out.ends_with("0 errors, 5 warnings\n"), "{out}");
    // As the proxy compares methods: `get ` is not GET, and `post` is POST.
    for (method, allowed) in [("GET", false), ("POST", true)] {
        let args = [
            "sanitize", "--rules", &rules, "--url", "/a", "--method", method,
        ];
        let (status, _, err) = run(&[&args[..], &[body.as_str()]].concat());
        assert_eq!(status == Status::Ok, allowed, "{method}: {err}");
    }
}

#[test]
fn unreadable_file_is_a_finding() {
    let (status, out, _) = run(&["validate", "tests/fixtures/does-not-exist.yaml"]);
    assert_eq!(status, Status::Invalid);
    assert!(
        out.starts_with("tests/fixtures/does-not-exist.yaml: error[R001]"),
        "{out}"
    );
}

#[test]
fn findings_of_several_files_are_all_printed() {
    let (status, out, _) = run(&[
        "validate",
        &invalid("unknown-kind.yaml"),
        &invalid("allow-all.yaml"),
    ]);
    assert_eq!(status, Status::Invalid);
    assert!(out.contains("error[R015]"), "{out}");
    assert!(out.contains("warning[R048]"), "{out}");
    assert!(
        out.ends_with("2 files checked: 1 error, 1 warning\n"),
        "{out}"
    );
}

#[test]
fn json_format_lists_findings() {
    let (status, out, _) = run(&["validate", "--format", "json", &invalid("many-errors.yaml")]);
    assert_eq!(status, Status::Invalid);
    insta::assert_snapshot!("validate_json", out);
}

#[test]
fn github_format_prints_annotations() {
    let (status, out, _) = run(&[
        "validate",
        "--format",
        "github",
        &invalid("many-errors.yaml"),
    ]);
    assert_eq!(status, Status::Invalid);
    insta::assert_snapshot!("validate_github", out);
}

#[test]
fn valid_file_exits_zero_with_warnings() {
    let (status, out, _) = run(&["validate", "tests/fixtures/valid/every-key.yaml"]);
    assert_eq!(status, Status::Ok);
    assert!(out.contains("warning[R039]"), "{out}");
    assert!(!out.contains("error["), "{out}");
}

#[test]
fn committed_schema_is_current() {
    let committed = std::fs::read_to_string(package_root().join("schema/rules.schema.json"))
        .unwrap_or_default();
    assert!(
        committed == rules::schema::json_schema_text(),
        "schema/rules.schema.json is stale; refresh it with \
         `cargo run -- schema > schema/rules.schema.json`"
    );
}

#[test]
fn schema_command_prints_the_schema() {
    let (status, out, _) = run(&["schema"]);
    assert_eq!(status, Status::Ok);
    assert_eq!(out, rules::schema::json_schema_text());
    // Its descriptions speak to people writing rules: no section references (`§`), cut out
    // without leaving a space before the full stop.
    assert!(!out.contains('§'), "{out}");
    assert!(
        out.contains("\"Validation of a path parameter value.\""),
        "{out}"
    );
}

#[test]
fn compile_summarizes_every_endpoint() {
    let (status, out, err) = run(&["compile", "tests/fixtures/valid/every-key.yaml"]);
    assert_eq!(status, Status::Ok, "{err}");
    insta::assert_snapshot!("compile_every_key", out);
}

#[test]
fn compile_quotes_string_options_so_that_lists_and_spaces_are_unambiguous() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("rules.yaml");
    std::fs::write(
        &path,
        r#"endpoints:
  - pathTemplate: "/x"
    transforms:
      - !<filterTokenByRegex>
        delimiter: ", "
        filters: ["https://x y", "a,b", "say \"hi\"\\."]
        jsonPaths: ["$.a"]
"#,
    )
    .expect("write");
    let (status, out, err) = run(&["compile", &path.display().to_string()]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(
        out.contains(
            r#"transform 1 filterTokenByRegex  delimiter=", " filters=["https://x y", "a,b", "say \"hi\"\\."]"#
        ),
        "{out}"
    );
}

#[test]
fn compile_explain_prints_each_endpoint_plan() {
    let (status, out, err) = run(&["compile", "--explain", "example-rules/zoom/zoom.yaml"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert_eq!(out.matches("\nplan of endpoint ").count(), 11);
    insta::assert_snapshot!("compile_explain_zoom", out);
}

#[test]
fn compile_explain_numbers_and_names_transforms_as_the_summary_does() {
    let (status, out, err) = run(&[
        "compile",
        "--explain",
        "tests/fixtures/valid/every-key.yaml",
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    let (summary, plans) = out
        .split_once("\nplan of endpoint 1\n")
        .expect("the plans follow the summary");
    // Endpoint 1 has a transform of every kind.
    let endpoint = summary.split("\nendpoint 2 ").next().unwrap_or_default();
    let listed: Vec<String> = endpoint
        .lines()
        .filter_map(|l| l.strip_prefix("  transform "))
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            format!("t{} {}", words[0], words[1])
        })
        .collect();
    let plan = plans
        .split("\nplan of endpoint 2\n")
        .next()
        .unwrap_or_default();
    let planned: Vec<&str> = plan
        .lines()
        .filter(|l| l.starts_with('t'))
        .map(|l| l.split(" (").next().unwrap_or_default())
        .collect();
    assert_eq!(listed.len(), 12, "{summary}");
    assert_eq!(planned, listed, "{plan}");
}

#[test]
fn compile_refuses_invalid_rules_with_their_findings() {
    let (status, out, err) = run(&["compile", &invalid("unknown-kind.yaml")]);
    assert_eq!(status, Status::Invalid);
    assert!(out.is_empty());
    assert!(err.contains("error[R015]"), "{err}");
}

#[test]
fn findings_are_coloured_when_asked_and_not_when_piped() {
    let file = "tests/fixtures/valid/every-key.yaml";
    let (_, plain, _) = run(&["validate", file]);
    let (_, never, _) = run(&["validate", "--color", "never", file]);
    let (_, always, _) = run(&["validate", "--color", "always", file]);
    // Not a terminal: no escape, as with `never`.
    assert!(!plain.contains('\x1b'), "{plain}");
    assert_eq!(plain, never);
    // Warnings in bold yellow, with the same text once the escapes are removed.
    assert!(
        always.contains("\x1b[1;33mwarning[R039]\x1b[0m"),
        "{always}"
    );
    let stripped = strip_escapes(&always);
    assert_eq!(stripped, plain);
    // compile colours its findings on standard error.
    let (_, _, err) = run(&[
        "compile",
        "--color",
        "always",
        &invalid("unknown-kind.yaml"),
    ]);
    assert!(err.contains("\x1b[1;31merror[R015]\x1b[0m"), "{err}");
}

/// `text` without its ANSI escape sequences (`ESC [ ... letter`).
fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn compile_json_prints_one_object_with_the_summary_and_nothing_else() {
    let file = "tests/fixtures/valid/every-key.yaml";
    let (status, out, err) = run(&["compile", "--format", "json", file]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(err.is_empty(), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("one JSON object");
    assert_eq!(doc["file"], file);
    // The findings are those validate reports.
    let (_, validated, _) = run(&["validate", "--format", "json", file]);
    let validated: serde_json::Value = serde_json::from_str(&validated).expect("JSON");
    assert_eq!(doc["findings"], validated);
    assert!(!validated.as_array().expect("findings").is_empty());
    insta::assert_snapshot!("compile_json_every_key", out);
    // The same endpoints, lines and transforms as the human summary.
    let (_, human, _) = run(&["compile", file]);
    let endpoints = doc["rules"]["endpoints"].as_array().expect("endpoints");
    let headers: Vec<String> = human
        .lines()
        .filter(|l| l.starts_with("endpoint "))
        .map(str::to_owned)
        .collect();
    let from_json: Vec<String> = endpoints
        .iter()
        .map(|e| format!("endpoint {} (line {})", e["number"], e["line"]))
        .collect();
    assert_eq!(from_json, headers);
    let kinds = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.strip_prefix("  transform "))
            .map(|l| l.split_whitespace().nth(1).unwrap_or_default().to_owned())
            .collect()
    };
    let json_kinds: Vec<String> = endpoints
        .iter()
        .flat_map(|e| e["transforms"].as_array().cloned().unwrap_or_default())
        .map(|t| t["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(json_kinds, kinds(&human));
    assert!(endpoints.iter().all(|e| e.get("plan").is_none()));
}

#[test]
fn compile_json_gives_options_their_json_types() {
    let (_dir, rules, _) = rules_and_body(
        r#"endpoints:
  - pathTemplate: "/x"
    allowedMethods: ["GET"]
    transforms:
      - !<pseudonymize>
        includeReversible: true
        jsonPaths: ["$.a"]
      - !<tokenize>
        jsonPaths: ["$.b"]
      - !<filterTokenByRegex>
        delimiter: ", "
        filters: ["a,b"]
        jsonPaths: ["$.c"]
      - !<textDigest>
        jsonPaths: ["$.d"]
"#,
        "{}",
    );
    let (status, out, err) = run(&["compile", "--format", "json", &rules]);
    assert_eq!(status, Status::Ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let endpoint = &doc["rules"]["endpoints"][0];
    assert_eq!(endpoint["match"], serde_json::json!({"template": "/x"}));
    assert_eq!(endpoint["methods"], serde_json::json!(["GET"]));
    // Absent allow-lists allow anything: null, unlike an empty list.
    assert_eq!(endpoint["queryParams"], serde_json::Value::Null);
    let options: Vec<&serde_json::Value> = endpoint["transforms"]
        .as_array()
        .expect("transforms")
        .iter()
        .map(|t| &t["options"])
        .collect();
    assert_eq!(
        options,
        [
            &serde_json::json!({"encoding": "URL_SAFE_TOKEN", "includeReversible": true, "includeOriginal": false}),
            &serde_json::json!({"regex": null}),
            &serde_json::json!({"delimiter": ", ", "filters": ["a,b"]}),
            &serde_json::json!({"keywords": [], "isJsonEscaped": false, "jsonPathToProcessWhenEscaped": null}),
        ]
    );
}

#[test]
fn compile_shows_every_option_of_an_augment_and_a_transform_even_when_empty() {
    let (_dir, rules, _) = rules_and_body(
        r#"endpoints:
  - pathTemplate: "/x"
    augments:
      - !<textDigest>
        jsonPaths: ["$.d"]
    transforms:
      - !<textDigest>
        jsonPaths: ["$.d"]
"#,
        "{}",
    );
    let (status, out, err) = run(&["compile", &rules]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(
        out.contains("  augment    textDigest  keywords=[]\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "  transform 1 textDigest  keywords=[] isJsonEscaped=false \
             jsonPathToProcessWhenEscaped=(none)\n"
        ),
        "{out}"
    );
}

#[test]
fn compile_json_explain_adds_each_endpoint_plan_with_its_nodes_and_edges() {
    let (status, out, err) = run(&[
        "compile",
        "--format",
        "json",
        "--explain",
        "example-rules/zoom/zoom.yaml",
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let endpoints = doc["rules"]["endpoints"].as_array().expect("endpoints");
    assert_eq!(endpoints.len(), 11);
    let (_, human, _) = run(&["compile", "--explain", "example-rules/zoom/zoom.yaml"]);
    let human_plans: Vec<&str> = human.split("\nplan of endpoint ").skip(1).collect();
    assert_eq!(human_plans.len(), endpoints.len(), "{human}");
    for (endpoint, text) in endpoints.iter().zip(&human_plans) {
        let plan = &endpoint["plan"];
        let passes = plan["passes"].as_array().expect("passes");
        assert!(text.contains(&format!("{} rule", plan["rules"])), "{text}");
        assert!(text.contains(&format!(" {} pass", passes.len())), "{text}");
        for pass in passes {
            let nodes = pass["nodes"].as_array().expect("walk passes have nodes");
            let names: Vec<&str> = nodes
                .iter()
                .map(|n| n["node"].as_str().unwrap_or_default())
                .collect();
            for node in nodes {
                assert!(text.contains(&format!(
                    "  {} {}\n",
                    node["node"].as_str().unwrap_or_default(),
                    node["path"].as_str().unwrap_or_default()
                )));
                for edge in node["edges"].as_array().expect("edges") {
                    if let Some(to) = edge["to"].as_str() {
                        assert!(names.contains(&to), "{edge}");
                    } else {
                        assert!(
                            !edge["members"].as_array().expect("members").is_empty(),
                            "{edge}"
                        );
                    }
                }
            }
        }
    }
    // The meeting endpoint: five paths of pseudonymize, one of pseudonymizeRegexMatches.
    let meeting = &endpoints[2]["plan"]["passes"][0];
    assert_eq!(
        meeting["rules"],
        serde_json::json!(["t1.p1", "t1.p2", "t1.p3", "t1.p4", "t1.p5", "t2.p1"])
    );
    let email = meeting["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["path"] == "$..email")
        .expect("a node for $..email");
    assert_eq!(
        email["actions"],
        serde_json::json!([{"rule": "t1.p3", "kind": "pseudonymize", "action": "map"}])
    );
}

#[test]
fn compile_json_of_invalid_rules_has_the_findings_and_no_rules() {
    let (status, out, err) = run(&["compile", "--format", "json", &invalid("unknown-kind.yaml")]);
    assert_eq!(status, Status::Invalid);
    assert!(err.is_empty(), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(doc["rules"], serde_json::Value::Null);
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default())
        .collect();
    assert!(codes.contains(&"R015"), "{out}");
}

#[test]
fn loaded_rules_serialize_to_json_that_loads_to_the_same_rules() {
    let (yaml_rules, _) =
        rules::load(Path::new("tests/fixtures/valid/every-key.yaml")).expect("valid");
    let json = serde_json::to_string_pretty(&yaml_rules).expect("serializes");
    let schema = rules::schema::json_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(validator.is_valid(&value), "{json}");
    let (json_rules, _) = rules::load_str("every-key.json", &json).expect("json form loads");
    assert_eq!(
        json_rules,
        yaml_rules_without_source(&yaml_rules, &json_rules)
    );
}

/// `yaml` with the source of `json`, so the comparison looks at the rules alone.
fn yaml_rules_without_source(yaml: &rules::Rules, json: &rules::Rules) -> rules::Rules {
    rules::Rules {
        source: json.source.clone(),
        ..yaml.clone()
    }
}

/// How an editor sees a YAML rules file: tags dropped, so transforms have no `method`.
fn editor_view(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("readable");
    serde_saphyr::from_str(&text).expect("YAML reads")
}

#[test]
fn published_schema_accepts_tagged_yaml_as_an_editor_sees_it() {
    let schema = rules::schema::json_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let mut files = compat_rules();
    files.push(package_root().join("tests/fixtures/valid/every-key.yaml"));
    for file in files {
        let view = editor_view(&file);
        let errors: Vec<String> = validator
            .iter_errors(&view)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
}

#[test]
fn published_schema_takes_scalars_as_the_loader_reads_them() {
    let schema = rules::schema::json_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let text = "endpoints:\n  - pathTemplate: /v2/users\n    queryParamSchemas:\n      page_size:\n        enum: [10, 30, 100]\n    responseSchema:\n      type: object\n      properties:\n        users:\n          type: array\n          items:\n            type: object\n            if:\n              type: object\n              properties:\n                type: {type: integer, const: 4}\n            then:\n              type: object\n              properties:\n                id: {type: string}\n    transforms:\n      - method: pseudonymize\n        jsonPaths: ['$.users[*].email']\n        includeReversible: \"true\"\n        includeOriginal: off\n";
    let view: serde_json::Value = serde_saphyr::from_str(text).expect("YAML reads");
    let errors: Vec<String> = validator
        .iter_errors(&view)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // `validate` reads them the same way.
    let (status, out) = validate_bytes(text.as_bytes());
    assert_eq!(status, Status::Ok, "{out}");
    // What the loader does not read stays refused.
    let rules = |transform: serde_json::Value| serde_json::json!({"endpoints": [{"pathTemplate": "/x", "transforms": [transform]}]});
    for wrong in [
        serde_json::json!({"method": "pseudonymize", "includeReversible": "maybe"}),
        serde_json::json!({"method": "pseudonymize", "includeReversible": 1}),
        serde_json::json!({"method": "pseudonymize", "jsonPaths": [["$.a"]]}),
        serde_json::json!({"method": "pseudonymize", "jsonPaths": "$.a"}),
    ] {
        assert!(!validator.is_valid(&rules(wrong.clone())), "{wrong}");
    }
}

#[test]
fn request_bodies_have_the_keys_the_proxy_reads() {
    let schema = rules::schema::json_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let rules = |body: serde_json::Value| serde_json::json!({"endpoints": [{"pathTemplate": "/x", "requestBody": body}]});
    let good = serde_json::json!({"required": true, "content": {"application/json": {
        "type": "object", "required": ["a"], "additionalProperties": false,
        "properties": {"a": {"type": "string", "pattern": "^x", "enumValues": ["x1"]},
                       "b": {"type": "array", "items": {"type": "integer", "format": "int32"}}}}}});
    assert!(validator.is_valid(&rules(good.clone())));
    let (status, out) = validate_bytes(rules(good).to_string().as_bytes());
    assert_eq!(status, Status::Ok, "{out}");
    let text = "endpoints:\n  - pathTemplate: /x\n    requestBody:\n      required: \"yes\"\n      contents:\n        application/json:\n          type: object\n          properties:\n            b: {type: array, items: {type: integer, minimum: 3}}\n";
    let (status, out) = validate_bytes(text.as_bytes());
    assert_eq!(status, Status::Invalid, "{out}");
    for expected in [
        "4:17: error[R013]: `required` must be a boolean, not a string",
        "5:7: error[R012]: unknown key `contents`",
        "did you mean `content`?",
    ] {
        assert!(out.contains(expected), "{expected}: {out}");
    }
    let text = text
        .replace("contents", "content")
        .replace("\"yes\"", "true");
    let (status, out) = validate_bytes(text.as_bytes());
    assert_eq!(status, Status::Invalid, "{out}");
    assert!(
        out.contains("9:53: error[R012]: unknown key `minimum`"),
        "{out}"
    );
}

#[test]
fn published_schema_wants_a_path_template_or_regex_in_each_endpoint() {
    let schema = rules::schema::json_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let rules = |endpoint: serde_json::Value| serde_json::json!({"endpoints": [endpoint]});
    assert!(!validator.is_valid(&rules(serde_json::json!({}))));
    assert!(!validator.is_valid(&rules(serde_json::json!({"allowedMethods": ["GET"]}))));
    assert!(!validator.is_valid(&rules(serde_json::json!({"pathTemplate": null}))));
    assert!(!validator.is_valid(&rules(serde_json::json!({"pathTemplate": " "}))));
    assert!(validator.is_valid(&rules(serde_json::json!({"pathTemplate": "/x"}))));
    assert!(validator.is_valid(&rules(serde_json::json!({"pathRegex": "^/x$"}))));
    // `validate` says it as R030, once, at the endpoint.
    let (status, out) = validate_bytes(b"endpoints:\n  - allowedMethods: [GET]\n");
    assert_eq!(status, Status::Invalid, "{out}");
    assert_eq!(out.matches("error[").count(), 1, "{out}");
    assert!(out.contains("error[R030]"), "{out}");
}

#[test]
fn published_schema_flags_an_unknown_key_in_a_tagged_item() {
    let schema = rules::schema::json_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let view = editor_view(Path::new(&invalid("unknown-transform-option.yaml")));
    assert!(!validator.is_valid(&view));
}

#[cfg(target_os = "linux")]
#[test]
fn findings_that_cannot_be_printed_still_exit_2() {
    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full opens");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
        .args(["compile", &invalid("unknown-kind.yaml")])
        .current_dir(package_root())
        .stderr(full)
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_an_error_of_every_command() {
    let rules = "example-rules/zoom/zoom.yaml";
    let body = "api-response-examples/zoom/list-users.json";
    let url = "https://api.zoom.us/v2/users";
    let commands: [&[&str]; 8] = [
        &["schema"],
        &["validate", rules],
        &["compile", rules],
        &["test"],
        &["sanitize", "--rules", rules, "--url", url, body],
        &["--help"],
        &["--version"],
        &["sanitize", "--help"],
    ];
    for args in commands {
        let full = std::fs::File::options()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full opens");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
            .args(args)
            .current_dir(package_root())
            .env_clear()
            .envs([("PSOXY_SALT", "salt"), ("PSOXY_ENCRYPTION_KEY", "secret")])
            .stdout(full)
            .output()
            .expect("the binary runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        // sanitize reports it as it reports a file it cannot write (S010).
        let lead = if args[0] == "sanitize" && args.len() > 2 {
            "error[S010]: "
        } else {
            "psoxy-rules: "
        };
        assert!(
            err.starts_with(lead)
                && err.contains("cannot write standard output: No space left on device"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_text_digest_keyword_that_never_counts_is_a_warning_at_the_keyword() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/v1.0/me/events"
    augments:
      - !<textDigest>
        jsonPaths: ["$..body.content"]
        keywords: ["budget", " ", "focus time"]
    transforms:
      - !<textDigest>
        jsonPaths: ["$..subject"]
        keywords: ["Budget", "1:1", "under_score", "Q3"]
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    let found = finding_lines(&out);
    assert_eq!(
        found,
        [
            "6:30: warning[R039]: a blank keyword never counts",
            "6:35: warning[R039]: the keyword `focus time` never counts: the text is \
             split into words of ASCII letters, digits and `_`, and no word holds a space",
            "10:30: warning[R039]: the keyword `1:1` never counts: the text is split \
             into words of ASCII letters, digits and `_`, and no word holds `:`",
        ],
        "{out}"
    );
}

#[test]
fn a_template_parameter_in_a_path_regex_and_a_url_as_template_say_how_to_write_them() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathRegex: "^/v1.0/users/{userId}/events$"
  - pathTemplate: "https://graph.microsoft.com/v1.0/groups/{groupId}/members"
"#,
    );
    assert_eq!(status, Status::Invalid, "{out}");
    assert!(
        out.contains(
            "= help: `{userId}` is a `pathTemplate` parameter; in a regex, `[^/]+` matches one \
             path segment (`(?<userId>[^/]+)` names it), or write the endpoint with `pathTemplate`"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "= help: a template is the request's path alone, without scheme and host: write \
             `/v1.0/groups/{groupId}/members`"
        ),
        "{out}"
    );
}

#[test]
fn regex_syntax_or_another_routers_parameter_in_a_template_is_a_warning_at_it() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/v1.0/users/[^/]+/calendarView"
  - pathTemplate: "/v1.0/groups/:group_id/members"
  - pathTemplate: "^/v1.0/me$"
  - pathTemplate: "/api/conversations.history"
  - pathTemplate: "/gmail/v1/users/{userId}/messages:batchGet"
  - pathTemplate: "/v1/calls(from={start},to={end})"
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    let found = finding_lines(&out);
    assert_eq!(
        found,
        [
            "2:32: warning[R063]: `[^/]` is not template syntax: a `pathTemplate` matches it as \
             literal text, so this endpoint matches no real path",
            "3:33: warning[R063]: `:group_id` is not template syntax: a `pathTemplate` matches \
             it as literal text, so this endpoint matches no real path",
            "4:20: warning[R063]: `^` is not template syntax: a `pathTemplate` matches it as \
             literal text, so this endpoint matches no real path",
        ],
        "{out}"
    );
    assert!(
        out.contains("= help: a template's parameter is written `{groupId}`"),
        "{out}"
    );
}

#[test]
fn regex_syntax_a_template_keeps_is_a_warning_saying_what_it_matches() {
    let (status, out) = validate_bytes(
        br#"endpoints:
  - pathTemplate: "/v2/users/\\d+"
  - pathTemplate: "/v2/groups/(members|owners)"
  - pathTemplate: "/v2/a|b"
  - pathTemplate: "/v2/reports"
  - pathTemplate: "/v2/pipe\\|x"
  - pathTemplate: "/v2/slash\\\\d"
"#,
    );
    assert_eq!(status, Status::Ok, "{out}");
    assert_eq!(
        finding_lines(&out),
        [
            "2:30: warning[R063]: `\\d` stays regex syntax in a `pathTemplate`, while the \
             characters around it (`+`, `*`, `?`, `.`, brackets) are literal text, so this \
             endpoint does not match the paths it was written for",
            "3:39: warning[R063]: `|` stays regex syntax in a `pathTemplate`, where the rest is \
             literal text: this endpoint matches the whole path `/v2/groups/(members` or \
             `owners)` and no other",
            "4:25: warning[R063]: `|` stays regex syntax in a `pathTemplate`, where the rest is \
             literal text: this endpoint matches the whole path `/v2/a` or `b` and no other",
        ],
        "{out}"
    );
    // What the warnings say is what the requests meet.
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = dir.path().join("rules.yaml");
    std::fs::write(
        &rules,
        "endpoints:\n  - pathTemplate: \"/v2/groups/(members|owners)\"\n  \
         - pathTemplate: \"/v2/reports\"\n",
    )
    .expect("rules");
    let body = dir.path().join("body.json");
    std::fs::write(&body, "{}").expect("body");
    let sanitize = |url: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
            .args(["sanitize", "--rules"])
            .arg(&rules)
            .args(["--url", url])
            .arg(&body)
            .env("PSOXY_SALT", "salt")
            .output()
            .expect("runs")
    };
    assert!(
        sanitize("https://x.test/v2/groups/(members")
            .status
            .success()
    );
    let refused = sanitize("https://x.test/v2/groups/members");
    assert_eq!(refused.status.code(), Some(2));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("closest is the endpoint at") && message.contains(":2:5 "),
        "{message}"
    );
}

/// The lines of `validate` output that start a finding, from its `line:col` on.
fn finding_lines(out: &str) -> Vec<&str> {
    out.lines()
        .filter_map(|l| l.split_once("rules.yaml:").map(|(_, rest)| rest))
        .collect()
}

/// Runs the binary with `args`, `stdin` written to its standard input; returns the exit code
/// and standard output.
fn run_with_stdin(args: &[&str], stdin: &str) -> (Option<i32>, String) {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(stdin.as_bytes())
        .expect("written");
    let out = child.wait_with_output().expect("ends");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_dash_reads_the_rules_from_standard_input_once() {
    let rules = "endpoints:\n  - pathTemplate: /x\n    methods: [GET]\n";
    let (code, out) = run_with_stdin(&["validate", "--color", "never", "-", "-"], rules);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.starts_with(
            "-:3:5: error[R012]: unknown key `methods`\n  |\n3 |     methods: [GET]\n  |     ^^^^^^^\n"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("1 file checked: 1 error, 0 warnings\n"),
        "{out}"
    );
    // An annotation has no file of the repository to stand on: the place is in the message.
    let (_, out) = run_with_stdin(&["validate", "--format", "github", "-"], rules);
    assert!(
        out.starts_with(
            "::error title=R012::unknown key `methods` (standard input, line 3, column 5)"
        ),
        "{out}"
    );
    let (code, out) = run_with_stdin(&["compile", "-"], "endpoints:\n  - pathTemplate: /x\n");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("-: 1 endpoint\n"), "{out}");
}

#[test]
fn validate_strict_fails_on_warnings_with_exit_1_and_errors_stay_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let warned = write_in(
        &dir,
        "warned.yaml",
        "endpoints:\n  - pathTemplate: /x\n    transforms:\n      - !<redact>\n        \
         jsonPaths: ['$.l[1,1]']\n",
    );
    let broken = write_in(&dir, "broken.yaml", "endpoints:\n  - methods: [GET]\n");
    let (status, out, _) = run(&["validate", &warned]);
    assert_eq!(status, Status::Ok, "{out}");
    assert!(
        out.ends_with("1 file checked: 0 errors, 1 warning\n"),
        "{out}"
    );
    let (status, out, _) = run(&["validate", "--strict", &warned]);
    assert_eq!(status, Status::Findings, "{out}");
    assert!(
        out.ends_with("1 file checked: 0 errors, 1 warning (failing with --strict)\n"),
        "{out}"
    );
    let (status, out, _) = run(&["validate", "--strict", &warned, &broken]);
    assert_eq!(status, Status::Invalid, "{out}");
    assert!(!out.contains("failing with --strict"), "{out}");
    let (status, out, _) = run(&["validate", "--strict", "--format", "json", &warned]);
    assert_eq!(status, Status::Findings, "{out}");
}

#[test]
fn compile_of_rules_with_errors_ends_with_its_verdict_and_prints_no_plan() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_in(
        &dir,
        "bad.yaml",
        "endpoints:\n  - pathTemplate: /x\n    methods: [GET]\n",
    );
    for format in ["human", "github"] {
        let (status, out, err) = run(&["compile", "--explain", "--format", format, &file]);
        assert_eq!(status, Status::Invalid, "{err}");
        assert!(out.is_empty(), "{out}");
        assert!(
            err.ends_with(&format!("{file} not compiled: 1 error, 0 warnings\n")),
            "{err}"
        );
        assert_eq!(
            err.contains("`psoxy-rules codes R012` explains this code"),
            format == "human",
            "{err}"
        );
    }
}

#[test]
fn files_are_named_without_a_leading_dot_slash_as_test_names_them() {
    let named = "./tests/fixtures/invalid/suspicious-paths.yaml";
    let (_, out, _) = run(&["validate", "--format", "github", named]);
    assert!(
        out.starts_with("::warning file=tests/fixtures/invalid/suspicious-paths.yaml,line="),
        "{out}"
    );
    let (_, out, _) = run(&["validate", "./tests/fixtures/invalid"]);
    assert!(!out.contains("./tests"), "{out}");
    assert!(out.contains("\ntests/fixtures/invalid/"), "{out}");
    let (_, _, err) = run(&["compile", named]);
    assert!(
        err.starts_with("tests/fixtures/invalid/suspicious-paths.yaml:"),
        "{err}"
    );
}

#[test]
fn compile_says_the_regex_reads_the_query_only_without_a_template() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_in(
        &dir,
        "rules.yaml",
        "endpoints:\n  - pathRegex: \"^/x/[^/]+$\"\n  - pathTemplate: /y/{id}\n    \
         pathRegex: \"^/y/[^/]+$\"\n    allowedQueryParams: [page]\n",
    );
    let (status, out, err) = run(&["compile", &file]);
    assert_eq!(status, Status::Ok, "{err}");
    let queries: Vec<&str> = out
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("query      "))
        .collect();
    // With a template beside it, the regex is also tried on the path alone (§5.6).
    assert_eq!(
        queries,
        ["any; the regex reads the query too", "page"],
        "{out}"
    );
}
