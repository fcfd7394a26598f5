<?php
// The worker script the thread host (host.c) runs in every thread at once, as FrankenPHP runs
// a worker script per thread. Each thread starts the server (the first start starts it, the
// others get the same one) and loops on frankenphp_ws_get_event(). What a client sends says
// what to do:
//   "m:…"    recorded, and answered "ack:THREAD:…"
//   "stress" every state function and broadcast() for a while, answered "stressed:THREAD:N"
//   "check:ID,ID…"  how many of these closed connections still have state: "checked:THREAD:N"
//   "quit"   answered "quitting:THREAD", then this thread's script ends (the others go on)
// It prints one JSON line when it started (echo: the embed SAPI has no STDOUT constant). At the
// end it writes what it received, and how many events of each type, to RESULTS/thread-N.json
// ($argv[2]; a file, since a long line from one thread could mix with another's).
$thread = (int) $argv[1];
$started = frankenphp_ws_start();
// One echo, one write: lines of threads printing at once do not mix.
echo json_encode(['thread' => $thread, 'started' => $started]) . "\n";

$messages = [];
$counts = [];
$stressOps = 0;

/**
 * Every kind of state call, for $seconds, on names all threads share (a channel, a tag, a
 * stored key, a global key) so that threads change the same objects at once, plus this
 * connection's own identity (renamed away and back), ghost, ping and queue settings.
 */
function stress(string $id, int $thread, float $seconds): int
{
    $ops = 0;
    $until = microtime(true) + $seconds;
    while (microtime(true) < $until) {
        frankenphp_ws_subscribe($id, 'stress-shared');
        broadcast('stress-shared', "s$thread");
        getChannelUsers('stress-shared');
        frankenphp_ws_unsubscribe($id, 'stress-shared');
        frankenphp_ws_denySubscription($id, 'private-stress');
        frankenphp_ws_tagClient($id, 'shared');
        frankenphp_ws_getClientsByTag('shared');
        frankenphp_ws_getTagCount('shared');
        frankenphp_ws_sendToTag('shared', "tag$thread");
        frankenphp_ws_getClientsByTagExpression('shared & !nobody');
        frankenphp_ws_sendToTagExpression('shared | nobody', "expr$thread");
        frankenphp_ws_untagClient($id, 'shared');
        frankenphp_ws_clearTagClient($id);
        frankenphp_ws_setStoredInformation($id, 'shared', (string) $ops);
        frankenphp_ws_getStoredInformation($id, 'shared');
        frankenphp_ws_hasStoredInformation($id, 'shared');
        frankenphp_ws_searchStoredInformation('shared', FRANKENPHP_WS_OP_PREFIX, '1');
        frankenphp_ws_deleteStoredInformation($id, 'shared');
        frankenphp_ws_listStoredInformationKeys($id);
        frankenphp_ws_global_set('shared', (string) $ops);
        frankenphp_ws_global_get('shared');
        frankenphp_ws_global_has('shared');
        frankenphp_ws_global_delete('shared');
        frankenphp_ws_getClients();
        frankenphp_ws_getClientsCount();
        frankenphp_ws_getChannels();
        frankenphp_ws_getSubscriptions($id);
        frankenphp_ws_getTags($id);
        frankenphp_ws_listRoutes();
        frankenphp_ws_getUserConnections('nobody');
        frankenphp_ws_getPresence('nobody');
        broadcastToUser('nobody', 'x');
        frankenphp_ws_enablePing($id, 60000);
        frankenphp_ws_getClientPingTime($id);
        frankenphp_ws_disablePing($id);
        frankenphp_ws_enableQueueCounter($id, 10);
        frankenphp_ws_getClientMessageCounter($id);
        frankenphp_ws_getClientMessageQueue($id);
        frankenphp_ws_clearClientMessageQueue($id);
        frankenphp_ws_disableQueueCounter($id);
        frankenphp_ws_isGhost($id);
        frankenphp_ws_renameConnection($id, "$id-renamed");
        frankenphp_ws_renameConnection("$id-renamed", $id);
        $ops += 43;
    }
    return $ops;
}

$beforeClose = ['state readable' => 0, 'state missing' => 0];
while (true) {
    $event = frankenphp_ws_get_event(1.0);
    if ($event === null) {
        continue;
    }
    $type = $event['type'];
    $counts[$type] = ($counts[$type] ?? 0) + 1;
    $id = $event['connection'] ?? null;
    if ($type === 'open') {
        frankenphp_ws_subscribe($id, 'room');
        frankenphp_ws_setStoredInformation($id, 'opened_by', (string) $thread);
        frankenphp_ws_send($id, "welcome:$thread:$id");
        continue;
    }
    if ($type === 'beforeClose') {
        // Still readable here, and for as long as this thread handles it, even when another
        // thread takes the connection's close meanwhile (the sleep gives it the time to).
        $readable = static fn () => frankenphp_ws_getSubscriptions($id) === ['room']
            && frankenphp_ws_getStoredInformation($id, 'opened_by') !== '';
        $first = $readable();
        usleep(20000);
        $beforeClose[$first && $readable() ? 'state readable' : 'state missing']++;
        continue;
    }
    if ($type !== 'message') {
        continue;
    }
    $data = $event['payload'];
    if (str_starts_with($data, 'm:')) {
        $messages[] = $data;
        frankenphp_ws_send($id, "ack:$thread:$data");
    } elseif ($data === 'stress') {
        $ops = stress($id, $thread, 0.3);
        $stressOps += $ops;
        frankenphp_ws_send($id, "stressed:$thread:$ops");
    } elseif (str_starts_with($data, 'check:')) {
        // The connections named, closed a while ago: is any state of theirs left?
        $left = 0;
        foreach (explode(',', substr($data, 6)) as $closed) {
            if (frankenphp_ws_getSubscriptions($closed) !== []
                || frankenphp_ws_getStoredInformation($closed, 'opened_by') !== '') {
                $left++;
            }
        }
        frankenphp_ws_send($id, "checked:$thread:$left");
    } elseif ($data === 'quit') {
        frankenphp_ws_send($id, "quitting:$thread");
        break;
    }
}

file_put_contents($argv[2] . "/thread-$thread.json", json_encode([
    'thread' => $thread,
    'messages' => $messages,
    'counts' => $counts,
    'stress_ops' => $stressOps,
    'before_close' => $beforeClose,
]));
