//! `ws-bench cluster`: three worker nodes and one `redis-server` on this machine (`driver=redis`),
//! beside the single-node figure from the same run.
//!
//! - fan-out: 1,000 subscribers spread over the 3 nodes, 1,000 broadcasts published on node 1;
//! - Redis PUBLISH commands per broadcast (from `INFO commandstats`);
//! - latency: 10 subscribers on node 2, 100 broadcasts/s published on node 1 (the stamp is
//!   node 1's monotonic clock, the same clock as the reader's on one machine);
//! - `broadcast()` from a CLI process: through Redis, and through the admin API.

use crate::client::{Conn, Pool};
use crate::worker::Worker;
use crate::{fan_out, fmt_rate};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct Redis {
    child: Child,
    pub(crate) port: u16,
}

impl Redis {
    pub(crate) fn start() -> Redis {
        let port = free_port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server runs (scripts/setup.sh installs it)");
        let redis = Redis { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !redis.command("PING").contains("PONG") {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        redis
    }

    /// One inline command; the raw answer.
    fn command(&self, line: &str) -> String {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return String::new();
        };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
        let _ = stream.write_all(format!("{line}\r\nQUIT\r\n").as_bytes());
        let mut out = String::new();
        let _ = stream.read_to_string(&mut out);
        out
    }

    fn publishes(&self) -> u64 {
        let stats = self.command("INFO commandstats");
        stats
            .lines()
            .find_map(|l| l.strip_prefix("cmdstat_publish:calls="))
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    fn subscribers(&self, channel: &str) -> u64 {
        let answer = self.command(&format!("PUBSUB NUMSUB {channel}"));
        answer
            .lines()
            .filter(|l| l.starts_with(':'))
            .next_back()
            .and_then(|l| l[1..].trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn cluster() {
    fan_out("cluster: single node (for comparison)", 1000, 1000, 64);
    let redis = Redis::start();
    let options = format!(
        r#"{{"driver":"redis","redis_address":"redis://127.0.0.1:{}"}}"#,
        redis.port
    );
    let admin = format!("127.0.0.1:{}", free_port());
    let nodes: Vec<Worker> = (0..3)
        .map(|i| {
            let mut env = vec![("FRANKENPHP_WS_OPTIONS", options.as_str())];
            if i == 0 {
                env.push(("FRANKENPHP_WS_ADMIN", admin.as_str()));
            }
            Worker::start("php/bench/fanout.php", &env)
        })
        .collect();
    let pools: Vec<Pool> = nodes
        .iter()
        .zip([334, 333, 333])
        .map(|(n, k)| Pool::connect(n.listen, k, 1, Some("bench")))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(10);
    while redis.subscribers("frankenphp_ws:channel:bench") < 3 {
        assert!(Instant::now() < deadline, "the nodes did not subscribe");
        std::thread::sleep(Duration::from_millis(20));
    }
    let received = || pools.iter().map(Pool::received).sum::<u64>();
    let cpu = || {
        nodes
            .iter()
            .map(|n| n.cpu_time().as_secs_f64())
            .sum::<f64>()
    };
    let mut control = Conn::blocking(nodes[0].listen);
    let (broadcasts, per_burst) = (1000usize, 1_000_000u64);
    let publishes0 = redis.publishes();
    let mut runs = Vec::new();
    for _ in 0..5 {
        let (before, cpu0, t0) = (received(), cpu(), Instant::now());
        control.send_texts((0..broadcasts).map(|i| format!("pub:{:x<64}", format!("{i}:"))));
        let deadline = Instant::now() + Duration::from_secs(60);
        while received() < before + per_burst && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        let got = received() - before;
        runs.push((
            got as f64 / t0.elapsed().as_secs_f64(),
            (cpu() - cpu0) * 1e6 / got.max(1) as f64,
            got == per_burst,
        ));
        std::thread::sleep(Duration::from_millis(200));
    }
    let publishes = redis.publishes() - publishes0;
    runs.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    let (rate, cpu_us, complete) = runs[2];
    println!(
        "cluster: 3 nodes, 1000 subscribers over them x {broadcasts} broadcasts of 64 B on node 1: {}deliveries/s, server CPU (3 nodes) {cpu_us:.3} µs/delivery (median of 5; range {}-{}){}",
        fmt_rate(rate),
        fmt_rate(runs[0].0),
        fmt_rate(runs[4].0),
        if complete { "" } else { " (INCOMPLETE)" }
    );
    println!(
        "cluster: Redis PUBLISH commands per broadcast: {:.2} ({publishes} for {} broadcasts; 2 other nodes interested)",
        publishes as f64 / (5 * broadcasts) as f64,
        5 * broadcasts
    );
    for pool in pools {
        pool.close();
    }

    // Cross-node latency: readers on node 2, publisher on node 1.
    let readers = Pool::connect(nodes[1].listen, 10, 1, Some("bench"));
    std::thread::sleep(Duration::from_millis(300));
    readers.record_latency(true);
    let start = Instant::now();
    for i in 0..1000u32 {
        if let Some(wait) = (start + Duration::from_millis(10 * u64::from(i)))
            .checked_duration_since(Instant::now())
        {
            std::thread::sleep(wait);
        }
        control.send_text("burst:1:64");
    }
    readers.wait_received(10_000, Duration::from_secs(10));
    let mut samples = readers.latencies();
    samples.sort_unstable();
    if !samples.is_empty() {
        let pct = |p: f64| {
            samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)] as f64 / 1000.0
        };
        println!(
            "cluster: cross-node latency, 10 subscribers on node 2, 100 broadcasts/s on node 1: {} samples, p50 {:.0} µs, p99 {:.0} µs",
            samples.len(),
            pct(0.5),
            pct(0.99)
        );
    }
    readers.close();

    // broadcast() from a CLI process: straight to Redis, and through node 1's admin API.
    let extension = std::env::var("FRANKENPHP_WS_SO")
        .unwrap_or_else(|_| "target/release/libfrankenphp_ws.so".into());
    let calls = 5000;
    let code = format!("$t = hrtime(true); for ($i = 0; $i < {calls}; $i++) {{ broadcast('bench', 'x'); }} echo (hrtime(true) - $t) / {calls} / 1000;");
    for (label, ini) in [
        (
            "via Redis",
            vec![
                format!("frankenphp_ws.driver=redis"),
                format!(
                    "frankenphp_ws.redis_address=redis://127.0.0.1:{}",
                    redis.port
                ),
            ],
        ),
        (
            "via the admin API",
            vec![format!("frankenphp_ws.admin_url=http://{admin}")],
        ),
    ] {
        let mut command = Command::new("php");
        command.args(["-n", "-d", &format!("extension={extension}")]);
        for setting in &ini {
            command.args(["-d", setting]);
        }
        let out = command.args(["-r", &code]).output().expect("php runs");
        let us: f64 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or(f64::NAN);
        println!(
            "cluster: broadcast() from a CLI process {label}: {us:.1} µs per call ({calls} calls)"
        );
    }

    // Requests from a CLI process through Redis: to a connection node 2 holds, and a read of
    // all 3 nodes.
    let held = Pool::connect(nodes[1].listen, 10, 1, None);
    std::thread::sleep(Duration::from_millis(300));
    let calls = 2000;
    for (label, call) in [
        (
            "send() to a connection on node 2",
            "frankenphp_ws_send($id, 'x')",
        ),
        (
            "getStoredInformation() of a connection on node 2",
            "frankenphp_ws_getStoredInformation($id, 'k')",
        ),
        (
            "getClientsCount() of 3 nodes",
            "frankenphp_ws_getClientsCount()",
        ),
    ] {
        let code = format!(
            "$id = frankenphp_ws_getClients()[0]; $t = hrtime(true); for ($i = 0; $i < {calls}; $i++) {{ {call}; }} echo (hrtime(true) - $t) / {calls} / 1000;"
        );
        let out = Command::new("php")
            .args(["-n", "-d", &format!("extension={extension}")])
            .args(["-d", "frankenphp_ws.driver=redis"])
            .args([
                "-d",
                &format!(
                    "frankenphp_ws.redis_address=redis://127.0.0.1:{}",
                    redis.port
                ),
            ])
            .args(["-r", &code])
            .output()
            .expect("php runs");
        let us: f64 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or(f64::NAN);
        println!(
            "cluster: {label} from a CLI process via Redis: {us:.1} µs per call ({calls} calls)"
        );
    }
    held.close();
}
