//! Canonical text (§3.3) and the deterministic hash over it (§3.4): SHA-256 of the UTF-8 of
//! canonical text followed by the salt, computed without building the canonical string.

use sha2::{Digest, Sha256};

use super::config::EmailCanonicalization;

/// SHA-256 output: the deterministic part of every pseudonym.
pub(crate) type Hash32 = [u8; 32];

/// Hash of a value that is not an email, or of any text hashed as is: SHA-256(value ‖ salt).
pub(crate) fn hash_text(value: &str, salt: &str) -> Hash32 {
    let mut message = Message::new();
    if message.push(value.as_bytes()) && message.push(salt.as_bytes()) {
        return message.digest();
    }
    Sha256::new()
        .chain_update(value)
        .chain_update(salt)
        .finalize()
        .into()
}

/// A short message assembled on the stack, padded in place and hashed block by block with the
/// compression function: for the few dozen bytes of a value and its salt, the buffered hasher's
/// copies and bookkeeping cost nearly as much as the one block it compresses.
struct Message {
    /// The message, then room for its padding (§3.4 hashes with standard SHA-256: a `0x80`
    /// byte, zeros, and the length in bits as a big-endian u64, up to a whole block).
    buf: [u8; Message::SIZE],
    len: usize,
}

/// The block of SHA-256.
const BLOCK: usize = 64;

/// SHA-256's initial hash value (FIPS 180-4, 5.3.3).
const INITIAL: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

impl Message {
    /// Three blocks.
    const SIZE: usize = 3 * BLOCK;
    /// Message bytes at most, most values and salts: the rest is for the padding's `0x80`
    /// and length.
    const CAPACITY: usize = Message::SIZE - 9;

    fn new() -> Self {
        Message {
            buf: [0; Message::SIZE],
            len: 0,
        }
    }

    /// Appends `bytes`; false if they do not fit.
    fn push(&mut self, bytes: &[u8]) -> bool {
        if bytes.len() > Self::CAPACITY - self.len {
            return false;
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
        true
    }

    /// Appends `bytes` ASCII-lower-cased; false if they do not fit. Lower-cased as they are
    /// copied: lower-casing them in place after a copy reads back bytes just stored, in pieces
    /// of other sizes than the copy's, which the processor cannot forward from its stores.
    fn push_lower(&mut self, bytes: &[u8]) -> bool {
        if bytes.len() > Self::CAPACITY - self.len {
            return false;
        }
        let end = self.len + bytes.len();
        for (to, &b) in self.buf[self.len..end].iter_mut().zip(bytes) {
            *to = b.to_ascii_lowercase();
        }
        self.len = end;
        true
    }

    /// SHA-256 of the message: padded after its end (the buffer is zero there), then
    /// compressed whole blocks at a time.
    fn digest(mut self) -> Hash32 {
        let len = self.len;
        self.buf[len] = 0x80;
        // The padded length: the message, 0x80 and the 8 bytes of the length, rounded up.
        let padded = (len + 9).div_ceil(BLOCK) * BLOCK;
        let bits = (len as u64) * 8;
        self.buf[padded - 8..padded].copy_from_slice(&bits.to_be_bytes());
        let (blocks, _) = self.buf[..padded].as_chunks::<BLOCK>();
        let mut state = INITIAL;
        sha2::block_api::compress256(&mut state, blocks);
        let mut out = [0; 32];
        for (bytes, word) in out.chunks_exact_mut(4).zip(state) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        out
    }
}

/// Hash of an email's canonical form (§3.3) followed by the salt.
///
/// Canonical form: the local part lower-cased and cut at its first `+`, under `IgnoreDots`
/// without any `.`, then `@`, then the domain lower-cased. The grammar admits only ASCII in local
/// parts and domains, so ASCII lower-casing is Java's `toLowerCase` here.
pub(crate) fn hash_email(
    local: &str,
    domain: &str,
    canonicalization: EmailCanonicalization,
    salt: &str,
) -> Hash32 {
    let local = local.as_bytes();
    let local = memchr::memchr(b'+', local).map_or(local, |plus| &local[..plus]);

    let mut message = Message::new();
    let fits = match canonicalization {
        EmailCanonicalization::Strict => message.push_lower(local),
        EmailCanonicalization::IgnoreDots => local
            .split(|&b| b == b'.')
            .all(|run| message.push_lower(run)),
    } && message.push(b"@")
        && message.push_lower(domain.as_bytes())
        && message.push(salt.as_bytes());
    if fits {
        return message.digest();
    }

    let mut feed = LowerCaseFeed::new();
    match canonicalization {
        EmailCanonicalization::Strict => feed.extend(local),
        EmailCanonicalization::IgnoreDots => {
            for run in local.split(|&b| b == b'.') {
                feed.extend(run);
            }
        }
    }
    feed.extend(b"@");
    feed.extend(domain.as_bytes());
    let mut hasher = feed.finish();
    hasher.update(salt);
    hasher.finalize().into()
}

/// Feeds ASCII-lower-cased bytes to SHA-256 through a small stack buffer.
struct LowerCaseFeed {
    hasher: Sha256,
    buf: [u8; 64],
    len: usize,
}

impl LowerCaseFeed {
    fn new() -> Self {
        LowerCaseFeed {
            hasher: Sha256::new(),
            buf: [0; 64],
            len: 0,
        }
    }

