// The what-if view for leaders: choose a baseline and changes (what-if scenario files, or a plan
// composed from the intervention kinds' own keys), run a paired comparison on the server with
// progress and cancel, and read the result as the leader's table (the same words and numbers as
// `caresim compare`, made by the server) and plots with interval bands.
import uPlot from 'uplot';

const $ = (id) => document.getElementById(id);
const colours = ['#4d4d4d', '#1f77b4', '#d62728', '#2ca02c'];
const view = { options: null, plan: [], job: null, timer: null, plots: [], api: null, showError: null };

export function hideWhatIf() {
  $('whatif-view').hidden = true;
  if (view.timer) clearTimeout(view.timer);
  view.timer = null;
}

export async function showWhatIf(api, showError) {
  view.api = api;
  view.showError = showError;
  $('whatif-view').hidden = false;
  if (!view.options) {
    view.options = await api('GET', '/api/whatif');
    buildForm(view.options);
  }
}

function option(text, value) {
  return new Option(text, value);
}

function buildForm(options) {
  const baseline = $('whatif-baseline');
  for (const s of options.scenarios) baseline.append(option(`${s.name}: ${s.description}`, s.file));
  baseline.value = options.scenarios.find((s) => s.file.endsWith('/baseline.yaml'))?.file || baseline.value;
  const showQuestion = () => {
    const s = options.scenarios.find((x) => x.file === baseline.value);
    $('whatif-baseline-question').textContent = s ? s.question : '';
    buildVariants(options);
  };
  baseline.onchange = showQuestion;
  showQuestion();

  const kind = $('plan-kind');
  for (const k of options.kinds.filter((k) => !k.needs_cohort)) kind.append(option(k.kind.replaceAll('_', ' '), k.kind));
  kind.onchange = () => buildFields(options.kinds.find((k) => k.kind === kind.value));
  buildFields(options.kinds.find((k) => k.kind === kind.value));
  $('plan-add').onclick = addToPlan;

  buildUncertainty(options);

  const days = $('whatif-days'), reps = $('whatif-replicates');
  days.min = options.limits.min_days;
  days.max = options.limits.max_days;
  reps.min = 2;
  reps.max = options.limits.max_replicates;
  $('whatif-form').onsubmit = (event) => {
    event.preventDefault();
    run().catch((e) => view.showError(e.message));
  };
  $('whatif-cancel').onclick = () => cancel().catch((e) => view.showError(e.message));
}

function buildVariants(options) {
  const box = $('whatif-variants');
  box.replaceChildren();
  for (const s of options.scenarios) {
    if (s.file === $('whatif-baseline').value) continue;
    const label = document.createElement('label');
    label.className = 'variant';
    const box2 = document.createElement('input');
    box2.type = 'checkbox';
    box2.value = s.file;
    box2.dataset.file = s.file;
    const words = document.createElement('span');
    words.innerHTML = '<b></b> <span class="meaning"></span>';
    words.querySelector('b').textContent = s.name.replaceAll('_', ' ');
    words.querySelector('.meaning').textContent = s.description;
    label.title = s.question;
    label.append(box2, words);
    box.append(label);
  }
}

// One input per key of the kind, labelled with the key's meaning and unit from the registry.
function buildFields(kind) {
  const box = $('plan-fields');
  box.replaceChildren();
  if (!kind) return;
  const doc = document.createElement('p');
  doc.className = 'meaning';
  doc.textContent = kind.doc;
  box.append(doc);
  for (const key of kind.keys) {
    const label = document.createElement('label');
    let input;
    if (key.type === 'choice') {
      input = document.createElement('select');
      key.choices.forEach((c, i) => input.append(new Option(c, c, false, i === key.value)));
    } else {
      input = document.createElement('input');
      input.type = 'number';
      input.value = key.value;
      if (isFinite(key.lo)) input.min = key.lo;
      if (isFinite(key.hi)) input.max = key.hi;
      input.step = key.type === 'integer' ? 1 : 'any';
    }
    input.dataset.key = key.key;
    input.dataset.type = key.type;
    label.append(document.createTextNode(`${key.meaning}${key.unit ? ` (${key.unit})` : ''} `), input);
    box.append(label);
  }
}

