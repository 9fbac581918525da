// How intake reads a header (src/columns.c, docs/import-rules.md), for the
// import window's list of columns and its preview. The server decides;
// this only warns early, from the first KB of the file.

export const COLUMNS = {
	first: 'First name', last: 'Last name', email: 'Email', phone: 'Phone',
	account: 'Account Name', domain: 'Domain', linkedin: 'Contact LinkedIn URL',
	owner: 'Contact Owner Email', pv_result: 'Phone Verification Result',
	pv_provider: 'Phone Verification Provider', phone_type: 'Phone Type',
	intent: 'Phone Intent Score', tags: 'Tags', dnt: 'Do Not Touch',
	created_at: 'Created At', updated_at: 'Updated At',
};

const ALIASES = {
	firstname: 'first', first: 'first', 'given name': 'first',
	lastname: 'last', last: 'last', surname: 'last', 'family name': 'last',
	'email address': 'email', 'e mail': 'email', 'e mail address': 'email',
	'work email': 'email', 'contact email': 'email',
	'phone number': 'phone', telephone: 'phone', mobile: 'phone',
	'mobile phone': 'phone', 'direct phone': 'phone',
	account: 'account', company: 'account', 'company name': 'account',
	organization: 'account', organisation: 'account',
	website: 'domain', 'web site': 'domain', 'company domain': 'domain',
	'company website': 'domain', 'account domain': 'domain',
	'linkedin url': 'linkedin', linkedin: 'linkedin', 'linkedin profile': 'linkedin',
	'linkedin profile url': 'linkedin', 'person linkedin url': 'linkedin',
	'contact linkedin': 'linkedin',
	'owner email': 'owner', owner: 'owner', 'contact owner': 'owner',
};

const EXPORT_ONLY = new Set(['tags', 'dnt', 'created_at', 'updated_at']);

// "  E_mail  Address" → "e mail address" (BOM, case, _ - and spaces).
export function fold(s) {
	return s.replace(/^\uFEFF/, '').split(/[\s_-]+/).filter(Boolean)
		.join(' ').toLowerCase();
}

// What a header means: { key, as: 'recognised'|'alias'|'ignored'|'custom'|'id', name }.
export function classify(header, idHeader) {
	const f = fold(header);
	if (f === fold(idHeader))
		return { key: 'id', as: 'recognised', name: idHeader };
	for (const [key, name] of Object.entries(COLUMNS))
		if (f === fold(name))
			return { key, as: EXPORT_ONLY.has(key) ? 'ignored' : 'recognised', name };
	if (f in ALIASES) {
		const key = ALIASES[f];
		return { key, as: 'alias', name: COLUMNS[key] };
	}
	return { key: null, as: 'custom', name: 'Custom data' };
}

// What each flow expects, for the window's column list.
export function expected(flow, idHeader) {
	const optional = ['email', 'phone', 'owner', 'pv_result', 'pv_provider',
		'phone_type', 'intent'].map((k) => COLUMNS[k]);
	if (flow === 'update')
		return {
			required: [idHeader],
			rule: `Every row needs the ${idHeader} column: export your contacts first, edit the file, then import it here.`,
			optional: [COLUMNS.first, COLUMNS.last, COLUMNS.account, COLUMNS.domain,
				COLUMNS.linkedin, ...optional],
		};
	return {
		required: [COLUMNS.linkedin, COLUMNS.account, COLUMNS.domain, COLUMNS.first, COLUMNS.last],
		rule: `Each row needs either a ${COLUMNS.linkedin}, or all of ${COLUMNS.account}, ${COLUMNS.domain}, ${COLUMNS.first} and ${COLUMNS.last}.`,
		optional,
	};
}

// The required columns a header lacks (empty if it is fine).
export function missing(flow, keys, idHeader) {
	const has = new Set(keys);
	if (flow === 'update')
		return has.has('id') ? [] : [idHeader];
	if (has.has('linkedin'))
		return [];
	return ['account', 'domain', 'first', 'last'].filter((k) => !has.has(k))
		.map((k) => COLUMNS[k]);
}

// Parse the complete records of a CSV prefix (RFC 4180: quotes, doubled
// quotes, commas and newlines inside quotes). The last record is dropped
// unless the text is the whole file, since it may be cut short.
export function parseHead(text, whole) {
	const rows = [];
	let row = [], field = '', q = false, i = 0;
	text = text.replace(/^\uFEFF/, '');
	for (; i < text.length; i++) {
		const c = text[i];
		if (q) {
			if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
			else if (c === '"') q = false;
			else field += c;
		} else if (c === '"') q = true;
		else if (c === ',') { row.push(field); field = ''; }
		else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[i + 1] === '\n') i++;
			row.push(field); field = '';
			if (row.some((v) => v !== '') || row.length > 1)
				rows.push(row);
			row = [];
		} else field += c;
	}
	if (whole && (field !== '' || row.length)) {
		row.push(field);
		rows.push(row);
	}
	return rows;
}
