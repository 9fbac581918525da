/*
 * src/lib/: the pure code every program uses (intake, intake-fcgi,
 * intake-watchd, the tests and the fuzzers): logging, memory, buffers,
 * configuration, the import options and the manifest codec, the CSV
 * reader, encodings, the column table and the column map, normalisers.
 * Nothing here calls MariaDB, FastCGI or libcurl.
 *
 * Types first, then prototypes grouped by the file that defines them.
 * Ownership: a returned `char *` is the caller's to free; a `const char *`
 * is borrowed. `_free(NULL)` does nothing.
 */
#ifndef LIB_H
#define LIB_H

#include <sys/types.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define INTAKE_ID_MAX	40	/* drop / import IDs, with NUL */

#ifndef __dead
#define __dead __attribute__((__noreturn__))
#endif
#define PRINTFLIKE(a, b) __attribute__((__format__(__printf__, a, b)))

/* The import's flow, as the user chose it. */
enum flow { FLOW_CREATE, FLOW_UPDATE };

/* "If an contact already exists". */
enum on_existing { EXISTING_SKIP, EXISTING_UPDATE, EXISTING_DUPLICATE };

/* What the uploader asked for. Written by intake-fcgi or intake, read by
 * intake-watchd. Strings are owned by the manifest. */
struct manifest {
	int		 version;
	char		*id;
	char		*workspace;	/* slug */
	char		*uploader;	/* email */
	enum flow	 flow;
	char	       **tags;
	size_t		 ntags;
	char		*workflow;	/* "default", "none", an id or a name */
	enum on_existing on_existing;
	int		 dnt;
	int		 override_owners;
	int		 review;	/* only say what the import would do */
	int		 existing_given;	/* on_existing was set, not derived */
	char		*mapping;	/* JSON object: header or "#N" to target */
	char		*encoding;	/* iconv name the user chose; NULL: detect */
	char		*file_name;	/* metadata only, never a path */
	char		*source;	/* "web", "cli", "sftp" */
	long long	 size;
	char		 sha256[65];
	char		*received_at;	/* ISO 8601 UTC */
	char		*from_review;	/* the review it imports (not an option:
					 * submit_reviewed sets it) */
};

/* A growable byte buffer with a hard cap. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 size;
	size_t	 max;
};

/* One record of a CSV file, borrowed from the reader until the next call. */
struct csvrec {
	size_t		  nfields;
	char		**fields;	/* NUL-terminated */
	size_t		 *lens;
	unsigned long	  row;		/* spreadsheet row: header = 1 */
	off_t		  end;		/* byte offset just past the record */
	int		  flags;
#define CSVREC_TOOLARGE	0x1	/* a field was over max_field: cut */
#define CSVREC_TOOWIDE	0x2	/* fields past max_fields were dropped */
#define CSVREC_NUL	0x4	/* a NUL byte in it: not text */
	const char	 *recoded;	/* not UTF-8 like the rest of the file:
					 * read as this encoding; NULL */
};

/* The byte order marks intake knows; any encoding iconv reads is read. */
#define TEXTENC_NAME_MAX	32	/* an encoding's name, with its NUL */
enum textenc {
	TEXTENC_UNKNOWN,
	TEXTENC_UTF8,
	TEXTENC_UTF16LE,
	TEXTENC_UTF16BE,
	TEXTENC_CP1252
};

/* A UTF-8 validator's place between buffers. */
struct textenc_state {
	int		need;
	unsigned char	lo;
	unsigned char	hi;
};

/* Read callback of the CSV reader: like read(2). */
typedef ssize_t (*csvin_readfn)(void *arg, void *buf, size_t len);

struct csvin_limits {
	size_t	max_field;	/* bytes in one field */
	size_t	max_fields;	/* fields in one record */
	int	delim;		/* 0: comma */
	unsigned long last_row;	/* rows past it are not read (a footer); 0: all */
	const off_t *recoded;	/* sorted offsets of lines read as recoded_as */
	size_t	nrecoded;
	const char *recoded_as;	/* their encoding (copied) */
};

