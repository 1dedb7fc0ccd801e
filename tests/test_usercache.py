"""The per-user cache's compiled templates and sort keys (``usercache``): what one run
keeps, the next takes without compiling or loading pyuca; what does not read is made
again; a cache that cannot be written is no error."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish import index, render


def _fresh_environment(layers: tuple[Path, ...]) -> tuple[object, list[str]]:
    """A new environment (no templates compiled in it yet), and the names it compiles."""
    env = render._new_environment(layers)
    compiled: list[str] = []
    original = env.compile

    def compile(source: str, name: str | None = None, filename: str | None = None, *args: object, **kw: object) -> object:
        compiled.append(name or "")
        return original(source, name, filename, *args, **kw)

    env.compile = compile  # type: ignore[method-assign]
    return env, compiled


def test_a_template_compiled_once_is_read_compiled_by_the_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLISH_USER_CACHE", str(tmp_path / "cache"))
    layer = tmp_path / "templates"
    layer.mkdir()
    (layer / "t.j2").write_text("{{ 6 * 7 }} {{ name }}")
    env, compiled = _fresh_environment((layer,))
    assert env.get_template("t.j2").render(name="x") == "42 x" and compiled == ["t.j2"]
    kept = list((tmp_path / "cache" / "templates").rglob("*.cache"))
    assert len(kept) == 1

    env, compiled = _fresh_environment((layer,))  # (the next run: a new environment)
    assert env.get_template("t.j2").render(name="y") == "42 y" and compiled == []

    (layer / "t.j2").write_text("{{ 6 * 6 }}")  # edited: compiled again
    env, compiled = _fresh_environment((layer,))
    assert env.get_template("t.j2").render() == "36" and compiled == ["t.j2"]

    for entry in (tmp_path / "cache" / "templates").rglob("*.cache"):
        entry.write_bytes(b"not a compiled template")
    env, compiled = _fresh_environment((layer,))
    assert env.get_template("t.j2").render() == "36" and compiled == ["t.j2"]


def test_the_sandbox_holds_for_a_template_read_compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The code Jinja keeps was generated for the bounded sandbox (its ``*`` checked):
    read back, it still refuses a string of a billion characters."""
    monkeypatch.setenv("PUBLISH_USER_CACHE", str(tmp_path / "cache"))
    layer = tmp_path / "templates"
    layer.mkdir()
    (layer / "t.j2").write_text("{{ 'x' * n }}")
    for _ in range(2):
        env, compiled = _fresh_environment((layer,))
        with pytest.raises(render.TemplateTooCostly):
            env.get_template("t.j2").render(n=10**9)
    assert compiled == []


def test_templates_render_when_the_cache_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("PUBLISH_USER_CACHE", str(blocker / "cache"))  # (under a file: cannot be made)
    layer = tmp_path / "templates"
    layer.mkdir()
    (layer / "t.j2").write_text("{{ 2 + 2 }}")
    env, _ = _fresh_environment((layer,))
    assert env.get_template("t.j2").render() == "4"


TEXTS = ["Érasme", "Zwingli, Huldrych", "erasmus", "Œcolampade", "Æneas", "Łaski, Jan", "van Dam", "", "Ōtomo"]


@pytest.fixture(autouse=True)
def _kept_keys_forgotten() -> object:
    """The sort keys read in this process forgotten, before and after (another folder)."""
    index._kept_keys.cache_clear()
    yield
    index._kept_keys.cache_clear()


def _forget(monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    monkeypatch.setenv("PUBLISH_USER_CACHE", str(cache))
    index._kept_keys.cache_clear()


def test_sort_keys_are_pyucas_and_kept_for_the_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyuca

    _forget(monkeypatch, tmp_path / "cache")
    truth = {text: tuple(pyuca.Collator().sort_key(text)) for text in TEXTS}
    assert index.sort_keys(TEXTS) == truth
    assert sorted(TEXTS, key=truth.__getitem__) != sorted(TEXTS)  # (not code-point order: the keys matter)

    _forget(monkeypatch, tmp_path / "cache")  # the next run: the table read, pyuca not loaded
    monkeypatch.setattr(index, "_collator", lambda: pytest.fail("pyuca loaded although every key was kept"))
    assert index.sort_keys(TEXTS) == truth


def test_a_bad_table_of_sort_keys_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyuca

    _forget(monkeypatch, tmp_path / "cache")
    index._keys_file().parent.mkdir(parents=True)
    for bad in ('{"Érasme": "not a key"}', "[1, 2]", "not json"):
        index._keys_file().write_text(bad)
        index._kept_keys.cache_clear()
        assert index.sort_keys(["Érasme"]) == {"Érasme": tuple(pyuca.Collator().sort_key("Érasme"))}


def test_at_most_max_kept_keys_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    _forget(monkeypatch, tmp_path / "cache")
    monkeypatch.setattr(index, "MAX_KEPT_KEYS", 5)
    index.sort_keys(TEXTS[:4])
    index.sort_keys(TEXTS[4:])  # (5 more: over the bound, only the newest build's stay)
    assert set(json.loads(index._keys_file().read_text())) == set(TEXTS[4:])


def test_sort_keys_without_a_writable_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    _forget(monkeypatch, blocker / "cache")
    assert set(index.sort_keys(TEXTS)) == set(TEXTS)


def test_a_long_string_is_sorted_but_its_key_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import pyuca

    _forget(monkeypatch, tmp_path / "cache")
    long = "Très long nom " * 20
    keys = index.sort_keys([long, "Érasme"])
    assert keys[long] == tuple(pyuca.Collator().sort_key(long))
    assert set(json.loads(index._keys_file().read_text())) == {"Érasme"}


def test_the_cache_keeps_the_newest_entries_and_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder of compiled templates keeps its newest ``KEEP`` entries, and the newest
    ``KEEP_FOLDERS`` folders (one per version of publish's code) are kept."""
    import os

    monkeypatch.setenv("PUBLISH_USER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(render._CompiledTemplates, "KEEP", 2)
    monkeypatch.setattr(render._CompiledTemplates, "KEEP_FOLDERS", 2)
    root = tmp_path / "cache" / "templates"
    for n, old in enumerate(("old-1", "old-2")):
        (root / old).mkdir(parents=True)
        os.utime(root / old, ns=(n, n))
    layer = tmp_path / "templates"
    layer.mkdir()
    for name in ("a.j2", "b.j2", "c.j2"):
        (layer / name).write_text(name)
        env, _ = _fresh_environment((layer,))
        env.get_template(name)
    assert sorted(p.name for p in root.iterdir()) == sorted(["old-2", Path(env.bytecode_cache.directory).name])
    assert len(list(Path(env.bytecode_cache.directory).glob("*.cache"))) == 2
