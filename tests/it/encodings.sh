#!/bin/bash
# Files in the encodings people's tools write are read right, through the
# real stack: each is made with iconv from UTF-8 sentences, imported, and
# its names are stored as written. A UTF-8 file with one Windows-1252 row
# stays UTF-8 (that row alone is decoded otherwise, with a warning), a NUL
# byte costs its row, not the file, and the user's encoding (CLI, upload
# form, sidecar, preview) wins over detection. A killed import of a
# mostly-UTF-8 file resumes warning on the same rows.
STACK_BATCH=50
STACK_CONF_EXTRA="drop_settle = 1
drop_hold = 5
max_attempts = 1000"
. "$(dirname "$0")/lib.sh"
stack_up || exit 1
it_ws enc || exit 1
it_workspace || exit 1
T=$RUN/enc
mkdir -p "$T"
H='First name,Last name,Account Name,Domain,Email,Note'

# mk NAME ENCODING: $T/NAME.csv from the UTF-8 rows on stdin (the header
# is H; each row's domain made its own, so that each row names its own
# account), converted with iconv; a UTF-16 file gets its byte order mark.
mk() {
	{ echo "$H"; awk -F, -v OFS=, '{ $4 = "r" NR "." $4 } 1'; } \
	    > "$T/$1.utf8"
	case $2 in
	UTF-16LE) printf '\377\376' > "$T/$1.csv";;
	UTF-16BE) printf '\376\377' > "$T/$1.csv";;
	*) : > "$T/$1.csv";;
	esac
	iconv -f UTF-8 -t "$2" "$T/$1.utf8" >> "$T/$1.csv" ||
	    not_ok "iconv -t $2 $1"
}

# names EMAIL-DOMAIN: "first|last|account|note" of each contact of it
names() {
	sql "SELECT CONCAT_WS('|', c.first_name, c.last_name, a.name,
	    JSON_VALUE(c.custom, '\$.Note')) FROM contacts c
	    JOIN accounts a ON a.id = c.account_id
	    WHERE c.email LIKE '%@$1' ORDER BY c.email"
}

# case NAME ENCODING-STATUS: import NAME.csv; the status names the
# encoding, every row is created, and what is stored is the UTF-8 text.
enc_case() {
	local f=$1 want=$2 rows exp
	it_import enc "$T/$f.csv" || { not_ok "$f: finished" "$ST"; return; }
	rows=$(($(wc -l < "$T/$f.utf8") - 1))
	check_eq "$f: read as $want, $rows created" "done $want $rows 0" \
	    "$(st .state) $(st .encoding) $(st .created) $(st .warnings)"
	exp=$(tail -n +2 "$T/$f.utf8" | sort -t, -k5 |
	    awk -F, '{ print $1 "|" $2 "|" $3 "|" $6 }')
	check_eq "$f: names stored as written" "$exp" "$(names "$f.example")"
}

mk fr WINDOWS-1252 <<'EOF'
José,García Márquez,Société Générale,fr.example,jose@fr.example,Coût 5 € – « déjà »
Françoise,Lefèvre,Crédit Agricole,fr.example,francoise@fr.example,Œuvre d’art
Jürgen,Müller,Größe GmbH,fr.example,jurgen@fr.example,Grüße aus Köln
Begoña,Núñez,Compañía Española,fr.example,begona@fr.example,¿Señor? ¡Sí!
EOF
enc_case fr WINDOWS-1252

mk ru WINDOWS-1251 <<'EOF'
Иван,Петров,Газпром,ru.example,ivan@ru.example,Москва
Ольга,Смирнова,Сбербанк России,ru.example,olga@ru.example,Санкт-Петербург
Дмитрий,Кузнецов,Лукойл,ru.example,dmitry@ru.example,Новосибирск
EOF
enc_case ru WINDOWS-1251

mk rukoi KOI8-R <<'EOF'
Иван,Петров,Газпром,rukoi.example,ivan@rukoi.example,Москва
Ольга,Смирнова,Сбербанк России,rukoi.example,olga@rukoi.example,Санкт-Петербург
Екатерина,Соколова,Яндекс,rukoi.example,ekaterina@rukoi.example,Екатеринбург
EOF
enc_case rukoi KOI8-R

