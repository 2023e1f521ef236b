"""The ``pytest11`` entry point of testvet.harness: registers its fixtures."""
