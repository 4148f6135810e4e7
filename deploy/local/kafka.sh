#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft: broker and controller in one JVM) for tests and local
# runs on machines without Docker. The broker jars come from Maven Central (pom.xml beside this script
# pins the version) and run with plain `java`.
#
#   kafka.sh fetch    download the jars into deploy/local/.cache/kafka-<version>/lib (once)
#   kafka.sh start    fetch, format the storage if new, start in the background, wait until ready;
#                     prints the bootstrap address on stdout (everything else goes to stderr)
#   kafka.sh stop     SIGTERM, then SIGKILL after LEDGER_KAFKA_STOP_TIMEOUT seconds
#   kafka.sh status   exit 0 when running, 3 when not
#   kafka.sh kill     SIGKILL at once (fault tests)
#   kafka.sh reset    stop and wipe the data folder
#
# Environment: LEDGER_KAFKA_PORT (19092; the controller listens on the next port),
# LEDGER_KAFKA_DATA (deploy/local/.cache/data-<port>), LEDGER_KAFKA_HEAP (512m),
# LEDGER_KAFKA_START_TIMEOUT (120), LEDGER_KAFKA_STOP_TIMEOUT (30).
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
pom="$here/pom.xml"
version="$(sed -n 's:.*<kafka.version>\([^<]*\)</kafka.version>.*:\1:p' "$pom" | head -n 1)"
cache="$here/.cache"
dist="$cache/kafka-$version"
lib="$dist/lib"

