//! A ghost moving to another node: its client came back there (resume on any node).
//!
//! The node its client reached (`adopt`, `arrive`, `wake`) and the node that held it
//! (`claim`, `let_go`, `parcel`) each do their part here; the broker says when (`broker::moving`):
//! 1. claim: the token is spent, and the ghost, dormant now (an old socket still alive is
//!    closed as on a takeover), stops being anyone's to resume here; its state travels;
//! 2. adopt: the other node builds it, dormant, with its subscriptions, user and tags, so
//!    that from then on it receives what is sent to it;
//! 3. hand over and cut: at one point in the order both nodes receive messages in, the node
//!    that held it gives the messages it kept and lets it go without a word to its worker;
//!    the node that adopted it drops what it queued before that point, which it was given;
//! 4. arrive and wake: the given messages go ahead of those queued since, and the client's
//!    socket takes it.

use super::connection::{Connection, Life, Socket};
use super::{Frame, Hub};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// Held (read) while a fan-out is published and run here, and (write) while a connection
/// starts or stops being relayed: an operation's number then tells on which side of that
/// moment it ran here (`Origin`).
pub static ROUTING: parking_lot::RwLock<()> = parking_lot::RwLock::new(());

/// What a ghost is, apart from its messages: everything its worker can read or act on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    pub id: String,
    pub route: String,
    pub user: Option<String>,
    pub remote_addr: String,
    pub trusted: bool,
    pub subscriptions: Vec<String>,
    pub tags: Vec<String>,
    pub info: Vec<(String, Bytes)>,
    pub presence: Option<String>,
    pub ping_interval_ms: u64,
}

/// One message a ghost carries to another node (`Frame::carried` rebuilds it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Carried {
    pub binary: bool,
    pub payload: Bytes,
    /// Its number, for a connection that acknowledges; 0 otherwise.
    pub seq: u64,
}

/// A ghost's messages on their way: in order, with the last number given (acknowledging
/// connections only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parcel {
    pub messages: Vec<Carried>,
    pub last_sent: Option<u64>,
}

impl Hub {
    /// Another node's client presents `token`: if it names a ghost here, the token is spent
    /// and the ghost waits, dormant, for that node to take it (`let_go`). Returns its state
    /// and the old socket, if it still looked alive (closed now, as on a takeover: the caller
    /// awaits its `released` before the messages can be handed over whole).
    /// `from`: this node's next operation number (under `ROUTING`).
    pub fn claim(&self, token: &str, from: u64) -> Option<(Handover, Option<Arc<Socket>>)> {
        let dormant = Life::Dormant {
            since: Instant::now(),
            code: 1001,
            moving: true,
        };
        let (conn, old) = self.take(token, dormant)?;
        conn.relay_from(from);
        Some((handover_of(&conn), old))
    }

    /// The cut, on the node that held a claimed ghost: it lets it go to the node that
    /// adopted it, leaving every index here without a report (its worker hears of it on the
    /// other node); nothing more is queued for it here. `None` if it is no longer claimed
    /// (released or expired meanwhile: reported here). Its messages are taken next
    /// (`parcel`), once the old socket's writer gave back what it held.
    pub fn let_go(&self, id: &str) -> Option<Arc<Connection>> {
        let conn = self.get(id)?;
        // What waited behind this node's own messages goes with the rest: those came back
        // before the cut (published before the claim), so they are in its outbox already.
        conn.flush_held();
        {
            let mut life = conn.life.lock();
            if !matches!(&*life, Life::Dormant { moving: true, .. }) {
                return None;
            }
            conn.ghost
                .store(false, std::sync::atomic::Ordering::Release);
            conn.set_life(&mut life, Life::Gone);
        }
        self.retire(&conn);
        self.forget(id);
        Some(conn)
    }

    /// The messages of a ghost let go, for the node that adopted it.
    pub fn parcel(conn: &Connection) -> Parcel {
        let (frames, last_sent) = conn.carry();
        let messages = frames
            .iter()
            .map(|f| Carried {
                binary: f.is_binary(),
                payload: f.payload(),
                seq: f.seq().unwrap_or(0),
            })
            .collect();
        Parcel {
            messages,
            last_sent,
        }
    }

    /// No node took a claimed ghost (it failed or died): it is this node's again, resumable
    /// with `token`. False if it went meanwhile.
    pub fn unclaim(&self, id: &str, token: &str, below: u64) -> bool {
        let Some(conn) = self.get(id) else {
            return false;
        };
        {
            let mut life = conn.life.lock();
            if !matches!(&*life, Life::Dormant { moving: true, .. }) {
                return false;
            }
            conn.set_moving(&mut life, false);
        }
        conn.relay_until(below);
        self.give_token(&conn, token);
        true
    }

