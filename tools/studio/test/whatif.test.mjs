// The leaders' views in a real browser (Debian's chromium, headless, playwright-core) and over
// HTTP: a what-if comparison run from the form produces the leader's table and plots; the server
// refuses a bad comparison with its JSON error, limits comparisons at once and cancels one; the
// care model's system map and staff sample render and update as a care run streams; the HTML
// report of `caresim compare --report` opens with no console errors. Then, against a second studio
// whose scenarios folder holds the class's small city, a posterior and a checkpoint at day 10, the
// form's two options: a comparison with parameter uncertainty started from the saved state, and
// one after a warm-up run; each report says what its intervals cover and where it started.
// Screenshots to <build>/studio-screenshots/ (whatif.png, care_map.png, report.png,
// whatif_uncertainty.png).
// Usage: node whatif.test.mjs <binary> <source dir> <build dir>
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paths, startStudio, check, failed } from './server.mjs';
import { requireChromium, screenshotDir, timer, launchChromium, jsonClient, sleep } from './common.mjs';

await requireChromium();
const where = paths();
const shots = screenshotDir(where.build);
const started = Date.now();
const { timed, timings } = timer();

const { url, stop } = await startStudio(where);
const base = url.replace(/\/$/, '');
const json = jsonClient(url);
const work = mkdtempSync(join(tmpdir(), 'caresim-whatif-'));
const { context, close } = await launchChromium(async () => {
  rmSync(work, { recursive: true, force: true });
  await stop();
});
const consoleErrors = [];
const page = context.pages()[0] || await context.newPage();
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));
page.setDefaultTimeout(30000);

