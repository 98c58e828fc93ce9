#!/bin/sh
# The image's entry point. `run` (the gateway service) gets the gateway's JVM options, as
# packaging/systemd/octet.service (measured in docs/BENCHMARKS.md, "Service footprint and start-up"), and the
# image's AppCDS archive; every other command (demo, inspect, infer, quantize, bench ...) runs with the JVM's defaults
# plus OCTET_JAVA_OPTS, so that the gateway's small heap does not refuse a large model there.
set -eu
gateway_opts="--add-modules jdk.incubator.vector -XX:+UseSerialGC -Xss512k -Xms16m -Xmx32m -Xmn6m -XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=5000 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=40m -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError"
if [ "${1:-}" = run ]; then
  # shellcheck disable=SC2086
  exec java $gateway_opts -XX:SharedArchiveFile=/opt/octet/octet.jsa -jar /opt/octet/octet.jar "$@"
fi
# shellcheck disable=SC2086
exec java ${OCTET_JAVA_OPTS:-} -jar /opt/octet/octet.jar "$@"
