//! A hostile web page in a real browser. The chat example runs as `make run` starts it (its
//! worker, its pages under `php -S`, session-cookie authentication); headless Chromium opens
//! the chat as the victim, then an attacker's page on another origin, which opens a WebSocket
//! (the browser attaches the victim's cookie) and sends a `no-cors` POST to the admin API
//! (`tests/browser/hostile_page.mjs`). Both must fail and the victim's chat must show nothing.
//!
//! A control run allows the attacker's origin in both lists: then both attacks succeed, which
//! shows the browser really sends them and the test would see a hole.

mod common;

use common::*;
use serde_json::Value;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The chat example's `run.sh` in a process group of its own; the whole group ends on drop.
struct Chat {
    run: Child,
    pages: u16,
    ws: u16,
    admin: SocketAddr,
    _ini: Option<tempdir::Dir>,
}

mod tempdir {
    /// A directory removed on drop.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Chat {
    /// `extra_origin`: a page origin to allow besides the chat's own, in both lists (control).
    fn start(extra_origin: Option<&str>) -> Chat {
        let (pages, ws, admin) = (free_port(), free_port(), free_port());
        let mut command = Command::new("bash");
        command
            .arg(root().join("php/examples/chat/run.sh"))
            .env("FRANKENPHP_WS_SO", extension())
            .env("HTTP_PORT", pages.to_string())
            .env("FRANKENPHP_WS_LISTEN", format!("127.0.0.1:{ws}"))
            .env("FRANKENPHP_WS_ADMIN", format!("127.0.0.1:{admin}"))
            .env(
                "FRANKENPHP_WS_PUBLIC_URL",
                format!("ws://127.0.0.1:{ws}/ws"),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .process_group(0);
        let mut ini = None;
        if let Some(origin) = extra_origin {
            command.env(
                "FRANKENPHP_WS_ALLOWED_ORIGINS",
                format!("http://127.0.0.1:{pages} {origin}"),
            );
            let dir = std::env::temp_dir()
                .join(format!("fpws-browser-ini-{}-{pages}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(
                dir.join("99-control.ini"),
                format!("frankenphp_ws.admin_allowed_origins={origin}\n"),
            )
            .unwrap();
            // A leading ':' keeps PHP's own scan directory and adds this one.
            command.env("PHP_INI_SCAN_DIR", format!(":{}", dir.display()));
            ini = Some(tempdir::Dir(dir));
        }
        let run = command.spawn().expect("bash runs the chat example");
        let chat = Chat {
            run,
            pages,
            ws,
            admin: format!("127.0.0.1:{admin}").parse().unwrap(),
            _ini: ini,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        for port in [pages, ws, admin] {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    Instant::now() < deadline,
                    "the chat example did not listen on {port}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        chat
    }

    /// Runs the hostile page against it; what the browser saw.
    /// `expect_attack`: the control run, where the attacks are expected to land.
    fn attack(&self, attacker_port: u16, marker: &str, expect_attack: bool) -> Value {
        let input = serde_json::json!({
            "app_url": format!("http://127.0.0.1:{}/", self.pages),
            "ws_url": format!("ws://127.0.0.1:{}/ws", self.ws),
            "admin_url": format!("http://{}", self.admin),
            "attacker_port": attacker_port,
            "marker": marker,
            "expect_attack": expect_attack,
        });
        let output = Command::new("node")
            .arg(root().join("tests/browser/hostile_page.mjs"))
            .arg(input.to_string())
            .output()
            .expect("node runs (scripts/setup.sh installs it)");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "hostile_page.mjs failed: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
    }

    fn stats(&self) -> Value {
        use std::io::{Read, Write};
        let mut stream = TcpStream::connect(self.admin).unwrap();
        write!(
            stream,
            "GET /stats HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.admin
        )
        .unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        serde_json::from_str(raw.split_once("\r\n\r\n").unwrap().1).unwrap()
    }
}

impl Drop for Chat {
    fn drop(&mut self) {
        end_group(&mut self.run);
    }
}

fn texts(lines: &Value) -> Vec<String> {
    lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect()
}

/// The user the victim's chat says it is connected as.
fn victim_user(before: &[String]) -> String {
    let line = before
        .iter()
        .find(|l| l.starts_with("connected as "))
        .expect("the chat connected");
    line["connected as ".len()..]
        .split(',')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn a_hostile_page_can_neither_hijack_the_socket_nor_drive_the_admin_api() {
    let chat = Chat::start(None);
    let seen = chat.attack(free_port(), "PWNED-1", false);
    let (before, after) = (texts(&seen["before"]), texts(&seen["after"]));
    let user = victim_user(&before);
    assert!(
        user.starts_with("guest"),
        "the chat works from its own page: {before:?}"
    );
    let ws = &seen["attack"]["ws"];
    assert_eq!(
        ws["opened"], false,
        "the hostile page opened a WebSocket: {ws}"
    );
    assert!(ws["messages"].as_array().unwrap().is_empty(), "{ws}");
    assert!(
        after.iter().all(|l| !l.contains("PWNED")),
        "the victim's chat shows the attack: {after:?}"
    );
    assert_eq!(after, before, "nothing reached the subscribed page");
    let stats = chat.stats();
    assert_eq!(stats["origin_refused"], 1, "{stats}");
    assert_eq!(stats["admin_refused"], 1, "{stats}");
}

#[test]
fn control_with_the_attackers_origin_allowed_both_attacks_go_through() {
    let attacker_port = free_port();
    let chat = Chat::start(Some(&format!("http://127.0.0.1:{attacker_port}")));
    let seen = chat.attack(attacker_port, "PWNED-2", true);
    let (before, after) = (texts(&seen["before"]), texts(&seen["after"]));
    let user = victim_user(&before);
    let ws = &seen["attack"]["ws"];
    assert_eq!(ws["opened"], true, "{ws}");
    let welcome: Value = serde_json::from_str(ws["messages"][0].as_str().unwrap()).unwrap();
    assert_eq!(
        welcome["user"],
        user.as_str(),
        "the browser sent the victim's cookie"
    );
    assert!(
        after
            .iter()
            .any(|l| l.contains("PWNED-2 via WebSocket") && l.starts_with(&user)),
        "{after:?}"
    );
    assert!(
        after.iter().any(|l| l.contains("PWNED-2 via admin API")),
        "{after:?}"
    );
}
