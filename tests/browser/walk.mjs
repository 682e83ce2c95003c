// Real-browser walk-through of Tovholder.
//
// Starts `tovholder demo` on a free port with a fresh temp data dir, drives
// Debian's Chromium through playwright-core, and runs named steps. A failed
// step is reported with its name and the walk goes on with the next step.
// The last line printed is always `N passed, M failed`; the exit code is
// non-zero if anything failed. Screenshots go to <repo>/screenshots/.
//
// Environment:
//   TOVHOLDER_BIN     path to the binary (default: $CARGO_TARGET_DIR/debug/tovholder,
//                     else $HOME/.cache/tovholder-target/debug/tovholder)
//   CHROMIUM          browser to drive (default /usr/bin/chromium)
//   WALK_ONLY         optional substring: run only the steps whose name contains it (and the
//                     earlier steps those depend on, e.g. WALK_ONLY=Sofie runs the new-course walk)

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');
const SHOTS = path.join(REPO_ROOT, 'screenshots');
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const PASSWORD = 'demo1234';
const HEALTH_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 60_000;
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const NOT_FOUND_TEXT = 'Siden findes ikke, eller du har ikke adgang til den.';

function binaryPath() {
  if (process.env.TOVHOLDER_BIN) return process.env.TOVHOLDER_BIN;
  if (process.env.CARGO_TARGET_DIR) return path.join(process.env.CARGO_TARGET_DIR, 'debug', 'tovholder');
  return path.join(os.homedir(), '.cache', 'tovholder-target', 'debug', 'tovholder');
}

