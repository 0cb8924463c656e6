//! Paths that parse but are probably not what was meant, or that fail at request time.

use std::ops::Range;

use super::ast::{Filter, FilterPath, JsonPath, Operand, PathRoot, Selector, Step, StepKind};

/// A suspicious path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathLint {
    pub kind: LintKind,
    /// Bytes of the path text the finding is about.
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LintKind {
    /// `['a','a']`: a name listed twice in one bracket.
    DuplicateName,
    /// `['a[*]']`, `['a.b']`: path syntax inside a quoted name, which is matched literally.
    SyntaxInQuotedName,
    /// `$[?(…)]` as the whole path: on a root object it selects the document itself, and
    /// mapping or deleting that fails the response (§6.3.11).
    LeafFilterOnRoot,
    /// `$` alone: mapping or deleting the document root fails the response (§6.3.11).
    RootOnly,
    /// `.@odata.context`: an OData member name written after a dot, which reads as two steps.
    SplitODataName,
    /// `$..['a','b']` as the last step: Jayway selects only in objects that have all the names
    /// (§6.3.3), which rarely is what was meant.
    AllNamesScan,
    /// `.a,b`, `.a*`: punctuation after a dot, which Jayway reads as part of one member name.
    PunctuationInDotName,
    /// `[1,1]`, `[0,-2]`: one element listed twice, or two indexes that can be the same
    /// element, which a transform then updates twice (§6.3.12).
    RepeatedIndex,
    /// `$..a..b`: a deep scan after another, which reaches what is below nested matches once
    /// for each of them, and a transform updates it as many times (§6.3.12).
    ScanAfterScan,
    /// `$..[0].a.b`: an index or slice right after a deep scan, with more steps after it, where
    /// Jayway hands every element of the array to those steps (§6.5).
    ScannedIndexThenSteps,
    /// `$..*.b`, `$..[*].b`: a wildcard right after a deep scan, then a last step, which in
    /// Jayway stops matching once the scan has met an array (§6.5).
    ScannedWildcardThenLast,
    /// `[?($.k)]`: an existence test of a path from `$`, which Jayway evaluates from the value
    /// the filter tests, not from the document.
    RootExistence,
}

