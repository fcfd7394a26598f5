//! The PHP extension: module registration, INI directives, `phpinfo()`, and module shutdown.
//! The bindings stay thin; the work is done by plain Rust in the rest of the crate.

mod args;
mod coerce;
pub mod errors;
pub mod event_array;
mod event_loop;
pub mod functions;
pub mod ini;
mod lifecycle;
pub mod pusher_functions;
pub mod state_functions;
pub mod tag_functions;

use ext_php_rs::prelude::*;
use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};

extern "C" fn startup(_ty: i32, module_number: i32) -> i32 {
    ini::register(module_number);
    crate::runtime::module_started();
    0
}

/// MSHUTDOWN: stop a running server so the process exits promptly. A panic must not cross
/// into the engine here, so it is caught and ignored.
extern "C" fn shutdown(_ty: i32, _module_number: i32) -> i32 {
    let _ = std::panic::catch_unwind(crate::runtime::stop);
    0
}

/// At the end of each request, the answers of the request's Redis publishes are read (a
/// process that exits with answers unread resets its connection, and Redis would drop the
/// publishes it had not read yet), and the event the request took last is done with.
extern "C" fn request_shutdown(_ty: i32, _module_number: i32) -> i32 {
    let _ = std::panic::catch_unwind(crate::broker::redis_sync::finish_request);
    // A thread whose script ends is done with the event it took last.
    let _ = std::panic::catch_unwind(event_loop::previous_event_done);
    0
}

extern "C" fn info(_module: *mut ModuleEntry) {
    info_table_start!();
    info_table_row!("frankenphp_ws support", "enabled");
    info_table_row!("version", env!("CARGO_PKG_VERSION"));
    let running = crate::runtime::current()
        .map(|s| format!("listening on {}", s.listen))
        .unwrap_or_else(|| "not started in this process".into());
    info_table_row!("server", running.as_str());
    // The directives with their values in effect, so `php --ri frankenphp_ws` lists them;
    // secrets masked (ini_get() still returns them, as for PHP's own password directives).
    for (name, value) in ini::pairs() {
        let key = format!("{}{name}", crate::config::INI_PREFIX);
        let shown = crate::config::displayed_value(&name, &value);
        info_table_row!(key.as_str(), shown.as_str());
    }
    info_table_end!();
}

#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    let module = module
        .startup_function(startup)
        .shutdown_function(shutdown)
        .request_shutdown_function(request_shutdown)
        .info_function(info)
        .class::<errors::ServerUnreachableException>();
    // FRANKENPHP_WS_OP_EQ = 'eq', …: the operators of searchStoredInformation.
    let module = crate::hub::search::OPERATORS
        .iter()
        .fold(module, |module, op| {
            let name = format!("FRANKENPHP_WS_OP_{}", op.to_uppercase());
            module.constant((name.as_str(), *op, &[] as ext_php_rs::describe::DocComments))
        });
    pusher_functions::register(state_functions::register(functions::register(module)))
}
