// The web app's scenarios in headless Chromium (Debian's, through
// playwright-core). Run by tests/it/browser.sh, which starts the stack and
// passes BASE, RUN (a temp dir), SHOTS (where screenshots go), CHROMIUM
// and WATCHD_PID. Prints `ok - ...` / `not ok - ...` lines.
import { chromium } from 'playwright-core';
import { ok, notOk, check, eq, failed } from './tap.mjs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const { BASE, RUN, SHOTS, CHROMIUM, WATCHD_PID } = process.env;
const T = 15000;


// Each session is its own browser with a fresh profile directory.
async function session(email, password) {
	const ctx = await chromium.launchPersistentContext(mkdtempSync(join(RUN, 'chromium-')), {
		executablePath: CHROMIUM, headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		baseURL: BASE, acceptDownloads: true, viewport: { width: 1360, height: 900 },
	});
	const page = ctx.pages()[0] || await ctx.newPage();
	page.setDefaultTimeout(T);
	page.dialogs = [];
	page.on('dialog', (d) => { page.dialogs.push(d.message()); d.dismiss(); });
	page.consoleErrors = [];
	// A 401 before logging in is logged as a failed resource: expected.
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

async function waitIdle(page) {
	// The banner is gone once nothing is queued or running.
	await page.locator('.banner').waitFor({ state: 'hidden', timeout: 60000 });
}

const csv = (rows) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
const eventFile = join(RUN, 'event.csv');
writeFileSync(eventFile, csv([
	['First name', 'Last name', 'Email', 'Account Name', 'Domain', 'Lead Source'],
	['Ada', 'Lovelace', 'ada@analytical.example', 'Analytical Engines', 'analytical.example', 'Event'],
	['Grace', 'Hopper', 'grace@navy.example', 'US Navy', 'navy.example', 'Event'],
	['Alan', 'Turing', 'alan@bletchley.example', 'Bletchley Park', 'bletchley.example', 'Event'],
	['', 'Nofirst', '', 'Nowhere', '', 'Event'],
	['Too', 'Many', 'x@many.example', 'Many', 'many.example', 'Event', 'extra'],
]));

// 1. Editor: Create with CSV, tags, workflow, Update existing, import,
// confirmation and banner, contacts with tags, task feed, rejected rows.
{
	const { ctx, page } = await session('ed@acme.test', 'editor-pass-1');
	await check('editor sees the editing badge', async () =>
		eq(await page.locator('#mode-badge').textContent(), 'Editing'));
	await page.getByRole('button', { name: 'Add new' }).click();
	await check('Add new menu has Create with CSV and Update with CSV', async () => {
		await page.getByRole('menuitem', { name: /Create with CSV/ }).waitFor();
		await page.getByRole('menuitem', { name: /Update with CSV/ }).waitFor();
	});
	await page.getByRole('menuitem', { name: /Create with CSV/ }).click();
	const dlg = page.getByRole('dialog', { name: 'Create Contacts with import' });
	await check('the import window opens', () => dlg.waitFor());
	await check('it lists required, either/or and custom data', async () => {
		const text = await dlg.locator('.guide').textContent();
		if (!/Contact LinkedIn URL/.test(text) || !/custom data/.test(text) || !/Account Name/.test(text))
			throw new Error(text);
	});

	// A file that is not CSV: an inline error.
	await dlg.getByText('Drag your CSV file here').setInputFiles({ name: 'list.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK\x03\x04') });
	await check('a non-CSV file gets an inline error', () =>
		dlg.getByText(/Only \.csv files can be imported/).waitFor());

	await dlg.getByText('Drag your CSV file here').setInputFiles(eventFile);
	await check('the mapping step lists the columns and what each becomes', async () => {
		await dlg.getByText('The required columns are there.').waitFor();
		eq(await dlg.locator('.map-row').count(), 6);
		eq(await dlg.getByRole('combobox', { name: 'Import “Email” as' }).inputValue(), 'Email');
		eq(await dlg.getByRole('combobox', { name: 'Import “Lead Source” as' }).inputValue(), 'custom');
		eq(await dlg.getByRole('button', { name: 'Import' }).isEnabled(), true);
	});
	const tags = dlg.getByRole('combobox', { name: 'Tags' });
	await tags.fill('vi');
	await check('an existing tag is offered', () => dlg.getByRole('option', { name: /VIP/ }).waitFor());
	await tags.press('Enter');
	await tags.fill('Event 2026');
	await tags.press('Enter');
	await check('both tags are chips', async () => {
		eq(await dlg.locator('.tag-picker .chip').count(), 2);
		await dlg.getByRole('button', { name: 'Remove tag Event 2026' }).waitFor();
	});
	await check('Default names the current default workflow', () =>
		dlg.getByText('Default (Welcome sequence)').waitFor());
	await dlg.getByRole('radio', { name: 'Select workflow' }).check();
	await dlg.getByRole('combobox', { name: 'Workflow' }).selectOption({ label: 'Nurture' });
	await dlg.getByRole('radio', { name: 'Update existing contact information', exact: true }).check();
	await page.screenshot({ path: join(SHOTS, 'import-window.png') });

	// Hold the watcher so the import stays queued while we look.
	process.kill(Number(WATCHD_PID), 'SIGSTOP');
	try {
		await dlg.getByRole('button', { name: 'Import' }).click();
		await check('the confirmation reads "Import started. Processing contacts…"', () =>
			page.getByText('Import started. Processing contacts…').waitFor());
		await check('the window closed', () => dlg.waitFor({ state: 'detached' }));
		await check('the in-progress banner shows', () =>
			page.locator('.banner').getByText('Importing event.csv').waitFor());
		await page.screenshot({ path: join(SHOTS, 'contacts-importing.png') });
	} finally {
		process.kill(Number(WATCHD_PID), 'SIGCONT');
	}
	await check('the banner goes when the import is done', () => waitIdle(page));
	await check('the new contacts appear with their tags', async () => {
		const row = page.locator('tbody tr', { hasText: 'ada@analytical.example' });
		await row.waitFor();
		await row.locator('.chip', { hasText: 'VIP' }).waitFor();
		await row.locator('.chip', { hasText: 'Event 2026' }).waitFor();
	});
	await check('the existing contact was updated and tagged', async () => {
		const row = page.locator('tbody tr', { hasText: 'alan@bletchley.example' });
		await row.locator('.chip', { hasText: 'Event 2026' }).waitFor();
	});
	await page.screenshot({ path: join(SHOTS, 'contacts.png') });

	await page.getByRole('link', { name: 'Tasks', exact: true }).click();
	const card = page.locator('article.import', { hasText: 'event.csv' }).first();
	await check('the task feed shows the counts', async () => {
		await card.waitFor();
		const n = async (k) => (await card.locator(`[data-count=${k}] strong`).textContent()).trim();
		eq(await n('created'), '2');
		eq(await n('updated'), '1');
		eq(await n('skipped'), '2');
		eq(await n('queued_to_workflow'), '3');
		eq(await card.locator('.state').textContent(), 'Done');
	});
	await page.screenshot({ path: join(SHOTS, 'task-feed.png'), fullPage: true });
	await card.getByRole('link', { name: 'event.csv' }).click();
	await check('the import shows its rejected rows', async () => {
		await page.locator('tbody tr', { hasText: 'missing_required' }).waitFor();
		await page.locator('tbody tr', { hasText: 'wrong_field_count' }).waitFor();
	});
	await page.screenshot({ path: join(SHOTS, 'task-detail.png'), fullPage: true });
	await check('Download rejected rows has the rows and their reasons', async () => {
		const [dl] = await Promise.all([page.waitForEvent('download'),
			page.getByRole('link', { name: 'Download rejected rows' }).click()]);
		const text = readFileSync(await dl.path(), 'utf8').replace(/^\uFEFF/, '');
		const lines = text.trim().split(/\r\n/);
		eq(lines.length, 3);
		if (!lines[0].startsWith('"Row","Reason","First name"')) throw new Error(lines[0]);
		if (!/^"5",".+","","Nofirst"/.test(lines[1])) throw new Error(lines[1]);
		if (!/^"6",".+","Too","Many"/.test(lines[2])) throw new Error(lines[2]);
	});
	await check('no console errors (CSP included)', () => {
		if (page.consoleErrors.length) throw new Error(page.consoleErrors.join(' | '));
	});

	// 2. Update with CSV after an export.
	await page.getByRole('link', { name: 'Contacts', exact: true }).click();
	await page.getByLabel('Filter by tag').selectOption('Event 2026');
	await page.waitForFunction(() => document.querySelector('#export')?.href.includes('tag=Event'));
	const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export' }).click()]);
	const exported = readFileSync(await dl.path(), 'utf8');
	await check('the export has the filtered contacts', async () => {
		const n = exported.trim().split(/\r\n/).length - 1;
		eq(n, 3);
	});
	const edited = exported.replace('"ada@analytical.example"', '"ada.lovelace@analytical.example"');
	const updFile = join(RUN, 'contacts-edited.csv');
	writeFileSync(updFile, edited);
	await page.getByRole('button', { name: 'Add new' }).click();
	await page.getByRole('menuitem', { name: /Update with CSV/ }).click();
	const udlg = page.getByRole('dialog', { name: 'Update Contacts with import' });
	await udlg.getByText('Drag your CSV file here').setInputFiles(updFile);
	await check('the update preview finds EG-CON-ID', async () => {
		await udlg.getByText('The required columns are there.').waitFor();
		eq(await udlg.getByRole('radio', { name: 'Update existing contact information', exact: true }).isChecked(), true);
	});
	await udlg.getByRole('button', { name: 'Import' }).click();
	// The window closes just before its toast shows; the first import's
	// toast may still be up, and a wait on the text alone matched it.
	await udlg.waitFor({ state: 'hidden' });
	await page.getByText('Import started. Processing contacts…').last().waitFor();
	await waitIdle(page);
	await check('a newer toast takes the place of the one before (they stacked over the page)', async () => {
		await page.evaluate(() => import('/js/dom.js').then((m) => { m.toast('first'); m.toast('second'); }));
		eq(await page.locator('#toasts .toast:not(.notice)').count(), 1);
		eq((await page.locator('#toasts .toast:not(.notice)').textContent()).trim(), 'second');
	});
	await check('Update with CSV changed the contact', async () => {
		await page.getByLabel('Filter by tag').selectOption('');
		await page.locator('tbody tr', { hasText: 'ada.lovelace@analytical.example' }).waitFor();
		eq(await page.locator('tbody tr', { hasText: 'ada@analytical.example' }).count(), 0);
	});

	// 4. The contact whose name is markup shows as text.
	await page.getByLabel('Search contacts').fill('Mallory');
	const xss = page.locator('tbody tr', { hasText: 'mallory@evil.example' });
	await check('a contact named <img src=x onerror=alert(1)> shows literally', async () => {
		await xss.waitFor();
		eq(await xss.locator('.name').textContent(), '<img src=x onerror=alert(1)> Mallory');
		eq(await page.locator('tbody img').count(), 0);
		eq(page.dialogs.length, 0);
	});

	// The server re-checks CSRF whatever the page does.
	await check('an upload without the CSRF token gets 403', async () => {
		const r = await page.request.post('/api/imports', { multipart: {
			file: { name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from('First name\nA\n') } } });
		eq(r.status(), 403);
	});
	await ctx.close();
}