/// The findings for one parsed path, in step order.
pub fn lints(path: &JsonPath) -> Vec<PathLint> {
    let mut out = Vec::new();
    if path.steps.is_empty() {
        out.push(PathLint {
            kind: LintKind::RootOnly,
            span: 0..1,
            message:
                "`$` selects the whole document; transforming or redacting it fails every response"
                    .to_owned(),
            help: Some(
                "select the members to transform, for example `$.name` or `$..email`".to_owned(),
            ),
        });
    }
    for (i, step) in path.steps.iter().enumerate() {
        let names: &[String] = match step.selector() {
            Selector::Name(n) => std::slice::from_ref(n),
            Selector::Names(ns) => ns,
            _ => &[],
        };
        let mut seen = std::collections::HashSet::new();
        for name in names {
            if !seen.insert(name) {
                out.push(PathLint {
                    kind: LintKind::DuplicateName,
                    span: step.span.clone(),
                    message: format!(
                        "the name `{name}` is listed twice, so the path selects its value twice"
                    ),
                    help: Some(
                        "remove the repeated name: a transform updates a value once each time \
                         its path selects it"
                            .to_owned(),
                    ),
                });
            }
            if let Some(help) = syntax_in_name(name) {
                out.push(PathLint {
                    kind: LintKind::SyntaxInQuotedName,
                    span: step.span.clone(),
                    message: format!(
                        "`{name}` is matched as one literal member name, not as a path"
                    ),
                    help: Some(help),
                });
            }
        }
        if i + 1 == path.steps.len()
            && let StepKind::Descendant(Selector::Names(names)) = &step.kind
        {
            // Each name after the same steps: `$.devices[*]..host_name`.
            let mut distinct: Vec<&String> = Vec::new();
            for n in names {
                if !distinct.contains(&n) {
                    distinct.push(n);
                }
            }
            let each: Vec<String> = distinct
                .iter()
                .map(|&n| {
                    let mut one = JsonPath {
                        steps: path.steps[..i].to_vec(),
                    };
                    one.steps.push(Step {
                        kind: StepKind::Descendant(Selector::Name(n.clone())),
                        span: step.span.clone(),
                    });
                    format!("`{one}`")
                })
                .collect();
            out.push(PathLint {
                kind: LintKind::AllNamesScan,
                span: step.span.clone(),
                message: "a deep scan ending in several names selects them only in objects that \
                          have all of them (Jayway's rule), not each name wherever it is"
                    .to_owned(),
                help: Some(format!(
                    "if each name is meant on its own, write one path per name: {}",
                    each.join(", ")
                )),
            });
        }
        if let Selector::Indexes(indexes) = step.selector() {
            repeated_index(step, indexes, &mut out);
        }
        split_odata_name(&path.steps, i, &mut out);
        punctuation_in_dot_name(step, &mut out);
        if let Selector::Filter(filter) = step.selector() {
            filter_paths(filter, &mut |p| {
                for j in 0..p.steps.len() {
                    split_odata_name(&p.steps, j, &mut out);
                }
            });
            root_existence(filter, step, &mut out);
        }
        if i == 0
            && path.steps.len() == 1
            && matches!(step.kind, StepKind::Child(Selector::Filter(_)))
        {
            out.push(PathLint {
                kind: LintKind::LeafFilterOnRoot,
                span: step.span.clone(),
                message:
                    "when the document is an object, this filter selects the document itself, \
                          and transforming or redacting it fails the response"
                        .to_owned(),
                help: Some(
                    "select members after the filter, for example `$[?(…)].name`".to_owned(),
                ),
            });
        }
    }
    scan_after_scan(path, &mut out);
    scanned_index_then_steps(path, &mut out);
    scanned_wildcard_then_last(path, &mut out);
    out
}

/// `$..*.b` at the step `..*` (or `..[*]`) when one last step follows: Jayway's scan records
/// on the last step the index of the first array the wildcard meets, and from then on that
/// step takes no value (§6.5); `psoxy-rules` applies the path as written.
fn scanned_wildcard_then_last(path: &JsonPath, out: &mut Vec<PathLint>) {
    let steps = &path.steps;
    let [.., step, last] = steps.as_slice() else {
        return;
    };
    if !matches!(step.kind, StepKind::Descendant(Selector::Wildcard))
        || !matches!(
            last.kind,
            StepKind::Child(Selector::Name(_) | Selector::Names(_) | Selector::Wildcard)
        )
    {
        return;
    }
    // Scanning for the last step alone means the same only for one name (`$..b`): several
    // names after a scan must all be there, and `$..[*]` also takes what is not in an array.
    let help = if let StepKind::Child(Selector::Name(_)) = &last.kind {
        let mut scanned = path.clone();
        scanned.steps.remove(steps.len() - 2);
        let scanned_last = scanned.steps.last_mut().expect("a last step");
        scanned_last.kind = StepKind::Descendant(last.selector().clone());
        format!(
            "name the members the wildcard stands for, with a step before it (`..NAME`), or \
             scan for the last step alone: `{scanned}`"
        )
    } else {
        "name the members the wildcard stands for, with a step before it (`..NAME`)".to_owned()
    };
    out.push(PathLint {
        kind: LintKind::ScannedWildcardThenLast,
        span: step.span.start..last.span.end,
        message: "after a deep scan, the proxy applies a wildcard followed by a last step only \
                  until the scan meets an array: what it selects depends on where arrays lie in \
                  the document, where `psoxy-rules` selects every match"
            .to_owned(),
        help: Some(help),
    });
}

