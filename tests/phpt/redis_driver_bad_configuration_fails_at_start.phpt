--TEST--
driver=redis with a Redis that cannot be used fails frankenphp_ws_start(), naming redis_address with its password masked: an unreachable server (RuntimeException, within redis_timeout), a URL that is not redis:// or a bad redis_timeout (InvalidArgumentException); phpinfo() masks the password too
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$base = ['driver' => 'redis', 'listen' => '127.0.0.1:0', 'admin_listen' => '', 'log_level' => 'off'];
$cases = [
    'unreachable' => ['redis_address' => 'redis://app:s3cret@127.0.0.1:1', 'redis_timeout' => '0.5'],
    'not a redis URL' => ['redis_address' => 'http://app:s3cret@127.0.0.1:6379'],
    'bad timeout' => ['redis_timeout' => 'soon'],
];
foreach ($cases as $label => $options) {
    $start = microtime(true);
    try {
        frankenphp_ws_start($options + $base);
        echo "$label: started\n";
        frankenphp_ws_stop();
    } catch (Throwable $e) {
        $m = $e->getMessage();
        echo "$label: ", get_class($e), ', names the directive: ', json_encode(str_contains($m, 'redis_address') || str_contains($m, 'redis_timeout')),
            ', shows the password: ', json_encode(str_contains($m, 's3cret')), ', within 2 s: ', json_encode(microtime(true) - $start < 2.0), "\n";
    }
}
$r = run_php('phpinfo();', ['frankenphp_ws.redis_address' => 'redis://app:s3cret@10.0.0.7:6379/2']);
preg_match('/frankenphp_ws\.redis_address => (\S+)/', $r['out'], $m);
echo 'phpinfo: ', $m[1] ?? '(missing)', "\n";
?>
--EXPECT--
unreachable: RuntimeException, names the directive: true, shows the password: false, within 2 s: true
not a redis URL: InvalidArgumentException, names the directive: true, shows the password: false, within 2 s: true
bad timeout: InvalidArgumentException, names the directive: true, shows the password: false, within 2 s: true
phpinfo: redis://app:********@10.0.0.7:6379/2
