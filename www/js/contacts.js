// The Contacts page: the workspace's contacts (search, tag, Do Not Touch
// and "of this import" filters, pages), the Add new menu (editors only),
// the in-progress banner while an import runs, Export with the current
// filters, and a compact panel of recent imports. And one contact's page:
// every field, its custom data, tags, enrolments and imports.
import { api, canEdit } from './api.js';
import { h, fill, num, day, when } from './dom.js';
import { feed, busy, fraction, speed } from './feed.js';
import { importCard } from './tasks.js';
import { openImport } from './importer.js';
import { title } from './notice.js';

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
				h('strong', `${i.review ? 'Reviewing' : 'Importing'} ${i.file || 'a file'}`),
				h('span.muted', ` · ${what}${rate ? ` · ${num(Math.round(rate))} rows/s` : ''}${left ? ` · about ${Math.ceil(left)} s left` : ''}`)),
			h('div.bar', { role: 'progressbar', 'aria-label': `Progress of ${i.file}`,
				'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.round(f * 100)) }, bar),
			h('a.link', { href: `#/tasks/${encodeURIComponent(i.id)}` }, 'Details'));
	}));
}

const fullName = (c) => [c.first_name, c.last_name].filter(Boolean).join(' ') || '(no name)';
const contactHref = (id) => `#/contacts/${encodeURIComponent(id)}`;

// One row; each cell names its column (data-label) for the narrow
// layout, where a row is a card.
function contactRow(c) {
	return h('tr',
		h('td.c-name', { dataset: { label: 'Name' } }, h('a.name', { href: contactHref(c.id) }, fullName(c)),
			h('div.muted.small', c.id)),
		h('td.c-email', { dataset: { label: 'Email' } }, c.email || ''),
		h('td.c-account', { dataset: { label: 'Account' } }, c.account || '', c.domain ? h('div.muted.small', c.domain) : null),
		h('td.c-owner', { dataset: { label: 'Owner' } }, c.owner || ''),
		h('td.c-tags', { dataset: { label: 'Tags' } }, h('div.chips', c.tags.map((t) => h('span.chip', t)))),
		h('td.c-dnt', { dataset: { label: 'DNT' } }, c.dnt ? h('span.badge.dnt', { title: 'Do Not Touch: never enrolled in a workflow' }, 'DNT') : ''),
		h('td.c-created.nowrap', { dataset: { label: 'Created' } }, day(c.created_at)));
}

