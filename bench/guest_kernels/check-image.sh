#!/bin/sh
# Link-time guard: the image must carry only R_AARCH64_RELATIVE dynamic
# relocations (start.S applies nothing else) and the arm64 Image magic.
set -eu
elf=$1
bad=$(aarch64-linux-gnu-readelf -rW "$elf" | awk '/^[0-9a-f]+ +[0-9a-f]+ +R_AARCH64_/ && $3 != "R_AARCH64_RELATIVE" {print $3}' | sort -u)
if [ -n "$bad" ]; then
	echo "check-image: unsupported dynamic relocations: $bad" >&2
	exit 1
fi
magic=$(aarch64-linux-gnu-objcopy -O binary -j .text "$elf" /dev/stdout | dd bs=1 skip=56 count=4 2>/dev/null | od -An -c | tr -d ' ')
if [ "$magic" != "ARMd" ]; then
	printf '%s\n' "check-image: no ARM\\x64 magic at 0x38 (got '$magic')" >&2
	exit 1
fi
