--TEST--
admin_token_file and auth_jwt_secret_file: the trimmed file content is the secret (phpinfo() shows the path, not the content); setting a secret and its file, or naming an unreadable file, is a start error naming it
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$dir = sys_get_temp_dir() . '/fws-secret-files-' . getmypid();
@mkdir($dir);
file_put_contents("$dir/admin_token", "  admin-from-file\n");
file_put_contents("$dir/jwt_secret", "jwt-from-file\r\n\n");
$b64 = fn(string $s) => rtrim(strtr(base64_encode($s), '+/', '-_'), '=');
$jwt = function (string $secret) use ($b64): string {
    $signed = $b64('{"alg":"HS256","typ":"JWT"}') . '.' . $b64(json_encode(['sub' => 'alice', 'exp' => time() + 600]));
    return $signed . '.' . $b64(hash_hmac('sha256', $signed, $secret, true));
};

// Start errors: a secret and its file both set; an unreadable file; an empty one.
file_put_contents("$dir/empty", " \n");
$cases = [
    'token and token file' => ['admin_token' => 'direct', 'admin_token_file' => "$dir/admin_token"],
    'secret and secret file' => ['auth_jwt_secret' => 'direct', 'auth_jwt_secret_file' => "$dir/jwt_secret"],
    'missing token file' => ['admin_token_file' => "$dir/none"],
    'unreadable secret file' => ['auth_jwt_secret_file' => $dir],
    'empty token file' => ['admin_token_file' => "$dir/empty"],
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

// The same from php.ini: frankenphp_ws_get_event(), which starts the server from it, says so.
$r = run_php('try { frankenphp_ws_get_event(0); } catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }', [
    'frankenphp_ws.listen' => '127.0.0.1:0', 'frankenphp_ws.admin_listen' => '127.0.0.1:0',
    'frankenphp_ws.admin_token_file' => "$dir/none",
]);
echo 'php.ini, missing file: ', str_replace($dir, 'DIR', trim($r['out'])), "\n";

// The files' trimmed contents are the admin token and the JWT secret.
ws_start(['admin_token_file' => "$dir/admin_token", 'auth_jwt_secret_file' => "$dir/jwt_secret"]);
foreach (['none' => null, 'untrimmed' => "  admin-from-file", 'file content' => 'admin-from-file'] as $name => $token) {
    echo "admin API, $name token: ", admin_request('GET', '/health', null, $token)['status'], "\n";
}
foreach (['file secret' => 'jwt-from-file', 'other secret' => 'jwt-from-elsewhere'] as $name => $secret) {
    $r = WsClient::handshake(ws_url('/ws?token=' . $jwt($secret)));
    echo "JWT signed with the $name: ", $r['status'];
    if ($r['client'] !== null) {
        echo ', user ', var_export(wait_event('open')['user'], true);
    }
    echo "\n";
}

// phpinfo() names the files, never their contents.
$r = run_php('phpinfo();', [
    'frankenphp_ws.admin_token_file' => "$dir/admin_token",
    'frankenphp_ws.auth_jwt_secret_file' => "$dir/jwt_secret",
]);
echo "phpinfo() names the files, never their contents:\n";
foreach (array_map('rtrim', explode("\n", $r['out'])) as $line) {
    if (preg_match('/^frankenphp_ws\.(admin_token|auth_jwt_secret)/', $line)) {
        echo str_replace($dir, 'DIR', $line), "\n";
    }
}
echo 'contents in phpinfo(): ', var_export(str_contains($r['out'], 'from-file'), true), "\n";
array_map('unlink', glob("$dir/*"));
rmdir($dir);
?>
--EXPECTF--
token and token file: InvalidArgumentException: options 'admin_token' and 'admin_token_file' exclude each other: set the secret or the file that holds it, not both
secret and secret file: InvalidArgumentException: options 'auth_jwt_secret' and 'auth_jwt_secret_file' exclude each other: set the secret or the file that holds it, not both
missing token file: InvalidArgumentException: option 'admin_token_file': cannot read 'DIR/none': No such file or directory (os error 2)
unreadable secret file: InvalidArgumentException: option 'auth_jwt_secret_file': cannot read 'DIR': %s
empty token file: InvalidArgumentException: option 'admin_token_file': 'DIR/empty' is empty
php.ini, missing file: RuntimeException: php.ini: option 'admin_token_file': cannot read 'DIR/none': No such file or directory (os error 2)
admin API, none token: 401
admin API, untrimmed token: 401
admin API, file content token: 200
JWT signed with the file secret: 101, user 'alice'
JWT signed with the other secret: 401
phpinfo() names the files, never their contents:
frankenphp_ws.admin_token =>
frankenphp_ws.admin_token_file => DIR/admin_token
frankenphp_ws.auth_jwt_secret =>
frankenphp_ws.auth_jwt_secret_file => DIR/jwt_secret
contents in phpinfo(): false
