//! Thread-safe PHP (ZTS), as FrankenPHP runs it: one process, several PHP threads each running
//! the same worker script (`tests/zts/host.c`, an embed SAPI host, runs `tests/zts/worker.php`
//! in 4 threads). These need a ZTS PHP and an extension built against it, so they run from
//! `make test-zts`, which builds both (`scripts/php-zts.sh`); hence `#[ignore]`.
//!
//! What they show:
//! - every thread's `frankenphp_ws_start()` gets the one server (one listener);
//! - events are spread over the threads, each arriving exactly once;
//! - broadcast() and the state functions are safe from every thread at once;
//! - a thread that ends does not stop the server while others run;
//! - the process exits cleanly (and, under valgrind, with no error and no definite leak).

mod common;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

#[path = "zts/host.rs"]
mod host;

use host::{build_host, ini_dir, scratch, Host, THREADS};

/// A client in its own task: it reads all the time (so broadcasts never back up), reports the
/// replies that name a thread (`welcome`, `ack`, `stressed`, `quitting`), and sends what it
/// is told to.
struct Client {
    send: mpsc::UnboundedSender<String>,
}

async fn client(
    url: &str,
    listen: SocketAddr,
    index: usize,
    replies: mpsc::UnboundedSender<(usize, String)>,
) -> Client {
    let source = 1 + (index % 200) as u8;
    let ws = common::connect_from(url, listen, source).await;
    let (mut sink, mut stream) = ws.split();
    let (send, mut outgoing) = mpsc::unbounded_channel::<String>();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                next = outgoing.recv() => match next {
                    // The client closes (the worker gets beforeClose, leave, close).
                    Some(text) if text == CLOSE => {
                        let _ = sink.close().await;
                        return;
                    }
                    Some(text) => if sink.send(Message::text(text)).await.is_err() { return },
                    None => return,
                },
                message = stream.next() => match message {
                    Some(Ok(Message::Text(text))) => {
                        let text = text.to_string();
                        let reply = ["welcome:", "ack:", "stressed:", "checked:", "quitting:"]
                            .iter()
                            .any(|p| text.starts_with(p));
                        if reply && replies.send((index, text)).is_err() {
                            return;
                        }
                    }
                    Some(Ok(_)) => {}
                    _ => return,
                },
            }
        }
    });
    Client { send }
}

/// Told to a client: close.
const CLOSE: &str = "\u{0}close";

/// The thread a reply names (`kind:THREAD[:…]`).
fn thread_of(reply: &str) -> usize {
    reply.split(':').nth(1).unwrap().parse().unwrap()
}

async fn expect_replies(
    replies: &mut mpsc::UnboundedReceiver<(usize, String)>,
    prefix: &str,
    n: usize,
    timeout: Duration,
) -> Vec<(usize, String)> {
    let mut got = Vec::with_capacity(n);
    let deadline = tokio::time::Instant::now() + timeout;
    while got.len() < n {
        let (index, text) = tokio::time::timeout_at(deadline, replies.recv())
            .await
            .unwrap_or_else(|_| panic!("{} of {n} {prefix} replies in {timeout:?}", got.len()))
            .expect("clients report");
        if text.starts_with(prefix) {
            got.push((index, text));
        }
    }
    got
}

