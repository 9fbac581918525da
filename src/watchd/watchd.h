/*
 * src/watchd/: the importer, linked only into intake-watchd (and the
 * tests): the watcher, each import's batches, rows, matches and writes,
 * and enrichment over HTTP.
 */
#ifndef WATCHD_H
#define WATCHD_H

#include <pthread.h>

#include "spool.h"

struct enrich;

/* Where a row stands with enrichment. */
enum enrich_state {
	ENRICH_NONE,		/* not needed */
	ENRICH_PENDING,		/* to be looked up */
	ENRICH_FOUND,		/* profile holds the values */
	ENRICH_NOT_FOUND,
	ENRICH_FAILED
};

/* What a profile lookup gave, for the fields it can fill. */
struct profile {
	char	*first;
	char	*last;
	char	*account;
	char	*domain;
	char	*email;
	char	*phone;
	char	*title;
};

/* Where each profile field is in a provider's response. */
struct profile_map {
	const char	*first;
	const char	*last;
	const char	*account;
	const char	*domain;
	const char	*email;
	const char	*phone;
	const char	*title;
};

/* One profile lookup (enrich.c). */
struct enrich_req {
	const char		*url;		/* normalised profile URL */
	enum enrich_state	 state;
	struct profile		 profile;	/* when FOUND */
	char			 why[128];	/* when FAILED */
	unsigned		 attempts;
	long long		 next_at;
	long long		 waited;
	void			*easy;
	struct buf		 body;
};

/* A warning about one cell, held until the row's outcome is known. */
struct rowwarn {
	const char	*code;
	const char	*column;
	char		*message;
};

/* One data row, read and normalised. NULL means blank or invalid. */
struct rowv {
	unsigned long	 row;
	char		*first;
	char		*last;
	char		*account;
	char		*domain;
	char		*email;
	char		*linkedin;
	int		 linkedin_state;	/* norm_linkedin's answer */
	int		 domain_state;		/* norm_domain's answer */
	const char	*domain_cell;
	const char	*linkedin_cell;	/* as written, for why it was refused */
	const char	*phone;
	const char	*cell[COL__MAX];	/* COLUMNS_READ_CELL's cells */
	int		 intent;		/* -1: none */
	char		*custom;		/* JSON object, or NULL */
	long long	 owner_id;		/* 0: none named */
	const char	*owner_cell;
	long long	 acct_id;	/* its account, made ahead, or 0 */
	struct rowwarn	 warn[8];
	size_t		 nwarn;
	char		**tags;		/* the Tags cell's names (owned) */
	size_t		 ntags;
	int		 dnt;		/* the Do Not Touch cell says yes */
};
#define ROW_MAX_TAGS	OPTIONS_MAX_TAGS	/* tags one row adds */

/* Domains and their accounts' ids (contact.c). */
struct acctcache {
	struct import_acct	*slots;
	size_t			 n;
};

/*
 * The matching keys, in precedence order: the first key that finds
 * anyone decides. One row each: enum match_key's suffix, its number (its
 * precedence, and the snapshot's kind: the rows are numbered 0, 1, ... in
 * order, which match.c checks when it is compiled), its name (an
 * outcome's match_key). match.c tries a row's keys in this order, with
 * import.c's s_match[number]; snap.c's SNAP_MATCH joins each key
 * (SNAP_JOIN_<suffix>) and keeps the lowest kind that found anyone.
 */
#define MATCH_KEYS(X)							\
	X(LINKEDIN, 0, "linkedin")					\
	X(EMAIL, 1, "email")						\
	X(NAME, 2, "name")
#define MATCH_KEY_ENUM(name, kind, key)	MATCH_KEY_##name = kind,
enum match_key {
	MATCH_KEYS(MATCH_KEY_ENUM)
	MATCH_KEY_ID,		/* Update with CSV's: the id cell (snap.c) */
	MATCH__KEYS = MATCH_KEY_ID
};
#define MATCH_KEY_NAMES(name, kind, key)	key,

/* Existing contacts a row matched, and by which key. */
#define MATCH_MAX		10

struct match {
	const char	*key;		/* "linkedin", "email", "name" */
	size_t		 n;
	long long	 id[MATCH_MAX + 1];
	char		 pub[MATCH_MAX + 1][INTAKE_ID_MAX];
	int		 dnt[MATCH_MAX + 1];
};

/* A row of a batch, copied out of the reader (batch.c). */
struct batchrow {
	struct csvrec	 rec;
	char		**fields;
	size_t		 *lens;
	size_t		 *caps;
	size_t		  nalloc;
	enum enrich_state enrich;
	char		 *linkedin;	/* normalised, when enrich != NONE */
	struct profile	 *profile;
	char		 *why;		/* when FAILED */

