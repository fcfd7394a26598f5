<?php

// Stubs for frankenphp_ws

namespace FrankenPhpWs {
    /**
     * Thrown when a process that hosts no server cannot reach the one that does.
     */
    class ServerUnreachableException extends \RuntimeException {
        public function __construct() {}
    }
}

namespace {
    const FRANKENPHP_WS_OP_CONTAINS = 'contains';

    const FRANKENPHP_WS_OP_EQ = 'eq';

    const FRANKENPHP_WS_OP_ICONTAINS = 'icontains';

    const FRANKENPHP_WS_OP_IEQ = 'ieq';

    const FRANKENPHP_WS_OP_IPREFIX = 'iprefix';

    const FRANKENPHP_WS_OP_ISUFFIX = 'isuffix';

    const FRANKENPHP_WS_OP_NEQ = 'neq';

    const FRANKENPHP_WS_OP_PREFIX = 'prefix';

    const FRANKENPHP_WS_OP_REGEX = 'regex';

    const FRANKENPHP_WS_OP_SUFFIX = 'suffix';

    /**
     * Publishes `$message` to every client subscribed to `$channel`, on every node; as a binary
     * frame when `$binary` (or when it is not UTF-8), else as text.
     *
     * @param string $channel
     * @param string $message
     * @param bool $binary
     * @return void
     */
    function broadcast(string $channel, string $message, bool $binary = false): void {}

    /**
     * Sends `$message` to every connection of a user (the id its handshake authentication gave,
     * or a Pusher client's sign-in).
     *
     * @param int|string $userId
     * @param string $message
     * @param bool $binary
     * @return void
     */
    function broadcastToUser(mixed $userId, string $message, bool $binary = false): void {}

    /**
     * Closes every connection of a user (1000, reason `killed`); returns how many.
     *
     * @param int|string $userId
     * @return int
     */
    function disconnectUser(mixed $userId): int {}

    /**
     * Marks a connection as a ghost: if its client disconnects, nothing is reported and its
     * state stays (it is dormant) until a client resumes it or it is released.
     *
     * @param string $connectionId
     * @return bool
     */
    function frankenphp_ws_activateGhost(string $connectionId): bool {}

    /**
     * Forgets the kept messages (the counter goes on).
     *
     * @param string $connectionId
     * @return bool
     */
    function frankenphp_ws_clearClientMessageQueue(string $connectionId): bool {}

    /**
     * Deletes every stored key of a connection.
     *
     * @param string $connectionId
     * @return bool
     */
    function frankenphp_ws_clearStoredInformation(string $connectionId): bool {}

    /**
     * Removes every tag of a connection.
     *
     * @param string $connectionId
     * @return bool
     */
    function frankenphp_ws_clearTagClient(string $connectionId): bool {}

    /**
     * Deletes `$key`; false if it was absent.
     *
     * @param string $connectionId
     * @param string $key
     * @return bool
     */
    function frankenphp_ws_deleteStoredInformation(string $connectionId, string $key): bool {}

    /**
     * Refuses a client's pending request for a protected channel (a `subscribe` event): the client
     * gets an `error` reply with `$reason`. False if no such request is pending.
     *
     * @param string $connectionId
     * @param string $channel
     * @param string $reason
     * @return bool
     */
    function frankenphp_ws_denySubscription(string $connectionId, string $channel, string $reason = ''): bool {}

    /**
     * Stops the pings of `enablePing` (the server's heartbeat goes on).
     *
     * @param string $connectionId
     * @return bool
     */
    function frankenphp_ws_disablePing(string $connectionId): bool {}

    /**
     * Stops counting and forgets the kept messages.
     *
     * @param string $connectionId
     * @return bool
     */
    function frankenphp_ws_disableQueueCounter(string $connectionId): bool {}

    /**
     * Pings the client every `$intervalMs` (0: once, now) and records the round trip.
     *
     * @param string $connectionId
     * @param int $intervalMs
     * @return bool
     */
    function frankenphp_ws_enablePing(string $connectionId, int $intervalMs = 0): bool {}

