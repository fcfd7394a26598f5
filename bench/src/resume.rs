//! `resume`: ghosts taken back on the same node. Clients that acknowledge (`?ack=1`) with
//! `resume_tokens=auto` read their token, drop, are sent one broadcast while dormant, and come
//! back with `?resume=TOKEN&last=0` from four threads at once: takeovers per second, and the
//! time from a client's reconnect (TCP connect included) to its first replayed message. The
//! baseline, measured in the same run: a fresh connection's time from connect to its first
//! message (its token), which is the least a resume can cost.

use crate::client::Conn;
use crate::worker::Worker;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const CLIENTS: usize = 1000;
const THREADS: usize = 4;

pub(crate) fn token_of(text: &[u8]) -> String {
    let value: serde_json::Value = serde_json::from_slice(text).expect("JSON");
    assert_eq!(value["event"], "resume_token", "the token comes first");
    value["token"].as_str().expect("a token").to_string()
}

pub(crate) fn subscribe(conn: &mut Conn) {
    conn.send_text(r#"{"action":"subscribe","channel":"bench"}"#);
    let reply = conn.read_text();
    assert!(reply.starts_with(br#"{"event":"subscribed""#));
}

/// Runs `one` for each item on `THREADS` threads at once; the sorted timings and the wall time.
pub(crate) fn timed<T: Send + 'static>(
    items: Vec<T>,
    one: impl Fn(T) -> Duration + Send + Sync + Copy + 'static,
) -> (Vec<Duration>, Duration) {
    let started = Instant::now();
    let per_thread = items.len().div_ceil(THREADS);
    let mut items = items.into_iter();
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let share: Vec<T> = items.by_ref().take(per_thread).collect();
            std::thread::spawn(move || share.into_iter().map(one).collect::<Vec<_>>())
        })
        .collect();
    let mut all: Vec<Duration> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("a client thread"))
        .collect();
    all.sort_unstable();
    (all, started.elapsed())
}

pub(crate) fn pct(sorted: &[Duration], p: f64) -> f64 {
    let at = ((sorted.len() as f64 * p) as usize).min(sorted.len() - 1);
    sorted[at].as_secs_f64() * 1e6
}

pub fn resume() {
    let worker = Worker::start(
        "php/bench/fanout.php",
        &[(
            "FRANKENPHP_WS_OPTIONS",
            r#"{"resume_tokens":"auto","ghost_ttl":600}"#,
        )],
    );
    let listen: SocketAddr = worker.listen;
    let mut control = Conn::blocking(listen);
    control.read_text();

    // Baseline: a fresh connection, connect to its first message (the token).
    let (fresh, _) = timed((0..CLIENTS).collect(), move |_| {
        let started = Instant::now();
        let mut conn = Conn::blocking(listen);
        conn.read_text();
        let took = started.elapsed();
        drop(conn);
        took
    });

    // The ghosts: each acknowledging, subscribed, then dropped.
    let mut tokens = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        let mut conn = Conn::blocking_at(listen, "/ws?ack=1");
        tokens.push(token_of(&conn.read_text()));
        subscribe(&mut conn);
    }
    std::thread::sleep(Duration::from_millis(500));
    control.send_text("pub:while you were away");
    std::thread::sleep(Duration::from_millis(500));

    let (resumed, wall) = timed(tokens, move |token| {
        let started = Instant::now();
        let mut conn = Conn::blocking_at(listen, &format!("/ws?resume={token}&last=0"));
        // The new token comes first, then the replay.
        let told = conn.read_text();
        assert!(told.windows(14).any(|w| w == br#""resumed":true"#));
        let first = conn.read_text();
        let took = started.elapsed();
        assert!(
            first.starts_with(br#"{"event":"message","seq":1,"#),
            "the replay comes first: {}",
            String::from_utf8_lossy(&first)
        );
        took
    });
    println!(
        "resume: {CLIENTS} dormant ghosts taken back on the same node from {THREADS} threads: {:.0} takeovers/s; reconnect to first replayed message p50 {:.0} µs, p99 {:.0} µs (baseline, a fresh connection's connect to its token: p50 {:.0} µs, p99 {:.0} µs)",
        CLIENTS as f64 / wall.as_secs_f64(),
        pct(&resumed, 0.50),
        pct(&resumed, 0.99),
        pct(&fresh, 0.50),
        pct(&fresh, 0.99),
    );
}
