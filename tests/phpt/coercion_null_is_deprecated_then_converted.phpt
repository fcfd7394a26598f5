--TEST--
null for a non-nullable parameter behaves as in PHP 8.2's internal functions: a deprecation naming the function and parameter, then the empty value (which a text argument may then refuse); a nullable parameter takes null silently; a parameter with a default value refuses null with a TypeError
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
set_error_handler(function (int $no, string $message) {
    echo "  deprecated: $message\n";
    return true;
}, E_DEPRECATED);

echo "send(id, null):\n";
$sent = frankenphp_ws_send($id, null);
echo '  result ', json_encode($sent), ', client got ', json_encode($client->receive()['data'] ?? null), "\n";
echo "global_set('k', null):\n";
frankenphp_ws_global_set('k', null);
echo '  stored ', json_encode(frankenphp_ws_global_get('k')), "\n";
echo "enableQueueCounter(id, null) (a parameter with a default):\n";
try {
    frankenphp_ws_enableQueueCounter($id, null, 60);
} catch (TypeError $e) {
    echo '  TypeError: ', $e->getMessage(), "\n";
}
echo "tagClient(id, null):\n";
try {
    frankenphp_ws_tagClient($id, null);
} catch (InvalidArgumentException $e) {
    echo '  InvalidArgumentException: ', $e->getMessage(), "\n";
}
echo "getTags(null), send(id, 'x', null) (nullable):\n";
echo '  ', json_encode(frankenphp_ws_getTags(null)), ' ', json_encode(frankenphp_ws_send($id, 'x', null)), "\n";
?>
--EXPECT--
send(id, null):
  deprecated: frankenphp_ws_send(): Passing null to parameter #2 ($data) of type string is deprecated
  result true, client got ""
global_set('k', null):
  deprecated: frankenphp_ws_global_set(): Passing null to parameter #2 ($value) of type string is deprecated
  stored ""
enableQueueCounter(id, null) (a parameter with a default):
  TypeError: Argument `$maxMessages` must not be null
tagClient(id, null):
  deprecated: frankenphp_ws_tagClient(): Passing null to parameter #2 ($tag) of type string is deprecated
  InvalidArgumentException: $tag: tag must not be empty
getTags(null), send(id, 'x', null) (nullable):
  [] true