	/* Read before the batch's transaction (batch.c, snap.c): */
	struct rowv	  rv;
	int		  rvok;		/* rv holds the row */
	const char	 *skip_code;	/* or the row is skipped: why */
	char		 *skip_msg;
	const char	 *id;		/* Update with CSV: the id cell */
	int		  snap;		/* m is the batch snapshot's answer */
	int		  collide;	/* an earlier row has one of its keys */
	int		  chg;		/* updating m.id[0] changes its keys */
	int		  same;		/* ... or changes nothing at all */
	int		  unsure;	/* a value too long to tell */
	struct match	  m;
};

struct batch {
	struct batchrow	*rows;
	size_t		 n;
	size_t		 cap;
	unsigned long	 last_row;
	off_t		 last_off;
};

/* An owner a file named, and the user it is (row.c). */
#define ROW_OWNERS	32
struct row_owner {
	char		*email;
	long long	 id;		/* 0: no such user */
};

/* Linking an import's new contacts to its tags and workflow (link.c),
 * on one connection. */
struct link {
	MYSQL		*db;
	const char	*import_id;		/* borrowed */
	long long	 tag_ids[OPTIONS_MAX_TAGS];
	size_t		 ntags;
	long long	 workflow_id;		/* 0: none */
	struct dbstmt	*s_tag;
	struct dbstmt	*s_enrol;
	struct dbstmt	*s_done;
};

/* Where the next batch stands when the reader thread ends (reader.c). */
enum reader_state {
	READER_READ,		/* batch_read */
	READER_ROWS,		/* and its rows read (batch_rows_read) */
	READER_SNAP		/* and its snapshot taken, the batch before it
				 * being written meanwhile */
};

/* The reader thread's own: the batch it fills and the file it reads.
 * Through im it uses only the reader's part of the import (rdb and its
 * statements, raccts, the snapshot's): row.c, lookup.c, snap.c and
 * contact_ahead take the whole struct import still. */
struct reader {
	pthread_t	 thread;
	struct import	*im;
	struct batch	*next;
	struct csvin	*in;
	int		 snap;		/* also take the snapshot */
	int		 n;		/* batch_read's answer */
	enum reader_state state;	/* reached */
	int		 failed;	/* the database failed under it */
};

/* The linker thread's own: nothing of the import but its link. */
struct linker {
	pthread_t	 thread;
	struct link	*link;		/* the import's llink, on ldb */
	long long	 lo, hi;	/* links (lo, hi] */
	int		 failed;
};

/* A row's decision (decide.c): what to do with it, the outcome's code
 * and message. */
enum decide_action {
	DECIDE_SKIP,		/* code, message: why */
	DECIDE_CREATE,
	DECIDE_UPDATE,		/* target */
	DECIDE_UNCHANGED,	/* target: the snapshot says nothing changes */
	DECIDE_DUPLICATE	/* a new contact made of target */
};

/* What a row must be matched to before it is decided. */
enum decide_match {
	DECIDE_MATCH_NONE,
	DECIDE_MATCH_KEYS,	/* LinkedIn URL, email, name (match.c) */
	DECIDE_MATCH_ID		/* Update with CSV: the id column */
};

/* The import's options a decision depends on. */
struct decide_opts {
	enum flow	 flow;
	enum on_existing on_existing;
	int		 override_owners;
	long long	 uploader_id;	/* the owner when the row names none */
	const char	*id_header;	/* conf.id_header */
};

/* A row, as its decision sees it. */
struct decide_row {
	const struct rowv *rv;		/* NULL: not read, skip_* say why */
	const char	*skip_code;
	const char	*skip_msg;
	const char	*id;		/* Update with CSV: the id cell */
	int		 same;		/* updating the contact matched changes
					 * nothing (the snapshot), and no row
					 * before it in the batch updated it */
	int		 trusted;	/* the match is the snapshot's, and
					 * updating it moves no key */
};

struct decision {
	enum decide_action action;
	const char	*code;		/* of the outcome */
	char		*message;	/* owned (decide_clear) */
	const char	*contact;	/* the match's public id, borrowed */
	const char	*key;		/* the match's key, borrowed */
	long long	 target;	/* the contact updated or duplicated */
	int		 target_dnt;
	long long	 owner;		/* an update's new owner, or 0 */
	int		 drop_owner_warnings;	/* owners are not changed */
	int		 enrich_failed;	/* counts as an enrichment failure */
	int		 stale;		/* rows after it: match one by one */
};

/* One import at work: the drop's options resolved against the database,
 * the prepared statements, and the counters of its status. */
