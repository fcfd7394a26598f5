//! `Frame`: one WebSocket frame from the server to a client, encoded once on the wire (RFC 6455
//! §5.2: FIN, opcode, unmasked length, payload) and shared by every recipient. A broadcast to
//! a thousand subscribers builds its bytes once; each outbox holds a reference, and each
//! writer hands the same bytes to the kernel (`writev`): nothing is copied or re-encoded per
//! recipient.

use bytes::{BufMut, Bytes, BytesMut};

const TEXT: u8 = 0x1;
const BINARY: u8 = 0x2;
const CLOSE: u8 = 0x8;
const PING: u8 = 0x9;
const FIN: u8 = 0x80;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    wire: Bytes,
    /// Where the payload starts in `wire`.
    header: u8,
}

impl Frame {
    fn encode(opcode: u8, payload: &[u8]) -> Frame {
        let len = payload.len();
        let mut wire = BytesMut::with_capacity(len + 10);
        wire.put_u8(FIN | opcode);
        if len < 126 {
            wire.put_u8(len as u8);
        } else if len <= usize::from(u16::MAX) {
            wire.put_u8(126);
            wire.put_u16(len as u16);
        } else {
            wire.put_u8(127);
            wire.put_u64(len as u64);
        }
        let header = wire.len() as u8;
        wire.put_slice(payload);
        Frame {
            wire: wire.freeze(),
            header,
        }
    }

    /// Application data: a text frame, unless `binary` is asked for or the bytes are not UTF-8
    /// (which cannot travel in a text frame), then a binary one.
    pub fn data(data: &[u8], binary: bool) -> Frame {
        let binary = binary || std::str::from_utf8(data).is_err();
        Frame::encode(if binary { BINARY } else { TEXT }, data)
    }

    pub fn text(text: impl AsRef<str>) -> Frame {
        Frame::encode(TEXT, text.as_ref().as_bytes())
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
        Frame { wire, header: 0 }
    }

    fn opcode(&self) -> u8 {
        self.wire.first().map_or(0, |b| b & 0x0f)
    }

    /// Application data or a protocol reply, as opposed to a ping, pong or close: only data
    /// outlives a socket (kept for a ghost, replayed on resume).
    pub fn is_data(&self) -> bool {
        matches!(self.opcode(), TEXT | BINARY)
    }

    pub fn is_close(&self) -> bool {
        self.opcode() == CLOSE
    }

    /// The payload, without the header (shares the bytes).
    pub fn payload(&self) -> Bytes {
        self.wire.slice(usize::from(self.header)..)
    }

    /// The frame as it goes on the wire.
    pub fn wire(&self) -> &[u8] {
        &self.wire
    }

    /// Bytes on the wire.
    pub fn len(&self) -> usize {
        self.wire.len()
    }

    pub fn is_empty(&self) -> bool {
        self.wire.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_take_the_three_header_forms() {
        for (len, header) in [(0, 2), (125, 2), (126, 4), (65_535, 4), (65_536, 10)] {
            let frame = Frame::data(&vec![b'a'; len], false);
            assert_eq!(frame.len(), len + header, "payload of {len}");
            assert_eq!(frame.payload().len(), len);
            assert_eq!(frame.wire()[0], 0x81);
        }
        assert_eq!(&Frame::text("hi").wire()[..], b"\x81\x02hi");
        assert_eq!(&Frame::data(&[0xff], false).wire()[..], b"\x82\x01\xff");
        assert_eq!(
            Frame::data(&vec![0; 300], true).wire()[..4],
            [0x82, 126, 1, 44]
        );
    }

    #[test]
    fn a_close_reason_is_cut_at_a_character_boundary() {
        let frame = Frame::close(1008, &"é".repeat(100));
        assert!(frame.is_close() && !frame.is_data());
        assert!(frame.payload().len() <= 125);
        assert!(std::str::from_utf8(&frame.payload()[2..]).is_ok());
        assert_eq!(frame.payload()[..2], 1008u16.to_be_bytes());
    }
}
