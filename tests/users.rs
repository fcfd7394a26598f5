//! Users and presence: a connection's user is the id its handshake authentication
//! gave (here an HS256 JWT); user sends, disconnects, channel users and presence use it.

mod common;

use common::*;
use frankenphp_ws::auth::jwt;
use serde_json::{json, Value};
use std::time::Duration;

const T: Duration = Duration::from_secs(5);
const SECRET: &str = "users-test-secret";

async fn as_user(worker: &Worker, user: Value, tag: &str) -> (Client, String) {
    let token = jwt::sign(&json!({"sub": user}), SECRET.as_bytes());
    let client = try_connect(&worker.url(&format!("/ws?tag={tag}&token={token}")), &[])
        .await
        .expect("accepted");
    (client, worker.open_id(tag))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_sends_channel_users_presence_and_disconnect() {
    let worker = Worker::start(json!({"auth_jwt_secret": SECRET}));
    let (mut control, _) = as_user(&worker, json!("ops"), "control").await;
    let (mut alice1, a1) = as_user(&worker, json!("alice"), "a1").await;
    let (mut alice2, a2) = as_user(&worker, json!("alice"), "a2").await;
    let (mut bob, _) = as_user(&worker, json!(42), "b").await;

    let mut alice_ids = vec![a1.clone(), a2.clone()];
    alice_ids.sort();
    assert_eq!(
        php(&mut control, "frankenphp_ws_getUserConnections('alice')").await,
        json!(alice_ids)
    );
    assert_eq!(
        php(&mut control, "frankenphp_ws_getUserConnections(42)")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        php(&mut control, "frankenphp_ws_getUserConnections('nobody')").await,
        json!([])
    );

    php(&mut control, "broadcastToUser('alice', 'for alice')").await;
    assert_eq!(
        next_data(&mut alice1, T).await.to_text().unwrap(),
        "for alice"
    );
    assert_eq!(
        next_data(&mut alice2, T).await.to_text().unwrap(),
        "for alice"
    );
    php(&mut control, "broadcastToUser(42, 'for bob')").await;
    assert_eq!(next_data(&mut bob, T).await.to_text().unwrap(), "for bob");
    expect_silence(&mut alice1, Duration::from_millis(200)).await;

    subscribe(&mut alice1, "room").await;
    subscribe(&mut alice2, "room").await;
    subscribe(&mut bob, "room").await;
    assert_eq!(
        php(&mut control, "getChannelUsers('room')").await,
        json!(["42", "alice"])
    );
    let join = worker.wait_event("bob joins", T, |e| e["type"] == "join" && e["user"] == "42");
    assert_eq!(join["channel"], "room");

    // Presence: the most available status of the user's connections.
    assert_eq!(
        php(&mut control, "frankenphp_ws_getPresence('alice')").await,
        "online"
    );
    send_text(&mut alice1, r#"{"action":"presence","status":"away"}"#).await;
    assert_eq!(
        next_data(&mut alice1, T).await.to_text().unwrap(),
        r#"{"event":"presence","status":"away"}"#
    );
    assert_eq!(
        php(&mut control, "frankenphp_ws_getPresence('alice')").await,
        "online",
        "alice2 is still online"
    );
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_setPresence('{a2}', 'busy')")
        )
        .await,
        true
    );
    assert_eq!(
        php(&mut control, "frankenphp_ws_getPresence('alice')").await,
        "busy"
    );
    assert_eq!(
        php(&mut control, "frankenphp_ws_getPresence('nobody')").await,
        "offline"
    );
    send_text(&mut bob, r#"{"action":"presence","status":"sleeping"}"#).await;
    let error: Value =
        serde_json::from_str(next_data(&mut bob, T).await.to_text().unwrap()).unwrap();
    assert_eq!(error["code"], "invalid_presence");
    let thrown = php(&mut control, &format!("(function () {{ try {{ frankenphp_ws_setPresence('{a2}', 'zzz'); }} catch (InvalidArgumentException $e) {{ return $e->getMessage(); }} }})()")).await;
    assert!(
        thrown
            .as_str()
            .unwrap()
            .contains("online, away, busy, offline"),
        "{thrown}"
    );

    assert_eq!(php(&mut control, "disconnectUser('alice')").await, 2);
    for (client, id) in [(&mut alice1, &a1), (&mut alice2, &a2)] {
        assert_eq!(close_code(client, T).await, Some(1000));
        let close = worker.wait_event("alice closed", T, |e| {
            e["type"] == "close" && e["connection"] == id.as_str()
        });
        assert_eq!(close["payload"], "killed");
    }
    assert_eq!(
        php(&mut control, "frankenphp_ws_getPresence('alice')").await,
        "offline"
    );
    assert_eq!(
        php(&mut control, "getChannelUsers('room')").await,
        json!(["42"])
    );
    assert_eq!(php(&mut control, "disconnectUser('alice')").await, 0);
}
