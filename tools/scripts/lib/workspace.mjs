// Shared by `npm start` and `npm test`. Uses only Node's standard library: it runs before the
// project's dependencies are installed.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/bridgenotes';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function say(line) {
  process.stdout.write(`\x1b[36m[bridgenotes]\x1b[0m ${line}\n`);
}

export function fail(message) {
  process.stderr.write(`\x1b[31m[bridgenotes]\x1b[0m ${message}\n`);
  process.exit(1);
}

/**
 * Runs a command to completion with inherited output and returns its exit status; unless told
 * otherwise (`exitOnFailure: false`), a failure ends the script.
 */
export function run(command, args, { exitOnFailure = true, ...options } = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0 && exitOnFailure) {
    fail(`\`${[command, ...args].join(' ')}\` failed (exit ${result.status ?? result.signal}).`);
  }
  return result.status ?? 1;
}

function succeeds(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'ignore', timeout: 120_000 });
  return result.status === 0;
}

const has = (command) => succeeds('sh', ['-c', `command -v ${command}`]);

/** Installs dependencies when node_modules is missing or older than the lockfile. */
/**
 * Refuses a Node older than package.json's `engines` asks (`>=MAJOR.MINOR`), before anything
 * installs: the dependencies are pinned to versions whose own engines accept it.
 */
export function checkNodeVersion() {
  const wanted = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node;
  const [major, minor] = /^>=(\d+)\.(\d+)$/.exec(wanted).slice(1).map(Number);
  const [haveMajor, haveMinor] = process.versions.node.split('.').map(Number);
  if (haveMajor < major || (haveMajor === major && haveMinor < minor)) {
    fail(`Bridgenotes needs Node.js ${wanted}; this is ${process.version}.`);
  }
}

export function ensureDependencies() {
  checkNodeVersion();
  const marker = join(root, 'node_modules', '.package-lock.json');
  // The hash of the lockfile node_modules was last found or made to match. Dates alone are not
  // enough: a fresh checkout of the same lockfile (a clone, a git worktree sharing node_modules)
  // has a newer lockfile than the install and would install again for nothing.
  const installedFor = join(root, 'node_modules', '.bridgenotes-lock.sha256');
  const lock = readFileSync(join(root, 'package-lock.json'));
  const lockHash = createHash('sha256').update(lock).digest('hex');
  const stale =
    !existsSync(marker) ||
    (existsSync(installedFor)
      ? readFileSync(installedFor, 'utf8') !== lockHash
      : statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs);
  if (stale) {
    // `npm install` rather than `npm ci`: npm 11's `ci` rejects a lockfile that lacks other
    // platforms' optional binaries (SWC, msgpackr), which npm itself leaves out; with the
    // committed lockfile `install` resolves the same versions and leaves the lockfile untouched.
    say('Installing dependencies…');
    run('npm', ['install', '--no-audit', '--no-fund']);
  }
  if (stale || !existsSync(installedFor)) writeFileSync(installedFor, lockHash);
  // npm runs the generator after installing; a schema edited since needs a fresh client too.
  const client = join(root, 'libs/database/src/generated/prisma/client.ts');
  const schema = join(root, 'prisma/schema.prisma');
  if (!existsSync(client) || statSync(schema).mtimeMs > statSync(client).mtimeMs) {
    run(process.execPath, [join(root, 'tools/scripts/prisma-generate.mjs')]);
  }
}

/**
 * Everything both commands do before their real work: install what is missing, find or start
 * PostgreSQL and Redis, and return the environment for the commands that follow (the service
 * URLs made explicit, Nx without its daemon, cloud or terminal UI).
 */
export async function prepareWorkspace() {
  ensureDependencies();
  const configured = configuredEnvironment();
  const databaseUrl = configured.DATABASE_URL || DEFAULT_DATABASE_URL;
  // With the queues in PostgreSQL (QUEUE_BACKEND=postgres) there is no Redis to find.
  const redisUrl =
    configured.QUEUE_BACKEND === 'postgres' ? undefined : configured.REDIS_URL || DEFAULT_REDIS_URL;
  await ensureServices({ databaseUrl, redisUrl });
  return {
    ...toolEnvironment(configured),
    DATABASE_URL: databaseUrl,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  };
}

