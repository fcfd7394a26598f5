// permessage-deflate with Node's clients: its built-in WebSocket (undici, which keeps one
// inflater for the whole connection) or the `ws` package. Subscribes, has the test worker
// broadcast MESSAGE to the channel, sends the same message to be echoed, then prints one JSON
// line: the negotiated extensions and what came back. tests/compression_clients.rs judges it.
//
// Usage: node --experimental-websocket compression.mjs native|ws WS_URL MESSAGE
const [impl, url, message] = process.argv.slice(2);
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
ws.onerror = (e) => { console.error('compression.mjs: WebSocket error', e.message); process.exit(1); };
ws.onopen = () => {
  extensions ??= ws.extensions;
  ws.send(JSON.stringify({ action: 'subscribe', channel: 'prices' }));
};
ws.onmessage = (e) => {
  replies.push(String(e.data));
  if (replies.length === 1) {
    ws.send(`broadcast:prices:${message}`);
    ws.send(`echo:${message}`);
  } else if (replies.length === 3) {
    console.log(JSON.stringify({ extensions, replies }));
    clearTimeout(deadline);
    ws.onclose = () => process.exit(0);
    ws.close(1000);
  }
};
