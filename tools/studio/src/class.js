// A class plays the system (like NetLogo's HubNet): the teacher starts a care city and shows its
// join code; each student joins with the code and a name, leads one organisation and, each round
// (a month), sets its levers in plain words and units; the city runs the month on the server and
// every page watches the system map and the headline series (rounds marked) stream in. The
// debrief puts each round's choices beside what happened and what each change did (a paired
// month without it). Talks to /api/classes (studio/classroom.hpp).
//
// A seat survives a reload: the page keeps {code, player, name} (a student) or {code, teacher} in
// this tab's sessionStorage and in localStorage. On a reload (sessionStorage) it takes the seat
// back from the server (/rejoin for a student) instead of joining anew. A new tab or a reopened
// browser (localStorage only) offers a button back to that seat rather than taking it by itself:
// two tabs of one browser (a shared machine, the browser tests) must not end up in one seat.
import uPlot from 'uplot';
import { drawCare } from './care.js';

const $ = (id) => document.getElementById(id);
const view = { api: null, showError: null, code: null, teacher: null, me: null, source: null,
  info: null, rows: [], plots: [], pictureViews: {}, last: null, lastAt: 0, ticker: null };
const SEAT_KEY = 'caresim-class-seat';

function savedSeat(store) {
  try {
    const seat = JSON.parse(store.getItem(SEAT_KEY) || 'null');
    if (seat && seat.code && (seat.player || seat.teacher)) return seat;
  } catch { /* a damaged entry: ignored */ }
  return null;
}

function keepSeat(seat) {
  const text = JSON.stringify(seat);
  sessionStorage.setItem(SEAT_KEY, text);
  localStorage.setItem(SEAT_KEY, text);
}

function forgetSeat() {
  sessionStorage.removeItem(SEAT_KEY);
  localStorage.removeItem(SEAT_KEY);
}
// For the browser tests: the class view's state, read-only by convention.
window.caresimClass = view;

export function hideClass() {
  $('class-view').hidden = true;
}

export async function showClass(api, showError, code) {
  view.api = api;
  view.showError = showError;
  $('class-view').hidden = false;
  $('class-start').onclick = () => startClass().catch((e) => showError(e.message));
  $('class-join').onsubmit = (event) => {
    event.preventDefault();
    joinClass().catch((e) => showError(e.message));
  };
  $('class-advance').onclick = () => advance().catch((e) => showError(e.message));
  for (const id of ['class-when-all', 'class-timer-on', 'class-seconds'])
    $(id).onchange = () => setPace().catch((e) => showError(e.message));
  $('class-debrief-button').onclick = () => debrief().catch((e) => showError(e.message));
  $('player-leave').onclick = () => leave();
  if (code) $('join-code').value = code;
  if (view.me || view.teacher) return;  // already in a seat (the hash changed back to #class)
  // A code in the address that is not the kept seat's: the student is joining another class.
  const fits = (seat) => seat && (!code || code.toUpperCase() === seat.code);
  const tab = savedSeat(sessionStorage), browser = savedSeat(localStorage);
  if (fits(tab)) {
    await takeBack(tab);
  } else if (fits(browser)) {
    $('class-resume').textContent = browser.player ? `Back to my place: ${browser.name} in class ${browser.code}` :
      `Back to class ${browser.code} as its teacher`;
    $('class-resume').onclick = () => takeBack(browser).catch((e) => showError(e.message));
    $('class-resume-box').hidden = false;
  }
}

async function takeBack(seat) {
  $('class-resume-box').hidden = true;
  try {
    if (seat.player) {
      const me = await view.api('POST', `/api/classes/${seat.code}/rejoin`, { player: seat.player });
      sessionStorage.setItem(SEAT_KEY, JSON.stringify(seat));
      await seated(me);
    } else {
      const info = await view.api('GET', `/api/classes/${seat.code}`);
      sessionStorage.setItem(SEAT_KEY, JSON.stringify(seat));
      await teaching(info, seat.teacher);
    }
  } catch (e) {
    if (e.status !== 403 && e.status !== 404) throw e;
    forgetSeat();
    $('class-lobby-notice').textContent = `Your place in class ${seat.code} is gone (${e.message}). Start or join a class.`;
    $('class-lobby-notice').hidden = false;
  }
}

function leave() {
  forgetSeat();
  location.reload();
}

async function startClass() {
  const started = await view.api('POST', '/api/classes', pace());
  keepSeat({ code: started.code, teacher: started.teacher });
  await teaching(started, started.teacher);
}

async function teaching(info, teacher) {
  view.teacher = teacher;
  $('class-teacher').hidden = false;
  $('class-lobby').hidden = true;
  $('class-lobby-notice').hidden = true;
  $('class-code').textContent = info.code;
  $('class-code-hint').textContent = `Students: open this page (${location.origin}/#class), type the code and your name.`;
  showPace(info);
  await watch(info.code);
}

