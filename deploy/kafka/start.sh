#!/usr/bin/env bash
# Starts a single-node Apache Kafka broker (KRaft) on 127.0.0.1 in the background.
#   deploy/kafka/start.sh [PORT]     (default 9092; the controller listens on PORT+1)
# Formats storage in a fresh temp dir, waits until the broker answers metadata requests,
# prints the bootstrap address on stdout and writes the pid to $EARSHOT_KAFKA_STATE/kafka.pid
# (default /tmp/earshot-kafka-PORT). Jars come from Maven Central through pom.xml and are
# cached in ~/.m2, so a second start takes seconds. Stop it with deploy/kafka/stop.sh [PORT].
# EARSHOT_KAFKA_KEEP_DATA=1 (with stop.sh run the same way): a restart that keeps the topics —
# stop.sh leaves the data, start.sh reuses it instead of formatting (the broker-restart chaos
# tests).
# EARSHOT_KAFKA_SASL=USER:PASSWORD: the client listener speaks SASL_PLAINTEXT with
# SCRAM-SHA-256 only, and USER (created at format time) is its one account; clients need
#   security.protocol=SASL_PLAINTEXT sasl.mechanism=SCRAM-SHA-256 sasl.username sasl.password
# EARSHOT_KAFKA_ADVERTISED=HOST:PORT: the address the broker gives clients in its metadata
# (advertised.listeners; default 127.0.0.1:PORT), e.g. a fault-injecting proxy in front of it
# (the commit-timeout chaos test). Plain listener only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
port=${1:-9092}
cport=$((port + 1))
state=${EARSHOT_KAFKA_STATE:-/tmp/earshot-kafka-$port}
mkdir -p "$state"

if [ -f "$state/kafka.pid" ] && kill -0 "$(cat "$state/kafka.pid")" 2>/dev/null; then
  echo "kafka: already running (pid $(cat "$state/kafka.pid"))" >&2
  echo "127.0.0.1:$port"
  exit 0
fi

command -v java >/dev/null || { echo "kafka: java not found (run deploy/install-deps.sh)" >&2; exit 1; }
command -v mvn >/dev/null || { echo "kafka: mvn not found (run deploy/install-deps.sh)" >&2; exit 1; }

cp_file="$state/classpath.txt"
if [ ! -s "$cp_file" ] || [ "$here/pom.xml" -nt "$cp_file" ]; then
  echo "kafka: resolving jars from Maven Central (cached in ~/.m2)" >&2
  if ! mvn -q -B -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cp_file" >"$state/mvn.log" 2>&1; then
    echo "kafka: Maven could not resolve the broker; see $state/mvn.log" >&2
    tail -20 "$state/mvn.log" >&2
    exit 1
  fi
fi
classpath=$(cat "$cp_file")

reuse=""
if [ "${EARSHOT_KAFKA_KEEP_DATA:-0}" = 1 ] && [ -s "$state/data_dir" ] && [ -d "$(cat "$state/data_dir")" ]; then
  data=$(cat "$state/data_dir")
  reuse=1
else
  data=$(mktemp -d "${TMPDIR:-/tmp}/earshot-kafka-data.XXXXXX")
fi
echo "$data" > "$state/data_dir"
sed -e "s#@DATA_DIR@#$data#g" -e "s#@PORT@#$port#g" -e "s#@CONTROLLER_PORT@#$cport#g" \
  "$here/server.properties" > "$state/server.properties"
if [ -n "${EARSHOT_KAFKA_ADVERTISED:-}" ]; then
  sed -i -e "s#^advertised.listeners=.*#advertised.listeners=PLAINTEXT://$EARSHOT_KAFKA_ADVERTISED#" \
    "$state/server.properties"
fi
kcat_auth=()
scram=()
if [ -n "${EARSHOT_KAFKA_SASL:-}" ]; then
  user=${EARSHOT_KAFKA_SASL%%:*}
  pass=${EARSHOT_KAFKA_SASL#*:}
  sed -i -e "s#PLAINTEXT://127.0.0.1:$port#SASL_PLAINTEXT://127.0.0.1:$port#g" \
    -e "s#^listener.security.protocol.map=.*#listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT#" \
    -e "s#^inter.broker.listener.name=.*#inter.broker.listener.name=SASL_PLAINTEXT#" \
    "$state/server.properties"
  cat >> "$state/server.properties" <<SASL
sasl.enabled.mechanisms=SCRAM-SHA-256
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$user" password="$pass";
SASL
  scram=(--add-scram "SCRAM-SHA-256=[name=$user,password=$pass]")
  kcat_auth=(-X security.protocol=SASL_PLAINTEXT -X sasl.mechanisms=SCRAM-SHA-256
    -X "sasl.username=$user" -X "sasl.password=$pass")
fi

java_opts=(-Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$here/log4j.properties" "-Dkafka.logs.dir=$state")

if [ -z "$reuse" ]; then
  # A cluster id is a random UUID in unpadded base64url (what `StorageTool random-uuid` prints);
  # made here when python3 is at hand, which saves a JVM start.
  cluster_id=$(python3 -c 'import base64, uuid; print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))' 2>/dev/null ||
    java -cp "$classpath" "${java_opts[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
  java -cp "$classpath" "${java_opts[@]}" kafka.tools.StorageTool format \
    -t "$cluster_id" -c "$state/server.properties" ${scram[@]+"${scram[@]}"} >"$state/format.log" 2>&1 \
    || { echo "kafka: formatting storage failed; see $state/format.log" >&2; cat "$state/format.log" >&2; exit 1; }
fi

nohup java -cp "$classpath" "${java_opts[@]}" kafka.Kafka "$state/server.properties" \
  >"$state/stdout.log" 2>&1 </dev/null &
pid=$!
echo "$pid" > "$state/kafka.pid"

# Wait until the broker answers a metadata request (kcat is a real librdkafka client).
for _ in $(seq 1 120); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "kafka: broker exited during start-up; last log lines:" >&2
    tail -30 "$state/server.log" "$state/stdout.log" >&2 2>/dev/null || true
    rm -f "$state/kafka.pid"
    exit 1
  fi
  if kcat -b "127.0.0.1:$port" ${kcat_auth[@]+"${kcat_auth[@]}"} -L -m 2 >/dev/null 2>&1; then
    version=$(grep -o 'Kafka version: [0-9.]*' "$state/server.log" | head -1 || true)
    echo "kafka: up at 127.0.0.1:$port (pid $pid, ${version:-version unknown}, data $data)" >&2
    echo "127.0.0.1:$port"
    exit 0
  fi
  sleep 0.5
done
echo "kafka: broker did not answer within 60 s; see $state/server.log" >&2
exit 1
