//! Compressed messages from a client (RFC 7692), inflated before tungstenite reads them.
//! tungstenite refuses frames with RSV1 set, so on a socket that negotiated
//! permessage-deflate, `Inflater` sits between the socket and tungstenite's reader: it hands
//! every frame on as it is, except the frames of a compressed message, which it inflates and
//! hands on as ordinary (zero-masked) frames. tungstenite then checks them as any others:
//! UTF-8, fragmentation, control frames, sizes.
//!
//! The client keeps no context between messages (`client_no_context_takeover`), so each
//! compressed message gets a fresh decompressor, dropped at its end. `max_message_size` holds
//! for the inflated size: a message that would inflate past it is refused there (1009), and
//! the rest of it is never inflated.

use bytes::{Buf, BufMut, BytesMut};
use flate2::{Decompress, FlushDecompress, Status};
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

/// Buffers larger than this are freed once empty, so an idle connection holds none.
const KEEP: usize = 4096;

pub struct Inflater {
    /// Bytes read from the socket, not yet handed on.
    raw: BytesMut,
    /// Frames for tungstenite.
    out: BytesMut,
    /// Payload bytes of a frame handed on as it is, still to come.
    passing: u64,
    /// The compressed message being read.
    message: Option<Message>,
    /// `max_message_size`.
    limit: usize,
    /// An error was reported, or the socket ended: nothing more is read.
    done: bool,
}

struct Message {
    decompress: Box<Decompress>,
    inflated: usize,
    /// Its first frame was handed on (the next ones are continuations).
    started: bool,
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
                if self.out.is_empty() && self.out.capacity() > KEEP {
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
            if self.raw.is_empty() && self.raw.capacity() > KEEP {
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
            let n = self.raw.len().min(self.passing as usize);
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
        let room = self.limit - self.message.as_ref().map_or(0, |m| m.inflated);
        // DEFLATE adds at most 5 bytes per 64 KiB stored block, and a few at the end.
        if head.payload > (room + room / 8192 + 64) as u64 {
            // Compressed, it already exceeds what it may inflate to: it is never read.
            return Err(InflateError::TooBig);
        }
        let total = head.len + head.payload as usize;
        if self.raw.len() < total {
            self.raw.reserve(total - self.raw.len());
            return Ok(false);
        }
        let mut frame = self.raw.split_to(total);
        let payload = &mut frame[head.len..];
        for (i, byte) in payload.iter_mut().enumerate() {
            *byte ^= head.mask[i % 4];
        }
        let message = self.message.get_or_insert_with(|| Message {
            decompress: Box::new(Decompress::new(false)),
            inflated: 0,
            started: false,
        });
        let mut data = inflate(&mut message.decompress, payload, room)?;
        if head.fin() {
            // §7.2.2: the message's end is flushed by the empty block the sender left off.
            data.extend(inflate(
                &mut message.decompress,
                &[0, 0, 0xff, 0xff],
                room - data.len(),
            )?);
        }
        message.inflated += data.len();
        let opcode = if message.started { 0 } else { head.opcode() };
        message.started = true;
        if head.fin() {
            self.message = None;
        }
        put_frame(&mut self.out, (head.first & 0x80) | opcode, &data);
        Ok(true)
    }
}

/// Inflates `input` (the decompressor keeps what it cannot finish yet); at most `room` bytes.
fn inflate(d: &mut Decompress, input: &[u8], room: usize) -> Result<Vec<u8>, InflateError> {
    let mut out = Vec::with_capacity((input.len() * 4).clamp(64, room.max(64)));
    let start = d.total_in();
    loop {
        let read = (d.total_in() - start) as usize;
        if out.len() == out.capacity() {
            if out.len() > room {
                return Err(InflateError::TooBig);
            }
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
