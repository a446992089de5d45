"""Command handlers: each opens the unit of work and commits through it once."""
from __future__ import annotations

import logging
from datetime import date
from typing import Optional

from sqlalchemy.exc import IntegrityError

from allocation import model
from allocation.unit_of_work import SqlAlchemyUnitOfWork

log = logging.getLogger(__name__)


def add_batch(ref: str, sku: str, qty: int, eta: Optional[date], uow: SqlAlchemyUnitOfWork) -> None:
    with uow:
        product = uow.products.get(sku)
        if product is None:
            product = model.Product(sku, batches=[])
            uow.products.add(product)
        product.batches.append(model.Batch(ref, sku, qty, eta))
        uow.commit()


def allocate(orderid: str, sku: str, qty: int, uow: SqlAlchemyUnitOfWork) -> str:
    line = model.OrderLine(orderid, sku, qty)
    with uow:
        product = uow.products.get(sku)
        if product is None:
            raise model.OutOfStock(f"Invalid sku {sku}")
        batchref = product.allocate(line)
        uow.commit()
    return batchref


def register_skus(skus: list[str], uow: SqlAlchemyUnitOfWork) -> list[str]:
    duplicates: list[str] = []
    with uow:
        for sku in skus:
            try:
                with uow.session.begin_nested():
                    uow.products.add(model.Product(sku, batches=[]))
            except IntegrityError:
                duplicates.append(sku)
        uow.commit()
    return duplicates


def rename_sku(old: str, new: str, uow: SqlAlchemyUnitOfWork) -> bool:
    with uow:
        product = uow.products.get(old)
        if product is None:
            return False
        product.sku = new
        try:
            uow.session.flush()
        except IntegrityError:  # error: SES002
            log.warning("sku %s already exists", new)
        uow.commit()
    return True
