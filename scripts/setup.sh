#!/usr/bin/env bash
# Installs what Sluice needs on Debian 12 and builds it.
#
#   scripts/setup.sh              install missing packages, then build into build/ (RelWithDebInfo)
#   scripts/setup.sh --no-build   install missing packages only
#
# Idempotent: dpkg-query decides which packages are missing; apt runs only when some are (as root,
# or through sudo). The MariaDB and PostgreSQL packages are installed for their binaries only:
# tests run their own throwaway servers (scripts/test-servers.sh), so a policy-rc.d that refuses
# every service start is put in place for the duration of the install, and any system instance
# the install started anyway is stopped again. The build directory can be changed with
# SLUICE_BUILD_DIR (relative to the repository, default build).
set -euo pipefail

# Everything Sluice needs to build, test and benchmark, in one place.
readonly PACKAGES=(
  build-essential cmake ninja-build pkg-config g++
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libfmt-dev doctest-dev
  libsqlite3-dev libmariadb-dev libpq-dev
  antlr4 libantlr4-runtime-dev
  mariadb-server mariadb-client postgresql-15 postgresql-client-15 sysbench
  libxxhash-dev libzstd-dev
  libcpp-httplib-dev libssl-dev zlib1g-dev libbrotli-dev  # /metrics (httplib is built with TLS, zlib, brotli)
  clang-14 libclang-rt-14-dev
  iproute2 procps util-linux  # ss, pgrep, runuser/setsid: used by scripts/test-servers.sh
  jq                          # bench/ scripts read `sluice status --json`
)
# The antlr4 tool is a Java program. Its package depends on "default-jre-headless | a Java
# runtime", so any installed Java will do; default-jre-headless is only added when none is found.
readonly JAVA_PACKAGE=default-jre-headless
# System services of those packages; we never want them running.
readonly SERVICES=(mariadb postgresql)

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
BUILD_DIR=${SLUICE_BUILD_DIR:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$REPO/$BUILD_DIR

log() { echo "setup: $*" >&2; }
die() { echo "setup: error: $*" >&2; exit 1; }

build=1
for arg in "$@"; do
  case $arg in
    --no-build) build=0 ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (try --help)" ;;
  esac
done

installed() {
  local status
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) || return 1
  [[ $status == ii* ]]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
if ! command -v java >/dev/null 2>&1 && ! installed "$JAVA_PACKAGE"; then
  missing+=("$JAVA_PACKAGE")
fi

if ((${#missing[@]} > 0)); then
  log "installing: ${missing[*]}"
  sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 ||
      die "not root and no sudo; as root run: apt-get install ${missing[*]}"
    sudo=(sudo)
  fi

  # Services of packages installed now must not start (and must not fail the install because
  # they cannot). policy-rc.d is honoured by invoke-rc.d and deb-systemd-invoke. An existing one
  # (containers usually have one) is left alone.
  policy=/usr/sbin/policy-rc.d
  own_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# Temporary, from sluice scripts/setup.sh\nexit 101\n' |
      "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    own_policy=1
  fi
  remove_policy() {
    if ((own_policy)); then "${sudo[@]}" rm -f "$policy"; fi
  }
  trap remove_policy EXIT

  running_before=()
  if [[ -d /run/systemd/system ]]; then
    for svc in "${SERVICES[@]}"; do
      systemctl is-active --quiet "$svc" 2>/dev/null && running_before+=("$svc")
    done
  fi

  apt_opts=(-o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef
            -o Dpkg::Options::=--force-confold)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y -q \
    --no-install-recommends "${missing[@]}" </dev/null
  remove_policy
  trap - EXIT

  # Belt and braces: stop a system instance the install started despite the policy (never one
  # that was running before we came).
  if [[ -d /run/systemd/system ]]; then
    for svc in "${SERVICES[@]}"; do
      if systemctl is-active --quiet "$svc" 2>/dev/null &&
         [[ " ${running_before[*]} " != *" $svc "* ]]; then
        log "stopping system service $svc started by the install (tests use their own servers)"
        "${sudo[@]}" systemctl stop "$svc" || true
      fi
    done
  fi

  for pkg in "${PACKAGES[@]}"; do
    installed "$pkg" || die "package $pkg is still not installed"
  done
  command -v java >/dev/null 2>&1 || die "no java after installing $JAVA_PACKAGE (antlr4 needs it)"
else
  log "all ${#PACKAGES[@]} packages already installed"
fi

if ((build)); then
  log "building into $BUILD_DIR"
  cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD_DIR" -j 2
fi
