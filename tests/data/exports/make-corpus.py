#!/usr/bin/env python3
# Writes the export corpus: one file per tool in the shape that tool
# exports (header, order, quoting, encoding, preambles, footers), its
# NAME.expect beside it, and the enrichment profiles (profiles/) the
# LinkedIn-only rows are completed from. Every person here is invented;
# every address is on a reserved example domain. See README.md.
#
#   python3 tests/data/exports/make-corpus.py      (from the top of the tree)

import os
import json
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))

# first, last, company, domain (company site), linkedin slug, title, phone
P = [
    ("Ada", "Lovelace", "Analytical Engines", "analytical.example", "ada-lovelace-ae", "Chief Scientist", "+44 20 7946 0001"),
    ("José", "García", "Pájaro Azul S.L.", "pajaroazul.example", "jose-garcia-pa", "Director Comercial", "+34 912 345 678"),
    ("Zoë", "Müller-Lüdenscheidt", "Brückenbau GmbH", "brueckenbau.example", "zoe-mueller-bb", "Leiterin Einkauf", "+49 30 1234 5678"),
    ("王", "芳", "长城科技", "changcheng.example", "wang-fang-cc", "产品经理", "+86 10 5555 0101"),
    ("Hana", "佐藤", "桜ソフト株式会社", "sakura-soft.example", "hana-sato-ss", "営業部長", "+81 3 5555 0102"),
    ("محمد", "العلي", "شركة النخيل", "nakheel-co.example", "mohammed-alali-nc", "مدير المبيعات", "+971 4 555 0103"),
    ("Ольга", "Смирнова", "Северный Ветер", "severny.example", "olga-smirnova-sv", "Руководитель отдела", "+7 495 555 0104"),
    ("Chloé", "O'Brien", "Rocket 🚀 Labs", "rocketlabs.example", "chloe-obrien-rl", "Head of Growth", "+1 415 555 0105"),
    ("Nguyễn", "Thị Lan", "Sông Hồng JSC", "songhong.example", "nguyen-thi-lan-sh", "Kế toán trưởng", "+84 24 5555 0106"),
    ("Søren", "Kierkegaard", "Fjord Analytics ApS", "fjord.example", "soren-k-fa", "CTO", "+45 33 55 01 07"),
    ("Ayşe", "Yılmaz", "Boğaziçi Lojistik", "bogazici.example", "ayse-yilmaz-bl", "Operasyon Müdürü", "+90 212 555 0108"),
    ("Łukasz", "Wiśniewski", "Żółw Sp. z o.o.", "zolw.example", "lukasz-w-zs", "Kierownik IT", "+48 22 555 01 09"),
    ("Élodie", "Durand", "Les Ateliers Réunis", "ateliers.example", "elodie-durand-ar", "Responsable Achats", "+33 1 55 55 01 10"),
    ("Björk", "Guðmundsdóttir", "Norðurljós ehf.", "nordurljos.example", "bjork-g-nl", "Marketing Lead", "+354 555 0111"),
    ("Priya", "Raghunathan", "Saffron Systems Pvt Ltd", "saffron.example", "priya-r-ss", "VP Engineering", "+91 80 5555 0112"),
    ("Κώστας", "Παπαδόπουλος", "Ακρόπολη Α.Ε.", "akropoli.example", "kostas-p-ak", "Διευθυντής", "+30 21 0555 0113"),
    ("Sipho", "Ndlovu", "Ubuntu Data (Pty) Ltd", "ubuntudata.example", "sipho-ndlovu-ud", "Data Engineer", "+27 11 555 0114"),
    ("Mateus", "Gonçalves", "Açaí & Cia Ltda", "acaicia.example", "mateus-g-ac", "Gerente de Vendas", "+55 11 5555 0115"),
    ("Aoife", "Ní Bhriain", "Cliffside Ventures", "cliffside.example", "aoife-nb-cv", "Partner", "+353 1 555 0116"),
    ("Jürgen", "Weiß", "Straßenbahn AG", "strassenbahn.example", "juergen-weiss-sb", "Prokurist", "+49 89 555 0117"),
    ("김", "민준", "한빛전자", "hanbit.example", "kim-minjun-hb", "팀장", "+82 2 555 0118"),
    ("Isabella", "Rossi", "Dolce Vita S.p.A.", "dolcevita.example", "isabella-rossi-dv", "Responsabile Marketing", "+39 06 555 0119"),
    ("Tomás", "Ó Ceallaigh", "Green Isle Foods", "greenisle.example", "tomas-oc-gi", "Buyer 🛒", "+353 21 555 0120"),
    ("Fatima", "Zahra", "Atlas Souk SARL", "atlassouk.example", "fatima-zahra-as", "Fondatrice", "+212 522 555 121"),
    ("Lars", "Ødegård", "Fjord Analytics ApS", "fjord.example", "lars-o-fa", "Data Scientist", "+45 33 55 01 22"),
    ("Mei", "Lin 林", "长城科技", "changcheng.example", "mei-lin-cc", "工程师", "+86 10 5555 0123"),
    ("René", "Lefèvre", "Les Ateliers Réunis", "ateliers.example", "rene-lefevre-ar", "Directeur", "+33 1 55 55 01 24"),
    ("Dmitri", "Ivanov", "Северный Ветер", "severny.example", "dmitri-ivanov-sv", "Инженер", "+7 495 555 0125"),
]

FIELDS = ("first", "last", "company", "domain", "slug", "title", "phone")


def person(i):
    d = dict(zip(FIELDS, P[i % len(P)]))
    d["i"] = i
    return d


def ascii_local(s):
    t = s.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"),
                 ("é", "e"), ("è", "e"), ("ë", "e"), ("á", "a"), ("à", "a"),
                 ("ç", "c"), ("ñ", "n"), ("ø", "o"), ("ó", "o"), ("í", "i"),
                 ("ł", "l"), ("ś", "s"), ("ş", "s"), ("ı", "i"), ("ð", "d"),
                 ("ễ", "e"), ("ị", "i"), ("ú", "u"), ("'", ""), (" ", ""),
                 ("-", "")):
        t = t.replace(a, b)
    return "".join(c for c in t if c.isascii() and c.isalnum())


def email_of(p, style=0):
    f = ascii_local(p["first"]) or "p%d" % p["i"]
    l = ascii_local(p["last"]) or "x%d" % p["i"]
    if style == 1:
        return "%s.%s@%s" % (f, l, p["domain"])
    return "%s%d@%s" % (f, p["i"], p["domain"])


def li_url(slug, form=0):
    return ("https://www.linkedin.com/in/%s" % slug,
            "http://linkedin.com/in/%s/" % slug,
            "https://de.linkedin.com/in/%s?trk=people" % slug,
            "www.linkedin.com/in/%s" % slug)[form % 4]


def li_norm(slug):
    s = urllib.parse.quote(slug.lower(), safe="-_.~%")
    return "https://www.linkedin.com/in/" + s


# ---- writing ---------------------------------------------------------------

def cell(v, mode, delim=","):
    v = "" if v is None else str(v)
    if mode == "all":
        return '"' + v.replace('"', '""') + '"'
    if mode == "needed":
        if any(c in v for c in (delim, '"', "\n", "\r")) or v != v.strip():
            return '"' + v.replace('"', '""') + '"'
        return v
    raise ValueError(mode)


def csv_text(header, rows, mode="needed", delim=",", eol="\n",
             header_mode=None):
    out = [delim.join(cell(h, header_mode or mode, delim) for h in header)]
    for r in rows:
        assert len(r) == len(header), (len(r), len(header), header[:3])
        out.append(delim.join(cell(v, mode, delim) for v in r))
    return eol.join(out) + eol


def write(name, text, enc="utf-8", bom=False):
    b = text.encode(enc)
    if bom:
        b = b"\xef\xbb\xbf" + b
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(b)


PROFILES = {}


def profile(p):
    """The enrichment provider knows this person (tests/provider format)."""
    PROFILES[p["slug"]] = {"status": 200, "likelihood": 9, "data": {
        "first_name": p["first"], "last_name": p["last"],
        "job_company_name": p["company"],
        "job_company_website": "https://www.%s/" % p["domain"]}}


class Expect:
    def __init__(self, name, tool, note=""):
        self.name, self.lines = name, []
        self.lines.append("# %s" % tool)
        for l in note.strip().splitlines():
            self.lines.append("# " + l.strip())
        self.lines.append("flow create")

    def add(self, *a):
        self.lines.append(" ".join(str(x) for x in a))

    def counts(self, state, rows, created, skipped, updated=0, failed=0):
        self.add("state", state)
        if state == "done":
            self.add("rows", rows)
            self.add("created", created)
            self.add("updated", updated)
            self.add("skipped", skipped)
            self.add("failed", failed)
            self.add("contacts", created)

    def map(self, header, target):
        self.add("map", header, "=", target)

    def contact(self, key, **kw):
        for k, v in kw.items():
            k = k.replace("__", ".").replace("_SP_", " ")
            self.add("contact", key, "%s=%s" % (k, "" if v is None else v))

    def field(self, key, name, value):
        self.add("contact", key, "%s=%s" % (name, value))

    def save(self):
        with open(os.path.join(HERE, self.name + ".expect"), "w",
                  encoding="utf-8") as f:
            f.write("\n".join(self.lines) + "\n")


