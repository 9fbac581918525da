/* The drop protocol: nothing is visible in incoming/ before the commit, a
 * committed drop has its data, manifest and queued status, one claim wins,
 * and recovery gives back what a dead watcher held but not what a live one
 * holds. The status file's one writer keeps what it does not change. A
 * drop's file, read once for its checksum, encoding and rows, is found
 * damaged whatever way it is read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "spool.h"

static char	spool[256];

static int
setup(void **state)
{
	conf_defaults();
	snprintf(spool, sizeof spool, "%s/intake-spool.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(spool) == NULL)
		return (-1);
	return (spool_init(spool));
}

static int
teardown(void **state)
{
	char	*cmd;

	xasprintf(&cmd, "rm -rf '%s'", spool);
	if (system(cmd) != 0)
		return (-1);
	free(cmd);
	return (0);
}

static int
count(const char *queue)
{
	char		*p = spool_path(spool, queue, NULL, NULL);
	DIR		*d = opendir(p);
	struct dirent	*de;
	int		 n = 0;

	free(p);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return (n);
}

static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*buf = xcalloc(1, 1 << 16);

	assert_non_null(f);
	(void)fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	return (buf);
}

static struct drop *
make_drop(const char *data, struct manifest *m)
{
	struct drop	*d;
	char		*cause = NULL;

	d = spool_begin(spool, &cause);
	assert_non_null(d);
	assert_int_equal(spool_write(d, data, strlen(data)), 0);
	memset(m, 0, sizeof *m);
	m->workspace = xstrdup("acme");
	m->uploader = xstrdup("ed@acme.test");
	m->file_name = xstrdup("list.csv");
	return (d);
}

static void
test_commit(void **state)
{
	struct manifest	 m, back;
	struct drop	*d;
	char		 id[INTAKE_ID_MAX], *p, *text, *cause = NULL;
	json_object	*st, *v;

	d = make_drop("a,b\n1,2\n", &m);
	snprintf(id, sizeof id, "%s", spool_drop_id(d));
	assert_true(randid_drop_valid(id));
	assert_int_equal(count("tmp"), 1);
	assert_int_equal(count("incoming"), 0);	/* not before the commit */
	assert_int_equal(spool_commit(d, &m, &cause), 0);
	assert_int_equal(count("tmp"), 0);
	assert_int_equal(count("incoming"), 1);

	p = spool_path(spool, "incoming", id, "data.csv");
	text = slurp(p);
	assert_string_equal(text, "a,b\n1,2\n");
	free(text);
	free(p);
	p = spool_path(spool, "incoming", id, "manifest.json");
	text = slurp(p);
	assert_int_equal(manifest_decode(&back, text, &cause), 0);
	assert_string_equal(back.id, id);
	assert_int_equal(back.size, 8);
	/* sha256sum of "a,b\n1,2\n" */
	assert_string_equal(back.sha256, "492d5ea496056f1a6a6592241032fab7"
	    "64c321596317930b4fa0e1e8bc3b7470");
	manifest_clear(&back);
	free(text);
	free(p);

	xasprintf(&p, "%s/status/%s.json", spool, id);
	st = json_object_from_file(p);
	free(p);
	assert_non_null(st);
	assert_true(json_object_object_get_ex(st, "state", &v));
	assert_string_equal(json_object_get_string(v), "queued");
	assert_true(json_object_object_get_ex(st, "rows_total", &v));
	assert_null(v);
	json_object_put(st);
	manifest_clear(&m);
}

static void
test_abort_leaves_nothing(void **state)
{
	struct manifest	 m;
	struct drop	*d;

	d = make_drop("x", &m);
	spool_abort(d);
	assert_int_equal(count("tmp"), 0);
	assert_int_equal(count("incoming"), 0);
	manifest_clear(&m);
}

