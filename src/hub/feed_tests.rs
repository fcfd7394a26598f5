//! In-process tests of a large channel's feed (`feed`, `connection::link`): each broadcast
//! reaches each subscriber once and in order, whatever else is queued, and nothing reaches a
//! connection that left.

use super::connection::{reason, Socket};
use super::*;
use std::collections::VecDeque;

const CHANNEL: &str = "big";
/// Enough subscribers for the channel's broadcasts to go through its feed.
const MEMBERS: usize = 40;

fn live(hub: &Hub, id: &str, send_buffer: usize) -> (Arc<Connection>, Arc<Socket>) {
    joined(hub, id, send_buffer, false)
}

/// A live connection subscribed to the channel; `pusher`: a Pusher protocol client.
fn joined(hub: &Hub, id: &str, send_buffer: usize, pusher: bool) -> (Arc<Connection>, Arc<Socket>) {
    let socket = Socket::new();
    let conn = Arc::new(Connection::new(
        id.into(),
        "/".into(),
        None,
        "127.0.0.1:1".parse().unwrap(),
        false,
        socket.clone(),
        (send_buffer, 100),
        0,
    ));
    if pusher {
        conn.speak_pusher();
    }
    hub.register(conn.clone());
    assert_eq!(hub.subscribe(id, CHANNEL, |_| {}), Change::Done);
    (conn, socket)
}

fn channel(hub: &Hub) -> Vec<Arc<Connection>> {
    (0..MEMBERS)
        .map(|i| live(hub, &format!("c{i}"), 1 << 20).0)
        .collect()
}

/// What the connection's writer would take now: its link's frames as a run if nothing is
/// queued before them.
fn taken(conn: &Connection) -> Vec<String> {
    let (mut batch, mut run) = (VecDeque::new(), None);
    conn.take_outbox_or_run(&mut batch, &mut run);
    let run = run.iter().flat_map(|run| run.frames_from(run.first()));
    batch.iter().chain(run).map(text).collect()
}

/// What taking the outbox by any other path (a resume, a handoff) would take now: the link
/// settled into it.
fn settled(conn: &Connection) -> Vec<String> {
    let mut batch = VecDeque::new();
    conn.take_outbox(&mut batch);
    batch.iter().map(text).collect()
}

fn text(frame: &Frame) -> String {
    String::from_utf8_lossy(&frame.payload()).into_owned()
}

fn broadcast(hub: &Hub, text: &str) -> usize {
    broadcast_to(hub, CHANNEL, text)
}

fn broadcast_to(hub: &Hub, channel: &str, text: &str) -> usize {
    hub.fan_out(channel, &Frame::text(text))
}

#[test]
fn a_large_channels_broadcasts_reach_each_subscriber_once_and_in_order() {
    let _feeds = RELAYING_IN_TESTS.read();
    let hub = Hub::new();
    let members = channel(&hub);
    for i in 0..100 {
        assert_eq!(broadcast(&hub, &format!("m{i}")), MEMBERS);
    }
    assert!(
        members.iter().all(|c| c.is_linked()),
        "the frames wait in the feed"
    );
    let first: Vec<String> = (0..100).map(|i| format!("m{i}")).collect();
    for (i, conn) in members.iter().enumerate() {
        let got = if i % 2 == 0 {
            taken(conn)
        } else {
            settled(conn)
        };
        assert_eq!(got, first);
        assert!(!conn.is_linked(), "taking the outbox closes the link");
    }
    assert_eq!(broadcast(&hub, "after"), MEMBERS);
    for conn in &members {
        assert_eq!(taken(conn), ["after"]);
        assert!(taken(conn).is_empty());
    }
}

#[test]
fn a_direct_send_between_broadcasts_keeps_its_place() {
    let _feeds = RELAYING_IN_TESTS.read();
    let hub = Hub::new();
    let members = channel(&hub);
    broadcast(&hub, "a");
    assert!(hub.send("c3", Frame::text("direct"), None));
    broadcast(&hub, "b");
    members[3].reply(Frame::text("reply"));
    broadcast(&hub, "c");
    assert_eq!(taken(&members[3]), ["a", "direct", "b", "reply", "c"]);
    assert_eq!(taken(&members[4]), ["a", "b", "c"]);
}

