//! Tokens computed ahead: while a large document is parsed on one core, the other computes the
//! tokens of the strings the transforms will probably select, so that the walk finds them done.
//!
//! Which strings: those under the member names that end the paths of `pseudonymize`
//! transforms writing URL-safe tokens (`$..email`, `$.users[*]['email','id']`), and the
//! elements of arrays under a name followed by `[*]` (`$..participants[*]`). A guess costs
//! only the work of the second core: the walk still decides what is selected, and it uses a
//! token computed ahead only for the very string it was computed from (the same bytes of the
//! body), by the same transform. Everything else is computed as before, so the output does not
//! depend on what was guessed or how far the second core got.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use crate::json::{ParseError, Sighting, Value, ValueStream, Watch, WatchList};
use crate::jsonpath::{Selector, StepKind};
use crate::plan::{Action, TransformSpec};
use crate::pseudonym::Pseudonymizer;

use super::run::CompiledTransform;

/// The names whose strings are worth computing ahead, tagged with the transform of each.
#[derive(Debug, Clone)]
pub(super) struct Targets {
    list: WatchList,
}

impl Targets {
    /// The targets of an endpoint's transforms, or `None` if no path ends in a way that names
    /// the strings it selects. A name that ends paths of two different transforms is left out.
    pub fn new(compiled: &[CompiledTransform], specs: &[TransformSpec]) -> Option<Targets> {
        // Per name, the transform it belongs to, or `None` once two transforms claim it.
        let mut members: HashMap<&str, Option<u32>> = HashMap::new();
        let mut elements: HashMap<&str, Option<u32>> = HashMap::new();
        for (t, (c, spec)) in compiled.iter().zip(specs).enumerate() {
            let Ok(tag) = u32::try_from(t) else { break };
            if spec.action != Action::Map || !c.value_fn.writes_into() {
                continue;
            }
            for path in &spec.paths {
                let (claims, step) = match path.steps.as_slice() {
                    [.., before, last] if last.kind == StepKind::Child(Selector::Wildcard) => {
                        (&mut elements, before)
                    }
                    [.., last] => (&mut members, last),
                    [] => continue,
                };
                let (StepKind::Child(selector) | StepKind::Descendant(selector)) = &step.kind;
                let names = match selector {
                    Selector::Name(n) => std::slice::from_ref(n),
                    Selector::Names(ns) => ns.as_slice(),
                    _ => continue,
                };
                for n in names {
                    claims
                        .entry(n.as_str())
                        .and_modify(|owner| {
                            if *owner != Some(tag) {
                                *owner = None;
                            }
                        })
                        .or_insert(Some(tag));
                }
            }
        }
        let owned = |claims: HashMap<&str, Option<u32>>| -> Vec<(String, u32)> {
            let mut names: Vec<_> = claims
                .into_iter()
                .filter_map(|(n, owner)| Some((n.to_owned(), owner?)))
                .collect();
            names.sort();
            names
        };
        let list = WatchList::new(owned(members), owned(elements));
        (!list.is_empty()).then_some(Targets { list })
    }
}

/// One token computed ahead: for the string of `len` bytes at `offset` of the body, by
/// transform `tag`; the token ends at `end` in [`Ahead::tokens`] and starts where the previous
/// one ends.
#[derive(Debug, Clone, Copy)]
struct Entry {
    offset: u32,
    len: u32,
    tag: u32,
    end: u32,
}

/// Tokens computed ahead for one top-level value, in the order of the body.
#[derive(Debug, Default)]
pub(super) struct Ahead {
    tokens: String,
    entries: Vec<Entry>,
    /// Bytes of tokens after which no more are computed; 0 for no limit.
    budget: usize,
}

impl Ahead {
    /// Room for `budget` bytes of tokens, reserved at once (so that they are never copied to a
    /// larger buffer) and never exceeded: tokens computed ahead are memory held next to the
    /// document, and the walk can do without them.
    fn with_budget(budget: usize) -> Self {
        Ahead {
            tokens: String::with_capacity(budget),
            entries: Vec::new(),
            budget,
        }
    }

    /// Computes the tokens of `sightings` in `text` and appends them. A string whose token
    /// cannot be written (an error, a blank string) is skipped: the walk meets it as usual.
    pub fn compute(
        &mut self,
        text: &str,
        sightings: &[Sighting],
        transforms: &[CompiledTransform],
        p: &Pseudonymizer,
    ) {
        for s in sightings {
            if self.budget > 0 && self.tokens.len() + TOKEN_ROOM > self.budget {
                return;
            }
            let (start, len) = (s.offset as usize, s.len as usize);
            let (Some(string), Some(t)) =
                (text.get(start..start + len), transforms.get(s.tag as usize))
            else {
                continue;
            };
            let before = self.tokens.len();
            let value = Value::String(Cow::Borrowed(string));
            let written = t.value_fn.apply_into(&value, p, &mut self.tokens);
            match (written, u32::try_from(self.tokens.len())) {
                (Some(Ok(())), Ok(end)) => self.entries.push(Entry {
                    offset: s.offset,
                    len: s.len,
                    tag: s.tag,
                    end,
                }),
                _ => self.tokens.truncate(before),
            }
        }
    }