port="${LEDGER_KAFKA_PORT:-19092}"
[[ $port =~ ^[0-9]+$ ]] || { echo "kafka.sh: LEDGER_KAFKA_PORT must be a number, got '$port'" >&2; exit 2; }
controller_port=$((port + 1))
data="${LEDGER_KAFKA_DATA:-$cache/data-$port}"
[[ $data == /* ]] || data="$PWD/$data"
heap="${LEDGER_KAFKA_HEAP:-512m}"
start_timeout="${LEDGER_KAFKA_START_TIMEOUT:-120}"
stop_timeout="${LEDGER_KAFKA_STOP_TIMEOUT:-30}"

props="$data/server.properties"
pid_file="$data/broker.pid"
log_file="$data/broker.log"
bootstrap="127.0.0.1:$port"

say() { echo "kafka.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# Alive, and not a zombie waiting for a reaper. After SIGKILL the JVM's main thread can show as a
# zombie while its other threads (and their sockets) are still going away, so count those too.
alive() {
  local state tasks
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n $state ]] || return 1
  [[ $state != Z ]] && return 0
  tasks="$(ls "/proc/$1/task" 2>/dev/null | wc -l)"
  ((tasks > 1))
}

# The pid of the broker this script started for this data folder, if it still runs.
running_pid() {
  local pid
  [[ -f $pid_file ]] || return 1
  pid="$(<"$pid_file")"
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "kafka.Kafka $props" || return 1
  echo "$pid"
}

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# A Metadata v4 request over bash's /dev/tcp; ready means the broker answers it and lists at least one
# broker. A KRaft broker only enables request processing once the controller has unfenced it, so an
# answer here means topics can be created and produced to.
kafka_ready() {
  local reply
  reply="$(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port
    printf '\x00\x00\x00\x14\x00\x03\x00\x04\x00\x00\x00\x02\x00\x05probe\xff\xff\xff\xff\x00' >&3
    head -c 16 <&3" 2>/dev/null | od -An -v -tx1 | tr -d ' \n')" || return 1
  # size(4) correlation id(4) throttle ms(4) broker count(4)
  [[ ${#reply} -eq 32 && ${reply:8:8} == 00000002 ]] && (( 16#${reply:24:8} >= 1 ))
}

fetch() {
  local want stamp="$dist/.complete"
  want="$(sha256sum "$pom" | cut -d ' ' -f 1)"
  [[ -f $stamp && "$(<"$stamp")" == "$want" ]] && return 0
  mkdir -p "$dist"
  exec 8>"$cache/.fetch.lock"
  flock 8
  if [[ -f $stamp && "$(<"$stamp")" == "$want" ]]; then flock -u 8; return 0; fi
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  say "fetching Apache Kafka $version jars from Maven Central into $lib"
  local started=$SECONDS
  rm -rf "$lib.partial"
  # Maven 3.8 prints stray colour resets even in batch mode; keep its output unless it fails.
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$lib.partial" >"$dist/fetch.log" 2>&1 \
    || { cat "$dist/fetch.log" >&2; die "fetching the Kafka jars failed"; }
  rm -rf "$lib"
  mv "$lib.partial" "$lib"
  echo "$want" >"$stamp"
  say "fetched $(ls "$lib" | wc -l) jars in $((SECONDS - started))s"
  flock -u 8
}

write_props() {
  cat >"$props" <<EOF
# Written by deploy/local/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data/kraft
# Topics are contracts created by the project, never by a stray produce or fetch.
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
# One node: every internal topic has a single replica, and few partitions so the first group join is quick.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests join and leave consumer groups all the time; do not wait for more members.
group.initial.rebalance.delay.ms=0
# After a SIGKILL the restarted broker cannot register until its previous incarnation's session
# expires (9 s by default); fault tests kill and restart, so keep that short.
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000
EOF
}

# Kafka cluster ids are 16 random bytes in URL-safe base64 without padding; Kafka avoids a leading '-'.
new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ $id != -* ]] && { echo "$id"; return; }
  done
}

java_opts() {
  echo "-Xmx$heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35" \
    "-XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true" \
    "-Dlog4j2.configurationFile=$here/log4j2.properties"
}

format_storage() {
  [[ -f $data/kraft/meta.properties ]] && return 0
  say "formatting KRaft storage in $data/kraft"
  # shellcheck disable=SC2046 # java_opts is a list of words
  java $(java_opts) -cp "$lib/*" kafka.tools.StorageTool format -t "$(new_cluster_id)" -c "$props" \
    >>"$log_file" 2>&1 || { tail -n 20 "$log_file" >&2; die "formatting failed (log: $log_file)"; }
}

wait_ready() {
  local pid=$1 deadline=$((SECONDS + start_timeout))
  until kafka_ready; do
    if ! alive "$pid"; then
      rm -f "$pid_file"
      tail -n 30 "$log_file" >&2 || true
      die "the broker exited during startup (log: $log_file)"
    fi
    ((SECONDS < deadline)) || die "the broker (pid $pid) is not ready after ${start_timeout}s (log: $log_file)"
    sleep 0.2
  done
}

start() {
  local pid started=$SECONDS
  mkdir -p "$data"
  exec 9>"$data/.lock"
  flock 9
  if pid="$(running_pid)"; then
    wait_ready "$pid"
    say "already running (pid $pid) on $bootstrap"
    echo "$bootstrap"
    return 0
  fi
  if port_open "$port"; then
    kafka_ready || die "port $port is taken by something that is not a ready Kafka broker"
    say "a broker that this script did not start already answers on $bootstrap; leaving it alone"
    echo "$bootstrap"
    return 0
  fi
  port_open "$controller_port" && die "controller port $controller_port is already taken"
  command -v java >/dev/null || die "java not found (apt-get install openjdk-17-jre-headless)"
  fetch
  write_props
  format_storage
  echo "---- $(date -Is) starting Apache Kafka $version on $bootstrap" >>"$log_file"
  # setsid: the broker outlives the shell (or test runner) that started it; stop it with this script.
  # It must not inherit the lock descriptors, or the next start would wait for the broker to exit.
  # shellcheck disable=SC2046
  setsid java $(java_opts) -cp "$lib/*" kafka.Kafka "$props" </dev/null >>"$log_file" 2>&1 8>&- 9>&- &
  pid=$!
  echo "$pid" >"$pid_file"
  wait_ready "$pid"
  say "Apache Kafka $version ready on $bootstrap in $((SECONDS - started))s (pid $pid, log $log_file)"
  echo "$bootstrap"
}

wait_gone() {
  local pid=$1 deadline=$((SECONDS + $2))
  while alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pid_file"
    say "not running (port $port)"
    return 0
  fi
  say "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" "$stop_timeout"; then
    say "still running after ${stop_timeout}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || die "pid $pid survived SIGKILL"
  fi
  rm -f "$pid_file"
  say "stopped"
}

kill_now() {
  local pid
  if ! pid="$(running_pid)"; then
    say "not running (port $port)"
    return 0
  fi
  kill -KILL "$pid"
  wait_gone "$pid" 10 || die "pid $pid survived SIGKILL"
  rm -f "$pid_file"
  say "killed pid $pid"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    if kafka_ready; then say "running (pid $pid) on $bootstrap, ready"; else say "running (pid $pid) on $bootstrap, not ready"; fi
    say "data $data, log $log_file"
    return 0
  fi
  if port_open "$port"; then
    say "not started by this script, but something answers on $bootstrap"
  else
    say "not running (port $port)"
  fi
  return 3
}

reset() {
  stop
  # Only wipe a folder that this script laid out.
  if [[ -d $data ]]; then
    [[ -f $props || -d $data/kraft || -z "$(ls -A "$data" | grep -vxF .lock)" ]] || die "refusing to wipe $data: not a kafka.sh data folder"
    rm -rf -- "$data"
  fi
  say "wiped $data"
}

case "${1:-}" in
  fetch) fetch; echo "$lib" ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill) kill_now ;;
  reset) reset ;;
  *) echo "usage: $0 fetch|start|stop|status|kill|reset" >&2; exit 2 ;;
esac
