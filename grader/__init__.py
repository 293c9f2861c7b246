"""The fromscratch engine: pytest plugin, numerical checks, stub generator, command line."""
