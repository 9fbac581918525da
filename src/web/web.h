/*
 * intake-fcgi: the HTTP side. One request at a time is a struct http;
 * handlers answer through http_json/http_error and never exit.
 */
#ifndef WEB_H
#define WEB_H

#include <fcgiapp.h>
#include <json-c/json.h>

#include "spool.h"

struct http {
	FCGX_Request	*r;
	MYSQL		*db;
	const char	*method;
	const char	*path;
	const char	*query;
	long long	 content_length;
	int		 has_session;
	struct session	 se;
	char		*token;		/* session cookie */
	int		 status;	/* what was answered, for the log */
	int		 streamed;	/* nginx streams the body (upload) */
	int		 unread;	/* its body was left unread: close */
	int		 too_slow;	/* it fell behind its pace */
	long long	 stream_start;	/* mono_ms when the request came */
	long long	 stream_got;	/* bytes of it read */
};

/* http.c */
const char	*http_param(struct http *, const char *);
char		*http_cookie(struct http *, const char *);
char		*http_query(const char *, const char *);
ssize_t		 http_read(struct http *, char *, size_t);
int		 http_read_body(struct http *, struct buf *);
void		 http_reply(struct http *, int, const char *, const char *,
		     size_t, const char *);
void		 http_json(struct http *, int, json_object *);
void		 http_error(struct http *, int, const char *, const char *);
void		 http_error_retry(struct http *, int, const char *, const char *,
		     long long);
void		 http_drain(struct http *);
int		 http_csrf_ok(struct http *, const char *);
long		 http_query_long(struct http *, const char *, long, long, long);
json_object	*http_body_json(struct http *, int *);
void		 http_db_error(struct http *);

/* api_session.c */
void		 api_login(struct http *);
void		 api_logout(struct http *);
void		 api_session(struct http *);
int		 api_session_sso_same(struct http *);

/* api_imports.c */
void		 api_imports_list(struct http *);
void		 api_imports_get(struct http *, const char *);
void		 api_imports_errors(struct http *, const char *);
void		 api_imports_errors_csv(struct http *, const char *);

/* api_review.c */
void		 api_review_rows(struct http *, const char *);
void		 api_review_import(struct http *, const char *);

/* api_contacts.c */
void		 api_contacts_list(struct http *);
void		 api_contacts_export(struct http *);
void		 api_contacts_get(struct http *, const char *);

/* api_tags.c */
void		 api_tags_list(struct http *);
void		 api_tags_create(struct http *);

/* api_settings.c */
void		 api_workflows_list(struct http *);
void		 api_settings_get(struct http *);
void		 api_settings_put(struct http *);

/* upload.c */
void		 upload_post(struct http *);

/* api_preview.c */
void		 api_preview(struct http *);
void		 api_mappings_list(struct http *);
void		 api_mappings_delete(struct http *, const char *);

#endif /* WEB_H */
