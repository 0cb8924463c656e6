//! The replay harness: case files, replay, diffs, bless and the leak check.

pub mod diff;
