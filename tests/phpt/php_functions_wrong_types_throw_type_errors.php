<?php
// No declare(strict_types=1): coercive mode. The calls are made by $invoke, in this file.
require __DIR__ . '/../lib/harness.php';
require __DIR__ . '/hostile_arguments.inc';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_tagClient($id, 'before');

$invoke = static fn (string $f, array $args) => $f(...$args);
// The mode in force for $invoke's calls, shown on a core function.
echo 'strlen(42) through $invoke: ', hostile_outcome($invoke, 'strlen', [42]), "\n";
[$functions, $line] = hostile_functions();
echo $line, "\n";
foreach (hostile_wrong_types($invoke, $functions, hostile_valid()) as $l) {
    echo $l, "\n";
}

// Nothing was done by any of those calls, and the server still works.
echo 'afterwards: ', json_encode([
    frankenphp_ws_getClients() === [$id],
    frankenphp_ws_getTags($id),
    frankenphp_ws_getChannels(),
    frankenphp_ws_global_has('hostile-key'),
    frankenphp_ws_send($id, 'still here'),
]), "\n";
echo 'client got: ', $client->expectText(), "\n";
echo 'events meanwhile: ', json_encode(array_column(drain_events(0.2), 'type')), "\n";
?>
