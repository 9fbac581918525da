#!/bin/bash
# Create with CSV: which rows identify a person, how headers and values
# are read, what is skipped and what only warns.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
csv() { cat > "$RUN/$1.csv"; echo "$RUN/$1.csv"; }

# Both identity forms, and rows that have neither.
it_ws ident
f=$(csv ident <<'X'
First name,Last name,Account Name,Domain,Contact LinkedIn URL
Ada,Lovelace,Analytical,analytical.example,
,,,,https://uk.linkedin.com/in/Only-LinkedIn/?trk=x
Grace,Hopper,Navy,navy.example,http://www.linkedin.com/in/GHopper#top
Alan,,Bletchley,bletchley.example,
,,,,
Ken,Thompson,Bell,bell labs,
X
)
it_import ident "$f"
check_eq "four identity columns: created; LinkedIn only: enrichment" \
    "3:enrichment_unavailable 5:missing_required 7:invalid_domain" "$(st_codes)"
check_eq "the blank row 6 is ignored, not counted" 5 "$(st .rows_total)"
check_eq "counts add up" "2 0 3 0 5" \
    "$(st '"\(.created) \(.updated) \(.skipped) \(.failed) \(.rows_total)"')"
check_eq "missing_required names the columns" \
    "Missing Last name (or a Contact LinkedIn URL)" \
    "$(st '.errors[] | select(.row == 5) | .message')"
check_eq "LinkedIn URL normalised" "https://www.linkedin.com/in/ghopper" \
    "$(sql "SELECT linkedin_url FROM contacts WHERE last_name = 'Hopper'")"
check_eq "severity of a skip" skipped "$(st '.errors[0].severity')"

# Alias headers, custom data, and how the header was understood.
it_ws alias
f=$(csv alias <<'X'
first_name,LAST NAME,Company,Website,E-mail,Person Linkedin Url,Owner Email,Shoe size,Notes
Maria,Garcia,Northwind,https://www.Northwind.example/about,Maria@Northwind.Example,,owner@alias.test,38,
X
)
it_import alias "$f"
check_eq "aliases understood" \
    "First name,Last name,Account Name,Domain,Email,Contact LinkedIn URL,Contact Owner Email,custom,custom" \
    "$(st '[.columns[].as] | join(",")')"
check_eq "headers as written are in the status" "Shoe size" \
    "$(st '.columns[7].header')"
check_eq "values land in the right fields" \
    "Maria	Garcia	maria@northwind.example	northwind.example	Northwind	owner@alias.test" \
    "$(sql "SELECT c.first_name, c.last_name, c.email, a.domain, a.name, u.email
        FROM contacts c JOIN accounts a ON a.id = c.account_id
        JOIN users u ON u.id = c.owner_id
        JOIN workspaces w ON w.id = c.workspace_id WHERE w.slug = 'alias'")"
check_eq "unrecognised columns kept, empty ones left out" '{"Shoe size":"38"}' \
    "$(sql "SELECT c.custom FROM contacts c JOIN workspaces w
        ON w.id = c.workspace_id WHERE w.slug = 'alias'")"

# Headers that fail the import before any row.
it_ws hdr
f=$(csv hdr1 <<'X'
Name,Email,Company
A B,a@b.example,B
X
)
it_import hdr "$f"
check_eq "no identity columns: failed" failed "$(st .state)"
check_eq "the message names what is missing" \
    "The file needs a Contact LinkedIn URL column, or all of Account Name, Domain, First name and Last name. Missing: Domain, First name, Last name" \
    "$(st .message)"
f=$(csv hdr2 <<'X'
First name,Last name,Account Name,Domain,Email,E-Mail Address
A,B,C,c.example,a@c.example,b@c.example
X
)
it_import hdr "$f"
# Two columns meaning one field no longer fail the file (#16): the one
# named exactly so is Email, the other custom data, and a note says so.
check_eq "duplicate headers after folding: done, one is Email" \
    "done: Email=Email E-Mail Address=custom" \
    "$(st '"\(.state): \([.columns[] | select(.header | test("mail"; "i")) | "\(.header)=\(.as)"] | join(" "))"')"
