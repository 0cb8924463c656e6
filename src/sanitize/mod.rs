//! The proxy's response pipeline (§7.1): choose the endpoint that allows the request, then for
//! each top-level JSON value run augments, the `responseSchema` filter and the transforms, and
//! write compact JSON joined by newlines.

mod error;
mod memo;
mod run;
mod stream;

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, OnceLock};

pub use error::{CODES, Refusal, SanitizeError, ValuePlace};
pub use run::Engine;
pub use stream::{StreamError, StreamOptions, StreamStats};

use crate::endpoint::{
    CheckError, Matcher, MatcherError, Mismatch, RequestUrl, closest, required_prefix,
    starts_with_ignoring_ascii_case,
};
use crate::filter::{CompiledFilter, SchemaRoot};
use crate::json::{
    self, Holes, NoHoles, Value, parse_values, validate_utf8, write_compact_filled, write_pretty,
};
use crate::jsonpath;
use crate::pseudonym::Pseudonymizer;
use crate::rules::{AugmentKind, Endpoint, Located, Rules};
use crate::transform::augment::{TextDigestAugment, apply_augments};
use crate::transform::compiled::{CompileError, ValueFn};
use crate::transform::text_digest::Keywords;
use run::{Arenas, CompiledTransform, EmitError, Fresh, Transforms};

/// Sanitizes responses for one rules file, as the proxy configured with it would.
///
/// Endpoints are compiled on first use, so a run that touches one endpoint of a large rules
/// file pays for that endpoint only.
#[derive(Debug)]
pub struct Sanitizer {
    rules: Arc<Rules>,
    pseudonymizer: Pseudonymizer,
    engine: Engine,
    matchers: Vec<OnceLock<Result<Matcher, MatcherError>>>,
    /// What requests must start with to match each endpoint, when known.
    prefixes: Vec<Option<String>>,
    endpoints: Vec<OnceLock<Result<CompiledEndpoint, SanitizeError>>>,
    /// Whether a second core is there to take half of a large array.
    two_cores: bool,
    /// Arenas of finished documents, for the next ones.
    arenas: Mutex<Vec<Arenas>>,
    /// The name of the function the proxy is deployed as, whose segment leads request paths.
    function: Option<String>,
}

/// Which endpoint a request selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// The index of the first endpoint (in file order) that allows the request.
    Endpoint(usize),
    /// No endpoint allows it, but `allowAllEndpoints` lets the body through unchanged.
    PassThrough,
}

/// One endpoint, ready to sanitize.
#[derive(Debug)]
struct CompiledEndpoint {
    augments: Vec<TextDigestAugment>,
    /// The `responseSchema`, compiled, with its place in the rules file.
    schema: Option<(CompiledFilter, crate::rules::Span)>,
    /// Why responses of this endpoint cannot be sanitized, if they cannot.
    unsupported: Option<SanitizeError>,
    transforms: Transforms,
}

/// What the transforms of an endpoint selected in a document, before they changed it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    /// Per transform, per path: how many values the path selected, over all top-level values.
    pub matches: Vec<Vec<u64>>,
    /// The string values the transforms select (strings inside selected containers
    /// included), each with the transform and path that selects it.
    pub protected: Vec<Protected>,
    /// The places where `responseSchema` turned a value into null, or removed elements of an
    /// array, because it asks for another type there, over all top-level values.
    pub schema_losses: Vec<crate::filter::Loss>,
}

/// A string a transform selects: an original value that must not reach the output as is;
/// or, with `part`, a piece of one that a transform keeping the rest of it replaced or
/// removed (the group of a `tokenize` regex, a redacted match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    pub value: String,
    pub transform: usize,
    pub path: usize,
    pub part: bool,
}

/// How a sanitized body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Output {
    /// As the proxy sends it: compact JSON values joined by `\n`.
    #[default]
    Compact,
    /// The golden form of sanitized example files: the first value, pretty-printed (§7.5).
    Pretty,
}

impl Sanitizer {
    /// Arenas kept between calls, at most: one per document sanitized at the same time.
    const POOLED_ARENAS: usize = 16;

