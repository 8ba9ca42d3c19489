#!/bin/sh
# Monitoring for one IT Budget Manager server: node exporter (host metrics on 127.0.0.1:9100 by default, for
# the vendor's Prometheus over the client's VPN or an SSH tunnel) and Vector (the product's logs, redacted
# on the server, to the vendor's log endpoint). Both run as containers beside the product.
#
#   sh install.sh --client acme --install-dir /opt/itbm/acme --sink-url https://logs.vendor.ru/itbm \
#       --sink-token-file /root/vector-token [--listen 127.0.0.1:9100] [--dry-run]
#
# Exit codes: 0 done; 2 wrong usage; 3 Docker or Compose missing; 4 `compose up` failed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
client="" install_dir="" sink_url="" token_file="" listen="127.0.0.1:9100" dry_run=0

usage() {
    echo "usage: $0 --client NAME --install-dir DIR --sink-url URL --sink-token-file FILE [--listen ADDR] [--dry-run]" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --client) client=${2:-}; shift 2 ;;
        --install-dir) install_dir=${2:-}; shift 2 ;;
        --sink-url) sink_url=${2:-}; shift 2 ;;
        --sink-token-file) token_file=${2:-}; shift 2 ;;
        --listen) listen=${2:-}; shift 2 ;;
        --dry-run) dry_run=1; shift ;;
        -h|--help) usage ;;
        *) echo "unknown option: $1" >&2; usage ;;
    esac
done

[ -n "$client" ] && [ -n "$install_dir" ] && [ -n "$sink_url" ] && [ -n "$token_file" ] || usage
case "$client" in *[!a-z0-9-]*) echo "--client: lower-case letters, digits and '-' only" >&2; exit 2 ;; esac
case "$sink_url" in https://*) ;; *) echo "--sink-url: https:// only (logs leave the server)" >&2; exit 2 ;; esac
[ -r "$token_file" ] || { echo "--sink-token-file: cannot read $token_file" >&2; exit 2; }

command -v docker >/dev/null 2>&1 || { echo "docker is not installed" >&2; exit 3; }
docker compose version >/dev/null 2>&1 || { echo "docker compose (v2) is not installed" >&2; exit 3; }

target="$install_dir/monitoring"
if [ "$dry_run" = 1 ]; then
    echo "would install into $target: node exporter on $listen, Vector → $sink_url"
    exit 0
fi

umask 077  # the token and the .env stay the installing user's
mkdir -p "$target"
cp "$here/docker-compose.yaml" "$here/vector.yaml" "$target/"
cp "$token_file" "$target/sink_token"
cat > "$target/.env" <<ENV
ITBM_CLIENT=$client
VECTOR_SINK_URL=$sink_url
NODE_EXPORTER_LISTEN=$listen
ENV
chmod 644 "$target/docker-compose.yaml" "$target/vector.yaml"

docker compose --project-name itbm-monitoring --file "$target/docker-compose.yaml" up --detach --remove-orphans \
    || { echo "compose up failed: see docker compose --project-name itbm-monitoring logs" >&2; exit 4; }
echo "monitoring installed in $target (node exporter on $listen)"
