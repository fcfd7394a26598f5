//! `Stats`: counters served by `GET /stats` and `GET /metrics`.
//!
//! Counters are bumped once per operation (a broadcast adds its delivery count once), never per
//! frame on the hot path, so they cost no shared cache line per delivery.

use std::sync::atomic::{AtomicU64, Ordering};

macro_rules! counters {
    ($($name:ident: $help:literal),* $(,)?) => {
        #[derive(Default)]
        pub struct Stats { $(pub $name: AtomicU64,)* }

        impl Stats {
            /// (name, help, value) for every counter.
            pub fn snapshot(&self) -> Vec<(&'static str, &'static str, u64)> {
                vec![$((stringify!($name), $help, self.$name.load(Ordering::Relaxed)),)*]
            }
        }
    };
}

counters! {
    connections_opened: "WebSocket handshakes completed",
    connections_closed: "connections ended",
    handshakes_rejected: "upgrade requests refused (bad request, origin, path)",
    messages_received: "messages received from clients",
    control_messages: "control messages (subscribe, unsubscribe, ...) handled",
    control_errors: "malformed control messages answered with an error",
    broadcasts: "broadcasts published",
    deliveries: "frames queued for clients",
    slow_consumer_closes: "connections closed for exceeding send_buffer",
    oversize_closes: "connections closed for exceeding max_message_size",
    protocol_error_closes: "connections closed for breaking RFC 6455",
    timeout_closes: "connections closed for missing heartbeats",
    events_queued: "events queued for the worker",
    origin_refused: "handshakes refused for their Origin (403)",
    admin_refused: "admin API requests refused for a browser Origin or a foreign Host (403)",
    connection_limit_refused: "handshakes refused by max_connections or max_connections_per_ip (503)",
    handshake_rate_refused: "handshakes refused by handshake_rate (429)",
    auth_refused: "handshakes the application refused (bad token, endpoint said no)",
    auth_unavailable: "handshakes refused because authentication was unavailable (503)",
    messages_rate_limited: "client messages refused by message_rate",
    rate_limit_closes: "connections closed for going on past message_rate (1008)",
    subscription_limit_errors: "subscribe requests refused by max_subscriptions",
    compression_negotiated: "handshakes that negotiated permessage-deflate",
    compressed_frames_sent: "frames written compressed (permessage-deflate)",
}

impl Stats {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}
