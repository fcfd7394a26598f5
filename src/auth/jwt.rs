//! HS256 JSON Web Tokens (RFC 7519), the alternative to the PHP endpoint: the application signs
//! `{"sub": USER, "exp": …}` with `auth_jwt_secret`, the client presents it, and the handshake
//! needs no call out. Only HS256 is accepted: a token naming another algorithm (`none`
//! included) is refused, whatever its signature.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

/// Tokens longer than this are refused before any decoding.
const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Checks `token`'s signature with `secret`, then `exp` and `nbf` against `now` (Unix seconds).
/// Returns the user id (`sub`, a string or an integer).
pub fn verify(token: &str, secret: &[u8], now: u64) -> Result<String, String> {
    if token.len() > MAX_TOKEN_LEN {
        return Err("token too long".into());
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not a JWT (header.payload.signature)".into());
    };
    let header: Value = decode_json(header).ok_or("the header is not base64url JSON")?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err("only HS256 tokens are accepted".into());
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| "the signature is not base64url")?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(token[..header_and_payload_len(token)].as_bytes());
    // `verify_slice` compares in constant time.
    mac.verify_slice(&signature).map_err(|_| "bad signature")?;

    let claims: Value = decode_json(payload).ok_or("the payload is not base64url JSON")?;
    let time = |name: &str| -> Result<Option<u64>, String> {
        match claims.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
                .map(Some)
                .ok_or_else(|| format!("'{name}' must be a number of seconds")),
        }
    };
    if let Some(exp) = time("exp")? {
        if now >= exp {
            return Err("token expired".into());
        }
    }
    if let Some(nbf) = time("nbf")? {
        if now < nbf {
            return Err("token not valid yet".into());
        }
    }
    match claims.get("sub") {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err("the token has no 'sub' (user id)".into()),
    }
}

fn header_and_payload_len(token: &str) -> usize {
    token.rfind('.').unwrap_or(0)
}

fn decode_json(part: &str) -> Option<Value> {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
}

/// Signs `claims` with HS256: for tests and the bench (the application signs with its own
/// library).
pub fn sign(claims: &Value, secret: &[u8]) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(format!("{header}.{payload}").as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{header}.{payload}.{signature}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY: &[u8] = b"secret";

    #[test]
    fn a_valid_token_gives_its_subject() {
        let token = sign(&json!({"sub": "alice", "exp": 2000, "nbf": 1000}), KEY);
        assert_eq!(verify(&token, KEY, 1500), Ok("alice".into()));
        let token = sign(&json!({"sub": 42}), KEY);
        assert_eq!(verify(&token, KEY, 1500), Ok("42".into()));
    }

    #[test]
    fn expiry_not_before_and_signature_are_checked() {
        let token = sign(&json!({"sub": "a", "exp": 2000, "nbf": 1000}), KEY);
        assert_eq!(verify(&token, KEY, 2000).unwrap_err(), "token expired");
        assert_eq!(verify(&token, KEY, 999).unwrap_err(), "token not valid yet");
        assert_eq!(verify(&token, b"other", 1500).unwrap_err(), "bad signature");
        let mut tampered = token.clone();
        tampered.insert(tampered.find('.').unwrap() + 2, 'x');
        assert!(verify(&tampered, KEY, 1500).is_err());
    }

    #[test]
    fn other_algorithms_and_garbage_are_refused() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
        let payload = URL_SAFE_NO_PAD.encode(br#"{"sub":"a"}"#);
        assert!(verify(&format!("{header}.{payload}."), KEY, 0)
            .unwrap_err()
            .contains("HS256"));
        assert!(verify("a.b", KEY, 0).is_err());
        assert!(verify("....", KEY, 0).is_err());
        assert!(verify(&sign(&json!({"exp": 5}), KEY), KEY, 0)
            .unwrap_err()
            .contains("sub"));
        assert!(verify(&sign(&json!({"sub": "a", "exp": "soon"}), KEY), KEY, 0).is_err());
    }
}
