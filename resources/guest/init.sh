#!/bin/sh
# /init of the iovlab guest (initramfs). The kernel runs it as PID 1; it prepares the system and
# then hands PID 1 to busybox init (/etc/inittab), which reaps orphans, respawns the SSH server
# and turns `poweroff` into a clean shutdown (sync, kill, power off through ACPI).
#
# Kernel command line (read from /proc/cmdline; dotted names never reach init's argv/env):
#   iovlab.ip=ADDR/PREFIX  address of the first NIC      iovlab.gw=ADDR  default gateway
#   iovlab.hostname=NAME                                  iovlab.probe=1  print the marker, power off
# Keys come through QEMU's fw_cfg (-fw_cfg name=opt/iovlab/...): authorized_keys and host_key,
# so private material never appears on the QEMU command line.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /run /tmp /var/log /var/run
mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
exec </dev/null >/dev/console 2>&1

say() { echo "iovlab-guest: $*"; }

ip_cidr='' gateway='' probe='' name='iovlab-guest'
# shellcheck disable=SC2013 # the command line is split into words on purpose
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    iovlab.ip=*) ip_cidr=${arg#*=} ;;
    iovlab.gw=*) gateway=${arg#*=} ;;
    iovlab.hostname=*) name=${arg#*=} ;;
    iovlab.probe=1) probe=1 ;;
  esac
done

# The accelerator probe only needs proof that the kernel reached user space.
if [ -n "$probe" ]; then
  say "IOVLAB-PROBE-OK $(uname -r)"
  poweroff -f
fi

# A guest with too little memory gets a truncated root file system: say so instead of half-working.
if dmesg | grep -q 'Initramfs unpacking failed'; then
  say "IOVLAB-FATAL the initramfs did not fit in the guest's memory: $(dmesg | grep 'Initramfs unpacking failed')"
  poweroff -f
fi

hostname "$name"
kver=$(uname -r)
# Each line: a module path under /lib/modules/<release>/ and its options; dependencies come first.
load_modules() {
  while read -r mod opts; do
    [ -n "$mod" ] || continue
    # shellcheck disable=SC2086 # options are separate words
    insmod "/lib/modules/$kver/$mod" $opts 2>/dev/null || say "module $mod did not load"
  done < "$1"
}

# NIC drivers first: the link negotiates (e1000 takes ~2 s) while the storage drivers probe.
load_modules /etc/iovlab/modules.early
ip link set lo up
nic=''
for dev in /sys/class/net/*; do
  dev=${dev##*/}
  [ "$dev" = lo ] || { nic=$dev; break; }
done
if [ -n "$nic" ] && [ -n "$ip_cidr" ]; then
  ip addr add "$ip_cidr" dev "$nic"
  ip link set "$nic" up
  [ -n "$gateway" ] && ip route add default via "$gateway"
else
  say "no network configured (nic='$nic' iovlab.ip='$ip_cidr')"
fi
# scsi_mod is loaded with scan=sync (MODULE_OPTIONS), so these return only once their disks exist.
load_modules /etc/iovlab/modules.late

# Declare readiness only with a carrier: a host that connects earlier loses its SYNs and waits
# for TCP's retransmission timer.
if [ -n "$nic" ]; then
  tries=0
  while [ "$(cat "/sys/class/net/$nic/carrier" 2>/dev/null)" != 1 ] && [ "$tries" -lt 100 ]; do
    sleep 0.1
    tries=$((tries + 1))
  done
fi

fwcfg=/sys/firmware/qemu_fw_cfg/by_name/opt/iovlab
mkdir -p /root/.ssh /etc/dropbear
chmod 700 /root /root/.ssh
[ -r "$fwcfg/authorized_keys/raw" ] && cat "$fwcfg/authorized_keys/raw" > /root/.ssh/authorized_keys
[ -r "$fwcfg/host_key/raw" ] && cat "$fwcfg/host_key/raw" > /etc/dropbear/host_key
chmod 600 /root/.ssh/authorized_keys /etc/dropbear/host_key 2>/dev/null
[ -s /root/.ssh/authorized_keys ] || say "no authorized_keys in fw_cfg: SSH logins will fail"
# Without a host key from the host, dropbear -R makes one (the host then cannot pin it in advance).
if [ -s /etc/dropbear/host_key ]; then
  echo "::respawn:/usr/sbin/dropbear -F -E -s -p 22 -r /etc/dropbear/host_key" >> /etc/inittab
else
  echo "::respawn:/usr/sbin/dropbear -F -E -s -p 22 -R" >> /etc/inittab
fi

say "IOVLAB-READY nic=$nic ip=$ip_cidr"
exec /bin/busybox init
