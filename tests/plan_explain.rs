//! `compile --explain` output for realistic rule sets, snapshot-tested, and their pass counts.

use psoxy_rules::jsonpath::parse;
use psoxy_rules::plan::{Action, PassKind, SplitReason, TransformSpec, compile};

fn transform(action: Action, paths: &[&str]) -> TransformSpec {
    TransformSpec {
        action,
        paths: paths
            .iter()
            .map(|p| parse(p).unwrap_or_else(|e| panic!("{p}: {e}")))
            .collect(),
        guard: None,
        abort_stops_path: false,
    }
}

fn guarded(mut t: TransformSpec, guard: &str) -> TransformSpec {
    t.guard = Some(parse(guard).unwrap_or_else(|e| panic!("{guard}: {e}")));
    t
}

fn aborting(mut t: TransformSpec) -> TransformSpec {
    t.abort_stops_path = true;
    t
}

/// The meeting endpoint of `example-rules/zoom/zoom.yaml`.
fn zoom_meeting() -> Vec<TransformSpec> {
    vec![
        transform(
            Action::Map,
            &[
                "$['host_id','host_email','assistant_id','pmi']",
                "$..email",
                "$..contact_email",
                "$..participants[*]",
            ],
        ),
        transform(Action::Map, &["$.settings.alternative_hosts"]),
    ]
}

/// Gmail messages: headers pseudonymized by name, the rest of the headers redacted.
fn gmail() -> Vec<TransformSpec> {
    vec![
        transform(
            Action::Map,
            &["$.payload.headers[?(@.name =~ /^(From|To|Cc|Bcc)$/i)].value"],
        ),
        transform(
            Action::Map,
            &["$.payload.headers[?(@.name =~ /^(X-Original-Sender|Delivered-To|Sender)$/i)].value"],
        ),
        transform(
            Action::Delete,
            &[
                "$.payload.headers[?(!(@.name =~ /^From|To|Cc|Bcc|X-Original-Sender|Delivered-To|Sender|Message-ID|Date|In-Reply-To|Original-Message-ID|References$/i))]",
            ],
        ),
    ]
}

/// Salesforce query results: ids pseudonymized, user ids only when a record is a User.
fn salesforce_query() -> Vec<TransformSpec> {
    vec![
        transform(
            Action::Map,
            &[
                "$.records[*].CreatedById",
                "$.records[*].OwnerId",
                "$.records[*].Email",
            ],
        ),
        guarded(
            transform(Action::Map, &["$.records[*].Id"]),
            "$.records[?(@.attributes.type == \"User\")]",
        ),
        transform(Action::Delete, &["$..attributes"]),
        transform(
            Action::Delete,
            &["$.records[*].Description", "$.records[*].Subject"],
        ),
    ]
}

/// Rules whose order needs more than one walk: a guard reading what an earlier redact
/// removes, a value function that can stop a path, and a filter on an absolute path that an
/// earlier rule changes.
fn needs_splits() -> Vec<TransformSpec> {
    vec![
        transform(Action::Delete, &["$..attributes"]),
        guarded(
            transform(Action::Map, &["$.records[*].Id"]),
            "$.records[?(@.attributes.type == \"User\")]",
        ),
        aborting(transform(Action::Map, &["$.records[*].Body"])),
        transform(
            Action::Map,
            &["$.owner", "$.records[?(@.OwnerId == $.owner)].Name"],
        ),
    ]
}

#[test]
fn zoom_meeting_plan() {
    let plan = compile(&zoom_meeting());
    assert_eq!(plan.passes().len(), 1);
    insta::assert_snapshot!(plan.explain());
}

#[test]
fn gmail_plan() {
    let plan = compile(&gmail());
    assert_eq!(plan.passes().len(), 1);
    insta::assert_snapshot!(plan.explain());
}

#[test]
fn salesforce_query_plan() {
    let plan = compile(&salesforce_query());
    assert_eq!(plan.passes().len(), 1);
    insta::assert_snapshot!(plan.explain());
}

#[test]
fn plan_with_splits() {
    let plan = compile(&needs_splits());
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
    insta::assert_snapshot!(plan.explain());
}
