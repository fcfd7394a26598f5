--TEST--
Connection ids are distinct and carry at least 128 bits (32+ hex digits or equivalent)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
$ids = [];
$clients = [];
for ($i = 0; $i < 5; $i++) {
    [$clients[], $open] = ws_connect();
    $ids[] = $open['connection'];
}
var_dump(count(array_unique($ids)));
foreach ($ids as $id) {
    // bits of information in the id's alphabet: hex = 4 bits a character, else assume base64 (6)
    $bits = ctype_xdigit($id) ? 4 * strlen($id) : 6 * strlen($id);
    if ($bits < 128) {
        echo "too short: $id\n";
    }
}
// No two ids share a long common prefix (not a counter).
$prefix = 0;
for ($i = 1; $i < count($ids); $i++) {
    $p = 0;
    while ($p < strlen($ids[0]) && $ids[0][$p] === $ids[$i][$p]) {
        $p++;
    }
    $prefix = max($prefix, $p);
}
var_dump($prefix < 8);
$sorted = $ids;
sort($sorted);
$got = frankenphp_ws_getClients();
sort($got);
var_dump($got === $sorted);
?>
--EXPECT--
int(5)
bool(true)
bool(true)
