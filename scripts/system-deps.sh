#!/usr/bin/env bash
# Installs the Debian packages the test suite uses, when running as root and they are missing
# (and wrk, the load generator of bench/scan_verify.py).
set -euo pipefail
packages=(chromium fonts-noto-cjk fonts-wqy-microhei poppler-utils zbar-tools gettext wrk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包：${missing[*]}（非 root，无法自动安装；相关测试将跳过）" >&2
  exit 0
fi
echo "安装系统软件包：${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
