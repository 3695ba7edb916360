// Server tests of `caresim studio`, over real HTTP: 30 event streams held at once, a run
// cancelled while watched, path traversal refused, run limits, JSON errors for bad requests, and
// Step giving one row at a time. Usage: node server.test.mjs <binary> <src> <build>
import net from 'node:net';
import { paths, startStudio, check, failed } from './server.mjs';
import { jsonClient, readEvents, sleep, until } from './common.mjs';

const where = paths();
const started = Date.now();
const { url, stop } = await startStudio(where);
const base = url.replace(/\/$/, '');

const json = jsonClient(url);

// A request sent byte for byte (fetch would normalise "..").
function raw(path) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (d) => (text += d));
    socket.on('end', () => resolve({ status: Number(text.split(' ')[1]), text }));
    socket.on('error', reject);
  });
}

// An event stream: counts frames and rows, notices the end event.
function watch(id) {
  const stream = readEvents(url, `/api/runs/${id}/events`, (frame) => {
    stream.frames++;
    stream.rows += frame.rows.length;
  });
  stream.frames = 0;
  stream.rows = 0;
  return stream;
}

try {
  // --- gallery and static files
  const gallery = await json('GET', '/api/gallery');
  check(gallery.status === 200 && gallery.data.length >= 12, `gallery lists ${gallery.data?.length} presets`);
  check(gallery.data.every((g) => g.notice.length > 40), 'every preset has a what-to-notice text');
  const page = await fetch(url);
  check(page.status === 200 && (await page.text()).includes('caresim studio'), 'the page is served at /');
  const yaml = await fetch(`${base}/scenarios/teaching/sandpile.yaml`);
  check(yaml.status === 200 && (await yaml.text()).includes('model: sandpile'), 'a scenario file is served');

  // --- path traversal
  for (const path of ['/../../../../etc/passwd', '/scenarios/../../../../etc/passwd',
    '/scenarios/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/scenarios/..%2f..%2f..%2fetc%2fpasswd', '/scenarios//etc/passwd', '/..%5c..%5cetc%5cpasswd']) {
    const r = await raw(path);
    check(r.status >= 400 && r.status < 500 && !r.text.includes('root:') && r.text.includes('"error"'),
      `path traversal refused with a JSON ${r.status}: ${path}`);
  }

  // --- bad requests get JSON errors
  const bad = [
    ['POST', '/api/runs', '{not json', 400],
    ['POST', '/api/runs', { scenario: 'teaching/no_such.yaml' }, 404],
    ['POST', '/api/runs', { scenario: '../../etc/passwd' }, 404],
    ['POST', '/api/runs', { scenario: 'teaching/sandpile.yaml', set: { 'teaching.sandpile.side': 1 } }, 400],
    ['POST', '/api/runs', { scenario: 'teaching/sandpile.yaml', set: { 'teaching.sandpile.sidee': 9 } }, 400],
    ['POST', '/api/runs', { set: {} }, 400],
    ['GET', '/api/runs/run999', undefined, 404],
    ['POST', '/api/runs/run999/control', { action: 'play' }, 404],
    ['GET', '/api/nothing', undefined, 404],
    ['DELETE', '/api/runs/run999', undefined, 404],
  ];
  for (const [method, path, body, status] of bad) {
    const r = await json(method, path, body);
    check(r.status === status && typeof r.data?.error === 'string' && r.type.startsWith('application/json'),
      `${method} ${path} ${typeof body === 'string' ? body : JSON.stringify(body ?? '')} -> ${r.status} ${r.data?.error}`);
  }
  const one = await json('POST', '/api/runs', { scenario: 'teaching/rbn_chaotic.yaml' });
  check(one.status === 201 && one.data.sliders.length > 0, 'a run starts, with sliders');
  const badControl = await json('POST', `/api/runs/${one.data.id}/control`, { action: 'fly' });
  check(badControl.status === 400 && badControl.data.error.includes('action'), `bad action: ${badControl.data?.error}`);
  const badSpeed = await json('POST', `/api/runs/${one.data.id}/control`, { action: 'play', speed: 1e6 });
  check(badSpeed.status === 400, `bad speed: ${badSpeed.data?.error}`);
  await json('DELETE', `/api/runs/${one.data.id}`);

  // --- sliders carry the schema's ranges (never wider)
  const sand = await json('POST', '/api/runs', { scenario: 'teaching/sandpile.yaml' });
  const side = sand.data.sliders.find((s) => s.key === 'teaching.sandpile.side');
  check(side && side.lo >= 2 && side.hi <= 10000, `sandpile side slider [${side?.lo}, ${side?.hi}] inside the schema's [2, 10000]`);
  await json('DELETE', `/api/runs/${sand.data.id}`);

  // --- stepping: each Step request is one row (identity with a plain run: tests/studio/studio_test.cpp)
  const a = await json('POST', '/api/runs', { scenario: 'teaching/watts_cascade.yaml' });
  const b = await json('POST', '/api/runs', { scenario: 'teaching/watts_cascade.yaml' });
  const rowsOf = async (id) => {
    const s = watch(id);
    for (let i = 0; i < 25; i++) await json('POST', `/api/runs/${id}/control`, { action: 'step' });
    await until(() => s.rows >= 25, 10000);
    s.abort();
    return s.rows;
  };
  check((await rowsOf(a.data.id)) === 25 && (await rowsOf(b.data.id)) === 25, 'Step x 25 streams exactly 25 rows, in each of two runs');
  await json('DELETE', `/api/runs/${a.data.id}`);
  await json('DELETE', `/api/runs/${b.data.id}`);

  // --- 30 concurrent streams on 8 runs (the run limit), all receiving frames
  const files = ['sandpile', 'rbn_chaotic', 'rbn_critical', 'watts_cascade', 'granovetter_riot',
    'branching_critical', 'fold_ramped', 'fold_fixed'];
  const runs = [];
  for (const f of files) runs.push((await json('POST', '/api/runs', { scenario: `teaching/${f}.yaml` })).data);
  check(runs.every((r) => r && r.id), '8 runs start');
  const ninth = await json('POST', '/api/runs', { scenario: 'teaching/sandpile.yaml' });
  check(ninth.status === 429 && ninth.data.error.includes('8'), `a 9th run is refused: ${ninth.status} ${ninth.data?.error}`);
  const streams = [];
  for (let i = 0; i < 30; i++) streams.push(watch(runs[i % runs.length].id));
  for (const r of runs) await json('POST', `/api/runs/${r.id}/control`, { action: 'play', speed: 40 });
  // Held: five frames, or every row of its run (branching_critical's 20 steps can arrive in fewer
  // frames than that when the machine is busy and rows batch up).
  const fed = (s, i) => s.frames >= 5 || (s.rows >= runs[i % runs.length].days && !s.error);
  const held = await until(() => streams.every(fed), 30000);
  const receiving = streams.filter(fed).length;
  check(held, `30 concurrent streams held, ${receiving} of 30 received >= 5 frames or their whole run`);
  console.log(`CONCURRENT_STREAMS_HELD ${receiving}`);

  // --- a run cancelled while watched: its streams end, the run is gone, others go on
  const victim = runs[0].id;
  await json('DELETE', `/api/runs/${victim}`);
  const watching = streams.filter((_, i) => i % runs.length === 0);
  check(await until(() => watching.every((s) => s.ended), 5000), `the ${watching.length} streams of the cancelled run got "end"`);
  check((await json('GET', `/api/runs/${victim}`)).status === 404, 'the cancelled run is gone (404)');
  const others = streams.filter((_, i) => i % runs.length !== 0);
  const before = others.map((s) => s.frames);
  await sleep(600);
  check(others.every((s, i) => s.frames > before[i] || runs[streams.indexOf(s) % runs.length].days <= s.rows),
    'the other runs keep streaming');
  const replacement = await json('POST', '/api/runs', { scenario: 'teaching/sandpile.yaml' });
  check(replacement.status === 201, 'a run can start again once one is cancelled');
  for (const s of streams) s.abort();
} finally {
  const code = await stop();
  console.log(`studio stopped (${code}); server tests took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
process.exit(failed() ? 1 : 0);
