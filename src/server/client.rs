//! The two tasks of one client: the reader turns frames into events and control replies, the
//! writer drains the connection's queue into the socket, one flush per burst, and keeps the
//! heartbeat. When either side ends, both end, and the worker gets `beforeClose` then `close`.

use crate::events::{Event, EventKind};
use crate::hub::connection::{reason, CloseCause, Connection};
use crate::hub::stats::Stats;
use crate::node::Node;
use crate::protocol::{self, Control};
use bytes::Bytes;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use std::collections::VecDeque;
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError, ProtocolError};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// How long a closing connection waits for the peer's close frame, or for a stuck write.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// What the handshake learned about the client.
pub struct Handshake {
    pub route: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub remote: SocketAddr,
    pub user: Option<String>,
    pub trusted: bool,
}

/// Small buffers: most clients are idle most of the time, and memory per connection counts.
fn socket_config(node: &Node) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(512)
        // Frames collect up to this size before a write; `flush` at the end of a burst
        // sends the rest, so a burst of small frames costs few syscalls.
        .write_buffer_size(32 * 1024)
        .max_write_buffer_size(usize::MAX)
        .max_message_size(Some(node.config.max_message_size))
        .max_frame_size(Some(node.config.max_message_size))
}

/// 128 random bits as 32 hex digits: connection ids cannot be guessed (api.md 3).
pub fn new_connection_id() -> Arc<str> {
    let mut raw = [0u8; 16];
    getrandom::fill(&mut raw).expect("the OS random source is available");
    let mut id = String::with_capacity(32);
    for b in raw {
        id.push_str(&format!("{b:02x}"));
    }
    Arc::from(id)
}

/// Queues an event for the worker. When the queue is full (backpressure), returns the wait
/// for room, which the caller awaits: boxed, so idle connections' tasks stay small.
fn emit(node: &Arc<Node>, conn: &Connection, kind: EventKind, payload: Option<Bytes>) -> Option<BoxFuture> {
    Stats::add(&node.hub.stats.events_queued, 1);
    let event = Event { kind, connection: conn.id.clone(), route: conn.route.clone(), payload };
    let event = node.events.try_push(event).err()?;
    let node = node.clone();
    Some(Box::pin(async move { node.events.push(event).await }))
}

type BoxFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// Emits and, under backpressure, waits: `emit!(node, conn, kind, payload)`.
macro_rules! emit {
    ($node:expr, $conn:expr, $kind:expr, $payload:expr) => {
        if let Some(wait) = emit($node, $conn, $kind, $payload) {
            wait.await;
        }
    };
}

pub async fn run<S>(io: S, handshake: Handshake, node: Arc<Node>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let ws = WebSocketStream::from_raw_socket(io, Role::Server, Some(socket_config(&node))).await;
    let (sink, stream) = ws.split();
    let conn = Arc::new(Connection::new(
        new_connection_id(),
        Arc::from(handshake.route.as_str()),
        handshake.user.clone(),
        handshake.remote,
        handshake.trusted,
        node.config.send_buffer,
        node.now_ms(),
    ));
    node.hub.register(conn.clone());
    let open = EventKind::Open {
        headers: handshake.headers,
        query: handshake.query,
        remote_addr: handshake.remote.to_string(),
        user: handshake.user,
    };
    emit!(&node, &conn, open, None);

    let writer = tokio::spawn(write_loop(conn.clone(), sink, node.clone()));
    Box::pin(read_loop(&conn, stream, &node)).await;
    conn.closing.trigger();
    let mut writer = writer;
    let finished = Box::pin(tokio::time::timeout(CLOSE_GRACE, &mut writer)).await;
    if finished.is_err() {
        writer.abort();
    }

    node.hub.disconnected(&conn);
    let cause = conn.cause();
    let counter = match cause.reason {
        reason::SLOW_CONSUMER => Some(&node.hub.stats.slow_consumer_closes),
        reason::MESSAGE_TOO_BIG => Some(&node.hub.stats.oversize_closes),
        reason::PROTOCOL_ERROR => Some(&node.hub.stats.protocol_error_closes),
        reason::TIMEOUT => Some(&node.hub.stats.timeout_closes),
        _ => None,
    };
    if let Some(counter) = counter {
        Stats::add(counter, 1);
    }
    let reason = Some(Bytes::from_static(cause.reason.as_bytes()));
    emit!(&node, &conn, EventKind::BeforeClose { code: cause.code }, reason.clone());
    emit!(&node, &conn, EventKind::Close { code: cause.code }, reason);
}

type Reader<S> = SplitStream<WebSocketStream<S>>;
type Writer<S> = SplitSink<WebSocketStream<S>, Message>;

async fn read_loop<S>(conn: &Arc<Connection>, mut stream: Reader<S>, node: &Arc<Node>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    loop {
        let next = tokio::select! {
            biased;
            _ = conn.closing.wait() => {
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
                fail(conn, &error);
                continue;
            }
            None => {
                conn.end(CloseCause { code: 1006, reason: reason::CLIENT_CLOSED, send_frame: false });
                return;
            }
        };
        conn.heard_from(node.now_ms());
        match message {
            Message::Text(text) => {
                Stats::add(&node.hub.stats.messages_received, 1);
                match protocol::parse_control(text.as_str()) {
                    None => {
                        let payload = Some(Bytes::from(text));
                        emit!(node, conn, EventKind::Message { binary: false }, payload);
                    }
                    Some(control) => Box::pin(handle_control(conn, node, control)).await,
                }
            }
            Message::Binary(data) => {
                Stats::add(&node.hub.stats.messages_received, 1);
                emit!(node, conn, EventKind::Message { binary: true }, Some(data));
            }
            Message::Close(frame) => {
                let code = frame.map(|f| u16::from(f.code)).unwrap_or(1005);
                conn.end(CloseCause { code, reason: reason::CLIENT_CLOSED, send_frame: false });
                // tungstenite answers the close; the stream ends on the next read.
            }
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
        }
    }
}

