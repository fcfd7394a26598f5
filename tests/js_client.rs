//! The JavaScript client (`js/frankenphp_ws.js`): in Node, against a real worker, it
//! reconnects on its own after the network is cut, resumes its connection and gets what was
//! sent meanwhile, each message once and in order (`tests/clients/js_client.mjs`); the
//! listener serves it at `/frankenphp_ws.js`; minified and gzipped, it stays within 4 KB.

mod common;

use common::*;
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Runs `tests/clients/js_client.mjs` on `implementation` (`native`: Node's own WebSocket;
/// `ws`: the `ws` package's, as on Node 18 to 21) and checks what the client saw.
fn cut_resume_and_kill(implementation: &str) {
    let worker = Worker::start(json!({"resume_tokens": "auto", "ghost_ttl": 30}));
    let input = json!({"ws_url": worker.url("/ws"), "impl": implementation});
    let seen = node_json(
        &["--experimental-websocket", "tests/clients/js_client.mjs"],
        &input,
    );
    let messages: Vec<String> = (0..=10).map(|i| format!("m{i}")).collect();
    assert_eq!(seen["messages"], json!(messages), "{seen}");
    assert_eq!(
        seen["seqs"],
        json!((1..=11).collect::<Vec<u64>>()),
        "{seen}"
    );
    assert_eq!(seen["events"], json!(["connected", "resumed"]), "{seen}");
    let states: Vec<&str> = seen["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(states.first(), Some(&"connecting"), "{states:?}");
    assert!(
        states.iter().any(|s| s.starts_with("reconnecting")),
        "{states:?}"
    );
    assert_eq!(states.last(), Some(&"closed:killed"), "{states:?}");
    assert_eq!(
        seen["came_back"], false,
        "a killed client stays away: {seen}"
    );
    assert_eq!(
        seen["subscribed"], 2,
        "subscribed again after the resume: {seen}"
    );

    // One connection throughout: opened once, resumed, then killed.
    let id = worker.open_id("js");
    let kinds: Vec<String> = worker
        .events()
        .iter()
        .filter(|e| e["connection"] == id.as_str())
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds[..3], ["open", "join", "resume"], "{kinds:?}");
    let opens = worker
        .events()
        .iter()
        .filter(|e| e["type"] == "open" && e["query"]["tag"] == "js")
        .count();
    assert_eq!(opens, 1, "{kinds:?}");
}

#[test]
fn the_client_reconnects_after_a_cut_resumes_missing_nothing_and_stays_away_once_killed() {
    cut_resume_and_kill("native");
}

#[test]
fn the_same_on_the_ws_package_as_on_node_18_to_21() {
    cut_resume_and_kill("ws");
}

#[test]
fn the_listener_serves_the_client_script_to_any_page() {
    let worker = Worker::start(json!({}));
    let mut stream = TcpStream::connect(worker.listen).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET /frankenphp_ws.js HTTP/1.1\r\nHost: x\r\nOrigin: http://elsewhere.example\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let head = head.to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-type: text/javascript"), "{head}");
    assert!(head.contains("access-control-allow-origin: *"), "{head}");
    let file = std::fs::read_to_string(root().join("js/frankenphp_ws.js")).unwrap();
    assert!(
        body == file,
        "served {} bytes, not the {} of js/frankenphp_ws.js (stale build?)",
        body.len(),
        file.len()
    );
}

#[test]
fn the_client_minified_and_gzipped_fits_in_4_kb() {
    let script = r#"
        import { minify } from 'terser';
        import { readFileSync } from 'node:fs';
        import { gzipSync } from 'node:zlib';
        const source = readFileSync('js/frankenphp_ws.js', 'utf8');
        const { code } = await minify(source, { module: true, compress: true, mangle: true });
        console.log(source.length, code.length, gzipSync(code, { level: 9 }).length);
    "#;
    let out = run_node(&["--input-type=module", "-e", script]);
    let sizes: Vec<usize> = out.split_whitespace().map(|n| n.parse().unwrap()).collect();
    eprintln!(
        "frankenphp_ws.js: {} B source, {} B minified, {} B minified and gzipped",
        sizes[0], sizes[1], sizes[2]
    );
    assert!(sizes[2] <= 4096, "{} B minified and gzipped", sizes[2]);
}
