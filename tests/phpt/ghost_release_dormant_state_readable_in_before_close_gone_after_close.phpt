--TEST--
Releasing a dormant ghost: its tags, stored information and subscriptions are readable while ghostConnectionClose and beforeClose are handled, and gone once close is fetched
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

function state(string $id): string
{
    return 'tags=' . json_encode(frankenphp_ws_getTags($id))
        . ' info=' . json_encode(frankenphp_ws_getStoredInformation($id, 'name'))
        . ' subs=' . json_encode(frankenphp_ws_getSubscriptions($id));
}

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_tagClient($id, 'vip');
frankenphp_ws_setStoredInformation($id, 'name', 'Alice');
frankenphp_ws_subscribe($id, 'news');
wait_event('join');
frankenphp_ws_activateGhost($id);
$client->closeSocket();
usleep(200000);

frankenphp_ws_releaseGhost($id);
echo wait_event('ghostConnectionClose', 3, $id)['type'], ': ', state($id), "\n";
echo wait_event('beforeClose', 3, $id)['type'], ': ', state($id), "\n";
echo wait_event('close', 3, $id)['type'], ': ', state($id), "\n";
echo 'channels: ', json_encode(frankenphp_ws_getChannels()), "\n";
echo 'tags in use: ', json_encode(frankenphp_ws_getTags()), "\n";
?>
--EXPECT--
ghostConnectionClose: tags=["vip"] info="Alice" subs=["news"]
beforeClose: tags=["vip"] info="Alice" subs=["news"]
close: tags=[] info="" subs=[]
channels: []
tags in use: []
