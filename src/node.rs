//! `Node`: the state this process serves, shared by the listener, connection tasks, the admin
//! API and PHP calls; and `Call`, one operation PHP can ask of a node.
//!
//! A PHP process that hosts the server executes a `Call` on its `Node` directly; any other
//! process sends the same `Call` to the admin API (`admin_client`), which executes it here.
//! `Op` is the one table of operations: its name is the admin endpoint, its method the HTTP
//! verb; a call's target (an id, a channel, a tag) is the path segment after the name, its
//! other arguments the query string and its data the body. So the bindings, the admin routes
//! and the remote client cannot drift apart.

use crate::auth::Authenticator;
use crate::broker::Broker;
use crate::config::Config;
use crate::events::{Event, EventQueue};
use crate::global_store::GlobalStore;
use crate::hub::connection::{reason, Connection};
use crate::hub::search::Matcher;
use crate::hub::stats::Stats;
use crate::hub::tag_expression::{self, validate_tag};
use crate::hub::{frame_for, Change, Ending, Hub};
use crate::protocol::{self, validate_channel};
use tokio_tungstenite::tungstenite::Message;
use crate::server::admission::Admission;
use crate::shutdown::Shutdown;
use bytes::Bytes;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

macro_rules! ops {
    ($($variant:ident = $name:literal $method:literal,)*) => {
        /// Every operation, with its admin endpoint name and HTTP method.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Op { $($variant,)* }

        impl Op {
            pub const ALL: &'static [Op] = &[$(Op::$variant,)*];

            pub fn name(self) -> &'static str {
                match self { $(Op::$variant => $name,)* }
            }

            pub fn method(self) -> &'static str {
                match self { $(Op::$variant => $method,)* }
            }

            pub fn from_name(name: &str) -> Option<Op> {
                match name { $($name => Some(Op::$variant),)* _ => None }
            }
        }
    };
}

ops! {
    Broadcast = "broadcast" "POST",
    Send = "send" "POST",
    SendBinary = "sendBinary" "POST",
    SendAll = "sendAll" "POST",
    GetClients = "getClients" "GET",
    GetClientsCount = "getClientsCount" "GET",
    KillConnection = "killConnection" "POST",
    ListRoutes = "listRoutes" "GET",
    Subscribe = "subscribe" "POST",
    DenySubscription = "denySubscription" "POST",
    Unsubscribe = "unsubscribe" "POST",
    GetSubscriptions = "getSubscriptions" "GET",
    GetChannels = "getChannels" "GET",
    BroadcastToUser = "broadcastToUser" "POST",
    DisconnectUser = "disconnectUser" "POST",
    GetChannelUsers = "getChannelUsers" "GET",
    GetUserConnections = "getUserConnections" "GET",
    SetPresence = "setPresence" "POST",
    GetPresence = "getPresence" "GET",
    ActivateGhost = "activateGhost" "POST",
    ReleaseGhost = "releaseGhost" "POST",
    IsGhost = "isGhost" "GET",
    GetResumeToken = "getResumeToken" "POST",
    RenameConnection = "renameConnection" "POST",
    TagClient = "tagClient" "POST",
    UntagClient = "untagClient" "POST",
    ClearTagClient = "clearTagClient" "POST",
    GetTags = "getTags" "GET",
    GetClientsByTag = "getClientsByTag" "GET",
    GetTagCount = "getTagCount" "GET",
    SendToTag = "sendToTag" "POST",
    SendToTagExpression = "sendToTagExpression" "POST",
    GetClientsByTagExpression = "getClientsByTagExpression" "GET",
    SetStoredInformation = "setStoredInformation" "POST",
    GetStoredInformation = "getStoredInformation" "GET",
    DeleteStoredInformation = "deleteStoredInformation" "POST",
    ClearStoredInformation = "clearStoredInformation" "POST",
    HasStoredInformation = "hasStoredInformation" "GET",
    ListStoredInformationKeys = "listStoredInformationKeys" "GET",
    SearchStoredInformation = "searchStoredInformation" "GET",
    GlobalSet = "global_set" "POST",
    GlobalGet = "global_get" "GET",
    GlobalHas = "global_has" "GET",
    GlobalDelete = "global_delete" "POST",
    EnablePing = "enablePing" "POST",
    DisablePing = "disablePing" "POST",
    GetClientPingTime = "getClientPingTime" "GET",
    EnableQueueCounter = "enableQueueCounter" "POST",
    DisableQueueCounter = "disableQueueCounter" "POST",
    GetClientMessageCounter = "getClientMessageCounter" "GET",
    GetClientMessageQueue = "getClientMessageQueue" "GET",
    ClearClientMessageQueue = "clearClientMessageQueue" "POST",
}

/// One operation with its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub op: Op,
    /// The path segment after the name: a connection id, a channel, a tag or a key.
    pub target: Option<String>,
    /// Named arguments (the query string over HTTP).
    pub args: Vec<(String, String)>,
    /// Message data (the body over HTTP).
    pub data: Bytes,
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

fn invalid(message: impl Into<String>) -> CallError {
    CallError::InvalidArgument(message.into())
}

