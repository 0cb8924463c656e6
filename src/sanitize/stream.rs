//! Sanitizing a body as a stream of segments (§7.1 step 2: one value after another), so that a
//! multi-gigabyte NDJSON body needs memory for a few segments only, and can use several cores
//! while keeping the output in input order.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::{CompiledEndpoint, Cores, Origin, Output, SanitizeError, Sanitizer, Selection};
use crate::json::split::{Segment, Splitter};
use crate::json::{
    ParseError, validate_utf8, write_compact, write_compact_to_filled, write_pretty,
    write_pretty_to,
};
use crate::threads::DOCUMENT_STACK;

/// How a stream is processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamOptions {
    /// Threads sanitizing segments; 1 processes them on the calling thread.
    pub jobs: usize,
    /// Segments hold whole values and end at the first value boundary after this many bytes.
    pub segment_bytes: usize,
    pub output: Output,
    /// The body's size when known in advance (a regular file, not a device or a pipe), to
    /// read a single large document into a buffer of the right size.
    pub size_hint: Option<u64>,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            jobs: 1,
            segment_bytes: 1 << 20,
            output: Output::Compact,
            size_hint: None,
        }
    }
}

/// Bodies of a size known in advance up to this are read as one segment, without a scan for
/// the ends of their values.
const WHOLE_BODY: u64 = 64 << 20;

/// What a stream contained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamStats {
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// Top-level values sanitized.
    pub values: u64,
}

/// A failure of a streamed sanitization: of the pipeline, or of reading and writing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    #[error(transparent)]
    Sanitize(#[from] SanitizeError),
    #[error("{0}")]
    Io(io::Error),
    /// Not one thread could be started to sanitize the segments (`jobs` above 1).
    #[error("cannot start a thread to sanitize the body ({0}); `--jobs 1` needs none")]
    Threads(io::Error),
}

impl From<io::Error> for StreamError {
    /// A value too long to read is a fault of the body, placed where it starts; any other
    /// error is of reading or writing.
    fn from(e: io::Error) -> Self {
        let too_long = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<crate::json::split::ValueTooLong>());
        match too_long {
            Some(t) => StreamError::Sanitize(SanitizeError::InvalidJson(ParseError {
                offset: t.offset,
                line: t.line,
                column: t.column,
                kind: crate::json::ParseErrorKind::ValueTooLong { max: t.max },
            })),
            None => StreamError::Io(e),
        }
    }
}

/// One sanitized segment: its output and how many values it held.
type Done = Result<(Vec<u8>, u64), StreamError>;

impl Sanitizer {
    /// Sanitizes the body read from `input` into `output`: compact values joined by `\n`, or
    /// (with [`Output::Pretty`]) the first value in the golden form, every value sanitized. A
    /// pass-through selection copies the body unchanged, or in the golden form its first value.
    ///
    /// On an error, part of the output may already be written; write to a temporary place and
    /// keep it only on success when that matters.
    pub fn sanitize_stream<R: BufRead + Send>(
        &self,
        selection: Selection,
        input: R,
        output: &mut dyn Write,
        options: StreamOptions,
    ) -> Result<StreamStats, StreamError> {
        let Selection::Endpoint(i) = selection else {
            if options.output == Output::Pretty {
                // Read as one segment, which a byte that cannot be JSON ends, so that
                // a device such as `/dev/zero` is not read without end.
                let mut body = Vec::new();
                for segment in Splitter::new(input, usize::MAX) {
                    body.extend_from_slice(&segment?.bytes);
                }
                let n = body.len() as u64;
                let out = super::pretty_first_value(&body)?;
                output.write_all(&out)?;
                return Ok(StreamStats {
                    bytes_in: n,
                    bytes_out: out.len() as u64,
                    values: u64::from(!out.is_empty()),
                });
            }
            let mut input = input;
            let n = io::copy(&mut input, output)?;
            return Ok(StreamStats {
                bytes_in: n,
                bytes_out: n,
                values: 0,
            });
        };
        let endpoint = self.compiled(i)?;
        let parallel = options.jobs > 1 && options.output == Output::Compact;
        // A body of known moderate size is read as one segment, without a scan for the ends
        // of its values.
        if let Some(size) = options.size_hint.filter(|&size| size <= WHOLE_BODY) {
            let mut splitter = Splitter::with_capacity(input, size as usize, options.size_hint);
            let whole = splitter.next_segment()?;
            return match whole {
                Some(whole) if parallel => {
                    self.first_then_parallel(endpoint, &whole, output, options)
                }
                whole => {
                    let split = options.jobs > 1;
                    let whole = whole.into_iter().map(Ok);
                    self.sequential(endpoint, whole, output, options.output, split)
                }
            };
        }
        let mut splitter = Splitter::with_capacity(input, options.segment_bytes, options.size_hint);
        // A body of one segment (a single document) gains nothing from threads and would
        // only hold its output twice: look at the second segment before choosing.
        let first = splitter.next_segment()?;
        let second = if parallel && first.is_some() {
            splitter.next_segment()?
        } else {
            None
        };
        let many = second.is_some();
        let segments = first.into_iter().chain(second).map(Ok).chain(splitter);
        if !many {
            return self.sequential(endpoint, segments, output, options.output, options.jobs > 1);
        }
        let mut writer = OrderedWriter::new(output, options.output);
        self.parallel(endpoint, segments, &mut writer, options)?;
        Ok(writer.stats)
    }

