--TEST--
frankenphp_ws_pusherAuthorizeChannel() answers a Pusher auth request with the signature Pusher's documentation gives, and channel_data for presence; bad arguments throw InvalidArgumentException
--EXTENSIONS--
frankenphp_ws
--INI--
frankenphp_ws.pusher_app_id=1
frankenphp_ws.pusher_key=278d425bdf160c739803
frankenphp_ws.pusher_secret=7ad3773142a6692b25b8
--FILE--
<?php
// Pusher's worked example: socket 1234.1234 on private-foobar.
echo frankenphp_ws_pusherAuthorizeChannel('1234.1234', 'private-foobar'), "\n";
$presence = json_decode(frankenphp_ws_pusherAuthorizeChannel(
    '1234.1234', 'presence-room', '{"user_id":7,"user_info":{"name":"Ann"}}'), true);
echo $presence['channel_data'], "\n";
echo $presence['auth'] === '278d425bdf160c739803:' . hash_hmac('sha256',
    '1234.1234:presence-room:{"user_id":7,"user_info":{"name":"Ann"}}', '7ad3773142a6692b25b8')
    ? "presence signed over socket_id:channel:channel_data\n" : "wrong presence signature\n";
foreach ([
    'public channel' => ['1234.1234', 'news'],
    'bad socket id' => ['abc', 'private-foobar'],
    'presence without data' => ['1234.1234', 'presence-room'],
    'presence without user_id' => ['1234.1234', 'presence-room', '{"user_info":{}}'],
    'data on a private channel' => ['1234.1234', 'private-foobar', '{"user_id":1}'],
    'encrypted channel' => ['1234.1234', 'private-encrypted-x'],
] as $case => $args) {
    try {
        frankenphp_ws_pusherAuthorizeChannel(...$args);
        echo "$case: no exception\n";
    } catch (InvalidArgumentException $e) {
        echo "$case: ", $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
{"auth":"278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"}
{"user_id":7,"user_info":{"name":"Ann"}}
presence signed over socket_id:channel:channel_data
public channel: $channel must be a private- or presence- channel (public channels need no authorization), got "news"
bad socket id: $socketId must be the client's socket_id (digits.digits), got "abc"
presence without data: $channelData is required on a presence- channel: JSON with a user_id (and user_info)
presence without user_id: $channelData must be JSON with a user_id (a string or a number)
data on a private channel: $channelData is for presence- channels only
encrypted channel: private-encrypted- channels need the shared secret only the Pusher SDKs derive from the encryption master key: authorize them with the SDK
