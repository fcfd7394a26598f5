--TEST--
A TLS file that cannot be used stops frankenphp_ws_start() with a RuntimeException naming the file; tls_cert without tls_key is an InvalidArgumentException
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$dir = sys_get_temp_dir() . '/fws-badtls-' . getmypid();
@mkdir($dir);
file_put_contents("$dir/garbage.pem", "not a certificate\n");
$cases = [
    'missing cert' => ['tls_cert' => "$dir/none.pem", 'tls_key' => "$dir/none.pem"],
    'garbage cert' => ['tls_cert' => "$dir/garbage.pem", 'tls_key' => "$dir/garbage.pem"],
    'cert without key' => ['tls_cert' => "$dir/garbage.pem"],
];
foreach ($cases as $name => $options) {
    try {
        ws_start($options);
        echo "$name: started?!\n";
        frankenphp_ws_stop();
    } catch (Throwable $e) {
        echo "$name: ", get_class($e), ': ', str_replace($dir, 'DIR', $e->getMessage()), "\n";
    }
}
// Nothing was left half-started: a good start works.
$bound = ws_start();
echo 'good start after failures: ', var_export(str_starts_with($bound['listen'], '127.0.0.1:'), true), ', clients: ', frankenphp_ws_getClientsCount(), "\n";
array_map('unlink', glob("$dir/*"));
rmdir($dir);
?>
--EXPECTF--
missing cert: RuntimeException: tls_cert 'DIR/none.pem': %s
garbage cert: RuntimeException: tls_cert 'DIR/garbage.pem' holds no PEM certificate
cert without key: InvalidArgumentException: options 'tls_cert' and 'tls_key' go together: set both (PEM files) or neither
good start after failures: true, clients: 0
