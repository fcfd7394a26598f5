--TEST--
phpinfo() and php --ri show admin_token and auth_jwt_secret as ******** when set (empty when not) and never print them; ini_get() still returns them
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$ini = [
    'frankenphp_ws.admin_token' => 'admin-S3CRET-1',
    'frankenphp_ws.auth_jwt_secret' => 'jwt-S3CRET-2',
];
$secrets = array_values($ini);
$rows = fn(string $out) => array_values(array_filter(
    array_map('rtrim', explode("\n", $out)),
    fn($l) => preg_match('/^frankenphp_ws\.(admin_token|auth_jwt_secret)(_file)? =>/', $l)
));
$leaks = fn(string $out) => json_encode(array_values(array_filter($secrets, fn($s) => str_contains($out, $s))));

// phpinfo() in a process with both secrets set.
$r = run_php('phpinfo(); echo "ini_get: ", ini_get("frankenphp_ws.admin_token"), " ", ini_get("frankenphp_ws.auth_jwt_secret"), "\n";', $ini);
[$info, $get] = explode('ini_get: ', $r['out']);
echo "phpinfo():\n", implode("\n", $rows($info)), "\n";
echo 'secrets in phpinfo(): ', $leaks($info), "\n";
echo 'ini_get(): ', trim($get), "\n";

// php --ri, set and unset.
$base = escapeshellarg(PHP_BINARY) . ' -n -d ' . escapeshellarg('extension=' . ws_so());
$set = '';
foreach ($ini as $name => $value) {
    $set .= ' -d ' . escapeshellarg("$name=$value");
}
$ri = (string) shell_exec("$base$set --ri frankenphp_ws");
echo "php --ri, set:\n", implode("\n", $rows($ri)), "\n";
echo 'secrets in php --ri: ', $leaks($ri), "\n";
echo "php --ri, unset:\n", implode("\n", $rows((string) shell_exec("$base --ri frankenphp_ws"))), "\n";
?>
--EXPECT--
phpinfo():
frankenphp_ws.admin_token => ********
frankenphp_ws.admin_token_file =>
frankenphp_ws.auth_jwt_secret => ********
frankenphp_ws.auth_jwt_secret_file =>
secrets in phpinfo(): []
ini_get(): admin-S3CRET-1 jwt-S3CRET-2
php --ri, set:
frankenphp_ws.admin_token => ********
frankenphp_ws.admin_token_file =>
frankenphp_ws.auth_jwt_secret => ********
frankenphp_ws.auth_jwt_secret_file =>
secrets in php --ri: []
php --ri, unset:
frankenphp_ws.admin_token =>
frankenphp_ws.admin_token_file =>
frankenphp_ws.auth_jwt_secret =>
frankenphp_ws.auth_jwt_secret_file =>
