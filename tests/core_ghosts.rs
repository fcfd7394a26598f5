//! The ghost life cycle, in-process (no PHP), with its racers let loose on each other:
//! activate, the socket's end (a ghost goes dormant), `releaseGhost`, `killConnection`, the
//! TTL release, and a resume with the token, from several threads at once.
//!
//! The stress test drives the hub and the node directly, seeded and bounded: each socket has
//! one owner thread that ends it (as a connection's tasks do in `server::client::live`) and
//! reports a `Closed` end the way those tasks do. The over-the-wire tests do the same through
//! real loopback clients that reconnect with `?resume=TOKEN`.
//!
//! Invariants: each connection's end is reported exactly once (`ghostConnectionClose` for a
//! release only, then `beforeClose`, a `leave` per channel held, `close`, nothing after); a
//! resumed ghost is never also released; a released ghost's token no longer resumes;
//! `live_count` returns to 0.

mod core_common;

use core_common::*;
use frankenphp_ws::events::{Event, EventKind};
use frankenphp_ws::hub::connection::{reason, Connection, Socket};
use frankenphp_ws::hub::{Ended, Ending};
use frankenphp_ws::node::Node;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

fn call(node: &Node, kind: Kind, id: &str) -> Reply {
    node.route(on(kind, id)).unwrap()
}

fn subscribe(node: &Node, id: &str, channel: &str) -> Reply {
    node.route(membership(true, id, channel)).unwrap()
}

/// What `server::client::live` does when a socket's tasks end: the hub decides, and a
/// `Closed` end is reported by this socket's owner.
fn end_socket(node: &Node, conn: &Arc<Connection>, socket: &Arc<Socket>) -> Ended {
    // A close asked by a kill already recorded its cause; the first cause wins.
    socket.dropped();
    let ended = node.hub.socket_ended(conn, socket);
    if let Ended::Closed(cause) = &ended {
        for event in Event::ending(conn, cause.code, cause.reason, false) {
            node.events.push_now(event);
        }
    }
    ended
}

/// The TTL release as `Node::release_expired_ghosts` does it, with a TTL of zero (the node's
/// `ghost_ttl` is in whole seconds, too slow for a stress loop): a `Retired` end is reported
/// here, as `Node::report_ending` does.
fn release_expired_now(node: &Node, conn: &Arc<Connection>) -> Ending {
    let ending = node.hub.release_expired(&conn.id(), Duration::ZERO);
    if let Ending::Retired { code } = ending {
        for event in Event::ending(conn, code, reason::GHOST_RELEASED, true) {
            node.events.push_now(event);
        }
    }
    ending
}

/// What one connection went through in a round, recorded by its racers.
#[derive(Default)]
struct Outcome {
    resumed: AtomicUsize,
    /// The resumed socket's end put the ghost back to sleep.
    dormant_again: AtomicUsize,
}

struct Subject {
    conn: Arc<Connection>,
    first: Arc<Socket>,
    token: String,
    /// Activated before the racers start; otherwise an activator races them.
    ghost_from_start: bool,
    outcome: Outcome,
}

fn open(node: &Node, n: usize) -> Subject {
    let first = Socket::new();
    let id: Arc<str> = Arc::from(frankenphp_ws::hub::random_hex_128());
    let conn = Arc::new(Connection::new(
        id.clone(),
        Arc::from("/ws"),
        Some(format!("user{n}")),
        "127.0.0.1:1".parse().unwrap(),
        false,
        first.clone(),
        (node.config.send_buffer, node.config.ghost_buffer),
        node.now_ms(),
    ));
    node.hub.register(conn.clone());
    let open = EventKind::Open {
        headers: vec![],
        query: vec![],
        remote_addr: "127.0.0.1:1".into(),
        user: None,
        protocol: None,
    };
    node.events.push_now(Event::of(&conn, open, None));
    assert_eq!(subscribe(node, &id, "room"), Reply::Bool(true));
    if n % 2 == 0 {
        assert_eq!(subscribe(node, &id, &format!("own-{n}")), Reply::Bool(true));
    }
    let token = call(node, Kind::GetResumeToken, &id)
        .into_maybe_text()
        .unwrap();
    Subject {
        conn,
        first,
        token,
        ghost_from_start: false,
        outcome: Outcome::default(),
    }
}

