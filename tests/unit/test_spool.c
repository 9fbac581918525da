/* The drop protocol: nothing is visible in incoming/ before the commit, a
 * committed drop has its data, manifest and queued status, one claim wins,
 * and recovery gives back what a dead watcher held but not what a live one
 * holds. */
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
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
