"""src/groundswell by stage: a module imports (at the top or inside a function) only from its own
stage or an earlier one, so no stage reaches back into a later one and no import circle spans two."""

from __future__ import annotations

import ast
from pathlib import Path

import groundswell

PACKAGE = Path(groundswell.__file__).parent

#: The stages in the order data moves through them; the modules outside a stage package are named.
ORDER = ("foundation", "land", "store", "transform", "gate", "publish", "serve", "run")
MODULE_STAGES = {"config": "foundation", "progress": "foundation", "runs": "foundation", "lake": "foundation",
                 "warehouse": "store", "ops": "store"}


def stage(module: str) -> str:
    first = module.split(".")[1]
    return MODULE_STAGES.get(first, first)


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("groundswell."):
            found.add(node.module)
            # `from groundswell.run import build`: the module imported is groundswell.run.build
            found |= {f"{node.module}.{a.name}" for a in node.names
                      if (PACKAGE / node.module.split(".", 1)[1].replace(".", "/") / f"{a.name}.py").exists()}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("groundswell.")}
    return found


def test_every_module_is_in_a_stage():
    stages = {stage(f"groundswell.{p.relative_to(PACKAGE).with_suffix('').as_posix().replace('/', '.')}")
              for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE}
    assert stages <= set(ORDER), stages - set(ORDER)


def test_no_module_imports_from_a_later_stage():
    backwards = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = "groundswell." + path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")
        if module.endswith(".__init__"):
            module = module.removesuffix(".__init__")
            if module == "groundswell":
                continue
        for imported in imports(path):
            if ORDER.index(stage(imported)) > ORDER.index(stage(module)):
                backwards.append(f"{module} ({stage(module)}) imports {imported} ({stage(imported)})")
    assert not backwards, "\n".join(backwards)