/// One seeded round: `subjects` connections, each raced by every kind of operation.
fn stress_round(node: &Arc<Node>, seed: u64, subjects: usize, tally: &mut HashMap<String, usize>) {
    let mut rng = Rng::new(seed);
    let mut list: Vec<Subject> = (0..subjects).map(|n| open(node, n)).collect();
    for subject in &mut list {
        subject.ghost_from_start = rng.chance(70);
        if subject.ghost_from_start {
            assert_eq!(
                call(node, Kind::ActivateGhost, &subject.conn.id()),
                Reply::Bool(true)
            );
        }
    }
    let list = Arc::new(list);
    const RACERS: usize = 7;
    let barrier = Arc::new(Barrier::new(RACERS));
    let mut threads = Vec::new();
    for racer in 0..RACERS {
        let (node, list, barrier) = (node.clone(), list.clone(), barrier.clone());
        let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(racer as u64));
        threads.push(std::thread::spawn(move || {
            // Each racer visits the connections in its own order, with jitter.
            let mut order: Vec<usize> = (0..list.len()).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, rng.below(i as u64 + 1) as usize);
            }
            barrier.wait();
            for &i in &order {
                let s = &list[i];
                let id = s.conn.id();
                spin(&mut rng, 3000);
                match racer {
                    // The first socket's owner: it ends (the client went away, or a kill
                    // asked it to close).
                    0 => {
                        end_socket(&node, &s.conn, &s.first);
                    }
                    // A client coming back with the token, retrying a little, then owning the
                    // socket it resumed with, until that one ends too.
                    1 => {
                        for _ in 0..200 {
                            let socket = Socket::new();
                            if let Some((conn, _old)) = node.hub.resume(&s.token, socket.clone()) {
                                // (No writer task here to wait for: nothing holds frames.)
                                let replayed = conn.restart_outbox(None);
                                assert!(Arc::ptr_eq(&conn, &s.conn));
                                s.outcome.resumed.fetch_add(1, Ordering::SeqCst);
                                let count = Some(bytes(replayed.to_string()));
                                node.events
                                    .push_now(Event::of(&conn, EventKind::Resume, count));
                                spin(&mut rng, 3000);
                                match end_socket(&node, &conn, &socket) {
                                    Ended::Closed(_) => {}
                                    Ended::Dormant => {
                                        s.outcome.dormant_again.fetch_add(1, Ordering::SeqCst);
                                    }
                                    Ended::Stale => panic!("the resumed socket's end was stale"),
                                }
                                break;
                            }
                            if !s.conn.is_open() {
                                break;
                            }
                            spin(&mut rng, 500);
                        }
                    }
                    2 if rng.chance(50) => {
                        if call(&node, Kind::ReleaseGhost, &id) == Reply::Bool(true) {
                            // Its token died with the ghost mark.
                            assert!(
                                node.hub.resume(&s.token, Socket::new()).is_none(),
                                "a released ghost's token resumed it"
                            );
                        }
                    }
                    3 if rng.chance(30) => {
                        call(&node, Kind::KillConnection, &id);
                    }
                    4 => {
                        for _ in 0..20 {
                            if let Ending::Retired { .. } = release_expired_now(&node, &s.conn) {
                                assert!(
                                    node.hub.resume(&s.token, Socket::new()).is_none(),
                                    "a TTL-released ghost's token resumed it"
                                );
                                break;
                            }
                            spin(&mut rng, 800);
                        }
                    }
                    5 if !s.ghost_from_start => {
                        call(&node, Kind::ActivateGhost, &id);
                    }
                    6 => {
                        // Traffic meanwhile: live, dormant (kept) or gone (refused).
                        broadcast(&node, "room", bytes(format!("b{i}")));
                        call(&node, Kind::IsGhost, &id);
                        node.route(Op::Send {
                            id: Id::new(&*id).unwrap(),
                            data: bytes("direct"),
                            route: None,
                        })
                        .unwrap();
                    }
                    _ => {}
                }
            }
        }));
    }
    for thread in threads {
        thread
            .join()
            .unwrap_or_else(|_| panic!("seed {seed}: a racer panicked"));
    }

    // Every socket has ended: what is still open is a dormant ghost. Release or kill it, as
    // the application or the TTL would.
    for s in list.iter() {
        if s.conn.is_open() {
            assert!(
                s.conn.is_dormant(),
                "seed {seed}: no socket is live, yet the connection is not dormant"
            );
            let before = node.events.len();
            assert_eq!(
                call(node, Kind::KillConnection, &s.conn.id()),
                Reply::Bool(true)
            );
            assert!(
                node.events.len() > before,
                "seed {seed}: killing a dormant ghost reported nothing"
            );
        }
        // A killed, released or resumed-and-spent token never resumes.
        assert!(
            node.hub.resume(&s.token, Socket::new()).is_none(),
            "seed {seed}: a dead connection's token resumed it"
        );
    }
    let events: Vec<Event> = std::iter::from_fn(|| node.events.pop(Duration::ZERO)).collect();
    let groups = by_connection(&events);
    for s in list.iter() {
        let id = s.conn.id();
        let mine = groups.get(&id).expect("every connection has events");
        let o = &s.outcome;
        let shown = || {
            format!(
                "seed {seed}, connection {}: {:?}",
                short(&id),
                mine.iter().map(name).collect::<Vec<_>>()
            )
        };
        let problems = check_life(mine);
        // Exactly one end reported (check_life counts beforeClose and close).
        assert!(problems.is_empty(), "{}: {problems:?}", shown());
        assert!(
            o.resumed.load(Ordering::SeqCst) <= 1,
            "the spent token resumed twice: {}",
            shown()
        );
        let ghost_closes = mine
            .iter()
            .filter(|e| matches!(e.kind, EventKind::GhostConnectionClose))
            .count();
        let close = mine
            .iter()
            .find(|e| matches!(e.kind, EventKind::Close { .. }))
            .unwrap();
        let how = match (o.resumed.load(Ordering::SeqCst), ghost_closes) {
            (1, 0) => "resumed, then ",
            (1, _) => "resumed, dormant again, ",
            _ => "",
        };
        *tally
            .entry(format!("{how}{} {}", name(close), text_payload(close)))
            .or_default() += 1;
        // A resumed ghost is never also released, unless its new socket put it back to sleep
        // (a second dormancy) and that one was released.
        if o.resumed.load(Ordering::SeqCst) == 1 && o.dormant_again.load(Ordering::SeqCst) == 0 {
            assert_eq!(
                ghost_closes,
                0,
                "a resumed ghost was also released: {}",
                shown()
            );
        }
        let resume_at = mine
            .iter()
            .position(|e| matches!(e.kind, EventKind::Resume));
        let before_at = mine
            .iter()
            .position(|e| matches!(e.kind, EventKind::BeforeClose { .. }))
            .unwrap();
        assert!(
            resume_at.is_none_or(|r| r < before_at),
            "resumed after its end: {}",
            shown()
        );
        assert!(!s.conn.is_open());
        node.hub.forget(&id);
    }
    assert_eq!(node.hub.live_count(), 0, "seed {seed}");
    assert_eq!(node.hub.clients_count(None), 0, "seed {seed}");
    assert!(
        node.hub.channels().is_empty(),
        "seed {seed}: channels left behind: {:?}",
        node.hub.channels()
    );
    assert_eq!(events.len(), groups.values().map(Vec::len).sum::<usize>());
}

