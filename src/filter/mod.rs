//! The `responseSchema` allow-list filter (§4): members the schema does not list are dropped,
//! values of the wrong type become null, and `$ref` resolves in the rules' `definitions`.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};

use crate::json::{Map, Value, java_number_string, same_text};
use crate::rules::{Located, SchemaFilter, SchemaType, Span};
use crate::threads::{self, SPLIT_MIN_ELEMENTS};

mod losses;
pub use losses::{Loss, LossKind, losses};

/// A failure that, in the proxy, aborts the response (§4.1, §4.2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FilterError {
    #[error("`$ref: \"{0}\"` cannot resolve: the rules have no `definitions`")]
    NoDefinitions(String),
    #[error("`$ref: \"{0}\"` names a definition that does not exist")]
    MissingDefinition(String),
    #[error("`$ref: \"{0}\"` is not supported: only `#` and `#/definitions/NAME` resolve")]
    UnsupportedRef(String),
    #[error("`type: \"{0}\"` is not a type the filter knows")]
    UnknownType(String),
    #[error("an `if`/`else` condition schema has no `properties` to test")]
    EmptyCondition,
    #[error("the `if`/`else` condition tests member `{0}`, which the value does not have")]
    MissingConditionMember(String),
    #[error("a schema with `if` has no `then`")]
    MissingThen,
    #[error("an integer beyond the 64-bit range reached a schema without `type`")]
    UntypedBigInteger,
    #[error(
        "the schema refers to itself through `$ref` or `anyOf` without reaching a member or \
         element, so filtering would never end"
    )]
    EndlessRef,
    #[error(
        "the schema's `anyOf` candidates and `if` conditions filter the same values over and over \
         (more than {0} times the work of filtering the response once): their nesting makes the \
         work grow exponentially with the depth of the response"
    )]
    ExponentialWork(u64),
}

/// A failure of the filter, with where it happened: the part of the schema (its place in the
/// rules file, when known) and the value (its JSON Pointer in the response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterFailure {
    pub error: FilterError,
    /// The schema, or the keyword of it, that failed.
    pub span: Option<Span>,
    /// The member names and indexes from the value that failed up to the top, innermost first.
    segments: Vec<String>,
}

impl FilterFailure {
    fn new(error: FilterError, span: Option<Span>) -> FilterFailure {
        FilterFailure {
            error,
            span,
            segments: Vec::new(),
        }
    }

    /// The JSON Pointer of the value that failed: `""` for the whole document.
    pub fn pointer(&self) -> String {
        let mut pointer = String::new();
        for segment in self.segments.iter().rev() {
            crate::plan::push_pointer_segment(&mut pointer, segment);
        }
        pointer
    }
}

/// A failure found below a member or element: it happened at `segment` of this value.
fn within<S: std::fmt::Display>(
    segment: S,
) -> impl FnOnce(Box<FilterFailure>) -> Box<FilterFailure> {
    move |mut failure| {
        failure.segments.push(segment.to_string());
        failure
    }
}

/// What the filter's steps return: a failure is boxed, which keeps the common result small.
type Step<T> = Result<T, Box<FilterFailure>>;

/// The result of filtering one value: a value, or "not matched" (a `const` that did not match,
/// propagated by objects and resolved by `anyOf`).
#[derive(Debug, Clone, PartialEq)]
enum Filtered<'a> {
    Value(Value<'a>),
    NotMatched,
}

type Definitions = BTreeMap<String, Located<SchemaFilter>>;

/// The rules' root: what `$ref` resolves against.
#[derive(Debug, Clone, Copy)]
pub struct SchemaRoot<'r> {
    definitions: Option<&'r Definitions>,
}

impl<'r> SchemaRoot<'r> {
    pub fn new(definitions: Option<&'r Definitions>) -> Self {
        SchemaRoot { definitions }
    }

    /// Compiles `schema` and filters a whole top-level value with it (§4.1). To filter many
    /// values with one schema, compile it once with [`CompiledFilter::new`].
    pub fn filter<'a>(
        self,
        value: Value<'a>,
        schema: &SchemaFilter,
    ) -> Result<Value<'a>, FilterError> {
        CompiledFilter::new(schema, self).filter(value)
    }
}

