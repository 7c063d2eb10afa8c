"""`assistant train`, `assistant eval` and `assistant intents import`: the intent router's commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli_common import print_json, reports_errors, start_runtime
from assistant.errors import UserInputError

intents_app = typer.Typer(help="Labelled example messages for the intent router.", no_args_is_help=True)
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON only.")]


def register(app: typer.Typer) -> None:
    app.command("train")(train)
    app.command("eval")(evaluate_router)
    app.add_typer(intents_app, name="intents")


@reports_errors
def train() -> None:
    """Train the intent router on the shipped examples, the FAQ wordings and imported examples."""
    from tqdm import tqdm

    runtime = start_runtime()
    with tqdm(total=100, unit="%", desc="training the intent router") as bar:
        def progress(fraction: float, message: str) -> None:
            bar.set_postfix_str(message, refresh=False)
            bar.update(round(fraction * 100) - bar.n)

        classifier = runtime.router_trainer().train(progress)
    metrics = classifier.provenance.metrics
    typer.echo(
        f"saved to {runtime.router_trainer().folder}: test accuracy {metrics['test']['accuracy']:.3f}, "
        f"macro-F1 {metrics['test']['macro_f1']:.3f}, out-of-scope recall {metrics['test']['out_of_scope_recall']}"
    )


@reports_errors
def evaluate_router(
    data: Annotated[Path | None, typer.Option(help="CSV with text,intent[,image]; default: the held-out split.")] = None,
    confusion: Annotated[Path, typer.Option(help="Where to write the confusion-matrix PNG.")] = Path("confusion.png"),
    json_output: JsonFlag = False,
) -> None:
    """Accuracy, macro-F1, per-intent precision and recall and out-of-scope recall of the router."""
    from assistant.fusion.evaluation import evaluate
    from assistant.fusion.metrics import draw_confusion

    runtime = start_runtime()
    trainer = runtime.router_trainer()
    classifier = runtime.router
    examples = read_labelled_csv(data) if data else trainer.data().test
    unknown = sorted({e.intent for e in examples} - set(classifier.config.labels))
    if unknown:
        raise UserInputError(f"Unknown intent(s) {', '.join(unknown)}; known: {', '.join(classifier.config.labels)}")
    arrays = trainer.feature_store(classifier.config).examples(examples)
    report = evaluate(classifier, arrays, [e.intent for e in examples])
    draw_confusion(report, confusion)
    payload = {**report.as_json(), "confusion_png": str(confusion)}
    if json_output:
        print_json(payload)
        return
    typer.echo(f"{report.examples} messages: accuracy {report.accuracy:.3f}, macro-F1 {report.macro_f1:.3f}, "
               f"out-of-scope recall {payload['out_of_scope_recall']}")
    for name, s in report.per_intent.items():
        typer.echo(f"  {name:<24} precision {s.precision:.3f}  recall {s.recall:.3f}  ({s.support})")
    typer.echo(f"confusion matrix: {confusion}")


def read_labelled_csv(path: Path):
    from assistant.fusion.corpus import Example, read_csv_rows

    if not path.is_file():
        raise UserInputError(f"There is no file {path}.")
    rows = read_csv_rows(path)
    if not rows or not {"text", "intent"} <= set(rows[0]):
        raise UserInputError(f"{path} needs a header with the columns text,intent (and optionally image).")
    out = []
    for row in rows:
        image = (row.get("image") or "").strip()
        out.append(Example(row["text"] or "", row["intent"].strip(), str(path.parent / image) if image else None, "operator"))
    return out


@intents_app.command("import")
@reports_errors
def import_examples(path: Path) -> None:
    """Add labelled messages from a CSV with the columns text,intent,image (image optional)."""
    from assistant.fusion.operator_data import import_intent_examples
    from assistant.images import image_limits
    from knowledge_base.db import session_scope

    runtime = start_runtime()
    with session_scope(runtime.sessions) as session:
        report = import_intent_examples(
            session=session, path=path, image_dir=runtime.settings.data_dir / "training-images",
            limits=image_limits(runtime.settings),
        )
    skipped = f", {report.skipped} skipped as already stored" if report.skipped else ""
    typer.echo(
        f"imported {report.added} examples ({report.images} with a picture){skipped}{report.note}; "
        "run `assistant train` to use them"
    )