/*
 * The contact columns, one row each: the one list the header's meaning,
 * the export, and the contacts writes (INSERT, UPDATE, duplicate) and the
 * batch snapshot (watchd/contact.c, watchd/snap.c, db/export.c) are made
 * from. The order is the export order (enum col). Adding a column is a
 * migration and a row here (a row.c reader if its cell is not taken as
 * written). Per row:
 *
 *   name    enum col's COL_ suffix
 *   header  the name we show and export (NULL: conf.id_header); its
 *           aliases are columns.c's columns_aliases
 *   sql     its contacts column, or "" (stored elsewhere, or nowhere)
 *   read    how row.c reads a cell: CELL as written (trimmed, NULL when
 *           blank); NAME, EMAIL, PHONE, DOMAIN, LINKEDIN, INTENT, YESNO
 *           by its normaliser (normalize.c, row.c); OWNER a user; TAGS
 *           names; ID the Update with CSV key; NONE never read
 *   write   how a write sets it: NEW only in a new contact; GIVEN a
 *           value overwrites, none keeps (empty cells never erase);
 *           PHONE as GIVEN, but the number as written is kept when it is
 *           the same number; FLAG only ever set; NONE never written
 *   type    its value: TEXT (NULL: none), INT (< 0: none), FLAG (0 or 1)
 *   cmp     whether an update would change it, as the snapshot tells
 *           (snap.c): KEY by the matching keys, VAL from import_vals,
 *           NONE not written on update
 *   out     what the export writes: C the contacts column; ACCOUNT,
 *           DOMAIN the account's name and domain; OWNER the owner's
 *           email; TAGS the tag names; YESNO Yes or No; DATE a time
 *
 * Account Name and Domain are one account_id: the Domain row stores it
 * (a cell's domain finds or makes the account, named by Account Name).
 * Custom data (the columns that are none of these) is a JSON object in
 * contacts.custom, after the columns in every list.
 *
 * Expansions of COLUMNS_TABLE are compile-time string literals when they
 * are SQL: tests/sqlcheck.pl expands them (and only them) with cpp and
 * checks that what comes out is literals only.
 */
#define COLUMNS_TABLE(X)						\
	X(ID, NULL, "public_id", ID, NEW, TEXT, NONE, C)		\
	X(FIRST, "First name", "first_name", NAME, GIVEN, TEXT, KEY, C)	\
	X(LAST, "Last name", "last_name", NAME, GIVEN, TEXT, KEY, C)	\
	X(EMAIL, "Email", "email", EMAIL, GIVEN, TEXT, KEY, C)		\
	X(PHONE, "Phone", "phone", PHONE, PHONE, TEXT, VAL, C)		\
	X(ACCOUNT, "Account Name", "", NAME, NONE, TEXT, NONE, ACCOUNT)	\
	X(DOMAIN, "Domain", "account_id", DOMAIN, GIVEN, INT, KEY, DOMAIN) \
	X(LINKEDIN, "Contact LinkedIn URL", "linkedin_url", LINKEDIN,	\
	    GIVEN, TEXT, KEY, C)					\
	X(OWNER, "Contact Owner Email", "owner_id", OWNER, GIVEN, INT,	\
	    VAL, OWNER)							\
	X(PV_RESULT, "Phone Verification Result",			\
	    "phone_verification_result", CELL, GIVEN, TEXT, VAL, C)	\
	X(PV_PROVIDER, "Phone Verification Provider",			\
	    "phone_verification_provider", CELL, GIVEN, TEXT, VAL, C)	\
	X(PHONE_TYPE, "Phone Type", "phone_type", CELL, GIVEN, TEXT,	\
	    VAL, C)							\
	X(PHONE_INTENT, "Phone Intent Score", "phone_intent_score",	\
	    INTENT, GIVEN, INT, VAL, C)					\
	X(TAGS, "Tags", "", TAGS, NONE, TEXT, NONE, TAGS)		\
	X(DNT, "Do Not Touch", "dnt", YESNO, FLAG, FLAG, VAL, YESNO)	\
	X(CREATED_AT, "Created At", "created_at", NONE, NONE, TEXT,	\
	    NONE, DATE)							\
	X(UPDATED_AT, "Updated At", "updated_at", NONE, NONE, TEXT,	\
	    NONE, DATE)

