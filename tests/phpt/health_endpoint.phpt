--TEST--
GET /health answers 200 with JSON
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
$r = admin_request('GET', '/health');
var_dump($r['status'], str_contains($r['headers']['content-type'] ?? '', 'json'), is_array($r['json']));
?>
--EXPECT--
int(200)
bool(true)
bool(true)
