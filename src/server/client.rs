//! One client socket's life: the connection is made or resumed here, then two tasks serve it.
//! The reader (`reader`) turns frames into events, and the writer (`writer`) drains the
//! connection's outbox into the socket. Every idle connection holds both tasks, so their
//! futures are kept small (a few hundred bytes each; `ws-bench memory` measures it): their
//! bodies are `async` blocks returned by plain functions, because an `async fn` keeps a
//! second copy of each argument in its state, and `survive_panic` is a combinator. When
//! either side ends, both end; then the worker gets the end report (`Event::ending`), unless
//! the connection is a ghost, which goes dormant until a client resumes it (`?resume=TOKEN`).

use super::outgoing::Outgoing;
use super::reader::Reader;
use crate::events::{Event, EventKind};
use crate::broker::{longest_move, move_slot, TakeOver};
use crate::hub::connection::{reason, Connection, Socket};
use crate::hub::frame::Deflate;
use crate::hub::stats::Stats;
use crate::hub::Ended;
use crate::hub::Frame;
use crate::log::LogLimiter;
use crate::node::Node;
use crate::protocol::{self};
use crate::server::admission::Slot;
use crate::server::arrivals::Arrival;
use bytes::Bytes;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;

/// How long a closing connection waits for the peer's close frame, or for a stuck write.
pub(crate) const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// What the handshake learned about the client.
pub struct Handshake {
    pub route: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub remote: SocketAddr,
    pub user: Option<String>,
    pub trusted: bool,
    /// `?resume=TOKEN`: the client asks to take a dormant ghost back.
    pub resume: Option<String>,
    /// `?ack=1`: the client acknowledges the messages it receives.
    pub ack: bool,
    /// `?last=N`: resuming, the client has every message up to N.
    pub last: Option<u64>,
    /// The admission place, held as long as the socket lives (none when nothing is limited).
    pub slot: Option<Slot>,
    /// Counts the handshake as under way until the connection is in the hub.
    pub arrival: Arrival,
    /// The subprotocol chosen (`subprotocols`), if any.
    pub protocol: Option<String>,
    /// permessage-deflate, if negotiated.
    pub deflate: Option<Deflate>,
    /// A Pusher protocol client (`/app/{key}`).
    pub pusher: bool,
}

/// Small buffers: most clients are idle most of the time, and memory per connection counts.
fn socket_config(node: &Node) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(256)
        // tungstenite only reads here; the few control frames it writes (pongs, the answer
        // to a close) go to the writer one frame at a time (`split`).
        .write_buffer_size(0)
        .max_message_size(Some(node.config.max_message_size))
        .max_frame_size(Some(node.config.max_message_size))
}

/// 128 random bits as 32 hex digits: connection ids cannot be guessed.
pub fn new_connection_id() -> Arc<str> {
    Arc::from(crate::hub::random_hex_128())
}

/// Queues an event for the worker. When the queue is full (backpressure), returns the wait
/// for room, which the caller awaits: boxed, so idle connections' tasks stay small.
pub(crate) fn emit(
    node: &Arc<Node>,
    conn: &Connection,
    kind: EventKind,
    payload: Option<Bytes>,
) -> Option<BoxFuture> {
    emit_event(node, Event::of(conn, kind, payload))
}

fn emit_event(node: &Arc<Node>, event: Event) -> Option<BoxFuture> {
    Stats::add(&node.hub.stats.events_queued, 1);
    let event = node.events.try_push(event).err()?;
    let node = node.clone();
    Some(Box::pin(async move { node.events.push(event).await }))
}

pub(crate) type BoxFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// Emits and, under backpressure, waits: `emit!(node, conn, kind, payload)`.
macro_rules! emit {
    ($node:expr, $conn:expr, $kind:expr, $payload:expr) => {
        if let Some(wait) = emit($node, $conn, $kind, $payload) {
            wait.await;
        }
    };
    ($node:expr, $event:expr) => {
        if let Some(wait) = emit_event($node, $event) {
            wait.await;
        }
    };
}

