#!/bin/bash
# Build the libFuzzer harnesses with clang into $1 (a directory).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
mkdir -p "$out"
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -I$src/src
    $(pkg-config --cflags json-c libcrypto uchardet)"
libs="$(pkg-config --libs json-c libcrypto uchardet) -lcsv"
common="$src/src/xmalloc.c $src/src/log.c $src/src/buf.c"
build() {
	clang $cflags -o "$out/$1" "$src/tests/fuzz/$1.c" $common "${@:2}" $libs
}
build fuzz_csvin "$src/src/csvin.c" "$src/src/textenc.c"
build fuzz_multipart "$src/src/multipart.c"
# manifest_decode checks the options again: options.c, and the mapping
# (mapping.c, suggest.c, columns.c), the encoding (textenc.c) and conf
build fuzz_manifest "$src/src/manifest.c" "$src/src/normalize.c" \
    "$src/src/options.c" "$src/src/mapping.c" "$src/src/suggest.c" \
    "$src/src/columns.c" "$src/src/textenc.c" "$src/src/conf.c"
build fuzz_normalize "$src/src/normalize.c"
