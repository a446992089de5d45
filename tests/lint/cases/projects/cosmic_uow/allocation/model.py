"""Domain model (mapped imperatively elsewhere)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional


class OutOfStock(Exception):
    pass


@dataclass(unsafe_hash=True)
class OrderLine:
    orderid: str
    sku: str
    qty: int


@dataclass(eq=False)
class Batch:
    reference: str
    sku: str
    purchased_quantity: int
    eta: Optional[date] = None
    allocations: set[OrderLine] = field(default_factory=set)

    @property
    def available_quantity(self) -> int:
        return self.purchased_quantity - sum(line.qty for line in self.allocations)


@dataclass(eq=False)
class Product:
    sku: str
    batches: list[Batch]
    version_number: int = 0

    def allocate(self, line: OrderLine) -> str:
        for batch in sorted(self.batches, key=lambda b: (b.eta is not None, b.eta)):
            if batch.available_quantity >= line.qty:
                batch.allocations.add(line)
                self.version_number += 1
                return batch.reference
        raise OutOfStock(f"Out of stock for sku {line.sku}")
