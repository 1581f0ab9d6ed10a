#!/usr/bin/env bash
# Build the lab image localhost/zerto-billing-lab:bookworm from debootstrap (no registry).
# Skips when the image already carries the hash of this recipe; reuses a cached rootfs tarball.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
image="${LAB_IMAGE:-localhost/zerto-billing-lab:bookworm}"
suite=bookworm
# On the root filesystem, not in the checkout: debootstrap needs a filesystem that allows device
# nodes and chroot, which a checkout's mount may not (and the tarball then outlives the checkout).
cache="${LAB_CACHE_DIR:-/var/cache/zerto-billing-lab}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"

mirror="$(python3 "$here/apt_mirror.py" "$suite")" || mirror=http://deb.debian.org/debian
packages="$(grep -v '^#' "$here/image_packages.txt" | xargs | tr ' ' ',')"
recipe="$( (cat "$0" "$here/image_packages.txt"; echo "$mirror $suite") | sha256sum | cut -c1-16)"
tarball="$cache/rootfs-$suite-$recipe.tar"
# The container's main process: sleeps, and exits promptly on SIGTERM so `podman stop` is fast.
idle_cmd='["/bin/sh","-c","trap \"exit 0\" TERM; while :; do sleep 3600 & wait $!; done"]'

current="$(podman image inspect --format '{{ index .Labels "zerto.lab.recipe" }}' "$image" 2>/dev/null || true)"
if [ "$current" = "$recipe" ]; then
    echo "image $image is up to date (recipe $recipe)"
    exit 0
fi

if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }
    build="$cache/build-$recipe"
    rm -rf "$build"
    mkdir -p "$build"
    for attempt in 1 2; do
        echo "debootstrap $suite from $mirror into $build/rootfs (attempt $attempt)"
        rm -rf "$build/rootfs"
        if debootstrap --variant=minbase --include="$packages" "$suite" "$build/rootfs" "$mirror" \
            >"$build/debootstrap.log" 2>&1; then
            break
        fi
        echo "debootstrap failed; the end of its log ($build/debootstrap.log):" >&2
        tail -n 30 "$build/debootstrap.log" >&2
        [ -f "$build/rootfs/debootstrap/debootstrap.log" ] && tail -n 30 "$build/rootfs/debootstrap/debootstrap.log" >&2
        df -h "$cache" >&2
        if [ "$attempt" = 2 ]; then
            rm -rf "$build"
            exit 1
        fi
        sleep 5
    done
    # Fetched packages and indexes are dead weight in the image.
    rm -rf "$build/rootfs/var/cache/apt/archives/"*.deb "$build/rootfs/var/lib/apt/lists/"*
    tar --numeric-owner --xattrs -C "$build/rootfs" -cf "$tarball.part" .
    mv "$tarball.part" "$tarball"
    rm -rf "$build"
    find "$cache" -maxdepth 1 -name "rootfs-$suite-*.tar" ! -name "$(basename "$tarball")" -delete
fi

podman import \
    --change "LABEL zerto.lab.recipe=$recipe" \
    --change "CMD $idle_cmd" \
    --quiet --message "zerto-billing lab image, recipe $recipe" \
    "$tarball" "$image" >/dev/null
echo "imported $image (recipe $recipe)"