/// The pace the teacher's controls ask for, as the server takes it.
function pace() {
  const seconds = Math.round(Number($('class-seconds').value));
  return {
    advance_when_all_submitted: $('class-when-all').checked,
    round_seconds: $('class-timer-on').checked && seconds >= 1 ? Math.min(seconds, 3600) : 0,
  };
}

function showPace(p) {
  $('class-when-all').checked = p.advance_when_all_submitted;
  $('class-timer-on').checked = p.round_seconds > 0;
  if (p.round_seconds > 0) $('class-seconds').value = p.round_seconds;
}

// One pace request at a time, in the order the controls changed (typing the seconds, then ticking
// the timer, fires two changes at once; the later must win).
let paceQueue = Promise.resolve();
function setPace() {
  paceQueue = paceQueue.catch(() => {}).then(async () => {
    // The body is read when the request goes, so the last one carries the controls as they are.
    await view.api('POST', `/api/classes/${view.code}/pace`, { teacher: view.teacher, ...pace() });
    view.showError('');
  });
  return paceQueue;
}

async function joinClass() {
  const code = $('join-code').value.trim().toUpperCase();
  const name = $('join-name').value.trim();
  const me = await view.api('POST', `/api/classes/${code}/players`, { name });
  keepSeat({ code: me.code, player: me.player, name: me.name });
  view.showError('');
  await seated(me);
}

async function seated(me) {
  view.me = me;
  $('class-lobby').hidden = true;
  $('class-lobby-notice').hidden = true;
  $('class-player').hidden = false;
  $('player-role').textContent = `${me.name}, you lead ${me.org_name} (${me.kind.replaceAll('_', ' ')}) in class ${me.code}.`;
  buildLevers(me.levers);
  $('player-status').textContent = me.submitted ? `Your choices for month ${me.open_round} are in.` : '';
  $('player-submit').onclick = () => submit().catch((e) => view.showError(e.message));
  await watch(me.code);
}

function buildLevers(levers) {
  const box = $('player-levers');
  box.replaceChildren();
  for (const l of levers) {
    const label = document.createElement('label');
    const shown = document.createElement('strong');
    const input = document.createElement('input');
    input.type = 'range';
    input.min = l.lo;
    input.max = l.hi;
    input.step = l.step;
    input.value = l.value;
    input.dataset.key = l.key;
    const say = () => (shown.textContent = ` ${input.value} ${l.unit}`);
    input.addEventListener('input', say);
    say();
    const meaning = document.createElement('div');
    meaning.className = 'meaning';
    meaning.textContent = l.meaning;
    label.append(document.createTextNode(l.name), shown, document.createElement('br'), input, meaning);
    box.append(label);
  }
}

async function submit() {
  const levers = {};
  for (const input of $('player-levers').querySelectorAll('input')) levers[input.dataset.key] = Number(input.value);
  const round = view.last ? view.last.open_round : 1;
  const answer = await view.api('POST', `/api/classes/${view.me.code}/choices`,
    { player: view.me.player, round, levers });
  view.showError('');
  $('player-status').textContent = `Your choices for month ${answer.round} are in (${answer.submitted} of ${answer.players} leaders have chosen).`;
}

async function advance() {
  await view.api('POST', `/api/classes/${view.code}/advance`, { teacher: view.teacher });
  view.showError('');
}

async function watch(code) {
  view.code = code;
  view.info = await view.api('GET', `/api/classes/${code}`);
  view.rows = [];
  $('class-shared').hidden = false;
  buildPlots();
  if (view.source) view.source.close();
  const source = new EventSource(`/api/classes/${code}/events`);
  source.onmessage = (event) => onEvent(JSON.parse(event.data));
  source.addEventListener('end', () => source.close());
  view.source = source;
}


function buildPlots() {
  const box = $('class-plots');
  box.replaceChildren();
  view.plots = [];
  const roundDays = view.info.round_days;
  const marks = {
    hooks: {
      draw: [(u) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = '#e0a800';
        ctx.setLineDash([4, 4]);
        for (let d = roundDays; d < u.scales.x.max; d += roundDays) {
          const x = u.valToPos(d, 'x', true);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      }],
    },
  };
  view.info.series.forEach((s) => {
    const cell = document.createElement('div');
    cell.className = 'class-plot';
    box.append(cell);
    const plot = new uPlot({
      width: 330, height: 170, title: s.plain_name,
      scales: { x: { time: false } },
      axes: [{ label: 'day' }, { label: s.percent ? '%' : s.units }],
      series: [{ label: 'day' }, { label: s.name, stroke: '#1d3557', width: 1.5 }],
      plugins: [marks],
      legend: { show: false },
    }, [[], []], cell);
    view.plots.push(plot);
  });
}

