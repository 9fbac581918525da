/*
 * Writing contacts: the account a row belongs to, a new contact, an update
 * of a matched one, and what follows (tags, the workflow). All of it runs
 * inside the batch's transaction; new contacts get the import's tags and
 * their enrolment after it (link.c), their row's own tags in it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchd.h"

#define CONTACT_CACHE_MAX	16384	/* slots; emptied when half full */

/* A small open-addressing cache of domain → account id, for the import. */
struct import_acct {
	char		*domain;
	long long	 id;
};

static unsigned long
contact_hash(const char *s)
{
	unsigned long	h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return (h);
}

void
contact_cache_free(struct acctcache *c)
{
	size_t	i;

	if (c->slots == NULL)
		return;
	for (i = 0; i < CONTACT_CACHE_MAX; i++)
		free(c->slots[i].domain);
	free(c->slots);
	c->slots = NULL;
	c->n = 0;
}

/* Find a domain in the cache: its slot, holding the id or empty. */
static struct import_acct *
contact_cached(struct acctcache *c, const char *domain)
{
	struct import_acct	*a;
	size_t			 i;

	if (c->slots == NULL || c->n >= CONTACT_CACHE_MAX / 2) {
		contact_cache_free(c);
		c->slots = xcalloc(CONTACT_CACHE_MAX, sizeof *c->slots);
	}
	i = contact_hash(domain) % CONTACT_CACHE_MAX;
	while ((a = &c->slots[i])->domain != NULL) {
		if (strcmp(a->domain, domain) == 0)
			return (a);
		i = (i + 1) % CONTACT_CACHE_MAX;
	}
	return (a);
}

static void
contact_cache_put(struct acctcache *c, struct import_acct *a,
    const char *domain, long long id)
{
	a->domain = xstrdup(domain);
	a->id = id;
	c->n++;
}

/* The account of domain in the workspace, made with name if there is
 * none (an existing account's name is never changed): its id, -1 on
 * error. */
static long long
contact_account_make(struct import *im, struct dbstmt *s,
    const char *domain, const char *name)
{
	db_bind_int(s, 0, im->ws_id);
	db_bind_str(s, 1, name ? name : domain);
	db_bind_str(s, 2, domain);
	if (db_exec(s) == -1)
		return (-1);
	return (db_insert_id(s));
}

/* The workspace's account for a domain, without creating one: its id, 0
 * if there is none, -1 on error. */
long long
contact_account_find(struct import *im, const char *domain)
{
	struct import_acct	*a = contact_cached(&im->accts, domain);
	long long		 id = 0;

	if (a->domain != NULL)
		return (a->id);
	db_bind_int(im->s_acct_find, 0, im->ws_id);
	db_bind_str(im->s_acct_find, 1, domain);
	if (db_exec(im->s_acct_find) == -1)
		return (-1);
	if (db_fetch(im->s_acct_find) == 1) {
		id = db_col_int(im->s_acct_find, 0);
		contact_cache_put(&im->accts, a, domain, id);
	}
	return (id);
}

/* The account for a domain: found in the workspace, or created with the
 * row's account name (or the domain, when the row names none). An existing
 * account's name is never changed. */
long long
contact_account(struct import *im, const char *domain, const char *name)
{
	struct import_acct	*a = contact_cached(&im->accts, domain);
	long long		 id;

	if (a->domain != NULL)
		return (a->id);
	if ((id = contact_account_make(im, im->s_account, domain, name)) == -1)
		return (-1);
	contact_cache_put(&im->accts, a, domain, id);
	return (id);
}

/* Does row br create a contact, whatever the rows before it do? *maybe
 * is set once a row may update one (the rows after it are then matched
 * again, and may find someone). */
static int
contact_ahead_creates(struct import *im, struct batchrow *br, int *maybe)
{
	const struct rowv	*rv = &br->rv;

	if (im->m.on_existing != EXISTING_DUPLICATE &&
	    (!br->snap || br->collide || br->m.n > 0)) {
		if (im->m.on_existing == EXISTING_UPDATE)
			*maybe = 1;
		return (0);
	}
	return (!*maybe && rv->first != NULL && rv->last != NULL &&
	    rv->account != NULL && rv->domain != NULL);
}

