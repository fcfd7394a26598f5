//! `Node`: the state this process serves, shared by the listener, connection tasks, the admin
//! API and PHP calls, and where a `Call` (see `call`) is executed.

use crate::auth::Authenticator;
pub use crate::call::{Call, CallError, Op};
use crate::call::invalid;
use crate::broker::Broker;
use crate::config::Config;
use crate::events::{Event, EventQueue};
use crate::global_store::GlobalStore;
use crate::hub::connection::{reason, Connection};
use crate::hub::stats::Stats;
use crate::hub::{frame_for, Change, Ending, Hub};
use crate::protocol;
use tokio_tungstenite::tungstenite::Message;
use crate::server::admission::Admission;
use crate::shutdown::Shutdown;
use bytes::Bytes;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Node {
    pub config: Config,
    pub hub: Arc<Hub>,
    pub events: EventQueue,
    pub broker: Box<dyn Broker>,
    pub global: GlobalStore,
    pub shutdown: Shutdown,
    /// Connection limits and handshake rate, met before authentication.
    pub admission: Arc<Admission>,
    pub auth: Authenticator,
    started: Instant,
}

impl Node {
    pub fn new(config: Config, hub: Arc<Hub>, broker: Box<dyn Broker>) -> Result<Self, String> {
        let events = EventQueue::new(config.event_queue_size);
        let admission = Admission::new(config.max_connections, config.max_connections_per_ip, config.handshake_rate);
        let auth = Authenticator::new(&config)?;
        Ok(Node {
            config,
            hub,
            events,
            broker,
            global: GlobalStore::default(),
            shutdown: Shutdown::new(),
            admission,
            auth,
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

    /// Publishes to a channel (already validated): the hot path of `broadcast()`.
    pub fn broadcast(&self, channel: &str, data: Bytes) {
        Stats::add(&self.hub.stats.broadcasts, 1);
        self.broker.publish(channel, data);
    }

    pub fn execute(&self, call: Call) -> Result<Value, CallError> {
        call.validate()?;
        let hub = &self.hub;
        let route = call.route()?;
        let id = call.target.as_deref().unwrap_or("");
        let arg = |name: &str| call.get(name).unwrap_or("");
        let number = |name: &str, default: i64| call.number(name, default).unwrap_or(default);
        Ok(match call.op {
            Op::Broadcast => {
                self.broadcast(id, call.data.clone());
                Value::Null
            }
            Op::Send | Op::SendBinary => {
                json!(hub.send(id, frame_for(call.data.clone(), call.op == Op::SendBinary), route))
            }
            Op::SendAll => json!(hub.send_all(&frame_for(call.data.clone(), false), route)),
            Op::GetClients => json!(hub.clients(route)),
            Op::GetClientsCount => json!(hub.clients_count(route)),
            Op::KillConnection => json!(self.kill(id)),
            Op::ListRoutes => json!(hub.routes()),
            Op::Subscribe => {
                let channel = arg("channel");
                let change = hub.subscribe(id, channel, |join| self.push_now(join));
                if change != Change::NoSuchConnection {
                    // A grant of a protected channel the client asked for: tell the client.
                    if let Some(conn) = hub.get(id).filter(|c| c.take_grant_request(channel)) {
                        conn.reply(Message::text(protocol::subscribed_reply(channel)));
                    }
                }
                json!(change != Change::NoSuchConnection)
            }
            Op::DenySubscription => {
                let channel = arg("channel");
                let denied = hub.get(id).filter(|c| c.take_grant_request(channel));
                if let Some(conn) = &denied {
                    let reason = match arg("reason") {
                        "" => "the application refused this channel",
                        reason => reason,
                    };
                    conn.reply(Message::text(protocol::channel_error("subscription_denied", channel, reason)));
                }
                json!(denied.is_some())
            }
            Op::Unsubscribe => {
                let channel = arg("channel");
                let change = hub.unsubscribe(id, channel, |leave| self.push_now(leave));
                json!(change == Change::Done)
            }
            Op::GetSubscriptions => json!(hub.subscriptions(id)),
            Op::GetChannels => json!(hub.channels()),
            Op::BroadcastToUser => {
                Stats::add(&hub.stats.broadcasts, 1);
                self.broker.send_to_user(id, call.data.clone());
                Value::Null
            }
            Op::DisconnectUser => json!(hub.user_connections(id).iter().filter(|c| self.kill(c)).count()),
            Op::GetChannelUsers => json!(hub.channel_users(id)),
            Op::GetUserConnections => json!(hub.user_connections(id)),
            Op::SetPresence => {
                let status = protocol::presence_status(arg("status")).map_err(invalid)?;
                json!(hub.with_open(id, |c| c.set_presence(status)).is_some())
            }
            Op::GetPresence => json!(hub.presence(id)),
            Op::ActivateGhost => json!(hub.activate_ghost(id)),
            Op::ReleaseGhost => {
                let ending = hub.release_ghost(id);
                self.report_ending(id, &ending, reason::GHOST_RELEASED, true);
                json!(ending != Ending::None)
            }
            Op::IsGhost => json!(hub.is_ghost(id)),
            Op::GetResumeToken => json!(hub.resume_token(id)),
            Op::RenameConnection => json!(hub.rename(id, arg("new_id"))),
            Op::TagClient => json!(hub.tag(id, arg("tag"))),
            Op::UntagClient => json!(hub.untag(id, arg("tag"))),
            Op::ClearTagClient => json!(hub.clear_tags(id)),
            Op::GetTags => match &call.target {
                Some(id) => json!(hub.tags_of(id)),
                None => json!(hub.all_tags()),
            },
            Op::GetClientsByTag => json!(hub.clients_by_tag(id)),
            Op::GetTagCount => json!(hub.tag_count(id)),
            Op::SendToTag => json!(hub.send_to_tag(id, &frame_for(call.data.clone(), false), route)),
            Op::SendToTagExpression => {
                let expr = call.expression()?;
                let frame = frame_for(call.data.clone(), false);
                json!(hub.send_to_expression(arg("expression"), &expr, &frame, route))
            }
            Op::GetClientsByTagExpression => json!(hub.clients_by_expression(arg("expression"), &call.expression()?)),
            Op::SetStoredInformation => json!(hub.set_info(id, arg("key"), arg("value"))),
            Op::GetStoredInformation => json!(hub.get_info(id, arg("key"))),
            Op::DeleteStoredInformation => json!(hub.delete_info(id, arg("key"))),
            Op::ClearStoredInformation => json!(hub.clear_info(id)),
            Op::HasStoredInformation => json!(hub.has_info(id, arg("key"))),
            Op::ListStoredInformationKeys => json!(hub.info_keys(id)),
            Op::SearchStoredInformation => json!(hub.search_info(arg("key"), &call.matcher()?, route)),
            Op::GlobalSet => {
                let expire = Duration::from_secs(number("expire", 0) as u64);
                self.global.set(id, arg("value"), expire);
                Value::Null
            }
            Op::GlobalGet => json!(self.global.get(id).unwrap_or_default()),
            Op::GlobalHas => json!(self.global.get(id).is_some()),
            Op::GlobalDelete => json!(self.global.delete(id)),
            Op::EnablePing => json!(hub.with_open(id, |c| c.enable_ping(number("interval", 0) as u64)).is_some()),
            Op::DisablePing => json!(hub.with_open(id, Connection::disable_ping).is_some()),
            Op::GetClientPingTime => json!(hub.get(id).map_or(0, |c| c.rtt_ns())),
            Op::EnableQueueCounter => json!(hub.enable_history(
                id,
                number("max", 100) as usize,
                Duration::from_secs(number("max_time", 3600) as u64)
            )),
            Op::DisableQueueCounter => json!(hub.with_open(id, |c| c.set_history(None)).is_some()),
            Op::GetClientMessageCounter => json!(hub
                .get(id)
                .and_then(|c| c.read_extra(|e| e.and_then(|e| e.history.as_ref().map(|h| h.counter()))))
                .unwrap_or(0)),
            Op::GetClientMessageQueue => {
                let entries = hub.get(id).map(|c| {
                    c.with_extra(|e| match e.history.as_mut() {
                        Some(h) => h
                            .entries()
                            .iter()
                            .map(|m| json!({"id": m.id, "time": m.time, "data": String::from_utf8_lossy(&m.data)}))
                            .collect::<Vec<_>>(),
                        None => Vec::new(),
                    })
                });
                json!(entries.unwrap_or_default())
            }
            Op::ClearClientMessageQueue => json!(hub
                .get(id)
                .is_some_and(|c| c.with_extra(|e| e.history.as_mut().map(|h| h.clear()).is_some()))),
        })
    }

    /// Closes a connection for good (1000, `killed`); a dormant ghost's close is reported here,
    /// a live socket's by its tasks. False for an unknown connection.
    fn kill(&self, id: &str) -> bool {
        let ending = self.hub.kill(id);
        self.report_ending(id, &ending, reason::KILLED, false);
        ending != Ending::None
    }

    /// Reports a connection that `kill` or a release ended while it was dormant (a live
    /// socket's end is reported by its tasks).
    fn report_ending(&self, id: &str, ending: &Ending, why: &'static str, released: bool) {
        let Ending::Retired { code } = *ending else { return };
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