// ---------------------------------------------------------------- server

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class Server {
  constructor(bin) {
    this.bin = bin;
    this.output = [];
    this.proc = null;
    this.exited = null; // exit code/signal once the process is gone
    this.dataDir = null;
  }

  async start() {
    if (!fs.existsSync(this.bin)) {
      throw new Error(`tovholder binary not found at ${this.bin}; build it with ` +
        '`CARGO_TARGET_DIR=$HOME/.cache/tovholder-target cargo build -p tovholder` or set TOVHOLDER_BIN');
    }
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tovholder-walk-'));
    this.proc = spawn(this.bin, ['demo', '--listen', `127.0.0.1:${this.port}`, '--data', this.dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk) => {
      this.output.push(chunk.toString());
      if (this.output.length > 500) this.output.splice(0, this.output.length - 500);
    };
    this.proc.stdout.on('data', keep);
    this.proc.stderr.on('data', keep);
    this.exitPromise = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => { this.exited = { code, signal }; resolve(); });
      this.proc.on('error', (err) => { this.exited = { error: err }; resolve(); });
    });
    await this.waitHealthy();
  }

  async waitHealthy() {
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    let last = '';
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new Error(`server exited before it was ready (${JSON.stringify(this.exited)}):\n${this.log()}`);
      }
      try {
        const res = await fetch(`${this.base}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) return;
        last = `HTTP ${res.status}`;
      } catch (e) {
        last = e.message;
      }
      await sleep(200);
    }
    throw new Error(`server not healthy after ${HEALTH_TIMEOUT_MS / 1000} s (last: ${last}):\n${this.log()}`);
  }

  log() {
    return this.output.join('').split('\n').slice(-40).join('\n');
  }

  async stop() {
    if (this.proc && !this.exited) {
      this.proc.kill('SIGTERM');
      await Promise.race([this.exitPromise, sleep(5000)]);
      if (!this.exited) {
        this.proc.kill('SIGKILL');
        await Promise.race([this.exitPromise, sleep(5000)]);
      }
    }
    if (this.dataDir) {
      fs.rmSync(this.dataDir, { recursive: true, force: true });
      this.dataDir = null;
    }
  }

  // Last-resort synchronous cleanup (process 'exit' handler, signals).
  killNow() {
    try { if (this.proc && !this.exited) this.proc.kill('SIGKILL'); } catch { /* already gone */ }
    try { if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true }); } catch { /* ignore */ }
  }
}

// ---------------------------------------------------------------- walk state

const server = new Server(binaryPath());
let browser = null;
const sessions = new Map(); // username -> { context, page }
const state = {};           // facts found by one step and used by another (course hrefs)
const pageProblems = [];    // JS errors and broken static assets seen on any page
let lastPage = null;        // for the failure screenshot

async function newPage() {
  const context = await browser.newContext({
    locale: 'da-DK',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.setDefaultNavigationTimeout(15_000);
  page.on('pageerror', (err) => pageProblems.push(`JS error on ${page.url()}: ${err.message}`));
  page.on('response', (res) => {
    const url = res.url();
    if (url.startsWith(server.base) && new URL(url).pathname.startsWith('/static/') && res.status() >= 400) {
      pageProblems.push(`static asset ${url} answered ${res.status()}`);
    }
  });
  lastPage = page;
  return { context, page };
}

async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

function pathOf(page) {
  return new URL(page.url()).pathname;
}

async function loginOnPage(page, username, password = PASSWORD) {
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Brugernavn').fill(username);
  await page.getByLabel('Adgangskode').fill(password);
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Log ind' }).click(),
  ]);
}

// A logged-in page for `username`, reused between steps until logout.
async function session(username) {
  const existing = sessions.get(username);
  if (existing) { lastPage = existing.page; return existing.page; }
  const s = await newPage();
  await loginOnPage(s.page, username);
  assert.equal(pathOf(s.page), '/', `after logging in as ${username} we should land on /, got ${s.page.url()}`);
  sessions.set(username, s);
  return s.page;
}

async function endSession(username) {
  const s = sessions.get(username);
  sessions.delete(username);
  if (s) await s.context.close();
}

// Danish date text "17. nov. 2026" / "1. maj 2027" -> "2026-11-17".
const MONTHS = { jan: 1, feb: 2, mar: 3, apr: 4, maj: 5, jun: 6, jul: 7, aug: 8, sep: 9, okt: 10, nov: 11, dec: 12 };
function parseDanishDate(text) {
  const m = /(\d{1,2})\.\s*(jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)\.?\s+(\d{4})/i.exec(text);
  if (!m) return null;
  const pad = (n) => String(n).padStart(2, '0');
  return `${m[3]}-${pad(MONTHS[m[2].toLowerCase()])}-${pad(Number(m[1]))}`;
}

// Rows of the "Mine opgaver" table as plain data.
async function taskRows(page) {
  return page.locator('#tasks tbody tr').evaluateAll((rows) => rows.map((tr) => {
    const a = tr.querySelector('a[href^="/forloeb/"]');
    return {
      task: tr.dataset.task,
      status: tr.dataset.status,
      due: tr.dataset.due || null, // machine-readable date, if the app provides one
      dueText: tr.cells[0]?.textContent.trim() ?? '',
      text: tr.textContent.replace(/\s+/g, ' ').trim(),
      course: a?.textContent.trim() ?? null,
      href: a?.getAttribute('href') ?? null,
    };
  }));
}

// href of the course page for `child`, as seen in `username`'s task list.
async function courseHref(key, username, child, task) {
  if (state[key]) return state[key];
  const page = await session(username);
  await page.goto(`${server.base}/`);
  const rows = await taskRows(page);
  const row = rows.find((r) => r.course === child && (!task || r.task === task));
  assert.ok(row?.href, `${username}'s task list has no link to ${child}'s course`);
  state[key] = row.href;
  return row.href;
}

async function runAxe(page, label) {
  await page.addScriptTag({ path: AXE_PATH });
  const result = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
      summary: v.nodes[0]?.failureSummary ?? '',
    }));
  }, AXE_TAGS);
  if (result.length) {
    const lines = result.map((v) =>
      `  - ${v.id} (${v.impact}): ${v.help}\n      ${v.targets.length} node(s), e.g. ${v.targets.slice(0, 3).join(' | ')}\n      ${v.summary.replace(/\n/g, ' ')}`);
    assert.fail(`axe found ${result.length} violation(s) on ${label}:\n${lines.join('\n')}`);
  }
}

// Any full CPR number (DDMMYY-NNNN or DDMMYYNNNN) in the HTML, ignoring the
// CSRF token values (random hex that may contain a run of digits).
function fullCprsIn(html) {
  const scrubbed = html.replace(/(name="csrf"\s+value=")[^"]*"/g, '$1"');
  return scrubbed.match(/(?<![0-9A-Za-z])\d{6}-?\d{4}(?![0-9A-Za-z])/g) ?? [];
}

// ---------------------------------------------------------------- steps

const steps = [];
// step(name, fn, { id, needs }): `id` names a step that later steps may depend on; `needs` lists
// the ids of earlier steps that must have passed first. A step whose needs did not pass is not
// run: it is reported as SKIP and counted as failed, so the final count stays honest.
const step = (name, fn, { id = null, needs = [] } = {}) => {
  for (const n of needs) {
    if (!steps.some((s) => s.id === n)) throw new Error(`step "${name}" needs "${n}", which is not an earlier step`);
  }
  if (id && steps.some((s) => s.id === id)) throw new Error(`duplicate step id "${id}"`);
  steps.push({ name, fn, id, needs });
};

step('login page renders in Danish with labelled fields', async () => {
  const { page } = await newPage();
  const res = await page.goto(`${server.base}/login`);
  assert.equal(res.status(), 200, 'GET /login status');
  assert.equal(await page.locator('html').getAttribute('lang'), 'da', '<html lang>');
  await page.getByRole('heading', { level: 1, name: 'Log ind' }).waitFor();
  const user = page.getByLabel('Brugernavn');
  const pass = page.getByLabel('Adgangskode');
  assert.equal(await user.getAttribute('name'), 'username', 'field labelled Brugernavn is `username`');
  assert.equal(await pass.getAttribute('name'), 'password', 'field labelled Adgangskode is `password`');
  assert.equal(await pass.getAttribute('type'), 'password', 'password field type');
  assert.ok(await page.getByRole('button', { name: 'Log ind' }).isVisible(), 'button "Log ind" visible');
  const csrf = await page.locator('form[action="/login"] input[type="hidden"][name="csrf"]').getAttribute('value');
  assert.ok(csrf && csrf.length >= 16, 'hidden csrf field has a token');
  await shot(page, '01-login.png');
  await page.context().close();
});

step('wrong password shows the Danish error and stays on /login', async () => {
  const { page } = await newPage();
  await loginOnPage(page, 'tove', 'forkert-kode');
  assert.equal(pathOf(page), '/login', 'still on /login');
  const err = page.getByText('Forkert brugernavn eller adgangskode.');
  assert.ok(await err.isVisible(), 'error "Forkert brugernavn eller adgangskode." visible');
  assert.equal(await page.getByLabel('Brugernavn').inputValue(), 'tove', 'username is kept');
  assert.equal(await page.getByLabel('Adgangskode').inputValue(), '', 'password is not echoed back');
  await shot(page, '01-login-wrong-password.png');
  await page.context().close();
});

step('tove logs in and sees Mine opgaver, overdue task for William Larsen, rows sorted by date', async () => {
  const page = await session('tove');
  await page.getByRole('heading', { level: 1, name: 'Mine opgaver' }).waitFor();
  assert.match(await page.title(), /Mine opgaver/, 'page title');
  await page.locator('#tasks').waitFor();
  const rows = await taskRows(page);
  assert.ok(rows.length > 0, 'tove has task rows');
  const william = rows.find((r) => r.task === 'udpeg_kontaktperson' && r.course === 'William Larsen');
  assert.ok(william, `row udpeg_kontaktperson for William Larsen present (rows: ${rows.map((r) => `${r.task}/${r.course}`).join(', ')})`);
  assert.equal(william.status, 'overdue', 'William\'s udpeg_kontaktperson data-status');
  const badge = page.locator('#tasks tbody tr[data-task="udpeg_kontaktperson"]', { hasText: 'William Larsen' })
    .getByText('Overskredet', { exact: true });
  assert.ok(await badge.isVisible(), 'badge "Overskredet" visible in William\'s row');
  state.william = william.href;

  // Sorted by due date, ascending.
  const dates = rows.map((r) => r.due ?? parseDanishDate(r.dueText));
  dates.forEach((d, i) => assert.ok(d, `row ${i + 1} has a recognisable date (text: "${rows[i].dueText}")`));
  const sorted = [...dates].sort();
  assert.deepEqual(dates, sorted, 'rows sorted by date ascending');
  assert.ok(!rows.some((r) => r.course === 'Oliver Nielsen'), 'tove\'s list must not mention Oliver Nielsen');
  await shot(page, '02-tove-mine-opgaver.png');
});

step('tove opens William Larsen\'s course page: timeline, tasks, members (masked CPR), journal', async () => {
  const href = await courseHref('william', 'tove', 'William Larsen', 'udpeg_kontaktperson');
  const page = await session('tove');
  await page.goto(`${server.base}/`);
  await Promise.all([
    page.waitForURL(`**${href}`),
    page.locator('#tasks').getByRole('link', { name: 'William Larsen' }).first().click(),
  ]);
  await page.getByRole('heading', { level: 1, name: 'William Larsen' }).waitFor();

  const dates = page.locator('#timeline li[data-date]');
  assert.ok(await dates.count() >= 3, 'timeline has dates');
  assert.match(await page.locator('#timeline').innerText(), /\d{1,2}\. \p{L}+\.? \d{4}/u, 'timeline shows dates');

  const task = page.locator('#course-tasks tbody tr[data-task="udpeg_kontaktperson"]');
  assert.equal(await task.getAttribute('data-status'), 'overdue', 'course task udpeg_kontaktperson is overdue');
  assert.ok(await task.getByText('Overskredet').isVisible(), 'badge "Overskredet" in course tasks');

  const members = page.locator('#members');
  const membersText = await members.innerText();
  assert.match(membersText, /William Larsen/, 'the child is listed among members');
  assert.match(membersText, /\d{6}-XXXX/, 'CPR shown masked as DDMMYY-XXXX');
  const html = await page.content();
  const leaked = fullCprsIn(html);
  assert.deepEqual(leaked, [], 'no full CPR number anywhere in the page HTML');

  const journal = page.locator('#journal-list li');
  assert.ok(await journal.count() >= 1, 'journal has entries');
  await shot(page, '03-tove-course-william.png');
});

step('tove logs out, and / then redirects to /login', async () => {
  const page = await session('tove');
  await page.goto(`${server.base}/`);
  const button = page.getByRole('button', { name: 'Log af' }).filter({ visible: true }).first();
  await Promise.all([page.waitForNavigation(), button.click()]);
  await shot(page, '03-tove-logged-out.png');
  await page.goto(`${server.base}/`);
  assert.equal(pathOf(page), '/login', 'after logout, / leads to /login');
  assert.ok(await page.getByRole('button', { name: 'Log ind' }).isVisible(), 'login form shown');
  await endSession('tove');
});

step('mette finds Oliver Nielsen\'s course (parents said no) via her task list', async () => {
  const page = await session('mette');
  await page.goto(`${server.base}/`);
  const rows = await taskRows(page);
  const row = rows.find((r) => r.task === 'opfoelg_nej' && r.course === 'Oliver Nielsen');
  assert.ok(row, `mette has task opfoelg_nej for Oliver Nielsen (rows: ${rows.map((r) => `${r.task}/${r.course}`).join(', ')})`);
  assert.equal(row.status, 'overdue', 'opfoelg_nej data-status');
  state.oliver = row.href;
  await shot(page, '04-mette-mine-opgaver.png');
  await Promise.all([
    page.waitForURL(`**${row.href}`),
    page.locator(`#tasks tbody tr[data-task="opfoelg_nej"] a[href="${row.href}"]`).click(),
  ]);
  await page.getByRole('heading', { level: 1, name: 'Oliver Nielsen' }).waitFor();
  const task = page.locator('#course-tasks tbody tr[data-task="opfoelg_nej"]');
  assert.equal(await task.getAttribute('data-status'), 'overdue', 'course task opfoelg_nej is overdue');
  assert.deepEqual(fullCprsIn(await page.content()), [], 'no full CPR number in the page HTML');
  await shot(page, '04-mette-course-oliver.png');
});

