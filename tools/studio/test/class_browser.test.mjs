// A class plays the system in a real browser (Debian's chromium, headless, playwright-core): a
// teacher page starts a class and shows its code, two student pages join with it, set their
// organisations' levers and submit; the teacher runs the month and every page sees it; the shared
// run differs from the same city run with other levers; the debrief shows each choice and its
// effect. Then the teacher's pace control: ticking "when every leader has chosen" runs month 3 as
// the second student submits; a 3-second timer runs month 4 with the student who did not submit
// keeping their levers. Then seats survive reloads: a student reloads and is shown the same
// organisation and levers, the teacher reloads and keeps the code and the control, a new tab
// offers the browser's last seat and takes it when asked, "Join afresh" leaves it, and a seat the
// server does not know gives a notice. Screenshots to <build>/studio-screenshots/class_*.png.
// Usage: node class_browser.test.mjs <binary> <source dir> <build dir>
import { join } from 'node:path';
import { paths, startStudio, check, failed } from './server.mjs';
import { requireChromium, screenshotDir, timer, launchChromium, jsonClient, readEvents, until, sleep } from './common.mjs';

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
// Sets a student's slider (for every input with that lever key) as if dragged.
let set;
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
    set = (page, key, value) => page.$$eval(`#player-levers input[data-key="${key}"]`, (list, v) => {
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

  await timed('the teacher\'s pace control', async () => {
    const paceOf = async () => (await json('GET', `/api/classes/${code}`)).data;
    await teacher.check('#class-when-all');
    check(await (async () => {
      for (let i = 0; i < 100; i++) { if ((await paceOf()).advance_when_all_submitted) return true; await sleep(50); }
      return false;
    })(), 'ticking "when every leader has chosen" sets the class\'s pace');
    await ada.click('#player-submit');
    await teacher.waitForFunction(() => /1 of 2 leaders have chosen/.test(document.getElementById('class-status').textContent));
    const waiting = await paceOf();
    check(waiting.round === 2 && !waiting.running, `with 1 of 2 chosen month 3 waits (round ${waiting.round})`);
    await teacher.screenshot({ path: join(shots, 'class_pace.png'), fullPage: false });
    const tAll = Date.now();
    await bo.click('#player-submit');
    for (const page of [teacher, ada, bo])
      await page.waitForFunction(() => window.caresimClass?.last?.round === 3 && !window.caresimClass.last.running, null, { timeout: 60000 });
    check(true, `month 3 ran on every page once Bo submitted, without the teacher's button (${Date.now() - tAll} ms to the month's end)`);

    // A 3-second timer instead; only Ada chooses for month 4. A stream of the class's events,
    // read here, times when month 4 starts (screenshots on a busy machine take seconds) and stops
    // the timer with the teacher's token the moment it does, so that no fifth month follows.
    await teacher.waitForFunction(() => !window.caresimClass.last.effects_pending, null, { timeout: 60000 });
    const token = await teacher.evaluate(() => window.caresimClass.teacher);
    let month4At = 0, timerSetAt = 0;
    const stream = readEvents(url, `/api/classes/${code}/events`, (e) => {
      if (!timerSetAt && e.round_seconds === 3) timerSetAt = Date.now();
      if (month4At || !((e.round === 3 && e.running) || e.round >= 4)) return;
      month4At = Date.now();
      json('POST', `/api/classes/${code}/pace`, { teacher: token, advance_when_all_submitted: true, round_seconds: 0 });
    });
    await teacher.uncheck('#class-when-all');
    await teacher.fill('#class-seconds', '3');
    // Ada chooses before the timer starts: on a loaded machine setting a slider and submitting
    // could take longer than the 3 s, and month 4 would then run without her choice.
    await set(ada, 'system_time', 20);
    await ada.click('#player-submit');
    await teacher.waitForFunction(() => /1 of 2 leaders have chosen/.test(document.getElementById('class-status').textContent));
    const tTimer = Date.now();
    await teacher.check('#class-timer-on');
    await teacher.waitForFunction(() => /month 4 starts in 0:0[1-3]/.test(document.getElementById('class-countdown').textContent));
    const countdown = await teacher.textContent('#class-countdown');
    check(await until(() => month4At > 0, 60000), 'month 4 started on the timer');
    stream.abort();
    // The timer counts from when the server took the teacher's change: after the tick began and
    // just before the stream told of it.
    const fromTick = month4At - tTimer, fromSet = month4At - timerSetAt;
    check(fromTick >= 3000 && fromSet >= 2500 && fromSet < 4500,
      `the teacher's page counted down ("${countdown}"); month 4 started ${fromSet} ms after the server took the 3 s timer (${fromTick} ms after the tick began)`);
    for (const page of [teacher, ada, bo])
      await page.waitForFunction(() => window.caresimClass?.last?.round >= 4 && !window.caresimClass.last.running, null, { timeout: 60000 });
    const debrief = (await json('GET', `/api/classes/${code}/debrief`)).data;
    const value = (round, kind, key) => debrief.rounds[round - 1].organisations.find((o) => o.kind === kind)
      .levers.find((l) => l.key === key).value;
    check(value(4, 'acute', 'system_time') === 20 && value(4, 'community', 'workshop_staff') === 30 &&
      value(3, 'community', 'workshop_staff') === 30,
    `month 4: the hospital's new 20 %, the community's ${value(4, 'community', 'workshop_staff')} workshop staff kept from month 3 (Bo did not submit)`);
    const after = await paceOf();
    check(after.round === 4 && after.round_seconds === 0 && after.advance_when_all_submitted, 'the timer is off again and no fifth month ran');
  });

  await timed('seats survive a reload', async () => {
    await bo.reload();
    await bo.waitForSelector('#player-levers input');
    const role = await bo.textContent('#player-role');
    const workshop = await bo.$eval('#player-levers input[data-key="workshop_staff"]', (e) => e.value);
    check(role.includes('Bo') && role.includes('Community') && workshop === '30',
      `Bo reloads: "${role}", workshop staff ${workshop}`);
    await bo.waitForFunction(() => window.caresimClass?.last?.round === 4);
    const players = await teacher.evaluate(() => window.caresimClass.last.players.map((p) => p.name).join(', '));
    check(players === 'Ada, Bo', `no new seat taken (leaders: ${players})`);
    await bo.screenshot({ path: join(shots, 'class_rejoin.png'), fullPage: true });

    await teacher.reload();
    await teacher.waitForFunction(() => /^[A-Z2-9]{5}$/.test(document.getElementById('class-code').textContent));
    const shown = await teacher.textContent('#class-code');
    const control = await teacher.evaluate(() => [document.getElementById('class-when-all').checked, document.getElementById('class-timer-on').checked]);
    check(shown === code && control[0] && !control[1], `the teacher reloads: code ${shown}, "when every leader has chosen" ${control[0] ? 'ticked' : 'not ticked'}, timer ${control[1] ? 'on' : 'off'}`);
    // The teacher's token still works from the reloaded page.
    await teacher.uncheck('#class-when-all');
    check(await (async () => {
      for (let i = 0; i < 100; i++) { if (!(await json('GET', `/api/classes/${code}`)).data.advance_when_all_submitted) return true; await sleep(50); }
      return false;
    })(), 'the reloaded teacher page changes the pace');

    // A new tab has no seat of its own: it offers the browser's last one (Bo's, kept in
    // localStorage) and takes it when asked; "Join afresh" leaves it for the lobby.
    const tab = await newPage();
    await tab.goto(`${url}#class`);
    await tab.waitForSelector('#class-resume-box:not([hidden])');
    const offer = await tab.textContent('#class-resume');
    check(offer === `Back to my place: Bo in class ${code}` && await tab.isVisible('#class-lobby'), `a new tab shows the lobby and offers "${offer}"`);
    await tab.click('#class-resume');
    await tab.waitForSelector('#player-levers input');
    const tabRole = await tab.textContent('#player-role');
    check(tabRole.includes('Bo'), `a new tab of the same browser takes back the last seat: "${tabRole}"`);
    await tab.click('#player-leave');
    await tab.waitForSelector('#class-lobby:not([hidden])');
    check(await tab.evaluate(() => localStorage.getItem('caresim-class-seat') === null), '"Join afresh" forgets the seat');
    // A seat the server does not know (another server, an ended class): a notice and the lobby.
    await tab.evaluate((c) => sessionStorage.setItem('caresim-class-seat', JSON.stringify({ code: c, player: 'not-a-token' })), code);
    await tab.reload();
    await tab.waitForSelector('#class-lobby-notice:not([hidden])');
    const notice = await tab.textContent('#class-lobby-notice');
    check(notice.includes(`class ${code} is gone`) && notice.includes('not a seat') && await tab.isVisible('#class-lobby'),
      `a wrong token: "${notice}"`);
    await tab.close();
    for (let i = consoleErrors.length - 1; i >= 0; i--)
      if (/Failed to load resource: the server responded with a status of 403/.test(consoleErrors[i])) consoleErrors.splice(i, 1);
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
