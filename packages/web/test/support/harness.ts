/**
 * What the web app's end-to-end tests share: a real Parley server serving the
 * built app, Debian's Chromium driven by playwright-core, and a few steps a
 * person takes (enter, open a room, send). Every wait is bounded.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { after, before } from 'node:test';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { startServerProcess, type ServerProcess, type StartOptions } from '@parley/server/testing';

const here = dirname(fileURLToPath(import.meta.url));
/** packages/web, from packages/web/dist-test/test/support. */
export const WEB_ROOT = resolve(here, '..', '..', '..');
export const WEB_DIST = join(WEB_ROOT, 'dist');
export const REPO_ROOT = resolve(WEB_ROOT, '..', '..');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-artifacts', 'screenshots');

/** Playwright's default per-action wait, shortened: a chat that takes 5 s to show a message is broken. */
export const WAIT_MS = 5000;

export function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  return startServerProcess({ ...options, env: { WEB_DIR: WEB_DIST, ...options.env } });
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    return Promise.reject(new Error(`no browser at ${CHROMIUM}: install Debian's Chromium (apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH`));
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 20_000,
  });
}

/** A server and a browser, started together; if either fails the other is stopped, so no process outlives the test file. */
async function startServerAndBrowser(options: StartOptions = {}): Promise<[ServerProcess, Browser]> {
  const [server, browser] = await Promise.allSettled([startServer(options), launchBrowser()]);
  if (server.status === 'fulfilled' && browser.status === 'fulfilled') return [server.value, browser.value];
  if (server.status === 'fulfilled') await server.value.stop();
  if (browser.status === 'fulfilled') await browser.value.close();
  throw server.status === 'rejected' ? server.reason : (browser as PromiseRejectedResult).reason;
}

const NETWORK_NOTICE = /^(Failed to load resource|WebSocket connection to '[^']*' failed)/;

export interface Person {
  context: BrowserContext;
  page: Page;
  /**
   * Uncaught page errors, dialogs, and console errors other than the browser's own
   * network notices (refused sockets while a server is down).
   */
  errors: string[];
}

export async function openPerson(browser: Browser, baseURL: string, options: BrowserContextOptions = {}): Promise<Person> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'Asia/Seoul', ...options });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  watchErrors(page, errors);
  await page.goto('/');
  return { context, page, errors };
}

/** Another tab of the same person (the same session), its errors collected with theirs. */
export async function openTab(person: Person): Promise<Page> {
  const page = await person.context.newPage();
  watchErrors(page, person.errors);
  await page.goto('/');
  return page;
}

function watchErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !NETWORK_NOTICE.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  page.on('dialog', (dialog) => {
    errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
}

export async function enterAsGuest(page: Page, name: string): Promise<void> {
  await page.getByLabel(/^(Display name|표시 이름)$/).fill(name);
  await page.getByRole('button', { name: /^(Continue as guest|게스트로 입장)$/ }).click();
  await page.locator('#composer').waitFor();
}

export async function register(page: Page, username: string, password: string, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Display name', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await page.locator('#composer').waitFor();
}

/**
 * Starts a DM through the people picker: types `query` (part of a display name or username) and
 * chooses the person whose row shows `pick` (default: the query). Resolves once the DM is open.
 */
export async function startDm(page: Page, query: string, pick: string = query): Promise<void> {
  await page.getByRole('button', { name: 'New direct message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New direct message' });
  await dialog.getByRole('combobox', { name: 'Name or username' }).fill(query);
  await dialog.getByRole('option').filter({ hasText: pick }).first().click();
  await dialog.waitFor({ state: 'detached' });
}

/** Invites to the open private room, through the people picker, the person whose row shows `pick` (default: the query); closes the dialog. */
export async function invite(page: Page, query: string, pick: string = query): Promise<void> {
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: /^Invite to / });
  await dialog.getByRole('combobox', { name: 'Name or username' }).fill(query);
  await dialog.getByRole('option').filter({ hasText: pick }).first().click();
  await dialog.getByText(/ was added\.$/).waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
}

/** Types a message into the composer and presses Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const composer = page.locator('#composer');
  await composer.fill(text);
  await composer.press('Enter');
}

/** The message rows (stored or pending) of the open room whose text contains `text`. */
export function messages(page: Page, text: string) {
  return page.locator('article.msg').filter({ hasText: text });
}

export async function openRoom(page: Page, name: string): Promise<void> {
  await page.locator('nav .room-link').filter({ hasText: name }).first().click();
  await page.locator('#room-title', { hasText: name }).waitFor();
}

/** Waits until no CSS transition is running (a drawer sliding in or out), so that a screenshot shows where things come to rest. */
export async function transitionsDone(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getAnimations().every((animation) => !(animation instanceof CSSTransition) || animation.playState !== 'running'));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Polls `check` until it returns true, failing with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Keeps typing into `page`'s composer, a character at a time as a person does,
 * until `seen` holds. The client sends at most one typing frame per
 * TYPING.throttleMs, so the other side may need a few seconds to notice.
 */
export async function typeUntil(page: Page, what: string, seen: () => Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const composer = page.locator('#composer');
  await eventually(what, async () => {
    if (await seen()) return true;
    await composer.press('.');
    await page.waitForTimeout(200);
    return false;
  }, timeoutMs);
}

/**
 * Uses a button of a message's hover toolbar: hovers the row, then clicks. A
 * row can move under the pointer while messages still arrive, so this retries.
 */
export async function messageAction(page: Page, text: string, button: string): Promise<void> {
  const row = page.locator('article.msg:not([class*="pending-"])', { hasText: text });
  await eventually(`"${button}" on "${text}"`, async () => {
    try {
      await row.hover({ timeout: 1000 });
      await row.getByRole('button', { name: button, exact: true }).click({ timeout: 1000 });
      return true;
    } catch {
      return false;
    }
  });
}

/** The server and browser of a test file or suite; `server` may be replaced by a test that restarts it. */
export interface Stage {
  server: ServerProcess;
  browser: Browser;
}

/**
 * Registers hooks in the calling scope (a file or a `describe`): before its
 * tests a server and a browser start, after them both stop. Later `before`
 * hooks of the scope run after these, with the stage ready.
 */
export function useServerAndBrowser(options: StartOptions = {}): Stage {
  const stage = {} as Stage;
  before(async () => {
    [stage.server, stage.browser] = await startServerAndBrowser(options);
  });
  after(async () => {
    await stage.browser?.close();
    await stage.server?.stop();
  });
  return stage;
}
