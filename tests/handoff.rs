//! Rolling restarts that lose nothing: each node in turn is stopped with `handoff`, which gives
//! its connections to the other nodes as dormant ghosts (sockets closed with 1012), and is
//! started again. Their clients, coming back with their tokens to the nodes still up, get
//! every message sent to them, in order, once. Three PHP worker nodes on one real
//! `redis-server`; broadcasts and direct sends keep flowing throughout.
//!
//! Beside the Rust clients, the JavaScript client (`js/frankenphp_ws.js`, in Node) behind a
//! small load balancer (`tests/clients/restart_js.mjs`): it must resume, and miss nothing, on
//! its own. `make test` runs it with 30 + 10 clients; `make soak-restart` with 1,000 + 100
//! (ignored here).

mod common;

use common::*;
use futures_util::StreamExt;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// What the clients are sent: a broadcast on `feed` at each tick, and at every `DIRECT_EVERY`th
/// tick, `d-N` by id to `DIRECT_TO` clients in turn.
struct Load {
    clients: usize,
    /// JavaScript clients besides (`tests/clients/restart_js.mjs`), sent the ticks only.
    js_clients: usize,
    ticks: usize,
}

const TICK: Duration = Duration::from_millis(5);
const DIRECT_EVERY: usize = 4;
const DIRECT_TO: usize = 5;

impl Load {
    /// The clients (by index) sent `d-{tick}` at `tick`.
    fn direct(&self, tick: usize) -> Vec<usize> {
        if tick % DIRECT_EVERY != 0 || tick + 10 >= self.ticks {
            return Vec::new();
        }
        let round = tick / DIRECT_EVERY;
        (0..DIRECT_TO.min(self.clients))
            .map(|j| (round * DIRECT_TO + j) % self.clients)
            .collect()
    }

    fn direct_for(&self, who: usize) -> Vec<usize> {
        (0..self.ticks)
            .filter(|t| self.direct(*t).contains(&who))
            .collect()
    }

    /// The tick at which node `n` of 3 stops.
    fn stop_at(&self, n: usize) -> usize {
        self.ticks * (n + 1) / 4
    }
}

fn resumable_node(redis: &RedisServer, name: &str) -> Worker {
    Worker::start(json!({
        "driver": redis.driver(),
        "redis_address": redis.url(),
        "node_name": name,
        "ghost_ttl": 60,
        "resume_tokens": "auto",
        // The test's control client sends a tick every few milliseconds.
        "message_rate": 0,
    }))
}

/// The URLs of the nodes that are up, as a load balancer would know them.
type Up = Arc<Mutex<Vec<String>>>;

/// Closes the clients saw, and resumes they made, so far: a deploy stops the next node once
/// the last one's clients are back (a stop while a client's takeover on that node is under
/// way ends that takeover).
#[derive(Default)]
struct Settled {
    closed: std::sync::atomic::AtomicUsize,
    resumed: std::sync::atomic::AtomicUsize,
}

/// What one client got.
struct Seen {
    ticks: Vec<usize>,
    direct: Vec<usize>,
    resumes: usize,
    /// Reconnects that failed before their first frame, tried again elsewhere.
    retries: usize,
    closes: Vec<u16>,
}

/// Comes back to `url` with `token`: the socket and its new token, or `None` if the socket
/// failed before its first frame. Panics if the server did not resume it.
async fn resume(url: &str, token: &str) -> Option<(Client, String)> {
    let (mut client, _) = tokio_tungstenite::connect_async(format!("{url}?resume={token}")).await.ok()?;
    match tokio::time::timeout(WAIT, client.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => {
            let message: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(message["event"], "resume_token", "{message}");
            assert_eq!(message["resumed"], true, "resumed on {url}");
            Some((client, message["token"].as_str().unwrap().to_string()))
        }
        Ok(Some(Ok(other))) => panic!("resuming on {url}: {other:?} before the token"),
        other => {
            eprintln!("resuming on {url} failed before its first frame: {other:?}");
            None
        }
    }
}