#define COLUMNS_ENUM(name, header, sql, read, write, type, cmp, out)	\
	COL_##name,
enum col {
	COLUMNS_TABLE(COLUMNS_ENUM)
	COL__MAX
};

/* A column's row of the table, for C code (columns_get). */
enum columns_read {
	COLUMNS_READ_NONE, COLUMNS_READ_CELL, COLUMNS_READ_ID,
	COLUMNS_READ_NAME, COLUMNS_READ_EMAIL, COLUMNS_READ_PHONE,
	COLUMNS_READ_DOMAIN, COLUMNS_READ_LINKEDIN, COLUMNS_READ_OWNER,
	COLUMNS_READ_INTENT, COLUMNS_READ_TAGS, COLUMNS_READ_YESNO
};
enum columns_write {
	COLUMNS_WRITE_NONE, COLUMNS_WRITE_NEW, COLUMNS_WRITE_GIVEN,
	COLUMNS_WRITE_PHONE, COLUMNS_WRITE_FLAG
};
enum columns_type { COLUMNS_TYPE_TEXT, COLUMNS_TYPE_INT, COLUMNS_TYPE_FLAG };
enum columns_cmp { COLUMNS_CMP_NONE, COLUMNS_CMP_KEY, COLUMNS_CMP_VAL };
struct column {
	const char		*header;
	const char		*sql;
	enum columns_read	 read;
	enum columns_write	 write;
	enum columns_type	 type;
	enum columns_cmp	 cmp;
};
#define COL_CUSTOM	(-1)	/* kept as custom data, under its key */
#define COL_IGNORE	(-2)	/* read, never stored */

/* How a file's header was understood. */
struct colmap {
	size_t	  ncols;
	int	 *kind;		/* per file column: enum col, COL_CUSTOM, COL_IGNORE */
	char	**header;	/* per file column: the header as written, trimmed */
	char	**key;		/* per file column: custom-data key, or NULL */
	const char **why;	/* per file column: why it maps so (static) */
	int	  pos[COL__MAX];	/* file column of each known column, or -1 */
};

/* The head of a file, for suggesting what its columns mean (suggest.c). */
struct sample {
	size_t	   ncols;
	char	 **header;	/* trimmed, as written; "" where empty */
	size_t	   nrows;
	char	***cells;	/* cells[r][c]; "" where a row is short */
};

/* What a column is suggested to mean, and why. */
struct suggestion {
	int		 col;	/* enum col, COL_CUSTOM or COL_IGNORE */
	const char	*why;	/* static: "header alias", "values look like emails" */
	char		*key;	/* COL_CUSTOM: the custom-data key (owned) */
};

/* Records at the top of a file, before its header is known. */
struct head {
	size_t	   nrecs;
	size_t	  *nfields;
	char	***fields;	/* fields[r][c], as read */
};

