#!/bin/bash
# The programs link only their own layers (docs/architecture.md): the
# importer (src/watchd/) and libcurl are in intake-watchd alone, and
# src/lib/ is pure (no MariaDB, FastCGI or libcurl call in it).
. "$(dirname "$0")/lib.sh"

# Every function the importer's library defines.
nm -g --defined-only "$BINDIR/libintake-watchd.a" 2>/dev/null |
    awk 'NF == 3 && $2 == "T" {print $3}' | sort -u > "$RUN/importer"
n=$(wc -l < "$RUN/importer")
check "the importer's library defines functions ($n)" test "$n" -gt 50

for p in intake intake-fcgi; do
	nm "$BINDIR/$p" | awk 'NF == 3 && $2 == "T" {print $3}' | sort -u \
	    > "$RUN/$p.syms"
	got=$(comm -12 "$RUN/importer" "$RUN/$p.syms" | head -5 | tr '\n' ' ')
	check_eq "$p holds none of the importer's functions" "" "$got"
	got=$(readelf -d "$BINDIR/$p" | grep NEEDED | grep -c 'libcurl')
	check_eq "$p does not load libcurl" 0 "$got"
done
got=$(readelf -d "$BINDIR/intake-watchd" | grep NEEDED | grep -c 'libcurl')
check_eq "intake-watchd loads libcurl (the check can see it)" 1 "$got"
got=$(comm -12 "$RUN/importer" <(nm "$BINDIR/intake-watchd" |
    awk 'NF == 3 && $2 == "T" {print $3}' | sort -u) | grep -c '^import_run$')
check_eq "intake-watchd holds the importer (the check can see it)" 1 "$got"

got=$(nm -u "$BINDIR/libintake-lib.a" | awk '{print $2}' |
    grep -E '^(mysql_|FCGX_|FCGI_|curl_)' | sort -u | head -5 | tr '\n' ' ')
check_eq "src/lib/ calls no MariaDB, FastCGI or libcurl function" "" "$got"

it_done
