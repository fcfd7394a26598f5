//! Pusher's HTTP API on the WebSocket listener, as the Pusher server SDKs (and Laravel's
//! `pusher` broadcaster) call it: every request signed (`sign::check_request`).
//!
//! - `POST /apps/{id}/events`: one event to up to 100 channels, `socket_id` excluded;
//! - `POST /apps/{id}/batch_events`: up to 10 events;
//! - `GET /apps/{id}/channels` (`filter_by_prefix`, `info=user_count`);
//! - `GET /apps/{id}/channels/{name}` (`info=subscription_count,user_count`);
//! - `GET /apps/{id}/channels/{name}/users` (presence channels);
//! - `POST /apps/{id}/users/{user}/terminate_connections`; an event to `#server-to-user-{id}`
//!   goes to a signed-in user's connections.
//!
//! Events go through the routing point as `Op::Trigger`, so they reach every node. Channel
//! lists and subscriber counts are the cluster's (routed reads), and so are presence users
//! (`Broker::presence_members`).

use super::sign;
use crate::config::PusherApp;
use crate::node::Node;
use crate::ops::{Channel, EventName, Id, Op, OpError, Reply, UserId};
use crate::server::http::{parse_query, percent_decode_path, respond, Body};
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// A channel name that stands for a signed-in user's connections (`#server-to-user-{id}`).
const USER_CHANNEL: &str = "#server-to-user-";

/// At most this many channels per event, and events per batch, as Pusher allows.
const MAX_CHANNELS: usize = 100;
const MAX_BATCH: usize = 10;
/// A body may hold `max_message_size` of data and this much more (names, channels, JSON).
const BODY_OVERHEAD: usize = 64 * 1024;
/// A body must arrive within this time once the headers have.
const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Refused requests logged at most once a second: anyone who reaches the port can make many.
static REFUSALS_LOGGED: crate::log::LogLimiter = crate::log::LogLimiter::new();

struct Refused(StatusCode, String);

type Answer = Result<Value, Refused>;

fn bad(why: impl Into<String>) -> Refused {
    Refused(StatusCode::BAD_REQUEST, why.into())
}

pub async fn serve(req: Request<Incoming>, node: Arc<Node>, app: &PusherApp) -> Response<Body> {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = parse_query(req.uri().query().unwrap_or(""));
    let Some(rest) = path
        .strip_prefix("/apps/")
        .and_then(|p| p.strip_prefix(app.app_id.as_str()))
        .and_then(|p| p.strip_prefix('/'))
    else {
        return answer(Err(Refused(StatusCode::NOT_FOUND, "Unknown app".into())));
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // The signature first: an unsigned request gets nothing buffered.
    if let Err(why) = sign::check_request(app, &method, &path, &query, now) {
        return answer(Err(Refused(StatusCode::UNAUTHORIZED, why)));
    }
    let limit = node.config.max_message_size + BODY_OVERHEAD;
    let read = tokio::time::timeout(BODY_TIMEOUT, Limited::new(req.into_body(), limit).collect());
    let body = match read.await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(_)) => {
            let why = format!("the body is over max_message_size ({}) plus {BODY_OVERHEAD} bytes", node.config.max_message_size);
            return answer(Err(Refused(StatusCode::PAYLOAD_TOO_LARGE, why)));
        }
        Err(_) => return answer(Err(Refused(StatusCode::REQUEST_TIMEOUT, "the body did not arrive in time".into()))),
    };
    if let Err(why) = sign::check_body(&query, &body) {
        return answer(Err(Refused(StatusCode::UNAUTHORIZED, why)));
    }
    let value = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let result = match (method.as_str(), rest) {
        ("POST", "events") => json_body(&body)
            .and_then(|event| send(&node, trigger(&node, &event)?))
            .map(|_| json!({})),
        ("POST", "batch_events") => json_body(&body).and_then(|body| batch(&node, &body)),
        ("POST", rest) if terminated_user(rest).is_some() => {
            terminate(&node, terminated_user(rest).expect("matched"))
        }
        ("GET", "channels") => channels(&node, value("filter_by_prefix"), value("info")),
        ("GET", rest) if rest.starts_with("channels/") => {
            let rest = &rest["channels/".len()..];
            match rest.strip_suffix("/users") {
                Some(channel) => users(&node, channel),
                None => channel(&node, rest, value("info")),
            }
        }
        _ => Err(Refused(StatusCode::NOT_FOUND, format!("no endpoint {method} {path}"))),
    };
    answer(result)
}

