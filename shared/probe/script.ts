// The node probe: one POSIX sh script, sent on stdin of `sh -s` over SSH, whose output
// parseProbeOutput (./parse.ts) turns into NodeFacts. Its output protocol:
//   @@IOVLAB:probe:1@@               header with the format version
//   @@IOVLAB:section:NAME@@          starts a section; its lines follow
//   @@IOVLAB:error:TEXT@@            something the section could not learn, and why
//   @@IOVLAB:end@@                   the script ran to its end (absent → output was cut)
// Free-form text copied from the node (release files, tool output) goes through `emit`, which
// shifts any line starting with "@@IOVLAB" by one space so it cannot pass for a marker.
//
// Rules the script keeps (a probe must work on any Linux a sysadmin points it at):
// - POSIX sh only: dash, bash and busybox ash (checked with `shellcheck -s sh` in the tests);
// - never reads stdin: the rest of the script is still arriving there, so every command runs
//   with </dev/null (and `probe_main` itself is called with </dev/null);
// - every tool is run by its full path, bounded in time (timeout, or a sleep watchdog when
//   there is no timeout), and never with sudo;
// - never fails as a whole: each section runs in its own subshell and reports its own errors.
// Note: `\${` and `\\` below are TypeScript template escapes for `${` and `\`.

export const PROBE_FORMAT_VERSION = 1;

