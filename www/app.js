// The minimal page of #2: log in, pick a CSV, import, watch the status.
// Every text from the server is put in with textContent, never as HTML.
const $ = (id) => document.getElementById(id);
let session = null;

async function api(path, opts = {}) {
	opts.credentials = 'same-origin';
	opts.headers = opts.headers || {};
	if (session && opts.method && opts.method !== 'GET')
		opts.headers['X-CSRF-Token'] = session.csrf_token;
	const r = await fetch(path, opts);
	const body = r.status === 204 ? null : await r.json().catch(() => null);
	return { status: r.status, body };
}

function show(view) {
	$('login-view').hidden = view !== 'login';
	$('import-view').hidden = view !== 'import';
	$('who').hidden = $('logout').hidden = view !== 'import';
}

async function start() {
	const r = await api('/api/session');
	if (r.status !== 200) { show('login'); return; }
	session = r.body;
	$('who').textContent = `${session.user.email} · ${session.workspace.name}` +
		(session.mode === 'view' ? ' · view only' : '');
	$('view-only').hidden = session.mode !== 'view';
	$('import-form').hidden = session.mode === 'view';
	show('import');
	refresh();
}

$('login-form').addEventListener('submit', async (e) => {
	e.preventDefault();
	const f = new FormData(e.target);
	const r = await api('/api/login', {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ email: f.get('email'), password: f.get('password') }),
	});
	$('login-error').textContent = r.status === 200 ? '' : (r.body?.message || 'Could not log in');
	if (r.status === 200) start();
});

$('logout').addEventListener('click', async () => {
	await api('/api/logout', { method: 'POST' });
	session = null;
	show('login');
});

$('import-form').addEventListener('submit', async (e) => {
	e.preventDefault();
	const f = new FormData(e.target);
	const file = f.get('file');
	if (!file || !/\.csv$/i.test(file.name)) {
		$('import-error').textContent = 'Only .csv files can be imported';
		return;
	}
	const body = new FormData();
	body.append('file', file);
	body.append('flow', 'create');
	body.append('on_existing', f.get('on_existing'));
	for (const t of String(f.get('tags-text') || '').split(','))
		if (t.trim()) body.append('tags', t.trim());
	const r = await api('/api/imports', { method: 'POST', body });
	if (r.status !== 202) {
		$('import-error').textContent = r.body?.message || `Upload failed (${r.status})`;
		return;
	}
	$('import-error').textContent = '';
	$('progress').textContent = 'Import started. Processing contacts…';
	e.target.reset();
	refresh();
});

function row(imp) {
	const tr = document.createElement('tr');
	for (const v of [imp.file, imp.state, imp.rows_processed, imp.created,
		imp.skipped, (imp.started_at || imp.created_at || '').replace('T', ' ').slice(0, 19)]) {
		const td = document.createElement('td');
		td.textContent = v ?? '';
		tr.append(td);
	}
	return tr;
}

let timer = null;
async function refresh() {
	clearTimeout(timer);
	const r = await api('/api/imports');
	if (r.status !== 200) return;
	const list = r.body.imports;
	$('imports').replaceChildren(...list.map(row));
	const latest = list[0];
	const errs = latest ? latest.errors : [];
	$('errors').replaceChildren(...errs.map((e) => {
		const li = document.createElement('li');
		li.textContent = `Row ${e.row}: ${e.message}`;
		return li;
	}));
	const busy = list.some((i) => i.state === 'queued' || i.state === 'running');
	if (latest && !busy)
		$('progress').textContent = latest.state === 'failed'
			? `Import failed: ${latest.message}` :
			`Import finished: ${latest.created} created, ${latest.skipped} skipped.`;
	if (busy) timer = setTimeout(refresh, 1000);
}

start();
