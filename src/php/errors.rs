//! PHP exceptions: each `OpError` becomes its documented class, with the message that
//! says what to fix.

use crate::ops::OpError;
use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::zend::ClassEntry;

fn spl(name: &str) -> &'static ClassEntry {
    ClassEntry::try_find(name).unwrap_or_else(ext_php_rs::zend::ce::exception)
}

unsafe extern "C" {
    // Exported by PHP (ext/spl). Read directly because the class table cannot be searched
    // during MINIT, when our exception class is registered.
    static spl_ce_RuntimeException: *mut ext_php_rs::ffi::zend_class_entry;
}

pub fn runtime_exception() -> &'static ClassEntry {
    // SAFETY: SPL is always compiled in and registers its classes before any extension's MINIT.
    unsafe { (spl_ce_RuntimeException as *const ClassEntry).as_ref() }
        .unwrap_or_else(ext_php_rs::zend::ce::exception)
}

/// Thrown when a process that hosts no server cannot reach the one that does.
#[php_class]
#[php(name = "FrankenPhpWs\\ServerUnreachableException")]
#[php(extends(ce = runtime_exception, stub = "\\RuntimeException"))]
#[derive(Default)]
pub struct ServerUnreachableException;

/// Messages quote the caller's arguments, which may hold NUL bytes (the engine cannot carry
/// those in a message: the exception would turn into a plain `Error`) or be megabytes long.
const MAX_MESSAGE: usize = 1024;

fn printable(message: String) -> String {
    let mut message = if message.contains('\0') {
        message.replace('\0', "\\0")
    } else {
        message
    };
    if message.len() > MAX_MESSAGE {
        let mut cut = MAX_MESSAGE;
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        message.push_str("… (cut)");
    }
    message
}

pub fn invalid_argument(message: impl Into<String>) -> PhpException {
    PhpException::new(
        printable(message.into()),
        0,
        spl("InvalidArgumentException"),
    )
}

pub fn runtime(message: impl Into<String>) -> PhpException {
    PhpException::new(printable(message.into()), 0, runtime_exception())
}

impl From<OpError> for PhpException {
    fn from(error: OpError) -> Self {
        match error {
            OpError::InvalidArgument(m) => invalid_argument(m),
            OpError::Unreachable(m) => {
                PhpException::from_class::<ServerUnreachableException>(printable(m))
            }
            OpError::Failed(m) => runtime(m),
        }
    }
}
