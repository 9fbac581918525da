// Settings: the default workflow for contact uploads (one or none), and
// the column mappings the workspace remembers (one per set of headers,
// offered as "as last time" to the next file with the same headers).
// Editors change them; a view-only session sees the workflow only.
import { api, canEdit } from './api.js';
import { h, fill, toast, when, day } from './dom.js';

const SHOWN = 6;	// headers named in a mapping's summary

const targetLabel = (t) => (t === 'ignore' ? 'ignored' : /^custom(:|$)/i.test(t)
	? `custom data${t.length > 7 ? ` “${t.slice(7)}”` : ''}` : t);

// One remembered mapping: its headers, what each became, when it was
// last used and by whom, and Forget.
function mappingItem(m, onforget) {
	const headers = m.headers || [];
	const name = (i) => headers[i] || `Column ${i + 1}`;
	const some = headers.slice(0, SHOWN).map((x, i) => x || `Column ${i + 1}`).join(', ');
	const title = headers.length > SHOWN ? `${some} and ${headers.length - SHOWN} more` : some;
	const pairs = Object.entries(m.mapping || {}).map(([k, v]) => {
		const n = /^#(\d+)$/.exec(k);
		return [n ? name(Number(n[1]) - 1) : k, v, n ? Number(n[1]) : 0];
	}).sort((a, b) => a[2] - b[2]);
	const used = m.used_at ? `Last used ${when(m.used_at)}${m.used_by ? ` by ${m.used_by}` : ''}` : '';
	const btn = h('button.btn', { type: 'button', 'aria-label': `Forget the mapping of ${title}` }, 'Forget');
	const li = h('li.remembered',
		h('div.remembered-text',
			h('p.remembered-title', `${headers.length} column${headers.length === 1 ? '' : 's'}: ${title}`),
			h('p.muted.small', { title: m.used_at ? day(m.used_at) : null }, used),
			h('details', h('summary', 'What each column becomes'),
				h('ul.remembered-map', pairs.map(([hd, v]) => h('li', h('span.map-from', hd), ' → ',
					h('span.map-as', targetLabel(v))))))),
		btn);
	btn.addEventListener('click', async () => {
		btn.disabled = true;
		const r = await api(`/api/mappings/${encodeURIComponent(m.id)}`, { method: 'DELETE' });
		if (r.status === 204 || r.status === 200 || r.status === 404) {
			li.remove();
			onforget();
			toast('Mapping forgotten: the next file with these headers gets fresh suggestions.');
		} else {
			btn.disabled = false;
			toast(r.body?.message || 'Could not forget the mapping', 'error');
		}
	});
	return li;
}

function mappingsCard() {
	const body = h('div', h('p.muted', 'Loading…'));
	const card = h('section.card.settings', { 'aria-labelledby': 'maps-title' },
		h('h2', { id: 'maps-title' }, 'Remembered column mappings'),
		h('p.muted', 'When you import a file, intake remembers what each of its columns became. The next file with the same headers is mapped the same way. Forget a mapping to get fresh suggestions.'),
		body);
	(async () => {
		const r = await api('/api/mappings');
		if (r.status !== 200)
			return fill(body, h('p.error', r.body?.message || 'Could not load the remembered mappings'));
		const maps = r.body?.mappings || [];
		const empty = () => fill(body, h('p.muted', 'No mapping is remembered yet.'));
		if (!maps.length)
			return empty();
		const list = h('ul.remembered-list', { 'aria-label': 'Remembered mappings' });
		list.append(...maps.map((m) => mappingItem(m, () => { if (!list.children.length) empty(); })));
		fill(body, list);
	})();
	return card;
}

export function settingsPage(main) {
	const body = h('div', h('p.muted', 'Loading…'));
	fill(main, h('div.page-head', h('h1', 'Settings')),
		h('div.settings-stack',
			h('section.card.settings', { 'aria-labelledby': 'wf-title' },
				h('h2', { id: 'wf-title' }, 'Default workflow for contact uploads'),
				h('p.muted', 'Contacts created or updated by an import that uses the Default workflow are queued to this workflow. Do Not Touch contacts never are.'),
				body),
			canEdit() ? mappingsCard() : null));
	(async () => {
		const r = await api('/api/settings');
		if (r.status !== 200)
			return fill(body, h('p.error', r.body?.message || 'Could not load the settings'));
		const { workflows, default: def } = r.body;
		const sel = h('select', { id: 'default-workflow', disabled: !canEdit() },
			h('option', { value: '' }, 'No workflow'),
			workflows.map((w) => h('option', { value: String(w.id), selected: def?.id === w.id }, w.name)));
		const label = h('label', { for: 'default-workflow' }, 'Default workflow');
		if (!canEdit()) {
			fill(body, label, sel, h('p.muted', 'Only editors can change settings: this is a view-only session.'));
			return;
		}
		const form = h('form.row', label, sel, h('button.btn.primary', { type: 'submit' }, 'Save'));
		form.addEventListener('submit', async (e) => {
			e.preventDefault();
			const v = sel.value;
			const s = await api('/api/settings', { method: 'PUT',
				json: { default_workflow: v ? Number(v) : null } });
			if (s.status === 200)
				toast(s.body.default ? `Default workflow: ${s.body.default.name}` : 'Default workflow: none');
			else
				toast(s.body?.message || 'Could not save', 'error');
		});
		fill(body, form);
	})();
	return { stop() {} };
}
