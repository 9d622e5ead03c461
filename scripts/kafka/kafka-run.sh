#!/usr/bin/env bash
# kafka-run.sh CLASS [args…] — runs a Kafka main class on the classpath fetched by fetch.sh,
# logging warnings to stderr. Env: KAFKA_HEAP_OPTS (default -Xmx256m), KAFKA_OPTS (extra JVM
# flags), KAFKA_JVM_PERFORMANCE_OPTS (GC/JIT flags), KAFKA_LOG_LEVEL (default WARN).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
libs="$root/.cache/kafka/libs"
if [[ ! -f "$libs/kafka_2.13-4.1.1.jar" ]]; then
  bash "$here/fetch.sh"
fi
if [[ $# -lt 1 ]]; then
  echo "usage: kafka-run.sh MAIN_CLASS [args…]" >&2
  exit 2
fi
class="$1"; shift
# Short-lived tools start faster with C1 only and a serial GC (override: KAFKA_JVM_PERFORMANCE_OPTS).
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} \
  ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1} \
  -Djava.awt.headless=true \
  -Dlog4j2.configurationFile="$here/log4j2.properties" \
  ${KAFKA_OPTS:-} \
  -cp "$libs/*" "$class" "$@"
