"""confluent-kafka-python (librdkafka) driver for test/interop/confluent-python.test.ts.

Usage: confluent_client.py COMMAND BOOTSTRAP ARGS_JSON < input
Prints one JSON document on stdout; librdkafka logs go to stderr.
Commands:
  create     {"topic", "partitions"}                       -> metadata of the topic
  produce    {"topic", "codec", "messages": [{key, value}]} -> delivery reports
  consume    {"topic", "count", "group"}                   -> records read from the beginning
  offsets    {"topic", "partitions", "times": [ts…]}       -> watermarks, offsets for times
  configs    {"topic", "set": {name: value}}               -> config entries after altering
  partitions {"topic", "count"}                            -> partition count after growing
  delete     {"topic"}                                     -> whether the topic is gone
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic


def topic_meta(admin, topic):
    md = admin.list_topics(topic=topic, timeout=10)
    t = md.topics[topic]
    return {
        "error": str(t.error) if t.error else None,
        "brokers": sorted(md.brokers.keys()),
        "partitions": sorted(
            ({"id": p.id, "leader": p.leader, "replicas": list(p.replicas), "isrs": list(p.isrs)} for p in t.partitions.values()),
            key=lambda p: p["id"],
        ),
    }


def create(bootstrap, a):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(a["topic"], num_partitions=a["partitions"], replication_factor=1)], operation_timeout=10)
    futures[a["topic"]].result()
    # Creating it again must fail with TOPIC_ALREADY_EXISTS.
    again = admin.create_topics([NewTopic(a["topic"], num_partitions=a["partitions"], replication_factor=1)])
    try:
        again[a["topic"]].result()
        again_error = None
    except KafkaException as e:
        again_error = e.args[0].name()
    deadline = time.time() + 10
    meta = topic_meta(admin, a["topic"])
    while (meta["error"] or len(meta["partitions"]) < a["partitions"]) and time.time() < deadline:
        time.sleep(0.1)
        meta = topic_meta(admin, a["topic"])
    meta["again_error"] = again_error
    return meta


def produce(bootstrap, a):
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "compression.type": a["codec"],
        # The Java client's partitioner, so keys land where Java would put them.
        "partitioner": "murmur2_random",
        "linger.ms": 5,
        "acks": "all",
    })
    reports = []
    errors = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            reports.append({"partition": msg.partition(), "offset": msg.offset(), "key": msg.key().decode(), "value": msg.value().decode()})

    for m in a["messages"]:
        producer.produce(a["topic"], key=m["key"].encode(), value=m["value"].encode(), on_delivery=on_delivery)
    remaining = producer.flush(30)
    return {"reports": reports, "errors": errors, "unflushed": remaining}


def consume(bootstrap, a):
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": a["group"],
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "enable.partition.eof": False,
    })
    consumer.subscribe([a["topic"]])
    records = []
    errors = []
    deadline = time.time() + 45
    extra_until = None
    while time.time() < deadline:
        # Count distinct offsets: after a rebalance a consumer may see an offset again.
        if extra_until is None and len({(r["partition"], r["offset"]) for r in records}) >= a["count"]:
            extra_until = time.time() + 0.5  # catch anything beyond what was expected
        if extra_until is not None and time.time() > extra_until:
            break
        msg = consumer.poll(0.2)
        if msg is None:
            continue
        if msg.error():
            errors.append(str(msg.error()))
            continue
        records.append({
            "partition": msg.partition(),
            "offset": msg.offset(),
            "key": msg.key().decode() if msg.key() is not None else None,
            "value": msg.value().decode() if msg.value() is not None else None,
            "timestamp": msg.timestamp()[1],
        })
    # Commit what was read and read the commit back.
    committed = []
    if records:
        ends = {}
        for r in records:
            ends[r["partition"]] = max(ends.get(r["partition"], -1), r["offset"] + 1)
        consumer.commit(offsets=[TopicPartition(a["topic"], p, o) for p, o in ends.items()], asynchronous=False)
        got = consumer.committed([TopicPartition(a["topic"], p) for p in ends], timeout=10)
        committed = sorted([[tp.partition, tp.offset] for tp in got])
    consumer.close()
    return {"records": records, "errors": errors, "committed": committed}


def offsets(bootstrap, a):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "interop-offsets-probe", "enable.auto.commit": False})
    watermarks = []
    for p in range(a["partitions"]):
        low, high = consumer.get_watermark_offsets(TopicPartition(a["topic"], p), timeout=10)
        watermarks.append([p, low, high])
    times = []
    for ts in a["times"]:
        res = consumer.offsets_for_times([TopicPartition(a["topic"], p, ts) for p in range(a["partitions"])], timeout=10)
        times.append(sorted([[tp.partition, tp.offset] for tp in res]))
    consumer.close()
    return {"watermarks": watermarks, "times": times}


def configs(bootstrap, a):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    # AlterConfigs (non-incremental): the given set replaces the topic's overrides.
    res = ConfigResource(ConfigResource.Type.TOPIC, a["topic"], set_config=a["set"])
    for f in admin.alter_configs([res]).values():
        f.result()
    # Apache Kafka applies the change through its metadata log: describe until it shows.
    deadline = time.time() + 10
    while True:
        desc = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, a["topic"])])
        entries = {}
        for f in desc.values():
            for name, e in f.result().items():
                entries[name] = {"value": e.value, "is_default": e.is_default, "source": e.source, "read_only": e.is_read_only}
        if all(entries.get(k, {}).get("value") == v for k, v in a["set"].items()) or time.time() > deadline:
            return {"entries": entries}
        time.sleep(0.2)


def partitions(bootstrap, a):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_partitions([NewPartitions(a["topic"], a["count"])], operation_timeout=10)[a["topic"]].result()
    deadline = time.time() + 10
    meta = topic_meta(admin, a["topic"])
    while len(meta["partitions"]) < a["count"] and time.time() < deadline:
        time.sleep(0.1)
        meta = topic_meta(admin, a["topic"])
    return meta


def delete(bootstrap, a):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.delete_topics([a["topic"]], operation_timeout=10)[a["topic"]].result()
    deadline = time.time() + 15
    while time.time() < deadline:
        if a["topic"] not in admin.list_topics(timeout=10).topics:
            return {"gone": True}
        time.sleep(0.2)
    return {"gone": False}


COMMANDS = {f.__name__: f for f in (create, produce, consume, offsets, configs, partitions, delete)}

if __name__ == "__main__":
    command, bootstrap = sys.argv[1], sys.argv[2]
    args = json.loads(sys.stdin.read() or "{}")
    print(json.dumps(COMMANDS[command](bootstrap, args)))
