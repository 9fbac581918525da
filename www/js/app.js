// intake's web app: log in, then Contacts, Tasks (the import feed) and
// Settings, by the location hash (#/contacts, #/contacts?import=ID&dnt=1,
// #/contacts/ID, #/tasks, #/tasks/ID, #/settings). Plain modules, no
// framework; every piece of data is put in as text (dom.js).
import { api, state } from './api.js';
import { h, fill, $ } from './dom.js';
import { contactsPage, contactPage } from './contacts.js';
import { tasksPage, taskPage } from './tasks.js';
import { settingsPage } from './settings.js';
import { feed } from './feed.js';
import { notices, title } from './notice.js';

let current = null;	// the page shown: { stop() }

function loginPage(main) {
	const err = h('p.error', { role: 'alert', id: 'login-error' });
	const form = h('form.card.login', { novalidate: true },
		h('div.brand.big', h('span.logo', { 'aria-hidden': 'true' }, 'in'), 'intake'),
		h('h1', 'Log in to your workspace'),
		h('label', { for: 'login-email' }, 'Email'),
		h('input', { id: 'login-email', name: 'email', type: 'email', autocomplete: 'username', required: true }),
		h('label', { for: 'login-password' }, 'Password'),
		h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
		h('button.btn.primary.wide', { type: 'submit' }, 'Log in'),
		err);
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		const f = new FormData(form);
		const btn = form.querySelector('button');
		btn.disabled = true;
		const r = await api('/api/login', { method: 'POST', json: {
			email: f.get('email'), password: f.get('password') } });
		btn.disabled = false;
		if (r.status === 200) {
			state.session = r.body;
			err.textContent = '';
			start();
			return;
		}
		err.textContent = r.body?.message || 'Could not log in';
	});
	fill(main, h('div.login-wrap', form));
	title('Log in');
	$('#login-email').focus();
}

function header() {
	const s = state.session;
	$('#topbar').hidden = false;
	$('#who').textContent = `${s.user.email} · ${s.workspace.name}`;
	const b = $('#mode-badge');
	b.textContent = s.mode === 'edit' ? 'Editing' : 'View only';
	b.className = `badge ${s.mode === 'edit' ? 'edit' : 'view'}`;
	b.title = s.mode === 'edit' ? 'You can import and change settings'
		: 'A view-only session: you can look, not change anything';
}

function route() {
	if (!state.session)
		return;
	current?.stop?.();
	const main = $('#main');
	const hash = location.hash || '#/contacts';
	const [path, query] = hash.split('?');
	const [, page, id] = path.split('/');
	for (const a of document.querySelectorAll('nav a'))
		a.toggleAttribute('aria-current', a.dataset.page === (page || 'contacts'));
	if (page === 'tasks' && id) {
		title('Import');
		current = taskPage(main, decodeURIComponent(id));
	} else if (page === 'tasks') {
		title('Tasks');
		current = tasksPage(main);
	} else if (page === 'settings') {
		title('Settings');
		current = settingsPage(main);
	} else if (id) {
		title('Contact');
		current = contactPage(main, decodeURIComponent(id));
	} else {
		title('Contacts');
		current = contactsPage(main, new URLSearchParams(query || ''));
	}
}

async function start() {
	const r = await api('/api/session');
	if (r.status !== 200) {
		state.session = null;
		feed.stop();
		notices.stop();
		$('#topbar').hidden = true;
		loginPage($('#main'));
		return;
	}
	state.session = r.body;
	header();
	feed.start();
	notices.start();
	route();
}

$('#logout').addEventListener('click', async () => {
	await api('/api/logout', { method: 'POST' });
	state.session = null;
	current?.stop?.();
	location.hash = '';
	start();
});
window.addEventListener('hashchange', route);
window.addEventListener('intake:logout', () => { if (state.session) { state.session = null; start(); } });
start();
