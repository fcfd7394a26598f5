<?php
// A small, dependency-free RFC 6455 WebSocket client for the phpt suite.
//
// - handshake with Sec-WebSocket-Key and a checked Sec-WebSocket-Accept;
// - masked client frames (text, binary, ping, pong, close), or raw bytes for malformed-frame
//   tests;
// - frame reading with fragmentation support and a deadline on every read (a hang fails fast);
// - close frames decoded into code + reason.
//
// Every read takes a timeout in seconds and returns null when nothing complete arrived in time;
// the server runs on background threads of the same process, so blocking here is fine.

declare(strict_types=1);

final class WsClient
{
    public const CONT = 0x0;
    public const TEXT = 0x1;
    public const BINARY = 0x2;
    public const CLOSE = 0x8;
    public const PING = 0x9;
    public const PONG = 0xA;

    private const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

    /** @var resource */
    private $sock;
    private string $buf = '';

    /** Answer server pings with a pong automatically (turn off for heartbeat tests). */
    public bool $autoPong = true;
    /** Status line code and lowercase-named headers of the handshake response. */
    public int $status = 0;
    public array $headers = [];
    /** Payloads of the pings / pongs received so far. */
    public array $pings = [];
    public array $pongs = [];
    /** The close frame received (['code' => ?int, 'reason' => string]) or null. */
    public ?array $closeReceived = null;
    public bool $closeSent = false;
    public bool $eof = false;
    /** Data messages skipped by expectClose(). */
    public array $skipped = [];

    private function __construct($sock)
    {
        $this->sock = $sock;
    }

    /**
     * Opens a WebSocket connection; throws RuntimeException if the handshake does not give a
     * valid 101 answer.
     */
    public static function connect(string $url, array $headers = [], float $timeout = 3.0): self
    {
        $r = self::handshake($url, $headers, $timeout);
        if ($r['client'] === null) {
            throw new RuntimeException("handshake to $url failed: HTTP {$r['status']} {$r['body']}");
        }
        return $r['client'];
    }

    /**
     * Performs the handshake and reports what happened:
     * ['status' => int, 'headers' => array, 'body' => string, 'client' => ?WsClient]
     * (client is set only for a valid 101 answer).
     */
    public static function handshake(string $url, array $headers = [], float $timeout = 3.0): array
    {
        $u = parse_url($url);
        if ($u === false || !in_array($u['scheme'] ?? '', ['ws', 'wss'], true) || !isset($u['host'], $u['port'])) {
            throw new InvalidArgumentException("bad url $url (want ws:// or wss://host:port/path)");
        }
        $target = ($u['path'] ?? '/') . (isset($u['query']) ? '?' . $u['query'] : '');
        $key = base64_encode(random_bytes(16));
        $lines = [
            "GET $target HTTP/1.1",
            "Host: {$u['host']}:{$u['port']}",
            'Upgrade: websocket',
            'Connection: Upgrade',
            "Sec-WebSocket-Key: $key",
            'Sec-WebSocket-Version: 13',
        ];
        foreach ($headers as $name => $value) {
            $lines[] = "$name: $value";
        }
        $request = implode("\r\n", $lines) . "\r\n\r\n";

        $deadline = microtime(true) + $timeout;
        $sock = self::open($u['host'], (int) $u['port'], $timeout, $u['scheme'] === 'wss' ? self::$tls : null);
        $client = new self($sock);
        $client->writeAll($request, $deadline);
        $head = $client->readHead($deadline);
        if ($head === null) {
            fclose($sock);
            throw new RuntimeException("no handshake response from $url within {$timeout}s");
        }
        [$status, $respHeaders] = self::parseHead($head);
        $client->status = $status;
        $client->headers = $respHeaders;
        if ($status !== 101) {
            $body = $client->readBody($respHeaders, $deadline);
            fclose($sock);
            return ['status' => $status, 'headers' => $respHeaders, 'body' => $body, 'client' => null];
        }
        $expected = base64_encode(sha1($key . self::GUID, true));
        $problems = [];
        if (strtolower($respHeaders['upgrade'] ?? '') !== 'websocket') {
            $problems[] = 'Upgrade header is not websocket';
        }
        if (!in_array('upgrade', array_map('trim', explode(',', strtolower($respHeaders['connection'] ?? ''))), true)) {
            $problems[] = 'Connection header lacks upgrade';
        }
        if (($respHeaders['sec-websocket-accept'] ?? '') !== $expected) {
            $problems[] = 'Sec-WebSocket-Accept is ' . ($respHeaders['sec-websocket-accept'] ?? '(missing)') . ", want $expected";
        }
        if ($problems) {
            fclose($sock);
            throw new RuntimeException("invalid 101 answer from $url: " . implode('; ', $problems));
        }
        return ['status' => 101, 'headers' => $respHeaders, 'body' => '', 'client' => $client];
    }