/* The slot of domain in a small set of domains (open addressing). */
static const char **
contact_domain_slot(const char **set, size_t n, const char *domain)
{
	size_t	j = contact_hash(domain) % n;

	while (set[j] != NULL && strcmp(set[j], domain) != 0)
		j = (j + 1) % n;
	return (&set[j]);
}

/*
 * Make the accounts of the next batch's new contacts ahead, on the
 * reader's connection, while the batch before it is written (reader.c):
 * off the writer's path, which otherwise makes them one statement each.
 * They are committed together, before the batch is written, and made as
 * the rows would have made them: only for a domain whose first row in
 * the batch certainly creates a contact (its snapshot found no one, no
 * row before it may update anything), named by that row; not for a
 * domain a row of the batch being written has (that row comes first,
 * and may name it). The row gets the id in rv.acct_id. -1 if the
 * database failed.
 */
int
contact_ahead(struct import *im)
{
	struct batchrow		*br;
	struct import_acct	*a;
	const char		**set, **slot;	/* domains not to make */
	size_t			 i, n;
	long long		 id;
	int			 maybe = 0, open = 0, r = -1;

	if (im->m.flow != FLOW_CREATE)
		return (0);
	for (n = 16; n < 4 * (im->batch->n + im->next->n); n *= 2)
		;
	set = xcalloc(n, sizeof *set);
	for (i = 0; i < im->batch->n; i++) {
		br = &im->batch->rows[i];
		if (br->rvok && br->rv.domain != NULL)
			*contact_domain_slot(set, n, br->rv.domain) =
			    br->rv.domain;
	}
	for (i = 0; i < im->next->n; i++) {
		br = &im->next->rows[i];
		if (!br->rvok || br->rv.domain == NULL)
			continue;
		slot = contact_domain_slot(set, n, br->rv.domain);
		if (!contact_ahead_creates(im, br, &maybe)) {
			/* it comes first, and may name the account */
			*slot = br->rv.domain;
			continue;
		}
		if (*slot != NULL)
			continue;
		if ((a = contact_cached(&im->raccts, br->rv.domain))->domain ==
		    NULL) {
			/* one commit for the batch's, not one each */
			if (!open && db_begin(im->rdb) == -1)
				goto out;
			open = 1;
			if ((id = contact_account_make(im, im->s_raccount,
			    br->rv.domain, br->rv.account)) == -1)
				goto out;
			contact_cache_put(&im->raccts, a, br->rv.domain, id);
		}
		br->rv.acct_id = a->id;
	}
	if (open && db_commit(im->rdb) == -1)
		goto out;
	r = 0;
out:
	/* (on failure the import ends, and the reader's cache with it) */
	if (r == -1 && open)
		db_rollback(im->rdb);
	free(set);
	return (r);
}

/* Bind an optional integer: < 0 is NULL. */
static void
contact_bind_opt(struct dbstmt *s, unsigned i, long long v)
{
	if (v < 0)
		db_bind_null(s, i);
	else
		db_bind_int(s, i, v);
}

/* A queued write failed: say whether the server refused the values (the
 * batch is then written again row by row) or is in trouble. -1. */
static int
contact_failed(struct import *im, struct bulk *b)
{
	unsigned	e = bulk_errno(b);

	if (db_refused(e))
		im->refused = 1;
	return (-1);
}

/*
 * The contacts writes, made from lib.h's COLUMNS_TABLE: each column whose
 * write is not NONE, in the table's order, then the custom data. The
 * statements are string literals (tests/sqlcheck.pl expands the table),
 * and their values are bound in that same order (contact_bind), so no
 * position is counted by hand.
 */
