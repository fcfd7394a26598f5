// The JavaScript client (js/frankenphp_ws.js) in Node, against a real worker, through a TCP
// proxy this script controls, so it can cut the network under the client.
//
//   1. the client connects (acknowledging), subscribes to `news`, and gets m0..m4;
//   2. the network is cut: the proxy drops the client's connection and refuses new ones;
//   3. m5..m9 are broadcast meanwhile;
//   4. the network comes back: the client reconnects on its own, resumes (same connection,
//      the missed messages first), and gets m10 live;
//   5. the worker kills the connection: the client stops, and does not come back.
// Prints one JSON line of what the client saw; tests/js_client.rs judges it.
//
// Usage: node --experimental-websocket js_client.mjs '{"ws_url":"ws://127.0.0.1:PORT/ws","impl":"native"|"ws"}'
// `ws`: the client runs on the `ws` package's WebSocket (as on Node 18 to 21).
import { FrankenWs } from '../../js/frankenphp_ws.js';
import { cutProxy } from './cut_proxy.mjs';

const { ws_url, impl } = JSON.parse(process.argv[2]);
const WebSocketClass = impl === 'ws' ? (await import('ws')).WebSocket : globalThis.WebSocket;
const target = new URL(ws_url);
const deadline = setTimeout(() => { console.error('js_client: timed out'); process.exit(3); }, 30_000);

const proxy = await cutProxy(Number(target.port));
const proxied = `ws://127.0.0.1:${proxy.port}${target.pathname}`;

// The control connection, direct: asks the test worker to broadcast.
const control = new WebSocketClass(`${ws_url}?tag=control`);
const answers = [];
control.onmessage = (e) => answers.push(String(e.data));
await new Promise((resolve, reject) => { control.onopen = resolve; control.onerror = reject; });
async function broadcastAll(texts) {
  for (const text of texts) control.send(`broadcast:news:${text}`);
  // The worker handles its events in order: once this is answered, the broadcasts are done.
  const before = answers.length;
  control.send('eval:true');
  await until(() => answers.slice(before).includes('true'));
}
async function ask(expression) {
  const before = answers.length;
  control.send(`eval:${expression}`);
  await until(() => answers.length > before + 0 && answers.slice(before).some((a) => a[0] !== '{'));
  return JSON.parse(answers.slice(before).find((a) => a[0] !== '{'));
}
async function until(done, ms = 10_000) {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) {
      const client_ = typeof client === 'undefined' ? {} : { state: client.state, token: client.token, last: client.last, accepted: proxy.accepted, cut: proxy.cut };
      throw new Error(`waited too long for ${done}: ${JSON.stringify({ seen, client: client_ })}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
const texts = (from, to) => Array.from({ length: to - from }, (_, i) => `m${from + i}`);

const before = await ask('frankenphp_ws_getClients()');
let client;
const seen = { messages: [], seqs: [], states: [], events: [], subscribed: 0 };
client = new FrankenWs(`${proxied}?tag=js`, {
  minDelay: 100, maxDelay: 400, connectTimeout: 3000, WebSocket: WebSocketClass,
});
client.on('message', (data, { seq }) => { seen.messages.push(data); seen.seqs.push(seq); })
  .on('state', (state, detail) => seen.states.push(detail?.reason ? `${state}:${detail.reason}` : state))
  .on('connected', () => seen.events.push('connected'))
  .on('resumed', () => seen.events.push('resumed'))
  .on('subscribed', () => seen.subscribed++);
client.subscribe('news');
await until(() => seen.subscribed === 1);

await broadcastAll(texts(0, 5));
await until(() => seen.messages.length === 5);

proxy.cutNow();
await until(() => client.state === 'reconnecting');
// The server notices the drop: the ghost goes dormant and keeps what is sent to it.
await new Promise((r) => setTimeout(r, 300));
await broadcastAll(texts(5, 10));
// A few refused attempts, then the network is back.
await new Promise((r) => setTimeout(r, 500));
proxy.restore();
await until(() => client.state === 'open' && seen.events.includes('resumed'));
await until(() => seen.messages.length === 10);
await broadcastAll(['m10']);
await until(() => seen.messages.length === 11);
// Nothing else comes (no duplicate).
await new Promise((r) => setTimeout(r, 300));

// Killed by the application: the client stops for good.
const id = (await ask('frankenphp_ws_getClients()')).find((c) => !before.includes(c));
control.send(`kill:${id}`);
await until(() => client.state === 'closed');
const accepted_then = proxy.accepted;
await new Promise((r) => setTimeout(r, 1000));
seen.came_back = proxy.accepted !== accepted_then || client.state !== 'closed';
control.close();
proxy.close();
clearTimeout(deadline);
console.log(JSON.stringify({ ...seen, token: client.token !== null }));
process.exit(0);
