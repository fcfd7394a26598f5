//! `Connection`: what the hub knows of one client, shared between its tasks and PHP calls; and
//! `Socket`: one network attachment of it.
//!
//! A connection normally lives exactly as long as its socket. A *ghost* outlives it: when its
//! socket ends it becomes dormant, keeps its id, state and subscriptions, and buffers what is
//! sent to it (up to `ghost_buffer`) until a client resumes it with a new socket.
//! Every change of `Life` happens under one lock, so a disconnect, a release and a resume that
//! race are ordered, and each close is reported exactly once.
//!
//! A connection that acknowledges (`acks`) also keeps what it sent until the client says it
//! has it, so a resume replays what a dead network swallowed.
//!
//! Frames for the client go through the outbox to the writer task of the live socket, which
//! takes the whole outbox at once. The bytes waiting behind what it writes are counted, and a
//! client that lets more than `send_buffer` pile up is closed (1008, `slow_consumer`). The outbox is a plain
//! `VecDeque`: it costs nothing until used, which matters at tens of thousands of mostly idle
//! connections. Rarely used state (tags, stored information, history) sits behind one lazily
//! allocated box for the same reason.
//!
//! A large channel's broadcasts may instead wait in its feed, behind a *link* that ends the
//! outbox (`link`): `outbox()` copies them in before anything else reads or adds to it.

use super::frame::Frame;
use super::history::History;
use bytes::Bytes;
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Notify;

mod acks;
mod carry;
mod link;
mod relay;
mod outbox;
mod subscriptions;

pub use acks::{Acks, AheadOfSent};
pub use relay::{any_relayed, echoed};
pub(super) use relay::Way;
use relay::RELAYED;

pub use super::socket::{reason, CloseCause, Socket};

pub(super) enum Life {
    Live(Arc<Socket>),
    /// A ghost whose socket ended with `code`; it waits for a resume or a release. `moving`:
    /// another node claimed it (a client came back there) and takes it over next.
    Dormant {
        since: Instant,
        code: u16,
        moving: bool,
    },
    Gone,
}

const LIVE: u8 = 0;
const DORMANT: u8 = 1;
const GONE: u8 = 2;

/// State most connections never use: allocated on first use.
#[derive(Default)]
pub struct Extra {
    pub tags: Vec<Arc<str>>,
    pub info: HashMap<String, Bytes>,
    pub history: Option<History>,
    /// Protected channels this client asked for and the worker has not answered yet.
    pub grant_requests: Vec<String>,
    /// `None`: online.
    pub presence: Option<&'static str>,
    /// The client acknowledges what it receives (`?ack=1`).
    pub acks: Option<Acks>,
    /// The user a Pusher client signed in as (`pusher:signin`).
    pub signed_in: Option<String>,
    /// Which of this node's own operations reach it through Redis (`Origin::Echo`), not
    /// when they run here: those published while it was on its way between nodes.
    pub relay: Option<relay::Relay>,
}

pub struct Connection {
    id: RwLock<Arc<str>>,
    pub route: Arc<str>,
    pub user: Option<String>,
    pub remote_addr: SocketAddr,
    /// The handshake carried the admin token: `{"sender":"server"}` notifications are honoured.
    pub trusted: bool,
    outbox: Mutex<link::Outbox>,
    /// The id of the feed this connection's open link is into; 0 for none (`link`).
    linked: AtomicU64,
    /// The feed's byte count before the open link's first frame: the link's backlog is the
    /// feed's count since. `NEVER_LINKED` until the first link.
    link_bytes_before: AtomicU64,
    /// Wakes the writer (frames queued, ping settings changed); `notify_one` keeps a permit,
    /// so a wake-up is never lost.
    attention: Notify,
    queued_bytes: AtomicUsize,
    send_buffer: usize,
    ghost_buffer: usize,
    /// Mirrors `life` for lock-free reads on the send path.
    mode: AtomicU8,
    pub(super) life: Mutex<Life>,
    pub(super) ghost: AtomicBool,
    pub(super) resume_token: Mutex<Option<Arc<str>>>,
    /// Channels, sorted; each written under its shard's lock so the index never disagrees.
    subscriptions: Mutex<Vec<Arc<str>>>,
    extra: Mutex<Option<Box<Extra>>>,
    history_on: AtomicBool,
    /// `extra.acks` is set: messages are numbered and kept until acknowledged.
    acks_on: AtomicBool,
    /// A Pusher protocol client (`/app/{key}`): what is sent to it goes as Pusher events.
    /// Set once, before the connection is registered.
    pusher: AtomicBool,
    /// `extra.relay` is set (`hub::moves`).
    relayed: AtomicBool,
    /// Milliseconds (server clock) when the client was last heard from.
    last_seen_ms: AtomicU64,
    /// Application ping period in ms: 0 = the server's heartbeat only.
    ping_interval_ms: AtomicU64,
    ping_now: AtomicBool,
    last_rtt_ns: AtomicU64,
}