    /**
     * Counts the messages sent to a connection from now on and keeps the last `$maxMessages`
     * of them for `$maxTimeSeconds`.
     *
     * @param string $connectionId
     * @param int $maxMessages
     * @param int $maxTimeSeconds
     * @return bool
     */
    function frankenphp_ws_enableQueueCounter(string $connectionId, int $maxMessages = 100, int $maxTimeSeconds = 3600): bool {}

    /**
     * How many connections are subscribed to `$channel`, on every node.
     *
     * @param string $channel
     * @return int
     */
    function frankenphp_ws_getChannelCount(string $channel): int {}

    /**
     * Channels with at least one subscriber on this node.
     *
     * @return array
     */
    function frankenphp_ws_getChannels(): array {}

    /**
     * Messages sent to the connection since the counter was enabled.
     *
     * @param string $connectionId
     * @return int
     */
    function frankenphp_ws_getClientMessageCounter(string $connectionId): int {}

    /**
     * The kept messages, oldest first: `['id' => int, 'time' => int, 'data' => string]`.
     *
     * @param string $connectionId
     * @return array
     */
    function frankenphp_ws_getClientMessageQueue(string $connectionId): array {}

    /**
     * The last ping round trip in nanoseconds; 0 if none yet.
     *
     * @param string $connectionId
     * @return int
     */
    function frankenphp_ws_getClientPingTime(string $connectionId): int {}

    /**
     * Ids of the open connections (of `$route`, when given), dormant ghosts included.
     *
     * @param string|null $route
     * @return array
     */
    function frankenphp_ws_getClients(?string $route = null): array {}

    /**
     * Ids of the connections with this tag.
     *
     * @param string $tag
     * @return array
     */
    function frankenphp_ws_getClientsByTag(string $tag): array {}

    /**
     * Ids of the connections a tag expression selects.
     *
     * @param string $expression
     * @return array
     */
    function frankenphp_ws_getClientsByTagExpression(string $expression): array {}

    /**
     * Number of open connections (of `$route`, when given), dormant ghosts included.
     *
     * @param string|null $route
     * @return int
     */
    function frankenphp_ws_getClientsCount(?string $route = null): int {}

    /**
     * A user's presence: the most available status of its connections; `offline` without any.
     *
     * @param int|string $userId
     * @return string
     */
    function frankenphp_ws_getPresence(mixed $userId): string {}

    /**
     * The secret a client passes as `?resume=TOKEN` to take this ghost back once dormant; a
     * new one after each takeover. Null for an unknown connection.
     *
     * @param string $connectionId
     * @return string|null
     */
    function frankenphp_ws_getResumeToken(string $connectionId): ?string {}

    /**
     * The value stored under `$key`, or `''` when absent.
     *
     * @param string $connectionId
     * @param string $key
     * @return string
     */
    function frankenphp_ws_getStoredInformation(string $connectionId, string $key): string {}

    /**
     * The channels a connection is subscribed to (readable during `beforeClose`).
     *
     * @param string $connectionId
     * @return array
     */
    function frankenphp_ws_getSubscriptions(string $connectionId): array {}

    /**
     * Number of connections with this tag.
     *
     * @param string $tag
     * @return int
     */
    function frankenphp_ws_getTagCount(string $tag): int {}

    /**
     * The tags of a connection; without an id, every tag in use.
     *
     * @param string|null $connectionId
     * @return array
     */
    function frankenphp_ws_getTags(?string $connectionId = null): array {}

    /**
     * Ids of a user's connections.
     *
     * @param int|string $userId
     * @return array
     */
    function frankenphp_ws_getUserConnections(mixed $userId): array {}

    /**
     * The next event, waiting at most `$timeout` seconds; null if none came.
     *
     * @param float $timeout
     * @return array|null
     */
    function frankenphp_ws_get_event(float $timeout = 0.0): ?array {}

    /**
     * Deletes a process-wide value; false if it was absent.
     *
     * @param string $key
     * @return bool
     */
    function frankenphp_ws_global_delete(string $key): bool {}