/* x, for a column a new contact has (its write is not NONE) */
#define CONTACT_NEW_NONE(x)
#define CONTACT_NEW_NEW(x)	x
#define CONTACT_NEW_GIVEN(x)	x
#define CONTACT_NEW_PHONE(x)	x
#define CONTACT_NEW_FLAG(x)	x
#define CONTACT_INS_COL(name, header, sql, read, write, type, cmp, out) \
	CONTACT_NEW_##write(sql ", ")
#define CONTACT_INS_ARG(name, header, sql, read, write, type, cmp, out) \
	CONTACT_NEW_##write("?, ")
#define CONTACT_INS_TYPE(name, header, sql, read, write, type, cmp, out) \
	CONTACT_NEW_##write(CONTACT_CH_##type)

#define CONTACT_INSERT_COLS						\
	"INSERT INTO contacts (workspace_id, "				\
	COLUMNS_TABLE(CONTACT_INS_COL) "custom, created_by_import) "
#define CONTACT_INSERT							\
	CONTACT_INSERT_COLS "VALUES (?, " COLUMNS_TABLE(CONTACT_INS_ARG)	\
	"?, ?)"
/* its bulk types: the workspace, the columns, custom, the import */
#define CONTACT_INSERT_TYPES	"i" COLUMNS_TABLE(CONTACT_INS_TYPE) "ss"

/* An update of a matched contact, by the column's write: empty cells
 * (NULL) never erase; DNT is only ever set; a phone that is the same
 * number as a spreadsheet writes it is kept as it was (the subquery
 * names the cell once: one parameter); custom data is merged, the
 * file's keys winning, none keeps it. updated_at moves by itself when
 * a value changed (migration 003); the import that changed it is noted
 * after (b_touch). */
#define CONTACT_SET_NONE(sql)
#define CONTACT_SET_NEW(sql)
#define CONTACT_SET_GIVEN(sql)	sql " = COALESCE(?, " sql "), "
#define CONTACT_SET_PHONE(sql)						\
	sql " = (SELECT IF(p.v IS NULL OR " MATCH_PHONE_SAME_UPDATE	\
	", contacts." sql ", p.v) FROM (SELECT ? AS v) p), "
#define CONTACT_SET_FLAG(sql)	sql " = " sql " OR ?, "
#define CONTACT_SET_COL(name, header, sql, read, write, type, cmp, out) \
	CONTACT_SET_##write(sql)
#define CONTACT_UPDATE							\
	"UPDATE contacts SET " COLUMNS_TABLE(CONTACT_SET_COL)		\
	"custom = IF(? IS NULL, custom, "				\
	"JSON_COMPACT(JSON_MERGE_PATCH(COALESCE(custom, '{}'), ?))) "	\
	"WHERE id = ?"

/* A new contact from an existing one c, overlaid with the row's values
 * (Update with CSV's "Create a new duplicate contact"). */
#define CONTACT_DUP_NONE(sql)
#define CONTACT_DUP_NEW(sql)	"?, "
#define CONTACT_DUP_GIVEN(sql)	"COALESCE(?, c." sql "), "
#define CONTACT_DUP_PHONE(sql)	"COALESCE(?, c." sql "), "
#define CONTACT_DUP_FLAG(sql)	"c." sql " OR ?, "
#define CONTACT_DUP_COL(name, header, sql, read, write, type, cmp, out) \
	CONTACT_DUP_##write(sql)
#define CONTACT_DUPLICATE						\
	CONTACT_INSERT_COLS "SELECT c.workspace_id, "			\
	COLUMNS_TABLE(CONTACT_DUP_COL) "IF(? IS NULL, c.custom, "	\
	"JSON_COMPACT(JSON_MERGE_PATCH(COALESCE(c.custom, '{}'), ?))), ? "	\
	"FROM contacts c WHERE c.id = ?"

/* Is col in a new contact's columns (CONTACT_NEW_*), and in an
 * update's (CONTACT_SET_*)? */
static int
contact_in_new(int col)
{
	return (columns_get(col)->write != COLUMNS_WRITE_NONE);
}

