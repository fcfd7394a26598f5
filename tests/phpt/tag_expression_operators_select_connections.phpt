--TEST--
getClientsByTagExpression: & (and), | (or), ! (not), parentheses, with ! binding tighter than & and & tighter than |
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
$ids = [];
$tags = ['A' => ['vip', 'fr'], 'B' => ['vip', 'de'], 'C' => ['fr'], 'D' => []];
foreach ($tags as $name => $list) {
    [$clients[$name], $open] = ws_connect();
    $ids[$open['connection']] = $name;
    foreach ($list as $tag) {
        frankenphp_ws_tagClient($open['connection'], $tag);
    }
}

foreach ([
    'vip',
    'vip&fr',
    'vip|fr',
    '!vip',
    '!vip&!fr',
    'vip&!fr',
    'de|vip&fr',
    '(de|vip)&fr',
    '!(vip|fr)',
    '!!vip',
    ' vip & ( fr | de ) ',
    'unknown',
    'unknown|de',
    '!unknown',
] as $expr) {
    $n = array_map(fn ($id) => $ids[$id] ?? "?$id", frankenphp_ws_getClientsByTagExpression($expr));
    sort($n);
    echo str_pad("'$expr'", 24), ' => ', implode(',', $n), "\n";
}
?>
--EXPECT--
'vip'                    => A,B
'vip&fr'                 => A
'vip|fr'                 => A,B,C
'!vip'                   => C,D
'!vip&!fr'               => D
'vip&!fr'                => B
'de|vip&fr'              => A,B
'(de|vip)&fr'            => A
'!(vip|fr)'              => D
'!!vip'                  => A,B
' vip & ( fr | de ) '    => A,B
'unknown'                => 
'unknown|de'             => B
'!unknown'               => A,B,C,D
