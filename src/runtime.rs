//! The background runtime: the tokio threads that host the listener, the hub and the broker in
//! the process that first calls `frankenphp_ws_start()` or `frankenphp_ws_get_event()`.
//! Never started at module load: php-fpm forks after MINIT, and threads do not
//! survive a fork.

use crate::broker::memory::MemoryBroker;
use crate::broker::redis::RedisBroker;
use crate::broker::Broker;
use crate::config::Config;
use crate::hub::connection::reason;
use crate::hub::Hub;
use crate::node::Node;
use crate::server;
use parking_lot::{Mutex, RwLock};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// How long `stop` waits for clients to take their close frames before the runtime goes.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// Task polls between two looks at the sockets (tokio's default is 61). A writer's poll can
/// write a batch of up to 1,024 frames, so during a fan-out 61 of them kept a client's
/// subscribe waiting about 0.5 ms before its reader ran (`ws-bench wide`, 10,000 subscribers:
/// round-trip p50 0.6 ms at 61, 0.09 ms at 4, with no change in CPU per delivery).
const IO_EVENT_INTERVAL: u32 = 4;

pub struct Server {
    pub node: Arc<Node>,
    pub listen: SocketAddr,
    pub admin: Option<SocketAddr>,
    runtime: Mutex<Option<tokio::runtime::Runtime>>,
}

static SERVER: RwLock<Option<Arc<Server>>> = RwLock::new(None);
/// Serializes start and stop (the PHP threads, and MSHUTDOWN).
static LIFECYCLE: Mutex<()> = Mutex::new(());
/// Set when `stop` stopped a server, cleared by `start` and at module startup:
/// `frankenphp_ws_get_event()` then starts no server from php.ini, which with several PHP
/// threads would undo one thread's stop behind its back. Read and written under LIFECYCLE.
static STOPPED: AtomicBool = AtomicBool::new(false);

/// Module startup: a PHP that restarts its modules in the same process starts afresh.
pub fn module_started() {
    let _guard = LIFECYCLE.lock();
    STOPPED.store(false, Ordering::Release);
}

/// The server this process hosts, if it started one.
pub fn current() -> Option<Arc<Server>> {
    SERVER.read().clone()
}

/// What `frankenphp_ws_get_event()` serves: the running server, or one started with `config`
/// (php.ini), unless the last one was stopped on purpose (`None`). Decided under the lifecycle
/// lock, so that a stop in another thread, even one under way, is never undone.
pub fn serving(
    config: impl FnOnce() -> Result<Config, String>,
) -> Result<Option<Arc<Server>>, String> {
    if let Some(server) = current() {
        return Ok(Some(server));
    }
    let _guard = LIFECYCLE.lock();
    if let Some(server) = current() {
        return Ok(Some(server));
    }
    if STOPPED.load(Ordering::Acquire) {
        return Ok(None);
    }
    start_locked(config()?).map(Some)
}

/// Starts the server with `config`, or returns the running one if its configuration is the
/// same. A running server with another configuration is an error.
pub fn start(config: Config) -> Result<Arc<Server>, String> {
    let _guard = LIFECYCLE.lock();
    start_locked(config)
}

