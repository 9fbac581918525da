#!/bin/bash
# "Unchanged" is an outcome of its own (#17.7): intake's export, re-saved
# by a real spreadsheet (LibreOffice Calc, headless, CSV -> CSV) and
# imported with Update with CSV, changes nothing and says so: every row
# unchanged, none updated, and the next export is byte-identical. What
# the spreadsheet changes (docs/import-rules.md, "Unchanged"): no byte
# order mark, LF line ends, numbers unquoted, leading zeros of numbers
# dropped ("0301234567" -> 301234567), the export's formula quote kept.
. "$(dirname "$0")/lib.sh"
if ! command -v soffice >/dev/null; then
	echo "not ok - soffice (libreoffice-calc-nogui) is not installed"
	exit 1
fi
stack_up || exit 1
csv() { cat > "$RUN/$1.csv"; echo "$RUN/$1.csv"; }
S=$RUN/spool/status

# Calc as a user re-saves a CSV: read as UTF-8 with commas and quotes,
# saved as CSV with the same (its defaults otherwise). A profile of its
# own, so that no other Calc running here is asked instead.
resave() {	# resave IN OUTDIR
	HOME=$RUN/lo-home timeout 120 soffice \
	    "-env:UserInstallation=file://$RUN/lo-profile" --headless \
	    --infilter="CSV:44,34,76,1" \
	    --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1' \
	    --outdir "$2" "$1" >/dev/null 2>&1
}

it_ws rt
seed=$(csv seed <<'X'
First name,Last name,Account Name,Domain,Email,Phone,Contact LinkedIn URL,Phone Verification Result,Phone Verification Provider,Phone Type,Phone Intent Score,Do Not Touch,Tags,Colour,Note
Ada,Lovelace,Analytical,analytical.example,ada@analytical.example,+1 555 0100,https://www.linkedin.com/in/ada,valid,Acme Verify,mobile,42,yes,VIP; Speakers,red,=SUM(A1)
José,García Márquez,Ñandú,nandu.example,jose@nandu.example,0301234567,,,,,7,,,azul,'=y
山田,太郎,山田商事,yamada.example,taro@yamada.example,15550100,,,,landline,100,,Speakers,,@home
Bob,Builder,Builders,builders.example,bob@builders.example,(555) 555-0100,,invalid,,,,no,,,-5
Eve,Nophone,Eves,eves.example,eve@eves.example,,,,,,,,,green,
X
)
it_import rt "$seed"
check_eq "seed: five created" "5 0" "$(st '"\(.created) \(.skipped)"')"
stack_intake export --workspace rt -o "$RUN/e1.csv"
mkdir -p "$RUN/lo"
resave "$RUN/e1.csv" "$RUN/lo"
L=$RUN/lo/e1.csv
check "LibreOffice re-saved the export" test -s "$L"
# What the spreadsheet did to it, so that the checks below are about a
# file that really differs from the export.
check_eq "re-saved: not byte-identical to the export" 1 \
    "$(cmp -s "$RUN/e1.csv" "$L"; echo $?)"
check_eq "re-saved: the phone's leading zero dropped, unquoted" 1 \
    "$(grep -c ',301234567,' "$L")"
check_eq "re-saved: numbers unquoted (the score)" 1 "$(grep -c ',42,' "$L")"
check_eq "re-saved: the formula quote kept, as text" 2 \
    "$(grep -o "\"'+1 555 0100\"\\|\"'=SUM(A1)\"" "$L" | wc -l)"
check_eq "re-saved: no byte order mark, no CR" "0 0" \
    "$(head -c 3 "$L" | grep -c $'\xef\xbb\xbf') $(grep -c $'\r' "$L")"

it_import rt "$L" --update
U=$ID
check_eq "re-import: every row unchanged, none updated" "done 0 0 5 0 0" \
    "$(st '"\(.state) \(.created) \(.updated) \(.unchanged) \(.skipped) \(.failed)"')"
check_eq "re-import: no errors listed" 0 "$(st '.errors | length')"
check_eq "re-import: the outcome rows say unchanged" "unchanged 5" \
    "$(sql "SELECT severity, COUNT(*) FROM import_rows
        WHERE import_id = '$U' GROUP BY severity" | tr '\t' ' ')"
check_eq "re-import: the imports row counts them" "0 5" \
    "$(sql "SELECT updated, unchanged FROM imports WHERE id = '$U'" | tr '\t' ' ')"
check "re-import: intake status says 0 updated, 5 unchanged" \
    grep -q "5 rows: 0 created, 0 updated, 5 unchanged, 0 skipped, 0 failed" \
    <(stack_intake status "$U")
stack_intake export --workspace rt -o "$RUN/e2.csv"
check "the export after it is byte-identical (Updated At too)" \
    cmp -s "$RUN/e1.csv" "$RUN/e2.csv"

# The same re-saved file with one real change: that row is updated, the
# rest unchanged.
sed 's/"red"/"crimson"/' "$L" > "$RUN/changed.csv"
it_import rt "$RUN/changed.csv" --update
check_eq "one real change: 1 updated, 4 unchanged" "0 1 4" \
    "$(st '"\(.created) \(.updated) \(.unchanged)"')"
check_eq "... and the phone kept as it was written" "+1 555 0100 crimson" \
    "$(sql "SELECT CONCAT(phone, ' ', JSON_VALUE(custom, '\$.Colour'))
        FROM contacts WHERE last_name = 'Lovelace'")"

# A phone that is another number is a change.
sed 's/,301234567,/,301234568,/' "$RUN/changed.csv" > "$RUN/phone.csv"
it_import rt "$RUN/phone.csv" --update
check_eq "another number: updated" "1 4 301234568" \
    "$(st '"\(.updated) \(.unchanged)"') $(sql "SELECT phone FROM contacts
        WHERE first_name = 'José'")"

# The create flow's update policy counts the same way.
f=$(csv again <<'X'
First name,Last name,Account Name,Domain,Email,Phone
Bob,Builder,Builders,builders.example,bob@builders.example,555 555 0100
Eve,Nophone,Eves,eves.example,eve@eves.example,
X
)
it_import rt "$f" --on-existing update
check_eq "create flow, update: a re-spaced phone is unchanged" "0 0 2" \
    "$(st '"\(.created) \(.updated) \(.unchanged)"')"

# The status rebuilt from the database carries the count.
rm "$S/$U.json"
n=200; until [ -f "$S/$U.json" ] || [ $n -eq 0 ]; do sleep 0.1; n=$((n-1)); done
check_eq "restatus: the rebuilt status says 5 unchanged" "0 5" \
    "$(jq -r '"\(.updated) \(.unchanged)"' "$S/$U.json" 2>/dev/null)"
it_done
