--TEST--
With strict_types=1, a scalar of the wrong type throws PHP's standard TypeError, naming the function, the argument's position and name, the type expected and the type given; so does a value no mode converts (an array, a plain object); an int for a float is accepted, as PHP widens it
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];

$calls = [
    'send(int data)' => fn () => frankenphp_ws_send($id, 123),
    'broadcast(int channel)' => fn () => broadcast(5, 'x'),
    'broadcastToUser(float user)' => fn () => broadcastToUser(1.5, 'x'),
    'getTags(int id)' => fn () => frankenphp_ws_getTags(42),
    'enablePing(numeric string)' => fn () => frankenphp_ws_enablePing($id, '5'),
    'global_set(bool value)' => fn () => frankenphp_ws_global_set('k', true),
    'get_event(string)' => fn () => frankenphp_ws_get_event('0'),
    'get_event(int)' => fn () => frankenphp_ws_get_event(0),
    'tagClient(Stringable)' => fn () => frankenphp_ws_tagClient($id, new class {
        public function __toString(): string
        {
            return 'vip';
        }
    }),
];
foreach ($calls as $label => $call) {
    try {
        $out = json_encode($call());
    } catch (TypeError $e) {
        $out = 'TypeError: ' . $e->getMessage();
    }
    echo "$label: $out\n";
}

// Not convertible in any mode: the same message without strict_types.
$weak = run_php(<<<'PHP'
    foreach ([fn () => frankenphp_ws_send('id', []), fn () => frankenphp_ws_sendToTag('t', new stdClass()), fn () => frankenphp_ws_enableQueueCounter('id', 'many')] as $call) {
        try {
            $call();
        } catch (TypeError $e) {
            echo 'TypeError: ', $e->getMessage(), "\n";
        }
    }
    PHP, ['frankenphp_ws.admin_url' => 'http://127.0.0.1:1']);
echo "without strict_types:\n", $weak['out'];
echo 'nothing reached the client: ', json_encode($client->receive(0.3)), "\n";
?>
--EXPECT--
send(int data): TypeError: frankenphp_ws_send(): Argument #2 ($data) must be of type string, int given
broadcast(int channel): TypeError: broadcast(): Argument #1 ($channel) must be of type string, int given
broadcastToUser(float user): TypeError: broadcastToUser(): Argument #1 ($userId) must be of type string|int, float given
getTags(int id): TypeError: frankenphp_ws_getTags(): Argument #1 ($connectionId) must be of type ?string, int given
enablePing(numeric string): TypeError: frankenphp_ws_enablePing(): Argument #2 ($intervalMs) must be of type int, string given
global_set(bool value): TypeError: frankenphp_ws_global_set(): Argument #2 ($value) must be of type string, bool given
get_event(string): TypeError: frankenphp_ws_get_event(): Argument #1 ($timeout) must be of type float, string given
get_event(int): null
tagClient(Stringable): TypeError: frankenphp_ws_tagClient(): Argument #2 ($tag) must be of type string, class@anonymous given
without strict_types:
TypeError: frankenphp_ws_send(): Argument #2 ($data) must be of type string, array given
TypeError: frankenphp_ws_sendToTag(): Argument #2 ($data) must be of type string, stdClass given
TypeError: frankenphp_ws_enableQueueCounter(): Argument #2 ($maxMessages) must be of type int, string given
nothing reached the client: null
