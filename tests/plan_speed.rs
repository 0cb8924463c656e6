//! Speed of the compiled plan against the naive engine on large generated Zoom responses.
//! Measured, not asserted: run in release with
//! `cargo test --release --test plan_speed -- --ignored --nocapture` after generating the
//! documents with `gen_zoom.py KIND 20 /tmp/gen/KIND.json` (KIND: meeting, users,
//! participants). Parsing and cloning are outside the timings.

use std::time::{Duration, Instant};

use psoxy_rules::json::{Value, parse_value, to_compact_string};
use psoxy_rules::jsonpath::parse;
use psoxy_rules::plan::{Action, MapError, Mapper, TransformSpec, compile, naive};

/// A cheap value function: strings become one fixed 45-byte string, anything else null.
struct Fixed;

impl<'a> Mapper<'a> for Fixed {
    type Error = ();

    fn map(&mut self, _: usize, value: &mut Value<'a>) -> Result<(), MapError<()>> {
        *value = match value {
            Value::String(_) => Value::string("p~0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"),
            _ => Value::Null,
        };
        Ok(())
    }
}

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

fn meeting() -> Vec<TransformSpec> {
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

fn meeting_deep() -> Vec<TransformSpec> {
    let mut t = meeting();
    t.push(transform(
        Action::Delete,
        &["$..name", "$..join_url", "$..city", "$..internal_user"],
    ));
    t
}

fn users() -> Vec<TransformSpec> {
    vec![
        transform(Action::Map, &["$.users[*]['email','phone_number','pmi']"]),
        transform(Action::Map, &["$.users[*].id"]),
    ]
}

fn participants() -> Vec<TransformSpec> {
    vec![transform(
        Action::Map,
        &["$.participants[*]['id','user_id','participant_user_id','user_email','pmi']"],
    )]
}

fn best_of<F: FnMut() -> Duration>(runs: usize, mut f: F) -> Duration {
    (0..runs).map(|_| f()).min().unwrap_or_default()
}

fn measure(name: &str, file: &str, transforms: &[TransformSpec]) {
    let Ok(text) = std::fs::read_to_string(file) else {
        eprintln!("{name}: {file} not found, skipped");
        return;
    };
    let doc = parse_value(&text).expect("generated document parses");
    let plan = compile(transforms);
    let mut naive_out = String::new();
    let naive_time = best_of(5, || {
        let mut d = doc.clone();
        let start = Instant::now();
        naive::run(transforms, &mut d, &mut Fixed).expect("naive run succeeds");
        let t = start.elapsed();
        naive_out = to_compact_string(&d);
        t
    });
    let mut plan_out = String::new();
    let plan_time = best_of(5, || {
        let mut d = doc.clone();
        let start = Instant::now();
        plan.run(&mut d, &mut Fixed).expect("plan run succeeds");
        let t = start.elapsed();
        plan_out = to_compact_string(&d);
        t
    });
    assert!(naive_out == plan_out, "{name}: outputs differ");
    let clone_time = best_of(3, || {
        let start = Instant::now();
        let d = doc.clone();
        let t = start.elapsed();
        drop(d);
        t
    });
    let parse_time = best_of(3, || {
        let start = Instant::now();
        let d = parse_value(&text).expect("parses");
        let t = start.elapsed();
        drop(d);
        t
    });
    let write_time = best_of(3, || {
        let start = Instant::now();
        let out = to_compact_string(&doc);
        let t = start.elapsed();
        drop(out);
        t
    });
    let mb = text.len() as f64 / 1e6;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    eprintln!(
        "{name}: {mb:.1} MB, {} pass(es); naive {:.1} ms, plan {:.1} ms, speedup {:.1}x \
         (for scale: parse {:.1} ms, compact write {:.1} ms, clone {:.1} ms)",
        plan.passes().len(),
        ms(naive_time),
        ms(plan_time),
        naive_time.as_secs_f64() / plan_time.as_secs_f64(),
        ms(parse_time),
        ms(write_time),
        ms(clone_time),
    );
}

#[test]
#[ignore = "measures speed on generated documents; run in release with --ignored --nocapture"]
fn plan_against_naive_on_generated_zoom_documents() {
    measure("meeting", "/tmp/gen/meeting.json", &meeting());
    measure(
        "meeting, more deep scans",
        "/tmp/gen/meeting.json",
        &meeting_deep(),
    );
    measure("users", "/tmp/gen/users.json", &users());
    measure(
        "participants",
        "/tmp/gen/participants.json",
        &participants(),
    );
}
