#!/bin/bash
# Every file of the export corpus (tests/data/exports: one file in the
# shape each tool exports) imported with `intake import` and no mapping,
# the suggestion accepted as it is, each into a workspace of its own; the
# status (counts, the columns' mapping and why) and the contacts in the
# database compared with NAME.expect (format: tests/data/exports/README.md).
# One "ok"/"not ok" line a file, with what differs. EXPORTS="a.csv b.csv"
# runs only those files.
. "$(dirname "$0")/lib.sh"
DIR=$SRCDIR/tests/data/exports
PPORT=$(stack_free_port)

# LinkedIn-only rows are completed by the enrichment provider, serving
# the corpus's own profiles.
mkdir -p "$RUN/provider"
stack_provider_fixtures "$DIR/profiles" "$RUN/provider/fixtures"
stack_provider_start || exit 1
STACK_CONF_EXTRA="$(stack_provider_conf "")
enrich_backoff_ms = 50"
stack_up || exit 1

files=${EXPORTS:-$(cd "$DIR" && ls *.csv)}

# Queue every file first (each in its own workspace, so they may run side
# by side), then judge them one by one.
n=0
declare -A WS IMP OUT
for f in $files; do
	n=$((n + 1))
	ws=x$n
	WS[$f]=$ws
	stack_intake workspace add "$ws" >/dev/null &&
	stack_intake user add --workspace "$ws" --email "ed@$ws.test" \
	    --role editor >/dev/null || exit 1
	while read -r _ email name; do
		stack_intake user add --workspace "$ws" --email "$email" \
		    --role editor --name "$name" >/dev/null 2>&1 ||
		stack_intake user add --workspace "$ws" --email "$email" \
		    --role editor >/dev/null
	done < <(grep '^user ' "$DIR/$f.expect")
	OUT[$f]=$(stack_intake import --workspace "$ws" --as "ed@$ws.test" \
	    --no-wait "$DIR/$f" 2>&1)
	IMP[$f]=$(echo "${OUT[$f]}" | grep -E '^[0-9A-Za-z-]+$' | tail -1)
done

# The workspace's contacts, one JSON object a line.
contacts_json() {
	mariadb --no-defaults -uintake -p"$STACK_DBPASS" -N -B -r \
	    --default-character-set=utf8mb4 --socket="$RUN/mysql.sock" intake \
	    -e "SELECT JSON_OBJECT('first_name', c.first_name,
	    'last_name', c.last_name, 'email', c.email, 'phone', c.phone,
	    'linkedin', c.linkedin_url, 'account', a.name, 'domain', a.domain,
	    'owner', u.email,
	    'phone_verification_result', c.phone_verification_result,
	    'phone_verification_provider', c.phone_verification_provider,
	    'phone_type', c.phone_type, 'phone_intent_score', c.phone_intent_score,
	    'dnt', c.dnt, 'custom', c.custom,
	    'tags', (SELECT GROUP_CONCAT(t.name SEPARATOR ';')
	        FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
	        WHERE ct.contact_id = c.id))
	    FROM contacts c JOIN workspaces w ON w.id = c.workspace_id
	    LEFT JOIN accounts a ON a.id = c.account_id
	    LEFT JOIN users u ON u.id = c.owner_id
	    WHERE w.slug = '$1' ORDER BY c.id" |
	jq -c '.custom |= (if type == "string" then fromjson else . end)'
}

# Wait for import $1 until the deadline (all were queued together; an
# import that retries for ever must not hold the others up); sets ST.
wait_long() {
	local state
	while :; do
		ST=$(cat "$RUN/spool/status/$1.json" 2>/dev/null)
		state=$(echo "$ST" | jq -r .state 2>/dev/null)
		case $state in done|failed) return 0;; esac
		[ $SECONDS -lt $DEADLINE ] || return 1
		sleep 0.2
	done
}

DIFFS=()
CHECKS=0
differ() { DIFFS+=("$1"); }

# want WHAT EXPECTED ACTUAL
want() {
	CHECKS=$((CHECKS + 1))
	[ "$2" = "$3" ] || differ "$1: want [$2], got [$3]"
}

# The contact with KEY (an email or a normalised LinkedIn URL).
contact_of() {
	jq -c --arg k "$1" 'select((.email // "") == $k or
	    (.linkedin // "") == $k)' "$RUN/c.json" | head -1
}

# One field of a contact object, "" for null or absent.
field_of() {
	local obj=$1 f=$2
	case $f in
	custom.*)
		jq -r --arg k "${f#custom.}" \
		    '(.custom // {})[$k] // "" | tostring' <<< "$obj";;
	*)
		jq -r --arg k "$f" '.[$k] // "" | tostring' <<< "$obj";;
	esac
}

