// Steady-state produce latency at a fixed rate, measured in one long-lived JVM: the first
// seconds (JIT, connection set-up, metadata) are sent but not measured, unlike
// kafka-producer-perf-test whose every run starts a fresh JVM and counts that start-up.
//
// usage: LatencyProbe BOOTSTRAP TOPIC RATE WARM_UP_SECONDS MEASURE_SECONDS ACKS RECORD_SIZE
// prints one JSON line: {"sent":…,"measured":…,"errors":…,"p50Ms":…,"p99Ms":…,"p999Ms":…,"maxMs":…}
import java.util.Arrays;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

public class LatencyProbe {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        int rate = Integer.parseInt(args[2]);
        int warmUpSeconds = Integer.parseInt(args[3]);
        int measureSeconds = Integer.parseInt(args[4]);
        String acks = args[5];
        int recordSize = Integer.parseInt(args[6]);

        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", acks);
        props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        byte[] value = new byte[recordSize];
        new Random(42).nextBytes(value);

        long warmUp = (long) rate * warmUpSeconds;
        long total = warmUp + (long) rate * measureSeconds;
        // Callbacks run on the producer's single I/O thread, so plain writes are safe here.
        long[] latencyNanos = new long[(int) (total - warmUp)];
        int[] measured = {0};
        long[] errors = {0};
        int perMillisecond = Math.max(1, rate / 1000);

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            long start = System.nanoTime();
            long sent = 0;
            // Sends in 1 ms slices of rate/1000 records, sleeping until each slice is due.
            for (long slice = 0; sent < total; slice++) {
                long due = start + slice * 1_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
                for (int i = 0; i < perMillisecond && sent < total; i++, sent++) {
                    final boolean measure = sent >= warmUp;
                    final long t0 = System.nanoTime();
                    producer.send(new ProducerRecord<>(topic, value), (md, e) -> {
                        if (e != null) errors[0]++;
                        else if (measure && measured[0] < latencyNanos.length) latencyNanos[measured[0]++] = System.nanoTime() - t0;
                    });
                }
            }
            producer.flush();
        }
        long[] l = Arrays.copyOf(latencyNanos, measured[0]);
        Arrays.sort(l);
        System.out.printf("{\"sent\":%d,\"measured\":%d,\"errors\":%d,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f,\"maxMs\":%.3f}%n",
            total, l.length, errors[0], at(l, 0.50), at(l, 0.99), at(l, 0.999), l.length == 0 ? 0.0 : l[l.length - 1] / 1e6);
    }

    static double at(long[] sorted, double q) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
