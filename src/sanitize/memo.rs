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
    lookups: usize,
    hits: usize,
    off: bool,
}

impl<'a> Memo<'a> {
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
        if self.off {
            return None;
        }
        self.lookups += 1;
        if self.lookups == Self::TRIAL && self.hits * Self::MIN_HIT_RATE < Self::TRIAL {
            self.off = true;
            self.made = HashMap::default();
            return None;
        }
        let found = self.made.get(&(transform, value)).copied();
        self.hits += usize::from(found.is_some());
        found
    }

    /// Remembers that `transform` made `pseudonym` of `value`.
    pub fn put(&mut self, transform: usize, value: &'a str, pseudonym: &'a str) {
        if !self.off && self.made.len() < Self::MAX_ENTRIES {
            self.made.insert((transform, value), pseudonym);
        }
    }

    /// Whether the memo has turned itself off.
    #[cfg(test)]
    pub fn is_off(&self) -> bool {
        self.off
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
