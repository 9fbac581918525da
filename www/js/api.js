// Talking to intake-fcgi. State-changing requests carry the session's
// CSRF token in X-CSRF-Token; the server checks it (and the role) anyway.
export const state = { session: null };

export async function api(path, opts = {}) {
	const o = { credentials: 'same-origin', ...opts, headers: { ...(opts.headers || {}) } };
	if (o.method && o.method !== 'GET' && state.session)
		o.headers['X-CSRF-Token'] = state.session.csrf_token;
	if (o.json !== undefined) {
		o.headers['Content-Type'] = 'application/json';
		o.body = JSON.stringify(o.json);
		delete o.json;
	}
	let r;
	try {
		r = await fetch(path, o);
	} catch {
		return { status: 0, body: { message: 'The server cannot be reached' } };
	}
	const body = r.status === 204 ? null : await r.json().catch(() => null);
	if (r.status === 401 && path !== '/api/session' && path !== '/api/login')
		window.dispatchEvent(new Event('intake:logout'));
	return { status: r.status, body, headers: r.headers };
}

// The upload of an import, with progress (fetch has no upload progress).
export function upload(form, onprogress, onstart) {
	return new Promise((resolve) => {
		const x = new XMLHttpRequest();
		x.open('POST', '/api/imports');
		x.setRequestHeader('X-CSRF-Token', state.session.csrf_token);
		x.responseType = 'json';
		x.upload.onprogress = (e) => e.lengthComputable && onprogress(e.loaded, e.total);
		x.onload = () => resolve({ status: x.status, body: x.response });
		x.onerror = () => resolve({ status: 0, body: { message: 'The upload was interrupted' } });
		x.onabort = () => resolve({ status: 0, body: null });
		onstart?.(x);
		x.send(form);
	});
}

export const canEdit = () => state.session?.mode === 'edit';