    /** Sends an arbitrary HTTP request and returns ['status', 'headers', 'body']. */
    public static function httpRequest(string $hostPort, string $request, float $timeout = 3.0): array
    {
        [$host, $port] = self::splitHostPort($hostPort);
        $deadline = microtime(true) + $timeout;
        $client = new self(self::open($host, $port, $timeout));
        $client->writeAll($request, $deadline);
        $head = $client->readHead($deadline);
        if ($head === null) {
            $client->closeSocket();
            throw new RuntimeException("no HTTP response from $hostPort within {$timeout}s");
        }
        [$status, $headers] = self::parseHead($head);
        $body = $client->readBody($headers, $deadline);
        $client->closeSocket();
        return ['status' => $status, 'headers' => $headers, 'body' => $body];
    }

    public static function splitHostPort(string $hostPort): array
    {
        $i = strrpos($hostPort, ':');
        return [trim(substr($hostPort, 0, $i), '[]'), (int) substr($hostPort, $i + 1)];
    }

    /** The `ssl` stream context options for wss:// (e.g. ['cafile' => …, 'peer_name' => …]). */
    public static array $tls = [];

    /** @return resource */
    private static function open(string $host, int $port, float $timeout, ?array $tls = null)
    {
        $context = stream_context_create($tls === null ? [] : ['ssl' => $tls]);
        $scheme = $tls === null ? 'tcp' : 'tls';
        $sock = @stream_socket_client("$scheme://$host:$port", $errno, $errstr, $timeout, STREAM_CLIENT_CONNECT, $context);
        if ($sock === false) {
            throw new RuntimeException("cannot connect to $scheme://$host:$port: $errstr ($errno)");
        }
        stream_set_blocking($sock, false);
        return $sock;
    }

    private static function parseHead(string $head): array
    {
        $lines = explode("\r\n", $head);
        if (!preg_match('~^HTTP/1\.[01] (\d{3})~', $lines[0], $m)) {
            throw new RuntimeException("bad status line: {$lines[0]}");
        }
        $headers = [];
        foreach (array_slice($lines, 1) as $line) {
            if ($line === '') {
                continue;
            }
            [$name, $value] = array_map('trim', explode(':', $line, 2) + [1 => '']);
            $headers[strtolower($name)] = $value;
        }
        return [(int) $m[1], $headers];
    }

    private function readHead(float $deadline): ?string
    {
        while (($pos = strpos($this->buf, "\r\n\r\n")) === false) {
            if (!$this->fill(strlen($this->buf) + 1, $deadline)) {
                return null;
            }
        }
        $head = substr($this->buf, 0, $pos);
        $this->buf = substr($this->buf, $pos + 4);
        return $head;
    }

