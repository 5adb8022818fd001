"""The floor under `actionctl validate`: the work no implementation can skip, in a bare Python process.

Reads every manifest and code file of the folder given, YAML-loads each manifest with PyYAML's C loader
and parses each code file with tree-sitter — nothing of actionctl is imported. bench/validate.py times
this next to `actionctl validate` on the same project. Run: python bench/floor.py PROJECT/actions
"""

import os
import sys

import tree_sitter
import tree_sitter_javascript
import yaml


def main(folder: str) -> None:
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))
    manifests = 0
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.endswith(".yaml"):
            with open(path, "rb") as file:
                yaml.load(file.read(), Loader=yaml.CSafeLoader)
            manifests += 1
        elif name.endswith(".js"):
            with open(path, "rb") as file:
                parser.parse(file.read())
    print(manifests)


if __name__ == "__main__":
    main(sys.argv[1])
