#!/usr/bin/perl
# sqlcheck.pl FILE...: find SQL built from strings in C sources. Every
# statement must be a prepared one whose text is a string literal, with
# user data bound to its '?' parameters (src/db/db.c's db_prepare/db_run,
# src/watchd/bulk.c's bulk_prepare).
# Reported, as FILE:LINE: why, and the exit status is 1:
#   - db_prepare, db_run or mysql_stmt_prepare given SQL that is not
#     string literals only (a variable, a call, a concatenation);
#   - mysql_query, mysql_real_query or mysql_send_query anywhere (the text
#     protocol has no parameters), but src/db/migrate.c running migrations;
#   - a string-building call (sprintf and friends, strcat/strcpy, buf_add)
#     with a string literal that looks like SQL.
# Constant SQL may also be a macro of the same file defined as string
# literals only, or `cond ? "..." : "..."`. The wrappers themselves are
# the exceptions below. Comments are ignored; adjacent string literals
# are one, as in C.
# Two function-like macros are understood, the tables: lib.h's column
# table COLUMNS_TABLE(X) and watchd.h's matching keys MATCH_KEYS(X),
# where X names a macro that makes a row's piece of a statement
# ("SELECT " COLUMNS_TABLE(EXPORT_COL) "c.custom FROM ...").
# Such SQL is expanded by the C preprocessor (cpp, with the #defines of
# the file and of the headers) and must then be string literals only,
# as any other: the table's rows and X are fixed text of the sources, so
# what comes out is decided when the program is compiled, and no runtime
# value can get into it (a variable anywhere in it stays a name, and is
# reported). Any other function-like macro is still refused.
use strict;
use warnings;

my %PREPARE = map { $_ => 1 } qw(db_prepare db_prepare_kept db_run mysql_stmt_prepare bulk_prepare);
my %TEXT = map { $_ => 1 } qw(mysql_query mysql_real_query mysql_send_query);
my %BUILD = map { $_ => 1 } qw(sprintf snprintf vsprintf vsnprintf asprintf
    vasprintf xasprintf strcat strncat strlcat strcpy strncpy strlcpy stpcpy
    memcpy buf_add buf_addc);
# FILE CALL ARGUMENT that may be a variable: the wrapper's own parameter,
# and the migrations (files of sql/, ours, applied by the admin).
my %ALLOW = map { $_ => 1 } ('db.c mysql_stmt_prepare sql', 'db.c db_prepare sql',
    'bulk.c mysql_stmt_prepare sql',
    'migrate.c mysql_real_query text');
my $SQL = qr/\b(?:SELECT|INSERT|UPDATE|DELETE|REPLACE|WHERE|VALUES)\b/;
my $LIT = qr/"(?:[^"\\\n]|\\.)*"/s;
# An expansion of a table (see above).
my $TABLE = qr/\b(?:COLUMNS_TABLE|MATCH_KEYS)\s*\(\s*[A-Z_][A-Z0-9_]*\s*\)/;
my $CPP = $ENV{SQLCHECK_CPP} || 'cpp';

my $bad = 0;

# The file with comments blanked out (newlines kept, for line numbers).
sub uncomment {
	my ($t) = @_;
	my $out = '';
	while ($t =~ /\G(?:($LIT)|('(?:[^'\\\n]|\\.)*')|(\/\*.*?\*\/)|(\/\/[^\n]*)|(.))/gsc) {
		if (defined $3) {
			(my $c = $3) =~ s/[^\n]/ /g;
			$out .= $c;
		} elsif (defined $4) {
			$out .= ' ' x length $4;
		} else {
			$out .= $&;
		}
	}
	return $out;
}

# The top-level arguments of the call whose '(' is at $pos.
sub args {
	my ($t, $pos) = @_;
	my ($depth, $cur, @a) = (0, '');
	pos($t) = $pos;
	while ($t =~ /\G(?:($LIT)|('(?:[^'\\\n]|\\.)*')|(.))/gsc) {
		my $c = $3;
		if (!defined $c) {
			$cur .= $&;
			next;
		}
		if ($c eq '(' || $c eq '[' || $c eq '{') {
			$cur .= $c if $depth++ > 0;
		} elsif ($c eq ')' || $c eq ']' || $c eq '}') {
			if (--$depth == 0) {
				push @a, $cur;
				return @a;
			}
			$cur .= $c;
		} elsif ($c eq ',' && $depth == 1) {
			push @a, $cur;
			$cur = '';
		} else {
			$cur .= $c;
		}
	}
	return @a;
}

