// Review first (#20) in headless Chromium (Debian's, through
// playwright-core), against the real stack: the Create with CSV window
// sends the file as a review (the same options and mapping, review=true);
// the review's page counts what the import would do (skipped rows by
// reason), and its grid, filtered by outcome, searched and paged, shows an
// update's changes before → after and which key matched which contact;
// nothing is written (MariaDB and the Contacts page); the feed marks the
// review as one; a viewer sees no Import; Import imports the file, and the
// import says how many rows came out differently (a contact was created
// by the CLI in between). Layout at 1280 and 390 px and axe-core on the
// review's page. Run by tests/it/browser-review.sh, which passes BASE,
// RUN, SHOTS, CHROMIUM, DBSOCK, DBPASS, ADA, INTAKE_BIN and INTAKE_CONF.
// Prints `ok - ...` / `not ok - ...`.
import { chromium } from 'playwright-core';
import { ok, notOk, check, eq, failed } from './tap.mjs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const { BASE, RUN, SHOTS, CHROMIUM, DBSOCK, DBPASS, ADA, INTAKE_BIN, INTAKE_CONF } = process.env;
const T = 15000;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

function sql(q) {
	return execFileSync('mariadb', ['--no-defaults', '-uintake', `-p${DBPASS}`, '--default-character-set=utf8mb4',
		`--socket=${DBSOCK}`, '-N', '-B', 'intake', '-e', q], { encoding: 'utf8' }).trim();
}
function has(text, re) {
	if (!re.test(text)) throw new Error(`${re} not in [${String(text).slice(0, 300)}]`);
}

async function session(email, password) {
	const ctx = await chromium.launchPersistentContext(mkdtempSync(join(RUN, 'chromium-')), {
		executablePath: CHROMIUM, headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		baseURL: BASE, viewport: { width: 1280, height: 900 },
	});
	const page = ctx.pages()[0] || await ctx.newPage();
	page.setDefaultTimeout(T);
	page.consoleErrors = [];
	page.on('console', (m) => {
		if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
			page.consoleErrors.push(m.text());
	});
	await page.goto('/');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.getByRole('heading', { name: 'Contacts' }).waitFor();
	return { ctx, page };
}
const { ctx, page } = await session('ed@acme.test', 'editor-pass-1');

// A part of the scenario: a step that throws fails it.
async function section(what, fn) {
	try {
		await fn();
	} catch (e) {
		notOk(`${what} ran to its end`, e.message);
		for (const l of String(e.message).split('\n').slice(1, 6))
			console.log(`#   ${l}`);
		await page.keyboard.press('Escape').catch(() => {});
	}
}
const status = (id) => page.evaluate(async (id) => (await fetch(`/api/imports/${id}`)).json(), id);
const idOfPage = () => page.evaluate(() => decodeURIComponent(location.hash.split('/')[2] || ''));
const grid = page.locator('table.review-rows tbody tr');
const count = (key) => page.locator(`.review-counts li[data-count="${key}"] .count-num`).textContent();
// The grid has settled: n rows shown, the pager says so, and (the
// answer to the last change, not the one before) the first row has text.
async function gridShows(n, pagerText, first) {
	await page.waitForFunction(([n, t, first]) => {
		const rows = document.querySelectorAll('table.review-rows tbody tr:not(:has(td.empty))');
		const p = document.querySelector('.review .pager')?.textContent || '';
		return rows.length === n && (!t || p.includes(t)) && (!first || rows[0].textContent.includes(first));
	}, [n, pagerText, first]);
}

// The layout rules (as browser-screens.sh's): no sideways scroll, no two
// interactive elements on top of each other, nothing hidden shown. The
// toasts in the corner float over the page by design and are left out.
const layout = () => page.evaluate(() => {
	const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
	const els = [...document.body.querySelectorAll(sel)].filter((e) => !e.closest('#toasts') && e.checkVisibility({ visibilityProperty: true }))
		.map((e) => ({ e, r: e.getBoundingClientRect() })).filter(({ r }) => r.width > 2 && r.height > 2);
	const name = (e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}[${(e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 30)}]`;
	const overlaps = [];
	for (let i = 0; i < els.length; i++)
		for (let j = i + 1; j < els.length; j++) {
			const a = els[i], b = els[j];
			if (a.e.contains(b.e) || b.e.contains(a.e))
				continue;
			const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
			const hg = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
			if (w > 1 && hg > 1) overlaps.push(`${name(a.e)} / ${name(b.e)}`);
		}
	const shownHidden = [...document.querySelectorAll('[hidden]')]
		.filter((e) => getComputedStyle(e).display !== 'none' || e.getBoundingClientRect().height > 0).map(name);
	// Nothing of the review's page wider than the screen.
	const wide = [...document.querySelectorAll('.review *')].filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5)
		.map(name).slice(0, 3);
	return { sideways: document.scrollingElement.scrollWidth - innerWidth, overlaps: overlaps.slice(0, 5),
		shownHidden: shownHidden.slice(0, 5), wide, n: els.length };
});
async function axe() {
	if (!(await page.evaluate(() => !!window.axe)))
		await page.evaluate(AXE);
	return page.evaluate(async () => (await window.axe.run(document, {
		runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
		resultTypes: ['violations'] })).violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} (${v.nodes[0].target})`));
}

