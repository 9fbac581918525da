/*
 * The database side of intake: connection, statements, migrations,
 * passwords and sessions, the importer. Separate from intake.h so the pure
 * modules and their tests do not see MariaDB.
 */
#ifndef DB_H
#define DB_H

#include <signal.h>

#include <mysql.h>

struct dbstmt;

/* A logged-in session, as the API sees it. */
struct session {
	long long	 user_id;
	char		*email;
	int		 editor;	/* role editor: an editing session */
	long long	 workspace_id;
	char		*workspace;	/* slug */
	char		*workspace_name;
	char		 csrf[65];
};

/* One import at work: the drop's options resolved against the database,
 * the prepared statements, and the counters of its status. */
#define IMPORT_MAX_TAGS		50
#define MATCH_MAX		10

struct import {
	MYSQL		*db;
	const char	*spool;
	const char	*id;
	struct manifest	 m;
	struct status	 st;
	long long	 ws_id;
	long long	 uploader_id;
	long long	 workflow_id;		/* 0: no workflow */
	long long	 tag_ids[IMPORT_MAX_TAGS];
	size_t		 ntags;
	struct colmap	 cm;
	int		 fd;
	struct csvin	*in;
	unsigned long	 last_row;

	struct dbstmt	*s_account;
	struct dbstmt	*s_contact;
	struct dbstmt	*s_update;
	struct dbstmt	*s_outcome;
	struct dbstmt	*s_owner;
	struct dbstmt	*s_checkpoint;
	struct dbstmt	*s_match[3];
	struct dbstmt	*s_tag;
	struct dbstmt	*s_enrol;
	struct dbstmt	*s_touch;
	struct dbstmt	*s_byid;
	struct dbstmt	*s_duplicate;
	struct dbstmt	*s_acct_find;

	struct import_acct *accts;
	size_t		 naccts;
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
	const char	*phone;
	const char	*pv_result;
	const char	*pv_provider;
	const char	*phone_type;
	int		 intent;		/* -1: none */
	char		*custom;		/* JSON object, or NULL */
	long long	 owner_id;		/* 0: none named */
	const char	*owner_cell;
	struct rowwarn	 warn[8];
	size_t		 nwarn;
};

/* Existing contacts a row matched, and by which key. */
struct match {
	const char	*key;		/* "linkedin", "email", "name" */
	size_t		 n;
	long long	 id[MATCH_MAX + 1];
	char		 pub[MATCH_MAX + 1][INTAKE_ID_MAX];
	int		 dnt[MATCH_MAX + 1];
};

/* db.c */
MYSQL		*db_connect(unsigned long, char **);
struct dbstmt	*db_prepare(MYSQL *, const char *);
void		 db_bind_str(struct dbstmt *, unsigned, const char *);
void		 db_bind_int(struct dbstmt *, unsigned, long long);
void		 db_bind_null(struct dbstmt *, unsigned);
int		 db_exec(struct dbstmt *);
int		 db_exec_stream(struct dbstmt *);
unsigned	 db_errno(struct dbstmt *);
int		 db_fetch(struct dbstmt *);
const char	*db_col_str(struct dbstmt *, unsigned);
long long	 db_col_int(struct dbstmt *, unsigned);
int		 db_col_null(struct dbstmt *, unsigned);
unsigned long long db_insert_id(struct dbstmt *);
unsigned long long db_affected(struct dbstmt *);
void		 db_close(struct dbstmt *);
int		 db_run(MYSQL *, const char *, unsigned, const char **);
int		 db_begin(MYSQL *);
int		 db_commit(MYSQL *);
void		 db_rollback(MYSQL *);

/* migrate.c */
int		 migrate_run(MYSQL *, const char *, int);

/* auth.c */
char		*auth_hash(const char *);
int		 auth_verify(const char *, const char *);
int		 auth_session_create(MYSQL *, long long, char *, size_t,
		     char *, size_t);
int		 auth_session_get(MYSQL *, const char *, struct session *);
int		 auth_session_delete(MYSQL *, const char *);
void		 auth_session_clear(struct session *);
long long	 auth_workspace_id(MYSQL *, const char *);
long long	 auth_user_id(MYSQL *, long long, const char *, int *);

/* import.c */
extern volatile sig_atomic_t import_quit;
int		 import_run(MYSQL *, const char *, const char *);
int		 import_register(MYSQL *, const struct manifest *, char **);
int		 import_outcome(struct import *, unsigned long, const char *,
		     const char *, const char *, const char *, const char *,
		     const char *);
long long	 import_workflow(MYSQL *, long long, const char *);

/* row.c */
int		 row_read(struct import *, struct csvrec *, struct rowv *);
const char	*row_cell(struct import *, struct csvrec *, int);
int		 row_empty(struct csvrec *);
int		 row_warnings(struct import *, struct rowv *);
void		 row_warn(struct rowv *, const char *, const char *, char *);
void		 row_clear(struct rowv *);

/* match.c */
int		 match_find(struct import *, const struct rowv *,
		     struct match *);

/* export.c */
typedef int (*export_writefn)(void *, const char *, size_t);
int		 export_run(MYSQL *, long long, const char *, const char *,
		     export_writefn, void *);

/* contact.c */
long long	 contact_account(struct import *, const char *, const char *);
long long	 contact_account_find(struct import *, const char *);
long long	 contact_create(struct import *, const struct rowv *, char *);
int		 contact_update(struct import *, const struct rowv *, long long,
		     long long);
long long	 contact_duplicate(struct import *, const struct rowv *,
		     long long, char *);
int		 contact_after(struct import *, long long, int);
void		 contact_cache_free(struct import *);

#endif /* DB_H */
