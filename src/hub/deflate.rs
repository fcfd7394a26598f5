//! A message's payload compressed for permessage-deflate (RFC 7692 §7.2.1): raw DEFLATE that
//! ends in an empty stored block, without that block's last four bytes (`00 00 ff ff`), which
//! the client appends before inflating. Never a final block: a client may keep one inflater
//! for every message of its connection (Node's built-in WebSocket does) and stops reading at a
//! final block, so every message after the first would come out empty.
//!
//! The server takes over no context (`server_no_context_takeover`), so a message compresses
//! alone, once for all its recipients. A message of a few dozen bytes to 9,999 for the full
//! window goes through libdeflate, whole; anything else through zlib's streaming deflate.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};

/// libdeflate's level. On 1 KiB JSON quotes, 400 B chat messages and 2 KiB order updates it
/// sent 1%, 0% and 3% fewer bytes than zlib's default level, in 20-35% less time; its default,
/// 6, sends 0.4-1.3% more than this. Its worst case is slower than zlib's: 9,999 random
/// letters of a two-letter alphabet take 0.8 ms against zlib's 0.25 ms (level 9: 1.3 ms, for
/// the same bytes on the JSON). That is still less than writing such a message to a few
/// hundred subscribers, and a broadcast is compressed once.
const LEVEL: i32 = 8;

/// libdeflate splits a block only with 5,000 bytes on each side (`MIN_BLOCK_LENGTH`) at the
/// levels up to 9, so below this a message is one block, whose final bit is the output's first.
const ONE_BLOCK_BELOW: usize = 10_000;

/// libdeflate stores a message this short as it is (`max_passthrough_size`, 55 - 4 × level),
/// where zlib may still shrink it.
const STORED_UP_TO: usize = 55 - 4 * LEVEL as usize;

/// Set once a block has failed the check, which is then logged only the first time.
static UNVERIFIED_SEEN: AtomicBool = AtomicBool::new(false);

/// What a client appends to a compressed message (RFC 7692 §7.2.2).
const TAIL: [u8; 4] = [0, 0, 0xff, 0xff];

/// An empty final block (fixed codes), which an inflater between two blocks reads to the end
/// of the stream, and one inside a block does not.
const EMPTY_FINAL_BLOCK: [u8; 2] = [0x03, 0x00];

thread_local! {
    /// One of each per thread, kept because building one allocates its tables.
    static LIBDEFLATE: RefCell<libdeflater::Compressor> = RefCell::new(
        libdeflater::Compressor::new(libdeflater::CompressionLvl::new(LEVEL).expect("a level")),
    );
    /// zlib, by window (log2): the largest, and the smallest it has for raw DEFLATE. libdeflate
    /// always uses the largest, so a client that narrowed the server's window gets zlib's.
    static ZLIB: [RefCell<Compress>; 2] = [15, 9].map(|bits| {
        RefCell::new(Compress::new_with_window_bits(Compression::default(), false, bits))
    });
    static CHECK: RefCell<Decompress> = RefCell::new(Decompress::new(false));
}

/// `payload` compressed, or `None` if that would not make it smaller. `narrow`: with a
/// 512-byte window.
pub fn compress(payload: &[u8], narrow: bool) -> Option<Vec<u8>> {
    let whole = !narrow && (STORED_UP_TO + 1..ONE_BLOCK_BELOW).contains(&payload.len());
    let deflated = match whole {
        true => match one_block(payload)? {
            Ok(deflated) => deflated,
            Err(Unverified) => {
                if !UNVERIFIED_SEEN.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        len = payload.len(),
                        "libdeflate's block did not end as a flush does; such messages go \
                         through zlib (logged once)"
                    );
                }
                flushed(payload, false)?
            }
        },
        false => flushed(payload, narrow)?,
    };
    (deflated.len() + 4 < payload.len()).then_some(deflated)
}

/// libdeflate's block did not read as one block that ends as a flush does.
struct Unverified;

/// libdeflate's one block made not final, and then the empty stored block's first three bits
/// (in the padding of the last byte if they fit there, else in one more byte). The inflater
/// tells which, and that the result is what a client must read. `None` if libdeflate's output
/// does not fit in 5 bytes less than the message: data that does not shrink, which zlib
/// would not shrink either.
fn one_block(payload: &[u8]) -> Option<Result<Vec<u8>, Unverified>> {
    let mut out = vec![0; payload.len().checked_sub(5)?];
    let len = LIBDEFLATE
        .with(|c| c.borrow_mut().deflate_compress(payload, &mut out))
        .ok()?;
    out.truncate(len);
    out[0] &= !1; // BFINAL
    if inflates_between_blocks(&out, payload) {
        return Some(Ok(out));
    }
    out.push(0);
    Some(match inflates_between_blocks(&out, payload) {
        true => Ok(out),
        false => Err(Unverified),
    })
}

/// Whether `deflated`, with the client's tail, inflates to `payload` and leaves the inflater
/// between two blocks, not inside one nor at the end of the stream.
fn inflates_between_blocks(deflated: &[u8], payload: &[u8]) -> bool {
    CHECK.with(|inflater| {
        let mut inflater = inflater.borrow_mut();
        inflater.reset(false);
        let mut out = Vec::with_capacity(payload.len() + 1);
        let parts: [&[u8]; 3] = [deflated, &TAIL, &EMPTY_FINAL_BLOCK];
        parts.iter().enumerate().all(|(i, part)| {
            let before = inflater.total_in();
            let status = inflater.decompress_vec(part, &mut out, FlushDecompress::Sync);
            let ended = matches!(status, Ok(Status::StreamEnd));
            status.is_ok()
                && inflater.total_in() - before == part.len() as u64
                && ended == (i == parts.len() - 1)
        }) && out == payload
    })
}

