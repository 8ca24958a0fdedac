# Rig self-test without shiplabel: the fake printer receives a TSPL job written through usblp.
printer_start probe --lang tspl
rig_run probe.state usblp_state
rig_run probe.write sh -c "printf 'SIZE 75 mm,120 mm\r\nCLS\r\nPRINT 1,1\r\n' >/dev/usb/lp0"
sleep 1
printer_stop probe