/// A node of a compiled schema. `$ref`s are resolved to node ids, type names to types and
/// property lists to hash tables; what cannot resolve fails when a value reaches it, as in the
/// proxy (§4.1).
#[derive(Debug)]
enum Node {
    /// Rule 6: no type. Containers become null, scalars pass.
    Untyped,
    /// A `$ref` to a definition: filter with it (siblings ignored).
    Ref(NodeId),
    /// Reached only to fail, with the place of what fails in the rules file.
    Fails(FilterError, Option<Span>),
    /// Candidates tried in order; the first that matches wins, none gives null.
    AnyOf(Vec<NodeId>),
    /// Rule 3: `if` (and `else`) test one member; a match applies `then`.
    Conditional {
        condition: Condition,
        otherwise: Option<Condition>,
        /// `then`'s properties; an error if the schema has no `then`.
        then: Result<Option<Properties>, FilterError>,
    },
    /// Matches when the value's text equals it.
    Const(String),
    Typed(Typed),
}

type NodeId = u32;

#[derive(Debug)]
enum Typed {
    String,
    Integer,
    Number,
    Boolean,
    Null,
    Object(Option<Properties>),
    Array(NodeId),
}

/// A condition schema: its alphabetically first property and that property's schema, with the
/// condition's place in the rules file; or why it cannot test, with that place.
type Condition = Result<(String, NodeId, Span), (FilterError, Span)>;

/// The members an object schema lists, each with its schema, grouped by the length of their
/// name: a member's key is compared with the few names of its length only, with no hashing.
#[derive(Debug)]
struct Properties {
    /// `by_len[n]`: the names of `n` bytes, up to the longest name of at most
    /// [`Properties::SHORT`] bytes.
    by_len: Vec<Vec<(Box<str>, NodeId)>>,
    /// Names longer than [`Properties::SHORT`].
    long: Vec<(Box<str>, NodeId)>,
}

impl Properties {
    const SHORT: usize = 64;

    fn new(names: impl IntoIterator<Item = (Box<str>, NodeId)>) -> Properties {
        let mut properties = Properties {
            by_len: Vec::new(),
            long: Vec::new(),
        };
        for (name, id) in names {
            let n = name.len();
            if n > Self::SHORT {
                properties.long.push((name, id));
                continue;
            }
            if properties.by_len.len() <= n {
                properties.by_len.resize_with(n + 1, Vec::new);
            }
            properties.by_len[n].push((name, id));
        }
        properties
    }

    fn get(&self, key: &str) -> Option<NodeId> {
        let names = self.by_len.get(key.len()).unwrap_or(&self.long);
        names
            .iter()
            .find(|(name, _)| same_text(name, key))
            .map(|&(_, id)| id)
    }
}

/// Where a filter step is: the `$ref` and `anyOf` steps taken since the last step into a member
/// or element, whether a large array may be filtered in two halves on two threads, whether the
/// step filters again what another step filters (an `anyOf` candidate after the first, an `if`
/// condition), and the work of this thread so far.
#[derive(Debug, Clone, Copy)]
struct Ctx<'w> {
    hops: usize,
    split: bool,
    again: bool,
    work: &'w Work,
}

impl Ctx<'_> {
    /// A step that stays on the same value.
    fn hop(self) -> Self {
        Ctx {
            hops: self.hops + 1,
            ..self
        }
    }

    /// A step into a member or element.
    fn down(self) -> Self {
        Ctx { hops: 0, ..self }
    }

    /// A step that filters again what another step filters.
    fn again(self) -> Self {
        Ctx {
            again: true,
            ..self
        }
    }
}

/// The steps of one thread's filtering: those that filter a value for the first time, and those
/// that filter again what another step filters. Nested `anyOf`s whose first candidates fail deep
/// down, or nested `if`s, filter the values below them a number of times that doubles with each
/// level: past a bound, the filter gives up rather than run for hours on a small response.
#[derive(Debug, Default)]
struct Work {
    first: Cell<u64>,
    again: Cell<u64>,
}

impl Work {
    /// Steps of filtering again allowed whatever the response.
    const BASE: u64 = 1 << 20;
    /// Steps of filtering again allowed per step of filtering for the first time.
    const FACTOR: u64 = 64;

    /// Counts a step; false when the steps of filtering again are past the bound.
    fn step(&self, again: bool) -> bool {
        if !again {
            self.first.set(self.first.get() + 1);
            return true;
        }
        let n = self.again.get() + 1;
        self.again.set(n);
        n <= Self::BASE + Self::FACTOR * self.first.get()
    }
}

