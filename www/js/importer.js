// The import windows, "Create Contacts with import" and "Update Contacts
// with import": choose a CSV (drop or Upload), see how the server reads
// it and choose what each column becomes (mapping.js), pick tags,
// workflow, what to do with existing contacts, DNT and owners, then
// upload it with progress, as an import or as a review ("Review first":
// the whole file read with the same options and mapping, nothing
// written; its page then shows what the import would do). A modal <dialog>: the rest of the
// page is inert, Tab stays inside, Escape and Close cancel and give focus
// back to what opened it. An option that would do nothing with the
// others chosen says so as it is chosen.
import { api, upload, state } from './api.js';
import { h, fill, num, toast } from './dom.js';
import { feed } from './feed.js';
import { expected } from './columns.js';
import { mappingStep } from './mapping.js';

const TITLES = { create: 'Create Contacts with import', update: 'Update Contacts with import' };

let seq = 0;

// Chips for tags: pick an existing one or type a new one (Enter or comma
// adds it; Backspace in the empty field removes the last chip).
function tagPicker(existing) {
	const id = `tags-${++seq}`;
	const chosen = [];
	const chips = h('span.chips');
	const list = h('ul.listbox', { role: 'listbox', id: `${id}-list`, hidden: true, 'aria-label': 'Tags' });
	const input = h('input', { id, type: 'text', role: 'combobox', autocomplete: 'off',
		'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': `${id}-list`,
		placeholder: 'Pick a tag or type a new one' });
	let options = [], active = -1;

	const has = (n) => chosen.some((c) => c.toLowerCase() === n.toLowerCase());
	function render() {
		fill(chips, chosen.map((t) => h('span.chip.removable', t,
			h('button.chip-x', { type: 'button', 'aria-label': `Remove tag ${t}`,
				onclick: () => { chosen.splice(chosen.indexOf(t), 1); render(); input.focus(); } }, '×'))));
	}
	// After a tag is added the list stays shut until the user types or
	// asks for it (ArrowDown): open, it would cover what comes next.
	function add(name, keepOpen) {
		name = name.replace(/\s+/g, ' ').trim();
		if (!name || name.length > 128 || has(name))
			return;
		const known = existing.find((t) => t.name.toLowerCase() === name.toLowerCase());
		chosen.push(known ? known.name : name);
		input.value = '';
		render();
		if (keepOpen)
			suggest();
		else
			shut();
	}
	function shut() {
		list.hidden = true;
		input.setAttribute('aria-expanded', 'false');
		input.removeAttribute('aria-activedescendant');
		active = -1;
	}
	function suggest() {
		const text = input.value.trim(), lower = text.toLowerCase();
		options = existing.filter((t) => !has(t.name) && t.name.toLowerCase().includes(lower))
			.slice(0, 8).map((t) => ({ name: t.name, label: t.name, hint: `${num(t.contacts)} contacts` }));
		if (text && !existing.some((t) => t.name.toLowerCase() === lower) && !has(text))
			options.push({ name: text, label: `Create tag “${text}”`, hint: 'new' });
		active = options.length && text ? 0 : -1;
		const open = document.activeElement === input && options.length > 0;
		list.hidden = !open;
		input.setAttribute('aria-expanded', String(open));
		fill(list, options.map((o, n) => h('li', { role: 'option', id: `${id}-o${n}`,
			'aria-selected': String(n === active), class: n === active ? 'active' : '',
			onmousedown: (e) => { e.preventDefault(); add(o.name, true); } },
		h('span', o.label), h('span.muted.small', o.hint))));
		if (active >= 0) input.setAttribute('aria-activedescendant', `${id}-o${active}`);
		else input.removeAttribute('aria-activedescendant');
	}
	function move(d) {
		if (!options.length)
			return;
		active = (active + d + options.length) % options.length;
		[...list.children].forEach((li, n) => {
			li.classList.toggle('active', n === active);
			li.setAttribute('aria-selected', String(n === active));
		});
		input.setAttribute('aria-activedescendant', `${id}-o${active}`);
	}
	input.addEventListener('input', () => {
		if (input.value.includes(',')) {
			input.value.split(',').slice(0, -1).forEach(add);
			input.value = input.value.split(',').pop();
		}
		suggest();
	});
	input.addEventListener('focus', suggest);
	input.addEventListener('blur', shut);
	input.addEventListener('keydown', (e) => {
		if (e.key === 'ArrowDown') { if (list.hidden) suggest(); move(1); }
		else if (e.key === 'ArrowUp') move(-1);
		else if (e.key === 'Enter') {
			if (active >= 0 && !list.hidden) add(options[active].name);
			else if (input.value.trim()) add(input.value);
			else return;
		} else if (e.key === 'Escape' && !list.hidden) {
			shut();
			e.stopPropagation();
		} else if (e.key === 'Backspace' && input.value === '' && chosen.length) {
			chosen.pop();
			render();
			return;
		} else return;
		e.preventDefault();
	});
	const el = h('div.tag-picker', { onclick: (e) => { if (e.target === el) input.focus(); } }, chips, input, list);
	return { el, input, values: () => chosen.slice(), flush: () => add(input.value) };
}

