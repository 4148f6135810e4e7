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
#   kafka.sh cluster start|stop|status|reset|brokers          a three-broker cluster (below)
#   kafka.sh cluster start|stop|kill|pause|resume|status N    one of its brokers (1, 2 or 3)
#
# Environment: LEDGER_KAFKA_PORT (19092; the controller listens on the next port),
# LEDGER_KAFKA_DATA (deploy/local/.cache/data-<port>), LEDGER_KAFKA_HEAP (512m, reserved at start),
# LEDGER_KAFKA_START_TIMEOUT (120), LEDGER_KAFKA_STOP_TIMEOUT (30).
#
# The cluster: LEDGER_KAFKA_CLUSTER_SIZE brokers (3), each a KRaft broker and controller in its own
# JVM, on ports LEDGER_KAFKA_CLUSTER_PORT (49092), +1, +2; their controllers on the ports after the
# last broker's (49095, 49096, 49097); data in LEDGER_KAFKA_CLUSTER_DATA/node-<n>
# (deploy/local/.cache/cluster-<port>); heap LEDGER_KAFKA_HEAP (256m each). Topics get replication
# factor 3 and min.insync.replicas 2 by default (a write needs two brokers), as in production.
# `pause` and `resume` send SIGSTOP and SIGCONT: the broker is cut off from the others without dying.
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
pom="$here/pom.xml"
version="$(sed -n 's:.*<kafka.version>\([^<]*\)</kafka.version>.*:\1:p' "$pom" | head -n 1)"
cache="$here/.cache"
dist="$cache/kafka-$version"
lib="$dist/lib"

port="${LEDGER_KAFKA_PORT:-19092}"
[[ $port =~ ^[0-9]+$ ]] || { echo "kafka.sh: LEDGER_KAFKA_PORT must be a number, got '$port'" >&2; exit 2; }
controller_port="${LEDGER_KAFKA_CONTROLLER_PORT:-$((port + 1))}"
# Set by `cluster` for each of its brokers; one broker alone is node 1 and its own quorum.
node_id="${LEDGER_KAFKA_NODE_ID:-1}"
voters="${LEDGER_KAFKA_VOTERS:-1@127.0.0.1:$controller_port}"
replication="${LEDGER_KAFKA_REPLICATION:-1}"
min_isr="${LEDGER_KAFKA_MIN_ISR:-1}"
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
node.id=$node_id
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data/kraft
# Topics are contracts created by the project, never by a stray produce or fetch.
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=$replication
min.insync.replicas=$min_isr
# Internal topics: as many replicas as the ledger's own, and few partitions so the first group join is quick.
offsets.topic.replication.factor=$replication
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=$replication
transaction.state.log.min.isr=$min_isr
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=$replication
share.coordinator.state.topic.min.isr=$min_isr
# Never elect a leader that missed acknowledged writes (Kafka's default; stated because the
# cluster's fault scenarios depend on it).
unclean.leader.election.enable=false
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

# The heap is fixed at its size from the start (-Xms = -Xmx, as Kafka's own kafka-server-start.sh sets
# it): a heap left to grow from a small start ran G1's concurrent marking again and again under load
# (three quarters of the broker's CPU for 100-event produce requests of ~1 MB, 11-18 us a record
# against 3-5 with the heap fixed; threads measured from /proc/<pid>/task).
java_opts() {
  echo "-Xms$heap -Xmx$heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35" \
    "-XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true -Duser.timezone=UTC" \
    "-Dlog4j2.configurationFile=$here/log4j2.properties"
}

