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

export class FrankenWs {
  /**
   * @param {string} url ws:// or wss://, with the path (and any query) the application wants
   * @param {object} [options] see frankenphp_ws.d.ts
   */
  constructor(url, options = {}) {
    this.url = url;
    this.options = {
      ack: true, minDelay: 500, maxDelay: 10000, connectTimeout: 10000, ackEvery: 100, ackAfter: 1000,
      maxQueue: 1000, WebSocket: globalThis.WebSocket, ...options,
    };
    this.channels = new Set();
    this.handlers = {};
    this.queue = [];
    this.state = 'closed';
    this.token = null;
    this.last = 0;
    this.acked = 0;
    this.attempt = 0;
    this.status = null;
    // Once the caller has attached its handlers: they see `connecting` too.
    if (this.options.connect !== false) queueMicrotask(() => this.stopped || this.connect());
  }

  on(event, handler) { (this.handlers[event] ||= new Set()).add(handler); return this; }

  off(event, handler) { this.handlers[event]?.delete(handler); return this; }

  emit(event, ...args) {
    for (const handler of this.handlers[event] || []) {
      try { handler(...args); } catch (e) { setTimeout(() => { throw e; }); }
    }
  }

  setState(state, detail) {
    if (state === this.state) return;
    this.state = state;
    this.emit('state', state, detail);
  }

  /** Connects now; an open socket is replaced (a resume takes its connection over at once). */
  connect() {
    const o = this.options;
    this.stopped = false;
    clearTimeout(this.retry);
    clearTimeout(this.connecting);
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
    this.setState(this.attempt ? 'reconnecting' : 'connecting');
    const ws = this.ws = new o.WebSocket(url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => this.opened(ws);
    ws.onmessage = (e) => this.ws === ws && this.receive(e.data);
    ws.onclose = (e) => this.closed(ws, e);
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
    this.attempt = 0;
    // Resumed, the server still has them: asking again changes nothing. New, it needs them.
    // One by one: a subscription list would drop the channels the worker subscribed it to.
    for (const channel of this.channels) this.raw({ action: 'subscribe', channel });
    if (this.status) this.raw({ action: 'presence', status: this.status });
    this.setState('open');
    const queued = this.queue.splice(0);
    for (const data of queued) this.send(data);
  }

  closed(ws, event) {
    if (this.ws !== ws) return;
    clearTimeout(this.connecting);
    clearTimeout(this.ackTimer);
    this.ws = null;
    if (this.state === 'closed') return;
    const detail = { code: event.code, reason: event.reason };
    this.setState('reconnecting', detail);
    const o = this.options;
    const delay = Math.min(o.maxDelay, o.minDelay * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
    this.retry = setTimeout(() => this.connect(), delay);
  }

  /** Stops for good: no reconnection. */
  close() {
    this.stopped = true;
    this.setState('closed');
    clearTimeout(this.retry);
    clearTimeout(this.connecting);
    clearTimeout(this.ackTimer);
    this.flushAck();
    this.ws?.close(1000);
    this.ws = null;
  }

  receive(data) {
    if (typeof data !== 'string') {
      if (!this.options.ack) return this.emit('message', data, {});
      // Numbered: the number in 8 bytes, big-endian, then the application's bytes.
      const seq = Number(new DataView(data).getBigUint64(0));
      return this.deliver(seq, data.slice(8));
    }
    let m = null;
    if (data[0] === '{') try { m = JSON.parse(data); } catch { /* the application's text */ }
    if (m && m.event === 'resume_token' && typeof m.token === 'string') {
      this.token = m.token;
      // A new connection numbers from 1 again; a resumed one goes on where it was.
      if (!m.resumed) this.last = this.acked = 0;
      return this.emit(m.resumed ? 'resumed' : 'connected');
    }
    if (this.options.ack && m && m.event === 'message' && typeof m.seq === 'number') {
      return this.deliver(m.seq, m.data);
    }
    if (m && PROTOCOL_EVENTS.includes(m.event)) return this.emit(m.event, m);
    this.emit('message', data, {});
  }

  deliver(seq, data) {
    if (seq <= this.last) return; // seen before the reconnect
    this.last = seq;
    this.emit('message', data, { seq });
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

  /** Sends to the worker (a `message` event): a string, or bytes. Queued while not connected. */
  send(data) {
    if (this.ws?.readyState === 1 && this.state === 'open') return this.ws.send(data);
    if (this.queue.push(data) > this.options.maxQueue) this.queue.shift();
  }

  subscribe(channel) {
    this.channels.add(channel);
    if (this.state === 'open') this.raw({ action: 'subscribe', channel });
    return this;
  }

  unsubscribe(channel) {
    this.channels.delete(channel);
    if (this.state === 'open') this.raw({ action: 'unsubscribe', channel });
    return this;
  }

  /** online, away, busy or offline; set again after a reconnect. */
  presence(status) {
    this.status = status;
    if (this.state === 'open') this.raw({ action: 'presence', status });
    return this;
  }
}

export default FrankenWs;
