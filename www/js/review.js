// A review's page ("Review first"): what the import of the file would do,
// row by row, with nothing written. The counts per outcome (skipped ones
// by reason), a paged grid of the rows (filtered by outcome, searched),
// each updated row's changes as before → after and each matched row's
// key and contact; and Import (editors), which imports the reviewed file
// with the review's options. Also what an import made from a review says:
// how many rows came out differently from the review.
import { api, canEdit, state } from './api.js';
import { h, fill, num, toast } from './dom.js';
import { feed, busy } from './feed.js';

const PAGE = 50;

// The grid's filter: an outcome, in the review's words.
export const OUTCOMES = [
	['created', 'Would create'], ['updated', 'Would update'], ['unchanged', 'Unchanged'],
	['skipped', 'Would skip'], ['failed', 'Would fail'], ['warning', 'Warnings'],
];
const FILTER_WORD = Object.fromEntries(OUTCOMES);
// A row's outcome, on the row.
const OUTCOME_WORD = { ...FILTER_WORD, warning: 'Warning' };

// Which key matched, in words: "email", "LinkedIn URL", the id column.
function keyWords(key) {
	if (key === 'linkedin') return 'LinkedIn URL';
	if (key === 'name') return 'name and domain';
	if (key === 'id') return state.session?.id_header || 'EG-CON-ID';
	return String(key || 'a key').replace(/_/g, ' ');
}

// "custom:Colour" is custom data Colour.
function fieldWords(f) {
	return /^custom:/.test(f) ? h('span', f.slice(7), h('span.muted.small', ' (custom data)')) : f;
}

const value = (v) => (v === null || v === undefined || v === ''
	? h('span.empty-value', 'empty') : h('span.value', String(v)));

// One row of the grid. Every cell names its column (data-label) for the
// narrow layout, where a row is a card.
function reviewRow(r) {
	const href = r.contact ? `#/contacts/${encodeURIComponent(r.contact)}` : null;
	const who = [r.name, r.account ? `at ${r.account}` : null].filter(Boolean).join(' ');
	const matched = r.contact && r.key
		? h('p.matched', `matched by ${keyWords(r.key)} to `, h('a.link', { href }, r.contact),
			who ? `, ${who}` : '')
		: null;
	const changes = Array.isArray(r.changes) && r.changes.length
		? h('ul.changes', { 'aria-label': `Changes of row ${r.row}` }, r.changes.map((c) =>
			h('li', h('span.change-field', fieldWords(c.field)), ' ',
				h('span.change', value(c.before), h('span.arrow', h('span', { 'aria-hidden': 'true' }, ' → '), h('span.visually-hidden', ' becomes ')), value(c.after)))))
		: null;
	// several contacts matched: each, with its name and account
	const candidates = Array.isArray(r.candidates) && r.candidates.length
		? h('ul.candidates', { 'aria-label': `Contacts row ${r.row} matched` }, r.candidates.map((c) =>
			h('li', h('a.link', { href: `#/contacts/${encodeURIComponent(c.contact)}` }, c.contact),
				[c.name, c.account ? `at ${c.account}` : null].filter(Boolean).length
					? `, ${[c.name, c.account ? `at ${c.account}` : null].filter(Boolean).join(' ')}` : '')))
		: null;
	const outcome = r.outcome || 'skipped';
	return h('tr', { class: `outcome-${outcome}` },
		h('td.num', { dataset: { label: 'Row' } }, String(r.row)),
		h('td.r-outcome', { dataset: { label: 'Outcome' } }, h(`span.outcome.${outcome}`, OUTCOME_WORD[outcome] || outcome),
			r.code && r.code !== outcome ? h('div', h('code', r.code)) : null),
		h('td.r-contact', { dataset: { label: 'Contact' } },
			r.name ? h('div.name', r.name) : null,
			r.account || r.domain ? h('div.muted.small', [r.account, r.domain].filter(Boolean).join(' · ')) : null,
			matched),
		h('td.r-what', { dataset: { label: 'What the import would do' } },
			r.message ? h('p.r-message', r.message) : null,
			r.column ? h('div.muted.small', `Column: ${r.column}`) : null,
			candidates, changes));
}