/// A `responseSchema` compiled against the rules' definitions, ready for many values.
#[derive(Debug)]
pub struct CompiledFilter {
    nodes: Vec<Node>,
    /// Where each node's schema is in the rules file, when it is written there.
    spans: Vec<Option<Span>>,
}

/// Builds a [`CompiledFilter`], each definition once.
struct Compiler<'r> {
    root: SchemaRoot<'r>,
    nodes: Vec<Node>,
    spans: Vec<Option<Span>>,
    definitions: HashMap<&'r str, NodeId>,
}

impl Compiler<'_> {
    fn reserve(&mut self, span: Option<Span>) -> NodeId {
        self.nodes.push(Node::Untyped);
        self.spans.push(span);
        (self.nodes.len() - 1) as NodeId
    }

    /// Compiles `schema`, written at `span`, into a new node and returns its id (the root is
    /// node 0).
    fn compile(&mut self, schema: &SchemaFilter, span: Option<Span>) -> NodeId {
        let id = self.reserve(span);
        self.nodes[id as usize] = self.node(schema);
        id
    }

    fn compile_located(&mut self, schema: &Located<SchemaFilter>) -> NodeId {
        self.compile(schema, Some(schema.span))
    }

    /// §4.2, rules 1, 2, 5 and 6, in the order the filter tries them.
    fn node(&mut self, schema: &SchemaFilter) -> Node {
        if let Some(reference) = &schema.reference {
            return self.reference(reference);
        }
        if let Some(candidates) = schema.any_of.as_ref().filter(|c| !c.is_empty()) {
            return Node::AnyOf(candidates.iter().map(|c| self.compile_located(c)).collect());
        }
        let Some(type_name) = &schema.schema_type else {
            return Node::Untyped;
        };
        if let Some(condition) = &schema.if_schema {
            return Node::Conditional {
                condition: self.condition(condition),
                otherwise: schema.else_schema.as_ref().map(|e| self.condition(e)),
                then: schema
                    .then_schema
                    .as_ref()
                    .map(|t| self.properties(t.properties.as_ref()))
                    .ok_or(FilterError::MissingThen),
            };
        }
        if let Some(constant) = &schema.constant {
            return Node::Const(constant.clone());
        }
        let Some(ty) = SchemaType::from_name(type_name) else {
            return Node::Fails(
                FilterError::UnknownType(type_name.as_str().to_owned()),
                Some(type_name.span),
            );
        };
        Node::Typed(match ty {
            SchemaType::String => Typed::String,
            SchemaType::Integer => Typed::Integer,
            SchemaType::Number => Typed::Number,
            SchemaType::Boolean => Typed::Boolean,
            SchemaType::Null => Typed::Null,
            SchemaType::Object => Typed::Object(self.properties(schema.properties.as_ref())),
            // No `items`: the empty schema, which has no type.
            SchemaType::Array => Typed::Array(match &schema.items {
                Some(items) => self.compile_located(items),
                None => self.compile(&SchemaFilter::default(), Some(type_name.span)),
            }),
        })
    }

    /// `$ref`: `#` is the definitions-only root (no type); `#/definitions/NAME` a definition.
    fn reference(&mut self, reference: &Located<String>) -> Node {
        let text = reference.as_str();
        if text == "#" {
            return Node::Untyped;
        }
        let fails = |error: FilterError| Node::Fails(error, Some(reference.span));
        let Some(name) = text.strip_prefix("#/definitions/") else {
            return fails(FilterError::UnsupportedRef(text.to_owned()));
        };
        let Some(definitions) = self.root.definitions else {
            return fails(FilterError::NoDefinitions(text.to_owned()));
        };
        let Some((name, definition)) = definitions.get_key_value(name) else {
            return fails(FilterError::MissingDefinition(text.to_owned()));
        };
        if let Some(&id) = self.definitions.get(name.as_str()) {
            return Node::Ref(id);
        }
        // Reserved before compiling, so that recursive definitions refer to it.
        let id = self.reserve(Some(definition.span));
        self.definitions.insert(name, id);
        self.nodes[id as usize] = self.node(definition);
        Node::Ref(id)
    }

    fn condition(&mut self, condition: &Located<SchemaFilter>) -> Condition {
        // Java orders the names by UTF-16 code unit: U+10000 and above (surrogates, from
        // U+D800) come before U+E000-U+FFFF, unlike the code point order of the map.
        let (key, sub) = condition
            .properties
            .as_ref()
            .and_then(|p| {
                p.iter()
                    .min_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()))
            })
            .ok_or((FilterError::EmptyCondition, condition.span))?;
        Ok((key.clone(), self.compile_located(sub), condition.span))
    }

    fn properties(
        &mut self,
        properties: Option<&BTreeMap<String, Located<SchemaFilter>>>,
    ) -> Option<Properties> {
        properties.map(|p| {
            Properties::new(
                p.iter()
                    .map(|(k, s)| (k.as_str().into(), self.compile_located(s)))
                    .collect::<Vec<_>>(),
            )
        })
    }
}

