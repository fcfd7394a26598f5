//! `ws-bench pusher`: the Pusher protocol's cost beside the native one, in the same run.
//! - The fan-out burst (1,000 subscribers × 1,000 broadcasts of 64 B from the worker) to
//!   native clients, then to Pusher clients, which get each message as a Pusher event.
//! - Events through the Pusher HTTP API: 1,000 signed `POST /apps/{id}/events` from 4
//!   keep-alive HTTP clients, as a Laravel app sends them, to 1,000 native subscribers, then
//!   to 1,000 Pusher ones.
//! - `POST /events` calls/s to a channel nobody is on: the API's own cost.

use crate::client::{Conn, Pool};
use crate::fanout::native_and_pusher;
use crate::worker::Worker;
use crate::{fmt_rate, median};
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

const APP_ID: &str = "bench";
const KEY: &str = "bench-key";
const SECRET: &str = "bench-secret";
const OPTIONS: &str =
    r#"{"pusher_app_id":"bench","pusher_key":"bench-key","pusher_secret":"bench-secret"}"#;

pub(crate) fn pusher() {
    let env = [("FRANKENPHP_WS_OPTIONS", OPTIONS)];
    let [native, pusher] = native_and_pusher("pusher fan-out", &env, KEY, 1000, 1000);
    println!(
        "pusher fan-out: Pusher / native: CPU per delivery {:.2}x, deliveries/s {:.2}x",
        pusher.1 / native.1,
        pusher.0 / native.0
    );
    interleaved(&env);

    // The HTTP API's events, paced by 4 clients each waiting for its answer: the same to
    // native subscribers (which get the event's JSON) and to Pusher ones.
    let native = api_fan_out(&env, false);
    let pusher = api_fan_out(&env, true);
    println!(
        "pusher HTTP API fan-out: Pusher / native: CPU per delivery {:.2}x, deliveries/s {:.2}x",
        pusher.1 / native.1,
        pusher.0 / native.0
    );

    let worker = Worker::start("php/bench/fanout.php", &env);
    let calls = 10_000;
    let (cpu0, t0) = (worker.cpu_time(), Instant::now());
    post_events(worker.listen, "nobody", calls, 4);
    let took = t0.elapsed().as_secs_f64();
    let cpu = (worker.cpu_time() - cpu0).as_secs_f64();
    println!(
        "pusher HTTP API: {calls} POST /events to an empty channel (4 keep-alive clients): {} calls/s, server CPU {:.1} µs per call",
        fmt_rate(calls as f64 / took),
        cpu * 1e6 / calls as f64
    );
}

