/*
 * src/spool/: the drop protocol and the file in a drop: the spool's
 * directories, the status file, SFTP drop folders, preparing a drop's
 * file to read as UTF-8, the preview of its head, and the one way in
 * (submit.c) of every entry.
 */
#ifndef SPOOL_H
#define SPOOL_H

#include "db.h"

/* Import status, mirrored to status/ID.json. */
enum state { STATE_QUEUED, STATE_RUNNING, STATE_DONE, STATE_FAILED };

struct status {
	char		 id[INTAKE_ID_MAX];
	char		*workspace;
	enum flow	 flow;
	enum state	 state;
	int		 review;	/* only says what an import would do */
	char		*from_review;	/* the review this import follows */
	long long	 differs;	/* its rows that came out otherwise */
	char		*differs_message;
	char		*file;
	char		*uploader;	/* email, when known */
	char		*workflow;	/* the workflow it queues to, or NULL */
	long long	 rows_total;	/* -1 until known */
	long long	 rows_processed;
	long long	 bytes_total;
	long long	 bytes_processed;
	long long	 created;
	long long	 updated;
	long long	 unchanged;	/* matched, nothing to change */
	long long	 skipped;
	long long	 failed;
	long long	 warnings;
	long long	 tagged;
	long long	 queued;	/* queued_to_workflow */
	long long	 dnt;
	long long	 enrich_pending;
	long long	 enriched;
	long long	 enrich_failed;
	long long	 errors_total;
	void		*errors;	/* json_object array, first N entries */
	void		*columns;	/* json_object: how the header was read */
	void		*notes;		/* json_object: how the file was read */
	char		*message;	/* why it failed */
	char		 encoding[TEXTENC_NAME_MAX]; /* what the file was read as */
	char		 delimiter[8];
	char		*created_at;
	char		*started_at;
	char		*updated_at;
	char		*finished_at;
};

/* Where a status stood, to go back to when a batch is rolled back. */
struct status_mark {
	struct status	 st;		/* its counters */
	size_t		 nerrors;
};

/* A drop's file, ready to read as UTF-8 (prepare.c). */
struct prepared {
	int		 fd;
	char		 encoding[TEXTENC_NAME_MAX]; /* what it was read as */
	char		 recoded_as[TEXTENC_NAME_MAX]; /* lines that are not
					 * UTF-8 like the rest were read as */
	off_t		*recoded;	/* where those lines start in fd */
	size_t		 nrecoded;
	int		 delim;
	off_t		 start;		/* where the header starts */
	unsigned long	 preamble;	/* records before the header, skipped */
	long long	 rows;		/* data rows, blank ones left out */
	unsigned long	 last_row;	/* the last data row (count only) */
	unsigned long	 footer;	/* lines after it that are not rows */
	struct sample	 sample;	/* the header and the first rows */
	int		 nospace;	/* failed: no room to convert it */
};

/* spool.c */
struct drop;
/* What active/ID/attempts says of the tries at a drop. */
struct attempt {
	int		 n;		/* tries since the checkpoint moved */
	long long	 row;		/* the checkpoint of the last try */
	long long	 since;		/* when that checkpoint was first tried */
	int		 trouble;	/* the database's trouble, in a row */
	long long	 retry_at;	/* wall ms: not before */
};
/* What spool_attempt notes of a try. */
enum attempt_how {
	ATTEMPT_TRY,		/* a try begins (counted before it) */
	ATTEMPT_UNDO,		/* it ended without work: not counted */
	ATTEMPT_TROUBLE		/* the database's trouble: not counted, and
				 * the drop waits */
};
int		 spool_init(const char *);
struct drop	*spool_begin(const char *, char **);
const char	*spool_drop_id(const struct drop *);
int		 spool_write(struct drop *, const void *, size_t);
int		 spool_write_file(const char *, const char *);
long long	 spool_drop_size(const struct drop *);
int		 spool_commit(struct drop *, struct manifest *, char **);
void		 spool_abort(struct drop *);
int		 spool_claim(const char *, const char *);
int		 spool_finish(const char *, const char *, int);
int		 spool_recover(const char *);
int		 spool_lock(const char *, const char *);
int		 spool_release(const char *, const char *);
int		 spool_scan(const char *, char ***, size_t *);
char		*spool_path(const char *, const char *, const char *,
		     const char *);
struct drop	*spool_adopt(const char *, const char *const *,
		     const char *const *, size_t, char **);