def std(e, p, key, email=None, phone=None, account=None, domain=None,
        linkedin=None):
    """The usual identity fields of one expected contact."""
    e.contact(key, first_name=p["first"], last_name=p["last"])
    e.contact(key, account=account or p["company"],
              domain=domain or p["domain"])
    if email is not None:
        e.contact(key, email=email)
    if phone is not None:
        e.contact(key, phone=phone)
    if linkedin is not None:
        e.contact(key, linkedin=linkedin)


# ---- the tools -------------------------------------------------------------

def linkedin_en():
    name = "linkedin-connections.csv"
    e = Expect(name, "LinkedIn Connections.csv (English), from Settings > Data privacy > Get a copy of your data",
               """Notes preamble (3 lines) before the header; URL is the profile;
               no domain in the file: every row is completed from the enrichment
               provider (tests/data/exports/profiles), the file's values win.""")
    hdr = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    rows, seen = [], []
    idx = list(range(0, 14)) + [2]      # row 16 repeats Zoë
    for n, i in enumerate(idx):
        p = person(i)
        em = email_of(p, 1) if n % 4 == 1 else ""
        rows.append([p["first"], p["last"], li_url(p["slug"]), em, p["company"], p["title"],
                     "%02d %s 2025" % (n + 1, ("Jan", "Feb", "Mar", "Apr")[n % 4])])
        if i in seen:
            continue
        seen.append(i)
        profile(p)
        key = li_norm(p["slug"])
        std(e, p, key, email=em, linkedin=key)
        e.contact(key, custom__Position=p["title"])
        e.field(key, "custom.Connected On", rows[-1][6])
    pre = ('Notes:\n"When exporting your connection data, you may notice that some of the '
           'email addresses are missing. You will only see email addresses for connections '
           'who have allowed their connections to see or download their email address using '
           'this setting https://www.linkedin.com/psettings/privacy/email. You can learn more '
           'here https://www.linkedin.com/help/linkedin/answer/261"\n\n')
    write(name, pre + csv_text(hdr, rows))
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    e.add("code exists", len(rows) - len(seen))
    for h, t in (("First Name", "First name"), ("Last Name", "Last name"),
                 ("URL", "Contact LinkedIn URL"), ("Email Address", "Email"),
                 ("Company", "Account Name"), ("Position", "custom"),
                 ("Connected On", "custom")):
        e.map(h, t)
    e.save()


def linkedin_de():
    name = "linkedin-connections-de.csv"
    e = Expect(name, "LinkedIn Connections.csv, German interface",
               """German headers; the notes preamble in German (Hinweise:);
               completed from the enrichment provider like the English one.""")
    hdr = ["Vorname", "Nachname", "URL", "E-Mail-Adresse", "Unternehmen", "Position", "Verbunden am"]
    rows, seen = [], []
    for n, i in enumerate([2, 19, 12, 26, 9, 24, 0, 13, 11, 19]):
        p = person(i)
        em = email_of(p, 1) if n % 3 == 0 else ""
        rows.append([p["first"], p["last"], li_url(p["slug"], n), em, p["company"], p["title"],
                     "%02d. März 2024" % (n + 1)])
        if i in seen:
            continue
        seen.append(i)
        profile(p)
        key = li_norm(p["slug"])
        std(e, p, key, email=em, linkedin=key)
        e.contact(key, custom__Position=p["title"])
    pre = ('Hinweise:\n"Beim Exportieren Ihrer Kontaktdaten stellen Sie möglicherweise fest, '
           'dass einige E-Mail-Adressen fehlen. Sie sehen nur die E-Mail-Adressen von '
           'Kontakten, die das Herunterladen ihrer E-Mail-Adresse erlaubt haben."\n\n')
    write(name, pre + csv_text(hdr, rows))
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in (("Vorname", "First name"), ("Nachname", "Last name"),
                 ("URL", "Contact LinkedIn URL"), ("E-Mail-Adresse", "Email"),
                 ("Unternehmen", "Account Name"), ("Position", "custom"),
                 ("Verbunden am", "custom")):
        e.map(h, t)
    e.save()


def salesnav_phantombuster():
    name = "salesnav-phantombuster.csv"
    e = Expect(name, "Sales Navigator search exported by a scraper (Phantombuster Sales Navigator Search Export result.csv)",
               """camelCase headers; profileUrl is the Sales Navigator lead URL (/sales/lead/,
               not a profile) and linkedInProfileUrl the /in/ profile; companyWebsite the site.""")
    hdr = ["profileUrl", "fullName", "firstName", "lastName", "companyName", "title", "companyId",
           "companyUrl", "regularCompanyUrl", "summary", "titleDescription", "industry",
           "companyLocation", "location", "durationInRole", "durationInCompany",
           "pastExperienceCompanyName", "pastExperienceCompanyUrl", "pastExperienceCompanyTitle",
           "pastExperienceDate", "pastExperienceDuration", "connectionDegree", "profileImageUrl",
           "sharedConnectionsCount", "name", "vmid", "linkedInProfileUrl", "isPremium",
           "isOpenLink", "query", "timestamp", "defaultProfileUrl", "companyWebsite"]
    rows, seen = [], []
    for n, i in enumerate(list(range(14, 28)) + [15, 20]):
        p = person(i)
        vm = "ACwAAA%04dBcD%03dxyz" % (i * 37, i)
        cid = str(1000 + i)
        rows.append(["https://www.linkedin.com/sales/lead/%s,NAME_SEARCH,ab%02d" % (vm, i),
                     "%s %s" % (p["first"], p["last"]), p["first"], p["last"], p["company"],
                     p["title"], cid, "https://www.linkedin.com/sales/company/%s" % cid,
                     "https://www.linkedin.com/company/%s" % cid, "", "", "Software", "",
                     "Berlin, Germany", "%d years in role" % (n % 5 + 1), "3 years", "", "", "", "", "",
                     "2nd", "", str(n), "%s %s" % (p["first"], p["last"]), vm,
                     li_url(p["slug"]), "true" if n % 2 else "false", "false",
                     "https://www.linkedin.com/sales/search/people?query=(keywords%3Asales)",
                     "2025-05-%02dT10:%02d:00.000Z" % (n + 1, n), li_url(p["slug"]),
                     ("https://www.%s/", "http://%s", "%s", "https://%s/about")[n % 4] % p["domain"]])
        if i in seen:
            continue
        seen.append(i)
        key = li_norm(p["slug"])
        std(e, p, key, linkedin=key)
        e.contact(key, custom__title=p["title"])
    write(name, csv_text(hdr, rows, mode="all"))
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in (("firstName", "First name"), ("lastName", "Last name"),
                 ("companyName", "Account Name"), ("linkedInProfileUrl", "Contact LinkedIn URL"),
                 ("companyWebsite", "Domain"), ("profileUrl", "custom"), ("title", "custom")):
        e.map(h, t)
    e.save()


OWNERS = [("ada.park@corpus.test", "Ada Park"), ("li.wei@corpus.test", "Li Wei"),
          ("noor.haddad@corpus.test", "Noor Haddad")]


def users(e):
    for em, nm in OWNERS:
        e.add("user", em, nm)


def hubspot():
    name = "hubspot-contacts.csv"
    e = Expect(name, "HubSpot contacts export (Contacts > Export, CSV)",
               """Record ID first; Website URL is the company site; Contact owner holds
               the owner's name. HubSpot quotes every cell.""")
    users(e)
    hdr = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Contact owner",
           "Company Name", "Website URL", "Job Title", "Lifecycle Stage", "Lead Status",
           "Create Date", "Last Activity Date"]
    rows, seen = [], []
    for n, i in enumerate(list(range(0, 12)) + [5]):
        p = person(i)
        ow = OWNERS[n % 3]
        em = email_of(p)
        rows.append([str(51234500 + n), p["first"], p["last"], em if n != 3 else em.upper(),
                     p["phone"], ow[1], p["company"], "https://www.%s" % p["domain"], p["title"],
                     ("lead", "marketingqualifiedlead", "customer")[n % 3],
                     ("NEW", "OPEN", "IN_PROGRESS")[n % 3], "2025-02-%02d 09:%02d" % (n + 1, n), ""])
        if i in seen:
            continue
        seen.append(i)
        std(e, p, em, email=em, phone=p["phone"])
        e.contact(em, owner=ow[0])
        e.field(em, "custom.Job Title", p["title"])
        e.field(em, "custom.Record ID", rows[-1][0])
    write(name, csv_text(hdr, rows, mode="all"), bom=False)
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in (("First Name", "First name"), ("Email", "Email"), ("Phone Number", "Phone"),
                 ("Contact owner", "Contact Owner Email"), ("Company Name", "Account Name"),
                 ("Website URL", "Domain"), ("Job Title", "custom")):
        e.map(h, t)
    e.save()


