//! `compile --explain` output for realistic rule sets, snapshot-tested, and their pass counts.

use psoxy_rules::jsonpath::parse;
use psoxy_rules::plan::{Action, PassKind, Plan, SplitReason, TransformSpec, compile};

/// A transform's kind as the rules name it, with its spec.
type Named = (&'static str, TransformSpec);

/// A transform of `kind`: `redact` deletes, every other kind maps.
fn transform(kind: &'static str, paths: &[&str]) -> Named {
    let action = if kind == "redact" {
        Action::Delete
    } else {
        Action::Map
    };
    let spec = TransformSpec {
        action,
        paths: paths
            .iter()
            .map(|p| parse(p).unwrap_or_else(|e| panic!("{p}: {e}")))
            .collect(),
        guard: None,
        abort_stops_path: false,
    };
    (kind, spec)
}

fn guarded(mut t: Named, guard: &str) -> Named {
    t.1.guard = Some(parse(guard).unwrap_or_else(|e| panic!("{guard}: {e}")));
    t
}

fn aborting(mut t: Named) -> Named {
    t.1.abort_stops_path = true;
    t
}

/// The plan of `transforms`, and its explanation naming their kinds.
fn explained(transforms: &[Named]) -> (Plan, String) {
    let specs: Vec<TransformSpec> = transforms.iter().map(|(_, s)| s.clone()).collect();
    let kinds: Vec<&str> = transforms.iter().map(|(k, _)| *k).collect();
    let plan = compile(&specs);
    let text = plan.explain(&kinds);
    (plan, text)
}

/// The meeting endpoint of `example-rules/zoom/zoom.yaml`.
fn zoom_meeting() -> Vec<Named> {
    vec![
        transform(
            "pseudonymize",
            &[
                "$['host_id','host_email','assistant_id','pmi']",
                "$..email",
                "$..contact_email",
                "$..participants[*]",
            ],
        ),
        transform(
            "pseudonymizeRegexMatches",
            &["$.settings.alternative_hosts"],
        ),
    ]
}

/// Gmail messages: headers pseudonymized by name, the rest of the headers redacted.
fn gmail() -> Vec<Named> {
    vec![
        transform(
            "pseudonymizeEmailHeader",
            &["$.payload.headers[?(@.name =~ /^(From|To|Cc|Bcc)$/i)].value"],
        ),
        transform(
            "pseudonymize",
            &["$.payload.headers[?(@.name =~ /^(X-Original-Sender|Delivered-To|Sender)$/i)].value"],
        ),
        transform(
            "redact",
            &[
                "$.payload.headers[?(!(@.name =~ /^From|To|Cc|Bcc|X-Original-Sender|Delivered-To|Sender|Message-ID|Date|In-Reply-To|Original-Message-ID|References$/i))]",
            ],
        ),
    ]
}

/// Salesforce query results: ids pseudonymized, user ids only when a record is a User.
fn salesforce_query() -> Vec<Named> {
    vec![
        transform(
            "pseudonymize",
            &[
                "$.records[*].CreatedById",
                "$.records[*].OwnerId",
                "$.records[*].Email",
            ],
        ),
        guarded(
            transform("pseudonymize", &["$.records[*].Id"]),
            "$.records[?(@.attributes.type == \"User\")]",
        ),
        transform("redact", &["$..attributes"]),
        transform(
            "redact",
            &["$.records[*].Description", "$.records[*].Subject"],
        ),
    ]
}

/// Rules whose order needs more than one walk: a guard reading what an earlier redact
/// removes, a value function that can stop a path, and a filter on an absolute path that an
/// earlier rule changes.
fn needs_splits() -> Vec<Named> {
    vec![
        transform("redact", &["$..attributes"]),
        guarded(
            transform("pseudonymize", &["$.records[*].Id"]),
            "$.records[?(@.attributes.type == \"User\")]",
        ),
        aborting(transform("textDigest", &["$.records[*].Body"])),
        transform(
            "pseudonymize",
            &["$.owner", "$.records[?(@.OwnerId == $.owner)].Name"],
        ),
    ]
}

#[test]
fn zoom_meeting_plan() {
    let (plan, text) = explained(&zoom_meeting());
    assert_eq!(plan.passes().len(), 1);
    insta::assert_snapshot!(text);
}

#[test]
fn gmail_plan() {
    let (plan, text) = explained(&gmail());
    assert_eq!(plan.passes().len(), 1);
    insta::assert_snapshot!(text);
}

#[test]
fn salesforce_query_plan() {
    let (plan, text) = explained(&salesforce_query());
    assert_eq!(plan.passes().len(), 1);
    insta::assert_snapshot!(text);
}

#[test]
fn plan_with_splits() {
    let (plan, text) = explained(&needs_splits());
    let kinds: Vec<PassKind> = plan
        .passes()
        .iter()
        .map(psoxy_rules::plan::Pass::kind)
        .collect();
    assert_eq!(
        kinds,
        [
            PassKind::Walk,
            PassKind::Walk,
            PassKind::Naive,
            PassKind::Walk,
            PassKind::Walk
        ]
    );
    assert!(matches!(
        plan.passes()[1].reason(),
        SplitReason::GuardReadsWrite { transform: 1, .. }
    ));
    assert!(matches!(
        plan.passes()[4].reason(),
        SplitReason::AbsoluteReadOfWrite { .. }
    ));
    insta::assert_snapshot!(text);
}

#[test]
fn the_json_plan_holds_what_the_text_shows() {
    let transforms = needs_splits();
    let specs: Vec<TransformSpec> = transforms.iter().map(|(_, s)| s.clone()).collect();
    let kinds: Vec<&str> = transforms.iter().map(|(k, _)| *k).collect();
    let plan = compile(&specs);
    let json = plan.explain_json(&kinds);
    let kinds_of = |value: &serde_json::Value| -> Vec<String> {
        value
            .as_array()
            .expect("a list")
            .iter()
            .map(|p| p["kind"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        kinds_of(&json["passes"]),
        ["walk", "walk", "naive", "walk", "walk"]
    );
    // A naive pass lists its steps in order, with their paths.
    assert_eq!(
        json["passes"][2]["steps"],
        serde_json::json!([{
            "rule": "t3.p1",
            "kind": "textDigest",
            "action": "map",
            "path": "$.records[*].Body"
        }])
    );
    assert_eq!(json["passes"][1]["guards"], serde_json::json!(["t2"]));
    // Each transform with its guard, whether it can stop a path, and its paths.
    assert_eq!(
        json["transforms"][1]["applyOnlyWhen"],
        "$.records[?(@.attributes.type == 'User')]"
    );
    assert_eq!(json["transforms"][2]["stopsPath"], true);
    assert_eq!(
        json["transforms"][3]["paths"],
        serde_json::json!([
            {"rule": "t4.p1", "path": "$.owner"},
            {"rule": "t4.p2", "path": "$.records[?(@.OwnerId == $.owner)].Name"}
        ])
    );
    assert_eq!(json["rules"], 5);
}

#[test]
fn without_kinds_each_action_stands_alone() {
    let specs: Vec<TransformSpec> = salesforce_query().into_iter().map(|(_, s)| s).collect();
    let text = compile(&specs).explain(&[]);
    assert!(
        text.contains("\nt1 map\n  t1.p1 $.records[*].CreatedById\n"),
        "{text}"
    );
    assert!(
        text.contains("\nt3 delete\n  t3.p1 $..attributes\n"),
        "{text}"
    );
    assert!(text.contains("    => t4.p2 delete\n"), "{text}");
}

#[test]
fn a_path_that_reaches_a_place_more_than_once_runs_in_a_naive_pass() {
    let (plan, text) = explained(&[
        transform("pseudonymize", &["$..email", "$..user..email"]),
        transform("redact", &["$..secret", "$.tokens[0,-1]"]),
    ]);
    let passes: Vec<(PassKind, String)> = plan
        .passes()
        .iter()
        .map(|p| (p.kind(), p.reason().to_string()))
        .collect();
    assert_eq!(
        passes,
        [
            (PassKind::Walk, "first pass".to_owned()),
            (
                PassKind::Naive,
                "t1.p2 can reach a location more than once: updated as often, in reference order"
                    .to_owned()
            ),
            (PassKind::Walk, "resumes after a naive pass".to_owned()),
            (
                PassKind::Naive,
                "t2.p2 can reach a location more than once: updated as often, in reference order"
                    .to_owned()
            ),
        ]
    );
    assert!(matches!(
        plan.passes()[1].reason(),
        SplitReason::SelectsAgain { rule } if rule.transform == 0 && rule.path == 1
    ));
    insta::assert_snapshot!(text);
}