impl CompiledFilter {
    pub fn new(schema: &SchemaFilter, root: SchemaRoot<'_>) -> CompiledFilter {
        Self::compiled(schema, None, root)
    }

    /// [`CompiledFilter::new`] for a schema written at `span` of the rules file, where its
    /// failures without a more precise place are placed.
    pub fn located(schema: &Located<SchemaFilter>, root: SchemaRoot<'_>) -> CompiledFilter {
        Self::compiled(schema, Some(schema.span), root)
    }

    fn compiled(schema: &SchemaFilter, span: Option<Span>, root: SchemaRoot<'_>) -> Self {
        let mut compiler = Compiler {
            root,
            nodes: Vec::new(),
            spans: Vec::new(),
            definitions: HashMap::new(),
        };
        compiler.compile(schema, span);
        CompiledFilter {
            nodes: compiler.nodes,
            spans: compiler.spans,
        }
    }

    /// Filters a whole top-level value (§4.1). A top-level "not matched" becomes null, as the
    /// proxy serializes it.
    pub fn filter<'a>(&self, value: Value<'a>) -> Result<Value<'a>, FilterError> {
        self.filter_with(value, false)
    }

    /// [`CompiledFilter::filter`], with large arrays filtered in two halves on two threads
    /// when `split`. The result is the same.
    pub fn filter_with<'a>(&self, value: Value<'a>, split: bool) -> Result<Value<'a>, FilterError> {
        self.filter_located(value, split).map_err(|f| f.error)
    }

    /// [`CompiledFilter::filter_with`], saying where a failure happened: in the schema and
    /// in the value.
    pub fn filter_located<'a>(
        &self,
        value: Value<'a>,
        split: bool,
    ) -> Result<Value<'a>, Box<FilterFailure>> {
        let work = Work::default();
        let ctx = Ctx {
            hops: 0,
            split,
            again: false,
            work: &work,
        };
        Ok(match self.apply(value, 0, ctx)? {
            Filtered::Value(v) => v,
            Filtered::NotMatched => Value::Null,
        })
    }

    /// Filters `node` with node `id`. More `$ref` and `anyOf` steps on one value than there
    /// are nodes means the schema refers to itself without end, which the proxy would follow
    /// until its stack overflows.
    fn apply<'a>(&self, node: Value<'a>, id: NodeId, ctx: Ctx) -> Step<Filtered<'a>> {
        let fail =
            |error: FilterError| Box::new(FilterFailure::new(error, self.spans[id as usize]));
        if ctx.hops > self.nodes.len() {
            return Err(fail(FilterError::EndlessRef));
        }
        if !ctx.work.step(ctx.again) {
            return Err(fail(FilterError::ExponentialWork(Work::FACTOR)));
        }
        match &self.nodes[id as usize] {
            Node::Untyped => untyped(node).map_err(fail),
            Node::Ref(target) => self.apply(node, *target, ctx.hop()),
            Node::Fails(e, span) => Err(Box::new(FilterFailure::new(e.clone(), *span))),
            Node::AnyOf(candidates) => {
                for (i, &candidate) in candidates.iter().enumerate() {
                    let step = if i == 0 { ctx.hop() } else { ctx.hop().again() };
                    if let Filtered::Value(v) = self.apply(node.clone(), candidate, step)? {
                        return Ok(Filtered::Value(v));
                    }
                }
                Ok(Filtered::Value(Value::Null))
            }
            Node::Conditional {
                condition,
                otherwise,
                then,
            } => {
                let mut r = self.condition(&node, condition, ctx)?;
                if r == Filtered::NotMatched
                    && let Some(otherwise) = otherwise
                {
                    r = self.condition(&node, otherwise, ctx)?;
                }
                if r != Filtered::NotMatched {
                    let then = then.as_ref().map_err(|e| fail(e.clone()))?;
                    r = self.then(node, then.as_ref(), ctx)?;
                }
                Ok(r)
            }
            Node::Const(constant) => Ok(if node_text(&node) == *constant {
                Filtered::Value(Value::String(Cow::Borrowed("")))
            } else {
                Filtered::NotMatched
            }),
            Node::Typed(ty) => Ok(Filtered::Value(match ty {
                Typed::String => match node {
                    Value::String(s) => Value::String(s),
                    _ => Value::Null,
                },
                Typed::Integer => to_integer(&node),
                Typed::Number => match node {
                    n @ (Value::Int(_)
                    | Value::BigInt(_)
                    | Value::Double(_)
                    | Value::Decimal(_)) => n,
                    _ => Value::Null,
                },
                // Quirk (§4.2): null becomes false.
                Typed::Boolean => match node {
                    Value::Bool(b) => Value::Bool(b),
                    Value::Null => Value::Bool(false),
                    _ => Value::Null,
                },
                Typed::Null => Value::Null,
                Typed::Object(properties) => match node {
                    Value::Object(members) => {
                        return self.object(members, properties.as_ref(), ctx);
                    }
                    _ => Value::Null,
                },
                Typed::Array(items) => match node {
                    Value::Array(elements) => self.array(elements, *items, ctx)?,
                    _ => Value::Null,
                },
            })),
        }
    }

    /// Whether filtering `value` with node `id` gives `value` back unchanged, known without
    /// filtering: a scalar that already has the type its schema asks for. Most members of a
    /// response are such scalars.
    fn keeps_as_is(&self, value: &Value<'_>, id: NodeId) -> bool {
        matches!(
            (&self.nodes[id as usize], value),
            (Node::Typed(Typed::String), Value::String(_))
                | (Node::Typed(Typed::Integer), Value::Int(_))
                | (
                    Node::Typed(Typed::Number),
                    Value::Int(_) | Value::BigInt(_) | Value::Double(_) | Value::Decimal(_)
                )
                | (Node::Typed(Typed::Boolean), Value::Bool(_))
                | (Node::Typed(Typed::Null), Value::Null)
                | (
                    Node::Untyped,
                    Value::Null
                        | Value::Bool(_)
                        | Value::Int(_)
                        | Value::Double(_)
                        | Value::String(_),
                )
        )
    }

    /// Rule 3: an `if`/`else` schema tests the member named by its alphabetically first
    /// property.
    fn condition<'a>(
        &self,
        node: &Value<'a>,
        condition: &Condition,
        ctx: Ctx,
    ) -> Step<Filtered<'a>> {
        let (key, sub, span) = condition
            .as_ref()
            .map_err(|(e, span)| Box::new(FilterFailure::new(e.clone(), Some(*span))))?;
        let member = node.as_object().and_then(|m| m.get(key)).ok_or_else(|| {
            Box::new(FilterFailure::new(
                FilterError::MissingConditionMember(key.clone()),
                Some(*span),
            ))
        })?;
        self.apply(member.clone(), *sub, ctx.down().again())
            .map_err(within(key))
    }

    /// Rule 4: a `then` schema keeps the members it lists, each filtered, with no type check.
    fn then<'a>(
        &self,
        node: Value<'a>,
        properties: Option<&Properties>,
        ctx: Ctx,
    ) -> Step<Filtered<'a>> {
        let mut out = Map::new();
        if let Value::Object(members) = node {
            for (key, value) in members.into_entries() {
                if let Some(sub) = properties.and_then(|p| p.get(&key)) {
                    let filtered = self.apply(value, sub, ctx.down()).map_err(within(&key))?;
                    match filtered {
                        Filtered::Value(v) => out.push_unique(key, v),
                        Filtered::NotMatched => return Ok(Filtered::NotMatched),
                    }
                }
            }
        }
        Ok(Filtered::Value(Value::Object(out)))
    }

    /// `type: object`: members in input order; `+` keys kept verbatim (augments, §2.13),
    /// unlisted keys dropped, listed ones filtered (a null result keeps the key).
    fn object<'a>(
        &self,
        mut members: Map<'a>,
        properties: Option<&Properties>,
        ctx: Ctx,
    ) -> Step<Filtered<'a>> {
        // Filtered in place: the members that stay keep their storage.
        let mut outcome = Ok(true);
        members.retain(|key, value| {
            if !matches!(outcome, Ok(true)) {
                return false;
            }
            if key.starts_with('+') {
                return true;
            }
            let Some(sub) = properties.and_then(|p| p.get(key)) else {
                return false;
            };
            if self.keeps_as_is(value, sub) {
                return true;
            }
            match self.apply(std::mem::replace(value, Value::Null), sub, ctx.down()) {
                Ok(Filtered::Value(v)) => {
                    *value = v;
                    true
                }
                Ok(Filtered::NotMatched) => {
                    outcome = Ok(false);
                    false
                }
                Err(e) => {
                    outcome = Err(within(key)(e));
                    false
                }
            }
        });
        Ok(if outcome? {
            Filtered::Value(Value::Object(members))
        } else {
            Filtered::NotMatched
        })
    }

    /// `type: array`: each element filtered by `items`; elements that are null, or come out
    /// null (or not matched), are removed. A null element is removed before `items` sees it,
    /// whatever it says: even under `type: boolean`, which makes a null member `false`. A large array may be filtered in two halves on two threads; an
    /// error of the first half wins, as it comes first.
    fn array<'a>(&self, mut elements: Vec<Value<'a>>, items: NodeId, ctx: Ctx) -> Step<Value<'a>> {
        let ctx = ctx.down();
        if ctx.split && elements.len() >= SPLIT_MIN_ELEMENTS {
            let mid = elements.len() / 2;
            let (first, second) = elements.split_at_mut(mid);
            // Each thread counts its own work, the second from nothing.
            let half = Ctx {
                split: false,
                ..ctx
            };
            let again = ctx.again;
            let (first, second) = threads::join(
                || self.elements(first, 0, items, half),
                || {
                    let work = Work::default();
                    let half = Ctx {
                        hops: 0,
                        split: false,
                        again,
                        work: &work,
                    };
                    self.elements(second, mid, items, half)
                },
            );
            first?;
            second?;
        } else {
            self.elements(&mut elements, 0, items, ctx)?;
        }
        // Kept elements are never null: the null ones are those to remove.
        elements.retain(|e| !e.is_null());
        Ok(Value::Array(elements))
    }

    /// Filters each of `elements` in place by `items`, leaving null where one is to be removed.
    /// `first` is the index of the first of them in their array.
    fn elements(
        &self,
        elements: &mut [Value<'_>],
        first: usize,
        items: NodeId,
        ctx: Ctx,
    ) -> Step<()> {
        for (i, element) in elements.iter_mut().enumerate() {
            // A null element is removed as it is (§4.2, `array`).
            if element.is_null() || self.keeps_as_is(element, items) {
                continue;
            }
            let filtered = self
                .apply(std::mem::replace(element, Value::Null), items, ctx)
                .map_err(within(first + i))?;
            match filtered {
                Filtered::Value(v) => *element = v,
                Filtered::NotMatched => {}
            }
        }
        Ok(())
    }
}

