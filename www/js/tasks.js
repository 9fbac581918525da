// The task feed: the workspace's imports, newest first, live while any
// runs; and one import's page: why it failed and what helps, its
// rejected rows and warnings, paged, and Download rejected rows. A review
// ("Review first") is marked as one wherever it is listed, in the words
// of what the import would do, and its page is review.js's.
import { api, canEdit, state } from './api.js';
import { h, fill, num, when, duration } from './dom.js';
import { feed, busy, fraction, speed } from './feed.js';
import { openImport } from './importer.js';
import { title } from './notice.js';
import { reviewSections, fromReview } from './review.js';

// "unchanged" (a matched row that changed nothing) only where the status
// has it.
const SEGMENTS = [
	['created', 'Created'], ['updated', 'Updated'], ['unchanged', 'Unchanged'],
	['skipped', 'Skipped'], ['failed', 'Failed'],
];
// A review wrote nothing: its counts say what the import would do.
const REVIEW_SEGMENTS = [
	['created', 'Would create'], ['updated', 'Would update'], ['unchanged', 'Unchanged'],
	['skipped', 'Would skip'], ['failed', 'Would fail'],
];
const STATES = { queued: 'Queued', running: 'Running', done: 'Done', failed: 'Failed' };
const segments = (i) => (i.review ? REVIEW_SEGMENTS : SEGMENTS).filter(([k]) => k !== 'unchanged' || k in i);

// What an import did, in words: "2 created, 1 updated, 2 skipped"; what
// a review found: "would create 2, would update 1, would skip 2".
export function summary(i) {
	if (i.review) {
		const parts = segments(i).filter(([k]) => i[k]).map(([k, t]) => k === 'unchanged'
			? `${num(i[k])} unchanged` : `${t.toLowerCase()} ${num(i[k])}`);
		return parts.length ? parts.join(', ') : 'no rows to import';
	}
	const parts = segments(i).filter(([k]) => i[k]).map(([k, t]) => `${num(i[k])} ${t.toLowerCase()}`);
	return parts.length ? parts.join(', ') : 'no rows imported';
}

// "Review" on a review, wherever it is listed.
export const reviewBadge = (i) => (i.review
	? h('span.badge.review', { title: 'A review: nothing was written' }, 'Review') : null);

// The workflow an import queued its contacts to, when the status says
// (a name, or { name }); undefined when it does not.
function workflowName(i) {
	if (!('workflow' in i))
		return undefined;
	const w = i.workflow;
	return w && typeof w === 'object' ? w.name || null : w || null;
}

// Created / updated / unchanged / skipped / failed as one stacked bar,
// and a legend that also counts warnings, contacts queued to a workflow,
// Do Not Touch and rows waiting for enrichment.
function stacked(i) {
	const seg = segments(i);
	const total = seg.reduce((n, [k]) => n + (i[k] || 0), 0);
	const bar = h('div.stack', { role: 'img', 'aria-label': seg.map(([k, t]) => `${t} ${i[k] || 0}`).join(', ') });
	for (const [k] of seg) {
		if (!i[k])
			continue;
		const s = h(`span.seg.${k}`);
		s.style.width = `${(100 * i[k]) / total}%`;
		bar.append(s);
	}
	const wf = workflowName(i);
	const legend = h('ul.legend',
		seg.map(([k, t]) => h(`li.${k}`, { dataset: { count: k } }, h('span.dot', { 'aria-hidden': 'true' }), `${t} `, h('strong', num(i[k] || 0)))),
		h('li.warnings', { dataset: { count: 'warnings' } }, 'Warnings ', h('strong', num(i.warnings || 0))),
		h('li.queued', { dataset: { count: 'queued_to_workflow' } }, `${i.review ? 'Would queue' : 'Queued'} to ${wf || 'workflow'} `,
			h('strong', num(i.queued_to_workflow || 0))),
		i.dnt ? h('li.dnt', { dataset: { count: 'dnt' } }, i.review ? 'Would flag Do Not Touch ' : 'Do Not Touch ', h('strong', num(i.dnt))) : null,
		i.enrich_pending ? h('li.enrich', { dataset: { count: 'enrich_pending' } }, 'Waiting for enrichment ',
			h('strong', num(i.enrich_pending))) : null);
	return [bar, legend];
}

