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
    // Frames handed to the sink since its last completed flush: they may not have reached the
    // kernel. If the socket dies or is taken over, they go back to the connection with the
    // rest, so a client that resumes gets the last few twice rather than never.
    let mut in_flight = Vec::new();
    let ping = |node: &Node| Message::Ping(Bytes::copy_from_slice(&node.now_ns().to_be_bytes()));
    loop {
        if conn.take_outbox(&mut batch) {
            let written = tokio::select! {
                biased;
                _ = socket.closing.wait() => {
                    give_back(&conn, &mut in_flight, &mut batch);
                    break;
                }
                written = write_burst(sink, &conn, &mut batch, &mut in_flight) => written,
            };
            if written.is_err() {
                give_back(&conn, &mut in_flight, &mut batch);
                return socket.dropped();
            }
            continue;
        }
        if conn.take_ping_now() {
            match send_unless_closing(sink, &socket, ping(&node)).await {
                None => break,
                Some(Err(_)) => return socket.dropped(),
                Some(Ok(())) => {}
            }
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
        let due = tokio::select! {
            biased;
            _ = socket.closing.wait() => break,
            _ = conn.attention() => false,
            _ = heartbeat.tick() => {
                if node.now_ms().saturating_sub(conn.last_seen_ms()) > pong_timeout {
                    socket.close(1001, reason::TIMEOUT);
                    break;
                }
                true
            }
            _ = async { app_ping.as_mut().expect("guarded").tick().await }, if app_ping.is_some() => true,
        };
        if due {
            match send_unless_closing(sink, &socket, ping(&node)).await {
                None => break,
                Some(Err(_)) => return socket.dropped(),
                Some(Ok(())) => {}
            }
        }
    }
    let cause = socket.cause();
    // A deliberate close (kill, stop, timeout, …) first writes what was queued before it: a
    // "goodbye" sent just before a kill arrives. Not if this socket was taken over (what is
    // queued is the new socket's now), nor for a slow consumer (writing its backlog is what
    // we refused to do), nor for a ghost that only goes dormant (it keeps its frames for the
    // client that resumes it). Decided before letting go: once released, the outbox may be
    // another writer's.
    let current = conn
        .socket()
        .is_some_and(|live| Arc::ptr_eq(&live, &socket));
    let final_close = current
        && (!conn.is_ghost() || matches!(cause.reason, reason::KILLED | reason::SERVER_SHUTDOWN));
    let drain = final_close && cause.reason != reason::SLOW_CONSUMER;
    socket.released.trigger();
    if cause.send_frame {
        let frame = CloseFrame {
            code: CloseCode::from(cause.code),
            reason: cause.reason.into(),
        };
        let _ = tokio::time::timeout(CLOSE_GRACE, async {
            while drain && conn.take_outbox(&mut batch) {
                write_burst(sink, &conn, &mut batch, &mut in_flight).await?;
            }
            sink.send(Message::Close(Some(frame))).await
        })
        .await;
    }
}

/// Sends a ping unless the socket is asked to close first (a peer that reads nothing would
/// hold the writer in the send): `None` then.
async fn send_unless_closing<S>(
    sink: &mut Writer<S>,
    socket: &Socket,
    message: Message,
) -> Option<Result<(), WsError>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    tokio::select! {
        biased;
        _ = socket.closing.wait() => None,
        sent = sink.send(message) => Some(sent),
    }
}

/// Puts what the writer holds (handed to the sink but maybe unwritten, then not handed yet)
/// back at the front of the connection's outbox, in order.
fn give_back(conn: &Connection, in_flight: &mut Vec<Message>, batch: &mut VecDeque<Message>) {
    let mut held: VecDeque<Message> = in_flight.drain(..).collect();
    held.append(batch);
    conn.requeue_front(&mut held);
}

/// Writes a batch of frames, then flushes once: a burst costs few syscalls. A frame leaves
/// `batch` only when the sink takes it (into `in_flight` until the flush completes), so a
/// burst cancelled midway loses nothing.
async fn write_burst<S>(
    sink: &mut Writer<S>,
    conn: &Connection,
    batch: &mut VecDeque<Message>,
    in_flight: &mut Vec<Message>,
) -> Result<(), WsError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    use futures_util::Sink;
    let keep = conn.is_ghost();
    loop {
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut *sink).poll_ready(cx)).await?;
        let Some(message) = batch.pop_front() else {
            break;
        };
        // Only a ghost's frames can be given to another socket: others need no copy kept.
        if keep {
            in_flight.push(message.clone());
        }
        std::pin::Pin::new(&mut *sink).start_send(message)?;
    }
    sink.flush().await?;
    in_flight.clear();
    Ok(())
}