/// The teacher's countdown to a month the timer starts, from the last event's seconds_left.
function countdown() {
  const e = view.last;
  const box = $('class-countdown');
  if (!e || e.seconds_left === null || e.seconds_left === undefined) {
    box.textContent = '';
    return;
  }
  const left = Math.max(0, Math.ceil(e.seconds_left - (Date.now() - view.lastAt) / 1000));
  box.textContent = e.players.length === 0 ? `the timer starts when the first student joins` :
    `month ${e.open_round} starts in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

function onEvent(e) {
  view.last = e;
  view.lastAt = Date.now();
  if (view.teacher) {
    countdown();
    if (!view.ticker) view.ticker = setInterval(countdown, 1000);
  }
  if (e.rows && e.rows.length) {
    view.rows.length = e.first_day;
    view.rows.push(...e.rows);
    const days = view.rows.map((_, i) => i + 1);
    view.plots.forEach((plot, k) => {
      const scale = view.info.series[k].percent ? 100 : 1;
      plot.setData([days, view.rows.map((r) => (r[k] === null ? null : r[k] * scale))]);
    });
  }
  if (e.picture) $('class-picture-caption').textContent = drawCare(e.picture, $('class-picture'), view.pictureViews);
  const rounds = `Month ${e.round} of ${e.rounds_max} done`;
  const status = e.running ? `${rounds}; month ${e.open_round} is running…` :
    e.finished ? `${rounds}: the year is over. Open the debrief.` :
    `${rounds}; choosing for month ${e.open_round}: ${e.submitted} of ${e.players.length} leaders have chosen.`;
  $('class-status').textContent = status;
  $('class-status').dataset.round = e.round;
  const list = $('class-players');
  list.replaceChildren();
  for (const p of e.players) {
    const li = document.createElement('li');
    li.textContent = `${p.name}: ${p.org_name}${p.submitted ? ' ✓' : ''}`;
    list.append(li);
  }
  $('class-advance').disabled = e.running || e.finished;
  if (view.me) {
    $('player-submit').disabled = e.running || e.finished;
    const mine = e.players.find((p) => p.id === view.me.id);
    if (mine && !mine.submitted && !e.running && !e.finished)
      $('player-status').textContent = `Choose your levers for month ${e.open_round}.`;
  }
}

const signed = (x, s) => {
  if (x === null || x === undefined) return '…';
  const pct = s.percent;
  const v = pct ? x * 100 : x;
  const text = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toPrecision(2);
  return `${v > 0 ? '+' : ''}${text}${pct ? ' pp' : ''}`;
};

const plain = (x, s) => {
  if (x === null || x === undefined) return '–';
  if (s.percent) return `${(x * 100).toFixed(1)}%`;
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
};

async function debrief() {
  const d = await view.api('GET', `/api/classes/${view.code}/debrief`);
  const box = $('class-debrief');
  box.replaceChildren();
  const head = document.createElement('p');
  head.className = 'meaning';
  head.textContent = 'Each month: what each organisation\'s leaders chose, the month\'s averages, and ' +
    'what each change did: the same month run again with that one organisation\'s previous choice ' +
    '(the same people and chances), the difference being its effect.';
  box.append(head);
  const table = document.createElement('table');
  table.className = 'debrief';
  const series = d.series;
  table.innerHTML = `<thead><tr><th>Month</th><th>Organisation (leaders)</th><th>Choices</th>${
    series.map((s) => `<th>${s.plain_name}${s.better !== 'neutral' ? ` (${s.better} is better)` : ''}</th>`).join('')}</tr></thead>`;
  const body = document.createElement('tbody');
  for (const r of d.rounds) {
    const total = document.createElement('tr');
    total.className = 'round';
    total.innerHTML = `<td>${r.round}</td><td colspan="2">days ${r.first_day + 1}–${r.last_day + 1}: the month's average</td>${
      series.map((s) => `<td>${plain(r.means[s.name], s)}</td>`).join('')}`;
    body.append(total);
    for (const o of r.organisations) {
      const tr = document.createElement('tr');
      const choices = o.levers.map((l) => `${l.name}: ${Math.round(l.value * 10) / 10} ${l.unit}`).join('; ');
      const cells = series.map((s) => `<td>${o.changed ? signed(o.effect ? o.effect[s.name] : null, s) : ''}</td>`);
      tr.innerHTML = `<td></td><td></td><td></td>${cells.join('')}`;
      tr.children[1].textContent = `${o.org_name} (${o.players.join(', ')})`;
      tr.children[2].textContent = o.changed ? choices : `${choices} (as before)`;
      body.append(tr);
    }
  }
  table.append(body);
  box.append(table);
  box.hidden = false;
}
