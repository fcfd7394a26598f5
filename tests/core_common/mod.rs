//! Shared setup for the `core_*` tests: the core (hub, node, listener) run in-process on the
//! test's own tokio runtime, no PHP. A collector thread plays the worker loop: it pops the
//! node's event queue, in order, into a shared log the test can wait on.
#![allow(dead_code)]

use bytes::Bytes;
use frankenphp_ws::broker::memory::MemoryBroker;
use frankenphp_ws::config::Config;
use frankenphp_ws::events::{Event, EventKind};
use frankenphp_ws::hub::Hub;
use frankenphp_ws::node::Node;
#[allow(unused_imports)]
pub use frankenphp_ws::ops::{Channel, Id, Kind, Op, Reply};
use frankenphp_ws::server;
use futures_util::{SinkExt, StreamExt};
use parking_lot::{Condvar, Mutex};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A small deterministic PRNG (SplitMix64): fixed seeds give the same schedule every run.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Busy-waits a few hundred nanoseconds at most: jitter that shifts which racer wins.
pub fn spin(rng: &mut Rng, max: u64) {
    for _ in 0..rng.below(max + 1) {
        std::hint::spin_loop();
    }
}

/// A node with the memory broker; `pairs` override the defaults. No listener.
pub fn node(pairs: &[(&str, &str)]) -> Arc<Node> {
    let config =
        Config::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()))).unwrap();
    let hub = Arc::new(Hub::new());
    Arc::new(Node::new(config, hub.clone(), Box::new(MemoryBroker)).unwrap())
}

/// A node serving WebSocket clients on a loopback port, on the current runtime.
pub async fn serving(pairs: &[(&str, &str)]) -> (Arc<Node>, SocketAddr) {
    let node = node(pairs);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::accept_loop(
        listener,
        node.clone(),
        server::upgrade::serve,
    ));
    (node, addr)
}

pub async fn connect(addr: SocketAddr, path_and_query: &str) -> Client {
    let url = format!("ws://{addr}{path_and_query}");
    let (client, _) = tokio::time::timeout(
        Duration::from_secs(5),
        tokio_tungstenite::connect_async(url),
    )
    .await
    .expect("the handshake finished in time")
    .expect("the handshake succeeded");
    client
}

/// The next text frame (pings and pongs skipped), or None when the stream ends or `limit` passes.
pub async fn next_text(client: &mut Client, limit: Duration) -> Option<String> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let next = tokio::time::timeout_at(deadline, client.next())
            .await
            .ok()??;
        match next.ok()? {
            Message::Text(t) => return Some(t.to_string()),
            Message::Binary(b) => return Some(String::from_utf8_lossy(&b).into_owned()),
            Message::Close(_) => return None,
            _ => continue,
        }
    }
}

/// Reads until the server ends the stream (answering its close frame on the way), bounded.
pub async fn finish(client: &mut Client) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while let Ok(Some(Ok(_))) = tokio::time::timeout_at(deadline, client.next()).await {}
}

pub async fn send_text(client: &mut Client, text: &str) {
    client
        .send(Message::text(text.to_string()))
        .await
        .expect("the client could send");
}

