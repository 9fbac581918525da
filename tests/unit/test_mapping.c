/* The column map's layers: the suggestion, the remembered mapping, the
 * chosen one; a field to one column, the loser kept as custom data; the
 * forms a mapping is written in (JSON, --map, a --map-file). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib.h"

#define ID	"EG-CON-ID"

/* A sample of one row from a header line and a row line (commas). */
static void
sample_make(struct sample *sm, const char *hdr, const char *row)
{
	char	*h = strdup(hdr), *r = strdup(row), *p, *q;
	size_t	 i;

	memset(sm, 0, sizeof *sm);
	sm->header = calloc(64, sizeof *sm->header);
	for (p = h; (q = strsep(&p, ",")) != NULL; )
		sm->header[sm->ncols++] = strdup(q);
	sm->nrows = 1;
	sm->cells = calloc(1, sizeof *sm->cells);
	sm->cells[0] = calloc(sm->ncols, sizeof (char *));
	for (i = 0, p = r; i < sm->ncols; i++)
		sm->cells[0][i] = strdup((q = strsep(&p, ",")) ? q : "");
	free(h);
	free(r);
}

static void
sample_free(struct sample *sm)
{
	size_t	i;

	for (i = 0; i < sm->ncols; i++) {
		free(sm->header[i]);
		free(sm->cells[0][i]);
	}
	free(sm->header);
	free(sm->cells[0]);
	free(sm->cells);
}

static void
test_layers(void **state)
{
	struct sample	 sm;
	struct colmap	 cm;
	char		*cause = NULL;

	(void)state;
	sample_make(&sm, "First name,Last name,Company,Domain,Notes",
	    "Ada,Lovelace,Engines,engines.example,met");
	/* suggested */
	assert_int_equal(mapping_build(&cm, &sm, ID, NULL, NULL, &cause), 0);
	assert_int_equal(cm.kind[2], COL_ACCOUNT);
	assert_int_equal(cm.kind[4], COL_CUSTOM);
	assert_string_equal(cm.key[4], "Notes");
	mapping_clear(&cm);
	/* remembered over suggested */
	assert_int_equal(mapping_build(&cm, &sm, ID,
	    "{\"#5\":\"custom:Where met\",\"#3\":\"ignore\"}", NULL, &cause), 0);
	assert_int_equal(cm.kind[2], COL_IGNORE);
	assert_int_equal(cm.pos[COL_ACCOUNT], -1);
	assert_string_equal(cm.key[4], "Where met");
	assert_string_equal(cm.why[4], "as last time");
	mapping_clear(&cm);
	/* chosen over remembered, by header name, any case */
	assert_int_equal(mapping_build(&cm, &sm, ID,
	    "{\"#5\":\"custom:Where met\"}", "{\"notes\":\"ignore\"}", &cause),
	    0);
	assert_int_equal(cm.kind[4], COL_IGNORE);
	assert_string_equal(cm.why[4], "chosen");
	mapping_clear(&cm);
	/* a remembered mapping that no longer fits is not used */
	assert_int_equal(mapping_build(&cm, &sm, ID, "{\"#9\":\"Email\"}",
	    NULL, &cause), 0);
	assert_int_equal(cm.kind[2], COL_ACCOUNT);
	mapping_clear(&cm);
	sample_free(&sm);
}

static void
test_one_column_a_field(void **state)
{
	struct sample	 sm;
	struct colmap	 cm;
	char		*cause = NULL;

	(void)state;
	sample_make(&sm, "Email,Work,Name", "a@x.example,b@x.example,Ann");
	/* chosen takes Email from the suggested column, which stays data */
	assert_int_equal(mapping_build(&cm, &sm, ID, NULL,
	    "{\"Work\":\"Email\"}", &cause), 0);
	assert_int_equal(cm.pos[COL_EMAIL], 1);
	assert_int_equal(cm.kind[0], COL_CUSTOM);
	assert_string_equal(cm.key[0], "Email");
	assert_string_equal(cm.why[0], MAPPING_WHY_TAKEN);
	mapping_clear(&cm);
	/* two chosen for one field: refused, saying which */
	assert_int_equal(mapping_build(&cm, &sm, ID, NULL,
	    "{\"Work\":\"Email\",\"#1\":\"Email\"}", &cause), -1);
	assert_non_null(strstr(cause, "both"));
	free(cause);
	cause = NULL;
	/* a column the file does not have: refused, naming it */
	assert_int_equal(mapping_build(&cm, &sm, ID, NULL,
	    "{\"Nickname\":\"First name\"}", &cause), -1);
	assert_non_null(strstr(cause, "Nickname"));
	free(cause);
	cause = NULL;
	/* custom keys are unique: the second of a name is numbered */
	assert_int_equal(mapping_build(&cm, &sm, ID, NULL,
	    "{\"#1\":\"custom:Mail\",\"#2\":\"custom:mail\"}", &cause), 0);
	assert_string_equal(cm.key[0], "Mail");
	assert_string_equal(cm.key[1], "mail (2)");
	mapping_clear(&cm);
	sample_free(&sm);
}

