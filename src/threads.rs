//! Threads that work on documents: their stack, and running two halves of one array at once.

use std::sync::Mutex;

/// The stack of a thread that walks documents: a main thread's, enough for the walks that
/// recurse over documents nested up to the parser's limit of 1000.
pub(crate) const DOCUMENT_STACK: usize = 8 << 20;

/// Elements an array needs for its halves to be worth a thread of their own.
pub(crate) const SPLIT_MIN_ELEMENTS: usize = 1024;

/// Runs `first` on this thread and `second` on a new one, at once, and returns both results.
/// When no thread can start, `second` runs here after `first`. A panic in `second` goes on
/// here.
pub(crate) fn join<A, B: Send>(
    first: impl FnOnce() -> A,
    second: impl FnOnce() -> B + Send,
) -> (A, B) {
    // Taken by the new thread, or by this one if the thread does not start.
    let slot = Mutex::new(Some(second));
    let take = || slot.lock().ok().and_then(|mut s| s.take());
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .stack_size(DOCUMENT_STACK)
            .spawn_scoped(scope, || take().map(|f| f()));
        let a = first();
        let b = spawned
            .ok()
            .and_then(|handle| match handle.join() {
                Ok(b) => b,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .or_else(|| take().map(|f| f()));
        match b {
            Some(b) => (a, b),
            // The closure is taken exactly once: by the thread, or here.
            None => unreachable!("the second half ran nowhere"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_halves_run_and_return_in_order() {
        let mut left = vec![1, 2, 3];
        let mut right = vec![4, 5, 6];
        let (a, b) = join(
            || {
                for x in &mut left {
                    *x *= 10;
                }
                left.iter().sum::<i32>()
            },
            || {
                for x in &mut right {
                    *x += 1;
                }
                std::thread::current().id()
            },
        );
        assert_eq!(a, 60);
        assert_ne!(b, std::thread::current().id());
        assert_eq!((left, right), (vec![10, 20, 30], vec![5, 6, 7]));
    }

    #[test]
    fn a_panic_of_the_second_half_goes_on_here() {
        let caught = std::panic::catch_unwind(|| join(|| 1, || -> i32 { panic!("second") }));
        assert!(caught.is_err());
    }
}
