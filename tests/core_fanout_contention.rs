//! A fan-out to a large channel does not hold up the rest, in-process (no PHP): while a thread
//! broadcasts burst after burst to 2,000 subscribers, a client on another channel subscribes
//! and unsubscribes, and each answer comes back promptly. Loose bounds: `make bench` prints
//! the real figure (subscribe round trips during the 10,000-subscriber bursts).

mod core_common;

use core_common::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SUBSCRIBERS: usize = 2_000;
const ROUND_TRIPS: usize = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribes_elsewhere_stay_prompt_during_a_large_fan_out() {
    let (node, addr) = serving(&[]).await;
    let _collector = Collector::start(&node);
    let mut subscribers = Vec::with_capacity(SUBSCRIBERS);
    for _ in 0..SUBSCRIBERS {
        let mut client = connect(addr, "/ws").await;
        send_text(&mut client, r#"{"action":"subscribe","channel":"big"}"#).await;
        subscribers.push(client);
    }
    for client in &mut subscribers {
        let reply = next_text(client, Duration::from_secs(10)).await;
        assert!(reply.is_some_and(|r| r.contains("subscribed")));
    }

    // Bursts of 100 broadcasts to `big` until the probe is done, bounded in count (the
    // subscribers do not read: at most 2,000 x 2,000 frames of 66 B on loopback) and time.
    let stop = Arc::new(AtomicBool::new(false));
    let started = Arc::new(AtomicBool::new(false));
    let publisher = {
        let (node, stop, started) = (node.clone(), stop.clone(), started.clone());
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            let mut sent = 0u64;
            while !stop.load(Ordering::Acquire) && Instant::now() < deadline && sent < 2_000 {
                for _ in 0..100 {
                    broadcast(&node, "big", bytes(format!("{sent:x<64}")));
                    sent += 1;
                }
                started.store(true, Ordering::Release);
            }
            sent
        })
    };

    let mut probe = connect(addr, "/ws").await;
    // A loaded machine may start the thread late: the probe measures only once bursts run.
    let waiting = Instant::now();
    while !started.load(Ordering::Acquire) {
        assert!(
            waiting.elapsed() < Duration::from_secs(10),
            "the publisher never started"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let mut rtts = Vec::with_capacity(ROUND_TRIPS);
    for i in 0..ROUND_TRIPS {
        let action = if i % 2 == 0 {
            "subscribe"
        } else {
            "unsubscribe"
        };
        let started = Instant::now();
        send_text(
            &mut probe,
            &format!(r#"{{"action":"{action}","channel":"elsewhere"}}"#),
        )
        .await;
        let reply = next_text(&mut probe, Duration::from_secs(5)).await;
        rtts.push(started.elapsed());
        assert!(reply.is_some_and(|r| r.contains(&format!("{action}d"))));
    }
    stop.store(true, Ordering::Release);
    let sent = publisher.join().unwrap();
    rtts.sort_unstable();
    let p99 = rtts[ROUND_TRIPS * 99 / 100 - 1];
    println!(
        "subscribe round trips during {sent} broadcasts to {SUBSCRIBERS}: p50 {:?}, p99 {p99:?}",
        rtts[ROUND_TRIPS / 2]
    );
    assert!(
        sent >= 100,
        "the bursts ran while the probe did ({sent} broadcasts)"
    );
    // Loose, for a busy CI machine; `make bench` prints the real figure.
    assert!(
        p99 < Duration::from_millis(250),
        "p99 subscribe round trip {p99:?} during the fan-out"
    );
}