SF_FOOTER = ('\n"Grand Totals (%d records)"\n\n"Confidential Information - Do Not Distribute"\n'
             '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n')


def salesforce_report():
    name = "salesforce-contacts-report.csv"
    e = Expect(name, "Salesforce report export (Contacts & Accounts report, Export > Details Only > .csv)",
               """Every cell quoted; Phone and Mobile together (Phone the better filled:
               Mobile kept as custom data); Contact Owner holds a full name; after the
               rows a blank line, "Grand Totals (N records)", the confidentiality line
               and the copyright line: report footer, not rows.""")
    users(e)
    hdr = ["Contact Owner", "First Name", "Last Name", "Title", "Account Name", "Website",
           "Mailing City", "Phone", "Mobile", "Email", "Lead Source", "Created Date"]
    rows, seen = [], []
    for n, i in enumerate(list(range(6, 24)) + [7, 8]):
        p = person(i)
        ow = OWNERS[n % 3]
        em = email_of(p, 1)
        mob = "+1 202 555 %04d" % n if n % 3 == 0 else ""
        rows.append([ow[1], p["first"], p["last"], p["title"], p["company"], "www." + p["domain"],
                     "Springfield", p["phone"], mob, em, ("Web", "Trade Show", "Partner")[n % 3],
                     "%d/%d/2025" % (n % 12 + 1, n + 1)])
        if i in seen:
            continue
        seen.append(i)
        std(e, p, em, email=em, phone=p["phone"])
        e.contact(em, owner=ow[0])
        if mob:
            e.contact(em, custom__Mobile=mob)
        e.contact(em, custom__Title=p["title"])
    write(name, csv_text(hdr, rows, mode="all") + SF_FOOTER % len(rows))
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in (("Contact Owner", "Contact Owner Email"), ("Account Name", "Account Name"),
                 ("Website", "Domain"), ("Phone", "Phone"), ("Mobile", "custom"),
                 ("Email", "Email")):
        e.map(h, t)
    e.save()


def salesforce_leads():
    name = "salesforce-leads-report.csv"
    e = Expect(name, "Salesforce leads report export (Leads report, Details Only, .csv)",
               """Company / Account is the company; Lead Owner a full name; footer as the
               contacts report.""")
    users(e)
    hdr = ["Lead Owner", "First Name", "Last Name", "Title", "Company / Account", "Website",
           "Email", "Phone", "Mobile", "Lead Status", "Lead Source", "Rating", "Create Date"]
    rows, seen = [], []
    for n, i in enumerate(list(range(10, 22)) + [11]):
        p = person(i)
        ow = OWNERS[(n + 1) % 3]
        em = email_of(p)
        rows.append([ow[1], p["first"], p["last"], p["title"], p["company"], "http://" + p["domain"],
                     em, "", p["phone"], ("Open - Not Contacted", "Working - Contacted")[n % 2],
                     "Web", ("Hot", "Warm", "Cold")[n % 3], "%d/%d/2026" % (n % 12 + 1, n + 2)])
        if i in seen:
            continue
        seen.append(i)
        std(e, p, em, email=em, phone=p["phone"])
        e.contact(em, owner=ow[0])
        e.field(em, "custom.Lead Status", rows[-1][9])
    write(name, csv_text(hdr, rows, mode="all") + SF_FOOTER % len(rows))
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in (("Lead Owner", "Contact Owner Email"), ("Company / Account", "Account Name"),
                 ("Website", "Domain"), ("Mobile", "Phone"), ("Email", "Email")):
        e.map(h, t)
    e.save()


def google_contacts():
    name = "google-contacts.csv"
    e = Expect(name, "Google Contacts export, Google CSV",
               """Organization Name, E-mail 1 - Value, Phone 1 - Value, Website 1 - Value.
               Two rows have no website (so no domain and no LinkedIn URL): the create
               rule skips them (missing_required): that is the rule, not a bug.""")
    hdr = ["First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
           "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
           "Organization Name", "Organization Title", "Organization Department", "Birthday",
           "Notes", "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label",
           "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value", "Website 1 - Label",
           "Website 1 - Value"]
    rows, seen, nosite = [], [], 0
    for n, i in enumerate(list(range(3, 19)) + [4]):
        p = person(i)
        em = email_of(p)
        site = "" if n in (5, 11) else "https://%s/" % p["domain"]
        rows.append([p["first"], "", p["last"], "", "", "", "", "", "", "", p["company"],
                     p["title"], "", "", "Met at the Lisbon summit\nfollow up in May" if n == 2 else "",
                     "", "* myContacts ::: Conference 2025", "* Work", em, "", "", "Mobile",
                     p["phone"], "Work" if site else "", site])
        if i in seen:
            continue
        seen.append(i)
        if not site:
            nosite += 1
            e.add("nocontact", em)
            continue
        std(e, p, em, email=em, phone=p["phone"])
        e.field(em, "custom.Organization Title", p["title"])
    write(name, csv_text(hdr, rows))
    dups = len(rows) - len(seen)
    e.counts("done", len(rows), len(seen) - nosite, dups + nosite)
    e.add("code missing_required", nosite)
    for h, t in (("Organization Name", "Account Name"), ("E-mail 1 - Value", "Email"),
                 ("Phone 1 - Value", "Phone"), ("Website 1 - Value", "Domain")):
        e.map(h, t)
    e.save()


def outlook_from_google():
    name = "google-outlook-csv.csv"
    e = Expect(name, "Google Contacts export, Outlook CSV",
               """Company is the company; Web Page the site; several phone columns
               (Mobile Phone the best filled).""")
    hdr = ["First Name", "Middle Name", "Last Name", "Title", "Suffix", "Nickname", "Given Yomi",
           "Surname Yomi", "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Home Phone",
           "Home Phone 2", "Business Phone", "Business Phone 2", "Mobile Phone", "Car Phone",
           "Other Phone", "Primary Phone", "Pager", "Business Fax", "Home Fax", "Other Fax",
           "Company Main Phone", "Callback", "Radio Phone", "Telex", "TTY/TDD Phone", "IMAddress",
           "Job Title", "Department", "Company", "Office Location", "Manager's Name",
           "Assistant's Name", "Assistant's Phone", "Company Yomi", "Business Street",
           "Business City", "Business State", "Business Postal Code", "Business Country/Region",
           "Home Street", "Home City", "Home State", "Home Postal Code", "Home Country/Region",
           "Other Street", "Other City", "Other State", "Other Postal Code",
           "Other Country/Region", "Personal Web Page", "Spouse", "Schools", "Hobby", "Location",
           "Web Page", "Birthday", "Anniversary", "Notes"]
    rows, seen = [], []
    for n, i in enumerate(list(range(12, 26)) + [13]):
        p = person(i)
        em = email_of(p)
        r = [""] * len(hdr)
        r[0], r[2], r[8], r[15] = p["first"], p["last"], em, p["phone"]
        if n % 4 == 0:
            r[13] = "+1 555 0100 %02d" % n
        r[29], r[31], r[57] = p["title"], p["company"], "http://www.%s" % p["domain"]
        rows.append(r)
        if i in seen:
            continue
        seen.append(i)
        std(e, p, em, email=em, phone=p["phone"])
        e.field(em, "custom.Job Title", p["title"])
    write(name, csv_text(hdr, rows))
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in (("E-mail Address", "Email"), ("Mobile Phone", "Phone"),
                 ("Company", "Account Name"), ("Web Page", "Domain"), ("Business Phone", "custom")):
        e.map(h, t)
    e.save()


