// Types for frankenphp_ws.js.

export type State = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface Options {
  /** Number and acknowledge messages, so a resume loses and repeats nothing (default true). */
  ack?: boolean;
  /** First reconnect delay in ms, doubled each failed attempt, with jitter (default 500). */
  minDelay?: number;
  /** Longest reconnect delay in ms (default 10000). */
  maxDelay?: number;
  /** A handshake not done in this many ms is given up on and retried (default 10000). */
  connectTimeout?: number;
  /** Acknowledge after this many messages (default 100)… */
  ackEvery?: number;
  /** …or this many ms after the first unacknowledged one (default 1000). */
  ackAfter?: number;
  /** Messages queued by send() while not connected, oldest dropped first (default 100). */
  maxQueue?: number;
  /** The WebSocket class (default globalThis.WebSocket; in Node < 22, the `ws` package's). */
  WebSocket?: unknown;
  /** false: wait for connect() (default true: connect now). */
  connect?: boolean;
}

/** A server reply: {event: 'subscribed', channel}, {event: 'error', code, message}, … */
export interface Reply {
  event: string;
  channel?: string;
  code?: string;
  message?: string;
  status?: string;
}

export interface Events {
  /** Application data: a string, or an ArrayBuffer for binary; `seq` with acknowledgements. */
  message: (data: string | ArrayBuffer, meta: { seq?: number }) => void;
  /** A state change; `detail` has the close code and reason when a socket ended
   * (`closed` with reason `killed`: the application ended the connection, for good). */
  state: (state: State, detail?: { code: number; reason: string }) => void;
  /** With the server's resume_tokens=auto: a new connection… */
  connected: () => void;
  /** …or the old one taken back, its missed messages about to follow. */
  resumed: () => void;
  subscribed: (reply: Reply) => void;
  unsubscribed: (reply: Reply) => void;
  error: (reply: Reply) => void;
  presence: (reply: Reply) => void;
}

export class FrankenWs {
  constructor(url: string, options?: Options);
  readonly state: State;
  /** The resume token the server gave (resume_tokens=auto), or null. */
  readonly token: string | null;
  /** The number of the last message received (acknowledgements). */
  readonly last: number;
  on<E extends keyof Events>(event: E, handler: Events[E]): this;
  off<E extends keyof Events>(event: E, handler: Events[E]): this;
  /** Connects now; an open socket is replaced (a resume takes its connection over at once). */
  connect(): void;
  /** Stops: no reconnection. (A ghost connection waits on the server until its ghost_ttl.) */
  close(): void;
  /** To the worker, as a `message` event; queued while not connected. */
  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void;
  subscribe(channel: string): this;
  unsubscribe(channel: string): this;
  presence(status: 'online' | 'away' | 'busy' | 'offline'): this;
}

export default FrankenWs;
