--TEST--
broadcast() in a process that hosts no server goes through admin_url (with admin_token) and reaches the subscribers
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$bound = ws_start(['admin_token' => 's3cret']);
[$client, $open] = ws_connect();
$client->sendJson(['action' => 'subscribe', 'channel' => 'news']);
$client->expectJson();
wait_event('join');

$r = run_php(<<<'PHP'
    var_dump(broadcast('news', '{"title":"from another process ✓"}'));
    broadcast('news', "\xff\x00raw");
    echo "done\n";
    PHP, ['frankenphp_ws.admin_url' => "http://{$bound['admin']}", 'frankenphp_ws.admin_token' => 's3cret']);
echo $r['out'], $r['err'], "exit {$r['status']}\n";
echo $client->expectText(), "\n";
$m = $client->expectMessage();
echo $m['type'], ' ', bin2hex($m['data']), "\n";
// The other process did not start a server of its own: this one saw no new connection.
var_dump(frankenphp_ws_getClientsCount());
?>
--EXPECT--
NULL
done
exit 0
{"title":"from another process ✓"}
binary ff00726177
int(1)
