// A Kafka Streams application like the seed's tweet filter, for test/interop/streams.test.ts:
// JSON tweets {"id","user","retweets"} are filtered by retweet count (>= 10) into a new topic,
// and counted per user (a groupBy: repartition topic; a count store: changelog topic), with
// processing.guarantee=exactly_once_v2.
//
//   TweetStreams BOOTSTRAP APP_ID N STATE_DIR
// writes N tweets (tweet i: user u(i%5), retweets (i*7)%20), runs the application until the
// outputs, read with read_committed, hold every tweet's result (or 120 s pass), and prints:
//   popular <id>          each record of <APP_ID>-popular
//   count <user> <n>      each record of <APP_ID>-counts, in order
//   topic <name>          the application's internal topics
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

public class TweetStreams {
  static final ObjectMapper JSON = new ObjectMapper();

  static int retweets(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      return n.get("retweets").asInt();
    } catch (Exception e) {
      return -1;
    }
  }

  static String user(String json) {
    try {
      return JSON.readTree(json).get("user").asText();
    } catch (Exception e) {
      return "unknown";
    }
  }

  public static void main(String[] a) throws Exception {
    String bootstrap = a[0];
    String app = a[1];
    int n = Integer.parseInt(a[2]);
    String input = app + "-tweets", popular = app + "-popular", counts = app + "-counts";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(input, 3, (short) 1), new NewTopic(popular, 3, (short) 1), new NewTopic(counts, 3, (short) 1))).all().get();
    }
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> p = new KafkaProducer<>(pp)) {
      for (int i = 0; i < n; i++) {
        String tweet = "{\"id\":\"t" + i + "\",\"user\":\"u" + (i % 5) + "\",\"retweets\":" + ((i * 7) % 20) + "}";
        p.send(new ProducerRecord<>(input, "t" + i, tweet));
      }
    }

    Properties sp = new Properties();
    sp.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
    sp.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    sp.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    sp.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    sp.put(StreamsConfig.STATE_DIR_CONFIG, a[3]);
    sp.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
    sp.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    sp.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10000);
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> tweets = b.stream(input, Consumed.with(Serdes.String(), Serdes.String()));
    tweets.filter((k, v) -> retweets(v) >= 10).to(popular, Produced.with(Serdes.String(), Serdes.String()));
    tweets.groupBy((k, v) -> user(v), Grouped.with("by-user", Serdes.String(), Serdes.String()))
        .count(Materialized.as("tweet-counts"))
        .toStream()
        .to(counts, Produced.with(Serdes.String(), Serdes.Long()));
    KafkaStreams streams = new KafkaStreams(b.build(), sp);
    streams.start();

    int expectedPopular = 0;
    for (int i = 0; i < n; i++) if ((i * 7) % 20 >= 10) expectedPopular++;
    Map<String, Long> expectedCounts = new HashMap<>();
    for (int i = 0; i < n; i++) expectedCounts.merge("u" + (i % 5), 1L, Long::sum);

    List<String> out = new ArrayList<>();
    Map<String, Long> last = new HashMap<>();
    int popularSeen = 0;
    try (KafkaConsumer<String, String> pc = consumer(bootstrap, StringDeserializer.class);
         KafkaConsumer<String, Long> cc = consumer(bootstrap, LongDeserializer.class)) {
      pc.subscribe(List.of(popular));
      cc.subscribe(List.of(counts));
      long deadline = System.currentTimeMillis() + 120_000;
      while (System.currentTimeMillis() < deadline && (popularSeen < expectedPopular || !last.equals(expectedCounts))) {
        for (ConsumerRecord<String, String> r : pc.poll(Duration.ofMillis(200))) {
          out.add("popular " + r.key());
          popularSeen++;
        }
        for (ConsumerRecord<String, Long> r : cc.poll(Duration.ofMillis(200))) {
          out.add("count " + r.key() + " " + r.value());
          last.put(r.key(), r.value());
        }
      }
      // anything late (a duplicate would show here)
      long quiet = System.currentTimeMillis() + 2000;
      while (System.currentTimeMillis() < quiet) {
        for (ConsumerRecord<String, String> r : pc.poll(Duration.ofMillis(200))) out.add("popular " + r.key());
        for (ConsumerRecord<String, Long> r : cc.poll(Duration.ofMillis(200))) out.add("count " + r.key() + " " + r.value());
      }
    }
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      for (String t : admin.listTopics().names().get()) if (t.startsWith(app + "-") && (t.endsWith("-repartition") || t.endsWith("-changelog"))) out.add("topic " + t);
    }
    streams.close(Duration.ofSeconds(20));
    for (String l : out) System.out.println(l);
  }

  static <V> KafkaConsumer<String, V> consumer(String bootstrap, Class<?> valueDeserializer) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "verify-" + System.nanoTime());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer.getName());
    return new KafkaConsumer<>(c);
  }
}