    /// One segment after the other on the calling thread, each value written as soon as it is
    /// sanitized, so a large document is never held twice. With `split`, the large arrays of a
    /// document may be walked on two threads.
    fn sequential(
        &self,
        endpoint: &CompiledEndpoint,
        splitter: impl Iterator<Item = io::Result<Segment>>,
        output: &mut dyn Write,
        mode: Output,
        split: bool,
    ) -> Result<StreamStats, StreamError> {
        let mut stats = StreamStats::default();
        let mut out = CountingWriter {
            inner: output,
            written: 0,
        };
        for segment in splitter {
            let segment = segment?;
            stats.bytes_in += segment.bytes.len() as u64;
            let text = validate_utf8(&segment.bytes).map_err(|e| locate(&segment, e))?;
            self.for_each_value::<StreamError>(
                endpoint,
                text,
                origin(&segment),
                None,
                &mut |value, holes| {
                    match mode {
                        Output::Compact => {
                            if stats.values > 0 {
                                out.write_all(b"\n")?;
                            }
                            write_compact_to_filled(value, holes, &mut out)?;
                        }
                        // The first value only; the others are still sanitized, so that one
                        // that fails fails the body.
                        Output::Pretty if stats.values == 0 => write_pretty_to(value, &mut out)?,
                        Output::Pretty => {}
                    }
                    stats.values += 1;
                    Ok(true)
                },
                Cores {
                    split,
                    holes: split && mode == Output::Compact,
                },
            )?;
        }
        stats.bytes_out = out.written;
        Ok(stats)
    }

