#!/bin/sh
# /init of the USB rig guest: loads the USB modules, creates the printer gadget over configfs, binds it to the
# dummy UDC (so the same kernel sees it as a host-side USB printer, driven by usblp), runs /scenario.sh, powers off.
# Everything the host test reads is printed on the serial console between @@RIG markers (see rig-lib.sh).
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
. /rig-lib.sh

echo "@@RIG-BOOTED $(cut -d' ' -f1 /proc/uptime)"
for m in $(cat /modules/order); do
  insmod "/modules/$m" || echo "@@RIG-FATAL insmod $m failed"
done
mount -t configfs configfs /sys/kernel/config || echo "@@RIG-FATAL cannot mount configfs"
gadget_create
gadget_bind
. /scenario.sh
rig_run dmesg dmesg
echo "@@RIG-DONE $(cut -d' ' -f1 /proc/uptime)"
sync
poweroff -f