static void
test_claim_once(void **state)
{
	struct manifest	 m;
	struct drop	*d;
	char		 id[INTAKE_ID_MAX], **ids, *cause = NULL;
	size_t		 n;
	int		 fd;

	d = make_drop("a\n", &m);
	snprintf(id, sizeof id, "%s", spool_drop_id(d));
	assert_int_equal(spool_commit(d, &m, &cause), 0);
	assert_int_equal(spool_scan(spool, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], id);
	free(ids[0]);
	free(ids);
	fd = spool_claim(spool, id);
	assert_true(fd != -1);
	assert_int_equal(spool_claim(spool, id), -1);	/* second one loses */
	assert_int_equal(count("active"), 1);
	assert_int_equal(spool_finish(spool, id, 1), 0);
	close(fd);
	assert_int_equal(count("done"), 1);
	/* Names that are not our IDs are never touched. */
	assert_int_equal(spool_claim(spool, "../done"), -1);
	manifest_clear(&m);
}

static void
test_recover(void **state)
{
	struct manifest	 m;
	struct drop	*d;
	char		 a[INTAKE_ID_MAX], b[INTAKE_ID_MAX], *cause = NULL;
	int		 fd;

	d = make_drop("a\n", &m);
	snprintf(a, sizeof a, "%s", spool_drop_id(d));
	assert_int_equal(spool_commit(d, &m, &cause), 0);
	manifest_clear(&m);
	do {
		d = make_drop("b\n", &m);
		snprintf(b, sizeof b, "%s", spool_drop_id(d));
		if (strcmp(a, b) == 0)
			spool_abort(d);
	} while (strcmp(a, b) == 0);
	assert_int_equal(spool_commit(d, &m, &cause), 0);
	manifest_clear(&m);

	/* a's watcher died (its lock went with it); b is held by a live
	 * watcher, from the claim on. */
	close(spool_claim(spool, a));
	fd = spool_claim(spool, b);
	assert_true(fd != -1);
	/* While b is held, nobody can claim it again, even from incoming/. */
	assert_int_equal(spool_recover(spool), 1);
	assert_int_equal(count("incoming"), 1);
	assert_int_equal(count("active"), 1);
	close(fd);
	assert_int_equal(spool_recover(spool), 1);
	assert_int_equal(count("active"), 0);
	assert_int_equal(count("incoming"), 2);
}

/* A drop directory of spool holding data.csv: the file's bytes. */
static char *
file_dir(const void *data, size_t len)
{
	char	*dir, *p;
	FILE	*f;

	xasprintf(&dir, "%s/tmp/d", spool);
	assert_int_equal(mkdir(dir, 0700), 0);
	xasprintf(&p, "%s/data.csv", dir);
	assert_non_null(f = fopen(p, "w"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	free(p);
	return (dir);
}

static void
sha_hex(const void *data, size_t len, char hex[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen, i;

	assert_int_equal(EVP_Digest(data, len, md, &mdlen, EVP_sha256(),
	    NULL), 1);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* Rows data.csv would have: "h1,h2" then n rows, the rows after the
 * first ten with one non-ASCII byte (bad UTF-8 if latin1, else é). */
static char *
rows(int n, int latin1, size_t *len)
{
	struct buf	b;
	char		line[64];
	char		*s;
	int		i;

	buf_init(&b, 1 << 24);
	buf_add(&b, "h1,h2\n", 6);
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof line, "r%d,%s\n", i, i < 10 ? "x" :
		    latin1 ? "caf\xe9" : "caf\xc3\xa9");
		buf_add(&b, line, strlen(line));
	}
	*len = b.len;
	s = xmalloc(b.len + 1);
	memcpy(s, buf_str(&b), b.len + 1);
	buf_free(&b);
	return (s);
}

/* A UTF-8 file: read as it is, counted, checksummed; another checksum or
 * size is a damaged file, said before anything else. */
static void
test_prepare_utf8(void **state)
{
	struct prepared	 p;
	char		*data, *dir, *cause, sha[65];
	size_t		 len;

	data = rows(30000, 0, &len);	/* more than a read's buffer */
	dir = file_dir(data, len);
	sha_hex(data, len, sha);
	assert_int_equal(prepare_import(dir, NULL, sha, len, &p, &cause), 0);
	assert_string_equal(p.encoding, "UTF-8");
	assert_int_equal(p.rows, 30000);
	assert_int_equal(p.delim, ',');
	assert_true(p.fd != -1);
	close(p.fd);
	prepare_clear(&p);
	/* the same rows as the count without the checksum */
	assert_int_equal(prepare_file(dir, 1, NULL, &p, &cause), 0);
	assert_int_equal(p.rows, 30000);
	close(p.fd);
	prepare_clear(&p);

	assert_int_equal(prepare_import(dir, NULL, sha, len + 1, &p, &cause),
	    -1);
	assert_non_null(strstr(cause, "damaged"));
	free(cause);
	sha[0] = sha[0] == '0' ? '1' : '0';
	assert_int_equal(prepare_import(dir, NULL, sha, len, &p, &cause),
	    -1);
	assert_non_null(strstr(cause, "damaged"));
	assert_int_equal(p.fd, -1);
	free(cause);
	free(dir);
	free(data);
}

/* Bytes this process has read so far (read(2), pread(2)). */
static long long
rchar(void)
{
	FILE		*f;
	char		 line[128];
	long long	 n = -1;

	assert_non_null(f = fopen("/proc/self/io", "r"));
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "rchar: %lld", &n) == 1)
			break;
	fclose(f);
	assert_true(n >= 0);
	return (n);
}

