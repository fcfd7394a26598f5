// Laravel Echo (pusher broadcaster) in a real headless Chromium against the server's Pusher
// endpoint. The page (echo.html) and its scripts come from a small server here, which also
// answers Echo's authorization requests as a Laravel app's /broadcasting/auth does, signing
// with frankenphp_ws_pusherAuthorizeChannel() in a PHP CLI. Events are sent as a Laravel app
// sends them: a PHP CLI signs Pusher HTTP API requests (frankenphp_ws_pusherSignRequest).
//
//   1. ann opens the page: the public, private and presence channels and a whisper channel;
//   2. bob opens it: ann sees him join, he sees both;
//   3. PHP triggers OrderShipped on `orders` and Invoice on ann's private channel;
//   4. ann whispers; bob sees it, ann does not;
//   5. bob leaves: ann sees it.
// Prints one JSON line with both pages' logs; tests/pusher.rs judges them. On failure it
// saves a screenshot of each page in SHOTS_DIR.
//
// Usage: node echo.mjs '{"page_port":…,"ws_port":…,"app_id":…,"key":…,"secret":…,"extension":…,"shots_dir":…}'
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { launchChromium, reportFailure } from './chromium.mjs';

const input = JSON.parse(process.argv[2]);
const { page_port, ws_port, app_id, key, secret, extension, shots_dir } = input;

/// PHP with the extension and the Pusher application in its ini, as php-fpm would have them.
function php(code) {
  return execFileSync('php', ['-n', '-d', `extension=${extension}`,
    '-d', `frankenphp_ws.pusher_app_id=${app_id}`, '-d', `frankenphp_ws.pusher_key=${key}`,
    '-d', `frankenphp_ws.pusher_secret=${secret}`, '-r', code], { encoding: 'utf8' });
}

/// A Laravel-style broadcast: a signed POST /apps/{id}/events from PHP.
function trigger(channel, name, data) {
  const body = JSON.stringify({ name, channel, data: JSON.stringify(data) });
  const answer = php(`
    $body = ${JSON.stringify(body)};
    $path = '/apps/${app_id}/events';
    $query = frankenphp_ws_pusherSignRequest('POST', $path, $body);
    $context = stream_context_create(['http' => ['method' => 'POST', 'ignore_errors' => true,
      'header' => "Content-Type: application/json\\r\\n", 'content' => $body]]);
    echo file_get_contents("http://127.0.0.1:${ws_port}$path?$query", false, $context);`);
  if (answer !== '{}') throw new Error(`POST /events answered ${answer}`);
}

const files = {
  '/': ['tests/browser/echo.html', 'text/html'],
  '/pusher.min.js': ['node_modules/pusher-js/dist/web/pusher.min.js', 'text/javascript'],
  '/echo.iife.js': ['node_modules/laravel-echo/dist/echo.iife.js', 'text/javascript'],
};
const site = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://page');
  if (req.method === 'POST' && url.pathname === '/broadcasting/auth') {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const [socket, channel] = [form.get('socket_id'), form.get('channel_name')];
      const user = url.searchParams.get('user');
      // The app's channel rules (Laravel's routes/channels.php): user.{id} is that user's.
      if (channel.startsWith('private-user.') && channel !== `private-user.${user}`) {
        res.writeHead(403).end();
        return;
      }
      const data = channel.startsWith('presence-')
        ? JSON.stringify({ user_id: user, user_info: { name: user } }) : null;
      const answer = php(`echo frankenphp_ws_pusherAuthorizeChannel(${JSON.stringify(socket)}, `
        + `${JSON.stringify(channel)}, ${data === null ? 'null' : JSON.stringify(data)});`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    });
    return;
  }
  const file = files[url.pathname];
  if (!file) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': file[1] }).end(readFileSync(file[0]));
});
await new Promise((resolve) => site.listen(page_port, '127.0.0.1', resolve));

const browser = await launchChromium('echo');
const pages = {};
const logOf = (page) => page.$eval('#log', (el) => [...el.children].map((c) => c.textContent));
const shows = (page, text) => page.waitForFunction(
  (t) => [...document.querySelectorAll('#log > *')].some((c) => c.textContent === t),
  { timeout: 15_000 }, text);

async function open(user) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`${user}: page error: ${e.message}`));
  await page.goto(`http://127.0.0.1:${page_port}/?user=${user}&key=${key}&ws_port=${ws_port}`);
  await shows(page, 'connected');
  pages[user] = page;
  return page;
}

try {
  const ann = await open('ann');
  await shows(ann, 'here ann');
  await shows(ann, 'refused user.nobody 403');
  const bob = await open('bob');
  await shows(bob, 'here ann,bob');
  await shows(ann, 'joining bob');

  trigger('orders', 'OrderShipped', { id: 5 });
  trigger('private-user.ann', 'Invoice', { total: 9 });
  await shows(ann, 'order 5');
  await shows(bob, 'order 5');
  await shows(ann, 'invoice 9');

  await ann.evaluate(() => window.whisper());
  await shows(bob, 'typing ann');
  // An echo to the sender would have arrived by now.
  await new Promise((r) => setTimeout(r, 300));
  const logs = { bob: await logOf(bob) };
  await bob.close();
  delete pages.bob;
  await shows(ann, 'leaving bob');
  logs.ann = await logOf(ann);
  console.log(JSON.stringify(logs));
} catch (error) {
  await reportFailure('echo', error, pages, logOf, shots_dir);
} finally {
  await browser.closeAll();
  site.close();
}
