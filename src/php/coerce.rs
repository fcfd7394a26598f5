//! Parameters taken by PHP's own rules, as internal functions take them (ZPP's `Z_PARAM_*`).
//!
//! Without `strict_types`, an int, float, bool or Stringable given for a string is converted,
//! a numeric string for an int, and `null` for a non-nullable scalar is deprecated, then
//! converted. With `strict_types=1`, or for a value that cannot be converted, PHP's standard
//! `TypeError` is thrown: `f(): Argument #2 ($data) must be of type string, array given`.
//! The conversions and messages are the engine's own (`zend_parse_arg_*_slow`,
//! `zend_wrong_parameter_type_error`), so they follow PHP's rules exactly, version for version.
//!
//! Each type's `TYPE` is what reflection and the stubs show; the check is ours because
//! ext-php-rs does not run ZPP. A failed conversion leaves the engine's exception pending and
//! gives `None`; the binding then returns at once (ext-php-rs throws nothing over a pending
//! exception).

use ext_php_rs::convert::{FromZvalMut, IntoZval, StubLiteral};
use ext_php_rs::ffi::{zend_execute_data, zend_long, zend_string, zval};
use ext_php_rs::flags::DataType;
use ext_php_rs::types::{ZendHashTable, ZendStr, Zval};
use std::os::raw::c_int;

unsafe extern "C" {
    // Exported by the engine (Zend/zend_API.h, PHP 8.x). ZEND_FASTCALL is the C convention on
    // every Unix target; on Windows it is __vectorcall, which these declarations do not cover.
    fn zend_parse_arg_str_slow(arg: *mut zval, dest: *mut *mut zend_string, arg_num: u32) -> bool;
    fn zend_parse_arg_long_slow(arg: *mut zval, dest: *mut zend_long, arg_num: u32) -> bool;
    fn zend_parse_arg_double_slow(arg: *mut zval, dest: *mut f64, arg_num: u32) -> bool;
    fn zend_parse_arg_bool_slow(arg: *mut zval, dest: *mut bool, arg_num: u32) -> bool;
    fn zend_parse_arg_str_or_long_slow(
        arg: *mut zval,
        dest_str: *mut *mut zend_string,
        dest_long: *mut zend_long,
        arg_num: u32,
    ) -> bool;
    fn zend_wrong_parameter_type_error(num: u32, expected: c_int, arg: *mut zval);
}

// `zend_expected_type` values (Z_EXPECTED_TYPES in zend_API.h).
const EXPECTED_LONG: c_int = 0;
const EXPECTED_BOOL: c_int = 2;
const EXPECTED_STRING: c_int = 4;
const EXPECTED_STRING_OR_NULL: c_int = 5;
const EXPECTED_DOUBLE: c_int = 20;
const EXPECTED_ARRAY_OR_STRING: c_int = 24;
const EXPECTED_STRING_OR_LONG: c_int = 26;

/// The 1-based position of an argument in the running internal call: arguments live in the
/// call frame right after `zend_execute_data` (ZEND_CALL_ARG). 0 if it is not there.
fn position(arg: &Zval) -> u32 {
    // SAFETY: read on the PHP thread during a call; the frame outlives the call.
    let frame = unsafe { (*ext_php_rs::ffi::ext_php_rs_executor_globals()).current_execute_data };
    if frame.is_null() {
        return 0;
    }
    let aligned = |n: usize| (n + 7) & !7;
    let slot = std::mem::size_of::<Zval>();
    let first =
        (aligned(std::mem::size_of::<zend_execute_data>()) + aligned(slot) - 1) / aligned(slot);
    let offset = (arg as *const Zval as isize - frame as isize) / slot as isize;
    let n = offset - first as isize + 1;
    // SAFETY: as above; `num_args` is set for every call.
    let count = unsafe { (*frame).This.u2.num_args } as isize;
    if (1..=count).contains(&n) {
        n as u32
    } else {
        0
    }
}

