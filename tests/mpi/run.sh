#!/bin/sh
# make check-mpi: the MPI test programs under mpirun on this machine, every
# run bounded by a timeout, as root where need be, one BLAS thread per rank.
# Ranks talk over shared memory (btl self,vader); one run goes over TCP on
# the loopback interface only. The runtime's own connections stay on
# loopback too. Nothing is sent to any other address.
set -eu
. "$(dirname "$0")/env.sh"
LO="--mca oob_tcp_if_include lo"
SHM="--mca btl self,vader $LO"
TCP="--mca btl self,tcp --mca btl_tcp_if_include lo $LO"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# tally NAME STATUS LOG: add LOG's "N passed, N failed" line to the totals.
tally() {
    name=$1 status=$2 log=$3
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)
    p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
    if [ -z "$line" ]; then p=0 f=1; status=FAILED; fi
    [ "$status" = ok ] || { cat "$log" >&2; [ "$f" -gt 0 ] || f=1; }
    passed=$((passed + p)) failed=$((failed + f))
    echo "check-mpi: $name: $status ($p passed, $f failed)"
}

# run NAME NP TRANSPORT PROGRAM ARGS...: one mpirun with a timeout; the
# program's "N passed, N failed" line is added to the totals.
run() {
    name=$1 np=$2 transport=$3
    shift 3
    log="$tmp/log"
    if timeout -k 10 120 "$mpirun" --oversubscribe -np "$np" $transport "$@" \
        >"$log" 2>&1; then status=ok; else status=FAILED; fi
    tally "$name -np $np" "$status" "$log"
    grep -E '^rank-order bits' "$log" >>"$tmp/bits" || true
}

for np in 1 2 3 4; do
    run store "$np" "$SHM" "$build/mpi/tests/test_store"
done
# Rank-order merge: the same bits again for the same P.
run store-again 3 "$SHM" "$build/mpi/tests/test_store"
if [ "$(grep -c 'P=3' "$tmp/bits")" -eq 2 ] &&
   [ "$(grep 'P=3' "$tmp/bits" | sort -u | wc -l)" -eq 1 ]; then
    echo "check-mpi: rank-order bits repeat for P = 3"; passed=$((passed + 1))
else
    echo "check-mpi: rank-order bits differ between runs" >&2; failed=$((failed + 1))
fi
run store-tcp 3 "$TCP" "$build/mpi/tests/test_store"

for np in 1 2 4; do
    run data-parallel "$np" "$SHM" "$build/mpi/tests/test_data_parallel"
    run train-data-parallel "$np" "$SHM" "$build/mpi/tests/test_train_dp"
done

run save 4 "$SHM" "$build/mpi/tests/test_persist" save "$tmp/store"
run load 2 "$SHM" "$build/mpi/tests/test_persist" load "$tmp/store"
run load 3 "$SHM" "$build/mpi/tests/test_persist" load "$tmp/store"
run corrupt 2 "$SHM" "$build/mpi/tests/test_persist" corrupt "$tmp/store"

# Python over mpi4py, when the interpreter has it.
if "$python" -c 'import mpi4py' 2>/dev/null; then
    for np in 1 2 3; do
        run python "$np" "$SHM" env PYTHONPATH="$PWD/python" \
            ASSOCMEM_LIBRARY="$PWD/lib/libassocmem.so" \
            ASSOCMEM_MPI_LIBRARY="$PWD/lib/libassocmem-mpi.so" \
            "$python" tests/mpi/test_mpi.py
    done
else
    echo "check-mpi: mpi4py missing for $python (scripts/install-deps mpi)" >&2
    failed=$((failed + 1))
fi

# The examples, quick: two rank counts.
for example in sharded_store train_dam; do
    for np in 1 2; do
        if timeout -k 10 120 "$mpirun" --oversubscribe -np "$np" $SHM \
            "$build/mpi/examples/$example" --quick >"$tmp/ex" 2>&1; then
            echo "check-mpi: example $example -np $np: ok"; passed=$((passed + 1))
        else
            cat "$tmp/ex" >&2; echo "check-mpi: example $example -np $np: FAILED"
            failed=$((failed + 1))
        fi
    done
done

# The Tyulmankov et al. 2023 example: P = 1 against P = 2, rank 0 writing,
# --resume, a failing rank (its own mpiruns, each with a timeout).
if BUILD=$build PYTHON=$python MPIRUN=$mpirun sh tests/mpi/tyulmankov2023.sh \
    >"$tmp/log" 2>&1; then status=ok; else status=FAILED; fi
tally "example tyulmankov2023 -np 1, 2" "$status" "$tmp/log"

echo "check-mpi: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
