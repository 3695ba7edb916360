// A class plays the system (like NetLogo's HubNet): the teacher starts a care city and shows its
// join code; each student joins with the code and a name, leads one organisation and, each round
// (a month), sets its levers in plain words and units; the city runs the month on the server and
// every page watches the system map and the headline series (rounds marked) stream in. The
// debrief puts each round's choices beside what happened and what each change did (a paired
// month without it). Talks to /api/classes (studio/classroom.hpp).
import uPlot from 'uplot';
import { drawCare } from './care.js';

const $ = (id) => document.getElementById(id);
const view = { api: null, showError: null, code: null, teacher: null, me: null, source: null,
  info: null, rows: [], plots: [], pictureViews: {}, last: null };
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
  $('class-debrief-button').onclick = () => debrief().catch((e) => showError(e.message));
  if (code) $('join-code').value = code;
}

async function startClass() {
  const started = await view.api('POST', '/api/classes', {});
  view.teacher = started.teacher;
  $('class-teacher').hidden = false;
  $('class-lobby').hidden = true;
  $('class-code').textContent = started.code;
  $('class-code-hint').textContent = `Students: open this page (${location.origin}/#class), type the code and your name.`;
  await watch(started.code);
}

async function joinClass() {
  const code = $('join-code').value.trim().toUpperCase();
  const name = $('join-name').value.trim();
  const me = await view.api('POST', `/api/classes/${code}/players`, { name });
  view.me = me;
  view.showError('');
  $('class-lobby').hidden = true;
  $('class-player').hidden = false;
  $('player-role').textContent = `${me.name}, you lead ${me.org_name} (${me.kind.replaceAll('_', ' ')}) in class ${me.code}.`;
  buildLevers(me.levers);
  $('player-submit').onclick = () => submit().catch((e) => view.showError(e.message));
  await watch(code);
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

function onEvent(e) {
  view.last = e;
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
  if (view.me) $('player-submit').disabled = e.running || e.finished;
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
