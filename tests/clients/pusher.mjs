// Drives the server's Pusher protocol with the real clients: pusher-js 8 (as browsers and
// Laravel Echo use it) and the `pusher` server SDK 5 (which signs HTTP API requests as
// Laravel's pusher-php-server does). A native client (the `ws` package) shares the channels.
// Input: one JSON argument {host, port, app_id, key, secret, native_url}. Output: one JSON
// line of what every client saw, which tests/pusher.rs checks. Every wait is bounded.
import Pusher from 'pusher-js';
import PusherServer from 'pusher';
import WebSocket from 'ws';
import { randomBytes } from 'node:crypto';

const input = JSON.parse(process.argv[2]);
const seen = {};
const masterKey = randomBytes(32).toString('base64');
const server = new PusherServer({
  appId: input.app_id, key: input.key, secret: input.secret,
  host: input.host, port: String(input.port), useTLS: false,
  encryptionMasterKeyBase64: masterKey,
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/// The next `event` on `target` (a channel, or the client for global events).
function next(target, event, what = event) {
  return within(5000, what, new Promise((resolve) => {
    const handler = (data) => { target.unbind(event, handler); resolve(data); };
    target.bind(event, handler);
  }));
}

/// A pusher-js client; its channel authorization is the application's, signed by the SDK
/// (`user`: the presence identity it signs; `forge`: a wrong signature).
function client({ user = null, forge = false, key = input.key } = {}) {
  return new Pusher(key, {
    wsHost: input.host, wsPort: input.port, forceTLS: false, enabledTransports: ['ws'],
    disableStats: true, cluster: 'mt1',
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        const presence = channelName.startsWith('presence-')
          ? { user_id: user, user_info: { name: `user ${user}` } } : undefined;
        const auth = server.authorizeChannel(socketId, channelName, presence);
        if (forge) auth.auth = `${input.key}:${'0'.repeat(64)}`;
        callback(null, auth);
      },
    },
    userAuthentication: {
      customHandler: ({ socketId }, callback) => {
        const auth = server.authenticateUser(socketId, { id: user, name: `user ${user}` });
        if (forge) auth.auth = `${input.key}:${'0'.repeat(64)}`;
        callback(null, auth);
      },
    },
  });
}

async function connected(pusher) {
  if (pusher.connection.state !== 'connected') await next(pusher.connection, 'connected');
  return pusher.connection.socket_id;
}

async function subscribed(pusher, name) {
  const channel = pusher.subscribe(name);
  const data = await next(channel, 'pusher:subscription_succeeded', `subscribe ${name}`);
  return { channel, data };
}

/// A native client: the messages it receives, and a way to send.
async function native() {
  const socket = new WebSocket(input.native_url);
  const messages = [];
  socket.on('message', (data) => messages.push(data.toString()));
  await within(5000, 'native open', new Promise((r) => socket.once('open', r)));
  return { socket, messages };
}

async function waitUntil(what, done) {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(10);
  }
}

