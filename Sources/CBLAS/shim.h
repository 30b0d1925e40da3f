// OpenBLAS's C interface to BLAS (libopenblas-dev on Debian). On macOS the library uses
// Accelerate instead and never imports this module.
#include <cblas.h>