check_eq "the other kept as custom data" "a@c.example b@c.example" \
    "$(sql "SELECT CONCAT(c.email, ' ', JSON_VALUE(c.custom,
        '\$.\"E-Mail Address\"')) FROM contacts c JOIN workspaces w
        ON w.id = c.workspace_id WHERE w.slug = 'hdr'")"
check "and a note says whose the field is" \
    grep -q '"E-Mail Address" also means Email' <<< "$(st '.notes[]')"
f=$(csv hdr3 <<'X'
Contact LinkedIn URL,Favourite colour
https://www.linkedin.com/in/x,red
X
)
it_import hdr "$f"
check_eq "a LinkedIn column alone is a valid header" done "$(st .state)"

# Normalisation: one account for every spelling of a domain; names
# collapsed; email lower-cased.
it_ws norm
f=$(csv norm <<'X'
First name,Last name,Account Name,Domain,Email
"  Ann   Marie ",Smith,Acme,acme.example,ANN@ACME.EXAMPLE
Bob,Jones,Acme Corp,https://www.Acme.example/about,
Cy,Young,ACME,ACME.EXAMPLE.,
X
)
it_import norm "$f"
check_eq "one account for three spellings, named by the first row" "1 Acme" \
    "$(sql "SELECT COUNT(*), MIN(a.name) FROM accounts a JOIN workspaces w
        ON w.id = a.workspace_id WHERE w.slug = 'norm'" | tr '\t' ' ')"
check_eq "names trimmed and collapsed, email lower-cased" \
    "Ann Marie	ann@acme.example" \
    "$(sql "SELECT first_name, email FROM contacts WHERE last_name = 'Smith'")"
f=$(csv norm2 <<'X'
First name,Last name,Account Name,Domain
Dee,Ray,Acme Renamed,acme.example
X
)
it_import norm "$f"
check_eq "an import never renames an existing account" "Acme" \
    "$(sql "SELECT a.name FROM accounts a JOIN workspaces w
        ON w.id = a.workspace_id WHERE w.slug = 'norm'")"

# Bad optional values: left empty, row imported, warning with the column.
it_ws warn
f=$(csv warn <<'X'
First name,Last name,Account Name,Domain,Email,Phone Intent Score,Contact LinkedIn URL,Contact Owner Email
Eve,Adams,Acme,acme.example,not-an-email,150,https://www.linkedin.com/company/acme,nobody@warn.test
Fay,Baker,Acme,acme.example,fay@acme.example,42,,
X
)
it_import warn "$f"
check_eq "both rows created" 2 "$(st .created)"
check_eq "four warnings on row 2" \
    "2:invalid_linkedin_url 2:invalid_email 2:invalid_intent_score 2:unknown_owner" \
    "$(st_codes)"
check_eq "warnings counted" 4 "$(st .warnings)"
check_eq "warnings name their column" \
    "Contact LinkedIn URL,Email,Phone Intent Score,Contact Owner Email" \
    "$(st '[.errors[].column] | join(",")')"
check_eq "severity warning" warning "$(st '.errors[1].severity')"
check_eq "bad values left empty" "NULL	NULL	NULL" \
    "$(sql "SELECT email, phone_intent_score, linkedin_url FROM contacts
        WHERE last_name = 'Adams'")"
check_eq "good values kept" "fay@acme.example	42" \
    "$(sql "SELECT email, phone_intent_score FROM contacts WHERE last_name = 'Baker'")"
check_eq "warnings are in the database too" 4 \
    "$(sql "SELECT COUNT(*) FROM import_rows WHERE import_id = '$ID'
        AND severity = 'warning'")"

# A row with the wrong number of fields is never shifted.
f=$(csv fields <<'X'
First name,Last name,Account Name,Domain
Gil,Hart,Acme,acme.example,extra
Hal,Ivy,Acme
X
)
it_import warn "$f"
check_eq "wrong field counts skipped" "2:wrong_field_count 3:wrong_field_count" \
    "$(st_codes)"
it_done
