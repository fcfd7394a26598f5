//! A ghost moving to another node: its client came back there (resume on any node).
//!
//! The node its client reached (`adopt`, `arrive`, `wake`) and the node that held it
//! (`claim`, `hand_over`) each do their part here; the broker says when (`broker::moving`):
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
    /// and the ghost waits, dormant, for that node to take it (`hand_over`). Returns its state
    /// and the old socket, if it still looked alive (closed now, as on a takeover: the caller
    /// awaits its `released` before the messages can be handed over whole).
    pub fn claim(&self, token: &str) -> Option<(Handover, Option<Arc<Socket>>)> {
        let dormant = Life::Dormant {
            since: Instant::now(),
            code: 1001,
            moving: true,
        };
        let (conn, old) = self.take(token, dormant)?;
        Some((handover_of(&conn), old))
    }

    /// Lets a claimed ghost go to the node that adopted it: its messages go with it, and it
    /// leaves every index here without a report (its worker hears of it on the other node).
    /// `None` if it is no longer claimed (released or expired meanwhile: reported here).
    pub fn hand_over(&self, id: &str) -> Option<Parcel> {
        let conn = self.get(id)?;
        {
            let mut life = conn.life.lock();
            if !matches!(&*life, Life::Dormant { moving: true, .. }) {
                return None;
            }
            conn.ghost
                .store(false, std::sync::atomic::Ordering::Release);
            conn.set_life(&mut life, Life::Gone);
        }
        let (frames, last_sent) = conn.carry();
        self.retire(&conn);
        self.forget(id);
        let messages = frames
            .iter()
            .map(|f| Carried {
                binary: f.is_binary(),
                payload: f.payload(),
                seq: f.seq().unwrap_or(0),
            })
            .collect();
        Some(Parcel {
            messages,
            last_sent,
        })
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
            let mut life = conn.life.lock();
            let dormant = Life::Dormant {
                since: Instant::now(),
                code: 1001,
                moving: false,
            };
            conn.set_life(&mut life, dormant);
        }
        conn.ghost.store(true, std::sync::atomic::Ordering::Release);
        {
            let connections = self.connections.read();
            if connections.contains_key(state.id.as_str()) {
                return None;
            }
        }
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

    /// The other node's messages arrive, ahead of those queued here since the cut.
    pub fn arrive(&self, conn: &Connection, parcel: Parcel) {
        let frames = parcel
            .messages
            .iter()
            .map(|m| Frame::carried(m.binary, &m.payload, m.seq))
            .collect();
        conn.arrive(frames, parcel.last_sent);
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