/// Runs an engine conversion; on failure, raises PHP's TypeError for `expected` unless the
/// conversion already threw (a deprecation turned into an exception, a throwing __toString).
fn convert(arg: &mut Zval, expected: c_int, parse: impl FnOnce(*mut zval, u32) -> bool) -> bool {
    let n = position(arg);
    if n == 0 {
        return false;
    }
    let raw = arg as *mut Zval as *mut zval;
    if parse(raw, n) {
        return true;
    }
    // SAFETY: `raw` is the live argument; the function returns at once if an exception is pending.
    unsafe { zend_wrong_parameter_type_error(n, expected, raw) };
    false
}

fn coerce_str(arg: &mut Zval, expected: c_int) -> Option<&[u8]> {
    let mut dest: *mut zend_string = std::ptr::null_mut();
    // SAFETY: the engine converts the argument in place and points `dest` at its string.
    if !convert(arg, expected, |raw, n| unsafe {
        zend_parse_arg_str_slow(raw, &mut dest, n)
    }) {
        return None;
    }
    // SAFETY: `dest` is the argument's own string now, alive for the call.
    unsafe { (dest as *const ZendStr).as_ref() }.map(|s| s.as_bytes())
}

/// `string`: any bytes.
pub struct Str<'a>(pub &'a [u8]);

impl<'a> FromZvalMut<'a> for Str<'a> {
    const TYPE: DataType = DataType::String;

    fn from_zval_mut(arg: &'a mut Zval) -> Option<Self> {
        if arg.is_string() {
            return arg.zend_str().map(|s| Str(s.as_bytes()));
        }
        coerce_str(arg, EXPECTED_STRING).map(Str)
    }
}

/// `?string`, or left out.
pub struct OptStr<'a>(pub Option<&'a [u8]>);

impl<'a> FromZvalMut<'a> for OptStr<'a> {
    const TYPE: DataType = DataType::String;
    const NULLABLE: bool = true;

    fn from_zval_mut(arg: &'a mut Zval) -> Option<Self> {
        if arg.is_null() {
            return Some(OptStr(None));
        }
        if arg.is_string() {
            return arg.zend_str().map(|s| OptStr(Some(s.as_bytes())));
        }
        coerce_str(arg, EXPECTED_STRING_OR_NULL).map(|s| OptStr(Some(s)))
    }

    fn from_missing() -> Option<Self> {
        Some(OptStr(None))
    }
}

/// `int`.
pub struct Int(pub i64);

impl FromZvalMut<'_> for Int {
    const TYPE: DataType = DataType::Long;

    fn from_zval_mut(arg: &mut Zval) -> Option<Self> {
        if let Some(n) = arg.long() {
            return Some(Int(n));
        }
        let mut n: zend_long = 0;
        // SAFETY: the engine writes the converted integer to `n`.
        convert(arg, EXPECTED_LONG, |raw, i| unsafe {
            zend_parse_arg_long_slow(raw, &mut n, i)
        })
        .then(|| Int(n.into()))
    }
}

/// `bool`.
pub struct Bool(pub bool);

impl FromZvalMut<'_> for Bool {
    const TYPE: DataType = DataType::Bool;

    fn from_zval_mut(arg: &mut Zval) -> Option<Self> {
        if let Some(b) = arg.bool() {
            return Some(Bool(b));
        }
        let mut b = false;
        // SAFETY: the engine writes the converted value to `b`.
        convert(arg, EXPECTED_BOOL, |raw, i| unsafe {
            zend_parse_arg_bool_slow(raw, &mut b, i)
        })
        .then(|| Bool(b))
    }
}

/// `float` (an int is accepted even in strict mode, as PHP does).
pub struct Float(pub f64);

impl FromZvalMut<'_> for Float {
    const TYPE: DataType = DataType::Double;

    fn from_zval_mut(arg: &mut Zval) -> Option<Self> {
        if let Some(x) = arg.double() {
            return Some(Float(x));
        }
        let mut x = 0.0;
        // SAFETY: the engine writes the converted number to `x`.
        convert(arg, EXPECTED_DOUBLE, |raw, i| unsafe {
            zend_parse_arg_double_slow(raw, &mut x, i)
        })
        .then_some(Float(x))
    }
}

/// `int|string`: a user id, carried as its decimal or string form.
pub struct IntOrStr(pub Vec<u8>);

