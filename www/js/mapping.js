// The mapping step of both import windows: the head of the chosen file
// goes to POST /api/imports/preview, and the server's own reader says how
// the file is read (encoding, delimiter, header row), what each column
// will become and whether the import would fail. The window only shows
// that answer and lets the user choose another target per column; each
// choice asks the server again, so what the window shows is what the
// import will do. Nothing here reads CSV.
import { api } from './api.js';
import { h, fill, num } from './dom.js';

const HEAD = 1048576;	// the part of the file the server previews
const DELIMS = { ',': 'commas', ';': 'semicolons', '\t': 'tabs', '|': 'pipes', ':': 'colons' };
const LABEL = { custom: 'Custom data', ignore: 'Ignore (not imported)' };
const FILTER_FROM = 12;	// columns from which a search box helps

let seq = 0;

// The mapping as it travels: every column by number ("#N"), so two
// columns with the same header keep their own choice.
export function encode(cols) {
	const m = {};
	for (const c of cols)
		m[`#${c.index}`] = c.to === 'custom' && c.key ? `custom:${c.key}` : c.to;
	return m;
}

function plural(n, one, many) {
	return `${num(n)} ${n === 1 ? one : many}`;
}

// How the file was read, in one line: "header on row 4; 3 lines before it
// skipped · UTF-8 · separated by semicolons".
function readAs(p) {
	const parts = [];
	const row = p.header_row ?? 1;
	let hd = `header on row ${num(row)}`;
	if (p.preamble)
		hd += `; ${plural(p.preamble, 'line', 'lines')} before it skipped`;
	parts.push(hd);
	if (p.encoding)
		parts.push(p.encoding);
	if (p.delimiter)
		parts.push(`separated by ${DELIMS[p.delimiter] || `“${p.delimiter}”`}`);
	return parts.join(' · ');
}

