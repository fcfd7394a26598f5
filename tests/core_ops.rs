//! The operation model without PHP: every op survives the binary codec with binary and edge
//! values, a decoded op is checked like a built one, and every op goes through the one
//! routing point (`Node::route`), which counts it.

mod core_common;

use bytes::Bytes;
use core_common::*;
use frankenphp_ws::ops::{
    codec, rest, EventName, OpError, Expression, Filter, Key, Presence, Route, Tag, UserId,
};
use std::collections::HashMap;

fn id(s: &str) -> Id {
    Id::new(s).unwrap()
}

/// At least one op of every kind, with the awkward values: non-UTF-8 and NUL bytes in data,
/// empty data, non-ASCII names, the largest integers, routes present and absent.
fn samples() -> Vec<Op> {
    let binary = Bytes::from_static(b"\x00\xff\xfe\x80 binary \xc3\x28");
    let empty = Bytes::new();
    let weird = id("ça/va?&=%20\u{1F600}");
    let channel = Channel::new("news:uk-el@x=1,2;3/4").unwrap();
    let route = || Some(Route::new("/ws/chat room").unwrap());
    let tag = Tag::new("vip").unwrap();
    let user = UserId::new("42").unwrap();
    vec![
        Op::Broadcast {
            channel: channel.clone(),
            data: binary.clone(),
            binary: true,
        },
        Op::Broadcast {
            channel: channel.clone(),
            data: empty.clone(),
            binary: false,
        },
        Op::Trigger {
            channel: channel.clone(),
            event: EventName::new("order.shipped").unwrap(),
            data: binary.clone(),
            except: Some(weird.clone()),
            user_id: Some(user.clone()),
        },
        Op::Trigger {
            channel: channel.clone(),
            event: EventName::new("e").unwrap(),
            data: empty.clone(),
            except: None,
            user_id: None,
        },
        Op::Send {
            id: weird.clone(),
            data: binary.clone(),
            route: route(),
        },
        Op::Send {
            id: id("a"),
            data: empty.clone(),
            route: None,
        },
        Op::SendBinary {
            id: id("a"),
            data: binary.clone(),
        },
        Op::SendAll {
            data: binary.clone(),
            route: route(),
            binary: false,
        },
        Op::GetClients { route: None },
        Op::GetClientsCount { route: route() },
        Op::KillConnection { id: weird.clone() },
        Op::ListRoutes {},
        Op::Subscribe {
            id: id("a"),
            channel: channel.clone(),
        },
        Op::DenySubscription {
            id: id("a"),
            channel: channel.clone(),
            reason: Some("no \u{0}".into()),
        },
        Op::DenySubscription {
            id: id("a"),
            channel: channel.clone(),
            reason: None,
        },
        Op::Unsubscribe {
            id: id("a"),
            channel: channel.clone(),
        },
        Op::GetSubscriptions { id: id("a") },
        Op::GetChannels {},
        Op::GetChannelCount {
            channel: channel.clone(),
        },
        Op::BroadcastToUser {
            user: user.clone(),
            data: binary.clone(),
            binary: true,
            event: None,
        },
        Op::BroadcastToUser {
            user: user.clone(),
            data: empty.clone(),
            binary: false,
            event: Some(EventName::new("App\\Events\\Ünïcode").unwrap()),
        },
        Op::DisconnectUser { user: user.clone() },
        Op::GetChannelUsers {
            channel: channel.clone(),
        },
        Op::GetUserConnections { user: user.clone() },
        Op::SetPresence {
            id: id("a"),
            status: Presence::new("away").unwrap(),
        },
        Op::GetPresence { user },
        Op::ActivateGhost { id: id("a") },
        Op::ReleaseGhost { id: id("a") },
        Op::IsGhost { id: id("a") },
        Op::GetResumeToken { id: id("a") },
        Op::RenameConnection {
            id: id("a"),
            new_id: weird.clone(),
        },
        Op::TagClient {
            id: id("a"),
            tag: tag.clone(),
        },
        Op::UntagClient {
            id: id("a"),
            tag: tag.clone(),
        },
        Op::ClearTagClient { id: id("a") },
        Op::GetTags { id: Some(id("a")) },
        Op::GetTags { id: None },
        Op::GetClientsByTag { tag: tag.clone() },
        Op::GetTagCount { tag: tag.clone() },
        Op::SendToTag {
            tag,
            data: binary.clone(),
            route: route(),
            binary: false,
        },
        Op::SendToTagExpression {
            expression: Expression::new("(vip|admin)&!banned").unwrap(),
            data: binary.clone(),
            route: None,
            binary: true,
        },
        Op::GetClientsByTagExpression {
            expression: Expression::new("user-*").unwrap(),
        },
        Op::SetStoredInformation {
            id: id("a"),
            key: "".into(),
            value: binary.clone(),
        },
        Op::GetStoredInformation {
            id: id("a"),
            key: "k\u{0}".into(),
        },
        Op::DeleteStoredInformation {
            id: id("a"),
            key: "k".into(),
        },
        Op::ClearStoredInformation { id: id("a") },
        Op::HasStoredInformation {
            id: id("a"),
            key: "k".into(),
        },
        Op::ListStoredInformationKeys { id: id("a") },
        Op::SearchStoredInformation {
            key: "k".into(),
            filter: Filter::new("regex", "^a.c$").unwrap(),
            route: route(),
        },
        Op::GlobalSet {
            key: Key::new("k").unwrap(),
            value: binary.clone(),
            expire: u64::MAX,
        },
        Op::GlobalSet {
            key: Key::new("k").unwrap(),
            value: empty,
            expire: 0,
        },
        Op::GlobalGet {
            key: Key::new("k").unwrap(),
        },
        Op::GlobalHas {
            key: Key::new("k").unwrap(),
        },
        Op::GlobalDelete {
            key: Key::new("k").unwrap(),
        },
        Op::EnablePing {
            id: id("a"),
            interval: u64::MAX,
        },
        Op::DisablePing { id: id("a") },
        Op::GetClientPingTime { id: id("a") },
        Op::EnableQueueCounter {
            id: id("a"),
            max: 0,
            max_time: u64::MAX,
        },
        Op::DisableQueueCounter { id: id("a") },
        Op::GetClientMessageCounter { id: id("a") },
        Op::GetClientMessageQueue { id: id("a") },
        Op::ClearClientMessageQueue { id: id("a") },
    ]
}

