//! The network side: the WebSocket listener (`upgrade`, behind `admission` limits, closed by
//! `arrivals` when the node stops, and, for wss://, `tls`), each client (`client`, which
//! starts its `reader` and `writer` tasks; the writer's frames reach the kernel through
//! `outgoing` and `gather`), permessage-deflate (`deflate`, `inflate`), the
//! JavaScript client's file (`script`) and the admin HTTP API (`admin`). Everything here runs
//! on tokio threads and never touches Zend.

pub mod admin;
pub mod admin_guard;
pub mod admission;
pub mod arrivals;
pub mod client;
mod control;
pub mod deflate;
mod gather;
pub mod http;
pub mod inflate;
pub mod origin;
mod outgoing;
pub mod proxies;
mod reader;
pub mod script;
mod split;
pub mod tls;
pub mod upgrade;
mod writer;

use crate::node::Node;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Accepts TCP connections until the node shuts down; each is served by `serve`.
pub async fn accept_loop<F, Fut>(listener: TcpListener, node: Arc<Node>, serve: F)
where
    F: Fn(tokio::net::TcpStream, std::net::SocketAddr, Arc<Node>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    loop {
        let accepted = tokio::select! {
            _ = node.shutdown.wait() => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, remote)) => {
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(stream, remote, node.clone()));
            }
            // Out of file descriptors or similar: back off instead of spinning.
            Err(error) => {
                tracing::error!(
                    "accept failed on {:?}: {error}; retrying in 20 ms",
                    listener.local_addr().ok()
                );
                tokio::time::sleep(std::time::Duration::from_millis(20)).await
            }
        }
    }
}
