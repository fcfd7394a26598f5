//! Helpers for ghosts and resume tokens: what a worker reported of one connection, and the
//! `resume_token` frame a socket starts with (`resume_tokens=auto`).

use super::{next_data, Client, Worker, WAIT};
use serde_json::Value;

/// The types of the events `worker` reported for connection `id`, in order.
pub fn events_of(worker: &Worker, id: &str) -> Vec<String> {
    worker
        .events()
        .iter()
        .filter(|e| e["connection"] == id)
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

/// The `resume_token` frame every socket starts with: (token, resumed).
pub async fn token_frame(client: &mut Client) -> (String, bool) {
    let frame = next_data(client, WAIT).await;
    let message: Value = serde_json::from_str(frame.to_text().unwrap()).unwrap();
    assert_eq!(message["event"], "resume_token", "{message}");
    (
        message["token"].as_str().unwrap().to_string(),
        message["resumed"].as_bool().unwrap(),
    )
}
