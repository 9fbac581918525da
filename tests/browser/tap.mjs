// The browser tests' reporting: `ok - ...` / `not ok - ...` lines (the
// integration scripts count them), a check that turns a throw into a
// not ok, and how many failed, for the exit code.
let failures = 0;

export function ok(what) { console.log(`ok - ${what}`); }
export function notOk(what, why) {
	failures++;
	console.log(`not ok - ${what}`);
	if (why) console.log(`#   ${String(why).split('\n')[0]}`);
}
export async function check(what, fn) {
	try {
		const r = await fn();
		if (r === false) notOk(what, 'false');
		else ok(what);
	} catch (e) {
		notOk(what, e.message);
	}
}
export function eq(a, b) {
	if (a !== b) throw new Error(`expected [${b}], got [${a}]`);
}
export function failed() { return failures; }
