"""The allocator setting of the analyses (taskgraph.analyse._memory)."""
import pytest

from taskgraph.analyse import _memory


class FakeLibc:
    def __init__(self):
        self.calls = []

    def mallopt(self, param, value):
        self.calls.append(("mallopt", param, value))
        return 1

    def malloc_trim(self, pad):
        self.calls.append(("malloc_trim", pad))
        return 1


@pytest.fixture
def libc(monkeypatch):
    fake = FakeLibc()
    monkeypatch.setattr(_memory, "_libc", fake)
    return fake


def test_freed_memory_kept_within_and_given_back_after(libc):
    with _memory.reuse_memory():
        assert libc.calls == [("mallopt", _memory._M_MMAP_MAX, 0), ("mallopt", _memory._M_TRIM_THRESHOLD, _memory._KEEP)]
        with _memory.reuse_memory():  # an analysis inside another: left as it is
            pass
        assert len(libc.calls) == 2
    assert libc.calls[2:] == [("mallopt", _memory._M_MMAP_MAX, _memory._DEFAULT_MMAP_MAX),
                              ("mallopt", _memory._M_TRIM_THRESHOLD, _memory._DEFAULT_TRIM_THRESHOLD),
                              ("malloc_trim", 0)]
    assert _memory._depth == 0


def test_settings_back_after_an_error(libc):
    with pytest.raises(RuntimeError):
        with _memory.reuse_memory():
            raise RuntimeError("boom")
    assert libc.calls[-1] == ("malloc_trim", 0) and _memory._depth == 0


def test_the_library_leaves_the_allocator_alone(libc):
    """A process-wide setting: the analyses called from a notebook do not make it."""
    from taskgraph.analyse import overlap_tables
    from taskgraph.corpus import load
    from taskgraph.graph import build_graph

    overlap_tables(build_graph(load(["seeds"])))
    assert libc.calls == []


@pytest.mark.parametrize("command", ["overlap", "report"])
def test_the_commands_that_own_the_process_run_under_it(libc, command, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from taskgraph.cli import app

    seen = []
    real = _memory.reuse_memory

    def spy():
        seen.append(command)
        return real()

    monkeypatch.setattr(_memory, "reuse_memory", spy)
    args = [command, "seeds", "-q"] + (["-o", str(tmp_path / "out"), "-j", "1"] if command == "report" else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert seen == [command]
    assert ("mallopt", _memory._M_MMAP_MAX, 0) in libc.calls and libc.calls[-1] == ("malloc_trim", 0)


def test_left_alone_when_the_environment_tunes_malloc(monkeypatch):
    monkeypatch.setattr(_memory, "_libc", None)
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.mmap_max=0")
    assert _memory._glibc() is None