def outlook_desktop():
    name = "outlook-contacts.csv"
    e = Expect(name, "Microsoft Outlook (desktop) File > Open & Export > Export to a file > CSV",
               """Windows-1252 (ANSI), CRLF, every cell quoted; Company and an always-empty
               Account column (the better filled, Company, is the Account Name); Web Page the
               site. Only names Windows-1252 can hold.""")
    hdr = ["Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department",
           "Job Title", "Business Street", "Business Street 2", "Business Street 3",
           "Business City", "Business State", "Business Postal Code", "Business Country/Region",
           "Home Street", "Home Street 2", "Home Street 3", "Home City", "Home State",
           "Home Postal Code", "Home Country/Region", "Other Street", "Other Street 2",
           "Other Street 3", "Other City", "Other State", "Other Postal Code",
           "Other Country/Region", "Assistant's Phone", "Business Fax", "Business Phone",
           "Business Phone 2", "Callback", "Car Phone", "Company Main Phone", "Home Fax",
           "Home Phone", "Home Phone 2", "ISDN", "Mobile Phone", "Other Fax", "Other Phone",
           "Pager", "Primary Phone", "Radio Phone", "TTY/TDD Phone", "Telex", "Account",
           "Anniversary", "Assistant's Name", "Billing Information", "Birthday",
           "Business Address PO Box", "Categories", "Children", "Directory Server",
           "E-mail Address", "E-mail Type", "E-mail Display Name", "E-mail 2 Address",
           "E-mail 2 Type", "E-mail 2 Display Name", "E-mail 3 Address", "E-mail 3 Type",
           "E-mail 3 Display Name", "Gender", "Government ID Number", "Hobby",
           "Home Address PO Box", "Initials", "Internet Free Busy", "Keywords", "Language",
           "Location", "Manager's Name", "Mileage", "Notes", "Office Location",
           "Organizational ID Number", "Other Address PO Box", "Priority", "Private",
           "Profession", "Referred By", "Sensitivity", "Spouse", "User 1", "User 2", "User 3",
           "User 4", "Web Page"]
    H = {h: k for k, h in enumerate(hdr)}
    latin = [0, 2, 9, 12, 13, 18, 19, 21, 23, 26, 17]
    rows, seen = [], []
    for n, i in enumerate(latin + [9]):
        p = person(i)
        em = email_of(p, 1)
        r = [""] * len(hdr)
        r[H["First Name"]], r[H["Last Name"]] = p["first"], p["last"]
        r[H["Company"]], r[H["Job Title"]] = p["company"], p["title"]
        r[H["Business Phone"]] = p["phone"]
        r[H["E-mail Address"]], r[H["E-mail Type"]] = em, "SMTP"
        r[H["E-mail Display Name"]] = "%s %s (%s)" % (p["first"], p["last"], em)
        r[H["Web Page"]] = "www.%s" % p["domain"]
        r[H["Gender"]], r[H["Priority"]], r[H["Private"]] = "Unspecified", "Normal", "False"
        r[H["Sensitivity"]] = "Normal"
        r[H["Birthday"]] = r[H["Anniversary"]] = "0/0/00"
        rows.append(r)
        if i in seen:
            continue
        seen.append(i)
        std(e, p, em, email=em, phone=p["phone"])
        e.field(em, "custom.Job Title", p["title"])
    write(name, csv_text(hdr, rows, mode="all", eol="\r\n"), enc="cp1252")
    e.add("encoding", "Windows-1252")
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in (("Company", "Account Name"), ("Account", "custom|ignore"),
                 ("Business Phone", "Phone"), ("E-mail Address", "Email"), ("Web Page", "Domain")):
        e.map(h, t)
    e.save()


def mailchimp():
    name = "mailchimp-audience.csv"
    e = Expect(name, "Mailchimp audience export (Audience > Export Audience, subscribed_members_export_*.csv)",
               """Email Address first; this audience has added Company and Website merge
               fields (a default audience has neither, and could not be imported
               under the create rule); TAGS a quoted list of quoted tag names.""")
    hdr = ["Email Address", "First Name", "Last Name", "Address", "Phone Number", "Company",
           "Website", "MEMBER_RATING", "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP",
           "LATITUDE", "LONGITUDE", "GMTOFF", "DSTOFF", "TIMEZONE", "CC", "REGION",
           "LAST_CHANGED", "LEID", "EUID", "NOTES", "TAGS"]
    tagsets = [["VIP", "Blog"], ["Webinar 2025"], [], ["VIP"], ["Blog", "Partner 🤝"]]
    rows, seen = [], []
    for n, i in enumerate(list(range(15, 27)) + [16]):
        p = person(i)
        em = email_of(p)
        tg = tagsets[n % len(tagsets)]
        rows.append([em, p["first"], p["last"], "", p["phone"] if n % 2 else "", p["company"],
                     "https://%s" % p["domain"], str(n % 5 + 1), "2024-11-%02d 10:11:12" % (n + 1),
                     "203.0.113.%d" % n, "2024-11-%02d 10:12:00" % (n + 1), "203.0.113.%d" % n,
                     "", "", "", "", "", "", "", "2025-01-%02d 08:00:00" % (n + 1),
                     str(90498395 + n), "%010x" % (0x810826c56e + n), "",
                     ",".join('"%s"' % t for t in tg)])
        if i in seen:
            continue
        seen.append(i)
        std(e, p, em, email=em, phone=p["phone"] if n % 2 else "")
        e.add("tags", em, ";".join(sorted(tg)))
    write(name, csv_text(hdr, rows, header_mode="needed"))
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in (("Email Address", "Email"), ("Phone Number", "Phone"), ("Company", "Account Name"),
                 ("Website", "Domain"), ("TAGS", "Tags"), ("MEMBER_RATING", "custom")):
        e.map(h, t)
    e.save()


def pipedrive():
    name = "pipedrive-people.csv"
    e = Expect(name, "Pipedrive people export (Contacts > People > ... > Export filter results, CSV)",
               """Every column "Person - Field" or "Organization - Field"; Person - Organization
               and Organization - Name both the company (same values); Person - Owner a name.""")
    users(e)
    hdr = ["Person - ID", "Person - Name", "Person - First name", "Person - Last name",
           "Person - Label", "Person - Organization", "Person - Email - Work",
           "Person - Email - Home", "Person - Phone - Work", "Person - Phone - Mobile",
           "Person - Owner", "Person - Job title", "Person - Person created",
           "Organization - Name", "Organization - Website", "Organization - Address"]
    rows, seen = [], []
    for n, i in enumerate(list(range(1, 13)) + [1]):
        p = person(i)
        ow = OWNERS[n % 3]
        em = email_of(p)
        rows.append([str(700 + n), "%s %s" % (p["first"], p["last"]), p["first"], p["last"],
                     ("Hot lead", "Customer", "")[n % 3], p["company"], em,
                     "", p["phone"], "", ow[1], p["title"], "2025-03-%02d 12:00:00" % (n + 1),
                     p["company"], "https://%s" % p["domain"], ""])
        if i in seen:
            continue
        seen.append(i)
        std(e, p, em, email=em, phone=p["phone"])
        e.contact(em, owner=ow[0])
        e.field(em, "custom.Person - Job title", p["title"])
    write(name, csv_text(hdr, rows))
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in (("Person - First name", "First name"), ("Person - Last name", "Last name"),
                 ("Person - Email - Work", "Email"), ("Person - Phone - Work", "Phone"),
                 ("Person - Owner", "Contact Owner Email"),
                 ("Organization - Website", "Domain")):
        e.map(h, t)
    e.save()


def zoho():
    name = "zoho-crm-contacts.csv"
    e = Expect(name, "Zoho CRM contacts export (Setup > Data Administration > Export > Contacts)",
               """Record Id "zcrm_..."; Phone and Mobile together; a contacts export has the
               Account Name but no website and no LinkedIn column: the create rule cannot be
               met even mapped perfectly (no Domain), so the import fails before any row.""")
    users(e)
    hdr = ["Record Id", "Contact Owner", "Lead Source", "First Name", "Last Name",
           "Account Name", "Vendor Name", "Email", "Title", "Department", "Phone", "Home Phone",
           "Other Phone", "Fax", "Mobile", "Date of Birth", "Assistant", "Asst Phone",
           "Reports To", "Email Opt Out", "Created By", "Modified By", "Created Time",
           "Modified Time", "Mailing Street", "Mailing City", "Mailing State", "Mailing Zip",
           "Mailing Country", "Description", "Secondary Email", "Last Activity Time", "Tag"]
    rows = []
    for n, i in enumerate(range(4, 16)):
        p = person(i)
        ow = OWNERS[n % 3]
        r = [""] * len(hdr)
        r[0], r[1], r[2] = "zcrm_57257670000004%05d" % (12001 + n), ow[1], "Trade Show"
        r[3], r[4], r[5], r[7], r[8] = p["first"], p["last"], p["company"], email_of(p), p["title"]
        r[10] = p["phone"]
        r[14] = "+1 555 0199" if n % 4 == 0 else ""
        r[19], r[20], r[21] = "false", ow[1], ow[1]
        r[22] = r[23] = "2025-04-%02d 10:00:00" % (n + 1)
        rows.append(r)
    write(name, csv_text(hdr, rows, mode="all"))
    e.counts("failed", len(rows), 0, 0)
    e.add("contacts 0")
    for h, t in (("First Name", "First name"), ("Account Name", "Account Name"), ("Email", "Email"),
                 ("Phone", "Phone"), ("Mobile", "custom"), ("Record Id", "custom"),
                 ("Contact Owner", "Contact Owner Email")):
        e.map(h, t)
    e.save()


