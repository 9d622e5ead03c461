#!/usr/bin/env bash
# Resolves Apache Kafka 4.1.1 (broker, tools, clients) plus runtime dependencies and a log4j2
# backend from Maven Central into .cache/kafka/libs (repo-relative). Idempotent: when the jars
# for the pom in this directory are already there it returns at once.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
libs="$root/.cache/kafka/libs"
stamp="$root/.cache/kafka/libs.stamp"
want="$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -f "$libs/kafka_2.13-4.1.1.jar" ]]; then
  exit 0
fi

command -v mvn >/dev/null || { echo "fetch.sh: mvn not found (install Maven 3.8+)" >&2; exit 1; }
command -v java >/dev/null || { echo "fetch.sh: java not found (install Java 17+)" >&2; exit 1; }

echo "fetch.sh: resolving Kafka jars into .cache/kafka/libs" >&2
tmp="$libs.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
if ! mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" > "$tmp.log" 2>&1; then
  cat "$tmp.log" >&2
  rm -rf "$tmp" "$tmp.log"
  echo "fetch.sh: Maven could not resolve the Kafka jars" >&2
  exit 1
fi
rm -f "$tmp.log"
rm -rf "$libs"
mv "$tmp" "$libs"
echo "$want" > "$stamp"
echo "fetch.sh: $(ls "$libs" | wc -l) jars in .cache/kafka/libs" >&2
