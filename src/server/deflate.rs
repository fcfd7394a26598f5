//! permessage-deflate (RFC 7692): which of a client's offers the server accepts, and on what
//! terms. The server never takes over a compression context between messages, and asks the
//! client not to either (`server_no_context_takeover; client_no_context_takeover`):
//! - one broadcast then compresses to the same bytes for every subscriber (`Frame`);
//! - a connection keeps no compressor or decompressor between messages, so an idle one
//!   costs no more memory than without compression.
//!
//! Both parameters are the server's to add even when the offer lacks them (§7.1.1.1,
//! §7.1.1.2). An offer that limits the server's window (`server_max_window_bits` below 15) is
//! declined, which §7.1.2.1 allows: a window of its own would mean a compression of its own.

/// The `Sec-WebSocket-Extensions` answer to the first acceptable offer among the header's
/// values, or `None` (the connection goes on uncompressed).
pub fn negotiate<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<String> {
    values
        .into_iter()
        .flat_map(|v| v.split(','))
        .find_map(accept)
}

/// The answer to one offer (`permessage-deflate; param; param=value`), if acceptable.
fn accept(offer: &str) -> Option<String> {
    let mut parts = offer.split(';').map(str::trim);
    if !parts.next()?.eq_ignore_ascii_case("permessage-deflate") {
        return None;
    }
    let mut seen: Vec<String> = Vec::new();
    let mut server_window = None;
    for param in parts {
        let (name, value) = match param.split_once('=') {
            Some((name, value)) => (name.trim(), Some(value.trim().trim_matches('"'))),
            None => (param, None),
        };
        let name = name.to_ascii_lowercase();
        if seen.contains(&name) {
            return None; // §7: a parameter given twice declines the offer
        }
        match (name.as_str(), value) {
            ("server_no_context_takeover" | "client_no_context_takeover", None) => {}
            ("server_max_window_bits", Some(bits)) => server_window = Some(window_bits(bits)?),
            // The client may use a smaller window; inflating with the largest reads any.
            ("client_max_window_bits", None) => {}
            ("client_max_window_bits", Some(bits)) => {
                window_bits(bits)?;
            }
            _ => return None,
        }
        seen.push(name);
    }
    let mut answer =
        String::from("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    match server_window {
        None => {}
        Some(15) => answer.push_str("; server_max_window_bits=15"),
        Some(_) => return None,
    }
    Some(answer)
}

/// A window size as RFC 7692 spells it: 8 to 15, digits only.
fn window_bits(value: &str) -> Option<u8> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) || value.len() > 2 {
        return None;
    }
    value.parse().ok().filter(|bits| (8..=15).contains(bits))
}

#[cfg(test)]
mod tests {
    use super::negotiate;

    const PLAIN: &str =
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

    #[test]
    fn browsers_and_common_clients_are_accepted() {
        // Chromium and Firefox.
        assert_eq!(
            negotiate(["permessage-deflate; client_max_window_bits"]).as_deref(),
            Some(PLAIN)
        );
        assert_eq!(negotiate(["permessage-deflate"]).as_deref(), Some(PLAIN));
        assert_eq!(
            negotiate([
                "x-webkit-deflate-frame",
                "PerMessage-Deflate; client_max_window_bits=10"
            ])
            .as_deref(),
            Some(PLAIN)
        );
        assert_eq!(
            negotiate(["permessage-deflate; server_no_context_takeover; server_max_window_bits=\"15\""])
                .as_deref(),
            Some("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15")
        );
    }

    #[test]
    fn offers_the_server_cannot_honour_are_declined_for_the_next() {
        // A smaller server window is declined; the fallback offer after it is taken.
        assert_eq!(
            negotiate(["permessage-deflate; server_max_window_bits=9, permessage-deflate"])
                .as_deref(),
            Some(PLAIN)
        );
        for bad in [
            "permessage-deflate; server_max_window_bits=10",
            "permessage-deflate; server_max_window_bits",
            "permessage-deflate; server_max_window_bits=16",
            "permessage-deflate; client_max_window_bits=7",
            "permessage-deflate; client_max_window_bits=+9",
            "permessage-deflate; server_no_context_takeover=1",
            "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
            "permessage-deflate; unknown_param",
            "x-webkit-deflate-frame",
            "",
        ] {
            assert_eq!(negotiate([bad]), None, "{bad}");
        }
    }
}