/// One worker, 1,000 native subscribers of `native` and 1,000 Pusher subscribers of `pusher`;
/// bursts of 1,000 broadcasts alternate: 64 B to the native ones, 64 B to the Pusher ones
/// (whose frames carry the event's envelope, 113 B), and to the native ones again padded to
/// the Pusher frames' size. Each round starts with another kind, so neither a slow moment of
/// the machine nor the order favours one. Medians of 6 of the server CPU per delivery and of
/// deliveries/s: the third kind tells what the envelope's bytes cost from what the rest of the
/// Pusher path costs.
fn interleaved(env: &[(&str, &str)]) {
    let worker = Worker::start("php/bench/fanout.php", env);
    let mut native = Pool::empty(worker.listen, 1);
    native.add(1000, Some("native"));
    let mut pusher = Pool::empty(worker.listen, 1).with_pusher(KEY);
    pusher.add(1000, Some("pusher"));
    let mut control = Conn::blocking(worker.listen);
    // The Pusher frame of a 64 B broadcast to `pusher`: {"event":"message","channel":"pusher","data":"…"}.
    let envelope = r#"{"event":"message","channel":"pusher","data":""}"#.len();
    let kinds: [(&str, &str, &Pool, usize); 3] = [
        ("native, 64 B", "native", &native, 64),
        ("Pusher, 64 B", "pusher", &pusher, 64),
        ("native, the Pusher frame's size", "native", &native, 64 + envelope),
    ];
    let mut samples: [Vec<(f64, f64)>; 3] = Default::default();
    for round in 0..6 {
        for k in (0..kinds.len()).map(|i| (i + round) % kinds.len()) {
            let (_, channel, pool, size) = kinds[k];
            let before = pool.received();
            let (cpu0, t0) = (worker.cpu_time(), Instant::now());
            control.send_texts((0..1000).map(|i| format!("pubto:{channel}:{:x<size$}", format!("{i}:"))));
            pool.wait_received(before + 1_000_000, Duration::from_secs(60));
            let got = (pool.received() - before) as f64;
            let cpu = (worker.cpu_time() - cpu0).as_secs_f64();
            samples[k].push((got / t0.elapsed().as_secs_f64(), cpu * 1e6 / got.max(1.0)));
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    let median_of = |v: &[(f64, f64)], f: fn(&(f64, f64)) -> f64| median(v.iter().map(f).collect());
    let cpu: Vec<f64> = samples.iter().map(|s| median_of(s, |s| s.1)).collect();
    for (k, (label, ..)) in kinds.iter().enumerate() {
        println!(
            "pusher fan-out, one worker, bursts alternating: {label}: {}deliveries/s, server CPU {:.3} µs/delivery (medians of 6)",
            fmt_rate(median_of(&samples[k], |s| s.0)),
            cpu[k]
        );
    }
    println!(
        "pusher fan-out, one worker: Pusher / native CPU per delivery {:.2}x; against native frames of the same size {:.2}x",
        cpu[1] / cpu[0],
        cpu[1] / cpu[2]
    );
    native.close();
    pusher.close();
}

/// 1,000 subscribers of `bench` (Pusher clients or native ones), 1,000 events through the HTTP
/// API: deliveries/s and server CPU µs per delivery.
fn api_fan_out(env: &[(&str, &str)], pusher: bool) -> (f64, f64) {
    let worker = Worker::start("php/bench/fanout.php", env);
    let mut pool = Pool::empty(worker.listen, 2);
    if pusher {
        pool = pool.with_pusher(KEY);
    }
    pool.add(1000, Some("bench"));
    let events = 1000;
    let (cpu0, t0) = (worker.cpu_time(), Instant::now());
    post_events(worker.listen, "bench", events, 4);
    let posted = t0.elapsed().as_secs_f64();
    let done = pool.wait_received(1000 * events as u64, Duration::from_secs(60));
    let took = t0.elapsed().as_secs_f64();
    let cpu = (worker.cpu_time() - cpu0).as_secs_f64();
    let got = pool.received();
    let (rate, cpu_us) = (got as f64 / took, cpu * 1e6 / got.max(1) as f64);
    println!(
        "pusher HTTP API fan-out ({}): 1000 subscribers x {events} POST /events of 64 B (4 keep-alive clients): {}deliveries/s, server CPU {cpu_us:.3} µs/delivery, {} calls/s{}",
        if pusher { "Pusher clients" } else { "native clients" },
        fmt_rate(rate),
        fmt_rate(events as f64 / posted),
        if done { "" } else { " (INCOMPLETE: timed out)" }
    );
    pool.close();
    (rate, cpu_us)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A signed `POST /apps/{id}/events` as the Pusher SDKs make it.
fn signed_request(channel: &str, i: usize) -> Vec<u8> {
    let data = format!("{:x<60}", format!("{i}:"));
    let body = serde_json::json!({"name": "tick", "channels": [channel], "data": data}).to_string();
    let path = format!("/apps/{APP_ID}/events");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let query = format!(
        "auth_key={KEY}&auth_timestamp={now}&auth_version=1.0&body_md5={}",
        hex(&Md5::digest(body.as_bytes()))
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("POST\n{path}\n{query}").as_bytes());
    let signature = hex(&mac.finalize().into_bytes());
    format!(
        "POST {path}?{query}&auth_signature={signature} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// `total` events to `channel` from `clients` threads, each one keep-alive connection sending
/// a request once the previous one is answered. Requests are signed before the clock starts.
fn post_events(listen: SocketAddr, channel: &str, total: usize, clients: usize) {
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let requests: Vec<Vec<u8>> = (c..total)
                .step_by(clients)
                .map(|i| signed_request(channel, i))
                .collect();
            std::thread::spawn(move || {
                let stream = TcpStream::connect(listen).expect("connect");
                stream.set_nodelay(true).unwrap();
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                for request in requests {
                    writer.write_all(&request).unwrap();
                    read_response(&mut reader);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

fn read_response(reader: &mut BufReader<TcpStream>) {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "POST /events answered {line}");
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(n) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = n.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
}
