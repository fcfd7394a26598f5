// frankenphp_ws.js: the client for frankenphp_ws's native protocol, for browsers and Node >= 18
// (Node before 22: pass `WebSocket`, e.g. from the `ws` package, or run with
// --experimental-websocket). No dependencies.
//
// It reconnects on its own (capped, jittered exponential backoff), subscribes again to its
// channels, and, with the server's `resume_tokens=auto`, resumes its connection: same id, the
// messages sent meanwhile first. With acknowledgements (the default), it numbers what it
// receives and acknowledges it, so a resume replays what a dead network swallowed, and drops
// what it has already seen: each message once, in order.
//
//   const ws = new FrankenWs('wss://example.com/ws');
//   ws.on('message', (data) => …).on('state', (state) => …);
//   ws.subscribe('news');
//   ws.send(JSON.stringify({type: 'chat', text: 'hi'}));

const PROTOCOL_EVENTS = ['subscribed', 'unsubscribed', 'error', 'presence'];
/** Close reasons that mean "do not come back": the application ended the connection. */
const FINAL_REASONS = ['killed'];
/** A socket open this long is stable: the next failure starts the backoff over. */
const STABLE_MS = 5000;

export class FrankenWs {
  /**
   * @param {string} url ws:// or wss://, with the path (and any query) the application wants
   * @param {object} [options] see frankenphp_ws.d.ts
   */
  constructor(url, options = {}) {
    this.url = url;
    this.options = {
      ack: true, minDelay: 500, maxDelay: 10000, connectTimeout: 10000, ackEvery: 100, ackAfter: 1000,
      maxQueue: 100, WebSocket: globalThis.WebSocket, ...options,
    };
    this.channels = new Set();
    this.leaving = new Set();
    this.handlers = {};
    this.queue = [];
    this.state = 'closed';
    this.token = null;
    this.last = 0;
    this.acked = 0;
    this.attempt = 0;
    this.status = null;
    this.ws = null;
    // Once the caller has attached its handlers: they see `connecting` too.
    if (this.options.connect !== false) queueMicrotask(() => this.ws || this.stopped || this.connect());
  }

  on(event, handler) { (this.handlers[event] ||= new Set()).add(handler); return this; }

  off(event, handler) { this.handlers[event]?.delete(handler); return this; }

  emit(event, ...args) {
    for (const handler of this.handlers[event] || []) {
      try { handler(...args); } catch (e) { setTimeout(() => { throw e; }); }
    }
  }

  /** False if a handler called close() meanwhile. */
  setState(state, detail) {
    if (state !== this.state || detail) {
      this.state = state;
      this.emit('state', state, detail);
    }
    return !this.stopped;
  }

  clearTimers() {
    for (const timer of ['retry', 'connecting', 'stable', 'ackTimer']) clearTimeout(this[timer]);
    this.ackTimer = null;
  }

  /** Connects now; an open socket is replaced (a resume takes its connection over at once). */
  connect() {
    const o = this.options;
    this.stopped = false;
    this.clearTimers();
    if (this.ws) {
      const old = this.ws;
      this.ws = null;
      old.close();
    }
    const query = [];
    if (o.ack) query.push('ack=1');
    // `last` acknowledges all it names; without a token the connection is new, numbered from 1.
    if (this.token) query.push('resume=' + encodeURIComponent(this.token), 'last=' + this.last);
    else this.last = 0;
    this.acked = this.last;
    const url = query.length ? this.url + (this.url.includes('?') ? '&' : '?') + query.join('&') : this.url;
    if (!this.setState(this.attempt ? 'reconnecting' : 'connecting')) return;
    const ws = this.ws = new o.WebSocket(url);
    this.first = true;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => this.opened(ws);
    ws.onmessage = (e) => this.ws === ws && this.receive(e.data);
    ws.onclose = (e) => this.closed(ws, e);
    // Reported by the close that follows; without a handler, Node's `ws` would throw it.
    ws.onerror = () => {};
    // A handshake that never ends (a network gone mid-way; some WebSocket implementations
    // then report nothing) is given up on and retried.
    this.connecting = setTimeout(() => {
      if (ws.readyState !== 0) return;
      ws.onclose = null;
      ws.close();
      this.closed(ws, { code: 1006, reason: 'connect timeout' });
    }, o.connectTimeout);
  }

