//! The fan-out figures: a client publishes N messages through the PHP worker, which
//! broadcasts each to every subscriber; the same load against `ws-ceiling`, the bare
//! tokio-tungstenite broadcaster; and subscribe round trips on another channel meanwhile.

use crate::client::{Conn, Pool};
use crate::fmt_rate;
use crate::worker::Worker;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The product and the bare tokio-tungstenite broadcaster (`ws-ceiling`) under the same load,
/// one after the other, and the ratio of their server CPU per delivery.
pub(crate) fn against_ceiling(title: &str, subscribers: usize, broadcasts: usize, size: usize) {
    let product = fan_out(title, subscribers, broadcasts, size);
    let ceiling = fan_out_on(
        Worker::ceiling(),
        &format!("{title} (bare tokio-tungstenite ceiling)"),
        subscribers,
        broadcasts,
        size,
    );
    println!(
        "{title}: product / ceiling: CPU per delivery {:.2}x, deliveries/s {:.2}x",
        product.1 / ceiling.1,
        product.0 / ceiling.0
    );
}

/// 1,000 (or 10,000) subscribers; a publishing client sends N messages at once and the worker
/// calls broadcast() for each as it decodes them. Five bursts on the same connections; the
/// median burst is reported. Returns its deliveries/s and server CPU µs per delivery.
pub(crate) fn fan_out(
    title: &str,
    subscribers: usize,
    broadcasts: usize,
    size: usize,
) -> (f64, f64) {
    let worker = Worker::start("php/bench/fanout.php", &[]);
    fan_out_on(worker, title, subscribers, broadcasts, size)
}

fn fan_out_on(
    worker: Worker,
    title: &str,
    subscribers: usize,
    broadcasts: usize,
    size: usize,
) -> (f64, f64) {
    let pool = Pool::connect(worker.listen, subscribers, 2, Some("bench"));
    let per_burst = (subscribers * broadcasts) as u64;
    let mut control = Conn::blocking(worker.listen);
    let probe = SubscribeProbe::start(worker.listen);
    let mut runs = Vec::new();
    for _ in 0..5 {
        probe.measuring(true);
        let before = pool.received();
        let cpu0 = worker.cpu_time();
        let t0 = Instant::now();
        // One client publishes N messages through the worker: each is decoded and broadcast.
        control.send_texts((0..broadcasts).map(|i| format!("pub:{:x<size$}", format!("{i}:"))));
        let done = pool.wait_received(before + per_burst, Duration::from_secs(60));
        let elapsed = t0.elapsed().as_secs_f64();
        let cpu = (worker.cpu_time() - cpu0).as_secs_f64();
        let got = pool.received() - before;
        probe.measuring(false);
        runs.push((got as f64 / elapsed, cpu * 1e6 / got.max(1) as f64, done));
        std::thread::sleep(Duration::from_millis(200));
    }
    let mut rtts = probe.stop();
    runs.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    let (rate, cpu_us, done) = runs[runs.len() / 2];
    println!(
        "{title}: {subscribers} subscribers x {broadcasts} broadcasts of {size} B: {}deliveries/s, server CPU {cpu_us:.3} µs/delivery (median of 5 bursts; range {}-{}){}",
        fmt_rate(rate),
        fmt_rate(runs[0].0),
        fmt_rate(runs[runs.len() - 1].0),
        if done { "" } else { " (INCOMPLETE: timed out)" }
    );
    rtts.sort_unstable();
    if let (Some(max), false) = (rtts.last(), rtts.is_empty()) {
        let pct = |p: usize| rtts[(rtts.len() * p / 100).min(rtts.len() - 1)].as_secs_f64() * 1e6;
        println!(
            "{title}: subscribe/unsubscribe round trips on another channel during the bursts: p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs ({} samples)",
            pct(50),
            pct(99),
            max.as_secs_f64() * 1e6,
            rtts.len()
        );
    }
    pool.close();
    (rate, cpu_us)
}

/// A client that subscribes to and unsubscribes from a channel of its own, once a
/// millisecond, timing each answer while `measuring`: what a fan-out to a large channel does
/// to everyone else's subscribes.
struct SubscribeProbe {
    measuring: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Vec<Duration>>,
}

impl SubscribeProbe {
    fn start(listen: std::net::SocketAddr) -> SubscribeProbe {
        let measuring = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (m, s) = (measuring.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut conn = Conn::blocking(listen);
            let mut rtts = Vec::new();
            let mut i = 0u64;
            while !s.load(Ordering::Relaxed) {
                let action = if i % 2 == 0 {
                    "subscribe"
                } else {
                    "unsubscribe"
                };
                i += 1;
                let on = m.load(Ordering::Relaxed);
                let t0 = Instant::now();
                conn.send_text(&format!(r#"{{"action":"{action}","channel":"elsewhere"}}"#));
                conn.read_text();
                if on && m.load(Ordering::Relaxed) {
                    rtts.push(t0.elapsed());
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            rtts
        });
        SubscribeProbe {
            measuring,
            stop,
            thread,
        }
    }

    fn measuring(&self, on: bool) {
        self.measuring.store(on, Ordering::Relaxed);
    }

    fn stop(self) -> Vec<Duration> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}
