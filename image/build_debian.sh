#!/bin/bash
# Builds the plain-Debian image the VM test boots, from Debian's archive alone (these machines
# reach it, not Raspberry Pi's): debootstrap with what pi-gen's stages 0-2 would give
# (image/debian/packages), then OpenSkyLab's pi-gen stage (image/stage-openskylab) run by
# pi-gen's own rules (NN-debconf, NN-packages-nr, NN-packages, NN-run.sh, NN-run-chroot.sh, in
# order, sub-stage by sub-stage, on_chroot for the chroot side), then the VM test's hooks
# (image/debian/files) and an ext4 disk image made without a loop mount.
#
# usage: image/build_debian.sh OUT_DIR
# writes OUT_DIR/rootfs.img (raw ext4, the whole disk), OUT_DIR/vmlinuz, OUT_DIR/initrd.img
# (booted with qemu -kernel/-initrd) and OUT_DIR/build.txt.
#
# Environment: ARCH (amd64, or arm64 where binfmt_misc runs aarch64 binaries), SUITE (bookworm),
# DEBIAN_MIRROR (default: the host's own Debian source), CACHE_DIR (the debootstrap tarball and
# downloaded .debs, kept between builds), OPENSKYLAB_RELEASE (a release tarball to bake in;
# default none: the VM test installs the build under test at boot).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:?usage: image/build_debian.sh OUT_DIR}")
arch=${ARCH:-amd64}
suite=${SUITE:-bookworm}
cache=${CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/openskylab-build}
export OPENSKYLAB_RELEASE=${OPENSKYLAB_RELEASE:-none}

log() { printf '[build_debian %(%T)T] %s\n' -1 "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# The Debian mirror this host already uses, so no address is written into the project.
host_mirror() {
	local uri
	uri=$(awk -v suite="$suite" '
		/^URIs:/ { uris = $2 }
		/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) found = uris }
		/^$/ { uris = "" }
		END { print found }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
	if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
		uri=$(awk -v suite="$suite" '$1 == "deb" && $3 == suite { print $2; exit }' /etc/apt/sources.list)
	fi
	printf '%s' "$uri"
}
mirror=${DEBIAN_MIRROR:-$(host_mirror)}
[ -n "$mirror" ] || die "no Debian mirror for $suite: set DEBIAN_MIRROR"

# pi-gen's remove-comments.sed: drop comments, one line of space-separated names.
package_list() { sed -e 's/#.*//' "$@" | tr -s '[:space:]' ' ' | sed -e 's/^ //; s/ $//'; }

base_packages="$(package_list "$here/debian/packages") linux-image-$arch"
key=$(printf '%s\n' "$suite" "$arch" "$base_packages" | sha256sum | cut -c1-16)
tarball="$cache/debootstrap-$suite-$arch-$key.tgz"
apt_cache="$cache/apt-$suite-$arch"
mkdir -p "$cache" "$apt_cache/partial" "$out"

foreign=()
case "$arch" in
amd64) [ "$(uname -m)" = x86_64 ] || die "amd64 images are built on x86_64" ;;
arm64)
	if [ "$(uname -m)" != aarch64 ]; then
		[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] ||
			die "arm64 needs binfmt_misc with qemu-aarch64 (mount binfmt_misc; update-binfmts --enable qemu-aarch64)"
		foreign=(--foreign)
	fi
	;;
*) die "ARCH must be amd64 or arm64, not $arch" ;;
esac

if [ ! -f "$tarball" ]; then
	log "downloading the $suite/$arch base into $tarball"
	scratch=$(mktemp -d)
	debootstrap --arch="$arch" --variant=minbase --include="${base_packages// /,}" \
		--make-tarball="$tarball.part" "$suite" "$scratch" "$mirror" >&2
	rm -rf "$scratch"
	mv "$tarball.part" "$tarball"
fi

