//! Configuration: the `frankenphp_ws.*` INI directives and their per-process overrides
//! from `frankenphp_ws_start(array $options)`.
//!
//! `Config` is plain Rust so the tokio side can hold it; INI values are read on the PHP thread.

use crate::server::origin::OriginList;
use crate::server::proxies::TrustedProxies;
use std::net::SocketAddr;
use std::time::Duration;

mod values;
pub use values::{displayed_value, mask_password};
use values::{secret, subprotocols};
pub use values::PusherApp;

/// Calls `$m!` with every directive and its default, in the documented order (names without
/// the prefix). The one list both `DIRECTIVES` and the INI table (`php::ini`) are built from.
#[macro_export]
macro_rules! for_each_directive {
    ($m:ident) => {
        $m! {
            "listen" = "127.0.0.1:8080",
            "path" = "/ws",
            "admin_listen" = "127.0.0.1:2019",
            "admin_token" = "",
            "admin_token_file" = "",
            "admin_url" = "http://127.0.0.1:2019",
            "driver" = "memory",
            "redis_address" = "redis://127.0.0.1:6379",
            "redis_prefix" = "frankenphp_ws",
            "redis_timeout" = "1",
            "redis_outbox" = "10000",
            "node_name" = "",
            "auth_endpoint" = "",
            "allowed_origins" = "",
            "trusted_proxies" = "",
            "subprotocols" = "",
            "compression" = "on",
            "compression_threshold" = "256",
            "admin_allowed_origins" = "",
            "max_message_size" = "1048576",
            "ping_interval" = "25",
            "pong_timeout" = "60",
            "event_queue_size" = "65536",
            "send_buffer" = "4194304",
            "ghost_ttl" = "0",
            "ghost_buffer" = "1000",
            "resume_tokens" = "off",
            "stop_handoff" = "off",
            "auth_timeout" = "2",
            "auth_concurrency" = "64",
            "auth_jwt_secret" = "",
            "auth_jwt_secret_file" = "",
            "max_connections" = "0",
            "max_connections_per_ip" = "0",
            "handshake_rate" = "0",
            "message_rate" = "100",
            "message_burst" = "200",
            "max_subscriptions" = "128",
            "pusher_app_id" = "",
            "pusher_key" = "",
            "pusher_secret" = "",
            "pusher_secret_file" = "",
            "tls_cert" = "",
            "tls_key" = "",
            "log_level" = "warn",
            "log_file" = "",
        }
    };
}

macro_rules! directive_table {
    ($($name:literal = $default:literal),* $(,)?) => {
        /// Every directive with its default.
        pub const DIRECTIVES: &[(&str, &str)] = &[$(($name, $default)),*];
    };
}
for_each_directive!(directive_table);

pub const INI_PREFIX: &str = "frankenphp_ws.";

