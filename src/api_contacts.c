/*
 * The workspace's contacts: GET /api/contacts/export.csv streams the
 * export (the same CSV as `intake export`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intake.h"
#include "web.h"

static int
api_contacts_write(void *arg, const char *buf, size_t len)
{
	struct http	*h = arg;

	return (FCGX_PutStr(buf, len, h->r->out) == (int)len ? 0 : -1);
}

/* GET /api/contacts/export.csv[?tag=NAME][&q=TEXT] */
void
api_contacts_export(struct http *h)
{
	char		*tag, *q, *hdr, day[16];
	time_t		 now = time(NULL);
	struct tm	 tm;

	tag = http_query(h->query, "tag");
	q = http_query(h->query, "q");
	gmtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y%m%d", &tm);
	/* The slug is [a-z0-9-]: safe inside the quoted file name. */
	xasprintf(&hdr, "Content-Disposition: attachment; "
	    "filename=\"contacts-%s-%s.csv\"\r\n", h->se.workspace, day);
	http_reply(h, 200, "text/csv; charset=utf-8", NULL, 0, hdr);
	if (export_run(h->db, h->se.workspace_id, tag && *tag ? tag : NULL, q,
	    api_contacts_write, h) == -1)
		log_warnx("export of %s stopped early", h->se.workspace);
	free(hdr);
	free(tag);
	free(q);
}
