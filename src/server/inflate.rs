//! Compressed messages from a client (RFC 7692), inflated before tungstenite reads them.
//! tungstenite refuses frames with RSV1 set, so on a socket that negotiated
//! permessage-deflate, `Inflater` sits between the socket and tungstenite's reader: it hands
//! every frame on as it is, except the frames of a compressed message, which it inflates and
//! hands on as ordinary (zero-masked) frames. tungstenite then checks them as any others:
//! UTF-8, fragmentation, control frames, sizes.
//!
//! The client keeps no context between messages (`client_no_context_takeover`), so a message
//! is inflated whole, once its last frame is in, by a decompressor the thread reuses: a
//! connection holds no decompressor, and between messages no buffer. A fragmented compressed
//! message waits as its compressed bytes, as tungstenite keeps an uncompressed one.
//! `max_message_size` holds for the inflated size: a message that would inflate past it is
//! refused there (1009), and the rest of it is never inflated.

use bytes::{Buf, BufMut, BytesMut};
use flate2::{Decompress, FlushDecompress, Status};
use std::cell::RefCell;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};

/// Why a compressed message was refused; carried in the `io::Error` tungstenite reports.
#[derive(Debug, PartialEq, Eq)]
pub enum InflateError {
    /// It inflates past `max_message_size`.
    TooBig,
    /// It is not valid DEFLATE data.
    Corrupt,
}

impl std::fmt::Display for InflateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            InflateError::TooBig => "a compressed message inflates past max_message_size",
            InflateError::Corrupt => "a compressed message is not valid DEFLATE data",
        })
    }
}

impl std::error::Error for InflateError {}

pub struct Inflater {
    /// Bytes read from the socket, not yet handed on. Emptied buffers are dropped, not kept:
    /// a view of a large one would hold all of it.
    raw: BytesMut,
    /// Frames for tungstenite.
    out: BytesMut,
    /// Payload bytes of a frame handed on as it is, still to come.
    passing: u64,
    /// The fragmented compressed message being read: its opcode and its payload so far,
    /// unmasked.
    message: Option<(u8, BytesMut)>,
    /// `max_message_size`.
    limit: usize,
    /// An error was reported, or the socket ended: nothing more is read.
    done: bool,
}

thread_local! {
    /// One decompressor per thread, reset for each message.
    static DECOMPRESSOR: RefCell<Decompress> = RefCell::new(Decompress::new(false));
}

/// A frame header (RFC 6455 §5.2).
struct Head {
    first: u8,
    masked: bool,
    mask: [u8; 4],
    len: usize,
    payload: u64,
}

impl Head {
    fn parse(b: &[u8]) -> Option<Head> {
        let (&first, &second) = (b.first()?, b.get(1)?);
        let masked = second & 0x80 != 0;
        let (extra, mut at) = match second & 0x7f {
            126 => (2, 2),
            127 => (8, 2),
            _ => (0, 2),
        };
        let len = 2 + extra + if masked { 4 } else { 0 };
        if b.len() < len {
            return None;
        }
        let payload = match extra {
            0 => u64::from(second & 0x7f),
            2 => u64::from(u16::from_be_bytes([b[2], b[3]])),
            _ => u64::from_be_bytes(b[2..10].try_into().expect("8 bytes")),
        };
        at += extra;
        let mut mask = [0; 4];
        if masked {
            mask.copy_from_slice(&b[at..at + 4]);
        }
        Some(Head {
            first,
            masked,
            mask,
            len,
            payload,
        })
    }

    fn fin(&self) -> bool {
        self.first & 0x80 != 0
    }

    fn rsv1(&self) -> bool {
        self.first & 0x40 != 0
    }

    fn opcode(&self) -> u8 {
        self.first & 0x0f
    }
}

impl Inflater {
    pub fn new(limit: usize) -> Inflater {
        Inflater {
            raw: BytesMut::new(),
            out: BytesMut::new(),
            passing: 0,
            message: None,
            limit,
            done: false,
        }
    }

