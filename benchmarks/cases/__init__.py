"""One module per benchmark case; ``run.py`` lists them in its ``CASES`` table."""
