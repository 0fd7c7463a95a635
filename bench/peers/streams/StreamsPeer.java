// The Kafka Streams peers of `earshot process` (issue 18), run by bench/e2e.sh on the same
// input topic and broker as earshot:
//   none   exactly_once_v2, mapValues(v -> v): what an exactly-once consume → produce costs
//          with the standard tool and no work at all (the fair limit);
//   vader  exactly_once_v2, Jackson parses each post, Vader (the Java port beside this file)
//          scores its text, Jackson writes the post back with a "sentiment" object.
// Rate: from the first record the topology sees to the moment the group's committed offsets
// (read with the Admin client every 20 ms) cover every input record; the group join is not
// counted, as in bench/process_bench.cc. Before printing, it checks that the output topic holds
// exactly as many committed records as the input.
//
//   java -cp "$(cat classpath.txt):classes" StreamsPeer run --brokers H:P --input T --posts N \
//        --mode none|vader [--threads 2] [--data sentiment/data] [--broker-pid PID]
//   java -cp ... StreamsPeer check --data sentiment/data --tsv tests/sentiment/data/vader_parity.tsv
// Prints "streams_peer mode=M posts=N seconds=S posts_per_s=R cpu_s=C broker_cpu_s=B".
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;

public final class StreamsPeer {
  static Map<String, String> flags(String[] a) {
    Map<String, String> m = new HashMap<>();
    for (int i = 1; i + 1 < a.length; i += 2) m.put(a[i].replaceFirst("^--", ""), a[i + 1]);
    return m;
  }

  public static void main(String[] a) throws Exception {
    Map<String, String> f = flags(a);
    if (a.length > 0 && a[0].equals("check")) {
      System.exit(check(Path.of(f.get("data")), Path.of(f.get("tsv"))));
    }
    run(f);
  }

  // Every row of the parity file: the port's compound within 1e-4 of the Python library's.
  static int check(Path data, Path tsv) throws Exception {
    Vader v = new Vader(data);
    int rows = 0, bad = 0;
    for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] c = line.split("\t", 5);
      double want = Double.parseDouble(c[0]);
      double got = v.polarityScores(unescape(c[4]))[3];
      rows++;
      if (Math.abs(got - want) > 1e-4) {
        if (bad++ < 5) System.err.println("mismatch: want " + want + " got " + got + ": " + c[4]);
      }
    }
    System.out.println("vader port: " + rows + " rows, " + bad + " compound mismatches");
    return bad == 0 ? 0 : 1;
  }

  static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '\\' && i + 1 < s.length()) {
        char e = s.charAt(++i);
        b.append(e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e);
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }

  static String label(double compound) {
    return compound >= 0.05 ? "positive" : compound <= -0.05 ? "negative" : "neutral";
  }

  static double procCpuSeconds(String pid) {
    if (pid == null || pid.isEmpty()) return 0;
    try {
      String[] s = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
      return (Long.parseLong(s[11]) + Long.parseLong(s[12])) / 100.0;  // utime + stime, clock ticks
    } catch (Exception e) {
      return 0;
    }
  }

  static void run(Map<String, String> f) throws Exception {
    String brokers = f.get("brokers"), input = f.get("input"), mode = f.getOrDefault("mode", "none");
    long posts = Long.parseLong(f.get("posts"));
    String app = "streams-peer-" + mode + "-" + UUID.randomUUID();
    String output = app + ".out";
    Properties ap = new Properties();
    ap.put("bootstrap.servers", brokers);
    try (Admin admin = Admin.create(ap)) {
      int parts = admin.describeTopics(List.of(input)).allTopicNames().get().get(input).partitions().size();
      admin.createTopics(List.of(new NewTopic(output, parts, (short) 1))).all().get();
    }
    AtomicLong first = new AtomicLong(0);
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> in = b.stream(input, Consumed.with(Serdes.String(), Serdes.String()));
    KStream<String, String> out;
    if (mode.equals("none")) {
      out = in.mapValues(v -> {
        if (first.get() == 0) first.compareAndSet(0, System.nanoTime());
        return v;
      });
    } else {
      Vader vader = new Vader(Path.of(f.getOrDefault("data", "sentiment/data")));
      ObjectMapper json = new ObjectMapper();
      out = in.mapValues(v -> {
        if (first.get() == 0) first.compareAndSet(0, System.nanoTime());
        try {
          ObjectNode post = (ObjectNode) json.readTree(v);
          JsonNode text = post.get("text");
          double[] s = vader.polarityScores(text == null ? "" : text.asText());
          ObjectNode sent = post.putObject("sentiment");
          sent.put("label", label(s[3]));
          sent.put("score", s[3]);
          ObjectNode probs = sent.putObject("probs");
          probs.put("neg", s[0]);
          probs.put("neu", s[1]);
          probs.put("pos", s[2]);
          sent.put("model", "vader-java-port-3.3.2");
          return json.writeValueAsString(post);
        } catch (Exception e) {
          return "{\"error\":\"" + e.getClass().getSimpleName() + "\"}";  // counted as output
        }
      });
    }
    out.to(output, Produced.with(Serdes.String(), Serdes.String()));

    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(f.getOrDefault("threads", "2")));
    p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("streams-peer").toString());
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    double cpu0 = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime() / 1e9;
    double broker0 = procCpuSeconds(f.get("broker-pid"));
    KafkaStreams streams = new KafkaStreams(b.build(), p);
    streams.start();
    long done;
    try (Admin admin = Admin.create(ap)) {
      while (true) {
        Thread.sleep(20);
        Map<TopicPartition, OffsetAndMetadata> c =
            admin.listConsumerGroupOffsets(app).partitionsToOffsetAndMetadata().get();
        long sum = 0;
        for (OffsetAndMetadata o : c.values()) if (o != null) sum += o.offset();
        if (sum >= posts) {
          done = System.nanoTime();
          break;
        }
        if (streams.state() == KafkaStreams.State.ERROR) throw new IllegalStateException("streams failed");
      }
    }
    double cpu = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime() / 1e9 - cpu0;
    double broker = procCpuSeconds(f.get("broker-pid")) - broker0;
    streams.close(Duration.ofSeconds(30));
    long n = countCommitted(brokers, output);
    if (n != posts) {
      System.err.println("streams_peer: output holds " + n + " committed records, want " + posts);
      System.exit(1);
    }
    double secs = (done - first.get()) / 1e9;
    System.out.printf("streams_peer mode=%s posts=%d seconds=%.3f posts_per_s=%.0f cpu_s=%.2f broker_cpu_s=%.2f%n",
        mode, posts, secs, posts / secs, cpu, broker);
  }

  static long countCommitted(String brokers, String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", brokers);
    p.put("group.id", "streams-peer-reader-" + UUID.randomUUID());
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      c.partitionsFor(topic).forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      long n = 0;
      long deadline = System.currentTimeMillis() + 120_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) n++;
        boolean atEnd = true;
        for (TopicPartition tp : tps) if (c.position(tp) < end.get(tp)) atEnd = false;
        if (atEnd) break;
      }
      return n;
    }
  }
}
