/*
 * src/db/: MariaDB, for every program: connections and statements,
 * migrations, passwords and sessions, workspace locks, the remembered
 * column maps, the export, and the `imports` row (imports.c owns it).
 */
#ifndef DB_H
#define DB_H

#include <sys/stat.h>

#include <signal.h>

#include <mysql.h>

#include "lib.h"

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

/* db.c */
MYSQL		*db_connect(unsigned long, char **);
struct dbstmt	*db_prepare(MYSQL *, const char *);
struct dbstmt	*db_prepare_kept(MYSQL *, const char *);
void		 db_forget(MYSQL *);
void		 db_bind_str(struct dbstmt *, unsigned, const char *);
unsigned	 db_nparams(const struct dbstmt *);
void		 db_bind_int(struct dbstmt *, unsigned, long long);
void		 db_bind_null(struct dbstmt *, unsigned);
int		 db_exec(struct dbstmt *);
int		 db_exec_stream(struct dbstmt *);
unsigned	 db_errno(struct dbstmt *);
int		 db_refused(unsigned);
int		 db_txn_lost(MYSQL *);
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
int		 db_nest(MYSQL *);
void		 db_unnest(MYSQL *);

/* migrate.c */
int		 migrate_run(MYSQL *, const char *, int);

/* auth.c */
char		*auth_hash(const char *);
int		 auth_verify(const char *, const char *);
void		 auth_verify_none(const char *);
int		 auth_session_create(MYSQL *, long long, char *, size_t,
		     char *, size_t);
int		 auth_session_get(MYSQL *, const char *, struct session *);
int		 auth_session_delete(MYSQL *, const char *);
void		 auth_session_clear(struct session *);
void		 auth_session_copy(struct session *, const struct session *);
long long	 auth_workspace_id(MYSQL *, const char *);
long long	 auth_user_id(MYSQL *, long long, const char *, int *);
long long	 auth_throttle_wait(MYSQL *, const char *, const char *);
void		 auth_throttle_fail(MYSQL *, const char *, const char *);
void		 auth_throttle_clear(MYSQL *, const char *, const char *);
int		 auth_purge(MYSQL *);
int		 auth_sso_user(MYSQL *, const char *, const char *,
		     long long *);

/* remember.c */
char		*remember_find(MYSQL *, long long, const struct sample *);
int		 remember_save(MYSQL *, long long, const struct sample *,
		     const struct colmap *, const char *);

/* wslock.c */
int		 wslock_claim(MYSQL *, long long, const char *);
int		 wslock_hold(MYSQL *, long long, const char *);
int		 wslock_release(MYSQL *, long long, const char *);
int		 wslock_busy(MYSQL *, const char *, const char *);

/* sesscache.c */
void		 sesscache_init(void);
void		 sesscache_forget_all(void);
int		 sesscache_get(const char *, struct session *, unsigned long *);
void		 sesscache_put(const char *, const struct session *,
		     unsigned long);

/* export.c */
/* The contacts a list or an export shows: the workspace, then an optional
 * tag name and an optional LIKE pattern (export_bind_filter binds them). */
#define CONTACTS_FILTER \
	"c.workspace_id = ? " \
	"AND (? IS NULL OR EXISTS (SELECT 1 FROM contact_tags ct " \
	"JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id " \
	"AND t.name = ?)) " \
	"AND (? IS NULL OR c.first_name LIKE ? OR c.last_name LIKE ? " \
	"OR c.email LIKE ? OR a.name LIKE ? " \
	"OR CONCAT(c.first_name, ' ', c.last_name) LIKE ?)"
char		*export_like(const char *);
void		 export_cell(struct buf *, const char *, size_t, int);
void		 export_bind_filter(struct dbstmt *, long long, const char *,
		     const char *);
typedef int (*export_writefn)(void *, const char *, size_t);
int		 export_run(MYSQL *, long long, const char *, const char *,
		     export_writefn, void *);

/* imports.c: the `imports` row, one owner */
/* Its counters and checkpoint, as the importer keeps them. */
struct imports_row {
	const char	*state;		/* "running", "done", ... */
	long long	 rows_processed;
	long long	 created;
	long long	 updated;
	long long	 unchanged;
	long long	 skipped;
	long long	 failed;
	long long	 warnings;
	long long	 errors_total;
	long long	 checkpoint_row;
	long long	 checkpoint_offset;
	long long	 rows_total;	/* -1: not known (NULL) */
	const char	*message;
	long long	 tagged;
	long long	 queued;	/* queued_to_workflow */
	long long	 dnt;
	long long	 enriched;
	long long	 enrich_failed;
};
/* Where an import stood when it was read back (imports_resume). */
enum imports_state {
	IMPORTS_GOING,		/* queued or running */
	IMPORTS_DONE,
	IMPORTS_FAILED
};
typedef void (*imports_errorfn)(void *, unsigned long, const char *,
    const char *, const char *, const char *, const char *);
int		 imports_register(MYSQL *, const struct manifest *, char **);
long long	 imports_differs(MYSQL *, long long, const char *, const char *,
		     char **);
int		 imports_reviews_expire(MYSQL *, unsigned,
		     void (*)(void *, const char *), void *);
long long	 imports_workflow(MYSQL *, long long, const char *);
struct dbstmt	*imports_checkpoint_prepare(MYSQL *);
int		 imports_checkpoint(struct dbstmt *, const char *,
		     const struct imports_row *);
int		 imports_resume(MYSQL *, const char *, struct imports_row *,
		     char **);
int		 imports_errors(MYSQL *, const char *, unsigned,
		     imports_errorfn, void *);
int		 imports_running(MYSQL *, const char *);
int		 imports_fail(MYSQL *, const char *, const char *);
long long	 imports_checkpoint_row(MYSQL *, const char *);
void		 imports_give_up(MYSQL *, const char *, const char *);
int		 imports_names(MYSQL *, const char *, char **, char **,
		     char **);

#endif /* DB_H */
