//! `Node`: the state this process serves, shared by the listener, connection tasks, the admin
//! API and PHP calls. Operations reach it through `route` (see `ops`).

use crate::auth::Authenticator;
use crate::broker::Broker;
use crate::config::Config;
use crate::events::{Event, EventQueue};
use crate::global_store::GlobalStore;
use crate::hub::connection::reason;
use crate::hub::stats::Stats;
use crate::hub::{Ending, Hub};
use crate::ops::router::Router;
use crate::server::admission::Admission;
use crate::server::arrivals::Arrivals;
use crate::shutdown::Shutdown;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;

pub struct Node {
    pub config: Config,
    pub hub: Arc<Hub>,
    pub events: EventQueue,
    pub broker: Box<dyn Broker>,
    pub global: GlobalStore,
    pub shutdown: Shutdown,
    /// Connection limits and handshake rate, met before authentication.
    pub admission: Arc<Admission>,
    /// The handshakes under way; a stopping node refuses new ones.
    pub arrivals: Arc<Arrivals>,
    pub auth: Authenticator,
    /// Where every operation enters, and its dispatch counts.
    pub router: Router,
    started: Instant,
}

impl Node {
    pub fn new(config: Config, hub: Arc<Hub>, broker: Box<dyn Broker>) -> Result<Self, String> {
        let events = EventQueue::new(config.event_queue_size);
        let admission = Admission::new(
            config.max_connections,
            config.max_connections_per_ip,
            config.handshake_rate,
        );
        let auth = Authenticator::new(&config)?;
        Ok(Node {
            config,
            hub,
            events,
            broker,
            global: GlobalStore::default(),
            shutdown: Shutdown::new(),
            admission,
            arrivals: Arrivals::new(),
            auth,
            router: Router::default(),
            started: Instant::now(),
        })
    }

    /// Milliseconds since the node started: the clock for heartbeats.
    pub fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// Nanoseconds since the node started: the clock for ping round trips.
    pub fn now_ns(&self) -> u64 {
        self.started.elapsed().as_nanos() as u64
    }

    /// Closes a connection for good (1000, `killed`); a dormant ghost's close is reported here,
    /// a live socket's by its tasks. False for an unknown connection.
    pub(crate) fn kill(&self, id: &str) -> bool {
        let ending = self.hub.kill(id);
        self.report_ending(id, &ending, reason::KILLED, false);
        ending != Ending::None
    }

    /// Reports a connection that `kill` or a release ended while it was dormant (a live
    /// socket's end is reported by its tasks).
    pub(crate) fn report_ending(
        &self,
        id: &str,
        ending: &Ending,
        why: &'static str,
        released: bool,
    ) {
        let Ending::Retired { code } = *ending else {
            return;
        };
        let Some(conn) = self.hub.get(id) else { return };
        for event in Event::ending(&conn, code, why, released) {
            self.push_now(event);
        }
    }

    /// Releases ghosts dormant longer than `ghost_ttl` (same events as a release).
    pub fn release_expired_ghosts(&self) {
        if self.config.ghost_ttl.is_zero() {
            return;
        }
        for id in self.hub.expired_ghosts(self.config.ghost_ttl) {
            let ending = self.hub.release_expired(&id, self.config.ghost_ttl);
            self.report_ending(&id, &ending, reason::GHOST_RELEASED, true);
        }
    }

    /// Queues an event without waiting for room: for events raised under a lock (a `join`
    /// must be queued where the change is made, or a racing change's event could pass it),
    /// or by the PHP thread itself, which is the consumer.
    pub fn push_now(&self, event: Event) {
        Stats::add(&self.hub.stats.events_queued, 1);
        self.events.push_now(event);
    }

    /// The `/stats` document: connections, users, rooms, then every counter.
    pub fn stats_json(&self) -> Value {
        let (connections, users, rooms, room_list) = self.hub.summary();
        let mut doc = json!({
            "node": self.config.node_name,
            "connections": connections,
            "users": users,
            "rooms": rooms,
            "room_list": room_list,
            "events_pending": self.events.len(),
            "uptime_seconds": self.started.elapsed().as_secs(),
        });
        for (name, _, value) in self.hub.stats.snapshot() {
            doc[name] = json!(value);
        }
        if let Some(broker) = self.broker.stats() {
            doc["redis"] = broker;
        }
        if let Some(cluster) = self.broker.cluster() {
            doc["cluster"] = cluster;
        }
        doc["ops"] = self
            .router
            .snapshot()
            .into_iter()
            .map(|(name, n)| (name.to_string(), json!(n)))
            .collect();
        doc
    }

    /// The `/metrics` document in Prometheus text format.
    pub fn metrics_text(&self) -> String {
        let (connections, users, rooms, _) = self.hub.summary();
        let mut out = String::new();
        let mut gauge = |name: &str, help: &str, kind: &str, value: u64| {
            out.push_str(&format!(
                "# HELP frankenphp_ws_{name} {help}\n# TYPE frankenphp_ws_{name} {kind}\nfrankenphp_ws_{name} {value}\n"
            ));
        };
        gauge(
            "connections",
            "open WebSocket connections",
            "gauge",
            connections as u64,
        );
        gauge(
            "users",
            "distinct authenticated users connected",
            "gauge",
            users as u64,
        );
        gauge(
            "channels",
            "channels with at least one subscriber",
            "gauge",
            rooms as u64,
        );
        gauge(
            "events_pending",
            "events waiting for the worker",
            "gauge",
            self.events.len() as u64,
        );
        for (name, help, value) in self.hub.stats.snapshot() {
            gauge(&format!("{name}_total"), help, "counter", value);
        }
        out.push_str("# HELP frankenphp_ws_ops_total operations routed, by PHP function\n# TYPE frankenphp_ws_ops_total counter\n");
        for (name, n) in self.router.snapshot() {
            out.push_str(&format!("frankenphp_ws_ops_total{{op=\"{name}\"}} {n}\n"));
        }
        out.push_str(&self.broker.metrics());
        out
    }
}
