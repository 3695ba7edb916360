// The studio in a real browser: Debian's chromium, headless, driven by playwright-core. The page
// loads with no console errors; each teaching model runs and its plot and picture update; a slider
// changes the run; a bad request shows its JSON error; the twin view computes lambda. Saves a
// screenshot of each view to <build>/studio-screenshots/. Exit 77 (skipped) without chromium.
// Usage: node browser.test.mjs <binary> <source dir> <build dir>
import { join } from 'node:path';
import { paths, startStudio, check, failed } from './server.mjs';
import { requireChromium, screenshotDir, timer, launchChromium } from './common.mjs';

await requireChromium();
const where = paths();
const shots = screenshotDir(where.build);
const started = Date.now();
const { timed, timings } = timer();

const { url, stop } = await startStudio(where);
const { context, close } = await launchChromium(stop);
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

  await timed('live slider', async () => {
    // The sandpile's grains per step act live: the run goes on (same run, the step counter and the
    // rows keep going) and the avalanches grow with the drive.
    await open('teaching/sandpile.yaml');
    const marked = await page.textContent('label:has(input[data-key="teaching.sandpile.grains_per_step"]) .how');
    await playUntil(200, 100);  // past the filling: the pile is critical
    const id = await page.evaluate(() => window.caresimStudio.run.id);
    const stepBefore = await day();
    const rowsBefore = await page.evaluate(() => window.caresimStudio.rows.length);
    await page.$eval('input[data-key="teaching.sandpile.grains_per_step"]', (e) => {
      e.value = '900';
      e.dispatchEvent(new Event('input'));
      e.dispatchEvent(new Event('change'));
    });
    await page.waitForTimeout(300);
    await playUntil(stepBefore + 15);
    const idAfter = await page.evaluate(() => window.caresimStudio.run.id);
    const rows = await page.evaluate(() => window.caresimStudio.rows);
    const stepAfter = await day();
    // Topplings per step before and after the change: the drive is 9x larger.
    const column = await page.evaluate(() => window.caresimStudio.run.series.find((x) => x.name === 'topplings').column);
    const mean = (a, b) => rows.slice(a, b).reduce((t, r) => t + r[column], 0) / (b - a);
    const early = mean(Math.max(0, rowsBefore - 10), rowsBefore), late = mean(rows.length - 5, rows.length);
    check(id === idAfter && stepAfter > stepBefore && rows.length === stepAfter && rows.length > rowsBefore,
      `a live slider keeps the run going: run ${id} -> ${idAfter}, step ${stepBefore} -> ${stepAfter}, ${rows.length} rows (marked "${marked.trim()}")`);
    check(late > 3 * early, `the live change shows in the run: topplings per step ${early.toFixed(0)} -> ${late.toFixed(0)}`);
    const restart = await page.textContent('label:has(input[data-key="teaching.sandpile.side"]) .how');
    check(marked.includes('acts live') && restart.includes('restarts'), `the page says which sliders act live ("${marked.trim()}") and which restart ("${restart.trim()}")`);
    await page.screenshot({ path: join(shots, 'live_sandpile.png'), fullPage: true });
  });

  await timed('derrida', async () => {
    const slopes = {};
    for (const name of ['rbn_ordered', 'rbn_critical', 'rbn_chaotic']) {
      await open(`teaching/${name}.yaml`);
      await page.waitForFunction(() => document.getElementById('derrida-panel').dataset.slope);
      slopes[name] = Number(await page.$eval('#derrida-panel', (e) => e.dataset.slope));
      if (name === 'rbn_chaotic') await page.screenshot({ path: join(shots, 'derrida_rbn_chaotic.png'), fullPage: true });
    }
    const caption = await page.textContent('#derrida-caption');
    check(slopes.rbn_ordered < 0.9 && Math.abs(slopes.rbn_critical - 1) < 0.15 && slopes.rbn_chaotic > 1.1,
      `the Derrida plot's slope at the origin: ordered ${slopes.rbn_ordered.toFixed(2)}, critical ${slopes.rbn_critical.toFixed(2)}, chaotic ${slopes.rbn_chaotic.toFixed(2)} ("${caption}")`);
    await open('teaching/sandpile.yaml');
    check(await page.$eval('#derrida-panel', (e) => e.hidden), 'no Derrida plot for the sandpile');
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
    // The caption is redrawn on the next animation frame after the rows arrive (slow under load).
    await page.waitForFunction(() => /lambda/.test(document.getElementById('twin-caption').textContent), null, { timeout: 10000 }).catch(() => {});
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
  await close();
  await stop();
}
console.log(`timings: ${timings()}`);
console.log(`browser tests took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots}`);
process.exit(failed() ? 1 : 0);
