//! `ws-bench`: the load client behind `make bench`. It starts a real PHP worker with the built
//! extension, drives it over loopback WebSockets, and prints figures. Nothing is asserted:
//! speed is measured here, behaviour is checked by the tests.
//!
//! Clients speak raw RFC 6455 frames (masked text out, header-only parsing in) so the load
//! client's own CPU stays small on a machine it shares with the server. Each client thread
//! runs one current-thread tokio runtime; sources are spread over 127.0.0.x so no single
//! source address runs out of ephemeral ports.

mod client;
mod cluster;
mod fanout;
mod moves;
mod pusher;
mod resume;
mod worker;

use client::{Conn, Pool};
use fanout::against_ceiling;
pub(crate) use fanout::fan_out;
use std::time::{Duration, Instant};
use worker::{PhpServer, Worker};

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let run = |name: &str| which == "all" || which == name;
    println!(
        "frankenphp_ws bench (loopback, {} cores)",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    if run("php") {
        php_side();
    }
    if run("burst") {
        against_ceiling("fan-out burst", 1000, 1000, 64);
        fanout::alternating_with_ceiling("fan-out burst", 1000, 1000, 64, 7);
    }
    if which == "compare" {
        // Not part of `all`: two builds of the extension, A and B, side by side.
        let args: Vec<String> = std::env::args().skip(2).collect();
        let [a, b] = args.as_slice() else {
            eprintln!("usage: ws-bench compare A.so B.so");
            std::process::exit(2);
        };
        fanout::compare([a, b], 1000, 1000, 9);
    }
    if run("compression") {
        fanout::compression("fan-out compressed", 1000, 1000, 1024);
        fanout::compression("fan-out wide compressed", 10_000, 100, 1024);
    }
    if run("wide") {
        against_ceiling("fan-out wide", 10_000, 100, 64);
    }
    if run("latency") {
        latency();
    }
    if run("memory") {
        memory();
    }
    if run("tags") {
        tags();
    }
    if run("handshakes") {
        handshakes();
    }
    if run("shootout") {
        shootout();
    }
    if run("resume") {
        resume::resume();
        moves::across_nodes();
    }
    if run("pusher") {
        pusher::pusher();
    }
    if run("cluster") {
        cluster::cluster();
    }
}

