//! Handshake authentication: the PHP `auth_endpoint` served by a real `php -S`,
//! and HS256 JWTs. No WebSocket is accepted unless the application vouches for it.

mod common;

use common::*;
use frankenphp_ws::auth::jwt;
use serde_json::{json, Value};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const T: Duration = Duration::from_secs(5);

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn open_user(worker: &Worker, marker: &str) -> Value {
    worker.wait_event(&format!("open {marker}"), T, |e| {
        e["type"] == "open" && e["query"]["tag"] == marker
    })["user"]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_names_the_user_or_refuses_with_its_own_status() {
    let php = integration_pages(2);
    let worker = Worker::start(json!({"auth_endpoint": php.url("auth_endpoint.php")}));

    let _a = try_connect(&worker.url("/ws?tag=a&user=alice"), &[])
        .await
        .expect("accepted");
    assert_eq!(open_user(&worker, "a"), "alice");
    let _b = try_connect(&worker.url("/ws?tag=b&plain=bob"), &[])
        .await
        .expect("accepted");
    assert_eq!(open_user(&worker, "b"), "bob", "plain-text body, trimmed");

    assert_eq!(
        try_connect(&worker.url("/ws?tag=c"), &[])
            .await
            .err()
            .unwrap()
            .0,
        401
    );
    let (status, body) = try_connect(&worker.url("/ws?tag=d&status=403"), &[])
        .await
        .err()
        .unwrap();
    assert_eq!((status, body.as_str()), (403, "endpoint said 403"));
    assert!(!worker
        .events()
        .iter()
        .any(|e| e["type"] == "open" && (e["query"]["tag"] == "c" || e["query"]["tag"] == "d")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_gets_cookie_authorization_origin_forwarded_for_and_path() {
    let php = integration_pages(1);
    let worker = Worker::start(
        json!({"auth_endpoint": php.url("auth_endpoint.php"), "allowed_origins": "https://app.example"}),
    );
    let headers = [
        ("cookie", "PHPSESSID=abc"),
        ("authorization", "Basic dXNlcjpwdw=="),
        ("origin", "https://app.example"),
        ("x-forwarded-for", "203.0.113.7"),
    ];
    let _c = try_connect(&worker.url("/ws/room?tag=e&echo=1"), &headers)
        .await
        .expect("accepted");
    let user = open_user(&worker, "e");
    let seen: Value = serde_json::from_str(user.as_str().unwrap()).unwrap();
    assert_eq!(
        seen,
        json!({
            "cookie": "PHPSESSID=abc",
            "authorization": "Basic dXNlcjpwdw==",
            "origin": "https://app.example",
            "forwarded_for": "203.0.113.7, 127.0.0.1",
            "uri": "/ws/room?tag=e&echo=1",
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_or_missing_endpoint_gives_503_and_the_breaker_then_fails_fast() {
    let php = integration_pages(6);
    let worker =
        Worker::start(json!({"auth_endpoint": php.url("auth_endpoint.php"), "auth_timeout": 1}));
    let t0 = Instant::now();
    assert_eq!(
        try_connect(&worker.url("/ws?sleep=3000&user=x"), &[])
            .await
            .err()
            .unwrap()
            .0,
        503
    );
    let took = t0.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(2900),
        "bounded by auth_timeout: {took:?}"
    );

    // Four more failures in parallel open the breaker (five in a row)...
    let slow: Vec<_> = (0..4)
        .map(|_| {
            let url = worker.url("/ws?sleep=3000&user=x");
            tokio::spawn(async move { try_connect(&url, &[]).await.err().unwrap().0 })
        })
        .collect();
    for handle in slow {
        assert_eq!(handle.await.unwrap(), 503);
    }
    // ...so even a request the endpoint would accept fails at once.
    let t0 = Instant::now();
    assert_eq!(
        try_connect(&worker.url("/ws?user=ok"), &[])
            .await
            .err()
            .unwrap()
            .0,
        503
    );
    assert!(
        t0.elapsed() < Duration::from_millis(500),
        "fast: {:?}",
        t0.elapsed()
    );
    let stats = admin_get(&worker, "/stats").await;
    assert!(stats["auth_unavailable"].as_u64().unwrap() >= 6, "{stats}");

    // An endpoint nobody listens on: 503 as well.
    let gone = Worker::start(json!({"auth_endpoint": "http://127.0.0.1:1/auth.php"}));
    assert_eq!(
        try_connect(&gone.url("/ws?user=x"), &[])
            .await
            .err()
            .unwrap()
            .0,
        503
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jwt_is_checked_for_signature_expiry_and_not_before() {
    let secret = "s3cret-for-tests";
    let worker = Worker::start(json!({"auth_jwt_secret": secret}));
    let good = jwt::sign(
        &json!({"sub": "carol", "exp": now() + 60}),
        secret.as_bytes(),
    );
    let _q = try_connect(&worker.url(&format!("/ws?tag=q&token={good}")), &[])
        .await
        .expect("accepted");
    assert_eq!(open_user(&worker, "q"), "carol");
    let bearer = format!(
        "Bearer {}",
        jwt::sign(&json!({"sub": 17}), secret.as_bytes())
    );
    let _h = try_connect(&worker.url("/ws?tag=h"), &[("authorization", &bearer)])
        .await
        .expect("accepted");
    assert_eq!(open_user(&worker, "h"), "17");

    let refused = [
        jwt::sign(
            &json!({"sub": "carol", "exp": now() - 1}),
            secret.as_bytes(),
        ),
        jwt::sign(
            &json!({"sub": "carol", "nbf": now() + 60}),
            secret.as_bytes(),
        ),
        jwt::sign(&json!({"sub": "carol"}), b"another secret"),
        "not.a.token".to_string(),
    ];
    for token in refused {
        let (status, body) = try_connect(&worker.url(&format!("/ws?token={token}")), &[])
            .await
            .err()
            .unwrap();
        assert_eq!(status, 401, "{token}: {body}");
    }
    let (status, body) = try_connect(&worker.url("/ws"), &[]).await.err().unwrap();
    assert_eq!(status, 401);
    assert!(body.contains("token is required"), "{body}");
}
