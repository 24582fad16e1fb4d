#!/bin/sh
# init (PID 1) of the user-mode Linux guest used by kad's kernel tests.
# The host root is the guest root, read-only over hostfs; this script lays a tmpfs overlay on it,
# pivots into the overlay, mounts the usual pseudo file systems, the project directory and the
# run's scratch directory read-write, runs $KAD_SCRATCH/cmd.sh with stdout on tty1 and stderr
# on tty2, stores its exit code in $KAD_SCRATCH/rc and powers off.
# Environment (from the kernel command line): KAD_SCRATCH, KAD_PROJECT.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
# UML switches the FPU state of its guest's threads through a buffer that stops after the AVX
# registers (see uml-xstate.c): keep glibc's string functions and OpenSSL off AVX-512, whose
# registers would otherwise leak between the threads of one guest process.
export GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-AVX512CD
export OPENSSL_ia32cap=:~0x42d0230000
V=$(uname -r)
M=/usr/lib/uml/modules/$V

poweroff_now() {
  echo 1 > /proc/sys/kernel/sysrq 2>/dev/null
  echo o > /proc/sysrq-trigger
  sleep 10
}

mount -t proc proc /proc
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/ov/upper /run/ov/work /run/ov/root
insmod "$M/kernel/fs/overlayfs/overlay.ko" || { echo "kad-uml: insmod overlay failed" >/dev/console; poweroff_now; }
mount -t overlay overlay -o lowerdir=/,upperdir=/run/ov/upper,workdir=/run/ov/work /run/ov/root \
  || { echo "kad-uml: overlay mount failed" >/dev/console; poweroff_now; }
mkdir -p /run/ov/root/usr/lib/modules /run/ov/root/.oldroot
rm -rf "/run/ov/root/usr/lib/modules/$V"
ln -s "$M" "/run/ov/root/usr/lib/modules/$V"
umount /proc
cd /run/ov/root && pivot_root . .oldroot
cd /
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null || true
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /dev/shm
mkdir -p /run/netns "$KAD_SCRATCH" "$KAD_PROJECT"
mount -t hostfs hostfs -o "$KAD_SCRATCH" "$KAD_SCRATCH"
mount -t hostfs hostfs -o "$KAD_PROJECT" "$KAD_PROJECT"
echo 1 > /proc/sys/kernel/sysrq
ip link set lo up
stty -F /dev/tty1 raw -echo 2>/dev/null
stty -F /dev/tty2 raw -echo 2>/dev/null

cd "$KAD_PROJECT"
/bin/sh "$KAD_SCRATCH/cmd.sh" >/dev/tty1 2>/dev/tty2 </dev/null
echo $? > "$KAD_SCRATCH/rc.tmp" && mv "$KAD_SCRATCH/rc.tmp" "$KAD_SCRATCH/rc"
sync
poweroff_now
