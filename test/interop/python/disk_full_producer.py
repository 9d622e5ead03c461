"""confluent-kafka-python (librdkafka) producer for test/interop/full-disk.test.ts.

Usage: disk_full_producer.py produce BOOTSTRAP < ARGS_JSON
  ARGS_JSON: {"topic", "prefix", "size", "max", "stopAfterErrors"}
Produces values "<prefix>-<i>-xxx…" (about `size` bytes) in small flushed groups, without
retries, until `max` messages are sent or `stopAfterErrors` deliveries have failed. Prints
{"acked": [[partition, offset, value]…], "errors": {error name: count}}.
"""
import json
import sys

from confluent_kafka import Producer


def produce(bootstrap, a):
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "acks": "all",
        # Every refusal reaches the delivery report as the broker's error, not as a timeout.
        "retries": 0,
        "enable.idempotence": False,
        "linger.ms": 2,
        "message.timeout.ms": 20000,
    })
    acked = []
    errors = {}

    def on_delivery(err, msg):
        if err is not None:
            errors[err.name()] = errors.get(err.name(), 0) + 1
        else:
            acked.append([msg.partition(), msg.offset(), msg.value().decode()])

    pad = "x" * max(0, a["size"] - 20)
    i = 0
    while i < a["max"] and sum(errors.values()) < a["stopAfterErrors"]:
        for _ in range(10):
            producer.produce(a["topic"], value=f"{a['prefix']}-{i}-{pad}".encode(), on_delivery=on_delivery)
            i += 1
        producer.flush(30)
    producer.flush(30)
    return {"acked": acked, "errors": errors}


if __name__ == "__main__":
    command, bootstrap = sys.argv[1], sys.argv[2]
    args = json.loads(sys.stdin.read() or "{}")
    print(json.dumps({"produce": produce}[command](bootstrap, args)))
