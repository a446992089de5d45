"""`flush()` inside the loop to get ids, one `commit()` after it.

Flushing does not end the transaction (seed 004); the single commit is outside the loop
(DESIGN.md SES004 is about `commit()` only).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from forms.db import SessionLocal
from forms.models import Answer, Question, Survey


def create_survey(title: str, questions: list[dict]) -> int:
    with SessionLocal() as session:
        survey = Survey(title=title)
        session.add(survey)
        for position, spec in enumerate(questions):
            question = Question(survey=survey, text=spec["text"], position=position)
            session.add(question)
            session.flush()
            add_answers(session, question, spec.get("answers", []))
        session.commit()
        return survey.id


def add_answers(session: Session, question: Question, answers: list[str]) -> None:
    session.add_all(Answer(question_id=question.id, text=text) for text in answers)