    pub fn new(rules: Arc<Rules>, pseudonymizer: Pseudonymizer, engine: Engine) -> Sanitizer {
        let prefixes = rules.endpoints.iter().map(|e| required_prefix(e)).collect();
        let n = rules.endpoints.len();
        Sanitizer {
            rules,
            pseudonymizer,
            engine,
            matchers: (0..n).map(|_| OnceLock::new()).collect(),
            prefixes,
            endpoints: (0..n).map(|_| OnceLock::new()).collect(),
            two_cores: std::thread::available_parallelism().is_ok_and(|n| n.get() > 1),
            arenas: Mutex::new(Vec::new()),
            function: None,
        }
    }

    /// The sanitizer of the proxy deployed as the function `name`, which removes a leading
    /// `/name` segment from request paths before it matches them (§5.1).
    #[must_use]
    pub fn as_function(mut self, name: impl Into<String>) -> Sanitizer {
        self.function = Some(name.into());
        self
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The endpoint that allows `method url`: the first in file order (§5.6).
    pub fn select(&self, method: &str, url: &str) -> Result<Selection, SanitizeError> {
        let mut parsed = RequestUrl::parse(url).map_err(|reason| SanitizeError::InvalidUrl {
            url: url.to_owned(),
            reason,
        })?;
        if let Some(name) = &self.function {
            parsed = parsed.without_function_segment(name);
        }
        let mut mismatches = Vec::with_capacity(self.rules.endpoints.len());
        for (i, endpoint) in self.rules.endpoints.iter().enumerate() {
            let target = if endpoint.path_regex.is_some() {
                parsed.file()
            } else {
                &parsed.path
            };
            if let Some(prefix) = &self.prefixes[i]
                && !starts_with_ignoring_ascii_case(target, prefix)
            {
                mismatches.push(Mismatch::Path);
                continue;
            }
            let matcher = self.matcher(i)?;
            match matcher.check(endpoint, method, &parsed) {
                Ok(()) => return Ok(Selection::Endpoint(i)),
                Err(CheckError::Mismatch(m)) => mismatches.push(m),
                Err(CheckError::Regex(reason)) => {
                    return Err(SanitizeError::Endpoint {
                        location: self.location(endpoint.span),
                        reason,
                    });
                }
                Err(CheckError::Param(e)) => {
                    return Err(SanitizeError::Endpoint {
                        location: self.location(endpoint.span),
                        reason: format!("a parameter schema cannot be applied: a value {e}"),
                    });
                }
            }
        }
        if *self.rules.allow_all_endpoints {
            return Ok(Selection::PassThrough);
        }
        Err(SanitizeError::Refused(Box::new(self.refusal(
            method,
            &parsed,
            &mismatches,
        ))))
    }

    fn matcher(&self, i: usize) -> Result<&Matcher, SanitizeError> {
        let endpoint = &self.rules.endpoints[i];
        self.matchers[i]
            .get_or_init(|| Matcher::new(endpoint))
            .as_ref()
            .map_err(|e| SanitizeError::Endpoint {
                location: self.location(endpoint.span),
                reason: e.to_string(),
            })
    }

    /// Explains a refused request by the endpoint that came closest.
    fn refusal(&self, method: &str, url: &RequestUrl, mismatches: &[Mismatch]) -> Refusal {
        let endpoints = &self.rules.endpoints;
        // An endpoint whose path matched (and something else did not) is the best explanation;
        // otherwise the one whose path comes closest, the first in file order among equals;
        // a lone endpoint however far.
        let closest = mismatches
            .iter()
            .position(Mismatch::path_matched)
            .or_else(|| closest(endpoints, &url.path))
            .or_else(|| (endpoints.len() == 1).then_some(0));
        Refusal {
            method: method.to_uppercase(),
            path: url.path.clone(),
            query: url.query.clone(),
            closest: closest.map(|i| {
                let e = &endpoints[i];
                (
                    self.location(e.span),
                    matcher_text(e),
                    mismatches[i].to_string(),
                )
            }),
            closest_endpoint: closest,
            endpoints: endpoints.len(),
        }
    }

    fn location(&self, span: crate::rules::Span) -> crate::diag::Location {
        self.rules.source.location(span)
    }

    fn compiled(&self, i: usize) -> Result<&CompiledEndpoint, SanitizeError> {
        self.endpoints[i]
            .get_or_init(|| self.compile(&self.rules.endpoints[i]))
            .as_ref()
            .map_err(Clone::clone)
    }

    fn compile(&self, endpoint: &Located<Endpoint>) -> Result<CompiledEndpoint, SanitizeError> {
        let path_error = |p: &Located<String>, e: jsonpath::PathError| SanitizeError::Endpoint {
            location: self.location(p.span),
            reason: format!("JSONPath `{}` does not parse: {}", p.as_str(), e.message),
        };
        let parse = |p: &Located<String>| jsonpath::parse(p).map_err(|e| path_error(p, e));
        let mut augments = Vec::new();
        let mut unsupported = None;
        for augment in &endpoint.augments {
            match &augment.kind {
                AugmentKind::TextDigest(o) => {
                    // The proxy swallows an augment's failures (§2.13): a path that does not
                    // parse adds nothing, and an inner path that does not parse fails every
                    // place, so the augment adds nothing at all.
                    let Ok(inner) = augment
                        .inner_json_path
                        .as_ref()
                        .filter(|p| !p.trim().is_empty())
                        .map(|p| jsonpath::parse(p))
                        .transpose()
                    else {
                        continue;
                    };
                    augments.push(TextDigestAugment {
                        paths: augment
                            .json_paths
                            .iter()
                            .filter_map(|p| jsonpath::parse(p).ok())
                            .collect(),
                        inner,
                        keywords: Keywords::new(&o.keywords),
                    });
                }
                AugmentKind::SentenceMetadata(_) => {
                    unsupported.get_or_insert(SanitizeError::Unsupported {
                        location: self.location(augment.kind_span),
                        what: "`sentenceMetadata` augments need NLP models that psoxy-rules \
                               does not have"
                            .to_owned(),
                    });
                }
            }
        }
        let mut transforms = Vec::with_capacity(endpoint.transforms.len());
        let mut specs = Vec::with_capacity(endpoint.transforms.len());
        for t in &endpoint.transforms {
            let value_fn = ValueFn::compile(&t.kind).map_err(|e| match e {
                CompileError::Regex { pattern, error } => SanitizeError::Endpoint {
                    location: self.location(if pattern.span.is_empty() {
                        t.kind_span
                    } else {
                        pattern.span
                    }),
                    reason: format!("regex does not compile: {error}"),
                },
                CompileError::Path { path, error } => path_error(&path, error),
                e @ CompileError::MissingRegex => SanitizeError::Endpoint {
                    location: self.location(t.kind_span),
                    reason: e.to_string(),
                },
            })?;
            let guard = t.apply_only_when.as_ref().filter(|g| !g.trim().is_empty());
            specs.push(Transforms::spec(
                &value_fn,
                t.json_paths.iter().map(parse).collect::<Result<_, _>>()?,
                guard.map(parse).transpose()?,
            ));
            transforms.push(CompiledTransform {
                name: t.kind.name(),
                path_locations: t.json_paths.iter().map(|p| self.location(p.span)).collect(),
                guard_location: guard.map(|g| self.location(g.span)),
                value_fn,
            });
        }
        let root = SchemaRoot::new(self.rules.definitions.as_ref());
        Ok(CompiledEndpoint {
            augments,
            schema: endpoint
                .response_schema
                .as_ref()
                .map(|s| (CompiledFilter::located(s, root), s.span)),
            unsupported,
            transforms: Transforms::new(
                transforms,
                specs,
                self.engine,
                endpoint.response_schema.is_some(),
            ),
        })
    }

    /// The compiled plan of endpoint `i` in its readable form (nodes, edges, actions and
    /// passes), or `None` when the engine is the naive one.
    pub fn explain(&self, i: usize) -> Result<Option<String>, SanitizeError> {
        Ok(self.compiled(i)?.transforms.explain())
    }

    /// The compiled plan of endpoint `i` as JSON, or `None` when the engine is the naive one.
    /// The places of `doc` (a document as the endpoint of index `i` sends it) that the paths
    /// of its transforms select, each as a JSON Pointer with the first transform and path, in
    /// rule order, that selects it.
    pub fn selected_places(
        &self,
        i: usize,
        doc: &Value<'_>,
    ) -> Result<std::collections::HashMap<String, (usize, usize)>, SanitizeError> {
        Ok(self.compiled(i)?.transforms.selected_places(doc))
    }

    pub fn explain_json(&self, i: usize) -> Result<Option<serde_json::Value>, SanitizeError> {
        Ok(self.compiled(i)?.transforms.explain_json())
    }

    /// Sanitizes a response body for `method url` (§7.1).
    pub fn sanitize(
        &self,
        method: &str,
        url: &str,
        body: &[u8],
        output: Output,
    ) -> Result<Vec<u8>, SanitizeError> {
        let selection = self.select(method, url)?;
        self.sanitize_selected(selection, body, output)
    }

    /// Sanitizes a body for an already selected endpoint.
    pub fn sanitize_selected(
        &self,
        selection: Selection,
        body: &[u8],
        output: Output,
    ) -> Result<Vec<u8>, SanitizeError> {
        let mut out = Vec::new();
        self.sanitize_into(selection, body, output, &mut out)?;
        Ok(out)
    }

    /// Sanitizes like [`Sanitizer::sanitize_selected`], appending the result to `out`: a
    /// buffer kept from one body to the next is written into memory already mapped. On an
    /// error, `out` is left as it was.
    pub fn sanitize_into(
        &self,
        selection: Selection,
        body: &[u8],
        output: Output,
        out: &mut Vec<u8>,
    ) -> Result<(), SanitizeError> {
        let before = out.len();
        let result = self.run(selection, body, output, None, out);
        if result.is_err() {
            out.truncate(before);
        }
        result
    }

    /// Sanitizes like [`Sanitizer::sanitize_selected`] and also reports what the transforms
    /// selected, for the replay harness's coverage and leak checks.
    pub fn sanitize_traced(
        &self,
        selection: Selection,
        body: &[u8],
        output: Output,
    ) -> Result<(Vec<u8>, Trace), SanitizeError> {
        let mut trace = Trace::default();
        if let Selection::Endpoint(i) = selection {
            trace.matches = self.rules.endpoints[i]
                .transforms
                .iter()
                .map(|t| vec![0; t.json_paths.len()])
                .collect();
        }
        let mut out = Vec::new();
        self.run(selection, body, output, Some(&mut trace), &mut out)?;
        Ok((out, trace))
    }

    fn run(
        &self,
        selection: Selection,
        body: &[u8],
        output: Output,
        trace: Option<&mut Trace>,
        out: &mut Vec<u8>,
    ) -> Result<(), SanitizeError> {
        // An empty body is returned as it is; an unmatched URL under allowAllEndpoints is
        // passed through byte for byte (§7.1 steps 0 and 1), or, as a golden file, read and
        // written in its form.
        let Selection::Endpoint(i) = selection else {
            match output {
                Output::Compact => out.extend_from_slice(body),
                Output::Pretty => out.extend_from_slice(&pretty_first_value(body)?),
            }
            return Ok(());
        };
        if body.is_empty() {
            return Ok(());
        }
        let endpoint = self.compiled(i)?;
        let text = validate_utf8(body).map_err(SanitizeError::InvalidJson)?;
        // Pseudonyms are longer than most values they replace: room for half as much again
        // spares the copy of a nearly full buffer.
        out.reserve(body.len().saturating_add(body.len() / 2));
        let mut written = 0u64;
        self.for_each_value::<SanitizeError>(
            endpoint,
            text,
            Origin::BODY,
            trace,
            &mut |value, holes| {
                match output {
                    Output::Compact => {
                        if written > 0 {
                            out.push(b'\n');
                        }
                        write_compact_filled(value, holes, out);
                    }
                    // The golden form shows the first value; the others are still sanitized,
                    // so that one that fails fails the body (harness §5).
                    Output::Pretty if written == 0 => write_pretty(value, out),
                    Output::Pretty => {}
                }
                written += 1;
                Ok(true)
            },
            Cores {
                split: self.two_cores,
                holes: self.two_cores && output == Output::Compact,
            },
        )?;
        Ok(())
    }

    /// Parses and sanitizes each top-level value of `text` for `endpoint`, and hands it to
    /// `emit`, which says whether to go on. Strings the transforms make live in arenas, reset
    /// once `emit` has written their value and kept for the next value and the next call.
    /// `origin` says where `text` starts in the whole body, to place errors in it: JSON errors
    /// always, others when the body has several values. `cores` says whether large arrays may be
    /// walked on two threads, and whether `emit` fills holes: arrays walked while it writes.
    /// Returns where in `text` the values it did not read start (its end when it read them
    /// all).
    fn for_each_value<E: From<SanitizeError>>(
        &self,
        endpoint: &CompiledEndpoint,
        text: &str,
        origin: Origin,
        mut trace: Option<&mut Trace>,
        emit: &mut dyn FnMut(&Value<'_>, &mut dyn Holes) -> Result<bool, E>,
        cores: Cores,
    ) -> Result<usize, E> {
        let mut arenas = self
            .arenas
            .lock()
            .ok()
            .and_then(|mut pool| pool.pop())
            .unwrap_or_else(Arenas::new);
        let mut values = parse_values(text).on_two_threads(cores.split);
        loop {
            let start = values.offset();
            let Some(value) = values.next() else { break };
            arenas.set_split(cores.split);
            let outcome = {
                let mut value: Value<'_> = value.map_err(|e| origin.json_error(e))?;
                let source = &text[start..values.offset()];
                let fresh = || self.reparsed(endpoint, source, origin);
                if cores.holes && trace.is_none() {
                    self.sanitize_emit(endpoint, &mut value, &mut arenas, &fresh, emit)
                } else {
                    match self.sanitize_value(
                        endpoint,
                        &mut value,
                        Some(&mut arenas),
                        trace.as_deref_mut(),
                        &fresh,
                    ) {
                        Ok(()) => Ok(emit(&value, &mut NoHoles)),
                        Err(e) => Err(EmitError::Failed(e)),
                    }
                }
            };
            if !arenas.reset() {
                arenas = Arenas::new();
            }
            let go_on = match outcome {
                Ok(emitted) => emitted?,
                Err(failure) => {
                    let end = values.offset();
                    let plan_error = match failure {
                        EmitError::Failed(e) => Some(e),
                        EmitError::Redo => None,
                    };
                    let e = self.first_failure(endpoint, &text[start..end], origin, plan_error);
                    // In a body of several values, say which one failed.
                    let alone = origin.offset == 0
                        && text[..start].trim_matches(JSON_SPACE).is_empty()
                        && text[end..].trim_matches(JSON_SPACE).is_empty();
                    if alone {
                        return Err(e.into());
                    }
                    let begins = end - text[start..end].trim_start_matches(JSON_SPACE).len();
                    return Err(e.in_value(origin.place(text, begins)).into());
                }
            };
            if !go_on {
                break;
            }
        }
        if let Ok(mut pool) = self.arenas.lock()
            && pool.len() < Self::POOLED_ARENAS
        {
            pool.push(arenas);
        }
        Ok(values.offset())
    }

    /// Augments, schema filter and transforms, then `emit`, which may be handed the
    /// document's large arrays as holes, walked while it writes them.
    fn sanitize_emit<'a, E>(
        &self,
        endpoint: &CompiledEndpoint,
        value: &mut Value<'a>,
        arenas: &'a mut Arenas,
        fresh: Fresh<'_, 'a>,
        emit: &mut dyn FnMut(&Value<'_>, &mut dyn Holes) -> Result<bool, E>,
    ) -> Result<Result<bool, E>, EmitError> {
        self.prepare_value(endpoint, value, arenas.split())
            .map_err(EmitError::Failed)?;
        endpoint.transforms.run_emit(
            value,
            &self.pseudonymizer,
            Some(arenas),
            fresh,
            &mut |v, holes| emit(v, holes),
        )
    }

    /// `text`, one top-level value of a body (placed in it by `origin`), parsed again, with
    /// the endpoint's augments and after its `responseSchema`: as the transforms receive it.
    fn reparsed<'t>(
        &self,
        endpoint: &CompiledEndpoint,
        text: &'t str,
        origin: Origin,
    ) -> Result<Value<'t>, SanitizeError> {
        let mut value = json::parse_value(text).map_err(|e| origin.json_error(e))?;
        self.prepare_value(endpoint, &mut value, false)?;
        Ok(value)
    }

