// What the studio's tests share: Debian's chromium started headless through playwright-core, the
// screenshot folder, timings, and a JSON client for the server's API. server.mjs starts the
// studio itself.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SKIP } from './server.mjs';

export const CHROMIUM = '/usr/bin/chromium';

/// Exits 77 (skipped) when Debian's chromium is not installed.
export async function requireChromium() {
  if (!existsSync(CHROMIUM)) {
    console.log(`SKIP: ${CHROMIUM} is not installed (apt-get install chromium)`);
    process.exit(SKIP);
  }
}

/// <build>/studio-screenshots/, made if missing.
export function screenshotDir(build) {
  const shots = join(build, 'studio-screenshots');
  mkdirSync(shots, { recursive: true });
  return shots;
}

/// timed(name, work) runs work and notes how long it took; timings() lists them.
export function timer() {
  const list = [];
  const timed = async (name, work) => {
    const t = Date.now();
    await work();
    list.push(`${name} ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  return { timed, timings: () => list.join('; ') };
}

/// Chromium headless in a fresh profile (playwright-core takes it as launchPersistentContext's
/// user data dir; it refuses --user-data-dir among the arguments). Returns { context, close }, or
/// exits 1 after `onFail` when chromium does not start.
export async function launchChromium(onFail) {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'caresim-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 950 },
      timeout: 60000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  } catch (e) {
    console.log(`FAIL chromium did not start: ${e.message}`);
    rmSync(profile, { recursive: true, force: true });
    if (onFail) await onFail();
    process.exit(1);
  }
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

/// json(method, path, body) against the studio at `url`: { status, data, text, type }.
export function jsonClient(url) {
  const base = url.replace(/\/$/, '');
  return async (method, path, body) => {
    const response = await fetch(base + path, {
      method, body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
      headers: { 'Content-Type': 'application/json' },
    });
    const text = await response.text();
    let data = null;
    try { data = JSON.parse(text); } catch { /* not JSON */ }
    return { status: response.status, data, text, type: response.headers.get('content-type') };
  };
}

/// Reads an event stream with fetch: calls onData(parsed JSON) for each data event; the returned
/// stream has status, ended (after an "end" event), error, abort() and done (a promise).
export function readEvents(url, path, onData) {
  const base = url.replace(/\/$/, '');
  const controller = new AbortController();
  const stream = { ended: false, error: null, status: 0, abort: () => controller.abort() };
  stream.done = (async () => {
    try {
      const response = await fetch(base + path, { signal: controller.signal });
      stream.status = response.status;
      if (response.status !== 200) return;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (event.startsWith('event: end')) stream.ended = true;
          else if (event.startsWith('data: ')) onData(JSON.parse(event.slice(6)));
        }
      }
    } catch (e) {
      if (e.name !== 'AbortError') stream.error = e;
    }
  })();
  return stream;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Waits (polling every 50 ms, up to `ms`) until predicate() holds; returns whether it does.
export async function until(predicate, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (predicate()) return true; await sleep(50); }
  return predicate();
}