static int
contact_in_update(int col)
{
	return (contact_in_new(col) &&
	    columns_get(col)->write != COLUMNS_WRITE_NEW);
}

/*
 * A row's values of the stored columns, by column. acct is its account
 * (< 0: none), owner its owner (< 0: keep), pubid the new contact's id.
 * The cells read as written (COLUMNS_READ_CELL) need nothing here.
 */
void
contact_vals(const struct import *im, const struct rowv *rv, long long acct,
    long long owner, const char *pubid, struct contact_vals *v)
{
	int	col;

	memset(v, 0, sizeof *v);
	for (col = 0; col < COL__MAX; col++)
		if (columns_get(col)->read == COLUMNS_READ_CELL)
			v->s[col] = rv->cell[col];
	v->s[COL_ID] = pubid;
	v->s[COL_FIRST] = rv->first;
	v->s[COL_LAST] = rv->last;
	v->s[COL_EMAIL] = rv->email;
	v->s[COL_PHONE] = rv->phone;
	v->i[COL_DOMAIN] = acct;
	v->s[COL_LINKEDIN] = rv->linkedin;
	v->i[COL_OWNER] = owner;
	v->i[COL_PHONE_INTENT] = rv->intent;
	v->i[COL_DNT] = im->m.dnt || rv->dnt;
}

/* Bind col's value as parameter *n of s (and move *n on). */
static void
contact_bind(struct dbstmt *s, unsigned *n, const struct contact_vals *v,
    int col)
{
	switch (columns_get(col)->type) {
	case COLUMNS_TYPE_TEXT:
		db_bind_str(s, (*n)++, v->s[col]);
		break;
	case COLUMNS_TYPE_INT:
		contact_bind_opt(s, (*n)++, v->i[col]);
		break;
	case COLUMNS_TYPE_FLAG:
		db_bind_int(s, (*n)++, v->i[col]);
		break;
	}
}

/* Queue col's value as column *n of b (and move *n on). */
void
contact_bulk(struct bulk *b, unsigned *n, const struct contact_vals *v,
    int col)
{
	switch (columns_get(col)->type) {
	case COLUMNS_TYPE_TEXT:
		bulk_str(b, (*n)++, v->s[col]);
		break;
	case COLUMNS_TYPE_INT:
		if (v->i[col] >= 0)
			bulk_int(b, (*n)++, v->i[col]);
		else
			bulk_int_null(b, (*n)++);
		break;
	case COLUMNS_TYPE_FLAG:
		bulk_int(b, (*n)++, v->i[col]);
		break;
	}
}

/* Queue a new contact's values. 0, or -1 if a flush the queue made
 * failed. */
static int
contact_queue(struct import *im, const struct rowv *rv, long long acct,
    const char *pubid)
{
	struct bulk		*b = im->b_contact;
	struct contact_vals	 v;
	unsigned		 n = 0;
	int			 col;

	contact_vals(im, rv, acct, rv->owner_id > 0 ? rv->owner_id :
	    im->uploader_id, pubid, &v);
	bulk_int(b, n++, im->ws_id);
	for (col = 0; col < COL__MAX; col++)
		if (contact_in_new(col))
			contact_bulk(b, &n, &v, col);
	bulk_str(b, n++, rv->custom);
	bulk_str(b, n++, im->id);
	return (bulk_next(b));
}

/*
 * Create a contact from a row; pubid gets its EG-CON-ID. In a fast batch
 * it is queued; else it is written now, after what is queued (file
 * order), and a refusal is this row's alone. Returns 1, 0 if the
 * database refused this row's values, -1 if the database failed.
 */
long long
contact_create(struct import *im, const struct rowv *rv, char *pubid)
{
	struct bulk	*b = im->b_contact;
	long long	 acct;

	if ((acct = rv->acct_id) == 0 &&
	    (acct = contact_account(im, rv->domain, rv->account)) == -1)
		return (-1);
	randid_contact(pubid);
	if (im->fast)
		return (contact_queue(im, rv, acct, pubid) == -1 ?
		    contact_failed(im, b) : 1);
	if (bulk_flush(b) == -1)
		return (contact_failed(im, b));
	if (contact_queue(im, rv, acct, pubid) == -1 || bulk_flush(b) == -1)
		return (db_refused(bulk_errno(b)) ? 0 : -1);
	return (1);
}

