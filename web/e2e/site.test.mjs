// End-to-end journey through the real stack (Caddy on SITE_URL, the api, the worker, the SMTP
// sink): sign up with the mailed code, upload a GIF, the owner approves it, it shows in Recent,
// a second member reacts and comments, the first sees the badge change live, and the post page
// carries its Open Graph tags and the image in plain HTML; a simulated p3a (player.mjs) is
// registered on My Players and receives the artwork. Steps depend on each other and run
// in order. Screenshots land in web/test-results/screenshots/.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeGif } from './gif.mjs';
import { eventually, launch, localContext, shot, STACK_DIR, stackEnv, waitForCode } from './lib.mjs';
import { startPlayerSim } from './player.mjs';

const run = randomUUID().slice(0, 8);
const PASSWORD = `pixels-${run}-9`;
const s = {};
const outside = [];

before(async () => {
  s.env = await stackEnv();
  s.site = s.env.SITE_URL ?? 'http://127.0.0.1:8080';
  s.mailDir = path.resolve(STACK_DIR, '..', s.env.MAIL_DIR ?? '.stack/mail');
  const health = await fetch(`${s.site}/api/v1/health`).catch(() => null);
  assert.ok(health?.ok, `the stack does not answer at ${s.site} (scripts/stack up)`);
  s.browser = await launch();
});

after(async () => {
  await s.sim?.stop();
  await s.browser?.close();
});