mk el WINDOWS-1253 <<'EOF'
Γιώργος,Παπαδόπουλος,Τράπεζα Πειραιώς,el.example,giorgos@el.example,Αθήνα
Άννα,Κωνσταντίνου,Ελληνικά Πετρέλαια,el.example,anna@el.example,Θεσσαλονίκη
Νίκος,Αλεξίου,Αεροπορία Αιγαίου,el.example,nikos@el.example,Ηράκλειο
EOF
enc_case el WINDOWS-1253

mk tr WINDOWS-1254 <<'EOF'
Ayşe,Yılmaz,Türk Hava Yolları,tr.example,ayse@tr.example,İstanbul
Şükrü,Çelik,Doğuş Grubu,tr.example,sukru@tr.example,İzmir
Gülşen,Kılıç,Ülker Bisküvi,tr.example,gulsen@tr.example,Eskişehir
EOF
enc_case tr WINDOWS-1254

mk cs WINDOWS-1250 <<'EOF'
Jiří,Dvořák,Škoda Auto,cs.example,jiri@cs.example,Plzeň
Małgorzata,Wiśniewska,Żywiec Zdrój,cs.example,malgorzata@cs.example,Łódź
Zdeněk,Růžička,Česká spořitelna,cs.example,zdenek@cs.example,České Budějovice
EOF
enc_case cs WINDOWS-1250

mk fr15 ISO-8859-15 <<'EOF'
Élodie,Dupré,Hôtel Œuvre,fr15.example,elodie@fr15.example,Coût 5 €
Françoise,Lefèvre,Crédit Agricole,fr15.example,francoise@fr15.example,à Orléans
EOF
enc_case fr15 ISO-8859-15

mk ja SHIFT_JIS <<'EOF'
太郎,山田,株式会社トヨタ自動車,ja.example,taro@ja.example,東京都千代田区
花子,佐藤,ソニーグループ株式会社,ja.example,hanako@ja.example,大阪府大阪市
一郎,鈴木,任天堂株式会社,ja.example,ichiro@ja.example,京都府京都市
EOF
enc_case ja CP932

mk jae EUC-JP <<'EOF'
太郎,山田,株式会社トヨタ自動車,jae.example,taro@jae.example,東京都千代田区
花子,佐藤,ソニーグループ株式会社,jae.example,hanako@jae.example,大阪府大阪市
一郎,鈴木,任天堂株式会社,jae.example,ichiro@jae.example,京都府京都市
EOF
enc_case jae EUC-JP

mk zh GB18030 <<'EOF'
伟,王,华为技术有限公司,zh.example,wei@zh.example,深圳市
娜,李,阿里巴巴集团,zh.example,na@zh.example,杭州市
敏,张,腾讯控股有限公司,zh.example,min@zh.example,北京市
EOF
enc_case zh GB18030

mk zht BIG5 <<'EOF'
志明,陳,台灣積體電路製造,zht.example,chihming@zht.example,新竹市
淑芬,林,鴻海精密工業,zht.example,shufen@zht.example,台北市
建國,黃,中華電信,zht.example,chienkuo@zht.example,高雄市
EOF
enc_case zht CP950

mk ko EUC-KR <<'EOF'
민준,김,삼성전자,ko.example,minjun@ko.example,서울특별시
서연,이,현대자동차,ko.example,seoyeon@ko.example,부산광역시
지훈,박,엘지전자,ko.example,jihoon@ko.example,대구광역시
EOF
enc_case ko UHC

mk u16le UTF-16LE <<'EOF'
Zoë,Strauß,Café Olé,u16le.example,zoe@u16le.example,山田 太郎
EOF
enc_case u16le UTF-16LE

mk u16be UTF-16BE <<'EOF'
Иван,Петров,Газпром,u16be.example,ivan@u16be.example,Ελλάδα
EOF
enc_case u16be UTF-16BE

