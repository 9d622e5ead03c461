#!/usr/bin/env bash
# start-cluster.sh --brokers N --port P --dir DIR [--config K=V]…
# Runs an N-node Apache Kafka 4.1 cluster in KRaft mode on 127.0.0.1 in the foreground: every
# node is a combined broker + controller (N JVMs, the lightest layout; with N ≥ 3 the
# controller quorum survives the loss of any one node). Brokers listen on P, P+1, … (--port 0:
# free ports); controllers on free loopback ports. Each node lives in DIR/node-ID (config,
# data, server.log, pid); node ids are 1..N.
#
# stderr: `broker ID pid PID listening on H:P` for every node (the JVM's PID, so a test can
# kill -9 it; scripts/kafka/cluster-node.sh kill|start ID --dir DIR does that and restarts it
# with the same config), then the nodes' logs (warnings). stdout: exactly one line
#   ready bootstrap=127.0.0.1:P,127.0.0.1:P+1,…
# once every broker is registered and serves clients. SIGTERM/SIGINT stop all nodes (also
# those restarted by cluster-node.sh); if this script is killed outright, a watchdog stops them.
#
# Configs are Kafka's defaults (internal topics already default to replication factor 3 and
# min.insync.replicas 2) plus what a test asks with --config, e.g. replica.lag.time.max.ms.
# JVM: KAFKA_BROKER_HEAP_OPTS (default -Xms128m -Xmx256m), KAFKA_BROKER_JVM_OPTS (default
# -XX:+UseSerialGC), as in start-broker.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() { echo "usage: start-cluster.sh --brokers N --port P --dir DIR [--config K=V]…" >&2; exit 2; }
brokers=""
port=""
dir=""
configs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --brokers) brokers="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --config) [[ "$2" == *=* ]] || usage; configs+=("$2"); shift 2 ;;
    *) usage ;;
  esac
done
[[ "$brokers" =~ ^[0-9]+$ && "$brokers" -ge 1 && "$port" =~ ^[0-9]+$ && -n "$dir" ]] || usage

bash "$here/fetch.sh"

# A free loopback TCP port chosen by the kernel.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
declare -A taken=()
pick_port() {
  local p
  p="$(free_port)"
  while [[ -n "${taken[$p]:-}" ]]; do p="$(free_port)"; done
  taken[$p]=1
  echo "$p"
}

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
bports=(); cports=()
for id in $(seq 1 "$brokers"); do
  if [[ "$port" == "0" ]]; then bports[$id]="$(pick_port)"; else bports[$id]=$(( port + id - 1 )); taken[${bports[$id]}]=1; fi
done
for id in $(seq 1 "$brokers"); do cports[$id]="$(pick_port)"; done
voters=""
bootstrap=""
for id in $(seq 1 "$brokers"); do
  voters+="${voters:+,}$id@127.0.0.1:${cports[$id]}"
  bootstrap+="${bootstrap:+,}127.0.0.1:${bports[$id]}"
done

for id in $(seq 1 "$brokers"); do
  mkdir -p "$dir/node-$id"
  {
    cat <<PROPS
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:${bports[$id]},CONTROLLER://127.0.0.1:${cports[$id]}
advertised.listeners=PLAINTEXT://127.0.0.1:${bports[$id]}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/node-$id/data
PROPS
    # Fewer nodes than Kafka's internal-topic defaults (3) need smaller replication factors.
    if (( brokers < 3 )); then
      for k in offsets.topic.replication.factor transaction.state.log.replication.factor share.coordinator.state.topic.replication.factor; do echo "$k=$brokers"; done
      for k in transaction.state.log.min.isr share.coordinator.state.topic.min.isr; do echo "$k=1"; done
    fi
    for kv in "${configs[@]+"${configs[@]}"}"; do echo "$kv"; done
  } > "$dir/node-$id/server.properties"
  : > "$dir/node-$id/server.log"
done

# One random cluster id for all nodes: 16 random bytes, URL-safe base64 without padding
# (Kafka's Uuid form), never starting with '-'.
cluster_id=""
while [[ -z "$cluster_id" || "$cluster_id" == -* ]]; do
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
done