  opened(ws) {
    if (this.ws !== ws) return;
    clearTimeout(this.connecting);
    this.stable = setTimeout(() => { this.attempt = 0; }, STABLE_MS);
    // Resumed, the server still has them: asking again changes nothing. New, it needs them.
    // One by one: a subscription list would drop the channels the worker subscribed it to.
    for (const channel of this.leaving) this.raw({ action: 'unsubscribe', channel });
    this.leaving.clear();
    for (const channel of this.channels) this.raw({ action: 'subscribe', channel });
    if (this.status) this.raw({ action: 'presence', status: this.status });
    for (const data of this.queue.splice(0)) ws.send(data);
    this.setState('open');
  }

  closed(ws, event) {
    if (this.ws !== ws) return;
    this.clearTimers();
    this.ws = null;
    if (this.stopped) return;
    const detail = { code: event.code, reason: event.reason };
    if (FINAL_REASONS.includes(event.reason)) {
      this.stopped = true;
      return this.setState('closed', detail);
    }
    if (!this.setState('reconnecting', detail)) return;
    const o = this.options;
    const delay = Math.min(o.maxDelay, o.minDelay * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
    this.retry = setTimeout(() => this.connect(), delay);
  }

  /** Stops: no reconnection. (A ghost connection waits on the server until its ghost_ttl.) */
  close() {
    this.flushAck();
    this.stopped = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000);
    this.setState('closed');
  }

  receive(data) {
    const first = this.first;
    this.first = false;
    if (typeof data !== 'string') {
      if (first) this.noToken();
      if (!this.options.ack) return this.emit('message', data, {});
      // Numbered: the number in 8 bytes, big-endian, then the application's bytes.
      const seq = Number(new DataView(data).getBigUint64(0));
      return this.deliver(seq, data.slice(8));
    }
    let m = null;
    if (data[0] === '{') try { m = JSON.parse(data); } catch { /* the application's text */ }
    // The server's token is always a socket's first frame; later, it is the application's.
    if (first && m && m.event === 'resume_token' && typeof m.token === 'string') {
      this.token = m.token;
      // A new connection numbers from 1 again; a resumed one goes on where it was.
      if (!m.resumed) this.last = this.acked = 0;
      return this.emit(m.resumed ? 'resumed' : 'connected');
    }
    if (first) this.noToken();
    if (this.options.ack && m && m.event === 'message' && typeof m.seq === 'number') {
      return this.deliver(m.seq, m.data);
    }
    if (m && PROTOCOL_EVENTS.includes(m.event)) return this.emit(m.event, m);
    this.emit('message', data, {});
  }

  /** The server gave no token (it no longer runs resume_tokens=auto): a new connection. */
  noToken() {
    this.token = null;
    this.last = this.acked = 0;
  }

  deliver(seq, data) {
    if (seq <= this.last) return; // seen before the reconnect
    this.last = seq;
    this.emit('message', data, { seq });
    if (this.stopped) return;
    if (this.last - this.acked >= this.options.ackEvery) this.flushAck();
    else if (!this.ackTimer) this.ackTimer = setTimeout(() => this.flushAck(), this.options.ackAfter);
  }

  flushAck() {
    clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (this.last > this.acked && this.ws?.readyState === 1) {
      this.raw({ action: 'ack', seq: this.last });
      this.acked = this.last;
    }
  }

  raw(message) { this.ws.send(JSON.stringify(message)); }

  isOpen() { return this.state === 'open' && this.ws?.readyState === 1; }

  /** Sends to the worker (a `message` event): a string, or bytes. Queued while not connected. */
  send(data) {
    if (this.isOpen()) return this.ws.send(data);
    if (this.queue.push(data) > this.options.maxQueue) this.queue.shift();
  }

  subscribe(channel) {
    this.channels.add(channel);
    this.leaving.delete(channel);
    if (this.isOpen()) this.raw({ action: 'subscribe', channel });
    return this;
  }

  unsubscribe(channel) {
    this.channels.delete(channel);
    // A resumed connection still holds it: asked to leave once connected.
    if (this.isOpen()) this.raw({ action: 'unsubscribe', channel });
    else this.leaving.add(channel);
    return this;
  }

  /** online, away, busy or offline; set again after a reconnect. */
  presence(status) {
    this.status = status;
    if (this.isOpen()) this.raw({ action: 'presence', status });
    return this;
  }
}

export default FrankenWs;
