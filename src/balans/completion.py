"""Shell completion (bash, zsh): scenario files and `--set` key paths.

click completes the commands, options, objectives and formats by itself; these
callbacks add the rest. Enable it with
`eval "$(_BALANS_COMPLETE=bash_source balans)"` (zsh: `zsh_source`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, get_args, get_origin

if TYPE_CHECKING:
    import click
    from click.shell_completion import CompletionItem

SCENARIO_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)


def complete_scenario(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Scenario files (`.yaml`) and folders that start with `incomplete`."""
    return _complete_files(incomplete, SCENARIO_SUFFIXES)


def complete_json(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """JSON files (a risk result for `report --risk`) and folders."""
    return _complete_files(incomplete, JSON_SUFFIXES)


def _complete_files(incomplete: str, suffixes: tuple[str, ...]) -> list[CompletionItem]:
    from pathlib import Path

    from click.shell_completion import CompletionItem

    folder, slash, stem = incomplete.rpartition("/")
    base = Path(folder + slash or ".")
    try:
        entries = sorted(base.iterdir())
    except OSError:
        return []
    items = []
    for entry in entries:
        name = entry.name
        if not name.startswith(stem) or (name.startswith(".") and not stem):
            continue
        shown = folder + slash + name
        if entry.is_dir():
            items.append(CompletionItem(shown + "/"))
        elif name.endswith(suffixes):
            items.append(CompletionItem(shown))
    return items


def complete_set(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """`--set` key paths from the scenario schema: `assumptions.` -> its keys."""
    if "=" in incomplete:
        return []
    from click.shell_completion import CompletionItem

    from balans.scenario.schema import Scenario

    *parents, stem = incomplete.split(".")
    annotation: Any = Scenario
    for part in parents:
        annotation = _child(annotation, part)
        if annotation is None:
            return []
    fields = getattr(_unwrap(annotation), "model_fields", {})
    prefix = "".join(f"{part}." for part in parents)
    return [
        CompletionItem(prefix + name + ("." if _has_keys(info.annotation) else "="))
        for name, info in fields.items()
        if name.startswith(stem)
    ]


def _unwrap(annotation: Any) -> Any:
    """The type inside Annotated[...] and Optional[...] (imported late: start-up)."""
    from balans.scenario.meta import unwrap

    return unwrap(annotation)


def _child(annotation: Any, part: str) -> Any:
    annotation = _unwrap(annotation)
    fields = getattr(annotation, "model_fields", None)
    if fields is not None:
        info = fields.get(part)
        return info.annotation if info is not None else None
    if get_origin(annotation) is dict:
        return get_args(annotation)[1]
    return None


def _has_keys(annotation: Any) -> bool:
    annotation = _unwrap(annotation)
    return hasattr(annotation, "model_fields") or get_origin(annotation) is dict