    /// Builds a ghost another node claimed for a client here: dormant, in every index, so it
    /// receives what is sent to it from now on. `None` if its id is taken here.
    pub fn adopt(
        &self,
        state: &Handover,
        limits: (usize, usize),
        now_ms: u64,
    ) -> Option<Arc<Connection>> {
        let remote = state
            .remote_addr
            .parse()
            .unwrap_or(SocketAddr::from(([0, 0, 0, 0], 0)));
        let conn = Arc::new(Connection::new(
            Arc::from(state.id.as_str()),
            Arc::from(state.route.as_str()),
            state.user.clone(),
            remote,
            state.trusted,
            Socket::new(),
            limits,
            now_ms,
        ));
        {
            let connections = self.connections.read();
            if connections.contains_key(state.id.as_str()) {
                return None;
            }
        }
        {
            let mut life = conn.life.lock();
            // Moving until it arrives: a claim meanwhile is told to come back (`moving`).
            let dormant = Life::Dormant {
                since: Instant::now(),
                code: 1001,
                moving: true,
            };
            conn.set_life(&mut life, dormant);
        }
        conn.ghost.store(true, std::sync::atomic::Ordering::Release);
        // Every operation of this node that Redis brings back reaches it, until it arrives.
        conn.relay_from(0);
        self.register(conn.clone());
        for channel in &state.subscriptions {
            self.subscribe(&state.id, channel, |_| {});
        }
        for tag in &state.tags {
            self.tag(&state.id, tag);
        }
        for (key, value) in &state.info {
            self.set_info(&state.id, key, value.clone());
        }
        if let Some(status) = state
            .presence
            .as_deref()
            .and_then(|s| crate::protocol::presence_status(s).ok())
        {
            conn.set_presence(status);
        }
        if state.ping_interval_ms > 0 {
            conn.enable_ping(state.ping_interval_ms);
        }
        Some(conn)
    }

    /// The cut, on the node that adopted `id`: what it queued before, the other node gives.
    pub fn cut(&self, id: &str) {
        if let Some(conn) = self.get(id) {
            conn.forget_queued();
        }
    }

    /// The other node's messages arrive, ahead of those queued here since the cut: the
    /// ghost is this node's now, to resume or to release.
    /// `below`: this node's next operation number (under `ROUTING`).
    pub fn arrive(&self, conn: &Arc<Connection>, parcel: Parcel, below: u64) {
        let frames = parcel
            .messages
            .iter()
            .map(|m| Frame::carried(m.binary, &m.payload, m.seq))
            .collect();
        conn.arrive(frames, parcel.last_sent);
        conn.set_moving(&mut conn.life.lock(), false);
        conn.relay_until(below);
    }

    /// Whether `token` names a ghost on its way between nodes: a client that presents it is
    /// asked to try again in a moment.
    pub fn moving(&self, token: &str) -> bool {
        let conn = self.tokens.lock().get(token).cloned();
        conn.is_some_and(|c| matches!(&*c.life.lock(), Life::Dormant { moving: true, .. }))
    }

    /// The node stops and hands its ghosts to the others: every native connection with a
    /// resume token becomes a ghost, and its socket closes (1012, `service_restart`), so it
    /// goes dormant with what it had not written. Their ids.
    pub fn close_for_handoff(&self) -> Vec<Arc<str>> {
        let mut ids = Vec::new();
        for conn in self.open_connections(None) {
            if conn.speaks_pusher() || conn.resume_token.lock().is_none() {
                continue;
            }
            conn.ghost.store(true, std::sync::atomic::Ordering::Release);
            if let Some(socket) = conn.socket() {
                socket.close(1012, super::socket::reason::SERVICE_RESTART);
            }
            ids.push(conn.id());
        }
        ids
    }

    /// Whether `id` has a live socket.
    pub fn is_live(&self, id: &str) -> bool {
        self.get(id).is_some_and(|c| c.is_open() && !c.is_dormant())
    }

    /// A dormant ghost this stopping node gives away: its state and its token, which stays
    /// valid (a client presenting it meanwhile is asked to try again) until the node that
    /// adopts it takes it (`let_go`).
    /// `from`: this node's next operation number (under `ROUTING`).
    pub fn hand_off(&self, id: &str, from: u64) -> Option<(Handover, String)> {
        let conn = self.get(id)?;
        let mut life = conn.life.lock();
        if !conn.is_ghost() || !matches!(&*life, Life::Dormant { moving: false, .. }) {
            return None;
        }
        let token = conn.resume_token.lock().as_deref()?.to_string();
        conn.set_moving(&mut life, true);
        drop(life);
        conn.relay_from(from);
        Some((handover_of(&conn), token))
    }

    /// The token of a ghost handed off here: a client resumes it with it, on any node.
    pub fn give_token(&self, conn: &Arc<Connection>, token: &str) {
        let token: Arc<str> = Arc::from(token);
        self.tokens.lock().insert(token.clone(), conn.clone());
        *conn.resume_token.lock() = Some(token);
    }

    /// The move failed: the adopted ghost goes, without a report (the node that held it
    /// reports its end, or still holds it).
    pub fn abandon(&self, conn: &Arc<Connection>) {
        {
            let mut life = conn.life.lock();
            if matches!(&*life, Life::Gone) {
                return;
            }
            conn.ghost
                .store(false, std::sync::atomic::Ordering::Release);
            conn.set_life(&mut life, Life::Gone);
        }
        self.retire(conn);
        self.forget(&conn.id());
    }

    /// The client's socket takes the arrived ghost; false if it went meanwhile.
    pub fn wake(&self, conn: &Connection, socket: Arc<Socket>) -> bool {
        let mut life = conn.life.lock();
        if !matches!(&*life, Life::Dormant { .. }) || !conn.is_ghost() {
            return false;
        }
        conn.set_life(&mut life, Life::Live(socket));
        conn.reset_backlog();
        true
    }
}

fn handover_of(conn: &Connection) -> Handover {
    let (tags, info, presence) = conn.read_extra(|extra| match extra {
        Some(e) => (
            e.tags.iter().map(|t| t.to_string()).collect(),
            e.info
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            e.presence.map(str::to_string),
        ),
        None => (Vec::new(), Vec::new(), None),
    });
    Handover {
        id: conn.id().to_string(),
        route: conn.route.to_string(),
        user: conn.user.clone(),
        remote_addr: conn.remote_addr.to_string(),
        trusted: conn.trusted,
        subscriptions: conn.subscriptions(),
        tags,
        info,
        presence,
        ping_interval_ms: conn.ping_interval_ms(),
    }
}
