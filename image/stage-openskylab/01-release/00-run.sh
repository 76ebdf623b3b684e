#!/bin/bash -e
# Installs the release into the image: OPENSKYLAB_RELEASE names a tarball from
# `deno task release` (linux-aarch64 for a Raspberry Pi). The plain-Debian test image is built
# without one (OPENSKYLAB_RELEASE=none): the VM test installs the build under test at boot with
# the same install-release script, so a code change never rebuilds the image.
install -D -m 0755 files/install-release "${ROOTFS_DIR}/usr/lib/openskylab/install-release"
install -D -m 0755 files/update-release "${ROOTFS_DIR}/usr/lib/openskylab/update-release"

if [ "${OPENSKYLAB_RELEASE:-}" = "none" ]; then
	echo "OPENSKYLAB_RELEASE=none: the image carries no release"
	exit 0
fi
if [ ! -f "${OPENSKYLAB_RELEASE:-}" ]; then
	echo "OPENSKYLAB_RELEASE must name a release tarball (got \"${OPENSKYLAB_RELEASE:-}\")" >&2
	exit 1
fi
"${ROOTFS_DIR}/usr/lib/openskylab/install-release" --root "${ROOTFS_DIR}" "${OPENSKYLAB_RELEASE}"