// What the review found, counted: each outcome, skipped rows by reason,
// and what would be tagged, queued and flagged.
function counts(i, reasons) {
	const item = (key, label, n, extra) => h('li', { dataset: { count: key } },
		h('span.count-label', label), h('strong.count-num', num(n || 0)), extra || null);
	const by = Object.entries(reasons || {}).sort((a, b) => b[1] - a[1]);
	const skippedBy = by.length
		? h('ul.reasons', { 'aria-label': 'Skipped rows by reason' },
			by.map(([code, n]) => h('li', { dataset: { reason: code } }, h('code', code), ' ', h('strong', num(n)))))
		: null;
	return h('ul.review-counts', { 'aria-label': 'What the import would do' },
		item('created', 'Would create', i.created),
		item('updated', 'Would update', i.updated),
		item('unchanged', 'Unchanged', i.unchanged),
		item('skipped', 'Would skip', i.skipped, skippedBy),
		item('failed', 'Would fail', i.failed),
		item('warnings', 'Warnings', i.warnings),
		item('tagged', 'Would tag', i.tagged),
		item('queued_to_workflow', 'Would queue to the workflow', i.queued_to_workflow),
		item('dnt', 'Would flag Do Not Touch', i.dnt),
		i.enriched ? item('enriched', 'Would be enriched', i.enriched) : null,
		i.enrich_failed ? item('enrich_failed', 'Enrichment would fail', i.enrich_failed) : null);
}

