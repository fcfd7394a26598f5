--TEST--
GET /stats gives JSON with connections, users, rooms, room_list and integer counters that follow the traffic
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
$r = admin_request('GET', '/stats');
$s = $r['json'];
echo "status {$r['status']}: connections={$s['connections']} users={$s['users']} rooms={$s['rooms']} room_list=", json_encode($s['room_list']), "\n";
$counters = array_diff_key($s, array_flip(['node', 'connections', 'users', 'rooms', 'room_list', 'ops']));
echo 'has counters: ', var_export(count($counters) > 0, true), ', all integers: ',
    var_export(count(array_filter($counters, 'is_int')) === count($counters), true), "\n";

[$a, $oa] = ws_connect();
[$b, $ob] = ws_connect();
foreach ([[$a, 'news'], [$a, 'sport'], [$b, 'news']] as [$client, $channel]) {
    $client->sendJson(['action' => 'subscribe', 'channel' => $channel]);
    $client->expectJson();
    wait_event('join');
}
$a->send('hello');
wait_event('message');
broadcast('news', 'x');
$a->expectText();
$b->expectText();

$s2 = admin_request('GET', '/stats')['json'];
$rooms = $s2['room_list'];
sort($rooms);
echo "connections={$s2['connections']} users={$s2['users']} rooms={$s2['rooms']} room_list=", json_encode($rooms), "\n";
// Counters only grow, and some did.
$grew = 0;
foreach ($counters as $k => $v) {
    if ($s2[$k] < $v && $k !== 'events_pending') {
        echo "counter $k went down\n";
    }
    $grew += $s2[$k] > $v ? 1 : 0;
}
echo 'some counters grew: ', var_export($grew > 0, true), "\n";
?>
--EXPECT--
status 200: connections=0 users=0 rooms=0 room_list=[]
has counters: true, all integers: true
connections=2 users=0 rooms=2 room_list=["news","sport"]
some counters grew: true