/// What the worker loop would see, in order, gathered by a background thread.
pub struct Collector {
    log: Arc<(Mutex<Vec<Event>>, Condvar)>,
    /// Connection ids by the `n` in their handshake's query, from their `open`.
    opened: Arc<(Mutex<HashMap<String, Arc<str>>>, Condvar)>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Collector {
    pub fn start(node: &Arc<Node>) -> Collector {
        let log: Arc<(Mutex<Vec<Event>>, Condvar)> = Arc::default();
        let opened: Arc<(Mutex<HashMap<String, Arc<str>>>, Condvar)> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (node, log, opened, stop) =
                (node.clone(), log.clone(), opened.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Acquire) {
                    if let Some(event) = node.events.pop(Duration::from_millis(20)) {
                        if let EventKind::Open { query, .. } = &event.kind {
                            if let Some((_, n)) = query.iter().find(|(k, _)| k == "n") {
                                opened.0.lock().insert(n.clone(), event.connection.clone());
                                opened.1.notify_all();
                            }
                        }
                        let (events, changed) = &*log;
                        events.lock().push(event);
                        changed.notify_all();
                    }
                }
            })
        };
        Collector {
            log,
            opened,
            stop,
            thread: Some(thread),
        }
    }

    /// The id of the connection whose handshake query had `n=tag`, once its `open` is seen.
    pub fn wait_open(&self, tag: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        let (opened, changed) = &*self.opened;
        let mut opened = opened.lock();
        loop {
            if let Some(id) = opened.get(tag) {
                return id.to_string();
            }
            if changed.wait_until(&mut opened, deadline).timed_out() {
                panic!("no open for n={tag} within {limit:?}");
            }
        }
    }

    /// Whether a connection with `n=tag` has opened (without waiting).
    pub fn opened(&self, tag: &str) -> Option<String> {
        self.opened.0.lock().get(tag).map(|id| id.to_string())
    }

    pub fn snapshot(&self) -> Vec<Event> {
        self.log.0.lock().clone()
    }

    /// Waits until `done` holds for the events so far; panics with them after `limit`.
    pub fn wait_for(
        &self,
        limit: Duration,
        what: &str,
        done: impl Fn(&[Event]) -> bool,
    ) -> Vec<Event> {
        let deadline = Instant::now() + limit;
        let (events, changed) = &*self.log;
        let mut events = events.lock();
        while !done(&events) {
            if changed.wait_until(&mut events, deadline).timed_out() && !done(&events) {
                panic!(
                    "timed out waiting for {what}; events so far: {:?}",
                    names(&events)
                );
            }
        }
        events.clone()
    }

    /// Waits until `n` connections have reported `close`.
    pub fn wait_closes(&self, n: usize, limit: Duration) -> Vec<Event> {
        self.wait_for(limit, &format!("{n} close events"), |events| {
            events
                .iter()
                .filter(|e| matches!(e.kind, EventKind::Close { .. }))
                .count()
                >= n
        })
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub fn name(event: &Event) -> String {
    match &event.kind {
        EventKind::Join { channel, .. } => format!("join {channel}"),
        EventKind::Leave { channel, .. } => format!("leave {channel}"),
        EventKind::BeforeClose { code } => format!("beforeClose {code}"),
        EventKind::Close { code } => format!("close {code}"),
        other => other.name().to_string(),
    }
}

pub fn names(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| format!("{}:{}", short(&e.connection), name(e)))
        .collect()
}

pub fn short(id: &str) -> &str {
    &id[..id.len().min(6)]
}

/// Events grouped by connection, each group in queue order.
pub fn by_connection(events: &[Event]) -> HashMap<Arc<str>, Vec<Event>> {
    let mut groups: HashMap<Arc<str>, Vec<Event>> = HashMap::new();
    for event in events {
        groups
            .entry(event.connection.clone())
            .or_default()
            .push(event.clone());
    }
    groups
}

