//! `resume`, across nodes: two worker nodes on one `redis-server` (`driver=redis`).
//! - Cross-node resume: 1,000 acknowledging ghosts dormant on node A, each sent one broadcast
//!   while dormant, taken back on node B from four threads: takeovers per second, and the time
//!   from a client's reconnect (TCP connect included) to its first replayed message. The
//!   baseline, in the same run: a fresh connection's connect to its first message on B.
//! - Handoff: 5,000 clients on node A, which stops with `handoff`; each client reads its close
//!   (1012) and comes back to B with its token: seconds from the stop command until the last
//!   has resumed.

use crate::client::Conn;
use crate::cluster::Redis;
use crate::resume::{pct, subscribe, timed, token_of};
use crate::worker::Worker;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const GHOSTS: usize = 1000;
const HANDED_OFF: usize = 5000;
const THREADS: usize = 4;

fn node(redis: &Redis, name: &str) -> Worker {
    let options = format!(
        r#"{{"resume_tokens":"auto","ghost_ttl":600,"driver":"redis","redis_address":"redis://127.0.0.1:{}","node_name":"{name}"}}"#,
        redis.port
    );
    Worker::start("php/bench/fanout.php", &[("FRANKENPHP_WS_OPTIONS", &options)])
}

pub fn across_nodes() {
    let redis = Redis::start();
    let (a, b) = (node(&redis, "a"), node(&redis, "b"));
    let (on_a, on_b): (SocketAddr, SocketAddr) = (a.listen, b.listen);
    let mut control = Conn::blocking(on_a);
    control.read_text();

    let (fresh, _) = timed((0..GHOSTS).collect(), move |_| {
        let started = Instant::now();
        let mut conn = Conn::blocking(on_b);
        conn.read_text();
        started.elapsed()
    });

    let mut tokens = Vec::with_capacity(GHOSTS);
    for _ in 0..GHOSTS {
        let mut conn = Conn::blocking_at(on_a, "/ws?ack=1");
        tokens.push(token_of(&conn.read_text()));
        subscribe(&mut conn);
    }
    std::thread::sleep(Duration::from_millis(500));
    control.send_text("pub:while you were away");
    std::thread::sleep(Duration::from_millis(500));
    let (resumed, wall) = timed(tokens, move |token| {
        let started = Instant::now();
        let mut conn = Conn::blocking_at(on_b, &format!("/ws?resume={token}&last=0"));
        let told = conn.read_text();
        assert!(told.windows(14).any(|w| w == br#""resumed":true"#), "resumed on B");
        let first = conn.read_text();
        let took = started.elapsed();
        assert!(first.starts_with(br#"{"event":"message","seq":1,"#));
        took
    });
    println!(
        "resume across nodes: {GHOSTS} dormant ghosts on node A taken back on node B from {THREADS} threads: {:.0} takeovers/s; reconnect to first replayed message p50 {:.0} µs, p99 {:.0} µs (baseline, a fresh connection's connect to its token on B: p50 {:.0} µs, p99 {:.0} µs)",
        GHOSTS as f64 / wall.as_secs_f64(),
        pct(&resumed, 0.50),
        pct(&resumed, 0.99),
        pct(&fresh, 0.50),
        pct(&fresh, 0.99),
    );

    // A whole node handed off: its clients come back to B.
    let mut clients = Vec::with_capacity(HANDED_OFF);
    for _ in 0..HANDED_OFF {
        let mut conn = Conn::blocking(on_a);
        let token = token_of(&conn.read_text());
        clients.push((conn, token));
    }
    std::thread::sleep(Duration::from_millis(500));
    let stopped = Instant::now();
    control.send_text("handoff");
    let (_, wall) = timed(clients, move |(mut conn, token)| {
        let code = conn.read_close();
        assert_eq!(code, Some(1012), "closed for the restart");
        let mut back = Conn::blocking_at(on_b, &format!("/ws?resume={token}"));
        let told = back.read_text();
        assert!(told.windows(14).any(|w| w == br#""resumed":true"#), "resumed on B");
        Duration::ZERO
    });
    println!(
        "handoff: {HANDED_OFF} clients of a stopping node resumed on another node {:.2} s after the stop began ({:.2} s of it after the clients were told)",
        stopped.elapsed().as_secs_f64(),
        wall.as_secs_f64(),
    );
    drop(a);
}
