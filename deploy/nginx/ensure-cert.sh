#!/bin/sh
# ensure-cert.sh DIR [HOSTNAME-OR-ADDRESS …]
# Leaves DIR/tls.crt and DIR/tls.key alone when both exist (a mounted certificate); otherwise
# generates a self-signed certificate (2048-bit RSA, 825 days) for the names and addresses given,
# the first one as its common name.
set -eu

dir="$1"
shift
[ "$#" -eq 0 ] && set -- localhost 127.0.0.1
crt="$dir/tls.crt"
key="$dir/tls.key"

if [ -s "$crt" ] && [ -s "$key" ]; then
  echo "flux-speed-nginx: using the certificate in $crt" >&2
  exit 0
fi

san=""
for name in "$@"; do
  case "$name" in
    *[!0-9.]* ) case "$name" in *:*) kind=IP ;; *) kind=DNS ;; esac ;;
    * ) kind=IP ;;
  esac
  san="${san:+$san,}$kind:$name"
done

mkdir -p "$dir"
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 825 \
  -subj "/O=Flux Speed/CN=$1" \
  -addext "subjectAltName=$san" \
  -keyout "$key.tmp" -out "$crt.tmp" 2>/dev/null
chmod 600 "$key.tmp"
chmod 644 "$crt.tmp"
mv "$key.tmp" "$key"
mv "$crt.tmp" "$crt"
echo "flux-speed-nginx: generated a self-signed certificate for $* in $crt (mount your own tls.crt and tls.key to replace it)" >&2
