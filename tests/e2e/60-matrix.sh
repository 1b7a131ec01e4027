#!/usr/bin/env bash
# End-to-end: the short correctness matrix of both delivery paths
# (tests/matrix.sh; `make soak` runs it with 10^6 ticks a cell).
exec "$(dirname "$0")/../matrix.sh" --ticks 500
