--TEST--
A * inside a tag of an expression is a wildcard (premium*, *_fr, p*m), combinable with the operators
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
$ids = [];
$tags = ['A' => ['premium_gold'], 'B' => ['premium_silver', 'lang_fr'], 'C' => ['lang_fr'], 'D' => ['premium']];
foreach ($tags as $name => $list) {
    [$clients[$name], $open] = ws_connect();
    $ids[$open['connection']] = $name;
    foreach ($list as $tag) {
        frankenphp_ws_tagClient($open['connection'], $tag);
    }
}

foreach ([
    'premium*',
    'premium_*',
    '*_fr',
    'p*m_s*',
    '*',
    'premium*&lang_fr',
    '!premium*',
    'gold*',
] as $expr) {
    $n = array_map(fn ($id) => $ids[$id] ?? "?$id", frankenphp_ws_getClientsByTagExpression($expr));
    sort($n);
    echo str_pad("'$expr'", 20), ' => ', implode(',', $n), "\n";
}
?>
--EXPECT--
'premium*'           => A,B,D
'premium_*'          => A,B
'*_fr'               => B,C
'p*m_s*'             => B
'*'                  => A,B,C,D
'premium*&lang_fr'   => B
'!premium*'          => C
'gold*'              => 
