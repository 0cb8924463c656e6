//! Encodings of pseudonyms: base64url without padding (§3.4) and the reversible token bytes
//! hash ‖ AES-256-CBC(plaintext) with the IV taken from the hash (§3.5).

use aes::Aes256Enc;
use aes::cipher::BlockCipherEncrypt;
use aes::cipher::array::Array;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::hash::Hash32;

const BLOCK: usize = 16;

/// Plaintexts shorter than this are encrypted into a stack buffer; longer ones into a `Vec`.
/// A multiple of the block size, so that the padded ciphertext of a shorter plaintext fits.
const STACK_PLAINTEXT: usize = 240;

/// Length of `bytes` in base64url without padding.
pub(crate) fn encoded_len(bytes: usize) -> usize {
    bytes / 3 * 4 + [0, 2, 3][bytes % 3]
}

/// Length of the ciphertext of `plaintext_len` bytes: PKCS#7 always adds 1 to 16 bytes.
pub(crate) fn ciphertext_len(plaintext_len: usize) -> usize {
    (plaintext_len / BLOCK + 1) * BLOCK
}

/// Appends base64url without padding of `bytes` (43 characters for a hash).
pub(crate) fn push_base64(out: &mut String, bytes: &[u8]) {
    // Up to 48 bytes through a buffer on the stack: for a hash, a third faster than encoding
    // into the string, which goes through the engine's chunked writer.
    let mut buf = [0u8; 64];
    if let Ok(n) = URL_SAFE_NO_PAD.encode_slice(bytes, &mut buf)
        && let Ok(text) = std::str::from_utf8(&buf[..n])
    {
        out.push_str(text);
    } else {
        URL_SAFE_NO_PAD.encode_string(bytes, out);
    }
}

/// Appends base64url of the reversible token bytes: `hash` followed by AES-256-CBC of
/// `plaintext` under `cipher`, IV = the first 16 bytes of `hash`, PKCS#7 padding.
pub(crate) fn push_reversible(
    out: &mut String,
    hash: &Hash32,
    cipher: &Aes256Enc,
    plaintext: &[u8],
) {
    let len = hash.len() + ciphertext_len(plaintext.len());
    if plaintext.len() < STACK_PLAINTEXT {
        let mut buf = [0u8; 32 + STACK_PLAINTEXT];
        write_reversible(&mut buf[..len], hash, cipher, plaintext);
        push_base64(out, &buf[..len]);
    } else {
        let mut buf = vec![0u8; len];
        write_reversible(&mut buf, hash, cipher, plaintext);
        push_base64(out, &buf);
    }
}

/// Writes hash ‖ ciphertext into `out`, which is exactly as long as both.
fn write_reversible(out: &mut [u8], hash: &Hash32, cipher: &Aes256Enc, plaintext: &[u8]) {
    let (head, body) = out.split_at_mut(hash.len());
    head.copy_from_slice(hash);
    let mut chain = [0u8; BLOCK];
    chain.copy_from_slice(&hash[..BLOCK]);

    let mut blocks = plaintext.chunks_exact(BLOCK);
    let mut outs = body.chunks_exact_mut(BLOCK);
    for (block, out_block) in blocks.by_ref().zip(outs.by_ref()) {
        encrypt_chained(cipher, &mut chain, block);
        out_block.copy_from_slice(&chain);
    }
    // PKCS#7: the last block holds the remainder, padded with copies of the padding length.
    let rest = blocks.remainder();
    let mut last = [(BLOCK - rest.len()) as u8; BLOCK];
    last[..rest.len()].copy_from_slice(rest);
    encrypt_chained(cipher, &mut chain, &last);
    if let Some(out_block) = outs.next() {
        out_block.copy_from_slice(&chain);
    }
}

/// One CBC step: `chain = E(chain ⊕ block)`.
fn encrypt_chained(cipher: &Aes256Enc, chain: &mut [u8; BLOCK], block: &[u8]) {
    for (c, p) in chain.iter_mut().zip(block) {
        *c ^= p;
    }
    let mut state = Array::from(*chain);
    cipher.encrypt_block(&mut state);
    *chain = state.into();
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes::cipher::{BlockModeEncrypt, KeyInit, KeyIvInit, block_padding::Pkcs7};

    fn reversible_bytes(hash: &Hash32, key: &[u8; 32], plaintext: &[u8]) -> Vec<u8> {
        let mut buf = vec![0u8; 32 + ciphertext_len(plaintext.len())];
        write_reversible(
            &mut buf,
            hash,
            &Aes256Enc::new(&Array::from(*key)),
            plaintext,
        );
        buf
    }

    #[test]
    fn encoded_len_is_that_of_unpadded_base64() {
        for n in 0..70 {
            let mut s = String::new();
            push_base64(&mut s, &vec![0xAB; n]);
            assert_eq!(encoded_len(n), s.len(), "{n}");
        }
        assert_eq!(encoded_len(32), 43);
        assert_eq!(encoded_len(48), 64);
    }

    #[test]
    fn base64_is_appended_as_the_engine_encodes_on_both_sides_of_the_stack_buffer() {
        for n in 0..100 {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 250) as u8).collect();
            let mut s = String::from("t~");
            push_base64(&mut s, &bytes);
            assert_eq!(
                s,
                format!("t~{}", URL_SAFE_NO_PAD.encode(&bytes)),
                "{n} bytes"
            );
        }
    }

    #[test]
    fn ciphertext_always_gains_padding() {
        assert_eq!(ciphertext_len(0), 16);
        assert_eq!(ciphertext_len(15), 16);
        assert_eq!(ciphertext_len(16), 32);
    }

    #[test]
    fn cbc_matches_the_cbc_crate_for_every_padding_length() {
        let key = [7u8; 32];
        let hash: Hash32 = core::array::from_fn(|i| i as u8 * 3);
        for n in 0..50 {
            let plaintext: Vec<u8> = (0..n).map(|i| (i * 11) as u8).collect();
            let expected = cbc::Encryptor::<Aes256Enc>::new(
                &Array::from(key),
                &Array::try_from(&hash[..16]).expect("16 bytes"),
            )
            .encrypt_padded_vec::<Pkcs7>(&plaintext);
            let got = reversible_bytes(&hash, &key, &plaintext);
            assert_eq!(&got[..32], &hash[..]);
            assert_eq!(&got[32..], &expected[..], "{n}");
        }
    }

    #[test]
    fn long_plaintext_goes_through_the_heap_buffer_identically() {
        let key = [9u8; 32];
        let hash: Hash32 = [5; 32];
        let cipher = Aes256Enc::new(&Array::from(key));
        let plaintext = vec![b'x'; STACK_PLAINTEXT + 3];
        let mut via_push = String::new();
        push_reversible(&mut via_push, &hash, &cipher, &plaintext);
        let mut direct = String::new();
        push_base64(&mut direct, &reversible_bytes(&hash, &key, &plaintext));
        assert_eq!(via_push, direct);
    }
}
