//! The Pusher Channels protocol (version 7) beside the native one, on the same listener and
//! the same hub, when `pusher_app_id`, `pusher_key` and `pusher_secret` are set.
//!
//! - `wire`: the protocol's messages, both ways.
//! - `sign`: HMAC-SHA256 signatures (channel auth, sign-in, HTTP API requests).
//! - `client`: a Pusher client's messages (ping, subscribe, client events).
//! - `presence`: presence channels' members, one entry per user.
//! - `api`: the HTTP API (`/apps/{id}/…`): events, batch events, channel information.
//!
//! A Pusher client is a `Connection` like any other (events, tags, ghosts, the admin API);
//! only what is sent to it is shaped differently (`hub::Topic`). Its id is its `socket_id`.

pub mod api;
pub mod client;
pub mod presence;
pub mod sign;
pub mod wire;

use tokio::io::{AsyncRead, AsyncWrite};

/// A new Pusher connection's id, which is its `socket_id`: two numbers joined by a dot, as
/// the Pusher SDKs check it (`^\d+\.\d+$`), from 128 random bits so it cannot be guessed.
pub fn socket_id() -> String {
    let bits = crate::hub::random_bytes::<16>();
    let (a, b) = bits.split_at(8);
    let number = |half: &[u8]| u64::from_be_bytes(half.try_into().expect("8 bytes"));
    format!("{}.{}", number(a), number(b))
}

/// How many over-capacity refusals may be on their way at once: each holds a socket past
/// `max_connections` for a moment, so beyond this the handshake gets HTTP 503 instead.
pub static OVER_CAPACITY_REFUSALS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(64);

/// Answers a socket that asked for another application's key: `pusher:error` 4001, then a
/// close with the same code, as Pusher does. No connection is made.
pub async fn refuse_unknown_app<S>(io: S, key: String)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let why = format!("App key {key} does not exist");
    refuse(io, wire::code::APP_DOES_NOT_EXIST, &why, "app does not exist").await;
}

/// Answers a socket past `max_connections`: `pusher:error` 4100, then a close with the same
/// code, which pusher-js takes as "try again after backing off". No connection is made.
pub async fn refuse_over_capacity<S>(io: S)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let why = "Over capacity: the server holds max_connections connections";
    refuse(io, wire::code::OVER_CAPACITY, why, "over capacity").await;
}

/// `pusher:error` with `code`, then a close with the same code.
async fn refuse<S>(io: S, code: u16, why: &str, reason: &str)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role};
    use tokio_tungstenite::tungstenite::Message;
    let mut stream = tokio_tungstenite::WebSocketStream::from_raw_socket(io, Role::Server, None).await;
    let _ = stream.send(Message::text(wire::error(Some(code), why))).await;
    let close = CloseFrame {
        code: CloseCode::from(code),
        reason: reason.to_string().into(),
    };
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        stream.close(Some(close)),
    )
    .await;
}