/// zlib's deflate, flushed: it ends in the empty stored block, whose `00 00 ff ff` goes.
fn flushed(payload: &[u8], narrow: bool) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(payload.len() / 2 + 64);
    ZLIB.with(|compressors| {
        let mut compressor = compressors[usize::from(narrow)].borrow_mut();
        compressor.reset();
        loop {
            let read = compressor.total_in() as usize;
            out.reserve(payload.len() - read + 64);
            match compressor.compress_vec(&payload[read..], &mut out, FlushCompress::Sync) {
                Ok(Status::Ok | Status::BufError)
                    if compressor.total_in() as usize == payload.len()
                        && out.len() < out.capacity() =>
                {
                    break
                }
                Ok(_) => continue,
                Err(error) => {
                    tracing::error!("compressing a message failed ({error}); it goes uncompressed");
                    return None;
                }
            }
        }
        Some(())
    })?;
    let len = out.strip_suffix(&TAIL)?.len();
    out.truncate(len);
    Some(out)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Inflates `deflated` as a client that keeps one inflater for its connection, twice: the
    /// first time must leave it between two blocks, where the second starts.
    pub(in crate::hub) fn inflate_twice(deflated: &[u8]) -> Vec<u8> {
        let mut inflater = Decompress::new(false);
        let mut once = || {
            let mut out = Vec::with_capacity(1 << 20);
            let read = inflater.total_in();
            for part in [deflated, &TAIL[..]] {
                let before = inflater.total_in();
                let status = inflater
                    .decompress_vec(part, &mut out, FlushDecompress::Sync)
                    .unwrap();
                assert_ne!(status, Status::StreamEnd, "a final block");
                assert_eq!(inflater.total_in() - before, part.len() as u64);
            }
            assert_eq!(inflater.total_in() - read, (deflated.len() + 4) as u64);
            out
        };
        let first = once();
        assert!(once() == first, "the inflater was left inside a block");
        first
    }

    /// Chat-like messages of 300 to 1,300 bytes, the same every run.
    fn messages() -> impl Iterator<Item = Vec<u8>> {
        let words = [
            "quote", "ask", "bid", "\"id\":", "12.5", "room", "hello", "{\"x\":",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        (0..200).map(move |i| {
            let mut message = Vec::new();
            while message.len() < 300 + i * 5 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                message.extend_from_slice(words[(seed % 8) as usize].as_bytes());
                message.extend_from_slice((seed % 1000).to_string().as_bytes());
            }
            message
        })
    }

    /// libdeflate's own output for `message`: a final block.
    fn libdeflate(message: &[u8]) -> Vec<u8> {
        let mut own = vec![0; message.len()];
        let len = LIBDEFLATE.with(|c| c.borrow_mut().deflate_compress(message, &mut own));
        own.truncate(len.unwrap());
        own
    }

    #[test]
    fn a_short_message_is_one_open_block_wherever_its_last_bits_end() {
        let (mut in_padding, mut one_more_byte) = (0, 0);
        let longest: Vec<u8> = messages().flatten().take(ONE_BLOCK_BELOW - 1).collect();
        for message in messages().chain([longest]) {
            let deflated = compress(&message, false).expect("it shrinks");
            assert!(inflate_twice(&deflated) == message);
            // Ours is libdeflate's but for the final bit and the byte the empty block's header
            // may take.
            let mut own = libdeflate(&message);
            assert_eq!(own[0] & 1, 1, "libdeflate ends its stream");
            own[0] &= !1;
            match deflated.len() - own.len() {
                0 => in_padding += 1,
                1 => one_more_byte += 1,
                n => panic!("{n} bytes more"),
            }
            assert_eq!(deflated[..own.len()], own[..]);
        }
        assert!(
            in_padding > 20 && one_more_byte > 20,
            "{in_padding} {one_more_byte}"
        );
    }

    #[test]
    fn the_check_refuses_a_final_block_and_the_other_ending() {
        for message in messages().take(20) {
            let own = libdeflate(&message);
            assert!(!inflates_between_blocks(&own, &message), "a final block");
            let deflated = compress(&message, false).unwrap();
            let other = match deflated.len() - own.len() {
                0 => [&deflated[..], &[0]].concat(),
                _ => deflated[..own.len()].to_vec(),
            };
            assert!(inflates_between_blocks(&deflated, &message));
            assert!(!inflates_between_blocks(&other, &message));
        }
    }

    #[test]
    fn a_long_tiny_or_narrow_message_goes_through_zlib() {
        let long: Vec<u8> = messages().flatten().take(ONE_BLOCK_BELOW).collect();
        let short: Vec<u8> = messages().next().unwrap();
        // libdeflate would store it as it is; zlib makes it a few bytes.
        let tiny = vec![b'a'; STORED_UP_TO];
        for (message, narrow) in [(&long, false), (&short, true), (&tiny, false)] {
            let deflated = compress(message, narrow).unwrap();
            assert!(deflated == flushed(message, narrow).unwrap());
            assert!(inflate_twice(&deflated) == *message);
        }
    }
}
