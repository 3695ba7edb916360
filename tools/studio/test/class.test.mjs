// A class plays the system, over real HTTP: 30 students join one class, each holding an event
// stream and submitting levers every round; the teacher runs rounds; every client must see every
// round. Bad requests (wrong code, full class, stale round, bad lever value, not the teacher) get
// JSON errors. Then the pace of rounds: a class that advances when every student has submitted
// (it runs the moment the last of 5 does), then the teacher switches to a timer (the month runs
// after the time, the levers of students who did not submit kept from the month before); and a
// student's seat got back with their token after a reload (a wrong token: a JSON error).
// Prints the timings. Usage: node class.test.mjs <binary> <src> <build>
import { paths, startStudio, check, failed } from './server.mjs';
import { jsonClient, readEvents, until, sleep } from './common.mjs';

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

  await paceAndRejoin();
} finally {
  const code = await stop();
  console.log(`studio stopped (${code}); class server test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
process.exit(failed() ? 1 : 0);

async function paceAndRejoin() {
  const N = 5;
  const created = await json('POST', '/api/classes', { counterfactual: false, advance_when_all_submitted: true });
  check(created.status === 201 && created.data.advance_when_all_submitted === true && created.data.round_seconds === 0,
    'a class that advances when all have submitted starts');
  const { code, teacher } = created.data;
  const me = [];
  for (let i = 0; i < N; i++) me.push((await json('POST', `/api/classes/${code}/players`, { name: `P${i + 1}` })).data);
  check(new Set(me.map((m) => m.org)).size === N, `${N} students lead ${N} different organisations`);
  // When each event arrived, to time the rounds from the client's side.
  const events = [];
  const stream = readEvents(url, `/api/classes/${code}/events`, (e) => events.push({ at: Date.now(), e }));
  const startedAt = (round) => events.find(({ e }) => e.round === round - 1 && e.running)?.at ??
    events.find(({ e }) => e.round >= round)?.at;
  const choose = (i, round, systemTime) =>
    json('POST', `/api/classes/${code}/choices`, { player: me[i].player, round, levers: { system_time: systemTime } });

  // Round 1: four of five submit; nothing runs; the fifth submits and the month runs at once.
  for (let i = 0; i < N - 1; i++) await choose(i, 1, 10 * (i + 1));
  await sleep(1500);
  const waiting = (await json('GET', `/api/classes/${code}`)).data;
  check(waiting.round === 0 && !waiting.running && waiting.submitted === N - 1,
    `with ${N - 1} of ${N} submitted the month waits (round ${waiting.round}, running ${waiting.running}, ${waiting.submitted} submitted, 1.5 s later)`);
  const tLast = Date.now();
  const last = await choose(N - 1, 1, 10 * N);
  check(last.status === 200 && last.data.submitted === N, `the last student submits (${last.data.submitted} of ${last.data.players})`);
  check(await until(() => events.some(({ e }) => e.round === 1 && !e.running), 60000), 'round 1 ran without the teacher');
  const allMs = startedAt(1) - tLast;
  check(allMs >= 0 && allMs < 1000, `round 1 started ${allMs} ms after the last submission`);
  console.log(`CLASS_ALL_SUBMITTED_START_MS ${allMs}`);

  // The teacher's control: bad pace requests, then a 2-second timer instead.
  for (const [body, status, what] of [
    [{ teacher: 'me', round_seconds: 2 }, 403, 'pace by a student'],
    [{ teacher, round_seconds: -1 }, 400, 'a negative timer'],
    [{ teacher, round_seconds: 'soon' }, 400, 'a timer that is not a number'],
    [{ teacher, advance_when_all_submitted: 'yes' }, 400, 'a flag that is not true or false'],
  ]) {
    const r = await json('POST', `/api/classes/${code}/pace`, body);
    check(r.status === status && typeof r.data?.error === 'string', `${what}: ${r.status} ${r.data?.error}`);
  }
  const tPace = Date.now();
  const paced = await json('POST', `/api/classes/${code}/pace`, { teacher, advance_when_all_submitted: false, round_seconds: 2 });
  check(paced.status === 200 && paced.data.round_seconds === 2 && paced.data.advance_when_all_submitted === false,
    `the teacher sets a 2 s timer: ${paced.text}`);
  // Round 2: only students 1 and 2 submit (new values); the others' levers stay as in round 1.
  await choose(0, 2, 45);
  await choose(1, 2, 35);
  const ticking = (await json('GET', `/api/classes/${code}`)).data;
  check(ticking.round === 1 && ticking.seconds_left > 0 && ticking.seconds_left <= 2,
    `the class shows the timer: ${ticking.seconds_left} s left, ${ticking.submitted} of ${N} submitted`);
  check(await until(() => events.some(({ e }) => e.round === 2 && !e.running), 60000), 'round 2 ran on the timer');
  const timerMs = startedAt(2) - tPace;
  check(timerMs >= 2000 && timerMs < 3500, `round 2 started ${timerMs} ms after the timer was set (2 s)`);
  console.log(`CLASS_TIMER_START_MS ${timerMs}`);
  // Stop the timer before looking at the debrief, so no third month starts meanwhile.
  await json('POST', `/api/classes/${code}/pace`, { teacher, round_seconds: 0 });
  const debrief = (await json('GET', `/api/classes/${code}/debrief`)).data;
  const lever = (round, i) => debrief.rounds[round - 1].organisations.find((o) => o.org === me[i].org)
    .levers.find((l) => l.key === 'system_time').value;
  const round1 = me.map((_, i) => lever(1, i));
  const round2 = me.map((_, i) => lever(2, i));
  check(JSON.stringify(round1) === JSON.stringify([10, 20, 30, 40, 50]), `round 1's levers: ${round1.join(', ')} %`);
  check(JSON.stringify(round2) === JSON.stringify([45, 35, 30, 40, 50]),
    `round 2's levers: ${round2.join(', ')} % (students 3 to 5 did not submit: their round-1 levers kept)`);

  // Rejoin after a reload: the token gives back the same seat and levers.
  const again = await json('POST', `/api/classes/${code.toLowerCase()}/rejoin`, { player: me[0].player });
  const lv = again.data?.levers?.find((l) => l.key === 'system_time')?.value;
  check(again.status === 200 && again.data.id === me[0].id && again.data.org === me[0].org &&
    again.data.org_name === me[0].org_name && again.data.name === 'P1' && lv === 45 && again.data.open_round === 3 &&
    again.data.submitted === false,
  `rejoin with the token: seat ${again.data?.id}, ${again.data?.org_name}, system time ${lv} %, open round ${again.data?.open_round}`);
  await choose(2, 3, 25);
  const chosen = (await json('POST', `/api/classes/${code}/rejoin`, { player: me[2].player })).data;
  check(chosen.submitted === true && chosen.levers.find((l) => l.key === 'system_time').value === 25,
    'a student who submitted and reloads sees their choice and that it is in');
  const players = (await json('GET', `/api/classes/${code}`)).data.players.length;
  check(players === N, `rejoining takes no new seat (${players} players)`);
  for (const [path, body, status, what] of [
    [`/api/classes/${code}/rejoin`, { player: 'not-a-token' }, 403, 'rejoin with a wrong token'],
    [`/api/classes/${code}/rejoin`, {}, 403, 'rejoin without a token'],
    ['/api/classes/ZZZZZ/rejoin', { player: me[0].player }, 404, 'rejoin a class that does not exist'],
  ]) {
    const r = await json('POST', path, body);
    check(r.status === status && typeof r.data?.error === 'string' && r.type.startsWith('application/json'),
      `${what}: ${r.status} ${r.data?.error}`);
  }
  await json('DELETE', `/api/classes/${code}`, { teacher });
  const gone = await json('POST', `/api/classes/${code}/rejoin`, { player: me[0].player });
  check(gone.status === 404, `rejoin an ended class: ${gone.status} ${gone.data?.error}`);
  stream.abort();
}