/*
 * Refresh a matched contact from a row: non-empty cells overwrite, empty
 * cells never erase, custom data is merged (the file wins), a new domain
 * moves the contact to that account. owner is the new owner, or 0 to keep
 * it. Returns 1 if something changed, 2 if nothing did, 0 if the database
 * refused the values, -1 on failure.
 */
int
contact_update(struct import *im, const struct rowv *rv, long long id,
    long long owner)
{
	struct dbstmt		*s = im->s_update;
	struct contact_vals	 v;
	long long		 acct = -1;
	unsigned		 n = 0;
	int			 col;

	if (rv->domain != NULL &&
	    (acct = contact_account(im, rv->domain, rv->account)) == -1)
		return (-1);
	contact_vals(im, rv, acct, owner > 0 ? owner : -1, NULL, &v);
	for (col = 0; col < COL__MAX; col++)
		if (contact_in_update(col))
			contact_bind(s, &n, &v, col);
	db_bind_str(s, n++, rv->custom);
	db_bind_str(s, n++, rv->custom);
	db_bind_int(s, n++, id);
	if (db_exec(s) == -1)
		return (db_refused(db_errno(s)) ? 0 : -1);
	if (db_affected(s) == 0)
		return (2);
	bulk_str(im->b_touch, 0, im->id);
	bulk_int(im->b_touch, 1, id);
	return (bulk_next(im->b_touch) == -1 ? contact_failed(im,
	    im->b_touch) : 1);
}

/*
 * A new contact from an existing one (from), overlaid with the row's
 * non-empty values: Update with CSV's "Create a new duplicate contact".
 * Returns the new id, 0 if refused, -1 on failure.
 */
long long
contact_duplicate(struct import *im, const struct rowv *rv, long long from,
    char *pubid)
{
	struct dbstmt		*s = im->s_duplicate;
	struct contact_vals	 v;
	long long		 acct = -1;
	unsigned		 n = 0;
	int			 col;

	if (rv->domain != NULL &&
	    (acct = contact_account(im, rv->domain, rv->account)) == -1)
		return (-1);
	randid_contact(pubid);
	contact_vals(im, rv, acct, rv->owner_id > 0 ? rv->owner_id : -1, pubid,
	    &v);
	for (col = 0; col < COL__MAX; col++)
		if (contact_in_new(col))
			contact_bind(s, &n, &v, col);
	db_bind_str(s, n++, rv->custom);
	db_bind_str(s, n++, rv->custom);
	db_bind_str(s, n++, im->id);
	db_bind_int(s, n++, from);
	if (db_exec(s) == -1)
		return (db_refused(db_errno(s)) ? 0 : -1);
	return (db_insert_id(s));
}

/*
 * The id of the workspace's tag name, made if there is none; found by
 * name in any case (the collation), as the import's own tags are. In the
 * batch's transaction: a rollback forgets the cache (contact_reset). The
 * lookup is a plain read first, so that a tag that exists is not locked
 * (the linker links it meanwhile). 0 if the server refused the name, -1
 * on error.
 */
static long long
contact_tag_id(struct import *im, const char *name)
{
	struct import_acct	*a = contact_cached(&im->tagids, name);
	long long		 id = 0;

	if (a->domain != NULL)
		return (a->id);
	db_bind_int(im->s_tag_find, 0, im->ws_id);
	db_bind_str(im->s_tag_find, 1, name);
	if (db_exec(im->s_tag_find) == -1)
		return (-1);
	if (db_fetch(im->s_tag_find) == 1)
		id = db_col_int(im->s_tag_find, 0);
	else {
		db_bind_int(im->s_tag_make, 0, im->ws_id);
		db_bind_str(im->s_tag_make, 1, name);
		if (db_exec(im->s_tag_make) == -1) {
			if (!db_refused(db_errno(im->s_tag_make)))
				return (-1);
			log_warnx("the tag \"%.128s\" was refused", name);
			return (0);
		}
		id = db_insert_id(im->s_tag_make);
	}
	contact_cache_put(&im->tagids, a, name, id);
	return (id);
}