#[test]
fn ghost_life_cycle_races_report_each_end_once_seeded() {
    let started = Instant::now();
    bounded(Duration::from_secs(20), "the ghost stress loop", || {
        let node = node(&[("ghost_buffer", "8")]);
        let mut tally = HashMap::new();
        for seed in 0..300 {
            stress_round(&node, seed, 6, &mut tally);
        }
        eprintln!("how connections ended: {tally:#?}");
        // The node's own counters agree: every connection opened was closed once.
        let stats = node.stats_json();
        assert_eq!(stats["connections"], json!(0));
    });
    eprintln!("300 seeded rounds in {:?}", started.elapsed());
}

/// The sequence a worker sees for a ghost released while dormant, and what is readable then.
#[test]
fn a_dormant_ghost_released_reports_ghost_close_before_close_leaves_close() {
    let node = node(&[]);
    let s = open(&node, 0);
    let id = s.conn.id();
    assert_eq!(call(&node, Kind::ActivateGhost, &id), Reply::Bool(true));
    assert_eq!(end_socket(&node, &s.conn, &s.first), Ended::Dormant);
    assert_eq!(node.hub.live_count(), 0);
    assert_eq!(
        node.hub.clients_count(None),
        1,
        "a dormant ghost is still a client"
    );
    assert_eq!(call(&node, Kind::IsGhost, &id), Reply::Bool(true));
    assert_eq!(call(&node, Kind::ReleaseGhost, &id), Reply::Bool(true));
    assert_eq!(
        call(&node, Kind::ReleaseGhost, &id),
        Reply::Bool(false),
        "released twice"
    );
    assert!(node.hub.resume(&s.token, Socket::new()).is_none());
    let events: Vec<Event> = std::iter::from_fn(|| node.events.pop(Duration::ZERO)).collect();
    assert_eq!(
        events.iter().map(name).collect::<Vec<_>>(),
        [
            "open",
            "join room",
            "join own-0",
            "ghostConnectionClose",
            "beforeClose 1006",
            "leave own-0",
            "leave room",
            "close 1006"
        ]
    );
    assert_eq!(text_payload(&events[3]), "ghost_released");
    // State stays readable until the worker has seen `close`, then goes.
    assert_eq!(node.hub.subscriptions(&id), ["own-0", "room"]);
    node.hub.forget(&id);
    assert!(node.hub.get(&id).is_none());
}