// The review's own sections on its page: { el, update(status), stop() }.
export function reviewSections(id) {
	// st: the status; found: what the rows' answer says of the whole
	// review (skipped_by, imported_as).
	let st = null, found = null, page = 1, gen = 0, timer = null, stopped = false;
	const countsEl = h('div.review-counts-wrap', h('p.muted', 'Reading the whole file…'));
	const importBtn = h('button.btn.primary', { type: 'button', id: 'import-reviewed', hidden: true }, 'Import');
	const importNote = h('p.muted.small.import-note', { id: 'import-reviewed-note', hidden: true },
		'Imports this file with the same options. The workspace may have changed since the review: the import says which rows came out differently.');
	importBtn.setAttribute('aria-describedby', importNote.id);
	const importErr = h('p.error', { role: 'alert' });
	const importedAs = h('p.small.imported-as', { hidden: true });
	const rows = h('tbody');
	const pager = h('nav.pager', { 'aria-label': 'Pages of reviewed rows' });
	const outcomeSel = h('select', { id: 'review-outcome' },
		h('option', { value: '' }, 'All rows'),
		OUTCOMES.map(([v, t]) => h('option', { value: v }, t)));
	const search = h('input', { type: 'search', id: 'review-search', placeholder: 'Name, email, account or message' });
	const shownCount = h('span.muted.small', { role: 'status', 'aria-live': 'polite' });

	function empty() {
		if (!st || busy(st))
			return 'The review is still reading the file.';
		if (search.value.trim() || outcomeSel.value)
			return 'No row of the file matches.';
		return 'The file has no rows.';
	}

	async function loadRows() {
		const my = ++gen;
		const p = new URLSearchParams({ page, limit: PAGE });
		if (outcomeSel.value) p.set('outcome', outcomeSel.value);
		if (search.value.trim()) p.set('q', search.value.trim());
		const r = await api(`/api/imports/${encodeURIComponent(id)}/rows?${p}`);
		if (my !== gen || stopped)
			return;
		if (r.status !== 200) {
			fill(rows, h('tr', h('td.empty', { colSpan: 4 }, r.body?.message || 'The rows cannot be read.')));
			fill(pager);
			return;
		}
		const { rows: list = [], total = 0, counts: c = {} } = r.body;
		found = r.body;
		show();
		for (const o of outcomeSel.options)
			if (o.value)
				o.textContent = `${FILTER_WORD[o.value]} (${num(c[o.value] || 0)})`;
		fill(rows, list.length ? list.map(reviewRow) : h('tr', h('td.empty', { colSpan: 4 }, empty())));
		const pages = Math.max(1, Math.ceil(total / PAGE));
		shownCount.textContent = `${num(total)} row${total === 1 ? '' : 's'}`;
		fill(pager, shownCount,
			h('button.btn', { type: 'button', disabled: page <= 1, onclick: () => { page--; loadRows(); } }, 'Previous'),
			h('span', `Page ${page} of ${pages}`),
			h('button.btn', { type: 'button', disabled: page >= pages, onclick: () => { page++; loadRows(); } }, 'Next'));
	}

	// The counts, and Import while the review can be imported (editors).
	function show() {
		if (!st)
			return;
		if (busy(st) || st.state === 'failed')
			fill(countsEl, h('p.muted', busy(st) ? 'Reading the whole file… the counts so far:'
				: 'The review stopped before the end of the file.'), counts(st, null));
		else
			fill(countsEl, counts(st, found?.skipped_by));
		const as = found?.imported_as;
		importBtn.hidden = importNote.hidden = !(st.state === 'done' && canEdit() && found && !as);
		importedAs.hidden = !as;
		if (as)
			fill(importedAs, 'Imported already: ', h('a.link', { href: `#/tasks/${encodeURIComponent(as)}` }, 'the import of this review'));
	}

	async function importIt() {
		importErr.textContent = '';
		importBtn.disabled = true;
		const r = await api(`/api/imports/${encodeURIComponent(id)}/import`, { method: 'POST', json: {} });
		if (r.status === 202 && r.body?.id) {
			toast('Import started. Processing contacts…');
			feed.watch(r.body.id);
			feed.now();
			location.hash = `#/tasks/${encodeURIComponent(r.body.id)}`;
			return;
		}
		importBtn.disabled = false;
		if (r.status === 409) {
			importBtn.hidden = importNote.hidden = true;
			loadRows();	// imported_as, from the server
		}
		importErr.textContent = r.body?.message || `The import could not be started (${r.status}).`;
	}
	importBtn.addEventListener('click', importIt);
	outcomeSel.addEventListener('change', () => { page = 1; loadRows(); });
	search.addEventListener('input', () => {
		clearTimeout(timer);
		timer = setTimeout(() => { page = 1; loadRows(); }, 250);
	});
	search.addEventListener('keydown', (e) => {
		if (e.key === 'Enter') { e.preventDefault(); clearTimeout(timer); page = 1; loadRows(); }
	});

	const el = h('div.review',
		h('section.card.review-summary', { 'aria-labelledby': 'review-title' },
			h('div.section-head',
				h('div', h('h2', { id: 'review-title' }, 'What the import would do'),
					h('p.muted.small.review-note', 'A review: the whole file read with the import’s rules. Nothing was written.')),
				h('div.actions', importBtn)),
			importNote, importErr, importedAs, countsEl),
		h('section.card', { 'aria-labelledby': 'review-rows-title' },
			h('div.section-head', h('h2', { id: 'review-rows-title' }, 'Rows of the file'),
				h('div.actions.review-tools',
					h('div.tool', h('label', { for: outcomeSel.id }, 'Show'), outcomeSel),
					h('div.tool.grow', h('label', { for: search.id }, 'Search rows'), search))),
			h('div.table-wrap', h('table.rows.review-rows',
				h('thead', h('tr', ['Row', 'Outcome', 'Contact', 'What the import would do'].map((t) => h('th', { scope: 'col' }, t)))),
				rows)),
			pager));

	return {
		el,
		update(i) {
			const was = st;
			st = i;
			show();
			if (!was || was.state !== i.state || busy(i))
				loadRows();
		},
		stop() { stopped = true; clearTimeout(timer); },
	};
}

// On an import made from a review: which review, and, once done, how many
// rows came out differently from it and why.
export function fromReview(i) {
	if (!i.from_review)
		return null;
	const link = h('a.link', { href: `#/tasks/${encodeURIComponent(i.from_review)}` }, 'the review');
	let said = null;
	if (i.state === 'done' && i.differs > 0)
		said = h('p.warn.differs', { role: 'status' }, i.differs_message || `${num(i.differs)} rows came out differently from the review.`);
	else if (i.state === 'done' && i.differs === 0)
		said = h('p.ok.differs', 'Every row came out as the review said.');
	return h('div.from-review', h('p.small.muted', 'Imported from ', link, ': the same file and options.'), said);
}
