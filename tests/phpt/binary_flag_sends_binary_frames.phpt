--TEST--
broadcast(), broadcastToUser(), sendAll(), sendToTag() and sendToTagExpression() with $binary = true send a binary frame even for valid UTF-8; left out, text
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['auth_jwt_secret' => 'k']);
$b64 = fn(string $s) => rtrim(strtr(base64_encode($s), '+/', '-_'), '=');
$signed = $b64('{"alg":"HS256","typ":"JWT"}') . '.' . $b64(json_encode(['sub' => 'u1', 'exp' => time() + 600]));
[$client, $open] = ws_connect('/ws?token=' . $signed . '.' . $b64(hash_hmac('sha256', $signed, 'k', true)));
$id = $open['connection'];
$client->sendJson(['action' => 'subscribe', 'channel' => 'raw']);
$client->expectJson();
wait_event('join');
frankenphp_ws_tagClient($id, 'vip');

$show = function () use ($client) {
    $m = $client->expectMessage();
    echo $m['type'], ' ', $m['data'], "\n";
};

broadcast('raw', 'a', true);
$show();
broadcast('raw', 'b');
$show();
broadcastToUser('u1', 'c', true);
$show();
var_dump(frankenphp_ws_sendAll('d', null, true));
$show();
var_dump(frankenphp_ws_sendToTag('vip', 'e', binary: true));
$show();
var_dump(frankenphp_ws_sendToTagExpression('vip & !x', 'f', null, true));
$show();
var_dump(frankenphp_ws_sendToTag('vip', 'g'));
$show();

try {
    broadcast('raw', 'h', []);
} catch (TypeError $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECT--
binary a
text b
binary c
int(1)
binary d
int(1)
binary e
int(1)
binary f
int(1)
text g
broadcast(): Argument #3 ($binary) must be of type bool, array given
