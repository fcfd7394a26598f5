// Pusher clients on two nodes sharing one Redis: an event the SDK sends through node 2's HTTP
// API reaches node 1's client (and not the socket it excludes), a client event crosses nodes,
// and so does a server-to-user event to a client signed in on the other node.
// Input: {nodes: [port1, port2], app_id, key, secret, redis_port}. Output: one JSON line.
import Pusher from 'pusher-js';
import PusherServer from 'pusher';
import { execFileSync } from 'node:child_process';

const input = JSON.parse(process.argv[2]);
const seen = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const within = (ms, what, promise) => Promise.race([promise,
  sleep(ms).then(() => { throw new Error(`timed out after ${ms} ms: ${what}`); })]);
const next = (target, event, what = event) => within(5000, what, new Promise((resolve) => {
  const handler = (data) => { target.unbind(event, handler); resolve(data); };
  target.bind(event, handler);
}));
const server = new PusherServer({
  appId: input.app_id, key: input.key, secret: input.secret,
  host: '127.0.0.1', port: String(input.nodes[1]), useTLS: false,
});

function client(port, user) {
  return new Pusher(input.key, {
    wsHost: '127.0.0.1', wsPort: port, forceTLS: false, enabledTransports: ['ws'],
    disableStats: true, cluster: 'mt1',
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, cb) => cb(null, server.authorizeChannel(socketId, channelName)),
    },
    userAuthentication: {
      customHandler: ({ socketId }, cb) => cb(null, server.authenticateUser(socketId, { id: user })),
    },
  });
}

/// Waits until `n` nodes listen to a Redis topic: only then does a send reach them all.
async function listeners(topic, n) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const out = execFileSync('redis-cli', ['-p', String(input.redis_port), 'PUBSUB', 'NUMSUB', topic],
      { encoding: 'utf8' });
    if (Number(out.trim().split('\n')[1]) >= n) return;
    if (Date.now() > deadline) throw new Error(`${topic}: fewer than ${n} listeners`);
    await sleep(20);
  }
}

try {
  const a = client(input.nodes[0], 'ann');
  const b = client(input.nodes[1], 'bob');
  for (const c of [a, b]) {
    if (c.connection.state !== 'connected') await next(c.connection, 'connected');
  }
  const subscribe = async (c, name) => {
    const channel = c.subscribe(name);
    await next(channel, 'pusher:subscription_succeeded', `subscribe ${name}`);
    return channel;
  };
  const ordersA = await subscribe(a, 'orders');
  const ordersB = await subscribe(b, 'orders');
  const chatA = await subscribe(a, 'private-chat');
  const chatB = await subscribe(b, 'private-chat');
  await listeners('frankenphp_ws:channel:orders', 2);
  await listeners('frankenphp_ws:channel:private-chat', 2);

  const gotA = [];
  ordersA.bind('shipped', (d) => gotA.push(d));
  // Every wait is set up before what it waits for is sent.
  const gotB = next(ordersB, 'shipped');
  const otherNode = next(ordersA, 'shipped', 'event through node 2 reaches node 1');
  await server.trigger('orders', 'shipped', { id: 1 });
  seen.other_node = await otherNode;
  await gotB;
  const excluded = next(ordersB, 'shipped');
  await server.trigger('orders', 'shipped', { id: 2 }, { socket_id: a.connection.socket_id });
  seen.excluded_elsewhere = await excluded;
  await sleep(300);
  seen.a_got = gotA;

  const whisper = next(chatB, 'client-typing', 'client event crosses nodes');
  chatA.trigger('client-typing', { from: 'ann' });
  seen.client_event = await whisper;

  a.signin();
  await within(5000, 'signed in', a.user.signinDonePromise);
  await listeners('frankenphp_ws:user:ann', 1);
  const notice = next(a.user, 'notice', 'server-to-user event crosses nodes');
  await server.sendToUser('ann', 'notice', { to: 'ann' });
  seen.user_event = await notice;

  a.disconnect();
  b.disconnect();
  console.log(JSON.stringify(seen));
  process.exit(0);
} catch (error) {
  console.log(JSON.stringify({ error: String(error && error.stack || error), seen }));
  process.exit(1);
}
