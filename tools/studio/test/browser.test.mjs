// The studio in a real browser: Debian's chromium, headless, driven by playwright-core. The page
// loads with no console errors; each teaching model runs and its plot and picture update; a slider
// changes the run; a bad request shows its JSON error; the twin view computes lambda. Saves a
// screenshot of each view to <build>/studio-screenshots/. Exit 77 (skipped) without chromium.
// Usage: node browser.test.mjs <binary> <source dir> <build dir>
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { paths, startStudio, check, failed, SKIP } from './server.mjs';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.log(`SKIP: ${CHROMIUM} is not installed (apt-get install chromium)`);
  process.exit(SKIP);
}
const where = paths();
const shots = join(where.build, 'studio-screenshots');
mkdirSync(shots, { recursive: true });
const started = Date.now();
const timings = [];
const timed = async (name, work) => {
  const t = Date.now();
  await work();
  timings.push(`${name} ${((Date.now() - t) / 1000).toFixed(1)} s`);
};

const { url, stop } = await startStudio(where);
// A fresh profile each time: playwright-core takes it as launchPersistentContext's user data dir
// (it refuses --user-data-dir among the arguments).
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
  await stop();
  process.exit(1);
}
const consoleErrors = [];
const page = context.pages()[0] || await context.newPage();
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));
page.setDefaultTimeout(20000);

const day = () => page.evaluate(() => Number(document.body.dataset.day || 0));
const updates = () => page.evaluate(() => Number(document.getElementById('picture').dataset.updates || 0));
const plotPoints = () => page.evaluate(() => window.caresimStudio.views.plot.data[0].length);

async function open(file) {
  // A fresh page load each time, so no slider setting of an earlier case carries over.
  await page.goto('about:blank');
  await page.goto(`${url}#run=${encodeURIComponent(file)}`);
  await page.waitForFunction((f) => window.caresimStudio?.run?.file === f, file);
}

async function playUntil(steps, speed = 100) {
  await page.fill('#speed', String(speed)).catch(() => {});
  await page.$eval('#speed', (e, v) => { e.value = v; e.dispatchEvent(new Event('input')); }, String(speed));
  await page.click('#play');
  await page.waitForFunction((n) => Number(document.body.dataset.day || 0) >= n, steps, { timeout: 60000 });
  await page.click('#pause');
  await page.waitForTimeout(150);
}

try {
  await timed('gallery', async () => {
    await page.goto(url);
    await page.waitForSelector('.card');
    const cards = await page.$$eval('.card', (c) => c.length);
    check(cards >= 13, `the gallery shows ${cards} presets`);
    await page.screenshot({ path: join(shots, 'gallery.png'), fullPage: true });
  });

  const models = [
    ['teaching/sandpile.yaml', 'grid', 30],
    ['teaching/rbn_critical.yaml', 'raster', 40],
    ['teaching/watts_cascade.yaml', 'network', 20],
    ['teaching/granovetter_riot.yaml', 'bars', 40],
    ['teaching/branching_critical.yaml', 'bars', 8],
    ['teaching/fold_ramped.yaml', 'curve', 560],
  ];
  for (const [file, kind, steps] of models) {
    await timed(file, async () => {
      await open(file);
      const before = await updates();
      await playUntil(steps, file.includes('fold') ? 200 : 60);
      const after = await updates();
      const points = await plotPoints();
      const shownKind = await page.$eval('#picture', (e) => e.dataset.kind);
      check(shownKind === kind && after > before, `${file}: the ${kind} picture updated (${before} -> ${after} draws)`);
      check(points >= steps, `${file}: the plot has ${points} points after ${await day()} steps`);
      const name = file.split('/')[1].replace('.yaml', '');
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    });
  }

  await timed('slider', async () => {
    // rbn_chaotic: about 38% of nodes change each step; the inputs slider at K = 1 freezes it.
    await open('teaching/rbn_chaotic.yaml');
    await playUntil(30);
    const chaotic = await page.evaluate(() => window.caresimStudio.rows.at(-1)[1]);
    const oldId = await page.evaluate(() => window.caresimStudio.run.id);
    await page.$eval('input[data-key="teaching.boolean_network.inputs"]', (e) => {
      e.value = '1';
      e.dispatchEvent(new Event('input'));
      e.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction((id) => window.caresimStudio.run && window.caresimStudio.run.id !== id, oldId);
    const k = await page.evaluate(() => window.caresimStudio.run.sliders.find((s) => s.key.endsWith('inputs')).value);
    await playUntil(30);
    const ordered = await page.evaluate(() => window.caresimStudio.rows.at(-1)[1]);
    check(k === 1 && chaotic > 0.3 && ordered < 0.02,
      `the inputs slider restarts the run: K ${k}, fraction changed ${chaotic.toFixed(3)} -> ${ordered.toFixed(4)}`);
    await page.screenshot({ path: join(shots, 'slider_rbn_k1.png'), fullPage: true });
  });

  await timed('twin', async () => {
    // Seed 3: one flipped node that spreads (for about half the seeds it dies out at once).
    await open('teaching/rbn_chaotic.yaml');
    await page.fill('#seed', '3');
    await page.$eval('#seed', (e) => e.dispatchEvent(new Event('change')));
    await page.waitForFunction(() => window.caresimStudio.run?.seed === 3);
    await page.check('#twin');
    await page.waitForFunction(() => window.caresimStudio.run?.twin === true);
    await playUntil(25);
    const caption = await page.textContent('#twin-caption');
    const lambda = Number((caption.match(/lambda ~ (-?[\d.]+)/) || [])[1]);
    check(Number.isFinite(lambda) && lambda > 0, `the twin view shows lambda live: "${caption}"`);
    await page.screenshot({ path: join(shots, 'twin_rbn_chaotic.png'), fullPage: true });
  });

  await timed('bad request', async () => {
    await page.goto('about:blank');
    await page.goto(`${url}#run=${encodeURIComponent('teaching/no_such_model.yaml')}`);
    await page.waitForSelector('#error:not([hidden])');
    const message = await page.textContent('#error');
    check(message.includes('no_such_model'), `a bad request shows its JSON error: "${message}"`);
    const direct = await page.evaluate(async () => {
      const r = await fetch('/api/runs', { method: 'POST', body: '{"scenario": 3}' });
      return { status: r.status, body: await r.json() };
    });
    check(direct.status === 400 && typeof direct.body.error === 'string', `POST with a bad body: ${direct.status} ${direct.body.error}`);
    await page.screenshot({ path: join(shots, 'error.png') });
    // The expected 404/400 responses log as console errors in Chromium; they are not page errors.
    for (let i = consoleErrors.length - 1; i >= 0; i--)
      if (/Failed to load resource: the server responded with a status of 40[04]/.test(consoleErrors[i])) consoleErrors.splice(i, 1);
  });

  check(consoleErrors.length === 0, `no console errors${consoleErrors.length ? ': ' + consoleErrors.join(' | ') : ''}`);
} catch (e) {
  check(false, `browser test threw: ${e.stack || e}`);
  await page.screenshot({ path: join(shots, 'failure.png'), fullPage: true }).catch(() => {});
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  await stop();
}
console.log(`timings: ${timings.join('; ')}`);
console.log(`browser tests took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots}`);
process.exit(failed() ? 1 : 0);
