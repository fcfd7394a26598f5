//! The example apps, run as they ship: the three ghost use cases of `php/examples/ghosts/`.

mod common;

use common::*;
use serde_json::Value;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const T: Duration = Duration::from_secs(5);

async fn json(client: &mut Client) -> Value {
    serde_json::from_str(next_data(client, T).await.to_text().unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnection_example_client_drops_and_comes_back_missing_nothing() {
    let worker = Worker::start_script(
        "php/examples/ghosts/reconnection.php",
        &[("GHOST_TTL", "30")],
    );
    let mut alice = connect(&worker.url("/ws")).await;
    let welcome = json(&mut alice).await;
    let (id, token) = (
        welcome["id"].as_str().unwrap().to_string(),
        welcome["resume_token"].as_str().unwrap().to_string(),
    );
    let mut bob = connect(&worker.url("/ws")).await;
    let bob_id = json(&mut bob).await["id"].as_str().unwrap().to_string();
    drop(alice); // the network drops
    tokio::time::sleep(Duration::from_millis(300)).await;
    send_text(&mut bob, r#"{"text":"while you were away"}"#).await;
    assert_eq!(json(&mut bob).await["text"], "while you were away");
    // Bob's echo can arrive while broadcast() is still queueing for the others: a message the
    // worker ignores, once logged, says that broadcast() returned. Else a resume racing it
    // gets the message live rather than replayed, and the count says 0.
    send_text(&mut bob, "{}").await;
    worker.wait_until("the worker to take bob's second message", T, |events| {
        events
            .iter()
            .filter(|e| e["connection"] == bob_id.as_str() && e["type"] == "message")
            .count()
            == 2
    });
    let mut back = connect(&worker.url(&format!("/ws?resume={token}"))).await;
    assert_eq!(json(&mut back).await["text"], "while you were away");
    let resumed = json(&mut back).await;
    assert_eq!(resumed["event"], "resumed");
    assert_eq!(resumed["replayed"], 1);
    // The worker answers the client before its event line reaches us: wait for the line.
    worker.wait_until("the resume event", T, |events| {
        events
            .iter()
            .any(|e| e["connection"] == id.as_str() && e["type"] == "resume")
    });
    assert_eq!(events_of(&worker, &id), vec!["open", "join", "resume"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintenance_example_ghosts_everyone_then_releases_who_did_not_return() {
    let worker = Worker::start_script("php/examples/ghosts/maintenance.php", &[]);
    let mut admin = connect(&worker.url("/ws?role=admin")).await;
    json(&mut admin).await;
    let mut clients = Vec::new();
    for _ in 0..4 {
        let mut c = connect(&worker.url("/ws")).await;
        let token = json(&mut c).await["resume_token"]
            .as_str()
            .unwrap()
            .to_string();
        clients.push((c, token));
    }
    send_text(&mut admin, "maintenance:start").await;
    assert_eq!(json(&mut admin).await["ghosts"], 4);
    let tokens: Vec<String> = clients.iter().map(|(_, t)| t.clone()).collect();
    drop(clients); // maintenance: every client drops
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !worker.events().iter().any(|e| e["type"] == "close"),
        "no close during maintenance"
    );
    // Two come back.
    let _back1 = connect(&worker.url(&format!("/ws?resume={}", tokens[0]))).await;
    let _back2 = connect(&worker.url(&format!("/ws?resume={}", tokens[1]))).await;
    worker.wait_until("two resumes", T, |events| {
        events.iter().filter(|e| e["type"] == "resume").count() == 2
    });
    send_text(&mut admin, "maintenance:end").await;
    assert_eq!(json(&mut admin).await["released"], 4);
    worker.wait_until("two closes", T, |events| {
        events.iter().filter(|e| e["type"] == "close").count() == 2
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let count = |t: &str| worker.events().iter().filter(|e| e["type"] == t).count();
    assert_eq!(
        (
            count("ghostConnectionClose"),
            count("beforeClose"),
            count("close")
        ),
        (2, 2, 2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn critical_example_a_drop_during_the_operation_closes_only_after_it() {
    let worker = Worker::start_script(
        "php/examples/ghosts/critical.php",
        &[("OPERATION_MS", "2000")],
    );
    let mut client = connect(&worker.url("/ws?tag=buyer")).await;
    let id = worker.open_id("buyer");
    send_text(&mut client, "checkout").await;
    assert_eq!(
        next_data(&mut client, T).await,
        Message::text("checkout:started")
    );
    drop(client); // dropped in the middle of the operation
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        events_of(&worker, &id),
        vec!["open", "message"],
        "nothing reported during the operation"
    );
    worker.wait_event("close", T, |e| {
        e["type"] == "close" && e["connection"] == id.as_str()
    });
    assert_eq!(
        events_of(&worker, &id),
        vec![
            "open",
            "message",
            "operation_done",
            "ghostConnectionClose",
            "beforeClose",
            "close"
        ]
    );
    assert!(!worker.events().iter().any(|e| e["type"] == "BUG"));
}
