// Every screen of the web app at 1280 and 390 px in headless Chromium
// (Debian's, through playwright-core), against the real stack: layout
// (no sideways scroll, no two interactive elements on top of each other,
// nothing hidden shown), axe-core (no serious or critical violation),
// both import flows by keyboard alone, a failed import told as one, the
// notice when an import ends (and the title of a tab in the background),
// the contacts' filters and the contact view, and the options that do
// nothing said so. Run by tests/it/browser-screens.sh, which passes BASE,
// RUN, SHOTS, CHROMIUM, WATCHD_PID, FAILED, SEED, TOUCH and ADA.
// Prints `ok - ...` / `not ok - ...`.
import { chromium } from 'playwright-core';
import { ok, notOk, check, eq, failed } from './tap.mjs';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const { BASE, RUN, SHOTS, CHROMIUM, WATCHD_PID, FAILED, SEED, TOUCH, ADA } = process.env;
const T = 15000;
const WIDTHS = [1280, 390];
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

function has(text, re) {
	if (!re.test(text)) throw new Error(`${re} not in [${String(text).slice(0, 200)}]`);
}

const ctx = await chromium.launchPersistentContext(mkdtempSync(join(RUN, 'chromium-')), {
	executablePath: CHROMIUM, headless: true,
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	baseURL: BASE, acceptDownloads: true, viewport: { width: 1280, height: 900 },
});
const page = ctx.pages()[0] || await ctx.newPage();
page.setDefaultTimeout(T);
page.consoleErrors = [];
page.on('console', (m) => {
	if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
		page.consoleErrors.push(m.text());
});
// File choosers are intercepted from the start (enabling it only when a
// chooser is awaited can miss one opened at once).
let onChooser = null;
page.on('filechooser', (fc) => onChooser?.(fc));
const chooserAfter = async (action) => {
	const got = new Promise((done, fail) => {
		onChooser = done;
		setTimeout(() => fail(new Error('no file chooser opened')), T);
	});
	await action();
	return got;
};
const size = (w) => page.setViewportSize({ width: w, height: w > 800 ? 900 : 844 });

// The layout rules of every screen, measured in the page. Interactive
// elements are those a user can click or focus; one seen through a
// scrolling box is only its visible part; with a modal window open only
// the window counts (the page behind is inert). The notices in the corner
// float over the page by design and are left out.
async function layout(scope) {
	return page.evaluate((scope) => {
		const root = scope ? document.querySelector(scope) : document.body;
		const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=option], [tabindex]:not([tabindex="-1"])';
		const sticky = [...root.querySelectorAll('*')].filter((e) => getComputedStyle(e).position === 'sticky');
		const clip = (e, r) => {
			let { left, top, right, bottom } = r;
			for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
				const cs = getComputedStyle(p);
				if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
					const b = p.getBoundingClientRect();
					left = Math.max(left, b.left); top = Math.max(top, b.top);
					right = Math.min(right, b.right); bottom = Math.min(bottom, b.bottom);
					// What scrolls under a sticky head or foot of the box
					// is seen only between them.
					for (const c of sticky) {
						if (!p.contains(c) || c.contains(e))
							continue;
						const s = c.getBoundingClientRect(), st = getComputedStyle(c);
						if (st.top !== 'auto') top = Math.max(top, s.bottom);
						else if (st.bottom !== 'auto') bottom = Math.min(bottom, s.top);
					}
				}
			}
			return { left, top, right, bottom };
		};
		const name = (e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ')[0]}` : ''}[${(e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 30)}]`;
		const els = [...root.querySelectorAll(sel)].filter((e) => !e.closest('#toasts') && e.checkVisibility({ visibilityProperty: true }))
			.map((e) => ({ e, r: clip(e, e.getBoundingClientRect()) }))
			.filter(({ r }) => r.right - r.left > 2 && r.bottom - r.top > 2);
		const overlaps = [];
		for (let i = 0; i < els.length && overlaps.length < 5; i++)
			for (let j = i + 1; j < els.length; j++) {
				const a = els[i], b = els[j];
				if (a.e.contains(b.e) || b.e.contains(a.e))
					continue;
				const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
				const hgt = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
				if (w > 1 && hgt > 1) {
					overlaps.push(`${name(a.e)} / ${name(b.e)}`);
					if (overlaps.length >= 5) break;
				}
			}
		const shownHidden = [...document.querySelectorAll('[hidden]')]
			.filter((e) => getComputedStyle(e).display !== 'none' || e.getBoundingClientRect().height > 0).map(name);
		return {
			sideways: document.scrollingElement.scrollWidth - innerWidth,
			overlaps, shownHidden: shownHidden.slice(0, 5), n: els.length,
		};
	}, scope || null);
}

