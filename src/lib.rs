//! frankenphp_ws: a real-time WebSocket server inside a PHP process.
//!
//! Layout, from the outside in:
//! - `php`: the extension's bindings (functions, INI, exceptions), thin over the rest.
//! - `runtime`: the background tokio runtime, started on first use, stopped within bounds.
//! - `config`: the `frankenphp_ws.*` directives and start-time checks.
//! - `ops`: `Op`, every operation as a typed value; its codec, the admin API's endpoints,
//!   execution, and `Node::route`, the one routing point every operation goes through.
//! - `node`: the state one process serves.
//! - `server`: the WebSocket listener (admission limits, TLS), each client's reader/writer
//!   tasks, the JavaScript client's file (`js/`), the admin API.
//! - `auth`: handshake authentication: the PHP `auth_endpoint` or an HS256 JWT.
//! - `hub`: connections (ghosts and their acknowledgements included), channels, tags, stored
//!   information; its counters.
//! - `broker`: how operations reach the other nodes (none with one process; Redis or a Redis
//!   Cluster with several: fan-out by interest, requests to a connection's node, cluster reads,
//!   heartbeats).
//! - `global_store`: the process-wide key/value store with expiry.
//! - `events`: what the worker loop receives, and the bounded queue that carries it; `closing`:
//!   when a closed connection's state goes (several PHP threads may share the queue).
//! - `protocol`: the client's control messages and channel-name rules.
//! - `pusher`: the Pusher Channels protocol and HTTP API, for pusher-js and Laravel Echo.
//! - `admin_client`: an `Op` sent to the hosting process, for processes that host none.
//! - `log`: the `tracing` subscriber (`log_level`, `log_file`).
//! - `shutdown`: the one-shot signal used to stop the server and close connections.
//!
//! Rule: nothing on a tokio thread touches Zend; events are plain Rust until the PHP thread
//! turns them into arrays.

pub mod admin_client;
pub mod auth;
pub mod broker;
pub mod closing;
pub mod config;
pub mod events;
pub mod global_store;
pub mod hub;
pub mod log;
pub mod node;
pub mod ops;
pub mod php;
pub mod protocol;
pub mod pusher;
pub mod runtime;
pub mod server;
pub mod shutdown;