APOLLO_HDR = ["First Name", "Last Name", "Title", "Company", "Company Name for Emails", "Email",
              "Email Status", "Primary Email Source", "Email Confidence",
              "Primary Email Catch-all Status", "Primary Email Last Verified At", "Seniority",
              "Departments", "Contact Owner", "Work Direct Phone", "Home Phone", "Mobile Phone",
              "Corporate Phone", "Other Phone", "Stage", "Lists", "Last Contacted",
              "Account Owner", "# Employees", "Industry", "Keywords", "Person Linkedin Url",
              "Website", "Company Linkedin Url", "Facebook Url", "Twitter Url", "City", "State",
              "Country", "Company Address", "Company City", "Company State", "Company Country",
              "Company Phone", "SEO Description", "Technologies", "Annual Revenue",
              "Total Funding", "Latest Funding", "Latest Funding Amount", "Last Raised At",
              "Email Sent", "Email Open", "Email Bounced", "Replied", "Demoed",
              "Number of Retail Locations", "Apollo Contact Id", "Apollo Account Id"]


def apollo():
    name = "apollo-people.csv"
    e = Expect(name, "Apollo.io people export (Search > select > Export CSV)",
               """Phones written as '+1 ... (Apollo's own text escape, which every import
               undoes); five phone columns, Mobile Phone the best filled; Person Linkedin Url
               and Company Linkedin Url (a company page, not a profile).""")
    H = {h: k for k, h in enumerate(APOLLO_HDR)}
    rows, seen = [], []
    for n, i in enumerate(list(range(0, 20)) + [3, 17]):
        p = person(i)
        em = email_of(p, 1)
        r = [""] * len(APOLLO_HDR)
        r[H["First Name"]], r[H["Last Name"]], r[H["Title"]] = p["first"], p["last"], p["title"]
        r[H["Company"]] = r[H["Company Name for Emails"]] = p["company"]
        r[H["Email"]], r[H["Email Status"]] = em, "Verified"
        r[H["Primary Email Source"]] = "Apollo"
        r[H["Primary Email Last Verified At"]] = "2026-03-18T22:36:33+00:00"
        r[H["Seniority"]], r[H["Departments"]] = "Director", "Sales"
        r[H["Mobile Phone"]] = "'" + p["phone"]
        if n % 3 == 0:
            r[H["Corporate Phone"]] = "'+1 217-543-%04d" % n
        r[H["Stage"]], r[H["Lists"]] = "Cold", "Q2 Outreach"
        r[H["# Employees"]], r[H["Industry"]] = str(50 + n), "information technology & services"
        r[H["Person Linkedin Url"]] = "http://www.linkedin.com/in/%s" % p["slug"]
        r[H["Website"]] = "http://www.%s" % p["domain"]
        r[H["Company Linkedin Url"]] = "http://www.linkedin.com/company/%s" % p["domain"].split(".")[0]
        r[H["Country"]] = "Germany"
        r[H["Email Sent"]] = r[H["Email Open"]] = r[H["Email Bounced"]] = "false"
        r[H["Replied"]] = r[H["Demoed"]] = "false"
        r[H["Apollo Contact Id"]] = "64f%021x" % (0xabc000 + n)
        r[H["Apollo Account Id"]] = "63e%021x" % (0xdef000 + i)
        rows.append(r)
        if i in seen:
            continue
        seen.append(i)
        key = li_norm(p["slug"])
        std(e, p, key, email=em, phone=p["phone"], linkedin=key)
        if n % 3 == 0:
            e.field(key, "custom.Corporate Phone", "+1 217-543-%04d" % n)
    write(name, csv_text(APOLLO_HDR, rows))
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in (("Company", "Account Name"), ("Email", "Email"), ("Mobile Phone", "Phone"),
                 ("Person Linkedin Url", "Contact LinkedIn URL"), ("Website", "Domain"),
                 ("Company Linkedin Url", "custom"), ("Company Name for Emails", "custom")):
        e.map(h, t)
    e.save()


def simple_tool(name, tool, note, hdr, build, maps, idx, mode="needed", bom=False, eol="\n",
                owners=False, keyf=None):
    """A tool whose row is built by build(n, p) -> (row, expectations)."""
    e = Expect(name, tool, note)
    if owners:
        users(e)
    rows, seen = [], []
    for n, i in enumerate(idx):
        p = person(i)
        r, exp = build(n, p)
        rows.append(r)
        if i in seen:
            continue
        seen.append(i)
        exp(e)
    write(name, csv_text(hdr, rows, mode=mode, eol=eol), bom=bom)
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in maps:
        e.map(h, t)
    e.save()


def lusha():
    hdr = ["Full Name", "First Name", "Last Name", "Job Title", "Seniority", "Department",
           "Company Name", "Company Domain", "Company LinkedIn URL", "LinkedIn URL",
           "Work Email", "Work Email Status", "Private Email", "Phone 1", "Phone 1 Type",
           "Phone 2", "Phone 2 Type", "Country", "City", "Company Industry", "Company Size",
           "Company Founded"]

    def b(n, p):
        em = email_of(p)
        ph2 = "+1 555 01%02d" % n if n % 2 else ""
        r = ["%s %s" % (p["first"], p["last"]), p["first"], p["last"], p["title"], "Manager",
             "Sales", p["company"], p["domain"],
             "https://www.linkedin.com/company/%s" % p["domain"].split(".")[0],
             "https://www.linkedin.com/in/%s" % p["slug"], em, "Verified",
             "", p["phone"], "Direct", ph2, "Mobile" if ph2 else "", "Spain", "Madrid",
             "Software", "51-200", "2009"]

        def x(e):
            std(e, p, em, email=em, phone=p["phone"], linkedin=li_norm(p["slug"]))
        return r, x
    simple_tool("lusha-contacts.csv", "Lusha prospecting export (Prospecting > select > Export to CSV)",
                """Work Email and Private Email (Work the better filled); Phone 1 and Phone 2
                with their types (Phone 1 the better filled).""", hdr, b,
                (("Company Domain", "Domain"), ("Work Email", "Email"), ("Phone 1", "Phone"),
                 ("LinkedIn URL", "Contact LinkedIn URL"), ("Company LinkedIn URL", "custom"),
                 ("Phone 2", "custom")), list(range(8, 22)) + [9])


ZOOM_HDR = ["ZoomInfo Contact ID", "Last Name", "First Name", "Middle Name", "Salutation",
            "Suffix", "Job Title", "Job Title Hierarchy Level", "Management Level",
            "Job Start Date", "Job Function", "Department", "Company Division Name",
            "Direct Phone Number", "Email Address", "Email Domain", "Mobile phone",
            "Last Job Change Type", "Last Job Change Date", "Previous Job Title",
            "Previous Company Name", "Previous Company ZoomInfo Company ID",
            "Previous Company LinkedIn Profile", "Highest Level of Education",
            "Contact Accuracy Score", "Contact Accuracy Grade", "ZoomInfo Contact Profile URL",
            "LinkedIn Contact Profile URL", "Notice Provided Date", "Person Street",
            "Person City", "Person State", "Person Zip Code", "Country", "ZoomInfo Company ID",
            "Company Name", "Company Description", "Website", "Founded Year",
            "Company HQ Phone", "Fax", "Ticker", "Revenue (in 000s USD)",
            "Revenue Range (in USD)", "Employees", "Employee Range", "Primary Industry",
            "Primary Sub-Industry", "ZoomInfo Company Profile URL",
            "LinkedIn Company Profile URL", "Company Street Address", "Company City",
            "Company State", "Company Zip Code", "Company Country", "Full Address"]


def zoominfo():
    H = {h: k for k, h in enumerate(ZOOM_HDR)}

    def b(n, p):
        em = email_of(p, 1)
        r = [""] * len(ZOOM_HDR)
        r[H["ZoomInfo Contact ID"]] = str(1234567000 + n)
        r[H["Last Name"]], r[H["First Name"]], r[H["Job Title"]] = p["last"], p["first"], p["title"]
        r[H["Management Level"]] = "Director"
        r[H["Direct Phone Number"]] = p["phone"]
        r[H["Email Address"]], r[H["Email Domain"]] = em, p["domain"]
        r[H["Mobile phone"]] = "+1 555 0177" if n % 5 == 0 else ""
        r[H["Previous Company LinkedIn Profile"]] = "linkedin.com/company/old-co-%d" % n if n % 2 else ""
        r[H["Contact Accuracy Score"]], r[H["Contact Accuracy Grade"]] = "95", "A"
        r[H["ZoomInfo Contact Profile URL"]] = "https://www.zoominfo.com/p/%s/%d" % (p["slug"], 1234567000 + n)
        r[H["LinkedIn Contact Profile URL"]] = "https://www.linkedin.com/in/%s" % p["slug"]
        r[H["ZoomInfo Company ID"]] = str(88000 + p["i"])
        r[H["Company Name"]], r[H["Website"]] = p["company"], "www.%s" % p["domain"]
        r[H["Company HQ Phone"]] = "+1 555 0000"
        r[H["LinkedIn Company Profile URL"]] = "http://www.linkedin.com/company/%d" % (88000 + p["i"])
        r[H["Employees"]], r[H["Employee Range"]] = "120", "100 to 249"

        def x(e):
            std(e, p, em, email=em, phone=p["phone"], linkedin=li_norm(p["slug"]))
        return r, x
    simple_tool("zoominfo-contacts.csv", "ZoomInfo contacts export (Export > Contacts, CSV)",
                """Last Name before First Name; Email Domain besides Website (the same domain
                here); Direct Phone Number, Mobile phone and Company HQ Phone (Company HQ
                Phone is filled everywhere but is the company switchboard; Direct Phone
                Number is what a user wants); several LinkedIn columns, one a profile.""",
                ZOOM_HDR, b,
                (("Last Name", "Last name"), ("First Name", "First name"),
                 ("Email Address", "Email"), ("Direct Phone Number", "Phone"),
                 ("LinkedIn Contact Profile URL", "Contact LinkedIn URL"),
                 ("Company Name", "Account Name"), ("Website", "Domain|custom"),
                 ("ZoomInfo Contact ID", "custom")),
                list(range(2, 18)) + [2], mode="all")


