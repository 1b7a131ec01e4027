#!/usr/bin/env bash
# Boot build/vtb-guest.img under Xen in QEMU and print the console.
#   run-xen.sh [--xen XEN_IMG] [--xen-args 'OPTS'] [--dom0less] [--realtime]
#              [--domu2 'BOOTARGS'] [--timeout SECS] [BOOTARGS...]
# As dom0 by default; --dom0less boots it as domain 1 with no dom0 (Xen's
# dom0less boot). --domu2 (implies --dom0less) boots a second storm guest
# as domain 2 with those boot arguments, sharing the pCPU(s) with domain 1;
# its console lines are prefixed "(d2)", and QEMU stops once both reports
# have ended. --xen-args adds Xen boot options (e.g.
# vtimer_delivery=direct, or dom0_max_vcpus=2: two dom0 vCPUs on the one
# pCPU, each running the storm). Default Xen image: the last line of
# tracing/build-xen.sh (cached build). Default clock: deterministic (icount,
# 1 insn = 1 ns). The machine and its QEMU command lines come from
# platform/machine (docs/machine.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cli_prog=run-xen.sh
. "$root/scripts/lib/cli.sh"
. "$root/platform/lib/boot.sh"
xen='' xenargs='' mode=deterministic secs=300 dom0less=0 domu2='' ndom=1
while [ $# -gt 0 ]; do
	case $1 in
	--xen) cli_need_value "$@"; xen=$2; shift 2 ;;
	--xen-args) cli_need_value "$@"; xenargs=" $2"; shift 2 ;;
	--dom0less) dom0less=1; shift ;;
	--domu2) cli_need_value "$@"; domu2=$2; dom0less=1; ndom=2; shift 2 ;;
	--realtime) mode=realtime; shift ;;
	--timeout) cli_need_value "$@"; cli_uint --timeout "$2"; secs=$2; shift 2 ;;
	-h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--) shift; break ;;
	-*) cli_usage_error "unknown option $1" ;;
	*) break ;;
	esac
done
img=$here/build/vtb-guest.img
[ -f "$img" ] || cli_usage_error "$img missing: run make -C $here"
[ -n "$xen" ] || xen=$("$root/tracing/build-xen.sh" | tail -n 1)
[ -f "$xen" ] || cli_usage_error "no Xen image at '$xen'"
bootargs=$*
xen_console="console=dtuart dtuart=/pl011@9000000 sync_console"

if [ "$dom0less" = 0 ]; then
	vtb_qemu_argv qemu --mode "$mode" --xen "$xen" --xen-args "dom0_mem=128M $xen_console$xenargs" \
		--kernel "$img" --bootargs "$bootargs" || exit 2
	vtb_boot "$secs" /dev/stdout /dev/stderr -- "${qemu[@]}" || cli_die "$vtb_boot_why"
	exit 0
fi

# dom0less: the tree Xen boots with is the machine's own (same CPUs, memory,
# GIC) plus the domain under /chosen; the guest is a raw module. Xen prints
# the domU's console_io writes as "(d1) ..." only with guest_loglvl=all.
case $bootargs$xenargs$domu2 in *\"*|*\\*) cli_usage_error "bootargs and Xen args may not contain quotes or backslashes here" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
vtb_qemu_argv dump --mode "$mode" --dumpdtb "$tmp/virt.dtb" || exit 2
"${dump[@]}" > /dev/null 2>&1 < /dev/null || cli_die "QEMU could not dump the machine's device tree"
dtc -q -I dtb -O dts -o "$tmp/virt.dts" "$tmp/virt.dtb"
# One /chosen/domUN node per domain, each with its own copy of the image
# (16 MiB apart) as its kernel module.
size=$(stat -c %s "$img")
loaders=()
domus=''
for n in $(seq 1 "$ndom"); do
	modaddr=$(printf '0x%x' $((0x4a000000 + (n - 1) * 0x1000000)))
	args=$bootargs
	[ "$n" = 1 ] || args=$domu2
	loaders+=(--loader "$img@$modaddr")
	domus+="
		domU$n {
			compatible = \"xen,domain\";
			#address-cells = <1>;
			#size-cells = <1>;
			memory = <0 131072>;
			cpus = <1>;
			module@${modaddr#0x} {
				compatible = \"multiboot,kernel\", \"multiboot,module\";
				reg = <$modaddr $size>;
				bootargs = \"$args\";
			};
		};"
done
cat >> "$tmp/virt.dts" <<DTS
/ {
	chosen {
		xen,xen-bootargs = "$xen_console guest_loglvl=all$xenargs";$domus
	};
};
DTS
dtc -q -I dts -O dtb -o "$tmp/domu.dtb" "$tmp/virt.dts"
vtb_qemu_argv qemu --mode "$mode" --dtb "$tmp/domu.dtb" --xen "$xen" "${loaders[@]}" || exit 2
# A domU's SYSTEM_OFF ends the domain, not the machine: stop QEMU once every
# domain's report E line (or an error line) has appeared.
end='@VTB [0-9]* [0-9]* E |vtb-guest: error'
if [ "$ndom" = 1 ]; then
	rc=0
	vtb_boot --until "$end" "$secs" "$tmp/console" "$tmp/console" -- "${qemu[@]}" || rc=1
	cat "$tmp/console"
	[ "$rc" = 0 ] || cli_die "$vtb_boot_why"
	grep -q "@VTB [0-9]* [0-9]* E " "$tmp/console" || exit 1
	exit 0
fi
# vtb_boot's --until stops at the first match; here it takes one per domain.
timeout -k 10 "$secs" "${qemu[@]}" < /dev/null > "$tmp/console" 2>&1 &
pid=$!
stopped=0
while kill -0 "$pid" 2>/dev/null; do
	if [ "$(grep -Eac -- "$end" "$tmp/console")" -ge "$ndom" ]; then
		sleep 1
		kill "$pid" 2>/dev/null
		stopped=1
		break
	fi
	sleep 1
done
wait "$pid" 2>/dev/null
cat "$tmp/console"
[ "$stopped" = 1 ] || cli_die "QEMU ended (or timed out after ${secs}s) before $ndom domains reported"
[ "$(grep -c "@VTB [0-9]* [0-9]* E " "$tmp/console")" -ge "$ndom" ] || exit 1