// The file: Ada's phone and colour change (matched by email), Bob as he
// is, Carla new, a row without a key (skipped), a new contact whose name
// is markup, and 60 more new ones (a second page of rows).
const people = [
	['Ada', 'Lovelace', 'Analytical', 'analytical.example', 'ada@analytical.example', '+1 555 0199', 'crimson'],
	['Bob', 'Builder', 'Builders', 'builders.example', 'bob@builders.example', '+1 555 0111', 'blue'],
	['Carla', 'Nueva', 'Nueva', 'nueva.example', 'carla@nueva.example', '', 'green'],
	['Zed', '', '', '', '', '', ''],
	['<img src=x onerror=window.__xss=1>', 'Markup', 'Markup Co', 'markup.example', 'mark@markup.example', '', ''],
];
for (let n = 1; n <= 60; n++)
	people.push([`P${n}`, `Person${n}`, 'Bulk Co', 'bulk.example', `p${n}@bulk.example`, '', '']);
const file = join(RUN, 'event-list.csv');
writeFileSync(file, ['First name,Last name,Account Name,Domain,Email,Phone,Colour', ...people.map((r) => r.join(','))]
	.join('\r\n') + '\r\n');
const ROWS = people.length, CREATED = 62;

let review = null;
await section('Review first in the Create with CSV window', async () => {
	await page.getByRole('button', { name: 'Add new' }).click();
	await page.getByRole('menuitem', { name: /Create with CSV/ }).click();
	const dlg = page.getByRole('dialog', { name: 'Create Contacts with import' });
	await dlg.waitFor();
	await check('the window keeps its words ("If an contact already exists")', () =>
		dlg.getByText('If an contact already exists', { exact: true }).waitFor());
	await dlg.getByText('Drag your CSV file here').setInputFiles(file);
	await dlg.getByText('The required columns are there.').waitFor();
	await dlg.getByLabel('Update existing contact information').check();
	const reviewBtn = dlg.getByRole('button', { name: 'Review first' });
	await check('Review first sits next to Import, enabled with it, and is reached by keyboard', async () => {
		eq(await reviewBtn.isEnabled(), true);
		await dlg.getByRole('button', { name: 'Import', exact: true }).focus();
		await page.keyboard.press('Shift+Tab');
		eq(await page.evaluate(() => document.activeElement?.textContent), 'Review first');
	});
	// What the window hands the upload, seen as XMLHttpRequest.send gets it.
	await page.evaluate(() => {
		const send = XMLHttpRequest.prototype.send;
		XMLHttpRequest.prototype.send = function (body) {
			if (body instanceof FormData)
				window.__sent = [...body.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : '(file)']);
			return send.call(this, body);
		};
	});
	await page.keyboard.press('Enter');	// on Review first
	await check('the window closes and says "Review started. Reading the whole file…"', async () => {
		await dlg.waitFor({ state: 'detached' });
		await page.getByText('Review started. Reading the whole file…', { exact: true }).waitFor();
	});
	const sent = Object.fromEntries(await page.evaluate(() => window.__sent || []));
	await check('the upload is a review with the window\'s options and mapping (review=true, on_existing=update, the mapping)', () => {
		eq(sent.review, 'true');
		eq(sent.on_existing, 'update');
		eq(sent.flow, 'create');
		if (!sent.mapping || !/Colour/.test(sent.mapping)) throw new Error(`mapping: ${sent.mapping}`);
	});
	await check('the review\'s page opens', async () => {
		await page.getByRole('heading', { name: 'What the import would do' }).waitFor();
		review = await idOfPage();
		if (!review) throw new Error(await page.evaluate(() => location.hash));
	});
});

