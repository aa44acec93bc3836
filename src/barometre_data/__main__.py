"""`python -m barometre_data ...` is the `barometre` command."""

from .cli import main

raise SystemExit(main())
