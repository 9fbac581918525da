#!/usr/bin/perl
# review-gen.pl SEED ROWS FLOW IDS-FILE: one generated file for
# review-property.sh, on stdout. Rows are drawn from a small pool of
# people so that a file holds what real lists do: the same person twice
# (an update of an earlier row), people the workspace has, moved domains,
# name-only rows, owners who are and are not users, Do Not Touch cells,
# LinkedIn-only rows the provider completes, custom data, names with
# accents and other scripts, rows without a key. FLOW update: the rows
# name contacts by EG-CON-ID (IDS-FILE: the workspace's ids, one a line),
# some unknown.
use strict;
use warnings;
my ($seed, $rows, $flow, $idsf) = @ARGV;
srand($seed);
binmode(STDOUT, ':utf8');
use utf8;
my @first = ('Ada', 'José', 'Zoë', '山田', 'Łukasz', 'Grace', 'Åsa',
    'Дмитрий', 'Ken', 'Émile', 'Nguyễn', 'Olu');
my @last = ('Lovelace', 'García Márquez', 'Ødegård', '太郎', 'Wałęsa',
    'Hopper', 'Öberg', 'Иванов', 'Thompson', 'Zola', 'Văn', 'Adé');
my @owners = ('', '', 'owner@W.test', 'ed@W.test', 'nobody@elsewhere.test');
my @colours = ('', '', 'red', 'blue', 'vert', '緑');
my @phones = ('', '', '+1 555 0100', '+44 20 7946 0001', '0301234567');
my @ids;
if ($flow eq 'update' && -s $idsf) {
	open(my $fh, '<', $idsf) or die;
	chomp(@ids = <$fh>);
}
sub pick { $_[int(rand(@_))] }
sub csvq { my $v = shift; $v =~ /[",]/ ? do { $v =~ s/"/""/g; "\"$v\"" } : $v }
my @h = ('First name', 'Last name', 'Account Name', 'Domain', 'Email',
    'Phone', 'Contact LinkedIn URL', 'Contact Owner Email', 'Do Not Touch',
    'Tags', 'Colour');
unshift(@h, 'EG-CON-ID') if $flow eq 'update';
print join(',', @h), "\r\n";
for (1 .. $rows) {
	my $p = int(rand(12)) + 1;		# person p of the pool
	my $c = rand() < 0.2 ? $p % 12 + 1 : $p;	# moved domain
	my @r = ($first[$p - 1], $last[$p - 1], "Company $c",
	    "company$c.example", "p$p\@company$p.example", pick(@phones), '',
	    pick(@owners), pick('', '', '', 'yes', 'no'),
	    pick('', '', 'Fair', 'Fair; VIP'), pick(@colours));
	my $kind = rand();
	if ($kind < 0.12) {			# name only, at the domain
		$r[4] = '';
	} elsif ($kind < 0.22) {		# LinkedIn only: the provider
		my $n = int(rand(16)) + 1;
		@r[0 .. 5] = ('', '', '', '', '', '');
		$r[6] = "https://www.linkedin.com/in/person-$n";
	} elsif ($kind < 0.26) {		# no key at all
		@r[1 .. 6] = ('', '', '', '', '', '');
	}
	if ($flow eq 'update') {
		my $id = @ids && rand() < 0.85 ? pick(@ids) :
		    'nosuchid' . int(rand(1000));
		unshift(@r, $id);
	}
	print join(',', map { csvq($_) } @r), "\r\n";
}
