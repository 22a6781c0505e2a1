"""The console script's entry point (`cleanup = cleanup.cli:main`)."""

from cleanup.commands import main

if __name__ == "__main__":  # pragma: no cover
    main()
