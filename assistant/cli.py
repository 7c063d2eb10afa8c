"""The `assistant` command. Every sub-command reads ASSISTANT_DATABASE_URL and ASSISTANT_DATA_DIR."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant import cli_backup, cli_catalogue, cli_faq, cli_router, cli_staff
from assistant.cli_common import print_json, reports_errors, start_runtime
from assistant.types import UserTurn
from knowledge_base.db import session_scope
from knowledge_base.retrieval import hits_as_dicts
from knowledge_base.seed import seed_demo_store

app = typer.Typer(help="Self-hosted multimodal customer-service assistant.", no_args_is_help=True)
app.add_typer(cli_faq.app, name="faq")
app.add_typer(cli_staff.app, name="staff")
app.add_typer(cli_catalogue.products_app, name="products")
app.add_typer(cli_catalogue.orders_app, name="orders")
cli_router.register(app)
cli_backup.register(app)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON only.")]


@app.command()
@reports_errors
def init() -> None:
    """Create the database schema (or upgrade it to the newest revision)."""
    runtime = start_runtime()
    typer.echo(f"database ready at {runtime.engine.url.render_as_string(hide_password=True)}")


@app.command()
@reports_errors
def seed(
    demo_staff: Annotated[
        bool, typer.Option("--demo-staff", help="Also create (or reset) the demo staff account 'demo-staff'.")
    ] = False,
) -> None:
    """Load the demo store (idempotent) and index its FAQ entries."""
    runtime = start_runtime()
    with session_scope(runtime.sessions) as session:
        report = seed_demo_store(session=session, data_dir=runtime.settings.data_dir)
        embedded = runtime.reindex(session)
        photos = runtime.product_index.sync(session)
    typer.echo(
        f"seeded {report.intents} intents, {report.faqs} FAQ entries, {report.products} products, "
        f"{report.orders} orders; {embedded}, {photos} product photos embedded"
    )
    if demo_staff:
        typer.echo(cli_staff.ensure_demo_staff(runtime, runtime.settings.demo_staff_password))


@app.command()
@reports_errors
def reindex() -> None:
    """Embed every FAQ entry whose vectors are missing or stale."""
    runtime = start_runtime()
    with session_scope(runtime.sessions) as session:
        typer.echo(str(runtime.reindex(session)))


@app.command()
@reports_errors
def search(
    query: str,
    intent: Annotated[str | None, typer.Option(help="Only entries of this intent.")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many hits.")] = 5,
    json_output: JsonFlag = False,
) -> None:
    """Rank FAQ entries for QUERY, showing each signal's score."""
    runtime = start_runtime()
    with session_scope(runtime.sessions) as session:
        result = runtime.retriever.search(session, query, intent=intent, k=k)
    if json_output:
        print_json({"query": result.query, "confident": result.confident, "hits": hits_as_dicts(result.hits)})
        return
    for rank, hit in enumerate(result.hits, start=1):
        typer.echo(
            f"{rank}. [{hit.score:.3f}] #{hit.faq_id} {hit.question}  "
            f"(dense {hit.dense:.3f}, bm25 {hit.bm25:.2f} -> {hit.lexical:.3f}, {hit.intent})"
        )
    if not result.confident:
        typer.echo(f"no confident match (best score under {result.threshold}, and no entry clearly closest in meaning)")


@app.command()
@reports_errors
def ask(
    text: Annotated[str, typer.Argument(help="The customer's message.")] = "",
    image: Annotated[list[Path] | None, typer.Option(help="A photo or screenshot (repeatable).")] = None,
    audio: Annotated[Path | None, typer.Option(help="A voice note.")] = None,
    conversation: Annotated[str | None, typer.Option(help="Continue this conversation id.")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Ask the assistant as a customer would; the turn is stored in the conversation history."""
    runtime = start_runtime()
    turn = UserTurn(text=text, conversation_id=conversation, images=tuple(image or ()), audio=audio)
    reply = runtime.assistant.respond(turn)
    if json_output:
        print_json(reply.as_json())
        return
    if reply.transcript:
        typer.echo(f"(voice note, {reply.language}): {reply.transcript}\n")
    typer.echo(reply.text)
    for source in reply.sources:
        typer.echo(f"\nsource: FAQ #{source.faq_id} \"{source.question}\" (score {source.score:.2f})")


@app.command()
@reports_errors
def models(json_output: JsonFlag = False) -> None:
    """Load each model and list its source, device, dtype and load time."""
    runtime = start_runtime()
    loads = [runtime.models.text_encoder, runtime.models.image_encoder, runtime.models.transcriber,
             runtime.models.ocr_reader]
    if runtime.settings.multilingual_answers:
        loads.append(runtime.models.multilingual_encoder)
    for load in loads:
        load()
    rows = [vars(m) for m in runtime.models.loaded]
    if json_output:
        print_json(rows)
        return
    for row in rows:
        typer.echo(
            f"{row['role']:<14} {row['name']}  [{row['device']}, {row['dtype']}, "
            f"{row['load_seconds']} s]  {row['source']}"
        )


@app.command()
@reports_errors
def transcribe(audio: Path, json_output: JsonFlag = False) -> None:
    """Transcribe a voice note (wav, mp3, ogg/opus, webm, m4a, aac, amr, caf, aiff, flac)."""
    from assistant.speech import transcript_json

    runtime = start_runtime()
    transcript = runtime.models.transcriber().transcribe(audio)
    if json_output:
        print_json(transcript_json(transcript))
        return
    typer.echo(f"[{transcript.language} {transcript.language_probability:.2f}] {transcript.text}")
    if transcript.english_text:
        typer.echo(f"[en] {transcript.english_text}")


@app.command()
@reports_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Default: ASSISTANT_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: ASSISTANT_PORT.")] = None,
) -> None:
    """Start the web chat at / and the staff console at /admin."""
    from ui.server import serve as serve_web

    runtime = start_runtime()
    serve_web(runtime, host=host or runtime.settings.host, port=port or runtime.settings.port)


if __name__ == "__main__":
    app()
