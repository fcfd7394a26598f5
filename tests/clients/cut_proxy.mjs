// A TCP proxy in front of a server, that a test can cut: while cut, it drops every connection
// through it and refuses new ones, as a dead network would (tests/clients/js_client.mjs,
// tests/browser/chat.mjs).
import net from 'node:net';

/** Listens on `listenPort` (0: any) and forwards to 127.0.0.1:`targetPort`. */
export async function cutProxy(targetPort, listenPort = 0) {
  const pairs = new Set();
  const proxy = {
    cut: false,
    /** Connections accepted so far, refused ones included. */
    accepted: 0,
    port: 0,
    /** Drops every connection and refuses new ones until `restore()`. */
    cutNow() {
      proxy.cut = true;
      for (const [inbound, outbound] of pairs) { inbound.destroy(); outbound.destroy(); }
    },
    restore() { proxy.cut = false; },
    close() { server.close(); proxy.cutNow(); },
  };
  const server = net.createServer((inbound) => {
    proxy.accepted++;
    if (proxy.cut) return inbound.destroy();
    const outbound = net.connect(targetPort, '127.0.0.1');
    const pair = [inbound, outbound];
    pairs.add(pair);
    inbound.pipe(outbound).pipe(inbound);
    const end = () => { pairs.delete(pair); inbound.destroy(); outbound.destroy(); };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
  });
  await new Promise((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  proxy.port = server.address().port;
  return proxy;
}
