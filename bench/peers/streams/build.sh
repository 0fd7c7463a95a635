#!/usr/bin/env bash
# Builds the Kafka Streams peer: resolves Kafka Streams 3.9.1 and Jackson from Maven Central
# (pom.xml, cached in ~/.m2) and compiles StreamsPeer.java and Vader.java with javac (Java 17).
# Output: $OUT/classpath.txt and $OUT/classes (OUT defaults to build-peers/streams). Prints OUT.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${OUT:-$here/../../../build-peers/streams}"
mkdir -p "$out/classes"
if [[ ! -s "$out/classpath.txt" || "$here/pom.xml" -nt "$out/classpath.txt" ]]; then
  mvn -q -B -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" >&2
fi
javac -nowarn -d "$out/classes" -cp "$(cat "$out/classpath.txt")" "$here/StreamsPeer.java" "$here/Vader.java" >&2
cd "$out" && pwd