/// 19,000 connections; the same 1,000 of them reached by a channel broadcast, `sendToTag` and a
/// three-tag expression: deliveries per second of each, 1,000 sends of 64 B.
fn tags() {
    let worker = Worker::start("php/bench/tags.php", &[]);
    let total = 19_000 - 1;
    let pool = Pool::connect(worker.listen, total, 2, None);
    let mut control = Conn::blocking(worker.listen);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        control.send_text("count");
        let answer = String::from_utf8(control.read_text()).unwrap();
        if answer.starts_with("1000:") && answer.ends_with(&format!(":{}", total + 1)) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "tagging did not finish: {answer}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let sends = 1000;
    let kinds = [
        ("channel broadcast", "chan"),
        ("sendToTag", "tag"),
        ("sendToTagExpression '(a | b) & !c'", "expr"),
    ];
    let mut samples = vec![Vec::new(); kinds.len()];
    // Interleaved rounds, each starting with another kind, so neither a slow moment of the
    // machine nor the position in a round favours one kind.
    for round in 0..6 {
        for k in (0..kinds.len()).map(|i| (i + round) % kinds.len()) {
            let command = kinds[k].1;
            let start_count = pool.received();
            let t0 = Instant::now();
            control.send_text(&format!("{command}:{sends}"));
            pool.wait_received(start_count + 1000 * sends, Duration::from_secs(60));
            samples[k].push((pool.received() - start_count) as f64 / t0.elapsed().as_secs_f64());
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    let rates: Vec<f64> = samples.iter_mut().map(median).collect();
    for ((label, _), rate) in kinds.iter().zip(&rates) {
        println!(
            "tags: {label}: 1,000 of {} connections x {sends}: {}deliveries/s (median of 6)",
            total + 1,
            fmt_rate(*rate)
        );
    }
    println!(
        "tags: sendToTag at {:.0}% and the expression at {:.0}% of the channel broadcast",
        rates[1] / rates[0] * 100.0,
        rates[2] / rates[0] * 100.0
    );
    pool.close();
}

/// Authenticated handshakes per second: 10,000 clients presenting an HS256 JWT, then 2,000
/// whose handshake the worker's server checks with a PHP `auth_endpoint` served by `php -S`
/// (2 PHP workers). Every connection stays open until its batch is done. 64 handshakes are in
/// flight at a time (32 per client thread): clients arriving, not a SYN flood; with 512 in
/// flight the same server does about half as many per second on this machine.
fn handshakes() {
    let secret = "bench-secret";
    // The application signs the token; here PHP does, as an application would.
    let sign = format!(
        r#"function b($s){{return rtrim(strtr(base64_encode($s),'+/','-_'),'=');}}
        $h=b('{{"alg":"HS256","typ":"JWT"}}'); $p=b(json_encode(['sub'=>'bench','exp'=>time()+3600]));
        echo "$h.$p.".b(hash_hmac('sha256',"$h.$p",'{secret}',true));"#
    );
    let out = std::process::Command::new("php")
        .args(["-n", "-r", &sign])
        .output()
        .expect("php runs");
    let token = String::from_utf8(out.stdout).unwrap();
    let options = format!(r#"{{"auth_jwt_secret":"{secret}"}}"#);
    let worker = Worker::start(
        "php/bench/fanout.php",
        &[("FRANKENPHP_WS_OPTIONS", &options)],
    );
    let n = 10_000;
    let mut pool = Pool::empty(worker.listen, 2)
        .with_in_flight(32)
        .with_path(&format!("/ws?token={token}"));
    let (cpu0, t0) = (worker.cpu_time(), Instant::now());
    pool.add(n, None);
    let took = t0.elapsed().as_secs_f64();
    let cpu_us = (worker.cpu_time() - cpu0).as_secs_f64() * 1e6 / n as f64;
    println!(
        "handshakes: JWT: {n} authenticated connections, 64 in flight, in {took:.2} s = {} handshakes/s, server CPU {cpu_us:.0} µs per handshake (PHP worker included)",
        fmt_rate(n as f64 / took)
    );
    pool.close();
    drop(worker);

    let pages = PhpServer::start("php/bench", 2);
    let options = format!(r#"{{"auth_endpoint":"http://{}/auth.php"}}"#, pages.addr);
    let worker = Worker::start(
        "php/bench/fanout.php",
        &[("FRANKENPHP_WS_OPTIONS", &options)],
    );
    let n = 2_000;
    let mut pool = Pool::empty(worker.listen, 2).with_in_flight(32);
    let t0 = Instant::now();
    pool.add(n, None);
    let took = t0.elapsed().as_secs_f64();
    println!(
        "handshakes: auth_endpoint (php -S, 2 workers): {n} authenticated connections, 64 in flight, in {took:.2} s = {} handshakes/s",
        fmt_rate(n as f64 / took)
    );
    pool.close();
}

/// The middle value (the upper one of an even count).
pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

pub(crate) fn fmt_rate(n: f64) -> String {
    if n >= 1e6 {
        format!("{:.2} M", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1} k", n / 1e3)
    } else {
        format!("{n:.0} ")
    }
}

/// 10 subscribers, 100 broadcasts per second; latency from the PHP broadcast() call (its
/// hrtime stamp in the payload) to the client reading the frame.
fn latency() {
    let worker = Worker::start("php/bench/fanout.php", &[]);
    let pool = Pool::connect(worker.listen, 10, 1, Some("bench"));
    pool.record_latency(true);
    let mut control = Conn::blocking(worker.listen);
    let rounds = 1000;
    let start = Instant::now();
    for i in 0..rounds {
        let due = start + Duration::from_millis(10 * i);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        control.send_text("burst:1:64");
    }
    pool.wait_received(rounds * 10, Duration::from_secs(10));
    let mut samples = pool.latencies();
    samples.sort_unstable();
    let pct = |p: f64| {
        samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)] as f64 / 1000.0
    };
    println!(
        "latency: 10 subscribers, 100 broadcasts/s for {} s: {} samples, p50 {:.0} µs, p99 {:.0} µs, p99.9 {:.0} µs (broadcast() call to client read)",
        rounds / 100,
        samples.len(),
        pct(0.50),
        pct(0.99),
        pct(0.999)
    );
    pool.close();
}

/// 19,000 idle subscribed connections: resident memory per connection.
fn memory() {
    let n = 19_000;
    let worker = Worker::start("php/bench/fanout.php", &[]);
    std::thread::sleep(Duration::from_millis(300));
    let before = worker.rss_kib();
    let pool = Pool::connect(worker.listen, n, 2, Some("bench"));
    std::thread::sleep(Duration::from_secs(2));
    let after = worker.rss_kib();
    println!(
        "memory: {n} idle subscribed connections: server RSS {before} KiB -> {after} KiB = {:.2} KiB per connection",
        (after.saturating_sub(before)) as f64 / n as f64
    );
    pool.close();
}

/// The websocket-shootout method: add 1,000 clients per step; at each step 4 senders make 25
/// broadcasts each; stop when the 95th-percentile round trip (send to broadcastResult)
/// passes 500 ms or the file limit is reached.
fn shootout() {
    let worker = Worker::start("php/bench/shootout.php", &[]);
    let mut pool = Pool::empty(worker.listen, 2);
    let limit = 19_000;
    let mut best = 0;
    println!("shootout: clients   p95 broadcast RTT (4 senders x 25)");
    while pool.len() + 1000 <= limit {
        pool.add(1000, None);
        let mut rtts = Vec::new();
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let listen = worker.listen;
                std::thread::spawn(move || {
                    let mut sender = Conn::blocking(listen);
                    (0..25).map(|i| sender.broadcast_rtt(i)).collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            rtts.extend(h.join().unwrap());
        }
        rtts.sort();
        let p95 = rtts[(rtts.len() * 95 / 100).min(rtts.len() - 1)];
        println!(
            "shootout: {:>7}   {:>8.1} ms",
            pool.len() + 4,
            p95.as_secs_f64() * 1e3
        );
        if p95 > Duration::from_millis(500) {
            break;
        }
        best = pool.len() + 4;
    }
    println!(
        "shootout: {best} clients with p95 broadcast round trip <= 500 ms (limit tried: {limit})"
    );
    pool.close();
}

/// The PHP side alone: broadcast() to an empty channel, and draining queued events.
fn php_side() {
    let worker = Worker::start("php/bench/php_side.php", &[]);
    // php_side.php measures broadcast() by itself first, then waits while we fill its queue.
    let pool = Pool::connect(worker.listen, 20, 2, None);
    pool.flood(70_000 / 20, 32);
    let lines = worker.wait_output(Duration::from_secs(60));
    for line in lines {
        println!("{line}");
    }
    pool.close();
}
