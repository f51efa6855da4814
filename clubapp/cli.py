"""Command-line tools: ``flask --app wsgi <command>``."""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask

from clubapp import unit_of_work
from clubapp.extensions import db


def register(app: Flask) -> None:
    """Attach the commands to ``app``."""

    @app.cli.command("demo-data")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
    def demo_data(if_empty: bool) -> None:
        """Load a realistic demo: BNI chapters, a Dynabuy club, an FCE delegation, a circle in Lima."""
        from clubapp import demo
        from clubapp.models import User

        if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(User)):
            click.echo("Demo data not loaded: the database already has users.")
            return
        login = demo.load()
        click.echo(f"Demo data loaded. Log in as {login.email} with the password {login.password!r}.")

    @app.cli.command("create-token")
    @click.argument("email")
    @click.option("--label", default="cli", help="What the token is for.")
    def create_token(email: str, label: str) -> None:
        """Create a personal access token for EMAIL and print it once."""
        from clubapp.models import User
        from clubapp.services import accounts

        user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"No user with the email {email}.")
        issued = accounts.create_api_token(user, label)
        unit_of_work.commit()  # the command is the edge: it saves its unit of work
        click.echo(issued.secret)

    @app.cli.command("doctor")
    @click.option("--fix", is_flag=True, help="Repair what can be repaired safely (the rest is listed).")
    def doctor(fix: bool) -> None:
        """List stored rows outside the dates and formats the app accepts; exit 1 while any is left."""
        from clubapp.services import doctor as checkup

        findings = checkup.examine(fix=fix)
        for finding in findings:
            click.echo(finding.line())
        if fix:
            unit_of_work.commit()
        left = [f for f in findings if not f.fixed]
        click.echo(f"{len(findings)} finding(s), {len(left)} left." if findings else "Nothing to report.")
        if left:
            raise SystemExit(1)

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path: Path) -> None:
        """Copy the database into the new file PATH, consistently, while the app runs."""
        from clubapp import backup

        try:
            done = backup.backup(db.engine.url, path)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Backup written to {done.path} (schema revision {done.revision}).")
        click.echo("Keep the SECRET_KEY (instance/secret_key or CLUBAPP_SECRET_KEY) with it: sessions and "
                   "password-reset links depend on it; feed URLs do not.")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @click.option("--no-keep", is_flag=True, help="SQLite: do not keep a copy of the current database.")
    def restore_command(path: Path, yes: bool, no_keep: bool) -> None:
        """Replace the database's contents with the backup PATH (made by `backup`)."""
        from clubapp import backup

        url = db.engine.url
        if not yes:
            click.confirm(f"Replace everything in {url.render_as_string(hide_password=True)} with {path}?",
                          abort=True)
        db.engine.dispose()  # this process holds no connection while the database is replaced
        try:
            done = backup.restore(path, url, keep_current=not no_keep)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from None
        for note in done.notes:
            click.echo(note)
        click.echo(f"Restored {path} (schema revision {done.revision}).")