fn answer(result: Answer) -> Response<Body> {
    match result {
        Ok(value) => respond(StatusCode::OK, "application/json", value.to_string()),
        Err(Refused(status, why)) => {
            if status == StatusCode::UNAUTHORIZED {
                if let Some(suppressed) = REFUSALS_LOGGED.allow() {
                    tracing::warn!(suppressed, "Pusher HTTP API request refused (401): {why}");
                }
            }
            respond(status, "text/plain; charset=utf-8", format!("{why}\n"))
        }
    }
}

fn json_body(body: &Bytes) -> Result<Value, Refused> {
    serde_json::from_slice(body).map_err(|e| bad(format!("the body must be JSON: {e}")))
}

fn routed(node: &Node, op: Op) -> Result<Reply, Refused> {
    node.route(op).map_err(|e| match e {
        OpError::InvalidArgument(m) => bad(m),
        OpError::Unreachable(m) | OpError::Failed(m) => Refused(StatusCode::BAD_GATEWAY, m),
    })
}

fn string<'a>(event: &'a Value, field: &str) -> Result<&'a str, Refused> {
    event
        .get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| bad(format!("\"{field}\" must be a string")))
}

/// One event (`name`, `data`, `channels` or `channel`, `socket_id`): one operation per
/// channel, all checked before any is sent.
fn trigger(node: &Node, event: &Value) -> Result<Vec<Op>, Refused> {
    let event_name = EventName::new(string(event, "name")?).map_err(|e| bad(e.to_string()))?;
    super::wire::check_application_event(event_name.as_str()).map_err(bad)?;
    let data = string(event, "data")?;
    if data.len() > node.config.max_message_size {
        return Err(Refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("\"data\" is {} bytes; the limit is max_message_size ({})", data.len(), node.config.max_message_size),
        ));
    }
    let mut names: Vec<&str> = match (event.get("channels"), event.get("channel")) {
        (Some(Value::Array(list)), _) => list.iter().filter_map(Value::as_str).collect(),
        (None, Some(Value::String(one))) => vec![one.as_str()],
        _ => return Err(bad("\"channels\" must be an array of channel names (or \"channel\" one name)")),
    };
    if names.is_empty() || names.len() > MAX_CHANNELS {
        return Err(bad(format!("an event goes to 1 to {MAX_CHANNELS} channels")));
    }
    // A channel named twice gets the event once.
    let mut seen = std::collections::HashSet::new();
    names.retain(|name| seen.insert(*name));
    let except = match event.get("socket_id").and_then(Value::as_str) {
        Some(id) => Some(Id::new(id).map_err(|e| bad(e.to_string()))?),
        None => None,
    };
    let data = Bytes::copy_from_slice(data.as_bytes());
    names
        .iter()
        .map(|name| {
            // The SDKs' sendToUser(): an event on the user's own channel.
            if let Some(user) = name.strip_prefix(USER_CHANNEL) {
                return Ok(Op::BroadcastToUser {
                    user: UserId::new(user).map_err(|e| bad(e.to_string()))?,
                    data: data.clone(),
                    binary: false,
                    event: Some(event_name.clone()),
                });
            }
            Ok(Op::Trigger {
                channel: Channel::new(name).map_err(|e| bad(e.to_string()))?,
                event: event_name.clone(),
                data: data.clone(),
                except: except.clone(),
                user_id: None,
            })
        })
        .collect()
}

fn send(node: &Node, ops: Vec<Op>) -> Result<(), Refused> {
    for op in ops {
        routed(node, op)?;
    }
    Ok(())
}