/* A UTF-8 file is read once for its checksum, its lines' encoding and
 * its rows (and its head again: a few KiB). */
static void
test_prepare_once(void **state)
{
	struct prepared	 p;
	char		*data, *dir, *cause, sha[65];
	size_t		 len;
	long long	 before, read;

	data = rows(200000, 0, &len);
	dir = file_dir(data, len);
	sha_hex(data, len, sha);
	before = rchar();
	assert_int_equal(prepare_import(dir, NULL, sha, len, &p, &cause), 0);
	read = rchar() - before;
	assert_int_equal(p.rows, 200000);
	close(p.fd);
	prepare_clear(&p);
	assert_true(read >= (long long)len);
	assert_true(read < (long long)len + 256 * 1024);
	free(dir);
	free(data);
}

/* A file to convert: converted once, counted after; a change to the
 * original is found when it is converted, and when the converted copy
 * is read again (a resume). */
static void
test_prepare_converted(void **state)
{
	struct prepared	 p;
	char		*data, *dir, *cause, *path, sha[65];
	size_t		 len;
	FILE		*f;

	data = rows(5000, 1, &len);
	dir = file_dir(data, len);
	sha_hex(data, len, sha);
	sha[10] = sha[10] == 'a' ? 'b' : 'a';
	assert_int_equal(prepare_import(dir, NULL, sha, len, &p, &cause), -1);
	assert_non_null(strstr(cause, "damaged"));
	free(cause);
	sha_hex(data, len, sha);
	assert_int_equal(prepare_import(dir, NULL, sha, len, &p, &cause), 0);
	assert_string_equal(p.encoding, "WINDOWS-1252");
	assert_int_equal(p.rows, 5000);
	close(p.fd);
	prepare_clear(&p);
	xasprintf(&path, "%s/data.utf8.csv", dir);
	assert_int_equal(access(path, R_OK), 0);
	free(path);

	/* A resume reads the converted copy: the original is still
	 * checked. */
	assert_int_equal(prepare_import(dir, NULL, sha, len, &p, &cause), 0);
	assert_int_equal(p.rows, 5000);
	close(p.fd);
	prepare_clear(&p);
	xasprintf(&path, "%s/data.csv", dir);
	assert_non_null(f = fopen(path, "r+"));
	assert_int_equal(fputc('X', f), 'X');
	fclose(f);
	free(path);
	assert_int_equal(prepare_import(dir, NULL, sha, len, &p, &cause), -1);
	assert_non_null(strstr(cause, "damaged"));
	free(cause);
	free(dir);
	free(data);
}

