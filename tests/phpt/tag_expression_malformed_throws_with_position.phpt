--TEST--
A malformed tag expression throws InvalidArgumentException naming the position, from getClientsByTagExpression and sendToTagExpression (nothing is sent)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
frankenphp_ws_tagClient($open['connection'], 'vip');

foreach (['', 'vip&', '(vip', 'vip)', 'vip||fr', '&vip', 'vip fr', '!', '()'] as $expr) {
    try {
        frankenphp_ws_getClientsByTagExpression($expr);
        echo "'$expr': no exception\n";
    } catch (InvalidArgumentException $e) {
        echo "'$expr': ", preg_match('/position (\d+)/', $e->getMessage(), $m) ? "position {$m[1]}" : 'no position: ' . $e->getMessage(), "\n";
    }
}
try {
    frankenphp_ws_sendToTagExpression('vip&(', 'never');
    echo "send: no exception\n";
} catch (InvalidArgumentException $e) {
    echo 'send: ', preg_match('/position (\d+)/', $e->getMessage(), $m) ? "position {$m[1]}" : 'no position', "\n";
}
echo 'nothing sent: ', var_export($client->isQuiet(), true), "\n";
?>
--EXPECT--
'': position 0
'vip&': position 4
'(vip': position 4
'vip)': position 3
'vip||fr': position 4
'&vip': position 0
'vip fr': position 4
'!': position 1
'()': position 1
send: position 5
nothing sent: true
