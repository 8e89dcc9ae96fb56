"""Nightly ringtrain retraining as an Airflow DAG (Airflow 2.4+).

One task runs `ringtrain retrain` through the spark-submit wrapper (deploy/bin/ringtrain) against
YARN; its exit code tells Airflow what happened:
  0  promoted, or nothing new            -> success; the JSON summary is pushed to XCom
  10 rejected (the champion keeps serving) -> the task is marked skipped, downstream tasks skip
  1  failed (rerun resumes)               -> retried
  2  bad input or settings                -> failed (retries won't help, fix the settings)
Copy this file into the DAGs folder and set the Airflow Variables ringtrain_home, ringtrain_dataset,
ringtrain_holdout and ringtrain_registry (or edit the defaults below).
"""
import json
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator

RINGTRAIN_HOME = Variable.get("ringtrain_home", default_var="/opt/ringtrain")
DATASET = Variable.get("ringtrain_dataset", default_var="hdfs:///data/fashion/daily")
HOLDOUT = Variable.get("ringtrain_holdout", default_var="hdfs:///data/fashion/holdout")
REGISTRY = Variable.get("ringtrain_registry", default_var="hdfs:///models/fashion/registry")

RETRAIN_COMMAND = (
    f"mkdir -p {RINGTRAIN_HOME}/logs && {RINGTRAIN_HOME}/deploy/bin/ringtrain"
    " --master yarn --deploy-mode client --num-executors 4 --executor-cores 1 --executor-memory 4g"
    " -- retrain"
    f" --dataset {DATASET} --holdout {HOLDOUT} --registry {REGISTRY}"
    " --policy new-since-last --margin 0.005"
    " --model fmnist-cnn --replicas 4 --epochs 2"
    # stdout carries only the JSON summary, which Airflow pushes to XCom (its last line); the
    # progress goes to a log file per run (Airflow merges stderr into the output otherwise)
    f" 2> {RINGTRAIN_HOME}/logs/retrain-{{{{ ts_nodash }}}}.log"
)


def report(ti, **_):
    summary = json.loads(ti.xcom_pull(task_ids="retrain"))
    print(f"ringtrain retrain: {summary['status']} {summary.get('version')}: {summary['reason']}")
    return summary


with DAG(
    dag_id="ringtrain_retrain",
    description="Retrain on new daily partitions; promote only if the holdout accuracy improves",
    schedule="30 2 * * *",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    # one run at a time per registry: the champion pointer assumes a single writer
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
    tags=["ringtrain", "ml"],
) as dag:
    retrain = BashOperator(
        task_id="retrain",
        bash_command=RETRAIN_COMMAND,
        skip_on_exit_code=10,
        do_xcom_push=True,
        execution_timeout=timedelta(hours=6),
    )
    announce = PythonOperator(task_id="report", python_callable=report)
    retrain >> announce
