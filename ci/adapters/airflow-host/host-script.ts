/**
 * The POSIX shell script dataship runs on an Airflow host (over SSH, through SSM Run Command, or
 * locally). Kept here as text so the compiled package carries it (tsc copies no .sh files).
 * It has no backticks, and writes shell `${` as `${DOLLAR}{`, so it lives in a template literal.
 *
 * Host layout under ROOT (Airflow's dags_folder is ROOT/current):
 *   current -> releases/<digest>      relative symlink, switched by rename (atomic)
 *   previous -> releases/<digest>     the release current pointed at before the last switch
 *   releases/<digest>/...             complete, verified, compiled releases only
 *   manifests/<digest>                canonical manifest text (its sha256 is <digest>)
 *   manifests/<digest>.py             sys.version of the python3 that compiled the release
 *   manifests/<digest>.listing        compact listing for deltas (probe output, cached)
 *   deploys.log                       JSON lines: at, action, digest, previous, result, by
 *   .dataship/{lock,incoming,trash}   lock dir, staging dirs (renamed into releases/ when
 *                                     complete), releases being pruned
 *
 * Commands (stdout: key=value lines; exit 0 ok, 2 usage, 3 a DAG does not compile, 4 the delta
 * cannot be applied: send the full bundle, 5 payload checksum mismatch, 6 bundle not on host,
 * 7 another deploy holds the lock, 1 anything else):
 *   session [--keep N] [--by WHO] [--listing-max CHARS]   probe, `ready`, then one deploy request
 *                                                         line read from stdin (payload follows)
 *   probe [--listing] [--listing-max CHARS]
 *   deploy --digest D [--base B] --payload SRC --payload-sha256 H [--keep N] [--by WHO] [--compile-all]
 *     A delta compiles only the files it brings when the base release was compiled by the same
 *     python3 (sys.version stamp): the other files are byte-identical, verified and hard-linked.
 *     --compile-all compiles every file anyway.
 *   activate --digest D [--by WHO]
 *   drift --digest D [--payload SRC --payload-sha256 H]
 * SRC is `-` (stdin), an absolute file path, s3://… (aws CLI) or http(s)://… (curl or wget), or
 * `none` when the release is expected to be on the host already.
 * DATASHIP_HOST_TRACE=1 prints `phase=<name>` markers on stderr; DATASHIP_PYTHON picks python3.
 */
import { createHash } from 'node:crypto';

/** Written as `${DOLLAR}{` where the script needs a `${` (the template would take it). */
const DOLLAR = '$';