    pub fn poll_read<R: AsyncRead + Unpin>(
        &mut self,
        mut read: Pin<&mut R>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            if !self.out.is_empty() {
                let n = self.out.len().min(buf.remaining());
                buf.put_slice(&self.out[..n]);
                self.out.advance(n);
                if self.out.is_empty() {
                    self.out = BytesMut::new();
                }
                return Poll::Ready(Ok(()));
            }
            if self.done {
                return Poll::Ready(Ok(()));
            }
            match self.step() {
                Ok(true) => continue,
                Ok(false) => {}
                Err(error) => {
                    self.done = true;
                    return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, error)));
                }
            }
            if self.raw.is_empty() {
                self.raw = BytesMut::new();
            }
            let mut chunk = [0u8; 2048];
            let mut read_buf = ReadBuf::new(&mut chunk);
            ready!(read.as_mut().poll_read(cx, &mut read_buf))?;
            if read_buf.filled().is_empty() {
                // The socket ended: what is left goes on as it is (tungstenite judges a frame
                // cut short), then the end.
                let left = self.raw.split();
                self.out.unsplit(left);
                self.done = true;
                continue;
            }
            self.raw.extend_from_slice(read_buf.filled());
        }
    }

    /// Moves what it can from `raw` to `out`; false if it needs more bytes first.
    fn step(&mut self) -> Result<bool, InflateError> {
        if self.passing > 0 {
            if self.raw.is_empty() {
                return Ok(false);
            }
            let n = self
                .raw
                .len()
                .min(usize::try_from(self.passing).unwrap_or(usize::MAX));
            let part = self.raw.split_to(n);
            self.out.unsplit(part);
            self.passing -= n as u64;
            return Ok(true);
        }
        let Some(head) = Head::parse(&self.raw) else {
            return Ok(false);
        };
        let rsv23 = head.first & 0x30 != 0;
        let starts = head.rsv1() && matches!(head.opcode(), 1 | 2) && self.message.is_none();
        let goes_on = !head.rsv1() && head.opcode() == 0 && self.message.is_some();
        if !head.masked || rsv23 || !(starts || goes_on) {
            // Not part of a compressed message: as it is, and tungstenite refuses what
            // breaks the rules (RSV1 on a control frame, an unmasked frame, and so on).
            let part = self.raw.split_to(head.len);
            self.out.unsplit(part);
            self.passing = head.payload;
            return Ok(true);
        }
        // DEFLATE expands what it cannot compress by at most an eighth (fixed Huffman codes)
        // and a few bytes: a message compressed to more than that cannot fit once inflated.
        let most = self
            .limit
            .saturating_add(self.limit / 8)
            .saturating_add(1024);
        let so_far = self.message.as_ref().map_or(0, |(_, m)| m.len());
        if head.payload > (most - so_far) as u64 {
            // It is never read, let alone inflated.
            return Err(InflateError::TooBig);
        }
        let total = head.len + head.payload as usize;
        if self.raw.len() < total {
            return Ok(false);
        }
        let mut frame = self.raw.split_to(total);
        let payload = &mut frame[head.len..];
        for (i, byte) in payload.iter_mut().enumerate() {
            *byte ^= head.mask[i % 4];
        }
        let fragmented = self.message.is_some();
        let (opcode, mut compressed) = self
            .message
            .take()
            .unwrap_or_else(|| (head.opcode(), BytesMut::new()));
        if !head.fin() {
            if !fragmented {
                // tungstenite learns that a message has begun, so it refuses another one
                // before this one's end (RFC 6455 §5.4).
                put_frame(&mut self.out, opcode, &[]);
            }
            compressed.extend_from_slice(payload);
            self.message = Some((opcode, compressed));
            return Ok(true);
        }
        let data = if compressed.is_empty() {
            inflate_message(payload, self.limit)?
        } else {
            compressed.extend_from_slice(payload);
            inflate_message(&compressed, self.limit)?
        };
        // The whole message: one frame, or the end of the one begun above.
        let first = if fragmented { 0x80 } else { 0x80 | opcode };
        put_frame(&mut self.out, first, &data);
        Ok(true)
    }
}

/// A whole compressed message inflated (RFC 7692 §7.2.2), at most `limit` bytes.
fn inflate_message(payload: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
    DECOMPRESSOR.with_borrow_mut(|d| {
        d.reset(false);
        let data = inflate(d, payload, limit)?;
        // The sender left off the empty block that flushed the message's end: it must add
        // nothing (a stored block cut short would take it for its data).
        if !inflate(d, &[0, 0, 0xff, 0xff], limit - data.len())?.is_empty() {
            return Err(InflateError::Corrupt);
        }
        Ok(data)
    })
}

/// Inflates `input` further; at most `room` bytes.
fn inflate(d: &mut Decompress, input: &[u8], room: usize) -> Result<Vec<u8>, InflateError> {
    let mut out = Vec::with_capacity((input.len() * 4).clamp(64, room.max(64)));
    let start = d.total_in();
    loop {
        let read = (d.total_in() - start) as usize;
        if out.len() == out.capacity() {
            out.reserve((out.len()).clamp(64, 1 << 20));
        }
        let status = d
            .decompress_vec(&input[read..], &mut out, FlushDecompress::Sync)
            .map_err(|_| InflateError::Corrupt)?;
        if out.len() > room {
            return Err(InflateError::TooBig);
        }
        let consumed = (d.total_in() - start) as usize == input.len();
        match status {
            Status::StreamEnd => return Ok(out),
            _ if consumed && out.len() < out.capacity() => return Ok(out),
            Status::BufError if out.len() < out.capacity() => return Err(InflateError::Corrupt),
            _ => {}
        }
    }
}

/// A client frame as tungstenite expects it: masked, here with a zero key.
fn put_frame(out: &mut BytesMut, first: u8, payload: &[u8]) {
    out.reserve(payload.len() + 14);
    out.put_u8(first);
    let len = payload.len();
    if len < 126 {
        out.put_u8(0x80 | len as u8);
    } else if len <= usize::from(u16::MAX) {
        out.put_u8(0x80 | 126);
        out.put_u16(len as u16);
    } else {
        out.put_u8(0x80 | 127);
        out.put_u64(len as u64);
    }
    out.put_slice(&[0; 4]);
    out.put_slice(payload);
}

#[cfg(test)]
#[path = "inflate_tests.rs"]
mod tests;