    /// The error the proxy meets first in `value` (the text of one top-level value), given
    /// what this run failed with, if anything: nothing when a walk that wrote as it went
    /// failed. The plan walks the document once, in document order, but the proxy applies
    /// each transform's paths in turn, and a path's matches in Jayway's order (§6.3.10: array
    /// elements from the last); so when the plan fails, the value is parsed again and
    /// sanitized with the naive engine, which fails where the proxy does.
    fn first_failure(
        &self,
        endpoint: &CompiledEndpoint,
        value: &str,
        origin: Origin,
        error: Option<SanitizeError>,
    ) -> SanitizeError {
        let from_transforms = matches!(
            error,
            None | Some(SanitizeError::Transform { .. } | SanitizeError::Guard { .. })
        );
        if self.engine == Engine::Naive || !from_transforms {
            return error.unwrap_or_else(|| endpoint.transforms.incomplete());
        }
        let naive = self
            .reparsed(endpoint, value, origin)
            .and_then(|mut again| {
                endpoint
                    .transforms
                    .run_naive(&mut again, &self.pseudonymizer)
            });
        match naive {
            Err(e) => e,
            // Both engines fail on the same documents, so this is not reached; the plan's
            // error is then the one to report.
            Ok(_) => error.unwrap_or_else(|| endpoint.transforms.incomplete()),
        }
    }

