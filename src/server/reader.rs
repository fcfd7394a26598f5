//! A connection's reader: turns the client's frames into events for the worker (control
//! messages go to `control`), under the message rate, and maps read errors to close codes.
//!
//! Every idle connection's task holds this loop's state, so what is done with a message is
//! synchronous (`on_message`) and only a wait it needs (backpressure, a control message that
//! must reach Redis) is boxed and awaited: the state kept while waiting for the next frame is
//! the stream, the rate limiter and the select over the two wake-ups, nothing per message.

use super::client::{emit, BoxFuture, CLOSE_GRACE};
use super::inflate::InflateError;
use super::split::ReadSide;
use crate::events::EventKind;
use crate::hub::connection::{reason, CloseCause, Connection, Socket};
use crate::hub::stats::Stats;
use crate::hub::Frame;
use crate::node::Node;
use crate::protocol::{self, Control};
use crate::server::admission::{MessageRate, MessageVerdict};
use bytes::Bytes;
use futures_util::StreamExt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite, ReadHalf};
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError, ProtocolError};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

pub(super) type Reader<S> = Box<WebSocketStream<ReadSide<ReadHalf<S>>>>;

/// What handling one message still has to wait for.
type Wait<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Reads until the client goes or the socket is asked to close.
pub(super) fn read_loop<S>(
    conn: Arc<Connection>,
    socket: Arc<Socket>,
    mut stream: Reader<S>,
    node: Arc<Node>,
) -> impl Future<Output = ()> + Send
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    async move {
        // The application's own server side (admin token) is not rate limited.
        let mut limiter = if conn.trusted {
            None
        } else {
            MessageRate::new(node.config.message_rate, node.config.message_burst)
        };
        loop {
            let next = tokio::select! {
                biased;
                _ = socket.closing() => {
                    // Our close frame is on its way: give the peer a moment to answer it.
                    let _ = Box::pin(tokio::time::timeout(CLOSE_GRACE, async {
                        while let Some(Ok(_)) = stream.next().await {}
                    }))
                    .await;
                    return;
                }
                next = stream.next() => next,
            };
            let wait = match next {
                Some(Ok(message)) => on_message(&conn, &socket, &node, &mut limiter, message),
                Some(Err(error)) => {
                    fail(&socket, &error);
                    None
                }
                None => {
                    socket.dropped();
                    return;
                }
            };
            if let Some(wait) = wait {
                wait.await;
            }
        }
    }
}

/// Handles one message from the client; returns what is left to wait for, if anything.
fn on_message<'a>(
    conn: &'a Arc<Connection>,
    socket: &Socket,
    node: &'a Arc<Node>,
    limiter: &mut Option<MessageRate>,
    message: Message,
) -> Option<Wait<'a>> {
    conn.heard_from(node.now_ms());
    if let (true, Message::Text(text)) = (conn.acknowledges(), &message) {
        // Not counted toward the message rate: a client that acknowledges a busy stream is
        // not sending anything of its own.
        if let Some(seq) = protocol::parse_ack(text.as_str()) {
            super::control::acknowledge(conn, node, seq);
            return None;
        }
    }
    if let (Some(rate), Message::Text(_) | Message::Binary(_)) = (limiter.as_mut(), &message) {
        match rate.check(std::time::Instant::now()) {
            MessageVerdict::Pass => {}
            MessageVerdict::Refuse => {
                Stats::add(&node.hub.stats.messages_rate_limited, 1);
                let why = format!(
                    "more than {} messages per second; this one was dropped",
                    node.config.message_rate
                );
                let error = match conn.speaks_pusher() {
                    true => crate::pusher::wire::error(
                        Some(crate::pusher::wire::code::CLIENT_EVENT_RATE),
                        &why,
                    ),
                    false => protocol::ProtocolError::new("rate_limited", why).to_json(),
                };
                conn.reply(Frame::text(error));
                return None;
            }
            MessageVerdict::Close => {
                socket.close(1008, reason::RATE_LIMITED);
                return None;
            }
        }
    }
    let backpressure = |wait: Option<BoxFuture>| wait.map(|w| -> Wait<'a> { w });
    match message {
        Message::Text(text) => {
            Stats::add(&node.hub.stats.messages_received, 1);
            if let (true, Some(app)) = (conn.speaks_pusher(), &node.config.pusher) {
                return backpressure(crate::pusher::client::on_text(conn, node, app, text.as_str()));
            }
            let control = match protocol::parse_control(text.as_str()) {
                // From a client that does not acknowledge, `ack` is the application's action
                // (one that does was answered above).
                Some(Ok(Control::Ack(_))) | None => None,
                control => control,
            };
            match control {
                None => {
                    let payload = Some(Bytes::from(text));
                    backpressure(emit(
                        node,
                        conn,
                        EventKind::Message { binary: false },
                        payload,
                    ))
                }
                Some(control) => Some(Box::pin(super::control::handle_control(
                    conn, node, control,
                ))),
            }
        }
        Message::Binary(data) => {
            Stats::add(&node.hub.stats.messages_received, 1);
            backpressure(emit(
                node,
                conn,
                EventKind::Message { binary: true },
                Some(data),
            ))
        }
        Message::Close(frame) => {
            let code = frame.map(|f| u16::from(f.code)).unwrap_or(1005);
            socket.end(CloseCause {
                code,
                reason: reason::CLIENT_CLOSED,
                send_frame: false,
            });
            // tungstenite answers the close; the stream ends on the next read.
            None
        }
        Message::Pong(payload) => {
            // Our pings carry the node clock in ns: the round trip is the difference.
            if let Ok(sent) = <[u8; 8]>::try_from(payload.as_ref()) {
                conn.set_rtt_ns(node.now_ns().saturating_sub(u64::from_be_bytes(sent)));
            }
            None
        }
        Message::Ping(_) | Message::Frame(_) => None,
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
