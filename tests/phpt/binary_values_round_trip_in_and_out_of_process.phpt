--TEST--
Binary values (all 256 byte values, NUL, invalid UTF-8, serialize() output) round-trip unchanged through stored information, the global store and the message history, set and read in the hosting process and in a process that hosts no server (php-fpm, CLI), in every combination
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$bound = ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_enableQueueCounter($id, 10);

$values = [
    'bytes' => implode('', array_map('chr', range(0, 255))),
    'latin1' => "caf\xe9",
    'serialized' => serialize(["\xff" => 1.5, 'k' => "\x00"]),
    'empty' => '',
];
// What the child does, in a process that hosts no server: read what the host wrote, write
// its own copies, and report what it read as hex.
$child = <<<'PHP'
    $id = getenv('WS_ID');
    $out = ['history' => array_map(fn ($m) => bin2hex($m['data']), frankenphp_ws_getClientMessageQueue($id))];
    foreach (json_decode(getenv('WS_KEYS'), true) as $key) {
        $out["stored $key"] = bin2hex(frankenphp_ws_getStoredInformation($id, "host-$key"));
        $out["global $key"] = bin2hex(frankenphp_ws_global_get("host-$key"));
        $value = hex2bin(getenv('WS_VALUE_' . $key)) ?: '';
        frankenphp_ws_setStoredInformation($id, "child-$key", $value);
        frankenphp_ws_global_set("child-$key", $value);
        frankenphp_ws_send($id, $value);
    }
    echo json_encode($out);
    PHP;

foreach ($values as $key => $value) {
    frankenphp_ws_setStoredInformation($id, "host-$key", $value);
    frankenphp_ws_global_set("host-$key", $value);
    frankenphp_ws_send($id, $value);
}
$env = ['WS_ID' => $id, 'WS_KEYS' => json_encode(array_keys($values))];
foreach ($values as $key => $value) {
    $env["WS_VALUE_$key"] = bin2hex($value);
}
foreach ($env as $k => $v) {
    putenv("$k=$v");
}
$r = run_php("<?php\n" . $child, ['frankenphp_ws.admin_url' => "http://{$bound['admin']}"], 20.0);
$theirs = json_decode($r['out'], true);
if (!is_array($theirs)) {
    echo "the child failed: status {$r['status']}\n", substr($r['out'], 0, 2000), substr($r['err'], 0, 2000), "\n";
    exit;
}

foreach ($values as $key => $value) {
    echo str_pad($key, 10), ' host→child: stored ', var_export(hex2bin($theirs["stored $key"]) === $value, true),
        ', global ', var_export(hex2bin($theirs["global $key"]) === $value, true),
        ' | child→host: stored ', var_export(frankenphp_ws_getStoredInformation($id, "child-$key") === $value, true),
        ', global ', var_export(frankenphp_ws_global_get("child-$key") === $value, true),
        ' | host: stored ', var_export(frankenphp_ws_getStoredInformation($id, "host-$key") === $value, true),
        ', global ', var_export(frankenphp_ws_global_get("host-$key") === $value, true), "\n";
}
// History: the host's four sends, as the child read them; then all eight, as the host reads them.
$sent = array_values($values);
echo 'history read by the child: ', var_export(array_map('hex2bin', $theirs['history']) === $sent, true), "\n";
$kept = array_map(fn ($m) => $m['data'], frankenphp_ws_getClientMessageQueue($id));
echo 'history read by the host: ', var_export($kept === array_merge($sent, $sent), true), "\n";
// And the client got the bytes: UTF-8 ones as text frames, the others as binary frames.
$got = [];
for ($i = 0; $i < 8; $i++) {
    $got[] = $client->receive()['data'] ?? null;
}
echo 'client got them all: ', var_export($got === array_merge($sent, $sent), true), "\n";
?>
--EXPECT--
bytes      host→child: stored true, global true | child→host: stored true, global true | host: stored true, global true
latin1     host→child: stored true, global true | child→host: stored true, global true | host: stored true, global true
serialized host→child: stored true, global true | child→host: stored true, global true | host: stored true, global true
empty      host→child: stored true, global true | child→host: stored true, global true | host: stored true, global true
history read by the child: true
history read by the host: true
client got them all: true
