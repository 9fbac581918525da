/*
 * What an import would make of a file, before it is queued: the reader's
 * own answer (encoding, delimiter, the header past any preamble) and the
 * column map the import would use (suggested, remembered, chosen), with
 * the required-column check. The web window shows it (POST
 * /api/imports/preview), `intake preview` prints it; both hand the head
 * of the file to preview_file, so what they show is what the import does.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "spool.h"

#define PREVIEW_SAMPLES	5	/* values shown per column */
#define PREVIEW_CUT_BUF	65536

/* Up to PREVIEW_SAMPLES distinct non-empty values of column c. */
static json_object *
preview_samples(const struct sample *sm, size_t c, long long *filled)
{
	json_object	*a;
	size_t		 r, k, n = 0;
	const char	*v;
	int		 seen;

	a = json_object_new_array();
	*filled = 0;
	for (r = 0; r < sm->nrows; r++) {
		v = sm->cells[r][c];
		if (v[strspn(v, " \t\r\n")] == '\0')
			continue;
		(*filled)++;
		if (n == PREVIEW_SAMPLES)
			continue;
		for (seen = 0, k = 0; k < r && !seen; k++)
			seen = strcmp(sm->cells[k][c], v) == 0;
		if (seen)
			continue;
		json_object_array_add(a, json_object_new_string(v));
		n++;
	}
	return (a);
}

/* Every target a column can be given, in the order a menu shows them. */
static json_object *
preview_targets(void)
{
	json_object	*a;
	int		 i;

	a = json_object_new_array();
	for (i = 0; i < COL__MAX; i++)
		if (i != COL_CREATED_AT && i != COL_UPDATED_AT)
			json_object_array_add(a, json_object_new_string(
			    columns_name(i, conf.id_header)));
	json_object_array_add(a, json_object_new_string("custom"));
	json_object_array_add(a, json_object_new_string("ignore"));
	return (a);
}

/* The encodings the window offers: name (iconv's) and label. */
static json_object *
preview_encodings(void)
{
	json_object	*a, *e;
	const char	*name, *label;
	size_t		 i;

	a = json_object_new_array();
	for (i = 0; (name = textenc_choice(i, &label)) != NULL; i++) {
		e = json_object_new_object();
		json_object_object_add(e, "name", json_object_new_string(name));
		json_object_object_add(e, "label",
		    json_object_new_string(label));
		json_object_array_add(a, e);
	}
	return (a);
}

/* What the user should know of how the file is read, one line each:
 * lines before the header, after the rows (known once the file was
 * counted), columns without a header or whose field another column has,
 * a remembered mapping used. The import's status says the same. */
json_object *
preview_notes(const struct prepared *p, const struct colmap *cm,
    int remembered)
{
	json_object	*a;
	char		*t;
	size_t		 i, n = 0;
	int		 k;

	a = json_object_new_array();
	if (p->preamble > 0) {
		xasprintf(&t, "The header is on row %lu: the %lu line%s before "
		    "it %s not imported", p->preamble + 1, p->preamble,
		    p->preamble == 1 ? "" : "s", p->preamble == 1 ? "is" :
		    "are");
		json_object_array_add(a, json_object_new_string(t));
		free(t);
	}
	if (p->footer > 0) {
		xasprintf(&t, "The %lu line%s after row %lu %s not contacts "
		    "(a report's footer): not imported", p->footer,
		    p->footer == 1 ? "" : "s", p->last_row,
		    p->footer == 1 ? "is" : "are");
		json_object_array_add(a, json_object_new_string(t));
		free(t);
	}
	for (i = 0; i < cm->ncols; i++)
		n += cm->header[i][0] == '\0';
	if (n > 0) {
		xasprintf(&t, "%zu column%s no header: %s values are kept as "
		    "custom data under \"Column N\"", n, n == 1 ? " has" :
		    "s have", n == 1 ? "its" : "their");
		json_object_array_add(a, json_object_new_string(t));
		free(t);
	}
	/* A column whose header names a field another column has. */
	for (i = 0; i < cm->ncols; i++) {
		if (cm->kind[i] != COL_CUSTOM || cm->header[i][0] == '\0' ||
		    (k = columns_lookup(cm->header[i], conf.id_header)) < 0 ||
		    cm->pos[k] < 0)
			continue;
		xasprintf(&t, "\"%s\" also means %s, which column %d (\"%s\") "
		    "has: it is kept as custom data \"%s\"", cm->header[i],
		    columns_name(k, conf.id_header), cm->pos[k] + 1,
		    cm->header[cm->pos[k]], cm->key[i]);
		json_object_array_add(a, json_object_new_string(t));
		free(t);
	}
	if (remembered)
		json_object_array_add(a, json_object_new_string("The columns "
		    "are mapped as the last file with these headers was"));
	return (a);
}

