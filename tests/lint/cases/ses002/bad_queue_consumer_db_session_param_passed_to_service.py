"""Queue consumer plugin swallows every error while a `db_session` parameter does the work.

Modelled on a real fix (a signal consumer that polled SQS and created rows through a
service module): the session arrives as an unannotated parameter named `db_session` and is
only ever passed on, by keyword, to service functions of the project. A failed flush in
`create_signal_instance` is caught by `except Exception`, logged, and the session (owned
by the caller, so it outlives this method) stays in the failed state: the caller's next
use raises `PendingRollbackError` (DESIGN.md SES002). A parameter named `db_session` is a
SQLAlchemy session by the project-wide naming convention even without an annotation; the
real fix added `db_session.rollback()` to the handler.
"""
from __future__ import annotations

import json
import logging

import boto3

from dispatch.plugins.bases import SignalConsumerPlugin
from dispatch.signal import service as signal_service
from dispatch.signal.models import SignalInstanceCreate

log = logging.getLogger(__name__)


class SQSSignalConsumer(SignalConsumerPlugin):
    slug = "sqs-signal-consumer"

    def consume(self, db_session, project):
        client = boto3.client("sqs", region_name=self.configuration.region)
        queue_url = client.get_queue_url(QueueName=self.configuration.queue_name)["QueueUrl"]
        try:
            while True:
                response = client.receive_message(QueueUrl=queue_url, WaitTimeSeconds=20)
                handled = []
                for message in response.get("Messages", []):
                    payload = json.loads(json.loads(message["Body"])["Message"])
                    signal_service.create_signal_instance(
                        db_session=db_session,
                        signal_instance_in=SignalInstanceCreate(project=project, raw=payload),
                    )
                    handled.append({"Id": message["MessageId"], "ReceiptHandle": message["ReceiptHandle"]})
                if handled:
                    client.delete_message_batch(QueueUrl=queue_url, Entries=handled)
        except Exception as exc:  # error: SES002
            log.exception(exc)
