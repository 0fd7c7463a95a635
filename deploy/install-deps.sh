#!/usr/bin/env bash
# Installs every Debian package that earshot's build, tests, benchmarks and demo need.
# Idempotent: packages already present are not fetched again, and `apt-get update` runs
# at most once per machine (a stamp file records it). Needs root (or sudo).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  librdkafka-dev libsimdjson-dev libre2-dev libsqlite3-dev
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev rapidjson-dev
  libcpprest-dev libssl-dev libboost-dev libboost-system-dev
  libgtest-dev libgmock-dev libbenchmark-dev libjemalloc-dev
  libexttextcat-data
  libxxhash-dev
  libhowardhinnant-date-dev tzdata  # alert times in alert_messages.time_zone (OS zoneinfo)
  openjdk-17-jre-headless maven kcat curl python3 python3-venv
  prometheus systemd
  chromium nodejs  # browser tests: headless Chromium driven by playwright-core
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Debian's nodejs leaves npm to its own package; NodeSource's nodejs brings npm (and conflicts
# with Debian's npm), so npm is added only when no npm is on the PATH.
if ! command -v npm >/dev/null 2>&1 && ! printf '%s\n' "${missing[@]+"${missing[@]}"}" | grep -qx npm; then
  missing+=(npm)
fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

stamp=/var/lib/apt/earshot-apt-updated
if [ ! -f "$stamp" ]; then
  $SUDO apt-get update -qq
  $SUDO touch "$stamp" 2>/dev/null || true
fi
echo "install-deps: installing ${missing[*]}"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
