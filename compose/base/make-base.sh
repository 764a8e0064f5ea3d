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

# Every Debian suite since squeeze uses debootstrap's "sid" script; a debootstrap older than
# the suite (bookworm's does not know forky) has no symlink for it, so name the script.
script=/usr/share/debootstrap/scripts/$release
[ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid

# minbase: only essential + apt; the Dockerfiles add what each image needs.
debootstrap --variant=minbase "$release" "$dir" "$mirror" "$script"

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
# Security updates too, so the stable releases get the current point release's fixes.
# forky is testing: no point releases; its images are keyed by the package versions the
# archive serves (src/cluster/docker/images.ts).
case "$release" in
  bookworm|trixie)
    cat > "$dir/etc/apt/sources.list" <<SRC
deb $mirror $release main
deb $mirror $release-updates main
deb http://deb.debian.org/debian-security $release-security main
SRC
    ;;
  *)
    echo "deb $mirror $release main" > "$dir/etc/apt/sources.list"
    # testing's Release file is valid for a week: a mirror snapshot older than that
    # (a caching proxy, an offline copy) would fail every apt-get update. Signatures are
    # still checked.
    echo 'Acquire::Check-Valid-Until "false";' > "$dir/etc/apt/apt.conf.d/02-snapshot"
    ;;
esac
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*

tar -C "$dir" -c . | docker import \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["/bin/bash"]' \
  --message "debootstrap --variant=minbase $release" \
  - "$tag"
echo "$tag"
