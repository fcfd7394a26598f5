--TEST--
searchStoredInformation with each of the ten FRANKENPHP_WS_OP_* constants (values eq, neq, prefix, suffix, contains, ieq, iprefix, isuffix, icontains, regex); connections without the key never match
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
$ids = [];
foreach (['A' => 'Alice', 'B' => 'alicia', 'C' => 'Bob', 'D' => null] as $name => $value) {
    [$clients[$name], $open] = ws_connect();
    $ids[$open['connection']] = $name;
    if ($value !== null) {
        frankenphp_ws_setStoredInformation($open['connection'], 'name', $value);
    } else {
        frankenphp_ws_setStoredInformation($open['connection'], 'other', 'Alice');
    }
}

foreach ([
    ['FRANKENPHP_WS_OP_EQ', 'Alice'],
    ['FRANKENPHP_WS_OP_NEQ', 'Alice'],
    ['FRANKENPHP_WS_OP_PREFIX', 'Ali'],
    ['FRANKENPHP_WS_OP_SUFFIX', 'ce'],
    ['FRANKENPHP_WS_OP_CONTAINS', 'lic'],
    ['FRANKENPHP_WS_OP_IEQ', 'ALICE'],
    ['FRANKENPHP_WS_OP_IPREFIX', 'aLi'],
    ['FRANKENPHP_WS_OP_ISUFFIX', 'CIA'],
    ['FRANKENPHP_WS_OP_ICONTAINS', 'O'],
    ['FRANKENPHP_WS_OP_REGEX', '^[AB][a-z]+$'],
] as [$const, $value]) {
    $n = array_map(fn ($id) => $ids[$id] ?? "?$id", frankenphp_ws_searchStoredInformation('name', constant($const), $value));
    sort($n);
    echo str_pad($const, 28), '= ', str_pad(var_export(constant($const), true), 12), " $value => ", implode(',', $n), "\n";
}
echo 'missing key: ', json_encode(frankenphp_ws_searchStoredInformation('nokey', FRANKENPHP_WS_OP_NEQ, 'x')), "\n";
?>
--EXPECT--
FRANKENPHP_WS_OP_EQ         = 'eq'         Alice => A
FRANKENPHP_WS_OP_NEQ        = 'neq'        Alice => B,C
FRANKENPHP_WS_OP_PREFIX     = 'prefix'     Ali => A
FRANKENPHP_WS_OP_SUFFIX     = 'suffix'     ce => A
FRANKENPHP_WS_OP_CONTAINS   = 'contains'   lic => A,B
FRANKENPHP_WS_OP_IEQ        = 'ieq'        ALICE => A
FRANKENPHP_WS_OP_IPREFIX    = 'iprefix'    aLi => A,B
FRANKENPHP_WS_OP_ISUFFIX    = 'isuffix'    CIA => B
FRANKENPHP_WS_OP_ICONTAINS  = 'icontains'  O => C
FRANKENPHP_WS_OP_REGEX      = 'regex'      ^[AB][a-z]+$ => A,C
missing key: []
