// Integration-test harness: starts the real example server from its built jar, and a TCP proxy in
// front of it that the tests cut (a network drop: no close frame) or freeze (a silent socket).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { CheckedWebSocket, checked, violations } from './schema-check.mjs';
import { VicinityClient } from '../../dist/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const JAR = process.env.VICINITY_SERVER_JAR ?? join(root, 'examples', 'server', 'target', 'vicinity-server.jar');
const inCi = (process.env.CI ?? '').toLowerCase() === 'true';

/**
 * Why a test cannot run here, or null. With CI=true a missing prerequisite is a failure (thrown), never
 * a skip; elsewhere the test is skipped with this one line.
 */
export function missing(what, problem) {
  if (!problem) return null;
  const line = `${what}: ${problem}`;
  if (inCi) throw new Error(line + ' (CI=true: failing instead of skipping)');
  return line;
}

export function jarProblem() {
  return existsSync(JAR) ? null : `${JAR} is missing; build it with mvn -B -q -pl examples/server -am package -DskipTests`;
}

function reachable(host, port) {
  return new Promise((resolveReach) => {
    const s = net.connect({ host, port });
    const done = (ok) => {
      s.destroy();
      resolveReach(ok);
    };
    s.setTimeout(1_000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export const pg = {
  host: process.env.VICINITY_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.VICINITY_PG_PORT ?? 5432),
  user: process.env.VICINITY_PG_USER ?? 'postgres',
  password: process.env.VICINITY_PG_PASSWORD ?? '',
  database: process.env.VICINITY_PG_DATABASE ?? 'test',
};
export const redisUrl = process.env.VICINITY_REDIS_URL
  ?? `redis://${process.env.VICINITY_REDIS_HOST ?? '127.0.0.1'}:${process.env.VICINITY_REDIS_PORT ?? 6379}`;

export async function serversProblem() {
  const r = new URL(redisUrl);
  if (!(await reachable(pg.host, pg.port))) return `PostgreSQL is not reachable on ${pg.host}:${pg.port} (start it, see README)`;
  if (!(await reachable(r.hostname, Number(r.port || 6379)))) return `Redis is not reachable on ${r.hostname}:${r.port} (start it, see README)`;
  return null;
}

/** Starts `java -jar vicinity-server.jar` on a free port; resolves once it prints its URL. */
export function startServer(args) {
  return new Promise((resolveStart, rejectStart) => {
    const proc = spawn('java', ['-jar', JAR, '--host', '127.0.0.1', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      rejectStart(new Error('the server did not start within 60 s:\n' + out));
    }, 60_000);
    const onData = (chunk) => {
      out += chunk;
      const m = /open http:\/\/localhost:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        proc.stdout.off('data', onData);
        proc.stdout.resume();
        proc.stderr.resume();
        resolveStart({
          port: Number(m[1]),
          stop: () => new Promise((resolveStop) => {
            if (proc.exitCode !== null) return resolveStop();
            const kill = setTimeout(() => proc.kill('SIGKILL'), 15_000);
            proc.once('exit', () => {
              clearTimeout(kill);
              resolveStop();
            });
            proc.kill('SIGTERM');
          }),
        });
      }
    };
    proc.stdout.setEncoding('utf8').on('data', onData);
    proc.stderr.setEncoding('utf8').on('data', (c) => {
      out += c;
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      rejectStart(new Error(`the server exited with ${code}:\n${out}`));
    });
  });
}

/** Arguments of a postgres+redis node sharing one schema, key prefix and cursor secret with its peers. */
export function sharedBackendArgs(run, node) {
  return ['--backend', 'postgres+redis', '--node-id', node,
    '--pg-url', `jdbc:postgresql://${pg.host}:${pg.port}/${pg.database}`, '--pg-user', pg.user, '--pg-password', pg.password,
    '--pg-schema', `ts_it_${run}`, '--redis-url', redisUrl, '--redis-prefix', `ts-it-${run}`, '--cursor-secret', `ts-it-secret-${run}`];
}

/** Best effort: drops the run's schema and keys (psql and redis-cli, when installed). */
export function cleanShared(run) {
  spawnSync('psql', ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', pg.database, '-qc', `DROP SCHEMA IF EXISTS ts_it_${run} CASCADE`],
    { env: { ...process.env, PGPASSWORD: pg.password }, stdio: 'ignore' });
  const r = new URL(redisUrl);
  spawnSync('redis-cli', ['-h', r.hostname, '-p', r.port || '6379', 'EVAL',
    "for _,k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end return 1", '0', `ts-it-${run}*`], { stdio: 'ignore' });
}

export function runId() {
  return randomUUID().replace(/-/g, '').slice(0, 10);
}

/** A TCP proxy in front of the server: `cut()` drops every connection, `freeze()` stops forwarding without closing. */
export async function startProxy(targetPort) {
  let target = targetPort;
  let frozen = false;
  const pairs = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    const pair = { client, upstream, frozen: false };
    pairs.add(pair);
    const forward = (from, to) => from.on('data', (d) => {
      if (!pair.frozen) to.write(d);
    });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    if (frozen) pair.frozen = true;
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    url: () => `ws://127.0.0.1:${server.address().port}/ws`,
    setTarget(port) {
      target = port;
    },
    /** The network drops every open connection: both ends see the TCP connection cut, no close frame. */
    cut() {
      for (const p of [...pairs]) {
        p.client.resetAndDestroy?.() ?? p.client.destroy();
        p.upstream.resetAndDestroy?.() ?? p.upstream.destroy();
      }
      pairs.clear();
    },
    /** Open connections go silent (nothing passes, nothing closes); new ones work. */
    freezeOpen() {
      for (const p of pairs) p.frozen = true;
    },
    connections: () => pairs.size,
    close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      return new Promise((r) => server.close(r));
    },
  };
}

