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
    /**
     * Publishes `$message` to every client subscribed to `$channel`, on every node.
     *
     * @param string $channel
     * @param string $message
     * @return void
     */
    function broadcast(string $channel, string $message): void {}

    /**
     * Channels with at least one subscriber on this node.
     *
     * @return array
     */
    function frankenphp_ws_getChannels(): array {}

    /**
     * Ids of the open connections (of `$route`, when given).
     *
     * @param string|null $route
     * @return array
     */
    function frankenphp_ws_getClients(?string $route = null): array {}

    /**
     * Number of open connections (of `$route`, when given).
     *
     * @param string|null $route
     * @return int
     */
    function frankenphp_ws_getClientsCount(?string $route = null): int {}

    /**
     * The channels a connection is subscribed to (readable during `beforeClose`).
     *
     * @param string $connectionId
     * @return array
     */
    function frankenphp_ws_getSubscriptions(string $connectionId): array {}

    /**
     * The next event, waiting at most `$timeout` seconds; null if none came.
     *
     * @param float $timeout
     * @return array|null
     */
    function frankenphp_ws_get_event(float $timeout = 0.0): ?array {}

    /**
     * Closes a connection with 1000, reason `killed`. False for an unknown id.
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
     * Sends `$data` to every connection (of `$route`, when given); returns how many.
     *
     * @param string $data
     * @param string|null $route
     * @return int
     */
    function frankenphp_ws_sendAll(string $data, ?string $route = null): int {}

    /**
     * Sends `$data` to one connection as a binary frame.
     *
     * @param string $connectionId
     * @param string $data
     * @return bool
     */
    function frankenphp_ws_sendBinary(string $connectionId, string $data): bool {}

    /**
     * Starts the server in this process (api.md 2); returns the bound addresses.
     *
     * @param array|null $options
     * @return array
     */
    function frankenphp_ws_start(?array $options = null): array {}

    /**
     * Closes every client with 1001 and stops the server within a bounded time.
     *
     * @return void
     */
    function frankenphp_ws_stop(): void {}

    /**
     * Subscribes a connection to a channel (this also grants protected channels).
     *
     * @param string $connectionId
     * @param string $channel
     * @return bool
     */
    function frankenphp_ws_subscribe(string $connectionId, string $channel): bool {}

    /**
     * Unsubscribes a connection from a channel; false if it was not subscribed.
     *
     * @param string $connectionId
     * @param string $channel
     * @return bool
     */
    function frankenphp_ws_unsubscribe(string $connectionId, string $channel): bool {}
}
