#!/usr/bin/env bash
# Runs a command against AWS's own DynamoDB Local (Java), the fidelity check for the embedded emulator:
#   scripts/with-dynamodb-local.sh npx vitest run --project integration
# DynamoDB Local's own downloader reaches outside the npm registry, so the jar comes from the npm package
# amplify-dynamodb-simulator (which ships it), unpacked once into .local/ without its heavy dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

version=2.9.30
dir=.local/dynamodb-local-$version
if [ ! -f "$dir/DynamoDBLocal.jar" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "amplify-dynamodb-simulator@$version" --silent >/dev/null)
  mkdir -p "$dir"
  tar -xzf "$tmp"/amplify-dynamodb-simulator-$version.tgz -C "$tmp" package/emulator
  cp -r "$tmp"/package/emulator/. "$dir"/
  rm -rf "$tmp"
fi

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
# -sharedDb: one database whatever the credentials and region of the client.
java -Djava.library.path="$dir/DynamoDBLocal_lib" -jar "$dir/DynamoDBLocal.jar" -inMemory -sharedDb -port "$port" \
  >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log"; exit 1; }
  sleep 0.1
done
echo "DynamoDB Local (pid $pid) on http://127.0.0.1:$port"
DYNAMODB_ENDPOINT="http://127.0.0.1:$port" "$@"
