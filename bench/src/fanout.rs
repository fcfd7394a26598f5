//! The fan-out figures: a client publishes N messages through the PHP worker, which
//! broadcasts each to every subscriber; the same load against `ws-ceiling`, the bare
//! tokio-tungstenite broadcaster; subscribe round trips on another channel meanwhile; and
//! JSON messages to subscribers that negotiated compression, against the same uncompressed.

use crate::client::{Conn, Pool};
use crate::worker::Worker;
use crate::{fmt_rate, median};
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
        Load::padded(size),
    );
    println!(
        "{title}: product / ceiling: CPU per delivery {:.2}x, deliveries/s {:.2}x",
        product.1 / ceiling.1,
        product.0 / ceiling.0
    );
}

/// The product and the ceiling up at once, with `subscribers` each; bursts alternate between
/// them, each round starting with the other, so that a slow moment of this machine weighs on
/// both alike. Each round gives a ratio; their median and range are printed. (With 10,000
/// subscribers each, the two pools would pass the 20,000 open files a process may have.)
pub(crate) fn alternating_with_ceiling(
    title: &str,
    subscribers: usize,
    broadcasts: usize,
    size: usize,
    rounds: usize,
) {
    let servers = [Worker::start("php/bench/fanout.php", &[]), Worker::ceiling()];
    let title = format!("{title}, both servers up, bursts alternating");
    alternating(&title, servers, ["product", "ceiling"], subscribers, broadcasts, size, rounds);
}

/// Two builds of the extension (`ws-bench compare A.so B.so`) under the alternating burst:
/// what a change does to the server's CPU per delivery, measured against the build without it
/// in the same run. Separate runs on a shared machine differ by more than most changes do.
pub(crate) fn compare(builds: [&str; 2], subscribers: usize, broadcasts: usize, rounds: usize) {
    let servers = builds.map(|so| Worker::start_with(so, "php/bench/fanout.php", &[]));
    println!("compare: A = {}, B = {}", builds[0], builds[1]);
    let title = "compare, fan-out burst, both builds up, bursts alternating";
    alternating(title, servers, ["A", "B"], subscribers, broadcasts, 64, rounds);
}

fn alternating(
    title: &str,
    servers: [Worker; 2],
    names: [&str; 2],
    subscribers: usize,
    broadcasts: usize,
    size: usize,
    rounds: usize,
) {
    let load = Load::padded(size);
    let pools = servers.each_ref().map(|server| {
        let mut pool = Pool::empty(server.listen, 2);
        pool.add(subscribers, Some("bench"));
        pool
    });
    let mut controls = servers.each_ref().map(|server| Conn::blocking(server.listen));
    let per_burst = (subscribers * broadcasts) as u64;
    let mut cpu: [Vec<f64>; 2] = Default::default();
    let mut php: [Vec<f64>; 2] = Default::default();
    let mut ratios = Vec::new();
    for round in 0..rounds {
        for k in [round % 2, (round + 1) % 2] {
            let before = pools[k].received();
            let (cpu0, php0) = (servers[k].cpu_time(), servers[k].php_thread_time());
            controls[k].send_texts((0..broadcasts).map(|i| format!("pub:{}", load.message(i))));
            pools[k].wait_received(before + per_burst, Duration::from_secs(60));
            let got = (pools[k].received() - before).max(1) as f64;
            let used = (servers[k].cpu_time() - cpu0).as_secs_f64();
            cpu[k].push(used * 1e6 / got);
            if let (Some(php0), Some(php1)) = (php0, servers[k].php_thread_time()) {
                php[k].push((php1 - php0).as_secs_f64() * 1e6 / got);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        ratios.push(cpu[0][round] / cpu[1][round]);
    }
    let (low, high) = ratios
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), r| (lo.min(*r), hi.max(*r)));
    let of_which = |k: usize| match php[k].is_empty() {
        true => String::new(),
        false => format!(" (PHP thread {:.3})", median(php[k].clone())),
    };
    println!(
        "{title}: server CPU per delivery {:.3} µs{} ({}), {:.3} µs{} ({}), medians of {rounds}; {} / {} per round: median {:.2}x, range {low:.2}-{high:.2}x",
        median(cpu[0].clone()),
        of_which(0),
        names[0],
        median(cpu[1].clone()),
        of_which(1),
        names[1],
        names[0],
        names[1],
        median(ratios)
    );
    for pool in pools {
        pool.close();
    }
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
    let (rate, cpu, _) = fan_out_on(worker, title, subscribers, broadcasts, Load::padded(size));
    (rate, cpu)
}