try {
  await timed('server: bad comparisons refused', async () => {
    const options = await json('GET', '/api/whatif');
    check(options.status === 200 && options.data.scenarios.some((s) => s.file === 'what-if/baseline.yaml'),
      `the what-if options list ${options.data.scenarios.length} scenarios`);
    const coaching = options.data.kinds.find((k) => k.kind === 'coaching');
    check(coaching && coaching.keys.some((k) => k.key === 'days' && k.meaning.length > 0),
      `the composer's fields come from the registry's keys (coaching: ${coaching?.keys.map((k) => k.key).join(', ')})`);
    const cases = [
      ['not JSON', '{', 400],
      ['no variants', { baseline: 'what-if/baseline.yaml', variants: [] }, 400],
      ['too many days', { baseline: 'what-if/baseline.yaml', variants: ['what-if/restructure.yaml'], days: 99999 }, 400],
      ['one replicate', { baseline: 'what-if/baseline.yaml', variants: ['what-if/restructure.yaml'], replicates: 1 }, 400],
      ['path traversal', { baseline: '../CMakeLists.txt', variants: ['what-if/restructure.yaml'] }, 404],
      ['unknown kind', { baseline: 'what-if/baseline.yaml', variants: [{ name: 'x', interventions: [{ kind: 'magic', day: 3 }] }] }, 400],
      ['key out of range', { baseline: 'what-if/baseline.yaml', variants: [{ name: 'x', interventions: [{ kind: 'coaching', day: 3, set: { share: 7 } }] }] }, 400],
    ];
    for (const [what, body, status] of cases) {
      const r = await json('POST', '/api/comparisons', body);
      check(r.status === status && typeof r.data?.error === 'string', `${what}: ${r.status} ${r.data?.error}`);
    }
    const unknown = await json('GET', '/api/comparisons/cmp999');
    check(unknown.status === 404 && unknown.data.error.includes('cmp999'), `unknown comparison: ${unknown.status}`);
  });

  await timed('server: limit and cancel', async () => {
    const long = { baseline: 'what-if/baseline.yaml', variants: ['what-if/restructure.yaml'], days: 1000, replicates: 8 };
    const a = await json('POST', '/api/comparisons', long);
    const b = await json('POST', '/api/comparisons', long);
    const c = await json('POST', '/api/comparisons', long);
    check(a.status === 201 && b.status === 201, `two comparisons start (${a.status}, ${b.status})`);
    check(c.status === 429 && c.data.error.includes('already running'), `a third waits: ${c.status} ${c.data?.error}`);
    for (const job of [a, b]) {
      const d = await json('DELETE', `/api/comparisons/${job.data.id}`);
      check(d.status === 200, `cancel ${job.data.id}: ${d.status}`);
    }
    let state;
    for (let i = 0; i < 100; i++) {
      state = (await json('GET', `/api/comparisons/${a.data.id}`)).data;
      const other = (await json('GET', `/api/comparisons/${b.data.id}`)).data;
      if (state.state === 'cancelled' && other.state === 'cancelled' && state.done < state.total) break;
      await sleep(300);
    }
    check(state.state === 'cancelled' && state.done < state.total, `a cancelled comparison stops (${state.done} of ${state.total} runs)`);
    let free;
    for (let i = 0; i < 150; i++) {
      free = await json('POST', '/api/comparisons', { ...long, days: 30, replicates: 2 });
      if (free.status === 201) break;
      await sleep(200);
    }
    check(free.status === 201, `after the cancels a new comparison starts (${free.status})`);
    await json('DELETE', `/api/comparisons/${free.data.id}`);
  });

  await timed('what-if in the browser', async () => {
    await page.goto(`${url}#whatif`);
    await page.waitForSelector('#whatif-variants input');
    await page.check('#whatif-variants input[data-file="what-if/restructure.yaml"]');
    await page.selectOption('#plan-kind', 'coaching');
    await page.fill('#plan-day', '60');
    await page.click('#plan-add');
    await page.fill('#whatif-days', '150');
    await page.fill('#whatif-replicates', '3');
    // The cancelled comparisons above may still be finishing their runs in flight.
    for (let i = 0; i < 100; i++) {
      await page.click('#whatif-run');
      await page.waitForTimeout(300);
      const error = await page.$eval('#error', (e) => (e.hidden ? '' : e.textContent));
      if (!error.includes('already running')) break;
      await page.waitForTimeout(500);
    }
    await page.waitForFunction(() => Number(document.body.dataset.whatifRows || 0) > 0, null, { timeout: 180000 });
    const rows = await page.$$eval('table.leader tr[data-series]', (r) => r.length);
    const first = await page.$eval('table.leader tr[data-series="a_and_e_4h"]', (r) => [...r.children].map((c) => c.textContent));
    check(rows >= 2 * 20, `the leader's table has ${rows} rows for two variants`);
    check(first[0] === 'A&E patients seen within 4 hours' && /%$/.test(first[2]) && /pts$/.test(first[4]),
      `a row reads plainly: ${first.join(' | ')}`);
    const scale = await page.textContent('#whatif-result .scale');
    check(scale.startsWith('Tenth-scale city'), `the scale is stated: "${scale.slice(0, 60)}..."`);
    const plots = await page.$$eval('.whatif-plots figure', (f) => f.length);
    check(plots >= 20 && plots * 2 === rows, `${plots} plots with bands, one per series of the table`);
    const headings = await page.$$eval('#whatif-result h3', (h) => h.map((x) => x.textContent));
    check(headings.includes('restructure compared with baseline') && headings.includes('my_plan compared with baseline'),
      `full arm names: ${headings.join('; ')}`);
    await page.screenshot({ path: join(shots, 'whatif_full.png'), fullPage: true });
    await page.evaluate(() => document.getElementById('whatif-result').scrollIntoView());
    await page.screenshot({ path: join(shots, 'whatif.png'), fullPage: false });
  });

  await timed('care map', async () => {
    await page.goto('about:blank');
    await page.goto(`${url}#run=${encodeURIComponent('teaching/care_critical.yaml')}`);
    await page.waitForFunction(() => window.caresimStudio?.run?.model === 'care');
    await page.click('#play');
    await page.waitForSelector('#care-map canvas');
    await page.waitForFunction(() => Number(document.body.dataset.day || 0) >= 20, null, { timeout: 120000 });
    await page.click('#pause');
    await page.waitForTimeout(300);
    const map = await page.evaluate(() => {
      const cy = window.caresimStudio.views.careMap;
      const staff = window.caresimStudio.views.careStaff;
      return { groups: cy.nodes().length, links: cy.edges().length, people: staff.nodes().length,
        ties: staff.edges().length, minded: staff.nodes('.minded').length,
        updates: Number(document.getElementById('picture').dataset.updates) };
    });
    // care_critical lists seven kinds of organisation (six practices and five charities as one each).
    check(map.groups === 7 && map.links > 0, `the system map shows ${map.groups} groups of organisations and ${map.links} links`);
    check(map.people > 50 && map.ties > map.people, `the staff sample: ${map.people} staff, ${map.ties} ties, ${map.minded} minded`);
    check(map.updates >= 5, `the picture updated ${map.updates} times as the run streamed (frames batch several days)`);
    const caption = await page.textContent('#picture-caption');
    check(/crosses organisations/.test(caption), `caption: ${caption}`);
    await page.screenshot({ path: join(shots, 'care_map.png'), fullPage: false });
  });

  await timed('report file', async () => {
    const out = join(work, 'report.html');
    execFileSync(where.binary, ['compare', `${where.source}/scenarios/what-if/baseline.yaml`,
      `${where.source}/scenarios/what-if/restructure.yaml`, '--days', '120', '--replicates', '2',
      '--threads', '2', '-q', '-o', join(work, 'r.h5'), '--report', out]);
    const html = readFileSync(out, 'utf8');
    check(!/<script|src=|href=/.test(html), 'the report fetches nothing and runs no script');
    await page.goto('about:blank');
    await page.goto(`file://${out}`);
    const shown = await page.evaluate(() => ({
      rows: document.querySelectorAll('table.leader tr').length - 1,
      svgs: document.querySelectorAll('svg').length,
      title: document.querySelector('h1').textContent,
    }));
    check(shown.rows >= 20 && shown.svgs === 2 * shown.rows, `the report shows ${shown.rows} rows and ${shown.svgs} plots: ${shown.title}`);
    await page.screenshot({ path: join(shots, 'report.png'), fullPage: false });
  });

  await timed('what-if: parameter uncertainty and a saved state', async () => {
    // A small scenarios folder: the class's city as baseline, the same with fewer beds, a
    // posterior of three parameter sets, and a checkpoint of the baseline at day 10.
    const folder = join(work, 'scenarios');
    for (const sub of ['what-if', 'calibration', 'checkpoints', 'teaching']) mkdirSync(join(folder, sub), { recursive: true });
    // The studio looks for its scenarios folder by its teaching/ models.
    copyFileSync(`${where.source}/scenarios/teaching/sandpile.yaml`, join(folder, 'teaching', 'sandpile.yaml'));
    const city = readFileSync(`${where.source}/scenarios/class/care_city.yaml`, 'utf8');
    writeFileSync(join(folder, 'what-if', 'baseline.yaml'), city);
    writeFileSync(join(folder, 'what-if', 'fewer_beds.yaml'),
      city.replace('name: care_class', 'name: fewer_beds').replace('hospital: {beds: 45}', 'hospital: {beds: 34}'));
    writeFileSync(join(folder, 'calibration', 'sets.csv'), 'hospital.length_of_stay_days.ltc,weight\n3,1\n6,1\n12,1\n');
    execFileSync(where.binary, ['run', join(folder, 'what-if', 'baseline.yaml'), '--steps', '10', '--checkpoint-every', '10',
      '--threads', '2', '-q', '-o', join(folder, 'checkpoints', 'day10.h5')]);
    const small = await startStudio({ ...where, source: work });
    try {
      await page.goto('about:blank');
      await page.goto(`${small.url}#whatif`);
      await page.waitForSelector('#whatif-variants input[data-file="what-if/fewer_beds.yaml"]');
      const offered = await page.evaluate(() => ({
        parameters: [...document.querySelectorAll('#whatif-parameters option')].map((o) => o.value),
        from: [...document.querySelectorAll('#whatif-from option')].map((o) => o.value),
      }));
      check(offered.parameters.includes('calibration/sets.csv') && offered.from.includes('ckpt:checkpoints/day10.h5.ckpt') &&
        offered.from.includes('warm'), `the form offers the posterior and the saved states: ${offered.parameters.join(', ')} / ${offered.from.join(', ')}`);
      const compare = async (choose) => {
        await page.evaluate(() => { delete document.body.dataset.whatifRows; });
        await choose();
        const [sent] = await Promise.all([
          page.waitForRequest((r) => r.url().endsWith('/api/comparisons') && r.method() === 'POST'),
          page.click('#whatif-run'),
        ]);
        await page.waitForFunction(() => Number(document.body.dataset.whatifRows || 0) > 0, null, { timeout: 180000 });
        return {
          sent: sent.postDataJSON(),
          uncertainty: await page.textContent('#whatif-uncertainty-text'),
          parameters: await page.$eval('#whatif-uncertainty-text', (e) => e.classList.contains('parameters')),
          start: await page.$eval('#whatif-result h3 + p', (e) => e.textContent),
        };
      };
      const withBoth = await compare(async () => {
        await page.check('#whatif-variants input[data-file="what-if/fewer_beds.yaml"]');
        await page.selectOption('#whatif-parameters', 'calibration/sets.csv');
        await page.selectOption('#whatif-from', 'ckpt:checkpoints/day10.h5.ckpt');
        await page.fill('#whatif-days', '30');
        // Four: the three replicates of this seed all draw one set, and then the report says
        // that its intervals cover chance only.
        await page.fill('#whatif-replicates', '4');
      });
      check(withBoth.sent.parameters === 'calibration/sets.csv' && withBoth.sent.from === 'checkpoints/day10.h5.ckpt' &&
        withBoth.sent.warm_up_days === undefined, `the form sends ${JSON.stringify(withBoth.sent)}`);
      check(withBoth.parameters && withBoth.uncertainty.includes('both run-to-run chance and parameter uncertainty') &&
        withBoth.uncertainty.includes('3 parameter sets from sets.csv'), `with the posterior: "${withBoth.uncertainty}"`);
      // Days 0-9 are the saved run's, the same in every arm: effects are measured from day 10.
      check(withBoth.start.includes('saved state of day 10') && withBoth.start.includes('(20 days)'),
        `from the checkpoint: "${withBoth.start}"`);
      await page.evaluate(() => document.querySelector('#whatif-result h2').scrollIntoView());
      await page.screenshot({ path: join(shots, 'whatif_uncertainty.png'), fullPage: false });

      const warm = await compare(async () => {
        await page.selectOption('#whatif-parameters', '');
        await page.selectOption('#whatif-from', 'warm');
        await page.waitForSelector('#whatif-warm-up', { state: 'visible' });
        await page.fill('#whatif-warm-up', '10');
      });
      check(warm.sent.warm_up_days === 10 && warm.sent.from === undefined && warm.sent.parameters === undefined,
        `with a warm-up the form sends ${JSON.stringify(warm.sent)}`);
      check(!warm.parameters && warm.uncertainty.includes('chance only'), `without the posterior: "${warm.uncertainty}"`);
      // The warm-up's days run before the 30 compared, in the same run, and are not compared.
      check(warm.start.includes('day 10') && warm.start.includes('(30 days)'),
        `after a 10-day warm-up: "${warm.start}"`);
    } finally {
      await small.stop();
    }
  });

  // Expected 4xx answers of the bad requests log as resource errors; page errors do not.
  for (let i = consoleErrors.length - 1; i >= 0; i--)
    if (/Failed to load resource: the server responded with a status of 4(00|04|29)/.test(consoleErrors[i])) consoleErrors.splice(i, 1);
  check(consoleErrors.length === 0, `no console errors${consoleErrors.length ? ': ' + consoleErrors.join(' | ') : ''}`);
} catch (e) {
  check(false, `what-if test threw: ${e.stack || e}`);
  await page.screenshot({ path: join(shots, 'whatif_failure.png'), fullPage: true }).catch(() => {});
} finally {
  await close();
  rmSync(work, { recursive: true, force: true });
  await stop();
}
console.log(`timings: ${timings()}`);
console.log(`what-if tests took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots}`);
process.exit(failed() ? 1 : 0);
