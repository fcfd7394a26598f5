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
<script>
const url = <?= json_encode($wsUrl) ?>;
const log = document.getElementById('log'), state = document.getElementById('state');
let ws, room = 'lobby', delay = 500;
function show(html, cls) {
  const div = document.createElement('div'); div.className = 'msg ' + (cls || ''); div.innerHTML = html;
  log.appendChild(div); log.scrollTop = log.scrollHeight;
}
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
function connect() {
  ws = new WebSocket(url);
  ws.onopen = () => { state.textContent = 'connected'; state.className = 'open'; delay = 500;
    ws.send(JSON.stringify({action: 'subscribe', channel: room})); };
  ws.onclose = () => { state.textContent = 'reconnecting…'; state.className = 'closed';
    setTimeout(connect, delay); delay = Math.min(delay * 2, 10000); };
  ws.onmessage = (e) => {
    let m; try { m = JSON.parse(e.data); } catch { return show(esc(e.data)); }
    if (m.event === 'chat') show(`<b>${esc(m.name)}</b> ${esc(m.text)} <span class="meta">${esc(m.time.slice(11, 19))}</span>`);
    else if (m.event === 'subscribed') show(`joined #${esc(m.channel)}`, 'sys');
    else if (m.event === 'join' || m.event === 'leave') show(`someone ${m.event === 'join' ? 'joined' : 'left'} (${m.online} online)`, 'sys');
    else if (m.event === 'welcome') show(`connected as ${esc(m.user)}, ${m.online} online`, 'sys');
    else if (m.event === 'error') show(`error: ${esc(m.message)}`, 'sys');
  };
}
document.getElementById('join').onsubmit = (e) => {
  e.preventDefault();
  const next = e.target.room.value.trim() || 'lobby';
  if (ws.readyState === 1 && next !== room) {
    ws.send(JSON.stringify({action: 'unsubscribe', channel: room}));
    ws.send(JSON.stringify({action: 'subscribe', channel: next}));
  }
  room = next;
};
document.getElementById('say').onsubmit = (e) => {
  e.preventDefault();
  const text = e.target.text.value.trim(); if (!text || ws.readyState !== 1) return;
  ws.send(JSON.stringify({type: 'chat', room, text}));
  e.target.text.value = '';
};
document.getElementById('viaphp').onclick = async (e) => {
  e.preventDefault();
  const text = document.querySelector('#say [name=text]').value.trim() || 'hello from send.php';
  const r = await fetch('send.php', {method: 'POST', body: new URLSearchParams({room, text})});
  if (!r.ok) show('send.php: ' + esc((await r.json()).error), 'sys');
};
connect();
</script>
</body>
</html>