#define IMPORT_MAX_TAGS		OPTIONS_MAX_TAGS

/* A connection's snapshot tables and statements (snap.c). */
struct snapq {
	MYSQL		*db;
	int		 nested;	/* in a review's transaction */
	struct bulk	*b_keys;
	struct bulk	*b_vals;
	struct dbstmt	*s_snap;
	struct dbstmt	*s_weights;
};

struct import {
	MYSQL		*db;
	const char	*spool;
	const char	*id;
	struct manifest	 m;
	/* A review (review.c): db is nested (db_nest), the snapshot is
	 * taken on it once its batches wrote a contact, and what it finds
	 * goes over odb, committed after each batch. */
	int		 review;
	int		 nested;	/* in the review's transaction */
	int		 shadowed;	/* contacts shadowed (review.c) */
	MYSQL		*odb;
	/* What updates changed (change.c). */
	struct bulk	*b_change;
	struct dbstmt	*s_state;
	struct status	 st;
	long long	 ws_id;
	long long	 uploader_id;
	long long	 workflow_id;		/* 0: no workflow */
	long long	 tag_ids[IMPORT_MAX_TAGS];
	size_t		 ntags;
	struct colmap	 cm;
	int		 fd;
	struct stat	 fst;		/* fd as the import found it */
	struct csvin	*in;
	unsigned long	 last_row;	/* where the last committed batch ended */
	off_t		 last_off;

	struct dbstmt	*s_account;
	struct dbstmt	*s_update;
	struct dbstmt	*s_outcome;
	struct dbstmt	*s_owner;
	struct dbstmt	*s_checkpoint;
	struct dbstmt	*s_match[MATCH__KEYS];
	struct dbstmt	*s_byid;
	struct dbstmt	*s_duplicate;
	struct dbstmt	*s_acct_find;

	struct row_owner owners[ROW_OWNERS];
	size_t		 nowners;

	struct acctcache accts;		/* the writer's */
	struct acctcache raccts;	/* the reader's (contact_ahead) */
	struct dbstmt	*s_raccount;

	/* Two batches: one written (batch.c) while the next is read and
	 * its snapshot taken (lookup.c, row.c, snap.c), on a connection of
	 * its own (rdb). */
	struct batch	 bufs[2];
	struct batch	*batch;
	struct batch	*next;
	MYSQL		*rdb;
	struct enrich	*enrich;
	struct dbstmt	*s_cache_get;
	struct dbstmt	*s_cache_put;

	/* Writing a batch in bulk (snap.c, contact.c): */
	int		 fast;		/* this batch queues its writes */
	int		 dirty;		/* match one by one from here */
	int		 refused;	/* a queued write was refused */
	struct snapq	 sq[2];		/* snapshots: after, ahead (snap.c) */
	struct snapq	*q;		/* the one being taken */
	long long	*touched;	/* contacts the batch updated */
	size_t		 ntouched;
	size_t		 ntouched_used;
	size_t		 nwild;		/* rows whose keys twin.c cannot weigh */
	struct bulk	*b_contact;
	struct bulk	*b_outcome;
	struct bulk	*b_tag;
	struct bulk	*b_enrol;
	struct bulk	*b_touch;
	struct twins	*twins;
	int		 untwinned;	/* a batch's rows without twins told */
	struct dbstmt	*s_mark;
	struct dbstmt	*s_new_max;
	long long	 mark;		/* contacts.id before the batch (0:
					 * not taken yet) */

	/* New contacts' tags and enrolment (link.c): those with the
	 * import's id in (linked, made] have none yet. */
	MYSQL		*ldb;		/* the linker's connection */
	struct link	 wlink;		/* on db */
	struct link	 llink;		/* on ldb */
	long long	 linked;	/* import_links.linked_to */
	long long	 made;		/* end of the last committed batch */
	int		 linking;	/* the linker links (linked, made] */

	/* A row's own owner, tags and flag (row.c, contact.c): */
	struct dbstmt	*s_owner_name;	/* users by name, on rdb */
	struct acctcache tagids;	/* tag name → id, the writer's */
	struct dbstmt	*s_tag_find;
	struct dbstmt	*s_tag_make;
	struct bulk	*b_ntag;	/* new contacts' row tags */
	struct bulk	*b_dnt;		/* updated contacts a row flags */
	struct dbstmt	*s_ntag_link;
	struct dbstmt	*s_ntag_clear;
};

