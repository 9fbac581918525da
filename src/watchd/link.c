/*
 * Linking an import's new contacts to its tags and workflow. A batch's
 * new contacts are linked after it commits, by the linker's connection
 * while the next batch is written (linker.c): the tag links and the
 * enrolments were a third of the writer's time. What is linked is a
 * range of contact ids with the import's id; import_links.linked_to says
 * how far linking has got, in the same transaction, so that an import
 * that goes on after a stop links exactly what was left.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchd.h"

/* A link on db for im's contacts: its id, tags and workflow are
 * copied (the tags resolved already, import_options). */
int
link_open(struct link *l, MYSQL *db, const struct import *im)
{
	memset(l, 0, sizeof *l);
	l->db = db;
	l->import_id = im->id;
	memcpy(l->tag_ids, im->tag_ids, im->ntags * sizeof *l->tag_ids);
	l->ntags = im->ntags;
	l->workflow_id = im->workflow_id;
	/* One statement per tag: no join, and the tag is a constant. */
	l->s_tag = db_prepare(db, "INSERT IGNORE INTO contact_tags "
	    "(contact_id, tag_id) SELECT c.id, ? FROM contacts c "
	    "WHERE c.id > ? AND c.id <= ? AND c.created_by_import = ?");
	l->s_enrol = db_prepare(db, "INSERT IGNORE INTO workflow_enrolments "
	    "(workflow_id, contact_id, import_id) SELECT ?, c.id, ? "
	    "FROM contacts c WHERE c.id > ? AND c.id <= ? "
	    "AND c.created_by_import = ? AND c.dnt = 0");
	l->s_done = db_prepare(db, "UPDATE import_links SET linked_to = ? "
	    "WHERE import_id = ?");
	if (l->s_tag == NULL || l->s_enrol == NULL || l->s_done == NULL) {
		link_close(l);
		return (-1);
	}
	return (0);
}

void
link_close(struct link *l)
{
	db_close(l->s_tag);
	db_close(l->s_enrol);
	db_close(l->s_done);
	memset(l, 0, sizeof *l);
}

/* Is there anything to link, ever? */
int
link_wanted(const struct import *im)
{
	return (im->ntags > 0 || im->workflow_id != 0);
}

/*
 * Tag and enrol the import's contacts with ids in (lo, hi], and note
 * that they are, all in the caller's transaction. 0, or -1 on error.
 */
int
link_range(struct link *l, long long lo, long long hi)
{
	size_t	i;

	for (i = 0; i < l->ntags; i++) {
		db_bind_int(l->s_tag, 0, l->tag_ids[i]);
		db_bind_int(l->s_tag, 1, lo);
		db_bind_int(l->s_tag, 2, hi);
		db_bind_str(l->s_tag, 3, l->import_id);
		if (db_exec(l->s_tag) == -1)
			return (-1);
	}
	if (l->workflow_id != 0) {
		db_bind_int(l->s_enrol, 0, l->workflow_id);
		db_bind_str(l->s_enrol, 1, l->import_id);
		db_bind_int(l->s_enrol, 2, lo);
		db_bind_int(l->s_enrol, 3, hi);
		db_bind_str(l->s_enrol, 4, l->import_id);
		if (db_exec(l->s_enrol) == -1)
			return (-1);
	}
	db_bind_int(l->s_done, 0, hi);
	db_bind_str(l->s_done, 1, l->import_id);
	return (db_exec(l->s_done));
}

/* Link (lo, hi] in a transaction of its own on the link's connection.
 * 0, or -1 (rolled back). */
int
link_commit(struct link *l, long long lo, long long hi)
{
	if (db_begin(l->db) == -1 || link_range(l, lo, hi) == -1 ||
	    db_commit(l->db) == -1) {
		db_rollback(l->db);
		return (-1);
	}
	return (0);
}

/*
 * Where linking stands for an import starting or going on: linked_to,
 * set to the end of the contacts table the first time (ids only grow,
 * so all the import will make lies past it). im->linked gets it and
 * im->made the table's end: what lies between, with the import's id, a
 * stop left unlinked. 0, or -1 on error.
 */
int
link_resume(struct import *im)
{
	struct dbstmt	*s;
	int		 r = -1;

	long long	 end;
	char		 v[32];
	const char	*args[2];

	/* The table's end by a plain read, then the row by value: an
	 * INSERT ... SELECT MAX(id) would lock the end of contacts, where
	 * every workspace's imports insert. */
	if ((s = db_prepare(im->db, "SELECT COALESCE(MAX(id), 0) "
	    "FROM contacts")) == NULL)
		return (-1);
	if (db_exec(s) == -1 || db_fetch(s) != 1)
		goto out;
	end = db_col_int(s, 0);
	db_close(s);
	snprintf(v, sizeof v, "%lld", end);
	args[0] = im->id;
	args[1] = v;
	if (db_run(im->db, "INSERT IGNORE INTO import_links (import_id, "
	    "linked_to) VALUES (?, ?)", 2, args) == -1)
		return (-1);
	s = db_prepare(im->db, "SELECT linked_to FROM import_links "
	    "WHERE import_id = ?");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, im->id);
	if (db_exec(s) == -1 || db_fetch(s) != 1)
		goto out;
	im->linked = db_col_int(s, 0);
	im->made = link_wanted(im) ? end : im->linked;
	r = 0;
out:
	db_close(s);
	return (r);
}