/// One client as the documented reconnect logic has it: on a close, it comes back with its
/// token to a node that is up.
async fn follow(mut client: Client, mut token: String, mut on: String, up: Up, settled: Arc<Settled>, who: usize, last: usize) -> Seen {
    use std::sync::atomic::Ordering::SeqCst;
    let mut seen = Seen { ticks: Vec::new(), direct: Vec::new(), resumes: 0, retries: 0, closes: Vec::new() };
    let deadline = Instant::now() + Duration::from_secs(120);
    while seen.ticks.last() != Some(&last) && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(10), client.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                if let Some(n) = text.strip_prefix("tick-") {
                    seen.ticks.push(n.parse().unwrap());
                } else if let Some(n) = text.strip_prefix("d-") {
                    seen.direct.push(n.parse().unwrap());
                }
            }
            Ok(Some(Ok(Message::Close(frame)))) => {
                seen.closes.push(frame.map_or(0, |f| u16::from(f.code)));
                settled.closed.fetch_add(1, SeqCst);
            }
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(_))) | Ok(None) => {
                // As the documented logic does: a reconnect that fails before its first frame
                // (the node went away meanwhile) is tried again on the next node, token kept.
                loop {
                    let others: Vec<String> = up.lock().unwrap().iter().filter(|u| **u != on).cloned().collect();
                    on = others[(who + seen.resumes + seen.retries) % others.len()].clone();
                    if let Some(resumed) = resume(&on, &token).await {
                        (client, token) = resumed;
                        break;
                    }
                    seen.retries += 1;
                    assert!(seen.retries < 10, "client {who}: no node took it back");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                seen.resumes += 1;
                settled.resumed.fetch_add(1, SeqCst);
            }
            Err(_) => panic!("client {who}: nothing for 10 s after ticks {:?}", seen.ticks.last()),
        }
    }
    seen
}

/// JavaScript clients (`tests/clients/restart_js.mjs`) behind their own load balancer, which
/// sends each connection to a node that is up.
struct JsClients {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    lines: std::sync::mpsc::Receiver<String>,
}

fn port_of(url: &str) -> u16 {
    url.rsplit(':').next().unwrap().trim_end_matches("/ws").parse().unwrap()
}

impl JsClients {
    /// Starts `n` clients on the nodes `up` and waits until each is subscribed to `feed`.
    fn start(n: usize, up: &Up, last: usize) -> JsClients {
        use std::io::BufRead;
        let ports: Vec<u16> = up.lock().unwrap().iter().map(|u| port_of(u)).collect();
        let input = json!({"ports": ports, "clients": n, "last": last, "seconds": 120});
        let mut child = std::process::Command::new("node")
            .args(["--experimental-websocket", "tests/clients/restart_js.mjs", &input.to_string()])
            .current_dir(root())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("node runs (scripts/setup.sh installs it)");
        let stdin = child.stdin.take().unwrap();
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let (send, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let _ = send.send(line);
            }
        });
        let js = JsClients { child, stdin, lines };
        assert_eq!(js.line(Duration::from_secs(15)), "READY", "the JavaScript clients subscribed");
        js
    }

    fn line(&self, timeout: Duration) -> String {
        tokio::task::block_in_place(|| self.lines.recv_timeout(timeout))
            .expect("a line from restart_js.mjs")
    }

    /// Tells the load balancer which nodes are up.
    fn up(&mut self, up: &Up) {
        use std::io::Write;
        let ports: Vec<String> = up.lock().unwrap().iter().map(|u| port_of(u).to_string()).collect();
        writeln!(self.stdin, "up {}", ports.join(" ")).unwrap();
    }

    /// What each client got, once every one has the last tick.
    fn finish(mut self) -> Vec<serde_json::Value> {
        let report: serde_json::Value = serde_json::from_str(&self.line(Duration::from_secs(130))).unwrap();
        let _ = self.child.wait();
        report["clients"].as_array().unwrap().clone()
    }
}