// Over the wire.

/// A client per connection, known by the `n` in its query.
async fn open_client(
    collector: &Collector,
    addr: std::net::SocketAddr,
    tag: &str,
) -> (Client, String) {
    let mut client = connect(addr, &format!("/ws?n={tag}")).await;
    send_text(&mut client, r#"{"action":"subscribe","channel":"room"}"#).await;
    let reply = next_text(&mut client, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(reply.contains("subscribed"), "{reply}");
    let id = collector.wait_open(tag, Duration::from_secs(5));
    (client, id)
}

async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Checks every connection's story once all have ended, then that nothing is left.
async fn check_all_ended(
    node: &Arc<Node>,
    collector: &Collector,
    ids: &HashSet<String>,
) -> Vec<Event> {
    let events = collector.wait_for(
        Duration::from_secs(10),
        "every connection's close",
        |events| {
            let closed: HashSet<&str> = events
                .iter()
                .filter(|e| matches!(e.kind, EventKind::Close { .. }))
                .map(|e| &*e.connection)
                .collect();
            ids.iter().all(|id| closed.contains(id.as_str()))
        },
    );
    for (id, mine) in by_connection(&events) {
        let problems = check_life(&mine);
        assert!(
            problems.is_empty(),
            "connection {}: {problems:?}",
            short(&id)
        );
        node.hub.forget(&id);
    }
    until("live_count is 0", || node.hub.live_count() == 0).await;
    assert_eq!(node.hub.clients_count(None), 0);
    events
}

/// Seeded rounds over real sockets: a ghost's client drops; a broadcast is kept for it; then a
/// client reconnects with `?resume=TOKEN` while the application releases or kills the ghost.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn resume_over_the_wire_races_release_and_kill() {
    let (node, addr) = serving(&[("message_rate", "0")]).await;
    let collector = Collector::start(&node);
    let mut ids = HashSet::new();
    let mut outcomes: HashMap<&str, usize> = HashMap::new();
    for round in 0..40u64 {
        let mut rng = Rng::new(1000 + round);
        let (client, id) = open_client(&collector, addr, &format!("r{round}")).await;
        ids.insert(id.clone());
        assert_eq!(call(&node, Kind::ActivateGhost, &id), Reply::Bool(true));
        let token = call(&node, Kind::GetResumeToken, &id)
            .into_maybe_text()
            .unwrap();
        drop(client);
        until("the ghost is dormant", || {
            node.hub.get(&id).is_some_and(|c| c.is_dormant())
        })
        .await;
        broadcast(&node, "room", bytes(format!("kept-{round}")));

        let op = match rng.below(3) {
            0 => Kind::ReleaseGhost,
            1 => Kind::KillConnection,
            _ => Kind::IsGhost, // no rival: the resume must win
        };
        // Around the time a loopback handshake takes to reach the hub: either side may win.
        let delay = Duration::from_micros(100 + rng.below(1400));
        let rival = {
            let (node, id) = (node.clone(), id.clone());
            let at = Instant::now() + delay;
            tokio::task::spawn_blocking(move || {
                while Instant::now() < at {
                    std::hint::spin_loop();
                }
                call(&node, op, &id)
            })
        };
        let mut back = connect(addr, &format!("/ws?n=back{round}&resume={token}")).await;
        rival.await.unwrap();
        // Either the ghost came back (it replays what it missed) or the token was dead and
        // this is a new connection (with an `open` of its own).
        let tag = format!("back{round}");
        let is_new_open = |e: &Event| matches!(&e.kind, EventKind::Open { query, .. } if query.iter().any(|(k, v)| k == "n" && *v == tag));
        let is_mine =
            |e: &Event, what: fn(&EventKind) -> bool| *e.connection == *id && what(&e.kind);
        let events = collector.wait_for(
            Duration::from_secs(5),
            "a resume, or the ghost's end and a new open",
            |events| {
                events
                    .iter()
                    .any(|e| is_mine(e, |k| matches!(k, EventKind::Resume)))
                    || (events.iter().any(is_new_open)
                        && events
                            .iter()
                            .any(|e| is_mine(e, |k| matches!(k, EventKind::Close { .. }))))
            },
        );
        let resumed = events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Resume) && *e.connection == *id);
        let mine: Vec<&Event> = events.iter().filter(|e| *e.connection == *id).collect();
        let released = mine
            .iter()
            .any(|e| matches!(e.kind, EventKind::GhostConnectionClose));
        let ended = mine
            .iter()
            .any(|e| matches!(e.kind, EventKind::Close { .. }));
        if resumed {
            assert!(!released, "round {round}: resumed and released");
            assert!(
                !events.iter().any(is_new_open),
                "round {round}: resumed and opened anew"
            );
            let first = next_text(&mut back, Duration::from_secs(2)).await;
            assert_eq!(
                first.as_deref(),
                Some(format!("kept-{round}").as_str()),
                "round {round}: the kept frame is replayed first"
            );
            *outcomes.entry("resumed").or_default() += 1;
        } else {
            assert!(
                ended,
                "round {round}: the token was refused, yet the ghost lives"
            );
            assert!(
                op != Kind::IsGhost,
                "round {round}: nothing raced the resume, yet it failed"
            );
            let first = next_text(&mut back, Duration::from_millis(20)).await;
            assert_eq!(
                first, None,
                "round {round}: a fresh connection got {first:?}"
            );
            ids.insert(
                events
                    .iter()
                    .find(|e| is_new_open(e))
                    .unwrap()
                    .connection
                    .to_string(),
            );
            *outcomes
                .entry(if released { "released" } else { "killed" })
                .or_default() += 1;
        }
        drop(back);
        // A ghost resumed and still marked goes dormant again: end it for good.
        until("the socket ended", || {
            node.hub
                .get(&id)
                .is_none_or(|c| c.is_dormant() || !c.is_open())
        })
        .await;
        call(&node, Kind::KillConnection, &id);
    }
    check_all_ended(&node, &collector, &ids).await;
    eprintln!("outcomes over 40 rounds: {outcomes:?}");
}

