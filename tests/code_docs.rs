//! The explanations `psoxy-rules codes CODE` prints (`src/code_docs/CODE.md`) are run: the
//! commands under `## Example` must report the code, and those under `## Fix` must not, and end
//! with exit status 0.
//!
//! A fenced block with `file=PATH` in its info string writes that file into a temporary folder
//! (a later block of the same name replaces it; the fix starts from the example's files); a
//! `sh` block runs its lines in that folder, each `psoxy-rules ARGS`, after optional
//! `NAME=value` settings, with the words split as a shell would for plain and single-quoted
//! words. No other setting reaches the commands.

use std::path::{Path, PathBuf};
use std::process::Command;

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/code_docs")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Prose,
    Example,
    Fix,
}

#[derive(Debug)]
enum Step {
    File { path: String, text: String },
    Run { line: String },
}

/// The steps of each section of a document, and problems of its form.
fn steps(doc: &str) -> Result<Vec<(Section, Step)>, String> {
    let mut out = Vec::new();
    let mut section = Section::Prose;
    let mut lines = doc.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        if let Some(heading) = line.strip_prefix("## ") {
            section = match heading.trim() {
                "Example" => Section::Example,
                "Fix" => Section::Fix,
                other => return Err(format!("line {}: unknown heading `{other}`", n + 1)),
            };
            continue;
        }
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut body = String::new();
        let mut closed = false;
        for (_, inner) in lines.by_ref() {
            if inner == "```" {
                closed = true;
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        if !closed {
            return Err(format!("line {}: a block that is not closed", n + 1));
        }
        let mut words = info.split_whitespace();
        let lang = words.next().unwrap_or("");
        let file = words.find_map(|w| w.strip_prefix("file="));
        match (lang, file) {
            (_, Some(path)) => out.push((
                section,
                Step::File {
                    path: path.to_owned(),
                    text: body,
                },
            )),
            ("sh", None) => {
                for line in body.lines().filter(|l| !l.trim().is_empty()) {
                    out.push((
                        section,
                        Step::Run {
                            line: line.to_owned(),
                        },
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Plain and single-quoted words, as a shell splits them.
fn words(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' => out.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err(format!("an unclosed quote in `{line}`")),
                    }
                }
            }
            '"' | '\\' | '$' | '`' | '|' | ';' | '&' | '<' | '>' | '*' | '?' => {
                return Err(format!("`{c}` outside single quotes in `{line}`"));
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    out.extend(word);
    Ok(out)
}

struct Ran {
    status: Option<i32>,
    text: String,
}

fn run(dir: &Path, line: &str) -> Result<Ran, String> {
    let mut words = words(line)?.into_iter().peekable();
    let mut env = Vec::new();
    while let Some(setting) = words.next_if(|w| w.contains('=') && !w.starts_with('-')) {
        let (name, value) = setting.split_once('=').expect("has =");
        env.push((name.to_owned(), value.to_owned()));
    }
    if words.next().as_deref() != Some("psoxy-rules") {
        return Err(format!("`{line}` does not run psoxy-rules"));
    }
    let out = Command::new(env!("CARGO_BIN_EXE_psoxy-rules"))
        .args(words)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env)
        .output()
        .map_err(|e| format!("`{line}`: {e}"))?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Ok(Ran {
        status: out.status.code(),
        text,
    })
}

/// Runs a document's sections; the problems found.
fn check(code: &str, doc: &str) -> Vec<String> {
    let steps = match steps(doc) {
        Ok(steps) => steps,
        Err(e) => return vec![format!("{code}: {e}")],
    };
    let mut problems = Vec::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let marker = format!("[{code}]");
    let mut reported = [false; 2];
    let mut last_fix = None;
    for (section, step) in steps {
        match step {
            Step::File { path, text } => {
                let path = dir.path().join(path);
                std::fs::create_dir_all(path.parent().expect("under the folder")).expect("mkdir");
                std::fs::write(&path, text).expect("write");
            }
            Step::Run { line } => {
                let ran = match run(dir.path(), &line) {
                    Ok(ran) => ran,
                    Err(e) => {
                        problems.push(format!("{code}: {e}"));
                        continue;
                    }
                };
                let found = ran.text.contains(&marker);
                match section {
                    Section::Prose => problems.push(format!("{code}: `{line}` outside a section")),
                    Section::Example => reported[0] |= found,
                    Section::Fix => {
                        if found {
                            problems.push(format!(
                                "{code}: the fix still reports it (`{line}`):\n{}",
                                ran.text
                            ));
                        }
                        reported[1] = true;
                        last_fix = Some((line, ran));
                    }
                }
            }
        }
    }
    if !reported[0] {
        problems.push(format!("{code}: the example does not report it"));
    }
    if !reported[1] {
        problems.push(format!("{code}: no command under `## Fix`"));
    }
    if let Some((line, ran)) = last_fix
        && ran.status != Some(0)
    {
        problems.push(format!(
            "{code}: the fix's last command (`{line}`) exits {:?}:\n{}",
            ran.status, ran.text
        ));
    }
    problems
}

/// The codes whose explanation has no example to run, with the reason in its prose.
const WITHOUT_EXAMPLE: &[&str] = &["R002", "R003", "R014", "R029", "R052", "H024"];

#[test]
fn every_explanation_runs_as_it_says() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(docs_dir()).expect("src/code_docs") {
        let path = entry.expect("entry").path();
        let code = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("named by its code")
            .to_owned();
        let doc = std::fs::read_to_string(&path).expect("UTF-8");
        if WITHOUT_EXAMPLE.contains(&code.as_str()) {
            if doc.contains("```") {
                problems.push(format!("{code}: listed as without example, but has blocks"));
            }
            continue;
        }
        problems.extend(check(&code, &doc));
        checked += 1;
    }
    assert!(checked > 80, "only {checked} explanations found");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn a_fix_that_still_reports_the_code_is_caught() {
    let doc = "Text.\n\n## Example\n\n```yaml file=rules.yaml\nendpoints: []\n```\n\n```sh\npsoxy-rules validate rules.yaml\n```\n\n## Fix\n\n```sh\npsoxy-rules validate rules.yaml\n```\n";
    let problems = check("R054", doc);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("R054: the fix still reports it"));
    let problems = check("R044", doc);
    assert_eq!(problems, ["R044: the example does not report it"]);
}

#[test]
fn settings_and_quotes_are_read_as_a_shell_reads_them() {
    assert_eq!(
        words("PSOXY_SALT=salt psoxy-rules sanitize --url 'https://x/a?b=1&c' body.json").unwrap(),
        [
            "PSOXY_SALT=salt",
            "psoxy-rules",
            "sanitize",
            "--url",
            "https://x/a?b=1&c",
            "body.json"
        ]
    );
    assert!(words("psoxy-rules sanitize --url https://x/a?b=1").is_err());
    assert!(words("psoxy-rules validate 'a").is_err());
}
