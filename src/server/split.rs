//! How a client's socket is shared between its two tasks. The writer owns the write side and
//! writes encoded frames itself (`Outgoing`). The reader is tungstenite's, which still
//! decodes, checks and reassembles what the client sends; the few frames it writes on its own
//! (a pong, the answer to a client's close) go to the writer through the `Socket` as encoded
//! bytes, so nothing else ever writes to the socket. On a socket that negotiated
//! permessage-deflate, compressed messages are inflated on their way to tungstenite
//! (`Inflater`).

use super::inflate::Inflater;
use crate::hub::connection::Socket;
use crate::hub::Frame;
use bytes::Bytes;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf, ReadHalf, WriteHalf};

/// The reader's view of the socket: reads from it, and writes to the writer's queue.
pub struct ReadSide<R> {
    read: R,
    socket: Arc<Socket>,
    /// Boxed: only sockets that negotiated compression pay for its buffers.
    inflater: Option<Box<Inflater>>,
}

/// `inflate_limit`: `max_message_size`, if the socket negotiated permessage-deflate.
pub fn split<S>(
    io: S,
    socket: &Arc<Socket>,
    inflate_limit: Option<usize>,
) -> (ReadSide<ReadHalf<S>>, WriteHalf<S>)
where
    S: AsyncRead + AsyncWrite,
{
    let (read, write) = tokio::io::split(io);
    let read = ReadSide {
        read,
        socket: socket.clone(),
        inflater: inflate_limit.map(|limit| Box::new(Inflater::new(limit))),
    };
    (read, write)
}

impl<R: AsyncRead + Unpin> AsyncRead for ReadSide<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match &mut this.inflater {
            Some(inflater) => inflater.poll_read(Pin::new(&mut this.read), cx, buf),
            None => Pin::new(&mut this.read).poll_read(cx, buf),
        }
    }
}

impl<R: Unpin> AsyncWrite for ReadSide<R> {
    /// tungstenite writes whole frames at once, so each call queues whole frames.
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.socket
            .queue_reply(Frame::encoded(Bytes::copy_from_slice(buf)));
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
