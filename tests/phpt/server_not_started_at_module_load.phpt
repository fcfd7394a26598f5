--TEST--
The server is not started at module load, only by the first frankenphp_ws_get_event() (with the INI settings)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$listen = free_port();
$admin = free_port();
$child = spawn_php(<<<'PHP'
    function listening(int $port): bool {
        $s = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 1);
        if ($s === false) {
            return false;
        }
        fclose($s);
        return true;
    }
    $port = (int) substr(strrchr(ini_get('frankenphp_ws.listen'), ':'), 1);
    $aport = (int) substr(strrchr(ini_get('frankenphp_ws.admin_listen'), ':'), 1);
    echo 'before: ws=', var_export(listening($port), true), ' admin=', var_export(listening($aport), true), "\n";
    var_dump(frankenphp_ws_get_event(0));
    echo 'after: ws=', var_export(listening($port), true), ' admin=', var_export(listening($aport), true), "\n";
    PHP, ['frankenphp_ws.listen' => "127.0.0.1:$listen", 'frankenphp_ws.admin_listen' => "127.0.0.1:$admin"]);
echo read_line($child), "\n", read_line($child), "\n", read_line($child), "\n";
echo 'exit: ', end_php($child), "\n";
?>
--EXPECT--
before: ws=false admin=false
NULL
after: ws=true admin=true
exit: 0
