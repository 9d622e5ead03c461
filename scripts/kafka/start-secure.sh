#!/usr/bin/env bash
# start-secure.sh --dir DIR [--config K=V]… [--config-only]
# Runs a single-node Apache Kafka 4.1 (KRaft, combined broker + controller) secured as production
# clusters usually are, on 127.0.0.1 only:
#   listeners   PLAINTEXT (inter-broker), SSL, SASL_PLAINTEXT, SASL_SSL (+ CONTROLLER), free ports
#   SASL        PLAIN (users admin, alice, bob: password <name>-secret) and SCRAM-SHA-256/512
#               (no SCRAM users: create them with kafka-configs --alter --add-config 'SCRAM-SHA-256=[…]')
#   TLS         a local CA and broker certificate issued with openssl into DIR/secrets (PEM keystore
#               and truststore; no client certificates asked for)
#   ACLs        StandardAuthorizer, super.users User:admin and User:ANONYMOUS (the PLAINTEXT
#               inter-broker and controller listeners have no other identity), no ACL means denied
# The security settings are written to DIR/secure.properties; --config-only writes that file (and
# the certificates) and exits, so the embedded cluster can be started with exactly the same file
# (kafkadesk cluster --config DIR/secure.properties --config listeners=…).
# Prints one line per listener on stderr, `[broker 1] listener NAME (PROTOCOL) on 127.0.0.1:P`,
# then one stdout line `ready bootstrap=127.0.0.1:<PLAINTEXT port>` once the broker answers.
# SIGTERM/SIGINT stop the broker.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

dir=""
config_only=0
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --config) extra+=("$2"); shift 2 ;;
    --config-only) config_only=1; shift ;;
    *) echo "usage: start-secure.sh --dir DIR [--config K=V]… [--config-only]" >&2; exit 2 ;;
  esac
done
[[ -n "$dir" ]] || { echo "usage: start-secure.sh --dir DIR [--config K=V]… [--config-only]" >&2; exit 2; }
command -v openssl >/dev/null || { echo "start-secure.sh: openssl not found (apt-get install openssl)" >&2; exit 1; }

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
secrets="$dir/secrets"

# --- certificates: a CA and a broker certificate for localhost / 127.0.0.1 ---------------------
if [[ ! -f "$secrets/broker.pem" ]]; then
  mkdir -p "$secrets"
  chmod 700 "$secrets"
  (
    cd "$secrets"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=Kafkadesk test CA" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout broker.key -out broker.csr -subj "/CN=localhost/O=Kafkadesk" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n' > broker.ext
    openssl x509 -req -in broker.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out broker.crt -days 825 -extfile broker.ext 2>/dev/null
    # Kafka's PEM keystore file: the private key (PKCS#8) and the certificate chain.
    cat broker.key broker.crt > broker.pem
    chmod 600 ca.key broker.key broker.pem
  )
fi

# --- the security settings, shared with the embedded cluster -----------------------------------
plain='org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret" user_alice="alice-secret" user_bob="bob-secret";'
scram='org.apache.kafka.common.security.scram.ScramLoginModule required;'
cat > "$dir/secure.properties" <<PROPS
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=$plain
listener.name.sasl_ssl.plain.sasl.jaas.config=$plain
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=$scram
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=$scram
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=$scram
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=$scram
ssl.keystore.type=PEM
ssl.keystore.location=$secrets/broker.pem
ssl.truststore.type=PEM
ssl.truststore.location=$secrets/ca.crt
ssl.client.auth=none
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=false
PROPS
for kv in "${extra[@]}"; do echo "$kv" >> "$dir/secure.properties"; done
if [[ $config_only == 1 ]]; then
  echo "start-secure.sh: wrote $dir/secure.properties and $secrets" >&2
  exit 0
fi

bash "$here/fetch.sh"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
declare -A port
used=" "
for name in PLAINTEXT SSL SASL_PLAINTEXT SASL_SSL CONTROLLER; do
  p="$(free_port)"
  while [[ "$used" == *" $p "* ]]; do p="$(free_port)"; done
  used+="$p "
  port[$name]=$p
done

conf="$dir/server.properties"
{
  cat "$dir/secure.properties"
  cat <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${port[CONTROLLER]}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:${port[PLAINTEXT]},SSL://127.0.0.1:${port[SSL]},SASL_PLAINTEXT://127.0.0.1:${port[SASL_PLAINTEXT]},SASL_SSL://127.0.0.1:${port[SASL_SSL]},CONTROLLER://127.0.0.1:${port[CONTROLLER]}
advertised.listeners=PLAINTEXT://127.0.0.1:${port[PLAINTEXT]},SSL://127.0.0.1:${port[SSL]},SASL_PLAINTEXT://127.0.0.1:${port[SASL_PLAINTEXT]},SASL_SSL://127.0.0.1:${port[SASL_SSL]}
log.dirs=$dir/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
PROPS
} > "$conf"

cluster_id=""
while [[ -z "$cluster_id" || "$cluster_id" == -* ]]; do
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
done
t0=$(date +%s%N)
if [[ ! -f "$dir/data/meta.properties" ]]; then
  KAFKA_HEAP_OPTS="-Xmx256m" bash "$here/kafka-run.sh" kafka.tools.StorageTool format -t "$cluster_id" -c "$conf" >&2
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

deadline=$(( $(date +%s) + ${KAFKA_START_TIMEOUT:-120} ))
until (exec 3<>"/dev/tcp/127.0.0.1/${port[PLAINTEXT]}") 2>/dev/null; do
  kill -0 "$kpid" 2>/dev/null || { wait "$kpid" || true; echo "start-secure.sh: broker exited before listening" >&2; exit 1; }
  (( $(date +%s) < deadline )) || { echo "start-secure.sh: timed out waiting for port ${port[PLAINTEXT]}" >&2; kill "$kpid"; exit 1; }
  sleep 0.2
done
until bash "$here/kafka-run.sh" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "127.0.0.1:${port[PLAINTEXT]}" --list >/dev/null 2>&1; do
  kill -0 "$kpid" 2>/dev/null || { wait "$kpid" || true; echo "start-secure.sh: broker exited" >&2; exit 1; }
  (( $(date +%s) < deadline )) || { echo "start-secure.sh: timed out waiting for broker" >&2; kill "$kpid"; exit 1; }
  sleep 0.5
done
t1=$(date +%s%N)
echo "start-secure.sh: Kafka ready in $(( (t1 - t0) / 1000000 )) ms" >&2
for name in PLAINTEXT SSL SASL_PLAINTEXT SASL_SSL; do
  echo "[broker 1] listener $name ($name) on 127.0.0.1:${port[$name]}" >&2
done
echo "ready bootstrap=127.0.0.1:${port[PLAINTEXT]}"

wait "$kpid" || true
