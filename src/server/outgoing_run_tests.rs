//! A writer that takes a large channel's frames as a `Run` (straight from the feed, no
//! reference per frame) writes them as it writes held frames: whole, in order, after what it
//! held, through partial writes; and gives back exactly what a socket that ends had not sent.

use super::*;
use crate::hub::connection::Socket;
use crate::hub::Hub;
use parking_lot::RwLockReadGuard;
use std::future::Future;
use std::sync::Arc;

/// Enough subscribers for the channel's broadcasts to go through its feed.
const MEMBERS: usize = 40;

/// A hub whose channel `big` has `MEMBERS` live subscribers; the first is returned, and a
/// guard that no test relays a connection meanwhile (which would turn feeds off).
fn linked_channel() -> (Hub, Arc<Connection>, RwLockReadGuard<'static, ()>) {
    let feeds = crate::hub::RELAYING_IN_TESTS.read();
    let hub = Hub::new();
    let members: Vec<Arc<Connection>> = (0..MEMBERS)
        .map(|i| {
            let id = format!("c{i}");
            let conn = Arc::new(Connection::new(
                id.as_str().into(),
                "/".into(),
                None,
                "127.0.0.1:1".parse().unwrap(),
                false,
                Socket::new(),
                (1 << 20, 100),
                0,
            ));
            hub.register(conn.clone());
            assert_eq!(hub.subscribe(&id, "big", |_| {}), crate::hub::Change::Done);
            conn
        })
        .collect();
    (hub, members[0].clone(), feeds)
}

fn broadcast(hub: &Hub, texts: impl IntoIterator<Item = String>) -> Vec<Frame> {
    texts
        .into_iter()
        .map(|text| {
            let frame = Frame::text(text);
            assert_eq!(hub.fan_out("big", &frame), MEMBERS);
            frame
        })
        .collect()
}

fn wire_of(frames: &[Frame]) -> Vec<u8> {
    frames.iter().flat_map(|f| f.wire().to_vec()).collect()
}

#[tokio::test]
async fn a_run_goes_out_after_the_frames_held_whole_and_in_order_through_partial_writes() {
    for chunk in [1, 7, 66, 4096] {
        let (hub, conn, _feeds) = linked_channel();
        // Over two segments of the feed (64 frames each), and a large frame among them.
        let mut texts: Vec<String> = (0..150).map(|i| format!("m{i}")).collect();
        texts[70] = "x".repeat(600);
        let sent = broadcast(&hub, texts);
        let mut out = Outgoing::new(trickle(chunk), None, true);
        let pong = Frame::ping(b"held");
        out.push(pong.clone());
        assert!(out.take_from(&conn));
        assert!(out.run.is_some(), "the link's frames come as a run");
        assert!(out.frames.len() == 1, "none is copied into the batch");
        out.write().await.unwrap();
        assert!(out.is_idle() && !out.mid_frame());
        let mut expected = pong.wire().to_vec();
        expected.extend(wire_of(&sent));
        assert_eq!(out.io.out, expected, "{chunk} bytes per write");
        // Taken once: the next broadcast opens a new link, and only it comes.
        assert!(!out.take_from(&conn));
        let next = broadcast(&hub, ["after".to_string()]);
        assert!(out.take_from(&conn));
        out.write().await.unwrap();
        expected.extend(wire_of(&next));
        assert_eq!(out.io.out, expected);
    }
}

/// Ten frames broadcast to the channel, taken by `conn`'s writer as a run, and written up to
/// the middle of the third (20 bytes, of frames of 9).
struct HalfWritten {
    hub: Hub,
    conn: Arc<Connection>,
    sent: Vec<Frame>,
    out: Outgoing<Trickle>,
    _feeds: RwLockReadGuard<'static, ()>,
}

async fn half_written_run() -> HalfWritten {
    let (hub, conn, _feeds) = linked_channel();
    let sent = broadcast(&hub, (0..10).map(|i| format!("frame {i}")));
    let mut out = Outgoing::new(trickle(20), None, true);
    assert!(out.take_from(&conn));
    std::future::poll_fn(|cx| out.poll_write_some(cx, true))
        .await
        .unwrap();
    assert!(out.mid_frame(), "20 bytes end inside the third frame");
    HalfWritten {
        hub,
        conn,
        sent,
        out,
        _feeds,
    }
}

