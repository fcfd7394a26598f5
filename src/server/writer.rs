//! A connection's writer task: drains the outbox into the socket, one flush per burst, sends
//! the heartbeat and the application's pings, and on a deliberate close writes what was queued
//! before the close frame.

use super::client::{survive_panic, CLOSE_GRACE};
use super::outgoing::Outgoing;
use crate::hub::connection::{reason, Connection, Socket};
use crate::hub::stats::Stats;
use crate::hub::Frame;
use crate::node::Node;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWrite;

/// The writer owns the write side, so that if `write_loop` panics it is still here to tell
/// the client 1011 (the reader is woken by `socket.close` and ends the connection).
pub(super) fn write_task<W>(
    conn: Arc<Connection>,
    socket: Arc<Socket>,
    mut out: Outgoing<W>,
    node: Arc<Node>,
) -> impl Future<Output = ()>
where
    W: AsyncWrite + Unpin,
{
    async move {
        let panicked = survive_panic(
            &conn,
            &socket,
            write_loop(conn.clone(), socket.clone(), &mut out, node),
        )
        .await;
        if panicked {
            // What it held goes back to the connection before letting go (a takeover waits
            // for that), unless the close sequence already gave it back.
            give_back(&mut out, &conn, &socket, false);
        }
        // However it ended (a dropped client returns early), the frames are let go of.
        socket.released.trigger();
        if panicked {
            out.push(Frame::close(1011, reason::INTERNAL_ERROR));
            let _ = tokio::time::timeout(CLOSE_GRACE, out.write()).await;
        }
    }
}

/// Gives what the writer holds back to the connection, unless a takeover stopped waiting for
/// it (`released` already triggered): given back now, it would land ahead of the new socket's
/// first frames, after the replay.
fn give_back<W: AsyncWrite + Unpin>(
    out: &mut Outgoing<W>,
    conn: &Connection,
    socket: &Socket,
    peer_reads: bool,
) {
    if socket.released.is_triggered() {
        tracing::warn!(connection = %conn.id(), "a writer let go after its takeover stopped waiting: the frames it held are dropped");
        return;
    }
    out.give_back(conn, peer_reads);
}

fn write_loop<'a, W>(
    conn: Arc<Connection>,
    socket: Arc<Socket>,
    out: &'a mut Outgoing<W>,
    node: Arc<Node>,
) -> impl Future<Output = ()> + 'a
where
    W: AsyncWrite + Unpin,
{
    async move {
        let every = node.config.ping_interval;
        let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let pong_timeout = node.config.pong_timeout.as_millis() as u64;
        let mut app_ping_ms = 0;
        let mut app_ping: Option<Box<tokio::time::Interval>> = None;
        let ping = |node: &Node| Frame::ping(&node.now_ns().to_be_bytes());
        loop {
            for reply in socket.take_replies() {
                out.push(reply);
            }
            if conn.take_ping_now() {
                out.push(ping(&node));
            }
            out.take_from(&conn);
            if !out.is_idle() {
                // A peer that reads nothing would hold the writer here: a close request wins.
                let written = tokio::select! {
                    biased;
                    _ = socket.closing() => break,
                    written = out.write() => written,
                };
                if written.is_err() {
                    give_back(out, &conn, &socket, false);
                    return socket.dropped();
                }
                let deflated = out.take_deflated_count();
                if deflated > 0 {
                    Stats::add(&node.hub.stats.compressed_frames_sent, deflated);
                }
                continue;
            }
            out.shed_room();
            let wanted = conn.ping_interval_ms();
            if wanted != app_ping_ms {
                app_ping_ms = wanted;
                app_ping = (wanted > 0).then(|| {
                    // Capped: a deadline past the clock's range would panic the writer.
                    let period =
                        Duration::from_millis(wanted).min(Duration::from_secs(365 * 86_400));
                    Box::new(tokio::time::interval_at(
                        tokio::time::Instant::now() + period,
                        period,
                    ))
                });
            }
            tokio::select! {
                biased;
                _ = socket.writer_wanted() => {
                    if socket.is_closing() {
                        break;
                    }
                }
                _ = conn.attention() => {}
                _ = heartbeat.tick() => {
                    if node.now_ms().saturating_sub(conn.last_seen_ms()) > pong_timeout {
                        socket.close(1001, reason::TIMEOUT);
                        break;
                    }
                    out.push(ping(&node));
                }
                _ = async { app_ping.as_mut().expect("guarded").tick().await }, if app_ping.is_some() => {
                    out.push(ping(&node));
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
            && (!conn.is_ghost()
                || matches!(cause.reason, reason::KILLED | reason::SERVER_SHUTDOWN));
        let drain = final_close && cause.send_frame && cause.reason != reason::SLOW_CONSUMER;
        if !drain {
            give_back(out, &conn, &socket, cause.peer_reads());
        }
        socket.released.trigger();
        // The answer to a client's close, if tungstenite gave one, goes out as the last frame.
        for reply in socket.take_replies() {
            out.push(reply);
        }
        let _ = tokio::time::timeout(CLOSE_GRACE, async {
            // What was queued before the close, once: a busy channel keeps queueing until the
            // connection ends, and the close frame must not wait behind it.
            if drain {
                out.take_from(&conn);
            }
            if cause.send_frame {
                out.push(Frame::close(cause.code, cause.reason));
            }
            out.write().await
        })
        .await;
    }
}
