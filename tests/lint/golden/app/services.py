from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def place_order(session: Session, order) -> None:
    session.add(order)
    session.commit()


def import_rows(session: Session, rows) -> None:
	for row in rows:
		try:
			session.add(row)
			session.flush()
		except IntegrityError:  # «duplicate»
			pass
