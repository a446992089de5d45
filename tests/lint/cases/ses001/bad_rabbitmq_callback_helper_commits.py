"""RabbitMQ (pika) consumer: the message handler commits the session it is given.

`on_message` owns the session (creates it per message, commits, then acks). The domain
helper `apply_payment` also commits its `session` parameter, so a failure after it leaves
a committed payment with an un-acked message that will be redelivered (DESIGN.md SES001).
`channel.basic_ack` is not a commit.
"""
from __future__ import annotations

import json
import logging

import pika
from sqlalchemy.orm import Session

from payments.db import SessionLocal
from payments.models import Payment, PaymentEvent

log = logging.getLogger("payments.consumer")


def apply_payment(session: Session, event: dict) -> Payment:
    payment = session.get(Payment, event["payment_id"])
    payment.status = event["status"]
    session.add(PaymentEvent(payment=payment, kind=event["status"], raw=event))
    session.commit()  # error: SES001
    return payment


def on_message(channel, method, properties, body: bytes) -> None:
    event = json.loads(body)
    with SessionLocal() as session:
        apply_payment(session, event)
        session.commit()
    channel.basic_ack(delivery_tag=method.delivery_tag)


def main() -> None:
    connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
    channel = connection.channel()
    channel.basic_qos(prefetch_count=10)
    channel.basic_consume(queue="payment-events", on_message_callback=on_message)
    log.info("consuming payment-events")
    channel.start_consuming()
