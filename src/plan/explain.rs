//! The text of `compile --explain`: rules, passes with the reason for each split, and for each
//! walk pass the trie of steps with the actions each rule owns. The form is stable: it depends
//! only on the rules, in order. Transforms and paths are numbered from 1, as `compile` numbers
//! transforms, and each action is named with the kind of its transform.

use std::fmt::{self, Formatter};

use super::analysis::Item;
use super::compile::{Pass, PassKind, Plan, TransformRef, Trie};
use super::{Action, RuleRef};

impl Plan {
    /// A readable description of the plan. `kinds[t]` is the kind of transform `t` as the
    /// rules name it (`redact`, `pseudonymize`, ...), shown with each of its actions; a
    /// transform past the end of `kinds` is shown by its action alone.
    pub fn explain(&self, kinds: &[&str]) -> String {
        Explain { plan: self, kinds }.to_string()
    }
}

struct Explain<'p> {
    plan: &'p Plan,
    kinds: &'p [&'p str],
}

impl fmt::Display for Explain<'_> {
    fn fmt(&self, out: &mut Formatter<'_>) -> fmt::Result {
        self.write_explain(out)
    }
}

impl Explain<'_> {
    /// What transform `t` does: `pseudonymize (map)`, or `map` without a kind; `what` is the
    /// action's word, `members` after it for an action on the named members of a node.
    fn action(&self, t: usize, what: Action, members: bool) -> String {
        let word = action_word(what);
        let action = if members {
            format!("{word} members")
        } else {
            word.to_owned()
        };
        match self.kinds.get(t) {
            Some(kind) => format!("{kind} ({action})"),
            None => action,
        }
    }

    fn write_explain(&self, out: &mut Formatter<'_>) -> fmt::Result {
        let plan = self.plan;
        let walks = plan
            .passes
            .iter()
            .filter(|p| p.kind() == PassKind::Walk)
            .count();
        writeln!(
            out,
            "plan: {} transform{}, {} rule{}, {} pass{} ({walks} walk, {} naive)",
            plan.transforms.len(),
            plural(plan.transforms.len()),
            plan.rules.len(),
            plural(plan.rules.len()),
            plan.passes.len(),
            if plan.passes.len() == 1 { "" } else { "es" },
            plan.passes.len() - walks,
        )?;
        if walks > 0 {
            writeln!(
                out,
                "a walk applies its rules in order at each node, children first; filters, indexes \
                 and all-names checks are decided after the earlier rules' updates inside the node"
            )?;
        }
        for (t, spec) in plan.transforms.iter().enumerate() {
            write!(
                out,
                "{} {}",
                TransformRef(t),
                self.action(t, spec.action, false)
            )?;
            if let Some(guard) = &spec.guard {
                write!(out, ", applyOnlyWhen {guard}")?;
            }
            if spec.abort_stops_path {
                write!(out, ", value function can stop a path")?;
            }
            writeln!(out)?;
            for (p, path) in spec.paths.iter().enumerate() {
                let rule = RuleRef {
                    transform: t,
                    path: p,
                };
                writeln!(out, "  {rule} {path}")?;
            }
        }
        for (i, pass) in plan.passes.iter().enumerate() {
            self.write_pass(out, i, pass)?;
        }
        Ok(())
    }

    fn write_pass(&self, out: &mut Formatter<'_>, i: usize, pass: &Pass) -> fmt::Result {
        let kind = match pass.kind() {
            PassKind::Walk => "walk",
            PassKind::Naive => "naive",
        };
        write!(out, "pass {} of {}: {kind}", i + 1, self.plan.passes.len())?;
        if let (Some(first), Some(last)) = (pass.rules().first(), pass.rules().last()) {
            write!(out, ", rules {first}..{last}")?;
        }
        writeln!(out)?;
        writeln!(out, "  why: {}", pass.reason())?;
        let guards: Vec<String> = pass.guards().map(|t| TransformRef(t).to_string()).collect();
        if !guards.is_empty() {
            let when = match pass.kind() {
                PassKind::Walk => "before the walk",
                PassKind::Naive => "in order",
            };
            writeln!(out, "  guards {when}: {}", guards.join(", "))?;
        }
        if let Some(trie) = &pass.trie {
            return self.write_trie(out, trie);
        }
        for item in &pass.items {
            if let Item::Rule(r) = item {
                let rule = self.plan.rules[*r as usize];
                let rr = rule.reference;
                writeln!(
                    out,
                    "  {rr} {} {}",
                    self.action(rr.transform, rule.action, false),
                    self.plan.transforms[rr.transform].paths[rr.path]
                )?;
            }
        }
        Ok(())
    }

    fn write_trie(&self, out: &mut Formatter<'_>, trie: &Trie) -> fmt::Result {
        let rule = |r: u32, members: bool| {
            let rule = self.plan.rules[r as usize];
            let reference = rule.reference;
            let action = self.action(reference.transform, rule.action, members);
            format!("{reference} {action}")
        };
        for (n, node) in trie.nodes.iter().enumerate() {
            writeln!(out, "  n{n} {}", node.text)?;
            for &r in &node.actions {
                writeln!(out, "    => {}", rule(r, false))?;
            }
            for &e in &node.edges {
                let edge = &trie.edges[e as usize];
                for &r in &edge.keys_rules {
                    writeln!(out, "    {} => {}", edge.step, rule(r, true))?;
                }
                if let Some(to) = edge.to {
                    writeln!(out, "    {} -> n{to}", edge.step)?;
                }
            }
        }
        Ok(())
    }
}