/* The ids of a row's own tags, less the import's and repeats (two names
 * may be one tag): how many, in ids. -1 on error. */
static int
contact_row_tags(struct import *im, const struct rowv *rv, long long *ids)
{
	size_t		 i, j, n = 0;
	long long	 id;

	for (i = 0; i < rv->ntags && i < ROW_MAX_TAGS; i++) {
		if ((id = contact_tag_id(im, rv->tags[i])) == -1)
			return (-1);
		for (j = 0; id != 0 && j < im->ntags; j++)
			if (im->tag_ids[j] == id)
				id = 0;
		for (j = 0; id != 0 && j < n; j++)
			if (ids[j] == id)
				id = 0;
		if (id != 0)
			ids[n++] = id;
	}
	return (n);
}

/* Queue a new contact's row tag, by its EG-CON-ID: its id is known only
 * once it is written (contact_flush links it). */
static int
contact_queue_ntag(struct import *im, const char *pubid, long long tag)
{
	bulk_str(im->b_ntag, 0, pubid);
	bulk_int(im->b_ntag, 1, tag);
	return (bulk_next(im->b_ntag) == -1 ? contact_failed(im,
	    im->b_ntag) : 0);
}

/* Link the new contacts' queued row tags, now that the contacts are
 * written. 0, or -1. */
static int
contact_link_ntags(struct import *im)
{
	if (bulk_flush(im->b_ntag) == -1)
		return (contact_failed(im, im->b_ntag));
	if (bulk_affected(im->b_ntag) == 0)
		return (0);
	db_bind_int(im->s_ntag_link, 0, im->ws_id);
	if (db_exec(im->s_ntag_link) == -1 || db_exec(im->s_ntag_clear) == -1)
		return (-1);
	return (0);
}

/*
 * After a contact was created (id 0, pubid its EG-CON-ID) or updated
 * (id): the import's tags and the row's, and the workflow unless the
 * contact is Do Not Touch (the import's option, the row's cell, or had:
 * its flag before). An updated contact is queued; the contacts the batch
 * created get their row's tags queued by EG-CON-ID, and the import's tags
 * and their enrolment once it is committed (link.c).
 */
int
contact_after(struct import *im, const struct rowv *rv, long long id,
    const char *pubid, int had)
{
	long long	 tags[ROW_MAX_TAGS];
	size_t		 i;
	int		 n, dnt = im->m.dnt || rv->dnt || had;

	if ((n = contact_row_tags(im, rv, tags)) == -1)
		return (-1);
	if (im->ntags > 0 || n > 0)
		im->st.tagged++;
	if (im->m.dnt || rv->dnt)
		im->st.dnt++;
	if (id == 0) {
		for (i = 0; i < (size_t)n; i++)
			if (contact_queue_ntag(im, pubid, tags[i]) == -1)
				return (-1);
		/* linked once the batch is committed (link.c); a new
		 * contact's enrolment is never there already */
		if (im->workflow_id != 0 && !dnt)
			im->st.queued++;
		return (0);
	}
	for (i = 0; i < im->ntags + n; i++) {
		bulk_int(im->b_tag, 0, id);
		bulk_int(im->b_tag, 1, i < im->ntags ? im->tag_ids[i] :
		    tags[i - im->ntags]);
		if (bulk_next(im->b_tag) == -1)
			return (contact_failed(im, im->b_tag));
	}
	/* The batch's snapshot judges an update by the import's flag, and
	 * may have found nothing to change: the row's flag is set here. */
	if (rv->dnt && !had && !im->m.dnt) {
		bulk_str(im->b_dnt, 0, im->id);
		bulk_int(im->b_dnt, 1, id);
		if (bulk_next(im->b_dnt) == -1)
			return (contact_failed(im, im->b_dnt));
	}
	if (im->workflow_id == 0 || dnt)
		return (0);
	bulk_int(im->b_enrol, 0, im->workflow_id);
	bulk_int(im->b_enrol, 1, id);
	bulk_str(im->b_enrol, 2, im->id);
	return (bulk_next(im->b_enrol) == -1 ? contact_failed(im,
	    im->b_enrol) : 0);
}

