//! How some directives' values are read and shown: secrets (from the value or a file, masked
//! for display), Redis URLs with their password masked, subprotocol names.

use super::{INI_PREFIX, SECRET_DIRECTIVES};

/// How `phpinfo()` / `php --ri` show a directive's value: a secret as `********` when set
/// (nothing when not), as php-src shows `odbc.default_pw`; every other value as it is.
/// `ini_get()` still returns the real value, as it does for PHP's own password directives.
pub fn displayed_value(name: &str, value: &str) -> String {
    let name = name.strip_prefix(INI_PREFIX).unwrap_or(name);
    match (SECRET_DIRECTIVES.contains(&name), value.is_empty()) {
        _ if name == "redis_address" => mask_password(value),
        (false, _) | (true, true) => value.to_string(),
        (true, false) => "********".to_string(),
    }
}

/// A Redis URL with its password shown as `********`.
pub fn mask_password(url: &str) -> String {
    // A cluster's seeds: each one masked.
    if url.trim().contains(char::is_whitespace) {
        return url
            .split_whitespace()
            .map(mask_password)
            .collect::<Vec<_>>()
            .join(" ");
    }
    let (scheme, rest) = url.split_once("://").map_or(("", url), |(s, r)| (s, r));
    let scheme = if scheme.is_empty() {
        String::new()
    } else {
        format!("{scheme}://")
    };
    // The host follows the last `@`: a password may contain `@` itself.
    match rest.rsplit_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{scheme}{user}:********@{host}"),
            None => format!("{scheme}********@{host}"),
        },
        None => url.to_string(),
    }
}

/// The secret `name`: its directive's value, or the trimmed content of the file that
/// `<name>_file` names. Setting both, or a file that cannot be read or is empty, is an error.
pub(super) fn secret(get: impl Fn(&str) -> String, name: &str) -> Result<String, String> {
    let file_option = format!("{name}_file");
    let value = get(name);
    let path = get(&file_option).trim().to_string();
    if path.is_empty() {
        return Ok(value);
    }
    if !value.is_empty() {
        return Err(format!(
            "options '{name}' and '{file_option}' exclude each other: set the secret or the file that holds it, not both"
        ));
    }
    let content = std::fs::read_to_string(&path)
        .map_err(|e| format!("option '{file_option}': cannot read '{path}': {e}"))?;
    let content = content.trim();
    if content.is_empty() {
        return Err(format!("option '{file_option}': '{path}' is empty"));
    }
    Ok(content.to_string())
}

/// `subprotocols`: space-separated names, each an HTTP token (RFC 6455 4.1).
pub(super) fn subprotocols(value: &str) -> Result<Vec<String>, String> {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    value
        .split_whitespace()
        .map(|name| match name.chars().all(token) {
            true => Ok(name.to_string()),
            false => Err(format!(
                "option 'subprotocols' must be space-separated protocol names (letters, digits and !#$%&'*+-.^_`|~), got '{name}'"
            )),
        })
        .collect()
}

/// The one Pusher application this server stands in for (`pusher_app_id`, `pusher_key`,
/// `pusher_secret`): its clients connect at `/app/{key}`, and its HTTP API is `/apps/{id}/…`.
#[derive(Clone, PartialEq)]
pub struct PusherApp {
    pub app_id: String,
    pub key: String,
    pub secret: String,
}

impl std::fmt::Debug for PusherApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PusherApp")
            .field("app_id", &self.app_id)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl PusherApp {
    /// All three set: the Pusher protocol is on; none: off; some: a mistake, said plainly.
    pub fn from_options(app_id: &str, key: &str, secret: String) -> Result<Option<Self>, String> {
        let (app_id, key) = (app_id.trim(), key.trim());
        let secret = secret.trim().to_string();
        match (app_id.is_empty(), key.is_empty(), secret.is_empty()) {
            (true, true, true) => return Ok(None),
            (false, false, false) => {}
            _ => {
                return Err("options 'pusher_app_id', 'pusher_key' and 'pusher_secret' go together: set all three (the Pusher protocol is on) or none".into())
            }
        }
        // Both appear in URL paths (`/app/{key}`, `/apps/{id}`), unescaped by every SDK.
        let url_safe = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        };
        if !url_safe(app_id) || !url_safe(key) {
            return Err(format!(
                "options 'pusher_app_id' and 'pusher_key' may hold only letters, digits and - _ . (got '{app_id}' and '{key}')"
            ));
        }
        Ok(Some(PusherApp {
            app_id: app_id.to_string(),
            key: key.to_string(),
            secret,
        }))
    }
}