#[test]
fn a_connection_that_left_the_channel_gets_nothing_broadcast_after() {
    let _feeds = RELAYING_IN_TESTS.read();
    let hub = Hub::new();
    let members = channel(&hub);
    broadcast(&hub, "before");
    assert!(members[0].is_linked());
    assert_eq!(hub.unsubscribe("c0", CHANNEL, |_| {}), Change::Done);
    broadcast(&hub, "after");
    assert_eq!(taken(&members[0]), ["before"]);
    assert_eq!(taken(&members[1]), ["before", "after"]);
    // Back in: from the next broadcast on, not what it missed.
    assert_eq!(hub.subscribe("c0", CHANNEL, |_| {}), Change::Done);
    broadcast(&hub, "again");
    assert_eq!(taken(&members[0]), ["again"]);
}

#[test]
fn a_ghost_whose_socket_ends_keeps_what_its_link_held() {
    let _feeds = RELAYING_IN_TESTS.read();
    let hub = Hub::new();
    let _members = channel(&hub);
    let (ghost, socket) = live(&hub, "ghost", 1 << 20);
    ghost
        .ghost
        .store(true, std::sync::atomic::Ordering::Release);
    broadcast(&hub, "one");
    broadcast(&hub, "two");
    assert!(ghost.is_linked());
    socket.close(1001, reason::TIMEOUT);
    assert_eq!(hub.socket_ended(&ghost, &socket), Ended::Dormant);
    assert!(!ghost.is_linked(), "a dormant ghost has no link");
    broadcast(&hub, "three");
    assert!(!ghost.is_linked());
    assert_eq!(ghost.restart_outbox(None), 3);
    assert_eq!(taken(&ghost), ["one", "two", "three"]);
}

#[test]
fn a_client_that_reads_nothing_is_closed_once_its_link_holds_more_than_send_buffer() {
    let _feeds = RELAYING_IN_TESTS.read();
    let hub = Hub::new();
    let _members = channel(&hub);
    let (slow, socket) = live(&hub, "slow", 1000);
    let frame = "x".repeat(98); // 100 bytes on the wire
    let mut reached = 0;
    for _ in 0..30 {
        reached += usize::from(broadcast(&hub, &frame) == MEMBERS + 1);
    }
    assert!(socket.is_closing(), "closed as a slow consumer");
    assert_eq!(socket.cause().reason, reason::SLOW_CONSUMER);
    // Ten fit in 1,000 bytes; the eleventh is refused, as a queued one would be.
    assert_eq!(reached, 10);
    assert_eq!(taken(&slow).len(), 10, "the refused frame is not kept");
    assert!(!slow.send(Frame::text("refused")));
}

#[test]
fn broadcasts_from_two_threads_and_a_writer_taking_meanwhile_reach_each_subscriber_once_in_order() {
    let _feeds = RELAYING_IN_TESTS.read();
    let hub = Arc::new(Hub::new());
    let members = channel(&hub);
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (members, done) = (members.clone(), done.clone());
        std::thread::spawn(move || {
            let mut got: Vec<Vec<String>> = vec![Vec::new(); members.len()];
            loop {
                let last = done.load(std::sync::atomic::Ordering::Acquire);
                for (i, (conn, got)) in members.iter().zip(got.iter_mut()).enumerate() {
                    got.extend(if i % 2 == 0 {
                        taken(conn)
                    } else {
                        settled(conn)
                    });
                }
                if last {
                    return got;
                }
            }
        })
    };
    let publishers: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|name| {
            let hub = hub.clone();
            std::thread::spawn(move || {
                for i in 0..3000 {
                    assert_eq!(broadcast(&hub, &format!("{name}{i}")), MEMBERS);
                    if i % 7 == 0 {
                        hub.send("c5", Frame::text(format!("direct-{name}{i}")), None);
                    }
                }
            })
        })
        .collect();
    for publisher in publishers {
        publisher.join().unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::Release);
    let got = writer.join().unwrap();
    for (i, got) in got.iter().enumerate() {
        for name in ["a", "b"] {
            let mine: Vec<&String> = got.iter().filter(|m| m.starts_with(name)).collect();
            let expected: Vec<String> = (0..3000).map(|i| format!("{name}{i}")).collect();
            assert!(
                mine.iter().copied().eq(expected.iter()),
                "c{i}: {name}'s broadcasts once each, in order"
            );
            if i == 5 {
                // A publisher's direct send comes after its broadcast of the same number.
                let direct = format!("direct-{name}7");
                let at = got.iter().position(|m| *m == direct).expect("direct send");
                assert!(got[..at].contains(&format!("{name}7")));
                assert!(!got[..at].contains(&format!("{name}8")));
            }
        }
        assert_eq!(got.len(), 6000 + if i == 5 { 2 * 429 } else { 0 });
    }
}

