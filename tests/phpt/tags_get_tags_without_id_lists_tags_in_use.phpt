--TEST--
getTags() without an id lists every tag in use (each once); a tag disappears when its last connection drops it or closes
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

function all_tags(): string
{
    $t = frankenphp_ws_getTags();
    sort($t);
    return json_encode($t);
}

ws_start();
[$a, $openA] = ws_connect();
[$b, $openB] = ws_connect();
echo 'none: ', all_tags(), "\n";
frankenphp_ws_tagClient($openA['connection'], 'vip');
frankenphp_ws_tagClient($openA['connection'], 'fr');
frankenphp_ws_tagClient($openB['connection'], 'fr');
frankenphp_ws_tagClient($openB['connection'], 'beta');
echo 'in use: ', all_tags(), "\n";
frankenphp_ws_untagClient($openB['connection'], 'beta');
echo 'beta dropped: ', all_tags(), "\n";
$a->close(1000);
wait_event('close');
echo 'A closed: ', all_tags(), "\n";
?>
--EXPECT--
none: []
in use: ["beta","fr","vip"]
beta dropped: ["fr","vip"]
A closed: ["fr"]