/// `[?($.k)]` in the filter of `step`: Jayway evaluates an existence test from the value the
/// filter tests, whether its path starts with `@` or with `$`.
fn root_existence(filter: &Filter, step: &Step, out: &mut Vec<PathLint>) {
    each_test(filter, &mut |test| {
        if let Filter::Exists(p) = test
            && p.root == PathRoot::Document
        {
            let relative = FilterPath {
                root: PathRoot::Current,
                steps: p.steps.clone(),
            };
            out.push(PathLint {
                kind: LintKind::RootExistence,
                span: step.span.clone(),
                message: format!(
                    "the proxy tests whether `{p}` exists in the value the filter tests, not in \
                     the document: it reads as `{relative}`"
                ),
                help: Some(format!(
                    "write `{relative}` for the value tested; the document's own members \
                     cannot be tested for existence inside a filter"
                )),
            });
        }
    });
}

/// `$..[0].a.b` at a step `..[0]` or `..[1:]` that more steps follow: Jayway's scan hands
/// every element of each array it meets to the next step, checking the index only when that
/// step is a last name; `psoxy-rules` applies the index as written.
fn scanned_index_then_steps(path: &JsonPath, out: &mut Vec<PathLint>) {
    let steps = &path.steps;
    for (i, step) in steps.iter().enumerate() {
        let StepKind::Descendant(Selector::Indexes(_) | Selector::Slice { .. }) = &step.kind else {
            continue;
        };
        let Some(next) = steps.get(i + 1) else {
            continue;
        };
        let last_name =
            i + 2 == steps.len() && matches!(&next.kind, StepKind::Child(Selector::Name(_)));
        if last_name
            && matches!(step.selector(), Selector::Indexes(ix) if ix.len() == 1 && ix[0] >= 0)
        {
            continue;
        }
        // The same path with the arrays named: `$..NAME[0].a.b`.
        let mut named = path.clone();
        named.steps[i].kind = StepKind::Child(step.selector().clone());
        named.steps.insert(
            i,
            Step {
                kind: StepKind::Descendant(Selector::Name("NAME".to_owned())),
                span: step.span.clone(),
            },
        );
        out.push(PathLint {
            kind: LintKind::ScannedIndexThenSteps,
            span: step.span.clone(),
            message: "after a deep scan, the proxy does not apply this index as written: it \
                      hands every element of each array to the next step, and applies the index \
                      only when it is one index of 0 or more and the next step is a last name; \
                      so it selects other values than the path says"
                .to_owned(),
            help: Some(format!(
                "name the arrays the index is for, with a step before it: `{named}`"
            )),
        });
    }
}

/// `[1,1]` or `[0,-2]` at `step`: an element that the path selects twice.
fn repeated_index(step: &Step, indexes: &[i64], out: &mut Vec<PathLint>) {
    for (i, &a) in indexes.iter().enumerate() {
        for &b in &indexes[..i] {
            let what = if a == b {
                format!("the index {a} is listed twice")
            } else if (a < 0) != (b < 0) {
                format!(
                    "the indexes {b} and {a} are the same element in an array of {}",
                    a.max(b) - a.min(b)
                )
            } else {
                continue;
            };
            out.push(PathLint {
                kind: LintKind::RepeatedIndex,
                span: step.span.clone(),
                message: format!(
                    "{what}: a transform then updates that element twice, and a redact deletes \
                     the element after it too"
                ),
                help: Some("list each element once".to_owned()),
            });
            return;
        }
    }
}

