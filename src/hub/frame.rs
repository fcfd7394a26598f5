//! `Frame`: one WebSocket frame from the server to a client, encoded once on the wire (RFC 6455
//! §5.2: FIN, opcode, unmasked length, payload) and shared by every recipient. A broadcast to
//! a thousand subscribers builds its bytes once; each outbox holds a reference, and each
//! writer hands the same bytes to the kernel (`writev`): nothing is re-encoded per recipient.
//! (Without TLS, runs of small frames are copied into one slice just before the `writev`,
//! `gather`, which costs less than the kernel's walk over many small slices; a client that
//! acknowledges, `?ack=1`, gets its own numbered frame.)
//!
//! Application data may also go out compressed (permessage-deflate, RFC 7692), to the sockets
//! that negotiated it. Those sockets never take over the compression context
//! (`server_no_context_takeover`), so one message compresses to the same bytes for all of
//! them: the first writer that needs the compressed frame makes it, and the others share it.

use bytes::{BufMut, Bytes, BytesMut};
use std::sync::{Arc, OnceLock};

const TEXT: u8 = 0x1;
const BINARY: u8 = 0x2;
const CLOSE: u8 = 0x8;
const PING: u8 = 0x9;
const PONG: u8 = 0xA;
const FIN: u8 = 0x80;
/// RFC 7692 §6: the first frame of a compressed message sets RSV1.
const RSV1: u8 = 0x40;

/// Cloned for each recipient: one reference count, the same as the bytes alone would take
/// (on a line every core touches, so a second one would cost each delivery).
#[derive(Clone, Debug)]
pub struct Frame(Arc<Encoded>);

#[derive(Debug)]
struct Encoded {
    wire: Bytes,
    /// Where the payload starts in `wire`.
    header: u8,
    /// Text and binary frames only: the compressed frame, once a writer has needed it.
    deflated: Option<Deflated>,
    /// Its number in an acknowledging connection's sequence (`sequenced`); 0 for any other.
    seq: u64,
}

/// A message's compressed frames, one per window size, each made when first needed (`None`
/// inside if compressing does not make it smaller).
#[derive(Debug, Default)]
struct Deflated {
    wide: OnceLock<Option<Bytes>>,
    narrow: OnceLock<Option<Bytes>>,
}

/// How a socket that negotiated permessage-deflate takes its frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deflate {
    /// Messages shorter than this go plain (`compression_threshold`).
    pub threshold: usize,
    /// The client limited the server's window (`server_max_window_bits` below 15): its
    /// frames are compressed with a 512-byte window, which every limit from 9 admits.
    pub narrow: bool,
}

#[cfg(test)]
impl Frame {
    /// How many hold this frame (a test's count of who still keeps it).
    pub fn holders(&self) -> usize {
        Arc::strong_count(&self.0)
    }
}

impl PartialEq for Frame {
    fn eq(&self, other: &Frame) -> bool {
        self.0.wire == other.0.wire
    }
}

impl Eq for Frame {}

/// The frame header for a payload of `len` bytes, first byte `first`.
fn put_header(wire: &mut BytesMut, first: u8, len: usize) {
    wire.put_u8(first);
    if len < 126 {
        wire.put_u8(len as u8);
    } else if len <= usize::from(u16::MAX) {
        wire.put_u8(126);
        wire.put_u16(len as u16);
    } else {
        wire.put_u8(127);
        wire.put_u64(len as u64);
    }
}

impl Frame {
    /// `compressible`: application data, which may go compressed.
    fn new(wire: Bytes, header: u8, compressible: bool) -> Frame {
        Frame(Arc::new(Encoded {
            wire,
            header,
            deflated: compressible.then(Deflated::default),
            seq: 0,
        }))
    }

    fn encode(opcode: u8, payload: &[u8]) -> Frame {
        let mut wire = BytesMut::with_capacity(payload.len() + 10);
        put_header(&mut wire, FIN | opcode, payload.len());
        let header = wire.len() as u8;
        wire.put_slice(payload);
        Frame::new(wire.freeze(), header, matches!(opcode, TEXT | BINARY))
    }

    /// Application data: a text frame, unless `binary` is asked for or the bytes are not UTF-8
    /// (which cannot travel in a text frame), then a binary one.
    pub fn data(data: &[u8], binary: bool) -> Frame {
        let binary = binary || std::str::from_utf8(data).is_err();
        Frame::encode(if binary { BINARY } else { TEXT }, data)
    }

    /// A text frame: application data, or one of the server's own replies.
    pub fn text(text: impl AsRef<str>) -> Frame {
        Frame::encode(TEXT, text.as_ref().as_bytes())
    }

