//! Pseudonyms byte for byte (§3): email parsing, canonicalization, hashes, reversible tokens.