/// With `ghost_ttl` 1 s: the node's TTL sweep races clients resuming just as their ghosts
/// expire; each ghost is either resumed or released, never both, never neither.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_ttl_sweep_races_resumes_at_expiry() {
    const GHOSTS: usize = 12;
    let (node, addr) = serving(&[("message_rate", "0"), ("ghost_ttl", "1")]).await;
    let collector = Collector::start(&node);
    let mut ghosts = Vec::new();
    for n in 0..GHOSTS {
        let (client, id) = open_client(&collector, addr, &format!("t{n}")).await;
        assert_eq!(call(&node, Kind::ActivateGhost, &id), Reply::Bool(true));
        let token = call(&node, Kind::GetResumeToken, &id)
            .into_maybe_text()
            .unwrap();
        ghosts.push((client, id, token));
    }
    // They go dormant 5 ms apart, so they expire 5 ms apart, each raced by its client coming
    // back around its expiry while the node's sweep runs every 300 µs.
    let mut ids = HashSet::new();
    let mut tokens = Vec::new();
    let t0 = tokio::time::Instant::now();
    for (n, (client, id, token)) in ghosts.into_iter().enumerate() {
        tokio::time::sleep_until(t0 + Duration::from_millis(5 * n as u64)).await;
        drop(client);
        ids.insert(id.clone());
        tokens.push((id, token));
    }
    until("all dormant", || {
        tokens
            .iter()
            .all(|(id, _)| node.hub.get(id).is_some_and(|c| c.is_dormant()))
    })
    .await;
    node.release_expired_ghosts();
    assert_eq!(
        node.hub.clients_count(None),
        GHOSTS,
        "released before the TTL"
    );
    let expiry = t0 + Duration::from_secs(1);
    tokio::time::sleep_until(expiry - Duration::from_millis(5)).await;
    let sweeper = {
        let node = node.clone();
        tokio::task::spawn_blocking(move || {
            let until = Instant::now() + Duration::from_millis(5 * GHOSTS as u64 + 30);
            while Instant::now() < until {
                node.release_expired_ghosts();
                std::thread::sleep(Duration::from_micros(300));
            }
        })
    };
    let mut rng = Rng::new(99);
    let mut comebacks = Vec::new();
    for (n, (id, token)) in tokens.iter().enumerate() {
        // From 2 ms before this ghost's expiry to 1 ms after.
        let at = expiry + Duration::from_millis(5 * n as u64) - Duration::from_micros(2000)
            + Duration::from_micros(rng.below(3000));
        let (token, id) = (token.clone(), id.clone());
        comebacks.push(tokio::spawn(async move {
            tokio::time::sleep_until(at).await;
            (
                id,
                connect(addr, &format!("/ws?n=tb{n}&resume={token}")).await,
            )
        }));
    }
    let mut backs = Vec::new();
    for comeback in comebacks {
        backs.push(
            tokio::time::timeout(Duration::from_secs(5), comeback)
                .await
                .unwrap()
                .unwrap(),
        );
    }
    sweeper.await.unwrap();
    // Each ghost was resumed or released (then its client got a fresh connection).
    let events = collector.wait_for(Duration::from_secs(5), "every ghost resumed or released", |events| {
        backs.iter().enumerate().all(|(n, (id, _))| {
            let tag = format!("tb{n}");
            events.iter().any(|e| matches!(e.kind, EventKind::Resume) && *e.connection == **id)
                || (events.iter().any(|e| matches!(e.kind, EventKind::Close { .. }) && *e.connection == **id)
                    && events.iter().any(|e| matches!(&e.kind, EventKind::Open { query, .. } if query.iter().any(|(k, v)| k == "n" && *v == tag))))
        })
    });
    broadcast(&node, "room", bytes("after"));
    let (mut resumed, mut released) = (0, 0);
    for (id, back) in &mut backs {
        let mine: Vec<&Event> = events.iter().filter(|e| *e.connection == **id).collect();
        let was_resumed = mine.iter().any(|e| matches!(e.kind, EventKind::Resume));
        let was_released = mine
            .iter()
            .any(|e| matches!(e.kind, EventKind::GhostConnectionClose));
        assert!(
            was_resumed != was_released,
            "connection {}: resumed {was_resumed}, released {was_released}",
            short(id)
        );
        if was_resumed {
            resumed += 1;
            let probe = next_text(back, Duration::from_secs(2)).await;
            assert_eq!(
                probe.as_deref(),
                Some("after"),
                "a resumed ghost keeps its channel"
            );
        } else {
            released += 1;
            let probe = next_text(back, Duration::from_millis(20)).await;
            assert_eq!(
                probe.as_deref(),
                None,
                "a fresh connection is in no channel"
            );
        }
    }
    eprintln!("TTL race: {resumed} resumed, {released} released");
    // New connections made by a dead token join the list; end everything.
    for event in collector.snapshot() {
        if matches!(event.kind, EventKind::Open { .. }) {
            ids.insert(event.connection.to_string());
        }
    }
    drop(backs);
    for id in &ids {
        until("sockets ended", || {
            node.hub
                .get(id)
                .is_none_or(|c| c.is_dormant() || !c.is_open())
        })
        .await;
        call(&node, Kind::KillConnection, id);
    }
    check_all_ended(&node, &collector, &ids).await;
}

