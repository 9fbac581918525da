/*
 * Who is asking: password hashes (libxcrypt, yescrypt), sessions in
 * MariaDB, and the lookups of workspaces and users by name.
 *
 * A session cookie carries a random 256-bit token; the table stores only
 * its SHA-256, so the sessions table alone cannot be replayed.
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "intake.h"
#include "db.h"

/* A yescrypt hash of a password; the caller frees it. NULL on error. */
char *
auth_hash(const char *password)
{
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data	*cd;
	char			*h, *out = NULL;

	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt) == NULL)
		return (NULL);
	cd = xcalloc(1, sizeof *cd);
	h = crypt_r(password, salt, cd);
	if (h != NULL && h[0] != '*')
		out = xstrdup(h);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return (out);
}

/* 1 if password matches hash; compared in constant time. */
int
auth_verify(const char *password, const char *hash)
{
	struct crypt_data	*cd;
	char			*h;
	int			 ok = 0;

	if (hash == NULL || hash[0] == '\0')
		return (0);
	cd = xcalloc(1, sizeof *cd);
	h = crypt_r(password, hash, cd);
	if (h != NULL && h[0] != '*' && strlen(h) == strlen(hash))
		ok = CRYPTO_memcmp(h, hash, strlen(h)) == 0;
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return (ok);
}

static void
auth_sha256_hex(const char *in, char out[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	len, i;

	if (EVP_Digest(in, strlen(in), md, &len, EVP_sha256(), NULL) != 1)
		fatalx("sha256");
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* New session for a user: token (cookie) and csrf filled in. */
int
auth_session_create(MYSQL *db, long long user_id, char *token, size_t tlen,
    char *csrf, size_t clen)
{
	struct dbstmt	*s;
	char		 hash[65];
	int		 r;

	randid_hex(token, tlen);
	randid_hex(csrf, clen);
	auth_sha256_hex(token, hash);
	s = db_prepare(db, "INSERT INTO sessions (token_hash, user_id, "
	    "csrf_token) VALUES (?, ?, ?)");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, hash);
	db_bind_int(s, 1, user_id);
	db_bind_str(s, 2, csrf);
	r = db_exec(s);
	db_close(s);
	return (r);
}

/*
 * Look a session up by its cookie token: 1 and *se filled, 0 if there is
 * none or it expired (idle or absolute), -1 on error. A live session's
 * last_seen_at moves at most once a minute.
 */
int
auth_session_get(MYSQL *db, const char *token, struct session *se)
{
	struct dbstmt	*s;
	char		 hash[65];
	int		 r;

	memset(se, 0, sizeof *se);
	if (strlen(token) != 64)
		return (0);
	auth_sha256_hex(token, hash);
	s = db_prepare(db, "SELECT u.id, u.email, u.role, w.id, w.slug, "
	    "w.name, s.csrf_token, "
	    "s.last_seen_at < NOW() - INTERVAL 60 SECOND "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "JOIN workspaces w ON w.id = u.workspace_id "
	    "WHERE s.token_hash = ? "
	    "AND s.last_seen_at > NOW() - INTERVAL ? SECOND "
	    "AND s.created_at > NOW() - INTERVAL ? SECOND");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, hash);
	db_bind_int(s, 1, conf.session_idle);
	db_bind_int(s, 2, conf.session_max);
	if (db_exec(s) == -1) {
		db_close(s);
		return (-1);
	}
	if ((r = db_fetch(s)) == 1) {
		se->user_id = db_col_int(s, 0);
		se->email = xstrdup(db_col_str(s, 1));
		se->editor = strcmp(db_col_str(s, 2), "editor") == 0;
		se->workspace_id = db_col_int(s, 3);
		se->workspace = xstrdup(db_col_str(s, 4));
		se->workspace_name = xstrdup(db_col_str(s, 5));
		snprintf(se->csrf, sizeof se->csrf, "%s", db_col_str(s, 6));
		if (db_col_int(s, 7)) {
			const char *arg[1] = { hash };

			db_run(db, "UPDATE sessions SET last_seen_at = NOW() "
			    "WHERE token_hash = ?", 1, arg);
		}
	}
	db_close(s);
	return (r);
}

int
auth_session_delete(MYSQL *db, const char *token)
{
	char		 hash[65];
	const char	*arg[1] = { hash };

	auth_sha256_hex(token, hash);
	return (db_run(db, "DELETE FROM sessions WHERE token_hash = ?", 1,
	    arg));
}

void
auth_session_clear(struct session *se)
{
	free(se->email);
	free(se->workspace);
	free(se->workspace_name);
	memset(se, 0, sizeof *se);
}

/* A workspace's id by slug; 0 if there is none, -1 on error. */
long long
auth_workspace_id(MYSQL *db, const char *slug)
{
	struct dbstmt	*s;
	long long	 id = -1;

	if ((s = db_prepare(db, "SELECT id FROM workspaces WHERE slug = ?")) ==
	    NULL)
		return (-1);
	db_bind_str(s, 0, slug);
	if (db_exec(s) == 0) {
		switch (db_fetch(s)) {
		case 1:
			id = db_col_int(s, 0);
			break;
		case 0:
			id = 0;
			break;
		}
	}
	db_close(s);
	return (id);
}

/* A workspace user's id by email (any case); 0 if none, -1 on error.
 * *editor tells the role when not NULL. */
long long
auth_user_id(MYSQL *db, long long workspace_id, const char *email,
    int *editor)
{
	struct dbstmt	*s;
	long long	 id = -1;

	if ((s = db_prepare(db, "SELECT id, role FROM users "
	    "WHERE workspace_id = ? AND email = ?")) == NULL)
		return (-1);
	db_bind_int(s, 0, workspace_id);
	db_bind_str(s, 1, email);
	if (db_exec(s) == 0) {
		switch (db_fetch(s)) {
		case 1:
			id = db_col_int(s, 0);
			if (editor != NULL)
				*editor = strcmp(db_col_str(s, 1),
				    "editor") == 0;
			break;
		case 0:
			id = 0;
			break;
		}
	}
	db_close(s);
	return (id);
}