    private function readBody(array $headers, float $deadline): string
    {
        if (isset($headers['content-length'])) {
            $n = (int) $headers['content-length'];
            $this->fill($n, $deadline);
            $body = substr($this->buf, 0, $n);
            $this->buf = substr($this->buf, $n);
            return $body;
        }
        if (strtolower($headers['transfer-encoding'] ?? '') === 'chunked') {
            $body = '';
            while (true) {
                while (($pos = strpos($this->buf, "\r\n")) === false) {
                    if (!$this->fill(strlen($this->buf) + 1, $deadline)) {
                        return $body;
                    }
                }
                $size = hexdec(trim(explode(';', substr($this->buf, 0, $pos))[0]));
                if (!$this->fill($pos + 2 + $size + 2, $deadline)) {
                    return $body . substr($this->buf, $pos + 2);
                }
                $body .= substr($this->buf, $pos + 2, $size);
                $this->buf = substr($this->buf, $pos + 2 + $size + 2);
                if ($size === 0) {
                    return $body;
                }
            }
        }
        // No length: read until the peer closes (bounded by the deadline).
        while ($this->fill(strlen($this->buf) + 1, $deadline)) {
        }
        $body = $this->buf;
        $this->buf = '';
        return $body;
    }

    /** Reads until the buffer holds $n bytes; false on timeout or EOF. */
    private function fill(int $n, float $deadline): bool
    {
        while (strlen($this->buf) < $n) {
            if ($this->eof) {
                return false;
            }
            $left = $deadline - microtime(true);
            if ($left <= 0) {
                return false;
            }
            $r = [$this->sock];
            $w = $e = null;
            $sec = (int) floor($left);
            $ready = @stream_select($r, $w, $e, $sec, (int) (($left - $sec) * 1e6));
            if ($ready === false) {
                return false;
            }
            if ($ready === 0) {
                continue;
            }
            $chunk = @fread($this->sock, 1 << 16);
            if ($chunk === false || $chunk === '') {
                if ($chunk === false || feof($this->sock)) {
                    $this->eof = true;
                }
                continue;
            }
            $this->buf .= $chunk;
        }
        return true;
    }

    private function writeAll(string $bytes, float $deadline): void
    {
        while ($bytes !== '') {
            $left = $deadline - microtime(true);
            if ($left <= 0) {
                throw new RuntimeException('write timed out (' . strlen($bytes) . ' bytes left)');
            }
            $r = $e = null;
            $w = [$this->sock];
            $sec = (int) floor($left);
            if (@stream_select($r, $w, $e, $sec, (int) (($left - $sec) * 1e6)) === 0) {
                continue;
            }
            $n = @fwrite($this->sock, $bytes);
            if ($n === false) {
                throw new RuntimeException('write failed: connection closed');
            }
            if ($n === 0 && feof($this->sock)) {
                throw new RuntimeException('write failed: connection closed');
            }
            $bytes = (string) substr($bytes, $n);
        }
    }

    // ---- sending -------------------------------------------------------------------------

    /** Sends raw bytes as they are (for malformed-frame tests). */
    public function sendRaw(string $bytes, float $timeout = 3.0): void
    {
        $this->writeAll($bytes, microtime(true) + $timeout);
    }

    /** Encodes one frame. */
    public static function encodeFrame(int $opcode, string $payload, bool $fin = true, bool $mask = true, int $rsv = 0): string
    {
        $len = strlen($payload);
        $frame = chr(($fin ? 0x80 : 0) | (($rsv & 7) << 4) | ($opcode & 0x0F));
        $m = $mask ? 0x80 : 0;
        if ($len < 126) {
            $frame .= chr($m | $len);
        } elseif ($len < 65536) {
            $frame .= chr($m | 126) . pack('n', $len);
        } else {
            $frame .= chr($m | 127) . pack('J', $len);
        }
        if ($mask) {
            $key = random_bytes(4);
            $frame .= $key . ($payload ^ str_repeat($key, intdiv($len, 4) + 1));
        } else {
            $frame .= $payload;
        }
        return $frame;
    }

    public function sendFrame(int $opcode, string $payload, bool $fin = true, bool $mask = true, int $rsv = 0): void
    {
        if ($opcode === self::CLOSE) {
            $this->closeSent = true;
        }
        $this->sendRaw(self::encodeFrame($opcode, $payload, $fin, $mask, $rsv));
    }