pub async fn run<S>(io: S, handshake: Handshake, node: Arc<Node>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let socket = Socket::new();
    let inflate_limit = handshake.deflate.map(|_| node.config.max_message_size);
    let (read, write) = super::split::split(io, &socket, inflate_limit);
    let stream =
        WebSocketStream::from_raw_socket(read, Role::Server, Some(socket_config(&node))).await;
    // A Pusher client has no resume in its protocol; a native ghost is not taken over by one.
    let token = handshake.resume.as_deref().filter(|_| !handshake.pusher);
    let mut resumed = token.and_then(|token| node.hub.resume(token, socket.clone()));
    if let (None, Some(token), true) = (&resumed, token, node.config.redis()) {
        resumed = take_over(&node, token, &socket).await;
    }
    let resumed_ghost = resumed.is_some();
    let conn = match resumed {
        Some((conn, old)) => {
            if let Some(old) = old {
                // The old writer puts back what it took and did not write; it lets go at once
                // unless its task is stuck, which the bound covers.
                if tokio::time::timeout(CLOSE_GRACE, old.released.wait())
                    .await
                    .is_err()
                {
                    // Marked released, so a writer that lets go later drops what it holds
                    // rather than putting it ahead of the replay.
                    old.released.trigger();
                    tracing::warn!(connection = %conn.id(), "the old socket's writer did not let go in time; frames it held are lost");
                }
                tracing::info!(connection = %conn.id(), "resumed while its old socket still looked alive: taken over");
            }
            let replayed = conn.restart_outbox(handshake.last);
            let count = Some(Bytes::from(replayed.to_string()));
            emit!(&node, &conn, EventKind::Resume, count);
            conn
        }
        None => {
            let id = match handshake.pusher {
                true => Arc::from(crate::pusher::socket_id()),
                false => new_connection_id(),
            };
            let conn = Arc::new(Connection::new(
                id,
                Arc::from(handshake.route.as_str()),
                handshake.user.clone(),
                handshake.remote,
                handshake.trusted,
                socket.clone(),
                (node.config.send_buffer, node.config.ghost_buffer),
                node.now_ms(),
            ));
            if handshake.ack && !handshake.pusher {
                // Before anything can be sent to it.
                conn.enable_acks();
            }
            if handshake.pusher {
                conn.speak_pusher();
            }
            node.hub.register(conn.clone());
            if node.config.resume_tokens_auto && !handshake.pusher {
                node.hub.activate_ghost(&conn.id());
            }
            let open = EventKind::Open {
                headers: handshake.headers,
                query: handshake.query,
                remote_addr: handshake.remote.to_string(),
                user: handshake.user,
                protocol: handshake.protocol,
            };
            emit!(&node, &conn, open, None);
            conn
        }
    };
    if conn.speaks_pusher() {
        // pusher-js reads the first message as the handshake's answer.
        let established = crate::pusher::wire::connection_established(&conn.id());
        conn.reply_first(Frame::text(established));
    } else if node.config.resume_tokens_auto {
        // The token to come back with: a fresh one after each resume (a token is spent by use).
        // First, ahead of a replay or a send that raced the open: the client learns whether
        // it resumed before any message, and so whether the numbering goes on or starts over.
        if let Some(token) = node.hub.resume_token(&conn.id()) {
            let message = protocol::resume_token_message(&token, resumed_ghost);
            conn.reply_first(Frame::text(message));
        }
    }
    conn.heard_from(node.now_ms());
    // The connection's life goes on in a task of its own, holding only what it needs: this
    // one (with the handshake's headers, query and the rest) ends here and frees its memory.
    // Boxed: the stream is large, and a value moved through nested futures is laid out in
    // each of them; behind a pointer, idle connections' tasks stay small.
    let writer = tokio::spawn(super::writer::write_task(
        conn.clone(),
        socket.clone(),
        // rustls gathers what it is given into its records itself.
        Outgoing::new(write, handshake.deflate, !node.config.tls()),
        node.clone(),
    ));
    tokio::spawn(live(
        conn,
        socket,
        writer,
        Box::new(stream),
        node,
        handshake.slot,
    ));
    // In the hub, with its tasks: a stop hands it off or closes it like any other.
    drop(handshake.arrival);
}

