--TEST--
In a process that hosts no server, an unreachable admin_url throws FrankenPhpWs\ServerUnreachableException naming the URL, for every function
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$port = free_port();
$r = run_php(<<<'PHP'
    $url = ini_get('frankenphp_ws.admin_url');
    $calls = [
        'broadcast' => fn() => broadcast('news', 'x'),
        'send' => fn() => frankenphp_ws_send('abc', 'x'),
        'sendBinary' => fn() => frankenphp_ws_sendBinary('abc', 'x'),
        'sendAll' => fn() => frankenphp_ws_sendAll('x'),
        'getClients' => fn() => frankenphp_ws_getClients(),
        'getClientsCount' => fn() => frankenphp_ws_getClientsCount('/ws'),
        'killConnection' => fn() => frankenphp_ws_killConnection('abc'),
        'listRoutes' => fn() => frankenphp_ws_listRoutes(),
        'subscribe' => fn() => frankenphp_ws_subscribe('abc', 'news'),
        'unsubscribe' => fn() => frankenphp_ws_unsubscribe('abc', 'news'),
        'getSubscriptions' => fn() => frankenphp_ws_getSubscriptions('abc'),
        'getChannels' => fn() => frankenphp_ws_getChannels(),
    ];
    foreach ($calls as $name => $call) {
        $t = microtime(true);
        try {
            $call();
            echo "$name: no exception\n";
        } catch (FrankenPhpWs\ServerUnreachableException $e) {
            echo "$name: ", get_class($e), ' runtime=', var_export($e instanceof RuntimeException, true),
                ' names url=', var_export(str_contains($e->getMessage(), $url), true),
                ' fast=', var_export(microtime(true) - $t < 3, true), "\n";
        }
    }
    PHP, ['frankenphp_ws.admin_url' => "http://127.0.0.1:$port"], 40.0);
echo $r['out'], $r['err'], "exit {$r['status']}\n";
?>
--EXPECT--
broadcast: FrankenPhpWs\ServerUnreachableException runtime=true names url=true fast=true
send: FrankenPhpWs\ServerUnreachableException runtime=true names url=true fast=true
sendBinary: FrankenPhpWs\ServerUnreachableException runtime=true names url=true fast=true
sendAll: FrankenPhpWs\ServerUnreachableException runtime=true names url=true fast=true
getClients: FrankenPhpWs\ServerUnreachableException runtime=true names url=true fast=true
getClientsCount: FrankenPhpWs\ServerUnreachableException runtime=true names url=true fast=true
killConnection: FrankenPhpWs\ServerUnreachableException runtime=true names url=true fast=true
listRoutes: FrankenPhpWs\ServerUnreachableException runtime=true names url=true fast=true
subscribe: FrankenPhpWs\ServerUnreachableException runtime=true names url=true fast=true
unsubscribe: FrankenPhpWs\ServerUnreachableException runtime=true names url=true fast=true
getSubscriptions: FrankenPhpWs\ServerUnreachableException runtime=true names url=true fast=true
getChannels: FrankenPhpWs\ServerUnreachableException runtime=true names url=true fast=true
exit 0
