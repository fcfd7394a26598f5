//! Shared harness for the integration tests: a real PHP process running
//! `tests/integration/worker.php` with the built extension, and real WebSocket clients.
#![allow(dead_code)]

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub fn extension() -> PathBuf {
    let path = std::env::var("FRANKENPHP_WS_SO")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/libfrankenphp_ws.so")
        });
    assert!(
        path.exists(),
        "no extension at {} (run `make build`)",
        path.display()
    );
    path
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A PHP worker process; killed on drop.
pub struct Worker {
    child: Child,
    pub listen: SocketAddr,
    pub admin: SocketAddr,
    events: Arc<(Mutex<Vec<Value>>, Condvar)>,
}

impl Worker {
    /// The test worker with these start options.
    pub fn start(options: Value) -> Worker {
        Worker::start_script(
            "tests/integration/worker.php",
            &[("WS_OPTIONS", &options.to_string())],
        )
    }

    /// The worker's process id (a test may kill it as a crash would).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Any worker script that prints `READY <listen> <admin>`, then JSON lines of events.
    pub fn start_script(script: &str, env: &[(&str, &str)]) -> Worker {
        let mut command = Command::new("php");
        command
            .arg("-n")
            .arg("-d")
            .arg(format!("extension={}", extension().display()))
            .arg(root().join(script))
            .env("FRANKENPHP_WS_LISTEN", "127.0.0.1:0")
            .env("FRANKENPHP_WS_ADMIN", "127.0.0.1:0");
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("php runs");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let ready = lines
            .next()
            .expect("worker prints READY")
            .expect("readable");
        let parts: Vec<&str> = ready.split_whitespace().collect();
        assert_eq!(parts[0], "READY", "worker said: {ready}");
        let events = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
        let sink = events.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                match serde_json::from_str::<Value>(&line) {
                    Ok(value) => {
                        sink.0.lock().unwrap().push(value);
                        sink.1.notify_all();
                    }
                    // PHP's own messages (CLI errors go to stdout): shown with the test's output.
                    Err(_) => eprintln!("worker: {line}"),
                }
            }
        });
        Worker {
            child,
            listen: parts[1].parse().unwrap(),
            admin: parts[2].parse().unwrap(),
            events,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("ws://{}{}", self.listen, path)
    }

    /// Waits for the first event (from the start) matching `pred`.
    pub fn wait_event(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + timeout;
        let (lock, cv) = &*self.events;
        let mut events = lock.lock().unwrap();
        loop {
            if let Some(found) = events.iter().find(|e| pred(e)) {
                return found.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "timed out waiting for {what}; events: {:?}",
                *events
            );
            events = cv.wait_timeout(events, left).unwrap().0;
        }
    }

    /// Waits until `done` holds for the events seen so far.
    pub fn wait_until(&self, what: &str, timeout: Duration, done: impl Fn(&[Value]) -> bool) {
        let deadline = Instant::now() + timeout;
        let (lock, cv) = &*self.events;
        let mut events = lock.lock().unwrap();
        while !done(&events) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "timed out waiting for {what}; events: {:?}",
                *events
            );
            events = cv.wait_timeout(events, left).unwrap().0;
        }
    }

    pub fn events(&self) -> Vec<Value> {
        self.events.0.lock().unwrap().clone()
    }

    /// The id of the connection that opened with this query string marker.
    pub fn open_id(&self, marker: &str) -> String {
        let e = self.wait_event(&format!("open {marker}"), Duration::from_secs(5), |e| {
            e["type"] == "open" && e["query"]["tag"] == marker
        });
        e["connection"].as_str().unwrap().to_string()
    }

    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Connects from the loopback source address `127.0.0.<source>` (spreads ephemeral ports).
pub async fn connect_from(url: &str, server: SocketAddr, source: u8) -> Client {
    let socket = TcpSocket::new_v4().unwrap();
    socket
        .bind(format!("127.0.0.{source}:0").parse().unwrap())
        .unwrap();
    let stream = socket.connect(server).await.expect("tcp connect");
    stream.set_nodelay(true).unwrap();
    let (client, _) = tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream))
        .await
        .expect("websocket handshake");
    client
}