step('tove gets 404 for Oliver Nielsen\'s course (parents said no)', async () => {
  const href = await courseHref('oliver', 'mette', 'Oliver Nielsen', 'opfoelg_nej');
  const page = await session('tove');
  const res = await page.goto(`${server.base}${href}`);
  assert.equal(res.status(), 404, `GET ${href} as tove`);
  assert.ok(await page.getByText(NOT_FOUND_TEXT).isVisible(), '404 page text shown');
  assert.ok(!(await page.content()).includes('Oliver Nielsen'), 'page does not leak the child\'s name');
  await shot(page, '05-tove-oliver-404.png');
});

step('lars (Lindeby) gets 404 for William Larsen\'s course (Egeskov)', async () => {
  const href = await courseHref('william', 'tove', 'William Larsen', 'udpeg_kontaktperson');
  const page = await session('lars');
  const res = await page.goto(`${server.base}${href}`);
  assert.equal(res.status(), 404, `GET ${href} as lars`);
  assert.ok(await page.getByText(NOT_FOUND_TEXT).isVisible(), '404 page text shown');
  assert.ok(!(await page.content()).includes('William Larsen'), 'page does not leak the child\'s name');
  await shot(page, '06-lars-william-404.png');
});

step('keyboard: first Tab on the login page focuses the skip link', async () => {
  const { page } = await newPage();
  await page.goto(`${server.base}/login`);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el.tagName, text: el.textContent.trim(), href: el.getAttribute('href') };
  });
  assert.equal(focused.tag, 'A', `focused element is a link (got ${focused.tag} "${focused.text}")`);
  assert.equal(focused.text, 'Gå til sidens indhold', 'skip link text');
  // DKFDS slides the skip link in with a 0.2 s transition; wait until it is fully on screen.
  try {
    await page.waitForFunction(() => {
      const r = document.activeElement.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0;
    }, null, { timeout: 2000 });
  } catch {
    assert.fail('skip link is not fully visible within 2 s of getting focus');
  }
  await shot(page, '07-login-skip-link-focused.png');
  await page.keyboard.press('Enter');
  const target = focused.href.replace(/^#/, '');
  const active = await page.evaluate(() => document.activeElement.id);
  assert.equal(active, target, 'Enter on the skip link moves focus to the main content');
  await page.context().close();
});

