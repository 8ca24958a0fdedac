#!/usr/bin/env bash
# The USB rig: builds an initramfs from the installed Debian kernel's modules, busybox, the given programs and a
# scenario script, boots it under QEMU (TCG) and writes the guest's serial console to a log file.
#
#   rig.sh --check
#       Exit 0 when everything the rig needs is installed, 3 (with the list on stderr) when not.
#   rig.sh --work DIR --log FILE --scenario FILE [--bin PROGRAM]... [--data DIR] [--timeout SECONDS]
#       Build DIR/initramfs.cpio.gz and boot it; the guest runs /init (init.sh beside this script), which sets up
#       the printer gadget and runs the scenario. Exit status: qemu's (124 when the hard timeout hit).
#
# Needs only Debian packages: qemu-system-x86, linux-image-amd64, busybox-static, cpio (and gzip, libc-bin).
# RIG_KERNEL_ROOT=DIR looks for boot/vmlinuz-* and lib/modules/* under DIR instead of / (an unpacked .deb works).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# Host-side USB modules (usbcore, usblp), the device side (udc-core, libcomposite, f_printer) and the bridge
# between them (dummy_hcd); their dependencies come from modules.dep.
modules=(configfs usbcore udc-core libcomposite usb_f_printer dummy_hcd usblp)

die() { echo "rig.sh: $*" >&2; exit 2; }

# Prints the newest kernel release that has both a vmlinuz and a modules.dep.
find_kernel() {
  local root=${RIG_KERNEL_ROOT:-} dir ver
  for dir in $(ls -d "$root"/lib/modules/*/ 2>/dev/null | sort -rV); do
    ver=$(basename "$dir")
    if [ -r "$root/boot/vmlinuz-$ver" ] && [ -f "$dir/modules.dep" ]; then
      echo "$ver"
      return 0
    fi
  done
  return 1
}

check() {
  local missing=()
  command -v qemu-system-x86_64 >/dev/null || missing+=("qemu-system-x86 (qemu-system-x86_64)")
  find_kernel >/dev/null || missing+=("linux-image-amd64 (a readable /boot/vmlinuz-* with /lib/modules/*/modules.dep)")
  [ -x /bin/busybox ] || missing+=("busybox-static (/bin/busybox)")
  command -v cpio >/dev/null || missing+=("cpio")
  command -v gzip >/dev/null || missing+=("gzip")
  if [ ${#missing[@]} -gt 0 ]; then
    printf 'missing: %s\n' "${missing[@]}" >&2
    return 3
  fi
}

# Copies a program and the shared libraries it loads (none for a static one) into the initramfs tree.
install_program() {
  local src=$1 dest=$2 lib
  cp -L "$src" "$dest"
  # Debug builds carry hundreds of MB of DWARF that the guest only has to unpack; strip when we can.
  if command -v strip >/dev/null; then strip --strip-debug "$dest" 2>/dev/null || true; fi
  for lib in $(ldd "$src" 2>/dev/null | grep -o '/[^ ]*' || true); do
    mkdir -p "$root$(dirname "$lib")"
    [ -e "$root$lib" ] || cp -L "$lib" "$root$lib"
  done
}

# Appends module $1 (a modules.dep key) and, first, everything it depends on to the load order.
declare -A loaded=()
order=()
add_module() {
  local key=$1 dep
  [ -n "${loaded[$key]:-}" ] && return 0
  loaded[$key]=1
  for dep in ${deps[$key]}; do add_module "$dep"; done
  order+=("$key")
}

build_initramfs() {
  local ver=$1 kroot=${RIG_KERNEL_ROOT:-} moddir key rest name want found bin
  moddir="$kroot/lib/modules/$ver"
  root="$work/root"
  rm -rf "$root"
  mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,data,modules,lib64,usr/lib}
  install_program /bin/busybox "$root/bin/busybox"
  # The kernel runs /init with /bin/sh before init.sh can install the other applets.
  ln -s busybox "$root/bin/sh"

  # modules.dep: "path/name.ko[.xz|.zst|.gz]: dep1 dep2 ..."; module names match with - and _ alike.
  declare -gA deps=() by_name=()
  while IFS=: read -r key rest; do
    deps[$key]=$rest
    name=${key##*/}
    name=${name%%.ko*}
    by_name[${name//-/_}]=$key
  done <"$moddir/modules.dep"
  for want in "${modules[@]}"; do
    found=${by_name[${want//-/_}]:-}
    if [ -z "$found" ]; then
      # Built into the kernel: nothing to load.
      grep -qE "/${want//[-_]/[-_]}\.ko" "$moddir/modules.builtin" 2>/dev/null && continue
      die "kernel $ver has no module $want (neither in modules.dep nor modules.builtin)"
    fi
    add_module "$found"
  done
  : >"$root/modules/order"
  for key in "${order[@]}"; do
    name=$(basename "$key")
    case "$name" in
      *.ko.xz) xz -dc "$moddir/$key" >"$root/modules/${name%.xz}" ;;
      *.ko.zst) zstd -qdc "$moddir/$key" >"$root/modules/${name%.zst}" ;;
      *.ko.gz) gzip -dc "$moddir/$key" >"$root/modules/${name%.gz}" ;;
      *.ko) cp "$moddir/$key" "$root/modules/$name" ;;
      *) die "unexpected module file $key" ;;
    esac
    echo "${name%%.ko*}.ko" >>"$root/modules/order"
  done

  for bin in "${bins[@]}"; do install_program "$bin" "$root/bin/$(basename "$bin")"; done
  [ -n "$data" ] && cp -r "$data"/. "$root/data/"
  cp "$here/init.sh" "$root/init"
  cp "$here/rig-lib.sh" "$root/rig-lib.sh"
  cp "$scenario" "$root/scenario.sh"
  chmod 755 "$root/init"
  (cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$work/initramfs.cpio.gz"
}

work= log= scenario= data= timeout=300
bins=()
[ $# -eq 0 ] && die "usage: see the header of $0"
while [ $# -gt 0 ]; do
  case $1 in
    --check) check; exit $? ;;
    --work) work=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --scenario) scenario=$2; shift 2 ;;
    --bin) bins+=("$2"); shift 2 ;;
    --data) data=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
[ -n "$work" ] && [ -n "$log" ] && [ -n "$scenario" ] || die "--work, --log and --scenario are required"
check || exit 3
ver=$(find_kernel)
mkdir -p "$work"
work=$(cd "$work" && pwd)

start=$(date +%s%3N)
build_initramfs "$ver"
built=$(date +%s%3N)
echo "rig.sh: kernel $ver, initramfs $(du -h "$work/initramfs.cpio.gz" | cut -f1) built in $((built - start)) ms" >&2

# KVM is not usable on these machines (no vmx/svm; only kvm_pvm): TCG runs the stock Debian kernel.
# loglevel=1 keeps kernel messages from interleaving with the scenario's output; the guest prints dmesg itself.
status=0
timeout --kill-after=10 "$timeout" qemu-system-x86_64 -accel tcg -m 512 -smp 1 -nographic -no-reboot \
  -kernel "${RIG_KERNEL_ROOT:-}/boot/vmlinuz-$ver" -initrd "$work/initramfs.cpio.gz" \
  -append "console=ttyS0 panic=-1 quiet loglevel=1" </dev/null >"$log" 2>&1 || status=$?
end=$(date +%s%3N)
echo "rig.sh: guest ran $((end - built)) ms, qemu exit $status" >&2
exit $status