// Which workflow, said once per card, and why nobody was queued when
// that is not obvious.
function workflowLine(i) {
	const wf = workflowName(i);
	if (wf === undefined)
		return null;
	let text = wf ? `Workflow: ${wf}` : 'Workflow: none';
	if (wf && i.state === 'done' && !i.queued_to_workflow && (i.created || i.updated))
		text += i.review ? ' · nobody would be queued'
			: i.dnt ? ' · nobody queued: Do Not Touch contacts never are' : ' · nobody queued';
	return h('div.small.muted.wf-line', text);
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
	if (i.enrich_pending && busy(i)) bits.push(`${num(i.enrich_pending)} waiting for enrichment`);
	return [
		h('div.bar', { role: 'progressbar', 'aria-label': `Progress of ${i.file || 'import'}`, 'aria-valuemin': '0',
			'aria-valuemax': '100', 'aria-valuenow': String(Math.round(f * 100)) }, fillEl),
		h('div.muted.small', bits.join(' · ')),
	];
}

// One import as a card; compact for the Contacts page's panel. On an
// import's own page (detail) a failure is told below, once.
export function importCard(i, compact, detail) {
	const flow = i.flow === 'update' ? 'Update with CSV' : 'Create with CSV';
	const what = i.review ? `Review of ${flow}` : i.from_review ? `${flow}, from a review` : flow;
	return h(`article.import.${i.state}${compact ? '.compact' : ''}${i.review ? '.is-review' : ''}`, { dataset: { id: i.id } },
		h('div.import-head',
			h('a.file', { href: `#/tasks/${encodeURIComponent(i.id)}` }, i.file || 'upload.csv'),
			h('span.head-badges', reviewBadge(i), h(`span.state.${i.state}`, STATES[i.state] || i.state))),
		h('div.muted.small', [what, i.uploader || null, when(i.created_at)].filter(Boolean).join(' · ')),
		compact && i.review && i.state === 'done' ? h('div.small', summary(i)) : null,
		progress(i),
		compact ? null : stacked(i),
		compact ? null : workflowLine(i),
		i.state === 'failed' && i.message && !detail ? h('p.error', i.message) : null);
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

// A failed import: why, in the server's words, what of it was imported,
// and what helps: the window with its mapping, a sample file.
function failedHelp(i) {
	const some = (i.created || 0) + (i.updated || 0);
	const flowName = i.flow === 'update' ? 'Update with CSV' : 'Create with CSV';
	const notes = Array.isArray(i.notes) ? i.notes : [];
	const open = canEdit() ? h('button.btn.primary', { type: 'button', id: 'fix-import' }, `Try again with ${flowName}`) : null;
	open?.addEventListener('click', () => openImport(i.flow === 'update' ? 'update' : 'create', open));
	return h('section.card.failed-help', { 'aria-labelledby': 'failed-title' },
		h('h2', { id: 'failed-title' }, i.review ? 'This review failed' : 'This import failed'),
		h('p.why', i.message || (i.review ? 'The review stopped without saying why.' : 'The import stopped without saying why.')),
		h('p', i.review ? 'A review writes nothing: the workspace is as it was.'
			: some ? `Rows before it stopped were imported: ${summary(i)}.`
			: 'Nothing of this file was imported.'),
		notes.length ? h('ul.notes', { 'aria-label': 'Notes about this file' }, notes.map((n) => h('li', n))) : null,
		h('p.muted', i.flow === 'update'
			? `Update with CSV needs the ${state.session?.id_header || 'EG-CON-ID'} column of an export: export your contacts, edit that file, and import it again. The window shows what each column will become before you import.`
			: 'Each row needs a Contact LinkedIn URL, or all of Account Name, Domain, First name and Last name. The window shows what each column of your file will become, and lets you change it, before you import.'),
		h('div.actions', open,
			i.flow === 'update'
				? h('a.btn', { href: '/api/contacts/export.csv', download: '' }, 'Export your contacts')
				: h('a.btn', { href: 'sample-contacts.csv', download: '' }, 'Download a sample CSV')));
}

const PAGE = 50;

export function taskPage(main, id) {
	const head = h('div');
	const help = h('div');
	const rows = h('tbody');
	const pager = h('nav.pager', { 'aria-label': 'Pages of rows' });
	const sevSel = h('select', { 'aria-label': 'Show', id: 'severity' },
		h('option', { value: '' }, 'All rejected rows and warnings'),
		h('option', { value: 'skipped' }, 'Skipped'), h('option', { value: 'failed' }, 'Failed'),
		h('option', { value: 'warning' }, 'Warnings'));
	const download = h('a.btn', { href: `/api/imports/${encodeURIComponent(id)}/errors.csv`, download: '',
		id: 'download-rejected', hidden: true }, 'Download rejected rows');
	const contactsLink = h('a.btn', { href: `#/contacts?import=${encodeURIComponent(id)}`, id: 'import-contacts', hidden: true },
		'Contacts of this import');
	let page = 1, lastState = null, timer = null, stopped = false, st = null, rv = null;
	// A review's own sections (review.js) instead of the rejected rows;
	// which it is, the first status says.
	const reviewBox = h('div');
	const rowsSection = h('section.card', { 'aria-labelledby': 'rows-title', hidden: true });

	// What an empty table means depends on how the import went.
	function empty() {
		if (sevSel.value)
			return 'No row of this kind.';
		if (!st || busy(st))
			return 'No rejected rows so far.';
		if (st.state === 'failed')
			return st.rows_processed ? 'No row was rejected before the import failed.'
				: 'No row was read: the import failed before its rows were imported.';
		return 'Every row was imported.';
	}

	async function loadRows() {
		const p = new URLSearchParams({ page, limit: PAGE });
		if (sevSel.value) p.set('severity', sevSel.value);
		const r = await api(`/api/imports/${encodeURIComponent(id)}/errors?${p}`);
		if (r.status !== 200 || stopped)
			return;
		const { errors, total } = r.body;
		fill(rows, errors.length ? errors.map((e) => h('tr', { class: `sev-${e.severity}` },
			h('td.num', { dataset: { label: 'Row' } }, String(e.row)),
			h('td', { dataset: { label: 'Reason' } }, h(`span.sev.${e.severity}`, e.severity), ' ', h('code', e.code)),
			h('td', { dataset: { label: 'Message' } }, e.message, e.column ? h('div.muted.small', `Column: ${e.column}`) : null),
			h('td', { dataset: { label: 'Contact' } }, e.contact ? h('a.link', { href: `#/contacts/${encodeURIComponent(e.contact)}` }, e.contact) : ''))) :
			h('tr', h('td.empty', { colSpan: 4 }, empty())));
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
		const i = st = r.body;
		title(i.review ? `Review of ${i.file || 'a file'}` : i.file || 'Import');
		const cols = (i.columns || []).map((c) => h('li', h('span', c.header), ' → ', h('span.muted', c.as)));
		fill(head, h('h1.task-title', i.review ? 'Review of ' : 'Import of ', h('span.task-file', i.file || 'upload.csv')),
			h('div.card.detail', importCard(i, false, true), fromReview(i),
			cols.length ? h('details', { open: i.state === 'failed' }, h('summary', 'How the columns were read'), h('ul.cols', cols)) : null));
		if (i.state !== lastState)
			fill(help, i.state === 'failed' ? failedHelp(i) : null);
		if (i.review) {
			// (a queued drop's first status may not say it is a review yet)
			rowsSection.hidden = true;
			if (!rv) {
				rv = reviewSections(id);
				fill(reviewBox, rv.el);
			}
			rv.update(i);
		} else {
			rowsSection.hidden = false;
			// Nothing to download when no row was skipped or failed.
			download.hidden = !((i.skipped || 0) + (i.failed || 0));
			contactsLink.hidden = !((i.created || 0) + (i.updated || 0));
			if (lastState !== i.state || busy(i))
				loadRows();
		}
		lastState = i.state;
		clearTimeout(timer);
		if (busy(i))
			timer = setTimeout(loadStatus, 1500);
	}

	sevSel.addEventListener('change', () => { page = 1; loadRows(); });
	fill(main,
		h('a.link.back', { href: '#/tasks' }, '← All tasks'),
		head,
		help,
		reviewBox,
		fill(rowsSection,
			h('div.section-head', h('h2', { id: 'rows-title' }, 'Rejected rows and warnings'),
				h('div.actions', sevSel, contactsLink, download)),
			h('div.table-wrap', h('table.rows',
				h('thead', h('tr', ['Row', 'Reason', 'Message', 'Contact'].map((t) => h('th', { scope: 'col' }, t)))),
				rows)),
			pager));
	loadStatus();
	return { stop() { stopped = true; clearTimeout(timer); rv?.stop(); } };
}