/* Configuration, from one file. */
struct conf {
	char		*db_socket;
	char		*db_host;
	unsigned	 db_port;
	char		*db_user;
	char		*db_password;
	char		*db_name;
	char		*spool_dir;
	char		*sql_dir;
	long long	 max_upload;
	unsigned	 batch_size;
	char		*id_header;
	int		 cookie_secure;
	char		*public_origin;	/* "" = the request's own scheme://Host */
	unsigned	 upload_rate;	/* imports a user may queue an hour; 0: any */
	unsigned	 session_idle;
	unsigned	 session_max;
	unsigned	 scan_interval;
	unsigned	 status_errors;
	unsigned	 max_field;
	unsigned	 max_fields;
	unsigned	 max_rows;
	unsigned	 fcgi_workers;
	long long	 min_free;	/* bytes the spool keeps free */
	unsigned	 drop_settle;	/* seconds a dropped file must be still */
	unsigned	 drop_hold;	/* seconds before a held file is rejected */
	unsigned	 tmp_max_age;	/* seconds before tmp/ leftovers go */
	unsigned	 done_keep_days;
	unsigned	 review_keep_hours;
	int		 keep_changes;	/* imports keep import_changes too */
	unsigned	 review_copy_percent;	/* review.c's choice */
	unsigned	 max_attempts;	/* tries without progress, then failed */
	unsigned	 stall_timeout;	/* ... if for this long (seconds) too */
	unsigned	 lock_timeout;	/* seconds a dead import holds its workspace */
	char		*sso_header;	/* "" (off) or e.g. X-Remote-User */
	unsigned	 fcgi_socket_mode; /* of intake-fcgi -s SOCKET */

	/* Enrichment: the provider, and how hard to ask it. */
	char		*enrich_url;		/* "" = no enrichment */
	char		*enrich_method;
	char		*enrich_body;
	char		*enrich_content_type;
	char		*enrich_key_header;
	char		*enrich_key_file;
	char		*enrich_key_env;
	unsigned	 enrich_timeout;
	unsigned	 enrich_connect_timeout;
	unsigned	 enrich_concurrency;
	unsigned	 enrich_rate;
	unsigned	 enrich_retries;
	unsigned	 enrich_backoff_ms;
	unsigned	 enrich_max_wait;
	unsigned	 enrich_cache_ttl;
	int		 enrich_allow_http;
	unsigned	 enrich_max_response;
	char		*enrich_map_first;
	char		*enrich_map_last;
	char		*enrich_map_account;
	char		*enrich_map_domain;
	char		*enrich_map_email;
	char		*enrich_map_phone;
	char		*enrich_map_title;
};
extern struct conf conf;

/* log.c */
void		 log_init(const char *, int);
void		 log_setid(const char *);
void		 log_verbose(int);
void		 log_warn(const char *, ...) PRINTFLIKE(1, 2);
void		 log_warnx(const char *, ...) PRINTFLIKE(1, 2);
void		 log_info(const char *, ...) PRINTFLIKE(1, 2);
void		 log_debug(const char *, ...) PRINTFLIKE(1, 2);
__dead void	 fatal(const char *, ...) PRINTFLIKE(1, 2);
__dead void	 fatalx(const char *, ...) PRINTFLIKE(1, 2);

/* xmalloc.c */
void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
void		*xreallocarray(void *, size_t, size_t);
char		*xstrdup(const char *);
char		*xstrndup(const char *, size_t);
int		 xasprintf(char **, const char *, ...) PRINTFLIKE(2, 3);

/* buf.c */
void		 buf_init(struct buf *, size_t);
int		 buf_add(struct buf *, const void *, size_t);
int		 buf_room(struct buf *, size_t);
int		 buf_addc(struct buf *, char);
const char	*buf_str(struct buf *);
void		 buf_reset(struct buf *);
void		 buf_free(struct buf *);

/* conf.c */
const char	*conf_path(const char *);
int		 conf_load(const char *, char **);
void		 conf_defaults(void);

/* mono.c */
long long	 mono_ms(void);

/* randid.c */
void		 randid_bytes(void *, size_t);
void		 randid_drop(char [INTAKE_ID_MAX]);
void		 randid_contact(char [INTAKE_ID_MAX]);
void		 randid_hex(char *, size_t);
int		 randid_drop_valid(const char *);
void		 randid_now(char *, size_t);

