--TEST--
Every frankenphp_ws.* INI directive exists with its documented default, readable with ini_get() and listed by php --ri
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$defaults = [
    'listen' => '127.0.0.1:8080',
    'path' => '/ws',
    'admin_listen' => '127.0.0.1:2019',
    'admin_token' => '',
    'admin_token_file' => '',
    'admin_url' => 'http://127.0.0.1:2019',
    'driver' => 'memory',
    'redis_address' => 'redis://127.0.0.1:6379',
    'redis_prefix' => 'frankenphp_ws',
    'redis_timeout' => '1',
    'redis_outbox' => '10000',
    'node_name' => '',
    'auth_endpoint' => '',
    'allowed_origins' => '',
    'trusted_proxies' => '',
    'subprotocols' => '',
    'compression' => 'on',
    'compression_threshold' => '256',
    'admin_allowed_origins' => '',
    'max_message_size' => '1048576',
    'ping_interval' => '25',
    'pong_timeout' => '60',
    'event_queue_size' => '65536',
    'send_buffer' => '4194304',
    'ghost_ttl' => '0',
    'ghost_buffer' => '1000',
    'resume_tokens' => 'off',
    'stop_handoff' => 'off',
    'auth_timeout' => '2',
    'auth_concurrency' => '64',
    'auth_jwt_secret' => '',
    'auth_jwt_secret_file' => '',
    'max_connections' => '0',
    'max_connections_per_ip' => '0',
    'handshake_rate' => '0',
    'message_rate' => '100',
    'message_burst' => '200',
    'max_subscriptions' => '128',
    'pusher_app_id' => '',
    'pusher_key' => '',
    'pusher_secret' => '',
    'pusher_secret_file' => '',
    'tls_cert' => '',
    'tls_key' => '',
    'log_level' => 'warn',
    'log_file' => '',
];
// A fresh process without php.ini, so the defaults are the module's own.
$r = run_php(<<<'PHP'
    echo json_encode(array_map(fn($d) => $d['global_value'], ini_get_all('frankenphp_ws'))), "\n";
    foreach (ini_get_all('frankenphp_ws') as $name => $d) {
        echo $name, '=', var_export(ini_get($name), true), "\n";
    }
    PHP);
$lines = explode("\n", trim($r['out']));
$all = json_decode(array_shift($lines), true);
foreach ($defaults as $name => $default) {
    $key = "frankenphp_ws.$name";
    echo $key, ': ', array_key_exists($key, $all) ? ($all[$key] === $default ? 'default ok' : 'default is ' . var_export($all[$key], true)) : 'MISSING', "\n";
}
echo 'extra directives: ', json_encode(array_values(array_diff(array_keys($all), array_map(fn($n) => "frankenphp_ws.$n", array_keys($defaults))))), "\n";

// php --ri lists them all.
$cmd = escapeshellarg(PHP_BINARY) . ' -n -d ' . escapeshellarg('extension=' . ws_so()) . ' --ri frankenphp_ws';
$ri = shell_exec($cmd);
$missing = array_filter(array_keys($defaults), fn($n) => !str_contains($ri, "frankenphp_ws.$n"));
echo 'php --ri lists every directive: ', var_export($missing === [], true), ' ', json_encode(array_values($missing)), "\n";
?>
--EXPECT--
frankenphp_ws.listen: default ok
frankenphp_ws.path: default ok
frankenphp_ws.admin_listen: default ok
frankenphp_ws.admin_token: default ok
frankenphp_ws.admin_token_file: default ok
frankenphp_ws.admin_url: default ok
frankenphp_ws.driver: default ok
frankenphp_ws.redis_address: default ok
frankenphp_ws.redis_prefix: default ok
frankenphp_ws.redis_timeout: default ok
frankenphp_ws.redis_outbox: default ok
frankenphp_ws.node_name: default ok
frankenphp_ws.auth_endpoint: default ok
frankenphp_ws.allowed_origins: default ok
frankenphp_ws.trusted_proxies: default ok
frankenphp_ws.subprotocols: default ok
frankenphp_ws.compression: default ok
frankenphp_ws.compression_threshold: default ok
frankenphp_ws.admin_allowed_origins: default ok
frankenphp_ws.max_message_size: default ok
frankenphp_ws.ping_interval: default ok
frankenphp_ws.pong_timeout: default ok
frankenphp_ws.event_queue_size: default ok
frankenphp_ws.send_buffer: default ok
frankenphp_ws.ghost_ttl: default ok
frankenphp_ws.ghost_buffer: default ok
frankenphp_ws.resume_tokens: default ok
frankenphp_ws.stop_handoff: default ok
frankenphp_ws.auth_timeout: default ok
frankenphp_ws.auth_concurrency: default ok
frankenphp_ws.auth_jwt_secret: default ok
frankenphp_ws.auth_jwt_secret_file: default ok
frankenphp_ws.max_connections: default ok
frankenphp_ws.max_connections_per_ip: default ok
frankenphp_ws.handshake_rate: default ok
frankenphp_ws.message_rate: default ok
frankenphp_ws.message_burst: default ok
frankenphp_ws.max_subscriptions: default ok
frankenphp_ws.pusher_app_id: default ok
frankenphp_ws.pusher_key: default ok
frankenphp_ws.pusher_secret: default ok
frankenphp_ws.pusher_secret_file: default ok
frankenphp_ws.tls_cert: default ok
frankenphp_ws.tls_key: default ok
frankenphp_ws.log_level: default ok
frankenphp_ws.log_file: default ok
extra directives: []
php --ri lists every directive: true []
