# The USB rig's scenarios, run in sequence by the guest's /init after the printer gadget is bound (busybox sh,
# helpers from rig-lib.sh). tests/usb_rig.rs reads each step's section and the jobs the fake printer received.
# /data/postings.json is the test's input: three packed Ozon postings, which shiplabel print renders itself.

URI=usb://0416:5011
LABELS=/data/postings.json

# 0. Rig self-test without shiplabel: through usblp, a TSPL job reaches the fake printer byte for byte and a
#    status query is answered on the bulk IN endpoint.
printer_start selftest --lang tspl
rig_run selftest.state usblp_state
rig_run selftest.write sh -c "printf 'SIZE 75 mm,120 mm\r\nCLS\r\nPRINT 1,1\r\n' >/dev/usb/lp0"
# Query and read in one open: usblp submits a read on open, and a reply caught by one opener is lost at close.
rig_run selftest.status sh -c 'exec 3<>/dev/usb/lp0; printf "\033!?" >&3; timeout 5 dd bs=1 count=1 <&3 2>/dev/null | od -An -tx1'
printer_stop selftest

# 1. shiplabel printers lists the gadget.
printer_start printers --lang tspl
rig_run printers shiplabel printers
printer_stop printers

# 2. and 6. Three labels in TSPL over usb://; afterwards usblp is bound again and another program can print
#    through /dev/usb/lp0 (its bytes end the job file).
printer_start tspl --lang tspl
rig_run tspl.print shiplabel print $LABELS --printer "$URI" --profile xprinter-xp420b
rig_run tspl.after usblp_state
rig_run tspl.lp0 sh -c "printf 'AFTER-JOB\r\n' >/dev/usb/lp0"
sleep 1
printer_stop tspl

# 3. The same in ESC/POS and in ZPL.
printer_start escpos --lang escpos
rig_run escpos.print shiplabel print $LABELS --printer "$URI" --profile escpos-80mm
printer_stop escpos
printer_start zpl --lang zpl
rig_run zpl.print shiplabel print $LABELS --printer "$URI" --profile zebra-gk420d
printer_stop zpl

# 4. Paper empty (port status and <ESC>!? both say so): the print is refused before any label is sent.
printer_start paper --lang tspl --paper-empty
rig_run paper.print shiplabel print $LABELS --printer "$URI" --profile xprinter-xp420b
printer_stop paper

# 5. The printer stops reading 1 KiB into the second label: the write times out and the error names the labels
#    that did not print. The byte count comes from the same job written to a file; --timeout 5 instead of the
#    default 30 s keeps the rig short (TCG on a loaded machine still moves a chunk well within it).
rig_run stall.size sh -c "shiplabel print $LABELS --profile xprinter-xp420b --output /tmp/all.tspl && wc -c </tmp/all.tspl"
STALL_AFTER=$(($(wc -c </tmp/all.tspl 2>/dev/null || echo 0) / 3 + 1024))
printer_start stall --lang tspl --stall-after "$STALL_AFTER"
rig_run stall.print shiplabel print $LABELS --printer "$URI" --profile xprinter-xp420b --timeout 5
printer_stop stall
