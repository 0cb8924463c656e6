//! Throughput of sanitization on large generated Zoom responses, in MB/s: the compiled plan, the
//! naive per-path engine, and plain parse + compact write (no transforms) as the floor, with
//! serde_json's `Value` parse + write beside it for scale. The `cli` groups run the built
//! command end to end, once per document, with the example rules and with rules that transform
//! nothing.
//!
//! The inputs (about 20 MB each) are generated on first run by `../shared/tools/gen_zoom.py`
//! into `target/bench-data/`; set `PSOXY_BENCH_MB` to change their size.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use psoxy_rules::json::{parse_value, parse_values, validate_utf8, write_compact};
use psoxy_rules::pseudonym::{
    DomainHandling, EmailCanonicalization, Pseudonymizer, SecretValues, Secrets,
};
use psoxy_rules::rules;
use psoxy_rules::sanitize::{Engine, Output, Sanitizer, Selection};

/// One benchmark input: a generated document and the request that returns it.
struct Input {
    kind: &'static str,
    url: &'static str,
}

const INPUTS: &[Input] = &[
    Input {
        kind: "users",
        url: "https://api.zoom.us/v2/users",
    },
    Input {
        kind: "participants",
        url: "https://api.zoom.us/v2/report/meetings/91022334455/participants",
    },
    Input {
        kind: "meeting",
        url: "https://api.zoom.us/v2/meetings/91022334455",
    },
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn data_dir() -> PathBuf {
    root().join("target/bench-data")
}

/// The size of the generated documents, in MB.
fn size_mb() -> String {
    std::env::var("PSOXY_BENCH_MB").unwrap_or_else(|_| "20".to_owned())
}

/// The file of the generated document for `kind`.
fn document_path(kind: &str) -> PathBuf {
    data_dir().join(format!("{kind}-{}.json", size_mb()))
}

/// The generated document for `kind`, created with the shared generator when missing.
fn document(kind: &str) -> Option<Vec<u8>> {
    let (dir, file, mb) = (data_dir(), document_path(kind), size_mb());
    if !file.is_file() {
        let generator = root().join("../shared/tools/gen_zoom.py");
        if !generator.is_file() {
            eprintln!("skipping {kind}: {} is absent", generator.display());
            return None;
        }
        std::fs::create_dir_all(&dir).ok()?;
        let status = Command::new("python3")
            .arg(&generator)
            .args([kind, &mb])
            .arg(&file)
            .status()
            .ok()?;
        if !status.success() {
            eprintln!("skipping {kind}: the generator failed");
            return None;
        }
    }
    std::fs::read(&file).ok()
}

fn sanitizer(rules_file: &Path, engine: Engine) -> Sanitizer {
    let (rules, _) = rules::load(rules_file).expect("the example rules load");
    let pseudonymizer = Pseudonymizer::new(
        Secrets::new(SecretValues {
            salt: Some("salt".into()),
            encryption_key: Some("secret".into()),
            ..SecretValues::default()
        }),
        EmailCanonicalization::Strict,
        DomainHandling::Preserve,
    );
    Sanitizer::new(Arc::new(rules), pseudonymizer, engine)
}

/// UTF-8 check, parse and compact write, with no transform: the floor of sanitization. The
/// parse uses the second core as sanitization's does.
fn parse_and_write(body: &[u8]) -> Vec<u8> {
    let text = validate_utf8(body).expect("generated documents are UTF-8");
    let v = parse_values(text)
        .on_two_threads(true)
        .next()
        .expect("a value")
        .expect("parses");
    let mut out = Vec::with_capacity(body.len());
    write_compact(&v, &mut out);
    out
}

/// The same with serde_json's `Value` (insertion-ordered, as this crate builds serde_json).
fn serde_json_parse_and_write(body: &[u8]) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_slice(body).expect("parses");
    let mut out = Vec::with_capacity(body.len());
    serde_json::to_writer(&mut out, &v).expect("writes to memory");
    out
}

