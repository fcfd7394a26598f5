// A server with max_connections = 1, held by a native client: pusher-js is refused with
// pusher:error 4100 (over capacity), backs off and tries again, and connects once the native
// client has left. Input: {port, key}. Output: one JSON line.
import Pusher from 'pusher-js';
import WebSocket from 'ws';

const input = JSON.parse(process.argv[2]);
const seen = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const within = (ms, what, promise) => Promise.race([promise,
  sleep(ms).then(() => { throw new Error(`timed out after ${ms} ms: ${what}`); })]);

try {
  const native = new WebSocket(`ws://127.0.0.1:${input.port}/ws`);
  await within(5000, 'native client opens', new Promise((resolve, reject) => {
    native.on('open', resolve);
    native.on('error', reject);
  }));
  const client = new Pusher(input.key, {
    wsHost: '127.0.0.1', wsPort: input.port, forceTLS: false, enabledTransports: ['ws'],
    disableStats: true, cluster: 'mt1',
  });
  const states = [];
  client.connection.bind('state_change', ({ current }) => states.push(current));
  const refused = await within(5000, 'refused as over capacity', new Promise((resolve) => {
    client.connection.bind('error', (e) => resolve(e.data || e.error?.data || e));
  }));
  seen.error = refused;
  await sleep(300);
  seen.connected_while_full = client.connection.state === 'connected';
  native.close(1000);
  const connected = Date.now();
  await within(10000, 'connects after the place is free', new Promise((resolve) => {
    if (client.connection.state === 'connected') resolve();
    client.connection.bind('connected', resolve);
  }));
  seen.connected_after_ms = Date.now() - connected;
  seen.socket_id = /^\d+\.\d+$/.test(client.connection.socket_id);
  seen.states = [...new Set(states)];
  client.disconnect();
  console.log(JSON.stringify(seen));
  process.exit(0);
} catch (error) {
  console.log(JSON.stringify({ error: String(error && error.stack || error), seen }));
  process.exit(1);
}
