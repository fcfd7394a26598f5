// The extension is a cdylib loaded by PHP: Zend symbols are resolved when PHP loads it.
// ext-php-rs's own build script finds PHP through `php-config`/`PHP_CONFIG`; rebuild when
// that choice changes.
fn main() {
    println!("cargo:rerun-if-env-changed=PHP_CONFIG");
    println!("cargo:rerun-if-env-changed=PHP");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("macos") {
        println!("cargo:rustc-cdylib-link-arg=-undefined");
        println!("cargo:rustc-cdylib-link-arg=dynamic_lookup");
    }
}