/* options.c: every import option, its default, limits and parser */
#define OPTIONS_MAX_TAGS	50	/* tags one import adds */
#define OPTIONS_TAG_MAX		128	/* characters: tags.name */
#define OPTIONS_WORKFLOW_MAX	255	/* characters: workflows.name */
#define OPTIONS_FILE_NAME_MAX	255	/* characters: imports.file_name */
#define OPTIONS_MAPPING_MAX	(1 << 20)	/* bytes of a mapping's JSON */
#define PREVIEW_HEAD		(1 << 20)	/* bytes of a file a preview reads */
#define OPTIONS_XSTR(x)		#x
#define OPTIONS_STR(x)		OPTIONS_XSTR(x)
#define OPTIONS_ALIASES		2
#define OPTIONS_STRICT		0x1	/* options_set_json: manifest types */
struct json_object;
/* What an option's JSON value is. */
enum options_kind {
	OPTIONS_CHOICE,		/* one of some words: a string */
	OPTIONS_TEXT,		/* a string */
	OPTIONS_YESNO,		/* true or false */
	OPTIONS_LIST,		/* given again for each item: a list */
	OPTIONS_OBJECT		/* JSON text: an object */
};
/* options_set_json's results. */
enum options_rc {
	OPTIONS_OK = 0,
	OPTIONS_REFUSED = -1,	/* *why says why */
	OPTIONS_TYPE = -2,	/* not of the option's JSON type */
	OPTIONS_ITEM = -3	/* an item of a list is not a string */
};
struct options_def {
	const char	*name;		/* form, sidecar, manifest */
	const char	*alias[OPTIONS_ALIASES]; /* other form names: one item */
	const char	*flag;		/* intake import --FLAG, or NULL */
	const char	*flag_value;	/* the flag sets this; NULL: its arg */
	enum options_kind kind;
	const char	*type_why;	/* "is not a string": of a manifest */
	const char	*item;		/* a list's item, for messages */
	size_t		 max;		/* a list's items in a manifest */
	int		(*set)(struct manifest *, const char *, char **);
	void		(*dflt)(struct manifest *);	/* NULL: zero */
	int		(*check)(const struct manifest *, char **);
	void		(*encode)(const struct manifest *, struct json_object *);
};
extern const struct options_def options_table[];	/* ends at name NULL */
char		*options_file_name(const char *);
const struct options_def *options_find(const char *);
int		 options_set(struct manifest *, const char *, const char *,
		     char **);
enum options_rc	 options_set_json(struct manifest *, const char *,
		     struct json_object *, int, char **);
int		 options_sidecar(struct manifest *, const char *, char **,
		     char **);
void		 options_encode(const struct manifest *, struct json_object *);
int		 options_finish(struct manifest *, char **);
int		 options_check(const struct manifest *, char **);

/* manifest.c */
const char	*manifest_flow_name(enum flow);
const char	*manifest_existing_name(enum on_existing);
int		 manifest_flow_parse(const char *, enum flow *);
int		 manifest_existing_parse(const char *, enum on_existing *);
void		 manifest_add_tag(struct manifest *, const char *);
char		*manifest_encode(const struct manifest *);
int		 manifest_decode(struct manifest *, const char *, char **);
void		 manifest_clear(struct manifest *);

/* csvin.c */
struct csvin;
struct csvin	*csvin_create(csvin_readfn, void *, const struct csvin_limits *,
		     off_t, unsigned long);
int		 csvin_next(struct csvin *, struct csvrec **);
const char	*csvin_error(const struct csvin *);
off_t		 csvin_offset(const struct csvin *);
void		 csvin_free(struct csvin *);
int		 csvin_empty(const struct csvrec *);

/* textenc.c */
enum textenc	 textenc_bom(const unsigned char *, size_t, size_t *);
const char	*textenc_name(enum textenc);
int		 textenc_utf8(struct textenc_state *, const unsigned char *,
		     size_t);
