#!/bin/bash -e
# The box's system side: the units from systemd/, the first-boot script, the preset config the
# app completes with its token at first start, the polkit rule that lets the service power the
# box off, and the mDNS name openskylab.local.
repo="${STAGE_DIR}/../.."
for unit in "${repo}"/systemd/*.service; do
	install -D -m 0644 "${unit}" "${ROOTFS_DIR}/usr/lib/systemd/system/$(basename "${unit}")"
done
install -D -m 0755 files/first-boot "${ROOTFS_DIR}/usr/lib/openskylab/first-boot"
install -D -m 0755 files/wifi-scan "${ROOTFS_DIR}/usr/lib/openskylab/wifi-scan"
install -D -m 0644 files/openskylab.sysusers "${ROOTFS_DIR}/usr/lib/sysusers.d/openskylab.conf"
install -D -m 0644 files/50-openskylab.rules "${ROOTFS_DIR}/etc/polkit-1/rules.d/50-openskylab.rules"
install -D -m 0644 files/avahi-openskylab.service "${ROOTFS_DIR}/etc/avahi/services/openskylab.service"
install -D -m 0644 files/openskylab-avahi-dbus.conf "${ROOTFS_DIR}/etc/dbus-1/system.d/openskylab-avahi.conf"
install -D -m 0600 files/config.toml "${ROOTFS_DIR}/etc/openskylab/config.toml"
install -D -m 0644 files/nm-captive-dnsmasq.conf \
	"${ROOTFS_DIR}/etc/NetworkManager/dnsmasq-shared.d/openskylab.conf"
install -D -m 0644 files/openskylab-wifi.tmpfiles "${ROOTFS_DIR}/usr/lib/tmpfiles.d/openskylab-wifi.conf"

# avahi answers openskylab.local whatever the hostname's serial suffix; a second box on the same
# network is renamed openskylab-2.local by avahi's own conflict handling (and the app sets the name
# back when avahi's conflict was with the box itself: core/wifi/mdns_name.ts).
sed -i -e 's/^#\?host-name=.*/host-name=openskylab/' "${ROOTFS_DIR}/etc/avahi/avahi-daemon.conf"
echo openskylab >"${ROOTFS_DIR}/etc/hostname"
