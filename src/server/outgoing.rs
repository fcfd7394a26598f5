//! `Outgoing`: the frames a writer holds for its socket, and how they reach the kernel. A
//! burst goes out in `writev` calls over the frames' own bytes, shared with every other
//! recipient: no copy, no encoding, one flush. A frame is done with only once written whole
//! and flushed (TLS buffers what it is given until the flush), and the state lives here
//! rather than in a future, so a write cancelled midway (the socket asked to close) loses
//! nothing and never tears a frame.

use crate::hub::connection::Connection;
use crate::hub::frame::Deflate;
use crate::hub::Frame;
use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::AsyncWrite;

/// Frames handed to one `writev`: the kernel's `IOV_MAX`. A burst of small frames (a
/// thousand broadcasts of 64 B is 66 KiB) then goes out in one call where the socket buffer
/// takes it: at 128, that burst took eight.
const SLICES: usize = 1024;

/// Bytes of frames (before compression) handed to one `writev` at most, beyond the first
/// frame: a socket buffer's worth, and a bound on the compression one poll may do.
const BATCH_BYTES: usize = 256 * 1024;

/// The first `count` of `slices`, which the caller wrote; the frames' borrow carries over.
fn written<'s, 'f>(slices: &'s [MaybeUninit<IoSlice<'f>>], count: usize) -> &'s [IoSlice<'f>] {
    let init = &slices[..count];
    // SAFETY: the caller wrote these `count` slices, and `MaybeUninit<T>` has `T`'s layout.
    unsafe { &*(init as *const [MaybeUninit<IoSlice<'f>>] as *const [IoSlice<'f>]) }
}

pub struct Outgoing<W> {
    io: W,
    frames: VecDeque<Frame>,
    /// Bytes of the front frame already written.
    written: usize,
    /// Written whole but not flushed yet: given back too if the socket dies.
    unflushed: Vec<Frame>,
    /// A close frame was queued: nothing may follow it.
    closed: bool,
    /// The data frames went back to the connection: they are not ours to give again.
    given_back: bool,
    /// The socket negotiated permessage-deflate.
    deflate: Option<Deflate>,
    /// Frames written compressed since `take_deflated_count`.
    deflated: u64,
}

impl<W: AsyncWrite + Unpin> Outgoing<W> {
    pub fn new(io: W, deflate: Option<Deflate>) -> Self {
        Outgoing {
            io,
            frames: VecDeque::new(),
            written: 0,
            unflushed: Vec::new(),
            closed: false,
            given_back: false,
            deflate,
            deflated: 0,
        }
    }

    /// How many frames went out compressed since the last call (for `/stats`, counted once
    /// per burst rather than per frame).
    pub fn take_deflated_count(&mut self) -> u64 {
        std::mem::take(&mut self.deflated)
    }