# Excel for Mac: MacRoman, CR line ends.
mk mac MACINTOSH <<'EOF'
José,García Márquez,Café Olé,mac.example,jose@mac.example,Crédit à Orléans
Françoise,Lefèvre,Société Générale,mac.example,francoise@mac.example,Größe
Jürgen,Müller,Fabrik GmbH,mac.example,jurgen@mac.example,Grüße
EOF
tr '\n' '\r' < "$T/mac.csv" > "$T/mac.cr" && mv "$T/mac.cr" "$T/mac.csv"
enc_case mac MACINTOSH

# A UTF-8 file with one row in Windows-1252: that row alone is decoded
# otherwise, with a warning naming it; the rest is read as written.
{
	echo "$H"
	echo "José,García,Café,r1.mix.example,jose@mix.example,Crème brûlée"
	echo "太郎,山田,株式会社,r2.mix.example,taro@mix.example,東京"
	echo "Ана,Петрова,Газпром,r3.mix.example,ana@mix.example,Москва"
	printf 'Ren\xe9e,Lef\xe8vre,Soci\xe9t\xe9,r4.mix.example,renee@mix.example,5\x80\n'
	echo "Zoë,Weiß,Straße,r5.mix.example,zoe@mix.example,ok"
} > "$T/mix.csv"
it_import enc "$T/mix.csv"
check_eq "a mostly-UTF-8 file stays UTF-8: all created, one warning" \
    "done UTF-8 5 1" \
    "$(st .state) $(st .encoding) $(st .created) $(st .warnings)"
check_eq "the warning names the 1252 row (row 5) and its encoding" \
    "5:encoding_row:warning:This row is not UTF-8 like the rest of the file: it was read as WINDOWS-1252" \
    "$(echo "$ST" | jq -r '.errors[] | select(.code == "encoding_row") |
        "\(.row):\(.code):\(.severity):\(.message)"')"
check_eq "José, 太郎, Ана and Zoë stay right; Renée is read as 1252" \
    "Ана|Петрова|Газпром|Москва
José|García|Café|Crème brûlée
Renée|Lefèvre|Société|5€
太郎|山田|株式会社|東京
Zoë|Weiß|Straße|ok" "$(names mix.example)"
check "the converted file keeps the UTF-8 rows byte for byte" \
    grep -q "^太郎,山田,株式会社" "$RUN/spool/done/$ID/data.utf8.csv"

# A NUL byte in one row costs that row.
{
	echo "$H"
	echo "Ann,Before,Acme,nul.example,ann@nul.example,x"
	printf 'Bob,Nul,Acme,nul.example,b\0ob@nul.example,x\n'
	echo "Cy,After,Acme,nul.example,cy@nul.example,x"
} > "$T/nul.csv"
it_import enc "$T/nul.csv"
check_eq "a NUL byte skips its row, not the file" "done 2 1 3:nul_byte" \
    "$(st .state) $(st .created) $(st .skipped) $(st_codes)"
check_eq "the rows around it are imported" "Ann|Before|Acme|x
Cy|After|Acme|x" "$(names nul.example)"
# A binary file is still refused whole.
{ printf 'First name,Last name\n'; head -c 600 /dev/zero; } > "$T/bin.csv"
out=$(stack_intake import --workspace enc --as ed@enc.test --no-wait \
    "$T/bin.csv" 2>&1) && not_ok "a file of NULs is refused" "queued: $out" ||
    check "a file of NULs is refused as binary" \
    grep -q "binary file" <<< "$out"

# The user's encoding wins over detection: an ISO-8859-2 file uchardet
# takes for Windows-1250 ("Wi¶niewska"). mkpl NAME: one, domain NAME.
mkpl() {
	mk "$1" ISO-8859-2 <<EOF
Małgorzata,Wiśniewska,Żywiec Zdrój,$1.example,malgorzata@$1.example,Łódź
Jiří,Dvořák,Škoda Auto,$1.example,jiri@$1.example,Plzeň
EOF
}
plnames="Jiří|Dvořák|Škoda Auto|Plzeň
Małgorzata|Wiśniewska|Żywiec Zdrój|Łódź"
mkpl pl
it_import enc "$T/pl.csv"
check_eq "detected: Windows-1250 (what uchardet says of it)" \
    "WINDOWS-1250" "$(st .encoding)"
