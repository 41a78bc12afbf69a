#!/usr/bin/env bash
# `npm run synth [-- -c name=value ...]`: both stages, each with the context given (prod also with a
# sender and client address, which a prod synth must name). cdk-nag runs in each; a finding, or a
# setting a function would refuse, fails it, naming the setting.
set -euo pipefail
cd "$(dirname "$0")/.."
cdk=./node_modules/.bin/cdk
"$cdk" synth --quiet -c stage=dev "$@"
"$cdk" synth --quiet -c stage=prod -c senderEmail=payments@pistus.example -c appUrl=https://app.pistus.example "$@"