// mappingStep(flow, onstate): onstate({ ready, ok, reason }) is called
// whenever the Import button should change.
export function mappingStep(flow, onstate) {
	const id = `map-${++seq}`;
	let file = null, cols = [], rows = new Map(), asked = 0, ctl = null, touched = false;
	let answer = null;

	const status = h('p.map-status', { id: `${id}-status`, role: 'status' });
	const problem = h('p.warn', { id: `${id}-problem`, role: 'alert' });
	const okLine = h('p.ok', { hidden: true }, 'The required columns are there.');
	const read = h('p.muted.small.map-read');
	const notes = h('ul.notes', { hidden: true, 'aria-label': 'Notes about this file' });
	const search = h('input.map-search', { type: 'search', id: `${id}-find`,
		placeholder: 'Find a column', 'aria-label': 'Find a column', 'aria-controls': `${id}-list` });
	const count = h('span.muted.small', { 'aria-live': 'polite' });
	const tools = h('div.map-tools', { hidden: true }, search, count);
	const list = h('ol.map-list', { id: `${id}-list`, 'aria-label': 'Columns of the file' });
	const retry = h('button.btn', { type: 'button', hidden: true, onclick: () => ask() }, 'Try again');
	const box = h('section.mapping', { hidden: true, 'aria-labelledby': `${id}-title` },
		h('div.map-head', h('h3', { id: `${id}-title` }, 'Columns of your file'), read),
		status, problem, retry, okLine, notes, tools, list);

	function tell(ready, ok, reason) {
		onstate({ ready, ok, reason });
	}

	search.addEventListener('input', () => {
		const q = search.value.trim().toLowerCase();
		let shown = 0;
		for (const [, r] of rows) {
			const hit = !q || r.text.includes(q);
			r.li.hidden = !hit;
			shown += hit;
		}
		count.textContent = q ? `${num(shown)} of ${num(rows.size)} columns` : `${num(rows.size)} columns`;
	});

	function optionsFor(targets) {
		const frag = document.createDocumentFragment();
		for (const t of targets)
			frag.append(h('option', { value: t }, LABEL[t] || t));
		return frag;
	}

	// One row per column; made once per file, then updated in place.
	function row(c, targets) {
		const rid = `${id}-c${c.index}`;
		const name = c.header || `Column ${c.index}`;
		const sel = h('select.map-to', { id: rid, 'aria-describedby': `${rid}-why` });
		sel.append(optionsFor(targets));
		const key = h('input.map-key', { type: 'text', id: `${rid}-key`, hidden: true,
			'aria-label': `Custom data key for “${name}”`, maxlength: '128' });
		const why = h('span.map-why', { id: `${rid}-why` });
		const samples = h('ul.samples', { 'aria-label': `Sample values of “${name}”` });
		const filled = h('span.muted.small.filled');
		const li = h('li.map-row', { dataset: { col: String(c.index) } },
			h('div.map-col',
				h('div.map-name', h('span.map-num', { 'aria-hidden': 'true' }, String(c.index)),
					h('label.map-header', { for: rid, title: name },
						h('span.visually-hidden', 'Import '), c.header ? `“${c.header}”` : `Column ${c.index} (no name)`,
						h('span.visually-hidden', ' as'))),
				samples, filled),
			h('div.map-ctl', sel, key, why));
		const r = { li, sel, key, why, samples, filled, index: c.index,
			text: `${c.index} ${name}`.toLowerCase() };
		sel.addEventListener('change', () => {
			const col = cols.find((x) => x.index === c.index);
			col.to = sel.value;
			if (sel.value === 'custom' && !col.key)
				col.key = c.header || `Column ${c.index}`;
			touched = true;
			show(col, r);
			ask();
		});
		key.addEventListener('change', () => {
			const col = cols.find((x) => x.index === c.index);
			col.key = key.value.trim() || c.header || `Column ${c.index}`;
			touched = true;
			ask();
		});
		return r;
	}

	function show(c, r) {
		r.sel.value = c.to;
		r.key.hidden = c.to !== 'custom';
		if (document.activeElement !== r.key)
			r.key.value = c.key || '';
		if (r.why.textContent !== (c.why || ''))
			r.why.textContent = c.why || '';
		r.li.classList.toggle('ignored', c.to === 'ignore');
		r.li.classList.toggle('custom', c.to === 'custom');
		const s = (c.samples || []).slice(0, 3);
		const sig = JSON.stringify(s);
		if (r.sig !== sig) {	// the same file asked again: the same samples
			r.sig = sig;
			fill(r.samples, s.length ? s.map((v) => h('li', { title: v }, v || '(empty)'))
				: h('li.muted', 'no values'));
		}
		const f = answer?.rows_seen
			? `${num(c.filled ?? 0)} of ${plural(answer.rows_seen, 'row', 'rows')} filled` : '';
		if (r.filled.textContent !== f)
			r.filled.textContent = f;
	}

	function render(p) {
		answer = p;
		const same = cols.length === p.columns.length && rows.size === p.columns.length &&
			p.columns.every((c) => rows.has(c.index));
		cols = p.columns.map((c) => ({ ...c }));
		if (!same) {
			rows = new Map();
			const frag = document.createDocumentFragment();
			for (const c of cols) {
				const r = row(c, p.targets);
				rows.set(c.index, r);
				frag.append(r.li);
			}
			list.replaceChildren(frag);
			search.value = '';
			count.textContent = `${num(cols.length)} columns`;
		}
		for (const c of cols)
			show(c, rows.get(c.index));
		tools.hidden = cols.length < FILTER_FROM;
		read.textContent = `${plural(cols.length, 'column', 'columns')}; ${readAs(p)}`;
		const said = p.notes || [];
		fill(notes, p.remembered ? h('li', 'Mapped as the last import of a file with these headers.') : null,
			said.map((n) => h('li', n)));
		notes.hidden = !p.remembered && !said.length;
		problem.textContent = p.ok ? '' : p.problem || 'This file cannot be imported as it is mapped.';
		okLine.hidden = !p.ok;
		status.textContent = '';
		tell(true, !!p.ok, p.ok ? null : problem.textContent);
	}

	async function ask() {
		if (!file)
			return;
		const n = ++asked;
		ctl?.abort();
		ctl = new AbortController();
		retry.hidden = true;
		status.textContent = cols.length ? 'Checking the mapping…' : 'Reading the file…';
		tell(false, false, status.textContent);
		const body = new FormData();
		body.append('flow', flow);
		if (touched && cols.length)
			body.append('mapping', JSON.stringify(encode(cols)));
		if (file.size <= HEAD)
			body.append('complete', '1');
		body.append('file', file.slice(0, HEAD), file.name);
		const r = await api('/api/imports/preview', { method: 'POST', body, signal: ctl.signal });
		if (n !== asked)
			return;	// a newer question was asked, or the window closed
		if (r.status === 200 && Array.isArray(r.body?.columns)) {
			render(r.body);
			return;
		}
		status.textContent = '';
		okLine.hidden = true;
		const why = r.body?.message || `The file could not be checked (${r.status || 'no answer'}).`;
		problem.textContent = why;
		if (r.status !== 400) {
			retry.hidden = false;
		} else {
			cols = [];
			rows = new Map();
			list.replaceChildren();
			tools.hidden = true;
			notes.hidden = true;
			read.textContent = '';
		}
		tell(true, false, why);
	}

	return {
		el: box,
		// A new file: the server suggests afresh.
		setFile(f) {
			file = f;
			cols = [];
			rows = new Map();
			touched = false;
			answer = null;
			list.replaceChildren();
			problem.textContent = '';
			okLine.hidden = true;
			notes.hidden = true;
			tools.hidden = true;
			read.textContent = '';
			box.hidden = !f;
			if (f)
				ask();
			else
				ctl?.abort();
		},
		mapping: () => (cols.length ? encode(cols) : null),
		stop() { ctl?.abort(); asked++; },
	};
}
