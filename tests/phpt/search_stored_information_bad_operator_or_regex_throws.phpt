--TEST--
searchStoredInformation throws InvalidArgumentException for an unknown operator (naming the valid ones) and for a regex that does not compile
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
frankenphp_ws_setStoredInformation($open['connection'], 'name', 'Alice');

foreach ([['like', 'A'], ['EQ', 'Alice'], ['', 'Alice'], ['regex', '(['], ['regex', 'a{2,1}']] as [$op, $value]) {
    try {
        $r = frankenphp_ws_searchStoredInformation('name', $op, $value);
        echo "'$op' '$value': no exception: ", json_encode($r), "\n";
    } catch (InvalidArgumentException $e) {
        $msg = $e->getMessage();
        echo "'$op' '$value': InvalidArgumentException",
            $op === 'regex'
                ? (str_contains($msg, $value) ? ' (names the regex)' : ": $msg")
                : (str_contains($msg, 'icontains') ? ' (lists operators)' : ": $msg"), "\n";
    }
}
?>
--EXPECT--
'like' 'A': InvalidArgumentException (lists operators)
'EQ' 'Alice': InvalidArgumentException (lists operators)
'' 'Alice': InvalidArgumentException (lists operators)
'regex' '([': InvalidArgumentException (names the regex)
'regex' 'a{2,1}': InvalidArgumentException (names the regex)