// axe-core: serious and critical violations of WCAG 2.1 A/AA and best
// practice. (Evaluated, not added as a <script>: the CSP allows only the
// page's own scripts.)
async function axe(scope) {
	if (!(await page.evaluate(() => !!window.axe)))
		await page.evaluate(AXE);
	return page.evaluate(async (scope) => {
		const r = await window.axe.run(scope ? document.querySelector(scope) : document, {
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
			resultTypes: ['violations'] });
		return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0].target})`);
	}, scope || null);
}

const timing = {};
// One screen at one width: the layout rules, axe, a screenshot.
async function screen(name, w, scope) {
	const t0 = Date.now();
	const l = await layout(scope);
	const tag = `${name} at ${w} px`;
	await check(`${tag}: the page does not scroll sideways`, () => {
		if (l.sideways > 0) throw new Error(`${l.sideways} px too wide`);
	});
	await check(`${tag}: no two of its ${l.n} interactive elements overlap`, () => {
		if (l.overlaps.length) throw new Error(l.overlaps.join('; '));
	});
	await check(`${tag}: nothing hidden is shown`, () => {
		if (l.shownHidden.length) throw new Error(l.shownHidden.join('; '));
	});
	const v = await axe(scope);
	await check(`${tag}: axe-core finds no serious or critical violation`, () => {
		if (v.length) throw new Error(v.join('; '));
	});
	await page.screenshot({ path: join(SHOTS, `screen-${name}-${w}.png`), fullPage: !scope });
	timing[tag] = Date.now() - t0;
}

// A part of the scenario: a step that throws fails it, and the next part
// starts afresh.
async function section(what, fn) {
	try {
		await fn();
	} catch (e) {
		notOk(`${what} ran to its end`, e.message);
		await page.keyboard.press('Escape').catch(() => {});
		await page.goto('/#/contacts').catch(() => {});
		await page.getByRole('heading', { name: 'Contacts' }).waitFor().catch(() => {});
	}
}
async function go(hash, heading) {
	await page.goto(`/${hash}`);
	await page.getByRole('heading', { name: heading, exact: true }).first().waitFor();
}
async function openWindow(flow) {
	await page.getByRole('button', { name: 'Add new' }).click();
	await page.getByRole('menuitem', { name: flow === 'update' ? /Update with CSV/ : /Create with CSV/ }).click();
	const dlg = page.getByRole('dialog', { name: flow === 'update' ? 'Update Contacts with import' : 'Create Contacts with import' });
	await dlg.waitFor();
	return dlg;
}
async function closeWindow(dlg) {
	await dlg.locator('.modal-foot').getByRole('button', { name: 'Close' }).click();
	await dlg.waitFor({ state: 'detached' });
}
const focused = () => page.evaluate(() => {
	const e = document.activeElement;
	return e ? `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}` : '';
});
// The focus lands on #id (a dialog's close event comes a moment after).
async function focusIs(id) {
	try {
		await page.waitForFunction((id) => document.activeElement?.id === id, id, { timeout: 3000 });
	} catch {
		throw new Error(`the focus is on ${await focused()}, not #${id}`);
	}
}
// Tab until fn(the focused element) holds, at most n times.
async function tabTo(test, n = 40) {
	const seen = [];
	for (let i = 0; i < n; i++) {
		await page.keyboard.press('Tab');
		if (await page.evaluate(test))
			return;
		seen.push(await focused());
	}
	throw new Error(`not reached by Tab: ${test} (went ${seen.slice(0, 12).join(' ')})`);
}

