"""The discover stage: what the project is and what its suite is made of.

- :mod:`~testvet.discover.layout`: name, source roots, packages, test paths, modules;
- :mod:`~testvet.discover.collect`: pytest's own collection in a child process;
- :mod:`~testvet.discover.diagnose`: collection failures -> ``collection-error`` findings;
- :mod:`~testvet.discover.imports`: test file -> project modules it imports (AST);
- :mod:`~testvet.discover.kinds`: unit / integration / e2e classification;
- :mod:`~testvet.discover.astscan`: the inventory from the AST when pytest cannot run;
- :mod:`~testvet.discover.stage`: ``run(audit, ctx) -> audit``, tying them together.
"""