/// Panics unless `got` is `expected`, naming what is missing, what came twice, and where
/// they first differ (the lists are long).
fn each_once_in_order(what: &str, got: &[usize], expected: &[usize]) {
    if got == expected {
        return;
    }
    let missing: Vec<_> = expected.iter().filter(|n| !got.contains(n)).collect();
    let twice: Vec<_> = got.iter().enumerate().filter(|(i, n)| got[..*i].contains(n)).map(|(_, n)| n).collect();
    let first = got.iter().zip(expected).position(|(a, b)| a != b);
    panic!("{what}: {} of {}; missing {missing:?}; twice {twice:?}; first difference at {first:?}", got.len(), expected.len());
}

/// A control client on `worker`, for `php()`.
async fn control(worker: &Worker) -> Client {
    let mut client = connect(&worker.url("/ws?tag=control")).await;
    token_frame(&mut client).await;
    client
}

async fn rolling_restart(load: Load) {
    let _serial = one_at_a_time();
    let redis = Arc::new(RedisServer::start());
    let mut nodes: Vec<Worker> = ["a", "b", "c"].iter().map(|n| resumable_node(&redis, n)).collect();
    let up: Up = Arc::new(Mutex::new(nodes.iter().map(|n| n.url("/ws")).collect()));
    let settled = Arc::new(Settled::default());
    let mut clients = Vec::new();
    for who in 0..load.clients {
        let on = nodes[who % 3].url("/ws");
        let mut client = connect(&on).await;
        let (token, _) = token_frame(&mut client).await;
        subscribe(&mut client, "feed").await;
        let (up, settled) = (up.clone(), settled.clone());
        clients.push(tokio::spawn(follow(client, token, on, up, settled, who, load.ticks - 1)));
    }
    wait_subscribers(&*redis, "frankenphp_ws:channel:feed", 3);
    for (n, node) in nodes.iter().enumerate() {
        let here = (load.clients + 2 - n) / 3;
        node.wait_until("every open", WAIT, |events| {
            events.iter().filter(|e| e["type"] == "open" && e["query"]["tag"] != "js").count() == here
        });
    }
    let mut ids = vec![String::new(); load.clients];
    for (n, node) in nodes.iter().enumerate() {
        let opened = node.events();
        let opened = opened.iter().filter(|e| e["type"] == "open" && e["query"]["tag"].is_null());
        for (k, e) in opened.enumerate() {
            ids[k * 3 + n] = e["connection"].as_str().unwrap().to_string();
        }
    }
    assert!(ids.iter().all(|id| !id.is_empty()), "every client opened");
    let mut js = JsClients::start(load.js_clients, &up, load.ticks - 1);

    // Ticks come from a node not stopping in that phase: c, then the restarted a.
    let mut ticker = control(&nodes[2]).await;
    let mut stopped = Vec::new();
    let mut restarted: Option<tokio::task::JoinHandle<Worker>> = None;
    let started = Instant::now();
    for tick in 0..load.ticks {
        if let Some(n) = (0..3).find(|n| load.stop_at(*n) == tick) {
            if let Some(restart) = restarted.take() {
                nodes.push(restart.await.unwrap());
                js.up(&up);
            }
            let back = Instant::now() + Duration::from_secs(10);
            while settled.closed.load(std::sync::atomic::Ordering::SeqCst)
                != settled.resumed.load(std::sync::atomic::Ordering::SeqCst)
            {
                assert!(Instant::now() < back, "the clients of the last stop came back within 10 s");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            if n == 2 {
                // Its publishing order and the next node's are not one: let c's go first.
                tokio::time::sleep(Duration::from_millis(100)).await;
                ticker = control(nodes.last().unwrap()).await;
            }
            let leaving = nodes[n].url("/ws");
            up.lock().unwrap().retain(|u| *u != leaving);
            js.up(&up);
            let mut stopper = control(&nodes[n]).await;
            send_text(&mut stopper, "stop:handoff").await;
            stopped.push((n, started.elapsed()));
            // The node comes back (a new process, as a deploy starts one), under its name.
            let (redis, up, name) = (redis.clone(), up.clone(), ["a2", "b2", "c2"][n]);
            restarted = Some(tokio::task::spawn_blocking(move || {
                let worker = resumable_node(&redis, name);
                up.lock().unwrap().push(worker.url("/ws"));
                worker
            }));
        }
        php(&mut ticker, &format!("broadcast('feed', 'tick-{tick}')")).await;
        let direct = load.direct(tick);
        if !direct.is_empty() {
            let to: Vec<String> = direct.iter().map(|w| format!("'{}'", ids[*w])).collect();
            let each = format!("foreach ([{}] as $id) {{ frankenphp_ws_send($id, 'd-{tick}'); }}", to.join(", "));
            php(&mut ticker, &format!("(function () {{ {each} return true; }})()")).await;
        }
        tokio::time::sleep(TICK).await;
    }
    if let Some(restart) = restarted.take() {
        nodes.push(restart.await.unwrap());
        js.up(&up);
    }

    // The JavaScript clients: the same, through their load balancer.
    let mut js_resumed = 0;
    for (who, seen) in js.finish().iter().enumerate() {
        let ticks: Vec<usize> = serde_json::from_value(seen["ticks"].clone()).unwrap();
        each_once_in_order(&format!("JavaScript client {who}'s ticks"), &ticks, &(0..load.ticks).collect::<Vec<_>>());
        assert_eq!(seen["connects"], 1, "JavaScript client {who}: never a new connection: {seen}");
        let resumes = seen["resumes"].as_u64().unwrap() as usize;
        assert!(resumes >= 1, "JavaScript client {who}: its node restarted: {seen}");
        js_resumed += resumes;
    }

    let (mut resumed, mut closed, mut retried) = (0, 0, 0);
    for (who, client) in clients.into_iter().enumerate() {
        let seen = client.await.unwrap();
        each_once_in_order(&format!("client {who}'s ticks"), &seen.ticks, &(0..load.ticks).collect::<Vec<_>>());
        each_once_in_order(&format!("client {who}'s direct messages"), &seen.direct, &load.direct_for(who));
        assert!(seen.closes.iter().all(|c| *c == 1012), "client {who}: closed only for restarts: {:?}", seen.closes);
        assert_eq!(seen.resumes, seen.closes.len(), "client {who}: resumed after each close");
        assert!(seen.resumes >= 1, "client {who}: its node restarted");
        resumed += seen.resumes;
        closed += seen.closes.len();
        retried += seen.retries;
    }
    let count = |kind: &str, control: bool| {
        nodes
            .iter()
            .flat_map(|w| w.events())
            .filter(|e| e["type"] == kind && (e["query"]["tag"] == "control") == control)
            .count()
    };
    let all = load.clients + load.js_clients;
    assert_eq!(count("open", false), all, "no client got a new connection");
    assert_eq!(count("close", false), 0, "no node reported the end of a client's connection");
    assert_eq!(count("resume", false), resumed + js_resumed, "the workers saw each resume");
    let directs: usize = (0..load.ticks).map(|t| load.direct(t).len()).sum();
    println!(
        "rolling restart of 3 nodes ({} clients, {} of them JavaScript): {} ticks and {directs} direct messages, each received once and in order; {resumed} resumes after {closed} closes (1012), {retried} reconnects tried again, and {js_resumed} JavaScript resumes; stops at {:?}; {:?} in all",
        all,
        load.js_clients,
        load.ticks,
        stopped,
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_node_restarted_in_turn_with_handoff_gives_its_clients_to_the_others_and_they_miss_nothing() {
    rolling_restart(Load { clients: 30, js_clients: 10, ticks: 400 }).await;
}

/// `make soak-restart`: the same with 1,000 clients.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn a_rolling_restart_under_load_loses_nothing_for_1000_clients() {
    rolling_restart(Load { clients: 1000, js_clients: 100, ticks: 1600 }).await;
}
