//! The text of `compile --explain`: rules, passes with the reason for each split, and for each
//! walk pass the trie of steps with the actions each rule owns. The form is stable: it depends
//! only on the rules, in order.

use std::fmt::{self, Formatter};

use super::Action;
use super::analysis::Item;
use super::compile::{Pass, PassKind, Plan, Trie};

impl Plan {
    /// A readable description of the plan.
    pub fn explain(&self) -> String {
        Explain(self).to_string()
    }
}

struct Explain<'p>(&'p Plan);

impl fmt::Display for Explain<'_> {
    fn fmt(&self, out: &mut Formatter<'_>) -> fmt::Result {
        self.0.write_explain(out)
    }
}

impl Plan {
    fn write_explain(&self, out: &mut Formatter<'_>) -> fmt::Result {
        let walks = self
            .passes
            .iter()
            .filter(|p| p.kind() == PassKind::Walk)
            .count();
        writeln!(
            out,
            "plan: {} transform{}, {} rule{}, {} pass{} ({walks} walk, {} naive)",
            self.transforms.len(),
            plural(self.transforms.len()),
            self.rules.len(),
            plural(self.rules.len()),
            self.passes.len(),
            if self.passes.len() == 1 { "" } else { "es" },
            self.passes.len() - walks,
        )?;
        if walks > 0 {
            writeln!(
                out,
                "a walk applies its rules in order at each node, children first; filters, indexes \
                 and all-names checks are decided after the earlier rules' updates inside the node"
            )?;
        }
        for (t, spec) in self.transforms.iter().enumerate() {
            write!(out, "t{t} {}", action_word(spec.action))?;
            if let Some(guard) = &spec.guard {
                write!(out, ", applyOnlyWhen {guard}")?;
            }
            if spec.abort_stops_path {
                write!(out, ", value function can stop a path")?;
            }
            writeln!(out)?;
            for (p, path) in spec.paths.iter().enumerate() {
                writeln!(out, "  t{t}.p{p} {path}")?;
            }
        }
        for (i, pass) in self.passes.iter().enumerate() {
            self.write_pass(out, i, pass)?;
        }
        Ok(())
    }

    fn write_pass(&self, out: &mut Formatter<'_>, i: usize, pass: &Pass) -> fmt::Result {
        let kind = match pass.kind() {
            PassKind::Walk => "walk",
            PassKind::Naive => "naive",
        };
        write!(out, "pass {} of {}: {kind}", i + 1, self.passes.len())?;
        if let (Some(first), Some(last)) = (pass.rules().first(), pass.rules().last()) {
            write!(out, ", rules {first}..{last}")?;
        }
        writeln!(out)?;
        writeln!(out, "  why: {}", pass.reason())?;
        let guards: Vec<String> = pass.guards().map(|t| format!("t{t}")).collect();
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
                let rule = self.rules[*r as usize];
                let rr = rule.reference;
                writeln!(
                    out,
                    "  {rr} {} {}",
                    action_word(rule.action),
                    self.transforms[rr.transform].paths[rr.path]
                )?;
            }
        }
        Ok(())
    }

    fn write_trie(&self, out: &mut Formatter<'_>, trie: &Trie) -> fmt::Result {
        let rule = |r: u32| {
            let rule = self.rules[r as usize];
            format!("{} {}", rule.reference, action_word(rule.action))
        };
        for (n, node) in trie.nodes.iter().enumerate() {
            writeln!(out, "  n{n} {}", node.text)?;
            for &r in &node.actions {
                writeln!(out, "    => {}", rule(r))?;
            }
            for &e in &node.edges {
                let edge = &trie.edges[e as usize];
                for &r in &edge.keys_rules {
                    writeln!(out, "    {} => {} members", edge.step, rule(r))?;
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