pub async fn connect(url: &str) -> Client {
    let (client, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("websocket handshake");
    client
}

pub async fn send_text(client: &mut Client, text: &str) {
    client.send(Message::text(text)).await.expect("send");
}

/// The next text or binary message, skipping pings; panics after `timeout`.
pub async fn next_data(client: &mut Client, timeout: Duration) -> Message {
    tokio::time::timeout(timeout, async {
        loop {
            match client.next().await {
                Some(Ok(Message::Ping(_))) | Some(Ok(Message::Pong(_))) => continue,
                Some(Ok(m)) => return m,
                other => panic!("connection ended: {other:?}"),
            }
        }
    })
    .await
    .expect("a message in time")
}

/// Asserts that nothing but pings arrives within `window`.
pub async fn expect_silence(client: &mut Client, window: Duration) {
    let got = tokio::time::timeout(window, async {
        loop {
            match client.next().await {
                Some(Ok(Message::Ping(_))) | Some(Ok(Message::Pong(_))) => continue,
                other => return other,
            }
        }
    })
    .await;
    assert!(got.is_err(), "expected nothing, got {got:?}");
}

pub async fn subscribe(client: &mut Client, channel: &str) {
    send_text(
        client,
        &format!(r#"{{"action":"subscribe","channel":"{channel}"}}"#),
    )
    .await;
    let reply = next_data(client, Duration::from_secs(5)).await;
    assert_eq!(
        reply.to_text().unwrap(),
        format!(r#"{{"event":"subscribed","channel":"{channel}"}}"#)
    );
}

/// The close frame's code the server sent, reading until the connection ends.
pub async fn close_code(client: &mut Client, timeout: Duration) -> Option<u16> {
    tokio::time::timeout(timeout, async {
        while let Some(message) = client.next().await {
            match message {
                Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
        None
    })
    .await
    .expect("the connection closes in time")
}

#[path = "php_server.rs"]
mod php_server;
#[allow(unused_imports)]
pub use php_server::{end_group, PhpServer};

/// `php -S` serving `tests/integration/` (the auth endpoints) with `workers` processes.
pub fn integration_pages(workers: usize) -> PhpServer {
    PhpServer::start(root().join("tests/integration"), workers)
}

/// A handshake with extra headers: the 101 client, or the refusal's status and body.
pub async fn try_connect(url: &str, headers: &[(&str, &str)]) -> Result<Client, (u16, String)> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::Error;
    let mut request = url.into_client_request().unwrap();
    for (name, value) in headers {
        request.headers_mut().insert(
            tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((client, _)) => Ok(client),
        Err(Error::Http(response)) => {
            let body = response
                .body()
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            Err((response.status().as_u16(), body))
        }
        Err(other) => panic!("handshake failed without an HTTP answer: {other}"),
    }
}

/// `GET path` on the worker's admin API; the JSON answer.
pub async fn admin_get(worker: &Worker, path: &str) -> Value {
    let text = admin_text(worker, path).await;
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
}

/// The body of `GET path` on the worker's admin API.
pub async fn admin_text(worker: &Worker, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = TcpStream::connect(worker.admin).await.expect("admin API");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        worker.admin
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw);
    text.split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or("")
        .to_string()
}

/// Runs a PHP expression in the test worker (its `eval:` command) through `control`; the
/// JSON of its value.
pub async fn php(control: &mut Client, expr: &str) -> Value {
    send_text(control, &format!("eval:{expr}")).await;
    let reply = next_data(control, Duration::from_secs(5)).await;
    let text = reply.to_text().unwrap();
    serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("{expr}: {e}: the worker answered {text:?}"))
}

#[path = "redis.rs"]
mod redis;
#[allow(unused_imports)]
pub use redis::{RedisCluster, RedisServer};

#[path = "raw.rs"]
mod raw;
#[allow(unused_imports)]
pub use raw::raw_handshake;

#[path = "nodes.rs"]
mod nodes;
#[allow(unused_imports)]
pub use nodes::*;

#[path = "resume.rs"]
mod resume;
#[allow(unused_imports)]
pub use resume::{events_of, token_frame};

#[path = "chat.rs"]
mod chat;
#[allow(unused_imports)]
pub use chat::{free_port, Chat};

/// Makes connection `id` a ghost through the test worker (`control`); its resume token.
pub async fn make_ghost(control: &mut Client, id: &str) -> String {
    assert_eq!(
        php(control, &format!("frankenphp_ws_activateGhost('{id}')")).await,
        serde_json::json!(true)
    );
    let token = php(control, &format!("frankenphp_ws_getResumeToken('{id}')")).await;
    token.as_str().expect("a token").to_string()
}

/// Runs Node.js with `args` from the repository's root; its standard output, or a panic with
/// both outputs if it failed.
pub fn run_node(args: &[&str]) -> String {
    let output = Command::new("node")
        .args(args)
        .current_dir(root())
        .output()
        .expect("node runs (scripts/setup.sh installs it)");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "node {args:?} failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Runs a test script that takes its input as one JSON argument and prints one JSON line.
pub fn node_json(args: &[&str], input: &Value) -> Value {
    let input = input.to_string();
    let mut all = args.to_vec();
    all.push(&input);
    let out = run_node(&all);
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"))
}