ssize_t		 spool_read(struct drop *, void *, size_t);
int		 spool_clean_tmp(const char *, time_t);
int		 spool_expire(const char *, const char *, time_t);
void		 spool_forget(const char *, const char *);
int		 spool_open_safe(const char *);
#define SPOOL_MANIFEST_MAX	(64 * 1024)
char		*spool_read_manifest(const char *, char **);
int		 spool_free_space(const char *, long long);
void		 spool_attempt(const char *, const char *, long long,
		     enum attempt_how, struct attempt *);
long long	 spool_attempt_due(const char *, const char *);

/* status.c */
/* What the status functions that write return. */
enum status_result { STATUS_OK = 0, STATUS_ERR = -1 };
/* One key of a status to set (status_amend) or compare (status_agrees). */
struct status_field {
	const char	*key;
	enum { STATUS_FIELD_NULL, STATUS_FIELD_STR, STATUS_FIELD_INT,
	    STATUS_FIELD_BOOL } type;	/* BOOL: n */
	const char	*s;
	long long	 n;
	int		 loose;		/* set, but not compared */
};
const char	*status_state_name(enum state);
void		 status_init(struct status *, const char *);
void		 status_mark(const struct status *, struct status_mark *);
void		 status_rewind(struct status *, const struct status_mark *);
void		 status_add_error(struct status *, unsigned long, const char *,
		     const char *, const char *, const char *, const char *);
char		*status_encode(const struct status *);
int		 status_put(const char *, const char *, const char *);
int		 status_write(const char *, const struct status *);
char		*status_path(const char *, const char *);
void		 status_remove(const char *, const char *);
struct json_object *status_load(const char *, const char *);
int		 status_newer(const char *, const char *, long long);
int		 status_agrees(struct json_object *, const struct status_field *,
		     size_t);
int		 status_lists_errors(struct json_object *);
int		 status_amend(const char *, const char *, struct json_object *,
		     const struct status_field *, size_t, struct json_object *);
int		 status_fail(const char *, const char *, const char *);
int		 status_wait(const char *, const char *, const char *);
void		 status_clear(struct status *);

/* prepare.c */
int		 prepare_file(const char *, int, const char *, struct prepared *,
		     char **);
int		 prepare_import(const char *, const char *, const char *,
		     long long, struct prepared *, char **);
void		 prepare_clear(struct prepared *);
int		 prepare_drop(const char *, const char *, struct prepared *);

/* preview.c */
struct json_object *preview_file(MYSQL *, long long, const char *, enum flow,
		     const char *, const char *, char **);
struct json_object *preview_notes(const struct prepared *, const struct colmap *,
		     int);
int		 preview_cut(const char *, int);

/* submit.c: one way in, for the web, the CLI and SFTP drops */
enum submit_rc {
	SUBMIT_OK = 0,
	SUBMIT_BAD_OPTION,	/* an option is wrong: *cause says which */
	SUBMIT_NO_USER,		/* the uploader is no user of the workspace */
	SUBMIT_NOT_EDITOR,	/* the uploader may only view */
	SUBMIT_NO_WORKFLOW,	/* no such workflow in the workspace */
	SUBMIT_NOT_CSV,		/* *cause: what the file looks like */
	SUBMIT_NO_SPACE,	/* the spool would keep less than min_free */
	SUBMIT_STORE,		/* the spool failed (*cause from commit) */
	SUBMIT_READ,		/* the file could not be read: errno */
	SUBMIT_DB		/* a database error */
};
struct submit;
enum submit_rc	 submit_check(MYSQL *, long long, struct manifest *, char **);
struct submit	*submit_begin(char **);
struct submit	*submit_adopt(const char *const *, const char *const *, size_t,
		     char **);
const char	*submit_id(const struct submit *);
enum submit_rc	 submit_write(struct submit *, const void *, size_t, char **);
enum submit_rc	 submit_end(struct submit *, char **);
enum submit_rc	 submit_stream(struct submit *, int, char **);
enum submit_rc	 submit_sniff_fd(int, char **);
enum submit_rc	 submit_commit(struct submit *, MYSQL *, struct manifest *,
		     char **);
void		 submit_abort(struct submit *);
enum submit_rc	 submit_reviewed(MYSQL *, long long, const char *, const char *,
		     const char *, struct manifest *, char **);

/* drop.c */
void		 drop_watch(int);
int		 drop_scan(MYSQL *, int *);

#endif /* SPOOL_H */
