--TEST--
tagClient adds a tag (once), untagClient removes one (false if absent), clearTagClient removes all, getTags lists a connection's tags
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

function tags(string $id): string
{
    $t = frankenphp_ws_getTags($id);
    sort($t);
    return json_encode($t);
}

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];

echo 'none: ', tags($id), "\n";
var_dump(frankenphp_ws_tagClient($id, 'vip'));
var_dump(frankenphp_ws_tagClient($id, 'lang:fr'));
var_dump(frankenphp_ws_tagClient($id, 'vip'));
echo 'tagged: ', tags($id), "\n";
var_dump(frankenphp_ws_untagClient($id, 'vip'));
var_dump(frankenphp_ws_untagClient($id, 'vip'));
var_dump(frankenphp_ws_untagClient($id, 'never'));
echo 'untagged: ', tags($id), "\n";
frankenphp_ws_tagClient($id, 'a');
frankenphp_ws_tagClient($id, 'b');
var_dump(frankenphp_ws_clearTagClient($id));
echo 'cleared: ', tags($id), "\n";
echo 'count: ', frankenphp_ws_getTagCount('a'), "\n";
?>
--EXPECT--
none: []
bool(true)
bool(true)
bool(true)
tagged: ["lang:fr","vip"]
bool(true)
bool(false)
bool(false)
untagged: ["lang:fr"]
bool(true)
cleared: []
count: 0
