//! `Connection`: what the hub knows of one client, shared between its tasks and PHP calls.
//!
//! Frames for the client go through the connection's outbox to its writer task, which takes
//! the whole outbox at once. The bytes queued are counted, and a client that lets more than
//! `send_buffer` pile up is closed (1008, `slow_consumer`) instead of growing memory without
//! bound. The outbox is a plain `VecDeque`: it costs nothing until used, which matters at tens
//! of thousands of mostly idle connections.

use crate::shutdown::Shutdown;
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::Message;

/// Why a connection ended: the close code and the reason reported to the worker (api.md 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseCause {
    pub code: u16,
    pub reason: &'static str,
    /// Whether the server should send this close frame (false when the client closed first).
    pub send_frame: bool,
}

pub mod reason {
    pub const CLIENT_CLOSED: &str = "client_closed";
    pub const TIMEOUT: &str = "timeout";
    pub const KILLED: &str = "killed";
    pub const SLOW_CONSUMER: &str = "slow_consumer";
    pub const SERVER_SHUTDOWN: &str = "server_shutdown";
    pub const MESSAGE_TOO_BIG: &str = "message_too_big";
    pub const PROTOCOL_ERROR: &str = "protocol_error";
}

pub struct Connection {
    pub id: Arc<str>,
    pub route: Arc<str>,
    pub user: Option<String>,
    pub remote_addr: SocketAddr,
    /// The handshake carried the admin token: `{"sender":"server"}` notifications are honoured.
    pub trusted: bool,
    outbox: Mutex<VecDeque<Message>>,
    /// Wakes the writer; `notify_one` keeps a permit, so a wake-up is never lost.
    outbox_ready: Notify,
    queued_bytes: AtomicUsize,
    send_buffer: usize,
    /// False once the client is gone; the state stays readable until the worker saw `close`.
    open: AtomicBool,
    /// Fired when the server wants the connection closed; the writer sends `cause`.
    pub closing: Shutdown,
    cause: OnceLock<CloseCause>,
    /// Channels, sorted; written under the hub's channel lock so the index never disagrees.
    /// A small vector: most connections have a handful of channels.
    subscriptions: Mutex<Vec<Arc<str>>>,
    /// Milliseconds (server clock) when the client was last heard from.
    last_seen_ms: AtomicU64,
}

impl Connection {
    pub fn new(
        id: Arc<str>,
        route: Arc<str>,
        user: Option<String>,
        remote_addr: SocketAddr,
        trusted: bool,
        send_buffer: usize,
        now_ms: u64,
    ) -> Self {
        Connection {
            id,
            route,
            user,
            remote_addr,
            trusted,
            outbox: Mutex::new(VecDeque::new()),
            outbox_ready: Notify::new(),
            queued_bytes: AtomicUsize::new(0),
            send_buffer,
            open: AtomicBool::new(true),
            closing: Shutdown::new(),
            cause: OnceLock::new(),
            subscriptions: Mutex::new(Vec::new()),
            last_seen_ms: AtomicU64::new(now_ms),
        }
    }

    pub fn is_open(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }

    pub(super) fn mark_gone(&self) -> bool {
        self.open.swap(false, Ordering::AcqRel)
    }

    /// Queues a frame for the client. False if the connection is gone or was just closed for
    /// being a slow consumer.
    pub fn send(&self, message: Message) -> bool {
        if !self.is_open() || self.closing.is_triggered() {
            return false;
        }
        let len = message.len();
        let queued = self.queued_bytes.fetch_add(len, Ordering::Relaxed) + len;
        if queued > self.send_buffer {
            self.close(1008, reason::SLOW_CONSUMER);
            return false;
        }
        self.outbox.lock().push_back(message);
        self.outbox_ready.notify_one();
        true
    }

    /// Moves everything queued into `batch` (empty, keeping its capacity); false if nothing was.
    pub fn take_outbox(&self, batch: &mut VecDeque<Message>) -> bool {
        let mut outbox = self.outbox.lock();
        if outbox.is_empty() {
            return false;
        }
        std::mem::swap(&mut *outbox, batch);
        true
    }

    /// Resolves when frames may have been queued since the last `take_outbox`.
    pub async fn outbox_ready(&self) {
        self.outbox_ready.notified().await
    }

    /// Called by the writer once frames left the queue.
    pub fn sent(&self, bytes: usize) {
        self.queued_bytes.fetch_sub(bytes, Ordering::Relaxed);
    }

    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes.load(Ordering::Relaxed)
    }

    /// Asks the connection's tasks to close it with this code; the first cause wins.
    pub fn close(&self, code: u16, reason: &'static str) -> bool {
        self.end(CloseCause { code, reason, send_frame: true });
        self.closing.trigger()
    }

    /// Records why the connection ended, if nothing was recorded before.
    pub fn end(&self, cause: CloseCause) {
        let _ = self.cause.set(cause);
    }

    pub fn cause(&self) -> CloseCause {
        self.cause.get().copied().unwrap_or(CloseCause {
            code: 1006,
            reason: reason::CLIENT_CLOSED,
            send_frame: false,
        })
    }

    pub fn heard_from(&self, now_ms: u64) {
        self.last_seen_ms.store(now_ms, Ordering::Relaxed);
    }

    pub fn last_seen_ms(&self) -> u64 {
        self.last_seen_ms.load(Ordering::Relaxed)
    }

    pub fn subscriptions(&self) -> Vec<String> {
        self.subscriptions.lock().iter().map(|c| c.to_string()).collect()
    }

    pub(super) fn subscribed_channels(&self) -> Vec<Arc<str>> {
        self.subscriptions.lock().clone()
    }

    pub(super) fn add_subscription(&self, channel: Arc<str>) {
        let mut subs = self.subscriptions.lock();
        if let Err(at) = subs.binary_search(&channel) {
            subs.insert(at, channel);
        }
    }

    pub(super) fn remove_subscription(&self, channel: &str) -> bool {
        let mut subs = self.subscriptions.lock();
        match subs.binary_search_by(|c| (**c).cmp(channel)) {
            Ok(at) => {
                subs.remove(at);
                true
            }
            Err(_) => false,
        }
    }
}