/// The same burst to native subscribers, then to Pusher protocol subscribers of `key` (each on
/// a fresh worker started with `env`, which turns the Pusher protocol on): deliveries/s and
/// server CPU per delivery of each.
pub(crate) fn native_and_pusher(
    title: &str,
    env: &[(&str, &str)],
    key: &'static str,
    subscribers: usize,
    broadcasts: usize,
) -> [(f64, f64); 2] {
    [None, Some(key)].map(|pusher| {
        let worker = Worker::start("php/bench/fanout.php", env);
        let name = if pusher.is_some() { "Pusher clients" } else { "native clients" };
        let load = Load {
            pusher,
            ..Load::padded(64)
        };
        let (rate, cpu, _) = fan_out_on(worker, &format!("{title} ({name})"), subscribers, broadcasts, load);
        (rate, cpu)
    })
}

/// JSON messages of about `size` bytes, broadcast to subscribers that negotiated
/// permessage-deflate, then the same to subscribers that did not (each on a fresh worker):
/// server CPU and bytes on the wire per delivery, and their ratios.
pub(crate) fn compression(title: &str, subscribers: usize, broadcasts: usize, size: usize) {
    let run = |compress, name: &str| {
        let load = Load {
            size,
            json: true,
            compress,
            pusher: None,
        };
        let worker = Worker::start("php/bench/fanout.php", &[]);
        fan_out_on(
            worker,
            &format!("{title} ({name})"),
            subscribers,
            broadcasts,
            load,
        )
    };
    let plain = run(false, "uncompressed");
    let deflated = run(true, "permessage-deflate");
    println!(
        "{title}: compressed / uncompressed: CPU per delivery {:.2}x, bytes on the wire per delivery {:.3}x ({:.0} B vs {:.0} B; the clients count frames and bytes, they do not inflate)",
        deflated.1 / plain.1,
        deflated.2 / plain.2,
        deflated.2,
        plain.2
    );
}

/// What the subscribers get: messages of `size` bytes, padding or JSON, and whether they
/// offer compression.
struct Load {
    size: usize,
    json: bool,
    compress: bool,
    /// Subscribers are Pusher clients of this application key.
    pusher: Option<&'static str>,
}

impl Load {
    fn padded(size: usize) -> Load {
        Load {
            size,
            json: false,
            compress: false,
            pusher: None,
        }
    }

    fn message(&self, i: usize) -> String {
        let size = self.size;
        if !self.json {
            return format!("{:x<size$}", format!("{i}:"));
        }
        // Quotes as an application sends them: the same keys, numbers that vary.
        let mut seed = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut next = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        };
        let mut rows = Vec::new();
        let mut len = 40;
        while len < size {
            let row = format!(
                r#"{{"symbol":"S{:03}","bid":{}.{:02},"ask":{}.{:02},"volume":{}}}"#,
                next(500),
                next(900) + 100,
                next(100),
                next(900) + 100,
                next(100),
                next(1_000_000)
            );
            len += row.len() + 1;
            rows.push(row);
        }
        format!(
            r#"{{"seq":{i},"event":"quotes","rows":[{}]}}"#,
            rows.join(",")
        )
    }
}