    /// The token transform `tag` makes of `s`, if it was computed ahead: `s` must be the very
    /// slice of `text` the token was computed from. `cursor` is where the last token found
    /// was; walks go through the body in order, so the next one is usually just after it.
    pub fn find(&self, cursor: &mut usize, text: &str, s: &str, tag: usize) -> Option<&str> {
        let offset = (s.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
        let offset = u32::try_from(offset)
            .ok()
            .filter(|&o| (o as usize) < text.len())?;
        let from = (*cursor).min(self.entries.len());
        let next = &self.entries[from..];
        let near = next
            .first()
            .filter(|e| e.offset <= offset)
            .and_then(|_| next.iter().take(4).position(|e| e.offset >= offset));
        let i = match near {
            Some(k) => from + k,
            None => self.entries.partition_point(|e| e.offset < offset),
        };
        let e = self.entries.get(i)?;
        if e.offset != offset || e.len as usize != s.len() || e.tag as usize != tag {
            return None;
        }
        *cursor = i + 1;
        let start = i.checked_sub(1).map_or(0, |j| self.entries[j].end as usize);
        self.tokens.get(start..e.end as usize)
    }

    /// Whether no token was computed ahead: the walk then need not look.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many tokens were computed ahead.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// How tokens are computed ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// On a second thread while the value is parsed, started once a full batch of strings is
    /// found (so small values never start one) and stopped when the parse ends.
    Thread,
    /// All of them, on the calling thread, after the parse: slower, but every named string has
    /// its token when the walk begins.
    Everything,
}

/// Strings per batch handed to the second thread: a value with fewer is not worth a thread.
const BATCH: usize = 4096;
/// Batches waiting for the second thread, at most; more are dropped rather than kept.
const QUEUED: usize = 8;
/// Bytes of tokens computed ahead per byte of body, at most.
const BUDGET_DIVISOR: usize = 8;
/// Room kept for the next token: more than the token of any short string needs.
const TOKEN_ROOM: usize = 1024;

/// Parses the next value of `values` and computes ahead the tokens of the strings `targets`
/// names. With [`Mode::Thread`], what the second thread has not done when the parse ends,
/// the walk does.
pub(super) fn next_value<'t>(
    values: &mut ValueStream<'t>,
    targets: &Targets,
    mode: Mode,
    text: &'t str,
    transforms: &[CompiledTransform],
    p: &Pseudonymizer,
) -> (Option<Result<Value<'t>, ParseError>>, Ahead) {
    if mode == Mode::Everything {
        let mut sightings = Vec::new();
        let mut sink = |batch: Vec<Sighting>| sightings.extend(batch);
        let mut watch = Watch::new(&targets.list, BATCH, &mut sink);
        let next = values.next_watched(&mut watch);
        watch.flush();
        let mut ahead = Ahead::default();
        ahead.compute(text, &sightings, transforms, p);
        return (next, ahead);
    }
    let (tx, rx) = mpsc::sync_channel::<Vec<Sighting>>(QUEUED);
    let parsed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let parsed = &parsed;
        let mut rx = Some(rx);
        let mut worker = None;
        let mut sink = |batch: Vec<Sighting>| {
            if let Some(rx) = rx.take() {
                let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
                    let mut ahead = Ahead::with_budget(text.len() / BUDGET_DIVISOR);
                    while let Ok(batch) = rx.recv() {
                        if parsed.load(Ordering::Relaxed) {
                            break;
                        }
                        ahead.compute(text, &batch, transforms, p);
                    }
                    ahead
                });
                worker = spawned.ok();
            }
            // A full queue means the second thread is behind: these strings are left to the
            // walk, as are all of them if the thread did not start.
            let _ = tx.try_send(batch);
        };
        let mut watch = Watch::new(&targets.list, BATCH, &mut sink);
        let next = values.next_watched(&mut watch);
        drop(watch);
        parsed.store(true, Ordering::Relaxed);
        // Closing the channel ends the second thread's wait.
        drop(tx);
        let ahead = match worker.map(std::thread::ScopedJoinHandle::join) {
            None => Ahead::default(),
            Some(Ok(ahead)) => ahead,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
        };
        (next, ahead)
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::rules::load_str;
    use crate::sanitize::{Engine, Sanitizer};

    const RULES: &str = r#"
endpoints:
  - pathTemplate: "/x"
    transforms:
      - !<pseudonymize>
        jsonPaths:
          - "$..email"
          - "$.users[*]['id','phone']"
          - "$..participants[*]"
      - !<pseudonymize>
        jsonPaths:
          - "$.users[*].login"
          - "$.users[*].phone"
        includeReversible: true
      - !<pseudonymize>
        jsonPaths:
          - "$..owner"
        encoding: "JSON"
      - !<redact>
        jsonPaths:
          - "$..secret"