try {
  const a = client({ user: '1' });
  const b = client({ user: '2' });
  seen.socket_ids = [await connected(a), await connected(b)];
  const nat = await native();

  // One hub: a broadcast from PHP reaches the Pusher and the native subscriber of `orders`.
  const { channel: ordersA } = await subscribed(a, 'orders');
  const { channel: ordersB } = await subscribed(b, 'orders');
  nat.socket.send(JSON.stringify({ action: 'subscribe', channel: 'orders' }));
  await waitUntil('native subscribed', () => nat.messages.some((m) => m.includes('"subscribed"')));
  let got = next(ordersA, 'message', 'broadcast on orders');
  nat.socket.send('broadcast:orders:plain hello');
  seen.broadcast = await got;
  await waitUntil('native broadcast', () => nat.messages.includes('plain hello'));

  // The SDK triggers a named event: both kinds get it; `socket_id` leaves its sender out.
  const bGot = [];
  ordersB.bind('order-shipped', (d) => bGot.push(d));
  const aGot = [];
  ordersA.bind('order-shipped', (d) => aGot.push(d));
  await server.trigger('orders', 'order-shipped', { id: 1 });
  await server.trigger('orders', 'order-shipped', { id: 2 }, { socket_id: seen.socket_ids[0] });
  await waitUntil('b gets both events', () => bGot.length === 2);
  await waitUntil('native gets both events',
    () => nat.messages.filter((m) => m.includes('order-shipped')).length === 2);
  await sleep(200);
  seen.trigger = { a: aGot, b: bGot, native: nat.messages.filter((m) => m.includes('order-shipped')) };
  const batch = [next(ordersB, 'batch-1'), next(ordersB, 'batch-2')];
  await server.triggerBatch([
    { channel: 'orders', name: 'batch-1', data: 'one' },
    { channel: 'orders', name: 'batch-2', data: 'two' },
  ]);
  seen.batch = await Promise.all(batch);

  // Private channels: a signed subscription succeeds; a forged one gets the subscription error.
  await subscribed(a, 'private-chat');
  await subscribed(b, 'private-chat');
  const forger = client({ forge: true });
  await connected(forger);
  const refused = forger.subscribe('private-chat');
  seen.forged = await next(refused, 'pusher:subscription_error', 'forged subscription refused');
  forger.disconnect();

  // Client events: relayed to the other members, never back to the sender.
  const echoed = [];
  a.channel('private-chat').bind('client-typing', (d) => echoed.push(d));
  got = next(b.channel('private-chat'), 'client-typing');
  a.channel('private-chat').trigger('client-typing', { who: 'a' });
  seen.client_event = await got;
  await sleep(200);
  seen.client_event_echoed = echoed.length;

  // Encrypted channels: the SDK encrypts, the server passes it through, pusher-js decrypts.
  const { channel: secret } = await subscribed(a, 'private-encrypted-vault');
  got = next(secret, 'sealed');
  await server.trigger('private-encrypted-vault', 'sealed', { code: 42 });
  seen.encrypted = await got;

  // Presence: members once per user; a second connection of a member adds no one.
  const { channel: roomA, data: members } = await subscribed(a, 'presence-room');
  seen.presence_first = { count: members.count, me: members.me && members.me.id };
  const added = next(roomA, 'pusher:member_added', 'member_added');
  const { data: membersB } = await subscribed(b, 'presence-room');
  seen.member_added = await added;
  seen.presence_second = { count: membersB.count, ids: Object.keys(membersB.members).sort() };
  const addedTwice = [];
  roomA.bind('pusher:member_added', (m) => addedTwice.push(m));
  const b2 = client({ user: '2' });
  await connected(b2);
  await subscribed(b2, 'presence-room');
  const users = await (await server.get({ path: '/channels/presence-room/users' })).json();
  seen.users = users.users.map((u) => u.id).sort();
  const info = await (await server.get({
    path: '/channels/orders', params: { info: 'subscription_count' } })).json();
  seen.orders_info = info;
  const list = await (await server.get({ path: '/channels' })).json();
  seen.channels = Object.keys(list.channels).sort();
  const removed = next(roomA, 'pusher:member_removed', 'member_removed');
  b2.disconnect();
  await sleep(300);
  b.disconnect();
  seen.member_removed = await removed;
  seen.added_for_second_connection = addedTwice.length;

  // Sign-in: the user's events reach it; terminating the user's connections ends this one.
  const userChannelErrors = [];
  a.bind_global((event, data) => { if (event === 'pusher:subscription_error') userChannelErrors.push(data); });
  a.signin();
  await within(5000, 'signed in', a.user.signinDonePromise);
  got = next(a.user, 'notice', 'server-to-user event');
  await server.sendToUser('1', 'notice', { to: 'ann' });
  seen.user_event = await got;
  seen.user_channel_errors = userChannelErrors;
  // Signed in, its subscriptions reach the worker with its user.
  await subscribed(a, 'after-signin');
  const forgedSignin = client({ user: '3', forge: true });
  await connected(forgedSignin);
  forgedSignin.signin();
  seen.forged_signin = await next(forgedSignin.connection, 'error', 'forged sign-in refused');
  forgedSignin.disconnect();
  const before = a.connection.socket_id;
  const dropped = next(a.connection, 'state_change', 'terminated');
  await server.terminateUserConnections('1');
  seen.terminated = (await dropped).previous;
  seen.terminated_socket = before;

  // A request signed with the wrong secret: 401.
  const wrong = new PusherServer({
    appId: input.app_id, key: input.key, secret: 'not-the-secret',
    host: input.host, port: String(input.port), useTLS: false,
  });
  try {
    await wrong.trigger('orders', 'nope', {});
    seen.wrong_secret = 'accepted';
  } catch (e) {
    seen.wrong_secret = e.status;
  }

  // An event named as the protocol's own: 400, and nobody gets it.
  try {
    await server.trigger('presence-room', 'pusher_internal:member_added', { user_id: 'forged' });
    seen.protocol_event = 'accepted';
  } catch (e) {
    seen.protocol_event = e.status;
  }

  // A wrong key: pusher:error 4001, which pusher-js takes as refused: it disconnects and
  // does not try again.
  const stranger = client({ key: 'not-the-key' });
  const gaveUp = next(stranger.connection, 'disconnected', 'gives up on a wrong key');
  seen.wrong_key = await next(stranger.connection, 'error', 'wrong key refused');
  await gaveUp;
  await sleep(1500);
  seen.wrong_key_state = stranger.connection.state;
  stranger.disconnect();

  a.disconnect();
  nat.socket.close();
  console.log(JSON.stringify(seen));
  process.exit(0);
} catch (error) {
  console.log(JSON.stringify({ error: String(error && error.stack || error), seen }));
  process.exit(1);
}