/// Rule 6: no type: containers become null, scalars pass.
fn untyped(node: Value<'_>) -> Result<Filtered<'_>, FilterError> {
    match node {
        Value::Object(_) | Value::Array(_) => Ok(Filtered::Value(Value::Null)),
        Value::BigInt(_) => Err(FilterError::UntypedBigInteger),
        scalar => Ok(Filtered::Value(scalar)),
    }
}

/// `type: integer` (§4.2): ints stay; doubles in int range truncate toward zero, then doubles
/// in long range; everything else (strings, booleans, `1e20`, integers beyond long,
/// containers) becomes null.
fn to_integer(node: &Value<'_>) -> Value<'static> {
    match *node {
        Value::Int(i) => Value::Int(i),
        Value::Double(d) if d >= f64::from(i32::MIN) && d <= f64::from(i32::MAX) => {
            Value::Int(d.trunc() as i64)
        }
        // Jackson's long range check compares doubles; `as` saturates like Java's cast.
        Value::Double(d) if (-9.223_372_036_854_776e18..=9.223_372_036_854_776e18).contains(&d) => {
            Value::Int(d.trunc() as i64)
        }
        _ => Value::Null,
    }
}

/// Jackson's `asText()` of a node, which `const` compares against.
fn node_text(node: &Value<'_>) -> String {
    match node {
        Value::String(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        n @ (Value::Int(_) | Value::BigInt(_) | Value::Double(_) | Value::Decimal(_)) => {
            java_number_string(n)
                .map(Cow::into_owned)
                .unwrap_or_default()
        }
        Value::Array(_) | Value::Object(_) => String::new(),
    }
}

#[cfg(test)]
mod tests;