pids_of_nodes() { cat "$dir"/node-*/pid 2>/dev/null || true; }

t0=$(date +%s%N)
fmt_pids=()
for id in $(seq 1 "$brokers"); do
  if [[ ! -f "$dir/node-$id/data/meta.properties" ]]; then
    KAFKA_HEAP_OPTS="-Xmx128m" bash "$here/kafka-run.sh" kafka.tools.StorageTool \
      format -t "$cluster_id" -c "$dir/node-$id/server.properties" >&2 &
    fmt_pids+=($!)
  fi
done
for p in "${fmt_pids[@]+"${fmt_pids[@]}"}"; do wait "$p"; done
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
echo "start-cluster.sh: storage formatted at $(ms_since "$t0") ms" >&2

# The nodes' logs (also of nodes restarted later by cluster-node.sh) on our stderr.
tail -q -n +1 -F "$dir"/node-*/server.log >&2 2>/dev/null &
tail_pid=$!

# If this script dies without running its trap (kill -9), nothing else would stop the JVMs.
me=$$
( trap '' TERM INT
  while kill -0 "$me" 2>/dev/null; do sleep 1; done
  for p in $(pids_of_nodes); do kill -KILL "$p" 2>/dev/null || true; done
  kill "$tail_pid" 2>/dev/null || true ) </dev/null >/dev/null 2>&1 &
watchdog_pid=$!

stop() {
  trap - TERM INT
  local p pids deadline
  pids="$(pids_of_nodes)"
  for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
  # All nodes go at once, so the last ones lose their controller quorum and could wait long
  # for a controlled shutdown: a test cluster gets 20 s, then kill -9.
  deadline=$(( $(date +%s) + 20 ))
  for p in $pids; do
    while kill -0 "$p" 2>/dev/null && (( $(date +%s) < deadline )); do sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  kill -KILL "$watchdog_pid" 2>/dev/null || true
  kill "$tail_pid" 2>/dev/null || true
  exit "${1:-0}"
}
trap stop TERM INT

for id in $(seq 1 "$brokers"); do
  bash "$here/cluster-node.sh" start "$id" --dir "$dir" --no-wait >&2
done

# Ready once every broker is in the cluster's Metadata (registered and unfenced) and the tool
# got API versions from each of them, i.e. every broker serves clients.
deadline=$(( $(date +%s) + ${KAFKA_START_TIMEOUT:-150} ))
# First every client listener (cheap to probe), so the tool's JVM below does not compete for
# the CPU with brokers still starting.
for id in $(seq 1 "$brokers"); do
  until (exec 3<>"/dev/tcp/127.0.0.1/${bports[$id]}") 2>/dev/null; do
    bash "$here/cluster-node.sh" status "$id" --dir "$dir" >/dev/null || { echo "start-cluster.sh: node $id exited before listening" >&2; stop 1; }
    (( $(date +%s) < deadline )) || { echo "start-cluster.sh: timed out waiting for port ${bports[$id]}" >&2; stop 1; }
    sleep 0.2
  done
done
echo "start-cluster.sh: every broker listening at $(ms_since "$t0") ms" >&2
until (( $(bash "$here/kafka-run.sh" org.apache.kafka.tools.BrokerApiVersionsCommand \
          --bootstrap-server "$bootstrap" 2>/dev/null | grep -c ' (id: [0-9]* rack' || true) == brokers )); do
  for id in $(seq 1 "$brokers"); do
    bash "$here/cluster-node.sh" status "$id" --dir "$dir" >/dev/null || { echo "start-cluster.sh: node $id exited before ready" >&2; stop 1; }
  done
  (( $(date +%s) < deadline )) || { echo "start-cluster.sh: timed out waiting for $brokers brokers" >&2; stop 1; }
  sleep 0.5
done
t1=$(date +%s%N)
echo "start-cluster.sh: Kafka cluster of $brokers ready in $(( (t1 - t0) / 1000000 )) ms (format + start + every broker answering)" >&2
echo "ready bootstrap=$bootstrap"

# Keep running until told to stop; `wait` on a short sleep lets the trap run at once.
while true; do sleep 1 & wait $! || true; done