/* import.c */
/* What import_run says (watchd.c acts on it). */
enum import_result {
	IMPORT_GOON = 1,	/* a phase's answer: go on (never import_run's) */
	IMPORT_DONE = 0,
	IMPORT_FAILED = -1,	/* for good: the status says why */
	IMPORT_RETRY = -2,	/* for now: resumes from its checkpoint */
	IMPORT_WAIT = -3	/* another import holds the workspace */
};
extern volatile sig_atomic_t import_quit;
enum import_result import_run(MYSQL *, const char *, const char *);
int		 import_checkpoint(struct import *, unsigned long, off_t);

/* apply.c */
int		 apply_row(struct import *, const struct decide_opts *,
		     struct batchrow *, struct decision *);

/* review.c */
int		 review_connect(struct import *);
int		 review_begin(struct import *);
int		 review_links(struct import *);
int		 review_unshadow(struct import *);
int		 review_clean(const struct import *);
int		 review_flush(struct import *);
int		 review_end(struct import *);
void		 review_close(struct import *);

/* change.c */
struct change_state {
	char	*v[COL__MAX];	/* the columns an update can change */
	char	*custom;
};
int		 change_wanted(const struct import *);
int		 change_open(struct import *);
int		 change_flush(struct import *);
void		 change_reset(struct import *);
void		 change_close(struct import *);
int		 change_state(struct import *, long long, struct change_state *);
void		 change_state_clear(struct change_state *);
int		 change_record(struct import *, unsigned long, const char *,
		     const struct change_state *, const struct change_state *,
		     int);

/* batch.c */
int		 batch_read(struct batch *, struct csvin *, size_t);
void		 batch_free(struct batch *);
int		 batch_rows_read(struct import *, struct batch *);
int		 batch_may_update(const struct import *, int);
int		 batch_write(struct import *, int);

/* decide.c */
int		 decide_record(const struct csvrec *, size_t, unsigned,
		     const char **, char **);
enum decide_match decide_match(const struct decide_opts *,
		     const struct decide_row *);
void		 decide_row(const struct decide_opts *,
		     const struct decide_row *, const struct match *,
		     struct decision *);
void		 decide_written(const struct decide_opts *, struct decision *,
		     int);
void		 decide_clear(struct decision *);

/* enrich.c */
struct enrich	*enrich_create(char **);
int		 enrich_run(struct enrich *, struct enrich_req *, size_t,
		     void (*)(void *, size_t), void (*)(void *), void *,
		     volatile sig_atomic_t *);
void		 enrich_req_clear(struct enrich_req *);
void		 enrich_free(struct enrich *);

/* lookup.c */
int		 lookup_batch(struct import *);
int		 lookup_wanted(struct import *);
int		 lookup_fill(struct import *, struct batchrow *, struct rowv *,
		     const char **, char **);

/* outcome.c */
int		 outcome_add(struct import *, unsigned long, const char *,
		     const char *, const char *, const char *, const char *,
		     const char *);
int		 outcome_skip(struct import *, unsigned long, const char *,
		     const char *, const char *, const char *);
int		 outcome_failed(struct import *, unsigned long);
int		 outcome_flush(struct import *);
void		 outcome_reset(struct import *);

/* profile.c */
int		 profile_parse(const char *, const struct profile_map *,
		     struct profile *);
char		*profile_encode(const struct profile *);
int		 profile_decode(const char *, struct profile *);
struct profile	*profile_copy(const struct profile *);
void		 profile_clear(struct profile *);

/* reader.c */
void		 reader_thread_enter(void);
int		 reader_start(struct reader *, struct import *);
void		 reader_join(struct reader *);
int		 reader_finish(struct import *, enum reader_state);

/* restatus.c */
int		 restatus_scan(MYSQL *);

/* row.c */
int		 row_read(struct import *, struct csvrec *, struct rowv *);
const char	*row_cell(struct import *, struct csvrec *, int);
int		 row_warnings(struct import *, struct rowv *);
void		 row_warn(struct rowv *, const char *, const char *, char *);
void		 row_clear(struct rowv *);
void		 row_owners_free(struct import *);

/* bulk.c */
struct bulk;
struct bulk	*bulk_prepare(MYSQL *, const char *, const char *, size_t);
void		 bulk_str(struct bulk *, unsigned, const char *);
void		 bulk_int(struct bulk *, unsigned, long long);
void		 bulk_int_null(struct bulk *, unsigned);
int		 bulk_next(struct bulk *);
size_t		 bulk_pending(const struct bulk *);
int		 bulk_flush(struct bulk *);
void		 bulk_reset(struct bulk *);
unsigned	 bulk_errno(struct bulk *);
unsigned long long bulk_affected(struct bulk *);
void		 bulk_close(struct bulk *);

