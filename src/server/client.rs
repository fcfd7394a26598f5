//! One client socket's life: the reader here turns frames into events (control messages go to
//! `control`), the writer (`writer`) drains the connection's outbox into the socket. When
//! either side ends, both end; then the worker gets the end report (`Event::ending`), unless
//! the connection is a ghost, which goes dormant until a client resumes it (`?resume=TOKEN`).

use super::inflate::InflateError;
use super::outgoing::Outgoing;
use super::split::ReadSide;
use crate::events::{Event, EventKind};
use crate::hub::connection::{reason, CloseCause, Connection, Socket};
use crate::hub::frame::Deflate;
use crate::hub::stats::Stats;
use crate::hub::Ended;
use crate::hub::Frame;
use crate::log::LogLimiter;
use crate::node::Node;
use crate::protocol::{self};
use crate::server::admission::{MessageRate, MessageVerdict, Slot};
use bytes::Bytes;
use futures_util::StreamExt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadHalf, WriteHalf};
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError, ProtocolError};
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// How long a closing connection waits for the peer's close frame, or for a stuck write.
pub(super) const CLOSE_GRACE: Duration = Duration::from_secs(2);

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
    /// The admission place, held as long as the socket lives (none when nothing is limited).
    pub slot: Option<Slot>,
    /// The subprotocol chosen (`subprotocols`), if any.
    pub protocol: Option<String>,
    /// permessage-deflate, if negotiated.
    pub deflate: Option<Deflate>,
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
pub(super) fn emit(
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

pub(super) type BoxFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

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
    let resumed = handshake
        .resume
        .as_deref()
        .and_then(|token| node.hub.resume(token, socket.clone()));
    let conn = match resumed {
        Some((conn, old)) => {
            if let Some(old) = old {
                // The old writer puts back what it took and did not write; it lets go at once
                // unless its task is stuck, which the bound covers.
                if tokio::time::timeout(CLOSE_GRACE, old.released.wait())
                    .await
                    .is_err()
                {
                    tracing::warn!(connection = %conn.id(), "the old socket's writer did not let go in time; frames it held are lost");
                }
                tracing::info!(connection = %conn.id(), "resumed while its old socket still looked alive: taken over");
            }
            let replayed = conn.restart_outbox();
            let count = Some(Bytes::from(replayed.to_string()));
            emit!(&node, &conn, EventKind::Resume, count);
            conn
        }
        None => {
            let conn = Arc::new(Connection::new(
                new_connection_id(),
                Arc::from(handshake.route.as_str()),
                handshake.user.clone(),
                handshake.remote,
                handshake.trusted,
                socket.clone(),
                (node.config.send_buffer, node.config.ghost_buffer),
                node.now_ms(),
            ));
            node.hub.register(conn.clone());
            if node.config.resume_tokens_auto {
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
    if node.config.resume_tokens_auto {
        // The token to come back with: a fresh one after each resume (a token is spent by use).
        if let Some(token) = node.hub.resume_token(&conn.id()) {
            conn.reply(Frame::text(protocol::resume_token_message(&token)));
        }
    }
    conn.heard_from(node.now_ms());
    // The connection's life goes on in a task of its own, holding only what it needs: this
    // one (with the handshake's headers, query and the rest) ends here and frees its memory.
    // Boxed: the stream is large, and a value moved through nested futures is laid out in
    // each of them; behind a pointer, idle connections' tasks stay small.
    tokio::spawn(live(
        conn,
        socket,
        Outgoing::new(write, handshake.deflate),
        Box::new(stream),
        node,
        handshake.slot,
    ));
}

/// A connection's life: its writer task, its reader here, then the report of its end.
async fn live<S>(
    conn: Arc<Connection>,
    socket: Arc<Socket>,
    out: Outgoing<WriteHalf<S>>,
    stream: Reader<S>,
    node: Arc<Node>,
    slot: Option<Slot>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let _slot = slot;
    let writer = tokio::spawn(super::writer::write_task(
        conn.clone(),
        socket.clone(),
        out,
        node.clone(),
    ));
    survive_panic(
        &conn,
        &socket,
        read_loop(conn.clone(), socket.clone(), stream, node.clone()),
    )
    .await;
    socket.closing.trigger();
    let mut writer = writer;
    let finished = Box::pin(tokio::time::timeout(CLOSE_GRACE, &mut writer)).await;
    if finished.is_err() {
        writer.abort();
        // An aborted writer never said it let go; a takeover waiting for it goes on now.
        socket.released.trigger();
    }

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

/// Runs one of a connection's tasks; if it panics (a bug), the panic is logged and the
/// connection closes with 1011 `internal_error`, and its end is reported as any other: the
/// worker still gets `beforeClose` and `close`, and the connection's state is freed.
/// True if it panicked.
pub(super) async fn survive_panic(
    conn: &Connection,
    socket: &Socket,
    task: impl std::future::Future<Output = ()>,
) -> bool {
    use futures_util::FutureExt;
    let Err(panic) = std::panic::AssertUnwindSafe(task).catch_unwind().await else {
        return false;
    };
    {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a non-string panic".into());
        tracing::error!(connection = %conn.id(), "a connection task panicked: {what}; closing it with 1011");
        socket.close(1011, reason::INTERNAL_ERROR);
    }
    true
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

type Reader<S> = Box<WebSocketStream<ReadSide<ReadHalf<S>>>>;

async fn read_loop<S>(
    conn: Arc<Connection>,
    socket: Arc<Socket>,
    mut stream: Reader<S>,
    node: Arc<Node>,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (conn, socket, node) = (&conn, &socket, &node);
    // The application's own server side (admin token) is not rate limited.
    let mut limiter = if conn.trusted {
        None
    } else {
        MessageRate::new(node.config.message_rate, node.config.message_burst)
    };
    loop {
        let next = tokio::select! {
            biased;
            _ = socket.closing.wait() => {
                // Our close frame is on its way: give the peer a moment to answer it.
                let _ = Box::pin(tokio::time::timeout(CLOSE_GRACE, async {
                    while let Some(Ok(_)) = stream.next().await {}
                }))
                .await;
                return;
            }
            next = stream.next() => next,
        };
        let message = match next {
            Some(Ok(message)) => message,
            Some(Err(error)) => {
                fail(socket, &error);
                continue;
            }
            None => {
                socket.dropped();
                return;
            }
        };
        conn.heard_from(node.now_ms());
        if let (Some(rate), Message::Text(_) | Message::Binary(_)) = (limiter.as_mut(), &message) {
            match rate.check(std::time::Instant::now()) {
                MessageVerdict::Pass => {}
                MessageVerdict::Refuse => {
                    Stats::add(&node.hub.stats.messages_rate_limited, 1);
                    let why = format!(
                        "more than {} messages per second; this one was dropped",
                        node.config.message_rate
                    );
                    let error = protocol::ProtocolError::new("rate_limited", why);
                    conn.reply(Frame::text(error.to_json()));
                    continue;
                }
                MessageVerdict::Close => {
                    socket.close(1008, reason::RATE_LIMITED);
                    continue;
                }
            }
        }
        match message {
            Message::Text(text) => {
                Stats::add(&node.hub.stats.messages_received, 1);
                match protocol::parse_control(text.as_str()) {
                    None => {
                        let payload = Some(Bytes::from(text));
                        emit!(node, conn, EventKind::Message { binary: false }, payload);
                    }
                    Some(control) => {
                        Box::pin(super::control::handle_control(conn, node, control)).await
                    }
                }
            }
            Message::Binary(data) => {
                Stats::add(&node.hub.stats.messages_received, 1);
                emit!(node, conn, EventKind::Message { binary: true }, Some(data));
            }
            Message::Close(frame) => {
                let code = frame.map(|f| u16::from(f.code)).unwrap_or(1005);
                socket.end(CloseCause {
                    code,
                    reason: reason::CLIENT_CLOSED,
                    send_frame: false,
                });
                // tungstenite answers the close; the stream ends on the next read.
            }
            Message::Pong(payload) => {
                // Our pings carry the node clock in ns: the round trip is the difference.
                if let Ok(sent) = <[u8; 8]>::try_from(payload.as_ref()) {
                    conn.set_rtt_ns(node.now_ns().saturating_sub(u64::from_be_bytes(sent)));
                }
            }
            Message::Ping(_) | Message::Frame(_) => {}
        }
    }
}

/// Maps a read error to the RFC 6455 close code; only this socket is affected.
fn fail(socket: &Socket, error: &WsError) {
    let inflating = match error {
        WsError::Io(e) => e.get_ref().and_then(|e| e.downcast_ref::<InflateError>()),
        _ => None,
    };
    match inflating {
        Some(InflateError::TooBig) => return socket.close(1009, reason::MESSAGE_TOO_BIG),
        Some(InflateError::Corrupt) => return socket.close(1007, reason::PROTOCOL_ERROR),
        None => {}
    }
    match error {
        WsError::Capacity(CapacityError::MessageTooLong { .. }) => {
            socket.close(1009, reason::MESSAGE_TOO_BIG);
        }
        WsError::Utf8(_) => socket.close(1007, reason::PROTOCOL_ERROR),
        WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => socket.dropped(),
        WsError::Protocol(_) | WsError::Capacity(_) => socket.close(1002, reason::PROTOCOL_ERROR),
        _ => socket.dropped(),
    }
}