def cognism():
    hdr = ["First Name", "Last Name", "Job Title", "Seniority", "Department", "Email",
           "Email Status", "Mobile", "Mobile DNC", "Direct Phone", "Company Name",
           "Company Website", "Company LinkedIn", "LinkedIn URL", "Country", "City",
           "Industry", "Company Size", "Revenue"]

    def b(n, p):
        em = email_of(p)
        r = [p["first"], p["last"], p["title"], "Head", "Operations", em, "Verified",
             p["phone"], "No" if n % 3 else "Yes", "", p["company"], "https://%s" % p["domain"],
             "https://www.linkedin.com/company/%s" % p["domain"].split(".")[0],
             "https://uk.linkedin.com/in/%s" % p["slug"], "United Kingdom", "London",
             "Computer Software", "201-500", "$10M-$50M"]

        def x(e):
            std(e, p, em, email=em, phone=p["phone"], linkedin=li_norm(p["slug"]))
            e.field(em, "custom.Mobile DNC", r[8])
        return r, x
    simple_tool("cognism-contacts.csv", "Cognism Prospector export (Export > CSV)",
                """Mobile with a Mobile DNC flag (phone-only do-not-call, not Do Not Touch),
                Company Website, LinkedIn URL on uk.linkedin.com.""", hdr, b,
                (("Email", "Email"), ("Mobile", "Phone"), ("Company Website", "Domain"),
                 ("LinkedIn URL", "Contact LinkedIn URL"), ("Mobile DNC", "custom")),
                list(range(5, 19)) + [6])


def seamless():
    hdr = ["Research Date", "Contact Full Name", "First Name", "Middle Name", "Last Name",
           "Title", "Department", "Seniority", "Company Name", "Company Name - Cleaned",
           "Website", "List", "Primary Email", "Intel", "Contact LI Profile URL", "Email 1",
           "Email 1 Validation", "Email 1 Total AI", "Email 2", "Email 2 Validation",
           "Email 2 Total AI", "Contact Phone 1", "Contact Phone 1 Total AI",
           "Contact Mobile Phone", "Company Phone 1", "Company Phone 1 Total AI",
           "Contact City", "Contact State", "Contact Country", "Company LI Profile Url",
           "Company Industry", "Company Staff Count", "Company Annual Revenue"]

    def b(n, p):
        em = email_of(p, 1)
        r = ["2025-06-%02d" % (n + 1), "%s %s" % (p["first"], p["last"]), p["first"], "",
             p["last"], p["title"], "Sales", "Director", p["company"], p["company"],
             p["domain"], "Seamless List June", em, "", "linkedin.com/in/%s" % p["slug"], em,
             "Valid", "98%", "", "", "", p["phone"], "85%", "", "+1 555 0001", "60%", "Austin",
             "Texas", "United States",
             "linkedin.com/company/%s" % p["domain"].split(".")[0], "Software", "120", "$25M"]

        def x(e):
            std(e, p, em, email=em, phone=p["phone"], linkedin=li_norm(p["slug"]))
            e.field(em, "custom.Seniority", "Director")
        return r, x
    simple_tool("seamless-ai.csv", "Seamless.AI export (My Saved Contacts > Export)",
                """Every cell quoted; Company Name and Company Name - Cleaned, Primary Email and
                Email 1 hold the same values (either may map); Contact LI Profile URL without a
                scheme; percentages as text.""", hdr, b,
                (("Contact LI Profile URL", "Contact LinkedIn URL"), ("Website", "Domain"),
                 ("Contact Phone 1", "Phone"), ("Company LI Profile Url", "custom")),
                list(range(11, 25)) + [12], mode="all")


def clay():
    hdr = ["Full Name", "First Name", "Last Name", "Job Title", "Location", "Company Name",
           "Company Domain", "LinkedIn Profile", "Work Email", "Find Work Email",
           "Enrich Person", "Company Size", "Industry"]

    def b(n, p):
        em = email_of(p)
        r = ["%s %s" % (p["first"], p["last"]), p["first"], p["last"], p["title"],
             "Lisbon, Portugal", p["company"], p["domain"],
             "https://www.linkedin.com/in/%s" % p["slug"], em,
             '{"email":"%s","status":"valid"}' % em, "✅ Enriched", "51-200", "Software"]

        def x(e):
            std(e, p, em, email=em, linkedin=li_norm(p["slug"]))
            e.field(em, "custom.Job Title", p["title"])
        return r, x
    simple_tool("clay-table.csv", "Clay table export (Actions > Export > Download CSV)",
                """Columns named after the table (Find People source defaults); enrichment
                columns hold JSON text; an emoji status cell.""", hdr, b,
                (("Company Domain", "Domain"), ("LinkedIn Profile", "Contact LinkedIn URL"),
                 ("Work Email", "Email"), ("Find Work Email", "custom")),
                list(range(0, 10)) + [20, 21, 1], bom=False)


def close_crm():
    hdr = ["id", "lead_id", "lead_name", "lead_url", "name", "title", "primary_email",
           "primary_phone", "primary_url", "emails", "phones", "urls", "date_created",
           "date_updated", "created_by_name"]

    def b(n, p):
        em = email_of(p)
        li = "https://www.linkedin.com/in/%s" % p["slug"]
        r = ["cont_%010d" % (n + 1), "lead_%010d" % (p["i"] + 1), p["company"],
             "https://%s" % p["domain"], "%s %s" % (p["first"], p["last"]), p["title"], em,
             p["phone"], li, em, p["phone"], li, "2025-07-%02dT09:00:00+00:00" % (n + 1),
             "2025-07-%02dT09:00:00+00:00" % (n + 2), "Ada Park"]
        profile(p)

        def x(e):
            std(e, p, li_norm(p["slug"]), email=em, phone=p["phone"], linkedin=li_norm(p["slug"]))
        return r, x
    simple_tool("close-contacts.csv", "Close CRM contacts export (Export > Contacts > CSV)",
                """snake_case columns; the contact has one name column (no first/last): the
                row's LinkedIn URL (primary_url) completes the name from the enrichment
                provider; lead_name/lead_url are the company and its site.""", hdr, b,
                (("lead_name", "Account Name"), ("lead_url", "Domain"),
                 ("primary_email", "Email"), ("primary_phone", "Phone"),
                 ("primary_url", "Contact LinkedIn URL"), ("name", "custom"),
                 ("emails", "custom|ignore")),
                list(range(13, 24)) + [14])


def attio():
    hdr = ["Record ID", "Name", "First name", "Last name", "Email addresses", "Phone numbers",
           "Company", "Job title", "LinkedIn", "Primary location", "Created at"]
    idx = list(range(6, 18)) + [7]

    def b(n, p):
        em = email_of(p)
        two = n % 3 == 0
        r = ["%08x-4e1a-4c2b-9d3e-%012x" % (0xa1b2c300 + n, n), "%s %s" % (p["first"], p["last"]),
             p["first"], p["last"], em + (", " + email_of(p, 1) if two else ""),
             p["phone"] + (", +1 555 0150" if two else ""), p["company"], p["title"],
             "linkedin.com/in/%s" % p["slug"], "Paris, France", "2025-08-%02d 10:00:00" % (n + 1)]
        profile(p)

        def x(e):
            std(e, p, li_norm(p["slug"]), email=em, phone=p["phone"], linkedin=li_norm(p["slug"]))
        return r, x
    simple_tool("attio-people.csv", "Attio People export (People > ... > Export as CSV)",
                """UTF-8 with a BOM; multi-value Email addresses and Phone numbers cells ("a, b":
                the first is the contact's); Company is a name, no domain: rows are completed
                from the enrichment provider through the LinkedIn column.""", hdr, b,
                (("Email addresses", "Email"), ("Phone numbers", "Phone"),
                 ("Company", "Account Name"), ("LinkedIn", "Contact LinkedIn URL"),
                 ("Name", "custom|ignore")), idx, bom=True)