/// Two clients present one token at once, to a ghost whose socket still looks alive or is
/// dormant: one takes it over, the other gets nothing (a new connection, over the wire).
#[test]
fn one_token_resumes_once_however_many_race_with_it() {
    let node = node(&[]);
    for round in 0..200 {
        let s = open(&node, round);
        assert_eq!(
            call(&node, Kind::ActivateGhost, &s.conn.id()),
            Reply::Bool(true)
        );
        if round % 2 == 1 {
            assert_eq!(end_socket(&node, &s.conn, &s.first), Ended::Dormant);
        }
        let barrier = Arc::new(Barrier::new(2));
        let winners: Vec<bool> = (0..2)
            .map(|_| {
                let (node, token, barrier) = (node.clone(), s.token.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    node.hub.resume(&token, Socket::new()).is_some()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        assert_eq!(
            winners.iter().filter(|w| **w).count(),
            1,
            "round {round}: {winners:?}"
        );
        if round % 2 == 0 {
            // The old socket was taken over: it was asked to close, as taken over.
            assert_eq!(
                s.first.recorded_cause().map(|c| c.reason),
                Some(reason::TAKEN_OVER)
            );
        }
        assert_eq!(
            call(&node, Kind::KillConnection, &s.conn.id()),
            Reply::Bool(true)
        );
    }
}
