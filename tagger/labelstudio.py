"""Label Studio round trip: a labelling config from the taxonomy, tasks with the model's predictions as
pre-annotations (annotators correct rather than start from zero), and the annotated export back into
tagger's canonical labelled JSONL.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import quoteattr

from tagger.api import Tagger
from tagger.data import check_row
from tagger.errors import DataError
from tagger.taxonomy import MULTI_FACETS, Taxonomy

YES, NO = "yes", "no"


def config(taxonomy: Taxonomy) -> str:
    """Label Studio labelling config (XML): the text, relief yes/no, type and actor choices with the
    Chinese names and definitions from the taxonomy as hints."""
    def choice(value: str, hint: str) -> str:
        return f"    <Choice value={quoteattr(value)} hint={quoteattr(hint)}/>"

    lines = ["<View>", '  <Text name="text" value="$text"/>',
             '  <Header value="relief: is it about poverty-relief work? (扶贫)"/>',
             '  <Choices name="relief" toName="text" choice="single" required="true">',
             choice(YES, taxonomy.relief.description), choice(NO, "everything else"),
             "  </Choices>"]
    for facet in MULTI_FACETS:
        lines += [f'  <Header value="{facet} (only when relief = yes)"/>',
                  f'  <Choices name="{facet}" toName="text" choice="multiple">']
        lines += [choice(label.name, f"{label.name_zh}: {label.description}")
                  for label in taxonomy.labels[facet]]
        lines.append("  </Choices>")
    lines.append("</View>")
    return "\n".join(lines)


def _result(facet: str, values: list[str]) -> dict:
    return {"from_name": facet, "to_name": "text", "type": "choices", "value": {"choices": values}}


def tasks(tagger: Tagger, documents: Iterable[tuple[str, str]]) -> list[dict]:
    """Import-ready tasks, each with the model's labels as a prediction (pre-annotation)."""
    docs = list(documents)
    records = tagger.predict([t for _, t in docs], ids=[i for i, _ in docs], cleaned=True)
    version = tagger.metadata.get("model_sha256", "tagger")[:12]
    out = []
    for (doc_id, text), rec in zip(docs, records):
        result = [_result("relief", [YES if rec["relief"] else NO])]
        result += [_result(f, rec[f]) for f in MULTI_FACETS if rec[f]]
        out.append({"data": {"id": doc_id, "text": text},
                    "predictions": [{"model_version": f"tagger-{version}",
                                     "score": rec["scores"]["relief"], "result": result}]})
    return out


def import_export(path: Path, taxonomy: Taxonomy) -> tuple[list[dict], list[str]]:
    """(labelled rows, notes on skipped tasks) from a Label Studio JSON export.

    The latest annotation that was not cancelled counts; tasks with none are skipped and listed.
    Every row is checked like any training data; a bad one raises DataError naming the task.
    """
    try:
        export = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(str(path), None, f"not a Label Studio JSON export: {exc}") from None
    if not isinstance(export, list):
        raise DataError(str(path), None, "a Label Studio JSON export is a list of tasks")
    rows, skipped = [], []
    for n, task in enumerate(export, 1):
        data = task.get("data", {}) if isinstance(task, dict) else {}
        task_id = str(data.get("id", task.get("id", n) if isinstance(task, dict) else n))
        annotations = [a for a in (task.get("annotations") or []) if not a.get("was_cancelled")]
        if not annotations:
            skipped.append(f"task {n} ({task_id}): no annotation")
            continue
        latest = max(annotations, key=lambda a: str(a.get("updated_at") or a.get("created_at", "")))
        choices = {r.get("from_name"): r.get("value", {}).get("choices", [])
                   for r in latest.get("result", []) if r.get("type") == "choices"}
        relief = choices.get("relief", [])
        if relief not in ([YES], [NO]):
            skipped.append(f"task {n} ({task_id}): relief not answered")
            continue
        row = {"id": task_id, "text": data.get("text", ""), "relief": relief == [YES],
               **{f: list(choices.get(f, [])) for f in MULTI_FACETS}}
        checked, problems = check_row(row, taxonomy)
        if problems:
            raise DataError(str(path), None, f"task {n} ({task_id}): {'; '.join(problems)}")
        rows.append(checked)
    return rows, skipped