// 3. Viewer: no Add new; a forged upload is refused.
{
	const { ctx, page } = await session('vi@acme.test', 'viewer-pass-1');
	await check('viewer sees the view-only badge', async () =>
		eq(await page.locator('#mode-badge').textContent(), 'View only'));
	await page.locator('tbody tr').first().waitFor();
	await check('viewer has no Add new menu', async () =>
		eq(await page.getByRole('button', { name: 'Add new' }).count(), 0));
	const before = (await (await page.request.get('/api/imports')).json()).imports.length;
	const csrf = (await (await page.request.get('/api/session')).json()).csrf_token;
	await check('a forged POST /api/imports with the viewer cookie gets 403', async () => {
		const r = await page.request.post('/api/imports', {
			headers: { 'X-CSRF-Token': csrf },
			multipart: { flow: 'create', file: { name: 'forged.csv', mimeType: 'text/csv',
				buffer: Buffer.from('First name,Last name,Account Name,Domain\nEve,X,Y,y.example\n') } } });
		eq(r.status(), 403);
	});
	await check('and no import was created', async () => {
		const after = (await (await page.request.get('/api/imports')).json()).imports.length;
		eq(after, before);
	});
	await check('viewer cannot change settings', async () => {
		const r = await page.request.put('/api/settings', { headers: { 'X-CSRF-Token': csrf },
			data: { default_workflow: null } });
		eq(r.status(), 403);
	});
	await ctx.close();
}

console.log(`# browser: ${failed()} failed`);
process.exit(failed() ? 1 : 0);
