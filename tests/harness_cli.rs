//! `psoxy-rules test` end to end: the real binary on copies of the Zoom example set in temporary
//! folders, tampered with, with leaking rules, with missing and extra files; exit codes, what
//! is printed, and what is (not) written.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use psoxy_rules::harness;

use common::listing;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `psoxy-rules test ARGS` in `dir`, with `CI` unset unless given in `env`.
fn test_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
        .arg("test")
        .args(args)
        .current_dir(dir)
        .env_remove("CI")
        .env_remove("NO_COLOR")
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A copy of the Zoom example set and its rules, laid out as in the repository.
struct Set {
    dir: tempfile::TempDir,
}

impl Set {
    fn zoom() -> Set {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(
            &root().join("api-response-examples/zoom"),
            &dir.path().join("api-response-examples/zoom"),
        );
        copy_dir(
            &root().join("example-rules/zoom"),
            &dir.path().join("example-rules/zoom"),
        );
        Set { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn sanitized(&self, name: &str) -> PathBuf {
        self.path(&format!("api-response-examples/zoom/sanitized/{name}"))
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("readable")
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).expect("writable");
    }

    /// Replaces `from` by `to` in the file `rel`, which must contain it.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        edit(&self.path(rel), from, to);
    }

    fn test(&self, args: &[&str]) -> Output {
        test_in(self.dir.path(), args, &[])
    }

    /// Every sanitized file and its bytes.
    fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<(PathBuf, Vec<u8>)> =
            std::fs::read_dir(self.path("api-response-examples/zoom/sanitized"))
                .expect("listable")
                .map(|e| {
                    let p = e.expect("entry").path();
                    let bytes = std::fs::read(&p).expect("readable");
                    (p, bytes)
                })
                .collect();
        files.sort();
        files
    }
}

/// Replaces `from` by `to` in the file at `path`, which must contain it.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("readable");
    assert!(text.contains(from), "{} contains {from}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("writable");
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walkable");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copied");
        }
    }
}

const LIST_USERS: &str = "api-response-examples/zoom/sanitized/list-users.json";
const RULES: &str = "example-rules/zoom/zoom.yaml";
const CASES: &str = "api-response-examples/zoom/cases.yaml";

/// How many cases the committed Zoom set has.
fn zoom_cases() -> usize {
    std::fs::read_to_string(root().join(CASES))
        .expect("the Zoom cases file is readable")
        .lines()
        .filter(|l| l.trim_start().starts_with("- request:"))
        .count()
}

/// The 1-based line of the first line of the committed Zoom cases file containing `needle`.
fn cases_line(needle: &str) -> usize {
    line_of(CASES, needle)
}

/// The 1-based line of the first line of `file` (in the repository) containing `needle`.
fn line_of(file: &str, needle: &str) -> usize {
    std::fs::read_to_string(root().join(file))
        .expect("the file is readable")
        .lines()
        .position(|l| l.contains(needle))
        .expect("the file has the line")
        + 1
}

/// The first user's email pseudonym in the committed file.
fn tamper_list_users(set: &Set) {
    let text = set.read(LIST_USERS);
    let start = text.find("\"email\":\"t~").expect("an email token") + "\"email\":\"t~".len();
    let mut tampered = text.clone();
    tampered.replace_range(start..start + 4, "XXXX");
    set.write(LIST_USERS, &tampered);
}

