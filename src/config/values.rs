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
