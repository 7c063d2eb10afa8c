"""Where the router's training data comes from, when a checkpoint is stale, and training it end to end."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import CheckpointError
from assistant.fusion.classifier import FusionClassifier, Provenance, recover_interrupted_save
from assistant.fusion.config import FusionConfig, TrainOptions
from assistant.fusion.corpus import CorpusOptions, Example, faq_examples, shipped_examples, split_examples
from assistant.fusion.evaluation import evaluate, subset_reports
from assistant.fusion.features import FeatureStore
from assistant.fusion.pictures import OcrCache
from assistant.fusion.text_tail import tail_settings
from assistant.fusion.train import fit
from assistant.settings import Settings
from knowledge_base.db import session_scope
from knowledge_base.repositories.training_examples import faq_wordings, list_training_examples

log = logging.getLogger(__name__)

SHIPPED_CHECKPOINT = Path(__file__).resolve().parent / "pretrained"
"""The router trained on the demo store, used while its fingerprint matches the data."""
TRAINING_RECIPE = 2
"""Bumped whenever the way examples become features or a model changes, so old checkpoints go stale."""

ProgressNote = Callable[[float, str], None]
"""(fraction done in [0, 1], what is happening)"""


@dataclass(frozen=True)
class RouterData:
    train: list[Example]
    val: list[Example]
    test: list[Example]

    @property
    def all(self) -> list[Example]:
        return self.train + self.val + self.test


def router_data(session: Session, options: CorpusOptions = CorpusOptions()) -> RouterData:
    """The shipped examples, the knowledge base's FAQ wordings and the operators' imported examples."""
    examples = shipped_examples(options)
    examples += faq_examples((m.text, m.intent) for m in faq_wordings(session=session))
    examples += [Example(m.text, m.intent, m.image_path, "operator") for m in list_training_examples(session=session)]
    splits = split_examples(examples, options)
    return RouterData(splits["train"], splits["val"], splits["test"])


def fingerprint(data: RouterData, *, labels: tuple[str, ...], text_model: str, image_encoder: str,
                tuned_text_layers: int) -> str:
    """Hash of the examples, labels, encoders and recipe: what a checkpoint must match to be current.
    Training options (epochs, learning rate) are left out: changing them never forces a retraining."""
    digest = hashlib.sha256()
    for name, part in (("train", data.train), ("val", data.val), ("test", data.test)):
        rows = sorted((e.text, e.intent, e.image or "", e.kind) for e in part)
        digest.update(json.dumps([name, rows]).encode())
    encoders = [text_model, image_encoder] + ([f"tuned top {tuned_text_layers}"] if tuned_text_layers else [])
    digest.update(json.dumps([labels, *encoders, TRAINING_RECIPE]).encode())
    return digest.hexdigest()[:24]


class RouterTrainer:
    """Trains, evaluates and loads the router for one settings object and its shared models."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session], models,
                 options: TrainOptions | None = None) -> None:
        self.settings = settings
        self.sessions = sessions
        self.models = models
        self.options = options or TrainOptions(epochs=settings.router_max_epochs, soup_runs=settings.router_soup_runs)
        self.folder = settings.data_dir / "router"

    def data(self) -> RouterData:
        with session_scope(self.sessions) as session:
            return router_data(session)

    def feature_store(self, config: FusionConfig | None = None) -> FeatureStore:
        return FeatureStore(
            text_encoder=self.models.text_encoder(), image_encoder=self.models.image_encoder(),
            ocr_reader=self.models.ocr_reader(), folder=self.settings.data_dir / "router-features",
            ocr_cache=OcrCache(self.settings.data_dir / "router-features" / "ocr_cache.json"),
            text_layer=config.text_input_layer if config else None,
        )

    def default_config(self, data: RouterData, **fields) -> FusionConfig:
        """The shipped model's shape for this data and these encoders; ``fields`` override it."""
        tail = tail_settings(self.models.text_encoder(), self.settings.router_tuned_text_layers)
        return FusionConfig(labels=_labels(data), visual_dim=self.models.image_encoder().token_dim,
                            **{**tail, **fields})

    def current_fingerprint(self, data: RouterData) -> str:
        return fingerprint(data, labels=_labels(data), text_model=self.models.text_encoder().name,
                           image_encoder=self.models.image_encoder().name,
                           tuned_text_layers=self.settings.router_tuned_text_layers)

    def load_or_train(self, progress: ProgressNote | None = None, *, outdated_ok: bool = False) -> FusionClassifier:
        """The data folder's checkpoint, else the shipped one, when trained on today's data; else a new one.
        With ``outdated_ok``, a checkpoint trained on older examples but for the same intents, encoders and
        shape is taken as it is rather than waiting minutes for a training (see ``is_current``).
        A damaged checkpoint is logged as a warning (naming its folder) and replaced by retraining."""
        classifier = self.load_usable(outdated_ok=outdated_ok)
        if classifier is not None:
            return classifier
        log.warning("training the intent router (%d runs; on 2 CPU cores about 20 minutes each): no checkpoint "
                    "matches the current data", self.settings.router_soup_runs)
        return self.train(progress or _log_progress)

    def load_usable(self, *, outdated_ok: bool = True) -> FusionClassifier | None:
        """A checkpoint that routes today's intents without training first (see ``load_or_train``); None
        when only a training would give one."""
        recover_interrupted_save(self.folder)
        data = self.data()
        wanted = self.current_fingerprint(data)
        usable = None
        for folder in (self.folder, SHIPPED_CHECKPOINT):
            try:
                classifier = FusionClassifier.load(folder, text_encoder=self.models.text_encoder())
            except CheckpointError as error:
                report = log.warning if folder.exists() else log.info
                report("router checkpoint %s not used: %s", folder, error)
                continue
            if classifier.provenance.fingerprint == wanted:
                log.info("intent router loaded from %s", folder)
                return classifier
            log.info("router checkpoint %s is stale (trained on other data or encoders)", folder)
            if outdated_ok and usable is None and self._same_shape(classifier, data):
                usable = (folder, classifier)
        if usable is None:
            return None
        log.warning("intent router %s was trained on older examples (same intents and encoders); it is used "
                    "until a new one is trained (`assistant train`, the console's Retraining tab, or in the "
                    "background by `assistant serve`)", usable[0])
        return usable[1]

    def is_current(self, classifier: FusionClassifier) -> bool:
        """Whether ``classifier`` was trained on today's examples, intents and encoders."""
        return classifier.provenance.fingerprint == self.current_fingerprint(self.data())

    def _same_shape(self, classifier: FusionClassifier, data: RouterData) -> bool:
        """Same recipe, intents, encoders and model shape as a new training would give: it routes correctly,
        only without the newest examples."""
        wanted, have = self.default_config(data), classifier.config
        return (classifier.provenance.training_recipe == TRAINING_RECIPE
                and classifier.provenance.text_model == self.models.text_encoder().name
                and classifier.provenance.image_encoder == self.models.image_encoder().name
                and (tuple(have.labels), have.visual_dim, have.tuned_text_layers, have.text_input_layer)
                == (tuple(wanted.labels), wanted.visual_dim, wanted.tuned_text_layers, wanted.text_input_layer))

    def train(self, progress: ProgressNote | None = None, config: FusionConfig | None = None) -> FusionClassifier:
        note = progress or (lambda fraction, message: None)
        data = self.data()
        config = config or self.default_config(data)
        arrays = self._arrays(data, note, config)

        def epoch_note(epoch: int, most: int, metrics: dict) -> None:
            run, runs = metrics["run"], metrics["runs"]
            note(0.4 + 0.55 * (run - 1 + epoch / most) / runs,
                 f"run {run}/{runs}, epoch {epoch}: validation macro-F1 {metrics['val_macro_f1']:.3f}")

        fitted = fit(config, (arrays["train"], [e.intent for e in data.train]),
                     (arrays["val"], [e.intent for e in data.val]), self.options, progress=epoch_note,
                     text_encoder=self.models.text_encoder())
        classifier = FusionClassifier(
            fitted.model, temperature=fitted.temperature, threshold=fitted.threshold,
            provenance=self._provenance(data, {}), text_encoder=self.models.text_encoder(),
        )
        report = evaluate(classifier, arrays["test"], [e.intent for e in data.test])
        metrics = {"test": report.as_json(), **subset_reports(classifier, arrays["test"], data.test),
                   "epochs": fitted.epochs_run, "best_epoch": fitted.best_epoch,
                   "soup": {f"run {run['run']}": run for run in fitted.runs}}
        classifier.provenance = replace(classifier.provenance, metrics=metrics)
        classifier.save(self.folder)
        note(1.0, f"done: test accuracy {report.accuracy:.3f}, macro-F1 {report.macro_f1:.3f}")
        return classifier

    def _arrays(self, data: RouterData, note: ProgressNote, config: FusionConfig) -> dict[str, list]:
        store = self.feature_store(config)
        out = {}
        for name, start, span in (("train", 0.0, 0.3), ("val", 0.3, 0.05), ("test", 0.35, 0.05)):
            def picture_note(done: int, total: int, name=name, start=start, span=span) -> None:
                note(start + span * done / total, f"reading {name} pictures {done}/{total}")

            out[name] = store.examples(getattr(data, name), progress=picture_note)
        return out

    def _provenance(self, data: RouterData, metrics: dict) -> Provenance:
        return Provenance(self.models.text_encoder().name, self.models.image_encoder().name,
                          self.current_fingerprint(data), metrics, training_recipe=TRAINING_RECIPE)


def _log_progress(fraction: float, message: str) -> None:
    log.info("router training %3.0f%%: %s", 100 * fraction, message)


def _labels(data: RouterData) -> tuple[str, ...]:
    return tuple(sorted({e.intent for e in data.all}))
