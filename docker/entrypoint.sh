#!/bin/sh
# The image's entry point. `run` (the gateway service) gets the JVM options of a profile, as
# packaging/systemd/octet.service (measured in docs/BENCHMARKS.md, "Service footprint and start-up"):
# /opt/octet/jvm/$OCTET_PROFILE.args, "small" (the default: least memory, scalar kernels) or "fast" (the SIMD
# kernels). Every other command (demo, inspect, infer, quantize,
# bench ...) runs with the JVM's defaults plus OCTET_JAVA_OPTS, so that the gateway's small heap does not refuse a
# large model there.
set -eu
if [ "${1:-}" = run ]; then
  # An unknown profile stops here: java names the argument file it cannot open.
  profile="${OCTET_PROFILE:-small}"
  exec java "@/opt/octet/jvm/$profile.args" -jar /opt/octet/octet.jar "$@"
fi
# shellcheck disable=SC2086
exec java ${OCTET_JAVA_OPTS:-} -jar /opt/octet/octet.jar "$@"