    public function send(string $text): void
    {
        $this->sendFrame(self::TEXT, $text);
    }

    public function sendJson(array $value): void
    {
        $this->send(json_encode($value, JSON_UNESCAPED_SLASHES));
    }

    public function sendBinary(string $data): void
    {
        $this->sendFrame(self::BINARY, $data);
    }

    public function ping(string $data = ''): void
    {
        $this->sendFrame(self::PING, $data);
    }

    public function pong(string $data = ''): void
    {
        $this->sendFrame(self::PONG, $data);
    }

    /** Sends a close frame (no status code at all when $code is null). */
    public function close(?int $code = 1000, string $reason = ''): void
    {
        $this->sendFrame(self::CLOSE, $code === null ? '' : pack('n', $code) . $reason);
    }

    /** Drops the TCP connection without a close frame. */
    public function closeSocket(): void
    {
        if (is_resource($this->sock)) {
            fclose($this->sock);
        }
    }

    // ---- receiving -----------------------------------------------------------------------

    /**
     * The next frame: ['opcode', 'fin', 'rsv', 'payload'], ['opcode' => 'eof'] once the server
     * closed the TCP connection, or null if no whole frame arrived within $timeout.
     */
    public function readFrame(float $timeout = 3.0): ?array
    {
        $deadline = microtime(true) + $timeout;
        if (!$this->fill(2, $deadline)) {
            return $this->eof && strlen($this->buf) < 2 ? ['opcode' => 'eof'] : null;
        }
        $b0 = ord($this->buf[0]);
        $b1 = ord($this->buf[1]);
        $masked = ($b1 & 0x80) !== 0;
        $len = $b1 & 0x7F;
        $head = 2;
        if ($len === 126) {
            $head = 4;
        } elseif ($len === 127) {
            $head = 10;
        }
        if (!$this->fill($head, $deadline)) {
            return $this->eof ? ['opcode' => 'eof'] : null;
        }
        if ($len === 126) {
            $len = unpack('n', substr($this->buf, 2, 2))[1];
        } elseif ($len === 127) {
            $len = unpack('J', substr($this->buf, 2, 8))[1];
        }
        if ($masked) {
            throw new RuntimeException('protocol violation: the server sent a masked frame');
        }
        if (!$this->fill($head + $len, $deadline)) {
            return $this->eof ? ['opcode' => 'eof'] : null;
        }
        $payload = (string) substr($this->buf, $head, $len);
        $this->buf = (string) substr($this->buf, $head + $len);
        return [
            'opcode' => $b0 & 0x0F,
            'fin' => ($b0 & 0x80) !== 0,
            'rsv' => ($b0 >> 4) & 7,
            'payload' => $payload,
        ];
    }

