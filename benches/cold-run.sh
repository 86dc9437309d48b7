#!/usr/bin/env bash
# A cold `kpiwatch run` set beside its calamine floor, round after round.
#
#   sudo benches/cold-run.sh SHARE [ROUNDS] [KPIWATCH]
#
# SHARE is a share made by `kpiwatch demo --generate N --out SHARE`; ROUNDS defaults to 5;
# KPIWATCH to target/release/kpiwatch; FLOOR=BINARY measures the floor with another build
# (one older than `bench floor --floor-only`, say). Needs root (it makes and mounts a file
# system) and util-linux's losetup.
#
# Every round gets a file system of its own: ext4, made just before the round on a loop device
# that opens its backing file (in $WORKDIR, default /var/tmp) with direct I/O, so what kpiwatch
# writes goes to the machine's disk once, as on a real disk, and nothing was ever deleted on it
# (ext4 skips recently freed inodes for a while, which slows a run made just after a delete).
# The share's inbox and configuration are copied in, then the round measures the floor
# (`kpiwatch bench floor --floor-only` on the same files), the cold run (empty ledger, every
# output folder new), and the floor again. The machine's speed drifts by a quarter from minute
# to minute, so a run is compared with the mean of the floors measured on either side of it.
set -euo pipefail

share=${1:?usage: benches/cold-run.sh SHARE [ROUNDS] [KPIWATCH]}
rounds=${2:-5}
kpiwatch=$(realpath "${3:-target/release/kpiwatch}")
floor_kpiwatch=$(realpath "${FLOOR:-$kpiwatch}")
workdir=${WORKDIR:-/var/tmp}
[ "$(id -u)" = 0 ] || { echo "cold-run.sh: run as root (it mounts a file system)" >&2; exit 2; }
[ -d "$share/inbox" ] || { echo "cold-run.sh: $share/inbox not found" >&2; exit 2; }

image=$workdir/kpiwatch-cold-run.img
mnt=$(mktemp -d)
loop=
cleanup() {
    mountpoint -q "$mnt" && umount "$mnt"
    [ -n "$loop" ] && losetup -d "$loop" 2>/dev/null
    rm -f "$image"
    rmdir "$mnt"
}
trap cleanup EXIT

floor() {
    "$floor_kpiwatch" bench floor --floor-only "$mnt/share/inbox" |
        awk '/calamine floor:/ { print $3; exit }'
}

size=$(du -sm "$share/inbox" | cut -f1)
results=()
for round in $(seq "$rounds"); do
    rm -f "$image"
    # Room for the inbox, its archive copy, receipts, summary and ledger.
    fallocate -l $((size * 3 + 512))M "$image"
    loop=$(losetup --direct-io=on --find --show "$image")
    mkfs.ext4 -q -F "$loop"
    mount "$loop" "$mnt"
    mkdir "$mnt/share"
    cp -a "$share/inbox" "$mnt/share/"
    config=()
    if [ -f "$share/kpiwatch.toml" ]; then
        cp "$share/kpiwatch.toml" "$mnt/share/"
        config=(--config "$mnt/share/kpiwatch.toml")
    fi
    sync
    before=$(floor)
    # Exit code 1 means some workbooks were rejected, as a generated share plans.
    /usr/bin/time -f "%e %U %S %M" -o "$mnt/time" \
        "$kpiwatch" run "${config[@]}" --state "$mnt/state" "$mnt/share" >/dev/null 2>&1 ||
        [ $? = 1 ]
    # The last line: a failing command gets a line of its own before it.
    read -r wall user sys rss < <(tail -n 1 "$mnt/time")
    after=$(floor)
    line=$(awk -v w="$wall" -v a="$before" -v b="$after" -v u="$user" -v s="$sys" -v r="$rss" -v n="$round" \
        'BEGIN { f = (a + b) / 2; printf "round %d: run %.2f s (user %.2f s, system %.2f s, max RSS %d MB); floor %.2f s before, %.2f s after; run / floor %.2f\n", n, w, u, s, r / 1024, a, b, w / f }')
    echo "$line"
    results+=("$wall $before $after")
    umount "$mnt"
    losetup -d "$loop"
    loop=
done

printf '%s\n' "${results[@]}" | awk '
    { run[NR] = $1; fl[NR] = ($2 + $3) / 2; ratio[NR] = $1 / fl[NR]; under += (ratio[NR] <= 2) }
    function median(a, n,    i, j, t, b) {
        for (i = 1; i <= n; i++) b[i] = a[i]
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
        return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
    }
    function lo(a, n,    i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m }
    function hi(a, n,    i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
    END {
        printf "%d rounds: run %.2f s median (%.2f-%.2f); floor %.2f s median (%.2f-%.2f); run / floor %.2f median (%.2f-%.2f), %d of %d rounds at or under 2\n",
            NR, median(run, NR), lo(run, NR), hi(run, NR), median(fl, NR), lo(fl, NR), hi(fl, NR),
            median(ratio, NR), lo(ratio, NR), hi(ratio, NR), under, NR
    }'
