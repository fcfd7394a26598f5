use super::*;
use std::io::IoSlice;

/// Accepts at most `chunk` bytes per write, as a full socket buffer does.
struct Trickle {
    out: Vec<u8>,
    chunk: usize,
    /// How many slices each write was handed.
    slices: Vec<usize>,
    /// After a short write, the next finds the buffer full (and wakes the writer), then the
    /// client has read everything: from there on, every write is taken whole.
    drains: bool,
    full: bool,
    /// The next flush waits (and wakes the writer), as TLS waits for a full socket.
    flush_waits: bool,
}

fn trickle(chunk: usize) -> Trickle {
    Trickle {
        out: Vec::new(),
        chunk,
        slices: Vec::new(),
        drains: false,
        full: false,
        flush_waits: false,
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
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if std::mem::take(&mut self.full) {
            self.chunk = usize::MAX;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.slices.push(bufs.len());
        let mut n = 0;
        for buf in bufs {
            let take = buf.len().min(self.chunk - n);
            self.out.extend_from_slice(&buf[..take]);
            n += take;
            if n == self.chunk {
                break;
            }
        }
        self.full = self.drains && n < bufs.iter().map(|b| b.len()).sum();
        Poll::Ready(Ok(n))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if std::mem::take(&mut self.flush_waits) {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// An `Outgoing` over a socket taking `chunk` bytes per write, holding `frames`; and the bytes
/// they make on the wire, in order.
fn loaded(frames: Vec<Frame>, chunk: usize) -> (Outgoing<Trickle>, Vec<u8>) {
    let expected = frames.iter().flat_map(|f| f.wire().to_vec()).collect();
    let mut out = Outgoing::new(trickle(chunk), None, true);
    for frame in frames {
        out.push(frame);
    }
    (out, expected)
}

#[tokio::test]
async fn partial_writes_keep_frames_whole_and_in_order() {
    let frames = (0..300)
        .map(|i| Frame::text(format!("frame {i}")))
        .collect();
    let (mut out, expected) = loaded(frames, 7);
    out.write().await.unwrap();
    assert!(out.is_idle() && !out.mid_frame());
    assert_eq!(out.io.out, expected);
}

#[tokio::test]
async fn an_idle_writer_lets_go_of_its_room_for_unflushed_frames_and_writes_on_after() {
    let frames: Vec<Frame> = (0..50).map(|i| Frame::text(format!("frame {i}"))).collect();
    let (mut out, mut expected) = loaded(frames.clone(), 4096);
    out.write().await.unwrap();
    assert!(out.unflushed.capacity() > 0);
    out.shed_room();
    assert_eq!(out.unflushed.capacity(), 0);
    // Frames written whole but not flushed (TLS waits in the flush) are kept.
    out.io.flush_waits = true;
    for frame in &frames {
        out.push(frame.clone());
        expected.extend_from_slice(frame.wire());
    }
    {
        let write = std::pin::pin!(out.write());
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(std::future::Future::poll(write, &mut cx).is_pending());
    }
    assert_eq!(out.unflushed, frames);
    out.shed_room();
    assert_eq!(out.unflushed, frames);
    out.write().await.unwrap();
    assert!(out.is_idle() && !out.mid_frame());
    assert_eq!(out.io.out, expected);
}

#[tokio::test]
async fn small_and_large_frames_mixed_stay_whole_and_in_order_through_partial_writes() {
    // Runs of small frames are copied into one slice, larger ones go as their own (`gather`):
    // writes ending anywhere in either kind resume at the right byte.
    let frames = (0..400)
        .map(|i| Frame::text(format!("{i}").repeat(if i % 7 == 0 { 300 } else { 1 })))
        .collect();
    for chunk in [1, 5, 66, 999, 4096] {
        let (mut out, expected) = loaded(Vec::clone(&frames), chunk);
        out.write().await.unwrap();
        assert!(out.is_idle() && !out.mid_frame());
        assert_eq!(out.io.out, expected, "{chunk} bytes per write");
    }
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
    let mut out = Outgoing::new(trickle(5), Some(DEFLATE), true);
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
    let mut out = Outgoing::new(trickle(3), None, true);
    out.push(Frame::text("half"));
    out.push(Frame::ping(b"p"));
    out.push(Frame::text("whole"));
    out.push(Frame::close(1000, ""));
    std::future::poll_fn(|cx| out.poll_write_some(cx, true))
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
    let mut out = Outgoing::new(trickle(8), None, true);
    out.push(Frame::text("one"));
    out.push(Frame::text("two, half"));
    out.push(Frame::text("three"));
    std::future::poll_fn(|cx| out.poll_write_some(cx, true))
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
    let mut out = Outgoing::new(trickle(usize::MAX), None, true);
    for i in 0..1000 {
        out.push(Frame::text(format!("{i:x<64}")));
    }
    out.write().await.unwrap();
    // And as one slice (`gather`).
    assert_eq!(out.io.slices, [1]);
    assert_eq!(out.io.out.len(), 1000 * 66);
}

#[tokio::test]
async fn a_write_that_ends_deep_in_a_batch_keeps_the_rest_in_order() {
    let frames = (0..1500)
        .map(|i| Frame::text(format!("{i:x<64}")))
        .collect();
    let (mut out, expected) = loaded(frames, 900 * 66 + 10);
    std::future::poll_fn(|cx| out.poll_write_some(cx, true))
        .await
        .unwrap();
    assert!(out.mid_frame());
    assert_eq!((out.unflushed.len(), out.written), (900, 10));
    out.write().await.unwrap();
    assert_eq!(out.io.out, expected);
}

#[tokio::test]
async fn large_frames_are_batched_by_bytes() {
    let mut out = Outgoing::new(trickle(usize::MAX), None, true);
    for _ in 0..8 {
        out.push(Frame::data(&[b'x'; 100 * 1024], true));
    }
    out.write().await.unwrap();
    // 100 KiB frames: three reach the 256 KiB bound, so eight take three writes.
    assert_eq!(out.io.slices.len(), 3);
}

#[tokio::test]
async fn more_frames_than_a_writev_takes_go_out_whole_and_in_order() {
    // Not gathered (TLS), each small frame is a slice: 1,024 per write. Gathered, a run takes
    // them all, and small and large frames alternating reach the byte bound first (a large
    // one is over 512 bytes): that is the most slices one write is handed.
    let alternating = |i: usize| if i % 2 == 0 { 8 } else { 600 };
    for (gather, width, chunk) in [
        (false, (|_| 8) as fn(usize) -> usize, usize::MAX),
        (true, alternating, usize::MAX),
        (true, alternating, 10_000),
    ] {
        let frames: Vec<Frame> = (0..3000)
            .map(|i| Frame::text(format!("{i:x<w$}", w = width(i))))
            .collect();
        let mut out = Outgoing::new(trickle(chunk), None, gather);
        for frame in &frames {
            out.push(frame.clone());
        }
        out.write().await.unwrap();
        let expected: Vec<u8> = frames.iter().flat_map(|f| f.wire().to_vec()).collect();
        assert_eq!(
            out.io.out, expected,
            "gathered: {gather}, {chunk} bytes per write"
        );
        if !gather {
            assert_eq!(out.io.slices[0], gather::SLICES);
        }
    }
}

#[tokio::test]
async fn without_gathering_each_frame_is_a_slice() {
    let frames: Vec<Frame> = (0..10).map(|i| Frame::text(format!("{i:x<64}"))).collect();
    let mut out = Outgoing::new(trickle(usize::MAX), None, false);
    for frame in &frames {
        out.push(frame.clone());
    }
    out.write().await.unwrap();
    assert_eq!(out.io.slices, [10]);
    assert_eq!(
        out.io.out,
        frames
            .iter()
            .flat_map(|f| f.wire().to_vec())
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn the_write_after_a_short_one_is_not_gathered() {
    let frames = (0..10).map(|i| Frame::text(format!("{i:x<64}"))).collect();
    let (mut out, expected) = loaded(frames, 100);
    out.write().await.unwrap();
    assert_eq!(out.io.out, expected);
    // 660 bytes, 100 per write: the first write is handed one run; the next, after it took
    // only part, the nine frames not done as nine slices.
    assert_eq!(out.io.slices[..2], [1, 9]);
}

#[tokio::test]
async fn once_the_socket_has_room_again_runs_are_gathered_again() {
    let frames = (0..10).map(|i| Frame::text(format!("{i:x<64}"))).collect();
    let (mut out, expected) = loaded(frames, 100);
    out.io.drains = true;
    out.write().await.unwrap();
    assert_eq!(out.io.out, expected);
    // One run, short; then the socket is full, and once it wakes the writer, one run again.
    assert_eq!(out.io.slices, [1, 1]);
}

#[tokio::test]
async fn the_rest_of_a_half_written_large_frame_joins_the_run_behind_it() {
    let frames = [
        Frame::text("L".repeat(600)),
        Frame::text("a"),
        Frame::text("b"),
    ];
    let (mut out, expected) = loaded(frames.to_vec(), 200);
    std::future::poll_fn(|cx| out.poll_write_some(cx, true))
        .await
        .unwrap();
    assert_eq!(out.written, 200);
    // 404 bytes of the large frame are left: small enough to be copied with the others.
    out.io.chunk = usize::MAX;
    std::future::poll_fn(|cx| out.poll_write_some(cx, true))
        .await
        .unwrap();
    assert_eq!(out.io.slices, [2, 1]);
    assert_eq!(out.io.out, expected);
}

#[test]
fn nothing_follows_a_close_frame() {
    let mut out = Outgoing::new(trickle(1), None, true);
    out.push(Frame::close(1000, ""));
    out.push(Frame::text("late"));
    assert_eq!(out.frames.len(), 1);
}

#[path = "outgoing_run_tests.rs"]
mod runs;
