// The columns each import flow expects, for the import window's Columns
// guide. The server decides how a file is read and mapped (the window
// asks POST /api/imports/preview); this is only the list shown beside it.

export const COLUMNS = {
	first: 'First name', last: 'Last name', email: 'Email', phone: 'Phone',
	account: 'Account Name', domain: 'Domain', linkedin: 'Contact LinkedIn URL',
	owner: 'Contact Owner Email', pv_result: 'Phone Verification Result',
	pv_provider: 'Phone Verification Provider', phone_type: 'Phone Type',
	intent: 'Phone Intent Score', tags: 'Tags', dnt: 'Do Not Touch',
};

// What each flow expects: { required, rule, optional }.
export function expected(flow, idHeader) {
	const optional = ['email', 'phone', 'owner', 'pv_result', 'pv_provider',
		'phone_type', 'intent', 'tags', 'dnt'].map((k) => COLUMNS[k]);
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