#[test]
fn committed_example_sets_pass_from_the_default_folder() {
    let out = test_in(&root(), &[], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).ends_with(" passed, 0 failed\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn without_a_path_a_missing_default_folder_is_named_as_the_default_with_what_to_run() {
    let set = Set::zoom();
    let inside = set.path("api-response-examples/zoom");
    let out = test_in(&inside, &[], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        "api-response-examples: error[H001]: no such folder here: with no path given, \
         `psoxy-rules test` searches `api-response-examples`\n = help: this folder holds case \
         files: run `psoxy-rules test .`\n\n0 passed, 0 failed (1 other error)\n"
    );
    let empty = tempfile::tempdir().expect("temp dir");
    let out = test_in(empty.path(), &[], &[]);
    assert!(
        stdout(&out).contains(
            " = help: run it from the repository root, where `api-response-examples` is, or name \
             a case file or a folder of them: `psoxy-rules test FOLDER`\n"
        ),
        "{}",
        stdout(&out)
    );
    // Named, the folder is no default.
    let out = test_in(&inside, &["api-response-examples"], &[]);
    assert!(
        stdout(&out).contains("api-response-examples: error[H001]: no such file or folder\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn committed_zoom_set_passes() {
    let out = test_in(&root(), &[CASES], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), format!("{} passed, 0 failed\n", zoom_cases()));
}

#[cfg(unix)]
#[test]
fn a_case_file_through_a_link_reads_what_the_file_reads_and_runs_once() {
    let set = Set::zoom();
    tamper_list_users(&set);
    std::os::unix::fs::symlink(CASES, set.path("link.yaml")).expect("linked");
    std::os::unix::fs::symlink("api-response-examples/zoom", set.path("zoom")).expect("linked");
    let expected = stdout(&set.test(&[CASES]));
    assert!(
        expected.ends_with(&format!("{} passed, 2 failed\n", zoom_cases() - 2)),
        "{expected}"
    );
    for args in [
        &["link.yaml", CASES][..],
        &[CASES, "link.yaml"][..],
        &["zoom/cases.yaml", "link.yaml", CASES][..],
    ] {
        assert_eq!(stdout(&set.test(args)), expected, "{args:?}");
    }
    // Named through links only, the name does not depend on the order either.
    assert_eq!(
        stdout(&set.test(&["link.yaml", "zoom"])),
        stdout(&set.test(&["zoom", "link.yaml"]))
    );
    // Named through a link only, the paths in it are relative to the file's real folder.
    for named in ["link.yaml", "zoom/cases.yaml"] {
        let text = stdout(&set.test(&[named]));
        assert!(
            text.contains(&format!(
                "FAIL {named}:10: GET https://api.zoom.us/v2/users\n  original:  \
                 api-response-examples/zoom/list-users.json\n"
            )),
            "{named}: {text}"
        );
        assert!(
            text.ends_with(&format!("{} passed, 2 failed\n", zoom_cases() - 2)),
            "{named}: {text}"
        );
    }
}

#[test]
fn tampered_file_fails_with_the_file_named_and_the_pointer_shown() {
    let set = Set::zoom();
    tamper_list_users(&set);
    let out = set.test(&[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "FAIL api-response-examples/zoom/cases.yaml:10: GET https://api.zoom.us/v2/users\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(&format!("{LIST_USERS}: error[H010]: the output of `GET https://api.zoom.us/v2/users` differs from the committed file (1 change)")),
        "{text}"
    );
    assert!(
        text.contains("  /users/0/email: expected \"t~XXXX"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "--- {LIST_USERS} (committed)\n+++ actual output\n"
        )),
        "{text}"
    );
    assert!(
        text.ends_with(&format!("{} passed, 2 failed\n", zoom_cases() - 2)),
        "{text}"
    );
}

#[test]
fn bless_restores_a_tampered_file_byte_for_byte() {
    let set = Set::zoom();
    let committed = std::fs::read(set.path(LIST_USERS)).expect("readable");
    tamper_list_users(&set);
    let out = set.test(&["--bless"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(
        text,
        format!(
            "wrote {LIST_USERS}\n{} passed, 0 failed (1 file written)\n",
            zoom_cases()
        )
    );
    assert_eq!(
        std::fs::read(set.path(LIST_USERS)).expect("readable"),
        committed
    );
    assert_eq!(set.test(&[]).status.code(), Some(0));
    // A second `--bless` finds nothing to write, changes nothing, and says so.
    let before = set.snapshot();
    let out = set.test(&["--bless"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(
        text,
        format!("{} passed, 0 failed (0 files written)\n", zoom_cases())
    );
    assert_eq!(set.snapshot(), before);
}

#[test]
fn bless_keeps_the_cr_lf_line_breaks_of_the_file_it_replaces() {
    let set = Set::zoom();
    let committed = std::fs::read(set.path(LIST_USERS)).expect("readable");
    tamper_list_users(&set);
    let crlf = set.read(LIST_USERS).replace('\n', "\r\n");
    set.write(LIST_USERS, &crlf);
    let out = set.test(&["--bless"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let written = set.read(LIST_USERS);
    assert_eq!(
        written,
        String::from_utf8(committed)
            .expect("UTF-8")
            .replace('\n', "\r\n")
    );
    assert_eq!(set.test(&[]).status.code(), Some(0));
}

#[test]
fn bless_under_ci_is_refused_and_writes_nothing() {
    let set = Set::zoom();
    tamper_list_users(&set);
    std::fs::remove_file(set.sanitized("user-recordings.json")).expect("removed");
    let before = set.snapshot();
    let out = test_in(set.dir.path(), &["--bless"], &[("CI", "true")]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("error[H040]: --bless is refused because CI is set; nothing was written"),
        "{text}"
    );
    // The missing file is not said to be made by the `--bless` that was just refused.
    assert!(
        text.contains(
            "api-response-examples/zoom/sanitized/user-recordings.json: error[H011]: the \
             sanitized file does not exist\n\n"
        ),
        "{text}"
    );
    assert_eq!(set.snapshot(), before);
    // In JSON, the refusal has no place in a file: its location is null, as the README says.
    let out = test_in(
        set.dir.path(),
        &["--bless", "--format", "json"],
        &[("CI", "true")],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["verdict"], "unusable");
    assert_eq!(v["written"], serde_json::json!([]));
    assert_eq!(v["findings"][0]["code"], "H040");
    assert_eq!(v["findings"][0]["location"], serde_json::Value::Null);
    assert_eq!(set.snapshot(), before);
}

#[test]
fn bless_with_matching_outputs_touches_nothing() {
    let set = Set::zoom();
    let before: Vec<_> = set
        .snapshot()
        .into_iter()
        .map(|(p, _)| {
            let modified = std::fs::metadata(&p)
                .and_then(|m| m.modified())
                .expect("mtime");
            (p, modified)
        })
        .collect();
    let out = set.test(&["--bless"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        format!("{} passed, 0 failed (0 files written)\n", zoom_cases())
    );
    for (p, modified) in before {
        let now = std::fs::metadata(&p)
            .and_then(|m| m.modified())
            .expect("mtime");
        assert_eq!(now, modified, "{} was rewritten", p.display());
    }
}

#[test]
fn missing_sanitized_file_is_reported_and_bless_creates_it() {
    let set = Set::zoom();
    let path = set.sanitized("past-meeting-instances.json");
    let committed = std::fs::read(&path).expect("readable");
    std::fs::remove_file(&path).expect("removed");
    let out = set.test(&[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "sanitized/past-meeting-instances.json: error[H011]: the sanitized file does not exist"
        ),
        "{text}"
    );
    assert_eq!(set.test(&["--bless"]).status.code(), Some(0));
    assert_eq!(std::fs::read(&path).expect("created"), committed);
}

/// Rules that no longer pseudonymize the emails of `/v2/users`.
fn leak_emails(set: &Set) {
    set.edit(
        RULES,
        "\"$.users[*]['email','phone_number','pmi']\"",
        "\"$.users[*]['phone_number','pmi']\"",
    );
}

#[test]
fn a_personal_meeting_id_kept_as_a_meeting_id_is_a_leak() {
    let set = Set::zoom();
    set.edit(
        RULES,
        "          - \"$.meetings[*]['host_id','pmi']\"\n          - \"$.meetings[?(@.type == 4)].id\"\n",
        "          - \"$.meetings[*]['host_id','pmi']\"\n",
    );
    let out = set.test(&[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "api-response-examples/zoom/sanitized/list-user-meetings.json#/meetings/2/id: \
             error[H032]"
        ),
        "{text}"
    );
    assert!(!text.contains("3542471135"), "{text}");
}

#[test]
fn rules_letting_an_email_through_are_reported_as_a_leak_without_the_value() {
    let set = Set::zoom();
    leak_emails(&set);
    let out = set.test(&[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "{LIST_USERS}#/users/0/email: error[H030]: leak: an email address in the output of \
             `GET https://api.zoom.us/v2/users`; pseudonymize \
             `$['host_id','host_email','assistant_id','pmi']` at {RULES}:{}:13 protects this \
             value elsewhere",
            line_of(RULES, "$['host_id','host_email','assistant_id','pmi']")
        )),
        "{text}"
    );
    // The emails of the other users, which other rules protect, are counted with the first.
    assert!(
        text.contains("protects this value elsewhere (and 4 more at `/users/*/email`)\n"),
        "{text}"
    );
    assert!(!text.contains("#/users/1/email: error[H030]"), "{text}");
    for value in [
        "Ana.Garcia",
        "soren.ostergaard",
        "LI.WEI",
        "zoe.oneil",
        "Ngoc.Tran",
    ] {
        assert!(!text.contains(value), "{value} printed:\n{text}");
    }
    assert!(text.contains("‹withheld›"), "{text}");
}

#[test]
fn a_leak_is_annotated_at_the_line_of_the_committed_file_that_has_its_value() {
    let set = Set::zoom();
    leak_emails(&set);
    let text = stdout(&set.test(&["--format", "github"]));
    let committed = set.read(LIST_USERS);
    let line = committed
        .lines()
        .position(|l| l.contains("\"email\":"))
        .expect("an email")
        + 1;
    assert!(
        text.contains(&format!(
            "::error file={LIST_USERS},line={line},col=1,title=H030::leak: an email address"
        )),
        "{text}"
    );
    assert!(text.contains("(at /users/0/email)"), "{text}");
}

/// A sanitized file this user may not write stops `--bless`, though its folder would let a
/// rename replace it: nothing is written.
#[cfg(unix)]
#[test]
fn bless_refuses_a_file_this_user_may_not_write_and_writes_nothing() {
    use std::os::unix::fs::PermissionsExt as _;
    let set = Set::zoom();
    tamper_list_users(&set);
    std::fs::remove_file(set.sanitized("user-recordings.json")).expect("removed");
    common::open_to_all(set.dir.path());
    std::fs::set_permissions(set.path(LIST_USERS), std::fs::Permissions::from_mode(0o444))
        .expect("chmod");
    let before = set.snapshot();
    let bin = env!("CARGO_BIN_EXE_psoxy-rules");
    let Some(mut cmd) = common::as_one_who_may_not_write(bin, &set.path(LIST_USERS)) else {
        eprintln!("skipped: run as root without setpriv, every file is writable");
        return;
    };
    let out = cmd
        .args(["test", "--bless"])
        .current_dir(set.dir.path())
        .env_remove("CI")
        .output()
        .expect("the binary runs");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(&format!(
            "{LIST_USERS}: error[H042]: the sanitized file cannot be written: "
        )),
        "{text}"
    );
    assert!(
        text.contains(
            "error[H041]: --bless is refused because 1 sanitized file cannot be written; \
             nothing was written"
        ),
        "{text}"
    );
    assert_eq!(set.snapshot(), before);
}

#[test]
fn bless_with_a_leak_writes_nothing() {
    let set = Set::zoom();
    leak_emails(&set);
    std::fs::remove_file(set.sanitized("user-recordings.json")).expect("removed");
    let before = set.snapshot();
    let out = set.test(&["--bless"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error[H041]: --bless is refused because of 11 leaks; nothing was written"),
        "{text}"
    );
    assert_eq!(set.snapshot(), before);
}

#[test]
fn an_email_behind_escapes_is_a_leak_and_bless_writes_nothing() {
    let set = Set::zoom();
    // Departments are kept as they are: one that holds an email written with an HTML
    // reference, another with it percent-encoded three times over.
    set.edit(
        "api-response-examples/zoom/list-users.json",
        "\"dept\": \"Engineering\"",
        "\"dept\": \"Kim.Lee&#64;acme.io\"",
    );
    set.edit(
        "api-response-examples/zoom/list-users.json",
        "\"dept\": \"R&D\"",
        "\"dept\": \"Ana.Ortiz%25252540acme.io\"",
    );
    let before = set.snapshot();
    let out = set.test(&["--bless"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "{LIST_USERS}#/users/0/dept: error[H030]: leak: an email address in the output of \
             `GET https://api.zoom.us/v2/users`; no transform of the endpoint at {RULES}:18:5 \
             covers it (and 1 more at `/users/*/dept`)\n"
        )),
        "{text}"
    );
    // Two cases read this original: two leaks each.
    assert!(
        text.contains("error[H041]: --bless is refused because of 4 leaks; nothing was written"),
        "{text}"
    );
    for value in ["Kim.Lee", "Ana.Ortiz"] {
        assert!(!text.contains(value), "{value} printed:\n{text}");
    }
    assert_eq!(set.snapshot(), before);
}

#[test]
fn unreferenced_file_and_endpoint_without_case_are_reported() {
    let set = Set::zoom();
    std::fs::write(set.sanitized("stale.json"), "{ }\n").expect("written");
    // Drop both recordings cases: their endpoint and sanitized file lose their cases.
    let text = set.read(CASES);
    let cut = text
        .find("  - request: GET https://api.zoom.us/v2/users/KDcuGIm1QgePTO8WbOqwIQ/recordings")
        .expect("recordings cases");
    set.write(CASES, &text[..cut]);

    let out = set.test(&[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let rules = set.read(RULES);
    let line = rules
        .lines()
        .position(|l| l.contains("pathTemplate: \"/v2/users/{userId}/recordings\""))
        .expect("recordings endpoint")
        + 1;
    assert!(
        text.contains(&format!(
            "{RULES}:{line}:5: error[H021]: no case exercises this endpoint (pathTemplate `/v2/users/{{userId}}/recordings`)"
        )),
        "{text}"
    );
    for name in ["stale.json", "user-recordings.json"] {
        assert!(
            text.contains(&format!(
                "api-response-examples/zoom/sanitized/{name}: error[H022]: no case names this sanitized file"
            )),
            "{text}"
        );
    }
    assert!(
        text.ends_with(&format!(
            "{} passed, 0 failed (3 other errors)\n",
            zoom_cases() - 2
        )),
        "{text}"
    );
}

#[test]
fn originals_and_rules_beside_a_sanitized_file_are_not_unreferenced() {
    let dir = temp_files(&[
        (
            "set/rules.json",
            r#"{"endpoints":[{"pathTemplate":"/v1/x","transforms":[{"method":"pseudonymize","jsonPaths":["$.name"]}]}]}"#,
        ),
        (
            "set/cases.yaml",
            "rules: rules.json\ncases:\n  - request: GET /v1/x\n    original: a.json\n    \
             sanitized: a.out.json\n",
        ),
        ("set/a.json", r#"{"name":"Bob","v":1}"#),
        // The original of a second set of the run, in the folder of the first.
        (
            "cases.yaml",
            "rules: set/rules.json\ncases:\n  - request: GET /v1/x\n    original: set/b.json\n    \
             sanitized: b.out.json\n",
        ),
        ("set/b.json", r#"{"name":"Ann","v":2}"#),
        ("set/stale.json", "{ }\n"),
    ]);
    let p = dir.path();
    let out = test_in(p, &["cases.yaml", "set/cases.yaml", "--bless"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let out = test_in(p, &["cases.yaml", "set/cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(text.matches("error[H022]").count(), 1, "{text}");
    assert!(
        text.contains("set/stale.json: error[H022]: no case names this sanitized file"),
        "{text}"
    );
}

#[test]
fn refused_request_names_the_closest_endpoint() {
    let set = Set::zoom();
    set.edit(
        CASES,
        "GET https://api.zoom.us/v2/past_meetings/91022334455/instances",
        "DELETE https://api.zoom.us/v2/past_meetings/91022334455/instances",
    );
    let out = set.test(&[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "{CASES}:{}:14: error[H020]: no endpoint allows DELETE /v2/past_meetings/91022334455/instances",
            cases_line("GET https://api.zoom.us/v2/past_meetings/91022334455/instances")
        )),
        "{text}"
    );
    assert!(text.contains("closest is the endpoint at"), "{text}");
    // The endpoint it was meant for has no case left, and says which request came closest.
    let endpoint = line_of(RULES, "%3D%3D))/instances$");
    assert!(
        text.contains(&format!(
            "{RULES}:{endpoint}:5: error[H021]: no case exercises this endpoint (pathRegex \
             `^/v2/past_meetings/(?:[^/?]+|[A-Za-z0-9+=%]*(?:/[A-Za-z0-9+=%]*)+(?:==|%3D%3D))/instances$`): \
             the request at {CASES}:{}:14, which no endpoint allows (H020), came closest to it\n",
            cases_line("GET https://api.zoom.us/v2/past_meetings/91022334455/instances")
        )),
        "{text}"
    );
    assert!(
        text.contains(
            "= help: if that request is meant for this endpoint, correct it or let the endpoint \
             allow it (H020 says what refuses it); otherwise add a case whose request this \
             endpoint allows\n"
        ),
        "{text}"
    );
}

#[test]
fn the_json_report_withholds_emails_and_phone_numbers_of_a_request() {
    let set = Set::zoom();
    set.edit(
        CASES,
        "GET https://api.zoom.us/v2/past_meetings/91022334455/instances",
        "GET https://api.zoom.us/v2/past_meetings/91022334455/instances?email=jane.roe%40northwind.example&tel=%2B14155550134",
    );
    let out = set.test(&["--format", "json"]);
    let text = stdout(&out);
    let report: serde_json::Value = serde_json::from_str(&text).expect("a JSON report");
    let case = report["caseFiles"][0]["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| {
            c["request"]
                .as_str()
                .is_some_and(|r| r.contains("/instances"))
        })
        .expect("the edited case");
    assert_eq!(
        case["request"],
        "GET https://api.zoom.us/v2/past_meetings/91022334455/instances?email=‹withheld›&tel=‹withheld›"
    );
    for personal in ["jane.roe", "northwind", "4155550134"] {
        assert!(!text.contains(personal), "{personal} printed:\n{text}");
    }
}

#[test]
fn a_leading_psoxy_test_segment_is_removed_as_the_reference_tests_remove_it() {
    let set = Set::zoom();
    // A template endpoint, and a `pathRegex` one, which reads the path and query.
    for (from, to) in [
        (
            "GET https://api.zoom.us/v2/users\n",
            "GET https://api.zoom.us/psoxy-test/v2/users\n",
        ),
        (
            "GET https://api.zoom.us/v2/past_meetings/Xk9%252Fq2Lr8TwYp4Mb1Zs7Cg%253D%253D/participants?",
            "GET https://api.zoom.us/psoxy-test/v2/past_meetings/Xk9%252Fq2Lr8TwYp4Mb1Zs7Cg%253D%253D/participants?",
        ),
    ] {
        set.edit(CASES, from, to);
    }
    let out = set.test(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Only a whole first segment.
    set.edit(CASES, "/psoxy-test/v2/users", "/psoxy-tests/v2/users");
    let text = stdout(&set.test(&[]));
    assert!(
        text.contains("error[H020]: no endpoint allows GET /psoxy-tests/v2/users"),
        "{text}"
    );
}

#[test]
fn case_file_error_is_located_and_makes_the_input_unusable() {
    let set = Set::zoom();
    set.edit(
        CASES,
        "    original: list-users-page-2.json",
        "    orignal: list-users-page-2.json",
    );
    let out = set.test(&[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(&format!("{CASES}:15:5: error[H003]: unknown key `orignal`")),
        "{text}"
    );
    assert!(
        text.contains("15 |     orignal: list-users-page-2.json"),
        "{text}"
    );
}

#[test]
fn a_case_file_that_is_not_utf8_is_refused_at_the_byte() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("cases.yaml"),
        b"rules: rules.yaml\n# caf\xe9 menu\ncases: []\n",
    )
    .expect("written");
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.starts_with(
            "cases.yaml:2:6: error[H001]: byte 0xE9 is not UTF-8\n  |\n2 | # caf\u{FFFD} menu\n  \
             |      ^\n  |\n  = help: save the file as UTF-8\n"
        ),
        "{text}"
    );
}

#[test]
fn a_file_that_names_no_key_of_a_case_file_is_not_quoted_when_it_cannot_be_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files: [(&str, &[u8], &str); 2] = [
        ("binary.key", b"S3CRETSALTXYZ\x9a\x01K3YSECRETQQ\n", "H001"),
        (
            "secrets.env",
            b"export PSOXY_SALT=S3CRETSALTXYZ\n# key\nexport PSOXY_ENCRYPTION_KEY=K3YSECRETQQ\n",
            "H003",
        ),
    ];
    for (name, bytes, code) in files {
        std::fs::write(dir.path().join(name), bytes).expect("written");
        let out = test_in(dir.path(), &[name], &[]);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(
            text.starts_with(&format!("{name}: error[{code}]: ")),
            "{text}"
        );
        assert!(
            text.contains(
                "; the file names none of the keys of the case file format: likely a secret or a \
                 response body, which is not quoted"
            ),
            "{text}"
        );
        assert!(!text.contains("S3CRET") && !text.contains("K3Y"), "{text}");
    }
}

#[test]
fn unmatched_path_is_a_warning_that_fails_only_with_strict() {
    let set = Set::zoom();
    set.edit(
        RULES,
        "          - \"$.users[*].id\"\n",
        "          - \"$.users[*].id\"\n          - \"$.users[*].manager_email\"\n",
    );
    let out = set.test(&[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("warning[H023]: `$.users[*].manager_email` (pseudonymize) selects nothing in any case of this endpoint"),
        "{text}"
    );
    assert!(
        text.ends_with(&format!("{} passed, 0 failed (1 warning)\n", zoom_cases())),
        "{text}"
    );
    assert_eq!(set.test(&["--strict"]).status.code(), Some(1));
}

#[test]
fn an_original_without_a_value_is_a_warning_that_fails_only_with_strict() {
    let set = Set::zoom();
    set.write("api-response-examples/zoom/list-users-page-2.json", " \n");
    set.write(
        "api-response-examples/zoom/sanitized/list-users-page-2.json",
        "",
    );
    let out = set.test(&[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let line = cases_line("original: list-users-page-2.json");
    assert!(
        text.contains(&format!(
            "cases.yaml:{line}:15: warning[H025]: the original api-response-examples/zoom/list-users-page-2.json holds no JSON value"
        )),
        "{text}"
    );
    assert!(
        text.ends_with(&format!("{} passed, 0 failed (1 warning)\n", zoom_cases())),
        "{text}"
    );
    assert_eq!(set.test(&["--strict"]).status.code(), Some(1));
}

#[test]
fn paths_are_not_said_to_select_nothing_when_no_case_of_the_endpoint_had_a_value() {
    let dir = temp_files(&[
        (
            "rules.yaml",
            "endpoints:\n  - pathTemplate: /v1/members\n    transforms:\n      - !<pseudonymize>\n        jsonPaths: [\"$[*].login\"]\n",
        ),
        ("empty.json", " \n"),
        ("sanitized/empty.json", ""),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /v1/members\n    original: empty.json\n",
        ),
    ]);
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("warning[H025]"), "{text}");
    assert!(!text.contains("H023"), "{text}");
    assert!(text.ends_with("1 passed, 0 failed (1 warning)\n"), "{text}");
}

/// A temporary folder holding `files` (path relative to it, text).
fn temp_files(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write_files(dir.path(), files);
    dir
}

/// Writes `files` (path relative to `dir`, text) into `dir`, creating folders.
fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(&path, text).expect("writable");
    }
}

/// A one-case set whose rules keep an email on purpose.
fn contact_set(allowed: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = format!(
        "rules: rules.yaml\ncases:\n  - request: GET /v1/contact\n    original: contact.json\n    allowedLeaks: [{allowed}]\n"
    );
    write_files(
        dir.path(),
        &[
            (
                "rules.yaml",
                "endpoints:\n  - pathTemplate: /v1/contact\n    transforms:\n      - !<redact>\n        jsonPaths: [\"$.name\"]\n",
            ),
            (
                "contact.json",
                r#"{"name":"Jo Doe","support":"help@vendor.example"}"#,
            ),
            (
                "sanitized/contact.json",
                "{\n  \"support\":\"help@vendor.example\"\n}\n",
            ),
            ("cases.yaml", &cases),
        ],
    );
    dir
}

#[test]
fn a_missing_sanitized_file_is_said_to_wait_for_the_leak_of_another_case() {
    // The first case leaks; the second is clean but has no sanitized file yet: `--bless` would
    // write nothing, so its help puts the leak first.
    let dir = temp_files(&[
        (
            "rules.yaml",
            "endpoints:\n  - pathTemplate: /v1/contact\n  - pathTemplate: /v1/teams\n",
        ),
        ("contact.json", r#"{"support":"jo.doe@vendor.example"}"#),
        ("sanitized/contact.json", "{\n  \"support\":\"x\"\n}\n"),
        ("teams.json", r#"{"slug":"core"}"#),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /v1/contact\n    original: contact.json\n  - request: GET /v1/teams\n    original: teams.json\n",
        ),
    ]);
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "sanitized/teams.json: error[H011]: the sanitized file does not exist\n = help: first \
             fix what else this run reports (1 leak): `--bless` writes nothing until then; then \
             run `psoxy-rules test --bless` to create it, then review and commit it"
        ),
        "{text}"
    );
    // The leaking case's own help names its leak.
    assert!(
        text.contains("help: fix the leak reported for this case first"),
        "{text}"
    );
}

#[test]
fn a_value_whose_redaction_was_removed_is_withheld_from_the_diff() {
    let dir = contact_set("/support");
    // The rules no longer redact `name`: the committed file has no value there.
    write_files(
        dir.path(),
        &[("rules.yaml", "endpoints:\n  - pathTemplate: /v1/contact\n")],
    );
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("/name: unexpected \"‹withheld›\""), "{text}");
    assert!(text.contains("\"name\":\"‹withheld›\""), "{text}");
    assert!(!text.contains("Jo Doe"), "{text}");
}

#[test]
fn a_number_whose_pseudonymization_was_removed_is_withheld_from_the_diff() {
    // The committed file has a pseudonym at `/pmi`; the rules no longer pseudonymize it, and
    // the output has the personal meeting ID in clear.
    let dir = temp_files(&[
        ("rules.yaml", "endpoints:\n  - pathTemplate: /v1/users\n"),
        ("users.json", r#"{"id":"u1","pmi":8162934057,"count":5}"#),
        (
            "sanitized/users.json",
            "{\n  \"id\":\"u1\",\n  \"pmi\":\"t~uOD96GoM6fukE3OGM7_lDdVcLmfBQcbKhlWM2f1hNEc\",\n  \
             \"count\":5\n}\n",
        ),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /v1/users\n    original: users.json\n",
        ),
    ]);
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "/pmi: expected \"t~uOD96GoM6fukE3OGM7_lDdVcLmfBQcbKhlWM2f1hNEc\", got ‹withheld›"
        ),
        "{text}"
    );
    assert!(text.contains("+  \"pmi\":‹withheld›,"), "{text}");
    assert!(!text.contains("8162934057"), "{text}");
    let out = test_in(dir.path(), &["cases.yaml", "--format", "json"], &[]);
    let text = stdout(&out);
    assert!(!text.contains("8162934057"), "{text}");
}

#[test]
fn a_new_string_that_holds_a_leak_is_withheld_whole() {
    // The committed file has no `note`; the output has one holding a phone number: the whole
    // string is withheld, not only the number.
    let dir = temp_files(&[
        ("rules.yaml", "endpoints:\n  - pathTemplate: /v1/notes\n"),
        (
            "notes.json",
            r#"{"id":"n1","note":"Egon, call me at +1 555 010 2233 about the divorce papers"}"#,
        ),
        ("sanitized/notes.json", "{\n  \"id\":\"n1\"\n}\n"),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /v1/notes\n    original: notes.json\n",
        ),
    ]);
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error[H031]"), "{text}");
    assert!(text.contains("/note: unexpected \"‹withheld›\""), "{text}");
    assert!(!text.contains("divorce"), "{text}");
    assert!(!text.contains("Egon"), "{text}");
}

#[test]
fn a_committed_file_that_is_not_json_is_located_and_its_values_withheld_from_the_diff() {
    // The original pasted into sanitized/ with a stray comma, after two blank lines.
    let dir = temp_files(&[
        (
            "rules.yaml",
            "endpoints:\n  - pathTemplate: /v1/teams\n    transforms:\n      - !<redact>\n        jsonPaths: [\"$[*].owner\"]\n",
        ),
        ("teams.json", r#"[{"slug":"core","owner":"Bob Smith"}]"#),
        (
            "sanitized/teams.json",
            "\n\n  [{\"slug\": \"core\", \"owner\": \"Bob Smith\", \"mail\": \"bob.smith@acme.com\",}]\n",
        ),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /v1/teams\n    original: teams.json\n",
        ),
    ]);
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "sanitized/teams.json:3:72: error[H010]: the output of `GET /v1/teams` differs from \
             the committed file, which is not valid JSON"
        ),
        "{text}"
    );
    // The structure and what the output shows anyway stay, the rest is withheld.
    assert!(
        text.contains(
            "-[{\"slug\": \"core\", \"‹withheld›\": \"‹withheld›\", \"‹withheld›\": \"‹withheld›\",}]"
        ),
        "{text}"
    );
    for personal in ["Bob", "bob.smith", "acme"] {
        assert!(!text.contains(personal), "{personal}:\n{text}");
    }
}

#[test]
fn the_diff_header_names_the_committed_file_even_where_its_path_holds_a_protected_value() {
    // `acme` is a redacted value, and the name of the folder of the example set.
    let dir = temp_files(&[
        (
            "acme/rules.yaml",
            "endpoints:\n  - pathTemplate: /v1/org\n    transforms:\n      - !<redact>\n        jsonPaths: [\"$.company\"]\n",
        ),
        ("acme/org.json", r#"{"company":"Acme","id":1}"#),
        (
            "acme/sanitized/org.json",
            "{\n  \"id\":1,\n  \"site\":\"https://acme.com/x\"\n}\n",
        ),
        (
            "acme/cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /v1/org\n    original: org.json\n",
        ),
    ]);
    let out = test_in(dir.path(), &["acme"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("--- acme/sanitized/org.json (committed)\n+++ actual output\n"),
        "{text}"
    );
    assert!(
        text.contains("\"site\":\"https://‹withheld›.com/x\""),
        "{text}"
    );
}

#[test]
fn a_regex_that_pseudonymizes_only_the_domain_leaks_the_local_part() {
    let dir = temp_files(&[
        (
            "rules.yaml",
            "endpoints:\n  - pathTemplate: /v1/comments\n    transforms:\n      - !<pseudonymizeRegexMatches>\n        jsonPaths: [\"$[*].body\"]\n        regex: \"[\\\\w.+-]+@([\\\\w-]+\\\\.[\\\\w.]+)\"\n",
        ),
        (
            "comments.json",
            r#"[{"body":"mail jun.watanabe@fabrikam-dev.com"}]"#,
        ),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /v1/comments\n    original: comments.json\n",
        ),
    ]);
    let out = test_in(dir.path(), &["cases.yaml", "--bless"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "sanitized/comments.json#/0/body: error[H030]: leak: the local part of an email \
             address in the output of `GET /v1/comments`; it stands in clear before a pseudonym: \
             pseudonymizeRegexMatches `$[*].body` at rules.yaml:5:21 pseudonymizes only what \
             follows `@`\n = help: make the regex's group 1 cover the whole address"
        ),
        "{text}"
    );
    assert!(!text.contains("watanabe"), "{text}");
    assert!(!dir.path().join("sanitized").exists(), "{text}");
}

#[test]
fn a_local_part_before_a_pseudonym_that_no_transform_made_is_blamed_on_no_regex() {
    let dir = temp_files(&[
        ("rules.yaml", "endpoints:\n  - pathTemplate: /a\n"),
        (
            "a.json",
            r#"{"v":"jo.doe@t~abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}"#,
        ),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /a\n    original: a.json\n",
        ),
    ]);
    let out = test_in(dir.path(), &["cases.yaml", "--bless"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "sanitized/a.json#/v: error[H030]: leak: the local part of an email address in the \
             output of `GET /a`; no transform of the endpoint at rules.yaml:2:5 covers it\n \
             = help: pseudonymize or redact the field in the rules"
        ),
        "{text}"
    );
    assert!(!text.contains("jo.doe"), "{text}");
}

#[test]
fn words_of_the_format_inside_a_redacted_container_are_no_leak_but_its_data_is() {
    // Slack's blocks say `"type":"user"`: redacted, they do not make every member named
    // `user` a leak; the user ids inside them stay protected.
    let rules = "endpoints:\n  - pathTemplate: /api/conversations.history\n    transforms:\n      \
                 - !<pseudonymize>\n        jsonPaths: [\"$.messages[?(@.type == 'message')].user\"]\n      \
                 - !<redact>\n        jsonPaths: [\"$.messages[*].blocks\"]\n";
    let history = |second_type: &str, mention: &str| {
        format!(
            r#"{{"messages":[{{"type":"message","user":"U061F7AUR","blocks":[{{"type":"rich_text","elements":[{{"type":"user","user_id":"U012A3CDE"}}]}}]}},{{"type":"{second_type}","user":"U061F7AUR","note":"{mention}"}}]}}"#
        )
    };
    let cases = "rules: rules.yaml\ncases:\n  - request: GET /api/conversations.history\n    \
                 original: h.json\n";
    let clean = history("message", "thanks");
    let dir = temp_files(&[
        ("rules.yaml", rules),
        ("h.json", &clean),
        ("cases.yaml", cases),
    ]);
    let out = test_in(dir.path(), &["cases.yaml", "--bless"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(!text.contains("H032"), "{text}");
    // A message the filter misses leaks its user id, and a mention of a redacted id leaks too.
    let leaky = history("Message", "ping U012A3CDE");
    write_files(dir.path(), &[("h.json", &leaky)]);
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("#/messages/1/user: error[H032]"), "{text}");
    assert!(text.contains("#/messages/1/note: error[H032]"), "{text}");
    assert_eq!(text.matches("error[H032]").count(), 2, "{text}");
}

#[test]
fn allowed_leak_is_not_reported() {
    let dir = contact_set("/support");
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "1 passed, 0 failed\n");
}

#[test]
fn a_star_segment_of_an_allowance_stands_for_any_member_or_index() {
    let dir = tempfile::tempdir().expect("temp dir");
    let headers = r#"{"headers":[{"name":"Message-ID","value":"<a1@mail.example>"},{"name":"X","value":"1"},{"name":"In-Reply-To","value":"<b2@mail.example>"}]}"#;
    write_files(
        dir.path(),
        &[
            (
                "rules.yaml",
                "endpoints:
  - pathTemplate: /v1/m
",
            ),
            ("m.json", headers),
            (
                "sanitized/m.json",
                &psoxy_rules::json::to_pretty_string(
                    &psoxy_rules::json::parse_value(headers).expect("JSON"),
                ),
            ),
        ],
    );
    let cases = |allowed: &str| {
        format!(
            "rules: rules.yaml\ncases:\n  - request: GET /v1/m\n    original: m.json\n    \
             allowedLeaks: [{allowed}]\n"
        )
    };
    write_files(dir.path(), &[("cases.yaml", &cases("/headers/*/value"))]);
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    assert_eq!(stdout(&out), "1 passed, 0 failed\n");
    // Only one segment: not a deeper or a shallower place.
    for allowed in ["/*/value", "/headers/*", "/headers/*/value/*"] {
        write_files(dir.path(), &[("cases.yaml", &cases(allowed))]);
        let out = test_in(dir.path(), &["cases.yaml"], &[]);
        let text = stdout(&out);
        // The two leaks, at two indexes of one array, are one finding.
        assert_eq!(text.matches("error[H030]").count(), 1, "{allowed}: {text}");
        assert!(
            text.contains("#/headers/0/value: error[H030]")
                && text.contains("(and 1 more at `/headers/*/value`)"),
            "{allowed}: {text}"
        );
    }
}

#[test]
fn allowance_where_nothing_leaks_is_a_warning() {
    let dir = contact_set("/support, /name");
    let warning = "cases.yaml:5:30: warning[H033]: nothing leaks at `/name`";
    let out = test_in(dir.path(), &["cases.yaml", "--strict"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains(warning), "{text}");
    // The warning of the failed case is counted too, and says why the run fails.
    assert!(
        text.ends_with("0 passed, 1 failed (1 warning, failing with --strict)\n"),
        "{text}"
    );
    // Without --strict the case passes, and its warning is still shown and counted.
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(warning), "{text}");
    assert!(text.ends_with("1 passed, 0 failed (1 warning)\n"), "{text}");
}

#[test]
fn allowance_a_typo_away_from_a_leak_asks_whether_the_leak_was_meant() {
    let dir = contact_set("/Suport");
    let text = stdout(&test_in(dir.path(), &["cases.yaml"], &[]));
    assert!(
        text.contains("sanitized/contact.json#/support: error[H030]"),
        "{text}"
    );
    assert!(
        text.contains(
            "cases.yaml:5:20: warning[H033]: nothing leaks at `/Suport`; the allowance covers no \
             leak\n  |\n5 |     allowedLeaks: [/Suport]\n  |                    ^^^^^^^\n  \
             |\n  = help: did you mean `/support`?\n"
        ),
        "{text}"
    );
    // One allowance for every case of the file, too.
    let cases = std::fs::read_to_string(dir.path().join("cases.yaml")).expect("cases");
    let cases = cases
        .replace("    allowedLeaks: [/Suport]\n", "")
        .replace("cases:\n", "allowedLeaks: [/suport]\ncases:\n");
    std::fs::write(dir.path().join("cases.yaml"), cases).expect("cases");
    let text = stdout(&test_in(dir.path(), &["cases.yaml"], &[]));
    assert!(
        text.contains("= help: did you mean `/support`?\n"),
        "{text}"
    );
    // A leak elsewhere is not what the allowance meant.
    let dir = contact_set("/supporter_name");
    let text = stdout(&test_in(dir.path(), &["cases.yaml"], &[]));
    assert!(
        text.contains("= help: remove the entry from `allowedLeaks`\n"),
        "{text}"
    );
}

#[test]
fn allowance_with_a_tilde_that_escapes_nothing_is_refused() {
    let dir = contact_set(r#"/support, "/a~2b""#);
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(
            "cases.yaml:5:30: error[H004]: an `allowedLeaks` entry is a JSON Pointer, where `~` is \
             followed by `0` or `1`"
        ),
        "{text}"
    );
    assert!(!text.contains("H033"), "{text}");
}

#[test]
fn long_pointers_and_requests_are_quoted_cut() {
    let long = "a".repeat(200_000);
    let dir = contact_set(&format!("/support, /{long}"));
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "warning[H033]: nothing leaks at `/{}…`; the allowance",
            &long[..99]
        )),
        "{text}"
    );
    let text = stdout(&contact_request(&format!("GET /v1/other/{long}")));
    for expected in [
        format!("FAIL cases.yaml:3: GET /v1/other/{}…\n", &long[..86]),
        format!(
            "error[H020]: no endpoint allows GET /v1/other/{}… (1 endpoint checked)",
            &long[..90]
        ),
    ] {
        assert!(text.contains(&expected), "{expected}\n{text}");
    }
    for line in text.lines() {
        assert!(line.chars().count() < 300, "{line}");
    }
}

