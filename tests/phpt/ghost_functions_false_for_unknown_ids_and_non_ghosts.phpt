--TEST--
Ghost functions on an unknown id give false (getResumeToken null), never an exception; releaseGhost and isGhost are false for a connection that is not a ghost
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];

var_dump(frankenphp_ws_activateGhost('no-such-connection'));
var_dump(frankenphp_ws_releaseGhost('no-such-connection'));
var_dump(frankenphp_ws_isGhost('no-such-connection'));
var_dump(frankenphp_ws_getResumeToken('no-such-connection'));
echo "-- not a ghost\n";
var_dump(frankenphp_ws_isGhost($id));
var_dump(frankenphp_ws_releaseGhost($id));
echo "-- released once already\n";
var_dump(frankenphp_ws_activateGhost($id));
var_dump(frankenphp_ws_releaseGhost($id));
var_dump(frankenphp_ws_releaseGhost($id));
var_dump(frankenphp_ws_isGhost($id));
echo 'events: ', count(drain_events(0.2)), "\n";
?>
--EXPECT--
bool(false)
bool(false)
bool(false)
NULL
-- not a ghost
bool(false)
bool(false)
-- released once already
bool(true)
bool(true)
bool(false)
bool(false)
events: 0