work="$out/work"
ROOTFS_DIR="$work/rootfs"
export ROOTFS_DIR
mounted=()
unmount_all() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
	mounted=()
}
trap unmount_all EXIT
bind() { # SOURCE TARGET [mount options…]
	mkdir -p "$2"
	mount "${@:3}" "$1" "$2"
	mounted+=("$2")
}

rm -rf "$work"
mkdir -p "$ROOTFS_DIR"
log "unpacking the base system"
debootstrap --arch="$arch" --variant=minbase --include="${base_packages// /,}" --foreign \
	--unpack-tarball="$tarball" "$suite" "$ROOTFS_DIR" "$mirror" >&2
# Before the second stage builds the first initramfs: only what a qemu VM's root needs.
install -D -m 0644 "$here/debian/files/initramfs-modules" "$ROOTFS_DIR/etc/initramfs-tools/modules"
mkdir -p "$ROOTFS_DIR/etc/initramfs-tools/conf.d"
echo "MODULES=list" >"$ROOTFS_DIR/etc/initramfs-tools/conf.d/openskylab-vm"
if [ ${#foreign[@]} -gt 0 ]; then cp /usr/bin/qemu-aarch64-static "$ROOTFS_DIR/usr/bin/"; fi
log "configuring the base system (debootstrap's second stage)"
chroot "$ROOTFS_DIR" /debootstrap/debootstrap --second-stage >&2

bind proc "$ROOTFS_DIR/proc" -t proc
bind /sys "$ROOTFS_DIR/sys" --bind
bind /dev "$ROOTFS_DIR/dev" --bind
bind /dev/pts "$ROOTFS_DIR/dev/pts" --bind
bind tmpfs "$ROOTFS_DIR/run" -t tmpfs
bind "$apt_cache" "$ROOTFS_DIR/var/cache/apt/archives" --bind
cp /etc/resolv.conf "$ROOTFS_DIR/etc/resolv.conf"
# Nothing starts inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$ROOTFS_DIR/usr/sbin/policy-rc.d"
chmod +x "$ROOTFS_DIR/usr/sbin/policy-rc.d"

# pi-gen's on_chroot: the script on stdin runs in the image's root with `bash -e`.
on_chroot() { chroot "$ROOTFS_DIR" /bin/bash -e; }
copy_previous() { die "copy_previous: there is no previous stage here"; }
export -f on_chroot copy_previous log die
export DEBIAN_FRONTEND=noninteractive
on_chroot <<<"apt-get -q update" >&2

# pi-gen's run_sub_stage, for what our stage uses (quilt patches are refused rather than skipped).
run_sub_stage() {
	local sub=$1 i packages
	log "sub-stage $(basename "$sub")"
	pushd "$sub" >/dev/null
	for i in $(seq -w 0 99); do
		if [ -f "$i-debconf" ]; then
			on_chroot <<<"debconf-set-selections <<'SELEOF'
$(cat "$i-debconf")
SELEOF"
		fi
		if [ -f "$i-packages-nr" ]; then
			packages=$(package_list "$i-packages-nr")
			[ -z "$packages" ] || on_chroot <<<"apt-get -o Acquire::Retries=3 install --no-install-recommends -y -q $packages" >&2
		fi
		if [ -f "$i-packages" ]; then
			packages=$(package_list "$i-packages")
			[ -z "$packages" ] || on_chroot <<<"apt-get -o Acquire::Retries=3 install -y -q $packages" >&2
		fi
		[ ! -d "$i-patches" ] || die "$sub/$i-patches: quilt patches are not supported here"
		if [ -x "$i-run.sh" ]; then "./$i-run.sh" >&2; fi
		if [ -f "$i-run-chroot.sh" ]; then on_chroot <"$i-run-chroot.sh" >&2; fi
	done
	popd >/dev/null
}

STAGE_DIR="$here/stage-openskylab"
export STAGE_DIR
(cd "$STAGE_DIR" && ./prerun.sh)
for sub in "$STAGE_DIR"/*/; do
	sub=${sub%/}
	if [ -f "$sub/SKIP" ]; then continue; fi
	run_sub_stage "$sub"
done

log "adding the VM test's hooks"
install -m 0644 "$here/debian/files/fstab" "$ROOTFS_DIR/etc/fstab"
mkdir -p "$ROOTFS_DIR/mnt/share"
install -m 0644 "$here/debian/files/openskylab-vm-setup.service" "$ROOTFS_DIR/usr/lib/systemd/system/"
install -D -m 0644 "$here/debian/files/watchdog-under-emulation.conf" \
	"$ROOTFS_DIR/etc/systemd/system/openskylab.service.d/watchdog-under-emulation.conf"
install -m 0755 "$here/debian/files/vm-setup" "$ROOTFS_DIR/usr/lib/openskylab/vm-setup"
install -D -m 0644 "$here/debian/files/hwsim-modules.conf" "$ROOTFS_DIR/etc/modules-load.d/openskylab-vm-hwsim.conf"
install -D -m 0644 "$here/debian/files/hwsim-options.conf" "$ROOTFS_DIR/etc/modprobe.d/openskylab-vm-hwsim.conf"
install -D -m 0644 "$here/debian/files/nm-hwsim-unmanaged.conf" \
	"$ROOTFS_DIR/etc/NetworkManager/conf.d/openskylab-vm-hwsim.conf"
# The VM test's "home" access point and "phone" are started by the test, not at boot.
on_chroot <<<"systemctl disable hostapd.service wpa_supplicant.service 2>/dev/null || true; systemctl mask hostapd.service" >&2
on_chroot <<<"systemctl enable openskylab-vm-setup.service" >&2

log "finishing the root file system"
unmount_all
rm -f "$ROOTFS_DIR/usr/sbin/policy-rc.d" "$ROOTFS_DIR/usr/bin/qemu-aarch64-static"
rm -f "$ROOTFS_DIR/var/lib/dbus/machine-id" "$ROOTFS_DIR"/var/cache/debconf/*-old
: >"$ROOTFS_DIR/etc/resolv.conf"
# Each box makes its own machine id (and with it its serial) at its first boot.
: >"$ROOTFS_DIR/etc/machine-id"
find "$ROOTFS_DIR/var/log" -type f -exec truncate -s 0 {} +

kernel=$(find "$ROOTFS_DIR/boot" -maxdepth 1 -name 'vmlinuz-*' | sort | tail -n 1)
initrd=$(find "$ROOTFS_DIR/boot" -maxdepth 1 -name 'initrd.img-*' | sort | tail -n 1)
if [ -z "$kernel" ] || [ -z "$initrd" ]; then die "no kernel or initramfs under /boot"; fi
cp "$kernel" "$out/vmlinuz.part"
cp "$initrd" "$out/initrd.img.part"

used_mb=$(du -sm "$ROOTFS_DIR" | cut -f1)
# Spare room: the box keeps a 1 GiB disk reserve ([telemetry] disk_reserve_mb) below which it
# refuses sequences, and the VM test takes frames above it.
size_mb=$((used_mb + used_mb / 5 + 2560))
log "making a ${size_mb} MB ext4 image of ${used_mb} MB"
rm -f "$out/rootfs.img.part"
mkfs.ext4 -q -F -L openskylab -d "$ROOTFS_DIR" -E root_owner=0:0 "$out/rootfs.img.part" "${size_mb}M"
{
	echo "suite=$suite"
	echo "arch=$arch"
	echo "kernel=$(basename "$kernel")"
	echo "release=$OPENSKYLAB_RELEASE"
	echo "built=$(date -u +%FT%TZ)"
} >"$out/build.txt"
mv "$out/vmlinuz.part" "$out/vmlinuz"
mv "$out/initrd.img.part" "$out/initrd.img"
mv "$out/rootfs.img.part" "$out/rootfs.img"
rm -rf "$work"
log "done: $out/rootfs.img"