/// The directives whose values are secrets. Each may instead be read from a file named by the
/// directive of the same name with `_file` appended.
pub const SECRET_DIRECTIVES: &[&str] = &["admin_token", "auth_jwt_secret", "pusher_secret"];

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The Pusher protocol and HTTP API (`pusher_app_id`, `pusher_key`, `pusher_secret`), when
    /// all three are set.
    pub pusher: Option<PusherApp>,
    pub listen: String,
    pub path: String,
    pub admin_listen: String,
    /// `admin_token`, or the content of `admin_token_file`.
    pub admin_token: String,
    pub admin_url: String,
    pub driver: String,
    /// `redis://[user:password@]host:port[/db]`.
    pub redis_address: String,
    /// Prefix of every Redis key and channel.
    pub redis_prefix: String,
    /// Bound on a Redis command, and on what the PHP thread waits for Redis.
    pub redis_timeout: Duration,
    /// Messages kept for Redis while it is unreachable; past it the oldest are dropped.
    pub redis_outbox: usize,
    /// This node's name in logs and `/stats` (default `hostname:pid`).
    pub node_name: String,
    pub auth_endpoint: String,
    /// Pages of other origins that may open a WebSocket (a page of the server's own origin
    /// always may; see `server::origin`).
    pub allowed_origins: OriginList,
    /// Peers whose `X-Forwarded-Host`/`-Proto` are believed.
    pub trusted_proxies: TrustedProxies,
    /// The WebSocket subprotocols served (`Sec-WebSocket-Protocol`), in no particular order:
    /// the client's first offered one that is listed is chosen.
    pub subprotocols: Vec<String>,
    /// permessage-deflate: `None` with `compression=off`; otherwise the size from which
    /// messages to a client that negotiated it go compressed (`compression_threshold`).
    pub compress_from: Option<usize>,
    /// Pages that may call the admin API; none by default, so browsers are refused.
    pub admin_allowed_origins: OriginList,
    pub max_message_size: usize,
    pub ping_interval: Duration,
    pub pong_timeout: Duration,
    pub event_queue_size: usize,
    pub send_buffer: usize,
    pub ghost_ttl: Duration,
    pub ghost_buffer: usize,
    /// `resume_tokens=auto`: every connection is a ghost from its open, and the server gives the
    /// client its resume token itself (after open and after each resume).
    pub resume_tokens_auto: bool,
    /// `frankenphp_ws_stop()` without `handoff` hands the ghosts to the other nodes.
    pub stop_handoff: bool,
    pub auth_timeout: Duration,
    pub auth_concurrency: usize,
    /// `auth_jwt_secret`, or the content of `auth_jwt_secret_file`.
    pub auth_jwt_secret: String,
    /// 0: no limit (the process's file limit applies).
    pub max_connections: usize,
    pub max_connections_per_ip: usize,
    /// Handshakes per second per client IP; 0: no limit.
    pub handshake_rate: u32,
    /// Messages per second per connection, with `message_burst` allowed at once; 0: no limit.
    pub message_rate: u32,
    pub message_burst: u32,
    /// Channels one client may subscribe itself to (the worker's own grants are not counted).
    pub max_subscriptions: usize,
    pub tls_cert: String,
    pub tls_key: String,
    pub log_level: crate::log::Level,
    /// Empty: stderr.
    pub log_file: String,
}

impl Default for Config {
    fn default() -> Self {
        Config::from_pairs(
            DIRECTIVES
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        )
        .expect("the built-in defaults are valid")
    }
}

impl Config {
    /// Whether the broker is a Redis Cluster (`driver=redis-cluster`).
    pub fn redis_cluster(&self) -> bool {
        self.driver == "redis-cluster"
    }

    /// Whether the WebSocket listener speaks TLS (wss://): a certificate is set (and, checked
    /// at load, its key).
    pub fn tls(&self) -> bool {
        !self.tls_cert.is_empty()
    }

    /// Whether nodes share the application through Redis (either Redis driver).
    pub fn redis(&self) -> bool {
        self.driver.starts_with("redis")
    }

    /// The cluster's seed URLs (`redis_address`, space-separated).
    pub fn redis_seeds(&self) -> Vec<&str> {
        self.redis_address.split_whitespace().collect()
    }

