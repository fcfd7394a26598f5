//! The chat example as `make run` starts it (`php/examples/chat/run.sh`: its worker, its pages
//! under `php -S`), on free ports, in a process group of its own: what the browser tests share.

use super::*;
use serde_json::Value;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The chat example's `run.sh` in a process group of its own; the whole group ends on drop.
pub struct Chat {
    run: Child,
    pub pages: u16,
    pub ws: u16,
    pub admin: SocketAddr,
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
    pub fn start(extra_origin: Option<&str>) -> Chat {
        Chat::start_behind(extra_origin, None)
    }

    /// `public_port`: the port the pages tell the browser to reach the WebSocket server on
    /// (a proxy in front of it), instead of the server's own.
    pub fn start_behind(extra_origin: Option<&str>, public_port: Option<u16>) -> Chat {
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
                format!("ws://127.0.0.1:{}/ws", public_port.unwrap_or(ws)),
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

    pub fn stats(&self) -> Value {
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