// A radio or switch with its label, and a one-line explanation that
// assistive technology reads as its description.
function choice(type, name, value, label, hint, checked) {
	const id = `${name}-${value}-${++seq}`;
	const input = h('input', { type, name, value, id, checked,
		role: type === 'checkbox' ? 'switch' : null,
		'aria-describedby': hint ? `${id}-hint ${id}-note` : `${id}-note` });
	return h(type === 'checkbox' ? 'div.toggle' : 'div.choice', input,
		h('div.choice-text', h('label.choice-title', { for: id }, label),
			hint ? h('span.choice-hint', { id: `${id}-hint` }, hint) : null,
			h('span.choice-note', { id: `${id}-note`, 'aria-live': 'polite' })));
}
const radio = (name, value, label, hint, checked) => choice('radio', name, value, label, hint, checked);
const toggle = (name, label, hint) => choice('checkbox', name, '1', label, hint, false);

// The columns this flow expects, beside the form.
function columnGuide(flow, idHeader) {
	const ex = expected(flow, idHeader);
	return h('aside.guide', { 'aria-labelledby': 'guide-title' },
		h('h3', { id: 'guide-title' }, 'Columns'),
		h('h4', 'Required'),
		h('p.small', ex.rule),
		h('ul.colnames', ex.required.map((c) => h('li', h('code', c)))),
		h('h4', 'Optional'),
		h('ul.colnames', ex.optional.map((c) => h('li', h('code', c)))),
		h('p.small.muted', 'Once you choose a file, each of its columns is listed with what it will become: change any of them. Columns not recognised are kept on each contact as custom data: nothing in your file is lost unless you choose to ignore it.'),
		flow === 'create' ? h('p.small', h('a.link', { href: 'sample-contacts.csv', download: '' }, 'Download a sample CSV'))
			: h('p.small', h('a.link', { href: '/api/contacts/export.csv', download: '' }, 'Export your contacts')));
}

// The upload was accepted: say so, and have the feed tell when it ends.
// A review's page opens: that is where its findings are.
function started(res, review) {
	toast(review ? 'Review started. Reading the whole file…' : 'Import started. Processing contacts…');
	feed.watch(res?.id);
	feed.now();
	if (review && res?.id)
		location.hash = `#/tasks/${encodeURIComponent(res.id)}`;
}