#[tokio::test]
async fn a_frame_pushed_behind_a_run_half_written_follows_it() {
    let HalfWritten { sent, mut out, .. } = half_written_run().await;
    let ping = Frame::ping(b"p");
    out.push(ping.clone());
    assert!(out.run.is_none(), "pushed behind, the run became frames");
    assert_eq!(out.unflushed, sent[..2]);
    out.io.chunk = usize::MAX;
    out.write().await.unwrap();
    let mut expected = wire_of(&sent);
    expected.extend_from_slice(ping.wire());
    assert_eq!(out.io.out, expected);
}

#[tokio::test]
async fn a_socket_that_ends_mid_run_gives_back_what_it_had_not_sent() {
    for peer_reads in [false, true] {
        let HalfWritten {
            conn,
            sent,
            mut out,
            ..
        } = half_written_run().await;
        out.give_back(&conn, peer_reads);
        // The half-written third frame stays to be finished before a close frame.
        assert_eq!(Vec::from(out.frames.clone()), sent[2..3]);
        let mut back = VecDeque::new();
        conn.take_outbox(&mut back);
        // A client that still reads gets the frames not begun on its next socket; one
        // presumed gone gets all that was not known to arrive (nothing was flushed).
        let from = if peer_reads { 3 } else { 0 };
        assert_eq!(Vec::from(back), sent[from..], "peer_reads: {peer_reads}");
    }
}

#[tokio::test]
async fn what_is_taken_behind_a_half_written_run_goes_after_it() {
    // The close sequence: a write cancelled midway, then the outbox taken once more; what
    // comes is a new run (a link opened meanwhile), or frames queued behind it.
    for direct in [false, true] {
        let HalfWritten {
            hub,
            conn,
            mut sent,
            mut out,
            _feeds,
        } = half_written_run().await;
        sent.extend(broadcast(&hub, ["later".to_string()]));
        if direct {
            let goodbye = Frame::text("goodbye");
            assert!(hub.send("c0", goodbye.clone(), None));
            sent.push(goodbye);
        }
        assert!(out.take_from(&conn));
        assert_eq!(out.run.is_some(), !direct, "a new run, or frames");
        out.io.chunk = usize::MAX;
        out.write().await.unwrap();
        assert_eq!(out.io.out, wire_of(&sent), "whole and in order");
    }
}

#[tokio::test]
async fn a_run_that_finds_the_socket_full_lets_go_of_the_feed() {
    let (hub, conn, _feeds) = linked_channel();
    let sent = broadcast(&hub, (0..10).map(|i| format!("frame {i}")));
    let mut io = trickle(20);
    io.drains = true;
    let mut out = Outgoing::new(io, None, true);
    assert!(out.take_from(&conn));
    assert_eq!(sent[9].holders(), 2, "the feed, and this broadcast's own");
    poll_write_once(&mut out);
    // Waiting on a client that may never read, it holds its frames, not the feed.
    assert!(out.run.is_none());
    assert_eq!(out.unflushed, sent[..2]);
    assert_eq!(Vec::from(out.frames.clone()), sent[2..]);
    assert_eq!(sent[9].holders(), 3, "one reference of its own");
    out.write().await.unwrap();
    assert_eq!(out.io.out, wire_of(&sent));
}

#[tokio::test]
async fn a_run_whose_flush_waits_lets_go_of_the_feed() {
    // TLS takes every byte into its own buffer and waits in the flush instead.
    let (hub, conn, _feeds) = linked_channel();
    let sent = broadcast(&hub, (0..10).map(|i| format!("frame {i}")));
    let mut io = trickle(usize::MAX);
    io.flush_waits = true;
    let mut out = Outgoing::new(io, None, false);
    assert!(out.take_from(&conn));
    poll_write_once(&mut out);
    assert!(out.run.is_none());
    assert_eq!(out.unflushed, sent, "written whole, not yet flushed");
    out.write().await.unwrap();
    assert!(out.unflushed.is_empty());
    assert_eq!(out.io.out, wire_of(&sent));
}

/// Polls `out.write()` once; it must wait.
fn poll_write_once(out: &mut Outgoing<Trickle>) {
    let write = std::pin::pin!(out.write());
    let mut cx = Context::from_waker(std::task::Waker::noop());
    assert!(write.poll(&mut cx).is_pending(), "the socket is full");
}
