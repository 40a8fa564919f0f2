#!/usr/bin/env bash
# Installs the Debian packages overhear's tests use, when missing: tcpdump
# (live capture on loopback) and chromium (the dashboard's Playwright tests use
# /usr/bin/chromium; browser downloads are impossible here). Runs before `npm test`; a no-op when all are present.
# Set OVERHEAR_SKIP_SYSTEM_DEPS=1 to skip (tests that need a missing tool then fail with a message).
set -euo pipefail
[ "${OVERHEAR_SKIP_SYSTEM_DEPS:-}" = "1" ] && exit 0
declare -A pkg_for=( [tcpdump]=tcpdump [chromium]=chromium )
missing=()
for cmd in "${!pkg_for[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || [ -x "/usr/bin/$cmd" ] || missing+=("${pkg_for[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "overhear tests need: ${missing[*]} — install with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing system packages for the tests: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