def copper():
    hdr = ["Full Name", "First Name", "Middle Name", "Last Name", "Title", "Company",
           "Work Email", "Personal Email", "Work Phone", "Mobile Phone", "Work Website",
           "LinkedIn", "Tags", "Owned By", "Contact Type", "Date Added"]
    tagsets = [["Prospect", "EMEA"], ["Customer"], [], ["Event: SaaStr"]]

    def b(n, p):
        em = email_of(p)
        tg = tagsets[n % 4]
        ow = OWNERS[n % 3]
        r = ["%s %s" % (p["first"], p["last"]), p["first"], "", p["last"], p["title"],
             p["company"], em, "", p["phone"], "", "http://www.%s" % p["domain"],
             "https://www.linkedin.com/in/%s" % p["slug"], ", ".join(tg), ow[1],
             "Potential Customer", "2025-09-%02d" % (n + 1)]

        def x(e):
            std(e, p, em, email=em, phone=p["phone"], linkedin=li_norm(p["slug"]))
            e.add("tags", em, ";".join(sorted(tg)))
            e.contact(em, owner=ow[0])
        return r, x
    simple_tool("copper-people.csv", "Copper CRM people export (People > ... > Export)",
                """Tags a comma-separated cell; Owned By a user's full name; Work Website the
                company site.""", hdr, b,
                (("Work Email", "Email"), ("Work Phone", "Phone"), ("Company", "Account Name"),
                 ("Work Website", "Domain"), ("LinkedIn", "Contact LinkedIn URL"),
                 ("Tags", "Tags"), ("Owned By", "Contact Owner Email")),
                list(range(0, 12)) + [5], owners=True)


def freshsales():
    hdr = ["First name", "Last name", "Job title", "Emails", "Work", "Mobile", "Sales owner",
           "Account name", "Website", "LinkedIn", "Lifecycle stage", "Status", "Tags",
           "Created at", "Lead score"]

    def b(n, p):
        em = email_of(p, 1)
        r = [p["first"], p["last"], p["title"], em, p["phone"], "", "sam.rivera@corpus.test",
             p["company"], p["domain"], "https://www.linkedin.com/in/%s" % p["slug"],
             "Sales Qualified Lead", "New", "webinar;q3" if n % 2 else "",
             "2025-10-%02d 11:00:00" % (n + 1), str(40 + n)]

        def x(e):
            std(e, p, em, email=em, phone=p["phone"], linkedin=li_norm(p["slug"]))
            e.add("tags", em, "q3;webinar" if n % 2 else "")
        return r, x
    simple_tool("freshsales-contacts.csv", "Freshsales (Freshworks CRM) contacts export",
                """Emails (plural), Work and Mobile phone columns named by their type only;
                Sales owner an email that is not a user (the uploader owns, with a warning);
                Tags ; separated.""", hdr, b,
                (("Emails", "Email"), ("Work", "Phone"), ("Account name", "Account Name"),
                 ("Website", "Domain"), ("LinkedIn", "Contact LinkedIn URL"), ("Tags", "Tags"),
                 ("Sales owner", "Contact Owner Email")),
                list(range(16, 28)) + [16])


def outreach():
    hdr = ["Id", "First Name", "Last Name", "Title", "Emails", "Work Phones", "Mobile Phones",
           "Account Name", "Account Domain", "Company", "LinkedIn URL", "Owner", "Stage",
           "Tags", "Created At", "Opted Out"]

    def b(n, p):
        em = email_of(p)
        opted = "true" if n % 5 == 2 else "false"
        r = [str(9100 + n), p["first"], p["last"], p["title"], em, p["phone"], "",
             p["company"], p["domain"], p["company"], li_url(p["slug"], 1), "",
             "Cold Lead", "Series B, Fintech" if n % 2 == 0 else "",
             "2025-11-%02dT08:00:00.000Z" % (n + 1), opted]

        def x(e):
            std(e, p, em, email=em, phone=p["phone"], linkedin=li_norm(p["slug"]))
            e.add("tags", em, "Fintech;Series B" if n % 2 == 0 else "")
            e.field(em, "custom.Opted Out", opted)
        return r, x
    simple_tool("outreach-prospects.csv", "Outreach prospects export (Prospects > select > Export CSV)",
                """Account Name and Company both the company (same values); Emails plural;
                Opted Out is email opt-out (kept as custom data, not Do Not Touch); Tags
                comma-separated.""", hdr, b,
                (("Emails", "Email"), ("Work Phones", "Phone"), ("Account Domain", "Domain"),
                 ("LinkedIn URL", "Contact LinkedIn URL"), ("Tags", "Tags"),
                 ("Opted Out", "custom")),
                list(range(3, 15)) + [4])


def salesloft():
    hdr = ["First Name", "Last Name", "Email Address", "Title", "Account", "Company Website",
           "Phone", "Mobile Phone", "LinkedIn URL", "Owner", "Cadence", "Tags",
           "Do Not Contact", "Last Contacted", "Created At"]

    def b(n, p):
        em = email_of(p)
        dnc = "true" if n % 4 == 1 else "false"
        r = [p["first"], p["last"], em, p["title"], p["company"], "www.%s" % p["domain"],
             p["phone"], "", "https://www.linkedin.com/in/%s" % p["slug"], "",
             "Inbound Q4" if n % 2 else "", "inbound" if n % 2 else "", dnc, "",
             "2025-12-%02d" % (n + 1)]

        def x(e):
            std(e, p, em, email=em, phone=p["phone"], linkedin=li_norm(p["slug"]))
            e.add("dnt", em, 1 if dnc == "true" else 0)
            e.add("tags", em, "inbound" if n % 2 else "")
        return r, x
    simple_tool("salesloft-people.csv", "Salesloft people export (People > select > Export)",
                """Do Not Contact true/false: the user wants those people flagged Do Not
                Touch; Account the company; Company Website the site.""", hdr, b,
                (("Email Address", "Email"), ("Account", "Account Name"),
                 ("Company Website", "Domain"), ("Phone", "Phone"),
                 ("LinkedIn URL", "Contact LinkedIn URL"), ("Tags", "Tags"),
                 ("Do Not Contact", "Do Not Touch")),
                list(range(18, 28)) + [0, 1, 2, 19])


def pandas_index():
    name = "pandas-to-csv.csv"
    e = Expect(name, "pandas DataFrame.to_csv() with its default index (index=True)",
               """The first header cell is empty (the index); the index column is not data
               a user wants, and whatever it maps to it must not fail the file.""")
    hdr = ["", "first_name", "last_name", "email", "company", "company_domain", "linkedin_url", "title"]
    rows, seen = [], []
    for n, i in enumerate(list(range(20, 28)) + list(range(0, 6)) + [21]):
        p = person(i)
        em = email_of(p)
        rows.append([str(n), p["first"], p["last"], em, p["company"], p["domain"],
                     li_url(p["slug"]) if n % 2 else "", p["title"]])
        if i in seen:
            continue
        seen.append(i)
        std(e, p, em, email=em, linkedin=li_norm(p["slug"]) if n % 2 else "")
        e.contact(em, custom__title=p["title"])
    write(name, csv_text(hdr, rows))
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    e.map("#1", "ignore|custom:Column 1")
    for h, t in (("first_name", "First name"), ("last_name", "Last name"), ("email", "Email"),
                 ("company", "Account Name"), ("company_domain", "Domain"),
                 ("linkedin_url", "Contact LinkedIn URL"), ("title", "custom")):
        e.map(h, t)
    e.save()


def excel_trailing():
    name = "excel-trailing-empty-columns.csv"
    e = Expect(name, "Excel, Save As CSV UTF-8 (Comma delimited), a sheet with formatted empty columns",
               """UTF-8 BOM, CRLF; four trailing columns with empty header cells (and empty
               cells); they are ignored.""")
    hdr = ["First Name", "Last Name", "Company", "Website", "E-mail", "Phone", "", "", "", ""]
    rows, seen = [], []
    for n, i in enumerate(list(range(7, 19)) + [8]):
        p = person(i)
        em = email_of(p, 1)
        rows.append([p["first"], p["last"], p["company"], p["domain"], em, p["phone"], "", "", "", ""])
        if i in seen:
            continue
        seen.append(i)
        std(e, p, em, email=em, phone=p["phone"])
        e.add("customkeys", em, "")
    write(name, csv_text(hdr, rows, eol="\r\n"), bom=True)
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in (("E-mail", "Email"), ("Website", "Domain"), ("Company", "Account Name")):
        e.map(h, t)
    for k in range(7, 11):
        e.map("#%d" % k, "ignore|custom:Column %d" % k)
    e.save()