    /// Sanitizes a whole body read without a scan, compact: its first value on the calling
    /// thread (a single document, whose large arrays are walked on two threads), then the
    /// values after it, if any, by the workers.
    fn first_then_parallel(
        &self,
        endpoint: &CompiledEndpoint,
        body: &Segment,
        output: &mut dyn Write,
        options: StreamOptions,
    ) -> Result<StreamStats, StreamError> {
        let mut stats = StreamStats::default();
        let text = validate_utf8(&body.bytes).map_err(|e| locate(body, e))?;
        let mut out = CountingWriter {
            inner: output,
            written: 0,
        };
        let read = self.for_each_value::<StreamError>(
            endpoint,
            text,
            origin(body),
            None,
            &mut |value, holes| {
                write_compact_to_filled(value, holes, &mut out)?;
                stats.values += 1;
                Ok(false)
            },
            Cores {
                split: true,
                holes: true,
            },
        )?;
        stats.bytes_out = out.written;
        let (before, rest) = body.bytes.split_at(read);
        if rest
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            stats.bytes_in = body.bytes.len() as u64;
            return Ok(stats);
        }
        stats.bytes_in = read as u64;
        let mut writer = OrderedWriter {
            out: output,
            output: Output::Compact,
            stats,
            wrote_value: stats.values > 0,
        };
        let splitter = Splitter::after(rest, options.segment_bytes, before);
        self.parallel(endpoint, splitter, &mut writer, options)?;
        Ok(writer.stats)
    }

    /// Producer, `jobs` workers, and the calling thread writing results in input order. At
    /// most `2 × jobs + 1` segments are in flight: the producer waits for a token that the
    /// writer returns after writing a segment. When the system refuses a thread, the workers
    /// already started do the work; when it refuses the producer or the first worker, nothing
    /// has been written and the run fails with [`StreamError::Threads`].
    fn parallel(
        &self,
        endpoint: &CompiledEndpoint,
        splitter: impl Iterator<Item = io::Result<Segment>> + Send,
        writer: &mut OrderedWriter<'_>,
        options: StreamOptions,
    ) -> Result<(), StreamError> {
        let in_flight = 2 * options.jobs + 1;
        let (token_tx, token_rx) = sync_channel::<()>(in_flight);
        let (work_tx, work_rx) = sync_channel::<(u64, Segment)>(options.jobs);
        let work_rx = Mutex::new(work_rx);
        let (done_tx, done_rx) = sync_channel::<(u64, u64, Done)>(in_flight);
        std::thread::scope(|scope| {
            // The producer first, so that workers cannot take the last room for it. It reads
            // nothing past the first segment until tokens are given, after the workers start;
            // if none can, dropping the tokens' sending end ends it.
            let producer_done = done_tx.clone();
            start(std::thread::Builder::new(), scope, move || {
                produce(splitter, &token_rx, &work_tx, &producer_done);
            })
            .map_err(StreamError::Threads)?;
            let mut started = 0;
            for _ in 0..options.jobs {
                let done_tx = done_tx.clone();
                let work_rx = &work_rx;
                let worker = std::thread::Builder::new().stack_size(DOCUMENT_STACK);
                let spawned = start(worker, scope, move || {
                    loop {
                        let next = work_rx.lock().map(|rx| rx.recv());
                        let Ok(Ok((seq, segment))) = next else {
                            break;
                        };
                        let len = segment.bytes.len() as u64;
                        let done = self.sanitize_segment(endpoint, &segment, options.output);
                        if done_tx.send((seq, len, done)).is_err() {
                            break;
                        }
                    }
                });
                match spawned {
                    Ok(_) => started += 1,
                    Err(e) if started == 0 => {
                        drop(token_tx);
                        return Err(StreamError::Threads(e));
                    }
                    // The system has no room for more threads: go on with those started.
                    Err(_) => break,
                }
            }
            // Segments in flight for the workers that did start.
            for _ in 0..=2 * started {
                let _ = token_tx.send(());
            }
            drop(done_tx);
            // `collect` owns the writer's ends of the channels: when it returns (early, on a
            // failure) they close, which unblocks and ends the producer and the workers.
            collect(done_rx, token_tx, writer)
        })
    }

    /// Sanitizes the values of one segment into a buffer (for the parallel path).
    fn sanitize_segment(
        &self,
        endpoint: &CompiledEndpoint,
        segment: &Segment,
        output: Output,
    ) -> Done {
        let text = validate_utf8(&segment.bytes).map_err(|e| locate(segment, e))?;
        let mut out = Vec::with_capacity(segment.bytes.len());
        let mut values = 0;
        self.for_each_value::<StreamError>(
            endpoint,
            text,
            origin(segment),
            None,
            &mut |value, _| {
                match output {
                    Output::Compact => {
                        if values > 0 {
                            out.push(b'\n');
                        }
                        write_compact(value, &mut out);
                    }
                    Output::Pretty if values == 0 => write_pretty(value, &mut out),
                    Output::Pretty => {}
                }
                values += 1;
                Ok(true)
            },
            Cores::ONE,
        )?;
        Ok((out, values))
    }
}