await section('the review\'s findings', async () => {
	await page.locator('.detail .state.done').waitFor({ timeout: 60000 });
	const st = await status(review);
	await check('the status is a review, done', () => eq(`${st.review} ${st.state}`, 'true done'));
	await check(`the counts: would create ${CREATED}, update 1, 1 unchanged, skip 1, fail 0`, async () => {
		await page.waitForFunction((n) => document.querySelector('.review-counts li[data-count=created] .count-num')?.textContent === n, String(CREATED));
		eq(`${await count('created')} ${await count('updated')} ${await count('unchanged')} ${await count('skipped')} ${await count('failed')}`,
			`${CREATED} 1 1 1 0`);
	});
	await check('warnings, tagged, queued to the workflow and Do Not Touch are counted as the status says', async () => {
		eq(await count('warnings'), String(st.warnings || 0));
		eq(await count('tagged'), String(st.tagged || 0));
		eq(await count('queued_to_workflow'), String(st.queued_to_workflow || 0));
		eq(await count('dnt'), String(st.dnt || 0));
	});
	await check('skipped rows by reason: one reason, one row, its code', async () => {
		const r = page.locator('.reasons li[data-reason]');
		await r.first().waitFor();
		eq(await r.count(), 1);
		has(await r.textContent(), /^\S+ 1$/);
	});
	await check('the page says it is a review and nothing was written', async () => {
		await page.locator('.detail .badge.review', { hasText: 'Review' }).waitFor();
		await page.getByText('Nothing was written.', { exact: false }).first().waitFor();
	});
	await check(`the grid: every row, ${ROWS} of them, 50 a page`, async () => {
		await gridShows(50, `${ROWS} rows`);
		has(await page.locator('.review .pager').textContent(), /Page 1 of 2/);
	});
	await page.locator('.review .pager').getByRole('button', { name: 'Next' }).click();
	await check(`the second page holds the other ${ROWS - 50}`, async () => {
		await gridShows(ROWS - 50, 'Page 2 of 2');
	});

	await page.locator('.review').getByLabel('Show', { exact: true }).selectOption('updated');
	await check('filtered to updated: one row, Ada', async () => {
		await gridShows(1, '1 row', 'Would update');
		has(await grid.first().textContent(), /Ada Lovelace/);
		has(await page.locator('.review').getByLabel('Show', { exact: true }).locator('option:checked').textContent(), /Would update \(1\)/);
	});
	await check('the updated row shows each change before → after (Phone, custom data Colour)', async () => {
		const ch = await grid.first().locator('.changes li').evaluateAll((lis) => lis.map((li) => `${li.querySelector('.change-field').textContent}: ${li.querySelector('.change').firstChild.textContent} -> ${li.querySelector('.arrow').nextSibling.textContent}`));
		const text = ch.join(' | ');
		has(text, /Phone: \+1 555 0100 -> \+1 555 0199/);
		has(text, /Colour \(custom data\): red -> crimson/);
		if (!(await grid.first().locator('.arrow').first().isVisible())) throw new Error('no arrow shown');
	});
	await check('the updated row says which key matched which contact', async () => {
		eq((await grid.first().locator('.matched').textContent()).trim(), `matched by email to ${ADA}, Ada Lovelace at Analytical`);
		eq(await grid.first().locator('.matched a').getAttribute('href'), `#/contacts/${encodeURIComponent(ADA)}`);
	});
	await page.screenshot({ path: join(SHOTS, 'review-updated.png'), fullPage: true });

	await page.locator('.review').getByLabel('Show', { exact: true }).selectOption('skipped');
	await check('filtered to skipped: the row without a key (row 5), with its code and why', async () => {
		await gridShows(1, '1 row', 'Would skip');
		has(await grid.first().textContent(), /^5Would skip/);
		const code = await page.locator('.reasons li[data-reason]').getAttribute('data-reason');
		eq(await grid.first().locator('code').textContent(), code);
		has(await grid.first().locator('.r-message').textContent(), /Missing/);
	});
	await page.locator('.review').getByLabel('Show', { exact: true }).selectOption('');
	await page.locator('.review').getByLabel('Search rows').fill('Carla');
	await check('search: "Carla" finds the one new contact, named', async () => {
		await gridShows(1, '1 row', 'Carla');
		has(await grid.first().textContent(), /Would create/);
		has(await grid.first().textContent(), /Carla Nueva/);
		eq(await grid.first().locator('.matched').count(), 0);
	});
	await page.locator('.review').getByLabel('Search rows').fill('Markup');
	await check('user text is text: a name that is markup shows as typed, runs nothing', async () => {
		await gridShows(1, '1 row', 'Markup');
		has(await grid.first().textContent(), /<img src=x onerror=window.__xss=1>/);
		eq(await page.locator('.review img').count(), 0);
		eq(await page.evaluate(() => window.__xss), undefined);
	});
	await page.locator('.review').getByLabel('Search rows').fill('nobody-at-all');
	await check('search with no match says so', async () => {
		await page.locator('.review-rows td.empty', { hasText: 'No row of the file matches.' }).waitFor();
	});
	await page.locator('.review').getByLabel('Search rows').fill('');
	await gridShows(50, `${ROWS} rows`);
});