def excel_semicolon():
    name = "excel-semicolon-de.csv"
    e = Expect(name, "Excel with German regional settings, Save As CSV (Trennzeichen-getrennt)",
               """Semicolon delimiter, Windows-1252, CRLF, German headers, a decimal comma in
               an unrelated column; only names Windows-1252 can hold.""")
    hdr = ["Anrede", "Vorname", "Nachname", "Firma", "Webseite", "E-Mail", "Telefon", "Umsatz (Mio. €)", "Notiz"]
    latin = [2, 19, 12, 26, 0, 9, 10, 11, 22, 18]
    rows, seen = [], []
    for n, i in enumerate(latin + [19]):
        p = person(i)
        if not all(ord(c) < 256 or c in "€" for c in p["first"] + p["last"] + p["company"]):
            continue
        em = email_of(p)
        rows.append(["Frau" if n % 2 else "Herr", p["first"], p["last"], p["company"],
                     "www.%s" % p["domain"], em, p["phone"], "%d,%d" % (n + 1, n * 7 % 10),
                     "Rückruf; nächste Woche" if n == 3 else ""])
        if i in seen:
            continue
        seen.append(i)
        std(e, p, em, email=em, phone=p["phone"])
        e.field(em, "custom.Umsatz (Mio. €)", rows[-1][7])
    text = csv_text(hdr, rows, delim=";", eol="\r\n")
    write(name, text, enc="cp1252")
    e.add("encoding", "Windows-1252")
    e.add("delimiter", ";")
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in (("Vorname", "First name"), ("Nachname", "Last name"), ("Firma", "Account Name"),
                 ("Webseite", "Domain"), ("E-Mail", "Email"), ("Telefon", "Phone"),
                 ("Anrede", "custom")):
        e.map(h, t)
    e.save()


def crm_dump_600():
    name = "crm-dump-600-columns.csv"
    e = Expect(name, "A homegrown CRM's full dump: 600 columns, most of them custom fields",
               """Over the old 512-column limit (the issue raises max_fields to at least
               2,000); snake_case identity columns in the middle of the header.""")
    hdr = ["contact_uuid"] + ["cf_%03d" % k for k in range(1, 300)]
    hdr += ["given_name", "family_name", "work_email", "organisation", "company_website"]
    hdr += ["cf_%03d" % k for k in range(300, 300 + 600 - len(hdr))]
    assert len(hdr) == 600
    H = {h: k for k, h in enumerate(hdr)}
    rows, seen = [], []
    for n, i in enumerate(list(range(0, 12)) + [10]):
        p = person(i)
        em = email_of(p)
        r = ["" for _ in hdr]
        r[0] = "c0ffee%02d-0000-4000-8000-%012d" % (n, n)
        for k in range(1, 600, 7):
            if r[k] == "":
                r[k] = "v%d.%d" % (n, k)
        r[H["given_name"]], r[H["family_name"]] = p["first"], p["last"]
        r[H["work_email"]], r[H["organisation"]] = em, p["company"]
        r[H["company_website"]] = "https://%s" % p["domain"]
        rows.append(r)
        if i in seen:
            continue
        seen.append(i)
        std(e, p, em, email=em)
        e.field(em, "custom.cf_008", r[8])
        e.field(em, "custom." + hdr[-1], r[-1])
    write(name, csv_text(hdr, rows))
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in (("given_name", "First name"), ("family_name", "Last name"),
                 ("work_email", "Email"), ("organisation", "Account Name"),
                 ("company_website", "Domain"), ("cf_001", "custom"), ("#600", "custom")):
        e.map(h, t)
    e.save()


EXPORT_HDR = ["EG-CON-ID", "First name", "Last name", "Email", "Phone", "Account Name",
              "Domain", "Contact LinkedIn URL", "Contact Owner Email",
              "Phone Verification Result", "Phone Verification Provider", "Phone Type",
              "Phone Intent Score", "Tags", "Do Not Touch", "Created At", "Updated At",
              "Connected On", "Source"]


def intake_export():
    name = "intake-export.csv"
    e = Expect(name, "intake's own export (GET /api/contacts/export.csv, intake export)",
               """Every cell quoted, CRLF, UTF-8 BOM; EG-CON-ID of another workspace;
               Tags "; "-separated; Do Not Touch Yes/No: flagged contacts must arrive
               flagged; phones with the export's formula escape ('+...); owners are users
               of the new workspace too.""")
    users(e)
    rows, seen = [], []
    for n, i in enumerate(list(range(0, 16)) + [3]):
        p = person(i)
        em = email_of(p)
        ow = OWNERS[n % 3]
        tg = [["Event 2025", "VIP"], ["Partner"], [], ["VIP"]][n % 4]
        dnt = "Yes" if n % 5 == 1 else "No"
        rows.append(["EGC%013d" % (n + 1), p["first"], p["last"], em, "'" + p["phone"],
                     p["company"], p["domain"], li_norm(p["slug"]) if n % 2 else "", ow[0],
                     "valid" if n % 3 == 0 else "", "acme-verify" if n % 3 == 0 else "",
                     "mobile" if n % 3 == 0 else "", str(n * 6) if n % 3 == 0 else "",
                     "; ".join(tg), dnt, "2025-01-02 03:04:%02d" % n, "2025-02-03 04:05:%02d" % n,
                     "01 Mar 2025" if n % 2 else "", "Web" if n % 3 else ""])
        if i in seen:
            continue
        seen.append(i)
        std(e, p, em, email=em, phone=p["phone"], linkedin=li_norm(p["slug"]) if n % 2 else "")
        e.contact(em, owner=ow[0])
        e.add("tags", em, ";".join(sorted(tg)))
        e.add("dnt", em, 1 if dnt == "Yes" else 0)
        e.field(em, "custom.Source", "Web" if n % 3 else "")
        e.field(em, "custom.Created At", "")
        e.field(em, "custom.EG-CON-ID", "")
        if n % 3 == 0:
            e.contact(em, phone_type="mobile", phone_intent_score=str(n * 6))
    write(name, csv_text(EXPORT_HDR, rows, mode="all", eol="\r\n"), bom=True)
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    for h, t in (("EG-CON-ID", "EG-CON-ID|ignore"), ("Tags", "Tags"), ("Do Not Touch", "Do Not Touch"),
                 ("Created At", "ignore"), ("Updated At", "ignore"), ("Source", "custom"),
                 ("Contact Owner Email", "Contact Owner Email")):
        e.map(h, t)
    e.save()


def intake_rejected():
    name = "intake-rejected-rows.csv"
    e = Expect(name, "intake's rejected-rows file (GET /api/imports/ID/errors.csv), fixed and imported again",
               """"Row" and "Reason" before the upload's own header; every cell quoted, CRLF,
               BOM; the user filled in what was missing; Row and Reason are read, never
               stored.""")
    hdr = ["Row", "Reason", "First name", "Last name", "Account Name", "Domain", "Email", "Title"]
    rows, seen = [], []
    reasons = ["Missing Last name", "Missing Domain", "The domain cannot be read",
               "Missing Account Name, Domain"]
    for n, i in enumerate(list(range(9, 21)) + [9]):
        p = person(i)
        em = email_of(p, 1)
        rows.append([str(n * 3 + 2), reasons[n % 4], p["first"], p["last"], p["company"],
                     p["domain"], em, p["title"]])
        if i in seen:
            continue
        seen.append(i)
        std(e, p, em, email=em)
        e.contact(em, custom__Row="", custom__Reason="", custom__Title=p["title"])
    write(name, csv_text(hdr, rows, mode="all", eol="\r\n"), bom=True)
    e.counts("done", len(rows), len(seen), len(rows) - len(seen))
    e.map("Row", "ignore")
    e.map("Reason", "ignore")
    e.map("Title", "custom")
    e.save()


def main():
    for f in os.listdir(HERE):
        if f.endswith(".expect") or (f.endswith(".csv")):
            os.remove(os.path.join(HERE, f))
    for fn in (linkedin_en, linkedin_de, salesnav_phantombuster, hubspot, salesforce_report,
               salesforce_leads, google_contacts, outlook_from_google, outlook_desktop,
               mailchimp, pipedrive, zoho, apollo, lusha, zoominfo, cognism, seamless, clay,
               close_crm, attio, copper, freshsales, outreach, salesloft, pandas_index,
               excel_trailing, excel_semicolon, crm_dump_600, intake_export, intake_rejected):
        fn()
    pd = os.path.join(HERE, "profiles")
    os.makedirs(pd, exist_ok=True)
    for f in os.listdir(pd):
        os.remove(os.path.join(pd, f))
    for slug, j in sorted(PROFILES.items()):
        with open(os.path.join(pd, slug + ".json"), "w", encoding="utf-8") as f:
            f.write(json.dumps(j, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
