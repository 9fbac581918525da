// Telling the user an import ended, on whatever page they are: a notice
// with its counts (or why it failed) and a link to its page; and, while
// the tab is in the background, the page title says it too (and how far
// a running import is), until the tab is looked at again.
import { h, notice, num } from './dom.js';
import { feed, busy, fraction } from './feed.js';
import { summary } from './tasks.js';

let base = 'intake', unseen = null, unsub = null;

function show() {
	if (document.hidden && unseen) {
		document.title = `${unseen} · ${base}`;
		return;
	}
	const run = feed.list.filter(busy);
	if (document.hidden && run.length) {
		const pc = Math.round(100 * run.reduce((n, i) => n + fraction(i), 0) / run.length);
		document.title = `${run.every((i) => i.review) ? 'Reviewing' : 'Importing'} ${pc}% · ${base}`;
		return;
	}
	document.title = base === 'intake' ? base : `${base} · intake`;
}

// The page's own title ("Contacts"), which the notices prefix.
export function title(page) {
	base = page || 'intake';
	show();
}

function told(i) {
	const link = h('a.link', { href: `#/tasks/${encodeURIComponent(i.id)}` }, i.review ? 'View review' : 'View import');
	const file = i.file || 'the file';
	if (i.review) {
		if (i.state === 'failed') {
			notice('error', h('strong', `Review of ${file} failed`),
				h('span.toast-line', i.message || 'It stopped without saying why.'), link);
			return `Review failed: ${file}`;
		}
		notice('ok', h('strong', `Review of ${file} finished`),
			h('span.toast-line', `Nothing written: ${summary(i)}`), link);
		return `Review done: ${file}`;
	}
	if (i.state === 'failed') {
		notice('error', h('strong', `Import of ${file} failed`),
			h('span.toast-line', i.message || 'It stopped without saying why.'), link);
		return `Import failed: ${file}`;
	}
	const rejected = (i.skipped || 0) + (i.failed || 0);
	notice(rejected ? 'warn' : 'ok', h('strong', `Import of ${file} finished`),
		h('span.toast-line', `${summary(i)}${i.warnings ? ` · ${num(i.warnings)} warning${i.warnings === 1 ? '' : 's'}` : ''}`),
		i.from_review && i.differs > 0 ? h('span.toast-line', i.differs_message || `${num(i.differs)} rows came out differently from the review`) : null,
		link);
	return `Import done: ${file}`;
}

export const notices = {
	start() {
		if (unsub)
			return;
		unsub = feed.subscribe((list, finished) => {
			for (const i of finished) {
				const t = told(i);
				if (document.hidden)
					unseen = t;
			}
			show();
		});
	},
	stop() { unsub?.(); unsub = null; unseen = null; base = 'intake'; show(); },
};

document.addEventListener('visibilitychange', () => {
	if (!document.hidden)
		unseen = null;
	show();
});
