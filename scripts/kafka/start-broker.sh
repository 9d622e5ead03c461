#!/usr/bin/env bash
# start-broker.sh --port P --dir DIR [--config K=V]…
# Runs a single-node Apache Kafka 4.1 in KRaft mode (combined broker + controller) in the
# foreground, listening on 127.0.0.1 only. The controller gets its own free loopback port.
# Storage is formatted in DIR with a random cluster id. Prints exactly one stdout line,
#   ready bootstrap=127.0.0.1:P
# once the broker answers client requests; logs (warnings) go to stderr. SIGTERM/SIGINT
# stop the broker cleanly. --port 0 picks a free port. Only what a single node needs is
# changed from Kafka's defaults (replication factors of internal topics), plus what a caller
# asks with --config (a broker config by Kafka's name).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() { echo "usage: start-broker.sh --port P --dir DIR [--config K=V]…" >&2; exit 2; }
port=""
dir=""
configs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --config) [[ "${2:-}" == *=* ]] || usage; configs+=("$2"); shift 2 ;;
    *) usage ;;
  esac
done
[[ -n "$port" && -n "$dir" ]] || usage

bash "$here/fetch.sh"

# A free loopback TCP port chosen by the kernel (via python3 if present; else probe random
# ports until one refuses connections).
free_port() {
  local p
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  return 1
}

[[ "$port" == "0" ]] && port="$(free_port)"
cport="$(free_port)"
while [[ "$cport" == "$port" ]]; do cport="$(free_port)"; done

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
conf="$dir/server.properties"
cat > "$conf" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
PROPS
for kv in "${configs[@]+"${configs[@]}"}"; do echo "$kv" >> "$conf"; done

# Random cluster id: 16 random bytes, URL-safe base64 without padding (Kafka's Uuid form);
# avoid a leading '-' the way Kafka does so it never looks like a CLI flag.
cluster_id=""
while [[ -z "$cluster_id" || "$cluster_id" == -* ]]; do
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
done

t0=$(date +%s%N)
if [[ ! -f "$dir/data/meta.properties" ]]; then
  KAFKA_HEAP_OPTS="-Xmx256m" bash "$here/kafka-run.sh" kafka.tools.StorageTool \
    format -t "$cluster_id" -c "$conf" >&2
fi

KAFKA_HEAP_OPTS="${KAFKA_BROKER_HEAP_OPTS:--Xms256m -Xmx512m}" \
KAFKA_JVM_PERFORMANCE_OPTS="${KAFKA_BROKER_JVM_OPTS:--XX:+UseSerialGC}" \
  bash "$here/kafka-run.sh" kafka.Kafka "$conf" >&2 &
kpid=$!

stop() {
  trap - TERM INT
  kill -TERM "$kpid" 2>/dev/null || true
  wait "$kpid" 2>/dev/null || true
  exit 0
}
trap stop TERM INT

# Wait for the listener, then for a real client round trip (Metadata through the admin client).
deadline=$(( $(date +%s) + ${KAFKA_START_TIMEOUT:-120} ))
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  kill -0 "$kpid" 2>/dev/null || { wait "$kpid" || true; echo "start-broker.sh: broker exited before listening" >&2; exit 1; }
  (( $(date +%s) < deadline )) || { echo "start-broker.sh: timed out waiting for port $port" >&2; kill "$kpid"; exit 1; }
  sleep 0.2
done
until bash "$here/kafka-run.sh" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "127.0.0.1:$port" --list >/dev/null 2>&1; do
  kill -0 "$kpid" 2>/dev/null || { wait "$kpid" || true; echo "start-broker.sh: broker exited" >&2; exit 1; }
  (( $(date +%s) < deadline )) || { echo "start-broker.sh: timed out waiting for broker" >&2; kill "$kpid"; exit 1; }
  sleep 0.5
done
t1=$(date +%s%N)
echo "start-broker.sh: Kafka ready in $(( (t1 - t0) / 1000000 )) ms (format + start + first admin call)" >&2
echo "ready bootstrap=127.0.0.1:$port"

wait "$kpid" || true
