/*
 * Who is asking: password hashes (libxcrypt, yescrypt), sessions in
 * MariaDB, and the lookups of workspaces and users by name.
 *
 * A session cookie carries a random 256-bit token; the table stores only
 * its SHA-256, so the sessions table alone cannot be replayed.
 */
#include <crypt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

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

/*
 * A hash no password matches, made once per process with auth_hash's
 * parameters: a login that has no hash to check (an unknown email, a
 * user without a password) checks this one, so that it costs what a
 * wrong password costs and its time does not tell which emails have an
 * account.
 */
static const char *
auth_dummy_hash(void)
{
	static char	*dummy;
	char		 pw[33];

	if (dummy == NULL) {
		randid_hex(pw, sizeof pw);
		dummy = auth_hash(pw);
		explicit_bzero(pw, sizeof pw);
	}
	return (dummy);
}

/* The work of checking a wrong password, for a login that has no hash to
 * check; never a match. */
void
auth_verify_none(const char *password)
{
	const char	*dummy;

	if ((dummy = auth_dummy_hash()) != NULL)
		(void)auth_verify(password, dummy);
}

/* 1 if password matches hash; compared in constant time. No hash costs
 * the same as a wrong one. */
int
auth_verify(const char *password, const char *hash)
{
	struct crypt_data	*cd;
	char			*h;
	int			 ok = 0;

	if (hash == NULL || hash[0] == '\0') {
		auth_verify_none(password);
		return (0);
	}
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
	s = db_prepare_kept(db, "SELECT u.id, u.email, u.role, w.id, w.slug, "
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

	int		 r;

	auth_sha256_hex(token, hash);
	r = db_run(db, "DELETE FROM sessions WHERE token_hash = ?", 1, arg);
	/* after the delete: a check from now on cannot find it */
	sesscache_forget_all();
	return (r);
}

/* dst becomes a copy of src (its strings its own). */
void
auth_session_copy(struct session *dst, const struct session *src)
{
	*dst = *src;
	dst->email = src->email ? xstrdup(src->email) : NULL;
	dst->workspace = src->workspace ? xstrdup(src->workspace) : NULL;
	dst->workspace_name = src->workspace_name ?
	    xstrdup(src->workspace_name) : NULL;
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

/*
 * Slowing down repeated failed logins, as OWASP advises: failures are
 * counted per (email, client address) pair and per address
 * (login_failures), never per email alone, so that failures from one
 * address never stop a correct login from another (counted per email,
 * anybody could keep any account locked). The first AUTH_FREE_PAIR
 * failures of a pair (AUTH_FREE_IP of an address, which an office may
 * share) cost nothing; after that each failure locks the pair or address
 * for 2^(n - free) seconds, at most AUTH_LOCK_MAX, and while it is
 * locked a login is answered 429 with Retry-After without looking at the
 * password. A row is forgotten AUTH_FORGET seconds after its last
 * failure; a good login clears its pair's count (not the address's: one
 * known password must not reset guessing at the others).
 */
#define AUTH_FREE_PAIR	5
#define AUTH_FREE_IP	20
#define AUTH_LOCK_MAX	900
#define AUTH_FORGET	3600

/* The key of a pair's row: "ADDRESS EMAIL"; the caller frees it. */
static char *
auth_pair_key(const char *email, const char *ip)
{
	char	*k;

	xasprintf(&k, "%s %s", ip != NULL && *ip != '\0' ? ip : "-", email);
	return (k);
}

static long long
auth_lock_seconds(long long failures, long long free_tries)
{
	long long	n = failures - free_tries, d = 1;

	if (n <= 0)
		return (0);
	while (n-- > 0 && d < AUTH_LOCK_MAX)
		d *= 2;
	return (d < AUTH_LOCK_MAX ? d : AUTH_LOCK_MAX);
}

/* Seconds left of the lock on one key; 0 if none, -1 on error. */
static long long
auth_throttle_one(MYSQL *db, const char *kind, const char *k,
    long long free_tries)
{
	struct dbstmt	*s;
	long long	 left = 0, lock;

	if (k == NULL || *k == '\0')
		return (0);
	s = db_prepare(db, "SELECT failures, "
	    "TIMESTAMPDIFF(SECOND, last_failed_at, NOW()) FROM login_failures "
	    "WHERE kind = ? AND k = ? "
	    "AND last_failed_at > NOW() - INTERVAL ? SECOND");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, kind);
	db_bind_str(s, 1, k);
	db_bind_int(s, 2, AUTH_FORGET);
	if (db_exec(s) == -1)
		left = -1;
	else if (db_fetch(s) == 1) {
		lock = auth_lock_seconds(db_col_int(s, 0), free_tries);
		if (lock > db_col_int(s, 1))
			left = lock - db_col_int(s, 1);
	}
	db_close(s);
	return (left);
}

/* Seconds a login for email from address ip must wait: 0 if it may try
 * now, -1 on error. */
long long
auth_throttle_wait(MYSQL *db, const char *email, const char *ip)
{
	char		*pair = auth_pair_key(email, ip);
	long long	 a, b = -1;

	if ((a = auth_throttle_one(db, "pair", pair, AUTH_FREE_PAIR)) != -1)
		b = auth_throttle_one(db, "ip", ip, AUTH_FREE_IP);
	free(pair);
	if (a == -1 || b == -1)
		return (-1);
	return (a > b ? a : b);
}

/* Count a failed login of email from ip. */
void
auth_throttle_fail(MYSQL *db, const char *email, const char *ip)
{
	struct dbstmt	*s;
	char		*pair = auth_pair_key(email, ip);
	const char	*kind[2] = { "pair", "ip" }, *k[2] = { pair, ip };
	int		 i;

	s = db_prepare(db, "INSERT INTO login_failures (kind, k, failures) "
	    "VALUES (?, ?, 1) ON DUPLICATE KEY UPDATE "
	    "failures = IF(last_failed_at > NOW() - INTERVAL ? SECOND, "
	    "failures + 1, 1), last_failed_at = NOW()");
	if (s == NULL)
		goto out;
	for (i = 0; i < 2; i++) {
		if (k[i] == NULL || *k[i] == '\0')
			continue;
		db_bind_str(s, 0, kind[i]);
		db_bind_str(s, 1, k[i]);
		db_bind_int(s, 2, AUTH_FORGET);
		db_exec(s);
	}
	db_close(s);
out:
	free(pair);
}

/* A good login: its pair starts afresh. */
void
auth_throttle_clear(MYSQL *db, const char *email, const char *ip)
{
	char		*pair = auth_pair_key(email, ip);
	const char	*arg[1] = { pair };

	db_run(db, "DELETE FROM login_failures WHERE kind = 'pair' AND k = ?",
	    1, arg);
	free(pair);
}

/*
 * Housekeeping: sessions past their idle or absolute expiry (already
 * refused at every request, see auth_session_get) and failed-login rows
 * older than AUTH_FORGET (no longer counted) are deleted. The number of
 * rows deleted; -1 on error.
 */
int
auth_purge(MYSQL *db)
{
	struct dbstmt		*s;
	unsigned long long	 n;

	s = db_prepare(db, "DELETE FROM sessions "
	    "WHERE last_seen_at <= NOW() - INTERVAL ? SECOND "
	    "OR created_at <= NOW() - INTERVAL ? SECOND");
	if (s == NULL)
		goto fail;
	db_bind_int(s, 0, conf.session_idle);
	db_bind_int(s, 1, conf.session_max);
	if (db_exec(s) == -1)
		goto fail;
	n = db_affected(s);
	db_close(s);
	s = db_prepare(db, "DELETE FROM login_failures "
	    "WHERE last_failed_at <= NOW() - INTERVAL ? SECOND");
	if (s == NULL)
		goto fail;
	db_bind_int(s, 0, AUTH_FORGET);
	if (db_exec(s) == -1)
		goto fail;
	n += db_affected(s);
	db_close(s);
	return (n > INT_MAX ? INT_MAX : (int)n);

fail:
	db_close(s);
	return (-1);
}

/* The one user with this email, for a login vouched for by an SSO proxy:
 * 1 and *id, 0 if there is none or it is ambiguous without workspace,
 * -1 on error. */
int
auth_sso_user(MYSQL *db, const char *email, const char *workspace,
    long long *id)
{
	struct dbstmt	*s;
	int		 n = 0;

	s = db_prepare(db, "SELECT u.id FROM users u "
	    "JOIN workspaces w ON w.id = u.workspace_id "
	    "WHERE u.email = ? AND (? IS NULL OR w.slug = ?) LIMIT 2");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, email);
	db_bind_str(s, 1, workspace);
	db_bind_str(s, 2, workspace);
	if (db_exec(s) == -1) {
		db_close(s);
		return (-1);
	}
	while (db_fetch(s) == 1) {
		*id = db_col_int(s, 0);
		n++;
	}
	db_close(s);
	return (n == 1);
}