/* The import's queued statements. -1 on error. */
int
contact_open(struct import *im)
{
	im->b_contact = bulk_prepare(im->db, CONTACT_INSERT,
	    CONTACT_INSERT_TYPES, conf.batch_size);
	im->s_update = db_prepare(im->db, CONTACT_UPDATE);
	im->s_duplicate = db_prepare(im->db, CONTACT_DUPLICATE);
	im->b_tag = bulk_prepare(im->db, "INSERT IGNORE INTO contact_tags "
	    "(contact_id, tag_id) VALUES (?, ?)", "ii", conf.batch_size);
	im->b_enrol = bulk_prepare(im->db, "INSERT IGNORE INTO "
	    "workflow_enrolments (workflow_id, contact_id, import_id) "
	    "VALUES (?, ?, ?)", "iis", conf.batch_size);
	im->b_touch = bulk_prepare(im->db, "UPDATE contacts SET "
	    "updated_by_import = ? WHERE id = ?", "si", conf.batch_size);
	/*
	 * New contacts' row tags, by EG-CON-ID: queued into a table of the
	 * connection's and linked by one join once the new contacts are
	 * written (contact_flush). In the batch's transaction, so a
	 * rollback takes them back too. (INSERT ... SELECT cannot be
	 * array-bound, and a subquery in VALUES is evaluated once for all
	 * the rows.)
	 */
	if (db_run(im->db, "CREATE TEMPORARY TABLE IF NOT EXISTS "
	    "import_ntags (pub VARCHAR(32) CHARACTER SET ascii NOT NULL, "
	    "tag_id BIGINT UNSIGNED NOT NULL) ENGINE=InnoDB", 0, NULL) == -1 ||
	    db_run(im->db, "DELETE FROM import_ntags", 0, NULL) == -1)
		return (-1);
	im->b_ntag = bulk_prepare(im->db, "INSERT INTO import_ntags "
	    "(pub, tag_id) VALUES (?, ?)", "si", conf.batch_size);
	im->s_ntag_link = db_prepare(im->db, "INSERT IGNORE INTO contact_tags "
	    "(contact_id, tag_id) SELECT c.id, n.tag_id FROM import_ntags n "
	    "JOIN contacts c ON c.public_id = n.pub AND c.workspace_id = ?");
	im->s_ntag_clear = db_prepare(im->db, "DELETE FROM import_ntags");
	im->b_dnt = bulk_prepare(im->db, "UPDATE contacts SET dnt = 1, "
	    "updated_by_import = ? WHERE id = ? AND dnt = 0", "si",
	    conf.batch_size);
	im->s_tag_find = db_prepare(im->db, "SELECT id FROM tags "
	    "WHERE workspace_id = ? AND name = ?");
	im->s_tag_make = db_prepare(im->db, "INSERT INTO tags (workspace_id, "
	    "name) VALUES (?, ?) ON DUPLICATE KEY UPDATE "
	    "id = LAST_INSERT_ID(id)");
	/* What this import created since the mark: the rows past it (a
	 * range of the primary key) that carry its id. */
	im->s_mark = db_prepare(im->db, "SELECT COALESCE(MAX(id), 0) "
	    "FROM contacts");
	im->s_new_max = db_prepare(im->db, "SELECT COALESCE(MAX(id), ?) "
	    "FROM contacts WHERE id > ? AND created_by_import = ?");
	if (im->b_contact == NULL ||
	    im->s_update == NULL || im->s_duplicate == NULL ||
	    im->b_tag == NULL || im->b_enrol == NULL || im->b_touch == NULL ||
	    im->b_ntag == NULL || im->b_dnt == NULL ||
	    im->s_ntag_link == NULL || im->s_ntag_clear == NULL ||
	    im->s_tag_find == NULL || im->s_tag_make == NULL ||
	    im->s_mark == NULL || im->s_new_max == NULL)
		return (-1);
	return (0);
}

