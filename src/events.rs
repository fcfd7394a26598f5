//! Events from the server to the PHP worker loop and the queue that carries them.
//!
//! Events are plain Rust: they are turned into PHP arrays on the PHP thread only. The queue is
//! one FIFO, so the events of a connection keep their order whoever raised them. Connection
//! tasks wait while `event_queue_size` events are pending, which pauses reading from their
//! clients: backpressure, never a dropped event. Events raised by a PHP call itself (a
//! `join` after `frankenphp_ws_subscribe`, a ghost's release) never wait, since the PHP thread
//! is the consumer: they may take the queue past its size for a moment.

use crate::closing::Closing;
use crate::hub::connection::Connection;
use bytes::Bytes;
use crossbeam_channel::{Receiver, Sender};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    Open {
        headers: Vec<(String, String)>,
        query: Vec<(String, String)>,
        remote_addr: String,
        user: Option<String>,
        /// The subprotocol chosen at the handshake.
        protocol: Option<String>,
    },
    Message {
        binary: bool,
    },
    BeforeClose {
        code: u16,
    },
    Close {
        code: u16,
    },
    Join {
        channel: String,
        user: Option<String>,
    },
    Leave {
        channel: String,
        user: Option<String>,
    },
    /// A client asks for a protected channel; the worker grants or denies it.
    Subscribe {
        channel: String,
        user: Option<String>,
    },
    /// A dormant ghost was released; `beforeClose` and `close` follow.
    GhostConnectionClose,
    /// A client took a dormant ghost back; the payload is the number of replayed messages.
    Resume,
}

impl EventKind {
    /// Whether the worker reads the ended connection's state while handling this event (the
    /// state goes after it, and after `close`: `closing`).
    pub fn reads_closed_state(&self) -> bool {
        matches!(
            self,
            EventKind::GhostConnectionClose | EventKind::BeforeClose { .. }
        )
    }

    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Open { .. } => "open",
            EventKind::Message { .. } => "message",
            EventKind::BeforeClose { .. } => "beforeClose",
            EventKind::Close { .. } => "close",
            EventKind::Join { .. } => "join",
            EventKind::Leave { .. } => "leave",
            EventKind::Subscribe { .. } => "subscribe",
            EventKind::GhostConnectionClose => "ghostConnectionClose",
            EventKind::Resume => "resume",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventKind,
    pub connection: Arc<str>,
    pub route: Arc<str>,
    pub payload: Option<Bytes>,
}

impl Event {
    pub fn of(conn: &Connection, kind: EventKind, payload: Option<Bytes>) -> Event {
        Event {
            kind,
            connection: conn.id(),
            route: conn.route.clone(),
            payload,
        }
    }

    /// A channel gained or lost `conn`, whoever caused it (the client or a PHP call).
    pub fn membership(conn: &Connection, channel: String, joined: bool) -> Event {
        let user = conn.user_id();
        let kind = if joined {
            EventKind::Join { channel, user }
        } else {
            EventKind::Leave { channel, user }
        };
        Event::of(conn, kind, None)
    }

    /// How the worker learns that a connection ended, whatever ended it, in this order:
    /// `ghostConnectionClose` (a released ghost only), `beforeClose` (its state is still
    /// readable), a `leave` for each channel it held (so presence kept from join and leave
    /// stays right), then `close`.
    pub fn ending(
        conn: &Connection,
        code: u16,
        reason: &'static str,
        released: bool,
    ) -> Vec<Event> {
        let reason = Some(Bytes::from_static(reason.as_bytes()));
        let mut events = Vec::new();
        if released {
            events.push(Event::of(
                conn,
                EventKind::GhostConnectionClose,
                reason.clone(),
            ));
        }
        events.push(Event::of(
            conn,
            EventKind::BeforeClose { code },
            reason.clone(),
        ));
        events.extend(
            conn.subscriptions()
                .into_iter()
                .map(|channel| Event::membership(conn, channel, false)),
        );
        events.push(Event::of(conn, EventKind::Close { code }, reason));
        events
    }
}

pub struct EventQueue {
    /// When a closed connection's state may go (its `close` taken, and the events that read it
    /// handled).
    pub closing: Closing,
    tx: Sender<Event>,
    rx: Receiver<Event>,
    capacity: usize,
    /// Producers parked because the queue was full; the consumer wakes them after taking one.
    parked: AtomicUsize,
    room: Notify,
}

impl EventQueue {
    pub fn new(capacity: usize) -> Self {
        let (tx, rx) = crossbeam_channel::unbounded();
        EventQueue {
            closing: Closing::default(),
            tx,
            rx,
            capacity,
            parked: AtomicUsize::new(0),
            room: Notify::new(),
        }
    }

    /// Queues an event if there is room; gives it back otherwise.
    pub fn try_push(&self, event: Event) -> Result<(), Event> {
        if self.rx.len() >= self.capacity {
            return Err(event);
        }
        self.send(event);
        Ok(())
    }

    /// Queues an event, waiting for room when the queue is full.
    pub async fn push(&self, mut event: Event) {
        loop {
            match self.try_push(event) {
                Ok(()) => return,
                Err(back) => event = back,
            }
            let notified = self.room.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            self.parked.fetch_add(1, Ordering::SeqCst);
            // Re-check after registering, so a pop that happened in between is not missed.
            let retry = self.try_push(event);
            match retry {
                Ok(()) => {
                    self.parked.fetch_sub(1, Ordering::SeqCst);
                    return;
                }
                Err(back) => event = back,
            }
            notified.await;
            self.parked.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Queues an event from the PHP thread, which must never wait.
    pub fn push_now(&self, event: Event) {
        self.send(event);
    }

    fn send(&self, event: Event) {
        // Known before any thread can take it.
        if event.kind.reads_closed_state() {
            self.closing.reader_queued(&event.connection);
        }
        let _ = self.tx.send(event);
    }

    /// Takes the next event, waiting at most `timeout` (zero: do not wait).
    pub fn pop(&self, timeout: Duration) -> Option<Event> {
        let event = if timeout.is_zero() {
            self.rx.try_recv().ok()
        } else {
            self.rx.recv_timeout(timeout).ok()
        };
        if event.is_some() && self.parked.load(Ordering::SeqCst) > 0 {
            self.room.notify_waiters();
        }
        event
    }

    pub fn len(&self) -> usize {
        self.rx.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rx.is_empty()
    }
}
