//! Pseudonyms already made in one document, reused when a value comes back.
//!
//! A pseudonym is a function of the transform and the value alone (§3.4: the hash is
//! deterministic, and so is the reversible token's encryption), and the same people appear many
//! times in one response: a meeting's invitees in each occurrence and breakout room, a report's
//! participants at each rejoin. A lookup costs a fraction of a pseudonym (an email check,
//! SHA-256 and base64), so values seen before are looked up rather than pseudonymized again. The
//! memo turns itself off in a document where values rarely repeat, so that a list of unique
//! users pays for a few thousand lookups only.

use std::collections::HashMap;

use foldhash::fast::FixedState;

/// The pseudonyms of the values one walk has met, for its transforms.
#[derive(Debug, Default)]
pub(super) struct Memo<'a> {
    made: HashMap<(usize, &'a str), &'a str, FixedState>,
    trial: Trial<'a>,
}

/// How the lookups of a memo went, which decides whether it pays: its own, or those of a run of
/// memos one after the other (one per chunk of a large array, each emptied with its arena).
#[derive(Debug)]
enum Trial<'a> {
    Own(Counts),
    Lent(&'a mut Counts),
}

impl Default for Trial<'_> {
    fn default() -> Self {
        Trial::Own(Counts::default())
    }
}

/// Lookups, how many found a pseudonym, and whether the memo turned itself off.
#[derive(Debug, Default)]
pub(super) struct Counts {
    lookups: usize,
    hits: usize,
    off: bool,
}

impl<'a> Memo<'a> {
    /// An empty memo that goes on with the trial of `counts`: it is off if they say so.
    pub fn lent(counts: &'a mut Counts) -> Self {
        Memo {
            made: HashMap::default(),
            trial: Trial::Lent(counts),
        }
    }

    fn counts(&mut self) -> &mut Counts {
        match &mut self.trial {
            Trial::Own(c) => c,
            Trial::Lent(c) => c,
        }
    }

    /// Lookups after which the memo decides whether it pays.
    const TRIAL: usize = 4096;
    /// A memo whose lookups find a pseudonym less often than once in this many stops.
    const MIN_HIT_RATE: usize = 5;
    /// Values remembered at most (about 12 MB of memo): past them, the memo only answers for
    /// those it has.
    const MAX_ENTRIES: usize = 1 << 18;

    /// The pseudonym that `transform` made of `value` earlier in the walk, if the memo is on
    /// and has it.
    pub fn get(&mut self, transform: usize, value: &'a str) -> Option<&'a str> {
        let counts = self.counts();
        if counts.off {
            return None;
        }
        counts.lookups += 1;
        if counts.lookups == Self::TRIAL && counts.hits * Self::MIN_HIT_RATE < Self::TRIAL {
            counts.off = true;
            self.made = HashMap::default();
            return None;
        }
        let found = self.made.get(&(transform, value)).copied();
        self.counts().hits += usize::from(found.is_some());
        found
    }

    /// Remembers that `transform` made `pseudonym` of `value`.
    pub fn put(&mut self, transform: usize, value: &'a str, pseudonym: &'a str) {
        if !self.counts().off && self.made.len() < Self::MAX_ENTRIES {
            self.made.insert((transform, value), pseudonym);
        }
    }

    /// Whether the memo has turned itself off.
    #[cfg(test)]
    pub fn is_off(&mut self) -> bool {
        self.counts().off
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_for_the_transform_that_made_the_pseudonym() {
        let mut memo = Memo::default();
        assert_eq!(memo.get(0, "a@x.com"), None);
        memo.put(0, "a@x.com", "t~A@x.com");
        assert_eq!(memo.get(0, "a@x.com"), Some("t~A@x.com"));
        assert_eq!(memo.get(1, "a@x.com"), None);
        assert_eq!(memo.get(0, "b@x.com"), None);
    }

    #[test]
    fn turns_off_where_values_rarely_repeat() {
        let values: Vec<String> = (0..Memo::TRIAL).map(|i| format!("u{i}@x.com")).collect();
        let mut memo = Memo::default();
        for v in &values {
            assert_eq!(memo.get(0, v), None);
            memo.put(0, v, "t~");
        }
        assert!(memo.is_off());
        assert_eq!(memo.get(0, &values[1]), None);
    }

    #[test]
    fn memos_that_share_their_counts_decide_together() {
        let values: Vec<String> = (0..Memo::TRIAL).map(|i| format!("u{i}@x.com")).collect();
        let mut counts = Counts::default();
        // Chunks of 1,000 unique values: no memo meets the trial's end alone.
        for chunk in values.chunks(1000) {
            let mut memo = Memo::lent(&mut counts);
            for v in chunk {
                assert_eq!(memo.get(0, v), None);
                memo.put(0, v, "t~");
            }
        }
        assert!(counts.off, "the run of memos turns off after the trial");
        let mut memo = Memo::lent(&mut counts);
        memo.put(0, "a@x.com", "t~");
        assert_eq!(memo.get(0, "a@x.com"), None, "a later memo starts off");

        // Where each chunk's values repeat within it, the run stays on, each memo answering
        // for its own chunk only.
        let mut counts = Counts::default();
        for round in 0..2 * Memo::TRIAL / 100 {
            let mut memo = Memo::lent(&mut counts);
            for i in 0..100 {
                let v = &values[round * 4 + i % 4];
                if memo.get(0, v).is_none() {
                    memo.put(0, v, "t~");
                }
            }
            assert_eq!(memo.get(0, &values[round * 4]), Some("t~"));
        }
        assert!(!counts.off);
    }

    #[test]
    fn stays_on_where_values_repeat() {
        let values: Vec<String> = (0..8).map(|i| format!("u{i}@x.com")).collect();
        let mut memo = Memo::default();
        for i in 0..2 * Memo::TRIAL {
            let v = &values[i % values.len()];
            if memo.get(0, v).is_none() {
                memo.put(0, v, "t~");
            }
        }
        assert!(!memo.is_off());
        assert_eq!(memo.get(0, &values[3]), Some("t~"));
    }
}