format_storage() {
  [[ -f $data/kraft/meta.properties ]] && return 0
  say "formatting KRaft storage in $data/kraft"
  # shellcheck disable=SC2046 # java_opts is a list of words
  java $(java_opts) -cp "$lib/*" kafka.tools.StorageTool format -t "${LEDGER_KAFKA_CLUSTER_ID:-$(new_cluster_id)}" -c "$props" \
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
  # A paused broker (SIGSTOP) would hold SIGTERM until it is resumed.
  kill -CONT "$pid" 2>/dev/null || true
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

# SIGSTOP / SIGCONT: a paused broker keeps its sockets open but answers nobody, like one cut off
# from the network; the others stop hearing its heartbeats and move its leaderships elsewhere.
signal_broker() {
  local pid
  pid="$(running_pid)" || die "not running (port $port)"
  kill "-$1" "$pid"
  say "sent SIG$1 to pid $pid (port $port)"
}

cluster_size="${LEDGER_KAFKA_CLUSTER_SIZE:-3}"
cluster_port="${LEDGER_KAFKA_CLUSTER_PORT:-49092}"
cluster_data="${LEDGER_KAFKA_CLUSTER_DATA:-$cache/cluster-$cluster_port}"
[[ $cluster_data == /* ]] || cluster_data="$PWD/$cluster_data"

cluster_brokers() {
  local n list=()
  for ((n = 1; n <= cluster_size; n++)); do list+=("127.0.0.1:$((cluster_port + n - 1))"); done
  (IFS=,; echo "${list[*]}")
}

# Runs this script's single-broker command `$2` as broker `$1` of the cluster.
cluster_node() {
  local n=$1 command=$2 v voters=()
  for ((v = 1; v <= cluster_size; v++)); do voters+=("$v@127.0.0.1:$((cluster_port + cluster_size + v - 1))"); done
  LEDGER_KAFKA_PORT=$((cluster_port + n - 1)) \
    LEDGER_KAFKA_CONTROLLER_PORT=$((cluster_port + cluster_size + n - 1)) \
    LEDGER_KAFKA_DATA="$cluster_data/node-$n" \
    LEDGER_KAFKA_NODE_ID=$n \
    LEDGER_KAFKA_VOTERS="$(IFS=,; echo "${voters[*]}")" \
    LEDGER_KAFKA_CLUSTER_ID="$(<"$cluster_data/cluster.id")" \
    LEDGER_KAFKA_REPLICATION="${LEDGER_KAFKA_REPLICATION:-$((cluster_size < 3 ? cluster_size : 3))}" \
    LEDGER_KAFKA_MIN_ISR="${LEDGER_KAFKA_MIN_ISR:-$((cluster_size < 3 ? 1 : 2))}" \
    LEDGER_KAFKA_HEAP="${LEDGER_KAFKA_HEAP:-256m}" \
    bash "${BASH_SOURCE[0]}" "$command"
}

cluster() {
  local command="${1:-}" only="${2:-}" n failed=0 pids=()
  [[ $cluster_port =~ ^[0-9]+$ && $cluster_size =~ ^[1-9]$ ]] || die "LEDGER_KAFKA_CLUSTER_PORT must be a number and LEDGER_KAFKA_CLUSTER_SIZE 1 to 9"
  [[ -z $only || ($only =~ ^[0-9]$ && $only -ge 1 && $only -le $cluster_size) ]] || die "no broker '$only' in a cluster of $cluster_size"
  case "$command" in
    start | stop | status | kill | pause | resume | reset) ;;
    brokers) cluster_brokers; return 0 ;;
    *) echo "usage: $0 cluster start|stop|status|reset|brokers, or $0 cluster start|stop|kill|pause|resume|status N" >&2; exit 2 ;;
  esac
  [[ -n $only || $command != kill && $command != pause && $command != resume ]] || die "cluster $command needs a broker number"
  mkdir -p "$cluster_data"
  [[ -s $cluster_data/cluster.id ]] || new_cluster_id >"$cluster_data/cluster.id"
  if [[ -n $only ]]; then
    cluster_node "$only" "$command" >/dev/null
    [[ $command == start ]] && cluster_brokers
    return 0
  fi
  # The brokers start together: none is ready before a majority of the controllers has a quorum.
  if [[ $command == start ]]; then
    fetch
    for ((n = 1; n <= cluster_size; n++)); do cluster_node "$n" start >/dev/null & pids+=($!); done
    for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
    ((failed == 0)) || die "$failed of $cluster_size brokers did not start"
    say "cluster of $cluster_size brokers ready: $(cluster_brokers)"
    cluster_brokers
    return 0
  fi
  for ((n = 1; n <= cluster_size; n++)); do
    if [[ $command == status ]]; then cluster_node "$n" status || failed=$((failed + 1)); else cluster_node "$n" "$command" & pids+=($!); fi
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
  if [[ $command == reset ]]; then rm -f "$cluster_data/cluster.id"; rmdir "$cluster_data" 2>/dev/null || true; fi
  if [[ $command == status ]]; then
    ((failed == 0)) || return 3
  fi
  ((failed == 0))
}

case "${1:-}" in
  cluster) shift; cluster "$@" ;;
  fetch) fetch; echo "$lib" ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill) kill_now ;;
  pause) signal_broker STOP ;;
  resume) signal_broker CONT ;;
  reset) reset ;;
  *) echo "usage: $0 fetch|start|stop|status|kill|reset, or $0 cluster start|stop|status|reset|brokers [N]" >&2; exit 2 ;;
esac