int		 textenc_sep_line(const char *, size_t, size_t *);
int		 textenc_delimiter(const char *, size_t);
int		 textenc_known(const char *, char *, size_t);
const char	*textenc_detect(const unsigned char *, size_t, int);
const char	*textenc_choice(size_t, const char **);

/* suggest.c: what each column means, from its header and its values */
#define SUGGEST_ROWS		50	/* data rows a suggestion looks at */
#define SUGGEST_HEAD_RECS	30	/* records a header is looked for in */
size_t		 suggest_header(const struct head *, const char *);
void		 suggest_columns(const struct sample *, const char *,
		     struct suggestion *);
void		 suggest_clear(struct suggestion *, size_t);

/* mapping.c: the column map: suggested, remembered, chosen */
#define MAPPING_WHY_TAKEN	"its field is another column's"
const char	*mapping_target_name(int, const char *);
int		 mapping_target(const char *, const char *, int *, char **,
		     char **);
int		 mapping_check(const char *, const char *, char **);
int		 mapping_add(char **, const char *, const char *, char **);
int		 mapping_add_text(char **, const char *, const char *, char **);
int		 mapping_build(struct colmap *, const struct sample *,
		     const char *, const char *, const char *, char **);
int		 mapping_required(const struct colmap *, enum flow,
		     const char *, char **);
char		*mapping_encode(const struct colmap *, const char *);
void		 mapping_digest(const struct sample *, char [65]);
void		 mapping_clear(struct colmap *);

/* columns.c */
#define COLUMNS_NOTFOUND	0	/* how a header was understood: */
#define COLUMNS_EXACT		1	/* the field's own name */
#define COLUMNS_ALIAS		2	/* an alias (docs/headers.md) */
#define COLUMNS_SPLIT		3	/* an alias, "Group - Field" split */
#define COLUMNS_WHOLENAME	4	/* a whole name: no field of ours */
void		 columns_normalize(const char *, char *, size_t);
int		 columns_meaning(const char *, const char *, int *);
int		 columns_lookup(const char *, const char *);
const char	*columns_name(int, const char *);
const struct column *columns_get(int);
char		*columns_trim(const char *);

/* normalize.c */
char		*norm_name(const char *);
int		 norm_email(const char *, char **);
int		 norm_emails(const char *, char **, char **);
int		 norm_domain(const char *, char **);
int		 norm_linkedin(const char *, char **);
const char	*norm_linkedin_why(const char *);
int		 norm_intent(const char *, int *);

/* formula.c */
int		 formula_needs_escape(const char *);
int		 formula_unescape(char *);

/* sniff.c */
#define SNIFF_HEAD	1024	/* bytes judged: magic numbers, a BOM, NULs */
struct sniff {
	char	 head[SNIFF_HEAD];
	size_t	 headlen;
	int	 decided;
	int	 utf16;		/* a BOM said so: NUL bytes are text */
};
int		 sniff_name(const char *, const char **);
void		 sniff_init(struct sniff *);
int		 sniff_feed(struct sniff *, const char *, size_t, const char **);
int		 sniff_end(struct sniff *, const char **);

/* multipart.c */
struct multipart;
struct multipart_cb {
	/* A part begins: its name and filename (NULL if none). Return -1 to
	 * stop with an error. */
	int	(*begin)(void *, const char *name, const char *filename,
		    const char *content_type);
	int	(*data)(void *, const char *, size_t);
	int	(*end)(void *);
};
char		*multipart_boundary(const char *);
struct multipart *multipart_create(const char *, const struct multipart_cb *,
		     void *);
int		 multipart_feed(struct multipart *, const char *, size_t);
int		 multipart_finish(struct multipart *);
const char	*multipart_error(const struct multipart *);
void		 multipart_free(struct multipart *);

#endif /* LIB_H */