    /// A frame's bytes as this socket sends them: the same every time it is asked.
    fn wire<'f>(&self, frame: &'f Frame) -> &'f [u8] {
        match self.deflate {
            Some(deflate) => frame.wire_deflated(deflate),
            None => frame.wire(),
        }
    }

    pub fn push(&mut self, frame: Frame) {
        if !self.closed {
            self.closed = frame.is_close();
            self.frames.push_back(frame);
        }
    }

    /// Takes what the connection queued; false if nothing was.
    pub fn take_from(&mut self, conn: &Connection) -> bool {
        !self.closed && conn.take_outbox(&mut self.frames)
    }

    pub fn is_idle(&self) -> bool {
        self.frames.is_empty()
    }

    /// Whether a frame is half written: anything else sent now would land inside it.
    pub fn mid_frame(&self) -> bool {
        self.written > 0
    }

    /// Writes every frame held, then flushes. Cancel-safe.
    pub async fn write(&mut self) -> io::Result<()> {
        while !self.frames.is_empty() {
            std::future::poll_fn(|cx| self.poll_write_some(cx)).await?;
        }
        std::future::poll_fn(|cx| Pin::new(&mut self.io).poll_flush(cx)).await?;
        self.unflushed.clear();
        Ok(())
    }

    fn poll_write_some(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Left uninitialised: filling 16 KiB on every call, for a few frames, was measurable.
        let mut slices = [const { MaybeUninit::<IoSlice<'_>>::uninit() }; SLICES];
        let (mut count, mut bytes) = (0, 0);
        for (slice, frame) in slices.iter_mut().zip(&self.frames) {
            // Large frames stop the batch early: on a deflate socket each is compressed as it
            // is taken, all in this one poll, for a write that may accept far less.
            if bytes >= BATCH_BYTES {
                break;
            }
            let skip = if count == 0 { self.written } else { 0 };
            slice.write(IoSlice::new(&self.wire(frame)[skip..]));
            count += 1;
            bytes += frame.len();
        }
        let n = ready!(Pin::new(&mut self.io).poll_write_vectored(cx, written(&slices, count)))?;
        if n == 0 {
            return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
        }
        self.advance(n);
        Poll::Ready(Ok(()))
    }

    fn advance(&mut self, mut n: usize) {
        while let Some(front) = self.frames.front() {
            let wire = self.wire(front).len();
            let left = wire - self.written;
            if n < left {
                self.written += n;
                return;
            }
            // Compressed frames are always the shorter (`Frame::wire_deflated`).
            self.deflated += u64::from(wire < front.len());
            n -= left;
            self.written = 0;
            self.unflushed.extend(self.frames.pop_front());
        }
    }

    /// Puts the data frames not known to be delivered back at the front of the connection's
    /// outbox, in order, for its next socket; once. Pings and pongs are dropped: they were
    /// this socket's own. What it may still write stays: a frame half written (to finish
    /// before a close frame) and a close frame (the answer to the client's close).
    ///
    /// `peer_reads`: the socket is closed on purpose while its client still reads (a
    /// handoff's 1012). What reached the kernel, and the frame half written, reach the client
    /// ahead of the close frame, so only the frames not begun go back: given back too, they
    /// would come twice to a client that does not acknowledge. Otherwise (the socket failed,
    /// or its client is presumed gone) nothing written is known to be delivered.
    pub fn give_back(&mut self, conn: &Connection, peer_reads: bool) {
        if std::mem::replace(&mut self.given_back, true) {
            return;
        }
        let half_written = self.mid_frame().then(|| self.frames.pop_front()).flatten();
        let mut data: VecDeque<Frame> = VecDeque::new();
        if !peer_reads {
            data.extend(self.unflushed.drain(..).filter(|f| f.is_data()));
            data.extend(half_written.iter().filter(|f| f.is_data()).cloned());
        }
        data.extend(self.frames.iter().filter(|f| f.is_data()).cloned());
        conn.requeue_front(&mut data);
        self.frames.retain(|f| f.is_close());
        if let Some(frame) = half_written {
            self.frames.push_front(frame);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepts at most `chunk` bytes per write, as a full socket buffer does.
    struct Trickle {
        out: Vec<u8>,
        chunk: usize,
        writes: usize,
    }

    fn trickle(chunk: usize) -> Trickle {
        Trickle {
            out: Vec::new(),
            chunk,
            writes: 0,
        }
    }

    impl AsyncWrite for Trickle {
        fn poll_write(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            let n = buf.len().min(self.chunk);
            self.out.extend_from_slice(&buf[..n]);
            Poll::Ready(Ok(n))
        }

        fn poll_write_vectored(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            self.writes += 1;
            let mut n = 0;
            for buf in bufs {
                let take = buf.len().min(self.chunk - n);
                self.out.extend_from_slice(&buf[..take]);
                n += take;
                if n == self.chunk {
                    break;
                }
            }
            Poll::Ready(Ok(n))
        }

        fn is_write_vectored(&self) -> bool {
            true
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn partial_writes_keep_frames_whole_and_in_order() {
        let frames: Vec<Frame> = (0..300)
            .map(|i| Frame::text(format!("frame {i}")))
            .collect();
        let expected: Vec<u8> = frames.iter().flat_map(|f| f.wire().to_vec()).collect();
        let mut out = Outgoing::new(trickle(7), None);
        for frame in frames {
            out.push(frame);
        }
        out.write().await.unwrap();
        assert!(out.is_idle() && !out.mid_frame());
        assert_eq!(out.io.out, expected);
    }

    const DEFLATE: Deflate = Deflate {
        threshold: 256,
        narrow: false,
    };

    #[tokio::test]
    async fn a_deflate_socket_writes_the_compressed_frames_whole() {
        let json = "{\"price\":1234,\"symbol\":\"ABC\"}".repeat(40);
        let frames = [
            Frame::data(json.as_bytes(), false),
            Frame::text("a protocol reply"),
            Frame::data(b"short", false),
            Frame::data(json.as_bytes(), false),
        ];
        let expected: Vec<u8> = frames
            .iter()
            .flat_map(|f| f.wire_deflated(DEFLATE).to_vec())
            .collect();
        assert!(
            expected.len() < json.len(),
            "compressed: {}",
            expected.len()
        );
        let mut out = Outgoing::new(trickle(5), Some(DEFLATE));
        for frame in frames {
            out.push(frame);
        }
        out.write().await.unwrap();
        assert_eq!(out.io.out, expected);
    }

    fn test_connection() -> Connection {
        let addr = "127.0.0.1:1".parse().unwrap();
        Connection::new(
            "c".into(),
            "/ws".into(),
            None,
            addr,
            false,
            crate::hub::connection::Socket::new(),
            (1 << 20, 0),
            0,
        )
    }

    #[tokio::test]
    async fn giving_back_keeps_what_this_socket_must_still_write() {
        let conn = test_connection();
        let mut out = Outgoing::new(trickle(3), None);
        out.push(Frame::text("half"));
        out.push(Frame::ping(b"p"));
        out.push(Frame::text("whole"));
        out.push(Frame::close(1000, ""));
        std::future::poll_fn(|cx| out.poll_write_some(cx))
            .await
            .unwrap();
        assert!(out.mid_frame());
        out.give_back(&conn, false);
        // The half-written frame and the close stay to be written; both data frames went back.
        assert_eq!(out.frames, [Frame::text("half"), Frame::close(1000, "")]);
        let mut back = VecDeque::new();
        conn.take_outbox(&mut back);
        assert_eq!(back, [Frame::text("half"), Frame::text("whole")]);
        // Once only.
        out.give_back(&conn, false);
        assert!(!conn.take_outbox(&mut back));
    }

    #[tokio::test]
    async fn a_client_that_still_reads_gets_back_only_the_frames_not_begun() {
        let conn = test_connection();
        let mut out = Outgoing::new(trickle(8), None);
        out.push(Frame::text("one"));
        out.push(Frame::text("two, half"));
        out.push(Frame::text("three"));
        std::future::poll_fn(|cx| out.poll_write_some(cx))
            .await
            .unwrap();
        assert!(out.mid_frame());
        assert_eq!(out.unflushed, [Frame::text("one")]);
        out.give_back(&conn, true);
        // "one" is in the kernel and "two, half" is finished before the close frame: the
        // client reads both, so only "three" is for the next socket.
        out.push(Frame::close(1012, ""));
        assert_eq!(
            out.frames,
            [Frame::text("two, half"), Frame::close(1012, "")]
        );
        let mut back = VecDeque::new();
        conn.take_outbox(&mut back);
        assert_eq!(back, [Frame::text("three")]);
        out.write().await.unwrap();
        let mut expected = Frame::text("one").wire().to_vec();
        expected.extend_from_slice(Frame::text("two, half").wire());
        expected.extend_from_slice(Frame::close(1012, "").wire());
        assert_eq!(out.io.out, expected);
    }

    #[tokio::test]
    async fn a_burst_of_small_frames_goes_out_in_one_write() {
        let mut out = Outgoing::new(trickle(usize::MAX), None);
        for i in 0..1000 {
            out.push(Frame::text(format!("{i:x<64}")));
        }
        out.write().await.unwrap();
        assert_eq!(out.io.writes, 1);
        assert_eq!(out.io.out.len(), 1000 * 66);
    }

    #[tokio::test]
    async fn a_write_that_ends_deep_in_a_batch_keeps_the_rest_in_order() {
        let frames: Vec<Frame> = (0..1500)
            .map(|i| Frame::text(format!("{i:x<64}")))
            .collect();
        let expected: Vec<u8> = frames.iter().flat_map(|f| f.wire().to_vec()).collect();
        let mut out = Outgoing::new(trickle(900 * 66 + 10), None);
        for frame in frames {
            out.push(frame);
        }
        std::future::poll_fn(|cx| out.poll_write_some(cx))
            .await
            .unwrap();
        assert!(out.mid_frame());
        assert_eq!((out.unflushed.len(), out.written), (900, 10));
        out.write().await.unwrap();
        assert_eq!(out.io.out, expected);
    }

    #[tokio::test]
    async fn large_frames_are_batched_by_bytes() {
        let mut out = Outgoing::new(trickle(usize::MAX), None);
        for _ in 0..8 {
            out.push(Frame::data(&[b'x'; 100 * 1024], true));
        }
        out.write().await.unwrap();
        // 100 KiB frames: three reach the 256 KiB bound, so eight take three writes.
        assert_eq!(out.io.writes, 3);
    }

    #[test]
    fn nothing_follows_a_close_frame() {
        let mut out = Outgoing::new(trickle(1), None);
        out.push(Frame::close(1000, ""));
        out.push(Frame::text("late"));
        assert_eq!(out.frames.len(), 1);
    }
}
