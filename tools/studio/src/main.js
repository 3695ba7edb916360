// The studio page: a gallery of presets and a run view (controls, sliders from the schema's
// ranges, a picture of the agents, live plots). Talks to `caresim studio` (JSON + Server-Sent
// Events); every number shown comes from the server.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import cytoscape from 'cytoscape';
import './style.css';
import './whatif.css';
import { drawCare } from './care.js';
import { showWhatIf, hideWhatIf } from './whatif.js';
import { showClass, hideClass } from './class.js';

const $ = (id) => document.getElementById(id);
const state = { run: null, source: null, rows: [], picture: null, playing: false, views: {} };

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = !message;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) {
    const error = new Error(data.error || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

// ---------------------------------------------------------------- gallery
async function showGallery() {
  await stopRun();
  hideWhatIf();
  hideClass();
  $('run-view').hidden = true;
  $('gallery-view').hidden = false;
  const presets = await api('GET', '/api/gallery');
  const box = $('gallery');
  box.replaceChildren();
  for (const preset of presets) {
    const card = document.createElement('article');
    card.className = 'card';
    card.dataset.file = preset.file;
    card.innerHTML = `<div class="model"></div><h2></h2><p class="description"></p><p class="what"></p>`;
    card.querySelector('.model').textContent = preset.model.replace('_', ' ');
    card.querySelector('h2').textContent = preset.name;
    card.querySelector('.description').textContent = preset.description;
    card.querySelector('.what').textContent = firstSentences(preset.notice, 2);
    card.addEventListener('click', () => {
      location.hash = `run=${encodeURIComponent(preset.file)}`;
    });
    box.append(card);
  }
}

function firstSentences(text, n) {
  const parts = text.split(/(?<=\.)\s+/);
  return parts.slice(0, n).join(' ');
}

// ---------------------------------------------------------------- run
let settings = {}; // key -> value chosen with the sliders

async function stopRun() {
  if (state.source) state.source.close();
  state.source = null;
  if (state.run) {
    const id = state.run.id;
    state.run = null;
    await api('DELETE', `/api/runs/${id}`).catch(() => {});
  }
}

async function startRun(file, keepPlaying) {
  await stopRun();
  const set = { ...settings };
  const seed = $('seed').value;
  if (seed !== '' && state.file === file) set['run.seed'] = Number(seed);
  state.file = file;
  const run = await api('POST', '/api/runs', { scenario: file, set, twin: $('twin').checked });
  state.run = run;
  state.rows = [];
  state.picture = null;
  updateClock(0, run.days);
  $('gallery-view').hidden = true;
  $('run-view').hidden = false;
  $('run-title').textContent = run.name;
  $('run-description').textContent = run.description;
  $('run-notice').textContent = run.notice;
  $('seed').value = run.seed;
  buildSliders(run);
  buildSeriesChoice(run);
  buildPlots(run);
  resetPicture();
  drawDerrida(run).catch((e) => showError(e.message));
  const source = new EventSource(`/api/runs/${run.id}/events`);
  source.onmessage = (event) => onFrame(JSON.parse(event.data));
  source.addEventListener('end', () => source.close());
  state.source = source;
  if (keepPlaying) await control('play');
  updateClock(0, run.days);
}

async function control(action) {
  if (!state.run) return;
  const body = { action };
  if (action === 'play') body.speed = Number($('speed').value);
  try {
    await api('POST', `/api/runs/${state.run.id}/control`, body);
    showError('');
    if (action === 'play') state.playing = true;
    if (action === 'pause' || action === 'reset') state.playing = false;
  } catch (e) {
    showError(e.message);
  }
}

function buildSliders(run) {
  const box = $('sliders');
  box.replaceChildren();
  const title = document.createElement('h2');
  title.textContent = 'Parameters';
  title.style.fontSize = '1rem';
  box.append(title);
  for (const s of run.sliders) {
    const label = document.createElement('label');
    const name = s.key.split('.').pop().replaceAll('_', ' ');
    const shown = document.createElement('span');
    let input;
    if (s.type === 'choice') {
      input = document.createElement('select');
      s.choices.forEach((c, i) => {
        const option = new Option(c, c, false, i === s.value);
        input.append(option);
      });
      shown.textContent = '';
    } else {
      input = document.createElement('input');
      input.type = 'range';
      input.min = s.lo;
      input.max = s.hi;
      input.step = s.type === 'integer' ? 1 : s.step;
      input.value = s.value;
      shown.textContent = ` = ${format(s.value)}`;
      input.addEventListener('input', () => (shown.textContent = ` = ${format(Number(input.value))}`));
    }
    input.dataset.key = s.key;
    input.addEventListener('change', () => {
      settings[s.key] = s.type === 'choice' ? input.value : Number(input.value);
      if (s.live) {
        // The model takes it from the next step: the run goes on (the step counter keeps going).
        api('POST', `/api/runs/${state.run.id}/live`, { set: { [s.key]: settings[s.key] } })
          .then(() => showError(''))
          .catch((e) => showError(e.message));
      } else {
        startRun(state.file, state.playing).catch((e) => showError(e.message));
      }
    });
    const how = document.createElement('span');
    how.className = s.live ? 'how live' : 'how';
    how.textContent = s.live ? ' (acts live)' : ' (restarts the run)';
    label.append(document.createTextNode(name), shown, how, document.createElement('br'), input);
    const meaning = document.createElement('div');
    meaning.className = 'meaning';
    meaning.textContent = `${s.meaning} [${format(s.lo)}, ${format(s.hi)}]${s.unit ? ' ' + s.unit : ''}`;
    label.append(meaning);
    box.append(label);
  }
}

function format(x) {
  if (typeof x !== 'number' || !isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

function plainSeries(run) {
  return run.series.filter((s) => s.width === 1);
}

function buildSeriesChoice(run) {
  const select = $('series-choice');
  select.replaceChildren();
  for (const s of plainSeries(run)) select.append(new Option(s.name, s.column));
  select.onchange = () => buildPlots(state.run) || redraw();
}

const stepWord = () => (state.run && state.run.model === 'care' ? 'day' : 'step');

function buildPlots(run) {
  for (const key of ['plot', 'twinPlot']) {
    if (state.views[key]) state.views[key].destroy();
    state.views[key] = null;
  }
  $('plot').replaceChildren();
  const column = Number($('series-choice').value);
  const spec = run.series.find((s) => s.column === column) || plainSeries(run)[0];
  state.column = spec.column;
  state.views.plot = new uPlot(
    {
      width: 560,
      height: 300,
      scales: { x: { time: false } },
      axes: [{ label: stepWord() }, { label: spec.units === '1' ? '' : spec.units }],
      series: [{ label: stepWord() }, { label: spec.name, stroke: '#1d3557', width: 1.5 }],
    },
    [[], []],
    $('plot'),
  );
  $('twin-panel').hidden = !run.twin;
  $('twin-plot').replaceChildren();
  if (run.twin) {
    state.views.twinPlot = new uPlot(
      {
        width: 560,
        height: 260,
        scales: { x: { time: false }, y: { distr: 3 } },
        axes: [{ label: stepWord() }, { label: 'distance between twins' }],
        series: [{ label: stepWord() }, { label: 'damage', stroke: '#c0392b', width: 1.5 }],
      },
      [[], []],
      $('twin-plot'),
    );
  }
}

function onFrame(frame) {
  if (frame.reset) {
    state.rows = [];
    resetPicture();
  }
  state.rows.push(...frame.rows);
  state.picture = frame.picture;
  state.day = frame.day;
  state.playing = frame.playing;
  updateClock(frame.day, frame.days);
  if (!state.pending) {
    state.pending = true;
    requestAnimationFrame(() => {
      state.pending = false;
      redraw(frame.rows);
    });
  }
}

function updateClock(day, days) {
  $('clock').textContent = `${stepWord()} ${day} of ${days}`;
  document.body.dataset.day = day;
}

function redraw() {
  if (!state.run) return;
  const xs = state.rows.map((_, i) => i + 1);
  const ys = state.rows.map((row) => row[state.column]);
  state.views.plot.setData([xs, ys]);
  if (state.views.twinPlot) {
    const width = state.rows.length ? state.rows[0].length - 1 : 0;
    const damage = state.rows.map((row) => (row[width] > 0 ? row[width] : null));
    state.views.twinPlot.setData([xs, damage]);
    $('twin-caption').textContent = `Damage between the twins; ${lambdaText(damage)}`;
  }
  drawPicture(state.picture);
  document.body.dataset.frames = String(Number(document.body.dataset.frames || 0) + 1);
}

// The Derrida plot of a random Boolean network (the server's map, teaching::derrida_map): pairs
// of states at distance d, updated once, end at distance d'. Above the diagonal near 0 a small
// difference grows (chaos); below it, it shrinks (order); on it, the edge. The annealed curve
// 2p(1-p)[1-(1-d)^K] is drawn beside the measured points.
async function drawDerrida(run) {
  if (state.views.derrida) state.views.derrida.destroy();
  state.views.derrida = null;
  $('derrida-plot').replaceChildren();
  $('derrida-panel').hidden = run.model !== 'boolean_network';
  if (run.model !== 'boolean_network') return;
  const map = await api('GET', `/api/runs/${run.id}/derrida`);
  if (!state.run || state.run.id !== run.id) return;
  const d = map.points.map((p) => p.d);
  state.views.derrida = new uPlot(
    {
      width: 420,
      height: 300,
      scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
      axes: [{ label: 'distance d at t' }, { label: 'distance at t+1' }],
      series: [
        { label: 'd' },
        { label: 'measured', stroke: '#1d3557', width: 0, points: { show: true, size: 7, fill: '#1d3557' } },
        { label: 'annealed', stroke: '#e76f51', width: 1.5 },
        { label: 'diagonal', stroke: '#9aa5b1', width: 1, dash: [5, 5] },
      ],
    },
    [d, map.points.map((p) => p.next), map.points.map((p) => p.annealed), d],
    $('derrida-plot'),
  );
  const slope = map.points[0].next / map.points[0].d;
  $('derrida-caption').textContent = `Derrida plot (K = ${map.k}, p = ${map.p}): slope at the origin ` +
    `${slope.toFixed(2)} measured, ${map.slope_annealed.toFixed(2)} annealed ` +
    `(${map.slope_annealed > 1.02 ? 'above 1: chaotic' : map.slope_annealed < 0.98 ? 'below 1: ordered' : '1: the edge of chaos'})`;
  $('derrida-panel').dataset.slope = String(slope);
}

// lambda: the slope of ln(damage) per step while the damage is still small (below 10% of the
// sites; beyond that it saturates), over the last 20 such steps.
function lambdaText(damage) {
  const points = [];
  damage.forEach((d, i) => d > 0 && d < 0.1 && points.push([i + 1, Math.log(d)]));
  const last = damage.at(-1);
  if (points.length > 0 && !(last > 0)) return 'the damage died out: lambda < 0 (ordered)';
  const recent = points.slice(-20);
  if (recent.length < 5) return 'lambda: not enough steps yet';
  const n = recent.length;
  const mx = recent.reduce((a, p) => a + p[0], 0) / n;
  const my = recent.reduce((a, p) => a + p[1], 0) / n;
  let sxy = 0, sxx = 0;
  for (const [x, y] of recent) { sxy += (x - mx) * (y - my); sxx += (x - mx) ** 2; }
  return `lambda ~ ${(sxy / sxx).toFixed(3)} per ${stepWord()} (over ${n} steps of small damage)`;
}

// ---------------------------------------------------------------- pictures
const captions = {
  grid: 'The lattice: heights (light to dark), this step\'s topplings in red',
  raster: 'Space-time raster: the first nodes (across) step by step (down); black = on',
  network: 'The network around the first adopter: active nodes in red',
  bars: '',
  curve: 'The potential: the ball (x) sits in a valley that the harvest rate flattens',
};

function resetPicture() {
  const box = $('picture');
  box.replaceChildren();
  if (state.views.cy) state.views.cy.destroy();
  if (state.views.bars) state.views.bars.destroy();
  if (state.views.curve) state.views.curve.destroy();
  if (state.views.careMap) state.views.careMap.destroy();
  if (state.views.careStaff) state.views.careStaff.destroy();
  state.views.cy = state.views.bars = state.views.curve = null;
  state.views.careMap = state.views.careStaff = null;
  state.rasterRow = 0;
  state.pictureKind = null;
}

function drawPicture(p) {
  if (!p || !p.kind) {
    $('picture-caption').textContent = 'This model has no picture of its agents yet';
    return;
  }
  if (state.pictureKind !== p.kind) {
    resetPicture();
    state.pictureKind = p.kind;
  }
  $('picture-caption').textContent = captions[p.kind] || 'The agents';
  const care = (q) => ($('picture-caption').textContent = drawCare(q, $('picture'), state.views));
  ({ grid: drawGrid, raster: drawRaster, network: drawNetwork, bars: drawBars, curve: drawCurve, care })[p.kind](p);
  $('picture').dataset.kind = p.kind;
  $('picture').dataset.updates = String(Number($('picture').dataset.updates || 0) + 1);
}

function canvasIn(box, width, height) {
  let canvas = box.querySelector('canvas.lattice');
  if (!canvas || canvas.width !== width || canvas.height !== height) {
    box.replaceChildren();
    canvas = document.createElement('canvas');
    canvas.className = 'lattice';
    canvas.width = width;
    canvas.height = height;
    box.append(canvas);
  }
  return canvas;
}

function drawGrid(p) {
  const rows = p.scalars.rows, cols = p.scalars.cols;
  const canvas = canvasIn($('picture'), cols, rows);
  const context = canvas.getContext('2d');
  const image = context.createImageData(cols, rows);
  const heights = p.layers.height, toppled = p.layers.toppled;
  const shades = [[247, 251, 255], [158, 202, 225], [66, 146, 198], [8, 48, 107]];
  for (let i = 0; i < heights.length; i++) {
    const [r, g, b] = toppled[i] > 0 ? [220, 40, 40] : shades[heights[i]];
    image.data.set([r, g, b, 255], i * 4);
  }
  context.putImageData(image, 0, 0);
  $('picture-caption').textContent = `${captions.grid}; largest avalanche this step: ${p.scalars.largest_avalanche} topplings`;
}

function drawRaster(p) {
  const states = p.layers.states;
  const height = 200;
  const canvas = canvasIn($('picture'), states.length, height);
  const context = canvas.getContext('2d');
  if (state.rasterRow >= height) {
    // Scroll up one row so the newest step stays at the bottom.
    context.drawImage(canvas, 0, -1);
    state.rasterRow = height - 1;
  }
  const image = context.createImageData(states.length, 1);
  states.forEach((s, i) => image.data.set(s ? [20, 20, 20, 255] : [250, 250, 250, 255], i * 4));
  context.putImageData(image, 0, state.rasterRow++);
}

function drawNetwork(p) {
  const box = $('picture');
  if (!state.views.cy) {
    const div = document.createElement('div');
    div.className = 'cy';
    box.replaceChildren(div);
    const elements = p.layers.state.map((_, i) => ({ data: { id: `n${i}` } }));
    const edges = p.layers.edges;
    for (let e = 0; e < edges.length; e += 2)
      elements.push({ data: { id: `e${e}`, source: `n${edges[e]}`, target: `n${edges[e + 1]}` } });
    state.views.cy = cytoscape({
      container: div,
      elements,
      style: [
        { selector: 'node', style: { width: 7, height: 7, 'background-color': '#9db4cc' } },
        { selector: 'node.active', style: { 'background-color': '#d62828', width: 9, height: 9 } },
        { selector: 'edge', style: { width: 0.6, 'line-color': '#c5ced8' } },
      ],
      layout: { name: 'cose', animate: false, randomize: false, numIter: 400 },
      userZoomingEnabled: true,
    });
  }
  const cy = state.views.cy;
  cy.batch(() => p.layers.state.forEach((s, i) => cy.$id(`n${i}`).toggleClass('active', s > 0)));
  $('picture-caption').textContent = `${captions.network}; active in the whole network: ${(100 * p.scalars.active_fraction).toFixed(1)}%`;
}

function drawBars(p) {
  const names = Object.keys(p.layers).filter((k) => k !== 'x');
  const data = [p.layers.x, ...names.map((k) => p.layers[k])];
  if (!state.views.bars || state.views.barsKey !== names.join()) {
    if (state.views.bars) state.views.bars.destroy();
    $('picture').replaceChildren();
    const colours = ['#9db4cc', '#d62828'];
    state.views.bars = new uPlot(
      {
        width: 540,
        height: 320,
        scales: { x: { time: false } },
        axes: [{ label: names[0] === 'individuals' ? 'generation' : 'threshold (people)' }, {}],
        series: [{}, ...names.map((k, i) => ({
          label: k, fill: colours[i] + 'cc', stroke: colours[i],
          paths: uPlot.paths.bars({ size: [0.9, 40] }),
        }))],
      },
      data,
      $('picture'),
    );
    state.views.barsKey = names.join();
  } else {
    state.views.bars.setData(data);
  }
  $('picture-caption').textContent = names[0] === 'individuals'
    ? `The largest cascade of this step, generation by generation (${p.scalars.cascade_size} individuals; ${(100 * p.scalars.single_fraction).toFixed(0)}% of this step's cascades stopped at size 1)`
    : `Thresholds of the crowd (people who must riot first), with those rioting in red: ${p.scalars.rioters} of ${p.scalars.people}`;
}

function drawCurve(p) {
  const x = p.layers.x, y = p.layers.y;
  const point = x.map((v) => (Math.abs(v - p.scalars.point_x) < 0.026 ? p.scalars.point_y : null));
  const data = [x, y, point];
  if (!state.views.curve) {
    $('picture').replaceChildren();
    state.views.curve = new uPlot(
      {
        width: 540,
        height: 320,
        scales: { x: { time: false } },
        axes: [{ label: 'x (biomass)' }, { label: 'potential V(x)' }],
        series: [{}, { label: 'V(x)', stroke: '#1d3557', width: 2 },
          { label: 'x now', stroke: '#d62828', points: { show: true, size: 12, fill: '#d62828' }, width: 0 }],
      },
      data,
      $('picture'),
    );
  } else {
    state.views.curve.setData(data);
  }
  $('picture-caption').textContent = `${captions.curve}; harvest rate c = ${p.scalars.harvest_rate.toFixed(3)} (the valley vanishes at 2.604)`;
}

// ---------------------------------------------------------------- wiring
$('play').onclick = () => control('play');
$('pause').onclick = () => control('pause');
$('step').onclick = () => control('step');
$('reset').onclick = () => control('reset');
$('speed').oninput = () => ($('speed-value').textContent = $('speed').value);
$('speed').onchange = () => state.playing && control('play');
$('seed').onchange = () => startRun(state.file, state.playing).catch((e) => showError(e.message));
$('twin').onchange = () => startRun(state.file, state.playing).catch((e) => showError(e.message));
$('home').onclick = (event) => { event.preventDefault(); location.hash = ''; };

async function route() {
  showError('');
  const match = location.hash.match(/^#run=(.+)$/);
  try {
    const classMatch = location.hash.match(/^#class(?:=([A-Za-z0-9]+))?$/);
    if (classMatch) {
      await stopRun();
      hideWhatIf();
      $('run-view').hidden = true;
      $('gallery-view').hidden = true;
      await showClass(api, showError, classMatch[1]);
    } else if (location.hash === '#whatif') {
      hideClass();
      await stopRun();
      $('run-view').hidden = true;
      $('gallery-view').hidden = true;
      await showWhatIf(api, showError);
    } else if (match) {
      hideWhatIf();
      hideClass();
      settings = {};
      state.file = null;
      await startRun(decodeURIComponent(match[1]), false);
    } else {
      await showGallery();
    }
  } catch (e) {
    showError(e.message);
  }
}
window.addEventListener('hashchange', route);
window.addEventListener('beforeunload', () => {
  if (state.run) navigator.sendBeacon && fetch(`/api/runs/${state.run.id}`, { method: 'DELETE', keepalive: true });
});
// For the browser tests (tools/studio/test/): the page's state, read-only by convention.
window.caresimStudio = state;
route();