export const PROBE_SCRIPT = `# iovlab node probe, format ${PROBE_FORMAT_VERSION}
LC_ALL=C; export LC_ALL
PATH=\${PATH:-/usr/local/bin:/usr/bin:/bin}
# Non-login SSH sessions often lack the sbin directories where libvirtd and friends live.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin" ;; esac
case ":$PATH:" in *:/sbin:*) ;; *) PATH="$PATH:/sbin" ;; esac
export PATH
M=@@IOVLAB

sec() { printf '%s:section:%s@@\\n' "$M" "$1"; }
err() { printf '%s:error:%s@@\\n' "$M" "$1"; }

# Copies at most $1 lines of stdin, shifting lines that could pass for a marker.
emit() {
  e_max=$1; e_n=0
  while [ "$e_n" -lt "$e_max" ] && { IFS= read -r e_l || [ -n "$e_l" ]; }; do
    case $e_l in "$M"*) e_l=" $e_l" ;; esac
    printf '%s\\n' "$e_l"
    e_n=$((e_n + 1))
  done
}

# Prints the first line of file $1, or nothing when it cannot be read (e.g. the speed of a
# virtual link, where the kernel answers EINVAL).
rd() { r_v=; { IFS= read -r r_v <"$1"; } 2>/dev/null; printf '%s' "$r_v"; }

# Prints the full path of the first executable $1 on PATH. A PATH walk rather than
# \`command -v\`, because busybox ash answers a bare applet name for dd, iostat, ...
find_tool() {
  f_old=$IFS; IFS=:; set -f
  for f_d in $PATH; do
    if [ -n "$f_d" ] && [ -f "$f_d/$1" ] && [ -x "$f_d/$1" ]; then
      IFS=$f_old; set +f; printf '%s\\n' "$f_d/$1"; return 0
    fi
  done
  IFS=$f_old; set +f; return 1
}

if timeout 5 true </dev/null >/dev/null 2>&1; then TO=plain
elif timeout -t 5 true </dev/null >/dev/null 2>&1; then TO=dasht
else TO=none
fi

# Runs "$@" for at most $1 seconds with stdin closed.
bounded() {
  b_s=$1; shift
  case $TO in
    plain) timeout "$b_s" "$@" </dev/null ;;
    dasht) timeout -t "$b_s" "$@" </dev/null ;;
    *)
      "$@" </dev/null &
      b_pid=$!
      (
        trap 'kill "$b_sl" 2>/dev/null; exit 0' TERM
        sleep "$b_s" & b_sl=$!
        wait "$b_sl" && kill -9 "$b_pid"
      ) </dev/null >/dev/null 2>&1 &
      b_dog=$!
      wait "$b_pid"; b_rc=$?
      kill "$b_dog" 2>/dev/null
      return "$b_rc" ;;
  esac
}

sec_release() {
  sec release
  for r_f in /etc/os-release /usr/lib/os-release /etc/lsb-release /etc/redhat-release \\
    /etc/centos-release /etc/SuSE-release /etc/debian_version; do
    if [ -r "$r_f" ]; then echo "file=$r_f"; emit 60 <"$r_f"; return 0; fi
  done
  err "no /etc/os-release or other release file; distribution unknown"
}

sec_uname() {
  sec uname
  if u_r=$(uname -r 2>/dev/null); then echo "kernel=$u_r"; else err "uname -r failed; kernel unknown"; fi
  if u_m=$(uname -m 2>/dev/null); then echo "arch=$u_m"; else err "uname -m failed; architecture unknown"; fi
}

# Prints the first processor's block (model, flags) and any block that is not a processor's
# (ARM puts "Hardware" at the end); counts processors on the way.
sec_cpuinfo() {
  sec cpuinfo
  c_n=0; c_blk=0; c_new=1; c_show=1
  if [ -r /proc/cpuinfo ]; then
    while IFS= read -r c_l || [ -n "$c_l" ]; do
      if [ -z "$c_l" ]; then c_new=1; continue; fi
      case $c_l in processor*) c_n=$((c_n + 1)); c_isproc=1 ;; *) c_isproc=0 ;; esac
      if [ "$c_new" = 1 ]; then
        c_blk=$((c_blk + 1)); c_new=0; c_show=0
        if [ "$c_blk" = 1 ] || [ "$c_isproc" = 0 ]; then c_show=1; fi
      fi
      if [ "$c_show" = 1 ]; then printf '%s\\n' "$c_l"; fi
    done </proc/cpuinfo
  else
    err "/proc/cpuinfo is not readable; CPU model and flags unknown"
  fi
  sec cpus
  echo "processors=$c_n"
  if c_on=$(nproc 2>/dev/null) || c_on=$(getconf _NPROCESSORS_ONLN 2>/dev/null); then echo "online=$c_on"; fi
}

sec_memory() {
  sec memory
  if [ ! -r /proc/meminfo ]; then err "/proc/meminfo is not readable; memory size unknown"; return 0; fi
  while IFS= read -r m_l; do
    case $m_l in MemTotal:*) printf '%s\\n' "$m_l"; return 0 ;; esac
  done </proc/meminfo
  err "/proc/meminfo has no MemTotal line"
}

sec_kvm() {
  sec kvm
  if [ -e /dev/kvm ]; then
    echo "present=1"
    if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then echo "access=rw"; else echo "access=none"; fi
  else
    echo "present=0"
  fi
}

# What makes the same measurement vary: a VM (the CPU's hypervisor flag) whose virtio-balloon
# device offers free page reporting (feature bit 5), which hands freed guest memory back to the
# hypervisor, so that every later page-cache fill faults it in again. page_reporting_order is
# the smallest free block reported (the largest order, 10 on x86, all but stops it).
sec_vmnoise() {
  sec vmnoise
  if [ -r /proc/cpuinfo ]; then
    v_h=0
    while IFS= read -r v_l; do
      case $v_l in flags*) case " $v_l " in *" hypervisor "*) v_h=1 ;; esac; break ;; esac
    done </proc/cpuinfo
    echo "hypervisor=$v_h"
  fi
  v_r=0
  for v_d in /sys/bus/virtio/drivers/virtio_balloon/virtio*; do
    [ -r "$v_d/features" ] || continue
    IFS= read -r v_f <"$v_d/features" || continue
    case $v_f in ?????1*) v_r=1 ;; esac
  done
  echo "reporting=$v_r"
  v_o=/sys/module/page_reporting/parameters/page_reporting_order
  if [ -r "$v_o" ] && IFS= read -r v_n <"$v_o"; then echo "order=$v_n"; fi
}

sec_lsblk() {
  sec lsblk
  if ! l_p=$(find_tool lsblk); then err "lsblk is not installed (package util-linux); block devices unknown"; return 0; fi
  # MOUNTPOINTS came with util-linux 2.37, JSON with 2.27; older ones only have -P pairs.
  if l_o=$(bounded 5 "$l_p" -J -b -o NAME,SIZE,MODEL,MOUNTPOINTS,FSTYPE,TYPE 2>/dev/null); then echo "format=json"
  elif l_o=$(bounded 5 "$l_p" -J -b -o NAME,SIZE,MODEL,MOUNTPOINT,FSTYPE,TYPE 2>/dev/null); then echo "format=json"
  elif l_o=$(bounded 5 "$l_p" -P -b -o NAME,SIZE,MODEL,MOUNTPOINT,FSTYPE,TYPE,PKNAME 2>/dev/null); then echo "format=pairs"
  else
    l_e=$(bounded 5 "$l_p" -J -b 2>&1 | emit 1)
    err "lsblk failed: $l_e"; return 0
  fi
  printf '%s\\n' "$l_o" | emit 100000
}

sec_nics() {
  sec nics
  if [ ! -d /sys/class/net ]; then err "/sys/class/net is missing; network interfaces unknown"; return 0; fi
  for n_d in /sys/class/net/*; do
    [ -e "$n_d" ] || continue
    printf 'nic=%s mtu=%s speed=%s state=%s mac=%s\\n' "\${n_d##*/}" "$(rd "$n_d/mtu")" \\
      "$(rd "$n_d/speed")" "$(rd "$n_d/operstate")" "$(rd "$n_d/address")"
  done
}

# tool NAME SECONDS VERSION-ARGS...: where NAME is, and what its version command prints.
tool() {
  t_n=$1; t_s=$2; shift 2
  sec "tool.$t_n"
  if ! t_p=$(find_tool "$t_n"); then echo "path="; return 0; fi
  echo "path=$t_p"
  [ "$#" -gt 0 ] || return 0
  t_o=$(bounded "$t_s" "$t_p" "$@" 2>&1)
  echo "exit=$?"
  printf '%s\\n' "$t_o" | emit 20
}

# Only a running Xen dom0 knows its Xen version; its sysfs needs no root, unlike \`xl info\`.
tool_xl() {
  sec tool.xl
  if ! x_p=$(find_tool xl); then echo "path="; return 0; fi
  echo "path=$x_p"
  if [ "$(rd /sys/hypervisor/type)" = xen ]; then
    echo "exit=0"
    echo "xen_version : $(rd /sys/hypervisor/version/major).$(rd /sys/hypervisor/version/minor)$(rd /sys/hypervisor/version/extra)"
  fi
}

# Eucalyptus counts as present with its config file or any euca-* command on PATH.
tool_eucalyptus() {
  sec tool.eucalyptus
  if [ -f /etc/eucalyptus/eucalyptus.conf ]; then
    echo "path=/etc/eucalyptus/eucalyptus.conf"
    if [ -r /etc/eucalyptus/eucalyptus-version ]; then echo "exit=0"; emit 5 </etc/eucalyptus/eucalyptus-version; fi
    return 0
  fi
  g_old=$IFS; IFS=:
  for g_d in $PATH; do
    IFS=$g_old
    [ -n "$g_d" ] || continue
    for g_f in "$g_d"/euca-*; do
      if [ ! -f "$g_f" ] || [ ! -x "$g_f" ]; then continue; fi
      echo "path=$g_f"
      if [ -x "$g_d/euca-version" ]; then
        g_o=$(bounded 5 "$g_d/euca-version" 2>&1)
        echo "exit=$?"
        printf '%s\\n' "$g_o" | emit 5
      fi
      return 0
    done
  done
  IFS=$g_old
  echo "path="
}

sec_tools() {
  ( tool qemu-system-x86_64 5 --version )
  ( tool qemu-img 5 --version )
  ( tool qemu-nbd 5 --version )
  # vblade (ATA over Ethernet target) has no version flag: presence only.
  ( tool vblade 5 )
  ( tool virsh 5 --version )
  ( tool libvirtd 5 --version )
  ( tool_xl )
  ( tool_eucalyptus )
  ( tool fio 5 --version )
  ( tool dd 5 --version )
  ( tool iostat 5 -V )
  ( tool iperf3 5 --version )
  ( tool netperf 5 -V )
  # Not run: an old netserver that does not know -V would start a daemon; the parser
  # takes netperf's version, as both always ship in one package.
  ( tool netserver 5 )
  # hadoop starts a JVM, which needs more time than the others.
  ( tool hadoop 15 version )
}

probe_main() {
  printf '%s:probe:${PROBE_FORMAT_VERSION}@@\\n' "$M"
  ( sec_release ); ( sec_uname ); ( sec_cpuinfo ); ( sec_memory ); ( sec_kvm ); ( sec_vmnoise )
  ( sec_lsblk ); ( sec_nics ); ( sec_tools )
  printf '%s:end@@\\n' "$M"
}

probe_main </dev/null
exit 0
`;
