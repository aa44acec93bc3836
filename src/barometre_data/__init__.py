"""Everything about the barometer that works without Discord: data files, store, question engine, CLI."""