static json_object *
preview_str(const char *s)
{
	return (s != NULL ? json_object_new_string(s) : NULL);
}

/*
 * The preview of the file dir/data.csv (a drop's, or a head written for
 * the purpose) for workspace ws_id (0: none, nothing remembered), with
 * the chosen mapping (or NULL). NULL with *cause if the file cannot be
 * read or the mapping cannot be used.
 */
json_object *
preview_file(MYSQL *db, long long ws_id, const char *dir, enum flow flow,
    const char *chosen, const char *encoding, char **cause)
{
	struct prepared	 p;
	struct colmap	 cm;
	json_object	*o = NULL, *cols, *c, *notes;
	char		*remembered = NULL, *problem = NULL;
	long long	 filled;
	size_t		 i;

	memset(&cm, 0, sizeof cm);
	if (prepare_file(dir, 0, encoding, &p, cause) == -1)
		return (NULL);
	close(p.fd);
	if (db != NULL && ws_id > 0)
		remembered = remember_find(db, ws_id, &p.sample);
	if (mapping_build(&cm, &p.sample, conf.id_header, remembered, chosen,
	    cause) == -1)
		goto out;

	o = json_object_new_object();
	json_object_object_add(o, "encoding",
	    json_object_new_string(p.encoding));
	json_object_object_add(o, "encodings", preview_encodings());
	/* Lines of a UTF-8 file that are not UTF-8 (of the head seen). */
	json_object_object_add(o, "recoded_lines",
	    json_object_new_int64(p.nrecoded));
	json_object_object_add(o, "recoded_as", preview_str(p.nrecoded > 0 ?
	    p.recoded_as : NULL));
	json_object_object_add(o, "delimiter", json_object_new_string(
	    p.delim == '\t' ? "tab" : (char []){ p.delim, '\0' }));
	json_object_object_add(o, "header_row",
	    json_object_new_int64(p.preamble + 1));
	json_object_object_add(o, "preamble",
	    json_object_new_int64(p.preamble));
	json_object_object_add(o, "rows_seen",
	    json_object_new_int64(p.sample.nrows));
	json_object_object_add(o, "remembered",
	    json_object_new_boolean(remembered != NULL));
	cols = json_object_new_array();
	for (i = 0; i < cm.ncols; i++) {
		c = json_object_new_object();
		json_object_object_add(c, "index", json_object_new_int64(i + 1));
		json_object_object_add(c, "header",
		    json_object_new_string(cm.header[i]));
		json_object_object_add(c, "samples",
		    preview_samples(&p.sample, i, &filled));
		json_object_object_add(c, "filled",
		    json_object_new_int64(filled));
		json_object_object_add(c, "to", json_object_new_string(
		    mapping_target_name(cm.kind[i], conf.id_header)));
		json_object_object_add(c, "key", preview_str(cm.key[i]));
		json_object_object_add(c, "why", preview_str(cm.why[i]));
		json_object_array_add(cols, c);
	}
	json_object_object_add(o, "columns", cols);
	json_object_object_add(o, "targets", preview_targets());
	mapping_required(&cm, flow, conf.id_header, &problem);
	json_object_object_add(o, "ok", json_object_new_boolean(problem ==
	    NULL));
	json_object_object_add(o, "problem", preview_str(problem));
	notes = preview_notes(&p, &cm, remembered != NULL && chosen == NULL);
	json_object_object_add(o, "notes", notes);

out:
	free(problem);
	free(remembered);
	mapping_clear(&cm);
	prepare_clear(&p);
	return (o);
}

/* A head cut short ends at its last line break, so that its last record
 * is whole (most often; the reader copes with the rest). */
int
preview_cut(const char *path, int utf16)
{
	char		 buf[PREVIEW_CUT_BUF];
	struct stat	 sb;
	off_t		 off, keep = -1;
	ssize_t		 n, i;
	int		 fd, r = -1;

	if ((fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return (-1);
	if (fstat(fd, &sb) == -1)
		goto out;
	for (off = sb.st_size; off > 0 && keep == -1; ) {
		n = off > (off_t)sizeof buf ? (ssize_t)sizeof buf : off;
		off -= n;
		if (pread(fd, buf, n, off) != n)
			goto out;
		for (i = n - 1; i >= 0; i--)
			if (buf[i] == '\n') {
				keep = off + i + 1;
				break;
			}
	}
	if (keep > 0 && utf16 && (keep & 1))
		keep++;
	r = keep > 0 ? ftruncate(fd, keep) : 0;
out:
	close(fd);
	return (r);
}
