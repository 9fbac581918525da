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

/* db.c */
MYSQL		*db_connect(unsigned long, char **);
struct dbstmt	*db_prepare(MYSQL *, const char *);
void		 db_bind_str(struct dbstmt *, unsigned, const char *);
void		 db_bind_int(struct dbstmt *, unsigned, long long);
void		 db_bind_null(struct dbstmt *, unsigned);
int		 db_exec(struct dbstmt *);
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

#endif /* DB_H */