/// Returns deliveries/s, server CPU µs per delivery, and bytes on the wire per delivery.
fn fan_out_on(
    worker: Worker,
    title: &str,
    subscribers: usize,
    broadcasts: usize,
    load: Load,
) -> (f64, f64, f64) {
    let mut pool = Pool::empty(worker.listen, 2);
    if load.compress {
        pool = pool.with_compression();
    }
    if let Some(key) = load.pusher {
        pool = pool.with_pusher(key);
    }
    pool.add(subscribers, Some("bench"));
    let per_burst = (subscribers * broadcasts) as u64;
    let mut control = Conn::blocking(worker.listen);
    let probe = SubscribeProbe::start(worker.listen);
    let mut runs = Vec::new();
    for _ in 0..5 {
        probe.measuring(true);
        let before = pool.received();
        let bytes_before = pool.bytes_received();
        let cpu0 = worker.cpu_time();
        let php0 = worker.php_thread_time();
        let t0 = Instant::now();
        // One client publishes N messages through the worker: each is decoded and broadcast.
        control.send_texts((0..broadcasts).map(|i| format!("pub:{}", load.message(i))));
        let done = pool.wait_received(before + per_burst, Duration::from_secs(60));
        let elapsed = t0.elapsed().as_secs_f64();
        let cpu = (worker.cpu_time() - cpu0).as_secs_f64();
        let php = php0.zip(worker.php_thread_time()).map(|(a, b)| (b - a).as_secs_f64());
        let got = pool.received() - before;
        let bytes = (pool.bytes_received() - bytes_before) as f64 / got.max(1) as f64;
        probe.measuring(false);
        runs.push((
            got as f64 / elapsed,
            cpu * 1e6 / got.max(1) as f64,
            done,
            bytes,
            php.map(|php| php * 1e6 / got.max(1) as f64),
        ));
        std::thread::sleep(Duration::from_millis(200));
    }
    let (mut rtts, realtime) = probe.stop();
    runs.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    let (rate, cpu_us, done, bytes, php_us) = runs[runs.len() / 2];
    let size = load.message(0).len();
    let of_which = php_us.map_or(String::new(), |php| format!(" (PHP thread {php:.3})"));
    println!(
        "{title}: {subscribers} subscribers x {broadcasts} broadcasts of {size} B: {}deliveries/s, server CPU {cpu_us:.3} µs/delivery{of_which}, {bytes:.0} B on the wire per delivery (median of 5 bursts; range {}-{}){}",
        fmt_rate(rate),
        fmt_rate(runs[0].0),
        fmt_rate(runs[runs.len() - 1].0),
        if done { "" } else { " (INCOMPLETE: timed out)" }
    );
    rtts.sort_unstable();
    if let (Some(max), false) = (rtts.last(), rtts.is_empty()) {
        let pct = |p: usize| rtts[(rtts.len() * p / 100).min(rtts.len() - 1)].as_secs_f64() * 1e6;
        println!(
            "{title}: subscribe/unsubscribe round trips on another channel during the bursts: p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs ({} samples{})",
            pct(50),
            pct(99),
            max.as_secs_f64() * 1e6,
            rtts.len(),
            if realtime {
                ""
            } else {
                "; the probe could not run at real-time priority, so its own wait for a core is counted"
            }
        );
    }
    pool.close();
    (rate, cpu_us, bytes)
}

/// A client that subscribes to and unsubscribes from a channel of its own, once a
/// millisecond, timing each answer while `measuring`: what a fan-out to a large channel does
/// to everyone else's subscribes.
struct SubscribeProbe {
    measuring: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<(Vec<Duration>, bool)>,
}

impl SubscribeProbe {
    fn start(listen: std::net::SocketAddr) -> SubscribeProbe {
        let measuring = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (m, s) = (measuring.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut conn = Conn::blocking(listen);
            let realtime = run_ahead_of_the_load();
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
            (rtts, realtime)
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

    /// The round trips, and whether the probe ran ahead of the load (see below).
    fn stop(self) -> (Vec<Duration>, bool) {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

/// Puts the calling thread (the probe) at real-time priority, ahead of the load clients' two
/// threads. On a machine whose cores the server shares with the load generator, a probe at
/// normal priority waits for a core to read each answer: up to 2 ms at p99 in `wide`, time
/// that is the bench's and not the server's. A real client on another machine does not wait
/// for it. Returns whether that was allowed (it needs root or CAP_SYS_NICE).
fn run_ahead_of_the_load() -> bool {
    let param = libc::sched_param { sched_priority: 1 };
    // SAFETY: pid 0 is the calling thread; `param` lives across the call.
    unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO, &param) == 0 }
}
