// A hostile web page, in a real headless Chromium, against the chat example.
//
// The victim opens the chat (APP_URL): the page sets the session cookie and opens its
// WebSocket. Then the same browser opens the attacker's page, served here on another origin
// (127.0.0.1:ATTACKER_PORT), which tries both attacks with what any page may use:
//   1. new WebSocket(WS_URL): the browser attaches the victim's cookie; if the server accepts,
//      the page reads the victim's welcome and speaks in the chat as the victim;
//   2. fetch(ADMIN_URL + '/frankenphp_ws/broadcast/lobby', {mode: 'no-cors', method: 'POST'}):
//      a "simple" request, sent without any preflight.
// Prints one JSON line: what the victim's page showed before and after, and what the attacker
// saw. tests/browser.rs judges it.
//
// Usage: node hostile_page.mjs '{"app_url":…,"ws_url":…,"admin_url":…,"attacker_port":…,"marker":…,"expect_attack":…}'
// With expect_attack (the control run), it waits for both attacks to reach the victim's page.
import http from 'node:http';
import { launchChromium } from './chromium.mjs';

const { app_url, ws_url, admin_url, attacker_port, marker, expect_attack } = JSON.parse(process.argv[2]);
const channel = 'lobby';

const attacker = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<!doctype html><title>totally harmless</title><p>cute cats</p>');
});
await new Promise((resolve) => attacker.listen(attacker_port, '127.0.0.1', resolve));

// Bounded: whatever happens, the browser and the server go within 60 s.
const browser = await launchChromium('hostile_page');
try {
  const victim = await browser.newPage();
  await victim.goto(app_url, { waitUntil: 'load' });
  await victim.waitForFunction(
    // The subscription reply comes from the server; the welcome and the page's own join
    // announcement from the worker, after it. Any of them may come first, and all must be in
    // before the snapshot, or a late one looks like something the attack caused.
    () => ['joined #lobby', 'connected as ', 'someone joined'].every((t) => document.getElementById('log').textContent.includes(t)),
    { timeout: 15_000 },
  );
  const logOf = (page) => page.$eval('#log', (el) => [...el.children].map((c) => c.textContent));
  const before = await logOf(victim);

  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${attacker_port}/`, { waitUntil: 'load' });
  const attack = await page.evaluate(async ({ ws_url, admin_url, channel, marker }) => {
    const ws = await new Promise((resolve) => {
      const seen = { opened: false, messages: [], code: null };
      const socket = new WebSocket(ws_url);
      socket.onopen = () => { seen.opened = true; };
      socket.onmessage = (e) => {
        seen.messages.push(e.data);
        // Speak as the victim once the server has said who we are.
        if (seen.messages.length === 1) socket.send(JSON.stringify({ type: 'chat', room: channel, text: `${marker} via WebSocket` }));
      };
      socket.onclose = (e) => { seen.code = e.code; resolve(seen); };
      setTimeout(() => { socket.close(); resolve(seen); }, 2000);
    });
    let fetched;
    try {
      const body = JSON.stringify({ event: 'chat', room: channel, name: 'attacker', text: `${marker} via admin API`, time: new Date().toISOString() });
      const response = await fetch(`${admin_url}/frankenphp_ws/broadcast/${channel}`, { mode: 'no-cors', method: 'POST', body });
      fetched = response.type; // opaque: the page cannot read the answer, but the request went
    } catch (e) {
      fetched = `error: ${e.message}`;
    }
    return { ws, fetch: fetched };
  }, { ws_url, admin_url, channel, marker });

  if (expect_attack) {
    // The control run: both attacks land; a loaded machine may take more than a second.
    await victim
      .waitForFunction((m) => [...document.querySelectorAll('#log > *')].filter((c) => c.textContent.includes(m)).length >= 2, { timeout: 10000 }, marker)
      .catch(() => {}); // tests/browser.rs says what is missing
  } else {
    // Anything the attacker made the server send has reached the victim's page by now.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const after = await logOf(victim);
  console.log(JSON.stringify({ before, after, attack }));
} finally {
  await browser.closeAll();
  attacker.close();
}