export const HOST_SCRIPT = String.raw`#!/bin/sh
# dataship host deploy script: atomic, verified, compiled DAG releases. POSIX sh.
umask 022
LC_ALL=C
export LC_ALL
CMD=$1
[ $# -gt 0 ] && shift
R=
D=
BASE=
SRC=none
SUM=
KEEP=5
BY=
LISTING=0
LISTING_MAX=0
COMPILE_ALL=0
parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --root) R=$2; shift 2 ;;
      --digest) D=$2; shift 2 ;;
      --base) BASE=$2; shift 2 ;;
      --payload) SRC=$2; shift 2 ;;
      --payload-sha256) SUM=$2; shift 2 ;;
      --keep) KEEP=$2; shift 2 ;;
      --by) BY=$(printf '%s' "$2" | tr -cd 'A-Za-z0-9@._:/+ -'); shift 2 ;;
      --listing) LISTING=1; shift ;;
      --listing-max) LISTING_MAX=$2; shift 2 ;;
      --compile-all) COMPILE_ALL=1; shift ;;
      *) echo "error=unknown argument $1"; exit 2 ;;
    esac
  done
}
parse_args "$@"
PY=$DATASHIP_PYTHON
[ -n "$PY" ] || PY=python3
TRACE=$DATASHIP_HOST_TRACE
DS=$R/.dataship
S=
LOCKED=0
PYPID=

trace() { [ -z "$TRACE" ] || echo "phase=$1" >&2; }
cleanup() {
  [ -z "$PYPID" ] || kill "$PYPID" 2> /dev/null
  PYPID=
  [ -z "$S" ] || rm -rf "$S"
  S=
  if [ "$LOCKED" = 1 ]; then rm -rf "$DS/lock"; LOCKED=0; fi
}
die() { c=$1; shift; echo "error=$*"; echo "dataship-host: $*" >&2; cleanup; exit "$c"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

is_digest() { [ "$(expr "x$1" : 'x[0-9a-f]*$')" = 65 ]; }
# Few processes on the hot path: each fork and exec costs on a busy host.
sha_of() { set -- $(sha256sum < "$1"); echo "$1"; }
link_digest() {
  l=$(readlink "$R/$1" 2>/dev/null) || return 0
  case $l in releases/*) echo "${DOLLAR}{l#releases/}" ;; esac
}
starttime() {
  [ -r "/proc/$1/stat" ] || return 0
  read -r st < "/proc/$1/stat"
  set -f
  set -- ${DOLLAR}{st##*) }
  set +f
  shift 19
  echo "$1"
}

check_args() {
  [ -n "$R" ] || { echo "error=--root is required"; exit 2; }
  case $CMD in probe|deploy|activate|drift|session) ;; *) echo "error=unknown command '$CMD'"; exit 2 ;; esac
  case $CMD in probe|session) ;; *) is_digest "$D" || { echo "error=--digest must be 64 hex characters"; exit 2; } ;; esac
  if [ -n "$BASE" ]; then is_digest "$BASE" || { echo "error=--base must be 64 hex characters"; exit 2; }; fi
  case $KEEP in ''|*[!0-9]*) echo "error=--keep must be a number"; exit 2 ;; esac
}
check_args
mkdir -p "$R/releases" "$R/manifests" "$DS/incoming" "$DS/trash" || { echo "error=cannot create $R"; exit 1; }

take_lock() {
  L=$DS/lock
  if ! mkdir "$L" 2>/dev/null; then
    opid=$(cat "$L/pid" 2>/dev/null)
    if [ -n "$opid" ] && kill -0 "$opid" 2>/dev/null && [ "$(starttime "$opid")" = "$(cat "$L/start" 2>/dev/null)" ]; then
      echo "error=another deploy is running on this host (pid $opid)"; exit 7
    fi
    rm -rf "$L"
    mkdir "$L" 2>/dev/null || { echo "error=cannot take the deploy lock $L"; exit 7; }
  fi
  LOCKED=1
  echo $$ > "$L/pid"
  starttime $$ > "$L/start"
  # Leftovers of killed runs: staging dirs, releases being pruned, half-made symlinks.
  rm -rf "$DS/incoming/"* "$DS/trash/"* "$R/.current.new."* "$R/.previous.new."* "$R/manifests/"*.tmp.*
  # Manifests whose release never arrived (a run killed between the two renames).
  for m in "$R/manifests/"*; do
    b=${DOLLAR}{m##*/}
    [ ! -e "$m" ] || [ -d "$R/releases/${DOLLAR}{b%%.*}" ] || rm -f "$m"
  done
}

record() {
  printf '{"at":"%s","action":"%s","digest":"%s","previous":"%s","result":"%s","by":"%s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$D" "$2" "$3" "$BY" >> "$R/deploys.log"
}

# verify_tree DIR MANIFEST WORKDIR: every file of the manifest with its sha256, and nothing else.
verify_tree() {
  awk -F '\t' '{ print $2 "  " $1 }' "$2" > "$3/sums"
  if [ -s "$3/sums" ]; then
    (cd "$1" && sha256sum -c "$3/sums") > "$3/check" 2>&1 || return 1
  fi
  (cd "$1" && find . ! -type d) | sed 's|^\./||' | sort > "$3/found"
  cut -f1 "$2" > "$3/expected"
  cmp -s "$3/found" "$3/expected"
}
verify_problems() {
  { grep -v ': OK$' "$1/check" 2>/dev/null
    awk 'FNR==NR { e[$0]=1; next } !($0 in e) { print $0 ": not in the manifest" }' "$1/expected" "$1/found" 2>/dev/null
  } | head -n 5 | tr '\n' ';'
}
# verify_release DIGEST WORKDIR
verify_release() {
  [ -d "$R/releases/$1" ] && [ -f "$R/manifests/$1" ] || return 1
  [ "$(sha_of "$R/manifests/$1")" = "$1" ] || return 1
  verify_tree "$R/releases/$1" "$R/manifests/$1" "$2"
}

replace() { mv -f -T "$1" "$2" 2>/dev/null || "$PY" -c 'import os,sys; os.replace(sys.argv[1], sys.argv[2])' "$1" "$2"; }

# switch_to DIGEST: previous := current, then current := releases/DIGEST, each by rename.
switch_to() {
  trace switch
  if [ -n "$CUR" ] && [ "$CUR" != "$1" ] && [ -d "$R/releases/$CUR" ]; then
    ln -s "releases/$CUR" "$R/.previous.new.$$" && replace "$R/.previous.new.$$" "$R/previous" || die 1 "cannot update $R/previous"
  fi
  ln -s "releases/$1" "$R/.current.new.$$" || die 1 "cannot create a symlink in $R"
  trace switch-rename
  replace "$R/.current.new.$$" "$R/current" || die 1 "cannot switch $R/current (is it a real directory?)"
  trace switched
  touch "$R/releases/$1"
}

prune() {
  PREV=$(link_digest previous)
  n=0
  PRUNED=
  for d in $(ls -1t "$R/releases"); do
    n=$((n + 1))
    if [ "$d" = "$1" ] || [ "$d" = "$PREV" ] || [ "$n" -le "$KEEP" ]; then continue; fi
    mv "$R/releases/$d" "$DS/trash/$d.$$" && rm -f "$R/manifests/$d" "$R/manifests/$d.py" "$R/manifests/$d.listing"
    PRUNED="$PRUNED $d"
  done
  rm -rf "$DS/trash/"*
  echo "pruned=$PRUNED"
}

receive() {
  case $1 in
    -) cat > "$2" ;;
    s3://*) aws s3 cp --only-show-errors "$1" "$2" ;;
    http://*|https://*) if command -v curl > /dev/null 2>&1; then curl -fsSL -o "$2" "$1"; else wget -q -O "$2" "$1"; fi ;;
    /*) cp "$1" "$2" ;;
    *) return 1 ;;
  esac
}

# Started early (python3 starts while the bundle is received and unpacked) and handed its job
# through a file; it leaves as soon as the script that started it is gone.
PYCOMPILE='
import os, sys, time
job, ppid = sys.argv[1], os.getppid()
while not os.path.exists(job):
    if os.getppid() != ppid:
        sys.exit(0)
    time.sleep(0.002)
with open(job, encoding="utf-8") as f:
    root, manifest, only, stamp_in, stamp_out = f.read().split("\n")[:5]
ver = sys.version
with open(manifest, encoding="utf-8") as f:
    py = [l.split("\t", 1)[0] for l in f if l.strip() and l.split("\t", 1)[0].endswith(".py")]
scope = "all"
if only != "-" and os.path.exists(stamp_in):
    with open(stamp_in, encoding="utf-8") as f:
        same = f.read() == ver
    if same:
        with open(only, encoding="utf-8") as f:
            want = set(l.rstrip("\n") for l in f)
        py = [p for p in py if p in want]
        scope = "changed"
bad = 0
for p in py:
    try:
        with open(os.path.join(root, p), "rb") as f:
            compile(f.read(), p, "exec", dont_inherit=True)
    except SyntaxError as e:
        bad += 1
        print("compile-error=%s:%s:%s: %s: %s" % (p, e.lineno or 0, e.offset or 0, type(e).__name__, str(e.msg).replace("\n", " ")))
    except Exception as e:
        bad += 1
        print("compile-error=%s:0:0: %s: %s" % (p, type(e).__name__, str(e).replace("\n", " ")))
if bad:
    sys.exit(3)
with open(stamp_out, "w", encoding="utf-8") as f:
    f.write(ver)
print("compiled=%d" % len(py))
print("compile-scope=%s" % scope)
print("python=%s" % ver.split()[0])
'

# The compact listing of a manifest for deltas: path, sha256 prefix, mode; gzip + base64, one line.
listing_of() { awk -F '\t' '{ print $1 "\t" substr($2, 1, 8) "\t" $3 }' "$1" | gzip -9c | base64 | tr -d '\n'; }

cmd_probe() {
  CUR=$(link_digest current)
  echo "current=$CUR"
  echo "previous=$(link_digest previous)"
  rel=
  for d in "$R/releases/"*; do [ ! -d "$d" ] || rel="$rel${DOLLAR}{d##*/} "; done
  echo "releases=$rel"
  if [ "$LISTING" = 1 ] && [ -n "$CUR" ] && [ -f "$R/manifests/$CUR" ] && [ "$(sha_of "$R/manifests/$CUR")" = "$CUR" ]; then
    if [ -f "$R/manifests/$CUR.listing" ]; then read -r lst < "$R/manifests/$CUR.listing"; else lst=$(listing_of "$R/manifests/$CUR"); fi
    if [ "$LISTING_MAX" -gt 0 ] && [ "${DOLLAR}{#lst}" -gt "$LISTING_MAX" ]; then echo "listing=omitted"; else echo "listing=$lst"; fi
  fi
}

cmd_deploy() {
  take_lock
  CUR=$(link_digest current)
  echo "previous=$CUR"
  if [ "$CUR" = "$D" ]; then echo "status=unchanged"; return 0; fi
  S=$DS/incoming/$D.$$
  mkdir -p "$S" || die 1 "cannot create $S"
  if [ -d "$R/releases/$D" ]; then
    trace verify
    if verify_release "$D" "$S"; then
      echo "mode=existing"
      switch_to "$D"
      record deploy "$CUR" changed
      echo "status=changed"
      prune "$D"
      return 0
    fi
    echo "warning=release $D on the host failed verification; replacing it: $(verify_problems "$S")"
    mv "$R/releases/$D" "$DS/trash/$D.$$"
  fi
  [ "$SRC" != none ] || die 4 "bundle $D is not on the host: send it"
  "$PY" -I -S -B -c "$PYCOMPILE" "$S/job" > "$S/compile.out" 2> "$S/compile.err" &
  PYPID=$!
  trace receive
  receive "$SRC" "$S/payload" || die 1 "cannot receive the bundle from $SRC"
  [ "$(sha_of "$S/payload")" = "$SUM" ] || die 5 "bundle checksum mismatch: expected $SUM, got $(sha_of "$S/payload") (transfer cut short?)"
  trace unpack
  if [ -n "$BASE" ]; then
    [ -d "$R/releases/$BASE" ] && [ -f "$R/manifests/$BASE" ] || die 4 "base release $BASE is not on the host"
    gzip -dc "$S/payload" | tar -xof - -C "$S" patch || die 4 "delta payload has no patch"
    awk -F '\t' 'FNR == NR { if (substr($0, 1, 1) == "-") drop[substr($0, 2)] = 1; else { l = substr($0, 2); split(l, f, "\t"); drop[f[1]] = 1; add[++n] = l }; next }
      !($1 in drop) { print } END { for (i = 1; i <= n; i++) print add[i] }' "$S/patch" "$R/manifests/$BASE" | sort > "$S/manifest"
    [ "$(sha_of "$S/manifest")" = "$D" ] || die 4 "base $BASE on the host does not give bundle $D with this delta"
    trace link
    cp -al "$R/releases/$BASE" "$S/dags" || die 4 "cannot hard-link from release $BASE"
    (cd "$S/dags" && find . ! -type d) | sed 's|^\./||' > "$S/found"
    { awk -F '\t' '{ l = substr($0, 2); split(l, f, "\t"); print f[1] }' "$S/patch"
      awk -F '\t' 'FNR == NR { keep[$1] = 1; next } !($0 in keep)' "$S/manifest" "$S/found"
    } > "$S/remove"
    awk -F '\t' 'substr($0, 1, 1) == "+" { l = substr($0, 2); split(l, f, "\t"); print f[1] }' "$S/patch" > "$S/only"
    (cd "$S/dags" && sed 's/./\\&/g' "$S/remove" | xargs rm -f --) || die 4 "cannot remove changed files"
    gzip -dc "$S/payload" | tar -xmof - -C "$S" || die 4 "cannot unpack the delta"
    echo "mode=delta"
    a=$(wc -l < "$S/manifest")
    b=$(wc -l < "$S/only")
    echo "linked=$((a - b))"
    STAMP=$R/manifests/$BASE.py
  else
    gzip -dc "$S/payload" | tar -xmof - -C "$S" || die 1 "cannot unpack the bundle"
    [ -f "$S/manifest" ] || die 1 "the bundle has no manifest"
    [ "$(sha_of "$S/manifest")" = "$D" ] || die 1 "the bundle's manifest does not have digest $D"
    mkdir -p "$S/dags"
    echo "mode=full"
    echo - > "$S/only"
    STAMP=
  fi
  echo "received=$(wc -c < "$S/payload")"
  trace verify
  if ! verify_tree "$S/dags" "$S/manifest" "$S"; then
    p=$(verify_problems "$S")
    [ -z "$BASE" ] || die 4 "files linked from $BASE differ from its manifest (changed on the host by hand?): $p"
    die 1 "unpacked bundle does not match its manifest: $p"
  fi
  trace compile
  ONLY=-
  [ -z "$STAMP" ] || [ "$COMPILE_ALL" = 1 ] || ONLY=$S/only
  printf '%s\n' "$S/dags" "$S/manifest" "$ONLY" "$STAMP" "$S/compiled" > "$S/job.tmp" && mv "$S/job.tmp" "$S/job"
  wait "$PYPID"
  rc=$?
  PYPID=
  cat "$S/compile.out"
  if [ $rc -ne 0 ]; then
    if [ $rc -eq 3 ]; then record deploy "$CUR" refused; die 3 "DAG files do not compile with $("$PY" -V 2>&1); $D was not switched live"; fi
    die 1 "cannot run $PY to compile DAGs: $(tail -n 3 "$S/compile.err" | tr '\n' ' ')"
  fi
  trace commit
  # Same filesystem as the staging dir: each mv is one rename.
  listing_of "$S/manifest" > "$S/listing"
  mv -f "$S/listing" "$R/manifests/$D.listing" && mv -f "$S/compiled" "$R/manifests/$D.py" && mv -f "$S/manifest" "$R/manifests/$D" || die 1 "cannot write the manifest"
  replace "$S/dags" "$R/releases/$D" || die 1 "cannot move the release into $R/releases"
  switch_to "$D"
  record deploy "$CUR" changed
  echo "status=changed"
  trace prune
  prune "$D"
  trace done
}

cmd_activate() {
  take_lock
  CUR=$(link_digest current)
  echo "previous=$CUR"
  if [ "$CUR" = "$D" ]; then echo "status=unchanged"; return 0; fi
  S=$DS/incoming/activate.$$
  mkdir -p "$S"
  [ -d "$R/releases/$D" ] || die 6 "bundle $D is not on the host"
  verify_release "$D" "$S" || die 6 "release $D on the host fails verification: $(verify_problems "$S")"
  switch_to "$D"
  record activate "$CUR" changed
  echo "status=changed"
}

cmd_drift() {
  CUR=$(link_digest current)
  [ -n "$CUR" ] || die 6 "nothing is deployed on this host"
  echo "current=$CUR"
  S=$DS/incoming/drift.$$
  mkdir -p "$S"
  M=$R/manifests/$D
  if [ ! -f "$M" ] || [ "$(sha_of "$M")" != "$D" ]; then
    [ "$SRC" != none ] || die 4 "manifest $D is not on the host: send it"
    receive "$SRC" "$S/expected.gz" || die 1 "cannot receive the manifest"
    [ "$(sha_of "$S/expected.gz")" = "$SUM" ] || die 5 "manifest checksum mismatch"
    gzip -dc "$S/expected.gz" > "$S/manifest"
    [ "$(sha_of "$S/manifest")" = "$D" ] || die 1 "the manifest sent does not have digest $D"
    M=$S/manifest
  fi
  (cd "$R/current/" && find . ! -type d) | sed 's|^\./||' | sort > "$S/found"
  : > "$S/sums"
  if [ -s "$S/found" ]; then (cd "$R/current/" && sed 's/./\\&/g' "$S/found" | xargs sha256sum --) > "$S/sums" 2>/dev/null; fi
  awk -F '\t' 'FNR == NR { want[$1] = $2; next }
    { h = substr($0, 1, 64); p = substr($0, 67); got[p] = h }
    END {
      for (p in got) if (!(p in want)) print "drift-added=" p; else if (got[p] != want[p]) print "drift-changed=" p
      for (p in want) if (!(p in got)) print "drift-removed=" p
    }' "$M" "$S/sums"
  # Entries sha256sum could not read (dangling symlinks, unreadable files) count as changed or added.
  awk 'FNR == NR { h[substr($0, 67)] = 1; next } !($0 in h) { print "drift-unreadable=" $0 }' "$S/sums" "$S/found"
}

# session: probe, print "ready", then read one request line from stdin ("deploy --digest …
# --payload - …") and run it with the rest of stdin as its payload. One connection, one process.
cmd_session() {
  LISTING=1
  cmd_probe
  echo ready
  IFS= read -r line || exit 0
  set -f
  # shellcheck disable=SC2086
  set -- $line
  set +f
  [ $# -gt 0 ] || exit 0
  CMD=$1
  shift
  parse_args "$@"
  check_args
  case $CMD in
    deploy) cmd_deploy ;;
    *) echo "error=a session runs deploy only, not $CMD"; exit 2 ;;
  esac
}

case $CMD in
  session) cmd_session ;;
  probe) cmd_probe ;;
  deploy) cmd_deploy ;;
  activate) cmd_activate ;;
  drift) cmd_drift ;;
esac
exit 0
`;

/** sha256 of the script text: names the cached copy on SSH hosts. */
export const HOST_SCRIPT_SHA256 = createHash('sha256').update(HOST_SCRIPT).digest('hex');

/** Quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `sh -c '<script>' dataship-host ARGS…` as one shell command line. */
export function inlineScriptCommand(args: string[]): string {
  return ['sh', '-c', shellQuote(HOST_SCRIPT), 'dataship-host', ...args.map(shellQuote)].join(' ');
}
