--TEST--
With tls_cert and tls_key (PEM) the listener serves wss://: a client that trusts the certificate talks WebSocket over TLS; plain ws:// to it gets no answer
--EXTENSIONS--
frankenphp_ws
openssl
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

// A self-signed certificate for the test's own name.
$dir = sys_get_temp_dir() . '/fws-tls-' . getmypid();
@mkdir($dir);
$key = openssl_pkey_new(['private_key_type' => OPENSSL_KEYTYPE_EC, 'curve_name' => 'prime256v1']);
$csr = openssl_csr_new(['commonName' => 'frankenphp-ws-test'], $key, ['digest_alg' => 'sha256']);
$cert = openssl_csr_sign($csr, null, $key, 1, ['digest_alg' => 'sha256']);
openssl_x509_export_to_file($cert, "$dir/cert.pem");
openssl_pkey_export_to_file($key, "$dir/key.pem");

$bound = ws_start(['tls_cert' => "$dir/cert.pem", 'tls_key' => "$dir/key.pem"]);
WsClient::$tls = ['cafile' => "$dir/cert.pem", 'peer_name' => 'frankenphp-ws-test', 'verify_peer' => true];
$client = WsClient::connect('wss://' . $bound['listen'] . '/ws?via=tls');
$open = wait_event('open');
echo 'open over TLS, query via=', $open['query']['via'], "\n";
$client->sendJson(['action' => 'subscribe', 'channel' => 'secure']);
echo $client->expectText(), "\n";
broadcast('secure', 'over tls');
echo $client->expectText(), "\n";
$client->send('hello');
echo ev(wait_event('message')), "\n";

// Plain WebSocket to the TLS port: the handshake never completes.
try {
    WsClient::connect('ws://' . $bound['listen'] . '/ws', [], 1.0);
    echo "plain ws accepted?!\n";
} catch (RuntimeException $e) {
    echo "plain ws: refused\n";
}
array_map('unlink', glob("$dir/*"));
rmdir($dir);
?>
--EXPECT--
open over TLS, query via=tls
{"event":"subscribed","channel":"secure"}
over tls
message route='/ws' binary=false payload='hello'
plain ws: refused
