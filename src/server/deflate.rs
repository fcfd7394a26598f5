//! permessage-deflate (RFC 7692): which of a client's offers the server accepts, and on what
//! terms. The server never takes over a compression context between messages, and asks the
//! client not to either (`server_no_context_takeover; client_no_context_takeover`):
//! - one broadcast then compresses to the same bytes for every subscriber (`Frame`);
//! - a connection keeps no compressor or decompressor between messages, so an idle one
//!   costs no more memory than without compression.
//!
//! Both parameters are the server's to add even when the offer lacks them (§7.1.1.1,
//! §7.1.1.2). An offer that limits the server's window (`server_max_window_bits` from 9 to
//! 14) is accepted, and that socket's frames are compressed with the smallest window
//! (`Deflate::narrow`), shared by every such socket. A limit of 8 is declined (§7.1.2.1
//! allows it): zlib's raw DEFLATE has no window that small.

/// A negotiated permessage-deflate: the `Sec-WebSocket-Extensions` answer, and whether the
/// client limited the server's window.
#[derive(Debug, PartialEq, Eq)]
pub struct Accepted {
    pub answer: String,
    pub narrow: bool,
}

/// The answer to the first acceptable offer among the header's values, or `None` (the
/// connection goes on uncompressed).
pub fn negotiate<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<Accepted> {
    values
        .into_iter()
        .flat_map(|v| v.split(','))
        .find_map(accept)
}

/// The answer to one offer (`permessage-deflate; param; param=value`), if acceptable.
fn accept(offer: &str) -> Option<Accepted> {
    let mut parts = offer.split(';').map(str::trim);
    if !parts.next()?.eq_ignore_ascii_case("permessage-deflate") {
        return None;
    }
    let mut seen: Vec<String> = Vec::new();
    let mut server_window = None;
    for param in parts {
        let (name, value) = match param.split_once('=') {
            Some((name, value)) => {
                let value = value.trim();
                let unquoted = value.strip_prefix('"').and_then(|v| v.strip_suffix('"'));
                (name.trim(), Some(unquoted.unwrap_or(value)))
            }
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
        Some(8) => return None,
        Some(bits) => answer.push_str(&format!("; server_max_window_bits={bits}")),
    }
    Some(Accepted {
        answer,
        narrow: server_window.is_some_and(|bits| bits < 15),
    })
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
    use super::{negotiate, Accepted};

    const PLAIN: &str =
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

    fn answer(offers: &[&str]) -> Option<(String, bool)> {
        negotiate(offers.iter().copied()).map(|Accepted { answer, narrow }| (answer, narrow))
    }

    fn plain() -> Option<(String, bool)> {
        Some((PLAIN.to_string(), false))
    }

    #[test]
    fn browsers_and_common_clients_are_accepted() {
        // Chromium and Firefox.
        assert_eq!(
            answer(&["permessage-deflate; client_max_window_bits"]),
            plain()
        );
        assert_eq!(answer(&["permessage-deflate"]), plain());
        assert_eq!(
            answer(&[
                "x-webkit-deflate-frame",
                "PerMessage-Deflate; client_max_window_bits=10"
            ]),
            plain()
        );
        assert_eq!(
            answer(&[
                "permessage-deflate; server_no_context_takeover; server_max_window_bits=\"15\""
            ]),
            Some((format!("{PLAIN}; server_max_window_bits=15"), false))
        );
    }

    #[test]
    fn a_limit_on_the_server_window_is_kept_to() {
        assert_eq!(
            answer(&["permessage-deflate; server_max_window_bits=9"]),
            Some((format!("{PLAIN}; server_max_window_bits=9"), true))
        );
        // 8 cannot be honoured: the fallback offer after it is taken.
        assert_eq!(
            answer(&["permessage-deflate; server_max_window_bits=8, permessage-deflate"]),
            plain()
        );
    }

    #[test]
    fn offers_against_the_rfc_are_declined() {
        for bad in [
            "permessage-deflate; server_max_window_bits",
            "permessage-deflate; server_max_window_bits=16",
            "permessage-deflate; server_max_window_bits=\"10",
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
