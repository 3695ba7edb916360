// A class plays the system, over real HTTP: 30 students join one class, each holding an event
// stream and submitting levers every round; the teacher runs rounds; every client must see every
// round. Bad requests (wrong code, full class, stale round, bad lever value, not the teacher) get
// JSON errors. Prints the timings. Usage: node class.test.mjs <binary> <src> <build>
import { paths, startStudio, check, failed } from './server.mjs';
import { jsonClient, readEvents, until } from './common.mjs';

const where = paths();
const started = Date.now();
const { url, stop } = await startStudio(where);
const json = jsonClient(url);
const STUDENTS = 30;
const ROUNDS = 3;

try {
  // The teacher starts a class (no counterfactual months: this test is about load).
  const t0 = Date.now();
  const created = await json('POST', '/api/classes', { counterfactual: false });
  check(created.status === 201 && /^[A-Z2-9]{5}$/.test(created.data.code), `a class starts with code ${created.data?.code} (${Date.now() - t0} ms)`);
  const { code, teacher } = created.data;

  // 30 students join and each opens an event stream.
  const students = [];
  const tJoin = Date.now();
  await Promise.all(Array.from({ length: STUDENTS }, async (_, i) => {
    const r = await json('POST', `/api/classes/${code.toLowerCase()}/players`, { name: `Student ${i + 1}` });
    if (r.status !== 201) throw new Error(`join ${i}: ${r.status} ${r.text}`);
    const s = { me: r.data, rounds: new Set(), rows: 0, lastRound: 0 };
    s.stream = readEvents(url, `/api/classes/${code}/events`, (e) => {
      s.rows = e.first_day + e.rows.length;
      s.lastRound = e.round;
      if (e.round > 0 && e.picture) s.rounds.add(e.round);
    });
    students.push(s);
  }));
  const joinMs = Date.now() - tJoin;
  check(students.length === STUDENTS, `${STUDENTS} students joined in ${joinMs} ms`);
  const kinds = new Set(students.map((s) => s.me.kind));
  check(kinds.size >= 6, `places dealt over ${kinds.size} kinds of organisation: ${[...kinds].join(', ')}`);
  check(await until(() => students.every((s) => s.stream.status === 200), 10000), `${STUDENTS} event streams open`);
  const full = await json('GET', `/api/classes/${code}`);
  check(full.data.players.length === STUDENTS, `the class lists ${full.data.players.length} players`);

  // Rounds: everyone submits, the teacher advances, every stream must see the round.
  const roundMs = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const tSubmit = Date.now();
    const answers = await Promise.all(students.map((s, i) => {
      const levers = { system_time: (i * 7 + round * 5) % 50 };
      if (s.me.levers.some((l) => l.key === 'pressure_passed')) levers.pressure_passed = 50;
      return json('POST', `/api/classes/${code}/choices`, { player: s.me.player, round, levers });
    }));
    const submitMs = Date.now() - tSubmit;
    check(answers.every((a) => a.status === 200), `round ${round}: ${STUDENTS} submissions accepted in ${submitMs} ms`);
    const tRound = Date.now();
    const adv = await json('POST', `/api/classes/${code}/advance`, { teacher });
    check(adv.status === 200 && adv.data.round === round, `round ${round}: the teacher runs the month`);
    const seen = await until(() => students.every((s) => s.rounds.has(round) && s.rows >= round * 30), 60000);
    const ms = Date.now() - tRound;
    roundMs.push(ms);
    check(seen, `round ${round}: all ${students.filter((s) => s.rounds.has(round)).length} of ${STUDENTS} clients saw it (${round * 30} days) within ${ms} ms`);
  }
  console.log(`CLASS_CLIENTS_HELD ${students.filter((s) => s.rounds.size === ROUNDS && !s.stream.error).length}`);
  console.log(`CLASS_ROUND_MS ${roundMs.join(' ')}`);

  // Bad requests, each with its JSON error.
  const me = students[0].me;
  const bad = [
    ['POST', '/api/classes/ZZZZZ/players', { name: 'x' }, 404, 'wrong code'],
    ['POST', `/api/classes/${code}/players`, { name: '' }, 400, 'no name'],
    ['POST', `/api/classes/${code}/choices`, { player: me.player, round: 1, levers: { system_time: 10 } }, 409, 'stale round'],
    ['POST', `/api/classes/${code}/choices`, { player: me.player, round: ROUNDS + 1, levers: { system_time: 90 } }, 400, 'lever out of range'],
    ['POST', `/api/classes/${code}/choices`, { player: me.player, round: ROUNDS + 1, levers: { fly: 1 } }, 400, 'no such lever'],
    ['POST', `/api/classes/${code}/choices`, { player: 'nobody', round: ROUNDS + 1, levers: {} }, 403, 'not a player'],
    ['POST', `/api/classes/${code}/advance`, { teacher: 'me' }, 403, 'not the teacher'],
    ['POST', `/api/classes/${code}/choices`, '{oops', 400, 'not JSON'],
    ['POST', '/api/classes', { scenario: 'teaching/sandpile.yaml' }, 400, 'not a care city'],
    ['POST', '/api/classes', { seed: -1 }, 400, 'bad seed'],
  ];
  for (const [method, path, body, status, what] of bad) {
    const r = await json(method, path, body);
    check(r.status === status && typeof r.data?.error === 'string' && r.type.startsWith('application/json'),
      `${what}: ${r.status} ${r.data?.error}`);
  }
  // A class is full at 40.
  for (let i = STUDENTS; i < 40; i++) await json('POST', `/api/classes/${code}/players`, { name: `Late ${i}` });
  const over = await json('POST', `/api/classes/${code}/players`, { name: 'One too many' });
  check(over.status === 409 && over.data.error.includes('full'), `a full class: ${over.status} ${over.data?.error}`);

  // The debrief: one entry per round, with the choices.
  const debrief = await json('GET', `/api/classes/${code}/debrief`);
  check(debrief.status === 200 && debrief.data.rounds.length === ROUNDS &&
    debrief.data.rounds[0].organisations.length > 5, `the debrief has ${debrief.data?.rounds?.length} rounds`);

  // The teacher ends the class: every stream ends.
  const end = await json('DELETE', `/api/classes/${code}`, { teacher });
  check(end.status === 200, 'the teacher ends the class');
  check(await until(() => students.every((s) => s.stream.ended), 5000), 'every student stream got "end"');
  check((await json('GET', `/api/classes/${code}`)).status === 404, 'the ended class is gone (404)');
  for (const s of students) s.stream.abort();
} finally {
  const code = await stop();
  console.log(`studio stopped (${code}); class server test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
process.exit(failed() ? 1 : 0);
