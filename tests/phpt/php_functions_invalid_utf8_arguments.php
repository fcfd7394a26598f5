<?php
require __DIR__ . '/../lib/harness.php';
require __DIR__ . '/hostile_arguments.inc';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_tagClient($id, 'hostile-tag');

$invoke = static fn (string $f, array $args) => $f(...$args);
[$functions, $line] = hostile_functions();
echo $line, "\n";
// The well-formed arguments name the live connection, so a hostile *other* argument meets a
// real target. Each line lists the outcome per value when they differ: '\xff' (a lone invalid
// byte), 'truncated' (a cut multi-byte sequence), 'surrogate' (an encoded UTF-16 surrogate),
// 'overlong' (an overlong '/'), 'NUL' (valid UTF-8 with a zero byte).
// Text parameters (&str in Rust) refuse non-UTF-8 with a TypeError before anything runs; data
// parameters take bytes. A route with a NUL byte is not a path: InvalidArgumentException (the
// message naming it must not turn it into a plain Error).
$valid = hostile_valid(['id' => $id]);
// A rename that went through is undone, so every call meets the live connection.
$renamedBack = [];
$undoRename = static function () use ($id, &$renamedBack): void {
    foreach (frankenphp_ws_getClients() as $other) {
        if ($other !== $id) {
            $renamedBack[] = bin2hex($other);
            frankenphp_ws_renameConnection($other, $id);
        }
    }
};
foreach (hostile_strings($invoke, $functions, $valid, hostile_non_utf8(), [], $undoRename) as $l) {
    echo $l, "\n";
}

// What those calls left on the connection, and the server still works.
echo 'renamed back from (hex): ', json_encode($renamedBack), "\n";
echo 'connection afterwards: ', json_encode([
    'alive' => frankenphp_ws_getClients() === [$id],
    'tags' => frankenphp_ws_getTags($id),
    'keys' => frankenphp_ws_listStoredInformationKeys($id),
    'subscriptions' => frankenphp_ws_getSubscriptions($id),
    'ghost' => frankenphp_ws_isGhost($id),
    'global hostile-key' => frankenphp_ws_global_get('hostile-key'),
]), "\n";
$got = [];
while (($m = $client->receive(0.3)) !== null && $m['type'] !== 'eof') {
    $got[] = $m['type'] . ':' . bin2hex($m['data'] ?? '');
}
echo 'client got: ', implode(' ', $got), "\n";
echo 'events meanwhile: ', json_encode(array_column(drain_events(0.2), 'type')), "\n";
?>
