// JavaScript clients (js/frankenphp_ws.js) through a rolling restart (tests/handoff.rs). They
// reach the nodes through this script's own TCP load balancer, which sends each new
// connection to the next node that is up and, if that one refuses the TCP connection, to the
// one after. The test says which nodes are up: a line `up PORT PORT…` on standard input.
// Each client subscribes to `feed` and records what it gets until tick LAST.
//
// Prints `READY` once every client is subscribed; then, when every client has tick LAST (or
// after SECONDS), one JSON line: for each client, its ticks, connections, resumes and closes,
// and exits.
//
// Usage: node --experimental-websocket restart_js.mjs '{"ports":[P,…],"clients":N,"last":L,"seconds":S}'
import net from 'node:net';
import readline from 'node:readline';
import { FrankenWs } from '../../js/frankenphp_ws.js';

const { ports, clients: count, last, seconds } = JSON.parse(process.argv[2]);
let up = ports;
let turn = 0;

const balancer = net.createServer((inbound) => {
  inbound.pause();
  let outbound = null;
  let joined = false;
  const end = () => { inbound.destroy(); outbound?.destroy(); };
  inbound.on('error', end).on('close', end);
  const tryNext = (left) => {
    if (left === 0 || up.length === 0) return inbound.destroy();
    outbound = net.connect(up[turn++ % up.length], '127.0.0.1');
    outbound.once('connect', () => {
      joined = true;
      inbound.pipe(outbound).pipe(inbound);
      inbound.resume();
    });
    outbound.on('error', () => (joined ? end() : tryNext(left - 1)));
    outbound.on('close', () => joined && end());
  };
  tryNext(3);
});
await new Promise((resolve) => balancer.listen(0, '127.0.0.1', resolve));
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [verb, ...rest] = line.trim().split(/\s+/);
  if (verb === 'up') up = rest.map(Number);
});

const url = `ws://127.0.0.1:${balancer.address().port}/ws?tag=js`;
const seen = [];
for (let i = 0; i < count; i++) {
  const s = { ticks: [], connects: 0, resumes: 0, closes: [], subscribed: 0 };
  seen.push(s);
  const client = new FrankenWs(url, { minDelay: 50, maxDelay: 500, connectTimeout: 3000 });
  client.on('message', (data) => {
    const tick = /^tick-(\d+)$/.exec(data);
    if (tick) s.ticks.push(Number(tick[1]));
  })
    .on('connected', () => s.connects++)
    .on('resumed', () => s.resumes++)
    .on('state', (state, detail) => detail?.code && s.closes.push(detail.code))
    .on('subscribed', () => s.subscribed++);
  client.subscribe('feed');
}

async function until(done, ms) {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return done();
}
if (!(await until(() => seen.every((s) => s.subscribed >= 1), 10_000))) {
  console.error('restart_js: not every client subscribed within 10 s');
  process.exit(3);
}
console.log('READY');
await until(() => seen.every((s) => s.ticks.at(-1) === last), seconds * 1000);
// Left open: the exit drops them as a network would, so no worker reports their end.
// Exits once the report is written: a pipe takes large writes in several turns.
process.stdout.write(JSON.stringify({ clients: seen }) + '\n', () => process.exit(0));