/// `$..a..b`: a second deep scan, which runs again below a match of the steps before it that
/// lies inside another. Not with a filter right after a scan, whose paths reach each place
/// once (§6.5).
fn scan_after_scan(path: &JsonPath, out: &mut Vec<PathLint>) {
    let steps = &path.steps;
    if path.scans_into_filter() {
        return;
    }
    let Some(second) = steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_descendant())
        .map(|(i, _)| i)
        .nth(1)
    else {
        return;
    };
    let before = JsonPath {
        steps: steps[..second].to_vec(),
    };
    let once = JsonPath {
        steps: steps[second..].to_vec(),
    };
    let mut child = path.clone();
    child.steps[second].kind = StepKind::Child(steps[second].selector().clone());
    out.push(PathLint {
        kind: LintKind::ScanAfterScan,
        span: steps[second].span.clone(),
        message: format!(
            "this deep scan runs below every match of `{before}`, so below two nested matches \
             it finds the same places twice, and a transform updates them twice"
        ),
        // A scan of an index alone would be the shape Jayway does not apply as written.
        help: Some(
            if matches!(
                steps[second].selector(),
                Selector::Indexes(_) | Selector::Slice { .. }
            ) {
                format!(
                    "if matches of `{before}` can nest, step down without a second scan \
                     (`{child}`)"
                )
            } else {
                format!(
                    "if matches of `{before}` can nest, scan once (`{once}`) or step down \
                     without a second scan (`{child}`), whichever is meant"
                )
            },
        ),
    });
}

/// `.@odata.context` at step `i` of `steps` (of the path, or of a path inside a filter, such
/// as `@.@odata.type`): an OData name after a dot, which reads as two steps.
fn split_odata_name(steps: &[Step], i: usize, out: &mut Vec<PathLint>) {
    let step = &steps[i];
    if let Some(next) = steps.get(i + 1)
        && let Selector::Name(name) = step.selector()
        && name.starts_with('@')
        && dotted(step, name)
        && let StepKind::Child(Selector::Name(rest)) = &next.kind
        && dotted(next, rest)
    {
        let whole = format!("{name}.{rest}");
        out.push(PathLint {
            kind: LintKind::SplitODataName,
            span: step.span.start..next.span.end,
            message: format!(
                "this reads as the member `{name}`, then its member `{rest}`, not as the one \
                 member `{whole}`"
            ),
            help: Some(format!("write `['{whole}']`")),
        });
    }
}

/// Characters that end a name after a dot in most JSONPath dialects, but not in Jayway's.
const PUNCTUATION: [char; 10] = [',', '*', '?', '\'', '"', ']', ')', '\t', '\n', '\r'];

/// `.a,b` at `step`: a name written after a dot with punctuation in it, which is one member
/// name in Jayway, probably not what was meant.
fn punctuation_in_dot_name(step: &Step, out: &mut Vec<PathLint>) {
    let Selector::Name(name) = step.selector() else {
        return;
    };
    if !dotted(step, name) {
        return;
    }
    let Some(c) = name.chars().find(|c| PUNCTUATION.contains(c)) else {
        return;
    };
    let shown = name.escape_debug().to_string();
    let bracket = format!("['{}']", name.replace('\\', "\\\\").replace('\'', "\\'"));
    let help = if c == ',' {
        let each: Vec<String> = name.split(',').map(|n| format!("'{}'", n.trim())).collect();
        format!(
            "for several members write `[{}]`; for one member of this name, `{bracket}`",
            each.join(",")
        )
    } else {
        format!("if a member has this name, write `{bracket}` to say so")
    };
    out.push(PathLint {
        kind: LintKind::PunctuationInDotName,
        span: step.span.clone(),
        message: format!(
            "`{shown}` is one member name, `{}` included: the proxy looks up a member of \
             exactly that name",
            c.escape_debug()
        ),
        help: Some(help),
    });
}

/// Calls `f` with each comparison and existence test of `filter`.
fn each_test(filter: &Filter, f: &mut impl FnMut(&Filter)) {
    match filter {
        Filter::Or(fs) | Filter::And(fs) => fs.iter().for_each(|g| each_test(g, f)),
        Filter::Not(g) => each_test(g, f),
        Filter::Compare { .. } | Filter::Exists(_) => f(filter),
    }
}

/// Calls `f` with each path that `filter` compares or tests.
fn filter_paths(filter: &Filter, f: &mut impl FnMut(&FilterPath)) {
    each_test(filter, &mut |test| match test {
        Filter::Compare { left, right, .. } => {
            for operand in [left, right] {
                if let Operand::Path(p) = operand {
                    f(p);
                }
            }
        }
        Filter::Exists(p) => f(p),
        _ => {}
    });
}

