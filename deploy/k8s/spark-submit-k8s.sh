#!/usr/bin/env bash
# Trains on Kubernetes in cluster mode: the driver and the executors run as pods of the ringtrain
# image (deploy/docker/Dockerfile); one executor per replica, 1 task slot each, so every barrier
# task gets its own pod.
#   K8S_API=https://my-cluster:6443 IMAGE=registry.example.com/ringtrain:0.1.0 \
#     deploy/k8s/spark-submit-k8s.sh --data s3a://bucket/fashion-mnist --run-dir s3a://bucket/runs/fmnist-1
# Needs: spark-submit 4.x on PATH (or SPARK_HOME), kubectl access, deploy/k8s/rbac.yaml applied, and
# data every pod can read: s3a:// needs the image built with WITH_S3A=1 (deploy/docker/Dockerfile),
# hdfs:// a reachable HDFS; add --conf spark.hadoop.fs.s3a.* settings for the bucket's credentials.
# Extra arguments go to `ringtrain train` (see its --help).
set -euo pipefail
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
: "${K8S_API:?set K8S_API to the Kubernetes API server URL, e.g. https://my-cluster:6443}"
: "${IMAGE:?set IMAGE to the ringtrain image, e.g. registry.example.com/ringtrain:0.1.0}"
NAMESPACE="${NAMESPACE:-ringtrain}"
REPLICAS="${REPLICAS:-4}"
SPARK_SUBMIT="${SPARK_HOME:+$SPARK_HOME/bin/}spark-submit"
exec "$SPARK_SUBMIT" \
  --master "k8s://$K8S_API" \
  --deploy-mode cluster \
  --name ringtrain-train \
  --class io.ringtrain.jobs.cli.RingtrainCli \
  --conf spark.kubernetes.namespace="$NAMESPACE" \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=ringtrain \
  --conf spark.executor.instances="$REPLICAS" \
  --conf spark.executor.cores=1 \
  --conf spark.task.cpus=1 \
  --conf spark.executor.memory=4g \
  --conf spark.driver.memory=2g \
  --conf "spark.driver.extraJavaOptions=--add-modules jdk.incubator.vector" \
  --conf "spark.executor.extraJavaOptions=--add-modules jdk.incubator.vector" \
  local:///opt/spark/jars/ringtrain.jar \
  train --replicas "$REPLICAS" --model fmnist-cnn --epochs 3 "$@"
