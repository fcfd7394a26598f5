//! The PHP functions that host the server: start, stop (with the handoff of a rolling
//! restart), and the worker loop's `frankenphp_ws_get_event()`.

use super::args::Float;
use super::errors::{invalid_argument, runtime};
use super::event_array;
use super::event_loop;
use super::ini;
use crate::config::Config;
use crate::runtime;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};
use std::time::Duration;

fn option_string(name: &str, value: &Zval) -> PhpResult<String> {
    if let Some(b) = value.bool() {
        return Ok(if b { "1" } else { "0" }.to_string());
    }
    if value.is_string() || value.is_long() || value.is_double() {
        if let Some(s) = value.coerce_to_string() {
            return Ok(s);
        }
    }
    Err(invalid_argument(format!(
        "option '{name}' must be a string or a number"
    )))
}

/// The configuration for this process: php.ini, overridden by `$options`.
fn config_with(options: Option<&ZendHashTable>) -> PhpResult<Config> {
    let mut pairs = ini::pairs();
    if let Some(options) = options {
        for (key, value) in super::coerce::entries(options) {
            let name = String::from_utf8_lossy(&key).into_owned();
            pairs.push((name.clone(), option_string(&name, value)?));
        }
    }
    Config::from_pairs(pairs).map_err(invalid_argument)
}

/// Starts the server in this process; returns the bound addresses.
#[php_function]
#[php(name = "frankenphp_ws_start")]
pub fn frankenphp_ws_start(options: Option<&ZendHashTable>) -> PhpResult<ZBox<ZendHashTable>> {
    let server = runtime::start(config_with(options)?).map_err(runtime)?;
    let mut result = ZendHashTable::new();
    let _ = result.insert("listen", server.listen.to_string());
    let _ = result.insert("admin", server.admin.map(|a| a.to_string()));
    Ok(result)
}

/// Stops the server within a bounded time. Every client is closed with 1001, unless
/// `handoff` (`$options['handoff']`, default: the `stop_handoff` directive) hands those with a
/// resume token to the other nodes first (closed with 1012): their clients resume there.
#[php_function]
#[php(name = "frankenphp_ws_stop")]
pub fn frankenphp_ws_stop(options: Option<&ZendHashTable>) -> PhpResult<()> {
    let mut handoff = None;
    for (key, value) in super::coerce::entries(options.unwrap_or(&ZendHashTable::new())) {
        match (&key[..], value.bool()) {
            (b"handoff", Some(on)) => handoff = Some(on),
            (b"handoff", None) => {
                return Err(invalid_argument("option 'handoff' must be a bool"));
            }
            (other, _) => {
                return Err(invalid_argument(format!(
                    "unknown option '{}'; frankenphp_ws_stop() takes 'handoff'",
                    String::from_utf8_lossy(other)
                )));
            }
        }
    }
    runtime::stop_with(handoff);
    Ok(())
}

/// The next event, waiting at most `$timeout` seconds; null if none came.
#[php_function]
#[php(name = "frankenphp_ws_get_event")]
#[php(defaults(timeout = 0.0))]
pub fn frankenphp_ws_get_event(timeout: Float) -> PhpResult<Option<ZBox<ZendHashTable>>> {
    let timeout = timeout.0;
    if !timeout.is_finite() || timeout < 0.0 {
        return Err(invalid_argument(format!(
            "timeout must be a finite number of seconds >= 0, got {timeout}"
        )));
    }
    event_loop::previous_event_done();
    let wait = Duration::from_secs_f64(timeout.min(1e9));
    let server = match runtime::serving(|| ini::config().cloned()).map_err(runtime)? {
        Some(server) => server,
        // Stopped on purpose (perhaps by another PHP thread): nothing will come, unless a
        // thread starts a server again meanwhile.
        None => {
            event_loop::wait_for_a_start(wait);
            return Ok(None);
        }
    };
    let node = &server.node;
    let Some(event) = node.events.pop(wait) else {
        return Ok(None);
    };
    event_loop::taken(node, &event);
    Ok(Some(event_array::to_array(event)))
}


/// Adds the hosting functions to the module.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(frankenphp_ws_start))
        .function(wrap_function!(frankenphp_ws_stop))
        .function(wrap_function!(frankenphp_ws_get_event))
}