/// Maps a read error to the RFC 6455 close code; only this connection is affected.
fn fail(conn: &Connection, error: &WsError) {
    match error {
        WsError::Capacity(CapacityError::MessageTooLong { .. }) => {
            conn.close(1009, reason::MESSAGE_TOO_BIG);
        }
        WsError::Utf8(_) => {
            conn.close(1007, reason::PROTOCOL_ERROR);
        }
        WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => {
            conn.end(CloseCause { code: 1006, reason: reason::CLIENT_CLOSED, send_frame: false });
            conn.closing.trigger();
        }
        WsError::Protocol(_) | WsError::Capacity(_) => {
            conn.close(1002, reason::PROTOCOL_ERROR);
        }
        _ => {
            conn.end(CloseCause { code: 1006, reason: reason::CLIENT_CLOSED, send_frame: false });
            conn.closing.trigger();
        }
    }
}

async fn handle_control(
    conn: &Arc<Connection>,
    node: &Arc<Node>,
    control: Result<Control, protocol::ProtocolError>,
) {
    let hub = &node.hub;
    let control = match control {
        Ok(control) => control,
        Err(error) => {
            Stats::add(&hub.stats.control_errors, 1);
            conn.send(Message::text(error.to_json()));
            return;
        }
    };
    Stats::add(&hub.stats.control_messages, 1);
    let user = || conn.user.clone();
    match control {
        Control::Subscribe(channel) => {
            if let Err(error) = protocol::check_client_may_subscribe(&channel) {
                conn.send(Message::text(error.to_json()));
                return;
            }
            let change = hub.subscribe(&conn.id, &channel);
            conn.send(Message::text(protocol::subscribed_reply(&channel)));
            if change == crate::hub::Change::Done {
                emit!(node, conn, EventKind::Join { channel, user: user() }, None);
            }
        }
        Control::Unsubscribe(channel) => {
            let change = hub.unsubscribe(&conn.id, &channel);
            conn.send(Message::text(protocol::unsubscribed_reply(&channel)));
            if change == crate::hub::Change::Done {
                emit!(node, conn, EventKind::Leave { channel, user: user() }, None);
            }
        }
        Control::SetSubscriptions(channels) => {
            if let Some(error) =
                channels.iter().find_map(|c| protocol::check_client_may_subscribe(c).err())
            {
                conn.send(Message::text(error.to_json()));
                return;
            }
            let (joined, left) = hub.set_subscriptions(&conn.id, &channels);
            for channel in left {
                conn.send(Message::text(protocol::unsubscribed_reply(&channel)));
                emit!(node, conn, EventKind::Leave { channel, user: user() }, None);
            }
            for channel in joined {
                conn.send(Message::text(protocol::subscribed_reply(&channel)));
                emit!(node, conn, EventKind::Join { channel, user: user() }, None);
            }
        }
        Control::Notify { channel, notification } => {
            if !conn.trusted {
                let error = protocol::forbidden("server notifications need the admin token in the handshake");
                conn.send(Message::text(error.to_json()));
                return;
            }
            Stats::add(&hub.stats.broadcasts, 1);
            node.broker.publish(&channel, Bytes::from(notification));
        }
    }
}

async fn write_loop<S>(conn: Arc<Connection>, mut sink: Writer<S>, node: Arc<Node>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let interval = node.config.ping_interval;
    let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let pong_timeout = node.config.pong_timeout.as_millis() as u64;
    let mut batch = VecDeque::new();
    let gone = |conn: &Connection| {
        conn.end(CloseCause { code: 1006, reason: reason::CLIENT_CLOSED, send_frame: false });
        conn.closing.trigger();
    };
    loop {
        if conn.take_outbox(&mut batch) {
            let written = tokio::select! {
                biased;
                _ = conn.closing.wait() => break,
                written = write_burst(&mut sink, &mut batch) => written,
            };
            match written {
                Ok(bytes) => conn.sent(bytes),
                Err(_) => return gone(&conn),
            }
            continue;
        }
        tokio::select! {
            biased;
            _ = conn.closing.wait() => break,
            _ = conn.outbox_ready() => {}
            _ = heartbeat.tick() => {
                if node.now_ms().saturating_sub(conn.last_seen_ms()) > pong_timeout {
                    conn.close(1001, reason::TIMEOUT);
                    break;
                }
                if sink.send(Message::Ping(Bytes::new())).await.is_err() {
                    return gone(&conn);
                }
            }
        }
    }
    let cause = conn.cause();
    if cause.send_frame {
        let frame = CloseFrame { code: CloseCode::from(cause.code), reason: cause.reason.into() };
        let _ = tokio::time::timeout(CLOSE_GRACE, sink.send(Message::Close(Some(frame)))).await;
    }
}

/// Writes a batch of frames, then flushes once: a burst costs few syscalls.
async fn write_burst<S>(sink: &mut Writer<S>, batch: &mut VecDeque<Message>) -> Result<usize, WsError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut bytes = 0;
    while let Some(message) = batch.pop_front() {
        bytes += message.len();
        sink.feed(message).await?;
    }
    sink.flush().await?;
    Ok(bytes)
}