    /**
     * A process-wide value, or `''` when absent or expired.
     *
     * @param string $key
     * @return string
     */
    function frankenphp_ws_global_get(string $key): string {}

    /**
     * Whether a process-wide value exists and has not expired.
     *
     * @param string $key
     * @return bool
     */
    function frankenphp_ws_global_has(string $key): bool {}

    /**
     * Stores a process-wide value (any bytes); `$expireSeconds` of 0 keeps it until deleted.
     *
     * @param string $key
     * @param string $value
     * @param int $expireSeconds
     * @return void
     */
    function frankenphp_ws_global_set(string $key, string $value, int $expireSeconds = 0): void {}

    /**
     * Whether `$key` is stored on a connection.
     *
     * @param string $connectionId
     * @param string $key
     * @return bool
     */
    function frankenphp_ws_hasStoredInformation(string $connectionId, string $key): bool {}

    /**
     * Whether the connection is a ghost (dormant or not).
     *
     * @param string $connectionId
     * @return bool
     */
    function frankenphp_ws_isGhost(string $connectionId): bool {}

    /**
     * Closes a connection for good, ghost or not: 1000, reason `killed`. False for an unknown id.
     *
     * @param string $connectionId
     * @return bool
     */
    function frankenphp_ws_killConnection(string $connectionId): bool {}

    /**
     * Routes (request paths) that have at least one open connection.
     *
     * @return array
     */
    function frankenphp_ws_listRoutes(): array {}

    /**
     * The stored keys of a connection, sorted.
     *
     * @param string $connectionId
     * @return array
     */
    function frankenphp_ws_listStoredInformationKeys(string $connectionId): array {}

    /**
     * What a Pusher client's channel authorization endpoint answers, as JSON: `auth` (the key and
     * the HMAC-SHA256 of `socket_id:channel`, with `:channelData` on a presence channel) and, for
     * a presence channel, `channel_data` (JSON with a `user_id`).
     *
     * @param string $socketId
     * @param string $channel
     * @param string|null $channelData
     * @return string
     */
    function frankenphp_ws_pusherAuthorizeChannel(string $socketId, string $channel, ?string $channelData = null): string {}

    /**
     * The signed query string for a Pusher HTTP API request (`auth_key`, `auth_timestamp`,
     * `auth_version`, `body_md5` and `auth_signature` added to `$params`), as the Pusher SDKs
     * sign it: send `$method $path?<this>` with `$body`.
     *
     * @param string $method
     * @param string $path
     * @param string|null $body
     * @param array|null $params
     * @return string
     */
    function frankenphp_ws_pusherSignRequest(string $method, string $path, ?string $body = null, ?array $params = null): string {}

    /**
     * Clears the ghost mark. A dormant ghost then ends: `ghostConnectionClose`, `beforeClose`,
     * `close`. False if the connection was not a ghost.
     *
     * @param string $connectionId
     * @return bool
     */
    function frankenphp_ws_releaseGhost(string $connectionId): bool {}

    /**
     * Gives a connection a new id, with all its state; false if `$newId` is taken.
     *
     * @param string $currentId
     * @param string $newId
     * @return bool
     */
    function frankenphp_ws_renameConnection(string $currentId, string $newId): bool {}

    /**
     * Ids of the connections whose `$key` compares with `$value` by `$op` (a
     * `FRANKENPHP_WS_OP_*` constant). An unknown operator or a bad regex throws.
     *
     * @param string $key
     * @param string $op
     * @param string $value
     * @param string|null $route
     * @return array
     */
    function frankenphp_ws_searchStoredInformation(string $key, string $op, string $value, ?string $route = null): array {}

    /**
     * Sends `$data` to one connection (only if its route is `$route`, when given). False for an
     * unknown or closed connection.
     *
     * @param string $connectionId
     * @param string $data
     * @param string|null $route
     * @return bool
     */
    function frankenphp_ws_send(string $connectionId, string $data, ?string $route = null): bool {}