await section('nothing was written by the review', async () => {
	await check('MariaDB: still the two seeded contacts, Ada\'s phone as it was', () => {
		eq(sql('SELECT COUNT(*) FROM contacts'), '2');
		eq(sql(`SELECT phone FROM contacts WHERE public_id = '${ADA}'`), '+1 555 0100');
	});
	await page.getByRole('link', { name: 'Contacts', exact: true }).click();
	await check('the Contacts page: 2 contacts, no Carla', async () => {
		await page.locator('.count', { hasText: /^2 contacts$/ }).waitFor();
		eq(await page.locator('table.contacts', { hasText: 'Carla' }).count(), 0);
	});
	await page.getByRole('link', { name: 'Tasks', exact: true }).click();
	await check('the task feed marks the review as a review, in "would create" words', async () => {
		const card = page.locator(`article.import[data-id="${review}"]`);
		await card.waitFor();
		eq(await card.locator('.badge.review').textContent(), 'Review');
		has(await card.textContent(), /Review of Create with CSV/);
		has(await card.textContent(), new RegExp(`Would create\\s*${CREATED}`));
		eq(await page.locator('article.import:not(.is-review) .badge.review').count(), 0);
	});
	await page.screenshot({ path: join(SHOTS, 'review-feed.png') });
	await page.getByRole('link', { name: 'Contacts', exact: true }).click();
	await check('the Contacts page\'s recent imports mark it a review too', async () =>
		page.locator(`.recent-list article.import[data-id="${review}"] .badge.review`).waitFor());
	await page.getByRole('button', { name: 'Add new' }).click();
	await page.getByRole('menuitem', { name: /Update with CSV/ }).click();
	const upd = page.getByRole('dialog', { name: 'Update Contacts with import' });
	await upd.waitFor();
	await check('the Update with CSV window offers Review first too', async () =>
		upd.getByRole('button', { name: 'Review first' }).waitFor());
	await upd.locator('.modal-foot').getByRole('button', { name: 'Close' }).click();
	await upd.waitFor({ state: 'detached' });
});

// The review's page at both widths: layout and axe.
for (const w of [1280, 390]) await section(`the review's page at ${w} px`, async () => {
	await page.setViewportSize({ width: w, height: w > 800 ? 900 : 844 });
	await page.goto(`/#/tasks/${encodeURIComponent(review)}`);
	await page.getByRole('heading', { name: 'What the import would do' }).waitFor();
	await gridShows(50, `${ROWS} rows`);
	await page.waitForFunction(() => document.querySelector('.reasons'));
	// (the notices in the corner, dismissed: the screenshots show the page)
	await page.evaluate(() => document.querySelectorAll('#toasts .toast').forEach((t) => t.remove()));
	const l = await layout();
	await check(`${w} px: the page does not scroll sideways, nothing sticks out`, () => {
		if (l.sideways > 0 || l.wide.length) throw new Error(`${l.sideways} px too wide: ${l.wide.join('; ')}`);
	});
	await check(`${w} px: no two of its ${l.n} interactive elements overlap`, () => {
		if (l.overlaps.length) throw new Error(l.overlaps.join('; '));
	});
	await check(`${w} px: nothing hidden is shown`, () => {
		if (l.shownHidden.length) throw new Error(l.shownHidden.join('; '));
	});
	const v = await axe();
	await check(`${w} px: axe-core finds no violation (WCAG 2.1 A/AA, best practice)`, () => {
		if (v.length) throw new Error(v.join('; '));
	});
	await page.screenshot({ path: join(SHOTS, `review-${w}.png`), fullPage: true });
	// (and what a screen of it looks like: the counts, then the grid)
	await page.screenshot({ path: join(SHOTS, `review-${w}-top.png`) });
	await page.locator('.review-rows').scrollIntoViewIfNeeded();
	await page.screenshot({ path: join(SHOTS, `review-${w}-grid.png`) });
});
await page.setViewportSize({ width: 1280, height: 900 });