/// Whether `step`, selecting `name`, is written after a dot (`.name`, `..name`) rather than in
/// brackets: its text is the name and the dots alone.
fn dotted(step: &Step, name: &str) -> bool {
    let dots = match step.kind {
        StepKind::Child(_) => 1,
        StepKind::Descendant(_) => 2,
    };
    step.span.len() == name.len() + dots
}

/// Why a quoted name looks like it holds path syntax, with a fix.
fn syntax_in_name(name: &str) -> Option<String> {
    if name.contains("[*]") {
        let base = name.replace("[*]", "");
        return Some(format!(
            "to select the elements of `{base}`, write `['{base}'][*]` as its own step"
        ));
    }
    // A dotted run of plain identifiers, such as `user.email`. Names with `@` (Microsoft
    // Graph's `@odata.type`) are real member names and left alone.
    let parts: Vec<&str> = name.split('.').collect();
    let plain = |p: &str| {
        let mut b = p.bytes();
        b.next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
            && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
    };
    if parts.len() > 1 && parts.iter().all(|p| plain(p)) {
        return Some(format!(
            "if `{}` is meant as nested members, write `.{}`",
            name,
            parts.join(".")
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonpath::parse;

    fn kinds(text: &str) -> Vec<(LintKind, std::ops::Range<usize>)> {
        lints(&parse(text).expect("test path parses"))
            .into_iter()
            .map(|l| (l.kind, l.span))
            .collect()
    }

    /// The help of the finding of `kind` for the path `text`.
    fn help_of(text: &str, kind: LintKind) -> Option<String> {
        lints(&parse(text).expect("test path parses"))
            .into_iter()
            .find(|l| l.kind == kind)
            .and_then(|l| l.help)
    }

    #[test]
    fn a_deep_scan_ending_in_several_names_needs_all_of_them() {
        assert_eq!(
            kinds("$..['id','email']"),
            vec![(LintKind::AllNamesScan, 1..17)]
        );
        // Not as a middle step (each name is visited on its own there), nor one name.
        assert!(kinds("$..['owner','user'].login").is_empty());
        // The fix keeps the steps before the scan.
        let found = lints(&parse("$.devices[*]..['host_name','@odata.type']").expect("parses"));
        assert_eq!(
            found[0].help.as_deref(),
            Some(
                "if each name is meant on its own, write one path per name: \
                 `$.devices[*]..host_name`, `$.devices[*]..['@odata.type']`"
            )
        );
        assert!(kinds("$..['email']").is_empty());
        // A name listed twice is offered once.
        assert_eq!(
            help_of("$..['a','a']", LintKind::AllNamesScan).as_deref(),
            Some("if each name is meant on its own, write one path per name: `$..a`")
        );
        assert!(kinds("$.a['id','email']").is_empty());
    }

    #[test]
    fn an_odata_name_after_a_dot_in_a_filter_reads_as_two_steps() {
        let text = "$.value[?(@.@odata.type == 'x' || !(@.a.@odata.id))].id";
        let found = kinds(text);
        assert_eq!(
            found
                .iter()
                .map(|(_, s)| &text[s.clone()])
                .collect::<Vec<_>>(),
            [".@odata.type", ".@odata.id"],
        );
        assert!(found.iter().all(|(k, _)| *k == LintKind::SplitODataName));
        assert!(kinds("$.value[?(@['@odata.type'] == 'x')].id").is_empty());
    }

    #[test]
    fn an_odata_name_after_a_dot_reads_as_two_steps() {
        assert_eq!(
            kinds("$.@odata.context"),
            vec![(LintKind::SplitODataName, 1..16)]
        );
        assert_eq!(
            kinds("$..@odata.nextLink"),
            vec![(LintKind::SplitODataName, 1..18)]
        );
        assert!(kinds("$['@odata.context']").is_empty());
        assert!(kinds("$..['@odata.type']").is_empty());
        assert!(kinds("$.value[*].id").is_empty());
    }

    #[test]
    fn punctuation_in_a_name_after_a_dot() {
        let found = lints(&parse("$.users[*].email,phone").expect("parses"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, LintKind::PunctuationInDotName);
        assert_eq!(found[0].span, 10..22);
        assert_eq!(
            found[0].message,
            "`email,phone` is one member name, `,` included: the proxy looks up a member of \
             exactly that name"
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some(
                "for several members write `['email','phone']`; for one member of this name, \
                  `['email,phone']`"
            )
        );
        let found = lints(&parse("$..it's").expect("parses"));
        assert_eq!(
            found[0].help.as_deref(),
            Some("if a member has this name, write `['it\\'s']` to say so")
        );
        assert_eq!(
            kinds("$.a\nb"),
            vec![(LintKind::PunctuationInDotName, 1..5)]
        );
        // In brackets the name is plainly one name.
        assert!(kinds("$['a,b']").is_empty());
        assert!(kinds("$.a-b.c_d").is_empty());
    }

    #[test]
    fn a_name_listed_twice() {
        assert_eq!(
            kinds("$.a['b','c','b']"),
            vec![(LintKind::DuplicateName, 3..16)]
        );
    }

    #[test]
    fn an_element_listed_twice_or_named_from_both_ends() {
        assert_eq!(kinds("$.l[1,1]"), vec![(LintKind::RepeatedIndex, 3..8)]);
        let found = lints(&parse("$.l[0,-2]").expect("parses"));
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .starts_with("the indexes 0 and -2 are the same element in an array of 2"),
            "{}",
            found[0].message
        );
        assert!(kinds("$.l[0,1,-1,-2]").len() == 1);
        assert!(kinds("$.l[0,1]").is_empty());
        assert!(kinds("$.l[-1,-2]").is_empty());
    }

    #[test]
    fn a_deep_scan_after_another() {
        let found = lints(&parse("$..user[*]..email").expect("parses"));
        assert_eq!(
            found
                .iter()
                .map(|l| (l.kind, l.span.clone()))
                .collect::<Vec<_>>(),
            vec![(LintKind::ScanAfterScan, 10..17)]
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some(
                "if matches of `$..user[*]` can nest, scan once (`$..email`) or step down \
                 without a second scan (`$..user[*].email`), whichever is meant"
            )
        );
        assert!(kinds("$..user.email").is_empty());
        // Scanning the index alone is not offered: Jayway does not apply it as written.
        assert_eq!(
            help_of("$..a..[0].b", LintKind::ScanAfterScan).as_deref(),
            Some("if matches of `$..a` can nest, step down without a second scan (`$..a[0].b`)")
        );
        // A filter right after a scan: each place is reached once (§6.5).
        assert!(kinds("$..from..[?(@.t != 'bot')].id").is_empty());
    }

    #[test]
    fn an_index_after_a_scan_with_steps_after_it() {
        let found = lints(&parse("$.x..[0].a.b").expect("parses"));
        assert_eq!(
            found
                .iter()
                .map(|l| (l.kind, l.span.clone()))
                .collect::<Vec<_>>(),
            vec![(LintKind::ScannedIndexThenSteps, 3..8)]
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some("name the arrays the index is for, with a step before it: `$.x..NAME[0].a.b`")
        );
        for flagged in ["$..[1:][*]", "$..[0]..a", "$..[-1].a", "$..[0,1].id"] {
            assert!(
                kinds(flagged)
                    .iter()
                    .any(|k| k.0 == LintKind::ScannedIndexThenSteps),
                "{flagged}"
            );
        }
        // One index of 0 or more before a last name, the index at the end, or after a name.
        for fine in ["$..[0].a", "$..[2].id", "$..[0]", "$..list[0].a.b"] {
            assert!(kinds(fine).is_empty(), "{fine}");
        }
    }

    #[test]
    fn a_wildcard_after_a_scan_then_a_last_step() {
        let found = lints(&parse("$.x..*.b").expect("parses"));
        assert_eq!(
            found
                .iter()
                .map(|l| (l.kind, l.span.clone()))
                .collect::<Vec<_>>(),
            vec![(LintKind::ScannedWildcardThenLast, 3..8)]
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some(
                "name the members the wildcard stands for, with a step before it (`..NAME`), or \
                 scan for the last step alone: `$.x..b`"
            )
        );
        for flagged in ["$..[*].b", "$..*.*", "$..*[*]", "$..*['a','b']"] {
            assert!(
                kinds(flagged)
                    .iter()
                    .any(|k| k.0 == LintKind::ScannedWildcardThenLast),
                "{flagged}"
            );
        }
        // A scan for several names, or for a wildcard, would select other values.
        assert_eq!(
            help_of("$..*['a','b']", LintKind::ScannedWildcardThenLast).as_deref(),
            Some("name the members the wildcard stands for, with a step before it (`..NAME`)")
        );
        // Two steps after it, the wildcard last, an index after it, or a name before it.
        for fine in ["$..*.b.c", "$..*", "$..*[0]", "$..a.*.b", "$.*.b"] {
            assert!(
                !kinds(fine)
                    .iter()
                    .any(|k| k.0 == LintKind::ScannedWildcardThenLast),
                "{fine}"
            );
        }
    }

    #[test]
    fn an_existence_test_from_the_root() {
        let found = lints(&parse("$.l[?($.k && $.n == 1)].id").expect("parses"));
        assert_eq!(
            found
                .iter()
                .map(|l| (l.kind, l.span.clone()))
                .collect::<Vec<_>>(),
            vec![(LintKind::RootExistence, 3..23)]
        );
        assert_eq!(
            found[0].message,
            "the proxy tests whether `$.k` exists in the value the filter tests, not in the \
             document: it reads as `@.k`"
        );
        for fine in [
            "$.l[?(@.k)].id",
            "$.l[?($.k == 1)].id",
            "$.l[?(@.k == $.n)]",
        ] {
            assert!(kinds(fine).is_empty(), "{fine}");
        }
    }

    #[test]
    fn wildcard_inside_a_quoted_name() {
        let found =
            lints(&parse("$..['requested_reviewers[*]','owner'].login").expect("test path parses"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, LintKind::SyntaxInQuotedName);
        assert_eq!(found[0].span, 1..37);
        assert_eq!(
            found[0].help.as_deref(),
            Some(
                "to select the elements of `requested_reviewers`, write `['requested_reviewers'][*]` as its own step"
            )
        );
    }

    #[test]
    fn dotted_identifiers_inside_a_quoted_name() {
        assert_eq!(
            kinds("$['user.email']"),
            vec![(LintKind::SyntaxInQuotedName, 1..15)]
        );
    }

    #[test]
    fn real_dotted_member_names_are_not_flagged() {
        assert!(kinds("$..['@odata.type']").is_empty());
        assert!(kinds("$..['calendar@odata.associationLink']").is_empty());
        assert!(kinds("$['1.5']").is_empty());
    }

    #[test]
    fn leaf_filter_directly_on_the_root() {
        assert_eq!(
            kinds("$[?(@.system!=true)]"),
            vec![(LintKind::LeafFilterOnRoot, 1..20)]
        );
        assert!(kinds("$[?(@.system!=true)].body").is_empty());
        assert!(kinds("$.a[?(@.system!=true)]").is_empty());
    }

    #[test]
    fn the_root_alone() {
        assert_eq!(kinds("$"), vec![(LintKind::RootOnly, 0..1)]);
    }

    #[test]
    fn ordinary_paths_have_no_findings() {
        for text in [
            "$.users[*]['email','phone_number']",
            "$..from..[?(@.applicationIdentityType != \"bot\")].id",
            "$.payload.headers[?(@.name =~ /^(From|To|Cc|Bcc)$/i)].value",
        ] {
            assert!(kinds(text).is_empty(), "{text}");
        }
    }
}