#[cfg(test)]
thread_local! {
    /// In tests, how many more threads the parallel path of this thread may start, as the
    /// system would refuse them past a limit; `None` for no limit.
    pub(super) static THREAD_BUDGET: std::cell::Cell<Option<usize>> =
        const { std::cell::Cell::new(None) };
}

/// Starts a thread of the parallel path in `scope`.
fn start<'scope, T: Send + 'scope>(
    builder: std::thread::Builder,
    scope: &'scope std::thread::Scope<'scope, '_>,
    f: impl FnOnce() -> T + Send + 'scope,
) -> io::Result<std::thread::ScopedJoinHandle<'scope, T>> {
    #[cfg(test)]
    if let Some(left) = THREAD_BUDGET.get() {
        if left == 0 {
            return Err(io::Error::from(io::ErrorKind::WouldBlock));
        }
        THREAD_BUDGET.set(Some(left - 1));
    }
    builder.spawn_scoped(scope, f)
}

/// Where a segment starts in the whole stream.
fn origin(segment: &Segment) -> Origin {
    Origin {
        offset: segment.offset,
        lines_before: segment.lines_before,
        column_before: segment.column_before,
    }
}

/// A JSON error of a segment, located in the whole stream.
fn locate(segment: &Segment, e: ParseError) -> SanitizeError {
    origin(segment).json_error(e)
}

/// Counts the bytes written through it.
struct CountingWriter<'w> {
    inner: &'w mut dyn Write,
    written: u64,
}

impl Write for CountingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Reads segments and hands them to the workers, one token per segment.
fn produce(
    splitter: impl Iterator<Item = io::Result<Segment>>,
    tokens: &Receiver<()>,
    work: &SyncSender<(u64, Segment)>,
    done: &SyncSender<(u64, u64, Done)>,
) {
    for (seq, segment) in (0u64..).zip(splitter) {
        if tokens.recv().is_err() {
            return;
        }
        match segment {
            Ok(segment) => {
                if work.send((seq, segment)).is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = done.send((seq, 0, Err(e.into())));
                return;
            }
        }
    }
}

/// Writes results in sequence order as they arrive; stops at the first failure.
#[allow(clippy::needless_pass_by_value)] // owned so that returning closes both channels
fn collect(
    done: Receiver<(u64, u64, Done)>,
    tokens: SyncSender<()>,
    writer: &mut OrderedWriter<'_>,
) -> Result<(), StreamError> {
    let mut waiting: BTreeMap<u64, (u64, Done)> = BTreeMap::new();
    let mut next = 0u64;
    while let Ok((seq, len, result)) = done.recv() {
        waiting.insert(seq, (len, result));
        while let Some((len, result)) = waiting.remove(&next) {
            writer.write(result, len)?;
            next += 1;
            let _ = tokens.try_send(());
        }
    }
    Ok(())
}

/// Joins segment outputs with `\n` and counts what went through.
struct OrderedWriter<'w> {
    out: &'w mut dyn Write,
    output: Output,
    stats: StreamStats,
    wrote_value: bool,
}

impl<'w> OrderedWriter<'w> {
    fn new(out: &'w mut dyn Write, output: Output) -> Self {
        OrderedWriter {
            out,
            output,
            stats: StreamStats::default(),
            wrote_value: false,
        }
    }

    /// Writes one segment's result; `Ok(false)` when no more output is wanted.
    fn write(&mut self, done: Done, bytes_in: u64) -> Result<bool, StreamError> {
        let (bytes, values) = done?;
        self.stats.bytes_in += bytes_in;
        if values == 0 {
            return Ok(true);
        }
        if self.wrote_value && self.output == Output::Compact {
            self.out.write_all(b"\n")?;
            self.stats.bytes_out += 1;
        }
        self.out.write_all(&bytes)?;
        self.stats.bytes_out += bytes.len() as u64;
        self.stats.values += values;
        self.wrote_value = true;
        Ok(self.output == Output::Compact)
    }
}