await section('a viewer', async () => {
	const v = await session('vi@acme.test', 'viewer-pass-1');
	await v.page.goto(`/#/tasks/${encodeURIComponent(review)}`);
	await v.page.getByRole('heading', { name: 'What the import would do' }).waitFor();
	await v.page.locator('.detail .state.done').waitFor();
	await v.page.locator('table.review-rows tbody tr').first().waitFor();
	await check('a viewer sees the review but no Import', async () =>
		eq(await v.page.getByRole('button', { name: 'Import', exact: true }).count(), 0));
	await v.ctx.close();
});

let imported = null;
await section('Import from the review', async () => {
	// Meanwhile Carla comes in by the CLI: the import will update her,
	// not create her as the review said.
	writeFileSync(join(RUN, 'carla.csv'), 'First name,Last name,Account Name,Domain,Email\r\nCarla,Nueva,Nueva,nueva.example,carla@nueva.example\r\n');
	execFileSync(INTAKE_BIN, ['-c', INTAKE_CONF, 'import', '--workspace', 'acme', '--as', 'ed@acme.test', join(RUN, 'carla.csv')],
		{ stdio: 'ignore' });
	await page.goto(`/#/tasks/${encodeURIComponent(review)}`);
	const btn = page.getByRole('button', { name: 'Import', exact: true });
	await btn.waitFor();
	await btn.click();
	await check('Import says exactly "Import started. Processing contacts…"', async () =>
		page.getByText('Import started. Processing contacts…', { exact: true }).waitFor());
	await check('the new import\'s page opens and is followed to its end', async () => {
		await page.waitForFunction((r) => decodeURIComponent(location.hash.split('/')[2] || '') !== r, review);
		imported = await idOfPage();
		await page.locator('.detail .state.done').waitFor({ timeout: 60000 });
	});
	const st = await status(imported);
	await check('its status names the review and counts the rows that differ', () => {
		eq(st.from_review, review);
		if (!(st.differs >= 1)) throw new Error(`differs ${st.differs}`);
		if (st.review) throw new Error('the import is marked a review');
	});
	await check('its page says it came from the review, and shows differs_message', async () => {
		await page.locator('.from-review a', { hasText: 'the review' }).waitFor();
		await page.locator('.from-review .differs').waitFor();
		eq((await page.locator('.from-review .differs').textContent()).trim(), st.differs_message || `${st.differs} rows came out differently from the review.`);
		eq(await page.locator('.detail .badge.review').count(), 0);
	});
	await page.screenshot({ path: join(SHOTS, 'review-imported.png'), fullPage: true });
	await check('MariaDB: the file was imported (Ada\'s phone changed, the new contacts there)', () => {
		eq(sql(`SELECT phone FROM contacts WHERE public_id = '${ADA}'`), '+1 555 0199');
		eq(sql('SELECT COUNT(*) FROM contacts'), String(2 + 1 + CREATED - 1));
	});
	await page.getByRole('link', { name: 'Contacts', exact: true }).click();
	await check('the Contacts page shows them', async () =>
		page.locator('.count', { hasText: new RegExp(`^${2 + 1 + CREATED - 1} contacts$`) }).waitFor());
	await page.goto(`/#/tasks/${encodeURIComponent(review)}`);
	await check('a review imported already: Import again is refused, and said so', async () => {
		await page.locator('.detail .state.done').waitFor();
		const again = page.getByRole('button', { name: 'Import', exact: true });
		if (await again.count()) {
			await again.click();
			await page.locator('.review-summary .error').filter({ hasText: /\S/ }).waitFor();
			await again.waitFor({ state: 'hidden' });
		}
		const list = await page.evaluate(async () => (await (await fetch('/api/imports?limit=100')).json()).imports);
		eq(list.filter((i) => i.from_review === review).length, 1);
	});
});

await check('no console errors (CSP included)', () => {
	if (page.consoleErrors.length) throw new Error(page.consoleErrors.join(' | '));
});
await ctx.close();
console.log(`# browser-review: ${failed()} failed`);
process.exit(failed() ? 1 : 0);
