# Puts Node 24 (Lambda's nodejs24.x) first on PATH, installing it from the npm registry when the machine's
# own node is older: the same Node, version and cache as `npm start` and `npm test` use (scripts/node24.mjs
# holds both). Source it, in CI or in a shell:
#   . scripts/node24.sh
# PISTUS_NODE_CACHE chooses the cache folder (default ~/.cache/pistus-node).
pistus_node_bin=$(node "$(dirname "${BASH_SOURCE[0]:-$0}")/node24.mjs" bin) || { return 1 2>/dev/null || exit 1; }
case ":$PATH:" in *":$pistus_node_bin:"*) ;; *) export PATH="$pistus_node_bin:$PATH" ;; esac
unset pistus_node_bin