impl Connection {
    pub fn new(
        id: Arc<str>,
        route: Arc<str>,
        user: Option<String>,
        remote_addr: SocketAddr,
        trusted: bool,
        socket: Arc<Socket>,
        limits: (usize, usize),
        now_ms: u64,
    ) -> Self {
        let (send_buffer, ghost_buffer) = limits;
        Connection {
            id: RwLock::new(id),
            route,
            user,
            remote_addr,
            trusted,
            outbox: Mutex::new(link::Outbox::default()),
            linked: AtomicU64::new(0),
            link_bytes_before: AtomicU64::new(link::NEVER_LINKED),
            attention: Notify::new(),
            queued_bytes: AtomicUsize::new(0),
            send_buffer,
            ghost_buffer,
            mode: AtomicU8::new(LIVE),
            life: Mutex::new(Life::Live(socket)),
            ghost: AtomicBool::new(false),
            resume_token: Mutex::new(None),
            subscriptions: Mutex::new(Vec::new()),
            extra: Mutex::new(None),
            history_on: AtomicBool::new(false),
            acks_on: AtomicBool::new(false),
            pusher: AtomicBool::new(false),
            relayed: AtomicBool::new(false),
            last_seen_ms: AtomicU64::new(now_ms),
            ping_interval_ms: AtomicU64::new(0),
            ping_now: AtomicBool::new(false),
            last_rtt_ns: AtomicU64::new(0),
        }
    }

    /// Marks a Pusher protocol client, before it is registered.
    pub fn speak_pusher(&self) {
        self.pusher.store(true, Ordering::Release);
    }

    pub fn speaks_pusher(&self) -> bool {
        self.pusher.load(Ordering::Relaxed)
    }

    pub fn id(&self) -> Arc<str> {
        self.id.read().clone()
    }

    pub(super) fn set_id(&self, id: Arc<str>) {
        *self.id.write() = id;
    }

    /// Live or dormant: the connection exists for the application.
    pub fn is_open(&self) -> bool {
        self.mode.load(Ordering::Acquire) != GONE
    }

    pub fn is_dormant(&self) -> bool {
        self.mode.load(Ordering::Acquire) == DORMANT
    }

    pub fn is_ghost(&self) -> bool {
        self.ghost.load(Ordering::Acquire)
    }

