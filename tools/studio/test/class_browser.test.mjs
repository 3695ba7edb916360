// A class plays the system in a real browser (Debian's chromium, headless, playwright-core): a
// teacher page starts a class and shows its code, two student pages join with it, set their
// organisations' levers and submit; the teacher runs the month and every page sees it; the shared
// run differs from the same city run with other levers; the debrief shows each choice and its
// effect. Screenshots to <build>/studio-screenshots/class_*.png.
// Usage: node class_browser.test.mjs <binary> <source dir> <build dir>
import { join } from 'node:path';
import { paths, startStudio, check, failed } from './server.mjs';
import { requireChromium, screenshotDir, timer, launchChromium, jsonClient, readEvents, until } from './common.mjs';

await requireChromium();
const where = paths();
const shots = screenshotDir(where.build);
const started = Date.now();
const { timed, timings } = timer();
const { url, stop } = await startStudio(where);
const json = jsonClient(url);
const { context, close } = await launchChromium(stop);

const consoleErrors = [];
const newPage = async () => {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.setDefaultTimeout(30000);
  return page;
};
const roundOf = (page) => page.evaluate(() => window.caresimClass?.last?.round ?? -1);

try {
  const teacher = await newPage();
  const ada = await newPage();
  const bo = await newPage();
  let code;
  await timed('teacher starts a class', async () => {
    await teacher.goto(`${url}#class`);
    await teacher.click('#class-start');
    await teacher.waitForFunction(() => /^[A-Z2-9]{5}$/.test(document.getElementById('class-code').textContent));
    code = await teacher.textContent('#class-code');
    check(true, `the teacher's page shows the join code ${code}`);
  });

  await timed('two students join and choose', async () => {
    for (const [page, name] of [[ada, 'Ada'], [bo, 'Bo']]) {
      await page.goto(`${url}#class`);
      await page.fill('#join-code', code.toLowerCase());
      await page.fill('#join-name', name);
      await page.click('#join-button');
      await page.waitForSelector('#player-levers input');
    }
    const adaRole = await ada.textContent('#player-role');
    const boRole = await bo.textContent('#player-role');
    check(adaRole.includes('Hospital') && boRole.includes('Community'), `roles dealt: "${adaRole}" / "${boRole}"`);
    await teacher.waitForFunction(() => document.querySelectorAll('#class-players li').length === 2);
    // Ada protects 40% of the hospital's time; Bo sends 30 community staff to the workshop.
    const set = (page, key, value) => page.$$eval(`#player-levers input[data-key="${key}"]`, (list, v) => {
      for (const e of list) {
        e.value = v;
        e.dispatchEvent(new Event('input'));
      }
      return list.length;
    }, String(value));
    const levers = (await set(ada, 'system_time', 40)) + (await set(ada, 'pressure_passed', 30)) +
      (await set(bo, 'workshop_staff', 30));
    check(levers === 3, `the students set ${levers} levers with sliders`);
    await ada.click('#player-submit');
    await bo.click('#player-submit');
    await ada.waitForFunction(() => /are in/.test(document.getElementById('player-status').textContent));
    await teacher.waitForFunction(() => /2 of 2 leaders have chosen/.test(document.getElementById('class-status').textContent));
    await ada.screenshot({ path: join(shots, 'class_player.png'), fullPage: true });
  });

  await timed('the teacher runs two months', async () => {
    for (let round = 1; round <= 2; round++) {
      if (round === 2) {
        await ada.click('#player-submit');
        await teacher.waitForFunction(() => /1 of 2 leaders have chosen/.test(document.getElementById('class-status').textContent));
      }
      await teacher.click('#class-advance');
      for (const page of [teacher, ada, bo])
        await page.waitForFunction((r) => window.caresimClass?.last?.round === r && !window.caresimClass.last.running, round, { timeout: 60000 });
      check((await Promise.all([teacher, ada, bo].map(roundOf))).every((r) => r === round), `round ${round}: all three pages saw it`);
    }
    const rows = await ada.evaluate(() => window.caresimClass.rows.length);
    const points = await teacher.evaluate(() => window.caresimClass.plots[3].data[0].length);
    check(rows === 60 && points === 60, `every page holds the 60 days streamed (${rows} rows, ${points} points plotted)`);
    await teacher.waitForSelector('#class-picture .cy');
    await teacher.screenshot({ path: join(shots, 'class_teacher.png'), fullPage: true });
  });

  await timed('the shared run differs from one with other levers', async () => {
    // The same city and seed, two players who leave every lever as it was.
    const other = await json('POST', '/api/classes', { counterfactual: false });
    const players = [];
    for (const name of ['X', 'Y']) players.push((await json('POST', `/api/classes/${other.data.code}/players`, { name })).data);
    let rows = [];
    const stream = readEvents(url, `/api/classes/${other.data.code}/events`, (e) => {
      rows = rows.slice(0, e.first_day).concat(e.rows);
    });
    for (let round = 1; round <= 2; round++) {
      await json('POST', `/api/classes/${other.data.code}/advance`, { teacher: other.data.teacher });
      await until(() => rows.length >= round * 30, 60000);
    }
    stream.abort();
    const played = await teacher.evaluate(() => window.caresimClass.rows);
    const series = (await teacher.evaluate(() => window.caresimClass.info.series)).map((s) => s.name);
    const k = series.indexOf('mean_system_share');
    const mean = (rs) => rs.slice(30, 60).reduce((a, r) => a + r[k], 0) / 30;
    check(rows.length === 60 && mean(played) > mean(rows) + 0.005,
      `staff time on system work, month 2: ${(100 * mean(played)).toFixed(1)}% with the students' levers against ${(100 * mean(rows)).toFixed(1)}% without`);
    await json('DELETE', `/api/classes/${other.data.code}`, { teacher: other.data.teacher });
  });

  await timed('debrief', async () => {
    await teacher.waitForFunction(() => !window.caresimClass.last.effects_pending, null, { timeout: 60000 });
    await teacher.click('#class-debrief-button');
    await teacher.waitForSelector('table.debrief');
    const text = await teacher.textContent('#class-debrief');
    check(text.includes('Hospital (Ada)') && text.includes('Community (Bo)') && text.includes('Staff time protected for system work: 40 %'),
      'the debrief lists each organisation, its leaders and their choices');
    const effects = await teacher.$$eval('table.debrief tbody tr:not(.round) td', (tds) => tds.map((t) => t.textContent).filter((t) => /^[+-]/.test(t)).length);
    check(effects > 0, `the debrief shows ${effects} paired effects of the choices`);
    await teacher.screenshot({ path: join(shots, 'class_debrief.png'), fullPage: true });
  });

  await timed('bad code', async () => {
    const page = await newPage();
    await page.goto(`${url}#class`);
    await page.fill('#join-code', 'ZZZZZ');
    await page.fill('#join-name', 'Late');
    await page.click('#join-button');
    await page.waitForSelector('#error:not([hidden])');
    const message = await page.textContent('#error');
    check(message.includes('no class with code'), `a wrong code shows its JSON error: "${message}"`);
    for (let i = consoleErrors.length - 1; i >= 0; i--)
      if (/Failed to load resource: the server responded with a status of 404/.test(consoleErrors[i])) consoleErrors.splice(i, 1);
  });
  check(consoleErrors.length === 0, `no console errors${consoleErrors.length ? ': ' + consoleErrors.join(' | ') : ''}`);
} catch (e) {
  check(false, `class browser test threw: ${e.stack || e}`);
} finally {
  await close();
  await stop();
}
console.log(`timings: ${timings()}`);
console.log(`class browser test took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots}`);
process.exit(failed() ? 1 : 0);
