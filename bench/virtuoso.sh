#!/usr/bin/env bash
# Push the graph into Debian's Virtuoso with `kgtool push`, query it with `kgtool query
# --endpoint`, then stop it (issue 5). Nothing is left behind: Virtuoso runs in the foreground
# from a temp folder with its own virtuoso.ini, on 127.0.0.1 only, on free ports.
#
# Needs: apt-get install -y virtuoso-opensource (its packaged service is not used).
# Usage: bench/virtuoso.sh [extra kgtool push options, e.g. --reasoned]
set -euo pipefail

KGTOOL=${KGTOOL:-kgtool}
PYTHON=${PYTHON:-python3}
command -v virtuoso-t >/dev/null || {
    echo "virtuoso-t not found: apt-get install -y virtuoso-opensource" >&2
    exit 2
}
ISQL=$(command -v isql-vt || command -v isql)
VSP=$(ls -d /var/lib/virtuoso-opensource-*/vsp 2>/dev/null | head -1)
VAD=$(ls -d /usr/share/virtuoso-opensource-*/vad 2>/dev/null | head -1)

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
dir=$(mktemp -d)
sql_port=$(free_port)
http_port=$(free_port)
cat >"$dir/virtuoso.ini" <<INI
[Database]
DatabaseFile    = $dir/virtuoso.db
ErrorLogFile    = $dir/virtuoso.log
LockFile        = $dir/virtuoso.lck
TransactionFile = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
TempStorage     = TempDatabase
[TempDatabase]
DatabaseFile    = $dir/virtuoso-temp.db
TransactionFile = $dir/virtuoso-temp.trx
[Parameters]
ServerPort      = 127.0.0.1:$sql_port
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed     = ., $dir, $VAD
VADInstallDir   = $VAD/
[HTTPServer]
ServerPort      = 127.0.0.1:$http_port
ServerRoot      = $VSP
ServerThreads   = 4
[SPARQL]
ResultSetMaxRows = 100000
DefaultQuery    = select * where { ?s ?p ?o } limit 10
INI

virtuoso-t +foreground +configfile "$dir/virtuoso.ini" >"$dir/stdout.log" 2>&1 &
pid=$!
cleanup() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

base="http://127.0.0.1:$http_port"
for _ in $(seq 1 120); do
    if "$PYTHON" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
        "$base/sparql?query=ASK%7B%7D" 2>/dev/null; then
        break
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$dir/virtuoso.log" >&2; exit 1; }
    sleep 0.5
done
echo "Virtuoso $(virtuoso-t -? 2>&1 | grep -m1 -o 'Version [0-9.]*' || true) on $base (pid $pid)"

# The unauthenticated Graph Store endpoint (/sparql-graph-crud) writes as the SPARQL user, who
# may only read in a fresh database: let it update. Fine for a throwaway local instance only.
"$ISQL" "127.0.0.1:$sql_port" dba dba exec="GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);" >/dev/null

set -x
time "$KGTOOL" push --endpoint "$base/sparql-graph-crud" "$@"
time "$KGTOOL" query founders --endpoint "$base/sparql"
"$KGTOOL" query "SELECT (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'https://w3id.org/eleutherai-kg/')) }" --endpoint "$base/sparql"
