#!/bin/bash -e
# In the image: the service user, its config folder (systemd does not chown a
# ConfigurationDirectory, and the app writes its token there), and the units enabled.
systemd-sysusers
chown -R openskylab:openskylab /etc/openskylab
chmod 0700 /etc/openskylab
systemctl enable openskylab-firstboot.service openskylab.service openskylab-update-guard.service
# A persistent journal: what happened before a power cut or a crash is still there after it.
mkdir -p /var/log/journal
systemd-tmpfiles --create --prefix /var/log/journal