/* Mostly UTF-8 with a few bad lines: only those are recoded, and the
 * count is of the converted file; an emptied file is damaged, not
 * empty. */
static void
test_prepare_mixed(void **state)
{
	struct prepared	 p;
	const char	*data = "h1,h2\nr1,caf\xc3\xa9\nr2,caf\xc3\xa9\n"
	    "r3,caf\xe9\nr4,x\n";
	char		*dir, *cause, *path, sha[65];
	size_t		 len = strlen(data);

	dir = file_dir(data, len);
	sha_hex(data, len, sha);
	assert_int_equal(prepare_import(dir, NULL, sha, len, &p, &cause), 0);
	assert_string_equal(p.encoding, "UTF-8");
	assert_int_equal(p.nrecoded, 1);
	assert_int_equal(p.rows, 4);
	close(p.fd);
	prepare_clear(&p);
	xasprintf(&path, "%s/data.utf8.csv", dir);
	unlink(path);
	free(path);
	xasprintf(&path, "%s/data.csv", dir);
	assert_int_equal(truncate(path, 0), 0);
	free(path);
	assert_int_equal(prepare_import(dir, NULL, sha, len, &p, &cause), -1);
	assert_non_null(strstr(cause, "damaged"));
	free(cause);
	assert_int_equal(prepare_file(dir, 1, NULL, &p, &cause), -1);
	assert_string_equal(cause, "The file is empty");
	free(cause);
	free(dir);
}

/* The status file's writers: a change keeps what else it says. */
static void
test_status_amend(void **state)
{
	struct status		 st;
	struct status_field	 f[1];
	json_object		*o, *v;
	char			*p;

	status_init(&st, "D1");
	st.workspace = xstrdup("acme");
	st.file = xstrdup("list.csv");
	assert_int_equal(status_write(spool, &st), STATUS_OK);
	status_clear(&st);
	p = status_path(spool, "D1");
	assert_non_null(strstr(p, "/status/D1.json"));
	free(p);

	assert_int_equal(status_wait(spool, "D1", "Waiting"), STATUS_OK);
	assert_non_null(o = status_load(spool, "D1"));
	assert_true(json_object_object_get_ex(o, "waiting", &v));
	assert_string_equal(json_object_get_string(v), "Waiting");
	assert_true(json_object_object_get_ex(o, "file", &v));
	assert_string_equal(json_object_get_string(v), "list.csv");
	f[0] = (struct status_field){ "file", STATUS_FIELD_STR, "list.csv",
	    0, 0 };
	assert_true(status_agrees(o, f, 1));
	f[0].s = "other.csv";
	assert_false(status_agrees(o, f, 1));
	json_object_put(o);

	assert_int_equal(status_fail(spool, "D1", "Given up"), STATUS_OK);
	assert_non_null(o = status_load(spool, "D1"));
	assert_true(json_object_object_get_ex(o, "state", &v));
	assert_string_equal(json_object_get_string(v), "failed");
	assert_true(json_object_object_get_ex(o, "message", &v));
	assert_string_equal(json_object_get_string(v), "Given up");
	assert_true(json_object_object_get_ex(o, "waiting", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(o, "workspace", &v));
	assert_string_equal(json_object_get_string(v), "acme");
	json_object_put(o);

	/* none yet: one is made, with its id */
	assert_int_equal(status_fail(spool, "D2", "Gone"), STATUS_OK);
	assert_non_null(o = status_load(spool, "D2"));
	assert_true(json_object_object_get_ex(o, "id", &v));
	assert_string_equal(json_object_get_string(v), "D2");
	json_object_put(o);
	status_remove(spool, "D2");
	assert_null(status_load(spool, "D2"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_leaves_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prepare_utf8, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_prepare_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_prepare_converted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_prepare_mixed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_status_amend, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