    /// Builds a configuration from defaults overridden by `pairs` (name without prefix, value).
    /// Unknown names and unparsable values are errors that say what to fix.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Result<Config, String> {
        let mut values: Vec<(&'static str, String)> = DIRECTIVES
            .iter()
            .map(|(k, v)| (*k, v.to_string()))
            .collect();
        for (name, value) in pairs {
            let name = name.strip_prefix(INI_PREFIX).unwrap_or(&name).to_string();
            match values.iter_mut().find(|(k, _)| *k == name) {
                Some(slot) => slot.1 = value,
                None => {
                    let known: Vec<&str> = DIRECTIVES.iter().map(|(k, _)| *k).collect();
                    return Err(format!(
                        "unknown option '{name}'; known options are: {}",
                        known.join(", ")
                    ));
                }
            }
        }
        let get = |name: &str| -> &str {
            values
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        };
        let number = |name: &str| -> Result<u64, String> {
            let raw = get(name).trim();
            raw.parse::<u64>()
                .map_err(|_| format!("option '{name}' must be a non-negative integer, got '{raw}'"))
        };
        let positive = |name: &str| -> Result<u64, String> {
            match number(name)? {
                0 => Err(format!("option '{name}' must be greater than 0")),
                n => Ok(n),
            }
        };
        let small = |name: &str| -> Result<u32, String> {
            u32::try_from(number(name)?)
                .map_err(|_| format!("option '{name}' must be at most {}", u32::MAX))
        };
        if (get("tls_cert").trim().is_empty()) != (get("tls_key").trim().is_empty()) {
            return Err(
                "options 'tls_cert' and 'tls_key' go together: set both (PEM files) or neither"
                    .into(),
            );
        }
        let mut path = get("path").trim().to_string();
        if !path.starts_with('/') {
            return Err(format!("option 'path' must start with '/', got '{path}'"));
        }
        if path.len() > 1 && path.ends_with('/') {
            path.pop();
        }
        let admin_token = secret(|n| get(n).to_string(), "admin_token")?;
        let auth_jwt_secret = secret(|n| get(n).to_string(), "auth_jwt_secret")?;
        let driver = get("driver").trim().to_string();
        if !matches!(driver.as_str(), "memory" | "redis" | "redis-cluster") {
            return Err(format!(
                "option 'driver' must be 'memory', 'redis' or 'redis-cluster', got '{driver}'"
            ));
        }
        let redis_address = get("redis_address").trim().to_string();
        let url = |a: &str| a.starts_with("redis://") || a.starts_with("rediss://");
        if driver == "redis" && !url(&redis_address) {
            return Err(format!(
                "option 'redis_address' must be a redis:// or rediss:// URL, got '{}'",
                mask_password(&redis_address)
            ));
        }
        if driver == "redis-cluster" && !redis_address.split_whitespace().all(url) {
            return Err(format!(
                "option 'redis_address' must be space-separated redis:// or rediss:// URLs of cluster nodes, got '{}'",
                mask_password(&redis_address)
            ));
        }
        let redis_timeout = match get("redis_timeout").trim().parse::<f64>() {
            Ok(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Duration::from_secs_f64(s),
            _ => {
                return Err(format!(
                    "option 'redis_timeout' must be a number of seconds in (0, 3600], got '{}'",
                    get("redis_timeout")
                ))
            }
        };
        let pusher = PusherApp::from_options(
            get("pusher_app_id"),
            get("pusher_key"),
            secret(|n| get(n).to_string(), "pusher_secret")?,
        )?;
        let node_name = match get("node_name").trim() {
            "" => format!("{}:{}", crate::log::hostname(), std::process::id()),
            name => name.to_string(),
        };
        Ok(Config {
            listen: get("listen").trim().to_string(),
            path,
            admin_listen: get("admin_listen").trim().to_string(),
            admin_token,
            admin_url: get("admin_url").trim().trim_end_matches('/').to_string(),
            driver,
            redis_address,
            redis_prefix: get("redis_prefix").trim().to_string(),
            redis_timeout,
            redis_outbox: positive("redis_outbox")? as usize,
            node_name,
            auth_endpoint: get("auth_endpoint").trim().to_string(),
            allowed_origins: OriginList::parse("allowed_origins", get("allowed_origins"))?,
            trusted_proxies: TrustedProxies::parse(get("trusted_proxies"))?,
            subprotocols: subprotocols(get("subprotocols"))?,
            compress_from: match get("compression").trim() {
                "on" => Some(number("compression_threshold")? as usize),
                "off" => None,
                other => return Err(format!("option 'compression' must be 'on' or 'off', got '{other}'")),
            },
            admin_allowed_origins: OriginList::parse(
                "admin_allowed_origins",
                get("admin_allowed_origins"),
            )?,
            max_message_size: positive("max_message_size")? as usize,
            ping_interval: Duration::from_secs(positive("ping_interval")?),
            pong_timeout: Duration::from_secs(positive("pong_timeout")?),
            event_queue_size: positive("event_queue_size")? as usize,
            send_buffer: positive("send_buffer")? as usize,
            ghost_ttl: Duration::from_secs(number("ghost_ttl")?),
            ghost_buffer: number("ghost_buffer")? as usize,
            resume_tokens_auto: match get("resume_tokens").trim() {
                "off" => false,
                // Every connection a ghost, with no TTL, would outlive every client for good.
                "auto" if number("ghost_ttl")? == 0 => {
                    return Err("option 'resume_tokens' = auto needs 'ghost_ttl' > 0 (how long a dropped connection waits for its client)".into())
                }
                "auto" => true,
                other => return Err(format!("option 'resume_tokens' must be 'off' or 'auto', got '{other}'")),
            },
            stop_handoff: match get("stop_handoff").trim() {
                "on" => true,
                "off" => false,
                other => return Err(format!("option 'stop_handoff' must be 'on' or 'off', got '{other}'")),
            },
            auth_timeout: Duration::from_secs(positive("auth_timeout")?),
            auth_concurrency: positive("auth_concurrency")? as usize,
            auth_jwt_secret,
            max_connections: number("max_connections")? as usize,
            max_connections_per_ip: number("max_connections_per_ip")? as usize,
            handshake_rate: small("handshake_rate")?,
            message_rate: small("message_rate")?,
            message_burst: small("message_burst")?,
            max_subscriptions: positive("max_subscriptions")? as usize,
            pusher,
            tls_cert: get("tls_cert").trim().to_string(),
            tls_key: get("tls_key").trim().to_string(),
            log_level: crate::log::Level::parse(get("log_level"))?,
            log_file: get("log_file").trim().to_string(),
        })
    }

    /// Whether handshakes are authenticated: by the PHP endpoint or a JWT.
    pub fn authenticates(&self) -> bool {
        !self.auth_endpoint.is_empty() || !self.auth_jwt_secret.is_empty()
    }

    /// The checks that make the server refuse to start.
    pub fn validate_for_server(&self) -> Result<(SocketAddr, Option<SocketAddr>), String> {
        let listen: SocketAddr = self.listen.parse().map_err(|_| {
            format!(
                "option 'listen' must be an ip:port address, got '{}'",
                self.listen
            )
        })?;
        if !listen.ip().is_loopback() && !self.authenticates() {
            return Err(format!(
                "refusing to listen on non-loopback address {listen} without authentication: \
                 set frankenphp_ws.auth_endpoint or frankenphp_ws.auth_jwt_secret, or listen on 127.0.0.1"
            ));
        }
        if !self.auth_endpoint.is_empty() && !self.auth_endpoint.starts_with("http://") {
            return Err(format!(
                "option 'auth_endpoint' must be an http:// URL (the PHP endpoint next to the worker), got '{}'",
                self.auth_endpoint
            ));
        }
        let admin = if self.admin_listen.is_empty() {
            None
        } else {
            let admin: SocketAddr = self.admin_listen.parse().map_err(|_| {
                format!(
                    "option 'admin_listen' must be an ip:port address or empty, got '{}'",
                    self.admin_listen
                )
            })?;
            if !admin.ip().is_loopback() && self.admin_token.is_empty() {
                return Err(format!(
                    "refusing to serve the admin API on non-loopback address {admin} without a \
                     token: set frankenphp_ws.admin_token, or use 127.0.0.1"
                ));
            }
            Some(admin)
        };
        Ok((listen, admin))
    }
}

#[cfg(test)]
mod tests;
