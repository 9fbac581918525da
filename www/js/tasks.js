// The task feed: the workspace's imports, newest first, live while any
// runs; and one import's page with its rejected rows and warnings, paged,
// and Download rejected rows.
import { api } from './api.js';
import { h, fill, num, when, duration } from './dom.js';
import { feed, busy, fraction, speed } from './feed.js';

const SEGMENTS = [
	['created', 'Created'], ['updated', 'Updated'], ['skipped', 'Skipped'],
	['failed', 'Failed'],
];
const STATES = { queued: 'Queued', running: 'Running', done: 'Done', failed: 'Failed' };

// Created / updated / skipped / failed as one stacked bar, and a legend
// that also counts warnings and contacts queued to a workflow.
function stacked(i) {
	const total = SEGMENTS.reduce((n, [k]) => n + (i[k] || 0), 0);
	const bar = h('div.stack', { role: 'img', 'aria-label': SEGMENTS.map(([k, t]) => `${t} ${i[k] || 0}`).join(', ') });
	for (const [k] of SEGMENTS) {
		if (!i[k])
			continue;
		const seg = h(`span.seg.${k}`);
		seg.style.width = `${(100 * i[k]) / total}%`;
		bar.append(seg);
	}
	const legend = h('ul.legend',
		SEGMENTS.map(([k, t]) => h(`li.${k}`, { dataset: { count: k } }, h('span.dot', { 'aria-hidden': 'true' }), `${t} `, h('strong', num(i[k] || 0)))),
		h('li.warnings', { dataset: { count: 'warnings' } }, 'Warnings ', h('strong', num(i.warnings || 0))),
		h('li.queued', { dataset: { count: 'queued_to_workflow' } }, 'Queued to workflow ', h('strong', num(i.queued_to_workflow || 0))));
	return [bar, legend];
}

function progress(i) {
	const f = fraction(i), { rate, left } = speed(i);
	const fillEl = h('div.bar-fill');
	fillEl.style.width = `${Math.round(f * 100)}%`;
	const rows = i.rows_total !== null && i.rows_total !== undefined
		? `${num(i.rows_processed)} of ${num(i.rows_total)} rows` : `${num(i.rows_processed)} rows`;
	const bits = [rows];
	if (rate && busy(i)) bits.push(`${num(Math.round(rate))} rows/s`);
	if (left && busy(i)) bits.push(`${duration(left)} left`);
	if (i.state === 'done' && rate) bits.push(`${num(Math.round(rate))} rows/s`);
	return [
		h('div.bar', { role: 'progressbar', 'aria-label': `Progress of ${i.file || 'import'}`, 'aria-valuemin': '0',
			'aria-valuemax': '100', 'aria-valuenow': String(Math.round(f * 100)) }, fillEl),
		h('div.muted.small', bits.join(' · ')),
	];
}

// One import as a card; compact for the Contacts page's panel.
export function importCard(i, compact) {
	const flow = i.flow === 'update' ? 'Update with CSV' : 'Create with CSV';
	return h(`article.import.${i.state}${compact ? '.compact' : ''}`, { dataset: { id: i.id } },
		h('div.import-head',
			h('a.file', { href: `#/tasks/${encodeURIComponent(i.id)}` }, i.file || 'upload.csv'),
			h(`span.state.${i.state}`, STATES[i.state] || i.state)),
		h('div.muted.small', [flow, i.uploader || null, when(i.created_at)].filter(Boolean).join(' · ')),
		progress(i),
		compact ? null : stacked(i),
		i.state === 'failed' && i.message ? h('p.error', i.message) : null);
}

export function tasksPage(main) {
	const list = h('div.import-list', h('p.muted', 'Loading…'));
	fill(main, h('div.page-head', h('div', h('h1', 'Tasks'),
		h('span.muted', 'Imports of this workspace, newest first'))), list);
	const unsub = feed.subscribe((imports) => {
		fill(list, imports.length ? imports.map((i) => importCard(i, false))
			: h('div.card.empty', 'No imports yet.'));
	});
	feed.now();
	return { stop: unsub };
}

const PAGE = 50;

export function taskPage(main, id) {
	const head = h('div');
	const rows = h('tbody');
	const pager = h('nav.pager', { 'aria-label': 'Pages of rows' });
	const sevSel = h('select', { 'aria-label': 'Show', id: 'severity' },
		h('option', { value: '' }, 'All rejected rows and warnings'),
		h('option', { value: 'skipped' }, 'Skipped'), h('option', { value: 'failed' }, 'Failed'),
		h('option', { value: 'warning' }, 'Warnings'));
	let page = 1, lastState = null, timer = null, stopped = false;

	async function loadRows() {
		const p = new URLSearchParams({ page, limit: PAGE });
		if (sevSel.value) p.set('severity', sevSel.value);
		const r = await api(`/api/imports/${encodeURIComponent(id)}/errors?${p}`);
		if (r.status !== 200)
			return;
		const { errors, total } = r.body;
		fill(rows, errors.length ? errors.map((e) => h('tr', { class: `sev-${e.severity}` },
			h('td.num', String(e.row)),
			h('td', h(`span.sev.${e.severity}`, e.severity), ' ', h('code', e.code)),
			h('td', e.message, e.column ? h('div.muted.small', `Column: ${e.column}`) : null),
			h('td', e.contact || ''))) :
			h('tr', h('td.empty', { colSpan: 4 }, 'Every row was imported.')));
		const pages = Math.max(1, Math.ceil(total / PAGE));
		fill(pager, h('span.muted', `${num(total)} row${total === 1 ? '' : 's'}`),
			h('button.btn', { type: 'button', disabled: page <= 1, onclick: () => { page--; loadRows(); } }, 'Previous'),
			h('span', `Page ${page} of ${pages}`),
			h('button.btn', { type: 'button', disabled: page >= pages, onclick: () => { page++; loadRows(); } }, 'Next'));
	}

	async function loadStatus() {
		const r = await api(`/api/imports/${encodeURIComponent(id)}`);
		if (stopped)
			return;
		if (r.status !== 200) {
			fill(main, h('div.card.empty', r.body?.message || 'There is no such import'),
				h('a.link', { href: '#/tasks' }, '← All tasks'));
			return;
		}
		const i = r.body;
		const cols = (i.columns || []).map((c) => h('li', h('span', c.header), ' → ', h('span.muted', c.as)));
		fill(head, h('div.card.detail', importCard(i, false),
			cols.length ? h('details', h('summary', 'How the columns were read'), h('ul.cols', cols)) : null));
		if (lastState !== i.state || busy(i))
			loadRows();
		lastState = i.state;
		clearTimeout(timer);
		if (busy(i))
			timer = setTimeout(loadStatus, 1500);
	}

	sevSel.addEventListener('change', () => { page = 1; loadRows(); });
	fill(main,
		h('a.link.back', { href: '#/tasks' }, '← All tasks'),
		head,
		h('section.card', { 'aria-labelledby': 'rows-title' },
			h('div.section-head', h('h2', { id: 'rows-title' }, 'Rejected rows and warnings'),
				h('div.actions', sevSel,
					h('a.btn', { href: `/api/imports/${encodeURIComponent(id)}/errors.csv`, download: '', id: 'download-rejected' },
						'Download rejected rows'))),
			h('div.table-wrap', h('table',
				h('thead', h('tr', ['Row', 'Reason', 'Message', 'Contact'].map((t) => h('th', { scope: 'col' }, t)))),
				rows)),
			pager));
	loadStatus();
	return { stop() { stopped = true; clearTimeout(timer); } };
}
