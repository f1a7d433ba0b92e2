$| = 1;
my $n = shift;
print "$_\n" for 1 .. $n;
open(my $f, ">", "plfile") or die "plfile: $!";
select((select($f), $| = 1)[0]);
print $f "f $_\n" for 1 .. $n;
close($f) or die "close: $!";
printf "%s\n", "end";
