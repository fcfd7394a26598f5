// The chat example in a real headless Chromium, on the JavaScript client the server serves
// (/frankenphp_ws.js), with the WebSocket behind a TCP proxy this script controls.
//
//   1. alice and bob (two browser profiles, two sessions) open the chat; alice says hello;
//   2. the network is cut: the proxy drops both sockets and refuses new ones;
//   3. meanwhile, send.php broadcasts a message to the room (from the php -S process);
//   4. the network comes back: both pages reconnect on their own, resume their connections,
//      and show the message from step 3, once; then bob speaks and alice sees it.
// Prints one JSON line with both pages' chat logs; tests/browser_chat.rs judges them. On
// failure it saves a screenshot of each page in SHOTS_DIR.
//
// Usage: node chat.mjs '{"app_url":…,"ws_port":…,"proxy_port":…,"shots_dir":…}'
import { launchChromium, reportFailure } from './chromium.mjs';
import { cutProxy } from '../clients/cut_proxy.mjs';

const { app_url, ws_port, proxy_port, shots_dir } = JSON.parse(process.argv[2]);
const AWAY = 'said while you were away';

const proxy = await cutProxy(ws_port, proxy_port);

// Bounded: whatever happens, the browser and the proxy go within 60 s.
const browser = await launchChromium('chat');
const pages = {};
const logOf = (page) => page.$eval('#log', (el) => [...el.children].map((c) => c.textContent));
const shows = (page, text, times = 1) => page.waitForFunction(
  (t, n) => [...document.querySelectorAll('#log > *')].filter((c) => c.textContent.includes(t)).length >= n,
  { timeout: 15_000 }, text, times);
const stateIs = (page, text) => page.waitForFunction(
  (t) => document.getElementById('state').textContent === t, { timeout: 15_000 }, text);

async function open(name) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`${name}: page error: ${e.message}`));
  await page.goto(app_url, { waitUntil: 'load' });
  // Take a name: the session cookie says who speaks.
  await page.$eval('form[method=post] input[name=name]', (el, n) => { el.value = n; }, name);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form[method=post] button')]);
  await shows(page, `connected as ${name}`);
  await shows(page, 'joined #lobby');
  pages[name] = page;
  return page;
}

async function say(page, text) {
  await page.type('#say input[name=text]', text);
  await page.click('#say button');
}

try {
  const alice = await open('alice');
  const bob = await open('bob');
  await say(alice, 'hello bob');
  await shows(bob, 'hello bob');

  proxy.cutNow();
  await stateIs(alice, 'reconnecting…');
  await stateIs(bob, 'reconnecting…');
  // The server notices the drops; the connections wait as ghosts, keeping what is sent.
  await new Promise((r) => setTimeout(r, 300));
  const sent = await fetch(new URL('send.php', app_url), {
    method: 'POST', body: new URLSearchParams({ room: 'lobby', text: AWAY }),
  });
  if (!sent.ok) throw new Error(`send.php answered ${sent.status}: ${await sent.text()}`);
  await new Promise((r) => setTimeout(r, 300));
  proxy.restore();

  for (const page of [alice, bob]) {
    await stateIs(page, 'connected');
    await shows(page, 'reconnected:');
    await shows(page, AWAY);
  }
  await say(bob, 'welcome back');
  await shows(alice, 'welcome back');
  // Anything duplicated would have arrived by now.
  await new Promise((r) => setTimeout(r, 500));
  console.log(JSON.stringify({ alice: await logOf(alice), bob: await logOf(bob) }));
} catch (error) {
  await reportFailure('chat', error, pages, logOf, shots_dir);
} finally {
  proxy.close();
  await browser.closeAll();
}