/** Registers through the UI; returns the page, signed in, at `redirect`. */
async function signUp(ctx, email, redirect) {
  const page = await ctx.newPage();
  await page.goto(`${s.site}/auth?mode=register&redirect=${encodeURIComponent(redirect)}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('abcdefgh');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('The password needs at least one number.').waitFor();
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  const since = Date.now();
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
  const verify = page.getByRole('button', { name: 'Verify and sign in' });
  assert.equal(await verify.isDisabled(), true, 'verify is disabled before 6 digits');
  const code = await waitForCode(s.mailDir, email, since);
  await page.getByLabel('6-digit code').fill(`ab${code}99`);
  assert.equal(await page.getByLabel('6-digit code').inputValue(), code, 'only 6 digits are kept');
  await verify.click();
  await page.waitForURL((u) => u.pathname === redirect);
  return page;
}

async function signIn(ctx, email, password, redirect) {
  const page = await ctx.newPage();
  await page.goto(`${s.site}/auth?redirect=${encodeURIComponent(redirect)}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Login' }).click();
  await page.waitForURL((u) => u.pathname === redirect);
  return page;
}

/** A step of the journey; once one fails the later ones are skipped, not failed again. */
let broken = null;
function step(name, fn) {
  test(name, async (t) => {
    if (broken) return t.skip(`after the failure of "${broken}"`);
    try {
      await fn(t);
    } catch (e) {
      broken = name;
      throw e;
    }
  });
}

describe('the site through Caddy', () => {
  step('signed out, / goes to /welcome with the sign-in panel', async () => {
    s.anon = await localContext(s.browser, outside);
    const page = await s.anon.newPage();
    await page.goto(`${s.site}/`);
    await page.waitForURL((u) => u.pathname === '/welcome');
    assert.match(await page.title(), /Makapix/);
    await page.getByRole('heading', { name: /Pixel art/ }).waitFor();
    await page.getByLabel('Email').waitFor();
    // The menu works from the keyboard: Enter opens it, Escape closes it and returns focus.
    const menuButton = page.getByRole('button', { name: 'Open menu' });
    await menuButton.focus();
    await page.keyboard.press('Enter');
    assert.equal(await menuButton.getAttribute('aria-expanded'), 'true');
    await page.getByRole('menu').getByRole('menuitem', { name: 'About' }).waitFor();
    assert.equal(await page.getByRole('menuitem', { name: 'Log out' }).count(), 0);
    await page.keyboard.press('Escape');
    assert.equal(await page.getByRole('menu').count(), 0);
    assert.equal(await menuButton.evaluate((el) => el === document.activeElement), true);
    await shot(page, 'welcome');
  });

  step('sign up with the mailed code; ?redirect= is honoured; the token is not in storage', async () => {
    s.a = { email: `e2e-web-a-${run}@example.test` };
    s.ctxA = await localContext(s.browser, outside);
    s.pageA = await signUp(s.ctxA, s.a.email, '/submit');
    const stored = await s.pageA.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    assert.doesNotMatch(stored, /eyJ[\w-]+\.[\w-]+\./, 'no JWT in web storage');
    const cookies = await s.ctxA.cookies();
    const refresh = cookies.find((c) => c.name === 'refresh_token');
    assert.ok(refresh?.httpOnly, 'the refresh token is an HttpOnly cookie');
  });

  step('upload a GIF, with the client-side checks', async () => {
    const page = s.pageA;
    await page.getByLabel(/Artwork file/).setInputFiles({
      name: 'notes.gif',
      mimeType: 'image/gif',
      buffer: Buffer.from('this is not an image at all'),
    });
    await page.getByText(/Unsupported format/).waitFor();
    const odd = makeGif(100, 37, [[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 0, 255]], (x) => x % 4, `odd ${randomUUID()}`);
    await page.getByLabel(/Artwork file/).setInputFiles({ name: 'odd.gif', mimeType: 'image/gif', buffer: odd });
    await page.getByText('100×37 is non-standard. Scaling to a valid size is required.').waitFor();
    assert.equal(await page.getByLabel('Width').inputValue(), '64');
    assert.equal(await page.getByLabel('Height').inputValue(), '32');
    await page.getByRole('button', { name: 'Rescale' }).click();
    await page.getByText(/PNG · 64 × 32 px/).waitFor();
    assert.equal(await page.getByText(/non-standard/).count(), 0, 'the rescaled file passes');

    const gif = makeGif(32, 32, [[16, 16, 32], [0, 229, 255], [255, 61, 203], [255, 255, 255]],
      (x, y) => ((x >> 3) + (y >> 3)) % 4, `makapix e2e ${randomUUID()}`);
    await page.getByLabel(/Artwork file/).setInputFiles({ name: 'checkers.gif', mimeType: 'image/gif', buffer: gif });
    await page.getByText(/GIF · 32 × 32 px/).waitFor();
    s.title = `E2E checkers ${run}`;
    await page.getByLabel('Title').fill(s.title);
    await page.getByLabel('Hashtags (comma-separated)').fill(`e2e, web${run}`);
    await shot(page, 'submit');
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.getByRole('heading', { name: /waiting for review|Live/ }).waitFor();
    const href = await page.getByRole('link', { name: 'View post' }).getAttribute('href');
    s.sqid = href.replace('/p/', '');
    assert.match(s.sqid, /^\w+$/);
  });

  step('the owner approves it from the moderator dashboard', async () => {
    s.ctxO = await localContext(s.browser, outside);
    const page = await signIn(s.ctxO, s.env.MAKAPIX_OWNER_EMAIL, s.env.MAKAPIX_OWNER_PASSWORD, '/mod-dashboard');
    await page.getByRole('heading').first().waitFor();
    await shot(page, 'mod-dashboard');
    // The queue of a long-lived stack can be longer than the dashboard's first page, so the
    // moderator approves from the post itself (the same API call).
    await page.goto(`${s.site}/p/${s.sqid}`);
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByRole('button', { name: 'Revoke approval' }).waitFor();
  });

  step('the art appears in Recent, pixelated', async () => {
    const page = s.pageA;
    await eventually(async () => {
      await page.goto(`${s.site}/`);
      return page.locator(`a[href="/p/${s.sqid}"]`).first().waitFor({ timeout: 5000 }).then(() => true, () => false);
    }, 30_000, 'the post in Recent');
    const rendering = await page.locator(`a[href="/p/${s.sqid}"] img`).first().evaluate((img) => getComputedStyle(img).imageRendering);
    assert.equal(rendering, 'pixelated');
    await shot(page, 'recent');
    // Stay here: the next steps watch this page's bell without reloading it.
    // The approval already notified the author; remember the count before the others act.
    const bell = page.locator('header a[href="/notifications"]');
    const label = await bell.getAttribute('aria-label');
    assert.match(label, /^Notifications( \(\d+ unread\))?$/);
    s.unread0 = Number(/\((\d+) unread/.exec(label)?.[1] ?? 0);
  });

  step('a second member reacts and comments; the author sees the badge change live', async () => {
    s.b = { email: `e2e-web-b-${run}@example.test` };
    s.ctxB = await localContext(s.browser, outside);
    const page = await signUp(s.ctxB, s.b.email, `/p/${s.sqid}`);
    await page.getByRole('heading', { name: s.title }).waitFor();
    await page.getByRole('button', { name: 'Add 🔥 reaction (0)' }).click();
    await page.getByRole('button', { name: 'Remove 🔥 reaction (1)' }).waitFor();
    const comment = `Lovely checkers ${run}`;
    await page.getByLabel('Add a comment').fill(comment);
    await page.getByRole('button', { name: 'Post Comment' }).click();
    const item = page.locator('.comment', { hasText: comment });
    await item.waitFor();
    await item.getByRole('button', { name: 'Reply' }).click();
    await page.getByLabel('Your reply').fill(`and a reply ${run}`);
    await page.getByRole('button', { name: 'Post Reply' }).click();
    await page.locator('.thread-nested .comment', { hasText: `and a reply ${run}` }).waitFor();
    await shot(page, 'post');

    const bell = s.pageA.locator('header a[href="/notifications"]');
    const n = await eventually(async () => {
      const l = await bell.getAttribute('aria-label');
      const k = Number(/\((\d+) unread\)/.exec(l ?? '')?.[1] ?? 0);
      return k >= s.unread0 + 3 ? k : null;
    }, 20_000, 'the live badge to count the reaction and the comments');
    // The reaction, the comment and the reply (a comment on A's post too), each once.
    assert.equal(n, s.unread0 + 3);
    assert.equal(await s.pageA.getByTestId('notification-badge').textContent(), String(n));
    assert.ok(!s.pageA.url().includes('notifications'), 'no navigation happened');
  });

  step('notifications list the reaction and the comment, and opening them clears the badge', async () => {
    const page = s.pageA;
    await page.locator('header a[href="/notifications"]').click();
    await page.waitForURL((u) => u.pathname === '/notifications');
    await page.getByText(/reacted 🔥 to/).first().waitFor();
    await page.getByText(/commented on/).first().waitFor();
    await eventually(async () => (await page.getByTestId('notification-badge').count()) === 0, 10_000, 'the badge to clear');
    await shot(page, 'notifications');
  });

  step('profile page: server-rendered gallery, follow', async () => {
    const res = await fetch(`${s.site}/p/${s.sqid}`);
    const html = await res.text();
    const owner = /href="\/u\/([^"]+)"/.exec(html.slice(html.indexOf('<main')))[1];
    const profileHtml = await (await fetch(`${s.site}/u/${owner}`)).text();
    assert.match(profileHtml, new RegExp(`href="/p/${s.sqid}"`), 'gallery in the server HTML');
    const page = await s.ctxB.newPage();
    await page.goto(`${s.site}/u/${owner}`);
    await page.getByRole('button', { name: 'Follow' }).click();
    await page.getByRole('button', { name: 'Unfollow' }).waitFor();
    await page.getByText('👤 1').waitFor();
    await shot(page, 'profile');
    await page.goto(`${s.site}/following`);
    await page.locator(`a[href="/p/${s.sqid}"]`).waitFor();
  });

  step('with JavaScript off, the post page has its Open Graph tags and the image', async () => {
    const res = await fetch(`${s.site}/p/${s.sqid}`);
    assert.equal(res.status, 200);
    const html = await res.text();
    const meta = (attr, key) => new RegExp(`<meta ${attr}="${key}" content="([^"]*)"`).exec(html)?.[1];
    assert.equal(meta('property', 'og:title'), `${s.title} by ${/by <a href="\/u\/[^"]+">([^<]+)</.exec(html)[1]}`);
    assert.equal(meta('name', 'twitter:card'), 'summary_large_image');
    const ogImage = meta('property', 'og:image');
    assert.ok(ogImage?.startsWith(s.env.VAULT_PUBLIC_BASE_URL), `og:image on the vault (${ogImage})`);
    assert.equal((await fetch(ogImage)).status, 200, 'og:image can be fetched');
    assert.match(html, /<img id="art" class="artwork-image pixel-art" src="http[^"]+\.gif"/, 'the art is in the HTML');

    const ctx = await localContext(s.browser, outside, { javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${s.site}/p/${s.sqid}`);
    const img = page.locator('img#art');
    await img.waitFor();
    const box = await img.boundingBox();
    assert.equal(box.width, 32 * 16, 'a 32 px artwork shown at 16× on a desktop');
    await page.setViewportSize({ width: 360, height: 740 });
    const small = await img.boundingBox();
    assert.equal(small.width % 32, 0, `whole-number scale on a phone (width ${small.width})`);
    assert.ok(small.width <= 360, 'fits a 360 px screen');
    await shot(page, 'post-nojs');
    await ctx.close();
  });

  step('search, recommended, settings and players render', async () => {
    const page = await s.ctxA.newPage();
    await page.goto(`${s.site}/search?tab=hashtags`);
    await page.getByRole('link', { name: `#web${run}` }).waitFor();
    await shot(page, 'search-hashtags');
    await page.goto(`${s.site}/recommended`);
    await page.getByRole('heading', { name: 'Recommended' }).waitFor();
    await shot(page, 'recommended');
    await page.goto(`${s.site}/settings`);
    await page.getByRole('heading', { name: 'Monitored hashtags' }).waitFor();
    await shot(page, 'settings');
    await page.goto(`${s.site}/players`);
    await page.getByRole('heading', { name: 'My Players' }).waitFor();
    await shot(page, 'players');
  });

  step('My Players: a simulated p3a is registered with its code, goes online and receives the artwork', async () => {
    const post = await (await fetch(`${s.site}/api/v1/p/${s.sqid}`)).json();
    assert.equal(typeof post.id, 'number', 'the approved post is public');
    s.sim = startPlayerSim({ api: `${s.site}/api`, vault: s.env.VAULT_PUBLIC_BASE_URL });
    const prov = await s.sim.waitFor((e) => e.event === 'provisioned', 120_000, 'provisioning');
    assert.match(prov.registration_code, /^[A-Z0-9]{6}$/);

    // The header menu leads to the member's own page.
    const page = await s.ctxA.newPage();
    await page.goto(`${s.site}/players`);
    await page.getByRole('button', { name: 'Open menu' }).click();
    await page.getByRole('menuitem', { name: 'My Players' }).click();
    await page.waitForURL((u) => /^\/u\/[^/]+\/player$/.test(u.pathname));
    await page.getByRole('heading', { name: 'My Players' }).waitFor();
    // Another member is told the page is not theirs.
    const other = await s.ctxB.newPage();
    await other.goto(page.url());
    await other.getByText('Players can only be seen and controlled by their owner.').waitFor();
    assert.equal(await other.getByRole('button', { name: '+ Register Player' }).count(), 0);
    await other.close();

    await page.getByRole('button', { name: '+ Register Player' }).click();
    const code = page.getByLabel('Registration code');
    assert.equal(await code.getAttribute('placeholder'), 'A3F8X2');
    await code.fill('zz-zz zz9');
    assert.equal(await code.inputValue(), 'ZZZZZZ', 'upper-cased, A–Z/0–9 only, 6 at most');
    const name = `Frame ${run}`;
    await page.getByLabel('Player name').fill(name);
    await page.getByRole('button', { name: 'Register player', exact: true }).click();
    await page.getByText('This code is invalid or has expired.').waitFor();
    await code.fill(prov.registration_code.toLowerCase());
    assert.equal(await code.inputValue(), prov.registration_code);
    await page.getByRole('button', { name: 'Register player', exact: true }).click();

    const card = page.getByRole('article', { name });
    await card.waitFor();
    await s.sim.waitFor((e) => e.event === 'connected', 30_000, 'the mTLS connection');
    await eventually(async () => (await card.getByTestId('player-status').textContent()) === 'Online', 20_000, 'the card to show Online');
    // Online arrived over the live stream, not the 5 s fallback poll.
    assert.equal(await page.getByTestId('live-mode').textContent(), 'Live');
    // The p3a declares pause, brightness and rotation, and no mirror.
    await card.getByLabel('Brightness').waitFor();
    await card.getByLabel('Rotation').waitFor();
    await card.getByRole('button', { name: 'Pause' }).waitFor();
    assert.equal(await card.getByLabel('Mirror').count(), 0);
    await card.getByText('p3a · firmware 1.1.1').waitFor();

    await card.getByLabel('Artwork link or id').fill(`${s.site}/p/${s.sqid}`);
    await card.getByRole('button', { name: 'Send artwork' }).click();
    await card.getByText(`Sent post ${post.id}`).waitFor();
    const cmd = await s.sim.waitFor((e) => e.event === 'command' && e.command_type === 'show_artwork', 15_000, 'show_artwork');
    assert.equal(cmd.payload.post_id, post.id);
    assert.equal(cmd.payload.storage_key, post.storage_key);

    await card.getByRole('button', { name: 'Next' }).click();
    await s.sim.waitFor((e) => e.event === 'command' && e.command_type === 'swap_next', 15_000, 'swap_next');
    // The simulator applies brightness and reports the new state, which the card shows live.
    await card.getByLabel('Brightness').fill('42');
    const bright = await s.sim.waitFor((e) => e.event === 'command' && e.command_type === 'set_brightness', 15_000, 'set_brightness');
    assert.equal(bright.payload.value, 42);
    await card.getByText('Brightness 42', { exact: true }).waitFor();
    await shot(page, 'my-players');

    // The post page offers the same to a member with players.
    const postPage = await s.ctxA.newPage();
    await postPage.goto(`${s.site}/p/${s.sqid}`);
    await postPage.getByLabel('Player', { exact: true }).selectOption({ label: name });
    const before = s.sim.events.length;
    await postPage.getByRole('button', { name: 'Send to player' }).click();
    await postPage.getByText('Sent', { exact: true }).waitFor();
    const again = await s.sim.waitFor((e) => s.sim.events.indexOf(e) >= before && e.event === 'command' && e.command_type === 'show_artwork', 15_000, 'show_artwork from the post page');
    assert.equal(again.payload.post_id, post.id);
    await postPage.close();
    // Recent's PlayerBar plays the page's channel on the (only) player.
    const recent = await s.ctxA.newPage();
    await recent.goto(`${s.site}/`);
    const mark = s.sim.events.length;
    await recent.getByRole('button', { name: 'Play here' }).click();
    await recent.getByText('Playing recent art').waitFor();
    const ch = await s.sim.waitFor((e) => s.sim.events.indexOf(e) >= mark && e.event === 'command' && e.command_type === 'play_channel', 15_000, 'play_channel from Recent');
    assert.equal(ch.payload.channel_name, 'all');
    await recent.close();

    // Certificate files, rename, then delete after the confirmation.
    await card.getByText('Certificates').click();
    const [dl] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Download ca.pem' }).click()]);
    assert.equal(dl.suggestedFilename(), 'ca.pem');
    const { readFile } = await import('node:fs/promises');
    assert.match(await readFile(await dl.path(), 'utf8'), /^-----BEGIN CERTIFICATE-----/);
    // A fresh certificate is outside the renewal window: the card says so, and so does the api.
    await card.getByTestId('renewal-window').getByText(/Renewal opens 90 days before expiry/).waitFor();
    await card.getByRole('button', { name: 'Renew certificate' }).click();
    await card.getByText(/Certificate renewal not needed yet/).waitFor();
    await card.getByRole('button', { name: 'Rename' }).click();
    const renamed = `${name} (hall)`;
    await card.getByLabel('New name').fill(renamed);
    await card.getByRole('button', { name: 'Save name' }).click();
    const card2 = page.getByRole('article', { name: renamed });
    await card2.getByText('Renamed').waitFor();
    // Token rotation asks first, then shows the new token once.
    await card2.getByRole('button', { name: 'Rotate device token' }).click();
    await card2.getByRole('button', { name: 'Yes, rotate' }).click();
    assert.ok((await card2.getByLabel('New device token', { exact: true }).inputValue()).length >= 16, 'the new token is shown');
    await card2.getByText(/Shown only this once/).waitFor();
    await card2.getByRole('button', { name: 'Delete' }).click();
    await card2.getByRole('button', { name: 'Yes, delete' }).click();
    await card2.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('heading', { name: 'My Players' }).waitFor();
    await page.getByText(/No players yet/).waitFor();
    await s.sim.stop();
  });

  step('sign-out reaches every tab of the session', async () => {
    const other = await s.ctxA.newPage();
    await other.goto(`${s.site}/notifications`);
    await other.getByRole('heading', { name: 'Notifications' }).waitFor();
    await s.pageA.getByRole('button', { name: 'Open menu' }).click();
    await s.pageA.getByRole('menuitem', { name: 'Log out' }).click();
    await s.pageA.waitForURL((u) => u.pathname === '/welcome');
    await other.waitForURL((u) => u.pathname === '/auth', { timeout: 10_000 });
  });

  step('the original site\'s paths redirect', async () => {
    for (const [from, to] of [['/contribute', '/submit'], ['/u/abc/settings', '/settings']]) {
      const res = await fetch(`${s.site}${from}`, { redirect: 'manual' });
      assert.ok([307, 308].includes(res.status), `${from} answered ${res.status}`);
      assert.equal(new URL(res.headers.get('location'), s.site).pathname, to);
    }
  });

  step('no request left the machine', () => {
    assert.deepEqual(outside, []);
  });
});
