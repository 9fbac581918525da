// The workspace's imports, polled: every 1.5 s while one is queued or
// running, every 15 s otherwise (an import may also arrive by SFTP or the
// CLI). Pages subscribe; a subscriber hears the list, and which imports
// finished since the last poll: those seen queued or running before,
// those this page started (watch), and those new since the first poll
// that had ended already (a small file may end before any poll saw it
// running).
import { api } from './api.js';

const BUSY_MS = 1500, IDLE_MS = 15000;
const subs = new Set();
let timer = null, running = false, last = new Map(), list = [], primed = false;
const watched = new Set();

export const busy = (i) => i.state === 'queued' || i.state === 'running';

async function poll() {
	clearTimeout(timer);
	const r = await api('/api/imports?limit=50');
	if (!running)
		return;
	let finished = [];
	if (r.status === 200) {
		list = r.body.imports;
		// Ended since the last poll: seen busy then, started here, or
		// new since the first poll and ended already (a small file
		// dropped by SFTP, or one that failed at once).
		finished = list.filter((i) => !busy(i) && (watched.has(i.id) ||
			(last.has(i.id) ? busy(last.get(i.id)) : primed)));
		primed = true;
		for (const i of finished)
			watched.delete(i.id);
		last = new Map(list.map((i) => [i.id, i]));
		for (const fn of subs)
			fn(list, finished);
	}
	timer = setTimeout(poll, list.some(busy) ? BUSY_MS : IDLE_MS);
}

export const feed = {
	start() { if (!running) { running = true; poll(); } },
	stop() { running = false; clearTimeout(timer); last = new Map(); list = []; watched.clear(); primed = false; },
	// An import this page started: its end is told even if no poll saw
	// it running.
	watch(id) { if (id) watched.add(id); },
	// Poll now (after an upload).
	now() { if (running) poll(); },
	subscribe(fn) {
		subs.add(fn);
		if (list.length || last.size)
			fn(list, []);
		return () => subs.delete(fn);
	},
	get list() { return list; },
};

// Rows per second and time left of a running import.
export function speed(i) {
	const t0 = Date.parse(i.started_at || '');
	const t1 = i.state === 'running' ? Date.now() : Date.parse(i.updated_at || i.finished_at || '');
	const secs = (t1 - t0) / 1000;
	if (!(secs > 0) || !i.rows_processed)
		return { rate: null, left: null };
	const rate = i.rows_processed / secs;
	const left = i.rows_total ? (i.rows_total - i.rows_processed) / rate : null;
	return { rate, left };
}

// Fraction done: rows when the total is known, else bytes.
export function fraction(i) {
	if (i.state === 'done')
		return 1;
	if (i.rows_total)
		return Math.min(1, i.rows_processed / i.rows_total);
	if (i.bytes_total)
		return Math.min(1, (i.bytes_processed || 0) / i.bytes_total);
	return 0;
}
