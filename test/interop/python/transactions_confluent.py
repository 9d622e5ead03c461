"""confluent-kafka-python (librdkafka) transactional API for test/interop/transactions-confluent.test.ts.

Usage: transactions_confluent.py run BOOTSTRAP < {"input", "output", "group", "txn_id"}
Writes 10 records to `input` (one partition), then with a transactional producer and a
read_committed consumer in `group`: transaction 1 carries the first 5 transformed records and
their offsets (committed), transaction 2 the other 5 (aborted after they were flushed),
transaction 3 the other 5 again with their offsets (committed). Prints one JSON document: the
values of `output` as read_committed and read_uncommitted consumers see them, and the group's
committed offset.
"""
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition


def read_all(bootstrap, topic, isolation, quiet_s=2.0):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "reader-" + uuid.uuid4().hex, "auto.offset.reset": "earliest",
                  "enable.auto.commit": False, "isolation.level": isolation})
    c.subscribe([topic])
    values = []
    last = time.time()
    start = time.time()
    while time.time() - last < quiet_s or (not values and time.time() - start < 30):
        m = c.poll(0.2)
        if m is None or m.error():
            continue
        values.append(m.value().decode())
        last = time.time()
    c.close()
    return sorted(values)


def run(bootstrap, args):
    src = Producer({"bootstrap.servers": bootstrap})
    for i in range(10):
        src.produce(args["input"], key=f"k{i}", value=f"v{i}", partition=0)
    src.flush(30)

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": args["group"], "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "isolation.level": "read_committed"})
    consumer.subscribe([args["input"]])
    records = []
    deadline = time.time() + 40
    while len(records) < 10 and time.time() < deadline:
        m = consumer.poll(0.5)
        if m is not None and not m.error():
            records.append(m)
    if len(records) < 10:
        raise RuntimeError(f"read {len(records)} of 10 input records")

    p = Producer({"bootstrap.servers": bootstrap, "transactional.id": args["txn_id"]})
    p.init_transactions(30)

    def transaction(batch, commit):
        p.begin_transaction()
        for m in batch:
            p.produce(args["output"], key=m.key(), value=m.value().decode().upper())
        p.flush(30)
        if commit:
            offsets = [TopicPartition(args["input"], 0, batch[-1].offset() + 1)]
            p.send_offsets_to_transaction(offsets, consumer.consumer_group_metadata(), 30)
            p.commit_transaction(30)
        else:
            p.abort_transaction(30)

    transaction(records[:5], True)
    transaction(records[5:], False)
    transaction(records[5:], True)

    committed = consumer.committed([TopicPartition(args["input"], 0)], timeout=30)[0].offset
    consumer.close()
    out = {
        "read_committed": read_all(bootstrap, args["output"], "read_committed"),
        "read_uncommitted": read_all(bootstrap, args["output"], "read_uncommitted"),
        "committed_offset": committed,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    cmd, bootstrap = sys.argv[1], sys.argv[2]
    args = json.load(sys.stdin)
    try:
        {"run": run}[cmd](bootstrap, args)
    except KafkaException as e:
        print(json.dumps({"error": str(e)}))
