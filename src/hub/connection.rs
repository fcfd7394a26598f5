//! `Connection`: what the hub knows of one client, shared between its tasks and PHP calls.
//!
//! Frames for the client go through an unbounded queue to the connection's writer task; the
//! bytes queued are counted, and a client that lets more than `send_buffer` pile up is closed
//! (1008, `slow_consumer`) instead of growing memory without bound.

use crate::shutdown::Shutdown;
use parking_lot::Mutex;
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::mpsc::UnboundedSender;
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
    outbox: UnboundedSender<Message>,
    queued_bytes: AtomicUsize,
    send_buffer: usize,
    /// False once the client is gone; the state stays readable until the worker saw `close`.
    open: AtomicBool,
    /// Fired when the server wants the connection closed; the writer sends `cause`.
    pub closing: Shutdown,
    cause: OnceLock<CloseCause>,
    /// Channels, guarded by the hub's channel lock for writes so the index never disagrees.
    pub(super) subscriptions: Mutex<BTreeSet<Arc<str>>>,
    /// Milliseconds (server clock) when the client was last heard from.
    last_seen_ms: AtomicU64,
}

impl Connection {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: Arc<str>,
        route: Arc<str>,
        user: Option<String>,
        remote_addr: SocketAddr,
        trusted: bool,
        outbox: UnboundedSender<Message>,
        send_buffer: usize,
        now_ms: u64,
    ) -> Self {
        Connection {
            id,
            route,
            user,
            remote_addr,
            trusted,
            outbox,
            queued_bytes: AtomicUsize::new(0),
            send_buffer,
            open: AtomicBool::new(true),
            closing: Shutdown::new(),
            cause: OnceLock::new(),
            subscriptions: Mutex::new(BTreeSet::new()),
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
        self.outbox.send(message).is_ok()
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
}
