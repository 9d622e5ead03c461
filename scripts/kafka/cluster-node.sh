#!/usr/bin/env bash
# cluster-node.sh start|kill|status N --dir DIR [--no-wait]
# Acts on node N of a Kafka cluster laid out by start-cluster.sh in DIR (its config in
# DIR/node-N/server.properties, its JVM's PID in DIR/node-N/pid, its log in DIR/node-N/server.log):
#   kill    kill -9 of the node's JVM (a real crash: no controlled shutdown), then waits until it is gone
#   start   starts the node again with the same config and data; waits until the cluster's
#           Metadata lists it as a live broker (skipped with --no-wait)
#   status  prints whether it runs
# start and status print `broker N pid P listening on H:P` (start-cluster.sh prints the same
# line on stderr for every node, like `kafkadesk cluster`); kill prints `broker N killed pid P`.
# The JVM outlives this script: start-cluster.sh stops it with the rest of the cluster.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() { echo "usage: cluster-node.sh start|kill|status N --dir DIR [--no-wait]" >&2; exit 2; }
op="${1:-}"; node="${2:-}"
[[ $# -ge 2 ]] && shift 2 || usage
dir=""
wait_ready=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --no-wait) wait_ready=0; shift ;;
    *) usage ;;
  esac
done
[[ -n "$dir" && "$node" =~ ^[0-9]+$ ]] || usage
ndir="$dir/node-$node"
conf="$ndir/server.properties"
[[ -f "$conf" ]] || { echo "cluster-node.sh: no node $node in $dir (no $conf)" >&2; exit 2; }
pidfile="$ndir/pid"
addr="$(sed -n 's#^advertised.listeners=PLAINTEXT://##p' "$conf")"

running_pid() {
  local p
  [[ -f "$pidfile" ]] || return 1
  p="$(cat "$pidfile")"
  # The PID must still be this node's JVM (a PID can be reused after the JVM died).
  [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null || return 1
  cmd="$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null || true)"
  [[ "$cmd" == *"kafka.Kafka $conf"* ]] || return 1
  echo "$p"
}

case "$op" in
  status)
    if p="$(running_pid)"; then echo "broker $node pid $p listening on $addr"; else echo "broker $node stopped"; exit 1; fi
    ;;
  kill)
    p="$(running_pid)" || { echo "cluster-node.sh: broker $node is not running" >&2; exit 1; }
    kill -KILL "$p"
    while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
    echo "broker $node killed pid $p"
    ;;
  start)
    if p="$(running_pid)"; then echo "cluster-node.sh: broker $node already runs (pid $p)" >&2; exit 1; fi
    # Same JVM settings as start-cluster.sh (inherited through the environment when it starts us).
    KAFKA_HEAP_OPTS="${KAFKA_BROKER_HEAP_OPTS:--Xms128m -Xmx256m}" \
    KAFKA_JVM_PERFORMANCE_OPTS="${KAFKA_BROKER_JVM_OPTS:--XX:+UseSerialGC}" \
      nohup bash "$here/kafka-run.sh" kafka.Kafka "$conf" </dev/null >>"$ndir/server.log" 2>&1 &
    p=$!   # kafka-run.sh execs java: this is the JVM's PID
    echo "$p" > "$pidfile"
    if [[ $wait_ready -eq 1 ]]; then
      deadline=$(( $(date +%s) + ${KAFKA_START_TIMEOUT:-120} ))
      # Registered and unfenced: a broker appears in Metadata (which the API-versions tool walks)
      # only once the controller has let it in; asked of the node itself, this also proves it serves.
      until [[ "$(bash "$here/kafka-run.sh" org.apache.kafka.tools.BrokerApiVersionsCommand \
          --bootstrap-server "$addr" 2>/dev/null || true)" == *"(id: $node rack"* ]]; do
        kill -0 "$p" 2>/dev/null || { tail -n 40 "$ndir/server.log" >&2; echo "cluster-node.sh: broker $node exited" >&2; exit 1; }
        (( $(date +%s) < deadline )) || { echo "cluster-node.sh: broker $node not serving in time" >&2; exit 1; }
        sleep 0.5
      done
    fi
    echo "broker $node pid $p listening on $addr"
    ;;
  *) usage ;;
esac
