# Helpers for the USB rig guest, sourced by /init and used by /scenario.sh (busybox sh).
#
# Console protocol read by tests/usb_rig.rs:
#   @@RIG-BEGIN name t=S / @@RIG-END name rc=N t=S   text output of a step, its exit status, guest uptimes
#   @@RIG-FILE-BEGIN name / @@RIG-FILE-END name  a file, base64
#   @@RIG-FATAL message                        the rig itself failed
#   @@RIG-DONE uptime                          the scenario script finished

G=/sys/kernel/config/usb_gadget/g1
F=$G/functions/printer.g_printer0
# The IEEE-1284 device ID. f_printer sends strlen(pnp_string) bytes INCLUDING its 2-byte length header, so the last
# two characters never reach the host: pad with two spaces to deliver the whole ID.
PNP_STRING='MFG:Xprinter;CMD:TSPL,ESC/POS;MDL:XP-365B;CLS:PRINTER;  '
RIG_PRINTER_PID=

rig_uptime() { cut -d' ' -f1 /proc/uptime; }
rig_begin() { echo "@@RIG-BEGIN $1 t=$(rig_uptime)"; }
rig_end() { echo "@@RIG-END $1 rc=$2 t=$(rig_uptime)"; }

# rig_run NAME COMMAND...: runs COMMAND, its stdout and stderr between markers with its exit status.
rig_run() {
  _name=$1
  shift
  rig_begin "$_name"
  "$@" 2>&1
  _rc=$?
  rig_end "$_name" "$_rc"
  return 0
}

# rig_file NAME PATH: the file's bytes, base64.
rig_file() {
  echo "@@RIG-FILE-BEGIN $1"
  [ -f "$2" ] && base64 "$2"
  echo "@@RIG-FILE-END $1"
}

gadget_create() {
  mkdir -p "$G/strings/0x409" "$G/configs/c.1/strings/0x409" "$F" || { echo "@@RIG-FATAL configfs gadget"; return 1; }
  echo 0x0416 >"$G/idVendor"
  echo 0x5011 >"$G/idProduct"
  echo 0x0200 >"$G/bcdUSB"
  echo "Xprinter" >"$G/strings/0x409/manufacturer"
  echo "XP-365B" >"$G/strings/0x409/product"
  echo "RIG0001" >"$G/strings/0x409/serialnumber"
  echo "printer" >"$G/configs/c.1/strings/0x409/configuration"
  printf '%s' "$PNP_STRING" >"$F/pnp_string"
  # Two 8 KiB requests queued on the OUT endpoint: a stalled printer holds at most 16 KiB of a job, so a host
  # write that does not fit times out (the default of 10 would swallow a whole 72 KiB label).
  echo 2 >"$F/q_len"
  ln -s "$F" "$G/configs/c.1/"
}

# Binds the gadget to the first UDC (dummy_udc.0) and waits for usblp to create /dev/usb/lp0.
gadget_bind() {
  ls /sys/class/udc | head -n 1 >"$G/UDC" || echo "@@RIG-FATAL cannot bind the gadget to a UDC"
  wait_for /dev/usb/lp0 20 || echo "@@RIG-FATAL /dev/usb/lp0 did not appear"
}

# Unbinding resets f_printer: queued data of a previous scenario is dropped, the host sees a disconnect.
gadget_unbind() {
  echo "" >"$G/UDC"
  _i=0
  while [ -e /dev/usb/lp0 ] && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
}

# wait_for PATH SECONDS
wait_for() {
  _i=0
  while [ ! -e "$1" ]; do
    [ $_i -ge $(($2 * 10)) ] && return 1
    sleep 0.1
    _i=$((_i + 1))
  done
  return 0
}

# printer_start NAME ARGS...: starts the fake printer, its job stored in /tmp/NAME.job.
printer_start() {
  _pname=$1
  shift
  gadget-printer --out "/tmp/$_pname.job" "$@" 2>"/tmp/$_pname.gadget.log" &
  RIG_PRINTER_PID=$!
  # It logs "ready" once the device is open and the port status is set.
  _i=0
  while ! grep -q ready "/tmp/$_pname.gadget.log" 2>/dev/null && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
}

# printer_stop NAME: stops the fake printer and prints its log (NAME.gadget) and job (NAME.job).
printer_stop() {
  kill -TERM "$RIG_PRINTER_PID" 2>/dev/null
  wait "$RIG_PRINTER_PID"
  _rc=$?
  rig_begin "$1.gadget"
  cat "/tmp/$1.gadget.log"
  rig_end "$1.gadget" "$_rc"
  rig_file "$1.job" "/tmp/$1.job"
}

# The kernel driver bound to the printer interface, and whether /dev/usb/lp0 exists.
usblp_state() {
  for _d in /sys/bus/usb/devices/*; do
    [ "$(cat "$_d/bInterfaceClass" 2>/dev/null)" = "07" ] || continue
    if [ -e "$_d/driver" ]; then
      echo "interface $(basename "$_d") driver=$(basename "$(readlink "$_d/driver")")"
    else
      echo "interface $(basename "$_d") driver=none"
    fi
  done
  if [ -e /dev/usb/lp0 ]; then echo "lp0=present"; else echo "lp0=absent"; fi
}