    /// Sanitizes one parsed top-level value in place for the selected endpoint: augments,
    /// `responseSchema` filter, transforms (§7.1 step 2). A pass-through selection leaves it
    /// as it is.
    pub fn sanitize_parsed(
        &self,
        selection: Selection,
        value: &mut Value<'_>,
    ) -> Result<(), SanitizeError> {
        let Selection::Endpoint(i) = selection else {
            return Ok(());
        };
        let endpoint = self.compiled(i)?;
        // Without the text, a document the plan hands back to the naive engine is a copy.
        let original = endpoint.transforms.may_need_naive().then(|| value.clone());
        let fresh = || {
            let mut again = original.clone().unwrap_or(Value::Null);
            self.prepare_value(endpoint, &mut again, false)?;
            Ok(again)
        };
        self.sanitize_value(endpoint, value, None, None, &fresh)
    }

    /// `value` (a top-level value of a response of the endpoint of index `i`) as the transforms
    /// receive it: with the endpoint's augments and after its `responseSchema`.
    pub fn before_transforms<'a>(
        &self,
        i: usize,
        mut value: Value<'a>,
    ) -> Result<Value<'a>, SanitizeError> {
        self.prepare_value(self.compiled(i)?, &mut value, false)?;
        Ok(value)
    }

    /// Augments and schema filter (§7.1 step 2), the steps before the transforms.
    fn prepare_value(
        &self,
        endpoint: &CompiledEndpoint,
        value: &mut Value<'_>,
        split: bool,
    ) -> Result<(), SanitizeError> {
        if let Some(e) = &endpoint.unsupported {
            return Err(e.clone());
        }
        apply_augments(value, &endpoint.augments);
        if let Some((schema, span)) = &endpoint.schema {
            let v = std::mem::replace(value, Value::Null);
            *value = schema.filter_located(v, split).map_err(|failure| {
                let pointer = failure.pointer();
                SanitizeError::Filter {
                    location: self.location(failure.span.unwrap_or(*span)),
                    error: failure.error,
                    pointer: (!pointer.is_empty()).then(|| {
                        crate::harness::leaks::withhold_personal_names(&pointer).into_boxed_str()
                    }),
                    value: None,
                }
            })?;
        }
        Ok(())
    }

    /// Augments, schema filter, transforms (§7.1 step 2). Strings the transforms make are
    /// kept in `arenas` when given, packed instead of one allocation each.
    fn sanitize_value<'a>(
        &self,
        endpoint: &CompiledEndpoint,
        value: &mut Value<'a>,
        arenas: Option<&'a mut Arenas>,
        trace: Option<&mut Trace>,
        fresh: Fresh<'_, 'a>,
    ) -> Result<(), SanitizeError> {
        let split = arenas.as_ref().is_some_and(|a| a.split());
        // What the schema takes is told only to a trace: the replay harness's warnings.
        let before = (trace.is_some() && endpoint.schema.is_some()).then(|| value.clone());
        self.prepare_value(endpoint, value, split)?;
        let Some(trace) = trace else {
            return endpoint
                .transforms
                .run(value, &self.pseudonymizer, arenas, fresh)
                .map(drop);
        };
        if let Some(before) = before {
            trace
                .schema_losses
                .extend(crate::filter::losses(&before, value));
        }
        endpoint.transforms.trace(value, &self.pseudonymizer, trace);
        let stats = endpoint
            .transforms
            .run(value, &self.pseudonymizer, arenas, fresh)?;
        for (t, counts) in stats.matches.iter().enumerate() {
            for (p, n) in counts.iter().enumerate() {
                if let Some(total) = trace.matches.get_mut(t).and_then(|m| m.get_mut(p)) {
                    *total += n;
                }
            }
        }
        Ok(())
    }
}