"#;

    fn sanitizer() -> Sanitizer {
        let (rules, _) = load_str("rules.yaml", RULES).expect("test rules load");
        Sanitizer::new(
            Arc::new(rules),
            crate::pseudonym::reference_pseudonymizer(),
            Engine::Plan,
        )
    }

    /// The endpoint's transforms and the targets they make.
    fn targets(s: &Sanitizer) -> (&[CompiledTransform], Targets) {
        let t = &s.compiled(0).expect("compiles").transforms;
        let targets = Targets::new(t.compiled(), t.specs()).expect("targets");
        (t.compiled(), targets)
    }

    /// The sightings of a parse of `text` under `targets`, in order.
    fn sightings(targets: &Targets, text: &str) -> Vec<Sighting> {
        let mut all = Vec::new();
        let mut sink = |batch: Vec<Sighting>| all.extend(batch);
        let mut watch = Watch::new(&targets.list, 2, &mut sink);
        let mut values = crate::json::parse_values(text);
        values
            .next_watched(&mut watch)
            .expect("a value")
            .expect("parses");
        watch.flush();
        drop(watch);
        all
    }

    #[test]
    fn names_ending_token_paths_are_targets_unless_two_transforms_share_them() {
        let s = sanitizer();
        let (_, targets) = targets(&s);
        let text = r#"{"email":"a@b.co","users":[{"id":"u1","phone":"555","login":"al","owner":"o","secret":"s"}],"participants":["p@q.io",{"email":"c@d.io"},"e\u0040f.io"]}"#;
        let seen: Vec<(&str, u32)> = sightings(&targets, text)
            .iter()
            .map(|s| {
                let start = s.offset as usize;
                (&text[start..start + s.len as usize], s.tag)
            })
            .collect();
        // `phone` is claimed by transforms 0 and 1, `owner` writes JSON, `secret` is a
        // redaction: none of them is computed ahead. A string with an escape is not a slice
        // of the body, so it is not reported either.
        assert_eq!(
            seen,
            [
                ("a@b.co", 0),
                ("u1", 0),
                ("al", 1),
                ("p@q.io", 0),
                ("c@d.io", 0)
            ]
        );
    }

    #[test]
    fn a_token_is_found_only_for_its_own_slice_and_transform() {
        let s = sanitizer();
        let (compiled, targets) = targets(&s);
        let p = crate::pseudonym::reference_pseudonymizer();
        let text = r#"{"users":[{"id":"u1","login":"u1"},{"id":"u2"},{"id":"u3"}]}"#;
        let mut ahead = Ahead::default();
        ahead.compute(text, &sightings(&targets, text), compiled, &p);
        assert_eq!(ahead.len(), 4);
        let at = |needle: &str, nth: usize| {
            let start = text.match_indices(needle).nth(nth).expect("present").0;
            &text[start..start + needle.len()]
        };
        let token = |s: &str, tag: usize| {
            let v = Value::String(Cow::Borrowed(s));
            let mut out = String::new();
            let written = compiled[tag].value_fn.apply_into(&v, &p, &mut out);
            assert!(matches!(written, Some(Ok(()))));
            out
        };
        let mut cursor = 0;
        // In order, then back to the start, then a jump forward.
        for (s, tag) in [
            (at("u1", 0), 0),
            (at("u1", 1), 1),
            (at("u2", 0), 0),
            (at("u1", 0), 0),
            (at("u3", 0), 0),
        ] {
            let found = ahead.find(&mut cursor, text, s, tag);
            assert_eq!(found, Some(token(s, tag).as_str()), "{s} by {tag}");
        }
        // The same bytes elsewhere, another transform, a shorter slice: computed as usual.
        let copy = String::from("u1");
        assert_eq!(ahead.find(&mut cursor, text, &copy, 0), None);
        assert_eq!(ahead.find(&mut cursor, text, at("u2", 0), 1), None);
        assert_eq!(ahead.find(&mut cursor, text, &at("u2", 0)[..1], 0), None);
    }

    #[test]
    fn everything_mode_computes_every_named_string_and_small_values_start_no_thread() {
        let s = sanitizer();
        let (compiled, targets) = targets(&s);
        let p = crate::pseudonym::reference_pseudonymizer();
        let text = r#"{"email":"a@b.co","users":[{"id":"u1","login":"al"}]} {"email":"x@y.io"}"#;
        let mut values = crate::json::parse_values(text);
        for (mode, expected) in [(Mode::Everything, 3), (Mode::Thread, 0)] {
            let (next, ahead) = next_value(&mut values, &targets, mode, text, compiled, &p);
            assert!(matches!(next, Some(Ok(_))));
            // Fewer strings than a batch: the thread never starts and nothing is computed.
            assert_eq!(ahead.len(), expected);
        }
    }
}