    /**
     * Sends `$data` to every connection (of `$route`, when given); returns how many. A binary
     * frame when `$binary`.
     *
     * @param string $data
     * @param string|null $route
     * @param bool $binary
     * @return int
     */
    function frankenphp_ws_sendAll(string $data, ?string $route = null, bool $binary = false): int {}

    /**
     * Sends `$data` to one connection as a binary frame.
     *
     * @param string $connectionId
     * @param string $data
     * @return bool
     */
    function frankenphp_ws_sendBinary(string $connectionId, string $data): bool {}

    /**
     * Sends `$data` to every connection with this tag (of `$route`, when given); returns how many.
     * A binary frame when `$binary`.
     *
     * @param string $tag
     * @param string $data
     * @param string|null $route
     * @param bool $binary
     * @return int
     */
    function frankenphp_ws_sendToTag(string $tag, string $data, ?string $route = null, bool $binary = false): int {}

    /**
     * Sends `$data` to the connections a tag expression selects (`&`, `|`, `!`, parentheses,
     * `*` wildcards); returns how many. A malformed expression throws, naming the position.
     *
     * @param string $expression
     * @param string $data
     * @param string|null $route
     * @param bool $binary
     * @return int
     */
    function frankenphp_ws_sendToTagExpression(string $expression, string $data, ?string $route = null, bool $binary = false): int {}

    /**
     * Sets a connection's presence: `online`, `away`, `busy` or `offline`.
     *
     * @param string $connectionId
     * @param string $status
     * @return bool
     */
    function frankenphp_ws_setPresence(string $connectionId, string $status): bool {}

    /**
     * Stores `$value` (any bytes) under `$key` on a connection.
     *
     * @param string $connectionId
     * @param string $key
     * @param string $value
     * @return bool
     */
    function frankenphp_ws_setStoredInformation(string $connectionId, string $key, string $value): bool {}

    /**
     * Starts the server in this process; returns the bound addresses.
     *
     * @param array|null $options
     * @return array
     */
    function frankenphp_ws_start(?array $options = null): array {}

    /**
     * Stops the server within a bounded time. Every client is closed with 1001, unless
     * `handoff` (`$options['handoff']`, default: the `stop_handoff` directive) hands those with a
     * resume token to the other nodes first (closed with 1012): their clients resume there.
     *
     * @param array|null $options
     * @return void
     */
    function frankenphp_ws_stop(?array $options = null): void {}

    /**
     * Subscribes a connection to a channel. This is how the worker grants a protected channel a
     * client asked for (a `subscribe` event): the client then gets `subscribed`.
     *
     * @param string $connectionId
     * @param string $channel
     * @return bool
     */
    function frankenphp_ws_subscribe(string $connectionId, string $channel): bool {}

    /**
     * Adds a tag to a connection.
     *
     * @param string $connectionId
     * @param string $tag
     * @return bool
     */
    function frankenphp_ws_tagClient(string $connectionId, string $tag): bool {}

    /**
     * Sends the named event `$event` with `$data` to every subscriber of `$channels` (one name,
     * or a list of up to 100), on every node, except the connection `$exceptConnection`. Native
     * and Pusher clients alike receive `{"event":…,"channel":…,"data":…}`.
     *
     * @param mixed $channels
     * @param string $event
     * @param string $data
     * @param string|null $exceptConnection
     * @return void
     */
    function frankenphp_ws_trigger(mixed $channels, string $event, string $data, ?string $exceptConnection = null): void {}

    /**
     * Unsubscribes a connection from a channel; false if it was not subscribed.
     *
     * @param string $connectionId
     * @param string $channel
     * @return bool
     */
    function frankenphp_ws_unsubscribe(string $connectionId, string $channel): bool {}

    /**
     * Removes a tag from a connection; false if it did not have it.
     *
     * @param string $connectionId
     * @param string $tag
     * @return bool
     */
    function frankenphp_ws_untagClient(string $connectionId, string $tag): bool {}

    /**
     * Distinct user ids subscribed to `$channel`.
     *
     * @param string $channel
     * @return array
     */
    function getChannelUsers(string $channel): array {}
}
