--TEST--
frankenphp_ws.* directives are set with -d / php.ini (readable with ini_get()) but not changeable with ini_set()
--EXTENSIONS--
frankenphp_ws
--INI--
frankenphp_ws.path=/custom
frankenphp_ws.ping_interval=7
frankenphp_ws.allowed_origins=https://a.example https://b.example
--FILE--
<?php
var_dump(ini_get('frankenphp_ws.path'), ini_get('frankenphp_ws.ping_interval'), ini_get('frankenphp_ws.allowed_origins'));
var_dump(ini_set('frankenphp_ws.path', '/other'));
var_dump(ini_get('frankenphp_ws.path'));
?>
--EXPECT--
string(7) "/custom"
string(1) "7"
string(35) "https://a.example https://b.example"
bool(false)
string(7) "/custom"
