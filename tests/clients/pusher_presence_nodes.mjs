// Presence across three nodes sharing one Redis, with pusher-js: each member list names the
// users of every node, member_added and member_removed go out once per user in the cluster
// (a second connection of a user on another node adds nobody), the HTTP API counts the
// cluster's users and subscriptions, and the users of a node that is killed (SIGKILL: it says
// nothing) are removed by the others. When Redis loses its data, the nodes tell it their
// members again.
// Input: {nodes: [port1, port2, port3], pids: [...], app_id, key, secret, redis_ports}.
// Output: one JSON line.
import Pusher from 'pusher-js';
import PusherServer from 'pusher';
import { execFileSync } from 'node:child_process';

const input = JSON.parse(process.argv[2]);
const seen = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const within = (ms, what, promise) => Promise.race([promise,
  sleep(ms).then(() => { throw new Error(`timed out after ${ms} ms: ${what}`); })]);
const next = (target, event, what = event, ms = 5000) => within(ms, what, new Promise((resolve) => {
  const handler = (data) => { target.unbind(event, handler); resolve(data); };
  target.bind(event, handler);
}));
const server = new PusherServer({
  appId: input.app_id, key: input.key, secret: input.secret,
  host: '127.0.0.1', port: String(input.nodes[1]), useTLS: false,
});

async function member(node, user) {
  const client = new Pusher(input.key, {
    wsHost: '127.0.0.1', wsPort: input.nodes[node], forceTLS: false, enabledTransports: ['ws'],
    disableStats: true, cluster: 'mt1',
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, cb) => cb(null,
        server.authorizeChannel(socketId, channelName, { user_id: user, user_info: { name: user.toUpperCase() } })),
    },
  });
  const channel = client.subscribe('presence-room');
  const joined = await next(channel, 'pusher:subscription_succeeded', `${user} joins on node ${node + 1}`);
  const here = Object.keys(joined.members).sort();
  return { client, channel, here, info: joined.members };
}

try {
  const ann = await member(0, 'ann');
  const added = [];
  const removed = [];
  ann.channel.bind('pusher:member_added', (m) => added.push(m.id));
  ann.channel.bind('pusher:member_removed', (m) => removed.push(m.id));
  seen.ann_here = ann.here;

  const bobArrives = next(ann.channel, 'pusher:member_added', 'ann hears of bob');
  const bob = await member(1, 'bob');
  seen.bob_here = bob.here;
  seen.bob_sees_ann_info = bob.info.ann;
  seen.ann_hears = (await bobArrives).info;

  // bob's second connection, on ann's node: bob is a member already. His third, on his own
  // node (which asks Redis only for the list).
  const bob2 = await member(0, 'bob');
  seen.bob2_here = bob2.here;
  const bob3 = await member(1, 'bob');
  seen.bob3_here = bob3.here;

  const carolArrives = Promise.all([
    next(ann.channel, 'pusher:member_added', 'ann hears of carol'),
    next(bob.channel, 'pusher:member_added', 'bob hears of carol'),
  ]);
  const carol = await member(2, 'carol');
  seen.carol_here = carol.here;
  await carolArrives;

  seen.users = (await (await server.get({ path: '/channels/presence-room/users' })).json())
    .users.map((u) => u.id).sort();
  seen.info = await (await server.get({
    path: '/channels/presence-room', params: { info: 'user_count,subscription_count' },
  })).json();
  seen.listed = await (await server.get({
    path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' },
  })).json();

  // bob leaves on node 2: still a member through node 1. Then he leaves there too.
  bob.client.disconnect();
  bob3.client.disconnect();
  await sleep(500);
  seen.removed_while_bob2_stays = [...removed];
  const bobGone = next(ann.channel, 'pusher:member_removed', 'bob leaves');
  bob2.client.disconnect();
  seen.bob_gone = (await bobGone).id;

  // Node 3 dies without a word: its users are removed by the others.
  const carolGone = next(ann.channel, 'pusher:member_removed', 'carol removed after node 3 died', 20000);
  const killedAt = Date.now();
  process.kill(input.pids[2], 'SIGKILL');
  seen.carol_gone = (await carolGone).id;
  seen.removed_after_ms = Date.now() - killedAt;
  await sleep(500);
  seen.added = [...added];
  seen.removed = [...removed];
  const users = async () => (await (await server.get({ path: '/channels/presence-room/users' })).json())
    .users.map((u) => u.id);
  seen.users_after = await users();

  // Redis loses everything: within a few seconds ann's node has told it her again.
  for (const port of input.redis_ports) execFileSync('redis-cli', ['-p', String(port), 'FLUSHALL']);
  const flushed = Date.now();
  seen.users_right_after_flush = await users();
  for (;;) {
    seen.users_after_flush = await users();
    if (seen.users_after_flush.length > 0 || Date.now() - flushed > 10000) break;
    await sleep(100);
  }
  seen.told_again_after_ms = Date.now() - flushed;
  ann.client.disconnect();
  carol.client.disconnect();
  console.log(JSON.stringify(seen));
  process.exit(0);
} catch (error) {
  console.log(JSON.stringify({ error: String(error && error.stack || error), seen }));
  process.exit(1);
}
