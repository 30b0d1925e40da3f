// C's `stdout` is a global variable, which Swift 6 refuses to touch unless the C module is
// imported as not yet annotated for concurrency. This file imports only that module, so the
// exemption covers this one use and nothing else.
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

/// Standard output goes out a line at a time even into a pipe or a file, so that a long
/// `book verify` or `book site` under `make test` shows its progress as it goes.
/// Called once, first thing in `main`, before anything is printed.
func lineBufferStandardOutput() {
    setvbuf(stdout, nil, _IOLBF, 0)
}