static void
test_targets(void **state)
{
	char	*why = NULL, *key = NULL;
	int	 col;

	(void)state;
	assert_int_equal(mapping_target("email", ID, &col, &key, &why), 0);
	assert_int_equal(col, COL_EMAIL);
	assert_int_equal(mapping_target("Do Not Touch", ID, &col, &key, &why),
	    0);
	assert_int_equal(col, COL_DNT);
	assert_int_equal(mapping_target("eg-con-id", ID, &col, &key, &why), 0);
	assert_int_equal(col, COL_ID);
	assert_int_equal(mapping_target("custom: Met at", ID, &col, &key,
	    &why), 0);
	assert_int_equal(col, COL_CUSTOM);
	assert_string_equal(key, "Met at");
	free(key);
	/* what intake sets itself cannot be chosen */
	assert_int_equal(mapping_target("Created At", ID, &col, &key, &why),
	    -1);
	free(why);
	why = NULL;
	assert_int_equal(mapping_target("Favourite colour", ID, &col, &key,
	    &why), -1);
	assert_non_null(strstr(why, "not something a column"));
	free(why);
	why = NULL;
	assert_int_equal(mapping_check("[1,2]", ID, &why), -1);
	free(why);
	why = NULL;
	assert_int_equal(mapping_check("{\"a\":1}", ID, &why), -1);
	free(why);
}

static void
test_written_forms(void **state)
{
	char		*map = NULL, *why = NULL;
	json_object	*o;

	(void)state;
	assert_int_equal(mapping_add(&map, "E-Mail-Adresse=Email", ID, &why),
	    0);
	assert_int_equal(mapping_add(&map, "#3=custom:a=b", ID, &why), 0);
	assert_int_equal(mapping_add(&map, "no equals", ID, &why), -1);
	free(why);
	why = NULL;
	assert_int_equal(mapping_add_text(&map, "# a comment\r\n"
	    "Vorname=First name\r\n\r\nNachname=Last name\n", ID, &why), 0);
	assert_int_equal(mapping_add_text(&map, " {\"Firma\": \"Account "
	    "Name\", \"Vorname\": \"ignore\"}", ID, &why), 0);
	o = json_tokener_parse(map);
	assert_string_equal(json_object_get_string(json_object_object_get(o,
	    "E-Mail-Adresse")), "Email");
	assert_string_equal(json_object_get_string(json_object_object_get(o,
	    "#3")), "custom:a=b");
	assert_string_equal(json_object_get_string(json_object_object_get(o,
	    "Nachname")), "Last name");
	/* a later form wins for the same column */
	assert_string_equal(json_object_get_string(json_object_object_get(o,
	    "Vorname")), "ignore");
	assert_string_equal(json_object_get_string(json_object_object_get(o,
	    "Firma")), "Account Name");
	json_object_put(o);
	free(map);
}

static void
test_encode_roundtrip(void **state)
{
	struct sample	 sm;
	struct colmap	 cm, cm2;
	char		*cause = NULL, *enc;
	size_t		 i;

	(void)state;
	sample_make(&sm, "Vorname,,Firma,Web,Tags",
	    "Zoë,x,Grün AG,gruen.example,a;b");
	assert_int_equal(mapping_build(&cm, &sm, ID, NULL,
	    "{\"Web\":\"Domain\"}", &cause), 0);
	assert_string_equal(cm.key[1], "Column 2");
	enc = mapping_encode(&cm, ID);
	/* what is remembered gives the same map back */
	assert_int_equal(mapping_build(&cm2, &sm, ID, enc, NULL, &cause), 0);
	for (i = 0; i < cm.ncols; i++) {
		assert_int_equal(cm.kind[i], cm2.kind[i]);
		if (cm.kind[i] == COL_CUSTOM)
			assert_string_equal(cm.key[i], cm2.key[i]);
	}
	free(enc);
	mapping_clear(&cm);
	mapping_clear(&cm2);
	sample_free(&sm);
}

static void
test_digest(void **state)
{
	struct sample	 a, b, c;
	char		 ha[65], hb[65], hc[65];

	(void)state;
	sample_make(&a, "First Name,Email", "x,y");
	sample_make(&b, " first_name ,EMAIL", "x,y");
	sample_make(&c, "Email,First Name", "x,y");
	mapping_digest(&a, ha);
	mapping_digest(&b, hb);
	mapping_digest(&c, hc);
	/* spelled as columns.c folds: the same headers; in another order:
	 * other headers (the mapping is by position) */
	assert_string_equal(ha, hb);
	assert_string_not_equal(ha, hc);
	assert_int_equal(strlen(ha), 64);
	sample_free(&a);
	sample_free(&b);
	sample_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_one_column_a_field),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_written_forms),
		cmocka_unit_test(test_encode_roundtrip),
		cmocka_unit_test(test_digest),
	};

	conf.id_header = ID;
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