/** The environment every command runs with: Nx without its daemon, cloud or terminal UI. */
export function toolEnvironment(configured = configuredEnvironment()) {
  return { ...configured, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
}

/**
 * `.env` under the real environment, as the apps themselves read their configuration
 * (libs/config's `readEnvironment`, which these plain-Node scripts cannot import: keep the two
 * alike).
 */
export function configuredEnvironment() {
  const file = join(root, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

function endpoint(url, defaultPort) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: Number(parsed.port || defaultPort),
  };
}

export function answers({ host, port }, timeoutMs = 1_000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(target, seconds) {
  for (let i = 0; i < seconds * 4; i += 1) {
    if (await answers(target, 250)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

const isLocal = ({ host }) => ['127.0.0.1', 'localhost', '::1'].includes(host);

const dockerRuns = () => has('docker') && succeeds('docker', ['info']);

const SERVICES = {
  postgres: {
    label: 'PostgreSQL',
    defaultPort: 5432,
    install: 'apt-get install -y postgresql (Debian/Ubuntu), brew install postgresql@16 (macOS)',
    variable: 'DATABASE_URL',
    startLocal() {
      if (!has('pg_ctlcluster') || !existsSync('/etc/postgresql')) return false;
      return succeeds('sh', [
        '-c',
        'for v in $(ls /etc/postgresql); do pg_ctlcluster --skip-systemctl-redirect "$v" main start || true; done',
      ]);
    },
  },
  redis: {
    label: 'Redis',
    defaultPort: 6379,
    install: 'apt-get install -y redis-server (Debian/Ubuntu), brew install redis (macOS)',
    variable: 'REDIS_URL',
    startLocal({ port }) {
      if (!has('redis-server')) return false;
      const dir = existsSync('/var/lib/redis') ? '/var/lib/redis' : '/tmp';
      const log = existsSync('/var/log/redis') ? '/var/log/redis/ci.log' : '/tmp/redis.log';
      return succeeds('redis-server', [
        '--daemonize',
        'yes',
        '--bind',
        '127.0.0.1',
        '-::1',
        '--port',
        String(port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--logfile',
        log,
      ]);
    },
  },
};

/**
 * Makes sure PostgreSQL and Redis answer at the configured URLs: starts installed local servers,
 * or the compose services where a Docker engine runs, and otherwise stops naming what to install.
 */
async function ensureServices({ databaseUrl, redisUrl }) {
  const wanted = [
    [SERVICES.postgres, endpoint(databaseUrl, 5432)],
    ...(redisUrl ? [[SERVICES.redis, endpoint(redisUrl, 6379)]] : []),
  ];
  for (const [service, target] of wanted) {
    if (await answers(target)) continue;
    const where = `${target.host}:${target.port}`;
    if (!isLocal(target)) {
      fail(`${service.label} does not answer at ${where} (${service.variable}). Is it running?`);
    }
    say(`${service.label} does not answer at ${where}; starting it…`);
    let started = service.startLocal(target) && (await waitFor(target, 30));
    if (!started && target.port === service.defaultPort && dockerRuns()) {
      say(`Starting ${service.label} with docker compose…`);
      started =
        succeeds('docker', [
          'compose',
          'up',
          '-d',
          service === SERVICES.postgres ? 'postgres' : 'redis',
        ]) && (await waitFor(target, 60));
    }
    if (!started) {
      fail(
        `${service.label} is not running at ${where} and could not be started.\n` +
          `  Install it: ${service.install};\n` +
          `  or run a Docker engine (docker compose up -d postgres redis);\n` +
          `  or point ${service.variable} at a running server.`,
      );
    }
  }
}

/**
 * Starts a long-running child whose output lines are prefixed with its name (in the workspace
 * root unless `cwd` says otherwise).
 */
export function launch(name, command, args, env, cwd = root) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `\x1b[35m[${name}]\x1b[0m `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
    stream.on('end', () => buffered && process.stdout.write(prefix + buffered + '\n'));
  }
  return child;
}