    /**
     * The next message, fragments reassembled, pings answered (if autoPong) and skipped:
     *   ['type' => 'text'|'binary', 'data' => string]
     *   ['type' => 'close', 'code' => ?int, 'reason' => string]  (the close is echoed back)
     *   ['type' => 'eof']                                          (TCP closed, no close frame)
     * or null if nothing complete arrived within $timeout.
     */
    public function receive(float $timeout = 3.0): ?array
    {
        $deadline = microtime(true) + $timeout;
        $type = null;
        $data = '';
        while (true) {
            $frame = $this->readFrame(max(0.0, $deadline - microtime(true)));
            if ($frame === null) {
                return null;
            }
            $op = $frame['opcode'];
            if ($op === 'eof') {
                return ['type' => 'eof'];
            }
            if ($frame['rsv'] !== 0) {
                throw new RuntimeException("protocol violation: RSV bits {$frame['rsv']} set by the server");
            }
            switch ($op) {
                case self::PING:
                    $this->pings[] = $frame['payload'];
                    if ($this->autoPong && !$this->closeSent) {
                        $this->pong($frame['payload']);
                    }
                    continue 2;
                case self::PONG:
                    $this->pongs[] = $frame['payload'];
                    continue 2;
                case self::CLOSE:
                    $p = $frame['payload'];
                    $close = [
                        'type' => 'close',
                        'code' => strlen($p) >= 2 ? unpack('n', $p)[1] : null,
                        'reason' => (string) substr($p, 2),
                    ];
                    $this->closeReceived = $close;
                    if (!$this->closeSent) {
                        try {
                            $this->sendFrame(self::CLOSE, strlen($p) >= 2 ? substr($p, 0, 2) : '');
                        } catch (RuntimeException $e) {
                            // the server may already have dropped the TCP connection
                        }
                    }
                    return $close;
                case self::TEXT:
                case self::BINARY:
                    if ($type !== null) {
                        throw new RuntimeException('protocol violation: new data frame inside a fragmented message');
                    }
                    $type = $op === self::TEXT ? 'text' : 'binary';
                    $data = $frame['payload'];
                    break;
                case self::CONT:
                    if ($type === null) {
                        throw new RuntimeException('protocol violation: continuation frame without a start');
                    }
                    $data .= $frame['payload'];
                    break;
                default:
                    throw new RuntimeException("protocol violation: unknown opcode $op");
            }
            if ($frame['fin']) {
                return ['type' => $type, 'data' => $data];
            }
        }
    }

    /** The next data message (text or binary); fails loudly on anything else or a timeout. */
    public function expectMessage(float $timeout = 3.0): array
    {
        $m = $this->receive($timeout);
        if ($m === null) {
            throw new RuntimeException("no message within {$timeout}s");
        }
        if ($m['type'] !== 'text' && $m['type'] !== 'binary') {
            throw new RuntimeException('expected a message, got ' . json_encode($m));
        }
        return $m;
    }

    /** The next text message's data; fails loudly otherwise. */
    public function expectText(float $timeout = 3.0): string
    {
        $m = $this->expectMessage($timeout);
        if ($m['type'] !== 'text') {
            throw new RuntimeException('expected a text message, got a binary one: ' . bin2hex($m['data']));
        }
        return $m['data'];
    }

    /** The next text message decoded as JSON. */
    public function expectJson(float $timeout = 3.0): mixed
    {
        $text = $this->expectText($timeout);
        $value = json_decode($text, true);
        if ($value === null) {
            throw new RuntimeException("expected JSON, got: $text");
        }
        return $value;
    }

    /**
     * Reads until the connection ends, skipping data messages (kept in $this->skipped):
     * ['code' => ?int, 'reason' => string, 'eof' => bool] for a close frame (eof tells whether
     * the server then closed the TCP connection within the time left), ['code' => 1006,
     * 'reason' => '', 'eof' => true] for a TCP close without a close frame, or null on timeout.
     */
    public function expectClose(float $timeout = 3.0): ?array
    {
        $deadline = microtime(true) + $timeout;
        while (true) {
            $m = $this->receive(max(0.0, $deadline - microtime(true)));
            if ($m === null) {
                return null;
            }
            if ($m['type'] === 'eof') {
                return ['code' => 1006, 'reason' => '', 'eof' => true];
            }
            if ($m['type'] === 'close') {
                return ['code' => $m['code'], 'reason' => $m['reason'], 'eof' => $this->waitEof(max(0.5, $deadline - microtime(true)))];
            }
            $this->skipped[] = $m;
        }
    }

    /** True once the server has closed the TCP connection (anything read meanwhile is dropped). */
    public function waitEof(float $timeout = 3.0): bool
    {
        $deadline = microtime(true) + $timeout;
        while (!$this->eof) {
            $this->buf = '';
            if (!$this->fill(1, $deadline) && !$this->eof) {
                return false;
            }
        }
        return true;
    }

    /** True if nothing at all arrives within $timeout (pings excepted and answered). */
    public function isQuiet(float $timeout = 0.3): bool
    {
        return $this->receive($timeout) === null && !$this->eof;
    }

    public function __destruct()
    {
        $this->closeSocket();
    }
}
