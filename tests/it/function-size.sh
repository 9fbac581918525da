#!/bin/bash
# No function of src/ is longer than FUNCTION_MAX lines (issue #18: a
# newcomer reads any function in one sitting). A function is what the
# style of src/ writes: its name at the start of a line, its type on the
# line before, its body ending with a '}' at the start of a line.
. "$(dirname "$0")/lib.sh"
FUNCTION_MAX=${FUNCTION_MAX:-120}

sizes() {
	awk '
	/^[A-Za-z_][A-Za-z0-9_]*\(/ { name = $0; sub(/\(.*/, "", name)
		start = FNR; infn = 1; next }
	infn && /^}/ { print FNR - start + 1, FILENAME ":" start, name
		infn = 0 }' "$@" | sort -rn
}

sizes "$SRCDIR"/src/*/*.c > "$RUN/sizes"
n=$(wc -l < "$RUN/sizes")
check "functions found in src/ ($n)" test "$n" -gt 500
long=$(awk -v max="$FUNCTION_MAX" '$1 > max' "$RUN/sizes" |
    sed "s|$SRCDIR/||" | tr '\n' ';')
check_eq "no function over $FUNCTION_MAX lines" "" "$long"
echo "# longest: $(head -3 "$RUN/sizes" | sed "s|$SRCDIR/||" | tr '\n' ';')"
echo "# median: $(awk '{print $1}' "$RUN/sizes" | sort -n |
    awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}') lines," \
    "p90: $(awk '{print $1}' "$RUN/sizes" | sort -n |
    awk '{a[NR] = $1} END {print a[int(NR * 0.9)]}') lines"

# The check sees a long function: one of 121 lines in a file of its own.
{ echo "int"; echo "longone(void)"; echo "{"
  for i in $(seq 1 118); do echo "	(void)0;"; done; echo "}"; } > "$RUN/long.c"
got=$(sizes "$RUN/long.c" | awk '{print $1, $3}')
check_eq "a 121-line function is measured as such" "121 longone" "$got"

it_done
