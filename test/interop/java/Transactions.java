// Transactional Java clients for test/interop/transactions.test.ts, run against the Kafka client
// jars in .cache/kafka/libs. Each mode prints what it saw on stdout, one fact per line.
//
//   alternate  BOOTSTRAP TOPIC ROUNDS TXN_ID [PREFIX]  commits even rounds, aborts odd ones (2 records each)
//   consume    BOOTSTRAP TOPIC ISOLATIONS MS    prints "<isolation> <value>" for every value readable with
//                                               each isolation level (comma-separated), read until MS quiet
//   zombie     BOOTSTRAP TOPIC TXN_ID           a producer fenced by a newer one with the same id
//   timeout    BOOTSTRAP TOPIC TXN_ID           a transaction left open past transaction.timeout.ms (3 s)
//   ctp        BOOTSTRAP IN OUT GROUP TXN_ID CRASH_AFTER IDLE_MS
//              consume-transform-produce with sendOffsetsToTransaction; halts (as kill -9) after
//              sending CRASH_AFTER records when that is > 0
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class Transactions {
  public static void main(String[] a) throws Exception {
    switch (a[0]) {
      case "alternate" -> alternate(a[1], a[2], Integer.parseInt(a[3]), a[4], a.length > 5 ? a[5] : "r");
      case "consume" -> consume(a[1], a[2], a[3], Long.parseLong(a[4]));
      case "zombie" -> zombie(a[1], a[2], a[3]);
      case "timeout" -> timeout(a[1], a[2], a[3]);
      case "ctp" -> ctp(a[1], a[2], a[3], a[4], a[5], Integer.parseInt(a[6]), Long.parseLong(a[7]));
      default -> throw new IllegalArgumentException("unknown mode " + a[0]);
    }
  }

  static KafkaProducer<String, String> producer(String bootstrap, String txnId) {
    return producer(bootstrap, txnId, "60000");
  }

  static KafkaProducer<String, String> producer(String bootstrap, String txnId, String txnTimeoutMs) {
    Properties p = new Properties();
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, txnTimeoutMs);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    return new KafkaProducer<>(p);
  }

  static KafkaConsumer<String, String> consumer(String bootstrap, String group, String isolation) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    if (group != null) c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
    c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return new KafkaConsumer<>(c);
  }

  static void alternate(String bootstrap, String topic, int rounds, String txnId, String prefix) {
    try (KafkaProducer<String, String> p = producer(bootstrap, txnId)) {
      p.initTransactions();
      for (int r = 0; r < rounds; r++) {
        p.beginTransaction();
        for (int j = 0; j < 2; j++) p.send(new ProducerRecord<>(topic, "k" + j, prefix + r + "-" + j));
        p.flush(); // the aborted records reach the log too
        if (r % 2 == 0) p.commitTransaction();
        else p.abortTransaction();
      }
    }
    System.out.println("done");
  }

  /** Every value of the topic, read from the beginning until nothing new came for `quietMs`. */
  static void consume(String bootstrap, String topic, String isolations, long quietMs) {
    for (String isolation : isolations.split(",")) consumeOne(bootstrap, topic, isolation, quietMs);
  }

  static void consumeOne(String bootstrap, String topic, String isolation, long quietMs) {
    try (KafkaConsumer<String, String> c = consumer(bootstrap, null, isolation)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo pi : c.partitionsFor(topic)) parts.add(new TopicPartition(topic, pi.partition()));
      c.assign(parts);
      c.seekToBeginning(parts);
      long last = System.currentTimeMillis();
      while (System.currentTimeMillis() - last < quietMs) {
        ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(200));
        for (ConsumerRecord<String, String> r : rs) {
          System.out.println(isolation + " " + r.value());
          last = System.currentTimeMillis();
        }
      }
    }
  }

  static void zombie(String bootstrap, String topic, String txnId) {
    KafkaProducer<String, String> old = producer(bootstrap, txnId);
    old.initTransactions();
    old.beginTransaction();
    old.send(new ProducerRecord<>(topic, "z", "zombie-1"));
    old.flush();
    try (KafkaProducer<String, String> fresh = producer(bootstrap, txnId)) {
      // fences the old epoch and aborts its open transaction
      fresh.initTransactions();
      fresh.beginTransaction();
      fresh.send(new ProducerRecord<>(topic, "n", "fresh-1"));
      fresh.commitTransaction();
      System.out.println("fresh committed");
    }
    try {
      old.send(new ProducerRecord<>(topic, "z", "zombie-2")).get();
      old.commitTransaction();
      System.out.println("zombie committed");
    } catch (Exception e) {
      StringBuilder chain = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) chain.append(' ').append(t.getClass().getSimpleName());
      System.out.println("zombie failed" + chain);
    } finally {
      old.close(Duration.ofSeconds(5));
    }
  }

  /** The coordinator aborts the open transaction once it is older than its timeout: the producer is fenced, the LSO moves on. */
  static void timeout(String bootstrap, String topic, String txnId) throws InterruptedException {
    KafkaProducer<String, String> p = producer(bootstrap, txnId, "3000");
    p.initTransactions();
    p.beginTransaction();
    p.send(new ProducerRecord<>(topic, "h", "hanging"));
    p.flush();
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> q = new KafkaProducer<>(pp)) {
      q.send(new ProducerRecord<>(topic, "a", "after"));
    }
    // transaction.abort.timed.out.transaction.cleanup.interval.ms is 10 s by default
    Thread.sleep(16_000);
    try {
      p.commitTransaction();
      System.out.println("timed out transaction committed");
    } catch (Exception e) {
      StringBuilder chain = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) chain.append(' ').append(t.getClass().getSimpleName());
      System.out.println("commit failed" + chain);
    } finally {
      p.close(Duration.ofSeconds(5));
    }
  }

  static void ctp(String bootstrap, String in, String out, String group, String txnId, int crashAfter, long idleMs) {
    KafkaConsumer<String, String> c = consumer(bootstrap, group, "read_committed");
    KafkaProducer<String, String> p = producer(bootstrap, txnId);
    p.initTransactions();
    c.subscribe(List.of(in));
    int sent = 0;
    int txns = 0;
    long idleSince = System.currentTimeMillis();
    // until the first records arrive (joining the group takes a while) wait up to a minute
    long limit = 60_000;
    while (System.currentTimeMillis() - idleSince < limit) {
      ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(300));
      if (rs.isEmpty()) continue;
      limit = idleMs;
      idleSince = System.currentTimeMillis();
      p.beginTransaction();
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (ConsumerRecord<String, String> r : rs) {
        p.send(new ProducerRecord<>(out, r.key(), r.value().toUpperCase()));
        offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        if (++sent == crashAfter) {
          p.flush();
          System.out.println("crashing after " + sent);
          System.out.flush();
          Runtime.getRuntime().halt(3);
        }
      }
      p.sendOffsetsToTransaction(offsets, c.groupMetadata());
      p.commitTransaction();
      txns++;
    }
    System.out.println("processed " + sent + " in " + txns + " transactions");
    p.close(Duration.ofSeconds(5));
    c.close(Duration.ofSeconds(5));
  }
}