fn benches(c: &mut Criterion) {
    let rules_file = root().join("example-rules/zoom/zoom.yaml");
    let plan = sanitizer(&rules_file, Engine::Plan);
    let naive = sanitizer(&rules_file, Engine::Naive);
    let documents: Vec<(&Input, Vec<u8>, Selection)> = INPUTS
        .iter()
        .filter_map(|input| {
            let selection = plan
                .select("GET", input.url)
                .expect("the example rules allow it");
            Some((input, document(input.kind)?, selection))
        })
        .collect();
    // glibc's malloc adapts its thresholds to the block sizes a process frees, and with them
    // how much memory goes back to the system and faults in again on the next run. One untimed
    // pass over every document puts each benchmark in the same state, whether it runs alone or
    // after the others (the first one measured in a fresh process was up to 45% slower).
    for (_, body, selection) in &documents {
        parse_and_write(body);
        plan.sanitize_selected(*selection, body, Output::Compact)
            .expect("sanitizes");
    }
    for &(input, ref body, selection) in &documents {
        let text = std::str::from_utf8(body).expect("generated documents are UTF-8");

        let mut whole = c.benchmark_group(format!("{}/whole", input.kind));
        whole.throughput(Throughput::BytesDecimal(body.len() as u64));
        whole.sample_size(10);
        // From bytes to bytes, as sanitization: UTF-8 check, parse, compact write.
        whole.bench_function("parse+serialize", |b| b.iter(|| parse_and_write(body)));
        whole.bench_function("parse+serialize/serde_json", |b| {
            b.iter(|| serde_json_parse_and_write(body));
        });
        for (name, s) in [("plan", &plan), ("naive", &naive)] {
            whole.bench_function(name, |b| {
                b.iter(|| {
                    s.sanitize_selected(selection, body, Output::Compact)
                        .expect("sanitizes")
                });
            });
        }
        // Into an output buffer kept from one run to the next, as a server sanitizing body
        // after body can keep it. The buffer the sanitized meeting document grows into (60 MB)
        // is larger than the blocks glibc recycles (32 MiB): a new one is mapped on every run
        // and faults in page by page. The parse+serialize output of a 20 MB input is recycled.
        whole.bench_function("plan/reused-output", |b| {
            let mut out = Vec::new();
            b.iter(|| {
                out.clear();
                plan.sanitize_into(selection, body, Output::Compact, &mut out)
                    .expect("sanitizes");
                out.len()
            });
        });
        whole.finish();

        // Augments, schema filter and transforms alone: documents parsed outside the timed part.
        let mut engine = c.benchmark_group(format!("{}/pipeline", input.kind));
        engine.throughput(Throughput::BytesDecimal(body.len() as u64));
        engine.sample_size(10);
        for (name, s) in [("plan", &plan), ("naive", &naive)] {
            engine.bench_function(name, |b| {
                b.iter_batched(
                    || parse_value(text).expect("parses"),
                    |mut v| {
                        s.sanitize_parsed(selection, &mut v).expect("sanitizes");
                        v
                    },
                    BatchSize::LargeInput,
                );
            });
        }
        engine.finish();
    }
    cli(c, &rules_file);
}

/// `psoxy-rules sanitize FILE` end to end, as a user runs it: process start, reading, parsing,
/// sanitizing, writing to a null output. "parse+serialize" gives the command rules whose one
/// endpoint matches every URL and transforms nothing.
fn cli(c: &mut Criterion, rules_file: &Path) {
    let nothing = data_dir().join("no-transforms.yaml");
    if std::fs::write(&nothing, "endpoints:\n  - pathRegex: \".*\"\n").is_err() {
        eprintln!(
            "skipping the cli groups: {} cannot be written",
            nothing.display()
        );
        return;
    }
    for input in INPUTS {
        let file = document_path(input.kind);
        let Ok(len) = std::fs::metadata(&file).map(|m| m.len()) else {
            continue;
        };
        let mut group = c.benchmark_group(format!("{}/cli", input.kind));
        group.throughput(Throughput::BytesDecimal(len));
        group.sample_size(10);
        for (name, rules) in [("parse+serialize", nothing.as_path()), ("plan", rules_file)] {
            group.bench_function(name, |b| {
                b.iter(|| {
                    let status = Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
                        .args(["sanitize", "--url", input.url, "--rules"])
                        .arg(rules)
                        .arg(&file)
                        .env("PSOXY_SALT", "salt")
                        .env("PSOXY_ENCRYPTION_KEY", "secret")
                        .stdout(Stdio::null())
                        .status()
                        .expect("the command starts");
                    assert!(status.success(), "psoxy-rules sanitize failed");
                });
            });
        }
        group.finish();
    }
}

criterion_group!(sanitize, benches);
criterion_main!(sanitize);
