#!/bin/sh
# test_docs.sh BIN - README, `BIN --help`, the man page and the bash and zsh
# completion name the same flags, repeatable options, config keys
# (StatefulSetConversion paths) and DEPLOY2STS_* environment variables, all
# derived from src/optable.c; and doctored copies of them are caught (the
# negative controls). The checks are in tests/docs_check.py.
exec /usr/bin/python3 "$(dirname "$0")/docs_check.py" "$1"