#[test]
fn values_a_schema_turns_into_null_for_their_type_are_one_warning_per_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_files(
        dir.path(),
        &[
            (
                "rules.yaml",
                "endpoints:
  - pathTemplate: /v1/users
    responseSchema:
      type: object
      properties:
        users:
          type: array
          items: {$ref: '#/definitions/User'}
        tags: {type: array, items: {type: string}}
        mixed:
          anyOf: [{type: integer}, {type: boolean}]
definitions:
  User:
    type: object
    properties:
      id: {type: integer}
      ok: {type: boolean}
",
            ),
            (
                "users.json",
                r#"{"users":[{"id":"u-1","ok":null},{"id":"u-2"},{"id":7},{"id":"u-3"}],"tags":["a",1,null,2],"mixed":"x"}"#,
            ),
            (
                "cases.yaml",
                "rules: rules.yaml\ncases:\n  - request: GET /v1/users\n    original: users.json\n",
            ),
        ],
    );
    let out = test_in(dir.path(), &["--bless", "cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let warnings: Vec<&str> = text.lines().filter(|l| l.contains("[H026]")).collect();
    assert_eq!(
        warnings,
        [
            // The place of the type, through `$ref`.
            "users.json#/users/0/id: warning[H026]: `responseSchema` turns the string here into \
             null: `type: integer` at rules.yaml:16:18 asks for another type (and 2 more at \
             `/users/*/id`)",
            "users.json#/tags: warning[H026]: `responseSchema` removes 2 elements of this array: \
             in `items`, `type: string` at rules.yaml:9:43 asks for another type",
            // Which candidate of `anyOf` applies depends on the value: the whole schema is named.
            "users.json#/mixed: warning[H026]: `responseSchema` turns the string here into null: \
             the schema at rules.yaml:4:7 asks for another type",
        ],
        "{text}"
    );
    assert!(
        text.ends_with("1 passed, 0 failed (3 warnings)\n"),
        "{text}"
    );
    let out = test_in(dir.path(), &["--strict", "cases.yaml"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
}

/// The excerpt of a finding on a request shows the line of the case file with the email
/// address of its URL blanked, as the message withholds it: columns and carets stay.
#[test]
fn excerpts_of_a_case_file_blank_the_emails_of_a_request() {
    let dir = temp_files(&[
        (
            "rules.yaml",
            "endpoints:\n  - pathTemplate: /v2/users/{userId}/meetings\n",
        ),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET https://api.zoom.us/v2/user/al.smith%40example.com/meetings?x=+1%20555%200100\n    original: x.json\n",
        ),
        ("x.json", "{}"),
    ]);
    let out = test_in(dir.path(), &["--color", "never", "cases.yaml"], &[]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "cases.yaml:3:14: error[H020]: no endpoint allows GET \
             /v2/user/‹withheld›/meetings?x=‹withheld› (1 endpoint checked)"
        ),
        "{text}"
    );
    // One `*` per byte of each withheld part.
    let (email, phone) = ("al.smith%40example.com", "+1%20555%200100");
    let line = format!(
        "3 |   - request: GET https://api.zoom.us/v2/user/{}/meetings?x={}\n  |              ^^^",
        "*".repeat(email.len()),
        "*".repeat(phone.len())
    );
    assert!(text.contains(&line), "{text}");
    assert!(!text.contains("smith") && !text.contains("555"), "{text}");
}

#[test]
fn a_case_file_under_another_name_is_named_in_the_help() {
    let dir = temp_files(&[
        ("s/rules.yaml", "endpoints:\n  - pathTemplate: /x\n"),
        ("s/x.json", "{}"),
        (
            "s/a/Cases.yml",
            "rules: ../rules.yaml\ncases:\n  - request: GET /x\n    original: ../x.json\n",
        ),
    ]);
    let out = test_in(dir.path(), &["--color", "never", "s"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.starts_with(
            "s: error[H002]: no cases.yaml in this folder or below\n = help: `s/a/Cases.yml` is \
             not run: a case file is named `cases.yaml`, in this letter case; rename it\n"
        ),
        "{text}"
    );
}

/// An allowed leak fails nothing, but is personal data all the same: diffs withhold it.
#[test]
fn diffs_withhold_the_leaks_that_allowed_leaks_allows() {
    let dir = temp_files(&[
        ("rules.yaml", "endpoints:\n  - pathTemplate: /x\n"),
        (
            "o.json",
            r#"{"byEmail": {"alice@example.com": {"count": 3}}, "phone": {"+1 415 555 0134": 1}}"#,
        ),
        (
            "sanitized/o.json",
            "{\n  \"byEmail\":{\n    \"alice@example.com\":{\n      \"count\":2\n    }\n  }\n}\n",
        ),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /x\n    original: o.json\n    \
             allowedLeaks: [\"/byEmail/*\", \"/phone/*\"]\n",
        ),
    ]);
    for format in ["human", "json", "github"] {
        let out = test_in(dir.path(), &["--format", format, "cases.yaml"], &[]);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(text.contains("differs from the committed file"), "{text}");
        assert!(
            !text.contains("alice") && !text.contains("415"),
            "{format}: {text}"
        );
        assert!(
            !text.contains("[H030]") && !text.contains("H031"),
            "{format}: {text}"
        );
    }
}

/// A leak in a value that a transform selects names that transform: its regex is what to fix,
/// not its path.
#[test]
fn a_leak_that_a_transform_selects_and_leaves_names_the_transform() {
    let dir = temp_files(&[
        (
            "rules.yaml",
            "endpoints:
  - pathTemplate: /c
    transforms:
      - !<tokenize>
        regex: \"^(.*)@\"
        jsonPaths: [\"$.who\"]
      - !<redactRegexMatches>
        jsonPaths: [\"$.notes[*]\", \"$.people[*]['name','mail']\"]
        redactions: [\"\\\\+?\\\\d[\\\\d ()-]{7,}\\\\d\"]
",
        ),
        (
            "o.json",
            r#"{"who":"alice@example.com","notes":["call +1 (415) 555-0199 or Carol.White@Example.com"],"people":[{"name":"x","mail":"dan@example.com","other":"erin@example.com"}]}"#,
        ),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /c\n    original: o.json\n",
        ),
    ]);
    let out = test_in(dir.path(), &["--color", "never", "cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let leaks: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("error[H030]"))
        .map(|l| l.split_once("; ").expect("a cause").1)
        .collect();
    assert_eq!(
        leaks,
        [
            "tokenize `$.who` at rules.yaml:6:21 selects this value, and leaves it in clear",
            "redactRegexMatches `$.notes[*]` at rules.yaml:8:21 selects this value, and leaves it \
             in clear",
            "redactRegexMatches `$.people[*]['name','mail']` at rules.yaml:8:35 selects this \
             value, and leaves it in clear",
            // A member the multi-name leaf does not name.
            "no transform of the endpoint at rules.yaml:2:5 covers it",
        ],
        "{text}"
    );
    assert!(
        text.contains(" = help: check what the transform does with this value: a regex that"),
        "{text}"
    );
}

/// A set of one case whose output differs from its committed file in each of 30 items, ten
/// lines apart in the golden form: a diff of 30 hunks.
fn set_with_30_hunks() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let items: Vec<serde_json::Value> = (0..30)
        .map(|i| {
            serde_json::json!({"id": format!("item-{i}"), "a": 1, "b": 2, "c": 3, "d": 4,
                "e": 5, "f": 6, "g": 7})
        })
        .collect();
    let cases = |salt: &str| {
        format!(
            "rules: rules.yaml\nsalt: {salt}\ncases:\n  - request: GET /v1/items\n    original: items.json\n"
        )
    };
    write_files(
        dir.path(),
        &[
            (
                "rules.yaml",
                "endpoints:\n  - pathTemplate: /v1/items\n    transforms:\n      - !<pseudonymize>\n        jsonPaths: [\"$.items[*].id\"]\n",
            ),
            (
                "items.json",
                &serde_json::json!({ "items": items }).to_string(),
            ),
            ("cases.yaml", &cases("before")),
        ],
    );
    let out = test_in(dir.path(), &["--bless", "cases.yaml"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Another salt: every pseudonym changes.
    write_files(dir.path(), &[("cases.yaml", &cases("after"))]);
    dir
}

#[test]
fn human_output_shows_the_first_20_hunks_of_a_diff_and_json_the_whole() {
    let dir = set_with_30_hunks();
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("(30 changes)"), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("@@ ")).count(),
        20,
        "{text}"
    );
    assert!(
        text.contains("\n… and 10 more hunks (`--format json` gives the whole diff)\n"),
        "{text}"
    );
    // The twentieth hunk, that of item 19, is whole: its last context line is there.
    let not_shown = text
        .find("… and 10 more hunks")
        .expect("the count of hunks not shown");
    let last_hunk = &text[text[..not_shown].rfind("@@ ").expect("a hunk")..not_shown];
    assert_eq!(last_hunk.lines().count(), 9, "{last_hunk}");
    assert!(last_hunk.ends_with("       \"c\":3,\n"), "{last_hunk}");

    let out = test_in(dir.path(), &["cases.yaml", "--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let diff = v["caseFiles"][0]["cases"][0]["diff"]
        .as_str()
        .expect("a diff");
    assert_eq!(diff.lines().filter(|l| l.starts_with("@@ ")).count(), 30);
}

#[test]
fn json_format_is_one_report_object() {
    let set = Set::zoom();
    tamper_list_users(&set);
    let out = set.test(&["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["passed"], zoom_cases() - 2);
    assert_eq!(v["failed"], 2);
    assert_eq!(v["verdict"], "findings");
    let case = &v["caseFiles"][0]["cases"][0];
    assert_eq!(case["outcome"], "failed");
    assert_eq!(case["findings"][0]["code"], "H010");
    assert_eq!(case["changes"][0]["pointer"], "/users/0/email");
    assert_eq!(case["changes"][0]["change"], "changed");
    // Every member is there in every report, empty or null when there is nothing to say.
    assert_eq!(v["removed"], serde_json::json!([]));
    assert_eq!(v["written"], serde_json::json!([]));
    let passed = v["caseFiles"][0]["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["outcome"] == "passed")
        .expect("a passed case");
    assert_eq!(passed["changes"], serde_json::json!([]));
    assert_eq!(passed["diff"], serde_json::Value::Null);
}

/// `test .` names the case file as it names the files the case file reads, without `./`: a
/// script or an annotation gets one name for one file.
#[test]
fn a_leading_dot_folder_is_not_part_of_the_names() {
    let set = Set::zoom();
    set.edit(
        CASES,
        "  - request: GET https://api.zoom.us/v2/users\n",
        "  - request: GET\n",
    );
    for named in [
        ".",
        "./api-response-examples",
        "./api-response-examples/zoom/cases.yaml",
    ] {
        let out = set.test(&["--format", "json", named]);
        assert_eq!(out.status.code(), Some(2), "{named}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let file = &v["caseFiles"][0];
        assert_eq!(file["path"], CASES, "{named}");
        assert_eq!(file["findings"][0]["code"], "H004", "{named}");
        assert_eq!(file["findings"][0]["location"]["file"], CASES, "{named}");
        let out = set.test(&["--format", "github", named]);
        assert!(
            stdout(&out).starts_with(&format!("::error file={CASES},line=10,col=")),
            "{named}: {}",
            stdout(&out)
        );
    }
    set.edit(
        CASES,
        "  - request: GET\n",
        "  - request: GET https://api.zoom.us/v2/users\n",
    );
    let out = set.test(&["--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let case = &v["caseFiles"][0]["cases"][0];
    assert_eq!(case["caseFile"], CASES);
    assert_eq!(
        case["name"],
        format!("{CASES}:10: GET https://api.zoom.us/v2/users")
    );
    assert_eq!(
        case["original"],
        "api-response-examples/zoom/list-users.json"
    );
}

#[test]
fn the_whole_document_is_the_empty_pointer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir(root.join("sanitized")).expect("folder");
    std::fs::write(
        root.join("rules.yaml"),
        "endpoints: [{pathTemplate: \"/a\"}]\n",
    )
    .expect("w");
    std::fs::write(root.join("a.json"), "\"alice.smith@example.com\"\n").expect("w");
    std::fs::write(root.join("sanitized/a.json"), "\"other\"\n").expect("w");
    let cases = |leaks: &str| {
        std::fs::write(
            root.join("cases.yaml"),
            format!("rules: rules.yaml\ncases:\n  - request: GET https://x.example/a\n    original: a.json\n{leaks}"),
        )
        .expect("w");
    };
    cases("");
    let out = test_in(root, &["--format", "json", "."], &[]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let case = &v["caseFiles"][0]["cases"][0];
    assert_eq!(case["changes"][0]["pointer"], "", "{case}");
    let leak = &case["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["code"] == "H030")
        .expect("a leak")["location"];
    assert_eq!(leak["pointer"], "", "{leak}");
    let text = stdout(&test_in(root, &["."], &[]));
    assert!(
        text.contains("  (the whole document): expected \"other\""),
        "{text}"
    );
    // As reported, the pointer allows the leak.
    cases("    allowedLeaks: [\"\"]\n");
    let text = stdout(&test_in(root, &["."], &[]));
    assert!(!text.contains("H030") && !text.contains("H033"), "{text}");
}

#[test]
fn warnings_of_the_rules_are_reported_once_and_fail_only_strict_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(
        root.join("rules.yaml"),
        "endpoints:\n  - pathTemplate: \"/a\"\n    transforms:\n      - !<pseudonymize>\n        \
         jsonPaths: [\"$..email\", \"$.u.email\"]\n",
    )
    .expect("w");
    for set in ["s1", "s2"] {
        let folder = root.join(set);
        std::fs::create_dir_all(folder.join("sanitized")).expect("folders");
        std::fs::write(folder.join("a.json"), "1\n").expect("w");
        std::fs::write(folder.join("sanitized/a.json"), "1\n").expect("w");
        std::fs::write(
            folder.join("cases.yaml"),
            "rules: ../rules.yaml\ncases:\n  - request: GET https://x.example/a\n    original: a.json\n",
        )
        .expect("w");
    }
    let out = test_in(root, &["."], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.matches("warning[R059]").count(), 1, "{text}");
    // Beside the paths that select nothing (H023).
    assert!(
        text.ends_with("2 passed, 0 failed (3 warnings)\n"),
        "{text}"
    );
    let out = test_in(root, &["--strict", "."], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
}

#[test]
fn github_format_annotates_the_sanitized_file() {
    let set = Set::zoom();
    tamper_list_users(&set);
    let out = set.test(&["--format", "github"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains(&format!(
            "::error file={LIST_USERS},line=10,col=1,title=H010::the output of"
        )),
        "{text}"
    );
    // Line 10 of the committed file is the email that differs.
    let committed = std::fs::read_to_string(set.dir.path().join(LIST_USERS)).expect("committed");
    assert!(
        committed
            .lines()
            .nth(9)
            .expect("line 10")
            .contains("\"email\":\"t~XXXX"),
        "{committed}"
    );
    // Lines before the value, which the comparison trims, count in the file.
    set.write(LIST_USERS, &format!("\n\n{committed}"));
    let text = stdout(&set.test(&["--format", "github"]));
    assert!(
        text.contains(&format!(
            "::error file={LIST_USERS},line=12,col=1,title=H010::the output of"
        )),
        "{text}"
    );
    assert!(text.contains("%0A  /users/0/email: expected"), "{text}");
    assert!(
        text.ends_with(&format!("{} passed, 2 failed\n", zoom_cases() - 2)),
        "{text}"
    );
    // A difference in formatting alone stands at its line too.
    let set = Set::zoom();
    let committed = set.read(LIST_USERS);
    set.write(
        LIST_USERS,
        &committed.replacen("\"email\":", "\"email\" :", 1),
    );
    let text = stdout(&set.test(&["--format", "github"]));
    assert!(
        text.contains(&format!(
            "::error file={LIST_USERS},line=10,col=1,title=H010::the output of"
        )),
        "{text}"
    );
    assert!(text.contains("(in formatting)"), "{text}");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let set = Set::zoom();
    tamper_list_users(&set);
    assert!(!stdout(&set.test(&[])).contains('\x1b'));
    assert!(stdout(&set.test(&["--color", "always"])).contains("\x1b[1;31mFAIL\x1b[0m"));
}

#[test]
fn missing_path_is_unusable() {
    let out = test_in(&root(), &["no/such/cases.yaml"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("no/such/cases.yaml: error[H001]: no such file or folder"));
    // A device is there, but is no case file: said as such.
    let out = test_in(&root(), &["/dev/null"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains(
            "/dev/null: error[H001]: is neither a file nor a folder (a pipe or a device)"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn committed_cases_schema_is_current() {
    let committed =
        std::fs::read_to_string(root().join("schema/cases.schema.json")).unwrap_or_default();
    assert!(
        committed == harness::cases::json_schema_text(),
        "schema/cases.schema.json is stale; refresh it with \
         `cargo run -- schema --cases > schema/cases.schema.json`"
    );
}

#[test]
fn schema_cases_prints_the_cases_schema() {
    let out = Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
        .args(["schema", "--cases"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), harness::cases::json_schema_text());
}

#[test]
fn published_cases_schema_accepts_the_zoom_cases() {
    let schema = harness::cases::json_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let text = std::fs::read_to_string(root().join(CASES)).expect("readable");
    let view: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML reads");
    let errors: Vec<String> = validator
        .iter_errors(&view)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let bad = serde_json::json!({"rules": "r.yaml", "cases": [{"request": "GET /x", "orignal": "o.json"}]});
    assert!(!validator.is_valid(&bad));
}

#[test]
fn leak_no_rule_protects_names_the_endpoint() {
    let dir = contact_set("");
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "sanitized/contact.json#/support: error[H030]: leak: an email address in the output of \
             `GET /v1/contact`; no transform of the endpoint at rules.yaml:2:5 covers it"
        ),
        "{text}"
    );
    assert!(!text.contains("help@vendor"), "{text}");
}

/// A users list whose rules keep the originals of ids and emails (`includeOriginal`), and a
/// user lookup whose rules pseudonymize the id.
fn include_original_set() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write_files(
        dir.path(),
        &[
            (
                "rules.yaml",
                "endpoints:\n  - pathTemplate: \"/api/users.list\"\n    transforms:\n      - !<pseudonymize>\n        jsonPaths: [\"$.members[*].id\", \"$.members[*].profile.email\"]\n        encoding: \"JSON\"\n        includeOriginal: true\n  - pathTemplate: \"/api/users.info\"\n    transforms:\n      - !<pseudonymize>\n        jsonPaths: [\"$.user.id\"]\n",
            ),
            (
                "users.json",
                r#"{"members":[{"id":"U012AB3CDE","profile":{"email":"priya@example-corp.com"}},{"id":"U0BOT","profile":{"email":null}}]}"#,
            ),
            ("user.json", r#"{"user":{"id":"U012AB3CDE"}}"#),
            (
                "cases.yaml",
                "rules: rules.yaml\ncases:\n  - request: GET /api/users.list\n    original: users.json\n  - request: GET /api/users.info\n    original: user.json\n",
            ),
        ],
    );
    dir
}

#[test]
fn personal_data_kept_by_include_original_is_a_leak_naming_the_option() {
    let dir = include_original_set();
    let out = test_in(dir.path(), &["cases.yaml", "--bless"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    // The email, and the id that the lookup's rules protect.
    for (pointer, what, path, column) in [
        (
            "/members/0/id",
            "error[H032]: leak: the original value of a field that `pseudonymize` protects",
            "$.members[*].id",
            21,
        ),
        (
            "/members/0/profile/email",
            "error[H030]: leak: an email address",
            "$.members[*].profile.email",
            40,
        ),
    ] {
        let finding = format!(
            "sanitized/users.json#{pointer}: {what} in the output of `GET /api/users.list`; the \
             value is kept in clear by `includeOriginal` of the rule at rules.yaml:5:{column} \
             (pseudonymize `{path}`)\n = help: remove `includeOriginal` from the rule"
        );
        assert!(text.contains(&finding), "{finding}\n{text}");
    }
    assert!(!text.contains("covers it"), "{text}");
    assert!(
        text.contains("--bless is refused because of 2 leaks"),
        "{text}"
    );
    assert!(!dir.path().join("sanitized").exists(), "{text}");
    for value in ["priya", "U012AB3CDE"] {
        assert!(!text.contains(value), "{value} printed:\n{text}");
    }
}

/// `onlyIfRegex` is ignored by the proxy (§1.5): every value the path selects is pseudonymized,
/// so it is protected like any other.
#[test]
fn a_value_pseudonymized_with_only_if_regex_is_protected_elsewhere() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_files(
        dir.path(),
        &[
            (
                "rules.yaml",
                "endpoints:\n  - pathTemplate: \"/orgs/{org}/members\"\n    transforms:\n      - !<pseudonymize>\n        jsonPaths: [\"$[*].login\"]\n        onlyIfRegex: \"^m\"\n  - pathTemplate: \"/orgs/{org}/teams\"\n    transforms:\n      - !<pseudonymize>\n        jsonPaths: [\"$[*].id\"]\n",
            ),
            ("members.json", r#"[{"login":"kokonkwo","id":1}]"#),
            ("teams.json", r#"[{"name":"team of kokonkwo","id":2}]"#),
            (
                "cases.yaml",
                "rules: rules.yaml\ncases:\n  - request: GET /orgs/acme/members\n    original: members.json\n  - request: GET /orgs/acme/teams\n    original: teams.json\n",
            ),
        ],
    );
    let out = test_in(dir.path(), &["cases.yaml", "--bless"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "sanitized/teams.json#/0/name: error[H032]: leak: the original value of a field that \
             `pseudonymize` protects"
        ),
        "{text}"
    );
    assert!(!dir.path().join("sanitized").exists(), "{text}");
    assert!(!text.contains("kokonkwo"), "{text}");
}

#[test]
fn a_leak_cites_a_rule_of_the_endpoint_that_served_the_case() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_files(
        dir.path(),
        &[
            (
                "rules.yaml",
                "endpoints:\n  - pathTemplate: \"/repos/{owner}/{repo}/commits\"\n    transforms:\n      - !<pseudonymize>\n        jsonPaths:\n          - \"$..['author','committer'].login\"\n  - pathTemplate: \"/repos/{owner}/{repo}/pulls\"\n    transforms:\n      - !<pseudonymize>\n        jsonPaths:\n          - \"$[*].user.login\"\n",
            ),
            (
                "commits.json",
                r#"[{"sha":"6dcb09b","author":{"login":"octocat"},"committer":{"login":"octocat"}}]"#,
            ),
            (
                "pulls.json",
                r#"[{"number":1347,"user":{"login":"octocat","html_url":"https://github.com/octocat"}}]"#,
            ),
            (
                "cases.yaml",
                "rules: rules.yaml\ncases:\n  - request: GET /repos/o/r/commits\n    original: commits.json\n  - request: GET /repos/o/r/pulls\n    original: pulls.json\n",
            ),
        ],
    );
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    // The commits case, first, protected the login first; the pulls endpoint protects it too.
    assert!(
        text.contains(
            "sanitized/pulls.json#/0/user/html_url: error[H032]: leak: the original value of a \
             field that `pseudonymize` protects in the output of `GET /repos/o/r/pulls`; \
             pseudonymize `$[*].user.login` at rules.yaml:11:13 protects this value elsewhere"
        ),
        "{text}"
    );
    assert!(!text.contains("'committer'"), "{text}");
    assert!(!text.contains("octocat"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_file_kept_aside_by_a_bless_still_going_is_left_alone() {
    let dir = contact_set("/support");
    let p = dir.path();
    // `--bless` keeps the file it replaces as a second link to it, which carries that file's
    // modification time, two minutes back here; the link itself was made a moment ago.
    let old = p.join("sanitized/old.json");
    std::fs::write(&old, "{}\n").expect("written");
    std::fs::File::options()
        .write(true)
        .open(&old)
        .and_then(|f| {
            f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(120))
        })
        .expect("dated two minutes back");
    let kept = p.join("sanitized/.psoxy-rules-kept-Ab3xYz.tmp");
    std::fs::hard_link(&old, &kept).expect("linked");
    std::fs::remove_file(&old).expect("removed");
    let out = test_in(p, &["cases.yaml", "--strict"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains("H024"), "{}", stdout(&out));
    let out = test_in(p, &["cases.yaml", "--bless"], &[]);
    assert!(!stdout(&out).contains("removed"), "{}", stdout(&out));
    assert!(kept.exists());
}

#[test]
fn a_temporary_file_left_behind_is_a_warning_and_bless_deletes_it() {
    let dir = contact_set("/support");
    let p = dir.path();
    let name = "sanitized/.psoxy-rules-Ab3xYz.tmp";
    std::fs::write(p.join(name), "{\n  \"supp").expect("written");
    // Written to a moment ago, it may belong to a run still going: left alone.
    let out = test_in(p, &["cases.yaml"], &[]);
    assert!(
        stdout(&out).ends_with("1 passed, 0 failed\n"),
        "{}",
        stdout(&out)
    );
    std::fs::File::options()
        .write(true)
        .open(p.join(name))
        .and_then(|f| {
            f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(120))
        })
        .expect("dated two minutes back");
    let warning = format!(
        "{name}: warning[H024]: a temporary file left by an interrupted write\n = help: an \
         interrupted run of psoxy-rules left it; delete it, or run `psoxy-rules test --bless`, \
         which deletes it\n"
    );
    let out = test_in(p, &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(&warning), "{text}");
    assert!(!text.contains("H022"), "{text}");
    assert!(text.ends_with("1 passed, 0 failed (1 warning)\n"), "{text}");
    assert_eq!(
        test_in(p, &["cases.yaml", "--strict"], &[]).status.code(),
        Some(1)
    );
    // A refused --bless deletes nothing.
    let out = test_in(p, &["cases.yaml", "--bless"], &[("CI", "true")]);
    assert!(stdout(&out).contains(&warning), "{}", stdout(&out));
    assert!(p.join(name).exists());

    let out = test_in(p, &["cases.yaml", "--bless"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(
        text,
        format!("removed {name}\n1 passed, 0 failed (0 files written, 1 temporary file removed)\n")
    );
    assert!(!p.join(name).exists());
    assert_eq!(
        stdout(&test_in(p, &["cases.yaml"], &[])),
        "1 passed, 0 failed\n"
    );
}

/// Adds to the contact set a second case that names its sanitized file, with another output.
fn add_case_with_another_output(p: &Path) {
    std::fs::write(
        p.join("contact-2.json"),
        r#"{"name":"Al Roe","support":"help@vendor.example","extra":1}"#,
    )
    .expect("original");
    let mut cases = std::fs::read_to_string(p.join("cases.yaml")).expect("cases");
    cases.push_str(
        "  - request: GET /v1/contact?page=2\n    original: contact-2.json\n    sanitized: sanitized/contact.json\n    allowedLeaks: [/support]\n",
    );
    std::fs::write(p.join("cases.yaml"), cases).expect("cases");
}

#[test]
fn cases_naming_one_file_must_agree_and_bless_refuses_otherwise() {
    let dir = contact_set("/support");
    let p = dir.path();
    add_case_with_another_output(p);
    let text = conflict_is_reported_and_bless_refused(p);
    assert!(!text.contains("error[H022]"), "{text}");
}

/// Runs `test` on the contact set, whose second case names the first case's sanitized file
/// with another output, and then `--bless`; the first run's output.
fn conflict_is_reported_and_bless_refused(p: &Path) -> String {
    let out = test_in(p, &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "cases.yaml:6:5: error[H008]: this case names the same sanitized file as the case at \
             cases.yaml:3:5 but its output differs"
        ),
        "{text}"
    );
    let out = test_in(p, &["cases.yaml", "--bless"], &[]);
    assert!(
        stdout(&out).contains("--bless is refused because of 1 case with conflicting outputs"),
        "{}",
        stdout(&out)
    );
    text
}

#[cfg(unix)]
#[test]
fn cases_naming_one_file_through_a_linked_folder_must_agree_too() {
    let dir = contact_set("/support");
    let p = dir.path();
    add_case_with_another_output(p);
    std::os::unix::fs::symlink("sanitized", p.join("linked")).expect("link");
    let cases = std::fs::read_to_string(p.join("cases.yaml")).expect("cases");
    let relinked = cases.replacen(
        "original: contact-2.json\n    sanitized: sanitized/contact.json",
        "original: contact-2.json\n    sanitized: linked/contact.json",
        1,
    );
    assert_ne!(relinked, cases);
    std::fs::write(p.join("cases.yaml"), relinked).expect("cases");
    // A file no case names, in the folder both names reach: reported once.
    std::fs::write(p.join("sanitized/other.json"), "{}").expect("stray");
    let before = std::fs::read(p.join("sanitized/contact.json")).expect("committed");
    let text = conflict_is_reported_and_bless_refused(p);
    assert_eq!(text.matches("error[H022]").count(), 1, "{text}");
    assert_eq!(
        std::fs::read(p.join("sanitized/contact.json")).expect("kept"),
        before
    );
}

#[test]
fn a_missing_file_that_cases_with_different_outputs_name_is_not_said_to_be_made_by_bless() {
    let dir = contact_set("/support");
    let p = dir.path();
    std::fs::remove_file(p.join("sanitized/contact.json")).expect("removed");
    add_case_with_another_output(p);
    let out = test_in(p, &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let missing = "sanitized/contact.json: error[H011]: the sanitized file does not exist\n \
                   = help: give one of the cases that name this file its own `sanitized:` file \
                   first (H008): `--bless` writes nothing while their outputs differ\n";
    assert_eq!(text.matches(missing).count(), 2, "{text}");
    assert!(!text.contains("to create it"), "{text}");
}

#[test]
fn a_missing_file_whose_output_leaks_is_not_said_to_be_made_by_bless() {
    let dir = contact_set("/name");
    std::fs::remove_file(dir.path().join("sanitized/contact.json")).expect("removed");
    let text = stdout(&test_in(dir.path(), &["cases.yaml"], &[]));
    assert!(
        text.contains(
            "sanitized/contact.json: error[H011]: the sanitized file does not exist\n = help: fix \
             the leak reported for this case first: `--bless` writes nothing while anything \
             leaks\n"
        ),
        "{text}"
    );
}

#[test]
fn an_endpoint_whose_cases_cannot_read_their_originals_is_not_without_a_case() {
    let dir = temp_files(&[
        (
            "rules.yaml",
            "endpoints:\n  - pathTemplate: /v1/a\n  - pathTemplate: /v1/b\n  - pathTemplate: /v1/c\n",
        ),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /v1/a\n    original: missing.json\n    \
             sanitized: sanitized/a.json\n  - request: GET /v1/b\n    original: folder\n    \
             sanitized: sanitized/b.json\n",
        ),
        ("folder/x.json", "{ }"),
    ]);
    let p = dir.path();
    let out = test_in(p, &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert_eq!(text.matches("error[H006]").count(), 2, "{text}");
    assert!(
        text.contains(
            "rules.yaml:4:5: error[H021]: no case exercises this endpoint (pathTemplate `/v1/c`)"
        ),
        "{text}"
    );
    assert_eq!(text.matches("error[H021]").count(), 1, "{text}");
    // An empty path is refused, not read as the folder.
    edit(&p.join("cases.yaml"), "original: folder", "original: \"\"");
    let text = stdout(&test_in(p, &["cases.yaml"], &[]));
    assert!(
        text.contains(
            "cases.yaml:7:15: error[H004]: `original` is empty; it is the path of a file"
        ),
        "{text}"
    );
}

#[test]
fn rules_that_do_not_load_make_the_input_unusable() {
    let set = Set::zoom();
    set.edit(
        CASES,
        "rules: ../../example-rules/zoom/zoom.yaml",
        "rules: ../../example-rules/zoom/missing.yaml",
    );
    let out = set.test(&[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(&format!(
            "{CASES}:6:8: error[H005]: the rules file example-rules/zoom/missing.yaml does not load"
        )),
        "{text}"
    );
    assert!(text.contains("error[R001]"), "{text}");
    assert!(
        text.ends_with(&format!(
            "0 passed, {0} failed ({0} not run, 2 other errors)\n",
            zoom_cases()
        )),
        "{text}"
    );
}

#[test]
fn the_errors_of_rules_that_do_not_load_are_shown_with_their_excerpts() {
    let dir = temp_files(&[
        (
            "rules.yaml",
            "endpoints:\n  - pathTemplate: /x\n    methods: [GET]\n",
        ),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /x\n    original: x.json\n",
        ),
        ("x.json", "{}"),
    ]);
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(
            "rules.yaml:3:5: error[R012]: unknown key `methods`\n  |\n3 |     methods: [GET]\n  \
             |     ^^^^^^^\n  |\n  = help: did you mean `allowedMethods`?\n"
        ),
        "{text}"
    );
}

#[test]
fn the_errors_of_rules_that_two_case_files_use_are_listed_once() {
    let cases = "rules: ../rules.yaml\ncases:\n  - request: GET /x\n    original: x.json\n";
    let dir = temp_files(&[
        (
            "rules.yaml",
            "endpoints:\n  - pathTemplate: /x\n    methods: [GET]\n",
        ),
        ("a/cases.yaml", cases),
        ("a/x.json", "{}"),
        ("b/cases.yaml", cases),
        ("b/x.json", "{}"),
    ]);
    let out = test_in(dir.path(), &["a", "b"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert_eq!(text.matches("error[R012]").count(), 1, "{text}");
    assert_eq!(text.matches("error[H005]").count(), 2, "{text}");
    assert!(
        text.contains(
            "b/cases.yaml:1:8: error[H005]: the rules file rules.yaml does not load; no case of \
             this file can be replayed (its errors are listed with a/cases.yaml)\n"
        ),
        "{text}"
    );
    // A program reading the findings gets them once too.
    let out = test_in(dir.path(), &["--format", "json", "a", "b"], &[]);
    assert_eq!(stdout(&out).matches("\"R012\"").count(), 1);
}

#[test]
fn original_that_is_not_json_fails_its_case() {
    let set = Set::zoom();
    set.write(
        "api-response-examples/zoom/past-meeting-instances.json",
        "{\"meetings\": [",
    );
    let out = set.test(&[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error[H007]: the response cannot be sanitized: the body is not valid JSON"),
        "{text}"
    );
}

#[test]
fn report_of_a_tampered_file_for_people() {
    let set = Set::zoom();
    tamper_list_users(&set);
    insta::assert_snapshot!("tampered_human", stdout(&set.test(&[])));
}

#[test]
fn report_of_leaking_rules_as_annotations() {
    let set = Set::zoom();
    leak_emails(&set);
    std::fs::write(set.sanitized("stale.json"), "{ }\n").expect("written");
    insta::assert_snapshot!("leaks_github", stdout(&set.test(&["--format", "github"])));
}

#[cfg(unix)]
#[test]
fn bless_writes_nothing_when_a_sanitized_file_is_a_link_or_a_folder() {
    let set = Set::zoom();
    let rules = set.read(RULES);
    // A sanitized file that is a link (within the set), one that is a folder, and one that is
    // missing.
    std::fs::write(set.sanitized("kept-aside.json"), "{ }\n").expect("written");
    std::fs::remove_file(set.path(LIST_USERS)).expect("removed");
    std::os::unix::fs::symlink("kept-aside.json", set.path(LIST_USERS)).expect("linked");
    let folder = set.sanitized("user-recordings.json");
    std::fs::remove_file(&folder).expect("removed");
    std::fs::create_dir(&folder).expect("folder");
    let missing = set.sanitized("past-meeting-instances.json");
    std::fs::remove_file(&missing).expect("removed");

    let out = set.test(&["--bless"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(&format!(
            "{LIST_USERS}: error[H042]: the sanitized file is a symbolic link; it is not written"
        )),
        "{text}"
    );
    // Several cases name that file: it is reported once.
    assert_eq!(text.matches("is a symbolic link").count(), 1, "{text}");
    assert!(
        text.contains(&format!(
            "{LIST_USERS}: error[H042]: the sanitized file is a symbolic link; it is not written\n \
             = help: remove or rename the link that stands at its path, or name another file in \
             the case with `sanitized:`\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(
            "sanitized/user-recordings.json: error[H042]: the sanitized file is a folder; it is \
             not written\n = help: remove or rename the folder that stands at its path, or name \
             another file in the case with `sanitized:`\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "error[H041]: --bless is refused because 2 sanitized files cannot be written; \
             nothing was written"
        ),
        "{text}"
    );
    assert_eq!(set.read(RULES), rules);
    assert!(
        !missing.exists(),
        "nothing is written when one target is unfit"
    );
    assert!(
        std::fs::symlink_metadata(set.path(LIST_USERS))
            .expect("exists")
            .file_type()
            .is_symlink()
    );
    // Without --bless, the folder is named as what it is.
    assert!(
        stdout(&set.test(&[])).contains("error[H012]: the sanitized file is a folder, not a file"),
    );
}

#[test]
fn a_sanitized_file_naming_an_input_is_refused_before_anything_runs() {
    let set = Set::zoom();
    let rules = set.read(RULES);
    set.edit(
        CASES,
        "original: list-users.json",
        "original: list-users.json\n    sanitized: ../../example-rules/zoom/zoom.yaml",
    );
    for args in [&[][..], &["--bless"][..]] {
        let out = set.test(args);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(
            text.contains("error[H004]: the sanitized file is the rules file"),
            "{text}"
        );
        assert!(!text.contains("wrote "), "{text}");
    }
    assert_eq!(set.read(RULES), rules);
}

#[cfg(unix)]
#[test]
fn bless_does_not_follow_a_linked_folder_out_of_the_set() {
    let set = Set::zoom();
    let outside = tempfile::tempdir().expect("temp dir");
    let sanitized = set.path("api-response-examples/zoom/sanitized");
    std::fs::remove_dir_all(&sanitized).expect("removed");
    std::os::unix::fs::symlink(outside.path(), &sanitized).expect("linked");
    // Refused with the other problems of the case file, before anything is read or written.
    for args in [&[][..], &["--bless"][..]] {
        let out = set.test(args);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(
            text.contains(
                "error[H004]: the sanitized file `api-response-examples/zoom/sanitized/\
                 list-users.json`, taken as the case names none, leads outside the case file's \
                 folder through a symbolic link"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "= help: replace the link at `api-response-examples/zoom/sanitized/\
                 list-users.json` (or a folder of its path that is one) with a regular file, or \
                 name another file with `sanitized:`"
            ),
            "{text}"
        );
    }
    assert_eq!(
        std::fs::read_dir(outside.path()).expect("listable").count(),
        0,
        "nothing is written outside"
    );
}

/// A set whose two cases write `sanitized/a.json` and `second` (neither exists yet).
fn two_target_set(second: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = format!(
        "rules: rules.yaml\ncases:\n  - request: GET /v1/contact\n    original: contact.json\n    \
         sanitized: sanitized/a.json\n  - request: GET /v1/contact\n    original: contact.json\n    \
         sanitized: {second}\n"
    );
    write_files(
        dir.path(),
        &[
            (
                "rules.yaml",
                "endpoints:\n  - pathTemplate: /v1/contact\n    transforms:\n      - !<redact>\n        jsonPaths: [\"$.name\"]\n",
            ),
            ("contact.json", r#"{"name":"Jo Doe","id":1}"#),
            ("cases.yaml", &cases),
        ],
    );
    std::fs::create_dir(dir.path().join("sanitized")).expect("folder");
    dir
}

#[test]
fn bless_writes_nothing_when_a_folder_on_a_target_path_is_a_file() {
    let dir = two_target_set("blocker/b.json");
    let p = dir.path();
    std::fs::write(p.join("blocker"), "").expect("written");
    let out = test_in(p, &["cases.yaml", "--bless"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(
            "blocker/b.json: error[H042]: the sanitized file has a file where its path needs a \
             folder; it is not written\n = help: remove or rename the file `blocker`, which \
             stands where its path needs a folder, or name another file in the case with \
             `sanitized:`\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "error[H041]: --bless is refused because 1 sanitized file cannot be written; nothing \
             was written"
        ),
        "{text}"
    );
    assert!(listing(&p.join("sanitized")).is_empty(), "{text}");
}

#[test]
fn bless_writes_nothing_when_one_target_would_be_the_folder_of_another() {
    let dir = two_target_set("sanitized/a.json/b.json");
    let p = dir.path();
    let out = test_in(p, &["cases.yaml", "--bless"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(
            "sanitized/a.json: error[H042]: the sanitized file would also have to be the folder \
             of the sanitized file `sanitized/a.json/b.json`; it is not written\n = help: name \
             another file in one of the two cases with `sanitized:`: one path cannot be a file \
             and a folder\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "error[H041]: --bless is refused because 1 sanitized file cannot be written; nothing \
             was written"
        ),
        "{text}"
    );
    assert!(!text.contains("wrote "), "{text}");
    assert!(listing(&p.join("sanitized")).is_empty(), "{text}");
}

#[cfg(unix)]
#[test]
fn a_sanitized_file_that_cannot_be_read_says_why() {
    let dir = two_target_set("blocker/b.json");
    let p = dir.path();
    std::fs::write(p.join("blocker"), "").expect("written");
    let out = test_in(p, &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "blocker/b.json: error[H012]: the sanitized file cannot be read: `blocker` is a \
             file, where its path needs a folder\n"
        ),
        "{text}"
    );
}

/// A folder that the process running `psoxy-rules` cannot write to, and the command to run it
/// with: as it is, or, for a user whom permissions do not stop (root), as user 65534 through
/// `setpriv`. `None` when no such command is available.
#[cfg(unix)]
fn unwritable_folder(set: &Path, name: &str) -> Option<Command> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    let folder = set.join(name);
    std::fs::create_dir(&folder).expect("folder");
    mode(&folder, 0o555);
    if tempfile::tempfile_in(&folder).is_err() {
        return Some(Command::new(env!("CARGO_BIN_EXE_psoxy-rules")));
    }
    // Permissions do not stop this user: run as another, who can read the set and write to
    // every folder but `name`.
    let command = common::as_nobody(env!("CARGO_BIN_EXE_psoxy-rules"))?;
    common::open_to_all(set);
    mode(&folder, 0o555);
    Some(command)
}

#[cfg(unix)]
#[test]
fn bless_writes_nothing_when_a_target_folder_is_not_writable() {
    let dir = two_target_set("rodir/b.json");
    let p = dir.path();
    let Some(mut command) = unwritable_folder(p, "rodir") else {
        eprintln!("skipped: permissions do not stop this user, and setpriv is missing");
        return;
    };
    let out = command
        .args(["test", "cases.yaml", "--bless"])
        .current_dir(p)
        .env_remove("CI")
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs");
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(
            "rodir/b.json: error[H042]: the sanitized file cannot be written: Permission denied \
             (os error 13); it is not written"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "error[H041]: --bless is refused because 1 sanitized file cannot be written; nothing \
             was written"
        ),
        "{text}"
    );
    assert!(!text.contains(".tmp"), "{text}");
    assert!(listing(&p.join("sanitized")).is_empty(), "{text}");
    assert!(listing(&p.join("rodir")).is_empty(), "{text}");
}

#[test]
fn a_committed_file_that_is_not_json_is_named_as_such() {
    let set = Set::zoom();
    let text = set.read(LIST_USERS);
    set.write(LIST_USERS, &text.replacen('}', "", 1));
    let out = set.test(&[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "differs from the committed file, which is not valid JSON: expected an object key"
        ),
        "{text}"
    );
}

#[test]
fn personal_data_in_a_committed_file_is_withheld_from_the_diff() {
    let set = Set::zoom();
    let text = set.read(LIST_USERS);
    let start = text.find("\"email\":\"t~").expect("an email token") + "\"email\":\"".len();
    let end = start + text[start..].find('"').expect("the token ends");
    let mut tampered = text.clone();
    tampered.replace_range(start..end, "dana.secret@example.org");
    set.write(LIST_USERS, &tampered);
    for format in ["human", "json", "github"] {
        let out = set.test(&["--format", format]);
        let printed = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{printed}");
        assert!(printed.contains("H010"), "{printed}");
        assert!(!printed.contains("dana.secret"), "{format}: {printed}");
    }
}

#[test]
fn a_value_leaked_twice_in_one_string_is_one_finding() {
    let dir = contact_set("/support");
    let p = dir.path();
    std::fs::write(
        p.join("contact.json"),
        r#"{"name":"Jo Doe","support":"help@vendor.example","note":"ask Jo Doe, or Jo Doe"}"#,
    )
    .expect("original");
    let out = test_in(p, &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(text.matches("error[H032]").count(), 1, "{text}");
    assert!(!text.contains("Jo Doe"), "{text}");
}

#[test]
fn a_leak_in_a_later_value_of_the_response_is_found_and_blocks_bless() {
    let dir = temp_files(&[
        (
            "rules.yaml",
            "endpoints:\n  - pathTemplate: /v1/contacts\n    transforms:\n      - !<pseudonymize>\n        jsonPaths: [\"$.email\"]\n",
        ),
        (
            "contacts.ndjson",
            "{\"email\":\"a@x.org\"}\n{\"email\":\"b@x.org\",\"note\":\"call +1 415 555 0101\"}\n",
        ),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /v1/contacts\n    original: contacts.ndjson\n",
        ),
    ]);
    let p = dir.path();
    let out = test_in(p, &["cases.yaml", "--bless"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "error[H031]: leak: a phone number in value 2 of the output of `GET /v1/contacts` (the \
             sanitized file shows the first only)"
        ),
        "{text}"
    );
    assert!(
        text.contains("--bless is refused because of 1 leak"),
        "{text}"
    );
    assert!(!p.join("sanitized/contacts.ndjson").exists());
    assert!(!text.contains("415 555"), "{text}");
}

#[test]
fn a_number_dialled_without_plus_blocks_bless_and_an_id_does_not() {
    let dir = temp_files(&[
        ("rules.yaml", "endpoints:\n  - pathTemplate: /v1/notes\n"),
        (
            "notes.json",
            r#"{"id":"0012345678","note":"Fenna: 06 12 34 56 78 after six"}"#,
        ),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /v1/notes\n    original: notes.json\n",
        ),
    ]);
    let p = dir.path();
    let out = test_in(p, &["cases.yaml", "--bless"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(text.matches("error[H031]").count(), 1, "{text}");
    assert!(text.contains("/note"), "{text}");
    assert!(!text.contains("/id"), "{text}");
    assert!(!text.contains("34 56"), "{text}");
    assert!(!text.contains("Fenna"), "{text}");
    assert!(!p.join("sanitized/notes.json").exists());
}

#[test]
fn a_long_value_is_cut_after_its_leaks_are_withheld() {
    let dir = contact_set("/support");
    let p = dir.path();
    // The email straddles the place where a change line cuts a long value.
    let note = format!("{}mail priya.raman@partnerco.io or call", "x".repeat(60));
    std::fs::write(
        p.join("contact.json"),
        format!(r#"{{"name":"Jo Doe","support":"help@vendor.example","note":"{note}"}}"#),
    )
    .expect("original");
    std::fs::write(
        p.join("sanitized/contact.json"),
        "{\n  \"support\":\"help@vendor.example\",\n  \"note\":\"old\"\n}\n",
    )
    .expect("sanitized");
    for format in ["human", "json", "github"] {
        let out = test_in(p, &["cases.yaml", "--format", format], &[]);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(
            text.contains("error[H030]") || text.contains("H030"),
            "{text}"
        );
        assert!(!text.contains("priya"), "{format}: {text}");
    }
}

/// Runs the case file of [`contact_set`] with `request` written in place of its request.
fn contact_request(request: &str) -> Output {
    let dir = contact_set("/support");
    edit(&dir.path().join("cases.yaml"), "GET /v1/contact", request);
    test_in(dir.path(), &["cases.yaml"], &[])
}

#[test]
fn case_urls_the_proxy_cannot_receive_are_refused_at_the_request() {
    for (url, reason) in [
        (
            "ftp://api.example.com/v1/contact",
            "the scheme `ftp` is not `http` or `https`, the schemes of the proxy",
        ),
        (
            "https://[::1/v1/contact",
            "the IPv6 host `[::1` is not closed with `]`",
        ),
        (
            "https://api.example.com:70000/v1/contact",
            "the port 70000 is above 65535",
        ),
    ] {
        let out = contact_request(&format!("GET {url}"));
        let text = stdout(&out);
        assert_ne!(out.status.code(), Some(0), "{text}");
        assert!(
            text.contains(&format!(
                "cases.yaml:3:14: error[H004]: `{url}` is not a request URL: {reason}"
            )),
            "{text}"
        );
    }
    // A URL in the query of a bare path is part of the query.
    let out = contact_request("GET /v1/contact?next=https://h/x");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn an_original_outside_the_case_files_folder_is_not_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let secret = r#"{"private_key":"a-credential-of-the-runner"}"#;
    write_files(
        p,
        &[
            ("credentials.json", secret),
            ("set/rules.yaml", "endpoints:\n  - pathTemplate: /v1/x\n"),
            ("set/sanitized/x.json", "{ }\n"),
        ],
    );
    let absolute = p.join("credentials.json").display().to_string();
    for (original, sanitized) in [
        ("../credentials.json", "\n    sanitized: sanitized/x.json"),
        (absolute.as_str(), "\n    sanitized: sanitized/x.json"),
        (absolute.as_str(), ""),
        ("../../x.json", ""),
    ] {
        write_files(
            p,
            &[(
                "set/cases.yaml",
                &format!(
                    "rules: rules.yaml\ncases:\n  - request: GET /v1/x\n    original: {original}{sanitized}\n"
                ),
            )],
        );
        let out = test_in(p, &["set/cases.yaml"], &[]);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(2), "{original}: {text}");
        assert!(
            text.contains(
                "set/cases.yaml:4:15: error[H004]: the original is outside the case file's folder"
            ),
            "{original}: {text}"
        );
        assert!(!text.contains("sanitized file"), "{original}: {text}");
        assert!(!text.contains("credential-of"), "{original}: {text}");
    }
}

#[cfg(unix)]
#[test]
fn an_original_linked_from_outside_the_case_files_folder_is_not_read() {
    let dir = temp_files(&[
        (
            "credentials.json",
            r#"{"private_key":"a-credential-of-the-runner"}"#,
        ),
        ("set/rules.yaml", "endpoints:\n  - pathTemplate: /v1/x\n"),
        ("set/sanitized/x.json", "{ }\n"),
        (
            "set/cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /v1/x\n    original: x.json\n",
        ),
    ]);
    let p = dir.path();
    std::os::unix::fs::symlink("../credentials.json", p.join("set/x.json")).expect("linked");
    let out = test_in(p, &["set/cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(
            "set/cases.yaml:4:15: error[H004]: the original leads outside the case file's folder \
             through a symbolic link"
        ),
        "{text}"
    );
    assert!(!text.contains("credential-of"), "{text}");
}

/// A set in `nest/` whose one case writes `target`, with a set of its own in `nest/sub/` (rules
/// `sub/r.yaml`, original `sub/a.json`).
fn nested_sets(target: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = "endpoints: [{pathTemplate: \"/v1/x\", transforms: [!<pseudonymize> {jsonPaths: [\"$.name\"]}]}]\n";
    let original = r#"{"name":"Bob","v":1}"#;
    write_files(
        dir.path(),
        &[
            ("rules3.yaml", rules),
            (
                "nest/cases.yaml",
                &format!(
                    "rules: ../rules3.yaml\ncases:\n  - request: GET /v1/x\n    original: a.json\n    \
                     sanitized: {target}\n"
                ),
            ),
            ("nest/a.json", original),
            (
                "nest/sub/cases.yaml",
                "rules: r.yaml\ncases:\n  - request: GET /v1/x\n    original: a.json\n",
            ),
            ("nest/sub/r.yaml", rules),
            ("nest/sub/a.json", original),
        ],
    );
    dir
}

/// Every file under `dir` and its bytes.
fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walkable").into_path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).expect("readable");
            (p, bytes)
        })
        .collect()
}

#[test]
fn a_sanitized_file_naming_what_another_set_reads_is_refused_whichever_file_is_named() {
    for (target, problem) in [
        (
            "sub/cases.yaml",
            "the sanitized file is named `cases.yaml`, the name of case files",
        ),
        (
            "sub/a.json",
            "the sanitized file is the original of the case at nest/sub/cases.yaml:3:5",
        ),
        (
            "sub/r.yaml",
            "the sanitized file is the rules file of nest/sub/cases.yaml",
        ),
    ] {
        let dir = nested_sets(target);
        let before = contents(dir.path());
        for named in ["nest/cases.yaml", "nest"] {
            let out = test_in(dir.path(), &[named, "--bless"], &[]);
            let text = stdout(&out);
            assert_eq!(out.status.code(), Some(2), "{target} {named}: {text}");
            assert!(
                text.contains(&format!("nest/cases.yaml:5:16: error[H004]: {problem}\n")),
                "{target} {named}: {text}"
            );
            assert!(!text.contains("wrote "), "{target} {named}: {text}");
            assert!(contents(dir.path()) == before, "{target} {named}: {text}");
        }
    }
    // Named from the set's own folder, the other set is named from there too.
    let dir = nested_sets("sub/a.json");
    let text = stdout(&test_in(&dir.path().join("nest"), &["cases.yaml"], &[]));
    assert!(
        text.contains(
            "cases.yaml:5:16: error[H004]: the sanitized file is the original of the case at \
             sub/cases.yaml:3:5\n"
        ),
        "{text}"
    );
}

#[test]
fn a_sanitized_file_naming_an_original_of_the_set_above_is_refused() {
    let dir = nested_sets("sanitized/a.json");
    // The set above reads `sub/a.json`, which the set below would write.
    write_files(
        dir.path(),
        &[
            (
                "nest/sub/cases.yaml",
                "rules: r.yaml\ncases:\n  - request: GET /v1/x\n    original: b.json\n    sanitized: a.json\n",
            ),
            (
                "nest/cases.yaml",
                "rules: ../rules3.yaml\ncases:\n  - request: GET /v1/x\n    original: sub/a.json\n",
            ),
        ],
    );
    let before = std::fs::read(dir.path().join("nest/sub/a.json")).expect("readable");
    let out = test_in(dir.path(), &["nest/sub/cases.yaml", "--bless"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(
            "nest/sub/cases.yaml:5:16: error[H004]: the sanitized file is the original of the case \
             at nest/cases.yaml:3:5"
        ),
        "{text}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("nest/sub/a.json")).expect("readable"),
        before
    );
}

/// Whether `text` holds a control character other than a line break, or a line that GitHub
/// Actions would read as a workflow command.
fn forges_output(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n')
        || text.lines().any(|l| l.trim_start().starts_with("::"))
}

#[test]
fn a_request_with_a_control_character_is_refused_and_printed_escaped() {
    for (request, escaped) in [
        (r"GET /v2/nope\n::error title=forged::injected", r"\n"),
        (r"GET /v1/contact\e[2J", r"\u001b"),
        (r"GET /v1/contact\0", r"\u0000"),
        (r"GET\t/v1/contact", r"\t"),
    ] {
        let out = contact_request(&format!("\"{request}\""));
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(
            text.contains(&format!(
                "cases.yaml:3:14: error[H004]: the request holds a control character (`{escaped}`)"
            )),
            "{request}: {text}"
        );
        assert!(!forges_output(&text), "{request}: {text:?}");
    }
}

#[test]
fn control_characters_of_case_file_values_are_printed_escaped() {
    let dir = contact_set(r#""/support", "/a\e[2J\n::warning::forged""#);
    edit(
        &dir.path().join("cases.yaml"),
        "original: contact.json",
        "original: contact.json\n    sanitized: \"sanitized/c\\e[31m\\n::error::x.json\"",
    );
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(r"warning[H033]: nothing leaks at `/a\u001b[2J\n::warning::forged`"),
        "{text}"
    );
    assert!(
        text.contains(r"  sanitized: sanitized/c\u001b[31m\n::error::x.json"),
        "{text}"
    );
    assert!(!forges_output(&text), "{text:?}");
    // The file written is named escaped, also among GitHub annotations.
    let out = test_in(
        dir.path(),
        &["cases.yaml", "--bless", "--format", "github"],
        &[],
    );
    let text = stdout(&out);
    assert!(
        text.contains("wrote sanitized/c\\u001b[31m\\n::error::x.json\n"),
        "{text}"
    );
    assert!(
        text.lines()
            .filter(|l| l.starts_with("::"))
            .all(|l| l.contains(",title=H0")),
        "{text}"
    );
}

#[test]
fn line_breaks_in_member_and_file_names_cannot_forge_lines_of_the_human_output() {
    let forged = "x\n::error file=z::evil";
    let dir = temp_files(&[
        ("rules.yaml", "endpoints:\n  - pathTemplate: /v1/x\n"),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /v1/x\n    original: o.json\n",
        ),
    ]);
    // A folder whose name holds a line break, for the diff's header, and a member name that
    // holds one, for the list of changes.
    let set = dir.path().join(forged);
    std::fs::create_dir_all(set.join("sanitized")).expect("folder");
    std::fs::copy(dir.path().join("rules.yaml"), set.join("rules.yaml")).expect("copy");
    std::fs::copy(dir.path().join("cases.yaml"), set.join("cases.yaml")).expect("copy");
    let member = r#""k\n::error file=x::pwned""#;
    std::fs::write(set.join("o.json"), format!(r#"{{{member}:"v","n":1}}"#)).expect("write");
    std::fs::write(
        set.join("sanitized/o.json"),
        format!(r#"{{{member}:"old","n":2}}"#),
    )
    .expect("write");
    let out = test_in(dir.path(), &[forged], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error[H010]"), "{text}");
    assert!(
        text.lines().all(|l| !l.starts_with("::")),
        "a line starts a workflow command:\n{text}"
    );
    assert!(
        text.contains("x\\n::error file=z::evil/sanitized/o.json (committed)"),
        "{text}"
    );
    assert!(
        text.contains("/k\\n::error file=x::pwned: expected"),
        "{text}"
    );
}

#[test]
fn a_path_that_selects_nothing_is_told_where_it_stops_in_the_example_responses() {
    let dir = temp_files(&[
        (
            "rules.yaml",
            r#"endpoints:
  - pathTemplate: /api/conversations.history
    transforms:
      - !<pseudonymize>
        jsonPaths:
          - "$.messages[*].reactions.users[*]"
          - "$.messages[*].usr"
          - "$.messages[*].usre"
          - "$..thread_tz"
          - "$.messages[*].files[*].user"
          - "$.messages[*].reply_users[*]"
          - "$.byUser['ada@contoso.exampel']"
      - !<redact>
        jsonPaths: ["$.messages[*].thread_ts"]
      - !<pseudonymize>
        jsonPaths: ["$.messages[*].thread_ts"]
    responseSchema:
      type: object
      properties:
        messages:
          type: array
          items:
            type: object
            properties:
              user: {type: string}
              thread_ts: {type: string}
              reactions:
                type: array
                items:
                  type: object
                  properties:
                    users: {type: array, items: {type: string}}
"#,
        ),
        (
            "history.json",
            r#"{"messages": [{"user": "U1", "thread_ts": "1.2", "reactions": [{"users": ["U2"]}],
                "files": [{"user": "U1"}]}], "byUser": {"ada@contoso.example": 1}}"#,
        ),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /api/conversations.history\n    original: history.json\n",
        ),
    ]);
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    let helps: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("= help: "))
        .filter(|h| !h.contains("--bless"))
        .collect();
    assert_eq!(
        helps,
        [
            "`$.messages[*].reactions` selects arrays, whose elements have `users`: write \
             `$.messages[*].reactions[*].users`",
            "the objects that `$.messages[*]` selects have no `usr`: did you mean `user`?",
            // Two letters swapped are one edit.
            "the objects that `$.messages[*]` selects have no `usre`: did you mean `user`?",
            "no member below `$` is named `thread_tz`: did you mean `thread_ts`?",
            "`$.messages[*].files[*].user` selects values in the example responses as they are \
             received: the `responseSchema` at rules.yaml:18:7 drops them, before this transform \
             runs",
            "in the example responses, `$.messages[*]` selects values, and `.reply_users` \
             selects nothing in them",
            // A member name that holds an email address is never offered.
            "in the example responses, `$.byUser` selects values, and \
             `['ada@contoso.exampel']` selects nothing in them",
            "`$.messages[*].thread_ts` selects values in the example responses as they are \
             received: an earlier transform removes them, before this transform runs",
        ],
        "{text}"
    );
}

#[test]
fn a_missing_original_names_the_file_beside_it_a_typo_away() {
    let dir = temp_files(&[
        (
            "rules.yaml",
            "endpoints:\n  - pathTemplate: /api/users.list\n    transforms:\n      - !<pseudonymize>\n        jsonPaths: [\"$.members[*].id\"]\n",
        ),
        ("users-list.json", r#"{"members": [{"id": "U1"}]}"#),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /api/users.list\n    original: users-lists.json\n  - request: GET /api/users.list\n    original: elsewhere.json\n",
        ),
    ]);
    let out = test_in(dir.path(), &["cases.yaml"], &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert_eq!(text.matches("error[H006]").count(), 2, "{text}");
    // Only the name a typo away from a file beside it gets a suggestion.
    assert_eq!(
        text.matches("= help: did you mean `users-list.json`, in the same folder?")
            .count(),
        1,
        "{text}"
    );
}

#[test]
fn the_help_of_bless_lists_every_reason_a_bless_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = test_in(dir.path(), &["--help"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        help.contains(
            "(refused, writing nothing, when CI is set, anything leaks, two cases naming one \
             file disagree, an input cannot be used, or a target cannot be written: a link, a \
             folder, a file the run reads, one this user may not write)"
        ),
        "{help}"
    );
}

#[test]
fn what_a_regex_transform_takes_out_of_a_string_leaks_where_it_stays_in_clear() {
    let dir = temp_files(&[
        (
            "rules.yaml",
            "endpoints:\n  - pathTemplate: /m\n    transforms:\n      - !<tokenize>\n        jsonPaths: [\"$.link\"]\n        regex: \"^https://graph/users/([A-Za-z0-9]+)/.*$\"\n",
        ),
        (
            "a.json",
            r#"{"link":"https://graph/users/Quillon77/messages"}"#,
        ),
        // The regex misses this link (`Users`), which keeps the id in clear.
        (
            "b.json",
            r#"{"link":"https://graph/Users/Quillon77/messages"}"#,
        ),
        (
            "cases.yaml",
            "rules: rules.yaml\ncases:\n  - request: GET /m\n    original: a.json\n  - request: GET /m\n    original: b.json\n",
        ),
    ]);
    let out = test_in(
        dir.path(),
        &["cases.yaml", "--bless"],
        &[("PSOXY_ENCRYPTION_KEY", "secret")],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "sanitized/b.json#/link: error[H032]: leak: the original value of a field that \
             `tokenize` protects in the output of `GET /m`; tokenize `$.link` at rules.yaml:5:21 \
             protects this value elsewhere"
        ),
        "{text}"
    );
    assert!(!text.contains("Quillon77"), "{text}");
    assert!(!dir.path().join("sanitized").exists(), "{text}");
}