/// JSON's whitespace.
const JSON_SPACE: &[char] = &[' ', '\t', '\n', '\r'];

/// A body passed through unchanged, as the golden form shows it: its first value read and
/// written pretty, what follows unread, as Jackson's reader leaves trailing content (harness
/// §5). An empty body stays empty; one that does not start with a value is refused.
pub fn pretty_first_value(body: &[u8]) -> Result<Vec<u8>, SanitizeError> {
    if body.is_empty() {
        return Ok(Vec::new());
    }
    let text = validate_utf8(body).map_err(SanitizeError::InvalidJson)?;
    let mut out = Vec::with_capacity(body.len());
    if let Some(value) = parse_values(text).next() {
        write_pretty(&value.map_err(SanitizeError::InvalidJson)?, &mut out);
    }
    Ok(out)
}

/// Where a text being sanitized starts in the whole body (a segment of a stream, or the body
/// itself), to place what is found in the text in the body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin {
    /// Byte offset of the text in the body.
    pub offset: usize,
    /// Line breaks before the text.
    pub lines_before: usize,
    /// Characters between the last line break before the text and its start.
    pub column_before: usize,
}

impl Origin {
    /// The text is the whole body.
    pub const BODY: Origin = Origin {
        offset: 0,
        lines_before: 0,
        column_before: 0,
    };

