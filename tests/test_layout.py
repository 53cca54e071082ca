"""The package's layout: no import cycles between its modules (module-level or lazy
imports alike), so the data's way reads top to bottom."""

import ast

from conftest import ROOT


def import_graph() -> dict[str, set[str]]:
    package = ROOT / "restore"
    modules = {}
    for f in package.rglob("*.py"):
        parts = f.relative_to(ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = f
    graph = {m: set() for m in modules}
    for name, f in modules.items():
        here = name.split(".") if f.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = here[: len(here) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                targets = [target] + [f"{target}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    def related(a, b):  # a package and its own modules may import each other
        return a.startswith(b + ".") or b.startswith(a + ".")

    found = []
    for start in graph:
        stack = [(start, [start])]
        seen = {start}
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if related(node, nxt):
                    continue
                if nxt == start:
                    found.append(path)
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
    return found


def test_the_checker_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) != []
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycles_in_the_package():
    graph = import_graph()
    assert "restore.restorer" in graph and "restore.guards" in graph["restore.restorer"]
    assert cycles(graph) == []


def closure(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen, todo = set(), [start]
    while todo:
        for nxt in graph[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


TRAINING_SIDE = {
    "restore.pairs",
    "restore.document_pairs",
    "restore.corpus",
    "restore.training",
    "restore.training_data",
}


def test_inference_reads_no_training_pairs():
    """What restoring text imports holds nothing that builds or reads training pairs."""
    assert closure(import_graph(), "restore.restorer") & TRAINING_SIDE == set()


OVER_THE_BAR: set[str] = set()  # modules allowed over the 400-line bar of issue 31: none


def test_no_package_module_is_over_400_lines():
    package = ROOT / "restore"
    long = {
        ".".join(f.relative_to(ROOT).with_suffix("").parts)
        for f in package.rglob("*.py")
        if len(f.read_text(encoding="utf-8").splitlines()) > 400
    }
    assert long <= OVER_THE_BAR, sorted(long - OVER_THE_BAR)


def test_cli_is_thin():
    """restore/cli.py is at most 300 lines and each ``cmd_*`` at most 40: a command parses,
    builds a spec, runs it and reports; the work is in restore.commands (issue 31)."""
    source = (ROOT / "restore" / "cli.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 300
    commands = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("cmd_")
    ]
    assert commands
    long = {node.name: node.end_lineno - node.lineno + 1 for node in commands if node.end_lineno - node.lineno + 1 > 40}
    assert long == {}


def test_release_tools_live_in_tools():
    """Tools that build the package's resources from ../shared are not in the package."""
    assert (ROOT / "tools" / "build_table.py").is_file() and (ROOT / "tools" / "build_lexicon.py").is_file()
    assert not [f for f in (ROOT / "restore").rglob("build_*.py")]