const csv = (rows) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
function wide(n) {
	const heads = ['First name', 'Last name', 'Email', 'Account Name', 'Domain'];
	for (let i = heads.length; i < n; i++)
		heads.push(i % 7 ? `Custom attribute number ${i + 1}` : `An unusually long column header that a CRM dump might have ${i + 1}`);
	const row = (k) => heads.map((_, i) => (i === 0 ? `Wide${k}` : i === 1 ? `Léa-${k}` : i === 2 ? `w${k}@wide.example`
		: i === 3 ? 'Wide Co' : i === 4 ? 'wide.example' : `value ${k}-${i}`)).join(',');
	const f = join(RUN, `wide-${n}.csv`);
	writeFileSync(f, [heads.join(','), row(1), row(2)].join('\r\n') + '\r\n');
	return f;
}
const three = join(RUN, 'three.csv');
writeFileSync(three, csv([['Contact LinkedIn URL', 'First name', 'Last name'],
	['https://www.linkedin.com/in/kb-three', 'Katherine', 'Johnson']]));
const headerOnly = join(RUN, 'header-only.csv');
writeFileSync(headerOnly, 'First name,Last name,Account Name,Domain\r\n');

// 1. The login page.
for (const w of WIDTHS) await section(`login at ${w}`, async () => {
	await size(w);
	await page.goto('/');
	await page.getByRole('heading', { name: 'Log in to your workspace' }).waitFor();
	await check(`login at ${w} px: the nav bar and Log out are not shown`, async () => {
		eq(await page.locator('#topbar').isVisible(), false);
		eq(await page.getByRole('button', { name: 'Log out' }).isVisible(), false);
	});
	await screen('login', w);
});
await page.getByLabel('Email').fill('ed@acme.test');
await page.getByLabel('Password').fill('editor-pass-1');
await page.getByRole('button', { name: 'Log in' }).click();
await page.getByRole('heading', { name: 'Contacts' }).waitFor();