mkpl plcli
it_import enc "$T/plcli.csv" --encoding iso-8859-2
check_eq "--encoding ISO-8859-2: read as asked" "done ISO-8859-2 2" \
    "$(st .state) $(st .encoding) $(st .created)"
check_eq "and the names are right" "$plnames" "$(names plcli.example)"
check_eq "the manifest keeps it" ISO-8859-2 \
    "$(jq -r .encoding "$RUN/spool/done/$ID/manifest.json")"
out=$(stack_intake import --workspace enc --as ed@enc.test --no-wait \
    --encoding NO-SUCH-THING "$T/pl.csv" 2>&1) &&
    not_ok "an unknown encoding is refused" "queued: $out" ||
    check "an unknown encoding is refused, saying so" \
    grep -q "is not an encoding this server can read" <<< "$out"

# The CLI preview: detected, and as asked.
pv=$(stack_intake preview --json "$T/ja.csv")
check_eq "intake preview: the detected encoding and the first name" \
    "CP932 太郎" "$(echo "$pv" | jq -r '"\(.encoding) \(.columns[0].samples[0])"')"
pv=$(stack_intake preview --json --encoding WINDOWS-1252 "$T/fr.csv")
check_eq "intake preview --encoding" "WINDOWS-1252 José" \
    "$(echo "$pv" | jq -r '"\(.encoding) \(.columns[0].samples[0])"')"

# The window: the preview's encoding, the choices, and a pick that
# changes what it shows; the upload form's field.
it_login ed@acme.test editor-pass-1
preview() {
	local f=$1; shift
	PV=$(curl -s -b "$JAR" -H "X-CSRF-Token: $CSRF" -F flow=create \
	    -F complete=1 "$@" -F "file=@$f" "$BASE/api/imports/preview")
}
preview "$T/mac.csv"
check_eq "preview: MacRoman detected, José shown" "MACINTOSH José" \
    "$(echo "$PV" | jq -r '"\(.encoding) \(.columns[0].samples[0])"')"
check "preview: the encodings offered include it, with labels" \
    test "$(echo "$PV" | jq -r '[.encodings[] | select(.name ==
        "MACINTOSH") | .label] | length')" = 1
check "preview: and 20 others or more" \
    test "$(echo "$PV" | jq -r '.encodings | length')" -ge 20
preview "$T/mac.csv" -F encoding=WINDOWS-1252
check_eq "preview with encoding=WINDOWS-1252: read as that" \
    "WINDOWS-1252 JosŽ" \
    "$(echo "$PV" | jq -r '"\(.encoding) \(.columns[0].samples[0])"')"
preview "$T/mix.csv"
check_eq "preview of the mixed file: UTF-8, one line recoded" \
    "UTF-8 1 WINDOWS-1252" \
    "$(echo "$PV" | jq -r '"\(.encoding) \(.recoded_lines) \(.recoded_as)"')"
preview "$T/mac.csv" -F encoding=x//TRANSLIT
check_eq "preview with a bad encoding: a 400 saying why" "bad_option" \
    "$(echo "$PV" | jq -r .error 2>/dev/null || echo "$PV")"

mkpl plweb
it_upload "$T/plweb.csv" -F encoding=ISO-8859-2
it_wait "$ID" > "$RUN/st.json"
check_eq "upload form's encoding field" "done ISO-8859-2 2" \
    "$(jq -r '"\(.state) \(.encoding) \(.created)"' "$RUN/st.json")"
check_eq "upload form's encoding: names right" "$plnames" \
    "$(names plweb.example)"

