//! `Frame`'s unit tests: headers, close reasons, compression.

use super::*;

#[test]
fn lengths_take_the_three_header_forms() {
    for (len, header) in [(0, 2), (125, 2), (126, 4), (65_535, 4), (65_536, 10)] {
        let frame = Frame::data(&vec![b'a'; len], false);
        assert_eq!(frame.len(), len + header, "payload of {len}");
        assert_eq!(frame.payload().len(), len);
        assert_eq!(frame.wire()[0], 0x81);
    }
    assert_eq!(&Frame::text("hi").wire()[..], b"\x81\x02hi");
    assert_eq!(&Frame::data(&[0xff], false).wire()[..], b"\x82\x01\xff");
    assert_eq!(
        Frame::data(&vec![0; 300], true).wire()[..4],
        [0x82, 126, 1, 44]
    );
}

#[test]
fn a_close_reason_is_cut_at_a_character_boundary() {
    let frame = Frame::close(1008, &"é".repeat(100));
    assert!(frame.is_close() && !frame.is_data());
    assert!(frame.payload().len() <= 125);
    assert!(std::str::from_utf8(&frame.payload()[2..]).is_ok());
    assert_eq!(frame.payload()[..2], 1008u16.to_be_bytes());
}

const WIDE_256: Deflate = Deflate {
    threshold: 256,
    narrow: false,
};
const ALL: Deflate = Deflate {
    threshold: 0,
    narrow: false,
};

/// Inflates a compressed frame's payload as a client does (RFC 7692 §7.2.2).
fn inflate(wire: &[u8]) -> Vec<u8> {
    let start = match wire[1] {
        126 => 4,
        127 => 10,
        _ => 2,
    };
    super::super::deflate::tests::inflate_twice(&wire[start..])
}

#[test]
fn data_over_the_threshold_is_compressed_once_and_shared() {
    let json = format!(
        "{{\"items\":[{}]}}",
        "{\"id\":1,\"name\":\"x\"},".repeat(60)
    );
    let frame = Frame::data(json.as_bytes(), false);
    let copy = frame.clone();
    let deflated = frame.wire_deflated(WIDE_256);
    assert_eq!(deflated[0], 0xC1, "FIN, RSV1, text");
    assert!(deflated.len() < json.len() / 4, "{} bytes", deflated.len());
    assert_eq!(inflate(deflated), json.as_bytes());
    // The copy in another outbox gets the same bytes, not a second compression.
    assert_eq!(copy.wire_deflated(WIDE_256).as_ptr(), deflated.as_ptr());
    // Under the threshold, or a control frame: as it is.
    assert_eq!(
        frame.wire_deflated(Deflate {
            threshold: json.len() + 1,
            narrow: false
        }),
        frame.wire()
    );
    let ping = Frame::ping(&[b'p'; 100]);
    assert_eq!(ping.wire_deflated(ALL), ping.wire());
}

/// Pseudo-random numbers, the same every run.
fn random(len: usize) -> impl Iterator<Item = u64> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    (0..len).map(move |_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state >> 32
    })
}

/// `len` bytes that do not compress.
fn noise(len: usize) -> Vec<u8> {
    random(len).map(|n| n as u8).collect()
}

#[test]
fn a_narrow_window_socket_gets_a_compression_of_its_own() {
    // Random letters, repeated whole every 600 bytes: the wide window finds the repeats,
    // the narrow one cannot reach back that far and only codes the letters shorter.
    let block: Vec<u8> = random(600).map(|n| b'a' + (n % 26) as u8).collect();
    let message = block.repeat(4);
    let frame = Frame::data(&message, false);
    let narrow = Deflate {
        threshold: 0,
        narrow: true,
    };
    let wide = frame.wire_deflated(ALL);
    let small = frame.wire_deflated(narrow);
    assert!(
        wide.len() < 600 && small.len() > 1200,
        "{} {}",
        wide.len(),
        small.len()
    );
    assert_eq!(small[0], 0xC1);
    assert!(inflate(wide) == message && inflate(small) == message);
}

#[test]
fn data_that_does_not_shrink_goes_plain() {
    let frame = Frame::data(&noise(4096), true);
    assert!(frame.wire_deflated(ALL) == frame.wire());
    let big = vec![b'a'; 100_000];
    let frame = Frame::data(&big, false);
    assert!(inflate(frame.wire_deflated(ALL)) == big);
}
