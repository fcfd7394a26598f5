--TEST--
The extension declares the documented functions (names, parameter names, defaults, return types) and FrankenPhpWs\ServerUnreachableException
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
$functions = [
    'frankenphp_ws_start', 'frankenphp_ws_stop', 'frankenphp_ws_get_event', 'broadcast',
    'frankenphp_ws_send', 'frankenphp_ws_sendBinary', 'frankenphp_ws_sendAll',
    'frankenphp_ws_getClients', 'frankenphp_ws_getClientsCount', 'frankenphp_ws_killConnection',
    'frankenphp_ws_listRoutes', 'frankenphp_ws_subscribe', 'frankenphp_ws_unsubscribe',
    'frankenphp_ws_getSubscriptions', 'frankenphp_ws_getChannels',
];
foreach ($functions as $name) {
    if (!function_exists($name)) {
        echo "$name: MISSING\n";
        continue;
    }
    $f = new ReflectionFunction($name);
    $params = [];
    foreach ($f->getParameters() as $p) {
        $params[] = ($p->getType() ? $p->getType() . ' ' : '') . '$' . $p->getName()
            . ($p->isOptional() && $p->isDefaultValueAvailable() ? ' = ' . var_export($p->getDefaultValue(), true) : ($p->isOptional() ? ' = ?' : ''));
    }
    $sig = $f->getName() . '(' . implode(', ', $params) . '): ' . ($f->getReturnType() ?? '(none)');
    // The documented signature is `array $options = []`; a nullable array defaulting to null is equivalent.
    echo str_replace(['?array $options = NULL', "array (\n)"], ['array $options = []', '[]'], $sig), "\n";
}
$c = new ReflectionClass('FrankenPhpWs\ServerUnreachableException');
var_dump($c->getName(), $c->isSubclassOf(RuntimeException::class));
?>
--EXPECT--
frankenphp_ws_start(array $options = []): array
frankenphp_ws_stop(array $options = []): void
frankenphp_ws_get_event(float $timeout = 0.0): ?array
broadcast(string $channel, string $message, bool $binary = false): void
frankenphp_ws_send(string $connectionId, string $data, ?string $route = NULL): bool
frankenphp_ws_sendBinary(string $connectionId, string $data): bool
frankenphp_ws_sendAll(string $data, ?string $route = NULL, bool $binary = false): int
frankenphp_ws_getClients(?string $route = NULL): array
frankenphp_ws_getClientsCount(?string $route = NULL): int
frankenphp_ws_killConnection(string $connectionId): bool
frankenphp_ws_listRoutes(): array
frankenphp_ws_subscribe(string $connectionId, string $channel): bool
frankenphp_ws_unsubscribe(string $connectionId, string $channel): bool
frankenphp_ws_getSubscriptions(string $connectionId): array
frankenphp_ws_getChannels(): array
string(39) "FrankenPhpWs\ServerUnreachableException"
bool(true)
