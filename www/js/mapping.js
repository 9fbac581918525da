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
// columns with the same header keep their own choice. The upload sends
// every column as the last answer showed it; a question to the preview
// sends only the user's own choices, so the other columns keep the
// server's suggestion and its why (and show what a choice changed).
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
	if (p.recoded_lines)
		parts.push(`${plural(p.recoded_lines, 'line', 'lines')} read as ${p.recoded_as}`);
	if (p.delimiter)
		parts.push(`separated by ${DELIMS[p.delimiter] || `“${p.delimiter}”`}`);
	return parts.join(' · ');
}

// mappingStep(flow, onstate): onstate({ ready, ok, reason }) is called
// whenever the Import button should change.
export function mappingStep(flow, onstate) {
	const id = `map-${++seq}`;
	let file = null, cols = [], rows = new Map(), asked = 0, ctl = null;
	let chosen = new Map();	// column index → the user's target
	let shape = null, building = 0;	// the columns shown; the rows being made
	let answer = null;
	let encoding = null;	// the user's pick, or null: the server detects

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
	// The encoding the server read the file in, and the others it offers:
	// a pick asks again, and travels with the upload.
	const encSelect = h('select.map-enc', { id: `${id}-enc` });
	const encLabel = h('label.small', { for: `${id}-enc` }, 'Encoding ');
	const enc = h('div.map-encoding', { hidden: true }, encLabel, encSelect);
	encSelect.addEventListener('change', () => {
		encoding = encSelect.value;
		ask();
	});
	const box = h('section.mapping', { hidden: true, 'aria-labelledby': `${id}-title` },
		h('div.map-head', h('h3', { id: `${id}-title` }, 'Columns of your file'), read, enc),
		status, problem, retry, okLine, notes, tools, list);

	function tell(ready, ok, reason) {
		onstate({ ready, ok, reason });
	}

	const query = () => search.value.trim().toLowerCase();
	const match = (r, q) => !q || r.text.includes(q);
	search.addEventListener('input', () => {
		const q = query();
		let shown = 0;
		for (const [, r] of rows) {
			r.li.hidden = !match(r, q);
			shown += !r.li.hidden;
		}
		count.textContent = q ? `${num(shown)} of ${num(cols.length)} columns` : `${num(cols.length)} columns`;
	});

	// The row every column clones (600 columns: cloning is several times
	// faster than making each row's elements and options anew).
	function proto(targets) {
		return h('li.map-row',
			h('div.map-col',
				h('div.map-name', h('span.map-num', { 'aria-hidden': 'true' }),
					h('label.map-header', h('span.visually-hidden', 'Import '), '',
						h('span.visually-hidden', ' as'))),
				h('ul.samples'), h('span.muted.small.filled')),
			h('div.map-ctl',
				h('select.map-to', targets.map((t) => h('option', { value: t }, LABEL[t] || t))),
				h('input.map-key', { type: 'text', hidden: true, maxlength: '128' }),
				h('span.map-why')));
	}

	// One row per column; made once per file, then updated in place.
	function row(c, model) {
		const rid = `${id}-c${c.index}`;
		const name = c.header || `Column ${c.index}`;
		const li = model.cloneNode(true);
		const [col, ctl] = li.children;
		const [nm, samples, filled] = col.children;
		const [no, label] = nm.children;
		const [sel, key, why] = ctl.children;
		li.dataset.col = String(c.index);
		no.textContent = String(c.index);
		label.childNodes[1].nodeValue = c.header ? `“${c.header}”` : `Column ${c.index} (no name)`;
		label.htmlFor = rid;
		label.title = name;
		samples.setAttribute('aria-label', `Sample values of “${name}”`);
		sel.id = rid;
		sel.setAttribute('aria-describedby', `${rid}-why`);
		key.id = `${rid}-key`;
		key.setAttribute('aria-label', `Custom data key for “${name}”`);
		why.id = `${rid}-why`;
		return { li, sel, key, why, samples, filled, index: c.index, name,
			text: `${c.index} ${name}`.toLowerCase() };
	}

	// A changed control or custom-data key, for any row (one listener, not
	// two a column).
	list.addEventListener('change', (e) => {
		const li = e.target.closest('.map-row');
		const r = li && rows.get(Number(li.dataset.col));
		const col = r && cols.find((x) => x.index === r.index);
		if (!col)
			return;
		if (e.target === r.sel) {
			col.to = r.sel.value;
			if (col.to === 'custom' && !col.key)
				col.key = r.name;
			chosen.set(col.index, col.to === 'custom' ? `custom:${col.key}` : col.to);
			show(col, r);
		} else if (e.target === r.key) {
			col.key = r.key.value.trim() || r.name;
			chosen.set(col.index, `custom:${col.key}`);
		} else
			return;
		ask();
	});

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

	// The rows of a new file are made a few at a time, so the window
	// answers while 600 of them are added; an answer for the same file
	// updates the rows in place.
	function build(targets) {
		const token = ++building, model = proto(targets);
		let next = 0;
		list.replaceChildren();
		const step = () => {
			if (token !== building)
				return;	// another file, or the window closed
			const frag = document.createDocumentFragment(), q = query();
			for (const end = Math.min(cols.length, next + 40); next < end; next++) {
				const c = cols[next], r = row(c, model);
				rows.set(c.index, r);
				show(c, r);
				r.li.hidden = !match(r, q);
				frag.append(r.li);
			}
			list.append(frag);
			if (next < cols.length)
				setTimeout(step, 0);
		};
		step();
	}

	function render(p) {
		answer = p;
		const sh = p.columns.map((c) => `${c.index}\u0001${c.header}`).join('\u0002');
		cols = p.columns.map((c) => ({ ...c }));
		if (sh !== shape) {
			shape = sh;
			rows = new Map();
			search.value = '';
			count.textContent = `${num(cols.length)} columns`;
			build(p.targets);
		} else {
			for (const c of cols)
				if (rows.has(c.index))
					show(c, rows.get(c.index));
		}
		tools.hidden = cols.length < FILTER_FROM;
		read.textContent = `${plural(cols.length, 'column', 'columns')}; ${readAs(p)}`;
		if (Array.isArray(p.encodings) && p.encoding) {
			const names = p.encodings.map((e) => e.name);
			const opts = names.includes(p.encoding) ? p.encodings
				: [{ name: p.encoding, label: p.encoding }, ...p.encodings];
			fill(encSelect, opts.map((e) => h('option', { value: e.name }, e.label || e.name)));
			encSelect.value = p.encoding;
			enc.hidden = false;
		}
		fill(notes, (p.notes || []).map((n) => h('li', n)));	// the server's, "as last time" included
		notes.hidden = !p.notes?.length;
		// The whole file seen and no row under its header: the import
		// would fail, so the window says so now.
		const empty = !!p.ok && file.size <= HEAD && p.rows_seen === 0;
		const ok = !!p.ok && !empty;
		problem.textContent = ok ? '' : empty ? 'The file has a header but no rows: there is nothing to import.'
			: p.problem || 'This file cannot be imported as it is mapped.';
		okLine.hidden = !ok;
		status.textContent = '';
		tell(true, ok, ok ? null : problem.textContent);
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
		if (chosen.size)
			body.append('mapping', JSON.stringify(Object.fromEntries(
				[...chosen].map(([i, t]) => [`#${i}`, t]))));
		if (encoding)
			body.append('encoding', encoding);
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
		if (r.status === 0 || r.status >= 500 || r.status === 429) {
			retry.hidden = false;	// the server's trouble, not the file's
		} else {
			cols = [];
			rows = new Map();
			shape = null;
			building++;
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
			chosen = new Map();
			answer = null;
			encoding = null;
			enc.hidden = true;
			shape = null;
			building++;
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
		encoding: () => encoding,
		stop() { ctl?.abort(); asked++; building++; },
	};
}
