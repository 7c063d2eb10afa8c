"""`assistant faq ...`: add, list, edit, delete, import and export FAQ entries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli_common import export_to, print_json, read_input_file, reports_errors, start_runtime
from knowledge_base.db import session_scope
from knowledge_base.repositories.faq_csv import decode_csv, export_faqs_csv, import_faqs_csv
from knowledge_base.repositories.faqs import FaqFields, add_faq, delete_faq, list_faqs, update_faq

app = typer.Typer(help="Manage FAQ entries.", no_args_is_help=True)

Alternates = Annotated[list[str] | None, typer.Option("--alternate", "-a", help="Repeatable.")]
Tags = Annotated[list[str] | None, typer.Option("--tag", "-t", help="Repeatable.")]


def faq_json(entry) -> dict:
    return {
        "faq_id": entry.id,
        "question": entry.question,
        "answer": entry.answer,
        "intent": entry.intent.name,
        "alternates": entry.alternate_questions,
        "tags": list(entry.tags or []),
        "active": entry.active,
        "updated_at": entry.updated_at.isoformat(),
    }


@app.command("add")
@reports_errors
def add(
    question: Annotated[str, typer.Option(help="The question as customers ask it.")],
    answer: Annotated[str, typer.Option(help="The curated answer, returned verbatim.")],
    intent: Annotated[str, typer.Option(help="Intent name, e.g. shipping_info.")],
    alternate: Alternates = None,
    tag: Tags = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Add an entry (its search index is updated at once)."""
    runtime = start_runtime()
    fields = FaqFields(question, answer, intent, alternate or [], tag or [], True)
    with session_scope(runtime.sessions) as session:
        entry = add_faq(session=session, fields=fields)
        runtime.reindex(session)
        payload = faq_json(entry)
    print_json(payload) if json_output else typer.echo(f"added FAQ entry {payload['faq_id']}")


@app.command("list")
@reports_errors
def list_command(
    intent: Annotated[str | None, typer.Option(help="Only this intent.")] = None,
    contains: Annotated[str | None, typer.Option(help="Text in the question or answer.")] = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List entries."""
    runtime = start_runtime()
    with session_scope(runtime.sessions) as session:
        rows = [faq_json(e) for e in list_faqs(session=session, intent=intent, contains=contains)]
    if json_output:
        print_json(rows)
        return
    for row in rows:
        flag = "" if row["active"] else " (inactive)"
        typer.echo(f"{row['faq_id']:>5}  {row['intent']:<22} {row['question']}{flag}")


@app.command("edit")
@reports_errors
def edit(
    faq_id: int,
    question: Annotated[str | None, typer.Option()] = None,
    answer: Annotated[str | None, typer.Option()] = None,
    intent: Annotated[str | None, typer.Option()] = None,
    alternate: Alternates = None,
    tag: Tags = None,
    active: Annotated[bool | None, typer.Option("--active/--inactive")] = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Change an entry; options left out stay as they are (given alternates/tags replace the old ones)."""
    runtime = start_runtime()
    fields = FaqFields(question, answer, intent, alternate, tag, active)
    with session_scope(runtime.sessions) as session:
        entry = update_faq(session=session, faq_id=faq_id, fields=fields)
        runtime.reindex(session)
        payload = faq_json(entry)
    print_json(payload) if json_output else typer.echo(f"updated FAQ entry {faq_id}")


@app.command("delete")
@reports_errors
def delete(faq_id: int) -> None:
    """Delete an entry and its index rows."""
    runtime = start_runtime()
    with session_scope(runtime.sessions) as session:
        delete_faq(session=session, faq_id=faq_id)
    typer.echo(f"deleted FAQ entry {faq_id}")


@app.command("import")
@reports_errors
def import_command(path: Path) -> None:
    """Import a CSV (question,answer[,intent,alternates,tags,active]); all rows or none."""
    runtime = start_runtime()
    decoded = decode_csv(read_input_file(path))
    with session_scope(runtime.sessions) as session:
        report = import_faqs_csv(session=session, text=decoded.text, guess_intent=runtime.intent_guesser())
        runtime.reindex(session)
    typer.echo(f"imported {report.summary()}{decoded.note}")
    for question, intent in report.guessed:
        typer.echo(f"  {intent:22s} {question}")


@app.command("export")
@reports_errors
def export(path: Annotated[Path | None, typer.Argument(help="File to write; stdout if left out.")] = None) -> None:
    """Export every entry as CSV."""
    export_to(path, export_faqs_csv, "entries")
