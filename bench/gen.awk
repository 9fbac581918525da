# A deterministic generator of realistic contact CSVs.
#   awk -v n=1000000 [-v seed=1] [-v linkedin_only=0.0] [-v dups=0.0]
#       [-v unicode=0.1] [-v from=0] -f bench/gen.awk > contacts.csv
# from: the first person is number from + 1 (files with different from
# and n that do not overlap hold different people).
# Columns: the create flow's, plus a few custom ones. Same arguments, same
# bytes (awk's srand with a fixed seed).
BEGIN {
	if (n == "") n = 1000;
	if (seed == "") seed = 1;
	srand(seed);
	split("James Mary Robert Patricia John Jennifer Michael Linda David " \
	    "Elizabeth William Barbara Richard Susan Joseph Jessica Thomas " \
	    "Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony Betty Mark " \
	    "Sandra Wei Priya Aiko Lukas Sofia Mateo Noah Olivia", first, " ");
	split("Smith Johnson Williams Brown Jones Garcia Miller Davis " \
	    "Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson " \
	    "Thomas Taylor Moore Jackson Martin Lee Perez Thompson White " \
	    "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen " \
	    "King Wright Scott Torres Nguyen Hill", last, " ");
	split("Zoë Ångström Łukasz Søren Çelik José François Müller", uni, " ");
	split("VP Sales|Account Executive|Head of RevOps|CFO|CTO|Engineer|" \
	    "Marketing Director|Founder|Buyer|Analyst", title, "|");
	split("mobile direct landline", ptype, " ");
	split("SaaStr|Webinar|Referral|Trade show|Outbound", source, "|");
	nf = length(first); nl = length(last); nu = length(uni);
	print "First name,Last name,Email,Phone,Account Name,Domain," \
	    "Contact LinkedIn URL,Phone Type,Phone Intent Score,Job Title," \
	    "Lead Source,Employees";
	for (i = 1; i <= n; i++) {
		k = from + i;
		if (dups > 0 && i > 1 && rand() < dups)
			k = from + int(rand() * (i - 1)) + 1;	/* an earlier one */
		f = first[(k * 7) % nf + 1];
		l = last[(k * 13) % nl + 1];
		mail = sprintf("%s.%s.%d@", tolower(f), tolower(l), k);
		if (unicode > 0 && (k % 1000) < unicode * 1000)
			f = uni[(k % nu) + 1];
		co = int(k / 20);	/* about 20 contacts per account */
		dom = sprintf("company%d.example", co);
		li = sprintf("https://www.linkedin.com/in/%s-%s-%d", tolower(f),
		    tolower(l), k);
		if (linkedin_only > 0 && rand() < linkedin_only) {
			printf ",,,,,,%s,,,,,\n", li;
			continue;
		}
		printf "%s,%s,%s%s,+1 555 %07d,Company %d,%s,%s,%s,%d," \
		    "%s,%s,%d\n", f, l, mail, dom, k, co,
		    dom, li, ptype[k % 3 + 1], k % 101, title[k % 10 + 1],
		    source[k % 5 + 1], (co * 37) % 5000 + 1;
	}
}