/// Resume on any node: the ghost `token` names, here or taken over from the node that holds
/// it. A ghost on its way between two nodes (one stops) is waited for, as long as a move
/// can take.
async fn take_over(
    node: &Arc<Node>,
    token: &str,
    socket: &Arc<Socket>,
) -> Option<(Arc<Connection>, Option<Arc<Socket>>)> {
    let deadline = tokio::time::Instant::now() + longest_move(node.config.redis_timeout);
    loop {
        if let Some(resumed) = node.hub.resume(token, socket.clone()) {
            return Some(resumed);
        }
        let moving = node.hub.moving(token) || {
            let (moving, owned) = (node.clone(), token.to_string());
            // A node adopting hundreds of ghosts can keep every slot busy: past the move's
            // time, the client gets a new connection rather than waiting on.
            let Ok(slot) = tokio::time::timeout_at(deadline, move_slot()).await else {
                tracing::warn!("a resume waited a move's time for a place among the moves: it gets a new connection");
                return None;
            };
            let taken =
                tokio::task::spawn_blocking(move || moving.broker.take_over(&moving, &owned));
            let taken = taken.await.ok()?;
            drop(slot);
            match taken {
                TakeOver::Taken(conn) => {
                    if !node.hub.wake(&conn, socket.clone()) {
                        // Released by a PHP call in the meantime: that call reported its end.
                        return None;
                    }
                    tracing::info!(connection = %conn.id(), "resumed, taken over from another node");
                    return Some((conn, None));
                }
                TakeOver::Moving => true,
                // A stopping node may have handed the ghost to this node while it asked: the
                // others let it go then, so they know it no more.
                TakeOver::Nowhere => {
                    if let Some(resumed) = node.hub.resume(token, socket.clone()) {
                        return Some(resumed);
                    }
                    node.hub.moving(token)
                }
            }
        };
        if !moving || tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A connection's life: its reader here, then the report of its end (once its writer is done).
fn live<S>(
    conn: Arc<Connection>,
    socket: Arc<Socket>,
    mut writer: JoinHandle<()>,
    stream: Reader<S>,
    node: Arc<Node>,
    slot: Option<Slot>,
) -> impl Future<Output = ()> + Send
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    async move {
        // The admission place is held until the connection ends.
        let _slot = &slot;
        survive_panic(
            &conn,
            &socket,
            super::reader::read_loop(conn.clone(), socket.clone(), stream, node.clone()),
        )
        .await;
        socket.shut();
        let finished = Box::pin(tokio::time::timeout(CLOSE_GRACE, &mut writer)).await;
        if finished.is_err() {
            writer.abort();
        }
        // A writer aborted, or one that panicked outside `survive_panic`, never said it let
        // go: a takeover waiting for it goes on now (once said, saying it again does nothing).
        socket.released.trigger();

        let Ended::Closed(cause) = node.hub.socket_ended(&conn, &socket) else {
            return;
        };
        let counter = match cause.reason {
            reason::SLOW_CONSUMER => Some(&node.hub.stats.slow_consumer_closes),
            reason::MESSAGE_TOO_BIG => Some(&node.hub.stats.oversize_closes),
            reason::PROTOCOL_ERROR => Some(&node.hub.stats.protocol_error_closes),
            reason::TIMEOUT => Some(&node.hub.stats.timeout_closes),
            reason::RATE_LIMITED => Some(&node.hub.stats.rate_limit_closes),
            _ => None,
        };
        if let Some(counter) = counter {
            Stats::add(counter, 1);
        }
        log_close(&conn, cause.code, cause.reason);
        for event in Event::ending(&conn, cause.code, cause.reason, false) {
            emit!(&node, event);
        }
    }
}

/// Runs one of a connection's tasks; if it panics (a bug), the panic is logged and the
/// connection closes with 1011 `internal_error`, and its end is reported as any other: the
/// worker still gets `beforeClose` and `close`, and the connection's state is freed.
/// True if it panicked.
///
/// A combinator rather than an `async fn`, which would hold `task` twice (the argument and
/// the future it awaits): a connection's largest futures are wrapped here.
pub(super) fn survive_panic<'a>(
    conn: &'a Connection,
    socket: &'a Socket,
    task: impl Future<Output = ()> + 'a,
) -> impl Future<Output = bool> + 'a {
    use futures_util::FutureExt;
    std::panic::AssertUnwindSafe(task)
        .catch_unwind()
        .map(move |result| {
            let Err(panic) = result else {
                return false;
            };
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a non-string panic".into());
            tracing::error!(connection = %conn.id(), "a connection task panicked: {what}; closing it with 1011");
            socket.close(1011, reason::INTERNAL_ERROR);
            true
        })
}

/// Closes that clients cause at will are logged at most once a second per cause.
static SLOW_CONSUMERS_LOGGED: LogLimiter = LogLimiter::new();
static RATE_LIMITS_LOGGED: LogLimiter = LogLimiter::new();

fn log_close(conn: &Connection, code: u16, why: &str) {
    let limiter = match why {
        reason::SLOW_CONSUMER => &SLOW_CONSUMERS_LOGGED,
        reason::RATE_LIMITED => &RATE_LIMITS_LOGGED,
        _ => {
            tracing::debug!(connection = %conn.id(), remote = %conn.remote_addr, "connection closed ({code}, {why})");
            return;
        }
    };
    if let Some(suppressed) = limiter.allow() {
        tracing::warn!(connection = %conn.id(), remote = %conn.remote_addr, suppressed, "connection closed ({code}, {why})");
    }
}
