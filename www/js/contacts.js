// The Contacts page: the workspace's contacts (search, tag filter,
// pages), the Add new menu (editors only), the in-progress banner while
// an import runs, Export with the current filters, and a compact panel
// of recent imports.
import { api, canEdit } from './api.js';
import { h, fill, num, day, toast } from './dom.js';
import { feed, busy, fraction, speed } from './feed.js';
import { importCard } from './tasks.js';
import { openImport } from './importer.js';

const LIMIT = 25;

// A menu button: Enter, Space or ArrowDown opens it, arrows move,
// Escape closes and gives focus back.
function menuButton(label, items) {
	const btn = h('button.btn.primary', { type: 'button', 'aria-haspopup': 'menu',
		'aria-expanded': 'false', id: 'add-new' }, label, h('span.caret', { 'aria-hidden': 'true' }, '▾'));
	const menu = h('div.menu', { role: 'menu', 'aria-labelledby': 'add-new', hidden: true },
		items.map(([text, hint, fn]) => h('button.menuitem', { type: 'button', role: 'menuitem',
			tabindex: '-1', onclick: () => { close(); fn(); } },
		h('span.mi-title', text), h('span.mi-hint', hint))));
	const entries = () => [...menu.querySelectorAll('[role=menuitem]')];
	function open(focusLast) {
		menu.hidden = false;
		btn.setAttribute('aria-expanded', 'true');
		const e = entries();
		(focusLast ? e[e.length - 1] : e[0]).focus();
		document.addEventListener('mousedown', outside);
	}
	function close(refocus) {
		menu.hidden = true;
		btn.setAttribute('aria-expanded', 'false');
		document.removeEventListener('mousedown', outside);
		if (refocus)
			btn.focus();
	}
	function outside(e) {
		if (!wrap.contains(e.target))
			close();
	}
	btn.addEventListener('click', () => (menu.hidden ? open() : close()));
	btn.addEventListener('keydown', (e) => {
		if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
			e.preventDefault();
			open(e.key === 'ArrowUp');
		}
	});
	menu.addEventListener('keydown', (e) => {
		const e2 = entries(), i = e2.indexOf(document.activeElement);
		if (e.key === 'ArrowDown') e2[(i + 1) % e2.length].focus();
		else if (e.key === 'ArrowUp') e2[(i - 1 + e2.length) % e2.length].focus();
		else if (e.key === 'Home') e2[0].focus();
		else if (e.key === 'End') e2[e2.length - 1].focus();
		else if (e.key === 'Escape' || e.key === 'Tab') { close(e.key === 'Escape'); return; }
		else return;
		e.preventDefault();
	});
	const wrap = h('div.menu-wrap', btn, menu);
	return wrap;
}

