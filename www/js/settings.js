// Settings: the default workflow for contact uploads (one or none).
// Editors change it; a view-only session sees it.
import { api, canEdit } from './api.js';
import { h, fill, toast } from './dom.js';

export function settingsPage(main) {
	const body = h('div', h('p.muted', 'Loading…'));
	fill(main, h('div.page-head', h('h1', 'Settings')),
		h('section.card.settings', { 'aria-labelledby': 'wf-title' },
			h('h2', { id: 'wf-title' }, 'Default workflow for contact uploads'),
			h('p.muted', 'Contacts created or updated by an import that uses the Default workflow are queued to this workflow. Do Not Touch contacts never are.'),
			body));
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