function addToPlan() {
  const set = {};
  for (const input of $('plan-fields').querySelectorAll('[data-key]'))
    set[input.dataset.key] = input.dataset.type === 'choice' ? input.value : Number(input.value);
  const item = { kind: $('plan-kind').value, day: Number($('plan-day').value), set };
  view.plan.push(item);
  const li = document.createElement('li');
  li.textContent = `${item.kind.replaceAll('_', ' ')} from day ${item.day}: ` +
    Object.entries(set).map(([k, v]) => `${k.replaceAll('_', ' ')} ${v}`).join(', ');
  $('plan-list').append(li);
}

// Two choices beside "how long, how sure", built here so the page's markup stays as it is:
// include parameter uncertainty (a posterior from scenarios/calibration/, compare --parameters)
// and start every option from a saved state (a checkpoint, or a warm-up run of the baseline).
function buildUncertainty(options) {
  const anchor = $('whatif-days').closest('fieldset');
  const box = document.createElement('fieldset');
  box.id = 'whatif-uncertainty';
  box.append(cell('legend', 'What we do not know, where to start'));

  const posterior = document.createElement('select');
  posterior.id = 'whatif-parameters';
  posterior.append(option('no: the scenarios\' own parameter values (chance only)', ''));
  for (const p of options.posteriors || [])
    posterior.append(option(`${p.file}: ${p.description}`, p.file));
  const pLabel = document.createElement('label');
  pLabel.append('include parameter uncertainty ', posterior);
  box.append(pLabel);
  box.append(cell('p', (options.posteriors || []).length
    ? 'Each replicate draws one parameter set from the calibration\'s posterior and every option uses it, so the intervals cover what we do not know about the parameters as well as chance.'
    : 'No posterior in scenarios/calibration/: run caresim calibrate to make one.', 'meaning'));

  const start = document.createElement('select');
  start.id = 'whatif-from';
  start.append(option('day 0 of the scenarios', ''));
  for (const c of options.checkpoints || []) start.append(option(`saved state ${c.file} (day ${c.day})`, `ckpt:${c.file}`));
  start.append(option('warm up first: run the baseline, then start every option from its end', 'warm'));
  const sLabel = document.createElement('label');
  sLabel.append('start every option from ', start);
  const warm = document.createElement('input');
  warm.id = 'whatif-warm-up';
  warm.type = 'number';
  warm.min = 1;
  warm.max = options.limits.max_warm_up_days || 730;
  warm.value = 90;
  const wLabel = document.createElement('label');
  wLabel.append('warm-up days ', warm);
  wLabel.hidden = true;
  start.onchange = () => { wLabel.hidden = start.value !== 'warm'; };
  box.append(sLabel, wLabel);
  anchor.before(box);
}

function request() {
  const variants = [...$('whatif-variants').querySelectorAll('input:checked')].map((i) => i.value);
  if (view.plan.length) variants.push({ name: $('plan-name').value, interventions: view.plan });
  const body = {
    baseline: $('whatif-baseline').value,
    variants,
    days: Number($('whatif-days').value),
    replicates: Number($('whatif-replicates').value),
  };
  const parameters = $('whatif-parameters')?.value;
  if (parameters) body.parameters = parameters;
  const from = $('whatif-from')?.value || '';
  if (from.startsWith('ckpt:')) body.from = from.slice(5);
  if (from === 'warm') body.warm_up_days = Number($('whatif-warm-up').value);
  return body;
}

async function run() {
  view.showError('');
  $('whatif-result').replaceChildren();
  const job = await view.api('POST', '/api/comparisons', request());
  view.job = job;
  $('whatif-run').disabled = true;
  $('whatif-cancel').disabled = false;
  poll();
}

async function cancel() {
  if (!view.job) return;
  await view.api('DELETE', `/api/comparisons/${view.job.id}`);
}

function poll() {
  if (!view.job) return;
  view.api('GET', `/api/comparisons/${view.job.id}`).then((s) => {
    $('whatif-progress').max = s.total;
    $('whatif-progress').value = s.done;
    $('whatif-status').textContent = s.state === 'running'
      ? `${s.done} of ${s.total} runs done` : s.state === 'done' ? `done: ${s.total} runs`
        : s.state === 'cancelled' ? 'cancelled' : `failed: ${s.error}`;
    if (s.state === 'running') {
      view.timer = setTimeout(poll, 400);
      return;
    }
    $('whatif-run').disabled = false;
    $('whatif-cancel').disabled = true;
    view.job = null;
    if (s.state === 'failed') view.showError(s.error);
    if (s.report) showReport(s.report);
  }).catch((e) => {
    view.showError(e.message);
    $('whatif-run').disabled = false;
  });
}

