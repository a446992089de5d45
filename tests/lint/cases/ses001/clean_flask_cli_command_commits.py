"""Flask CLI command (`@app.cli.command`) committing `db.session`.

A CLI command is an entry point (DESIGN.md "What owns a session": CLI `main`, Click
command); `flask` runs it inside an app context where `db.session` is its own.
"""
from __future__ import annotations

import click
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///site.db"
db = SQLAlchemy(app)


class Setting(db.Model):
    key = db.Column(db.String(64), primary_key=True)
    value = db.Column(db.String(255), nullable=False)


DEFAULTS = {"site_name": "My Site", "items_per_page": "20", "signup_open": "true"}


def missing_defaults() -> list[Setting]:
    present = {s.key for s in db.session.execute(db.select(Setting)).scalars()}
    return [Setting(key=k, value=v) for k, v in DEFAULTS.items() if k not in present]


@app.cli.command("init-settings")
@click.option("--force", is_flag=True, help="Overwrite existing values")
def init_settings(force: bool) -> None:
    if force:
        for key, value in DEFAULTS.items():
            db.session.merge(Setting(key=key, value=value))
    else:
        db.session.add_all(missing_defaults())
    db.session.commit()
    click.echo("settings initialised")