let running = null;
// 3. Contacts: the seven columns reachable at 1280, cards at 390, the
// filters, the contact view.
for (const w of WIDTHS) await section(`contacts at ${w}`, async () => {
	await size(w);
	await go('#/contacts', 'Contacts');
	await page.locator('tbody tr', { hasText: 'ada@analytical.example' }).waitFor();
	if (w > 800) {
		await check('contacts at 1280 px: Name, Email, Account, Owner, Tags, DNT and Created are all in view, the table not scrolled', async () => {
			const r = await page.evaluate(() => {
				const wrap = document.querySelector('.table-card .table-wrap');
				const b = wrap.getBoundingClientRect();
				return { sw: wrap.scrollWidth, cw: wrap.clientWidth,
					out: [...document.querySelectorAll('table.contacts th')].filter((th) => th.getBoundingClientRect().right > b.right + 0.5)
						.map((th) => th.textContent) };
			});
			if (r.sw > r.cw || r.out.length) throw new Error(JSON.stringify(r));
		});
	} else {
		await check('contacts at 390 px: a contact shows its name, email, account, tags and DNT, labelled', async () => {
			const row = page.locator('tbody tr', { hasText: 'grace@navy.example' });
			for (const s of ['.c-name', '.c-email', '.c-account', '.c-tags', '.c-dnt'])
				eq(await row.locator(s).isVisible(), true);
			eq(await row.locator('.c-dnt').evaluate((e) => getComputedStyle(e, '::before').content), '"DNT"');
			const b = await row.boundingBox();
			if (b.x < 0 || b.x + b.width > 390) throw new Error(JSON.stringify(b));
		});
	}
	await screen('contacts', w);
});
await size(1280);
await section('the contacts filters', async () => {
	await go('#/contacts', 'Contacts');
	await page.getByLabel('Filter by Do Not Touch').selectOption('1');
	await check('the Do Not Touch filter shows the DNT contacts only', async () => {
		await page.locator('tbody tr', { hasText: 'ada@analytical.example' }).waitFor({ state: 'detached' });
		eq(await page.locator('tbody tr').count(), 1);
		await page.locator('tbody tr', { hasText: 'grace@navy.example' }).locator('.badge.dnt').waitFor();
		has(page.url(), /dnt=1/);
	});
	await page.getByLabel('Filter by Do Not Touch').selectOption('0');
	await check('and "Without Do Not Touch" the others', async () => {
		await page.locator('tbody tr', { hasText: 'grace@navy.example' }).waitFor({ state: 'detached' });
		eq(await page.locator('tbody tr .badge.dnt').count(), 0);
	});
	await page.getByLabel('Filter by Do Not Touch').selectOption('');
	await go(`#/tasks/${TOUCH}`, 'Rejected rows and warnings');
	await page.getByRole('link', { name: 'Contacts of this import' }).click();
	await check('"Contacts of this import" from a task: the contacts it created or updated, the filter named', async () => {
		await page.getByText('Of the import of touch.csv').waitFor();
		await page.locator('tbody tr', { hasText: 'ada@analytical.example' }).waitFor();
		eq(await page.locator('tbody tr').count(), 1);
		await page.getByText('Export takes the search and tag only').waitFor();
	});
	await page.getByRole('button', { name: /Show all contacts/ }).click();
	await check('removing it shows every contact again', async () => {
		await page.locator('tbody tr', { hasText: 'grace@navy.example' }).waitFor();
	});
});
for (const w of WIDTHS) await section(`contact view at ${w}`, async () => {
	await size(w);
	await go('#/contacts', 'Contacts');
	await page.getByRole('link', { name: 'Ada Lovelace' }).click();
	await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
	await check(`contact view at ${w} px: fields, custom data, tags, workflow and both imports`, async () => {
		const t = await page.locator('main').textContent();
		for (const re of [/ada@analytical\.example/, /\+44 20 7946 0000/, /Analytical Engines/, /Lead Source/, /Event 2026/,
			/VIP/, /Welcome sequence/, /Created it/, /Updated it/, /seed\.csv/, /touch\.csv/, new RegExp(ADA)])
			has(t, re);
		const imports = page.getByRole('region', { name: 'Imports' });
		eq(await imports.getByRole('link', { name: 'touch.csv' }).getAttribute('href'), `#/tasks/${TOUCH}`);
		eq(await imports.getByRole('link', { name: 'seed.csv' }).getAttribute('href'), `#/tasks/${SEED}`);
		eq(await page.getByRole('region', { name: 'Workflows' }).getByRole('link', { name: 'seed.csv' }).getAttribute('href'), `#/tasks/${SEED}`);
	});
	await screen('contact', w);
});

// 4. The import windows: 3, 30 and 600 columns; the update window.
for (const w of WIDTHS) {
	for (const [n, f] of [[3, three], [30, wide(30)], [600, wide(600)]]) await section(`create window, ${n} columns, ${w} px`, async () => {
		await size(w);
		await go('#/contacts', 'Contacts');
		const dlg = await openWindow('create');
		await dlg.getByText('Drag your CSV file here').setInputFiles(f);
		await dlg.locator('.map-row').nth(n - 1).waitFor();
		await dlg.getByText('The required columns are there.').waitFor();
		if (n === 3) {
			await check(`create window at ${w} px: radio and switch labels sit beside their controls`, async () => {
				const bad = await dlg.evaluate((d) => [...d.querySelectorAll('.choice, .toggle')].filter((c) => {
					const i = c.querySelector('input').getBoundingClientRect(), l = c.querySelector('label').getBoundingClientRect();
					return !(l.left >= i.right && l.top < i.bottom);
				}).map((c) => c.textContent.slice(0, 30)));
				eq(bad.join('|'), '');
			});
		}
		await screen(`create-${n}`, w, 'dialog[open]');
		await closeWindow(dlg);
	});
	await section(`update window at ${w}`, async () => {
		await size(w);
		await go('#/contacts', 'Contacts');
		const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export' }).click()]);
		const exp = join(RUN, `export-${w}.csv`);
		writeFileSync(exp, readFileSync(await dl.path()));
		const dlg = await openWindow('update');
		await dlg.getByText('Drag your CSV file here').setInputFiles(exp);
		await dlg.getByText('The required columns are there.').waitFor();
		await screen('update-3', w, 'dialog[open]');
		await closeWindow(dlg);
	});
}
await size(1280);