// params: the page's hash query (import=ID, dnt=1|0, tag, q).
export function contactsPage(main, params = new URLSearchParams()) {
	const q = { q: params.get('q') || '', tag: params.get('tag') || '', dnt: params.get('dnt') || '',
		import: params.get('import') || '', page: 1 };
	const rows = h('tbody');
	const count = h('span.count.muted');
	const pager = h('nav.pager', { 'aria-label': 'Pages' });
	const bannerEl = h('div.banner', { role: 'status', 'aria-live': 'polite', hidden: true });
	const recent = h('div.recent-list');
	const tagSel = h('select', { id: 'tag-filter', 'aria-label': 'Filter by tag' },
		h('option', { value: '' }, 'All tags'));
	const search = h('input', { type: 'search', id: 'contact-search', placeholder: 'Search name, email or account',
		'aria-label': 'Search contacts', value: q.q });
	const dntSel = h('select', { id: 'dnt-filter', 'aria-label': 'Filter by Do Not Touch' },
		h('option', { value: '' }, 'DNT or not'), h('option', { value: '1' }, 'Do Not Touch only'),
		h('option', { value: '0' }, 'Without Do Not Touch'));
	dntSel.value = q.dnt;
	// "Contacts of this import": a chip that names the import, removable.
	const importChip = h('span.filter-chip', { hidden: true });
	const exportNote = h('span.muted.small.export-note', { hidden: true },
		'Export takes the search and tag only');
	const exportLink = h('a.btn', { href: '/api/contacts/export.csv', download: '', id: 'export' }, 'Export');
	let gen = 0;

	async function load() {
		const my = ++gen;
		const p = new URLSearchParams({ page: q.page, limit: LIMIT });
		if (q.q) p.set('q', q.q);
		if (q.tag) p.set('tag', q.tag);
		if (q.dnt) p.set('dnt', q.dnt);
		if (q.import) p.set('import', q.import);
		const ex = new URLSearchParams();
		if (q.tag) ex.set('tag', q.tag);
		if (q.q) ex.set('q', q.q);
		exportLink.href = `/api/contacts/export.csv${ex.size ? `?${ex}` : ''}`;
		exportNote.hidden = !(q.dnt || q.import);
		// The filters in the address, so that Back and a shared link keep
		// them (replaceState: no hashchange, no new page).
		const hp = new URLSearchParams();
		for (const k of ['import', 'dnt', 'tag', 'q'])
			if (q[k]) hp.set(k, q[k]);
		const want = `#/contacts${hp.size ? `?${hp}` : ''}`;
		if (location.hash !== want && (location.hash || '#/contacts') !== want)
			history.replaceState(null, '', want);
		const r = await api(`/api/contacts?${p}`);
		if (my !== gen || r.status !== 200)
			return;
		const { contacts, total } = r.body;
		if (contacts.length)
			fill(rows, contacts.map(contactRow));
		else
			fill(rows, h('tr', h('td.empty', { colSpan: 7 },
				q.q || q.tag || q.dnt || q.import ? 'No contact matches these filters.' :
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

	async function showImport() {
		if (!q.import) {
			importChip.hidden = true;
			return;
		}
		const r = await api(`/api/imports/${encodeURIComponent(q.import)}`);
		const name = r.status === 200 ? r.body.file || 'an import' : 'an import that is not there';
		fill(importChip, h('span', `Of the import of ${name}`),
			h('button.chip-x', { type: 'button', 'aria-label': `Show all contacts, not only those of the import of ${name}`,
				onclick: () => { q.import = ''; q.page = 1; importChip.hidden = true; load(); search.focus(); } }, '×'));
		importChip.hidden = false;
	}

	let debounce;
	search.addEventListener('input', () => {
		clearTimeout(debounce);
		debounce = setTimeout(() => { q.q = search.value.trim(); q.page = 1; load(); }, 250);
	});
	tagSel.addEventListener('change', () => { q.tag = tagSel.value; q.page = 1; load(); });
	dntSel.addEventListener('change', () => { q.dnt = dntSel.value; q.page = 1; load(); });

	const actions = h('div.actions', exportNote, exportLink,
		canEdit() ? menuButton('Add new', [
			['Create with CSV', 'Add new contacts from a file', () => openImport('create')],
			['Update with CSV', 'Change contacts you exported', () => openImport('update')],
		]) : null);

	fill(main,
		h('div.page-head', h('div', h('h1', 'Contacts'), count), actions),
		bannerEl,
		h('div.layout',
			h('section.card.table-card', { 'aria-label': 'Contacts' },
				h('div.toolbar', search, tagSel, dntSel, importChip),
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
	loadTags().then(() => { if (q.tag) tagSel.value = q.tag; });
	showImport();
	return { stop() { unsub(); } };
}

// A definition list of the fields that have a value.
function fields(pairs) {
	const shown = pairs.filter(([, v]) => v !== null && v !== undefined && v !== '');
	return shown.length ? h('dl.fields', shown.map(([k, v]) => [h('dt', k), h('dd', v)]))
		: h('p.muted', 'Nothing here.');
}

const ENROLMENT = { queued: 'Queued', active: 'Active', finished: 'Finished', removed: 'Removed' };

// One contact: #/contacts/EG-CON-...
export function contactPage(main, id) {
	let stopped = false;
	fill(main, h('a.link.back', { href: '#/contacts' }, '← All contacts'), h('p.muted', 'Loading…'));
	(async () => {
		const r = await api(`/api/contacts/${encodeURIComponent(id)}`);
		if (stopped)
			return;
		if (r.status !== 200) {
			fill(main, h('a.link.back', { href: '#/contacts' }, '← All contacts'),
				h('div.card.empty', r.body?.message || 'There is no such contact'));
			return;
		}
		const c = r.body;
		const name = fullName(c);
		title(name);
		const custom = Object.entries(c.custom || {});
		const files = new Map(c.imports.map((i) => [i.id, i.file]));
		const link = (imp) => h('a.link', { href: `#/tasks/${encodeURIComponent(imp)}` }, files.get(imp) || imp);
		fill(main,
			h('a.link.back', { href: '#/contacts' }, '← All contacts'),
			h('div.page-head', h('div', h('h1', name), h('span.muted', c.id)),
				c.dnt ? h('span.badge.dnt.big', { title: 'Do Not Touch: never enrolled in a workflow' }, 'Do Not Touch') : null),
			h('div.contact-grid',
				h('section.card', { 'aria-labelledby': 'c-fields' },
					h('h2', { id: 'c-fields' }, 'Fields'),
					fields([
						['First name', c.first_name], ['Last name', c.last_name], ['Email', c.email],
						['Phone', c.phone],
						['Contact LinkedIn URL', c.linkedin_url ? h('a.link', { href: c.linkedin_url, rel: 'noopener noreferrer', target: '_blank' }, c.linkedin_url) : null],
						['Account Name', c.account], ['Domain', c.domain],
						['Owner', c.owner ? `${c.owner_name ? `${c.owner_name} · ` : ''}${c.owner}` : null],
						['Phone Verification Result', c.phone_verification_result],
						['Phone Verification Provider', c.phone_verification_provider],
						['Phone Type', c.phone_type],
						['Phone Intent Score', c.phone_intent_score === null ? null : String(c.phone_intent_score)],
						['Do Not Touch', c.dnt ? 'Yes' : 'No'],
						['Created', day(c.created_at)], ['Updated', `${day(c.updated_at)} (${when(c.updated_at)})`],
					])),
				h('section.card', { 'aria-labelledby': 'c-custom' },
					h('h2', { id: 'c-custom' }, 'Custom data'),
					h('p.muted.small', 'The columns of your files that are not contact fields, kept as they were.'),
					custom.length ? fields(custom.map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))
						: h('p.muted', 'No custom data.')),
				h('section.card', { 'aria-labelledby': 'c-tags' },
					h('h2', { id: 'c-tags' }, 'Tags'),
					c.tags.length ? h('div.chips', c.tags.map((t) => h('a.chip', { href: `#/contacts?tag=${encodeURIComponent(t)}` }, t)))
						: h('p.muted', 'No tags.')),
				h('section.card', { 'aria-labelledby': 'c-wf' },
					h('h2', { id: 'c-wf' }, 'Workflows'),
					c.enrolments.length ? h('ul.plain', c.enrolments.map((e) => h('li',
						h('strong', e.workflow), ` · ${ENROLMENT[e.state] || e.state} · ${day(e.created_at)}`,
						e.import_id ? [' · by ', link(e.import_id)] : null)))
						: h('p.muted', c.dnt ? 'Not enrolled: Do Not Touch contacts never are.' : 'Not enrolled in any workflow.')),
				h('section.card.wide', { 'aria-labelledby': 'c-imports' },
					h('h2', { id: 'c-imports' }, 'Imports'),
					c.imports.length ? h('ul.plain', c.imports.map((i) => h('li',
						h('span.badge', i.did === 'created' ? 'Created it' : 'Updated it'), ' ',
						h('a.link', { href: `#/tasks/${encodeURIComponent(i.id)}` }, i.file || i.id),
						h('span.muted.small', ` · ${i.flow === 'update' ? 'Update with CSV' : 'Create with CSV'} · ${day(i.created_at)}`))))
						: h('p.muted', 'Not made or changed by an import.'))));
	})();
	return { stop() { stopped = true; } };
}