/* Before the import's first batch writes: note where the contacts table
 * ends, so that what it creates is the rows past it with the import's id
 * (ids only grow; contact_new_max moves the mark on). -1 on error. */
int
contact_mark(struct import *im)
{
	if (db_exec(im->s_mark) == -1 || db_fetch(im->s_mark) != 1)
		return (-1);
	im->mark = db_col_int(im->s_mark, 0);
	return (0);
}

/* Move the mark past what the batch created (link.c tags and enrols it
 * once the batch is committed). */
int
contact_new_max(struct import *im)
{
	struct dbstmt	*s = im->s_new_max;

	db_bind_int(s, 0, im->mark);
	db_bind_int(s, 1, im->mark);
	db_bind_str(s, 2, im->id);
	if (db_exec(s) == -1 || db_fetch(s) != 1)
		return (-1);
	im->mark = db_col_int(s, 0);
	return (0);
}

/*
 * Write what the batch queued: new contacts and their row tags, the
 * updated contacts' tags, flags and enrolments, the touched marks. Part
 * of the batch's transaction. 0, or -1 (im->refused says whether the
 * server refused values).
 */
int
contact_flush(struct import *im)
{
	if (bulk_flush(im->b_contact) == -1)
		return (contact_failed(im, im->b_contact));
	if (contact_link_ntags(im) == -1)
		return (-1);
	if (bulk_flush(im->b_tag) == -1)
		return (contact_failed(im, im->b_tag));
	if (bulk_flush(im->b_dnt) == -1)
		return (contact_failed(im, im->b_dnt));
	if (bulk_flush(im->b_enrol) == -1)
		return (contact_failed(im, im->b_enrol));
	im->st.queued += bulk_affected(im->b_enrol);
	if (bulk_flush(im->b_touch) == -1)
		return (contact_failed(im, im->b_touch));
	return (0);
}

/* After a rollback: nothing queued, and no account ids the rollback may
 * have taken back. */
void
contact_reset(struct import *im)
{
	if (im->b_contact != NULL) {
		bulk_reset(im->b_contact);
		bulk_reset(im->b_tag);
		bulk_reset(im->b_enrol);
		bulk_affected(im->b_enrol);
		bulk_reset(im->b_touch);
		bulk_reset(im->b_ntag);
		bulk_affected(im->b_ntag);
		bulk_reset(im->b_dnt);
	}
	contact_cache_free(&im->accts);
	contact_cache_free(&im->tagids);
}

void
contact_close(struct import *im)
{
	bulk_close(im->b_contact);
	bulk_close(im->b_tag);
	bulk_close(im->b_enrol);
	bulk_close(im->b_touch);
	bulk_close(im->b_ntag);
	bulk_close(im->b_dnt);
	db_close(im->s_update);
	db_close(im->s_duplicate);
	im->s_update = im->s_duplicate = NULL;
	db_close(im->s_mark);
	db_close(im->s_new_max);
	db_close(im->s_tag_find);
	db_close(im->s_tag_make);
	db_close(im->s_ntag_link);
	db_close(im->s_ntag_clear);
	im->s_ntag_link = im->s_ntag_clear = NULL;
	contact_cache_free(&im->tagids);
	im->s_mark = im->s_new_max = im->s_tag_find = im->s_tag_make = NULL;
	im->b_contact = im->b_tag = im->b_enrol = im->b_touch = NULL;
	im->b_ntag = im->b_dnt = NULL;
}