// The in-progress banner: every queued or running import, with progress.
function banner(el, list) {
	const running = list.filter(busy);
	el.hidden = running.length === 0;
	fill(el, running.map((i) => {
		const f = fraction(i), { rate, left } = speed(i);
		const what = i.state === 'queued' ? 'Waiting to start' :
			i.rows_total ? `${num(i.rows_processed)} of ${num(i.rows_total)} rows` :
			`${num(i.rows_processed)} rows`;
		const bar = h('div.bar-fill');
		bar.style.width = `${Math.round(f * 100)}%`;
		return h('div.banner-item',
			h('span.spinner', { 'aria-hidden': 'true' }),
			h('div.banner-text',
				h('strong', `Importing ${i.file || 'a file'}`),
				h('span.muted', ` · ${what}${rate ? ` · ${num(Math.round(rate))} rows/s` : ''}${left ? ` · about ${Math.ceil(left)} s left` : ''}`)),
			h('div.bar', { role: 'progressbar', 'aria-label': `Progress of ${i.file}`,
				'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.round(f * 100)) }, bar),
			h('a.link', { href: `#/tasks/${encodeURIComponent(i.id)}` }, 'Details'));
	}));
}

function contactRow(c) {
	const name = [c.first_name, c.last_name].filter(Boolean).join(' ') || '(no name)';
	return h('tr',
		h('td', h('div.name', name), h('div.muted.small', c.id)),
		h('td', c.email || ''),
		h('td', c.account || '', c.domain ? h('div.muted.small', c.domain) : null),
		h('td', c.owner || ''),
		h('td', h('div.chips', c.tags.map((t) => h('span.chip', t)))),
		h('td', c.dnt ? h('span.badge.dnt', { title: 'Do Not Touch: never enrolled in a workflow' }, 'DNT') : ''),
		h('td.nowrap', day(c.created_at)));
}

export function contactsPage(main) {
	const q = { q: '', tag: '', page: 1 };
	const rows = h('tbody');
	const count = h('span.count.muted');
	const pager = h('nav.pager', { 'aria-label': 'Pages' });
	const bannerEl = h('div.banner', { role: 'status', 'aria-live': 'polite', hidden: true });
	const recent = h('div.recent-list');
	const tagSel = h('select', { id: 'tag-filter', 'aria-label': 'Filter by tag' },
		h('option', { value: '' }, 'All tags'));
	const search = h('input', { type: 'search', id: 'contact-search', placeholder: 'Search name, email or account',
		'aria-label': 'Search contacts' });
	const exportLink = h('a.btn', { href: '/api/contacts/export.csv', download: '', id: 'export' }, 'Export');
	let gen = 0;

	async function load() {
		const my = ++gen;
		const p = new URLSearchParams({ page: q.page, limit: LIMIT });
		if (q.q) p.set('q', q.q);
		if (q.tag) p.set('tag', q.tag);
		const ex = new URLSearchParams();
		if (q.tag) ex.set('tag', q.tag);
		if (q.q) ex.set('q', q.q);
		exportLink.href = `/api/contacts/export.csv${ex.size ? `?${ex}` : ''}`;
		const r = await api(`/api/contacts?${p}`);
		if (my !== gen || r.status !== 200)
			return;
		const { contacts, total } = r.body;
		if (contacts.length)
			fill(rows, contacts.map(contactRow));
		else
			fill(rows, h('tr', h('td.empty', { colSpan: 7 },
				q.q || q.tag ? 'No contact matches these filters.' :
				'No contacts yet. Use Add new to import a CSV.')));
		count.textContent = `${num(total)} contact${total === 1 ? '' : 's'}`;
		const pages = Math.max(1, Math.ceil(total / LIMIT));
		const from = total ? (q.page - 1) * LIMIT + 1 : 0;
		fill(pager,
			h('span.muted', `${num(from)}–${num(Math.min(total, q.page * LIMIT))} of ${num(total)}`),
			h('button.btn', { type: 'button', disabled: q.page <= 1, onclick: () => { q.page--; load(); } }, 'Previous'),
			h('span', `Page ${q.page} of ${pages}`),
			h('button.btn', { type: 'button', disabled: q.page >= pages, onclick: () => { q.page++; load(); } }, 'Next'));
	}

	async function loadTags() {
		const r = await api('/api/tags');
		if (r.status !== 200)
			return;
		const keep = tagSel.value;
		fill(tagSel, h('option', { value: '' }, 'All tags'),
			r.body.tags.map((t) => h('option', { value: t.name }, `${t.name} (${num(t.contacts)})`)));
		tagSel.value = keep;
	}

	let debounce;
	search.addEventListener('input', () => {
		clearTimeout(debounce);
		debounce = setTimeout(() => { q.q = search.value.trim(); q.page = 1; load(); }, 250);
	});
	tagSel.addEventListener('change', () => { q.tag = tagSel.value; q.page = 1; load(); });

	const started = (res) => {
		toast('Import started. Processing contacts…');
		feed.now();
		void res;
	};
	const actions = h('div.actions', exportLink,
		canEdit() ? menuButton('Add new', [
			['Create with CSV', 'Add new contacts from a file', () => openImport('create', started)],
			['Update with CSV', 'Change contacts you exported', () => openImport('update', started)],
		]) : null);

	fill(main,
		h('div.page-head', h('div', h('h1', 'Contacts'), count), actions),
		bannerEl,
		h('div.layout',
			h('section.card.table-card', { 'aria-label': 'Contacts' },
				h('div.toolbar', search, tagSel),
				h('div.table-wrap', h('table.contacts',
					h('thead', h('tr', ['Name', 'Email', 'Account', 'Owner', 'Tags', 'DNT', 'Created']
						.map((t) => h('th', { scope: 'col' }, t)))),
					rows)),
				pager),
			h('aside.card.recent', { 'aria-labelledby': 'recent-title' },
				h('div.recent-head', h('h2', { id: 'recent-title' }, 'Recent imports'),
					h('a.link', { href: '#/tasks' }, 'All tasks')),
				recent)));

	const unsub = feed.subscribe((list, finished) => {
		banner(bannerEl, list);
		fill(recent, list.length ? list.slice(0, 4).map((i) => importCard(i, true))
			: h('p.muted', 'No imports yet.'));
		// Contacts appear as imports finish.
		if (finished.length || list.some((i) => i.state === 'running')) {
			load();
			if (finished.length)
				loadTags();
		}
	});
	load();
	loadTags();
	return { stop() { unsub(); } };
}
