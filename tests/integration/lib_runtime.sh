# Helpers for the brig-runtime tests (runtime.sh, runtime_policy.sh).

rt () { "$TOP/build/asan/brig-runtime" --root "$WORK/oci" "$@"; }

# A bundle from brig-runtime spec, with the command replaced.
bundle () { # bundle DIR CMD...
	local dir=$1; shift
	mkdir -p "$dir"
	cp -a "$IMG" "$dir/rootfs"
	(cd "$dir" && rt spec)
	python3 - "$dir/config.json" "$@" <<'PY'
import json, sys
path, args = sys.argv[1], sys.argv[2:]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = args
json.dump(c, open(path, "w"))
PY
}

edit_config () { # edit_config DIR PYTHON-EXPRESSION-ON-c
	python3 - "$1/config.json" "$2" <<'PY'
import json, sys
path, expr = sys.argv[1], sys.argv[2]
c = json.load(open(path))
exec(expr)
json.dump(c, open(path, "w"))
PY
}

oci_leftovers () {
	[ -z "$(ls -A "$WORK/oci" 2>/dev/null)" ] || fail "state left in $WORK/oci: $(ls -A "$WORK/oci")"
	expect_nothing_left
}

