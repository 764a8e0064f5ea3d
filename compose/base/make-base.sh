#!/bin/sh
# Builds a minimal Debian root filesystem with debootstrap and imports it as a
# Docker image: no container registry is reachable here, so nothing can be
# pulled, but Debian's apt archive can be.
#
#   compose/base/make-base.sh RELEASE TAG [MIRROR]
#   compose/base/make-base.sh bookworm patroni-chaos/base:bookworm-0123456789ab
#
# Needs root, debootstrap and a running Docker daemon.
set -eu
release=${1:?usage: make-base.sh RELEASE TAG [MIRROR]}
tag=${2:?usage: make-base.sh RELEASE TAG [MIRROR]}
mirror=${3:-http://deb.debian.org/debian}

command -v debootstrap >/dev/null 2>&1 || { echo "debootstrap is missing: apt-get install -y debootstrap" >&2; exit 3; }
command -v docker >/dev/null 2>&1 || { echo "docker is missing: apt-get install -y docker.io" >&2; exit 3; }

dir=$(mktemp -d /tmp/patroni-chaos-base.XXXXXX)
trap 'rm -rf "$dir"' EXIT INT TERM

# minbase: only essential + apt; the Dockerfiles add what each image needs.
debootstrap --variant=minbase "$release" "$dir" "$mirror"

# Images never need man pages or docs, and apt caches only bloat layers.
cat > "$dir/etc/dpkg/dpkg.cfg.d/01-nodoc" <<'CFG'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG
cat > "$dir/etc/apt/apt.conf.d/01-container" <<'CFG'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Retries "3";
CFG
# Security updates too, so both releases get the current point release's fixes.
if [ "$release" = bookworm ] || [ "$release" = trixie ]; then
  cat > "$dir/etc/apt/sources.list" <<SRC
deb $mirror $release main
deb $mirror $release-updates main
deb http://deb.debian.org/debian-security $release-security main
SRC
fi
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*

tar -C "$dir" -c . | docker import \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["/bin/bash"]' \
  --message "debootstrap --variant=minbase $release" \
  - "$tag"
echo "$tag"
