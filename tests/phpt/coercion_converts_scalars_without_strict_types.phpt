--TEST--
Without strict_types, scalars are converted as PHP's internal functions convert them: int, float, bool and Stringable to string (data, ids, tags, keys, values), int to user id, numeric strings to int and float (messaging, tags, stored information, global store, pings, history, the event loop)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
$stringable = new class {
    public function __toString(): string
    {
        return 'from __toString';
    }
};

// Messaging: what the client receives.
foreach ([123, 1.5, true, $stringable] as $data) {
    frankenphp_ws_send($id, $data);
    echo 'send(', get_debug_type($data), '): client got ', json_encode($client->receive()['data'] ?? null), "\n";
}
echo 'sendAll(int): ', frankenphp_ws_sendAll(7), ', client got ', json_encode($client->receive()['data'] ?? null), "\n";

// Tags, stored information, the global store: names and values.
var_dump(frankenphp_ws_tagClient($id, 42));
echo 'tags: ', json_encode(frankenphp_ws_getTags($id)), ', by tag 42: ', json_encode(frankenphp_ws_getClientsByTag('42') === [$id]), "\n";
var_dump(frankenphp_ws_setStoredInformation($id, 1, 2.5));
echo 'stored under "1": ', json_encode(frankenphp_ws_getStoredInformation($id, '1')), "\n";
frankenphp_ws_global_set(10, false, '60');
echo 'global "10": ', json_encode(frankenphp_ws_global_get('10')), ', has: ', json_encode(frankenphp_ws_global_has(10)), "\n";

// User ids: int and its decimal string are the same user.
echo 'user 42 and "42": ', json_encode(frankenphp_ws_getUserConnections(42) === frankenphp_ws_getUserConnections('42')), ', presence ', frankenphp_ws_getPresence(42), "\n";

// Numbers given as numeric strings (and a float with no fraction).
var_dump(frankenphp_ws_enableQueueCounter($id, '2', 3600.0));
frankenphp_ws_send($id, 'a');
frankenphp_ws_send($id, 'b');
frankenphp_ws_send($id, 'c');
echo 'kept: ', json_encode(array_column(frankenphp_ws_getClientMessageQueue($id), 'data')), "\n";
var_dump(frankenphp_ws_enablePing($id, '0'));
drain_events();
$start = microtime(true);
$e = frankenphp_ws_get_event('0.2');
printf("get_event('0.2'): %s after about 0.2 s: %s\n", json_encode($e), json_encode(abs(microtime(true) - $start - 0.2) < 0.15));
?>
--EXPECT--
send(int): client got "123"
send(float): client got "1.5"
send(bool): client got "1"
send(class@anonymous): client got "from __toString"
sendAll(int): 1, client got "7"
bool(true)
tags: ["42"], by tag 42: true
bool(true)
stored under "1": "2.5"
global "10": "", has: true
user 42 and "42": true, presence offline
bool(true)
kept: ["b","c"]
bool(true)
get_event('0.2'): null after about 0.2 s: true
