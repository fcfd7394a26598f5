// permessage-deflate with a real browser: headless Chromium opens a page (served here, on
// 127.0.0.1:PAGE_PORT) whose WebSocket to the test worker negotiates compression. The page
// subscribes, has the worker broadcast a JSON message of a few KiB to the channel, and sends
// the same message to be echoed (Chromium compresses what it sends). Prints one JSON line:
// the negotiated extensions and what came back. tests/compression_clients.rs judges it.
//
// Usage: node compression.mjs '{"ws_url":…,"page_port":…,"message":…}'
import http from 'node:http';
import { launchChromium } from './chromium.mjs';

const { ws_url, page_port, message } = JSON.parse(process.argv[2]);

const pages = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<!doctype html><title>compression</title>');
});
await new Promise((resolve) => pages.listen(page_port, '127.0.0.1', resolve));

// Bounded: whatever happens, the browser and the page server go within 60 s.
const browser = await launchChromium('compression.mjs');
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${page_port}/`, { waitUntil: 'load' });
  const result = await page.evaluate((url, message) => new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const got = [];
    ws.onerror = () => reject(new Error('WebSocket error'));
    ws.onopen = () => ws.send(JSON.stringify({ action: 'subscribe', channel: 'prices' }));
    ws.onmessage = (e) => {
      got.push(e.data);
      if (got.length === 1) {
        // Subscribed: the broadcast, then the echo.
        ws.send(`broadcast:prices:${message}`);
        ws.send(`echo:${message}`);
      } else if (got.length === 3) {
        resolve({ extensions: ws.extensions, replies: got });
        ws.close(1000);
      }
    };
  }), ws_url, message);
  console.log(JSON.stringify(result));
} finally {
  await browser.closeAll();
  pages.close();
}
