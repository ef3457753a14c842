#!/bin/sh
# Runs the frameworks example: workflows/frameworks.mig on this folder's
# legacy/ data, in a scratch copy (checked, dry run, run, the registry
# shown, the lines of expected.txt looked for, rolled back and compared
# byte for byte: examples/workflow.sh).
# Usage: run.sh PATH/TO/mig
set -eu
exec sh "$(dirname "$0")/../workflow.sh" "$1" frameworks
