# Sourced by the MPI test scripts: where the programs are, and an Open MPI
# that runs as root where need be, with one BLAS thread per rank, no
# probing of other interfaces and no shared-memory single copy through
# ptrace (refused in containers).
build=${BUILD:-build}
python=${PYTHON:-/usr/bin/python3}
mpirun=${MPIRUN:-mpirun}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
