//! `Node`: the state this process serves, shared by the listener, connection tasks, the admin
//! API and PHP calls; and `Call`, the one list of operations PHP can ask of a node.
//!
//! A PHP process that hosts the server executes a `Call` on its `Node` directly; any other
//! process sends the same `Call` to the admin API (`admin_client`), which executes it here.
//! So the bindings, the admin routes and the remote client cannot drift apart.

use crate::broker::Broker;
use crate::config::Config;
use crate::events::{Event, EventKind, EventQueue};
use crate::hub::stats::Stats;
use crate::hub::{frame_for, Change, Hub};
use crate::protocol::validate_channel;
use crate::shutdown::Shutdown;
use bytes::Bytes;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;

pub struct Node {
    pub config: Config,
    pub hub: Arc<Hub>,
    pub events: EventQueue,
    pub broker: Box<dyn Broker>,
    pub shutdown: Shutdown,
    started: Instant,
}

/// One operation of the PHP API (api.md 6, messaging and connections).
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    Broadcast { channel: String, data: Bytes },
    Send { id: String, data: Bytes, route: Option<String>, binary: bool },
    SendAll { data: Bytes, route: Option<String> },
    GetClients { route: Option<String> },
    GetClientsCount { route: Option<String> },
    KillConnection { id: String },
    ListRoutes,
    Subscribe { id: String, channel: String },
    Unsubscribe { id: String, channel: String },
    GetSubscriptions { id: String },
    GetChannels,
}

/// Why a call failed; each maps to a PHP exception class.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// The caller passed a bad argument: `InvalidArgumentException`.
    InvalidArgument(String),
    /// No server answered: `FrankenPhpWs\ServerUnreachableException`.
    Unreachable(String),
    /// The server answered with an error: `RuntimeException`.
    Failed(String),
}

impl Call {
    /// Checks arguments before anything is sent, so a bad call fails the same way everywhere.
    pub fn validate(&self) -> Result<(), CallError> {
        let channel = match self {
            Call::Broadcast { channel, .. }
            | Call::Subscribe { channel, .. }
            | Call::Unsubscribe { channel, .. } => Some(channel),
            _ => None,
        };
        if let Some(channel) = channel {
            validate_channel(channel).map_err(CallError::InvalidArgument)?;
        }
        Ok(())
    }
}

impl Node {
    pub fn new(config: Config, hub: Arc<Hub>, broker: Box<dyn Broker>) -> Self {
        let events = EventQueue::new(config.event_queue_size);
        Node { config, hub, events, broker, shutdown: Shutdown::new(), started: Instant::now() }
    }

    /// Milliseconds since the node started: the clock for heartbeats.
    pub fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    pub fn execute(&self, call: Call) -> Result<Value, CallError> {
        call.validate()?;
        let hub = &self.hub;
        Ok(match call {
            Call::Broadcast { channel, data } => {
                Stats::add(&hub.stats.broadcasts, 1);
                self.broker.publish(&channel, data);
                Value::Null
            }
            Call::Send { id, data, route, binary } => {
                json!(hub.send(&id, frame_for(data, binary), route.as_deref()))
            }
            Call::SendAll { data, route } => {
                json!(hub.send_all(&frame_for(data, false), route.as_deref()))
            }
            Call::GetClients { route } => json!(hub.clients(route.as_deref())),
            Call::GetClientsCount { route } => json!(hub.clients_count(route.as_deref())),
            Call::KillConnection { id } => json!(hub.kill(&id)),
            Call::ListRoutes => json!(hub.routes()),
            Call::Subscribe { id, channel } => {
                let change = hub.subscribe(&id, &channel);
                if change == Change::Done {
                    self.membership_event(&id, &channel, true);
                }
                json!(change != Change::NoSuchConnection)
            }
            Call::Unsubscribe { id, channel } => {
                let change = hub.unsubscribe(&id, &channel);
                if change == Change::Done {
                    self.membership_event(&id, &channel, false);
                }
                json!(change == Change::Done)
            }
            Call::GetSubscriptions { id } => json!(hub.subscriptions(&id)),
            Call::GetChannels => json!(hub.channels()),
        })
    }

    /// A `join`/`leave` caused by a PHP call: queued without waiting (the caller is the worker).
    fn membership_event(&self, id: &str, channel: &str, joined: bool) {
        let Some(conn) = self.hub.get(id) else { return };
        let channel = channel.to_string();
        let user = conn.user.clone();
        let kind = if joined {
            EventKind::Join { channel, user }
        } else {
            EventKind::Leave { channel, user }
        };
        self.events.push_now(Event {
            kind,
            connection: conn.id.clone(),
            route: conn.route.clone(),
            payload: None,
        });
    }

    /// The `/stats` document: seed 004's shape plus the counters.
    pub fn stats_json(&self) -> Value {
        let (connections, users, rooms, room_list) = self.hub.summary();
        let mut doc = json!({
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
        gauge("connections", "open WebSocket connections", "gauge", connections as u64);
        gauge("users", "distinct authenticated users connected", "gauge", users as u64);
        gauge("channels", "channels with at least one subscriber", "gauge", rooms as u64);
        gauge("events_pending", "events waiting for the worker", "gauge", self.events.len() as u64);
        for (name, help, value) in self.hub.stats.snapshot() {
            gauge(&format!("{name}_total"), help, "counter", value);
        }
        out
    }
}