fn action_word(action: Action) -> &'static str {
    match action {
        Action::Map => "map",
        Action::Delete => "delete",
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl Plan {
    /// The plan as JSON, for `compile --explain --format json`: the same passes, nodes, edges
    /// and actions as [`Plan::explain`], each a member rather than a line.
    pub fn explain_json(&self, kinds: &[&str]) -> serde_json::Value {
        use serde_json::json;
        let action = |r: u32| {
            let rule = self.rules[r as usize];
            let reference = rule.reference;
            json!({
                "rule": reference.to_string(),
                "kind": kinds.get(reference.transform).copied(),
                "action": action_word(rule.action),
            })
        };
        let passes: Vec<serde_json::Value> = self
            .passes
            .iter()
            .map(|pass| {
                let kind = match pass.kind() {
                    PassKind::Walk => "walk",
                    PassKind::Naive => "naive",
                };
                let mut object = json!({
                    "kind": kind,
                    "why": pass.reason().to_string(),
                    "rules": pass.rules().iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "guards": pass.guards().map(|t| TransformRef(t).to_string()).collect::<Vec<_>>(),
                });
                if let Some(trie) = &pass.trie {
                    let nodes: Vec<serde_json::Value> = trie
                        .nodes
                        .iter()
                        .enumerate()
                        .map(|(n, node)| {
                            let edges: Vec<serde_json::Value> = node
                                .edges
                                .iter()
                                .map(|&e| {
                                    let edge = &trie.edges[e as usize];
                                    json!({
                                        "step": edge.step.to_string(),
                                        "to": edge.to.map(|to| format!("n{to}")),
                                        "members": edge.keys_rules.iter().map(|&r| action(r)).collect::<Vec<_>>(),
                                    })
                                })
                                .collect();
                            json!({
                                "node": format!("n{n}"),
                                "path": node.text.clone(),
                                "actions": node.actions.iter().map(|&r| action(r)).collect::<Vec<_>>(),
                                "edges": edges,
                            })
                        })
                        .collect();
                    object["nodes"] = serde_json::Value::Array(nodes);
                } else {
                    let steps: Vec<serde_json::Value> = pass
                        .items
                        .iter()
                        .filter_map(|item| match item {
                            Item::Rule(r) => {
                                let rule = self.rules[*r as usize];
                                let mut step = action(*r);
                                step["path"] = json!(
                                    self.transforms[rule.reference.transform].paths
                                        [rule.reference.path]
                                        .to_string()
                                );
                                Some(step)
                            }
                            Item::Guard(_) => None,
                        })
                        .collect();
                    object["steps"] = serde_json::Value::Array(steps);
                }
                object
            })
            .collect();
        let transforms: Vec<serde_json::Value> = self
            .transforms
            .iter()
            .enumerate()
            .map(|(t, spec)| {
                let paths: Vec<serde_json::Value> = spec
                    .paths
                    .iter()
                    .enumerate()
                    .map(|(p, path)| {
                        let rule = RuleRef {
                            transform: t,
                            path: p,
                        };
                        json!({"rule": rule.to_string(), "path": path.to_string()})
                    })
                    .collect();
                json!({
                    "transform": TransformRef(t).to_string(),
                    "kind": kinds.get(t).copied(),
                    "action": action_word(spec.action),
                    "applyOnlyWhen": spec.guard.as_ref().map(ToString::to_string),
                    "stopsPath": spec.abort_stops_path,
                    "paths": paths,
                })
            })
            .collect();
        json!({
            "transforms": transforms,
            "rules": self.rules.len(),
            "passes": passes,
        })
    }
}