# The #define directives of a (comment-free) text, one a line.
sub defines {
	my ($t) = @_;
	my $out = '';
	while ($t =~ /^([ \t]*#[ \t]*define\b(?:\\\n|[^\n])*)/mg) {
		$out .= "$1\n";
	}
	return $out;
}

# Is SQL that expands a table string literals only once the
# preprocessor has expanded it (with the headers' and the file's
# #defines)?
sub table_literal {
	my ($defs, $sql) = @_;
	my ($fh, $tmp);
	$tmp = "/tmp/sqlcheck.$$.c";
	open($fh, '>', $tmp) or die "$tmp: $!\n";
	print $fh $defs, "\n__SQLCHECK__ ", $sql, "\n";
	close $fh;
	my $out = `$CPP -P -undef -w $tmp 2>/dev/null`;
	my $rc = $?;
	unlink $tmp;
	die "sqlcheck: $CPP failed\n" if $rc != 0;
	return 0 unless $out =~ /__SQLCHECK__(.*)\z/s;
	($out = $1) =~ s/^\s+|\s+$//g;
	return $out =~ /^(?:$LIT\s*)+$/;
}

sub report {
	my ($file, $line, $why) = @_;
	print "$file:$line: $why\n";
	$bad = 1;
}

# Literal-only macros of the headers beside the files (db.h's
# CONTACTS_FILTER), known in every file.
my %hmacro;
my %seen;
my $hdefs = '';		# every #define of the headers, for cpp
for my $file (@ARGV) {
	(my $dir = $file) =~ s{/[^/]*$}{};
	$dir = '.' if $dir eq $file;
	for my $h (glob("$dir/*.h")) {
		next if $seen{$h}++;
		open(my $fh, '<', $h) or next;
		my $t = uncomment(do { local $/; <$fh> });
		close $fh;
		$hdefs .= defines($t);
		while ($t =~ /^[ \t]*#[ \t]*define[ \t]+([A-Z_][A-Z0-9_]*)[ \t]*((?:\\\n|[ \t]|$LIT)+)$/mg) {
			my ($name, $v) = ($1, $2);
			$v =~ s/\\\n/ /g;
			$v =~ s/^\s+|\s+$//g;
			$hmacro{$name} = $v if $v =~ /^\s*(?:$LIT\s*)+$/;
		}
	}
}

for my $file (@ARGV) {
	open(my $fh, '<', $file) or die "$file: $!\n";
	my $t = uncomment(do { local $/; <$fh> });
	close $fh;
	(my $base = $file) =~ s{.*/}{};
	# Object-like macros that are string literals only.
	my %macro = %hmacro;
	my $defs = $hdefs . defines($t);
	# (one may use another defined before it; and expand the column
	# table, checked with cpp where it is used)
	while ($t =~ /^[ \t]*#[ \t]*define[ \t]+([A-Z_][A-Z0-9_]*)[ \t]*((?:\\\n|[ \t]|$LIT|$TABLE|[A-Z_][A-Z0-9_]*)+)$/mg) {
		my ($name, $v) = ($1, $2);
		$v =~ s/\\\n/ /g;
		$v =~ s/^\s+|\s+$//g;
		$v =~ s/($LIT)|($TABLE)|\b([A-Z_][A-Z0-9_]*)\b/defined $1 ? $1 :
		    defined $2 ? $2 :
		    (exists $macro{$3} ? $macro{$3} : $3)/ge;
		$macro{$name} = $v if $v =~ /^\s*(?:(?:$LIT|$TABLE)\s*)+$/;
	}
	while ($t =~ /\b([A-Za-z_]\w*)\s*\(/g) {
		my ($fn, $at, $open) = ($1, $-[0], $+[0] - 1);
		next unless $PREPARE{$fn} || $TEXT{$fn} || $BUILD{$fn};
		my $line = 1 + (substr($t, 0, $at) =~ tr/\n//);
		# A declaration or definition (a type before the name) is no call.
		next if substr($t, 0, $at) =~ /\b(?:int|void|char|struct\s+\w+\s*\*?|ssize_t|size_t)\s*\**\s*$/;
		my @a = args($t, $open);
		my $sql = defined $a[1] ? $a[1] : '';
		(my $arg = $sql) =~ s/^\s+|\s+$//g;
		(my $expanded = $arg) =~
		    s/($LIT)|($TABLE)|\b([A-Z_][A-Z0-9_]*)\b/defined $1 ? $1 :
		    defined $2 ? $2 :
		    (exists $macro{$3} ? $macro{$3} : $3)/ge;
		my $literal = $expanded =~ /^(?:$LIT\s*)+$/ ||
		    $expanded =~ /^[^"?]*\?\s*(?:$LIT\s*)+:\s*(?:$LIT\s*)+$/;
		$literal = table_literal($defs, $expanded)
		    if !$literal && $expanded =~ $TABLE &&
		    $expanded =~ /^\s*(?:(?:$LIT|$TABLE)\s*)+$/;
		if ($TEXT{$fn} && $base ne 'migrate.c') {
			report($file, $line, "$fn: the text protocol; use db_prepare");
		} elsif (($PREPARE{$fn} || $TEXT{$fn}) && !$literal &&
		    !$ALLOW{"$base $fn $arg"}) {
			report($file, $line, "$fn: SQL that is not a string literal ($arg)");
		} elsif ($BUILD{$fn}) {
			my $lits = join '', map { /$LIT/g } @a;
			report($file, $line, "$fn: builds SQL from strings")
			    if $lits =~ $SQL;
		}
	}
}
exit $bad;
