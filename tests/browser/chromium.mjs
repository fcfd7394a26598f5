// Debian's Chromium, headless, as every browser test launches it: a throwaway profile, and a
// deadline after which the script exits whatever happens (a browser must never hang a test).
// `close()` closes the browser (still under the deadline), then removes the profile.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

export async function launchChromium(name, deadlineMs = 60_000) {
  const profile = mkdtempSync(join(tmpdir(), 'fpws-chromium-'));
  const forget = () => rmSync(profile, { recursive: true, force: true });
  const deadline = setTimeout(() => {
    console.error(`${name}: timed out`);
    forget();
    process.exit(3);
  }, deadlineMs);
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    userDataDir: profile,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
  browser.closeAll = async () => {
    await browser.close();
    clearTimeout(deadline);
    forget();
  };
  return browser;
}

/// A failed run: a screenshot of each page in `shotsDir` (`<name>-<page>.png`), each page's
/// log on stderr, and a failing exit status.
export async function reportFailure(name, error, pages, logOf, shotsDir) {
  mkdirSync(shotsDir, { recursive: true });
  for (const [page, tab] of Object.entries(pages)) {
    await tab.screenshot({ path: join(shotsDir, `${name}-${page}.png`) }).catch(() => {});
    console.error(`${page}'s log:`, JSON.stringify(await logOf(tab).catch(() => [])));
  }
  console.error(`${name}: ${error.stack || error}; screenshots in ${shotsDir}`);
  process.exitCode = 1;
}
