--TEST--
frankenphp_ws_pusherSignRequest() signs method, path and the sorted raw query with body_md5, and returns the values percent-encoded; bad arguments throw InvalidArgumentException
--EXTENSIONS--
frankenphp_ws
--INI--
frankenphp_ws.pusher_app_id=1
frankenphp_ws.pusher_key=key
frankenphp_ws.pusher_secret=secret
--FILE--
<?php
$body = '{"name":"e","channel":"a","data":"x"}';
$query = frankenphp_ws_pusherSignRequest('post', '/apps/1/events', $body, ['zeta' => 'a b&c=d', 'alpha' => 7]);
parse_str($query, $params);
echo "sent encoded: ", var_export(str_contains($query, 'zeta=a%20b%26c%3Dd'), true), "\n";
echo "body_md5: ", var_export($params['body_md5'] === md5($body), true), "\n";
$signature = $params['auth_signature'];
unset($params['auth_signature']);
ksort($params);
$signed = implode('&', array_map(fn($k, $v) => "$k=$v", array_keys($params), $params));
echo "signed: ", var_export(hash_hmac('sha256', "POST\n/apps/1/events\n$signed", 'secret') === $signature, true), "\n";
echo "keys: ", implode(',', array_keys($params)), "\n";
foreach ([
    'method' => ['DELETE', '/apps/1/events'],
    'path' => ['GET', '/apps/1/channels?x=1'],
    'reserved key' => ['GET', '/apps/1/channels', null, ['Auth_Key' => 'k']],
    'key not UTF-8' => ['GET', '/apps/1/channels', null, ["a\xffb" => 'v']],
    'value not UTF-8' => ['GET', '/apps/1/channels', null, ['a' => "\xff"]],
] as $case => $args) {
    try {
        frankenphp_ws_pusherSignRequest(...$args);
        echo "$case: no exception\n";
    } catch (InvalidArgumentException $e) {
        echo "$case: ", $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
sent encoded: true
body_md5: true
signed: true
keys: alpha,auth_key,auth_timestamp,auth_version,body_md5,zeta
method: $method must be GET or POST (the Pusher HTTP API's methods), got "DELETE"
path: $path must be the request's path, starting with '/', without query or spaces (such as /apps/ID/events), got "/apps/1/channels?x=1"
reserved key: $params: Auth_Key is added by the signature; leave it out
key not UTF-8: $params: every key must be UTF-8 text
value not UTF-8: $params[a] must be UTF-8 text
