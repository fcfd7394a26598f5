<?php
// The chat page. The visitor's name lives in the PHP session; the WebSocket handshake carries
// the session cookie to auth.php (the worker's auth_endpoint), so the server knows who speaks.
// The WebSocket address defaults to this host on port 8080.
session_start();
$wanted = trim((string) ($_POST['name'] ?? ''));
if (preg_match('/^[A-Za-z0-9_.-]{1,32}$/', $wanted)) {
    $_SESSION['name'] = $wanted;
    header('Location: ' . strtok($_SERVER['REQUEST_URI'] ?? '/', '?'));
    return;
}
$_SESSION['name'] ??= 'guest' . random_int(100, 999);
$name = $_SESSION['name'];
session_write_close();
$wsUrl = getenv('FRANKENPHP_WS_PUBLIC_URL') ?: 'ws://' . explode(':', $_SERVER['HTTP_HOST'] ?? '127.0.0.1')[0] . ':8080/ws';
// The WebSocket server serves its JavaScript client itself, next to the socket.
$ws = parse_url($wsUrl);
$clientUrl = ($ws['scheme'] === 'wss' ? 'https' : 'http') . '://' . $ws['host'] . (isset($ws['port']) ? ':' . $ws['port'] : '') . '/frankenphp_ws.js';
?><!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>frankenphp_ws chat</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; max-width: 760px; margin: 2em auto; color: #222; }
  header { display: flex; justify-content: space-between; align-items: baseline; }
  #state { font-size: 13px; padding: 2px 8px; border-radius: 10px; background: #eee; }
  #state.open { background: #d4f5d4; } #state.closed { background: #f8d7d7; }
  #log { height: 360px; overflow-y: auto; border: 1px solid #ccc; border-radius: 6px; padding: 8px; background: #fafafa; }
  .msg { margin: 2px 0; } .meta { color: #888; font-size: 12px; } .sys { color: #777; font-style: italic; }
  form { display: flex; gap: 6px; margin-top: 8px; } input[name=text] { flex: 1; }
  input, button { font: inherit; padding: 4px 8px; }
</style>
</head>
<body>
<header><h1>frankenphp_ws chat</h1><span id="state">connecting…</span></header>
<form method="post"><label>You are <input name="name" value="<?= htmlspecialchars($name) ?>" size="12"></label>
  <button>Rename</button> <span class="meta">(the session cookie tells the server; reconnects)</span></form>
<form id="join"><label>Room <input name="room" value="lobby" size="10"></label>
  <button>Join</button></form>
<div id="log"></div>
<form id="say"><input name="text" placeholder="Say something" autocomplete="off"><button>Send</button></form>
<p class="meta">Messages go through the worker (WebSocket). <a href="#" id="viaphp">Send through send.php</a> instead:
  that page calls <code>broadcast()</code> from the php -S process.</p>
<script type="module">
// The server's JavaScript client reconnects on its own, subscribes again, and resumes the
// connection (the worker runs with resume_tokens=auto): messages sent while the network was
// down come first, each once.
import { FrankenWs } from <?= json_encode($clientUrl) ?>;
const log = document.getElementById('log'), state = document.getElementById('state');
let room = 'lobby';
function show(html, cls) {
  const div = document.createElement('div'); div.className = 'msg ' + (cls || ''); div.innerHTML = html;
  log.appendChild(div); log.scrollTop = log.scrollHeight;
}
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
const ws = new FrankenWs(<?= json_encode($wsUrl) ?>);
ws.on('state', (s) => {
  state.textContent = {open: 'connected', connecting: 'connecting…', reconnecting: 'reconnecting…', closed: 'closed'}[s];
  state.className = s === 'open' ? 'open' : 'closed';
});
ws.on('resumed', () => show('reconnected: what was said meanwhile follows', 'sys'));
ws.on('subscribed', (m) => show(`joined #${esc(m.channel)}`, 'sys'));
ws.on('error', (m) => show(`error: ${esc(m.message)}`, 'sys'));
ws.on('message', (data) => {
  let m; try { m = JSON.parse(data); } catch { return show(esc(data)); }
  if (m.event === 'chat') show(`<b>${esc(m.name)}</b> ${esc(m.text)} <span class="meta">${esc(m.time.slice(11, 19))}</span>`);
  else if (m.event === 'join' || m.event === 'leave') show(`someone ${m.event === 'join' ? 'joined' : 'left'} (${m.online} online)`, 'sys');
  else if (m.event === 'welcome') show(`connected as ${esc(m.user)}, ${m.online} online`, 'sys');
  else if (m.event === 'error') show(`error: ${esc(m.message)}`, 'sys');
});
ws.subscribe(room);
document.getElementById('join').onsubmit = (e) => {
  e.preventDefault();
  const next = e.target.room.value.trim() || 'lobby';
  if (next !== room) { ws.unsubscribe(room); ws.subscribe(next); }
  room = next;
};
document.getElementById('say').onsubmit = (e) => {
  e.preventDefault();
  const text = e.target.text.value.trim(); if (!text) return;
  ws.send(JSON.stringify({type: 'chat', room, text}));
  e.target.text.value = '';
};
document.getElementById('viaphp').onclick = async (e) => {
  e.preventDefault();
  const text = document.querySelector('#say [name=text]').value.trim() || 'hello from send.php';
  const r = await fetch('send.php', {method: 'POST', body: new URLSearchParams({room, text})});
  if (!r.ok) show('send.php: ' + esc((await r.json()).error), 'sys');
};
</script>
</body>
</html>
