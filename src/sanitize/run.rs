//! Running an endpoint's transforms on a document with the chosen engine.

use crate::diag::Location;
use crate::json::Value;
use crate::jsonpath::JsonPath;
use crate::plan::naive::{self, EvalError, ReadResult, Selected};
use crate::pseudonym::Pseudonymizer;
use crate::transform::TransformError;
use crate::transform::compiled::ValueFn;

use super::{Protected, SanitizeError, Trace};

/// Which engine applies the JSONPaths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// The compiled plan: all paths of an endpoint in one walk.
    #[default]
    Plan,
    /// Each path on its own, in order, as the reference proxy does.
    Naive,
}

/// One compiled transform with the places of its parts in the rules file.
#[derive(Debug)]
pub(super) struct CompiledTransform {
    pub name: &'static str,
    pub paths: Vec<JsonPath>,
    pub path_locations: Vec<Location>,
    pub guard: Option<(JsonPath, Location)>,
    pub value_fn: ValueFn,
}

/// An endpoint's transforms, in order, with the engine that runs them.
#[derive(Debug)]
pub(super) struct Transforms {
    transforms: Vec<CompiledTransform>,
    #[allow(dead_code)]
    engine: Engine,
}

impl Transforms {
    pub fn new(transforms: Vec<CompiledTransform>, engine: Engine) -> Self {
        Transforms { transforms, engine }
    }

    /// Applies every transform to `doc` (§2.0): the guard, then each path in order; a path
    /// that does not exist is skipped.
    pub fn run(&self, doc: &mut Value<'_>, p: &Pseudonymizer) -> Result<(), SanitizeError> {
        for t in &self.transforms {
            if let Some((guard, location)) = &t.guard {
                let passes = naive::read_path(guard, doc)
                    .and_then(|r| r.guard_passes())
                    .map_err(|e| SanitizeError::Guard {
                        location: location.clone(),
                        reason: match e {
                            EvalError::NotFound => {
                                "the path does not exist in the document".to_owned()
                            }
                            EvalError::Fatal { message } => message,
                            EvalError::Transform(never) => match never {},
                        },
                    })?;
                if !passes {
                    continue;
                }
            }
            for (path, location) in t.paths.iter().zip(&t.path_locations) {
                let result = if t.value_fn.is_delete() {
                    naive::delete_path(path, doc).map_err(EvalError::widen)
                } else {
                    naive::map_path(path, doc, &mut |v| t.value_fn.apply(&v, p))
                };
                let failure = |reason: String| SanitizeError::Transform {
                    location: location.clone(),
                    kind: t.name,
                    pointer: None,
                    reason,
                };
                match result {
                    Ok(())
                    | Err(
                        EvalError::NotFound
                        | EvalError::Transform(TransformError::InnerPathNotFound),
                    ) => {}
                    Err(EvalError::Fatal { message }) => return Err(failure(message)),
                    Err(EvalError::Transform(e)) => return Err(failure(e.to_string())),
                }
            }
        }
        Ok(())
    }

    /// Records what each path selects in `doc` (read-only, before any transform runs).
    pub fn trace(&self, doc: &Value<'_>, trace: &mut Trace) {
        for (t, transform) in self.transforms.iter().enumerate() {
            for (p, path) in transform.paths.iter().enumerate() {
                let selected = match naive::read_path(path, doc) {
                    Ok(ReadResult::List(items)) => items,
                    Ok(ReadResult::Definite(item)) => vec![item],
                    Err(_) => Vec::new(),
                };
                if let Some(count) = trace.matches.get_mut(t).and_then(|m| m.get_mut(p)) {
                    *count += selected.len() as u64;
                }
                for item in selected {
                    let mut strings = Vec::new();
                    match item {
                        Selected::Value(v) => collect_strings(v, &mut strings),
                        Selected::Members(members) => {
                            for (_, v) in members {
                                collect_strings(v, &mut strings);
                            }
                        }
                    }
                    trace
                        .protected
                        .extend(strings.into_iter().map(|value| Protected {
                            value,
                            transform: t,
                            path: p,
                        }));
                }
            }
        }
    }
}

/// Every string in a value, containers included.
fn collect_strings(v: &Value<'_>, out: &mut Vec<String>) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => out.push(s.to_string()),
            Value::Array(a) => stack.extend(a.iter().rev()),
            Value::Object(m) => stack.extend(m.values().rev()),
            _ => {}
        }
    }
}
