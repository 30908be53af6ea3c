echo "== what protects this container (read from the kernel, inside it) =="
echo "uid map (container host count): $(cat /proc/self/uid_map | tr -s ' ')"
echo "running as: $(id)"
grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status
if touch /probe 2>/dev/null; then echo "root filesystem: WRITABLE"; else echo "root filesystem: read-only ($(touch /probe 2>&1 | sed 's/.*: //'))"; fi
touch /tmp/probe && echo "/tmp: writable tmpfs ($(df -h /tmp | awk 'NR==2{print $2}'))"
for f in /proc/kcore /proc/keys /proc/timer_list; do [ -e $f ] && echo "$f: masked ($(stat -c '%F %t:%T' $f), $(wc -c < $f) bytes)"; done
for f in /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max; do [ -r $f ] && echo "memory limit: $(cat $f)"; done
for f in /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max; do [ -r $f ] && echo "pids limit: $(cat $f)"; done
echo "network: $(ls /sys/class/net | tr '\n' ' ')"