    pub(super) fn set_life(&self, life: &mut Life, next: Life) {
        let mode = match next {
            Life::Live(_) => LIVE,
            Life::Dormant { .. } => DORMANT,
            Life::Gone => GONE,
        };
        let gone = matches!(next, Life::Gone);
        *life = next;
        self.mode.store(mode, Ordering::Release);
        if mode != LIVE {
            // What the link holds is what the live socket had not taken: a ghost keeps it
            // like the rest of its outbox, and no link opens again until a socket is live.
            self.unlink();
        }
        if gone && self.relayed.swap(false, Ordering::AcqRel) {
            RELAYED.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Sets or clears `Life::Dormant { moving }`; false if the connection is not dormant.
    pub(super) fn set_moving(&self, life: &mut Life, moving: bool) -> bool {
        let Life::Dormant { since, code, .. } = *life else {
            return false;
        };
        self.set_life(life, Life::Dormant { since, code, moving });
        true
    }

    /// The live socket, if any.
    pub fn socket(&self) -> Option<Arc<Socket>> {
        match &*self.life.lock() {
            Life::Live(socket) => Some(socket.clone()),
            _ => None,
        }
    }

    /// Resolves when frames were queued or the ping settings changed.
    pub async fn attention(&self) {
        self.attention.notified().await
    }

    pub fn heard_from(&self, now_ms: u64) {
        self.last_seen_ms.store(now_ms, Ordering::Relaxed);
    }

    pub fn last_seen_ms(&self) -> u64 {
        self.last_seen_ms.load(Ordering::Relaxed)
    }

    /// Runs `f` on the rarely used state, allocating it on first use.
    pub fn with_extra<R>(&self, f: impl FnOnce(&mut Extra) -> R) -> R {
        let mut extra = self.extra.lock();
        f(extra.get_or_insert_with(Default::default))
    }

    /// The user this connection is one of: the one its handshake authenticated, or the one a
    /// Pusher client signed in as (`pusher:signin`).
    pub fn user_id(&self) -> Option<String> {
        self.user
            .clone()
            .or_else(|| self.read_extra(|e| e.and_then(|e| e.signed_in.clone())))
    }

    /// Reads the rarely used state without allocating it.
    pub fn read_extra<R>(&self, f: impl FnOnce(Option<&Extra>) -> R) -> R {
        f(self.extra.lock().as_deref())
    }

    pub fn tags(&self) -> Vec<String> {
        self.read_extra(|e| {
            e.map(|e| e.tags.iter().map(|t| t.to_string()).collect())
                .unwrap_or_default()
        })
    }

    /// The status set by `setPresence` or the client's `presence` action; `online` by default.
    pub fn presence(&self) -> &'static str {
        self.read_extra(|e| e.and_then(|e| e.presence))
            .unwrap_or("online")
    }

    pub fn set_presence(&self, status: &'static str) {
        self.with_extra(|e| e.presence = Some(status));
    }

    /// Records a request for a protected channel; false if one is already pending.
    pub fn request_grant(&self, channel: &str) -> bool {
        self.with_extra(|e| {
            if e.grant_requests.iter().any(|c| c == channel) {
                return false;
            }
            e.grant_requests.push(channel.to_string());
            true
        })
    }

    /// Takes the pending request for `channel`, if any: the worker answered it, or it timed out.
    pub fn take_grant_request(&self, channel: &str) -> bool {
        // Without allocating the rarely used state: every `frankenphp_ws_subscribe()` asks.
        let mut extra = self.extra.lock();
        let Some(requests) = extra.as_deref_mut().map(|e| &mut e.grant_requests) else {
            return false;
        };
        let before = requests.len();
        requests.retain(|c| c != channel);
        before != requests.len()
    }

    /// Channels subscribed plus protected channels asked for: what `max_subscriptions` bounds.
    pub fn subscription_load(&self) -> usize {
        self.subscriptions.lock().len()
            + self.read_extra(|e| e.map_or(0, |e| e.grant_requests.len()))
    }

    pub fn set_history(&self, history: Option<History>) {
        let on = history.is_some();
        // Settled first, unrecorded; no link opens after (`link`): set before the lock goes.
        let _outbox = self.outbox();
        self.with_extra(|e| e.history = history);
        self.history_on.store(on, Ordering::Release);
    }

    fn record(&self, frame: &Frame) {
        if !frame.is_data() {
            return;
        }
        let data = frame.payload();
        self.with_extra(|e| {
            if let Some(history) = e.history.as_mut() {
                history.record(data);
            }
        });
    }

    /// Application pings: `interval_ms` 0 sends one ping now; otherwise one every interval.
    pub fn enable_ping(&self, interval_ms: u64) {
        if interval_ms == 0 {
            self.ping_now.store(true, Ordering::Release);
        } else {
            self.ping_interval_ms.store(interval_ms, Ordering::Release);
        }
        self.attention.notify_one();
    }

    pub fn disable_ping(&self) {
        self.ping_interval_ms.store(0, Ordering::Release);
        self.attention.notify_one();
    }

    pub fn ping_interval_ms(&self) -> u64 {
        self.ping_interval_ms.load(Ordering::Acquire)
    }

    pub fn take_ping_now(&self) -> bool {
        self.ping_now.swap(false, Ordering::AcqRel)
    }

    pub fn set_rtt_ns(&self, ns: u64) {
        self.last_rtt_ns.store(ns.max(1), Ordering::Release);
    }

    pub fn rtt_ns(&self) -> u64 {
        self.last_rtt_ns.load(Ordering::Acquire)
    }
}