impl Call {
    pub fn new(op: Op) -> Call {
        Call { op, target: None, args: Vec::new(), data: Bytes::new() }
    }

    pub fn target(mut self, target: impl Into<String>) -> Call {
        self.target = Some(target.into());
        self
    }

    pub fn arg(mut self, name: &str, value: impl ToString) -> Call {
        self.args.push((name.to_string(), value.to_string()));
        self
    }

    pub fn opt_arg(self, name: &str, value: Option<impl ToString>) -> Call {
        match value {
            Some(value) => self.arg(name, value),
            None => self,
        }
    }

    pub fn data(mut self, data: Bytes) -> Call {
        self.data = data;
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.args.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn need(&self, name: &str) -> Result<&str, CallError> {
        self.get(name).ok_or_else(|| invalid(format!("{}: argument '{name}' is missing", self.op.name())))
    }

    fn subject(&self) -> Result<&str, CallError> {
        match self.target.as_deref() {
            Some(t) if !t.is_empty() => Ok(t),
            _ => Err(invalid(format!("{}: the {} must not be empty", self.op.name(), self.target_kind()))),
        }
    }

    fn target_kind(&self) -> &'static str {
        match self.op {
            Op::Broadcast | Op::GetChannelUsers => "channel",
            Op::BroadcastToUser | Op::DisconnectUser | Op::GetUserConnections | Op::GetPresence => "user id",
            Op::GetClientsByTag | Op::GetTagCount | Op::SendToTag => "tag",
            Op::GlobalSet | Op::GlobalGet | Op::GlobalHas | Op::GlobalDelete => "key",
            _ => "connection id",
        }
    }

    fn number(&self, name: &str, default: i64) -> Result<i64, CallError> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if n >= 0 => Ok(n),
                _ => Err(invalid(format!("{}: '{name}' must be an integer >= 0, got '{raw}'", self.op.name()))),
            },
        }
    }

    fn route(&self) -> Result<Option<&str>, CallError> {
        match self.get("route") {
            Some(r) if !r.starts_with('/') => {
                Err(invalid(format!("route must be a path starting with '/', got '{r}'")))
            }
            other => Ok(other),
        }
    }

    fn tag_arg(&self, tag: &str) -> Result<(), CallError> {
        validate_tag(tag).map_err(invalid)
    }

    fn expression(&self) -> Result<tag_expression::Expr, CallError> {
        tag_expression::parse(self.need("expression")?).map_err(invalid)
    }

    fn matcher(&self) -> Result<Matcher, CallError> {
        Matcher::new(self.need("op")?, self.need("value")?).map_err(invalid)
    }

    /// Checks the arguments before anything is sent, so a bad call fails the same way
    /// wherever it runs.
    pub fn validate(&self) -> Result<(), CallError> {
        self.route()?;
        match self.op {
            Op::GetClients | Op::GetClientsCount | Op::ListRoutes | Op::GetChannels | Op::SendAll => {}
            Op::GetTags => {
                if let Some(id) = &self.target {
                    if id.is_empty() {
                        return Err(invalid("getTags: the connection id must not be empty"));
                    }
                }
            }
            Op::Broadcast | Op::GetChannelUsers => validate_channel(self.subject()?).map_err(invalid)?,
            Op::SetPresence => {
                self.subject()?;
                protocol::presence_status(self.need("status")?).map_err(invalid)?;
            }
            Op::Subscribe | Op::Unsubscribe | Op::DenySubscription => {
                self.subject()?;
                validate_channel(self.need("channel")?).map_err(invalid)?;
            }
            Op::GetClientsByTag | Op::GetTagCount | Op::SendToTag => self.tag_arg(self.subject()?)?,
            Op::TagClient | Op::UntagClient => {
                self.subject()?;
                self.tag_arg(self.need("tag")?)?;
            }
            Op::SendToTagExpression | Op::GetClientsByTagExpression => {
                self.expression()?;
            }
            Op::SearchStoredInformation => {
                self.need("key")?;
                self.matcher()?;
            }
            Op::RenameConnection => {
                self.subject()?;
                if self.need("new_id")?.is_empty() {
                    return Err(invalid("renameConnection: the new id must not be empty"));
                }
            }
            Op::GlobalSet => {
                self.subject()?;
                self.need("value")?;
                self.number("expire", 0)?;
            }
            Op::SetStoredInformation => {
                self.subject()?;
                self.need("key")?;
                self.need("value")?;
            }
            Op::GetStoredInformation | Op::DeleteStoredInformation | Op::HasStoredInformation => {
                self.subject()?;
                self.need("key")?;
            }
            Op::EnablePing => {
                self.subject()?;
                self.number("interval", 0)?;
            }
            Op::EnableQueueCounter => {
                self.subject()?;
                self.number("max", 100)?;
                self.number("max_time", 3600)?;
            }
            _ => {
                self.subject()?;
            }
        }
        Ok(())
    }
}

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
                let change = hub.subscribe_reporting(id, channel, |conn| {
                    self.push_now(Event::membership(conn, channel.to_string(), true))
                });
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
                let change = hub.unsubscribe_reporting(id, channel, |conn| {
                    self.push_now(Event::membership(conn, channel.to_string(), false))
                });
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
