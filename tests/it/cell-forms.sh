#!/bin/bash
# Emails and LinkedIn URLs as people paste them (issue #17.4, .5): a
# display name, mailto: and several addresses in one Email cell give the
# first valid address, the rest kept as custom data "Other emails" with a
# warning; mobile, lite, country and member-id profile URLs are stored in
# the canonical form (a member id keeps its case), and old /pub/, company
# and Sales Navigator URLs are refused saying what they are. The owner
# column reads its email the same way. Through the real stack: intake
# import, the spool, the watcher, MariaDB.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_ws c || exit 1

ID_ADA=ACoAABh375cB7ns6fzmNnSkbbc2PHqeMbvQTKhA
cat > "$RUN/f1.csv" <<X
First name,Last name,Account Name,Domain,Email,Contact LinkedIn URL,Contact Owner
Ada,Display,Co,co.example,Ada Lovelace <Ada@Co.example>,https://m.linkedin.com/in/Ada-Display,Owen Owner <owner@c.test>
Bea,Quoted,Co,co.example,"""Quoted, Bea"" <bea@co.example>",https://www.linkedin.com/mwlite/in/bea-quoted/en,MAILTO:owner@c.test
Cy,Mailto,Co,co.example,MAILTO:cy@co.example?subject=Hello%20there,de.linkedin.com/in/Cy-Mailto/?trk=x#y,
Di,Several,Co,co.example,"di@co.example; Di.L@co.org, di2@co.net",https://www.linkedin.com/in/$ID_ADA/?lipi=urn,
Ed,Slash,Co,co.example,bad@nodomain / ed@co.example,https://www.linkedin.com/pub/ed-slash/1a/2b/3c,
Fay,Invalid,Co,co.example,Fay Smith,https://www.linkedin.com/company/acme/,
Gus,Stray,Co,co.example,gus@co.example call me,"https://www.linkedin.com/sales/lead/ACwAAAx,NAME_SEARCH,ab",
Hal,Lead,Co,co.example,hal lead@co.example,,
X
it_import c "$RUN/f1.csv" --workflow none
check_eq "every row created" "done 8 0" \
    "$(st '"\(.state) \(.created) \(.skipped)"')"

email_of() { sql "SELECT COALESCE(email, '') FROM contacts WHERE first_name = '$1'"; }
check_eq "a display name: the address" ada@co.example "$(email_of Ada)"
check_eq "a quoted display name holding a comma: the address" \
    bea@co.example "$(email_of Bea)"
check_eq "MAILTO: with a subject: the address" cy@co.example "$(email_of Cy)"
check_eq "several addresses: the first is Email" di@co.example "$(email_of Di)"
check_eq "several addresses: the first valid one is Email" ed@co.example \
    "$(email_of Ed)"
check_eq "a name alone is no address: left empty" "" "$(email_of Fay)"
check_eq "an address and stray words: left empty, not guessed" "" \
    "$(email_of Gus)"
check_eq "a word before a bare address is no display name: left empty" "" \
    "$(email_of Hal)"

other_of() {
	sql "SELECT COALESCE(JSON_VALUE(custom, '\$.\"Other emails\"'), '')
	    FROM contacts WHERE first_name = '$1'"
}
check_eq "the others kept as custom data \"Other emails\"" \
    "di.l@co.org; di2@co.net" "$(other_of Di)"
check_eq "an invalid other kept as written" "bad@nodomain" "$(other_of Ed)"
check_eq "no custom data where the cell held one address" 6 \
    "$(sql "SELECT COUNT(*) FROM contacts WHERE custom IS NULL")"

li_of() { sql "SELECT COALESCE(linkedin_url, '') FROM contacts WHERE first_name = '$1'"; }
LI=https://www.linkedin.com/in
check_eq "m.linkedin.com: canonical" "$LI/ada-display" "$(li_of Ada)"
check_eq "/mwlite/ and a locale suffix: canonical" "$LI/bea-quoted" "$(li_of Bea)"
check_eq "a country host without a scheme: canonical" "$LI/cy-mailto" "$(li_of Cy)"
check_eq "a member id keeps its case" "$LI/$ID_ADA" \
    "$(sql "SELECT CAST(linkedin_url AS BINARY) FROM contacts WHERE first_name = 'Di'")"
check_eq "refused URLs left empty" "||" "$(li_of Ed)|$(li_of Fay)|$(li_of Gus)"

warn() {	# the row's warnings: "code code", sorted
	echo "$ST" | jq -r "[.errors[] | select(.severity == \"warning\" and
	    .row == $1) | .code] | sort | join(\" \")"
}
msg() {		# the message of row $1's warning $2
	echo "$ST" | jq -r ".errors[] | select(.row == $1 and .code == \"$2\") |
	    .message"
}
check_eq "no warning for a display name, mailto: or a canonical URL" "|||" \
    "$(warn 2)|$(warn 3)|$(warn 4)|"
check_eq "several addresses: several_emails" several_emails "$(warn 5)"
check_eq "the warning says which address was taken" \
    '"di@co.example; Di.L@co.org, di2@co.net" holds more than one email address: di@co.example was taken as Email, the others were kept as custom data "Other emails"' \
    "$(msg 5 several_emails)"
check_eq "row 6: several emails, an old /pub/ URL" \
    "invalid_linkedin_url several_emails" "$(warn 6)"
check_eq "an old /pub/ URL says so and what to use" \
    "The LinkedIn URL is an old public-profile URL (linkedin.com/pub/...), which names no profile we can use: use the profile's linkedin.com/in/... URL instead; it was left empty" \
    "$(msg 6 invalid_linkedin_url)"
check_eq "row 7: not an email, a company page" \
    "invalid_email invalid_linkedin_url" "$(warn 7)"
check_eq "a company page says so" \
    "The LinkedIn URL is a company page (linkedin.com/company/...), not a person's profile; it was left empty" \
    "$(msg 7 invalid_linkedin_url)"
check_eq "row 8: not an email, a Sales Navigator link" \
    "invalid_email invalid_linkedin_url" "$(warn 8)"
check "a Sales Navigator link says so" grep -q \
    "^The LinkedIn URL is a Sales Navigator link (linkedin.com/sales/...)" \
    <<<"$(msg 8 invalid_linkedin_url)"
check_eq "stray words: invalid_email as before" \
    '"gus@co.example call me" is not an email address; Email was left empty' \
    "$(msg 8 invalid_email)"
check_eq "a word before a bare address: invalid_email" invalid_email "$(warn 9)"

owner_of() {
	sql "SELECT u.email FROM contacts c JOIN users u ON u.id = c.owner_id
	    WHERE c.first_name = '$1'"
}
check_eq "an owner with a display name" owner@c.test "$(owner_of Ada)"
check_eq "an owner as MAILTO:" owner@c.test "$(owner_of Bea)"
check_eq "no owner named: the uploader" ed@c.test "$(owner_of Cy)"

# A later file: the member id in another spelling finds the contact; its
# own "Other emails" column comes first, the cell's rest after it.
cat > "$RUN/f2.csv" <<X
First name,Last name,Account Name,Domain,Email,Contact LinkedIn URL,Other emails
Di,Several,Co,co.example,di@co.example / di3@co.net,m.linkedin.com/mwlite/in/$ID_ADA/en,di.old@co.org
X
it_import c "$RUN/f2.csv" --on-existing update
check_eq "the member id in another spelling matches the contact" \
    "done 1 0 linkedin" "$(st '"\(.state) \(.updated) \(.created)"') $(sql \
    "SELECT match_key FROM import_rows WHERE import_id = '$ID' AND row_no = 2
    AND code = 'updated'")"
check_eq "the file's Other emails first, the cell's rest after" \
    "di.old@co.org; di3@co.net" "$(other_of Di)"
check_eq "and one contact still" 1 \
    "$(sql "SELECT COUNT(*) FROM contacts WHERE first_name = 'Di'")"
# A row only a refused LinkedIn URL would identify is skipped saying what
# the URL is, not only that it is no profile URL.
cat > "$RUN/f3.csv" <<X
First name,Contact LinkedIn URL
Old,https://www.linkedin.com/pub/old-person/1a/2b/3c
X
it_import c "$RUN/f3.csv"
check "a /pub/ URL: the skip says it is an old public-profile URL" \
    grep -q "^The LinkedIn URL is an old public-profile URL .*, and Last name, Account Name, Domain are missing" \
    <<< "$(st '.errors[] | select(.severity == "skipped") | .message')"
# A Phone cell with several numbers: the first is Phone, the others are
# kept; a number with an extension is one number.
cat > "$RUN/f4.csv" <<X
First name,Last name,Account Name,Domain,Phone
Pia,Phones,Co,co.example,"+7 495 555 0104, +1 555 0150"
Pat,Ext,Co,co.example,"+1 555 0100, ext. 12"
X
it_import c "$RUN/f4.csv"
check_eq "several phones: the first is Phone, the rest Other phones" \
    "+7 495 555 0104|+1 555 0150" "$(sql "SELECT CONCAT(phone, '|',
    JSON_VALUE(custom, '\$.\"Other phones\"')) FROM contacts
    WHERE last_name = 'Phones'")"
check_eq "with a several_phones warning" several_phones \
    "$(st '.errors[] | select(.row == 2) | .code')"
check_eq "an extension is part of one number" "+1 555 0100, ext. 12" \
    "$(sql "SELECT phone FROM contacts WHERE last_name = 'Ext'")"
it_done