fn start_locked(config: Config) -> Result<Arc<Server>, String> {
    if let Some(server) = current() {
        if server.node.config == config {
            return Ok(server);
        }
        return Err(
            "the server is already running with other options; call frankenphp_ws_stop() first"
                .into(),
        );
    }
    let (listen, admin) = config.validate_for_server()?;
    crate::log::install(config.log_level, &config.log_file)?;
    let tls = match config.tls() {
        false => None,
        true => Some(server::tls::acceptor(&config.tls_cert, &config.tls_key)?),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
        )
        .thread_name("frankenphp-ws")
        .event_interval(IO_EVENT_INTERVAL)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let (ws_listener, admin_listener) = runtime.block_on(async {
        let ws = TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let admin = match admin {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .map_err(|e| format!("cannot serve the admin API on {addr}: {e}"))?,
            ),
            None => None,
        };
        Ok::<_, String>((ws, admin))
    })?;
    let listen = ws_listener.local_addr().map_err(|e| e.to_string())?;
    let admin = admin_listener.as_ref().and_then(|l| l.local_addr().ok());

    let (hub, broker): (Hub, Box<dyn Broker>) = match config.driver.as_str() {
        "redis" | "redis-cluster" => {
            let (broker, watcher) = runtime.block_on(RedisBroker::connect(&config))?;
            (Hub::watched(watcher), Box::new(broker))
        }
        _ => (Hub::new(), Box::new(MemoryBroker)),
    };
    let node = Arc::new(Node::new(config, Arc::new(hub), broker)?);
    {
        let _context = runtime.enter();
        node.broker.start(&node);
    }
    match tls {
        Some(acceptor) => runtime.spawn(server::accept_loop(
            ws_listener,
            node.clone(),
            move |stream, remote, node| server::tls::serve(acceptor.clone(), stream, remote, node),
        )),
        None => runtime.spawn(server::accept_loop(
            ws_listener,
            node.clone(),
            server::upgrade::serve,
        )),
    };
    if !node.config.ghost_ttl.is_zero() {
        runtime.spawn(sweep_ghosts(node.clone()));
    }
    if let Some(listener) = admin_listener {
        runtime.spawn(server::accept_loop(
            listener,
            node.clone(),
            server::admin::serve,
        ));
    }
    tracing::info!(
        "frankenphp_ws started: WebSocket on {}://{listen}{}, admin API on {}",
        if node.config.tls() { "wss" } else { "ws" },
        node.config.path,
        admin.map_or("off".to_string(), |a| a.to_string())
    );
    let server = Arc::new(Server {
        node,
        listen,
        admin,
        runtime: Mutex::new(Some(runtime)),
    });
    *SERVER.write() = Some(server.clone());
    STOPPED.store(false, Ordering::Release);
    Ok(server)
}

/// Closes every client with 1001, waits a bounded time for the close frames to leave, then
/// stops the runtime. Safe to call when nothing runs.
pub fn stop() {
    stop_with(None);
}

/// Stops the server: refuses new handshakes (503) and waits for those under way, then
/// closes. `handoff` (default: the `stop_handoff` directive): with a Redis driver,
/// the connections that hold a resume token go to the other nodes as dormant ghosts first
/// (their sockets closed with 1012), so their clients resume there; the others close with
/// 1001.
pub fn stop_with(handoff: Option<bool>) {
    let _guard = LIFECYCLE.lock();
    let Some(server) = SERVER.write().take() else {
        return;
    };
    STOPPED.store(true, Ordering::Release);
    // (Both under LIFECYCLE: `serving` sees either the server or the stop.)
    let node = &server.node;
    // No new connection from here on (503). A resume under way may be taking a ghost over
    // from another node: waited for, as long as a move can take, so the hand-off below (or
    // the close) counts it.
    let bound = match node.config.redis() {
        true => crate::broker::longest_move(node.config.redis_timeout),
        false => crate::server::client::CLOSE_GRACE,
    };
    let left = node.arrivals.close(bound);
    if left > 0 {
        tracing::warn!("{left} WebSocket handshakes were still under way after {bound:?}; stopping without them");
    }
    if handoff.unwrap_or(node.config.stop_handoff) {
        if node.config.redis() {
            node.broker.hand_off(node);
        } else {
            tracing::warn!("stop with handoff needs driver=redis or redis-cluster: every client is closed");
        }
    }
    node.hub.close_all(1001, reason::SERVER_SHUTDOWN);
    let deadline = Instant::now() + STOP_GRACE;
    while node.hub.live_count() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    node.broker.leave();
    node.shutdown.trigger();
    let runtime = server.runtime.lock().take();
    if let Some(runtime) = runtime {
        runtime.shutdown_timeout(Duration::from_millis(500));
    }
    tracing::info!("frankenphp_ws stopped (was on {})", server.listen);
}

/// Releases ghosts dormant longer than `ghost_ttl`, checking a few times per TTL.
async fn sweep_ghosts(node: Arc<Node>) {
    let every =
        (node.config.ghost_ttl / 4).clamp(Duration::from_millis(100), Duration::from_secs(1));
    let mut ticker = tokio::time::interval(every);
    loop {
        tokio::select! {
            _ = node.shutdown.wait() => return,
            _ = ticker.tick() => node.release_expired_ghosts(),
        }
    }
}