#[test]
fn samples_cover_every_kind() {
    let kinds: Vec<Kind> = samples().iter().map(Op::kind).collect();
    for kind in Kind::ALL {
        assert!(kinds.contains(kind), "no sample of {kind:?}: add one above");
    }
}

#[test]
fn every_op_round_trips_through_the_codec() {
    for op in samples() {
        let bytes = codec::encode_op(&op);
        assert_eq!(codec::decode_op(&bytes), Ok(op.clone()), "{op:?}");
    }
}

#[test]
fn answers_round_trip_through_the_codec() {
    use frankenphp_ws::ops::HistoryEntry;
    let answers = [
        Ok(Reply::Done),
        Ok(Reply::Bool(true)),
        Ok(Reply::Count(u64::MAX)),
        Ok(Reply::Text("ça".into())),
        Ok(Reply::MaybeText(None)),
        Ok(Reply::Bytes(Bytes::from_static(b"\xff\x00"))),
        Ok(Reply::Ids(vec!["a".into(), "".into()])),
        Ok(Reply::History(vec![HistoryEntry {
            id: 1,
            time: 2,
            data: Bytes::from_static(b"\x80"),
        }])),
        Err(OpError::InvalidArgument("bad \u{0}".into())),
        Err(OpError::Failed("down".into())),
    ];
    for answer in answers {
        assert_eq!(
            codec::decode_answer(&codec::encode_answer(&answer)),
            Ok(answer.clone())
        );
    }
}

#[test]
fn decoding_checks_arguments_as_building_does() {
    // A peer (or a corrupted message) cannot get an op past the rules that bind PHP callers.
    let forged = |doc: serde_json::Value| codec::decode_op(&rmp_serde::to_vec_named(&doc).unwrap());
    let empty_id =
        forged(serde_json::json!({"send": {"id": "", "data": [104, 105], "route": null}}));
    assert!(
        format!("{empty_id:?}").contains("connection id must not be empty"),
        "{empty_id:?}"
    );
    let bad_channel = forged(serde_json::json!({"broadcast": {"channel": "a b", "data": []}}));
    assert!(bad_channel.is_err(), "{bad_channel:?}");
    let bad_regex = forged(
        serde_json::json!({"searchStoredInformation": {"key": "k", "filter": {"op": "regex", "value": "("}, "route": null}}),
    );
    assert!(
        format!("{bad_regex:?}").contains("invalid regex"),
        "{bad_regex:?}"
    );
    assert!(forged(serde_json::json!({"noSuchOp": {}})).is_err());
    assert!(codec::decode_op(b"\xc1 not msgpack").is_err());
}

#[test]
fn admin_trigger_refuses_the_pusher_protocols_own_event_names() {
    for name in ["pusher:error", "pusher_internal:member_added"] {
        let refused = rest::parse(
            "POST",
            &format!("/frankenphp_ws/trigger/presence-room?event={name}"),
            Bytes::from_static(b"{}"),
        );
        match refused {
            Err(OpError::InvalidArgument(why)) => assert!(why.contains("name it otherwise"), "{why}"),
            other => panic!("{name} was not refused: {other:?}"),
        }
    }
    assert!(rest::parse("POST", "/frankenphp_ws/trigger/room?event=update", Bytes::new())
        .unwrap()
        .is_some());
}

#[test]
fn admin_endpoints_build_the_same_ops() {
    let op = rest::parse(
        "POST",
        "/frankenphp_ws/setStoredInformation/a?key=k",
        Bytes::from_static(b"\xff"),
    )
    .unwrap();
    assert_eq!(
        op,
        Some(Op::SetStoredInformation {
            id: id("a"),
            key: "k".into(),
            value: Bytes::from_static(b"\xff")
        })
    );
    let op = rest::parse(
        "POST",
        "/frankenphp_ws/global_set/k",
        Bytes::from_static(b"v"),
    )
    .unwrap();
    assert_eq!(
        op,
        Some(Op::GlobalSet {
            key: Key::new("k").unwrap(),
            value: Bytes::from_static(b"v"),
            expire: 0
        })
    );
}

#[test]
fn every_op_goes_through_the_routing_point_and_is_counted() {
    let node = node(&[]);
    let mut expected: HashMap<Kind, u64> = HashMap::new();
    for op in samples() {
        *expected.entry(op.kind()).or_default() += 1;
        node.route(op).unwrap();
    }
    for &kind in Kind::ALL {
        assert_eq!(node.router.dispatched(kind), expected[&kind], "{kind:?}");
    }
    let stats = node.stats_json();
    assert_eq!(stats["ops"]["broadcast"], serde_json::json!(2));
    assert!(node
        .metrics_text()
        .contains("frankenphp_ws_ops_total{op=\"global_set\"} 2"));
}
