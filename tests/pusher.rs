//! The Pusher protocol and HTTP API with the real clients, against real PHP workers:
//! - pusher-js 8 and the `pusher` Node SDK 5 (`tests/clients/pusher.mjs`) beside a native
//!   client;
//! - `frankenphp_ws_trigger()`, and the PHP signing helpers against the SDK and the server;
//! - past `max_connections`, `pusher:error` 4100 (`tests/clients/pusher_capacity.mjs`);
//! - Laravel Echo's `pusher` broadcaster in Chromium (`tests/browser/echo.mjs`): public,
//!   private and presence channels, whispers, a refused private channel, and events sent as a
//!   Laravel app sends them (a PHP CLI signing HTTP API requests). On failure, the script
//!   saves screenshots of both pages in `target/browser-shots/`.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::Duration;

fn pusher_worker() -> Worker {
    Worker::start(json!({
        "pusher_app_id": "4711",
        "pusher_key": "app-key",
        "pusher_secret": "app-secret",
    }))
}

#[test]
fn pusher_js_and_the_server_sdk_share_the_hub_with_native_clients() {
    let worker = pusher_worker();
    let input = json!({
        "host": worker.listen.ip().to_string(),
        "port": worker.listen.port(),
        "app_id": "4711",
        "key": "app-key",
        "secret": "app-secret",
        "native_url": worker.url("/ws"),
    });
    let seen = node_json(&["tests/clients/pusher.mjs"], &input);
    let ids = seen["socket_ids"].as_array().unwrap();
    for id in ids {
        let id = id.as_str().unwrap();
        let (a, b) = id.split_once('.').expect("socket_id is N.N");
        assert!(a.parse::<u64>().is_ok() && b.parse::<u64>().is_ok(), "{id}");
    }
    // A plain broadcast() is the channel's `message` event.
    assert_eq!(seen["broadcast"], "plain hello", "{seen}");
    // A trigger reaches both kinds; `socket_id` leaves its sender out.
    assert_eq!(seen["trigger"]["a"], json!([{"id": 1}]), "{seen}");
    assert_eq!(seen["trigger"]["b"], json!([{"id": 1}, {"id": 2}]), "{seen}");
    let native: Vec<Value> = seen["trigger"]["native"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| serde_json::from_str(m.as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(
        native[0],
        json!({"event": "order-shipped", "channel": "orders", "data": "{\"id\":1}"})
    );
    assert_eq!(seen["batch"], json!(["one", "two"]), "{seen}");
    assert_eq!(seen["forged"]["status"], 401, "{seen}");
    assert_eq!(seen["client_event"], json!({"who": "a"}), "{seen}");
    assert_eq!(seen["client_event_echoed"], 0, "no echo to the sender: {seen}");
    assert_eq!(seen["encrypted"], json!({"code": 42}), "{seen}");
    assert_eq!(seen["presence_first"], json!({"count": 1, "me": "1"}), "{seen}");
    assert_eq!(seen["member_added"]["id"], "2", "{seen}");
    assert_eq!(seen["presence_second"], json!({"count": 2, "ids": ["1", "2"]}));
    assert_eq!(seen["users"], json!(["1", "2"]), "{seen}");
    assert_eq!(
        seen["orders_info"],
        json!({"occupied": true, "subscription_count": 3}),
        "two Pusher clients and a native one: {seen}"
    );
    for channel in ["orders", "presence-room", "private-chat"] {
        assert!(
            seen["channels"].as_array().unwrap().contains(&json!(channel)),
            "{seen}"
        );
    }
    assert_eq!(
        seen["added_for_second_connection"], 0,
        "a user's second connection adds no member: {seen}"
    );
    assert_eq!(seen["member_removed"]["id"], "2", "{seen}");
    assert_eq!(seen["user_event"], json!({"to": "ann"}), "{seen}");
    assert_eq!(
        seen["user_channel_errors"],
        json!([]),
        "pusher-js's subscription to its user channel is answered: {seen}"
    );
    assert!(
        seen["forged_signin"].to_string().contains("4009"),
        "a forged sign-in is refused with 4009: {seen}"
    );
    assert_eq!(seen["terminated"], "connected", "{seen}");
    assert_eq!(seen["terminated_socket"], ids[0], "{seen}");
    assert_eq!(seen["wrong_secret"], 401, "{seen}");
    assert_eq!(seen["protocol_event"], 400, "{seen}");
    assert_eq!(seen["wrong_key"]["error"]["data"]["code"], 4001, "{seen}");
    assert_eq!(seen["wrong_key_state"], "disconnected", "no retry: {seen}");

    // The worker saw the Pusher clients as connections like any other.
    let events = worker.events();
    let opened = |id: &Value| {
        events.iter().any(|e| {
            e["type"] == "open" && e["connection"] == *id && e["protocol"] == "pusher"
        })
    };
    assert!(ids.iter().all(opened), "{events:?}");
    worker.wait_event("the client event", Duration::from_secs(5), |e| {
        e["type"] == "message"
            && e["connection"] == ids[0]
            && e["payload"].as_str().unwrap_or("").contains("client-typing")
    });
    worker.wait_event("the terminated connection's close", Duration::from_secs(5), |e| {
        e["type"] == "close" && e["connection"] == ids[0]
    });
    worker.wait_event("a join", Duration::from_secs(5), |e| {
        e["type"] == "join" && e["connection"] == ids[1] && e["channel"] == "presence-room"
    });
    worker.wait_event("a signed-in client's join, with its user", Duration::from_secs(5), |e| {
        e["type"] == "join" && e["connection"] == ids[0] && e["channel"] == "after-signin" && e["user"] == "1"
    });
}

/// `frankenphp_ws_trigger()` from the worker: one event to several channels, except one
/// connection, to native clients (and Pusher ones, above).
#[tokio::test]
async fn trigger_from_php_names_the_event_and_skips_the_excepted_connection() {
    let worker = pusher_worker();
    let mut control = connect(&format!("{}?tag=control", worker.url("/ws"))).await;
    let mut a = connect(&format!("{}?tag=a", worker.url("/ws"))).await;
    let mut b = connect(&format!("{}?tag=b", worker.url("/ws"))).await;
    subscribe(&mut a, "news").await;
    subscribe(&mut b, "sports").await;
    let a_id = worker.open_id("a");
    let call = format!(
        "frankenphp_ws_trigger(['news', 'sports'], 'score', '{{\"home\":1}}', '{a_id}')"
    );
    assert_eq!(php(&mut control, &call).await, Value::Null);
    let got = next_data(&mut b, Duration::from_secs(5)).await;
    let got: Value = serde_json::from_str(got.to_text().unwrap()).unwrap();
    assert_eq!(
        got,
        json!({"event": "score", "channel": "sports", "data": "{\"home\":1}"})
    );
    expect_silence(&mut a, Duration::from_millis(300)).await;
    // Bad arguments: a typed exception that says what to fix, and nothing sent.
    let bad = php(
        &mut control,
        "(function () { try { frankenphp_ws_trigger([], 'e', 'd'); } catch (InvalidArgumentException $e) { return $e->getMessage(); } })()",
    )
    .await;
    assert!(bad.as_str().unwrap().contains("1 to 100 channels"), "{bad}");
    let bad = php(
        &mut control,
        "(function () { try { frankenphp_ws_trigger(['news', 'bad name'], 'e', 'd'); } catch (InvalidArgumentException $e) { return $e->getMessage(); } })()",
    )
    .await;
    assert!(bad.as_str().unwrap().contains("$channels"), "{bad}");
    expect_silence(&mut b, Duration::from_millis(200)).await;
}

/// Runs PHP code with the Pusher application in php.ini (a process that hosts no server, as
/// a Laravel app or a php-fpm page): what it prints.
fn php_cli(code: &str) -> String {
    let output = std::process::Command::new("php")
        .args(["-n", "-d", &format!("extension={}", extension().display())])
        .args(["-d", "frankenphp_ws.pusher_app_id=4711"])
        .args(["-d", "frankenphp_ws.pusher_key=app-key"])
        .args(["-d", "frankenphp_ws.pusher_secret=app-secret"])
        .args(["-r", code])
        .output()
        .expect("php runs");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A PHP CLI signs HTTP API requests with `frankenphp_ws_pusherSignRequest()` and sends them:
/// an event reaches a native subscriber; a batch with one bad event sends nothing; a body that
/// is not the one signed is refused.
#[tokio::test]
async fn php_signed_http_api_requests_are_checked_and_sent() {
    let worker = pusher_worker();
    let mut reader = connect(&worker.url("/ws")).await;
    subscribe(&mut reader, "orders").await;
    let post = |body: &str, sent: &str| {
        format!(
            r#"$body = '{body}';
            $query = frankenphp_ws_pusherSignRequest('POST', '/apps/4711/{{PATH}}', $body);
            $context = stream_context_create(['http' => ['method' => 'POST', 'ignore_errors' => true,
                'header' => "Content-Type: application/json\r\n", 'content' => '{sent}']]);
            $answer = file_get_contents("http://{}/apps/4711/{{PATH}}?$query", false, $context);
            echo explode(' ', $http_response_header[0])[1], ' ', $answer;"#,
            worker.listen
        )
    };
    let event = r#"{"name":"created","channel":"orders","data":"{\"id\":7}"}"#;
    let answer = php_cli(&post(event, event).replace("{PATH}", "events"));
    assert_eq!(answer, "200 {}", "{answer}");
    let got = next_data(&mut reader, Duration::from_secs(5)).await;
    assert_eq!(
        serde_json::from_str::<Value>(got.to_text().unwrap()).unwrap(),
        json!({"event": "created", "channel": "orders", "data": "{\"id\":7}"})
    );
    let batch = r#"{"batch":[{"name":"a","channel":"orders","data":"1"},{"name":"b","channel":"bad name","data":"2"}]}"#;
    let answer = php_cli(&post(batch, batch).replace("{PATH}", "batch_events"));
    assert!(answer.starts_with("400 "), "{answer}");
    // A path that only looks like terminate_connections names no user: 404, no panic.
    let answer = php_cli(&post("", "").replace("{PATH}", "users/terminate_connections"));
    assert!(answer.starts_with("404 "), "{answer}");
    let other = r#"{"name":"forged","channel":"orders","data":"x"}"#;
    let answer = php_cli(&post(event, other).replace("{PATH}", "events"));
    assert!(answer.starts_with("401 ") && answer.contains("body_md5"), "{answer}");
    expect_silence(&mut reader, Duration::from_millis(300)).await;
}

/// The PHP helpers sign exactly as the `pusher` SDK does: a channel authorization and an HTTP
/// API request (the SDK's clock set to the PHP signature's timestamp).
#[test]
fn php_signatures_match_the_pusher_sdk() {
    let data = r#"{"user_id":"9","user_info":{"name":"Bo"}}"#;
    let php = php_cli(&format!(
        r#"echo frankenphp_ws_pusherAuthorizeChannel('123.456', 'presence-room', '{data}'), "\n";
        echo frankenphp_ws_pusherSignRequest('GET', '/apps/4711/channels', null, ['filter_by_prefix' => 'presence-', 'info' => 'user_count']);"#
    ));
    let (auth, query) = php.split_once('\n').unwrap();
    let timestamp = query
        .split('&')
        .find_map(|p| p.strip_prefix("auth_timestamp="))
        .unwrap();
    let script = format!(
        r#"import Pusher from 'pusher';
        const sdk = new Pusher({{ appId: '4711', key: 'app-key', secret: 'app-secret' }});
        Date.now = () => {timestamp} * 1000;
        console.log(JSON.stringify(sdk.authorizeChannel('123.456', 'presence-room', {data})));
        console.log(sdk.createSignedQueryString({{ method: 'GET', path: '/apps/4711/channels',
            params: {{ filter_by_prefix: 'presence-', info: 'user_count' }} }}));"#
    );
    let sdk = run_node(&["--input-type=module", "-e", &script]);
    let (sdk_auth, sdk_query) = sdk.trim().split_once('\n').unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(auth).unwrap(),
        serde_json::from_str::<Value>(sdk_auth).unwrap()
    );
    assert_eq!(query, sdk_query);
}

/// Past `max_connections`, a Pusher client gets `pusher:error` 4100, backs off, and connects
/// once there is room.
#[test]
fn over_capacity_pusher_clients_get_4100_and_connect_later() {
    let _serial = one_at_a_time();
    let worker = Worker::start(json!({
        "pusher_app_id": "4711",
        "pusher_key": "app-key",
        "pusher_secret": "app-secret",
        "max_connections": 1,
    }));
    let input = json!({"port": worker.listen.port(), "key": "app-key"});
    let seen = node_json(&["tests/clients/pusher_capacity.mjs"], &input);
    assert_eq!(seen["error"]["code"], 4100, "{seen}");
    assert_eq!(seen["connected_while_full"], false, "{seen}");
    assert_eq!(seen["socket_id"], true, "{seen}");
}

/// A Laravel Echo page (`tests/browser/echo.html`) in Chromium.
#[test]
fn laravel_echo_pages_get_events_presence_and_whispers() {
    let page_port = free_port();
    let worker = Worker::start(json!({
        "pusher_app_id": "4711",
        "pusher_key": "app-key",
        "pusher_secret": "app-secret",
        "allowed_origins": format!("http://127.0.0.1:{page_port}"),
    }));
    let input = json!({
        "page_port": page_port,
        "ws_port": worker.listen.port(),
        "app_id": "4711",
        "key": "app-key",
        "secret": "app-secret",
        "extension": extension(),
        "shots_dir": root().join("target/browser-shots"),
    });
    let logs = node_json(&["tests/browser/echo.mjs"], &input);
    let log = |name: &str| -> Vec<String> {
        logs[name]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect()
    };
    let (ann, bob) = (log("ann"), log("bob"));
    let count = |log: &[String], line: &str| log.iter().filter(|l| *l == line).count();
    for line in [
        "connected",
        "here ann",
        "refused user.nobody 403",
        "joining bob",
        "order 5",
        "invoice 9",
        "leaving bob",
    ] {
        assert_eq!(count(&ann, line), 1, "ann, {line:?}: {ann:?}");
    }
    for line in ["connected", "here ann,bob", "order 5", "typing ann"] {
        assert_eq!(count(&bob, line), 1, "bob, {line:?}: {bob:?}");
    }
    assert_eq!(count(&ann, "typing ann"), 0, "no whisper back to its sender: {ann:?}");
    assert_eq!(count(&bob, "invoice 9"), 0, "ann's private channel is hers: {bob:?}");
}
