"""confluent-kafka-python consumers in one group with cooperative-sticky assignment.

Usage: groups-confluent.py BOOTSTRAP TOPIC GROUP CONSUMERS EXPECTED
Starts CONSUMERS consumers in one thread, polls them round-robin until EXPECTED messages were
read in total, closes them (committing) and prints JSON: per consumer the partitions it owned at
the end of the first stable round, and the values read.
"""
import json
import sys
import time

from confluent_kafka import Consumer

bootstrap, topic, group, n, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
owned = [set() for _ in range(n)]


def on_assign(i):
    def cb(consumer, partitions):
        owned[i].update(p.partition for p in partitions)
    return cb


def on_revoke(i):
    def cb(consumer, partitions):
        owned[i].difference_update(p.partition for p in partitions)
    return cb


consumers = []
for i in range(n):
    c = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "client.id": f"groups-confluent-{i}",
        "partition.assignment.strategy": "cooperative-sticky",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": True,
        "auto.commit.interval.ms": 500,
        "session.timeout.ms": 10000,
        "heartbeat.interval.ms": 1000,
    })
    c.subscribe([topic], on_assign=on_assign(i), on_revoke=on_revoke(i))
    consumers.append(c)

values = []
snapshot = None
deadline = time.time() + 60
while time.time() < deadline and (len(values) < expected or snapshot is None):
    for c in consumers:
        m = c.poll(0.05)
        if m is not None and not m.error():
            values.append(m.value().decode())
    total = sum(len(o) for o in owned)
    if snapshot is None and all(owned) and total == len(set().union(*owned)):
        parts = len(consumers[0].list_topics(topic, timeout=5).topics[topic].partitions)
        if total == parts:
            snapshot = [sorted(o) for o in owned]
for c in consumers:
    c.close()
print(json.dumps({"owned": snapshot, "values": values}))
