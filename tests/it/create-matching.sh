#!/bin/bash
# "If an contact already exists": matching by LinkedIn URL, email, or
# name + domain, and what each policy does with a match, also when the
# earlier contact is a row of the same file.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
csv() { cat > "$RUN/$1.csv"; echo "$RUN/$1.csv"; }

contact() {	# contact WS LAST: the fields a policy may change
	sql "SELECT c.first_name, COALESCE(c.email, '-'), COALESCE(c.phone, '-'),
	    a.domain, COALESCE(c.custom, '-'), c.updated_by_import IS NOT NULL
	    FROM contacts c JOIN accounts a ON a.id = c.account_id
	    JOIN workspaces w ON w.id = c.workspace_id
	    WHERE w.slug = '$1' AND c.last_name = '$2' ORDER BY c.id"
}
count() { sql "SELECT COUNT(*) FROM contacts c JOIN workspaces w
    ON w.id = c.workspace_id WHERE w.slug = '$1'"; }
pubid() {	# pubid WS LAST
	sql "SELECT c.public_id FROM contacts c JOIN workspaces w
	    ON w.id = c.workspace_id WHERE w.slug = '$1' AND c.last_name = '$2'
	    ORDER BY c.id LIMIT 1"
}

seed=$(csv seed <<'X'
First name,Last name,Account Name,Domain,Email,Phone,Contact LinkedIn URL,Colour,Size
Ada,Lovelace,Analytical,analytical.example,ada@analytical.example,111,https://www.linkedin.com/in/ada,red,S
X
)

# skip: the existing contact is left untouched.
for ws in skip upd dup; do it_ws $ws; it_import $ws "$seed"; done
again=$(csv again <<'X'
First name,Last name,Account Name,Domain,Email,Phone,Contact LinkedIn URL,Colour,Size
Augusta,Lovelace,Babbage,babbage.example,ADA@analytical.example,,,blue,
X
)
before=$(contact skip Lovelace)
it_import skip "$again" --on-existing skip --tag T --workflow none
check_eq "skip: outcome exists, with the contact" "2:exists $(pubid skip Lovelace)" \
    "$(st '"\(.errors[0].row):\(.errors[0].code) \(.errors[0].contact)"')"
check_eq "skip: says which key matched" \
    "This contact already exists as $(pubid skip Lovelace) (matched by email); it was left unchanged" \
    "$(st '.errors[0].message')"
check_eq "skip: nothing changed" "$before" "$(contact skip Lovelace)"
check_eq "skip: no tag added" 0 "$(sql "SELECT COUNT(*) FROM contact_tags ct
    JOIN tags t ON t.id = ct.tag_id JOIN workspaces w ON w.id = t.workspace_id
    WHERE w.slug = 'skip'")"

# update: non-empty cells overwrite, empty ones never erase, custom data
# is merged, a new domain moves the contact to that account.
it_import upd "$again" --on-existing update
check_eq "update: counted as updated" "0 1 0" \
    "$(st '"\(.created) \(.updated) \(.skipped)"')"
check_eq "update: overwrite, keep, merge, move" \
    'Augusta	ada@analytical.example	111	babbage.example	{"Colour":"blue","Size":"S"}	1' \
    "$(contact upd Lovelace)"
check_eq "update: the matched key is recorded" "updated	email	$(pubid upd Lovelace)" \
    "$(sql "SELECT code, match_key, contact FROM import_rows
        WHERE import_id = '$ID'")"
check_eq "update: not listed among errors" 0 "$(st '.errors | length')"

# duplicate: a separate contact, the existing one untouched.
before=$(contact dup Lovelace)
it_import dup "$again" --on-existing duplicate
check_eq "duplicate: a new contact" 2 "$(count dup)"
check_eq "duplicate: the first is untouched" "$before" \
    "$(contact dup Lovelace | head -1)"

# The keys, in order: LinkedIn URL first, then email, then name + domain.
it_ws keys
k=$(csv keys <<'X'
First name,Last name,Account Name,Domain,Email,Contact LinkedIn URL
Ann,One,A,a.example,ann@a.example,https://www.linkedin.com/in/ann-one
Bob,Two,B,b.example,bob@b.example,
Cat,Three,C,c.example,,
X
)
it_import keys "$k"
k2=$(csv keys2 <<'X'
First name,Last name,Account Name,Domain,Email,Contact LinkedIn URL
Renamed,Person,Z,z.example,other@z.example,http://uk.linkedin.com/in/ANN-ONE/
Robert,Twofold,Y,y.example,BOB@B.EXAMPLE,
cat,THREE,C2,C.Example,,
Dan,Four,D,d.example,,
X
)
it_import keys "$k2" --on-existing update
check_eq "keys: linkedin, email, name+domain (case-insensitive)" \
    "2:linkedin 3:email 4:name" \
    "$(sql "SELECT GROUP_CONCAT(CONCAT(row_no, ':', match_key) ORDER BY row_no
        SEPARATOR ' ') FROM import_rows WHERE import_id = '$ID'")"
check_eq "keys: the unmatched row is created" "1 3" \
    "$(st '"\(.created) \(.updated)"')"

# Rows earlier in the file count as existing.
for p in skip update duplicate; do
	it_ws "infile-$p"
	f=$(csv "infile-$p" <<'X'
First name,Last name,Account Name,Domain,Email,Phone
Eve,Twin,Acme,acme.example,eve@acme.example,
Eve,Twin,Acme,acme.example,eve@acme.example,555
X
)
	it_import "infile-$p" "$f" --on-existing $p
	eval "res_$p=\"\$(st '\"\(.created) \(.updated) \(.skipped)\"') \$(count infile-$p)\""
done
check_eq "in-file duplicate, skip: second row skipped" "1 0 1 1" "$res_skip"
check_eq "in-file duplicate, update: second row updates the first" \
    "1 1 0 1" "$res_update"
check_eq "in-file duplicate, update: the phone arrived" 555 \
    "$(sql "SELECT c.phone FROM contacts c JOIN workspaces w
        ON w.id = c.workspace_id WHERE w.slug = 'infile-update'")"
check_eq "in-file duplicate, duplicate: two contacts" "2 0 0 2" "$res_duplicate"

# Ambiguous: two contacts match and update would have to guess.
f=$(csv amb <<'X'
First name,Last name,Account Name,Domain,Email
Eve,Twin,Acme,acme.example,eve@acme.example
X
)
it_import infile-duplicate "$f" --on-existing update
ids=$(sql "SELECT GROUP_CONCAT(c.public_id ORDER BY c.id SEPARATOR ', ')
    FROM contacts c JOIN workspaces w ON w.id = c.workspace_id
    WHERE w.slug = 'infile-duplicate'")
check_eq "ambiguous match skipped, listing the candidates" \
    "ambiguous_match: More than one existing contact matches by email ($ids); none was updated" \
    "$(st '"\(.errors[0].code): \(.errors[0].message)"')"
check_eq "ambiguous: nothing updated" 0 "$(st .updated)"

# Contacts of another workspace are never matched.
it_import keys "$seed" --on-existing update
check_eq "another workspace's contact is not a match" "1 0" \
    "$(st '"\(.created) \(.updated)"')"
it_done