    /// Appends `bytes` lower-cased, a buffer-full at a time.
    fn extend(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.len == self.buf.len() {
                self.hasher.update(self.buf);
                self.len = 0;
            }
            let n = bytes.len().min(self.buf.len() - self.len);
            let (head, rest) = bytes.split_at(n);
            let dst = &mut self.buf[self.len..self.len + n];
            dst.copy_from_slice(head);
            dst.make_ascii_lowercase();
            self.len += n;
            bytes = rest;
        }
    }

    fn finish(mut self) -> Sha256 {
        self.hasher.update(&self.buf[..self.len]);
        self.hasher
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        use std::fmt::Write as _;
        bytes.iter().fold(String::new(), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
    }

    #[test]
    fn salt_is_appended_without_separator() {
        assert_eq!(hash_text("bl", "ahsalt"), hash_text("blah", "salt"));
        assert!(hex(&hash_text("blah", "salt")).starts_with("9d53d231"));
    }

    #[test]
    fn email_hash_is_the_hash_of_the_canonical_text() {
        let strict = EmailCanonicalization::Strict;
        assert_eq!(
            hash_email("Al.Ice+tag", "Acme.COM", strict, "salt"),
            hash_text("al.ice@acme.com", "salt")
        );
    }

    #[test]
    fn local_part_is_cut_at_the_first_plus() {
        let strict = EmailCanonicalization::Strict;
        assert_eq!(
            hash_email("a+b+c", "x.co", strict, "s"),
            hash_text("a@x.co", "s")
        );
        assert_eq!(
            hash_email("+x", "acme.com", strict, "s"),
            hash_text("@acme.com", "s")
        );
    }

    #[test]
    fn ignore_dots_removes_every_dot_of_the_local_part_only() {
        assert_eq!(
            hash_email(
                "J.Uan.+x.y",
                "Work.Lytics.co",
                EmailCanonicalization::IgnoreDots,
                "s"
            ),
            hash_text("juan@work.lytics.co", "s")
        );
    }

    #[test]
    fn long_canonical_text_crosses_the_buffer() {
        let local = "A".repeat(150);
        assert_eq!(
            hash_email(&local, "B.co", EmailCanonicalization::Strict, "s"),
            hash_text(&format!("{}@b.co", "a".repeat(150)), "s")
        );
    }

    #[test]
    fn padding_is_right_for_every_length_the_stack_buffer_holds() {
        // Lengths around each block edge: 55 bytes still take one block, 56 take two.
        for len in 0..=Message::CAPACITY {
            let text: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            let mut message = Message::new();
            assert!(message.push(&text));
            let expected: Hash32 = Sha256::digest(&text).into();
            assert_eq!(message.digest(), expected, "{len}");
        }
        assert!(!Message::new().push(&[b'x'; Message::CAPACITY + 1]));
    }

    #[test]
    fn messages_on_either_side_of_the_stack_buffer_hash_alike() {
        let direct = |text: &str| -> Hash32 { Sha256::digest(text.as_bytes()).into() };
        for n in [
            0, 1, 60, 150, 176, 177, 178, 179, 180, 185, 186, 187, 191, 192, 193, 250, 400,
        ] {
            let value = "v".repeat(n);
            assert_eq!(
                hash_text(&value, "salt"),
                direct(&format!("{value}salt")),
                "{n}"
            );
            let local = format!("{}.Q+tag", "L".repeat(n));
            let canonical = format!("{}.q@dom.example", "l".repeat(n));
            for (mode, expected) in [
                (EmailCanonicalization::Strict, canonical.clone()),
                (
                    EmailCanonicalization::IgnoreDots,
                    canonical.replacen('.', "", 1),
                ),
            ] {
                assert_eq!(
                    hash_email(&local, "Dom.Example", mode, "salt"),
                    direct(&format!("{expected}salt")),
                    "{n} {mode:?}"
                );
            }
        }
    }
}