impl FromZvalMut<'_> for IntOrStr {
    const TYPE: DataType = DataType::Mixed;

    fn from_zval_mut(arg: &mut Zval) -> Option<Self> {
        if let Some(n) = arg.long() {
            return Some(IntOrStr(n.to_string().into_bytes()));
        }
        if arg.is_string() {
            return arg.zend_str().map(|s| IntOrStr(s.as_bytes().to_vec()));
        }
        let (mut text, mut n): (*mut zend_string, zend_long) = (std::ptr::null_mut(), 0);
        let parse = |raw, i| unsafe { zend_parse_arg_str_or_long_slow(raw, &mut text, &mut n, i) };
        if !convert(arg, EXPECTED_STRING_OR_LONG, parse) {
            return None;
        }
        // SAFETY: a null `text` means the engine chose the integer.
        Some(match unsafe { (text as *const ZendStr).as_ref() } {
            Some(s) => IntOrStr(s.as_bytes().to_vec()),
            None => IntOrStr(n.to_string().into_bytes()),
        })
    }
}

/// `string|array`: one name, or a list of them (`None` for an element that is not a string).
pub struct Names(pub Vec<Option<Vec<u8>>>);

impl FromZvalMut<'_> for Names {
    const TYPE: DataType = DataType::Mixed;

    fn from_zval_mut(arg: &mut Zval) -> Option<Self> {
        if let Some(list) = arg.array() {
            let names = list
                .values()
                .map(|v| v.zend_str().map(|s| s.as_bytes().to_vec()))
                .collect();
            return Some(Names(names));
        }
        if arg.is_string() {
            return arg.zend_str().map(|s| Names(vec![Some(s.as_bytes().to_vec())]));
        }
        coerce_str(arg, EXPECTED_ARRAY_OR_STRING).map(|one| Names(vec![Some(one.to_vec())]))
    }
}

/// An array's entries, keys as bytes (an integer key in decimal). ext-php-rs's own iterator
/// panics on a string key that is not UTF-8; a PHP array may hold any bytes in its keys.
pub fn entries(array: &ZendHashTable) -> Vec<(Vec<u8>, &Zval)> {
    let mut iter = ext_php_rs::types::array::Iter::new(array);
    let mut entries = Vec::with_capacity(array.len());
    while let Some((key, value)) = iter.next_zval() {
        let key = match key.long() {
            Some(n) => n.to_string().into_bytes(),
            None => key.zend_str().map(|s| s.as_bytes().to_vec()).unwrap_or_default(),
        };
        entries.push((key, value));
    }
    entries
}

/// A returned `string` of any bytes.
pub struct BinaryString(pub bytes::Bytes);

impl IntoZval for BinaryString {
    const TYPE: DataType = DataType::String;
    const NULLABLE: bool = false;

    fn set_zval(self, zv: &mut Zval, _persistent: bool) -> ext_php_rs::error::Result<()> {
        zv.set_zend_string(ZendStr::new(&self.0[..], false));
        Ok(())
    }
}

// Defaults written in `#[php(defaults(...))]` become these.
impl<'a> From<&'a str> for Str<'a> {
    fn from(text: &'a str) -> Self {
        Str(text.as_bytes())
    }
}

impl From<i32> for Int {
    fn from(n: i32) -> Self {
        Int(n.into())
    }
}

impl From<bool> for Bool {
    fn from(b: bool) -> Self {
        Bool(b)
    }
}

impl From<f64> for Float {
    fn from(x: f64) -> Self {
        Float(x)
    }
}

// How those defaults read in the stubs and in reflection.
impl StubLiteral for Str<'_> {
    fn stub_literal(&self) -> String {
        String::from_utf8_lossy(self.0).as_ref().stub_literal()
    }
}

impl StubLiteral for Int {
    fn stub_literal(&self) -> String {
        self.0.stub_literal()
    }
}

impl StubLiteral for Bool {
    fn stub_literal(&self) -> String {
        self.0.stub_literal()
    }
}

impl StubLiteral for Float {
    fn stub_literal(&self) -> String {
        self.0.stub_literal()
    }
}
