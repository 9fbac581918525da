// Login CSRF in a real browser: pages of another site (evil.test, which
// Chromium resolves to 127.0.0.1 here) and of the same host on another
// port auto-submit a login with the editor's password to intake, as a
// form (form-encoded, and text/plain shaped like JSON) and as a no-cors
// fetch. None may leave the browser with a session. Then the app's own
// login page, in the same browser, logs in. Run by
// tests/it/login-hardening.sh, which passes BASE, RUN and CHROMIUM and
// counts the sessions in the database afterwards. Prints `ok - ...` /
// `not ok - ...` lines.
import { chromium } from 'playwright-core';
import { ok, notOk, check, eq, failed } from './tap.mjs';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';

const { BASE, RUN, CHROMIUM } = process.env;
const EMAIL = 'ed@acme.test', PASSWORD = 'editor-pass-1';
const T = 15000;


const esc = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const login = `${BASE}/api/login`;
// The attacker's pages. A text/plain form sends "NAME=VALUE": a name
// that opens the JSON and a value that closes it make a JSON body.
const json = JSON.stringify({ email: EMAIL, password: PASSWORD });
const pages = {
	'/form': `<form method="POST" action="${login}">
<input name="email" value="${EMAIL}"><input name="password" value="${PASSWORD}"></form>`,
	'/plain': `<form method="POST" action="${login}" enctype="text/plain">
<input name="${esc(json.slice(0, -1) + ',"x":"')}" value='"}'></form>`,
	'/fetch': `<script>
fetch(${JSON.stringify(login)}, { method: 'POST', mode: 'no-cors', credentials: 'include',
	headers: { 'Content-Type': 'text/plain' }, body: ${JSON.stringify(json)} })
	.finally(() => { document.title = 'sent'; });
</script>`,
};
const server = createServer((req, res) => {
	const body = pages[req.url];
	res.writeHead(body ? 200 : 404, { 'Content-Type': 'text/html' });
	// The forms submit themselves once loaded.
	res.end(body ? `<!doctype html><title>win a prize</title>${body}
<script>document.forms[0]?.submit();</script>` : '');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;

const ctx = await chromium.launchPersistentContext(mkdtempSync(join(RUN, 'chromium-csrf-')), {
	executablePath: CHROMIUM, headless: true,
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync',
		'--host-resolver-rules=MAP evil.test 127.0.0.1'],
	viewport: { width: 1200, height: 800 },
});
const page = ctx.pages()[0] || await ctx.newPage();
page.setDefaultTimeout(T);
const session = async () => (await ctx.cookies(BASE)).find((c) => c.name === 'intake_session');

try {
	for (const origin of [`http://evil.test:${port}`, `http://127.0.0.1:${port}`]) {
		const site = origin.includes('evil') ? 'another site' : 'another port of the same host';
		for (const path of Object.keys(pages)) {
			const what = `${path.slice(1)} auto-submitted from ${site}`;
			const answer = page.waitForResponse((r) => r.url() === login, { timeout: T });
			await page.goto(origin + path);
			let status = 0;
			await check(`${what}: intake answers it`, async () => {
				status = (await answer).status();
			});
			await check(`${what}: refused (403 or 415)`, () => {
				if (status !== 403 && status !== 415)
					throw new Error(`got ${status}`);
			});
			await check(`${what}: no session cookie`, async () => eq(await session(), undefined));
		}
	}

	// The app's own login page, in the same browser.
	await page.goto(`${BASE}/`);
	await page.getByLabel('Email').fill(EMAIL);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Log in' }).click();
	await check('the app\'s own login page still logs in', () =>
		page.getByRole('heading', { name: 'Contacts' }).waitFor());
	await check('and the browser holds its session', async () => {
		if (!await session())
			throw new Error('no intake_session cookie');
	});
} catch (e) {
	notOk('the login CSRF scenario ran to its end', e.message);
} finally {
	await ctx.close();
	server.close();
}
process.exit(failed() ? 1 : 0);
