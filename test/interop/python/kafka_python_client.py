"""kafka-python driver for test/interop/kafka-python.test.ts.

Usage: kafka_python_client.py COMMAND BOOTSTRAP < ARGS_JSON
Prints one JSON document on stdout. kafka-python picks protocol versions by guessing the
broker release from its ApiVersions answer (no api_version is forced here on purpose).
Commands:
  create     {"topic", "partitions"}                       -> topic metadata, detected version
  produce    {"topic", "codec", "messages": [{key, value}]} -> record metadata per message
  consume    {"topic", "count", "group"}                   -> records read from the beginning
  offsets    {"topic", "partitions", "times": [ts…]}       -> beginning/end offsets, offsets for times
  configs    {"topic", "set": {name: value}}               -> config entries after altering
  partitions {"topic", "count"}                            -> partition ids after growing
  delete     {"topic"}                                     -> whether the topic is gone
"""
import json
import logging
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions, NewTopic
from kafka.errors import TopicAlreadyExistsError

logging.basicConfig(stream=sys.stderr, level=logging.WARNING)


def admin_client(bootstrap):
    return KafkaAdminClient(bootstrap_servers=bootstrap, client_id="interop-kafka-python", request_timeout_ms=20000)


def partitions_of(bootstrap, topic, want):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    deadline = time.time() + 10
    parts = consumer.partitions_for_topic(topic) or set()
    while len(parts) < want and time.time() < deadline:
        time.sleep(0.2)
        consumer.close()
        consumer = KafkaConsumer(bootstrap_servers=bootstrap)
        parts = consumer.partitions_for_topic(topic) or set()
    version = consumer.config["api_version"]
    consumer.close()
    return sorted(parts), version


def create(bootstrap, a):
    admin = admin_client(bootstrap)
    admin.create_topics([NewTopic(a["topic"], num_partitions=a["partitions"], replication_factor=1)])
    try:
        admin.create_topics([NewTopic(a["topic"], num_partitions=a["partitions"], replication_factor=1)])
        again = None
    except TopicAlreadyExistsError as e:
        again = type(e).__name__
    admin.close()
    parts, version = partitions_of(bootstrap, a["topic"], a["partitions"])
    return {"partitions": parts, "again_error": again, "api_version": list(version)}


def produce(bootstrap, a):
    codec = None if a["codec"] == "none" else a["codec"]
    producer = KafkaProducer(bootstrap_servers=bootstrap, compression_type=codec, acks="all", linger_ms=5)
    futures = [
        (m, producer.send(a["topic"], key=m["key"].encode(), value=m["value"].encode()))
        for m in a["messages"]
    ]
    producer.flush(30)
    reports = []
    for m, f in futures:
        md = f.get(timeout=30)
        reports.append({"partition": md.partition, "offset": md.offset, "key": m["key"], "value": m["value"]})
    producer.close()
    return {"reports": reports}


def consume(bootstrap, a):
    consumer = KafkaConsumer(
        a["topic"],
        bootstrap_servers=bootstrap,
        group_id=a["group"],
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=200,
    )
    records = []
    deadline = time.time() + 45
    extra_until = None
    while time.time() < deadline:
        # Count distinct offsets: after a rebalance a consumer may see an offset again.
        if extra_until is None and len({(r["partition"], r["offset"]) for r in records}) >= a["count"]:
            extra_until = time.time() + 0.5
        if extra_until is not None and time.time() > extra_until:
            break
        for tp, batch in consumer.poll(timeout_ms=200).items():
            for msg in batch:
                records.append({
                    "partition": msg.partition,
                    "offset": msg.offset,
                    "key": msg.key.decode() if msg.key is not None else None,
                    "value": msg.value.decode() if msg.value is not None else None,
                    "timestamp": msg.timestamp,
                })
    consumer.commit()
    committed = sorted(
        [p, consumer.committed(TopicPartition(a["topic"], p))]
        for p in sorted(consumer.partitions_for_topic(a["topic"]))
    )
    consumer.close()
    return {"records": records, "committed": committed}


def offsets(bootstrap, a):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    tps = [TopicPartition(a["topic"], p) for p in range(a["partitions"])]
    begin = consumer.beginning_offsets(tps)
    end = consumer.end_offsets(tps)
    times = []
    for ts in a["times"]:
        res = consumer.offsets_for_times({tp: ts for tp in tps})
        times.append(sorted([tp.partition, v.offset if v is not None else None] for tp, v in res.items()))
    consumer.close()
    return {
        "beginning": sorted([tp.partition, o] for tp, o in begin.items()),
        "end": sorted([tp.partition, o] for tp, o in end.items()),
        "times": times,
    }


def configs(bootstrap, a):
    admin = admin_client(bootstrap)
    admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, a["topic"], configs=a["set"])])
    # Apache Kafka applies the change through its metadata log: describe until it shows.
    deadline = time.time() + 10
    while True:
        resp = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, a["topic"])])
        entries = {}
        for r in resp:
            for res in r.resources:
                error_code, _msg, _type, _name, config_entries = res[:5]
                if error_code:
                    raise RuntimeError(f"describe_configs error {error_code}")
                for e in config_entries:
                    # DescribeConfigs v1+: name, value, read_only, config_source, is_sensitive, synonyms
                    entries[e[0]] = {"value": e[1], "read_only": e[2], "source": e[3]}
        applied = all(entries.get(k, {}).get("value") == v for k, v in a["set"].items())
        if applied or time.time() > deadline:
            break
        time.sleep(0.2)
    admin.close()
    return {"entries": entries}


def partitions(bootstrap, a):
    admin = admin_client(bootstrap)
    admin.create_partitions({a["topic"]: NewPartitions(total_count=a["count"])})
    admin.close()
    parts, _ = partitions_of(bootstrap, a["topic"], a["count"])
    return {"partitions": parts}


def delete(bootstrap, a):
    admin = admin_client(bootstrap)
    admin.delete_topics([a["topic"]], timeout_ms=10000)
    deadline = time.time() + 15
    gone = False
    while time.time() < deadline:
        if a["topic"] not in admin.list_topics():
            gone = True
            break
        time.sleep(0.2)
    admin.close()
    return {"gone": gone}


COMMANDS = {f.__name__: f for f in (create, produce, consume, offsets, configs, partitions, delete)}

if __name__ == "__main__":
    command, bootstrap = sys.argv[1], sys.argv[2]
    args = json.loads(sys.stdin.read() or "{}")
    print(json.dumps(COMMANDS[command](bootstrap, args)))