    /// Application data numbered `seq` for a connection that acknowledges what it receives:
    /// text in the JSON envelope (`protocol::sequenced_message`), binary behind the number in
    /// 8 bytes, big-endian. Made per recipient: the number is that connection's.
    pub fn sequenced(seq: u64, message: &Frame) -> Frame {
        let payload = message.payload();
        let mut frame = if message.opcode() == BINARY {
            let mut data = Vec::with_capacity(8 + payload.len());
            data.extend_from_slice(&seq.to_be_bytes());
            data.extend_from_slice(&payload);
            Frame::encode(BINARY, &data)
        } else {
            let text = std::str::from_utf8(&payload).expect("a text frame holds UTF-8");
            Frame::text(crate::protocol::sequenced_message(seq, text))
        };
        Arc::get_mut(&mut frame.0).expect("not shared yet").seq = seq;
        frame
    }

    /// Application data as it travels to another node (a ghost moving there): its bytes, its
    /// kind and the number it had, so the replay there is the one this node would have made.
    pub fn carried(binary: bool, payload: &[u8], seq: u64) -> Frame {
        let mut frame = Frame::encode(if binary { BINARY } else { TEXT }, payload);
        Arc::get_mut(&mut frame.0).expect("not shared yet").seq = seq;
        frame
    }

    pub fn is_binary(&self) -> bool {
        self.opcode() == BINARY
    }

    /// The number `sequenced` gave it.
    pub fn seq(&self) -> Option<u64> {
        (self.0.seq != 0).then_some(self.0.seq)
    }

    pub fn ping(payload: &[u8]) -> Frame {
        Frame::encode(PING, payload)
    }

    /// A close frame; the reason is cut to fit a control frame's 125 bytes.
    pub fn close(code: u16, reason: &str) -> Frame {
        let mut end = reason.len().min(123);
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        let mut payload = code.to_be_bytes().to_vec();
        payload.extend_from_slice(&reason.as_bytes()[..end]);
        Frame::encode(CLOSE, &payload)
    }

    /// Bytes tungstenite's reader encoded itself (a pong, the answer to a client's close):
    /// whole control frames, written as they are.
    pub fn encoded(wire: Bytes) -> Frame {
        Frame::new(wire, 0, false)
    }

    fn opcode(&self) -> u8 {
        self.0.wire.first().map_or(0, |b| b & 0x0f)
    }

    /// Application data or a protocol reply, as opposed to a ping, pong or close: only data
    /// outlives a socket (kept for a ghost, replayed on resume).
    pub fn is_data(&self) -> bool {
        matches!(self.opcode(), TEXT | BINARY)
    }

    pub fn is_close(&self) -> bool {
        self.opcode() == CLOSE
    }

    pub fn is_pong(&self) -> bool {
        self.opcode() == PONG
    }

    /// A text frame's payload; `None` for any other frame.
    pub fn as_text(&self) -> Option<&str> {
        if self.opcode() != TEXT {
            return None;
        }
        std::str::from_utf8(&self.0.wire[usize::from(self.0.header)..]).ok()
    }

    /// The payload, without the header (shares the bytes).
    pub fn payload(&self) -> Bytes {
        self.0.wire.slice(usize::from(self.0.header)..)
    }

    /// The frame as it goes on the wire.
    pub fn wire(&self) -> &[u8] {
        &self.0.wire
    }

    /// The frame as it goes to a socket that negotiated permessage-deflate: a text or binary
    /// frame of at least the threshold goes compressed, if that makes it smaller. Compressed once
    /// per window size, by the first writer that asks; the same bytes every later time.
    pub fn wire_deflated(&self, deflate: Deflate) -> &[u8] {
        let payload = &self.0.wire[usize::from(self.0.header)..];
        let Some(deflated) = self
            .0
            .deflated
            .as_ref()
            .filter(|_| payload.len() >= deflate.threshold)
        else {
            return &self.0.wire;
        };
        let cell = match deflate.narrow {
            false => &deflated.wide,
            true => &deflated.narrow,
        };
        // Two writers that both find it missing both compress, and one result is kept: no
        // writer ever waits on another's compression.
        if cell.get().is_none() {
            let _ = cell.set(compress(self.0.wire[0], payload, deflate.narrow));
        }
        cell.get()
            .and_then(Option::as_deref)
            .unwrap_or(&self.0.wire)
    }

    /// Bytes on the wire.
    pub fn len(&self) -> usize {
        self.0.wire.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.wire.is_empty()
    }
}

/// A message compressed as one frame, or `None` if that is not smaller.
fn compress(first: u8, payload: &[u8], narrow: bool) -> Option<Bytes> {
    let deflated = super::deflate::compress(payload, narrow)?;
    let mut wire = BytesMut::with_capacity(deflated.len() + 10);
    put_header(&mut wire, first | RSV1, deflated.len());
    wire.put_slice(&deflated);
    Some(wire.freeze())
}

#[cfg(test)]
#[path = "frame_tests.rs"]
mod tests;