step('axe (WCAG 2.1 A/AA): login page', async () => {
  const { page } = await newPage();
  await page.goto(`${server.base}/login`);
  await runAxe(page, '/login');
  await page.context().close();
});

step('axe (WCAG 2.1 A/AA): Mine opgaver', async () => {
  const page = await session('tove');
  await page.goto(`${server.base}/`);
  await page.locator('#tasks').waitFor();
  await runAxe(page, 'Mine opgaver (tove)');
});

step('axe (WCAG 2.1 A/AA): course page', async () => {
  const href = await courseHref('william', 'tove', 'William Larsen', 'udpeg_kontaktperson');
  const page = await session('tove');
  await page.goto(`${server.base}${href}`);
  await page.locator('#timeline').waitFor();
  await runAxe(page, `course page ${href} (tove)`);
});

step('no JavaScript errors or broken static assets on any page visited', async () => {
  assert.deepEqual(pageProblems, [], 'problems seen while walking');
});

// ---------------------------------------------------------------- runner

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

function slug(s) {
  return s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

// The steps to run: all, or those whose name contains WALK_ONLY plus the earlier steps they
// depend on (transitively), in their original order.
function selectedSteps(only) {
  if (!only) return steps;
  const want = new Set();
  const add = (s) => {
    if (want.has(s)) return;
    want.add(s);
    for (const n of s.needs) add(steps.find((x) => x.id === n));
  };
  steps.filter((s) => s.name.includes(only)).forEach(add);
  return steps.filter((s) => want.has(s));
}

async function main() {
  let passed = 0;
  let failed = 0;
  let skipped = 0; // included in `failed`
  const fail = (name, err) => {
    failed += 1;
    const msg = (err && (err.stack && !(err instanceof assert.AssertionError) ? err.stack : err.message)) || String(err);
    console.log(`FAIL ${name}\n     ${msg.replace(/\n/g, '\n     ')}`);
  };

  const onSignal = (sig) => {
    server.killNow();
    console.log(`interrupted (${sig})`);
    console.log(`${passed} passed, ${failed + 1} failed`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => server.killNow());

  try {
    await server.start();
    console.log(`server ready at ${server.base} (data ${server.dataDir})`);
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });

    const results = new Map(); // step id -> 'passed' | 'failed' | 'skipped'
    for (const { name, fn, id, needs } of selectedSteps(process.env.WALK_ONLY)) {
      lastPage = null;
      const blocked = needs.find((n) => results.get(n) !== 'passed');
      if (blocked) {
        failed += 1;
        skipped += 1;
        if (id) results.set(id, 'skipped');
        const dep = steps.find((s) => s.id === blocked);
        console.log(`SKIP ${name}\n     not run (counted as failed): it depends on "${dep.name}", which ${results.get(blocked) === 'failed' ? 'failed' : 'was skipped'}`);
        continue;
      }
      try {
        await withTimeout(fn(), STEP_TIMEOUT_MS, `step "${name}"`);
        passed += 1;
        if (id) results.set(id, 'passed');
        console.log(`ok   ${name}`);
      } catch (err) {
        if (id) results.set(id, 'failed');
        fail(name, err);
        if (lastPage && !lastPage.isClosed()) {
          try {
            await withTimeout(shot(lastPage, `fail-${slug(name)}.png`), 10_000, 'failure screenshot');
          } catch { /* best effort */ }
        }
      }
    }
  } catch (err) {
    fail('setup', err);
  } finally {
    for (const user of [...sessions.keys()]) {
      try { await endSession(user); } catch { /* ignore */ }
    }
    if (browser) {
      try { await withTimeout(browser.close(), 10_000, 'browser close'); } catch { /* ignore */ }
    }
    try { await server.stop(); } catch (err) { fail('cleanup', err); }
  }

  if (skipped) console.log(`(${skipped} of the failures are steps not run because a step they depend on failed)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
