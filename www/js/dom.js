// Building the page. Every piece of data goes in as text (textContent or
// a Text node), never as HTML: a contact named <img src=x onerror=...>
// shows exactly that.

// h('tag.class', {attr: value, onclick: fn}, child, ...): an element.
// Children are nodes or strings (made text nodes); null/false are skipped.
export function h(spec, attrs, ...children) {
	const [tag, ...classes] = spec.split('.');
	const el = document.createElement(tag || 'div');
	if (classes.length)
		el.className = classes.join(' ');
	if (attrs && (typeof attrs !== 'object' || attrs instanceof Node ||
	    Array.isArray(attrs))) {
		children.unshift(attrs);
		attrs = null;
	}
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false)
			continue;
		if (k.startsWith('on') && typeof v === 'function')
			el.addEventListener(k.slice(2), v);
		else if (k === 'class')
			el.className = v;
		else if (k === 'dataset')
			Object.assign(el.dataset, v);
		else if (k === 'text')
			el.textContent = v;
		else if (k in el && typeof v !== 'string')
			el[k] = v;
		else
			el.setAttribute(k, v === true ? '' : String(v));
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const c of children.flat(Infinity)) {
		if (c === null || c === undefined || c === false)
			continue;
		el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
}

// Replace an element's children.
export function fill(el, ...children) {
	el.replaceChildren();
	append(el, children);
	return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);

const nf = new Intl.NumberFormat('en');
export const num = (n) => (n === null || n === undefined ? '–' : nf.format(n));

// "2026-11-25T14:07:00Z" or "2026-11-25 14:07:00" (UTC) as a Date.
export function date(s) {
	if (!s)
		return null;
	const iso = s.includes('T') ? s : s.replace(' ', 'T');
	const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : iso + 'Z');
	return isNaN(d) ? null : d;
}

export function when(s) {
	const d = date(s);
	if (!d)
		return '';
	const secs = (Date.now() - d.getTime()) / 1000;
	if (secs < 45)
		return 'just now';
	if (secs < 3600)
		return `${Math.round(secs / 60)} min ago`;
	if (secs < 86400)
		return `${Math.round(secs / 3600)} h ago`;
	return d.toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric' });
}

export function day(s) {
	const d = date(s);
	return d ? d.toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric' }) : '';
}

export function duration(secs) {
	if (!isFinite(secs) || secs < 0)
		return '';
	if (secs < 60)
		return `${Math.max(1, Math.round(secs))} s`;
	if (secs < 3600)
		return `${Math.round(secs / 60)} min`;
	return `${Math.floor(secs / 3600)} h ${Math.round((secs % 3600) / 60)} min`;
}

// A screen-reader announcement and a visible toast; a newer one takes
// the place of the one before (two "Import started" toasts only stacked
// over the page at 390 px).
export function toast(text, kind = 'ok') {
	const box = $('#toasts');
	const t = h(`div.toast.${kind}`, { role: kind === 'error' ? 'alert' : 'status' }, text);
	for (const old of box.querySelectorAll('.toast:not(.notice)'))
		old.remove();
	box.append(t);
	setTimeout(() => t.remove(), 6000);
}

// A notice that stays until closed (or a minute has passed): what an
// import did, with a link to it. The newest three are kept.
export function notice(kind, ...children) {
	const box = $('#toasts');
	const close = h('button.toast-x', { type: 'button', 'aria-label': 'Dismiss' }, '×');
	const t = h(`div.toast.notice.${kind}`, { role: kind === 'error' ? 'alert' : 'status' },
		h('div.toast-text', children), close);
	close.addEventListener('click', () => t.remove());
	box.append(t);
	while (box.querySelectorAll('.notice').length > 3)
		box.querySelector('.notice').remove();
	setTimeout(() => t.remove(), 60000);
	return t;
}
