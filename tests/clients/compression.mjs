// permessage-deflate with Node's clients: its built-in WebSocket (undici, which keeps one
// inflater for the whole connection) or the `ws` package. Subscribes; then for each of
// MESSAGES in turn, has the test worker broadcast it to the channel and sends it to be echoed,
// and waits for both. Prints one JSON line: the negotiated extensions and what came back.
// tests/compression_clients.rs judges it.
//
// Usage: node --experimental-websocket compression.mjs native|ws WS_URL '["message", …]'
const [impl, url, messagesJson] = process.argv.slice(2);
const messages = JSON.parse(messagesJson);
const deadline = setTimeout(() => { console.error('compression.mjs: timed out'); process.exit(3); }, 30_000);

let extensions = null;
let ws;
if (impl === 'ws') {
  const { WebSocket } = await import('ws');
  ws = new WebSocket(url);
  ws.on('upgrade', (response) => { extensions = response.headers['sec-websocket-extensions']; });
} else {
  ws = new WebSocket(url);
}
const replies = [];
let next = 0;
const sendNext = () => {
  const message = messages[next++];
  ws.send(`broadcast:prices:${message}`);
  ws.send(`echo:${message}`);
};
ws.onerror = (e) => { console.error('compression.mjs: WebSocket error', e.message); process.exit(1); };
ws.onopen = () => {
  extensions ??= ws.extensions;
  ws.send(JSON.stringify({ action: 'subscribe', channel: 'prices' }));
};
ws.onmessage = (e) => {
  replies.push(String(e.data));
  if (replies.length === 1 + 2 * messages.length) {
    clearTimeout(deadline);
    // To a pipe, a line over 64 KiB is finished asynchronously: exit only once it is (an
    // exit before cut it at 65,536 bytes).
    const line = JSON.stringify({ extensions, replies }) + '\n';
    const printed = new Promise((done) => process.stdout.write(line, done));
    ws.onclose = () => printed.then(() => process.exit(0));
    ws.close(1000);
  } else if (replies.length % 2 === 1) {
    // Subscribed, or both copies of the last message in.
    sendNext();
  }
};