    /// A JSON error of the text, placed in the body.
    pub fn json_error(self, e: json::ParseError) -> SanitizeError {
        let (line, column) = self.shift(e.line, e.column);
        SanitizeError::InvalidJson(json::ParseError {
            offset: e.offset + self.offset,
            line,
            column,
            ..e
        })
    }

    /// Where byte `offset` of `text` is in the body.
    fn place(self, text: &str, offset: usize) -> ValuePlace {
        let (line, column) = json::line_column(text, offset);
        let (line, column) = self.shift(line, column);
        ValuePlace {
            line: NonZeroU32::new(line).unwrap_or(NonZeroU32::MIN),
            column,
        }
    }

    /// A line and column of the text as a line and column of the body.
    fn shift(self, line: u32, column: u32) -> (u32, u32) {
        let before = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let column = if line == 1 {
            column.saturating_add(before(self.column_before))
        } else {
            column
        };
        (line.saturating_add(before(self.lines_before)), column)
    }
}

/// How a sanitization may use a second core.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cores {
    /// Large arrays may be parsed, filtered and walked in two halves.
    split: bool,
    /// Large arrays may be walked while the document is written.
    holes: bool,
}

impl Cores {
    pub(crate) const ONE: Cores = Cores {
        split: false,
        holes: false,
    };
}

fn matcher_text(e: &Endpoint) -> String {
    match (&e.path_template, &e.path_regex) {
        (_, Some(r)) => format!("pathRegex `{}`", r.as_str()),
        (Some(t), None) => format!("pathTemplate `{}`", t.as_str()),
        (None, None) => "no path".to_owned(),
    }
}

#[cfg(test)]
mod tests;
