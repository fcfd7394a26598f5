//! The `frankenphp_ws.*` INI directives: registered at MINIT, read once on first use.

use crate::config::{Config, DIRECTIVES, INI_PREFIX};
use ext_php_rs::flags::IniEntryPermission;
use ext_php_rs::zend::{ExecutorGlobals, IniEntryDef, IniEntryDefs};
use std::sync::OnceLock;

// php.ini, -d and .user.ini may set them; ini_set() may not, since they are read once.
const PERM: IniEntryPermission = IniEntryPermission::PerDir;

macro_rules! entries {
    ($($name:literal = $default:literal),* $(,)?) => {
        pub static INI_ENTRIES: IniEntryDefs<{ [$($name),*].len() + 1 }> = IniEntryDefs::new([
            $(IniEntryDef::new(
                match std::ffi::CStr::from_bytes_with_nul(concat!("frankenphp_ws.", $name, "\0").as_bytes()) {
                    Ok(s) => s,
                    Err(_) => panic!("valid C string"),
                },
                match std::ffi::CStr::from_bytes_with_nul(concat!($default, "\0").as_bytes()) {
                    Ok(s) => s,
                    Err(_) => panic!("valid C string"),
                },
                PERM,
            ),)*
            IniEntryDef::end(),
        ]);
    };
}

crate::for_each_directive!(entries);

pub fn register(module_number: i32) {
    IniEntryDef::register(INI_ENTRIES.as_slice(), module_number);
}

/// The INI values as (name, value) pairs, read from the engine.
pub fn pairs() -> Vec<(String, String)> {
    let values = ExecutorGlobals::get().ini_values();
    DIRECTIVES
        .iter()
        .map(|(name, default)| {
            let value = values
                .get(&format!("{INI_PREFIX}{name}"))
                .cloned()
                .flatten()
                .unwrap_or_else(|| default.to_string());
            (name.to_string(), value)
        })
        .collect()
}

/// The configuration from php.ini, read the first time it is needed.
pub fn config() -> Result<&'static Config, String> {
    static CONFIG: OnceLock<Result<Config, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| Config::from_pairs(pairs()).map_err(|e| format!("php.ini: {e}")))
        .as_ref()
        .map_err(Clone::clone)
}