# map HEADER = TARGET[|TARGET...]: the status column's as/key/why.
check_map() {
	local spec=$1 header target col as key why alt ok=0 lc hname
	header=${spec%% = *}
	target=${spec#* = }
	if [[ $header == \#* ]]; then
		col=$(jq -c --argjson i "${header#\#}" '.columns[$i - 1] // empty' \
		    <<< "$ST")
	else
		col=$(jq -c --arg h "$header" \
		    '[.columns[]? | select(.header == $h)][0] // empty' <<< "$ST")
	fi
	CHECKS=$((CHECKS + 1))
	if [ -z "$col" ]; then
		differ "map $header: no such column in the status"
		return
	fi
	as=$(jq -r '.as // ""' <<< "$col")
	key=$(jq -r '.key // ""' <<< "$col")
	why=$(jq -r '.why // ""' <<< "$col")
	hname=$(jq -r '.header // ""' <<< "$col")	# "#N" names it by place
	IFS='|' read -ra alts <<< "$target"
	for alt in "${alts[@]}"; do
		lc=${alt,,}
		case $lc in
		custom:*)
			[ "${as,,}" = custom ] && [ "$key" = "${alt#custom:}" ] &&
			    ok=1;;
		custom)
			[ "${as,,}" = custom ] && { [ -z "$key" ] ||
			    [ "$key" = "$hname" ]; } && ok=1;;
		*)
			[ "${as,,}" = "$lc" ] && ok=1;;
		esac
	done
	local got=$as
	[ -n "$key" ] && [ "$key" != "$hname" ] && got="$as:$key"
	[ $ok = 1 ] || differ "map $header: want $target, got ${got:-nothing}"
	if [ $ok = 1 ] && [ -z "$why" ]; then
		CHECKS=$((CHECKS + 1))
		differ "map $header: no why"
	fi
}

judge() {
	local f=$1 ws=${WS[$1]} id=${IMP[$1]} line kw rest key fv obj got exp
	DIFFS=()
	CHECKS=0
	if [ -z "$id" ]; then
		not_ok "$f" "not queued: $(echo "${OUT[$f]}" | head -3 | tr '\n' ' ')"
		return
	fi
	if ! wait_long "$id"; then
		not_ok "$f" "import $id did not finish: $(st .state)"
		return
	fi
	contacts_json "$ws" > "$RUN/c.json"
	while IFS= read -r line; do
		case $line in ''|'#'*) continue;; esac
		kw=${line%% *}
		rest=${line#* }
		case $kw in
		flow|user) ;;
		state)
			want state "$rest" "$(st .state)"
			[ "$rest" = "$(st .state)" ] || [ "$(st .state)" != failed ] ||
			    differ "  message: $(st .message)";;
		rows) want rows_total "$rest" "$(st .rows_total)";;
		created|updated|skipped|failed)
			want "$kw" "$rest" "$(st ".$kw")";;
		encoding) want encoding "${rest^^}" "$(st .encoding | tr a-z A-Z)";;
		delimiter) want delimiter "$rest" "$(st .delimiter)";;
		code)
			want "errors with code ${rest% *}" "${rest##* }" \
			    "$(jq --arg c "${rest% *}" \
			    '[.errors[]? | select(.code == $c)] | length' <<< "$ST")";;
		contacts)
			want contacts "$rest" "$(wc -l < "$RUN/c.json" | tr -d ' ')";;
		map) check_map "$rest";;
		contact|nocontact|tags|dnt|customkeys)
			key=${rest%% *}
			fv=${rest#"$key"}; fv=${fv# }
			obj=$(contact_of "$key")
			if [ $kw = nocontact ]; then
				CHECKS=$((CHECKS + 1))
				[ -z "$obj" ] || differ "$key: should not be imported"
				continue
			fi
			if [ -z "$obj" ]; then
				CHECKS=$((CHECKS + 1))
				# one difference per missing contact, not one per field
				[[ " ${DIFFS[*]} " == *"$key: not imported"* ]] ||
				    differ "$key: not imported"
				continue
			fi
			case $kw in
			contact)
				want "$key ${fv%%=*}" "${fv#*=}" \
				    "$(field_of "$obj" "${fv%%=*}")";;
			tags)
				exp=$(jq -rn --arg t "$fv" \
				    '$t | split(";") | map(select(. != "")) | sort | join(";")')
				got=$(jq -r '.tags // "" | split(";") | sort | join(";")' \
				    <<< "$obj")
				want "$key tags" "$exp" "$got";;
			dnt) want "$key dnt" "$fv" "$(field_of "$obj" dnt)";;
			customkeys)
				want "$key custom keys" "$fv" \
				    "$(jq -r '.custom // {} | keys | join(";")' <<< "$obj")";;
			esac;;
		*) differ "unknown expectation: $line";;
		esac
	done < "$DIR/$f.expect"
	if [ ${#DIFFS[@]} -eq 0 ]; then
		ok "$f ($CHECKS checks)"
	else
		not_ok "$f (${#DIFFS[@]} of $CHECKS checks differ)"
		# what differs about the import first, then the missing
		# contacts on one line
		local d missing=() other=()
		for d in "${DIFFS[@]}"; do
			case $d in
			*": not imported") missing+=("${d%: not imported}");;
			*) other+=("$d");;
			esac
		done
		[ ${#other[@]} -eq 0 ] || printf '#   %s\n' "${other[@]:0:12}"
		[ ${#other[@]} -le 12 ] ||
		    echo "#   ... and $(( ${#other[@]} - 12 )) more"
		[ ${#missing[@]} -eq 0 ] ||
		    echo "#   ${#missing[@]} contacts not imported: ${missing[*]:0:4} ..."
	fi
}

DEADLINE=$((SECONDS + ${EXPORTS_WAIT:-180}))
for f in $files; do
	judge "$f"
done
it_done
