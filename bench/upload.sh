#!/usr/bin/env bash
# Upload benchmark: sparse fixed VHDs uploaded as page blobs to a local Azurite that the benchmark
# starts and stops itself (needs .tools/azurite, as .ci/run installs it, or AZURITE_BLOB).
# Usage: bench/upload.sh [SIZE_MIB [DATA_PERCENT [PARALLELISM...]]]   e.g. bench/upload.sh 2048 25 1 4 8
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
exec java -Xmx512m ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.vhdflow.catalog.upload.UploadBenchmark "$@"
