//! The worker's event queue (`events::EventQueue`) under backpressure, in-process, no PHP:
//! - `push().await` parks a producer while the queue is full and resumes it when the consumer
//!   pops; no event is lost and each producer's events keep their order;
//! - `try_push` gives the event back when full; `push_now` (the PHP thread's own events) may
//!   go past the capacity, and parked producers then wait until the queue is below it;
//! - over real sockets: a small `event_queue_size` pauses reading from clients instead of
//!   dropping their messages.

mod core_common;

use bytes::Bytes;
use core_common::*;
use frankenphp_ws::events::{Event, EventKind, EventQueue};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn event(producer: usize, seq: usize) -> Event {
    Event {
        kind: EventKind::Message { binary: false },
        connection: Arc::from(format!("p{producer}")),
        route: Arc::from("/ws"),
        payload: Some(Bytes::from(seq.to_string())),
    }
}

fn seq_of(event: &Event) -> usize {
    text_payload(event).parse().unwrap()
}

/// Waits (bounded) until `done`: producers run on other threads.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_queue_parks_producers_until_the_consumer_pops() {
    let queue = Arc::new(EventQueue::new(2));
    queue.push(event(0, 0)).await;
    queue.push(event(0, 1)).await;
    assert_eq!(queue.len(), 2);

    // Three producers find it full: none of them may finish, nor add anything.
    let done = Arc::new(AtomicUsize::new(0));
    let producers: Vec<_> = (1..=3)
        .map(|p| {
            let (queue, done) = (queue.clone(), done.clone());
            tokio::spawn(async move {
                queue.push(event(p, 0)).await;
                done.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        done.load(Ordering::SeqCst),
        0,
        "a producer went past a full queue"
    );
    assert_eq!(queue.len(), 2);

    // A pop makes room: a parked producer gets in, and the queue is full again. (Producers
    // woken together may each get in: see the soft bound in the next test.)
    let mut popped = 0;
    while done.load(Ordering::SeqCst) < 3 {
        assert!(
            popped < 3,
            "3 pops made room for 3 producers, yet some stay parked"
        );
        let parked_before = 3 - done.load(Ordering::SeqCst);
        assert!(queue.pop(Duration::ZERO).is_some());
        popped += 1;
        eventually("a parked producer resumed", || {
            3 - done.load(Ordering::SeqCst) < parked_before
        })
        .await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(popped + queue.len(), 5, "an event was lost or duplicated");
    for producer in producers {
        tokio::time::timeout(Duration::from_secs(1), producer)
            .await
            .unwrap()
            .unwrap();
    }
    // FIFO: what is left came from the parked producers.
    let rest: Vec<Event> = std::iter::from_fn(|| queue.pop(Duration::ZERO)).collect();
    assert!(rest.iter().all(|e| &*e.connection != "p0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_producers_and_a_slow_consumer_lose_nothing_and_keep_each_producers_order() {
    const CAPACITY: usize = 4;
    const PRODUCERS: usize = 16;
    const EACH: usize = 400;
    let queue = Arc::new(EventQueue::new(CAPACITY));
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let queue = queue.clone();
            tokio::spawn(async move {
                for seq in 0..EACH {
                    queue.push(event(p, seq)).await;
                }
            })
        })
        .collect();

    // The consumer is the PHP thread: a plain thread, blocking pops, sometimes slow.
    let consumer = {
        let queue = queue.clone();
        std::thread::spawn(move || {
            let mut rng = Rng::new(7);
            let mut got: HashMap<Arc<str>, Vec<usize>> = HashMap::new();
            let mut max_len = 0;
            let mut total = 0;
            let deadline = Instant::now() + Duration::from_secs(10);
            while total < PRODUCERS * EACH && Instant::now() < deadline {
                max_len = max_len.max(queue.len());
                if rng.chance(2) {
                    std::thread::sleep(Duration::from_micros(200));
                }
                if let Some(event) = queue.pop(Duration::from_millis(100)) {
                    got.entry(event.connection.clone())
                        .or_default()
                        .push(seq_of(&event));
                    total += 1;
                }
            }
            (got, max_len, total)
        })
    };
    for producer in producers {
        tokio::time::timeout(Duration::from_secs(10), producer)
            .await
            .expect("no producer stays parked")
            .unwrap();
    }
    let (got, max_len, total) = tokio::task::spawn_blocking(move || consumer.join().unwrap())
        .await
        .unwrap();
    assert_eq!(total, PRODUCERS * EACH, "events were lost");
    for p in 0..PRODUCERS {
        let seqs = &got[&Arc::<str>::from(format!("p{p}"))];
        assert_eq!(
            *seqs,
            (0..EACH).collect::<Vec<_>>(),
            "producer {p}'s events out of order or missing"
        );
    }
    assert!(queue.is_empty());
    // The capacity is a soft bound for `push` (check, then send, without a lock): producers
    // racing for the last place may each get in, so at most one extra per producer.
    assert!(
        max_len <= CAPACITY + PRODUCERS,
        "queue reached {max_len} with capacity {CAPACITY}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn try_push_gives_the_event_back_when_full() {
    let queue = EventQueue::new(3);
    for seq in 0..3 {
        assert!(queue.try_push(event(1, seq)).is_ok());
    }
    let back = queue
        .try_push(event(9, 42))
        .expect_err("a full queue refuses");
    assert_eq!(
        (&*back.connection, seq_of(&back)),
        ("p9", 42),
        "the refused event comes back unchanged"
    );
    assert_eq!(queue.len(), 3);
    assert_eq!(seq_of(&queue.pop(Duration::ZERO).unwrap()), 0);
    assert!(queue.try_push(back).is_ok());
    let order: Vec<usize> = std::iter::from_fn(|| queue.pop(Duration::ZERO))
        .map(|e| seq_of(&e))
        .collect();
    assert_eq!(order, [1, 2, 42]);
    assert!(queue.pop(Duration::from_millis(5)).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_now_may_exceed_the_capacity_and_parked_producers_wait_until_below_it() {
    let queue = Arc::new(EventQueue::new(2));
    for seq in 0..5 {
        queue.push_now(event(0, seq));
    }
    assert_eq!(queue.len(), 5, "push_now never waits nor refuses");
    assert!(queue.try_push(event(1, 0)).is_err());

    let parked = {
        let queue = queue.clone();
        tokio::spawn(async move { queue.push(event(1, 0)).await })
    };
    // 5 → 2 pending: still not below the capacity, so the producer stays parked.
    for _ in 0..3 {
        assert!(queue.pop(Duration::ZERO).is_some());
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(
            !parked.is_finished(),
            "a producer got in while the queue was at or over its capacity"
        );
    }
    assert_eq!(queue.len(), 2);
    assert!(queue.pop(Duration::ZERO).is_some());
    tokio::time::timeout(Duration::from_secs(1), parked)
        .await
        .expect("the pop below capacity woke it")
        .unwrap();
    let order: Vec<String> = std::iter::from_fn(|| queue.pop(Duration::ZERO))
        .map(|e| format!("{}:{}", e.connection, seq_of(&e)))
        .collect();
    assert_eq!(order, ["p0:4", "p1:0"]);
}

/// A parked producer must not be lost when pops and pushes race: many rounds where the queue
/// goes from full to empty while producers park and unpark.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_wake_up_is_lost_when_pops_race_parking_producers() {
    for round in 0..50u64 {
        let queue = Arc::new(EventQueue::new(1));
        let producers: Vec<_> = (0..4)
            .map(|p| {
                let queue = queue.clone();
                tokio::spawn(async move {
                    for seq in 0..20 {
                        queue.push(event(p, seq)).await;
                    }
                })
            })
            .collect();
        let consumer = {
            let queue = queue.clone();
            std::thread::spawn(move || {
                let mut rng = Rng::new(round);
                let mut n = 0;
                let deadline = Instant::now() + Duration::from_secs(5);
                while n < 80 && Instant::now() < deadline {
                    spin(&mut rng, 2000);
                    if queue.pop(Duration::from_millis(50)).is_some() {
                        n += 1;
                    }
                }
                n
            })
        };
        for producer in producers {
            tokio::time::timeout(Duration::from_secs(5), producer)
                .await
                .unwrap_or_else(|_| {
                    panic!("round {round}: a producer stayed parked with room in the queue")
                })
                .unwrap();
        }
        let n = tokio::task::spawn_blocking(move || consumer.join().unwrap())
            .await
            .unwrap();
        assert_eq!(n, 80, "round {round}: events lost");
    }
}

/// End to end: with `event_queue_size` 4 and nobody popping, clients' messages wait in their
/// sockets (reading pauses), then all reach the worker, each client's in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_queue_pauses_reading_from_clients_and_loses_no_message() {
    const CLIENTS: usize = 4;
    const EACH: usize = 100;
    let (node, addr) = serving(&[("event_queue_size", "4"), ("message_rate", "0")]).await;
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let mut client = connect(addr, &format!("/ws?client={c}")).await;
        for seq in 0..EACH {
            send_text(&mut client, &format!("{c}:{seq}")).await;
        }
        clients.push(client);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let pending = node.events.len();
    // Each connection task holds at most one event while parked; the queue is near its size.
    assert!(
        pending <= 4 + CLIENTS,
        "{pending} events queued with event_queue_size 4"
    );

    let collector = Collector::start(&node);
    let events = collector.wait_for(Duration::from_secs(10), "every message", |events| {
        events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Message { .. }))
            .count()
            >= CLIENTS * EACH
    });
    let mut per_client: HashMap<String, Vec<usize>> = HashMap::new();
    let mut opens = 0;
    for event in &events {
        match event.kind {
            EventKind::Open { .. } => opens += 1,
            EventKind::Message { .. } => {
                let text = text_payload(event);
                let (client, seq) = text.split_once(':').unwrap();
                per_client
                    .entry(client.to_string())
                    .or_default()
                    .push(seq.parse().unwrap());
            }
            _ => panic!("unexpected event {}", name(event)),
        }
    }
    assert_eq!(opens, CLIENTS);
    for c in 0..CLIENTS {
        assert_eq!(
            per_client[&c.to_string()],
            (0..EACH).collect::<Vec<_>>(),
            "client {c}"
        );
    }
    drop(clients);
    collector.wait_closes(CLIENTS, Duration::from_secs(5));
}