function cell(tag, text, className) {
  const c = document.createElement(tag);
  c.textContent = text;
  if (className) c.className = className;
  return c;
}

function showReport(report) {
  for (const p of view.plots) p.destroy();
  view.plots = [];
  const box = $('whatif-result');
  box.replaceChildren();
  box.append(cell('h2', `What if: ${report.title}`));
  if (report.scale) box.append(cell('p', report.scale, 'scale'));
  box.append(cell('p', report.method, 'meaning'));
  if (report.uncertainty) {
    const u = cell('p', report.uncertainty, report.parameter_uncertainty ? 'meaning uncertainty parameters' : 'meaning uncertainty');
    u.id = 'whatif-uncertainty-text';
    box.append(u);
  }
  for (const v of report.versus) {
    box.append(cell('h3', `${v.arm} compared with ${v.reference}`));
    box.append(cell('p', `${v.start} ${v.window[0].toUpperCase()}${v.window.slice(1)}.`));
    const table = document.createElement('table');
    table.className = 'leader';
    const head = document.createElement('tr');
    for (const h of ['measure', 'units', v.reference, v.arm, 'change', `${Math.round(report.confidence * 100)}% interval`, 'verdict', 'effect', 'before the start'])
      head.append(cell('th', h));
    table.append(head);
    for (const r of v.rows) {
      const tr = document.createElement('tr');
      tr.dataset.series = r.series;
      tr.append(cell('td', r.name), cell('td', r.units), cell('td', r.reference, 'num'), cell('td', r.arm, 'num'),
        cell('td', r.change, 'num'), cell('td', r.interval, 'num'), cell('td', r.verdict, r.verdict_class),
        cell('td', r.effect), cell('td', r.before, r.before_clear ? 'worse' : 'unclear'));
      table.append(tr);
    }
    box.append(table);
    for (const n of v.neighbourhoods) box.append(cell('p', `By neighbourhood, ${n.name}: ${n.summary}.`, 'meaning'));
  }
  box.append(cell('h3', 'Plots: rolling means with their bands; below each, the paired difference'));
  const key = document.createElement('p');
  report.arms.forEach((a, i) => {
    const s = cell('span', a.name, 'key');
    s.style.borderLeft = `14px solid ${colours[i % colours.length]}`;
    key.append(s);
  });
  box.append(key);
  const grid = document.createElement('div');
  grid.className = 'whatif-plots';
  box.append(grid);
  for (const plot of report.plots) grid.append(plotFigure(report, plot));
  document.body.dataset.whatifRows = String(report.versus.reduce((n, v) => n + v.rows.length, 0));
}

function scaled(values, k) {
  return values.map((x) => (x === null ? null : x * k));
}

function bandPlot(title, days, bands, yLabel, k) {
  const series = [{ label: 'day' }];
  const data = [days];
  const uBands = [];
  bands.forEach(({ band, colour, label }) => {
    const i = data.length;
    data.push(scaled(band.mean, k), scaled(band.low, k), scaled(band.high, k));
    series.push({ label, stroke: colour, width: 1.5 },
      { label: `${label} low`, stroke: 'transparent', points: { show: false } },
      { label: `${label} high`, stroke: 'transparent', points: { show: false } });
    uBands.push({ series: [i + 2, i + 1], fill: `${colour}33` });
  });
  const div = document.createElement('div');
  const u = new uPlot({
    width: 520, height: 190, title, legend: { show: false },
    scales: { x: { time: false } }, axes: [{ label: 'day' }, { label: yLabel, size: 60 }],
    series, bands: uBands,
  }, data, div);
  view.plots.push(u);
  return div;
}

function plotFigure(report, plot) {
  const fig = document.createElement('figure');
  fig.className = 'panel';
  fig.dataset.series = plot.series;
  const k = plot.percent ? 100 : 1;
  const units = plot.units || 'value';
  fig.append(bandPlot(plot.name, report.plot_days,
    plot.arms.map((band, i) => ({ band, colour: colours[i % colours.length], label: report.arms[i].name })), units, k));
  const diffs = plot.diffs.map((band, i) => ({ band, colour: colours[i % colours.length], label: report.arms[i].name }))
    .filter((d, i) => i > 0 && d.band.mean.length);
  fig.append(bandPlot(`difference from ${report.arms[0].name}`, report.plot_days, diffs,
    plot.percent ? 'pts' : units, k));
  return fig;
}
