#!/bin/sh
# Mechanical Python 3 port of Xen's (Python 2) tools/xentrace/xentrace_format,
# for the cross-check only: 2to3, binary stdin, and the one except clause 2to3
# cannot translate. The parsing logic is Xen's, untouched.
# usage: xentrace_format_py3.sh SRC OUT
set -eu
src=$1 out=$2
cp "$src" "$out"
python3 -W ignore -m lib2to3 -w -n "$out" >/dev/null 2>&1
sed -i -e 's/sys\.stdin\.read(/sys.stdin.buffer.read(/' \
       -e 's/^\( *\)except IOError as xxx_todo_changeme.*$/\1except IOError: sys.exit()/' "$out"
python3 -c 'import ast,sys; ast.parse(open(sys.argv[1]).read())' "$out"