// openImport(flow, opener): opener (the Add new button, say) gets the
// focus back when the window closes.
export async function openImport(flow, opener) {
	const idHeader = state.session.id_header || 'EG-CON-ID';
	const [tags, wf] = await Promise.all([api('/api/tags'), api('/api/workflows')]);
	const existing = tags.body?.tags || [];
	const workflows = wf.body?.workflows || [];
	const def = wf.body?.default;
	let file = null, xhr = null;

	const fileInput = h('input.visually-hidden', { type: 'file', id: `file-${++seq}`, accept: '.csv,text/csv', tabindex: '-1' });
	const fileError = h('p.error', { role: 'alert' });
	const chosen = h('div.chosen', { hidden: true });
	const reason = h('p.reason', { id: `reason-${++seq}`, role: 'status' });
	// Import waits for the server's answer and stays off while the file
	// would fail, saying why.
	const step = mappingStep(flow, ({ ok, reason: why }) => {
		importBtn.disabled = reviewBtn.disabled = !ok;
		reason.textContent = ok ? '' : why || '';
	});
	const uploadBtn = h('button.btn', { type: 'button', onclick: () => fileInput.click() }, 'Upload');
	const drop = h('label.dropzone', { for: fileInput.id },
		h('span.drop-icon', { 'aria-hidden': 'true' }, '⇪'),
		h('span.drop-title', 'Drag your CSV file here'),
		h('span.muted', 'or'));
	const dropWrap = h('div.drop-wrap', drop, uploadBtn, fileInput);
	const picker = tagPicker(existing);
	const wfSelect = h('select', { id: `wf-${++seq}`, 'aria-label': 'Workflow', disabled: true },
		workflows.map((w) => h('option', { value: String(w.id) }, w.name)));
	let defName = def ? def.name : null;
	const wfDefault = radio('workflow', 'default', `Default (${defName || 'none'})`, null, true);
	const wfSelectRadio = radio('workflow', 'select', 'Select workflow', null, false);
	wfSelectRadio.querySelector('input').disabled = workflows.length === 0;
	wfSelectRadio.append(wfSelect);
	const progressFill = h('div.bar-fill');
	const progress = h('div.upload-progress', { hidden: true },
		h('div.bar', { role: 'progressbar', 'aria-label': 'Upload progress', 'aria-valuemin': '0', 'aria-valuemax': '100' }, progressFill),
		h('span.muted.small'));
	const formError = h('p.error', { role: 'alert' });
	const importBtn = h('button.btn.primary', { type: 'submit', 'aria-describedby': reason.id }, 'Import');
	// Review first: the same upload, with review=true; the same checks.
	const reviewHint = h('span.visually-hidden', { id: `review-hint-${++seq}` },
		'Reads the whole file and shows what the import would do, writing nothing');
	const reviewBtn = h('button.btn', { type: 'button', 'aria-describedby': `${reason.id} ${reviewHint.id}`,
		title: 'Read the whole file and show what the import would do, without writing anything' }, 'Review first');
	const closeBtn = h('button.btn', { type: 'button' }, 'Close');

	const form = h('form.import-form', { novalidate: true },
		h('div.modal-body',
			h('div.modal-main',
				h('section.file-step', { 'aria-label': 'File' }, dropWrap, fileError, chosen, step.el),
				h('div.field', h('label', { for: picker.input.id }, 'Tags'), picker.el,
					h('p.hint', 'Added to every contact this import creates or updates. New tags are created.')),
				h('fieldset', h('legend', 'Workflow'), wfDefault, wfSelectRadio,
					// Beside the window, not instead of it: the file and
					// the choices stay.
					h('a.link.small', { href: '#/settings', target: '_blank', rel: 'noopener' }, 'Default workflows settings',
						h('span.visually-hidden', ' (opens in a new tab)'))),
				h('fieldset', h('legend', 'If an contact already exists'),
					radio('on_existing', 'skip', 'Skip it', 'Do not update existing contact information', flow === 'create'),
					radio('on_existing', 'update', 'Update existing contact information', 'Non-empty cells overwrite; empty cells never erase', flow === 'update'),
					radio('on_existing', 'duplicate', 'Create a new duplicate contact', 'Keep the existing contact and add another one')),
				h('div.toggles',
					toggle('dnt', 'Add to Do Not Touch (DNT)', 'Flag every imported contact so no workflow ever contacts them.'),
					toggle('override_owners', 'Override existing contact owners', 'Existing contacts get the owner from the file (or you), not keep their own.'))),
			columnGuide(flow, idHeader)),
		h('footer.modal-foot', progress, formError, reason, h('div.buttons', closeBtn, reviewBtn, importBtn), reviewHint));

	const dlg = h('dialog.modal', { 'aria-labelledby': 'import-title', 'aria-modal': 'true' },
		h('header.modal-head', h('h2', { id: 'import-title' }, TITLES[flow]),
			h('button.icon-btn', { type: 'button', 'aria-label': 'Close', onclick: () => close() }, '×')),
		form);

	function close() {
		if (xhr) xhr.abort?.();
		dlg.close();
	}
	dlg.addEventListener('close', () => {
		step.stop();
		dlg.remove();
		window.removeEventListener('focus', refresh);
		const back = opener?.isConnected ? opener : document.getElementById('add-new');
		back?.focus();
	});
	// Back from the settings tab: the default may have changed.
	async function refresh() {
		const r = await api('/api/workflows');
		if (r.status !== 200 || !dlg.open)
			return;
		defName = r.body.default ? r.body.default.name : null;
		wfDefault.querySelector('label').textContent = `Default (${defName || 'none'})`;
		notes();
	}
	window.addEventListener('focus', refresh);
	closeBtn.addEventListener('click', close);
	// Tab and Shift-Tab wrap inside the window.
	dlg.addEventListener('keydown', (e) => {
		if (e.key !== 'Tab')
			return;
		const f = [...dlg.querySelectorAll('a[href], button, input, select, textarea')]
			.filter((x) => !x.disabled && x.tabIndex >= 0 && x.offsetParent !== null);
		if (!f.length) return;
		const first = f[0], last = f[f.length - 1];
		if (e.shiftKey && document.activeElement === first) { last.focus(); e.preventDefault(); }
		else if (!e.shiftKey && document.activeElement === last) { first.focus(); e.preventDefault(); }
	});
	for (const r of form.querySelectorAll('input[name=workflow]'))
		r.addEventListener('change', () => { wfSelect.disabled = form.workflow.value !== 'select'; });

	// Options that do nothing with the others chosen, said beside them.
	const noteOf = (name) => form.querySelector(`input[name=${name}]`).closest('.toggle').querySelector('.choice-note');
	function notes() {
		const wf = form.workflow.value === 'select'
			? wfSelect.selectedOptions[0]?.textContent : defName;
		noteOf('dnt').textContent = form.dnt.checked && wf
			? `Nobody from this import will be queued to ${wf}: Do Not Touch contacts are never enrolled.` : '';
		noteOf('override_owners').textContent = form.override_owners.checked && form.on_existing.value === 'skip'
			? 'Does nothing with “Skip it”: existing contacts are left as they are. Choose “Update existing contact information” to change their owners.' : '';
	}
	form.addEventListener('change', notes);

	function choose(f) {
		fileError.textContent = '';
		if (!f)
			return;
		if (!/\.csv$/i.test(f.name)) {
			file = null;
			fileError.textContent = `Only .csv files can be imported: “${f.name}” is not a CSV file.`;
			chosen.hidden = true;
			step.setFile(null);
			importBtn.disabled = reviewBtn.disabled = false;
			reason.textContent = '';
			return;
		}
		file = f;
		dropWrap.classList.add('has-file');	// smaller: room for the columns
		chosen.hidden = false;
		fill(chosen, h('span.file-icon', { 'aria-hidden': 'true' }, 'CSV'),
			h('span.file-name', f.name), h('span.muted.small', `${num(Math.ceil(f.size / 1024))} KB`));
		step.setFile(f);
	}
	fileInput.addEventListener('change', () => choose(fileInput.files[0]));
	for (const ev of ['dragenter', 'dragover'])
		drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add('over'); });
	for (const ev of ['dragleave', 'drop'])
		drop.addEventListener(ev, () => drop.classList.remove('over'));
	drop.addEventListener('drop', (e) => { e.preventDefault(); choose(e.dataTransfer.files[0]); });

	form.addEventListener('submit', (e) => {
		e.preventDefault();
		send(false);
	});
	reviewBtn.addEventListener('click', () => send(true));

	// Upload the file with the options chosen, as an import or a review.
	async function send(review) {
		formError.textContent = '';
		if (!file) {
			fileError.textContent = 'Choose a CSV file to import.';
			uploadBtn.focus();
			return;
		}
		if (importBtn.disabled || reviewBtn.disabled)
			return;
		picker.flush();
		const body = new FormData();
		body.append('flow', flow);
		body.append('on_existing', form.on_existing.value);
		body.append('workflow', form.workflow.value === 'select' ? wfSelect.value : 'default');
		for (const t of picker.values())
			body.append('tags', t);
		if (form.dnt.checked) body.append('dnt', '1');
		if (form.override_owners.checked) body.append('override_owners', '1');
		// What the window showed, column by column, before the file part.
		const mapping = step.mapping();
		if (mapping)
			body.append('mapping', JSON.stringify(mapping));
		if (step.encoding())
			body.append('encoding', step.encoding());
		if (review)
			body.append('review', 'true');
		body.append('file', file, file.name);
		importBtn.disabled = reviewBtn.disabled = true;
		progress.hidden = false;
		const r = await upload(body, (done, total) => {
			const pc = Math.round((100 * done) / total);
			progressFill.style.width = `${pc}%`;
			progress.firstChild.setAttribute('aria-valuenow', String(pc));
			progress.lastChild.textContent = `Uploading… ${pc}%`;
		}, (x) => { xhr = x; });
		xhr = null;
		importBtn.disabled = reviewBtn.disabled = !!reason.textContent;
		if (r.status === 202) {
			dlg.close();
			started(r.body, review);
			return;
		}
		progress.hidden = true;
		if (r.status !== 0 || dlg.open)
			formError.textContent = r.body?.message || `The upload failed (${r.status}).`;
	}

	document.body.append(dlg);
	dlg.showModal();
	uploadBtn.focus();
}