/// The whole scenario: `clients` clients sending `per_client` messages each, `stress` stress
/// requests, `closers` clients closing; `slow` scales the waits (valgrind).
fn scenario(
    wrapper: &[&str],
    clients: usize,
    per_client: usize,
    stress: usize,
    closers: usize,
    slow: u32,
) {
    let name = if wrapper.is_empty() {
        "zts"
    } else {
        "zts-valgrind"
    };
    let host_binary = build_host(name);
    let results = scratch(name).join("results");
    let _ = std::fs::remove_dir_all(&results);
    std::fs::create_dir_all(&results).unwrap();
    let mut host = Host::start(wrapper, &host_binary, &ini_dir(name), &results);
    let wait = Duration::from_secs(20) * slow;

    // Every thread started "the" server: the same listener, whichever thread came first.
    let mut listens = HashSet::new();
    for _ in 0..THREADS {
        let line = host.next_line(wait);
        listens.insert(line["started"]["listen"].as_str().unwrap().to_string());
    }
    assert_eq!(
        listens.len(),
        1,
        "threads started different servers: {listens:?}"
    );
    let listen: SocketAddr = listens.into_iter().next().unwrap().parse().unwrap();
    let url = format!("ws://{listen}/ws");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (expected, checks) = runtime.block_on(async {
        let (replies_tx, mut replies) = mpsc::unbounded_channel();
        let mut all = Vec::with_capacity(clients);
        for index in 0..clients {
            all.push(client(&url, listen, index, replies_tx.clone()).await);
        }
        let welcomes = expect_replies(&mut replies, "welcome:", clients, wait).await;
        let mut by_thread = [0usize; THREADS];
        let mut ids = vec![String::new(); clients];
        for (index, text) in &welcomes {
            by_thread[thread_of(text)] += 1;
            ids[*index] = text.splitn(3, ':').nth(2).unwrap().to_string();
        }
        eprintln!("opens per thread: {by_thread:?}");

        // Messages, all clients at once; each acknowledged by the thread that got it.
        let mut expected = HashSet::new();
        for (index, c) in all.iter().enumerate() {
            for j in 0..per_client {
                let data = format!("m:{index}-{j}");
                c.send.send(data.clone()).unwrap();
                expected.insert(data);
            }
        }
        let acks = expect_replies(&mut replies, "ack:", clients * per_client, wait).await;
        let mut by_thread = [0usize; THREADS];
        for (_, text) in &acks {
            by_thread[thread_of(text)] += 1;
        }
        eprintln!("messages per thread: {by_thread:?}");

        // Every state function and broadcast(), from the threads at once.
        for c in all.iter().take(stress) {
            c.send.send("stress".into()).unwrap();
        }
        let stressed = expect_replies(&mut replies, "stressed:", stress, wait * 2).await;
        let threads: HashSet<usize> = stressed.iter().map(|(_, t)| thread_of(t)).collect();
        eprintln!("stress ran in threads {threads:?}");
        if stress >= 10 * THREADS {
            // Each stress takes 0.3 s, so a free thread takes the next one: several ran at once.
            assert!(threads.len() >= 2, "stress ran in one thread only");
        }

        // Clients close; each connection's beforeClose and close may go to different threads,
        // and the state stays readable for the thread handling beforeClose (checked by the
        // worker, counted below).
        for c in all.iter().skip(2).take(closers) {
            c.send.send(CLOSE.into()).unwrap();
        }
        // Once handled, their state is gone (nothing pending keeps it). Asked until it is: the
        // closers' beforeClose handlers take a while, longer on a loaded machine.
        let closed: Vec<&str> = ids
            .iter()
            .skip(2)
            .take(closers)
            .map(String::as_str)
            .collect();
        let deadline = std::time::Instant::now() + wait;
        let mut checks = 0;
        loop {
            tokio::time::sleep(Duration::from_millis(250) * slow).await;
            checks += 1;
            all[1]
                .send
                .send(format!("check:{}", closed.join(",")))
                .unwrap();
            let checked = expect_replies(&mut replies, "checked:", 1, wait).await;
            if checked[0].1.ends_with(":0") {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "state of closed connections left: {}",
                checked[0].1
            );
        }

        // One thread ends; the server goes on with the others.
        all[0].send.send("quit".into()).unwrap();
        let quit = expect_replies(&mut replies, "quitting:", 1, wait).await;
        let ended = thread_of(&quit[0].1);
        let late = client(&url, listen, clients, replies_tx.clone()).await;
        expect_replies(&mut replies, "welcome:", 1, wait).await;
        late.send.send("m:late".into()).unwrap();
        expected.insert("m:late".to_string());
        let ack = expect_replies(&mut replies, "ack:", 1, wait).await;
        eprintln!(
            "thread {ended} ended; thread {} still serves",
            thread_of(&ack[0].1)
        );

        // The others end one by one.
        for _ in 1..THREADS {
            all[1].send.send("quit".into()).unwrap();
            expect_replies(&mut replies, "quitting:", 1, wait).await;
        }
        // Nothing came twice: no reply is left over.
        tokio::time::sleep(Duration::from_millis(200)).await;
        if let Ok(extra) = replies.try_recv() {
            panic!("a reply nobody asked for: {extra:?}");
        }
        (expected, checks)
    });

    // Module shutdown stops the server; the process exits cleanly.
    let status = host.wait(wait * 2);
    assert!(status.success(), "the host exited with {status}");

    // Each thread wrote what it received: together, every message exactly once.
    let mut received = Vec::new();
    let mut per_thread = BTreeMap::new();
    let mut events: BTreeMap<String, u64> = BTreeMap::new();
    let (mut readable, mut missing) = (0, 0);
    for thread in 0..THREADS {
        let file = results.join(format!("thread-{thread}.json"));
        let text = std::fs::read_to_string(&file).expect("each thread wrote its results");
        let line: Value = serde_json::from_str(&text).unwrap();
        let messages = line["messages"].as_array().unwrap();
        per_thread.insert(line["thread"].as_u64().unwrap(), messages.len());
        for (kind, n) in line["counts"].as_object().unwrap() {
            *events.entry(kind.clone()).or_default() += n.as_u64().unwrap();
        }
        readable += line["before_close"]["state readable"].as_u64().unwrap();
        missing += line["before_close"]["state missing"].as_u64().unwrap();
        received.extend(messages.iter().map(|m| m.as_str().unwrap().to_string()));
    }
    eprintln!("received per thread: {per_thread:?}; events: {events:?}");
    // Every event once: an open per client, a message per message sent (data, stress, the
    // checks, quits), a beforeClose and a close per client that closed (the rest close at
    // shutdown, when no thread loops any more).
    let count = |kind: &str| events.get(kind).copied().unwrap_or(0);
    assert_eq!(count("open"), clients as u64 + 1);
    assert_eq!(
        count("message"),
        expected.len() as u64 + (stress + checks + THREADS) as u64
    );
    assert_eq!(count("beforeClose"), closers as u64);
    assert_eq!(count("close"), closers as u64);
    assert_eq!(
        (readable, missing),
        (closers as u64, 0),
        "state readable during beforeClose"
    );
    let unique: HashSet<&String> = received.iter().collect();
    assert_eq!(unique.len(), received.len(), "a message arrived twice");
    assert_eq!(received.len(), expected.len(), "messages lost");
    assert!(received.iter().all(|m| expected.contains(m)));
    if received.len() >= 1000 {
        assert!(
            per_thread.values().all(|n| *n > 0),
            "events were not spread over the threads: {per_thread:?}"
        );
    }
}

#[test]
#[ignore = "needs a ZTS PHP: run `make test-zts`"]
fn four_php_threads_share_one_server_and_each_event_arrives_once() {
    scenario(&[], 500, 20, 40, 100, 1);
}

/// The same, smaller, under valgrind (PHP's allocator off, so it sees every allocation): no
/// invalid access, no definite leak.
#[test]
#[ignore = "needs a ZTS PHP and valgrind: run `make test-zts`"]
fn four_php_threads_exit_cleanly_under_valgrind() {
    scenario(
        &[
            "valgrind",
            "--quiet",
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
            "--show-leak-kinds=definite",
            &format!(
                "--suppressions={}",
                common::root().join("tests/zts/valgrind.supp").display()
            ),
        ],
        20,
        5,
        8,
        10,
        10,
    );
}