#[test]
fn a_subscriber_of_two_large_channels_gets_both_in_the_order_they_were_broadcast() {
    let _feeds = RELAYING_IN_TESTS.read();
    let hub = Hub::new();
    let members = channel(&hub);
    for i in 0..MEMBERS {
        assert_eq!(
            hub.subscribe(&format!("c{i}"), "other", |_| {}),
            Change::Done
        );
    }
    let mut expected = Vec::new();
    for i in 0..20 {
        let (channel, text) = match i % 3 {
            0 => ("other", format!("o{i}")),
            _ => (CHANNEL, format!("b{i}")),
        };
        assert_eq!(broadcast_to(&hub, channel, &text), MEMBERS);
        expected.push(text);
        if i == 9 {
            assert_eq!(taken(&members[0]), expected);
            expected.clear();
        }
    }
    assert_eq!(taken(&members[0]), expected);
    let all: Vec<String> = (0..20)
        .map(|i| match i % 3 {
            0 => format!("o{i}"),
            _ => format!("b{i}"),
        })
        .collect();
    assert_eq!(taken(&members[1]), all);
}

#[test]
fn history_turned_on_while_linked_records_what_the_link_brings_after() {
    let _feeds = RELAYING_IN_TESTS.read();
    let hub = Hub::new();
    let members = channel(&hub);
    broadcast(&hub, "before");
    assert!(members[2].is_linked());
    assert!(hub.enable_history("c2", 10, std::time::Duration::from_secs(60)));
    broadcast(&hub, "after");
    assert_eq!(taken(&members[2]), ["before", "after"]);
    let recorded =
        members[2].read_extra(|e| e.and_then(|e| e.history.as_ref()).map(|h| h.counter()));
    assert_eq!(recorded, Some(1), "\"after\" only");
}

#[test]
fn a_new_socket_does_not_count_what_the_old_ones_link_held_as_its_backlog() {
    let _feeds = RELAYING_IN_TESTS.read();
    let hub = Hub::new();
    let _members = channel(&hub);
    let (conn, _socket) = live(&hub, "taken-over", 1000);
    for _ in 0..9 {
        broadcast(&hub, &"x".repeat(98));
    }
    assert!(conn.is_linked());
    // A takeover: the new socket starts with no backlog; the frames go to its writer first.
    conn.reset_backlog();
    for _ in 0..9 {
        assert_eq!(broadcast(&hub, &"y".repeat(98)), MEMBERS + 1);
    }
    assert_eq!(taken(&conn).len(), 18);
}

#[test]
fn pusher_and_native_subscribers_each_get_their_own_frames_once_and_in_order() {
    let _feeds = RELAYING_IN_TESTS.read();
    let hub = Hub::new();
    let pusher: Vec<Arc<Connection>> = (0..MEMBERS)
        .map(|i| joined(&hub, &format!("p{i}"), 1 << 20, true).0)
        .collect();
    let native = channel(&hub);
    for i in 0..5 {
        assert_eq!(broadcast(&hub, &format!("m{i}")), 2 * MEMBERS);
    }
    assert!(pusher[0].is_linked() && native[0].is_linked());
    // Binary data reaches native clients only.
    assert_eq!(hub.fan_out(CHANNEL, &Frame::data(&[0xff], true)), MEMBERS);
    broadcast(&hub, "m5");
    let got = taken(&pusher[7]);
    assert_eq!(got.len(), 6);
    for (i, event) in got.iter().enumerate() {
        let event: serde_json::Value = serde_json::from_str(event).expect("a Pusher event");
        assert_eq!(event["channel"], CHANNEL);
        assert_eq!(event["data"], format!("m{i}"));
    }
    assert_eq!(taken(&native[7]).len(), 7);
}