/* snap.c */
int		 snap_open(struct import *);
int		 snap_batch(struct import *, int, int);
void		 snap_touch(struct import *, long long);
int		 snap_touched(struct import *, long long);
int		 snap_touched_any(struct import *);
void		 snap_untouch(struct import *);
void		 snap_close(struct import *);

/* twin.c */
#define TWIN_KINDS	MATCH__KEYS	/* a kind per matching key */
struct twins	*twin_create(void);
void		 twin_free(struct twins *);
void		 twin_weight(struct twins *, int, const char *);
int		 twin_ready(const struct twins *);
void		 twin_clear(struct twins *, size_t, int);
int		 twin_key(struct twins *, size_t, int, const char *const *,
		     size_t);
void		 twin_key_hex(struct twins *, size_t, int, const char *const *,
		     size_t);
int		 twin_seen(struct twins *, size_t);
void		 twin_remember(struct twins *, size_t);
void		 twin_recall(struct twins *, int);

/* match.c */
int		 match_find(struct import *, const struct rowv *,
		     struct match *);
/* SQL: are phones a and b (expressions, not NULL) one number as written
 * or as a spreadsheet re-saves it? Equal bytes; or both only digits,
 * spaces and + - ( ) . / with the same digits once leading zeros are
 * dropped ("+1 555 0100" = "15550100", "030 1234" = "301234"). */
/* (written out, one per use: SQL is literal strings only, see
 * tests/sqlcheck.pl) */
#define MATCH_PHONE_SAME_UPDATE \
	"(BINARY p.v = BINARY contacts.phone OR ((p.v REGEXP " \
	"'^[-+0-9 ()./]+$') AND (contacts.phone REGEXP '^[-+0-9 " \
	"()./]+$') AND TRIM(LEADING '0' FROM REGEXP_REPLACE(p.v, " \
	"'[^0-9]', '')) <> '' AND TRIM(LEADING '0' FROM " \
	"REGEXP_REPLACE(p.v, '[^0-9]', '')) = TRIM(LEADING '0' FROM " \
	"REGEXP_REPLACE(contacts.phone, '[^0-9]', ''))))"
#define MATCH_PHONE_SAME_SNAP \
	"(BINARY v.phone = BINARY c.phone OR ((v.phone REGEXP " \
	"'^[-+0-9 ()./]+$') AND (c.phone REGEXP '^[-+0-9 ()./]+$') " \
	"AND TRIM(LEADING '0' FROM REGEXP_REPLACE(v.phone, " \
	"'[^0-9]', '')) <> '' AND TRIM(LEADING '0' FROM " \
	"REGEXP_REPLACE(v.phone, '[^0-9]', '')) = TRIM(LEADING '0' " \
	"FROM REGEXP_REPLACE(c.phone, '[^0-9]', ''))))"

/* link.c */
int		 link_open(struct link *, MYSQL *, const struct import *);
void		 link_close(struct link *);
int		 link_wanted(const struct import *);
int		 link_range(struct link *, long long, long long);
int		 link_commit(struct link *, long long, long long);
int		 link_resume(struct import *);

/* linker.c */
int		 linker_start(struct linker *, struct import *);
int		 linker_join(struct linker *);

/* contact.c */
/* A row's values of the stored columns (lib.h's COLUMNS_TABLE), by
 * column, as the writes bind them: TEXT in s (NULL: none), INT and FLAG
 * in i (an INT < 0: none). */
struct contact_vals {
	const char	*s[COL__MAX];
	long long	 i[COL__MAX];
};
/* a column's type as bulk_prepare's types say it */
#define CONTACT_CH_TEXT		"s"
#define CONTACT_CH_INT		"i"
#define CONTACT_CH_FLAG		"i"
void		 contact_vals(const struct import *, const struct rowv *,
		     long long, long long, const char *,
		     struct contact_vals *);
void		 contact_bulk(struct bulk *, unsigned *,
		     const struct contact_vals *, int);
long long	 contact_account(struct import *, const char *, const char *);
long long	 contact_account_find(struct import *, const char *);
long long	 contact_create(struct import *, const struct rowv *, char *);
int		 contact_update(struct import *, const struct rowv *, long long,
		     long long);
long long	 contact_duplicate(struct import *, const struct rowv *,
		     long long, char *);
int		 contact_after(struct import *, const struct rowv *, long long,
		     const char *, int);
int		 contact_mark(struct import *);
int		 contact_new_max(struct import *);
int		 contact_ahead(struct import *);
int		 contact_open(struct import *);
int		 contact_flush(struct import *);
void		 contact_reset(struct import *);
void		 contact_close(struct import *);
void		 contact_cache_free(struct acctcache *);

#endif /* WATCHD_H */
