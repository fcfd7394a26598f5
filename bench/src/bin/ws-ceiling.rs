//! `ws-ceiling`: the bare tokio-tungstenite broadcaster `make bench` measures the product
//! against, the practical ceiling of a naive server on this stack. One task per connection
//! reading, one writing; a `tokio::sync::broadcast` channel; one `Message` per recipient,
//! encoded by tungstenite for each. It speaks just enough of the product's protocol for the
//! bench's clients: a subscribe or unsubscribe gets an answer, a subscribe to the bench's
//! channel (`bench`) joins the broadcast, and a text "pub:<data>" is broadcast as <data> to
//! every connection that joined. Others (the publisher, the subscribe probe) get no
//! broadcasts, as in the product, so the probe times its own answers.
//!
//! Usage: `ws-ceiling 127.0.0.1:PORT`; it prints `READY <addr>` once listening.

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

fn main() {
    let listen = std::env::args()
        .nth(1)
        .expect("usage: ws-ceiling 127.0.0.1:PORT");
    // As many threads as the product's runtime uses: one per core.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async move {
        let listener = TcpListener::bind(&listen).await.expect("the port is free");
        println!("READY {}", listener.local_addr().unwrap());
        // Deep enough that a 1,000-message burst never makes a reader lag.
        let (fan_out, _) = broadcast::channel::<Message>(1 << 16);
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(serve(stream, fan_out.clone()));
        }
    });
}

async fn serve(stream: TcpStream, fan_out: broadcast::Sender<Message>) {
    let _ = stream.set_nodelay(true);
    // The same write buffering as the product: frames collect, one flush per burst.
    let config = WebSocketConfig::default().write_buffer_size(32 * 1024);
    let Ok(ws) = tokio_tungstenite::accept_async_with_config(stream, Some(config)).await else {
        return;
    };
    let (mut sink, mut stream) = ws.split();
    let (direct, mut replies) = tokio::sync::mpsc::unbounded_channel::<Message>();
    let (join, mut joined) = tokio::sync::oneshot::channel::<broadcast::Receiver<Message>>();
    let mut join = Some(join);
    let writer = tokio::spawn(async move {
        let mut incoming: Option<broadcast::Receiver<Message>> = None;
        loop {
            let message = tokio::select! {
                m = async { incoming.as_mut().unwrap().recv().await }, if incoming.is_some() => match m {
                    Ok(m) => m,
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                r = &mut joined, if incoming.is_none() => match r {
                    Ok(r) => {
                        incoming = Some(r);
                        continue;
                    }
                    Err(_) => return,
                },
                m = replies.recv() => match m {
                    Some(m) => m,
                    None => return,
                },
            };
            if sink.feed(message).await.is_err() {
                return;
            }
            while let Some(Ok(message)) = incoming.as_mut().map(|i| i.try_recv()) {
                if sink.feed(message).await.is_err() {
                    return;
                }
            }
            if sink.flush().await.is_err() {
                return;
            }
        }
    });
    while let Some(Ok(message)) = stream.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        if let Some(data) = text.as_str().strip_prefix("pub:") {
            let _ = fan_out.send(Message::text(data.to_string()));
            continue;
        }
        // A subscribe or unsubscribe: answered, as the product answers them. The receiver
        // is made before the answer goes, so no broadcast after the answer is missed.
        if text.contains(r#""bench""#) && !text.contains("unsubscribe") {
            if let Some(join) = join.take() {
                let _ = join.send(fan_out.subscribe());
            }
        }
        let _ = direct.send(Message::text(r#"{"event":"ok"}"#));
    }
    writer.abort();
}
