//! A connection's writer task: drains the outbox into the socket, one flush per burst, sends
//! the heartbeat and the application's pings, and on a deliberate close writes what was queued
//! before the close frame.

use super::client::{survive_panic, Writer, CLOSE_GRACE};
use crate::hub::connection::{reason, Connection, Socket};
use crate::node::Node;
use bytes::Bytes;
use futures_util::SinkExt;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::error::Error as WsError;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

/// The writer owns the sink, so that if `write_loop` panics the sink is still here to tell
/// the client 1011 (the reader is woken by `socket.close` and ends the connection).
pub(super) async fn write_task<S>(
    conn: Arc<Connection>,
    socket: Arc<Socket>,
    mut sink: Writer<S>,
    node: Arc<Node>,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let panicked = survive_panic(
        &conn,
        &socket,
        write_loop(conn.clone(), socket.clone(), &mut sink, node),
    )
    .await;
    // However it ended (a dropped client returns early), the frames are let go of.
    socket.released.trigger();
    if panicked {
        let frame = CloseFrame {
            code: CloseCode::from(1011),
            reason: reason::INTERNAL_ERROR.into(),
        };
        let _ = tokio::time::timeout(CLOSE_GRACE, sink.send(Message::Close(Some(frame)))).await;
    }
}

async fn write_loop<S>(
    conn: Arc<Connection>,
    socket: Arc<Socket>,
    sink: &mut Writer<S>,
    node: Arc<Node>,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let every = node.config.ping_interval;
    let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let pong_timeout = node.config.pong_timeout.as_millis() as u64;
    let mut app_ping_ms = 0;
    let mut app_ping: Option<Box<tokio::time::Interval>> = None;
    let mut batch = VecDeque::new();
    let ping = |node: &Node| Message::Ping(Bytes::copy_from_slice(&node.now_ns().to_be_bytes()));
    loop {
        if conn.take_outbox(&mut batch) {
            let written = tokio::select! {
                biased;
                _ = socket.closing.wait() => {
                    conn.requeue_front(&mut batch);
                    break;
                }
                written = write_burst(sink, &mut batch) => written,
            };
            if written.is_err() {
                conn.requeue_front(&mut batch);
                return socket.dropped();
            }
            continue;
        }
        if conn.take_ping_now() && sink.send(ping(&node)).await.is_err() {
            return socket.dropped();
        }
        let wanted = conn.ping_interval_ms();
        if wanted != app_ping_ms {
            app_ping_ms = wanted;
            app_ping = (wanted > 0).then(|| {
                // Capped: a deadline past the clock's range would panic the writer.
                let period = Duration::from_millis(wanted).min(Duration::from_secs(365 * 86_400));
                Box::new(tokio::time::interval_at(
                    tokio::time::Instant::now() + period,
                    period,
                ))
            });
        }
        tokio::select! {
            biased;
            _ = socket.closing.wait() => break,
            _ = conn.attention() => {}
            _ = heartbeat.tick() => {
                if node.now_ms().saturating_sub(conn.last_seen_ms()) > pong_timeout {
                    socket.close(1001, reason::TIMEOUT);
                    break;
                }
                if sink.send(ping(&node)).await.is_err() {
                    return socket.dropped();
                }
            }
            _ = async { app_ping.as_mut().expect("guarded").tick().await }, if app_ping.is_some() => {
                if sink.send(ping(&node)).await.is_err() {
                    return socket.dropped();
                }
            }
        }
    }
    socket.released.trigger();
    let cause = socket.cause();
    if cause.send_frame {
        // A deliberate close (kill, stop, timeout, …) first writes what was queued before it:
        // a "goodbye" sent just before a kill arrives. A slow consumer's backlog is dropped:
        // writing it is what we refused to do, and a ghost that only goes dormant keeps its
        // frames for the client that resumes it. All of it within the close grace period.
        let final_close =
            !conn.is_ghost() || matches!(cause.reason, reason::KILLED | reason::SERVER_SHUTDOWN);
        let drain = final_close && cause.reason != reason::SLOW_CONSUMER;
        let frame = CloseFrame {
            code: CloseCode::from(cause.code),
            reason: cause.reason.into(),
        };
        let _ = tokio::time::timeout(CLOSE_GRACE, async {
            while drain && conn.take_outbox(&mut batch) {
                write_burst(sink, &mut batch).await?;
            }
            sink.send(Message::Close(Some(frame))).await
        })
        .await;
    }
}

/// Writes a batch of frames, then flushes once: a burst costs few syscalls.
async fn write_burst<S>(sink: &mut Writer<S>, batch: &mut VecDeque<Message>) -> Result<(), WsError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    while let Some(message) = batch.pop_front() {
        sink.feed(message).await?;
    }
    sink.flush().await
}
