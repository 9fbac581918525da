#!/bin/bash
# Tags, the workflow, Do Not Touch and owners, as the create flow applies
# them to the contacts it creates or updates.
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
csv() { cat > "$RUN/$1.csv"; echo "$RUN/$1.csv"; }
tags_of() { sql "SELECT GROUP_CONCAT(t.name ORDER BY t.name SEPARATOR ',')
    FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
    JOIN contacts c ON c.id = ct.contact_id WHERE c.last_name = '$1'"; }
enrolled() { sql "SELECT COUNT(*) FROM workflow_enrolments e
    JOIN contacts c ON c.id = e.contact_id WHERE c.last_name = '$1'"; }
owner_of() { sql "SELECT u.email FROM contacts c JOIN users u
    ON u.id = c.owner_id WHERE c.last_name = '$1'"; }

# Tags: existing ones by name in any case, new ones created.
it_ws tags
f=$(csv t1 <<'X'
First name,Last name,Account Name,Domain
A,Tagone,A,a.example
X
)
it_import tags "$f" --tag VIP
f=$(csv t2 <<'X'
First name,Last name,Account Name,Domain
B,Tagtwo,B,b.example
X
)
it_import tags "$f" --tag vip --tag "Event 2026"
check_eq "existing tag reused (any case), new tag created" "Event 2026,VIP" \
    "$(tags_of Tagtwo)"
check_eq "no second VIP tag" 2 "$(sql "SELECT COUNT(*) FROM tags t
    JOIN workspaces w ON w.id = t.workspace_id WHERE w.slug = 'tags'")"
check_eq "tagged counted" 1 "$(st .tagged)"
f=$(csv t3 <<'X'
First name,Last name,Account Name,Domain
A,Tagone,A,a.example
X
)
it_import tags "$f" --tag New --on-existing update
check_eq "tags added to updated contacts too" "New,VIP" "$(tags_of Tagone)"

# Workflow: default (the workspace's setting), by name, none.
it_ws wf
stack_intake workflow add --workspace wf Welcome >/dev/null
stack_intake workflow add --workspace wf Nurture >/dev/null
f=$(csv w1 <<'X'
First name,Last name,Account Name,Domain
A,Wfdefault,A,a.example
X
)
it_import wf "$f"
check_eq "default with no setting: nobody enrolled" "0 0" \
    "$(enrolled Wfdefault) $(st .queued_to_workflow)"
stack_intake workflow default --workspace wf Welcome >/dev/null
f=$(csv w2 <<'X'
First name,Last name,Account Name,Domain
B,Wfset,B,b.example
X
)
it_import wf "$f"
check_eq "default uses the workspace setting" "Welcome 1" \
    "$(sql "SELECT w.name FROM workflow_enrolments e JOIN workflows w
        ON w.id = e.workflow_id JOIN contacts c ON c.id = e.contact_id
        WHERE c.last_name = 'Wfset'") $(st .queued_to_workflow)"
check_eq "the status names the workflow the default resolved to" Welcome \
    "$(st .workflow)"
check_eq "enrolment is queued" queued "$(sql "SELECT e.state FROM
    workflow_enrolments e JOIN contacts c ON c.id = e.contact_id
    WHERE c.last_name = 'Wfset'")"
f=$(csv w3 <<'X'
First name,Last name,Account Name,Domain
C,Wfnamed,C,c.example
X
)
it_import wf "$f" --workflow Nurture
check_eq "a workflow by name" Nurture "$(sql "SELECT w.name FROM
    workflow_enrolments e JOIN workflows w ON w.id = e.workflow_id
    JOIN contacts c ON c.id = e.contact_id WHERE c.last_name = 'Wfnamed'")"
f=$(csv w4 <<'X'
First name,Last name,Account Name,Domain
D,Wfnone,D,d.example
X
)
it_import wf "$f" --workflow none
check_eq "none enrols nobody" 0 "$(enrolled Wfnone)"
it_import wf "$RUN/w2.csv" --on-existing update
check_eq "already enrolled: not twice" "1 0" \
    "$(enrolled Wfset) $(st .queued_to_workflow)"
out=$(stack_intake import --workspace wf --as ed@wf.test --workflow Nope \
    "$RUN/w4.csv" 2>&1)
check_eq "an unknown workflow is refused before queueing" \
    'no workflow "Nope" in wf' "$out"

# Do Not Touch: flagged, never enrolled, never cleared.
f=$(csv d1 <<'X'
First name,Last name,Account Name,Domain
E,Dntnew,E,e.example
X
)
it_import wf "$f" --dnt
check_eq "DNT: flagged and not enrolled" "1 0 1" \
    "$(sql "SELECT dnt FROM contacts WHERE last_name = 'Dntnew'") $(enrolled Dntnew) $(st .dnt)"
it_import wf "$f" --on-existing update
check_eq "DNT off never clears the flag, and it stays out of workflows" "1 0" \
    "$(sql "SELECT dnt FROM contacts WHERE last_name = 'Dntnew'") $(enrolled Dntnew)"
it_import wf "$RUN/w3.csv" --on-existing update --dnt --workflow Nurture
check_eq "DNT on an update flags the existing contact" 1 \
    "$(sql "SELECT dnt FROM contacts WHERE last_name = 'Wfnamed'")"

# Owners.
it_ws own
f=$(csv o1 <<'X'
First name,Last name,Account Name,Domain,Contact Owner Email
A,Ownnamed,A,a.example,OWNER@own.test
B,Ownblank,B,b.example,
C,Ownunknown,C,c.example,ghost@own.test
X
)
it_import own "$f"
check_eq "owner: named user, blank -> uploader, unknown -> uploader" \
    "owner@own.test ed@own.test ed@own.test" \
    "$(owner_of Ownnamed) $(owner_of Ownblank) $(owner_of Ownunknown)"
check_eq "unknown owner warned" "4:unknown_owner" "$(st_codes)"
f=$(csv o2 <<'X'
First name,Last name,Account Name,Domain,Contact Owner Email
A,Ownnamed,A,a.example,ed@own.test
B,Ownblank,B,b.example,owner@own.test
X
)
it_import own "$f" --on-existing update
check_eq "matched contacts keep their owner without override" \
    "owner@own.test ed@own.test" "$(owner_of Ownnamed) $(owner_of Ownblank)"
it_import own "$f" --on-existing update --override-owners
check_eq "override: the file's owner" \
    "ed@own.test owner@own.test" "$(owner_of Ownnamed) $(owner_of Ownblank)"
f=$(csv o3 <<'X'
First name,Last name,Account Name,Domain,Contact Owner Email
B,Ownblank,B,b.example,
C,Ownunknown,C,c.example,ghost@own.test
X
)
stack_intake user add --workspace own --email third@own.test --role editor >/dev/null
sql "UPDATE contacts SET owner_id = (SELECT id FROM users WHERE email = 'third@own.test')
    WHERE last_name = 'Ownunknown'"
it_import own "$f" --on-existing update --override-owners
check_eq "override with blank or unknown owner: the uploader" \
    "ed@own.test ed@own.test" "$(owner_of Ownblank) $(owner_of Ownunknown)"
check_eq "and the unknown one is warned" "3:unknown_owner" "$(st_codes)"
it_import own "$f" --on-existing skip --override-owners
check_eq "override does nothing to skipped contacts" "2 0" \
    "$(st .skipped) $(st .updated)"
it_done
