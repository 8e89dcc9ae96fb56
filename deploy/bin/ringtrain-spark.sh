# Starting and stopping a Spark standalone master and workers from the bundled jars: the one owner of
# that mechanism, shared by ringtrain-cluster (everything on loopback) and ringtrain-hosts (one worker
# per network namespace). Each process is started through an optional prefix command (for example
# "ip netns exec ns"), bound to the address it is given, and leaves NAME.pid and logs/NAME.log in
# $SPARK_STATE_DIR. Source ringtrain-env.sh first.
# shellcheck shell=bash

spark_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# A Spark home for the workers: jars/ = every runtime jar + ringtrain.jar, so executors load our classes.
spark_make_home() {
  local home="$SPARK_STATE_DIR/spark-home"
  rm -rf "$home/jars"; mkdir -p "$home/jars" "$home/conf"
  ln -s "$RINGTRAIN_LIB"/*.jar "$home/jars/"
  ln -s "$RINGTRAIN_JAR" "$home/jars/ringtrain.jar"
  # A spark-submit for these jars (no Spark distribution here), so deploy/bin/ringtrain can be tried
  # against this cluster with SPARK_HOME=$home; a client-mode driver runs in this JVM, hence the flags.
  mkdir -p "$home/bin"
  cat >"$home/bin/spark-submit" <<SUBMIT
#!/usr/bin/env bash
export SPARK_LOCAL_IP="\${SPARK_LOCAL_IP:-127.0.0.1}"
exec java $RINGTRAIN_JAVA_FLAGS $RINGTRAIN_LOG_FLAGS \${SPARK_SUBMIT_OPTS:-} -cp "$home/jars/*" org.apache.spark.deploy.SparkSubmit "\$@"
SUBMIT
  chmod +x "$home/bin/spark-submit"
  echo "$home"
}

# spark_start NAME ADDRESS PREFIX-WORDS -- CLASS ARGS...: one JVM, SPARK_LOCAL_IP=ADDRESS (Spark binds
# its RPC endpoints, block managers and web UIs there; executors inherit it from their worker). As
# Spark's own daemon scripts, SPARK_DAEMON_MEMORY sets the master's and workers' heap (here 512m unless
# set) and SPARK_DAEMON_JAVA_OPTS adds JVM options to them, not to their executors.
spark_start() {
  local name="$1" address="$2"; shift 2
  local prefix=()
  while [[ "$1" != "--" ]]; do prefix+=("$1"); shift; done
  shift
  mkdir -p "$SPARK_STATE_DIR/logs"
  # Through a bash that execs the JVM, so that the class-data-sharing archive a first start writes at
  # exit is named after the JVM's own pid (ringtrain_cds_flags: the daemons share one archive, apart
  # from the launchers' as their class path is).
  export -f ringtrain_cds_flags ringtrain_cds_claim ringtrain_pid_alive
  export RINGTRAIN_ROOT RINGTRAIN_TARGET RINGTRAIN_LIB RINGTRAIN_JAVA_ID RINGTRAIN_JAVA_FLAGS RINGTRAIN_LOG_FLAGS
  export SPARK_DAEMON_MEMORY="${SPARK_DAEMON_MEMORY:-512m}" SPARK_DAEMON_JAVA_OPTS="${SPARK_DAEMON_JAVA_OPTS:-}"
  # shellcheck disable=SC2016
  SPARK_LOCAL_IP="$address" SPARK_SCALA_VERSION=2.13 nohup "${prefix[@]}" bash -c \
    'ringtrain_cds_flags "$RINGTRAIN_LIB/*"; exec java $RINGTRAIN_JAVA_FLAGS $RINGTRAIN_CDS_FLAGS $RINGTRAIN_LOG_FLAGS "-Xmx$SPARK_DAEMON_MEMORY" $SPARK_DAEMON_JAVA_OPTS -cp "$RINGTRAIN_LIB/*" "$@"' \
    spark-daemon "$@" >"$SPARK_STATE_DIR/logs/$name.log" 2>&1 &
  echo $! >"$SPARK_STATE_DIR/$name.pid"
}

# spark_start_master ADDRESS PORT UI_PORT [PREFIX-WORDS...]
spark_start_master() {
  local address="$1" port="$2" ui_port="$3"; shift 3
  spark_start master "$address" "$@" -- org.apache.spark.deploy.master.Master --host "$address" --port "$port" --webui-port "$ui_port"
}

# spark_start_worker I ADDRESS MASTER_URL [PREFIX-WORDS...]: worker I, RINGTRAIN_WORKER_CORES (1) cores
# and RINGTRAIN_WORKER_MEMORY (2g), its executors' folders in work-I.
spark_start_worker() {
  local i="$1" address="$2" master_url="$3"; shift 3
  mkdir -p "$SPARK_STATE_DIR/work-$i"
  spark_start "worker-$i" "$address" "$@" -- org.apache.spark.deploy.worker.Worker --host "$address" --webui-port 0 \
    --cores "${RINGTRAIN_WORKER_CORES:-1}" --memory "${RINGTRAIN_WORKER_MEMORY:-2g}" --work-dir "$SPARK_STATE_DIR/work-$i" "$master_url"
}

# spark_wait_registered N: true once N workers logged their registration with the master (up to 60 s).
spark_wait_registered() {
  local n="$1" registered=0
  for _ in $(seq 1 120); do
    registered=$(cat "$SPARK_STATE_DIR"/logs/worker-*.log 2>/dev/null | grep -c "Successfully registered with master" || true)
    [[ "$registered" -ge "$n" ]] && return 0
    sleep 0.5
  done
  echo "only $registered of $n workers registered" >&2
  return 1
}

# spark_stop_all: stops the workers (and so their executors), all at once, then the master; prints how
# many ran. Each gets 10 s to exit after SIGTERM (a daemon's first stop writes its class-data-sharing
# archive), then SIGKILL.
spark_stop_all() {
  local stopped
  spark_stop_pids "$SPARK_STATE_DIR"/worker-*.pid; stopped=$SPARK_STOPPED
  spark_stop_pids "$SPARK_STATE_DIR/master.pid"
  echo $((stopped + SPARK_STOPPED))
}

# spark_stop_pids PIDFILE...: SIGTERM to every live one (a missing file counts as none), up to 10 s for them all to exit, SIGKILL to
# those left; removes the pid files and sets SPARK_STOPPED to how many were alive.
spark_stop_pids() {
  local pids=() f pid
  for f in "$@"; do
    spark_alive "$f" && pids+=("$(cat "$f")")
    rm -f "$f"
  done
  SPARK_STOPPED=${#pids[@]}
  [[ ${#pids[@]} -gt 0 ]] || return 0
  kill "${pids[@]}" 2>/dev/null || true
  local alive
  for _ in $(seq 1 40); do
    alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    [[ ${#alive[@]} -gt 0 ]] || return 0
    sleep 0.25
  done
  kill -9 "${alive[@]}" 2>/dev/null
  return 0
}

# spark_worker_status: one line per worker pid file.
spark_worker_status() {
  for f in "$SPARK_STATE_DIR"/worker-*.pid; do
    [[ -f "$f" ]] || continue
    echo "$(basename "$f" .pid): pid $(cat "$f") $(spark_alive "$f" && echo running || echo 'not running')"
  done
}
