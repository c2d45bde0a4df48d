"""`python -m gapstudy`: the same entry point as the `gapstudy` console script."""

from gapstudy.cli import main

if __name__ == "__main__":
    main()