// 5. What the window says: a file that would fail, options that do
// nothing, the tag list, the settings link, focus.
await section('the window\'s words', async () => {
	await go('#/contacts', 'Contacts');
	const dlg = await openWindow('create');
	await dlg.getByText('Drag your CSV file here').setInputFiles(headerOnly);
	await check('a file with a header and no rows: Import is off, the window says why', async () => {
		await dlg.locator('.mapping .warn', { hasText: 'header but no rows' }).waitFor();
		eq(await dlg.getByRole('button', { name: 'Import' }).isDisabled(), true);
		has(await dlg.locator('.reason').textContent(), /header but no rows/);
	});
	await dlg.getByText('Drag your CSV file here').setInputFiles(three);
	await dlg.getByText('The required columns are there.').waitFor();
	const override = dlg.getByRole('switch', { name: 'Override existing contact owners' });
	await override.check();
	await check('Override owners under Skip: the window says it does nothing', async () => {
		await dlg.getByText(/Does nothing with “Skip it”/).waitFor();
		has(await override.getAttribute('aria-describedby'), /-note/);
	});
	await dlg.getByRole('radio', { name: 'Update existing contact information', exact: true }).check();
	await check('and not once Update is chosen', () => dlg.getByText(/Does nothing with “Skip it”/).waitFor({ state: 'detached' }).catch(async () => {
		eq(await dlg.getByText(/Does nothing with “Skip it”/).count(), 0);
	}));
	await dlg.getByRole('switch', { name: 'Add to Do Not Touch (DNT)' }).check();
	await check('DNT with the default workflow: the window says nobody will be queued to it', () =>
		dlg.getByText('Nobody from this import will be queued to Welcome sequence: Do Not Touch contacts are never enrolled.').waitFor());
	await dlg.getByRole('radio', { name: 'Select workflow' }).check();
	await dlg.getByRole('combobox', { name: 'Workflow' }).selectOption({ label: 'Nurture' });
	await check('and names the workflow chosen instead', () =>
		dlg.getByText(/will be queued to Nurture/).waitFor());
	const tags = dlg.getByRole('combobox', { name: 'Tags' });
	await tags.fill('Fresh tag');
	await tags.press('Enter');
	await check('after Enter adds a tag the suggestion list is shut (the workflow choices are not covered)', async () => {
		await dlg.getByRole('button', { name: 'Remove tag Fresh tag' }).waitFor();
		eq(await dlg.getByRole('listbox', { name: 'Tags' }).isVisible(), false);
		eq(await tags.getAttribute('aria-expanded'), 'false');
		const l = await layout('dialog[open]');
		if (l.overlaps.length) throw new Error(l.overlaps.join('; '));
	});
	const [tab] = await Promise.all([ctx.waitForEvent('page'), dlg.getByRole('link', { name: /Default workflows settings/ }).click()]);
	await check('"Default workflows settings" opens beside the window, which keeps its file and choices', async () => {
		await tab.waitForLoadState();
		has(tab.url(), /#\/settings/);
		await tab.close();
		eq(await dlg.isVisible(), true);
		eq(await dlg.locator('.file-name').textContent(), 'three.csv');
		eq(await dlg.getByRole('button', { name: 'Remove tag Fresh tag' }).count(), 1);
		eq(await dlg.getByRole('switch', { name: 'Add to Do Not Touch (DNT)' }).isChecked(), true);
	});
	await dlg.locator('.modal-foot').getByRole('button', { name: 'Close' }).click();
	await check('after Close the focus is back on Add new', async () => await focusIs('add-new'));
	await openWindow('update');
	await page.keyboard.press('Escape');
	await check('after Escape too', async () => {
		await page.getByRole('dialog').waitFor({ state: 'detached' });
		await focusIs('add-new');
	});
});

// 6. Both import flows by keyboard alone.
await section('Create with CSV by keyboard', async () => {
	await go('#/contacts', 'Contacts');
	await page.locator('body').focus();
	await tabTo(() => document.activeElement?.id === 'add-new');
	await page.keyboard.press('Enter');
	await check('keyboard: Enter on Add new opens the menu on its first item', async () =>
		has(await page.evaluate(() => document.activeElement.textContent), /Create with CSV/));
	await page.keyboard.press('Enter');
	const dlg = page.getByRole('dialog', { name: 'Create Contacts with import' });
	await dlg.waitFor();
	await check('keyboard: the window opens with the focus on Upload', async () =>
		eq(await page.evaluate(() => document.activeElement.textContent), 'Upload'));
	const chooser = await chooserAfter(() => page.keyboard.press('Enter'));
	await chooser.setFiles(three);
	await dlg.getByText('The required columns are there.').waitFor();
	await tabTo(() => document.activeElement?.getAttribute('role') === 'combobox' && document.activeElement.placeholder?.startsWith('Pick a tag'));
	await page.keyboard.type('Keyboard tag');
	await page.keyboard.press('Enter');
	await page.keyboard.press('Tab');	// to the workflow radios
	await check('keyboard: Tab from the tags reaches the workflow choice', async () =>
		eq(await page.evaluate(() => document.activeElement.name), 'workflow'));
	await page.keyboard.press('ArrowDown');	// Select workflow
	await page.keyboard.press('Tab');
	await check('keyboard: the workflow list follows its radio', async () =>
		eq(await page.evaluate(() => document.activeElement.tagName), 'SELECT'));
	await page.keyboard.press('ArrowDown');
	await tabTo(() => document.activeElement?.name === 'on_existing');
	await page.keyboard.press('ArrowDown');	// Update existing
	await tabTo(() => document.activeElement?.name === 'dnt');
	await page.keyboard.press('Space');
	await tabTo(() => document.activeElement?.textContent === 'Import' && document.activeElement.type === 'submit');
	await page.keyboard.press('Enter');
	await check('keyboard: the import starts ("Import started. Processing contacts…"), focus back on Add new', async () => {
		await page.getByText('Import started. Processing contacts…').first().waitFor();
		await dlg.waitFor({ state: 'detached' });
		await focusIs('add-new');
	});
	await check('keyboard: the upload had the choices made', async () => {
		const list = (await (await page.request.get('/api/imports?limit=5')).json()).imports;
		const i = list.find((x) => x.file === 'three.csv');
		if (!i) throw new Error('no import of three.csv');
	});
});
await section('Update with CSV by keyboard', async () => {
	await go('#/contacts', 'Contacts');
	await page.locator('body').focus();
	await tabTo(() => document.activeElement?.id === 'add-new');
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowDown');
	await check('keyboard: ArrowDown in the menu moves to Update with CSV', async () =>
		has(await page.evaluate(() => document.activeElement.textContent), /Update with CSV/));
	await page.keyboard.press('Enter');
	const dlg = page.getByRole('dialog', { name: 'Update Contacts with import' });
	await dlg.waitFor();
	await check('keyboard: the update window opens with the focus on Upload', async () =>
		eq(await page.evaluate(() => document.activeElement.textContent), 'Upload'));
	const chooser = await chooserAfter(() => page.keyboard.press('Enter'));
	await chooser.setFiles(join(RUN, 'export-1280.csv'));
	await dlg.getByText('The required columns are there.').waitFor();
	await check('keyboard: Tab stays inside the window', async () => {
		for (let i = 0; i < 60; i++) {
			await page.keyboard.press('Tab');
			if (!(await page.evaluate(() => !!document.activeElement.closest('dialog'))))
				throw new Error(`Tab left the window at ${await focused()}`);
		}
	});
	await tabTo(() => document.activeElement?.textContent === 'Import' && document.activeElement.type === 'submit', 80);
	await page.keyboard.press('Enter');
	await check('keyboard: the update starts, focus back on Add new', async () => {
		await page.getByText('Import started. Processing contacts…').first().waitFor();
		await dlg.waitFor({ state: 'detached' });
		await focusIs('add-new');
	});
});

// 2. A running import: the big file, held by the watcher once it runs.
await section('a running import', async () => {
	const csrf = (await (await page.request.get('/api/session')).json()).csrf_token;
	const r = await page.request.post('/api/imports', { headers: { 'X-CSRF-Token': csrf },
		multipart: { flow: 'create', file: { name: 'big.csv', mimeType: 'text/csv', buffer: readFileSync(join(RUN, 'big.csv')) } } });
	eq(r.status(), 202);
	running = (await r.json()).id;
	for (let i = 0; i < 400; i++) {
		const s = await (await page.request.get(`/api/imports/${running}`)).json();
		if (s.state === 'running' && s.rows_processed > 0) {
			process.kill(Number(WATCHD_PID), 'SIGSTOP');
			break;
		}
		if (s.state === 'done' || s.state === 'failed') throw new Error(`big.csv ended (${s.state}) before it was seen running`);
		await page.waitForTimeout(25);
	}
});

// 7. Tasks: the feed, a done, a failed and a running import.
for (const w of WIDTHS) await section(`tasks at ${w}`, async () => {
	await size(w);
	await go('#/tasks', 'Tasks');
	await page.locator('article.import', { hasText: 'seed.csv' }).waitFor();
	await screen('tasks', w);
	await go(`#/tasks/${SEED}`, 'Rejected rows and warnings');
	await page.locator('tbody tr').first().waitFor();
	if (w > 800)
		await check('a done import without rejected rows: "Every row was imported.", nothing to download', async () => {
			await page.getByText('Every row was imported.').waitFor();
			eq(await page.getByRole('link', { name: 'Download rejected rows' }).isVisible(), false);
		});
	await screen('task-done', w);
	await go(`#/tasks/${FAILED}`, 'This import failed');
	if (w > 800) {
		await check('a failed import says so and why, never "Every row was imported."', async () => {
			const t = await page.locator('main').textContent();
			has(t, /This import failed/);
			has(t, /Contact LinkedIn URL/);
			has(t, /Nothing of this file was imported/);
			await page.locator('tbody tr').first().waitFor();
			if (/Every row was imported/.test(await page.locator('main').textContent())) throw new Error('it says every row was imported');
			has(await page.locator('tbody').textContent(), /failed before its rows were imported/);
		});
		await check('a failed import offers no empty Download rejected rows, and offers the window and a sample file', async () => {
			eq(await page.getByRole('link', { name: 'Download rejected rows' }).isVisible(), false);
			eq(await page.getByRole('link', { name: 'Download a sample CSV' }).getAttribute('href'), 'sample-contacts.csv');
			const d = page.locator('details', { hasText: 'How the columns were read' });
			if (await d.count()) eq(await d.getAttribute('open'), '');
		});
	}
	await screen('task-failed', w);
	if (w > 800) {
		await page.getByRole('button', { name: 'Try again with Create with CSV' }).click();
		await check('"Try again" opens the Create window, and Close gives the focus back to it', async () => {
			const dlg = page.getByRole('dialog', { name: 'Create Contacts with import' });
			await dlg.waitFor();
			await closeWindow(dlg);
			await focusIs('fix-import');
		});
	}
	if (running) {
		await go(`#/tasks/${running}`, 'Rejected rows and warnings');
		await page.locator('.state.running').first().waitFor();
		if (w > 800)
			await check('a running import: its progress, "No rejected rows so far."', async () => {
				await page.getByText('No rejected rows so far.').waitFor();
				has(await page.locator('.detail').textContent(), /of 15,000 rows/);
			});
		await screen('task-running', w);
	}
});

// 8. Settings.
for (const w of WIDTHS) await section(`settings at ${w}`, async () => {
	await size(w);
	await go('#/settings', 'Settings');
	await page.getByLabel('Default workflow').first().waitFor();
	await screen('settings', w);
});
await size(1280);

// 9. The end of an import, told on whatever page the user is, and in the
// title of a tab in the background.
await section('the notice when an import ends', async () => {
	await go('#/settings', 'Settings');
	// Another tab in front: this one is in the background.
	// Headless Chromium reports every tab visible (a minimised window
	// too), so the page is told it went to the background as a browser
	// tells it: visibilityState "hidden" and a visibilitychange event.
	const visibility = (v) => page.evaluate((v) => {
		Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => v });
		Object.defineProperty(document, 'hidden', { configurable: true, get: () => v === 'hidden' });
		document.dispatchEvent(new Event('visibilitychange'));
	}, v);
	await visibility('hidden');
	const hidden = await page.evaluate(() => document.visibilityState);
	if (running)
		process.kill(Number(WATCHD_PID), 'SIGCONT');
	await check('while it runs, the title of the tab in the background says how far it is', async () => {
		await page.waitForFunction(() => /^Importing \d+% · Settings/.test(document.title), null, { timeout: 5000 });
	});
	await check('the notice says the import finished, with its counts and a link, on the Settings page', async () => {
		const n = page.locator('.toast.notice', { hasText: 'Import of big.csv finished' });
		await n.waitFor({ timeout: 120000 });
		has(await n.textContent(), /15,000 created/);
		eq(await n.getByRole('link', { name: 'View import' }).getAttribute('href'), `#/tasks/${running}`);
	});
	await check(`the title of the tab in the background says so (visibility: ${hidden})`, async () => {
		if (hidden !== 'hidden') throw new Error('the tab is not in the background');
		has(await page.title(), /Import done: big\.csv/);
	});
	await visibility('visible');
	await check('looked at again, the title is the page\'s own', async () => {
		await page.waitForFunction(() => document.title === 'Settings · intake');
	});
	// A failed one that another client uploaded (not watched by this
	// page): it fails before any poll can see it running.
	await go('#/contacts', 'Contacts');
	const csrf = (await (await page.request.get('/api/session')).json()).csrf_token;
	const r = await page.request.post('/api/imports', { headers: { 'X-CSRF-Token': csrf },
		multipart: { flow: 'create', file: { name: 'bad-columns.csv', mimeType: 'text/csv', buffer: Buffer.from('Name,Company\nX,Y\n') } } });
	eq(r.status(), 202);
	await check('a failed import\'s notice says it failed and why', async () => {
		const n = page.locator('.toast.notice', { hasText: 'Import of bad-columns.csv failed' });
		await n.waitFor({ timeout: 30000 });
		has(await n.textContent(), /Contact LinkedIn URL/);
		await n.getByRole('button', { name: 'Dismiss' }).click();
		await n.waitFor({ state: 'detached' });
	});
});
process.kill(Number(WATCHD_PID), 'SIGCONT');

await check('no console errors (CSP included)', () => {
	if (page.consoleErrors.length) throw new Error(page.consoleErrors.join(' | '));
});
const slow = Object.entries(timing).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v} ms`);
console.log(`# slowest screens: ${slow.join(', ')}`);
await ctx.close();
console.log(`# browser-screens: ${failed()} failed`);
process.exit(failed() ? 1 : 0);