fn batch(node: &Node, body: &Value) -> Answer {
    let Some(events) = body.get("batch").and_then(Value::as_array) else {
        return Err(bad("\"batch\" must be an array of events"));
    };
    if events.len() > MAX_BATCH {
        return Err(bad(format!("a batch holds at most {MAX_BATCH} events")));
    }
    // Every event checked before any is sent: a bad batch sends nothing.
    let ops = events
        .iter()
        .map(|event| trigger(node, event))
        .collect::<Result<Vec<_>, _>>()?;
    send(node, ops.into_iter().flatten().collect())?;
    Ok(json!({"batch": events.iter().map(|_| json!({})).collect::<Vec<_>>()}))
}

/// `users/{user}/terminate_connections`: the user, as the path names it.
fn terminated_user(rest: &str) -> Option<&str> {
    rest.strip_prefix("users/")?
        .strip_suffix("/terminate_connections")
}

/// Ends every connection of a signed-in user (as `disconnectUser()`), on every node.
fn terminate(node: &Node, user: &str) -> Answer {
    let user = UserId::new(percent_decode_path(user)).map_err(|e| bad(e.to_string()))?;
    routed(node, Op::DisconnectUser { user })?;
    Ok(json!({}))
}

/// A presence channel's users: the cluster's with a Redis driver, else this node's.
fn presence_users(node: &Node, channel: &str) -> Result<Vec<String>, Refused> {
    match node.broker.presence_members(channel) {
        None => Ok(node.hub.roster.users(channel)),
        Some(Ok(members)) => Ok(members.into_iter().map(|(id, _)| id).collect()),
        Some(Err(e)) => Err(Refused(StatusCode::BAD_GATEWAY, e.to_string())),
    }
}

fn asks(info: Option<&str>, what: &str) -> bool {
    info.is_some_and(|i| i.split(',').any(|w| w.trim() == what))
}

fn channels(node: &Node, prefix: Option<&str>, info: Option<&str>) -> Answer {
    let prefix = prefix.unwrap_or("");
    let user_count = asks(info, "user_count");
    if user_count && !prefix.starts_with("presence-") {
        return Err(bad("info=user_count needs filter_by_prefix=presence-"));
    }
    let Reply::Ids(names) = routed(node, Op::GetChannels {})? else {
        return Err(Refused(StatusCode::INTERNAL_SERVER_ERROR, "unexpected answer".into()));
    };
    let mut listed = Map::new();
    for name in names {
        if !name.starts_with(prefix) || name.starts_with('#') {
            continue;
        }
        let details = match user_count {
            true => json!({"user_count": presence_users(node, &name)?.len()}),
            false => json!({}),
        };
        listed.insert(name, details);
    }
    Ok(json!({ "channels": listed }))
}

fn channel(node: &Node, name: &str, info: Option<&str>) -> Answer {
    let name = Channel::new(name).map_err(|e| bad(e.to_string()))?;
    let count = Op::GetChannelCount {
        channel: name.clone(),
    };
    let Reply::Count(subscribers) = routed(node, count)? else {
        return Err(Refused(StatusCode::INTERNAL_SERVER_ERROR, "unexpected answer".into()));
    };
    let mut answer = json!({ "occupied": subscribers > 0 });
    if asks(info, "subscription_count") {
        answer["subscription_count"] = json!(subscribers);
    }
    if asks(info, "user_count") {
        if !name.as_str().starts_with("presence-") {
            return Err(bad("info=user_count is for presence channels"));
        }
        answer["user_count"] = json!(presence_users(node, name.as_str())?.len());
    }
    Ok(answer)
}

fn users(node: &Node, name: &str) -> Answer {
    if !name.starts_with("presence-") {
        return Err(bad("users are listed for presence channels only"));
    }
    let users: Vec<Value> = presence_users(node, name)?
        .into_iter()
        .map(|id| json!({ "id": id }))
        .collect();
    Ok(json!({ "users": users }))
}