# The sidecar's "encoding".
DROP=$RUN/spool/drop/enc
mkdir -p "$DROP"
mkpl plside
echo '{ "encoding": "ISO-8859-2" }' > "$DROP/side.csv.json"
cp "$T/plside.csv" "$RUN/side.tmp" && mv "$RUN/side.tmp" "$DROP/side.csv"
n=200
while [ $n -gt 0 ]; do
	SID=$(sql "SELECT id FROM imports WHERE file_name = 'side.csv'
	    AND state IN ('done', 'failed') LIMIT 1")
	[ -n "$SID" ] && break
	sleep 0.1; n=$((n - 1))
done
ST=$(cat "$RUN/spool/status/$SID.json" 2>/dev/null)
check_eq "sidecar encoding: read as asked" "done ISO-8859-2 2" \
    "$(st .state) $(st .encoding) $(st .created)"
check_eq "sidecar encoding: names right" "$plnames" "$(names plside.example)"

# Killed and resumed: the rows recoded are warned on once each, at the
# same rows, and read right (the checkpoint offsets are data.utf8.csv's).
KN=20000	# rows: enough for kills to land mid-way
awk -v n=$KN 'BEGIN {
	print "First name,Last name,Account Name,Domain,Email,Note"
	for (i = 2; i <= n + 1; i++)
		if (i % 500 == 0)
			printf "Ren\351e,Lef\350vre%d,Soci\351t\351,r%d.kill.example,p%d@kill.example,5\200\n", i, i, i
		else
			printf "Jos\303\251,Garc\303\255a%d,Caf\303\251,r%d.kill.example,p%d@kill.example,\345\244\252\351\203\216\n", i, i, i
}' > "$T/kill.csv"
stack_stop_one "$RUN/watchd.pid"
KID=$(stack_intake import --workspace enc --as ed@enc.test --no-wait \
    "$T/kill.csv")
kills=0 mid=0
# (until it was caught mid-way 4 times: on a busy machine a watcher may
# not reach its first checkpoint before the kill, so the pause grows)
while [ $kills -lt 30 ] && [ $mid -lt 4 ]; do
	[ "$(sql "SELECT state FROM imports WHERE id = '$KID'")" = done ] &&
	    break
	stack_watchd_start
	sleep "$(awk -v k=$kills -v r=$RANDOM 'BEGIN {
	    printf "%.2f", 0.2 + (r % 60) / 100 + k * 0.05 }')"
	pid=$(cat "$RUN/watchd.pid")
	kill -KILL "$pid"
	while stack_pid_alive "$pid"; do sleep 0.01; done
	kills=$((kills + 1))
	ck=$(sql "SELECT checkpoint_row FROM imports WHERE id = '$KID'")
	[ "${ck:-0}" -gt 0 ] && [ "$(sql "SELECT state FROM imports
	    WHERE id = '$KID'")" != done ] && mid=$((mid + 1))
done
rm -f "$RUN/watchd.pid"
stack_watchd_start
it_wait_file "$KID"
echo "# $kills kills, $mid of them mid-import"
check "killed mid-import at least 3 times ($mid)" [ "$mid" -ge 3 ]
check_eq "the resumed import: done, $KN created, $((KN / 500)) warnings" \
    "done UTF-8 $KN $((KN / 500))" \
    "$(st .state) $(st .encoding) $(st .created) $(st .warnings)"
check_eq "one encoding_row warning on each recoded row, no other" \
    "$(seq 500 500 $KN | tr '\n' ' ')" \
    "$(sql "SELECT row_no FROM import_rows WHERE import_id = '$KID'
        AND code = 'encoding_row' ORDER BY row_no" | tr '\n' ' ')"
check_eq "the recoded rows are read as 1252, the others as UTF-8" \
    "$((KN / 500)) Renée|Société|5€ $((KN - KN / 500)) José|Café|太郎" \
    "$(sql "SELECT COUNT(*), CONCAT_WS('|', c.first_name, a.name,
        JSON_VALUE(c.custom, '\$.Note')) v FROM contacts c
        JOIN accounts a ON a.id = c.account_id
        WHERE c.email LIKE '%@kill.example' GROUP BY v ORDER BY 1" |
        tr '\t\n' '  ' | sed 's/ $//')"

it_done