/// Checks one connection's events against the rules the worker relies on, and returns the
/// problems found (empty: fine):
/// - the end is reported exactly once: at most one `ghostConnectionClose` (right before
///   `beforeClose`), exactly one `beforeClose`, then a `leave` for each channel held, then
///   `close`, which is the connection's last event;
/// - `join` and `leave` alternate per channel, starting with `join`, and balance at `close`.
pub fn check_life(events: &[Event]) -> Vec<String> {
    let mut problems = Vec::new();
    let shown = || events.iter().map(name).collect::<Vec<_>>();
    let count = |f: fn(&EventKind) -> bool| events.iter().filter(|e| f(&e.kind)).count();
    let closes = count(|k| matches!(k, EventKind::Close { .. }));
    let befores = count(|k| matches!(k, EventKind::BeforeClose { .. }));
    let ghosts = count(|k| matches!(k, EventKind::GhostConnectionClose));
    if closes != 1 || befores != 1 || ghosts > 1 {
        problems.push(format!("end reported {befores} beforeClose / {closes} close / {ghosts} ghostConnectionClose: {:?}", shown()));
        return problems;
    }
    if !matches!(
        events.last().map(|e| &e.kind),
        Some(EventKind::Close { .. })
    ) {
        problems.push(format!("events after close: {:?}", shown()));
    }
    let before_at = events
        .iter()
        .position(|e| matches!(e.kind, EventKind::BeforeClose { .. }))
        .unwrap();
    if ghosts == 1
        && (before_at == 0
            || !matches!(events[before_at - 1].kind, EventKind::GhostConnectionClose))
    {
        problems.push(format!(
            "ghostConnectionClose is not right before beforeClose: {:?}",
            shown()
        ));
    }
    let between = &events[before_at + 1..events.len() - 1];
    if !between
        .iter()
        .all(|e| matches!(e.kind, EventKind::Leave { .. }))
    {
        problems.push(format!(
            "something other than leave between beforeClose and close: {:?}",
            shown()
        ));
    }
    let mut held: HashMap<String, bool> = HashMap::new();
    let around = |i: usize| {
        let from = i.saturating_sub(5);
        format!(
            "event {i} of {}, from event {from}: {:?}",
            events.len(),
            events[from..(i + 3).min(events.len())]
                .iter()
                .map(name)
                .collect::<Vec<_>>()
        )
    };
    for (i, event) in events.iter().enumerate() {
        match &event.kind {
            EventKind::Join { channel, .. } => {
                if held.insert(channel.clone(), true) == Some(true) {
                    problems.push(format!(
                        "join {channel} twice without a leave at {}",
                        around(i)
                    ));
                }
            }
            EventKind::Leave { channel, .. } => {
                if held.insert(channel.clone(), false) != Some(true) {
                    problems.push(format!("leave {channel} without a join at {}", around(i)));
                }
            }
            _ => {}
        }
    }
    if let Some((channel, _)) = held.iter().find(|(_, joined)| **joined) {
        problems.push(format!("{channel} still joined at close: {:?}", shown()));
    }
    problems
}

pub fn text_payload(event: &Event) -> String {
    event
        .payload
        .as_ref()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .unwrap_or_default()
}

pub fn bytes(s: impl Into<String>) -> Bytes {
    Bytes::from(s.into())
}

/// Runs `f` on a plain thread and waits for it at most `limit` (a deadlock fails the test
/// instead of hanging it).
pub fn bounded<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("{what} did not finish within {limit:?} (deadlock?)"))
}

/// An operation that takes only a connection id.
pub fn on(kind: Kind, id: &str) -> Op {
    let id = Id::new(id).unwrap();
    match kind {
        Kind::ActivateGhost => Op::ActivateGhost { id },
        Kind::ReleaseGhost => Op::ReleaseGhost { id },
        Kind::IsGhost => Op::IsGhost { id },
        Kind::KillConnection => Op::KillConnection { id },
        Kind::GetResumeToken => Op::GetResumeToken { id },
        other => panic!("{other:?} takes more than an id"),
    }
}

/// `frankenphp_ws_subscribe` / `unsubscribe`.
pub fn membership(subscribe: bool, id: &str, channel: &str) -> Op {
    let (id, channel) = (Id::new(id).unwrap(), Channel::new(channel).unwrap());
    if subscribe {
        Op::Subscribe { id, channel }
    } else {
        Op::Unsubscribe { id, channel }
    }
}

/// `broadcast()`.
pub fn broadcast(node: &Node, channel: &str, data: Bytes) {
    node.route(Op::Broadcast {
        channel: Channel::new(channel).unwrap(),
        data,
        binary: false,
    })
    .unwrap();
}
