#!/bin/bash -e
# Raspberry Pi only. The Pi 5's default kernel uses 16 KB pages, on which Deno crashes
# (deno issue 36282); kernel8.img is the 4 KB-page kernel every 64-bit Pi can boot. A plain
# Debian root has no config.txt and is left as it is.
config="${ROOTFS_DIR}/boot/firmware/config.txt"
if [ ! -f "${config}" ]; then
	echo "no /boot/firmware/config.txt: not a Raspberry Pi OS root, nothing to do"
	exit 0
fi
if ! grep -q '^# OpenSkyLab: 4 KB-page kernel' "${config}"; then
	cat >>"${config}" <<-'CONFIG'

		# OpenSkyLab: 4 KB-page kernel on the Pi 5 (Deno crashes on 16 KB pages)
		[pi5]
		kernel=kernel8.img
		[all]
	CONFIG
fi
