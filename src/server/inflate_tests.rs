use super::*;
use flate2::{Compress, Compression, FlushCompress};

/// A client's compressed message payload (RFC 7692 §7.2.1).
fn deflate(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 64);
    Compress::new(Compression::default(), false)
        .compress_vec(data, &mut out, FlushCompress::Sync)
        .unwrap();
    assert!(out.ends_with(&[0, 0, 0xff, 0xff]));
    out.truncate(out.len() - 4);
    out
}

/// A masked client frame.
fn client_frame(first: u8, payload: &[u8]) -> Vec<u8> {
    let mask = [0x37, 0xfa, 0x21, 0x3d];
    let mut out = BytesMut::new();
    out.put_u8(first);
    match payload.len() {
        n if n < 126 => out.put_u8(0x80 | n as u8),
        n if n <= 65_535 => {
            out.put_u8(0x80 | 126);
            out.put_u16(n as u16)
        }
        n => {
            out.put_u8(0x80 | 127);
            out.put_u64(n as u64)
        }
    }
    out.put_slice(&mask);
    out.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    out.to_vec()
}

/// Gives at most three bytes per read: frames arrive in pieces.
struct Trickle(Vec<u8>, usize);

impl AsyncRead for Trickle {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let at = self.1;
        let end = self.0.len().min(at + 3).min(at + buf.remaining());
        buf.put_slice(&self.0[at..end]);
        self.1 = end;
        Poll::Ready(Ok(()))
    }
}

struct Side(Trickle, Inflater);

impl AsyncRead for Side {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let Side(trickle, inflater) = &mut *self;
        inflater.poll_read(Pin::new(trickle), cx, buf)
    }
}

/// Everything the inflater hands on for `input`, or its error.
async fn run(input: Vec<u8>, limit: usize) -> Result<Vec<u8>, InflateError> {
    use tokio::io::AsyncReadExt;
    let mut side = Side(Trickle(input, 0), Inflater::new(limit));
    let mut out = Vec::new();
    match side.read_to_end(&mut out).await {
        Ok(_) => Ok(out),
        Err(e) => Err(*e.into_inner().unwrap().downcast::<InflateError>().unwrap()),
    }
}

/// A frame as the inflater hands it on: masked with a zero key.
fn handed_on(first: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = BytesMut::new();
    put_frame(&mut out, first, payload);
    out.to_vec()
}

#[tokio::test]
async fn a_compressed_message_is_handed_on_inflated() {
    let text = "{\"event\":\"message\",\"data\":\"hello\"}".repeat(50);
    let got = run(client_frame(0xC1, &deflate(text.as_bytes())), 1 << 20).await;
    assert_eq!(got.unwrap(), handed_on(0x81, text.as_bytes()));
}

#[tokio::test]
async fn a_fragmented_message_is_handed_on_whole_after_a_ping_between_its_frames() {
    let text = b"abcabcabcabcabcabcabcabc".repeat(20);
    let compressed = deflate(&text);
    let (a, rest) = compressed.split_at(10);
    let (b, c) = rest.split_at(rest.len() / 2);
    let mut input = client_frame(0x42, a);
    input.extend(client_frame(0x89, b"ping"));
    input.extend(client_frame(0x00, b));
    input.extend(client_frame(0x80, c));
    // The message's beginning, the ping as it came, then the rest once its last frame is in.
    let mut expected = handed_on(0x02, b"");
    expected.extend(client_frame(0x89, b"ping"));
    expected.extend(handed_on(0x80, &text));
    assert_eq!(run(input, 1 << 20).await.unwrap(), expected);
}

#[tokio::test]
async fn a_new_message_inside_a_compressed_one_reaches_tungstenite_in_its_place() {
    // tungstenite must see the compressed message begin before the plain one, to refuse it.
    let mut input = client_frame(0x41, &deflate(b"first half"));
    input.extend(client_frame(0x81, b"plain"));
    let mut expected = handed_on(0x01, b"");
    expected.extend(client_frame(0x81, b"plain"));
    assert_eq!(run(input, 1 << 20).await.unwrap(), expected);
}

#[tokio::test]
async fn fragments_count_together_against_the_limit() {
    // Limit 100: compressed, at most 100 + 12 + 1024 bytes can fit once inflated.
    let mut input = client_frame(0x42, &[7; 500]);
    input.extend(client_frame(0x00, &[7; 500]));
    input.extend(client_frame(0x00, &[7; 500]));
    assert_eq!(run(input, 100).await, Err(InflateError::TooBig));
}

#[tokio::test]
async fn uncompressed_frames_pass_unchanged() {
    let mut input = client_frame(0x81, b"plain");
    input.extend(client_frame(0x01, &vec![b'x'; 70_000]));
    input.extend(client_frame(0x80, b"end"));
    input.extend(client_frame(0x88, &1000u16.to_be_bytes()));
    assert_eq!(run(input.clone(), 1 << 20).await.unwrap(), input);
}

#[tokio::test]
async fn a_message_inflating_past_the_limit_is_refused() {
    // 10 MB of zeros compress to about 10 KB.
    let bomb = deflate(&vec![0; 10 << 20]);
    assert!(bomb.len() < 64 << 10);
    let got = run(client_frame(0xC2, &bomb), 1 << 20).await;
    assert_eq!(got, Err(InflateError::TooBig));
    // Over the limit even compressed (with DEFLATE's worst expansion allowed for): refused
    // from its header.
    let got = run(client_frame(0xC2, &vec![1; 2000]), 100).await;
    assert_eq!(got, Err(InflateError::TooBig));
    // At the limit exactly: accepted.
    let exact = vec![b'z'; 1 << 20];
    let got = run(client_frame(0xC1, &deflate(&exact)), 1 << 20).await;
    assert_eq!(got.unwrap(), handed_on(0x81, &exact));
}

#[tokio::test]
async fn incompressible_data_at_the_limit_fits_though_it_grew() {
    // A client's fast compressor on random bytes: longer than the message.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let noise: Vec<u8> = (0..1 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let mut compressed = Vec::with_capacity(noise.len() * 9 / 8 + 1024);
    Compress::new(Compression::fast(), false)
        .compress_vec(&noise, &mut compressed, FlushCompress::Sync)
        .unwrap();
    assert!(compressed.ends_with(&[0, 0, 0xff, 0xff]) && compressed.len() > noise.len());
    compressed.truncate(compressed.len() - 4);
    let got = run(client_frame(0xC2, &compressed), 1 << 20).await.unwrap();
    assert!(got == handed_on(0x82, &noise));
}

#[tokio::test]
async fn data_that_is_not_deflate_is_refused() {
    let got = run(client_frame(0xC1, &[0xff; 40]), 1 << 20).await;
    assert_eq!(got, Err(InflateError::Corrupt));
    // A stored block cut short: the flush block the client left off must not complete it.
    let got = run(client_frame(0xC1, b"\x00\x08\x00\xf7\xffabcd"), 1 << 20).await;
    assert_eq!(got, Err(InflateError::Corrupt));
}

#[tokio::test]
async fn rsv1_where_it_is_not_allowed_goes_on_for_tungstenite_to_refuse() {
    // On a control frame, and on a continuation: as it is.
    for first in [0xC9, 0x40] {
        let input = client_frame(first, b"x");
        assert_eq!(run(input.clone(), 1 << 20).await.unwrap(), input);
    }
}