/**
 * A client of the tests: fast backoff, the ws package's WebSocket (Node 20 has no global one without a flag),
 * wrapped so that every frame both ways is checked against protocol/schema/.
 */
export function newClient(url, name, extra = {}) {
  return new VicinityClient({
    url, token: `demo:${name}`, device: `dev-${name}`, WebSocket: CheckedWebSocket,
    // A 3 s pong timeout (the server pings every 1 s here): a loaded machine does not fake a dead socket.
    reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 }, pongTimeoutMs: 3_000, ...extra,
  });
}

/** Resolves when `predicate` holds, checked on every event of the client; rejects after timeoutMs. */
export function until(client, predicate, what, timeoutMs = 15_000) {
  return new Promise((resolveUntil, rejectUntil) => {
    const events = ['state', 'message', 'session', 'outbox', 'presence', 'rating', 'typing', 'read'];
    const offs = [];
    const check = () => {
      let ok = false;
      try {
        ok = predicate();
      } catch (e) {
        finish(e);
        return;
      }
      if (ok) finish();
    };
    const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what}`)), timeoutMs);
    function finish(err) {
      clearTimeout(timer);
      offs.forEach((off) => off());
      if (err) rejectUntil(err);
      else resolveUntil();
    }
    for (const e of events) offs.push(client.on(e, check));
    check();
  });
}

/** Records a client's messages per session, and its states. */
export function track(client) {
  const t = { messages: [], sessions: [], states: [], ratings: [], presence: [] };
  client.on('message', (m) => t.messages.push(m));
  client.on('session', (s) => t.sessions.push(s));
  client.on('state', (s) => t.states.push(s));
  client.on('rating', (r) => t.ratings.push(r));
  client.on('presence', (p) => t.presence.push(p));
  t.seqs = (session) => t.messages.filter((m) => m.session === session).map((m) => m.seq);
  t.texts = (session) => t.messages.filter((m) => m.session === session).map((m) => m.text);
  return t;
}

/** Alice invites Bob, Bob accepts; resolves with the session id once both see it ACTIVE. */
export async function startChat(alice, aliceT, bob, bobT) {
  const invited = await alice.invite([bob.connectionInfo.user]);
  await until(bob, () => bobT.sessions.some((s) => s.session === invited.session && s.state === 'INVITED'), 'the invite push');
  await bob.accept(invited.session);
  await until(alice, () => aliceT.sessions.some((s) => s.session === invited.session && s.state === 'ACTIVE'), 'ACTIVE at the inviter');
  return invited.session;
}

export async function connected(client) {
  client.connect();
  await until(client, () => client.state.status === 'connected', 'connected');
}

/** The last test of each file: every frame its clients sent and received matched the schema. */
export function schemaTest(test, assert, skip) {
  test('every frame the clients sent and received matches protocol/schema/', { skip }, () => {
    assert.ok(checked.client > 10 && checked.server > 10, `frames checked: ${JSON.stringify(checked)}`);
    assert.deepEqual(violations, []);
  });
}
